"""batch-scoring against `mlflow models serve` and MLServer: a CSV file scored for real, a
bad row rejected with its reason, rows the server refuses (a column the catalog's stale
signature lacks) rejected with the server's own words, and such a systematic refusal failing
the job (exit 3); the Spark entry point on a local[2] session against MLServer."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.contract.generated import (
    COLUMNS,
    KNOWN_ROWS,
    KNOWN_SPECIES,
    Project,
    generate,
    project_env,
    run,
)
from tests.contract.processes import Server

pytestmark = [pytest.mark.contract, pytest.mark.slow]


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _score(
    project: Project, server: Server, rows: list[dict[str, Any]], *options: str
) -> tuple[Path, Path]:
    """Run the job on ``rows`` as a CSV; the output and reject files."""
    source = project.path / "input.csv"
    _write_csv(source, rows)
    output = project.path / "output.csv"
    args = ["-m", project.package, str(source), str(output), "--quiet", *options]
    result = run(project, args, project_env(project, server))
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return output, project.path / "output.rejects.jsonl"


def _rejects(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_file_is_scored_and_a_bad_row_rejected(tmp_path: Path, mlflow_server: Server) -> None:
    project = generate(tmp_path / "iris-batch", "batch-scoring", "contract/iris-mlflow@1.0.0")
    rows = [{"id": f"r{i}", **row} for i, row in enumerate(KNOWN_ROWS, start=1)]
    rows.insert(1, {"id": "bad", **KNOWN_ROWS[0], "sepal_length": "wide"})

    output, rejects = _score(project, mlflow_server, rows, "--max-reject-rate", "0.5")

    with output.open(encoding="utf-8", newline="") as scored:
        written = list(csv.DictReader(scored))
    assert [row["id"] for row in written] == ["r1", "r2"]
    assert [int(row["species"]) for row in written] == KNOWN_SPECIES
    assert [float(written[0][column]) for column in COLUMNS] == list(KNOWN_ROWS[0].values())
    [reject] = _rejects(rejects)
    assert reject["row"] == 2
    assert reject["reason"].startswith("sepal_length: ")


def test_rows_the_server_refuses_are_rejected_with_its_reason(
    tmp_path: Path, mlflow_server: Server
) -> None:
    project = generate(tmp_path / "iris-batch", "batch-scoring", "contract/iris-mlflow@0.9.0")
    rows = [{k: v for k, v in row.items() if k != "petal_width"} for row in KNOWN_ROWS]

    output, rejects = _score(project, mlflow_server, rows, "--max-reject-rate", "1")

    with output.open(encoding="utf-8", newline="") as scored:
        assert list(csv.DictReader(scored)) == []
    refused = _rejects(rejects)
    assert [reject["row"] for reject in refused] == [1, 2]
    for reject in refused:
        assert reject["reason"].startswith(
            "the model server refused the row: the model server answered 400: "
        )
        assert reject["reason"].endswith("Model is missing inputs ['petal_width'].")


def test_a_systematic_refusal_fails_the_job(tmp_path: Path, mlflow_server: Server) -> None:
    project = generate(tmp_path / "iris-batch", "batch-scoring", "contract/iris-mlflow@0.9.0")
    rows = [{k: v for k, v in row.items() if k != "petal_width"} for row in KNOWN_ROWS * 50]
    source, output = project.path / "input.csv", project.path / "output.csv"
    _write_csv(source, rows)

    result = run(
        project,
        ["-m", project.package, str(source), str(output), "--quiet", "--batch-size", "10"],
        project_env(project, mlflow_server),
    )

    assert result.returncode == 3, f"{result.stdout}\n{result.stderr}"
    assert "more than --max-reject-rate 0.01 allows" in result.stderr
    assert "Model is missing inputs ['petal_width']" in result.stderr


def test_spark_scores_a_file_against_mlserver(tmp_path: Path, mlserver: Server) -> None:
    project = generate(tmp_path / "iris-spark", "batch-scoring", "contract/iris-mlserver@1.0.0")
    rows = [{"id": f"r{i}", **row} for i, row in enumerate(KNOWN_ROWS, start=1)]
    source, output = project.path / "input.csv", project.path / "scored"
    _write_csv(source, rows)
    args = ["-m", project.package, "spark", "--input", str(source), "--output", str(output)]
    args += ["--output-format", "jsonl", "--master", "local[2]", "--partitions", "2"]
    env = project_env(project, mlserver, PYSPARK_PYTHON=sys.executable)

    result = run(project, args, env, timeout=600)  # a JVM to start: time for a busy machine

    assert result.returncode == 0, f"{result.stdout}\n{result.stderr[-3000:]}"
    written = sorted(
        (json.loads(line) for part in output.glob("part-*") for line in part.open()),
        key=lambda row: row["id"],
    )
    assert [row["id"] for row in written] == [row["id"] for row in rows]
    assert [row["species"] for row in written] == KNOWN_SPECIES
    assert {row["model_ref"] for row in written} == {"contract/iris-mlserver@1.0.0"}
