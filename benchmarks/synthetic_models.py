"""One synthetic model of gen_catalog.py's catalog, drawn from a seeded random generator: its
metadata, and versions that cover every lifecycle with signatures, endpoints and metrics
that `idp catalog validate` accepts."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from synthetic_vocabulary import (
    BASE_LLMS,
    COLUMN_TYPES,
    ENUMS,
    GENERATIVE_TASKS,
    LANGUAGES,
    LICENSES,
    METRICS,
    PREDICTIVE_SERVING,
    PREDICTIVE_TASKS,
    REGIONS,
    SUBJECTS,
    TEAMS,
)


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
    return rng.choice(SUBJECTS)


def _signature(rng: random.Random, task: str) -> dict[str, Any]:
    inputs: list[dict[str, Any]] = []
    for i in range(rng.randint(4, 8)):
        if i < 2 or rng.random() < 0.6:
            kind = rng.choice(COLUMN_TYPES)
            column: dict[str, Any] = {"name": f"feature_{i:02d}_{kind}", "type": kind}
        else:
            choices = ENUMS[rng.randrange(len(ENUMS))]
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


def make_model(rng: random.Random, index: int, versions: int) -> dict[str, Any]:
    generative = rng.random() < 0.3
    task = rng.choice(GENERATIVE_TASKS if generative else tuple(PREDICTIVE_TASKS))
    team = rng.choice(TEAMS)
    subject = rng.choice(SUBJECTS)
    region = rng.choice(REGIONS)
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
        "language": sorted(rng.sample(LANGUAGES, rng.randint(1, 3))),
        "license": rng.choice(LICENSES),
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
    base_llm = rng.choice(BASE_LLMS)
    serving = rng.choice(PREDICTIVE_SERVING)
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
        metric_types = METRICS[task]
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
