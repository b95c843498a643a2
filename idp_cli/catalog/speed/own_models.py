"""A catalog file that holds many models of its own, read and checked in parts as include
files are (parts.py): its `models:` items are cut into runs (blocks.py), and each process,
this one and the workers (parallel.py), screens, parses and checks the chunks of runs it
takes from their shared queue.

For a caller that lists models, the parts of a clean file make the summaries of their models
and the cache's chunks themselves, in parallel, and a worker sends those instead of the
models: decoding them here would cost more than anything this process does with them. The
models then stay as a chunk of JSON texts, decoded only when another part was not clean.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from idp_cli.catalog import files, shape
from idp_cli.catalog.model import summarize_model
from idp_cli.catalog.rules import strings_may_hold_credentials
from idp_cli.catalog.speed import cache, fallbacks, fastyaml, parallel
from idp_cli.catalog.speed.checks import Vouched, Wanted, models_pass

# The runs a file's items are cut into: parallel.py shares them out by size, so every process
# gets a share of about the same size whatever the number of processes.
_RUNS = 64


def vouch(text: str, wanted: Wanted | None) -> Vouched | None:
    """`parts.vouch` for a catalog file, when it holds enough models to share out; None when
    the file is too small to share, or when anything is unusual: `parts.vouch` then reads it
    in this process, which counts its own fallbacks."""
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
        check = functools.partial(_check_runs, text, indent, wanted)
        sizes = [end - start for start, end in runs]
        results = parallel.map_slices(check, runs, sizes, _valid_runs)
        if all(result["fast"] for result in results):
            clean = not (suspect or any(result["suspect"] for result in results))
            clean = clean and all(result["clean"] for result in results)
            clean = clean and files.file_models(data, main=True).clean
            if clean and all("models" not in result or "summaries" in result for result in results):
                return _summarized(data, results)
            data["models"] = [model for result in results for model in _models(result)]
            json = None  # for the cache; the models themselves do when a part sent none
            if all("json" in result for result in results):
                json = [json for result in results for json in result["json"]]
            return Vouched(data, clean, json)
    fallbacks.restore(before)
    return None


def _summarized(data: dict[str, Any], results: list[dict[str, Any]]) -> Vouched:
    summaries: list[Any] = []
    for result in results:
        summaries += (
            result["summaries"]
            if "summaries" in result
            else cache.decode_chunks([result["summary"]])
        )
    chunks = None
    if all("full" in result for result in results):
        chunks = ([result["full"] for result in results], [result["summary"] for result in results])
    return Vouched(data, True, None, summaries, chunks)


def _check_runs(
    text: str,
    indent: str,
    wanted: Wanted | None,
    part: Sequence[tuple[int, int]],
    in_worker: bool,
) -> dict[str, Any]:
    """`parts.vouch`'s checks for some runs of the items of a catalog file's `models:`."""
    fast, models, suspect, json = fastyaml.load_runs(
        text, indent, part, strings_may_hold_credentials
    )
    if not fast:
        return {"fast": False}
    clean = not suspect and models_pass(models)
    result: dict[str, Any] = {"fast": True, "runs": len(part), "suspect": suspect, "clean": clean}
    if clean and wanted is not None and wanted.summary:
        summaries = [summarize_model(model) for model in models]
        if in_worker or wanted.store:  # a worker's models go as the cache keeps them
            assert isinstance(json, list)  # read item by item
            stored: list[tuple[str | None, bytes | list[Any]]] = [("list", doc) for doc in json]
            result["full"] = cache.encode_files(stored)
            result["summary"] = cache.encode_models(summaries)
        if in_worker:
            return result
        result["summaries"] = summaries
    result["models"] = models
    result["json"] = json
    return result


def _models(result: dict[str, Any]) -> list[Any]:
    """The models of a part, decoded from its chunk when a worker sent only that."""
    if "models" in result:
        models: list[Any] = result["models"]
        return models
    return cache.decode_chunks([result["full"]])


def _valid_runs(result: Any, count: int) -> bool:
    if not isinstance(result, dict) or not isinstance(result.get("fast"), bool):
        return False
    if not result["fast"]:
        return True
    if result.get("runs") != count:
        return False
    if "models" in result:
        return len(result["models"]) == len(result.get("json", ()))
    return isinstance(result.get("full"), bytes) and isinstance(result.get("summary"), bytes)
