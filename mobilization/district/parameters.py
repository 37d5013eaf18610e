"""Parameters of a district (:class:`mobilization.district.model.DistrictModel`): one table
with default, allowed range and basis, as the village's. The village parameters apply to
every village of the district too."""

from __future__ import annotations

from functools import partial
from typing import Any

from ..village.parameters import Param, _check_value, resolve

_P = partial(Param, group="district")

DISTRICT_PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        _P("n_villages", 20, 1, 500, int, "assumption",
           "Villages in the district, each with its own seed and gentry."),
        _P("n_pilots", 3, 0, 500, int, "source",
           "Pilot villages the guiding cadres go to (at most n_villages). Mao (1943): "
           "'Select two or three units (but not too many)'."),
        _P("guiding_cadres", 3.0, 0.0, 100.0, float, "assumption",
           "The district's budget of guiding cadres, spread evenly over the pilots; a "
           "pilot with a whole cadre to itself is fully guided."),
        _P("general_call", True, None, None, bool, "source",
           "The committee issues a general call to every branch and sends the pilots' "
           "summed-up experience through it. Mao: 'if no general and widespread call is "
           "issued, the broad masses cannot be mobilized for action'."),
        _P("call_share", 0.2, 0.0, 1.0, float, "assumption",
           "Vital-interest share a branch takes up on the general call alone, with items "
           "of its own choosing ('their call remains on their lips, or on paper')."),
        _P("summing_up_interval", 13, 1, 104, int, "assumption",
           "Weeks between the committee's summings-up of the pilots' experience "
           "(quarterly, as the quotas)."),
        _P("adoption", 0.5, 0.0, 1.0, float, "assumption",
           "Share of the way to the pilots' method a branch moves per summing-up, times "
           "the experience it receives."),
        _P("gentry_spread", 0.2, 0.0, 0.5, float, "assumption",
           "Villages' initial gentry power is drawn uniformly within gentry_power +- this "
           "(clipped to [0, 1]), so the district's villages differ (with village_draws "
           "'uniform-gentry')."),
        _P("village_draws", "village", None, None, str, "assumption",
           "How the villages differ. 'village' (the default): each village draws its own "
           "structure as a single village with typical_village False does (gentry power, "
           "class shares, branch quality, threat exposure; village_spread_*), so districts "
           "and single villages draw alike; gentry_spread is not used. 'uniform-gentry': "
           "gentry power uniform within gentry_power +- gentry_spread, the rest typical "
           "(the first edition)."),
    ]
}
"""Parameters of :class:`mobilization.district.model.DistrictModel` (the village parameters
apply too)."""

DISTRICT_DEFAULTS = {"branch_method": "quota-only"}
"""A district's branches begin as most did: 'very few Party branches do that' (CY)."""


def resolve_district(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``params`` into district parameters and village parameters, validate both
    (the village ones as :func:`resolve` does) and return them complete."""
    district = {k: v for k, v in params.items() if k in DISTRICT_PARAMETERS}
    village = {**DISTRICT_DEFAULTS,
               **{k: v for k, v in params.items() if k not in DISTRICT_PARAMETERS}}
    out = {name: _check_value(p, district.get(name, p.default))
           for name, p in DISTRICT_PARAMETERS.items()}
    if out["n_pilots"] > out["n_villages"]:
        raise ValueError(f"n_pilots must be at most n_villages ({out['n_villages']}); "
                         f"got {out['n_pilots']}")
    return out, resolve(village)

