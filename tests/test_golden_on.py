"""Every second-edition switch on, results do not change when the code is made faster:
the runs of ``scripts/golden_on.py`` (outcomes, a digest of the final state and weekly
series, every parameter pinned) come out the same bit for bit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import golden_on  # noqa: E402


def test_switches_on_runs_identical_bit_for_bit() -> None:
    old = json.loads(golden_on.OUT.read_text())
    specs = {kind: [r["spec"] for r in old[kind]] for kind in ("village", "series")}
    new = json.loads(json.dumps(golden_on.compute(specs)))
    assert golden_on.differences(old, new) == []
