"""The headline comparison: both branch methods over many replicated villages.

Common random numbers: replication ``r`` of both methods runs with the same integer seed,
``SeedSequence(seed).spawn(replications)[r].generate_state(1)[0]``, so the two methods meet
the same villagers, gentry and chance events, and the difference between them is the
method. A run depends only on ``(seed, replication)`` and its parameters, never on the
order in which runs happen or on the worker process that runs them.

Several workers use a process pool with the platform's default start method (``fork`` on
Linux with Python 3.12, ``spawn`` on macOS and Windows). Where it is not ``fork``, a script
that calls :func:`compare` with several workers must do so under
``if __name__ == "__main__":``, as for any ``multiprocessing`` code.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as _wait_futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from ..village.outcomes import BOUNDS, OUTCOMES
from ..village.parameters import HORIZON_WEEKS, resolve
from ..village.run import _check_weeks, run_model
from .stats import describe
from .targets import check_targets

METHODS: tuple[str, ...] = ("welfare-first", "quota-only")
"""The two presets compared, in reporting order."""

SERIES: tuple[str, ...] = ("recruitment_rate", "army_rate", "salvation_rate")
"""Weekly outcomes kept for every run (for the recruitment-over-time figure)."""

DEFAULT_SEED = 20241103

MAX_CHUNK = 10
"""Most runs sent to a worker at once."""

# One unit of work: (method, replication, seed, weeks, overrides).
Task = tuple[str, int, int, int, dict[str, Any]]
RunResult = tuple[dict[str, float | int], dict[str, np.ndarray]]


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The integer seed of each replication, shared by both methods."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1)[0]) for c in children]


def run_one(task: Task) -> RunResult:
    """Run one village; returns its end-of-run outcomes and weekly :data:`SERIES` arrays.

    Top-level so that worker processes can unpickle it.
    """
    method, _replication, seed, weeks, overrides = task
    model = run_model(weeks, seed, **overrides, branch_method=method)
    frame = model.datacollector.get_model_vars_dataframe()
    weekly = {name: frame[name].to_numpy(dtype=float) for name in SERIES}
    return model.outcomes(), weekly


def run_chunk(tasks: Sequence[Task]) -> list[RunResult]:
    """Run several villages in one worker call, to keep process overhead small."""
    return [run_one(t) for t in tasks]


def _ignore_sigint() -> None:
    # Workers leave Ctrl-C to the parent, which cancels the pending work.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass
class CompareResult:
    """Outcome of :func:`compare`.

    ``runs``: one row per run (``method``, ``replication``, ``seed``, every outcome).
    ``weekly``: ``weekly[method][name]`` is a (replications x weeks+1) array of the weekly
    ``recruitment_rate``, ``army_rate`` and ``salvation_rate``; row ``r`` is replication r.
    ``summary``: JSON-ready means, standard deviations, 95% CIs and target checks.
    """

    runs: pd.DataFrame
    weekly: dict[str, dict[str, np.ndarray]]
    summary: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def weeks(self) -> int:
        return int(self.summary["weeks"])

    @property
    def replications(self) -> int:
        return int(self.summary["replications"])

    def weekly_frame(self) -> pd.DataFrame:
        """The weekly series in long form: method, replication, week and each series."""
        frames = []
        for method, series in self.weekly.items():
            reps, points = series[SERIES[0]].shape
            frame = pd.DataFrame({
                "method": method,
                "replication": np.repeat(np.arange(reps), points),
                "week": np.tile(np.arange(points), reps),
            })
            for name in SERIES:
                frame[name] = series[name].ravel()
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def summary_json(self) -> str:
        """``summary.json`` as text (strict JSON: no NaN)."""
        return json.dumps(self.summary, indent=2, allow_nan=False) + "\n"

    def write(self, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
        """Write ``summary.json``, ``runs.parquet`` and ``compare.png`` into ``out_dir``
        (created if needed). Each file is written to a temporary name and moved into place,
        so no half-written file is left behind. Returns the paths written.
        """
        from .files import atomic_write, write_text
        from .plots import compare_figure, save_figure

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        files = {
            "summary": write_text(out / "summary.json", self.summary_json()),
            "runs": atomic_write(
                out / "runs.parquet",
                lambda tmp: self.runs.to_parquet(tmp, engine="pyarrow", index=False),
            ),
            "figure": save_figure(compare_figure(self), out / "compare.png"),
        }
        self.files = files
        return files


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"
    raise ValueError(f"{name} must be a whole number {allowed}; got {value!r}")


def validate(
    replications: int, weeks: int, seed: int, workers: int | None,
    overrides: dict[str, Any] | None,
) -> dict[str, Any]:
    """Check the arguments of :func:`compare`; returns the validated overrides.

    Raises ``ValueError`` with a one-line message naming what is wrong. Overrides are
    resolved for both methods, so combinations (e.g. share_hired + share_poor) are checked
    too; ``branch_method`` is refused because the comparison sets it.
    """
    _check_int("replications", replications, 1)
    _check_weeks(weeks)
    _check_int("seed", seed, 0)
    if workers is not None:
        _check_int("workers", workers, 1)
    overrides = dict(overrides or {})
    if "branch_method" in overrides:
        raise ValueError(
            "branch_method cannot be overridden in a comparison: both methods are always run"
        )
    resolved = [resolve({**overrides, "branch_method": m}) for m in METHODS]
    # Explicit values override the presets, so both methods agree on them.
    return {name: resolved[0][name] for name in overrides}


def _execute(tasks: list[Task], workers: int, progress: bool) -> list[RunResult]:
    """Run ``tasks`` (in this process if ``workers == 1``) and return results in order."""
    results: list[RunResult | None] = [None] * len(tasks)
    bar_args = {"total": len(tasks), "desc": "villages", "unit": "run", "file": sys.stderr,
                "disable": not progress}
    if workers == 1:
        with tqdm(**bar_args) as bar:
            for i, task in enumerate(tasks):
                results[i] = run_one(task)
                bar.update(1)
    else:
        # Several chunks per worker balance the load; a chunk of a few runs keeps pickling
        # and scheduling overhead small next to the runs themselves, and short enough that
        # Ctrl-C (which lets running chunks finish) returns within seconds.
        size = max(1, min(math.ceil(len(tasks) / (workers * 8)), MAX_CHUNK))
        starts = range(0, len(tasks), size)
        executor = ProcessPoolExecutor(max_workers=min(workers, len(starts)),
                                       initializer=_ignore_sigint)
        try:
            # With the fork start method every worker is started by the first submit: do it
            # before tqdm starts its monitor thread (forking a threaded process is unsafe).
            futures = {executor.submit(run_chunk, tasks[i:i + size]): i for i in starts}
            with tqdm(**bar_args) as bar:
                pending = set(futures)
                while pending:
                    done, pending = _wait_futures(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        chunk = fut.result()
                        i = futures[fut]
                        results[i:i + len(chunk)] = chunk
                        bar.update(len(chunk))
        except BaseException:
            # Ctrl-C or a failing run: drop the queued chunks instead of finishing them.
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        executor.shutdown(wait=True)
    if any(r is None for r in results):
        raise RuntimeError("some runs returned no result")
    return results  # type: ignore[return-value]


def compare(
    replications: int = 100,
    weeks: int = HORIZON_WEEKS,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    overrides: dict[str, Any] | None = None,
    progress: bool = True,
) -> CompareResult:
    """Run both branch methods for ``replications`` villages each, with common random
    numbers, and summarize every outcome with mean, sd and Student-t 95% CI.

    ``overrides`` are parameter values applied to both methods (not ``branch_method``).
    ``workers``: 1 runs in this process; otherwise a process pool of ``workers`` (default:
    all cores). Arguments are validated before any process starts; bad ones raise
    ``ValueError``. The result does not depend on ``workers``.
    """
    overrides = validate(replications, weeks, seed, workers, overrides)
    replications, seed = int(replications), int(seed)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    seeds = replication_seeds(seed, replications)
    tasks: list[Task] = [
        (method, r, s, weeks, overrides) for r, s in enumerate(seeds) for method in METHODS
    ]
    results = _execute(tasks, n_workers, progress)

    rows = []
    weekly: dict[str, dict[str, np.ndarray]] = {
        m: {name: np.empty((replications, weeks + 1)) for name in SERIES} for m in METHODS
    }
    for (method, r, s, _w, _o), (outcomes, series) in zip(tasks, results, strict=True):
        rows.append({"method": method, "replication": r, "seed": s, **outcomes})
        for name in SERIES:
            weekly[method][name][r] = series[name]
    runs = pd.DataFrame(rows, columns=["method", "replication", "seed", *OUTCOMES])
    runs = runs.sort_values(["method", "replication"], key=_method_order, kind="stable")
    runs = runs.reset_index(drop=True)
    runs["seed"] = runs["seed"].astype("int64")

    summary: dict[str, Any] = {
        "weeks": weeks,
        "replications": replications,
        "seed": seed,
        "overrides": overrides,
        "methods": {
            m: {name: describe(runs.loc[runs["method"] == m, name].to_numpy(float),
                               BOUNDS[name])
                for name in OUTCOMES}
            for m in METHODS
        },
    }
    summary["targets"] = [
        {"target": d, "passed": ok, "detail": detail}
        for d, ok, detail in check_targets(summary)
    ]
    summary["parameters"] = {m: resolve({**overrides, "branch_method": m}) for m in METHODS}
    return CompareResult(runs=runs, weekly=weekly, summary=summary)


def _method_order(col: pd.Series) -> pd.Series:
    if col.name == "method":
        return col.map({m: i for i, m in enumerate(METHODS)})
    return col
