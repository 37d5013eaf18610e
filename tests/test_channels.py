"""The three explanations as channels (docs/ODD.md 7.21): each switch removes what it
carries and nothing else, the branch's organizational work acts under either method, and
the reasons people left add up to the recruitment rate."""

from __future__ import annotations

import numpy as np
import pytest

from mobilization import VillageModel, simulate
from mobilization.village.dynamics import REASONS
from mobilization.village.population import ACTIVE, ACTIVIST

REASON_RATES = [f"mobilized_{r}_rate" for r in REASONS]


def _run(weeks: int, rng: int, **params) -> VillageModel:
    model = VillageModel(rng=rng, record=False, weeks=None, **params)
    for _ in range(weeks):
        model.step()
    return model


@pytest.mark.parametrize("method", ["quota-only", "welfare-first"])
@pytest.mark.parametrize("extra", [{}, {"threat": True, "household_labour": True,
                                       "spontaneous_struggles": True}])
def test_reasons_add_up_to_the_recruitment_rate(method: str, extra: dict) -> None:
    for seed in range(4):
        out = simulate(rng=seed, population=200, branch_method=method, **extra)
        parts = [out[k] for k in REASON_RATES]
        assert all(x >= 0 for x in parts)
        assert sum(parts) == pytest.approx(out["recruitment_rate"], abs=1e-12)


def test_pressed_men_are_counted_as_pressed() -> None:
    """Quota-only recruits include men pressed by order; with no hazard, they are all."""
    out = simulate(rng=1, population=300, branch_method="quota-only", enlist_hazard=0.0,
                   press_compliance=0.3)
    assert out["recruitment_rate"] > 0
    assert out["mobilized_pressed_rate"] == pytest.approx(out["recruitment_rate"])
    assert out["mobilized_invader_rate"] == 0.0


def test_invader_is_a_reason_only_with_the_threat() -> None:
    on = simulate(rng=2, population=300, threat=True, raid_rate=0.5, threat_exposure=1.0)
    off = simulate(rng=2, population=300, threat=False)
    assert on["mobilized_invader_rate"] > 0
    assert off["mobilized_invader_rate"] == 0.0


def test_reform_off_changes_no_burden() -> None:
    """Measures are still won (the struggle is not the reform channel), but livelihoods
    stay as they were and soldiers' families get no treatment."""
    m = VillageModel(rng=4, record=False, weeks=None, population=200, reform=False)
    before = m.village.burden.copy()
    for _ in range(104):
        m.step()
    assert m.outcomes()["measures_won"] > 0
    np.testing.assert_array_equal(m.village.burden, before)
    assert not m.government.soldier_family_care
    on = _run(104, 4, population=200)
    assert (on.village.burden < before - 1e-12).any()


@pytest.mark.parametrize("extra", [{}, {"spontaneous_struggles": True,
                                        "organizing_rate": 0.2}])
def test_organization_off_leaves_organizations_on_paper(extra: dict) -> None:
    for seed in range(3):
        m = _run(104, seed, population=200, organization=False, **extra)
        s = m.village
        assert not (s.membership == ACTIVE).any()
        assert not (s.role == ACTIVIST).any()
        out = m.outcomes()
        assert out["active_membership"] == 0 and out["activists"] == 0
        assert out["mobilized_membership_rate"] == 0.0


def test_organizing_work_acts_under_quota_only() -> None:
    """The organization explanation does not depend on the meeting's item: a quota-only
    branch that organizes has active members; one that does not has none (the switches of
    own accord being off)."""
    with_work = [_run(52, seed, population=200, branch_method="quota-only",
                      organizing_rate=0.3, spontaneous_struggles=False
                      ).outcomes()["active_membership"]
                 for seed in range(5)]
    without = [_run(52, seed, population=200, branch_method="quota-only",
                    organizing_rate=0.0, spontaneous_struggles=False
                    ).outcomes()["active_membership"]
               for seed in range(5)]
    assert min(with_work) > 0
    assert max(without) == 0


def test_organizing_work_needs_the_channel() -> None:
    a = _run(52, 7, population=200, branch_method="quota-only", organizing_rate=0.3,
             organization=False)
    assert a.outcomes()["active_membership"] == 0
