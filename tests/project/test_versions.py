"""Template versions read as Copier reads them: PEP 440 tags, prereleases skipped, `git
describe` strings, and untagged templates compared by commit."""

from __future__ import annotations

from pathlib import Path

from idp_cli.templates import versions
from tests.helpers import Invoke, commit_all, git, make_repo
from tests.project.fleet import V1, V2, answers, catalog_repo, write_files


def test_newest_tag_sorts_by_pep440_and_skips_prereleases() -> None:
    tags = ["v1.9.0", "v1.10.0", "v2.0.0rc1", "latest", "1.2"]
    assert versions.newest_tag(tags) == "v1.10.0"
    assert versions.newest_tag(tags, prereleases=True) == "v2.0.0rc1"
    assert versions.newest_tag(["latest", "stable"]) is None


def test_describe_output_is_a_post_release() -> None:
    remote = versions.Remote(tags={"v1": "a" * 40, "v2": "b" * 40}, head="b" * 40)
    assert versions.is_newer("v2", "v1-3-gabc1234", remote)
    assert not versions.is_newer("v1", "v1-3-gabc1234", remote)
    assert not versions.is_newer("v2", "v2", remote)


def test_untagged_templates_compare_commits() -> None:
    remote = versions.Remote(tags={}, head="0123456789abcdef" * 2 + "01234567")
    assert not versions.is_newer("0123456", "0123456", remote)
    assert versions.is_newer("0123456", "fedcba9", remote)


def test_untagged_template_drift_and_update(invoke: Invoke, tmp_path: Path) -> None:
    template = make_repo(tmp_path / "template")
    write_files(template, V1)
    commit_all(template, "first")
    catalog = catalog_repo(tmp_path / "catalog")
    project = tmp_path / "app"
    made = invoke(
        "new",
        project,
        "-t",
        f"file://{template}",
        "-m",
        "acme/assistant",
        "--catalog",
        catalog,
        "--defaults",
    )
    assert made.exit_code == 0, made.stderr
    make_repo(project)
    commit_all(project, "Generate project")
    assert invoke("check", project).exit_code == 0

    write_files(template, V2)
    new_head = commit_all(template, "second")
    result = invoke("check", project, "-o", "json")
    assert result.exit_code == 5
    assert '"newest": "' + new_head[:7] in result.stdout
    assert invoke("update", project).exit_code == 0
    assert (project / "CHANGELOG.md").is_file()
    assert str(answers(project)["_commit"]) == git(template, "rev-parse", "--short", "HEAD")
