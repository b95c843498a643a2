"""The corners of YAML where PyYAML (the reference: YAML 1.1, as `pyyaml_reader.py` sets it
up) and rapidyaml's JSON (YAML 1.2) read the same text differently, for the fast path
(fastyaml.py), which declines any document that may touch one: a text that holds one of
them, a string or key that one of them would have been. A quoted string with the same text
is declined too: only speed is lost."""

from __future__ import annotations

import re

# Plain scalars PyYAML would read as something other than what rapidyaml's JSON says.
_WORDS = frozenset(
    {"~", "y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON"}
    | {"off", "Off", "OFF", "True", "TRUE", "False", "FALSE", "Null", "NULL"}
)
# As keys, JSON's own words too: rapidyaml writes every key as a JSON string.
KEY_WORDS = _WORDS | {"true", "false", "null"}
NUMERIC_START = frozenset("0123456789+-.")
_NUMERIC = re.compile(
    r"[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|[-+]?0[xob][0-9a-fA-F_]+|\+.*|-\..*"
    r"|-?[0-9][0-9_]*_[0-9_.]*|-?0[0-9]+(?:\.[0-9]*)?|-?[0-9]+(?::[0-9]+)+(?:\.[0-9]*)?"
)
# Characters that start a tag, anchor or alias when they open a token, and the reserved
# indicators PyYAML refuses where a value starts (rapidyaml reads them as text).
_INDICATORS = "!&*"
_RESERVED = "@`"
_BEFORE_INDICATOR = " \t\n[{,:"


def declined_by_text(text: str) -> bool:
    """Whether the text may hold a form the two read differently: a tab, a directive or a
    second document, a merge key, a tag, anchor or alias, a reserved indicator, a complex
    key, a number written `-.5`."""
    if "\t" in text or text.startswith(("%", "---")):
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
    """Whether PyYAML would read this text, written plain, as something else than the string
    rapidyaml gives: `yes`, `~`, `0x1F`, `010`, `1_000`, `.inf`, `12:30`..."""
    return value in _WORDS or (
        value != "" and value[0] in NUMERIC_START and bool(_NUMERIC.fullmatch(value))
    )
