"""The subjectivist's own plan (design mechanism 13; issue 12 item 1; docs/ODD.md 7.16).

Mao (1943): "Many comrades do not see the importance of, or are not good at, summing up the
experience of mass struggles, but fancying themselves clever, are fond of voicing their
subjectivist ideas, and so their ideas become empty and impractical."

A subjectivist branch (``decision_method = "subjectivist"``) acts on a plan of its own and
learns neither from the masses nor from defeat. Its plan is drawn, so that its results are
reported over draws and owe nothing to the order in which the measures happen to be listed
(``subjectivist_prior = "drawn"``); the first edition's plan pressed the measures in list
order (``"decree-order"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .mass_line import first
from .welfare import MEASURES, PROBLEMS, Measure

if TYPE_CHECKING:
    from .protocols import VillageLike


@dataclass(frozen=True)
class Plan:
    """A subjectivist branch's own ideas: a weight for each problem and a believed chance
    for each measure (by key), fixed once drawn."""

    weight: np.ndarray
    chance: dict[str, float]

    def value(self, measure: Measure) -> float:
        """What the plan makes of taking up ``measure``: its problem's weight times its
        believed chance."""
        return float(self.weight[measure.problem]) * self.chance[measure.key]


class Branch(Protocol):
    """What this module uses of ``branch.Branch``."""

    plan: Plan | None


def draw_plan(model: VillageLike) -> Plan:
    """Draw a subjectivist plan from ``model.rng``: problem weights Dirichlet with every
    concentration ``subjectivist_concentration``, then each measure's believed chance
    Beta(``subjectivist_optimism``, 1), one draw per measure. The plan owes nothing to what
    the households report, and its distribution nothing to the order of
    ``welfare.MEASURES`` (the believed chances are drawn alike for every measure)."""
    p, rng = model.p, model.rng
    weight = rng.dirichlet(np.full(len(PROBLEMS), p["subjectivist_concentration"]))
    chance = rng.beta(p["subjectivist_optimism"], 1.0, size=len(MEASURES))
    return Plan(weight, {m.key: float(c) for m, c in zip(MEASURES, chance, strict=True)})


def follow_plan(model: VillageLike, branch: Branch, measures: list[Measure]) -> Measure:
    """The subjectivist branch's item among the open ``measures``: the one its plan values
    most, whatever the households report and whatever its last struggle showed.
    ``subjectivist_prior = "decree-order"`` presses the first open measure in the first
    edition's list order and draws nothing; ``"drawn"`` draws its plan at its first
    decision and keeps it."""
    if model.p["subjectivist_prior"] == "decree-order":
        return measures[0]
    if branch.plan is None:
        branch.plan = draw_plan(model)
    return first(measures, {m.key: branch.plan.value(m) for m in measures})
