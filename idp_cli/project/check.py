"""`idp check`'s work: read the project's answers, its template's versions and the catalog,
and report what drifted (`idp update` starts from the same template state). Never imports
Copier."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idp_cli.catalog.read import open_catalog
from idp_cli.errors import NotFound
from idp_cli.project import bindings, catalog_source, drift
from idp_cli.project.answers import Answers
from idp_cli.project.bindings import Binding
from idp_cli.templates import snapshots, versions


def template_source(answers: Answers) -> tuple[str, bool]:
    """Where the template's versions are read from, and whether it is a bundled one (whose
    repository this idp makes in the cache, adding its own version)."""
    name = snapshots.bundled_name(answers.src_path)
    if name is None:
        from idp_cli.templates import plugin_templates

        if plugin_templates.named(answers.src_path) is not None:  # a plug-in's, as installed
            return str(plugin_templates.installed_repository(answers.src_path)), False
        return answers.src_path, False
    from idp_cli.templates.discovery import bundled

    folder = next((t for t in bundled(kind=None) if t.name == name), None)
    if folder is None:
        raise NotFound(
            f"{answers.path}: the project was generated from bundled template {name!r}, "
            "which this idp no longer has",
            hint="Install the idp version that bundles it, or move the project to a template "
            "in git by editing _src_path and _commit.",
        )
    return str(snapshots.ensure(name, Path(folder.src))), True


def template_state(
    answers: Answers, target_ref: str | None = None
) -> tuple[drift.TemplateDrift, versions.Remote]:
    """The project's template version against `target_ref` (default: the newest tag, else
    the newest commit), and the template repository's tags."""
    src, is_bundled = template_source(answers)
    remote = versions.list_remote(src)
    if target_ref is not None:
        newest = target_ref
    else:
        newest = versions.newest_tag(list(remote.tags)) or remote.head[:7]
    current = answers.commit
    state = drift.TemplateDrift(
        src=answers.src_path,
        bundled=is_bundled,
        current=current,
        newest=newest,
        outdated=versions.is_newer(newest, current, remote),
    )
    return state, remote


@dataclass
class BindingReport:
    binding: Binding
    report: drift.Report

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.binding.name,
            "answers_file": self.binding.answers_file,
            **self.report.as_dict(),
        }


@dataclass
class ProjectReport:
    """Every binding's report. A project with one answers file is reported as before there
    were several (scripts read that shape); with more, binding by binding."""

    project: str
    bindings: list[BindingReport]
    several: bool  # the project holds more than one answers file

    @property
    def outdated(self) -> bool:
        return any(b.report.outdated for b in self.bindings)

    def reasons(self) -> list[str]:
        if not self.several:
            return self.bindings[0].report.reasons()
        return [f"{b.binding.name}: {r}" for b in self.bindings for r in b.report.reasons()]

    def as_dict(self) -> dict[str, Any]:
        if not self.several:
            return self.bindings[0].report.as_dict()
        return {
            "project": self.project,
            "outdated": self.outdated,
            "reasons": self.reasons(),
            "bindings": [b.as_dict() for b in self.bindings],
        }


def check_project(
    project: Path, catalog: str | None, catalog_ref: str | None, binding: str | None = None
) -> ProjectReport:
    """Each binding's report, or the one `binding` names."""
    found = bindings.find(project)
    chosen = bindings.select(found, binding)
    reports = [BindingReport(b, check_binding(b, catalog, catalog_ref)) for b in chosen]
    return ProjectReport(str(project), reports, several=len(found) > 1)


def check_binding(
    b: bindings.Binding, catalog: str | None, catalog_ref: str | None
) -> drift.Report:
    """One binding's report: its answers file's, and its parts' (`idp new`'s components)."""
    report = check_answers(b.answers, catalog, catalog_ref)
    # a part's template may have a newer version of its own (`idp update` updates it)
    report.parts = {bindings.part_name(part.path.name): template_state(part)[0] for part in b.parts}
    if b.parts:  # what the app's version to update to lists: parts it adds or drops
        from idp_cli.project import part_changes

        t = report.template
        changes = part_changes.between(b.answers, b.parts, t.target)
        report.parts_added = [p.name for p in [*changes.added, *changes.unbound]]
        report.parts_dropped = [bindings.part_name(a.path.name) for a in changes.dropped]
    return report


def check_answers(answers: Answers, catalog: str | None, catalog_ref: str | None) -> drift.Report:
    project = answers.project
    template, _ = template_state(answers)
    if answers.model_ref is None:  # a template without a model binding
        return drift.Report(str(project), template, None, None)
    source = catalog_source.for_project(answers, catalog, catalog_ref)
    loaded = open_catalog(source)
    commit, _ = source.revision()
    state = drift.CatalogState(
        source=source.display,
        recorded_commit=answers.text("catalog_commit"),
        current_commit=commit or "",
    )
    from idp_cli.templates.discovery import at_version

    # the template version `idp update` would render decides which successors it can bind
    rendered = at_version(answers.src_path, template.target)
    model = drift.model_drift(loaded, answers, rendered)
    return drift.Report(str(project), template, model, state)
