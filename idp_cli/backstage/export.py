"""The catalog as Backstage entities (`idp catalog export --format backstage`).

Per model a `Resource` of type `ai-model`; per serving endpoint of every version that is not
archived an `API` (its type is the endpoint's protocol) and a `Component` of type
`model-server` that provides it and depends on the model's Resource. Names come from
`idp_cli.backstage.names`, the same functions generated projects' `catalog-info.yaml` uses, so
`dependsOn` / `consumesApis` there resolve to these entities.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from idp_cli.backstage.names import endpoint_api, entity_name, model_resource
from idp_cli.catalog.model import Catalog, Endpoint, Model, Version, version_key
from idp_cli.errors import IdpError

API_VERSION = "backstage.io/v1alpha1"
PREFIX = "idp.example.internal"
GENERATED_BY = "idp catalog export"
LOCATION_FILE = "location.yaml"

# CATALOG.md: idp lifecycle -> Backstage lifecycle; archived is not exported
LIFECYCLE = {
    "experimental": "experimental",
    "staging": "experimental",
    "production": "production",
    "deprecated": "deprecated",
}

_TAG_INVALID = re.compile(r"[^a-z0-9:+#]+")
MAX_TAG = 63


def lifecycle(idp_lifecycle: str) -> str | None:
    """The Backstage lifecycle of an idp lifecycle; None for one that is not exported."""
    return LIFECYCLE.get(idp_lifecycle)


def _exported_lifecycle(version: Version) -> str:
    # only exported versions get here (exported_versions leaves the others out)
    mapped = lifecycle(version.lifecycle)
    assert mapped is not None
    return mapped


def tag(value: str) -> str:
    """A valid Backstage tag (^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$, <= 63 chars), or "" if nothing
    of the value survives."""
    text = _TAG_INVALID.sub("-", value.lower()).strip("-")
    return text[:MAX_TAG].rstrip("-")


def tags(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        cleaned = tag(value)
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return out


def _name(ref: str) -> str:
    """`kind:namespace/name` -> `name`."""
    return ref.rsplit("/", 1)[-1]


def _a(key: str) -> str:
    return f"{PREFIX}/{key}"


def exported_versions(model: Model) -> list[Version]:
    return [v for v in model.versions if lifecycle(v.lifecycle) is not None]


def headline_version(model: Model) -> Version | None:
    """The version whose lifecycle the model's Resource carries: the default version unless it
    is archived, else the newest exported one; None when every version is archived."""
    default = model.default_version
    if default is not None and lifecycle(default.lifecycle) is not None:
        return default
    live = exported_versions(model)
    return max(live, key=lambda v: (version_key(v.version), v.released_at), default=None)


def _metadata(
    name: str,
    *,
    title: str,
    description: str,
    annotations: dict[str, str],
    tag_values: list[str],
    links: list[dict[str, str]],
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "title": title}
    if description:
        meta["description"] = description
    meta["annotations"] = {k: v for k, v in annotations.items() if v}
    cleaned = tags(tag_values)
    if cleaned:
        meta["tags"] = cleaned
    if links:
        meta["links"] = links
    return meta


def resource(model: Model, headline: Version, source_id: str) -> dict[str, Any]:
    raw = model.raw
    links = [
        {k: str(link[k]) for k in ("url", "title") if link.get(k)}
        for link in raw.get("links") or []
        if link.get("url")
    ]
    if raw.get("licenseLink"):
        links.append({"url": str(raw["licenseLink"]), "title": "License", "type": "license"})
    mapped = _exported_lifecycle(headline)
    return {
        "apiVersion": API_VERSION,
        "kind": "Resource",
        "metadata": _metadata(
            _name(model_resource(model.name)),
            title=model.display_name,
            description=model.description.strip(),
            annotations={
                _a("model-name"): model.name,
                _a("model-type"): model.model_type,
                _a("tasks"): ",".join(model.tasks),
                _a("license"): model.license,
                _a("provider"): str(raw.get("provider") or ""),
                _a("language"): ",".join(str(x) for x in raw.get("language") or []),
                _a("default-version"): headline.version,
                _a("lifecycle"): headline.lifecycle,
                _a("versions"): ",".join(v.version for v in exported_versions(model)),
                _a("catalog-source"): source_id,
            },
            tag_values=[*model.tags, model.model_type],
            links=links,
        ),
        "spec": {"type": "ai-model", "owner": model.owner, "lifecycle": mapped},
    }


def _definition(version: Version, endpoint: Endpoint) -> str:
    import yaml

    raw = endpoint.raw
    auth = raw.get("auth") or {}
    data: dict[str, Any] = {
        "protocol": endpoint.protocol,
        "url": endpoint.url,
        "routePrefix": raw.get("routePrefix"),
        "modelId": endpoint.model_id or None,
        "modelVersion": raw.get("modelVersion"),
        "model": version.ref,
        "environment": endpoint.environment,
        "capabilities": endpoint.capabilities or None,
        "auth": {k: str(auth[k]) for k in ("type", "tokenEnv") if auth.get(k)} or None,
    }
    text: str = yaml.safe_dump(
        {k: v for k, v in data.items() if v is not None}, sort_keys=False, allow_unicode=True
    )
    return text


def api(model: Model, version: Version, endpoint: Endpoint) -> dict[str, Any]:
    mapped = _exported_lifecycle(version)
    return {
        "apiVersion": API_VERSION,
        "kind": "API",
        "metadata": _metadata(
            _name(endpoint_api(model.name, version.version, endpoint.name)),
            title=f"{model.display_name} {version.version} ({endpoint.name})",
            description=f"{endpoint.protocol} endpoint `{endpoint.name}` "
            f"({endpoint.environment}) serving {version.ref}.",
            annotations={
                _a("protocol"): endpoint.protocol,
                _a("endpoint-url"): endpoint.url,
                _a("endpoint-name"): endpoint.name,
                _a("environment"): endpoint.environment,
                _a("model-ref"): version.ref,
                _a("model-name"): model.name,
                _a("model-version"): version.version,
                _a("model-id"): endpoint.model_id,
                _a("lifecycle"): version.lifecycle,
                _a("successor"): version.successor or "",
            },
            tag_values=[endpoint.protocol, endpoint.environment, *endpoint.capabilities],
            links=[{"url": endpoint.url, "title": f"{endpoint.name} endpoint"}],
        ),
        "spec": {
            "type": endpoint.protocol,
            "lifecycle": mapped,
            "owner": model.owner,
            "definition": _definition(version, endpoint),
        },
    }


def component(model: Model, version: Version, endpoint: Endpoint) -> dict[str, Any]:
    mapped = _exported_lifecycle(version)
    api_ref = endpoint_api(model.name, version.version, endpoint.name)
    runtime = (version.raw.get("serving") or {}).get("runtime") or {}
    return {
        "apiVersion": API_VERSION,
        "kind": "Component",
        "metadata": _metadata(
            entity_name(_name(api_ref), "server"),
            title=f"{model.display_name} {version.version} server ({endpoint.name})",
            description=f"The server behind {endpoint.url} for {version.ref}.",
            annotations={
                _a("protocol"): endpoint.protocol,
                _a("endpoint-url"): endpoint.url,
                _a("environment"): endpoint.environment,
                _a("model-ref"): version.ref,
                _a("runtime"): str(runtime.get("name") or ""),
                _a("runtime-version"): str(runtime.get("version") or ""),
            },
            tag_values=[endpoint.protocol, endpoint.environment, str(runtime.get("name") or "")],
            links=[],
        ),
        "spec": {
            "type": "model-server",
            "lifecycle": mapped,
            "owner": model.owner,
            "providesApis": [api_ref],
            "dependsOn": [model_resource(model.name)],
        },
    }


def entities(catalog: Catalog) -> list[dict[str, Any]]:
    """Every entity of the catalog, model by model: the Resource, then an API and a Component
    per endpoint of each exported version. Models whose versions are all archived are left
    out. Two entities of one kind with one name (models whose names differ only in characters
    Backstage does not allow) are an error, not a silent overwrite."""
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}

    def add(entity: dict[str, Any], origin: str) -> None:
        key = (entity["kind"], entity["metadata"]["name"])
        if key in seen:
            raise IdpError(
                f"{origin} and {seen[key]} both export as {key[0]} `{key[1]}`",
                hint="Rename one of them: Backstage names keep only [a-z0-9-_.] "
                "and at most 63 characters.",
            )
        seen[key] = origin
        out.append(entity)

    for model in catalog.models:
        headline = headline_version(model)
        if headline is None:
            continue
        add(resource(model, headline, catalog.source_id), model.name)
        for version in exported_versions(model):
            for endpoint in version.endpoints:
                origin = f"{version.ref} endpoint `{endpoint.name}`"
                add(api(model, version, endpoint), origin)
                add(component(model, version, endpoint), origin)
    return out


def file_name(entity: dict[str, Any]) -> str:
    return f"{str(entity['kind']).lower()}-{entity['metadata']['name']}.yaml"


def location(catalog: Catalog, targets: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "Location",
        "metadata": {
            "name": entity_name("idp-catalog", catalog.source_id or "export"),
            "description": "The idp model catalog, exported by `idp catalog export`.",
            "annotations": {_a("generated-by"): GENERATED_BY},
        },
        "spec": {"targets": [f"./{t}" for t in targets]},
    }


def dump(entity_list: list[dict[str, Any]]) -> str:
    """One multi-document YAML; multi-line strings (API definitions) as literal blocks."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, string)
    text: str = yaml.dump_all(
        entity_list,
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        explicit_start=True,
    )
    return text


def _written_earlier(folder: Path) -> bool:
    """True when the folder holds only what an earlier export wrote: our location.yaml and
    the files it lists."""
    import yaml

    names = {p.name for p in folder.iterdir()}
    if LOCATION_FILE not in names:
        return False
    try:
        loc = yaml.safe_load((folder / LOCATION_FILE).read_text(encoding="utf-8"))
        annotations = loc["metadata"]["annotations"]
        targets = loc["spec"]["targets"]
        ours = loc["kind"] == "Location" and annotations.get(_a("generated-by")) == GENERATED_BY
        listed = {str(t).removeprefix("./") for t in targets}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return False
    return (
        ours
        and names <= listed | {LOCATION_FILE}
        and all((folder / n).is_file() and not (folder / n).is_symlink() for n in names)
    )


def write_dir(catalog: Catalog, entity_list: list[dict[str, Any]], out_dir: Path) -> list[str]:
    """One file per entity plus location.yaml, written into a temporary folder beside
    `out_dir` and moved into place, so readers never see half an export. `out_dir` must be
    missing, empty, or hold only an earlier export (which is replaced, stale files included).
    Returns the file names written."""
    if out_dir.exists() or out_dir.is_symlink():
        if not out_dir.is_dir() or out_dir.is_symlink():
            raise IdpError(f"{out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not _written_earlier(out_dir):
            raise IdpError(
                f"refusing to write into {out_dir}: it holds files an earlier "
                "`idp catalog export` did not write",
                hint="Choose a missing or empty folder, or one holding only a previous export.",
            )
    files = [file_name(e) for e in entity_list]
    documents = {name: dump([e]) for name, e in zip(files, entity_list, strict=True)}
    documents[LOCATION_FILE] = dump([location(catalog, files)])

    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    # mkdir (not mkdtemp) so the folder gets the usual umask permissions, not 0700
    staging = parent / f".{out_dir.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    staging.mkdir()
    old: Path | None = None
    try:
        for name, text in documents.items():
            (staging / name).write_text(text, encoding="utf-8")
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=parent))
            os.replace(out_dir, old / "previous")
        os.replace(staging, out_dir)
    except BaseException:
        if old is not None and (old / "previous").exists() and not out_dir.exists():
            os.replace(old / "previous", out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return [*files, LOCATION_FILE]
