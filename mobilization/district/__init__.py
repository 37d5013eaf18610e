"""A district of villages under one committee (Mao 1943): the general call, particular
guidance in pilot villages and summed-up experience. Depends on the village, never the
other way round. Names are imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_EXPORTS = {
    "DistrictModel": ".model",
    "simulate_district": ".model",
    "DISTRICT_OUTCOMES": ".outcomes",
    "DISTRICT_PERCENT": ".outcomes",
    "DISTRICT_PARAMETERS": ".parameters",
    "DISTRICT_FIRST_EDITION": ".parameters",
    "resolve_district": ".parameters",
}
__all__ = [
    "DISTRICT_FIRST_EDITION",
    "DISTRICT_PERCENT",
    "DISTRICT_OUTCOMES",
    "DISTRICT_PARAMETERS",
    "DistrictModel",
    "resolve_district",
    "simulate_district",
]

if TYPE_CHECKING:
    from .model import DistrictModel, simulate_district
    from .outcomes import DISTRICT_OUTCOMES, DISTRICT_PERCENT
    from .parameters import DISTRICT_FIRST_EDITION, DISTRICT_PARAMETERS, resolve_district

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
