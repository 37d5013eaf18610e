"""The methods of leadership's constants, each a parameter (issue 12; Mao 1943).

Four mechanisms of the branch's method, one region each, so that each can grow without
touching the others: the mass line as an information process (``mass_line.py``), the
leading group (``leading_group.py``), relying on the active (``reliance.py``) and central
tasks with an order (``tasks.py``). Each region holds

* its rows, ``(name, default, low, high, kind, basis, doc)`` as in ``behaviour.py``;
* the choices of its string parameters;
* its *first-edition values*: the values that switch the mechanism off and give back the
  first edition's branch exactly (``parameters.FIRST_EDITION`` merges them, and
  tests/test_golden.py and scripts/golden_on.py check that nothing else moved).

``parameters.PARAMETERS`` appends the rows, after ``behaviour.BEHAVIOUR``'s. This module
imports nothing, so reading the table stays light (``mobilize params``).
"""

from __future__ import annotations

from typing import Any

A = "assumption"
S = "source"

Row = tuple[str, Any, float | None, float | None, type, str, str]


# --- the mass line: from the masses, to the masses (mass_line.py; Mao 1943, 4 and 6) ------
MASS_LINE: tuple[Row, ...] = (
)
MASS_LINE_CHOICES: dict[str, tuple[str, ...]] = {}
MASS_LINE_FIRST_EDITION: dict[str, Any] = {}
"""The first edition's mass line: perfect knowledge of every villager's chance."""


# --- the leading group (leading_group.py; Mao 1943, 3) -------------------------------------
LEADING_GROUP: tuple[Row, ...] = (
)
LEADING_GROUP_CHOICES: dict[str, tuple[str, ...]] = {}
LEADING_GROUP_FIRST_EDITION: dict[str, Any] = {}
"""The first edition's leading group: every Party member present, scored and averaged,
who never degenerates."""


# --- relying on the active (reliance.py; Mao 1943, 3) -----------------------------------------
RELIANCE: tuple[Row, ...] = (
)
RELIANCE_CHOICES: dict[str, tuple[str, ...]] = {}
RELIANCE_FIRST_EDITION: dict[str, Any] = {}
"""The first edition: only the ambient pull of active neighbours (neighbour_influence)."""


# --- central tasks with an order (tasks.py; Mao 1943, 8) --------------------------------------
TASKS: tuple[Row, ...] = (
)
TASKS_CHOICES: dict[str, tuple[str, ...]] = {}
TASKS_FIRST_EDITION: dict[str, Any] = {}
"""The first edition: every task taken as it comes, each meeting's own item going ahead
with chance 1/central_tasks."""


# --- a call from above and its content (advice.py; Mao 1943, 2 and 6) -------------------------
ADVICE: tuple[Row, ...] = (
    ("advice_conviction", 1.0, 0.0, 100.0, float, A,
     "Observations' worth of a branch's own idea of what to take up, against the content "
     "of a call from above: a branch that does not learn from the masses takes the item "
     "the call gives the best chance with chance w / (w + advice_conviction), w the "
     "call's advice_weight, else its own idea at random. Only a call with content (a "
     "district's, call_content 'conditions') reaches it; a village on its own never "
     "has any."),
)
ADVICE_CHOICES: dict[str, tuple[str, ...]] = {}
ADVICE_FIRST_EDITION: dict[str, Any] = {}
"""The first edition: no call carries content to a village (``Branch.advice`` stays empty,
so ``advice_conviction`` is never read and no number is drawn for it); a district switches
the content off with its own ``call_content = "success-share"``."""


METHODS_OF_LEADERSHIP: dict[str, tuple[Row, ...]] = {
    "mass_line": MASS_LINE,
    "leading_group": LEADING_GROUP,
    "reliance": RELIANCE,
    "tasks": TASKS,
    "advice": ADVICE,
}
"""Rows by group, in the order ``mobilize params`` lists them."""

CHOICES: dict[str, tuple[str, ...]] = {
    **MASS_LINE_CHOICES, **LEADING_GROUP_CHOICES, **RELIANCE_CHOICES, **TASKS_CHOICES,
    **ADVICE_CHOICES}
"""Allowed values of the string parameters defined here."""

FIRST_EDITION_VALUES: dict[str, Any] = {
    **MASS_LINE_FIRST_EDITION, **LEADING_GROUP_FIRST_EDITION, **RELIANCE_FIRST_EDITION,
    **TASKS_FIRST_EDITION, **ADVICE_FIRST_EDITION}
"""Every mechanism here switched off: the first edition's branch."""
