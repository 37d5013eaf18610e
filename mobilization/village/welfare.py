"""Welfare measures a branch can take up, and the household problems that call for them.

Chen Yun (1939): "People's vital interests include not only such things as the reduction
of rents and interest rates and the abolition of exorbitant taxes and levies, but many
matters of daily life as well." The good branch "runs a co-operative and an office that
provides low-interest loans. It has lowered rents and interest rates ... giving
preferential treatment to the families of soldiers ... the representatives ... are really
elected by the people ... they have formed a women's self-defence corps."

Each measure names the problem (channel) households report that it answers, whether it is
a decree the gentry obstruct (it needs organized villagers to enforce it), which people are
affected, and how it changes their burdens once won.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .population import INTEREST, LEVY, PRICES, RENT, VillageState

# Problems households report. The first four are burden channels of population.py.
PROBLEMS = ("rent", "interest", "levies", "prices", "soldiers_families", "village_head", "women",
            "daily_life")
P_RENT, P_INTEREST, P_LEVY, P_PRICES, P_SOLDIERS, P_HEAD, P_WOMEN, P_DAILY = range(len(PROBLEMS))


@dataclass(frozen=True)
class Measure:
    """A welfare measure: what problem it answers and whether the gentry obstruct it."""

    key: str
    label: str
    problem: int
    decree: bool  # a decree from above that gentry obstruct unless the masses enforce it
    repeatable: bool = False  # never finished: there is always another such matter


MEASURES: tuple[Measure, ...] = (
    Measure("rent_reduction", "rent reduction", P_RENT, True),
    Measure("interest_reduction", "interest reduction", P_INTEREST, True),
    Measure("levy_abolition", "exorbitant levies abolished", P_LEVY, True),
    Measure("cooperative", "co-operative", P_PRICES, False),
    Measure("loan_office", "low-interest loan office", P_INTEREST, False),
    Measure("soldier_family_care", "preferential treatment of soldiers' families",
            P_SOLDIERS, True),
    Measure("elected_representatives", "elected village representatives", P_HEAD, True),
    Measure("womens_association", "women's association and self-defence corps",
            P_WOMEN, False),
    Measure("daily_life", "a matter of daily life (a dispute, relief, water, seed)",
            P_DAILY, False, repeatable=True),
)
BY_KEY = {m.key: m for m in MEASURES}

CONCERNS: dict[str, str] = {"rent_reduction": "rent", "interest_reduction": "interest",
                            "loan_office": "interest", "womens_association": "women",
                            "daily_life": "daily_life"}
"""Whom a measure concerns, as a group: measures of one group concern the same people in a
given week (``affected_people``); any other measure concerns every working-age villager
present."""
EVERYONE = "everyone"


def concern(measure: Measure) -> str:
    """The group of people ``measure`` concerns (``CONCERNS``)."""
    return CONCERNS.get(measure.key, EVERYONE)


def affected_people(state: VillageState, measure: Measure, week: int, p: dict[str, Any]
                    ) -> np.ndarray:
    """Working-age villagers still in the village whom the measure concerns: the ones who
    would take part in the struggle for it (``p``: the parameters). Measures of the same
    ``concern`` concern the same people."""
    base = state.adults()
    hh = state.household
    group = concern(measure)
    if group == "rent":
        return base & (state.burden[hh, RENT] > p["measure_concern_floor"])
    if group == "interest":
        return base & (state.burden[hh, INTEREST] > p["measure_concern_floor"])
    if group == "women":
        return base & state.female
    if group == "daily_life":
        # One neighbourhood's matter: a block of about a tenth of the households.
        block = max(state.n_households // p["daily_life_blocks"], 1)
        start = (week * 7919) % state.n_households
        hh = (state.household - start) % state.n_households
        return base & (hh < block)
    return base


def apply_measure(state: VillageState, measure: Measure, p: dict[str, Any]) -> None:
    """Change the burdens of the households a won measure touches.

    The sizes are parameters (group "measures", docs/ODD.md): rent cut by a quarter (the
    reduction decreed in the border region, ``measure_rent_factor``), interest halved,
    exorbitant levies halved, a co-operative cutting price burdens by 30%, cheap loans
    replacing a third of usurious debt. Soldier-family care, elected representatives and the
    women's association act through model state (see ``model.VillageModel``) rather than
    through burdens.
    """
    b = state.burden
    match measure.key:
        case "rent_reduction":
            b[:, RENT] *= p["measure_rent_factor"]
        case "interest_reduction":
            b[:, INTEREST] *= p["measure_interest_factor"]
        case "levy_abolition":
            b[:, LEVY] *= p["measure_levy_factor"]
        case "cooperative":
            b[:, PRICES] *= p["measure_cooperative_factor"]
        case "loan_office":
            b[:, INTEREST] *= p["measure_loan_factor"]
        case "daily_life":
            pass  # settled for the households concerned; no lasting burden changes
