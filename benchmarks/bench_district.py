"""How long a district takes (a benchmark, not a test).

A district of N default villages (400 people each; branches begin quota-only; 3 pilots)
run over the default horizon of 104 weeks, construction included, at N = 20 and N = 100;
beside it, as the reference, the same number of standalone quota-only villages run one
after another in the same process (the district's own work is the difference).

    uv run python benchmarks/bench_district.py            # about 30 s
"""

from __future__ import annotations

import os
import statistics
import time

from mobilization.district.model import DistrictModel
from mobilization.village.model import VillageModel

TARGETS = {20: 1.0, 100: 5.0}


def district_seconds(n: int, seed: int, district: type = DistrictModel) -> float:
    """A district of ``n`` default villages over 104 weeks, construction included
    (``district``: the model class, another version's in bench_against.py)."""
    t = time.perf_counter()
    model = district(rng=seed, n_villages=n)
    for _ in range(104):
        model.step()
    return time.perf_counter() - t


def villages_seconds(n: int, seed: int) -> float:
    t = time.perf_counter()
    for i in range(n):
        v = VillageModel(rng=seed * 1000 + i, branch_method="quota-only", record=False)
        for _ in range(104):
            v.step()
    return time.perf_counter() - t


def main() -> int:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    district_seconds(3, 0)  # warm-up
    for n, repeats in ((20, 7), (100, 3)):
        d, v = [], []
        for r in range(repeats):  # interleaved, so a busy moment hits both
            d.append(district_seconds(n, r + 1))
            v.append(villages_seconds(n, r + 1))
        dm, vm = statistics.median(d), statistics.median(v)
        verdict = "PASS" if dm <= TARGETS[n] else "FAIL"
        print(f"{n:>3} villages x 104 weeks: district {dm:.2f} s (min {min(d):.2f}), "
              f"{n} standalone villages {vm:.2f} s; ratio {dm / vm:.2f}; "
              f"target <= {TARGETS[n]:.0f} s: {verdict}")
    print(f"load average after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
