"""Quotas from above: recruits, grain, bonds and shoes (design mechanism 6).

Chen Yun (1939): most branches "limit themselves to enlisting a few recruits for the Party
and the army and collecting a given amount of grain and army shoes as instructed by the
district Party committees. And they do this merely by assigning quotas, instead of by
starting a vigorous mass movement." And: "Only by solving the people's problems can they
win their support and trigger an enthusiastic mass movement to fulfil the quotas."

Goods are measured in household-incomes (each household's weekly-averaged income is 1).
A quota is filled two ways: villagers contribute of their own accord every week, at a rate
set by their trust, consciousness and organization ("rowing with the current"); and a
branch meeting on quotas assigns what is still missing to households by order, which is
paid only in part and costs trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .population import class_land, clip01

GOODS = ("grain", "bonds", "shoes")
KINDS = ("recruits", *GOODS)


@dataclass
class QuotaBook:
    """What the district has demanded, what the village has delivered, and what is due."""

    assigned: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    delivered: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))

    def demand(self, kind: str, amount: float) -> None:
        self.assigned[kind] += amount

    def outstanding(self, kind: str) -> float:
        return max(self.assigned[kind] - self.delivered[kind], 0.0)

    def deliver(self, kind: str, amount: float) -> float:
        """Record a delivery, capped at what is due; returns what was taken."""
        taken = min(amount, self.outstanding(kind))
        self.delivered[kind] += taken
        return taken

    def fulfilment(self, kind: str) -> float:
        """Delivered over assigned, in [0, 1]; 1 when nothing was ever demanded."""
        a = self.assigned[kind]
        return 1.0 if a <= 0 else min(self.delivered[kind] / a, 1.0)


def spread(amount: float, weights: np.ndarray) -> np.ndarray:
    """Split ``amount`` over households in proportion to ``weights``."""
    total = weights.sum()
    return np.zeros_like(weights) if total <= 0 else amount * weights / total


# --- separate sources (``separate_quotas``; DESIGN section 4) ----------------------------------
# "Grain, bonds and shoes are separate quotas with separate sources (harvest, cash, women's
# work)." Only read when the switch is on, so the first edition's results are untouched.


def sources(model: Any, households_present: np.ndarray | None = None
            ) -> dict[str, np.ndarray]:
    """(H,) what each household can give of each good, from the good's own source.

    *grain*, the harvest: its land (``land`` when ``household_labour`` is on, else its
    class's ``land_poor``/``land_middle``) times its working adults present (when
    ``household_labour`` is on), less ``grain_raid_weight`` x the burden raids left on it
    (``raid_loss``, only when ``threat`` is on); *bonds*, cash: ``bond_cash_hired``,
    ``bond_cash_poor`` or ``bond_cash_middle`` by class, plus ``bond_cash_cooperative`` once
    the co-operative is won; *shoes*, women's work: its working-age women present times
    ``shoe_work`` (``shoe_work_association`` once the women's association is won). Households
    with no one present give nothing. ``households_present`` (``VillageState.
    households_present``) may be given when the caller has it.
    """
    s, p = model.village, model.p
    if households_present is None:
        households_present = s.households_present()
    labour = bool(p["household_labour"] and len(s.land))
    land = (p["land_poor"], p["land_middle"])

    def harvest() -> np.ndarray:  # unraided: land is fixed, labour kept
        if labour:
            return s.land * s.labour()
        return class_land(p)[s.hh_class] * households_present.astype(float)

    grain = s.kept_while("_harvest", (labour, land), harvest)
    threat = getattr(model, "threat", None)
    if p["threat"] and threat is not None:
        grain = grain * clip01(1.0 - p["grain_raid_weight"] * threat.raid_loss)
    branch = getattr(model, "branch", None)
    cooperative = branch is not None and "cooperative" in branch.won
    cash = (p["bond_cash_hired"], p["bond_cash_poor"], p["bond_cash_middle"])

    def bonds() -> np.ndarray:
        by_class = np.array(cash)[s.hh_class]
        if cooperative:
            by_class = by_class + p["bond_cash_cooperative"]
        return np.minimum(by_class, 1.0) * households_present.astype(float)

    work = p["shoe_work_association"] if model.womens_association else p["shoe_work"]
    # Cash and women's work change only when someone leaves or the co-operative, the
    # women's association or a parameter does: kept.
    return {"grain": grain,
            "bonds": s.kept_while("_bond_cash", (cash, cooperative,
                                                 p["bond_cash_cooperative"]), bonds),
            "shoes": s.kept_while("_shoe_work", (work,), lambda: np.minimum(
                s.women_labour() * work, 1.0))}


def capacity(model: Any, src: dict[str, np.ndarray] | None = None) -> dict[str, float]:
    """Each good's capacity share in [0, 1]: for grain, the village's harvest now over its
    land fully worked by every working adult and unraided; for bonds and shoes, the mean
    over households present of what each can give (at most 1, a household that can pay its
    whole share)."""
    s, p = model.village, model.p
    households_present = s.households_present()
    src = sources(model, households_present) if src is None else src
    n_present = max(int(np.count_nonzero(households_present)), 1)
    labour = bool(p["household_labour"] and len(s.land))
    land = (p["land_poor"], p["land_middle"])

    def fully_worked() -> np.ndarray:  # land and working age are fixed for the run
        if labour:
            full_labour = np.bincount(s.household, weights=s.working_age,
                                      minlength=s.n_households)
            return np.array(np.dot(s.land, full_labour))
        return np.array(class_land(p)[s.hh_class].sum())

    full = float(s.kept_while("_fully_worked", (labour, land), fully_worked))
    grain = 0.0 if full <= 0 else min(float(src["grain"].sum()) / full, 1.0)
    return {"grain": grain,
            "bonds": min(float(src["bonds"].sum()) / n_present, 1.0),
            "shoes": min(float(src["shoes"].sum()) / n_present, 1.0)}
