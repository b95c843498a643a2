"""Reading documents and cutting them into overlapping chunks of about ``size`` characters.

Chunks end at paragraph breaks where they can, else at word breaks, so a citation points at
readable text; ``overlap`` characters of the previous chunk start the next one, so a sentence
cut at a boundary is whole in one of the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".rst")
PDF_SUFFIX = ".pdf"


@dataclass(frozen=True)
class Chunk:
    source: str  # the file's path relative to the ingested folder
    index: int  # its place in the file, from 0
    text: str


PARAGRAPH = "\n\n"


def split(text: str, size: int, overlap: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters (a word longer than that is cut)."""
    words: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        tokens = paragraph.split()
        if tokens and words:
            words.append(PARAGRAPH)
        for token in tokens:
            words += [token[i : i + size] for i in range(0, len(token), size)]
    chunks: list[str] = []
    current: list[str] = []
    for word in words:
        if current and len(_join([*current, word])) > size:
            chunks.append(_join(current))
            current = _tail(current, overlap)
            if len(_join([*current, word])) > size:
                current = []
        if word != PARAGRAPH or current:
            current.append(word)
    if _join(current):
        chunks.append(_join(current))
    return chunks


def _join(words: list[str]) -> str:
    return " ".join(words).replace(f" {PARAGRAPH} ", PARAGRAPH).strip()


def _tail(words: list[str], overlap: int) -> list[str]:
    """The last words of a chunk, at most ``overlap`` characters, to start the next one."""
    tail: list[str] = []
    for word in reversed(words):
        if len(_join([word, *tail])) > overlap:
            break
        tail.insert(0, word)
    while tail and tail[0] == PARAGRAPH:
        tail.pop(0)
    return tail


def read_text(path: Path) -> str:
    if path.suffix.lower() == PDF_SUFFIX:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            return "\n\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        except PyPdfError as exc:
            raise ValueError(str(exc)) from exc
    return path.read_text(encoding="utf-8", errors="replace")


def documents(folder: Path) -> Iterator[Path]:
    """The Markdown, text and PDF files under ``folder``, in a stable order; hidden ones left out."""
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        suffix = path.suffix.lower()
        if path.is_file() and not hidden and (suffix in TEXT_SUFFIXES or suffix == PDF_SUFFIX):
            yield path


def chunks_of(path: Path, folder: Path, size: int, overlap: int) -> list[Chunk]:
    source = path.relative_to(folder).as_posix()
    return [Chunk(source, i, text) for i, text in enumerate(split(read_text(path), size, overlap))]
