"""Successor references between models (`deprecation.successor: name@selector`), resolved
once for the rules that span models: what each names, and chains that come back to where
they started (A deprecated for B, B for A, or a longer loop), on which nothing ever reaches a
live version, so `idp update --latest` would have nowhere to go."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from idp_cli.catalog.model import Model, split_ref

Node = tuple[str, str]  # (model name, version)


def successor_of(version: dict[str, Any]) -> str | None:
    """The successor a validated version entry names, if any."""
    deprecation = version.get("deprecation")
    successor = deprecation.get("successor") if deprecation else None
    return successor or None


class Targets:
    """The validated models a successor may name, by name. Each one's selectors are tabled on
    first use: a large catalog names most of its models as successors, and the rules look
    several up per model."""

    def __init__(self, by_name: dict[str, dict[str, Any]]) -> None:
        self.by_name = by_name
        self._tables: dict[str, dict[str, str]] = {}
        self._defaults: dict[str, str | None] = {}
        # each successor text once: most versions of a large catalog name one, and the
        # rules and the search for loops both follow every one of them
        self._followed: dict[str, tuple[str, str | None, str | None]] = {}

    def selectors(self, name: str) -> dict[str, str]:
        """Every version name and alias of model `name`, and the version it selects: a
        version by its name first, else the first version holding the alias, as
        `ModelView.find` chooses."""
        table = self._tables.get(name)
        if table is None:
            versions = self.by_name[name]["versions"]
            table = {}
            for version in versions:
                table.setdefault(version["version"], version["version"])
            for version in versions:  # after every name: a name wins over an alias
                for alias in version.get("aliases", ()):
                    table.setdefault(alias, version["version"])
            self._tables[name] = table
        return table

    def resolve(self, name: str, selector: str | None) -> str | None:
        """The version `name@selector` stands for (the model's default without a selector),
        or None when there is none."""
        if name not in self.by_name:
            return None
        if selector is not None:
            return self.selectors(name).get(selector)
        if name not in self._defaults:
            found = Model(self.by_name[name]).default_version
            self._defaults[name] = None if found is None else found.version
        return self._defaults[name]

    def follow(self, successor: str) -> tuple[str, str | None, str | None]:
        """A successor text's model name and selector, and the version they stand for (None
        when they name none)."""
        found = self._followed.get(successor)
        if found is None:
            name, selector = split_ref(successor)
            found = self._followed[successor] = (name, selector, self.resolve(name, selector))
        return found


def _edges(targets: Targets) -> dict[Node, tuple[Node, int]]:
    """Each version with a successor that resolves: its successor, and its index in the model."""
    edges: dict[Node, tuple[Node, int]] = {}
    for name, raw in targets.by_name.items():
        for index, version in enumerate(raw["versions"]):
            successor = successor_of(version)
            if not successor:
                continue
            target_name, _, found = targets.follow(successor)
            if found is not None:  # else reported as a dangling successor
                edges[(name, version["version"])] = ((target_name, found), index)
    return edges


def cycles(
    models: list[dict[str, Any]], targets: Targets
) -> Iterator[tuple[int, tuple[str | int, ...], str]]:
    """One (model index, path in the model, message) per loop, placed at the successor of the
    loop's first version in file order."""
    edges = _edges(targets)
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
