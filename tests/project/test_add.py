"""`idp add`: model bindings added to a FastAPI project that idp did not generate, then checked
and updated per binding like any other; and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import Invoke, commit_all, git
from tests.project import existing_app
from tests.project.fleet import catalog_repo, publish
from tests.templates.contract import run_module

HEADER = """\
apiVersion: idp/v1alpha1
kind: ModelCatalog
source: {id: test, name: Test}
models:
"""
CHURN = """\
  - name: acme/churn
    description: Who is about to leave.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-classification]
    license: proprietary
    versions:
"""
SIGNATURE = """\
        signature:
          inputs:
            - {name: tenure_months, type: integer}
            - {name: plan, type: string, enum: [basic, pro]}
          outputs:
            - {name: churn, type: boolean}
            - {name: probability, type: double}
          example: {tenure_months: 12, plan: basic}
"""
CHURN_V1 = (
    """\
      - version: "1.0.0"
        lifecycle: production
"""
    + SIGNATURE
    + """\
        serving:
          endpoints:
            - {name: prod, protocol: oip-v2, url: https://churn-v1.example.internal, modelId: churn-1, capabilities: [predict]}
"""
)
CHURN_V2 = CHURN_V1.replace('"1.0.0"', '"2.0.0"').replace("-1", "-2").replace("v1.", "v2.")
ETA = """\
  - name: acme/delivery-eta
    description: When the parcel arrives.
    owner: group:default/ds
    modelType: predictive
    tasks: [tabular-regression]
    license: proprietary
    versions:
      - version: "1.0.0"
        lifecycle: production
        signature:
          inputs:
            - {name: distance_km, type: double}
            - {name: express, type: boolean}
          outputs:
            - {name: hours, type: double}
          example: {distance_km: 3.5, express: true}
        serving:
          endpoints:
            - {name: prod, protocol: kserve-v1, url: https://eta.example.internal, modelId: eta, capabilities: [predict]}
"""
CHAT = """\
  - name: acme/assistant
    description: A chat model.
    owner: group:default/genai
    modelType: generative
    tasks: [text-generation]
    license: apache-2.0
    versions:
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://llm.example.internal, modelId: assistant, capabilities: [chat]}
"""
# served by no component: embeddings only
EMBEDDER = """\
  - name: acme/embedder
    description: Text embeddings.
    owner: group:default/genai
    modelType: generative
    tasks: [feature-extraction]
    license: apache-2.0
    versions:
      - version: "1.0.0"
        lifecycle: production
        serving:
          endpoints:
            - {name: prod, protocol: openai-v1, url: https://emb.example.internal, modelId: embedder, capabilities: [embeddings]}
"""
CATALOG = HEADER + CHURN + CHURN_V1 + ETA + CHAT + EMBEDDER
# churn 1.0.0 deprecated in favour of 2.0.0; delivery-eta does not move
CATALOG_CHURN_DEPRECATED = (
    HEADER
    + CHURN
    + CHURN_V2
    + CHURN_V1.replace(
        "lifecycle: production",
        'lifecycle: deprecated\n        deprecation: {successor: "acme/churn@2.0.0"}',
    )
    + ETA
    + CHAT
    + EMBEDDER
)
# what a machine running the project's tests may have set: the tests must not read it
HOSTILE_ENV = {
    "MODEL_ENDPOINT": "http://203.0.113.1:9",
    "MODEL_NAME": "not-the-model",
    "ASSISTANT_MODEL_ENDPOINT": "http://203.0.113.1:9",
    "ASSISTANT_MODEL_NAME": "not-the-model",
}


def _status(project: Path) -> set[str]:
    out = git(project, "status", "--porcelain", "--untracked-files=all")
    return {line[3:] for line in out.splitlines()}


def _add(invoke: Invoke, project: Path, catalog: Path, *args: str) -> dict[str, Any]:
    result = invoke("add", project, "--catalog", catalog, "--defaults", "-o", "json", *args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path]:
    return existing_app.make(tmp_path / "shop"), catalog_repo(tmp_path / "catalog", CATALOG)


@pytest.mark.slow
def test_two_bindings_added_checked_and_updated(
    invoke: Invoke, shop: tuple[Path, Path], tmp_path: Path
) -> None:
    project, catalog = shop
    churn = _add(invoke, project, catalog, "--model", "acme/churn", "--as", "churn")
    assert churn["module"] == "shop.churn_client"
    assert churn["env_prefix"] == ""  # the first binding reads MODEL_ENDPOINT
    assert churn["instructions"] == [
        'Add "pydantic>=2.11" to [project].dependencies in pyproject.toml.'
    ]
    assert _status(project) == set(churn["files"])
    assert {f.split("/")[0] for f in churn["files"]} == {
        ".copier-answers.churn.yml",
        "src",
        "tests",
    }
    commit_all(project, "Bind churn")

    chat = _add(invoke, project, catalog, "--model", "acme/assistant")
    assert (chat["binding"], chat["template"]) == ("assistant", "chat-client")
    assert chat["env_prefix"] == "ASSISTANT_"
    assert chat["instructions"] == [
        'Add "openai>=1.40" to [project].dependencies in pyproject.toml.'
    ]
    assert _status(project) == set(chat["files"])
    settings = (project / "src/shop/assistant_client/config.py").read_text()
    assert 'PREFIX = "ASSISTANT_"' in settings
    assert "``ASSISTANT_MODEL_ENDPOINT``" in settings
    commit_all(project, "Bind the assistant")

    # the project's own test and both clients' tests, isolated from the machine's settings
    report = existing_app.run_pytest(project, HOSTILE_ENV)
    assert "tests/test_api.py::test_item PASSED" in report
    for suite in ("churn_client", "assistant_client"):
        assert f"tests/{suite}/test_client.py::" in report
        assert f"tests/{suite}/test_config.py::" in report

    check = invoke("check", project, "--catalog", catalog, "-o", "json")
    assert check.exit_code == 0, check.stderr
    assert [b["name"] for b in json.loads(check.stdout)["bindings"]] == [
        "assistant",
        "churn",
    ]  # by name

    # the user's own code in the churn client, then churn 1.0.0 is deprecated
    client = project / "src/shop/churn_client/client.py"
    client.write_text(client.read_text() + "\n\ndef mine() -> str:\n    return 'user code'\n")
    commit_all(project, "User code in the churn client")
    publish(catalog, CATALOG_CHURN_DEPRECATED)

    check = invoke("check", project, "--catalog", catalog, "-o", "json")
    assert check.exit_code == 5, check.stderr
    report = json.loads(check.stdout)
    assert report["reasons"] == [
        "churn: acme/churn@1.0.0 is deprecated; successor acme/churn@2.0.0"
    ]
    assert [b["name"] for b in report["bindings"] if b["outdated"]] == ["churn"]
    listed = json.loads(invoke("bindings", project, "--catalog", catalog, "-o", "json").stdout)
    assert [(b["name"], b["lifecycle"]) for b in listed["bindings"]] == [
        ("assistant", "production"), ("churn", "deprecated")]  # fmt: skip

    before_chat = (project / ".copier-answers.assistant.yml").read_text()
    update = invoke(
        "update", project, "--catalog", catalog, "--latest", "--binding", "churn",
        "--defaults", "-o", "json",
    )  # fmt: skip
    assert update.exit_code == 0, update.stderr
    done = json.loads(update.stdout)
    assert done["conflicts"] == []
    assert done["bindings"][0]["model"] == {"from": "acme/churn@1.0.0", "to": "acme/churn@2.0.0"}
    changed = {f["path"] for f in done["files"]}
    # the answers, the binding, and the module's docstring and README that name the bound version
    assert changed == {
        ".copier-answers.churn.yml",
        "src/shop/churn_client/binding.json",
        "src/shop/churn_client/__init__.py",
        "src/shop/churn_client/README.md",  # its model card
    }
    binding = json.loads((project / "src/shop/churn_client/binding.json").read_text())
    assert binding["endpoint"]["url"] == "https://churn-v2.example.internal"
    assert "return 'user code'" in client.read_text()  # the user's edit survives
    assert (project / ".copier-answers.assistant.yml").read_text() == before_chat
    recorded = yaml.safe_load((project / ".copier-answers.churn.yml").read_text())
    assert recorded["model_ref"] == "acme/churn@2.0.0"
    assert recorded["env_prefix"] == ""

    commit_all(project, "Re-bind churn")
    assert invoke("check", project, "--catalog", catalog).exit_code == 0
    assert "passed" in existing_app.run_pytest(project, HOSTILE_ENV)

    # and the chat binding goes again: exactly the files its `idp add` wrote
    assert invoke("remove", project, "--binding", "assistant").exit_code == 0
    assert set(git(project, "ls-files", "--deleted").splitlines()) == set(chat["files"])
    assert len(git(project, "status", "--porcelain").splitlines()) == len(chat["files"])


def test_a_flat_project_without_pyproject(
    invoke: Invoke, tmp_path: Path, shop: tuple[Path, Path]
) -> None:
    _, catalog = shop
    project = existing_app.make(
        tmp_path / "flat",
        {"app/__init__.py": "", "app/main.py": "VALUE = 1\n", "tests/test_main.py": TEST_MAIN},
    )
    pretend = _add(invoke, project, catalog, "--model", "acme/churn", "--pretend")
    assert pretend["pretend"] is True
    assert "app/churn_client/client.py" in pretend["files"]
    assert _status(project) == set()  # --pretend writes nothing

    added = _add(invoke, project, catalog, "--model", "acme/churn")
    assert added["binding"] == "churn"
    assert added["module"] == "app.churn_client"
    assert added["instructions"] == [
        'Install "httpx>=0.27", "pydantic>=2.11" where app runs (it has no pyproject.toml).'
    ]
    assert _status(project) == set(added["files"])
    assert "passed" in existing_app.run_pytest(project, HOSTILE_ENV)


TEST_MAIN = """\
from app.main import VALUE


def test_value():
    assert VALUE == 1
"""


def test_what_add_refuses(invoke: Invoke, shop: tuple[Path, Path], tmp_path: Path) -> None:
    project, catalog = shop

    def refused(*args: str | Path, at: Path = project) -> str:
        result = invoke("add", at, "--catalog", catalog, "--defaults", *args)
        assert result.exit_code == 1, result.stdout
        assert "hint:" in result.stderr
        return " ".join(result.stderr.split())

    assert "no model given" in refused()
    assert "acme/churn@1.0.0" in refused()  # the hint names the models that fit
    why = refused("--model", "acme/embedder")
    assert "no model-client component can serve acme/embedder@1.0.0" in why
    assert "chat-client: its tasks (feature-extraction) are not among" in why
    assert "no endpoint speaks openai-v1, ollama with chat" in why
    assert "predictive-client: it is a generative model; the template serves predictive" in why
    assert "has no package nowhere" in refused("--model", "acme/churn", "--package", "nowhere")
    assert "cannot name a binding" in refused("--model", "acme/churn", "--as", "class")

    (project / "NOTES.md").write_text("work in progress\n")
    assert "uncommitted changes (NOTES.md)" in refused("--model", "acme/churn")
    (project / "NOTES.md").unlink()

    (project / "tests/churn_client").mkdir()
    (project / "tests/churn_client/notes.txt").write_text("the user's\n")
    commit_all(project, "A folder of the user's where the binding's tests would go")
    assert "tests/churn_client already exists in" in refused("--model", "acme/churn")
    git(project, "rm", "-r", "--quiet", "tests/churn_client")
    commit_all(project, "Folder removed")

    _add(invoke, project, catalog, "--model", "acme/churn")
    commit_all(project, "Bind churn")
    taken = refused("--model", "acme/delivery-eta", "--as", "churn")
    assert "already has a binding named 'churn'" in taken
    assert _status(project) == set()

    loose = tmp_path / "loose"
    (loose / "one").mkdir(parents=True)
    (loose / "one" / "__init__.py").write_text("")
    assert "not in a git repository" in refused("--model", "acme/churn", at=loose)
    (loose / "two").mkdir()
    (loose / "two" / "__init__.py").write_text("")
    commit_all(git_repo(loose), "two packages")
    assert "several packages (one, two)" in refused("--model", "acme/churn", at=loose)


def git_repo(path: Path) -> Path:
    git(path, "init", "--quiet", "--initial-branch=main")
    return path


@pytest.mark.slow
def test_a_chat_binding_added_to_a_generated_prediction_service(
    invoke: Invoke, shop: tuple[Path, Path], tmp_path: Path
) -> None:
    _, catalog = shop
    project = tmp_path / "churn-api"
    new = invoke(
        "new", project, "-t", "prediction-service", "-m", "acme/churn",
        "--catalog", catalog, "--defaults",
    )  # fmt: skip
    assert new.exit_code == 0, new.stderr
    git_repo(project)
    commit_all(project, "Generate project")

    added = _add(invoke, project, catalog, "--model", "acme/assistant")
    assert added["module"] == "churn_api.assistant_client"
    # the app template's binding reads MODEL_ENDPOINT: this one is configured apart
    assert added["env_prefix"] == "ASSISTANT_"
    [dependency, backstage] = added["instructions"]
    assert dependency == 'Add "openai>=1.40" to [project].dependencies in pyproject.toml.'
    # the generated catalog-info.yaml names the app template's model, not this one
    assert backstage.startswith("Add resource:default/acme-assistant to spec.dependsOn")
    assert _status(project) == set(added["files"])
    commit_all(project, "Bind the assistant")

    eta = _add(invoke, project, catalog, "--model", "acme/delivery-eta")
    assert eta["env_prefix"] == "DELIVERY_ETA_"
    commit_all(project, "Bind delivery-eta")

    report = existing_app.run_pytest(project, HOSTILE_ENV)
    assert "tests/test_app.py::" in report
    assert "tests/assistant_client/test_client.py::" in report
    assert "tests/delivery_eta_client/test_client.py::" in report
    # the project's own lint passes on the added code, prefixed variable names and all
    run_module(["ruff", "check", "--no-cache", "."], project)
    run_module(["ruff", "format", "--check", "--no-cache", "."], project)
    check = invoke("check", project, "--catalog", catalog, "-o", "json")
    assert check.exit_code == 0, check.stderr
    names = [b["name"] for b in json.loads(check.stdout)["bindings"]]
    assert names == ["prediction-service", "assistant", "delivery_eta"]


CATALOG_INFO = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop  # the shop's own entity: idp add does not rewrite it
spec:
  type: service
  lifecycle: production
  owner: group:default/shop
"""


def test_the_backstage_dependency_is_an_instruction(
    invoke: Invoke, shop: tuple[Path, Path], tmp_path: Path
) -> None:
    _, catalog = shop
    files = {**existing_app.FILES, "catalog-info.yaml": CATALOG_INFO}
    project = existing_app.make(tmp_path / "described", files)

    added = _add(invoke, project, catalog, "--model", "acme/churn", "--pretend")
    [_, backstage] = added["instructions"]
    assert backstage.startswith("Add resource:default/acme-churn to spec.dependsOn and api:")
    assert backstage.endswith(
        "to spec.consumesApis in catalog-info.yaml (the app's Backstage component)."
    )
    assert (project / "catalog-info.yaml").read_text() == CATALOG_INFO
