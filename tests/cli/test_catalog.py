"""`idp catalog validate` and `idp catalog schema`, which catalog a command reads (flag,
environment, config file, bundled), and `idp --version`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from idp_cli import __version__, paths
from idp_cli.catalog.safe_yaml import load_yaml
from tests.helpers import CATALOG, HEADER, Invoke, edit, model_yaml, position, write_catalog

BROKEN = edit(
    edit(CATALOG, "lifecycle: staging", "lifecycle: beta"),
    "    displayName: Customer churn classifier\n",
    "    displayname: Customer churn classifier\n",
)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "broken", BROKEN)


# --- validate ------------------------------------------------------------------------------


def test_validate_a_valid_catalog_exits_0(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("catalog", "validate", catalog_dir)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "valid: 4 models, 7 versions in 1 file." in result.stderr


def test_validate_reports_every_problem_and_exits_3(invoke: Invoke, broken: Path) -> None:
    result = invoke("catalog", "validate", broken)
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    displayname, lifecycle = lines
    assert displayname.endswith(
        ":{}:{}: models[0].displayname: unknown key 'displayname'; did you mean 'displayName'?".format(
            *position(BROKEN, "displayname")
        )
    )
    assert (
        ":{}:{}: models[2].versions[0].lifecycle: 'beta': ".format(
            *position(BROKEN, "lifecycle: beta")
        )
        in lifecycle
    )
    assert "2 problems in 1 file." in result.stderr


def test_validate_json_lists_problems_with_their_place(invoke: Invoke, broken: Path) -> None:
    result = invoke("catalog", "validate", broken, "-o", "json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["models"] is None
    line, column = position(BROKEN, "lifecycle: beta")
    problem = report["problems"][1]
    assert Path(problem["file"]).resolve() == broken.resolve()
    assert (problem["line"], problem["column"]) == (line, column)
    assert problem["path"] == "models[2].versions[0].lifecycle"
    assert problem["message"].startswith("'beta': input should be")
    assert set(report["problems"][0]) == {"file", "line", "column", "path", "message"}


def test_validate_json_for_a_valid_catalog(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("catalog", "validate", "--catalog", catalog_dir, "-o", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["problems"] == []
    assert (report["models"], report["versions"]) == (4, 7)
    assert report["source"] == str(catalog_dir)


def test_validate_yaml(invoke: Invoke, broken: Path) -> None:
    result = invoke("catalog", "validate", broken, "-o", "yaml")
    assert result.exit_code == 3
    report = yaml.safe_load(result.stdout)
    assert [p["path"] for p in report["problems"]] == [
        "models[0].displayname",
        "models[2].versions[0].lifecycle",
    ]


def test_validate_github_annotations(invoke: Invoke, broken: Path) -> None:
    result = invoke("catalog", "validate", broken, "-o", "github")
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    line, column = position(BROKEN, "lifecycle: beta")
    annotation = lines[1]
    assert annotation.startswith(f"::error file={broken.resolve()},line={line},col={column},")
    assert "title=catalog%3A models[2].versions[0].lifecycle::'beta': input should be" in annotation


def test_validate_never_uses_the_cache(invoke: Invoke, catalog_dir: Path) -> None:
    assert invoke("models", "list", "--catalog", catalog_dir).exit_code == 0
    (catalog_dir / "catalog.yaml").write_text(BROKEN)
    result = invoke("catalog", "validate", "--catalog", catalog_dir, "-o", "json")
    assert result.exit_code == 3
    assert len(json.loads(result.stdout)["problems"]) == 2


def test_validate_reports_problems_across_included_files(invoke: Invoke, tmp_path: Path) -> None:
    write_catalog(tmp_path, HEADER + "include: [models/*.yaml]\n")
    for name in ("a", "b"):
        text = edit(model_yaml(f"acme/{name}"), "license: mit", "licence: mit")
        write_catalog(tmp_path / "models", text, name=f"{name}.yaml")
    result = invoke("catalog", "validate", tmp_path, "-o", "json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    problems = [
        (Path(p["file"]).name, p["path"], p["line"])
        for p in report["problems"]
        if "licence" in p["path"]
    ]
    assert problems == [
        ("a.yaml", "models[0].licence", 6),
        ("b.yaml", "models[1].licence", 6),
    ]
    assert len(report["files"]) == 3
    assert "in 2 files." in result.stderr


def test_validate_reports_malformed_yaml_as_a_problem(invoke: Invoke, tmp_path: Path) -> None:
    path = write_catalog(tmp_path, HEADER + "models:\n  - name: x\n   description: y\n")
    result = invoke("catalog", "validate", path, "-o", "github")
    assert result.exit_code == 3
    assert result.stdout.startswith(f"::error file={path.resolve()},line=5,col=")
    assert "invalid YAML" in result.stdout
    assert "Traceback" not in result.stderr


def test_other_commands_exit_1_on_malformed_yaml(invoke: Invoke, tmp_path: Path) -> None:
    path = write_catalog(tmp_path, HEADER + "models:\n  - name: x\n   description: y\n")
    result = invoke("models", "show", "x", "--catalog", path)
    assert result.exit_code == 1
    assert f"{path.resolve()}:5:" in result.stderr
    assert "invalid YAML" in result.stderr


def test_validate_a_missing_source_exits_1(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("catalog", "validate", tmp_path / "missing")
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr


# --- schema --------------------------------------------------------------------------------


def schema(invoke: Invoke) -> dict[str, Any]:
    result = invoke("catalog", "schema")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_schema_is_a_valid_json_schema(invoke: Invoke) -> None:
    data = schema(invoke)
    Draft202012Validator.check_schema(data)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(data["required"]) >= {"apiVersion", "kind"}


def test_the_test_catalog_and_the_bundled_one_validate_against_the_schema(
    invoke: Invoke,
) -> None:
    validator = Draft202012Validator(schema(invoke))
    for text, name in (
        (CATALOG, "test catalog"),
        (paths.bundled_catalog().read_text(encoding="utf-8"), "bundled catalog.yaml"),
    ):
        # idp's own YAML reading keeps dates as strings, as editors see them
        errors = [e.message for e in validator.iter_errors(load_yaml(text, name))]
        assert errors == [], name


def test_the_schema_refuses_what_the_loader_refuses(invoke: Invoke) -> None:
    validator = Draft202012Validator(schema(invoke))
    for old, new in (
        ("    displayName:", "    displayname:"),
        ("protocol: oip-v2", "protocol: grpc"),
        ('version: "0.1.0"', "version: 0.1"),
    ):
        document = load_yaml(edit(CATALOG, old, new), "catalog.yaml")
        assert not validator.is_valid(document), new


# --- which catalog -------------------------------------------------------------------------


def single(folder: Path, name: str) -> Path:
    """A catalog holding one model, so that the model's name says which catalog was read."""
    return write_catalog(
        folder,
        HEADER
        + "models:\n"
        + "".join(
            ("  - " if i == 0 else "    ") + line + "\n"
            for i, line in enumerate(model_yaml(name).splitlines())
        ),
    )


def names(invoke: Invoke, *args: str | Path) -> list[str]:
    result = invoke(*args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return [row["name"] for row in json.loads(result.stdout)]


def write_config(text: str) -> Path:
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    return config


@pytest.fixture
def three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """One catalog for the flag, one in IDP_CATALOG, one in the config file."""
    catalogs = {
        where: single(tmp_path / where, f"acme/from-{where}") for where in ("flag", "env", "config")
    }
    monkeypatch.setenv("IDP_CATALOG", str(catalogs["env"]))
    write_config(f'catalog = "{catalogs["config"]}"\n')
    return catalogs


def test_the_flag_wins_over_environment_and_config(invoke: Invoke, three: dict[str, Path]) -> None:
    assert names(invoke, "models", "list", "--catalog", three["flag"]) == ["acme/from-flag"]
    assert names(invoke, "--catalog", three["flag"], "models", "list") == ["acme/from-flag"]


def test_the_environment_wins_over_the_config(invoke: Invoke, three: dict[str, Path]) -> None:
    assert names(invoke, "models", "list") == ["acme/from-env"]


def test_the_config_file_wins_over_the_bundled_catalog(
    invoke: Invoke, three: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IDP_CATALOG")
    assert names(invoke, "models", "list") == ["acme/from-config"]
    result = invoke("catalog", "validate", "-o", "json")
    assert json.loads(result.stdout)["source"] == str(three["config"])


def test_the_bundled_catalog_is_the_last_resort(invoke: Invoke) -> None:
    assert not paths.config_file().exists()
    bundled = names(invoke, "models", "list")
    assert len(bundled) >= 12
    assert len(set(bundled)) == len(bundled)


def test_the_command_flag_wins_over_the_global_flag(invoke: Invoke, tmp_path: Path) -> None:
    a = single(tmp_path / "a", "acme/a")
    b = single(tmp_path / "b", "acme/b")
    assert names(invoke, "--catalog", a, "models", "list", "--catalog", b) == ["acme/b"]


def test_the_global_flag_reaches_validate(invoke: Invoke, broken: Path) -> None:
    result = invoke("--catalog", broken, "catalog", "validate")
    assert result.exit_code == 3


def test_the_validate_argument_wins_over_the_flags(
    invoke: Invoke, broken: Path, catalog_dir: Path
) -> None:
    result = invoke("--catalog", broken, "catalog", "validate", catalog_dir)
    assert result.exit_code == 0


def test_the_config_file_may_name_a_ref(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import commit_all, git, make_repo

    repo = make_repo(tmp_path / "repo")
    single(repo, "acme/first")
    commit_all(repo, "first")
    git(repo, "tag", "first")
    single(repo, "acme/second")
    commit_all(repo, "second")
    write_config(f'catalog = "{repo}"\ncatalog_ref = "first"\n')
    assert names(invoke, "models", "list") == ["acme/first"]
    monkeypatch.setenv("IDP_CATALOG_REF", "main")
    assert names(invoke, "models", "list") == ["acme/second"]
    assert names(invoke, "models", "list", "--catalog-ref", "first") == ["acme/first"]


def test_an_invalid_config_file_exits_1_naming_it(invoke: Invoke) -> None:
    config = write_config("catalog = [unclosed\n")
    result = invoke("models", "list")
    assert result.exit_code == 1
    assert f"{config}: invalid TOML" in result.stderr
    write_config("catalog = 3\n")
    result = invoke("models", "list")
    assert result.exit_code == 1
    assert "`catalog` must be a string" in result.stderr


def test_a_ref_without_a_git_source_exits_1(invoke: Invoke) -> None:
    result = invoke("models", "list", "--catalog-ref", "v1")
    assert result.exit_code == 1
    assert "--catalog-ref needs a git catalog source" in result.stderr


# --- the bundled catalog and the version ---------------------------------------------------


def test_models_list_works_with_no_configuration(invoke: Invoke) -> None:
    result = invoke("models", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split()[0] == "MODEL"
    assert len(result.stdout.splitlines()) >= 13


def test_the_bundled_catalog_is_valid(invoke: Invoke) -> None:
    result = invoke("catalog", "validate", "-o", "json")
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["source"].startswith("bundled")
    assert report["models"] >= 12
    assert report["versions"] >= 25


def test_the_bundled_catalog_names_its_schema_for_editors() -> None:
    first_line = paths.bundled_catalog().read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first_line.startswith(prefix)
    target = first_line.removeprefix(prefix).strip()
    if not target.startswith("https://"):  # a path next to the catalog, in a checkout
        assert (paths.bundled_catalog().parent / target).is_file()


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"idp {__version__}\n"
