"""`idp new` with templates that are not idp's: a plain Copier template without idp's
metadata, from a folder or from git at a tag; what it asks, its tasks, a failed render."""

from __future__ import annotations

from pathlib import Path

from tests.cli.new_projects import CHAT_CATALOG, names_in, read_answers
from tests.helpers import Invoke, git


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
    assert names_in(out) == []


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
    answers = read_answers(tmp_path / "chat")
    assert answers["catalog_commit"] == head
    assert answers["catalog_source"] == str(repo)
