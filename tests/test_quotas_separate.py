"""Separate quotas (``separate_quotas``; DESIGN section 4, issue 11 item 5): grain from the
harvest, bonds from cash, shoes from women's work."""

from __future__ import annotations

import numpy as np
import pytest

from mobilization.village.model import VillageModel
from mobilization.village.parameters import FIRST_EDITION
from mobilization.village.quotas import GOODS, capacity, sources


def first(**params: object) -> dict:
    """The parameters with the rest of the model as the first edition (FIRST_EDITION):
    these tests isolate one second-edition switch, as when it was built."""
    return {**FIRST_EDITION, **params}


KEYS = tuple(f"quota_{g}" for g in GOODS)


def run(weeks: int, seed: int = 3, force_association: bool = False, **params):
    m = VillageModel(**first(rng=seed, weeks=weeks, record=False, **params))
    if force_association:
        m.womens_association = True
    for _ in range(weeks):
        m.step()
    return m


def test_off_is_the_first_edition():
    a = run(30, branch_method="quota-only")
    b = run(30, branch_method="quota-only", separate_quotas=False)
    assert a.outcomes() == b.outcomes()
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    # off, the three goods are filled alike (one rate for all)
    values = [a.report[k] for k in KEYS]
    assert max(values) - min(values) < 1e-9


@pytest.mark.parametrize("method", ["quota-only", "welfare-first"])
def test_on_the_three_fulfilments_differ(method):
    m = run(20, branch_method=method, separate_quotas=True)
    values = [m.report[k] for k in KEYS]
    gaps = [abs(x - y) for i, x in enumerate(values) for y in values[i + 1:]]
    assert min(gaps) > 1e-6, values


def test_on_draws_nothing_extra():
    """The switch draws no random numbers itself: before any week both models have the
    same stream."""
    a = VillageModel(**first(rng=5, weeks=10, record=False))
    b = VillageModel(**first(rng=5, weeks=10, record=False, separate_quotas=True))
    assert a.rng.bit_generator.state == b.rng.bit_generator.state


def test_shoes_rise_with_the_womens_association():
    m = VillageModel(**first(rng=4, weeks=10, record=False, separate_quotas=True))
    before = capacity(m)["shoes"]
    m.womens_association = True
    after = capacity(m)["shoes"]
    assert 0.0 < before < after <= 1.0
    without = np.mean([run(12, seed, separate_quotas=True,
                           branch_method="quota-only").report["quota_shoes"]
                       for seed in range(4)])
    with_ = np.mean([run(12, seed, force_association=True, separate_quotas=True,
                         branch_method="quota-only").report["quota_shoes"]
                     for seed in range(4)])
    assert with_ > without


@pytest.mark.parametrize("household_labour", [False, True])
def test_grain_falls_with_raids(household_labour):
    m = VillageModel(**first(rng=6, weeks=10, record=False, separate_quotas=True, threat=True,
                     household_labour=household_labour))
    src0, cap0 = sources(m)["grain"], capacity(m)["grain"]
    m.threat.raid_loss[:] = 0.3
    src1, cap1 = sources(m)["grain"], capacity(m)["grain"]
    assert cap1 < cap0
    assert np.all(src1 <= src0) and src1.sum() < src0.sum()
    # with the threat off raid losses are not read
    m.p = {**m.p, "threat": False}
    assert capacity(m)["grain"] == cap0


def test_bonds_rise_with_the_cooperative():
    m = VillageModel(**first(rng=7, weeks=10, record=False, separate_quotas=True))
    before = capacity(m)["bonds"]
    m.branch.won.append("cooperative")
    assert capacity(m)["bonds"] > before


@pytest.mark.parametrize("params", [
    {"branch_method": "quota-only"},
    {"branch_method": "welfare-first", "household_labour": True},
    {"branch_method": "quota-only", "threat": True, "threat_exposure": 1.0, "raid_rate": 0.5},
])
def test_fulfilment_in_unit_interval(params):
    m = VillageModel(**first(rng=8, weeks=40, record=False, separate_quotas=True, **params))
    for _ in range(40):
        m.step()
        for kind, value in capacity(m).items():
            assert 0.0 <= value <= 1.0, kind
        for k in KEYS:
            assert 0.0 <= m.report[k] <= 1.0, k
