"""Figures for a comparison and for one village run.

Figures are built as :class:`matplotlib.figure.Figure` objects on the Agg canvas, without
pyplot: nothing opens a window, nothing touches the global pyplot state, and the
functions work the same in scripts, tests, worker processes and notebooks.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..palette import METHOD_COLOURS
from ..village.outcomes import BOUNDS
from .files import atomic_write
from .stats import mean_ci_columns
from .targets import TARGETS, Band

COLOURS = METHOD_COLOURS
"""One colour per method, used in every figure (the project's palette)."""



def _pct() -> PercentFormatter:
    # A formatter belongs to one axis, so each axis gets its own.
    return PercentFormatter(xmax=1.0)


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 150) -> Path:
    """Save ``fig`` as PNG to ``path`` atomically (temporary file, then rename)."""
    return atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))


def _target_band(method: str) -> Band | None:
    for t in TARGETS:
        if isinstance(t, Band) and t.method == method and t.outcome == "recruitment_rate":
            return t
    return None


def compare_figure(weekly: dict[str, dict[str, np.ndarray]], runs: pd.DataFrame,
                   weeks: int) -> Figure:
    """Two panels: (a) mean recruitment rate by week with a 95% band for each method;
    (b) the final recruitment rate of every replication for each method.

    ``weekly[method]["recruitment_rate"]`` is a (replications x weeks+1) array and ``runs``
    has one row per run with ``method`` and ``recruitment_rate`` (as a comparison's
    ``CompareResult``; taking its parts keeps this module free of the comparison's).
    The shaded strips at the right edge of (a) and behind (b) are the target ranges.
    """
    fig = _new_figure(11.0, 4.6)
    ax_t, ax_d = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1.0]})
    methods = list(weekly)
    n = len(next(iter(weekly.values()))["recruitment_rate"]) if weekly else 0

    for method in methods:
        colour = COLOURS.get(method)
        series = weekly[method]["recruitment_rate"]
        mean, low, high = mean_ci_columns(series, bounds=BOUNDS["recruitment_rate"])
        week = np.arange(series.shape[1])
        ax_t.fill_between(week, low, high, color=colour, alpha=0.25, linewidth=0)
        ax_t.plot(week, mean, color=colour, linewidth=2, label=f"{method} (mean, 95% CI)")
        band = _target_band(method)
        if band is not None:
            ax_t.axhspan(band.low, band.high, xmin=0.97, xmax=1.0, color=colour, alpha=0.35,
                         linewidth=0, label=f"{method} target range")
    ax_t.set_xlim(0, weeks)
    ax_t.set_ylim(bottom=0)
    ax_t.yaxis.set_major_formatter(_pct())
    ax_t.set_xlabel("week")
    ax_t.set_ylabel("mobilized (army + salvation work), % of initial population")
    ax_t.set_title("(a) recruitment over time")
    ax_t.legend(loc="upper left", frameon=False)
    ax_t.grid(alpha=0.3)

    rng = np.random.default_rng(0)  # jitter only; fixed so the figure is reproducible
    finals = runs
    for i, method in enumerate(methods):
        colour = COLOURS.get(method)
        values = finals.loc[finals["method"] == method, "recruitment_rate"].to_numpy(float)
        band = _target_band(method)
        if band is not None:
            ax_d.fill_between([i - 0.4, i + 0.4], band.low, band.high, color=colour,
                              alpha=0.12, linewidth=0,
                              label="target range" if i == 0 else None)
        if values.size > 1 and np.ptp(values) > 0:
            parts = ax_d.violinplot(values, positions=[i], widths=0.7, showextrema=False)
            for body in parts["bodies"]:
                body.set_facecolor(colour)
                body.set_alpha(0.25)
        ax_d.scatter(i + rng.uniform(-0.12, 0.12, values.size), values, s=10,
                     color=colour, alpha=0.7, linewidths=0)
        ax_d.hlines(values.mean(), i - 0.3, i + 0.3, color="black", linewidth=2,
                    label="mean" if i == 0 else None)
        ax_d.annotate(f"{100 * values.mean():.1f}%", (i + 0.3, values.mean()),
                      xytext=(4, 0), textcoords="offset points", va="center",
                      fontsize="small")
    ax_d.set_xticks(range(len(methods)), methods)
    ax_d.set_xlim(-0.6, len(methods) - 0.4)
    ax_d.set_ylim(bottom=0)
    ax_d.yaxis.set_major_formatter(_pct())
    ax_d.set_ylabel(f"recruitment rate at week {weeks}")
    ax_d.set_title("(b) final recruitment, one dot per village")
    ax_d.legend(loc="upper right", frameon=False)
    ax_d.grid(axis="y", alpha=0.3)

    fig.suptitle(f"Welfare-first vs quota-only branches: {n} replications per method, "
                 f"{weeks} weeks, common random numbers")
    return fig


def run_figure(series_df: pd.DataFrame, title: str | None = None) -> Figure:
    """Six small panels for one village run (one row per week, as from
    :func:`mobilization.weekly_series`): recruitment, stances, membership, quota
    fulfilment, government and gentry, and mean attitudes.
    """
    df = series_df
    week = df["week"].to_numpy() if "week" in df else np.arange(len(df))
    fig = _new_figure(13.0, 7.5)
    axes = fig.subplots(2, 3, sharex=True).ravel()

    def panel(ax, columns: dict[str, str], heading: str, percent: bool = True) -> None:
        # Series that coincide exactly are drawn once, with their labels joined.
        drawn: list[tuple[np.ndarray, list[str]]] = []
        for column, label in columns.items():
            if column not in df:
                continue
            y = df[column].to_numpy(float)
            for other, labels in drawn:
                if np.allclose(other, y, rtol=1e-9, atol=1e-12):
                    labels.append(label)
                    break
            else:
                drawn.append((y, [label]))
        for y, labels in drawn:
            ax.plot(week, y, label=" = ".join(labels), linewidth=1.8)
        ax.set_title(heading)
        if percent:
            ax.yaxis.set_major_formatter(_pct())
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize="small")

    panel(axes[0], {"recruitment_rate": "total", "army_rate": "army",
                    "salvation_rate": "salvation work"},
          "mobilized, % of initial population")
    panel(axes[1], {"share_active": "active", "share_intermediate": "intermediate",
                    "share_backward": "backward"}, "stances of villagers present")
    panel(axes[2], {"nominal_membership_end": "on a list only (nominal)",
                    "active_membership": "active members",
                    "women_organized": "women organized"},
          "mass organizations, % of working age")
    panel(axes[3], {"quota_recruits": "recruits", "quota_grain": "grain",
                    "quota_bonds": "bonds", "quota_shoes": "shoes"},
          "quotas delivered / demanded")
    panel(axes[4], {"gentry_power_end": "gentry power", "government_elected": "government elected"},
          "village government", percent=False)
    axes[4].set_ylim(-0.05, 1.05)
    axes[4].set_yticks([0, 0.5, 1])
    panel(axes[5], {"mean_grievance": "grievance", "mean_trust": "trust in the Party",
                    "mean_consciousness": "consciousness", "mean_fear": "fear of the gentry"},
          "mean attitudes (0-1)", percent=False)
    axes[5].set_ylim(0, 1)
    for ax in axes[3:]:
        ax.set_xlabel("week")
    fig.suptitle(title or f"One village, {int(week[-1])} weeks")
    return fig
