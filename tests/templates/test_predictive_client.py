"""The predictive-client component with plain Copier: applied twice to one project, each
binding in its own folders and answers file, both test suites passing side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.project import existing_app
from tests.templates.predictive_helpers import odd_model, render_with_copier


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
    assert '"ODD_MODEL_ENDPOINT"' in (project / "src/shop/odd_client/config.py").read_text()
    assert '"MODEL_ENDPOINT"' in (project / "src/shop/iris_client/config.py").read_text()

    hostile = {
        "MODEL_ENDPOINT": "http://203.0.113.1:9",
        "ODD_MODEL_ENDPOINT": "http://203.0.113.1:9",
    }
    summary = existing_app.run_pytest(project, hostile)
    assert "passed" in summary and "failed" not in summary


def test_a_bad_binding_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="binding_name"):
        render_with_copier("predictive-client", tmp_path / "p", {"binding_name": "Not-A-Name"})
