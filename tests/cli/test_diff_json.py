"""The whole `-o json` documents of `idp models history` and `idp catalog diff`, key order
included: scripts read them, so every field, its name and its place are pinned here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.test_history import NEW, VERSION_2, CatalogRepo, commit
from tests.helpers import Invoke, commit_all, edit, make_repo

DATE = "2025-03-04T05:06:07+00:00"


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", DATE)


def by(commit: str, author: str, subject: str) -> dict[str, str]:
    """The commit fields every history record starts with."""
    email = f"{author.lower().replace(' ', '.')}@example.invalid"
    return {"commit": commit, "author": author, "email": email, "date": DATE, "subject": subject}


def stdout(invoke: Invoke, *args: str | Path) -> str:
    result = invoke(*args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def document(data: Any) -> str:
    """The text the commands print for `data`: the order of the keys is part of it."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_history_document(invoke: Invoke, tmp_path: Path) -> None:
    repo = CatalogRepo(tmp_path / "repo")
    model = repo.model_file
    # c6: a new version, named as 1.0.0's successor instead of 2.0.0 (no lifecycle change)
    version_3 = VERSION_2.replace("2.0.0", "3.0.0").replace("new-model-2", "new-model-3")
    text = edit(repo.text, f'successor: "{NEW}@2.0.0"', f'successor: "{NEW}@3.0.0"')
    text = edit(text, "versions:\n", "versions:\n" + version_3)
    model.write_text(text)
    c6 = commit(repo.root, "add 3.0.0, 1.0.0's successor", "Dana Scientist")
    # c7: 2.0.0 deprecated without a successor
    marker = '  - version: "2.0.0"\n    lifecycle: production\n'
    text = edit(text, marker, marker.replace("production", "deprecated"))
    model.write_text(text)
    c7 = commit(repo.root, "deprecate 2.0.0", "Erin Engineer")
    # c8 drops the model, c9 brings it back
    model.unlink()
    c8 = commit(repo.root, "drop the model", "Alice Admin")
    model.write_text(text)
    c9 = commit(repo.root, "restore the model", "Alice Admin")
    # c10: 3.0.0 withdrawn
    model.write_text(edit(text, version_3, ""))
    c10 = commit(repo.root, "withdraw 3.0.0", "Frank Platform")
    out = stdout(invoke, "models", "history", NEW, "--catalog", repo.folder)
    assert out == document(
        {
            "model": "acme/new-model",
            "source": str(repo.folder),
            "until": {
                "ref": "HEAD",
                "commit": c10,
            },
            "commits": 10,
            "added": by(repo.c2, "Dana Scientist", "add acme/new-model 1.0.0"),
            "removed": None,
            "versions": [
                {
                    "version": "1.0.0",
                    "ref": "acme/new-model@1.0.0",
                    "added": {
                        **by(repo.c2, "Dana Scientist", "add acme/new-model 1.0.0"),
                        "lifecycle": "production",
                    },
                    "lifecycle": [
                        {
                            **by(repo.c4, "Erin Engineer", "deprecate acme/new-model 1.0.0"),
                            "from": "production",
                            "to": "deprecated",
                        },
                    ],
                    "deprecations": [
                        {
                            **by(repo.c4, "Erin Engineer", "deprecate acme/new-model 1.0.0"),
                            "successor": "acme/new-model@2.0.0",
                            "sunsetDate": "2027-01-31",
                            "lifecycle": "deprecated",
                        },
                        {
                            **by(c6, "Dana Scientist", "add 3.0.0, 1.0.0's successor"),
                            "successor": "acme/new-model@3.0.0",
                            "sunsetDate": "2027-01-31",
                            "lifecycle": "deprecated",
                        },
                        {
                            **by(c9, "Alice Admin", "restore the model"),
                            "successor": "acme/new-model@3.0.0",
                            "sunsetDate": "2027-01-31",
                            "lifecycle": "deprecated",
                        },
                    ],
                    "removed": None,
                    "current": "deprecated",
                },
                {
                    "version": "2.0.0",
                    "ref": "acme/new-model@2.0.0",
                    "added": {
                        **by(repo.c3, "Dana Scientist", "add acme/new-model 2.0.0"),
                        "lifecycle": "production",
                    },
                    "lifecycle": [
                        {
                            **by(c7, "Erin Engineer", "deprecate 2.0.0"),
                            "from": "production",
                            "to": "deprecated",
                        },
                    ],
                    "deprecations": [],
                    "removed": None,
                    "current": "deprecated",
                },
                {
                    "version": "3.0.0",
                    "ref": "acme/new-model@3.0.0",
                    "added": {
                        **by(c6, "Dana Scientist", "add 3.0.0, 1.0.0's successor"),
                        "lifecycle": "production",
                    },
                    "lifecycle": [],
                    "deprecations": [],
                    "removed": by(c10, "Frank Platform", "withdraw 3.0.0"),
                    "current": None,
                },
            ],
            "events": [
                {
                    **by(repo.c2, "Dana Scientist", "add acme/new-model 1.0.0"),
                    "version": None,
                    "event": "model-added",
                },
                {
                    **by(repo.c2, "Dana Scientist", "add acme/new-model 1.0.0"),
                    "version": "1.0.0",
                    "event": "added",
                    "to": "production",
                },
                {
                    **by(repo.c3, "Dana Scientist", "add acme/new-model 2.0.0"),
                    "version": "2.0.0",
                    "event": "added",
                    "to": "production",
                },
                {
                    **by(repo.c4, "Erin Engineer", "deprecate acme/new-model 1.0.0"),
                    "version": "1.0.0",
                    "event": "lifecycle",
                    "successor": "acme/new-model@2.0.0",
                    "from": "production",
                    "to": "deprecated",
                },
                {
                    **by(c6, "Dana Scientist", "add 3.0.0, 1.0.0's successor"),
                    "version": "1.0.0",
                    "event": "successor",
                    "successor": "acme/new-model@3.0.0",
                },
                {
                    **by(c6, "Dana Scientist", "add 3.0.0, 1.0.0's successor"),
                    "version": "3.0.0",
                    "event": "added",
                    "to": "production",
                },
                {
                    **by(c7, "Erin Engineer", "deprecate 2.0.0"),
                    "version": "2.0.0",
                    "event": "lifecycle",
                    "successor": None,
                    "from": "production",
                    "to": "deprecated",
                },
                {
                    **by(c8, "Alice Admin", "drop the model"),
                    "version": "3.0.0",
                    "event": "removed",
                    "from": "production",
                },
                {
                    **by(c8, "Alice Admin", "drop the model"),
                    "version": "2.0.0",
                    "event": "removed",
                    "from": "deprecated",
                },
                {
                    **by(c8, "Alice Admin", "drop the model"),
                    "version": "1.0.0",
                    "event": "removed",
                    "from": "deprecated",
                },
                {
                    **by(c8, "Alice Admin", "drop the model"),
                    "version": None,
                    "event": "model-removed",
                },
                {
                    **by(c9, "Alice Admin", "restore the model"),
                    "version": None,
                    "event": "model-restored",
                },
                {
                    **by(c9, "Alice Admin", "restore the model"),
                    "version": "3.0.0",
                    "event": "added",
                    "to": "production",
                },
                {
                    **by(c9, "Alice Admin", "restore the model"),
                    "version": "2.0.0",
                    "event": "added",
                    "to": "deprecated",
                },
                {
                    **by(c9, "Alice Admin", "restore the model"),
                    "version": "1.0.0",
                    "event": "added",
                    "to": "deprecated",
                },
                {
                    **by(c10, "Frank Platform", "withdraw 3.0.0"),
                    "version": "3.0.0",
                    "event": "removed",
                    "from": "production",
                },
            ],
        }
    )
    # -o yaml is the same document
    result = invoke("models", "history", NEW, "--catalog", repo.folder, "-o", "yaml")
    assert result.stdout == yaml.safe_dump(
        json.loads(out), sort_keys=False, allow_unicode=True, width=100
    )
    # at c8 the model and its versions are recorded as removed there
    removed = json.loads(
        stdout(invoke, "--catalog-ref", c8, "models", "history", NEW, "--catalog", repo.folder)
    )
    dropped = by(c8, "Alice Admin", "drop the model")
    assert removed["removed"] == dropped
    assert [(v["removed"], v["current"]) for v in removed["versions"]] == [(dropped, None)] * 3


def _version(number: str, lifecycle: str, endpoints: str, extra: str = "", inputs: str = "") -> str:
    return f"""\
      - version: "{number}"
        lifecycle: {lifecycle}
{extra}        signature:
          inputs: [{{name: tenure, type: long}}{inputs}]
          outputs: [{{name: churn, type: double}}]
        serving:
          endpoints:
{endpoints}"""


def _model(name: str, description: str, versions: str) -> str:
    return f"""\
  - name: {name}
    description: {description}
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
{versions}"""


def _endpoint(name: str, url: str) -> str:
    return f"""\
            - {{name: {name}, protocol: oip-v2, url: "{url}", modelId: churn}}
"""


HEADER = "apiVersion: idp/v1alpha1\nkind: ModelCatalog\nsource: {{name: {0}}}\nmodels:\n"
PROD, CANARY, EU = (_endpoint(n, f"https://{n}.example.internal") for n in ("prod", "canary", "eu"))
BEFORE = HEADER.format("Golden") + (
    _model(
        "acme/kept",
        "Predicts churn.",
        _version("2.0.0", "production", PROD + CANARY)
        + _version("1.0.0", "production", PROD)
        + _version("0.9.0", "deprecated", PROD),
    )
    + _model("acme/gone", "Retired.", _version("1.0.0", "production", PROD))
)
AFTER = HEADER.format("Golden 2") + (
    _model(
        "acme/kept",
        "Predicts churn better.",
        _version("3.0.0", "production", PROD, inputs=", {name: region, type: string}")
        + _version("2.0.0", "production", PROD.replace("prod.", "moved.") + EU)
        + _version(
            "1.0.0", "deprecated", PROD, '        deprecation: {successor: "acme/kept@3.0.0"}\n'
        ),
    )
    + _model("acme/fresh", "New.", _version("1.0.0", "preview", PROD))
)


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
