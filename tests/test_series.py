"""Outcomes over time (``[experiment] series``): validation, storage once per run across
resumes and workers, agreement with the end-of-run outcomes, and the report's series
figure and table."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mobilization.experiments.experiment import ExperimentError, parse
from mobilization.experiments.report import SERIES_FIGURE, SERIES_SUMMARY, write_report
from mobilization.experiments.store import Store
from mobilization.experiments.sweep import sweep

SERIES = ("recruitment_rate", "army_rate", "mean_trust")

TEXT = """\
[experiment]
name = "series"
weeks = 13
replications = 3
seed = 11
series = ["recruitment_rate", "army_rate", "mean_trust"]
series_every = 4

[fixed]
population = 80

[grid]
branch_method = ["welfare-first", "quota-only"]
"""


def experiment(text: str = TEXT):
    return parse(textwrap.dedent(text), "series.toml")


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("series") / "out"
    sweep(experiment(), out, workers=1, progress=False)
    return out


# --- the experiment file -----------------------------------------------------------------
def test_series_keys_are_read() -> None:
    e = experiment()
    assert e.series == SERIES and e.series_every == 4
    assert all(r.series == SERIES and r.series_every == 4 for r in e.runs())
    assert e.manifest()["series"] == list(SERIES)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('"army_rate"', '"army_rat"', "line 6: [experiment] series: 'army_rat' is not an outcome"),
    ('"army_rate"', '"recruitment_rate"', "line 6: [experiment] series: names an outcome twice"),
    ("series_every = 4", "series_every = 14", "line 7: [experiment] series_every: must be a "
     "whole number in [1, 13]"),
    ("series_every = 4", "series_every = 0", "[experiment] series_every"),
    ('series = ["recruitment_rate", "army_rate", "mean_trust"]', "series = 3",
     "line 6: [experiment] series: must be a list of outcome names"),
    ('series = ["recruitment_rate", "army_rate", "mean_trust"]', "series = []",
     "line 7: [experiment] series_every: needs a list of outcomes in series"),
])
def test_bad_series_keys_name_file_and_line(old: str, new: str, message: str) -> None:
    with pytest.raises(ExperimentError) as e:
        experiment(TEXT.replace(old, new))
    assert str(e.value).startswith("series.toml, ") and message in str(e.value)


def test_district_series_are_its_outcomes(tmp_path: Path) -> None:
    text = TEXT.replace('name = "series"', 'name = "d"\nmodel = "district"')
    with pytest.raises(ExperimentError, match="not an outcome of a district"):
        experiment(text)
    e = experiment(text.replace('"army_rate", "mean_trust"', '"pilot_recruitment_rate"')
                   .replace("population = 80", "n_villages = 3\npopulation = 60")
                   .replace("replications = 3", "replications = 1"))
    assert e.series == ("recruitment_rate", "pilot_recruitment_rate")
    runs = sweep(e, tmp_path / "out", workers=1, progress=False).runs
    series = Store(tmp_path / "out").read_series()
    last = series[series["week"] == 13].merge(runs, on="run_id", suffixes=("", "_end"))
    assert len(last) == 2 and (runs["status"] == "ok").all()
    assert np.array_equal(last["pilot_recruitment_rate"], last["pilot_recruitment_rate_end"])


def test_series_change_the_run_ids() -> None:
    plain = experiment("\n".join(line for line in TEXT.splitlines()
                                 if not line.startswith("series")))
    every = experiment(TEXT.replace("series_every = 4", "series_every = 2"))
    ids = [{r.run_id for r in e.runs()} for e in (experiment(), plain, every)]
    assert not ids[0] & ids[1] and not ids[0] & ids[2]
    assert [r.seed for r in plain.runs()] == [r.seed for r in experiment().runs()]


def test_a_store_without_series_is_a_different_design(tmp_path: Path) -> None:
    plain = experiment("\n".join(line for line in TEXT.splitlines()
                                 if not line.startswith("series")))
    Store(tmp_path / "out").open(plain)
    with pytest.raises(ValueError, match="holds a different design"):
        Store(tmp_path / "out").open(experiment())


# --- the store ---------------------------------------------------------------------------
def test_series_are_long_form_every_k_weeks_and_end_at_the_outcomes(stored: Path) -> None:
    store = Store(stored)
    runs, series = store.read(), store.read_series()
    assert list(series.columns) == ["run_id", "point", "sub", "replication", "week", *SERIES]
    assert len(series) == len(runs) * 5  # weeks 0, 4, 8, 12 and the last, 13
    assert sorted(series["week"].unique()) == [0, 4, 8, 12, 13]
    last = series[series["week"] == 13].merge(runs, on="run_id", suffixes=("", "_end"))
    assert len(last) == len(runs)
    for name in SERIES:
        assert np.array_equal(last[name].to_numpy(float), last[f"{name}_end"].to_numpy(float))
    assert (series.groupby("run_id").size() == 5).all()


def test_series_are_stored_once_after_a_resume(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    sweep(experiment(), out, workers=1, progress=False)
    store = Store(out)
    parts = store.part_files()
    assert [p.name for p in sorted((out / "series").glob("*.parquet"))] == \
        [p.name for p in parts]
    # A run part lost (a kill between its series and its runs, or removed by hand): its
    # series stay behind as an orphan, and the resumed sweep runs those runs again.
    lost = pd.read_parquet(parts[0], columns=["run_id"])["run_id"]
    parts[0].unlink()
    result = sweep(experiment(), out, workers=1, progress=False)
    assert result.new == len(lost) > 0
    series = store.read_series()
    assert not series.duplicated(["run_id", "week"]).any()
    assert set(series["run_id"]) == set(result.runs["run_id"])
    assert {p.name for p in (out / "series").glob("*.parquet")} == \
        {p.name for p in store.part_files()}
    pd.testing.assert_frame_equal(series, Store(stored).read_series())


def test_series_do_not_depend_on_workers(stored: Path, tmp_path: Path) -> None:
    sweep(experiment(), tmp_path / "out", workers=2, progress=False)
    pd.testing.assert_frame_equal(Store(tmp_path / "out").read_series(),
                                  Store(stored).read_series())


# --- the report --------------------------------------------------------------------------
def test_report_writes_series_summary_and_figure(stored: Path) -> None:
    result = write_report(stored)
    assert (stored / SERIES_FIGURE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(stored / SERIES_SUMMARY)
    assert result.files["series_summary"] == stored / SERIES_SUMMARY
    assert len(table) == 2 * 5 and set(table["branch_method"]) == {"welfare-first",
                                                                   "quota-only"}
    assert (table["n"] == 3).all()
    for name in SERIES:
        mean, low, high = (table[f"{name}_{s}"] for s in ("mean", "ci_low", "ci_high"))
        assert (low <= mean + 1e-12).all() and (mean <= high + 1e-12).all()
    series = Store(stored).read_series()
    direct = series.groupby(["point", "week"])["recruitment_rate"].mean().to_numpy()
    assert np.allclose(table["recruitment_rate_mean"], direct)


def test_report_without_series_writes_no_series_files(tmp_path: Path) -> None:
    plain = experiment("\n".join(line for line in TEXT.splitlines()
                                 if not line.startswith("series")))
    sweep(plain, tmp_path / "out", workers=1, progress=False)
    result = write_report(tmp_path / "out")
    assert "series_summary" not in result.files
    assert not (tmp_path / "out" / SERIES_FIGURE).exists()
