"""Plug-ins as users install them: the example distribution (examples/idp-plugin-example) and a
broken one are installed with pip into a folder on PYTHONPATH, and idp runs as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "idp-plugin-example"


def _pip_install(source: Path, target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _pip_install(EXAMPLE, target)
    broken = tmp_path_factory.mktemp("broken")
    (broken / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "idp-broken-plugin"\nversion = "1.0.0"\n'
        '[project.entry-points."idp.plugins"]\nbroken = "idp_broken_plugin"\n'
    )
    (broken / "idp_broken_plugin").mkdir()
    (broken / "idp_broken_plugin" / "__init__.py").write_text("raise RuntimeError('boom')\n")
    broken_target = tmp_path_factory.mktemp("broken-site")
    _pip_install(broken, broken_target)
    return target


def _idp(
    *args: str | Path, site: list[Path], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(map(str, site))}
    return subprocess.run(
        [sys.executable, "-m", "idp_cli", *map(str, args)],
        cwd=cwd, env=environ, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_the_example_plugin_is_listed_with_its_hooks(installed: Path, tmp_path: Path) -> None:
    listed = _idp("plugins", "-o", "json", site=[installed], cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["name"] == "example" and row["distribution"] == "idp-plugin-example"
    assert row["version"] == "0.1.0" and row["error"] is None
    assert row["hooks"] == ["template_sources", "ci_systems", "catalog_importers", "commands"]


def test_its_template_source_and_command(installed: Path, tmp_path: Path) -> None:
    templates = json.loads(
        _idp("templates", "list", "-o", "json", site=[installed], cwd=tmp_path).stdout
    )
    notes = next(t for t in templates if t["name"] == "notes-app")
    assert notes["kind"] == "app" and not notes["bundled"]
    made = _idp("new", tmp_path / "notes", "--template", "notes-app", "--defaults",
                site=[installed], cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (
        "notes-app template of the idp-plugin-example"
        in (tmp_path / "notes" / "README.md").read_text()
    )
    # recorded by a portable name, not where pip put the plug-in; found again through it
    answers = (tmp_path / "notes" / ".copier-answers.yml").read_text()
    assert "_src_path: git+idp://plugin-templates/idp-plugin-example/notes-app\n" in answers
    assert "_commit: v0.1.0\n" in answers and str(installed) not in answers
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Generate"]):
        subprocess.run(["git", "-c", "user.name=dev", "-c", "user.email=dev@example.invalid",
                        *args], cwd=tmp_path / "notes", check=True, capture_output=True)  # fmt: skip
    checked = _idp("check", site=[installed], cwd=tmp_path / "notes")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "notes-app (plug-in idp-plugin-example) v0.1.0  current" in checked.stdout
    hello = _idp("example-hello", "--name", "you", site=[installed], cwd=tmp_path)
    assert hello.returncode == 0 and hello.stdout == "hello you, from idp-plugin-example\n"
    assert "example-hello" in _idp("--help", site=[installed], cwd=tmp_path).stdout


def test_a_broken_plugin_is_named_and_breaks_nothing(installed: Path, tmp_path: Path) -> None:
    site = [installed, *sorted(installed.parent.glob("broken-site*"))]
    listed = _idp("plugins", site=site, cwd=tmp_path)
    assert listed.returncode == 1
    assert "broken" in listed.stdout and "failed: RuntimeError: boom" in listed.stdout
    assert "example" in listed.stdout
    # a command that needs no plug-in never imports one
    models = _idp("models", "list", "-o", "json", site=site, cwd=tmp_path)
    assert models.returncode == 0 and models.stderr == ""
    templates = _idp("templates", "list", "-o", "json", site=site, cwd=tmp_path)
    assert templates.returncode == 0
    assert "notes-app" in templates.stdout
    assert "plug-in broken (idp-broken-plugin 1.0.0) failed in import: RuntimeError: boom" in (
        templates.stderr
    )


def test_config_file_template_sources(installed: Path, tmp_path: Path) -> None:
    own = tmp_path / "team-templates"
    (own / "team-app" / "template").mkdir(parents=True)
    (own / "team-app" / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[templates]\nsources = ["{own}", "{tmp_path / "gone"}"]\n')
    env = {"IDP_CONFIG_FILE": str(config)}
    listed = _idp("templates", "list", "-o", "json", site=[], cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "team-app" in {t["name"] for t in json.loads(listed.stdout)}
    assert f"template source {tmp_path / 'gone'}" in listed.stderr and "left out" in listed.stderr
    doctor = json.loads(_idp("doctor", "-o", "json", site=[], cwd=tmp_path, env=env).stdout)
    assert any(str(own) in s for s in doctor["templates"]["sources"])
    config.write_text('[templates]\nsource = ["x"]\n')
    wrong = _idp("templates", "list", site=[], cwd=tmp_path, env=env)
    assert wrong.returncode == 1 and "unknown key 'source' in [templates]" in wrong.stderr


def test_its_catalog_importer_feeds_publish(installed: Path, tmp_path: Path) -> None:
    record = tmp_path / "registry-export.json"
    record.write_text(json.dumps({
        "name": "acme/churn-classifier", "version": "7",
        "signature": {"inputs": [{"name": "tenure_months", "type": "long"}],
                      "outputs": [{"name": "churn_probability", "type": "double"}]},
        "metrics": [{"type": "roc_auc", "value": 0.93}],
    }))  # fmt: skip
    shown = _idp("catalog", "import", "example-json", record, site=[installed], cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    entry = tmp_path / "entry.yaml"
    entry.write_text(shown.stdout)
    import yaml

    assert yaml.safe_load(shown.stdout)["metrics"] == [{"type": "roc_auc", "value": 0.93}]
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "catalog.yaml").write_text((ROOT / "catalog.yaml").read_text())
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Catalog"]):
        subprocess.run(["git", *args], cwd=catalog, check=True, capture_output=True)
    published = _idp(
        "models", "publish", "--model", "acme/churn-classifier", "--version", "4.3.0",
        "--lifecycle", "staging", "--from-file", entry, "--catalog", catalog,
        site=[installed], cwd=catalog,
    )  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert "acme/churn-classifier@4.3.0" in published.stdout
    unknown = _idp("catalog", "import", "example-jsn", record, site=[installed], cwd=tmp_path)
    assert unknown.returncode != 0 and "did you mean example-json?" in unknown.stderr.lower()
    # it reads one version at a time (no registered()): importing every new version needs that
    every = _idp("catalog", "import", "example-json", "--catalog", catalog,
                 site=[installed], cwd=catalog)  # fmt: skip
    assert every.returncode == 1
    assert "the example-json importer reads one version at a time: pass its URI" in every.stderr
