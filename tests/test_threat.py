"""The invader's threat (``village/threat.py``, docs/ODD.md 7.17): off, nothing changes and
no random number is drawn; on, raids come at the rate the parameters give, whatever the
branch does, and raise grievance against the invader and recruitment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mobilization import VillageModel, simulate
from mobilization.village.parameters import FIRST_EDITION
from mobilization.village.threat import Threat


def first(**params: object) -> dict:
    """The parameters with the rest of the model as the first edition (FIRST_EDITION):
    these tests isolate one second-edition switch, as when it was built."""
    return {**FIRST_EDITION, **params}


THREAT_OUTCOMES = ("raids", "reprisals", "mean_invader_grievance", "mean_fear_invader",
                   "raid_losses")
SEEDS = range(20)


def _run(weeks: int, rng: int, **params) -> VillageModel:
    model = VillageModel(**first(rng=rng, record=False, weeks=None, **params))
    for _ in range(weeks):
        model.step()
    return model


def test_off_is_the_default_and_draws_nothing(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("Threat.week called with threat off")

    default = _run(30, 7, population=120)
    monkeypatch.setattr(Threat, "week", refuse)
    off = _run(30, 7, population=120, threat=False, raid_rate=1.0, threat_exposure=1.0)
    assert off.rng.bit_generator.state == default.rng.bit_generator.state
    assert off.random.getstate() == default.random.getstate()
    exposure = "drawn_threat_exposure"  # reports the parameter, which differs here
    assert ({k: v for k, v in off.outcomes().items() if k != exposure}
            == {k: v for k, v in default.outcomes().items() if k != exposure})
    for name in THREAT_OUTCOMES:
        assert off.outcomes()[name] == 0
    assert not off.threat.invader_grievance.any() and not off.threat.raid_loss.any()


def test_on_changes_the_random_stream() -> None:
    on = _run(30, 7, population=120, threat=True, raid_rate=1.0, threat_exposure=1.0)
    off = _run(30, 7, population=120)
    assert on.rng.bit_generator.state != off.rng.bit_generator.state
    assert on.outcomes()["raids"] > 0


def test_no_exposure_no_raid() -> None:
    for seed in range(5):
        out = simulate(**first(weeks=52, rng=seed, population=100, threat=True, raid_rate=1.0,
                       threat_exposure=0.0))
        assert out["raids"] == 0 and out["mean_invader_grievance"] == 0
        assert out["raid_losses"] == 0


@pytest.fixture(scope="module")
def raided() -> list[VillageModel]:
    return [_run(52, seed, population=100, threat=True, raid_rate=0.5, threat_exposure=0.6)
            for seed in SEEDS]


def test_raids_come_at_rate_times_exposure(raided) -> None:
    """Raids are Poisson with mean ``raid_rate x threat_exposure`` a week: the total over
    20 villages x 52 weeks lies within 4 sd of its mean (312, sd 17.7)."""
    expected = 0.5 * 0.6 * 52 * len(SEEDS)
    total = sum(m.threat.raids for m in raided)
    assert abs(total - expected) < 4 * math.sqrt(expected), (total, expected)
    reprisals = sum(m.threat.reprisals for m in raided)
    share = 0.2  # reprisal_share's default: binomial over the raids
    assert abs(reprisals - share * total) < 4 * math.sqrt(total * share * (1 - share))


def test_raids_leave_grievance_fear_and_losses_in_range(raided) -> None:
    for m in raided:
        out, t = m.outcomes(), m.threat
        assert out["raids"] > 0 and out["mean_invader_grievance"] > 0
        assert out["mean_fear_invader"] >= 0 and out["raid_losses"] >= 0
        for values in (t.invader_grievance, t.fear_invader, m.village.consciousness):
            assert np.all((values >= 0) & (values <= 1))
        assert out["present"] + out["mobilized"] == m.population  # no one is lost


def test_the_threat_raises_recruitment_under_quota_only() -> None:
    """The rival explanation acts under any method: a quota-only branch recruits more
    the more the village is raided (paired seeds, 20 villages each)."""
    means = []
    for rate in (0.0, 0.2, 0.6):
        rates = [simulate(**first(rng=seed, branch_method="quota-only", threat=True,
                          raid_rate=rate, threat_exposure=1.0))["recruitment_rate"]
                 for seed in SEEDS]
        means.append(float(np.mean(rates)))
    assert means[0] < means[1] < means[2], means
    assert means[2] - means[0] > 0.01, means


def test_switch_on_with_no_raid_rate_raids_nowhere() -> None:
    out = simulate(**first(weeks=40, rng=3, population=100, threat=True, raid_rate=0.0))
    assert out["raids"] == 0 and out["mean_invader_grievance"] == 0
