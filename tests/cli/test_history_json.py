"""The whole `-o json` document of `idp models history`, key order included: scripts read
it, so every field, its name and its place are pinned here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.cli.json_documents import DATE, by, document, stdout
from tests.cli.test_history import NEW, VERSION_2, CatalogRepo, commit
from tests.helpers import Invoke, edit


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", DATE)


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
