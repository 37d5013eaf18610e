"""Does mobilization level off? Recruitment at 2, 3 and 5 years and the weekly rate of new
leavers in year five against its peak, with ``household_labour`` on and off (DESIGN
principle 2; docs/ODD.md 7.11). A measurement, not a test (tests/test_labour.py checks the
welfare-first saturation on fewer seeds).

Usage::

    uv run python scripts/labour_curve.py [--seeds 10] [--population 200]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from mobilization.village.model import VillageModel

WEEKS = 260
YEARS = (104, 156, 260)
YEAR_FIVE = slice(208, 260)  # weeks 209-260
YEAR_TWO = slice(52, 104)  # weeks 53-104
WINDOW = 13


def curve(seed: int, weeks: int = WEEKS, **params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Mobilized and army recruits at the end of each week 1..weeks, over the population."""
    m = VillageModel(rng=seed, record=False, weeks=None, **params)
    mob, army = np.zeros(weeks), np.zeros(weeks)
    for w in range(weeks):
        m.step()
        mob[w], army[w] = m.report["recruitment_rate"], m.report["army_rate"]
    return mob, army


def saturation(mob: np.ndarray) -> tuple[float, float, float]:
    """Peak 13-week rolling mean of the weekly rate of new leavers (mean over seeds, per
    week), its mean over year five and its mean over year two (weeks 53-104)."""
    rate = np.diff(mob, axis=1, prepend=0.0).mean(axis=0)
    rolling = np.convolve(rate, np.ones(WINDOW) / WINDOW, mode="valid")
    return float(rolling.max()), float(rate[YEAR_FIVE].mean()), float(rate[YEAR_TWO].mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--population", type=int, default=200)
    a = ap.parse_args()
    print(f"{a.seeds} seeds, population {a.population}; recruitment (army) at weeks "
          f"{YEARS}; weekly rate of new leavers (share of population)")
    for method in ("welfare-first", "quota-only"):
        for on in (False, True):
            runs = [curve(s, branch_method=method, population=a.population, household_labour=on)
                    for s in range(a.seeds)]
            mob = np.array([r[0] for r in runs])
            army = np.array([r[1] for r in runs])
            peak, five, two = saturation(mob)
            at = "  ".join(f"{mob[:, w - 1].mean():.3f} ({army[:, w - 1].mean():.3f})"
                           for w in YEARS)
            print(f"{method:13s} household_labour={on!s:5s}  {at}  peak {peak:.5f}  "
                  f"year five {five:.5f}  five/peak {five / peak:.2f}  five/two {five / two:.2f}")


if __name__ == "__main__":
    main()
