"""`idp models publish`: versions and models written into real git repositories, with the
untouched parts of each file kept byte for byte and every refusal leaving the repository as it
was."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from tests.helpers import CATALOG, Invoke, commit_all, edit, git, make_repo, write_catalog

CHURN = "acme/churn-classifier"

# Comments, blank lines, a multi-line flow mapping and odd spacing that a plain YAML dump would
# lose or rewrite: publish must keep them exactly.
COMMENTED = edit(
    CATALOG,
    "models:\n",
    "# Reviewed by the platform team.\n\nmodels:   # newest first\n",
)
COMMENTED = edit(
    COMMENTED,
    '        deprecation: {successor: "acme/churn-classifier@4.0.0", sunsetDate: "2026-12-31"}\n',
    '        deprecation: {successor: "acme/churn-classifier@4.0.0",\n'
    '                      sunsetDate: "2026-12-31"}   # agreed with sales\n',
)

MLMODEL = """\
artifact_path: model
flavors:
  python_function: {loader_module: mlflow.sklearn}
signature:
  inputs: '[{"type": "long", "name": "tenure_months", "required": true}, {"type": "string",
    "name": "plan", "required": false}]'
  outputs: '[{"type": "double", "name": "churn_probability", "required": true}]'
  params: '[{"name": "threshold", "type": "double", "default": 0.5, "shape": null}]'
"""

MODEL_FILE = """\
# The churn model lives in its own file.
name: acme/churn-classifier
description: Predicts 90-day churn probability.
owner: group:default/ds-retention
modelType: predictive
tasks: [tabular-classification]
license: proprietary
versions:
  - version: "4.0.0"     # current champion
    lifecycle: production
    signature:
      inputs: [{name: tenure_months, type: long}]
      outputs: [{name: churn_probability, type: double}]
"""

SPLIT_MAIN = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
include: [models/*.yaml]   # one file per model
"""


def _repo(tmp_path: Path, text: str = COMMENTED) -> Path:
    repo = make_repo(tmp_path / "repo")
    write_catalog(repo, text)
    commit_all(repo, "catalog")
    return repo


def _split_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo")
    write_catalog(repo, SPLIT_MAIN)
    write_catalog(repo / "models", MODEL_FILE, "churn.yaml")
    commit_all(repo, "catalog")
    return repo


def _state(repo: Path) -> tuple[str, str, str, dict[str, str]]:
    files = {
        p.relative_to(repo).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "branch", "--show-current"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        files,
    )


def _only_inserted(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails when any line of `before` changed."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), f"{tag}: {a[i1:i2]!r} -> {b[j1:j2]!r}"
        if tag == "insert":
            added.extend(b[j1:j2])
    return added


def _show(invoke: Invoke, ref: str, repo: Path) -> dict[str, object]:
    result = invoke("models", "show", ref, "--catalog", repo, "-o", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_new_version_is_committed_on_a_new_branch(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    head = git(repo, "rev-parse", "HEAD")
    signature = tmp_path / "MLmodel"
    signature.write_text(MLMODEL)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "staging", "--artifact-uri", "s3://models/churn/5.0.0/",
        "--endpoint", "protocol=oip-v2,url=https://churn-next.example.internal,model-id=churn,"
        "name=next,environment=staging,auth=bearer:CHURN_TOKEN",
        "--signature-file", signature, "--changelog", "Retrained on Q2 data.",
        "--alias", "challenger", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    branch = "publish/acme-churn-classifier-5.0.0"
    assert data["model"] == CHURN
    assert data["version"] == "5.0.0"
    assert data["files"] == ["catalog.yaml"]
    assert data["branch"] == branch
    assert data["commit"] == git(repo, "rev-parse", "HEAD")
    assert git(repo, "branch", "--show-current") == branch
    assert git(repo, "rev-parse", "HEAD~1") == head
    assert git(repo, "log", "-1", "--format=%s") == f"feat(catalog): publish {CHURN}@5.0.0"
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "main") == head  # the user's branch is untouched

    after = (repo / "catalog.yaml").read_text()
    added = _only_inserted(COMMENTED, after)
    assert added[0] == '      - version: "5.0.0"\n'  # newest first, in the file's own indentation
    assert "            - {name: plan, type: string, required: false}\n" in added

    card = _show(invoke, f"{CHURN}@5.0.0", repo)
    version = card["version"]
    assert isinstance(version, dict)
    assert version["lifecycle"] == "staging"
    assert version["aliases"] == ["challenger"]
    assert version["artifact"] == {"uri": "s3://models/churn/5.0.0/"}
    assert version["signature"]["inputs"] == [
        {"name": "tenure_months", "type": "long"},
        {"name": "plan", "type": "string", "required": False},
    ]
    assert version["signature"]["params"] == [
        {"name": "threshold", "type": "double", "default": 0.5}
    ]
    assert version["serving"]["endpoints"] == [
        {
            "name": "next",
            "environment": "staging",
            "protocol": "oip-v2",
            "url": "https://churn-next.example.internal",
            "modelId": "churn",
            "auth": {"type": "bearer", "tokenEnv": "CHURN_TOKEN"},
            "capabilities": ["predict"],  # oip-v2's default
        }
    ]


def test_deprecating_version(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    signature = tmp_path / "signature.yaml"
    signature.write_text(
        "inputs: [{name: tenure_months, type: long}]\n"
        "outputs: [{name: churn_probability, type: double}]\n"
    )
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "production", "--signature-file", signature, "--deprecates", "4.0.0",
        "--branch", "release/churn-5",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "release/churn-5" in result.stdout
    assert (
        f"Moved alias champion (the default version) from {CHURN}@4.0.0 to {CHURN}@5.0.0"
        in result.stdout
    )
    assert git(repo, "branch", "--show-current") == "release/churn-5"
    assert git(repo, "log", "-1", "--format=%s") == (
        f"feat(catalog): publish {CHURN}@5.0.0; deprecate {CHURN}@4.0.0"
    )
    old = _show(invoke, f"{CHURN}@4.0.0", repo)["version"]
    assert isinstance(old, dict)
    assert old["lifecycle"] == "deprecated"
    assert old["deprecation"] == {"successor": f"{CHURN}@5.0.0"}
    assert "aliases" not in old
    # the default (`defaultVersion: champion`) follows the alias to the new version
    assert _show(invoke, CHURN, repo)["version"]["version"] == "5.0.0"  # type: ignore[index]

    # only the old version's alias and lifecycle lines changed; everything else outside the
    # insertions (the comments and the multi-line flow mapping included) is the same
    after = (repo / "catalog.yaml").read_text()
    assert '      - version: "5.0.0"\n        aliases: [champion]\n' in after
    changed = "        aliases: [champion]\n        lifecycle: production\n"
    assert changed in COMMENTED
    restored = after.replace(
        "        lifecycle: deprecated\n"
        '        deprecation: {successor: "acme/churn-classifier@5.0.0"}\n',
        changed,
        1,
    ).replace(
        '      - version: "5.0.0"\n        aliases: [champion]\n', '      - version: "5.0.0"\n'
    )
    _only_inserted(COMMENTED, restored)


def test_new_model_is_appended(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", "acme/summarizer",
        "--version", "0.1.0", "--lifecycle", "experimental",
        "--description", "Summarizes support tickets.", "--owner", "group:default/genai",
        "--model-type", "generative", "--task", "summarization", "--license", "apache-2.0",
        "--display-name", "Ticket summarizer",
        "--endpoint", "protocol=openai-v1,url=https://llm.example.internal/v1,model-id=summarizer",
        "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["branch"] == "publish/acme-summarizer-0.1.0"
    added = _only_inserted(COMMENTED, (repo / "catalog.yaml").read_text())
    assert added[0] == "  - name: acme/summarizer\n"
    card = _show(invoke, "acme/summarizer@0.1.0", repo)
    assert card["model"] == {
        "name": "acme/summarizer",
        "displayName": "Ticket summarizer",
        "description": "Summarizes support tickets.",
        "owner": "group:default/genai",
        "modelType": "generative",
        "tasks": ["summarization"],
        "license": "apache-2.0",
    }


def test_include_split_catalog_edits_the_models_own_file(tmp_path: Path, invoke: Invoke) -> None:
    repo = _split_repo(tmp_path)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "4.1.0",
        "--lifecycle", "staging", "--deprecates", "4.0.0", "-o", "json",
        "--signature-file", _signature(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["files"] == ["models/churn.yaml"]
    assert (repo / "catalog.yaml").read_text() == SPLIT_MAIN
    after = (repo / "models" / "churn.yaml").read_text()
    assert after.startswith(MODEL_FILE.split("versions:\n")[0] + "versions:\n")
    assert '  - version: "4.0.0"     # current champion\n' in after
    assert _show(invoke, f"{CHURN}@4.1.0", repo)["ref"] == f"{CHURN}@4.1.0"

    # a new model gets its own file in the include's folder
    git(repo, "checkout", "--quiet", "main")
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", "acme/fraud-detector",
        "--version", "1.0.0", "--lifecycle", "production", "--description", "Flags fraud.",
        "--owner", "group:default/risk", "--model-type", "predictive",
        "--task", "tabular-classification", "--license", "proprietary",
        "--signature-file", _signature(tmp_path), "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["files"] == ["models/acme-fraud-detector.yaml"]
    assert (repo / "catalog.yaml").read_text() == SPLIT_MAIN
    assert (repo / "models" / "churn.yaml").read_text() == MODEL_FILE
    assert git(repo, "status", "--porcelain") == ""
    assert _show(invoke, "acme/fraud-detector@1.0.0", repo)["ref"] == "acme/fraud-detector@1.0.0"


def _signature(tmp_path: Path) -> Path:
    path = tmp_path / "signature.yaml"
    path.write_text("inputs: [{name: x, type: double}]\noutputs: [{name: y, type: double}]\n")
    return path


def test_from_file_fragment(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    fragment = tmp_path / "fragment.yaml"
    fragment.write_text(
        'version: "1.2.0"\n'
        "lifecycle: staging   # until the evaluation is done\n"
        "changelog: Longer context.\n"
        "llm: {contextLength: 32768}\n"
    )
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", "acme/chat-assistant",
        "--from-file", fragment,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    added = _only_inserted(COMMENTED, (repo / "catalog.yaml").read_text())
    # the fragment's comment comes along (ruamel sets its own spacing before it)
    assert any("# until the evaluation is done" in line for line in added)
    version = _show(invoke, "acme/chat-assistant@1.2.0", repo)["version"]
    assert isinstance(version, dict)
    assert version["llm"] == {"contextLength": 32768}


def test_no_commit_only_writes(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    head = git(repo, "rev-parse", "HEAD")
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", "acme/chat-assistant",
        "--version", "2.0.0", "--lifecycle", "experimental", "--no-commit", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["branch"] is None
    assert data["commit"] is None
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "branch", "--show-current") == "main"
    assert git(repo, "status", "--porcelain") == "M catalog.yaml"
    assert _show(invoke, "acme/chat-assistant@2.0.0", repo)["ref"] == "acme/chat-assistant@2.0.0"


CHAT = "acme/chat-assistant"
BASE = ("--model", CHAT, "--version", "5.0.0", "--lifecycle", "staging")
NEW_MODEL = ("--model", "acme/new", "--version", "1.0.0", "--lifecycle", "staging")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--model", CHURN, "--version", "4.0.0", "--lifecycle", "staging"), "already exists"),
        (("--model", CHURN, "--version", "5.0.0", "--lifecycle", "beta"), "unknown lifecycle"),
        ((*BASE, "--deprecates", "9.9.9"), "has no such version"),
        ((*BASE, "--signature-file", "BROKEN"), "does not parse"),
        ((*BASE, "--signature-file", "MISSING"), "does not parse"),
        ((*NEW_MODEL, "--description", "New."), "needs --owner, --model-type, --task, --license"),
        ((*BASE, "--endpoint", "protocol=oip-v2"), "url= is required"),
        ((*BASE, "--endpoint", "protocol=oip-v2,url=https://x.example"), "modelId"),
        ((*BASE, "--endpoint", "protocol=oip-v2,url=https://x.example,token=abc"), "token"),
        ((*BASE, "--branch", "bad..name"), "not a valid branch name"),
    ],
    ids=[
        "existing-version",
        "unknown-lifecycle",
        "missing-deprecated-version",
        "signature-does-not-parse",
        "signature-missing",
        "new-model-missing-fields",
        "endpoint-without-url",
        "invalid-after-edit",
        "unknown-endpoint-key",
        "bad-branch",
    ],
)
def test_refusals_leave_the_repository_unchanged(
    tmp_path: Path, invoke: Invoke, args: tuple[str, ...], message: str
) -> None:
    repo = _repo(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text("signature:\n  inputs: '[{\"type\": \"long\"'\n  outputs: '[]'\n")
    args = tuple(
        str(broken) if a == "BROKEN" else str(tmp_path / "missing") if a == "MISSING" else a
        for a in args
    )
    before = _state(repo)
    result = invoke("models", "publish", "--catalog", repo, *args)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr
    assert result.stdout == ""
    assert _state(repo) == before
    assert git(repo, "branch", "--list") == "* main"


def test_uncommitted_changes_are_refused(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    (repo / "catalog.yaml").write_text(COMMENTED + "# work in progress\n")
    before = _state(repo)
    result = invoke("models", "publish", "--catalog", repo, *BASE)
    assert result.exit_code == 1
    assert "uncommitted changes" in result.stderr
    assert "catalog.yaml" in result.stderr
    assert _state(repo) == before
    assert git(repo, "branch", "--list") == "* main"


def test_existing_branch_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    git(repo, "branch", "publish/acme-chat-assistant-5.0.0")
    before = _state(repo)
    result = invoke("models", "publish", "--catalog", repo, *BASE)
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert _state(repo) == before


def test_a_catalog_outside_git_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    folder = tmp_path / "plain"
    write_catalog(folder, COMMENTED)
    result = invoke("models", "publish", "--catalog", folder, *BASE)
    assert result.exit_code == 1
    assert "not inside a git repository" in result.stderr
    assert "git init" in result.stderr
    assert (folder / "catalog.yaml").read_text() == COMMENTED
