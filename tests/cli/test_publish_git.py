"""`idp models publish`: when git refuses the commit, everything is put back as it was."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_publish import BASE, _repo, _state
from tests.helpers import Invoke, git


def test_a_failed_commit_is_rolled_back(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'catalog owners must review this' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = _state(repo)
    result = invoke("models", "publish", "--catalog", repo, *BASE)
    assert result.exit_code == 1
    assert "git could not commit" in result.stderr
    assert "catalog owners must review this" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert result.stdout == ""
    assert _state(repo) == before
    assert git(repo, "branch", "--list") == "* main"
