"""An example idp plug-in (entry point `example` in the group `idp.plugins`).

It gives idp a template source (the templates folder beside this module) and a command,
`idp example-hello`. Each hook is a plain function; idp imports this module only when it needs
one of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"


def template_sources() -> list[str]:
    """Folders of templates (or git URLs of templates) for `idp templates list` and `idp new`."""
    return [str(TEMPLATES)]


def commands() -> list[Any]:
    """Extra commands under `idp` (Click commands or Typer apps)."""
    import typer

    app = typer.Typer(name="example-hello", help="Say which idp plug-in answered.")

    @app.callback(invoke_without_command=True)
    def hello(name: str = typer.Option("world", help="Whom to greet.")) -> None:
        """Greet NAME from the example plug-in."""
        typer.echo(f"hello {name}, from idp-plugin-example")

    return [app]
