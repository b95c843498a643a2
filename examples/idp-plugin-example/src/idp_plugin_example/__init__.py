"""An example idp plug-in (entry point `example` in the group `idp.plugins`).

It gives idp a template source (the templates folder beside this module), a CI system,
`idp new --ci jenkins` (its part template writes a Jenkinsfile), a command,
`idp example-hello`, and a catalog importer, `idp catalog import example-json FILE` (a model
version described by a JSON file, as a registry's export would). Each hook is a plain
function; idp imports this module only when it needs one of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
# the CI systems' part templates: not a template source (a part makes no project of its own)
CI_TEMPLATES = Path(__file__).parent / "ci"


def template_sources() -> list[str]:
    """Folders of templates (or git URLs of templates) for `idp templates list` and `idp new`."""
    return [str(TEMPLATES)]


def ci_systems() -> list[Any]:
    """`idp new --ci NAME`: each CI system and the part template (`_idp.kind: part`) that
    writes its files into the new project. idp records the folder under a portable name
    (`git+idp://plugin-templates/idp-plugin-example/jenkins`) and finds it again through this
    hook when `idp check` or `idp update` runs, wherever the plug-in is installed."""
    from idp_cli.plugins import CiSystem

    return [CiSystem("jenkins", "Jenkins (declarative Jenkinsfile)", str(CI_TEMPLATES / "jenkins"))]


def commands() -> list[Any]:
    """Extra commands under `idp` (Click commands or Typer apps)."""
    import typer

    app = typer.Typer(name="example-hello", help="Say which idp plug-in answered.")

    @app.callback(invoke_without_command=True)
    def hello(name: str = typer.Option("world", help="Whom to greet.")) -> None:
        """Greet NAME from the example plug-in."""
        typer.echo(f"hello {name}, from idp-plugin-example")

    return [app]


class JsonFileImporter:
    """A registry stand-in: a JSON file `{"name", "version", "signature", "metrics", "labels"}`."""

    kind = "example-json"

    def read(self, uri: str, options: Any) -> Any:
        import json

        from idp_cli.importers import Imported, RegistryError

        try:
            record = json.loads(Path(uri).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RegistryError(f"{uri}: not a readable JSON record ({exc})") from None
        fields = {k: record[k] for k in ("signature", "metrics", "labels") if k in record}
        return Imported(
            source=uri, model=record.get("name"), version=record.get("version"), fields=fields
        )


def catalog_importers() -> dict[str, Any]:
    """`idp catalog import KIND URI`: KIND -> a callable making the importer."""
    return {JsonFileImporter.kind: JsonFileImporter}
