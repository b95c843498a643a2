"""The environment variables idp reads, under one naming scheme, described once.

The scheme: `IDP_<WHAT>` holds a value of that kind (`IDP_CATALOG`: a catalog source),
`IDP_<WHAT>_FILE` a file's path and `IDP_<WHAT>_DIR` a folder's, and `IDP_NO_<THING>` /
`IDP_DEBUG` switch something when set to anything but the empty string. Every read goes through
`get` (tests/test_env_vars.py holds the code to that), `make docs` writes the table in
docs/environment.md from `VARIABLES`, and `idp doctor` shows which are set.
"""

from __future__ import annotations

import os
from typing import NamedTuple


# A NamedTuple rather than a dataclass: every command imports this module, and creating a
# dataclass costs more than the rest of it.
class Variable(NamedTuple):
    name: str
    meaning: str
    default: str = ""
    # an older name still read when the new one is unset, with a warning that names both
    replaces: str | None = None


VARIABLES = (
    Variable(
        "IDP_CATALOG",
        "The catalog to read when `--catalog` is not given: a YAML file, a folder with "
        "catalog.yaml, a git repository or a git URL (`URL#path/in/repo.yaml`).",
        "`catalog` in the config file, else the bundled catalog",
    ),
    Variable(
        "IDP_CATALOG_REF",
        "The branch, tag or commit to read a git catalog at when `--catalog-ref` is not given.",
        "`catalog_ref` in the config file",
    ),
    Variable(
        "IDP_CONFIG_FILE",
        "The config file (TOML: `catalog`, `catalog_ref`, `owner`).",
        "`~/.config/idp/config.toml` (the platform's user config folder)",
        replaces="IDP_CONFIG",
    ),
    Variable(
        "IDP_CACHE_DIR",
        "The cache folder: git catalogs' mirrors, parsed catalogs, bundled and plug-in templates' "
        "snapshots. Safe to delete.",
        "`~/.cache/idp` (the platform's user cache folder)",
    ),
    Variable(
        "IDP_PAGER",
        "The pager for long output on a terminal (`idp models show`); set to nothing or `cat` "
        "for none. `--no-pager` turns it off for one command.",
        "`PAGER`, else `less -R` (with `LESS=FRX` unless `LESS` is set)",
    ),
    Variable(
        "IDP_NO_CACHE",
        "Set: parse every catalog file anew instead of reading the parsed-catalog cache.",
    ),
    Variable(
        "IDP_DEBUG",
        "Set: show tracebacks instead of one-line errors, and count the catalog files read "
        "the slow way.",
    ),
)

_BY_NAME = {v.name: v for v in VARIABLES}
_warned: set[str] = set()


def get(name: str) -> str | None:
    """The variable's value (None when unset or empty), read under its older name too."""
    variable = _BY_NAME[name]  # a KeyError here is a variable missing from VARIABLES
    value = os.environ.get(name)
    if not value and variable.replaces:
        value = os.environ.get(variable.replaces)
        if value and variable.replaces not in _warned:
            from idp_cli import warning_sink

            _warned.add(variable.replaces)
            warning_sink.warn(f"{variable.replaces} is the old name of {name}; rename it")
    return value or None


def is_set(name: str) -> bool:
    return get(name) is not None


def set_to_nothing(name: str) -> bool:
    """Whether the variable is set, to the empty string (`IDP_PAGER=`: no pager)."""
    assert name in _BY_NAME, name
    value = os.environ.get(name)
    return value is not None and not value.strip()


def markdown_table() -> str:
    """docs/environment.md (`make docs`)."""
    lines = [
        "# Environment variables",
        "",
        "<!-- Generated from idp_cli/env_vars.py by `make docs`; edit there. -->",
        "",
        "idp reads these; `idp doctor` shows which are set. The names follow one scheme: "
        "`IDP_<WHAT>` holds a value, `…_FILE` a file's path, `…_DIR` a folder's, and "
        "`IDP_NO_<THING>` / `IDP_DEBUG` switch something on when set to anything non-empty. "
        "`NO_COLOR` and `COLUMNS` are honoured as everywhere.",
        "",
        "| Variable | What it does | Default |",
        "| --- | --- | --- |",
    ]
    for v in VARIABLES:
        meaning = v.meaning + (f" (Older name, still read: `{v.replaces}`.)" if v.replaces else "")
        lines.append(f"| `{v.name}` | {meaning} | {v.default or 'unset'} |")
    lines += [
        "",
        "Generated projects' CI reads `IDP_PIP_SPEC` (what the idp-update job installs instead "
        "of the idp release that made the project); see the generated README.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table(), end="")
