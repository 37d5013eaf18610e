"""Experiment files: a design of parameter points and replications, read from TOML.

An experiment file says what to run, never how (workers, cluster) or where (output
directory); those belong to the command line. The shape::

    [experiment]
    name = "dose_response"
    weeks = 104            # optional: the model's horizon otherwise
    replications = 50
    seed = 12345
    seeding = "common"     # optional: "common" (grids) or "independent" (samples)
    series = ["recruitment_rate", "army_rate"]   # optional: outcomes kept over time
    series_every = 1       # optional: keep them every k weeks, k in [1, weeks]

    [fixed]                # parameters held fixed
    branch_method = "welfare-first"

    [grid]                 # full factorial: a list, or {start, stop, step} (stop included)
    vital_interest_share = {start = 0.0, stop = 1.0, step = 0.1}

or, instead of ``[grid]``, a sampled design::

    [sample]
    method = "sobol"       # "lhs" | "sobol" | "morris"
    n = 1024               # base sample size (Sobol: a power of 2; Morris: trajectories)
    dummy = true           # add a parameter the model ignores: its index is the noise floor

    [ranges]
    enlist_hazard = [0.002, 0.01]

An optional ``[report]`` table chooses the outcomes of the report's second figure
(``report_outcomes.png``) in place of the usual key outcomes; it changes no run, so adding
it to a finished sweep's file and sweeping again (nothing reruns) updates the report::

    [report]
    outcomes = ["decision_quality_early", "decision_quality_late", "measures_won"]

Sub-experiments, as in NetLogo's BehaviorSpace, run side by side and are not crossed with
each other; each takes the top-level ``[fixed]`` and design and adds its own::

    [[sub]]
    name = "learns from the masses"
    fixed = {learn_from_masses = true}

    [[sub]]
    name = "own ideas"
    fixed = {learn_from_masses = false}
    grid = {gentry_power = [0.4, 0.8]}     # crossed with the top-level grid

Seeds come from :class:`numpy.random.SeedSequence`. With ``seeding = "common"`` (the default
for grids) replication ``r`` of every point uses the same seed, the one
:func:`mobilization.experiments.compare.replication_seeds` gives, so points differ only in their
parameters (common random numbers). With ``"independent"`` (the default for sampled
designs, as sensitivity analysis needs) point ``i``, replication ``r`` uses
``SeedSequence(seed, spawn_key=(i, r))``. Either way a run's seed depends only on its point
and replication.

``series`` names outcomes of the model (``mobilize params`` lists a village's; a district's
are its own) to keep over time as well as at the end: every ``series_every`` weeks from week
0, and always at the last week, so a series ends at the run's end-of-run value. They are
stored beside the run rows, in ``DIR/series/*.parquet`` (long form: one row per run and
week), and ``mobilize report`` draws them. The series are part of what a run produces: asking
for them changes the run ids, so a store made without them is a different design.

Everything is checked before anything runs: an unknown parameter, a value out of range or a
malformed table raises :class:`ExperimentError`, whose message names the file, the line and
the problem.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import numbers
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from ..village.parameters import HORIZON_WEEKS, _check_value
from .design import (
    DUMMY,
    MAX_RUNS,
    SAMPLE_METHODS,
    SEEDINGS,
    Experiment,
    ExperimentError,
    Point,
    Run,
    problem,
    sample_matrix,
)
from .kinds import KINDS, VILLAGE

__all__ = ["DUMMY", "Experiment", "ExperimentError", "Locator", "Point", "Run", "load",
           "parse", "problem", "sample_matrix"]

_TABLES = {"experiment", "fixed", "grid", "sample", "ranges", "sub", "analysis",
           "calibrate", "targets", "report"}
_EXPERIMENT_KEYS = {"name", "description", "weeks", "replications", "seed", "seeding",
                    "model", "series", "series_every"}
_SAMPLE_KEYS = {"method", "n", "dummy", "num_levels"}
_SUB_KEYS = {"name", "fixed", "grid"}


# --- reading -----------------------------------------------------------------------------
class Locator:
    """Finds the line of a key in an experiment file's text, for error messages (used by
    the readers of the file's own tables too: ``[calibrate]``, ``[analysis]``)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str, path: Path | None):
        self.lines = text.splitlines()
        self.where = str(path) if path else "experiment"
        self.kind = VILLAGE  # whose parameters the file may set

    def line(self, table: str, key: str | None = None, occurrence: int = 0) -> int | None:
        """1-based line of ``key`` in ``table``, else of the table's header, else None.

        ``sub`` tables count ``[[sub]]`` headers: ``occurrence`` picks one, and
        ``sub.fixed`` finds the key in ``[sub.fixed]`` or in an inline ``fixed = {...}``.
        """
        top = table.split(".")[0]
        key_at_start = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=') if key else None
        key_inline = re.compile(rf'[{{,.]\s*"?{re.escape(key)}"?\s*=') if key else None
        section, subs_seen, header_line = None, -1, None
        for i, text in enumerate(self.lines, start=1):
            m = self._HEADER.match(text)
            if m:
                section = m.group(1)
                if section == top and text.lstrip().startswith("[["):
                    subs_seen += 1
                if header_line is None and self._inside(section, table, subs_seen,
                                                        occurrence):
                    header_line = i
                continue
            if key is None or not self._inside(section, table, subs_seen, occurrence):
                continue
            if key_at_start.match(text) or key_inline.search(text):
                return i
        return header_line

    @staticmethod
    def _inside(section: str | None, table: str, subs_seen: int, occurrence: int) -> bool:
        if section is None:
            return False
        if table.split(".")[0] == "sub":
            return subs_seen == occurrence and section in ("sub", table)
        return section == table

    def error(self, message: str, table: str | None = None, key: str | None = None,
              occurrence: int = 0) -> ExperimentError:
        line = self.line(table, key, occurrence) if table else None
        where = f"{self.where}, line {line}" if line else self.where
        what = f"[{table}] {key}: " if table and key else (f"[{table}]: " if table else "")
        return ExperimentError(f"{where}: {what}{message}")


def load(path: str | os.PathLike[str]) -> Experiment:
    """Read and validate an experiment file; raises :class:`ExperimentError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExperimentError(f"{path}: no such experiment file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ExperimentError(f"{path}: cannot read the experiment file ({e})") from None
    return parse(text, path)


def parse(text: str, path: str | os.PathLike[str] | None = None) -> Experiment:
    """Validate the text of an experiment file (see the module docstring)."""
    path = Path(path) if path is not None else None
    loc = Locator(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ExperimentError(f"{loc.where}: not valid TOML: {e}") from None

    unknown = sorted(set(data) - _TABLES)
    if unknown:
        raise loc.error(f"unknown table (allowed: {', '.join(sorted(_TABLES))})", unknown[0])
    for name in ("experiment", "fixed", "grid", "sample", "ranges", "analysis", "calibrate",
                 "targets", "report"):
        if name in data and not isinstance(data[name], dict):
            raise ExperimentError(f"{loc.where}: '{name}' must be a table, [{name}]")
        if name in data and not data[name] and name != "fixed":
            raise loc.error("is empty; give its entries or remove the table", name)

    head = data.get("experiment")
    if head is None:
        raise ExperimentError(f"{loc.where}: missing the [experiment] table (name, "
                              "replications, seed)")
    _unknown_keys(loc, "experiment", head, _EXPERIMENT_KEYS)
    name = head.get("name")
    # The name becomes the default output directory, results/<name>: an identifier, so
    # that it can never be '.', '..', absolute, or reach outside results/.
    if not isinstance(name, str) or not re.fullmatch(r"\w[\w\-]*", name):
        raise loc.error("must be a name of letters, digits, '_' or '-' (no spaces, dots or "
                        f"slashes: it names the output directory); got {name!r}",
                        "experiment", "name")
    weeks = _whole(loc, "experiment", "weeks", head.get("weeks", HORIZON_WEEKS), 1, 5200)
    replications = _whole(loc, "experiment", "replications", head.get("replications", 1),
                          1, 100_000)
    seed = _whole(loc, "experiment", "seed", head.get("seed", 0), 0, 2**63 - 1)
    description = head.get("description", "")
    if not isinstance(description, str):
        raise loc.error("must be text", "experiment", "description")
    model = head.get("model", VILLAGE.name)
    if model not in KINDS:
        raise loc.error(f"must be one of {', '.join(KINDS)}; got {model!r}", "experiment",
                        "model")
    loc.kind = KINDS[model]
    series, series_every = _series(loc, head, weeks)

    if "grid" in data and "sample" in data:
        raise loc.error("an experiment has either a [grid] or a [sample], not both", "sample")
    if "ranges" in data and "sample" not in data:
        raise loc.error("[ranges] needs a [sample] table (method, n)", "ranges")

    fixed = _fixed(loc, "fixed", data.get("fixed", {}))
    grid = _grid(loc, "grid", data.get("grid", {}))
    sample, ranges, rows = None, {}, None
    if "sample" in data:
        sample, ranges, rows = _sample(loc, data["sample"], data.get("ranges"), seed,
                                       replications)
    design = sample["method"] if sample else "grid"
    seeding = head.get("seeding", "independent" if sample else "common")
    if seeding not in SEEDINGS:
        raise loc.error(f"must be one of {', '.join(SEEDINGS)}; got {seeding!r}",
                        "experiment", "seeding")

    subs_data = data.get("sub", [{"name": ""}])
    if not isinstance(subs_data, list) or not all(isinstance(s, dict) for s in subs_data):
        raise ExperimentError(f"{loc.where}: sub-experiments are written [[sub]]")
    subs: list[tuple[str, dict[str, Any], dict[str, list[Any]]]] = []
    for k, sub in enumerate(subs_data):
        if "sub" in data:
            _unknown_keys(loc, "sub", sub, _SUB_KEYS, k)
            sub_name = sub.get("name")
            if not isinstance(sub_name, str) or not sub_name.strip():
                raise loc.error("every [[sub]] needs a name", "sub", None, k)
            if sub_name in (s[0] for s in subs):
                raise loc.error(f"sub-experiment name {sub_name!r} is used twice", "sub",
                                "name", k)
        else:
            sub_name = ""
        sub_fixed = _fixed(loc, "sub.fixed", sub.get("fixed", {}), k)
        sub_grid = _grid(loc, "sub.grid", sub.get("grid", {}), k)
        if sample and sub_grid:
            raise loc.error("a sampled design cannot have a grid in a sub-experiment",
                            "sub.grid", None, k)
        clash = (set(sub_fixed) | set(sub_grid)) & (set(grid) | set(ranges))
        clash |= set(sub_grid) & set(fixed)
        if clash:
            raise loc.error(f"{sorted(clash)[0]} is already varied at the top level",
                            "sub", None, k)
        subs.append((sub_name, {**fixed, **sub_fixed}, {**grid, **sub_grid}))

    for k, (_sub_name, sub_fixed, sub_grid) in enumerate(subs):
        both = set(sub_fixed) & (set(sub_grid) | set(ranges))
        if both:
            key = sorted(both)[0]
            if key in fixed:
                raise loc.error(f"{key} is both fixed and varied", "fixed", key)
            raise loc.error(f"{key} is both fixed and varied", "sub.fixed", key, k)

    _check_size(loc, [len(rows) if sample else math.prod(len(v) for v in g.values())
                      for _, _, g in subs], replications)
    points: list[Point] = []
    factors: list[str] = []
    for sub_name, sub_fixed, sub_grid in subs:
        for key in [*sub_grid, *ranges]:
            if key not in factors:
                factors.append(key)
        if sample:
            combos = ({k: v for k, v in row.items() if k != DUMMY} for row in rows)
            extras = ({DUMMY: row[DUMMY]} if DUMMY in row else {} for row in rows)
            pairs = zip(combos, extras, strict=True)
        else:
            keys = list(sub_grid)
            pairs = ((dict(zip(keys, values, strict=True)), {})
                     for values in itertools.product(*(sub_grid[k] for k in keys)))
        for combo, extra in pairs:
            params = {**sub_fixed, **combo}
            try:
                loc.kind.resolve(params)
            except ValueError as e:
                raise ExperimentError(
                    f"{loc.where}: design point {_describe(params)} "
                    f"{'of sub-experiment ' + repr(sub_name) + ' ' if sub_name else ''}"
                    f"is refused: {e}") from None
            points.append(Point(len(points), sub_name, params, extra))
    if sample and sample.get("dummy"):
        factors.append(DUMMY)

    if "report" in data:
        _report(loc, data["report"])
    tables = {k: data[k] for k in ("analysis", "calibrate", "targets", "report") if k in data}
    return Experiment(
        name=name.strip(), weeks=weeks, replications=replications, seed=seed,
        seeding=seeding, design=design, factors=tuple(factors), points=tuple(points),
        subs=tuple(s[0] for s in subs if s[0]), sample=sample, ranges=ranges,
        tables=tables, path=path, description=description, model=model,
        series=series, series_every=series_every,
    )


def _outcome_names(loc: Locator, table: str, key: str, names: Any) -> list[str]:
    """``names``, a list of outcomes of the experiment's kind, each once (may be empty)."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise loc.error("must be a list of outcome names", table, key)
    for name in names:
        if name not in loc.kind.outcomes:
            raise loc.error(f"{name!r} is not an outcome of a {loc.kind.name} (allowed: "
                            f"{', '.join(loc.kind.outcomes)})", table, key)
    if len(set(names)) != len(names):
        raise loc.error("names an outcome twice", table, key)
    return names


def _series(loc: Locator, head: dict[str, Any], weeks: int) -> tuple[tuple[str, ...], int]:
    """``[experiment] series`` and ``series_every``: outcomes of the kind, each once, and a
    step in [1, weeks]."""
    names = _outcome_names(loc, "experiment", "series", head.get("series", []))
    if "series_every" in head and not names:
        raise loc.error("needs a list of outcomes in series", "experiment", "series_every")
    every = _whole(loc, "experiment", "series_every", head.get("series_every", 1), 1, weeks)
    if names and loc.kind.simulate_series is None:  # pragma: no cover - both kinds keep them
        raise loc.error(f"a {loc.kind.name} keeps no series", "experiment", "series")
    return tuple(names), every


REPORT_OUTCOMES_MAX = 9
"""Most panels of the key-outcomes figure (three rows of three)."""


def _report(loc: Locator, table: dict[str, Any]) -> None:
    """``[report] outcomes``: the outcomes of the report's second figure
    (``report_outcomes.png``) in place of the usual key outcomes, each once, at most
    :data:`REPORT_OUTCOMES_MAX`."""
    _unknown_keys(loc, "report", table, {"outcomes"})
    names = _outcome_names(loc, "report", "outcomes", table.get("outcomes"))
    if not names:
        raise loc.error("must be a list of outcome names", "report", "outcomes")
    if len(names) > REPORT_OUTCOMES_MAX:
        raise loc.error(f"names {len(names)} outcomes; at most {REPORT_OUTCOMES_MAX} fit the "
                        "figure", "report", "outcomes")


def _check_size(loc: Locator, points_per_sub: list[int], replications: int) -> None:
    """Refuse a design of more than :data:`MAX_RUNS` runs from its counts alone, before any
    point or run is built (a 5-million-run grid is refused in milliseconds)."""
    total = sum(points_per_sub) * replications
    if total > MAX_RUNS:
        raise ExperimentError(
            f"{loc.where}: the design has {total:,} runs ({sum(points_per_sub):,} points x "
            f"{replications} replications); the limit is {MAX_RUNS:,} runs per experiment: "
            "split it into several experiments")


READERS = {"analysis": "sensitivity", "calibrate": "calibrate", "targets": "calibrate"}
"""The command that reads each optional table; the others ignore it."""


def unread_tables(experiment: Experiment, command: str) -> list[str]:
    """Warnings, with file and line, for the tables of ``experiment`` that ``mobilize
    command`` does not read (``[targets]`` under ``mobilize sweep``). They are warnings, not
    errors: sweeping a calibration's grid first, to look at it, is a fair use."""
    text = ""
    if experiment.path is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = experiment.path.read_text(encoding="utf-8")
    loc = Locator(text, experiment.path)
    out = []
    for table in experiment.tables:
        reader = READERS.get(table)
        if reader is not None and reader != command:
            line = loc.line(table)
            where = f"{loc.where}, line {line}" if line else loc.where
            out.append(f"{where}: [{table}] is read by `mobilize {reader}` only; "
                       f"`mobilize {command}` ignores it")
    return out


def _describe(params: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + "}"


def _unknown_keys(loc: Locator, table: str, values: dict[str, Any], allowed: set[str],
                  occurrence: int = 0) -> None:
    for key in values:
        if key not in allowed:
            raise loc.error(f"unknown key (allowed: {', '.join(sorted(allowed))})", table,
                            key, occurrence)


def _whole(loc: Locator, table: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise loc.error(f"must be a whole number in [{low}, {high}]; got {value!r}", table,
                        key)
    return value


def _parameter(loc: Locator, table: str, key: str, occurrence: int) -> Any:
    if key not in loc.kind.parameters:
        see = "`mobilize params`" + (" and `mobilize district --help`"
                                     if loc.kind.name == "district" else "")
        raise loc.error(f"unknown parameter of a {loc.kind.name} (see {see})", table, key,
                        occurrence)
    return loc.kind.parameters[key]


def _value(loc: Locator, table: str, key: str, value: Any, occurrence: int) -> Any:
    p = _parameter(loc, table, key, occurrence)
    if isinstance(value, dict | list):
        raise loc.error(f"must be a single value in {p.range_text()}", table, key, occurrence)
    try:
        return _check_value(p, value)
    except ValueError as e:
        raise loc.error(str(e).removeprefix(f"{key} "), table, key, occurrence) from None


def _fixed(loc: Locator, table: str, values: Any, occurrence: int = 0) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise loc.error("must be a table of NAME = VALUE", table, None, occurrence)
    return {k: _value(loc, table, k, v, occurrence) for k, v in values.items()}


def _grid(loc: Locator, table: str, values: Any, occurrence: int = 0) -> dict[str, list]:
    if not isinstance(values, dict):
        raise loc.error("must be a table of NAME = [values] or {start, stop, step}", table,
                        None, occurrence)
    out = {}
    for key, spec in values.items():
        p = _parameter(loc, table, key, occurrence)
        if isinstance(spec, dict):
            items = _arange(loc, table, key, spec, p.kind is int, occurrence)
        elif isinstance(spec, list):
            items = spec
        else:
            raise loc.error("must be a list of values or {start, stop, step}", table, key,
                            occurrence)
        if not items:
            raise loc.error("needs at least one value", table, key, occurrence)
        checked = [_value(loc, table, key, v, occurrence) for v in items]
        if len(set(map(repr, checked))) != len(checked):
            raise loc.error("has a value twice", table, key, occurrence)
        out[key] = checked
    return out


def _arange(loc: Locator, table: str, key: str, spec: dict[str, Any], whole: bool,
            occurrence: int) -> list[float]:
    if set(spec) != {"start", "stop", "step"}:
        raise loc.error("a range needs exactly start, stop and step", table, key, occurrence)
    start, stop, step = spec["start"], spec["stop"], spec["step"]
    if not all(isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)
               for x in (start, stop, step)):
        raise loc.error("start, stop and step must be finite numbers", table, key,
                        occurrence)
    if step <= 0 or stop < start:
        raise loc.error(f"needs step > 0 and stop >= start; got start={start}, stop={stop}, "
                        f"step={step}", table, key, occurrence)
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > 100_000:
        raise loc.error(f"gives {count:,} values; at most 100,000", table, key, occurrence)
    # Rounding removes float drift (0.30000000000000004 -> 0.3) so values equal their text.
    values = [round(start + i * step, 12) for i in range(count)]
    return [int(round(v)) if whole else v for v in values]


def _sample(loc: Locator, spec: dict[str, Any], ranges_data: Any, seed: int,
            replications: int
            ) -> tuple[dict[str, Any], dict[str, tuple[float, float]], list[dict[str, Any]]]:
    _unknown_keys(loc, "sample", spec, _SAMPLE_KEYS)
    method = spec.get("method")
    if method not in SAMPLE_METHODS:
        raise loc.error(f"must be one of {', '.join(SAMPLE_METHODS)}; got {method!r}",
                        "sample", "method")
    n = _whole(loc, "sample", "n", spec.get("n"), 2, 1_000_000)
    if method == "sobol" and n & (n - 1):
        raise loc.error(f"must be a power of 2 for a Sobol design; got {n}", "sample", "n")
    dummy = spec.get("dummy", method != "lhs")
    if not isinstance(dummy, bool):
        raise loc.error(f"must be true or false; got {dummy!r}", "sample", "dummy")
    levels = _whole(loc, "sample", "num_levels", spec.get("num_levels", 4), 2, 100)
    if not isinstance(ranges_data, dict) or not ranges_data:
        raise loc.error("a sampled design needs a [ranges] table of NAME = [low, high]",
                        "sample")
    ranges: dict[str, tuple[float, float]] = {}
    for key, pair in ranges_data.items():
        p = _parameter(loc, "ranges", key, 0)
        if p.kind not in (int, float):
            raise loc.error("only numeric parameters can be sampled; use sub-experiments "
                            "for the others", "ranges", key)
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(x, numbers.Real) and not isinstance(x, bool)
                           for x in pair)):
            raise loc.error("must be [low, high]", "ranges", key)
        low, high = (float(x) for x in pair)
        if not low < high:
            raise loc.error(f"needs low < high; got [{low:g}, {high:g}]", "ranges", key)
        if low < p.low or high > p.high:
            raise loc.error(f"must lie within {p.range_text()}; got [{low:g}, {high:g}]",
                            "ranges", key)
        ranges[key] = (low, high)
    sample = {"method": method, "n": n, "dummy": dummy}
    if method == "morris":
        sample["num_levels"] = levels
    d = len(ranges) + dummy
    rows_expected = n * (d + 2) if method == "sobol" else n * (d + 1) if method == "morris" \
        else n
    _check_size(loc, [rows_expected], replications)
    matrix = sample_matrix(sample, ranges, seed)
    names = [*ranges, *([DUMMY] if dummy else [])]
    rows = []
    for values in matrix:
        row: dict[str, Any] = {}
        for key, x in zip(names, values, strict=True):
            whole = key != DUMMY and loc.kind.parameters[key].kind is int
            row[key] = int(round(float(x))) if whole else float(x)
        rows.append(row)
    return sample, ranges, rows
