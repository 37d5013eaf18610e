"""The village pages' panels on the invader's threat and on the village's structure: the
threat chart (grievance against the invader and fear of him, the weeks of raids as ticks
on the time axis) and the card of what the village drew (or that it is typical)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipyvuetify as v
import numpy as np
import solara

from .. import palette
from ..village.draws import OUTCOME_PREFIX
from .plots import THREAT_PANEL, echarts_panel

if TYPE_CHECKING:
    import pandas as pd

    from ..village.model import VillageModel

STRUCTURE_ROWS: dict[str, tuple[str, str]] = {
    "gentry_power": ("gentry power", "{:.2f}"),
    "share_hired": ("hired labourers' households", "{:.0%}"),
    "share_poor": ("poor and tenant households", "{:.0%}"),
    "party_share": ("Party members in the population", "{:.1%}"),
    "bad_element_share": ("bad elements among them", "{:.0%}"),
    "threat_exposure": ("exposure to raids", "{:.2f}"),
}
"""The structure card's rows, in the order of ``draws.STRUCTURE``: a label and a format
(``tests/test_app.py`` checks that every drawn parameter has one)."""

THREAT_OFF = ("The invader's threat is off: no raids. Tick \"the invader raids\" in the "
              "sidebar and Reset to turn it on.")
"""What the threat panel says in place of a chart when ``threat`` is off."""


def raid_weeks(frame: pd.DataFrame) -> tuple[list[int], list[int]]:
    """The weeks with raids and none with reprisals, and the weeks with a raid that
    carried reprisals, from the cumulative ``raids`` and ``reprisals`` series."""
    week = frame["week"].to_numpy()
    raided = np.diff(frame["raids"].to_numpy(), prepend=0) > 0
    reprisal = np.diff(frame["reprisals"].to_numpy(), prepend=0) > 0
    return week[raided & ~reprisal].tolist(), week[reprisal].tolist()


TICK_ICON = "path://M0,0h3v14h-3z"
"""A raid's tick in the legend, as on the time axis."""


def _ticks(name: str, weeks: list[int], symbol: str, size: Any) -> dict:
    return {"name": name, "type": "scatter", "symbol": symbol, "symbolSize": size,
            "data": [[w, 0] for w in weeks], "z": 3,
            "itemStyle": {"color": palette.RAIDS}, "lineStyle": {"color": palette.RAIDS}}


def threat_option(frame: pd.DataFrame, weeks: int) -> dict:
    """The threat chart: the threat panel's lines and a tick on the time axis at each week
    with a raid (a triangle where it carried reprisals), its title counting them."""
    option = echarts_panel({"village": frame}, THREAT_PANEL, weeks)
    plain, reprisal = raid_weeks(frame)
    last = frame.iloc[-1]
    option["title"]["text"] = (f"{THREAT_PANEL.title}: {int(last['raids'])} raids, "
                               f"{int(last['reprisals'])} with reprisals")
    option["series"] += [_ticks("raid", plain, "rect", [3, 14]),
                         _ticks("raid with reprisals", reprisal, "triangle", 12)]
    # The legend shows a raid as the thin tick it is, not as a block.
    option["legend"]["data"] = [{"name": s["name"], **({"icon": TICK_ICON}
                                                      if s["name"] == "raid" else {})}
                                for s in option["series"]]
    return option


def threat_text(village: VillageModel, last_raid: tuple[int, np.ndarray] | None) -> str:
    """One line under the threat chart: the last raid and the households it hit, or how
    many raids a year to expect before the first."""
    if last_raid is not None:
        week, hit = last_raid
        return (f"Last raid: week {week}, {int(hit.sum())} households hit (framed in dark "
                "red on the grid).")
    if village.report["raids"]:  # raids before the page noted them (not stepped here)
        return "Raids so far are ticked on the time axis."
    rate = village.p["raid_rate"] * village.p["threat_exposure"] * 52
    return f"No raid yet; about {rate:.1f} a year to expect at this village's exposure."


@solara.component
def ThreatPanel(village: VillageModel, frame: pd.DataFrame, weeks: int,
                last_raid: tuple[int, np.ndarray] | None = None) -> None:
    """The threat chart and a line on the last raid, or one line saying the threat is
    off."""
    if not village.p["threat"]:
        solara.Text(THREAT_OFF, classes=["threat-off"], style={"font-size": "0.85em"})
        return
    solara.FigureEcharts(option=threat_option(frame, weeks),
                         attributes={"style": "height: 220px; width: 100%"})
    solara.Text(threat_text(village, last_raid), classes=["threat-text"],
                style={"font-size": "0.85em"})


def structure_rows(village: VillageModel) -> list[tuple[str, str, str]]:
    """Each drawn parameter's label, the village's value (its ``drawn_`` outcome) and the
    parameter, which is the mean of the draws."""
    return [(label, fmt.format(village.report[OUTCOME_PREFIX + name]),
             fmt.format(village.parameters[name]))
            for name, (label, fmt) in STRUCTURE_ROWS.items()]


def _cell(text: str, tag: str = "td", bold: bool = False) -> Any:
    style = "padding: 0 10px 0 0; text-align: left" + ("; font-weight: bold" if bold else "")
    return v.Html.element(tag=tag, children=[text], style_=style)


@solara.component
def StructureCard(village: VillageModel, whose: str = "This village") -> None:
    """What the village is: drawn gentry power, class shares, Party and bad-element
    shares and exposure to raids, each beside its parameter (the mean of the draws); for a
    typical village, the parameters themselves."""
    typical = bool(village.p["typical_village"])
    rows = structure_rows(village)  # whose: "This village", "Both villages"...
    head = ["", "this village"] if typical else ["", "drawn", "mean (parameter)"]
    body = [[label, drawn] if typical else [label, drawn, mean] for label, drawn, mean in rows]
    solara.Text(f"{whose}: {'structure' if typical else 'drawn structure'}",
                style={"font-weight": "bold", "font-size": "0.9em"})
    solara.Text("Typical village: the parameters themselves." if typical else
                "Drawn from distributions whose means are the parameters (typical village "
                "unticked; their spread is set by village_spread_*).",
                classes=["structure-note"], style={"font-size": "0.8em"})
    v.Html.element(tag="table", class_="structure-card", style_="font-size: 0.85em", children=[
        v.Html.element(tag="tr", children=[_cell(h, "th", bold=True) for h in head]),
        *[v.Html.element(tag="tr", children=[_cell(c) for c in row]) for row in body]])
