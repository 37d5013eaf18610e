"""mobilization: an agent-based model of mass mobilization by village Party branches.

Chen Yun (1939), "Mass Work is the Central Task at the Local Level"; Mao Zedong (1943),
"Some Questions Concerning Methods of Leadership".
"""

from .district import DistrictModel, simulate_district
from .model import VillageModel
from .outcomes import OUTCOMES
from .parameters import HORIZON_WEEKS, PARAMETERS, PRESETS
from .run import run_model, simulate, weekly_series

__all__ = [
    "DistrictModel",
    "HORIZON_WEEKS",
    "OUTCOMES",
    "PARAMETERS",
    "PRESETS",
    "VillageModel",
    "run_model",
    "simulate",
    "simulate_district",
    "weekly_series",
]
__version__ = "0.1.0"
