"""`idp mcp` against a bare MCP server made with the same SDK, its nearest raw baseline: an
agent's first answer (start the server, initialize, one `search_models` call, stop).

    python benchmarks/mcp_bench.py [--runs N] [--quick]

The baseline server has one tool of the same name that returns a fixed answer, so what the
ratio measures is what idp adds to the SDK: its imports, reading the catalog and searching it.
(The SDK's own import, about a second of CPU for its protocol types, is in both.) Both run as
fresh processes, driven by the SDK's stdio client in a process of its own, interleaved;
medians are compared. Target: at most 1.3x. Exit 1 when it fails.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import bench_env

BIN = Path(sys.executable).parent
TARGET = 1.3
CLIENT = """
import json, sys, anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

async def main():
    params = StdioServerParameters(command=sys.argv[1], args=json.loads(sys.argv[2]), env=None)
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        result = await session.call_tool("search_models", {"query": "churn"})
        assert not result.is_error and result.structured_content["models"], result
anyio.run(main)
"""
BARE_SERVER = """
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel

class Found(BaseModel):
    models: list[dict[str, str]]

server = MCPServer("bare")

@server.tool(structured_output=True)
def search_models(query: str = "") -> Found:
    return Found(models=[{"ref": "acme/churn-classifier@4.0.0"}])

server.run("stdio")
"""


def run(cmd: list[str], env: dict[str, str]) -> float:
    return bench_env.timed(cmd, env)


def main() -> int:
    import json

    runs = bench_env.runs(__doc__.splitlines()[0])
    work = Path(tempfile.mkdtemp(prefix="idp-mcp-bench-"))
    env = bench_env.isolated_env(work)
    idp_agent = [sys.executable, "-c", CLIENT, str(BIN / "idp"), json.dumps(["mcp"])]
    bare_agent = [sys.executable, "-c", CLIENT, sys.executable, json.dumps(["-c", BARE_SERVER])]
    try:
        run(idp_agent, env)  # warm-up: the bundled catalog's cache entry, compiled bytecode
        run(bare_agent, env)
        base, measured = [], []
        for _ in range(runs):
            base.append(run(bare_agent, env))
            measured.append(run(idp_agent, env))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = bench_env.compare(
        ("bare MCP server, same SDK and tool (baseline)", base),
        ("idp mcp: start, initialize, search_models", measured),
        TARGET,
        "idp mcp / bare server",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
