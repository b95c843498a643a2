"""`idp catalog validate` warns, without failing, about a version no template that needs a
capability can serve: one whose endpoints declare none."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import CATALOG, Invoke, edit, write_catalog

# Every endpoint of the test catalog with a capability...
CAPABLE = edit(
    edit(
        CATALOG,
        "              modelId: chat-assistant:1.1\n",
        "              modelId: chat-assistant:1.1\n              capabilities: [chat]\n",
    ),
    "              url: https://forecast.staging.example.internal\n",
    "              url: https://forecast.staging.example.internal\n"
    "              capabilities: [predict]\n",
)
# ...but 4.0.0's, as `idp models publish --endpoint` used to write it
NO_CAPABILITIES = edit(
    CAPABLE,
    "              auth: {type: bearer, tokenEnv: CHURN_API_TOKEN}\n"
    "              capabilities: [predict]\n",
    "              auth: {type: bearer, tokenEnv: CHURN_API_TOKEN}\n",
)
MESSAGE = "no endpoint of acme/churn-classifier@4.0.0 declares a capability"


def test_a_version_without_capabilities_is_a_warning(invoke: Invoke, tmp_path: Path) -> None:
    write_catalog(tmp_path, NO_CAPABILITIES)
    result = invoke("catalog", "validate", tmp_path)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""  # stdout holds problems only
    assert f"warning: {MESSAGE}" in result.stderr
    assert "valid:" in result.stderr

    data = json.loads(invoke("catalog", "validate", tmp_path, "-o", "json").stdout)
    assert data["valid"] is True
    assert data["problems"] == []
    assert [w["ref"] for w in data["warnings"]] == ["acme/churn-classifier@4.0.0"]
    assert MESSAGE in data["warnings"][0]["message"]

    github = invoke("catalog", "validate", tmp_path, "-o", "github")
    assert github.exit_code == 0
    assert github.stdout.startswith("::warning title=catalog%3A acme/churn-classifier@4.0.0::")


def test_archived_versions_and_capable_endpoints_are_not_warned_about(
    invoke: Invoke, tmp_path: Path
) -> None:
    archived = edit(
        NO_CAPABILITIES,
        '      - version: "4.0.0"\n        aliases: [champion]\n        lifecycle: production\n',
        '      - version: "4.0.0"\n        aliases: [champion]\n        lifecycle: archived\n'
        '        deprecation: {successor: "acme/chat-assistant@1.0.0"}\n',
    )
    archived = archived.replace("    defaultVersion: champion\n", "")
    # every churn version is retired now: acme/legacy-scorer's bare successor, the churn
    # model's default version, would have nowhere to go (a problem, not a warning)
    archived = edit(
        archived,
        "deprecation: {successor: acme/churn-classifier}",
        'deprecation: {successor: "acme/chat-assistant@1.0.0"}',
    )
    write_catalog(tmp_path / "archived", archived)
    write_catalog(tmp_path / "capable", CAPABLE)
    for folder in ("archived", "capable"):
        result = invoke("catalog", "validate", tmp_path / folder, "-o", "json")
        assert result.exit_code == 0, result.stdout
        assert json.loads(result.stdout)["warnings"] == []
        assert "warning" not in result.stderr


def test_an_embeddings_endpoint_without_a_dimension_is_a_warning(
    invoke: Invoke, tmp_path: Path
) -> None:
    embedder = edit(CAPABLE, "tasks: [text-generation]", "tasks: [feature-extraction]")
    embedder = edit(embedder, "capabilities: [chat, streaming]", "capabilities: [embeddings]")
    write_catalog(tmp_path / "without", embedder)
    with_dimension = edit(
        embedder,
        "        lifecycle: production\n        serving:\n          endpoints:\n"
        "            - name: gateway\n",
        "        lifecycle: production\n        embedding: {dimension: 384}\n"
        "        serving:\n          endpoints:\n            - name: gateway\n",
    )
    write_catalog(tmp_path / "with", with_dimension)

    without = json.loads(invoke("catalog", "validate", tmp_path / "without", "-o", "json").stdout)
    with_it = json.loads(invoke("catalog", "validate", tmp_path / "with", "-o", "json").stdout)

    assert [w["ref"] for w in without["warnings"]] == ["acme/chat-assistant@1.0.0"]
    assert "declares no embedding.dimension" in without["warnings"][0]["message"]
    assert with_it["warnings"] == []
