"""Relying on the active (``village/reliance.py``, docs/ODD.md 7.22; Mao 1943, 3): "rely on
them to raise the level of the intermediate element and to win over the backward elements".

At each vital-interest meeting the branch assigns its active present (good Party members,
activists, villagers of active stance) up to ``reliance_reach`` Moore neighbours of
intermediate or backward stance each, one worker per target, in the order of the rule
``reliance``; the worked-on are raised each week. Off ("none") nothing is computed or
drawn; a branch that holds no vital-interest meeting organizes nobody."""

from __future__ import annotations

import numpy as np
import pytest

from mobilization import VillageModel, simulate
from mobilization.village import reliance as rel
from mobilization.village.parameters import FIRST_EDITION
from mobilization.village.population import (
    ACTIVE_STANCE,
    ARMY,
    BACKWARD,
    INTERMEDIATE,
    PARTY,
    VILLAGER,
)

RULES = ("intermediate-first", "backward-first", "random")


def _model(weeks: int, rng: int, **params) -> VillageModel:
    model = VillageModel(rng=rng, record=False, weeks=None, **params)
    for _ in range(weeks):
        model.step()
    return model


def _assigned(model: VillageModel) -> tuple[np.ndarray, np.ndarray]:
    """Organize the work now (as a vital-interest meeting does); the (worker, target)
    pairs."""
    model.branch.reliance.organize(model)
    wb = model.branch.reliance.worked_by
    t = np.flatnonzero(wb >= 0)
    return wb[t], t


def _neighbours(model: VillageModel, i: int) -> np.ndarray:
    adj = model.village.adjacency
    return adj.indices[adj.indptr[i]:adj.indptr[i + 1]]


# --- who works on whom ------------------------------------------------------------------
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("seed", range(4))
def test_assignment_pairs_active_workers_with_intermediate_or_backward_neighbours(
        rule: str, seed: int) -> None:
    reach = 1 + seed % 3
    model = _model(6 + 4 * seed, seed, population=300, reliance=rule, reliance_reach=reach)
    s, st = model.village, model.stance
    w, t = _assigned(model)
    assert len(t) > 0
    # Targets: villagers present, intermediate or backward.
    assert np.all(s.present[t]) and np.all(s.role[t] == VILLAGER)
    assert np.all(np.isin(st[t], (INTERMEDIATE, BACKWARD)))
    # Workers: present, good members, activists or villagers of active stance.
    assert np.all(s.present[w]) and not np.any(s.bad_element[w] & (s.role[w] == PARTY))
    assert np.all((s.role[w] != VILLAGER) | (st[w] == ACTIVE_STANCE))
    # Each target one worker (an array holds one), each worker at most reach targets.
    assert np.bincount(w).max() <= reach
    # Every pair is a pair of Moore neighbours.
    assert np.all(np.asarray(s.adjacency[t, w]).ravel() > 0)
    # Maximal: no worker with room has an unworked eligible neighbour.
    workers = np.flatnonzero(rel.workers(s, st))
    load = np.bincount(w, minlength=s.n)
    todo = rel.targets(s, st) & (model.branch.reliance.worked_by < 0)
    for i in workers[load[workers] < reach]:
        assert not todo[_neighbours(model, i)].any()


@pytest.mark.parametrize(("rule", "first", "second"),
                         [("intermediate-first", INTERMEDIATE, BACKWARD),
                          ("backward-first", BACKWARD, INTERMEDIATE)])
def test_the_rule_sets_the_order_of_the_stances(rule: str, first: int, second: int) -> None:
    """No worker takes a neighbour of the second stance while a neighbour of the first
    goes unworked; and both stances do get worked on over the seeds."""
    taken_second = 0
    for seed in range(8):
        model = _model(5, seed, population=300, reliance=rule, reliance_reach=1)
        s, st = model.village, model.stance
        w, t = _assigned(model)
        todo = rel.targets(s, st) & (model.branch.reliance.worked_by < 0)
        for i in w[st[t] == second]:
            assert not (todo & (st == first))[_neighbours(model, i)].any()
        taken_second += int(np.count_nonzero(st[t] == second))
    assert taken_second > 0


def test_intermediate_first_works_on_more_of_the_intermediate_than_backward_first() -> None:
    shares = {}
    for rule in ("intermediate-first", "backward-first"):
        got = []
        for seed in range(6):
            model = _model(5, seed, population=300, reliance=rule, reliance_reach=1)
            _, t = _assigned(model)
            got.append(np.mean(model.stance[t] == INTERMEDIATE))
        shares[rule] = np.mean(got)
    assert shares["intermediate-first"] > shares["backward-first"]


def test_ties_are_drawn_from_the_model_rng_not_the_index_order() -> None:
    model = _model(8, 2, population=300)
    state = model.rng.bit_generator.state
    _, t1 = _assigned(model)
    first = model.branch.reliance.worked_by.copy()
    _, t2 = _assigned(model)
    assert model.rng.bit_generator.state != state  # it drew
    assert not np.array_equal(first, model.branch.reliance.worked_by)
    model.rng.bit_generator.state = state
    _assigned(model)
    assert np.array_equal(first, model.branch.reliance.worked_by)  # same draws, same pairs


def test_match_is_capacity_bound_one_worker_per_target_and_maximal() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = 30
        m = int(rng.integers(1, 120))
        w, t = rng.integers(0, n, m), rng.integers(0, n, m)
        cap0 = rng.integers(0, 4, n)
        cap = cap0.copy()
        wb = np.full(n, -1)
        rel.match(w, t, rng.random(m), cap, wb)
        got = np.flatnonzero(wb >= 0)
        assert np.all(np.bincount(wb[got], minlength=n) <= cap0)
        assert np.array_equal(cap, cap0 - np.bincount(wb[got], minlength=n))
        pairs = set(zip(w.tolist(), t.tolist(), strict=True))
        assert all((int(wb[j]), int(j)) in pairs for j in got)
        assert not np.any((cap[w] > 0) & (wb[t] < 0))  # maximal


# --- the weekly work -----------------------------------------------------------------------
def test_work_raises_the_worked_on_by_the_rule_and_pairs_lapse_when_one_leaves() -> None:
    model = _model(6, 1, population=300)
    s, p, r = model.village, model.p, model.branch.reliance
    w, t = _assigned(model)
    c0, tr0 = s.consciousness.copy(), s.trust.copy()
    r.work(s, p)
    factor = s.consciousness[w] * np.maximum(1.0 - p["reliance_fear"] * s.fear[t], 0.0)
    assert np.allclose(s.consciousness[t], c0[t] + p["reliance_consciousness"] * factor
                       * (1.0 - c0[t]))
    assert np.allclose(s.trust[t], tr0[t] + p["reliance_trust"] * factor * (1.0 - tr0[t]))
    others = np.ones(s.n, dtype=bool)
    others[t] = False
    assert np.array_equal(s.consciousness[others], c0[others])
    # A worker leaves: his pairs lapse, his targets are no longer raised.
    gone = w[0]
    mine = t[w == gone]
    s.leave(gone, ARMY)
    c1 = s.consciousness.copy()
    r.work(s, p)
    assert np.all(r.worked_by[mine] == -1)
    assert np.array_equal(s.consciousness[mine], c1[mine])


def test_fear_holds_the_worked_on_back() -> None:
    model = _model(6, 1, population=300)
    s, p, r = model.village, model.p, model.branch.reliance
    _, t = _assigned(model)
    s.fear[t] = 1.0
    c0 = s.consciousness.copy()
    r.work(s, p)
    assert np.array_equal(s.consciousness, c0)


# --- switched off, or no meetings to organize it ------------------------------------------
@pytest.mark.parametrize("method", ["welfare-first", "quota-only"])
def test_none_is_the_ambient_pull_only_and_draws_nothing(monkeypatch, method: str) -> None:
    off = _model(60, 4, population=200, branch_method=method, reliance="none",
                 reliance_reach=8, reliance_consciousness=1.0)

    def refuse(*args, **kwargs):
        raise AssertionError("reliance did work while off")

    monkeypatch.setattr(rel, "match", refuse)
    monkeypatch.setattr(rel, "neighbour_pairs", refuse)
    monkeypatch.setattr(rel.Reliance, "organize", lambda self, model: None)
    bare = _model(60, 4, population=200, branch_method=method, reliance="intermediate-first")
    assert off.rng.bit_generator.state == bare.rng.bit_generator.state
    assert off.outcomes() == bare.outcomes()
    out = off.outcomes()
    assert out["share_worked_on"] == 0 and out["persons_reached"] == 0


def test_first_edition_value_switches_it_off() -> None:
    assert FIRST_EDITION["reliance"] == "none"
    a = simulate(weeks=52, rng=3, **{**FIRST_EDITION, "population": 200})
    b = simulate(weeks=52, rng=3, **{**FIRST_EDITION, "population": 200,
                                     "reliance_reach": 1, "reliance_fear": 0.0})
    assert a == b


@pytest.mark.parametrize("seed", range(5))
def test_a_branch_that_holds_no_vital_meeting_organizes_nobody(seed: int) -> None:
    """The difference comes from the meetings: quota-only draws and does exactly as with
    reliance off; welfare-first with no vital-interest meetings likewise; quota-only
    holding vital-interest meetings does organize the work."""
    quota = _model(104, seed, population=200, branch_method="quota-only")
    assert quota.branch.reliance.assignments == 0
    assert quota.outcomes()["persons_reached"] == 0
    off = _model(104, seed, population=200, branch_method="quota-only", reliance="none")
    assert quota.outcomes() == off.outcomes()
    no_vital = _model(52, seed, population=200, vital_interest_share=0.0)
    assert no_vital.branch.reliance.assignments == 0
    vital = _model(20, seed, population=200, branch_method="quota-only",
                   vital_interest_share=0.6)
    assert vital.branch.reliance.assignments == vital.branch.vital_meetings > 0
    assert vital.outcomes()["persons_reached"] > 0


def test_without_organization_the_branch_does_no_such_work() -> None:
    model = _model(52, 2, population=200, organization=False)
    assert model.branch.reliance.assignments == 0


# --- what it does, over many villages ------------------------------------------------------
def test_same_seed_same_result() -> None:
    assert simulate(weeks=40, rng=9, population=200) == simulate(weeks=40, rng=9,
                                                                 population=200)


def test_reliance_raises_the_intermediate_and_the_active_share() -> None:
    """Welfare-first villages, paired by seed: the villagers intermediate at the start end
    the first 30 weeks more conscious, and more villagers are of active stance, with the
    active relied on (intermediate-first) than with the ambient pull alone. (By a year the
    active share's gain is within chance: most villages where the branch works are then
    nearly all active either way.)"""
    gain, more_active = [], []
    for seed in range(60):
        on = _model(30, seed, population=300)
        off = _model(30, seed, population=300, reliance="none")
        start = VillageModel(rng=seed, record=False, population=300).stance == INTERMEDIATE
        stay = start & on.village.present & off.village.present
        gain.append(on.village.consciousness[stay].mean()
                    - off.village.consciousness[stay].mean())
        more_active.append(on.outcomes()["share_active"] - off.outcomes()["share_active"])
    for diff in (np.array(gain), np.array(more_active)):
        half = 2.0 * diff.std(ddof=1) / np.sqrt(len(diff))
        assert diff.mean() - half > 0, (diff.mean(), half)
        assert np.mean(diff > 0) > np.mean(diff < 0)


def test_outcomes_are_in_range() -> None:
    for seed in range(3):
        out = simulate(weeks=60, rng=seed, population=200)
        assert 0.0 <= out["share_worked_on"] <= 1.0
        assert 0.0 <= out["share_reached_active"] <= 1.0
        assert 0 <= out["persons_reached"] <= 200


