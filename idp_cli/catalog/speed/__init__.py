"""Reading a large catalog fast: the one door to the fast YAML path, the worker processes
and the cache of validated catalogs.

Nothing here decides what a catalog means: `read_files` gives the same records a plain loop
would (read each file, parse it with PyYAML, let `read.py` check it with every message), only
sooner, and it vouches for the files that passed every check that needs no other file, so
that `read.py` checks those no further; `parse_yaml` reads one document exactly as
`safe_yaml.load_yaml` does, sooner. Deleting this package means replacing `read_files` with
that loop, `parse_yaml` with `safe_yaml.load_yaml`, `cached` with `None`, and `remember` with
nothing (and `quiet_gc` with nothing).
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from idp_cli.catalog.sources import FolderReader, Source
from idp_cli.catalog.speed import cache

if TYPE_CHECKING:
    from idp_cli.catalog.speed.parts import Reading

# Only the cache is imported with this package: a command served from it (`idp models list`,
# again) imports nothing that reads or checks files.
__all__ = ["cached", "parse_yaml", "quiet_gc", "read_files", "remember"]


def cached(source: Source, *, summary: bool) -> tuple[dict[str, Any], list[str]] | None:
    """The catalog data and file labels the cache holds for `source`, if every file it came
    from is unchanged; `summary` asks for the entry holding model summaries only."""
    return cache.lookup(source, summary=summary)


def read_files(
    source: Source, names: Sequence[str], *, main: bool, summary: bool, store: bool
) -> Reading:
    """The files `names` of the catalog: `main` for the catalog file itself, else include
    files. `summary`: vouched models may come as their summaries; `store`: `remember` will be
    called with the result."""
    from idp_cli.catalog.speed import checks, fallbacks, parallel, parts

    reader = source.reader
    items: list[tuple[str, str | None]]
    if isinstance(reader, FolderReader):
        # plain files: each process reads the files of the chunks it takes (parallel.py);
        # every fingerprint is taken first
        stats = [reader.stat(name) for name in names]
        fingerprints = [fingerprint for fingerprint, _ in stats]
        sizes = [size for _, size in stats]
        items = [(name, None) for name in names]
    else:  # a git object database is read here only, never from forked processes
        fingerprints = [reader.fingerprint(name) for name in names]
        texts = [reader.read_text(name) for name in names]
        sizes = [len(text) for text in texts]
        items = list(zip(names, texts, strict=True))
    wanted = checks.Wanted(main=main, summary=summary, store=store)
    before = fallbacks.snapshot()
    results = parallel.map_slices(
        functools.partial(parts.check_part, reader, wanted), items, sizes, parts.valid_part
    )
    records = parts.files_read(names, results, summary)
    fallbacks.report(before, len(names))
    return parts.Reading(records, dict(zip(names, fingerprints, strict=True)), results)


def remember(
    source: Source, head: dict[str, Any], readings: Sequence[Reading], labels: list[str]
) -> None:
    """Keep a valid catalog in the cache: `head` is its catalog file without `models`,
    `readings` every file of it in order, `labels` the files as `read.py` names them."""
    from idp_cli.catalog.speed import parts

    full: list[bytes] = []
    summaries: list[bytes] = []
    deps: dict[str, str] = {}
    for reading in readings:
        more_full, more_summaries = parts.chunks(reading._results)
        full += more_full
        summaries += more_summaries
        deps.update(reading.fingerprints)
    cache.store(source, head, (full, summaries), labels, deps)


def parse_yaml(text: str, filename: str) -> Any:
    """One YAML document, as `safe_yaml.load_yaml` reads it (YamlError with file:line:column
    when it is not usable YAML): for the catalog files of past commits (`idp models
    history`), which are not checked."""
    from idp_cli.catalog.safe_yaml import check_size, load_yaml
    from idp_cli.catalog.speed import fastyaml

    check_size(text, filename)
    fast, data = fastyaml.load(text)
    return data if fast else load_yaml(text, filename)


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """Around reading and checking a catalog, which creates millions of objects that all live
    on: the cyclic garbage collector would traverse them again and again for nothing. It is
    paused meanwhile, and what was created is then handed to the oldest generation (freeze,
    then unfreeze) instead of the youngest, whose next collection would take 0.3 s to find
    nothing. Afterwards the collector runs as before, over every object."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()
