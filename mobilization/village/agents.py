"""The people of the village as Mesa agents on the grid (design section 2).

Agents are views on the village's arrays (``population.VillageState``): the weekly updates
run vectorized over the arrays, and an agent reads its own row. Python code runs per event
(a promotion, an enlistment), not per agent per week.

A villager who comes forward in struggle is replaced on the same cell by an
:class:`Activist`; an activist admitted to the branch by a :class:`PartyMember`. A person
who leaves for the army or salvation work leaves the grid: the cell stays empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.discrete_space import CellAgent

from .population import CLASS_NAMES, PRESENT

if TYPE_CHECKING:
    from .protocols import VillageLike

STANCE_NAMES = ("backward", "intermediate", "active")
MEMBERSHIP_NAMES = ("none", "nominal", "active")
STATUS_NAMES = ("present", "army", "salvation work")


class Villager(CellAgent):
    """A peasant: hired labourer, poor or tenant peasant, or middle peasant."""

    role_name = "villager"

    def __init__(self, model: VillageLike, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _state(self):
        return self.model.village

    @property
    def household(self) -> int:
        return int(self._state.household[self.index])

    @property
    def social_class(self) -> str:
        return CLASS_NAMES[self._state.hh_class[self.household]]

    @property
    def female(self) -> bool:
        return bool(self._state.female[self.index])

    @property
    def military_age(self) -> bool:
        return bool(self._state.military_age[self.index])

    @property
    def grievance(self) -> float:
        return float(self._state.grievance[self.index])

    @property
    def consciousness(self) -> float:
        return float(self._state.consciousness[self.index])

    @property
    def trust(self) -> float:
        return float(self._state.trust[self.index])

    @property
    def fear(self) -> float:
        return float(self._state.fear[self.index])

    @property
    def stance(self) -> str:
        return STANCE_NAMES[int(self.model.stance[self.index])]

    @property
    def membership(self) -> str:
        return MEMBERSHIP_NAMES[int(self._state.membership[self.index])]

    @property
    def status(self) -> str:
        return STATUS_NAMES[int(self._state.status[self.index])]

    @property
    def mobilized(self) -> bool:
        return int(self._state.status[self.index]) != PRESENT

    @property
    def soldier_family(self) -> bool:
        return bool(self._state.soldier_family()[self.household])


class Activist(Villager):
    """A villager who has come forward in struggle; influences neighbours, and is a
    candidate for Party membership."""

    role_name = "activist"


class PartyMember(Villager):
    """A member of the village branch. Some joined with ulterior motives ("bad elements")."""

    role_name = "party member"

    @property
    def bad_element(self) -> bool:
        return bool(self._state.bad_element[self.index])

    @property
    def commitment(self) -> float:
        return float(self._state.commitment[self.index])


class Gentry(CellAgent):
    """A landlord or local despot; the gentry hold the village head's office until the
    villagers elect their own representatives."""

    role_name = "gentry"

    def __init__(self, model: VillageLike, power_share: float) -> None:
        super().__init__(model)
        self.power_share = power_share

    @property
    def power(self) -> float:
        return self.power_share * self.model.government.gentry_power

    @property
    def holds_office(self) -> bool:
        return self.model.government.gentry_rule
