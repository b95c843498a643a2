"""A project's `.copier-answers.yml` is enough to render it again byte for byte.

`copier update` rebuilds the project's old template version from the stored answers and merges
the difference; anything the answers file loses (mapping order, a number's form, a character)
shows up as an edit nobody made, and as a conflict on a project nobody touched (COPIER.md).
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli.ci import CI_SYSTEMS, DEFAULT_CI
from idp_cli.templates.discovery import bundled
from tests.helpers import Invoke, make_repo, write_catalog
from tests.project.fleet import V1, catalog_repo, release, snapshot
from tests.templates.matrix import ids, servable

MATRIX = servable()
# The answers-file template in Copier's documentation: it sorts keys at every depth.
COPIER_DEFAULT = "{{ _copier_answers|to_nice_yaml -}}\n"


def rerender(project: Path, dest: Path) -> None:
    """Render the project's recorded template version from its own answers file alone."""
    from copier import run_copy
    from copier.errors import CopierWarning
    from plumbum import local

    from idp_cli.templates import snapshots

    # the app's answers file, then each of its parts' (`.copier-answers.app-NAME.yml`) and
    # each other binding's (`.copier-answers.NAME.yml`, rag-service's embeddings)
    app = project / ".copier-answers.yml"
    files = [app, *sorted(p for p in project.glob(".copier-answers.*.yml") if p != app)]
    for path in files:
        recorded = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = {k: v for k, v in recorded.items() if not k.startswith("_")}
        # a bundled template is recorded by its stable name, which git is told means this
        # machine's snapshot, as `idp update` does
        with warnings.catch_warnings(), local.env(**snapshots.git_env(local.env.getdict())):
            warnings.simplefilter("ignore", CopierWarning)
            run_copy(
                recorded["_src_path"],
                dest,
                data=data,
                vcs_ref=recorded["_commit"],
                answers_file=path.name,
                defaults=True,
                unsafe=True,
                quiet=True,
                overwrite=True,
            )


def assert_same_tree(project: Path, again: Path) -> None:
    before, after = snapshot(project), snapshot(again)
    assert sorted(after) == sorted(before)
    for name in before:
        if before[name] != after[name]:
            lines = difflib.unified_diff(
                before[name].decode(errors="replace").splitlines(),
                after[name].decode(errors="replace").splitlines(),
                f"{name} (generated)",
                f"{name} (rendered from its answers)",
                lineterm="",
            )
            pytest.fail("\n".join(lines))


def test_the_matrix_covers_every_template_and_deprecated_versions() -> None:
    assert {pair.template for pair in MATRIX} == {t.name for t in bundled()}
    # versions whose example keys are not in sorted order, deprecated ones among them
    bound = {pair[:3] for pair in MATRIX}
    assert ("prediction-service", "acme/churn-classifier@3.2.1", True) in bound
    assert ("batch-scoring", "acme/churn-classifier@3.2.1", True) in bound
    assert ("chat-service", "meta-llama/llama-3.1-8b-instruct@2.0.0", True) in bound
    # rag-service binds every embedding model version too, the deprecated one among them
    embeddings = {pair.extra[1] for pair in MATRIX if pair.template == "rag-service"}
    assert "embeddings=baai/bge-small-en-v1.5@1.0.0" in embeddings
    assert len(embeddings) == 3


@pytest.mark.slow
@pytest.mark.parametrize(("template", "ref", "retired", "extra"), MATRIX, ids=ids(MATRIX))
def test_a_project_renders_again_from_its_answers(
    invoke: Invoke, tmp_path: Path, template: str, ref: str, retired: bool, extra: tuple[str, ...]
) -> None:
    project = tmp_path / "app"
    retired_flag = ["--allow-deprecated"] if retired else []
    made = invoke("new", project, "-t", template, "-m", ref, *extra, "--defaults", *retired_flag)
    assert made.exit_code == 0, made.stderr
    rerender(project, tmp_path / "again" / "app")
    assert_same_tree(project, tmp_path / "again" / "app")


@pytest.mark.slow
@pytest.mark.parametrize("ci", [ci for ci in CI_SYSTEMS if ci != DEFAULT_CI])
@pytest.mark.parametrize("template", sorted({pair.template for pair in MATRIX}))
def test_each_ci_system_renders_again_from_its_answers(
    invoke: Invoke, tmp_path: Path, template: str, ci: str
) -> None:
    """The matrix above uses the default CI system; each other one, once per template."""
    pair = next(pair for pair in MATRIX if pair.template == template and not pair.retired)
    project = tmp_path / "app"
    made = invoke(
        "new", project, "-t", template, "-m", pair.ref, *pair.extra, "--ci", ci, "--defaults"
    )
    assert made.exit_code == 0, made.stderr
    rerender(project, tmp_path / "again" / "app")
    assert_same_tree(project, tmp_path / "again" / "app")


# A predictive model whose values are easy to lose on the way through YAML: mappings whose
# keys are not in sorted order (example, request defaults, metrics' fields, columns' fields),
# floats in several forms, non-ASCII text, multi-line and YAML-looking strings, an empty
# example beside a missing description.
TRICKY = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/tricky
    displayName: "Tricky – modèle ünïcode ✓"
    description: "Line one.\\nLine two, after a newline.\\n  indented: yes"
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
      - version: "1.0.0"
        lifecycle: production
        changelog: "Größer: 1e-05 'quoted' \\"double\\" # not a comment"
        metrics:
          - {value: 0.1, type: roc_auc, dataset: "holdout ✓"}
          - {type: mae, value: 1e-05}
          - {type: count, value: 12345678901234567890}
        signature:
          inputs:
            - {type: double, name: zeta, required: true, description: "Größe in µm"}
            - {name: alpha, type: string, enum: ["yes", "null", "~", "1.0", "ça"]}
            - {name: Mid, type: long, required: false}
            - {name: flag, type: boolean}
          outputs:
            - {type: double, name: score}
          params:
            - {name: zz_top, type: double, default: 0.30000000000000004}
            - {name: aa_first, type: string, default: "on"}
            - {name: mm_int, type: long, default: 3}
          example: {zeta: 1.0, flag: false, alpha: "ça", Mid: 7}
        serving:
          endpoints:
            - {name: prod, protocol: oip-v2, url: "https://tricky.example.internal", modelId: tricky, capabilities: [predict]}
"""


@pytest.mark.parametrize("template", ["prediction-service", "batch-scoring"])
def test_values_that_yaml_could_lose_come_back_the_same(
    invoke: Invoke, tmp_path: Path, template: str
) -> None:
    catalog = write_catalog(tmp_path / "catalog", TRICKY)
    project = tmp_path / "app"
    made = invoke(
        "new",
        project,
        "-t",
        template,
        "-m",
        "acme/tricky@1.0.0",
        "--catalog",
        catalog,
        "--defaults",
    )
    assert made.exit_code == 0, made.stderr
    recorded: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    model = recorded["model"]
    # the order the catalog gave is the order recorded, at every depth
    assert list(model["signature"]["example"]) == ["zeta", "flag", "alpha", "Mid"]
    assert list(model["request_defaults"]) == ["zz_top", "aa_first", "mm_int"]
    assert [c["name"] for c in model["signature"]["inputs"]] == ["zeta", "alpha", "Mid", "flag"]
    assert list(model["metrics"][0]) == ["type", "value", "dataset"]
    assert list(model)[:3] == ["name", "version", "display_name"]
    assert model["request_defaults"]["zz_top"] == 0.30000000000000004
    assert model["metrics"][1]["value"] == 1e-05
    assert model["metrics"][2]["value"] == 12345678901234567890
    assert model["description"] == "Line one.\nLine two, after a newline.\n  indented: yes"
    assert model["signature"]["inputs"][1]["enum"] == ["yes", "null", "~", "1.0", "ça"]
    assert "ünïcode ✓" in (project / ".copier-answers.yml").read_text(encoding="utf-8")

    rerender(project, tmp_path / "again" / "app")
    assert_same_tree(project, tmp_path / "again" / "app")


def test_a_template_whose_answers_file_sorts_keys_is_named(invoke: Invoke, tmp_path: Path) -> None:
    template = make_repo(tmp_path / "template")
    release(template, {**V1, "template/{{_copier_conf.answers_file}}.jinja": COPIER_DEFAULT}, "v1")
    catalog = catalog_repo(tmp_path / "catalog")
    args = ("-m", "acme/assistant", "--catalog", catalog, "--defaults")
    sorting = invoke("new", tmp_path / "a", "-t", f"file://{template}", *args)
    assert sorting.exit_code == 0, sorting.stderr
    assert "does not record model in its answers file as given" in " ".join(sorting.stderr.split())

    release(template, V1, "v2")  # the answers file as the bundled templates write it
    keeping = invoke("new", tmp_path / "b", "-t", f"file://{template}", *args)
    assert keeping.exit_code == 0, keeping.stderr
    assert "answers file" not in keeping.stderr
