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

import numpy as np

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
