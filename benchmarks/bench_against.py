"""The district's speed against an earlier commit, measured in the same process (a
benchmark, not a test).

Machines of this kind differ by half from one hour to the next, so a district's seconds
say little on their own. This script extracts the package as it was at ``REV`` (``git
archive``) into a temporary directory under another name, builds and runs the same
districts with both versions, interleaved in one process, and reports each version's
times and their ratio: a figure the machine's mood mostly cancels out of.

    uv run python benchmarks/bench_against.py e196d73          # the district before issue 12
    uv run python benchmarks/bench_against.py HEAD~5 --villages 100 --repeats 3
    uv run python benchmarks/bench_against.py e196d73 --what village   # default runs

Only the village and district packages are compared (the reference gets an empty top-level
``__init__``); both import their own modules relatively, as they have since the first
edition. Exit status 0 whatever the outcome: this script measures, it does not gate.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench_district import district_seconds  # this directory is on the path of a script

ROOT = Path(__file__).resolve().parents[1]


def extract(rev: str, into: Path) -> str:
    """The package at ``rev``, as ``mobilization_<rev>`` in ``into`` (an empty top-level
    ``__init__``: only its village and district are imported); returns the name."""
    name = "mobilization_" + "".join(c if c.isalnum() else "_" for c in rev)
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "mobilization"],
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    (into / "mobilization").rename(into / name)
    (into / name / "__init__.py").write_text("")
    return name


def package_district_seconds(package: str, n: int, seed: int) -> float:
    """``bench_district.district_seconds`` with ``package``'s district model."""
    district = importlib.import_module(f"{package}.district.model").DistrictModel
    return district_seconds(n, seed, district)


def villages_seconds(package: str, n: int, seed: int) -> float:
    """``n`` default village runs (``simulate``, two years) one after another."""
    simulate = importlib.import_module(f"{package}.village.run").simulate
    t = time.perf_counter()
    for i in range(n):
        simulate(rng=seed * 1000 + i)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier commit (any git revision)")
    parser.add_argument("--villages", type=int, default=20)
    parser.add_argument("--what", choices=("district", "village"), default="district",
                        help="a district of --villages villages, or --villages default "
                             "village runs one after another")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            name = extract(args.rev, Path(tmp))
        except subprocess.CalledProcessError as e:
            print(f"bench_against: cannot read {args.rev!r}: {e.stderr.decode().strip()}",
                  file=sys.stderr)
            return 2
        sys.path.insert(0, tmp)
        measure = package_district_seconds if args.what == "district" else villages_seconds
        unit = (f"a district of {args.villages} villages" if args.what == "district"
                else f"{args.villages} default village runs")
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {unit} "
              f"x 104 weeks, {args.repeats} repeats, interleaved")
        measure(name, 3, 0)  # warm-up
        measure("mobilization", 3, 0)
        ref, now = [], []
        for r in range(args.repeats):
            ref.append(measure(name, args.villages, r + 1))
            now.append(measure("mobilization", args.villages, r + 1))
    rm, nm = statistics.median(ref), statistics.median(now)
    print(f"{args.rev}: median {rm:.2f} s (min {min(ref):.2f})")
    print(f"now: median {nm:.2f} s (min {min(now):.2f})")
    print(f"now / {args.rev}: {nm / rm:.2f} (medians), {min(now) / min(ref):.2f} (minima)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
