"""VillageScenario: the village's parameters as a Mesa scenario.

Mesa 3.5 describes a run by a :class:`mesa.experimental.scenarios.Scenario`, a typed
subclass whose class attributes are the defaults; its SolaraViz rebuilds a model on Reset
as ``VillageModel(scenario=VillageScenario(...))``. The class is generated from the
parameter table (``parameters.PARAMETERS``): one annotated class attribute per parameter,
with the table's default, so the two cannot drift apart. The values are checked by the same
``resolve`` as keyword parameters. ``None`` takes the value of the ``branch_method`` preset.
"""

from __future__ import annotations

from typing import Any

from mesa.experimental.scenarios import Scenario

from .parameters import PARAMETERS


def _namespace() -> dict[str, Any]:
    """The class body: an annotation and a default for every parameter."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": "VillageScenario",
        "__doc__": "Every parameter of a village, with the parameter table's default.",
        "__annotations__": annotations,
    }
    for name, p in PARAMETERS.items():
        annotations[name] = p.kind if p.default is not None else p.kind | None
        namespace[name] = p.default
    return namespace


# Mesa's Scenario collects the defaults from the annotated class attributes when the
# subclass is created (``__init_subclass__``), as for a class written out by hand.
VillageScenario: type[Scenario] = type("VillageScenario", (Scenario,), _namespace())
