"""Record, or check, village runs with every second-edition switch on, bit for bit.

A speed-up of the weekly update must not change a single random draw or floating-point
result. ``tests/test_golden.py`` guards the first-edition defaults within a relative
tolerance; this script guards the second edition's mechanisms exactly: the outcomes of
each run (floats compared with ``==``, after a JSON round trip, which is exact for
Python floats), a SHA-256 digest of every array of the village's final state (people,
households, the invader's threat, the random generator's state) and a weekly series.

Every parameter is pinned in the recorded file (the full resolved set at recording
time), so a later change of defaults or presets does not change what a check runs::

    uv run python scripts/golden_on.py record     # writes tests/data/golden_on.json
    uv run python scripts/golden_on.py check      # exits 1 on any difference

Rerun ``record`` only when a change is *meant* to alter these results, and say so.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from mobilization.village.parameters import resolve
from mobilization.village.run import run_model, simulate

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "golden_on.json"

ON: dict[str, Any] = dict(threat=True, household_labour=True, spontaneous_struggles=True,
                          gentry_reprisals=True, separate_quotas=True, typical_village=False,
                          quota_meetings_persuade=0.01, organizing_rate=0.02)
METHODS = ("welfare-first", "quota-only")

VILLAGE_RUNS: list[dict[str, Any]] = [
    {"rng": seed, "branch_method": method, **ON}
    for seed in (1, 2, 3, 20241103) for method in METHODS
] + [
    {"rng": 5, "branch_method": method, "population": 1000, **ON} for method in METHODS
] + [
    {"rng": 6, "central_tasks": 3, "learn_from_masses": False, **ON},
    {"rng": 7, "decision_method": "subjectivist", "meeting_interval": 1, **ON},
    {"rng": 8, "branch_method": "quota-only", "gentry_power": 0.85, "reprisal_chance": 0.9,
     "clawback_rate": 0.2, **ON},
    {"rng": 9, "leading_group_renewal": False, "weeks": 156, **ON},
    {"rng": 10, "clawback_rate": 0.3, "raid_rate": 0.4, "spontaneous_rate": 0.3,
     "self_organize_rate": 0.02, **ON},
]
SERIES_RUNS: list[dict[str, Any]] = [
    {"rng": 11, "branch_method": method, **ON} for method in METHODS
]


def pinned(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with every parameter at its resolved value (``rng`` and ``weeks`` kept)."""
    extra = {k: spec[k] for k in ("rng", "weeks") if k in spec}
    params = {k: v for k, v in spec.items() if k not in extra}
    return {**resolve(params), **extra}


def digest(model: Any) -> str:
    """SHA-256 over every array of the village's and the threat's state and the generator's
    state: any difference in any bit of the final state shows."""
    h = hashlib.sha256()
    for obj in (model.village, model.threat):
        for f in fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, np.ndarray):
                h.update(f.name.encode())
                h.update(np.ascontiguousarray(value).tobytes())
            elif isinstance(value, int | float):
                h.update(f"{f.name}={value!r}".encode())
        adjacency = getattr(obj, "adjacency", None)
        if adjacency is not None:
            for part in (adjacency.data, adjacency.indices, adjacency.indptr):
                h.update(np.ascontiguousarray(part).tobytes())
    h.update(repr(model.rng.bit_generator.state).encode())
    h.update(repr(model.random.getstate()).encode())
    h.update(np.ascontiguousarray(model.left_for).tobytes())
    h.update(repr((model.government, model.quotas, model.branch.won,
                   model.branch.campaigns)).encode())
    return h.hexdigest()


def split(spec: dict[str, Any]) -> tuple[int, Any, dict[str, Any]]:
    spec = dict(spec)
    return spec.pop("weeks", 104), spec.pop("rng"), spec


def compute(specs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Each village run twice: ``simulate`` for the outcomes, and ``run_model`` (the weekly
    DataCollector on) for the final state, whose outcomes must be the same."""
    village = []
    for spec in specs["village"]:
        weeks, rng, params = split(spec)
        outcomes = simulate(weeks, rng, **params)
        model = run_model(weeks, rng, **params)
        village.append({"spec": spec, "outcomes": outcomes, "digest": digest(model),
                        "same_as_model": model.outcomes() == outcomes})
    series = []
    for spec in specs["series"]:
        weeks, rng, params = split(spec)
        model = run_model(weeks, rng, **params)
        frame = model.datacollector.get_model_vars_dataframe()
        series.append({"spec": spec, "digest": digest(model),
                       "columns": {c: frame[c].tolist() for c in frame.columns}})
    return {"village": village, "series": series}


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for kind in ("village", "series"):
        for a, b in zip(old[kind], new[kind], strict=True):
            where = f"{kind} rng={a['spec']['rng']} {a['spec']['branch_method']}"
            if not b.get("same_as_model", True):
                out.append(f"{where}: simulate() and run_model() outcomes differ")
            if a["digest"] != b["digest"]:
                out.append(f"{where}: final state differs")
            for key in ("outcomes", "columns"):
                for name, value in a.get(key, {}).items():
                    got = b[key].get(name)
                    if got == value:
                        continue
                    if isinstance(value, list) and isinstance(got, list) and len(got) == len(value):
                        pairs = enumerate(zip(value, got, strict=True))
                        week = next(w for w, (x, y) in pairs if x != y)
                        out.append(f"{where}: {name} week {week} {got[week]!r} != {value[week]!r}")
                    else:
                        out.append(f"{where}: {name} {got!r} != {value!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("record", "check"))
    args = ap.parse_args(argv)
    if args.action == "record":
        specs = {"village": [pinned(s) for s in VILLAGE_RUNS],
                 "series": [pinned(s) for s in SERIES_RUNS]}
        OUT.write_text(json.dumps(compute(specs), indent=1, sort_keys=True) + "\n")
        print(f"wrote {OUT}")
        return 0
    old = json.loads(OUT.read_text())
    new = json.loads(json.dumps(compute({"village": [r["spec"] for r in old["village"]],
                                         "series": [r["spec"] for r in old["series"]]})))
    diff = differences(old, new)
    for line in diff[:40]:
        print(line)
    n = len(old["village"]) + len(old["series"])
    print(f"{n} runs: " + ("identical, bit for bit" if not diff else f"{len(diff)} differences"))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
