"""Weekly continuous updates, vectorized over all villagers (design section 6).

Nothing here loops over agents: grievance, fear, consciousness and trust move together as
NumPy arrays, and the weekly decision to enlist is one vector of Bernoulli draws.
"""

from __future__ import annotations

import numpy as np

from .government import VillageGovernment
from .population import (
    ACTIVE,
    ACTIVE_STANCE,
    BACKWARD,
    INTERMEDIATE,
    LEVY,
    MIDDLE,
    PRESENT,
    VILLAGER,
    VillageState,
    clip01,
)

GRIEVANCE_RATE = 0.1
FEAR_RATE = 0.05
TRUST_MEMORY = 0.005
TRUST_BASELINE = 0.4


def total_burden(state: VillageState, gov: VillageGovernment, levy_shift: float) -> np.ndarray:
    """Each household's burden this week: rent, interest, (shifted) levies, prices and recent
    quota assessments, as a share of its income."""
    b = state.burden
    levy = b[:, LEVY] * gov.levy_multiplier(state, levy_shift)
    return b.sum(axis=1) - b[:, LEVY] + levy + state.assessed


def grievance_target(state: VillageState, burden_h: np.ndarray) -> np.ndarray:
    """The grievance a household's burden produces: none below a quarter of income, full
    at three quarters."""
    return clip01((burden_h[state.household] - 0.25) / 0.5)


def update_grievance(state: VillageState, burden_h: np.ndarray) -> None:
    """Grievance follows the household's burden: it is what people report when asked."""
    state.grievance += GRIEVANCE_RATE * (grievance_target(state, burden_h) - state.grievance)


def organized_around(state: VillageState) -> np.ndarray:
    """Share of a person's neighbours (and self) who are organized: active members,
    activists or Party members present in the village."""
    organized = state.present & ((state.membership == ACTIVE) | (state.role != VILLAGER))
    return 0.5 * state.neighbour_mean(organized) + 0.5 * organized


def fear_target(state: VillageState, gov: VillageGovernment, organized: np.ndarray
                ) -> np.ndarray:
    """The fear gentry power instils: more in poor households, less among the organized."""
    exposed = 0.5 + 0.4 * (state.hh_class[state.household] != MIDDLE)
    return clip01(gov.effective_power() * exposed * (1.0 - 0.8 * organized))


def update_fear(state: VillageState, gov: VillageGovernment, organized: np.ndarray) -> None:
    """Gentry intimidate; organized neighbours protect. Chen Yun: "Wherever the people are
    active, the Chinese collaborators have to pull in their horns"."""
    state.fear += FEAR_RATE * (fear_target(state, gov, organized) - state.fear)


def update_consciousness(state: VillageState, influence: float, st: np.ndarray) -> None:
    """Active neighbours, activists and Party members raise the consciousness of those
    around them (talk is slow; struggle, in ``branch.py``, is fast)."""
    leaders = state.present & ((state.role != VILLAGER) | (st == ACTIVE_STANCE))
    pull = state.neighbour_mean(leaders)
    state.consciousness += influence * pull * (1.0 - state.consciousness)


def update_trust(state: VillageState, harm: float) -> None:
    """Trust drifts slowly back toward a baseline (memory fades), and bad elements in the
    Party wear it down in the households tied to them. Chen Yun: "untrustworthy persons and
    alien class elements have made their way into certain leading organs"."""
    state.trust += TRUST_MEMORY * (TRUST_BASELINE - state.trust)
    bad = state.bad_elements_present()
    if len(bad) and harm > 0:
        state.trust[state.tied_to(bad)] -= harm
        clip01(state.trust, out=state.trust)


def readiness(
    state: VillageState,
    gov: VillageGovernment,
    neighbours_gone: np.ndarray,
) -> np.ndarray:
    """How ready each villager is to go: consciousness, trust in the Party, active
    membership and the example of neighbours who went, less fear, plus how soldiers'
    families are treated (design mechanism 10)."""
    r = (
        0.45 * state.consciousness
        + 0.35 * state.trust
        + 0.10 * (state.membership == ACTIVE)
        + 0.25 * neighbours_gone
        - 0.30 * state.fear
    )
    if gov.soldier_family_care:
        r += 0.05
    elif gov.soldier_families_burdened(state):
        r -= 0.05
    return r


def stance(state: VillageState) -> np.ndarray:
    """Active / intermediate / backward (Mao 1943), as bands of consciousness net of fear,
    combined with trust in the leadership."""
    level = 0.6 * state.consciousness + 0.4 * state.trust - 0.3 * state.fear
    return np.where(level >= 0.4, ACTIVE_STANCE, np.where(level < 0.15, BACKWARD, INTERMEDIATE))


def mobilization_draws(
    state: VillageState,
    ready: np.ndarray,
    hazard: float,
    threshold: float,
    slope: float,
    womens_association: bool,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Who leaves this week, and whether for the army (True) or salvation work (False).

    Chen Yun: the good branch "has mobilized 51 persons ... either to join the Eighth Route
    Army or to leave the village for national salvation work". Military-age men mostly
    enlist; women leave for salvation work, far more readily once they are organized.
    """
    eligible = (state.status == PRESENT) & state.working_age
    p = hazard / (1.0 + np.exp(-slope * (ready - threshold)))
    if not womens_association:
        p[state.female] *= 0.3
    go = np.flatnonzero(eligible & (rng.random(state.n) < p))
    army = ~state.female[go] & (rng.random(len(go)) < 0.75)
    return go, army


def stance_shares(st: np.ndarray, present: np.ndarray) -> tuple[float, float, float]:
    """Shares of active, intermediate and backward among those present."""
    n = max(int(present.sum()), 1)
    counts = np.bincount(st[present], minlength=3)
    return counts[ACTIVE_STANCE] / n, counts[INTERMEDIATE] / n, counts[BACKWARD] / n
