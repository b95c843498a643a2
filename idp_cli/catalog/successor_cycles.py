"""Successor chains that come back to where they started (A deprecated for B, B for A, or a
longer loop): nothing on the loop ever reaches a live version, so `idp update --latest` would
have nowhere to go. Runs on validated models, with the rules that span models."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from idp_cli.catalog.model import Model, split_ref

Node = tuple[str, str]  # (model name, version)


def _edges(by_name: dict[str, dict[str, Any]]) -> dict[Node, tuple[Node, int]]:
    """Each version with a successor that resolves: its successor, and its index in the model."""
    views = {name: Model(raw) for name, raw in by_name.items()}
    edges: dict[Node, tuple[Node, int]] = {}
    for name, raw in by_name.items():
        for index, version in enumerate(raw["versions"]):
            successor = (version.get("deprecation") or {}).get("successor")
            if not successor:
                continue
            target_name, selector = split_ref(successor)
            target = views.get(target_name)
            if target is None:
                continue  # reported as a dangling successor
            found = target.find(selector) if selector else target.default_version
            if found is not None:
                edges[(name, version["version"])] = ((target_name, found.version), index)
    return edges


def find(
    models: list[dict[str, Any]], by_name: dict[str, dict[str, Any]]
) -> Iterator[tuple[int, tuple[str | int, ...], str]]:
    """One (model index, path in the model, message) per loop, placed at the successor of the
    loop's first version in file order."""
    edges = _edges(by_name)
    index_of = {model["name"]: i for i, model in reversed(list(enumerate(models)))}
    done: set[Node] = set()
    for start in edges:
        path: list[Node] = []
        seen: dict[Node, int] = {}
        node: Node | None = start
        while node is not None and node not in done and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = edges[node][0] if node in edges else None
        done.update(path)
        if node is None or node not in seen:
            continue
        loop = path[seen[node] :]
        if len(loop) == 1:
            continue  # a version that names itself has a finding of its own
        first = min(loop, key=lambda n: (index_of[n[0]], edges[n][1]))
        at = loop.index(first)
        ordered = loop[at:] + loop[:at]
        shown = " → ".join(f"{n}@{v}" for n, v in [*ordered, first])
        yield (
            index_of[first[0]],
            ("versions", edges[first][1], "deprecation", "successor"),
            f"successor cycle: {shown}; every chain of successors must end at a version "
            "that is not deprecated",
        )
