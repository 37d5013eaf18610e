"""Pictures of a running village for the dashboard: the grid as an image, its legend,
and the village's weekly series.

The grid is rasterized straight from the village's arrays (the agents are views on
them): one colour block per cell and a small stamp for each marked person, encoded as a
PNG by Pillow. That costs a few milliseconds whatever the population, so the page can
redraw every week.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from PIL import Image

from .. import palette
from ..village import leading_group
from ..village.population import (
    ACTIVE_STANCE,
    ACTIVIST,
    ARMY,
    BACKWARD,
    INTERMEDIATE,
    PARTY,
    PRESENT,
    SALVATION,
)

if TYPE_CHECKING:
    from ..village.model import VillageModel

STANCE_COLOURS = {
    ACTIVE_STANCE: palette.STANCE_COLOURS_BY_NAME["active"],
    INTERMEDIATE: palette.STANCE_COLOURS_BY_NAME["intermediate"],
    BACKWARD: palette.STANCE_COLOURS_BY_NAME["backward"],
}
"""Cell colour of a villager present, by stance (Mao 1943: "the relatively active, the
intermediate, and the relatively backward")."""

STANCE_LABELS = {ACTIVE_STANCE: "active", INTERMEDIATE: "intermediate", BACKWARD: "backward"}

GRID_COLOURS = {
    "empty": palette.EMPTY,  # nobody lives here
    "left": palette.LEFT,  # the villager has left for the army or salvation work
    "gentry": palette.GENTRY,
    "office": palette.OFFICE,  # the gentry hold the village government
    "party": palette.PARTY,
    "outline": palette.OUTLINE,
    "activist": palette.ACTIVIST,
    "army": palette.ARMY,
    "salvation": palette.SALVATION,
    "raided": palette.RAIDS,
    "group": palette.LEADING_GROUP,
    "worked_on": palette.WORKED_ON,
}

LEGEND: tuple[tuple[str, str], ...] = (
    ("active villager", STANCE_COLOURS[ACTIVE_STANCE]),
    ("intermediate villager", STANCE_COLOURS[INTERMEDIATE]),
    ("backward villager", STANCE_COLOURS[BACKWARD]),
    ("Party member: white disc", GRID_COLOURS["party"]),
    ("leading group: bright blue ring round the disc", GRID_COLOURS["group"]),
    ("branch head: bright blue ring and centre dot", GRID_COLOURS["group"]),
    ("activist: blue diamond", GRID_COLOURS["activist"]),
    ("gentry: black cell, gold centre while they hold office", GRID_COLOURS["gentry"]),
    ("left for the army: ochre x on a blank cell", GRID_COLOURS["army"]),
    ("left for salvation work: purple + on a blank cell", GRID_COLOURS["salvation"]),
)
"""What the grid's colours and marks mean, for the page's legend."""

RAID_LEGEND = ("hit by the last raid: dark red frame", GRID_COLOURS["raided"])
"""The legend's line for the raid frame, shown when the invader's threat is on."""

WORKED_ON_LEGEND = ("worked on by an active neighbour: thin cyan ring", GRID_COLOURS["worked_on"])
"""The legend's line for the ring of a villager worked on, shown unless ``reliance`` is
'none'."""

def series(model: VillageModel) -> pd.DataFrame:
    """The village's weekly outcomes so far, one row per week (week 0 is the start)."""
    return model.datacollector.get_model_vars_dataframe()


def _rgb(colour: str) -> np.ndarray:
    return (np.array(to_rgb(colour)) * 255).astype(np.uint8)


def _stamps(px: int) -> dict[str, np.ndarray]:
    """Boolean masks (px x px) of the marks drawn inside a cell."""
    c = (px - 1) / 2
    yy, xx = np.mgrid[0:px, 0:px]
    dx, dy = xx - c, yy - c
    r = np.hypot(dx, dy)
    arm = px * 0.36
    width = max(1.0, px / 10)
    return {
        "disc": r <= px * 0.33,
        "ring": (r <= px * 0.33) & (r > px * 0.33 - width),
        # The leading group's ring is thicker and wider than the disc's outline.
        "group": (r <= px * 0.42) & (r > px * 0.42 - max(1.5, px / 7)),
        "head": r <= max(0.75, px * 0.12),
        "halo": (r <= px * 0.4) & (r > px * 0.4 - max(1.0, px / 12)),
        "diamond": np.abs(dx) + np.abs(dy) <= px * 0.38,
        "x": ((np.abs(dx - dy) <= width) | (np.abs(dx + dy) <= width))
             & (np.maximum(np.abs(dx), np.abs(dy)) <= arm),
        "plus": ((np.abs(dx) <= width) | (np.abs(dy) <= width))
                & (np.maximum(np.abs(dx), np.abs(dy)) <= arm),
        "centre": np.maximum(np.abs(dx), np.abs(dy)) <= px * 0.22,
        "frame": np.maximum(np.abs(dx), np.abs(dy)) > c - max(1.0, px / 6),
    }


def _head(model: VillageModel) -> np.ndarray:
    """The branch head (as a one-element index array) while he is in the village's
    leading group; empty otherwise, or where every Party member is the group
    (``leading_group_size`` 0)."""
    group = model.branch.group
    if group is None or group.size == 0 or group.head < 0:
        return np.zeros(0, dtype=np.int64)
    head = np.array([group.head])
    return head[np.isin(head, leading_group.members(model))]


def worked_on(model: VillageModel) -> np.ndarray:
    """Mask of the villagers an active person is working on now, both still in the village
    (``reliance``; the pairs the branch assigned at its last vital-interest meeting)."""
    s, by = model.village, model.branch.reliance.worked_by
    if len(by) != s.n:  # the branch has not organized the work yet
        return np.zeros(s.n, dtype=bool)
    on = (by >= 0) & s.present
    on[on] = s.present[by[on]]
    return on


def village_image(model: VillageModel, cell_px: int = 16,
                  raided: np.ndarray | None = None) -> np.ndarray:
    """The village grid as an RGB array (row 0 at the top, y growing upward as in
    Mesa's grid): each villager present is a cell shaded by stance; Party members (white
    disc) and activists (blue diamond) are marked, the leading group's members with a
    bright blue ring round the disc and the branch head with a centre dot too, and a
    villager an active person is working on with a thin cyan ring; the gentry's cells are
    black, with a
    gold centre while they hold the village government; the cell of a villager who left
    is blank, with an ochre x (army) or a purple + (salvation work). ``raided`` (one bool
    per household) frames in dark red the cells of the villagers present of the households
    the last raid hit."""
    s = model.village
    side, px = s.side, cell_px
    cells = np.empty((side, side, 3), dtype=np.uint8)
    cells[:] = _rgb(GRID_COLOURS["empty"])
    x, y = s.cell_of[:, 0], s.cell_of[:, 1]
    present = s.status == PRESENT
    stance_rgb = np.stack([_rgb(STANCE_COLOURS[k])
                           for k in (BACKWARD, INTERMEDIATE, ACTIVE_STANCE)])
    cells[y[present], x[present]] = stance_rgb[model.stance[present]]
    cells[y[~present], x[~present]] = _rgb(GRID_COLOURS["left"])
    gentry = s.gentry_cells
    if len(gentry):
        cells[gentry[:, 1], gentry[:, 0]] = _rgb(GRID_COLOURS["gentry"])
    image = cells.repeat(px, axis=0).repeat(px, axis=1)
    stamps = _stamps(px)

    def stamp(cx: np.ndarray, cy: np.ndarray, mask: str, colour: str) -> None:
        ry, rx = np.nonzero(stamps[mask])
        if len(cx):
            image[(cy[:, None] * px + ry).ravel(), (cx[:, None] * px + rx).ravel()] = \
                _rgb(colour)

    party = present & (s.role == PARTY)
    stamp(x[party], y[party], "disc", GRID_COLOURS["party"])
    stamp(x[party], y[party], "ring", GRID_COLOURS["outline"])
    group = leading_group.members(model)
    stamp(x[group], y[group], "group", GRID_COLOURS["group"])
    head = _head(model)
    stamp(x[head], y[head], "head", GRID_COLOURS["group"])
    worked = worked_on(model)
    stamp(x[worked], y[worked], "halo", GRID_COLOURS["worked_on"])
    activist = present & (s.role == ACTIVIST)
    stamp(x[activist], y[activist], "diamond", GRID_COLOURS["activist"])
    army, salvation = s.status == ARMY, s.status == SALVATION
    stamp(x[army], y[army], "x", GRID_COLOURS["army"])
    stamp(x[salvation], y[salvation], "plus", GRID_COLOURS["salvation"])
    if len(gentry) and model.government.gentry_rule:
        stamp(gentry[:, 0], gentry[:, 1], "centre", GRID_COLOURS["office"])
    if raided is not None:
        hit = present & raided[s.household]
        stamp(x[hit], y[hit], "frame", GRID_COLOURS["raided"])
    # Grid lines between cells, then y upward.
    image[::px, :] = image[:, ::px] = 235
    return image[::-1]


def village_png(model: VillageModel, cell_px: int | None = None,
                raided: np.ndarray | None = None) -> bytes:
    """:func:`village_image` encoded as PNG; the cell size keeps the picture about 400
    pixels wide."""
    px = cell_px or int(np.clip(400 // model.village.side, 3, 24))
    buffer = io.BytesIO()
    Image.fromarray(village_image(model, px, raided)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
