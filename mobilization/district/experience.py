"""The content of the general call: what worked under which conditions (Mao 1943, 2 and 6).

"If persons in leading positions confine themselves to a general call -- if they do not
personally, in some of the organizations, go deeply and concretely into the work called
for, make a breakthrough at some single point, gain experience and use this experience for
guiding other units -- then they will have no way of testing the correctness or of
enriching the content of their general call, and there is the danger that nothing may
come of it." (section 2) "Formulate general ideas (general calls) out of the particular
guidance given in a number of cases, and put them to the test in many different units ...;
then concentrate the new experience (sum it up) and draw up new directives for the
guidance of the masses generally." (section 6)

The committee's *experience* is a record of struggles (:func:`district_records`): for
each, the measure, the conditions it was fought under (:data:`CONDITIONS`: the gentry
power the villagers faced as they felt it, the share of them organized in active mass
organizations, the village's share of poor and hired households) and whether it was won.
Only a committee that guides pilots sums up. It knows its pilots' struggles in detail
(each worth one observation) and the other villages' from their reports (each worth
``reports_weight``): "put them to the test in many different units ...; then concentrate
the new experience". Without pilots all the call can carry are the committee's own ideas:
a chance of winning per measure, drawn once per district (:func:`committee_ideas`), the
same for every village, which fit some villages and not others and which nothing tests.

For each receiving village the committee concentrates the experience into a chance per
measure for a village like it (:func:`concentrate`): each struggle weighs its worth times
``exp(-d / likeness_scale)``, ``d`` the sum of the differences in the three conditions
between the struggle and the village now, and

    chance(m) = (idea_weight x idea(m) + sum of weights of struggles for m won)
                / (idea_weight + sum of weights of struggles for m),

so like experience outweighs the committee's ideas where there is much of it, and unlike
or thin experience leaves the ideas standing. The call is worth ``idea_weight`` plus the
like-weighted struggles per measure, in observations. What the pilots' method *promises* a
branch is the like-weighted share of the pilots' struggles that were won, shrunk by the
ideas' weight: ``sum of weights of pilot struggles won / (sum of their weights +
idea_weight)`` (0 without pilots). Nothing here looks at a village's outcome, and the
content can mislead: pilots are guided and the receiving branch is not; the pilots take
up what they expect to win, so what they never tried stays the committee's idea; and a
village's conditions are only three numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..village.mass_line import chances
from ..village.welfare import MEASURES

if TYPE_CHECKING:
    from ..village.model import VillageModel

KEYS = tuple(m.key for m in MEASURES)
CONDITIONS = ("gentry power as felt", "share of adults organized",
              "share of poor and hired households")
"""The conditions a struggle is fought under, as the committee compares them."""
INDEX = {k: i for i, k in enumerate(KEYS)}


@dataclass(frozen=True)
class Records:
    """The pilots' struggles as arrays, one entry per struggle."""

    measure: np.ndarray  # index into MEASURES
    conditions: np.ndarray  # struggles x CONDITIONS, when the struggle began
    won: np.ndarray  # bool
    worth: np.ndarray  # observations' worth: 1 for a pilot's, reports_weight for another's
    pilot: np.ndarray  # bool: fought in a pilot village

    def __len__(self) -> int:
        return len(self.measure)


def poor_share(village: VillageModel) -> float:
    """The village's share of poor and hired households (its drawn class shares)."""
    return float(village.p["share_poor"] + village.p["share_hired"])


def conditions_now(village: VillageModel) -> tuple[float, float, float]:
    """A village's conditions now, as :data:`CONDITIONS` lists them."""
    return (village.government.effective_power(), village.village.active_member_share(),
            poor_share(village))


def district_records(villages: list[VillageModel], worth: np.ndarray, is_pilot: np.ndarray
                     ) -> Records:
    """Every struggle the villages have fought so far, with its conditions; a struggle of
    village ``i`` is worth ``worth[i]`` observations (villages worth 0 are left out)."""
    measure, conditions, won, weight, pilot = [], [], [], [], []
    for v, w, p in zip(villages, worth, is_pilot, strict=True):
        if w <= 0:
            continue
        share = poor_share(v)
        for c in v.branch.campaigns:
            measure.append(INDEX[c.measure])
            conditions.append((c.gentry_power, c.organized, share))
            won.append(c.won)
            weight.append(w)
            pilot.append(p)
    return Records(np.array(measure, dtype=int),
                   np.array(conditions, dtype=float).reshape(-1, len(CONDITIONS)),
                   np.array(won, dtype=bool), np.array(weight, dtype=float),
                   np.array(pilot, dtype=bool))


def committee_ideas(rng: np.random.Generator, d: dict[str, Any]) -> np.ndarray:
    """The committee's own untested idea of each measure's chance of being won, drawn once
    per district: Beta(idea_mean x c, (1 - idea_mean) x c), c = ``idea_concentration``
    (at idea_mean 0 or 1 every idea is that value). One draw per measure, in MEASURES
    order."""
    mean, c = d["idea_mean"], d["idea_concentration"]
    if mean <= 0.0 or mean >= 1.0:
        return np.full(len(MEASURES), float(mean))
    return rng.beta(mean * c, (1.0 - mean) * c, size=len(MEASURES))


@dataclass(frozen=True)
class Content:
    """What the call carries to each receiving village (rows: villages)."""

    chance: np.ndarray  # villages x measures: the chance the call gives each measure
    weight: np.ndarray  # per village: the call's worth in observations per measure
    promise: np.ndarray  # per village: the like-weighted share of pilot struggles won


def concentrate(records: Records, ideas: np.ndarray, conditions: np.ndarray,
                d: dict[str, Any]) -> Content:
    """Concentrate the pilots' experience for villages in ``conditions`` (villages x
    :data:`CONDITIONS`, as now; see the module docstring)."""
    n_villages, n_measures = len(conditions), len(ideas)
    prior = d["idea_weight"]
    if len(records):
        order = np.argsort(records.measure, kind="stable")  # struggles grouped by measure
        measure = records.measure[order]
        like = np.zeros((n_villages, len(records)))
        for k in range(conditions.shape[1]):  # the distance, condition by condition
            like += np.abs(conditions[:, k, None] - records.conditions[order, k][None, :])
        like *= -1.0 / d["likeness_scale"]
        np.exp(like, out=like)
        like *= records.worth[order][None, :]
        won_like = like * records.won[order][None, :]
        present, starts = np.unique(measure, return_index=True)
        seen = np.zeros((n_villages, n_measures))
        won = np.zeros((n_villages, n_measures))
        seen[:, present] = np.add.reduceat(like, starts, axis=1)
        won[:, present] = np.add.reduceat(won_like, starts, axis=1)
        pilot = records.pilot[order]
        pilot_seen = like[:, pilot].sum(axis=1)
        pilot_won = won_like[:, pilot].sum(axis=1)
    else:
        seen = won = np.zeros((n_villages, n_measures))
        pilot_seen = pilot_won = np.zeros(n_villages)
    total = prior + seen
    chance = np.where(total > 0, (prior * ideas[None, :] + won) / np.where(total > 0, total, 1.0),
                      ideas[None, :])
    weight = prior + seen.sum(axis=1) / n_measures
    denom = pilot_seen + prior
    promise = np.where(denom > 0, pilot_won / np.where(denom > 0, denom, 1.0), 0.0)
    return Content(chance, weight, promise)


def misjudged(village: VillageModel) -> np.ndarray:
    """For each open measure of the village's branch, the chance the call gave it less its
    chance of being won now (``mass_line.chances``): how far the content is from the
    truth there. Draws no random number."""
    branch = village.branch
    truth = chances(village, branch, branch.open_measures())
    return np.array([branch.advice[k] - t for k, t in truth.items()])
