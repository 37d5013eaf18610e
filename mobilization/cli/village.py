"""``mobilize params``, ``run`` and ``compare``: the village's parameters, one village,
and the headline comparison of the two branch methods."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from ..experiments.formatting import format_number, mean_ci_text
from ..village.parameters import METHODS, PARAMETERS, PRESETS, defaults, groups, resolve
from .common import (
    NO_PROGRESS,
    SCHEDULER,
    SEED,
    SETTING,
    WEEKS,
    WORKERS,
    interrupted,
    parse_sets,
    report_resumed,
    setting_text,
    table,
    value_text,
    whole,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the village commands to ``mobilize``."""
    p = sub.add_parser("params", help="list every parameter: default, range, basis",
                       description="List every parameter: default, allowed range, basis "
                                   "(source, assumption, calibrated) and description.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(handler=cmd_params)

    c = sub.add_parser(
        "compare", help="run both branch methods over many villages",
        description="Run welfare-first and quota-only villages with common random numbers "
                    "(replication r of both methods uses the same seed); print each outcome "
                    "with its mean and 95% confidence interval and the target checks; write "
                    "summary.json, runs.parquet and compare.png. The runs are a sweep stored "
                    "in DIR (manifest.json, parts/, series/): running the same command again "
                    "resumes; a different design in DIR is refused.")
    c.add_argument("--replications", type=whole(2), default=100, metavar="N",
                   help="villages per method (default 100, at least 2)")
    c.add_argument("--weeks", **WEEKS)
    c.add_argument("--seed", **SEED)
    c.add_argument("--workers", **WORKERS)
    c.add_argument("--scheduler", **SCHEDULER)
    c.add_argument("--set", **SETTING)
    c.add_argument("--out", default="results/compare", type=Path, metavar="DIR",
                   help="output directory (default results/compare); running again resumes")
    c.add_argument("--json", action="store_true",
                   help="print summary.json to stdout instead of the tables")
    c.add_argument("--no-progress", **NO_PROGRESS)
    c.set_defaults(handler=cmd_compare)

    r = sub.add_parser("run", help="run one village and plot it",
                       description="Run one village; write its weekly outcomes (series.csv) "
                                   "and a figure (run.png); print the final outcomes.")
    r.add_argument("--method", choices=METHODS, default="welfare-first",
                   help="branch method (default welfare-first)")
    r.add_argument("--weeks", **WEEKS)
    r.add_argument("--seed", **SEED)
    r.add_argument("--set", **SETTING)
    r.add_argument("--out", default="results/run", type=Path, metavar="DIR",
                   help="output directory (default results/run)")
    r.add_argument("--json", action="store_true", help="print the final outcomes as JSON")
    r.set_defaults(handler=cmd_run)


def params_records() -> list[dict[str, Any]]:
    """Every parameter as a JSON-ready record (default resolved for the default method), in
    the table's order; ``group`` says which part of the model it belongs to."""
    resolved = defaults()
    out = []
    for name, p in PARAMETERS.items():
        rec: dict[str, Any] = {
            "name": name, "default": resolved[name], "kind": p.kind.__name__,
            "low": p.low, "high": p.high, "range": p.range_text(), "basis": p.basis,
            "doc": p.doc, "group": p.group,
        }
        if any(name in preset for preset in PRESETS.values()):
            rec["presets"] = {m: PRESETS[m][name] for m in METHODS}
        out.append(rec)
    return out


def cmd_params(args: argparse.Namespace) -> int:
    records = params_records()
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    by_name = {rec["name"]: rec for rec in records}
    heading = {}  # the first parameter of each group -> the group's heading
    ordered = []
    for group, names in groups().items():
        heading[names[0]] = f"[{group}] {len(names)} parameter{'s' if len(names) > 1 else ''}"
        ordered += [by_name[n] for n in names]
    rows, docs = [], []
    for rec in ordered:
        rows.append([rec["name"], value_text(rec["default"]), rec["range"], rec["basis"]])
        lines = []
        if "presets" in rec:
            lines.append("presets: " + ", ".join(
                f"{m} {value_text(v)}" for m, v in rec["presets"].items()))
        lines += textwrap.wrap(rec["doc"], 92)
        docs.append(lines)
    text = table(rows, ["name", "default", "range", "basis"]).splitlines()
    print(f"Parameters (defaults for branch_method={defaults()['branch_method']}; "
          f"change with --set NAME=VALUE)\n")
    print(text[0])
    print(text[1])
    for rec, row, lines in zip(ordered, text[2:], docs, strict=True):
        if rec["name"] in heading:
            print(f"\n{heading[rec['name']]}")
        print(row)
        for line in lines:
            print("    " + line)
    return 0


SAME = 1e-9
"""An outcome's sd below which its villages are all alike (a mean's rounding, not spread)."""


def compare_text(summary: dict[str, Any], files: dict[str, Path]) -> str:
    """The comparison's tables and target checks, as printed by ``mobilize compare``.
    The drawn structure (``drawn_*``) is shown only when villages differ in it."""
    from ..village.draws import OUTCOME_PREFIX
    from ..village.outcomes import OUTCOMES

    methods = list(summary["methods"])
    rows = []
    for outcome in OUTCOMES:
        if outcome.startswith(OUTCOME_PREFIX) and all(
                summary["methods"][m][outcome]["sd"] < SAME for m in methods):
            continue  # typical villages: the drawn structure is the parameters, not news
        row = [outcome]
        for m in methods:
            s = summary["methods"][m][outcome]
            row.append(mean_ci_text(outcome, s["mean"], *s["ci95"]))
        rows.append(row)
    parts = [
        f"{summary['replications']} villages per method, {summary['weeks']} weeks, "
        f"seed {summary['seed']}, parameters: {setting_text(summary['overrides'])}",
        "",
        table(rows, ["outcome", *(f"{m} mean [95% CI]" for m in methods)]),
        "",
        "Targets (Chen Yun 1939), checked on the means:",
    ]
    for t in summary["targets"]:
        parts.append(f"  {'PASS' if t['passed'] else 'FAIL'}  {t['target']}: {t['detail']}")
    passed = sum(t["passed"] for t in summary["targets"])
    parts.append(f"  {passed}/{len(summary['targets'])} targets met")
    parts += ["", "Wrote " + ", ".join(str(p) for p in files.values())]
    return "\n".join(parts)


def cmd_compare(args: argparse.Namespace) -> int:
    from ..experiments import compare as cmp  # imported here: loads scipy, pandas and mesa

    overrides = parse_sets(args.sets)
    cmp.validate(args.replications, args.weeks, args.seed, args.workers, overrides)
    try:
        result = cmp.compare(args.replications, args.weeks, args.seed, args.workers,
                             overrides, progress=not args.no_progress, out=args.out,
                             scheduler=args.scheduler)
    except KeyboardInterrupt:
        return interrupted(args.out)
    report_resumed(result.skipped, args.out)
    files = result.write(args.out)
    if args.json:
        sys.stdout.write(result.summary_json())
        print("wrote " + ", ".join(str(p) for p in files.values()), file=sys.stderr)
    else:
        print(compare_text(result.summary, files))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from ..experiments.files import atomic_write
    from ..experiments.plots import run_figure, save_figure
    from ..village.outcomes import OUTCOMES
    from ..village.run import weekly_series

    overrides = parse_sets(args.sets)
    if "branch_method" in overrides:
        raise ValueError("set the branch method with --method, not --set branch_method")
    params = resolve({**overrides, "branch_method": args.method})
    args.out.mkdir(parents=True, exist_ok=True)
    series = weekly_series(args.weeks, args.seed, **params)
    csv = atomic_write(args.out / "series.csv",
                       lambda tmp: series.to_csv(tmp, index=False, float_format="%.6g"))
    title = (f"One {args.method} village, {args.weeks} weeks, seed {args.seed}"
             + (f" ({setting_text(overrides)})" if overrides else ""))
    png = save_figure(run_figure(series, title), args.out / "run.png")
    final = {k: series[k].iloc[-1].item() for k in OUTCOMES}
    if args.json:
        print(json.dumps({"method": args.method, "weeks": args.weeks, "seed": args.seed,
                          "overrides": overrides, "outcomes": final}, indent=2))
        print(f"wrote {csv}, {png}", file=sys.stderr)
        return 0
    rows = [[k, ("yes" if v else "no") if k == "government_elected" else format_number(k, v),
             OUTCOMES[k]] for k, v in final.items()]
    print(f"{title}: outcomes at week {args.weeks}\n")
    print(table(rows, ["outcome", "value", "meaning"]))
    print(f"\nWrote {csv}, {png}")
    return 0
