"""Loading a catalog that holds a literal credential: refused wherever it is written, while
the names of environment variables that hold tokens are not mistaken for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from idp_cli.catalog.model import Catalog
from idp_cli.catalog.read import Loaded
from tests.catalog.read_problems import check, only_problem, problem_for
from tests.helpers import CATALOG, edit, load_spec


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n    customProperties: {token: sk-live-0123456789abcdef}\n",
            "models[1].customProperties.token",
        ),
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n"
            "    customProperties: {note: sk-proj-abcdefghijklmnopqrstuvwxyz012345}\n",
            "models[1].customProperties.note",
        ),
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n"
            "    links: [{title: Repo, url: 'https://deploy:hunter22@git.example.internal/x'}]\n",
            "models[1].links[0].url",
        ),
        (
            "    tags: [llm, chat]\n",
            "    tags: [llm, chat]\n    customProperties: {apiKey: abc123}\n",
            "models[1].customProperties.apiKey",
        ),
        (
            "    tags: [retail]\n",
            "    tags: [retail]\n    labels: {gatewayToken: xyz}\n",
            "models[2].labels.gatewayToken",
        ),
        (
            "        lifecycle: experimental\n",
            "        lifecycle: experimental\n"
            "        changelog: 'Tested with ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'\n",
            "models[1].versions[1].changelog",
        ),
    ],
)
def test_literal_credentials_are_errors(tmp_path: Path, old: str, new: str, path: str) -> None:
    _, problem = problem_for(tmp_path, old, new)
    assert problem.path == path
    assert "credential" in problem.message


def test_a_credential_in_the_header_is_an_error(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "source: {id: test-ds, name: Test Data Science}",
        "source: {id: test-ds, name: 'AKIAABCDEFGHIJKLMNOP'}",
    )
    _, problem = only_problem(tmp_path, text)
    assert problem.path == "source.name"
    assert "AWS access key" in problem.message


def test_a_token_inside_auth_is_unknown_and_a_credential(tmp_path: Path) -> None:
    text = edit(
        CATALOG,
        "auth: {type: bearer, tokenEnv: LLM_TOKEN}",
        "auth: {type: bearer, tokenEnv: LLM_TOKEN, token: abc}",
    )
    _, problems = check(tmp_path, text)
    assert {p.path for p in problems} == {"models[1].versions[0].serving.endpoints[0].auth.token"}
    assert any("credential" in p.message for p in problems)
    assert any("unknown key 'token'" in p.message for p in problems)


def test_token_env_names_are_not_mistaken_for_credentials(catalog_dir: Path) -> None:
    loaded: Loaded[Catalog] = load_spec(catalog_dir)
    assert "tokenEnv: CHURN_API_TOKEN" in CATALOG
    assert loaded.problems == []
