"""Of the villagers' own accord, and the gentry's answer (DESIGN principles 1 and 4; issue 11
item 2). Every mechanism here is behind a switch, on by default; off (``FIRST_EDITION``),
nothing is drawn and nothing changes, so the first edition's results stand
(tests/test_golden.py).

* ``spontaneous_struggles``: villagers who are aggrieved and organized start a struggle of
  their own, without the branch, and join mass organizations where their neighbours are
  organized. Chen Yun (1939): "The villagers have done all this of their own accord."
* ``quota_meetings_persuade``: a quota meeting raises the consciousness and trust of the
  households it assigns quotas to a little (``Branch.hold_meeting``).
* ``gentry_reprisals``: after a struggle the gentry retaliate against the activists who led
  it, and they win back won decrees where organization lapses. CY: "progressive decrees
  and measures of the higher-level governments have not been fully carried out. Some are
  even distorted or enforced perversely."
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from .population import ACTIVE, ACTIVIST, INTEREST, LEVY, NOMINAL, PARTY, RENT, VILLAGER
from .welfare import MEASURES, Measure, affected_people

if TYPE_CHECKING:
    from .protocols import VillageLike


class Branch(Protocol):
    """What this module uses of ``branch.Branch`` (which imports it, so it is typed here
    rather than imported: the village's imports point one way)."""

    won: list[str]
    reprisals: int
    clawed_back: int

    def open_measures(self) -> list[Measure]: ...

    def weigh(self, model: VillageLike, measures: list[Measure]) -> dict[str, float]: ...

    def campaign(self, model: VillageLike, measure: Measure, own_accord: bool = False
                 ) -> object: ...

CLAWBACK: dict[str, tuple[int, str]] = {
    "rent_reduction": (RENT, "measure_rent_factor"),
    "interest_reduction": (INTEREST, "measure_interest_factor"),
    "levy_abolition": (LEVY, "measure_levy_factor"),
}
"""Decrees whose burden effect the gentry can undo: the burden channel and the factor the
won decree put on it. Preferential treatment of soldiers' families is also won back (its
flag is cleared); the elected government is not: the gentry lose the office by election,
and this model has no election that returns them."""
CLAWABLE = (*CLAWBACK, "soldier_family_care")


def self_organize(model: VillageLike) -> None:
    """Working-age villagers join a mass organization as active members of their own accord,
    at ``self_organize_rate`` times the organized share of their neighbours times their
    grievance: "they will learn through their own experience that their strength lies in
    unity and organization" (CY)."""
    s, p = model.village, model.p
    if not p["organization"]:
        return  # the organization channel is off: no mass organization comes alive
    around = s.neighbour_mean(s.organized())
    chance = p["self_organize_rate"] * around * s.grievance
    can = s.adults() & (s.membership != ACTIVE)
    s.membership[can & (model.rng.random(s.n) < chance)] = ACTIVE


def spontaneous_measure(model: VillageLike, branch: Branch) -> Measure | None:
    """The open measure the villagers would rise for themselves: the problem they report
    most, weighed by their own sense of whether they can win it now, "their own urgent
    demands -- demands that can and must be met immediately" (CY). Aggrieved villagers do
    not march alone against the gentry's strongest hold; they take up what they can win."""
    open_ = branch.open_measures()
    if not open_:
        return None
    value = branch.weigh(model, open_)
    return max(open_, key=lambda m: (value[m.key], -MEASURES.index(m)))


def spontaneous_chance(model: VillageLike, measure: Measure) -> float:
    """Weekly chance of a struggle of the villagers' own accord for ``measure``:
    ``spontaneous_rate x sigmoid(slope (mean grievance of the concerned x their organized
    share - threshold))``. Grievance alone is not enough; organization is the spark."""
    s, p = model.village, model.p
    concerned = affected_people(s, measure, model.week, p)
    n = int(concerned.sum())
    if n == 0:
        return 0.0
    grievance = float(s.grievance[concerned].sum()) / n
    share = int((concerned & s.organized()).sum()) / n
    x = p["spontaneous_slope"] * (grievance * share - p["spontaneous_threshold"])
    return p["spontaneous_rate"] / (1.0 + float(np.exp(-x)))


def own_accord(model: VillageLike, branch: Branch) -> None:
    """A week of the villagers' own accord: self-organization, then perhaps a struggle of
    their own for the measure they report most, fought through ``Branch.campaign`` so it
    is won or lost with the same consequences as the branch's."""
    self_organize(model)
    if not branch.open_measures():
        return  # nothing left to rise for: no draw
    # The chance is spontaneous_rate times a sigmoid, so never above the rate: a draw at or
    # above it rules a struggle out whatever the measure, and the measure (every open
    # measure's expected turnout) is weighed only when the draw is below. The draws and
    # their order are the same either way.
    draw = model.rng.random()
    if draw >= model.p["spontaneous_rate"]:
        return
    measure = spontaneous_measure(model, branch)
    if measure is not None and draw < spontaneous_chance(model, measure):
        branch.campaign(model, measure, own_accord=True)


def retaliate(model: VillageLike, branch: Branch, took_part: np.ndarray) -> None:
    """After a struggle, won or lost, the gentry retaliate with chance ``reprisal_chance x``
    their power as felt against the activists and Party members who led it: fear rises in
    their households, and each activist targeted is driven out of activity (demoted to a
    villager on the list only) with chance ``reprisal_drive_out``. Nobody is removed from
    the village, so the population is conserved. DESIGN principle 4: the gentry
    "intimidate and retaliate against activists" (the sources give no rate)."""
    s, p, rng = model.village, model.p, model.rng
    if rng.random() >= p["reprisal_chance"] * model.government.effective_power():
        return
    targets = np.flatnonzero(took_part & s.present & ((s.role == ACTIVIST) | (s.role == PARTY)))
    if len(targets) == 0:
        return
    branch.reprisals += 1
    hit = s.in_households(targets)
    s.fear[hit] += p["reprisal_fear"] * (1.0 - s.fear[hit])
    activists = targets[s.role[targets] == ACTIVIST]
    for i in activists[rng.random(len(activists)) < p["reprisal_drive_out"]]:
        model.promote(int(i), VILLAGER)
        s.membership[i] = NOMINAL


def claw_back(model: VillageLike, branch: Branch) -> None:
    """Each week the gentry win back each won decree with chance ``clawback_rate x gentry
    power x (1 - active member share)``: its burden effect is undone and it leaves the
    branch's list of won measures, so it can be fought for again. Where villagers stay
    organized the decree holds: "we must also rely on the masses themselves to enforce
    it" (CY)."""
    s, p, gov = model.village, model.p, model.government
    won = [key for key in branch.won if key in CLAWABLE]
    if not won:
        return
    chance = p["clawback_rate"] * gov.gentry_power * (1.0 - s.active_member_share())
    lost = [key for key in won if model.rng.random() < chance]
    for key in lost:
        branch.won.remove(key)
        branch.clawed_back += 1
        gov.gentry_power += p["loss_gentry_regain"] * (1.0 - gov.gentry_power)
        if not p["reform"]:
            continue  # the won decree changed no livelihood, so there is nothing to undo
        if key == "soldier_family_care":
            gov.soldier_family_care = False
        elif p[CLAWBACK[key][1]] > 0:  # a factor of 0 wiped the burden: nothing to restore
            s.burden[:, CLAWBACK[key][0]] /= p[CLAWBACK[key][1]]


def week(model: VillageLike, branch: Branch) -> None:
    """The hook in ``VillageModel.step`` after the branch meets: only what is switched on."""
    if model.p["spontaneous_struggles"]:
        own_accord(model, branch)
    if model.p["gentry_reprisals"]:
        claw_back(model, branch)
