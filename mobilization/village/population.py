"""The village's people as arrays: households, classes, burdens and attitudes.

Agents on the grid (``agents.py``) are thin views on these arrays, so the weekly
continuous updates run vectorized over all villagers at once (DESIGN section 6).
Index ``i`` is a person; ``household[i]`` is their household. Households are laid out on
contiguous cells along a serpentine path through the grid, so a household's members are
neighbours and the Moore neighbourhood mixes a few households.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

try:  # SciPy's compiled CSR mat-vec (``neighbour_mean``); the operator if it ever moves
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover
    _csr_matvec = None

# Household classes.
HIRED, POOR, MIDDLE = 0, 1, 2
CLASS_NAMES = ("hired labourer", "poor or tenant peasant", "middle peasant")

# Person status.
PRESENT, ARMY, SALVATION = 0, 1, 2

# Mass-organization membership.
NONE, NOMINAL, ACTIVE = 0, 1, 2

KEPT = ("_present", "_adults", "_present_weight", "_household_present", "_households_present",
        "_household_count", "_soldier_family", "_labour", "_women_labour", "_levy_multiplier",
        "_person_spare", "_harvest", "_bond_cash", "_shoe_work", "_fully_worked", "_adult_men",
        "_fixed_burden", "_fear_exposed", "_women_factor", "_reliance_pairs")
"""What VillageState keeps until someone leaves (VillageState._kept, and kept_while: also
until its key changes)."""

# Roles on the grid.
VILLAGER, ACTIVIST, PARTY = 0, 1, 2

# Stances (Mao 1943: "the relatively active, the intermediate, and the relatively backward").
BACKWARD, INTERMEDIATE, ACTIVE_STANCE = 0, 1, 2
N_STANCES = 3

# Burden channels a household can report (Chen Yun: "rent, interest ... exorbitant taxes
# and levies, but many matters of daily life as well").
RENT, INTEREST, LEVY, PRICES = 0, 1, 2, 3
N_CHANNELS = 4



def base_burden(p: dict[str, Any]) -> np.ndarray:
    """Base burdens as a share of household income, one row per class (hired, poor,
    middle) and one column per channel (rent, interest, levy, prices): the parameters of
    group "burdens" (docs/ODD.md, "Initialization"). A hired labourer has no land, so no
    rent: that 0 is what a hired labourer is, not a parameter."""
    return np.array(
        [
            [0.0, p["burden_interest_hired"], p["burden_levy_hired"], p["burden_prices_hired"]],
            [p["burden_rent_poor"], p["burden_interest_poor"], p["burden_levy_poor"],
             p["burden_prices_poor"]],
            [p["burden_rent_middle"], p["burden_interest_middle"], p["burden_levy_middle"],
             p["burden_prices_middle"]],
        ]
    )


def clip01(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``x`` limited to [0, 1] (into ``out`` if given): ``np.clip`` in two ufunc calls,
    without its Python-level dispatch, for the weekly updates."""
    return np.minimum(np.maximum(x, 0.0, out=out), 1.0, out=out)


@dataclass
class VillageState:
    """All per-person and per-household arrays of one village."""

    n: int
    n_households: int
    side: int
    cell_of: np.ndarray  # (n, 2) grid coordinates
    household: np.ndarray  # (n,) household id
    hh_class: np.ndarray  # (H,) class of each household
    female: np.ndarray  # (n,) bool
    working_age: np.ndarray  # (n,) bool
    adjacency: sparse.csr_matrix  # (n, n) row-normalized Moore adjacency
    burden: np.ndarray  # (H, 4) rent, interest, levy (base), prices
    assessed: np.ndarray  # (H,) recent quota assessments laid on the household
    grievance: np.ndarray
    consciousness: np.ndarray
    trust: np.ndarray
    fear: np.ndarray
    membership: np.ndarray  # int8: NONE / NOMINAL / ACTIVE
    status: np.ndarray  # int8: PRESENT / ARMY / SALVATION
    role: np.ndarray  # int8: VILLAGER / ACTIVIST / PARTY
    week_left: np.ndarray  # week mobilized, -1 if present
    # Party members' own state (meaningful where role == PARTY).
    bad_element: np.ndarray  # bool
    commitment: np.ndarray
    gentry_cells: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=int))
    land: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """(H,) land each household tills, in labour-units of a working adult; drawn only when
    ``household_labour`` is on (``draw_land``), empty otherwise."""

    def __post_init__(self) -> None:
        self.status.flags.writeable = False  # changed only by leave(): see present
        # The four attitudes are rows of one block, so that the weekly bounds are one
        # operation over all of them (clip_attitudes).
        self._attitudes = np.array([self.grievance, self.consciousness, self.trust,
                                    self.fear], dtype=float)
        self.grievance, self.consciousness, self.trust, self.fear = self._attitudes

    def clip_attitudes(self) -> None:
        """Grievance, consciousness, trust and fear limited to [0, 1], in place: in one
        operation while they are rows of one block, one by one if an attitude was
        replaced by another array (``s.trust = ...``)."""
        block = self._attitudes
        rows = (self.grievance, self.consciousness, self.trust, self.fear)
        if all(row.base is block for row in rows):
            clip01(block, out=block)
        else:
            for row in rows:
                clip01(row, out=row)

    @property
    def present(self) -> np.ndarray:
        """Persons still in the village (a read-only mask). It is read dozens of times a
        week, so it is kept until someone leaves (:meth:`leave`, the only writer of
        ``status``, which is read-only otherwise so that no write can bypass it)."""
        kept = self.__dict__.get("_present")  # _kept's lookup inline: the hottest read
        return kept if kept is not None else self._keep("_present", self.status == PRESENT)

    def leave(self, people: np.ndarray, status: np.ndarray | int) -> None:
        """``people`` leave the village with ``status`` (ARMY or SALVATION)."""
        self.status.flags.writeable = True
        try:
            self.status[people] = status
        finally:
            self.status.flags.writeable = False
        for name in KEPT:
            self.__dict__.pop(name, None)

    @property
    def military_age(self) -> np.ndarray:
        return self.working_age & ~self.female

    def adults(self) -> np.ndarray:
        """Working-age villagers present: who can take part in struggles and leave (a
        read-only mask, kept as :attr:`present` is)."""
        kept = self.__dict__.get("_adults")
        return kept if kept is not None else self._keep("_adults",
                                                          self.present & self.working_age)

    def n_adults(self) -> int:
        """Number of working-age villagers present (at least 1, as a denominator)."""
        return max(int(np.count_nonzero(self.adults())), 1)

    def active_member_share(self, adults: np.ndarray | None = None) -> float:
        """Share of working-age villagers present who are active members of a mass
        organization: the strength of the mass movement. ``adults`` (``adults()``) may be
        given when the caller has it."""
        if adults is None:
            adults = self.adults()
        return (int(np.count_nonzero(adults & (self.membership == ACTIVE)))
                / max(int(np.count_nonzero(adults)), 1))

    def organized(self) -> np.ndarray:
        """Persons present who are organized: active members, activists or Party members."""
        return self.present & ((self.membership == ACTIVE) | (self.role != VILLAGER))

    def leaders(self) -> np.ndarray:
        """Persons who lead the masses when present: activists and Party members who are
        not bad elements."""
        return (self.role == ACTIVIST) | ((self.role == PARTY) & ~self.bad_element)

    def bad_elements_present(self) -> np.ndarray:
        """Indices of Party members in the village who joined with ulterior motives."""
        return ((self.role == PARTY) & self.bad_element & self.present).nonzero()[0]

    def tied_to(self, people: np.ndarray) -> np.ndarray:
        """Mask of persons tied to ``people``: members of their own and the two adjacent
        households (neighbours along the village path)."""
        own = self.household[people]
        tied = np.zeros(self.n_households, dtype=bool)
        tied[own] = True
        tied[np.maximum(own - 1, 0)] = True
        tied[np.minimum(own + 1, self.n_households - 1)] = True
        return tied[self.household]

    def in_households(self, people: np.ndarray) -> np.ndarray:
        """Mask of persons in the households of ``people`` (``np.isin`` on households,
        by one boolean lookup)."""
        hit = np.zeros(self.n_households, dtype=bool)
        hit[self.household[people]] = True
        return hit[self.household]

    def _kept(self, name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """``compute()`` kept, read-only, until someone leaves (:meth:`leave`): for what
        depends only on who is present, read several times a week."""
        cached = self.__dict__.get(name)
        return cached if cached is not None else self._keep(name, compute())

    def kept_while(self, name: str, key: tuple, compute: Callable[[], np.ndarray]
                   ) -> np.ndarray:
        """``compute()`` kept, read-only, until someone leaves or ``key`` (what else it
        depends on) changes: for what depends on who is present and on a few flags and
        parameters. ``name`` must be one of ``KEPT``."""
        kept = self.__dict__.get(name)
        if kept is None or kept[0] != key:
            value = compute()
            value.flags.writeable = False
            kept = self.__dict__[name] = (key, value)
        return kept[1]

    def _keep(self, name: str, value: np.ndarray) -> np.ndarray:
        """Keep ``value`` as ``name``, read-only, until someone leaves."""
        value.flags.writeable = False
        self.__dict__[name] = value
        return value

    def labour(self) -> np.ndarray:
        """(H,) each household's labour: its working-age members present (read-only, kept
        as :attr:`present` is)."""
        return self._kept("_labour", lambda: np.bincount(
            self.household, weights=self.adults(), minlength=self.n_households))

    def women_labour(self) -> np.ndarray:
        """(H,) each household's working-age women present (read-only, kept as
        :attr:`present` is)."""
        return self._kept("_women_labour", lambda: np.bincount(
            self.household, weights=self.adults() & self.female, minlength=self.n_households))

    def present_weight(self) -> np.ndarray:
        """(n,) 1.0 for a person present, 0.0 otherwise (:attr:`present` as weights, kept as
        it is)."""
        return self._kept("_present_weight", lambda: self.present.astype(float))

    def household_present(self) -> np.ndarray:
        """(H,) each household's members present (as a float count, kept as :attr:`present`
        is)."""
        return self._kept("_household_present", lambda: np.bincount(
            self.household, weights=self.present_weight(), minlength=self.n_households))

    def households_present(self) -> np.ndarray:
        """Households with at least one member still in the village."""
        return self._kept("_households_present", lambda: self.household_present() > 0)

    def present_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of a per-person array within each household over those present (the
        weights and counts kept); 0 for a household no longer there."""
        tot = np.bincount(self.household, weights=values * self.present_weight(),
                          minlength=self.n_households)
        # A household no longer there sums to 0 over nobody: 0 / 1.
        return tot / self._kept("_household_count",
                                lambda: np.maximum(self.household_present(), 1.0))

    def soldier_family(self) -> np.ndarray:
        """Households with a member in the army."""
        def compute() -> np.ndarray:
            sf = np.zeros(self.n_households, dtype=bool)
            sf[self.household[self.status == ARMY]] = True
            return sf
        return self._kept("_soldier_family", compute)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (person, Moore neighbour) pair of the village, by person and then in the
        adjacency's order: its rows in coordinate form (built once; the grid never
        changes)."""
        kept = self.__dict__.get("_pairs")
        if kept is None:
            adj = self.adjacency
            rows = np.repeat(np.arange(self.n), np.diff(adj.indptr))
            kept = self.__dict__["_pairs"] = (rows, adj.indices.astype(np.int64))
        return kept

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of ``values`` over each person's Moore neighbours (one sparse mat-vec);
        0 for a person with no neighbours."""
        x = np.ascontiguousarray(values, dtype=float)
        if _csr_matvec is None:
            return self.adjacency @ x
        # SciPy's own kernel for ``adjacency @ x``, without the dispatch around it (which
        # took about 40% of these calls, among the most frequent of the week).
        adj = self.adjacency
        out = np.zeros(self.n)
        _csr_matvec(self.n, self.n, adj.indptr, adj.indices, adj.data, x, out)
        return out


def serpentine_cells(side: int, n_cells: int, rng: np.random.Generator) -> np.ndarray:
    """``n_cells`` coordinates along a boustrophedon path, with empty cells spread at random
    so households stay contiguous while the village has lanes and yards between them."""
    y, x = np.divmod(np.arange(side * side), side)
    path = np.stack([np.where(y % 2 == 0, x, side - 1 - x), y], axis=1)
    keep = np.sort(rng.choice(len(path), size=n_cells, replace=False))
    return path[keep]


def build_village(p: dict[str, Any], rng: np.random.Generator) -> VillageState:
    """Draw a village from the parameters: people, households, classes, burdens, attitudes."""
    n = p["population"]
    side = int(np.ceil(np.sqrt((n + p["n_gentry"]) / p["grid_density"])))
    side = max(side, 2)
    coords = serpentine_cells(side, n + p["n_gentry"], rng)
    # Gentry compounds take spread-out cells; villagers take the rest in path order.
    gentry_slots = (
        np.linspace(0, len(coords) - 1, p["n_gentry"] + 2)[1:-1].astype(int)
        if p["n_gentry"]
        else np.array([], dtype=int)
    )
    mask = np.ones(len(coords), dtype=bool)
    mask[gentry_slots] = False
    cell_of = coords[mask]
    gentry_cells = coords[gentry_slots]

    household = np.arange(n) // p["household_size"]
    n_households = int(household[-1]) + 1
    u = rng.random(n_households)
    hh_class = np.where(
        u < p["share_hired"], HIRED, np.where(u < p["share_hired"] + p["share_poor"], POOR, MIDDLE)
    )
    female = rng.random(n) < p["share_female"]
    working_age = rng.random(n) < p["share_working_age"]

    spread = p["burden_spread"]
    burden = base_burden(p)[hh_class] * rng.uniform(1.0 - spread, 1.0 + spread,
                                                    size=(n_households, N_CHANNELS))

    # Moore neighbours through a lookup grid.
    lookup = np.full((side + 2, side + 2), n, dtype=np.int64)
    lookup[cell_of[:, 0] + 1, cell_of[:, 1] + 1] = np.arange(n)
    offsets = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]
    neighbours = np.stack(
        [lookup[cell_of[:, 0] + 1 + dx, cell_of[:, 1] + 1 + dy] for dx, dy in offsets], axis=1
    )
    n_neighbours = (neighbours < n).sum(axis=1)
    rows, cols = np.nonzero(neighbours < n)
    weights = 1.0 / n_neighbours[rows]
    adjacency = sparse.csr_matrix((weights, (rows, neighbours[rows, cols])), shape=(n, n))

    poorer = (hh_class[household] != MIDDLE).astype(float)
    consciousness = (rng.beta(p["initial_consciousness_a"], p["initial_consciousness_b"], n)
                     + p["initial_consciousness_poor"] * poorer)
    trust = rng.beta(p["initial_trust_a"], p["initial_trust_b"], n)
    # Grievance and fear start at their equilibria with individual spread (model.py).
    fear = rng.uniform(1.0 - p["initial_fear_spread"], 1.0 + p["initial_fear_spread"], n)

    membership = np.zeros(n, dtype=np.int8)
    membership[working_age & (rng.random(n) < p["nominal_membership"])] = NOMINAL

    role = np.zeros(n, dtype=np.int8)
    bad = np.zeros(n, dtype=bool)
    commitment = np.zeros(n)
    n_party = int(round(p["party_share"] * n))
    if n_party:
        adults = np.flatnonzero(working_age)
        pool = adults if len(adults) >= n_party else np.arange(n)
        members = rng.choice(pool, size=min(n_party, len(pool)), replace=False)
        role[members] = PARTY
        bad[members] = rng.random(len(members)) < p["bad_element_share"]
        commitment[members] = np.where(
            bad[members], rng.uniform(0.0, p["commitment_bad_max"], len(members)),
            rng.uniform(p["commitment_good_min"], 1.0, len(members)))
        membership[members] = NOMINAL
        consciousness[members] = np.maximum(consciousness[members],
                                            p["party_consciousness_floor"])
        trust[members] = np.maximum(trust[members], p["party_trust_floor"])

    state = VillageState(
        n=n,
        n_households=n_households,
        side=side,
        cell_of=cell_of,
        household=household,
        hh_class=hh_class,
        female=female,
        working_age=working_age,
        adjacency=adjacency,
        burden=burden,
        assessed=np.zeros(n_households),
        grievance=rng.uniform(1.0 - p["initial_grievance_spread"],
                              1.0 + p["initial_grievance_spread"], n),
        consciousness=np.clip(consciousness, 0, 1),
        trust=trust,
        fear=fear,
        membership=membership,
        status=np.zeros(n, dtype=np.int8),
        role=role,
        week_left=np.full(n, -1, dtype=np.int64),
        bad_element=bad,
        commitment=commitment,
        gentry_cells=gentry_cells,
    )
    if p["household_labour"]:  # off, nothing is drawn: the stream stays the first edition's
        state.land = draw_land(p, hh_class, rng)
    return state


def class_land(p: dict[str, Any]) -> np.ndarray:
    """(3,) a household's land by class (hired, poor, middle), in labour-units of a working
    adult: ``land_poor``, ``land_middle``. A hired labourer's household has no land: that 0
    is what a hired labourer is (DESIGN section 3: "households with land and labour")."""
    return np.array([0.0, p["land_poor"], p["land_middle"]])


def draw_land(p: dict[str, Any], hh_class: np.ndarray, rng: np.random.Generator
              ) -> np.ndarray:
    """Each household's land in labour-units of a working adult: its class's
    (``class_land``) times a factor within 1 plus or minus ``land_spread``."""
    spread = p["land_spread"]
    return class_land(p)[hh_class] * rng.uniform(1.0 - spread, 1.0 + spread,
                                                 size=len(hh_class))
