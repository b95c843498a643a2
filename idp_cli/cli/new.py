"""`idp new`: generate a project from a template, bound to a catalog model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from idp_cli.catalog.model import Catalog
from idp_cli.catalog.read import open_catalog
from idp_cli.ci import CI_SYSTEMS, DEFAULT_CI
from idp_cli.cli import completion, picker
from idp_cli.cli.binding_options import (
    AllowDeprecatedOpt,
    EnvironmentOpt,
    ModelsOpt,
    PretendOpt,
    split_models,
)
from idp_cli.cli.common import catalog_source, guard, interactive
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt, DataOpt, OutputOpt, TrustOpt, parse_data
from idp_cli.output import console
from idp_cli.output.render import Format, emit
from idp_cli.project import new as core
from idp_cli.project.catalog_record import CatalogSource

PROMPTS = core.Prompts(
    template=picker.template,
    model=picker.model,
    destination=picker.destination,
    model_name=picker.model_name,
    ci=picker.ci,
)


@guard
def new(
    ctx: typer.Context,
    dest: Annotated[
        Path | None,
        typer.Argument(
            help="Folder to create; its name is the project name unless --data project_name=... is given."
        ),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            "-t",
            help="Bundled template name, template folder (./NAME for a folder named like a "
            "known template), or git URL[@ref].",
            autocompletion=completion.app_template_names,
        ),
    ] = None,
    model: ModelsOpt = None,
    data: DataOpt = None,
    ci: Annotated[
        str | None,
        typer.Option(
            help=f"CI system to generate configuration for: {', '.join(CI_SYSTEMS)}, or one "
            f"an installed plug-in adds. Default: asked in a terminal, else {DEFAULT_CI}.",
            show_default=False,
            metavar="NAME",
            autocompletion=completion.ci_systems,
        ),
    ] = None,
    environment: EnvironmentOpt = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults", help="Never prompt: take defaults for every unanswered question."
        ),
    ] = False,
    pretend: PretendOpt = False,
    trust: TrustOpt = False,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a destination that is not empty.")
    ] = False,
    allow_deprecated: AllowDeprecatedOpt = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Generate a project from a template, bound to a model from the catalog.

    In a terminal it asks for what is missing; with --template, --model and --defaults it
    never prompts (for CI).
    """

    def read_catalog() -> tuple[Catalog, CatalogSource]:
        source = catalog_source(ctx, catalog, catalog_ref, published=True)
        return open_catalog(source), source

    app_model, bindings = split_models(model or [])
    request = core.Request(
        destination=dest,
        template=template,
        catalog=read_catalog,
        model=app_model,
        bindings=bindings,
        data=parse_data(data or []),
        ci=ci,
        environment=environment,
        allow_deprecated=allow_deprecated,
        force=force,
        pretend=pretend,
        trust=trust,
        prompts=PROMPTS if interactive(defaults) else None,
    )
    made = core.apply(core.plan(request))
    emit(made.to_dict(), output, lambda: _report(made))


def _report(made: core.Generated) -> None:
    # Plain Typer echo: a few lines do not need Rich, whose import would cost `idp new`
    # a tenth of a second.
    echo, style = console.echo, console.style
    dest = made.destination
    if made.pretend:
        echo(f"Would write {console.counted(len(made.files), 'file')} to {dest}:")
        for name in made.files:
            echo(f"  {name}")
        return
    models = [made.model] if made.model else []
    models += [f"{ref} ({name})" for name, ref in made.bindings.items()]
    bound = f" bound to {' and '.join(style(m, fg='cyan') for m in models)}" if models else ""
    echo(
        f"{style('Generated', fg='green')} {dest} from {style(made.template, bold=True)}"
        f"{bound} ({console.counted(len(made.files), 'file')})."
    )
    echo("Next:")
    echo(f"  cd {dest}")
    echo("  git init && git add -A && git commit -m 'Generate project'   # `idp update` needs git")
    if "pyproject.toml" in made.files:
        echo("  python -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/pytest")
