"""A template released as v1 then v2 and a catalog that moves on, both real git repositories,
and projects generated from them: the world `idp check` and `idp update` live in."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.helpers import Invoke, commit_all, git, make_repo

COPIER_YML = """\
_subdirectory: template
_idp:
  title: Tiny service
  modelTypes: [generative]
  protocols: [openai-v1]
project_name: {type: str}
description: {type: str, default: ""}
model_ref: {type: str, default: ""}
catalog_source: {type: str, default: ""}
catalog_ref: {type: str, default: ""}
catalog_commit: {type: str, default: ""}
model: {type: yaml, default: {}}
"""

# As the bundled templates write it: nested mappings keep their order (see test_answers_roundtrip).
ANSWERS_FILE = (
    "{{ dict(_copier_answers | dictsort(case_sensitive=true)) | to_nice_yaml(sort_keys=false) -}}\n"
)

README_V1 = """\
# {{ project_name }}

Template line one.

Shared middle.

Template line three.
"""

V1 = {
    "copier.yml": COPIER_YML,
    "template/{{_copier_conf.answers_file}}.jinja": ANSWERS_FILE,
    "template/client.py.jinja": (
        'ENDPOINT = "{{ model.endpoint.url }}"\nMODEL_ID = "{{ model.endpoint.model_id }}"\n'
    ),
    "template/README.md.jinja": README_V1,
    "template/notes.txt": "Notes from the template.\n",
}

V2 = {
    **V1,
    "template/README.md.jinja": README_V1.replace(
        "Template line one.", "Template line one, revised in v2."
    ),
    "template/CHANGELOG.md": "v2: a changelog.\n",
}

CATALOG_V1 = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/assistant
    description: The house chat model.
    owner: group:default/genai
    modelType: generative
    tasks: [text-generation]
    license: apache-2.0
    versions:
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://v1.llm.example.internal, modelId: assistant-1, capabilities: [chat]}
"""

# 1.0.0 is deprecated in favour of 2.0.0, served elsewhere under another model id.
CATALOG_V2 = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/assistant
    description: The house chat model.
    owner: group:default/genai
    modelType: generative
    tasks: [text-generation]
    license: apache-2.0
    versions:
      - version: "2.0.0"
        lifecycle: production
        changelog: Twice the context, half the latency.
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://v2.llm.example.internal, modelId: assistant-2, capabilities: [chat]}
      - version: "1.0.0"
        lifecycle: deprecated
        deprecation: {successor: "acme/assistant@2.0.0"}
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://v1.llm.example.internal, modelId: assistant-1, capabilities: [chat]}
"""


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def release(template: Path, files: dict[str, str], tag: str) -> None:
    write_files(template, files)
    commit_all(template, f"release {tag}")
    git(template, "tag", tag)


def template_repo(path: Path) -> Path:
    make_repo(path)
    release(path, V1, "v1")
    return path


def catalog_repo(path: Path, text: str = CATALOG_V1) -> Path:
    make_repo(path)
    (path / "catalog.yaml").write_text(text, encoding="utf-8")
    commit_all(path, "catalog")
    return path


def publish(catalog: Path, text: str) -> str:
    (catalog / "catalog.yaml").write_text(text, encoding="utf-8")
    return commit_all(catalog, "catalog change")


def generate(invoke: Invoke, template: Path, catalog: Path, dest: Path, model: str) -> Path:
    """`idp new` from the template's git repository, then the project's first commit."""
    result = invoke(
        "new", dest, "-t", f"file://{template}", "-m", model, "--catalog", catalog, "--defaults"
    )
    assert result.exit_code == 0, result.stderr
    make_repo(dest)
    commit_all(dest, "Generate project")
    return dest


def answers(project: Path) -> dict[str, object]:
    data = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(data, dict)
    return data


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD")


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file outside .git, for "the project is left exactly as it was"."""
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(project).parts
    }


# The same template for a predictive model, and the head of a catalog holding one.
PREDICTIVE_COPIER_YML = COPIER_YML.replace(
    """_idp:
  title: Tiny service
  modelTypes: [generative]
  protocols: [openai-v1]
""",
    """_idp:
  title: Tiny predictor
  modelTypes: [predictive]
  protocols: [oip-v2]
  capabilities: [predict]
  requiresSignature: true
""",
)
PREDICTIVE_HEAD = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
models:
  - name: acme/churn
    description: Predicts churn.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
"""
