"""``mobilize district``: districts of villages under one committee (Mao 1943), run as a
sweep into a resumable store, each district outcome with its 95% confidence interval."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..district.parameters import DISTRICT_PARAMETERS
from ..experiments.formatting import mean_ci_text
from .common import (
    NO_PROGRESS,
    PROG,
    SCHEDULER,
    SEED,
    SETTING,
    WEEKS,
    WORKERS,
    parse_sets,
    setting_text,
    table,
    value_text,
    whole,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``mobilize district``."""
    dist_help = "\n".join(
        f"  {p.name} (default {value_text(p.default)}, {p.range_text()}): {p.doc}"
        for p in DISTRICT_PARAMETERS.values())
    ds = sub.add_parser(
        "district", help="run districts of villages: general call, pilots, guidance",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run districts of villages under one committee (docs/ODD.md, 7.14) and "
                    "print each district outcome's mean and 95% confidence interval. Runs "
                    "are stored as a sweep in --out (rerunning resumes). District "
                    "parameters, set with --set like the village ones (which apply to every "
                    "village; branches begin quota-only):\n\n" + dist_help)
    ds.add_argument("--replications", type=whole(2), default=20, metavar="N",
                    help="districts (default 20, at least 2)")
    ds.add_argument("--weeks", **WEEKS)
    ds.add_argument("--seed", **SEED)
    ds.add_argument("--workers", **WORKERS)
    ds.add_argument("--scheduler", **SCHEDULER)
    ds.add_argument("--set", **SETTING)
    ds.add_argument("--out", default=Path("results/district"), type=Path, metavar="DIR",
                    help="output directory (default results/district)")
    ds.add_argument("--json", action="store_true", help="print the summary as JSON")
    ds.add_argument("--no-progress", **NO_PROGRESS)
    ds.set_defaults(handler=cmd_district)


def _float(x: Any) -> float | None:
    x = float(x)
    return None if x != x else x


def cmd_district(args: argparse.Namespace) -> int:
    from ..district.model import DISTRICT_OUTCOMES
    from ..experiments.experiment import parse
    from ..experiments.kinds import DISTRICT
    from ..experiments.report import summarize
    from ..experiments.sweep import sweep

    overrides = parse_sets(args.sets, DISTRICT.parameters)
    DISTRICT.resolve(overrides)  # refuse bad values before anything runs
    fixed = "\n".join(f"{k} = {json.dumps(v)}" for k, v in overrides.items())
    experiment = parse(
        f'[experiment]\nname = "district"\nmodel = "district"\nweeks = {args.weeks}\n'
        f"replications = {args.replications}\nseed = {args.seed}\n\n[fixed]\n{fixed}\n",
        args.out / "district.toml")
    result = sweep(experiment, args.out, workers=args.workers, scheduler=args.scheduler,
                   progress=not args.no_progress)
    if result.failed:
        first = result.runs.loc[result.runs["status"] == "failed", "error"].iloc[0]
        raise ValueError(f"{result.failed} districts failed; first error: {first}")
    row = summarize(result.runs, experiment.manifest()).iloc[0]
    summary = {
        "replications": args.replications, "weeks": args.weeks, "seed": args.seed,
        "overrides": overrides, "out": str(args.out),
        "outcomes": {k: {"mean": _float(row[f"{k}_mean"]),
                         "ci95": [_float(row[f"{k}_ci_low"]), _float(row[f"{k}_ci_high"])]}
                     for k in DISTRICT_OUTCOMES},
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    rows = []
    for k, meaning in DISTRICT_OUTCOMES.items():
        s = summary["outcomes"][k]
        text = "n/a" if s["mean"] is None else mean_ci_text(k, s["mean"], *s["ci95"])
        rows.append([k, text, meaning])
    print(f"{args.replications} districts, {args.weeks} weeks, seed {args.seed}, "
          f"parameters: {setting_text(overrides)}\n")
    print(table(rows, ["outcome", "mean [95% CI]", "meaning"]))
    print(f"\nRuns in {args.out} (rerunning resumes; `{PROG} report {args.out}`)")
    return 0
