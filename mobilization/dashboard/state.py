"""What a dashboard page holds and steps: its villages (or district), the week, the
controls' values, and what the model (or the session's bounds) says of them."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import reacton.core
import solara

from ..district.model import DistrictModel
from ..district.parameters import DISTRICT_PARAMETERS, resolve_district
from ..village.model import VillageModel
from ..village.parameters import HORIZON_WEEKS, METHODS, PARAMETERS, PRESETS, resolve
from .controls import (
    LEADERSHIP,
    SLIDERS,
    THREAT_SLIDERS,
    check_district_size,
    check_village_size,
    parse_seed,
    parse_weeks,
)

PLAY_INTERVAL = 0.15
"""Seconds between weeks while playing."""


def village_params(params: dict[str, Any], methods: tuple[str, ...] | None
                   ) -> list[dict[str, Any]]:
    """The parameters of each village of a page: ``params`` itself (``methods`` None), or
    one set per method, its preset in place of the page's method and dose."""
    if methods is None:
        return [params]
    common = {k: v for k, v in params.items()
              if k != "branch_method" and k not in PRESETS[METHODS[0]]}
    return [{**common, "branch_method": m} for m in methods]


def check_villages(params: dict[str, Any], seed: Any, weeks: Any,
                   methods: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """The villages' complete parameters; ``ValueError`` with the model's message, or for
    a seed, a number of weeks or a size beyond the page's bounds."""
    parse_seed(seed)
    parse_weeks(weeks)
    # The page's bound first: a population the model allows may still be too large here.
    check_village_size(params.get("population", 0))
    return [resolve(p) for p in village_params(params, methods)]


def build_villages(params: dict[str, Any], seed: Any, methods: tuple[str, ...] | None,
                   weeks: Any = HORIZON_WEEKS) -> list[VillageModel]:
    """The villages of a page, all with one seed. Raises the model's ``ValueError``, or
    one for a seed, a number of weeks or a population out of the page's range."""
    check_villages(params, seed, weeks, methods)
    rng = parse_seed(seed)
    return [VillageModel(rng=rng, **p) for p in village_params(params, methods)]


def default_params() -> dict[str, Any]:
    """The page's starting parameters: the defaults of the model, welfare-first, for the
    controls the page shows."""
    p = resolve({})
    return {"branch_method": p["branch_method"], "learn_from_masses": p["learn_from_masses"],
            "population": p["population"], "typical_village": p["typical_village"],
            "threat": p["threat"], **{k: p[k] for k in (*SLIDERS, *LEADERSHIP, *THREAT_SLIDERS)}}


def district_defaults() -> dict[str, Any]:
    """The district page's starting parameters: 12 villages of 200 people."""
    defaults = {name: p.default for name, p in DISTRICT_PARAMETERS.items()}
    return {**defaults, "n_villages": 12, "population": 200,
            "gentry_power": PARAMETERS["gentry_power"].default}


def check_district(params: dict[str, Any], seed: Any, weeks: Any) -> None:
    """``ValueError`` with the district's message, or for a seed, a number of weeks or a
    district beyond the page's bounds."""
    parse_seed(seed)
    parse_weeks(weeks)
    check_district_size(params.get("n_villages", 0), params.get("population", 0))
    resolve_district(params)


def build_district(params: dict[str, Any], seed: Any, weeks: Any = HORIZON_WEEKS
                   ) -> list[DistrictModel]:
    """The district page's district (in a list, as the pages step lists)."""
    check_district(params, seed, weeks)
    return [DistrictModel(rng=parse_seed(seed), **params)]


def refusal(check: Callable[[], Any]) -> str | None:
    """The message if ``check()`` raises ``ValueError``, else None."""
    try:
        check()
    except ValueError as e:
        return str(e)
    return None


def pending_problem(params: dict, seed: str, weeks: str, methods: tuple[str, ...] | None
                    ) -> str | None:
    """The message the model (or the page's bounds) gives for the controls as they stand,
    or None."""
    return refusal(lambda: check_villages(params, seed, weeks, methods))


def district_problem(params: dict, seed: str, weeks: str) -> str | None:
    """The message the district (or the page's bounds) gives for the controls as they
    stand, or None."""
    return refusal(lambda: check_district(params, seed, weeks))


class LastRaids:
    """The households each village's last raid hit, noted as the page steps them: the
    model keeps only the losses raids left, so the page compares them before and after a
    week with raids (a household not hit has only the week's repair,
    ``raid_loss_decay``)."""

    def __init__(self) -> None:
        self._hit: weakref.WeakKeyDictionary[Any, tuple[int, np.ndarray]] = \
            weakref.WeakKeyDictionary()

    def step(self, village: Any) -> None:
        """One week of ``village``, noting the households a raid in it hit."""
        threat = getattr(village, "threat", None)
        if threat is None or not village.p["threat"]:
            village.step()
            return
        raids, before = threat.raids, threat.raid_loss.copy()
        village.step()
        if village.threat.raids > raids:
            repaired = before * (1.0 - village.p["raid_loss_decay"])
            self._hit[village] = (village.week, village.threat.raid_loss > repaired)

    def of(self, village: Any) -> tuple[int, np.ndarray] | None:
        """The week of ``village``'s last raid and the households it hit (one bool per
        household), or None before its first raid."""
        return self._hit.get(village)


@dataclass
class Simulation:
    """What a page steps: its villages, the week, the controls' state, and the households
    each village's last raid hit."""

    villages: solara.Reactive[list[Any]]  # VillageModels, or one DistrictModel
    week: solara.Reactive[int]
    playing: solara.Reactive[bool]
    error: solara.Reactive[str | None]
    weeks: int
    raids: LastRaids = field(default_factory=LastRaids)
    batch: Any = field(default=None, compare=False, repr=False)
    """The page's render context (None outside a render), entered while a Step sets the
    page's state so that the page redraws once: each component that reads the week is
    told of it separately, and without the batch each would redraw the whole page."""

    def step(self) -> bool:
        """One week of every village, the page redrawn once after it; a model error stops
        play and shows on the page."""
        with self.batch if self.batch is not None else nullcontext():
            return self._step()

    def _step(self) -> bool:
        try:
            for village in self.villages.value:
                self.raids.step(village)
        except Exception as e:  # noqa: BLE001 -- shown on the page, which goes on
            self.error.set(f"the village stopped in week {self.week.value + 1}: {e}")
            self.playing.set(False)
            return False
        self.week.set(self.villages.value[0].week)
        return True


def use_simulation(make: Callable[[], list[Any]], weeks: int,
                   on_reset: Callable[[], None] | None = None
                   ) -> tuple[Simulation, Callable[[], None]]:
    """State of a page that steps ``make()``'s villages, and its Reset: a new set from
    the current controls (then ``on_reset()``), or, when the model refuses them, its
    message and the old set."""
    villages = solara.use_reactive(solara.use_memo(make, []))
    week = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    error = solara.use_reactive(None)
    raids = solara.use_memo(LastRaids, [])
    sim = Simulation(villages, week, playing, error, weeks, raids,
                     reacton.core.get_render_context(required=False))

    def play() -> None:
        while sim.playing.value and sim.week.value < sim.weeks:
            started = time.perf_counter()
            if not sim.step():
                break
            time.sleep(max(0.0, PLAY_INTERVAL - (time.perf_counter() - started)))
        sim.playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def reset() -> None:
        playing.set(False)
        try:
            new = make()
        except ValueError as e:
            error.set(str(e))
            return
        error.set(None)
        villages.set(new)
        week.set(0)
        if on_reset is not None:
            on_reset()

    return sim, reset


@dataclass
class Page:
    """The state of one page: its controls' values, what it steps, what the model says
    of the controls as they stand, and whether they differ from those of the running
    villages (``changed``: Reset applies them)."""

    params: solara.Reactive[dict]
    seed: solara.Reactive[str]
    weeks: solara.Reactive[str]
    sim: Simulation
    reset: Callable[[], None]
    problem: str | None
    changed: bool


def _weeks_or(text: str) -> int:
    try:
        return parse_weeks(text)
    except ValueError:
        return HORIZON_WEEKS


def use_page(initial: dict[str, Any], make: Callable[[dict, str, str], list[Any]],
             check: Callable[[dict, str, str], str | None]) -> Page:
    """Controls (seed 1, the default horizon) and the simulation of a page."""
    params = solara.use_reactive(initial)
    seed = solara.use_reactive("1")
    weeks = solara.use_reactive(str(HORIZON_WEEKS))
    controls = (params.value, seed.value, weeks.value)
    # The controls the running villages were built from (use_state keeps its first
    # value; use_reactive would follow the argument).
    running, set_running = solara.use_state(controls)
    sim, reset = use_simulation(lambda: make(*controls), _weeks_or(running[2]),
                                on_reset=lambda: set_running(controls))
    return Page(params, seed, weeks, sim, reset, check(*controls),
                changed=controls != running)
