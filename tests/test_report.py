"""`mobilize report`: summary.csv statistics, failed and missing runs, figures, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from mobilization.cli import main
from mobilization.experiments.experiment import parse
from mobilization.experiments.report import (
    FIGURE,
    OUTCOMES_FIGURE,
    SUMMARY,
    report_figures,
    shape,
    summarize,
    write_report,
)
from mobilization.experiments.report_figures import _label
from mobilization.experiments.stats import mean_ci
from mobilization.experiments.store import Store
from mobilization.experiments.sweep import run_row, sweep
from mobilization.village.outcomes import BOUNDS, OUTCOMES
from mobilization.village.run import simulate

HEAD = """
[experiment]
name = "{name}"
weeks = 20
replications = {reps}
seed = 7

[fixed]
population = 100
"""

ONE_D = HEAD + """
[grid]
vital_interest_share = [0.0, 0.5, 1.0]

[[sub]]
name = "learns"
fixed = {{learn_from_masses = true}}

[[sub]]
name = "own ideas"
fixed = {{learn_from_masses = false}}
"""

TWO_D = HEAD + """
[grid]
vital_interest_share = [0.2, 0.8]
gentry_power = [0.3, 0.6, 0.9]
"""

ZERO_D = HEAD + """
[grid]
branch_method = ["welfare-first", "quota-only"]
"""

SAMPLED = HEAD + """
[sample]
method = "lhs"
n = 5

[ranges]
vital_interest_share = [0.0, 1.0]
gentry_power = [0.2, 0.9]
"""

PNG = b"\x89PNG\r\n\x1a\n"


def flaky_simulate(weeks: int, seed: int, **params):
    """Fails every run with vital_interest_share 1.0 (a bad corner of a design)."""
    if params.get("vital_interest_share") == 1.0:
        raise RuntimeError("boom")
    return simulate(weeks, seed, **params)


def _sweep(tmp_path, text: str, name: str, reps: int = 3, **kwargs):
    experiment = parse(text.format(name=name, reps=reps))
    out = tmp_path / name
    sweep(experiment, out, workers=1, progress=False, **kwargs)
    return experiment, out


@pytest.fixture(scope="module")
def one_d(tmp_path_factory):
    """A small 1-D sweep with two sub-experiments, and its report (made once)."""
    experiment, out = _sweep(tmp_path_factory.mktemp("report"), ONE_D, "one_d")
    return experiment, out, write_report(out)


def test_summary_one_row_per_point_with_columns(one_d):
    experiment, out, result = one_d
    csv = pd.read_csv(out / SUMMARY)
    assert len(csv) == len(result.summary) == len(experiment.points)
    assert list(csv["point"]) == list(range(len(experiment.points)))
    head = ["point", "sub", "branch_method", "vital_interest_share", "learn_from_masses",
            "n", "failed"]
    assert list(csv.columns[:len(head)]) == head
    stats = [f"{o}_{s}" for o in OUTCOMES for s in ("mean", "sd", "ci_low", "ci_high")]
    assert list(csv.columns[len(head):]) == stats
    assert (csv["n"] == 3).all() and (csv["failed"] == 0).all()
    assert list(csv["sub"]) == ["learns"] * 3 + ["own ideas"] * 3
    assert list(csv["vital_interest_share"]) == [0.0, 0.5, 1.0] * 2
    assert list(csv["learn_from_masses"]) == [True] * 3 + [False] * 3
    # The CSV holds the same numbers as the frame.
    np.testing.assert_allclose(csv["recruitment_rate_mean"],
                               result.summary["recruitment_rate_mean"], rtol=1e-12)


def test_statistics_match_a_direct_groupby_and_mean_ci(one_d):
    _, out, result = one_d
    runs = Store(out).read()
    summary = result.summary.set_index("point")
    grouped = runs.groupby("point")
    for outcome in OUTCOMES:
        np.testing.assert_allclose(summary[f"{outcome}_mean"], grouped[outcome].mean(),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(summary[f"{outcome}_sd"], grouped[outcome].std(ddof=1),
                                   rtol=1e-9, atol=1e-15)
        for point, rows in grouped:
            mean, low, high = mean_ci(rows[outcome], bounds=BOUNDS[outcome])
            row = summary.loc[point]
            assert row[f"{outcome}_ci_low"] == pytest.approx(low, abs=1e-12)
            assert row[f"{outcome}_ci_high"] == pytest.approx(high, abs=1e-12)
            assert low <= mean <= high
            lo_b, hi_b = BOUNDS[outcome]
            assert low >= lo_b and (hi_b is None or high <= hi_b)


def test_failed_runs_are_counted_and_excluded(tmp_path):
    experiment, out = _sweep(tmp_path, ONE_D, "flaky", simulate_fn=flaky_simulate)
    result = write_report(out)
    s = result.summary.set_index("point")
    bad = s["vital_interest_share"] == 1.0
    assert (s.loc[bad, "n"] == 0).all() and (s.loc[bad, "failed"] == 3).all()
    assert s.loc[bad, "recruitment_rate_mean"].isna().all()
    assert s.loc[~bad, "recruitment_rate_mean"].notna().all()
    assert (s.loc[~bad, "n"] == 3).all() and (s.loc[~bad, "failed"] == 0).all()
    assert result.failed == 6 and result.ok == 12 and result.missing == 0
    assert "6 failed" in result.text and "boom" in result.text
    assert (out / FIGURE).read_bytes().startswith(PNG)


def test_hand_made_failures_and_single_runs(one_d):
    _, out, _ = one_d
    runs = Store(out).read()
    design = Store(out).manifest()["design"]
    runs = runs.copy()
    # Point 0: one run failed; point 1: only one run ok.
    fail = runs.index[(runs["point"] == 0) & (runs["replication"] == 0)].tolist()
    fail += runs.index[(runs["point"] == 1) & (runs["replication"] > 0)].tolist()
    runs.loc[fail, "status"] = "failed"
    runs.loc[fail, list(OUTCOMES)] = np.nan
    s = summarize(runs, design).set_index("point")
    assert (s.loc[0, "n"], s.loc[0, "failed"]) == (2, 1)
    kept = runs[(runs["point"] == 0) & (runs["status"] == "ok")]["recruitment_rate"]
    assert s.loc[0, "recruitment_rate_mean"] == pytest.approx(kept.mean())
    assert (s.loc[1, "n"], s.loc[1, "failed"]) == (1, 2)
    one = runs[(runs["point"] == 1) & (runs["status"] == "ok")]["recruitment_rate"]
    assert s.loc[1, "recruitment_rate_mean"] == pytest.approx(one.iloc[0])
    for stat in ("sd", "ci_low", "ci_high"):
        assert math.isnan(s.loc[1, f"recruitment_rate_{stat}"])


def test_one_d_lines(one_d):
    _, out, result = one_d
    assert shape(result.summary, Store(out).manifest()["design"]) == "lines"
    for name in (FIGURE, OUTCOMES_FIGURE):
        assert (out / name).read_bytes().startswith(PNG)
    assert set(result.files) == {"summary", "report", "report_outcomes"}
    fig = result.figures[FIGURE]
    ax = fig.axes[0]
    assert len(ax.lines) == 2  # one line per sub-experiment
    assert "one_d" in fig._suptitle.get_text()
    assert "3 replications" in fig._suptitle.get_text()


def test_two_d_heatmap(tmp_path):
    _, out = _sweep(tmp_path, TWO_D, "two_d", reps=2)
    result = write_report(out)
    assert len(result.summary) == 6
    assert shape(result.summary, Store(out).manifest()["design"]) == "heatmap"
    assert (out / FIGURE).read_bytes().startswith(PNG)
    assert not (out / OUTCOMES_FIGURE).exists()
    image = result.figures[FIGURE].axes[0].images[0]
    assert image.get_array().shape == (3, 2)  # gentry_power rows x vital_interest_share


def test_zero_d_bars_colour_by_method(tmp_path):
    _, out = _sweep(tmp_path, ZERO_D, "zero_d", reps=3)
    result = write_report(out)
    assert list(result.summary["branch_method"]) == ["welfare-first", "quota-only"]
    assert shape(result.summary, Store(out).manifest()["design"]) == "bars"
    for name in (FIGURE, OUTCOMES_FIGURE):
        assert (out / name).read_bytes().startswith(PNG)
    ax = result.figures[FIGURE].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["welfare-first", "quota-only"]
    assert len(ax.patches) == 2


def test_sampled_design_does_not_crash(tmp_path):
    _, out = _sweep(tmp_path, SAMPLED, "sampled", reps=1)
    result = write_report(out)
    assert len(result.summary) == 5
    assert result.summary["recruitment_rate_sd"].isna().all()  # one run per point
    assert shape(result.summary, Store(out).manifest()["design"]) == "scatter"
    assert (out / FIGURE).read_bytes().startswith(PNG)
    assert "or is sampled" in result.text


def test_partial_sweep_reports_missing_runs(tmp_path):
    experiment = parse(ONE_D.format(name="partial", reps=2))
    store = Store(tmp_path / "partial")
    store.open(experiment)
    runs = [r for r in experiment.runs() if r.point < 2]
    store.write_part([run_row(r) for r in runs])
    result = write_report(store.dir)
    assert result.missing == experiment.n_runs - len(runs) == 8
    assert "8 missing" in result.text and "unfinished" in result.text
    s = result.summary.set_index("point")
    assert len(s) == len(experiment.points)  # points not yet run have a row, n = 0
    assert list(s["n"]) == [2, 2, 0, 0, 0, 0]
    assert list(s["vital_interest_share"]) == [0.0, 0.5, 1.0] * 2
    assert s.loc[5, "recruitment_rate_mean"] != s.loc[5, "recruitment_rate_mean"]  # NaN
    assert (store.dir / FIGURE).exists()


def test_no_sweep_or_no_runs_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="holds no sweep"):
        write_report(tmp_path / "nothing")
    store = Store(tmp_path / "empty")
    store.open(parse(ZERO_D.format(name="empty", reps=2)))
    with pytest.raises(ValueError, match="no runs yet: run `mobilize sweep"):
        write_report(store.dir)


def test_figures_empty_when_nothing_succeeded(one_d):
    _, out, _ = one_d
    runs = Store(out).read().assign(status="failed")
    runs[list(OUTCOMES)] = np.nan
    design = Store(out).manifest()["design"]
    summary = summarize(runs, design)
    assert (summary["n"] == 0).all() and (summary["failed"] == 3).all()
    assert report_figures(summary, design) == {}


def test_cli_report(one_d, tmp_path, capsys):
    _, out, _ = one_d
    assert main(["report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "one_d" in printed and "Wrote" in printed and str(out / SUMMARY) in printed
    assert main(["report", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds no sweep" in err


def test_report_table_chooses_the_key_outcomes(tmp_path):
    """``[report] outcomes`` puts its outcomes, in its order, in report_outcomes.png."""
    chosen = ["decision_quality_early", "leading_group_quality", "share_worked_on"]
    text = ZERO_D + "\n[report]\noutcomes = " + json.dumps(chosen) + "\n"
    _, out = _sweep(tmp_path, text, "chosen", reps=2)
    result = write_report(out)
    axes = [ax for ax in result.figures[OUTCOMES_FIGURE].axes if ax.get_visible()]
    assert len(axes) == len(chosen)
    assert [ax.get_title() for ax in axes] == [_label(name) for name in chosen]


def test_a_resumed_sweep_records_the_files_report_table(tmp_path):
    """Adding ``[report]`` to a finished sweep's file and sweeping again reruns nothing and
    the report follows the file."""
    _, out = _sweep(tmp_path, ZERO_D, "later", reps=2)
    before = Store(out).read()["run_id"].tolist()
    text = ZERO_D + '\n[report]\noutcomes = ["measures_won"]\n'
    _sweep(tmp_path, text, "later", reps=2)
    assert Store(out).read()["run_id"].tolist() == before
    result = write_report(out)
    axes = [ax for ax in result.figures[OUTCOMES_FIGURE].axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [_label("measures_won")]
