"""The service's own settings (the two model clients read theirs: CHAT_MODEL_*, EMBEDDINGS_MODEL_*).

- ``VECTOR_STORE_URL``: where the index lives. A file path or ``sqlite:///PATH`` (default
  ``rag-index.sqlite3`` in the working folder): SQLite with the sqlite-vec extension, nothing
  to start. ``postgresql://USER@HOST:PORT/DB`` (password from ``PGPASSWORD`` or ``~/.pgpass``,
  never in the URL you commit): PostgreSQL with the pgvector extension.
- ``CHUNK_SIZE`` (characters, default 1000), ``CHUNK_OVERLAP`` (default 150)
- ``TOP_K``: chunks given to the chat model per question (default 4)
- ``READY_TIMEOUT``: seconds ``/readyz`` waits for each upstream (default 2)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_STORE = "rag-index.sqlite3"


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class RagSettings:
    store_url: str = DEFAULT_STORE
    chunk_size: int = 1000
    chunk_overlap: int = 150
    top_k: int = 4
    ready_timeout: float = 2.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RagSettings:
        env = os.environ if environ is None else environ
        size = _int(env, "CHUNK_SIZE", 1000, 100)
        overlap = _int(env, "CHUNK_OVERLAP", 150, 0)
        if overlap >= size:
            raise ValueError(f"CHUNK_OVERLAP ({overlap}) must be less than CHUNK_SIZE ({size})")
        timeout = env.get("READY_TIMEOUT", "").strip()
        try:
            ready_timeout = float(timeout) if timeout else 2.0
        except ValueError:
            raise ValueError(f"READY_TIMEOUT must be a number, got {timeout!r}") from None
        return cls(
            store_url=env.get("VECTOR_STORE_URL", "").strip() or DEFAULT_STORE,
            chunk_size=size,
            chunk_overlap=overlap,
            top_k=_int(env, "TOP_K", 4, 1),
            ready_timeout=ready_timeout,
        )
