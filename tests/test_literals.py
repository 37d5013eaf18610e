"""Every number a parameter (DESIGN principle 5, issue 11 item 6): no behavioural constant
of the village is left as a literal that sensitivity analysis cannot reach.

Each module of ``mobilization/village/`` except the parameter tables is parsed with ``ast``
and every numeric literal must be structural: 0, 1 and -1 (identities, empty, "none",
index arithmetic), the integer codes of an enumeration (module-level ``UPPER_CASE`` names
bound to whole numbers), or a value listed below for its module with the reason it is not
a behaviour of the village.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VILLAGE = Path(__file__).resolve().parents[1] / "mobilization" / "village"

TABLES = {"parameters.py", "behaviour.py", "methods.py"}
"""The parameter tables themselves: their numbers are the defaults and ranges."""

STRUCTURAL = {0, 1, -1}
"""0.0 and 1.0 compare equal to 0 and 1: the empty share and the whole, identities of sums
and products, the bounds of [0, 1], first index and next index."""

ALLOWED: dict[str, dict[str, str]] = {
    "branch.py": {
        "9": "round(..., 9): decimal places that absorb floating-point error in k * share; "
             "and the exponent of -10**9",
        "10": "-10**9: the sentinel week of a branch that has never won",
        "1e-09": "a tolerance so that a due of 2.0000000001 recruits is 2, not 3",
        "1e-12": "a guard against dividing by a zero quota period",
    },
    "leading_group.py": {
        "3.0": "the mean of three households' trust: an average, not a weight",
        "4.0": "the mean of Dimitrov's four criteria: an average, not a weight",
        "2.0": "the mean of two criteria (vigilance: discipline and bearings): an average, "
               "not a weight",
    },
    "mass_line.py": {
        "2": "the two halves of a run's choices (early and late); the sd^2 / 2 that gives a "
             "log-normal misreading mean one: counts and arithmetic, not weights",
    },
    "population.py": {
        "2": "a grid at least 2 cells wide; a lookup grid padded by one cell on each side",
    },
    "welfare.py": {
        "7919": "a prime stride that moves the daily-life block round the village: which "
                "neighbourhood, not how large",
    },
}
"""Allowed by ``repr``, so an allowed whole number 2 does not let a weight 2.0 through."""


def _enumeration_literals(tree: ast.Module) -> set[int]:
    """ids of the literals that are codes of an enumeration (``HIRED, POOR = 0, 1``)."""
    out: set[int] = set()
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        names = [n for t in node.targets
                 for n in (t.elts if isinstance(t, ast.Tuple) else [t])]
        if not all(isinstance(n, ast.Name) and n.id.isupper() for n in names):
            continue
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        if all(isinstance(v, ast.Constant) and type(v.value) is int for v in values):
            out |= {id(v) for v in values}
    return out


def behavioural_literals(path: Path) -> list[str]:
    """Numeric literals of a module that are neither structural nor allowed for it."""
    tree = ast.parse(path.read_text())
    enum = _enumeration_literals(tree)
    allowed = ALLOWED.get(path.name, {})
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
            continue
        if id(node) in enum or node.value in STRUCTURAL or repr(node.value) in allowed:
            continue
        found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    return found


MODULES = sorted(p for p in VILLAGE.glob("*.py") if p.name not in TABLES)


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_no_behavioural_literal_is_left(path: Path) -> None:
    found = behavioural_literals(path)
    assert not found, ("numbers that should be parameters (mobilization/village/"
                       "behaviour.py): " + ", ".join(found))


def test_the_check_finds_a_literal(tmp_path: Path) -> None:
    module = tmp_path / "x.py"
    module.write_text("A, B = 0, 1\nrate = 0.1\n\ndef f(x):\n    return 0.5 * x + 1\n")
    assert behavioural_literals(module) == ["x.py:2: 0.1", "x.py:5: 0.5"]
