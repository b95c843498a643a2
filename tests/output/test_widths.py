"""Screens as text: `models list`, `templates list`, `templates show` and `models show` at 80, 100
and 200 columns (COLUMNS, as a terminal of that width sets it) are snapshot-tested, fit the
width wherever their words allow, and never break a name, ref, URL or variable name.

Rewrite the snapshots after an intended change with `UPDATE_SNAPSHOTS=1 pytest tests/output`.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest

from idp_cli.catalog.read import open_catalog
from idp_cli.catalog.sources import resolve_source
from idp_cli.config import CatalogChoice
from tests.helpers import Invoke

SNAPSHOTS = Path(__file__).parent / "snapshots"
WIDTHS = (80, 100, 200)
SCREENS = {
    "models-list": ["models", "list"],
    "templates-list": ["templates", "list"],
    "templates-show-chat": ["templates", "show", "chat-service"],
    "models-show-churn": ["models", "show", "acme/churn-classifier"],
    "models-show-llama": ["models", "show", "meta-llama/llama-3.1-8b-instruct"],
}


def _tokens() -> set[str]:
    """What must never be split across lines: every model ref, endpoint URL and token
    variable of the bundled catalog."""
    catalog = open_catalog(resolve_source(CatalogChoice(None, None, "bundled")))
    found: set[str] = set()
    for model in catalog.models:
        found.add(model.name)
        for version in model.versions:
            found.add(version.ref)
            for endpoint in version.endpoints:
                found.add(endpoint.url)
                token = (endpoint.raw.get("auth") or {}).get("tokenEnv")
                if token:
                    found.add(f"${token}")
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_screen(invoke: Invoke, monkeypatch: pytest.MonkeyPatch, screen: str, width: int) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = invoke(*SCREENS[screen])
    assert result.exit_code == 0, result.output
    text = result.stdout
    lines = text.splitlines()

    assert all(line == line.rstrip() for line in lines), "trailing padding"
    tokens = _tokens()
    for line in lines:
        if len(line) > width:
            # only a line whose overflow is one token that cannot be split may run past
            assert " " not in line.strip()[width - len(line) :] or any(
                t in line and len(t) > width // 3 for t in tokens
            ), f"{screen}@{width}: {line!r} is {len(line)} wide"
    # a token cut at a line's end: found across the join of that line and the next
    for first, second in itertools.pairwise(lines):
        joined, cut = first.rstrip() + second.lstrip(), len(first.rstrip())
        for token in tokens:
            at = joined.find(token)
            while at != -1:
                assert not at < cut < at + len(token), f"{screen}@{width}: {token!r} split"
                at = joined.find(token, at + 1)

    snapshot = SNAPSHOTS / f"{screen}-{width}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(text)
    assert snapshot.is_file(), f"no snapshot {snapshot.name}: run with UPDATE_SNAPSHOTS=1"
    assert text == snapshot.read_text(), f"{snapshot.name} differs"


def test_a_narrow_card_stacks_the_endpoints_instead_of_cutting_them(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = invoke("models", "show", "acme/churn-classifier").stdout
    assert "    URL          https://churn.models.staging.example.internal" in text
    assert "    Auth         bearer ($CHURN_STAGING_API_TOKEN)" in text
    monkeypatch.setenv("COLUMNS", "200")
    wide = invoke("models", "show", "acme/churn-classifier").stdout
    assert re.search(r"^  ENDPOINT +ENVIRONMENT +PROTOCOL +URL", wide, re.MULTILINE)


def test_wide_shows_every_column_whatever_the_width(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    fitted = invoke("models", "list")
    assert "LICENSE" not in fitted.stdout and "Left out to fit 80 columns" in fitted.stderr
    wide = invoke("models", "list", "-o", "wide")
    header = wide.stdout.splitlines()[0].split()
    assert header == ["MODEL", "VERSION", "LIFECYCLE", "TYPE", "TASK", "PROTOCOL", "LICENSE"]
    assert wide.stderr == ""
    card = invoke("models", "show", "acme/churn-classifier", "-o", "wide").stdout
    assert re.search(r"^  ENDPOINT +ENVIRONMENT", card, re.MULTILINE)  # not stacked


def test_columns_choose_and_order(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    listed = invoke("models", "list", "--columns", "license,Model")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["LICENSE", "MODEL"]
    assert "proprietary" in lines[1] and "acme/churn-classifier" in lines[1]
    templates = invoke("templates", "list", "--columns", "template,compatible-models")
    assert templates.stdout.splitlines()[0].split() == ["TEMPLATE", "COMPATIBLE", "MODELS"]


def test_an_unknown_column_is_a_usage_error_with_a_suggestion(invoke: Invoke) -> None:
    result = invoke("models", "list", "--columns", "model,licence")
    assert result.exit_code == 2
    assert "no column 'licence'" in result.output and "did you mean license?" in result.output
