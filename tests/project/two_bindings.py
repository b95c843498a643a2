"""A project with two bindings: the fleet's app template bound to acme/assistant, and a small
client component bound to acme/summarizer, recorded in `.copier-answers.summarizer.yml`
(as Copier applies several templates to one project: one answers file each)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import Invoke, commit_all, make_repo
from tests.project.fleet import ANSWERS_FILE, CATALOG_V1, release

CLIENT_COPIER_YML = """\
_subdirectory: template
_answers_file: .copier-answers.{{ binding_name }}.yml
_idp:
  title: Model client component
  modelTypes: [generative]
  protocols: [openai-v1]
binding_name: {type: str, default: summarizer}
model_ref: {type: str, default: ""}
catalog_source: {type: str, default: ""}
catalog_ref: {type: str, default: ""}
catalog_commit: {type: str, default: ""}
model: {type: yaml, default: {}}
"""

# The lines a re-binding changes are far from the end, where the user adds their own.
CLIENT_PY = """\
ENDPOINT = "{{ model.endpoint.url }}"
MODEL_ID = "{{ model.endpoint.model_id }}"
DESCRIPTION = "client for {{ model_ref }}"


def call(prompt):
    return (ENDPOINT, MODEL_ID, prompt)
"""

CLIENT_V1 = {
    "copier.yml": CLIENT_COPIER_YML,
    "template/{{_copier_conf.answers_file}}.jinja": ANSWERS_FILE,
    "template/{{ binding_name }}/client.py.jinja": CLIENT_PY,
    "template/{{ binding_name }}/NOTES.md": "Notes from the client component.\n",
}

SUMMARIZER = """\
  - name: acme/summarizer
    description: Summaries of long documents.
    owner: group:default/genai
    modelType: generative
    tasks: [summarization]
    license: apache-2.0
    versions:
"""
SUMMARIZER_V1 = """\
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://sum-v1.example.internal, modelId: summarizer-1, capabilities: [chat]}
"""
CATALOG_TWO_MODELS = CATALOG_V1 + SUMMARIZER + SUMMARIZER_V1

# summarizer 1.0.0 is deprecated in favour of 2.0.0; acme/assistant does not move.
CATALOG_SUMMARIZER_DEPRECATED = (
    CATALOG_V1
    + SUMMARIZER
    + """\
      - version: "2.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://sum-v2.example.internal, modelId: summarizer-2, capabilities: [chat]}
"""
    + SUMMARIZER_V1.replace(
        "lifecycle: production",
        'lifecycle: deprecated\n        deprecation: {successor: "acme/summarizer@2.0.0"}',
    )
)


def client_template_repo(path: Path) -> Path:
    make_repo(path)
    release(path, CLIENT_V1, "v1")
    return path


def add_client(invoke: Invoke, client: Path, catalog: Path, project: Path, model: str) -> None:
    """Render the client component into the project (beside the app's files), then commit."""
    result = invoke(
        "new",
        project,
        "-t",
        f"file://{client}",
        "-m",
        model,
        "--catalog",
        catalog,
        "--defaults",
        "--force",
    )
    assert result.exit_code == 0, result.stderr
    commit_all(project, "Add the summarizer client")
