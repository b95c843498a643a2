"""The vector index: chunks of text with their embeddings, searched by cosine distance.

Two stores, chosen by ``VECTOR_STORE_URL`` (settings.py):

- SQLite with the sqlite-vec extension (a file path or ``sqlite:///PATH``, the default): one
  file, nothing to start. Opened through ``sqlean`` (SQLite with extension loading), since the
  standard library's ``sqlite3`` cannot load extensions on many Python builds.
- PostgreSQL with the pgvector extension (``postgresql://...``), for a shared, served index.

An index records the embedding model and the dimension it was built with: opening it for
another model or dimension is an :class:`IndexMismatchError`, since vectors of two models
cannot be compared.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .chunking import Chunk


class StoreError(Exception):
    """The index cannot be opened or used."""


class IndexMismatchError(StoreError):
    """The index was built for another embedding model or dimension."""


@dataclass(frozen=True)
class Hit:
    source: str
    chunk: int
    text: str
    score: float  # cosine similarity, 1 is the same direction


class VectorStore(Protocol):
    url: str
    dimension: int

    def replace(self, source: str, chunks: Sequence[Chunk], vectors: Sequence[list[float]]) -> None:
        """The chunks of ``source`` become these (a re-ingested file replaces its old chunks)."""

    def search(self, vector: list[float], k: int) -> list[Hit]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


def _check_identity(url: str, recorded: dict[str, str], model: str, dimension: int) -> None:
    built_dimension = int(recorded.get("dimension", dimension))
    built_model = recorded.get("embedding_model", model)
    if built_dimension != dimension or built_model != model:
        raise IndexMismatchError(
            f"the index at {url} was built by {built_model} with {built_dimension}-dimension "
            f"vectors; the bound embedding model is {model} with {dimension}: their vectors "
            "cannot be compared. Ingest into a new index (another VECTOR_STORE_URL), or "
            "rebuild this one with `ingest --rebuild`."
        )


class SqliteVecStore:
    """SQLite + sqlite-vec: a ``vec0`` virtual table beside a table of chunks (same rowid)."""

    def __init__(self, path: Path, *, model: str, dimension: int, rebuild: bool = False) -> None:
        import sqlean
        import sqlite_vec

        self.url = f"sqlite:///{path}"
        self.dimension = dimension
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlean.connect(str(path), check_same_thread=False)
        self._db.enable_load_extension(True)
        sqlite_vec.load(self._db)
        self._db.enable_load_extension(False)
        with self._lock, self._db:
            if rebuild:
                self._db.executescript(
                    "DROP TABLE IF EXISTS rag_meta; DROP TABLE IF EXISTS rag_chunks;"
                    " DROP TABLE IF EXISTS rag_vectors;"
                )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rag_meta (key TEXT PRIMARY KEY, value TEXT)"
            )
            recorded = dict(self._db.execute("SELECT key, value FROM rag_meta").fetchall())
            _check_identity(self.url, recorded, model, dimension)
            self._db.executemany(
                "INSERT OR IGNORE INTO rag_meta VALUES (?, ?)",
                [("embedding_model", model), ("dimension", str(dimension))],
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rag_chunks (id INTEGER PRIMARY KEY, "
                "source TEXT NOT NULL, chunk INTEGER NOT NULL, text TEXT NOT NULL)"
            )
            self._db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS rag_vectors USING "
                f"vec0(embedding float[{int(dimension)}] distance_metric=cosine)"
            )

    def replace(self, source: str, chunks: Sequence[Chunk], vectors: Sequence[list[float]]) -> None:
        from sqlite_vec import serialize_float32

        with self._lock, self._db:
            old = [
                row[0]
                for row in self._db.execute("SELECT id FROM rag_chunks WHERE source = ?", (source,))
            ]
            self._db.executemany("DELETE FROM rag_vectors WHERE rowid = ?", [(i,) for i in old])
            self._db.execute("DELETE FROM rag_chunks WHERE source = ?", (source,))
            for chunk, vector in zip(chunks, vectors, strict=True):
                cursor = self._db.execute(
                    "INSERT INTO rag_chunks (source, chunk, text) VALUES (?, ?, ?)",
                    (chunk.source, chunk.index, chunk.text),
                )
                self._db.execute(
                    "INSERT INTO rag_vectors (rowid, embedding) VALUES (?, ?)",
                    (cursor.lastrowid, serialize_float32(vector)),
                )

    def search(self, vector: list[float], k: int) -> list[Hit]:
        from sqlite_vec import serialize_float32

        with self._lock:
            rows = self._db.execute(
                "SELECT c.source, c.chunk, c.text, v.distance FROM "
                "(SELECT rowid, distance FROM rag_vectors WHERE embedding MATCH ? AND k = ?) v "
                "JOIN rag_chunks c ON c.id = v.rowid ORDER BY v.distance, c.source, c.chunk",
                (serialize_float32(vector), k),
            ).fetchall()
        return [Hit(source, chunk, text, 1.0 - distance) for source, chunk, text, distance in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM rag_chunks").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def _pg_vector(vector: list[float]) -> str:
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


class PgVectorStore:
    """PostgreSQL + pgvector: one table of chunks with a ``vector(N)`` column and an HNSW
    index for cosine distance."""

    def __init__(self, url: str, *, model: str, dimension: int, rebuild: bool = False) -> None:
        import psycopg

        self.url = _redacted(url)  # what messages show: never a password
        self.dimension = dimension
        self._lock = threading.Lock()
        try:
            self._db: Any = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.url}: {exc}") from exc
        try:
            self._setup(model, dimension, rebuild)
        except psycopg.Error as exc:
            self._db.close()
            raise StoreError(
                f"cannot set up the index at {self.url}: {exc} (the database needs the "
                "pgvector extension, and a role that may create it or it created: "
                "CREATE EXTENSION vector)"
            ) from exc

    def _setup(self, model: str, dimension: int, rebuild: bool) -> None:
        with self._lock, self._db.transaction():
            self._db.execute("CREATE EXTENSION IF NOT EXISTS vector")
            if rebuild:
                self._db.execute("DROP TABLE IF EXISTS rag_meta, rag_chunks")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rag_meta (key text PRIMARY KEY, value text)"
            )
            recorded = dict(self._db.execute("SELECT key, value FROM rag_meta").fetchall())
            _check_identity(self.url, recorded, model, dimension)
            self._db.execute(
                "INSERT INTO rag_meta VALUES ('embedding_model', %s), ('dimension', %s) "
                "ON CONFLICT (key) DO NOTHING",
                (model, str(dimension)),
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rag_chunks (id bigserial PRIMARY KEY, "
                "source text NOT NULL, chunk integer NOT NULL, text text NOT NULL, "
                f"embedding vector({int(dimension)}) NOT NULL)"
            )
            self._db.execute(
                "CREATE INDEX IF NOT EXISTS rag_chunks_embedding ON rag_chunks "
                "USING hnsw (embedding vector_cosine_ops)"
            )

    def replace(self, source: str, chunks: Sequence[Chunk], vectors: Sequence[list[float]]) -> None:
        with self._lock, self._db.transaction():
            self._db.execute("DELETE FROM rag_chunks WHERE source = %s", (source,))
            with self._db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO rag_chunks (source, chunk, text, embedding) "
                    "VALUES (%s, %s, %s, %s::vector)",
                    [
                        (c.source, c.index, c.text, _pg_vector(v))
                        for c, v in zip(chunks, vectors, strict=True)
                    ],
                )

    def search(self, vector: list[float], k: int) -> list[Hit]:
        with self._lock:
            rows = self._db.execute(
                "SELECT source, chunk, text, embedding <=> %s::vector AS distance "
                "FROM rag_chunks ORDER BY distance, source, chunk LIMIT %s",
                (_pg_vector(vector), k),
            ).fetchall()
        return [Hit(source, chunk, text, 1.0 - distance) for source, chunk, text, distance in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM rag_chunks").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def open_store(url: str, *, model: str, dimension: int, rebuild: bool = False) -> VectorStore:
    """The store ``url`` names (settings.py, ``VECTOR_STORE_URL``)."""
    if url.startswith(("postgresql://", "postgres://")):
        return PgVectorStore(url, model=model, dimension=dimension, rebuild=rebuild)
    if "://" in url and not url.startswith("sqlite:///"):
        raise StoreError(
            f"VECTOR_STORE_URL {_redacted(url)!r} names no known store: use a file path, "
            "sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
        )
    path = Path(url.removeprefix("sqlite:///")).expanduser()
    return SqliteVecStore(path, model=model, dimension=dimension, rebuild=rebuild)
