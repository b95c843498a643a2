"""`idp new`: generate a project from a template, bound to a catalog model."""

from __future__ import annotations

import enum
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from idp_cli import binding
from idp_cli.catalog.model import Catalog, Version
from idp_cli.catalog.query import resolve
from idp_cli.catalog.read import open_catalog
from idp_cli.catalog.sources import Source
from idp_cli.cli import completion
from idp_cli.cli.common import catalog_source, guard
from idp_cli.cli.options import CatalogOpt, CatalogRefOpt, DataOpt, OutputOpt
from idp_cli.errors import IdpError
from idp_cli.output import console
from idp_cli.output.render import Format, emit
from idp_cli.templates.discovery import Template, bundled, find

PROJECT_NAME = re.compile(r"^[a-z](?:[a-z0-9_-]{0,61}[a-z0-9])?$")


class CiSystem(enum.StrEnum):
    github = "github"
    gitlab = "gitlab"


def parse_data(pairs: list[str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--data")
        data[key.strip()] = value
    return data


def _interactive(defaults: bool) -> bool:
    return not defaults and sys.stdin.isatty() and sys.stderr.isatty()


def _pick(title: str, options: list[tuple[str, str]]) -> str:
    """A numbered menu on stderr; returns the chosen option's value."""
    from rich.markup import escape
    from rich.prompt import IntPrompt

    err = console.err()
    err.print(f"[bold]{escape(title)}[/]")
    for number, (_, label) in enumerate(options, 1):
        err.print(f"  {number:>2}. {label}")
    while True:
        choice = IntPrompt.ask("Number", console=err)
        if 1 <= choice <= len(options):
            return options[choice - 1][0]
        err.print(f"Choose 1 to {len(options)}.")


def _choose_template(spec: str | None, interactive: bool) -> Template:
    if spec:
        return find(spec)
    templates = bundled()
    if not interactive or not templates:
        raise IdpError(
            "no template given",
            hint=f"Pass --template NAME ({', '.join(t.name for t in templates)}), a folder or a git URL.",
        )
    return find(_pick("Template", [(t.name, f"{t.name}: {t.description}") for t in templates]))


def _choose_model(
    catalog: Catalog,
    template: Template,
    ref: str | None,
    environment: str | None,
    interactive: bool,
) -> Version:
    if ref:
        return resolve(catalog, ref)
    fitting = [
        m.shown_version
        for m in catalog.models
        if not m.shown_version.retired and binding.fit(template, m.shown_version, environment).ok
    ]
    if not fitting:
        raise IdpError(f"no model in the catalog fits template {template.name}")
    if not interactive:
        raise IdpError(
            "no model given",
            hint=f"Pass --model REF; models that fit {template.name}: "
            + ", ".join(v.ref for v in fitting[:8])
            + ("…" if len(fitting) > 8 else ""),
        )
    options = [(v.ref, f"{v.ref}  [{v.lifecycle}] {', '.join(v.model.tasks)}") for v in fitting]
    return resolve(catalog, _pick("Model", options))


def _check_lifecycle(version: Version, allow_deprecated: bool) -> None:
    if version.retired and not allow_deprecated:
        raise IdpError(
            f"{version.ref} is {version.lifecycle}; its successor is {version.successor}",
            hint=f"Use --model {version.successor}, or pass --allow-deprecated to bind it anyway.",
        )
    if version.retired:
        console.warn(f"{version.ref} is {version.lifecycle}; its successor is {version.successor}")
    elif version.lifecycle == "experimental":
        console.warn(f"{version.ref} is experimental: it may change or disappear without notice")


def _check_destination(dest: Path, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise IdpError(f"{dest} exists and is not a folder", hint="Choose another destination.")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise IdpError(
            f"{dest} is not empty; nothing was written",
            hint="Choose an empty or new folder, or pass --force to write the template's files into it.",
        )


def _app_owner(template: Template, overrides: dict[str, Any], dest: Path) -> str | None:
    """The app's owner unless --data gives it: the config file's, else the git user's."""
    if "owner" in overrides or not any(q.name == "owner" for q in template.questions):
        return None
    from idp_cli import app_owner

    found = app_owner.default(dest.resolve().parent)
    return found.ref if found else None


def _template_default(template: Template, name: str, answers: dict[str, Any]) -> dict[str, Any]:
    """{name: the template's default} when it asks `name` and no answer is given yet."""
    for q in template.questions:
        if q.name == name and name not in answers and q.default is not None:
            return {name: q.default}
    return {}


def _missing_answers(template: Template, data: dict[str, Any]) -> list[str]:
    return [
        q.name
        for q in template.questions
        if not q.computed and q.default is None and q.name not in data
    ]


def _bind(
    template: Template,
    version: Version,
    environment: str | None,
    source: Source,
) -> tuple[binding.Fit, str, str]:
    result = binding.fit(template, version, environment)
    if not result.ok or result.endpoint is None:
        raise IdpError(
            f"template {template.name} cannot serve {version.ref}: {'; '.join(result.reasons)}",
            hint="See the models it can serve with `idp templates show " + template.name + "`.",
        )
    commit, dirty = source.revision()
    if dirty:
        console.warn("the catalog has uncommitted changes; the recorded commit does not hold them")
    return result, source.display, commit or ""


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
            help="Bundled template name, template folder, or git URL[@ref].",
            autocompletion=completion.template_names,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Model to bind: name, name@version or name@alias.",
            autocompletion=completion.model_refs,
        ),
    ] = None,
    data: DataOpt = None,
    ci: Annotated[
        CiSystem, typer.Option(help="CI system to generate configuration for.")
    ] = CiSystem.github,
    environment: Annotated[
        str | None,
        typer.Option(
            help="Bind the model's endpoint in this environment (default: production, else any)."
        ),
    ] = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults", help="Never prompt: take defaults for every unanswered question."
        ),
    ] = False,
    pretend: Annotated[
        bool,
        typer.Option("--pretend", help="Print the files that would be written; write nothing."),
    ] = False,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Allow a template from outside the bundled set to run its tasks and migrations.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a destination that is not empty.")
    ] = False,
    allow_deprecated: Annotated[
        bool,
        typer.Option("--allow-deprecated", help="Bind a deprecated or archived model version."),
    ] = False,
    output: OutputOpt = Format.table,
    catalog: CatalogOpt = None,
    catalog_ref: CatalogRefOpt = None,
) -> None:
    """Generate a project from a template, bound to a model from the catalog.

    In a terminal it asks for what is missing; with --template, --model and --defaults it
    never prompts (for CI).
    """
    from idp_cli.templates.render import generate

    interactive = _interactive(defaults)
    overrides: dict[str, Any] = parse_data(data or [])
    chosen = _choose_template(template, interactive)
    chosen.refuse_unknown(overrides)
    if dest is None:
        if not interactive:
            raise IdpError(
                "no destination folder given",
                hint="Pass it as the first argument: idp new DEST ...",
            )
        from rich.prompt import Prompt

        dest = Path(Prompt.ask("Destination folder", console=console.err()))
    dest = dest.expanduser()
    project_name = str(overrides.get("project_name", dest.resolve().name))
    if not PROJECT_NAME.match(project_name):
        raise IdpError(
            f"{project_name!r} is not a valid project name",
            hint="Use lowercase letters, digits, '-' and '_', starting with a letter "
            "(rename the folder or pass --data project_name=NAME).",
        )
    _check_destination(dest, force)

    summary: dict[str, Any] = {"destination": str(dest), "template": chosen.name, "model": None}
    user_defaults: dict[str, Any] = {}  # what the prompts offer, in a terminal
    if chosen.binds_model:
        source = catalog_source(ctx, catalog, catalog_ref)
        version = _choose_model(open_catalog(source), chosen, model, environment, interactive)
        _check_lifecycle(version, allow_deprecated)
        result, shown_source, commit = _bind(chosen, version, environment, source)
        assert result.endpoint is not None
        owner = _app_owner(chosen, overrides, dest)
        answers = binding.answers(
            chosen,
            version,
            result.endpoint,
            project_name=project_name,
            ci=ci.value,
            catalog_source=shown_source,
            catalog_commit=commit,
            catalog_ref=source.ref or "",
            overrides=overrides,
            owner=None if interactive else owner,
        )
        if interactive and owner is not None:
            user_defaults["owner"] = owner
        if interactive:
            # in a terminal only the owner is asked: the app's lifecycle starts at the
            # template's default, as with --defaults, and is the user's to change later
            answers.update(_template_default(chosen, "lifecycle", answers))
        summary["model"] = version.ref
        summary["endpoint"] = result.endpoint.name
    else:
        if model:
            raise IdpError(
                f"template {chosen.name} has no `_idp` metadata, so it takes no model",
                hint="Drop --model, or add `_idp` metadata and a `model` question to the template.",
            )
        answers = dict(overrides)
        asked = {q.name for q in chosen.questions}
        if "project_name" in asked:
            answers.setdefault("project_name", project_name)
        if binding.IDP_VERSION in asked:
            answers = {**binding.running_idp(), **answers}
    non_interactive = not interactive
    missing = _missing_answers(chosen, answers) if non_interactive else []
    if missing:
        raise IdpError(
            f"template {chosen.name} needs an answer for: {', '.join(missing)}",
            hint=" ".join(f"--data {name}=..." for name in missing),
        )
    files = generate(
        chosen,
        dest,
        answers,
        defaults=non_interactive,
        pretend=pretend,
        trust=trust,
        force=force,
        user_defaults=user_defaults,
    )
    summary["files"] = files
    summary["pretend"] = pretend
    emit(summary, output, lambda: _report(summary, dest, pretend))


def _report(summary: dict[str, Any], dest: Path, pretend: bool) -> None:
    # Plain Typer echo: a few lines do not need Rich, whose import would cost `idp new`
    # a tenth of a second.
    echo, style = console.echo, console.style
    if pretend:
        echo(f"Would write {len(summary['files'])} files to {dest}:")
        for name in summary["files"]:
            echo(f"  {name}")
        return
    bound = f" bound to {style(summary['model'], fg='cyan')}" if summary["model"] else ""
    echo(
        f"{style('Generated', fg='green')} {dest} from {style(summary['template'], bold=True)}"
        f"{bound} ({len(summary['files'])} files)."
    )
    echo("Next:")
    echo(f"  cd {dest}")
    echo("  git init && git add -A && git commit -m 'Generate project'   # `idp update` needs git")
    if "pyproject.toml" in summary["files"]:
        echo("  python -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/pytest")
