"""A model version's card, in sections a person can read in a terminal."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from idp_cli.catalog.model import Version, version_key
from idp_cli.output import console, layout
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


def _section(lines: list[Text], title: str, body: list[Text]) -> None:
    if body:
        lines += [Text(""), Text(title, style="bold underline"), *body]


def _columns(columns: list[dict[str, Any]], with_required: bool, width: int) -> list[Text]:
    headers = ["NAME", "TYPE", *(["REQUIRED"] if with_required else []), "VALUES / DESCRIPTION"]
    rows = []
    for column in columns:
        detail = ", ".join(str(v) for v in column.get("enum") or []) or column.get(
            "description", ""
        )
        required = ["yes" if column.get("required", True) else "no"] if with_required else []
        rows.append([column["name"], column["type"], *required, str(detail)])
    return layout.table(headers, rows, width)


def _joined(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def print_card(version: Version, *, no_pager: bool = False) -> None:
    from idp_cli.output.pager import print_paged

    print_paged(card_lines(version, console.width()), no_pager=no_pager)


def card_lines(version: Version, width: int) -> list[Text]:
    model = version.model
    raw = version.raw
    state = Text.assemble(
        (version.ref, "cyan"),
        "  ",
        (version.lifecycle, _LIFECYCLE_STYLE.get(version.lifecycle, "white")),
        ("  (default)" if version.is_default else "", "dim"),
    )
    name = Text(model.display_name, style="bold")
    title = Text.assemble(name, "  ", state)
    # the display name on a line of its own when the whole title does not fit
    lines = [title] if title.cell_len <= width else [name, state]
    lines += [Text(line) for line in layout.wrap(model.description, width)]

    if version.successor:
        deprecation = raw.get("deprecation") or {}
        sunset = f", sunset {deprecation['sunsetDate']}" if deprecation.get("sunsetDate") else ""
        reason = f" {deprecation['reason']}" if deprecation.get("reason") else ""
        notice = f"This version is {version.lifecycle}{sunset}: use {version.successor}.{reason}"
        lines += [Text(line, style="yellow") for line in layout.wrap(notice, width)]

    links = ", ".join(f"{link['title']} <{link['url']}>" for link in model.raw.get("links", []))
    licence_link = f"({model.raw['licenseLink']})" if model.raw.get("licenseLink") else None
    model_fields = [
        ("Owner", model.owner),
        ("Provider", model.raw.get("provider")),
        ("Type", model.model_type),
        ("Tasks", ", ".join(model.tasks)),
        ("License", _joined(model.license, licence_link)),
        ("Languages", ", ".join(model.raw.get("language", []))),
        ("Tags", ", ".join(model.tags)),
        ("Links", links),
    ]
    _section(lines, "Model", layout.fields(model_fields, width))

    framework = raw.get("framework") or {}
    artifact = raw.get("artifact") or {}
    base = raw.get("baseModel") or {}
    llm = raw.get("llm") or {}
    runtime = (raw.get("serving") or {}).get("runtime") or {}
    context = llm.get("contextLength")
    version_fields = [
        ("Aliases", ", ".join(version.aliases)),
        ("Released", version.released_at),
        ("Changes", raw.get("changelog")),
        ("Framework", _joined(framework.get("name"), framework.get("version"))),
        (
            "Artifact",
            _joined(artifact.get("uri"), artifact.get("format") and f"({artifact['format']})"),
        ),
        ("Digest", artifact.get("digest")),
        ("Base model", _joined(base.get("id"), base.get("relation") and f"({base['relation']})")),
        ("Context", f"{context:,} tokens" if context else None),
        ("Tool calling", ("yes" if llm["toolCalling"] else "no") if "toolCalling" in llm else None),
        ("Resources", ", ".join(f"{k} {v}" for k, v in (raw.get("resources") or {}).items())),
        ("Runtime", _joined(runtime.get("name"), runtime.get("version"))),
    ]
    _section(lines, f"Version {version.version}", layout.fields(version_fields, width))

    signature = version.signature
    if signature.get("inputs"):
        _section(lines, "Inputs", _columns(signature["inputs"], True, width))
    if signature.get("outputs"):
        _section(lines, "Outputs", _columns(signature["outputs"], False, width))
    if signature.get("params"):
        params = [[p["name"], p["type"], str(p.get("default", ""))] for p in signature["params"]]
        _section(lines, "Parameters", layout.table(["NAME", "TYPE", "DEFAULT"], params, width))
    if signature.get("example"):
        example = ", ".join(f"{k}={v!r}" for k, v in signature["example"].items())
        _section(lines, "Example", [Text("  " + line) for line in layout.wrap(example, width - 2)])

    if raw.get("metrics"):
        metrics = [[m["type"], f"{m['value']:g}", m.get("dataset") or ""] for m in raw["metrics"]]
        _section(lines, "Metrics", layout.table(["METRIC", "VALUE", "DATASET"], metrics, width))

    if version.endpoints:
        rows = []
        for endpoint in version.endpoints:
            auth = endpoint.raw.get("auth") or {}
            token = f"(${auth['tokenEnv']})" if auth.get("tokenEnv") else None
            rows.append(
                [
                    endpoint.name,
                    endpoint.environment,
                    endpoint.protocol,
                    endpoint.url + (endpoint.raw.get("routePrefix") or ""),
                    endpoint.model_id or "-",
                    _joined(auth.get("type", "none"), token),
                ]
            )
        headers = ["ENDPOINT", "ENVIRONMENT", "PROTOCOL", "URL", "MODEL ID", "AUTH"]
        _section(lines, "Endpoints", layout.table(headers, rows, width))

    others = [v for v in _ordered(version) if v.version != version.version]
    if others:
        rows = [[o.version, o.lifecycle, ", ".join(o.aliases)] for o in others]
        styles = [[None, _LIFECYCLE_STYLE.get(o.lifecycle), None] for o in others]
        headers = ["VERSION", "LIFECYCLE", "ALIASES"]
        _section(lines, "Other versions", layout.table(headers, rows, width, styles=styles))
    return lines
