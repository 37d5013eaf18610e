"""What the branch, the agents and the outcomes need of a village, as a ``Protocol``.

``VillageModel`` satisfies it. The components are typed against it rather than against the
model, so they need not import the model that imports them: the village's imports point
one way (tests/test_layers.py checks there is no cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from .government import VillageGovernment
    from .population import VillageState
    from .quotas import QuotaBook


class VillageLike(Protocol):
    """The parts of a village model that its branch, agents and outcomes use."""

    p: dict[str, Any]
    week: int
    rng: np.random.Generator
    village: VillageState
    government: VillageGovernment
    quotas: QuotaBook
    stance: np.ndarray
    womens_association: bool

    def mobilize(self, people: np.ndarray, army: np.ndarray,
                 reasons: np.ndarray | None = None) -> None: ...

    def promote(self, i: int, role: int) -> None: ...

    def admit_to_party(self, i: int, bad_element: bool) -> None: ...

    def expel(self, i: int) -> None: ...
