"""Outcomes of a village (design section 4): reported every week and at the end of a run.

Every outcome is a plain Python ``float`` or ``int``. Shares are in [0, 1]. No outcome shares
a name with a parameter (``mesa.batch_run`` puts both in one row): the state a parameter sets
at the start is reported as ``<parameter>_end``, its value at the week reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from . import leading_group
from .draws import OUTCOME_PREFIX
from .dynamics import REASONS, household_labour, household_spare, stance_shares
from .mass_line import quality_halves
from .population import ACTIVE, ACTIVIST, ARMY, NOMINAL, PARTY, PRESENT, SALVATION
from .protocols import VillageLike

if TYPE_CHECKING:
    from .branch import Branch
    from .population import VillageState
    from .threat import Threat

OUTCOMES: dict[str, str] = {
    "recruitment_rate": "mobilized (army + salvation work) / initial population",
    "army_rate": "enlisted in the army / initial population",
    "salvation_rate": "left for national-salvation work / initial population",
    "mobilized": "persons mobilized (army + salvation work)",
    "present": "persons still in the village",
    "share_active": "share of villagers present whose stance is active",
    "share_intermediate": "share of villagers present whose stance is intermediate",
    "share_backward": "share of villagers present whose stance is backward",
    "nominal_membership_end": "share of working-age villagers present on a list only",
    "active_membership": "share of working-age villagers present who are active members",
    "mean_grievance": "mean grievance of villagers present",
    "mean_trust": "mean trust in the Party of villagers present",
    "mean_consciousness": "mean political consciousness of villagers present",
    "mean_fear": "mean fear of the gentry of villagers present",
    "government_elected": "1 if the village government is held by elected representatives",
    "gentry_power_end": "collective power of the gentry",
    "quota_recruits": "army recruits delivered / demanded",
    "quota_grain": "public grain delivered / demanded",
    "quota_bonds": "national-salvation bonds delivered / demanded",
    "quota_shoes": "army shoes delivered / demanded",
    "party_size": "Party members in the village",
    "bad_element_share_end": "share of Party members in the village who are bad elements",
    "activists": "activists in the village",
    "women_organized": "share of working-age women present who are active members",
    "measures_won": "welfare measures won",
    "campaigns": "struggles mounted for welfare measures",
    "struggles_own_accord": "struggles the villagers started of their own accord (0 unless "
                            "spontaneous_struggles is on)",
    "measures_lost": "struggles lost",
    "measures_clawed_back": "won decrees the gentry won back (0 unless gentry_reprisals is on)",
    "gentry_reprisals_count": "retaliations of the gentry against the leaders of a struggle "
                              "(0 unless gentry_reprisals is on)",
    "crowded_out": "branch meetings whose item was crowded out by other central tasks",
    "share_meetings_lost": "share of the branch's meetings held whose item was crowded out "
                           "by other tasks from above (0 with one central task)",
    "share_periods_in_order": "share of the quota periods with several tasks standing in "
                              "which a branch that orders its tasks had them in order (0 "
                              "with one task or tasks taken as they come)",
    "leading_group_quality": "mean over the leading group's members of their mean on "
                             "Dimitrov's four criteria (every Party member present when "
                             "leading_group_size is 0)",
    "leading_group_members": "members of the leading group present (the branch head "
                             "included)",
    "leading_group_devotion": "the leading group's mean devotion (commitment), in [0, 1]",
    "leading_group_contact": "the leading group's mean contact with the masses (own link "
                             "times the trust of his own and adjacent households)",
    "leading_group_replaced": "members of the leading group replaced by better ones so far "
                              "(vacancies filled not counted)",
    "decision_quality_early": "mean over the first half of the branch's choices so far of the "
                              "true value (reported weight x chance of winning now) of the "
                              "measure it took up over the best open measure's (0 before its "
                              "first choice)",
    "decision_quality_late": "the same over the second half of its choices (0 before its "
                             "second choice)",
    "decisions_weighed": "vital-interest meetings at which the branch chose among two or more "
                         "open measures (the choices decision quality is the mean over)",
    "drawn_gentry_power": "the village's initial gentry power: gentry_power, or its draw "
                          "when typical_village is False",
    "drawn_share_hired": "the village's share of hired labourers' households: share_hired, "
                         "or its draw",
    "drawn_share_poor": "the village's share of poor and tenant households: share_poor, or "
                        "its draw",
    "drawn_party_share": "the branch's initial Party share: party_share, or its draw",
    "drawn_bad_element_share": "the initial members' share of bad elements: "
                               "bad_element_share, or its draw",
    "drawn_threat_exposure": "the village's exposure to the invader's raids: "
                             "threat_exposure, or its draw",
    "raids": "raids by the invader so far (0 unless threat is on)",
    "reprisals": "raids so far that carried reprisals on villagers",
    "mean_invader_grievance": "mean grievance against the invader of villagers present",
    "mean_fear_invader": "mean fear of the invader of villagers present",
    "raid_losses": "mean burden raids have left on households present, as a share of income",
    "labour_left": "mean share of the labour its land needs that a household present still "
                   "has, care included (0 unless household_labour is on)",
    "households_spent": "share of households present with no labour to spare: none may "
                        "leave (0 unless household_labour is on)",
    "share_worked_on": "share of villagers present of intermediate or backward stance whom "
                       "an active person is assigned to work on (0 unless reliance is on "
                       "and the branch has held a vital-interest meeting)",
    "persons_reached": "persons ever assigned to an active person to work on",
    "share_reached_active": "share of the persons reached, still present, whose stance is now "
                      "active",
} | {
    f"mobilized_{reason}_rate": (
        "mobilized because pressed by quota assignment / initial population"
        if reason == "pressed" else
        f"mobilized of their own will, counted by the share of '{reason}' in their readiness "
        "when they left (dynamics.readiness_terms) / initial population")
    for reason in REASONS
}
"""The ``mobilized_*_rate`` outcomes sum to ``recruitment_rate``: each person who left is
counted once, pressed, or spread over the positive terms of his readiness."""


THREAT_OUTCOMES = ("raids", "reprisals", "mean_invader_grievance", "mean_fear_invader",
                   "raid_losses")
UNBOUNDED = frozenset({"raid_losses"})
"""Non-negative amounts that are not counts: raids can leave more than a year's income."""
COUNTS = frozenset({"mobilized", "present", "party_size", "activists", "measures_won",
                    "persons_reached",
                    "decisions_weighed",
                    "campaigns", "crowded_out", "raids", "reprisals", "struggles_own_accord",
                    "measures_lost", "measures_clawed_back", "gentry_reprisals_count",
                    "leading_group_members", "leading_group_replaced"})
BOUNDS: dict[str, tuple[float, float | None]] = {
    name: (0.0, None) if name in COUNTS | UNBOUNDED else (0.0, 1.0) for name in OUTCOMES
}
"""The range each outcome can take: counts and raid losses are non-negative, everything
else is in [0, 1]. Confidence intervals are truncated to it."""


_PERCENT = {"government_elected", "women_organized", "nominal_membership_end",
            "bad_element_share_end", "drawn_share_hired", "drawn_share_poor",
            "drawn_party_share", "drawn_bad_element_share"}


def is_share(outcome: str) -> bool:
    """Outcomes shown as percentages: rates, shares and quota fulfilment (all in [0, 1])."""
    return (outcome.endswith(("_rate", "_membership"))
            or outcome.startswith(("share_", "quota_")) or outcome in _PERCENT)


class ReportedVillage(VillageLike, Protocol):
    """A village with its branch and drawn structure, whose record the outcomes read."""

    branch: Branch
    structure: dict[str, float]
    threat: Threat
    left_for: np.ndarray


def count(mask: np.ndarray) -> int:
    """How many are True (``np.count_nonzero``: a third of a boolean ``sum``'s cost)."""
    return int(np.count_nonzero(mask))


def snapshot(model: ReportedVillage) -> dict[str, float | int]:
    """All outcomes of the model's current week."""
    s = model.village
    n0 = s.n
    present = s.status == PRESENT
    n_present = count(present)
    adults = present & s.working_age  # s.adults()
    n_adults = max(count(adults), 1)  # s.n_adults()
    women = adults & s.female
    army = count(s.status == ARMY)
    salvation = count(s.status == SALVATION)
    active, intermediate, backward = stance_shares(model.stance, present)
    party = present & (s.role == PARTY)
    n_party = count(party)
    denom = max(n_present, 1)
    book = model.quotas
    tasks = model.branch.tasks
    return {
        "recruitment_rate": (army + salvation) / n0,
        "army_rate": army / n0,
        "salvation_rate": salvation / n0,
        "mobilized": army + salvation,
        "present": n_present,
        "share_active": float(active),
        "share_intermediate": float(intermediate),
        "share_backward": float(backward),
        "nominal_membership_end": count(adults & (s.membership == NOMINAL)) / n_adults,
        "active_membership": count(adults & (s.membership == ACTIVE)) / n_adults,
        "mean_grievance": float(np.dot(s.grievance, present)) / denom,
        "mean_trust": float(np.dot(s.trust, present)) / denom,
        "mean_consciousness": float(np.dot(s.consciousness, present)) / denom,
        "mean_fear": float(np.dot(s.fear, present)) / denom,
        "government_elected": int(model.government.elected),
        "gentry_power_end": float(model.government.gentry_power),
        "quota_recruits": book.fulfilment("recruits"),
        "quota_grain": book.fulfilment("grain"),
        "quota_bonds": book.fulfilment("bonds"),
        "quota_shoes": book.fulfilment("shoes"),
        "party_size": n_party,
        "bad_element_share_end": count(party & s.bad_element) / max(n_party, 1),
        "activists": count(present & (s.role == ACTIVIST)),
        "women_organized": count(women & (s.membership == ACTIVE)) / max(count(women), 1),
        "measures_won": len(model.branch.won),
        "campaigns": len(model.branch.campaigns),
        "struggles_own_accord": sum(c.own_accord for c in model.branch.campaigns),
        "measures_lost": sum(not c.won for c in model.branch.campaigns),
        "measures_clawed_back": model.branch.clawed_back,
        "gentry_reprisals_count": model.branch.reprisals,
        "crowded_out": model.branch.crowded_out,
        "share_meetings_lost": model.branch.crowded_out / max(model.branch.meetings, 1),
        "share_periods_in_order": tasks.periods_in_order / max(tasks.periods, 1),
        "leading_group_quality": model.branch.leading_group_quality(model),
    } | _group_outcomes(model) | _decision_outcomes(model.branch) | {
        OUTCOME_PREFIX + name: float(value) for name, value in model.structure.items()
         } | {f"mobilized_{reason}_rate": float(x) / n0
              for reason, x in zip(REASONS, model.left_for, strict=True)
         } | _threat_outcomes(model.threat, s, present, denom) | _labour_outcomes(model
         ) | model.branch.reliance.outcomes(s, model.stance)


def _group_outcomes(model: ReportedVillage) -> dict[str, float | int]:
    """The leading group's size, two of its criteria and its renewal (docs/ODD.md 7.15)."""
    crit = leading_group.criteria(model)
    group = model.branch.group
    return {"leading_group_members": len(leading_group.members(model)),
            "leading_group_devotion": crit.devotion,
            "leading_group_contact": crit.contact,
            "leading_group_replaced": 0 if group is None else group.replaced}


def _decision_outcomes(branch: Branch) -> dict[str, float | int]:
    """How good the branch's choices of vital-interest items were (docs/ODD.md 7.16)."""
    early, late = quality_halves(branch.decision_quality)
    return {"decision_quality_early": early, "decision_quality_late": late,
            "decisions_weighed": len(branch.decision_quality)}


def _threat_outcomes(threat: Threat, s: VillageState, present: np.ndarray, denom: int
                     ) -> dict[str, float | int]:
    """The invader's raids so far and what they left (docs/ODD.md 7.17). Before the first
    raid every array is zero, so nothing is computed (the default, ``threat`` off)."""
    if threat.raids == 0:
        return dict.fromkeys(THREAT_OUTCOMES, 0) | {"mean_invader_grievance": 0.0,
                                                   "mean_fear_invader": 0.0,
                                                   "raid_losses": 0.0}
    households = s.households_present()
    return {
        "raids": threat.raids,
        "reprisals": threat.reprisals,
        "mean_invader_grievance": float(np.dot(threat.invader_grievance, present)) / denom,
        "mean_fear_invader": float(np.dot(threat.fear_invader, present)) / denom,
        "raid_losses": float(np.dot(threat.raid_loss, households))
        / max(count(households), 1),
    }


def _labour_outcomes(model: ReportedVillage) -> dict[str, float | int]:
    """Households' labour against their land (docs/ODD.md 7.11): 0 while
    ``household_labour`` is off, when households have no land and nothing is computed."""
    p, s, gov = model.p, model.village, model.government
    if not p["household_labour"]:
        return {"labour_left": 0.0, "households_spent": 0.0}
    households = s.households_present()
    n = max(count(households), 1)
    labour = household_labour(s, gov, p)
    need = p["labour_need"] * s.land
    share = np.minimum(np.divide(labour, need, out=np.ones_like(labour), where=need > 0), 1.0)
    spent = household_spare(s, gov, p) <= 0.0
    return {"labour_left": float(np.dot(share, households)) / n,
            "households_spent": count(spent & households) / n}
