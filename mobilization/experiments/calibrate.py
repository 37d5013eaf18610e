"""Calibration: fit the parameters without empirical basis to the targets, visibly.

``mobilize calibrate FILE`` runs the grid of an experiment file as a sweep (resumable) and
chooses the grid point whose mean outcomes come closest to the file's ``[targets]``. The
model never sees the targets: they live in the experiment file and in this module only.
The shape of the file, besides a grid design::

    [[sub]]                # every grid point runs under each sub-experiment
    name = "welfare-first"
    fixed = {branch_method = "welfare-first"}

    [calibrate]
    outcome = "recruitment_rate"   # the outcome of bands that name none (optional)
    bootstrap = 200                # resamples of the replications (0: none)
    smooth = true                  # smooth the grid means before the loss (default)
    contrast = {outcome = "recruitment_rate", numerator = "welfare-first",
                denominator = "quota-only", ratio = 3}   # reported, not fitted (optional)

    [targets]              # per sub-experiment: one band on [calibrate] outcome ...
    "quota-only" = {target = 0.015, low = 0.005, high = 0.03}
    "welfare-first" = [    # ... or a list of bands, each naming its outcome
        {outcome = "recruitment_rate", target = 0.13, low = 0.10, high = 0.16},
        {outcome = "quota_grain", target = 1.0, low = 0.95, high = 1.0},
    ]

(TOML wants an inline table on one line; it is broken here only for width.) A band is
``low < target < high``, or a target on one edge (``target == high``: a quota filled),
which makes the band one-sided: beyond the target on that side costs nothing and counts
as inside. A sub-experiment has at most one band per outcome, every band lies within its
outcome's range, and ``[calibrate] outcome`` may be left out when every band names its
own. A sub-experiment without a band is allowed only as a side of the contrast (it runs
for the contrast alone); any other would be run for nothing and is refused.

Only parameters marked ``calibrated`` in :data:`mobilization.village.parameters.PARAMETERS` may be
grid factors, the grid must use common random numbers (replication r of every point and
sub-experiment runs on one seed), and every band shares each candidate value.

Each band's mean at a grid point is smoothed (``smooth = true``): replaced by the value
there of the least-squares plane through the point and its grid neighbours. Common random
numbers already remove the noise all points share; the plane averages away most of the
noise of each point's own replications, which otherwise decides between neighbouring
points whose true means differ by less than it.

The loss of a grid point is the sum over bands of the squared distance of the
(smoothed) mean from the target in units of the band on that side:
``((m - target) / (high - target))^2`` above the target, ``((target - m) / (target -
low))^2`` below (0 on a side of no width). A term is at most 1 exactly when ``m`` lies in
the band, so bands weigh by the precision the source states, not by their size or their
outcome's units (a relative loss would count 0.5 points off 1.5% as much as 4.3 points
off 13%). The fitted values are the grid point of least loss. The outcomes are held as a
cube (band, grid point, replication), so every step below is vectorized over bands.

How sensitive the fit is: (a) the points whose means all lie in their bands (the fitted
region) and the range of each parameter over them; (b) a bootstrap over replications (the
same resampled replications at every point and for every band, keeping common random
numbers): how often each point is best, and the 5-95% range of each fitted value; (c)
local slopes, the change of each band's mean per grid step of each parameter at the
fitted point (the neighbourhood plane's slopes), with standard errors from the paired,
per-replication slopes. The contrast (:mod:`~mobilization.experiments.calibration_contrast`)
gives the ratio of two sub-experiments' means at the fitted point with a bootstrap 95%
interval, and the share of the fitted region where the numerator beats the denominator by
at least the ratio.

A file with one outcome reads the same in the old form (``[calibrate] outcome`` and a
table per sub-experiment) and the list form, and fits identically; its bands are labelled
by their sub-experiment, as before, and those of a file with several outcomes
``"<sub>: <outcome>"``.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..village.outcomes import BOUNDS
from ..village.parameters import PARAMETERS
from .calibration import (
    LOSS_TEXT,
    CalibrationResult,
    CalibrationSpec,
    TargetBand,
    _point,
    _point_text,
    calibration_spec,
)
from .calibration_contrast import beats, contrast_result, ratios
from .calibration_figure import calibration_figure
from .calibration_report import console_text, markdown
from .experiment import Experiment, ExperimentError
from .files import write_text
from .plots import save_figure
from .stats import mean_ci_columns
from .store import param_column


def _outcome_cube(runs: pd.DataFrame, spec: CalibrationSpec, series: list[tuple[str, str]]
                  ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The grid levels of each factor and the outcomes as an array (series, grid point,
    replication), one series per (sub-experiment, outcome) pair of ``series``, grid
    points in C order of the levels."""
    if "status" in runs:
        failed = runs[runs["status"] != "ok"]
        if len(failed):
            raise ValueError(f"{len(failed)} runs failed (first: {failed['error'].iloc[0]}); "
                             "a calibration needs every run")
    columns = [param_column(f) for f in spec.factors]
    runs = runs[runs["sub"].isin({sub for sub, _ in series})]
    levels = {f: np.unique(runs[c].to_numpy(float)) for f, c in zip(spec.factors, columns,
                                                                     strict=True)}
    reps = np.unique(runs["replication"].to_numpy())
    shape = tuple(len(v) for v in levels.values())
    n_points, n_reps = math.prod(shape), len(reps)
    cube = np.full((len(series), n_points, n_reps), np.nan)
    for k, (name, outcome) in enumerate(series):
        sub = runs[runs["sub"] == name]
        if sub.empty:
            raise ValueError(f"no runs of sub-experiment {name!r}")
        if outcome not in sub:
            raise ValueError(f"the runs have no outcome {outcome!r}")
        index = tuple(np.searchsorted(levels[f], sub[c].to_numpy(float))
                      for f, c in zip(spec.factors, columns, strict=True))
        g = np.ravel_multi_index(index, shape)
        r = np.searchsorted(reps, sub["replication"].to_numpy())
        if len(set(zip(g.tolist(), r.tolist(), strict=True))) != len(sub):
            raise ValueError(f"sub-experiment {name!r} has a grid point and replication "
                             "twice")
        cube[k, g, r] = sub[outcome].to_numpy(float)
    missing = np.isnan(cube)
    if missing.any():
        k, g, r = (int(a[0]) for a in np.nonzero(missing))
        raise ValueError(f"{int(missing.sum())} runs are missing, e.g. replication "
                         f"{reps[r]} of {series[k][0]!r} at "
                         f"{_point_text(_point(levels, g))}; the grid must be complete")
    return levels, cube


def _loss(spec: CalibrationSpec, means: np.ndarray) -> np.ndarray:
    """Loss of every grid point from the band means (band first axis): the sum of the
    bands' terms."""
    return sum(t.term(means[k]) for k, t in enumerate(spec.targets))


def _window(levels: dict[str, np.ndarray], g: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The plane through grid point ``g`` and its neighbours (one grid step along each
    factor, diagonals included): the window's points, the least-squares operator whose
    row 0 gives the plane's value at ``g`` and row j its slope per grid step along the
    j-th varied factor, and which factors those are."""
    shape = tuple(len(v) for v in levels.values())
    varied = [a for a, n in enumerate(shape) if n > 1]
    at = np.array(np.unravel_index(g, shape))
    ranges = [range(max(at[a] - 1, 0), min(at[a] + 2, shape[a])) for a in range(len(shape))]
    window = np.array([np.ravel_multi_index(idx, shape)
                       for idx in itertools.product(*ranges)])
    offsets = np.array(np.unravel_index(window, shape)).T - at
    design = np.column_stack([np.ones(len(window)), offsets[:, varied]])
    return window, np.linalg.pinv(design), varied


def _smoother(levels: dict[str, np.ndarray], smooth: bool) -> sparse.csr_array:
    """The (points x points) operator that smooths grid means: each point's value on the
    plane fitted to it and its neighbours, or the identity."""
    n = math.prod(len(v) for v in levels.values())
    if not smooth:
        return sparse.identity(n, format="csr")
    rows, cols, weights = [], [], []
    for g in range(n):
        window, operator, _ = _window(levels, g)
        rows += [g] * len(window)
        cols += window.tolist()
        weights += operator[0].tolist()
    return sparse.csr_array((weights, (rows, cols)), shape=(n, n))


def _apply(smoother: sparse.csr_array, means: np.ndarray) -> np.ndarray:
    """Smooth ``means`` along its last axis (grid points)."""
    flat = means.reshape(-1, means.shape[-1])
    return np.asarray((smoother @ flat.T).T).reshape(means.shape)


def fit(runs: pd.DataFrame, spec: CalibrationSpec) -> CalibrationResult:
    """Fit ``spec`` to the rows of a sweep (one per run: ``sub``, ``replication``,
    ``param.<factor>``, the outcomes): means and CIs per grid point and band, the loss
    and its argmin, the sensitivity of the fit and the contrast. Pure: no files, no
    runs."""
    series = [(t.sub, str(t.outcome)) for t in spec.targets]
    c = spec.contrast
    if c is not None:
        series += [(c.numerator, c.outcome), (c.denominator, c.outcome)]
    levels, all_series = _outcome_cube(runs, spec, series)
    n_targets = len(spec.targets)
    cube = all_series[:n_targets]  # (bands, points, replications)
    n_series, n_points, n_reps = all_series.shape
    means = np.empty((n_series, n_points))
    lows, highs = np.empty_like(means), np.empty_like(means)
    for k, (_, outcome) in enumerate(series):
        means[k], lows[k], highs[k] = mean_ci_columns(all_series[k].T,
                                                      bounds=BOUNDS[outcome])
    smoother = _smoother(levels, spec.smooth)
    smoothed = _apply(smoother, means)
    loss = _loss(spec, smoothed[:n_targets])
    inside = np.all([t.inside(smoothed[k]) for k, t in enumerate(spec.targets)], axis=0)
    best = int(np.argmin(loss))
    fitted = _point(levels, best)

    boot_best, boot, boot_raw = _bootstrap(spec, levels, all_series, smoother, best)
    share = (np.bincount(boot_best, minlength=n_points) / len(boot_best)
             if len(boot_best) else np.full(n_points, np.nan))
    contrast = (contrast_result(c, means[n_targets:], smoothed[n_targets:], inside, best,
                                None if boot_raw is None else boot_raw[n_targets:], share)
                if c is not None else None)

    labels = spec.labels
    index = np.unravel_index(np.arange(n_points), tuple(len(v) for v in levels.values()))
    table = pd.DataFrame({f: levels[f][i] for f, i in zip(spec.factors, index, strict=True)})
    for k, label in enumerate(labels):
        table[f"{label} mean"] = means[k]
        table[f"{label} low"] = lows[k]
        table[f"{label} high"] = highs[k]
        table[f"{label} smoothed"] = smoothed[k]
    table["loss"] = loss
    table["inside"] = inside.astype(bool)
    table["bootstrap_share"] = share
    if c is not None:
        table["contrast ratio"] = ratios(smoothed[-2], smoothed[-1])
        table["contrast beats"] = beats(c, smoothed[-2], smoothed[-1])

    fit_at = {label: {"sub": t.sub, "outcome": t.outcome,
                      "target": t.target, "low": t.low, "high": t.high,
                      "mean": float(means[k, best]),
                      "ci95": [float(lows[k, best]), float(highs[k, best])],
                      "smoothed": float(smoothed[k, best]),
                      "inside": bool(t.inside(means[k, best])),
                      "ci_inside": bool(t.inside(lows[k, best]) and t.inside(highs[k, best]))}
              for k, (label, t) in enumerate(zip(labels, spec.targets, strict=True))}

    accepted = np.flatnonzero(inside)
    points = [_point(levels, g) for g in accepted]
    sensitivity = {
        "inside": {
            "points": len(accepted), "of": n_points,
            "ranges": {f: [min(p[f] for p in points), max(p[f] for p in points)]
                       for f in spec.factors} if points else None,
        },
        "bootstrap": boot,
        "slopes": _slopes(spec, levels, cube, best),
        "edge": [f for f, v in fitted.items()
                 if len(levels[f]) > 1 and v in (levels[f][0], levels[f][-1])
                 and v not in (PARAMETERS[f].low, PARAMETERS[f].high)],
        "bound": [f for f, v in fitted.items()
                  if len(levels[f]) > 1 and v in (PARAMETERS[f].low, PARAMETERS[f].high)],
    }
    if n_targets == 2 and len(spec.outcomes) == 1:
        ratio = means[0] / np.where(means[1] > 0, means[1], np.nan)
        sensitivity["ratio"] = {"of": [t.sub for t in spec.targets],
                                "min": _finite(np.nanmin(ratio)),
                                "max": _finite(np.nanmax(ratio))}
    result = CalibrationResult(spec=spec, fitted=fitted, loss=float(loss[best]), fit=fit_at,
                               table=table, sensitivity=sensitivity, replications=n_reps,
                               contrast=contrast)
    return replace(result, text=console_text(result))


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _bootstrap(spec: CalibrationSpec, levels: dict[str, np.ndarray], cube: np.ndarray,
               smoother: sparse.csr_array, best: int
               ) -> tuple[np.ndarray, dict[str, Any], np.ndarray | None]:
    """Refit on resampled replications: the same resampled replications at every grid
    point and series (bands first, then any others), so common random numbers are kept.
    Returns each resample's chosen point, the summary, and the raw resampled means
    (series, resamples, points)."""
    n_series, n_points, n_reps = cube.shape
    n_targets = len(spec.targets)
    if spec.bootstrap == 0:
        return np.array([], int), {"resamples": 0}, None
    rng = np.random.default_rng(spec.seed)
    draws = rng.integers(0, n_reps, size=(spec.bootstrap, n_reps))
    weights = np.zeros((spec.bootstrap, n_reps))
    np.add.at(weights, (np.arange(spec.bootstrap)[:, None], draws), 1.0)
    raw = np.einsum("kgr,br->kbg", cube, weights) / n_reps
    means = _apply(smoother, raw[:n_targets])
    loss = _loss(spec, means)  # (resamples, points)
    winners = np.argmin(loss, axis=1)
    inside = np.all([t.inside(raw[k, :, best]) for k, t in enumerate(spec.targets)],
                    axis=0)
    counts = np.bincount(winners, minlength=n_points)
    order = np.argsort(-counts, kind="stable")
    ranges = {}
    for f in spec.factors:
        values = np.array([_point(levels, g)[f] for g in winners])
        lo, hi = np.quantile(values, [0.05, 0.95], method="inverted_cdf")
        ranges[f] = [float(lo), float(hi)]
    return winners, {
        "resamples": spec.bootstrap, "seed": spec.seed,
        "fitted_share": float(counts[best] / spec.bootstrap),
        "fitted_inside_share": float(inside.mean()),
        "ranges": ranges,
        "best": [{"point": _point(levels, int(g)), "share": float(counts[g] / spec.bootstrap)}
                 for g in order if counts[g]],
    }, raw


def _slopes(spec: CalibrationSpec, levels: dict[str, np.ndarray], cube: np.ndarray,
            best: int) -> dict[str, Any]:
    """Change of each band's mean per grid step of each factor at the fitted point:
    the slopes of the plane fitted to the point and its neighbours. The plane is linear
    in the runs, so fitting it to each replication gives paired (common random number)
    slopes, whose spread gives the standard error."""
    window, operator, varied = _window(levels, best)
    at = np.unravel_index(best, tuple(len(v) for v in levels.values()))
    out: dict[str, Any] = {f: None for f in spec.factors}
    for j, axis in enumerate(varied, start=1):
        f = spec.factors[axis]
        values = levels[f]
        i = int(at[axis])
        lo, hi = max(i - 1, 0), min(i + 1, len(values) - 1)
        step = float(values[hi] - values[lo]) / (hi - lo)
        per_step = {}
        for k, (label, t) in enumerate(zip(spec.labels, spec.targets, strict=True)):
            slopes = operator[j] @ cube[k, window]  # one per replication
            se = float(slopes.std(ddof=1) / math.sqrt(slopes.size)) if slopes.size > 1 \
                else 0.0
            change = float(slopes.mean())
            per_step[label] = {"change": change, "se": se, "per_unit": change / step,
                               "per_band": change / ((t.high - t.low) / 2)}
        out[f] = {"step": step, "from": float(values[lo]), "to": float(values[hi]),
                  "per_step": per_step}
    return out


# --- the command -------------------------------------------------------------------------
def write(result: CalibrationResult, out: str | os.PathLike[str]) -> CalibrationResult:
    """Write ``calibration.json``, ``calibration.md`` and ``calibration.png`` into
    ``out``; returns the result with ``files`` and the console ``text`` updated."""
    out = Path(out)
    files = {
        "json": write_text(out / "calibration.json",
                           json.dumps(result.summary(), indent=1) + "\n"),
        "markdown": write_text(out / "calibration.md", markdown(result)),
        "figure": save_figure(calibration_figure(result), out / "calibration.png"),
    }
    done = replace(result, files=files)
    return replace(done, text=console_text(done))


def calibrate(experiment: Experiment, out: str | os.PathLike[str],
              workers: int | None = None, scheduler: str | None = None,
              progress: bool = True) -> CalibrationResult:
    """Validate the calibration, run its grid as a sweep into ``out`` (resumable), fit,
    and write the report files there."""
    from .sweep import sweep

    spec = calibration_spec(experiment)
    runs = sweep(experiment, out, workers=workers, scheduler=scheduler,
                 progress=progress).runs
    return write(fit(runs, spec), out)


__all__ = ["LOSS_TEXT", "CalibrationResult", "CalibrationSpec", "ExperimentError",
           "TargetBand", "calibrate", "calibration_figure", "calibration_spec", "console_text",
           "fit", "markdown", "write"]
