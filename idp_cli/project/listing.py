"""`idp bindings`' work: each binding of a project (the app template's, each `idp add`'s),
with its template version, the model version it binds and that version's lifecycle in the
catalog now (the one `idp check` reads). Never imports Copier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idp_cli.catalog.model import Catalog, split_ref
from idp_cli.catalog.read import open_catalog
from idp_cli.project import bindings, catalog_source
from idp_cli.project.answers import ANSWERS_FILE, Answers
from idp_cli.templates.snapshots import bundled_name

NOT_IN_CATALOG = "not in catalog"


def _template(answers: Answers) -> dict[str, Any]:
    return {
        "template": bindings.template_name(answers.src_path),
        "bundled": bundled_name(answers.src_path) is not None,
        "template_version": answers.commit,
        "answers_file": answers.path.name,
    }


def _lifecycle(catalog: Catalog, ref: str) -> str:
    name, selector = split_ref(ref)
    model = catalog.get(name)
    version = model.find(selector or "") if model is not None else None
    if version is None or version.version != selector:
        return NOT_IN_CATALOG
    return version.lifecycle


def list_bindings(
    project: Path, catalog: str | None, catalog_ref: str | None
) -> list[dict[str, Any]]:
    """One entry per binding, the app's first; its parts (`.copier-answers.app-NAME.yml`)
    listed under it. Each catalog is read once, however many bindings record it."""
    opened: dict[str, Catalog] = {}
    rows: list[dict[str, Any]] = []
    for found in bindings.find(project):
        answers = found.answers
        row: dict[str, Any] = {"name": found.name, **_template(answers)}
        ref = answers.model_ref
        row["model_ref"] = ref
        row["recorded_lifecycle"] = str(answers.model.get("lifecycle") or "") or None
        row["lifecycle"] = None
        if ref is not None:
            source = catalog_source.for_project(answers, catalog, catalog_ref)
            if source.display not in opened:
                opened[source.display] = open_catalog(source)
            row["lifecycle"] = _lifecycle(opened[source.display], ref)
        row["app"] = answers.path.name == ANSWERS_FILE
        row["parts"] = [
            {"name": bindings.part_name(part.path.name), **_template(part)} for part in found.parts
        ]
        rows.append(row)
    return rows
