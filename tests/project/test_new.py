"""`idp new`'s core without the CLI: what it asks goes through the prompts it is handed, what it
warns goes through `warning_sink`, and what it generated comes back as data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from idp_cli import app_owner, binding, warning_sink
from idp_cli.catalog.model import Catalog, Version
from idp_cli.ci import System as CiSystem
from idp_cli.errors import IdpError
from idp_cli.project import new
from idp_cli.project.catalog_record import CatalogSource
from idp_cli.templates.discovery import Template, find
from tests.cli.test_new import CHAT_CATALOG

Opener = Callable[[], tuple[Catalog, CatalogSource]]


@dataclass
class Source:
    kind: str = "file"
    ref: str | None = None
    dirty: bool = False
    portable: bool = True

    def revision(self) -> tuple[str | None, bool | None]:
        return "c0ffee", self.dirty

    def recorded(self) -> tuple[str, bool]:
        return "/elsewhere/catalog.yaml", self.portable

    def unpushed(self) -> str | None:
        return None


def _catalog() -> Catalog:
    return Catalog(yaml.safe_load(CHAT_CATALOG), ["catalog.yaml"])


def _opener(source: Source | None = None) -> tuple[list[str], Opener]:
    opened: list[str] = []

    def read() -> tuple[Catalog, CatalogSource]:
        opened.append("catalog")
        return _catalog(), source or Source()

    return opened, read


def _no_name(versions: list[Version], problem: Callable[[str], str | None]) -> str:
    raise AssertionError("a template bound to a model version asks for no model name")


@pytest.fixture
def warned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(warning_sink, "warn", seen.append)
    return seen


def test_what_is_missing_is_asked_through_the_prompts(tmp_path: Path, warned: list[str]) -> None:
    offered: dict[str, list[str]] = {}

    def template(templates: list[Template]) -> str:
        offered["templates"] = [t.name for t in templates]
        return "chat-service"

    def model(versions: list[Version]) -> str:
        offered["models"] = [v.ref for v in versions]
        return versions[0].ref

    _, read = _opener()
    request = new.Request(
        destination=None,
        template=None,
        catalog=read,
        prompts=new.Prompts(template, model, lambda: tmp_path / "chat-app", _no_name),
    )
    made = new.plan(request)
    assert "chat-service" in offered["templates"]
    chat = find("chat-service")
    # each fitting model's default version first, then its other live versions it can serve
    defaults = [v.ref for v in binding.fit_catalog(chat, _catalog()).fitting]
    assert offered["models"] == ["acme/assistant@2.0.0", "acme/assistant@3.0.0-rc1"]
    assert offered["models"][: len(defaults)] == defaults
    assert made.destination == tmp_path / "chat-app"
    assert made.version is not None and made.version.ref == "acme/assistant@2.0.0"
    assert made.endpoint is not None and made.endpoint.name == "prod"
    # in a terminal the owner is the prompt's default, not an answer given for the user
    owner = app_owner.default(tmp_path)
    # so are the CI system and the description, which the command line did not give
    assert owner is not None and made.user_defaults == {
        "owner": owner.ref,
        "ci": "github",
        "description": made.user_defaults["description"],
    }
    assert "acme/assistant@2.0.0" in made.user_defaults["description"]
    assert not {"owner", "ci", "description"} & set(made.answers)
    assert made.answers["project_name"] == "chat-app"
    assert made.answers["catalog_commit"] == "c0ffee"
    assert warned == []


def test_a_name_bound_template_asks_for_a_model_name_checked_as_model_is(tmp_path: Path) -> None:
    """training-project: the prompt is offered the models it can train (none in this
    catalog: acme/assistant generates text) and checks a typed new name as --model would."""
    asked: dict[str, object] = {}

    def model_name(versions: list[Version], problem: Callable[[str], str | None]) -> str:
        asked["offered"] = [v.ref for v in versions]
        asked["problems"] = {
            typed: problem(typed)
            for typed in ("Acme/Churn", "acme/churn@1.0.0", "acme/assistant", " acme/churn ")
        }
        return " acme/churn "

    def nothing(*_: object) -> str:
        raise AssertionError("only the model name is asked")

    _, read = _opener()
    prompts = new.Prompts(nothing, nothing, lambda: tmp_path / "churn-training", model_name)
    made = new.plan(new.Request(destination=None, template="training-project", catalog=read,
                                prompts=prompts))  # fmt: skip
    assert asked["offered"] == []
    problems = asked["problems"]
    assert isinstance(problems, dict)
    assert "not a valid catalog model name" in problems["Acme/Churn"]
    assert "names a model version" in problems["acme/churn@1.0.0"]
    assert "cannot train acme/assistant" in problems["acme/assistant"]
    assert problems[" acme/churn "] is None
    assert made.answers["model_name"] == "acme/churn"
    assert made.answers["model"]["exists"] is False


def test_a_terminal_is_asked_the_ci_system_among_every_one(tmp_path: Path) -> None:
    """The picker's CI question (Prompts.ci) lists the bundled systems and the plug-ins'; the
    chosen one is the app's answer, no longer a default Copier's prompt offers."""
    offered: list[str] = []

    def ci(systems: list[CiSystem]) -> str:
        offered.extend(s.name for s in systems)
        return "gitlab"

    _, read = _opener()
    prompts = new.Prompts(
        lambda _: "chat-service", lambda v: v[0].ref, lambda: tmp_path / "a", _no_name, ci
    )
    made = new.plan(new.Request(destination=None, template=None, catalog=read, prompts=prompts))
    assert offered[:3] == ["github", "gitlab", "tekton"]
    assert made.answers["ci"] == "gitlab" and "ci" not in made.user_defaults
    assert made.parts and all(p.name != "ci" for p in made.parts)  # a bundled system's: none


def test_a_plugins_ci_system_chosen_in_the_picker_brings_its_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idp_cli import plugins

    jenkins = Path(__file__).parents[2] / "examples/idp-plugin-example/src/idp_plugin_example/ci"
    plugin = plugins.Plugin("example", "idp_plugin_example", "idp-plugin-example", "0.1.0")
    system = plugins.CiSystem("jenkins", "Jenkins", str(jenkins / "jenkins"))
    monkeypatch.setattr(plugins, "ci_systems", lambda: [(plugin, system)])
    offered: list[list[str]] = []

    def ci(systems: list[CiSystem]) -> str:
        offered.append([s.name for s in systems])
        return systems[-1].name

    _, read = _opener()
    prompts = new.Prompts(
        lambda _: "chat-service", lambda v: v[0].ref, lambda: tmp_path / "a", _no_name, ci
    )
    made = new.plan(new.Request(destination=None, template=None, catalog=read, prompts=prompts))
    assert offered == [["github", "gitlab", "tekton", "jenkins"]]
    assert made.answers["ci"] == "jenkins"
    part = made.parts[-1]
    assert part.name == "ci" and part.template.kind == "part"
    assert part.template.plugin == ("idp-plugin-example", "0.1.0")


def test_without_prompts_nothing_is_chosen_for_the_user(tmp_path: Path) -> None:
    _, read = _opener()
    request = new.Request(destination=tmp_path / "app", template="chat-service", catalog=read)
    with pytest.raises(IdpError, match="no model given") as refused:
        new.plan(request)
    assert refused.value.hint is not None and "acme/assistant@2.0.0" in refused.value.hint
    with pytest.raises(IdpError, match="no destination folder given"):
        new.plan(new.Request(destination=None, template="chat-service", catalog=read))


def test_rules_are_checked_before_the_catalog_is_read(tmp_path: Path) -> None:
    opened, read = _opener()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    for dest, message in (
        (tmp_path / "Bad_Name", "not a valid project name"),
        (tmp_path / "full", "is not empty"),
    ):
        request = new.Request(
            destination=dest,
            template="chat-service",
            model="acme/assistant",
            catalog=read,
        )
        with pytest.raises(IdpError, match=message):
            new.plan(request)
    assert opened == []


def test_warnings_go_through_the_warning_sink(tmp_path: Path, warned: list[str]) -> None:
    _, read = _opener(Source(kind="git-worktree", dirty=True, portable=False))
    request = new.Request(
        destination=tmp_path / "app",
        template="chat-service",
        model="acme/assistant@3.0.0-rc1",
        environment="development",
        catalog=read,
    )
    new.plan(request)
    assert warned[:2] == [
        "acme/assistant@3.0.0-rc1 is experimental: it may change or disappear without notice",
        "the catalog has uncommitted changes; the recorded commit does not hold them",
    ]
    assert "records the catalog as the local path /elsewhere/catalog.yaml" in warned[2]
    assert "add an `origin` remote to the catalog repository" in warned[2]
    assert len(warned) == 3


def test_apply_reports_what_was_generated(tmp_path: Path) -> None:
    _, read = _opener()
    request = new.Request(
        destination=tmp_path / "app",
        template="chat-service",
        model="acme/assistant",
        catalog=read,
        pretend=True,
    )
    made = new.apply(new.plan(request))
    assert not (tmp_path / "app").exists()
    data = made.to_dict()
    assert list(data) == ["destination", "template", "model", "endpoint", "files", "pretend"]
    assert data["model"] == "acme/assistant@2.0.0" and data["endpoint"] == "prod"
    assert ".copier-answers.yml" in data["files"] and data["pretend"] is True
