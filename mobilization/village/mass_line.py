"""From the masses, to the masses: how a branch decides its vital-interest item (design
mechanisms 2 and 13; issue 12 item 1; docs/ODD.md 7.2 and 7.16).

Mao (1943): "take the ideas of the masses (scattered and unsystematic ideas) and
concentrate them (through study turn them into concentrated and systematic ideas), then go
to the masses ... and test the correctness of these ideas in such action. Then once again
concentrate ideas from the masses ... over and over again in an endless spiral, with the
ideas becoming more correct, more vital, and richer each time." Chen Yun (1939): "only the
people know their own problems".

* What the households report (:func:`household_problems`, :func:`reported_problems`) and
  what a measure is truly worth taking up now (:func:`weigh`: reported weight x chance of
  winning): the first edition's mass-line branch knew both exactly
  (``mass_line_knowledge = "perfect"``).
* The mass line as an information process (``"contact"``, :func:`choose`): at each
  vital meeting the branch sums up its last struggle (:func:`sum_up`), hears the
  households it is in contact with (:func:`hear`), concentrates what it heard into its
  :class:`Estimate` and takes up the measure of highest estimated value.
* The subjectivist's own plan is in ``subjectivist.py``.
* How good a choice was (:func:`judge`): the true value of the chosen measure over the best
  open one's, at every vital meeting where there was a choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from . import leading_group
from .population import ACTIVE, INTEREST, LEVY, PRICES, RENT
from .welfare import (
    MEASURES,
    P_DAILY,
    P_HEAD,
    P_INTEREST,
    P_LEVY,
    P_PRICES,
    P_RENT,
    P_SOLDIERS,
    P_WOMEN,
    PROBLEMS,
    Measure,
    affected_people,
    concern,
)

if TYPE_CHECKING:
    from .protocols import VillageLike


class Record(Protocol):
    """What a struggle's record (``branch.Campaign``) shows the branch afterwards."""

    measure: str
    strength: float
    won: bool


class Branch(Protocol):
    """What this module uses of ``branch.Branch`` (which imports it: the village's imports
    point one way)."""

    advice: dict[str, float]
    advice_weight: float
    campaigns: list
    estimate: Estimate
    decision_quality: list[float]

    def turnout(self, model: VillageLike) -> tuple[np.ndarray, np.ndarray]: ...

    def expected_strength(self, model: VillageLike, measure: Measure,
                          turnout: tuple[np.ndarray, np.ndarray] | None = None) -> float: ...

    def needed(self, model: VillageLike, measure: Measure) -> float: ...


def sigmoid(x: np.ndarray | float, slope: float) -> np.ndarray | float:
    """The logistic curve of ``slope x``: turnout in will, victory in strength."""
    return 1.0 / (1.0 + np.exp(-slope * x))


def first(measures: list[Measure], value: dict[str, float]) -> Measure:
    """The measure of highest value; an exact tie goes to the one listed first."""
    return max(measures, key=lambda m: (value[m.key], -MEASURES.index(m)))


# --- what the households report, and what a measure is truly worth ----------------------
def household_problems(model: VillageLike) -> np.ndarray:
    """How strongly each household reports each problem: one row per problem
    (``welfare.PROBLEMS``), one column per household (0 for a household no longer there).

    Each household weighs its burdens by its grievance; soldiers' families report the
    burdens shifted onto them, fearful households report the village head, and women
    report their own exclusion from village affairs. Chen Yun: "only the people know their
    own problems".
    """
    s, gov, p = model.village, model.government, model.p
    present_h = s.households_present()
    g_h = s.present_mean(s.grievance) * present_h
    b = s.burden
    out = np.zeros((len(PROBLEMS), s.n_households))
    out[P_RENT] = g_h * b[:, RENT]
    out[P_INTEREST] = g_h * b[:, INTEREST]
    out[P_LEVY] = g_h * (b[:, LEVY] * gov.levy_multiplier(s, p["levy_shift"]) + s.assessed)
    out[P_PRICES] = g_h * b[:, PRICES]
    # Soldiers' families report the burdens shifted onto them and the fields left
    # untilled; women report their exclusion from village affairs.
    sf = s.soldier_family() & present_h
    shifted = p["problem_soldiers_gentry"] if gov.gentry_rule else p["problem_soldiers_elected"]
    out[P_SOLDIERS] = (shifted + p["problem_soldiers_grievance"] * g_h) * sf
    if gov.gentry_rule:
        out[P_HEAD] = p["problem_head_fear"] * s.present_mean(s.fear) * present_h
    women = s.present & s.female & s.working_age
    out[P_WOMEN] = p["problem_women"] * np.bincount(
        s.household, weights=s.grievance * women, minlength=s.n_households) / max(
        p["household_size"], 1)
    out[P_DAILY] = p["problem_daily_life"] * g_h
    return out


def reported_problems(model: VillageLike) -> np.ndarray:
    """How strongly the households report each problem, summed over the village (one score
    per problem): what a branch that heard every household would know."""
    return household_problems(model).sum(axis=1)


def chances(model: VillageLike, branch: Branch, measures: list[Measure],
            turnout: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, float]:
    """Each measure's chance of being won now, at the strength expected from turnout now
    (``branch.turnout``, which ``turnout`` may give when it is known already), by key. The
    expected strength is worked out once for the measures that concern the same people
    (``welfare.concern``). Draws no random number."""
    turnout = branch.turnout(model) if turnout is None else turnout
    slope = model.p["struggle_slope"]
    expected: dict[str, float] = {}
    out = {}
    for m in measures:
        group = concern(m)
        if group not in expected:
            expected[group] = branch.expected_strength(model, m, turnout)
        out[m.key] = float(sigmoid(expected[group] - branch.needed(model, m), slope))
    return out


def weigh(model: VillageLike, branch: Branch, measures: list[Measure],
          problems: np.ndarray | None = None,
          turnout: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, float]:
    """Each measure's reported weight times its chance of being won now
    (``reported_problems`` x :func:`chances`), by key: the true value of taking it up,
    which the first edition's mass-line branch knew exactly. ``problems`` and ``turnout``
    may give ``reported_problems`` and ``branch.turnout`` when they are known already."""
    scores = reported_problems(model) if problems is None else problems
    chance = chances(model, branch, measures, turnout)
    return {m.key: scores[m.problem] * chance[m.key] for m in measures}


# --- the mass line as an information process ------------------------------------------
READINESS = len(PROBLEMS)
ACCOUNT = READINESS + 1
"""Rows of the branch's misreading of a heard household: one per problem, then its
members' readiness to struggle, then its account of the gentry."""


@dataclass(frozen=True)
class Expectation:
    """What the branch expected of the struggle it chose, kept to sum the struggle up."""

    index: int  # where its record will stand in ``branch.campaigns``
    measure: str
    strength: float  # the strength it read from the households, before its turnout factor
    needed: float  # the strength it believed the measure needed
    obstruction: float  # obstruction x the gentry's power as felt, when it chose


@dataclass
class Estimate:
    """A mass-line branch's concentrated ideas: what it has heard and learned so far."""

    weight: np.ndarray | None = None
    """Each problem's weight in the village (``reported_problems``' units), extrapolated
    from the households heard and pooled over meetings; None before it has heard any."""
    strength: dict[str, float] = field(default_factory=dict)
    """The strength a struggle can expect, by the group of people it concerns, as read
    from the households heard (before ``turnout_factor``)."""
    turnout_factor: float = 1.0
    """What its struggles taught it of its reading of turnout: the strength that turned
    out over the strength it read, learned struggle by struggle."""
    obstruction: dict[str, float] = field(default_factory=dict)
    """By measure, the share of the gentry's obstruction it believes the measure meets, as
    the households heard tell it and its struggles showed it (all of it, for a measure it
    has heard nothing of)."""
    struggles: dict[str, int] = field(default_factory=dict)
    """Struggles it has fought and summed up, by measure."""
    heard: int = 0
    """Households heard at its last vital meeting."""
    pending: Expectation | None = None
    """Its last struggle, not yet summed up."""


def contact_chance(model: VillageLike, contact: float) -> np.ndarray:
    """Each household's chance of being heard at a vital meeting: ``1 - exp(-c x contact x
    (trust + m x active))`` with ``c = mass_line_contact``, ``contact`` the leading group's
    contact with the masses (``leading_group.criteria``), the household's mean trust in the
    Party and its share of active members of mass organizations (weight ``m =
    mass_line_contact_membership``); 0 for a household no longer there."""
    s, p = model.village, model.p
    h, n_h = s.household, s.n_households
    present, members = s.present_weight(), s.household_present()
    said = (np.bincount(h, weights=s.trust * present, minlength=n_h)
            + p["mass_line_contact_membership"]
            * np.bincount(h, weights=(s.membership == ACTIVE) * present, minlength=n_h))
    rate = p["mass_line_contact"] * contact * np.divide(
        said, members, out=np.zeros(n_h), where=members > 0)
    return -np.expm1(-rate)


def hear(model: VillageLike, branch: Branch, measures: list[Measure],
         problems: np.ndarray, turnout: tuple[np.ndarray, np.ndarray]) -> None:
    """Hear the households the branch is in contact with and pool what they say into its
    estimate: each problem's weight, the strength a struggle for each measure can expect,
    and how hard the gentry will fight each measure ("their own urgent demands -- demands
    that can and must be met immediately", CY: the masses know what can be won).

    Each household present is heard with :func:`contact_chance`. A heard household's
    problems, its members' readiness to struggle and its account of the gentry are read
    with a log-normal error of mean one and spread (sd of its log) ``mass_line_noise x (1 -
    bearings)`` (the leading
    group's independent bearings), and the heard households are taken for the village
    (scaled up by households present over households heard): those in contact with the
    branch, who trust it and are organized, speak for those who are not. The branch knows
    its own members and activists, who lead any struggle, and how strong the gentry are
    (their power as felt is no secret); what it hears is the share of that power the gentry
    will put against each measure. The reading is pooled with the previous estimate, worth
    ``mass_line_memory`` households. Draws: one uniform per household, then for each heard
    household one normal per problem, one for its readiness and one for its account of the
    gentry. ``problems`` and ``turnout`` are the village's as it stands
    (``household_problems``, ``branch.turnout``): what each household would say if heard.
    """
    s, p, rng, est = model.village, model.p, model.rng, branch.estimate
    lead = leading_group.criteria(model)
    heard = rng.random(s.n_households) < contact_chance(model, lead.contact)
    n_heard = int(np.count_nonzero(heard))
    spread = p["mass_line_noise"] * (1.0 - lead.bearings)
    # Log-normal with mean one: a misreading is as likely too loud as too soft on average,
    # so pooling many readings converges to the truth of those heard.
    misread = np.exp(spread * rng.standard_normal((ACCOUNT + 1, n_heard)) - spread * spread / 2)
    est.heard = n_heard
    scale = float(np.count_nonzero(s.households_present())) / max(n_heard, 1)
    memory = p["mass_line_memory"]

    def pool(old: float | np.ndarray | None, new: float | np.ndarray
             ) -> float | np.ndarray:
        return new if old is None else (memory * old + n_heard * new) / (memory + n_heard)

    if n_heard > 0:
        said = problems[:, heard] * misread[:READINESS]
        est.weight = pool(est.weight, scale * said.sum(axis=1))
    willing, leaders = turnout
    active = s.membership == ACTIVE
    reading = np.zeros(s.n_households)
    reading[heard] = scale * misread[READINESS]
    told = willing * (1.0 + active) * reading[s.household] * ~leaders
    own = float(np.dot(leaders, 1.0 + active))  # leaders join any struggle
    n_adults = s.n_adults()
    for group, m in {concern(m): m for m in reversed(measures)}.items():
        if group in est.strength and n_heard == 0:
            continue
        concerned = affected_people(s, m, model.week, p)
        est.strength[group] = pool(est.strength.get(group),
                                   (own + float(np.dot(told, concerned))) / n_adults)
    gentry = p["obstruction"] * model.government.effective_power()
    if n_heard == 0 or gentry <= 0:
        return  # nothing heard, or no gentry's obstruction to hear of
    account = float(misread[ACCOUNT].mean())
    for m in measures:
        share = (branch.needed(model, m) - p["struggle_threshold"]) / gentry
        est.obstruction[m.key] = pool(est.obstruction.get(m.key), share * account)


def believed_needed(model: VillageLike, branch: Branch, measure: Measure) -> tuple[float, float]:
    """The strength the branch believes ``measure`` needs, and the gentry's obstruction as
    felt (``obstruction x`` their effective power, which is no secret in the village): the
    base threshold plus the share of that obstruction the branch believes the measure
    meets."""
    p = model.p
    scale = p["obstruction"] * model.government.effective_power()
    share = branch.estimate.obstruction.get(measure.key, 1.0)
    return p["struggle_threshold"] + share * scale, scale


def estimated_values(model: VillageLike, branch: Branch, measures: list[Measure]
                     ) -> dict[str, float]:
    """Each measure's estimated weight times its estimated chance of winning now, by key.

    The chance is the struggle curve at the strength the branch reads (times its turnout
    factor) against the strength it believes the measure needs; a call from above
    (``branch.advice``, worth ``branch.advice_weight`` observations) is blended in as prior
    information against the branch's own reading, worth ``mass_line_reading_worth`` plus
    one per struggle it has fought for the measure."""
    p, est = model.p, branch.estimate
    weight = est.weight if est.weight is not None else np.zeros(len(PROBLEMS))
    value = {}
    for m in measures:
        needed, _ = believed_needed(model, branch, m)
        strength = est.turnout_factor * est.strength[concern(m)]
        chance = float(sigmoid(strength - needed, p["struggle_slope"]))
        if m.key in branch.advice and branch.advice_weight > 0:
            own = p["mass_line_reading_worth"] + est.struggles.get(m.key, 0)
            chance = ((own * chance + branch.advice_weight * branch.advice[m.key])
                      / (own + branch.advice_weight))
        value[m.key] = float(weight[m.problem]) * chance
    return value


def sum_up(model: VillageLike, branch: Branch) -> None:
    """Sum up the branch's last struggle: the strength that turned out against the strength
    it read corrects its turnout factor, and the result (won or lost) against the chance it
    gave the struggle corrects the share of the gentry's obstruction it believes the measure
    meets (a lost struggle shows the measure needed more strength than it had). Each
    correction takes ``mass_line_learning_rate`` of the gap: the chance it now gives a
    struggle of the strength it saw moves that share of the way to the result, and the
    strength it believes the measure needs is the one that gives that chance."""
    est, p = branch.estimate, model.p
    x, est.pending = est.pending, None
    if x is None or x.index >= len(branch.campaigns):
        return
    record: Record = branch.campaigns[x.index]
    if record.measure != x.measure:
        return
    rate, slope = p["mass_line_learning_rate"], p["struggle_slope"]
    if x.strength > 0:
        est.turnout_factor += rate * (record.strength / x.strength - est.turnout_factor)
    expected = float(sigmoid(record.strength - x.needed, slope))
    believed = expected + rate * (float(record.won) - expected)
    if x.obstruction > 0 and 0.0 < believed < 1.0:
        needed = record.strength - math.log(believed / (1.0 - believed)) / slope
        est.obstruction[x.measure] = max((needed - p["struggle_threshold"]) / x.obstruction,
                                         0.0)
    est.struggles[x.measure] = est.struggles.get(x.measure, 0) + 1


def choose(model: VillageLike, branch: Branch, measures: list[Measure]
           ) -> tuple[Measure, dict[str, float] | None, tuple[np.ndarray, np.ndarray]]:
    """The mass-line branch's item among the open ``measures``, their true values
    (``weigh``; None where ``judge`` needs none: a single open measure), and the turnout
    it weighed them with (``branch.turnout``, the same until the struggle: choosing
    changes nothing in the village).

    ``mass_line_knowledge = "perfect"`` takes the measure of highest true value. ``"contact"``
    sums up the last struggle, hears the households and takes the measure of highest
    estimated value (one of its own ideas at random, one draw, while it has heard nobody);
    it remembers what it expected, to sum the struggle up at its next vital meeting. It can
    choose badly: it hears few households where trust is low, takes those it hears, who
    trust it, for the village, reads them the more wrongly the poorer the group's
    bearings, and remembers a village that has changed.
    """
    if model.p["mass_line_knowledge"] == "perfect":
        turnout = branch.turnout(model)
        value = weigh(model, branch, measures, turnout=turnout)
        return first(measures, value), value, turnout
    sum_up(model, branch)
    problems, turnout = household_problems(model), branch.turnout(model)
    hear(model, branch, measures, problems, turnout)
    if branch.estimate.weight is None:  # nobody heard yet: no idea from the masses
        measure = measures[int(model.rng.integers(len(measures)))]
    else:
        measure = first(measures, estimated_values(model, branch, measures))
    needed, scale = believed_needed(model, branch, measure)
    branch.estimate.pending = Expectation(len(branch.campaigns), measure.key,
                                          branch.estimate.strength[concern(measure)],
                                          needed, scale)
    truth = (weigh(model, branch, measures, problems.sum(axis=1), turnout)
             if len(measures) > 1 else None)  # for judge only: what it could not know
    return measure, truth, turnout


# --- how good the choice was --------------------------------------------------------
def judge(model: VillageLike, branch: Branch, measures: list[Measure], chosen: Measure,
          value: dict[str, float] | None = None,
          turnout: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Record how good a choice among ``measures`` was: the true value (``weigh``) of the
    chosen measure over the best open measure's, in [0, 1]. Only where there was a choice
    (two or more open measures) and something to gain (the best value above 0). ``value``
    may give the true values, ``turnout`` the turnout to weigh them with, when they are
    known already. Draws nothing."""
    if len(measures) < 2:
        return
    value = weigh(model, branch, measures, turnout=turnout) if value is None else value
    best = max(value.values())
    if best > 0:
        branch.decision_quality.append(float(value[chosen.key] / best))


def quality_halves(quality: list[float]) -> tuple[float, float]:
    """Mean decision quality over the first half of the choices so far (the middle one
    with the first) and over the second half; 0 for a half with no choice in it."""
    half = (len(quality) + 1) // 2
    early, late = quality[:half], quality[half:]
    return (sum(early) / len(early) if early else 0.0,
            sum(late) / len(late) if late else 0.0)
