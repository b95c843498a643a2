"""A fast path for reading catalog YAML with rapidyaml, for large catalogs.

PyYAML spends most of its time building a Python object for every node and every position;
rapidyaml parses in C++ and hands over JSON, which Python's C decoder reads. The two disagree
on a few corners of YAML (corners.py: YAML 1.1 scalars such as `yes`, `010` or `.inf`, tags,
anchors and aliases, directives), and on duplicate and empty keys, which PyYAML refuses.
This path declines any document that could touch one of them, and any document rapidyaml
cannot parse; the caller then reads it with PyYAML, which is the reference. Either way the
result is the same (tests/catalog/speed/test_fastyaml.py checks both paths against each
other). Every decline is counted (see fallbacks.py); an unexpected error is counted too, and
raised with IDP_DEBUG.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from idp_cli.catalog.speed import blocks, corners, fallbacks

# Strings known to be neither ambiguous nor suspect to a screen (see `load_screened`), per
# screen.
# Catalogs repeat the same keys and values across models and files, so each is checked once per
# process; the bound keeps memory in check. Keys and values follow different rules (a value
# "1" is fine, a key 1 is not): two sets.
_CLEARED: dict[Any, tuple[set[str], set[str]]] = {}
_CLEARED_MAX = 500_000

# Given the keys and string values of a document not seen before, whether the caller must look
# at the document more closely (see `load_screened`).
Screen = Callable[[list[str], list[str]], bool]


class _Strings:
    """The keys and string values of one document that the cleared sets do not hold yet."""

    def __init__(self, screen: Screen | None) -> None:
        cleared = _CLEARED.setdefault(screen, (set(), set()))
        if len(cleared[0]) + len(cleared[1]) > _CLEARED_MAX:
            cleared[0].clear()
            cleared[1].clear()
        self.cleared_keys, self.cleared_values = cleared
        self.keys: set[str] = set()
        self.values: set[str] = set()

    def walk(self, data: Any) -> int | None:
        """Entries in every mapping and sequence (rapidyaml counts the same as nodes), or None
        when a key or string value is one PyYAML might read differently."""
        count = 0
        cleared_keys, cleared = self.cleared_keys, self.cleared_values
        new_keys, new = self.keys, self.values
        stack = [data]
        push, pop = stack.append, stack.pop
        while stack:
            item = pop()
            count += len(item)
            if type(item) is dict:
                # a catalog repeats the same few keys: mostly all cleared, found so in C
                if not cleared_keys.issuperset(item):
                    for key in item:
                        if key not in cleared_keys and key not in new_keys:
                            if corners.ambiguous_key(key):
                                return None
                            new_keys.add(key)
                values: Any = item.values()
            else:
                values = item
            for value in values:
                kind = type(value)
                if kind is str:
                    if value not in cleared and value not in new:
                        if corners.ambiguous(value):
                            return None
                        new.add(value)
                elif kind is dict or kind is list:
                    push(value)
        return count

    def clear(self) -> None:
        self.cleared_keys.update(self.keys)
        self.cleared_values.update(self.values)


_DEVNULL: list[int] = []  # one descriptor for the whole process, opened on first use


_SILENCING = threading.Lock()
_SILENCED: list[int] = []  # while silenced: the saved descriptor, then one entry per user


@contextlib.contextmanager
def _silent_stderr() -> Iterator[None]:
    """rapidyaml prints its parse errors from C++ straight to file descriptor 2; PyYAML will
    report the same error properly, with its position. Descriptor 2 is the whole process's:
    threads reading at once (the MCP server's) share one silence, and the last one out puts
    stderr back."""
    with _SILENCING:
        try:
            if not _DEVNULL:
                _DEVNULL.append(os.open(os.devnull, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)))
            if not _SILENCED:
                saved = os.dup(2)
                try:
                    os.dup2(_DEVNULL[0], 2)
                except OSError:
                    os.close(saved)
                    raise
                _SILENCED.append(saved)
            _SILENCED.append(-1)
            silenced = True
        except OSError:
            silenced = False
    try:
        yield
    finally:
        if silenced:
            with _SILENCING:
                _SILENCED.pop()
                if len(_SILENCED) == 1:
                    saved = _SILENCED.pop()
                    try:
                        os.dup2(saved, 2)
                    finally:
                        os.close(saved)


# For a YAML text below this size, and until pydantic-core is imported anyway (to validate),
# json's decoder does as well: a large catalog's catalog.yaml is read before the work is
# shared out, and the worker processes then import pydantic-core each, at the same time.
_SMALL_TEXT = 64 * 1024


def _decoder(size: int) -> Callable[[bytes], Any]:
    # pydantic-core's Rust decoder reads JSON about twice as fast as json's
    if size < _SMALL_TEXT and "pydantic_core" not in sys.modules:
        return json.loads
    try:
        from pydantic_core import from_json
    except ImportError:  # pragma: no cover - pydantic is a dependency
        return json.loads
    return from_json


# rapidyaml's tree and the buffer it writes each document's JSON into (a Python string made
# for each document would cost more than the emitting): one of each per thread, made once
# rather than for each file of a catalog split into thousands, and let go of after a document
# that grew them past these sizes.
_SCRATCH = threading.local()
_KEPT_BUFFER = 1 << 20
_KEPT_TREE = 1 << 22


class _Reader:
    """What reading the documents of one text shares: the strings seen, the JSON decoder,
    rapidyaml's tree and the JSON buffer."""

    def __init__(self, ryml: Any, size: int, strings: _Strings) -> None:
        self.ryml = ryml
        self.strings = strings
        self.decode = _decoder(size)
        scratch = _SCRATCH.__dict__
        if "tree" not in scratch:
            scratch["tree"] = ryml.Tree()
            scratch["emitted"] = bytearray(_KEPT_BUFFER)
        self.tree = scratch["tree"]
        self.emitted = scratch["emitted"]

    def done(self) -> None:
        """After the text: the scratch space back to its usual size."""
        if len(self.emitted) > _KEPT_BUFFER:
            del self.emitted[_KEPT_BUFFER:]
        if self.tree.arena_capacity() > _KEPT_TREE or self.tree.capacity() > _KEPT_TREE // 64:
            _SCRATCH.__dict__.pop("tree", None)


def _parse(reader: _Reader, text: str) -> tuple[Any, bytes]:
    """One YAML document through rapidyaml, and the JSON text it was read from; raises on
    anything the fast path cannot vouch for. rapidyaml's parse errors go straight to file
    descriptor 2: the caller silences it (`_silent_stderr`)."""
    ryml, emitted, tree = reader.ryml, reader.emitted, reader.tree
    tree.clear()
    tree.clear_arena()
    ryml.parse_in_arena(text, tree=tree)
    root = tree.root_id()
    if tree.is_container(root):
        # JSON on one line, as the flow style writes it: a third shorter than the indented
        # lines of the block style, for the decoder, the workers' results and the cache
        tree.set_container_style(root, ryml.FLOW_SL)
    failed, length = ryml.emit_json_to_substr(tree, root, emitted)
    if failed:
        emitted.extend(bytes(length - len(emitted)))
        failed, length = ryml.emit_json_to_substr(tree, root, emitted)
        if failed:
            raise _Declined
    document = bytes(memoryview(emitted)[:length])
    if b'"":' in document:  # an empty key (`: b`), which PyYAML refuses unless quoted
        raise _Declined
    size = int(tree.size())
    data = reader.decode(document)
    if isinstance(data, str) and corners.ambiguous(data):
        raise _Declined
    # A duplicate key collapses in JSON: the node counts then differ.
    count = reader.strings.walk(data)
    if count is None or count + 1 != size:
        raise _Declined
    return data, document


class _Declined(Exception):
    pass


def _split_models(text: str) -> tuple[str, list[str]] | None:
    """The document without its `models:` block, and the block's items as separate texts.

    Parsing item by item keeps rapidyaml's parse tree (several times the size of the text)
    small: a 10,000-version catalog then peaks at a fraction of the memory.
    """
    block = blocks.find_block(text)
    if block is None:
        return None
    return blocks.head(text, block), blocks.items(text, block.start, block.end, block.indent)


# The JSON text a document was read from: in one piece, or one text per item of its `models:`
# list (each a list of one model) when it was read item by item.
Json = bytes | list[bytes]


def _parse_split(reader: _Reader, text: str) -> tuple[Any, Json]:
    """`_parse`, item by item when the document holds a `models:` list (see `_split_models`)."""
    split = _split_models(text)
    if split is None:
        return _parse(reader, text)
    head_text, items = split
    data, _ = _parse(reader, head_text)
    if not isinstance(data, dict) or data.get("models") != []:
        raise _Declined
    data["models"], documents = _parse_items(reader, items)
    return data, documents


def _parse_items(reader: _Reader, items: Sequence[str]) -> tuple[list[Any], list[bytes]]:
    models: list[Any] = []
    documents: list[bytes] = []
    for item in items:
        parsed, document = _parse(reader, item)
        if not isinstance(parsed, list) or len(parsed) != 1:
            raise _Declined
        models.append(parsed[0])
        documents.append(document)
    return models, documents


def cut_models(text: str, run_size: int) -> tuple[str, str, list[tuple[int, int]]] | None:
    """When the fast path would read `text` item by item (see `_split_models`): the text
    without its `models:` items, their indentation, and runs of whole items of about
    `run_size` characters (see blocks.py), for `load_runs`; else None.

    The whole text is screened as `load_screened` screens it, in pieces: the `models:` line
    and what stands before the first item here, the text without the items when it is read,
    and each run as it is read, maybe in another process. Every piece starts at a line start
    and is screened with the newline before it, so no screen looks across two pieces (none
    looks across a line break but for the newline itself)."""
    if not text.strip():
        return None
    block = blocks.find_block(text)
    if block is None or corners.declined_by_text(text[max(block.key - 1, 0) : block.start]):
        return None
    return blocks.head(text, block), block.indent, blocks.runs(text, block, run_size)


def load(text: str) -> tuple[bool, Any]:
    """(True, data) when the fast path read `text` exactly as PyYAML would; else (False, None)."""
    fast, data, _, _ = load_screened(text, None)
    return fast, data


def load_screened(text: str, screen: Screen | None) -> tuple[bool, Any, bool, Json | None]:
    """`load`, whether `screen` found the document suspect, and the JSON text it was read
    from (see `Json`; for the cache, which then need not encode the data).
    The screen sees only the keys and string values no earlier document passed, so a catalog
    of a thousand files that repeat the same words costs it little; documents it flags leave
    nothing in its cache."""
    if not text.strip():
        fallbacks.count("empty document")
        return False, None, False, None
    if corners.declined_by_text(text):
        fallbacks.count("YAML the fast path does not read alike")
        return False, None, False, None
    return _read(len(text), screen, lambda reader: _parse_split(reader, text))


def load_runs(
    text: str, indent: str, runs: Sequence[tuple[int, int]], screen: Screen | None
) -> tuple[bool, Any, bool, Json | None]:
    """`load_screened` for some of the runs of items `cut_models` cut from `text`: their
    models (a list), and their JSON texts one by one."""
    if any(_declined_run(text, start, end) for start, end in runs):
        fallbacks.count("YAML the fast path does not read alike")
        return False, None, False, None
    items = [item for start, end in runs for item in blocks.items(text, start, end, indent)]
    return _read(sum(map(len, items)), screen, lambda reader: _parse_items(reader, items))


def _declined_run(text: str, start: int, end: int) -> bool:
    """The screen of a run of items (see `cut_models`), with the newline before it."""
    return corners.declined_by_text(text[start - 1 : end])


def _read(
    size: int, screen: Screen | None, parse: Callable[[_Reader], tuple[Any, Json]]
) -> tuple[bool, Any, bool, Json | None]:
    try:
        import ryml  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - rapidyaml is a dependency
        fallbacks.count("rapidyaml is not installed")
        return False, None, False, None
    strings = _Strings(screen)
    reader: _Reader | None = None
    try:
        reader = _Reader(ryml, size, strings)
        with _silent_stderr():
            data, document = parse(reader)
    except _Declined:
        fallbacks.count("YAML the fast path does not read alike")
        return False, None, False, None
    except ryml.ExceptionBasic:
        fallbacks.count("not YAML to rapidyaml")  # PyYAML reports it with its position
        return False, None, False, None
    except ValueError:  # rapidyaml's JSON of a scalar JSON cannot hold (`.nan`, `1e999`)
        fallbacks.count("not JSON from rapidyaml")
        return False, None, False, None
    except Exception as exc:  # a bug here must cost speed, not a wrong answer
        if fallbacks.debugging():
            raise
        fallbacks.count(f"fast path error {type(exc).__name__}")
        return False, None, False, None
    finally:
        if reader is not None:
            reader.done()
    suspect = screen is not None and screen(list(strings.keys), list(strings.values))
    if not suspect:
        strings.clear()
    return True, data, suspect, document
