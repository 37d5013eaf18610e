"""What an experiment can run: one village, or a district of villages.

Experiments, sweeps, the store and reports ask the kind named in an experiment file
(``[experiment] model = "village" | "district"``) for its parameters, how to resolve them,
its outcomes with their ranges, and the function that runs one replication. The models
themselves know nothing of this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..district.model import DISTRICT_OUTCOMES, run_district, simulate_district
from ..district.parameters import DISTRICT_PARAMETERS, resolve_district
from ..village.outcomes import BOUNDS, OUTCOMES
from ..village.parameters import PARAMETERS, Param, resolve
from ..village.run import run_model, simulate

Series = dict[str, np.ndarray]
"""Outcomes over time of one run: ``week`` and one array per outcome, of equal length."""


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
    simulate_series: Callable[..., tuple[dict[str, Any], Series]] | None = None
    """``(weeks, rng, names, every, **params) -> (end-of-run outcomes, series)``: one
    replication that also keeps outcomes ``names`` every ``every`` weeks (None: this kind
    keeps no series)."""


def every_k_weeks(model: Any, names: Sequence[str], every: int) -> Series:
    """Rows of a model's weekly DataCollector at weeks 0, k, 2k, ... and the last week
    (so a series always ends at the end-of-run values)."""
    frame = model.datacollector.get_model_vars_dataframe()
    week = frame["week"].to_numpy(dtype=np.int64)
    keep = (week % every == 0) | (week == week[-1])
    return {"week": week[keep], **{n: frame[n].to_numpy(dtype=float)[keep] for n in names}}


def _village_series(weeks: int, rng: Any, names: Sequence[str], every: int,
                    **params: Any) -> tuple[dict[str, Any], Series]:
    model = run_model(weeks, rng, **params)  # the same run as simulate()
    return model.outcomes(), every_k_weeks(model, names, every)


def _district_series(weeks: int, rng: Any, names: Sequence[str], every: int,
                     **params: Any) -> tuple[dict[str, Any], Series]:
    model = run_district(weeks, rng, **params)  # the same run as simulate_district()
    return dict(model.report), every_k_weeks(model, names, every)


def _resolve_district(params: dict[str, Any]) -> dict[str, Any]:
    district, village = resolve_district(params)
    return {**village, **district}


VILLAGE = Kind("village", PARAMETERS, OUTCOMES, BOUNDS, resolve, simulate, lambda p: 1,
               _village_series)
DISTRICT = Kind("district", {**PARAMETERS, **DISTRICT_PARAMETERS}, DISTRICT_OUTCOMES,
                dict.fromkeys(DISTRICT_OUTCOMES, (0.0, 1.0)), _resolve_district,
                simulate_district, lambda p: int(p["n_villages"]), _district_series)
KINDS: dict[str, Kind] = {k.name: k for k in (VILLAGE, DISTRICT)}


def kind_of(name: str | None) -> Kind:
    """The kind called ``name`` (None: a village)."""
    if name is None:
        return VILLAGE
    if name not in KINDS:
        raise ValueError(f"model must be one of {', '.join(KINDS)}; got {name!r}")
    return KINDS[name]
