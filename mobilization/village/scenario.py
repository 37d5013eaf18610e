"""VillageScenario: the village's parameters as a Mesa scenario.

Mesa 3.5 describes a run by a :class:`mesa.experimental.scenarios.Scenario`, a typed
subclass whose class attributes are the defaults; its SolaraViz rebuilds a model on Reset
as ``VillageModel(scenario=VillageScenario(...))``. The defaults are those of the parameter
table (``parameters.PARAMETERS``; a test keeps the two equal) and the values are checked by
the same ``resolve`` as keyword parameters. ``None`` takes the value of the
``branch_method`` preset.
"""

from __future__ import annotations

from mesa.experimental.scenarios import Scenario


class VillageScenario(Scenario):
    """Every parameter of a village, with the parameter table's default."""

    branch_method: str = "welfare-first"
    vital_interest_share: float | None = None
    learn_from_masses: bool | None = None
    population: int = 400
    household_size: int = 5
    grid_density: float = 0.8
    share_hired: float = 0.15
    share_poor: float = 0.55
    share_working_age: float = 0.55
    n_gentry: int = 4
    gentry_power: float = 0.6
    levy_shift: float = 0.6
    party_share: float = 0.03
    bad_element_share: float = 0.2
    nominal_membership: float = 0.35
    meeting_interval: int = 2
    decision_method: str = "mass-line"
    leading_group_renewal: bool = True
    central_tasks: int = 1
    quota_interval: int = 13
    recruit_quota: float = 0.006
    grain_quota: float = 0.06
    bond_quota: float = 0.04
    shoe_quota: float = 0.02
    enlist_hazard: float = 0.005
    enlist_threshold: float = 0.55
    enlist_slope: float = 10.0
    press_compliance: float = 0.035
    struggle_threshold: float = 0.12
    obstruction: float = 1.0
    struggle_gain: float = 0.12
    assignment_cost: float = 0.04
    bad_element_harm: float = 0.004
    neighbour_influence: float = 0.01
