"""The village pages' controls of the invader's threat, rendered without a browser (as
``test_app.py``, whose helpers these tests share)."""

from __future__ import annotations

import ipyvuetify as v
import pytest
from test_app import charts, click, render, slider, warning_text

from mobilization import VillageModel
from mobilization.dashboard.app import VillagePage


def checkbox(rc, label: str):
    found = [w for w in rc.find(v.Checkbox).widgets if w.label.startswith(label)]
    assert len(found) == 1, [w.label for w in rc.find(v.Checkbox).widgets]
    return found[0]


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
