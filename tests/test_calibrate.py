"""`mobilize calibrate`: the file's validation, the fit on a frame with a known optimum, and
a tiny real run through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mobilization.cli import main
from mobilization.experiments.calibrate import (
    CalibrationSpec,
    TargetBand,
    calibration_figure,
    calibration_spec,
    fit,
    markdown,
)
from mobilization.experiments.experiment import ExperimentError, load, parse

WF = TargetBand("welfare-first", 0.13, 0.12, 0.14, "recruitment_rate")
QO = TargetBand("quota-only", 0.015, 0.01, 0.02, "recruitment_rate")

GOOD = """\
[experiment]
name = "tiny"
weeks = 20
replications = 3
seed = 7

[fixed]
population = 100

[grid]
enlist_hazard = [0.004, 0.008]
press_compliance = [0.02, 0.05]

[[sub]]
name = "welfare-first"
fixed = {branch_method = "welfare-first"}

[[sub]]
name = "quota-only"
fixed = {branch_method = "quota-only"}

[calibrate]
outcome = "recruitment_rate"
bootstrap = 20

[targets]
"welfare-first" = {target = 0.13, low = 0.12, high = 0.14}
"quota-only" = {target = 0.015, low = 0.01, high = 0.02}
"""


def _spec_of(text: str, tmp_path) -> CalibrationSpec:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return calibration_spec(parse(text, path))


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_good_file_gives_the_spec(tmp_path) -> None:
    spec = _spec_of(GOOD, tmp_path)
    assert spec.factors == ("enlist_hazard", "press_compliance")
    assert spec.targets == (WF, QO)
    assert (spec.outcome, spec.bootstrap, spec.seed, spec.weeks) == (
        "recruitment_rate", 20, 7, 20)


@pytest.mark.parametrize(("old", "new", "message", "at"), [
    ("press_compliance = [0.02, 0.05]", "gentry_power = [0.4, 0.8]",
     "gentry_power has an empirical basis (assumption); only parameters marked calibrated",
     "gentry_power ="),
    ('"quota-only" = {target', '"quota only" = {target',
     "'quota only' is not a sub-experiment", '"quota only" ='),
    ("target = 0.015, low = 0.01", "target = 0.025, low = 0.01",
     "the target must lie inside its band", '"quota-only" ='),
    ("bootstrap = 20", "bootstrap = 20\nmethod = 1", "unknown key", "method = 1"),
    ('outcome = "recruitment_rate"', 'outcome = "recruits"', "must be an outcome",
     'outcome = "recruits"'),
    ("[grid]\nenlist_hazard = [0.004, 0.008]\npress_compliance = [0.02, 0.05]",
     '[sample]\nmethod = "lhs"\nn = 4\n\n[ranges]\nenlist_hazard = [0.004, 0.008]',
     "needs a [grid] design", "[sample]"),
    ('"quota-only" = {target = 0.015, low = 0.01, high = 0.02}\n', "",
     "sub-experiment 'quota-only' has no target", "[targets]"),
])
def test_refusals_name_the_file_and_line(tmp_path, old: str, new: str, message: str,
                                         at: str) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    with pytest.raises(ExperimentError) as e:
        _spec_of(text, tmp_path)
    assert message in str(e.value)
    assert f"c.toml, line {_line_of(text, at)}:" in str(e.value)


def test_the_band_term_is_one_at_either_edge() -> None:
    assert QO.term([0.01, 0.02, 0.0175, 0.015]) == pytest.approx([1, 1, 0.25, 0])
    assert list(QO.inside([0.0099, 0.01, 0.02, 0.0201])) == [False, True, True, False]


# --- the fit on a synthetic frame ----------------------------------------------------------
HAZARDS = [0.004, 0.005, 0.006]
PRESSES = [0.01, 0.02, 0.03, 0.04, 0.05]


def synthetic_runs(reps: int = 40, noise: float = 0.001, seed: int = 0) -> pd.DataFrame:
    """Welfare-first 13% x hazard/0.005, quota-only 1.5% + 0.4 (press - 0.03), plus a
    shared per-replication village effect (common random numbers) and a little noise:
    the optimum is hazard 0.005, press 0.03."""
    rng = np.random.default_rng(seed)
    village = rng.normal(0, 0.004, reps)
    rows = []
    for h in HAZARDS:
        for p in PRESSES:
            for sub, mean in (("welfare-first", 0.13 * h / 0.005),
                              ("quota-only", 0.015 + 0.4 * (p - 0.03))):
                for r in range(reps):
                    shared = village[r] * (1 if sub == "welfare-first" else 0.1)
                    rows.append({"sub": sub, "replication": r, "status": "ok",
                                 "error": None, "param.enlist_hazard": h,
                                 "param.press_compliance": p,
                                 "recruitment_rate": mean + shared
                                 + rng.normal(0, noise)})
    return pd.DataFrame(rows)


SPEC = CalibrationSpec(factors=("enlist_hazard", "press_compliance"), targets=(WF, QO),
                       bootstrap=100, seed=3, weeks=20)


@pytest.fixture(scope="module")
def result():
    return fit(synthetic_runs(), SPEC)


def test_fit_finds_the_known_optimum(result) -> None:
    assert result.fitted == {"enlist_hazard": 0.005, "press_compliance": 0.03}
    assert result.loss < 0.05
    assert len(result.table) == len(HAZARDS) * len(PRESSES)
    assert result.table["loss"].idxmin() == 1 * len(PRESSES) + 2
    for sub, target in (("welfare-first", 0.13), ("quota-only", 0.015)):
        f = result.fit[sub]
        assert f["inside"]
        assert f["ci95"][0] < f["mean"] < f["ci95"][1]
        assert f["mean"] == pytest.approx(target, abs=0.002)


def test_sensitivity_of_the_fit(result) -> None:
    s = result.sensitivity
    # Both means in band: hazard 0.005 and press 0.02 (1.1%), 0.03, 0.04 (1.9%).
    assert s["inside"]["points"] == 3
    assert s["inside"]["ranges"] == {"enlist_hazard": [0.005, 0.005],
                                     "press_compliance": [0.02, 0.04]}
    b = s["bootstrap"]
    assert b["resamples"] == 100
    assert b["fitted_share"] > 0.9 and b["fitted_inside_share"] == 1.0
    assert b["ranges"] == {"enlist_hazard": [0.005, 0.005], "press_compliance": [0.03, 0.03]}
    assert result.table["bootstrap_share"].sum() == pytest.approx(1.0)
    hazard, press = s["slopes"]["enlist_hazard"], s["slopes"]["press_compliance"]
    assert (hazard["from"], hazard["to"], press["from"], press["to"]) == (
        0.004, 0.006, 0.02, 0.04)
    assert hazard["step"] == pytest.approx(0.001) and press["step"] == pytest.approx(0.01)
    assert hazard["per_step"]["welfare-first"]["change"] == pytest.approx(0.026, abs=1e-3)
    assert press["per_step"]["quota-only"]["change"] == pytest.approx(0.004, abs=3e-4)
    assert press["per_step"]["welfare-first"]["change"] == pytest.approx(0, abs=1e-3)
    # Paired differences cancel the shared village effect: the se is of the noise alone.
    assert hazard["per_step"]["welfare-first"]["se"] < 0.0005
    assert s["edge"] == []
    assert s["ratio"]["min"] > 1


def test_smoothing_keeps_planes_and_can_be_turned_off() -> None:
    """The neighbourhood plane reproduces a linear surface exactly (also at the edges)
    and shrinks the noise of single points; ``smooth=False`` fits the raw means."""
    exact = fit(synthetic_runs(reps=3, noise=0.0), SPEC).table
    for sub in ("welfare-first", "quota-only"):
        assert np.allclose(exact[f"{sub} smoothed"], exact[f"{sub} mean"], atol=1e-12)
    noisy = fit(synthetic_runs(reps=3, noise=0.01), SPEC).table
    truth = 0.13 * noisy["enlist_hazard"] / 0.005
    error = noisy["welfare-first mean"] - truth
    smoothed_error = noisy["welfare-first smoothed"] - truth
    assert (smoothed_error ** 2).mean() < (error ** 2).mean()
    raw = fit(synthetic_runs(reps=3, noise=0.01),
              CalibrationSpec(SPEC.factors, SPEC.targets, bootstrap=0, smooth=False))
    assert (raw.table["welfare-first smoothed"] == raw.table["welfare-first mean"]).all()
    assert "smoothed" not in markdown(raw).split("## Every grid point")[1]


def test_bootstrap_is_seeded() -> None:
    runs = synthetic_runs(reps=10, noise=0.004)
    a, b = fit(runs, SPEC), fit(runs, SPEC)
    assert a.sensitivity["bootstrap"] == b.sensitivity["bootstrap"]
    none = fit(runs, CalibrationSpec(SPEC.factors, SPEC.targets, bootstrap=0))
    assert none.sensitivity["bootstrap"] == {"resamples": 0}
    assert none.table["bootstrap_share"].isna().all()


def test_edge_of_the_grid_is_reported() -> None:
    runs = synthetic_runs(reps=5)
    runs = runs[runs["param.enlist_hazard"] != 0.006]
    far = CalibrationSpec(SPEC.factors, (TargetBand("welfare-first", 0.2, 0.19, 0.21,
                                                    "recruitment_rate"), QO),
                          bootstrap=0)
    res = fit(runs, far)
    assert res.fitted["enlist_hazard"] == 0.005
    assert res.sensitivity["edge"] == ["enlist_hazard"]
    assert "edge of its grid" in res.text


def test_incomplete_or_failed_runs_are_refused() -> None:
    runs = synthetic_runs(reps=4)
    with pytest.raises(ValueError, match="runs are missing"):
        fit(runs.drop(index=5), SPEC)
    bad = runs.copy()
    bad.loc[3, ["status", "error"]] = ["failed", "boom"]
    with pytest.raises(ValueError, match="1 runs failed .*boom"):
        fit(bad, SPEC)


def test_reports_and_figures(result) -> None:
    md = markdown(result)
    assert "| **0.005** | **0.03** |" in md
    grid = md.split("## Every grid point")[1]
    assert grid.count("\n| 0.0") + grid.count("\n| **0.0") == len(result.table)
    assert "identify the values separately" in md
    fig = calibration_figure(result)
    assert len(fig.axes) == 6  # three panels and their colour bars
    one = CalibrationSpec(("enlist_hazard",), (WF,), bootstrap=10)
    runs = synthetic_runs(reps=5)
    runs = runs[(runs["sub"] == "welfare-first") & (runs["param.press_compliance"] == 0.03)]
    res = fit(runs, one)
    assert res.fitted == {"enlist_hazard": 0.005}
    assert len(calibration_figure(res).axes) == 2


# --- a tiny real run -------------------------------------------------------------------------
def test_cli_end_to_end(tmp_path, capsys) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(GOOD)
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--workers", "1",
                 "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "fitted: enlist_hazard = " in text and "press_compliance = " in text
    for name in ("calibration.json", "calibration.md", "calibration.png"):
        assert (out / name).stat().st_size > 0
    summary = json.loads((out / "calibration.json").read_text())
    assert set(summary["fitted"]) == {"enlist_hazard", "press_compliance"}
    assert summary["fitted"]["enlist_hazard"] in (0.004, 0.008)
    assert len(summary["table"]) == 4 and summary["replications"] == 3
    assert f"uv run mobilize calibrate {path}" in (out / "calibration.md").read_text()
    # Running again resumes: nothing is rerun and the fit is the same.
    assert main(["calibrate", str(path), "--out", str(out), "--workers", "1",
                 "--no-progress"]) == 0
    again = json.loads((out / "calibration.json").read_text())
    assert again["fitted"] == summary["fitted"]


def test_cli_refusal_is_one_line_with_exit_2(tmp_path, capsys) -> None:
    path = tmp_path / "bad.toml"
    text = GOOD.replace("press_compliance = [0.02, 0.05]", "n_gentry = [2, 4]")
    path.write_text(text)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert re.search(rf"bad.toml, line {_line_of(text, 'n_gentry')}: .*n_gentry has an "
                     r"empirical basis", err)
    assert "\n" not in err
    assert not (tmp_path / "o").exists()


def test_the_shipped_calibration_file_is_valid() -> None:
    path = Path(__file__).resolve().parents[1] / "experiments" / "calibrate.toml"
    spec = calibration_spec(load(path))
    assert spec.factors == ("enlist_hazard", "press_compliance")
    assert spec.targets == (WF, QO) and spec.smooth
