"""Reading and checking the include files of a catalog in parts, each maybe in its own process.

A part is a run of consecutive files. What comes back is plain data (see `parallel`):
per file, whether it passed every check that needs no other file, and for a file that did
not, its text and data so that the problems can be placed; for the whole part, its models
and their summaries (see cache.summarize_model), as `marshal` bytes from a worker. A worker
thus sends a parent that only lists models nothing it does not need, and the bytes go into
the cache as they are: the parent neither decodes nor encodes them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from idp_cli.catalog import cache
from idp_cli.catalog.sources import Reader

# Where an included file's models stand in it (see `layout`).
MODELS_KEY, ONE_MODEL, LIST = "models", "one", "list"
# Per file: (True, layout, model count, None, None) when it passed, else
# (False, layout or None, model count, text, data), or (None, None, 0, text, None) when the
# text is not usable YAML.
FileMeta = tuple[bool | None, str | None, int, str | None, Any]


def layout(data: Any) -> str | None:
    """How an included file holds its models, or None when it has none of the valid shapes."""
    if isinstance(data, dict):
        if "models" not in data:
            return ONE_MODEL
        return MODELS_KEY if len(data) == 1 and isinstance(data["models"], list) else None
    return LIST if isinstance(data, list) else None


def models_of(data: Any, kind: str | None) -> list[Any]:
    if kind == ONE_MODEL:
        return [data]
    if kind == MODELS_KEY:
        return list(data["models"])
    return list(data) if kind == LIST else []


@dataclass(frozen=True)
class Wanted:
    summary: bool  # the caller lists models: summaries are enough
    store: bool  # the result goes into the cache, which keeps both


def check_part(
    reader: Reader, wanted: Wanted, part: Sequence[tuple[str, str | None]], in_worker: bool
) -> dict[str, Any]:
    """`part` is (path, text) per file; a text of None is read here (in the worker). A worker
    sends its models as bytes; here they are kept as they are, and encoded as well when they
    go into the cache."""
    from idp_cli.catalog.validation import precheck

    meta: list[FileMeta] = []
    models: list[Any] = []
    summaries: list[Any] | None = []
    # the models once more, for the cache: per file, the JSON text the fast path read them
    # from (encoding it is a copy, encoding the objects is not) or the models themselves
    stored: list[tuple[str | None, str | list[Any]]] = []
    for rel, given in part:
        text = reader.read_text(rel) if given is None else given
        checked = precheck(text)
        if checked is None:
            meta.append((None, None, 0, text, None))
            summaries = None
            continue
        data, clean, json = checked
        kind = layout(data)
        found = models_of(data, kind)
        models.extend(found)
        stored.append((kind, json) if json is not None and kind is not None else (None, found))
        if clean:
            meta.append((True, kind, len(found), None, None))
            if summaries is not None:
                summaries.extend(cache.summarize_model(model) for model in found)
        else:
            # the models of a file that failed may not have the shape a summary needs
            meta.append((False, kind, len(found), text, data))
            summaries = None
    if not (wanted.summary or wanted.store):
        summaries = None
    result: dict[str, Any] = {"meta": meta}
    if not in_worker:
        result["models"] = models
        result["summaries"] = summaries
    if in_worker or wanted.store:
        # here too when storing: this process would otherwise wait for the workers
        full_needed = wanted.store or not wanted.summary or summaries is None
        result["full"] = cache.encode_files(stored) if full_needed else None
        result["summary"] = None if summaries is None else cache.encode_models(summaries)
    return result


def valid_part(result: Any, count: int) -> bool:
    return isinstance(result, dict) and len(result.get("meta", ())) == count


def _decoded(result: dict[str, Any], key: str, encoded: str) -> list[Any] | None:
    """`result[key]`, decoded from a worker's `result[encoded]` bytes on first use."""
    if key not in result:
        chunk = result[encoded]
        result[key] = None if chunk is None else cache.decode_chunk(chunk)
    found: list[Any] | None = result[key]
    return found


def part_models(result: dict[str, Any]) -> list[Any] | None:
    return _decoded(result, "models", "full")


def part_summaries(result: dict[str, Any]) -> list[Any] | None:
    return _decoded(result, "summaries", "summary")
