"""The village model (Mesa): parameters, the population as arrays, agents, the weekly
step, the branch, welfare measures, gentry and government, quotas and outcomes.

The village knows nothing of districts, experiments, the command line or the dashboard.
Names are imported on first use, so reading the parameter table does not load Mesa.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "VillageModel": "model",
    "VillageScenario": "scenario",
    "OUTCOMES": "outcomes",
    "HORIZON_WEEKS": "parameters",
    "PARAMETERS": "parameters",
    "PRESETS": "parameters",
    "resolve": "parameters",
    "run_model": "run",
    "simulate": "run",
    "weekly_series": "run",
}
__all__ = [
    "HORIZON_WEEKS",
    "OUTCOMES",
    "PARAMETERS",
    "PRESETS",
    "VillageModel",
    "VillageScenario",
    "resolve",
    "run_model",
    "simulate",
    "weekly_series",
]

if TYPE_CHECKING:
    from .model import VillageModel
    from .outcomes import OUTCOMES
    from .parameters import HORIZON_WEEKS, PARAMETERS, PRESETS, resolve
    from .run import run_model, simulate, weekly_series
    from .scenario import VillageScenario


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
