"""Global sensitivity analysis of a sampled experiment with SALib: Sobol or Morris.

:func:`sensitivity` runs the experiment's design as a sweep (resumable, local or on Dask)
and estimates, for each output of ``[analysis] outputs`` and each sub-experiment:

* Sobol (Saltelli's sample, ``[sample] method = "sobol"``): first-order ``S1`` and total
  ``ST`` indices with bootstrap confidence half-widths (95%);
* Morris (``method = "morris"``): ``mu_star`` with its confidence half-width, ``mu`` and
  ``sigma`` of the elementary effects.

Every design row has its own seed (``seeding = "independent"``), so the replication noise
is part of what the indices measure; the ``dummy`` factor, which the model never reads,
shows how large an index pure noise gives. A parameter stands *above the noise floor*
when the lower end of its interval (``ST - ST_conf``, or ``mu_star - mu_star_conf``)
exceeds the upper end of the dummy's. The response of a design row is the mean of its
replications.

The ``[analysis]`` table of the experiment file::

    [analysis]
    outputs = ["recruitment_rate", "share_active"]   # default ["recruitment_rate"]
    num_resamples = 1000                             # bootstrap resamples (default 1000)

Files written in the output directory, next to the sweep's store:

* ``sensitivity.csv``: the first output of the first sub-experiment, columns
  ``parameter, S1, S1_conf, ST, ST_conf`` (Sobol) or
  ``parameter, mu_star, mu_star_conf, mu, sigma`` (Morris);
* ``sensitivity_all.csv``: every output and sub-experiment (long form, with ``sub``,
  ``outcome`` and ``above_noise``);
* ``sensitivity.png``: one bar chart panel per output and sub-experiment.
"""

from __future__ import annotations

import math
import numbers
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..village.outcomes import OUTCOMES
from ..village.parameters import PARAMETERS
from .experiment import DUMMY, Experiment, ExperimentError, Locator, problem, sample_matrix
from .files import write_text
from .sensitivity_figure import _MAIN, figure

if TYPE_CHECKING:
    pass

METHODS = ("sobol", "morris")
DEFAULT_OUTPUTS = ("recruitment_rate",)
DEFAULT_RESAMPLES = 1000
CONF_LEVEL = 0.95
_ANALYSIS_KEYS = {"outputs", "num_resamples"}

COLUMNS = {
    "sobol": ("parameter", "S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("parameter", "mu_star", "mu_star_conf", "mu", "sigma"),
}
"""Columns of ``sensitivity.csv`` for each method."""



@dataclass
class SensitivityResult:
    """What :func:`sensitivity` found: ``table`` is the long form (every output and
    sub-experiment, as ``sensitivity_all.csv``), ``files`` the files written, ``text``
    the printed summary."""

    table: pd.DataFrame
    files: dict[str, Path]
    text: str


# --- checking the design -----------------------------------------------------------------
def _locator(experiment: Experiment) -> Locator:
    text = ""
    if experiment.path is not None:
        try:
            text = experiment.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
    return Locator(text, experiment.path)


def check(experiment: Experiment) -> tuple[list[str], int]:
    """The outputs to analyse and the bootstrap resamples, from ``[analysis]``; raises
    :class:`ValueError` for a design SALib cannot analyse, before anything runs."""
    loc = _locator(experiment)
    if experiment.model != "village":
        raise ExperimentError(f"{loc.where}: sensitivity analysis runs village experiments "
                              f"only; this one is a {experiment.model} experiment")
    if experiment.design not in METHODS:
        raise ExperimentError(
            f"{loc.where}: sensitivity analysis needs a sampled design with [sample] "
            f"method = \"sobol\" or \"morris\"; this experiment is a {experiment.design} "
            "design (run it with `mobilize sweep`)")
    spec = experiment.tables.get("analysis", {})
    for key in spec:
        if key not in _ANALYSIS_KEYS:
            raise loc.error(f"unknown key (allowed: {', '.join(sorted(_ANALYSIS_KEYS))})",
                            "analysis", key)
    outputs = spec.get("outputs", list(DEFAULT_OUTPUTS))
    if (not isinstance(outputs, list) or not outputs
            or not all(isinstance(o, str) for o in outputs)):
        raise loc.error(f"must be a non-empty list of outcome names; got {outputs!r}",
                        "analysis", "outputs")
    for name in outputs:
        if name not in OUTCOMES:
            raise loc.error(f"unknown outcome {name!r} (known: {', '.join(OUTCOMES)})",
                            "analysis", "outputs")
    if len(set(outputs)) != len(outputs):
        raise loc.error("names an outcome twice", "analysis", "outputs")
    resamples = spec.get("num_resamples", DEFAULT_RESAMPLES)
    if (isinstance(resamples, bool) or not isinstance(resamples, numbers.Integral)
            or not 10 <= resamples <= 100_000):
        raise loc.error(f"must be a whole number in [10, 100000]; got {resamples!r}",
                        "analysis", "num_resamples")
    return list(outputs), int(resamples)


def _analysis_seed(experiment: Experiment) -> int:
    # Fixed by the experiment's seed, apart from the seeds of the runs and the sample.
    return int(np.random.SeedSequence([experiment.seed, 1]).generate_state(1)[0])


def _responses(experiment: Experiment, runs: pd.DataFrame, outputs: list[str]
               ) -> pd.DataFrame:
    """Mean of each output over the replications of every design point (row = point);
    refuses when a run failed or is missing, since SALib needs every row."""
    n_points = len(experiment.points)
    expected = pd.MultiIndex.from_product([range(n_points), range(experiment.replications)],
                                          names=["point", "replication"])
    present = pd.MultiIndex.from_frame(runs[["point", "replication"]].astype("int64"))
    missing = len(expected.difference(present))
    in_design = present.isin(expected)
    not_ok = (runs["status"] != "ok").to_numpy(dtype=bool, na_value=True)
    failed_rows = runs[in_design & not_ok]
    if len(failed_rows) or missing:
        parts = []
        if len(failed_rows):
            first = failed_rows["error"].dropna()
            parts.append(f"{len(failed_rows)} runs failed"
                         + (f" (first error: {first.iloc[0]})" if len(first) else ""))
        if missing:
            parts.append(f"{missing} runs are missing")
        raise ValueError(
            f"{' and '.join(parts)} of the {experiment.n_runs} runs of {experiment.name!r}; "
            "SALib needs a response for every row of the sample matrix, so no indices were "
            "estimated. A resumed sweep runs the missing runs but not the failed ones: fix "
            "the cause, then use another --out or remove the directory")
    ok = runs[in_design]
    means = ok.groupby("point")[outputs].mean().reindex(range(n_points))
    return means


def _check_matrix(experiment: Experiment, matrix: np.ndarray, names: list[str]) -> None:
    # The matrix SALib draws now must be the one the design points were made from.
    block = [p for p in experiment.points if p.sub == experiment.points[0].sub]
    if len(block) != len(matrix):
        raise ValueError(f"the sample has {len(matrix)} rows but each sub-experiment "
                         f"{len(block)} points; was the experiment made with another SALib?")
    for j, name in enumerate(names):
        if name != DUMMY and PARAMETERS[name].kind is int:
            continue  # rounded in the design points; SALib's unrounded values are used
        values = np.array([p.extra[name] if name == DUMMY else p.params[name] for p in block],
                          dtype=float)
        if not np.allclose(values, matrix[:, j], rtol=1e-12, atol=1e-12):
            raise ValueError(f"the sample matrix drawn now differs from the design points "
                             f"in {name}; was the experiment made with another SALib?")


def _analyse_one(method: str, prob: dict[str, Any], x: np.ndarray | None, y: np.ndarray,
                 resamples: int, seed: int, num_levels: int) -> dict[str, np.ndarray]:
    from SALib.analyze import morris, sobol

    d = prob["num_vars"]
    if not np.all(np.isfinite(y)):
        raise ValueError("an output is not finite in some design rows")
    if np.ptp(y) == 0:  # SALib would divide by a zero variance
        zeros, nan = np.zeros(d), np.full(d, np.nan)
        if method == "sobol":
            return {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
        return {"mu_star": zeros, "mu_star_conf": zeros, "mu": zeros, "sigma": zeros}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "sobol":
            res = sobol.analyze(prob, y, calc_second_order=False, num_resamples=resamples,
                                conf_level=CONF_LEVEL, seed=seed)
        else:
            res = morris.analyze(prob, x, y, num_resamples=resamples, conf_level=CONF_LEVEL,
                                 num_levels=num_levels, seed=seed)
    return {k: np.asarray(res[k], dtype=float) for k in COLUMNS[method][1:]}


def _noise(frame: pd.DataFrame, method: str) -> pd.Series:
    index, conf = _MAIN[method]
    dummy = frame[frame["parameter"] == DUMMY]
    if dummy.empty or not np.isfinite(dummy[index].iloc[0]):
        return pd.Series(pd.NA, index=frame.index, dtype="boolean")
    floor = float(dummy[index].iloc[0] + dummy[conf].iloc[0])
    above = (frame[index] - frame[conf]) > floor
    above[frame["parameter"] == DUMMY] = False
    return above.astype("boolean")


def analyze(experiment: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices of every output of ``[analysis]`` and every sub-experiment,
    from the runs of ``experiment`` (as
    :meth:`mobilization.experiments.store.Store.read` gives them).

    Long form, one row per (sub, outcome, parameter), parameters in the order of the
    SALib problem with the dummy last: ``sub, outcome, parameter``, the method's columns
    (:data:`COLUMNS`) and ``above_noise`` (NA without a dummy). Raises :class:`ValueError`
    if a run failed or is missing.
    """
    outputs, resamples = check(experiment)
    method, sample = experiment.design, experiment.sample
    assert sample is not None
    prob = problem(experiment.ranges, sample["dummy"])
    x = None
    if method == "morris":
        x = sample_matrix(sample, experiment.ranges, experiment.seed)
        _check_matrix(experiment, x, prob["names"])
    means = _responses(experiment, runs, outputs)
    seed = _analysis_seed(experiment)
    subs = list(dict.fromkeys(p.sub for p in experiment.points))
    frames = []
    for sub in subs:
        rows = [p.index for p in experiment.points if p.sub == sub]
        for outcome in outputs:
            y = means.loc[rows, outcome].to_numpy(dtype=float)
            try:
                indices = _analyse_one(method, prob, x, y, resamples, seed,
                                       sample.get("num_levels", 4))
            except ValueError as e:
                where = f" of sub-experiment {sub!r}" if sub else ""
                raise ValueError(f"cannot analyse {outcome}{where}: {e}") from None
            frame = pd.DataFrame({"sub": sub, "outcome": outcome,
                                  "parameter": prob["names"], **indices})
            frame["above_noise"] = _noise(frame, method)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# --- output ------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return "nan" if not math.isfinite(x) else f"{x:.3f}"


def _text_table(part: pd.DataFrame, method: str) -> str:
    columns = COLUMNS[method][1:]
    header = ["parameter", *columns, "above noise"]
    rows = [[r["parameter"], *(_fmt(r[c]) for c in columns),
             "-" if r["parameter"] == DUMMY or pd.isna(r["above_noise"])
             else ("yes" if r["above_noise"] else "no")]
            for _, r in part.iterrows()]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join([f"{{:<{widths[0]}}}", *(f"{{:>{w}}}" for w in widths[1:])])
    lines = [fmt.format(*header), "  ".join("-" * w for w in widths)]
    lines += [fmt.format(*row) for row in rows]
    return "\n".join(lines)


def summary(table: pd.DataFrame, method: str) -> str:
    """The indices of every output and sub-experiment as text, with the parameters that
    stand above the noise floor."""
    index, conf = _MAIN[method]
    blocks = []
    for (sub, outcome), part in table.groupby(["sub", "outcome"], sort=False):
        title = f"{outcome}" + (f", sub-experiment {sub!r}" if sub else "")
        lines = [title, _text_table(part, method)]
        dummy = part[part["parameter"] == DUMMY]
        if dummy.empty:
            lines.append("no dummy factor: add `dummy = true` to [sample] to see the noise "
                         "floor")
        elif not np.isfinite(dummy[index].iloc[0]):
            lines.append(f"{outcome} does not vary over the design: no indices")
        else:
            floor = float(dummy[index].iloc[0] + dummy[conf].iloc[0])
            above = list(part.loc[part["above_noise"].fillna(False).astype(bool),
                                  "parameter"])
            lines.append(f"noise floor (dummy {index} + {conf}): {floor:.3f}; above it "
                         f"({index} - {conf} > floor): "
                         + (", ".join(above) if above else "none"))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def sensitivity(
    experiment: Experiment,
    out: str | os.PathLike[str],
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    *,
    simulate_fn: Callable[..., dict[str, Any]] | None = None,
) -> SensitivityResult:
    """Run the Sobol or Morris design of ``experiment`` as a sweep into ``out`` (resuming
    any runs already there), estimate the indices (:func:`analyze`) and write
    ``sensitivity.csv``, ``sensitivity_all.csv`` and ``sensitivity.png`` in ``out``.

    ``simulate_fn`` replaces the model (for tests; see
    :func:`mobilization.experiments.sweep.sweep`).
    Raises :class:`ValueError` for a design that is not Sobol or Morris, a bad
    ``[analysis]`` table, or failed or missing runs.
    """
    from .plots import save_figure
    from .sweep import sweep

    check(experiment)  # before anything runs
    kwargs = {"simulate_fn": simulate_fn} if simulate_fn is not None else {}
    result = sweep(experiment, out, workers=workers, scheduler=scheduler, progress=progress,
                   **kwargs)
    table = analyze(experiment, result.runs)
    method = experiment.design
    out = Path(out)
    first = table[(table["sub"] == table["sub"].iloc[0])
                  & (table["outcome"] == table["outcome"].iloc[0])]
    files = {
        "sensitivity.csv": out / "sensitivity.csv",
        "sensitivity_all.csv": out / "sensitivity_all.csv",
        "sensitivity.png": out / "sensitivity.png",
    }
    write_text(files["sensitivity.csv"],
               first[list(COLUMNS[method])].to_csv(index=False, float_format="%.6g"))
    write_text(files["sensitivity_all.csv"], table.to_csv(index=False, float_format="%.6g"))
    assert experiment.sample is not None
    n = experiment.sample["n"]
    reps = experiment.replications
    label = "Sobol (Saltelli)" if method == "sobol" else "Morris"
    title = (f"{experiment.name}: {label} sensitivity, N = {n}, {len(experiment.points):,} "
             f"design rows x {reps} replication{'s' * (reps > 1)}\n"
             f"bars: estimate with {int(CONF_LEVEL * 100)}% interval; "
             f"* bold = {_MAIN[method][0]} interval above the noise floor")
    save_figure(figure(table, method, title), files["sensitivity.png"])

    head = (f"{experiment.name}: {label} sensitivity analysis, N = {n}, "
            f"{len(experiment.points)} design rows x {reps} replication{'s' * (reps > 1)} = "
            f"{experiment.n_runs} runs ({result.new} new, {result.skipped} reused from "
            f"{out}); seeding {experiment.seeding}; {int(CONF_LEVEL * 100)}% intervals")
    text = "\n\n".join([head, summary(table, method),
                        "Wrote " + ", ".join(str(p) for p in files.values())])
    return SensitivityResult(table=table, files=files, text=text)
