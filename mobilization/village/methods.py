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
    ("leading_group_size", 9, 0, 100, int, A,
     "Most members of the branch's leading group: the branch head and the Party members "
     "around him, formed at the start on what shows before any struggle (contact with the "
     "masses and bearings) and renewed on all four of Dimitrov's criteria (docs/ODD.md "
     "7.15). Mao (1943): 'a small number of activists and with the heads of the given unit "
     "as its nucleus'; for 'a school of a hundred people ... a leading group of several "
     "people; or a dozen or more'. 9 is between the two for a village of about 400 whose "
     "branch starts with a dozen members. 0: every Party member present is the group (the "
     "first edition)."),
    ("group_degeneration", 0.005, 0.0, 0.2, float, A,
     "Weekly share of his devotion (commitment) that a member of the leading group loses "
     "while he stays in it: office without renewal breeds routine, leadership 'bureaucratic "
     "and divorced from the masses' (Mao 1943, 5). 0.005 takes a quarter of it in a year. "
     "Only renewal undoes it, by replacing him: 'those original members of the leading "
     "group who are inferior by comparison or who have degenerated'. 0 in the first "
     "edition."),
    ("group_contact_decay", 0.02, 0.0, 0.5, float, A,
     "Weekly share of his own link with the masses that a member of the leading group loses; "
     "taking part in a struggle (the branch's or the villagers' own) restores it in full. His "
     "contact criterion is this link times the trust of his own and the two adjacent "
     "households. 0.02 halves it in about eight months without a struggle. Mao (1943): a "
     "leading group 'linked with the masses ... can be formed only gradually in the process "
     "of mass struggle, and not in isolation from it'. 0 in the first edition."),
    ("group_turnout", 0.15, 0.0, 2.0, float, A,
     "Will to join a struggle added to a villager per unit of quality (mean of the four "
     "criteria) of the best member of the leading group in his own or an adjacent "
     "household: half of active membership's pull (turnout_active_member) at a quality of "
     "one. Mao (1943): 'if the masses alone are active without a strong leading group to "
     "organize their activity properly, such activity cannot be sustained for long'. 0 in "
     "the first edition."),
    ("group_exposure", 0.5, 0.0, 1.0, float, A,
     "Share of the weekly chance of exposing a bad element (exposure_rate x active "
     "membership share) that depends on the leading group's vigilance, the mean of its "
     "discipline and bearings criteria; the rest the mass movement brings out alone. At 0.5 "
     "a group of perfect discipline and bearings exposes as fast as the first edition, one "
     "of none at half the speed. 0 in the first edition."),
    ("renewal_margin", 0.05, 0.0, 1.0, float, A,
     "With leading_group_renewal, a Party member outside the leading group who has taken "
     "part in a won struggle replaces its worst member (not the head) when his mean score "
     "on the four criteria beats that member's by more than this; the member replaced "
     "stays in the Party. Mao (1943): 'the activists who come forward in the course of the "
     "struggle must constantly be promoted to replace those original members of the "
     "leading group who are inferior by comparison or who have degenerated'. The margin "
     "keeps the group from changing hands over a hair's difference."),
)
LEADING_GROUP_CHOICES: dict[str, tuple[str, ...]] = {}
LEADING_GROUP_FIRST_EDITION: dict[str, Any] = {
    "leading_group_size": 0, "group_degeneration": 0.0, "group_contact_decay": 0.0,
    "group_turnout": 0.0, "group_exposure": 0.0}
"""The first edition's leading group: every Party member present, scored and averaged,
who never degenerates and whose quality feeds only the branch's organizing."""


# --- relying on the active (reliance.py; Mao 1943, 3) -----------------------------------------
_MZ3 = ("Mao (1943), 3: 'The masses in any given place are generally composed of three "
        "parts, the relatively active, the intermediate, and the relatively backward. The "
        "leaders must therefore be skilled in uniting the small number of active elements "
        "around the leadership and must rely on them to raise the level of the intermediate "
        "element and to win over the backward elements.'")
RELIANCE: tuple[Row, ...] = (
    ("reliance", "intermediate-first", None, None, str, S,
     "Whom the branch's active (good Party members, activists, villagers of active stance) "
     "are assigned to work on, at each vital-interest meeting held, among their Moore "
     "neighbours of intermediate or backward stance: 'intermediate-first' (Mao's order: "
     "raise the intermediate, then win over the backward), 'backward-first', 'random' "
     "(either stance alike), or 'none' (nobody is organized to work on anyone: only the "
     "ambient pull of neighbour_influence, the first edition). Ties are drawn at random. "
     + _MZ3),
    ("reliance_reach", 3, 1, 8, int, A,
     "Most persons one active person is assigned to work on at a time (a Moore "
     "neighbourhood has at most 8): Mao's 'small number of active elements' reaching "
     "the many."),
    ("reliance_consciousness", 0.02, 0.0, 1.0, float, A,
     "Share of the gap to 1 that a worked-on person's consciousness closes each week, "
     "times the consciousness of the active person working on him and the part of him "
     "that fear leaves reachable (reliance_fear): talk with one who knows him, weekly, "
     "faster than the ambient pull (neighbour_influence), slower than struggle "
     "(struggle_gain)."),
    ("reliance_trust", 0.01, 0.0, 1.0, float, A,
     "Share of the gap to 1 that a worked-on person's trust in the Party closes each week, "
     "scaled as reliance_consciousness: a neighbour who works on him vouches for the "
     "Party."),
    ("reliance_fear", 1.0, 0.0, 2.0, float, A,
     "How much fear of the gentry holds a worked-on person back: the weekly work is "
     "scaled by max(1 - reliance_fear x fear, 0), so the fearful, most of the backward, "
     "are harder to win over (0: fear does not matter)."),
)
RELIANCE_CHOICES: dict[str, tuple[str, ...]] = {
    "reliance": ("none", "intermediate-first", "backward-first", "random")}
RELIANCE_FIRST_EDITION: dict[str, Any] = {"reliance": "none"}
"""The first edition: only the ambient pull of active neighbours (neighbour_influence)."""


# --- central tasks with an order (tasks.py; Mao 1943, 8) --------------------------------------
TASKS: tuple[Row, ...] = (
    ("task_order", "ordered", None, None, str, S,
     "How the branch takes several tasks from above (central_tasks > 1). 'ordered': at "
     "its first meeting in each quota period it makes its own agenda the central task and "
     "the others second, third ... in importance, each taking a smaller share of its "
     "meetings (second_task_weight, lower_task_decay); without a stated centre it manages "
     "this only with chance equal to its leading group's bearings. 'as-it-comes': every "
     "task is central, each meeting's own item going ahead with chance 1/central_tasks. "
     "Mao (1943): the person in overall charge 'must ... put the different tasks in their "
     "proper order; he should not act upon each instruction as it comes from the higher "
     "organization without any planning of his own, and thereby create a multitude of "
     "\"central tasks\"'."),
    ("centre_stated", False, None, None, bool, S,
     "The higher organization states which of its tasks is central, so a branch that "
     "orders its tasks needs no bearings of its own to do it. False (the default): it "
     "assigns them 'without indicating their relative importance and urgency or without "
     "specifying which is central' (Mao 1943), and the branch must find its bearings. No "
     "effect with task_order 'as-it-comes' or one task."),
    ("second_task_weight", 0.25, 0.0, 1.0, float, A,
     "Share of meetings a task of second order of importance takes, as a weight against "
     "the central task's 1 (each meeting goes to a task in proportion to its weight): at "
     "0.25 a second task takes one meeting in five when two stand. Mao (1943): 'one central "
     "task, supplemented by other tasks of a second or third order of importance'. 1 (with "
     "lower_task_decay 1) is no order at all: 1/central_tasks."),
    ("lower_task_decay", 0.5, 0.0, 1.0, float, A,
     "Each further order of importance weighs this much of the one above it: a third task "
     "half a second's (0.125), a fourth a quarter ... so at the defaults the lower tasks "
     "take 20% of the meetings with two tasks standing, 27% with three and at most a third "
     "with any number."),
)
TASKS_CHOICES: dict[str, tuple[str, ...]] = {"task_order": ("ordered", "as-it-comes")}
TASKS_FIRST_EDITION: dict[str, Any] = {"task_order": "as-it-comes"}
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
