"""`idp models publish`: the exact bytes written into each shape of catalog file (the main
file, an included file holding one model, a `models:` list or a bare list, a new model's own
file) and for each common indentation, so a change to how the YAML is edited shows up as a
diff of the expected files in tests/data/publish/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_publish import COMMENTED, MLMODEL, MODEL_FILE, SPLIT_MAIN
from tests.helpers import Invoke, commit_all, git, make_repo, write_catalog

EXPECTED = Path(__file__).parents[1] / "data" / "publish"

GENERATIVE = (
    "--description", "Summarizes tickets.", "--owner", "group:default/genai",
    "--model-type", "generative", "--task", "summarization", "--license", "apache-2.0",
)  # fmt: skip
ENDPOINT = (
    "--endpoint",
    "protocol=openai-v1,url=https://llm.example.internal/v1,model-id=x,auth=bearer:LLM_TOKEN",
)

MODELS_KEY_FILE = """\
# Both assistants, reviewed together.
models:
  - name: acme/helper
    description: Helps.   # for the support team
    owner: group:default/genai
    modelType: generative
    tasks: [text-generation]
    license: mit
    versions:
      - version: "1.0.0"
        lifecycle: production
  - name: acme/writer
    description: Writes.
    owner: group:default/genai
    modelType: generative
    tasks: [text-generation]
    license: mit
    versions:
      - version: "2.0.0"
        lifecycle: production

      - version: "1.0.0"
        lifecycle: deprecated
        deprecation: {successor: "acme/writer@2.0.0"}
"""

# Sequences at their parent key's column, as many YAML formatters write them.
LIST_FILE = """\
- name: acme/helper
  description: Helps.
  owner: group:default/genai
  modelType: generative
  tasks: [text-generation]
  license: mit
  versions:
  - version: "1.0.0"
    lifecycle: production
    serving:
      endpoints:
      - {name: prod, protocol: openai-v1, url: "https://llm.example.internal/v1", modelId: helper,
         capabilities: [chat]}
"""

FOUR_SPACES = """\
name: acme/helper
description: Helps.
owner: group:default/genai
modelType: generative
tasks: [text-generation]
license: mit
versions:
    - version: "1.0.0"
      lifecycle: production
      llm:
          contextLength: 8192
"""

INCLUDE = "apiVersion: idp/v1alpha1\nkind: ModelCatalog\ninclude: [models/*.yaml]\n"
CHURN = ("--model", "acme/churn-classifier", "--signature-file", "MLMODEL")

CASES: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "main-new-version": (
        {"catalog.yaml": COMMENTED},
        (
            *CHURN, "--version", "5.0.0", "--lifecycle", "staging",
            "--artifact-uri", "s3://models/churn/5.0.0/", "--changelog", "Retrained.",
            "--alias", "challenger", "--endpoint",
            "protocol=oip-v2,url=https://churn.example.internal,model-id=churn,name=next",
        ),
    ),
    "main-deprecates": (
        {"catalog.yaml": COMMENTED},
        (*CHURN, "--version", "5.0.0", "--lifecycle", "production", "--deprecates", "4.0.0"),
    ),
    "main-new-model": (
        {"catalog.yaml": COMMENTED},
        ("--model", "acme/summarizer", "--version", "0.1.0", "--lifecycle", "experimental",
         *GENERATIVE, "--display-name", "Ticket summarizer", *ENDPOINT),
    ),
    "one-model-file": (
        {"catalog.yaml": SPLIT_MAIN, "models/churn.yaml": MODEL_FILE},
        (*CHURN, "--version", "4.1.0", "--lifecycle", "staging", "--deprecates", "4.0.0"),
    ),
    "new-model-file": (
        {"catalog.yaml": SPLIT_MAIN, "models/churn.yaml": MODEL_FILE},
        ("--model", "acme/summarizer", "--version", "0.1.0", "--lifecycle", "experimental",
         *GENERATIVE, *ENDPOINT),
    ),
    "models-key-file": (
        {"catalog.yaml": INCLUDE, "models/assistants.yaml": MODELS_KEY_FILE},
        ("--model", "acme/writer", "--version", "3.0.0", "--lifecycle", "staging",
         "--deprecates", "2.0.0", *ENDPOINT),
    ),
    "models-key-file-successor": (
        {"catalog.yaml": INCLUDE, "models/assistants.yaml": MODELS_KEY_FILE},
        ("--model", "acme/writer", "--version", "3.0.0", "--lifecycle", "production",
         "--deprecates", "1.0.0"),
    ),
    "list-file": (
        {"catalog.yaml": INCLUDE, "models/helper.yaml": LIST_FILE},
        ("--model", "acme/helper", "--version", "1.1.0", "--lifecycle", "staging",
         "--alias", "next", "--deprecates", "1.0.0", *ENDPOINT),
    ),
    "list-file-new-model": (
        {"catalog.yaml": INCLUDE.replace("models/*.yaml", "models/*-model.yaml"),
         "models/helper-model.yaml": LIST_FILE},
        ("--model", "acme/summarizer", "--version", "0.1.0", "--lifecycle", "experimental",
         *GENERATIVE),
    ),
    "four-spaces": (
        {"catalog.yaml": INCLUDE, "models/helper.yaml": FOUR_SPACES},
        ("--model", "acme/helper", "--version", "1.1.0", "--lifecycle", "staging",
         "--deprecates", "1.0.0", "--from-file", "FRAGMENT"),
    ),
}  # fmt: skip

FRAGMENT = """\
version: "1.1.0"
changelog: Longer context.   # measured on the eval set
llm: {contextLength: 32768}
"""


def _run(tmp_path: Path, invoke: Invoke, case: str) -> dict[str, str]:
    """The files publish wrote in `case`, by path relative to the repository."""
    files, args = CASES[case]
    repo = make_repo(tmp_path / "repo")
    for rel, text in files.items():
        write_catalog((repo / rel).parent, text, Path(rel).name)
    commit_all(repo, "catalog")
    (tmp_path / "MLmodel").write_text(MLMODEL)
    (tmp_path / "fragment.yaml").write_text(FRAGMENT)
    swap = {"MLMODEL": str(tmp_path / "MLmodel"), "FRAGMENT": str(tmp_path / "fragment.yaml")}
    result = invoke("models", "publish", "--catalog", repo, *(swap.get(a, a) for a in args))
    assert result.exit_code == 0, result.stderr
    changed = git(repo, "diff", "--name-only", "HEAD~1", "HEAD").splitlines()
    return {rel: (repo / rel).read_text(encoding="utf-8") for rel in changed}


@pytest.mark.parametrize("case", sorted(CASES))
def test_written_bytes(tmp_path: Path, invoke: Invoke, case: str) -> None:
    written = _run(tmp_path, invoke, case)
    assert len(written) == 1
    [(rel, text)] = written.items()
    expected = (EXPECTED / f"{case}.yaml").read_text(encoding="utf-8")
    assert text == expected, f"{case}: {rel}"
