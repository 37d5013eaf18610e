"""The dashboard's sidebar controls: sliders with readable labels, their values and a line
from the parameter table, the typed numbers and how they are read, and the bounds on what
one session of the dashboard may run."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import ipyvuetify as v
import solara

from ..district.parameters import DISTRICT_PARAMETERS
from ..village.parameters import METHODS, PARAMETERS, PRESETS, Param

SLIDERS: dict[str, float] = {
    "vital_interest_share": 0.1,
    "gentry_power": 0.05,
    "obstruction": 0.1,
    "levy_shift": 0.1,
    "n_gentry": 1,
    "party_share": 0.005,
    "bad_element_share": 0.05,
    "share_poor": 0.05,
    "share_hired": 0.05,
    "meeting_interval": 1,
}
"""The village pages' sliders over their documented ranges, with a step each."""

LEADERSHIP: dict[str, float | None] = {
    "decision_method": None,
    "mass_line_knowledge": None,
    "leading_group_renewal": None,
    "reliance": None,
    "central_tasks": 1,
    "task_order": None,
    "centre_stated": None,
}
"""The methods of leadership (Mao 1943) in the village pages' sidebar, in this order: a
select for each string parameter (its choices from the parameter table), a switch for each
boolean, and a slider (with its step) for central tasks."""

SWITCH_LABELS: dict[str, str] = {
    "leading_group_renewal": "the leading group is renewed in struggle",
    "centre_stated": "the district states which task is central",
}
"""What a switch of the methods of leadership says, ticked."""

THREAT_SLIDERS: dict[str, float] = {"raid_rate": 0.01, "threat_exposure": 0.05}
"""The sliders of the invader's threat, under its switch."""

DISTRICT_SLIDERS: dict[str, float] = {
    "n_villages": 1, "n_pilots": 1, "guiding_cadres": 0.5, "call_share": 0.05,
    "adoption": 0.05, "gentry_spread": 0.05,
}
"""The district page's sliders."""

DISTRICT_SLIDER_MAX = {"n_villages": 40, "n_pilots": 40}
"""The district page shows at most 40 villages (every village is a picture on the page);
the model allows 500."""

LABELS: dict[str, str] = {
    "vital_interest_share": "Vital-interest share",
    "n_gentry": "Gentry households",
    "party_share": "Party share",
    "bad_element_share": "Bad elements",
    "share_poor": "Poor households",
    "share_hired": "Hired-labourer households",
    "meeting_interval": "Weeks between meetings",
    "central_tasks": "Central tasks at once",
    "decision_method": "Decision method",
    "mass_line_knowledge": "How the mass line knows",
    "reliance": "Whom the active work on",
    "task_order": "Tasks taken",
    "n_villages": "Villages",
    "n_pilots": "Pilot villages",
    "population": "Population",
    "raid_rate": "Raids a week",
    "threat_exposure": "Exposure to raids",
}
"""Readable labels where ``name.replace("_", " ")`` does not read well."""

MAX_WEEKS = 520
"""Ten years: the charts carry every week so far, and a Step's redraw grows with them."""
MAX_VILLAGE_POPULATION = 5_000
"""Villagers per village on the one- and two-village pages (the model allows 50,000)."""
MAX_DISTRICT_VILLAGERS = 20_000
"""Villagers in all the district page's villages together (villages x population).

Why these bounds: one server runs every open page, each session holding its villages in
memory, and a session costs about 2 KB per villager (measured in process: a district of
12 x 5,000 added 122 MB, and 12 x 50,000 took 1.14 GB and 28 s). At the bounds a session
adds at most about 40 MB, Reset takes under 1.5 s and a Step with its redraw stays near
0.1 s (20,000 villagers in 12 or 40 villages: 75 and 120 ms median; two villages of
5,000: 83 ms), so a handful of students can share a small machine. Larger runs belong to
``mobilize run`` and ``mobilize district``, which write files rather than redraw."""
BOUND_REASON = ("a bound on one dashboard session, which a shared server runs for every "
                "open page; run larger ones with `mobilize run` or `mobilize district`")


def label(name: str) -> str:
    """A parameter's name as a student reads it: ``gentry_power`` is "Gentry power"."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def first_sentence(doc: str) -> str:
    """The first sentence of a parameter's documentation, without the quotation that may
    follow a colon in it (the table's docs quote their sources)."""
    end = re.search(r"(?<!\.)\. ", doc)
    sentence = doc if end is None else doc[:end.start() + 1]
    quote = sentence.find(": '")
    return sentence if quote < 0 else sentence[:quote] + "."


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:,g}"


def range_text(low: float | None, high: float | None) -> str:
    """``[low, high]`` with thousands separated."""
    return f"[{_fmt(low)}, {_fmt(high)}]"


def value_text(value: Any, step: float) -> str:
    """A slider's value with as many decimals as its step."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:.{decimals}f}"


def parse_whole(name: str, text: Any, low: int, high: int | None = None) -> int:
    """A number typed into the page, as a whole number in [low, high] (``ValueError``
    naming ``name`` and the range otherwise)."""
    allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"
    try:
        value = int(str(text).strip())
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be a whole number {allowed}; got {text!r}")
    return value


def parse_seed(text: Any) -> int:
    """The seed typed into the page, a whole number >= 0."""
    return parse_whole("seed", text, 0)


def parse_weeks(text: Any) -> int:
    """The number of weeks to run, a whole number in [1, MAX_WEEKS]."""
    return parse_whole("weeks", text, 1, MAX_WEEKS)


def number(text: str) -> Any:
    """A typed number as int or float; anything else is kept for the model to refuse."""
    try:
        value = float(str(text).replace(",", ""))
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_village_size(population: Any) -> None:
    """Refuse (``ValueError``) a village larger than a village page may run (anything
    not a number is left for the model to refuse)."""
    if _is_number(population) and population > MAX_VILLAGE_POPULATION:
        raise ValueError(f"population on this page must be at most "
                         f"{MAX_VILLAGE_POPULATION:,} ({BOUND_REASON}); got {population:,}")


def check_district_size(n_villages: Any, population: Any) -> None:
    """Refuse (``ValueError``) a district with more villagers than the page may run
    (anything not a number is left for the model to refuse)."""
    if not (_is_number(n_villages) and _is_number(population)):
        return
    total = n_villages * population
    if total > MAX_DISTRICT_VILLAGERS:
        raise ValueError(f"villages x population must be at most {MAX_DISTRICT_VILLAGERS:,} "
                         f"on this page ({BOUND_REASON}); got {n_villages} x {population:,} "
                         f"= {total:,}")


@solara.component
def ParameterSlider(name: str, p: Param, value: float, step: float,
                    on_value: Callable[[Any], None], high: float | None = None,
                    note: str = "") -> None:
    """A slider labelled with the parameter's readable name, its current value and its
    range, the first sentence of its documentation under it."""
    top = p.high if high is None else high
    hint = first_sentence(p.doc) + (f" {note}" if note else "")
    cast = int if p.kind is int else float
    v.Slider.element(
        label=f"{label(name)} {range_text(p.low, top)}: {value_text(value, step)}",
        v_model=value, min=p.low, max=top, step=step, thumb_label=True,
        hint=hint, persistent_hint=True, class_="parameter-slider mb-2",
        on_v_model=lambda x: on_value(cast(x)))


@solara.component
def ParameterSelect(name: str, p: Param, value: Any, on_value: Callable[[Any], None],
                    disabled: bool = False, note: str = "") -> None:
    """A select of a string parameter's choices, labelled with its readable name, the
    first sentence of its documentation under it."""
    v.Select.element(label=label(name), items=list(p.choices), v_model=value,
                     hint=first_sentence(p.doc) + (f" {note}" if note else ""),
                     persistent_hint=True, dense=True, disabled=disabled,
                     class_="parameter-select mb-2", on_v_model=on_value)


@solara.component
def ParameterSwitch(name: str, p: Param, value: bool, on_value: Callable[[Any], None],
                    disabled: bool = False, note: str = "") -> None:
    """A checkbox for a boolean parameter, saying what it means ticked, the first sentence
    of its documentation under it."""
    v.Checkbox.element(label=SWITCH_LABELS[name], v_model=value,
                       hint=first_sentence(p.doc) + (f" {note}" if note else ""),
                       persistent_hint=True, dense=True, disabled=disabled,
                       class_="parameter-switch mt-0 mb-2", on_v_model=on_value)


def leadership_notes(values: dict[str, Any]) -> dict[str, str]:
    """Controls of the methods of leadership that have no effect with the others as they
    stand, and why (they are greyed out, not hidden)."""
    notes = {}
    if values["decision_method"] != "mass-line":
        notes["mass_line_knowledge"] = "Greyed out: the branch is subjectivist."
    if values["central_tasks"] == 1:
        notes["task_order"] = notes["centre_stated"] = "Greyed out: one central task."
    elif values["task_order"] != "ordered":
        notes["centre_stated"] = "Greyed out: tasks taken as they come."
    return notes


@solara.component
def LeadershipControls(params: solara.Reactive[dict]) -> None:
    """The methods of leadership: how the branch decides and what it knows, its leading
    group's renewal, whom its active work on, and how it takes several central tasks."""

    def set_param(name: str) -> Callable[[Any], None]:
        return lambda value: params.set({**params.value, name: value})

    values = params.value
    notes = leadership_notes(values)
    solara.Text("Methods of leadership (Mao 1943)", classes=["leadership-title"],
                style={"font-weight": "bold", "font-size": "0.9em"})
    for name, step in LEADERSHIP.items():
        p, off = PARAMETERS[name], name in notes
        if p.kind is bool:
            ParameterSwitch(name, p, values[name], set_param(name), off, notes.get(name, ""))
        elif p.kind is str:
            ParameterSelect(name, p, values[name], set_param(name), off, notes.get(name, ""))
        else:
            ParameterSlider(name, p, values[name], step, set_param(name))


@solara.component
def TypedNumber(text_label: str, value: str, on_value: Callable[[str], None],
                help_text: str) -> None:
    """A text field for a typed number, its help (with its bounds) under it."""
    solara.InputText(text_label, value=value, on_value=on_value, message=help_text,
                     hide_details=False)


def _population_help(bound: str) -> str:
    return (f"{first_sentence(PARAMETERS['population'].doc)} {bound}, a bound on what one "
            "session of the dashboard runs.")


@solara.component
def ParameterControls(params: solara.Reactive[dict], seed: solara.Reactive[str],
                      weeks: solara.Reactive[str], with_method: bool) -> None:
    """The preset, the main parameters over their documented ranges, the methods of
    leadership, the invader's threat, population, seed and weeks."""

    def set_param(name: str) -> Callable[[Any], None]:
        return lambda value: params.set({**params.value, name: value})

    def set_method(method: str) -> None:
        params.set({**params.value, "branch_method": method, **PRESETS[method]})

    if with_method:
        solara.Select("Branch method (preset)", values=list(METHODS),
                      value=params.value["branch_method"], on_value=set_method)
        solara.Checkbox(label="learn the items from the masses",
                        value=params.value["learn_from_masses"],
                        on_value=set_param("learn_from_masses"))
    solara.Checkbox(label="a typical village (untick: draw its gentry, classes and branch)",
                    value=params.value["typical_village"],
                    on_value=set_param("typical_village"))
    for name, step in SLIDERS.items():
        if name == "vital_interest_share" and not with_method:
            continue
        ParameterSlider(name, PARAMETERS[name], params.value[name], step, set_param(name))
    LeadershipControls(params)
    solara.Checkbox(label="the invader raids (raids, requisitions, reprisals)",
                    value=params.value["threat"], on_value=set_param("threat"))
    for name, step in THREAT_SLIDERS.items():
        ParameterSlider(name, PARAMETERS[name], params.value[name], step, set_param(name),
                        note="" if name != "threat_exposure" else
                        "The mean of the draws when the village is not typical.")
    pop = PARAMETERS["population"]
    TypedNumber(f"Population {range_text(pop.low, MAX_VILLAGE_POPULATION)}",
                str(params.value["population"]),
                lambda text: params.set({**params.value, "population": number(text)}),
                _population_help(f"At most {MAX_VILLAGE_POPULATION:,} on this page"
                                 + (" (each village)" if not with_method else "")))
    SeedAndWeeks(seed, weeks)


@solara.component
def SeedAndWeeks(seed: solara.Reactive[str], weeks: solara.Reactive[str]) -> None:
    """The seed and the number of weeks to run, typed."""
    TypedNumber("Seed", seed.value, seed.set,
                "A whole number >= 0: the same seed gives the same village.")
    TypedNumber(f"Weeks to run [1, {MAX_WEEKS}]", weeks.value, weeks.set,
                f"At most {MAX_WEEKS} (ten years) on this page.")


@solara.component
def DistrictControls(params: solara.Reactive[dict], seed: solara.Reactive[str],
                     weeks: solara.Reactive[str]) -> None:
    """The committee's parameters, the villages' size, seed and weeks."""

    def set_param(name: str) -> Callable[[Any], None]:
        return lambda value: params.set({**params.value, name: value})

    solara.Checkbox(label="general call to every branch", value=params.value["general_call"],
                    on_value=set_param("general_call"))
    for name, step in DISTRICT_SLIDERS.items():
        p = DISTRICT_PARAMETERS[name]
        high = DISTRICT_SLIDER_MAX.get(name, p.high)
        note = (f"This page shows at most {high}; the model allows {_fmt(p.high)}."
                if high != p.high else "")
        ParameterSlider(name, p, params.value[name], step, set_param(name), high, note)
    gentry = PARAMETERS["gentry_power"]
    ParameterSlider("gentry_power", gentry, params.value["gentry_power"], 0.05,
                    set_param("gentry_power"))
    pop = PARAMETERS["population"]
    TypedNumber(f"Population per village {range_text(pop.low, MAX_DISTRICT_VILLAGERS)}",
                str(params.value["population"]),
                lambda text: params.set({**params.value, "population": number(text)}),
                _population_help(f"Villages x population at most "
                                 f"{MAX_DISTRICT_VILLAGERS:,} on this page"))
    SeedAndWeeks(seed, weeks)
