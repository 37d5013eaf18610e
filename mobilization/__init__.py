"""mobilization: an agent-based model of mass mobilization by village Party branches.

Chen Yun (1939), "Mass Work is the Central Task at the Local Level"; Mao Zedong (1943),
"Some Questions Concerning Methods of Leadership".

The package is layered, dependencies pointing one way: ``village`` (the model) <-
``district`` (villages under one committee) <- ``experiments`` (sweeps, reports,
sensitivity, calibration, the headline comparison) <- ``dashboard`` and ``cli``. The names
below are imported on first use, so ``import mobilization`` and ``mobilize --help`` do not
load Mesa, pandas or SciPy until a model is run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "DistrictModel": "mobilization.district.model",
    "simulate_district": "mobilization.district.model",
    "VillageModel": "mobilization.village.model",
    "VillageScenario": "mobilization.village.scenario",
    "OUTCOMES": "mobilization.village.outcomes",
    "HORIZON_WEEKS": "mobilization.village.parameters",
    "PARAMETERS": "mobilization.village.parameters",
    "PRESETS": "mobilization.village.parameters",
    "run_model": "mobilization.village.run",
    "simulate": "mobilization.village.run",
    "weekly_series": "mobilization.village.run",
}
__all__ = [
    "DistrictModel",
    "HORIZON_WEEKS",
    "OUTCOMES",
    "PARAMETERS",
    "PRESETS",
    "VillageModel",
    "VillageScenario",
    "run_model",
    "simulate",
    "simulate_district",
    "weekly_series",
]

if TYPE_CHECKING:
    from .district.model import DistrictModel, simulate_district
    from .village.model import VillageModel
    from .village.outcomes import OUTCOMES
    from .village.parameters import HORIZON_WEEKS, PARAMETERS, PRESETS
    from .village.run import run_model, simulate, weekly_series
    from .village.scenario import VillageScenario


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mobilization' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
