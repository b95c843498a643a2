"""How idp reaches its users besides the wheel (tests/test_clean_install.py): the pre-commit
hook and the CI recipes."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LLAMA = "meta-llama/llama-3.1-8b-instruct"
IDP = Path(sys.executable).parent / "idp"


def _run(args: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


# The pre-commit hook this repository provides.


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert isinstance(hooks, list)
    (hook,) = [h for h in hooks if h.get("id") == "idp-catalog-validate"]
    assert isinstance(hook, dict)
    return hook


def _hook_command(hook: dict[str, object]) -> list[str]:
    entry = shlex.split(str(hook["entry"]))
    assert entry[:3] == ["idp", "catalog", "validate"]
    args = hook.get("args", [])
    assert isinstance(args, list)
    return [str(IDP), *entry[1:], *map(str, args)]


def test_the_pre_commit_hook_is_declared() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    for key in ("name", "entry", "files"):
        assert hook.get(key), key
    files = re.compile(str(hook["files"]))
    for path in ("catalog.yaml", "catalog.yml", "models/llama.yaml", "sub/models/a/b.yml"):
        assert files.search(path), path
    for path in ("README.md", ".github/workflows/ci.yaml", "src/app.py"):
        assert not files.search(path), path


def test_the_pre_commit_hook_passes_on_the_bundled_catalog() -> None:
    # pre-commit runs a hook from the repository's root: here, this repository's catalog.yaml
    result = subprocess.run(
        _hook_command(_hook()), cwd=ROOT, env=dict(os.environ), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid:" in result.stderr


def test_the_pre_commit_hook_fails_on_a_broken_catalog(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "apiVersion: idp/v1alpha1\nkind: ModelCatalog\nsource: {id: x, name: X}\n"
        "models:\n  - name: Bad Name\n"
    )
    result = subprocess.run(
        _hook_command(_hook()), cwd=tmp_path, env=dict(os.environ), capture_output=True, text=True
    )
    assert result.returncode == 3
    assert "catalog.yaml:5:" in result.stdout


# The CI recipes: each YAML block marked `<!-- schema: NAME -->` validates against that schema.

_MARKED_BLOCK = re.compile(r"<!-- schema: ([\w.-]+) -->\n```yaml\n(.*?)\n```", re.DOTALL)


def _recipes() -> list[tuple[str, str]]:
    return _MARKED_BLOCK.findall((ROOT / "docs" / "ci-recipes.md").read_text())


def test_the_ci_recipes_cover_github_and_gitlab() -> None:
    schemas = [schema for schema, _ in _recipes()]
    assert schemas.count("vendor.github-workflows") >= 2
    assert schemas.count("vendor.gitlab-ci") >= 2
    text = (ROOT / "docs" / "ci-recipes.md").read_text()
    assert "idp catalog validate catalog.yaml -o github" in text
    assert "id: idp-catalog-validate" in text


@pytest.mark.parametrize(("schema", "text"), _recipes())
def test_a_ci_recipe_validates_against_its_schema(schema: str, text: str, tmp_path: Path) -> None:
    pytest.importorskip("check_jsonschema")
    assert yaml.safe_load(text)
    target = tmp_path / "recipe.yml"
    target.write_text(text + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(target)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert result.returncode == 0, f"{schema}\n{text}\n{result.stdout}{result.stderr}"


def test_the_pre_commit_config_in_the_recipes_uses_the_hook() -> None:
    text = (ROOT / "docs" / "ci-recipes.md").read_text()
    blocks = re.findall(r"```yaml\n(repos:.*?)\n```", text, re.DOTALL)
    assert blocks
    for block in blocks:
        (repo,) = yaml.safe_load(block)["repos"]
        assert [h["id"] for h in repo["hooks"]] == ["idp-catalog-validate"]
