"""The calibration's figure: each band's mean over the grid with its band, the fitted
point, the bootstrap's choices and, with a contrast, where it holds in the fitted
region."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.colors import LogNorm, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .calibration import CalibrationResult, _point_text
from .calibration_report import _share_outcome, _v
from .plots import _new_figure


# --- the figure --------------------------------------------------------------------------
def calibration_figure(result: CalibrationResult) -> Figure:
    """A panel per band (its mean over the grid with the band and the fitted point), and
    the loss.

    Two factors: heat maps of the means with the band's edges as contours (of the
    smoothed means the loss uses), the fitted point as a star, the bootstrap's choices as
    circles; on the loss panel, squares mark the fitted region and, with a contrast,
    crosses the region's points where it holds. One factor: lines with 95% bands. More:
    the 2-D slice through the fitted point over the first two factors.
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
    for ax, t, label in zip(axes, spec.targets, spec.labels, strict=False):
        m = matrix(f"{label} mean")
        lo, hi = np.nanmin(m), np.nanmax(m)
        vmin, vmax = min(lo, t.low), max(hi, t.high)
        norm = TwoSlopeNorm(vcenter=t.target, vmin=min(vmin, t.target - 1e-12),
                            vmax=max(vmax, t.target + 1e-12))
        mesh = ax.pcolormesh(edges_x, edges_y, m, cmap="RdBu_r", norm=norm)
        cbar = fig.colorbar(mesh, ax=ax, shrink=0.85)
        if _share_outcome(t.outcome):
            cbar.ax.yaxis.set_major_formatter(lambda v, _pos: f"{100 * v:.1f}%")
        for level in (t.low, t.high):
            cbar.ax.axhline(level, color="black", linewidth=1.2)
        if len(xs) > 1 and len(ys) > 1:
            smoothed = matrix(f"{label} smoothed")
            levels = [v for v in (t.low, t.high) if np.nanmin(smoothed) < v
                      < np.nanmax(smoothed)]
            if levels:
                cs = ax.contour(xs, ys, smoothed, levels=levels, colors="black",
                                linewidths=1.4)
                ax.clabel(cs, fmt=lambda v, o=t.outcome: _v(o, v), fontsize=7)
        _mark(ax, result, fx, fy, share)
        ax.set_title(f"{t.sub}: mean {t.outcome}\nband "
                     f"[{_v(t.outcome, t.low)}, {_v(t.outcome, t.high)}]: black lines",
                     fontsize=10)
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
    if result.contrast is not None:
        wins = inside & matrix("contrast beats").astype(bool)
        iy, ix = np.nonzero(wins)
        ax.scatter(xs[ix], ys[iy], marker="x", s=30, color="white", linewidths=1.0)
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
    if result.contrast is not None:
        c = result.contrast
        handles.append(Line2D([], [], marker="x", markersize=7, color="grey",
                              linestyle="none",
                              label=f"and {c['numerator']} >= {c['ratio']:g}x "
                              f"{c['denominator']} ({c['outcome']})"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False,
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
    for ax, t, label in zip(axes, spec.targets, spec.labels, strict=False):
        ax.fill_between(x, table[f"{label} low"], table[f"{label} high"], alpha=0.3,
                        color="#2c3e50", linewidth=0, label="95% CI")
        ax.plot(x, table[f"{label} mean"], color="#2c3e50", marker="o", markersize=3,
                label="mean")
        if spec.smooth:
            ax.plot(x, table[f"{label} smoothed"], color="#2c3e50", linestyle=":",
                    label="smoothed")
        ax.axhspan(t.low, t.high, color="#c0392b", alpha=0.15, label="band")
        ax.axhline(t.target, color="#c0392b", linewidth=1)
        if _share_outcome(t.outcome):
            ax.yaxis.set_major_formatter(lambda v, _pos: f"{100 * v:.1f}%")
        ax.set_title(f"{t.sub}: mean {t.outcome}", fontsize=10)
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
