"""The report of a sweep: ``summary.csv`` and figures, from a store's runs and manifest.

``summary.csv`` has one row per design point: the point, its sub-experiment, the branch
method and every parameter that differs between points, the number of ``ok`` and
``failed`` runs, and for each outcome its mean, standard deviation and 95% Student-t
confidence interval over the ok runs (truncated to the outcome's range, as
:func:`mobilization.experiments.stats.mean_ci`). Failed runs are counted, never averaged.

The figures follow the shape of the design (:mod:`mobilization.experiments.report_figures`).
A grid of on/off switches crossed with both branch methods (``experiments/explanations.toml``)
gets figures of its own instead, and ``explanations.csv``: each combination's rates and the
ratio of the methods (:mod:`mobilization.experiments.explanations_figure`).

A store that keeps series (``[experiment] series``) also gets ``series_summary.csv``: one
row per design point and kept week, with each series' mean and 95% CI over the point's
runs, and ``report_series.png``, the means with their bands over time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats as _scipy_stats

from .explanations_figure import TABLE as EXPLANATIONS_TABLE
from .explanations_figure import explanations_outputs, explanations_text
from .files import atomic_write
from .formatting import format_number, mean_ci_text
from .kinds import kind_of
from .plots import save_figure
from .report_figures import (
    FIGURE,
    MAIN,
    OUTCOMES,
    OUTCOMES_FIGURE,
    _design,
    _layout,
    _plain,
    _value_text,
    report_figures,
    series_figure,
    shape,
)
from .stats import _truncate
from .store import Store, param_column

LEVEL = 0.95
SUMMARY = "summary.csv"
SERIES_SUMMARY = "series_summary.csv"
SERIES_FIGURE = "report_series.png"
TABLE_ROWS = 30
"""Design points printed in full; a bigger design prints the first and last few."""


@dataclass
class ReportResult:
    """What :func:`write_report` made: the summary, the files written (by role) and the
    text to print. ``missing`` counts the runs of the design not yet in the store."""

    summary: pd.DataFrame
    files: dict[str, Path]
    text: str
    ok: int = 0
    failed: int = 0
    missing: int = 0
    figures: dict[str, Figure] = field(default_factory=dict, repr=False)


# --- the summary -------------------------------------------------------------------------
def _column(runs: pd.DataFrame, name: str) -> str | None:
    """The runs' column holding factor ``name``: ``param.NAME``, or an extra factor."""
    if param_column(name) in runs:
        return param_column(name)
    return name if name in runs and name not in OUTCOMES else None


def _design_values(point: dict[str, Any], design: dict[str, Any]) -> dict[str, Any]:
    """Factor values of a design point from the manifest (for points with no runs)."""
    try:
        values = kind_of(design.get("model")).resolve(point.get("params", {}))
    except ValueError:  # a parameter that no longer exists: keep what the file said
        values = dict(point.get("params", {}))
    return {**values, **point.get("extra", {})}


def summarize(runs: pd.DataFrame, design: dict[str, Any]) -> pd.DataFrame:
    """One row per design point (ordered by point) of a sweep's ``runs`` (as
    :meth:`Store.read`) under ``design`` (the manifest's ``design``).

    Columns: ``point``, ``sub``, ``branch_method``, the design's factors, any other
    parameter that differs between points (what a sub-experiment fixes), ``n`` (ok runs),
    ``failed``, then ``<outcome>_mean``, ``_sd``, ``_ci_low``, ``_ci_high`` for every
    outcome. Design points with no runs yet get a row with ``n = 0``. Statistics use ok
    runs only; with fewer than two there is no spread to estimate, so ``sd`` and the
    interval are NaN (a zero-width interval would claim a certainty one run cannot give).
    """
    design = _design(design)
    kind = kind_of(design.get("model"))
    factors = [f for f in design.get("factors", []) if f != "branch_method"]
    by_point = runs.groupby("point", sort=True)
    first = by_point.head(1).set_index("point")

    varying = [name for name in kind.parameters
               if name not in factors and name != "branch_method"
               and param_column(name) in runs
               and first[param_column(name)].nunique(dropna=False) > 1]
    names = ["branch_method", *factors, *varying]

    rows: dict[int, dict[str, Any]] = {}
    for p in design.get("points", []):
        values = _design_values(p, design)
        rows[int(p["point"])] = {"point": int(p["point"]), "sub": p.get("sub", ""),
                                 **{k: values.get(k) for k in names}}
    sources = {k: _column(runs, k) for k in names}
    for point, row in first.iterrows():  # values as run, where there are runs
        known = rows.get(int(point), {})
        rows[int(point)] = {"point": int(point), "sub": row["sub"],
                            **{k: row[c] if c is not None else known.get(k)
                               for k, c in sources.items()}}
    frame = pd.DataFrame([rows[k] for k in sorted(rows)],
                         columns=["point", "sub", *names])
    frame["sub"] = frame["sub"].fillna("").astype(str)
    for k in names:  # object columns of plain values (bool, str, int, float)
        frame[k] = pd.Series([_plain(v) for v in frame[k]], dtype=object, index=frame.index)
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in frame[k]):
            frame[k] = pd.to_numeric(frame[k])

    ok = runs[runs["status"] == "ok"]
    index = pd.Index(frame["point"], name="point")
    frame["n"] = ok.groupby("point").size().reindex(index, fill_value=0).to_numpy()
    frame["failed"] = (runs[runs["status"] != "ok"].groupby("point").size()
                       .reindex(index, fill_value=0).to_numpy())

    columns: dict[str, np.ndarray] = {}
    outcomes = list(kind.outcomes)
    grouped = ok[["point", *outcomes]].replace([np.inf, -np.inf], np.nan).groupby("point")
    counts = grouped.count().reindex(index)
    means = grouped.mean().reindex(index)
    sds = grouped.std(ddof=1).reindex(index)
    for outcome in outcomes:
        n = counts[outcome].fillna(0).to_numpy(int)
        mean = means[outcome].to_numpy(float)
        sd = sds[outcome].to_numpy(float)
        few = n < 2
        t = np.full(n.shape, np.nan)
        t[~few] = _scipy_stats.t.ppf(0.5 + LEVEL / 2, n[~few] - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = t * sd / np.sqrt(n)
        low, high = _truncate(mean - half, mean + half, kind.bounds.get(outcome))
        sd = np.where(few, np.nan, sd)
        columns[f"{outcome}_mean"] = mean
        columns[f"{outcome}_sd"] = sd
        columns[f"{outcome}_ci_low"] = np.where(few, np.nan, low)
        columns[f"{outcome}_ci_high"] = np.where(few, np.nan, high)
    stats = pd.DataFrame(columns, index=frame.index)
    return pd.concat([frame, stats], axis=1)


def _mean_ci(grouped: Any, outcome: str, bounds: Any) -> dict[str, np.ndarray]:
    """Mean and truncated Student-t 95% CI of ``outcome`` per group (NaN below 2 runs)."""
    n = grouped[outcome].count().to_numpy(int)
    mean = grouped[outcome].mean().to_numpy(float)
    sd = grouped[outcome].std(ddof=1).to_numpy(float)
    few = n < 2
    t = np.full(n.shape, np.nan)
    t[~few] = _scipy_stats.t.ppf(0.5 + LEVEL / 2, n[~few] - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t * sd / np.sqrt(n)
    low, high = _truncate(mean - half, mean + half, bounds)
    return {f"{outcome}_mean": mean, f"{outcome}_ci_low": np.where(few, np.nan, low),
            f"{outcome}_ci_high": np.where(few, np.nan, high)}


def summarize_series(series: pd.DataFrame, summary: pd.DataFrame,
                     design: dict[str, Any]) -> pd.DataFrame:
    """One row per design point and kept week of a store's series (as
    :meth:`Store.read_series`): the point's identifying columns from ``summary`` (point,
    sub, branch method, factors), ``week``, ``n`` (runs) and for each series
    ``<outcome>_mean``, ``_ci_low`` and ``_ci_high`` (as in :func:`summarize`: truncated
    to the outcome's range, NaN with fewer than two runs)."""
    design = _design(design)
    kind = kind_of(design.get("model"))
    names = [c for c in design.get("series", []) if c in series]
    grouped = series.groupby(["point", "week"], sort=True)
    keys = grouped.size()
    frame = pd.DataFrame({"point": keys.index.get_level_values("point").to_numpy(),
                          "week": keys.index.get_level_values("week").to_numpy(),
                          "n": keys.to_numpy()})
    for outcome in names:
        for column, values in _mean_ci(grouped, outcome, kind.bounds.get(outcome)).items():
            frame[column] = values
    ident = summary.loc[:, :"failed"].drop(columns=["n", "failed"])
    return ident.merge(frame, on="point", how="inner")


# --- the report --------------------------------------------------------------------------
def write_report(directory: str | os.PathLike[str]) -> ReportResult:
    """Summarize the sweep in ``directory``: write ``summary.csv`` and the figures there
    (each atomically) and return them with a short text to print.

    Raises :class:`ValueError` for a directory with no sweep or no runs yet. A sweep still
    under way, or stopped, is reported as far as it got, and the text says so.
    """
    store = Store(directory)
    manifest = store.manifest()
    design = _design(manifest)
    runs = store.read()
    source = design.get("source") or "FILE"
    if runs.empty:
        raise ValueError(f"{store.dir} holds no runs yet: run `mobilize sweep {source} --out "
                         f"{store.dir}`")
    summary = summarize(runs, design)
    n_runs = int(design.get("n_runs", len(runs)))
    ok = int((runs["status"] == "ok").sum())
    failed = len(runs) - ok
    missing = max(n_runs - len(runs), 0)

    files: dict[str, Path] = {}
    files["summary"] = atomic_write(
        store.dir / SUMMARY, lambda tmp: summary.to_csv(tmp, index=False))
    explanations = explanations_outputs(runs, summary, design)
    if explanations is None:
        figures = report_figures(summary, design)
    else:  # on/off switches crossed with both methods: figures of their own
        table, figures = explanations
        files["explanations_table"] = atomic_write(
            store.dir / EXPLANATIONS_TABLE, lambda tmp: table.to_csv(tmp, index=False))
    series = store.read_series() if design.get("series") else None
    if series is not None and len(series):
        series_summary = summarize_series(series, summary, design)
        files["series_summary"] = atomic_write(
            store.dir / SERIES_SUMMARY, lambda tmp: series_summary.to_csv(tmp, index=False))
        figures[SERIES_FIGURE] = series_figure(series_summary, summary, design)
    for filename, fig in figures.items():
        files[filename.removesuffix(".png")] = save_figure(fig, store.dir / filename)

    lines = [f"{design.get('name', store.dir.name)}: {_design_text(summary, design)}",
             f"runs: {ok} ok, {failed} failed of {n_runs}"
             + (f"; {missing} missing: the sweep is unfinished (run `mobilize sweep {source} "
                f"--out {store.dir}` to finish it)" if missing else "")]
    if failed:
        first = runs.loc[runs["status"] != "ok", "error"].dropna()
        if len(first):
            lines.append(f"first error: {first.iloc[0]}")
    lines += ["", "recruitment rate (mobilized / initial population): mean [95% CI] per "
              "design point", _table(summary, design)]
    if explanations is not None:
        lines += ["", "on/off switches crossed with both methods: recruitment rate, mean "
                  "[95% CI], and the ratio welfare-first / quota-only [paired bootstrap 95% "
                  "CI] per combination (explanations.csv, explanations.png)",
                  explanations_text(explanations[0])]
    if not figures:
        lines.append("\nno figure: " + ("no run succeeded" if not ok else
                                        "the design has no numeric factor to plot"))
    elif explanations is None and shape(summary, design) == "scatter":
        lines.append("\nthe design has more than two factors or is sampled: the figure "
                     "plots point means against each factor (see `mobilize sensitivity`)")
    lines.append("\nWrote " + ", ".join(str(p) for p in files.values()))
    return ReportResult(summary=summary, files=files, text="\n".join(lines), ok=ok,
                        failed=failed, missing=missing, figures=figures)


def _design_text(summary: pd.DataFrame, design: dict[str, Any]) -> str:
    factors = design.get("factors", [])
    subs = design.get("subs", [])
    text = (f"{design.get('design', 'grid')} design, {len(summary)} points"
            + (f" over {', '.join(factors)}" if factors else ""))
    if subs:
        text += f"; sub-experiments {', '.join(repr(s) for s in subs)}"
    return text + f"; {design.get('replications')} replications, {design.get('weeks')} weeks"


def _table(summary: pd.DataFrame, design: dict[str, Any]) -> str:
    keys, axes = _layout(summary, design)
    shown = [k for k in ("sub", "branch_method") if k in keys]
    shown += [f for f in design.get("factors", []) if f in summary and f not in shown]
    header = ["point", *shown, "n", "mean [95% CI]"]
    rows = []
    for _, r in summary.iterrows():
        mean, low, high = (r[f"{MAIN}_{s}"] for s in ("mean", "ci_low", "ci_high"))
        rows.append([str(r["point"]), *(_value_text(_plain(r[k])) for k in shown),
                     f"{r['n']}" + (f" ({r['failed']} failed)" if r["failed"] else ""),
                     mean_ci_text(MAIN, mean, low, high) if np.isfinite(low)
                     else "-" if not np.isfinite(mean) else format_number(MAIN, mean)])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*row).rstrip() for row in rows]
    if len(lines) > TABLE_ROWS:
        head, tail = lines[:TABLE_ROWS - 5], lines[-4:]
        lines = [*head, f"... {len(lines) - len(head) - len(tail)} more points "
                 "(see summary.csv)", *tail]
    return "\n".join([fmt.format(*header).rstrip(), "  ".join("-" * w for w in widths),
                      *lines])



__all__ = ["FIGURE", "OUTCOMES_FIGURE", "SERIES_FIGURE", "SERIES_SUMMARY", "SUMMARY",
           "ReportResult", "report_figures", "series_figure", "shape", "summarize",
           "summarize_series", "write_report"]
