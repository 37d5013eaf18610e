"""What a calibration fits and what it finds: the target bands, the specification read
from an experiment file's ``[calibrate]`` and ``[targets]`` tables, and the result type.
The procedure is :mod:`mobilization.experiments.calibrate`; its report and figure are
:mod:`~mobilization.experiments.calibration_report` and
:mod:`~mobilization.experiments.calibration_figure`."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..village.outcomes import BOUNDS, OUTCOMES
from ..village.parameters import PARAMETERS
from .experiment import Experiment, ExperimentError, Locator

LOSS_TEXT = ("sum over targets of ((m - target) / (edge - target))^2, m the target's mean "
             "(smoothed if smooth), edge the band's edge on m's side")

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
    loc = Locator(text or "", experiment.path)
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


def _target(loc: Locator, sub: str, band: Any, outcome: str) -> TargetBand:
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

def _point(levels: dict[str, np.ndarray], g: int) -> dict[str, float]:
    index = np.unravel_index(g, tuple(len(v) for v in levels.values()))
    return {f: float(v[i]) for (f, v), i in zip(levels.items(), index, strict=True)}


def _point_text(point: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in point.items())
