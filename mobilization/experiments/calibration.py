"""What a calibration fits and what it finds: the target bands, the specification read
from an experiment file's ``[calibrate]`` and ``[targets]`` tables, and the result type.
The procedure is :mod:`mobilization.experiments.calibrate`; its report and figure are
:mod:`~mobilization.experiments.calibration_report` and
:mod:`~mobilization.experiments.calibration_figure`."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..village.outcomes import BOUNDS, OUTCOMES
from ..village.parameters import PARAMETERS
from .experiment import Experiment, ExperimentError, Locator

LOSS_TEXT = ("sum over bands of ((m - target) / (edge - target))^2, m the band's mean "
             "(smoothed if smooth), edge the band's edge on m's side; 0 beyond a target "
             "that sits on its band's edge")

CALIBRATE_KEYS = {"outcome", "bootstrap", "smooth", "contrast"}
TARGET_KEYS = {"outcome", "target", "low", "high"}
CONTRAST_KEYS = {"outcome", "numerator", "denominator", "ratio"}
DEFAULT_BOOTSTRAP = 200


@dataclass(frozen=True)
class TargetBand:
    """The mean ``outcome`` of sub-experiment ``sub`` should be ``target``, within
    ``[low, high]``. ``outcome`` None means the calibration's ``[calibrate] outcome``.

    A target on an edge of its band (``target == high``, a quota filled) makes the band
    one-sided: beyond the target on that side costs nothing and counts as inside."""

    sub: str
    target: float
    low: float
    high: float
    outcome: str | None = None

    def term(self, mean: Any) -> Any:
        """Squared distance of ``mean`` from the target, in units of the band on that
        side: at most 1 exactly when ``mean`` is in the band (0 on a side of no width)."""
        mean = np.asarray(mean, float)
        scale = np.where(mean >= self.target, self.high - self.target,
                         self.target - self.low)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = ((mean - self.target) / scale) ** 2
        return np.where(scale > 0, term, 0.0)

    def inside(self, mean: Any) -> Any:
        mean = np.asarray(mean, float)
        above = mean >= self.low if self.target > self.low else np.ones(mean.shape, bool)
        below = mean <= self.high if self.target < self.high else np.ones(mean.shape, bool)
        return above & below


@dataclass(frozen=True)
class Contrast:
    """Report (never fit) whether sub ``numerator`` beats ``denominator`` on ``outcome``
    by at least ``ratio`` times, at the fitted point and over the fitted region."""

    outcome: str
    numerator: str
    denominator: str
    ratio: float


@dataclass(frozen=True)
class CalibrationSpec:
    """What a calibration fits (grid factors) to what (bands, each on one sub-experiment
    and one outcome). Bands without an outcome get ``outcome``."""

    factors: tuple[str, ...]
    targets: tuple[TargetBand, ...]
    outcome: str | None = "recruitment_rate"
    bootstrap: int = DEFAULT_BOOTSTRAP
    smooth: bool = True
    seed: int = 0
    name: str = "calibrate"
    source: str | None = None
    weeks: int | None = None
    contrast: Contrast | None = None

    def __post_init__(self) -> None:
        if any(t.outcome is None for t in self.targets) and self.outcome is None:
            raise ValueError("a band names no outcome and the calibration has none")
        object.__setattr__(self, "targets", tuple(
            t if t.outcome is not None else replace(t, outcome=self.outcome)
            for t in self.targets))
        keys = [(t.sub, t.outcome) for t in self.targets]
        if len(set(keys)) != len(keys):
            raise ValueError("two bands on the same sub-experiment and outcome")

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The outcomes the bands are on, in order of first appearance."""
        return tuple(dict.fromkeys(str(t.outcome) for t in self.targets))

    @property
    def labels(self) -> tuple[str, ...]:
        """One name per band: the sub-experiment when every band is on one outcome (as
        in a single-outcome file), else ``"<sub>: <outcome>"``."""
        if len(self.outcomes) == 1:
            return tuple(t.sub for t in self.targets)
        return tuple(f"{t.sub}: {t.outcome}" for t in self.targets)


@dataclass
class CalibrationResult:
    """Fitted values, the fit at them, the grid table and the sensitivity of the fit.

    ``table`` has one row per grid point: the factors, each band's mean, 95% CI and
    smoothed mean (``<label> mean``, ``<label> low``, ``<label> high``, ``<label>
    smoothed``, labels from :attr:`CalibrationSpec.labels`), the ``loss``, ``inside``
    (every smoothed mean in its band), ``bootstrap_share`` (share of resamples in which
    the point is best) and, with a contrast, ``contrast ratio`` and ``contrast beats``.
    ``fit`` holds, per band label, the mean, CI and smoothed mean at the fitted point and
    whether the mean is in the band; ``contrast`` the contrast's results (or None).
    """

    spec: CalibrationSpec
    fitted: dict[str, float]
    loss: float
    fit: dict[str, dict[str, Any]]
    table: pd.DataFrame
    sensitivity: dict[str, Any]
    replications: int
    contrast: dict[str, Any] | None = None
    text: str = ""
    files: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Everything as JSON-ready data (``calibration.json``)."""
        s = self.spec
        return {
            "name": s.name, "source": s.source, "weeks": s.weeks, "seed": s.seed,
            "replications": self.replications, "outcomes": list(s.outcomes),
            "factors": list(s.factors),
            "targets": [{"label": label, "sub": t.sub, "outcome": t.outcome,
                         "target": t.target, "low": t.low, "high": t.high}
                        for label, t in zip(s.labels, s.targets, strict=True)],
            "smooth": s.smooth, "loss": LOSS_TEXT,
            "fitted": self.fitted, "fitted_loss": self.loss, "fit": self.fit,
            "contrast": self.contrast, "sensitivity": self.sensitivity,
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
    outcome = cal.get("outcome")
    if "outcome" in cal and outcome not in OUTCOMES:
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
    contrast = (_contrast(loc, cal["contrast"], outcome, experiment.subs)
                if "contrast" in cal else None)

    if "targets" not in experiment.tables:
        raise loc.error("a calibration needs a [targets] table: a {target, low, high} (or "
                        "a list of them, each naming its outcome) per sub-experiment")
    raw_targets = experiment.tables["targets"]
    if not experiment.subs:
        raise loc.error("a calibration needs one [[sub]] per target", "targets")
    targets: list[TargetBand] = []
    for sub, entry in raw_targets.items():
        if sub not in experiment.subs:
            raise loc.error(f"{sub!r} is not a sub-experiment (they are: "
                            f"{', '.join(map(repr, experiment.subs))})", "targets", sub)
        if isinstance(entry, list) and not entry:
            raise loc.error("an empty list of bands", "targets", sub)
        bands = entry if isinstance(entry, list) else [entry]
        for k, band in enumerate(bands):
            which = f"band {k + 1}: " if isinstance(entry, list) else ""
            t = _target(loc, sub, band, outcome, which)
            if any((u.sub, u.outcome) == (t.sub, t.outcome) for u in targets):
                raise loc.error(f"{which}a second band on {t.outcome}", "targets", sub)
            targets.append(t)
    sides = {contrast.numerator, contrast.denominator} if contrast else set()
    missing = [s for s in experiment.subs if s not in raw_targets and s not in sides]
    if missing:
        raise loc.error(f"sub-experiment {missing[0]!r} has no target (a sub-experiment "
                        "without a band is allowed only as a side of the [calibrate] "
                        "contrast)", "targets")
    if not targets:
        raise loc.error("a calibration needs at least one band", "targets")
    order = {s: i for i, s in enumerate(experiment.subs)}
    targets.sort(key=lambda t: order[t.sub])  # stable: a sub's bands keep their order
    return CalibrationSpec(
        factors=tuple(experiment.factors), targets=tuple(targets), outcome=outcome,
        bootstrap=bootstrap, smooth=smooth, seed=experiment.seed, name=experiment.name,
        source=str(experiment.path) if experiment.path else None, weeks=experiment.weeks,
        contrast=contrast)


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _target(loc: Locator, sub: str, band: Any, default: str | None,
            which: str) -> TargetBand:
    """One band of ``[targets]``; ``which`` names its place in a list (for errors)."""
    if not isinstance(band, dict):
        raise loc.error(f"{which}must be {{target = ..., low = ..., high = ...}} or a "
                        "list of them, each with an outcome", "targets", sub)
    for key in band:
        if key not in TARGET_KEYS:
            raise loc.error(f"{which}unknown key {key!r} (allowed: outcome, target, low, "
                            "high)", "targets", sub)
    outcome = band.get("outcome", default)
    if outcome is None:
        raise loc.error(f"{which}names no outcome and [calibrate] has no outcome",
                        "targets", sub)
    if outcome not in OUTCOMES:
        raise loc.error(f"{which}{outcome!r} is not an outcome (see docs/ODD.md, section "
                        "8)", "targets", sub)
    values = [band.get(k) for k in ("target", "low", "high")]
    if not all(_number(x) for x in values):
        raise loc.error(f"{which}needs numbers target, low and high", "targets", sub)
    target, low, high = (float(x) for x in values)
    if not (low <= target <= high and low < high):
        raise loc.error(f"{which}the target must lie inside its band, low < target < high "
                        f"(or on one edge: low == target or target == high); got "
                        f"target={target:g}, low={low:g}, high={high:g}", "targets", sub)
    lo_b, hi_b = BOUNDS[outcome]
    if low < lo_b or (hi_b is not None and high > hi_b):
        raise loc.error(f"{which}the band must lie within the range of {outcome} "
                        f"([{lo_b:g}, {'inf' if hi_b is None else f'{hi_b:g}'}])",
                        "targets", sub)
    return TargetBand(sub, target, low, high, outcome)


def _contrast(loc: Locator, raw: Any, default: str | None, subs: Any) -> Contrast:
    """``[calibrate] contrast``: two sub-experiments, an outcome and a ratio."""
    if not isinstance(raw, dict):
        raise loc.error("must be {outcome = ..., numerator = ..., denominator = ..., "
                        "ratio = ...}", "calibrate", "contrast")
    for key in raw:
        if key not in CONTRAST_KEYS:
            raise loc.error(f"unknown key {key!r} (allowed: "
                            f"{', '.join(sorted(CONTRAST_KEYS))})", "calibrate", "contrast")
    outcome = raw.get("outcome", default)
    if outcome not in OUTCOMES:
        raise loc.error(f"needs an outcome (see docs/ODD.md, section 8); got {outcome!r}",
                        "calibrate", "contrast")
    sides = [raw.get("numerator"), raw.get("denominator")]
    for side in sides:
        if side not in subs:
            raise loc.error(f"numerator and denominator must be sub-experiments (they are: "
                            f"{', '.join(map(repr, subs))}); got {side!r}", "calibrate",
                            "contrast")
    if sides[0] == sides[1]:
        raise loc.error("numerator and denominator must differ", "calibrate", "contrast")
    ratio = raw.get("ratio")
    if not _number(ratio) or ratio <= 0:
        raise loc.error(f"ratio must be a number > 0; got {ratio!r}", "calibrate",
                        "contrast")
    return Contrast(str(outcome), str(sides[0]), str(sides[1]), float(ratio))


# --- the fit -----------------------------------------------------------------------------

def _point(levels: dict[str, np.ndarray], g: int) -> dict[str, float]:
    index = np.unravel_index(g, tuple(len(v) for v in levels.values()))
    return {f: float(v[i]) for (f, v), i in zip(levels.items(), index, strict=True)}


def _point_text(point: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in point.items())
