"""The result store of a sweep: a manifest and Parquet part files that lose nothing.

Layout of an output directory::

    DIR/manifest.json        the design, seeds, package versions, git commit
    DIR/parts/*.parquet      one row per finished run, in part files
    DIR/series/*.parquet     the outcomes kept over time (``[experiment] series``), one row
                             per run and week, in the part of the same name as the runs'
    DIR/.lock                held (``flock``) by the one sweep writing into DIR

Every file is written to a temporary name, flushed to disk and moved into place
(:func:`atomic_write`), so a part file is either complete or absent: a sweep killed at any
moment loses at most the runs it had not yet written, never a written one, and never leaves
a half file. Each run is written once, because a resumed sweep runs only the runs that no
part file holds, and a second sweep into the same directory is refused while one runs.

Every reader (:meth:`Store.read`, and the resume) checks what it reads: a run that is not
one of the design's is refused with the part file that holds it, an identical row found
twice is counted once (with a warning), and a part file that cannot be read is named (a
resumed sweep moves it to ``DIR/parts/corrupt/`` and runs its runs again).

Errors: bad or foreign files in the store are :class:`ValueError` (exit status 2), a store
held by another sweep is :class:`StoreBusy`, an :class:`OSError` (exit status 1).

The series of a part's runs are written *before* the part, under the same name in
``series/``: a run in ``parts/`` always has its series, and a series part whose run part is
missing (a kill between the two writes) holds runs that will run again, so reopening the
store removes it. Each run's series is therefore stored exactly once.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .experiment import Experiment
from .files import atomic_write, write_text
from .kinds import VILLAGE, Kind, kind_of

MANIFEST = "manifest.json"
PARTS = "parts"
LOCK = ".lock"
CORRUPT = "corrupt"
RUN_COLUMNS = ("run_id", "point", "sub", "replication", "seed", "status", "error")
"""Columns that identify a run and its fate; then every parameter (as ``param.NAME``,
so a parameter's column can never be taken for an outcome's), extra factors
(the sensitivity ``dummy``), and every outcome (NaN for a failed run)."""
PARAM_PREFIX = "param."
SERIES = "series"
SERIES_KEY = "__series__"
"""Key of a run's row that carries its series (``week`` and one array per outcome) from
the worker to :meth:`Store.write_part`; never a column."""
SERIES_COLUMNS = ("run_id", "point", "sub", "replication", "week")
"""Columns of a series part before the outcomes, one column each."""


def param_column(name: str) -> str:
    """The column of parameter ``name`` in a sweep's rows."""
    return PARAM_PREFIX + name

_PACKAGES = ("mobilization", "mesa", "numpy", "pandas", "pyarrow", "scipy", "salib",
             "dask", "distributed")


def versions() -> dict[str, str | None]:
    """Versions of Python and the packages a result depends on."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> str | None:
    """The commit of the working tree the package runs from, if it is a git checkout
    (with ``-dirty`` when it has uncommitted changes)."""
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                              text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=here, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


class StoreBusy(OSError):
    """Another sweep is writing into the directory (exit status 1)."""


class StoreWarning(UserWarning):
    """Something in a store was repaired on reading (a duplicate row, a corrupt part moved
    aside)."""


class Store:
    """The output directory of one experiment."""

    def __init__(self, directory: str | os.PathLike[str]):
        if not os.fspath(directory).strip():
            raise ValueError("the output directory is an empty path; give --out DIR (a new "
                             "directory, or the store of the same design to resume)")
        self.dir = Path(directory)
        self.parts = self.dir / PARTS
        self.series = self.dir / SERIES
        self._kind: Kind | None = None
        self._ids: frozenset[str] | None = None

    @contextlib.contextmanager
    def lock(self) -> Any:
        """Hold ``DIR/.lock`` for a sweep: a second writer is refused (:class:`StoreBusy`)
        instead of running every run again into the same parts. The lock is the kernel's
        (``flock``), so a killed sweep never leaves it held."""
        import fcntl

        made_dir = not self.dir.exists()
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / LOCK
        made_lock = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
                raise StoreBusy(f"{self.dir} is being written by another sweep"
                                f"{f' (process {holder})' if holder else ''}; wait for it, "
                                "or use another --out") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            try:
                yield self
            finally:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                    if not self.exists():  # refused: leave the directory as it was
                        if made_lock:
                            path.unlink()
                        if made_dir:
                            self.dir.rmdir()
        finally:
            os.close(fd)  # releases the lock

    @property
    def kind(self) -> Kind:
        """What each run of this store is (a village or a district), from its design."""
        if self._kind is None:
            design = self.manifest().get("design", {}) if self.exists() else {}
            self._kind = kind_of(design.get("model"))
        return self._kind

    @property
    def manifest_path(self) -> Path:
        return self.dir / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def manifest(self) -> dict[str, Any]:
        """The manifest of a started sweep; :class:`ValueError` if there is none or it is
        not a sweep's manifest."""
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"{self.dir} holds no sweep (no {MANIFEST})") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{self.manifest_path} is not valid JSON: {e}") from None
        design = data.get("design") if isinstance(data, dict) else None
        if not isinstance(design, dict) or not isinstance(design.get("fingerprint"), str):
            raise ValueError(f"{self.manifest_path} is not a sweep's manifest (an object "
                             "with a design and its fingerprint)")
        return data

    def design_ids(self) -> frozenset[str] | None:
        """The run ids of the store's design: from :meth:`open`, else rebuilt from the
        manifest; None when the rebuilt design does not match the manifest's fingerprint
        (the model's defaults changed since), and only uniqueness can be checked."""
        if self._ids is None and self.exists():
            from .design import Experiment as Design

            design = self.manifest()["design"]
            try:
                rebuilt = Design.from_manifest(design)
                if rebuilt.fingerprint() == design["fingerprint"]:
                    self._ids = rebuilt.run_ids()
            except (KeyError, TypeError, ValueError):
                return None
        return self._ids

    def open(self, experiment: Experiment) -> set[str]:
        """Start the store for ``experiment``, or reopen it to resume; returns the ids of
        the runs already written.

        Refuses (:class:`ValueError`) a directory that holds a different design, or any
        other files: nothing already written is overwritten.
        """
        design = experiment.manifest()
        self._kind = experiment.kind
        self._ids = experiment.run_ids()
        if self.exists():
            old = self.manifest()
            if old.get("design", {}).get("fingerprint") != design["fingerprint"]:
                raise ValueError(
                    f"{self.dir} holds a different design (experiment "
                    f"{old.get('design', {}).get('name')!r}, "
                    f"{old.get('design', {}).get('n_runs')} runs); a sweep resumes only "
                    "with the same design, parameters and model defaults. Use another "
                    "--out, or remove the directory to start again")
            commit = git_commit()
            if old.get("git_commit") != commit:
                warnings.warn(f"resuming a sweep started at commit {old.get('git_commit')} "
                              f"with commit {commit}", stacklevel=2)
            if old["design"].get("tables") != design["tables"]:
                # The readers' tables ([report], [analysis] ...) change no run: a resumed
                # sweep records the file's current ones, so its report follows the file.
                old["design"]["tables"] = design["tables"]
                write_text(self.manifest_path, json.dumps(old, indent=1) + "\n")
            self._remove_temporary_files()
            ids = self.finished_ids(set_aside=True)  # sets unreadable parts aside
            self._remove_orphan_series()  # then their series, and any orphan
            return ids
        self._remove_unfinished_start()
        if self.dir.exists() and any(p.name != LOCK for p in self.dir.iterdir()):
            raise ValueError(f"{self.dir} is not empty and holds no sweep; choose another "
                             "--out")
        manifest = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": git_commit(),
            "versions": versions(),
            "design": design,
        }
        self.parts.mkdir(parents=True, exist_ok=True)
        write_text(self.manifest_path, json.dumps(manifest, indent=1) + "\n")
        return set()

    def _remove_unfinished_start(self) -> None:
        # A kill while the store was being created leaves an empty parts/ or a temporary
        # manifest, and no run: clear them so the rerun can start.
        for tmp in self.dir.glob(f".{MANIFEST}.*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
        if self.parts.is_dir() and not any(self.parts.iterdir()):
            self.parts.rmdir()

    def _remove_temporary_files(self) -> None:
        # A kill during a write leaves its temporary file; it holds nothing that counts.
        for tmp in self.parts.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _remove_orphan_series(self) -> None:
        # A kill between a series part and its run part: those runs run again.
        for tmp in self.series.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
        for path in self.series.glob("part-*.parquet"):
            if not (self.parts / path.name).exists():
                with contextlib.suppress(OSError):
                    path.unlink()

    def part_files(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.parquet"))

    def finished_ids(self, set_aside: bool = False) -> set[str]:
        """Ids of the runs written so far (``ok`` or ``failed``); refuses a part holding a
        run of another design. ``set_aside``: move a part that cannot be read to
        ``DIR/parts/corrupt/`` (with a warning) so that its runs run again."""
        ids: set[str] = set()
        design = self.design_ids()
        for path in self.part_files():
            try:
                part = _read_part(path, columns=["run_id"])["run_id"]
            except CorruptPart as e:
                if not set_aside:
                    raise
                aside = self.parts / CORRUPT / path.name
                aside.parent.mkdir(exist_ok=True)
                os.replace(path, aside)
                warnings.warn(f"{e}; moved to {aside}: its runs run again", StoreWarning,
                              stacklevel=2)
                continue
            _check_members(path, part, design)
            ids.update(part)
        return ids

    def drop_failed(self) -> int:
        """Remove the ``failed`` rows from the part files, so a resumed sweep runs them
        again (after a fix); returns how many were removed.

        Each part is rewritten atomically without its failed rows *before* anything is
        rerun, so a crash in between can only leave a run missing (and rerun later), never
        present twice.
        """
        removed = 0
        for path in self.part_files():
            frame = _read_part(path)
            failed = frame["status"] == "failed"
            if not failed.any():
                continue
            removed += int(failed.sum())
            kept = frame[~failed]
            if kept.empty:
                path.unlink()
                with contextlib.suppress(FileNotFoundError):  # failed runs keep no series
                    (self.series / path.name).unlink()
            else:
                atomic_write(path, lambda tmp, kept=kept: kept.to_parquet(
                    tmp, engine="pyarrow", index=False))
        return removed

    def write_part(self, rows: list[dict[str, Any]]) -> Path:
        """Write finished runs as one part file, atomically; returns its path. The series
        the rows carry (:data:`SERIES_KEY`) are written first, to ``series/`` under the
        same name."""
        series = [r for r in rows if SERIES_KEY in r]
        rows = [{k: v for k, v in r.items() if k != SERIES_KEY} for r in rows]
        frame = rows_frame(rows, self.kind)
        digest = hashlib.sha256("".join(frame["run_id"]).encode()).hexdigest()[:16]
        path = self.parts / f"part-{digest}.parquet"
        if series:
            table = series_frame(series)
            atomic_write(self.series / path.name, lambda tmp: table.to_parquet(
                tmp, engine="pyarrow", index=False))
        return atomic_write(path, lambda tmp: frame.to_parquet(tmp, engine="pyarrow",
                                                               index=False))

    def read(self) -> pd.DataFrame:
        """Every run written, one row each, ordered by point and replication.

        Refuses (:class:`ValueError`, naming the part file) a part that cannot be read,
        lacks a column, or holds a run of another design, and two different rows of one
        run; an identical row found twice (a copied part) is counted once, with a warning.
        """
        paths = self.part_files()
        if not paths:
            return rows_frame([], self.kind)
        design = self.design_ids()
        needed = [*RUN_COLUMNS, *self.kind.outcomes]
        frames = []
        for path in paths:
            part = _read_part(path)
            missing = [c for c in needed if c not in part.columns]
            if missing:
                raise ValueError(f"{path}: not a part file of this store: no column "
                                 f"{missing[0]!r}")
            _check_members(path, part["run_id"], design)
            frames.append(part.assign(_part=path.name))
        frame = pd.concat(frames, ignore_index=True)
        twice = frame["run_id"].duplicated(keep=False)
        if twice.any():
            frame = self._drop_duplicates(frame, twice)
        frame = frame.drop(columns="_part")
        return frame.sort_values(["point", "replication"], kind="stable").reset_index(
            drop=True)

    def _drop_duplicates(self, frame: pd.DataFrame, twice: pd.Series) -> pd.DataFrame:
        # Rows of one run must agree in every column but their part file's name.
        dup = frame[twice]
        values = dup.drop(columns="_part").astype("string").fillna("<NA>")
        differing = values.groupby(dup["run_id"]).nunique(dropna=False).gt(1).any(axis=1)
        if differing.any():
            rid = differing[differing].index[0]
            parts = sorted(set(dup.loc[dup["run_id"] == rid, "_part"]))
            raise ValueError(f"{self.parts}: run {rid} has different rows in "
                             f"{' and '.join(parts)}; remove the wrong part file")
        n = int(frame["run_id"].duplicated().sum())
        parts = sorted(set(dup["_part"]))
        warnings.warn(f"{self.dir}: {n} runs are written twice, identically (in "
                      f"{', '.join(parts[:3])}{', ...' if len(parts) > 3 else ''}); "
                      "each is counted once", StoreWarning, stacklevel=3)
        return frame.drop_duplicates("run_id", keep="first")

    def read_series(self) -> pd.DataFrame:
        """The series of every run written (long form: :data:`SERIES_COLUMNS`, then one
        column per outcome), ordered by point, replication and week; empty when the
        design keeps none. Only series whose runs are in ``parts/`` count."""
        paths = [p for p in sorted(self.series.glob("part-*.parquet"))
                 if (self.parts / p.name).exists()]
        if not paths:
            names = self.manifest().get("design", {}).get("series", []) if self.exists() \
                else []
            return series_frame([], names)
        frame = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
        frame = frame.drop_duplicates(["run_id", "week"])
        return frame.sort_values(["point", "replication", "week"], kind="stable").reset_index(
            drop=True)


class CorruptPart(ValueError):
    """A part file that cannot be read (truncated, not Parquet)."""


def _read_part(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """One part file; :class:`CorruptPart` naming the file if it cannot be read (Arrow's
    own message names only ``'<Buffer>'``)."""
    try:
        return pd.read_parquet(path, columns=columns, engine="pyarrow")
    except FileNotFoundError:
        raise
    except (pa.ArrowException, OSError, ValueError, KeyError) as e:
        text = " ".join(str(e).split()) or type(e).__name__
        text = text.replace("Could not open Parquet input source '<Buffer>': ", "")
        raise CorruptPart(f"{path}: cannot read this part file ({text})") from None


def _check_members(path: Path, run_ids: pd.Series, design: frozenset[str] | None) -> None:
    """Refuse a part holding a run that is not one of the design's (a part copied in from
    another experiment)."""
    if design is None:
        return
    foreign = ~run_ids.isin(design)
    if foreign.any():
        raise ValueError(f"{path}: holds {int(foreign.sum())} runs that are not in this "
                         f"store's design (run {run_ids[foreign].iloc[0]}); a part from "
                         "another experiment? Move it out of the store")


def series_frame(rows: Iterable[dict[str, Any]], names: Iterable[str] = ()) -> pd.DataFrame:
    """The series carried by run rows (:data:`SERIES_KEY`) in long form, with fixed types:
    one row per run and kept week."""
    frames = []
    for row in rows:
        series = row[SERIES_KEY]
        n = len(series["week"])
        frames.append(pd.DataFrame({
            "run_id": [row["run_id"]] * n, "point": row["point"], "sub": row["sub"],
            "replication": row["replication"], **series}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="string" if c in ("run_id", "sub") else
                                          "int64") for c in SERIES_COLUMNS}
                            | {n: pd.Series(dtype="float64") for n in names})
    frame = pd.concat(frames, ignore_index=True)
    for name in ("point", "replication", "week"):
        frame[name] = frame[name].astype("int64")
    for name in ("run_id", "sub"):
        frame[name] = frame[name].astype("string")
    for name in frame.columns[len(SERIES_COLUMNS):]:
        frame[name] = frame[name].astype("float64")
    return frame


def rows_frame(rows: Iterable[dict[str, Any]], kind: Kind = VILLAGE) -> pd.DataFrame:
    """Rows of runs as a frame with fixed columns and types, so every part file has the
    same schema: run columns, every parameter of the kind, extra factors, every outcome."""
    rows = list(rows)
    outcomes = list(kind.outcomes)
    params = [param_column(k) for k in kind.parameters]
    extras = sorted({k for r in rows for k in r
                     if k not in RUN_COLUMNS and k not in params and k not in outcomes})
    columns = [*RUN_COLUMNS, *params, *extras, *outcomes]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("point", "replication", "seed"):
        frame[name] = frame[name].astype("int64")
    for name in ("run_id", "sub", "status", "error"):
        frame[name] = frame[name].astype("string")
    for name in [*extras, *outcomes]:
        frame[name] = frame[name].astype("float64")
    return frame
