"""Central tasks with an order (design mechanism 15; Mao 1943, section 8).

Mao (1943): "In any given place, there cannot be a number of central tasks at the same
time. At any one time there can be only one central task, supplemented by other tasks of a
second or third order of importance. Consequently, the person with overall responsibility
in the locality must take into account the history and circumstances of the struggle there
and put the different tasks in their proper order; he should not act upon each instruction
as it comes from the higher organization without any planning of his own, and thereby
create a multitude of 'central tasks' and a state of confusion and disorder. Nor should a
higher organization simultaneously assign many tasks to a lower organization without
indicating their relative importance and urgency or without specifying which is central,
for that will lead to confusion in the steps to be taken by the lower organizations in
their work and thus no definite results will be achieved."

``central_tasks`` tasks from above stand at once. A meeting taken by a task other than the
branch's own agenda (the vital-interest or quota item) does nothing in the village. How the
branch shares its meetings among the tasks:

* ``task_order = "as-it-comes"``: every task is as central as the next, so each meeting
  goes to the branch's own item with chance ``1/central_tasks`` (the first edition);
* ``task_order = "ordered"``: at its first meeting in each quota period (the tasks come
  down with the quotas, docs/ODD.md 7.13) the branch puts the tasks in order. Its own
  agenda is central, with weight 1; the task of order ``j`` (2, 3, ...) has weight
  ``second_task_weight * lower_task_decay ** (j - 2)``, and each meeting goes to a task in
  proportion to its weight. When the district states which task is central
  (``centre_stated``) the branch always manages this. When it does not, the branch has to
  find its own bearings: it orders its tasks for the period with chance equal to the
  leading group's "ability independently to find one's bearings"
  (``leading_group.criteria(model).bearings``), and is otherwise as confused for the
  period as a branch that takes each task as it comes.

With one task nothing is drawn, so the default village is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import leading_group

if TYPE_CHECKING:
    from .protocols import VillageLike

ORDERED = "ordered"
AS_IT_COMES = "as-it-comes"
"""The branch's two ways with several tasks from above (parameter ``task_order``)."""


def lower_weight(p: dict[str, Any], standing: int) -> float:
    """Summed weight of the tasks of second and lower order when ``standing`` tasks stand,
    against the central task's 1: ``second_task_weight * (1 + d + d**2 + ...)`` over the
    ``standing - 1`` lower tasks, ``d = lower_task_decay``."""
    weight, total = p["second_task_weight"], 0.0
    for _ in range(standing - 1):
        total += weight
        weight *= p["lower_task_decay"]
    return total


def own_item_chance(p: dict[str, Any], standing: int, in_order: bool) -> float:
    """Chance that a meeting goes to the branch's own item: 1/(1 + the lower tasks' weight)
    with its tasks in order, ``1/standing`` without (every task weighing as much as the
    central one). Equal weights (``second_task_weight = lower_task_decay = 1``) give the
    same number, exactly."""
    if not in_order:
        return 1.0 / standing
    return 1.0 / (1.0 + lower_weight(p, standing))


class Tasks:
    """The tasks from above that stand before the branch, and its record of them."""

    def __init__(self, standing: int) -> None:
        self.standing = standing
        """Tasks from above at once (``central_tasks``): the branch's own agenda and
        ``standing - 1`` others."""
        self.crowded_out = 0
        """Meetings whose own item another task took."""
        self.period = -1
        """The quota period whose order was last decided."""
        self.in_order = False
        """Whether the branch has this period's tasks in order."""
        self.periods = 0
        """Quota periods with several tasks in which an ordering branch met."""
        self.periods_in_order = 0
        """Of those, the periods in which it had its tasks in order."""

    def crowded(self, model: VillageLike) -> bool:
        """Whether another task takes this meeting (one draw when several tasks stand; none
        with one, so the default village draws nothing)."""
        if self.standing <= 1:
            return False
        p = model.p
        in_order = p["task_order"] == ORDERED and self._order(model)
        if model.rng.random() < own_item_chance(p, self.standing, in_order):
            return False
        self.crowded_out += 1
        return True

    def _order(self, model: VillageLike) -> bool:
        """Whether the branch has its tasks in order this quota period, decided at its first
        meeting in the period: always with a stated centre; otherwise with chance equal to
        the leading group's bearings (one draw a period)."""
        p = model.p
        period = (model.week - 1) // p["quota_interval"]
        if period != self.period:
            self.period = period
            self.periods += 1
            self.in_order = bool(p["centre_stated"]) or bool(
                model.rng.random() < leading_group.criteria(model).bearings)
            self.periods_in_order += self.in_order
        return self.in_order
