"""Reading and checking the files of a catalog in parts, each maybe in its own process.

A part is a run of consecutive files. Per file it finds whether the file passed every check
that needs no other file (`vouch`); for the whole part, its models and their summaries. A
worker sends these back as `marshal` data (see parallel.py): the models as bytes that go into
the cache as they are, so a parent that only lists models neither decodes nor encodes the
ones it does not need. The wire format stays inside this module; the rest of the catalog
code sees `FileRead` records. A catalog file that holds many models itself is one file, but
its `models:` items are shared out the same way (own_models.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from idp_cli.catalog import files
from idp_cli.catalog.files import Layout
from idp_cli.catalog.model import summarize_model
from idp_cli.catalog.rules import may_hold_credentials, strings_may_hold_credentials
from idp_cli.catalog.safe_yaml import YamlError, check_size, load_yaml
from idp_cli.catalog.sources import Reader
from idp_cli.catalog.speed import cache, fallbacks, fastyaml, own_models
from idp_cli.catalog.speed.checks import Vouched, Wanted, models_pass


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


def vouch(text: str, main: bool, wanted: Wanted | None = None) -> Vouched | None:
    """A file's data and whether its models pass every check that needs no other model and
    its text holds nothing like a credential; None when it is not usable YAML. Anything this
    does not vouch for is checked again with every message, so it may say no whenever it is
    unsure. `wanted`: what the caller needs, when a catalog file is read in parts."""
    suspect: bool | None = None  # what the screen said of the strings; None: not asked
    json: fastyaml.Json | None = None
    try:
        check_size(text, "")
        shared = own_models.vouch(text, wanted) if main else None
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
    return Vouched(data, models_pass(found.models), json)


# The wire format of a part's result: a dict of plain values, so that `marshal` can carry it.
# "meta": per file (vouched, layout, model count, text, data), text None when vouched, and data
# None too unless it is the catalog file's header; vouched None for a file that is not YAML.
# "full"/"summary": models or summaries as cache chunks (lists of bytes) or None;
# "models"/"summaries": the same decoded, only in this process; "fallbacks": a worker's counts
# (see fallbacks.py).
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
    ready: tuple[list[bytes], list[bytes]] | None = None  # chunks made in parts
    whole = True  # every model in hand here (see `Vouched`)
    for rel, given in part:
        text = reader.read_text(rel) if given is None else given
        checked = vouch(text, wanted.main, wanted)
        if checked is None:
            meta.append((None, None, 0, text, None))
            summaries = None
            continue
        if checked.summaries is not None:  # a clean catalog file read in parts
            whole, ready = False, checked.chunks
            head = {k: v for k, v in checked.data.items() if k != "models"}
            meta.append((True, "models", len(checked.summaries), None, head))
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
    if not whole:  # the catalog file, alone in its part: its chunks come in order
        assert len(part) == 1
        result["summaries"] = summaries  # plain data: a worker may send them too
        result["full"], result["summary"] = ready or (None, None)
        return result
    if not in_worker:
        result["summaries"] = summaries
        if summaries is None or not wanted.summary:
            # else the models are not needed (nor kept: let go of here, they cost less than
            # at the end, when this process alone is still at work)
            result["models"] = models
    if in_worker or wanted.store:
        # here too when storing: this process would otherwise wait for the workers
        full_needed = wanted.store or not wanted.summary or summaries is None
        result["full"] = [cache.encode_files(stored)] if full_needed else None
        result["summary"] = None if summaries is None else [cache.encode_models(summaries)]
    return result


def valid_part(result: Any, count: int) -> bool:
    return (
        isinstance(result, dict)
        and len(result.get("meta", ())) == count
        and isinstance(result.get("fallbacks"), dict)
    )


def _decoded(result: dict[str, Any], key: str, encoded: str) -> list[Any] | None:
    """`result[key]`, decoded from the chunks `result[encoded]` (a worker's) on first use."""
    if key not in result:
        chunks = result[encoded]
        result[key] = None if chunks is None else cache.decode_chunks(chunks)
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
            encoded = [cache.encode_models(_decoded(result, "models", "full") or [])]
        full += encoded
        encoded = result.get("summary")
        if encoded is None:
            summarized = _decoded(result, "summaries", "summary")
            if summarized is None:
                summarized = [summarize_model(m) for m in _decoded(result, "models", "full") or []]
            encoded = [cache.encode_models(summarized)]
        summaries += encoded
    return full, summaries
