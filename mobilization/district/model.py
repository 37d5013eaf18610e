"""A district of villages under one district committee (design mechanism 14).

Mao (1943), section 2: "if no general and widespread call is issued, the broad masses cannot
be mobilized for action. But if persons in leading positions confine themselves to a
general call -- if they do not personally, in some of the organizations, go deeply and
concretely into the work called for, make a breakthrough at some single point, gain
experience and use this experience for guiding other units -- then they will have no way of
testing the correctness or of enriching the content of their general call". Section 6:
"Formulate general ideas (general calls) out of the particular guidance given in a number
of cases, and put them to the test in many different units ...; then concentrate the new
experience (sum it up) and draw up new directives".

The district holds ``n_villages`` :class:`~mobilization.village.model.VillageModel` s, each with its
own seed and its own gentry, whose branches all begin as most branches were: quota-only
(Chen Yun: "very few Party branches do that"). The committee acts on the branches' method
only, never on a village's outcome:

* **general call** (``general_call``): every branch is told to take up the people's vital
  interests; on its own a call moves a branch to ``call_share`` of its meetings, with items
  of its own choosing;
* **particular guidance**: a fixed budget of ``guiding_cadres`` is spread evenly over
  ``n_pilots`` pilot villages. A guided branch learns its items from the masses (always, or
  with ``guided_learning = "intensity"`` as often as its share of a cadre) and takes
  up vital interests at the good branch's 6 of 10 meetings, scaled down when a cadre has
  less than a whole pilot to himself (intensity ``guiding_cadres / n_pilots``, at most 1),
  though never below what the general call asks of every branch;
* **summing up**: every ``summing_up_interval`` weeks the committee sums up the pilots'
  experience and sends it out through the general call to the other branches. With
  ``call_content = "conditions"`` (the default, :mod:`.experience`) the call carries what
  worked under which conditions: for each measure, the chance of winning it that the
  struggles of the pilots (and, from reports, of the other villages) give a village like
  the receiving one, on top of the committee's own untested ideas (which are all a call
  without pilots carries, from the start). A branch acting on its own ideas takes the
  call's best item as far as the call outweighs its own idea (``village/advice.py``), and
  every branch moves ``adoption`` times what the pilots' experience promises of the way
  to the pilots' method. With ``"success-share"`` (the
  first edition) the experience is one number per pilot, the share of the welfare
  measures it has won; a branch takes that of the pilot most like it (closest in gentry
  power; experience from unlike conditions carries less) and moves ``adoption`` times
  that much of the way to the pilots' method.

Pilots are chosen to represent the district: the villages are ranked by the gentry's
initial power and the pilots taken at evenly spaced ranks ("two or three units (but not too
many)", ranked so that their experience covers the district's range of conditions).
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np

from ..village.advice import follow_chance
from ..village.model import VillageModel
from ..village.parameters import check_rng
from ..village.welfare import MEASURES
from .experience import (
    KEYS,
    committee_ideas,
    concentrate,
    conditions_now,
    district_records,
    misjudged,
)
from .outcomes import DISTRICT_OUTCOMES
from .parameters import resolve_district

GUIDED_SHARE = 0.6
"""The vital-interest share a fully guided branch takes up: the good branch of Chen Yun
(1939), "six out of ten meetings"."""

N_MEASURES = sum(not m.repeatable for m in MEASURES)
"""Welfare measures a branch can win once each; a pilot's success is the share it has won."""



class DistrictModel(mesa.Model):
    """A district committee and its villages; one step is one week in every village.

    District parameters (``mobilize district --help``, :data:`DISTRICT_PARAMETERS`) and any
    village parameter are keyword arguments; village parameters apply to every village,
    except ``gentry_power``, the centre of each village's draw. ``rng`` seeds the district:
    each village gets its own seed from it. ``village_draws`` says how villages differ:
    each village's own structural draws as ``typical_village=False`` makes them
    ("village", the default), so districts and single villages draw alike, or the first
    edition's gentry power uniform within ``gentry_power +- gentry_spread`` and the rest
    typical ("uniform-gentry").
    """

    def __init__(self, rng: Any = None, **params: Any) -> None:
        d, village = resolve_district(params)
        super().__init__(rng=check_rng(rng))
        self.d = d
        self.week = 0
        n = d["n_villages"]
        seeds = np.random.SeedSequence(int(self.rng.integers(2**63))).spawn(n)
        if d["village_draws"] == "village":
            # Each village draws its own structure from its own seed, as a single village.
            self.villages = [
                VillageModel(rng=np.random.default_rng(s), record=False,
                             **{**village, "typical_village": False})
                for s in seeds
            ]
            powers = np.array([v.structure["gentry_power"] for v in self.villages])
        else:
            centre, spread = village["gentry_power"], d["gentry_spread"]
            powers = np.clip(centre + self.rng.uniform(-spread, spread, n), 0.0, 1.0)
            self.villages = [
                VillageModel(rng=np.random.default_rng(s), record=False,
                             **{**village, "gentry_power": float(g),
                                "typical_village": True})
                for s, g in zip(seeds, powers, strict=True)
            ]
        self.initial_power = powers
        self.pilots = pilot_villages(powers, d["n_pilots"])
        self.is_pilot = np.zeros(n, dtype=bool)
        self.is_pilot[self.pilots] = True
        self.population = np.array([v.population for v in self.villages])
        self.experience = 0.0
        self.advice_error = self.advice_bias = math.nan
        self.advice_followed = 0.0
        if d["general_call"]:  # to every branch, pilots included
            for v in self.villages:
                v.branch.vital_interest_share = max(v.branch.vital_interest_share,
                                                    d["call_share"])
        intensity = min(1.0, d["guiding_cadres"] / d["n_pilots"]) if d["n_pilots"] else 0.0
        self.guidance = intensity
        thin = d["guided_learning"] == "intensity" and intensity < 1.0
        for i in self.pilots:
            branch = self.villages[i].branch
            # A pilot learns from the masses: always, or as often as its cadre can teach it.
            if not thin or self.rng.random() < intensity:
                branch.learn_from_masses = True
            branch.vital_interest_share = max(branch.vital_interest_share,
                                              GUIDED_SHARE * intensity)
        self.content = d["call_content"] == "conditions" and d["general_call"]
        self.ideas = committee_ideas(self.rng, d) if self.content else np.zeros(0)
        if self.content:  # the call carries the committee's own ideas from the start
            self.send_call()
        self.report = self.snapshot()
        self.datacollector = mesa.DataCollector(
            model_reporters={"week": lambda m: m.week}
            | {k: (lambda m, k=k: m.report[k]) for k in DISTRICT_OUTCOMES})
        self.datacollector.collect(self)

    def step(self) -> None:
        """One week in every village; then, every ``summing_up_interval`` weeks, the
        committee sums up the pilots' experience and sends it out (with content, the call
        goes out again even without pilots, its untested ideas unchanged)."""
        self.week += 1
        for v in self.villages:
            v.run_week()  # the district's clock is the one that advances
        if self.week % self.d["summing_up_interval"] == 0:
            if self.content:
                self.send_call()
            elif self.d["general_call"] and len(self.pilots):
                self.sum_up()
        self.report = self.snapshot()
        self.datacollector.collect(self)

    def send_call(self) -> None:
        """Concentrate the pilots' experience into what worked under which conditions and
        carry it, with the committee's own ideas, to the other branches through the general
        call (``call_content = "conditions"``; :mod:`.experience`).

        Each other branch receives, per measure, the chance the experience gives a village
        like it (``Branch.advice``) and its worth in observations (``Branch.advice_weight``);
        it moves ``adoption x promise`` of the way from its vital-interest share to the
        guided share, and a branch acting on its own ideas starts to learn from the masses
        with that chance (one uniform number drawn per such branch when the chance is
        above 0, in village order)."""
        d = self.d
        # Only a committee that guides pilots sums up; it knows its pilots' struggles in
        # detail, the other villages' from their reports.
        worth = np.where(self.is_pilot, 1.0, d["reports_weight"]) if len(self.pilots) \
            else np.zeros(len(self.villages))
        records = district_records(self.villages, worth, self.is_pilot)
        receivers = np.flatnonzero(~self.is_pilot)
        if len(receivers) == 0:
            return
        villages = [self.villages[i] for i in receivers]
        conditions = np.array([conditions_now(v) for v in villages])
        content = concentrate(records, self.ideas, conditions, d)
        error, bias, follow = [], [], []
        for j, v in enumerate(villages):
            branch = v.branch
            branch.advice = dict(zip(KEYS, content.chance[j].tolist(), strict=True))
            branch.advice_weight = float(content.weight[j])
            gap = misjudged(v)
            error.append(float(np.abs(gap).mean()))
            bias.append(float(gap.mean()))
            take = d["adoption"] * float(content.promise[j])
            branch.vital_interest_share += take * max(0.0, GUIDED_SHARE -
                                                      branch.vital_interest_share)
            if not branch.learn_from_masses and take > 0 and self.rng.random() < take:
                branch.learn_from_masses = True
            follow.append(0.0 if branch.learn_from_masses else
                          follow_chance(branch.advice_weight, v.p["advice_conviction"]))
        self.experience = float(np.mean(content.promise))
        self.advice_error = float(np.mean(error))
        self.advice_bias = float(np.mean(bias))
        self.advice_followed = float(np.mean(follow))

    def sum_up(self) -> None:
        """Concentrate the pilots' experience and carry it to the other branches
        (``call_content = "success-share"``, the first edition)."""
        won = np.array([len(self.villages[i].branch.won) for i in self.pilots], dtype=float)
        success = won / N_MEASURES
        received = []
        for i, v in enumerate(self.villages):
            if self.is_pilot[i]:
                continue
            likeness = np.exp(-np.abs(self.initial_power[self.pilots] - self.initial_power[i])
                              / self.d["likeness_scale"])
            experience = float(np.max(success * likeness))
            received.append(experience)
            take = self.d["adoption"] * experience
            branch = v.branch
            branch.vital_interest_share += take * max(0.0, GUIDED_SHARE -
                                                      branch.vital_interest_share)
            if not branch.learn_from_masses and self.rng.random() < take:
                branch.learn_from_masses = True
        if received:
            self.experience = float(np.mean(received))

    def snapshot(self) -> dict[str, float]:
        """The district's outcomes this week."""
        mobilized = np.array([v.mobilized for v in self.villages], dtype=float)
        pop = self.population
        pilots, others = self.is_pilot, ~self.is_pilot

        def rate(mask: np.ndarray) -> float:
            total = pop[mask].sum()
            return float(mobilized[mask].sum() / total) if total else math.nan

        return {
            "recruitment_rate": rate(np.ones(len(pop), dtype=bool)),
            "pilot_recruitment_rate": rate(pilots),
            "other_recruitment_rate": rate(others),
            "villages_elected": float(np.mean([v.government.elected for v in self.villages])),
            "mean_vital_share": float(np.mean([v.branch.vital_interest_share
                                               for v in self.villages])),
            "learning_branches": float(np.mean([v.branch.learn_from_masses
                                                for v in self.villages])),
            "experience": self.experience,
            "advice_error": self.advice_error,
            "advice_bias": self.advice_bias,
            "advice_followed": self.advice_followed,
        }


def pilot_villages(gentry_power: np.ndarray, n_pilots: int) -> np.ndarray:
    """Indices of the pilot villages: evenly spaced ranks of the gentry's initial power
    (the middle rank for one pilot), so the pilots span the district's conditions."""
    n = len(gentry_power)
    if n_pilots == 0:
        return np.zeros(0, dtype=int)
    order = np.argsort(gentry_power, kind="stable")
    ranks = np.floor((np.arange(n_pilots) + 0.5) * n / n_pilots).astype(int)
    return np.sort(order[np.minimum(ranks, n - 1)])


def run_district(weeks: int = 104, rng: Any = None, **params: Any) -> DistrictModel:
    """Build a district and run it for ``weeks`` weeks; returns the model (its
    DataCollector holds the weekly outcomes)."""
    from ..village.parameters import check_weeks

    model = DistrictModel(rng=rng, **params)
    for _ in range(check_weeks(weeks)):
        model.step()
    return model


def simulate_district(weeks: int = 104, rng: Any = None, **params: Any) -> dict[str, float]:
    """Run one district and return its end-of-run outcomes."""
    return dict(run_district(weeks, rng, **params).report)
