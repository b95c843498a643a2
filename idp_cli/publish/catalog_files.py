"""The files of a catalog that publish reads and edits: which one holds a model (the main file
or one of its includes), where a new model's own file goes, and the catalog validated as it
would be with the edited texts, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from idp_cli.catalog import files
from idp_cli.catalog.sources import FolderReader, Source
from idp_cli.errors import Problem
from idp_cli.posix_glob import match_glob
from idp_cli.publish.edit import Document
from idp_cli.publish.request import PublishError


@dataclass
class Place:
    doc: Document
    model: Any  # the model's CommentedMap inside doc.data


class CatalogFiles:
    def __init__(self, folder: Path, main: str, edited: dict[str, str] | None = None) -> None:
        """The catalog in `folder`, as it would be with the texts `edited` written (an edit
        made on top of earlier ones, none of them written yet)."""
        self.folder = folder
        self.reader: FolderReader | _OverlayReader = (
            _OverlayReader(FolderReader(folder), edited) if edited else FolderReader(folder)
        )
        self.main = self._doc(main)
        if not isinstance(self.main.data, dict):
            raise PublishError(
                f"{self.reader.label(main)}: not a catalog (a mapping with apiVersion, kind, models)",
                hint="Run `idp catalog validate` to see what is wrong.",
            )
        includes = self.main.data.get("include")
        self.includes = [p for p in includes if isinstance(p, str)] if includes else []

    def _doc(self, rel: str) -> Document:
        return Document(rel, self.reader.read_text(rel), self.reader.label(rel))

    def find(self, name: str) -> Place | None:
        for model in _models_in(self.main.data):
            if model.get("name") == name:
                return Place(self.main, model)
        seen: set[str] = {self.main.rel}
        for pattern in self.includes:
            for rel in self.reader.glob(pattern):
                if rel in seen:
                    continue
                seen.add(rel)
                if name not in self.reader.read_text(rel):
                    continue  # parse only the files that can hold the model
                doc = self._doc(rel)
                for model in _models_in(doc.data, included=True):
                    if model.get("name") == name:
                        return Place(doc, model)
        return None

    def new_model_file(self, name: str) -> str | None:
        """Where a new model's own file goes, when the catalog is split with includes."""
        slug = name.replace("/", "-")
        for pattern in self.includes[:1]:
            parts = PurePosixPath(pattern).parts
            folder = [p for p in parts[:-1] if not any(c in p for c in "*?[")]
            if len(folder) != len(parts) - 1 and "**" not in parts:
                return None
            last = parts[-1]
            if last.count("*") == 1 and not any(c in last for c in "?["):
                filename = last.replace("*", slug)
            else:
                filename = f"{slug}.yaml"
            rel = "/".join([*folder, filename])
            if match_glob([rel], pattern):
                return rel
        return None


def _models_in(data: Any, *, included: bool = False) -> list[Any]:
    """The models a file holds, by the catalog's one rule (catalog/files.py): the edit goes
    where reading the catalog will find it."""
    return [m for m in files.file_models(data, main=not included).models if isinstance(m, dict)]


class _OverlayReader:
    """The catalog's folder as it would be with `texts` written (nothing is)."""

    def __init__(self, base: FolderReader, texts: dict[str, str]) -> None:
        self.base = base
        self.texts = texts

    def read_text(self, rel: str) -> str:
        return self.texts[rel] if rel in self.texts else self.base.read_text(rel)

    def glob(self, pattern: str) -> list[str]:
        return sorted(set(self.base.glob(pattern)) | set(match_glob(list(self.texts), pattern)))

    def fingerprint(self, rel: str) -> str:
        return f"publish:{hash(self.texts[rel])}" if rel in self.texts else "publish"

    def label(self, rel: str) -> str:
        return self.base.label(rel)


def check(folder: Path, main: str, texts: dict[str, str]) -> list[Problem]:
    """The problems of the catalog in `folder` as it would be with `texts` written."""
    from idp_cli.catalog.read import load

    source = Source(
        kind="file",
        display=str(folder / main),
        reader=_OverlayReader(FolderReader(folder), texts),
        main=main,
        # one fixed cache slot per catalog, overwritten by each publish and never read back
        identity=f"publish-check:{folder / main}",
    )
    return load(source, use_cache=False, summary=True).problems


def invalid(edit: str, problems: list[Problem], hint: str) -> PublishError:
    """The refusal of an `edit` ("publishing NAME@V") that would leave the catalog invalid."""
    shown = "\n  ".join(p.render() for p in problems)
    return PublishError(
        f"{edit} would make the catalog invalid; nothing was written:\n  {shown}", hint=hint
    )


def write(folder: Path, texts: dict[str, str]) -> None:
    for rel, text in texts.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
