"""Small statistics helpers for comparing replicated runs.

Confidence intervals use Student's t because a comparison often has only a few dozen
replications per method, where the normal approximation is too narrow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import stats as _scipy_stats


def _check_level(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    return float(level)


Bounds = tuple[float | None, float | None] | None


def _truncate(low, high, bounds: Bounds):
    """Cut an interval to the range the quantity can take (a share cannot be negative)."""
    if bounds is None:
        return low, high
    lo_b, hi_b = bounds
    if lo_b is not None:
        low, high = np.maximum(low, lo_b), np.maximum(high, lo_b)
    if hi_b is not None:
        low, high = np.minimum(low, hi_b), np.minimum(high, hi_b)
    return low, high


def mean_ci(values: Iterable[float], level: float = 0.95,
            bounds: Bounds = None) -> tuple[float, float, float]:
    """Mean of ``values`` and its two-sided Student-t confidence interval.

    Returns ``(mean, low, high)`` as plain floats. With one value, or when all values are
    equal, there is no spread to estimate and the interval collapses onto the mean.
    ``bounds`` (low, high; either may be None) truncates the interval to the range the
    quantity can take.
    """
    level = _check_level(level)
    x = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    x = x.ravel()
    if x.size == 0:
        raise ValueError("mean_ci needs at least one value")
    if not np.all(np.isfinite(x)):
        raise ValueError("mean_ci needs finite values")
    mean = float(x.mean())
    if x.size == 1:
        return mean, mean, mean
    sd = float(x.std(ddof=1))
    if sd == 0.0 or not math.isfinite(sd):
        return mean, mean, mean
    half = float(_scipy_stats.t.ppf(0.5 + level / 2.0, x.size - 1)) * sd / math.sqrt(x.size)
    low, high = _truncate(mean - half, mean + half, bounds)
    return mean, float(low), float(high)


def mean_ci_columns(
    matrix: np.ndarray, level: float = 0.95, bounds: Bounds = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise :func:`mean_ci` of a (replications x points) array, vectorized.

    Used for confidence bands over weeks; columns without spread get a zero-width band.
    """
    level = _check_level(level)
    m = np.asarray(matrix, float)
    if m.ndim != 2 or m.shape[0] == 0:
        raise ValueError("mean_ci_columns needs a 2-d array with at least one row")
    mean = m.mean(axis=0)
    n = m.shape[0]
    if n == 1:
        return mean, mean.copy(), mean.copy()
    sd = m.std(axis=0, ddof=1)
    half = float(_scipy_stats.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    low, high = _truncate(mean - half, mean + half, bounds)
    return mean, low, high


def describe(values: Iterable[float], bounds: Bounds = None) -> dict[str, float | list[float]]:
    """``{"mean", "sd", "ci95": [low, high]}`` of ``values`` as JSON-ready plain floats.

    The standard deviation of a single value is reported as 0.0 (not NaN) so the result
    is always valid JSON.
    """
    x = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    mean, low, high = mean_ci(x, 0.95, bounds)
    sd = float(x.std(ddof=1)) if x.size > 1 else 0.0
    return {"mean": mean, "sd": sd, "ci95": [low, high]}
