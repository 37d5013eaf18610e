"""The village model (Mesa): parameters, the population as arrays, agents, the weekly
step, the branch, welfare measures, gentry and government, quotas and outcomes.

The village knows nothing of districts, experiments, the command line or the dashboard.
Names are imported on first use, so reading the parameter table does not load Mesa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_EXPORTS = {
    "VillageModel": ".model",
    "VillageScenario": ".scenario",
    "OUTCOMES": ".outcomes",
    "HORIZON_WEEKS": ".parameters",
    "PARAMETERS": ".parameters",
    "PRESETS": ".parameters",
    "resolve": ".parameters",
    "run_model": ".run",
    "simulate": ".run",
    "weekly_series": ".run",
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

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
