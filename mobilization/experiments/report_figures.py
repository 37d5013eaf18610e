"""The figures of a sweep's report, shaped by the design.

Sub-experiments, the branch method and any true/false or text factor become *groups*
(lines, bars or panels; colour by method, from :data:`mobilization.experiments.plots.COLOURS`,
when the method varies); the numeric factors with more than one value become *axes*:

* no axis (only groups, as the headline comparison): bars with 95% CI error bars;
* one axis: the mean against the factor, a line with a shaded 95% CI band per group;
* two axes: a heat map of the mean per group, side by side on one colour scale;
* more axes, or a sampled design (LHS, Sobol, Morris): the point means against each
  factor, a scatter (sensitivity indices are ``mobilize sensitivity``'s job).

A design that keeps series gets one more figure (:func:`series_figure`): each series' mean
over time with its 95% band, one line per design point, coloured by group as above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..village.outcomes import is_share
from .kinds import KINDS
from .plots import COLOURS, _new_figure, _pct

MAIN = "recruitment_rate"
"""The outcome of the main figure and of the printed table."""

OUTCOMES = {k: v for kind in reversed(KINDS.values()) for k, v in kind.outcomes.items()}
"""Every outcome of every kind, with its description (a village's wording where both
have one)."""
BOUNDS = {k: v for kind in KINDS.values() for k, v in kind.bounds.items()}
PARAMETERS = {k: v for kind in KINDS.values() for k, v in kind.parameters.items()}

KEY_OUTCOMES: tuple[str, ...] = ("active_membership", "share_active", "mean_trust",
                                 "government_elected", "quota_recruits", "gentry_power_end")
"""Outcomes of the second figure (lines or bars): organization, stance, trust, power."""
KEY_DISTRICT: tuple[str, ...] = ("pilot_recruitment_rate", "other_recruitment_rate",
                                 "villages_elected", "mean_vital_share",
                                 "learning_branches", "experience")
"""The second figure of a district experiment: pilots and the rest, and the method."""

SHORT: dict[str, str] = {
    "recruitment_rate": "recruitment rate (mobilized, % of initial population)",
    "active_membership": "active members (% of working age present)",
    "share_active": "active stance (% of villagers present)",
    "share_intermediate": "intermediate stance (% of villagers present)",
    "share_backward": "backward stance (% of villagers present)",
    "share_worked_on": "intermediate and backward worked on (%)",
    "mean_trust": "mean trust in the Party (0-1)",
    "government_elected": "elected village government (% of villages)",
    "quota_recruits": "army recruits delivered / demanded",
    "gentry_power_end": "power of the gentry at the end (0-1)",
    "pilot_recruitment_rate": "recruitment in the pilot villages (%)",
    "other_recruitment_rate": "recruitment in the other villages (%)",
    "villages_elected": "villages with an elected government (share)",
    "mean_vital_share": "branches' mean vital-interest share",
    "learning_branches": "branches that learn from the masses (share)",
    "experience": "experience the other branches received (0-1)",
    "measures_won": "measures won (per village)",
    "measures_lost": "struggles lost (per village)",
    "decision_quality_early": "decision quality, first half of choices (0-1)",
    "decision_quality_late": "decision quality, second half of choices (0-1)",
    "leading_group_quality": "leading group's quality (0-1)",
    "leading_group_members": "members of the leading group",
    "leading_group_replaced": "group members replaced by better ones",
    "bad_element_share_end": "bad elements among Party members (%)",
    "share_meetings_lost": "meetings lost to other tasks (%)",
    "share_periods_in_order": "periods with the tasks in order (%)",
    "persons_reached": "persons an active neighbour worked on",
    "advice_error": "error of the call's content (0-1)",
    "advice_followed": "branches following the call's content (share)",
}
"""Short axis labels of the outcomes in the figures (others use their meaning)."""

PALETTE = ("#2874a6", "#d68910", "#239b56", "#7d3c98", "#a04000", "#17a589", "#5d6d7e",
           "#b7950b")
"""Colours of groups that are not branch methods (sub-experiments, other factors)."""
LINESTYLES = ("-", "--", ":", "-.")


FIGURE = "report.png"
OUTCOMES_FIGURE = "report_outcomes.png"


def _design(design: dict[str, Any]) -> dict[str, Any]:
    # Accept a whole manifest as well as its "design" part.
    inner = design.get("design")
    return inner if isinstance(inner, dict) else design


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# --- the shape of the design -------------------------------------------------------------
def _categorical(name: str, values: pd.Series) -> bool:
    if name in PARAMETERS:
        return PARAMETERS[name].kind in (bool, str)
    return not pd.api.types.is_numeric_dtype(values)


def _layout(summary: pd.DataFrame, design: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(group keys, axis factors) of a summary: what becomes lines/panels, what an axis."""
    design = _design(design)
    factors = [f for f in design.get("factors", []) if f in summary]
    keys = [k for k in ("sub", "branch_method") if summary[k].nunique(dropna=False) > 1]
    keys += [f for f in factors if f not in keys and _categorical(f, summary[f])
             and summary[f].nunique(dropna=False) > 1]
    axes = [f for f in factors if f not in keys and not _categorical(f, summary[f])
            and summary[f].nunique(dropna=False) > 1]
    return keys, axes


def shape(summary: pd.DataFrame, design: dict[str, Any]) -> str:
    """The kind of figure a design gets: ``bars``, ``lines``, ``heatmap`` or ``scatter``."""
    _, axes = _layout(summary, design)
    if _design(design).get("design", "grid") != "grid" or len(axes) > 2:
        return "scatter"
    return ("bars", "lines", "heatmap")[len(axes)]


@dataclass
class _Group:
    label: str
    rows: pd.DataFrame
    colour: str
    linestyle: str


def _groups(summary: pd.DataFrame, keys: list[str]) -> list[_Group]:
    """The groups of a summary, in design order, with a colour and line style each:
    colour by branch method when the method varies (line style then tells the rest
    apart), else one palette colour per group."""
    if not keys:
        method = summary["branch_method"].iloc[0] if len(summary) else None
        return [_Group("", summary, COLOURS.get(method, PALETTE[0]), "-")]
    by_method = "branch_method" in keys
    rest = [k for k in keys if k != "branch_method"]
    rest_seen: list[tuple] = []
    out = []
    for values, rows in summary.groupby(keys, sort=False, dropna=False):
        values = values if isinstance(values, tuple) else (values,)
        named = dict(zip(keys, values, strict=True))
        parts = [str(named["sub"])] if "sub" in named else []
        if by_method:
            parts.append(str(named["branch_method"]))
        parts += [f"{k} = {_value_text(named[k])}" for k in rest if k != "sub"]
        other = tuple(named[k] for k in rest)
        if other not in rest_seen:
            rest_seen.append(other)
        if by_method:
            colour = COLOURS.get(named["branch_method"], PALETTE[len(out) % len(PALETTE)])
            style = LINESTYLES[rest_seen.index(other) % len(LINESTYLES)]
        else:
            colour, style = PALETTE[len(out) % len(PALETTE)], "-"
        out.append(_Group(", ".join(parts), rows, colour, style))
    return out


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _label(outcome: str) -> str:
    """Axis label of an outcome."""
    if outcome in SHORT:
        return SHORT[outcome]
    return OUTCOMES.get(outcome, outcome) + (" (%)" if is_share(outcome) else "")


def _factor_label(name: str) -> str:
    """Axis label of a factor: the parameter's name in words."""
    return name.replace("_", " ")


def _is_percent_factor(name: str) -> bool:
    p = PARAMETERS.get(name)
    return (p is not None and p.kind is float and p.low == 0.0 and p.high == 1.0
            and (name.endswith("_share") or is_share(name)))


def _format_axis(ax: Axes, outcome: str, which: str = "y") -> None:
    axis = ax.yaxis if which == "y" else ax.xaxis
    if is_share(outcome):
        axis.set_major_formatter(_pct())


def _caption(summary: pd.DataFrame, design: dict[str, Any]) -> str:
    reps = int(design.get("replications", 0))
    n = summary["n"]
    if len(n) and n.min() == n.max() == reps:
        done = f"{reps} replications per point"
    else:
        done = f"{int(n.min())}-{int(n.max())} of {reps} replications per point (unfinished)"
    return f"{done}, {design.get('weeks')} weeks"


# --- figures -----------------------------------------------------------------------------
def report_figures(summary: pd.DataFrame, design: dict[str, Any]) -> dict[str, Figure]:
    """The figures of a summary, by file name (``report.png``, and for bars and lines
    ``report_outcomes.png`` with the key outcomes); empty when no run succeeded."""
    design = _design(design)
    if not len(summary) or not summary[f"{MAIN}_mean"].notna().any():
        return {}
    keys, axes = _layout(summary, design)
    groups = _groups(summary, keys)
    kind = shape(summary, design)
    name = design.get("name", "sweep")
    caption = _caption(summary, design)
    key = tuple(design.get("tables", {}).get("report", {}).get("outcomes", ())) or (
        KEY_OUTCOMES if design.get("model", "village") == "village" else KEY_DISTRICT)
    if kind == "bars":
        return {FIGURE: _bars_figure(groups, name, caption, (MAIN,)),
                OUTCOMES_FIGURE: _bars_figure(groups, name, caption, key)}
    if kind == "lines":
        return {FIGURE: _lines_figure(groups, axes[0], name, caption, (MAIN,)),
                OUTCOMES_FIGURE: _lines_figure(groups, axes[0], name, caption, key)}
    if kind == "heatmap":
        return {FIGURE: _heatmap_figure(groups, axes[0], axes[1], name, caption)}
    factors = [f for f in design.get("factors", []) if f in summary
               and not _categorical(f, summary[f])]
    if not factors:
        return {}
    return {FIGURE: _scatter_figure(groups, factors, name, caption, design)}


def _panels(n: int, width: float, height: float, columns: int = 3
            ) -> tuple[Figure, list[Axes]]:
    cols = min(n, columns)
    rows = math.ceil(n / cols)
    fig = _new_figure(width * cols, height * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _legend(where: Axes | Figure, groups: list[_Group], band: str) -> None:
    """Legend of the groups and the band: in the axes, or below a figure's panels."""
    handles = [Line2D([], [], color=g.colour, linestyle=g.linestyle, linewidth=2,
                      marker="o", markersize=4, label=g.label or "mean") for g in groups]
    handles.append(Patch(color="grey", alpha=0.3, label=band))
    if isinstance(where, Figure):
        where.legend(handles=handles, frameon=False, loc="outside lower center",
                     ncols=min(len(handles), 4))
    else:
        where.legend(handles=handles, frameon=False, fontsize="small", loc="best")


def _lines_figure(groups: list[_Group], factor: str, name: str, caption: str,
                  outcomes: tuple[str, ...]) -> Figure:
    main = outcomes == (MAIN,)
    if main:
        fig = _new_figure(8.5, 5.2)
        axes = [fig.subplots()]
    else:
        fig, axes = _panels(len(outcomes), 4.4, 3.3)
    for ax, outcome in zip(axes, outcomes, strict=True):
        for g in groups:
            rows = g.rows.sort_values(factor)
            x = rows[factor].to_numpy(float)
            ax.fill_between(x, rows[f"{outcome}_ci_low"].to_numpy(float),
                            rows[f"{outcome}_ci_high"].to_numpy(float), color=g.colour,
                            alpha=0.18 if len(groups) <= 2 else 0.12, linewidth=0)
            ax.plot(x, rows[f"{outcome}_mean"].to_numpy(float), color=g.colour,
                    linestyle=g.linestyle, linewidth=2 if main else 1.6, marker="o",
                    markersize=4 if main else 3)
        _format_axis(ax, outcome)
        if _is_percent_factor(factor):
            ax.xaxis.set_major_formatter(_pct())
        elif factor in PARAMETERS and PARAMETERS[factor].kind is int:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        lo, hi = BOUNDS.get(outcome, (None, None))
        ax.set_ylim(bottom=lo if lo is not None else None)
        if hi is not None and not main and not outcome.endswith("recruitment_rate"):
            ax.set_ylim(top=hi * 1.02)  # recruitment rates are a few %: they scale
        ax.set_xlabel(_factor_label(factor))
        ax.grid(alpha=0.3)
        if main:
            ax.set_ylabel(_label(outcome))
        else:
            ax.set_title(_label(outcome), fontsize="medium")
    _legend(fig if not main else axes[0], groups, "95% CI of the mean")
    what = ("recruitment rate" if main else "key outcomes")
    fig.suptitle(f"{name}: {what} against {_factor_label(factor)}\nmean per design point "
                 f"(line) and 95% confidence interval (band); {caption}",
                 fontsize="medium")
    return fig


def _bars_figure(groups: list[_Group], name: str, caption: str,
                 outcomes: tuple[str, ...]) -> Figure:
    main = outcomes == (MAIN,)
    if main:
        fig = _new_figure(max(7.5, 1.6 * len(groups) + 3.0), 5.0)
        axes = [fig.subplots()]
    else:
        fig, axes = _panels(len(outcomes), 3.8, 3.2)
    labels = [g.label or name for g in groups]
    for ax, outcome in zip(axes, outcomes, strict=True):
        for i, g in enumerate(groups):
            row = g.rows.iloc[0]  # with no axis, each group is one design point
            mean = row[f"{outcome}_mean"]
            low, high = row[f"{outcome}_ci_low"], row[f"{outcome}_ci_high"]
            err = (np.array([[mean - low], [high - mean]])
                   if np.isfinite(low) and np.isfinite(high) else None)
            hatch = "//" if g.linestyle != "-" else None
            ax.bar(i, mean, width=0.6, color=g.colour, alpha=0.85, hatch=hatch,
                   edgecolor="white", yerr=err, capsize=6,
                   error_kw={"elinewidth": 1.5, "ecolor": "black"})
            if np.isfinite(mean):
                text = f"{100 * mean:.1f}%" if is_share(outcome) else f"{mean:.3g}"
                ax.annotate(text, (i, high if np.isfinite(high) else mean),
                            xytext=(0, 4), textcoords="offset points", ha="center",
                            fontsize="small")
        ax.set_xticks(range(len(groups)), labels,
                      rotation=20 if max(map(len, labels)) > 14 else 0,
                      ha="right" if max(map(len, labels)) > 14 else "center")
        _format_axis(ax, outcome)
        tops = np.array([g.rows[f"{outcome}_{s}"].iloc[0] for g in groups
                         for s in ("mean", "ci_high")], float)
        top = float(tops[np.isfinite(tops)].max()) if np.isfinite(tops).any() else 0.0
        ax.set_ylim(0, top * 1.15 if top > 0 else 1.0)  # room for the labels
        ax.grid(axis="y", alpha=0.3)
        if main:
            ax.set_ylabel(_label(outcome))
        else:
            ax.set_title(_label(outcome), fontsize="medium")
    what = "recruitment rate" if main else "key outcomes"
    fig.suptitle(f"{name}: {what}\nmean (bar) and 95% confidence interval (error bar); "
                 f"{caption}", fontsize="medium")
    return fig


def _heatmap_figure(groups: list[_Group], x_name: str, y_name: str, name: str,
                    caption: str) -> Figure:
    grids = []
    for g in groups:
        grid = g.rows.pivot_table(index=y_name, columns=x_name, values=f"{MAIN}_mean",
                                  aggfunc="mean", dropna=False)
        grids.append(grid.sort_index().sort_index(axis=1))
    values = np.concatenate([gr.to_numpy(float).ravel() for gr in grids])
    vmin, vmax = np.nanmin(values), np.nanmax(values)
    if vmin == vmax:
        vmin, vmax = vmin - 0.005, vmax + 0.005
    cells = max(gr.shape[1] for gr in grids)
    fig = _new_figure(min(4.0 + 0.45 * cells, 9.0) * len(groups) + 1.2,
                      min(3.0 + 0.4 * max(gr.shape[0] for gr in grids), 8.0))
    axes = np.atleast_1d(fig.subplots(1, len(groups), squeeze=False)).ravel()
    image = None
    for ax, g, grid in zip(axes, groups, grids, strict=True):
        data = np.ma.masked_invalid(grid.to_numpy(float))
        cmap = _cmap()
        image = ax.imshow(data, origin="lower", aspect="auto", cmap=cmap, vmin=vmin,
                          vmax=vmax, interpolation="nearest")
        _ticks(ax, "x", grid.columns, x_name)
        _ticks(ax, "y", grid.index, y_name)
        ax.set_xlabel(_factor_label(x_name))
        ax.set_ylabel(_factor_label(y_name))
        if g.label:
            ax.set_title(g.label, fontsize="medium")
        if data.size <= 225:
            for (i, j), v in np.ndenumerate(grid.to_numpy(float)):
                if np.isfinite(v):
                    dark = (v - vmin) / (vmax - vmin) < 0.55
                    ax.text(j, i, f"{100 * v:.0f}" if vmax > 0.1 else f"{100 * v:.1f}",
                            ha="center", va="center", fontsize=6.5,
                            color="white" if dark else "black")
    bar = fig.colorbar(image, ax=axes.tolist(), shrink=0.9, pad=0.02)
    bar.formatter = _pct()
    bar.update_ticks()
    bar.set_label(_label(MAIN))
    fig.suptitle(f"{name}: mean recruitment rate over {_factor_label(x_name)} x "
                 f"{_factor_label(y_name)}\n{caption.replace('per point', 'per cell')}; "
                 "cells in %, 95% CIs in summary.csv",
                 fontsize="medium")
    return fig


def _cmap():
    from matplotlib import colormaps

    return colormaps["viridis"].with_extremes(bad="#dddddd")  # cells with no runs yet


def _ticks(ax: Axes, which: str, values: pd.Index, name: str) -> None:
    step = max(1, math.ceil(len(values) / 12))
    positions = list(range(0, len(values), step))
    texts = [f"{100 * values[i]:.0f}%" if _is_percent_factor(name) else _value_text(
        _plain(values[i])) for i in positions]
    if which == "x":
        ax.set_xticks(positions, texts)
    else:
        ax.set_yticks(positions, texts)


def _scatter_figure(groups: list[_Group], factors: list[str], name: str, caption: str,
                    design: dict[str, Any]) -> Figure:
    fig, axes = _panels(len(factors), 3.6, 3.3, columns=4)
    for ax, factor in zip(axes, factors, strict=True):
        for g in groups:
            ax.scatter(g.rows[factor].to_numpy(float), g.rows[f"{MAIN}_mean"].to_numpy(float),
                       s=14, color=g.colour, alpha=0.7, linewidths=0,
                       label=g.label or None)
        _format_axis(ax, MAIN)
        if _is_percent_factor(factor):
            ax.xaxis.set_major_formatter(_pct())
        ax.set_xlabel(_factor_label(factor) + (" (ignored by the model)"
                                                if factor == "dummy" else ""))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("recruitment rate (mean)")
    if any(g.label for g in groups):
        axes[0].legend(frameon=False, fontsize="small")
    fig.suptitle(f"{name}: mean recruitment rate of each design point against each factor "
                 f"({design.get('design')} design)\n{caption}", fontsize="medium")
    return fig


SERIES_LINES = 12
"""Most design points drawn in the series figure (evenly spaced through the design)."""


def _shade(colour: str, k: int, n: int) -> tuple[float, ...]:
    """The ``k``-th of ``n`` shades of ``colour``, from light to full (points of one group
    along a numeric axis)."""
    from matplotlib.colors import to_rgb

    if n <= 1:
        return to_rgb(colour)
    mix = 0.6 * (1 - k / (n - 1))
    return tuple(c + (1 - c) * mix for c in to_rgb(colour))


def series_figure(series_summary: pd.DataFrame, summary: pd.DataFrame,
                  design: dict[str, Any]) -> Figure:
    """One panel per series: the mean over time (line) and its 95% CI (band) per design
    point, coloured by group as the other report figures (points of one group along a
    numeric axis in shades of its colour). At most :data:`SERIES_LINES` points are drawn."""
    design = _design(design)
    names = [n for n in design.get("series", []) if f"{n}_mean" in series_summary]
    keys, axes = _layout(summary, design)
    groups = _groups(summary, keys)
    lines: list[tuple[int, str, tuple[float, ...] | str, str]] = []
    for g in groups:
        points = g.rows.sort_values(axes) if axes else g.rows
        for k, (_, row) in enumerate(points.iterrows()):
            label = ", ".join([g.label] * bool(g.label) + [
                f"{a} = {_value_text(_plain(row[a]))}" for a in axes])
            lines.append((int(row["point"]), label or f"point {int(row['point'])}",
                          _shade(g.colour, k, len(points)), g.linestyle))
    if len(lines) > SERIES_LINES:
        keep = np.unique(np.linspace(0, len(lines) - 1, SERIES_LINES).round().astype(int))
        lines = [lines[i] for i in keep]
    fig, panels = _panels(len(names), 4.8, 3.4)
    by_point = dict(tuple(series_summary.groupby("point", sort=False)))
    for ax, outcome in zip(panels, names, strict=True):
        for point, _name, colour, style in lines:
            rows = by_point.get(point)
            if rows is None:
                continue
            week = rows["week"].to_numpy(float)
            ax.fill_between(week, rows[f"{outcome}_ci_low"].to_numpy(float),
                            rows[f"{outcome}_ci_high"].to_numpy(float), color=colour,
                            alpha=0.2, linewidth=0)
            ax.plot(week, rows[f"{outcome}_mean"].to_numpy(float), color=colour,
                    linestyle=style, linewidth=1.8)
        _format_axis(ax, outcome)
        lo, _hi = BOUNDS.get(outcome, (None, None))
        ax.set_ylim(bottom=lo if lo is not None else None)
        ax.set_xlim(0, design.get("weeks") or None)
        ax.set_xlabel("week")
        ax.set_title(_label(outcome), fontsize="medium")
        ax.grid(alpha=0.3)
    handles = [Line2D([], [], color=c, linestyle=st, linewidth=2, label=lab)
               for _p, lab, c, st in lines]
    handles.append(Patch(color="grey", alpha=0.3, label="95% CI of the mean"))
    fig.legend(handles=handles, frameon=False, loc="outside lower center",
               ncols=min(len(handles), 4), fontsize="small")
    every = design.get("series_every", 1)
    fig.suptitle(f"{design.get('name', 'sweep')}: outcomes over time\nmean per design point "
                 f"(line) and 95% confidence interval (band), every {every} week"
                 f"{'s' if every != 1 else ''}; {_caption(summary, design)}",
                 fontsize="medium")
    return fig
