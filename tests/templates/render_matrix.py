"""Render every bundled template for every catalog version it can serve, plus the protocol
options and the plain-Copier bindings the template tests use, one folder per project; and
compare two such renderings.

A change that must not alter what the templates generate (moving code generation out of
Jinja, say) is checked by rendering before and after it:

    python -m tests.templates.render_matrix render /tmp/before
    ... change the templates ...
    python -m tests.templates.render_matrix render /tmp/after
    python -m tests.templates.render_matrix compare /tmp/before /tmp/after

The answers files are left out of the comparison: they record what idp passed, which such a
change may extend; every other file must be the same byte for byte.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ANSWERS_FILE = ".copier-answers.yml"
MLFLOW_FORMATS = ("dataframe_records", "inputs")
NUMERIC = {"boolean", "integer", "long", "float", "double"}
PROTOCOLS = ("oip-v2", "kserve-v1", "mlflow-invocations")
# Input types for the one-tensor layout, each list giving another tensor datatype.
TENSOR_INPUTS = (
    ("boolean",),
    ("boolean", "integer"),
    ("integer", "long"),
    ("float", "boolean"),
    ("double", "float", "integer", "boolean", "long"),
)


@dataclass(frozen=True)
class Case:
    name: str
    template: str
    ref: str | None = None
    """A catalog version to bind with `idp new`; None: plain Copier."""
    data: dict[str, Any] = field(default_factory=dict)
    retired: bool = False
    extra: tuple[str, ...] = ()
    """`idp new`'s `--model NAME=REF` for an app's own bindings (matrix.py)."""


def cases() -> Iterator[Case]:
    from idp_cli import binding, name_binding
    from idp_cli.catalog.read import load
    from idp_cli.catalog.sources import resolve_source
    from idp_cli.ci import CI_SYSTEMS, DEFAULT_CI
    from idp_cli.config import CatalogChoice
    from idp_cli.project.parts import own_bindings
    from idp_cli.templates.discovery import bundled
    from tests.templates import matrix
    from tests.templates.predictive_helpers import PREDICTIVE, odd_model

    loaded = load(resolve_source(CatalogChoice(None, None, "bundled")), use_cache=False)
    assert loaded.catalog is not None, loaded.problems
    for template in bundled():
        if template.binds_name:  # bound to a model name: each model it can train, and a new one
            for model in loaded.catalog.models:
                if not name_binding.fit(template, model):
                    yield Case(
                        f"{template.name}-{model.name.replace('/', '-')}", template.name, model.name
                    )
            yield Case(f"{template.name}-new-model", template.name, matrix.NEW_MODEL)
            yield Case(f"{template.name}-copier-defaults", template.name)
            continue
        if own_bindings(template):
            for pair in matrix.servable():
                if pair.template == template.name:
                    name = f"{template.name}-{pair.ref.replace('/', '-')}"
                    yield Case(
                        name, template.name, pair.ref, retired=pair.retired, extra=pair.extra
                    )
            continue
        for model in loaded.catalog.models:
            for version in model.versions:
                fitting = binding.fit(template, version)
                if not fitting.ok or fitting.endpoint is None:
                    continue
                name = f"{template.name}-{version.ref.replace('/', '-')}"
                yield Case(name, template.name, version.ref, retired=version.retired)
                protocol = fitting.endpoint.protocol
                inputs = version.signature.get("inputs", [])
                if protocol == "oip-v2" and all(c.get("type") in NUMERIC for c in inputs):
                    layout = {"oip_layout": "tensor"}
                    yield Case(
                        f"{name}-tensor", template.name, version.ref, layout, version.retired
                    )
                if protocol == "mlflow-invocations":
                    for fmt in MLFLOW_FORMATS:
                        chosen = {"mlflow_format": fmt}
                        yield Case(
                            f"{name}-{fmt}", template.name, version.ref, chosen, version.retired
                        )
    for template_name in PREDICTIVE:
        yield Case(f"{template_name}-copier-defaults", template_name)
        for ci in CI_SYSTEMS:
            if ci != DEFAULT_CI:
                yield Case(f"{template_name}-copier-{ci}", template_name, data={"ci": ci})
        yield Case(f"{template_name}-copier-tensor", template_name, data={"oip_layout": "tensor"})
        for protocol in PROTOCOLS:
            odd = {"model": odd_model(protocol), "model_ref": "acme/odd-model@1.0.0"}
            yield Case(f"{template_name}-copier-odd-{protocol}", template_name, data=odd)
        for fmt in MLFLOW_FORMATS:
            data: dict[str, Any] = {
                "model": odd_model("mlflow-invocations"),
                "model_ref": "acme/odd-model@1.0.0",
                "mlflow_format": fmt,
            }
            yield Case(f"{template_name}-copier-odd-{fmt}", template_name, data=data)
        for types in TENSOR_INPUTS:
            tensor = {"model": _numeric(types), "oip_layout": "tensor"}
            name = f"{template_name}-copier-tensor-{'-'.join(types)}"
            yield Case(name, template_name, data=tensor)


def _numeric(types: tuple[str, ...]) -> dict[str, Any]:
    """The odd model with only its inputs of these types, for the one-tensor layout."""
    from tests.templates.predictive_helpers import odd_model, with_plan

    model = odd_model("oip-v2")
    inputs = model["signature"]["inputs"]
    model["signature"]["inputs"] = [
        next(c for c in inputs if c["type"] == type_) for type_ in types
    ]
    return with_plan(model)


def render(out: Path) -> int:
    from tests.templates.predictive_helpers import idp, isolated, render_with_copier

    count = 0
    with isolated(out / ".home"):
        for case in cases():
            dest = out / case.name / "svc"
            if case.ref is None:
                render_with_copier(case.template, dest, {"project_name": "svc", **case.data})
            else:
                args: list[str | Path] = ["new", dest, "-t", case.template, "-m", case.ref]
                args += case.extra
                args += [f"--data={key}={value}" for key, value in case.data.items()]
                args += ["--allow-deprecated"] if case.retired else []
                result = idp(*args, "--defaults")
                assert result.exit_code == 0, (case, result.output)
            count += 1
    print(f"rendered {count} projects into {out}", file=sys.stderr)
    return 0


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".home" not in path.relative_to(root).parts
    }


def compare(before: Path, after: Path) -> int:
    old, new = _files(before), _files(after)
    answers = {name for name in old.keys() | new.keys() if Path(name).name == ANSWERS_FILE}
    compared = sorted((old.keys() | new.keys()) - answers)
    differing = [name for name in compared if old.get(name) != new.get(name)]
    for name in differing:
        if name not in old or name not in new:
            print(f"only in {'after' if name not in old else 'before'}: {name}")
            continue
        sys.stdout.writelines(
            difflib.unified_diff(
                old[name].decode(errors="replace").splitlines(keepends=True),
                new[name].decode(errors="replace").splitlines(keepends=True),
                f"before/{name}",
                f"after/{name}",
            )
        )
    projects = len({Path(name).parts[0] for name in compared})
    print(
        f"{projects} projects, {len(compared)} files compared ({len(answers)} answers files "
        f"left out), {len(differing)} differ",
        file=sys.stderr,
    )
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("render").add_argument("out", type=Path)
    compared = commands.add_parser("compare")
    compared.add_argument("before", type=Path)
    compared.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "render":
        return render(args.out)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
