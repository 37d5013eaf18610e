"""The dashboard without a browser: Solara renders the pages into widgets in this process,
the tests click them and check the villages and the charts (the browser test is
``test_browser.py``)."""

from __future__ import annotations

import time

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara

from mobilization import VillageModel
from mobilization.dashboard.app import ComparePage, Layout, VillagePage, build_villages
from mobilization.dashboard.drawing import (
    GRID_COLOURS,
    STANCE_COLOURS,
    _rgb,
    _stamps,
    village_image,
)
from mobilization.village.population import ARMY, PRESENT, SALVATION


def render(page):
    _box, rc = solara.render(Layout(children=[page()]), handle_error=False)
    return rc


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def week_text(rc) -> str:
    return rc.find(v.Html, class_="week-counter").widget.children[0]


def charts(rc) -> list[dict]:
    return [w.option for w in rc.find(solara.components.echarts.EchartsWidget).widgets]


def texts(widget) -> list[str]:
    """Every text shown in a widget tree."""
    out = []
    for child in getattr(widget, "children", None) or []:
        out += [child] if isinstance(child, str) else texts(child)
    return out


def slider(rc, label: str):
    return rc.find(v.Slider, label=label).widget


def type_into(rc, label: str, text: str) -> None:
    """Type ``text`` into a text field and press Enter."""
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", None)


def error_text(rc) -> str:
    found = rc.find(v.Alert, type="error").widgets
    return " ".join(str(c) for w in found for c in w.children)


def test_step_advances_the_village_and_feeds_the_plots() -> None:
    rc = render(VillagePage)
    assert week_text(rc) == "Week 0 of 104"
    image0 = rc.find(ipywidgets.Image).widget.value
    for _ in range(3):
        click(rc, "Step")
    assert week_text(rc) == "Week 3 of 104"
    options = charts(rc)
    assert len(options) == 5
    for option in options:
        for series in option["series"]:
            assert [w for w, _ in series["data"]] == [0, 1, 2, 3]
    assert rc.find(ipywidgets.Image).widget.value != image0


def test_the_page_runs_the_same_village_as_the_model() -> None:
    """Three Steps on the page give the outcomes of three steps of a VillageModel with the
    page's parameters and seed."""
    rc = render(VillagePage)
    for _ in range(3):
        click(rc, "Step")
    model = VillageModel(rng=1)
    for _ in range(3):
        model.step()
    recruitment = next(s for s in charts(rc)[0]["series"] if s["name"] == "total")
    assert recruitment["data"][-1][1] == pytest.approx(100 * model.recruitment_rate)
    stances = {s["name"]: s["data"][-1][1] for s in charts(rc)[1]["series"]}
    assert stances["active"] == pytest.approx(100 * model.report["share_active"], abs=1e-3)


def test_play_runs_and_pause_stops() -> None:
    rc = render(VillagePage)
    click(rc, "Play")
    deadline = time.monotonic() + 30
    while week_text(rc) in ("Week 0 of 104", "Week 1 of 104") and time.monotonic() < deadline:
        time.sleep(0.05)
    click(rc, "Pause")
    time.sleep(0.5)  # let a week in progress finish
    stopped = week_text(rc)
    assert stopped not in ("Week 0 of 104", "Week 1 of 104")
    time.sleep(0.6)
    assert week_text(rc) == stopped


def test_reset_applies_the_preset_and_restarts() -> None:
    rc = render(VillagePage)
    click(rc, "Step")
    rc.find(v.Select, label="Branch method (preset)").widget.v_model = "quota-only"
    assert slider(rc, "vital_interest_share [0, 1]").v_model == 0.0
    click(rc, "Reset")
    assert week_text(rc) == "Week 0 of 104"
    click(rc, "Step")
    recruitment = next(s for s in charts(rc)[0]["series"] if s["name"] == "total")
    model = VillageModel(rng=1, branch_method="quota-only")
    model.step()
    assert recruitment["data"][-1][1] == pytest.approx(100 * model.recruitment_rate)


@pytest.mark.parametrize(("control", "value", "message"), [
    ("share_poor [0, 1]", 0.95, "share_hired + share_poor must be at most 1"),
    ("seed", "abc", "seed must be a whole number >= 0; got 'abc'"),
    ("population [20, 50000]", "60000", "population must be in [20, 50000]; got 60000"),
    ("weeks to run [1, 520]", "0", "weeks must be a whole number in [1, 520]"),
])
def test_refused_controls_show_the_message_and_the_page_keeps_working(
        control: str, value, message: str) -> None:
    rc = render(VillagePage)
    click(rc, "Step")
    if control.startswith("share_poor"):
        slider(rc, control).v_model = value
    else:
        type_into(rc, control, value)
    assert message in error_text(rc)
    click(rc, "Reset")  # refused: the village goes on with its last valid parameters
    assert message in error_text(rc)
    assert week_text(rc) == "Week 1 of 104"
    click(rc, "Step")
    assert week_text(rc) == "Week 2 of 104"


def test_compare_steps_two_villages_together() -> None:
    rc = render(ComparePage)
    for _ in range(2):
        click(rc, "Step")
    assert week_text(rc) == "Week 2 of 104"
    recruitment = charts(rc)[0]
    names = [s["name"] for s in recruitment["series"]]
    assert "quota-only: total" in names and "welfare-first: total" in names
    for s in recruitment["series"]:
        assert [w for w, _ in s["data"]] == [0, 1, 2]
    assert len(rc.find(ipywidgets.Image).widgets) == 2


def test_compare_villages_share_seed_and_parameters() -> None:
    params = {"branch_method": "welfare-first", "vital_interest_share": 0.6,
              "learn_from_masses": True, "gentry_power": 0.7, "population": 300}
    quota, welfare = build_villages(params, "5", ("quota-only", "welfare-first"))
    assert quota.p["branch_method"] == "quota-only"
    assert quota.p["vital_interest_share"] == 0.0
    assert welfare.p["vital_interest_share"] == 0.6
    assert {k: v for k, v in quota.p.items() if k not in ("branch_method",
            "vital_interest_share", "learn_from_masses")} == \
        {k: v for k, v in welfare.p.items() if k not in ("branch_method",
         "vital_interest_share", "learn_from_masses")}
    # Same seed, same people: the villages are built alike.
    assert np.array_equal(quota.village.cell_of, welfare.village.cell_of)


def test_village_image_shows_each_person_where_they_are() -> None:
    model = VillageModel(rng=3, population=300)
    for _ in range(60):
        model.step()
    s = model.village
    assert (s.status != PRESENT).any()
    px = 8
    image = village_image(model, px)[::-1]  # row 0 at y = 0 again
    assert image.shape == (s.side * px, s.side * px, 3)

    # A pixel of each cell that no mark and no grid line covers: it shows the cell colour.
    free = ~np.any(list(_stamps(px).values()), axis=0)
    free[0, :] = free[:, 0] = False
    r, c = np.argwhere(free)[0]

    def corner(i: int) -> np.ndarray:
        x, y = s.cell_of[i]
        return image[y * px + r, x * px + c]

    for i in range(s.n):
        if s.status[i] == PRESENT:
            expected = _rgb(STANCE_COLOURS[int(model.stance[i])])
        else:
            expected = _rgb(GRID_COLOURS["left"])
        assert np.array_equal(corner(i), expected), i
    left = np.flatnonzero(np.isin(s.status, (ARMY, SALVATION)))
    x, y = s.cell_of[left[0]]
    cell = image[y * px:(y + 1) * px, x * px:(x + 1) * px]
    assert (cell == _rgb(GRID_COLOURS["mobilized"])).all(axis=-1).any()


def test_a_model_error_while_stepping_shows_on_the_page(monkeypatch) -> None:
    rc = render(VillagePage)
    click(rc, "Step")

    def broken(*args, **kwargs) -> None:
        raise RuntimeError("broken on purpose")

    # Mesa binds a model's step at construction, so break something the step calls.
    monkeypatch.setattr("mobilization.village.dynamics.update_consciousness", broken)
    click(rc, "Step")
    assert "the village stopped in week 2: broken on purpose" in error_text(rc)
    assert week_text(rc) == "Week 1 of 104"
    monkeypatch.undo()
    click(rc, "Reset")
    click(rc, "Step")
    assert week_text(rc) == "Week 1 of 104"
    assert error_text(rc) == ""


def test_district_page_steps_the_district_and_marks_the_pilots() -> None:
    from mobilization.dashboard.app import DistrictPage

    rc = render(DistrictPage)
    assert week_text(rc) == "Week 0 of 104"
    for _ in range(2):
        click(rc, "Step")
    assert week_text(rc) == "Week 2 of 104"
    recruitment = charts(rc)[0]
    names = [s["name"] for s in recruitment["series"]]
    assert names == ["district", "pilots", "other villages"]
    assert all([w for w, _ in s["data"]] == [0, 1, 2] for s in recruitment["series"])
    assert len(rc.find(ipywidgets.Image).widgets) == 12
    labels = [s for s in texts(rc.container) if "village " in s]
    assert len(labels) == 12
    assert sum(s.startswith("pilot village") for s in labels) == 3


def test_district_page_refuses_more_pilots_than_villages() -> None:
    from mobilization.dashboard.app import DistrictPage

    rc = render(DistrictPage)
    slider(rc, "n_pilots [0, 40] of [0, 500]").v_model = 20
    assert "n_pilots must be at most n_villages (12); got 20" in error_text(rc)
    click(rc, "Reset")
    click(rc, "Step")
    assert week_text(rc) == "Week 1 of 104"
