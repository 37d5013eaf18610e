"""Running one village: the unit of work for comparisons and sweeps."""

from __future__ import annotations

import numbers
from typing import Any

import pandas as pd

from .model import VillageModel
from .parameters import HORIZON_WEEKS


def _check_weeks(weeks: Any) -> int:
    if isinstance(weeks, bool) or not isinstance(weeks, numbers.Integral) or not (
        1 <= weeks <= 5200
    ):
        raise ValueError(f"weeks must be a whole number in [1, 5200]; got {weeks!r}")
    return int(weeks)


def run_model(weeks: int = HORIZON_WEEKS, rng: Any = None, **params: Any) -> VillageModel:
    """Build a village and run it for ``weeks`` weeks; returns the model."""
    weeks = _check_weeks(weeks)
    model = VillageModel(rng=rng, **params)
    for _ in range(weeks):
        model.step()
    return model


def simulate(weeks: int = HORIZON_WEEKS, rng: Any = None, **params: Any) -> dict[str, float | int]:
    """Run one village and return its end-of-run outcomes (plain floats and ints).

    ``weeks`` defaults to the documented horizon (104 weeks); ``rng`` seeds the run;
    ``params`` are any model parameters (``mobilize params``).
    """
    return run_model(weeks, rng, **params).outcomes()


def weekly_series(weeks: int = HORIZON_WEEKS, rng: Any = None, **params: Any) -> pd.DataFrame:
    """Run one village and return its weekly outcomes, one row per week (week 0 = start)."""
    model = run_model(weeks, rng, **params)
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
