"""The invader's threat: raids, requisitions and reprisals (DESIGN section 1, explanation 2).

Johnson (1962) holds that the Japanese invasion and its mopping-up campaigns awakened the
peasants, who followed whoever organized resistance. Here that is an exogenous process per
village that acts whatever the branch does: raids come as a Poisson process at
``raid_rate x threat_exposure`` a week; each hits a share ``raid_reach`` of the households
present, adds ``raid_severity`` of their income to a temporary burden (``raid_loss``, made
good at ``raid_loss_decay`` a week), raises the hit households' grievance against the
invader, their fear of him and their national consciousness (and, less, their neighbours'
consciousness); a share ``reprisal_share`` of raids carry reprisals that the whole village
learns of. Chen Yun (1939) writes of "war zones and enemy-occupied areas" and "the
gruelling war of resistance" but gives no numbers: every parameter is an ``assumption``.

Grievance against the invader and fear of him are arrays of their own, apart from
grievance against burdens and fear of the gentry (``VillageState.grievance``, ``.fear``):
those follow targets set by burdens and gentry power, which would erase a raid's effect
within weeks, and they act on stance, turnout and contributions, so mixing them would make
the threat and the branch's struggles indistinguishable. docs/ODD.md, section 7.17.

With ``threat`` off the model never calls :meth:`Threat.week`: the arrays stay zero and no
random number is drawn, so every run is as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .population import VillageState


@dataclass
class Threat:
    """The threat's state in one village: per person and per household, and its record."""

    invader_grievance: np.ndarray  # (n,) grievance against the invader, in [0, 1]
    fear_invader: np.ndarray  # (n,) fear of the invader's violence, in [0, 1]
    raid_loss: np.ndarray  # (H,) burden raids left on the household, share of income
    raids: int = 0
    reprisals: int = 0

    @classmethod
    def none(cls, state: VillageState) -> Threat:
        """No raid yet: all zero."""
        return cls(np.zeros(state.n), np.zeros(state.n), np.zeros(state.n_households))

    def week(self, state: VillageState, p: dict[str, Any], rng: np.random.Generator
             ) -> np.ndarray:
        """One week of the threat: old effects fade, this week's raids strike. Returns the
        households' raid losses, to add to their burdens this week."""
        self.invader_grievance *= 1.0 - p["invader_grievance_memory"]
        self.fear_invader *= 1.0 - p["fear_invader_decay"]
        self.raid_loss *= 1.0 - p["raid_loss_decay"]
        k = int(rng.poisson(p["raid_rate"] * p["threat_exposure"]))
        if k:
            self._strike(state, p, rng, k)
        return self.raid_loss

    def _strike(self, state: VillageState, p: dict[str, Any], rng: np.random.Generator,
                k: int) -> None:
        """``k`` raids this week, vectorized over raids and households."""
        hits = (rng.random((k, state.n_households)) < p["raid_reach"]).sum(axis=0)
        hits *= state.households_present()
        n_reprisals = int(np.count_nonzero(rng.random(k) < p["reprisal_share"]))
        self.raids += k
        self.reprisals += n_reprisals
        self.raid_loss += p["raid_severity"] * hits
        present = state.present
        hit = hits[state.household] * present  # raids that struck each person's household
        # m raids, each closing a share a of the gap to 1, close 1 - (1 - a)^m of it.
        reprisal = np.minimum(p["reprisal_effect"] * np.array(
            [p["invader_grievance_hit"], p["fear_invader_hit"]]), 1.0)
        felt = 1.0 - (1.0 - reprisal) ** n_reprisals
        for values, a, r in ((self.invader_grievance, p["invader_grievance_hit"], felt[0]),
                             (self.fear_invader, p["fear_invader_hit"], felt[1])):
            values += (1.0 - (1.0 - a) ** hit) * (1.0 - values)
            values += r * present * (1.0 - values)
        c = state.consciousness
        c += (1.0 - (1.0 - p["threat_consciousness_hit"]) ** hit) * (1.0 - c)
        c += (p["threat_consciousness_neighbours"] * present
              * state.neighbour_mean(hit > 0) * (1.0 - c))

    def readiness(self, p: dict[str, Any]) -> np.ndarray:
        """The threat's term in readiness to go: grievance against the invader draws people
        to the resistance, fear of his reprisals holds some back."""
        return (p["readiness_invader"] * self.invader_grievance
                - p["readiness_fear_invader"] * self.fear_invader)
