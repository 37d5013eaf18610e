"""The ``mobilize`` command line, one module per command group: ``village`` (params, run,
compare), ``experiments`` (sweep, report, sensitivity, calibrate), ``district`` and
``dashboard``; ``common`` holds what they share.

Bad input (unknown parameter, value out of range, bad option or number) exits with status
2 and a one-line message on stderr, never a traceback. Commands import the model and the
experiment machinery only when they run, so ``mobilize --help`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from .. import __version__
from . import dashboard, district, experiments, village
from .common import DEFAULT_SEED, PROG, Parser, parse_sets, parse_value

__all__ = ["DEFAULT_SEED", "PROG", "build_parser", "main", "parse_sets", "parse_value"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mobilize`` (exposed for documentation and tests)."""
    parser = Parser(
        prog=PROG,
        description="Mass mobilization by village Party branches: an agent-based model "
                    "(Chen Yun 1939; Mao 1943).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    village.register(sub)
    experiments.register(sub)
    district.register(sub)
    dashboard.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mobilize`` and ``python -m mobilization``; returns the exit status
    (0 success, 1 could not write output, 2 bad input, 130 interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or an argparse error (already printed)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.handler(args)
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


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: Any = None, line: str | None = None) -> None:
    # A warning to the user is one line naming the problem, not the code that raised it.
    print(f"{PROG}: warning: {_one_line(Warning(str(message)))}", file=sys.stderr)


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__
