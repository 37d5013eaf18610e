"""Outcomes of a district, with how each is shown (a share as a percentage or not)."""

from __future__ import annotations

DISTRICT_OUTCOMES: dict[str, str] = {
    "recruitment_rate": "mobilized in all villages / initial population of the district",
    "pilot_recruitment_rate": "mobilized / initial population, pilot villages",
    "other_recruitment_rate": "mobilized / initial population, the other villages",
    "villages_elected": "share of villages whose government is elected",
    "mean_vital_share": "mean vital-interest share of the branches' method",
    "learning_branches": "share of branches that learn their items from the masses",
    "experience": "mean experience the other branches last received (0-1); with "
                  "call_content 'conditions', what it promised: the like-weighted share "
                  "of pilot struggles won",
    "advice_error": "mean |chance the call last gave - chance of winning now| over the "
                    "open measures of the other villages (the content's accuracy; NaN "
                    "without a call that carries content)",
    "advice_bias": "mean (chance the call last gave - chance of winning now), the same "
                   "villages and measures: above 0, the call promises too much",
    "advice_followed": "mean chance that another branch takes its vital-interest item "
                       "from the call (0 for a branch that learns from the masses)",
}

DISTRICT_PERCENT = frozenset({"recruitment_rate", "pilot_recruitment_rate",
                              "other_recruitment_rate", "villages_elected",
                              "mean_vital_share", "learning_branches"})
"""District outcomes shown as percentages (shares in [0, 1]); ``experience`` is an index."""
