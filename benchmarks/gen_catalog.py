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
import json
import random
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from synthetic_models import make_model

# The task the benchmark filters on: present in roughly a tenth of the models.
BENCH_TASK = "tabular-classification"


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
    generated = [make_model(rng, index, versions) for index in range(models)]
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
