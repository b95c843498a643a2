"""What the `idp new` tests share: a catalog with a chat model to bind (and one the chat
template cannot serve), and what to look at in a generated project."""

from __future__ import annotations

from pathlib import Path

import yaml

CHAT_CATALOG = """\
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
        signature:
          params: [{name: temperature, type: double, default: 0.2}, {name: max_tokens, type: long, default: 256}]
        serving:
          endpoints:
            - {name: staging, environment: staging, protocol: openai-v1, url: https://staging.llm.example.internal, modelId: assistant-2-rc, capabilities: [chat]}
            - {name: prod, protocol: openai-v1, url: https://llm.example.internal, modelId: assistant-2, auth: {type: bearer, tokenEnv: LLM_TOKEN}, capabilities: [chat, streaming]}
      - version: "3.0.0-rc1"
        lifecycle: experimental
        serving:
          endpoints:
            - {name: dev, environment: development, protocol: ollama, url: "http://localhost:11434", modelId: "assistant:3", capabilities: [chat]}
      - version: "1.0.0"
        lifecycle: deprecated
        deprecation: {successor: "acme/assistant@2.0.0"}
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://old.llm.example.internal, modelId: assistant-1, capabilities: [chat]}
  - name: acme/embedder
    description: Sentence embeddings.
    owner: group:default/genai
    modelType: generative
    tasks: [feature-extraction]
    license: mit
    versions:
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://emb.example.internal, modelId: emb, capabilities: [embeddings]}
"""


def read_answers(project: Path) -> dict[str, object]:
    """The answers file `idp new` wrote into `project`."""
    data = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(data, dict)
    return data


def names_in(folder: Path) -> list[str]:
    """What `folder` holds, by name: nothing may be left beside what was generated."""
    return sorted(p.name for p in folder.iterdir())
