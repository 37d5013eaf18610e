"""`mobilize calibrate`: the file's validation, the fit on a frame with a known optimum, and
a tiny real run through the command line."""

from __future__ import annotations

import json
import re
from dataclasses import replace
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
    _assert_refused(GOOD.replace(old, new), message, at, tmp_path)


def _assert_refused(text: str, message: str, at: str, tmp_path) -> None:
    """Reading ``text`` fails with ``message``, naming the file and the line of ``at``."""
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
    # DESIGN section 4: pattern 1 in Chen Yun's village, 2 across villages, 3 the quotas.
    cy = "chen-yun-village"
    assert spec.targets == (
        TargetBand(cy, 0.13, 0.10, 0.16, "recruitment_rate"),
        TargetBand(cy, 1.0, 0.95, 1.0, "quota_grain"),
        TargetBand(cy, 1.0, 0.95, 1.0, "quota_bonds"),
        TargetBand("quota-only", 0.015, 0.005, 0.03, "recruitment_rate"))
    assert spec.smooth
    assert spec.contrast is not None and spec.contrast.ratio == 3
    assert (spec.contrast.numerator, spec.contrast.denominator) == ("welfare-first",
                                                                    "quota-only")


# --- several outcomes, bands on an edge, the contrast -----------------------------------------
CONTRAST = ('contrast = {outcome = "recruitment_rate", numerator = "welfare-first", '
            'denominator = "quota-only", ratio = 3}')
MULTI = GOOD.replace('outcome = "recruitment_rate"\n', "CONTRAST\n").replace(
    '"welfare-first" = {target = 0.13, low = 0.12, high = 0.14}\n'
    '"quota-only" = {target = 0.015, low = 0.01, high = 0.02}\n', """\
"welfare-first" = [
    {outcome = "recruitment_rate", target = 0.13, low = 0.10, high = 0.16},
    {outcome = "quota_grain", target = 1.0, low = 0.95, high = 1.0},
]
"quota-only" = [{outcome = "recruitment_rate", target = 0.015, low = 0.005, high = 0.03}]
""").replace("CONTRAST", CONTRAST)
"""Patterns 1-3 of DESIGN section 4 in the new form: no [calibrate] outcome."""

GRAIN = TargetBand("welfare-first", 1.0, 0.95, 1.0, "quota_grain")


def test_bands_on_several_outcomes_and_the_contrast_are_read(tmp_path) -> None:
    spec = _spec_of(MULTI, tmp_path)
    assert spec.outcome is None
    assert spec.targets == (
        TargetBand("welfare-first", 0.13, 0.10, 0.16, "recruitment_rate"), GRAIN,
        TargetBand("quota-only", 0.015, 0.005, 0.03, "recruitment_rate"))
    assert spec.outcomes == ("recruitment_rate", "quota_grain")
    assert spec.labels == ("welfare-first: recruitment_rate", "welfare-first: quota_grain",
                           "quota-only: recruitment_rate")
    assert (spec.contrast.numerator, spec.contrast.denominator, spec.contrast.ratio) == (
        "welfare-first", "quota-only", 3.0)
    # A sub-experiment without a band is allowed as a side of the contrast only.
    no_band = MULTI.replace('"quota-only" = [{outcome', '# "quota-only" = [{outcome')
    assert [t.sub for t in _spec_of(no_band, tmp_path).targets] == ["welfare-first"] * 2


@pytest.mark.parametrize(("old", "new", "message", "at"), [
    ('{outcome = "quota_grain"', '{outcome = "grain"', "band 2: 'grain' is not an outcome",
     '"welfare-first" = ['),
    ("target = 1.0, low = 0.95, high = 1.0", "target = 1.0, low = 0.95, high = 1.2",
     "band 2: the band must lie within the range of quota_grain ([0, 1])",
     '"welfare-first" = ['),
    ("high = 0.16}", "high = 0.16, weight = 2}", "band 1: unknown key 'weight'",
     '"welfare-first" = ['),
    ('[{outcome = "recruitment_rate", target = 0.015', "[{target = 0.015",
     "band 1: names no outcome and [calibrate] has no outcome", '"quota-only" = ['),
    ('{outcome = "quota_grain"', '{outcome = "recruitment_rate"',
     "band 2: a second band on recruitment_rate", '"welfare-first" = ['),
    ("target = 1.0, low = 0.95, high = 1.0", "target = 1.0, low = 1.0, high = 1.0",
     "the target must lie inside its band", '"welfare-first" = ['),
    ('"quota-only" = [{', '"quota-only" = []\n# [{', "an empty list of bands",
     '"quota-only" = []'),
    ("ratio = 3}", "ratio = 0}", "ratio must be a number > 0", "contrast = {"),
    ('denominator = "quota-only"', 'denominator = "quota"',
     "numerator and denominator must be sub-experiments", "contrast = {"),
    ("ratio = 3}", "ratio = 3, at = 1}", "unknown key 'at'", "contrast = {"),
    (CONTRAST + "\n", "", "sub-experiment 'quota-only' has no target", "[targets]"),
])
def test_refusals_of_several_outcomes_name_the_file_and_line(
        tmp_path, old: str, new: str, message: str, at: str) -> None:
    text = MULTI if "has no target" not in message else MULTI.replace(
        '"quota-only" = [{', '# "quota-only" = [{')
    assert old in text
    _assert_refused(text.replace(old, new), message, at, tmp_path)


def test_a_target_on_the_edge_of_its_band_is_one_sided() -> None:
    """target == high: nothing beyond the target costs or falls outside (a quota filled);
    the other side is scaled by the whole band."""
    assert GRAIN.term([0.95, 0.975, 1.0, 1.05]) == pytest.approx([1, 0.25, 0, 0])
    assert list(GRAIN.inside([0.94, 0.95, 1.0, 1.05])) == [False, True, True, True]
    floor = TargetBand("quota-only", 0.0, 0.0, 0.02, "recruitment_rate")
    assert floor.term([-0.01, 0.0, 0.01]) == pytest.approx([0, 0, 0.25])


def _with_outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """The synthetic frame with grain fulfilment rising 0.03 per 0.01 of press_compliance
    (0.88 to 1.0 under welfare-first) and ``quota_recruits`` a copy of the recruitment."""
    runs = runs.copy()
    noise = np.random.default_rng(1).normal(0, 0.002, len(runs))
    grain = 0.88 + 3 * (runs["param.press_compliance"] - 0.01) + noise
    runs["quota_grain"] = np.clip(grain - 0.3 * (runs["sub"] == "quota-only"), 0, 1)
    runs["quota_recruits"] = runs["recruitment_rate"]
    return runs


def test_the_loss_adds_over_bands_with_slopes_and_bootstrap_per_band() -> None:
    runs = _with_outcomes(synthetic_runs(reps=10, noise=0.003))
    two = fit(runs, SPEC)
    three = fit(runs, replace(SPEC, targets=(WF, GRAIN, QO)))
    grain = three.table["welfare-first: quota_grain smoothed"]
    assert np.allclose(three.table["loss"], two.table["loss"] + GRAIN.term(grain))
    assert three.loss == pytest.approx(float(three.table["loss"].min()))
    assert list(three.fit) == ["welfare-first: recruitment_rate", "welfare-first: quota_grain",
                               "quota-only: recruitment_rate"]
    assert three.fit["welfare-first: quota_grain"]["outcome"] == "quota_grain"
    # The grain band pulls press_compliance up; each band has its own slopes.
    assert three.fitted["press_compliance"] > two.fitted["press_compliance"]
    per_step = three.sensitivity["slopes"]["press_compliance"]["per_step"]
    assert set(per_step) == set(three.fit)
    assert per_step["welfare-first: quota_grain"]["change"] == pytest.approx(0.03, abs=3e-3)
    assert per_step["quota-only: recruitment_rate"]["change"] == pytest.approx(0.004, abs=5e-4)
    assert three.sensitivity["bootstrap"]["resamples"] == 100
    assert three.table["bootstrap_share"].sum() == pytest.approx(1.0)
    assert "welfare-first: quota_grain" in markdown(three).split("## Every grid point")[1]
    assert len(calibration_figure(three).axes) == 8  # four panels and their colour bars


def test_bands_on_two_outcomes_with_equal_runs_fit_as_one() -> None:
    """The bootstrap resamples the same replications for every band: a band on a copy of
    the outcome under another name fits, resamples and slopes exactly as the original."""
    runs = _with_outcomes(synthetic_runs(reps=10, noise=0.004))
    one = fit(runs, SPEC)
    copy = fit(runs, replace(SPEC, targets=(WF, replace(QO, outcome="quota_recruits"))))
    assert (copy.fitted, copy.loss) == (one.fitted, one.loss)
    assert copy.sensitivity["bootstrap"] == one.sensitivity["bootstrap"]
    assert np.array_equal(copy.table["loss"], one.table["loss"])
    for f in SPEC.factors:
        a = one.sensitivity["slopes"][f]["per_step"]
        b = copy.sensitivity["slopes"][f]["per_step"]
        assert list(b.values()) == list(a.values())


def contrast_runs() -> pd.DataFrame:
    """No noise. Welfare-first 13% except at hazard 0.006 (30%, outside its band);
    quota-only 13%/4 at press 0.01 and 0.02, 13%/2 at 0.03 and 0.04: inside the bands
    (hazard 0.004 and 0.005) the ratio is 4 at half the points and 2 at the others."""
    rows = []
    for h in HAZARDS:
        for p in PRESSES[:4]:
            for r in range(4):
                rows.append({"sub": "welfare-first", "replication": r,
                             "param.enlist_hazard": h, "param.press_compliance": p,
                             "recruitment_rate": 0.3 if h == 0.006 else 0.13})
                rows.append({"sub": "quota-only", "replication": r,
                             "param.enlist_hazard": h, "param.press_compliance": p,
                             "recruitment_rate": 0.13 / (4 if p < 0.025 else 2)})
    return pd.DataFrame(rows)


def test_the_contrast_share_of_the_fitted_region() -> None:
    from mobilization.experiments.calibration import Contrast

    contrast = Contrast("recruitment_rate", "welfare-first", "quota-only", 3.0)
    wide = TargetBand("quota-only", 0.05, 0.0, 0.1, "recruitment_rate")
    spec = CalibrationSpec(SPEC.factors, (WF, wide), bootstrap=20, smooth=False,
                           contrast=contrast)
    res = fit(contrast_runs(), spec)
    c = res.contrast
    assert c["region"] == {"points": 8, "beating": 4, "share": 0.5}
    assert c["grid"] == {"points": 12, "beating": 8}  # hazard 0.006: 4.6x and 9.2x
    # The fitted point: quota-only nearest 5%, i.e. 6.5% (ratio 2): it does not beat 3x,
    # and neither does any point a resample chooses (all the same: no noise).
    assert res.fitted["press_compliance"] in (0.03, 0.04)
    assert c["at_fitted"]["value"] == pytest.approx(2.0)
    assert c["at_fitted"]["ci95"] == pytest.approx([2.0, 2.0])
    assert c["at_fitted"]["beats"] is False and c["bootstrap_share"] == 0.0
    assert list(res.table["contrast beats"]) == [p < 0.025 or h == 0.006 for h in HAZARDS
                                                 for p in PRESSES[:4]]
    assert "beats quota-only by at least 3x at 50% of the fitted region" in res.text
    md = markdown(res)
    assert "## Contrast: welfare-first against quota-only" in md and "| 4x |" in md
    json.dumps(res.summary(), allow_nan=False)
    # A denominator without a band: the region is set by welfare-first's band alone.
    alone = fit(contrast_runs(), replace(spec, targets=(WF,)))
    assert alone.contrast["region"] == c["region"]
    assert len(calibration_figure(res).axes) == 6


def test_the_contrast_changes_no_fit(result) -> None:
    """The contrast is reporting: with it, the fit, loss, table and sensitivity are those
    without it (so adding it to experiments/calibrate.toml leaves docs/calibration.md)."""
    from mobilization.experiments.calibration import Contrast

    contrast = Contrast("recruitment_rate", "welfare-first", "quota-only", 3.0)
    with_c = fit(synthetic_runs(), replace(SPEC, contrast=contrast))
    assert (with_c.fitted, with_c.loss, with_c.fit) == (result.fitted, result.loss, result.fit)
    assert with_c.sensitivity == result.sensitivity
    pd.testing.assert_frame_equal(
        with_c.table.drop(columns=["contrast ratio", "contrast beats"]), result.table,
        check_exact=True)
    assert with_c.contrast["at_fitted"]["value"] == pytest.approx(
        result.fit["welfare-first"]["mean"] / result.fit["quota-only"]["mean"])


# --- the old and the new form of one calibration ---------------------------------------------
NEW_FORM = GOOD.replace('outcome = "recruitment_rate"\n', "").replace(
    '{target = 0.13', '[{outcome = "recruitment_rate", target = 0.13').replace(
    '{target = 0.015', '[{outcome = "recruitment_rate", target = 0.015').replace(
    "high = 0.14}", "high = 0.14}]").replace("high = 0.02}", "high = 0.02}]")


def test_the_old_and_the_new_form_give_the_same_calibration(tmp_path) -> None:
    """One outcome written in the old form ([calibrate] outcome and a table per sub) and
    in the list form: the same real runs, fit, tables, loss and report."""
    from mobilization.experiments.calibrate import calibrate

    results = []
    for name, text in (("old", GOOD), ("new", NEW_FORM)):
        path = tmp_path / f"{name}.toml"
        path.write_text(text)
        results.append(calibrate(load(path), tmp_path / name, workers=1, progress=False))
    old, new = results
    assert new.spec.outcome is None and new.spec.targets == old.spec.targets
    pd.testing.assert_frame_equal(old.table, new.table, check_exact=True)
    assert (old.fitted, old.loss, old.fit) == (new.fitted, new.loss, new.fit)
    assert old.sensitivity == new.sensitivity
    assert old.text.split("\nWrote")[0] == new.text.split("\nWrote")[0]
    assert markdown(old).replace("old.toml", "new.toml") == markdown(new)
    # The same runs hold every outcome: the patterns' file fits them too.
    from mobilization.experiments.sweep import sweep

    path = tmp_path / "multi.toml"
    path.write_text(MULTI)
    multi = fit(sweep(load(path), tmp_path / "old", workers=1, progress=False).runs,
                calibration_spec(load(path)))
    assert set(multi.fit) == {"welfare-first: recruitment_rate", "welfare-first: quota_grain",
                              "quota-only: recruitment_rate"}
    assert multi.contrast is not None and multi.contrast["region"]["points"] >= 0
