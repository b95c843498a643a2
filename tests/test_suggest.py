"""The one did-you-mean rule every unknown-name error uses."""

from __future__ import annotations

import subprocess
import sys

from idp_cli.suggest import close_names, did_you_mean

TEMPLATES = ["prediction-service", "batch-scoring", "chat-service", "chat-client"]


def test_a_typo_finds_the_closest_names_first() -> None:
    assert close_names("chat-servce", TEMPLATES)[:2] == ["chat-service", "chat-client"]
    assert close_names("batch", TEMPLATES) == ["batch-scoring"]
    assert close_names("chat-servce", TEMPLATES, most=1) == ["chat-service"]


def test_case_is_ignored_and_the_name_comes_back_as_written() -> None:
    assert close_names("ACME/Churn-Classifier", ["acme/churn-classifier"]) == [
        "acme/churn-classifier"
    ]
    assert close_names("modelID", ["modelId", "owner"], most=1) == ["modelId"]


def test_a_name_containing_what_was_typed_is_offered_after_the_close_ones() -> None:
    # `churn` is too short to be similar to the whole name, but the name contains it
    models = ["acme/churn-classifier", "acme/fraud-detector", "acme/churn-v2-experimental"]
    assert close_names("churn", models) == ["acme/churn-classifier", "acme/churn-v2-experimental"]


def test_a_letter_or_two_is_not_looked_for_inside_names() -> None:
    # `--columns e` must not offer every column with an e in it
    columns = ["name", "version", "lifecycle", "task"]
    assert close_names("e", columns) == []
    assert close_names("ve", columns) == []
    assert close_names("ver", columns) == ["version"]


def test_nothing_close_is_nothing_offered() -> None:
    assert close_names("zzz", ["version", "aliases", "lifecycle"]) == []
    assert close_names("", ["version"]) == []


def test_the_hint_sentence_names_up_to_three_then_the_rest() -> None:
    names = ["summarizer", "summarizer-v2", "summarizer-large", "summarizer-x"]
    assert did_you_mean("sumarizer", names, "Its bindings: ...") == (
        "Did you mean summarizer, summarizer-x, summarizer-v2? Its bindings: ..."
    )
    assert did_you_mean("sumarizer", names) == (
        "Did you mean summarizer, summarizer-x, summarizer-v2?"
    )
    assert did_you_mean("zzz", names, "Its bindings: ...") == "Its bindings: ..."
    assert did_you_mean("zzz", names) == ""


def test_importing_it_does_not_import_difflib() -> None:
    # every command imports the modules that raise these errors; difflib only on an error
    code = "import sys, idp_cli.suggest; print('difflib' in sys.modules)"
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "False"
