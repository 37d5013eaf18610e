"""The dashboard: one village week by week, two villages side by side, and a district.

Run it with ``mobilize dashboard`` or, as Mesa's examples are run,
``solara run mobilization/dashboard/app.py``. In Jupyter, ``VillagePage()`` or
``ComparePage()`` as the last expression of a cell shows the same page inline.

The pages are built with Solara, the framework of Mesa's ``SolaraViz``, and keep its
controls (Step, Play/Pause, Reset; parameters take effect on Reset). They do not call
``SolaraViz`` itself: its Reset builds the model inside the click handler, so parameters
the model refuses (``share_hired + share_poor`` above 1, a seed that is not a number) would
raise into the page instead of showing the model's message, and its draggable layout
cannot hold two villages stepping together. The model knows nothing of this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import solara

from mobilization.dashboard.drawing import LEGEND, PANELS, STANCE_LINE, series, village_png
from mobilization.district.model import DistrictModel
from mobilization.district.parameters import DISTRICT_PARAMETERS, resolve_district
from mobilization.experiments.plots import COLOURS
from mobilization.village.model import VillageModel
from mobilization.village.parameters import (
    HORIZON_WEEKS,
    METHODS,
    PARAMETERS,
    PRESETS,
    resolve,
)

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
    "central_tasks": 1,
}
"""The main parameters as sliders over their documented ranges, with a step each."""

MAX_WEEKS = 520
PLAY_INTERVAL = 0.15
"""Seconds between weeks while playing."""


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


def village_params(params: dict[str, Any], methods: tuple[str, ...] | None
                   ) -> list[dict[str, Any]]:
    """The parameters of each village of a page: ``params`` itself (``methods`` None), or
    one set per method, its preset in place of the page's method and dose."""
    if methods is None:
        return [params]
    common = {k: v for k, v in params.items()
              if k != "branch_method" and k not in PRESETS[METHODS[0]]}
    return [{**common, "branch_method": m} for m in methods]


def build_villages(params: dict[str, Any], seed: Any, methods: tuple[str, ...] | None,
                   weeks: Any = HORIZON_WEEKS) -> list[VillageModel]:
    """The villages of a page, all with one seed. Raises the model's ``ValueError``, or
    one for a seed or a number of weeks out of range."""
    parse_weeks(weeks)
    rng = parse_seed(seed)
    return [VillageModel(rng=rng, **p) for p in village_params(params, methods)]


def default_params() -> dict[str, Any]:
    """The page's starting parameters: the defaults of the model, welfare-first."""
    p = resolve({})
    return {"branch_method": p["branch_method"], "learn_from_masses": p["learn_from_masses"],
            "population": p["population"], **{k: p[k] for k in SLIDERS}}


@dataclass
class Simulation:
    """What a page steps: its villages, the week, and the controls' state."""

    villages: solara.Reactive[list[Any]]  # VillageModels, or one DistrictModel
    week: solara.Reactive[int]
    playing: solara.Reactive[bool]
    error: solara.Reactive[str | None]
    weeks: int

    def step(self) -> bool:
        """One week of every village; a model error stops play and shows on the page."""
        try:
            for village in self.villages.value:
                village.step()
        except Exception as e:  # noqa: BLE001 -- shown on the page, which goes on
            self.error.set(f"the village stopped in week {self.week.value + 1}: {e}")
            self.playing.set(False)
            return False
        self.week.set(self.villages.value[0].week)
        return True


def use_simulation(make: Callable[[], list[Any]], weeks: int) -> tuple[
        Simulation, Callable[[], None]]:
    """State of a page that steps ``make()``'s villages, and its Reset: a new set from
    the current controls, or, when the model refuses them, its message and the old set."""
    villages = solara.use_reactive(solara.use_memo(make, []))
    week = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    error = solara.use_reactive(None)
    sim = Simulation(villages, week, playing, error, weeks)

    def play() -> None:
        while sim.playing.value and sim.week.value < sim.weeks:
            started = time.perf_counter()
            if not sim.step():
                break
            time.sleep(max(0.0, PLAY_INTERVAL - (time.perf_counter() - started)))
        sim.playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def reset() -> None:
        playing.set(False)
        try:
            new = make()
        except ValueError as e:
            error.set(str(e))
            return
        error.set(None)
        villages.set(new)
        week.set(0)

    return sim, reset


@solara.component
def RunControls(sim: Simulation, reset: Callable[[], None]) -> None:
    """Step, Play/Pause and Reset, as in Mesa's SolaraViz, and the week counter."""
    done = sim.week.value >= sim.weeks
    with solara.Row(justify="space-between"):
        solara.Button("Reset", color="primary", on_click=reset, outlined=True)
        solara.Button("Pause" if sim.playing.value else "Play", color="primary",
                      on_click=lambda: sim.playing.set(not sim.playing.value),
                      disabled=done and not sim.playing.value)
        solara.Button("Step", color="primary", on_click=sim.step,
                      disabled=sim.playing.value or done)
    solara.Text(f"Week {sim.week.value} of {sim.weeks}", classes=["week-counter"],
                style={"font-size": "1.2em", "font-weight": "bold"})


@solara.component
def ParameterControls(params: solara.Reactive[dict], seed: solara.Reactive[str],
                      weeks: solara.Reactive[str], with_method: bool) -> None:
    """The preset, the main parameters over their documented ranges, population, seed
    and weeks. A value the model refuses shows the model's message here."""

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
    for name, step in SLIDERS.items():
        if name == "vital_interest_share" and not with_method:
            continue
        p = PARAMETERS[name]
        widget = solara.SliderInt if p.kind is int else solara.SliderFloat
        widget(f"{name} {p.range_text()}", value=params.value[name], min=p.low, max=p.high,
               step=step, on_value=set_param(name))
    pop = PARAMETERS["population"]
    solara.InputText(f"population {pop.range_text()}", value=str(params.value["population"]),
                     on_value=lambda text: params.set(
                         {**params.value, "population": _number(text)}))
    solara.InputText("seed", value=seed.value, on_value=seed.set)
    solara.InputText(f"weeks to run [1, {MAX_WEEKS}]", value=weeks.value,
                     on_value=weeks.set)


def _number(text: str) -> Any:
    """A typed number as int or float; anything else is kept for the model to refuse."""
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def refusal(check: Callable[[], Any]) -> str | None:
    """The model's message if ``check()`` raises ``ValueError``, else None."""
    try:
        check()
    except ValueError as e:
        return str(e)
    return None


def pending_problem(params: dict, seed: str, weeks: str, methods: tuple[str, ...] | None
                    ) -> str | None:
    """The message the model gives for the controls as they stand, or None."""
    return refusal(lambda: (parse_seed(seed), parse_weeks(weeks),
                            [resolve(p) for p in village_params(params, methods)]))


@solara.component
def Messages(sim: Simulation, problem: str | None) -> None:
    if problem:
        solara.Error(f"{problem}. Reset keeps the running village until this is "
                     "corrected.", dense=True)
    elif sim.error.value:
        solara.Error(sim.error.value, dense=True)
    else:
        solara.Text("Parameters take effect on Reset.", style={"font-size": "0.85em"})


LINE_TYPES = {"army_rate": "dashed", "salvation_rate": "dotted"}


def _echarts_panel(frames: dict[str, Any], columns: dict[str, str], heading: str,
                   percent: bool, weeks: int, colours: dict[str, str] | None = None) -> dict:
    """An ECharts option: the columns of each frame against the week."""
    scale = 100.0 if percent else 1.0
    out = []
    for label, df in frames.items():
        week = df["week"].tolist()
        for column, name in columns.items():
            # NaN (a rate of no village, as pilots when there are none) is a gap, not JSON.
            values = [None if v != v else v
                      for v in (df[column].to_numpy(float) * scale).round(3).tolist()]
            colour = (colours or {}).get(label) or STANCE_LINE.get(column)
            out.append({
                "name": f"{label}: {name}" if len(frames) > 1 else name,
                "type": "line", "showSymbol": False, "data": list(zip(week, values,
                                                                      strict=True)),
                "step": "end" if column == "government_elected" else False,
                "lineStyle": {"type": LINE_TYPES.get(column, "solid"),
                              "width": 2.5 if column == "recruitment_rate" else 1.5,
                              **({"color": colour} if colour else {})},
                **({"itemStyle": {"color": colour}} if colour else {}),
            })
    return {
        "animation": False,
        "title": {"text": heading, "textStyle": {"fontSize": 12}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0, "textStyle": {"fontSize": 10}},
        "grid": {"left": 48, "right": 12, "top": 36, "bottom": 24},
        "xAxis": {"type": "value", "min": 0, "max": weeks, "name": "week"},
        "yAxis": {"type": "value", "min": 0,
                  # Shares hold a fixed 0-100% axis; recruitment (a few %) scales.
                  **({"axisLabel": {"formatter": "{value}%"}} if percent else {"max": 1}),
                  **({"max": 100} if percent and "recruitment_rate" not in columns else {})},
        "series": out,
    }


@solara.component
def SeriesPanels(frames: dict[str, Any], weeks: int,
                 panels: tuple = PANELS, colours: dict[str, str] | None = None) -> None:
    for heading, columns, percent in panels:
        solara.FigureEcharts(option=_echarts_panel(frames, columns, heading, percent,
                                                   weeks, colours),
                             attributes={"style": "height: 190px; width: 100%"})


@solara.component
def VillageGrid(village: VillageModel, week: int, title: str) -> None:
    """The village grid (redrawn when the week or the village changes) under a title."""
    png = solara.use_memo(lambda: village_png(village), [village, week])
    solara.Text(title, style={"font-weight": "bold"})
    solara.Image(png, width="100%")


@solara.component
def Legend() -> None:
    """What the grid's colours and marks mean."""
    with solara.Column(gap="2px", style={"font-size": "0.8em"}):
        for label, colour in LEGEND:
            with solara.Row(gap="6px", style={"align-items": "center"}):
                solara.HTML(tag="span", unsafe_innerHTML="&nbsp;", style={
                    "display": "inline-block", "width": "12px", "height": "12px",
                    "background": colour, "border": "1px solid #555"})
                solara.Text(label)


@dataclass
class Page:
    """The state of one page: its controls' values, what it steps, and what the model
    says of the controls as they stand."""

    params: solara.Reactive[dict]
    seed: solara.Reactive[str]
    weeks: solara.Reactive[str]
    sim: Simulation
    reset: Callable[[], None]
    problem: str | None


def use_page(initial: dict[str, Any], make: Callable[[dict, str, str], list[Any]],
             check: Callable[[dict, str, str], str | None]) -> Page:
    """Controls (seed 1, the default horizon) and the simulation of a page."""
    params = solara.use_reactive(initial)
    seed = solara.use_reactive("1")
    weeks = solara.use_reactive(str(HORIZON_WEEKS))
    sim, reset = use_simulation(lambda: make(params.value, seed.value, weeks.value),
                                _weeks_or(weeks.value))
    return Page(params, seed, weeks, sim, reset, check(params.value, seed.value,
                                                       weeks.value))


@solara.component
def PageSidebar(page: Page, run_title: str, controls_title: str,
                controls: Callable[[], None]) -> None:
    """The sidebar of every page: Step, Play/Pause, Reset and messages; the controls."""
    with solara.Sidebar():
        with solara.Card(run_title):
            RunControls(page.sim, page.reset)
            Messages(page.sim, page.problem)
        with solara.Card(controls_title):
            controls()


def use_village_page(methods: tuple[str, ...] | None) -> Page:
    """A page of one village (``methods`` None) or of one village per method."""
    return use_page(default_params(),
                    lambda p, s, w: build_villages(p, s, methods, w),
                    lambda p, s, w: pending_problem(p, s, w, methods))


@solara.component
def VillagePage() -> None:
    """One village week by week: the grid, the weekly outcomes, and the controls."""
    page = use_village_page(None)
    sim = page.sim
    PageSidebar(page, "Run", "Village", lambda: ParameterControls(
        page.params, page.seed, page.weeks, with_method=True))
    village = sim.villages.value[0]
    with solara.Columns([5, 7]):
        with solara.Column():
            VillageGrid(village, sim.week.value,
                        f"{village.p['branch_method']} branch "
                        f"({village.p['vital_interest_share']:.0%} of meetings on vital "
                        f"interests), week {village.week}")
            Legend()
        with solara.Column():
            SeriesPanels({"village": series(village)}, sim.weeks)


@solara.component
def ComparePage() -> None:
    """A quota-only and a welfare-first village with the same seed and parameters,
    stepping together, their recruitment on one chart."""
    page = use_village_page(("quota-only", "welfare-first"))
    sim = page.sim
    PageSidebar(page, "Run both", "Both villages", lambda: ParameterControls(
        page.params, page.seed, page.weeks, with_method=False))
    frames = {v.p["branch_method"]: series(v) for v in sim.villages.value}
    SeriesPanels(frames, sim.weeks, panels=(PANELS[0],), colours=COLOURS)
    with solara.Columns([1, 1]):
        for village in sim.villages.value:
            with solara.Column():
                rate = village.recruitment_rate
                VillageGrid(village, sim.week.value,
                            f"{village.p['branch_method']}: {rate:.1%} mobilized, "
                            f"week {village.week}")
    Legend()
    with solara.Columns([1, 1]):
        for village in sim.villages.value:
            with solara.Column():
                SeriesPanels({village.p["branch_method"]: series(village)}, sim.weeks,
                             panels=PANELS[1:])


def _weeks_or(text: str) -> int:
    try:
        return parse_weeks(text)
    except ValueError:
        return HORIZON_WEEKS


TITLE = "Mass mobilization in a north-China village, 1939"


@solara.component
def Layout(children: list | None = None) -> None:
    """The app's frame: a tab for each page, named by its label."""
    route_current, routes_all = solara.use_route()
    router = solara.use_router()
    index = routes_all.index(route_current) if route_current in routes_all else 0

    def go(i: int) -> None:
        router.push("/" + routes_all[i].path.strip("/"))

    with (solara.AppLayout(children=children or [], title=TITLE), solara.AppBar(),
          solara.lab.Tabs(value=index, on_value=go, align="center")):
        for route in routes_all:
            solara.lab.Tab(route.label)


DISTRICT_SLIDERS: dict[str, float] = {
    "n_villages": 1, "n_pilots": 1, "guiding_cadres": 0.5, "call_share": 0.05,
    "adoption": 0.05, "gentry_spread": 0.05,
}
"""The district page's sliders; n_villages stops at 40 so the page stays quick."""
DISTRICT_PANEL = ("mobilized, % of initial population",
                  {"recruitment_rate": "district", "pilot_recruitment_rate": "pilots",
                   "other_recruitment_rate": "other villages"}, True)


def build_district(params: dict[str, Any], seed: Any, weeks: Any = HORIZON_WEEKS
                   ) -> list[DistrictModel]:
    """The district page's district (in a list, as the pages step lists)."""
    parse_weeks(weeks)
    return [DistrictModel(rng=parse_seed(seed), **params)]


def district_problem(params: dict, seed: str, weeks: str) -> str | None:
    """The message the district gives for the controls as they stand, or None."""
    return refusal(lambda: (parse_seed(seed), parse_weeks(weeks), resolve_district(params)))


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
        high = 40 if name in ("n_villages", "n_pilots") else p.high
        label = (f"{name} [0, 40] of {p.range_text()}" if high != p.high
                 else f"{name} {p.range_text()}")
        widget = solara.SliderInt if p.kind is int else solara.SliderFloat
        widget(label, value=params.value[name], min=p.low, max=high, step=step,
               on_value=set_param(name))
    for name in ("gentry_power", "population"):
        p = PARAMETERS[name]
        if p.kind is int:
            solara.InputText(f"{name} {p.range_text()}", value=str(params.value[name]),
                             on_value=lambda text, n=name: params.set(
                                 {**params.value, n: _number(text)}))
        else:
            solara.SliderFloat(f"{name} {p.range_text()}", value=params.value[name],
                               min=p.low, max=p.high, step=0.05, on_value=set_param(name))
    solara.InputText("seed", value=seed.value, on_value=seed.set)
    solara.InputText(f"weeks to run [1, {MAX_WEEKS}]", value=weeks.value, on_value=weeks.set)


@solara.component
def DistrictPage() -> None:
    """A district of villages whose branches begin quota-only: the committee's general
    call, guiding cadres in pilot villages (marked), and summed-up experience."""
    defaults = {name: p.default for name, p in DISTRICT_PARAMETERS.items()}
    page = use_page({**defaults, "n_villages": 12, "population": 200,
                     "gentry_power": PARAMETERS["gentry_power"].default},
                    build_district, district_problem)
    sim = page.sim
    PageSidebar(page, "Run the district", "District committee",
                lambda: DistrictControls(page.params, page.seed, page.weeks))
    district = sim.villages.value[0]
    frames = series(district)
    SeriesPanels({"district": frames}, sim.weeks, panels=(DISTRICT_PANEL,))
    r = district.report
    solara.Text(f"Week {district.week}: {r['recruitment_rate']:.1%} mobilized; "
                f"{r['villages_elected']:.0%} of villages elected their government; "
                f"branches take up vital interests at {r['mean_vital_share']:.0%} of "
                f"meetings, {r['learning_branches']:.0%} learn from the masses. Pilots are "
                "outlined in gold.")
    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}):
        for i, village in enumerate(district.villages):
            VillageTile(village, sim.week.value, bool(district.is_pilot[i]), i)
    Legend()


@solara.component
def VillageTile(village: VillageModel, week: int, pilot: bool, index: int) -> None:
    """One village of the district as a small grid, a pilot outlined in gold."""
    png = solara.use_memo(lambda: village_png(village, max(2, 150 // village.village.side)),
                          [village, week])
    border = "4px solid #d4ac0d" if pilot else "4px solid transparent"
    with solara.Column(gap="0px", style={"width": "160px"}):
        solara.Text(f"{'pilot ' if pilot else ''}village {index + 1}: "
                    f"{village.recruitment_rate:.1%}", style={"font-size": "0.8em"})
        with solara.Column(gap="0px", style={"border": border, "width": "158px"}):
            solara.Image(png, width="150px")


routes = [
    solara.Route(path="/", component=VillagePage, label="One village", layout=Layout),
    solara.Route(path="compare", component=ComparePage, label="Two villages"),
    solara.Route(path="district", component=DistrictPage, label="A district"),
]
