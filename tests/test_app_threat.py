"""The village pages' threat controls, threat chart, raid frames and structure card,
rendered without a browser (as ``test_app.py``, whose helpers these tests share), with the
threat and the typical village switched on and off from the page's own controls: what they
show is what a ``VillageModel`` with the page's parameters and seed reports."""

from __future__ import annotations

import ipyvuetify as v
import numpy as np
import pytest
from test_app import charts, click, render, slider, texts, warning_text, week_text

from mobilization import VillageModel
from mobilization.dashboard.app import ComparePage, VillagePage
from mobilization.dashboard.drawing import GRID_COLOURS, _rgb, village_image
from mobilization.dashboard.panels import STRUCTURE_ROWS, THREAT_OFF, raid_weeks
from mobilization.dashboard.plots import PANELS, SERIES_COLOURS
from mobilization.dashboard.state import LastRaids, default_params
from mobilization.village.draws import STRUCTURE

RAIDS_OFTEN = {"raid_rate": 0.5, "threat_exposure": 0.9}
"""Raids in most weeks (the sliders' values), so a few Steps show some."""


def checkbox(rc, label: str):
    found = [w for w in rc.find(v.Checkbox).widgets if w.label.startswith(label)]
    assert len(found) == 1, [w.label for w in rc.find(v.Checkbox).widgets]
    return found[0]


def set_up(rc, threat: bool, typical: bool, often: bool = True) -> dict:
    """Set the page's switches (and raid sliders) and Reset; the parameters it now runs."""
    checkbox(rc, "the invader raids").v_model = threat
    checkbox(rc, "a typical village").v_model = typical
    changes = {"threat": threat, "typical_village": typical}
    if often:
        slider(rc, "Raids a week [0, 1]").v_model = RAIDS_OFTEN["raid_rate"]
        slider(rc, "Exposure to raids [0, 1]").v_model = RAIDS_OFTEN["threat_exposure"]
        changes |= RAIDS_OFTEN
    click(rc, "Reset")
    return {**default_params(), **changes}


def threat_charts(rc) -> list[dict]:
    return [o for o in charts(rc) if o["title"]["text"].startswith("the invader's threat")]


def structure_tables(rc) -> list[list[list[str]]]:
    """Each structure card's table as rows of cell texts."""
    return [[texts(row) for row in table.children]
            for table in rc.find(v.Html, class_="structure-card").widgets]


def check_threat_chart(option: dict, model: VillageModel) -> None:
    """The chart's lines, ticks and counts are ``model``'s outcomes, week by week."""
    frame = model.datacollector.get_model_vars_dataframe()
    by_name = {s["name"]: s for s in option["series"]}
    for column, name in (("mean_invader_grievance", "grievance against the invader"),
                         ("mean_fear_invader", "fear of the invader")):
        assert [w for w, _ in by_name[name]["data"]] == frame["week"].tolist()
        assert [y for _, y in by_name[name]["data"]] == pytest.approx(
            frame[column].tolist(), abs=1e-3)
    raided = frame["week"][frame["raids"].diff().fillna(0) > 0].tolist()
    reprisal = frame["week"][frame["reprisals"].diff().fillna(0) > 0].tolist()
    assert [w for w, _ in by_name["raid with reprisals"]["data"]] == reprisal
    assert sorted(w for w, _ in by_name["raid"]["data"]) == sorted(set(raided) - set(reprisal))
    r = model.report
    assert option["title"]["text"] == (f"the invader's threat: {r['raids']} raids, "
                                       f"{r['reprisals']} with reprisals")
    for s in option["series"]:
        assert s["lineStyle"]["color"] in SERIES_COLOURS.values()
    assert option["xAxis"]["name"] == "week" and option["yAxis"]["name"]


@pytest.mark.parametrize("typical", [True, False])
def test_threat_on_charts_the_raids_and_the_invader_as_the_model_reports(
        typical: bool) -> None:
    rc = render(VillagePage)
    params = set_up(rc, threat=True, typical=typical)
    for _ in range(8):
        click(rc, "Step")
    assert week_text(rc) == "Week 8 of 104"
    model = VillageModel(rng=1, **params)
    for _ in range(8):
        model.step()
    assert model.report["raids"] > 0  # the test shows raids, not an empty chart
    (option,) = threat_charts(rc)
    check_threat_chart(option, model)
    assert len(charts(rc)) == len(PANELS) + 1
    shown = " ".join(texts(rc.container))
    assert THREAT_OFF not in shown
    assert "Last raid: week " in shown and "households hit (framed in dark red" in shown
    assert "hit by the last raid: dark red frame" in shown  # the legend's line


@pytest.mark.parametrize("typical", [True, False])
def test_threat_off_says_so_in_one_line_instead_of_a_chart(typical: bool) -> None:
    rc = render(VillagePage)
    set_up(rc, threat=False, typical=typical)
    for _ in range(3):
        click(rc, "Step")
    assert threat_charts(rc) == [] and len(charts(rc)) == len(PANELS)
    shown = " ".join(texts(rc.container))
    assert shown.count(THREAT_OFF) == 1
    assert "hit by the last raid" not in shown


def test_threat_sliders_read_as_the_others_and_take_effect_on_reset() -> None:
    rc = render(VillagePage)
    rate = slider(rc, "Raids a week [0, 1]")
    assert rate.label == "Raids a week [0, 1]: 0.05" and rate.step == 0.01
    assert rate.hint.startswith("Expected raids (requisitioning columns, punitive sweeps)")
    exposure = slider(rc, "Exposure to raids [0, 1]")
    assert exposure.label == "Exposure to raids [0, 1]: 0.50"
    assert "mean of the draws" in exposure.hint
    checkbox(rc, "the invader raids").v_model = True
    rate.v_model = 1.0
    exposure.v_model = 1.0
    assert "Changed, press Reset" in warning_text(rc)
    click(rc, "Reset")
    assert slider(rc, "Raids a week [0, 1]").label == "Raids a week [0, 1]: 1.00"
    for _ in range(10):
        click(rc, "Step")
    # The page runs the village of its controls: raids stir the village as in the model.
    model = VillageModel(rng=1, threat=True, raid_rate=1.0, threat_exposure=1.0)
    for _ in range(10):
        model.step()
    assert model.report["raids"] > 0
    stances = {s["name"]: s["data"][-1][1] for s in charts(rc)[1]["series"]}
    assert stances["active"] == pytest.approx(100 * model.report["share_active"], abs=1e-3)
    calm = VillageModel(rng=1)
    for _ in range(10):
        calm.step()
    assert stances["active"] != pytest.approx(100 * calm.report["share_active"], abs=1e-3)


def test_before_the_first_raid_the_page_says_what_to_expect() -> None:
    rc = render(VillagePage)
    set_up(rc, threat=True, typical=True)
    # A typical village has the exposure itself: 0.5 x 0.9 x 52 weeks.
    shown = " ".join(texts(rc.container))
    assert "No raid yet; about 23.4 a year to expect at this village's exposure." in shown


@pytest.mark.parametrize("typical", [True, False])
def test_structure_card_shows_the_village_and_the_parameters(typical: bool) -> None:
    rc = render(VillagePage)
    params = set_up(rc, threat=True, typical=typical)
    model = VillageModel(rng=1, **params)
    (table,) = structure_tables(rc)
    shown = " ".join(texts(rc.container))
    assert table[0] == (["", "this village"] if typical else ["", "drawn", "mean (parameter)"])
    assert len(table) == 1 + len(STRUCTURE)
    for row, (name, (label, fmt)) in zip(table[1:], STRUCTURE_ROWS.items(), strict=True):
        drawn = fmt.format(model.report[f"drawn_{name}"])
        assert row == ([label, drawn] if typical else [label, drawn, fmt.format(params[name])])
    if typical:
        assert "Typical village: the parameters themselves." in shown
        assert model.structure == {k: params[k] for k in STRUCTURE}
    else:
        assert "This village: drawn structure" in shown
        assert model.structure != {k: params[k] for k in STRUCTURE}  # it did draw


def test_every_drawn_parameter_has_a_row() -> None:
    assert tuple(STRUCTURE_ROWS) == STRUCTURE


def test_two_villages_show_their_threat_and_their_one_structure() -> None:
    rc = render(ComparePage)
    params = set_up(rc, threat=True, typical=False)
    for _ in range(8):
        click(rc, "Step")
    common = {k: v for k, v in params.items() if k not in ("branch_method",
              "vital_interest_share", "learn_from_masses")}
    models = [VillageModel(rng=1, branch_method=m, **common)
              for m in ("quota-only", "welfare-first")]
    for m in models:
        for _ in range(8):
            m.step()
    options = threat_charts(rc)
    assert len(options) == 2
    for option, model in zip(options, models, strict=True):
        check_threat_chart(option, model)
    # One seed draws one structure: one card, for both.
    assert models[0].structure == models[1].structure
    (table,) = structure_tables(rc)
    assert table[1][1] == STRUCTURE_ROWS["gentry_power"][1].format(
        models[0].report["drawn_gentry_power"])
    assert "Both villages: drawn structure" in " ".join(texts(rc.container))
    click(rc, "Step")  # off again: a line under each village
    set_up(rc, threat=False, typical=True)
    assert threat_charts(rc) == []
    assert " ".join(texts(rc.container)).count(THREAT_OFF) == 2


def _raided_model(**params) -> tuple[VillageModel, tuple[int, np.ndarray]]:
    """A village stepped through the page's LastRaids until its first raid."""
    model = VillageModel(rng=2, population=300, threat=True, raid_rate=1.0,
                         threat_exposure=1.0, **params)
    raids = LastRaids()
    while raids.of(model) is None:
        raids.step(model)
    return model, raids.of(model)


def test_last_raid_is_the_households_the_raid_hit() -> None:
    model, (week, hit) = _raided_model(raid_reach=1.0)  # a raid hits every household
    assert week == model.week and model.report["raids"] >= 1
    assert np.array_equal(hit, model.village.households_present())
    model, (_, hit) = _raided_model(raid_reach=0.0)  # a raid that hits nobody
    assert not hit.any()
    model, (_, hit) = _raided_model(raid_reach=0.3, raid_loss_decay=0.0)
    assert 0 < hit.sum() < len(hit)
    assert (model.threat.raid_loss[hit] >= model.p["raid_severity"]).all()
    assert (model.threat.raid_loss[~hit] == 0).all()  # the first raid, nothing to repair


def test_grid_frames_the_villagers_of_the_raided_households() -> None:
    model, (_, hit) = _raided_model(raid_reach=0.3)
    px = 12
    plain = village_image(model, px)[::-1]
    framed = village_image(model, px, hit)[::-1]
    s = model.village
    red = _rgb(GRID_COLOURS["raided"])
    present = s.present
    for i in range(s.n):
        x, y = s.cell_of[i]
        cell = framed[y * px:(y + 1) * px, x * px:(x + 1) * px]
        edge = cell[px // 2, 1]  # on the frame, off the grid line
        if present[i] and hit[s.household[i]]:
            assert np.array_equal(edge, red), i
        else:
            assert np.array_equal(cell, plain[y * px:(y + 1) * px, x * px:(x + 1) * px]), i


def test_raid_weeks_split_the_raids_with_reprisals() -> None:
    import pandas as pd

    frame = pd.DataFrame({"week": [0, 1, 2, 3, 4], "raids": [0, 1, 1, 3, 4],
                          "reprisals": [0, 0, 0, 1, 1]})
    assert raid_weeks(frame) == ([1, 4], [3])
