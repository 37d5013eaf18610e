"""One colour per meaning, for every figure and page of the project.

Each colour below stands for one thing wherever it appears (the dashboard's grid and
charts, the comparison figures): welfare-first is always the same red, the army always
the same ochre, the pilots always the same magenta. The colours that share a chart were
chosen to stay apart under deuteranopia and protanopia as well as for normal vision
(``tests/test_palette.py`` simulates both and checks a minimum CIEDE2000 distance).
Where two names share a colour they mean the same thing: the district's recruitment is
the villages' total mobilized, an army recruit delivered is the army, gentry power is
the gentry.
"""

from __future__ import annotations

METHOD_COLOURS: dict[str, str] = {"welfare-first": "#c0392b", "quota-only": "#2c3e50",
                                  "Chen Yun's village": "#f1948a"}
"""The branch methods of Chen Yun (1939), and the comparison's arm of a welfare-first branch
in a village like his (a lighter welfare-first red)."""

STANCE_COLOURS_BY_NAME: dict[str, str] = {
    "active": "#a63603", "intermediate": "#f5b041", "backward": "#7f8c8d"}
"""Villagers' stances (Mao 1943: "the relatively active, the intermediate, and the
relatively backward"): grid cells and the stances chart."""

REASON_COLOURS: dict[str, str] = {
    "pressed": "#666666", "consciousness": "#442288", "trust": "#66eeee",
    "membership": "#4488ee", "example": "#aaee00", "invader": "#662200",
    "family_care": "#888822"}
"""Why people left (``mobilized_<reason>_rate``, docs/ODD.md 7.21): pressed by quota
assignment, or the terms of their readiness. They share the stacked bars of the
explanations figure, so all seven stay apart under both deficiencies; none is a colour
of another meaning."""

MOBILIZED = "#00441b"
"""Mobilized in all (army and salvation work together), of a village or a district."""
ARMY = "#bf812d"
"""Left for the army; also the army recruits a quota demands."""
SALVATION = "#9970ab"
"""Left for national-salvation work."""

NOMINAL_MEMBERS = "#9ecae1"
"""A name on a mass organization's list."""
ACTIVE_MEMBERS = "#08519c"
"""Active members of the mass organizations."""

GRAIN = "#01665e"
"""Grain, bonds and shoes delivered against their quota."""

ELECTED = "#1b9e77"
"""An elected village government."""
GENTRY = "#1b1b1b"
"""The gentry: their cells on the grid and their power over the village."""
OFFICE = "#d4ac0d"
"""The gentry hold the village government (the centre of their cells)."""

ACTIVIST = "#1f3a93"
"""Activists who came forward in struggle (a diamond on the grid)."""
PARTY = "#ffffff"
"""Party members (a white disc, outlined, on the grid)."""

LEADING_GROUP = "#0088ff"
"""The branch's leading group (Mao 1943, 3): the ring round a member's disc on the grid, a
centre too for the branch head, and the group's quality on the methods chart."""
WORKED_ON = "#88ffff"
"""A villager an active person is assigned to work on (relying on the active): a thin ring
on his cell."""
DECISIONS = "#4d9221"
"""How good the branch's choices of vital-interest items are (decision quality: the mass
line's, or a subjectivist plan's)."""

RAIDS = "#67001f"
"""The invader's raids: their ticks on the threat chart, the frame on the grid around the
villagers of the households the last raid hit."""
INVADER_GRIEVANCE = "#f46d43"
"""Grievance against the invader."""
FEAR_INVADER = "#4393c3"
"""Fear of the invader (of his violence and reprisals)."""

PILOTS = "#c51b7d"
"""The district's pilot villages (their line, and the outline of their grids)."""
OTHER_VILLAGES = "#bababa"
"""The district's villages that are not pilots."""

EMPTY = "#fbf7ef"
"""Background: a grid cell where nobody lives."""
LEFT = "#ffffff"
"""Background: the cell of a villager who left (the army or salvation mark is drawn on
it)."""
OUTLINE = "#000000"
"""Background: the ring around a Party member's disc."""
