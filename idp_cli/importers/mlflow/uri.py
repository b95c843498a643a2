"""MLflow's model URIs: `models:/NAME/VERSION`, `models:/NAME@ALIAS`, `runs:/RUN_ID/PATH`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from idp_cli.importers import RegistryError

_MODELS = re.compile(
    r"^models:/(?P<name>[^/@]+(?:/[^/@]+)*?)(?:/(?P<version>\d+)|@(?P<alias>[\w-]+))$"
)
_RUNS = re.compile(r"^runs:/(?P<run>[0-9a-zA-Z]+)/(?P<path>.+)$")


@dataclass(frozen=True)
class ModelUri:
    text: str
    name: str | None = None  # models:/ URIs
    version: str | None = None
    alias: str | None = None
    run_id: str | None = None  # runs:/ URIs
    path: str | None = None


def parse(text: str, input_name: str) -> ModelUri:
    uri = text.strip()
    found = _MODELS.match(uri)
    if found:
        return ModelUri(uri, found["name"], found["version"], found["alias"])
    found = _RUNS.match(uri)
    if found:
        return ModelUri(uri, run_id=found["run"], path=found["path"].strip("/"))
    raise RegistryError(
        f"{input_name} {text!r}: not an MLflow model URI",
        hint="Use models:/NAME/VERSION, models:/NAME@ALIAS or runs:/RUN_ID/PATH.",
    )
