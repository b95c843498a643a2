"""Write a large, realistic, valid synthetic model catalog for the benchmarks.

The default is 2,000 models x 5 versions = 10,000 versions, the size the performance targets
of `idp models list` and `idp catalog validate` are stated for. The output is deterministic
for a given seed and shape, and valid for `idp catalog validate`:

- about 70% predictive models (a signature of 4-8 typed inputs, some with an `enum`, outputs,
  an example that satisfies the inputs, metrics, an `oip-v2`, `kserve-v1` or
  `mlflow-invocations` endpoint with a bearer `tokenEnv`) and 30% generative ones (an
  `openai-v1` endpoint, `signature.params` request defaults, `llm.contextLength`);
- per model, versions 1.0.0 (oldest) to V.0.0 (newest) with every lifecycle state: the
  newest is often experimental or staging, then one production version (alias `champion`),
  older ones deprecated or archived with `deprecation.successor` naming a newer version of
  the same model;
- tasks drawn from ten Hugging Face pipeline tags.

Layouts: `split` (default) is what CATALOG.md recommends: `catalog.yaml` with
`include: [models/*.yaml]` and one file per model; `single` puts every model in
`catalog.yaml`.

    python benchmarks/gen_catalog.py OUT_DIR [--models 2000] [--versions 5] [--seed 42]
                                             [--layout split|single] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

PREDICTIVE_TASKS: dict[str, str] = {
    "tabular-classification": "xgboost",
    "tabular-regression": "lightgbm",
    "time-series-forecasting": "prophet",
    "image-classification": "pytorch",
    "object-detection": "pytorch",
    "automatic-speech-recognition": "onnx",
}
GENERATIVE_TASKS: tuple[str, ...] = (
    "text-generation",
    "feature-extraction",
    "summarization",
    "translation",
)
TASKS: tuple[str, ...] = (*PREDICTIVE_TASKS, *GENERATIVE_TASKS)
# The task the benchmark filters on: present in roughly a tenth of the models.
BENCH_TASK = "tabular-classification"

_TEAMS = (
    "retention",
    "pricing",
    "fraud",
    "supply-chain",
    "marketing",
    "risk",
    "logistics",
    "support",
    "hr-analytics",
    "vision",
    "speech",
    "search",
)
_SUBJECTS = (
    "churn",
    "demand",
    "fraud",
    "credit-risk",
    "delivery-eta",
    "price",
    "returns",
    "lead-score",
    "inventory",
    "defect",
    "sentiment",
    "ticket-routing",
    "energy-load",
    "claims",
    "upsell",
    "attrition",
)
_REGIONS = ("eu", "us", "apac", "latam", "global", "de", "fr", "uk", "jp", "br")
_LICENSES = ("proprietary", "proprietary", "proprietary", "apache-2.0", "mit", "cc-by-4.0")
_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "ja", "zh", "nl", "pl")
_COLUMN_TYPES = ("long", "double", "double", "float", "integer", "boolean", "string", "datetime")
_ENUMS: tuple[tuple[str, ...], ...] = (
    ("monthly", "annual", "two-year"),
    ("web", "mobile", "store", "partner"),
    ("bronze", "silver", "gold", "platinum"),
    ("low", "medium", "high"),
    ("new", "returning", "dormant"),
)
_METRICS = {
    "tabular-classification": ("roc_auc", "pr_auc", "f1", "accuracy"),
    "tabular-regression": ("rmse", "mae", "r2"),
    "time-series-forecasting": ("mape", "smape", "mase"),
    "image-classification": ("top1_accuracy", "top5_accuracy"),
    "object-detection": ("map_50", "map_50_95"),
    "automatic-speech-recognition": ("wer", "cer"),
    "text-generation": ("mmlu_5shot", "acme_support_eval_win_rate", "gsm8k"),
    "feature-extraction": ("mteb_retrieval_ndcg@10", "acme_search_recall@20"),
    "summarization": ("rouge_l", "acme_summary_faithfulness"),
    "translation": ("bleu", "comet_22"),
}
_PREDICTIVE_SERVING = (
    ("oip-v2", "kserve-xgbserver", "0.15"),
    ("oip-v2", "mlserver", "1.6.1"),
    ("oip-v2", "triton", "24.08"),
    ("kserve-v1", "kserve-sklearnserver", "0.15"),
    ("kserve-v1", "kserve-torchserve", "0.15"),
    ("mlflow-invocations", "mlflow", "2.17.2"),
)
_BASE_LLMS = (
    ("meta-llama/Llama-3.1-8B-Instruct", 131072, True),
    ("mistralai/Mistral-7B-Instruct-v0.3", 32768, True),
    ("Qwen/Qwen2.5-7B-Instruct", 32768, True),
    ("ibm-granite/granite-3.1-8b-instruct", 131072, True),
    ("google/gemma-2-9b-it", 8192, False),
    ("BAAI/bge-m3", 8192, False),
    ("intfloat/multilingual-e5-large", 512, False),
)


@dataclass(frozen=True)
class Generated:
    folder: Path
    models: int
    versions: int
    files: int
    bytes: int
    task: str  # the task the benchmark filters on
    task_models: int  # how many models carry it

    @classmethod
    def from_json(cls, text: str) -> Generated:
        data = json.loads(text)
        return cls(**{**data, "folder": Path(data["folder"])})


def _digest(*parts: object) -> str:
    return "sha256:" + hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _value(rng: random.Random, column: dict[str, Any]) -> Any:
    if "enum" in column:
        return rng.choice(column["enum"])
    kind = column["type"]
    if kind in ("long", "integer"):
        return rng.randint(0, 500)
    if kind in ("double", "float"):
        return round(rng.uniform(0, 1000), 2)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "datetime":
        return f"{_date(rng, 2026)}T{rng.randint(0, 23):02d}:00:00Z"
    return rng.choice(_SUBJECTS)


def _signature(rng: random.Random, task: str) -> dict[str, Any]:
    inputs: list[dict[str, Any]] = []
    for i in range(rng.randint(4, 8)):
        if i < 2 or rng.random() < 0.6:
            kind = rng.choice(_COLUMN_TYPES)
            column: dict[str, Any] = {"name": f"feature_{i:02d}_{kind}", "type": kind}
        else:
            choices = _ENUMS[rng.randrange(len(_ENUMS))]
            column = {"name": f"segment_{i:02d}", "type": "string", "enum": list(choices)}
        if i >= 4 and rng.random() < 0.3:
            column["required"] = False
        if rng.random() < 0.3:
            column["description"] = f"Input {i} as exported by the {task} feature pipeline."
        inputs.append(column)
    if task == "tabular-classification":
        outputs = [
            {"name": "label", "type": "string"},
            {"name": "probability", "type": "double"},
        ]
    elif task == "object-detection":
        outputs = [{"name": "boxes", "type": "string", "description": "JSON list of boxes."}]
    else:
        outputs = [{"name": "prediction", "type": "double"}]
    example = {c["name"]: _value(rng, c) for c in inputs if c.get("required", True)}
    signature: dict[str, Any] = {"inputs": inputs, "outputs": outputs}
    if rng.random() < 0.3:
        signature["params"] = [{"name": "threshold", "type": "double", "default": 0.5}]
    signature["example"] = example
    return signature


def _lifecycles(rng: random.Random, count: int) -> list[str]:
    """Oldest first: archived, deprecated, one production, then a pre-release or none."""
    if count == 1:
        return ["production"]
    newest = rng.choice(("production", "production", "staging", "experimental"))
    tail = ["production"] if newest == "production" else ["production", newest]
    retired = count - len(tail)
    archived = rng.randint(0, max(0, retired - 1))  # the newest retired one stays deprecated
    return ["archived"] * archived + ["deprecated"] * (retired - archived) + tail


def _model(rng: random.Random, index: int, versions: int) -> dict[str, Any]:
    generative = rng.random() < 0.3
    task = rng.choice(GENERATIVE_TASKS if generative else tuple(PREDICTIVE_TASKS))
    team = rng.choice(_TEAMS)
    subject = rng.choice(_SUBJECTS)
    region = rng.choice(_REGIONS)
    short = f"{subject}-{task.split('-')[0]}-{region}-{index:04d}"
    name = f"acme-{team}/{short}"
    tasks = [task]
    if generative and task == "text-generation" and rng.random() < 0.3:
        tasks.append("summarization")
    tags = sorted({subject, region, task.split("-")[0], rng.choice(("batch", "online", "pii"))})
    model: dict[str, Any] = {
        "name": name,
        "displayName": f"{subject.replace('-', ' ').capitalize()} {task.replace('-', ' ')} "
        f"({region.upper()}) #{index}",
        "description": f"{'Generates' if generative else 'Predicts'} {subject.replace('-', ' ')} "
        f"for the {region.upper()} {team.replace('-', ' ')} team; {task.replace('-', ' ')} "
        f"model maintained by data science, retrained quarterly on production data.",
        "provider": "ACME Data Science" if not generative else "ACME GenAI Platform",
        "owner": f"group:default/ds-{team}",
        "modelType": "generative" if generative else "predictive",
        "tasks": tasks,
        "language": sorted(rng.sample(_LANGUAGES, rng.randint(1, 3))),
        "license": rng.choice(_LICENSES),
        "licenseLink": "https://intranet.example.internal/licenses/ml",
        "tags": tags,
        "links": [
            {"title": "Runbook", "url": f"https://wiki.example.internal/ds/{team}/{short}"},
            {"title": "Dashboard", "url": f"https://grafana.example.internal/d/{short}"},
        ],
    }
    if rng.random() < 0.2:
        model["labels"] = {"cost-center": f"cc-{rng.randint(1000, 9999)}", "tier": "gold"}

    states = _lifecycles(rng, versions)
    production = max(i for i, s in enumerate(states) if s == "production")
    base_llm = rng.choice(_BASE_LLMS)
    serving = rng.choice(_PREDICTIVE_SERVING)
    rows: list[dict[str, Any]] = []
    for i, lifecycle in enumerate(states):
        number = f"{i + 1}.{rng.randint(0, 3)}.0"
        rows.append({"version": number, "lifecycle": lifecycle})
    numbers = [r["version"] for r in rows]
    for i, row in enumerate(rows):
        lifecycle = row["lifecycle"]
        # one release about every five months, the newest in 2026
        month = 2026 * 12 + 10 - 5 * (len(rows) - 1 - i) - rng.randint(0, 2)
        year, quarter = month // 12, (month % 12) // 3 + 1
        aliases = {"production": "champion", "staging": "challenger", "experimental": "candidate"}
        if lifecycle in aliases and (lifecycle != "production" or i == production):
            row["aliases"] = [aliases[lifecycle]]
        row["releasedAt"] = f"{year}-{month % 12 + 1:02d}-{rng.randint(1, 28):02d}"
        row["changelog"] = f"Retrained on {year}-Q{quarter} data" + (
            " with two new features." if rng.random() < 0.4 else "."
        )
        artifact_uri = f"s3://models/{name}/{row['version']}/"
        if generative:
            row["framework"] = {"name": "vllm", "version": f"0.{6 + i}.0"}
            row["artifact"] = {
                "uri": artifact_uri,
                "format": "safetensors",
                "digest": _digest(name, row["version"]),
            }
            base_id, context, tools = base_llm
            row["baseModel"] = {"id": base_id, "relation": rng.choice(("finetune", "quantized"))}
            row["llm"] = {"contextLength": context, "toolCalling": tools}
            row["signature"] = {
                "params": [
                    {
                        "name": "temperature",
                        "type": "double",
                        "default": round(rng.choice((0.0, 0.2, 0.7)), 1),
                        "description": "Sampling temperature.",
                    },
                    {"name": "max_tokens", "type": "long", "default": rng.choice((256, 512))},
                ]
            }
            capabilities = (
                ["embeddings"]
                if task == "feature-extraction"
                else ["chat", "completions", "streaming", *(["tools"] if tools else [])]
            )
            endpoint: dict[str, Any] = {
                "name": "prod" if lifecycle in ("production", "deprecated") else "staging",
                "environment": "production"
                if lifecycle in ("production", "deprecated")
                else "staging",
                "protocol": "openai-v1",
                "url": "https://llm-gateway.example.internal",
                "routePrefix": "/v1",
                "modelId": f"{short}-v{i + 1}",
                "auth": {"type": "bearer", "tokenEnv": "LLM_GATEWAY_TOKEN"},
                "capabilities": capabilities,
            }
            row["resources"] = {"cpu": "8", "memory": "48Gi", "gpu": 1}
            runtime = {"name": "vllm", "version": f"0.{6 + i}.0"}
        else:
            framework = PREDICTIVE_TASKS[task]
            row["framework"] = {"name": framework, "version": f"{rng.randint(1, 2)}.{i}.0"}
            row["artifact"] = {
                "uri": artifact_uri,
                "format": framework,
                "digest": _digest(name, row["version"]),
            }
            row["signature"] = _signature(rng, task)
            protocol, runtime_name, runtime_version = serving
            environment = "production" if lifecycle in ("production", "deprecated") else "staging"
            endpoint = {
                "name": "prod" if environment == "production" else "staging",
                "environment": environment,
                "protocol": protocol,
                "url": f"https://{short}.models{'' if environment == 'production' else '.staging'}"
                ".example.internal",
                "auth": {"type": "bearer", "tokenEnv": f"{team.upper().replace('-', '_')}_TOKEN"},
                "capabilities": ["predict"] if rng.random() < 0.7 else ["predict", "explain"],
            }
            if protocol != "mlflow-invocations":
                endpoint["modelId"] = short
            row["resources"] = {"cpu": rng.choice(("1", "2", "4")), "memory": "2Gi"}
            runtime = {"name": runtime_name, "version": runtime_version}
        metric_types = _METRICS[task]
        row["metrics"] = [
            {
                "type": metric,
                "value": round(rng.uniform(0.5, 0.99), 3),
                "dataset": f"holdout-{year}",
            }
            for metric in rng.sample(metric_types, min(len(metric_types), rng.randint(1, 3)))
        ]
        row["serving"] = {"runtime": runtime, "endpoints": [endpoint]}
        if lifecycle in ("deprecated", "archived"):
            # a newer version of the same model: the production one, or the next one up
            successor = numbers[production] if rng.random() < 0.7 else numbers[i + 1]
            row["deprecation"] = {
                "successor": f"{name}@{successor}",
                "sunsetDate": _date(rng, 2027),
                "reason": "Superseded by a model retrained on fresher data.",
            }
        if rng.random() < 0.1:
            row["customProperties"] = {"trainingRows": rng.randint(10_000, 5_000_000)}
    model["defaultVersion"] = "champion" if rng.random() < 0.8 else numbers[production]
    model["versions"] = list(reversed(rows))  # newest first, as people write them
    return model


def _dump(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(
        data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return text


def generate(
    folder: Path | str,
    models: int = 2000,
    versions: int = 5,
    *,
    seed: int = 42,
    layout: str = "split",
) -> Generated:
    """Write the catalog into `folder` (emptied first) and describe what was written."""
    if models < 1 or versions < 1:
        raise ValueError("models and versions must be at least 1")
    if layout not in ("split", "single"):
        raise ValueError("layout is split or single")
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    generated = [_model(rng, index, versions) for index in range(models)]
    header: dict[str, Any] = {
        "apiVersion": "idp/v1alpha1",
        "kind": "ModelCatalog",
        "source": {"id": "acme-bench", "name": f"Synthetic benchmark catalog (seed {seed})"},
    }
    comment = (
        f"# Synthetic catalog: {models} models x {versions} versions, seed {seed}.\n"
        "# Written by benchmarks/gen_catalog.py; edits are overwritten.\n"
    )
    written = 0
    files = 1
    if layout == "split":
        (folder / "models").mkdir()
        header["include"] = ["models/*.yaml"]
        for model in generated:
            text = _dump(model)
            path = folder / "models" / f"{model['name'].replace('/', '__')}.yaml"
            path.write_text(text, encoding="utf-8")
            written += len(text.encode())
            files += 1
        main = comment + _dump(header)
    else:
        main = comment + _dump({**header, "models": generated})
    (folder / "catalog.yaml").write_text(main, encoding="utf-8")
    written += len(main.encode())
    return Generated(
        folder=folder,
        models=models,
        versions=models * versions,
        files=files,
        bytes=written,
        task=BENCH_TASK,
        task_models=sum(1 for m in generated if BENCH_TASK in m["tasks"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", type=Path, help="where to write (emptied first)")
    parser.add_argument("--models", type=int, default=2000)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--layout", choices=("split", "single"), default="split")
    parser.add_argument("--json", action="store_true", help="describe the result as JSON")
    args = parser.parse_args(argv)
    result = generate(args.folder, args.models, args.versions, seed=args.seed, layout=args.layout)
    if args.json:
        print(json.dumps({**asdict(result), "folder": str(result.folder)}))
    else:
        print(
            f"{result.folder}: {result.models} models, {result.versions} versions in "
            f"{result.files} files ({result.bytes / 2**20:.1f} MiB); "
            f"--task {result.task} matches {result.task_models} models"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
