"""`idp new`: real Copier runs into tmp_path, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.helpers import Invoke, git

CHAT_CATALOG = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/assistant
    description: The house chat model.
    owner: group:default/genai
    modelType: generative
    tasks: [text-generation]
    license: apache-2.0
    versions:
      - version: "2.0.0"
        lifecycle: production
        signature:
          params: [{name: temperature, type: double, default: 0.2}, {name: max_tokens, type: long, default: 256}]
        serving:
          endpoints:
            - {name: staging, environment: staging, protocol: openai-v1, url: https://staging.llm.example.internal, modelId: assistant-2-rc, capabilities: [chat]}
            - {name: prod, protocol: openai-v1, url: https://llm.example.internal, modelId: assistant-2, auth: {type: bearer, tokenEnv: LLM_TOKEN}, capabilities: [chat, streaming]}
      - version: "3.0.0-rc1"
        lifecycle: experimental
        serving:
          endpoints:
            - {name: dev, environment: development, protocol: ollama, url: "http://localhost:11434", modelId: "assistant:3", capabilities: [chat]}
      - version: "1.0.0"
        lifecycle: deprecated
        deprecation: {successor: "acme/assistant@2.0.0"}
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://old.llm.example.internal, modelId: assistant-1, capabilities: [chat]}
  - name: acme/embedder
    description: Sentence embeddings.
    owner: group:default/genai
    modelType: generative
    tasks: [feature-extraction]
    license: mit
    versions:
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://emb.example.internal, modelId: emb, capabilities: [embeddings]}
"""


@pytest.fixture
def chat_catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CHAT_CATALOG)
    return path


def _answers(project: Path) -> dict[str, object]:
    data = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(data, dict)
    return data


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_new_binds_the_production_endpoint(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "out" / "my-chat"
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["model"] == "acme/assistant@2.0.0"
    assert summary["endpoint"] == "prod"
    assert "pyproject.toml" in summary["files"]
    answers = _answers(dest)
    assert answers["model_ref"] == "acme/assistant@2.0.0"
    assert answers["project_name"] == "my-chat"
    assert answers["catalog_source"] == str(chat_catalog)
    model = answers["model"]
    assert isinstance(model, dict)
    assert model["endpoint"]["model_id"] == "assistant-2"
    assert model["endpoint"]["token_env"] == "LLM_TOKEN"
    assert model["request_defaults"] == {"temperature": 0.2, "max_tokens": 256}
    assert (dest / ".github" / "workflows" / "ci.yml").is_file()
    assert not (dest / ".gitlab-ci.yml").exists()
    # nothing is left beside the destination
    assert _siblings(dest.parent) == ["my-chat"]


def test_environment_and_ci_choose_what_is_generated(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "stage-chat"
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@2.0.0",
        "--environment",
        "staging",
        "--ci",
        "gitlab",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 0, result.stderr
    model = _answers(dest)["model"]
    assert isinstance(model, dict)
    assert model["endpoint"]["model_id"] == "assistant-2-rc"
    assert (dest / ".gitlab-ci.yml").is_file()
    assert not (dest / ".github").exists()


def test_pretend_lists_files_and_writes_nothing(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "dry"
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--pretend",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 0, result.stderr
    assert "Would write" in result.stdout
    assert "pyproject.toml" in result.stdout
    assert not dest.exists()
    assert _siblings(tmp_path) == ["catalog.yaml"]


def test_non_empty_destination_is_refused_and_untouched(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "README.md").write_text("mine\n")
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    assert _siblings(dest) == ["README.md"]
    assert (dest / "README.md").read_text() == "mine\n"

    forced = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--force",
        "--catalog",
        chat_catalog,
    )
    assert forced.exit_code == 0, forced.stderr
    assert (dest / "pyproject.toml").is_file()
    assert (dest / "README.md").read_text() != "mine\n"


@pytest.mark.parametrize(
    ("folder", "extra"),
    [("My Project", ()), ("ok-name", ("--data", "project_name=../evil")), ("9lives", ())],
)
def test_invalid_project_names_are_refused(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path, folder: str, extra: tuple[str, ...]
) -> None:
    dest = tmp_path / folder
    result = invoke(
        "new",
        dest,
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
        *extra,
    )
    assert result.exit_code == 1
    assert "not a valid project name" in result.stderr
    assert _siblings(tmp_path) == ["catalog.yaml"]


def test_unknown_template_and_model_suggest_names(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke(
        "new",
        tmp_path / "x",
        "-t",
        "chat-servce",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "chat-service" in result.stderr
    result = invoke(
        "new",
        tmp_path / "x",
        "-t",
        "chat-service",
        "-m",
        "acme/asistant",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "acme/assistant" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_model_the_template_cannot_serve_says_why(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke(
        "new",
        tmp_path / "emb",
        "-t",
        "chat-service",
        "-m",
        "acme/embedder",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "cannot serve acme/embedder@1.0.0" in result.stderr
    assert "feature-extraction" in result.stderr
    assert not (tmp_path / "emb").exists()


def test_deprecated_needs_consent_and_names_the_successor(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke(
        "new",
        tmp_path / "old",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@1.0.0",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 1
    assert "acme/assistant@2.0.0" in result.stderr
    assert not (tmp_path / "old").exists()
    allowed = invoke(
        "new",
        tmp_path / "old",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@1.0.0",
        "--defaults",
        "--allow-deprecated",
        "--catalog",
        chat_catalog,
    )
    assert allowed.exit_code == 0, allowed.stderr
    assert "deprecated" in allowed.stderr


def test_experimental_gets_a_warning(invoke: Invoke, tmp_path: Path, chat_catalog: Path) -> None:
    result = invoke(
        "new",
        tmp_path / "exp",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant@3.0.0-rc1",
        "--defaults",
        "--catalog",
        chat_catalog,
    )
    assert result.exit_code == 0, result.stderr
    assert "experimental" in result.stderr
    model = _answers(tmp_path / "exp")["model"]
    assert isinstance(model, dict)
    assert model["endpoint"]["protocol"] == "ollama"


def test_without_a_terminal_missing_choices_are_errors(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    result = invoke("new", tmp_path / "x", "--defaults", "--catalog", chat_catalog)
    assert result.exit_code == 1
    assert "--template" in result.stderr
    result = invoke(
        "new", tmp_path / "x", "-t", "chat-service", "--defaults", "--catalog", chat_catalog
    )
    assert result.exit_code == 1
    assert "acme/assistant@2.0.0" in result.stderr  # the models that fit are listed


def _plain_template(root: Path, files: dict[str, str], config: str) -> Path:
    root.mkdir(parents=True)
    (root / "copier.yml").write_text(config)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_third_party_template_without_idp_metadata(invoke: Invoke, tmp_path: Path) -> None:
    template = _plain_template(
        tmp_path / "tpl",
        {"hello.txt.jinja": "Hello {{ greeting }} from {{ project_name }}\n"},
        "project_name: {type: str}\ngreeting: {type: str, default: world}\n",
    )
    result = invoke(
        "new", tmp_path / "hello-app", "-t", template, "--defaults", "--data", "greeting=there"
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "hello-app" / "hello.txt").read_text() == "Hello there from hello-app\n"
    refused = invoke(
        "new", tmp_path / "other", "-t", template, "-m", "acme/assistant", "--defaults"
    )
    assert refused.exit_code == 1
    assert "takes no model" in refused.stderr


def test_an_unknown_data_key_is_refused_before_anything_is_written(
    invoke: Invoke, tmp_path: Path
) -> None:
    template = _plain_template(
        tmp_path / "tpl",
        {"hello.txt.jinja": "Hello {{ greeting }}\n"},
        "project_name: {type: str}\ngreeting: {type: str, default: world}\n",
    )
    result = invoke(
        "new", tmp_path / "app", "-t", template, "--defaults", "--data", "greetng=there"
    )
    assert result.exit_code == 1
    assert "asks no question 'greetng'" in result.stderr
    assert "did you mean greeting?" in result.stderr
    assert not (tmp_path / "app").exists()
    bundled = invoke(
        "new",
        tmp_path / "chat",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--data",
        "ownr=group:default/x",
    )
    assert bundled.exit_code == 1
    assert "did you mean owner?" in bundled.stderr
    assert not (tmp_path / "chat").exists()


def test_missing_required_answer_is_named_before_copier(invoke: Invoke, tmp_path: Path) -> None:
    template = _plain_template(
        tmp_path / "tpl", {"x.txt.jinja": "{{ team }}\n"}, "team: {type: str, help: Owning team}\n"
    )
    result = invoke("new", tmp_path / "app", "-t", template, "--defaults")
    assert result.exit_code == 1
    assert "team" in result.stderr
    assert "--data team=" in result.stderr
    assert not (tmp_path / "app").exists()


def test_tasks_need_trust(invoke: Invoke, tmp_path: Path) -> None:
    template = _plain_template(
        tmp_path / "tpl",
        {"a.txt": "a\n"},
        "_tasks:\n  - touch task-ran\n",
    )
    result = invoke("new", tmp_path / "app", "-t", template, "--defaults")
    assert result.exit_code == 4
    assert "--trust" in result.stderr
    assert not (tmp_path / "app").exists()
    trusted = invoke("new", tmp_path / "app", "-t", template, "--defaults", "--trust")
    assert trusted.exit_code == 0, trusted.stderr
    assert (tmp_path / "app" / "task-ran").exists()


def test_a_render_failure_leaves_no_partial_project(invoke: Invoke, tmp_path: Path) -> None:
    # one good file first, then a Jinja syntax error: the good file must not survive either
    template = _plain_template(
        tmp_path / "tpl",
        {"good.txt": "fine\n", "zz-bad.txt.jinja": "{% if %}\n"},
        "name: {type: str, default: x}\n",
    )
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("new", out / "app", "-t", template, "--defaults")
    assert result.exit_code == 1
    assert "tpl" in result.stderr
    assert _siblings(out) == []


def test_git_template_at_a_tag_and_git_catalog_commit_recorded(
    invoke: Invoke, tmp_path: Path
) -> None:
    template = _plain_template(
        tmp_path / "tpl", {"v.txt.jinja": "v1 {{ project_name }}\n"}, "project_name: {type: str}\n"
    )
    git(template, "init", "-q", "-b", "main")
    git(template, "add", "-A")
    git(template, "commit", "-qm", "v1")
    git(template, "tag", "v1")
    (template / "v.txt.jinja").write_text("v2 {{ project_name }}\n")
    git(template, "commit", "-qam", "v2")
    result = invoke("new", tmp_path / "app", "-t", f"file://{template}@v1", "--defaults")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "app" / "v.txt").read_text() == "v1 app\n"

    repo = tmp_path / "cat"
    repo.mkdir()
    (repo / "catalog.yaml").write_text(CHAT_CATALOG)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "catalog")
    head = git(repo, "rev-parse", "HEAD")
    bound = invoke(
        "new",
        tmp_path / "chat",
        "-t",
        "chat-service",
        "-m",
        "acme/assistant",
        "--defaults",
        "--catalog",
        repo,
    )
    assert bound.exit_code == 0, bound.stderr
    answers = _answers(tmp_path / "chat")
    assert answers["catalog_commit"] == head
    assert answers["catalog_source"] == str(repo)


@pytest.mark.parametrize(
    ("key", "flag"),
    [("model_ref", "--model"), ("catalog_source", "--catalog"), ("idp_version", "idp release")],
)
def test_data_cannot_set_what_idp_binds(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path, key: str, flag: str
) -> None:
    result = invoke(
        "new", tmp_path / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--data", f"{key}=x",
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"'{key}' (--data) is set by idp from the catalog" in result.stderr
    assert flag in result.stderr
    assert not (tmp_path / "app").exists()
    typo = invoke(
        "new", tmp_path / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--data", "ownr=x",
    )  # fmt: skip
    assert "catalog_source" not in typo.stderr  # not offered as a question to answer


def test_pretend_and_a_failure_leave_no_folder_behind(
    invoke: Invoke, tmp_path: Path, chat_catalog: Path
) -> None:
    pretended = invoke(
        "new", tmp_path / "deep" / "er" / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--pretend",
    )  # fmt: skip
    assert pretended.exit_code == 0, pretended.stderr
    failed = invoke(
        "new", tmp_path / "other" / "app", "-t", "chat-service", "-m", "acme/assistant",
        "--catalog", chat_catalog, "--defaults", "--data", "lifecycle=bogus",
    )  # fmt: skip
    assert failed.exit_code == 1
    assert not (tmp_path / "deep").exists()
    assert not (tmp_path / "other").exists()
