"""The dashboard's weekly charts: ECharts options built from a village's (or a district's)
series, one colour per series from the project's palette, axes with their titles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import solara

from .. import palette
from .drawing import STANCE_COLOURS
from .drawing import STANCE_LABELS as _STANCE_LABELS


@dataclass(frozen=True)
class Panel:
    """One chart: its title, the columns it draws (with their legend labels), the y axis
    title with its unit, whether the values are shares shown as percent, and the top of
    the y axis (None: it scales to the data); and a count the title reports."""

    title: str
    columns: dict[str, str]
    y_name: str
    percent: bool = True
    y_max: float | None = 100.0
    count: tuple[str, str] | None = None
    """A count column and its words, added to the title as of the last week (one frame)."""


PANELS: tuple[Panel, ...] = (
    Panel("mobilized (army and salvation work)",
          {"recruitment_rate": "total", "army_rate": "army", "salvation_rate": "salvation work"},
          "% of initial population", y_max=None),  # a few %: the axis scales
    Panel("stances of villagers present",
          {"share_active": "active", "share_intermediate": "intermediate",
           "share_backward": "backward"}, "% of villagers present"),
    Panel("mass organizations",
          {"nominal_membership_end": "nominal (a name on a list)",
           "active_membership": "active"},
          "% of working age"),
    Panel("quotas delivered",
          {"quota_recruits": "recruits", "quota_grain": "grain, bonds, shoes"},
          "% of demand"),
    Panel("village government",
          {"government_elected": "elected (1) or gentry (0)",
           "gentry_power_end": "gentry power"},
          "0 to 1", percent=False, y_max=1.0),
    Panel("leading group and the branch's choices",
          {"leading_group_quality": "leading group's quality",
           "decision_quality_early": "choices: first half so far",
           "decision_quality_late": "choices: second half so far"},
          "0 to 1", percent=False, y_max=1.0,
          count=("decisions_weighed", "choices weighed")),
)
"""The weekly panels of a village.

Grain, bonds and shoes share one delivery rule (docs/ODD.md), so their series coincide and
one line stands for the three. The last panel is the methods of leadership (Mao 1943): the
leading group's mean on Dimitrov's four criteria, and decision quality (the value of the
vital-interest item the branch took up over the best open one's) over the first and the
second half of its choices so far: a mass-line branch that learns does better in the
second half; a subjectivist plan does not learn."""

THREAT_PANEL = Panel("the invader's threat",
                     {"mean_invader_grievance": "grievance against the invader",
                      "mean_fear_invader": "fear of the invader"},
                     "mean of villagers present, 0 to 1", percent=False, y_max=1.0)
"""The threat chart's lines (when ``threat`` is on); ``panels.threat_option`` adds the weeks
of raids as ticks on the time axis."""

DISTRICT_PANEL = Panel("mobilized in the district",
                       {"recruitment_rate": "district", "pilot_recruitment_rate": "pilots",
                        "other_recruitment_rate": "other villages"},
                       "% of initial population", y_max=None)
"""The district page's chart: the district, its pilots and the other villages."""

SERIES_COLOURS: dict[str, str] = {
    "recruitment_rate": palette.MOBILIZED,
    "army_rate": palette.ARMY,
    "salvation_rate": palette.SALVATION,
    **{f"share_{name}": STANCE_COLOURS[k] for k, name in _STANCE_LABELS.items()},
    "nominal_membership_end": palette.NOMINAL_MEMBERS,
    "active_membership": palette.ACTIVE_MEMBERS,
    "quota_recruits": palette.ARMY,
    "quota_grain": palette.GRAIN,
    "government_elected": palette.ELECTED,
    "gentry_power_end": palette.GENTRY,
    "mean_invader_grievance": palette.INVADER_GRIEVANCE,
    "mean_fear_invader": palette.FEAR_INVADER,
    "raids": palette.RAIDS,
    "leading_group_quality": palette.LEADING_GROUP,
    "decision_quality_early": palette.DECISIONS,
    "decision_quality_late": palette.DECISIONS,
    "pilot_recruitment_rate": palette.PILOTS,
    "other_recruitment_rate": palette.OTHER_VILLAGES,
}
"""The colour of each weekly series: a column has one colour on every panel (army
recruits are the army's colour, gentry power the gentry's)."""

SINCE: dict[str, tuple[str, int]] = {"decision_quality_early": ("decisions_weighed", 1),
                                     "decision_quality_late": ("decisions_weighed", 2)}
"""Series that mean nothing before a count reaches a number: decision quality is 0 before
the branch's first (its second half, second) choice, which the chart shows as no line yet
rather than as choices of no worth (a quota-only branch chooses none)."""

LINE_TYPES = {"army_rate": "dashed", "salvation_rate": "dotted", "mean_fear_invader": "dashed",
              "decision_quality_early": "dotted"}
"""Line styles of army and salvation work: they tell them apart from the total where
colour means the method, and do not rely on colour alone elsewhere (nor does fear of the
invader beside grievance against him). The two halves of the branch's choices are one
colour, one thing: the earlier half dotted."""

_WEEK_STEPS = (1, 2, 4, 13, 26, 52, 104)


def week_interval(weeks: int, max_ticks: int = 6) -> int:
    """Spacing of the week axis's ticks: the smallest of 1, 2, 4 weeks, a quarter, half a
    year, a year or two years that leaves at most ``max_ticks`` intervals."""
    for step in _WEEK_STEPS:
        if weeks / step <= max_ticks:
            return step
    return _WEEK_STEPS[-1] * (weeks // (_WEEK_STEPS[-1] * max_ticks) + 1)


def echarts_panel(frames: dict[str, Any], panel: Panel, weeks: int,
                  colours: dict[str, str] | None = None) -> dict:
    """An ECharts option: ``panel``'s columns of each frame against the week. A frame's
    colour from ``colours`` (by its label, as the methods) replaces the columns' own."""
    scale = 100.0 if panel.percent else 1.0
    out = []
    for label, df in frames.items():
        week = df["week"].tolist()
        for column, name in panel.columns.items():
            # NaN (a rate of no village, as pilots when there are none) is a gap, not JSON.
            values = [None if v != v else v
                      for v in (df[column].to_numpy(float) * scale).round(3).tolist()]
            if column in SINCE:
                counted, least = SINCE[column]
                values = [None if n < least else v
                          for n, v in zip(df[counted].tolist(), values, strict=True)]
            colour = (colours or {}).get(label) or SERIES_COLOURS[column]
            out.append({
                "name": f"{label}: {name}" if len(frames) > 1 else name,
                "type": "line", "showSymbol": False,
                "data": list(zip(week, values, strict=True)),
                "step": "end" if column == "government_elected" else False,
                "lineStyle": {"type": LINE_TYPES.get(column, "solid"),
                              "width": 2.5 if column == "recruitment_rate" else 1.8,
                              "color": colour},
                "itemStyle": {"color": colour},
            })
    label_style = {"fontSize": 10, "hideOverlap": True}
    title = panel.title
    if panel.count is not None and len(frames) == 1:
        column, words = panel.count
        last = next(iter(frames.values()))[column]
        title += f": {int(last.iloc[-1]) if len(last) else 0} {words}"
    return {
        "animation": False,
        "title": {"text": title, "textStyle": {"fontSize": 12}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 18, "left": 0, "textStyle": {"fontSize": 10}, "type": "scroll"},
        "grid": {"left": 58, "right": 16, "top": 46, "bottom": 40},
        "xAxis": {"type": "value", "min": 0, "max": weeks, "interval": week_interval(weeks),
                  "name": "week", "nameLocation": "middle", "nameGap": 24,
                  "axisLabel": label_style},
        "yAxis": {"type": "value", "min": 0, "name": panel.y_name, "nameLocation": "middle",
                  "nameGap": 40, "nameTextStyle": {"fontSize": 10}, "splitNumber": 4,
                  "axisLabel": {**label_style,
                                **({"formatter": "{value}%"} if panel.percent else {})},
                  # A fixed axis gets quarter ticks: 0, 25, 50, 75, 100% meet no label
                  # squeezed in under the top.
                  **({"max": panel.y_max, "interval": panel.y_max / 4}
                     if panel.y_max is not None else {})},
        "series": out,
    }


@solara.component
def SeriesPanels(frames: dict[str, Any], weeks: int, panels: tuple[Panel, ...] = PANELS,
                 colours: dict[str, str] | None = None) -> None:
    """One chart per panel, for the frames given (a village, or one per method)."""
    for panel in panels:
        solara.FigureEcharts(option=echarts_panel(frames, panel, weeks, colours),
                             attributes={"style": "height: 220px; width: 100%"})
