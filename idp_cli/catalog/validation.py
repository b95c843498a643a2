"""Reading a catalog's files and checking them: every problem placed at its file, line and
column with the field path (`models[3].versions[0].lifecycle`)."""

from __future__ import annotations

import difflib
import functools
import gc
import typing
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from idp_cli.catalog import cache, checkers, included, parallel
from idp_cli.catalog.included import part_models, part_summaries
from idp_cli.catalog.loader import Loaded
from idp_cli.catalog.model import Catalog
from idp_cli.catalog.rules import (
    Finding,
    check_models,
    may_hold_credentials,
    model_findings,
    scan_credentials,
    strings_may_hold_credentials,
)
from idp_cli.catalog.sources import FolderReader, Source
from idp_cli.catalog.yamldoc import Locator, YamlError, load_yaml, load_yaml_screened
from idp_cli.errors import Problem

Path = tuple[str | int, ...]
# An included file's data and whether its models are checked already (see `precheck`).
Parsed = tuple[Any, bool] | None
# The same and the data as JSON text, when the fast path read it in one piece.
Prechecked = tuple[Any, bool, str | None] | None
# From this much YAML on, the objects read are kept out of later garbage collections.
FREEZE_BYTES = 1024 * 1024


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _File:
    """One catalog file as read: its text (for locating problems later) and its data.

    `checked` says its models passed the shape check and the rules about one model, and its
    text was cleared of credentials, already (by `precheck`, maybe in another process). The
    text and data of such a file may have stayed in the worker that read it: the text is read
    again only if a rule spanning models finds a problem in it."""

    def __init__(
        self,
        source: Source,
        rel: str,
        read: tuple[str, str | None] | None = None,
        parsed: Parsed = None,
    ) -> None:
        self.source = source
        self.rel = rel
        self.label = source.reader.label(rel)
        if read is None:
            read = _read_text(source, rel)
        self.fingerprint, self._text = read
        self.checked = parsed is not None and parsed[1]
        if parsed is not None:
            self.data = parsed[0]
        else:
            self.data = load_yaml(self.text, self.label)
        self._locator: Locator | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.source.reader.read_text(self.rel)
        return self._text

    @cached_property
    def may_hold_credentials(self) -> bool:
        return may_hold_credentials(self.text)

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator

    def problem(self, local: Path, shown: Path, message: str) -> Problem:
        line, column = self.locator.locate(local)
        return Problem(self.label, line, column, format_path(shown), message)


def _read_text(source: Source, rel: str) -> tuple[str, str]:
    """The file's fingerprint and text; the fingerprint first, so that an edit made while
    reading changes it and the cache entry built from this read is never trusted."""
    fingerprint = source.reader.fingerprint(rel)
    return fingerprint, source.reader.read_text(rel)


def _models_of(data: Any) -> list[Any] | None:
    """The models of an included file that has one of the valid shapes, else None."""
    kind = included.layout(data)
    return None if kind is None else included.models_of(data, kind)


def precheck(text: str) -> Prechecked:
    """An included file's data, whether every model in it passes the shape check and the
    rules about one model and its text holds nothing like a credential, and the data as JSON
    text when the fast path has it; None when it is not usable YAML. Plain data in and out,
    so that it can run in a worker process (see `parallel`); anything it does not vouch for
    is checked again with every message."""
    from pydantic_core import ValidationError

    try:
        data, suspect, json = load_yaml_screened(text, "", strings_may_hold_credentials)
    except YamlError:
        return None
    models = _models_of(data)
    if suspect is None:
        suspect = may_hold_credentials(text)
    if models is None or suspect:
        return data, False, json
    check = checkers.checkers()["model"]
    try:
        for raw in models:
            check(raw)
    except ValidationError:
        return data, False, json
    clean = not any(True for raw in models for _ in model_findings(raw))
    return data, clean, json


@dataclass
class _Origin:
    file: _File
    prefix: Path  # where the model stands inside its file
    summarized: bool = False  # the model was read as its summary only (see included.py)


class Validation:
    def __init__(self, source: Source, *, store: bool = True, summary: bool = False) -> None:
        self.source = source
        self.store = store  # write the validated catalog to the cache
        self.summary = summary  # the caller lists models: a summary catalog will do
        self.problems: list[Problem] = []
        self.files: list[_File] = []
        self.parts: list[dict[str, Any]] = []  # the include files, as checked in parts
        self.size = 0

    def run(self) -> Loaded:
        # Reading a large catalog creates millions of objects that all live until the end:
        # the cyclic garbage collector would traverse them again and again for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if self.size >= FREEZE_BYTES:
                # and not after it either: the first collection would take 0.3 s
                gc.freeze()
            if enabled:
                gc.enable()

    def _run(self) -> Loaded:
        main = self._read(self.source.main)
        if main is None:
            return self._result(None)
        self.size += len(main.text)
        if not isinstance(main.data, dict):
            self.problems.append(
                main.problem(
                    (), (), "the catalog must be a mapping with apiVersion, kind and models"
                )
            )
            return self._result(None)

        origins: list[_Origin] = []
        models: list[Any] = []
        if isinstance(main.data.get("models"), list):
            for index, raw in enumerate(main.data["models"]):
                origins.append(_Origin(main, ("models", index)))
                models.append(raw)
        includes = main.data.get("include")
        if isinstance(includes, list):
            self._includes(main, includes, origins, models)
        # Only now: pydantic-core is then imported by each worker process as it starts, at
        # the same time, rather than by this one before they fork.
        check = checkers.checkers()
        self._check_shape(main, (), (), main.data, check["header"], "CatalogHeader")

        valid: list[dict[str, Any]] = []
        valid_index: list[int] = []
        for index, (origin, raw) in enumerate(zip(origins, models, strict=True)):
            shown: Path = ("models", index)
            if origin.file.checked:
                valid.append(raw)
                valid_index.append(index)
                continue
            problem = self._check_shape(
                origin.file, origin.prefix, shown, raw, check["model"], "Model"
            )
            if not problem:
                valid.append(raw)
                valid_index.append(index)
            if origin.file.may_hold_credentials:
                for finding in scan_credentials(raw):
                    self._add_finding(origin, shown, finding)
        header = {k: v for k, v in main.data.items() if k != "models"}
        for finding in scan_credentials(header):
            self.problems.append(main.problem(finding.path, finding.path, finding.message))

        checked = set(valid_index)
        unchecked = frozenset(
            raw["name"]
            for index, raw in enumerate(models)
            if index not in checked and isinstance(raw, dict) and isinstance(raw.get("name"), str)
        )
        alone_done = [origins[index].file.checked for index in valid_index]
        for position, finding in check_models(valid, unchecked, alone_done):
            index = valid_index[position]
            self._add_finding(origins[index], ("models", index), finding)

        if self.problems:
            return self._result(None)
        head = {k: v for k, v in main.data.items() if k != "models"}
        if self.summary:
            models = [
                raw if origin.summarized else cache.summarize_model(raw)
                for origin, raw in zip(origins, models, strict=True)
            ]
        loaded = self._result(Catalog({**head, "models": models}, [f.label for f in self.files]))
        if self.store:
            main_models = main.data.get("models", [])
            cache.store(
                self.source,
                head,
                self._chunks(main_models),
                loaded.files,
                {f.rel: f.fingerprint for f in self.files},
            )
        return loaded

    def _chunks(self, main_models: list[Any]) -> tuple[list[bytes], list[bytes]]:
        """The models of a valid catalog and their summaries as cache chunks (see cache.py):
        the bytes that the parts came with as they are, the rest encoded here."""
        full = [cache.encode_models(main_models)]
        summaries = [cache.encode_models([cache.summarize_model(m) for m in main_models])]
        for part in self.parts:
            encoded = part.get("full")
            full.append(
                encoded if encoded is not None else cache.encode_models(part_models(part) or [])
            )
            encoded = part.get("summary")
            if encoded is None:
                summarized = part_summaries(part)
                if summarized is None:
                    summarized = [cache.summarize_model(m) for m in part_models(part) or []]
                encoded = cache.encode_models(summarized)
            summaries.append(encoded)
        return full, summaries

    def _check_shape(
        self, file: _File, prefix: Path, shown: Path, data: Any, check: Any, model: str
    ) -> bool:
        """Whether `data` has a problem of shape. The checker decides; pydantic's model of
        that name in schema.py, built only then, words each problem."""
        from pydantic_core import ValidationError

        try:
            check(data)
        except ValidationError:
            from idp_cli.catalog import schema

            root = getattr(schema, model)
            try:
                root.model_validate(data)
            except ValidationError as exc:
                self._add_pydantic(file, prefix, shown, exc, root)
                return True
        return False

    def _result(self, catalog: Catalog | None) -> Loaded:
        self.problems.sort(key=lambda p: (p.file, p.line, p.column))
        return Loaded(self.source, catalog, self.problems, [f.label for f in self.files])

    def _read(
        self, rel: str, read: tuple[str, str | None] | None = None, parsed: Parsed = None
    ) -> _File | None:
        """The file, or None when it is not YAML (a problem then, like any other)."""
        try:
            file = _File(self.source, rel, read, parsed)
        except YamlError as exc:
            self.problems.append(Problem(exc.filename, exc.line, exc.column, "", exc.detail))
            return None
        self.files.append(file)
        return file

    def _includes(
        self, main: _File, patterns: list[Any], origins: list[_Origin], models: list[Any]
    ) -> None:
        names: list[str] = []
        for index, pattern in enumerate(patterns):
            if isinstance(pattern, str):
                names.extend(self._matches(main, index, pattern))
        reader = self.source.reader
        items: list[tuple[str, str | None]]
        if isinstance(reader, FolderReader):
            # plain files: each worker reads its own share; every fingerprint is taken first
            stats = [reader.stat(name) for name in names]
            fingerprints = [fingerprint for fingerprint, _ in stats]
            sizes = [size for _, size in stats]
            items = [(name, None) for name in names]
        else:  # a git object database is read here only, never from forked processes
            reads = [_read_text(self.source, name) for name in names]
            fingerprints = [fingerprint for fingerprint, _ in reads]
            sizes = [len(text) for _, text in reads]
            items = [(name, text) for name, (_, text) in zip(names, reads, strict=True)]
        self.size += sum(sizes)
        wanted = included.Wanted(summary=self.summary, store=self.store)
        self.parts = parallel.map_slices(
            functools.partial(included.check_part, reader, wanted),
            items,
            sizes,
            included.valid_part,
        )
        at = 0
        for part in self.parts:
            offset = 0
            for passed, kind, count, text, data in part["meta"]:
                rel, fingerprint = names[at], fingerprints[at]
                at += 1
                if passed is None:  # not YAML: read it again here for the message
                    self._read(rel, (fingerprint, text or ""))
                    continue
                if not passed:
                    file = self._read(rel, (fingerprint, text), (data, False))
                    if file is not None:
                        self._add_models(file, origins, models)
                    offset += count
                    continue
                file = self._read(rel, (fingerprint, None), (None, True))
                assert file is not None  # a checked file is never read again here
                self._add_checked(file, part, kind, offset, count, origins, models)
                offset += count

    def _add_checked(
        self,
        file: _File,
        part: dict[str, Any],
        kind: str | None,
        offset: int,
        count: int,
        origins: list[_Origin],
        models: list[Any],
    ) -> None:
        summaries = part_summaries(part) if self.summary else None
        source = summaries if summaries is not None else part_models(part)
        assert source is not None  # a part sends its models whenever its summaries are not
        for j in range(count):
            raw = source[offset + j]
            if self.summary and summaries is None:
                raw = cache.summarize_model(raw)
            prefix: Path = (
                ("models", j)
                if kind == included.MODELS_KEY
                else (() if kind == included.ONE_MODEL else (j,))
            )
            origins.append(_Origin(file, prefix, summarized=self.summary))
            models.append(raw)

    def _matches(self, main: _File, index: int, pattern: str) -> list[str]:
        where: Path = ("include", index)
        if pattern.startswith("/") or ".." in pattern.split("/"):
            self.problems.append(
                main.problem(where, where, f"{pattern!r} must stay inside the catalog's folder")
            )
            return []
        names = [n for n in self.source.reader.glob(pattern) if n != self.source.main]
        if not names:
            self.problems.append(main.problem(where, where, f"{pattern!r} matches no file"))
        return names

    def _add_models(self, file: _File, origins: list[_Origin], models: list[Any]) -> None:
        data = file.data
        if isinstance(data, dict) and "models" in data:
            extra = sorted(set(data) - {"models"})
            if extra:
                self.problems.append(
                    file.problem(
                        (extra[0],),
                        (extra[0],),
                        "an included file holds only `models:` (or one model)",
                    )
                )
            if not isinstance(data["models"], list):
                self.problems.append(
                    file.problem(("models",), ("models",), "must be a list of models")
                )
                return
            for j, raw in enumerate(data["models"]):
                origins.append(_Origin(file, ("models", j)))
                models.append(raw)
        elif isinstance(data, dict):
            origins.append(_Origin(file, ()))
            models.append(data)
        elif isinstance(data, list):
            for j, raw in enumerate(data):
                origins.append(_Origin(file, (j,)))
                models.append(raw)
        else:
            self.problems.append(
                file.problem((), (), "an included file must hold a model or `models:`")
            )

    def _add_finding(self, origin: _Origin, shown: Path, finding: Finding) -> None:
        self.problems.append(
            origin.file.problem(
                (*origin.prefix, *finding.path), (*shown, *finding.path), finding.message
            )
        )

    def _add_pydantic(
        self, file: _File, prefix: Path, shown: Path, exc: Any, root: type[Any]
    ) -> None:
        for error in exc.errors(include_url=False):
            loc: Path = tuple(part for part in error["loc"] if not _is_union_tag(part))
            written = (
                file.locator.scalar((*prefix, *loc)) if error["type"] == "string_type" else None
            )
            message = _message(error, root, loc, written)
            self.problems.append(file.problem((*prefix, *loc), (*shown, *loc), message))


def _is_union_tag(part: object) -> bool:
    # pydantic adds the union member's name (`str`, `function-after[...]`) to the location
    return isinstance(part, str) and ("[" in part or part in ("str", "int", "float", "bool"))


def _message(error: dict[str, Any], root: type[Any], loc: Path, written: str | None) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        known = _known_keys(root, loc[:-1])
        close = difflib.get_close_matches(key, known, n=1)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else (f"; known keys: {', '.join(known)}" if known else "")
        )
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f'must be a string; write it in quotes: "{written or value}"'
    message = str(error["msg"])
    if kind in ("literal_error", "string_pattern_mismatch") and value is not None:
        message = f"{value!r}: {message[0].lower()}{message[1:]}"
    return message.removeprefix("Value error, ")


def _known_keys(root: type[Any], loc: Path) -> list[str]:
    """The keys allowed at `loc`, by walking the schema models along it."""
    from pydantic import BaseModel

    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        for name, info in current.model_fields.items():
            if (info.alias or name) == part:
                current = _inner_model(info.annotation)
                break
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> Any:
    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(typing.get_args(item))
    return None
