"""rag-service's deploy/ follows both of its bindings' catalog entries, each through its own
render: an embedding endpoint the catalog moves, or an environment it adds, reaches
deploy/bindings/embeddings through `idp check` and `idp update --binding embeddings` (a clean
merge, the same files as a new project), and the app's overlays are left as they were."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.helpers import Invoke, commit_all, make_repo
from tests.project.fleet import catalog_repo, publish, snapshot
from tests.project.test_bundled_updates import assert_merged_cleanly

CATALOG = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/chat
    description: Answers questions.
    owner: group:default/ai
    modelType: generative
    tasks: [text-generation]
    license: apache-2.0
    versions:
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, environment: production, protocol: openai-v1,
               url: "https://chat.example.internal", modelId: acme-chat,
               auth: {type: bearer, tokenEnv: CHAT_TOKEN}, capabilities: [chat]}
            - {name: staging, environment: staging, protocol: openai-v1,
               url: "https://chat.staging.example.internal", modelId: acme-chat,
               capabilities: [chat]}
  - name: acme/embed
    description: Embeds text.
    owner: group:default/ai
    modelType: generative
    tasks: [feature-extraction]
    license: apache-2.0
    versions:
      - version: "1.0.0"
        lifecycle: production
        embedding: {dimension: 8}
        serving:
          endpoints:
            - {name: prod, environment: production, protocol: openai-v1,
               url: "https://embed.example.internal", modelId: acme-embed,
               auth: {type: bearer, tokenEnv: EMBED_TOKEN}, capabilities: [embeddings]}
"""
# the embedding model's production endpoint moves, and it gets a staging endpoint of its own
MOVED = CATALOG.replace("https://embed.example.internal", "https://embed-v2.example.internal") + (
    "            - {name: staging, environment: staging, protocol: openai-v1,\n"
    '               url: "https://embed.staging.example.internal", modelId: acme-embed-rc,\n'
    "               capabilities: [embeddings]}\n"
)


def new_project(invoke: Invoke, catalog: Path, dest: Path) -> Path:
    made = invoke(
        "new", dest, "-t", "rag-service", "-m", "acme/chat@1.0.0", "-m", "embeddings=acme/embed@1.0.0",
        "--catalog", catalog, "--defaults",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    make_repo(dest)
    commit_all(dest, "Generate project")
    return dest


def component_settings(project: Path, environment: str) -> dict[str, str]:
    component = project / "deploy" / "bindings" / "embeddings" / environment / "kustomization.yaml"
    loaded = yaml.safe_load(component.read_text(encoding="utf-8"))
    assert loaded["kind"] == "Component"
    (generated,) = loaded["configMapGenerator"]
    return dict(literal.split("=", 1) for literal in generated["literals"])


def changed(project: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--no-renames"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line[3:] for line in listed.splitlines())


def test_each_environment_gets_its_own_embedding_endpoint_or_the_bound_one(
    invoke: Invoke, tmp_path: Path
) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = new_project(invoke, catalog, tmp_path / "app")
    assert sorted(p.name for p in (project / "deploy" / "overlays").iterdir()) == [
        "production",
        "staging",
    ]
    for environment in ("production", "staging", "development"):
        settings = component_settings(project, environment)
        assert settings["EMBEDDINGS_MODEL_ENDPOINT"] == "https://embed.example.internal"
        assert settings["EMBEDDINGS_MODEL_NAME"] == "acme-embed"
    staging = (project / "deploy/bindings/embeddings/staging/kustomization.yaml").read_text()
    assert "declares no staging endpoint for it" in staging
    overlay = yaml.safe_load(
        (project / "deploy/overlays/staging/kustomization.yaml").read_text(encoding="utf-8")
    )
    assert overlay["components"] == ["../../bindings/embeddings/staging"]


def test_a_moved_embedding_endpoint_reaches_only_the_embeddings_components(
    invoke: Invoke, tmp_path: Path
) -> None:
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = new_project(invoke, catalog, tmp_path / "app")
    publish(catalog, MOVED)

    checked = invoke("check", project, "-o", "json")
    assert checked.exit_code == 5, checked.stdout + checked.stderr
    updated = invoke("update", project, "--binding", "embeddings", "--defaults", "-o", "json")

    assert updated.exit_code == 0, updated.stdout + updated.stderr
    assert json.loads(updated.stdout)["conflicts"] == []
    assert_merged_cleanly(project)
    assert changed(project) == [
        ".copier-answers.embeddings.yml",
        "deploy/bindings/embeddings/README.md",
        "deploy/bindings/embeddings/development/kustomization.yaml",
        "deploy/bindings/embeddings/production/kustomization.yaml",
        "deploy/bindings/embeddings/staging/kustomization.yaml",
        "src/app/embeddings_client/binding.json",
    ]
    assert component_settings(project, "production")["EMBEDDINGS_MODEL_ENDPOINT"] == (
        "https://embed-v2.example.internal"
    )
    assert component_settings(project, "staging") == {
        "EMBEDDINGS_MODEL_ENDPOINT": "https://embed.staging.example.internal",
        "EMBEDDINGS_MODEL_NAME": "acme-embed-rc",
        "EMBEDDINGS_MODEL_ROUTE_PREFIX": "/v1",
    }
    # the app's binding is current: its update changes nothing
    again = invoke("update", project, "--binding", "rag-service", "--defaults", "-o", "json")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert len(changed(project)) == 6
    # nobody touched the project: the merge leaves the embeddings binding's files as `idp new`
    # makes them from that catalog (the app's binding still records the catalog's older commit)
    fresh = new_project(invoke, catalog, tmp_path / "fresh" / "app")
    owned = ("deploy/bindings/", "src/app/embeddings_client/", ".copier-answers.embeddings.yml")
    mine = {k: v for k, v in snapshot(project).items() if k.startswith(owned)}
    assert mine == {k: v for k, v in snapshot(fresh).items() if k.startswith(owned)}
    assert len(mine) == 9


def test_the_vector_store_is_switched_with_data_from_inside_the_project(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run where a user runs it, in the project, whose deploy/ folder is named like the deploy
    part: the part is the bundled template, never that folder."""
    catalog = catalog_repo(tmp_path / "catalog", CATALOG)
    project = new_project(invoke, catalog, tmp_path / "app")
    monkeypatch.chdir(project)

    updated = invoke(
        "update", ".", "--binding", "rag-service", "--data", "vector_store=pgvector", "--defaults"
    )

    assert updated.exit_code == 0, updated.stdout + updated.stderr
    assert_merged_cleanly(project)
    assert changed(project) == [
        ".copier-answers.app-deploy.yml",
        "deploy/README.md",
        "deploy/base/deployment.yaml",
        "deploy/base/ingest-job.yaml",
        "deploy/base/kustomization.yaml",
    ]
    deployment = (project / "deploy/base/deployment.yaml").read_text(encoding="utf-8")
    assert "app-vector-store" in deployment
    assert "initContainers" not in deployment
