"""Outcome values as people read them, one format in every command and report: shares as
percentages with two decimals, other values to three significant digits, and a mean with
its interval in one unit and precision (``13.18% [12.77, 13.58]``, ``2.20 [0.22, 4.18]``).
"""

from __future__ import annotations

import math

__all__ = ["format_number", "mean_ci_text"]


def _percent(outcome: str) -> bool:
    from ..district.outcomes import DISTRICT_PERCENT
    from ..village.outcomes import is_share  # loads NumPy: only when a number is shown

    return is_share(outcome) or outcome in DISTRICT_PERCENT


def _decimals(outcome: str, x: float) -> int:
    """Decimals that show three significant digits of ``x`` (two for percentages)."""
    if _percent(outcome):
        return 2
    if not math.isfinite(x) or x == 0:
        return 2
    return min(max(2 - math.floor(math.log10(abs(x))), 0), 4)


def format_number(outcome: str, x: float, decimals: int | None = None) -> str:
    """An outcome value for a table: shares as percentages with two decimals, other
    values with three significant digits (or ``decimals``)."""
    places = _decimals(outcome, x) if decimals is None else decimals
    if _percent(outcome):
        return f"{100 * x:.{places}f}%"
    return f"{x:.{places}f}"


def mean_ci_text(outcome: str, mean: float, low: float, high: float) -> str:
    """``mean [low, high]`` of an outcome, all three to the same decimals (the mean's):
    ``13.18% [12.77, 13.58]``, ``2.20 [0.22, 4.18]``."""
    places = _decimals(outcome, mean)
    unit = "%" if _percent(outcome) else ""
    a, b, c = (format_number(outcome, v, places).rstrip("%") for v in (mean, low, high))
    return f"{a}{unit} [{b}, {c}]"
