"""The village Party branch: its meetings, agenda and method (design mechanisms 1-3, 6-9,
12, 15).

The branch is a model component, not a grid agent. Its *method* is a dose: the share of
its meetings that take up an item on the people's vital interests, and whether it learns
which item from the households or picks one of its own.

Chen Yun (1939): "At meetings, therefore, a district Party committee, Party branch or group
should always include on its agenda an item addressing the vital interests of the people
in its area." Most branches instead "limit themselves to enlisting a few recruits for the
Party and the army and collecting a given amount of grain and army shoes ... merely by
assigning quotas". The good branch discussed such problems "at six out of ten meetings".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from . import advice, leading_group, mass_line, subjectivist
from .accord import retaliate
from .population import (
    ACTIVE,
    ACTIVIST,
    NOMINAL,
    PARTY,
    VILLAGER,
    clip01,
)
from .quotas import GOODS, sources, spread
from .reliance import Reliance
from .tasks import Tasks
from .welfare import (
    MEASURES,
    Measure,
    affected_people,
    apply_measure,
)

if TYPE_CHECKING:
    from .protocols import VillageLike


_sigmoid = mass_line.sigmoid


@dataclass(frozen=True)
class Campaign:
    """One struggle for a welfare measure, as the branch's record keeps it."""

    week: int
    measure: str
    participants: int
    strength: float
    needed: float
    won: bool
    own_accord: bool = False  # started by the villagers themselves (accord.py)
    # The conditions are left out of the record's repr, so that digests of it written
    # before they were recorded (scripts/golden_on.py) still compare.
    gentry_power: float = field(default=math.nan, repr=False)
    """The gentry's power as the villagers felt it when the struggle began
    (``VillageGovernment.effective_power``): the condition a struggle was won or lost
    under, which a call from above may pass on to other villages."""
    organized: float = field(default=math.nan, repr=False)
    """Share of working-age villagers present who were active members of a mass
    organization when the struggle began (``active_member_share``): the other condition."""


class Branch:
    """The village Party branch and its method."""

    def __init__(self, vital_interest_share: float, learn_from_masses: bool,
                 meeting_interval: int, central_tasks: int = 1, renewal: bool = True,
                 decision_method: str = "mass-line") -> None:
        self.decision_method = decision_method
        self.vital_interest_share = vital_interest_share
        self.learn_from_masses = learn_from_masses
        self.meeting_interval = meeting_interval
        self.central_tasks = central_tasks
        self.tasks = Tasks(central_tasks)
        """The tasks from above standing at once, and how the branch shares its meetings
        among them (tasks.py)."""
        self.renewal = renewal
        self.meetings = 0
        self.vital_meetings = 0
        self.won: list[str] = []
        self.campaigns: list[Campaign] = []
        self.last_win_week = -10**9
        self.expelled = 0
        self.reprisals = 0  # the gentry's retaliations after struggles (accord.py)
        self.clawed_back = 0  # won decrees the gentry won back (accord.py)
        self.advice: dict[str, float] = {}
        """The content of a call from above (a district's general call): for each measure
        key, the chance of winning it that the call says a village like this one has. Empty
        for a village on its own."""
        self.advice_weight = 0.0
        """How much the branch makes of ``advice``, in observations' worth (0: nothing)."""
        self.reliance = Reliance()
        """Who of the branch's active works on whom (reliance.py; docs/ODD.md 7.22)."""
        self.group: leading_group.LeadingGroup | None = None
        """The leading group (leading_group.py), formed by the village at the founding."""
        self.estimate = mass_line.Estimate()
        """What a mass-line branch has heard and learned (``mass_line_knowledge``
        "contact")."""
        self.plan: subjectivist.Plan | None = None
        """A subjectivist branch's own plan, drawn at its first decision."""
        self.decision_quality: list[float] = []
        """Each choice's true value over the best open measure's (``mass_line.judge``)."""

    # --- mechanism 1: meetings and their agenda --------------------------------------
    def meets(self, week: int) -> bool:
        return week % self.meeting_interval == 0

    def next_item_is_vital(self) -> bool:
        """Spread vital-interest meetings evenly: meeting k takes up the people's vital
        interests when the running count ceil(k * share) steps up, so exactly 6 of every
        10 meetings do at share 0.6 and none do at 0."""
        k, s = self.meetings, self.vital_interest_share
        return math.ceil(round((k + 1) * s, 9)) > math.ceil(round(k * s, 9))

    def hold_meeting(self, model: VillageLike) -> str:
        """Hold one branch meeting; returns its agenda ('vital', 'quota' or 'crowded')."""
        vital = self.next_item_is_vital()
        self.meetings += 1
        if self.crowded(model):
            return "crowded"
        with leading_group.steady(model):  # organizing and choosing change no score
            if model.p["organizing_rate"] > 0 and model.p["organization"]:
                self.organize(model)
            if vital:
                measure, turnout = self._choose(model)
        if vital:
            self.vital_meetings += 1
            if measure is not None:
                self.campaign(model, measure, turnout=turnout)
            self.admit_activists(model)
            leading_group.renew(model, vital=True)
            self.reliance.organize(model)  # the active assigned to their neighbours
            return "vital"
        assigned = self.assign_quotas(model)
        if model.p["quota_meetings_persuade"] > 0:
            self.persuade(model, assigned)
        self.party_drive(model)
        leading_group.renew(model, vital=False)
        return "quota"

    def crowded(self, model: VillageLike) -> bool:
        """Whether another task from above takes this meeting, so that nothing comes of it
        in the village: with several central tasks at once the branch shares its meetings
        among them, in order of importance or each as it comes (tasks.py, design mechanism
        15). One task draws nothing, so the default village is unchanged."""
        return self.tasks.crowded(model)

    @property
    def crowded_out(self) -> int:
        """Meetings whose own item another task from above took."""
        return self.tasks.crowded_out

    # --- mechanism 2: learning from the masses (mass_line.py) --------------------------
    def open_measures(self) -> list[Measure]:
        return [m for m in MEASURES if m.repeatable or m.key not in self.won]

    def choose_measure(self, model: VillageLike) -> Measure | None:
        """The item for a vital-interest meeting (docs/ODD.md 7.2 and 7.16).

        A branch that learns from the masses takes up the measure whose weight to the
        households times its chance of being won now is highest: "their own urgent
        demands -- demands that can and must be met immediately" (CY). What it knows of
        both it hears from the households it is in contact with, concentrates into an
        estimate and corrects by its struggles' results (``mass_line.choose``): Mao's "from
        the masses, to the masses ... over and over again in an endless spiral". One that
        does not picks one of its own ideas at random, or, when a call from above carries
        content (:attr:`advice`), the item the call says can be won, as far as the call
        outweighs its own idea (``advice.choose``). A subjectivist branch follows its
        own plan whatever the households report and whatever its last struggle showed
        (``subjectivist.follow_plan``): leaders who "fancying themselves clever, are fond of
        voicing their subjectivist ideas, and so their ideas become empty and impractical".
        How good the choice was is recorded (``mass_line.judge``).
        """
        return self._choose(model)[0]

    def _choose(self, model: VillageLike
                ) -> tuple[Measure | None, tuple[np.ndarray, np.ndarray] | None]:
        """``choose_measure``, and the turnout now (``turnout``), which the choice was
        weighed (``mass_line.choose``) and judged (``mass_line.judge``) with and the
        struggle that follows shares: choosing changes nothing in the village."""
        open_ = self.open_measures()
        if not open_:
            return None, None
        truth, turnout = None, None
        if self.decision_method == "subjectivist":
            measure = subjectivist.follow_plan(model, self, open_)
        elif not self.learn_from_masses:
            if self.advice:  # a call from above says which items can be won (advice.py)
                measure = advice.choose(self, model, open_)
            else:
                measure = open_[int(model.rng.integers(len(open_)))]
        else:
            measure, truth, turnout = mass_line.choose(model, self, open_)
        turnout = self.turnout(model) if turnout is None else turnout
        mass_line.judge(model, self, open_, measure, truth, turnout)
        return measure, turnout

    def weigh(self, model: VillageLike, measures: list[Measure]) -> dict[str, float]:
        """Each measure's true value by key: reported weight times chance of being won now
        (``mass_line.weigh``)."""
        return mass_line.weigh(model, self, measures)

    def turnout(self, model: VillageLike) -> tuple[np.ndarray, np.ndarray]:
        """Each villager's chance of joining a struggle that concerns them (grievance and
        trust, organization, a member of the leading group among his own or the adjacent
        households, held back by fear), and who leads any struggle regardless (genuine
        Party members and activists present)."""
        s, p = model.village, model.p
        will = (p["turnout_grievance"] * s.grievance + p["turnout_trust"] * s.trust
                + p["turnout_active_member"] * (s.membership == ACTIVE)
                - p["turnout_fear"] * s.fear)
        if p["group_turnout"] > 0:  # off, nothing is computed: the first edition's will
            will += p["group_turnout"] * leading_group.reach(model)
        leaders = s.adults() & s.leaders()
        return _sigmoid(will - p["turnout_threshold"], p["turnout_slope"]), leaders

    def participation(self, model: VillageLike, measure: Measure,
                      turnout: tuple[np.ndarray, np.ndarray] | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Who is concerned by a measure, each one's chance of taking part in the struggle
        for it, and who leads it regardless. ``turnout`` may be shared across measures
        weighed at the same meeting."""
        willing, leaders = turnout if turnout is not None else self.turnout(model)
        concerned = affected_people(model.village, measure, model.week, model.p)
        return concerned, np.where(concerned, willing, 0.0), leaders

    def strength(self, model: VillageLike, taking_part: np.ndarray) -> float:
        """Organized strength: the share of working-age villagers present who take part,
        active members of mass organizations counting double. ``taking_part`` is a mask,
        or each one's chance of taking part for the expected strength."""
        s = model.village
        weight = taking_part.astype(float, copy=False)
        organized = float(np.dot(weight, s.membership == ACTIVE))
        return (float(weight.sum()) + organized) / s.n_adults()

    def needed(self, model: VillageLike, measure: Measure) -> float:
        """Strength a struggle needs: a base threshold plus gentry obstruction of decrees."""
        p = model.p
        return p["struggle_threshold"] + model.government.obstruction(
            p["obstruction"], measure.decree, p["obstruction_non_decree"])

    def chance_of_winning(self, model: VillageLike, measure: Measure,
                          turnout: tuple[np.ndarray, np.ndarray] | None = None) -> float:
        """The branch's estimate, from expected turnout, of winning a struggle now."""
        return self._chance(model, measure, self.expected_strength(model, measure, turnout))

    def expected_strength(self, model: VillageLike, measure: Measure,
                          turnout: tuple[np.ndarray, np.ndarray] | None = None) -> float:
        """The strength a struggle for ``measure`` can expect from turnout now."""
        _, chance, leaders = self.participation(model, measure, turnout)
        return self.strength(model, np.maximum(chance, leaders))

    def _chance(self, model: VillageLike, measure: Measure, expected: float) -> float:
        return float(_sigmoid(expected - self.needed(model, measure), model.p["struggle_slope"]))

    # --- mechanisms 3, 4, 8: struggle for a measure ----------------------------------
    def campaign(self, model: VillageLike, measure: Measure, own_accord: bool = False,
                 turnout: tuple[np.ndarray, np.ndarray] | None = None) -> Campaign:
        """Mobilize the households a measure concerns and struggle for it.

        Villagers take part according to grievance, trust and organization, held back by
        fear; the branch's members and activists lead. Decrees win only where organized
        strength overcomes gentry obstruction: "When we have formulated a policy for
        improving the people's welfare, we must also rely on the masses themselves to
        enforce it." Taking part in a won struggle raises consciousness and trust far more
        than the benefit alone: "they will learn through their own experience that their
        strength lies in unity and organization ... Only then will leaders emerge".
        ``own_accord`` marks a struggle the villagers started themselves (accord.py). With
        ``gentry_reprisals`` the gentry may then retaliate against its leaders. ``turnout``
        may give ``turnout`` when the meeting has worked it out already.
        """
        rng = model.rng
        concerned, chance, leaders = self.participation(model, measure, turnout)
        takes_part = (rng.random(model.village.n) < chance) | leaders
        n_part = int(takes_part.sum())
        strength = self.strength(model, takes_part)
        needed = self.needed(model, measure)
        won = bool(rng.random() < _sigmoid(strength - needed, model.p["struggle_slope"]))
        record = Campaign(model.week, measure.key, n_part, strength, needed, won, own_accord,
                          model.government.effective_power(),
                          model.village.active_member_share())
        self.campaigns.append(record)
        leading_group.took_part(model, takes_part, won)
        if won:
            self._win(model, measure, takes_part, concerned)
        else:
            self._lose(model, takes_part)
        if model.p["gentry_reprisals"]:
            retaliate(model, self, takes_part)
        return record

    def _win(self, model: VillageLike, measure: Measure, took_part: np.ndarray,
             concerned: np.ndarray) -> None:
        s, gov, p = model.village, model.government, model.p
        gain = p["struggle_gain"]
        if not measure.repeatable:
            self.won.append(measure.key)
        self.last_win_week = model.week
        if p["reform"]:  # the livelihood it concerns changes (the reform channel)
            apply_measure(s, measure, p)
            if measure.key == "soldier_family_care":
                gov.soldier_family_care = True
        if measure.key == "elected_representatives":
            gov.elected = True
            gov.week_elected = model.week
            gov.gentry_power *= p["win_elected_gentry_factor"]
        elif measure.key == "womens_association":
            model.womens_association = True
        if measure.decree:
            gov.gentry_power *= p["win_decree_gentry_factor"]
        s.fear[took_part] *= p["win_fear_factor"]
        # Struggle teaches (the organization channel); the benefit alone teaches little
        # (the reform channel). With organization off the fighters only share the benefit.
        organization = p["organization"]
        if organization:
            s.consciousness[took_part] += gain * (1.0 - s.consciousness[took_part])
            s.trust[took_part] += gain * (1.0 - s.trust[took_part])
        if p["reform"]:
            benefit = concerned if not organization else concerned & ~took_part
            s.trust[benefit] += p["win_benefit_trust"] * gain * (1.0 - s.trust[benefit])
            s.consciousness[benefit] += (p["win_benefit_consciousness"] * gain
                                         * (1.0 - s.consciousness[benefit]))
        if not organization:
            return
        s.membership[took_part & s.working_age] = ACTIVE
        emerging = took_part & (s.role == VILLAGER) & (
            s.consciousness >= p["activist_consciousness"]) & (s.trust >= p["activist_trust"])
        chosen = (emerging & (model.rng.random(s.n) < p["activist_chance"])).nonzero()[0]
        for i in chosen:
            model.promote(int(i), ACTIVIST)

    def _lose(self, model: VillageLike, took_part: np.ndarray) -> None:
        s, gov, p = model.village, model.government, model.p
        s.fear[took_part] += p["loss_fear"] * (1.0 - s.fear[took_part])
        s.trust[took_part] -= p["loss_trust"] * s.trust[took_part]
        gov.gentry_power += p["loss_gentry_regain"] * (1.0 - gov.gentry_power)
        if p["loss_membership"] > 0:  # a defeat scatters the organization
            scattered = took_part & (s.membership == ACTIVE) & (
                model.rng.random(s.n) < p["loss_membership"])
            s.membership[scattered] = NOMINAL

    # --- mechanism 6: quotas by assignment ---------------------------------------------
    def assign_quotas(self, model: VillageLike) -> np.ndarray:
        """Assign what is still due to households by order; returns which households were
        assigned a share.

        Households pay in proportion to their trust; a gentry-held government lays the
        assessment on the poor and soldiers' families; every assessment costs trust.
        Named men are pressed to enlist for the recruit quota.
        """
        s, gov, p, book = model.village, model.government, model.p, model.quotas
        present_h = s.households_present()
        trust_h = s.present_mean(s.trust)
        weights = present_h * gov.levy_multiplier(s, p["levy_shift"])
        cost = np.zeros(s.n_households)
        src = sources(model, present_h) if p["separate_quotas"] else None
        pays = p["assignment_paid_base"] + p["assignment_paid_trust"] * trust_h
        for kind in GOODS:
            due = book.outstanding(kind)
            if due <= 0:
                continue
            # Separate quotas: each good is laid on households by its own source.
            w = weights
            if src is not None:
                by_source = weights * src[kind]
                if by_source.any():
                    w = by_source
            share = spread(due, w)
            paid = share * pays
            book.deliver(kind, float(paid.sum()))
            s.assessed += paid
            cost += share
        if cost.any():
            # A full period's quota laid on a household by order costs it assignment_cost.
            per_period = p["grain_quota"] + p["bond_quota"] + p["shoe_quota"]
            rel = cost / max(per_period, 1e-12)
            s.trust *= 1.0 - p["assignment_cost"] * np.minimum(
                rel, p["assignment_cost_cap"])[s.household]
        self._press_recruits(model)
        clip01(s.trust, out=s.trust)
        return cost > 0

    def persuade(self, model: VillageLike, assigned: np.ndarray) -> None:
        """A quota meeting still explains the war a little: the consciousness and trust of
        the members of the households assigned a quota close ``quota_meetings_persuade`` of
        their gap to 1 (by default "a little"; 0 is the first edition's branch that
        "merely assigns quotas", CY)."""
        s, x = model.village, model.p["quota_meetings_persuade"]
        told = (assigned[s.household] & s.present).nonzero()[0]
        s.consciousness[told] += x * (1.0 - s.consciousness[told])
        s.trust[told] += x * (1.0 - s.trust[told])

    def _press_recruits(self, model: VillageLike) -> None:
        s, p, book, rng = model.village, model.p, model.quotas, model.rng
        due = math.ceil(book.outstanding("recruits") - 1e-9)
        if due <= 0:
            return
        men = s._kept("_adult_men", lambda: s.adults() & ~s.female)
        pool = (men & (s.role != PARTY)).nonzero()[0]
        if len(pool) == 0:
            return
        named = rng.choice(pool, size=min(len(pool), p["press_named_per_recruit"] * due),
                           replace=False)
        named.sort()
        goes = rng.random(len(named)) < p["press_compliance"] * s.trust[named]
        model.mobilize(named[goes], np.ones(int(goes.sum()), dtype=bool))
        hit = s.in_households(named[~goes])
        s.trust[hit] *= 1.0 - p["press_refusal_cost"] * p["assignment_cost"]

    def organize(self, model: VillageLike) -> None:
        """The branch's organizational work, at every meeting held whatever its item: a
        working-age villager living next to a genuine Party member or activist becomes an
        active member with chance ``organizing_rate x`` the leading group's quality ``x``
        his trust. Mao (1943): work "cannot be pushed ahead" without "a leading group which
        is united, linked with the masses"; how well it organizes does not depend on what
        the meeting was about (the organization explanation, DESIGN section 1). Idle
        organizations still lapse."""
        s, p = model.village, model.p
        leaders = s.present & s.leaders()
        if not leaders.any():
            return
        near = s.neighbour_mean(leaders) > 0
        can = s.adults() & near & (s.role == VILLAGER) & (s.membership != ACTIVE)
        chance = p["organizing_rate"] * self.leading_group_quality(model) * s.trust
        s.membership[can & (model.rng.random(s.n) < chance)] = ACTIVE

    # --- Party recruitment and bad elements (mechanism 9; leading_group.py) ------------
    def admit_activists(self, model: VillageLike) -> None:
        """After a vital-interest meeting the branch admits its most conscious tested
        activist, with renewal (``leading_group.admit_activists``)."""
        leading_group.admit_activists(model)

    def party_drive(self, model: VillageLike) -> None:
        """A quota meeting also enlists "a few recruits for the Party" by assignment: one
        villager at one meeting in five, taken without a struggle to test him, so as many bad
        elements slip in as at the branch's founding."""
        s, rng = model.village, model.rng
        if rng.random() >= model.p["party_drive_chance"]:
            return
        pool = (s.adults() & (s.role == VILLAGER)).nonzero()[0]
        if len(pool) == 0:
            return
        i = int(pool[rng.integers(len(pool))])
        model.admit_to_party(i, bool(rng.random() < model.p["bad_element_share"]))

    def expose_bad_elements(self, model: VillageLike, active_share: float) -> None:
        """A strong mass movement exposes bad elements, the better the leading group the
        faster, with renewal (``leading_group.expose_bad_elements``)."""
        leading_group.expose_bad_elements(model, active_share)

    # --- mechanism 12: the leading group (leading_group.py) ---------------------------
    def leading_group_quality(self, model: VillageLike) -> float:
        """Mean quality of the leading group on Dimitrov's four criteria
        (``leading_group.quality``; docs/ODD.md 7.15)."""
        return leading_group.quality(model)

    def active_membership_decay(self, model: VillageLike) -> None:
        """Organizations with no struggle for members' interests go back to being names on a
        list: "not performing any real function"."""
        s = model.village
        if model.week - self.last_win_week <= model.p["organization_idle_weeks"]:
            return
        active = (s.membership == ACTIVE).nonzero()[0]
        lapse = active[model.rng.random(len(active)) < model.p["organization_lapse"]]
        s.membership[lapse] = NOMINAL
