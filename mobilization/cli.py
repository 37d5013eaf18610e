"""The ``mobilize`` command line: ``params``, ``compare``, ``run``, the experiment
commands ``sweep``, ``report``, ``sensitivity`` and ``calibrate``, and ``dashboard``.

Bad input (unknown parameter, value out of range, bad option or number) exits with status
2 and a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .district.parameters import DISTRICT_PARAMETERS
from .village.outcomes import OUTCOMES, is_share
from .village.parameters import (
    HORIZON_WEEKS,
    METHODS,
    PARAMETERS,
    PRESETS,
    defaults,
    resolve,
)

PROG = "mobilize"
DEFAULT_SEED = 20241103  # as mobilization.experiments.compare.DEFAULT_SEED (not imported: slow)
MAX_WEEKS = 5200

# --- argument parsing --------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high]."""
    allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number {allowed}; got {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be a whole number {allowed}; got {text!r}")
        return value

    return convert


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def parse_value(name: str, text: str, table: dict | None = None) -> Any:
    """Parse ``text`` by the kind of parameter ``name`` (of ``table``, the village's by
    default); range checks are left to :func:`mobilization.village.parameters.resolve`. Raises
    ``ValueError`` with a one-line message.
    """
    table = PARAMETERS if table is None else table
    if name not in table:
        raise ValueError(f"unknown parameter: {name} (see `{PROG} params`"
                         + (f" and `{PROG} district --help`)" if table is not PARAMETERS
                            else ")"))
    p = table[name]
    if p.kind is bool:
        if text.strip().lower() in _TRUE:
            return True
        if text.strip().lower() in _FALSE:
            return False
        raise ValueError(f"{name} must be true or false; got {text!r}")
    if p.kind is str:
        return text
    try:
        return int(text) if p.kind is int else float(text)
    except ValueError:
        pass
    if p.kind is int:
        try:
            return float(text)  # "1e3" is a whole number; resolve() checks
        except ValueError:
            raise ValueError(
                f"{name} must be a whole number in {p.range_text()}; got {text!r}") from None
    raise ValueError(f"{name} must be a number in {p.range_text()}; got {text!r}")


def parse_sets(items: Sequence[str] | None, table: dict | None = None) -> dict[str, Any]:
    """``["NAME=VALUE", ...]`` to a parameter dict, each value parsed by its kind."""
    out: dict[str, Any] = {}
    for item in items or []:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"--set expects NAME=VALUE; got {item!r}")
        out[name] = parse_value(name, text.strip(), table)
    return out


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mobilize`` (exposed for documentation and tests)."""
    parser = _Parser(
        prog=PROG,
        description="Mass mobilization by village Party branches: an agent-based model "
                    "(Chen Yun 1939; Mao 1943).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("params", help="list every parameter: default, range, basis",
                       description="List every parameter: default, allowed range, basis "
                                   "(source, assumption, calibrated) and description.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    setting = {"action": "append", "metavar": "NAME=VALUE", "dest": "sets",
               "help": "set a parameter (repeatable); see `mobilize params`"}
    weeks = {"type": _whole(1, MAX_WEEKS), "default": HORIZON_WEEKS, "metavar": "W",
             "help": f"weeks to simulate (default {HORIZON_WEEKS})"}
    seed = {"type": _whole(0), "default": DEFAULT_SEED, "metavar": "S",
            "help": f"base random seed (default {DEFAULT_SEED})"}

    workers = {"type": _whole(1), "default": None, "metavar": "K",
               "help": "worker processes (default: all cores; 1 runs in this process)"}

    c = sub.add_parser(
        "compare", help="run both branch methods over many villages",
        description="Run welfare-first and quota-only villages with common random numbers "
                    "(replication r of both methods uses the same seed); print each outcome "
                    "with its mean and 95% confidence interval and the target checks; write "
                    "summary.json, runs.parquet and compare.png.")
    c.add_argument("--replications", type=_whole(2), default=100, metavar="N",
                   help="villages per method (default 100, at least 2)")
    c.add_argument("--weeks", **weeks)
    c.add_argument("--seed", **seed)
    c.add_argument("--workers", **workers)
    c.add_argument("--set", **setting)
    c.add_argument("--out", default="results/compare", type=Path, metavar="DIR",
                   help="output directory (default results/compare)")
    c.add_argument("--json", action="store_true",
                   help="print summary.json to stdout instead of the tables")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")

    r = sub.add_parser("run", help="run one village and plot it",
                       description="Run one village; write its weekly outcomes (series.csv) "
                                   "and a figure (run.png); print the final outcomes.")
    r.add_argument("--method", choices=METHODS, default="welfare-first",
                   help="branch method (default welfare-first)")
    r.add_argument("--weeks", **weeks)
    r.add_argument("--seed", **seed)
    r.add_argument("--set", **setting)
    r.add_argument("--out", default="results/run", type=Path, metavar="DIR",
                   help="output directory (default results/run)")
    r.add_argument("--json", action="store_true", help="print the final outcomes as JSON")

    def experiment_command(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        e = sub.add_parser(name, help=help_text, description=description)
        e.add_argument("file", type=Path, metavar="FILE", help="experiment file (TOML)")
        e.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="output directory (default results/<experiment name>); "
                            "running again resumes")
        e.add_argument("--workers", type=_whole(1), default=None, metavar="K",
                       help="local worker processes (default: all cores; 1 runs in this "
                            "process)")
        e.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on a Dask distributed cluster (e.g. tcp://host:8786) "
                            "instead of local processes")
        e.add_argument("--no-progress", action="store_true", help="no progress bar")
        return e

    sw = experiment_command(
        "sweep", "run an experiment file: every design point and replication",
        "Run every (design point, replication) of an experiment file and store one row per "
        "run in DIR/parts/*.parquet, with DIR/manifest.json. Running the same command "
        "again resumes: finished runs are skipped; a changed design is refused.")
    sw.add_argument("--retry-failed", action="store_true",
                    help="run the runs recorded as failed again (after a fix)")
    rep = sub.add_parser(
        "report", help="summarize a sweep: summary.csv and figures",
        description="Summarize the runs of a sweep directory: DIR/summary.csv (mean, sd "
                    "and 95%% CI of each outcome per design point) and figures (a line with "
                    "a confidence band for a 1-D design, a heat map for a 2-D one).")
    rep.add_argument("dir", type=Path, metavar="DIR", help="a sweep's output directory")
    experiment_command(
        "sensitivity", "global sensitivity analysis (SALib Sobol or Morris)",
        "Run the sampled design of an experiment file ([sample] method = sobol | morris) "
        "as a sweep, then estimate the sensitivity indices with SALib; write "
        "DIR/sensitivity.csv and a bar chart. A dummy factor shows the noise floor.")
    experiment_command(
        "calibrate", "fit the calibrated parameters to the targets",
        "Run the grid of an experiment file as a sweep and choose the values of the free "
        "parameters (basis 'calibrated') that best meet the file's [targets]; report the "
        "fitted values, the fit and how sensitive it is.")
    dist_help = "\n".join(
        f"  {p.name} (default {_value_text(p.default)}, {p.range_text()}): {p.doc}"
        for p in DISTRICT_PARAMETERS.values())
    ds = sub.add_parser(
        "district", help="run districts of villages: general call, pilots, guidance",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run districts of villages under one committee (docs/ODD.md, 7.14) and "
                    "print each district outcome's mean and 95% confidence interval. Runs "
                    "are stored as a sweep in --out (rerunning resumes). District "
                    "parameters, set with --set like the village ones (which apply to every "
                    "village; branches begin quota-only):\n\n" + dist_help)
    ds.add_argument("--replications", type=_whole(2), default=20, metavar="N",
                    help="districts (default 20, at least 2)")
    ds.add_argument("--weeks", **weeks)
    ds.add_argument("--seed", **seed)
    ds.add_argument("--workers", **workers)
    ds.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="run on a Dask distributed cluster instead of local processes")
    ds.add_argument("--set", **setting)
    ds.add_argument("--out", default=Path("results/district"), type=Path, metavar="DIR",
                    help="output directory (default results/district)")
    ds.add_argument("--json", action="store_true", help="print the summary as JSON")
    ds.add_argument("--no-progress", action="store_true", help="no progress bar")

    d = sub.add_parser(
        "dashboard", help="open the dashboard in a browser (Solara)",
        description="Serve the dashboard (mobilization/dashboard/app.py, a Solara app: one village "
                    "week by week, two villages side by side, and a district) and open it "
                    "in a browser. Stop it with Ctrl-C.")
    d.add_argument("--port", type=_whole(1, 65535), default=8765, metavar="P",
                   help="port to serve on (default 8765)")
    d.add_argument("--host", default="127.0.0.1", metavar="HOST",
                   help="address to listen on (default 127.0.0.1, this machine only)")
    d.add_argument("--no-open", action="store_true", help="do not open a browser")
    return parser


# --- formatting --------------------------------------------------------------------------
def _value_text(value: Any) -> str:
    if value is None:
        return "preset"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_number(outcome: str, x: float) -> str:
    """An outcome value for a table: percentages for shares, 4 significant digits else."""
    if is_share(outcome):
        return f"{100 * x:.2f}%"
    return f"{x:.4g}"


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header).rstrip(), line,
                      *(fmt.format(*r).rstrip() for r in rows)])


def params_records() -> list[dict[str, Any]]:
    """Every parameter as a JSON-ready record (default resolved for the default method)."""
    resolved = defaults()
    out = []
    for name, p in PARAMETERS.items():
        rec: dict[str, Any] = {
            "name": name, "default": resolved[name], "kind": p.kind.__name__,
            "low": p.low, "high": p.high, "range": p.range_text(), "basis": p.basis,
            "doc": p.doc,
        }
        if any(name in preset for preset in PRESETS.values()):
            rec["presets"] = {m: PRESETS[m][name] for m in METHODS}
        out.append(rec)
    return out


def _cmd_params(args: argparse.Namespace) -> int:
    records = params_records()
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    rows, docs = [], []
    for rec in records:
        rows.append([rec["name"], _value_text(rec["default"]), rec["range"], rec["basis"]])
        lines = []
        if "presets" in rec:
            lines.append("presets: " + ", ".join(
                f"{m} {_value_text(v)}" for m, v in rec["presets"].items()))
        lines += textwrap.wrap(rec["doc"], 92)
        docs.append(lines)
    table = _table(rows, ["name", "default", "range", "basis"]).splitlines()
    print(f"Parameters (defaults for branch_method={defaults()['branch_method']}; "
          f"change with --set NAME=VALUE)\n")
    print(table[0])
    print(table[1])
    for row, lines in zip(table[2:], docs, strict=True):
        print(row)
        for text in lines:
            print("    " + text)
    return 0


def mean_ci_text(outcome: str, mean: float, low: float, high: float) -> str:
    """``mean [low, high]`` of an outcome, each formatted as :func:`format_number`."""
    return (f"{format_number(outcome, mean)} [{format_number(outcome, low)}, "
            f"{format_number(outcome, high)}]")


def _compare_text(summary: dict[str, Any], files: dict[str, Path]) -> str:
    methods = list(summary["methods"])
    rows = []
    for outcome in OUTCOMES:
        row = [outcome]
        for m in methods:
            s = summary["methods"][m][outcome]
            row.append(mean_ci_text(outcome, s["mean"], *s["ci95"]))
        rows.append(row)
    over = summary["overrides"]
    setting = (", ".join(f"{k}={_value_text(v)}" for k, v in over.items())
               if over else "defaults")
    parts = [
        f"{summary['replications']} villages per method, {summary['weeks']} weeks, "
        f"seed {summary['seed']}, parameters: {setting}",
        "",
        _table(rows, ["outcome", *(f"{m} mean [95% CI]" for m in methods)]),
        "",
        "Targets (Chen Yun 1939), checked on the means:",
    ]
    for t in summary["targets"]:
        parts.append(f"  {'PASS' if t['passed'] else 'FAIL'}  {t['target']}: {t['detail']}")
    passed = sum(t["passed"] for t in summary["targets"])
    parts.append(f"  {passed}/{len(summary['targets'])} targets met")
    parts += ["", "Wrote " + ", ".join(str(p) for p in files.values())]
    return "\n".join(parts)


def _cmd_compare(args: argparse.Namespace) -> int:
    from .experiments import compare as cmp  # imported here: loads scipy, pandas and mesa

    overrides = parse_sets(args.sets)
    cmp.validate(args.replications, args.weeks, args.seed, args.workers, overrides)
    args.out.mkdir(parents=True, exist_ok=True)  # fail on a bad --out before the runs
    result = cmp.compare(args.replications, args.weeks, args.seed, args.workers, overrides,
                         progress=not args.no_progress)
    files = result.write(args.out)
    if args.json:
        sys.stdout.write(result.summary_json())
        print("wrote " + ", ".join(str(p) for p in files.values()), file=sys.stderr)
    else:
        print(_compare_text(result.summary, files))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .experiments.files import atomic_write
    from .experiments.plots import run_figure, save_figure
    from .village.run import weekly_series

    overrides = parse_sets(args.sets)
    if "branch_method" in overrides:
        raise ValueError("set the branch method with --method, not --set branch_method")
    params = resolve({**overrides, "branch_method": args.method})
    args.out.mkdir(parents=True, exist_ok=True)
    series = weekly_series(args.weeks, args.seed, **params)
    csv = atomic_write(args.out / "series.csv",
                       lambda tmp: series.to_csv(tmp, index=False, float_format="%.6g"))
    title = (f"One {args.method} village, {args.weeks} weeks, seed {args.seed}"
             + (f" ({', '.join(f'{k}={_value_text(v)}' for k, v in overrides.items())})"
                if overrides else ""))
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
    print(_table(rows, ["outcome", "value", "meaning"]))
    print(f"\nWrote {csv}, {png}")
    return 0


def _experiment_out(args: argparse.Namespace, experiment: Any) -> Path:
    return args.out if args.out is not None else Path("results") / experiment.name


def _cmd_sweep(args: argparse.Namespace) -> int:
    from .experiments.experiment import load
    from .experiments.sweep import sweep

    experiment = load(args.file)
    out = _experiment_out(args, experiment)
    print(f"{experiment.name}: {len(experiment.points)} design points x "
          f"{experiment.replications} replications = {experiment.n_runs} runs -> {out}",
          file=sys.stderr)
    try:
        result = sweep(experiment, out, workers=args.workers, scheduler=args.scheduler,
                       progress=not args.no_progress, retry_failed=args.retry_failed)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; the finished runs are in {out}: run the same command "
              "again to resume", file=sys.stderr)
        return 130
    if result.skipped:
        print(f"resumed: {result.skipped} runs were already in {out}", file=sys.stderr)
    print(f"{len(result.runs)} runs in {out / 'parts'} ({result.new} now); "
          f"{result.failed} failed")
    if result.failed:
        failed = result.runs[result.runs["status"] == "failed"]
        print(f"warning: {result.failed} runs failed; first error: {failed['error'].iloc[0]}"
              " (see the status and error columns)", file=sys.stderr)
    print(f"next: {PROG} report {out}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .experiments.report import write_report

    result = write_report(args.dir)
    print(result.text)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .experiments.experiment import load
    from .experiments.sensitivity import sensitivity

    experiment = load(args.file)
    out = _experiment_out(args, experiment)
    result = sensitivity(experiment, out, workers=args.workers, scheduler=args.scheduler,
                         progress=not args.no_progress)
    print(result.text)
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from .experiments.calibrate import calibrate
    from .experiments.experiment import load

    experiment = load(args.file)
    out = _experiment_out(args, experiment)
    result = calibrate(experiment, out, workers=args.workers, scheduler=args.scheduler,
                       progress=not args.no_progress)
    print(result.text)
    return 0


def _cmd_district(args: argparse.Namespace) -> int:
    from .district.model import DISTRICT_OUTCOMES
    from .experiments.experiment import parse
    from .experiments.kinds import DISTRICT
    from .experiments.report import summarize
    from .experiments.sweep import sweep

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
    setting = (", ".join(f"{k}={_value_text(v)}" for k, v in overrides.items())
               if overrides else "defaults")
    rows = []
    for k, meaning in DISTRICT_OUTCOMES.items():
        s = summary["outcomes"][k]
        text = "n/a" if s["mean"] is None else mean_ci_text(k, s["mean"], *s["ci95"])
        rows.append([k, text, meaning])
    print(f"{args.replications} districts, {args.weeks} weeks, seed {args.seed}, "
          f"parameters: {setting}\n")
    print(_table(rows, ["outcome", "mean [95% CI]", "meaning"]))
    print(f"\nRuns in {args.out} (rerunning resumes; `{PROG} report {args.out}`)")
    return 0


def _float(x: Any) -> float | None:
    x = float(x)
    return None if x != x else x


def _cmd_dashboard(args: argparse.Namespace) -> int:
    import socket
    import subprocess

    app = Path(__file__).resolve().parent / "dashboard" / "app.py"
    try:
        with socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET) as s:
            s.bind((args.host, args.port))
    except OSError as e:
        raise ValueError(f"cannot serve on {args.host}:{args.port}: {e.strerror or e} "
                         "(choose another --port)") from None
    command = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host,
               "--port", str(args.port), "--production",
               "--no-open" if args.no_open else "--open"]
    # No telemetry: the page and the server talk to nothing but each other.
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    print(f"dashboard at http://{args.host}:{args.port}/ (Ctrl-C stops it)", file=sys.stderr)
    proc = subprocess.Popen(command, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        return 130


COMMANDS = {"params": _cmd_params, "compare": _cmd_compare, "run": _cmd_run,
            "sweep": _cmd_sweep, "report": _cmd_report, "sensitivity": _cmd_sensitivity,
            "calibrate": _cmd_calibrate, "district": _cmd_district,
            "dashboard": _cmd_dashboard}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mobilize`` and ``python -m mobilization``; returns the exit status
    (0 success, 1 could not write output, 2 bad input, 130 interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or an argparse error (already printed)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        return COMMANDS[args.command](args)
    except ValueError as e:
        print(f"{PROG}: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `mobilize params | head`: the reader left; stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as e:
        print(f"{PROG}: error: {_one_line(e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__
