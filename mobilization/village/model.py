"""VillageModel: one village, its Party branch, gentry and government, week by week.

Weekly step order (docs/ODD.md, "Process overview and scheduling"):

1. quotas arrive from the district (for weeks 1..q at the start, then every q weeks);
2. the gentry who hold the government regain power; the invader raids (if ``threat``);
   burdens and grievance update;
3. the branch meets (every ``meeting_interval`` weeks): a vital-interest item (learn the
   problem, struggle for a measure, admit activists) or quotas (assign by order, press
   recruits, a Party drive); if switched on, villagers organize and struggle of their own
   accord and the gentry win back won decrees (accord.py);
4. villagers contribute to open quotas of their own accord;
5. fear, consciousness and trust update, vectorized (the active assigned at vital-interest
   meetings work on their neighbours, reliance.py); stances are read off;
6. villagers decide whether to leave for the army or salvation work;
7. a strong mass movement exposes bad elements; the leading group degenerates a little;
   idle organizations lapse;
8. the DataCollector records the week.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid
from mesa.experimental.scenarios import Scenario

from . import accord, dynamics, leading_group
from .agents import Activist, Gentry, PartyMember, Villager
from .branch import Branch
from .draws import draw_structure
from .government import VillageGovernment
from .outcomes import OUTCOMES, snapshot
from .parameters import HORIZON_WEEKS, check_record, check_rng, check_weeks, resolve
from .population import (
    ACTIVIST,
    ARMY,
    PARTY,
    PRESENT,
    SALVATION,
    VILLAGER,
    build_village,
)
from .quotas import GOODS, QuotaBook, capacity
from .scenario import VillageScenario
from .threat import Threat

QUOTA_PARAMETER = {"grain": "grain_quota", "bonds": "bond_quota", "shoes": "shoe_quota"}

ROLE_CLASS = {VILLAGER: Villager, ACTIVIST: Activist, PARTY: PartyMember}


_GC_LOCK = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the grid and the agents are built.

    Mesa's grid connects every cell to its neighbours in Python, and every cell and agent
    is a new container object: at 10,000 villagers the collector ran so often over them
    (none of them garbage) that it took half of the model's construction. Nothing here
    depends on when garbage is collected, so results are the same. Pauses nest and are
    counted under a lock (villages may be built in several threads); the collector is
    enabled again after the last one only if it was enabled before the first."""
    global _gc_pauses, _gc_was_enabled
    with _GC_LOCK:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def _from_scenario(scenario: Any, rng: Any, params: dict[str, Any]
                   ) -> tuple[Any, dict[str, Any]]:
    """The seed and parameters a scenario gives. Parameters come either in the scenario or
    as keywords, not both (one place says what a run was); a seed given both ways must be
    the same one."""
    if not isinstance(scenario, Scenario):
        raise ValueError(
            f"scenario must be a mesa Scenario (VillageScenario); got {type(scenario).__name__}")
    if params:
        resolve(params)  # an unknown or invalid name is reported as such first
        raise ValueError("give parameters either in scenario or as keywords, not both; got "
                         f"{', '.join(sorted(params))} as keywords")
    given = dict(scenario)
    seed = given.pop("rng", None)
    if rng is None:
        rng = seed
    elif seed is not None and seed is not rng and not (
            isinstance(seed, int | np.integer) and isinstance(rng, int | np.integer)
            and seed == rng):
        raise ValueError(f"rng ({rng!r}) and scenario.rng ({seed!r}) differ; give one")
    return rng, given


class VillageModel(mesa.Model):
    """A north-China village under a Party branch of a given method.

    Every parameter is a keyword argument (see ``mobilization.village.parameters.PARAMETERS`` or
    ``mobilize params``), or a field of ``scenario`` (a :class:`VillageScenario`, as Mesa's
    SolaraViz passes on Reset; not both); invalid or unknown ones raise ``ValueError``.
    ``rng`` seeds the model (or ``scenario.rng``): the same parameters and seed give the same
    weekly series in any process. ``record=False`` skips the weekly DataCollector rows (a
    district keeps its own); ``report`` still holds the current week's outcomes.

    ``weeks`` is the horizon: ``running`` turns False once that many weeks have been
    stepped, so ``mesa.batch_run`` and SolaraViz's Play stop there. It defaults to the
    documented horizon (``HORIZON_WEEKS``, two years), the length every result of the
    project is stated for, so Mesa's tools run a village as ``simulate`` does rather than
    to ``batch_run``'s 1000 steps or Play's forever; ``None`` sets no horizon. Stepping
    past it is allowed (a district or the dashboard step their villages themselves) and
    changes nothing in the dynamics.
    """

    def __init__(self, rng: Any = None, record: bool = True,
                 weeks: int | None = HORIZON_WEEKS, scenario: Scenario | None = None,
                 **params: Any) -> None:
        self.record = check_record(record)
        self.horizon = None if weeks is None else check_weeks(weeks)
        if scenario is not None:
            rng, params = _from_scenario(scenario, rng, params)
        p = resolve(params)
        rng = check_rng(rng)
        if scenario is None:
            scenario = VillageScenario(rng=rng, **{name: p[name] for name in params})
        elif scenario.rng is None and rng is not None:
            scenario.rng = rng  # the scenario records the seed the model was given
        super().__init__(rng=rng, scenario=scenario)
        # Villages differ: the structure is drawn first, so the rest of the stream is the
        # same at any spread (and untouched for a typical village, which draws nothing).
        self.parameters = p
        """The resolved parameters; ``p`` holds the village's own values (drawn ones in
        place of the parameters of ``draws.STRUCTURE`` when it is not typical)."""
        self.structure = draw_structure(p, self.rng)
        self.p = p = {**p, **self.structure}
        self.week = 0
        self.village = s = build_village(p, self.rng)
        self.government = VillageGovernment(p["gentry_power"], p["gentry_power"],
                                            p["gentry_regain"], p["elected_gentry_power"])
        self.branch = Branch(p["vital_interest_share"], p["learn_from_masses"],
                             p["meeting_interval"], p["central_tasks"],
                             p["leading_group_renewal"], p["decision_method"])
        self.branch.group = leading_group.form(self)  # draws nothing
        self.quotas = QuotaBook()
        self.womens_association = False

        # The gentry's shares of power are drawn here, in the stream's order; the grid and
        # the agents on it are built when first looked at (``grid``).
        self._gentry_shares = (self.rng.dirichlet(np.ones(p["n_gentry"])) if p["n_gentry"]
                               else np.zeros(0))
        self._grid: OrthogonalMooreGrid | None = None
        self._person_agents: list[Villager] = []

        self._neighbours_gone = np.zeros(s.n)
        self.left_for = np.zeros(len(dynamics.REASONS))
        """Persons mobilized by reason (``dynamics.REASONS``), fractional (readiness_terms)."""
        self._quotas_arrive()  # the first period's quotas are known from the start
        # Attitudes start at the equilibria of the initial burdens and gentry power, each
        # person scaled by the individual factor drawn in build_village.
        burden_h = dynamics.total_burden(s, self.government, p["levy_shift"])
        s.grievance[:] = np.clip(s.grievance * dynamics.grievance_target(s, burden_h, p),
                                 0.0, 1.0)
        s.fear *= dynamics.fear_target(s, self.government, dynamics.organized_around(s, p), p)
        self._update_attitude_reads()
        self.threat = Threat.none(s)  # the invader's raids (threat.py), if p["threat"]
        self._report: dict[str, float | int] | None = None
        self.datacollector = mesa.DataCollector(
            model_reporters={"week": lambda m: m.week}
            | {k: (lambda m, k=k: m.report[k]) for k in OUTCOMES}
        )
        self.datacollector.collect(self)

    # --- the grid and its agents --------------------------------------------------------
    @property
    def grid(self) -> OrthogonalMooreGrid:
        """The village grid (Mesa's ``OrthogonalMooreGrid``) with an agent on each occupied
        cell: a person present (``Villager``, ``Activist`` or ``PartyMember`` by role) or a
        gentry household.

        Agents are views on the village's arrays (agents.py): nothing in the week reads
        them. So the grid and its agents are built when first looked at, from the arrays
        as they stand, and kept in step from then on (``mobilize``, ``promote``). A village
        run without being looked at (``simulate``, a district's villages) never builds
        them: at 400 villagers that was about a fifth of a run's time. Built in week 0 or
        week 100, the grid and agents are the same as if they had been kept from the start
        (tests/test_model.py); building them draws no random number."""
        if self._grid is None:
            self._place_agents()
        return self._grid

    @property
    def person_agents(self) -> list[Villager]:
        """The agent of each person, by index (``grid``); one who left keeps his agent, off
        the grid."""
        if self._grid is None:
            self._place_agents()
        return self._person_agents

    @property
    def agents(self) -> Any:
        """Mesa's set of all agents (``grid``: built when first looked at)."""
        if self._grid is None:
            self._place_agents()
        return super().agents

    @property
    def agents_by_type(self) -> Any:
        """Mesa's agents by type (``grid``: built when first looked at)."""
        if self._grid is None:
            self._place_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The agent types on the grid (``grid``: built when first looked at)."""
        if self._grid is None:
            self._place_agents()
        return super().agent_types

    def _place_agents(self) -> None:
        """Build the grid and put each person and gentry household on it, as the arrays
        stand now."""
        s = self.village
        with _collection_paused():  # tens of thousands of live objects, no garbage
            grid = OrthogonalMooreGrid((s.side, s.side), capacity=1, torus=False,
                                       random=self.random)
            agents = []
            for i, (role, xy, status) in enumerate(zip(
                    s.role.tolist(), s.cell_of.tolist(), s.status.tolist(), strict=True)):
                agent = ROLE_CLASS[role](self, i)
                if status == PRESENT:
                    agent.cell = grid[tuple(xy)]
                agents.append(agent)
        for xy, share in zip(s.gentry_cells.tolist(), self._gentry_shares.tolist(),
                             strict=True):
            g = Gentry(self, float(share))
            g.cell = grid[tuple(xy)]
        self._grid, self._person_agents = grid, agents

    # --- public reads ----------------------------------------------------------------
    @property
    def report(self) -> dict[str, float | int]:
        """The current week's outcomes, computed when first read in a week."""
        if self._report is None:
            self._report = snapshot(self)
        return self._report

    @property
    def mobilized(self) -> int:
        """Persons who have left for the army or salvation work (without the full
        report)."""
        return int(np.count_nonzero(self.village.status != PRESENT))

    @property
    def recruitment_rate(self) -> float:
        """Mobilized (army + salvation work) over the initial population."""
        return self.report["recruitment_rate"]

    @property
    def population(self) -> int:
        return self.village.n

    @property
    def villagers_present(self) -> int:
        return int(self.village.present.sum())

    def outcomes(self) -> dict[str, float | int]:
        """The current week's outcomes (a copy)."""
        return dict(self.report)

    # --- the week ----------------------------------------------------------------------
    def step(self) -> None:
        """One week (see the module docstring for the order); Mesa's clock (``steps``,
        ``time``) advances with it."""
        self.run_week()

    def run_week(self) -> None:
        """One week of the village, without Mesa's clock: how a district runs its villages,
        which are parts of the district model (whose clock is the one that advances), not
        models scheduled on their own. Mesa's event machinery took about 4% of a district's
        run. ``step`` is this week and Mesa's clock."""
        p, s, gov, branch = self.p, self.village, self.government, self.branch
        self.week += 1
        if self.week > 1 and (self.week - 1) % p["quota_interval"] == 0:
            self._quotas_arrive()  # period k covers weeks k*interval+1 ... (k+1)*interval
        gov.weekly()
        burden_h = dynamics.total_burden(s, gov, p["levy_shift"])
        if p["threat"]:  # raids strike; off, nothing is drawn (threat.py)
            burden_h += self.threat.week(s, p, self.rng)
        dynamics.update_grievance(s, burden_h, p)
        if branch.meets(self.week):
            branch.hold_meeting(self)
        if p["spontaneous_struggles"] or p["gentry_reprisals"]:
            accord.week(self, branch)  # own accord, gentry's answer; off, nothing drawn
        self._contribute()
        organized = dynamics.organized_around(s, p)
        dynamics.update_fear(s, gov, organized, p)
        dynamics.update_consciousness(s, p["neighbour_influence"], self.stance)
        branch.reliance.work(s, p)  # the active work on their neighbours (reliance.py)
        dynamics.update_trust(s, p["bad_element_harm"], p)
        ready = dynamics.readiness(s, gov, self._neighbours_gone, p, self.threat)
        leavers, army = dynamics.mobilization_draws(
            s, ready, p["enlist_hazard"], p["enlist_threshold"], p["enlist_slope"],
            self.womens_association, self.rng, p["women_without_association"],
            p["army_share_men"], dynamics.labour_choice(s, gov, p, self.threat),
        )
        self.mobilize(leavers, army, dynamics.readiness_terms(
            s, gov, self._neighbours_gone, p, leavers, self.threat))
        branch.expose_bad_elements(self, s.active_member_share())
        leading_group.degenerate(self)  # off (the first edition), nothing changes
        branch.active_membership_decay(self)
        s.assessed *= p["assessed_decay"]
        self._update_attitude_reads()
        self._report = None
        if self.record:
            self.datacollector.collect(self)
        if self.horizon is not None and self.week >= self.horizon:
            self.running = False

    def _update_attitude_reads(self) -> None:
        s = self.village
        s.clip_attitudes()
        self.stance = dynamics.stance(s, self.p)

    def _quotas_arrive(self) -> None:
        """The district assigns this period's quotas (in persons and household-incomes)."""
        p, s = self.p, self.village
        self.quotas.demand("recruits", p["recruit_quota"] * s.n)
        households = float(s.households_present().sum())
        for kind in GOODS:
            self.quotas.demand(kind, p[QUOTA_PARAMETER[kind]] * households)

    def _contribute(self) -> None:
        """Villagers give to open quotas of their own accord, more the more they trust the
        Party and the more of them are organized: "it will make the task that much easier.
        It will be like rowing with the current." """
        s, p = self.village, self.p
        will = ((p["contribute_consciousness"] * s.consciousness + p["contribute_trust"] * s.trust)
                * (1.0 - p["contribute_fear"] * s.fear))
        adults = s.adults()  # n_adults and active_member_share, from one mask
        n_adults = max(int(np.count_nonzero(adults)), 1)
        willing = float(np.dot(will, adults)) / n_adults
        active_share = s.active_member_share(adults)
        rate = min(p["contribute_rate"] * willing + p["contribute_organized"] * active_share, 1.0)
        if not p["separate_quotas"]:
            for kind in GOODS:
                self.quotas.deliver(kind, rate * self.quotas.outstanding(kind))
            return
        # Each good from its own source: harvest, cash, women's work (DESIGN section 4).
        share = capacity(self)
        for kind in GOODS:
            self.quotas.deliver(kind, min(rate * share[kind], 1.0)
                                * self.quotas.outstanding(kind))

    # --- events ------------------------------------------------------------------------
    def mobilize(self, people: np.ndarray, army: np.ndarray, reasons: np.ndarray | None = None
                 ) -> None:
        """People leave the village for the army (``army`` True) or salvation work; their
        cells are left empty and army recruits count against the recruit quota.
        ``reasons`` (one row per person over ``dynamics.REASONS``, each summing to 1) says
        why they went; ``None`` means pressed by quota assignment."""
        if len(people) == 0:
            return
        s = self.village
        if reasons is None:
            self.left_for[dynamics.R_PRESSED] += len(people)
        else:
            self.left_for += reasons.sum(axis=0)
        s.leave(people, np.where(army, ARMY, SALVATION))
        s.week_left[people] = self.week
        if self._grid is not None:
            for i in people:
                self._person_agents[int(i)].cell = None
        self.quotas.deliver("recruits", float(np.count_nonzero(army)))
        gone = s.status != PRESENT
        self._neighbours_gone = s.neighbour_mean(gone)

    def promote(self, i: int, role: int) -> None:
        """Give person ``i`` a new role; once the grid is built (``grid``), the agent on his
        cell is replaced by one of the role's class (villager -> activist -> Party
        member)."""
        self.village.role[i] = role
        if self._grid is None:
            return
        old = self._person_agents[i]
        cell = old.cell
        old.cell = None
        old.remove()
        new = ROLE_CLASS[role](self, i)
        if cell is not None:
            new.cell = cell
        self._person_agents[i] = new

    def admit_to_party(self, i: int, bad_element: bool) -> None:
        s, p = self.village, self.p
        s.bad_element[i] = bad_element
        s.commitment[i] = (self.rng.uniform(0.0, p["commitment_bad_max"]) if bad_element
                           else self.rng.uniform(p["commitment_good_min"], 1.0))
        self.promote(i, PARTY)

    def expel(self, i: int) -> None:
        """An exposed bad element is expelled; the households he harmed regain some trust."""
        s = self.village
        s.bad_element[i] = False
        s.trust[s.tied_to(np.array([i]))] += self.p["expel_trust_regain"]
        self.promote(i, VILLAGER)
