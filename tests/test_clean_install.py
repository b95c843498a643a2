"""idp as its users install it: the built wheel, in a new virtual environment, without extras.

The wheel is built from this checkout and installed with its runtime dependencies only (the
package registries are reachable for installs), so a module that imports a package only the
test extras bring fails here as it would for a user. The environment is kept under
`.cache/clean-install/`, keyed by the hash of pyproject.toml and the wheel, so later runs reuse
it; every command then runs from a folder outside the repository, with its own home and cache.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml
from filelock import FileLock
from packaging.requirements import Requirement

from idp_cli.templates import snapshots

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "clean-install"
# One model each bundled template serves in the bundled catalog.
MODELS = {
    "chat-service": "meta-llama/llama-3.1-8b-instruct",
    "prediction-service": "acme/churn-classifier",
    "batch-scoring": "acme/churn-classifier",
    # bound to the model's name (`_idp.binds: name`): it trains the model's next versions
    "training-project": "acme/churn-classifier",
    "rag-service": "meta-llama/llama-3.1-8b-instruct",
}
# an app's bindings of its own, given as `--model NAME=REF`
OWN_MODELS = {"rag-service": ("embeddings=baai/bge-small-en-v1.5",)}


def _run(
    args: list[str | Path], cwd: Path, env: dict[str, str] | None = None, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if ok:
        assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"{args}\n{result.stderr}"
    return result


def _runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"]]


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_wheel_fallback_fetches_our_own_distribution() -> None:
    # `idp update` rebuilds an old bundled template from `pip download NAME==VERSION`
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert snapshots.PACKAGE == project["name"] == "idp-ai-platform"


# Nothing under idp_cli/ imports what is not a runtime dependency or the standard library.


def _imported_top_level_modules() -> dict[str, set[str]]:
    """Each top-level module an idp_cli module imports, with the files that import it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "idp_cli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


# A feature behind an extra of its own (not `test`) may import that extra's packages, from
# these modules only, each of which says what to install when the package is missing.
OPTIONAL_IMPORTS = {"mcp": ("mcp", {"idp_cli/cli/mcp.py", "idp_cli/cli/mcp_server.py"})}
# The built-in SHA-256 is `_sha256` on Python 3.11 and `_sha2` from 3.12: the catalog cache
# imports whichever this Python has (hashlib would load OpenSSL), so each is the standard
# library's on some supported Python, and they are imported together.
BUILTIN_SHA256 = {"_sha2", "_sha256"}


def found_with(module: str) -> set[str]:
    return _imported_top_level_modules().get(module, set())


def test_every_import_is_a_declared_runtime_dependency() -> None:
    declared = {_normalized(req.name) for req in _runtime_requirements()}
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    providers = packages_distributions()
    undeclared = {}
    for module, files in _imported_top_level_modules().items():
        if module in sys.stdlib_module_names or module == "idp_cli":
            continue
        if module in BUILTIN_SHA256:
            assert BUILTIN_SHA256 & set(sys.stdlib_module_names), module
            other = (BUILTIN_SHA256 - {module}).pop()
            assert files <= found_with(other), (module, files)  # its other name beside it
            continue
        if module in OPTIONAL_IMPORTS:
            extra, importers = OPTIONAL_IMPORTS[module]
            assert files <= importers, f"{module} imported outside {importers}: {files}"
            assert extra != "test" and any(Requirement(r).name == module for r in extras[extra]), (
                f"{module} is not in the {extra!r} extra"
            )
            continue
        dists = {_normalized(d) for d in providers.get(module, [])}
        if dists & declared:
            continue
        # an optional extra's package, imported only where the extra is asked for
        if all(_optional(file) & dists for file in files):
            continue
        undeclared[module] = sorted(files)
    assert not undeclared, f"imported but not in [project.dependencies]: {undeclared}"


# The modules that may import an extra's packages (with a message naming the extra when they
# are missing: tests/importers/test_mlflow_local.py and the plain install below).
OPTIONAL = {"idp_cli/importers/mlflow/": "mlflow"}


def _optional(file: str) -> set[str]:
    """The distributions the extra of `file`'s folder brings, if it has one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [extra for folder, extra in OPTIONAL.items() if file.startswith(folder)]
    return {
        _normalized(Requirement(line).name)
        for extra in extras
        for line in project["optional-dependencies"][extra]
    }


def test_the_import_check_sees_imports_inside_functions() -> None:
    # console.py imports lazily, inside functions: the check must walk the whole tree
    imports = _imported_top_level_modules()
    assert "idp_cli/output/console.py" in imports["rich"]
    assert "idp_cli/templates/render.py" in imports["copier"]


# The wheel and the environment it is installed into.


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built with the build backend of this environment; what it builds is what pip would.
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
    (built,) = out.glob("idp_ai_platform-*.whl")
    return built


@pytest.fixture(scope="module")
def user_venv(wheel: Path) -> Path:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + wheel.read_bytes())
    venv = CACHE / digest.hexdigest()[:16]
    done = venv / ".complete"
    CACHE.mkdir(parents=True, exist_ok=True)
    # A virtual environment cannot be moved once made: it is built where it stays, under a lock.
    with FileLock(str(CACHE / ".lock")):
        if not done.exists():
            for stale in CACHE.iterdir():  # environments of earlier pyproject.toml or wheels
                if stale.is_dir() and stale != venv:
                    shutil.rmtree(stale)
            _run([sys.executable, "-m", "venv", "--clear", venv], cwd=CACHE)
            _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=CACHE)
            done.touch()
    return venv


EXAMPLE = ROOT / "examples" / "idp-plugin-example"


@pytest.fixture(scope="module")
def plugin_venv(wheel: Path) -> Path:
    """The wheel and the example plug-in, installed as a team would, in a venv of their own
    (a folder of its own too: user_venv removes the environments beside it)."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + wheel.read_bytes())
    for path in sorted(p for p in EXAMPLE.rglob("*") if p.is_file() and "egg-info" not in str(p)):
        digest.update(str(path.relative_to(EXAMPLE)).encode() + path.read_bytes())
    cache = CACHE.with_name("clean-install-plugin")
    venv = cache / digest.hexdigest()[:16]
    cache.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache / ".lock")):
        if not (venv / ".complete").exists():
            for stale in cache.iterdir():
                if stale.is_dir() and stale != venv:
                    shutil.rmtree(stale)
            _run([sys.executable, "-m", "venv", "--clear", venv], cwd=cache)
            pip: list[str | Path] = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
            _run([*pip, wheel], cwd=cache)
            # not editable, from a copy: the build must not write into the repository
            source = cache / "example-source"
            shutil.rmtree(source, ignore_errors=True)
            shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("*.egg-info", "build"))
            _run([*pip, source], cwd=cache)
            shutil.rmtree(source)
            (venv / ".complete").touch()
    return venv


def _env_of(venv: Path, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    keep = ("LANG", "LC_ALL", "TMPDIR", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        HOME=str(home),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        GIT_AUTHOR_NAME="A User",
        GIT_AUTHOR_EMAIL="user@example.invalid",
        GIT_COMMITTER_NAME="A User",
        GIT_COMMITTER_EMAIL="user@example.invalid",
        NO_COLOR="1",
        COLUMNS="120",
    )
    return env


@pytest.fixture
def user_env(tmp_path: Path, user_venv: Path) -> Iterator[dict[str, str]]:
    """A user's environment: the new venv first on PATH, nothing of the test environment."""
    yield _env_of(user_venv, tmp_path)


@pytest.mark.slow
def test_the_wheel_carries_the_catalog_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "idp_cli/_bundled/catalog.yaml" in names
    assert "idp_cli/_bundled/templates/chat-service/copier.yml" in names
    assert "idp_cli/__init__.py" in names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "\nName: idp-ai-platform\n" in zipfile.ZipFile(wheel).read(metadata).decode()


@pytest.mark.slow
def test_the_user_venv_has_no_test_extras(user_venv: Path, tmp_path: Path) -> None:
    python = user_venv / "bin" / "python"
    listed = _run([python, "-m", "pip", "list", "--format", "json"], cwd=tmp_path).stdout
    installed = {_normalized(row["name"]) for row in json.loads(listed)}
    assert "idp-ai-platform" in installed
    # what only the test extras bring must not be there, or the install proves nothing
    assert not installed & {"pytest", "click", "fastapi", "httpx", "jsonschema", "mypy"}
    where = _run([python, "-c", "import idp_cli; print(idp_cli.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.strip()).resolve().is_relative_to(user_venv.resolve())


@pytest.mark.slow
def test_a_user_journey_from_a_plain_install(user_env: dict[str, str], tmp_path: Path) -> None:
    from idp_cli import __version__

    work = tmp_path / "work"
    work.mkdir()

    def idp(*args: str | Path, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return _run(["idp", *args], cwd=cwd, env=user_env)

    assert idp("--version").stdout.strip().endswith(__version__)
    listed = json.loads(idp("models", "list", "-o", "json").stdout)
    assert {row["name"] for row in listed} >= set(MODELS.values())
    shown = json.loads(idp("models", "show", MODELS["chat-service"], "-o", "json").stdout)
    assert shown["model"]["name"] == MODELS["chat-service"]
    listed_templates = json.loads(idp("templates", "list", "-o", "json").stdout)
    # components (`idp add`) are listed too; every app template is tried below
    assert {row["name"] for row in listed_templates if row["kind"] == "app"} == set(MODELS)
    assert "valid" in idp("catalog", "validate").stderr
    assert json.loads(idp("doctor", "-o", "json").stdout)["catalog"]["kind"] == "bundled"
    # a feature behind an extra says what to install, and nothing else breaks
    without_extra = _run(["idp", "mcp"], cwd=work, env=user_env, ok=False)
    assert without_extra.returncode == 1, without_extra.stderr
    assert "pip install 'idp-ai-platform[mcp]'" in without_extra.stderr
    exported = list(yaml.safe_load_all(idp("catalog", "export").stdout))
    assert {entity["kind"] for entity in exported} >= {"Resource", "API", "Component"}

    for template, model in MODELS.items():
        project = work / template
        own = [arg for ref in OWN_MODELS.get(template, ()) for arg in ("--model", ref)]
        idp("new", project, "--template", template, "--model", model, *own, "--defaults")
        recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
        assert snapshots.bundled_name(str(recorded["_src_path"])) == template
        for git in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Generate project"]):
            _run(["git", *git], cwd=project, env=user_env)
        assert "Up to date." in idp("check", cwd=project).stdout
        updated = idp("update", cwd=project)
        assert "Traceback" not in updated.stderr
        status = _run(["git", "status", "--porcelain"], cwd=project, env=user_env).stdout
        assert status == "", f"{template}: a no-op update changed files:\n{status}"


@pytest.mark.slow
def test_a_local_mlflow_store_without_the_extra(user_env: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        ["idp", "models", "publish", "--from-mlflow", "models:/churn/1", "--tracking-uri",
         f"sqlite:///{tmp_path}/mlflow.db", "--lifecycle", "staging"],
        cwd=tmp_path, env=user_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "needs the mlflow package" in result.stderr
    assert "pip install 'idp-ai-platform[mlflow]'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_plugin_installed_in_a_venv_adds_a_ci_system_and_a_template_source(
    plugin_venv: Path, tmp_path: Path
) -> None:
    """Issue #20's "done when": the example plug-in, pip-installed beside the wheel, adds
    `--ci jenkins` and its `notes-app` template without any change to idp."""
    env = _env_of(plugin_venv, tmp_path)
    work = tmp_path / "work"
    work.mkdir()

    def idp(*args: str | Path, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return _run(["idp", *args], cwd=cwd, env=env)

    (listed,) = json.loads(idp("plugins", "-o", "json").stdout)
    assert listed["distribution"] == "idp-plugin-example"
    assert {"ci_systems", "template_sources"} <= set(listed["hooks"])
    project = work / "churn-app"
    idp("new", project, "-t", "prediction-service", "-m", MODELS["prediction-service"],
        "--ci", "jenkins", "--defaults")  # fmt: skip
    assert (project / "Jenkinsfile").is_file() and not (project / ".github").exists()
    part = yaml.safe_load((project / ".copier-answers.app-ci.yml").read_text())
    assert part["_src_path"] == "git+idp://plugin-templates/idp-plugin-example/jenkins"
    templates = json.loads(idp("templates", "list", "-o", "json").stdout)
    assert "notes-app" in {row["name"] for row in templates}
    idp("new", work / "notes", "--template", "notes-app", "--defaults")
    for folder in (project, work / "notes"):
        for git in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Generate project"]):
            _run(["git", *git], cwd=folder, env=env)
        assert "Up to date." in idp("check", cwd=folder).stdout
        idp("update", cwd=folder)
        assert _run(["git", "status", "--porcelain"], cwd=folder, env=env).stdout == ""
