"""`idp mcp` through the real protocol: the official SDK's client starts `idp mcp` over stdio,
lists the tools and calls them, as an agent client would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TOOLS = {
    "search_models",
    "show_model",
    "list_templates",
    "new_project",
    "check_project",
    "validate_catalog",
}


def _idp() -> str:
    script = Path(sys.executable).parent / "idp"
    assert script.is_file(), "the idp script of this environment"
    return str(script)


def _session(work: Callable[[ClientSession], Awaitable[None]], cwd: Path) -> None:
    """Run `work` against a fresh `idp mcp` server (this test's HOME, cache and config)."""
    params = StdioServerParameters(command=_idp(), args=["mcp"], env=dict(os.environ), cwd=cwd)

    async def main() -> None:
        with open(os.devnull, "w") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                await work(session)

    anyio.run(main)


async def _call(session: ClientSession, tool: str, **arguments: Any) -> Any:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


def test_tools_are_listed_with_schemas(tmp_path: Path) -> None:
    async def work(session: ClientSession) -> None:
        listed = await session.list_tools()
        assert {t.name for t in listed.tools} == TOOLS
        for tool in listed.tools:
            assert tool.description, tool.name
            assert tool.output_schema and tool.output_schema.get("type") == "object", tool.name
            assert tool.input_schema["type"] == "object"

    _session(work, tmp_path)


def test_browse_and_preview_a_project(tmp_path: Path) -> None:
    dest = tmp_path / "churn"

    async def work(session: ClientSession) -> None:
        found = await _call(session, "search_models", query="churn")
        assert [m["ref"] for m in found["models"]] == ["acme/churn-classifier@4.0.0"]
        card = await _call(session, "show_model", ref="acme/churn-classifier@champion")
        assert card["ref"] == "acme/churn-classifier@4.0.0"
        assert card["version"]["signature"]["inputs"]
        templates = await _call(session, "list_templates")
        by_name = {t["name"]: t for t in templates["templates"]}
        assert "acme/churn-classifier@4.0.0" in by_name["prediction-service"]["compatible"]
        refused = {e["ref"] for e in by_name["chat-service"]["incompatible"]}
        assert "acme/churn-classifier@4.0.0" in refused
        preview = await _call(
            session,
            "new_project",
            destination=str(dest),
            template="prediction-service",
            model="acme/churn-classifier",
        )
        assert preview["dry_run"] is True
        assert "pyproject.toml" in preview["files"]
        assert preview["answers"]["model_ref"] == "acme/churn-classifier@4.0.0"
        assert not dest.exists()  # a dry run writes nothing

    _session(work, tmp_path)


def test_create_then_check_a_project(tmp_path: Path) -> None:
    dest = tmp_path / "churn"

    async def create(session: ClientSession) -> None:
        made = await _call(
            session,
            "new_project",
            destination=str(dest),
            template="prediction-service",
            model="acme/churn-classifier",
            dry_run=False,
        )
        assert made["dry_run"] is False and made["model"] == "acme/churn-classifier@4.0.0"
        again = await session.call_tool(
            "new_project",
            {"destination": str(dest), "template": "prediction-service",
             "model": "acme/churn-classifier", "dry_run": False},
        )  # fmt: skip
        assert again.is_error
        text = again.content[0].text  # type: ignore[union-attr]
        assert "is not empty; nothing was written" in text and "hint:" in text

    _session(create, tmp_path)
    assert (dest / ".copier-answers.yml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["churn"]  # nothing beside it
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Generate"]):
        subprocess.run(["git", *args], cwd=dest, check=True, capture_output=True)

    async def check(session: ClientSession) -> None:
        report = await _call(session, "check_project", path=str(dest))
        assert report["outdated"] is False

    _session(check, tmp_path)


def test_errors_are_tool_errors_with_the_cli_hint(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text("apiVersion: idp/v1alpha1\nkind: ModelCatalog\nmodels:\n  - name: 3\n")

    async def work(session: ClientSession) -> None:
        missing = await session.call_tool("show_model", {"ref": "acme/churn-clasifier"})
        assert missing.is_error
        text = missing.content[0].text  # type: ignore[union-attr]
        assert "acme/churn-clasifier" in text and "acme/churn-classifier" in text
        checked = await _call(session, "validate_catalog", source=str(bad))
        assert checked["valid"] is False
        [first, *_] = checked["problems"]
        assert first["file"].endswith("catalog.yaml") and first["line"] == 4

    _session(work, tmp_path)
