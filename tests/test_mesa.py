"""Mesa's own tools work with VillageModel: ``mesa.batch_run`` keeps parameters and outcomes
apart, the horizon stops a run, a Mesa scenario describes a village, and Mesa's SolaraViz
steps and resets one."""

from __future__ import annotations

from typing import Any

import ipyvuetify as vw
import mesa
import numpy as np
import pytest
import solara
from mesa.experimental.scenarios import Scenario
from mesa.visualization import SolaraViz, make_plot_component, make_space_component
from mesa.visualization.components import AgentPortrayalStyle

from mobilization import (
    HORIZON_WEEKS,
    OUTCOMES,
    PARAMETERS,
    VillageModel,
    VillageScenario,
    simulate,
)
from mobilization.district.model import DISTRICT_OUTCOMES
from mobilization.district.parameters import DISTRICT_PARAMETERS
from mobilization.village.run import run_model


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


def test_batch_run_over_numpy_values() -> None:
    """Parameter values as NumPy arrays' elements (np.bool_, np.float64, np.int64)."""
    rows = mesa.batch_run(VillageModel, parameters={
        "learn_from_masses": np.array([True, False]), "gentry_power": np.array([0.5]),
        "population": np.array([60])}, rng=[1], max_steps=3, display_progress=False)
    assert len(rows) == 2 and {row["Step"] for row in rows} == {3}


# --- the horizon ----------------------------------------------------------------------


def test_batch_run_stops_at_the_default_horizon() -> None:
    rows = mesa.batch_run(VillageModel, parameters={"population": 40}, rng=[2],
                          max_steps=1000, display_progress=False)
    assert [row["Step"] for row in rows] == [HORIZON_WEEKS]


@pytest.mark.parametrize("weeks", [1, 5])
def test_running_turns_false_at_the_horizon(weeks: int) -> None:
    model = VillageModel(rng=3, population=40, weeks=weeks)
    stepped = 0
    while model.running:
        assert model.week == stepped
        model.step()
        stepped += 1
    assert stepped == weeks == model.week == model.steps


def test_no_horizon_keeps_running_and_stepping_past_it_is_allowed() -> None:
    endless = VillageModel(rng=3, population=40, weeks=None)
    short = VillageModel(rng=3, population=40, weeks=2)
    for _ in range(HORIZON_WEEKS + 1):
        endless.step()
        short.step()
    assert endless.running and not short.running
    assert endless.outcomes() == short.outcomes()  # the horizon changes no result


def test_run_model_passes_its_weeks_as_the_horizon() -> None:
    model = run_model(weeks=7, rng=5, population=60)
    assert model.horizon == 7 and model.week == 7 and not model.running
    free = VillageModel(rng=5, population=60, weeks=None)
    for _ in range(7):
        free.step()
    assert model.outcomes() == free.outcomes() == simulate(weeks=7, rng=5, population=60)


@pytest.mark.parametrize("weeks", [0, -1, 1.5, 2.0, "3", True, np.array(3), 5201])
def test_bad_horizons_are_refused(weeks: Any) -> None:
    with pytest.raises(ValueError, match=r"weeks must be a whole number in \[1, 5200\]"):
        VillageModel(rng=0, population=40, weeks=weeks)


# --- scenarios ------------------------------------------------------------------------


def test_village_scenario_has_the_parameter_tables_defaults() -> None:
    fields = dict(VillageScenario())
    assert fields.pop("rng") is None
    assert fields == {name: p.default for name, p in PARAMETERS.items()}


def test_a_scenario_and_keywords_build_the_same_village() -> None:
    given = {"population": 80, "gentry_power": 0.7, "branch_method": "quota-only"}
    scenario = VillageScenario(rng=9, **given)
    a = VillageModel(scenario=scenario)
    b = VillageModel(rng=9, **given)
    assert a.scenario is scenario and scenario.model is a
    assert isinstance(b.scenario, VillageScenario) and b.scenario.population == 80
    assert a.p == b.p
    for _ in range(6):
        a.step()
        b.step()
    assert a.outcomes() == b.outcomes()
    # Mesa's plain Scenario works too, and the seed may come as rng= (SolaraViz's Reset).
    c = VillageModel(rng=9, scenario=Scenario(**given))
    assert c.p == a.p and c.scenario.rng == 9


def test_scenario_values_are_checked_like_keywords() -> None:
    with pytest.raises(ValueError, match=r"gentry_power must be in \[0, 1\]"):
        VillageModel(scenario=VillageScenario(gentry_power=1.5))
    with pytest.raises(ValueError, match="unknown parameter: popluation"):
        VillageModel(scenario=VillageScenario(popluation=100))
    with pytest.raises(ValueError, match="not both"):
        VillageModel(scenario=VillageScenario(), population=100)
    with pytest.raises(ValueError, match="unknown parameter: popluation"):
        VillageModel(scenario=VillageScenario(), popluation=100)
    with pytest.raises(ValueError, match="rng"):
        VillageModel(rng=1, scenario=VillageScenario(rng=2))
    with pytest.raises(ValueError, match="rng must be"):
        VillageModel(scenario=VillageScenario(rng="abc"))
    with pytest.raises(ValueError, match="scenario must be"):
        VillageModel(scenario={"population": 100})


# --- Mesa's SolaraViz, headless --------------------------------------------------------


def _portrayal(agent: Any) -> AgentPortrayalStyle:
    colour = {"villager": "tab:gray", "activist": "tab:orange", "party member": "tab:red",
              "gentry": "black"}[agent.role_name]
    return AgentPortrayalStyle(color=colour, size=10)


def _click(rc: Any, label: str) -> None:
    rc.find(vw.Btn, children=[label]).assert_single()
    rc.find(vw.Btn, children=[label]).widget.click()


def test_solara_viz_steps_and_resets_a_village() -> None:
    """Mesa's own SolaraViz, rendered without a browser as Mesa's tests do: Step, then
    Reset, which rebuilds the model as ``VillageModel(rng=..., scenario=...)``."""
    model = solara.reactive(VillageModel(rng=4, population=120))
    model_params = {
        "rng": {"type": "InputText", "value": 4, "label": "seed"},
        "gentry_power": {"type": "SliderFloat", "value": 0.6, "min": 0.0, "max": 1.0,
                         "step": 0.05, "label": "gentry power"},
        "population": 120,
        "branch_method": {"type": "Select", "value": "welfare-first",
                          "values": ["welfare-first", "quota-only"], "label": "method"},
    }
    components = [make_space_component(_portrayal),
                  make_plot_component(["recruitment_rate", "gentry_power_end"])]

    @solara.component
    def Page() -> None:
        # The solara server wraps a page in an AppLayout; SolaraViz's controls sit in its
        # sidebar, which renders only inside one.
        with solara.AppLayout():
            SolaraViz(model, components=components, model_params=model_params)

    _, rc = solara.render(Page(), handle_error=False)
    _click(rc, "Step")
    _click(rc, "Step")
    assert model.value.week == 2
    first = model.value
    _click(rc, "Reset")
    reset = model.value
    assert reset is not first and reset.week == 0
    assert isinstance(reset.scenario, VillageScenario)
    # The village's own gentry power is drawn around the parameter (typical_village False).
    assert reset.p["population"] == 120 and reset.parameters["gentry_power"] == 0.6
    _click(rc, "Step")
    assert reset.week == 1
    # The rebuilt village is the one the same seed and parameters give.
    again = VillageModel(rng=4, population=120, gentry_power=0.6)
    again.step()
    assert reset.outcomes() == again.outcomes()
