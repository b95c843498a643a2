"""The import graph keeps the layers of STYLE.md: no import circles, the core without the
terminal libraries, Copier behind one module.

Every `import` in idp_cli/ counts, wherever it stands: at module level, under
`if TYPE_CHECKING:` and inside functions. An import inside a function only postpones the
dependency (so that `idp models list` starts fast), which is welcome where it points down
the layers; the modules still need each other, so a circle closed by one is still a circle.
The circles that remain are listed in KNOWN_CYCLES, each with its reason; at module level
there may be none at all. Imports made by name at run time (`importlib.import_module`, as
the lazy command loader does) are not seen here.
"""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "idp_cli"

# The CLI side: the command groups, the renderers, and `python -m idp_cli`. The rest is the core.
CLI_SIDE = ("idp_cli.cli", "idp_cli.output", "idp_cli.__main__")
TERMINAL_LIBRARIES = {"typer", "click", "rich"}
COPIER_MODULE = "idp_cli.templates.render"

# Circles closed only by imports inside functions. Each entry is the set of modules of one
# circle, and why it is still there; the test fails when a circle not listed here appears,
# when a listed one takes in another module, and when a listed one is gone (remove it then).
KNOWN_CYCLES: dict[frozenset[str], str] = {}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # a module of idp_cli, or the top-level name of a third-party package
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def nearest_module(dotted: str) -> str | None:
    """The idp_cli module a dotted name lives in (`idp_cli.x.name` -> `idp_cli.x`)."""
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


class _ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.depth = 0  # how many functions enclose the node being visited
        self.found: list[Import] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _add(self, dotted: str, line: int) -> None:
        internal = dotted == "idp_cli" or dotted.startswith("idp_cli.")
        target = nearest_module(dotted) if internal else dotted.split(".")[0]
        if target is not None and target != self.module:
            self.found.append(Import(self.module, target, line, self.depth > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            anchor = self.package.split(".")[: len(self.package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            # `from idp_cli import gitsource` imports a module, `from idp_cli.x import f` a name
            self._add(f"{base}.{alias.name}", node.lineno)


def collect_imports() -> list[Import]:
    found: list[Import] = []
    for name, path in MODULES.items():
        collector = _ImportCollector(name, path.name == "__init__.py")
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        found += collector.found
    return found


IMPORTS = collect_imports()
Graph = dict[str, dict[str, Import]]


def internal_graph(*, module_level_only: bool) -> Graph:
    graph: Graph = {name: {} for name in MODULES}
    for imp in IMPORTS:
        if imp.imported in MODULES and not (module_level_only and imp.in_function):
            graph[imp.importer].setdefault(imp.imported, imp)
    return graph


def circles(graph: Graph) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in graph:
        if node not in order:
            visit(node)
    return found


def _where(imp: Import) -> str:
    path = MODULES[imp.importer].relative_to(PACKAGE.parent).as_posix()
    return f"{path}:{imp.line}" + (" (in a function)" if imp.in_function else "")


def describe(group: frozenset[str], graph: Graph) -> str:
    """Each member's shortest way back to itself, as a chain of the import lines to read."""
    chains: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for start in sorted(group):
        came_from: dict[str, Import] = {}
        queue = deque([start])
        while queue and start not in came_from:
            node = queue.popleft()
            for nxt, imp in graph[node].items():
                if nxt in group and nxt not in came_from:
                    came_from[nxt] = imp
                    queue.append(nxt)
        steps = [came_from[start]]
        while steps[-1].importer != start:
            steps.append(came_from[steps[-1].importer])
        steps.reverse()
        key = tuple(sorted(step.importer for step in steps))
        if key not in seen:
            seen.add(key)
            links = " -> ".join(f"{step.importer} [{_where(step)}]" for step in steps)
            chains.append(f"  {links} -> {start}")
    return "\n".join(chains)


def test_no_import_circles_at_module_level() -> None:
    graph = internal_graph(module_level_only=True)
    found = circles(graph)
    assert not found, "import circles among module-level imports:\n" + "\n".join(
        describe(group, graph) for group in found
    )


def test_no_import_circles_counting_imports_inside_functions() -> None:
    graph = internal_graph(module_level_only=False)
    found = circles(graph)
    new = [group for group in found if group not in KNOWN_CYCLES]
    assert not new, (
        "import circles (an import inside a function still makes one; move the shared piece "
        "to the lower module instead):\n" + "\n".join(describe(group, graph) for group in new)
    )
    gone = [sorted(group) for group in KNOWN_CYCLES if group not in found]
    assert not gone, f"these circles are gone: remove them from KNOWN_CYCLES: {gone}"


def _is_cli_side(module: str) -> bool:
    return any(module == side or module.startswith(f"{side}.") for side in CLI_SIDE)


def test_the_core_never_imports_the_terminal_libraries() -> None:
    offending = [
        f"{_where(imp)} imports {imp.imported}"
        for imp in IMPORTS
        if not _is_cli_side(imp.importer)
        and (imp.imported in TERMINAL_LIBRARIES or _is_cli_side(imp.imported))
    ]
    assert not offending, (
        "the core must not reach Typer, Click or Rich, not even through idp_cli.cli or "
        "idp_cli.output; hand data to the CLI, or warn through idp_cli.warning_sink:\n"
        + "\n".join(offending)
    )


def test_only_the_render_module_imports_copier() -> None:
    offending = [
        f"{_where(imp)} imports copier"
        for imp in IMPORTS
        if imp.imported == "copier" and imp.importer != COPIER_MODULE
    ]
    assert not offending, f"only {COPIER_MODULE} may import copier:\n" + "\n".join(offending)
    assert any(imp.importer == COPIER_MODULE and imp.imported == "copier" for imp in IMPORTS), (
        f"{COPIER_MODULE} no longer imports copier: point COPIER_MODULE at the module that does"
    )
