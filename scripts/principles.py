"""Print what DESIGN principles 1-3 (and patterns 4-6) give with the default parameters:
the figures the README and tests/test_principles.py state.

    uv run python scripts/principles.py [--villages 100] [--long 20]

1. nothing guaranteed: in what share of villages of each method an active organization,
   a won measure, a lost struggle and an elected government occur;
2. saturation: the mean weekly number leaving, by year, over ``--long`` welfare-first
   villages run for five years, and the year-five level against its peak;
3. villages differ: the between-village variance of the recruitment rate over the
   binomial variance, per method.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from labour_curve import curve, saturation  # scripts/, the one measure of levelling off

from mobilization import simulate
from mobilization.village.parameters import PARAMETERS

METHODS = ("welfare-first", "quota-only")


def _one(job: tuple[str, int]) -> dict:
    method, seed = job
    return simulate(rng=seed, branch_method=method)


def _weekly(job: tuple[int, bool]) -> np.ndarray:
    seed, typical = job
    return curve(seed, branch_method="welfare-first", typical_village=typical)[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=100)
    ap.add_argument("--long", type=int, default=20)
    args = ap.parse_args()
    n = args.villages
    with ProcessPoolExecutor(2) as pool:
        rows = list(pool.map(_one, [(m, s) for m in METHODS for s in range(n)], chunksize=10))
        curves = {typical: np.array(list(pool.map(_weekly, [(s, typical)
                                                           for s in range(args.long)])))
                  for typical in (True, False)}
    population = PARAMETERS["population"].default
    print(f"1. nothing guaranteed ({n} villages per method, seeds 0-{n - 1})")
    for i, method in enumerate(METHODS):
        r = rows[i * n:(i + 1) * n]
        share = {
            "active organization (active > nominal members)":
                np.mean([x["active_membership"] > x["nominal_membership_end"] for x in r]),
            "a measure won": np.mean([x["measures_won"] > 0 for x in r]),
            "a struggle lost": np.mean([x["measures_lost"] > 0 for x in r]),
            "every measure won": np.mean([x["measures_won"] == 8 for x in r]),
            "elected government": np.mean([x["government_elected"] == 1 for x in r]),
        }
        print(f"   {method}: " + "; ".join(f"{k} {v:.0%}" for k, v in share.items()))
    print(f"2. saturation (welfare-first, {args.long} villages, five years)")
    for typical, rates in curves.items():
        years = [rates[:, 52 * y - 1].mean() for y in (1, 2, 3, 4, 5)]
        peak, five, _ = saturation(rates)
        where = "Chen Yun's village" if typical else "drawn villages"
        print(f"   {where}: recruitment at years 1-5 "
              + ", ".join(f"{100 * y:.1f}%" for y in years)
              + f"; persons leaving a week: peak (13-week mean) {peak * population:.2f}, "
              f"year five {five * population:.2f} ({five / peak:.0%} of the peak)")
    print("3. villages differ (variance of the recruitment rate over binomial variance)")
    for i, method in enumerate(METHODS):
        rate = np.array([x["recruitment_rate"] for x in rows[i * n:(i + 1) * n]])
        p = rate.mean()
        print(f"   {method}: {rate.var(ddof=1) / (p * (1 - p) / population):.1f}x "
              f"(mean {100 * p:.2f}%, sd {100 * rate.std(ddof=1):.2f} points)")


if __name__ == "__main__":
    main()
