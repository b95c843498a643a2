"""A registered MLflow model version as a catalog version entry: its signature, input example
(and the categories the example shows), run metrics, artifact URI, framework and version, tags
as labels, description as changelog, and its registry aliases."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

from idp_cli.importers import Imported, RegisteredModel, RegistryError, UnusableVersion
from idp_cli.importers.mlflow.registry import NotInRegistry, Registry, open_registry
from idp_cli.importers.mlflow.uri import ModelUri, parse


class MlflowImporter:
    kind = "mlflow"

    def read(self, uri: str, options: Mapping[str, str | None]) -> Imported:
        """`options`: `tracking_uri` (else MLFLOW_TRACKING_URI), and `input_name` and
        `tracking_name`, how the caller's messages name the URI and the tracking URI."""
        input_name = options.get("input_name") or "URI"
        parsed = parse(uri, input_name)
        registry = open_registry(_tracking(options, uri))
        try:
            version, artifact, run_id = _locate(registry, parsed)
            run = registry.get("runs/get", {"run_id": run_id})["run"] if run_id else {}
        except NotInRegistry as exc:
            raise RegistryError(
                f"{uri}: not found in the MLflow registry at {registry.display} ({exc.message})",
                hint="Check the model's name and version or alias in the MLflow UI.",
            ) from None
        fields = _fields(registry, uri, input_name, artifact, version, run)
        return Imported(
            source=uri,
            model=str(version["name"]) if version else None,
            version=str(version["version"]) if version else None,
            fields=fields,
            aliases=[str(a) for a in version.get("aliases", [])] if version else [],
        )

    def registered(self, options: Mapping[str, str | None]) -> list[RegisteredModel]:
        """Every registered model, its versions and aliases; `options` as for `read`."""
        from idp_cli.importers.mlflow.listing import registered_models

        return registered_models(open_registry(_tracking(options, "the registry")))


def _tracking(options: Mapping[str, str | None], what: str) -> str:
    tracking = options.get("tracking_uri") or os.environ.get("MLFLOW_TRACKING_URI")
    if not tracking:
        flag = options.get("tracking_name") or "the tracking URI"
        raise RegistryError(
            f"which MLflow tracking server holds {what}? pass {flag}",
            hint=f"e.g. {flag} http://mlflow.internal:5000, or set MLFLOW_TRACKING_URI.",
        )
    return tracking


def _locate(registry: Registry, uri: ModelUri) -> tuple[dict[str, Any] | None, str, str | None]:
    """(the registered version or None for a run's model, its artifact URI, its run id)."""
    if uri.name is not None:
        if uri.alias is not None:
            found = registry.get("registered-models/alias", {"name": uri.name, "alias": uri.alias})
        else:
            assert uri.version is not None
            found = registry.get("model-versions/get", {"name": uri.name, "version": uri.version})
        version: dict[str, Any] = found["model_version"]
        where = registry.get(
            "model-versions/get-download-uri",
            {"name": uri.name, "version": str(version["version"])},
        )
        return version, str(where["artifact_uri"]), version.get("run_id") or None
    assert uri.run_id is not None and uri.path is not None
    run = registry.get("runs/get", {"run_id": uri.run_id})["run"]
    # MLflow 3 logs a model as a "logged model" of the run; MLflow 2 under the run's artifacts
    try:
        logged = registry.post(
            "logged-models/search",
            {
                "experiment_ids": [run["info"]["experiment_id"]],
                "filter": f"source_run_id = '{uri.run_id}' AND name = '{uri.path}'",
            },
        ).get("models", [])
    except NotInRegistry:  # an MLflow 2 server has no logged models
        logged = []
    if logged:
        return None, str(logged[0]["info"]["artifact_uri"]), uri.run_id
    return None, f"{run['info']['artifact_uri'].rstrip('/')}/{uri.path}", uri.run_id


def _fields(
    registry: Registry,
    uri: str,
    input_name: str,
    artifact: str,
    version: dict[str, Any] | None,
    run: dict[str, Any],
) -> dict[str, Any]:
    import yaml

    from idp_cli.publish.input_example import (
        ExampleError,
        apply_example,
        example_info,
        parse_example,
    )
    from idp_cli.publish.nodes import flow_map, quoted
    from idp_cli.publish.request import PublishError
    from idp_cli.publish.signature import signature_from_mlflow

    text = registry.artifact_text(f"{artifact}/MLmodel")
    if text is None:
        raise UnusableVersion(
            f"{uri}: no MLmodel file at {artifact} (or an artifact store idp cannot read)",
            hint="idp reads artifacts the tracking server serves (mlflow-artifacts:) or local "
            "files; otherwise download the model and pass --signature-file PATH/MLmodel.",
        )
    mlmodel = yaml.safe_load(text)
    if not isinstance(mlmodel, dict) or not isinstance(mlmodel.get("signature"), dict):
        raise UnusableVersion(
            f"{uri}: the model was logged without a signature",
            hint="Log it with one (mlflow.<flavor>.log_model(..., signature=infer_signature(X, "
            "y), input_example=X)) and register it again, or pass --signature-file.",
        )
    try:
        signature = signature_from_mlflow(mlmodel["signature"], input_name, uri)
    except PublishError as exc:  # a signature no catalog entry can hold: this version only
        raise UnusableVersion(exc.message) from None
    if not signature.get("inputs"):
        raise UnusableVersion(f"{uri}: the model's signature names no inputs")
    example = example_info(mlmodel)
    if example:
        example_text = registry.artifact_text(f"{artifact}/{example}")
        if example_text is not None:
            try:
                apply_example(signature, parse_example(example_text, f"{uri} {example}"))
            except ExampleError as exc:
                raise UnusableVersion(exc.message) from None
    fields: dict[str, Any] = {}
    framework = _framework(mlmodel.get("flavors"))
    if framework:
        # a version in quotes: `2.0` would be read back as a number
        fields["framework"] = flow_map(
            {k: quoted(v) if k == "version" else v for k, v in framework.items()}
        )
    fields["artifact"] = flow_map(
        {"uri": artifact, **({"format": framework["name"]} if framework else {})}
    )
    fields["signature"] = signature
    metrics = [
        flow_map({"type": str(m["key"]), "value": float(m["value"])})
        for m in run.get("data", {}).get("metrics", [])
        if isinstance(m.get("value"), int | float) and math.isfinite(m["value"])
    ]
    if metrics:
        fields["metrics"] = metrics
    labels = {
        str(t["key"]): str(t.get("value", ""))
        for t in (version or {}).get("tags", [])
        if not str(t.get("key", "")).startswith("mlflow.")
    }
    if labels:
        fields["labels"] = flow_map(labels)
    if version and str(version.get("description") or "").strip():
        fields["changelog"] = str(version["description"]).strip()
    return fields


def _framework(flavors: Any) -> dict[str, str] | None:
    """The library the model was saved with (MLflow's flavor, which names it as Hugging Face's
    library_name does: sklearn, xgboost, ...), and its version."""
    if not isinstance(flavors, dict):
        return None
    for flavor, details in flavors.items():
        if flavor == "python_function" or not isinstance(details, dict):
            continue
        found = {"name": str(flavor)}
        for key, value in details.items():
            if str(key).endswith("_version") and value:
                found["version"] = str(value)
                break
        return found
    return None
