"""Results do not change when the code is reorganized: a fixed set of village and
district runs, written by ``scripts/golden_runs.py`` from the code before the second
edition's groundwork, must come out the same (same parameters, same seed).

Outcomes renamed since (so that no outcome shares a parameter's name) are compared under
their new names.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import golden_runs  # noqa: E402

GOLDEN = json.loads((ROOT / "tests" / "data" / "golden_runs.json").read_text())
RENAMED = {"gentry_power": "gentry_power_end",
           "nominal_membership": "nominal_membership_end",
           "bad_element_share": "bad_element_share_end"}


def _same(expected: dict, got: dict, where: str) -> None:
    for name, value in expected.items():
        new = RENAMED.get(name, name) if name not in got else name
        assert new in got, f"{where}: outcome {name} is missing"
        if isinstance(value, int) and not isinstance(value, bool):
            assert got[new] == value, f"{where}: {new} {got[new]} != {value}"
        else:
            assert math.isclose(got[new], value, rel_tol=1e-9, abs_tol=1e-12), (
                f"{where}: {new} {got[new]!r} != {value!r}")


@pytest.fixture(scope="module")
def now() -> dict:
    return golden_runs.compute()


def test_village_runs_unchanged(now: dict) -> None:
    assert len(now["village"]) == len(GOLDEN["village"])
    for old, new in zip(GOLDEN["village"], now["village"], strict=True):
        assert old["spec"] == new["spec"]
        _same(old["outcomes"], new["outcomes"], f"village {old['spec']}")


def test_weekly_series_unchanged(now: dict) -> None:
    old, new = GOLDEN["series"]["columns"], now["series"]["columns"]
    for name, values in old.items():
        col = RENAMED.get(name, name) if name not in new else name
        assert len(new[col]) == len(values)
        for week, (a, b) in enumerate(zip(values, new[col], strict=True)):
            _same({col: a}, {col: b}, f"series week {week}")


def test_district_runs_unchanged(now: dict) -> None:
    for old, new in zip(GOLDEN["district"], now["district"], strict=True):
        _same(old["outcomes"], new["outcomes"], f"district {old['spec']}")
