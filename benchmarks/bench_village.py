"""Performance measurement of the village model (a benchmark, not a test).

Measures, in one process:

1. one default village run at the default horizon (``mobilization.simulate()`` with the
   default parameters, a fresh seed each repetition): median and IQR in ms after a
   warm-up; target: median <= 50 ms;
2. agent-steps per second (villagers x weeks, whole run including model construction) at
   400, 2,500 and 10,000 villagers, and the time per villager-week at each size (is the
   time linear in population?); target: >= 1,000,000 agent-steps/s at 10,000 villagers;
3. Mesa's bundled Epstein civil violence example at comparable agent counts (same
   process, interleaved with our runs), agent-steps per second over a fixed number of
   steps including construction, and the ratio ours / Epstein; target: >= 20x at every
   size.

Usage::

    uv run python benchmarks/bench_village.py            # full run (about 1-2 minutes)
    uv run python benchmarks/bench_village.py --quick    # smoke run, few repetitions
    uv run python benchmarks/bench_village.py --json results/bench.json

The exit status is 0 whatever the outcome of the targets: this script measures, it does
not gate (timings depend on the machine).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.examples.advanced.epstein_civil_violence.model import (
    EpsteinCivilViolence,
    EpsteinScenario,
)

import mobilization
from mobilization import HORIZON_WEEKS, VillageModel, simulate

SIZES = (400, 2_500, 10_000)
EPSTEIN_DENSITY = EpsteinScenario().citizen_density + EpsteinScenario().cop_density  # 0.774

TARGET_DEFAULT_MS = 50.0
TARGET_RATE_10K = 1_000_000.0
TARGET_RATIO = 20.0


# --- measurements ----------------------------------------------------------------------
def time_default_run(seed: int) -> tuple[float, float]:
    """Wall-clock and process CPU seconds for one ``simulate()`` with the default
    parameters and horizon."""
    c0, t0 = time.process_time(), time.perf_counter()
    simulate(rng=seed)
    return time.perf_counter() - t0, time.process_time() - c0


def time_village(population: int, seed: int, weeks: int = HORIZON_WEEKS) -> dict[str, float]:
    """One whole village run (construction + ``weeks`` steps) at ``population``."""
    t0 = time.perf_counter()
    model = VillageModel(rng=seed, population=population)
    t1 = time.perf_counter()
    for _ in range(weeks):
        model.step()
    t2 = time.perf_counter()
    agents = model.population
    return {
        "agents": agents,
        "steps": weeks,
        "construct_s": t1 - t0,
        "step_s": t2 - t1,
        "total_s": t2 - t0,
        "rate": agents * weeks / (t2 - t0),
    }


def epstein_side(n_agents: int) -> int:
    """Grid side (width = height) whose expected agent count is closest to ``n_agents``."""
    return max(2, round(math.sqrt(n_agents / EPSTEIN_DENSITY)))


def time_epstein(side: int, seed: int, steps: int) -> dict[str, float]:
    """Mesa's Epstein civil violence example, as bundled: construction + ``steps`` steps.

    Agents counted are all agents created (citizens and cops; jailed citizens are still
    stepped by ``shuffle_do``)."""
    t0 = time.perf_counter()
    model = EpsteinCivilViolence(width=side, height=side, scenario=EpsteinScenario(rng=seed))
    t1 = time.perf_counter()
    for _ in range(steps):
        model.step()
    t2 = time.perf_counter()
    agents = len(model.agents)
    return {
        "agents": agents,
        "steps": steps,
        "construct_s": t1 - t0,
        "step_s": t2 - t1,
        "total_s": t2 - t0,
        "rate": agents * steps / (t2 - t0),
    }


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


# --- report ----------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpu_count": os.cpu_count(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "mobilization": mobilization.__version__,
        "when_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few repetitions (smoke run)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--seed", type=int, default=20_240_601, help="base seed (default %(default)s)")
    args = ap.parse_args(argv)

    default_reps = 8 if args.quick else 40
    warmup = 2 if args.quick else 5
    scale_reps = 1 if args.quick else 5
    epstein_reps = 1 if args.quick else 3
    epstein_steps = 5 if args.quick else 10
    seeds = iter(range(args.seed, args.seed + 1_000_000))

    env = environment()
    print(f"mobilization benchmark ({'quick' if args.quick else 'full'}): "
          f"Python {env['python']}, Mesa {env['mesa']}, numpy {env['numpy']}, "
          f"{env['cpu_count']} CPUs, {env['platform']}", flush=True)

    # 1. default run ----------------------------------------------------------------------
    for _ in range(warmup):
        time_default_run(next(seeds))
    gc.collect()
    load_before = os.getloadavg()[0]
    default_s = [time_default_run(next(seeds)) for _ in range(default_reps)]
    ms = np.array([w for w, _ in default_s]) * 1000.0
    cpu_ms = np.array([c for _, c in default_s]) * 1000.0
    q25, q50, q75 = (float(v) for v in np.percentile(ms, [25, 50, 75]))
    cpu_q25, cpu_q50, cpu_q75 = (float(v) for v in np.percentile(cpu_ms, [25, 50, 75]))
    print(f"  default run: {default_reps} repetitions after {warmup} warm-up", flush=True)

    # 2 + 3. scaling, interleaved ours / Epstein -----------------------------------------
    sides = {n: epstein_side(n) for n in SIZES}
    # warm-up both models at the smallest size
    time_village(SIZES[0], next(seeds))
    time_epstein(sides[SIZES[0]], next(seeds), 2)
    ours: dict[int, list[dict[str, float]]] = {n: [] for n in SIZES}
    epstein: dict[int, list[dict[str, float]]] = {n: [] for n in SIZES}
    for rep in range(max(scale_reps, epstein_reps)):
        for n in SIZES:
            gc.collect()
            if rep < scale_reps:
                ours[n].append(time_village(n, next(seeds)))
            gc.collect()
            if rep < epstein_reps:
                epstein[n].append(time_epstein(sides[n], next(seeds), epstein_steps))
        print(f"  scaling: round {rep + 1} of {max(scale_reps, epstein_reps)} done", flush=True)
    # repetitions beyond epstein_reps run ours only (cheap); ours stays interleaved with
    # Epstein for the first epstein_reps rounds.

    rows = []
    for n in SIZES:
        o_rate = median_of(ours[n], "rate")
        e_rate = median_of(epstein[n], "rate")
        rows.append({
            "villagers": n,
            "ours_rate": o_rate,
            "ours_total_s": median_of(ours[n], "total_s"),
            "ours_construct_s": median_of(ours[n], "construct_s"),
            "ours_us_per_agent_step": 1e6 / o_rate,
            "epstein_side": sides[n],
            "epstein_agents": int(statistics.median(r["agents"] for r in epstein[n])),
            "epstein_rate": e_rate,
            "epstein_total_s": median_of(epstein[n], "total_s"),
            "epstein_construct_s": median_of(epstein[n], "construct_s"),
            "epstein_us_per_agent_step": 1e6 / e_rate,
            "ratio": o_rate / e_rate,
        })
    by_n = {r["villagers"]: r for r in rows}
    load_after = os.getloadavg()[0]
    linearity = by_n[SIZES[-1]]["ours_us_per_agent_step"] / by_n[SIZES[0]]["ours_us_per_agent_step"]

    # table ------------------------------------------------------------------------------
    print()
    print(f"1. Default village run (population 400, {HORIZON_WEEKS} weeks, simulate()), "
          f"{default_reps} runs, fresh seed each")
    print(f"   median {q50:.1f} ms   IQR {q75 - q25:.1f} ms ({q25:.1f} - {q75:.1f})   "
          f"min {ms.min():.1f}   max {ms.max():.1f}   (wall clock)")
    print(f"   median {cpu_q50:.1f} ms   IQR {cpu_q75 - cpu_q25:.1f} ms "
          f"({cpu_q25:.1f} - {cpu_q75:.1f})   (process CPU time, less sensitive to other load)")
    print(f"   1-min load average {load_before:.2f} at start, {load_after:.2f} at end on "
          f"{env['cpu_count']} CPUs; a load near or above the CPU count inflates wall times")
    print()
    print(f"2./3. Agent-steps per second, whole run incl. construction (ours: {HORIZON_WEEKS} "
          f"weeks, median of {scale_reps}; Epstein: {epstein_steps} steps, median of "
          f"{epstein_reps})")
    head = (f"   {'villagers':>9}  {'ours steps/s':>13}  {'us/agent-step':>13}  "
            f"{'Epstein grid':>12}  {'agents':>6}  {'Epstein steps/s':>15}  "
            f"{'us/agent-step':>13}  {'ours/Epstein':>12}")
    print(head)
    for r in rows:
        print(f"   {r['villagers']:>9,}  {fmt_rate(r['ours_rate']):>13}  "
              f"{r['ours_us_per_agent_step']:>13.3f}  "
              f"{str(r['epstein_side']) + 'x' + str(r['epstein_side']):>12}  "
              f"{r['epstein_agents']:>6,}  {fmt_rate(r['epstein_rate']):>15}  "
              f"{r['epstein_us_per_agent_step']:>13.1f}  {r['ratio']:>11.1f}x")
    print(f"   cost per villager-week at {SIZES[-1]:,} / at {SIZES[0]:,}: {linearity:.2f} "
          "(1.00 = linear in population; < 1 = fixed per-run costs amortized)")
    print()

    checks = [
        ("default run median <= 50 ms", f"{q50:.1f} ms", q50 <= TARGET_DEFAULT_MS),
        (f"agent-steps/s at {SIZES[-1]:,} >= 1,000,000",
         fmt_rate(by_n[SIZES[-1]]["ours_rate"]),
         by_n[SIZES[-1]]["ours_rate"] >= TARGET_RATE_10K),
    ]
    for r in rows:
        checks.append((f"ours/Epstein at {r['villagers']:,} >= 20x", f"{r['ratio']:.1f}x",
                       r["ratio"] >= TARGET_RATIO))
    width = max(len(c[0]) for c in checks)
    print(f"   {'target':<{width}}  {'measured':>12}  result")
    for name, value, ok in checks:
        print(f"   {name:<{width}}  {value:>12}  {verdict(ok)}")
    n_fail = sum(not ok for _, _, ok in checks)
    print(f"   {len(checks) - n_fail} of {len(checks)} targets met")

    if args.json:
        out = {
            "environment": env,
            "mode": "quick" if args.quick else "full",
            "load_average_1min": {"start": load_before, "end": load_after},
            "horizon_weeks": HORIZON_WEEKS,
            "default_run": {
                "repetitions": default_reps,
                "warmup": warmup,
                "ms": [float(x) for x in ms],
                "median_ms": q50,
                "q25_ms": q25,
                "q75_ms": q75,
                "iqr_ms": q75 - q25,
                "cpu_ms": [float(x) for x in cpu_ms],
                "cpu_median_ms": cpu_q50,
                "cpu_iqr_ms": cpu_q75 - cpu_q25,
                "target_ms": TARGET_DEFAULT_MS,
            },
            "scaling": {
                "ours_repetitions": scale_reps,
                "epstein_repetitions": epstein_reps,
                "epstein_steps": epstein_steps,
                "rows": rows,
                "raw_ours": {str(n): ours[n] for n in SIZES},
                "raw_epstein": {str(n): epstein[n] for n in SIZES},
                "cost_ratio_largest_vs_smallest": linearity,
            },
            "targets": [{"target": name, "measured": value, "pass": bool(ok)}
                        for name, value, ok in checks],
        }
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, indent=2) + "\n")
        print(f"   wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
