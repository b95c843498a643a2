"""A cache of validated catalogs, so that repeated commands skip YAML parsing and validation.

An entry records every file it was built from with a fingerprint (size, mtime and inode on
disk; the blob id in git) and the include patterns, so any edit, new or removed include file
invalidates it. Each catalog has two entries: the whole of it, and a summary holding only what
`idp models list` shows and filters on, which a large catalog reads several times faster.
Entries use `marshal` (plain data only, so loading one cannot run code) and are written
atomically: a crash never leaves a half-written entry, and an unreadable one is ignored.
The models are kept as chunks of `marshal` bytes, in order, one per chunk of files read: those
of a large catalog that worker processes read (see parallel.py, parts.py) arrive encoded. A chunk holds either the
models, or per include file the JSON text the fast YAML path read them from: copying text is
much cheaper than encoding the objects, and decoding it costs about the same.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path
from typing import Any

from idp_cli import __version__, env_vars, paths
from idp_cli.catalog.sources import Source

FORMAT = 3

# hashlib loads OpenSSL first, a few milliseconds of every `idp models list`; the built-in
# SHA-256 it falls back on gives the same digest (`_sha2` since Python 3.12)
try:
    from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:  # pragma: no cover - a Python built without them
        from hashlib import sha256  # type: ignore[assignment,unused-ignore]


def _entry_path(source: Source, part: str) -> Path:
    digest = sha256(f"{source.identity}\0{source.main}".encode()).hexdigest()[:32]
    return paths.cache_dir() / "catalogs" / f"{digest}.{part}"


def encode_models(models: list[Any]) -> bytes:
    return marshal.dumps(("models", models))


def encode_files(files: list[tuple[str | None, bytes | list[Any]]]) -> bytes:
    """Per include file, (its layout, the JSON text of its data) or (None, its models)."""
    return marshal.dumps(("files", files))


def decode_chunk(chunk: bytes | memoryview) -> list[Any]:
    """The models in a chunk; ValueError, TypeError or KeyError when it is not one."""
    kind, items = marshal.loads(chunk)  # noqa: S302 (our own entry; plain data only)
    if kind == "models":
        return list(items)
    if kind != "files":
        raise ValueError(kind)
    from pydantic_core import from_json

    from idp_cli.catalog.files import models_from

    models: list[Any] = []
    for layout, content in items:
        models.extend(content if layout is None else models_from(from_json(content), layout))
    return models


def decode_chunks(chunks: list[bytes]) -> list[Any]:
    """The models in some chunks, in order."""
    return [model for chunk in chunks for model in decode_chunk(chunk)]


def lookup(source: Source, *, summary: bool = False) -> tuple[dict[str, Any], list[str]] | None:
    """The cached catalog data and file list, if every file it came from is unchanged."""
    if env_vars.is_set("IDP_NO_CACHE"):
        return None
    try:
        entry, chunks = _read(_entry_path(source, "summary" if summary else "full"))
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (
        not isinstance(entry, dict)
        or entry.get("format") != FORMAT
        or entry.get("idp") != __version__
        or not isinstance(entry.get("deps"), dict)
        or not isinstance(entry.get("head"), dict)
    ):
        return None
    deps: dict[str, str] = entry["deps"]
    expected = {source.main}
    for pattern in entry.get("include", []):
        expected.update(source.reader.glob(pattern))
    if expected != set(deps):
        return None
    for rel, fingerprint in deps.items():
        if source.reader.fingerprint(rel) != fingerprint:
            return None
    models: list[Any] = []
    try:
        for chunk in chunks:
            models.extend(decode_chunk(chunk))
    except (ValueError, EOFError, TypeError, KeyError):
        return None
    return {**entry["head"], "models": models}, entry["files"]


def store(
    source: Source,
    head: dict[str, Any],
    chunks: tuple[list[bytes], list[bytes]],
    files: list[str],
    deps: dict[str, str],
) -> None:
    """Write both entries of a valid catalog: `head` is catalog.yaml without its models,
    `chunks` the models and their summaries, each as `marshal` bytes of lists, in order."""
    if env_vars.is_set("IDP_NO_CACHE"):
        return
    common = {
        "format": FORMAT,
        "idp": __version__,
        "deps": deps,
        "include": head.get("include", []),
        "files": files,
        "head": head,
    }
    full, summaries = chunks
    try:
        _write(_entry_path(source, "full"), common, full)
        _write(_entry_path(source, "summary"), common, summaries)
    except (OSError, ValueError):
        # A read-only or full cache folder, or a value marshal cannot hold, only costs speed.
        return


# An entry on disk: this, the length of the header, the header (`marshal`), then the chunks
# back to back, their lengths in the header. Written piece by piece: a large catalog's chunks
# are never copied into one more buffer.
_MAGIC = b"idp-catalog-cache\n"


def _write(target: Path, header: dict[str, Any], chunks: list[bytes]) -> None:
    head = marshal.dumps({**header, "chunks": [len(chunk) for chunk in chunks]})
    import tempfile  # only a run that writes the cache pays for it

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".entry-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + len(head).to_bytes(8, "little") + head)
            for chunk in chunks:
                handle.write(chunk)
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def _read(path: Path) -> tuple[Any, list[memoryview]]:
    """The header and the chunks of an entry; ValueError when it is not one."""
    data = memoryview(path.read_bytes())
    start = len(_MAGIC) + 8
    if bytes(data[: len(_MAGIC)]) != _MAGIC:
        raise ValueError("not a cache entry")
    end = start + int.from_bytes(data[len(_MAGIC) : start], "little")
    header = marshal.loads(data[start:end])  # noqa: S302 (our own entry; plain data only)
    sizes = header.get("chunks") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or end + sum(sizes) != len(data):
        raise ValueError("a truncated cache entry")
    chunks = []
    for size in sizes:
        chunks.append(data[end : end + size])
        end += size
    return header, chunks
