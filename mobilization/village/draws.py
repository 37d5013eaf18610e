"""Villages differ (DESIGN principle 3): a village's structure drawn around the parameters.

Chen Yun (1939) reports a spread of villages, not a typical one: "most of them remain under
the control of local tyrants" and "popular organizations have achieved real success in only
a few places". With ``typical_village=False`` each village draws, from its own generator
and before anything else, its gentry power, its class shares and its branch's quality
(initial Party share and share of bad elements) and its exposure to the invader's raids.
"Only in a few places" is then a distribution over villages, not an assumption.

The distributions (docs/ODD.md, "Initialization: villages differ"):

* gentry power, ``party_share``, ``bad_element_share`` and ``threat_exposure``: Beta with
  the parameter ``m`` as mean and variance ``spread * m * (1 - m)``, i.e. concentration
  ``1 / spread - 1``;
* class shares (hired, poor, middle): Dirichlet with the parameters as means and each share's
  variance ``spread * m * (1 - m)`` (the Beta is its two-class case), so the shares are never
  negative and always sum to one: ``share_hired + share_poor <= 1`` holds by construction.

Why Beta rather than logit-normal: its mean is exactly the parameter (a logit-normal's mean
is not its centre), so a village with draws is on average the typical village and the
calibrated parameters keep their meaning as means; and Beta and Dirichlet share one
definition of the spread (the share of the largest possible variance, ``m * (1 - m)``).

Every draw is the inverse distribution function of one uniform, and the same number of
uniforms (``N_UNIFORMS``) is taken whatever the spreads, so a village's later draws (its
people, its weeks) are the same at any spread: a sweep over the spreads changes only the
structure (common random numbers), and a spread of 0 gives the parameter itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

STRUCTURE = ("gentry_power", "share_hired", "share_poor", "party_share", "bad_element_share",
             "threat_exposure")
"""The parameters a village draws when it is not typical; ``model.structure`` holds their
values (the parameters themselves for a typical village)."""

OUTCOME_PREFIX = "drawn_"
"""The outcome reporting a drawn value is named ``drawn_<parameter>``: never a parameter's
name (``mesa.batch_run`` puts parameters and outcomes in one row)."""

GENTRY, HIRED_U, POOR_U, MIDDLE_U, PARTY_U, BAD_U, THREAT_U, N_UNIFORMS = 0, 1, 2, 3, 4, 5, 6, 7
"""Which of a village's structural uniforms drives which draw."""


def typical(p: dict[str, Any]) -> dict[str, float]:
    """The structure of the typical village: the parameters themselves."""
    return {name: float(p[name]) for name in STRUCTURE}


def beta_draw(mean: float, spread: float, u: float) -> float:
    """Beta with mean ``mean`` and variance ``spread * mean * (1 - mean)`` at quantile
    ``u``; ``mean`` itself when the spread is 0 or the mean is 0 or 1 (no room to vary), or
    the spread so small that the Beta cannot be computed (a concentration that overflows),
    as at spread 0."""
    if spread <= 0 or mean <= 0 or mean >= 1:
        return float(mean)
    concentration = 1 / spread - 1
    x = float(stats.beta.ppf(u, mean * concentration, (1 - mean) * concentration))
    return x if np.isfinite(x) else float(mean)


def dirichlet_draw(means: np.ndarray, spread: float, u: np.ndarray) -> np.ndarray:
    """Dirichlet with means ``means`` (summing to 1) and each share's variance
    ``spread * m * (1 - m)``, from one uniform per share: independent Gammas (shape
    ``m * concentration``) at quantiles ``u``, normalized. Shares with mean 0 stay 0; a
    spread of 0 gives ``means``."""
    means = np.asarray(means, dtype=float)
    if spread <= 0:
        return means.copy()
    concentration = 1 / spread - 1
    gammas = np.zeros_like(means)
    positive = means > 0
    gammas[positive] = stats.gamma.ppf(u[positive], means[positive] * concentration)
    total = gammas.sum()
    # All Gammas may underflow to 0 at a tiny concentration, or fail to compute at a
    # concentration that overflows: the means, as at spread 0.
    return gammas / total if np.isfinite(total) and total > 0 else means.copy()



def draw_structure(p: dict[str, Any], rng: np.random.Generator) -> dict[str, float]:
    """The village's structure: the parameters for a typical village (no random number
    drawn, so its stream is unchanged), otherwise drawn around them from ``rng``."""
    if p["typical_village"]:
        return typical(p)
    u = rng.random(N_UNIFORMS)
    hired, poor = p["share_hired"], p["share_poor"]
    means = np.array([hired, poor, max(1 - hired - poor, 0)])
    shares = dirichlet_draw(means, p["village_spread_class"], u[[HIRED_U, POOR_U, MIDDLE_U]])
    branch = p["village_spread_branch"]
    return {
        "gentry_power": beta_draw(p["gentry_power"], p["village_spread_gentry"], u[GENTRY]),
        "share_hired": float(shares[0]),
        "share_poor": float(shares[1]),
        "party_share": beta_draw(p["party_share"], branch, u[PARTY_U]),
        "bad_element_share": beta_draw(p["bad_element_share"], branch, u[BAD_U]),
        "threat_exposure": beta_draw(p["threat_exposure"], p["village_spread_threat"],
                                     u[THREAT_U]),
    }
