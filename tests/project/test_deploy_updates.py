"""deploy/ follows the catalog: the endpoint each environment's overlay talks to is the
catalog's, so moving a staging endpoint, or adding an environment, reaches the project through
`idp check` and `idp update` (a clean merge, the same files as a new project); and the deploy
part's own questions (Argo CD) are answered with `--data` on `idp new` and `idp update`."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.helpers import Invoke, commit_all, make_repo
from tests.project.fleet import catalog_repo, publish, snapshot
from tests.project.test_bundled_updates import assert_merged_cleanly

CATALOG = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/scorer
    description: Scores things.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
      - version: "1.0.0"
        lifecycle: production
        signature:
          inputs: [{name: x, type: double}]
          outputs: [{name: score, type: double}]
        serving:
          endpoints:
            - {name: prod, environment: production, protocol: oip-v2,
               url: "https://scorer.example.internal", modelId: scorer,
               auth: {type: bearer, tokenEnv: SCORER_TOKEN}, capabilities: [predict]}
            - {name: staging, environment: staging, protocol: oip-v2,
               url: "https://scorer.staging.example.internal", modelId: scorer-staging,
               capabilities: [predict]}
"""
MOVED = CATALOG.replace("scorer.staging.example.internal", "scorer-v2.staging.example.internal")
# a development endpoint, and one in another protocol that the generated code cannot speak
WITH_DEVELOPMENT = CATALOG + (
    "            - {name: dev, environment: development, protocol: oip-v2,\n"
    '               url: "http://scorer.dev.example.internal:8080", modelId: scorer,\n'
    "               capabilities: [predict]}\n"
)


def new_project(invoke: Invoke, catalog: Path, dest: Path, *data: str) -> Path:
    made = invoke(
        "new", dest, "-t", "prediction-service", "-m", "acme/scorer@1.0.0",
        "--catalog", catalog, "--defaults", *(f"--data={d}" for d in data),
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    make_repo(dest)
    commit_all(dest, "Generate project")
    return dest


def overlay_settings(project: Path, environment: str) -> dict[str, str]:
    overlay = project / "deploy" / "overlays" / environment / "kustomization.yaml"
    kustomization = yaml.safe_load(overlay.read_text(encoding="utf-8"))
    (generated,) = kustomization["configMapGenerator"]
    return dict(literal.split("=", 1) for literal in generated["literals"])


def test_each_overlay_talks_to_its_environments_endpoint(invoke: Invoke, tmp_path: Path) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = new_project(invoke, catalog, tmp_path / "app")
    assert sorted(p.name for p in (project / "deploy" / "overlays").iterdir()) == [
        "production",
        "staging",
    ]
    assert overlay_settings(project, "production")["MODEL_ENDPOINT"] == (
        "https://scorer.example.internal"
    )
    assert overlay_settings(project, "staging")["MODEL_NAME"] == "scorer-staging"
    # production's endpoint wants a token, staging's none: only production reads the Secret
    production = (project / "deploy/overlays/production/kustomization.yaml").read_text()
    staging = (project / "deploy/overlays/staging/kustomization.yaml").read_text()
    assert "app-model-token" in production
    assert "secretKeyRef" not in staging


def test_a_moved_staging_endpoint_reaches_the_overlay(invoke: Invoke, tmp_path: Path) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = new_project(invoke, catalog, tmp_path / "app")
    publish(catalog, MOVED)

    checked = invoke("check", project, "-o", "json")
    report = json.loads(checked.stdout)
    assert report["outdated"], checked.stdout
    assert "environments" in report["model"]["binding_changes"]

    updated = invoke("update", project, "--defaults", "-o", "json")
    assert updated.exit_code == 0, updated.stdout + updated.stderr
    assert json.loads(updated.stdout)["conflicts"] == []
    assert_merged_cleanly(project)
    assert overlay_settings(project, "staging")["MODEL_ENDPOINT"] == (
        "https://scorer-v2.staging.example.internal"
    )
    # nobody touched the project: the merge leaves what `idp new` makes from that catalog
    fresh = new_project(invoke, catalog, tmp_path / "fresh" / "app")
    assert snapshot(project) == snapshot(fresh)


def test_a_new_environment_in_the_catalog_adds_its_overlay(invoke: Invoke, tmp_path: Path) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = new_project(invoke, catalog, tmp_path / "app")
    publish(catalog, WITH_DEVELOPMENT)
    updated = invoke("update", project, "--defaults", "-o", "json")
    assert updated.exit_code == 0, updated.stdout + updated.stderr
    assert_merged_cleanly(project)
    assert overlay_settings(project, "development")["MODEL_ENDPOINT"] == (
        "http://scorer.dev.example.internal:8080"
    )
    fresh = new_project(invoke, catalog, tmp_path / "fresh" / "app")
    assert snapshot(project) == snapshot(fresh)


def test_argo_cd_applications_are_asked_for_with_data(invoke: Invoke, tmp_path: Path) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = new_project(invoke, catalog, tmp_path / "app")
    assert not (project / "deploy" / "argocd").exists()

    url = "https://git.example.com/team/app.git"
    updated = invoke(
        "update", project, "--defaults", "-o", "json",
        "--data", "argocd=true", "--data", f"argocd_repo_url={url}",
    )  # fmt: skip
    assert updated.exit_code == 0, updated.stdout + updated.stderr
    assert_merged_cleanly(project)
    assert sorted(p.name for p in (project / "deploy" / "argocd").iterdir()) == [
        "production.yaml",
        "staging.yaml",
    ]
    recorded = yaml.safe_load((project / ".copier-answers.app-deploy.yml").read_text())
    assert recorded["argocd"] is True
    assert "argocd" not in yaml.safe_load((project / ".copier-answers.yml").read_text())
    # the same as a project asked for them at `idp new`
    fresh = new_project(
        invoke, catalog, tmp_path / "fresh" / "app", "argocd=true", f"argocd_repo_url={url}"
    )
    assert snapshot(project) == snapshot(fresh)


def test_a_misspelt_part_answer_is_refused_with_a_suggestion(
    invoke: Invoke, tmp_path: Path
) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    dest = tmp_path / "app"
    made = invoke(
        "new", dest, "-t", "prediction-service", "-m", "acme/scorer@1.0.0",
        "--catalog", catalog, "--defaults", "--data", "argo_cd=true",
    )  # fmt: skip
    assert made.exit_code != 0
    assert "did you mean argocd?" in made.stderr
    assert not dest.exists()
