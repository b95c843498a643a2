"""The options of the commands that bind a model (`idp new`, `idp add`, `idp update`), declared
once."""

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
ModelsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        "-m",
        help="Model to bind: name, name@version or name@alias. An app with a second binding "
        "(rag-service's embeddings) takes it as --model NAME=REF too.",
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


def split_models(given: list[str]) -> tuple[str | None, dict[str, str]]:
    """The app's model, and each `NAME=REF`: the model of the app's part that binds one of
    its own as binding NAME (a model reference has no `=` before its `@`). `idp new` and `idp
    update` both read their repeatable --model so."""
    model: str | None = None
    bindings: dict[str, str] = {}
    for value in given:
        name, sep, ref = value.partition("=")
        if sep and "@" not in name and "/" not in name:
            if name in bindings:
                raise typer.BadParameter(f"binding {name!r} is given twice", param_hint="--model")
            bindings[name] = ref
        elif model is not None:
            raise typer.BadParameter(
                f"two models for the app ({model}, {value}); name a second binding's: NAME=REF",
                param_hint="--model",
            )
        else:
            model = value
    return model, bindings
