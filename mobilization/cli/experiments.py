"""``mobilize sweep``, ``report``, ``sensitivity`` and ``calibrate``: experiment files run
on the sweep engine and the resumable store, locally or on a Dask cluster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .common import (
    NO_PROGRESS,
    PROG,
    SCHEDULER,
    WORKERS,
    interrupted,
    out_option,
    report_resumed,
)


def _experiment_command(sub: argparse._SubParsersAction, name: str, help_text: str,
                        description: str) -> argparse.ArgumentParser:
    e = sub.add_parser(name, help=help_text, description=description)
    e.add_argument("file", type=Path, metavar="FILE", help="experiment file (TOML)")
    out = out_option(None)
    e.add_argument("--out", **{**out, "help": out["help"] + "; running again resumes"})
    e.add_argument("--workers", **WORKERS)
    e.add_argument("--scheduler", **SCHEDULER)
    e.add_argument("--no-progress", **NO_PROGRESS)
    return e


def register(sub: argparse._SubParsersAction) -> None:
    """Add the experiment commands to ``mobilize``."""
    sw = _experiment_command(
        sub, "sweep", "run an experiment file: every design point and replication",
        "Run every (design point, replication) of an experiment file and store one row per "
        "run in DIR/parts/*.parquet, with DIR/manifest.json. Running the same command "
        "again resumes: finished runs are skipped; a changed design is refused.")
    sw.add_argument("--retry-failed", action="store_true",
                    help="run the runs recorded as failed again (after a fix)")
    sw.set_defaults(handler=cmd_sweep)
    rep = sub.add_parser(
        "report", help="summarize a sweep: summary.csv and figures",
        description="Summarize the runs of a sweep directory: DIR/summary.csv (mean, sd "
                    "and 95%% CI of each outcome per design point) and figures (a line with "
                    "a confidence band for a 1-D design, a heat map for a 2-D one; for on/off "
                    "switches crossed with both branch methods, DIR/explanations.png and "
                    "DIR/explanations.csv with the ratio of the methods per combination).")
    rep.add_argument("dir", type=Path, metavar="DIR", help="a sweep's output directory")
    rep.set_defaults(handler=cmd_report)
    _experiment_command(
        sub, "sensitivity", "global sensitivity analysis (SALib Sobol or Morris)",
        "Run the sampled design of an experiment file ([sample] method = sobol | morris) "
        "as a sweep, then estimate the sensitivity indices with SALib; write "
        "DIR/sensitivity.csv and a bar chart. A dummy factor shows the noise floor."
    ).set_defaults(handler=cmd_sensitivity)
    _experiment_command(
        sub, "calibrate", "fit the calibrated parameters to the targets",
        "Run the grid of an experiment file as a sweep and choose the values of the free "
        "parameters (basis 'calibrated') that best meet the file's [targets]; report the "
        "fitted values, the fit and how sensitive it is."
    ).set_defaults(handler=cmd_calibrate)


def experiment_out(args: argparse.Namespace, experiment: Any) -> Path:
    """``--out``, or ``results/<experiment name>``."""
    return args.out if args.out is not None else Path("results") / experiment.name


def _load(args: argparse.Namespace, command: str) -> Any:
    """Read the experiment file, warning (stderr) of tables this command does not read."""
    from ..experiments.experiment import load, unread_tables

    experiment = load(args.file)
    for message in unread_tables(experiment, command):
        print(f"{PROG}: warning: {message}", file=sys.stderr)
    return experiment


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..experiments.sweep import sweep

    experiment = _load(args, "sweep")
    out = experiment_out(args, experiment)
    print(f"{experiment.name}: {len(experiment.points)} design points x "
          f"{experiment.replications} replications = {experiment.n_runs} runs -> {out}",
          file=sys.stderr)
    try:
        result = sweep(experiment, out, workers=args.workers, scheduler=args.scheduler,
                       progress=not args.no_progress, retry_failed=args.retry_failed)
    except KeyboardInterrupt:
        return interrupted(out)
    report_resumed(result.skipped, out)
    print(f"{len(result.runs)} runs in {out / 'parts'} ({result.new} now); "
          f"{result.failed} failed")
    if result.failed:
        failed = result.runs[result.runs["status"] == "failed"]
        print(f"warning: {result.failed} runs failed; first error: {failed['error'].iloc[0]}"
              " (see the status and error columns)", file=sys.stderr)
    print(f"next: {PROG} report {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..experiments.report import write_report

    print(write_report(args.dir).text)
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from ..experiments.sensitivity import sensitivity

    experiment = _load(args, "sensitivity")
    result = sensitivity(experiment, experiment_out(args, experiment), workers=args.workers,
                         scheduler=args.scheduler, progress=not args.no_progress)
    print(result.text)
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from ..experiments.calibrate import calibrate

    experiment = _load(args, "calibrate")
    result = calibrate(experiment, experiment_out(args, experiment), workers=args.workers,
                       scheduler=args.scheduler, progress=not args.no_progress)
    print(result.text)
    return 0
