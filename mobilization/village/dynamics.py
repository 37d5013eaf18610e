"""Weekly continuous updates, vectorized over all villagers (design section 6).

Nothing here loops over agents: grievance, fear, consciousness and trust move together as
NumPy arrays, and the weekly decision to enlist is one vector of Bernoulli draws. Every
weight and rate is a parameter (``p``, the resolved parameter dict; ``behaviour.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .government import VillageGovernment
from .population import (
    ACTIVE,
    ACTIVE_STANCE,
    BACKWARD,
    INTERMEDIATE,
    LEVY,
    MIDDLE,
    N_STANCES,
    VILLAGER,
    VillageState,
    clip01,
)

if TYPE_CHECKING:
    from .threat import Threat


def total_burden(state: VillageState, gov: VillageGovernment, levy_shift: float) -> np.ndarray:
    """Each household's burden this week: rent, interest, (shifted) levies, prices and recent
    quota assessments, as a share of its income. All but the assessments is kept until
    someone leaves or the burdens (a measure won, a decree clawed back) or the levy
    multiplier's inputs change: it is keyed on the burdens' bytes."""
    b = state.burden

    def fixed() -> np.ndarray:
        levy = b[:, LEVY] * gov.levy_multiplier(state, levy_shift)
        return b.sum(axis=1) - b[:, LEVY] + levy

    key = (b.tobytes(), gov.gentry_rule, gov.soldier_family_care, levy_shift)
    return state.kept_while("_fixed_burden", key, fixed) + state.assessed


def grievance_target(state: VillageState, burden_h: np.ndarray, p: dict[str, Any]
                     ) -> np.ndarray:
    """The grievance a household's burden produces: none below ``grievance_burden_floor``
    of income (a quarter), full ``grievance_burden_span`` above it (three quarters)."""
    target = burden_h[state.household]  # a new array: worked in place
    target -= p["grievance_burden_floor"]
    target /= p["grievance_burden_span"]
    return clip01(target, out=target)


def update_grievance(state: VillageState, burden_h: np.ndarray, p: dict[str, Any]) -> None:
    """Grievance follows the household's burden: it is what people report when asked."""
    state.grievance += p["grievance_rate"] * (grievance_target(state, burden_h, p)
                                              - state.grievance)


def organized_around(state: VillageState, p: dict[str, Any]) -> np.ndarray:
    """Share of a person's neighbours (and self) who are organized: active members,
    activists or Party members present in the village."""
    organized = state.organized()
    around = p["organized_neighbours"] * state.neighbour_mean(organized)
    around += p["organized_self"] * organized
    return around


def fear_target(state: VillageState, gov: VillageGovernment, organized: np.ndarray,
                p: dict[str, Any]) -> np.ndarray:
    """The fear gentry power instils: more in poor households, less among the organized."""
    exposed = state.kept_while(  # classes never change: kept while the parameters stay
        "_fear_exposed", (p["fear_exposure_middle"], p["fear_exposure_poor"]),
        lambda: p["fear_exposure_middle"] + p["fear_exposure_poor"] * (
            state.hh_class[state.household] != MIDDLE))
    target = gov.effective_power() * exposed
    target *= 1.0 - p["fear_organized_protection"] * organized
    return clip01(target, out=target)


def update_fear(state: VillageState, gov: VillageGovernment, organized: np.ndarray,
                p: dict[str, Any]) -> None:
    """Gentry intimidate; organized neighbours protect. Chen Yun: "Wherever the people are
    active, the Chinese collaborators have to pull in their horns"."""
    state.fear += p["fear_rate"] * (fear_target(state, gov, organized, p) - state.fear)


def update_consciousness(state: VillageState, influence: float, st: np.ndarray) -> None:
    """Active neighbours, activists and Party members raise the consciousness of those
    around them (talk is slow; struggle, in ``branch.py``, is fast)."""
    leaders = state.present & ((state.role != VILLAGER) | (st == ACTIVE_STANCE))
    pull = state.neighbour_mean(leaders)
    state.consciousness += influence * pull * (1.0 - state.consciousness)


def update_trust(state: VillageState, harm: float, p: dict[str, Any]) -> None:
    """Trust drifts slowly back toward a baseline (memory fades), and bad elements in the
    Party wear it down in the households tied to them. Chen Yun: "untrustworthy persons and
    alien class elements have made their way into certain leading organs"."""
    state.trust += p["trust_memory"] * (p["trust_baseline"] - state.trust)
    bad = state.bad_elements_present()
    if len(bad) and harm > 0:
        state.trust[state.tied_to(bad)] -= harm
        clip01(state.trust, out=state.trust)


def readiness(
    state: VillageState,
    gov: VillageGovernment,
    neighbours_gone: np.ndarray,
    p: dict[str, Any],
    threat: Threat | None = None,
) -> np.ndarray:
    """How ready each villager is to go: consciousness, trust in the Party, active
    membership and the example of neighbours who went, less fear, plus how soldiers'
    families are treated (design mechanism 10), plus grievance against the invader less
    fear of him when ``threat`` is on (``threat.py``; nothing is added when it is off)."""
    r = p["readiness_consciousness"] * state.consciousness
    r += p["readiness_trust"] * state.trust
    r += p["readiness_active_member"] * (state.membership == ACTIVE)
    r += p["readiness_neighbours_gone"] * neighbours_gone
    r -= p["readiness_fear"] * state.fear
    if gov.soldier_family_care:
        r += p["readiness_soldier_care"]
    elif gov.soldier_families_burdened(state):
        r -= p["readiness_soldier_burden"]
    if threat is not None and p["threat"]:
        r += threat.readiness(p)
    return r


REASONS = ("pressed", "consciousness", "trust", "membership", "example", "invader",
           "family_care")
"""Why people left: pressed by quota assignment, or the positive terms of their readiness
(``readiness_terms``). Reported as ``mobilized_<reason>`` (outcomes.py)."""
R_PRESSED, R_CONSCIOUSNESS, R_TRUST, R_MEMBERSHIP, R_EXAMPLE, R_INVADER, R_CARE = range(
    len(REASONS))


def readiness_terms(state: VillageState, gov: VillageGovernment, neighbours_gone: np.ndarray,
                    p: dict[str, Any], people: np.ndarray, threat: Threat | None = None
                    ) -> np.ndarray:
    """(len(people), len(REASONS)) why each of ``people`` left of his own will: the
    positive terms of his readiness (``readiness``), each as a share of their sum, so each
    leaver counts once, spread over his reasons. The pressed column is 0; a leaver with no
    positive term (possible only at hazard's floor) counts under consciousness."""
    terms = np.zeros((len(people), len(REASONS)))
    if len(people) == 0:
        return terms
    terms[:, R_CONSCIOUSNESS] = p["readiness_consciousness"] * state.consciousness[people]
    terms[:, R_TRUST] = p["readiness_trust"] * state.trust[people]
    terms[:, R_MEMBERSHIP] = p["readiness_active_member"] * (state.membership[people] == ACTIVE)
    terms[:, R_EXAMPLE] = p["readiness_neighbours_gone"] * neighbours_gone[people]
    if threat is not None and p["threat"]:
        terms[:, R_INVADER] = p["readiness_invader"] * threat.invader_grievance[people]
    if gov.soldier_family_care:
        terms[:, R_CARE] = p["readiness_soldier_care"]
    np.maximum(terms, 0.0, out=terms)
    total = terms.sum(axis=1)
    terms[total <= 0, R_CONSCIOUSNESS] = total[total <= 0] = 1.0
    return terms / total[:, None]


def household_labour(state: VillageState, gov: VillageGovernment, p: dict[str, Any]
                     ) -> np.ndarray:
    """(H,) each household's labour: its working-age members present, plus ``care_labour``
    for a soldier's family once soldiers' families get preferential treatment (the village
    tills their fields)."""
    labour = state.labour()
    if gov.soldier_family_care:
        labour = labour + p["care_labour"] * state.soldier_family()  # labour() is kept
    return labour


def household_spare(state: VillageState, gov: VillageGovernment, p: dict[str, Any]
                    ) -> np.ndarray:
    """(H,) how readily each household lets one more member go, in [0, 1]: the labour it
    would have left (plus ``care_labour`` for a soldier's family once soldiers' families get
    preferential treatment, the village tilling their fields) less what its land needs,
    over ``labour_slack``. 0 when the hands left would not cover the land (DESIGN principle
    2: "a household must keep hands to till its land"; CY: "It has done a good job of
    giving preferential treatment to the families of soldiers")."""
    left = household_labour(state, gov, p) - 1.0
    return clip01((left - p["labour_need"] * state.land) / p["labour_slack"])


@dataclass
class LabourChoice:
    """What households' labour does to this week's draws (``household_labour`` on)."""

    spare: np.ndarray
    """(n,) factor on each person's chance of leaving: the household's spare labour."""
    army_of: Callable[[Any], np.ndarray]
    """Chance that each of the given men (an index) who leave joins the army rather than
    salvation work, from attitudes as they stand when asked: worked out at the draw for
    those who go only."""

    @property
    def army(self) -> np.ndarray:
        """(n,) chance that a man who leaves joins the army rather than salvation work."""
        return self.army_of(slice(None))


def labour_choice(state: VillageState, gov: VillageGovernment, p: dict[str, Any],
                  threat: Threat | None = None) -> LabourChoice | None:
    """The household rule of docs/ODD.md 7.11, or ``None`` when ``household_labour`` is off
    (then nothing is computed and the draws are the first edition's).

    A man who leaves joins the army with chance ``army_base + army_consciousness x
    consciousness + army_invader x grievance against the invader - army_labour x (1 -
    spare)``, limited to [0, 1]: conviction sends him to the front, his household's need of
    his hands keeps him in salvation work nearby."""
    if not p["household_labour"]:
        return None
    spare = state.kept_while(  # the same until someone leaves or the care changes
        "_person_spare",
        (gov.soldier_family_care, p["care_labour"], p["labour_need"], p["labour_slack"]),
        lambda: household_spare(state, gov, p)[state.household])
    invader = threat is not None and p["threat"]

    def army_of(people: Any) -> np.ndarray:
        army = p["army_base"] + p["army_consciousness"] * state.consciousness[people]
        if invader:
            army += p["army_invader"] * threat.invader_grievance[people]
        army -= p["army_labour"] * (1.0 - spare[people])
        return clip01(army, out=army)
    return LabourChoice(spare, army_of)


def stance(state: VillageState, p: dict[str, Any]) -> np.ndarray:
    """Active / intermediate / backward (Mao 1943), as bands of consciousness net of fear,
    combined with trust in the leadership."""
    level = p["stance_consciousness"] * state.consciousness
    level += p["stance_trust"] * state.trust
    level -= p["stance_fear"] * state.fear
    # How many of the cutoffs a level reaches is its stance (BACKWARD, INTERMEDIATE,
    # ACTIVE_STANCE = 0, 1, 2); a backward cutoff above the active one counts as the
    # active one, as the active test comes first.
    active = p["stance_active_cutoff"]
    cutoffs = np.array((min(p["stance_backward_cutoff"], active), active))
    return cutoffs.searchsorted(level, side="right")


def mobilization_draws(
    state: VillageState,
    ready: np.ndarray,
    hazard: float,
    threshold: float,
    slope: float,
    womens_association: bool,
    rng: np.random.Generator,
    women_without_association: float,
    army_share_men: float,
    labour: LabourChoice | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Who leaves this week, and whether for the army (True) or salvation work (False).

    Chen Yun: the good branch "has mobilized 51 persons ... either to join the Eighth Route
    Army or to leave the village for national salvation work". Military-age men mostly
    enlist (``army_share_men``); women leave for salvation work, far more readily once they
    are organized (``women_without_association`` until then).

    With ``labour`` (``labour_choice``, ``household_labour`` on) each chance is multiplied by
    the household's spare labour, a household lets at most one member go in a week (it
    decides again with the hands it has left), and men choose the army by ``labour.army``.
    """
    eligible = state.adults()
    p = ready - threshold  # hazard / (1 + exp(-slope (ready - threshold))), in place
    np.multiply(-slope, p, out=p)
    np.exp(p, out=p)
    np.add(1.0, p, out=p)
    np.divide(hazard, p, out=p)
    if not womens_association:  # x 1.0 for men leaves their chances as they are
        p *= state.kept_while("_women_factor", (women_without_association,), lambda: np.where(
            state.female, women_without_association, 1.0))
    if labour is not None:
        p *= labour.spare
    go = (eligible & (rng.random(state.n) < p)).nonzero()[0]
    if labour is not None:
        if not len(go):  # most weeks: no army chance to work out (random(0) draws nothing)
            return go, np.zeros(0, dtype=bool)
        if len(go) > 1:
            go = go[np.unique(state.household[go], return_index=True)[1]]  # one per household
        return go, ~state.female[go] & (rng.random(len(go)) < labour.army_of(go))
    army = ~state.female[go] & (rng.random(len(go)) < army_share_men)
    return go, army


def stance_shares(st: np.ndarray, present: np.ndarray) -> tuple[float, float, float]:
    """Shares of active, intermediate and backward among those present."""
    n = max(int(np.count_nonzero(present)), 1)
    counts = np.bincount(st[present], minlength=N_STANCES)
    return counts[ACTIVE_STANCE] / n, counts[INTERMEDIATE] / n, counts[BACKWARD] / n
