"""`paths.mirror_into` feeds scratch repositories whose commits must hold exactly the files
given (the migration's three-way merge, the bundled templates' snapshots)."""

from __future__ import annotations

import os
from pathlib import Path

from idp_cli import paths
from tests.helpers import git


def test_a_same_sized_file_with_the_same_time_is_committed_as_changed(tmp_path: Path) -> None:
    """Git's index trusts size and time: the migration once left `idp-ai-platform==0.0.9` in
    a file its merge should have made `0.1.0` (same size, time copied from the source). With
    `core.checkStat=minimal` git compares only those, so the test does not depend on an inode
    being reused within the same second."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "core.checkStat", "minimal")
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, version in ((old, "0.0.9"), (new, "0.1.0")):
        (folder / "ci").mkdir(parents=True)
        (folder / "ci" / "job.yml").write_text(f"pip install idp=={version}\n")
        os.utime(folder / "ci" / "job.yml", (1_700_000_000, 1_700_000_000))
    (old / "gone.txt").write_text("only in the old tree\n")

    paths.mirror_into(repo, old, ["ci/job.yml", "gone.txt"])
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "old")
    paths.mirror_into(repo, new, ["ci/job.yml"])
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "new")

    assert git(repo, "show", "HEAD:ci/job.yml") == "pip install idp==0.1.0"
    assert git(repo, "ls-tree", "-r", "--name-only", "HEAD") == "ci/job.yml"
