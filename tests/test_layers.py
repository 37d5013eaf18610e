"""The village is the bottom layer: it imports nothing of the district, the experiments,
the dashboard or the command line; its own modules import one another without a cycle;
and reading its parameter table loads neither Mesa, pandas nor SciPy.

Imports are read from the source with ``ast``, wherever they stand: at module level,
under ``if TYPE_CHECKING:`` and inside functions.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VILLAGE = ROOT / "mobilization" / "village"
PACKAGE = "mobilization.village"
UPPER = ("mobilization.district", "mobilization.experiments", "mobilization.dashboard",
         "mobilization.cli")


def _module_name(path: Path) -> str:
    return PACKAGE if path.name == "__init__.py" else f"{PACKAGE}.{path.stem}"


MODULES = {_module_name(path): path for path in sorted(VILLAGE.glob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (``from a import b`` gives
    ``a.b`` when that is a module of the village, else ``a``)."""
    package = PACKAGE  # every file here, __init__ included, is in this package
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in MODULES or module == "mobilization" else module)
    return found


GRAPH = {name: {m for m in imports_of(path) if m in MODULES and m != name}
         for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of nodes (first repeated last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nfrom . import dynamics\nimport mesa\n"
        "if TYPE_CHECKING:\n    from .model import VillageModel\n"
        "def f():\n    from ..district.model import DistrictModel\n"
        "    from mobilization import experiments\n")
    assert imports_of(source) >= {"mobilization.village.dynamics", "mesa",
                                  "mobilization.village.model", "mobilization.district.model",
                                  "mobilization.experiments"}


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_village_imports_nothing_from_the_layers_above(name: str) -> None:
    upper = sorted(m for m in imports_of(MODULES[name])
                   if any(m == u or m.startswith(u + ".") for u in UPPER))
    assert not upper, f"{name} imports {upper}"


def test_the_lazy_exports_are_village_modules() -> None:
    import mobilization.village as village

    assert {f"{PACKAGE}{module}" for module in village._EXPORTS.values()} <= set(MODULES)


def test_the_village_modules_import_one_another_without_a_cycle() -> None:
    assert GRAPH[f"{PACKAGE}.model"], "the reader found no imports in model.py"
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_reading_the_parameters_loads_no_heavy_library() -> None:
    code = ("import sys, mobilization.village.parameters\n"
            "print(sorted(m for m in ('mesa', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
