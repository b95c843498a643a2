"""The MLflow tracking server or local store, behind one small interface: the REST API's calls
(`get`, `post`) answering its JSON, and an artifact's text.

An http(s) tracking URI is read over the REST API with the standard library: idp needs no
MLflow package for it (a CI job reading a registered version installs nothing more). A local
store (`sqlite:`, `file:`, a folder) has no API to talk to: it is read through the `mlflow`
package (the `idp-ai-platform[mlflow]` extra), its entities put in the REST API's JSON.
Credentials come from MLflow's own variables (MLFLOW_TRACKING_TOKEN, or
MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD) and are only ever sent, never written.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from idp_cli.importers import RegistryError
from idp_cli.redaction import redact

_TIMEOUT = 30.0  # seconds for one request; a registry answers its reads in well under that


class NotInRegistry(RegistryError):
    """The registry answered that what was asked for does not exist."""


class Registry(Protocol):
    display: str

    def get(self, endpoint: str, params: dict[str, str]) -> dict[str, Any]: ...

    def post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]: ...

    def artifact_text(self, uri: str) -> str | None: ...


_LOCAL: dict[str, LocalRegistry] = {}


def open_registry(tracking_uri: str) -> Registry:
    scheme = urllib.parse.urlsplit(tracking_uri).scheme
    if scheme in ("http", "https"):
        return RestRegistry(tracking_uri)
    if scheme in ("sqlite", "file") or (not scheme and "/" in tracking_uri):
        # one client per store and process: a bulk import reads every version through it,
        # and each new client sets up its store (an SQL engine) again
        if tracking_uri not in _LOCAL:
            _LOCAL[tracking_uri] = LocalRegistry(tracking_uri)
        return _LOCAL[tracking_uri]
    raise RegistryError(
        f"tracking URI {redact(tracking_uri)}: idp reads http(s) tracking servers and local "
        "stores (sqlite:, file:, a folder's path)",
        hint="Point --tracking-uri (or MLFLOW_TRACKING_URI) at the tracking server's URL.",
    )


def _missing(error_code: Any, message: Any) -> bool:
    """Whether MLflow's error says that what was asked for does not exist (a missing alias is
    an INVALID_PARAMETER_VALUE, "... alias X not found")."""
    if error_code == "RESOURCE_DOES_NOT_EXIST":
        return True
    return error_code == "INVALID_PARAMETER_VALUE" and "not found" in str(message or "")


def _local_text(uri: str) -> str | None:
    """An artifact on this machine's file system (`file:` or a plain path)."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme not in ("file", ""):
        return None
    path = Path(urllib.parse.unquote(parts.path if parts.scheme else uri))
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot be read ({exc})") from None


class RestRegistry:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.display = redact(self.base)

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        token = os.environ.get("MLFLOW_TRACKING_TOKEN")
        user = os.environ.get("MLFLOW_TRACKING_USERNAME")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif user:
            password = os.environ.get("MLFLOW_TRACKING_PASSWORD", "")
            basic = base64.b64encode(f"{user}:{password}".encode()).decode()
            headers["Authorization"] = f"Basic {basic}"
        return headers

    def _call(self, path: str, data: bytes | None) -> bytes:
        # the base URL is http(s) (open_registry): no file: or custom scheme reaches urlopen
        request = urllib.request.Request(  # noqa: S310
            f"{self.base}/{path}",
            data=data,
            headers=self._headers(),
            method="POST" if data else "GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:  # noqa: S310
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            try:
                error = json.loads(detail)
            except json.JSONDecodeError:
                error = {}
            message = error.get("message") if isinstance(error, dict) else None
            code = error.get("error_code") if isinstance(error, dict) else None
            if exc.code == 404 or _missing(code, message):
                raise NotInRegistry(message or f"{path}: not found") from None
            if exc.code in (401, 403):
                raise RegistryError(
                    f"{self.display}: access refused (HTTP {exc.code})",
                    hint="Set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and "
                    "MLFLOW_TRACKING_PASSWORD.",
                ) from None
            raise RegistryError(
                f"{self.display}: HTTP {exc.code} for {path.split('?')[0]}: {message or detail[:200]}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RegistryError(
                f"cannot reach the MLflow tracking server at {self.display} ({reason})",
                hint="Check --tracking-uri (or MLFLOW_TRACKING_URI) and that the server runs.",
            ) from None

    def _json(self, path: str, data: bytes | None) -> dict[str, Any]:
        body = self._call(path, data)
        try:
            parsed = json.loads(body)
        except json.JSONDecodeError:
            raise RegistryError(
                f"{self.display}: not an MLflow tracking server (no JSON from {path.split('?')[0]})",
                hint="Point --tracking-uri at the server's base URL (http://host:5000).",
            ) from None
        return parsed if isinstance(parsed, dict) else {}

    def get(self, endpoint: str, params: dict[str, str]) -> dict[str, Any]:
        return self._json(f"api/2.0/mlflow/{endpoint}?{urllib.parse.urlencode(params)}", None)

    def post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._json(f"api/2.0/mlflow/{endpoint}", json.dumps(body).encode())

    def artifact_text(self, uri: str) -> str | None:
        """Artifacts the server proxies (`mlflow-artifacts:`), or on a shared file system."""
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme != "mlflow-artifacts":
            return _local_text(uri)
        path = urllib.parse.quote(parts.path.lstrip("/"))
        try:
            return self._call(f"api/2.0/mlflow-artifacts/artifacts/{path}", None).decode("utf-8")
        except NotInRegistry:
            return None


def _version_json(version: Any) -> dict[str, Any]:
    """A ModelVersion entity as the REST API spells it."""
    return {
        "name": version.name,
        "version": str(version.version),
        "run_id": version.run_id,
        "description": version.description,
        "tags": [{"key": k, "value": v} for k, v in (version.tags or {}).items()],
        "aliases": list(version.aliases or []),
        "status": str(version.status),
        "status_message": version.status_message,
    }


def _token(token: Any) -> str | None:
    """A page token as the REST API gives it (a local store's is bytes)."""
    return token.decode() if isinstance(token, bytes) else token


class LocalRegistry:
    def __init__(self, uri: str) -> None:
        self.display = uri
        try:
            from mlflow import MlflowClient
        except ModuleNotFoundError:
            raise RegistryError(
                f"reading the local MLflow store {uri} needs the mlflow package",
                hint="Install it with `pip install 'idp-ai-platform[mlflow]'`, or point "
                "--tracking-uri at an MLflow tracking server (http://...), which needs nothing.",
            ) from None
        self.client = MlflowClient(tracking_uri=uri, registry_uri=uri)

    def _answer(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        from mlflow.exceptions import MlflowException

        try:
            return call(*args, **kwargs)
        except MlflowException as exc:
            if _missing(exc.error_code, exc.message):
                raise NotInRegistry(exc.message) from None
            raise RegistryError(f"{self.display}: {exc.message}") from None

    def get(self, endpoint: str, params: dict[str, str]) -> dict[str, Any]:
        client = self.client
        if endpoint == "model-versions/get":
            found = self._answer(client.get_model_version, params["name"], params["version"])
            return {"model_version": _version_json(found)}
        if endpoint == "registered-models/alias":
            found = self._answer(client.get_model_version_by_alias, params["name"], params["alias"])
            return {"model_version": _version_json(found)}
        if endpoint == "model-versions/get-download-uri":
            uri = self._answer(
                client.get_model_version_download_uri, params["name"], params["version"]
            )
            return {"artifact_uri": uri}
        if endpoint == "runs/get":
            run = self._answer(client.get_run, params["run_id"])
            return {
                "run": {
                    "info": {
                        "experiment_id": run.info.experiment_id,
                        "artifact_uri": run.info.artifact_uri,
                    },
                    "data": {
                        "metrics": [{"key": k, "value": v} for k, v in run.data.metrics.items()]
                    },
                }
            }
        if endpoint == "registered-models/search":
            page = self._answer(
                client.search_registered_models,
                max_results=int(params["max_results"]),
                page_token=params.get("page_token"),
            )
            models = [
                {
                    "name": model.name,
                    "aliases": [
                        {"alias": alias, "version": str(version)}
                        for alias, version in (model.aliases or {}).items()
                    ],
                }
                for model in page
            ]
            return {"registered_models": models, "next_page_token": _token(page.token)}
        if endpoint == "model-versions/search":
            page = self._answer(
                client.search_model_versions,
                filter_string=params["filter"],
                max_results=int(params["max_results"]),
                page_token=params.get("page_token"),
            )
            return {
                "model_versions": [_version_json(version) for version in page],
                "next_page_token": _token(page.token),
            }
        raise AssertionError(f"no local call for {endpoint}")

    def post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        if endpoint != "logged-models/search":
            raise AssertionError(f"no local call for {endpoint}")
        found = self._answer(
            self.client.search_logged_models,
            experiment_ids=body["experiment_ids"],
            filter_string=body.get("filter"),
        )
        return {"models": [{"info": {"artifact_uri": m.artifact_location}} for m in found]}

    def artifact_text(self, uri: str) -> str | None:
        return _local_text(uri)
