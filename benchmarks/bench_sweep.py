"""Overhead of the sweep runner (a benchmark, not a test).

The same N runs (default: 200 default villages, 104 weeks, one design point with N
replications and common seeds) are timed as:

a. a plain ``for`` loop of ``mobilization.simulate`` in this process (the baseline);
b. ``sweep(..., workers=1)``: the sequential executor, with the store (manifest, Parquet
   part files, reading the result back); target: overhead b/a - 1 <= 10%;
c. ``sweep(..., workers=K)`` (default K = 2): a local process pool, against an ideal of
   a/K; parallel efficiency = (a/K) / c;
d. the same on a Dask ``LocalCluster`` of K single-threaded worker processes (started once,
   outside the timing, and warmed up).

Rounds are interleaved (a, b, c, d, a, b, ...) so that a busy period hits every mode, and
each sweep writes to a fresh temporary directory. Medians over the rounds are reported,
with wall-clock and CPU time (this process; children for the pool).

Usage::

    uv run python benchmarks/bench_sweep.py                 # 200 runs x 3 rounds
    uv run python benchmarks/bench_sweep.py --runs 40       # smoke run
    uv run python benchmarks/bench_sweep.py --no-dask --json results/bench_sweep.json

The exit status is 0 whatever the outcome: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mobilization import HORIZON_WEEKS, simulate
from mobilization.experiments.experiment import Experiment, parse
from mobilization.experiments.sweep import sweep

TARGET_OVERHEAD = 0.10


def design(runs: int, weeks: int, seed: int) -> Experiment:
    """One design point (the default village) with ``runs`` replications."""
    text = (f'[experiment]\nname = "bench"\nweeks = {weeks}\nreplications = {runs}\n'
            f"seed = {seed}\n")
    return parse(text, "bench.toml")


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], Any]) -> dict[str, float]:
    """Wall-clock, this process's CPU and reaped children's CPU seconds of ``fn()``."""
    c0, k0, t0 = time.process_time(), _children_cpu(), time.perf_counter()
    fn()
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "children_cpu": _children_cpu() - k0}


def plain_loop(experiment: Experiment) -> None:
    for run in experiment.runs():
        simulate(run.weeks, run.seed, **run.params)


def run_sweep(experiment: Experiment, **kwargs: Any) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        result = sweep(experiment, Path(tmp) / "out", progress=False, **kwargs)
        if len(result.runs) != experiment.n_runs or result.failed:
            raise RuntimeError("the sweep did not run every run")


def _serve_cluster(workers: int, queue: Any, stop: Any) -> None:
    """Run a Dask LocalCluster in its own process until ``stop`` is set, so that the
    benchmark process holds no scheduler threads when the local pool forks."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        queue.put(cluster.scheduler_address)
        stop.wait()


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200, help="runs per mode (default 200)")
    ap.add_argument("--weeks", type=int, default=HORIZON_WEEKS)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--workers", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--seed", type=int, default=20_240_601)
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)

    experiment = design(args.runs, args.weeks, args.seed)
    k = args.workers
    print(f"{args.runs} runs of the default village, {args.weeks} weeks; {args.rounds} "
          f"rounds; {k} workers; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f}",
          flush=True)
    simulate(args.weeks, 0)  # warm up imports and caches (pyarrow, git, ...)
    tiny = design(1, 1, args.seed)
    run_sweep(tiny, workers=1)

    modes: dict[str, Callable[[], None]] = {
        "fixed": lambda: run_sweep(tiny, workers=1),
        "loop": lambda: plain_loop(experiment),
        "sweep-1": lambda: run_sweep(experiment, workers=1),
        f"sweep-{k}": lambda: run_sweep(experiment, workers=k),
    }
    server = stop = None
    dask_start = None
    if not args.no_dask:
        t0 = time.perf_counter()
        ctx = multiprocessing.get_context("spawn")
        queue, stop = ctx.Queue(), ctx.Event()
        server = ctx.Process(target=_serve_cluster, args=(k, queue, stop))
        server.start()
        address = queue.get(timeout=300)
        run_sweep(design(2 * k, 4, args.seed), scheduler=address)  # warm up the workers
        dask_start = time.perf_counter() - t0
        modes[f"dask-{k}"] = lambda: run_sweep(experiment, scheduler=address)

    times: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    load_before = os.getloadavg()[0]
    try:
        for r in range(args.rounds):
            for name, fn in modes.items():
                times[name].append(timed(fn))
                t = times[name][-1]
                print(f"  round {r + 1} {name:>8}: wall {t['wall']:7.2f} s  cpu "
                      f"{t['cpu']:7.2f} s  children cpu {t['children_cpu']:7.2f} s",
                      flush=True)
    finally:
        if server is not None:
            stop.set()
            server.join(timeout=60)
    load_after = os.getloadavg()[0]

    fixed = times.pop("fixed")
    loop = median(times["loop"], "wall")
    summary: dict[str, dict[str, float]] = {"fixed": {"wall": median(fixed, "wall"),
                                                      "cpu": median(fixed, "cpu")}}
    print(f"\n{'mode':>8} {'wall s':>8} {'cpu s':>8} {'child s':>8} {'ms/run':>8}  vs loop")
    for name, rows in times.items():
        wall = median(rows, "wall")
        summary[name] = {"wall": wall, "cpu": median(rows, "cpu"),
                         "children_cpu": median(rows, "children_cpu"),
                         "ms_per_run": 1000 * wall / args.runs}
        if name == "loop":
            note = "baseline"
        elif name == "sweep-1":
            summary[name]["overhead"] = wall / loop - 1
            note = f"overhead {wall / loop - 1:+.1%}"
        else:
            summary[name]["efficiency"] = (loop / k) / wall
            note = f"efficiency {(loop / k) / wall:.0%} of ideal {loop / k:.2f} s"
        s = summary[name]
        print(f"{name:>8} {wall:8.2f} {s['cpu']:8.2f} {s['children_cpu']:8.2f} "
              f"{s['ms_per_run']:8.1f}  {note}")
    # Each round's sweep-1 against the loop just before it: neighbours in time share the
    # machine's state, so the median of the ratios is steadier than the ratio of medians.
    paired = statistics.median(b["wall"] / a["wall"] - 1
                               for a, b in zip(times["loop"], times["sweep-1"], strict=True))
    cpu = median(times["sweep-1"], "cpu") / median(times["loop"], "cpu") - 1
    summary["sweep-1"].update(paired_overhead=paired, cpu_overhead=cpu)
    overhead = summary["sweep-1"]["overhead"]
    verdict = "PASS" if overhead <= TARGET_OVERHEAD else "FAIL"
    print(f"\nrunner overhead (sweep workers=1 vs plain loop): {overhead:+.1%} wall "
          f"(target <= {TARGET_OVERHEAD:.0%}): {verdict}; per-round pairs {paired:+.1%}; "
          f"CPU {cpu:+.1%}")
    print(f"fixed cost of a sweep (store, manifest, git commit, one 1-week run): "
          f"{summary['fixed']['wall'] * 1000:.0f} ms wall, "
          f"{summary['fixed']['cpu'] * 1000:.0f} ms CPU")
    if dask_start is not None:
        print(f"Dask LocalCluster start-up and warm-up (not timed above): {dask_start:.1f} s")
    print(f"load average: {load_before:.2f} before, {load_after:.2f} after "
          f"({os.cpu_count()} CPUs); compare results taken on an idle machine")

    if args.json:
        out = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": sys.version.split()[0], "platform": platform.platform(),
            "cpus": os.cpu_count(), "load": [load_before, load_after],
            "runs": args.runs, "weeks": args.weeks, "rounds": args.rounds, "workers": k,
            "raw": times, "summary": summary, "dask_startup_s": dask_start,
            "target_overhead": TARGET_OVERHEAD, "passed": overhead <= TARGET_OVERHEAD,
        }
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
