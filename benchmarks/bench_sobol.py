"""Timing of a Sobol sensitivity analysis (a benchmark, not a test).

Runs ``experiments/sobol.toml`` (ten parameters and the dummy, N = 1024, so
1024 x (11 + 2) = 13,312 villages) on a local process pool, in two timed steps:

1. the sweep (:func:`mobilization.experiments.sweep.sweep`): wall-clock time, CPU time of this
   process and of the worker processes, runs per second, parallel efficiency;
2. the analysis (:func:`mobilization.experiments.sensitivity.sensitivity` on the finished store:
   SALib with bootstrap intervals, the CSV files and the figure).

Then it prints the indices. Usage::

    uv run python benchmarks/bench_sobol.py                 # N = 1024 on 2 workers
    uv run python benchmarks/bench_sobol.py --n 64          # quick check, ~1/16 the runs
    uv run python benchmarks/bench_sobol.py --workers 4 --out results/bench_sobol

Without ``--out`` the results go to a temporary directory that is removed afterwards. With
``--out`` an existing store is resumed, and only the runs made now are timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import mobilization
from mobilization.experiments.experiment import Experiment, parse
from mobilization.experiments.sensitivity import sensitivity
from mobilization.experiments.sweep import sweep

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENT = ROOT / "experiments" / "sobol.toml"


def experiment_with_n(path: Path, n: int | None) -> Experiment:
    """The experiment of ``path``, with its Sobol base sample size replaced by ``n``."""
    text = path.read_text(encoding="utf-8")
    if n is not None:
        text, count = re.subn(r"(?m)^(\s*n\s*=\s*)\d+", rf"\g<1>{n}", text)
        if count != 1:
            raise SystemExit(f"{path}: expected one 'n = ...' line in [sample]")
    return parse(text, path)


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def main(argv: list[str] | None = None) -> int:
    """Time the sweep and the analysis of the Sobol experiment; print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=None,
                        help="Sobol base sample size (a power of 2; default: the file's)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output directory (default: a temporary one, removed)")
    parser.add_argument("--experiment", type=Path, default=EXPERIMENT,
                        help=f"experiment file (default: {EXPERIMENT.relative_to(ROOT)})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    try:
        experiment = experiment_with_n(args.experiment, args.n)
    except ValueError as e:
        raise SystemExit(f"error: {e}") from None
    assert experiment.sample is not None
    n = experiment.sample["n"]
    d = len(experiment.factors)
    temporary = args.out is None
    out = Path(tempfile.mkdtemp(prefix="bench_sobol_")) if temporary else args.out
    print(f"mobilization {mobilization.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (1 min)")
    print(f"{experiment.name}: Sobol N = {n}, D = {d} factors ({d - 1} parameters + dummy) "
          f"-> {len(experiment.points):,} design rows x {experiment.replications} "
          f"replication(s) = {experiment.n_runs:,} runs of {experiment.weeks} weeks; "
          f"{args.workers} workers; out {out}")
    try:
        parent0, children0 = cpu_seconds()
        t0 = time.perf_counter()
        swept = sweep(experiment, out, workers=args.workers, progress=not args.no_progress)
        wall = time.perf_counter() - t0
        parent1, children1 = cpu_seconds()
        cpu = (parent1 - parent0) + (children1 - children0)

        t1 = time.perf_counter()
        result = sensitivity(experiment, out, workers=args.workers, progress=False)
        analysis = time.perf_counter() - t1
    finally:
        if temporary:
            shutil.rmtree(out, ignore_errors=True)

    print()
    if swept.skipped:
        print(f"note: {swept.skipped:,} runs were already in {out}; only the {swept.new:,} "
              "run now are timed")
    rate = swept.new / wall if wall > 0 else float("nan")
    print(f"sweep:     {swept.new:,} runs in {wall:,.1f} s wall, {cpu:,.1f} s CPU "
          f"({cpu / max(swept.new, 1) * 1000:.1f} ms CPU per run)")
    print(f"           {rate:,.1f} runs/s; parallel efficiency "
          f"{cpu / (wall * args.workers):.0%} of {args.workers} workers")
    print(f"analysis:  {analysis:.1f} s (SALib with bootstrap intervals, CSV files, figure)")
    print(f"total:     {wall + analysis:,.1f} s; {swept.failed} runs failed")
    if n != 1024 and rate > 0:
        full = 1024 * (d + 2) * experiment.replications
        print(f"at N = 1024 ({full:,} runs) this rate gives about {full / rate / 60:.1f} "
              "minutes")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print()
    print(result.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
