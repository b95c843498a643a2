"""How idp reaches its users: the built wheel, the pre-commit hook, the CI recipes.

The install story: the built wheel, installed into a fresh virtual environment, runs from
outside the repository and finds the catalog and templates it carries.

Offline: the wheel is built with the hatchling of this environment and installed without its
dependencies; a `.pth` line makes this environment's site-packages importable in the fresh one.
A plain path line does not run the editable install's own `.pth` hook, so `idp_cli` is the
wheel's copy.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

from idp_cli.templates import snapshots

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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling")
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            out,
            ROOT,
        ],
        cwd=out,
    )
    (built,) = out.glob("idp_cli-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_the_catalog_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "idp_cli/_bundled/catalog.yaml" in names
    assert "idp_cli/_bundled/templates/chat-service/copier.yml" in names
    assert "idp_cli/__init__.py" in names


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv.parent)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=venv.parent,
        ).stdout.strip()
    )
    # This environment's pip installs into the fresh one (`--python`): no network, no
    # dependencies, and the `idp` script runs the fresh environment's interpreter.
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        cwd=venv.parent,
    )
    (site / "_idp_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


@pytest.mark.slow
def test_the_installed_idp_is_the_wheel(fresh_venv: Path, tmp_path: Path) -> None:
    python = fresh_venv / "bin" / "python"
    where = _run([python, "-c", "import idp_cli; print(idp_cli.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.strip()).resolve().is_relative_to(fresh_venv.resolve())
    # the checked-in validators ship and are used: reading a catalog builds no pydantic model
    used = _run(
        [
            python,
            "-c",
            "from idp_cli.catalog import checkers; print(checkers._checked_in() is not None)",
        ],
        cwd=tmp_path,
    )
    assert used.stdout.strip() == "True"


@pytest.mark.slow
def test_models_list_from_outside_the_repository(fresh_venv: Path, tmp_path: Path) -> None:
    result = _run([fresh_venv / "bin" / "idp", "models", "list", "-o", "json"], cwd=tmp_path)
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    assert rows
    assert LLAMA in {row["name"] for row in rows}


@pytest.mark.slow
def test_new_from_outside_the_repository(fresh_venv: Path, tmp_path: Path) -> None:
    dest = tmp_path / "chat-assistant"
    _run(
        [
            fresh_venv / "bin" / "idp",
            "new",
            dest,
            "--template",
            "chat-service",
            "--model",
            LLAMA,
            "--defaults",
        ],
        cwd=tmp_path,
    )
    answers = dest / ".copier-answers.yml"
    assert answers.is_file()
    recorded = yaml.safe_load(answers.read_text())
    # The installed package's template, copied through its git snapshot in the cache.
    src = Path(recorded["_src_path"]).expanduser()
    assert snapshots.bundled_name(str(src)) == "chat-service"
    (installed,) = fresh_venv.resolve().glob(
        "lib/python*/site-packages/idp_cli/_bundled/templates/chat-service"
    )
    tagged = _run(["git", "show", f"{recorded['_commit']}:copier.yml"], cwd=src).stdout
    assert tagged == (installed / "copier.yml").read_text()
    # ...and the installed idp keeps the project current.
    _run(["git", "init", "-q"], cwd=dest)
    _run(["git", "add", "-A"], cwd=dest)
    _run(["git", "commit", "-qm", "Generate project"], cwd=dest)
    assert "Up to date." in _run([fresh_venv / "bin" / "idp", "check"], cwd=dest).stdout


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
