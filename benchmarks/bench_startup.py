"""How fast the ``mobilize`` command starts: ``--help``, ``params`` and ``import
mobilization``, each a fresh Python process, against a reference process that loads what
the package used to load at import (Mesa, pandas, SciPy), timed interleaved in one loop so
that load on the machine hits all of them alike.

    uv run python benchmarks/bench_startup.py            # 15 rounds
    uv run python benchmarks/bench_startup.py --rounds 5

A measurement, not a test: it prints medians and interquartile ranges against the target
(under 1 s for ``--help`` and ``params``) and exits 0. ``tests/test_layers.py`` checks the
cause structurally (those commands do not import Mesa, pandas or SciPy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "mobilize --help": [sys.executable, "-m", "mobilization", "--help"],
    "mobilize params": [sys.executable, "-m", "mobilization", "params"],
    "import mobilization": [sys.executable, "-c", "import mobilization"],
    "python (empty)": [sys.executable, "-c", "pass"],
    "reference: import mesa, pandas, scipy": [
        sys.executable, "-c", "import mesa, pandas, scipy.stats, scipy.sparse"],
    "first model: mobilization.VillageModel": [
        sys.executable, "-c", "import mobilization; mobilization.VillageModel"],
}
TARGET = {"mobilize --help": 1.0, "mobilize params": 1.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    times: dict[str, list[float]] = {k: [] for k in COMMANDS}
    for cmd in COMMANDS.values():  # warm the file cache once
        subprocess.run(cmd, check=True, capture_output=True)
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name, cmd in COMMANDS.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times[name].append(time.perf_counter() - t0)
    ref = statistics.median(times["reference: import mesa, pandas, scipy"])
    print(f"{args.rounds} rounds, load average {load:.2f} -> {os.getloadavg()[0]:.2f}\n")
    print(f"{'process':42} {'median':>8} {'IQR':>17} {'/ reference':>12}  target")
    for name, ts in times.items():
        q = statistics.quantiles(ts, n=4)
        med = statistics.median(ts)
        target = TARGET.get(name)
        verdict = "" if target is None else (
            f"<= {target:.0f} s {'PASS' if med <= target else 'FAIL'}")
        print(f"{name:42} {med * 1000:6.0f} ms {q[0] * 1000:6.0f}-{q[2] * 1000:5.0f} ms "
              f"{med / ref:11.2f}x  {verdict}")


if __name__ == "__main__":
    main()
