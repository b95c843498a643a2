"""`idp mcp`: the catalog and the templates for coding agents, as a Model Context Protocol server
over stdio (the official `mcp` SDK, installed with `pip install 'idp-ai-platform[mcp]'`).

Each tool calls the same core as the command of the same purpose and returns its data as
structured content with a JSON schema. An IdpError becomes a tool error carrying the CLI's
message and hint. Nothing is written except by `new_project` without `dry_run`, and only into
the folder the call names, which must be new or empty. Warnings that the CLI prints on stderr
come back in the result's `warnings`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from idp_cli import __version__, warning_sink
from idp_cli.ci import DEFAULT_CI
from idp_cli.errors import IdpError

T = TypeVar("T")

INSTRUCTIONS = (
    "idp's model catalog and project templates. Find a model with search_models, read its card "
    "with show_model, see which templates can serve it with list_templates, preview a project "
    "with new_project (dry_run true, the default) and create it with dry_run false in a new or "
    "empty folder; check_project says whether a generated project has drifted."
)


class _Open(BaseModel):
    """A record whose fields are the CLI's `-o json` keys (more may be added)."""

    model_config = ConfigDict(extra="allow")


class ModelRow(_Open):
    name: str
    version: str
    ref: str
    lifecycle: str
    tasks: list[str] = []


class ModelList(BaseModel):
    models: list[ModelRow]
    warnings: list[str] = []


class ModelCard(_Open):
    ref: str
    warnings: list[str] = []


class TemplateFit(_Open):
    name: str
    kind: str
    title: str
    description: str
    compatible: list[str]
    incompatible: list[dict[str, Any]]


class TemplateList(BaseModel):
    templates: list[TemplateFit]
    warnings: list[str] = []


class NewProject(BaseModel):
    destination: str
    template: str
    model: str | None
    dry_run: bool
    files: list[str]
    answers: dict[str, Any]
    warnings: list[str] = []


class ProjectCheck(_Open):
    outdated: bool
    warnings: list[str] = []


class Validation(BaseModel):
    valid: bool
    models: int | None
    versions: int | None
    problems: list[dict[str, Any]]
    warnings: list[Any]


@contextlib.contextmanager
def _as_tool(warnings: list[str]) -> Iterator[None]:
    """The CLI's errors as tool errors (message and hint), its warnings collected."""
    from mcp.server.mcpserver.exceptions import ToolError

    warning_sink.set_sink(warnings.append)
    try:
        yield
    except IdpError as exc:
        raise ToolError(exc.message + (f"\nhint: {exc.hint}" if exc.hint else "")) from exc


def _run(work: Callable[[list[str]], T]) -> T:
    warnings: list[str] = []
    with _as_tool(warnings):
        return work(warnings)


def _catalog(catalog: str | None, catalog_ref: str | None, published: bool = False) -> Any:
    from idp_cli.catalog.read import open_catalog
    from idp_cli.catalog.sources import resolve_source
    from idp_cli.config import choose_catalog

    return open_catalog(resolve_source(choose_catalog(catalog, catalog_ref), published=published))


def search_models(
    query: str = "",
    task: str | None = None,
    model_type: str | None = None,
    lifecycle: str | None = None,
    protocol: str | None = None,
    tag: str | None = None,
    all_versions: bool = False,
    catalog: str | None = None,
    catalog_ref: str | None = None,
) -> ModelList:
    """Models of the catalog (each model's default version, or every version with
    all_versions), filtered like `idp models list`: query words are found at the start of words
    in the name, display name, description, tags and tasks."""
    from idp_cli.catalog.model import version_key
    from idp_cli.catalog.query import Filters, select
    from idp_cli.cli.models import row

    def work(warnings: list[str]) -> ModelList:
        filters = Filters(
            task=task,
            model_type=model_type,
            lifecycle=lifecycle,
            protocol=protocol,
            tag=tag,
            text=query or None,
            all_versions=all_versions,
        )
        found = select(_catalog(catalog, catalog_ref), filters)
        found.sort(key=lambda v: version_key(v.version), reverse=True)
        found.sort(key=lambda v: v.model.name)
        return ModelList(models=[ModelRow(**row(v)) for v in found], warnings=warnings)

    return _run(work)


def show_model(ref: str, catalog: str | None = None, catalog_ref: str | None = None) -> ModelCard:
    """A model version's card (name, name@version or name@alias): description, license,
    lifecycle, signature, metrics, endpoints, other versions; the data of `idp models show`."""
    from idp_cli.catalog.query import resolve
    from idp_cli.output.card import card_data

    def work(warnings: list[str]) -> ModelCard:
        version = resolve(_catalog(catalog, catalog_ref), ref)
        return ModelCard(**card_data(version), warnings=warnings)

    return _run(work)


def list_templates(catalog: str | None = None, catalog_ref: str | None = None) -> TemplateList:
    """The templates (apps for new_project, components for `idp add`), each with the models it
    can serve and, for the others, why not."""
    from idp_cli.binding import fit_catalog
    from idp_cli.templates.sources import available

    def work(warnings: list[str]) -> TemplateList:
        loaded = _catalog(catalog, catalog_ref)
        found = []
        for template in available(kind=None):
            if template.kind == "part":
                continue
            fit = fit_catalog(template, loaded)
            found.append(
                TemplateFit(
                    name=template.name,
                    kind=template.kind,
                    title=template.title,
                    description=template.description,
                    compatible=[v.ref for v in fit.fitting],
                    incompatible=[
                        {"ref": m.version.ref, "reasons": m.reasons} for m in fit.misfits
                    ],
                )
            )
        return TemplateList(templates=found, warnings=warnings)

    return _run(work)


def new_project(
    destination: str,
    template: str,
    model: str,
    data: dict[str, str] | None = None,
    ci: str = DEFAULT_CI,
    dry_run: bool = True,
    catalog: str | None = None,
    catalog_ref: str | None = None,
) -> NewProject:
    """Generate a project from a template bound to a model, as `idp new --defaults`. With
    dry_run (the default) nothing is written: the files and answers it would have. Without,
    `destination` must be a new or empty folder, and nothing is written outside it."""
    from idp_cli.project import new as core

    def work(warnings: list[str]) -> NewProject:
        def read() -> tuple[Any, Any]:
            from idp_cli.catalog.read import open_catalog
            from idp_cli.catalog.sources import resolve_source
            from idp_cli.config import choose_catalog

            source = resolve_source(choose_catalog(catalog, catalog_ref), published=True)
            return open_catalog(source), source

        request = core.Request(
            destination=Path(destination),
            template=template,
            catalog=read,
            model=model,
            data=dict(data or {}),
            ci=ci,
            pretend=dry_run,
        )
        plan = core.plan(request)
        made = core.apply(plan)
        return NewProject(
            destination=str(made.destination),
            template=made.template,
            model=made.model,
            dry_run=dry_run,
            files=made.files,
            answers=plan.answers,
            warnings=warnings,
        )

    return _run(work)


def check_project(
    path: str, catalog: str | None = None, catalog_ref: str | None = None
) -> ProjectCheck:
    """Whether a generated project's template or bound model versions are out of date, binding
    by binding, with the reasons (`idp check -o json`)."""
    from idp_cli.project.check import check_project as check

    def work(warnings: list[str]) -> ProjectCheck:
        report = check(Path(path), catalog, catalog_ref)
        return ProjectCheck(**report.as_dict(), warnings=warnings)

    return _run(work)


def validate_catalog(source: str | None = None, catalog_ref: str | None = None) -> Validation:
    """Every problem of a catalog (file, line, column, field) and its warnings, as
    `idp catalog validate -o json`; valid is false when there is a problem."""
    from idp_cli.catalog.read import load
    from idp_cli.catalog.sources import resolve_source
    from idp_cli.cli.catalog import validation_report
    from idp_cli.config import choose_catalog

    def work(warnings: list[str]) -> Validation:
        loaded = load(
            resolve_source(choose_catalog(source, catalog_ref)), use_cache=False, summary=True
        )
        report = validation_report(loaded)
        return Validation(
            valid=not loaded.problems,
            models=report["models"],
            versions=report["versions"],
            problems=report["problems"],
            warnings=report["warnings"] + warnings,
        )

    return _run(work)


TOOLS = (search_models, show_model, list_templates, new_project, check_project, validate_catalog)


def server() -> Any:
    from mcp.server.mcpserver import MCPServer

    made = MCPServer("idp", version=__version__, instructions=INSTRUCTIONS)
    for tool in TOOLS:
        made.add_tool(tool, structured_output=True)
    return made
