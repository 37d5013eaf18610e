"""A call from above and its content: what a branch acting on its own ideas makes of it.

A call from above may carry content: for each welfare measure, the chance of winning it
that the call says a village like this one has (``Branch.advice``), and how much that is
worth in observations (``Branch.advice_weight``). Where it comes from is no business of
the village (a district committee fills it in; a village on its own never receives any,
so nothing here runs for it).

Mao (1943): "Formulate general ideas (general calls) out of the particular guidance given
in a number of cases, and put them to the test in many different units"; a call without
tested content risks that "their call remains on their lips, or on paper". A branch that
does not learn from the masses has only its own idea of what to take up (one at random,
Chen Yun's branches that act "merely by assigning quotas"); the call's content competes
with that idea as observations' worth against observations' worth (``advice_conviction``).
The content can mislead: what it says is only as right as the experience it was made from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .welfare import MEASURES, Measure

if TYPE_CHECKING:
    from .protocols import VillageLike


class Advised(Protocol):
    """The parts of a branch that receive a call's content."""

    advice: dict[str, float]
    advice_weight: float


def follow_chance(weight: float, conviction: float) -> float:
    """Chance that a branch acting on its own ideas takes the call's item rather than its
    own: the call's worth over both, ``weight / (weight + conviction)`` (0 when neither is
    worth anything)."""
    total = weight + conviction
    return weight / total if total > 0 else 0.0


def best_item(branch: Advised, open_: list[Measure]) -> Measure:
    """The open measure the call gives the best chance of winning (the earlier measure of
    ``MEASURES`` on a tie; a measure the call does not mention counts as no chance)."""
    return max(open_, key=lambda m: (branch.advice.get(m.key, 0.0), -MEASURES.index(m)))


def choose(branch: Advised, model: VillageLike, open_: list[Measure]) -> Measure:
    """The item of a vital-interest meeting of a branch that does not learn from the
    masses, given a call with content: with chance ``follow_chance(advice_weight,
    advice_conviction)`` the open measure the call gives the best chance, otherwise one of
    the branch's own ideas at random. One uniform number is drawn, and one integer when
    the branch keeps to its own idea."""
    if model.rng.random() < follow_chance(branch.advice_weight,
                                          model.p["advice_conviction"]):
        return best_item(branch, open_)
    return open_[int(model.rng.integers(len(open_)))]
