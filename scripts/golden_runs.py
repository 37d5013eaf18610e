"""Write tests/data/golden_runs.json: a fixed set of village and district runs whose
outcomes must not change when the code is reorganized (tests/test_golden.py).

Rerun only when a change is *meant* to alter results, and say so in the commit:
``uv run python scripts/golden_runs.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import mobilization as mb
from mobilization.district.parameters import DISTRICT_FIRST_EDITION
from mobilization.village.parameters import FIRST_EDITION

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "golden_runs.json"

VILLAGE_RUNS: list[dict] = [
    {"rng": seed, "branch_method": method}
    for seed in (1, 2, 20241103) for method in ("welfare-first", "quota-only")
] + [
    {"rng": 3, "gentry_power": 0.85},
    {"rng": 4, "learn_from_masses": False},
    {"rng": 5, "decision_method": "subjectivist"},
    {"rng": 6, "central_tasks": 3},
    {"rng": 7, "leading_group_renewal": False},
    {"rng": 8, "vital_interest_share": 0.3, "population": 1000},
    {"rng": 9, "branch_method": "quota-only", "levy_shift": 1.5, "n_gentry": 8},
    {"rng": 10, "neighbour_influence": 0.04, "meeting_interval": 1, "weeks": 52},
]
SERIES_RUN = {"rng": 11, "weeks": 60}
DISTRICT_RUNS = [
    {"rng": 1, "n_villages": 5, "n_pilots": 2, "weeks": 52},
    {"rng": 2, "n_villages": 4, "general_call": False, "weeks": 40},
]


def _split(spec: dict) -> tuple[int, int, dict]:
    """Weeks, seed and parameters of a run: the first edition's model (FIRST_EDITION), as
    the runs were written with it, plus the spec's own parameters."""
    spec = dict(spec)
    return spec.pop("weeks", 104), spec.pop("rng"), {**FIRST_EDITION, **spec}


def compute() -> dict:
    village = []
    for spec in VILLAGE_RUNS:
        weeks, rng, params = _split(spec)
        village.append({"spec": spec, "outcomes": mb.simulate(weeks=weeks, rng=rng, **params)})
    weeks, rng, params = _split(SERIES_RUN)
    series = mb.weekly_series(weeks=weeks, rng=rng, **params)
    district = []
    for spec in DISTRICT_RUNS:
        weeks, rng, params = _split(spec)
        district.append({"spec": spec,
                         "outcomes": mb.simulate_district(
                             weeks=weeks, rng=rng, **DISTRICT_FIRST_EDITION, **params)})
    return {
        "village": village,
        "series": {"spec": SERIES_RUN,
                   "columns": {c: series[c].tolist() for c in series.columns}},
        "district": district,
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
