"""The branch's leading group, scored on Dimitrov's four criteria (design mechanism 12;
Mao 1943, section 3).

Mao (1943): "a leading group should be formed in each unit in the course of the movement,
made up of a small number of activists and with the heads of the given unit as its
nucleus ... The criteria for such a leading group should be the four which Dimitrov
enumerated ... absolute devotion to the cause, contact with the masses, ability
independently to find one's bearings, and observance of discipline."

Other parts of the branch read the group through :func:`criteria` (each criterion's mean
over the group) and :func:`quality` (their mean).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .population import PARTY

if TYPE_CHECKING:
    from .protocols import VillageLike


@dataclass(frozen=True)
class Criteria:
    """The leading group's mean score on each of Dimitrov's four criteria, in [0, 1]."""

    devotion: float
    contact: float
    bearings: float
    discipline: float

    @property
    def quality(self) -> float:
        """The mean of the four criteria."""
        return (self.devotion + self.contact + self.bearings + self.discipline) / 4.0


NO_GROUP = Criteria(0.0, 0.0, 0.0, 0.0)
"""A village with no Party member present has no leading group."""


def members(model: VillageLike) -> np.ndarray:
    """Indices of the leading group: the Party members present."""
    s = model.village
    return np.flatnonzero((s.role == PARTY) & s.present)


def scores(model: VillageLike, group: np.ndarray | None = None) -> np.ndarray:
    """Each member's score on the four criteria, one row per member of ``group`` (the
    leading group by default), columns devotion (commitment), contact with the masses (mean
    trust in the Party of his own and the two adjacent households), independent bearings
    (consciousness) and discipline (0 for a bad element)."""
    s = model.village
    group = members(model) if group is None else group
    trust_h = s.household_mean(s.trust, s.present)
    k = s.household[group]
    last = s.n_households - 1
    contact = (trust_h[np.maximum(k - 1, 0)] + trust_h[k]
               + trust_h[np.minimum(k + 1, last)]) / 3.0
    return np.column_stack([s.commitment[group], contact, s.consciousness[group],
                            (~s.bad_element[group]).astype(float)])


def criteria(model: VillageLike) -> Criteria:
    """Each criterion's mean over the leading group."""
    score = scores(model)
    if len(score) == 0:
        return NO_GROUP
    return Criteria(*(float(x) for x in score.mean(axis=0)))


def quality(model: VillageLike) -> float:
    """Mean quality of the leading group on the four criteria (0 without a group): each
    member's mean score, averaged over the group."""
    score = scores(model)
    if len(score) == 0:
        return 0.0
    devotion, contact, bearings, discipline = score.T
    return float(((devotion + contact + bearings + discipline) / 4.0).mean())
