"""Model parameters: one table with default, allowed range, and source or justification.

Every parameter is a keyword argument of :class:`mobilization.village.model.VillageModel`.
``basis`` says where a value comes from:

* ``source``: read from Chen Yun (1939) or Mao (1943);
* ``assumption``: a documented, plausible value for a north-China village that the
  sources do not give (structure, burdens);
* ``calibrated``: no empirical basis; the value is the one the visible calibration
  procedure gives, ``mobilize calibrate experiments/calibrate.toml`` (see
  docs/calibration.md and docs/ODD.md, "Calibration"), with both methods sharing each
  candidate value.

Validation is strict: unknown names are refused and every value is checked against its
range, and the error names the parameter and the allowed range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .behaviour import BEHAVIOUR
from .methods import CHOICES as METHOD_CHOICES
from .methods import FIRST_EDITION_VALUES as METHODS_FIRST_EDITION
from .methods import METHODS_OF_LEADERSHIP

HORIZON_WEEKS = 104
"""Default horizon: two years. The base areas of north China were set up in 1938 and
Chen Yun reports in November 1939 ("the Party branches were set up only recently")."""

METHODS = ("welfare-first", "quota-only")
DECISION_METHODS = ("mass-line", "subjectivist")
VILLAGE_DRAWS = ("uniform-gentry", "village")
"""How a district's villages differ (district parameter ``village_draws``)."""


@dataclass(frozen=True)
class Param:
    """One model parameter: its default, allowed range and justification."""

    name: str
    default: Any
    low: float | None
    high: float | None
    kind: type
    basis: str
    doc: str
    group: str = ""
    """What part of the model it belongs to ("method", "readiness", "struggle", ...):
    ``mobilize params`` and the ODD's table list the parameters group by group."""

    def range_text(self) -> str:
        if self.kind is bool:
            return "true or false"
        if self.kind is str:
            return " | ".join(self.choices)
        return f"[{_fmt(self.low)}, {_fmt(self.high)}]"

    @property
    def choices(self) -> tuple[str, ...]:
        return {"branch_method": METHODS, "decision_method": DECISION_METHODS,
                "village_draws": VILLAGE_DRAWS, **METHOD_CHOICES}.get(self.name, ())


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:g}"


_P = Param
PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        # --- the branch method ------------------------------------------------------------
        _P("branch_method", "welfare-first", None, None, str, "source",
           "Preset for the branch's method: 'quota-only' (0/10 meetings on vital interests, "
           "acts on its own ideas) or 'welfare-first' (6/10, learns the problems from the "
           "households). Chen Yun: 'Such problems were discussed at six out of ten meetings'.",
           group="method"),
        _P("vital_interest_share", None, 0.0, 1.0, float, "source",
           "Share of branch meetings that take up an item on the people's vital interests "
           "(the dose). None: from the preset (quota-only 0.0, welfare-first 0.6).",
           group="method"),
        _P("learn_from_masses", None, None, None, bool, "source",
           "Choose the welfare item from the problems households report (True) or from the "
           "branch's own idea (False). None: from the preset. 'To lead the masses, "
           "Communists must first learn from them.'", group="method"),
        # --- village structure -----------------------------------------------------------
        _P("population", 400, 20, 50_000, int, "source",
           "Villagers (persons) in the village. 51 persons = 13% gives about 390.",
           group="structure"),
        _P("household_size", 5, 1, 12, int, "assumption",
           "Persons per household; north-China rural households averaged about five.",
           group="structure"),
        _P("grid_density", 0.8, 0.2, 1.0, float, "assumption",
           "Share of grid cells occupied by villagers; sets the grid side.", group="structure"),
        _P("share_hired", 0.15, 0.0, 1.0, float, "assumption",
           "Share of households of hired labourers (no land, wage and price burdens).",
           group="structure"),
        _P("share_poor", 0.55, 0.0, 1.0, float, "assumption",
           "Share of households of poor and tenant peasants (rent and debt burdens); "
           "the rest are middle peasants. Must satisfy share_hired + share_poor <= 1.",
           group="structure"),
        _P("share_working_age", 0.55, 0.1, 1.0, float, "assumption",
           "Share of persons of working age (16-45): who can enlist or leave for "
           "salvation work; working-age men are of military age.", group="structure"),
        _P("n_gentry", 4, 0, 100, int, "assumption",
           "Gentry households (landlords, local despots); not counted in population.",
           group="gentry"),
        _P("gentry_power", 0.6, 0.0, 1.0, float, "assumption",
           "Initial collective hold of the gentry over the village: land, loans, office, "
           "armed retainers. 'most of them remain under the control of local tyrants'.",
           group="gentry"),
        _P("levy_shift", 0.6, 0.0, 2.0, float, "source",
           "Extra levy a gentry-held government shifts onto poor households and soldiers' "
           "families, as a multiple of their base levy: 'impose taxes and other burdens on "
           "family members of soldiers ... telling them to \"set good examples\"'.",
           group="gentry"),
        _P("party_share", 0.03, 0.0, 0.2, float, "assumption",
           "Initial Party members as a share of the population (a new, small branch).",
           group="organization"),
        _P("bad_element_share", 0.2, 0.0, 1.0, float, "source",
           "Share of the initial members who joined with ulterior motives: 'a few bad "
           "elements have slipped into the Party'.", group="organization"),
        _P("nominal_membership", 0.35, 0.0, 1.0, float, "source",
           "Share of working-age adults put on mass-organization lists from above at the "
           "start: 'only interested in accumulating names on a membership list'.",
           group="organization"),
        # --- branch and district schedule --------------------------------------------------
        _P("meeting_interval", 2, 1, 13, int, "assumption",
           "Weeks between branch meetings (fortnightly).", group="schedule"),
        _P("decision_method", "mass-line", None, None, str, "source",
           "How the branch decides its vital-interest items. 'mass-line': from the problems "
           "the households it is in contact with report, weighed by what can be won now, "
           "corrected by each struggle's result (with learn_from_masses; its own idea "
           "otherwise; mass_line_knowledge). 'subjectivist': its own plan "
           "(subjectivist_prior), pressed until won without testing it against the masses. "
           "Mao (1943): 'from the masses, to the masses' against those who 'fancying "
           "themselves clever, are fond of voicing their subjectivist ideas'.",
           group="method"),
        _P("leading_group_renewal", True, None, None, bool, "source",
           "The branch's leading group is renewed: activists who come forward in struggle "
           "are admitted, bad elements exposed by the mass movement are removed, and Party "
           "members proved in won struggles replace the group's worst members "
           "(renewal_margin; docs/ODD.md 7.15). False: the group stays as first formed. Mao "
           "(1943): 'the activists who come forward in "
           "the course of the struggle must constantly be promoted to replace those "
           "original members ... who are inferior by comparison or who have degenerated'.",
           group="method"),
        _P("central_tasks", 1, 1, 10, int, "source",
           "Central tasks the district assigns at once, the branch's own agenda among them; "
           "a meeting another task takes does nothing in the village. How the branch shares "
           "its meetings among them: task_order. Mao (1943): 'At any one time there can be "
           "only one central task'; many at once bring 'confusion and disorder ... no "
           "definite results'.", group="schedule"),
        _P("quota_interval", 13, 1, 52, int, "assumption",
           "Weeks between quota assignments from the district (quarterly).", group="schedule"),
        _P("recruit_quota", 0.006, 0.0, 0.1, float, "assumption",
           "Army recruits demanded per quota period, as a share of the population.",
           group="quotas"),
        _P("grain_quota", 0.06, 0.0, 0.5, float, "assumption",
           "Public grain demanded per quota period, as a share of the village's income.",
           group="quotas"),
        _P("bond_quota", 0.04, 0.0, 0.5, float, "assumption",
           "National-salvation bonds per quota period, as a share of the village's income.",
           group="quotas"),
        _P("shoe_quota", 0.02, 0.0, 0.5, float, "assumption",
           "Army shoes per quota period, as a share of the village's income.", group="quotas"),
        # --- behaviour (no empirical basis; calibrated or plausible ranges) ----------------
        _P("enlist_hazard", 0.0135, 0.0, 0.5, float, "calibrated",
           "Highest weekly chance that a fully ready villager enlists or leaves for "
           "salvation work.", group="mobilization"),
        _P("enlist_threshold", 0.55, 0.0, 1.0, float, "assumption",
           "Readiness at which the weekly chance is half of enlist_hazard. Set by hand, "
           "not fitted; its influence is measured by experiments/sobol.toml.",
           group="mobilization"),
        _P("enlist_slope", 10.0, 1.0, 50.0, float, "assumption",
           "Steepness of the readiness-to-enlist curve.", group="mobilization"),
        _P("press_compliance", 0.0, 0.0, 1.0, float, "calibrated",
           "Chance that a man named by quota assignment actually enlists, at full trust.",
           group="quotas"),
        _P("struggle_threshold", 0.12, 0.0, 1.0, float, "assumption",
           "Organized strength (share of adults taking part, active members counting "
           "double) that a struggle needs, before gentry obstruction. Set by hand, not "
           "fitted; its influence is measured by experiments/sobol.toml.", group="struggle"),
        _P("obstruction", 1.0, 0.0, 2.0, float, "assumption",
           "How much gentry power a decree struggle must overcome while the gentry hold the "
           "village government. At 1.0 a decree needs most adults organized, so decrees "
           "pushed without a mass movement fail: 'Governments at higher levels have tried "
           "to reform these local governments but without success'.", group="struggle"),
        _P("struggle_gain", 0.12, 0.0, 1.0, float, "assumption",
           "Rise in consciousness and trust (share of the gap to 1) for those who take part "
           "in a successful struggle: 'they will learn through their own experience'.",
           group="struggle"),
        _P("assignment_cost", 0.04, 0.0, 0.5, float, "assumption",
           "Trust lost by a household each time the branch assigns it a quota by order: "
           "'All they know how to do is to ask the people for things'.", group="quotas"),
        _P("bad_element_harm", 0.004, 0.0, 0.1, float, "assumption",
           "Weekly trust lost by households tied to a bad element.", group="organization"),
        _P("neighbour_influence", 0.01, 0.0, 0.5, float, "assumption",
           "Weekly pull of active neighbours on a villager's consciousness.", group="attitudes"),
        # --- villages differ (DESIGN principle 3; village/draws.py) -----------------------
        _P("typical_village", False, None, None, bool, "assumption",
           "True: the village is exactly the parameters (gentry_power, share_hired, "
           "share_poor, party_share, bad_element_share), as in the first edition. False: "
           "the village draws its structure from distributions centred on them, with the "
           "village_spread_* parameters, so villages of one method differ by more than "
           "chance (CY: 'only in a few places'; 'most of them remain under the control of "
           "local tyrants'). True is the first edition's one village.", group="villages"),
        _P("village_spread_gentry", 0.1, 0.0, 0.9, float, "assumption",
           "Spread of a village's gentry power when typical_village is False: Beta with mean "
           "gentry_power and variance village_spread_gentry * m * (1 - m) (0: no spread; "
           "0.1 at m = 0.6 gives sd 0.15, most villages between 0.3 and 0.9).",
           group="villages"),
        _P("village_spread_class", 0.02, 0.0, 0.9, float, "assumption",
           "Spread of a village's class shares (hired, poor, middle) when typical_village is "
           "False: Dirichlet with means share_hired, share_poor and the rest, each share's "
           "variance village_spread_class * m * (1 - m) (0: no spread; 0.02 gives sd 0.07 "
           "for the poor's 55%).", group="villages"),
        _P("village_spread_branch", 0.03, 0.0, 0.9, float, "assumption",
           "Spread of the branch's quality when typical_village is False: party_share and "
           "bad_element_share each Beta with the parameter as mean and variance "
           "village_spread_branch * m * (1 - m) (0: no spread; 0.03 gives sd 0.07 for the "
           "bad elements' 20% and 0.03 for the Party's 3%).", group="villages"),
        _P("village_spread_threat", 0.1, 0.0, 0.9, float, "assumption",
           "Spread of a village's exposure to the invader's raids when typical_village is "
           "False: Beta with mean threat_exposure and variance village_spread_threat * m * "
           "(1 - m) (0: no spread; 0.1 at m = 0.5 gives sd 0.16: villages near garrisons "
           "and roads are raided far more than remote ones).", group="villages"),
    ]
}
# The behavioural constants (behaviour.py) follow, group by group.
for _group, _rows in BEHAVIOUR.items():
    for _row in _rows:
        assert _row[0] not in PARAMETERS, f"parameter {_row[0]} defined twice"
        PARAMETERS[_row[0]] = Param(*_row, group=_group)
# The methods of leadership's constants (methods.py) follow, mechanism by mechanism.
for _group, _rows in METHODS_OF_LEADERSHIP.items():
    for _row in _rows:
        assert _row[0] not in PARAMETERS, f"parameter {_row[0]} defined twice"
        PARAMETERS[_row[0]] = Param(*_row, group=_group)


def groups() -> dict[str, list[str]]:
    """Parameter names by group, groups in the order they first appear in the table."""
    out: dict[str, list[str]] = {}
    for name, p in PARAMETERS.items():
        out.setdefault(p.group, []).append(name)
    return out


PRESETS: dict[str, dict[str, Any]] = {
    "quota-only": {"vital_interest_share": 0.0, "learn_from_masses": False},
    "welfare-first": {"vital_interest_share": 0.6, "learn_from_masses": True},
}
"""The two branch methods of Chen Yun (1939). Only these keys differ between them."""


FIRST_EDITION: dict[str, Any] = {
    "typical_village": True, "threat": False, "household_labour": False,
    "spontaneous_struggles": False, "gentry_reprisals": False, "separate_quotas": False,
    "quota_meetings_persuade": 0.0, "organizing_rate": 0.0, "loss_membership": 0.0,
    "obstruction_non_decree": 0.0,
    "enlist_hazard": 0.005, "press_compliance": 0.035,
    **METHODS_FIRST_EDITION,
}
"""The first edition's model, exactly (tests/test_golden.py): every second-edition
mechanism off and the two rates it was calibrated with. ``simulate(**FIRST_EDITION)`` or
``--set`` each of them reproduces every first-edition result run for run."""


def defaults() -> dict[str, Any]:
    """Default value of every parameter (preset-dependent ones resolved for the default
    method)."""
    return resolve({})


_INTEGERS = (int, np.integer)
_NUMBERS = (int, float, np.integer, np.floating)
_BOOLS = (bool, np.bool_)


def _show(value: Any) -> str:
    """``repr`` of a refused value, shortened (a 400-digit number fills no screen)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_value(p: Param, value: Any) -> Any:
    """``value`` as a plain Python value of ``p``'s kind, or ``ValueError`` naming ``p``.

    One rule for every parameter: Python and NumPy *scalars* of the right kind are
    accepted (a whole float for an integer, an integer for a float, 0 or 1 for a boolean);
    arrays of any shape (0-d too), strings for numbers, ``None``, non-finite and
    out-of-range values are refused with the parameter's name and allowed range.
    """
    if value is None:
        raise ValueError(f"{p.name} must be {_expected(p)}; got None")
    if isinstance(value, np.ndarray):
        raise ValueError(
            f"{p.name} must be a single value ({_expected(p)}), not an array; got {_show(value)}")
    if p.kind is str:
        if not isinstance(value, str) or value not in p.choices:
            raise ValueError(f"{p.name} must be one of {', '.join(p.choices)}; got {_show(value)}")
        return str(value)
    if p.kind is bool:
        if isinstance(value, _BOOLS):
            return bool(value)
        if isinstance(value, _NUMBERS) and value in (0, 1):
            return bool(value)
        raise ValueError(f"{p.name} must be true or false; got {_show(value)}")
    if isinstance(value, _BOOLS) or not isinstance(value, _NUMBERS):
        raise ValueError(f"{p.name} must be a number in {p.range_text()}; got {_show(value)}")
    num: int | float = int(value) if isinstance(value, _INTEGERS) else float(value)
    if isinstance(num, float) and not math.isfinite(num):
        raise ValueError(f"{p.name} must be a number in {p.range_text()}; got {_show(value)}")
    if p.kind is int and isinstance(num, float):
        if num != int(num):
            raise ValueError(
                f"{p.name} must be a whole number in {p.range_text()}; got {_show(value)}")
        num = int(num)
    if not (p.low <= num <= p.high):  # int against float bounds compares exactly
        raise ValueError(f"{p.name} must be in {p.range_text()}; got {_show(value)}")
    return int(num) if p.kind is int else float(num)


def check_record(record: Any) -> bool:
    """``record`` (keep the weekly DataCollector rows) as a plain ``bool``."""
    if not isinstance(record, _BOOLS):
        raise ValueError(f"record must be true or false; got {_show(record)}")
    return bool(record)


RNG_TEXT = "None, a whole number >= 0, or a numpy.random Generator, BitGenerator or SeedSequence"


def check_weeks(weeks: Any, name: str = "weeks") -> int:
    """A number of weeks to run (or a horizon) as a plain ``int`` in [1, 5200]."""
    if isinstance(weeks, _BOOLS) or not isinstance(weeks, _INTEGERS) or not 1 <= weeks <= 5200:
        raise ValueError(f"{name} must be a whole number in [1, 5200]; got {_show(weeks)}")
    return int(weeks)


def check_rng(rng: Any) -> Any:
    """``rng`` as Mesa takes it: ``None``, a plain ``int`` >= 0 (a NumPy integer becomes
    one, so the stdlib generator Mesa seeds from it accepts it), or a NumPy generator,
    bit generator or seed sequence; otherwise ``ValueError`` naming ``rng``."""
    if rng is None or isinstance(
            rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence):
        return rng
    if isinstance(rng, _INTEGERS) and not isinstance(rng, _BOOLS) and rng >= 0:
        return int(rng)
    raise ValueError(f"rng must be {RNG_TEXT}; got {_show(rng)}")


def _expected(p: Param) -> str:
    if p.kind is str:
        return f"one of {', '.join(p.choices)}"
    if p.kind is bool:
        return "true or false"
    return f"a number in {p.range_text()}"


def resolve(params: dict[str, Any]) -> dict[str, Any]:
    """Validate ``params`` and return the full parameter set.

    Unknown names and out-of-range values raise :class:`ValueError` naming the parameter
    and its allowed range. Preset-dependent parameters left as ``None`` take the value of
    the chosen ``branch_method``; an explicit value overrides the preset (a dose).
    """
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise ValueError(
            f"unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
            f"(see `mobilize params`)"
        )
    out: dict[str, Any] = {}
    for name, p in PARAMETERS.items():
        value = params.get(name, p.default)
        # None means "from the preset", and only for the preset-dependent parameters.
        out[name] = None if value is None and p.default is None else _check_value(p, value)
    preset = PRESETS[out["branch_method"]]
    for name, value in preset.items():
        if out[name] is None:
            out[name] = value
    if out["share_hired"] + out["share_poor"] > 1.0 + 1e-12:
        raise ValueError(
            "share_hired + share_poor must be at most 1; got "
            f"{out['share_hired']} + {out['share_poor']}"
        )
    return out
