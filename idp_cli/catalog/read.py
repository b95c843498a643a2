"""From a catalog source to a validated catalog, or to every problem in it, each placed at its
file, line and column with the field path (`models[3].versions[0].lifecycle`).

What a file may hold is files.py's to say, the shape format.py's, the rules rules.py's; this
module reads the files (through `speed`, which vouches for the files it checked already),
runs the checks nothing vouched for, and places every problem.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from idp_cli.catalog import speed
from idp_cli.catalog.model import Catalog, CatalogSummary, summarize_model
from idp_cli.catalog.sources import Source
from idp_cli.errors import CatalogInvalid, ExitCode, Problem
from idp_cli.plain_record import PlainRecord

if TYPE_CHECKING:
    from idp_cli.catalog import files
    from idp_cli.catalog.rules import Finding
    from idp_cli.catalog.safe_yaml import Locator
    from idp_cli.catalog.speed.parts import FileRead, Reading

FieldPath = tuple[str | int, ...]
C = TypeVar("C", Catalog, CatalogSummary)


class Loaded(PlainRecord, Generic[C]):
    # A plain record, not a dataclass: every `idp models list` imports this module, and
    # creating a dataclass costs more than the rest of it.

    _fields = ("source", "catalog", "problems", "files", "cached")

    def __init__(
        self,
        source: Source,
        catalog: C | None,
        problems: list[Problem],
        files: list[str] | None = None,
        cached: bool = False,
    ) -> None:
        self.source = source
        self.catalog: C | None = catalog
        self.problems = problems
        self.files = [] if files is None else files
        self.cached = cached


@overload
def load(
    source: Source, *, use_cache: bool = True, summary: Literal[False] = False
) -> Loaded[Catalog]: ...
@overload
def load(
    source: Source, *, use_cache: bool = True, summary: Literal[True]
) -> Loaded[CatalogSummary]: ...
@overload
def load(
    source: Source, *, use_cache: bool = True, summary: bool
) -> Loaded[Catalog] | Loaded[CatalogSummary]: ...
def load(
    source: Source, *, use_cache: bool = True, summary: bool = False
) -> Loaded[Catalog] | Loaded[CatalogSummary]:
    """The catalog from `source`, whole or (`summary`) only what `idp models list` reads.
    Without `use_cache` the cache is neither read nor written (`catalog validate`, publish's
    check of an edit)."""
    if use_cache:
        hit = speed.cached(source, summary=summary)
        if hit is not None:
            data, labels = hit
            if summary:
                return Loaded(source, CatalogSummary(data, labels), [], labels, cached=True)
            return Loaded(source, Catalog(data, labels), [], labels, cached=True)
    with speed.quiet_gc():
        return _Reading(source, store=use_cache, summary=summary).run()


def open_catalog(source: Source) -> Catalog:
    """The whole catalog, or CatalogInvalid naming the first problem (exit 1 outside
    `validate`)."""
    return _valid(load(source))


def open_summary(source: Source) -> CatalogSummary:
    """`open_catalog`, holding only what `idp models list` reads."""
    return _valid(load(source, summary=True))


def _valid(loaded: Loaded[C]) -> C:
    if loaded.problems or loaded.catalog is None:
        error = CatalogInvalid(loaded.problems)
        error.exit_code = ExitCode.FAILURE  # 3 is `idp catalog validate`'s answer only
        raise error
    return loaded.catalog


class _File:
    """One catalog file as read, for placing its problems: its text is read again only when
    a rule spanning models finds a problem in a file the fast path vouched for."""

    def __init__(self, source: Source, record: FileRead) -> None:
        self.source = source
        self.record = record
        self.label = source.reader.label(record.rel)
        self._text = record.text
        self._locator: Locator | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.source.reader.read_text(self.record.rel)
        return self._text

    @cached_property
    def may_hold_credentials(self) -> bool:
        from idp_cli.catalog.rules import may_hold_credentials

        return may_hold_credentials(self.text)

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            from idp_cli.catalog.safe_yaml import Locator

            self._locator = Locator(lambda: self.text)
        return self._locator

    def problem(self, local: FieldPath, shown: FieldPath, message: str) -> Problem:
        line, column = self.locator.locate(local)
        return Problem(self.label, line, column, format_path(shown), message)


def format_path(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Origin:
    """Where a model stands: its file, and its path inside it. (A plain class: this module is
    imported by every `idp models list`, served from the cache or not.)"""

    __slots__ = ("file", "prefix")

    def __init__(self, file: _File, prefix: FieldPath) -> None:
        self.file = file
        self.prefix = prefix


class _Reading:
    def __init__(self, source: Source, *, store: bool, summary: bool) -> None:
        self.source = source
        self.store = store  # write the validated catalog to the cache
        self.summary = summary  # the caller lists models: a summary catalog will do
        self.problems: list[Problem] = []
        self.files: list[_File] = []

    def run(self) -> Loaded[Catalog] | Loaded[CatalogSummary]:
        from idp_cli.catalog import files
        from idp_cli.catalog.rules import check_models

        first = self._read([self.source.main], main=True)
        if not self.files:  # not YAML
            return self._result(None)
        main = self.files[0]
        data = self._data(main)
        layout = files.catalog_models(data)
        if layout.problems:
            for problem in layout.problems:
                self.problems.append(main.problem(problem.path, problem.path, problem.message))
            return self._result(None)

        origins: list[_Origin] = []
        models: list[Any] = []
        self._add_models(main, layout, origins, models)
        readings = [first]
        includes = data.get("include")
        if isinstance(includes, list):
            names = self._include_names(main, includes)
            readings.append(self._read(names, main=False))
            for file in self.files[1:]:
                self._add_models(file, None, origins, models)

        valid, valid_index = self._check_alone(main, data, origins, models)
        checked = set(valid_index)
        unchecked = frozenset(
            raw["name"]
            for index, raw in enumerate(models)
            if index not in checked and isinstance(raw, dict) and isinstance(raw.get("name"), str)
        )
        alone_done = [origins[index].file.record.vouched for index in valid_index]
        for position, finding in check_models(valid, unchecked, alone_done):
            index = valid_index[position]
            self._add_finding(origins[index], ("models", index), finding)

        if self.problems:
            return self._result(None)
        head = {k: v for k, v in data.items() if k != "models"}
        if self.summary:
            models = [
                raw if origin.file.record.summarized else summarize_model(raw)
                for origin, raw in zip(origins, models, strict=True)
            ]
        labels = [f.label for f in self.files]
        loaded = self._result({**head, "models": models})
        if self.store:
            speed.remember(self.source, head, readings, labels)
        return loaded

    def _data(self, main: _File) -> Any:
        """The catalog file's data; a vouched catalog file sends its header only."""
        record = main.record
        if record.vouched:
            return {**record.data, "models": record.models}
        return record.data

    def _read(self, names: list[str], *, main: bool) -> Reading:
        from idp_cli.catalog.safe_yaml import YamlError, load_yaml

        reading = speed.read_files(
            self.source, names, main=main, summary=self.summary, store=self.store
        )
        for record in reading.files:
            if not record.is_yaml:
                try:  # PyYAML says where, like any other problem
                    load_yaml(record.text or "", self.source.reader.label(record.rel))
                except YamlError as exc:
                    self.problems.append(
                        Problem(exc.filename, exc.line, exc.column, "", exc.detail)
                    )
                    continue
            self.files.append(_File(self.source, record))
        return reading

    def _include_names(self, main: _File, patterns: list[Any]) -> list[str]:
        from idp_cli.catalog import files

        names: list[str] = []
        for index, pattern in enumerate(patterns):
            if not isinstance(pattern, str):
                continue  # the header check reports it
            where: FieldPath = ("include", index)
            problem = files.pattern_problem(pattern)
            if problem is not None:
                self.problems.append(main.problem(where, where, problem))
                continue
            found = files.include_matches(self.source.reader, self.source.main, pattern)
            if not found:
                self.problems.append(main.problem(where, where, f"{pattern!r} matches no file"))
            names.extend(found)
        return names

    def _add_models(
        self,
        file: _File,
        found: files.FileModels | None,
        origins: list[_Origin],
        models: list[Any],
    ) -> None:
        from idp_cli.catalog import files

        record = file.record
        if record.vouched:
            for j, raw in enumerate(record.models):
                origins.append(_Origin(file, files.model_path(record.layout, j)))
                models.append(raw)
            return
        if found is None:
            found = files.included_models(record.data)
        for problem in found.problems:
            self.problems.append(file.problem(problem.path, problem.path, problem.message))
        for j, raw in enumerate(found.models):
            origins.append(_Origin(file, found.path_of(j)))
            models.append(raw)

    def _check_alone(
        self, main: _File, data: dict[str, Any], origins: list[_Origin], models: list[Any]
    ) -> tuple[list[dict[str, Any]], list[int]]:
        """The checks of one model at a time, for the models no file vouched for; the
        models with the right shape, and their indexes."""
        from idp_cli.catalog.rules import scan_credentials
        from idp_cli.catalog.shape_messages import shape_problems

        for local, shown, message in shape_problems("header", data, main.locator):
            self.problems.append(main.problem(local, shown, message))
        valid: list[dict[str, Any]] = []
        valid_index: list[int] = []
        for index, (origin, raw) in enumerate(zip(origins, models, strict=True)):
            at: FieldPath = ("models", index)
            if origin.file.record.vouched:
                valid.append(raw)
                valid_index.append(index)
                continue
            found = shape_problems("model", raw, origin.file.locator, origin.prefix, at)
            for local, shown, message in found:
                self.problems.append(origin.file.problem(local, shown, message))
            if not found:
                valid.append(raw)
                valid_index.append(index)
            if origin.file.may_hold_credentials:
                for finding in scan_credentials(raw):
                    self._add_finding(origin, at, finding)
        if not main.record.vouched:
            header = {k: v for k, v in data.items() if k != "models"}
            for finding in scan_credentials(header):
                self.problems.append(main.problem(finding.path, finding.path, finding.message))
        return valid, valid_index

    def _add_finding(self, origin: _Origin, shown: FieldPath, finding: Finding) -> None:
        self.problems.append(
            origin.file.problem(
                (*origin.prefix, *finding.path), (*shown, *finding.path), finding.message
            )
        )

    def _result(self, data: dict[str, Any] | None) -> Loaded[Catalog] | Loaded[CatalogSummary]:
        self.problems.sort(key=lambda p: (p.file, p.line, p.column))
        labels = [f.label for f in self.files]
        if self.summary:
            summary = None if data is None else CatalogSummary(data, labels)
            return Loaded(self.source, summary, self.problems, labels)
        return Loaded(
            self.source, None if data is None else Catalog(data, labels), self.problems, labels
        )
