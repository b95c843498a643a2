"""The whole `-o json` document of `idp catalog diff`, key order included: scripts read it,
so every field, its name and its place are pinned here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.diff_catalogs import AFTER, BEFORE
from tests.cli.json_documents import DATE, document, stdout
from tests.helpers import Invoke, commit_all, make_repo


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", DATE)


def test_diff_document(invoke: Invoke, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "catalog")
    commits = []
    for text in (BEFORE, AFTER):
        (repo / "catalog.yaml").write_text(text)
        commits.append(commit_all(repo, "catalog"))
    first, second = commits
    out = stdout(invoke, "catalog", "diff", second, "--catalog", repo)
    assert out == document(
        {
            "from": {
                "ref": second,
                "commit": second,
            },
            "to": {
                "ref": "working tree",
                "commit": None,
            },
            "changed": False,
            "summary": {
                "modelsAdded": 0,
                "modelsRemoved": 0,
                "modelsChanged": 0,
                "versionsAdded": 0,
                "versionsRemoved": 0,
                "versionsChanged": 0,
                "lifecycleTransitions": 0,
                "endpointChanges": 0,
            },
            "changes": [],
            "lifecycle": [],
            "endpoints": [],
            "impact": [],
        }
    )
    out = stdout(invoke, "catalog", "diff", first, "--catalog", repo)
    assert out == document(
        {
            "from": {
                "ref": first,
                "commit": first,
            },
            "to": {
                "ref": "working tree",
                "commit": None,
            },
            "changed": True,
            "summary": {
                "modelsAdded": 1,
                "modelsRemoved": 1,
                "modelsChanged": 1,
                "versionsAdded": 1,
                "versionsRemoved": 1,
                "versionsChanged": 2,
                "lifecycleTransitions": 1,
                "endpointChanges": 3,
            },
            "changes": [
                {
                    "change": "catalog-changed",
                    "model": None,
                    "version": None,
                    "path": "source.name",
                    "from": "Golden",
                    "to": "Golden 2",
                },
                {
                    "change": "model-added",
                    "model": "acme/fresh",
                    "version": None,
                    "versions": [
                        "1.0.0",
                    ],
                },
                {
                    "change": "model-removed",
                    "model": "acme/gone",
                    "version": None,
                    "versions": [
                        "1.0.0",
                    ],
                },
                {
                    "change": "model-changed",
                    "model": "acme/kept",
                    "version": None,
                    "path": "description",
                    "from": "Predicts churn.",
                    "to": "Predicts churn better.",
                },
                {
                    "change": "version-added",
                    "model": "acme/kept",
                    "version": "3.0.0",
                    "lifecycle": "production",
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[prod].url",
                    "from": "https://prod.example.internal",
                    "to": "https://moved.example.internal",
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[canary].name",
                    "from": "canary",
                    "to": None,
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[canary].protocol",
                    "from": "oip-v2",
                    "to": None,
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[canary].url",
                    "from": "https://canary.example.internal",
                    "to": None,
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[canary].modelId",
                    "from": "churn",
                    "to": None,
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[eu].name",
                    "from": None,
                    "to": "eu",
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[eu].protocol",
                    "from": None,
                    "to": "oip-v2",
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[eu].url",
                    "from": None,
                    "to": "https://eu.example.internal",
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "path": "serving.endpoints[eu].modelId",
                    "from": None,
                    "to": "churn",
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "1.0.0",
                    "path": "lifecycle",
                    "from": "production",
                    "to": "deprecated",
                },
                {
                    "change": "version-changed",
                    "model": "acme/kept",
                    "version": "1.0.0",
                    "path": "deprecation.successor",
                    "from": None,
                    "to": "acme/kept@3.0.0",
                },
                {
                    "change": "version-removed",
                    "model": "acme/kept",
                    "version": "0.9.0",
                    "lifecycle": "deprecated",
                },
            ],
            "lifecycle": [
                {
                    "model": "acme/kept",
                    "version": "1.0.0",
                    "ref": "acme/kept@1.0.0",
                    "from": "production",
                    "to": "deprecated",
                    "successor": "acme/kept@3.0.0",
                },
            ],
            "endpoints": [
                {
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "ref": "acme/kept@2.0.0",
                    "endpoint": "prod",
                    "change": "changed",
                    "fields": [
                        "url",
                    ],
                    "from": {
                        "protocol": "oip-v2",
                        "url": "https://prod.example.internal",
                        "modelId": "churn",
                    },
                    "to": {
                        "protocol": "oip-v2",
                        "url": "https://moved.example.internal",
                        "modelId": "churn",
                    },
                },
                {
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "ref": "acme/kept@2.0.0",
                    "endpoint": "canary",
                    "change": "removed",
                    "fields": [
                        "protocol",
                        "url",
                        "modelId",
                    ],
                    "from": {
                        "protocol": "oip-v2",
                        "url": "https://canary.example.internal",
                        "modelId": "churn",
                    },
                    "to": None,
                },
                {
                    "model": "acme/kept",
                    "version": "2.0.0",
                    "ref": "acme/kept@2.0.0",
                    "endpoint": "eu",
                    "change": "added",
                    "fields": [
                        "protocol",
                        "url",
                        "modelId",
                    ],
                    "from": None,
                    "to": {
                        "protocol": "oip-v2",
                        "url": "https://eu.example.internal",
                        "modelId": "churn",
                    },
                },
            ],
            "impact": [
                {
                    "kind": "model-removed",
                    "model": "acme/gone",
                    "ref": "acme/gone",
                    "message": "model acme/gone was removed; projects bound to it lose their catalog entry",
                },
                {
                    "kind": "endpoint-moved",
                    "model": "acme/kept",
                    "ref": "acme/kept@2.0.0",
                    "endpoint": "prod",
                    "from": {
                        "protocol": "oip-v2",
                        "url": "https://prod.example.internal",
                        "modelId": "churn",
                    },
                    "to": {
                        "protocol": "oip-v2",
                        "url": "https://moved.example.internal",
                        "modelId": "churn",
                    },
                    "message": "acme/kept@2.0.0: endpoint prod moved (url https://prod.example.internal -> https://moved.example.internal)",
                },
                {
                    "kind": "endpoint-removed",
                    "model": "acme/kept",
                    "ref": "acme/kept@2.0.0",
                    "endpoint": "canary",
                    "from": {
                        "protocol": "oip-v2",
                        "url": "https://canary.example.internal",
                        "modelId": "churn",
                    },
                    "to": None,
                    "message": "acme/kept@2.0.0: endpoint canary was removed",
                },
                {
                    "kind": "deprecated",
                    "model": "acme/kept",
                    "ref": "acme/kept@1.0.0",
                    "successor": "acme/kept@3.0.0",
                    "message": "acme/kept@1.0.0 is now deprecated; successor acme/kept@3.0.0",
                },
                {
                    "kind": "version-removed",
                    "model": "acme/kept",
                    "ref": "acme/kept@0.9.0",
                    "message": "acme/kept@0.9.0 was removed from the catalog",
                },
                {
                    "kind": "breaking-changes",
                    "model": "acme/kept",
                    "ref": "acme/kept@1.0.0",
                    "successor": "acme/kept@3.0.0",
                    "changes": [
                        {
                            "kind": "input-added",
                            "subject": "inputs.region",
                            "severity": "breaking",
                            "description": "required input region (string) added: requests without it are rejected",
                        },
                    ],
                    "message": "acme/kept@3.0.0 breaks callers of acme/kept@1.0.0 (`idp update --latest` moves projects to it): required input region (string) added: requests without it are rejected",
                },
                {
                    "kind": "breaking-changes",
                    "model": "acme/kept",
                    "ref": "acme/kept@2.0.0",
                    "successor": "acme/kept@3.0.0",
                    "changes": [
                        {
                            "kind": "input-added",
                            "subject": "inputs.region",
                            "severity": "breaking",
                            "description": "required input region (string) added: requests without it are rejected",
                        },
                    ],
                    "message": "acme/kept@3.0.0 breaks callers of acme/kept@2.0.0 (`idp update --latest` moves projects to it): required input region (string) added: requests without it are rejected",
                },
            ],
        }
    )
