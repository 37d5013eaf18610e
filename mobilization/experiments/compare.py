"""The headline comparison: both branch methods over many replicated villages, and a
welfare-first branch in a village like Chen Yun's.

The comparison is an experiment like any other, built in code (:func:`experiment`): one
point per arm (:data:`ARMS`) with common random numbers, replication ``r`` of every arm
running with the same integer seed, ``SeedSequence(seed).spawn(replications)[r]
.generate_state(1)[0]`` (:func:`replication_seeds`), so the two methods meet the same
villagers, gentry and chance events, and the difference between them is the method. It
keeps the weekly :data:`SERIES` of every run for the figure.

It runs on the sweep engine (:func:`mobilization.experiments.sweep.sweep`) into a store,
so it is resumable (running it again into the same directory runs only the missing runs;
a different design is refused), runs in this process, a local process pool or on a Dask
cluster, and its result does not depend on where or in what order runs happen.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..village.outcomes import BOUNDS, OUTCOMES
from ..village.parameters import HORIZON_WEEKS, check_weeks, resolve
from .design import Experiment, Point
from .stats import describe
from .targets import CHEN_YUN, check_targets

METHODS: tuple[str, ...] = ("welfare-first", "quota-only")
"""The two presets compared over the same drawn villages."""

# CHEN_YUN (targets.py): a welfare-first branch in a village like Chen Yun's, the typical
# village, whose structure is the parameters themselves (``typical_village``), where DESIGN
# section 4's pattern 1 (about 13%) and pattern 3 (quotas filled) are stated. The methods are
# compared across the documented range of villages, where pattern 2 (1-2%) is stated.

ARMS: dict[str, dict[str, Any]] = {
    "welfare-first": {"branch_method": "welfare-first"},
    "quota-only": {"branch_method": "quota-only"},
    CHEN_YUN: {"branch_method": "welfare-first", "typical_village": True},
}
"""Each arm's own parameters, set over the overrides (point ``i`` runs the i-th arm, in
reporting order); replication r of every arm runs with one seed."""

SERIES: tuple[str, ...] = ("recruitment_rate", "army_rate", "salvation_rate")
"""Weekly outcomes kept for every run (for the recruitment-over-time figure)."""

DEFAULT_SEED = 20241103
NAME = "compare"
"""The experiment name of a comparison (in its store's manifest)."""


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The integer seed of each replication, shared by both methods."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1)[0]) for c in children]


def experiment(replications: int = 100, weeks: int = HORIZON_WEEKS, seed: int = DEFAULT_SEED,
               overrides: dict[str, Any] | None = None) -> Experiment:
    """The comparison as an experiment: one design point per arm of :data:`ARMS`,
    ``overrides`` fixed for all, common seeds (as :func:`replication_seeds`), and the
    weekly :data:`SERIES` kept. Arguments are checked by :func:`validate`."""
    overrides = dict(overrides or {})
    points = tuple(Point(i, "", {**overrides, **fixed})
                   for i, fixed in enumerate(ARMS.values()))
    return Experiment(
        name=NAME, weeks=weeks, replications=replications, seed=seed, seeding="common",
        design="grid", factors=("branch_method",), points=points, subs=(), sample=None,
        ranges={}, tables={}, description="welfare-first against quota-only, and "
        "welfare-first in Chen Yun's village (mobilize compare)", series=SERIES,
        series_every=1)


@dataclass
class CompareResult:
    """Outcome of :func:`compare`.

    ``runs``: one row per run (``method``, ``replication``, ``seed``, every outcome).
    ``weekly``: ``weekly[method][name]`` is a (replications x weeks+1) array of the weekly
    ``recruitment_rate``, ``army_rate`` and ``salvation_rate``; row ``r`` is replication r.
    ``summary``: JSON-ready means, standard deviations, 95% CIs and target checks.
    ``new`` and ``skipped``: runs made now and runs found already in the store.
    """

    runs: pd.DataFrame
    weekly: dict[str, dict[str, np.ndarray]]
    summary: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)
    new: int = 0
    skipped: int = 0

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
        figure = compare_figure(self.weekly, self.runs, self.weeks)
        files = {
            "summary": write_text(out / "summary.json", self.summary_json()),
            "runs": atomic_write(
                out / "runs.parquet",
                lambda tmp: self.runs.to_parquet(tmp, engine="pyarrow", index=False),
            ),
            "figure": save_figure(figure, out / "compare.png"),
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
    check_weeks(weeks)
    _check_int("seed", seed, 0)
    if workers is not None:
        _check_int("workers", workers, 1)
    overrides = dict(overrides or {})
    if "branch_method" in overrides:
        raise ValueError(
            "branch_method cannot be overridden in a comparison: both methods are always run"
        )
    resolved = [resolve({**overrides, **fixed}) for fixed in ARMS.values()]
    # Explicit values override the presets, so the arms agree on them (but each arm's own).
    return {name: resolved[0][name] for name in overrides}


def compare(
    replications: int = 100,
    weeks: int = HORIZON_WEEKS,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    overrides: dict[str, Any] | None = None,
    progress: bool = True,
    out: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
) -> CompareResult:
    """Run both branch methods for ``replications`` villages each, with common random
    numbers, and summarize every outcome with mean, sd and Student-t 95% CI.

    ``overrides`` are parameter values applied to both methods (not ``branch_method``).
    The runs go through :func:`~mobilization.experiments.sweep.sweep` into the store
    ``out`` (resumable: a rerun runs only the missing runs; a different design there is
    refused); with ``out=None`` into a temporary store, discarded after reading.
    ``workers``: 1 runs in this process, otherwise a process pool (default: all cores);
    ``scheduler``: a Dask scheduler's address instead. Arguments are validated before any
    process starts; bad ones raise ``ValueError``. The result depends on neither.
    """
    from .store import Store
    from .sweep import sweep

    overrides = validate(replications, weeks, seed, workers, overrides)
    design = experiment(int(replications), weeks, int(seed), overrides)
    if out is None:
        with tempfile.TemporaryDirectory(prefix="mobilize-compare-") as tmp:
            return compare(replications, weeks, seed, workers, overrides, progress,
                           Path(tmp) / NAME, scheduler)
    done = sweep(design, out, workers=workers, scheduler=scheduler, progress=progress)
    if done.failed:
        first = done.runs.loc[done.runs["status"] == "failed", "error"].iloc[0]
        raise RuntimeError(f"{done.failed} of {len(done.runs)} runs failed; first error: "
                           f"{first} (see {Path(out) / 'parts'})")
    result = result_of(done.runs, Store(out).read_series(), design, overrides)
    result.new, result.skipped = done.new, done.skipped
    return result


@cache
def _whole_outcomes() -> tuple[str, ...]:
    # Outcomes that are counts (ints in a run): runs.parquet keeps them as integers.
    from ..village.run import simulate

    return tuple(k for k, v in simulate(1, 0).items() if isinstance(v, int | np.integer))


def result_of(rows: pd.DataFrame, series: pd.DataFrame, design: Experiment,
              overrides: dict[str, Any]) -> CompareResult:
    """The comparison's result from its store: the runs (as :meth:`Store.read`) and their
    weekly series (as :meth:`Store.read_series`) of the design :func:`experiment` made."""
    from .store import param_column

    method = rows["point"].map(dict(enumerate(ARMS)))
    preset = rows["point"].map({i: f["branch_method"] for i, f in enumerate(ARMS.values())})
    if not (preset == rows[param_column("branch_method")].astype(str)).all():
        raise ValueError("the store's points are not the comparison's arms")
    runs = pd.DataFrame({"method": method.astype(object),
                         "replication": rows["replication"].astype("int64"),
                         "seed": rows["seed"].astype("int64"),
                         **{name: rows[name] for name in OUTCOMES}})
    runs = runs.sort_values(["method", "replication"], key=_method_order, kind="stable")
    runs = runs.reset_index(drop=True)
    for name in _whole_outcomes():
        runs[name] = runs[name].round().astype("int64")

    weeks, replications = design.weeks, design.replications
    weekly: dict[str, dict[str, np.ndarray]] = {}
    for point, m in enumerate(ARMS):
        rows_m = series[series["point"] == point].sort_values(["replication", "week"])
        if len(rows_m) != replications * (weeks + 1):
            raise ValueError(f"the store holds {len(rows_m)} weekly rows of {m}; expected "
                             f"{replications} x {weeks + 1}")
        weekly[m] = {name: rows_m[name].to_numpy(float).reshape(replications, weeks + 1)
                     for name in SERIES}

    summary: dict[str, Any] = {
        "weeks": weeks,
        "replications": replications,
        "seed": design.seed,
        "overrides": overrides,
        "methods": {
            m: {name: describe(runs.loc[runs["method"] == m, name].to_numpy(float),
                               BOUNDS[name])
                for name in OUTCOMES}
            for m in ARMS
        },
    }
    summary["targets"] = [
        {"target": d, "passed": ok, "detail": detail}
        for d, ok, detail in check_targets(summary)
    ]
    summary["parameters"] = {m: resolve({**overrides, **fixed}) for m, fixed in ARMS.items()}
    return CompareResult(runs=runs, weekly=weekly, summary=summary)


def _method_order(col: pd.Series) -> pd.Series:
    if col.name == "method":
        return col.map({m: i for i, m in enumerate(ARMS)})
    return col
