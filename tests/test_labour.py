"""Households' land and labour (issue 11 item 3; DESIGN principle 2; docs/ODD.md 7.11).

Off (the default) nothing changes: no draw, no outcome but two zeros. On, a household lets a
member go only while the hands it keeps cover its land, soldier-family care adds labour,
and mobilization levels off.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from mobilization.village import dynamics
from mobilization.village.government import VillageGovernment
from mobilization.village.model import VillageModel
from mobilization.village.population import ARMY, PRESENT

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from labour_curve import curve, saturation  # noqa: E402

from mobilization.village.parameters import FIRST_EDITION


def first(**params: object) -> dict:
    """The parameters with the rest of the model as the first edition (FIRST_EDITION):
    these tests isolate one second-edition switch, as when it was built."""
    return {**FIRST_EDITION, **params}



def _run(weeks: int, **params: object) -> VillageModel:
    m = VillageModel(**first(rng=5, population=120, weeks=None, **params))
    for _ in range(weeks):
        m.step()
    return m


def test_off_is_the_default_and_draws_nothing() -> None:
    a, b = _run(80), _run(80, household_labour=False)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.outcomes() == b.outcomes()
    assert len(a.village.land) == 0
    assert dynamics.labour_choice(a.village, a.government, a.p) is None
    assert a.outcomes()["labour_left"] == 0.0 and a.outcomes()["households_spent"] == 0.0


def test_on_changes_the_run_and_reports_shares() -> None:
    m = _run(80, household_labour=True)
    assert len(m.village.land) == m.village.n_households
    assert (m.village.land >= 0).all()
    out = m.outcomes()
    assert 0.0 < out["labour_left"] <= 1.0
    assert 0.0 <= out["households_spent"] <= 1.0
    assert out != _run(80).outcomes()


def test_on_conserves_population_and_keeps_needed_hands(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every week's leavers of their own accord: at most one per household, and only from a
    household whose hands left (with care) still exceed its land's need. (Recruits the
    branch presses for a quota are its decision, not the household's: ODD 7.11.)"""
    m = VillageModel(**first(rng=11, population=200, weeks=None, household_labour=True,
                     enlist_hazard=0.05))  # many leave, so the floor is tested often
    s, p = m.village, m.p
    need = p["labour_need"] * s.land
    draws = dynamics.mobilization_draws
    checked = []

    def checked_draws(*args: object, **kwargs: object) -> tuple[np.ndarray, np.ndarray]:
        go, army = draws(*args, **kwargs)
        households = s.household[go]
        assert len(np.unique(households)) == len(go)
        care = p["care_labour"] * s.soldier_family() * m.government.soldier_family_care
        assert (s.labour() - 1.0 + care - need)[households].min(initial=1.0) > 0
        checked.append(len(go))
        return go, army

    monkeypatch.setattr(dynamics, "mobilization_draws", checked_draws)
    for _ in range(156):
        m.step()
        assert int((s.status == PRESENT).sum()) + m.mobilized == s.n
    assert sum(checked) > 20
    assert m.outcomes()["households_spent"] > 0.5


def test_soldier_family_care_adds_labour() -> None:
    m = VillageModel(**first(rng=2, population=100, household_labour=True))
    s, p = m.village, m.p
    s.leave(np.array([0]), ARMY)
    gov = VillageGovernment(0.5, 0.5, 0.0, 0.5)
    s.land[:] = (s.labour() - 1.0) / p["labour_need"]  # exactly at the margin: no spare
    without = dynamics.household_spare(s, gov, p)
    gov.soldier_family_care = True
    with_care = dynamics.household_spare(s, gov, p)
    h = s.household[0]
    assert without[h] == 0.0 and with_care[h] > 0.0
    others = np.arange(s.n_households) != h
    assert (with_care[others] == without[others]).all()


def test_army_choice_rises_with_consciousness_and_falls_with_need() -> None:
    m = VillageModel(**first(rng=2, population=100, household_labour=True))
    s, p, gov = m.village, m.p, m.government
    s.consciousness[:] = 0.2
    low = dynamics.labour_choice(s, gov, p).army
    s.consciousness[:] = 0.8
    high = dynamics.labour_choice(s, gov, p)
    assert (high.army >= low).all() and (high.army > low).any()
    needy = high.spare < 1.0
    assert needy.any()
    assert high.army[needy].mean() < high.army[~needy].mean()


def test_care_raises_recruitment_when_on() -> None:
    """Where soldiers' families win preferential treatment, the labour the village adds lets
    them spare more: over ten welfare-first villages, more leave with care than without."""
    def mean_rate(care: float) -> float:
        return float(np.mean([curve(seed, weeks=156, **first(
            population=200, household_labour=True, care_labour=care))[0][-1]
            for seed in range(10)]))
    assert mean_rate(1.0) > mean_rate(0.0)


@pytest.mark.parametrize("on", [True])
def test_mobilization_levels_off_with_household_labour(on: bool) -> None:
    """Welfare-first, population 200, ten seeds, five years: the weekly rate of new leavers
    in year five is below half its peak 13-week mean and falls from year two more than
    without the switch (the first edition's curve does not level off)."""
    runs = {flag: np.array([curve(s, **first(branch_method="welfare-first", population=200,
                                             household_labour=flag))[0] for s in range(10)])
            for flag in (False, on)}
    peak, five, two = saturation(runs[on])
    _, five_off, two_off = saturation(runs[False])
    assert five < 0.5 * peak
    assert five / two < 0.75 * (five_off / two_off)
