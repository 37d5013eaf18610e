"""The sensitivity analysis's figure: each parameter's index with its interval, against
the dummy factor's noise floor."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .design import DUMMY

_MAIN = {"sobol": ("ST", "ST_conf"), "morris": ("mu_star", "mu_star_conf")}
"""The index (and its half-width) that decides whether a parameter is above the noise."""


def figure(table: pd.DataFrame, method: str, title: str = "") -> Figure:
    """Horizontal bars of the indices with their confidence intervals, one panel per
    output (rows) and sub-experiment (columns); the dummy is hatched and the shaded strip
    up to its upper bound is the noise floor."""
    from matplotlib.patches import Patch

    from .plots import _new_figure

    subs = list(dict.fromkeys(table["sub"]))
    outcomes = list(dict.fromkeys(table["outcome"]))
    n_params = int((table["sub"].eq(subs[0]) & table["outcome"].eq(outcomes[0])).sum())
    height = 1.0 + len(outcomes) * (0.9 + 0.34 * n_params)
    fig = _new_figure(5.6 * len(subs) + 1.2, height)
    axes = np.atleast_2d(fig.subplots(len(outcomes), len(subs), squeeze=False))
    index, conf = _MAIN[method]
    for i, outcome in enumerate(outcomes):
        for j, sub in enumerate(subs):
            ax = axes[i, j]
            part = table[(table["sub"] == sub) & (table["outcome"] == outcome)]
            _panel(ax, part, method, index, conf)
            heading = outcome + (f" - {sub}" if sub else "")
            ax.set_title(heading, fontsize="medium")
    # Legend: the index bars, the dummy, then the noise floor (shading and line).
    dummy_patch = Patch(facecolor="#8c8c8c", edgecolor="white", hatch="///")
    entries, floor = [], []
    for handle, label in zip(*axes[0, 0].get_legend_handles_labels(), strict=True):
        if label.startswith("noise floor"):
            floor = [((Patch(color="#fdae6b", alpha=0.25, linewidth=0), handle), label)]
        else:
            entries.append((handle, label))
    entries.sort(key=lambda entry: entry[1].startswith("sigma"))
    entries += [(dummy_patch, "dummy (ignored by the model)"), *floor]
    handles, labels = zip(*entries, strict=True)
    fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False,
               fontsize="small")
    if title:
        fig.suptitle(title, fontsize="medium")
    return fig


def _panel(ax: Any, part: pd.DataFrame, method: str, index: str, conf: str) -> None:
    names = list(part["parameter"])
    y = np.arange(len(names), dtype=float)
    is_dummy = np.array([n == DUMMY for n in names])
    if method == "sobol":
        bars = [("S1", "S1_conf", "#a6cee3", "S1 (first order)", -0.19),
                ("ST", "ST_conf", "#3a7dbf", "ST (total)", 0.19)]
    else:
        bars = [("mu_star", "mu_star_conf", "#3a7dbf", "mu* (mean |effect|)", 0.0)]
    height = 0.36 if method == "sobol" else 0.6
    for col, col_conf, colour, label, shift in bars:
        values = part[col].to_numpy(float)
        errors = part[col_conf].to_numpy(float)
        rects = ax.barh(y + shift, np.nan_to_num(values), height=height, color=colour,
                        label=label, xerr=np.nan_to_num(errors),
                        error_kw={"ecolor": "black", "capsize": 2.5, "elinewidth": 1})
        for rect, dummy in zip(rects, is_dummy, strict=True):
            if dummy:
                rect.set_facecolor("#c8c8c8" if col != index else "#8c8c8c")
                rect.set_hatch("///")
                rect.set_edgecolor("white")
    if method == "morris":
        ax.scatter(part["sigma"].to_numpy(float), y, marker="D", s=22, color="#e6550d",
                   zorder=3, label="sigma (spread of effects)")
    dummy = part[part["parameter"] == DUMMY]
    if not dummy.empty and np.isfinite(dummy[index].iloc[0]):
        floor = float(dummy[index].iloc[0] + dummy[conf].iloc[0])
        ax.axvspan(0, floor, color="#fdae6b", alpha=0.25, linewidth=0, zorder=0)
        ax.axvline(floor, color="#e6550d", linestyle="--", linewidth=1.2,
                   label=f"noise floor (dummy): {index} upper bound")
    above = part["above_noise"].fillna(False).to_numpy(bool)
    ax.set_yticks(y, [f"{n} *" if a else n for n, a in zip(names, above, strict=True)])
    for tick, a, d in zip(ax.get_yticklabels(), above, is_dummy, strict=True):
        if a:
            tick.set_fontweight("bold")
        if d:
            tick.set_fontstyle("italic")
            tick.set_color("#555555")
    ax.set_ylim(len(names) - 0.5, -0.5)  # first parameter on top
    ax.set_xlim(left=min(0.0, ax.get_xlim()[0]))
    ax.axvline(0, color="black", linewidth=0.6)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("Sobol index (share of output variance)" if method == "sobol"
                  else "elementary effect (output change over the range)")
