"""Running an experiment: every (design point, replication), on any executor, resumably.

Executors are anything with the :class:`concurrent.futures.Executor` interface:

* :class:`SequentialExecutor`, in this process (``workers=1``);
* a local :class:`~concurrent.futures.ProcessPoolExecutor` (the default, all cores),
  whose workers start from a forkserver (a script calling :func:`sweep` needs the
  ``if __name__ == "__main__":`` guard) and exit when the sweep dies;
* a Dask distributed cluster, ``distributed.Client(address).get_executor()``
  (``scheduler=``). The cluster's workers need this package installed.

Runs are bundled into tasks of several villages so that scheduling and pickling stay small
next to the runs themselves, and finished rows are written to the store (:mod:`.store`) in
part files every few seconds. A sweep started again with the same design skips the runs
already written, so a killed sweep resumes where it stopped, and its result does not depend
on where, in what order or in what bundles runs happened: a run depends only on its
parameters and its seed.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
)
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from .experiment import Experiment, Run
from .kinds import kind_of
from .store import SERIES_KEY, Store, param_column

WRITE_EVERY = 5.0
"""Seconds between part files: a kill loses at most this much finished work."""

TASK_SECONDS = 0.5
"""Target length of one task (a bundle of runs)."""


class SequentialExecutor(Executor):
    """Runs each submitted call at once, in this process (``workers=1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as e:  # noqa: BLE001 -- handed to the caller via the future
            future.set_exception(e)
        return future  # KeyboardInterrupt propagates: Ctrl-C stops the sweep


def run_row(run: Run, simulate_fn: Callable[..., dict[str, Any]] | None = None
            ) -> dict[str, Any]:
    """Run one village (or district) and return its row: run columns, parameters,
    extras, outcomes.

    A run that raises becomes a ``failed`` row with the error text and no outcomes, so one
    bad corner of a design does not lose the sweep. ``simulate_fn`` replaces the kind's
    own (for tests): its ``simulate``, or for a run that keeps series its
    ``simulate_series``. An ok run that keeps series carries them under
    :data:`~mobilization.experiments.store.SERIES_KEY` (the store writes them apart).
    """
    kind = kind_of(run.model)
    params = kind.resolve(run.params)
    row: dict[str, Any] = {"run_id": run.run_id, "point": run.point, "sub": run.sub,
                           "replication": run.replication, "seed": run.seed,
                           **{param_column(k): v for k, v in params.items()}, **run.extra}
    series = None
    try:
        if run.series:
            simulate_series = simulate_fn or kind.simulate_series
            outcomes, series = simulate_series(run.weeks, run.seed, run.series,
                                               run.series_every, **run.params)
        else:
            outcomes = (simulate_fn or kind.simulate)(run.weeks, run.seed, **run.params)
    except Exception as e:  # noqa: BLE001 -- recorded in the row
        last = traceback.extract_tb(e.__traceback__)[-1:]
        where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
        return {**row, "status": "failed", "error": f"{type(e).__name__}: {e}{where}",
                **dict.fromkeys(kind.outcomes, np.nan)}
    return {**row, "status": "ok", "error": None, **outcomes,
            **({SERIES_KEY: series} if series is not None else {})}


def run_task(runs: Sequence[Run], simulate_fn: Callable[..., dict[str, Any]] | None = None
             ) -> list[dict[str, Any]]:
    """Run a bundle of villages (one task on a worker). Top-level, so workers can unpickle
    it."""
    return [run_row(run, simulate_fn) for run in runs]


class SweepAborted(OSError):
    """The sweep could not go on for a reason outside the experiment: a lost Dask
    scheduler, a worker process killed, no workers. The finished runs are in the store and
    the same command resumes (exit status 1 from the command line)."""


WATCH_PARENT = 0.5
"""Seconds between a pool worker's checks that the sweep that started it is alive."""


def _init_worker(sweep_pid: int) -> None:
    """Initializer of a pool worker: leave Ctrl-C to the sweep, and exit when the sweep
    dies, even by SIGKILL (which runs no clean-up), so that no worker runs on alone.

    On Linux the kernel signals the worker when its parent (the forkserver, which itself
    exits when the sweep does) dies; everywhere, a daemon thread checks every
    :data:`WATCH_PARENT` seconds that the parent and the sweep are still there.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    threading.Thread(target=_watch_parent, args=(parent, sweep_pid), daemon=True,
                     name="mobilization-watch-parent").start()


def _watch_parent(parent: int, sweep_pid: int) -> None:
    while True:
        if os.getppid() != parent or not _alive(sweep_pid):
            os._exit(1)
        time.sleep(WATCH_PARENT)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by another user
        return True
    return True


def task_size(runs: Sequence[Run], workers: int) -> int:
    """Runs per task: about :data:`TASK_SECONDS` of work, and at least four tasks per
    worker so the load balances. A default village (400 people, 104 weeks) takes about
    40 ms; time grows with people x weeks."""
    if not runs:
        return 1
    kind = kind_of(runs[0].model)
    params = kind.resolve(runs[0].params)
    seconds = (0.04 * kind.villages(params) * (params["population"] / 400)
               * (runs[0].weeks / 104))
    by_time = max(1, int(TASK_SECONDS / max(seconds, 1e-6)))
    by_balance = max(1, math.ceil(len(runs) / (4 * workers)))
    return min(by_time, by_balance)


DASK_TIMEOUT = 20.0
"""Seconds to connect to a Dask scheduler and hear from it (environment variable
``MOBILIZE_DASK_TIMEOUT``): an address where something listens but no scheduler answers
fails after this long instead of hanging."""

DASK_WORKER_WAIT = 60.0
"""Seconds to wait for a Dask scheduler to have at least one worker (environment variable
``MOBILIZE_DASK_WORKER_WAIT``); a cluster without workers fails then instead of waiting at 0
runs forever."""


def _seconds(env: str, default: float) -> float:
    text = os.environ.get(env)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{env} must be a number of seconds > 0; got {text!r}")
    return value


def check_scheduler(address: str) -> None:
    """Refuse (:class:`ValueError`) a Dask scheduler address that is malformed, does not
    accept connections, or where no Dask scheduler answers within :data:`DASK_TIMEOUT`,
    before the store is created."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls"):
            host, port = parse_host_port(location)
            socket.create_connection((host, port), timeout=5).close()
    except (OSError, ValueError, TypeError) as e:
        raise ValueError(f"cannot reach the Dask scheduler at {address!r}: {e}") from None
    _probe_scheduler(address, _seconds("MOBILIZE_DASK_TIMEOUT", DASK_TIMEOUT))


def _dask_client(scheduler: str) -> Any:
    """A connected client with at least one worker, or :class:`ValueError` /
    :class:`SweepAborted` after a bounded wait (:data:`DASK_TIMEOUT`,
    :data:`DASK_WORKER_WAIT`)."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask is a dependency
        raise ValueError("--scheduler needs dask.distributed installed") from None
    timeout = _seconds("MOBILIZE_DASK_TIMEOUT", DASK_TIMEOUT)
    worker_wait = _seconds("MOBILIZE_DASK_WORKER_WAIT", DASK_WORKER_WAIT)
    _probe_scheduler(scheduler, timeout)
    try:
        client = Client(scheduler, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as e:
        raise ValueError(f"cannot reach the Dask scheduler at {scheduler} (no Dask "
                         f"scheduler answered within {timeout:g} s; "
                         f"MOBILIZE_DASK_TIMEOUT sets the wait): {e}") from None
    try:
        client.wait_for_workers(1, timeout=worker_wait)
    except (OSError, TimeoutError):
        client.close(timeout=timeout)
        raise SweepAborted(f"the Dask scheduler at {scheduler} has no workers after "
                           f"{worker_wait:g} s (MOBILIZE_DASK_WORKER_WAIT sets the wait); "
                           "start workers with `dask worker " + scheduler + "`") from None
    except BaseException:
        client.close(timeout=timeout)
        raise
    return client


def _probe_scheduler(address: str, timeout: float) -> None:
    """Ask ``address`` who it is, within ``timeout`` seconds: the Dask client's own timeout
    covers connecting but not the scheduler's answer, so a port where something else
    listens (and never answers) would hang the sweep."""
    import asyncio

    from distributed.comm import connect

    async def identity() -> Any:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        info = asyncio.run(asyncio.wait_for(identity(), timeout))
    except (ValueError, TypeError) as e:  # a malformed address
        raise ValueError(f"cannot reach the Dask scheduler at {address!r}: {e}") from None
    except (OSError, TimeoutError) as e:
        why = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        raise ValueError(f"no Dask scheduler answered at {address} within {timeout:g} s "
                         f"(MOBILIZE_DASK_TIMEOUT sets the wait): {why}") from None
    if not isinstance(info, dict) or info.get("type") != "Scheduler":
        raise ValueError(f"{address} is not a Dask scheduler (it answered as "
                         f"{info.get('type') if isinstance(info, dict) else type(info)})")


def _pool_context() -> multiprocessing.context.BaseContext:
    """Pool workers start from a forkserver, never by forking this process: the sweep has
    threads (the executor's, Dask's, Arrow's), and forking a threaded process can deadlock.
    The forkserver imports the model once, so workers start fast."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", __name__])
    return ctx


@contextmanager
def executor_for(workers: int | None = None, scheduler: str | None = None
                 ) -> Iterator[tuple[Executor, int]]:
    """The executor of a sweep and its number of workers.

    ``scheduler``: address of a Dask distributed scheduler (``tcp://host:8786``);
    ``workers``: 1 runs in this process, otherwise a local process pool (default: all cores).
    """
    if scheduler is not None:
        client = _dask_client(scheduler)
        # A lost scheduler is reported as one SweepAborted line, not the client's logged
        # reconnection tracebacks.
        client_log = logging.getLogger("distributed.client")
        level = client_log.level
        client_log.setLevel(logging.CRITICAL)
        try:
            n = max(1, sum(w.get("nthreads", 1) for w in
                           client.scheduler_info()["workers"].values()))
            yield client.get_executor(pure=False), n
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=_seconds("MOBILIZE_DASK_TIMEOUT", DASK_TIMEOUT))
            client_log.setLevel(level)
        return
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n == 1:
        yield SequentialExecutor(), 1
        return
    pool = ProcessPoolExecutor(max_workers=n, mp_context=_pool_context(),
                               initializer=_init_worker, initargs=(os.getpid(),))
    try:
        yield pool, n
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


@dataclass
class SweepResult:
    """What a sweep did: ``runs`` holds every row in the store (ordered by point and
    replication), ``new`` how many ran now, ``skipped`` how many were already there."""

    runs: pd.DataFrame
    directory: Path
    new: int
    skipped: int

    @property
    def failed(self) -> int:
        return int((self.runs["status"] == "failed").sum())


def sweep(
    experiment: Experiment,
    out: str | os.PathLike[str],
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    simulate_fn: Callable[..., dict[str, Any]] | None = None,
    retry_failed: bool = False,
) -> SweepResult:
    """Run every (point, replication) of ``experiment`` not yet in the store ``out``.

    The store is created, or reopened to resume (a different design is refused). Rows are
    written every :data:`WRITE_EVERY` seconds and at the end; on Ctrl-C the rows finished so
    far are written before the interrupt propagates. Failed runs count as finished unless
    ``retry_failed``, which runs them again (after a fix). ``simulate_fn`` replaces
    :func:`mobilization.simulate` (for tests; it must be picklable).
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise ValueError(f"workers must be a whole number >= 1; got {workers!r}")
    if scheduler is not None:
        check_scheduler(scheduler)
    store = Store(out)
    with store.lock():
        done = store.open(experiment)
        if retry_failed and store.drop_failed():
            done = store.finished_ids()
        # Runs stream from the design: only the finished ids are held, not every run.
        todo = (r for r in experiment.iter_runs() if r.run_id not in done)
        n_todo = experiment.n_runs - len(done)
        skipped = len(done)
        if n_todo:
            with executor_for(workers, scheduler) as (executor, n_workers):
                _execute(executor, n_workers, todo, n_todo, store, progress, skipped,
                         experiment.n_runs, simulate_fn)
        return SweepResult(runs=store.read(), directory=store.dir, new=n_todo,
                           skipped=skipped)


def _execute(executor: Executor, n_workers: int, todo: Iterator[Run], n_todo: int,
             store: Store, progress: bool, skipped: int, total: int,
             simulate_fn: Callable[..., dict[str, Any]] | None) -> None:
    first = next(todo)
    todo = itertools.chain([first], todo)
    size = task_size([first] * n_todo, n_workers)
    tasks = iter(lambda: list(itertools.islice(todo, size)), [])
    # A bounded window of tasks in flight: enough to keep every worker busy, few enough
    # that finished rows reach the store as they come (and, in this process, one at a time
    # so that Ctrl-C stops at once).
    window = 1 if isinstance(executor, SequentialExecutor) else 2 * n_workers
    buffer: list[dict[str, Any]] = []
    last_write = time.monotonic()
    pending: set[Future] = set()
    bar = None
    try:
        pending = {executor.submit(run_task, t, simulate_fn)
                   for t in itertools.islice(tasks, window)}
        bar = _Progress(total=total, initial=skipped, desc="runs", unit="run",
                        file=sys.stderr, disable=not progress, smoothing=0.05)
        while pending:
            finished, pending = wait_futures(pending, timeout=WRITE_EVERY,
                                             return_when=FIRST_COMPLETED)
            if not finished:
                _check_client(executor)
            for future in finished:
                rows = _result(future, executor)
                buffer.extend(rows)
                bar.update(len(rows))
            for t in itertools.islice(tasks, len(finished)):
                pending.add(executor.submit(run_task, t, simulate_fn))
            if buffer and (time.monotonic() - last_write >= WRITE_EVERY or not pending):
                store.write_part(buffer)
                buffer, last_write = [], time.monotonic()
    except BaseException as e:
        for future in pending:
            future.cancel()
        if buffer:
            store.write_part(buffer)
        if isinstance(e, SweepAborted):
            raise SweepAborted(f"{e}; the finished runs are in {store.dir}: run the same "
                               "command again to resume") from None
        raise
    finally:
        if bar is not None:
            bar.close()


class _Progress(tqdm):
    # No monitor thread: a daemon thread left running at exit can abort the interpreter
    # ("terminate called without an active exception") as native libraries tear down.
    monitor_interval = 0


def _client_of(executor: Executor) -> Any:
    return getattr(executor, "_client", None)


def _check_client(executor: Executor) -> None:
    """A Dask client that lost its scheduler stops the sweep (its tasks never finish)."""
    client = _client_of(executor)
    if client is not None and client.status not in ("running", "connecting", "newly-created"):
        raise SweepAborted(f"lost the Dask scheduler at {client.scheduler.address} "
                           f"(client {client.status})")


def _result(future: Future, executor: Executor) -> list[dict[str, Any]]:
    """A task's rows; an executor that broke becomes one :class:`SweepAborted` line."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise SweepAborted("a worker process died (killed, or out of memory?); the pool "
                           "cannot go on") from None
    except CancelledError:
        client = _client_of(executor)
        where = f" at {client.scheduler.address}" if client is not None else ""
        raise SweepAborted(f"lost the Dask scheduler{where}: its tasks were cancelled"
                           ) from None
    except Exception as e:
        if _client_of(executor) is not None and type(e).__module__.startswith("distributed"):
            raise SweepAborted(f"the Dask cluster failed: {type(e).__name__}: {e}") from None
        raise
