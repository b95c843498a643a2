"""The client components with plain Copier: each applied twice to one project, each binding
in its own folders and answers file, both test suites passing side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.project import existing_app
from tests.templates.predictive_helpers import TEMPLATES, odd_model, render_with_copier


@pytest.mark.slow
def test_two_bindings_with_plain_copier(tmp_path: Path) -> None:
    project = existing_app.make(tmp_path / "shop")
    layout = {"package_name": "shop", "package_dir": "src/shop"}
    render_with_copier("predictive-client", project, {**layout, "binding_name": "iris"})
    odd = {"model": odd_model("kserve-v1"), "model_ref": "acme/odd-model@1.0.0"}
    render_with_copier(
        "predictive-client", project, {**layout, **odd, "binding_name": "odd", "env_prefix": "ODD_"}
    )

    for name in ("iris", "odd"):
        assert (project / f"src/shop/{name}_client/client.py").is_file()
        assert (project / f"tests/{name}_client/conftest.py").is_file()
        answers = yaml.safe_load((project / f".copier-answers.{name}.yml").read_text())
        assert answers["binding_name"] == name
    assert 'PREFIX = "ODD_"' in (project / "src/shop/odd_client/config.py").read_text()
    assert 'PREFIX = ""' in (project / "src/shop/iris_client/config.py").read_text()

    hostile = {
        "MODEL_ENDPOINT": "http://203.0.113.1:9",
        "ODD_MODEL_ENDPOINT": "http://203.0.113.1:9",
    }
    report = existing_app.run_pytest(project, hostile)
    assert "tests/test_api.py::test_item PASSED" in report
    assert "tests/iris_client/test_client.py::" in report
    assert "tests/odd_client/test_client.py::" in report


def test_a_bad_binding_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="binding_name"):
        render_with_copier("predictive-client", tmp_path / "p", {"binding_name": "Not-A-Name"})


@pytest.mark.slow
def test_an_openai_and_an_ollama_chat_binding_with_plain_copier(tmp_path: Path) -> None:
    project = existing_app.make(tmp_path / "shop")
    layout = {"package_name": "shop", "package_dir": "src/shop"}
    render_with_copier("chat-client", project, layout)  # the placeholder: openai-v1
    model = yaml.safe_load((TEMPLATES / "chat-client" / "copier.yml").read_text())["model"]
    ollama = {**model["default"], "endpoint": {**model["default"]["endpoint"]}}
    ollama["endpoint"].update(protocol="ollama", route_prefix="")
    data = {**layout, "binding_name": "local", "env_prefix": "LOCAL_", "model": ollama}
    render_with_copier("chat-client", project, data)

    assert "import openai" in (project / "src/shop/chat_client/client.py").read_text()
    assert "import openai" not in (project / "src/shop/local_client/client.py").read_text()
    assert 'PREFIX = "LOCAL_"' in (project / "src/shop/local_client/config.py").read_text()
    hostile = {
        "MODEL_ENDPOINT": "http://203.0.113.1:9",
        "LOCAL_MODEL_ENDPOINT": "http://203.0.113.1:9",
    }
    report = existing_app.run_pytest(project, hostile)
    assert "tests/chat_client/test_client.py::" in report
    assert "tests/local_client/test_client.py::" in report
