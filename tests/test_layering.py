"""The import graph of `optimizer/` and `api/`: no cycles, the model below the rules and engines,
explanations above the solve, and routers that never import each other.

Every import statement counts: at module level, inside functions and under `if TYPE_CHECKING:`,
because each is a dependency a reader has to follow. An edge goes to the project module the
statement names: `import a.b` and `from a.b import name` depend on `a.b`; `from a import b` on
`a.b` when `b` is a module, else on `a`. Third-party and standard-library imports are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("optimizer", "api")

Graph = Mapping[str, frozenset[str]]


def project_modules() -> dict[str, Path]:
    """Dotted module name → source file, for every module of the project's packages."""
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def absolute_target(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` statement imports from (relative levels resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def imported_modules(module: str, path: Path, modules: Iterable[str]) -> frozenset[str]:
    """The project modules one module imports, anywhere in its source."""
    known = set(modules)
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = absolute_target(module, path, node)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                imported.add(submodule if submodule in known else target)
    return frozenset(name for name in imported if name in known and name != module)


@cache
def import_graph() -> Graph:
    modules = project_modules()
    return {module: imported_modules(module, path, modules) for module, path in modules.items()}


def reachable(graph: Graph, start: str) -> set[str]:
    """Every module `start` imports, directly or through others."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for imported in graph[stack.pop()]:
            if imported not in seen:
                seen.add(imported)
                stack.append(imported)
    return seen


def import_cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module: each module in one reaches all
    the others through imports."""
    reach = {module: reachable(graph, module) for module in graph}
    cycles: list[list[str]] = []
    placed: set[str] = set()
    for module in sorted(graph):
        if module in placed or module not in reach[module]:
            continue
        cycle = sorted(other for other in reach[module] if module in reach[other])
        placed.update(cycle)
        cycles.append(cycle)
    return cycles


def describe(graph: Graph, cycle: list[str]) -> str:
    """A cycle as the imports that close it, one per line, so that whoever breaks it sees where."""
    members = set(cycle)
    edges = [
        f"    {module} -> {imported}" for module in cycle for imported in sorted(graph[module] & members)
    ]
    return f"{len(cycle)} modules:\n" + "\n".join(edges)


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def imports_into(importers: str, imported: str) -> list[str]:
    """Each `importer -> module` edge from inside the package `importers` into the package `imported`."""
    graph = import_graph()
    return [
        f"{module} -> {target}"
        for module in sorted(graph)
        if within(module, importers)
        for target in sorted(graph[module])
        if within(target, imported)
    ]


def test_the_walk_sees_every_form_of_import(tmp_path: Path):
    path = tmp_path / "mod.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "import pkg.a\n"
        "from pkg import b, name\n"
        "from . import c\n"
        "from ..d import thing\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.e import Thing\n"
        "def later():\n"
        "    import pkg.f\n",
        encoding="utf-8",
    )
    modules = ["pkg", "pkg.a", "pkg.b", "pkg.d", "pkg.e", "pkg.f", "pkg.sub", "pkg.sub.c", "pkg.sub.mod"]
    assert imported_modules("pkg.sub.mod", path, modules) == {
        "pkg.a",
        "pkg.b",
        "pkg",
        "pkg.sub.c",
        "pkg.d",
        "pkg.e",
        "pkg.f",
    }


def test_no_import_cycles():
    graph = import_graph()
    cycles = import_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(describe(graph, cycle) for cycle in cycles)


def test_model_engines_diagnosis_and_solve_do_not_import_explanations():
    """Explanations of teachers and schools use the solve; nothing below them may use them."""
    below = ("optimizer.model", "optimizer.engines", "optimizer.diagnosis", "optimizer.solve")
    edges = [edge for package in below for edge in imports_into(package, "optimizer.explain")]
    assert not edges, "\n".join(edges)


def test_model_imports_neither_rules_nor_engines():
    """Rules build themselves into the model and engines run it: the model knows neither."""
    edges = [
        edge
        for package in ("optimizer.rules", "optimizer.engines")
        for edge in imports_into("optimizer.model", package)
    ]
    assert not edges, "\n".join(edges)


def defines_router(path: Path) -> bool:
    """A router module assigns a module-level `router` (a FastAPI APIRouter)."""
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "router" for target in targets):
            return True
    return False


def test_routers_do_not_import_each_other():
    """Helpers routers share live in api/deps.py (or a module of their own), never in a router."""
    graph = import_graph()
    routers = {module for module, path in project_modules().items() if defines_router(path)}
    assert any(within(router, "api.routes") for router in routers), "no router found in api/routes"
    edges = [
        f"{router} -> {imported}"
        for router in sorted(routers)
        for imported in sorted(graph[router] & routers)
    ]
    assert not edges, "\n".join(edges)
