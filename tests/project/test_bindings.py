"""`idp check` and `idp update` on a project with two bindings: the app template's
`.copier-answers.yml` and a client component's `.copier-answers.summarizer.yml`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import Invoke
from tests.project.fleet import publish
from tests.project.two_bindings import CATALOG_SUMMARIZER_DEPRECATED

World = tuple[Path, Path, Path, Path]


def test_check_reports_each_binding(invoke: Invoke, two_bindings: World) -> None:
    *_, project = two_bindings
    assert (project / ".copier-answers.summarizer.yml").is_file()
    result = invoke("check", project, "-o", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["outdated"] is False
    assert [(b["name"], b["answersFile"]) for b in report["bindings"]] == [
        ("template", ".copier-answers.yml"),
        ("summarizer", ".copier-answers.summarizer.yml"),
    ]
    assert [b["model"]["ref"] for b in report["bindings"]] == [
        "acme/assistant@1.0.0",
        "acme/summarizer@1.0.0",
    ]


def test_a_deprecated_version_drifts_its_binding_only(invoke: Invoke, two_bindings: World) -> None:
    _, _, catalog, project = two_bindings
    publish(catalog, CATALOG_SUMMARIZER_DEPRECATED)

    result = invoke("check", project, "-o", "json")
    assert result.exit_code == 5, result.stderr
    report = json.loads(result.stdout)
    assert report["outdated"] is True
    by_name = {b["name"]: b for b in report["bindings"]}
    assert by_name["template"]["outdated"] is False
    assert by_name["template"]["reasons"] == []
    assert by_name["summarizer"]["outdated"] is True
    assert by_name["summarizer"]["model"]["latest"] == "acme/summarizer@2.0.0"
    assert report["reasons"] == [
        "summarizer: acme/summarizer@1.0.0 is deprecated; successor acme/summarizer@2.0.0"
    ]

    table = invoke("check", project)
    assert table.exit_code == 5, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "binding template (.copier-answers.yml)"
    summarizer = lines.index("binding summarizer (.copier-answers.summarizer.yml)")
    assert "Up to date." in "\n".join(lines[:summarizer])
    assert any("acme/summarizer@1.0.0 (deprecated)  outdated" in x for x in lines[summarizer:])
    assert lines[-1] == "Out of date: summarizer. Run `idp update --latest --binding summarizer`."

    narrowed = invoke("check", project, "--binding", "template", "-o", "json")
    assert narrowed.exit_code == 0, narrowed.stderr
    assert [b["name"] for b in json.loads(narrowed.stdout)["bindings"]] == ["template"]


def test_an_unknown_binding_is_an_error_with_a_suggestion(
    invoke: Invoke, two_bindings: World
) -> None:
    *_, project = two_bindings
    for command in ("check",):
        result = invoke(command, project, "--binding", "sumarizer")
        assert result.exit_code == 1
        assert "has no binding named 'sumarizer'" in result.stderr
        assert "Did you mean summarizer?" in result.stderr
