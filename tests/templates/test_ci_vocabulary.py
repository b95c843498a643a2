"""The CI systems are listed once, in idp_cli/ci.py: `idp new --ci` offers them, and every
bundled template that asks `ci` (the app templates, and app-base, which renders the CI files)
names the same values with the same labels and default, so that a template's prompt, idp's
option and the files app-base can render never disagree. A template that writes its CI files
itself (the training project) lists them as its choices; one whose CI files come from a part
(app-base, or an installed plug-in's part) leaves the question open to a plug-in's name."""

from __future__ import annotations

import pytest
import yaml

from idp_cli.ci import CI_SYSTEMS, DEFAULT_CI, find
from tests.templates.predictive_helpers import TEMPLATES

APP_BASE = TEMPLATES / "app-base" / "template"


# Templates that write CI files of their own rather than through app-base, and the systems
# they do not write yet (none now: the training project writes its own Tekton pipeline).
NOT_YET: dict[str, set[str]] = {}


def test_every_template_asking_ci_lists_the_same_systems() -> None:
    asking, open_to_plugins = [], []
    for config_path in sorted(TEMPLATES.glob("*/copier.yml")):
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        if "ci" not in config:
            continue
        name = config_path.parent.name
        asking.append(name)
        question = config["ci"]
        missing = NOT_YET.get(name, set())
        labels = {label: value for value, label in CI_SYSTEMS.items() if value not in missing}
        if "choices" in question:
            assert question["choices"] == labels, config_path
        else:  # open: the help names each bundled system, the validator takes a plug-in's
            for label, value in labels.items():
                assert f"{value} ({label})" in question["help"], config_path
            assert "regex_search" in question["validator"], config_path
            open_to_plugins.append(name)
        assert question["default"] == DEFAULT_CI, config_path
    assert {"app-base", "chat-service", "prediction-service", "batch-scoring"} <= set(asking)
    assert {"rag-service", "training-project"} <= set(asking)
    # the templates composed with app-base take a plug-in's CI system; the training project,
    # which writes its own CI files, does not
    parts = {
        path.parent.name
        for path in TEMPLATES.glob("*/copier.yml")
        if "template: app-base" in path.read_text(encoding="utf-8")
    }
    assert set(open_to_plugins) == parts | {"app-base"}


def test_idp_new_takes_the_same_systems_without_importing_a_plugin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from idp_cli import plugins

    def refuse() -> tuple[plugins.Plugin, ...]:
        raise AssertionError("a bundled CI system needs no plug-in")

    monkeypatch.setattr(plugins, "installed", refuse)
    assert [find(value).title for value in CI_SYSTEMS] == list(CI_SYSTEMS.values())


def test_app_base_renders_files_for_each_system() -> None:
    """Each value names the files app-base renders for it, and nothing else does."""
    conditions = {
        path.name.split("%}")[0] for path in APP_BASE.iterdir() if path.name.startswith("{% if ci")
    }
    assert conditions == {f"{{% if ci == '{value}' " for value in CI_SYSTEMS}
