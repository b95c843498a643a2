"""`idp mcp`: run the Model Context Protocol server on stdin/stdout (see mcp_server.py)."""

from __future__ import annotations

from idp_cli.cli.common import guard
from idp_cli.errors import IdpError


@guard
def mcp() -> None:
    """Serve the catalog and the templates to coding agents over the Model Context Protocol
    (stdio).

    Tools: search_models, show_model, list_templates, new_project (a dry run unless told),
    check_project, validate_catalog.

    Register it with an agent client as the command `idp mcp` (docs/mcp.md). Needs the `mcp`
    extra: pip install 'idp-ai-platform[mcp]'.
    """
    try:
        import mcp.server.mcpserver  # noqa: F401
    except ImportError:
        raise IdpError(
            "`idp mcp` needs the Model Context Protocol SDK, which is not installed",
            hint="pip install 'idp-ai-platform[mcp]'",
        ) from None
    from idp_cli.cli.mcp_server import server

    server().run("stdio")
