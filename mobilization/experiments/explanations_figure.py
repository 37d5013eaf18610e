"""The explanations figure: channels switched on and off, crossed with both branch methods.

A design is a *factorial of switches* when it is a grid without sub-experiments whose
factors are ``branch_method`` (both methods) and one to four true/false parameters (each
both values), so every combination of the switches runs under both methods
(``experiments/explanations.toml``: threat x reform x organization, DESIGN section 1).
For such a design ``mobilize report`` also writes

* ``explanations.csv``: one row per combination, for each method the runs, the mean
  recruitment rate and its 95% Student-t CI (as ``summary.csv``) and the mean of every
  ``mobilized_<reason>_rate``; the ratio welfare-first / quota-only of the mean rates over
  the replications run under both, with a paired percentile-bootstrap 95% CI (replication
  r of both methods meets the same village under common random numbers, so a resample
  draws replications, each with both of its runs);
* ``explanations.png``: (A) the rate per combination, both methods side by side; (B) the
  ratio, on a log scale; (C) why those who left left: each reason's share of the rate;
* ``explanations_outcomes.png``: the report's key outcomes (organization, stance, trust,
  government, quotas, the gentry) the same way, from ``summary.csv``.

These take the place of the usual bars (``report.png``, ``report_outcomes.png``), which
cannot lay out one bar per design point of such a design legibly.

Combinations are ordered by how many switches are on, then by the grid's order of the
factors: none, each alone, each pair, ..., all.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullFormatter, PercentFormatter

from ..palette import METHOD_COLOURS, REASON_COLOURS
from ..village.dynamics import REASONS
from ..village.outcomes import BOUNDS, is_share
from .calibration_contrast import ratios
from .formatting import mean_ci_text
from .kinds import kind_of
from .plots import _new_figure
from .report_figures import KEY_OUTCOMES, _label, _plain
from .stats import mean_ci

FIGURE = "explanations.png"
OUTCOMES_FIGURE = "explanations_outcomes.png"
TABLE = "explanations.csv"
METHODS = ("welfare-first", "quota-only")
MAIN = "recruitment_rate"
MAX_SWITCHES = 4
"""More switches than this (over 16 combinations) get only the usual report."""
RESAMPLES = 2000
"""Bootstrap resamples of the replications for the ratio's interval."""

CY_VILLAGE = 0.13
CY_OTHERS = (0.01, 0.02)
"""Chen Yun (1939): the good village sent 13% of its people, "other places" less than
1-2%; drawn as reference marks, never fitted."""

REASON_LABELS = {
    "pressed": "pressed by quota assignment", "consciousness": "consciousness",
    "trust": "trust in the Party", "membership": "active membership",
    "example": "neighbours who left", "invader": "grievance against the invader",
    "family_care": "soldiers' families cared for"}


def switches(design: dict[str, Any]) -> list[str] | None:
    """The switches of a factorial of switches crossed with both methods, in the grid's
    order; ``None`` for any other design (see the module's docstring)."""
    parameters = kind_of(design.get("model")).parameters
    if design.get("design", "grid") != "grid" or design.get("subs"):
        return None
    factors = list(design.get("factors", []))
    names = [f for f in factors if f != "branch_method"]
    if "branch_method" not in factors or not 1 <= len(names) <= MAX_SWITCHES:
        return None
    if any(n not in parameters or parameters[n].kind is not bool for n in names):
        return None
    points = [p.get("params", {}) for p in design.get("points", [])]
    seen = {tuple(_plain(p.get(n)) for n in factors) for p in points}
    levels = [[False, True] if n != "branch_method" else list(METHODS) for n in factors]
    if seen != set(itertools.product(*levels)) or len(points) != len(seen):
        return None
    return names


def combinations(names: list[str]) -> list[tuple[bool, ...]]:
    """Every on/off combination of ``names``: none, each alone, each pair, ..., all."""
    out = []
    for k in range(len(names) + 1):
        for on in itertools.combinations(range(len(names)), k):
            out.append(tuple(i in on for i in range(len(names))))
    return out


def combination_label(names: list[str], values: tuple[bool, ...], sep: str = " + ") -> str:
    """``none``, ``threat``, ``threat + reform``, ..., ``all three``."""
    on = [n for n, v in zip(names, values, strict=True) if v]
    if not on:
        return "none"
    if len(on) == len(names) >= 3:
        return {3: "all three", 4: "all four"}[len(on)]
    return sep.join(on)


def ratio_ci(num: np.ndarray, den: np.ndarray, seed: Any, resamples: int = RESAMPLES,
             level: float = 0.95) -> tuple[float, float, float]:
    """``mean(num) / mean(den)`` of paired runs (``num[i]`` and ``den[i]`` share a
    replication) and its percentile-bootstrap interval, resampling the pairs with
    ``numpy.random.default_rng(seed)``. Infinite where the denominator is 0, NaN with
    fewer than two pairs or at 0 / 0."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    n = num.size
    if n == 0:
        return np.nan, np.nan, np.nan
    ratio = float(ratios(num.mean(), den.mean()))
    if n < 2:
        return ratio, np.nan, np.nan
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=resamples)
    boot = ratios(counts @ num / n, counts @ den / n)
    boot = boot[~np.isnan(boot)]
    if not boot.size:
        return ratio, np.nan, np.nan
    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")
    return ratio, float(low), float(high)


def _key(method: str) -> str:
    return method.replace("-", "_")


def _column(runs: pd.DataFrame, name: str) -> str:
    return f"param.{name}" if f"param.{name}" in runs else name


def explanations_table(runs: pd.DataFrame, design: dict[str, Any],
                       resamples: int = RESAMPLES) -> pd.DataFrame:
    """One row per combination of the switches (ordered as :func:`combinations`) from a
    store's ``runs`` (ok runs only): ``combination``, the switches, per method
    ``<method>_n``, ``_mean``, ``_ci_low``, ``_ci_high`` and ``<method>_<reason outcome>``
    (mean), then ``pairs`` (replications with an ok run under both methods), ``ratio``,
    ``ratio_ci_low``, ``ratio_ci_high``. Raises ``ValueError`` if ``design`` is not a
    factorial of switches."""
    names = switches(design)
    if names is None:
        raise ValueError("the design is not a factorial of switches crossed with both "
                         "branch methods")
    ok = runs[runs["status"] == "ok"]
    reasons = [f"mobilized_{r}_rate" for r in REASONS if f"mobilized_{r}_rate" in ok]
    seeds = np.random.SeedSequence(int(design.get("seed", 0))).spawn(2 ** len(names))
    rows = []
    for k, values in enumerate(combinations(names)):
        mask = np.ones(len(ok), bool)
        for name, value in zip(names, values, strict=True):
            mask &= ok[_column(ok, name)].astype(bool).to_numpy() == value
        row: dict[str, Any] = {"combination": combination_label(names, values),
                               **dict(zip(names, values, strict=True))}
        by_method = {}
        for method in METHODS:
            these = ok[mask & (ok[_column(ok, "branch_method")] == method).to_numpy()]
            these = these[np.isfinite(these[MAIN].to_numpy(float))]
            by_method[method] = these.set_index("replication")[MAIN]
            x = these[MAIN].to_numpy(float)
            mean, low, high = (mean_ci(x, bounds=BOUNDS[MAIN]) if x.size >= 2
                               else (float(x.mean()) if x.size else np.nan, np.nan, np.nan))
            key = _key(method)
            row |= {f"{key}_n": int(x.size), f"{key}_mean": mean, f"{key}_ci_low": low,
                    f"{key}_ci_high": high}
            row |= {f"{key}_{r}": float(these[r].mean()) if len(these) else np.nan
                    for r in reasons}
        pairs = by_method[METHODS[0]].index.intersection(by_method[METHODS[1]].index)
        ratio, low, high = ratio_ci(by_method[METHODS[0]].loc[pairs].to_numpy(),
                                    by_method[METHODS[1]].loc[pairs].to_numpy(),
                                    seeds[k], resamples)
        row |= {"pairs": len(pairs), "ratio": ratio, "ratio_ci_low": low,
                "ratio_ci_high": high}
        rows.append(row)
    return pd.DataFrame(rows)


def _horizon(weeks: Any) -> str:
    if weeks and int(weeks) % 52 == 0:
        years = int(weeks) // 52
        return {1: "one year", 2: "two years"}.get(years, f"{years} years")
    return f"{weeks} weeks"


OFFSETS = {METHODS[0]: -0.2, METHODS[1]: 0.2}
"""Where each method's bar stands beside its combination's tick."""


def _method_bars(ax: Axes, mean: np.ndarray, low: np.ndarray, high: np.ndarray,
                 method: str, text: Callable[[float], str]) -> None:
    """One method's bars over the combinations, with 95% CI error bars and values."""
    x = np.arange(len(mean)) + OFFSETS[method]
    err = np.abs(np.vstack([mean - low, high - mean]))
    ax.bar(x, mean, width=0.38, color=METHOD_COLOURS[method], yerr=np.nan_to_num(err),
           capsize=3, label=method, error_kw={"elinewidth": 1.0, "ecolor": "black"})
    for xi, m, hi in zip(x, mean, high, strict=True):
        if np.isfinite(m):
            ax.annotate(text(m), (xi, hi if np.isfinite(hi) else m), xytext=(0, 2),
                        textcoords="offset points", ha="center", fontsize=6.5)


def _separate(axes: list[Axes], names: list[str]) -> None:
    """Grid lines, and a line between none | alone | pairs | ... | all."""
    for ax in axes:
        ax.grid(axis="y", alpha=0.3)
        for k in range(1, len(names) + 1):
            edge = sum(math.comb(len(names), j) for j in range(k))
            ax.axvline(edge - 0.5, color="grey", linewidth=0.6, alpha=0.5)


def _labels(names: list[str]) -> list[str]:
    return [combination_label(names, v, sep="\n+ ") for v in combinations(names)]


def explanations_figure(table: pd.DataFrame, design: dict[str, Any]) -> Figure:
    """Panels A (rates), B (ratios) and C (why they left) of :func:`explanations_table`."""
    names = switches(design) or []
    reasons = [r for r in REASONS if f"welfare_first_mobilized_{r}_rate" in table]
    panels = 3 if reasons else 2
    fig = _new_figure(12.5, 3.3 * panels + 1.6)
    axes = fig.subplots(panels, 1, sharex=True,
                        gridspec_kw={"height_ratios": [1.25, 0.9, 1.1][:panels]})
    x = np.arange(len(table))

    ax = axes[0]
    for method in METHODS:
        _method_bars(ax, *(table[f"{_key(method)}_{s}"].to_numpy(float)
                           for s in ("mean", "ci_low", "ci_high")), method,
                     lambda m: f"{100 * m:.1f}")
    ax.axhline(CY_VILLAGE, color=METHOD_COLOURS[METHODS[0]], linestyle="--", linewidth=1)
    ax.axhspan(*CY_OTHERS, color=METHOD_COLOURS[METHODS[1]], alpha=0.15, linewidth=0)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_ylim(0, max(CY_VILLAGE, np.nanmax(table[[f"{_key(m)}_ci_high" for m in METHODS]]
                                             .to_numpy(float), initial=0.0)) * 1.15)
    ax.set_ylabel(f"recruitment rate at {_horizon(design.get('weeks'))}\n"
                  "(% of initial population)")
    ax.set_title("A. recruitment rate: mean and 95% CI per combination of channels",
                 loc="left", fontsize="medium")
    handles = [*(Patch(color=METHOD_COLOURS[m], label=m) for m in METHODS),
               Line2D([], [], color=METHOD_COLOURS[METHODS[0]], linestyle="--",
                      linewidth=1, label="Chen Yun's village: 13%"),
               Patch(color=METHOD_COLOURS[METHODS[1]], alpha=0.15,
                     label="other places: 1-2% (CY)")]
    ax.legend(handles=handles, frameon=False, fontsize="small", ncols=2, loc="upper left")

    ax = axes[1]
    ratio = table["ratio"].to_numpy(float)
    low, high = table["ratio_ci_low"].to_numpy(float), table["ratio_ci_high"].to_numpy(float)
    shown = np.isfinite(ratio) & (ratio > 0)
    ax.axhspan(CY_VILLAGE / CY_OTHERS[1], CY_VILLAGE / CY_OTHERS[0], color="grey",
               alpha=0.15, linewidth=0, label="13% against 1-2% (CY): 6.5-13x")
    ax.axhline(1.0, color="grey", linestyle=":", linewidth=1, label="no difference (1x)")
    with np.errstate(invalid="ignore"):  # inf - inf where quota-only recruited nobody
        err = np.vstack([ratio - low, high - ratio])[:, shown]
    ax.errorbar(x[shown], ratio[shown], yerr=np.where(np.isfinite(err), err, 0.0), fmt="o",
                color="black", capsize=4, markersize=5, label="ratio, 95% paired bootstrap CI")
    for xi, r, on in zip(x, ratio, shown, strict=True):
        if on:
            ax.annotate(f"{r:.2g}x", (xi, r), xytext=(8, 0), textcoords="offset points",
                        va="center", fontsize=7)
        else:  # 0, infinite or 0 / 0: off a log scale, said at its foot
            ax.annotate("n/a" if np.isnan(r) else "inf" if r > 0 else "0x", (xi, 0.04),
                        xycoords=ax.get_xaxis_transform(), ha="center", fontsize=7)
    ax.set_yscale("log")
    top = np.nanmax(np.where(np.isfinite(high), high, ratio)[shown], initial=13.0)
    bottom = np.nanmin(np.where(np.isfinite(low) & (low > 0), low, ratio)[shown], initial=1.0)
    ax.set_ylim(min(bottom, 1.0) / 1.5, max(top, CY_VILLAGE / CY_OTHERS[0]) * 1.5)
    ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128)
             if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:g}x")
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylabel("welfare-first / quota-only\n(ratio of mean rates, log scale)")
    ax.set_title("B. how many times welfare-first recruits quota-only, paired by "
                 "replication", loc="left", fontsize="medium")
    ax.legend(frameon=False, fontsize="small", loc="upper left", ncols=3)

    if reasons:
        ax = axes[2]
        for method in METHODS:
            key = _key(method)
            total = table[f"{key}_mean"].to_numpy(float)
            bottom_ = np.zeros(len(table))
            for r in reasons:
                with np.errstate(invalid="ignore", divide="ignore"):
                    share = np.where(total > 0, table[f"{key}_mobilized_{r}_rate"]
                                     .to_numpy(float) / total, 0.0)
                ax.bar(x + OFFSETS[method], share, width=0.38, bottom=bottom_,
                       color=REASON_COLOURS[r], edgecolor=METHOD_COLOURS[method],
                       linewidth=1.2)
                bottom_ += share
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        ax.set_ylim(0, 1.0)
        ax.set_ylabel("share of those who left,\nby reason (% of the rate)")
        ax.set_title("C. why they left: each bar is one method (left welfare-first, right "
                     "quota-only, outlined in its colour)", loc="left", fontsize="medium")
        ax.legend(handles=[Patch(facecolor=REASON_COLOURS[r], label=REASON_LABELS[r])
                           for r in reversed(reasons)], frameon=False, fontsize="small",
                  loc="center left", bbox_to_anchor=(1.0, 0.5))

    _separate(list(axes), names)
    axes[-1].set_xticks(x, _labels(names), fontsize="small")
    axes[-1].set_xlabel("channels switched on (" + ", ".join(names) + ")")
    fig.suptitle(f"{design.get('name', 'sweep')}: the channels alone and together under "
                 f"both branch methods\n{_caption(design)}", fontsize="medium")
    return fig


def _caption(design: dict[str, Any]) -> str:
    return (f"{design.get('replications')} replications per point with common random "
            f"numbers, {design.get('weeks')} weeks")


def outcomes_figure(summary: pd.DataFrame, design: dict[str, Any]) -> Figure:
    """The key outcomes of ``summary.csv`` (:data:`report_figures.KEY_OUTCOMES`) per
    combination, both methods side by side: mean and 95% CI."""
    names = switches(design) or []
    outcomes = [o for o in KEY_OUTCOMES if f"{o}_mean" in summary]
    fig = _new_figure(12.5, 2.1 * len(outcomes) + 1.4)
    axes = list(np.atleast_1d(fig.subplots(len(outcomes), 1, sharex=True)))
    rows = {(*(bool(r[n]) for n in names), r["branch_method"]): r
            for _, r in summary.iterrows()}
    for ax, outcome in zip(axes, outcomes, strict=True):
        share = is_share(outcome)
        for method in METHODS:
            stats = np.array([[rows[(*v, method)][f"{outcome}_{s}"] if (*v, method) in rows
                               else np.nan for v in combinations(names)]
                              for s in ("mean", "ci_low", "ci_high")], float)
            _method_bars(ax, *stats, method,
                         (lambda m: f"{100 * m:.1f}") if share else (lambda m: f"{m:.2g}"))
        if share:
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_ylim(bottom=0)
        ax.margins(y=0.15)
        ax.set_title(_label(outcome), loc="left", fontsize="medium")
    axes[0].legend(frameon=False, fontsize="small", loc="upper left", ncols=2)
    _separate(axes, names)
    axes[-1].set_xticks(np.arange(2 ** len(names)), _labels(names), fontsize="small")
    axes[-1].set_xlabel("channels switched on (" + ", ".join(names) + ")")
    fig.suptitle(f"{design.get('name', 'sweep')}: key outcomes by channels and method\n"
                 f"mean (bar) and 95% confidence interval (error bar); {_caption(design)}",
                 fontsize="medium")
    return fig


def explanations_text(table: pd.DataFrame) -> str:
    """The table as printed by ``mobilize report``."""
    header = ["channels on", *METHODS, "ratio [95% CI]"]
    rows = []
    for _, r in table.iterrows():
        rates = [mean_ci_text(MAIN, *(r[f"{_key(m)}_{s}"] for s in ("mean", "ci_low",
                                                                     "ci_high")))
                 for m in METHODS]
        rows.append([r["combination"], *rates,
                     f"{r['ratio']:.2f}x [{r['ratio_ci_low']:.2f}, {r['ratio_ci_high']:.2f}]"])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header).rstrip(), "  ".join("-" * w for w in widths),
                      *(fmt.format(*row).rstrip() for row in rows)])


def explanations_outputs(runs: pd.DataFrame, summary: pd.DataFrame, design: dict[str, Any]
                         ) -> tuple[pd.DataFrame, dict[str, Figure]] | None:
    """The table and figures (by file name) of a factorial of switches, or ``None`` for
    another design or one with no ok run."""
    if switches(design) is None or not (runs["status"] == "ok").any():
        return None
    table = explanations_table(runs, design)
    return table, {FIGURE: explanations_figure(table, design),
                   OUTCOMES_FIGURE: outcomes_figure(summary, design)}
