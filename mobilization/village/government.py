"""Gentry rule and the village government (design mechanisms 4 and 5).

Chen Yun (1939): "Few of the township and village governments there are in the hands of
persons who truly represent the interests of the people; most of them remain under the
control of local tyrants, evil gentry ... progressive decrees and measures of the
higher-level governments have not been fully carried out. ... the landlords in one county,
who control the township governments, impose taxes and other burdens on family members of
soldiers who are fighting the Japanese and on poor workers and peasants, telling them to
'set good examples.'"
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .population import MIDDLE, VillageState


@dataclass
class VillageGovernment:
    """Who holds the village government, and how strong the gentry still are."""

    gentry_power: float
    initial_gentry_power: float
    regain: float  # weekly share of their losses gentry in office regain (gentry_regain)
    elected_power: float  # share of their power felt once the government is elected
    elected: bool = False
    soldier_family_care: bool = False
    week_elected: int = -1

    @property
    def gentry_rule(self) -> bool:
        return not self.elected

    def effective_power(self) -> float:
        """Gentry power as felt by villagers: office multiplies it."""
        return self.gentry_power * (1.0 if self.gentry_rule else self.elected_power)

    def obstruction(self, scale: float, decree: bool, non_decree: float = 0.0) -> float:
        """How much organized strength a struggle must add to overcome the gentry: all of
        ``scale x`` their power as felt for a decree, ``non_decree`` of it for a measure
        that is not one (the gentry are the village's merchants and usurers too).

        "Governments at higher levels have tried to reform these local governments but
        without success, because they have only given instructions from above and have
        failed to mobilize the people at the grass roots."
        """
        return scale * self.effective_power() * (1.0 if decree else non_decree)

    def levy_multiplier(self, state: VillageState, levy_shift: float) -> np.ndarray:
        """Per-household multiplier of the base levy.

        A gentry-held government shifts levies onto the poor, hired labourers and soldiers'
        families ("set good examples"); soldiers' families are spared once preferential
        treatment is won; an elected government shifts nothing. Read several times a week,
        it is kept (read-only) until someone leaves or one of these changes.
        """
        def compute() -> np.ndarray:
            mult = np.ones(state.n_households)
            if self.gentry_rule:
                poor = state.hh_class != MIDDLE
                sf = state.soldier_family()
                if self.soldier_family_care:
                    sf = np.zeros_like(sf)
                mult += levy_shift * (poor | sf)
                mult += levy_shift * sf  # soldiers' families are made to "set good examples"
            return mult
        return state.kept_while("_levy_multiplier",
                                (self.gentry_rule, self.soldier_family_care, levy_shift), compute)

    def soldier_families_burdened(self, state: VillageState) -> bool:
        """Whether villagers see soldiers' families carrying shifted burdens."""
        return self.gentry_rule and not self.soldier_family_care and bool(
            state.soldier_family().any())  # a household with a member in the army

    def weekly(self) -> None:
        """Gentry who keep the government slowly regain what struggles took from them."""
        if self.gentry_rule:
            self.gentry_power += self.regain * (self.initial_gentry_power - self.gentry_power)
