"""Parameters of a district (:class:`mobilization.district.model.DistrictModel`): one table
with default, allowed range and basis, as the village's. The village parameters apply to
every village of the district too."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from ..village.parameters import Param, _check_value, resolve

CALL_CONTENTS = ("conditions", "success-share")
GUIDED_LEARNING = ("always", "intensity")
"""What the general call carries (``call_content``)."""


@dataclass(frozen=True)
class DistrictParam(Param):
    """A district parameter: a :class:`Param` whose string choices are its own."""

    options: tuple[str, ...] = ()

    @property
    def choices(self) -> tuple[str, ...]:
        return self.options or super().choices


_P = partial(DistrictParam, group="district")

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
        _P("call_content", "conditions", None, None, str, "source",
           "What the general call carries. 'conditions' (the default): what worked under "
           "which conditions, the struggles of the pilots (and, from reports, of the other "
           "villages: reports_weight) concentrated for each village into a chance per "
           "measure for a village like it (likeness_scale), on top of the committee's own "
           "untested ideas (idea_*), which are all a call without pilots carries; branches "
           "acting on their own ideas take the call's best item as far as it outweighs "
           "their own idea (advice_conviction). 'success-share' (the first edition): one "
           "number per pilot, the share of measures it has won. Mao: 'Formulate general "
           "ideas (general calls) out of the particular guidance given in a number of "
           "cases'.",
           options=CALL_CONTENTS),
        _P("guided_learning", "always", None, None, str, "assumption",
           "Whether a pilot's branch learns from the masses however thinly it is guided. "
           "'always' (the default, and the first edition): every pilot does, and the "
           "guidance's intensity (guiding_cadres / n_pilots, at most 1) scales only its "
           "vital-interest share. 'intensity': a pilot learns with chance equal to the "
           "intensity (one draw per pilot at the start), so a cadre spread thin teaches "
           "the method less often. Mao: 'give personal guidance to those in charge to find "
           "concrete solutions'; the sources do not say what a fraction of a cadre can "
           "teach, so the findings on the number of pilots are reported under both.",
           options=GUIDED_LEARNING),
        _P("likeness_scale", 0.1, 0.01, 1.0, float, "assumption",
           "Difference in conditions over which experience loses 63% of its weight for "
           "another village (exp(-difference / scale)): gentry power as felt, with "
           "'conditions' also the share of poor and hired households. Mao (section 8): "
           "'take into account the history and circumstances of the struggle there'."),
        _P("reports_weight", 0.5, 0.0, 1.0, float, "assumption",
           "Observations' worth, against a pilot's (1), of a struggle in another village "
           "that a committee with pilots sums up from the reports (call_content "
           "'conditions'); 0: the pilots' experience only. Mao (section 6): 'put them to "
           "the test in many different units ...; then concentrate the new experience'."),
        _P("idea_mean", 0.5, 0.0, 1.0, float, "assumption",
           "Mean chance of winning that the committee's own untested ideas give a measure "
           "(call_content 'conditions'). Drawn once per district for each measure, "
           "Beta(idea_mean x c, (1 - idea_mean) x c) with c = idea_concentration, the same "
           "for every village: 'fancying themselves clever ... their ideas become empty "
           "and impractical'."),
        _P("idea_concentration", 2.0, 0.1, 1000.0, float, "assumption",
           "Concentration c of the committee's ideas about idea_mean: 2 with idea_mean 0.5 "
           "is uniform on [0, 1] (it knows the decrees, not which can be won where); large "
           "c gives every measure idea_mean."),
        _P("idea_weight", 1.0, 0.0, 100.0, float, "assumption",
           "Observations' worth the committee gives its own untested ideas: the content of "
           "a call without pilots carries this weight, and each pilot struggle like the "
           "village adds up to one observation to it."),
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

DISTRICT_FIRST_EDITION: dict[str, Any] = {"village_draws": "uniform-gentry",
                                           "call_content": "success-share"}
"""The first edition's district, exactly (tests/test_golden.py): villages differing only in
gentry power, and a call that carries the pilots' share of measures won."""

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

