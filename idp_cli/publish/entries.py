"""The version entry and the model-level fields to publish, from a request: its values over
an optional YAML fragment, checked for what every version needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idp_cli.catalog.vocabulary import LIFECYCLES
from idp_cli.publish.edit import round_trip
from idp_cli.publish.nodes import flow_list, flow_map, quoted
from idp_cli.publish.request import PublishError, Request
from idp_cli.publish.signature import read_signature


def build_entries(request: Request) -> tuple[str, Any, dict[str, Any]]:
    """(model name, version entry, model-level fields) from the request and its fragment."""
    from ruamel.yaml.comments import CommentedMap

    entry: Any = CommentedMap()
    model_fields: dict[str, Any] = {}
    name = request.model
    if request.from_file is not None:
        entry, fragment_model = _read_fragment(request.from_file, request.name("from_file"))
        if fragment_model is not None:
            fragment_name = fragment_model.pop("name", None)
            name = name or (str(fragment_name) if fragment_name else None)
            model_fields.update(fragment_model)
    imported = request.imported
    if imported is not None:
        name = name or imported.model
        for key, value in imported.fields.items():
            if key not in entry:
                put_in_order(entry, key, value)
    if not name:
        flag = request.name("model")
        raise PublishError(
            f"which model? pass {flag} NAME", hint=f"e.g. {flag} acme/churn-classifier"
        )
    model_fields.update({k: v for k, v in request.model_fields.items() if v not in (None, [])})
    if "tasks" in model_fields and not request.from_file:
        model_fields["tasks"] = flow_list(list(model_fields["tasks"]))

    def put(key: str, value: Any, after: tuple[str, ...] = ()) -> None:
        if key in entry:
            entry[key] = value
            return
        index = 0
        for position, existing in enumerate(entry):
            if existing in after:
                index = position + 1
        entry.insert(index, key, value)

    version = request.version or (imported.version if imported else None)
    if version is not None:
        put("version", quoted(version))
    aliases = [*request.aliases, *(imported.aliases if imported else [])]
    if aliases:
        put("aliases", flow_list(list(dict.fromkeys(aliases))), ("version",))
    if request.lifecycle is not None:
        put("lifecycle", request.lifecycle, ("version", "aliases"))
    order = ("version", "aliases", "lifecycle", "releasedAt", "changelog")
    if request.changelog is not None:
        put("changelog", request.changelog, order)
    if request.artifact_uri is not None:
        put("artifact", flow_map({"uri": request.artifact_uri}), (*order, "framework"))
    if request.signature_file is not None:
        signature = read_signature(request.signature_file, request.name("signature_file"))
        put("signature", signature, (*order, "framework", "artifact"))
    if request.endpoints:
        serving = entry.get("serving")
        if not isinstance(serving, dict):
            serving = CommentedMap()
            entry["serving"] = serving
        endpoints = serving.get("endpoints")
        if not isinstance(endpoints, list):
            endpoints = []
            serving["endpoints"] = endpoints
        endpoints.extend(_endpoint(endpoint) for endpoint in request.endpoints)
    _check(entry, request)
    return name.strip(), entry, model_fields


def _check(entry: Any, request: Request) -> None:
    version = entry.get("version")
    if version is None or str(version).strip() == "":
        flag = request.name("version")
        raise PublishError(f"which version? pass {flag} V", hint=f"e.g. {flag} 1.2.0")
    if not isinstance(version, str):  # `version: 1.10` in a fragment is the float 1.1
        raise PublishError(
            f"version {version!r} must be a string; write it in quotes",
            hint='e.g. version: "1.10.0"',
        )
    lifecycle = entry.get("lifecycle")
    if lifecycle not in LIFECYCLES:
        raise PublishError(
            f"unknown lifecycle {lifecycle!r}"
            if lifecycle is not None
            else f"which lifecycle? pass {request.name('lifecycle')}",
            hint=f"Use one of: {', '.join(LIFECYCLES)}.",
        )


def _endpoint(endpoint: dict[str, Any]) -> Any:
    """An endpoint as round-trip YAML, its small mappings and lists in flow style."""
    from ruamel.yaml.comments import CommentedMap

    entry = dict(endpoint)
    if "auth" in entry:
        entry["auth"] = flow_map(entry["auth"])
    entry["capabilities"] = flow_list(list(entry["capabilities"]))
    return CommentedMap(entry)


def _read_fragment(path: Path, input_name: str) -> tuple[Any, Any]:
    """(version entry, model-level fields or None) from a YAML fragment: a version entry, or
    a model entry whose `versions` holds the one version to publish."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    try:
        data = round_trip().load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise PublishError(
            f"{input_name} {path}: cannot be read: {str(exc).splitlines()[0]}",
            hint="Pass a YAML file holding one version entry (version:, lifecycle:, ...).",
        ) from None
    if not isinstance(data, CommentedMap):
        raise PublishError(
            f"{input_name} {path}: must be a mapping holding a version entry",
            hint='e.g. version: "1.2.0"\\nlifecycle: staging\\nartifact: {uri: s3://...}',
        )
    if "versions" not in data:
        return data, None
    versions = data.pop("versions")
    if not isinstance(versions, list) or len(versions) != 1:
        raise PublishError(
            f"{input_name} {path}: `versions` must hold exactly the one version to publish"
        )
    return versions[0], data


# A version entry's keys in the catalog's usual order, for keys a publish adds.
_ORDER = (
    "version", "aliases", "lifecycle", "releasedAt", "changelog", "deprecation", "framework",
    "artifact", "signature", "metrics", "resources", "llm", "serving", "labels",
)  # fmt: skip
# What a new version takes from the one named by `from_version` when not given itself: what
# it is and how it is served, not what was measured or where its artifact is.
INHERITED = ("framework", "signature", "resources", "llm", "serving")


def inherit(entry: Any, base: Any) -> list[str]:
    """Copies into `entry` the INHERITED fields of the version entry `base` that `entry`
    lacks (a `serving` given without a runtime takes the runtime); returns what it copied."""
    copied: list[str] = []
    for key in INHERITED:
        if key not in base:
            continue
        if key not in entry:
            put_in_order(entry, key, fresh(base[key]))
            copied.append(key)
        elif key == "serving" and _lacks_runtime(entry[key], base[key]):
            entry[key].insert(0, "runtime", fresh(base[key]["runtime"]))
            copied.append("serving.runtime")
    return copied


def _lacks_runtime(serving: Any, base: Any) -> bool:
    return (
        isinstance(serving, dict)
        and isinstance(base, dict)
        and "runtime" in base
        and "runtime" not in serving
    )


def put_in_order(entry: Any, key: str, value: Any) -> None:
    """`entry[key] = value`, a new key placed where the catalog's order puts it."""
    if key in entry:
        entry[key] = value
        return
    rank = _ORDER.index(key) if key in _ORDER else len(_ORDER)
    index = 0
    for position, existing in enumerate(entry):
        if (_ORDER.index(existing) if existing in _ORDER else len(_ORDER)) <= rank:
            index = position + 1
    entry.insert(index, key, value)


def fresh(node: Any) -> Any:
    """A copy of a loaded YAML node without its comments and positions, each collection in
    the style (block or flow) it was written in."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    flow = hasattr(node, "fa") and node.fa.flow_style()
    if isinstance(node, dict):
        mapping = CommentedMap((key, fresh(value)) for key, value in node.items())
        if flow:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(node, list):
        seq = CommentedSeq(fresh(item) for item in node)
        if flow:
            seq.fa.set_flow_style()
        return seq
    return node
