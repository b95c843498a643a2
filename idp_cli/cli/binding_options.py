"""The options of the commands that bind a model (`idp new`, `idp add`), declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from idp_cli.cli import completion

ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Model to bind: name, name@version or name@alias.",
        autocompletion=completion.model_refs,
    ),
]
EnvironmentOpt = Annotated[
    str | None,
    typer.Option(
        help="Bind the model's endpoint in this environment (default: production, else any)."
    ),
]
PretendOpt = Annotated[
    bool,
    typer.Option("--pretend", help="Print the files that would be written; write nothing."),
]
AllowDeprecatedOpt = Annotated[
    bool,
    typer.Option("--allow-deprecated", help="Bind a deprecated or archived model version."),
]
