"""Sweeps with the real model: results equal a plain loop of ``simulate`` whatever the
executor, bundling or order; resuming, refusals, failed runs; a real SIGKILL of a real
sweep process; a real Dask cluster (scheduler and worker processes on this machine)."""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mobilization.experiments.sweep as sweep_mod
from mobilization import OUTCOMES, simulate
from mobilization.cli import main
from mobilization.experiments.compare import compare
from mobilization.experiments.experiment import Experiment, parse
from mobilization.experiments.store import Store, param_column
from mobilization.experiments.sweep import sweep
from mobilization.village.parameters import resolve

SMALL = """\
[experiment]
name = "small"
weeks = 20
replications = 3
seed = 7

[fixed]
population = 100

[grid]
vital_interest_share = [0.0, 0.5, 1.0]

[[sub]]
name = "learns"
fixed = {learn_from_masses = true}

[[sub]]
name = "own ideas"
fixed = {learn_from_masses = false}
"""
N_SMALL = 3 * 2 * 3


def small(text: str = SMALL) -> Experiment:
    return parse(text, "small.toml")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The small design run sequentially, in this process."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = sweep(small(), out, workers=1, progress=False)
    assert (result.new, result.skipped, result.failed) == (N_SMALL, 0, 0)
    return result.runs


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Every column equal (ids, seeds, parameters, outcomes), order-free."""
    key = ["point", "replication"]
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                  b.sort_values(key).reset_index(drop=True))


# --- results -----------------------------------------------------------------------------
def test_rows_equal_plain_loop_of_simulate(reference: pd.DataFrame) -> None:
    e = small()
    runs = e.runs()
    assert len(reference) == len(runs) == N_SMALL
    assert reference["run_id"].is_unique
    by_id = reference.set_index("run_id")
    for run in runs:
        row = by_id.loc[run.run_id]
        assert (row["point"], row["replication"], row["seed"], row["sub"]) == (
            run.point, run.replication, run.seed, run.sub)
        assert row["status"] == "ok" and pd.isna(row["error"])
        for name, value in resolve(run.params).items():
            assert row[param_column(name)] == value, name
        expected = simulate(run.weeks, run.seed, **run.params)
        for name in OUTCOMES:
            assert row[name] == float(expected[name]), (run.run_id, name)
    # the design is not trivial: the outcomes differ between points
    assert reference.groupby("point")["mean_trust"].mean().nunique() > 1


@pytest.mark.parametrize(("workers", "task_seconds"), [(2, None), (2, 1e-9), (1, 1e-9),
                                                       (2, 1e9)])
def test_independent_of_workers_and_task_size(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: pd.DataFrame,
        workers: int, task_seconds: float | None) -> None:
    if task_seconds is not None:
        monkeypatch.setattr(sweep_mod, "TASK_SECONDS", task_seconds)
    result = sweep(small(), tmp_path / "out", workers=workers, progress=False)
    assert (result.new, result.skipped) == (N_SMALL, 0)
    same_rows(result.runs, reference)


def test_task_size() -> None:
    runs = small().runs()
    assert sweep_mod.task_size(runs, 1) >= 1
    assert sweep_mod.task_size(runs, 2) <= math.ceil(N_SMALL / 8)
    assert sweep_mod.task_size([], 4) == 1


def test_independent_of_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              reference: pd.DataFrame) -> None:
    runs = Experiment.runs

    def shuffled(self: Experiment) -> list:
        out = runs(self)
        random.Random(3).shuffle(out)
        return out

    monkeypatch.setattr(Experiment, "runs", shuffled)
    monkeypatch.setattr(sweep_mod, "TASK_SECONDS", 1e-9)
    result = sweep(small(), tmp_path / "out", workers=2, progress=False)
    same_rows(result.runs, reference)


def test_headline_design_reproduces_compare(tmp_path: Path) -> None:
    text = """\
        [experiment]
        name = "headline"
        weeks = 20
        replications = 4
        seed = 20241103
        [fixed]
        population = 100
        [[sub]]
        name = "welfare-first"
        fixed = {branch_method = "welfare-first"}
        [[sub]]
        name = "quota-only"
        fixed = {branch_method = "quota-only"}
        [[sub]]
        name = "Chen Yun's village"
        fixed = {branch_method = "welfare-first", typical_village = true}
        """
    e = parse(textwrap.dedent(text), "headline.toml")
    assert e.seeding == "common"
    rows = sweep(e, tmp_path / "out", workers=2, progress=False).runs
    rows = rows.rename(columns={"sub": "method"})
    cmp = compare(replications=4, weeks=20, seed=20241103, workers=1,
                  overrides={"population": 100}, progress=False).runs
    merged = cmp.merge(rows, on=["method", "replication"], suffixes=("", "_sweep"))
    assert len(merged) == len(cmp) == 12
    assert (merged["seed"] == merged["seed_sweep"]).all()
    for name in OUTCOMES:
        assert np.array_equal(merged[name].to_numpy(float),
                              merged[f"{name}_sweep"].to_numpy(float)), name


# --- resuming ----------------------------------------------------------------------------
def test_resume_runs_only_the_missing_runs(tmp_path: Path, reference: pd.DataFrame) -> None:
    out = tmp_path / "out"
    store = Store(out)
    assert store.open(small()) == set()
    rows = reference.to_dict("records")
    store.write_part(rows[0:5])
    store.write_part(rows[9:12] + rows[15:16])
    written = {r["run_id"] for r in rows[0:5] + rows[9:12] + rows[15:16]}
    assert store.open(small()) == written
    result = sweep(small(), out, workers=2, progress=False)
    assert (result.new, result.skipped) == (N_SMALL - 9, 9)
    assert result.runs["run_id"].is_unique
    same_rows(result.runs, reference)
    # once more: nothing left to do, nothing written
    parts = sorted(p.name for p in store.part_files())
    again = sweep(small(), out, workers=2, progress=False)
    assert (again.new, again.skipped) == (0, N_SMALL)
    assert sorted(p.name for p in store.part_files()) == parts
    same_rows(again.runs, reference)


def test_resume_ignores_a_half_written_part(tmp_path: Path, reference: pd.DataFrame) -> None:
    out = tmp_path / "out"
    store = Store(out)
    store.open(small())
    store.write_part(reference.to_dict("records")[:4])
    tmp = store.parts / ".part-0123456789abcdef.parquet.x1y2z3.tmp"
    tmp.write_bytes(b"PAR1 half a file")
    result = sweep(small(), out, workers=1, progress=False)
    assert (result.new, result.skipped) == (N_SMALL - 4, 4)
    assert not tmp.exists()
    same_rows(result.runs, reference)


@pytest.mark.parametrize("leftover", ["empty parts directory", "manifest temporary file"])
def test_resume_after_a_kill_while_the_store_was_created(
        tmp_path: Path, reference: pd.DataFrame, leftover: str) -> None:
    """A kill between ``mkdir parts`` and the atomic manifest write (or during it) leaves
    DIR/parts/ or DIR/.manifest.json.*.tmp and no manifest; the rerun must still start.
    BUG: Store.open refuses it as 'not empty and holds no sweep'."""
    out = tmp_path / "out"
    if leftover == "empty parts directory":
        (out / "parts").mkdir(parents=True)
    else:
        out.mkdir()
        (out / ".manifest.json.k1ll3d.tmp").write_text('{"created": ')
    result = sweep(small(), out, workers=1, progress=False)
    same_rows(result.runs, reference)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("change", [
    ("[grid]\nvital_interest_share = [0.0, 0.5, 1.0]", "[grid]\nvital_interest_share = [0.0, 0.5]"),
    ("weeks = 20", "weeks = 21"),
    ("seed = 7", "seed = 8"),
    ("replications = 3", "replications = 4"),
    ("population = 100", "population = 120"),
    ('name = "own ideas"\nfixed = {learn_from_masses = false}',
     'name = "own ideas"\nfixed = {learn_from_masses = false, gentry_power = 0.7}'),
], ids=["grid", "weeks", "seed", "replications", "fixed", "sub"])
def test_refuses_a_changed_design(tmp_path: Path, change: tuple[str, str]) -> None:
    out = tmp_path / "out"
    sweep(small(), out, workers=1, progress=False)
    before = _snapshot(out)
    assert SMALL.count(change[0]) == 1
    changed = small(SMALL.replace(*change))
    with pytest.raises(ValueError, match="different design") as info:
        sweep(changed, out, workers=1, progress=False)
    assert str(out) in str(info.value)
    assert _snapshot(out) == before


def test_renamed_experiment_resumes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sweep(small(), out, workers=1, progress=False)
    result = sweep(small(SMALL.replace('name = "small"', 'name = "renamed"')), out,
                   workers=1, progress=False)
    assert (result.new, result.skipped) == (0, N_SMALL)


def test_refuses_a_foreign_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty") as info:
        sweep(small(), out, workers=1, progress=False)
    assert str(out) in str(info.value)
    assert _snapshot(out) == {"notes.txt": b"mine"}
    # an empty directory is fine
    (tmp_path / "empty").mkdir()
    assert len(sweep(small(), tmp_path / "empty", workers=1, progress=False).runs) == N_SMALL


def test_refuses_a_broken_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        sweep(small(), out, workers=1, progress=False)


def test_bad_input_is_refused_before_anything_runs(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="workers"):
        sweep(small(), tmp_path / "w0", workers=0, progress=False)
    assert not (tmp_path / "w0").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.replace("population = 100", "population = 5"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(bad), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{bad}, line 8: [fixed] population" in err
    assert not out.exists()


def test_cli_sweep_and_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              reference: pd.DataFrame) -> None:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    args = ["sweep", str(path), "--out", str(out), "--workers", "2", "--no-progress"]
    assert main(args) == 0
    assert f"{N_SMALL} runs in" in capsys.readouterr().out
    assert main(args) == 0
    captured = capsys.readouterr()
    assert f"resumed: {N_SMALL} runs were already in {out}" in captured.err
    same_rows(Store(out).read(), reference)
    changed = tmp_path / "changed.toml"
    changed.write_text(SMALL.replace("seed = 7", "seed = 8"), encoding="utf-8")
    assert main(["sweep", str(changed), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("mobilize: error: ") and "Traceback" not in "".join(err)
    assert str(out) in err[-1] and "different design" in err[-1]


# --- failed runs -------------------------------------------------------------------------
def failing_simulate(weeks: int, rng: int | None = None, **params: object) -> dict:
    """``simulate``, except that it raises at a vital-interest share of one half."""
    if params.get("vital_interest_share") == 0.5:
        raise RuntimeError("no meetings at half")
    return simulate(weeks, rng, **params)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_run_becomes_a_failed_row(tmp_path: Path, reference: pd.DataFrame,
                                            workers: int) -> None:
    result = sweep(small(), tmp_path / "out", workers=workers, progress=False,
                   simulate_fn=failing_simulate)
    runs = result.runs
    assert len(runs) == N_SMALL and runs["run_id"].is_unique
    bad = runs[runs[param_column("vital_interest_share")] == 0.5]
    good = runs[runs[param_column("vital_interest_share")] != 0.5]
    assert result.failed == len(bad) == 2 * 3
    assert (bad["status"] == "failed").all() and (good["status"] == "ok").all()
    for error in bad["error"]:
        assert error.startswith("RuntimeError: no meetings at half (test_sweep.py:")
    assert bad[list(OUTCOMES)].isna().all().all()
    assert good["error"].isna().all()
    ref = reference[reference[param_column("vital_interest_share")] != 0.5]
    pd.testing.assert_frame_equal(good.reset_index(drop=True), ref.reset_index(drop=True))


def test_failed_runs_count_as_finished_until_retried(tmp_path: Path,
                                                     reference: pd.DataFrame) -> None:
    out = tmp_path / "out"
    sweep(small(), out, workers=1, progress=False, simulate_fn=failing_simulate)
    again = sweep(small(), out, workers=1, progress=False)
    assert (again.new, again.skipped, again.failed) == (0, N_SMALL, 6)
    if "retry_failed" not in inspect.signature(sweep).parameters:
        pytest.skip("sweep has no retry_failed")
    result = sweep(small(), out, workers=2, progress=False, retry_failed=True)
    assert (result.new, result.skipped, result.failed) == (6, N_SMALL - 6, 0)
    same_rows(result.runs, reference)


# --- workers=1: writes as it goes, stops at Ctrl-C ---------------------------------------
_CALLS: list[int] = []
_PARTS_SEEN: list[int] = []
_STORE: list[Path] = []


def interrupting_simulate(weeks: int, rng: int | None = None, **params: object) -> dict:
    """``simulate``, except that the 8th call is interrupted (Ctrl-C)."""
    _CALLS.append(1)
    if len(_CALLS) == 8:
        raise KeyboardInterrupt
    return simulate(weeks, rng, **params)


def watching_simulate(weeks: int, rng: int | None = None, **params: object) -> dict:
    """``simulate``, noting how many part files the store holds when each run starts."""
    _PARTS_SEEN.append(len(list((_STORE[0] / "parts").glob("part-*.parquet"))))
    return simulate(weeks, rng, **params)


def test_sequential_sweep_stops_at_ctrl_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          reference: pd.DataFrame) -> None:
    """BUG: SequentialExecutor.submit runs every task at once, before the loop that writes
    and stops; an interrupted run is stored on its future and the next tasks go on."""
    monkeypatch.setattr(sweep_mod, "TASK_SECONDS", 1e-9)  # one run a task
    _CALLS.clear()
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        sweep(small(), out, workers=1, progress=False, simulate_fn=interrupting_simulate)
    assert len(_CALLS) == 8, "runs went on after Ctrl-C"
    assert len(Store(out).read()) == 7
    result = sweep(small(), out, workers=1, progress=False)
    assert (result.new, result.skipped) == (N_SMALL - 7, 7)
    same_rows(result.runs, reference)


def test_sequential_sweep_writes_as_it_goes(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """BUG (same cause): with workers=1 no part file is written before the last run, so a
    kill loses the whole sweep, not at most WRITE_EVERY seconds of it."""
    monkeypatch.setattr(sweep_mod, "TASK_SECONDS", 1e-9)
    monkeypatch.setattr(sweep_mod, "WRITE_EVERY", 0.0)
    _PARTS_SEEN.clear()
    _STORE[:] = [tmp_path / "out"]
    sweep(small(), tmp_path / "out", workers=1, progress=False,
          simulate_fn=watching_simulate)
    assert len(_PARTS_SEEN) == N_SMALL
    assert _PARTS_SEEN[-1] > 0, "nothing was written before the last run"


# --- kill -9 -----------------------------------------------------------------------------
KILL = """\
[experiment]
name = "kill"
weeks = 40
replications = 48
seed = 99

[fixed]
population = 100

[grid]
vital_interest_share = [0.0, 0.25, 0.5, 0.75, 1.0]
"""
N_KILL = 5 * 48

# A real sweep process (the CLI), with part files every 0.3 s instead of every 5 s so that
# one process life sees several of them. Needs no change to the package.
FAST_WRITES = ("import sys\nimport mobilization.experiments.sweep as s\ns.WRITE_EVERY = 0.3\n"
               "from mobilization.cli import main\nsys.exit(main(sys.argv[1:]))")


def _start(args: list[str], cwd: Path, fast: bool, log: Path) -> subprocess.Popen:
    head = [sys.executable, "-c", FAST_WRITES] if fast else [sys.executable, "-m",
                                                            "mobilization"]
    with open(log, "ab") as f:
        return subprocess.Popen([*head, *args], cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL the sweep and its worker processes (its own process group)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # the pool's workers die with the group; give the kernel a moment to reap them
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.02)


def _written(out: Path) -> pd.DataFrame:
    if not (out / "manifest.json").exists():
        return pd.DataFrame(columns=["run_id"])
    return Store(out).read()


def test_kill_9_at_any_moment_then_resume(tmp_path: Path) -> None:
    path = tmp_path / "kill.toml"
    path.write_text(KILL, encoding="utf-8")
    expected = sweep(parse(KILL, path), tmp_path / "reference", workers=1,
                     progress=False).runs
    assert len(expected) == N_KILL and expected["run_id"].is_unique
    by_id = expected.set_index("run_id")

    out = tmp_path / "out"
    log = tmp_path / "sweep.log"
    args = ["sweep", str(path), "--out", str(out), "--workers", "2", "--no-progress"]
    rng = random.Random(5)
    # (how to start, when to kill): seconds after the start, or when the store holds N
    # more part files than at the start (then after a random delay of up to 0.2 s)
    moments = [(False, ("after", 0.4)), (True, ("parts", 1)), (True, ("parts", 2)),
               (True, ("parts", 1))]
    partial = 0
    for fast, (kind, value) in moments:
        parts_before = len(list((out / "parts").glob("part-*.parquet")))
        proc = _start(args, tmp_path, fast, log)
        t0 = time.monotonic()
        while proc.poll() is None and time.monotonic() - t0 < 120:
            if kind == "after" and time.monotonic() - t0 >= value:
                break
            if kind == "parts" and len(list((out / "parts").glob(
                    "part-*.parquet"))) >= parts_before + value:
                time.sleep(rng.uniform(0, 0.2))
                break
            time.sleep(0.01)
        _kill(proc)
        written = _written(out)
        assert written["run_id"].is_unique  # each run at most once, at every moment
        if 0 < len(written) < N_KILL:
            partial += 1
        for row in written.itertuples(index=False):  # and with its final values
            ref = by_id.loc[row.run_id]
            assert all(getattr(row, name) == ref[name] for name in OUTCOMES)
    assert partial >= 2, f"only {partial} kills left a partial store; see {log}"

    done = subprocess.run([sys.executable, "-m", "mobilization", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "resumed:" in done.stderr
    final = Store(out).read()
    assert final["run_id"].is_unique and set(final["run_id"]) == set(expected["run_id"])
    same_rows(final, expected)
    assert not list(out.rglob("*.tmp"))


# --- Dask --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0",
                                  silence_logs=logging.ERROR) as c:
        yield c


def test_dask_cluster_rows_equal_local(tmp_path: Path, cluster, reference: pd.DataFrame
                                       ) -> None:
    result = sweep(small(), tmp_path / "out", scheduler=cluster.scheduler_address,
                   progress=False)
    assert (result.new, result.skipped) == (N_SMALL, 0)
    same_rows(result.runs, reference)


def test_dask_cluster_from_the_command_line(tmp_path: Path, cluster,
                                            reference: pd.DataFrame) -> None:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    # start with a third of the runs done locally: the cluster runs the rest
    Store(out).open(small())
    Store(out).write_part(reference.to_dict("records")[::3])
    proc = subprocess.run([sys.executable, "-m", "mobilization", "sweep", str(path), "--out",
                           str(out), "--scheduler", cluster.scheduler_address,
                           "--no-progress"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"resumed: {N_SMALL // 3} runs" in proc.stderr
    same_rows(Store(out).read(), reference)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_bad_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    """A bad address is a clear ValueError (exit 2 from the CLI). NOTE: an address that
    refuses connections takes the full 20 s connect timeout of sweep.executor_for; the
    test shortens it to keep the suite fast."""
    distributed = pytest.importorskip("distributed")
    with pytest.raises(ValueError, match="unknown address scheme"):
        sweep(small(), tmp_path / "a", scheduler="nonsense://x", progress=False)

    real = distributed.Client
    monkeypatch.setattr(distributed, "Client",
                        lambda address, timeout=None, **kw: real(address, timeout="2s", **kw))
    address = f"tcp://127.0.0.1:{_free_port()}"
    t0 = time.monotonic()
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler") as info:
        sweep(small(), tmp_path / "b", scheduler=address, progress=False)
    assert address in str(info.value) and time.monotonic() - t0 < 15
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    capsys.readouterr()
    assert main(["sweep", str(path), "--out", str(tmp_path / "c"), "--scheduler", address,
                 "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("mobilize: error: ") and "Traceback" not in "".join(err)
    assert address in err[-1]


# --- issue 10: processes -----------------------------------------------------------------
def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc): the pool's forkserver and workers."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_pool_workers_exit_when_the_sweep_is_killed(tmp_path: Path) -> None:
    """SIGKILL to the sweep alone (not its group): its workers must not run on (they did,
    228 MB each)."""
    path = tmp_path / "kill.toml"
    path.write_text(KILL.replace("replications = 48", "replications = 400"), encoding="utf-8")
    proc = _start(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "2",
                   "--no-progress"], tmp_path, False, tmp_path / "log")
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _descendants(proc.pid)
            if len(workers) >= 3 and (tmp_path / "out" / "manifest.json").exists():
                break  # the forkserver and two workers, running
            time.sleep(0.05)
        assert proc.poll() is None and len(workers) >= 3, (tmp_path / "log").read_text()
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_running(p) for p in workers):
            time.sleep(0.05)
        assert not [p for p in workers if _running(p)]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_the_pool_does_not_fork_a_threaded_process(tmp_path: Path,
                                                   reference: pd.DataFrame) -> None:
    """Workers start from a forkserver: no 'multi-threaded, use of fork()' warning even
    when the sweep has threads, and the same rows."""
    import threading
    import warnings

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            result = sweep(small(), tmp_path / "out", workers=2, progress=False)
    finally:
        stop.set()
        thread.join()
    forks = [w for w in seen if "fork" in str(w.message)]
    assert not forks, [str(w.message) for w in forks]
    same_rows(result.runs, reference)


EXIT_CHECK = ("import sys, threading\nfrom mobilization.cli import main\n"
              "rc = main(sys.argv[1:])\n"
              "print('threads', [t.name for t in threading.enumerate()], file=sys.stderr)\n"
              "sys.exit(rc)")


def _tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(SMALL.replace("replications = 3", "replications = 1")
                    .replace("weeks = 20", "weeks = 4"), encoding="utf-8")
    return path


def test_sequential_sweep_leaves_no_thread_at_exit(tmp_path: Path) -> None:
    """A thread left at exit (tqdm's monitor) can abort the interpreter in native code:
    'terminate called without an active exception'."""
    path = _tiny(tmp_path)
    proc = subprocess.run([sys.executable, "-c", EXIT_CHECK, "sweep", str(path), "--out",
                           str(tmp_path / "out"), "--workers", "1"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "threads ['MainThread']" in proc.stderr and "terminate" not in proc.stderr


@pytest.mark.slow
def test_sequential_sweep_exits_cleanly_ten_times(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    for k in range(10):
        proc = subprocess.run([sys.executable, "-m", "mobilization", "sweep", str(path),
                               "--out", str(tmp_path / f"out{k}"), "--workers", "1"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and "terminate called" not in proc.stderr, proc.stderr


# --- issue 10: faults --------------------------------------------------------------------
def _one_error_line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert lines and lines[-1].startswith("mobilize") and ": error: " in lines[-1], err
    return lines[-1]


def _small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_empty_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="empty path"):
        sweep(small(), "", workers=1, progress=False)
    assert main(["sweep", str(_small_file(tmp_path)), "--out", "", "--no-progress"]) == 2
    assert "empty path" in _one_error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.toml"]


def test_a_second_sweep_into_one_store_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    """Two sweeps into one --out both ran every run (600 rows for 300 runs)."""
    out = tmp_path / "out"
    with Store(out).lock():
        with pytest.raises(OSError, match="another sweep") as info:
            sweep(small(), out, workers=1, progress=False)
        assert str(out) in str(info.value) and f"process {os.getpid()}" in str(info.value)
        assert main(["sweep", str(_small_file(tmp_path)), "--out", str(out),
                     "--no-progress"]) == 1
        assert "another sweep" in _one_error_line(capsys.readouterr().err)
    result = sweep(small(), out, workers=1, progress=False)  # released
    assert result.new == N_SMALL and result.runs["run_id"].is_unique


def test_a_real_second_sweep_process_is_refused(tmp_path: Path) -> None:
    """A `mobilize sweep` process is refused while another process holds the store's lock
    (the holder sleeps with the lock taken, so the test does not race a sweep's end)."""
    path = tmp_path / "kill.toml"
    path.write_text(KILL, encoding="utf-8")
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom mobilization.experiments.store import Store\n"
         f"with Store({str(out)!r}).lock():\n"
         "    print('held', flush=True)\n    sys.stdin.read()\n"],
        cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        second = subprocess.run([sys.executable, "-m", "mobilization", "sweep", str(path),
                                 "--out", str(out), "--workers", "1", "--no-progress"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert second.returncode == 1, second.stderr
        assert f"process {holder.pid}" in _one_error_line(second.stderr)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
    assert not (out / "manifest.json").exists()  # the refused sweep wrote nothing


def test_duplicate_and_foreign_parts(tmp_path: Path, reference: pd.DataFrame,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    sweep(small(), out, workers=1, progress=False)
    [part] = Store(out).part_files()
    # a duplicated part: counted once, with a warning
    copy = part.with_name("part-copy.parquet")
    copy.write_bytes(part.read_bytes())
    with pytest.warns(UserWarning, match="written twice"):
        assert len(Store(out).read()) == N_SMALL
    assert main(["report", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"runs: {N_SMALL} ok, 0 failed of {N_SMALL}" in captured.out
    assert "mobilize: warning:" in captured.err and "written twice" in captured.err
    # the same run with other values: refused
    frame = pd.read_parquet(copy)
    frame.loc[0, list(OUTCOMES)[0]] += 1
    frame.to_parquet(copy, index=False)
    with pytest.raises(ValueError, match="different rows"):
        Store(out).read()
    copy.unlink()
    # a part of another experiment: refused, naming the file, by report and resume
    other = sweep(small(SMALL.replace("seed = 7", "seed = 8")), tmp_path / "other",
                  workers=1, progress=False)
    foreign = out / "parts" / "part-foreign.parquet"
    foreign.write_bytes(Store(other.directory).part_files()[0].read_bytes())
    assert main(["report", str(out)]) == 2
    assert str(foreign) in _one_error_line(capsys.readouterr().err)
    with pytest.raises(ValueError, match="not in this store's design"):
        sweep(small(), out, workers=1, progress=False)


def test_corrupt_part_is_named_and_set_aside_on_resume(tmp_path: Path,
                                                       reference: pd.DataFrame,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    monkeypatch.setattr(sweep_mod, "WRITE_EVERY", 0.0)
    monkeypatch.setattr(sweep_mod, "TASK_SECONDS", 1e-9)
    out = tmp_path / "out"
    sweep(small(), out, workers=1, progress=False)
    parts = Store(out).part_files()
    assert len(parts) == N_SMALL
    bad = parts[3]
    bad.write_bytes(bad.read_bytes()[:100])  # truncated
    assert main(["report", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert str(bad) in line and "<Buffer>" not in line
    assert main(["sweep", str(_small_file(tmp_path)), "--out", str(out),
                 "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "mobilize: warning:" in err and "corrupt" in err
    assert (out / "parts" / "corrupt" / bad.name).exists()
    final = Store(out).read()
    assert final["run_id"].is_unique
    same_rows(final, reference)


def test_bad_manifest_and_part_are_one_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    sweep(small(), out, workers=1, progress=False)
    manifest = (out / "manifest.json").read_text()
    (out / "manifest.json").write_text("[1, 2]")
    assert main(["report", str(out)]) == 2
    assert "not a sweep's manifest" in _one_error_line(capsys.readouterr().err)
    assert main(["sweep", str(_small_file(tmp_path)), "--out", str(out),
                 "--no-progress"]) == 2
    assert "not a sweep's manifest" in _one_error_line(capsys.readouterr().err)
    (out / "manifest.json").write_text(manifest)
    [part] = Store(out).part_files()
    pd.read_parquet(part).drop(columns=[list(OUTCOMES)[0]]).to_parquet(part, index=False)
    assert main(["report", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert str(part) in line and list(OUTCOMES)[0] in line


def test_full_disk_is_one_line_and_the_rerun_completes(tmp_path: Path,
                                                        reference: pd.DataFrame,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    import errno

    monkeypatch.setattr(sweep_mod, "WRITE_EVERY", 0.0)
    monkeypatch.setattr(sweep_mod, "TASK_SECONDS", 1e-9)
    real = Store.write_part
    written: list[int] = []

    def filling(self: Store, rows: list[dict]) -> Path:
        if len(written) >= 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(len(rows))
        return real(self, rows)

    monkeypatch.setattr(Store, "write_part", filling)
    path = _small_file(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--no-progress", "--workers",
                 "1"]) == 1
    assert "No space left" in _one_error_line(capsys.readouterr().err)
    monkeypatch.setattr(Store, "write_part", real)
    assert len(Store(out).read()) == sum(written) > 0
    assert main(["sweep", str(path), "--out", str(out), "--no-progress", "--workers",
                 "1"]) == 0
    final = Store(out).read()
    assert final["run_id"].is_unique
    same_rows(final, reference)


def killing_simulate(weeks: int, seed: int, marker: str = "", **params: object) -> dict:
    """Kills its worker process at one point, when the marker file exists."""
    if marker and Path(marker).exists() and params.get("vital_interest_share") == 1.0:
        os.kill(os.getpid(), signal.SIGKILL)
    return simulate(weeks, seed, **params)


def test_a_killed_pool_worker_is_one_line(tmp_path: Path, reference: pd.DataFrame,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import functools

    marker = tmp_path / "kill-now"
    marker.touch()
    killing = functools.partial(killing_simulate, marker=str(marker))
    monkeypatch.setattr(sweep_mod, "WRITE_EVERY", 0.0)
    monkeypatch.setattr(sweep_mod, "TASK_SECONDS", 1e-9)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="worker process died") as info:
        sweep(small(), out, workers=2, progress=False, simulate_fn=killing)
    assert "\n" not in str(info.value) and str(out) in str(info.value)
    before = Store(out).read()
    marker.unlink()
    final = sweep(small(), out, workers=1, progress=False, simulate_fn=killing)
    assert final.skipped == len(before)
    same_rows(final.runs, reference)


# --- issue 10: Dask faults ---------------------------------------------------------------
def test_not_a_dask_scheduler_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A port where something listens but never answers hung the sweep."""
    import socket
    import threading

    monkeypatch.setenv("MOBILIZE_DASK_TIMEOUT", "1.5")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            listener.settimeout(0.1)
            while not stop.is_set():
                with contextlib.suppress(OSError):
                    accepted.append(listener.accept()[0])

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        try:
            t0 = time.monotonic()
            assert main(["sweep", str(_small_file(tmp_path)), "--out", str(tmp_path / "o"),
                         "--scheduler", address, "--no-progress"]) == 2
            assert time.monotonic() - t0 < 10
        finally:
            stop.set()
            thread.join()
            for conn in accepted:
                conn.close()
    line = _one_error_line(capsys.readouterr().err)
    assert address in line and "MOBILIZE_DASK_TIMEOUT" in line


def test_dask_without_workers_fails_after_a_bounded_wait(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("MOBILIZE_DASK_WORKER_WAIT", "1")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as c:
        t0 = time.monotonic()
        assert main(["sweep", str(_small_file(tmp_path)), "--out", str(tmp_path / "o"),
                     "--scheduler", c.scheduler_address, "--no-progress"]) == 1
        assert time.monotonic() - t0 < 15
    assert "no workers after 1 s" in _one_error_line(capsys.readouterr().err)


_REAL_RUN_TASK = sweep_mod.run_task


def slow_run_task(runs: list, simulate_fn: object = None) -> list:
    time.sleep(0.15)
    return _REAL_RUN_TASK(runs, simulate_fn)


def test_lost_dask_scheduler_is_one_line_and_the_rerun_completes(
        tmp_path: Path, reference: pd.DataFrame, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import threading

    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("MOBILIZE_DASK_TIMEOUT", "3")
    monkeypatch.setattr(sweep_mod, "WRITE_EVERY", 0.0)
    monkeypatch.setattr(sweep_mod, "TASK_SECONDS", 1e-9)
    monkeypatch.setattr(sweep_mod, "run_task", slow_run_task)
    path = _small_file(tmp_path)
    out = tmp_path / "out"
    args = ["sweep", str(path), "--out", str(out), "--no-progress"]
    c = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                 dashboard_address=":0", silence_logs=logging.ERROR)
    try:
        def close_when_started() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(list(out.glob("parts/*.parquet"))) < 2:
                time.sleep(0.02)
            c.close()

        closer = threading.Thread(target=close_when_started)
        closer.start()
        t0 = time.monotonic()
        status = main([*args, "--scheduler", c.scheduler_address])
        closer.join()
        assert status == 1 and time.monotonic() - t0 < 30
    finally:
        c.close()
    assert "lost the Dask scheduler" in _one_error_line(capsys.readouterr().err)
    kept = Store(out).read()
    assert 2 <= len(kept) < N_SMALL
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as c2:
        assert main([*args, "--scheduler", c2.scheduler_address]) == 0
    same_rows(Store(out).read(), reference)
