"""The package's layers (issue 10, items 1 and 3): dependencies point one way, no two
modules import each other, and the light commands load nothing heavy.

Imports are read with ``ast`` from every module, including those under ``if
TYPE_CHECKING:`` and inside functions: a type-only or deferred import is still a
dependency a reader must follow.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mobilization"

LAYER = {"village": 0, "district": 1, "experiments": 2, "dashboard": 3, "cli": 3}
"""A module may import from its own layer and lower ones only."""

HEAVY = ("mesa", "pandas", "scipy", "matplotlib", "solara", "pyarrow", "dask", "SALib")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every ``mobilization`` module that ``path`` imports, resolved to module names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("mobilization")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("mobilization"):
                continue
            for alias in node.names:  # `from . import x` imports the module x
                sub = f"{target}.{alias.name}"
                out.add(sub if _exists(sub) else target)
    return out


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel / "__init__.py").exists()


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: {m for m in _imports(path) if m in MODULES and m != name}
         for name, path in MODULES.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYER.get(parts[1]) if len(parts) > 1 else None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_dependencies_point_one_way(module: str) -> None:
    own = _layer(module)
    if own is None:  # the package's own __init__/__main__ are the top
        return
    for dep in GRAPH[module]:
        layer = _layer(dep)
        assert layer is None or layer <= own, f"{module} imports {dep}, a higher layer"
        if own == layer == 3:
            assert dep.split(".")[1] == module.split(".")[1], (
                f"{module} imports {dep}: the CLI and the dashboard are separate")


def test_no_import_cycles() -> None:
    """No module reaches itself through imports (a package's lazy __init__ excepted: it
    names its modules but imports them only on first use)."""
    graph = {m: {d for d in deps if MODULES[d].name != "__init__.py"}
             for m, deps in GRAPH.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycle = path[path.index(d):] + [d]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def _loaded_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.splitlines()[-1])


@pytest.mark.parametrize("code", [
    "import mobilization",
    "import mobilization.village.parameters",
    "from mobilization.cli import main\nimport contextlib, io\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n    main(['params'])",
    "from mobilization.cli import build_parser\nbuild_parser().format_help()",
])
def test_light_paths_load_nothing_heavy(code: str) -> None:
    """`mobilize --help` and `mobilize params` start fast because they import no Mesa,
    pandas or SciPy (timed in benchmarks/bench_startup.py)."""
    assert _loaded_after(code) == []


def test_top_level_names_load_on_first_use() -> None:
    import mobilization as mb

    for name in mb.__all__:
        assert getattr(mb, name) is not None
    assert mb.VillageModel.__module__ == "mobilization.village.model"
