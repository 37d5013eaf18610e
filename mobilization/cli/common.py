"""What every ``mobilize`` command shares: one-line errors, option types and definitions,
parsing ``--set NAME=VALUE``, and formatting outcomes for tables.

Nothing here imports Mesa, pandas or SciPy, so ``mobilize --help`` and ``mobilize params``
start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ..village.parameters import HORIZON_WEEKS, PARAMETERS

PROG = "mobilize"
DEFAULT_SEED = 20241103
"""The headline's base seed (as ``mobilization.experiments.compare.DEFAULT_SEED``)."""
MAX_WEEKS = 5200


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
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


# Option definitions shared by several commands (argparse keyword arguments).
SETTING = {"action": "append", "metavar": "NAME=VALUE", "dest": "sets",
           "help": "set a parameter (repeatable); see `mobilize params`"}
WEEKS = {"type": whole(1, MAX_WEEKS), "default": HORIZON_WEEKS, "metavar": "W",
         "help": f"weeks to simulate (default {HORIZON_WEEKS})"}
SEED = {"type": whole(0), "default": DEFAULT_SEED, "metavar": "S",
        "help": f"base random seed (default {DEFAULT_SEED})"}
WORKERS = {"type": whole(1), "default": None, "metavar": "K",
           "help": "worker processes (default: all cores; 1 runs in this process)"}
SCHEDULER = {"default": None, "metavar": "ADDRESS",
             "help": "run on a Dask distributed cluster (e.g. tcp://host:8786) instead of "
                     "local processes"}
NO_PROGRESS = {"action": "store_true", "help": "no progress bar"}


def out_path(text: str) -> Path:
    """An argparse type: an output directory; an empty one (``--out ''``, which would
    write into the working directory) is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a directory")
    return Path(text)


def out_option(default: str | None) -> dict[str, Any]:
    """``--out DIR``: where a command writes (``None``: results/<experiment name>)."""
    where = default if default is not None else "results/<experiment name>"
    return {"type": out_path, "default": None if default is None else Path(default),
            "metavar": "DIR", "help": f"output directory (default {where})"}


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def parse_value(name: str, text: str, table: dict | None = None) -> Any:
    """Parse ``text`` by the kind of parameter ``name`` (of ``table``, the village's by
    default); range checks are left to :func:`mobilization.village.parameters.resolve`.
    Raises ``ValueError`` with a one-line message.
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



# --- formatting --------------------------------------------------------------------------
def value_text(value: Any) -> str:
    """A parameter value as people write it (``preset`` for None, ``true``/``false``)."""
    if value is None:
        return "preset"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def setting_text(overrides: dict[str, Any]) -> str:
    """``name=value, ...`` of the parameters set, or ``defaults``."""
    return (", ".join(f"{k}={value_text(v)}" for k, v in overrides.items())
            if overrides else "defaults")


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain text table with a rule under the header."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header).rstrip(), line,
                      *(fmt.format(*r).rstrip() for r in rows)])


def interrupted(out: Path) -> int:
    """Ctrl-C during a run into a store: say where the finished runs are; exit status 130."""
    print(f"{PROG}: interrupted; the finished runs are in {out}: run the same command "
          "again to resume", file=sys.stderr)
    return 130


def report_resumed(skipped: int, out: Path) -> None:
    """Say on stderr how many runs a resumed command found already in its store."""
    if skipped:
        print(f"resumed: {skipped} runs were already in {out}", file=sys.stderr)
