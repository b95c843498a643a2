"""Options shared by every command group.

They live apart from common.py, which imports the catalog loader, so that `idp --help` and
`idp --version` can build the root command's options without it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from idp_cli.output.render import Format

OutputOpt = Annotated[
    Format,
    typer.Option(
        "--output",
        "-o",
        help="How to print the result: a table for people (fitted to the terminal; wide: "
        "every column, whatever the width), json or yaml for scripts.",
    ),
]
DataOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--data",
        "-d",
        help="Answer a template question: KEY=VALUE (repeatable).",
        metavar="KEY=VALUE",
    ),
]
CatalogOpt = Annotated[
    str | None,
    typer.Option(
        "--catalog",
        metavar="SOURCE",
        help="Catalog to read: a YAML file, a folder with catalog.yaml, a git repository path or a "
        "git URL (URL#path/in/repo.yaml). Default: $IDP_CATALOG, the config file, the bundled catalog.",
        show_default=False,
    ),
]
CatalogRefOpt = Annotated[
    str | None,
    typer.Option(
        "--catalog-ref",
        metavar="REF",
        help="Branch, tag or commit to read a git catalog at, without checking it out. "
        "Default: $IDP_CATALOG_REF; else the default branch (new, check, update) or the working "
        "tree (other commands) of a local repository; a URL's default branch.",
        show_default=False,
    ),
]


def _binding_names(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    # completion.py is imported only when a word is completed: `idp --help` builds these options
    from idp_cli.cli.completion import binding_names

    return binding_names(ctx, incomplete)


BindingOpt = Annotated[
    str | None,
    typer.Option(
        "--binding",
        "-b",
        metavar="NAME",
        help="Only this binding of a project with several answers files: NAME from "
        ".copier-answers.NAME.yml, or the app template's name for .copier-answers.yml.",
        show_default=False,
        autocompletion=_binding_names,
    ),
]


TrustOpt = Annotated[
    bool,
    typer.Option(
        "--trust",
        help="Allow a template from outside the bundled set to run its tasks (and an update its "
        "migrations).",
    ),
]


ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        metavar="NAME,...",
        help="The table's columns, in this order (comma-separated headers, any case); "
        "nothing is left out to fit the terminal.",
        show_default=False,
    ),
]


def parse_columns(spec: str | None, headers: list[str]) -> list[str] | None:
    """--columns as headers of the table, or a usage error naming the closest header."""
    if spec is None:
        return None
    from idp_cli.suggest import close_names

    chosen = []
    for word in (w.strip() for w in spec.split(",")):
        name = word.upper().replace("_", " ").replace("-", " ")
        if name not in headers:
            close = close_names(name, headers, most=1)
            hint = f"; did you mean {close[0].lower()}?" if close else ""
            raise typer.BadParameter(
                f"no column {word!r}{hint} (columns: {', '.join(h.lower() for h in headers)})",
                param_hint="--columns",
            )
        chosen.append(name)
    return chosen


def parse_data(pairs: list[str]) -> dict[str, str]:
    """--data KEY=VALUE pairs as answers; a later pair for the same key wins."""
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--data")
        data[key.strip()] = value
    return data
