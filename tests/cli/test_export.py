"""`idp catalog export`: Backstage entities that validate against Backstage's own schemas and
link up with generated projects, and the resolved catalog as JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from idp_cli.backstage.export import tag
from tests.helpers import CATALOG, Invoke, write_catalog
from tests.templates.contract import validate_backstage

KIND_SCHEMAS = {
    "Resource": "ResourceV1alpha1",
    "API": "ApiV1alpha1",
    "Component": "ComponentV1alpha1",
    "Location": "LocationV1alpha1",
}
# Backstage's own rules beyond the JSON schemas (catalog-model's KubernetesValidatorFunctions
# and tag validation)
NAME = re.compile(r"^[a-z0-9A-Z]([-_.a-z0-9A-Z]{0,61}[a-z0-9A-Z])?$")
TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")
ANNOTATION_KEY = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?")

# The test catalog with endpoints on its deprecated and its archived churn versions.
CATALOG_WITH_RETIRED_ENDPOINTS = CATALOG.replace(
    """        deprecation: {successor: "acme/churn-classifier@4.0.0", sunsetDate: "2026-12-31"}
""",
    """        deprecation: {successor: "acme/churn-classifier@4.0.0", sunsetDate: "2026-12-31"}
        serving:
          endpoints:
            - {name: prod-legacy, protocol: oip-v2, url: https://legacy-churn.example.internal, modelId: churn-3}
""",
).replace(
    """        deprecation: {successor: "acme/churn-classifier@champion"}
""",
    """        deprecation: {successor: "acme/churn-classifier@champion"}
        serving:
          endpoints:
            - {name: old, protocol: oip-v2, url: https://old-churn.example.internal, modelId: churn-2}
""",
)


def _export(invoke: Invoke, *args: str | Path) -> list[dict[str, Any]]:
    result = invoke("catalog", "export", *args)
    assert result.exit_code == 0, result.stderr
    documents = [d for d in yaml.safe_load_all(result.stdout) if d is not None]
    assert all(isinstance(d, dict) for d in documents)
    return documents


def _refs(entities: list[dict[str, Any]]) -> set[str]:
    return {f"{e['kind'].lower()}:default/{e['metadata']['name']}" for e in entities}


def _by_name(entities: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {e["metadata"]["name"]: e for e in entities if e["kind"] == kind}


@pytest.fixture
def retired_catalog(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "retired", CATALOG_WITH_RETIRED_ENDPOINTS)


def _check_entity(entity: dict[str, Any]) -> None:
    validate_backstage(entity, KIND_SCHEMAS[entity["kind"]])
    meta = entity["metadata"]
    assert NAME.match(meta["name"]), meta["name"]
    for value in meta.get("tags", []):
        assert TAG.match(value) and len(value) <= 63, value
    for key in meta.get("annotations", {}):
        prefix = ANNOTATION_KEY.match(key)
        assert prefix is not None and NAME.match(key[prefix.end() :]), key


def test_bundled_catalog_exports_valid_entities(invoke: Invoke) -> None:
    entities = _export(invoke, "--format", "backstage")
    kinds = {e["kind"] for e in entities}
    # stdout holds no Location: the file itself is what one registers
    assert kinds == {"Resource", "API", "Component"}
    for entity in entities:
        _check_entity(entity)
    # a name is unique per kind
    assert len(_refs(entities)) == len(entities)
    for resource in _by_name(entities, "Resource").values():
        assert resource["spec"]["type"] == "ai-model"
        assert resource["spec"]["owner"].startswith("group:default/")
    for api in _by_name(entities, "API").values():
        protocol = api["metadata"]["annotations"]["idp.example.internal/protocol"]
        assert api["spec"]["type"] == protocol
        assert protocol in api["metadata"]["tags"]
        definition = yaml.safe_load(api["spec"]["definition"])
        assert definition["protocol"] == protocol
        assert (
            definition["model"] == api["metadata"]["annotations"]["idp.example.internal/model-ref"]
        )
    # every relation a Component declares points at an exported entity
    refs = _refs(entities)
    components = _by_name(entities, "Component")
    assert len(components) == len(_by_name(entities, "API"))
    for component in components.values():
        assert component["spec"]["type"] == "model-server"
        for ref in component["spec"]["providesApis"] + component["spec"]["dependsOn"]:
            assert ref in refs, ref


def test_model_card_fields_become_metadata(invoke: Invoke) -> None:
    entities = _export(invoke)
    llama = _by_name(entities, "Resource")["meta-llama-llama-3.1-8b-instruct"]
    meta = llama["metadata"]
    assert meta["title"] == "Llama 3.1 8B Instruct"
    assert meta["description"].startswith("Meta's 8B-parameter")
    annotations = meta["annotations"]
    assert annotations["idp.example.internal/model-name"] == "meta-llama/llama-3.1-8b-instruct"
    assert annotations["idp.example.internal/license"] == "llama3.1"
    assert annotations["idp.example.internal/model-type"] == "generative"
    assert annotations["idp.example.internal/tasks"] == "text-generation"
    assert annotations["idp.example.internal/default-version"] == "2.1.0"
    # archived 1.0.0 is not among the exported versions
    assert annotations["idp.example.internal/versions"] == "2.2.0,2.1.0,2.0.0"
    assert {"llm", "chat", "tool-calling"} <= set(meta["tags"])
    urls = {link["url"] for link in meta["links"]}
    assert "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct" in urls
    assert "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/blob/main/LICENSE" in urls
    assert llama["spec"]["lifecycle"] == "production"


def test_lifecycles_map_and_archived_versions_are_left_out(
    invoke: Invoke, retired_catalog: Path
) -> None:
    entities = _export(invoke, "--catalog", retired_catalog)
    for entity in entities:
        _check_entity(entity)
    resources = _by_name(entities, "Resource")
    # legacy-scorer's only version is archived: nothing of it is exported
    assert set(resources) == {"acme-churn-classifier", "acme-chat-assistant", "acme-sales-forecast"}
    assert resources["acme-churn-classifier"]["spec"]["lifecycle"] == "production"
    # sales-forecast has no production version: its staging one maps to experimental
    assert resources["acme-sales-forecast"]["spec"]["lifecycle"] == "experimental"
    apis = _by_name(entities, "API")
    assert {name: api["spec"]["lifecycle"] for name, api in apis.items()} == {
        "acme-churn-classifier-4.0.0-prod": "production",
        "acme-churn-classifier-3.2.1-prod-legacy": "deprecated",
        "acme-chat-assistant-1.0.0-gateway": "production",
        "acme-chat-assistant-1.1.0-local": "experimental",
        "acme-sales-forecast-0.1.0-staging": "experimental",
    }
    components = _by_name(entities, "Component")
    assert set(components) == {f"{name}-server" for name in apis}
    assert components["acme-churn-classifier-3.2.1-prod-legacy-server"]["spec"] == {
        "type": "model-server",
        "lifecycle": "deprecated",
        "owner": "group:default/ds-retention",
        "providesApis": ["api:default/acme-churn-classifier-3.2.1-prod-legacy"],
        "dependsOn": ["resource:default/acme-churn-classifier"],
    }
    text = yaml.safe_dump_all(entities)
    assert "churn-classifier@2.0.0" not in text
    assert "old-churn.example.internal" not in text
    assert "legacy-scorer" not in text
    legacy = apis["acme-churn-classifier-3.2.1-prod-legacy"]["metadata"]["annotations"]
    assert legacy["idp.example.internal/successor"] == "acme/churn-classifier@4.0.0"
    assert legacy["idp.example.internal/endpoint-url"] == "https://legacy-churn.example.internal"
    assert legacy["idp.example.internal/model-ref"] == "acme/churn-classifier@3.2.1"


def test_generated_project_refers_to_exported_entities(invoke: Invoke, tmp_path: Path) -> None:
    dest = tmp_path / "chat"
    model = "meta-llama/llama-3.1-8b-instruct"
    result = invoke("new", dest, "-t", "chat-service", "-m", model, "--defaults")
    assert result.exit_code == 0, result.stderr
    info = yaml.safe_load((dest / "catalog-info.yaml").read_text(encoding="utf-8"))
    wanted = info["spec"]["dependsOn"] + info["spec"]["consumesApis"]
    assert wanted, info["spec"]
    refs = _refs(_export(invoke))
    assert set(wanted) <= refs, set(wanted) - refs


def test_out_dir_writes_one_file_per_entity(invoke: Invoke, tmp_path: Path) -> None:
    expected = _export(invoke)
    out = tmp_path / "site" / "backstage"
    result = invoke("catalog", "export", "--out-dir", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(expected) + 1
    for entity in expected:
        path = out / f"{entity['kind'].lower()}-{entity['metadata']['name']}.yaml"
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        assert documents == [entity]
    location = yaml.safe_load((out / "location.yaml").read_text(encoding="utf-8"))
    _check_entity(location)
    targets = location["spec"]["targets"]
    assert sorted(targets) == sorted(f"./{name}" for name in files if name != "location.yaml")
    # nothing is left beside the folder
    assert sorted(p.name for p in out.parent.iterdir()) == ["backstage"]


def test_out_dir_replaces_an_earlier_export_only(
    invoke: Invoke, tmp_path: Path, retired_catalog: Path
) -> None:
    out = tmp_path / "out"
    assert invoke("catalog", "export", "--out-dir", out).exit_code == 0
    before = {p.name for p in out.iterdir()}
    # an earlier export is replaced as a whole: files of models gone from the catalog go too
    result = invoke("catalog", "export", "--out-dir", out, "--catalog", retired_catalog)
    assert result.exit_code == 0, result.stderr
    after = {p.name for p in out.iterdir()}
    assert "resource-acme-churn-classifier.yaml" in after
    assert "resource-meta-llama-llama-3.1-8b-instruct.yaml" in before - after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "retired"]
    # a file the export did not write makes the folder off limits
    (out / "README.md").write_text("mine\n", encoding="utf-8")
    result = invoke("catalog", "export", "--out-dir", out)
    assert result.exit_code == 1
    assert "refusing" in result.stderr
    assert {p.name for p in out.iterdir()} == after | {"README.md"}


def test_out_dir_refuses_a_foreign_folder(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.md").write_text("# docs\n", encoding="utf-8")
    result = invoke("catalog", "export", "--out-dir", out)
    assert result.exit_code == 1
    assert "refusing" in result.stderr
    assert [p.name for p in out.iterdir()] == ["index.md"]
    file = tmp_path / "file.yaml"
    file.write_text("x: 1\n", encoding="utf-8")
    assert invoke("catalog", "export", "--out-dir", file).exit_code == 1
    # an empty folder is fine
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("catalog", "export", "--out-dir", empty).exit_code == 0
    assert (empty / "location.yaml").is_file()


def test_json_is_the_resolved_catalog(invoke: Invoke, catalog_dir: Path) -> None:
    result = invoke("catalog", "export", "--format", "json", "--catalog", catalog_dir)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = yaml.safe_load(CATALOG)
    assert data["source"] == expected["source"]
    assert [m["name"] for m in data["models"]] == [m["name"] for m in expected["models"]]
    churn = data["models"][0]
    # versions as the catalog holds them, archived ones included
    assert [v["version"] for v in churn["versions"]] == ["4.0.0", "3.2.1", "2.0.0"]
    assert churn["versions"][0]["signature"] == expected["models"][0]["versions"][0]["signature"]


def test_out_dir_is_for_backstage_only(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("catalog", "export", "--format", "json", "--out-dir", tmp_path / "x")
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_names_that_collide_are_an_error(invoke: Invoke, tmp_path: Path) -> None:
    text = CATALOG.replace("name: acme/sales-forecast", "name: acme-chat-assistant")
    path = write_catalog(tmp_path / "clash", text)
    result = invoke("catalog", "export", "--catalog", path)
    assert result.exit_code == 1
    assert "acme-chat-assistant" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("LLM", "llm"),
        ("llama3.1", "llama3-1"),
        ("tool_calling", "tool-calling"),
        ("c++", "c++"),
        ("--odd  value--", "odd-value"),
        ("...", ""),
        ("x" * 70, "x" * 63),
        ("a" * 62 + "-b", "a" * 62),
    ],
)
def test_tags_are_sanitized(value: str, expected: str) -> None:
    assert tag(value) == expected
    assert not expected or TAG.match(expected)
