"""Sensitivity analysis: the indices on responses of known shape, tiny real Sobol and Morris
sweeps end to end, and the refusals (not a sampled design, failed or missing runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mobilization import OUTCOMES
from mobilization.cli import main
from mobilization.experiments.experiment import DUMMY, Experiment, parse
from mobilization.experiments.sensitivity import COLUMNS, analyze, check, sensitivity

LOW, HIGH = 0.002, 0.05  # range of enlist_hazard, the factor that matters below


def design(method: str = "sobol", n: int = 8, extra: str = "", ranges: str = "",
           weeks: int = 20, replications: int = 1) -> str:
    """The text of a small sampled experiment."""
    return f"""
[experiment]
name = "tiny_{method}"
weeks = {weeks}
replications = {replications}
seed = 11

[fixed]
population = 100
branch_method = "welfare-first"

[sample]
method = "{method}"
n = {n}
dummy = true

[ranges]
enlist_hazard = [{LOW}, {HIGH}]
gentry_power = [0.2, 0.9]
{ranges or "struggle_gain = [0.05, 0.3]"}
{extra}
"""


def synthetic_runs(experiment: Experiment, outcome: str = "recruitment_rate"
                   ) -> pd.DataFrame:
    """A runs frame whose output is 5 x the scaled enlist_hazard: no other factor, no
    noise."""
    rows = []
    for run in experiment.runs():
        x = (run.params["enlist_hazard"] - LOW) / (HIGH - LOW)
        rows.append({"point": run.point, "replication": run.replication, "seed": run.seed,
                     "status": "ok", "error": None, outcome: 5.0 * x})
    return pd.DataFrame(rows)


def fake_simulate(weeks: int, seed: int, **params: Any) -> dict[str, float]:
    """A model stand-in: fails where gentry_power > 0.8, else a known response."""
    if params.get("gentry_power", 0.0) > 0.8:
        raise RuntimeError("gentry too strong for this test")
    return {name: params.get("enlist_hazard", 0.0) for name in OUTCOMES}


# --- the analysis on known responses ------------------------------------------------------
def test_sobol_indices_of_a_known_function() -> None:
    experiment = parse(design("sobol", n=256))
    table = analyze(experiment, synthetic_runs(experiment))
    assert list(table.columns) == ["sub", "outcome", "parameter", *COLUMNS["sobol"][1:],
                                   "above_noise"]
    assert list(table["parameter"]) == ["enlist_hazard", "gentry_power", "struggle_gain",
                                        DUMMY]
    t = table.set_index("parameter")
    assert t.loc["enlist_hazard", "S1"] == pytest.approx(1.0, abs=0.05)
    assert t.loc["enlist_hazard", "ST"] == pytest.approx(1.0, abs=0.05)
    for name in ("gentry_power", "struggle_gain", DUMMY):
        assert abs(t.loc[name, "S1"]) < 0.02
        assert abs(t.loc[name, "ST"]) < 0.02
    assert t["above_noise"].tolist() == [True, False, False, False]
    assert (t["S1_conf"] >= 0).all() and (t["ST_conf"] >= 0).all()


def test_morris_indices_of_a_known_function() -> None:
    experiment = parse(design("morris", n=10))
    t = analyze(experiment, synthetic_runs(experiment)).set_index("parameter")
    assert t.loc["enlist_hazard", "mu_star"] == pytest.approx(5.0, rel=1e-9)
    assert t.loc["enlist_hazard", "mu"] == pytest.approx(5.0, rel=1e-9)
    assert t.loc["enlist_hazard", "sigma"] == pytest.approx(0.0, abs=1e-9)
    for name in ("gentry_power", "struggle_gain", DUMMY):
        assert t.loc[name, "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert t["above_noise"].tolist() == [True, False, False, False]


def test_response_is_the_mean_over_replications() -> None:
    experiment = parse(design("morris", n=4, replications=3))
    runs = synthetic_runs(experiment)
    # Replications scatter around the known response and average back to it.
    runs["recruitment_rate"] += runs["replication"].map({0: -1.0, 1: 0.0, 2: 1.0})
    t = analyze(experiment, runs).set_index("parameter")
    assert t.loc["enlist_hazard", "mu_star"] == pytest.approx(5.0, rel=1e-9)


def test_refuses_failed_or_missing_runs() -> None:
    experiment = parse(design("sobol", n=8))
    runs = synthetic_runs(experiment)
    with pytest.raises(ValueError, match=r"3 runs are missing of the 48 runs"):
        analyze(experiment, runs.drop(index=[0, 5, 9]))
    failed = runs.copy()
    failed.loc[[2, 3], "status"] = "failed"
    failed.loc[[2, 3], "error"] = "ZeroDivisionError: boom"
    with pytest.raises(ValueError, match=r"2 runs failed \(first error: ZeroDivision"):
        analyze(experiment, failed)


def test_refuses_a_grid_design(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = """
[experiment]
name = "g"
replications = 1
seed = 1
[grid]
gentry_power = [0.2, 0.4]
"""
    path = tmp_path / "grid.toml"
    path.write_text(text)
    out = tmp_path / "out"
    assert main(["sensitivity", str(path), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "sampled design" in err and "grid" in err
    assert not out.exists()  # refused before anything ran
    lhs = parse(design("lhs", n=8))
    with pytest.raises(ValueError, match="lhs design"):
        check(lhs)


def test_analysis_table_is_checked(tmp_path: Path) -> None:
    assert check(parse(design()))[0] == ["recruitment_rate"]
    outputs = '[analysis]\noutputs = ["share_active", "army_rate"]'
    assert check(parse(design(extra=outputs)))[0] == ["share_active", "army_rate"]
    path = tmp_path / "bad.toml"
    path.write_text(design(extra='[analysis]\noutputs = ["recruitment"]'))
    experiment = parse(path.read_text(), path)
    with pytest.raises(ValueError, match=r"bad\.toml, line \d+: \[analysis\] outputs: "
                                         r"unknown outcome 'recruitment'"):
        check(experiment)
    with pytest.raises(ValueError, match=r"\[analysis\] output: unknown key"):
        check(parse(design(extra='[analysis]\noutput = ["army_rate"]')))
    with pytest.raises(ValueError, match="num_resamples"):
        check(parse(design(extra="[analysis]\nnum_resamples = 1")))


def test_design_rows_have_distinct_seeds() -> None:
    experiment = parse(design("sobol", n=16, replications=2))
    seeds = [run.seed for run in experiment.runs()]
    assert experiment.seeding == "independent"
    assert len(seeds) == 16 * 6 * 2 == len(set(seeds))


# --- end to end ---------------------------------------------------------------------------
def test_sobol_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sobol.toml"
    path.write_text(design("sobol", n=8,
                           extra='[analysis]\noutputs = ["recruitment_rate", "share_active"]'))
    out = tmp_path / "out"
    assert main(["sensitivity", str(path), "--out", str(out), "--workers", "1",
                 "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "48 runs" in text and "noise floor" in text and "sensitivity.png" in text
    main_csv = pd.read_csv(out / "sensitivity.csv")
    assert list(main_csv.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(main_csv["parameter"]) == ["enlist_hazard", "gentry_power", "struggle_gain",
                                           DUMMY]
    assert np.isfinite(main_csv[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy()).all()
    all_csv = pd.read_csv(out / "sensitivity_all.csv")
    assert set(all_csv["outcome"]) == {"recruitment_rate", "share_active"}
    assert all_csv["above_noise"].dtype == bool
    png = (out / "sensitivity.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    store = pd.read_parquet(out / "parts")
    assert store["seed"].nunique() == len(store) == 48


def test_morris_end_to_end_with_subs(tmp_path: Path) -> None:
    text = design("morris", n=4, ranges="meeting_interval = [1, 6]").replace(
        'branch_method = "welfare-first"\n', "")
    text += """
[[sub]]
name = "welfare-first"
fixed = {branch_method = "welfare-first"}
[[sub]]
name = "quota-only"
fixed = {branch_method = "quota-only"}
"""
    experiment = parse(text)
    result = sensitivity(experiment, tmp_path / "out", workers=1, progress=False)
    csv = pd.read_csv(result.files["sensitivity.csv"])
    assert list(csv.columns) == ["parameter", "mu_star", "mu_star_conf", "mu", "sigma"]
    assert list(result.table["sub"].unique()) == ["welfare-first", "quota-only"]
    assert len(result.table) == 2 * 4
    assert result.files["sensitivity.png"].stat().st_size > 10_000
    assert "sub-experiment 'quota-only'" in result.text


def test_failed_runs_stop_the_analysis_and_resume_reuses_runs(tmp_path: Path) -> None:
    experiment = parse(design("sobol", n=8))
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=r"runs failed \(first error: RuntimeError: gentry"):
        sensitivity(experiment, out, workers=1, progress=False, simulate_fn=fake_simulate)
    assert not (out / "sensitivity.csv").exists()

    ok = parse(design("sobol", n=8, ranges="struggle_gain = [0.05, 0.3]").replace(
        "gentry_power = [0.2, 0.9]", "gentry_power = [0.2, 0.8]"))
    first = sensitivity(ok, tmp_path / "ok", workers=1, progress=False,
                        simulate_fn=fake_simulate)
    again = sensitivity(ok, tmp_path / "ok", workers=1, progress=False,
                        simulate_fn=fake_simulate)
    assert "(48 new, 0 reused" in first.text and "(0 new, 48 reused" in again.text
    pd.testing.assert_frame_equal(first.table, again.table)
    # The stand-in's output is enlist_hazard itself: it alone matters.
    assert first.table.set_index("parameter")["above_noise"].tolist() == [True, False,
                                                                          False, False]
