"""The calibration's report: the short text ``mobilize calibrate`` prints and the full
``calibration.md`` (procedure, fitted values, fit, sensitivity, a plain reading of the
numbers and every grid point), both written from a :class:`CalibrationResult`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..village.outcomes import COUNTS
from ..village.parameters import PARAMETERS
from .calibration import CalibrationResult, CalibrationSpec


def _share_outcome(outcome: str | None) -> bool:
    return outcome not in COUNTS


def _v(outcome: str | None, x: float | None) -> str:
    """A value of ``outcome``: percent for shares, else 4 significant digits."""
    if x is None or not np.isfinite(x):
        return "-"
    if _share_outcome(outcome):
        return f"{100 * x:.2f}%"
    return f"{x:.4g}"


def _dv(outcome: str | None, x: float, sign: bool = True) -> str:
    """A change of ``outcome``: percentage points for shares."""
    fmt = "+" if sign else ""
    if _share_outcome(outcome):
        return f"{round(100 * x, 2) + 0.0:{fmt}.2f} pp"  # + 0.0: no "-0.00"
    return f"{x:{fmt}.4g}"


def _ranges(ranges: dict[str, list[float]]) -> str:
    return ", ".join(f"{f} {lo:g}" + (f" to {hi:g}" if hi != lo else "")
                     for f, (lo, hi) in ranges.items())


def _outcome_of(spec: CalibrationSpec) -> dict[str, str | None]:
    """Each band label's outcome."""
    return dict(zip(spec.labels, (t.outcome for t in spec.targets), strict=True))


def _sensitivity_lines(result: CalibrationResult) -> list[str]:
    s, spec = result.sensitivity, result.spec
    outcome = _outcome_of(spec)
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
        changes = ", ".join(f"{b} {_dv(outcome[b], d['change'])} "
                            f"(se {_dv(outcome[b], d['se'], False)})"
                            for b, d in slope["per_step"].items())
        lines.append(f"a step of {slope['step']:g} in {f} (plane through "
                     f"{slope['from']:g} to {slope['to']:g}): {changes}")
    if s["edge"]:
        lines.append("WARNING: the fitted value of " + ", ".join(s["edge"]) + " is at the "
                     "edge of its grid; widen the grid")
    if s.get("bound"):
        lines.append("NOTE: the fitted value of " + ", ".join(s["bound"]) + " is at the end "
                     "of its allowed range: the bands are best met there or beyond it")
    return lines


def _fit_line(spec: CalibrationSpec, f: dict[str, Any]) -> str:
    o = f["outcome"]
    smoothed = f" (smoothed {_v(o, f['smoothed'])})" if spec.smooth else ""
    return (f"{_v(o, f['mean'])} [{_v(o, f['ci95'][0])}, {_v(o, f['ci95'][1])}]"
            f"{smoothed}, target {_v(o, f['target'])} in [{_v(o, f['low'])}, "
            f"{_v(o, f['high'])}]: {'inside' if f['inside'] else 'OUTSIDE'}")


def _contrast_lines(result: CalibrationResult) -> list[str]:
    """The contrast at the fitted point and over the fitted region (none without one)."""
    c = result.contrast
    if c is None:
        return []
    o, at = c["outcome"], c["at_fitted"]
    # An interval's end is None only where resamples divide by a zero mean: infinite.
    ci = (" [" + ", ".join(_x(np.inf if e is None else e) for e in at["ci95"])
          + "] (bootstrap 95%)" if at["ci95"] else "")
    region, mean = c["region"], "smoothed means" if result.spec.smooth else "means"
    lines = [f"at the fitted point {c['numerator']} {_v(o, at['numerator'])} / "
             f"{c['denominator']} {_v(o, at['denominator'])} = {_x(at['value'])}{ci} "
             f"({o})"]
    if region["points"]:
        lines.append(f"{c['numerator']} beats {c['denominator']} by at least "
                     f"{c['ratio']:g}x at {region['share']:.0%} of the fitted region "
                     f"({region['beating']} of {region['points']} grid points whose "
                     f"{mean} lie in every band; tested on the same {mean})")
    else:
        lines.append("no fitted region (no grid point has every mean in its band), so no "
                     "share of it")
    if c["bootstrap_share"] is not None:
        lines.append(f"weighted by how often the bootstrap refits choose each point: "
                     f"{c['bootstrap_share']:.0%}")
    lines.append(f"over the whole grid: {c['grid']['beating']} of {c['grid']['points']} "
                 "points")
    return lines


def _x(r: float | None) -> str:
    """A ratio ("inf" over a zero mean, "-" for none)."""
    if r is None or np.isnan(r):
        return "-"
    return "inf" if np.isinf(r) else f"{r:.3g}x"


def _n_subs(spec: CalibrationSpec) -> int:
    """Sub-experiments run: those with bands and the contrast's sides."""
    subs = {t.sub for t in spec.targets}
    if spec.contrast is not None:
        subs |= {spec.contrast.numerator, spec.contrast.denominator}
    return len(subs)


def console_text(result: CalibrationResult) -> str:
    """The short report printed by ``mobilize calibrate``."""
    spec = result.spec
    lines = [
        f"{spec.name}: {len(spec.factors)} parameter(s) over {len(result.table)} grid points "
        f"x {_n_subs(spec)} sub-experiments, {len(spec.targets)} bands "
        f"x {result.replications} replications ({', '.join(spec.outcomes)}, {spec.weeks} "
        f"weeks, seed {spec.seed})",
        "fitted: " + ", ".join(f"{k} = {v:g}" for k, v in result.fitted.items())
        + f" (loss {result.loss:.3g})",
        "fit, mean [95% CI] at the fitted point:",
        *(f"  {label}: {_fit_line(spec, f)}" for label, f in result.fit.items()),
    ]
    if result.contrast is not None:
        lines += ["contrast:", *(f"  {line}" for line in _contrast_lines(result))]
    lines += ["sensitivity:", *(f"  {line}" for line in _sensitivity_lines(result))]
    if result.files:
        lines.append("Wrote " + ", ".join(str(p) for p in result.files.values()))
    return "\n".join(lines)


def markdown(result: CalibrationResult) -> str:
    """The full report (``calibration.md``): procedure, fitted values, fit, sensitivity
    and every grid point."""
    spec, s = result.spec, result.sensitivity
    command = (f"`uv run mobilize calibrate {spec.source}`" if spec.source
               else "`mobilization.experiments.calibrate.fit`")
    sides = [spec.contrast.numerator, spec.contrast.denominator] if spec.contrast else []
    subs = list(dict.fromkeys([*(t.sub for t in spec.targets), *sides]))
    labels = spec.labels
    outcomes = ", ".join(f"`{o}`" for o in spec.outcomes)
    factors = ", ".join(f"`{f}`" for f in spec.factors)
    defaults = {f: PARAMETERS[f].default for f in spec.factors}
    differ = {f: v for f, v in result.fitted.items()
              if not math.isclose(defaults[f], v, rel_tol=1e-9)}
    smoothing = (
        "Each target's mean at a grid point is first smoothed: it is replaced by the value "
        "at that point of the plane fitted (least squares) to the means of the point and "
        "its neighbours, one grid step away along each parameter. Common random numbers "
        "make the differences between points precise, but the noise the points share "
        "(the luck of the seeds) shifts every mean alike, and with it the fitted point "
        "against a target on the level of an outcome: only more replications shrink it, "
        "and the bootstrap below measures it. The noise of each point's own replications "
        "the plane averages over up to "
        f"{3 ** len(spec.factors)} points and, the surface being close to linear over a "
        "step, at little bias. " if spec.smooth else "")
    out = [
        f"# Calibration: {spec.name}",
        "",
        f"Produced by {command}. "
        + (f"The defaults of {factors} in `mobilization/village/parameters.py` are the "
           "fitted values of this report." if not differ else
           "The defaults in `mobilization/village/parameters.py` differ from the fitted "
           "values: "
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
        f"{outcomes}:",
        "",
        "| sub-experiment | outcome | target | band |",
        "|---|---|---:|---:|",
        *(f"| {t.sub} | `{t.outcome}` | {_v(t.outcome, t.target)} | "
          f"[{_v(t.outcome, t.low)}, {_v(t.outcome, t.high)}] |" for t in spec.targets),
        "",
        smoothing + "The loss of a grid point is the sum over bands of "
        "`((m - target) / (edge - target))^2`, `m` the band's "
        + ("smoothed " if spec.smooth else "") + "mean and `edge` the band's edge on its "
        "side: a term is at most 1 exactly when `m` lies in the band, so each band "
        "weighs by the precision the source states rather than by its size"
        + ("; a target on its band's edge costs nothing beyond it" if any(
            t.target in (t.low, t.high) for t in spec.targets) else "") + ". The fitted "
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
            "| sub-experiment | outcome | mean | 95% CI | "
            + ("smoothed | " if spec.smooth else "") + "band | mean in band |",
            "|---|---|---:|---:|" + ("---:|" if spec.smooth else "") + "---:|---|"]
    for f in result.fit.values():
        o = f["outcome"]
        out.append(f"| {f['sub']} | `{o}` | {_v(o, f['mean'])} | [{_v(o, f['ci95'][0])}, "
                   f"{_v(o, f['ci95'][1])}] | "
                   + (f"{_v(o, f['smoothed'])} | " if spec.smooth else "")
                   + f"[{_v(o, f['low'])}, {_v(o, f['high'])}] | "
                   f"{'yes' if f['inside'] else 'NO'} |")
    c = result.contrast
    if c is not None:
        out += ["", f"## Contrast: {c['numerator']} against {c['denominator']}", "",
                f"Reported, not fitted: the ratio of the mean `{c['outcome']}` of "
                f"`{c['numerator']}` to that of `{c['denominator']}`. The fitted region is "
                "the grid points whose " + ("smoothed " if spec.smooth else "")
                + "means lie inside every band; a point beats the ratio when the "
                "numerator's mean is at least the ratio times the denominator's (the same "
                "means). The share over the region counts each point the bands allow once "
                "and is the headline; the share weighted by the bootstrap refits' choices "
                "says how the contrast stands where the fit most likely is.", "",
                *(f"* {line}" for line in _contrast_lines(result))]
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
            + "means all lie in their bands, **bold** the fitted point"
            + (f"; ratio: the {'smoothed ' if spec.smooth else ''}mean `{c['outcome']}` of "
               f"`{c['numerator']}` over `{c['denominator']}`, which the contrast tests"
               if c is not None else "") + ".", ""]
    columns = [*spec.factors]
    for label in labels:
        columns += [label] + ([f"{label} smoothed"] if spec.smooth else [])
    if c is not None:
        columns.append("ratio" + (" (smoothed)" if spec.smooth else ""))
    out += ["| " + " | ".join(columns) + " | loss | |",
            "|" + "---:|" * (len(columns) + 1) + "---|"]
    best_row = result.table["loss"].idxmin()
    outcome = _outcome_of(spec)
    for i, row in result.table.iterrows():
        cells = [f"{row[f]:g}" for f in spec.factors]
        for label in labels:
            cells.append(_v(outcome[label], row[f"{label} mean"]))
            if spec.smooth:
                cells.append(_v(outcome[label], row[f"{label} smoothed"]))
        if c is not None:
            cells.append(_x(row["contrast ratio"]))
        cells.append(f"{row['loss']:.3g}")
        if i == best_row:
            cells = [f"**{c}**" for c in cells]
        out.append("| " + " | ".join(cells) + f" | {'*' if row['inside'] else ''} |")
    return "\n".join(out) + "\n"


def _reading(result: CalibrationResult) -> list[str]:
    """Plain sentences drawn from the numbers: which parameter moves which target, and
    how far the fit can be trusted."""
    spec, s = result.spec, result.sensitivity
    outcome = _outcome_of(spec)
    lines = []
    slopes = {f: v for f, v in s["slopes"].items() if v is not None}
    mains = {}
    for f, slope in slopes.items():
        # Compared in band half-widths per step: the units in which the loss sees them.
        moves = sorted(slope["per_step"].items(), key=lambda kv: -abs(kv[1]["per_band"]))
        mains[f] = moves[0][0]
        parts = [f"`{b}` {_dv(outcome[b], d['change'])} ({d['per_band']:+.2f} half-bands)"
                 for b, d in moves]
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
    if s.get("bound"):
        lines.append("The fitted value of " + ", ".join(f"`{f}`" for f in s["bound"])
                     + " lies at the end of its allowed range: the bands are best met "
                       "there or beyond it, which the model cannot go.")
    return [" ".join(lines)] if lines else []
