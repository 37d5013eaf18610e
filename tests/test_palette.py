"""The palette under colour-vision deficiency: every pair of colours that share a chart
(or the village grid) stays apart for normal vision, deuteranopia and protanopia.

Deficiency is simulated with the matrices of Machado, Oliveira and Fernandes (2009) at
full severity, applied to linear RGB; distance is CIEDE2000 in CIELAB (D65). The
conversions are small and written here with NumPy, so the test needs nothing new.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mobilization import palette
from mobilization.dashboard.drawing import (
    GRID_COLOURS,
    LEGEND,
    RAID_LEGEND,
    STANCE_COLOURS,
    WORKED_ON_LEGEND,
)
from mobilization.dashboard.plots import (
    DISTRICT_PANEL,
    LINE_TYPES,
    PANELS,
    SERIES_COLOURS,
    THREAT_PANEL,
)
from mobilization.experiments.plots import COLOURS

MIN_DELTA_E = 20.0
"""Least CIEDE2000 distance between colours that share a chart. About 2 is a just
noticeable difference; 20 keeps thin lines and small marks apart at a glance. The
district chart's former ECharts defaults (pilots green, others yellow) are 6 apart under
protanopia."""

MACHADO = {
    "normal": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}

_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE = _SRGB_TO_XYZ @ np.ones(3)


def lab(colour: str, vision: str = "normal") -> np.ndarray:
    """CIELAB of a hex colour as seen with ``vision``."""
    srgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(MACHADO[vision] @ linear, 0, 1)
    t = (_SRGB_TO_XYZ @ linear) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = (-np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
           * 2 * np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    dl, dc, dhh = (l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return float(np.sqrt(dl ** 2 + dc ** 2 + dhh ** 2 + r_t * dc * dhh))


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
    ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ((50, 2.5, 0), (50, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_delta_e_matches_sharma_test_data(lab1, lab2, expected: float) -> None:
    assert delta_e(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_simulation_merges_red_and_green_as_it_should() -> None:
    # Pure red and a green of its lightness are far apart, but close for a deuteranope.
    red, green = "#c0392b", "#6b8e23"
    assert delta_e(lab(red), lab(green)) > 40
    assert delta_e(lab(red, "deuteranopia"), lab(green, "deuteranopia")) < 15


def _series_colours(panel) -> dict[str, str]:
    """The colours of a panel's lines, by name. Lines of one colour are one thing (the
    first and second half of the branch's choices) and must differ in line style."""
    out: dict[str, str] = {}
    styles: dict[str, set[str]] = {}
    for column, name in panel.columns.items():
        colour = SERIES_COLOURS[column]
        style = LINE_TYPES.get(column, "solid")
        assert style not in styles.get(colour, set()), (panel.title, column)
        styles.setdefault(colour, set()).add(style)
        if colour not in out.values():
            out[name] = colour
    return out


SHARED = {
    **{f"chart: {p.title}": _series_colours(p) for p in (*PANELS, DISTRICT_PANEL)},
    # The threat chart's ticks at the weeks of raids share it with its lines.
    f"chart: {THREAT_PANEL.title}": {**_series_colours(THREAT_PANEL),
                                     "raids": SERIES_COLOURS["raids"]},
    "chart: the two methods": dict(COLOURS),
    "chart: why they left": dict(palette.REASON_COLOURS),
    "grid: cells": {**{f"{k} villager": c for k, c in zip(
        ("backward", "intermediate", "active"), STANCE_COLOURS.values(), strict=True)},
        "gentry": GRID_COLOURS["gentry"], "empty": GRID_COLOURS["empty"]},
    "grid: marks on a villager's cell": {
        **{str(k): c for k, c in STANCE_COLOURS.items()},
        "activist": GRID_COLOURS["activist"], "party": GRID_COLOURS["party"],
        "raided": GRID_COLOURS["raided"], "leading group": GRID_COLOURS["group"]},
    # Only villagers (never a Party member's disc) are worked on; the ring must still stand
    # apart from every other mark beside it on the grid and in the legend.
    "grid: the ring of a villager worked on": {
        **{str(k): c for k, c in STANCE_COLOURS.items()},
        **{k: GRID_COLOURS[k] for k in ("activist", "raided", "group", "worked_on")}},
    "grid: marks on a blank cell": {k: GRID_COLOURS[k] for k in ("left", "army", "salvation")},
    "grid: office on a gentry cell": {k: GRID_COLOURS[k] for k in ("gentry", "office")},
    # A pilot's outline is set off from its cells by a white gap.
    "district tiles": {"pilot outline": palette.PILOTS, "gap": "#ffffff"},
}
"""Every set of colours that appear together, where they must be told apart."""


@pytest.mark.parametrize("vision", list(MACHADO))
@pytest.mark.parametrize("where", list(SHARED))
def test_colours_that_share_a_chart_stay_apart(where: str, vision: str) -> None:
    colours = SHARED[where]
    assert len(colours) >= 2
    close = []
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        d = delta_e(lab(ca, vision), lab(cb, vision))
        if d < MIN_DELTA_E:
            close.append(f"{a} {ca} / {b} {cb}: {d:.1f}")
    assert not close, f"{where}, {vision}: {close}"


def test_each_colour_means_one_thing() -> None:
    """A colour names one thing; where two names share it they are the same thing
    (the district's recruitment is the total mobilized, a recruit is the army's)."""
    meanings = {k: v for k, v in vars(palette).items()
                if k.isupper() and isinstance(v, str) and k not in ("EMPTY", "LEFT", "OUTLINE",
                                                                    "PARTY")}
    meanings |= {f"method {k}": c for k, c in palette.METHOD_COLOURS.items()}
    meanings |= {f"stance {k}": c for k, c in palette.STANCE_COLOURS_BY_NAME.items()}
    meanings |= {f"reason {k}": c for k, c in palette.REASON_COLOURS.items()}
    by_colour: dict[str, list[str]] = {}
    for name, colour in meanings.items():
        by_colour.setdefault(colour.lower(), []).append(name)
    assert {c: names for c, names in by_colour.items() if len(names) > 1} == {}
    # Every chart series and every legend swatch takes its colour from the palette.
    everything = {c.lower() for c in (*meanings.values(), palette.PARTY, palette.EMPTY,
                                      palette.LEFT, palette.OUTLINE)}
    assert {c.lower() for c in SERIES_COLOURS.values()} <= everything
    assert {c.lower() for _, c in (*LEGEND, RAID_LEGEND, WORKED_ON_LEGEND)} <= everything
    assert COLOURS is palette.METHOD_COLOURS
