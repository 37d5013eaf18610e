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


# --- the mass line: from the masses, to the masses (mass_line.py, subjectivist.py; Mao 4-6) -
MASS_LINE: tuple[Row, ...] = (
    ("mass_line_knowledge", "contact", None, None, str, S,
     "What a mass-line branch knows when it chooses a vital-interest item. 'contact': only "
     "what it hears from the households it is in contact with at each vital meeting, "
     "concentrated into an estimate that it tests in struggle and corrects. 'perfect': "
     "every household's problems and every villager's chance of turning out, exactly (the "
     "first edition). CY: 'only the people know their own problems'; Mao: 'take the ideas "
     "of the masses (scattered and unsystematic ideas) and concentrate them'."),
    ("mass_line_contact", 1.5, 0.0, 20.0, float, A,
     "How readily the branch hears a household at a vital meeting: the household is heard "
     "with chance 1 - exp(-mass_line_contact x the leading group's contact with the masses "
     "x (its trust in the Party + mass_line_contact_membership x its share of active "
     "members)). 1.5 hears a third of the households at a meeting on average (a tenth to "
     "a half); 0 hears none."),
    ("mass_line_contact_membership", 1.0, 0.0, 5.0, float, A,
     "Weight of a household's share of active members of mass organizations, beside its "
     "trust, in the chance that the branch hears it: the organized bring their problems "
     "to the branch."),
    ("mass_line_noise", 0.5, 0.0, 3.0, float, A,
     "Spread (sd of the log factor) with which the branch misreads a heard household's "
     "problems and its members' readiness to struggle, for a leading group with no "
     "independent bearings; it falls in proportion to the group's 'bearings' criterion "
     "(x (1 - bearings)). Mao: 'ability independently to find one's bearings'."),
    ("mass_line_memory", 20.0, 0.0, 1000.0, float, A,
     "Worth, in households heard, of the branch's previous estimate when it pools it with "
     "what it hears at a vital meeting: larger remembers more and forgets change more "
     "slowly; 0 keeps only the latest meeting's hearing."),
    ("mass_line_learning_rate", 0.1, 0.0, 1.0, float, S,
     "Share of the gap between what the branch expected of its last struggle and what "
     "happened that it takes into its estimate, summing the struggle up at its next "
     "vital meeting: the turnout it expected against the strength that turned out, and "
     "the chance it gave the struggle against its result. 0.1 averages over about the "
     "last ten struggles: one struggle is one win or loss, weak evidence beside what "
     "many households say (0.5 overreacts to single results, docs/ODD.md 7.16). 0 "
     "learns nothing from struggle. Mao: 'test the correctness of these ideas in such "
     "action ... with the ideas becoming more correct, more vital, and richer each "
     "time'."),
    ("mass_line_reading_worth", 1.0, 0.0, 100.0, float, A,
     "Worth, in observations, of the branch's own reading of a measure's chance before it "
     "has struggled for it; each struggle for the measure adds one. A call from above "
     "(advice, worth advice_weight observations) is blended with it as prior "
     "information, and weighs less as the branch's own experience grows."),
    ("subjectivist_prior", "drawn", None, None, str, S,
     "The plan of a subjectivist branch (decision_method 'subjectivist'). 'drawn': its "
     "own ideas, drawn from model.rng at its first vital-interest decision: Dirichlet "
     "weights over the problems (subjectivist_concentration) and an optimistic believed "
     "chance for each measure (subjectivist_optimism); it presses the open measure of "
     "highest weight x chance and never revises the plan, so results are reported over "
     "draws. 'decree-order': the measures in the order the first edition listed them "
     "(its result hinged on that order). Mao: 'fancying themselves clever, are fond of "
     "voicing their subjectivist ideas, and so their ideas become empty and impractical'."),
    ("subjectivist_concentration", 1.0, 0.05, 100.0, float, A,
     "Concentration of the Dirichlet weights a subjectivist plan puts on the 8 problems: "
     "1 makes every division of attention equally likely; small values fix on one or two "
     "problems, large ones spread attention evenly."),
    ("subjectivist_optimism", 4.0, 0.1, 100.0, float, A,
     "A subjectivist plan believes each measure winnable with a chance drawn Beta(a, 1), "
     "a = subjectivist_optimism: mean a / (a + 1), 0.8 at 4. The more optimistic, the "
     "closer every believed chance is to 1 and the more the plan follows its problem "
     "weights alone."),
)
MASS_LINE_CHOICES: dict[str, tuple[str, ...]] = {
    "mass_line_knowledge": ("contact", "perfect"),
    "subjectivist_prior": ("drawn", "decree-order"),
}
MASS_LINE_FIRST_EDITION: dict[str, Any] = {
    "mass_line_knowledge": "perfect", "subjectivist_prior": "decree-order"}
"""The first edition's mass line: perfect knowledge of every villager's chance; its
subjectivist branch presses the decrees in list order."""


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


METHODS_OF_LEADERSHIP: dict[str, tuple[Row, ...]] = {
    "mass_line": MASS_LINE,
    "leading_group": LEADING_GROUP,
    "reliance": RELIANCE,
    "tasks": TASKS,
}
"""Rows by group, in the order ``mobilize params`` lists them."""

CHOICES: dict[str, tuple[str, ...]] = {
    **MASS_LINE_CHOICES, **LEADING_GROUP_CHOICES, **RELIANCE_CHOICES, **TASKS_CHOICES}
"""Allowed values of the string parameters defined here."""

FIRST_EDITION_VALUES: dict[str, Any] = {
    **MASS_LINE_FIRST_EDITION, **LEADING_GROUP_FIRST_EDITION, **RELIANCE_FIRST_EDITION,
    **TASKS_FIRST_EDITION}
"""Every mechanism here switched off: the first edition's branch."""
