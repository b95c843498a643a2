"""A model version's card, in sections a person can read in a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from idp_cli.catalog.model import Version, version_key
from idp_cli.output import console
from idp_cli.output.styles import LIFECYCLE_STYLE as _LIFECYCLE_STYLE


def card_data(version: Version) -> dict[str, Any]:
    model = {k: v for k, v in version.model.raw.items() if k != "versions"}
    return {
        "ref": version.ref,
        "model": model,
        "version": version.raw,
        "isDefault": version.is_default,
        "otherVersions": [
            {"version": v.version, "aliases": v.aliases, "lifecycle": v.lifecycle}
            for v in _ordered(version)
            if v.version != version.version
        ],
    }


def _ordered(version: Version) -> list[Version]:
    return sorted(version.model.versions, key=lambda v: version_key(v.version), reverse=True)


def _fields(rows: list[tuple[str, str | None]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        if value:
            table.add_row(label, escape(value))
    return table


def _section(title: str, body: RenderableType) -> RenderableType:
    return Group(Text(""), Text(title, style="bold underline"), Padding(body, (0, 0, 0, 2)))


def _columns(columns: list[dict[str, Any]], with_required: bool) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("NAME")
    table.add_column("TYPE")
    if with_required:
        table.add_column("REQUIRED")
    table.add_column("VALUES / DESCRIPTION", overflow="fold")
    for column in columns:
        detail = ", ".join(str(v) for v in column.get("enum") or []) or column.get(
            "description", ""
        )
        cells = [escape(column["name"]), column["type"]]
        if with_required:
            cells.append("yes" if column.get("required", True) else "no")
        cells.append(escape(str(detail)))
        table.add_row(*cells)
    return table


def print_card(version: Version) -> None:
    model = version.model
    raw = version.raw
    style = _LIFECYCLE_STYLE.get(version.lifecycle, "white")
    title = Text.assemble(
        (model.display_name, "bold"),
        "  ",
        (version.ref, "cyan"),
        "  ",
        (version.lifecycle, style),
        ("  (default)" if version.is_default else "", "dim"),
    )
    parts: list[RenderableType] = [title, Text(model.description)]

    if version.successor:
        deprecation = raw.get("deprecation") or {}
        sunset = f", sunset {deprecation['sunsetDate']}" if deprecation.get("sunsetDate") else ""
        reason = f" {deprecation['reason']}" if deprecation.get("reason") else ""
        parts.append(
            Text(
                f"This version is {version.lifecycle}{sunset}: use {version.successor}.{reason}",
                style="yellow",
            )
        )

    links = ", ".join(f"{link['title']} <{link['url']}>" for link in model.raw.get("links", []))
    parts.append(
        _section(
            "Model",
            _fields(
                [
                    ("Owner", model.owner),
                    ("Provider", model.raw.get("provider")),
                    ("Type", model.model_type),
                    ("Tasks", ", ".join(model.tasks)),
                    (
                        "License",
                        model.license
                        + (
                            f" ({model.raw['licenseLink']})" if model.raw.get("licenseLink") else ""
                        ),
                    ),
                    ("Languages", ", ".join(model.raw.get("language", []))),
                    ("Tags", ", ".join(model.tags)),
                    ("Links", links),
                ]
            ),
        )
    )

    framework = raw.get("framework") or {}
    artifact = raw.get("artifact") or {}
    base = raw.get("baseModel") or {}
    llm = raw.get("llm") or {}
    resources = raw.get("resources") or {}
    runtime = (raw.get("serving") or {}).get("runtime") or {}
    parts.append(
        _section(
            f"Version {version.version}",
            _fields(
                [
                    ("Aliases", ", ".join(version.aliases)),
                    ("Released", version.released_at),
                    ("Changes", raw.get("changelog")),
                    (
                        "Framework",
                        " ".join(filter(None, [framework.get("name"), framework.get("version")])),
                    ),
                    (
                        "Artifact",
                        " ".join(
                            filter(
                                None,
                                [
                                    artifact.get("uri"),
                                    artifact.get("format") and f"({artifact['format']})",
                                ],
                            )
                        ),
                    ),
                    ("Digest", artifact.get("digest")),
                    (
                        "Base model",
                        " ".join(
                            filter(
                                None,
                                [base.get("id"), base.get("relation") and f"({base['relation']})"],
                            )
                        ),
                    ),
                    (
                        "Context",
                        f"{llm['contextLength']:,} tokens" if llm.get("contextLength") else None,
                    ),
                    (
                        "Tool calling",
                        ("yes" if llm["toolCalling"] else "no") if "toolCalling" in llm else None,
                    ),
                    ("Resources", ", ".join(f"{k} {v}" for k, v in resources.items())),
                    (
                        "Runtime",
                        " ".join(filter(None, [runtime.get("name"), runtime.get("version")])),
                    ),
                ]
            ),
        )
    )

    signature = version.signature
    if signature.get("inputs"):
        parts.append(_section("Inputs", _columns(signature["inputs"], with_required=True)))
    if signature.get("outputs"):
        parts.append(_section("Outputs", _columns(signature["outputs"], with_required=False)))
    if signature.get("params"):
        params = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("NAME", "TYPE", "DEFAULT"):
            params.add_column(column)
        for param in signature["params"]:
            params.add_row(
                escape(param["name"]), param["type"], escape(str(param.get("default", "")))
            )
        parts.append(_section("Parameters", params))
    if signature.get("example"):
        example = ", ".join(f"{k}={v!r}" for k, v in signature["example"].items())
        parts.append(_section("Example", Text(example)))

    if raw.get("metrics"):
        metrics = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("METRIC", "VALUE", "DATASET"):
            metrics.add_column(column)
        for metric in raw["metrics"]:
            metrics.add_row(
                escape(metric["type"]), f"{metric['value']:g}", escape(metric.get("dataset") or "")
            )
        parts.append(_section("Metrics", metrics))

    if version.endpoints:
        endpoints = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("ENDPOINT", "ENVIRONMENT", "PROTOCOL", "URL", "MODEL ID", "AUTH"):
            endpoints.add_column(column, overflow="fold")
        for endpoint in version.endpoints:
            auth = endpoint.raw.get("auth") or {}
            auth_text = auth.get("type", "none") + (
                f" (${auth['tokenEnv']})" if auth.get("tokenEnv") else ""
            )
            endpoints.add_row(
                escape(endpoint.name),
                endpoint.environment,
                endpoint.protocol,
                escape(endpoint.url + (endpoint.raw.get("routePrefix") or "")),
                escape(endpoint.model_id) or "-",
                escape(auth_text),
            )
        parts.append(_section("Endpoints", endpoints))

    others = [v for v in _ordered(version) if v.version != version.version]
    if others:
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("VERSION", "LIFECYCLE", "ALIASES"):
            table.add_column(column)
        for other in others:
            table.add_row(
                escape(other.version),
                f"[{_LIFECYCLE_STYLE.get(other.lifecycle, 'white')}]{other.lifecycle}[/]",
                escape(", ".join(other.aliases)),
            )
        parts.append(_section("Other versions", table))

    console.out().print(Group(*parts))
