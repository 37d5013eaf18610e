"""The calibration's contrast (``[calibrate] contrast``): how many times one
sub-experiment's mean outcome is another's, at the fitted point and over the fitted
region. Reported with the fit, never fitted: it changes neither the loss nor the choice.

"Beats by at least r times" is ``numerator >= r * denominator``, which needs no division
and so also holds where the denominator's mean is 0. The fitted region is the grid points
whose means (smoothed, if the calibration smooths) lie inside every band; the test at each
point uses the same means. Two shares are given: over the region, each point counting once
(the headline: every point the patterns allow, as the issue asks), and over the bootstrap
refits' chosen points, weighted by how often each is chosen (concentrated near the fitted
point, so it says how the contrast stands where the fit most likely is)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .calibration import Contrast


def beats(contrast: Contrast, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Whether ``num >= ratio * den``, elementwise."""
    return np.asarray(num, float) >= contrast.ratio * np.asarray(den, float)


def ratios(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, infinite where ``den`` is 0 and ``num`` positive, NaN at 0 / 0."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0),
                        np.where(num > 0, np.inf, np.nan))


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def contrast_result(contrast: Contrast, means: np.ndarray, smoothed: np.ndarray,
                    inside: np.ndarray, best: int, boot_means: np.ndarray | None,
                    share: np.ndarray) -> dict[str, Any]:
    """The contrast's numbers.

    ``means`` and ``smoothed`` are (2, points): numerator and denominator means;
    ``inside`` the fitted region (points); ``best`` the fitted point; ``boot_means``
    (2, resamples, points) the raw means of each bootstrap resample (None without a
    bootstrap); ``share`` the share of resamples choosing each point."""
    num, den = means[:, best]
    wins = beats(contrast, smoothed[0], smoothed[1])
    region = np.flatnonzero(inside)
    ci = None
    if boot_means is not None and boot_means.shape[1]:
        boot = ratios(boot_means[0, :, best], boot_means[1, :, best])
        boot = boot[~np.isnan(boot)]
        if boot.size:
            lo, hi = np.quantile(boot, [0.025, 0.975], method="inverted_cdf")
            ci = [_finite(lo), _finite(hi)]
    weighted = float(np.sum(share * wins)) if np.isfinite(share).all() else None
    return {
        "outcome": contrast.outcome, "numerator": contrast.numerator,
        "denominator": contrast.denominator, "ratio": contrast.ratio,
        "at_fitted": {"numerator": float(num), "denominator": float(den),
                      "value": _finite(ratios(num, den)), "ci95": ci,
                      "beats": bool(beats(contrast, num, den))},
        "region": {"points": int(region.size), "beating": int(wins[region].sum()),
                   "share": float(wins[region].mean()) if region.size else None},
        "bootstrap_share": weighted,
        "grid": {"points": int(wins.size), "beating": int(wins.sum())},
    }
