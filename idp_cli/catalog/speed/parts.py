"""Reading and checking the files of a catalog in parts, each maybe in its own process.

A part is a run of consecutive files. Per file it finds whether the file passed every check
that needs no other file (`vouch`); for the whole part, its models and their summaries. A
worker sends these back as `marshal` data (see parallel.py): the models as bytes that go into
the cache as they are, so a parent that only lists models neither decodes nor encodes the
ones it does not need. The wire format stays inside this module; the rest of the catalog
code sees `FileRead` records. A catalog file that holds many models itself is one file, but
its `models:` items are shared out the same way (`_vouch_shared`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from idp_cli.catalog import files, shape
from idp_cli.catalog.files import Layout
from idp_cli.catalog.model import summarize_model
from idp_cli.catalog.rules import may_hold_credentials, model_findings, strings_may_hold_credentials
from idp_cli.catalog.safe_yaml import YamlError, check_size, load_yaml
from idp_cli.catalog.sources import Reader
from idp_cli.catalog.speed import cache, fallbacks, fastyaml, parallel


@dataclass(frozen=True)
class Wanted:
    main: bool  # the files are the catalog file itself (one), not include files
    summary: bool  # the caller lists models: summaries are enough
    store: bool  # the result goes into the cache, which keeps both


@dataclass
class FileRead:
    """One catalog file as read. A `vouched` file passed the shape check, the rules about one
    model and the credential scan: its models need no further check alone, and its text and
    data may have stayed in the worker that read it. Any other file comes with its text and
    data (None when it is not YAML), to be checked again with every message."""

    rel: str
    is_yaml: bool
    vouched: bool
    layout: Layout | None
    text: str | None
    data: Any  # a vouched catalog file: its header only (without `models`)
    models: list[Any]  # vouched files only: the models, or their summaries when asked for
    summarized: bool = False  # `models` holds summaries


@dataclass
class Reading:
    """Some files of one catalog, as read: one record per file, in the order asked for."""

    files: list[FileRead]
    fingerprints: dict[str, str]  # taken before reading: an edit meanwhile changes them
    _results: list[dict[str, Any]] = field(repr=False)


@dataclass(frozen=True)
class Vouched:
    """What `vouch` found in one file's text. With `summaries` (a clean catalog file read in
    parts, for a caller that lists models), `data` holds no models: they stayed in the worker
    processes, and `json` holds their JSON texts one by one."""

    data: Any
    clean: bool
    json: fastyaml.Json | None  # the JSON text the fast path read the data from
    summaries: list[Any] | None = None


# Runs of items a catalog file read in parts is cut into: parts.py shares them out among the
# processes by size, so each process screens and cuts its own share of the text.
_RUNS = 64


def vouch(text: str, main: bool, summary: bool = False) -> Vouched | None:
    """A file's data and whether its models pass every check that needs no other model and
    its text holds nothing like a credential; None when it is not usable YAML. Anything this
    does not vouch for is checked again with every message, so it may say no whenever it is
    unsure. `summary`: the caller lists models, and a file read in parts may come with the
    summaries of its models instead of the models (see `Vouched`)."""
    suspect: bool | None = None  # what the screen said of the strings; None: not asked
    json: fastyaml.Json | None = None
    try:
        check_size(text, "")
        shared = _vouch_shared(text, summary) if main else None
        if shared is not None:
            return shared
        fast, data, suspect, json = fastyaml.load_screened(text, strings_may_hold_credentials)
        if not fast:
            data, suspect = load_yaml(text, ""), None
    except YamlError:
        return None
    found = files.file_models(data, main=main)
    if suspect is None:
        suspect = may_hold_credentials(text)
    if not found.clean or suspect:
        return Vouched(data, False, json)
    if not found.models:  # a catalog file of include patterns only: no pydantic-core yet
        return Vouched(data, True, json)
    # The catalog file's header is read.py's to check, after the include files: a catalog
    # split into include files then builds the validators in each worker process as it
    # starts, at the same time, rather than in this one before they fork.
    return Vouched(data, _models_pass(found.models), json)


def _models_pass(models: list[Any]) -> bool:
    """Whether every model has the right shape and passes the rules about one model alone."""
    from pydantic_core import ValidationError

    check = shape.checkers()["model"]
    try:
        for raw in models:
            check(raw)
    except ValidationError:
        return False
    return not any(True for raw in models for _ in model_findings(raw))


def _vouch_shared(text: str, summary: bool) -> Vouched | None:
    """`vouch` for a catalog file holding many models of its own: its `models:` items read and
    checked in parts, each maybe in a worker process (see parallel.py), as include files are.
    None when the file is too small to share, or when anything is unusual: `vouch` then reads
    it in this process, which counts its own fallbacks."""
    if not parallel.worth_sharing(len(text)):
        return None
    cut = fastyaml.cut_models(text, max(len(text) // _RUNS, 1))
    if cut is None or len(cut[2]) < 2:
        return None
    head_text, indent, runs = cut
    before = fallbacks.snapshot()
    fast, data, suspect, _ = fastyaml.load_screened(head_text, strings_may_hold_credentials)
    if fast and isinstance(data, dict) and data.get("models") == []:
        shape.checkers()  # built once, before the workers fork
        check = functools.partial(_check_runs, text, indent, summary)
        sizes = [end - start for start, end in runs]
        results = parallel.map_slices(check, runs, sizes, _valid_runs)
        if all(result["fast"] for result in results):
            json = [json for result in results for json in result["json"]]
            clean = not (suspect or any(result["suspect"] for result in results))
            clean = clean and all(result["clean"] for result in results)
            clean = clean and files.file_models(data, main=True).clean
            if clean and all("summaries" in result for result in results):
                summaries = [s for result in results for s in result["summaries"]]
                return Vouched(data, True, json, summaries)
            data["models"] = [model for result in results for model in _item_models(result)]
            return Vouched(data, clean, json)
    fallbacks.restore(before)
    return None


def _check_runs(
    text: str, indent: str, summary: bool, part: Sequence[tuple[int, int]], in_worker: bool
) -> dict[str, Any]:
    """`vouch`'s checks for some runs of items of a catalog file's `models:` (see
    `_vouch_shared`): screening their text and cutting them into items is shared out too.
    For a caller that lists models (`summary`), clean items come with their summaries, made
    here in parallel; a worker then leaves out the models, which cost the parent more to
    receive than the caller needs them: their JSON texts are sent anyway (for the cache), and
    read again only when another part fails (`_item_models`)."""
    fast, models, suspect, json = fastyaml.load_runs(
        text, indent, part, strings_may_hold_credentials
    )
    if not fast:
        return {"fast": False}
    clean = not suspect and _models_pass(models)
    result = {"fast": True, "runs": len(part), "suspect": suspect, "clean": clean, "json": json}
    if summary and clean:
        result["summaries"] = [summarize_model(model) for model in models]
        if in_worker:
            return result
    result["models"] = models
    return result


def _item_models(result: dict[str, Any]) -> list[Any]:
    """The models of a part checked by `_check_runs`, read from their JSON texts when the
    worker left them out."""
    if "models" in result:
        models: list[Any] = result["models"]
        return models
    return fastyaml.item_models(result["json"])


def _valid_runs(result: Any, count: int) -> bool:
    if not isinstance(result, dict) or not isinstance(result.get("fast"), bool):
        return False
    if not result["fast"]:
        return True
    sent = result["models"] if "models" in result else result.get("summaries", ())
    return result.get("runs") == count and len(sent) == len(result.get("json", ()))


# The wire format of a part's result: a dict of plain values, so that `marshal` can carry it.
# "meta": per file (vouched, layout, model count, text, data), text None when vouched, and data
# None too unless it is the catalog file's header; vouched None for a file that is not YAML.
# "full"/"summary": models or summaries as cache chunks (bytes) or None; "models"/"summaries":
# the same decoded, only in this process; "fallbacks": a worker's counts (see fallbacks.py).
_Meta = tuple[bool | None, Layout | None, int, str | None, Any]


def check_part(
    reader: Reader, wanted: Wanted, part: Sequence[tuple[str, str | None]], in_worker: bool
) -> dict[str, Any]:
    """`part` is (path, text) per file; a text of None is read here (in the worker)."""
    before = fallbacks.snapshot()
    meta: list[_Meta] = []
    models: list[Any] = []
    summaries: list[Any] | None = []
    # the models once more, for the cache: per file, the JSON text the fast path read them
    # from (encoding it is a copy, encoding the objects is not) or the models themselves
    stored: list[tuple[str | None, bytes | list[Any]]] = []
    whole = True  # every model in hand here, not only as JSON text (see `Vouched`)
    for rel, given in part:
        text = reader.read_text(rel) if given is None else given
        checked = vouch(text, wanted.main, wanted.summary)
        if checked is None:
            meta.append((None, None, 0, text, None))
            summaries = None
            continue
        if checked.summaries is not None:  # a clean catalog file read in parts
            assert isinstance(checked.json, list)
            whole = False
            stored.extend(("list", item) for item in checked.json)
            header = {k: v for k, v in checked.data.items() if k != "models"}
            meta.append((True, "models", len(checked.summaries), None, header))
            if summaries is not None:
                summaries.extend(checked.summaries)
            continue
        found = files.file_models(checked.data, main=wanted.main)
        models.extend(found.models)
        if isinstance(checked.json, list) and len(checked.json) == len(found.models):
            stored.extend(("list", item) for item in checked.json)  # read model by model
        elif checked.json is not None and found.layout is not None and not wanted.main:
            stored.append((found.layout, checked.json))
        else:
            stored.append((None, found.models))
        if checked.clean:
            header = None
            if wanted.main:
                header = {k: v for k, v in checked.data.items() if k != "models"}
            meta.append((True, found.layout, len(found.models), None, header))
            if summaries is not None:
                summaries.extend(summarize_model(model) for model in found.models)
        else:
            # the models of a file that failed may not have the shape a summary needs
            meta.append((False, found.layout, len(found.models), text, checked.data))
            summaries = None
    if not (wanted.summary or wanted.store):
        summaries = None
    # a worker's counts die with it unless sent; this process has counted its own already
    sent = fallbacks.since(before) if in_worker else {}
    result: dict[str, Any] = {"meta": meta, "fallbacks": sent}
    if not in_worker:
        if whole:  # else decoded from "full" when asked for (see `files_read`)
            result["models"] = models
        result["summaries"] = summaries
    if in_worker or wanted.store or not whole:
        # here too when storing: this process would otherwise wait for the workers
        full_needed = wanted.store or not wanted.summary or summaries is None or not whole
        result["full"] = cache.encode_files(stored) if full_needed else None
        result["summary"] = None if summaries is None else cache.encode_models(summaries)
    return result


def valid_part(result: Any, count: int) -> bool:
    return (
        isinstance(result, dict)
        and len(result.get("meta", ())) == count
        and isinstance(result.get("fallbacks"), dict)
    )


def _decoded(result: dict[str, Any], key: str, encoded: str) -> list[Any] | None:
    """`result[key]`, decoded from a worker's `result[encoded]` bytes on first use."""
    if key not in result:
        chunk = result[encoded]
        result[key] = None if chunk is None else cache.decode_chunk(chunk)
    found: list[Any] | None = result[key]
    return found


def files_read(
    names: Sequence[str], results: list[dict[str, Any]], summary: bool
) -> list[FileRead]:
    """The parts' results as one record per file, in order."""
    out: list[FileRead] = []
    at = 0
    for result in results:
        fallbacks.add(result["fallbacks"])
        summaries = _decoded(result, "summaries", "summary") if summary else None
        offset = 0
        for passed, layout, count, text, data in result["meta"]:
            rel = names[at]
            at += 1
            if not passed:
                out.append(FileRead(rel, passed is not None, False, layout, text, data, []))
                offset += count
                continue
            models = summaries if summaries is not None else _decoded(result, "models", "full")
            assert models is not None  # a part sends its models whenever its summaries are not
            mine = models[offset : offset + count]
            out.append(FileRead(rel, True, True, layout, None, data, mine, summaries is not None))
            offset += count
    return out


def chunks(results: list[dict[str, Any]]) -> tuple[list[bytes], list[bytes]]:
    """The parts' models and summaries as cache chunks (see cache.py): the bytes that the
    parts came with as they are, the rest encoded here."""
    full: list[bytes] = []
    summaries: list[bytes] = []
    for result in results:
        encoded = result.get("full")
        if encoded is None:
            encoded = cache.encode_models(_decoded(result, "models", "full") or [])
        full.append(encoded)
        encoded = result.get("summary")
        if encoded is None:
            summarized = _decoded(result, "summaries", "summary")
            if summarized is None:
                summarized = [summarize_model(m) for m in _decoded(result, "models", "full") or []]
            encoded = cache.encode_models(summarized)
        summaries.append(encoded)
    return full, summaries
