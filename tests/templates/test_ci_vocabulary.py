"""The CI systems are listed once, in idp_cli/ci.py: `idp new --ci` offers them, and every
bundled template that asks `ci` (the app templates, and app-base, which renders the CI files)
lists the same values with the same labels and default, so that a template's prompt, idp's
option and the files app-base can render never disagree."""

from __future__ import annotations

import yaml

from idp_cli.ci import CI_SYSTEMS, DEFAULT_CI
from idp_cli.cli.new import CiSystem
from tests.templates.predictive_helpers import TEMPLATES

APP_BASE = TEMPLATES / "app-base" / "template"


# Templates that write CI files of their own rather than through app-base, and the systems
# they do not write yet (none now: the training project writes its own Tekton pipeline).
NOT_YET: dict[str, set[str]] = {}


def test_every_template_asking_ci_lists_the_same_systems() -> None:
    asking = []
    for config_path in sorted(TEMPLATES.glob("*/copier.yml")):
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        if "ci" not in config:
            continue
        name = config_path.parent.name
        asking.append(name)
        question = config["ci"]
        missing = NOT_YET.get(name, set())
        labels = {label: value for value, label in CI_SYSTEMS.items() if value not in missing}
        assert question["choices"] == labels, config_path
        assert question["default"] == DEFAULT_CI, config_path
    assert {"app-base", "chat-service", "prediction-service", "batch-scoring"} <= set(asking)
    assert {"rag-service", "training-project"} <= set(asking)


def test_idp_new_offers_the_same_systems() -> None:
    assert [member.value for member in CiSystem] == list(CI_SYSTEMS)


def test_app_base_renders_files_for_each_system() -> None:
    """Each value names the files app-base renders for it, and nothing else does."""
    conditions = {
        path.name.split("%}")[0] for path in APP_BASE.iterdir() if path.name.startswith("{% if ci")
    }
    assert conditions == {f"{{% if ci == '{value}' " for value in CI_SYSTEMS}
