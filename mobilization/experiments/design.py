"""The design of an experiment: its points, runs and seeds, as read from an experiment
file (:mod:`mobilization.experiments.experiment` reads and validates the file).

A run's seed depends only on its design point and replication (see
:meth:`Experiment.runs`), so a run's row is the same in any process, order or bundling.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .kinds import Kind, kind_of

SAMPLE_METHODS = ("lhs", "sobol", "morris")
SEEDINGS = ("common", "independent")
DUMMY = "dummy"
"""Name of the sensitivity-analysis dummy factor: sampled like the others, ignored by the
model, so its index measures the noise of the estimates."""

MAX_RUNS = 1_000_000
"""The most runs (design points x replications) one experiment may have. A million
default villages take about 11 core-hours and a store of about 1 GB, past what one study
needs; the design, its run ids and the resume set grow with it, so a larger design is
refused while the file is read, before any point is built. Split a larger study into
several experiments."""


class ExperimentError(ValueError):
    """An experiment file that cannot be run; the message names file, line and problem."""


@dataclass(frozen=True)
class Point:
    """One design point: the parameters set by the experiment (validated) and any factor
    that is not a model parameter (the sensitivity dummy)."""

    index: int
    sub: str
    params: dict[str, Any]
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One (design point, replication): everything a worker needs, and its key."""

    run_id: str
    point: int
    sub: str
    replication: int
    seed: int
    weeks: int
    params: dict[str, Any]
    extra: dict[str, float]
    model: str = "village"
    series: tuple[str, ...] = ()
    """Outcomes to keep every ``series_every`` weeks (empty: end-of-run values only)."""
    series_every: int = 1


@dataclass(frozen=True)
class Experiment:
    """A parsed, validated experiment file."""

    name: str
    weeks: int
    replications: int
    seed: int
    seeding: str
    design: str  # "grid" or a sample method
    factors: tuple[str, ...]
    points: tuple[Point, ...]
    subs: tuple[str, ...]
    sample: dict[str, Any] | None
    ranges: dict[str, tuple[float, float]]
    tables: dict[str, Any]
    path: Path | None = None
    description: str = ""
    model: str = "village"
    series: tuple[str, ...] = ()
    """Outcomes kept over time, every ``series_every`` weeks (``[experiment] series``)."""
    series_every: int = 1

    @property
    def kind(self) -> Kind:
        """What each run is: one village or a district (``[experiment] model``)."""
        return kind_of(self.model)

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.replications

    def seed_of(self, point: int, replication: int) -> int:
        """The integer seed of one run (see the module docstring)."""
        if self.seeding == "common":
            return self._common_seeds[replication]
        ss = np.random.SeedSequence(self.seed, spawn_key=(point, replication))
        return int(ss.generate_state(1)[0])

    @property
    def _common_seeds(self) -> list[int]:
        cached = self.__dict__.get("_seeds")
        if cached is None:
            children = np.random.SeedSequence(self.seed).spawn(self.replications)
            cached = [int(c.generate_state(1)[0]) for c in children]
            object.__setattr__(self, "_seeds", cached)
        return cached

    def runs(self) -> list[Run]:
        """Every (point, replication), ordered by point then replication."""
        return list(self.iter_runs())

    def iter_runs(self) -> Iterator[Run]:
        """The runs of :meth:`runs` one at a time, so a sweep never holds them all."""
        for p in self.points:
            full = self.kind.resolve(p.params)
            for r in range(self.replications):
                seed = self.seed_of(p.index, r)
                key = run_id(p.index, full, p.extra, r, seed, self.weeks,
                             self.series, self.series_every)
                yield Run(run_id=key, point=p.index, sub=p.sub, replication=r, seed=seed,
                          weeks=self.weeks, params=p.params, extra=p.extra, model=self.model,
                          series=self.series, series_every=self.series_every)

    def run_ids(self) -> frozenset[str]:
        """The ids of every run (computed once): what a store of this design may hold."""
        cached = self.__dict__.get("_run_ids")
        if cached is None:
            cached = frozenset(r.run_id for r in self.iter_runs())
            object.__setattr__(self, "_run_ids", cached)
        return cached

    def fingerprint(self) -> str:
        """A hash of every run's key: equal exactly when two designs run the same runs."""
        h = hashlib.sha256()
        for run in self.iter_runs():
            h.update(run.run_id.encode())
        return h.hexdigest()

    @classmethod
    def from_manifest(cls, design: dict[str, Any]) -> Experiment:
        """The design recorded in a store's manifest (``manifest["design"]``), so that a
        reader without the experiment file (``mobilize report``) knows the design's runs.
        Check :meth:`fingerprint` against the manifest's before trusting it: changed model
        defaults change the runs."""
        return cls(
            name=design["name"], weeks=design["weeks"], replications=design["replications"],
            seed=design["seed"], seeding=design["seeding"], design=design["design"],
            factors=tuple(design["factors"]),
            points=tuple(Point(p["point"], p["sub"], p["params"], p.get("extra", {}))
                         for p in design["points"]),
            subs=tuple(design["subs"]), sample=design["sample"],
            ranges={k: tuple(v) for k, v in design["ranges"].items()},
            tables=design["tables"], description=design.get("description", ""),
            model=design.get("model", "village"))

    def manifest(self) -> dict[str, Any]:
        """The design as JSON-ready data (for ``manifest.json``)."""
        return {
            "name": self.name,
            "model": self.model,
            "description": self.description,
            "source": str(self.path) if self.path else None,
            "weeks": self.weeks,
            "series": list(self.series),
            "series_every": self.series_every,
            "replications": self.replications,
            "seed": self.seed,
            "seeding": self.seeding,
            "design": self.design,
            "factors": list(self.factors),
            "subs": list(self.subs),
            "sample": self.sample,
            "ranges": {k: list(v) for k, v in self.ranges.items()},
            "tables": self.tables,
            "n_points": len(self.points),
            "n_runs": self.n_runs,
            "replication_seeds": (self._common_seeds if self.seeding == "common" else
                                  "SeedSequence(seed, spawn_key=(point, replication))"),
            "points": [{"point": p.index, "sub": p.sub, "params": p.params,
                        **({"extra": p.extra} if p.extra else {})} for p in self.points],
            "fingerprint": self.fingerprint(),
        }


def run_id(point: int, params: dict[str, Any], extra: dict[str, float], replication: int,
           seed: int, weeks: int, series: tuple[str, ...] = (), series_every: int = 1) -> str:
    """The key of a run: a hash of its design point, full (resolved) parameters,
    replication, seed and horizon. Changing a default changes the key, so stale results
    are never reused; the point keeps apart two points that resolve alike.

    The series a run keeps are part of what it produces, so asking for series (or other
    ones, or another ``series_every``) changes the key: a store made without them is a
    different design, refused rather than resumed with runs that lack their series. Runs
    without series keep the keys they always had."""
    key: dict[str, Any] = {"point": point, "params": params, "extra": extra,
                           "replication": replication, "seed": seed, "weeks": weeks}
    if series:
        key |= {"series": list(series), "series_every": series_every}
    text = json.dumps(key, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def problem(ranges: dict[str, tuple[float, float]], dummy: bool) -> dict[str, Any]:
    """The SALib problem of a sampled design (the dummy factor ranges over [0, 1])."""
    names = [*ranges, *([DUMMY] if dummy else [])]
    bounds = [list(ranges[k]) for k in ranges] + ([[0.0, 1.0]] if dummy else [])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def sample_matrix(sample: dict[str, Any], ranges: dict[str, tuple[float, float]],
                  seed: int) -> np.ndarray:
    """The SALib sample of a design: one row per design point, columns as in
    :func:`problem`. Sobol uses Saltelli's scheme without second-order terms,
    N x (D + 2) rows; Morris N trajectories of D + 1 points; LHS N points."""
    from SALib.sample import latin, morris
    from SALib.sample import sobol as sobol_sample

    prob = problem(ranges, sample["dummy"])
    sampler_seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    if sample["method"] == "sobol":
        return sobol_sample.sample(prob, sample["n"], calc_second_order=False,
                                   seed=sampler_seed)
    if sample["method"] == "morris":
        return morris.sample(prob, sample["n"], num_levels=sample["num_levels"],
                             seed=sampler_seed)
    return latin.sample(prob, sample["n"], seed=sampler_seed)
