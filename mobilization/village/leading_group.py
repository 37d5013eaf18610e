"""The branch's leading group: a nucleus around the branch head, scored on Dimitrov's four
criteria, which degenerates unless it is renewed in struggle (design mechanism 12; Mao
1943, section 3; docs/ODD.md 7.15).

Mao (1943): "a leading group should be formed in each unit in the course of the movement,
made up of a small number of activists and with the heads of the given unit as its
nucleus ... The criteria for such a leading group should be the four which Dimitrov
enumerated ... absolute devotion to the cause, contact with the masses, ability
independently to find one's bearings, and observance of discipline." And: "the activists
who come forward in the course of the struggle must constantly be promoted to replace those
original members of the leading group who are inferior by comparison or who have
degenerated."

State (:class:`LeadingGroup`, held by the branch): who is in the group, its head, each
person's own link with the masses and whether he has been seen in a won struggle. With
``leading_group_size`` 0 (the first edition) the group is every Party member present.

Other parts of the branch read the group through :func:`criteria` (each criterion's mean
over the group), :func:`quality` (their mean) and :func:`reach` (who is near a member, and
how good he is). The branch's Party admissions and the exposure of bad elements, which
renew the group from outside, are here too (:func:`admit_activists`,
:func:`expose_bad_elements`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .population import ACTIVIST, PARTY
from .protocols import VillageLike

if TYPE_CHECKING:
    from .population import VillageState


@dataclass(frozen=True)
class Criteria:
    """The leading group's mean score on each of Dimitrov's four criteria, in [0, 1]."""

    devotion: float
    contact: float
    bearings: float
    discipline: float

    @property
    def quality(self) -> float:
        """The mean of the four criteria."""
        return (self.devotion + self.contact + self.bearings + self.discipline) / 4.0


NO_GROUP = Criteria(0.0, 0.0, 0.0, 0.0)
"""A village with no Party member present has no leading group."""

DEVOTION, CONTACT, BEARINGS, DISCIPLINE = 0, 1, 2, 3
"""Columns of :func:`scores`."""
VISIBLE = [CONTACT, BEARINGS]
"""The criteria that show before any struggle: how the neighbours regard a member and how he
talks. Devotion and discipline show only in struggle."""


@dataclass
class LeadingGroup:
    """Who is in the leading group, and what the branch knows of its members."""

    size: int
    """Most members (``leading_group_size``); 0: every Party member present."""
    in_group: np.ndarray
    """(n,) bool: in the group (read only while ``size`` > 0, and only for Party members
    present)."""
    link: np.ndarray
    """(n,) each person's own link with the masses, in [0, 1]: 1 at the start, lost week by
    week in the group, restored by taking part in a struggle. His contact criterion is this
    times the trust of his own and the two adjacent households."""
    proved: np.ndarray
    """(n,) bool: has taken part in a won struggle, so the branch has seen his devotion and
    discipline tested."""
    head: int = -1
    """The branch head, the group's nucleus (-1: none); renewal never replaces him."""
    replaced: int = 0
    """Members replaced by better ones (not counting vacancies filled)."""
    held: tuple[np.ndarray, np.ndarray] | bool = field(default=False, repr=False, compare=False)
    """Inside :func:`steady`: True, then its members and their contact with the masses
    once worked out; False outside."""


class _Branch(Protocol):
    group: LeadingGroup | None
    renewal: bool
    expelled: int


class GroupedVillage(VillageLike, Protocol):
    """A village whose branch holds a leading group."""

    branch: _Branch


def form(model: VillageLike) -> LeadingGroup:
    """The group at the branch's founding: the ``leading_group_size`` Party members present
    who score best on the criteria that show before any struggle (contact with the masses
    and bearings, ``VISIBLE``), the best of them the head. Devotion and discipline show
    only in struggle, so bad elements get in as often as they look well. Draws nothing."""
    s, size = model.village, model.p["leading_group_size"]
    group = LeadingGroup(size, np.zeros(s.n, dtype=bool), np.ones(s.n),
                         np.zeros(s.n, dtype=bool))
    if size == 0:
        return group
    party = np.flatnonzero((s.role == PARTY) & s.present)
    seen = _scores(s, party, group.link)[:, VISIBLE].mean(axis=1)
    chosen = party[np.argsort(-seen, kind="stable")[:size]]
    group.in_group[chosen] = True
    group.head = int(chosen[0]) if len(chosen) else -1
    return group


def _group(model: VillageLike) -> LeadingGroup | None:
    branch = getattr(model, "branch", None)
    return getattr(branch, "group", None)


def _link(model: VillageLike) -> np.ndarray | None:
    group = _group(model)
    return None if group is None else group.link


def members(model: VillageLike) -> np.ndarray:
    """Indices of the leading group: the Party members present in it (every one of them
    with ``leading_group_size`` 0)."""
    s = model.village
    mask = (s.role == PARTY) & s.present
    group = _group(model)
    if group is not None and group.size > 0:
        mask &= group.in_group
    return mask.nonzero()[0]


@contextmanager
def steady(model: VillageLike) -> Iterator[None]:
    """A stretch of a meeting in which nothing the group's scores depend on changes (who is
    in it, their devotion, bearings and discipline, their links and the trust of the
    households around them): the branch organizes and chooses its item. Its members and
    their contact with the masses are worked out once for the stretch, however often
    :func:`quality`, :func:`reach` and :func:`criteria` are read in it."""
    group = _group(model)
    if group is None:
        yield
        return
    group.held = True
    try:
        yield
    finally:
        group.held = False


def _members_contact(model: VillageLike) -> tuple[np.ndarray, np.ndarray]:
    """The group's members (:func:`members`) and their contact criterion (:func:`_contact`),
    kept within :func:`steady`."""
    group = _group(model)
    held = False if group is None else group.held
    if isinstance(held, tuple):  # worked out already in this stretch
        return held
    people = members(model)
    contact = _contact(model.village, people, _link(model))
    if held is True:
        group.held = (people, contact)
    return people, contact


def _contact(s: VillageState, people: np.ndarray, link: np.ndarray | None) -> np.ndarray:
    """The contact criterion of ``people``: own link with the masses (if kept) times the mean
    trust in the Party of his own and the two adjacent households."""
    trust_h = s.present_mean(s.trust)
    k = s.household[people]
    last = s.n_households - 1
    contact = (trust_h[np.maximum(k - 1, 0)] + trust_h[k]
               + trust_h[np.minimum(k + 1, last)]) / 3.0
    if link is not None:
        contact *= link[people]
    return contact


def _scores(s: VillageState, people: np.ndarray, link: np.ndarray | None,
            contact: np.ndarray | None = None) -> np.ndarray:
    """``scores`` for ``people`` of village state ``s`` (``contact``: their contact
    criterion, when known)."""
    contact = _contact(s, people, link) if contact is None else contact
    return np.column_stack([s.commitment[people], contact,
                            s.consciousness[people], (~s.bad_element[people]).astype(float)])


def _quality(s: VillageState, people: np.ndarray, link: np.ndarray | None,
             contact: np.ndarray | None = None) -> np.ndarray:
    """Each of ``people``'s mean on the four criteria (the rows of ``_scores`` averaged,
    without building the table; ``contact`` as for ``_scores``)."""
    contact = _contact(s, people, link) if contact is None else contact
    return (s.commitment[people] + contact + s.consciousness[people]
            + (~s.bad_element[people]).astype(float)) / 4.0


def scores(model: VillageLike, group: np.ndarray | None = None) -> np.ndarray:
    """Each member's score on the four criteria, one row per member of ``group`` (the
    leading group by default), columns devotion (commitment), contact with the masses (his
    own link with the masses times the mean trust in the Party of his own and the two
    adjacent households), independent bearings (consciousness) and discipline (0 for a
    bad element)."""
    group = members(model) if group is None else group
    return _scores(model.village, group, _link(model))


def criteria(model: VillageLike) -> Criteria:
    """Each criterion's mean over the leading group."""
    group, contact = _members_contact(model)
    score = _scores(model.village, group, None, contact)
    if len(score) == 0:
        return NO_GROUP
    return Criteria(*(float(x) for x in score.mean(axis=0)))


def quality(model: VillageLike) -> float:
    """Mean quality of the leading group on the four criteria (0 without a group): each
    member's mean score, averaged over the group."""
    group, contact = _members_contact(model)
    if len(group) == 0:
        return 0.0
    return float(_quality(model.village, group, None, contact).sum()) / len(group)  # the mean


def reach(model: VillageLike) -> np.ndarray:
    """(n,) for each person, the quality (mean of the four criteria) of the best member of
    the leading group in his own or an adjacent household; 0 where there is none. Mao: the
    leading group "should link itself closely with the masses taking part in the
    movement"."""
    s = model.village
    group, contact = _members_contact(model)
    best = np.zeros(s.n_households)
    if len(group) == 0:
        return best[s.household]
    np.maximum.at(best, s.household[group], _quality(s, group, None, contact))
    h = np.arange(s.n_households)
    tied = np.maximum(np.maximum(best[np.maximum(h - 1, 0)], best),
                      best[np.minimum(h + 1, s.n_households - 1)])
    return tied[s.household]


def vigilance(model: VillageLike) -> float:
    """How well the group tells a true Communist from a bad one: the mean of its discipline
    and bearings criteria (0 without a group; neither needs the households' trust)."""
    s, group = model.village, members(model)
    if len(group) == 0:
        return 0.0
    discipline = np.count_nonzero(~s.bad_element[group]) / len(group)
    bearings = float(s.consciousness[group].sum()) / len(group)  # the mean, as quality's
    return (discipline + bearings) / 2.0


# --- in struggle, week by week, at meetings ---------------------------------------------
def took_part(model: VillageLike, people: np.ndarray, won: bool) -> None:
    """After a struggle: those who took part (a mask) renew their link with the masses, and
    if it was won the branch has seen them tested. Nothing to do in the first edition."""
    group = _group(model)
    if group is None:
        return
    if model.p["group_contact_decay"] > 0:
        group.link[people] = 1.0
    if won and group.size > 0:
        group.proved |= people


def degenerate(model: VillageLike) -> None:
    """A week in the leading group: each member loses ``group_degeneration`` of his devotion
    and ``group_contact_decay`` of his link with the masses. Mao: "those original members of
    the leading group who are inferior by comparison or who have degenerated"; leadership
    "bureaucratic and divorced from the masses". Nothing happens at 0 (the first edition)."""
    decay, lost = model.p["group_degeneration"], model.p["group_contact_decay"]
    if decay <= 0 and lost <= 0:
        return
    group = members(model)
    if decay > 0:
        model.village.commitment[group] *= 1.0 - decay
    if lost > 0:
        _group(model).link[group] *= 1.0 - lost


def renew(model: GroupedVillage, vital: bool) -> None:
    """After a branch meeting: those who left the village or the Party leave the group; the
    head, if gone, is succeeded by the group's best member; and with renewal
    (``leading_group_renewal``) vacancies are filled and, after a vital-interest meeting, a
    Party member who has proved himself in a won struggle replaces the group's worst member
    (not the head) when he beats him on the four criteria by more than ``renewal_margin``,
    one at a time while one does. Without renewal nobody enters: the group stays as formed,
    less those who left. Draws nothing."""
    branch, s = model.branch, model.village
    group = branch.group
    if group is None or group.size == 0:
        return
    party = (s.role == PARTY) & s.present
    group.in_group &= party
    if branch.renewal:
        _fill(model, group, party)
        if vital and (party & ~group.in_group & group.proved).any():
            _replace(model, group, party)
    _succeed(model, group)


def _fill(model: VillageLike, group: LeadingGroup, party: np.ndarray) -> None:
    """Vacancies go to the Party members outside the group who have proved themselves in a
    won struggle, best on the four criteria first; failing them, to the untested who look
    best on the criteria that show without struggle (as at the founding)."""
    vacancies = group.size - int(np.count_nonzero(group.in_group))
    if vacancies <= 0:
        return
    outside = np.flatnonzero(party & ~group.in_group)
    if len(outside) == 0:
        return
    score = _scores(model.village, outside, group.link)
    proved = group.proved[outside]
    judged = np.where(proved, score.mean(axis=1), score[:, VISIBLE].mean(axis=1))
    order = np.lexsort((-judged, ~proved))
    group.in_group[outside[order[:vacancies]]] = True


def _replace(model: VillageLike, group: LeadingGroup, party: np.ndarray) -> None:
    """Better ones replace the worst members, one at a time while one beats the worst by
    more than ``renewal_margin`` (each person's score is the same throughout)."""
    margin = model.p["renewal_margin"]
    people = np.flatnonzero(party)
    q = _quality(model.village, people, group.link)
    inside = group.in_group[people]
    inside_head = people == group.head
    for _ in range(group.size):
        sitting = inside & ~inside_head
        candidates = ~inside & group.proved[people]
        if not sitting.any() or not candidates.any():
            return
        worst = np.flatnonzero(sitting)[np.argmin(q[sitting])]
        best = np.flatnonzero(candidates)[np.argmax(q[candidates])]
        if q[best] <= q[worst] + margin:
            return
        inside[worst], inside[best] = False, True
        group.in_group[people[worst]] = False
        group.in_group[people[best]] = True
        group.replaced += 1


def _succeed(model: VillageLike, group: LeadingGroup) -> None:
    """A head who has left the group is succeeded by its best member on the four criteria."""
    if group.head >= 0 and group.in_group[group.head]:
        return
    inside = members(model)
    if len(inside) == 0:
        group.head = -1
        return
    group.head = int(inside[np.argmax(_quality(model.village, inside, group.link))])


# --- renewal from outside: admissions and exposure (mechanism 9) -------------------------
def admit_activists(model: GroupedVillage) -> None:
    """After a vital-interest meeting the branch admits its most conscious tested activist.
    "The mass movement provides new Party members ... with a practical education in class
    consciousness that no book could offer." Few of them are bad elements. Without renewal
    no activist is brought in."""
    if not model.branch.renewal or not model.p["organization"]:
        return
    s, p = model.village, model.p
    cand = np.flatnonzero((s.role == ACTIVIST) & s.present
                          & (s.consciousness >= p["admission_consciousness"])
                          & (s.trust >= p["admission_trust"]))
    if len(cand) == 0:
        return
    best = cand[np.argsort(-s.consciousness[cand], kind="stable")[:p["admissions_per_meeting"]]]
    bad = model.rng.random(len(best)) < p["admission_bad_factor"] * p["bad_element_share"]
    for i, b in zip(best, bad, strict=True):
        model.admit_to_party(int(i), bool(b))


def expose_bad_elements(model: GroupedVillage, active_share: float) -> None:
    """A strong mass movement exposes bad elements: "Once the mass movement of people
    fighting for their own interests gains momentum, it will be easy to tell true
    Communists working for the people from bad persons who have joined the Party out of
    ulterior motives. Then we will be able to rid the Party of undesirable members." (CY)

    Each bad element present is exposed and expelled with chance ``exposure_rate x``
    the active membership share, times ``1 - group_exposure + group_exposure x``
    :func:`vigilance`: the mass movement brings him out, the leading group's discipline and
    bearings act on it. Without renewal nobody is expelled."""
    s, branch = model.village, model.branch
    bad = s.bad_elements_present()
    if not branch.renewal or len(bad) == 0 or active_share <= 0:
        return
    chance = model.p["exposure_rate"] * active_share
    weight = model.p["group_exposure"]
    if weight > 0:
        chance *= 1.0 - weight + weight * vigilance(model)
    caught = bad[model.rng.random(len(bad)) < chance]
    for i in caught:
        model.expel(int(i))
        branch.expelled += 1
