"""`idp catalog import mlflow` without a URI (every registered version the catalog lacks)
against its nearest raw baseline: the same listing and reading done with the plain MLflow
client, or plain REST calls, in a fresh interpreter.

    python benchmarks/catalog_import_bench.py [--runs N] [--quick] [--models M] [--versions V]
                                              [--catalog-models C] [--no-server]

The registry (mlflow_registry.py): M registered models (default 20) x V versions (default 5),
each version from a run with two metrics and an MLmodel with a signature of the catalog model's
4 to 8 columns and an input example; version 1 of every fifth model unsigned (skipped). It is
filled twice: a local sqlite store (artifacts on disk, read through the mlflow package) and a
real `mlflow server` on loopback (its own sqlite store, artifacts proxied as mlflow-artifacts:,
read over the REST API). The catalog: gen_catalog.py's synthetic catalog of C models (default
200) x 5 versions, one file per model, in a git repository; each registered model is mapped
(--map) onto one of its predictive models.

Timed as fresh processes, in interleaved rounds after one untimed warm-up each:

- the baseline: list every registered model and each one's versions, ask each version's
  artifact location and parse its MLmodel (yaml.safe_load): the work any importer does, with
  `MlflowClient` (local) or `urllib` (server);
- `idp catalog import mlflow --pretend`: the same reading, plus each version's run (metrics)
  and input example, the catalog validated, every new version and alias move planned;
- the real run: the same, written and committed on a new branch (reset after each run,
  untimed).

Targets are the ratio of medians to the baseline of the same registry (TARGETS). Exit 1 when
one fails, 2 when a command fails or plans other than the registry holds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import bench_env
import yaml
from gen_catalog import generate
from process_timing import BenchError, Case, measure

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
# Ratio of medians to the baseline reading the same registry (benchmarks/README.md: measured
# 1.70x and 5.7x with --quick, 2.85x and 10.4x before a model's file was loaded once per edit
# batch instead of once per version and alias). Over the baseline idp reads each version's run
# and input example and asks for the version itself (3 more requests per version, 5 in all),
# and edits the catalog (a ruamel load of each model's file to plan, one to move its aliases).
TARGETS = {"local-pretend": 2.0, "local-run": 2.0, "rest-pretend": 7.0, "rest-run": 7.0}
QUIET = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}

BASELINE_LOCAL = """
import sys, yaml
from mlflow import MlflowClient
client = MlflowClient(tracking_uri=sys.argv[1], registry_uri=sys.argv[1])
signed = 0
for model in client.search_registered_models(max_results=1000):
    for version in client.search_model_versions(f"name = '{model.name}'", max_results=1000):
        where = client.get_model_version_download_uri(model.name, version.version)
        with open(f"{where}/MLmodel") as mlmodel:
            signed += "signature" in yaml.safe_load(mlmodel)
print(signed)
"""
BASELINE_REST = """
import json, sys, urllib.parse, urllib.request, yaml
base = sys.argv[1]
def get(endpoint, **query):
    url = f"{base}/api/2.0/mlflow/{endpoint}?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url) as answer:
        return json.load(answer)
signed = 0
for model in get("registered-models/search", max_results=1000)["registered_models"]:
    name = model["name"]
    found = get("model-versions/search", filter=f"name = '{name}'", max_results=1000)
    for version in found["model_versions"]:
        where = get("model-versions/get-download-uri", name=name, version=version["version"])
        path = urllib.parse.urlsplit(where["artifact_uri"]).path.lstrip("/")
        url = f"{base}/api/2.0/mlflow-artifacts/artifacts/{path}/MLmodel"
        with urllib.request.urlopen(url) as mlmodel:
            signed += "signature" in yaml.safe_load(mlmodel.read())
print(signed)
"""


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--catalog-models", type=int, default=200)
    parser.add_argument("--no-server", action="store_true", help="only the local sqlite store")
    args, _ = parser.parse_known_args()
    return args


def catalog_and_spec(work: Path, args: argparse.Namespace, env: dict[str, str]) -> list[str]:
    """The catalog repository (committed on main) and the registry's spec; the --map flags."""
    repo = work / "catalog"
    generate(repo, models=args.catalog_models, versions=5)
    predictive = []
    for path in sorted((repo / "models").glob("*.yaml")):
        model = yaml.safe_load(path.read_text())
        if model["modelType"] == "predictive":
            predictive.append(model)
    if len(predictive) < args.models:
        raise BenchError(f"--catalog-models {args.catalog_models}: too few predictive models")
    spec = []
    for model in predictive[: args.models]:
        signature = model["versions"][0]["signature"]
        registered = model["name"].split("/", 1)[1]
        spec.append({"name": registered, "catalog": model["name"], **signature})
    (work / "spec.json").write_text(json.dumps({"versions": args.versions, "models": spec}))
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "catalog"]):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True)
    return [f for m in spec for f in ("--map", f"{m['name']}={m['catalog']}")]


def fill(tracking: str, work: Path, env: dict[str, str]) -> None:
    logged = subprocess.run(
        [sys.executable, str(HERE / "mlflow_registry.py"), tracking, str(work / "spec.json")],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if logged.returncode != 0:
        raise BenchError(f"filling the registry at {tracking} failed:\n{logged.stderr[-3000:]}")


def start_server(work: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """`mlflow server` on a free loopback port, in its own process group; ready or stopped."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    served = work / "served"
    served.mkdir()
    args = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri",
            f"sqlite:///{served / 'mlflow.db'}", "--artifacts-destination",
            str(served / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1"]  # fmt: skip
    with (served / "server.log").open("wb") as log:
        server = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**env, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}, cwd=served,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):  # noqa: S310 (loopback)
                return server, url
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise BenchError(f"mlflow server did not start: {(served / 'server.log').read_text()[-3000:]}")


def stop(server: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if server.poll() is not None:
            break
        try:
            os.killpg(server.pid, sig)
            server.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


def cases(
    key: str, tracking: str, baseline: list[str], maps: list[str], repo: Path,
    env: dict[str, str], expected: tuple[int, int],
) -> list[Case]:  # fmt: skip
    signed = str(expected[0])  # versions with a signature: the new ones

    def counted(code: int, stdout: str, stderr: str) -> str | None:
        if code != 0:
            return f"exit {code}"
        plan = json.loads(stdout)
        versions = [v for m in plan["models"] for v in m["versions"]]
        found = (
            sum(v["status"] == "new" for v in versions),
            sum(v["status"] == "skipped" for v in versions),
        )
        return None if found == expected else f"planned {found} (new, skipped), not {expected}"

    def reset() -> None:
        def git(*command: str) -> str:
            return subprocess.run(
                ["git", *command], cwd=repo, env=env, check=True, capture_output=True, text=True
            ).stdout

        git("checkout", "-q", "main")
        for branch in git(
            "for-each-ref", "--format=%(refname:short)", "refs/heads/import/"
        ).split():
            git("branch", "-q", "-D", branch)

    idp = [str(BIN / "idp"), "catalog", "import", "mlflow", "--tracking-uri", tracking,
           "--catalog", str(repo), *maps, "-o", "json"]  # fmt: skip
    return [
        Case(
            f"{key}-baseline", f"{key}: list + read MLmodel (baseline)", baseline,
            lambda: env,
            lambda c, out, err: None if c == 0 and out.strip() == signed else f"{c} {out!r}",
        ),
        Case(f"{key}-pretend", f"{key}: idp ... --pretend", [*idp, "--pretend"],
             lambda: env, counted),
        Case(f"{key}-run", f"{key}: idp ... (branch + commit)", idp, lambda: env, counted,
             after=reset),
    ]  # fmt: skip


def report(groups: list[list[Case]], runs: int) -> bool:
    print(f"{'measure':44} {'min':>8} {'median':>8} {'max':>8} {'cpu':>7} {'peak':>8}")
    for group in groups:
        for case in group:
            times = [s.seconds for s in case.samples]
            print(
                f"{case.label:44} {min(times):7.2f}s {case.median():7.2f}s {max(times):7.2f}s "
                f"{case.cpu():6.2f}s {case.peak() / 2**20:6.0f}Mi"
            )
    ok = True
    for group in groups:
        base = group[0]
        for case in group[1:]:
            target = TARGETS[case.key]
            ratio = case.median() / base.median()
            rounds = [
                s.seconds / b.seconds for s, b in zip(case.samples, base.samples, strict=True)
            ]
            rounds.sort()
            passed = ratio <= target
            ok &= passed
            print(
                f"{case.key} / baseline: {ratio:.2f}x (median of rounds "
                f"{rounds[len(rounds) // 2]:.2f}x; target <= {target}x) "
                f"{'PASS' if passed else 'FAIL'}"
            )
    print(f"[{runs} runs each, interleaved]")
    return ok


def main() -> int:
    runs = bench_env.runs(__doc__.splitlines()[0])
    args = options()
    work = Path(tempfile.mkdtemp(prefix="idp-import-bench-"))
    env = {**bench_env.isolated_env(work), **QUIET, "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("MLFLOW_TRACKING_URI", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    server = None
    skipped = math.ceil(args.models / 5)
    expected = (args.models * args.versions - skipped, skipped)
    try:
        maps = catalog_and_spec(work, args, env)
        repo = work / "catalog"
        local = f"sqlite:///{work / 'mlflow.db'}"
        started = time.perf_counter()
        fill(local, work, env)
        groups = [cases("local", local, [sys.executable, "-c", BASELINE_LOCAL, local], maps,
                        repo, env, expected)]  # fmt: skip
        if not args.no_server:
            server, url = start_server(work, env)
            fill(url, work, env)
            groups.append(cases("rest", url, [sys.executable, "-c", BASELINE_REST, url], maps,
                                repo, env, expected))  # fmt: skip
        print(
            f"registry: {args.models} models x {args.versions} versions ({expected[0]} new, "
            f"{expected[1]} unsigned), filled in {time.perf_counter() - started:.0f}s; catalog: "
            f"{args.catalog_models} models x 5 versions",
            file=sys.stderr,
        )
        measure([c for g in groups for c in g], runs, work)
        return 0 if report(groups, runs) else 1
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
