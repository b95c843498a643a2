"""`publish --signature-file MLmodel` keeps MLflow's input example (the file MLmodel names
beside it, in each layout MLflow writes) as `signature.example`, and string columns whose values
repeat in it as enums; `--from-version` inherits what a new version does not give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_publish import _repo, _show, _state
from tests.helpers import Invoke, git

CHURN = "acme/churn-classifier"

MLMODEL = """\
artifact_path: model
flavors:
  python_function: {loader_module: mlflow.sklearn}
saved_input_example_info:
  artifact_path: input_example.json
  type: dataframe
  pandas_orient: split
signature:
  inputs: '[{"type": "long", "name": "tenure_months", "required": true}, {"type": "string",
    "name": "contract_type", "required": true}]'
  outputs: '[{"type": "double", "name": "churn_probability", "required": true}]'
"""

ROWS = [[14, "monthly"], [30, "annual"], [2, "monthly"]]
LAYOUTS = {
    "split": {"columns": ["tenure_months", "contract_type"], "data": ROWS},
    "records": [{"tenure_months": t, "contract_type": c} for t, c in ROWS],
    "instances": {"instances": [{"tenure_months": t, "contract_type": c} for t, c in ROWS]},
    "dataframe_split": {
        "dataframe_split": {"columns": ["tenure_months", "contract_type"], "data": ROWS}
    },
}


def _model_dir(tmp_path: Path, example: object | None) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "MLmodel").write_text(MLMODEL)
    if example is not None:
        (folder / "input_example.json").write_text(json.dumps(example))
    return folder / "MLmodel"


def _publish(invoke: Invoke, repo: Path, *args: str | Path) -> tuple[int, str, str]:
    result = invoke(
        "models", "publish", "--catalog", repo, "--model", CHURN, "--version", "5.0.0",
        "--lifecycle", "staging", "--no-commit", *args,
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_example_is_kept(tmp_path: Path, invoke: Invoke, layout: str) -> None:
    repo = _repo(tmp_path)
    code, _, stderr = _publish(
        invoke, repo, "--signature-file", _model_dir(tmp_path, LAYOUTS[layout])
    )
    assert code == 0, stderr
    signature = _show(invoke, f"{CHURN}@5.0.0", repo)["version"]["signature"]  # type: ignore[index]
    assert signature["example"] == {"tenure_months": 14, "contract_type": "monthly"}
    inputs = {c["name"]: c for c in signature["inputs"]}
    assert inputs["contract_type"]["enum"] == ["monthly", "annual"]  # repeated: categories
    assert "enum" not in inputs["tenure_months"]


def test_example_file_missing_warns(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    code, _, stderr = _publish(invoke, repo, "--signature-file", _model_dir(tmp_path, None))
    assert code == 0, stderr
    assert "names the input example input_example.json, which is not beside it" in stderr
    signature = _show(invoke, f"{CHURN}@5.0.0", repo)["version"]["signature"]  # type: ignore[index]
    assert "example" not in signature


def test_bad_example_is_refused(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    mlmodel = _model_dir(tmp_path, None)
    (mlmodel.parent / "input_example.json").write_text('{"columns": ["a"], "data": [[1, 2]]}')
    before = _state(repo)
    code, _, stderr = _publish(invoke, repo, "--signature-file", mlmodel)
    assert code == 1
    assert "input_example.json: `data` must be rows of 1 values (split)" in stderr
    (mlmodel.parent / "input_example.json").write_text("{not json")
    code, _, stderr = _publish(invoke, repo, "--signature-file", mlmodel)
    assert code == 1
    assert "input_example.json: not JSON" in stderr
    assert _state(repo) == before


def test_from_version_inherits_and_flags_override(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    code, stdout, stderr = _publish(
        invoke, repo, "--from-version", "4.0.0",
        "--endpoint", "protocol=oip-v2,url=https://churn-5.example.internal,model-id=churn",
    )  # fmt: skip
    assert code == 0, stderr
    assert f"Inherited signature from {CHURN}@4.0.0" in stdout
    old = _show(invoke, f"{CHURN}@4.0.0", repo)["version"]
    new = _show(invoke, f"{CHURN}@5.0.0", repo)["version"]
    assert new["signature"] == old["signature"]  # type: ignore[index]
    assert [e["url"] for e in new["serving"]["endpoints"]] == [  # type: ignore[index]
        "https://churn-5.example.internal"
    ]


def test_from_version_must_exist(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    before = _state(repo)
    code, _, stderr = _publish(invoke, repo, "--from-version", "9.0.0")
    assert code == 1
    assert "--from-version 9.0.0: acme/churn-classifier has no such version" in stderr
    assert _state(repo) == before


def test_generated_readme_sends_the_example(tmp_path: Path, invoke: Invoke) -> None:
    repo = _repo(tmp_path)
    code, _, stderr = _publish(
        invoke, repo, "--signature-file", _model_dir(tmp_path, LAYOUTS["split"]),
        "--from-version", "4.0.0",  # its oip-v2 endpoint, which the template serves
    )  # fmt: skip
    assert code == 0, stderr
    git(repo, "commit", "-qam", "publish 5.0.0")  # `idp new` reads the default branch
    dest = tmp_path / "churn-api"
    result = invoke(
        "new", dest, "-t", "prediction-service", "-m", f"{CHURN}@5.0.0", "--defaults",
        "--catalog", repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    readme = (dest / "README.md").read_text()
    assert '"contract_type": "monthly"' in readme
    assert '"tenure_months": 14' in readme
