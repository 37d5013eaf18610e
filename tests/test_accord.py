"""Of the villagers' own accord, and the gentry's answer (``village/accord.py``, docs/ODD.md
7.18-7.20; DESIGN principles 1 and 4): off, nothing changes and no random number is drawn;
on, a quota-only village can organize, win and elect, rarely, and a welfare-first branch
facing strong gentry can lose struggles and decrees."""

from __future__ import annotations

import numpy as np
import pytest

from mobilization import VillageModel
from mobilization.village import accord
from mobilization.village.outcomes import BOUNDS
from mobilization.village.parameters import FIRST_EDITION
from mobilization.village.population import ACTIVIST, NONE, PRESENT, RENT, VILLAGER


def first(**params: object) -> dict:
    """The parameters with the rest of the model as the first edition (FIRST_EDITION):
    these tests isolate one second-edition switch, as when it was built."""
    return {**FIRST_EDITION, **params}


NEW = ("struggles_own_accord", "measures_clawed_back", "gentry_reprisals_count")
ON = {"spontaneous_struggles": True, "gentry_reprisals": True}
N_VILLAGES = 40


def _run(weeks: int, rng: int, **params) -> VillageModel:
    model = VillageModel(**first(rng=rng, record=False, weeks=None, **params))
    for _ in range(weeks):
        model.step()
    return model


@pytest.mark.parametrize("method", ["quota-only", "welfare-first"])
def test_off_is_the_default_and_draws_nothing(monkeypatch, method: str) -> None:
    default = _run(40, 3, population=150, branch_method=method)

    def refuse(*args, **kwargs):
        raise AssertionError("accord called with its switches off")

    for name in ("week", "retaliate", "own_accord", "claw_back"):
        monkeypatch.setattr(accord, name, refuse)
    monkeypatch.setattr("mobilization.village.branch.retaliate", refuse)
    off = _run(40, 3, population=150, branch_method=method, spontaneous_struggles=False,
               gentry_reprisals=False, quota_meetings_persuade=0.0, spontaneous_rate=1.0,
               reprisal_chance=1.0, clawback_rate=1.0, self_organize_rate=1.0)
    assert off.rng.bit_generator.state == default.rng.bit_generator.state
    assert off.random.getstate() == default.random.getstate()
    assert off.outcomes() == default.outcomes()
    for name in NEW:
        assert off.outcomes()[name] == 0


def test_quota_only_is_zero_without_own_accord() -> None:
    """Today's pattern 4, which the switches exist to break: by construction."""
    for seed in range(5):
        out = _run(104, seed, population=200, branch_method="quota-only").outcomes()
        assert out["active_membership"] == 0 and out["measures_won"] == 0


def _villages(method: str, **params) -> list[dict]:
    out = []
    for seed in range(N_VILLAGES):
        m = _run(104, seed, population=200, branch_method=method, **params)
        s = m.village
        assert s.n == 200 and int((s.status == PRESENT).sum()) + m.mobilized == 200
        assert len(m.person_agents) == 200
        out.append(m.outcomes())
    return out


def _share(rows: list[dict], test) -> float:
    return float(np.mean([bool(test(r)) for r in rows]))


@pytest.fixture(scope="module")
def quota_only() -> list[dict]:
    return _villages("quota-only", **ON)


@pytest.fixture(scope="module")
def strong_gentry() -> list[dict]:
    return _villages("welfare-first", gentry_power=0.9, **ON)


def _in_range(rows: list[dict]) -> None:
    for r in rows:
        for name, (low, high) in BOUNDS.items():
            assert r[name] >= low and (high is None or r[name] <= high), name


def test_quota_only_can_organize_win_and_elect_rarely(quota_only: list[dict]) -> None:
    _in_range(quota_only)
    active = _share(quota_only, lambda r: r["active_membership"] > 0)
    won = _share(quota_only, lambda r: r["measures_won"] > 0)
    elected = _share(quota_only, lambda r: r["government_elected"])
    own = _share(quota_only, lambda r: r["struggles_own_accord"] > 0)
    for share in (active, won, elected, own):
        assert 0 < share < 1
    assert elected <= 0.25  # rarely
    # Every struggle in a quota-only village is the villagers' own.
    for r in quota_only:
        assert r["campaigns"] == r["struggles_own_accord"]


def test_welfare_first_can_lose_against_strong_gentry(strong_gentry: list[dict]) -> None:
    _in_range(strong_gentry)
    assert _share(strong_gentry, lambda r: r["measures_lost"] > 0) > 0
    assert _share(strong_gentry, lambda r: r["measures_clawed_back"] > 0) > 0
    assert _share(strong_gentry, lambda r: r["gentry_reprisals_count"] > 0) > 0
    assert _share(strong_gentry, lambda r: r["government_elected"]) < 1


def test_quota_meetings_persuade_raises_trust() -> None:
    base = _run(52, 1, population=150, branch_method="quota-only").outcomes()
    told = _run(52, 1, population=150, branch_method="quota-only",
                quota_meetings_persuade=0.05).outcomes()
    assert told["mean_trust"] > base["mean_trust"]
    assert told["mean_consciousness"] > base["mean_consciousness"]


def test_claw_back_undoes_the_decree() -> None:
    m = _run(0, 2, population=120, gentry_reprisals=True, clawback_rate=1.0, gentry_power=1.0)
    rent = m.village.burden[:, RENT].copy()
    measure = next(x for x in accord.MEASURES if x.key == "rent_reduction")
    m.branch._win(m, measure, np.zeros(m.village.n, dtype=bool),
                  np.zeros(m.village.n, dtype=bool))
    assert "rent_reduction" in m.branch.won
    m.village.membership[:] = NONE  # nobody organized, the gentry at full power:
    m.government.gentry_power = 1.0  # they take it back for certain
    accord.claw_back(m, m.branch)
    assert "rent_reduction" not in m.branch.won and m.branch.clawed_back == 1
    np.testing.assert_allclose(m.village.burden[:, RENT], rent)


def test_reprisal_demotes_but_removes_nobody() -> None:
    m = _run(0, 4, population=120, gentry_reprisals=True, reprisal_chance=1.0,
             reprisal_drive_out=1.0, gentry_power=1.0)
    s = m.village
    i = int(np.flatnonzero(s.adults() & (s.role == VILLAGER))[0])
    m.promote(i, ACTIVIST)
    took = np.zeros(s.n, dtype=bool)
    took[i] = True
    fear = s.fear[i]
    accord.retaliate(m, m.branch, took)
    assert m.branch.reprisals == 1 and s.role[i] == VILLAGER and s.fear[i] > fear
    assert s.n == 120 and len(m.person_agents) == 120
