"""What an experiment can run: one village, or a district of villages.

Experiments, sweeps, the store and reports ask the kind named in an experiment file
(``[experiment] model = "village" | "district"``) for its parameters, how to resolve them,
its outcomes with their ranges, and the function that runs one replication. The models
themselves know nothing of this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..district.model import DISTRICT_OUTCOMES, simulate_district
from ..district.parameters import DISTRICT_PARAMETERS, resolve_district
from ..village.outcomes import BOUNDS, OUTCOMES
from ..village.parameters import PARAMETERS, Param, resolve
from ..village.run import simulate


@dataclass(frozen=True)
class Kind:
    """One kind of model an experiment can run."""

    name: str
    parameters: Mapping[str, Param]
    outcomes: Mapping[str, str]
    bounds: Mapping[str, tuple[float, float | None]]
    resolve: Callable[[dict[str, Any]], dict[str, Any]]
    simulate: Callable[..., dict[str, Any]]
    villages: Callable[[dict[str, Any]], int]
    """How many villages one run holds (to size the bundles of runs)."""


def _resolve_district(params: dict[str, Any]) -> dict[str, Any]:
    district, village = resolve_district(params)
    return {**village, **district}


VILLAGE = Kind("village", PARAMETERS, OUTCOMES, BOUNDS, resolve, simulate, lambda p: 1)
DISTRICT = Kind("district", {**PARAMETERS, **DISTRICT_PARAMETERS}, DISTRICT_OUTCOMES,
                dict.fromkeys(DISTRICT_OUTCOMES, (0.0, 1.0)), _resolve_district,
                simulate_district, lambda p: int(p["n_villages"]))
KINDS: dict[str, Kind] = {k.name: k for k in (VILLAGE, DISTRICT)}


def kind_of(name: str | None) -> Kind:
    """The kind called ``name`` (None: a village)."""
    if name is None:
        return VILLAGE
    if name not in KINDS:
        raise ValueError(f"model must be one of {', '.join(KINDS)}; got {name!r}")
    return KINDS[name]
