"""Shell completion through the real protocol: the shell script Typer installs runs `idp` with
`_IDP_COMPLETE=complete_bash` (COMP_WORDS/COMP_CWORD) or `complete_zsh` (_TYPER_COMPLETE_ARGS)
and reads the candidates from stdout."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from idp_cli.cli import completion

LLAMA = "meta-llama/llama-3.1-8b-instruct"


def _idp() -> list[str]:
    # Click derives the variable's name from the program name: `idp` -> _IDP_COMPLETE. Under
    # `python -m idp_cli` the program is "python -m idp_cli", so run the installed script.
    script = Path(sys.executable).parent / "idp"
    if script.is_file():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; sys.argv[0] = 'idp'; from idp_cli.cli.app import main; main()",
    ]


def _run(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        _idp(),
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result


def bash(line: str, tmp_path: Path, **env: str) -> list[str]:
    """Candidates for the last word of `line` (a trailing space means a new, empty word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    result = _run(
        {"_IDP_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword), **env},
        tmp_path,
    )
    return [line for line in result.stdout.splitlines() if line]


def zsh(line: str, tmp_path: Path) -> str:
    return _run({"_IDP_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}, tmp_path).stdout


def test_model_names_for_a_partial_word(tmp_path: Path) -> None:
    found = bash("idp models show meta-", tmp_path)
    assert LLAMA in found
    assert "meta-llama/llama-3.2-3b-instruct" in found
    assert all(name.startswith("meta-") for name in found)


def test_refs_after_name_at(tmp_path: Path) -> None:
    found = bash(f"idp models show {LLAMA}@", tmp_path)
    assert f"{LLAMA}@2.2.0" in found
    assert f"{LLAMA}@1.0.0" in found
    assert f"{LLAMA}@champion" in found
    assert all(ref.startswith(f"{LLAMA}@") for ref in found)
    assert bash(f"idp models show {LLAMA}@ch", tmp_path) == [
        f"{LLAMA}@challenger",
        f"{LLAMA}@champion",
    ]
    assert bash("idp models show no-such/model@", tmp_path) == []


def test_a_lone_name_leaves_room_for_at(tmp_path: Path) -> None:
    # two candidates whose common prefix is the name: the shell inserts the name without the
    # space it puts after a lone candidate, so `@version` can be typed next
    assert bash("idp models show acme/churn-c", tmp_path) == [
        "acme/churn-classifier",
        "acme/churn-classifier@",
    ]
    assert "acme/churn-classifier@ then a version or alias" not in zsh(
        "idp models show acme/churn-c", tmp_path
    )
    assert "acme/churn-classifier@" in zsh("idp models show acme/churn-c", tmp_path)
    fish = _run(
        {
            "_IDP_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_ARGS": "idp models show acme/churn-c",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        },
        tmp_path,
    ).stdout
    assert [line.split("\t")[0] for line in fish.splitlines()] == [
        "acme/churn-classifier",
        "acme/churn-classifier@",
    ]


def test_commands_taking_a_model_name_complete_names_only(tmp_path: Path) -> None:
    for line in (
        "idp models history meta-",
        "idp models publish --model meta-",
        "idp models alias rm meta-",
    ):
        found = bash(line, tmp_path)
        assert LLAMA in found, line
        assert all(name.startswith("meta-") and "@" not in name for name in found), line


def test_alias_set_completes_refs(tmp_path: Path) -> None:
    assert f"{LLAMA}@2.2.0" in bash(f"idp models alias set {LLAMA}@2", tmp_path)


def test_model_option_of_new(tmp_path: Path) -> None:
    assert LLAMA in bash("idp new app --template chat-service --model meta-", tmp_path)
    assert f"{LLAMA}@2.2.0" in bash(f"idp new app -m {LLAMA}@2", tmp_path)


def test_the_model_option_offers_what_the_template_on_the_line_can_serve(tmp_path: Path) -> None:
    every = bash("idp new app --model ", tmp_path)
    chat = bash("idp new app --template chat-service --model ", tmp_path)
    predictive = bash("idp new app -t prediction-service -m acme/", tmp_path)
    assert LLAMA in chat and "acme/churn-classifier" not in chat  # no predictive model
    assert "acme/churn-classifier" in predictive and LLAMA not in predictive
    assert set(chat) < set(every) and set(predictive) < set(every)


def test_template_names(tmp_path: Path) -> None:
    assert bash("idp new --template ch", tmp_path) == ["chat-service"]
    # components are added with `idp add`, not offered to `idp new`
    assert bash("idp new --template pre", tmp_path) == ["prediction-service"]
    assert bash("idp templates show ", tmp_path) == [
        "batch-scoring",
        "chat-client",
        "chat-service",
        "embeddings-client",
        "prediction-service",
        "predictive-client",
        "rag-service",
        "training-project",
    ]


def test_tasks_and_tags(tmp_path: Path) -> None:
    assert "text-generation" in bash("idp models list --task text-", tmp_path)
    assert "tool-calling" in bash("idp models list --tag to", tmp_path)


def test_uses_the_catalog_named_on_the_command_line(tmp_path: Path, catalog_dir: Path) -> None:
    mine = ["acme/chat-assistant", "acme/churn-classifier"]
    assert sorted(bash(f"idp --catalog {catalog_dir} models show acme/ch", tmp_path)) == mine
    assert sorted(bash(f"idp models show --catalog {catalog_dir} acme/ch", tmp_path)) == mine
    assert sorted(bash("idp models show acme/ch", tmp_path, IDP_CATALOG=str(catalog_dir))) == mine
    # the bundled catalog has no acme/chat-assistant (the second candidate leaves room for @)
    assert bash("idp models show acme/ch", tmp_path) == [
        "acme/churn-classifier",
        "acme/churn-classifier@",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "idp --catalog /no/such/catalog models show m",
        "idp --catalog /no/such/catalog models list --tag ",
        "idp --catalog-ref main models show m",  # a ref without a git catalog is an error
    ],
)
def test_a_broken_catalog_gives_no_candidates_and_prints_nothing(tmp_path: Path, line: str) -> None:
    assert bash(line, tmp_path) == []


def test_an_invalid_catalog_gives_no_candidates(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text("models: [not a model\n")
    assert bash(f"idp --catalog {bad} models show ", tmp_path) == []


def test_zsh(tmp_path: Path) -> None:
    out = zsh("idp models show meta-", tmp_path)
    assert out.startswith("_arguments '*: :((")
    assert f'"{LLAMA}":' in out
    assert '"chat-service"' in zsh("idp new --template ch", tmp_path)
    assert f'"{LLAMA}@champion"' in zsh(f"idp models show {LLAMA}@", tmp_path)


def test_functions_never_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("idp_cli.catalog.read.open_summary", boom)
    monkeypatch.setattr("idp_cli.paths.bundled_templates", boom)
    assert completion.model_refs(None, "") == []  # type: ignore[arg-type]
    assert completion.tasks(None, "") == []  # type: ignore[arg-type]
    assert completion.tags(None, "") == []  # type: ignore[arg-type]
    assert completion.template_names("") == []


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_show_completion_prints_the_script_for_the_running_shell(tmp_path: Path) -> None:
    # `idp --show-completion` detects the shell it runs under, as in `eval "$(...)"` in ~/.bashrc
    command = " ".join(shlex.quote(part) for part in _idp())
    result = subprocess.run(
        ["bash", "-c", f"{command} --show-completion"],
        # a login shell exports SHELL; a CI job or a detached process may not have it
        env={**os.environ, "SHELL": str(shutil.which("bash"))},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "_IDP_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _idp_completion idp" in result.stdout


def test_vocabulary_options_complete_their_words(tmp_path: Path) -> None:
    assert bash("idp models list --type ", tmp_path) == ["predictive", "generative"]
    assert bash("idp models list --lifecycle de", tmp_path) == ["deprecated"]
    assert bash("idp models list --protocol o", tmp_path) == ["openai-v1", "oip-v2", "ollama"]


def test_enum_options_complete_their_values(tmp_path: Path) -> None:
    assert bash("idp new --ci ", tmp_path) == ["github", "gitlab", "tekton"]
    assert bash("idp models list -o ", tmp_path) == ["table", "wide", "json", "yaml"]
    assert bash("idp update --conflict ", tmp_path) == ["inline", "rej"]
