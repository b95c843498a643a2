"""The corners of YAML where PyYAML (the reference: YAML 1.1, as `pyyaml_reader.py` sets it
up) and rapidyaml's JSON (YAML 1.2) read the same text differently, for the fast path
(fastyaml.py), which declines any document that may touch one: a text that holds one of
them, a string or key that one of them would have been. A quoted string with the same text
is declined too: only speed is lost."""

from __future__ import annotations

import functools
import json
import re

# PyYAML's implicit resolvers for a plain scalar that is not a string, as the catalog's loader
# has them (pyyaml_reader.py adds the second float), copied so that the fast path never
# imports PyYAML; tests/catalog/speed/test_corners.py checks that they are the loader's own.
# (Its timestamps are strings to the loader, as to rapidyaml.)
_NOT_STRINGS = {
    "bool": (
        r"""^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$""",
        re.X,
    ),
    "null": (
        r"""^(?: ~
                    |null|Null|NULL
                    | )$""",
        re.X,
    ),
    "float": (
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    "int": (
        r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
        re.X,
    ),
    "exponent float": (r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$", 0),
    "merge": (r"^(?:<<)$", 0),
    "value": (r"^(?:=)$", 0),
    "yaml": (r"^(?:!|&|\*)$", 0),
}
# One pattern for all (those without re.X hold no blank to ignore), tried only on a string
# that starts as one of them can: each new string of a catalog is asked.
_NOT_STRING = re.compile("|".join(f"(?:{p})" for p, _ in _NOT_STRINGS.values()), re.X)
_FIRST = frozenset("yYnNtTfFoO~-+0123456789.<=!&*")
_JSON_WORDS = frozenset(["true", "false", "null"])
# What PyYAML's reader accepts (yaml/reader.py), and the line breaks of YAML 1.1 that rapidyaml
# does not take as such; the ASCII characters neither refuses nor reads apart (no CR: PyYAML
# ends a line there, and a catalog file's CRs are gone by the time it is read).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_OTHER_BREAKS = "\r\x85\u2028\u2029"
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_FLOW_COLON = re.compile(r":[ ]*[\]},]|[\[{,][ ]*:")
# Characters that start a tag, anchor or alias when they open a token, and the reserved
# indicators PyYAML refuses where a value starts (rapidyaml reads them as text).
_INDICATORS = "!&*"
_RESERVED = "@`"
_BEFORE_INDICATOR = " \t\n[{,:"


def declined_by_text(text: str) -> bool:
    """Whether the text may hold a form the two read differently: a tab, a directive or a
    second document, a merge key, a tag, anchor or alias, a reserved indicator, a complex
    key, a number written `-.5`, a character PyYAML refuses or breaks lines at (a control
    character, a CR, NEL, a line or paragraph separator), an escaped line break or an escaped
    surrogate."""
    if "\t" in text or text.startswith(("%", "---")):
        return True
    if text.isascii():  # known without reading the text: the usual case, checked in C
        if text.encode().translate(None, _PLAIN_ASCII):
            return True
    elif (
        _NOT_PRINTABLE.search(text)
        or any(c in text for c in _OTHER_BREAKS)
        or "\n\ufeff" in text  # libyaml skips a BOM that starts a line; rapidyaml keeps it
    ):
        return True
    # `[b:]`, `{b:,c: 1}`, `[:b]`: YAML 1.2 reads a key there, PyYAML refuses the `:`
    if ("[" in text or "{" in text) and _FLOW_COLON.search(text):
        return True
    if "\\" in text and ("\\\n" in text or _SURROGATE_ESCAPE.search(text)):
        return True
    # a search for one character runs at memory speed, one for several many times slower:
    # `<` and `%` are rare in a catalog, so the longer search runs only when they appear
    if ("<" in text and "<<" in text) or ("%" in text and "\n%" in text):
        return True
    if "\n---" in text or "\n..." in text:
        return True
    for char in _INDICATORS:
        at = text.find(char)
        while at != -1:
            if at == 0 or text[at - 1] in _BEFORE_INDICATOR:
                return True
            at = text.find(char, at + 1)
    for char in _RESERVED:
        at = text.find(char)
        while at != -1:
            i = at - 1
            while i >= 0 and text[i] == " ":
                i -= 1
            if i < 0 or text[i] in "\n:-[{,":
                return True
            at = text.find(char, at + 1)
    at = text.find("?")
    while at != -1:  # a complex key: `?` alone at the start of a line
        line_start = text.rfind("\n", 0, at) + 1
        if not text[line_start:at].strip(" -") and text[at + 1 : at + 2] in (" ", "\n", ""):
            return True
        at = text.find("?", at + 1)
    # `-.5`: a string to PyYAML, the number -0.5 to rapidyaml
    return "-." in text and _MINUS_DOT.search(text) is not None


_MINUS_DOT = re.compile(r"(?:^|[\s\[,{:])-\.[0-9]", re.MULTILINE)


def ambiguous(value: str) -> bool:
    """Whether a string of rapidyaml's JSON may stand for a plain scalar that PyYAML reads as
    something else: a scalar its resolvers make a bool, null, number or error of (`yes`, `~`,
    `0x1F`, `010`, `0e5`, `1_0:30`, `=`), unless rapidyaml reads that scalar written plain as
    no string either (`5`, `1.5`, `true`): the string then came from a quoted scalar, a
    string to both."""
    if not value or value[0] not in _FIRST or value in _JSON_WORDS:
        return False
    return _NOT_STRING.match(value) is not None and _string_to_rapidyaml(value)


def ambiguous_key(key: str) -> bool:
    """`ambiguous` for a key, which rapidyaml's JSON writes as a string whatever it is."""
    return not key or (key[0] in _FIRST and _NOT_STRING.match(key) is not None)


@functools.lru_cache(maxsize=1024)
def _string_to_rapidyaml(value: str) -> bool:
    """Whether rapidyaml reads `value`, written plain, as a string: True when it cannot say,
    False when it writes no JSON for it (a document holding it plain is declined anyway).
    (It writes plain `nan` and `inf` as `.nan` and `.inf`, which the float pattern matches:
    such documents are declined, which costs only speed.)"""
    try:
        import ryml  # type: ignore[import-untyped]

        read = json.loads(ryml.emit_json(ryml.parse_in_arena(f"a: {value}\n")))
    except ValueError:  # not JSON: a document holding it is declined anyway
        return False
    except Exception:
        return True
    return not isinstance(read, dict) or isinstance(read.get("a"), str)
