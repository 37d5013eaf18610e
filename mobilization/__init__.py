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

from typing import TYPE_CHECKING

from .lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "DistrictModel": ".district.model",
    "simulate_district": ".district.model",
    "VillageModel": ".village.model",
    "VillageScenario": ".village.scenario",
    "OUTCOMES": ".village.outcomes",
    "HORIZON_WEEKS": ".village.parameters",
    "PARAMETERS": ".village.parameters",
    "PRESETS": ".village.parameters",
    "run_model": ".village.run",
    "simulate": ".village.run",
    "weekly_series": ".village.run",
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

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
