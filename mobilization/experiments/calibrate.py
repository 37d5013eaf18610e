"""Calibration: fit the parameters without empirical basis to the targets, visibly.

``mobilize calibrate FILE`` runs the grid of an experiment file as a sweep (resumable) and
chooses the grid point whose mean outcomes come closest to the file's ``[targets]``. The
model never sees the targets: they live in the experiment file and in this module only.
The shape of the file, besides a grid design::

    [[sub]]                # one sub-experiment per target; every grid point runs under each
    name = "welfare-first"
    fixed = {branch_method = "welfare-first"}

    [calibrate]
    outcome = "recruitment_rate"   # the outcome the targets are about
    bootstrap = 200                # resamples of the replications (0: none)
    smooth = true                  # smooth the grid means before the loss (default)

    [targets]              # one per sub-experiment: the target and its band
    "welfare-first" = {target = 0.13, low = 0.12, high = 0.14}

Only parameters marked ``calibrated`` in :data:`mobilization.village.parameters.PARAMETERS` may be
grid factors, the grid must use common random numbers (replication r of every point and
sub-experiment runs on one seed), and every target shares each candidate value.

Each target's mean at a grid point is smoothed (``smooth = true``): replaced by the value
there of the least-squares plane through the point and its grid neighbours. Common random
numbers already remove the noise all points share; the plane averages away most of the
noise of each point's own replications, which otherwise decides between neighbouring
points whose true means differ by less than it.

The loss of a grid point is the sum over targets of the squared distance of the
(smoothed) mean from the target in units of the band on that side:
``((m - target) / (high - target))^2`` above the target, ``((target - m) / (target -
low))^2`` below. A term is at most 1 exactly when ``m`` lies in the band, so targets
weigh by the precision the source states, not by their size (a relative loss would
count 0.5 points off 1.5% as much as 4.3 points off 13%). The fitted values are the grid
point of least loss.

How sensitive the fit is: (a) the points whose means all lie in their bands and the range
of each parameter over them; (b) a bootstrap over replications (the same resampled
replications at every point, keeping common random numbers): how often each point is
best, and the 5-95% range of each fitted value; (c) local slopes, the change of each
target's mean per grid step of each parameter at the fitted point (the neighbourhood
plane's slopes), with standard errors from the paired, per-replication slopes.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from scipy import sparse

from ..village.outcomes import BOUNDS, COUNTS, OUTCOMES
from ..village.parameters import PARAMETERS
from .experiment import Experiment, ExperimentError, _Locator
from .files import write_text
from .plots import _new_figure, save_figure
from .stats import mean_ci_columns
from .store import param_column

CALIBRATE_KEYS = {"outcome", "bootstrap", "smooth"}
TARGET_KEYS = {"target", "low", "high"}
DEFAULT_BOOTSTRAP = 200


@dataclass(frozen=True)
class TargetBand:
    """The mean outcome of sub-experiment ``sub`` should be ``target``, within
    ``[low, high]``."""

    sub: str
    target: float
    low: float
    high: float

    def term(self, mean: Any) -> Any:
        """Squared distance of ``mean`` from the target, in units of the band on that
        side: at most 1 exactly when ``mean`` is in the band."""
        mean = np.asarray(mean, float)
        scale = np.where(mean >= self.target, self.high - self.target,
                         self.target - self.low)
        return ((mean - self.target) / scale) ** 2

    def inside(self, mean: Any) -> Any:
        mean = np.asarray(mean, float)
        return (mean >= self.low) & (mean <= self.high)


@dataclass(frozen=True)
class CalibrationSpec:
    """What a calibration fits (grid factors) to what (one band per sub-experiment)."""

    factors: tuple[str, ...]
    targets: tuple[TargetBand, ...]
    outcome: str = "recruitment_rate"
    bootstrap: int = DEFAULT_BOOTSTRAP
    smooth: bool = True
    seed: int = 0
    name: str = "calibrate"
    source: str | None = None
    weeks: int | None = None


@dataclass
class CalibrationResult:
    """Fitted values, the fit at them, the grid table and the sensitivity of the fit.

    ``table`` has one row per grid point: the factors, each target's mean, 95% CI and
    smoothed mean (``<sub> mean``, ``<sub> low``, ``<sub> high``, ``<sub> smoothed``), the
    ``loss``, ``inside`` (every smoothed mean in its band) and ``bootstrap_share`` (share
    of resamples in which the point is best). ``fit`` holds, per target, the mean, CI
    and smoothed mean at the fitted point and whether the mean is in the band.
    """

    spec: CalibrationSpec
    fitted: dict[str, float]
    loss: float
    fit: dict[str, dict[str, Any]]
    table: pd.DataFrame
    sensitivity: dict[str, Any]
    replications: int
    text: str = ""
    files: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Everything as JSON-ready data (``calibration.json``)."""
        s = self.spec
        return {
            "name": s.name, "source": s.source, "weeks": s.weeks, "seed": s.seed,
            "replications": self.replications, "outcome": s.outcome,
            "factors": list(s.factors),
            "targets": {t.sub: {"target": t.target, "low": t.low, "high": t.high}
                        for t in s.targets},
            "smooth": s.smooth, "loss": LOSS_TEXT,
            "fitted": self.fitted, "fitted_loss": self.loss, "fit": self.fit,
            "sensitivity": self.sensitivity,
            "table": json.loads(self.table.to_json(orient="records")),
        }


# --- the specification -------------------------------------------------------------------
def calibration_spec(experiment: Experiment, text: str | None = None) -> CalibrationSpec:
    """Validate the calibration parts of an experiment; raises :class:`ExperimentError`
    naming the file and line. ``text`` is the file's text (read from
    ``experiment.path`` if not given), used only to find lines."""
    if text is None and experiment.path is not None:
        try:
            text = experiment.path.read_text(encoding="utf-8")
        except OSError:
            text = None
    loc = _Locator(text or "", experiment.path)
    raw = tomllib.loads(text) if text else {}
    if experiment.model != "village":
        raise ExperimentError(f"{loc.where}: calibration fits the village model; this is a "
                              f"{experiment.model} experiment")

    if experiment.design != "grid":
        raise loc.error("a calibration needs a [grid] design, not a sampled one", "sample")
    if experiment.seeding != "common":
        raise loc.error('a calibration needs seeding = "common", so that every candidate '
                        "value meets the same villages", "experiment", "seeding")
    if experiment.replications < 2:
        raise loc.error("a calibration needs at least 2 replications",
                        "experiment", "replications")
    if not experiment.factors:
        raise loc.error("a calibration needs a [grid] of the parameters to fit", "grid")
    for k, sub in enumerate(raw.get("sub", [])):
        if isinstance(sub, dict) and sub.get("grid"):
            raise loc.error("a calibration's grid is shared by every target: put it in the "
                            "top-level [grid]", "sub.grid", None, k)
    for name in experiment.factors:
        p = PARAMETERS[name]
        if p.basis != "calibrated":
            raise loc.error(f"{name} has an empirical basis ({p.basis}); only parameters "
                            "marked calibrated are fitted (`mobilize params`)", "grid", name)

    cal = experiment.tables.get("calibrate", {})
    for key in cal:
        if key not in CALIBRATE_KEYS:
            raise loc.error(f"unknown key (allowed: {', '.join(sorted(CALIBRATE_KEYS))})",
                            "calibrate", key)
    if "calibrate" not in experiment.tables:
        raise loc.error("a calibration needs a [calibrate] table (outcome)")
    outcome = cal.get("outcome")
    if outcome not in OUTCOMES:
        raise loc.error(f"must be an outcome (see docs/ODD.md, section 8); got {outcome!r}",
                        "calibrate", "outcome")
    bootstrap = cal.get("bootstrap", DEFAULT_BOOTSTRAP)
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) \
            or not 0 <= bootstrap <= 100_000:
        raise loc.error(f"must be a whole number in [0, 100000]; got {bootstrap!r}",
                        "calibrate", "bootstrap")

    smooth = cal.get("smooth", True)
    if not isinstance(smooth, bool):
        raise loc.error(f"must be true or false; got {smooth!r}", "calibrate", "smooth")

    if "targets" not in experiment.tables:
        raise loc.error("a calibration needs a [targets] table: one {target, low, high} "
                        "per sub-experiment")
    raw_targets = experiment.tables["targets"]
    if not experiment.subs:
        raise loc.error("a calibration needs one [[sub]] per target", "targets")
    targets = []
    for sub, band in raw_targets.items():
        if sub not in experiment.subs:
            raise loc.error(f"{sub!r} is not a sub-experiment (they are: "
                            f"{', '.join(map(repr, experiment.subs))})", "targets", sub)
        targets.append(_target(loc, sub, band, outcome))
    missing = [s for s in experiment.subs if s not in raw_targets]
    if missing:
        raise loc.error(f"sub-experiment {missing[0]!r} has no target", "targets")
    order = {s: i for i, s in enumerate(experiment.subs)}
    targets.sort(key=lambda t: order[t.sub])
    return CalibrationSpec(
        factors=tuple(experiment.factors), targets=tuple(targets), outcome=outcome,
        bootstrap=bootstrap, smooth=smooth, seed=experiment.seed, name=experiment.name,
        source=str(experiment.path) if experiment.path else None, weeks=experiment.weeks)


def _target(loc: _Locator, sub: str, band: Any, outcome: str) -> TargetBand:
    if not isinstance(band, dict):
        raise loc.error("must be {target = ..., low = ..., high = ...}", "targets", sub)
    for key in band:
        if key not in TARGET_KEYS:
            raise loc.error(f"unknown key {key!r} (allowed: target, low, high)", "targets",
                            sub)
    values = [band.get(k) for k in ("target", "low", "high")]
    if not all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
               for x in values):
        raise loc.error("needs numbers target, low and high", "targets", sub)
    target, low, high = (float(x) for x in values)
    if not low < target < high:
        raise loc.error(f"the target must lie inside its band, low < target < high; got "
                        f"target={target:g}, low={low:g}, high={high:g}", "targets", sub)
    lo_b, hi_b = BOUNDS[outcome]
    if low < lo_b or (hi_b is not None and high > hi_b):
        raise loc.error(f"the band must lie within the range of {outcome}", "targets", sub)
    return TargetBand(sub, target, low, high)


# --- the fit -----------------------------------------------------------------------------
def _outcome_cube(runs: pd.DataFrame, spec: CalibrationSpec
                  ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The grid levels of each factor and the outcome as an array
    (target, grid point, replication), grid points in C order of the levels."""
    if "status" in runs:
        failed = runs[runs["status"] != "ok"]
        if len(failed):
            raise ValueError(f"{len(failed)} runs failed (first: {failed['error'].iloc[0]}); "
                             "a calibration needs every run")
    columns = [param_column(f) for f in spec.factors]
    subs = {t.sub for t in spec.targets}
    runs = runs[runs["sub"].isin(subs)]
    levels = {f: np.unique(runs[c].to_numpy(float)) for f, c in zip(spec.factors, columns,
                                                                     strict=True)}
    reps = np.unique(runs["replication"].to_numpy())
    shape = tuple(len(v) for v in levels.values())
    n_points, n_reps = math.prod(shape), len(reps)
    cube = np.full((len(spec.targets), n_points, n_reps), np.nan)
    for k, t in enumerate(spec.targets):
        sub = runs[runs["sub"] == t.sub]
        if sub.empty:
            raise ValueError(f"no runs of sub-experiment {t.sub!r}")
        index = tuple(np.searchsorted(levels[f], sub[c].to_numpy(float))
                      for f, c in zip(spec.factors, columns, strict=True))
        g = np.ravel_multi_index(index, shape)
        r = np.searchsorted(reps, sub["replication"].to_numpy())
        if len(set(zip(g.tolist(), r.tolist(), strict=True))) != len(sub):
            raise ValueError(f"sub-experiment {t.sub!r} has a grid point and replication "
                             "twice")
        cube[k, g, r] = sub[spec.outcome].to_numpy(float)
    missing = np.isnan(cube)
    if missing.any():
        k, g, r = (int(a[0]) for a in np.nonzero(missing))
        raise ValueError(f"{int(missing.sum())} runs are missing, e.g. replication "
                         f"{reps[r]} of {spec.targets[k].sub!r} at "
                         f"{_point_text(_point(levels, g))}; the grid must be complete")
    return levels, cube


def _point(levels: dict[str, np.ndarray], g: int) -> dict[str, float]:
    index = np.unravel_index(g, tuple(len(v) for v in levels.values()))
    return {f: float(v[i]) for (f, v), i in zip(levels.items(), index, strict=True)}


def _point_text(point: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in point.items())


def _loss(spec: CalibrationSpec, means: np.ndarray) -> np.ndarray:
    """Loss of every grid point from the target means (target first axis)."""
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
    ``param.<factor>``, the outcome): means and CIs per grid point, the loss and its
    argmin, and the sensitivity of the fit. Pure: no files, no runs."""
    levels, cube = _outcome_cube(runs, spec)
    n_targets, n_points, n_reps = cube.shape
    bounds = BOUNDS[spec.outcome]
    means = np.empty((n_targets, n_points))
    lows, highs = np.empty_like(means), np.empty_like(means)
    for k in range(n_targets):
        means[k], lows[k], highs[k] = mean_ci_columns(cube[k].T, bounds=bounds)
    smoother = _smoother(levels, spec.smooth)
    smoothed = _apply(smoother, means)
    loss = _loss(spec, smoothed)
    inside = np.all([t.inside(smoothed[k]) for k, t in enumerate(spec.targets)], axis=0)
    best = int(np.argmin(loss))
    fitted = _point(levels, best)

    boot_best, boot = _bootstrap(spec, levels, cube, smoother, best)
    share = (np.bincount(boot_best, minlength=n_points) / len(boot_best)
             if len(boot_best) else np.full(n_points, np.nan))

    rows = []
    for g in range(n_points):
        row: dict[str, Any] = dict(_point(levels, g))
        for k, t in enumerate(spec.targets):
            row[f"{t.sub} mean"] = means[k, g]
            row[f"{t.sub} low"] = lows[k, g]
            row[f"{t.sub} high"] = highs[k, g]
            row[f"{t.sub} smoothed"] = smoothed[k, g]
        row["loss"] = loss[g]
        row["inside"] = bool(inside[g])
        row["bootstrap_share"] = share[g]
        rows.append(row)
    table = pd.DataFrame(rows)

    fit_at = {t.sub: {"target": t.target, "low": t.low, "high": t.high,
                      "mean": float(means[k, best]),
                      "ci95": [float(lows[k, best]), float(highs[k, best])],
                      "smoothed": float(smoothed[k, best]),
                      "inside": bool(t.inside(means[k, best])),
                      "ci_inside": bool(t.inside(lows[k, best]) and t.inside(highs[k, best]))}
              for k, t in enumerate(spec.targets)}

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
                 if len(levels[f]) > 1 and v in (levels[f][0], levels[f][-1])],
    }
    if n_targets == 2:
        ratio = means[0] / np.where(means[1] > 0, means[1], np.nan)
        sensitivity["ratio"] = {"of": [t.sub for t in spec.targets],
                                "min": _finite(np.nanmin(ratio)),
                                "max": _finite(np.nanmax(ratio))}
    result = CalibrationResult(spec=spec, fitted=fitted, loss=float(loss[best]), fit=fit_at,
                               table=table, sensitivity=sensitivity, replications=n_reps)
    return replace(result, text=console_text(result))


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _bootstrap(spec: CalibrationSpec, levels: dict[str, np.ndarray], cube: np.ndarray,
               smoother: sparse.csr_array, best: int) -> tuple[np.ndarray, dict[str, Any]]:
    """Refit on resampled replications: the same resampled replications at every grid
    point and target, so common random numbers are kept."""
    n_targets, n_points, n_reps = cube.shape
    if spec.bootstrap == 0:
        return np.array([], int), {"resamples": 0}
    rng = np.random.default_rng(spec.seed)
    draws = rng.integers(0, n_reps, size=(spec.bootstrap, n_reps))
    weights = np.zeros((spec.bootstrap, n_reps))
    np.add.at(weights, (np.arange(spec.bootstrap)[:, None], draws), 1.0)
    raw = np.einsum("kgr,br->kbg", cube, weights) / n_reps
    means = _apply(smoother, raw)
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
    }


def _slopes(spec: CalibrationSpec, levels: dict[str, np.ndarray], cube: np.ndarray,
            best: int) -> dict[str, Any]:
    """Change of each target's mean per grid step of each factor at the fitted point:
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
        for k, t in enumerate(spec.targets):
            slopes = operator[j] @ cube[k, window]  # one per replication
            se = float(slopes.std(ddof=1) / math.sqrt(slopes.size)) if slopes.size > 1 \
                else 0.0
            change = float(slopes.mean())
            per_step[t.sub] = {"change": change, "se": se, "per_unit": change / step,
                               "per_band": change / ((t.high - t.low) / 2)}
        out[f] = {"step": step, "from": float(values[lo]), "to": float(values[hi]),
                  "per_step": per_step}
    return out


# --- reports -----------------------------------------------------------------------------
LOSS_TEXT = ("sum over targets of ((m - target) / (edge - target))^2, m the target's mean "
             "(smoothed if smooth), edge the band's edge on m's side")


def _share_outcome(spec: CalibrationSpec) -> bool:
    return spec.outcome not in COUNTS


def _v(spec: CalibrationSpec, x: float | None) -> str:
    """An outcome value: percent for shares, else 4 significant digits."""
    if x is None or not np.isfinite(x):
        return "-"
    if _share_outcome(spec):
        return f"{100 * x:.2f}%"
    return f"{x:.4g}"


def _dv(spec: CalibrationSpec, x: float, sign: bool = True) -> str:
    """A change of an outcome: percentage points for shares."""
    fmt = "+" if sign else ""
    if _share_outcome(spec):
        return f"{round(100 * x, 2) + 0.0:{fmt}.2f} pp"  # + 0.0: no "-0.00"
    return f"{x:{fmt}.4g}"


def _ranges(ranges: dict[str, list[float]]) -> str:
    return ", ".join(f"{f} {lo:g}" + (f" to {hi:g}" if hi != lo else "")
                     for f, (lo, hi) in ranges.items())


def _sensitivity_lines(result: CalibrationResult) -> list[str]:
    s, spec = result.sensitivity, result.spec
    ins = s["inside"]
    mean = "smoothed mean" if spec.smooth else "mean"
    lines = []
    if ins["ranges"]:
        lines.append(f"every {mean} inside its band at {ins['points']} of {ins['of']} grid "
                     f"points; over them {_ranges(ins['ranges'])}")
    else:
        lines.append(f"no grid point puts every {mean} inside its band ({ins['of']} points)")
    b = s["bootstrap"]
    if b["resamples"]:
        lines.append(f"bootstrap ({b['resamples']} resamples of the replications, seed "
                     f"{b['seed']}): the fitted point is best in {b['fitted_share']:.0%} of "
                     f"resamples and its means are all in their bands in "
                     f"{b['fitted_inside_share']:.0%}; 5-95% of the refitted values: "
                     f"{_ranges(b['ranges'])}")
    for f, slope in s["slopes"].items():
        if slope is None:
            continue
        changes = ", ".join(f"{sub} {_dv(spec, d['change'])} (se {_dv(spec, d['se'], False)})"
                            for sub, d in slope["per_step"].items())
        lines.append(f"a step of {slope['step']:g} in {f} (plane through "
                     f"{slope['from']:g} to {slope['to']:g}): {changes}")
    if s["edge"]:
        lines.append("WARNING: the fitted value of " + ", ".join(s["edge"]) + " is at the "
                     "edge of its grid; widen the grid")
    return lines


def _fit_line(spec: CalibrationSpec, f: dict[str, Any]) -> str:
    smoothed = f" (smoothed {_v(spec, f['smoothed'])})" if spec.smooth else ""
    return (f"{_v(spec, f['mean'])} [{_v(spec, f['ci95'][0])}, {_v(spec, f['ci95'][1])}]"
            f"{smoothed}, target {_v(spec, f['target'])} in [{_v(spec, f['low'])}, "
            f"{_v(spec, f['high'])}]: {'inside' if f['inside'] else 'OUTSIDE'}")


def console_text(result: CalibrationResult) -> str:
    """The short report printed by ``mobilize calibrate``."""
    spec = result.spec
    lines = [
        f"{spec.name}: {len(spec.factors)} parameter(s) over {len(result.table)} grid points "
        f"x {len(spec.targets)} targets x {result.replications} replications "
        f"({spec.outcome}, {spec.weeks} weeks, seed {spec.seed})",
        "fitted: " + ", ".join(f"{k} = {v:g}" for k, v in result.fitted.items())
        + f" (loss {result.loss:.3g})",
        "fit, mean [95% CI] at the fitted point:",
        *(f"  {sub}: {_fit_line(spec, f)}" for sub, f in result.fit.items()),
        "sensitivity:",
        *(f"  {line}" for line in _sensitivity_lines(result)),
    ]
    if result.files:
        lines.append("Wrote " + ", ".join(str(p) for p in result.files.values()))
    return "\n".join(lines)


def markdown(result: CalibrationResult) -> str:
    """The full report (``calibration.md``): procedure, fitted values, fit, sensitivity
    and every grid point."""
    spec, s = result.spec, result.sensitivity
    command = (f"`uv run mobilize calibrate {spec.source}`" if spec.source
               else "`mobilization.experiments.calibrate.fit`")
    subs = [t.sub for t in spec.targets]
    factors = ", ".join(f"`{f}`" for f in spec.factors)
    defaults = {f: PARAMETERS[f].default for f in spec.factors}
    differ = {f: v for f, v in result.fitted.items()
              if not math.isclose(defaults[f], v, rel_tol=1e-9)}
    smoothing = (
        "Each target's mean at a grid point is first smoothed: it is replaced by the value "
        "at that point of the plane fitted (least squares) to the means of the point and "
        "its neighbours, one grid step away along each parameter. With common random "
        "numbers the noise shared by all points does not move the argmin, but the noise "
        "of each point's own replications does; the plane averages it over up to "
        f"{3 ** len(spec.factors)} points and, the surface being close to linear over a "
        "step, costs little bias. " if spec.smooth else "")
    out = [
        f"# Calibration: {spec.name}",
        "",
        f"Produced by {command}. "
        + (f"The defaults of {factors} in `mobilization/parameters.py` are the fitted "
           "values of this report." if not differ else
           "The defaults in `mobilization/parameters.py` differ from the fitted values: "
           + ", ".join(f"`{f}` default {defaults[f]:g}, fitted {v:g}"
                       for f, v in differ.items()) + "."),
        "",
        "## Procedure",
        "",
        f"{factors} have no empirical basis (basis `calibrated` in `mobilize params`). "
        f"Every point of the grid below is run under each of the sub-experiments "
        f"{', '.join(f'`{x}`' for x in subs)}, so all targets share each candidate value, "
        f"with {result.replications} replications per point and sub-experiment, "
        f"{spec.weeks} weeks, seed {spec.seed} and common random numbers (replication r "
        f"of every point and sub-experiment runs on one seed). The targets are on the mean "
        f"`{spec.outcome}`:",
        "",
        "| sub-experiment | target | band |",
        "|---|---:|---:|",
        *(f"| {t.sub} | {_v(spec, t.target)} | [{_v(spec, t.low)}, {_v(spec, t.high)}] |"
          for t in spec.targets),
        "",
        smoothing + "The loss of a grid point is the sum over targets of "
        "`((m - target) / (edge - target))^2`, `m` the target's "
        + ("smoothed " if spec.smooth else "") + "mean and `edge` the band's edge on its "
        "side: a term is at most 1 exactly when `m` lies in the band, so each target "
        "weighs by the precision the source states rather than by its size. The fitted "
        "values are the grid point of least loss. The model never reads the targets; "
        "only this procedure does.",
        "",
        "## Fitted values and fit",
        "",
        "| parameter | fitted | grid |",
        "|---|---:|---|",
    ]
    for f, v in result.fitted.items():
        values = np.unique(result.table[f])
        grid = (f"{values[0]:g} to {values[-1]:g}, {len(values)} values" if len(values) > 1
                else f"{values[0]:g}")
        out.append(f"| `{f}` | {v:g} | {grid} |")
    out += ["", f"Loss at the fitted point: {result.loss:.3g}. Its own "
            f"{result.replications} replications give:", "",
            "| sub-experiment | mean | 95% CI | "
            + ("smoothed | " if spec.smooth else "") + "band | mean in band |",
            "|---|---:|---:|" + ("---:|" if spec.smooth else "") + "---:|---|"]
    for sub, f in result.fit.items():
        out.append(f"| {sub} | {_v(spec, f['mean'])} | [{_v(spec, f['ci95'][0])}, "
                   f"{_v(spec, f['ci95'][1])}] | "
                   + (f"{_v(spec, f['smoothed'])} | " if spec.smooth else "")
                   + f"[{_v(spec, f['low'])}, {_v(spec, f['high'])}] | "
                   f"{'yes' if f['inside'] else 'NO'} |")
    out += ["", "## How sensitive the fit is", "",
            *(f"* {line}" for line in _sensitivity_lines(result))]
    b = s["bootstrap"]
    if b["resamples"]:
        out += ["", "Grid points chosen by the bootstrap:", "",
                "| " + " | ".join(spec.factors) + " | share of resamples |",
                "|" + "---:|" * (len(spec.factors) + 1)]
        for entry in b["best"][:10]:
            out.append("| " + " | ".join(f"{entry['point'][f]:g}" for f in spec.factors)
                       + f" | {entry['share']:.1%} |")
    out += ["", "## Reading", "", *_reading(result), "",
            "## Every grid point", "",
            f"Means over {result.replications} replications"
            + (" (and smoothed means, which the loss uses)" if spec.smooth else "")
            + "; `*` marks points whose " + ("smoothed " if spec.smooth else "")
            + "means all lie in their bands, **bold** the fitted point.", ""]
    columns = [*spec.factors]
    for sub in subs:
        columns += [sub] + ([f"{sub} smoothed"] if spec.smooth else [])
    out += ["| " + " | ".join(columns) + " | loss | |",
            "|" + "---:|" * (len(columns) + 1) + "---|"]
    best_row = result.table["loss"].idxmin()
    for i, row in result.table.iterrows():
        cells = [f"{row[f]:g}" for f in spec.factors]
        for sub in subs:
            cells.append(_v(spec, row[f"{sub} mean"]))
            if spec.smooth:
                cells.append(_v(spec, row[f"{sub} smoothed"]))
        cells.append(f"{row['loss']:.3g}")
        if i == best_row:
            cells = [f"**{c}**" for c in cells]
        out.append("| " + " | ".join(cells) + f" | {'*' if row['inside'] else ''} |")
    return "\n".join(out) + "\n"


def _reading(result: CalibrationResult) -> list[str]:
    """Plain sentences drawn from the numbers: which parameter moves which target, and
    how far the fit can be trusted."""
    spec, s = result.spec, result.sensitivity
    lines = []
    slopes = {f: v for f, v in s["slopes"].items() if v is not None}
    mains = {}
    for f, slope in slopes.items():
        # Compared in band half-widths per step: the units in which the loss sees them.
        moves = sorted(slope["per_step"].items(), key=lambda kv: -abs(kv[1]["per_band"]))
        mains[f] = moves[0][0]
        parts = [f"`{sub}` {_dv(spec, d['change'])} ({d['per_band']:+.2f} half-bands)"
                 for sub, d in moves]
        lines.append(f"A step of {slope['step']:g} in `{f}` moves " + ", ".join(parts)
                     + ".")
    if len(slopes) >= 2 and len(spec.targets) >= 2:
        if len(set(mains.values())) == len(mains):
            lines.append("Each parameter moves a different target most (in units of its "
                         "band), so the targets identify the values separately; a "
                         "parameter's effect on the other target is traded off in the "
                         "fit.")
        else:
            lines.append("Several parameters move the same target most: the targets "
                         "identify them only jointly, and the fit trades them off.")
    b = s["bootstrap"]
    if b["resamples"]:
        lines.append(
            f"Over resampled replications the fitted point stays best in "
            f"{b['fitted_share']:.0%} of resamples and its means stay in their bands in "
            f"{b['fitted_inside_share']:.0%}; 90% of the refitted values lie within "
            f"{_ranges(b['ranges'])}. That range, not a single grid step, is the precision "
            f"of the calibration with {result.replications} replications; neighbouring "
            "grid points inside it fit the targets equally well.")
    ratio = s.get("ratio")
    if ratio and ratio["min"] is not None:
        a, c = ratio["of"]
        lines.append(f"At every grid point `{a}` gives {ratio['min']:.3g} to "
                     f"{ratio['max']:.3g} times the mean of `{c}`: the gap between them "
                     "is not a product of the fit.")
    if s["edge"]:
        lines.append("The fitted value of " + ", ".join(f"`{f}`" for f in s["edge"])
                     + " lies on the edge of the grid; the grid does not bracket the "
                       "optimum.")
    return [" ".join(lines)] if lines else []


# --- the figure --------------------------------------------------------------------------
def calibration_figure(result: CalibrationResult) -> Figure:
    """Each target's mean over the grid with its band and the fitted point, and the loss.

    Two factors: heat maps of the means with the band's edges as contours (of the
    smoothed means the loss uses), the fitted point as a star, the bootstrap's choices as
    circles. One factor: lines with 95% bands. More: the 2-D slice through the fitted
    point over the first two factors.
    """
    spec, table = result.spec, result.table
    if len(spec.factors) == 1:
        return _figure_1d(result)
    fx, fy = spec.factors[:2]
    sl = table
    for f in spec.factors[2:]:
        sl = sl[sl[f] == result.fitted[f]]
    xs, ys = np.unique(sl[fx]), np.unique(sl[fy])
    grid = sl.set_index([fy, fx])

    def matrix(column: str) -> np.ndarray:
        return grid[column].unstack(fx).reindex(index=ys, columns=xs).to_numpy(float)

    n = len(spec.targets) + 1
    fig = _new_figure(4.6 * n, 4.4)
    axes = np.atleast_1d(fig.subplots(1, n))
    edges_x, edges_y = _edges(xs), _edges(ys)
    share = matrix("bootstrap_share")
    for ax, t in zip(axes, spec.targets, strict=False):
        m = matrix(f"{t.sub} mean")
        lo, hi = np.nanmin(m), np.nanmax(m)
        vmin, vmax = min(lo, t.low), max(hi, t.high)
        norm = TwoSlopeNorm(vcenter=t.target, vmin=min(vmin, t.target - 1e-12),
                            vmax=max(vmax, t.target + 1e-12))
        mesh = ax.pcolormesh(edges_x, edges_y, m, cmap="RdBu_r", norm=norm)
        cbar = fig.colorbar(mesh, ax=ax, shrink=0.85)
        if _share_outcome(spec):
            cbar.ax.yaxis.set_major_formatter(lambda v, _pos: f"{100 * v:.1f}%")
        for level in (t.low, t.high):
            cbar.ax.axhline(level, color="black", linewidth=1.2)
        if len(xs) > 1 and len(ys) > 1:
            cs = ax.contour(xs, ys, matrix(f"{t.sub} smoothed"), levels=[t.low, t.high],
                            colors="black", linewidths=1.4)
            ax.clabel(cs, fmt=lambda v: _v(spec, v), fontsize=7)
        _mark(ax, result, fx, fy, share)
        ax.set_title(f"{t.sub}: mean {spec.outcome}\nband "
                     f"[{_v(spec, t.low)}, {_v(spec, t.high)}]: black lines", fontsize=10)
    ax = axes[-1]
    loss = matrix("loss")
    positive = loss[loss > 0]
    floor = positive.min() if positive.size else 1e-3
    mesh = ax.pcolormesh(edges_x, edges_y, np.maximum(loss, floor), cmap="viridis_r",
                         norm=LogNorm(vmin=floor, vmax=max(loss.max(), floor * 10)))
    fig.colorbar(mesh, ax=ax, shrink=0.85, label="loss (log scale)")
    inside = matrix("inside").astype(bool)
    iy, ix = np.nonzero(inside)
    ax.scatter(xs[ix], ys[iy], marker="s", s=60, facecolors="none", edgecolors="white",
               linewidths=1.0, label="every mean in its band")
    _mark(ax, result, fx, fy, share)
    ax.set_title("loss (log scale)", fontsize=10)
    for ax in axes:
        ax.set_xlabel(fx)
        ax.set_ylabel(fy)
    handles = [
        Line2D([], [], marker="*", markersize=13, color="gold", markeredgecolor="black",
               linestyle="none", label="fitted"),
        Line2D([], [], marker="o", markersize=9, markerfacecolor="none",
               markeredgecolor="gold", linestyle="none",
               label="best in a bootstrap resample (area: share)"),
        Line2D([], [], marker="s", markersize=7, markerfacecolor="none",
               markeredgecolor="grey", linestyle="none",
               label=("smoothed means" if spec.smooth else "means")
               + " all in their bands (loss panel)"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False,
               fontsize=9)
    title = (f"Calibration '{spec.name}': mean of {result.replications} replications per "
             "grid point and sub-experiment")
    if len(spec.factors) > 2:
        title += " (slice through " + _point_text(
            {f: result.fitted[f] for f in spec.factors[2:]}) + ")"
    fig.suptitle(title, fontsize=11)
    return fig


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges around grid values (midpoints; half a step beyond the ends)."""
    if len(values) == 1:
        half = abs(values[0]) * 0.05 or 0.5
        return np.array([values[0] - half, values[0] + half])
    mids = (values[1:] + values[:-1]) / 2
    return np.concatenate([[2 * values[0] - mids[0]], mids, [2 * values[-1] - mids[-1]]])


def _mark(ax: Any, result: CalibrationResult, fx: str, fy: str, share: np.ndarray) -> None:
    table = result.table
    xs, ys = np.unique(table[fx]), np.unique(table[fy])
    if np.isfinite(share).any():
        iy, ix = np.nonzero(share > 0)
        ax.scatter(xs[ix], ys[iy], s=400 * share[iy, ix], facecolors="none",
                   edgecolors="gold", linewidths=1.3)
    ax.scatter([result.fitted[fx]], [result.fitted[fy]], marker="*", s=220,
               color="gold", edgecolors="black", linewidths=0.8, zorder=5, label="fitted")


def _figure_1d(result: CalibrationResult) -> Figure:
    spec, table = result.spec, result.table
    f = spec.factors[0]
    x = table[f].to_numpy(float)
    n = len(spec.targets) + 1
    fig = _new_figure(4.4 * n, 3.8)
    axes = np.atleast_1d(fig.subplots(1, n))
    for ax, t in zip(axes, spec.targets, strict=False):
        ax.fill_between(x, table[f"{t.sub} low"], table[f"{t.sub} high"], alpha=0.3,
                        color="#2c3e50", linewidth=0, label="95% CI")
        ax.plot(x, table[f"{t.sub} mean"], color="#2c3e50", marker="o", markersize=3,
                label="mean")
        if spec.smooth:
            ax.plot(x, table[f"{t.sub} smoothed"], color="#2c3e50", linestyle=":",
                    label="smoothed")
        ax.axhspan(t.low, t.high, color="#c0392b", alpha=0.15, label="band")
        ax.axhline(t.target, color="#c0392b", linewidth=1)
        if _share_outcome(spec):
            ax.yaxis.set_major_formatter(lambda v, _pos: f"{100 * v:.1f}%")
        ax.set_title(f"{t.sub}: mean {spec.outcome}", fontsize=10)
        ax.legend(fontsize=7, frameon=False)
    axes[-1].plot(x, table["loss"], color="#2c3e50", marker="o", markersize=3)
    axes[-1].set_yscale("log")
    axes[-1].set_title("loss (log scale)", fontsize=10)
    for ax in axes:
        ax.axvline(result.fitted[f], color="goldenrod", linestyle="--", label="fitted")
        ax.set_xlabel(f)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Calibration '{spec.name}': {result.replications} replications per "
                 "point; dashed: fitted", fontsize=11)
    return fig


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


__all__ = ["CalibrationResult", "CalibrationSpec", "ExperimentError", "TargetBand",
           "calibrate", "calibration_figure", "calibration_spec", "fit", "markdown", "write"]
