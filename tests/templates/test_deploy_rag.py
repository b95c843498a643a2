"""rag-service's deploy/, for every pair of a chat model and an embedding model the render
matrix binds: every overlay renders with `kubectl kustomize` and validates, each environment
talks to the chat model's endpoint for it and to the embedding model's (the bound one where
that model declares none), tokens and the vector store's URL come from Secret references, and
the index gets its storage and its ingest. The two bindings' settings are written by two
renders: `idp update --binding embeddings` changes the embedding settings of every overlay and
nothing else of deploy/, and the app's update leaves the embedding settings alone."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli.catalog.model import Endpoint
from tests.helpers import Invoke, commit_all, git, make_repo
from tests.templates import deploy_checks
from tests.templates.deploy_checks import (
    check_application,
    kustomize,
    overlays,
    pod_specs,
    validate,
)
from tests.templates.matrix import ids, servable
from tests.templates.test_deploy import (
    bundled_version,
    check_containerfile,
    expected_environments,
)

SECRET = "sk-rag-deploy-never-write-me-5b7d1e"
PAIRS = [pair for pair in servable() if pair.template == "rag-service"]
REPO_URL = "https://git.example.com/team/app.git"
# every pair with each of the two vector stores
STORES = ("sqlite", "pgvector")
CASES = [(*pair, store) for pair in PAIRS for store in STORES]


def token_envs() -> set[str]:
    """Every variable a bundled rag pair's endpoints read a token from."""
    names = set()
    for pair in PAIRS:
        for ref in (pair.ref, pair.extra[1].split("=", 1)[1]):
            for endpoint in bundled_version(ref).endpoints:
                token = (endpoint.raw.get("auth") or {}).get("tokenEnv")
                if token:
                    names.add(str(token))
    return names


def wants_token(endpoint: Endpoint) -> bool:
    return ((endpoint.raw.get("auth") or {}).get("type") or "none") != "none"


def embeddings_endpoint(ref: str, environment: str) -> Endpoint:
    """The embedding model's endpoint for the environment, else its bound one."""
    expected = expected_environments("embeddings-client", bundled_version(ref))
    if environment in expected:
        return expected[environment]
    return next(iter(expected.values()))  # the bound endpoint comes first


def new_rag(invoke: Invoke, project: Path, chat: str, embeddings: str, *options: str) -> None:
    made = invoke(
        "new",
        project,
        "-t",
        "rag-service",
        "-m",
        chat,
        "-m",
        f"embeddings={embeddings}",
        "--defaults",
        "--allow-deprecated",
        *options,
    )
    assert made.exit_code == 0, made.stderr


def config_maps(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ConfigMaps by the name they were generated under (without the content hash)."""
    return {
        obj["metadata"]["name"].rsplit("-", 1)[0]: obj
        for obj in objects
        if obj["kind"] == "ConfigMap"
    }


def check_container(container: dict[str, Any], maps: dict[str, Any], store: str) -> None:
    """Its settings: both bindings' ConfigMaps (the hashed names), the embeddings token from an
    optional Secret, the index where the store keeps it."""
    assert container["envFrom"] == [
        {"configMapRef": {"name": maps["app-model"]["metadata"]["name"]}},
        {"configMapRef": {"name": maps["app-embeddings"]["metadata"]["name"]}},
        {"secretRef": {"name": "app-embeddings-token", "optional": True}},
    ]
    env = {e["name"]: e for e in container.get("env", [])}
    url = env["VECTOR_STORE_URL"]
    if store == "pgvector":
        assert url["valueFrom"] == {"secretKeyRef": {"name": "app-vector-store", "key": "url"}}
        assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    else:
        assert url["value"] == "/var/lib/index/rag.sqlite3"
        assert {"name": "index", "mountPath": "/var/lib/index"} in container["volumeMounts"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def check_rag_overlay(
    overlay: Path, environment: str, chat: Endpoint, embeddings: Endpoint, store: str
) -> None:
    objects = kustomize(overlay)
    for obj in objects:
        validate(obj)
        assert obj["metadata"]["namespace"] == f"app-{environment}"
    kinds = sorted(obj["kind"] for obj in objects)
    assert kinds == sorted(
        ["ServiceAccount", "ConfigMap", "ConfigMap", "Deployment", "Service"]
        + ["HorizontalPodAutoscaler", "PodDisruptionBudget"]
        + (["Job"] if store == "pgvector" else [])
    )
    maps = config_maps(objects)
    assert maps["app-model"]["data"]["CHAT_MODEL_ENDPOINT"] == chat.url.rstrip("/")
    assert maps["app-model"]["data"]["CHAT_MODEL_NAME"] == chat.model_id
    own = maps["app-embeddings"]["data"]
    assert own["EMBEDDINGS_MODEL_ENDPOINT"] == embeddings.url.rstrip("/")
    assert own["EMBEDDINGS_MODEL_NAME"] == embeddings.model_id
    assert own["EMBEDDINGS_MODEL_ROUTE_PREFIX"] == "/v1"
    by_kind = {obj["kind"]: obj for obj in objects}
    (pod,) = pod_specs({"Deployment": by_kind["Deployment"]})
    (app,) = pod["containers"]
    check_container(app, maps, store)
    bearer = {e["name"]: e for e in app["env"]}.get("CHAT_MODEL_ENDPOINT_BEARER")
    assert (bearer is not None) == wants_token(chat)
    if bearer is not None:
        assert bearer["valueFrom"]["secretKeyRef"] == {"name": "app-model-token", "key": "token"}
    if store == "pgvector":
        assert "initContainers" not in pod
        (job,) = pod_specs({"Job": by_kind["Job"]})
        (ingest,) = job["containers"]
    else:
        (ingest,) = pod["initContainers"]
        assert {"name": "index", "emptyDir": {}} in pod["volumes"]
    assert ingest["args"] == ["python", "-m", "app", "ingest", "/app/docs"]
    assert ingest["image"] == app["image"]
    check_container(ingest, maps, store)
    # the embeddings endpoint's comment says which one it is, and why when it is the bound one
    component = (
        overlay.parent.parent / "bindings" / "embeddings" / environment / "kustomization.yaml"
    ).read_text(encoding="utf-8")
    assert (f"no {environment} endpoint" in component) == (embeddings.environment != environment)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("template", "ref", "retired", "extra", "store"),
    CASES,
    ids=[f"{name}-{store}" for name in ids(PAIRS) for store in STORES],
)
def test_every_overlay_of_every_pair_renders_and_validates(
    invoke: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    template: str,
    ref: str,
    retired: bool,
    extra: tuple[str, ...],
    store: str,
) -> None:
    deploy_checks.require_kubectl()
    for name in token_envs():
        monkeypatch.setenv(name, SECRET)
    embeddings = extra[1].split("=", 1)[1]
    project = tmp_path / "app"
    new_rag(
        invoke,
        project,
        ref,
        embeddings,
        f"--data=vector_store={store}",
        "--data=argocd=true",
        f"--data=argocd_repo_url={REPO_URL}",
    )
    expected = expected_environments(template, bundled_version(ref))
    assert set(overlays(project)) == set(expected)
    bindings = project / "deploy" / "bindings" / "embeddings"
    assert sorted(p.name for p in bindings.iterdir() if p.is_dir()) == sorted(
        deploy_checks.ENVIRONMENTS
    )
    for environment, overlay in overlays(project).items():
        chat = expected[environment]
        check_rag_overlay(
            overlay, environment, chat, embeddings_endpoint(embeddings, environment), store
        )
        application = yaml.safe_load(
            (project / "deploy" / "argocd" / f"{environment}.yaml").read_text(encoding="utf-8")
        )
        check_application(application, environment, "app")
    check_containerfile(project, "service", ref)
    containerfile = (project / "Containerfile").read_text(encoding="utf-8")
    assert "\nCOPY docs /app/docs\n" in containerfile
    assert '/opt/venv/bin/pip install ".[postgres]"' in containerfile
    assert (project / "docs").is_dir()
    for path in project.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def changed(project: Path) -> set[str]:
    listed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--no-renames"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line[3:] for line in listed.splitlines()}


@pytest.mark.slow
def test_each_binding_update_rewrites_only_its_own_deploy_files(
    invoke: Invoke, tmp_path: Path
) -> None:
    deploy_checks.require_kubectl()
    old_chat, old_embeddings = (
        "meta-llama/llama-3.1-8b-instruct@2.0.0",
        "baai/bge-small-en-v1.5@1.0.0",
    )
    project = tmp_path / "app"
    new_rag(invoke, project, old_chat, old_embeddings)
    make_repo(project)
    commit_all(project, "Generate project")
    before = kustomize(project / "deploy" / "overlays" / "production")

    moved = invoke("update", project, "--binding", "embeddings", "--latest", "--defaults")

    assert moved.exit_code == 0, moved.stdout + moved.stderr
    files = changed(project)
    deploy = {f for f in files if f.startswith("deploy/")}
    assert deploy and all(f.startswith("deploy/bindings/embeddings/") for f in deploy), files
    assert all(
        f.startswith(("deploy/bindings/embeddings/", "src/app/embeddings_client/"))
        or f.startswith("tests/embeddings_client/")
        or f == ".copier-answers.embeddings.yml"
        for f in files
    ), files
    new_embeddings = yaml.safe_load(
        (project / ".copier-answers.embeddings.yml").read_text(encoding="utf-8")
    )["model_ref"]
    assert new_embeddings != old_embeddings
    after = kustomize(project / "deploy" / "overlays" / "production")
    wanted = embeddings_endpoint(new_embeddings, "production")
    assert config_maps(after)["app-embeddings"]["data"]["EMBEDDINGS_MODEL_ENDPOINT"] == wanted.url
    # the chat settings and everything else built the same
    assert config_maps(after)["app-model"] == config_maps(before)["app-model"]
    assert [o for o in after if o["kind"] == "Service"] == [
        o for o in before if o["kind"] == "Service"
    ]
    commit_all(project, "Move the embedding model")

    chat_moved = invoke("update", project, "--binding", "rag-service", "--latest", "--defaults")

    assert chat_moved.exit_code == 0, chat_moved.stdout + chat_moved.stderr
    files = changed(project)
    assert [f for f in files if f.startswith("deploy/overlays/")], files
    assert not [f for f in files if f.startswith("deploy/bindings/")], files
    assert git(project, "diff", "--name-only", "--diff-filter=U") == ""
