"""Mesa's own tools work with VillageModel: ``mesa.batch_run`` keeps parameters and outcomes
apart, and the horizon stops a run."""

from __future__ import annotations

import mesa

from mobilization import OUTCOMES, PARAMETERS, VillageModel, simulate
from mobilization.district.model import DISTRICT_OUTCOMES
from mobilization.district.parameters import DISTRICT_PARAMETERS


def test_no_outcome_shares_a_name_with_a_parameter() -> None:
    outcomes = set(OUTCOMES) | set(DISTRICT_OUTCOMES)
    parameters = set(PARAMETERS) | set(DISTRICT_PARAMETERS)
    assert not outcomes & parameters


def test_batch_run_keeps_the_parameter_and_the_outcome_apart() -> None:
    rows = mesa.batch_run(VillageModel, parameters={"gentry_power": [0.4, 0.8], "population": 200},
                          rng=[3], max_steps=10, number_processes=1, display_progress=False)
    assert sorted(row["gentry_power"] for row in rows) == [0.4, 0.8]
    for row in rows:
        assert row["Step"] == 10 and row["week"] == 10
        again = simulate(weeks=10, rng=3, gentry_power=row["gentry_power"], population=200)
        assert row["gentry_power_end"] == again["gentry_power_end"]
        assert row["gentry_power_end"] != row["gentry_power"]
