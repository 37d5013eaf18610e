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

from . import advice, leading_group
from .accord import retaliate
from .population import (
    ACTIVE,
    ACTIVIST,
    INTEREST,
    LEVY,
    NOMINAL,
    PARTY,
    PRESENT,
    PRICES,
    RENT,
    VILLAGER,
    clip01,
)
from .quotas import GOODS, sources, spread
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
    apply_measure,
    concern,
)

if TYPE_CHECKING:
    from .protocols import VillageLike


def _sigmoid(x: np.ndarray | float, slope: float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-slope * x))


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
        self.renewal = renewal
        self.crowded_out = 0
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
        if model.p["organizing_rate"] > 0 and model.p["organization"]:
            self.organize(model)
        if vital:
            self.vital_meetings += 1
            measure = self.choose_measure(model)
            if measure is not None:
                self.campaign(model, measure)
            self.admit_activists(model)
            return "vital"
        assigned = self.assign_quotas(model)
        if model.p["quota_meetings_persuade"] > 0:
            self.persuade(model, assigned)
        self.party_drive(model)
        return "quota"

    def crowded(self, model: VillageLike) -> bool:
        """With several central tasks at once the meeting's own item (vital interests or
        quotas) goes ahead with chance 1/central_tasks; otherwise another task from above
        takes the meeting and nothing comes of it in the village (design mechanism 15).

        Mao (1943): "In any given place, there cannot be a number of central tasks at the
        same time ... he should not act upon each instruction as it comes from the higher
        organization without any planning of his own, and thereby create a multitude of
        'central tasks' and a state of confusion and disorder." One task draws nothing, so
        the default village is unchanged.
        """
        if self.central_tasks <= 1 or model.rng.random() < 1.0 / self.central_tasks:
            return False
        self.crowded_out += 1
        return True

    # --- mechanism 2: learning from the masses ---------------------------------------
    def reported_problems(self, model: VillageLike) -> np.ndarray:
        """How strongly the households report each problem (one score per problem).

        Each household weighs its burdens by its grievance; soldiers' families report the
        burdens shifted onto them, fearful households report the village head, and women
        report their own exclusion from village affairs. Chen Yun: "only the people know
        their own problems".
        """
        s, gov, p = model.village, model.government, model.p
        present_h = s.households_present()
        g_h = s.household_mean(s.grievance, s.present) * present_h
        b = s.burden
        scores = np.zeros(len(PROBLEMS))
        scores[P_RENT] = (g_h * b[:, RENT]).sum()
        scores[P_INTEREST] = (g_h * b[:, INTEREST]).sum()
        scores[P_LEVY] = (g_h * (b[:, LEVY] * gov.levy_multiplier(s, p["levy_shift"])
                                 + s.assessed)).sum()
        scores[P_PRICES] = (g_h * b[:, PRICES]).sum()
        # Soldiers' families report the burdens shifted onto them and the fields left
        # untilled; women report their exclusion from village affairs.
        sf = s.soldier_family() & present_h
        shifted = p["problem_soldiers_gentry"] if gov.gentry_rule else p["problem_soldiers_elected"]
        scores[P_SOLDIERS] = float(((shifted + p["problem_soldiers_grievance"] * g_h) * sf).sum())
        fear_h = s.household_mean(s.fear, s.present) * present_h
        scores[P_HEAD] = p["problem_head_fear"] * fear_h.sum() if gov.gentry_rule else 0.0
        women = s.present & s.female & s.working_age
        scores[P_WOMEN] = p["problem_women"] * s.grievance[women].sum() / max(
            p["household_size"], 1)
        scores[P_DAILY] = p["problem_daily_life"] * g_h.sum()
        return scores

    def open_measures(self) -> list[Measure]:
        return [m for m in MEASURES if m.repeatable or m.key not in self.won]

    def choose_measure(self, model: VillageLike) -> Measure | None:
        """The item for a vital-interest meeting.

        A branch that learns from the masses talks the problems over with the households
        and takes up the one whose reported weight times its chance of being won now is
        highest: "their own urgent demands -- demands that can and must be met
        immediately". One that does not picks one of its own ideas at random, or, when a call
        from above carries content (:attr:`advice`), the item the call says can be won,
        as far as the call outweighs its own idea (``advice.choose``). "Our local
        Party organs ... must gather opinions from the masses before they can make sound
        decisions."

        The choice is made anew at every meeting from the village as it now stands, so a
        struggle's result (a measure won, fear after a defeat, organization grown) feeds the
        next decision: Mao's "from the masses, to the masses ... over and over again in an
        endless spiral" (``decision_method = "mass-line"``, design mechanism 13). A
        subjectivist branch instead follows its own plan, the decrees in the order they came
        down, and presses the first one not yet won whatever the households report and
        whatever its last struggle showed: leaders who "fancying themselves clever, are fond
        of voicing their subjectivist ideas, and so their ideas become empty and
        impractical".
        """
        open_ = self.open_measures()
        if not open_:
            return None
        if self.decision_method == "subjectivist":
            return open_[0]
        if not self.learn_from_masses:
            if self.advice:  # a call from above says which items can be won (advice.py)
                return advice.choose(self, model, open_)
            return open_[int(model.rng.integers(len(open_)))]
        value = self.weigh(model, open_)
        return max(open_, key=lambda m: (value[m.key], -MEASURES.index(m)))

    def weigh(self, model: VillageLike, measures: list[Measure]) -> dict[str, float]:
        """Each measure's reported weight times its chance of being won now
        (``reported_problems`` x ``chance_of_winning``), by key. The expected strength is
        worked out once for the measures that concern the same people (``welfare.concern``):
        it is the same number for each of them."""
        scores = self.reported_problems(model)
        turnout = self.turnout(model)
        expected: dict[str, float] = {}
        value = {}
        for m in measures:
            group = concern(m)
            if group not in expected:
                expected[group] = self.expected_strength(model, m, turnout)
            value[m.key] = scores[m.problem] * self._chance(model, m, expected[group])
        return value

    def turnout(self, model: VillageLike) -> tuple[np.ndarray, np.ndarray]:
        """Each villager's chance of joining a struggle that concerns them (grievance and
        trust, organization, held back by fear), and who leads any struggle regardless
        (genuine Party members and activists present)."""
        s, p = model.village, model.p
        will = (p["turnout_grievance"] * s.grievance + p["turnout_trust"] * s.trust
                + p["turnout_active_member"] * (s.membership == ACTIVE)
                - p["turnout_fear"] * s.fear)
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
    def campaign(self, model: VillageLike, measure: Measure, own_accord: bool = False
                 ) -> Campaign:
        """Mobilize the households a measure concerns and struggle for it.

        Villagers take part according to grievance, trust and organization, held back by
        fear; the branch's members and activists lead. Decrees win only where organized
        strength overcomes gentry obstruction: "When we have formulated a policy for
        improving the people's welfare, we must also rely on the masses themselves to
        enforce it." Taking part in a won struggle raises consciousness and trust far more
        than the benefit alone: "they will learn through their own experience that their
        strength lies in unity and organization ... Only then will leaders emerge".
        ``own_accord`` marks a struggle the villagers started themselves (accord.py). With
        ``gentry_reprisals`` the gentry may then retaliate against its leaders.
        """
        rng = model.rng
        concerned, chance, leaders = self.participation(model, measure)
        takes_part = (rng.random(model.village.n) < chance) | leaders
        n_part = int(takes_part.sum())
        strength = self.strength(model, takes_part)
        needed = self.needed(model, measure)
        won = bool(rng.random() < _sigmoid(strength - needed, model.p["struggle_slope"]))
        record = Campaign(model.week, measure.key, n_part, strength, needed, won, own_accord,
                          model.government.effective_power(),
                          model.village.active_member_share())
        self.campaigns.append(record)
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
        chosen = np.flatnonzero(emerging & (model.rng.random(s.n) < p["activist_chance"]))
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
        trust_h = s.household_mean(s.trust, s.present)
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
        their gap to 1 (0.01 by default: "a little"; 0 is the first edition's branch that
        "merely assigns quotas", CY)."""
        s, x = model.village, model.p["quota_meetings_persuade"]
        told = assigned[s.household] & s.present
        s.consciousness[told] += x * (1.0 - s.consciousness[told])
        s.trust[told] += x * (1.0 - s.trust[told])

    def _press_recruits(self, model: VillageLike) -> None:
        s, p, book, rng = model.village, model.p, model.quotas, model.rng
        due = math.ceil(book.outstanding("recruits") - 1e-9)
        if due <= 0:
            return
        pool = np.flatnonzero((s.status == PRESENT) & s.military_age & (s.role != PARTY))
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

    # --- Party recruitment and bad elements (mechanism 9) -------------------------------
    def admit_activists(self, model: VillageLike) -> None:
        """After a vital-interest meeting the branch admits its most conscious tested activist.
        "The mass movement provides new Party members ... with a practical education in
        class consciousness that no book could offer." Few of them are bad elements."""
        if not self.renewal or not model.p["organization"]:
            return  # the leading group stays as first formed: no activist is brought in
        s, p = model.village, model.p
        cand = np.flatnonzero((s.role == ACTIVIST) & s.present
                              & (s.consciousness >= p["admission_consciousness"])
                              & (s.trust >= p["admission_trust"]))
        if len(cand) == 0:
            return
        best = cand[np.argsort(-s.consciousness[cand], kind="stable")[:p["admissions_per_meeting"]]]
        bad = model.rng.random(len(best)) < p["admission_bad_factor"] * p["bad_element_share"]
        for i, b in zip(best, bad, strict=True):
            model.admit_to_party(int(i), bool(b))

    def party_drive(self, model: VillageLike) -> None:
        """A quota meeting also enlists "a few recruits for the Party" by assignment: one
        villager at one meeting in five, taken without a struggle to test him, so as many bad
        elements slip in as at the branch's founding."""
        s, rng = model.village, model.rng
        if rng.random() >= model.p["party_drive_chance"]:
            return
        pool = np.flatnonzero(s.adults() & (s.role == VILLAGER))
        if len(pool) == 0:
            return
        i = int(pool[rng.integers(len(pool))])
        model.admit_to_party(i, bool(rng.random() < model.p["bad_element_share"]))

    def expose_bad_elements(self, model: VillageLike, active_share: float) -> None:
        """A strong mass movement exposes bad elements: "Once the mass movement of people
        fighting for their own interests gains momentum, it will be easy to tell true
        Communists working for the people from bad persons who have joined the Party out of
        ulterior motives. Then we will be able to rid the Party of undesirable members.\""""
        s = model.village
        bad = s.bad_elements_present()
        if not self.renewal or len(bad) == 0 or active_share <= 0:
            return
        caught = bad[model.rng.random(len(bad)) < model.p["exposure_rate"] * active_share]
        for i in caught:
            model.expel(int(i))
            self.expelled += 1

    # --- mechanism 12: the leading group ------------------------------------------------
    def leading_group_quality(self, model: VillageLike) -> float:
        """Mean quality of the leading group, the Party members in the village, on
        Dimitrov's four criteria, each in [0, 1]: devotion (commitment), contact with the
        masses (mean trust in the Party of his own and the two adjacent households),
        independent bearings (consciousness) and discipline (0 for a bad element).

        Mao (1943): "The criteria for such a leading group should be the four which
        Dimitrov enumerated ... absolute devotion to the cause, contact with the masses,
        ability independently to find one's bearings, and observance of discipline." With
        renewal (:attr:`renewal`) tested activists join and exposed bad elements go, so the
        quality rises with the mass movement; without it the group stays as formed.
        """
        return leading_group.quality(model)

    def active_membership_decay(self, model: VillageLike) -> None:
        """Organizations with no struggle for members' interests go back to being names on a
        list: "not performing any real function"."""
        s = model.village
        if model.week - self.last_win_week <= model.p["organization_idle_weeks"]:
            return
        active = np.flatnonzero(s.membership == ACTIVE)
        lapse = active[model.rng.random(len(active)) < model.p["organization_lapse"]]
        s.membership[lapse] = NOMINAL
