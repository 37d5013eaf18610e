"""The ``mobilize`` command line: what it prints, what it writes, and how it fails.

Most checks call ``main([...])`` in this process; a few run ``python -m mobilization`` to
check the real entry point, exit status and stderr (no traceback).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mobilization import OUTCOMES, PARAMETERS
from mobilization.cli import DEFAULT_SEED, main, parse_sets
from mobilization.experiments.compare import ARMS, replication_seeds
from mobilization.experiments.compare import DEFAULT_SEED as COMPARE_SEED
from mobilization.experiments.stats import mean_ci

SMALL = ["--replications", "4", "--weeks", "20"]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mobilization", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def small_compare(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One small comparison through the real entry point, shared by several tests."""
    tmp = tmp_path_factory.mktemp("compare")
    out = tmp / "out"
    proc = run_cli("compare", *SMALL, "--workers", "1", "--out", str(out), "--json", cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    return {"proc": proc, "out": out, "summary": json.loads(proc.stdout)}


# --- params ------------------------------------------------------------------------------
def test_params_lists_every_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params"]) == 0
    text = capsys.readouterr().out
    names = {line.split()[0] for line in text.splitlines() if line and not line[0].isspace()}
    assert set(PARAMETERS) <= names
    assert "presets: welfare-first 0.6, quota-only 0" in text


def test_params_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in records] == list(PARAMETERS)
    by_name = {r["name"]: r for r in records}
    assert by_name["population"]["range"] == PARAMETERS["population"].range_text()
    assert by_name["learn_from_masses"]["presets"] == {"welfare-first": True,
                                                       "quota-only": False}


# --- compare -----------------------------------------------------------------------------
def test_compare_json_is_summary_and_files_are_written(small_compare: dict) -> None:
    out, summary = small_compare["out"], small_compare["summary"]
    assert small_compare["proc"].stdout == (out / "summary.json").read_text()
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")], "temp file left"

    assert summary["weeks"] == 20 and summary["replications"] == 4
    assert summary["seed"] == DEFAULT_SEED and summary["overrides"] == {}
    assert list(summary["methods"]) == list(ARMS)
    for method in ARMS:
        stats = summary["methods"][method]
        assert set(stats) == set(OUTCOMES)
        for outcome, s in stats.items():
            low, high = s["ci95"]
            assert low <= s["mean"] <= high, (method, outcome, s)
            assert s["sd"] >= 0
    assert summary["targets"] and all(
        set(t) == {"target", "passed", "detail"} and isinstance(t["passed"], bool)
        for t in summary["targets"])


def test_runs_parquet_has_one_row_per_run_with_common_seeds(small_compare: dict) -> None:
    runs = pd.read_parquet(small_compare["out"] / "runs.parquet")
    assert len(runs) == 4 * len(ARMS)
    assert list(runs.columns) == ["method", "replication", "seed", *OUTCOMES]
    seeds = runs.pivot(index="replication", columns="method", values="seed")
    for arm in ARMS:  # common random numbers
        assert (seeds[arm] == seeds["quota-only"]).all()
    assert list(seeds["quota-only"]) == replication_seeds(DEFAULT_SEED, 4)
    mean = runs.groupby("method")["recruitment_rate"].mean()
    summary = small_compare["summary"]
    for method in ARMS:
        expected = summary["methods"][method]["recruitment_rate"]["mean"]
        assert mean[method] == pytest.approx(expected)


def test_compare_is_reproducible(small_compare: dict, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    # Same command again, now in this process: identical numbers.
    args = ["compare", *SMALL, "--workers", "1", "--out", str(tmp_path), "--json",
            "--no-progress"]
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again == small_compare["summary"]


def test_workers_do_not_change_the_runs(small_compare: dict, tmp_path: Path) -> None:
    proc = run_cli("compare", *SMALL, "--workers", "2", "--out", str(tmp_path), "--json",
                   "--no-progress", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == small_compare["summary"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "runs.parquet"),
                                  pd.read_parquet(small_compare["out"] / "runs.parquet"))


def test_compare_table_shows_percent_and_targets(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    args = ["compare", "--replications", "2", "--weeks", "8", "--workers", "1",
            "--set", "population=200", "--out", str(tmp_path), "--no-progress"]
    assert main(args) == 0
    text = capsys.readouterr().out
    line = next(x for x in text.splitlines() if x.startswith("recruitment_rate"))
    assert line.count("%") == 3  # three arms' means in percent, their CIs in the same unit
    assert re.search(r"\d+\.\d\d% \[\d+\.\d\d, \d+\.\d\d\]", line), line
    assert "population=200" in text
    assert "PASS" in text or "FAIL" in text
    assert str(tmp_path / "summary.json") in text


# --- run ---------------------------------------------------------------------------------
def test_run_writes_weekly_series_and_figure(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", "--method", "quota-only", "--weeks", "15", "--seed", "3",
            "--set", "population=150", "--out", str(tmp_path)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    series = pd.read_csv(tmp_path / "series.csv")
    assert len(series) == 16 and list(series["week"]) == list(range(16))
    assert set(OUTCOMES) <= set(series.columns)
    assert (tmp_path / "run.png").stat().st_size > 0
    assert "recruitment_rate" in printed
    final = series.iloc[-1]
    assert final["present"] + final["mobilized"] == 150


# --- bad input ---------------------------------------------------------------------------
BAD = [
    (["compare", "--set", "population=5"], "population must be in [20, 50000]; got 5"),
    (["compare", "--set", "nonsense=1"], "unknown parameter: nonsense"),
    (["compare", "--set", "branch_method=quota-only"], "branch_method"),
    (["compare", "--replications", "0"], "--replications"),
    (["compare", "--replications", "1"], "--replications"),
    (["compare", "--weeks", "-3"], "--weeks"),
    (["compare", "--weeks", "many"], "--weeks"),
    (["compare", "--workers", "0"], "--workers"),
    (["compare", "--set", "population=abc"], "population must be a whole number"),
    (["compare", "--set", "grid_density=x"], "grid_density must be a number"),
    (["compare", "--set", "learn_from_masses=maybe"], "learn_from_masses must be true"),
    (["compare", "--set", "share_hired=0.6", "--set", "share_poor=0.6"], "share_hired"),
    (["compare", "--set", "population"], "NAME=VALUE"),
    (["run", "--set", "population=5"], "population must be in"),
    (["run", "--method", "nope"], "--method"),
    (["run", "--weeks", "0"], "--weeks"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize(("argv", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_exits_2_with_one_line(argv: list[str], message: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--out", str(tmp_path / "out")] if len(argv) > 1 else argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "error:" in lines[0] and message in lines[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert not (tmp_path / "out").exists(), "bad input must fail before any output"


def test_bad_input_through_the_entry_point(tmp_path: Path) -> None:
    proc = run_cli("compare", "--set", "population=5", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "mobilize: error: population must be in [20, 50000]; got 5\n"
    assert proc.stdout == "" and not (tmp_path / "results").exists()


# --- experiment commands: exit statuses (issue 10) ----------------------------------------
TINY = """\
[experiment]
name = "tiny"
weeks = 4
replications = 1
seed = 3

[fixed]
population = 50

[grid]
vital_interest_share = [0.0, 1.0]
"""


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) >= 1 and "Traceback" not in err, err
    assert lines[-1].startswith("mobilize") and ": error: " in lines[-1], err
    return lines[-1]


def test_sweep_out_that_cannot_be_written_exits_1(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert main(["sweep", str(path), "--out", str(blocker / "out"), "--no-progress"]) == 1
    line = _one_line(capsys.readouterr().err)
    assert str(blocker) in line


BAD_SWEEPS = [
    ("bad name", TINY.replace('"tiny"', '"../up"'), [], "[experiment] name"),
    ("inf range", TINY.replace("[0.0, 1.0]", "{start = 0, stop = inf, step = 0.5}"), [],
     "finite"),
    ("empty grid", TINY.replace("vital_interest_share = [0.0, 1.0]\n", ""), [], "empty"),
    ("too many runs", TINY.replace("replications = 1", "replications = 100000")
     .replace("[0.0, 1.0]", "{start = 0, stop = 1, step = 0.01}"), [], "1,000,000"),
    ("empty out", TINY, ["--out", ""], "empty path"),
    ("workers 0", TINY, ["--workers", "0"], "--workers"),
    ("scheduler nonsense", TINY, ["--scheduler", "nonsense://x"], "scheduler"),
]


@pytest.mark.parametrize(("text", "extra", "message"), [c[1:] for c in BAD_SWEEPS],
                         ids=[c[0] for c in BAD_SWEEPS])
def test_bad_sweep_input_exits_2_with_one_line(text: str, extra: list[str], message: str,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    out = [] if extra and extra[0] == "--out" else ["--out", str(tmp_path / "out")]
    assert main(["sweep", str(path), *out, *extra, "--no-progress"]) == 2
    assert message in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]


def test_sweep_warns_of_tables_it_does_not_read(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY + "\n[analysis]\noutcome = \"recruitment_rate\"\n",
                    encoding="utf-8")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--no-progress",
                 "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert (f"mobilize: warning: {path}, line 13: [analysis] is read by `mobilize "
            "sensitivity` only; `mobilize sweep` ignores it") in err


# --- helpers -----------------------------------------------------------------------------
def test_set_values_are_parsed_by_kind() -> None:
    got = parse_sets(["population=1000", "gentry_power=0.8", "learn_from_masses=false",
                      "branch_method=quota-only", "n_gentry = 3"])
    assert got == {"population": 1000, "gentry_power": 0.8, "learn_from_masses": False,
                   "branch_method": "quota-only", "n_gentry": 3}
    assert isinstance(got["population"], int) and isinstance(got["gentry_power"], float)


def test_default_seed_is_shared() -> None:
    assert DEFAULT_SEED == COMPARE_SEED


def test_mean_ci() -> None:
    assert mean_ci([0.3]) == (0.3, 0.3, 0.3)
    assert mean_ci([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)
    mean, low, high = mean_ci([1.0, 2.0, 3.0, 4.0])
    # t(0.975, 3) = 3.182; sd = 1.291; half-width = 3.182 * 1.291 / 2
    assert mean == 2.5 and high - mean == pytest.approx(2.054, abs=1e-3)
    assert mean - low == pytest.approx(high - mean)
    assert np.isfinite([low, high]).all()


def test_confidence_intervals_stay_inside_each_outcomes_range():
    """A share's interval is truncated to [0, 1] and a count's to >= 0, even for outcomes
    that are almost always 0 (a t-interval alone would dip below)."""
    from mobilization.experiments.compare import compare
    from mobilization.village.outcomes import BOUNDS

    result = compare(replications=6, weeks=30, workers=1, progress=False)
    for method, outcomes in result.summary["methods"].items():
        for name, d in outcomes.items():
            low_b, high_b = BOUNDS[name]
            lo, hi = d["ci95"]
            assert low_b <= lo <= d["mean"] <= hi, (method, name, d)
            assert high_b is None or hi <= high_b, (method, name, d)


@pytest.mark.parametrize("argv", [["dashboard", "--port", "0"],
                                  ["dashboard", "--port", "70000"],
                                  ["dashboard", "--port", "http"]])
def test_dashboard_bad_port_exits_2_with_one_line(argv: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--port" in err[0] and "[1, 65535]" in err[0]


def test_dashboard_on_a_port_in_use_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["dashboard", "--port", str(port), "--no-open"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"mobilize: error: cannot serve on 127.0.0.1:{port}: Address already in "
                   "use (choose another --port)"]


@pytest.mark.parametrize(("outcome", "values", "text"), [
    ("recruitment_rate", (0.1318, 0.1277, 0.1358), "13.18% [12.77, 13.58]"),
    ("activists", (2.2, 0.2231, 4.177), "2.20 [0.22, 4.18]"),
    ("party_size", (23.44, 20.1, 26.71), "23.4 [20.1, 26.7]"),
    ("villages_elected", (0.6, 0.45, 0.75), "60.00% [45.00, 75.00]"),
    ("pilot_recruitment_rate", (0.118, 0.1, 0.13), "11.80% [10.00, 13.00]"),
    ("experience", (0.7148, 0.6, 0.83), "0.715 [0.600, 0.830]"),
])
def test_mean_and_interval_share_one_format(outcome: str, values: tuple, text: str) -> None:
    """A mean and its interval have the same unit and decimals; district shares are
    percentages as village shares are (issue 10, item 8)."""
    from mobilization.experiments.formatting import mean_ci_text

    assert mean_ci_text(outcome, *values) == text


def _answers(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize(("signum", "status"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_dashboard_stopped_by_a_signal_stops_its_server(signum: str, status: int) -> None:
    """``mobilize dashboard`` sent SIGTERM (as ``kill``, a service manager or ``uv run``'s
    forwarding do) or SIGHUP (its terminal closed) stops the Solara server it started,
    as Ctrl-C does, and exits 128 + the signal's number."""
    import contextlib
    import os
    import signal
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # A session of its own: whatever the command leaves behind is in its process group.
    proc = subprocess.Popen([sys.executable, "-m", "mobilization", "dashboard", "--no-open",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not _answers(port):
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.25)
        os.kill(proc.pid, getattr(signal, signum))  # the command only, not its group
        assert proc.wait(timeout=20) == status
        deadline = time.monotonic() + 5
        while _answers(port):
            assert time.monotonic() < deadline, "the server still answers"
            time.sleep(0.1)
        with pytest.raises(ProcessLookupError):  # no solara process left in the group
            os.killpg(proc.pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError):  # leftovers, if the test failed
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stderr.close()
