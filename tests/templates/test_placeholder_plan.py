"""The predictive templates' placeholder binding carries the plan idp computes for it, so
plain `copier copy` with the default answers renders what `idp` would."""

from __future__ import annotations

import pytest

from tests.templates.placeholder_plan import PREDICTIVE, TEMPLATES, expected_text


@pytest.mark.parametrize("template", PREDICTIVE)
def test_the_placeholder_plan_is_current(template: str) -> None:
    text = (TEMPLATES / template / "copier.yml").read_text(encoding="utf-8")
    assert text == expected_text(text), (
        f"the placeholder's codegen in templates/{template}/copier.yml is stale: "
        "run `python -m tests.templates.placeholder_plan`"
    )
