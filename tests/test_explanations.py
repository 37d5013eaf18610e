"""The explanations experiment (issue 11, item 9): the file's design, the report's table and
figures for a factorial of on/off switches crossed with both methods, and the detection
that gives them to that design and to no other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mobilization import palette
from mobilization.cli import main
from mobilization.experiments.experiment import load, parse
from mobilization.experiments.explanations_figure import (
    FIGURE,
    OUTCOMES_FIGURE,
    TABLE,
    combination_label,
    combinations,
    explanations_table,
    ratio_ci,
    switches,
)
from mobilization.experiments.report import FIGURE as REPORT_FIGURE
from mobilization.experiments.store import Store
from mobilization.village.dynamics import REASONS

ROOT = Path(__file__).resolve().parents[1]
FILE = ROOT / "experiments" / "explanations.toml"
CHANNELS = ["threat", "reform", "organization"]
METHODS = ["welfare-first", "quota-only"]
ORDER = ["none", "threat", "reform", "organization", "threat + reform",
         "threat + organization", "reform + organization", "all three"]
PNG = b"\x89PNG\r\n\x1a\n"


def _design(text: str) -> dict[str, Any]:
    """The manifest's design of an experiment file's text, without the fingerprint."""
    e = parse(text)
    return {"name": e.name, "model": e.model, "design": e.design, "factors": list(e.factors),
            "subs": list(e.subs), "seed": e.seed, "replications": e.replications,
            "weeks": e.weeks, "points": [{"point": p.index, "sub": p.sub, "params": p.params}
                                         for p in e.points]}


def test_the_file_crosses_the_three_channels_with_both_methods() -> None:
    experiment = load(FILE)
    assert len(experiment.points) == 16
    assert experiment.seeding == "common" and experiment.replications >= 60
    assert set(experiment.factors) == {*CHANNELS, "branch_method"}
    seen = {(*(p.params[c] for c in CHANNELS), p.params["branch_method"])
            for p in experiment.points}
    assert len(seen) == 16
    # Nothing else is fixed: the channels run at the model's (calibrated) defaults.
    assert all(set(p.params) == {*CHANNELS, "branch_method"} for p in experiment.points)
    assert switches(_design(FILE.read_text())) == CHANNELS


def test_combinations_are_none_alone_pairs_all() -> None:
    assert [combination_label(CHANNELS, v) for v in combinations(CHANNELS)] == ORDER
    assert [combination_label(["a"], v) for v in combinations(["a"])] == ["none", "a"]
    assert len(combinations(["a", "b", "c", "d"])) == 16


HEAD = """
[experiment]
name = "other"
replications = 2
seed = 1
"""


@pytest.mark.parametrize("body", [
    '[grid]\nbranch_method = ["welfare-first", "quota-only"]',           # no switch
    '[grid]\nthreat = [true, false]',                                     # no method
    '[fixed]\nbranch_method = "quota-only"\n[grid]\nthreat = [true, false]',
    '[grid]\nthreat = [true]\nbranch_method = ["welfare-first", "quota-only"]',
    '[grid]\nthreat = [true, false]\ngentry_power = [0.3, 0.6]\n'
    'branch_method = ["welfare-first", "quota-only"]',                    # a numeric factor
    '[grid]\nthreat = [true, false]\nbranch_method = ["welfare-first", "quota-only"]\n'
    '[[sub]]\nname = "a"\n[[sub]]\nname = "b"',                          # sub-experiments
    '[grid]\nthreat = [true, false]\nreform = [true, false]\norganization = [true, false]\n'
    'typical_village = [true, false]\nspontaneous_struggles = [true, false]\n'
    'branch_method = ["welfare-first", "quota-only"]',                    # 32 combinations
    '[sample]\nmethod = "lhs"\nn = 4\n[ranges]\ngentry_power = [0.2, 0.9]',
])
def test_other_designs_are_not_a_factorial_of_switches(body: str) -> None:
    assert switches(_design(HEAD + body)) is None


def test_no_other_shipped_experiment_is_one() -> None:
    for path in sorted((ROOT / "experiments").glob("*.toml")):
        found = switches(_design(path.read_text()))
        assert (found is not None) == (path == FILE), path.name


def test_one_switch_with_both_methods_is_one() -> None:
    body = '[grid]\nthreat = [false, true]\nbranch_method = ["quota-only", "welfare-first"]'
    assert switches(_design(HEAD + body)) == ["threat"]


def test_ratio_is_paired_by_replication() -> None:
    rng = np.random.default_rng(3)
    den = rng.uniform(0.01, 0.03, 40)
    # Paired runs in a fixed proportion: every resample gives that proportion.
    assert ratio_ci(2.5 * den, den, seed=1) == pytest.approx((2.5, 2.5, 2.5))
    num = 3 * den + rng.normal(0, 0.005, 40)
    ratio, low, high = ratio_ci(num, den, seed=1)
    assert ratio == pytest.approx(num.mean() / den.mean())
    assert low < ratio < high and ratio_ci(num, den, seed=1) == (ratio, low, high)
    assert ratio_ci(num, np.zeros(40), seed=1)[0] == np.inf
    assert np.isnan(ratio_ci(np.zeros(3), np.zeros(3), seed=1)).all()
    assert np.isnan(ratio_ci(num[:1], den[:1], seed=1)[1:]).all()


def test_reason_colours_are_the_reasons() -> None:
    assert tuple(palette.REASON_COLOURS) == REASONS


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, str]:
    """The shipped design at a tiny scale, through `mobilize sweep` and `mobilize report`."""
    text = FILE.read_text().replace("replications = 60", "replications = 3\nweeks = 26")
    path = tmp_path_factory.mktemp("explanations") / "tiny.toml"
    path.write_text(text + "\n[fixed]\npopulation = 60\n")
    out = path.parent / "out"
    assert main(["sweep", str(path), "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    assert main(["report", str(out)]) == 0
    return out, path.read_text()


def test_report_writes_the_table_and_figures(tiny, capsys) -> None:
    out, _ = tiny
    for name in (FIGURE, OUTCOMES_FIGURE):
        assert (out / name).read_bytes().startswith(PNG)
    assert not (out / REPORT_FIGURE).exists()  # 16 bars in a row say less: replaced
    table = pd.read_csv(out / TABLE)
    assert list(table["combination"]) == ORDER
    assert {"ratio", "ratio_ci_low", "ratio_ci_high", "pairs",
            "welfare_first_mobilized_pressed_rate"} <= set(table.columns)
    assert main(["report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "ratio welfare-first / quota-only" in printed and "reform + organization" in printed


def test_table_numbers_are_the_runs(tiny) -> None:
    """Means, intervals and ratios recomputed from the Parquet parts directly."""
    out, _ = tiny
    table = pd.read_csv(out / TABLE).set_index("combination")
    runs = pd.read_parquet(out / "parts")
    assert (runs["status"] == "ok").all()
    for values, label in zip(combinations(CHANNELS), ORDER, strict=True):
        mask = np.logical_and.reduce([runs[f"param.{c}"] == v
                                      for c, v in zip(CHANNELS, values, strict=True)])
        rates = {}
        for method in METHODS:
            these = runs[mask & (runs["param.branch_method"] == method)]
            rates[method] = these.set_index("replication")["recruitment_rate"].sort_index()
            x, key = rates[method].to_numpy(), method.replace("-", "_")
            row = table.loc[label]
            assert row[f"{key}_n"] == len(x) == 3
            assert row[f"{key}_mean"] == pytest.approx(x.mean(), abs=1e-12)
            half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
            assert row[f"{key}_ci_high"] == pytest.approx(min(x.mean() + half, 1.0), abs=1e-12)
            assert row[f"{key}_ci_low"] == pytest.approx(max(x.mean() - half, 0.0), abs=1e-12)
            reasons = sum(row[f"{key}_mobilized_{r}_rate"] for r in REASONS)
            assert reasons == pytest.approx(x.mean(), abs=1e-12)  # the reasons sum to it
        w, q = rates["welfare-first"].to_numpy(), rates["quota-only"].to_numpy()
        expected = w.mean() / q.mean() if q.mean() > 0 else (np.inf if w.mean() > 0 else np.nan)
        np.testing.assert_allclose(table.loc[label, "ratio"], expected, rtol=1e-12)
        assert table.loc[label, "pairs"] == 3


def test_figure_draws_every_combination_and_method(tiny) -> None:
    out, _ = tiny
    store = Store(out)
    design = store.manifest()["design"]
    from mobilization.experiments.explanations_figure import explanations_figure

    table = explanations_table(store.read(), design)
    pd.testing.assert_frame_equal(table, pd.read_csv(out / TABLE), check_dtype=False)
    fig = explanations_figure(table, design)
    rates, ratio, why = fig.axes[:3]
    assert [t.get_text().replace("\n", " ") for t in why.get_xticklabels()] == ORDER
    assert [len(c) for c in rates.containers if hasattr(c, "patches")] == [8, 8]
    assert "%" in rates.get_ylabel() and "log scale" in ratio.get_ylabel()
    assert len(why.patches) == 2 * 8 * len(REASONS)
