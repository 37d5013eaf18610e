"""The village pages' methods of leadership (Mao 1943; issue 12), rendered without a
browser as in ``test_app.py``, whose helpers these tests share: the sidebar's selects and
switches take their choices and help from the parameter table and give the village the
parameters chosen; the grid marks the leading group, its head and the villagers an active
person works on; the chart of the leading group and the branch's choices is the model's
outcomes."""

from __future__ import annotations

from collections.abc import Callable

import ipyvuetify as v
import numpy as np
import pytest
from test_app import (
    assert_refused_and_going_on,
    charts,
    click,
    render,
    slider,
    texts,
    warning_text,
    week_text,
)

from mobilization import VillageModel
from mobilization.dashboard import state
from mobilization.dashboard.app import ComparePage, VillagePage
from mobilization.dashboard.controls import LEADERSHIP, SWITCH_LABELS, first_sentence, label
from mobilization.dashboard.drawing import (
    GRID_COLOURS,
    WORKED_ON_LEGEND,
    _rgb,
    _stamps,
    village_image,
    worked_on,
)
from mobilization.dashboard.plots import PANELS
from mobilization.village import leading_group
from mobilization.village.parameters import PARAMETERS
from mobilization.village.population import PARTY
from mobilization.village.reliance import targets

LEADERSHIP_PANEL = PANELS[-1]
SELECTS = [n for n in LEADERSHIP if PARAMETERS[n].kind is str]
SWITCHES = [n for n in LEADERSHIP if PARAMETERS[n].kind is bool]


def select(rc, name: str):
    found = [w for w in rc.find(v.Select).widgets if w.label == label(name)]
    assert len(found) == 1, [w.label for w in rc.find(v.Select).widgets]
    return found[0]


def switch(rc, name: str):
    found = [w for w in rc.find(v.Checkbox).widgets if w.label == SWITCH_LABELS[name]]
    assert len(found) == 1, [w.label for w in rc.find(v.Checkbox).widgets]
    return found[0]


@pytest.fixture
def built(monkeypatch) -> list[VillageModel]:
    """Every village the pages build from here on, in order (the page's own
    VillageModels, recorded as they are made)."""
    made: list[VillageModel] = []

    class Recorded(VillageModel):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(state, "VillageModel", Recorded)
    return made


def leadership_chart(rc, index: int = 0) -> dict:
    found = [o for o in charts(rc) if o["title"]["text"].startswith(LEADERSHIP_PANEL.title)]
    return found[index]


def test_the_sidebar_has_the_methods_of_leadership_from_the_parameter_table() -> None:
    rc = render(VillagePage)
    shown = " ".join(texts(rc.container))
    assert "Methods of leadership (Mao 1943)" in shown
    defaults = state.default_params()
    for name in SELECTS:
        p, w = PARAMETERS[name], select(rc, name)
        assert w.items == list(p.choices) and len(w.items) >= 2
        assert w.v_model == p.default == defaults[name]
        assert w.hint.startswith(first_sentence(p.doc)) and w.persistent_hint
        assert "_" not in w.label
    assert select(rc, "decision_method").items == ["mass-line", "subjectivist"]
    assert select(rc, "reliance").items == ["none", "intermediate-first", "backward-first",
                                            "random"]
    for name in SWITCHES:
        p, w = PARAMETERS[name], switch(rc, name)
        assert w.v_model is p.default is defaults[name]
        assert w.hint.startswith(first_sentence(p.doc)) and w.persistent_hint
    tasks = slider(rc, "Central tasks at once [1, 10]")
    assert tasks.label == "Central tasks at once [1, 10]: 1"
    # What has no effect as things stand is greyed out, and says why.
    assert select(rc, "task_order").disabled and switch(rc, "centre_stated").disabled
    assert "Greyed out: one central task." in switch(rc, "centre_stated").hint
    assert not select(rc, "mass_line_knowledge").disabled


def test_choices_that_have_no_effect_are_greyed_out() -> None:
    rc = render(VillagePage)
    select(rc, "decision_method").v_model = "subjectivist"
    assert select(rc, "mass_line_knowledge").disabled
    assert "Greyed out: the branch is subjectivist." in select(rc, "mass_line_knowledge").hint
    slider(rc, "Central tasks at once").v_model = 3
    assert not select(rc, "task_order").disabled and not switch(rc, "centre_stated").disabled
    select(rc, "task_order").v_model = "as-it-comes"
    assert switch(rc, "centre_stated").disabled
    assert "Greyed out: tasks taken as they come." in switch(rc, "centre_stated").hint


def test_selecting_subjectivist_runs_a_subjectivist_village(built) -> None:
    rc = render(VillagePage)
    assert built[-1].p["decision_method"] == "mass-line"
    select(rc, "decision_method").v_model = "subjectivist"
    assert "Changed, press Reset" in warning_text(rc)
    assert built[-1].p["decision_method"] == "mass-line"  # not before Reset
    click(rc, "Reset")
    village = built[-1]
    assert village.p["decision_method"] == "subjectivist"
    assert warning_text(rc) == "" and week_text(rc) == "Week 0 of 104"
    for _ in range(20):
        click(rc, "Step")
    # The page's chart is that village's outcomes, and a VillageModel with the page's
    # parameters and seed gives the same.
    model = VillageModel(rng=1, **{**state.default_params(), "decision_method": "subjectivist"})
    for _ in range(20):
        model.step()
    assert model.report["decisions_weighed"] == village.report["decisions_weighed"] > 0
    series = {s["name"]: s["data"] for s in leadership_chart(rc)["series"]}
    assert series["leading group's quality"][-1][1] == pytest.approx(
        model.report["leading_group_quality"], abs=1e-3)
    assert series["choices: first half so far"][-1][1] == pytest.approx(
        model.report["decision_quality_early"], abs=1e-3)


@pytest.mark.parametrize(("name", "value"), [
    ("mass_line_knowledge", "perfect"),
    ("reliance", "none"),
    ("reliance", "backward-first"),
    ("leading_group_renewal", False),
    ("task_order", "as-it-comes"),
    ("centre_stated", True),
])
def test_each_control_sets_its_parameter_on_reset(built, name: str, value) -> None:
    rc = render(VillagePage)
    slider(rc, "Central tasks at once").v_model = 3
    widget = switch(rc, name) if name in SWITCHES else select(rc, name)
    widget.v_model = value
    click(rc, "Reset")
    assert built[-1].p[name] == value
    assert built[-1].p["central_tasks"] == 3
    click(rc, "Step")
    assert week_text(rc) == "Week 1 of 104"


def test_both_villages_of_the_compare_page_take_the_methods(built) -> None:
    rc = render(ComparePage)
    select(rc, "decision_method").v_model = "subjectivist"
    select(rc, "reliance").v_model = "random"
    click(rc, "Reset")
    quota, welfare = built[-2:]
    assert (quota.p["branch_method"], welfare.p["branch_method"]) == ("quota-only",
                                                                      "welfare-first")
    for village in (quota, welfare):
        assert village.p["decision_method"] == "subjectivist"
        assert village.p["reliance"] == "random"
    for _ in range(10):
        click(rc, "Step")
    # A quota-only branch weighs no vital-interest item: no line of its choices, not 0.
    quota_chart, welfare_chart = leadership_chart(rc, 0), leadership_chart(rc, 1)
    assert quota_chart["title"]["text"].endswith(": 0 choices weighed")
    for s in quota_chart["series"]:
        if s["name"].startswith("choices"):
            assert all(y is None for _, y in s["data"])
    assert welfare_chart["title"]["text"].endswith(
        f": {welfare.report['decisions_weighed']} choices weighed")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("decision_method", "greedy",
     "decision_method must be one of mass-line, subjectivist; got 'greedy'"),
    ("reliance", None, "reliance must be one of none, intermediate-first"),
    ("leading_group_renewal", None, "leading_group_renewal must be true or false; got None"),
])
def test_a_refused_choice_shows_the_message_and_the_page_goes_on(name: str, value,
                                                                 message: str) -> None:
    rc = render(VillagePage)
    click(rc, "Step")
    widget = switch(rc, name) if name in SWITCHES else select(rc, name)
    widget.v_model = value
    assert_refused_and_going_on(rc, message)


def _cells(model: VillageModel, px: int) -> Callable[[int], np.ndarray]:
    """Person i's cell of the village's image (``px`` pixels a side)."""
    image = village_image(model, px)[::-1]  # row 0 at y = 0 again

    def cell(i: int) -> np.ndarray:
        x, y = model.village.cell_of[i]
        return image[y * px:(y + 1) * px, x * px:(x + 1) * px]

    return cell


def _marked(cell: np.ndarray, mask: np.ndarray, colour: str) -> bool:
    return bool((cell[mask] == _rgb(colour)).all())


@pytest.mark.parametrize("size", [3, 0])
def test_grid_rings_the_leading_group_and_dots_its_head(size: int) -> None:
    """Size 3: three of the Party members are the group, one its head. Size 0 (the first
    edition): every Party member present is the group, and no head is marked."""
    model = VillageModel(rng=3, population=300, leading_group_size=size)
    for _ in range(20):
        model.step()
    px = 16
    cell = _cells(model, px)
    stamps = _stamps(px)
    ring = stamps["group"] & ~stamps["head"]
    ring[0, :] = ring[:, 0] = False  # grid lines
    s, group = model.village, model.branch.group
    party = np.flatnonzero((s.role == PARTY) & s.present)
    members = set(leading_group.members(model).tolist())
    if size:
        assert len(members) == size and group.head in members
        assert len(party) > size  # Party members outside the group, unmarked
    else:
        assert members == set(party.tolist())
    head = group.head if size else -1
    blue = GRID_COLOURS["group"]
    for i in party:
        assert _marked(cell(i), ring, blue) == (i in members), i
        assert _marked(cell(i), stamps["head"], blue) == (i == head), i
    for i in np.flatnonzero(~((s.role == PARTY) & s.present)):
        assert not (cell(i) == _rgb(blue)).all(axis=-1).any(), i


def test_grid_rings_the_villagers_worked_on() -> None:
    model = VillageModel(rng=3, population=300)
    for _ in range(20):
        model.step()
    px = 16
    cell = _cells(model, px)
    halo = _stamps(px)["halo"].copy()
    halo[0, :] = halo[:, 0] = False
    on = worked_on(model)
    assert on.any()
    # The share the model reports is that of the villagers ringed.
    todo = targets(model.village, model.stance)
    assert (on & todo).sum() / todo.sum() == pytest.approx(model.report["share_worked_on"])
    cyan = GRID_COLOURS["worked_on"]
    for i in range(model.village.n):
        if model.village.present[i]:
            assert _marked(cell(i), halo, cyan) == bool(on[i]), i
    off = VillageModel(rng=3, population=300, reliance="none")
    for _ in range(20):
        off.step()
    assert not worked_on(off).any()
    assert not (village_image(off, px) == _rgb(cyan)).all(axis=-1).any()


def test_the_legend_names_the_group_and_the_ring_of_the_worked_on() -> None:
    rc = render(VillagePage)
    shown = " ".join(texts(rc.container))
    assert "leading group: bright blue ring round the disc" in shown
    assert "branch head: bright blue ring and centre dot" in shown
    assert WORKED_ON_LEGEND[0] in shown
    select(rc, "reliance").v_model = "none"
    click(rc, "Reset")
    shown = " ".join(texts(rc.container))
    assert WORKED_ON_LEGEND[0] not in shown
    assert "leading group: bright blue ring round the disc" in shown


def test_leadership_chart_shows_no_choice_before_the_first() -> None:
    rc = render(VillagePage)
    click(rc, "Step")
    option = leadership_chart(rc)
    assert option["title"]["text"] == f"{LEADERSHIP_PANEL.title}: 0 choices weighed"
    series = {s["name"]: s for s in option["series"]}
    assert [y for _, y in series["choices: first half so far"]["data"]] == [None, None]
    assert all(y is not None for _, y in series["leading group's quality"]["data"])
    assert series["choices: first half so far"]["lineStyle"]["type"] == "dotted"
    assert option["yAxis"]["max"] == 1.0
