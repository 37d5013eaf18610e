"""Running one village: the unit of work for comparisons and sweeps."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .model import VillageModel
from .parameters import HORIZON_WEEKS, check_weeks


def run_model(weeks: int = HORIZON_WEEKS, rng: Any = None, *, record: bool = True,
              **params: Any) -> VillageModel:
    """Build a village with horizon ``weeks`` and run it there; returns the model (whose
    ``running`` is then False). ``record=False`` skips the weekly DataCollector rows."""
    weeks = check_weeks(weeks)
    model = VillageModel(rng=rng, record=record, weeks=weeks, **params)
    for _ in range(weeks):
        model.step()
    return model


def simulate(weeks: int = HORIZON_WEEKS, rng: Any = None, **params: Any) -> dict[str, float | int]:
    """Run one village and return its end-of-run outcomes (plain floats and ints).

    ``weeks`` defaults to the documented horizon (104 weeks); ``rng`` seeds the run;
    ``params`` are any model parameters (``mobilize params``). The weekly rows are not
    collected: only the last week is returned, and reading the outcomes draws nothing, so
    the run is the same as with them.
    """
    return run_model(weeks, rng, record=False, **params).outcomes()


def weekly_series(weeks: int = HORIZON_WEEKS, rng: Any = None, **params: Any) -> pd.DataFrame:
    """Run one village and return its weekly outcomes, one row per week (week 0 = start)."""
    model = run_model(weeks, rng, **params)
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
