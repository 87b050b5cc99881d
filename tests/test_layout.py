"""The code's shape, as docs/architecture.md states it: module sizes, no import circle, and the
packages' layering (ballots/ imports nothing of ours; audit/ only ballots/; devices/ not
voting/).

Imports are read from the source with ``ast``, wherever they stand in a module (a function's
own import is still an import); only those under ``if TYPE_CHECKING:`` are left out, as they
never run.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ballots", "audit", "devices", "voting")
#: What each package may import of ours, besides itself.
ALLOWED = {
    "ballots": frozenset(),
    "audit": frozenset({"ballots"}),
    "devices": frozenset({"ballots", "audit"}),
    "voting": frozenset({"ballots", "audit", "devices"}),
}
MAX_PY_LINES = 500
MAX_JS_LINES = 400


def python_modules() -> dict[str, Path]:
    """Dotted module name → file, for every module of our packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(
    node: ast.AST, module: str, is_package: bool, modules: Collection[str]
) -> Iterator[str]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            yield from _imports(
                ast.Module(body=child.orelse, type_ignores=[]), module, is_package, modules
            )
            continue
        if isinstance(child, ast.Import):
            yield from (alias.name for alias in child.names)
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (child.level - 1)]
                prefix = ".".join(base + ([child.module] if child.module else []))
            else:
                prefix = child.module or ""
            for alias in child.names:
                yield f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in modules else prefix
        yield from _imports(child, module, is_package, modules)


@functools.cache
def import_graph() -> dict[str, frozenset[str]]:
    """Each module → the modules of ours it imports: ``from m import name`` imports ``m.name``
    when that is a module (a package's submodule), else ``m``."""
    modules = python_modules()
    graph: dict[str, frozenset[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = _imports(tree, name, path.name == "__init__.py", modules)
        graph[name] = frozenset(t for t in targets if t in modules and t != name)
    return graph


def circles(graph: Mapping[str, Collection[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_circle_finder_finds_a_circle_and_only_that() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]


def test_a_relative_import_inside_a_function_counts() -> None:
    tree = ast.parse("def f():\n    from ..core import state, MeetingState\n")
    modules = {"voting.core", "voting.core.state"}
    assert set(_imports(tree, "voting.http.polls", False, modules)) == {
        "voting.core",
        "voting.core.state",
    }


def test_type_checking_imports_do_not_count() -> None:
    tree = ast.parse("if TYPE_CHECKING:\n    import voting.app\nelse:\n    import audit\n")
    assert set(_imports(tree, "devices.hub", False, {"audit", "voting.app"})) == {"audit"}


def test_no_import_circle() -> None:
    assert circles(import_graph()) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_those_below_it(package: str) -> None:
    graph = import_graph()
    upward = {
        (module, target)
        for module, targets in graph.items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] not in ALLOWED[package] | {package}
    }
    assert sorted(upward) == []


def test_no_python_module_over_500_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in python_modules().values()
    }
    assert {name: n for name, n in sizes.items() if n > MAX_PY_LINES} == {}


def test_no_javascript_module_over_400_lines() -> None:
    scripts = [
        path
        for folder in ("voting/static", "devices/static")
        for path in (ROOT / folder).rglob("*.js")
        if "vendor" not in path.relative_to(ROOT).parts
    ]
    assert len(scripts) > 20
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in scripts
    }
    assert {name: n for name, n in sizes.items() if n > MAX_JS_LINES} == {}
