"""The generated batch job's throughput: the generated client against a bare `httpx` loop, the
whole job against the client, and one process against Spark `local[2]`.

    python benchmarks/batch_bench.py [--runs N] [--quick] [--rows N]

A batch-scoring project is generated with `idp new` for acme/churn-classifier (oip-v2) in a
temporary folder, and this script runs a measuring program inside it (its own fake model
server, its own code), in one process:

1. In process (the fake server behind `httpx.MockTransport`), interleaved rounds of: a bare
   `httpx` loop posting request bodies encoded before the timing (the baseline: the server's
   own cost and httpx's), `PredictionClient.predict_batch` on validated records, and the whole
   job (`run_job`, CSV in and out: read, validate, score, write, progress file).
2. Over HTTP (the same fake behind a threaded HTTP server on 127.0.0.1, as Spark's workers are
   processes of their own): the job in one process against `python -m PKG spark` on a
   `local[2]` session (one untimed warm-up run starts the JVM and the Python workers).

Target: the generated client's time per row at most 2x the bare loop's (it validates every
output into a typed record, the loop only parses the JSON). The other ratios are printed to
read, not judged: Spark on two local cores pays its JVM, Arrow and task overhead and is not
expected to beat one process; it is there for inputs beyond one machine.
Exit 1 when the target fails, 2 when the measurement could not run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_env

BIN = Path(sys.executable).parent
MODEL = "acme/churn-classifier@4.0.0"
PACKAGE = "scorer"
CLIENT_TARGET = 2.0
BATCH_SIZE = 64

# Runs inside the generated project (src/ and tests/ on the path); prints its timings as JSON.
MEASURE = r"""
import dataclasses, io, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from scorer import spark
from scorer.batch import JobConfig, run_job
from scorer.model_client import protocol
from scorer.model_client.client import PredictionClient
from scorer.model_client.config import Settings
from scorer.model_client.signature import ModelInput, ModelParams
from batch_helpers import write_csv
from model_client.fake_model_server import FakeModelServer, sample_records

rows, runs, spark_runs, batch_size, work = (
    int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
)
settings = Settings.from_env({"MODEL_MAX_RETRIES": "0", "MODEL_BATCH_SIZE": str(batch_size)})
records = sample_records(rows)
typed = [ModelInput.model_validate(r) for r in records]
source = work / "rows.csv"
write_csv(source, records)
bodies = [
    body
    for start in range(0, rows, batch_size)
    for _, body in protocol.requests(typed[start : start + batch_size], ModelParams())
]
url = settings.base_url + protocol.infer_path(settings)


def bare() -> float:
    fake = FakeModelServer(settings)
    with httpx.Client(transport=httpx.MockTransport(fake.handle)) as http:
        started = time.perf_counter()
        for body in bodies:
            response = http.post(url, json=body, headers={"Accept": "application/json"})
            response.raise_for_status()
            response.json()
        return time.perf_counter() - started


def client() -> float:
    fake = FakeModelServer(settings)
    with PredictionClient(settings, http_client=fake.http_client()) as model:
        started = time.perf_counter()
        outputs = model.predict_batch(typed)
        elapsed = time.perf_counter() - started
    assert len(outputs) == rows
    return elapsed


def job(model_settings: Settings, http: httpx.Client | None, tag: str) -> float:
    target = work / f"scored-{tag}.csv"
    config = JobConfig(source, target, batch_size=batch_size, concurrency=4, overwrite=True)
    with PredictionClient(model_settings, http_client=http) as model:
        started = time.perf_counter()
        report = run_job(config, model)
        elapsed = time.perf_counter() - started
    assert (report.scored, report.rejected) == (rows, 0), report
    return elapsed


timings = {"bare": [], "client": [], "job": [], "job_http": [], "spark": []}
measures = [
    ("bare", bare),
    ("client", client),
    ("job", lambda: job(settings, FakeModelServer(settings).http_client(), "mock")),
]
for round_ in range(runs + 1):  # round 0 warms up; the order rotates from round to round
    for name, measure in measures[round_ % 3 :] + measures[: round_ % 3]:
        elapsed = measure()
        if round_:
            timings[name].append(elapsed)


class Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = httpx.Request(self.command, base + self.path, headers=dict(self.headers),
                                content=body)
        response = self.server.fake.handle(request)
        self.send_response(response.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
base = f"http://127.0.0.1:{server.server_address[1]}"
over_http = dataclasses.replace(settings, endpoint=base, route_prefix="")
server.fake = FakeModelServer(over_http)
threading.Thread(target=server.serve_forever, daemon=True).start()
session = spark.session("local[2]")
session.sparkContext.setLogLevel("ERROR")
args = ["--input", str(source), "--output-format", "csv", "--overwrite", "--partitions", "2",
        "--batch-size", str(batch_size), "--concurrency", "4", "--max-reject-rate", "0"]
for round_ in range(spark_runs + 1):
    server.fake = FakeModelServer(over_http)
    elapsed = job(over_http, None, "http")
    if round_:
        timings["job_http"].append(elapsed)
    server.fake = FakeModelServer(over_http)
    err = io.StringIO()
    started = time.perf_counter()
    code = spark.main([*args, "--output", str(work / "spark-out")], err, over_http)
    elapsed = time.perf_counter() - started
    assert code == 0, err.getvalue()
    assert len(server.fake.rows) == rows, len(server.fake.rows)
    if round_:
        timings["spark"].append(elapsed)
session.stop()
print(json.dumps(timings))
"""


def main() -> int:
    runs = bench_env.runs(__doc__.splitlines()[0])
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args, _ = parser.parse_known_args()
    quick = runs <= 3
    spark_runs = 1 if quick else 3

    work = Path(tempfile.mkdtemp(prefix="idp-batch-bench-"))
    env = bench_env.isolated_env(work)
    try:
        project = work / PACKAGE
        new = [str(BIN / "idp"), "new", str(project), "-t", "batch-scoring", "-m", MODEL]
        subprocess.run([*new, "--defaults"], check=True, env=env, capture_output=True)
        env["PYTHONPATH"] = f"{project / 'src'}:{project / 'tests'}"
        env["NO_PROXY"] = "127.0.0.1"
        command = [sys.executable, "-c", MEASURE, str(args.rows), str(runs), str(spark_runs)]
        command += [str(BATCH_SIZE), str(work)]
        result = subprocess.run(command, env=env, cwd=project, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"the measurement failed:\n{result.stdout}\n{result.stderr[-4000:]}")
            return 2
        timings: dict[str, list[float]] = json.loads(result.stdout.splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = args.rows
    medians = {name: statistics.median(values) for name, values in timings.items()}
    labels = {
        "bare": "bare httpx loop, in process (baseline)",
        "client": "PredictionClient.predict_batch, in process",
        "job": "the job (CSV in and out), in process",
        "job_http": "the job, one process, over HTTP",
        "spark": "python -m PKG spark, local[2], over HTTP",
    }
    print(f"{rows} rows, batches of {BATCH_SIZE}, concurrency 4")
    print(f"{'measure':44} {'median':>9} {'rows/s':>9} {'us/row':>8}  runs")
    for name, label in labels.items():
        value = medians[name]
        print(
            f"{label:44} {value:8.3f}s {rows / value:9.0f} {value / rows * 1e6:8.1f}  "
            f"{len(timings[name])}"
        )
    client_ratio = medians["client"] / medians["bare"]
    ok = client_ratio <= CLIENT_TARGET
    overhead = (medians["client"] - medians["bare"]) / rows * 1e6
    print(
        f"generated client / bare httpx: {client_ratio:.2f}x per row "
        f"({overhead:+.1f} us/row; target <= {CLIENT_TARGET}x) {'PASS' if ok else 'FAIL'}"
    )
    print(f"whole job / bare httpx: {medians['job'] / medians['bare']:.2f}x per row")
    print(
        f"Spark local[2] / one process (over HTTP): {medians['spark'] / medians['job_http']:.2f}x "
        "the time (read, not judged)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
