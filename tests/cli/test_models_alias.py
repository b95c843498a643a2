"""Aliases move between versions: `publish --alias`, `publish --deprecates` and `idp models alias
set|rm`, in real git repositories, each refusal leaving the repository as it was."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_publish import COMMENTED, _repo, _show, _state
from tests.helpers import Invoke, edit, git

CHURN = "acme/churn-classifier"


def _publish(invoke: Invoke, repo: Path, *args: str) -> dict[str, object]:
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "staging", "--from-version", "4.0.0", "-o", "json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_alias_on_new_version_moves_from_old(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    result = _publish(invoke, repo, "--alias", "champion")
    assert result["aliasMoves"] == [
        {"alias": "champion", "from": "4.0.0", "to": "5.0.0", "default": True}
    ]
    assert result["defaultVersion"] is None
    old = _show(invoke, f"{CHURN}@4.0.0", repo)["version"]
    assert isinstance(old, dict)
    assert "aliases" not in old
    assert old["lifecycle"] == "production"  # not deprecated: only the alias moved
    assert _show(invoke, CHURN, repo)["version"]["version"] == "5.0.0"  # type: ignore[index]


def test_table_reports_the_move(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "staging", "--from-version", "4.0.0", "--alias", "champion", "--no-commit",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (
        f"Moved alias champion (the default version) from {CHURN}@4.0.0 to {CHURN}@5.0.0"
        in result.stdout
    )


def test_one_of_several_aliases_moves(tmp_path: Path, invoke: Invoke) -> None:
    text = edit(COMMENTED, "        aliases: [champion]\n", "        aliases: [champion, stable]\n")
    repo = _repo(tmp_path, text)
    _publish(invoke, repo, "--alias", "stable")
    after = (repo / "catalog.yaml").read_text()
    assert "        aliases: [champion]\n" in after
    assert '      - version: "5.0.0"\n        aliases: [stable]\n' in after


def test_deprecation_hands_on_every_alias(tmp_path: Path, invoke: Invoke) -> None:
    # both leave 4.0.0 in one edit: two edits of one line would splice into each other
    text = edit(COMMENTED, "        aliases: [champion]\n", "        aliases: [champion, stable]\n")
    repo = _repo(tmp_path, text)
    moves = _publish(invoke, repo, "--deprecates", "4.0.0")["aliasMoves"]
    assert isinstance(moves, list)
    assert [(m["alias"], m["from"]) for m in moves] == [("champion", "4.0.0"), ("stable", "4.0.0")]
    old = _show(invoke, f"{CHURN}@4.0.0", repo)["version"]
    assert isinstance(old, dict) and "aliases" not in old
    new = _show(invoke, f"{CHURN}@5.0.0", repo)["version"]
    assert isinstance(new, dict) and new["aliases"] == ["champion", "stable"]


def test_deprecation_keeps_aliases_when_told(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    result = _publish(invoke, repo, "--deprecates", "4.0.0", "--keep-aliases")
    assert result["aliasMoves"] == []
    old = _show(invoke, f"{CHURN}@4.0.0", repo)["version"]
    assert isinstance(old, dict)
    assert old["aliases"] == ["champion"]


def test_default_naming_the_deprecated_version_follows(tmp_path: Path, invoke: Invoke) -> None:
    text = edit(COMMENTED, "    defaultVersion: champion\n", '    defaultVersion: "4.0.0"\n')
    repo = _repo(tmp_path, text)
    result = _publish(invoke, repo, "--deprecates", "4.0.0")
    assert result["defaultVersion"] == {"from": "4.0.0", "to": "5.0.0"}
    assert '    defaultVersion: "5.0.0"\n' in (repo / "catalog.yaml").read_text()


def test_alias_naming_a_version_is_refused_at_the_new_version(
    tmp_path: Path, invoke: Invoke
) -> None:
    repo = _repo(tmp_path)
    before = _state(repo)
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "staging", "--alias", "3.2.1",
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"{CHURN}@5.0.0: alias '3.2.1' is the name of version {CHURN}@3.2.1" in result.stderr
    assert _state(repo) == before


def _alias(invoke: Invoke, repo: Path, *args: str) -> dict[str, object]:
    result = invoke("models", "alias", *args, "--catalog", repo, "-o", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_alias_set_moves_and_commits(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    ran = invoke(
        "models", "alias", "set", f"{CHURN}@3.2.1", "champion", "--catalog", repo, "-o", "json"
    )
    assert ran.exit_code == 0, ran.stderr
    # the default now names a deprecated version: `idp new --model` will want a flag
    assert f"{CHURN}'s default version is now {CHURN}@3.2.1, which is deprecated" in ran.stderr
    result = json.loads(ran.stdout)
    assert result["from"] == "4.0.0" and result["to"] == "3.2.1" and result["default"] is True
    assert result["branch"] == "alias/acme-churn-classifier-champion-3.2.1"
    assert git(repo, "branch", "--show-current") == result["branch"]
    assert git(repo, "log", "-1", "--format=%s") == (
        f"feat(catalog): move alias champion of {CHURN} from 4.0.0 to 3.2.1"
    )
    assert git(repo, "status", "--porcelain") == ""
    assert _show(invoke, CHURN, repo)["version"]["version"] == "3.2.1"  # type: ignore[index]
    # only the two versions' alias lines differ
    diff = git(repo, "diff", "HEAD~1", "HEAD", "--unified=0")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"]
    assert changed == ["-        aliases: [champion]", "+        aliases: [champion]"]


def test_alias_set_then_rm(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    _alias(invoke, repo, "set", f"{CHURN}@3.2.1", "challenger", "--no-commit")
    assert "        aliases: [challenger]\n" in (repo / "catalog.yaml").read_text()
    result = _alias(invoke, repo, "rm", CHURN, "challenger", "--no-commit")
    assert result["from"] == "3.2.1" and result["to"] is None
    assert (repo / "catalog.yaml").read_text() == COMMENTED


def test_alias_rm_of_the_default_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    before = _state(repo)
    result = invoke("models", "alias", "rm", CHURN, "champion", "--catalog", repo)
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr
    assert "defaultVersion" in result.stderr
    assert _state(repo) == before


def test_alias_bad_input(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    before = _state(repo)
    cases = {
        ("set", f"{CHURN}@9.9.9", "champion"): "has no version '9.9.9' (it has: 4.0.0, 3.2.1",
        ("set", f"{CHURN}@4.0.0", "champion"): "already has the alias 'champion'",
        # `acme/chat-assistant` shares the `acme/` prefix but is not close enough to be offered
        ("set", "acme/churn-clasifier@4.0.0", "x"): "hint: Did you mean acme/churn-classifier?\n",
        ("rm", CHURN, "nope"): "no version of acme/churn-classifier has the alias 'nope'",
    }
    for args, message in cases.items():
        result = invoke("models", "alias", *args, "--catalog", repo)
        assert result.exit_code == 1, args
        assert message in result.stderr, result.stderr
    result = invoke("models", "alias", "set", CHURN, "champion", "--catalog", repo)
    assert result.exit_code == 2
    assert "is not NAME@VERSION" in result.stderr
    assert _state(repo) == before


def test_history_shows_alias_moves(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    _publish(invoke, repo, "--deprecates", "4.0.0")
    _alias(invoke, repo, "set", f"{CHURN}@3.2.1", "rollback")
    result = invoke("models", "history", CHURN, "--catalog", repo, "-o", "json")
    assert result.exit_code == 0, result.stderr
    moves = [
        (e["subject"], e["alias"], e["from"], e["to"], e["version"])
        for e in json.loads(result.stdout)["events"]
        if e["event"] == "alias"
    ]
    assert moves == [
        (f"feat(catalog): publish {CHURN}@5.0.0; deprecate {CHURN}@4.0.0",
         "champion", "4.0.0", "5.0.0", "5.0.0"),
        (f"feat(catalog): alias rollback of {CHURN} to 3.2.1", "rollback", None, "3.2.1", "3.2.1"),
    ]  # fmt: skip
    table = invoke("models", "history", CHURN, "--catalog", repo)
    assert "alias champion: 4.0.0 -> 5.0.0" in table.stdout
    assert "alias rollback: (none) -> 3.2.1" in table.stdout
