"""What each file of a catalog may hold: the one place for these rules.

A catalog is `catalog.yaml` (its header, maybe with `models:` of its own) and the files its
`include:` patterns match. An include file holds its models in one of three layouts:
`models: [...]` and nothing else, a single model as a mapping, or a plain list of models.
Everything that reads catalog files (reading and validating here, `idp models history`,
`idp models publish`) asks this module, so they agree on what a file holds and on where each
model stands in it. Plain data in and out: the per-file work may run in a worker process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from idp_cli.catalog.sources import Reader

# Where a file's models stand in it: under its `models:` key (the catalog file, or an include
# file of that layout), the file itself being one model, or the file being a list of models.
Layout = Literal["models", "one", "list"]
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class FileProblem:
    """Something a file holds that it may not, at a path inside the file."""

    path: FieldPath
    message: str


@dataclass(frozen=True)
class FileModels:
    """The models a catalog file holds, in file order, and what is wrong with its layout.

    `layout` is None when the file holds no model in any valid layout; the models found are
    listed even when there are problems, so that their own problems are reported too."""

    layout: Layout | None
    models: list[Any]
    problems: tuple[FileProblem, ...] = ()

    @property
    def clean(self) -> bool:
        return self.layout is not None and not self.problems

    def path_of(self, index: int) -> FieldPath:
        """Where the model at `index` stands inside the file."""
        return model_path(self.layout, index)


def model_path(layout: Layout | None, index: int) -> FieldPath:
    if layout == "models":
        return ("models", index)
    return () if layout == "one" else (index,)


NOT_A_MAPPING = "the catalog must be a mapping with apiVersion, kind and models"


def catalog_models(data: Any) -> FileModels:
    """The models written in `catalog.yaml` itself. A `models:` that is not a list is the
    header check's to report (it knows the whole header's shape)."""
    if not isinstance(data, dict):
        return FileModels(None, [], (FileProblem((), NOT_A_MAPPING),))
    models = data.get("models")
    return FileModels("models", list(models) if isinstance(models, list) else [])


def included_models(data: Any) -> FileModels:
    """The models of an include file, in whichever of the three layouts it uses."""
    if isinstance(data, dict) and "models" in data:
        problems: list[FileProblem] = []
        extra = sorted(set(data) - {"models"}, key=str)
        if extra:
            problems.append(
                FileProblem((extra[0],), "an included file holds only `models:` (or one model)")
            )
        if not isinstance(data["models"], list):
            problems.append(FileProblem(("models",), "must be a list of models"))
            return FileModels(None, [], tuple(problems))
        return FileModels("models", list(data["models"]), tuple(problems))
    if isinstance(data, dict):
        return FileModels("one", [data])
    if isinstance(data, list):
        return FileModels("list", list(data))
    return FileModels(
        None, [], (FileProblem((), "an included file must hold a model or `models:`"),)
    )


def file_models(data: Any, *, main: bool) -> FileModels:
    """The models of the catalog file (`main`) or of an include file."""
    return catalog_models(data) if main else included_models(data)


def models_from(data: Any, layout: Layout) -> list[Any]:
    """The models of a file already known to hold them in `layout` (see FileModels.layout)."""
    if layout == "one":
        return [data]
    return list(data["models"] if layout == "models" else data)


def pattern_problem(pattern: str) -> str | None:
    """Why an include pattern may not be used, or None: patterns stay inside the catalog's
    folder, so a catalog never reads files its author cannot see in it."""
    if pattern.startswith("/") or ".." in pattern.split("/"):
        return f"{pattern!r} must stay inside the catalog's folder"
    return None


def include_patterns(header: Any) -> tuple[str, ...]:
    """The usable include patterns of a catalog file's data (the others are problems that
    reading the catalog reports)."""
    includes = header.get("include") if isinstance(header, dict) else None
    if not isinstance(includes, list):
        return ()
    return tuple(p for p in includes if isinstance(p, str) and pattern_problem(p) is None)


def include_matches(reader: Reader, main: str, pattern: str) -> list[str]:
    """The files an include pattern names, in order, never the catalog file itself."""
    return [name for name in reader.glob(pattern) if name != main]
