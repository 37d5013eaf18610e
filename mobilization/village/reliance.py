"""Relying on the active: the branch organizes its active to work on particular people.

Mao (1943), 3: "The masses in any given place are generally composed of three parts, the
relatively active, the intermediate, and the relatively backward. The leaders must
therefore be skilled in uniting the small number of active elements around the
leadership and must rely on them to raise the level of the intermediate element and to
win over the backward elements."

At each vital-interest meeting it holds (``Branch.hold_meeting``) the branch assigns each
of its active, present in the village, up to ``reliance_reach`` of his Moore neighbours of
intermediate or backward stance to work on, each of them to one active person only, in the
order the rule ``reliance`` gives. The pairs hold until the next vital-interest meeting,
and lapse when either leaves the village. Each week (``work``) the consciousness and
trust of every worked-on person close a share of their gap to 1, scaled by the worker's
consciousness and held back by the worked-on person's fear. A branch that holds no
vital-interest meeting (quota-only: it "merely assigns quotas", Chen Yun) organizes
nobody: its villagers have only the ambient pull of active neighbours
(``dynamics.update_consciousness``). docs/ODD.md 7.22.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .population import ACTIVE_STANCE, BACKWARD, INTERMEDIATE, PRESENT, VILLAGER

if TYPE_CHECKING:
    from .population import VillageState
    from .protocols import VillageLike

OFF = "none"
ORDER: dict[str, tuple[tuple[int, ...], ...]] = {
    "intermediate-first": ((INTERMEDIATE,), (BACKWARD,)),
    "backward-first": ((BACKWARD,), (INTERMEDIATE,)),
    "random": ((INTERMEDIATE, BACKWARD),),
}
"""Each rule's stages: the stances taken up in turn. A later stage gets only the capacity
the earlier ones left, so under "intermediate-first" no active person works on a backward
neighbour while an intermediate neighbour of his goes unworked."""


def workers(state: VillageState, stance: np.ndarray) -> np.ndarray:
    """Mask of the active elements the branch can rely on: good Party members and
    activists (``VillageState.leaders``), and villagers of active stance, present in the
    village. Active membership of a mass organization alone does not make one: a member
    of intermediate stance is among those to be raised; a bad element is not relied on
    whatever his stance."""
    return state.present & (state.leaders()
                            | ((state.role == VILLAGER) & (stance == ACTIVE_STANCE)))


def targets(state: VillageState, stance: np.ndarray) -> np.ndarray:
    """Mask of the persons to be worked on: villagers present of intermediate or backward
    stance (Party members and activists are the branch's own, not its work)."""
    return state.present & (state.role == VILLAGER) & (stance != ACTIVE_STANCE)


def neighbour_pairs(state: VillageState, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (person, Moore neighbour) pair for the persons of the mask ``who``, by person
    and then in the adjacency's order (``VillageState.pairs``, filtered)."""
    rows, cols = state.pairs()
    keep = who[rows]
    return rows[keep], cols[keep]


def match(w: np.ndarray, t: np.ndarray, key: np.ndarray, capacity: np.ndarray,
          worked_by: np.ndarray) -> None:
    """Assign targets to workers along the candidate pairs ``(w, t)``, in place: each
    target to at most one worker (``worked_by``: -1 while unassigned), each worker to at
    most ``capacity`` (decremented) targets. In rounds, each unassigned target turns to
    the worker with the smallest ``key`` (in [0, 1)) among those who still have room, and
    each worker takes his turners in order of ``key``, up to his room; until no pair can be
    added. The result is maximal: no candidate pair is left with room and an unassigned
    target. Sorting by index + key sorts by index, then key."""
    while len(w):
        ok = (capacity[w] > 0) & (worked_by[t] < 0)
        w, t, key = w[ok], t[ok], key[ok]
        if not len(w):
            return
        order = np.argsort(t + key)  # by target, then key
        first = _heads(t[order])
        turn = order[first]  # each target's best pair
        turn = turn[np.argsort(w[turn] + key[turn])]  # by worker, then key
        tw = w[turn]
        index = np.arange(len(turn))
        rank = index - np.maximum.accumulate(np.where(_heads(tw), index, 0))
        taken = turn[rank < capacity[tw]]
        worked_by[t[taken]] = w[taken]
        capacity -= np.bincount(w[taken], minlength=len(capacity))  # a worker may take several


def _heads(sorted_ids: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal values in ``sorted_ids``."""
    head = np.empty(len(sorted_ids), dtype=bool)
    head[:1] = True
    np.not_equal(sorted_ids[1:], sorted_ids[:-1], out=head[1:])
    return head


class Reliance:
    """Who works on whom: the branch's record of its active and the persons they reach."""

    def __init__(self) -> None:
        self.worked_by = np.zeros(0, dtype=np.int64)
        """(n,) the active person working on each person, -1 for none; empty until the
        branch first organizes the work."""
        self.reached = np.zeros(0, dtype=bool)
        """(n,) persons ever assigned to an active person."""
        self.assignments = 0
        """Meetings at which the branch organized the work."""

    def organize(self, model: VillageLike) -> None:
        """At a vital-interest meeting held: new pairs of active persons and intermediate
        or backward neighbours, by the rule ``reliance`` (off: nothing, nothing drawn).
        Ties are broken by one uniform draw per candidate pair (``model.rng``), not by
        the order of the village's index. With ``organization`` off (docs/ODD.md 7.21)
        the branch does no organizational work, so nobody is assigned."""
        p = model.p
        rule = p["reliance"]
        if rule == OFF or not p["organization"]:
            return
        s, stance = model.village, model.stance
        if len(self.worked_by) != s.n:
            self.worked_by = np.full(s.n, -1, dtype=np.int64)
            self.reached = np.zeros(s.n, dtype=bool)
        self.worked_by.fill(-1)
        self.assignments += 1
        w, t = neighbour_pairs(s, workers(s, stance))
        keep = targets(s, stance)[t]
        w, t = w[keep], t[keep]
        key = model.rng.random(len(w))
        capacity = np.zeros(s.n, dtype=np.int64)
        capacity[w] = p["reliance_reach"]
        of = stance[t]
        for stances in ORDER[rule]:
            stage = of == stances[0]
            for other in stances[1:]:
                stage |= of == other
            match(w[stage], t[stage], key[stage], capacity, self.worked_by)
        self.reached |= self.worked_by >= 0

    def work(self, state: VillageState, p: dict[str, Any]) -> None:
        """One week of work: each worked-on person's consciousness closes
        ``reliance_consciousness x c_w x max(1 - reliance_fear x f, 0)`` of its gap to 1,
        and his trust ``reliance_trust`` times the same factors (``c_w``: the worker's
        consciousness; ``f``: the worked-on person's fear). Pairs where either has left
        the village lapse first. The pairs are kept until someone leaves or the assignment
        changes (keyed on its bytes)."""
        on, by = state.kept_while("_reliance_pairs", (self.worked_by.tobytes(),),
                                  lambda: self._staying_pairs(state))
        if not len(on):
            return
        reach = state.consciousness[by] * np.maximum(
            1.0 - p["reliance_fear"] * state.fear[on], 0.0)
        c, tr = state.consciousness, state.trust
        c_on, tr_on = c[on], tr[on]
        c[on] = c_on + p["reliance_consciousness"] * reach * (1.0 - c_on)
        tr[on] = tr_on + p["reliance_trust"] * reach * (1.0 - tr_on)

    def _staying_pairs(self, state: VillageState) -> np.ndarray:
        """(2, k) the worked-on persons and their workers, both still in the village; pairs
        where either has left lapse here (a lapse changes the assignment, so the next week
        works the pairs out once more)."""
        on = (self.worked_by >= 0).nonzero()[0]
        by = self.worked_by[on]
        stay = (state.status[on] == PRESENT) & (state.status[by] == PRESENT)
        if not stay.all():
            self.worked_by[on[~stay]] = -1
            on, by = on[stay], by[stay]
        return np.stack((on, by))

    def outcomes(self, state: VillageState, stance: np.ndarray
                 ) -> dict[str, float | int]:
        """``share_worked_on``: share of the villagers present of intermediate or backward
        stance whom an active person is working on; ``persons_reached``: persons ever
        assigned; ``share_reached_active``: share of those still present whose stance is now
        active. All 0 before the branch first organizes the work."""
        if not len(self.worked_by):
            return {"share_worked_on": 0.0, "persons_reached": 0, "share_reached_active": 0.0}
        todo = targets(state, stance)
        present = state.present
        worked = todo & (self.worked_by >= 0)
        worked[worked] = present[self.worked_by[worked]]  # the worker still here
        reached = self.reached & present
        n_reached = int(np.count_nonzero(reached))
        return {
            "share_worked_on": int(np.count_nonzero(worked))
            / max(int(np.count_nonzero(todo)), 1),
            "persons_reached": int(np.count_nonzero(self.reached)),
            "share_reached_active": int(np.count_nonzero(reached & (stance == ACTIVE_STANCE)))
            / max(n_reached, 1),
        }
