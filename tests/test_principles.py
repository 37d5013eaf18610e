"""DESIGN principles 1-3 hold for the default model, statistically, over many villages
(issue 11, "done when"):

1. nothing is guaranteed by construction: no outcome of pattern 4 (an active
   organization, an elected government) is identically 0 or 1 across 100 villages of a
   method, and measures are won under quota-only and lost under welfare-first in some
   villages but not all;
2. mobilization levels off: the weekly rate in year five is well below its peak;
3. villages of one method differ by more than chance: the between-village variance of the
   recruitment rate exceeds the binomial variance, by a one-sided chi-square test.

The runs are the default model's (no parameter given but the method and the seed)."""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from mobilization import simulate
from mobilization.village.parameters import PARAMETERS
from mobilization.village.welfare import MEASURES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from labour_curve import curve, saturation  # noqa: E402

N = 100
METHODS = ("welfare-first", "quota-only")


def _one(job: tuple[str, int]) -> dict:
    method, seed = job
    return simulate(rng=seed, branch_method=method)


@pytest.fixture(scope="module")
def villages() -> dict[str, list[dict]]:
    jobs = [(m, seed) for m in METHODS for seed in range(N)]
    with ProcessPoolExecutor(2) as pool:
        out = list(pool.map(_one, jobs, chunksize=10))
    return {m: out[i * N:(i + 1) * N] for i, m in enumerate(METHODS)}


def _share(rows: list[dict], test) -> float:
    return float(np.mean([bool(test(r)) for r in rows]))


PATTERN_4 = {
    "an active organization (more active than nominal members)":
        lambda r: r["active_membership"] > r["nominal_membership_end"],
    "an elected government": lambda r: r["government_elected"] == 1,
}


@pytest.mark.parametrize("name", PATTERN_4)
@pytest.mark.parametrize("method", METHODS)
def test_no_outcome_of_pattern_4_is_certain(villages, method: str, name: str) -> None:
    share = _share(villages[method], PATTERN_4[name])
    assert 0.0 < share < 1.0, f"{method}: {name} in {share:.0%} of {N} villages"


@pytest.fixture(scope="module")
def quota_only(villages) -> list[dict]:
    return villages["quota-only"]


def test_pattern_4_most_quota_only_villages_keep_the_old_order(quota_only) -> None:
    """Pattern 4 proper: 'most quota-only villages keep nominal organizations and
    gentry-held governments, and some do not' (some: the test above). Predicted, not
    fitted."""
    assert _share(quota_only, PATTERN_4["an elected government"]) < 0.5
    assert _share(quota_only,
                  PATTERN_4["an active organization (more active than nominal members)"]) < 0.5


def test_measures_are_reachable_under_quota_only_and_losable_under_welfare_first(
        villages) -> None:
    assert 0 < _share(villages["quota-only"], lambda r: r["measures_won"] > 0) < 1
    wf = villages["welfare-first"]
    assert 0 < _share(wf, lambda r: r["measures_lost"] > 0) < 1
    assert 0 < _share(wf, lambda r: r["measures_won"] < len(MEASURES) - 1) < 1


@pytest.mark.parametrize("method", METHODS)
def test_villages_differ_by_more_than_chance(villages, method: str) -> None:
    rate = np.array([r["recruitment_rate"] for r in villages[method]])
    n = PARAMETERS["population"].default
    p = rate.mean()
    binomial = p * (1 - p) / n
    ratio = rate.var(ddof=1) / binomial
    critical = stats.chi2.ppf(0.99, N - 1) / (N - 1)
    assert ratio > critical, f"{method}: variance {ratio:.2f} x binomial (needs {critical:.2f})"


def _weekly(seed: int) -> np.ndarray:
    return curve(seed, branch_method="welfare-first")[0]


def test_mobilization_levels_off_by_year_five() -> None:
    """The mean weekly rate of new leavers, over 20 welfare-first villages: its year-five
    level is well below (under half) its peak 13-week mean (``labour_curve.saturation``)."""
    with ProcessPoolExecutor(2) as pool:
        rates = np.array(list(pool.map(_weekly, range(20))))
    peak, year5, _ = saturation(rates)
    assert year5 < 0.5 * peak, (year5, peak)
