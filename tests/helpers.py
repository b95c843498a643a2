"""Builders shared by the tests: small catalogs written to disk and real git repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Protocol

from typer.testing import Result

from idp_cli.catalog.model import Catalog
from idp_cli.catalog.read import Loaded, load
from idp_cli.catalog.sources import Source, resolve_source
from idp_cli.config import CatalogChoice

# Four models that exercise every rule the loader and the queries know about: a predictive
# model with a signature, an example and an oip-v2 endpoint, whose default is an alias and
# which has a deprecated and an archived version; a generative openai-v1 model without
# defaultVersion (so its newest production version is the default); a staging-only
# predictive model; a model whose only version is archived.
CATALOG = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
source: {id: test-ds, name: Test Data Science}
models:
  - name: acme/churn-classifier
    displayName: Customer churn classifier
    description: Predicts 90-day churn probability.
    owner: group:default/ds-retention
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    tags: [churn, tabular]
    defaultVersion: champion
    versions:
      - version: "4.0.0"
        aliases: [champion]
        lifecycle: production
        releasedAt: "2026-06-01"
        signature:
          inputs:
            - {name: tenure_months, type: long}
            - {name: contract_type, type: string, enum: [monthly, annual]}
          outputs: [{name: churn_probability, type: double}]
          example: {tenure_months: 14, contract_type: monthly}
        metrics: [{type: roc_auc, value: 0.913, dataset: holdout-2026q1}]
        serving:
          endpoints:
            - name: prod
              protocol: oip-v2
              url: https://churn.models.example.internal
              modelId: churn-classifier
              auth: {type: bearer, tokenEnv: CHURN_API_TOKEN}
              capabilities: [predict]
      - version: "3.2.1"
        lifecycle: deprecated
        deprecation: {successor: "acme/churn-classifier@4.0.0", sunsetDate: "2026-12-31"}
        signature:
          inputs: [{name: tenure_months, type: long}]
          outputs: [{name: churn_probability, type: double}]
      - version: "2.0.0"
        lifecycle: archived
        deprecation: {successor: "acme/churn-classifier@champion"}
        signature:
          inputs: [{name: tenure_months, type: long}]
          outputs: [{name: churn_probability, type: double}]
  - name: acme/chat-assistant
    description: General chat model behind the LLM gateway.
    owner: group:default/genai
    modelType: generative
    tasks: [text-generation]
    license: apache-2.0
    tags: [llm, chat]
    versions:
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - name: gateway
              protocol: openai-v1
              url: https://llm.example.internal/v1
              modelId: chat-assistant
              auth: {type: bearer, tokenEnv: LLM_TOKEN}
              capabilities: [chat, streaming]
      - version: "1.1.0"
        lifecycle: experimental
        serving:
          endpoints:
            - name: local
              environment: development
              protocol: ollama
              url: http://localhost:11434
              modelId: chat-assistant:1.1
  - name: acme/sales-forecast
    description: Weekly sales forecast per store.
    owner: group:default/ds-retail
    modelType: predictive
    tasks: [time-series-forecasting]
    license: proprietary
    tags: [retail]
    versions:
      - version: "0.1.0"
        lifecycle: staging
        signature:
          inputs: [{name: store_id, type: string}]
          outputs: [{name: forecast, type: double}]
        serving:
          endpoints:
            - name: staging
              environment: staging
              protocol: mlflow-invocations
              url: https://forecast.staging.example.internal
  - name: acme/legacy-scorer
    description: Old credit scorer, replaced by the churn classifier.
    owner: group:default/ds-retention
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
      - version: "1.0.0"
        lifecycle: archived
        deprecation: {successor: acme/churn-classifier}
        signature:
          inputs: [{name: score, type: double}]
          outputs: [{name: label, type: string}]
"""

HEADER = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
"""


def model_yaml(name: str, *, version: str = "1.0.0", indent: str = "") -> str:
    """One small valid generative model, as a YAML mapping (not a list item)."""
    body = f"""\
name: {name}
description: Model {name}.
owner: group:default/test
modelType: generative
tasks: [text-generation]
license: mit
versions:
  - version: "{version}"
    lifecycle: production
"""
    return "".join(f"{indent}{line}\n" for line in body.splitlines())


def write_catalog(folder: Path, text: str = CATALOG, name: str = "catalog.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column where `needle` starts in `text` (its n-th occurrence)."""
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


def source_for(spec: str | Path, ref: str | None = None) -> Source:
    return resolve_source(CatalogChoice(str(spec), ref, "flag"))


def load_spec(
    spec: str | Path, ref: str | None = None, *, use_cache: bool = True
) -> Loaded[Catalog]:
    return load(source_for(spec, ref), use_cache=use_cache)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip()


def make_repo(path: Path) -> Path:
    """An empty git repository on branch `main`."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    return path


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)
    return git(repo, "rev-parse", "HEAD")


class Invoke(Protocol):
    """Runs `idp ARGS...` in-process and returns Typer's result (stdout and stderr apart)."""

    def __call__(self, *args: str | Path, input: str | None = None) -> Result: ...


def edit(text: str, old: str, new: str) -> str:
    """`text` with the one occurrence of `old` replaced (fails loudly if it is not unique)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def same_file(label: str, path: Path) -> bool:
    """Whether a problem's file label (relative to the working folder or absolute) is `path`."""
    return Path(label).resolve() == path.resolve()
