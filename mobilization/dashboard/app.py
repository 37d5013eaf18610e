"""The dashboard's pages and layout: one village week by week, two villages side by side,
and a district.

Run it with ``mobilize dashboard`` or, as Mesa's examples are run,
``solara run mobilization/dashboard/app.py``. In Jupyter, ``VillagePage()`` or
``ComparePage()`` as the last expression of a cell shows the same page inline.

The pages are built with Solara, the framework of Mesa's ``SolaraViz``, and keep its
controls (Step, Play/Pause, Reset; parameters take effect on Reset). They do not call
``SolaraViz`` itself: its Reset builds the model inside the click handler, so parameters
the model refuses (``share_hired + share_poor`` above 1, a seed that is not a number) would
raise into the page instead of showing the model's message, and its draggable layout
cannot hold two villages stepping together. The model knows nothing of this module.

The pages are put together here from ``controls`` (the sidebar's controls and the bounds
of a session), ``state`` (what a page steps), ``plots`` (the charts), ``panels`` (the
threat chart and the village's structure) and ``drawing`` (the village grid); their public
names are importable from here too. ``solara run`` executes this file as a script, so its
imports are absolute.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from mobilization.dashboard.controls import (
    MAX_DISTRICT_VILLAGERS,
    MAX_VILLAGE_POPULATION,
    MAX_WEEKS,
    DistrictControls,
    ParameterControls,
    parse_seed,
    parse_weeks,
)
from mobilization.dashboard.drawing import (
    LEGEND,
    RAID_LEGEND,
    WORKED_ON_LEGEND,
    series,
    village_png,
)
from mobilization.dashboard.panels import StructureCard, ThreatPanel
from mobilization.dashboard.plots import DISTRICT_PANEL, PANELS, SeriesPanels
from mobilization.dashboard.state import (
    Page,
    Simulation,
    build_district,
    build_villages,
    default_params,
    district_defaults,
    district_problem,
    pending_problem,
    use_page,
)
from mobilization.palette import METHOD_COLOURS, PILOTS
from mobilization.village.model import VillageModel

__all__ = ["MAX_DISTRICT_VILLAGERS", "MAX_VILLAGE_POPULATION", "MAX_WEEKS", "ComparePage",
           "DistrictPage", "Layout", "Page", "Simulation", "VillagePage", "build_district",
           "build_villages", "default_params", "parse_seed", "parse_weeks", "routes"]


@solara.component
def RunControls(sim: Simulation, reset: Callable[[], None], changed: bool = False) -> None:
    """Step, Play/Pause and Reset, as in Mesa's SolaraViz, and the week counter. Reset
    stands out while the controls differ from those of the running villages."""
    done = sim.week.value >= sim.weeks
    with solara.Row(justify="space-between"):
        solara.Button("Reset", color="warning" if changed else "primary", on_click=reset,
                      outlined=not changed)
        solara.Button("Pause" if sim.playing.value else "Play", color="primary",
                      on_click=lambda: sim.playing.set(not sim.playing.value),
                      disabled=done and not sim.playing.value)
        solara.Button("Step", color="primary", on_click=sim.step,
                      disabled=sim.playing.value or done)
    solara.Text(f"Week {sim.week.value} of {sim.weeks}", classes=["week-counter"],
                style={"font-size": "1.2em", "font-weight": "bold"})


@solara.component
def Messages(sim: Simulation, problem: str | None, changed: bool = False) -> None:
    """The model's refusal of the controls, an error of the running villages, or that
    the controls changed and wait for Reset."""
    if problem:
        solara.Error(f"{problem}. Reset keeps the running village until this is "
                     "corrected.", dense=True)
    elif sim.error.value:
        solara.Error(sim.error.value, dense=True)
    elif changed:
        solara.Warning("Changed, press Reset: the village runs on with the settings it "
                       "started with until then.", dense=True)
    else:
        solara.Text("Parameters take effect on Reset.", style={"font-size": "0.85em"})


@solara.component
def VillageGrid(village: VillageModel, week: int, title: str, sim: Simulation) -> None:
    """The village grid (redrawn when the week or the village changes) under a title, the
    households of its last raid framed."""
    last_raid = sim.raids.of(village)
    raided = None if last_raid is None else last_raid[1]
    png = solara.use_memo(lambda: village_png(village, raided=raided), [village, week])
    solara.Text(title, style={"font-weight": "bold"})
    solara.Image(png, width="100%")


def relied_on(village: VillageModel) -> bool:
    """Whether the branch organizes its active to work on their neighbours
    (``reliance``), so the grid may ring the villagers worked on."""
    return village.p["reliance"] != "none"


@solara.component
def Legend(threat: bool = False, worked_on: bool = True) -> None:
    """What the grid's colours and marks mean (the raid frame while the threat is on, the
    ring of the villagers worked on while the active are relied on)."""
    lines = (*LEGEND, *((WORKED_ON_LEGEND,) if worked_on else ()),
             *((RAID_LEGEND,) if threat else ()))
    with solara.Column(gap="2px", style={"font-size": "0.8em"}):
        for label, colour in lines:
            with solara.Row(gap="6px", style={"align-items": "center"}):
                solara.HTML(tag="span", unsafe_innerHTML="&nbsp;", style={
                    "display": "inline-block", "width": "12px", "height": "12px",
                    "background": colour, "border": "1px solid #555"})
                solara.Text(label)


@solara.component
def PageSidebar(page: Page, run_title: str, controls_title: str,
                controls: Callable[[], None]) -> None:
    """The sidebar of every page: Step, Play/Pause, Reset and messages; the controls."""
    with solara.Sidebar():
        with solara.Card(run_title):
            RunControls(page.sim, page.reset, page.changed)
            Messages(page.sim, page.problem, page.changed)
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
    frame = series(village)
    with solara.Columns([5, 7]):
        with solara.Column():
            VillageGrid(village, sim.week.value,
                        f"{village.p['branch_method']} branch "
                        f"({village.p['vital_interest_share']:.0%} of meetings on vital "
                        f"interests), week {village.week}", sim)
            Legend(village.p["threat"], relied_on(village))
            StructureCard(village)
        with solara.Column():
            SeriesPanels({"village": frame}, sim.weeks)
            ThreatPanel(village, frame, sim.weeks, sim.raids.of(village))


@solara.component
def ComparePage() -> None:
    """A quota-only and a welfare-first village with the same seed and parameters,
    stepping together, their recruitment on one chart."""
    page = use_village_page(("quota-only", "welfare-first"))
    sim = page.sim
    PageSidebar(page, "Run both", "Both villages", lambda: ParameterControls(
        page.params, page.seed, page.weeks, with_method=False))
    villages = sim.villages.value
    frames = {v.p["branch_method"]: series(v) for v in villages}
    SeriesPanels(frames, sim.weeks, panels=(PANELS[0],), colours=METHOD_COLOURS)
    with solara.Columns([1, 1]):
        for village in villages:
            with solara.Column():
                rate = village.recruitment_rate
                VillageGrid(village, sim.week.value,
                            f"{village.p['branch_method']}: {rate:.1%} mobilized, "
                            f"week {village.week}", sim)
    Legend(villages[0].p["threat"], relied_on(villages[0]))
    # One seed draws one structure: a card for both unless they differ.
    alike = all(v.structure == villages[0].structure for v in villages)
    with solara.Columns([1] if alike else [1] * len(villages)):
        for village in villages[:1] if alike else villages:
            with solara.Column():
                StructureCard(village, "Both villages" if alike
                              else f"The {village.p['branch_method']} village")
    with solara.Columns([1, 1]):
        for village in villages:
            with solara.Column():
                method = village.p["branch_method"]
                SeriesPanels({method: frames[method]}, sim.weeks, panels=PANELS[1:])
                ThreatPanel(village, frames[method], sim.weeks, sim.raids.of(village))


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


@solara.component
def DistrictPage() -> None:
    """A district of villages whose branches begin quota-only: the committee's general
    call, guiding cadres in pilot villages (marked), and summed-up experience."""
    page = use_page(district_defaults(), build_district, district_problem)
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
                "outlined in magenta.")
    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}):
        for i, village in enumerate(district.villages):
            VillageTile(village, sim.week.value, bool(district.is_pilot[i]), i)
    Legend()


@solara.component
def VillageTile(village: VillageModel, week: int, pilot: bool, index: int) -> None:
    """One village of the district as a small grid, a pilot outlined in the pilots'
    colour."""
    png = solara.use_memo(lambda: village_png(village, max(2, 150 // village.village.side)),
                          [village, week])
    # A white gap keeps the outline off the cells: it need only stand out from white.
    border = f"4px solid {PILOTS}" if pilot else "4px solid transparent"
    with solara.Column(gap="0px", style={"width": "166px"}):
        solara.Text(f"{'pilot ' if pilot else ''}village {index + 1}: "
                    f"{village.recruitment_rate:.1%}", style={"font-size": "0.8em"})
        with solara.Column(gap="0px", style={"border": border, "padding": "3px",
                                             "background": "#ffffff", "width": "164px"}):
            solara.Image(png, width="150px")


routes = [
    solara.Route(path="/", component=VillagePage, label="One village", layout=Layout),
    solara.Route(path="compare", component=ComparePage, label="Two villages"),
    solara.Route(path="district", component=DistrictPage, label="A district"),
]
