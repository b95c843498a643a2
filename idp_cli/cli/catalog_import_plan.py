"""`idp catalog import KIND` without a URI: the import run and its plan printed (a table of
the versions it adds and skips, the alias moves, the branch), or as JSON/YAML."""

from __future__ import annotations

import os
from collections.abc import Mapping

from idp_cli.catalog.sources import Source
from idp_cli.output import console
from idp_cli.output.render import Format, emit
from idp_cli.redaction import redact


def run_import(
    source: Source,
    kind: str,
    options: Mapping[str, str | None],
    *,
    filters: list[str],
    mapping: dict[str, str],
    lifecycle: str,
    from_default_version: bool,
    pretend: bool,
    commit: bool,
    branch: str | None,
    names: Mapping[str, str],
    output: Format,
) -> None:
    from idp_cli import importers
    from idp_cli.publish.registry_import import import_registry
    from idp_cli.publish.registry_plan import ImportRequest

    importer = importers.load(kind)
    if not importers.can_list(importer):
        raise importers.RegistryError(
            f"the {kind} importer reads one version at a time: pass its URI",
            hint=f"e.g. idp catalog import {kind} URI; importing every new version needs an "
            "importer that lists its registry (registered(), docs/plugins.md).",
        )
    registry = f"the {kind} registry"
    tracking = options.get("tracking_uri") or (
        os.environ.get("MLFLOW_TRACKING_URI") if kind == "mlflow" else None
    )
    if tracking:
        registry += f" at {redact(tracking)}"
    request = ImportRequest(
        kind=kind,
        options=options,
        registry=registry,
        filters=filters,
        mapping=mapping,
        lifecycle=lifecycle,
        from_default_version=from_default_version,
        pretend=pretend,
        commit=commit,
        branch=branch,
        names=names,
    )
    plan = import_registry(source, importer, request)  # type: ignore[arg-type]

    def table() -> None:
        _print_plan(plan)

    emit(plan.to_dict(), output, table)


def _print_plan(plan: object) -> None:
    from idp_cli.output.plain import print_table
    from idp_cli.publish.registry_import import skipped
    from idp_cli.publish.registry_plan import ImportPlan

    assert isinstance(plan, ImportPlan)
    out = console.out()
    new = plan.new()
    present = sum(v.status == "present" for m in plan.models for v in m.versions)
    left_out = skipped(plan)
    if new:
        print_table(
            ["REGISTERED", "CATALOG MODEL", "VERSION", "LIFECYCLE", "ALIASES", "INHERITED"],
            [
                [
                    f"{m.registered}/{v.version}",
                    m.model or "-",
                    v.version,
                    v.lifecycle or "-",
                    ", ".join(v.aliases) or "-",
                    ", ".join(v.inherited) or "-",
                ]
                for m, v in new
            ],
        )
    for model in plan.models:
        for move in model.alias_moves:
            out.print(move.describe(model.model or model.registered), markup=False)
    for model, version in left_out:
        if version is None:
            out.print(f"Skipped {model.registered}: {model.reason}", markup=False)
        else:
            out.print(f"Skipped {version.source}: {version.reason}", markup=False)
    counts = (
        f"{console.counted(len(new), 'new version')}, {len(left_out)} skipped, "
        f"{present} already in the catalog ({plan.registry})"
    )
    out.print(counts, markup=False)
    if not plan.changes():
        out.print("Nothing to import: the catalog has every version it can take.", markup=False)
        return
    if plan.pretend:
        out.print(f"Files: {', '.join(plan.files)}", markup=False)
        out.print("Nothing written (--pretend).", markup=False)
    else:
        from idp_cli.cli.catalog_edits import print_written

        print_written([], plan)  # as publish and alias report what they wrote
