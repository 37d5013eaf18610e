"""The village pages' panel on the invader's threat: the threat chart (grievance against
the invader and fear of him, the weeks of raids as ticks on the time axis)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import solara

from .. import palette
from .plots import THREAT_PANEL, echarts_panel

if TYPE_CHECKING:
    import pandas as pd

    from ..village.model import VillageModel

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
