"""Ingestion: every document under a folder, cut into chunks, embedded and stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .chunking import PDF_SUFFIX, chunks_of, documents
from .embeddings_client.client import EmbeddingsClient
from .store import VectorStore


@dataclass
class Report:
    files: int = 0
    chunks: int = 0
    skipped: list[str] = field(default_factory=list)  # files that could not be read, and why


async def ingest_folder(
    folder: Path,
    embeddings: EmbeddingsClient,
    store: VectorStore,
    *,
    chunk_size: int,
    chunk_overlap: int,
    progress: Callable[[str], None] = lambda _: None,
) -> Report:
    """Index every Markdown, text and PDF file under ``folder``; a file ingested again
    replaces its earlier chunks."""
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    report = Report()
    for path in documents(folder):
        try:
            chunks = chunks_of(path, folder, chunk_size, chunk_overlap)
        except ImportError:
            report.skipped.append(f"{path}: reading PDF needs pypdf (pip install pypdf)")
            continue
        except (OSError, ValueError) as exc:  # pypdf's errors are ValueErrors
            kind = "PDF" if path.suffix.lower() == PDF_SUFFIX else "file"
            report.skipped.append(f"{path}: unreadable {kind}: {exc}")
            continue
        vectors = await embeddings.embed([c.text for c in chunks])
        store.replace(path.relative_to(folder).as_posix(), chunks, vectors)
        report.files += 1
        report.chunks += len(chunks)
        progress(f"{path.relative_to(folder).as_posix()}: {len(chunks)} chunks")
    return report
