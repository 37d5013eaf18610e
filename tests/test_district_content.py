"""A district whose general call carries content (Mao 1943, sections 2 and 6; issue 12
item 4): what worked under which conditions, concentrated for a village like each, or,
without pilots, the committee's own untested ideas; what a branch acting on its own ideas
makes of it; and the first edition's call as it was."""

from __future__ import annotations

import numpy as np
import pytest

from mobilization.district.experience import (
    CONDITIONS,
    INDEX,
    KEYS,
    Records,
    committee_ideas,
    concentrate,
    misjudged,
)
from mobilization.district.model import DistrictModel, simulate_district
from mobilization.district.parameters import DISTRICT_PARAMETERS, resolve_district
from mobilization.village import advice
from mobilization.village.model import VillageModel
from mobilization.village.welfare import BY_KEY, MEASURES

SMALL = {"n_villages": 6, "population": 150}
D, _ = resolve_district({})


def records(rows: list[tuple[str, float, float, bool]], pilot: bool = True) -> Records:
    """Struggles as (measure, gentry power, share organized, won), in villages with the
    typical class shares."""
    return Records(np.array([INDEX[m] for m, *_ in rows], dtype=int),
                   np.array([(g, o, 0.7) for _, g, o, _ in rows], dtype=float),
                   np.array([w for *_, w in rows], dtype=bool),
                   np.ones(len(rows)), np.full(len(rows), pilot))


def at(power: float, organized: float = 0.0) -> np.ndarray:
    """One receiving village's conditions."""
    return np.array([[power, organized, 0.7]])


IDEAS = np.full(len(MEASURES), 0.5)


# --- the committee's concentration ------------------------------------------------------

def test_a_measure_the_pilots_never_won_is_advised_low_in_like_villages() -> None:
    rec = records([("rent_reduction", 0.6, 0.0, False)] * 8
                  + [("cooperative", 0.6, 0.0, True)] * 8)
    chance = concentrate(rec, IDEAS, at(0.6), D).chance[0]
    assert chance[INDEX["rent_reduction"]] < 0.15
    assert chance[INDEX["cooperative"]] > 0.85
    # A measure nobody fought for keeps the committee's idea.
    assert chance[INDEX["loan_office"]] == pytest.approx(0.5)


def test_a_pilot_like_the_village_counts_more_than_an_unlike_one() -> None:
    """One pilot won rent reduction against weak gentry, one lost it against strong
    gentry: the village with strong gentry is told its chance is low, the one with weak
    gentry that it is high; organization counts as a condition too."""
    rec = records([("rent_reduction", 0.2, 0.0, True)] * 4
                  + [("rent_reduction", 0.8, 0.0, False)] * 4)
    rent = INDEX["rent_reduction"]
    weak = concentrate(rec, IDEAS, at(0.25), D).chance[0, rent]
    strong = concentrate(rec, IDEAS, at(0.75), D).chance[0, rent]
    assert weak > 0.8 and strong < 0.2
    organized = records([("rent_reduction", 0.8, 0.6, True)] * 4
                        + [("rent_reduction", 0.8, 0.0, False)] * 4)
    assert (concentrate(organized, IDEAS, at(0.8, 0.55), D).chance[0, rent]
            > 0.8 > 0.2 > concentrate(organized, IDEAS, at(0.8, 0.05), D).chance[0, rent])
    # The call is worth more where the experience is like the village.
    like = concentrate(rec, IDEAS, at(0.2), D).weight[0]
    unlike = concentrate(rec, IDEAS, np.array([[0.5, 0.9, 0.2]]), D).weight[0]
    assert like > unlike > D["idea_weight"]


def test_what_the_pilots_method_promises_comes_from_the_pilots_alone() -> None:
    won = records([("cooperative", 0.5, 0.0, True)] * 6)
    lost_elsewhere = records([("cooperative", 0.5, 0.0, False)] * 6, pilot=False)
    both = Records(*(np.concatenate([getattr(won, f), getattr(lost_elsewhere, f)])
                     for f in ("measure", "conditions", "won", "worth", "pilot")))
    content = concentrate(both, IDEAS, at(0.5), D)
    assert content.promise[0] == pytest.approx(6 / (6 + D["idea_weight"]))
    # ... while the chance it advises weighs in the other villages' defeats.
    assert content.chance[0, INDEX["cooperative"]] == pytest.approx(
        (D["idea_weight"] * 0.5 + 6) / (D["idea_weight"] + 12))
    empty = records([])
    assert concentrate(empty, IDEAS, at(0.5), D).promise[0] == 0.0
    assert np.array_equal(concentrate(empty, IDEAS, at(0.5), D).chance[0], IDEAS)


def test_committee_ideas_follow_their_documented_distribution() -> None:
    draws = np.array([committee_ideas(np.random.default_rng(s), D) for s in range(400)])
    assert draws.shape == (400, len(MEASURES))
    assert draws.min() >= 0.0 and draws.max() <= 1.0
    assert draws.mean() == pytest.approx(0.5, abs=0.02)  # idea_mean
    assert draws.std() == pytest.approx(np.sqrt(1 / 12), abs=0.02)  # uniform at c = 2
    tight = committee_ideas(np.random.default_rng(0),
                            {**D, "idea_mean": 0.3, "idea_concentration": 1000.0})
    assert np.allclose(tight, 0.3, atol=0.05)


# --- the district ---------------------------------------------------------------------

def test_without_pilots_every_village_gets_the_same_untested_ideas_reproducibly() -> None:
    a = DistrictModel(rng=4, **SMALL, n_pilots=0)
    b = DistrictModel(rng=4, **SMALL, n_pilots=0)
    c = DistrictModel(rng=5, **SMALL, n_pilots=0)
    for _ in range(30):
        a.step()
    advised = [v.branch.advice for v in a.villages]
    assert all(x == dict(zip(KEYS, a.ideas.tolist(), strict=True)) for x in advised)
    assert all(v.branch.advice_weight == D["idea_weight"] for v in a.villages)
    assert np.array_equal(a.ideas, b.ideas) and not np.array_equal(a.ideas, c.ideas)
    assert a.report["experience"] == 0.0  # nothing tested, nothing promised
    assert all(v.branch.vital_interest_share == D["call_share"] for v in a.villages)


def test_the_call_carries_the_district_records_for_each_village() -> None:
    """Every other branch's advice is the concentration of the struggles so far, with the
    pilots' worth 1 and the reports' reports_weight; pilots get none."""
    from mobilization.district.experience import conditions_now, district_records

    model = DistrictModel(rng=2, **SMALL, n_pilots=2)
    for _ in range(26):
        model.step()
    worth = np.where(model.is_pilot, 1.0, model.d["reports_weight"])
    rec = district_records(model.villages, worth, model.is_pilot)
    assert len(rec) > 0 and rec.conditions.shape[1] == len(CONDITIONS)
    for i, v in enumerate(model.villages):
        if model.is_pilot[i]:
            assert v.branch.advice == {}
            continue
        # The summing-up was at the end of this week: the conditions are as they were then.
        expected = concentrate(rec, model.ideas, np.array([conditions_now(v)]), model.d)
        assert list(v.branch.advice.values()) == pytest.approx(expected.chance[0].tolist())
        assert np.all(np.isfinite(misjudged(v)))


def test_no_call_no_content_and_the_first_edition_call_carries_none() -> None:
    silent = DistrictModel(rng=1, **SMALL, n_pilots=2, general_call=False)
    old = DistrictModel(rng=1, **SMALL, n_pilots=2, call_content="success-share")
    for _ in range(30):
        silent.step()
        old.step()
    for model in (silent, old):
        assert all(v.branch.advice == {} and v.branch.advice_weight == 0.0
                   for v in model.villages)
        assert np.isnan(model.report["advice_error"])
        assert model.report["advice_followed"] == 0.0


def test_the_first_edition_call_is_reproducible_and_call_content_is_validated() -> None:
    """call_content 'success-share' is the first edition's call (the golden district runs,
    tests/test_golden.py, check its outcomes bit for bit); 'conditions' is the default."""
    old = simulate_district(weeks=40, rng=3, **SMALL, call_content="success-share")
    again = simulate_district(weeks=40, rng=3, **SMALL, call_content="success-share")
    assert old == pytest.approx(again, nan_ok=True)
    assert DISTRICT_PARAMETERS["call_content"].default == "conditions"
    with pytest.raises(ValueError, match="call_content must be one of conditions, "
                                         "success-share"):
        DistrictModel(call_content="rumour")


def test_same_seed_same_content_and_outcomes() -> None:
    a = simulate_district(weeks=40, rng=9, **SMALL)
    b = simulate_district(weeks=40, rng=9, **SMALL)
    assert a == b
    assert 0.0 <= a["advice_error"] <= 1.0 and -1.0 <= a["advice_bias"] <= 1.0


def test_summed_up_experience_is_closer_to_the_truth_than_untested_ideas() -> None:
    """Over many seeds the call's content is nearer each receiving village's chance of
    winning now with pilots (tested experience) than without (the committee's ideas) --
    but it stays wrong by a margin: the content can mislead."""
    seeds = range(30, 50)
    params = {**SMALL, "population": 120}

    def error(**kw: object) -> np.ndarray:
        return np.array([simulate_district(weeks=52, rng=s, **params, **kw)["advice_error"]
                         for s in seeds])

    tested, untested = error(n_pilots=2), error(n_pilots=0)
    assert tested.mean() < untested.mean() - 0.05, (tested.mean(), untested.mean())
    assert tested.mean() > 0.02


# --- the village side: a branch acting on its own ideas -----------------------------------

class _Branch:
    def __init__(self, chances: dict[str, float], weight: float) -> None:
        self.advice, self.advice_weight = chances, weight


class _Village:
    def __init__(self, conviction: float, seed: int) -> None:
        self.p = {"advice_conviction": conviction}
        self.rng = np.random.default_rng(seed)


def test_a_branch_follows_the_call_as_far_as_it_outweighs_its_own_idea() -> None:
    open_ = [BY_KEY[k] for k in ("rent_reduction", "cooperative", "loan_office")]
    branch = _Branch({"rent_reduction": 0.2, "cooperative": 0.9, "loan_office": 0.4}, 3.0)
    village = _Village(conviction=1.0, seed=0)
    picks = [advice.choose(branch, village, open_).key for _ in range(4000)]
    share = picks.count("cooperative") / len(picks)
    # follows with chance 3/4, else one of three at random: 3/4 + 1/4 x 1/3
    assert share == pytest.approx(0.75 + 0.25 / 3, abs=0.025)
    weightless = _Branch(branch.advice, 0.0)
    picks = [advice.choose(weightless, village, open_).key for _ in range(3000)]
    assert picks.count("cooperative") / len(picks) == pytest.approx(1 / 3, abs=0.03)
    assert advice.follow_chance(0.0, 0.0) == 0.0


def test_a_village_on_its_own_has_no_advice_and_a_district_branch_uses_it() -> None:
    alone = VillageModel(rng=1, population=100, branch_method="quota-only")
    assert alone.branch.advice == {} and alone.branch.advice_weight == 0.0
    village = VillageModel(rng=1, population=100, branch_method="quota-only",
                           vital_interest_share=1.0, meeting_interval=1,
                           advice_conviction=0.0)
    village.branch.advice = {k: (1.0 if k == "loan_office" else 0.1) for k in KEYS}
    village.branch.advice_weight = 1.0
    for _ in range(6):
        village.step()
    first = [c.measure for c in village.branch.campaigns if not c.own_accord]
    assert first and first[0] == "loan_office"
    # ... and records the conditions of each struggle.
    assert all(0.0 <= c.gentry_power <= 1.0 and 0.0 <= c.organized <= 1.0
               for c in village.branch.campaigns)
