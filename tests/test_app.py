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
    """The slider whose label starts with ``label`` (the label ends with its value)."""
    found = [w for w in rc.find(v.Slider).widgets
             if w.label.startswith(label) and w.label[len(label)] in " :"]
    assert len(found) == 1, [w.label for w in rc.find(v.Slider).widgets]
    return found[0]


def field(rc, label: str):
    """The text field whose label starts with ``label`` (the label ends with its range)."""
    found = [w for w in rc.find(v.TextField).widgets if w.label.startswith(label)]
    assert len(found) == 1, [w.label for w in rc.find(v.TextField).widgets]
    return found[0]


def type_into(rc, label: str, text: str) -> None:
    """Type ``text`` into a text field and press Enter."""
    field_ = field(rc, label)
    field_.v_model = text
    field_.fire_event("keyup.enter", None)


def warning_text(rc) -> str:
    found = rc.find(v.Alert, type="warning").widgets
    return " ".join(str(c) for w in found for c in w.children)


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
    assert len(options) == 7  # six of the village, and the threat's (on by default)
    for option in options:
        for series in option["series"]:
            if series["name"] in ("raid", "raid with reprisals"):
                continue  # the threat chart's ticks mark only the weeks of raids
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
    assert warning_text(rc) == ""
    rc.find(v.Select, label="Branch method (preset)").widget.v_model = "quota-only"
    assert slider(rc, "Vital-interest share").v_model == 0.0
    assert slider(rc, "Vital-interest share").label == "Vital-interest share [0, 1]: 0.0"
    # The page says the new settings wait for Reset, and Reset stands out.
    assert "Changed, press Reset" in warning_text(rc)
    assert rc.find(v.Btn, children=["Reset"]).widget.color == "warning"
    assert week_text(rc) == "Week 1 of 104"
    click(rc, "Reset")
    assert warning_text(rc) == ""
    assert rc.find(v.Btn, children=["Reset"]).widget.color == "primary"
    assert week_text(rc) == "Week 0 of 104"
    click(rc, "Step")
    recruitment = next(s for s in charts(rc)[0]["series"] if s["name"] == "total")
    model = VillageModel(rng=1, branch_method="quota-only")
    model.step()
    assert recruitment["data"][-1][1] == pytest.approx(100 * model.recruitment_rate)


def assert_refused_and_going_on(rc, message: str) -> None:
    """After one Step, a refused control shows ``message``; Reset is refused with the same
    message and the village goes on with its last valid parameters."""
    assert message in error_text(rc)
    click(rc, "Reset")  # refused: the village goes on with its last valid parameters
    assert message in error_text(rc)
    assert week_text(rc) == "Week 1 of 104"
    click(rc, "Step")
    assert week_text(rc) == "Week 2 of 104"


@pytest.mark.parametrize(("control", "value", "message"), [
    ("Poor households", 0.95, "share_hired + share_poor must be at most 1"),
    ("Seed", "abc", "seed must be a whole number >= 0; got 'abc'"),
    ("Population", "10", "population must be in [20, 50000]; got 10"),
    ("Population", "60000", "population on this page must be at most 5,000"),
    ("Population", "5001", "population on this page must be at most 5,000"),
    ("Population", "many", "population must be a number in [20, 50000]; got 'many'"),
    ("Weeks to run", "0", "weeks must be a whole number in [1, 520]"),
    ("Weeks to run", "521", "weeks must be a whole number in [1, 520]"),
])
def test_refused_controls_show_the_message_and_the_page_keeps_working(
        control: str, value, message: str) -> None:
    rc = render(VillagePage)
    click(rc, "Step")
    if control == "Poor households":
        slider(rc, control).v_model = value
    else:
        type_into(rc, control, value)
    assert_refused_and_going_on(rc, message)


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

    # A pixel of each cell that no mark and no grid line covers: it shows the cell colour
    # (no raid frame: none is drawn without raids).
    free = ~np.any([m for k, m in _stamps(px).items() if k != "frame"], axis=0)
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
    mark = "army" if s.status[left[0]] == ARMY else "salvation"
    assert (cell == _rgb(GRID_COLOURS[mark])).all(axis=-1).any()


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
    slider(rc, "Pilot villages [0, 40]").v_model = 20
    assert "n_pilots must be at most n_villages (12); got 20" in error_text(rc)
    click(rc, "Reset")
    click(rc, "Step")
    assert week_text(rc) == "Week 1 of 104"


def test_sliders_read_as_words_with_their_value_and_a_line_of_doc() -> None:
    from mobilization.village.parameters import PARAMETERS

    rc = render(VillagePage)
    gentry = slider(rc, "Gentry power [0, 1]")
    assert gentry.label == "Gentry power [0, 1]: 0.60"
    assert gentry.hint == ("Initial collective hold of the gentry over the village: land, "
                           "loans, office, armed retainers.")
    assert gentry.persistent_hint
    assert PARAMETERS["gentry_power"].doc.startswith(gentry.hint)
    gentry.v_model = 0.35
    assert slider(rc, "Gentry power [0, 1]").label == "Gentry power [0, 1]: 0.35"
    assert "Changed, press Reset" in warning_text(rc)
    for w in rc.find(v.Slider).widgets:
        assert "_" not in w.label and w.hint, w.label
    assert "At most 5,000" in " ".join(field(rc, "Population").messages)


def test_charts_have_axis_titles_a_few_week_ticks_and_palette_colours() -> None:
    from mobilization.dashboard.plots import SERIES_COLOURS, week_interval

    rc = render(VillagePage)
    click(rc, "Step")
    for option in charts(rc):
        assert option["xAxis"]["name"] == "week"
        assert option["yAxis"]["name"]
        assert option["xAxis"]["axisLabel"]["hideOverlap"]
        assert option["yAxis"]["axisLabel"]["hideOverlap"]
        assert option["xAxis"]["max"] / option["xAxis"]["interval"] <= 6
        for s in option["series"]:
            assert s["lineStyle"]["color"] in SERIES_COLOURS.values()
    assert charts(rc)[0]["yAxis"]["name"] == "% of initial population"
    assert [week_interval(w) for w in (1, 6, 10, 26, 52, 104, 520)] == [1, 1, 2, 13, 13, 26, 104]


def test_village_pages_refuse_villages_beyond_the_session_bound() -> None:
    from mobilization.dashboard.app import MAX_VILLAGE_POPULATION

    with pytest.raises(ValueError, match="at most 5,000"):
        build_villages({"population": MAX_VILLAGE_POPULATION + 1}, "1", None)
    assert len(build_villages({"population": 20}, "1", ("quota-only", "welfare-first"))) == 2
    rc = render(ComparePage)
    type_into(rc, "Population", "8000")
    assert "population on this page must be at most 5,000" in error_text(rc)
    click(rc, "Reset")
    assert "at most 5,000" in error_text(rc)
    click(rc, "Step")
    assert week_text(rc) == "Week 1 of 104"


def test_district_page_refuses_more_villagers_than_its_bound() -> None:
    from mobilization.dashboard.app import DistrictPage, build_district

    with pytest.raises(ValueError, match="at most 20,000"):
        build_district({"n_villages": 40, "population": 501}, "1")
    rc = render(DistrictPage)
    assert field(rc, "Population per village").label == "Population per village [20, 20,000]"
    assert "Villages x population at most 20,000" in " ".join(
        field(rc, "Population per village").messages)
    type_into(rc, "Population per village", "2000")  # 12 x 2,000
    assert ("villages x population must be at most 20,000 on this page" in error_text(rc)
            and "got 12 x 2,000 = 24,000" in error_text(rc))
    click(rc, "Reset")
    click(rc, "Step")
    assert week_text(rc) == "Week 1 of 104"
    assert len(rc.find(ipywidgets.Image).widgets) == 12


def test_district_sliders_show_their_true_range() -> None:
    from mobilization.dashboard.app import DistrictPage

    rc = render(DistrictPage)
    villages = slider(rc, "Villages [1, 40]")
    assert villages.min == 1 and villages.max == 40
    assert "the model allows 500" in villages.hint
    assert slider(rc, "Pilot villages [0, 40]").max == 40
    assert slider(rc, "Guiding cadres [0, 100]").max == 100


@pytest.mark.parametrize("page", ["VillagePage", "ComparePage", "DistrictPage"])
@pytest.mark.parametrize(("control", "text"), [("Seed", "-1"), ("Weeks to run", "x"),
                                                ("Population", "1e9")])
def test_every_page_shows_refused_input_and_goes_on(page: str, control: str,
                                                    text: str) -> None:
    import mobilization.dashboard.app as app

    rc = render(getattr(app, page))
    type_into(rc, control, text)
    assert error_text(rc)
    click(rc, "Reset")
    assert error_text(rc)
    click(rc, "Step")
    assert week_text(rc) == "Week 1 of 104"


def test_every_charted_series_is_an_outcome() -> None:
    """A panel naming a column the models do not report would draw nothing, silently."""
    from mobilization.dashboard.plots import DISTRICT_PANEL, PANELS, SERIES_COLOURS, THREAT_PANEL
    from mobilization.district.outcomes import DISTRICT_OUTCOMES
    from mobilization.village.outcomes import OUTCOMES

    for panel in (*PANELS, THREAT_PANEL):
        assert set(panel.columns) <= set(OUTCOMES), panel
    assert set(DISTRICT_PANEL.columns) <= set(DISTRICT_OUTCOMES)
    assert set(SERIES_COLOURS) <= set(OUTCOMES) | set(DISTRICT_OUTCOMES)


@pytest.mark.parametrize("page", ["VillagePage", "ComparePage", "DistrictPage"])
def test_a_step_redraws_the_page_once(page: str, monkeypatch) -> None:
    """Each component that reads the week hears of a Step separately; the Step batches
    them, so the page is rendered once, not once per component (which doubled its cost)."""
    import mobilization.dashboard.app as app

    rc = render(getattr(app, page))
    click(rc, "Step")
    renders = []
    original = type(rc).render

    def counted(self, *args, **kwargs):
        renders.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(rc), "render", counted)
    click(rc, "Step")
    assert week_text(rc) == "Week 2 of 104"
    assert len(renders) == 1
