"""`mobilize compare` on the sweep engine: the headline seeds, resuming, refusing another
design in the same directory, and the store it leaves (series, report)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

import mobilization.experiments.sweep as sweep_mod
from mobilization.cli import main
from mobilization.experiments import compare as cmp
from mobilization.experiments.store import Store

SMALL = ["--replications", "4", "--weeks", "20", "--set", "population=100", "--no-progress"]
RUNS = 4 * len(cmp.ARMS)
"""Runs of SMALL: 4 replications of each arm."""


def run(out: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["compare", *SMALL, "--workers", "1", "--out", str(out), "--json", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def parts_per_task(monkeypatch: pytest.MonkeyPatch) -> None:
    # A part file per finished task, so a run can lose one part and keep the others.
    monkeypatch.setattr(sweep_mod, "WRITE_EVERY", 0.0)


def test_the_design_has_the_headline_seeds_for_every_arm() -> None:
    """Both methods over the same drawn villages, and welfare-first in Chen Yun's village
    (the typical one), all on the headline's seeds."""
    design = cmp.experiment(replications=7, weeks=10, seed=cmp.DEFAULT_SEED)
    seeds = cmp.replication_seeds(cmp.DEFAULT_SEED, 7)
    runs = design.runs()
    assert [r.params["branch_method"] for r in runs] == ["welfare-first"] * 7 + \
        ["quota-only"] * 7 + ["welfare-first"] * 7
    assert [r.params.get("typical_village") for r in runs] == [None] * 14 + [True] * 7
    assert list(cmp.ARMS) == [*cmp.METHODS, cmp.CHEN_YUN]
    assert [r.seed for r in runs] == seeds * 3
    assert design.manifest()["replication_seeds"] == seeds
    assert all(r.series == cmp.SERIES and r.series_every == 1 for r in runs)


def test_compare_resumes_after_an_interrupted_run(tmp_path: Path, parts_per_task: None,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, first, _ = run(out, capsys=capsys)
    assert code == 0
    runs = pd.read_parquet(out / "runs.parquet")
    parts = Store(out).part_files()
    assert len(parts) > 1
    lost = len(pd.read_parquet(parts[-1]))
    parts[-1].unlink()  # as if killed before its last part was written
    (out / "summary.json").unlink()
    code, again, err = run(out, capsys=capsys)
    assert code == 0 and again == first
    assert f"resumed: {RUNS - lost} runs were already in {out}" in err
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), runs)
    series = Store(out).read_series()
    assert len(series) == RUNS * 21 and not series.duplicated(["run_id", "week"]).any()
    # Once complete, running again runs nothing and gives the same numbers.
    code, third, err = run(out, capsys=capsys)
    assert (code, third) == (0, first) and f"resumed: {RUNS} runs" in err


@pytest.mark.parametrize("change", [["--replications", "5"], ["--set", "gentry_power=0.8"],
                                    ["--seed", "3"], ["--weeks", "21"]])
def test_compare_refuses_a_different_design_in_the_same_out(
        tmp_path: Path, change: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run(out, capsys=capsys)[0] == 0
    summary = (out / "summary.json").read_text()
    argv = ["compare", *SMALL, "--workers", "1", "--out", str(out), *change]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"holds a different design (experiment 'compare', {RUNS} runs)" in err
    assert "Use another --out" in err
    assert (out / "summary.json").read_text() == summary


def test_compare_refuses_a_folder_of_other_files(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["compare", *SMALL, "--out", str(tmp_path)]) == 2
    assert "is not empty and holds no sweep" in capsys.readouterr().err


def test_workers_give_the_same_summary(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, one, _ = run(tmp_path / "one", capsys=capsys)
    argv = ["compare", *SMALL, "--workers", "2", "--out", str(tmp_path / "two"), "--json"]
    assert code == 0 and main(argv) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(one)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "one" / "runs.parquet"),
                                  pd.read_parquet(tmp_path / "two" / "runs.parquet"))


def test_the_weekly_series_end_at_the_runs_and_the_store_reports(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = cmp.compare(replications=3, weeks=12, workers=1, progress=False,
                         overrides={"population": 100}, out=tmp_path / "out")
    for m in cmp.METHODS:
        finals = result.runs.loc[result.runs["method"] == m, "recruitment_rate"]
        assert list(result.weekly[m]["recruitment_rate"][:, -1]) == list(finals)
        assert result.weekly[m]["army_rate"].shape == (3, 13)
    assert main(["report", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "report_series.png").exists()
    assert "welfare-first" in capsys.readouterr().out


def test_plots_does_not_import_compare() -> None:
    import mobilization.experiments.plots as plots

    tree = ast.parse(Path(plots.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m and m.endswith("compare") for m in imported)


def test_compare_on_a_dask_cluster(tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    import logging
    import subprocess
    import sys

    distributed = pytest.importorskip("distributed")
    code, local, _ = run(tmp_path / "local", capsys=capsys)
    assert code == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as c:
        proc = subprocess.run([sys.executable, "-m", "mobilization", "compare", *SMALL,
                               "--out", str(tmp_path / "dask"), "--scheduler",
                               c.scheduler_address, "--json"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(local)
