"""Village run time with every second-edition switch on (a benchmark, not a test).

The second edition's mechanisms (the invader's threat, household labour, struggles of the
villagers' own accord, gentry reprisals, separate quota sources, villages that differ,
persuading quota meetings, the branch's organizing) are about to become the defaults. This
times, in one process and interleaved round by round so that a busy moment on the machine
hits every case alike:

1. ``simulate(rng=seed, branch_method=method, **ON)`` for both methods at population 400
   (104 weeks, a fresh seed each run, the same seeds for both methods): median and IQR of
   wall-clock and process CPU time; target of issue 11: median <= 50 ms;
2. the first-edition default run, ``simulate(rng=seed)``, as the reference: the ratio of
   each median to it says how much the switches cost, steadier than a time on a noisy
   machine;
3. agent-steps per second with the switches on at 10,000 villagers (``VillageModel`` plus
   104 ``step()``s, construction included, as ``bench_village.py`` measures it); target:
   >= 1,500,000.

Usage::

    uv run python benchmarks/bench_switches.py                 # about a minute
    uv run python benchmarks/bench_switches.py --runs 10 --big 1   # smoke run
    uv run python benchmarks/bench_switches.py --json results/bench_switches.json

It measures and never gates: the exit status is 0 whatever the timings.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import mobilization
from mobilization import HORIZON_WEEKS, VillageModel, simulate

ON: dict[str, Any] = dict(threat=True, household_labour=True, spontaneous_struggles=True,
                          gentry_reprisals=True, separate_quotas=True, typical_village=False,
                          quota_meetings_persuade=0.01, organizing_rate=0.02)
METHODS = ("welfare-first", "quota-only")
TARGET_MS = 50.0
TARGET_RATE = 1_500_000.0
BIG = 10_000


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, float]:
    """Wall-clock and process CPU seconds of one call."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t0, time.process_time() - c0


def big_run(seed: int, population: int) -> None:
    model = VillageModel(rng=seed, population=population, **ON)
    for _ in range(HORIZON_WEEKS):
        model.step()


def summary(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000.0
    q25, q50, q75 = (float(v) for v in np.percentile(ms, [25, 50, 75]))
    return {"median_ms": q50, "q25_ms": q25, "q75_ms": q75, "min_ms": float(ms.min())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40, help="timed runs per case (default 40)")
    ap.add_argument("--big", type=int, default=3,
                    help=f"timed runs at {BIG:,} villagers (default 3)")
    ap.add_argument("--seed", type=int, default=20_240_601, help="base seed")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)

    cases: dict[str, Any] = {"reference": lambda seed: simulate(rng=seed)}
    for method in METHODS:
        cases[method] = lambda seed, method=method: simulate(rng=seed, branch_method=method,
                                                             **ON)
    for case in cases.values():  # warm-up
        for k in range(3):
            case(args.seed - 1 - k)
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    load_before = os.getloadavg()[0]
    for k in range(args.runs):
        gc.collect()
        for name, case in cases.items():
            w, c = timed(case, args.seed + k)
            wall[name].append(w)
            cpu[name].append(c)
    big_wall, big_cpu = [], []
    for k in range(args.big):
        gc.collect()
        w, c = timed(big_run, args.seed + k, BIG)
        big_wall.append(w)
        big_cpu.append(c)
    load_after = os.getloadavg()[0]

    rows = {name: {"wall": summary(wall[name]), "cpu": summary(cpu[name])} for name in cases}
    ref = rows["reference"]
    print(f"mobilization from {Path(mobilization.__file__).parent}")
    print(f"Village runs, population 400, {HORIZON_WEEKS} weeks, {args.runs} runs per case "
          f"interleaved (load {load_before:.2f} -> {load_after:.2f} on {os.cpu_count()} CPUs)")
    print(f"   {'case':<28} {'wall median':>11} {'IQR':>15} {'CPU median':>10} "
          f"{'/ reference':>11}")
    for name, row in rows.items():
        label = "first-edition defaults" if name == "reference" else f"switches on, {name}"
        w, c = row["wall"], row["cpu"]
        print(f"   {label:<28} {w['median_ms']:>8.1f} ms {w['q25_ms']:>6.1f} - "
              f"{w['q75_ms']:>5.1f} {c['median_ms']:>7.1f} ms "
              f"{c['median_ms'] / ref['cpu']['median_ms']:>10.2f}x")
    steps = BIG * HORIZON_WEEKS
    rate_wall = steps / statistics.median(big_wall)
    rate_cpu = steps / statistics.median(big_cpu)
    print(f"   switches on at {BIG:,} villagers: {rate_wall:,.0f} agent-steps/s wall, "
          f"{rate_cpu:,.0f} per CPU second (median of {args.big}; "
          f"{statistics.median(big_wall):.2f} s a run)")
    checks = [(f"median {m} <= {TARGET_MS:.0f} ms", rows[m]["wall"]["median_ms"] <= TARGET_MS)
              for m in METHODS]
    checks.append((f"agent-steps/s at {BIG:,} >= {TARGET_RATE:,.0f}", rate_wall >= TARGET_RATE))
    for name, ok in checks:
        print(f"   {name:<40} {'PASS' if ok else 'FAIL'}")
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({
            "runs": args.runs, "load_average_1min": [load_before, load_after],
            "cases": rows, "raw_wall_s": wall, "raw_cpu_s": cpu,
            "big": {"villagers": BIG, "wall_s": big_wall, "cpu_s": big_cpu,
                    "rate_wall": rate_wall, "rate_cpu": rate_cpu},
        }, indent=2) + "\n")
        print(f"   wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
