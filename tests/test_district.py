"""The district of villages (mechanism 14): its parameters, pilots, general call, summing
up, and reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from mobilization.district.model import (
    DISTRICT_OUTCOMES,
    GUIDED_SHARE,
    DistrictModel,
    pilot_villages,
    simulate_district,
)
from mobilization.district.parameters import DISTRICT_PARAMETERS, resolve_district

SMALL = {"n_villages": 6, "population": 120}


def run(weeks: int = 30, rng: int = 1, **params) -> DistrictModel:
    model = DistrictModel(rng=rng, **{**SMALL, **params})
    for _ in range(weeks):
        model.step()
    return model


def test_same_seed_same_district_and_villages_differ() -> None:
    a = run(rng=3)
    b = run(rng=3)
    assert a.report == b.report
    assert [v.report for v in a.villages] == [v.report for v in b.villages]
    seeds_differ = {tuple(v.village.cell_of[:5].ravel()) for v in a.villages}
    assert len(seeds_differ) > 1
    assert len(set(np.round(a.initial_power, 6))) == len(a.villages)


def test_the_district_clock_runs_its_villages_weeks() -> None:
    """A district's step runs each village's week (VillageModel.run_week); the district's
    Mesa clock advances, the villages' own weeks keep pace, and a village run this way is
    the village run on its own with the same seed and method (no call, no pilots)."""
    model = run(weeks=12, general_call=False, n_pilots=0)
    assert model.steps == model.week == 12
    assert all(v.week == 12 and v.steps == 0 for v in model.villages)
    v = model.villages[0]
    alone = DistrictModel(rng=1, **SMALL, general_call=False, n_pilots=0).villages[0]
    for _ in range(12):
        alone.step()
    assert alone.steps == alone.week == 12
    assert alone.outcomes() == v.outcomes()


def test_outcomes_are_in_range_and_population_is_conserved() -> None:
    model = run(weeks=52, n_pilots=2)
    for key in DISTRICT_OUTCOMES:
        low = -1.0 if key == "advice_bias" else 0.0  # a signed difference of chances
        assert low <= model.report[key] <= 1.0, key
    mobilized = sum(v.report["mobilized"] for v in model.villages)
    present = sum(v.report["present"] for v in model.villages)
    assert mobilized + present == model.population.sum()
    assert model.report["recruitment_rate"] == pytest.approx(mobilized / model.population.sum())


def test_pilots_span_the_gentry_power_ranks() -> None:
    power = np.array([0.9, 0.1, 0.5, 0.3, 0.7, 0.2])
    assert list(pilot_villages(power, 0)) == []
    assert list(pilot_villages(power, 1)) == [2]  # the middle rank: 0.5, rank 3 of 0-5
    assert sorted(power[pilot_villages(power, 3)]) == [0.2, 0.5, 0.9]
    assert len(pilot_villages(power, 6)) == 6


def test_branches_start_quota_only_and_the_call_and_guidance_set_their_method() -> None:
    model = DistrictModel(rng=1, **SMALL, n_pilots=2, guiding_cadres=1.0, call_share=0.25)
    for i, v in enumerate(model.villages):
        assert v.p["branch_method"] == "quota-only"
        if model.is_pilot[i]:
            assert v.branch.learn_from_masses
            assert v.branch.vital_interest_share == pytest.approx(GUIDED_SHARE * 0.5)
        else:
            assert not v.branch.learn_from_masses
            assert v.branch.vital_interest_share == 0.25
    # A pilot guided less than the call asks still answers the call.
    thin = DistrictModel(rng=1, **SMALL, n_pilots=6, guiding_cadres=1.0, call_share=0.25)
    assert all(v.branch.vital_interest_share == 0.25 for v in thin.villages)
    silent = DistrictModel(rng=1, **SMALL, n_pilots=0, general_call=False)
    assert all(v.branch.vital_interest_share == 0.0 for v in silent.villages)


def test_experience_spreads_only_through_the_general_call() -> None:
    called = run(weeks=52, n_pilots=2, general_call=True)
    uncalled = run(weeks=52, n_pilots=2, general_call=False)
    others = ~called.is_pilot
    assert called.report["experience"] > 0
    assert np.mean([v.branch.vital_interest_share
                    for v, o in zip(called.villages, others, strict=True) if o]) > 0.2
    assert uncalled.report["experience"] == 0
    assert all(v.branch.vital_interest_share == 0.0
               for v, o in zip(uncalled.villages, others, strict=True) if o)


def test_district_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match=r"n_pilots must be at most n_villages \(4\); got 5"):
        DistrictModel(n_villages=4, n_pilots=5)
    with pytest.raises(ValueError, match=r"guiding_cadres must be in \[0, 100\]"):
        DistrictModel(guiding_cadres=-1)
    with pytest.raises(ValueError, match="unknown parameter"):
        DistrictModel(n_village=3)
    district, village = resolve_district({"population": 100})
    assert set(district) == set(DISTRICT_PARAMETERS)
    assert village["population"] == 100 and village["branch_method"] == "quota-only"


def test_a_general_call_with_guidance_beats_the_call_alone_and_silence() -> None:
    """Mao (1943), section 2, over the same seeds: guidance in pilots, summed up and sent
    out through the call, mobilizes more than the call alone, and the call alone more than
    no call at all."""
    seeds = range(10, 16)

    def mean(**params) -> float:
        return float(np.mean([simulate_district(weeks=104, rng=s, n_villages=8, **params)
                              ["recruitment_rate"] for s in seeds]))

    guided = mean(n_pilots=2, guiding_cadres=2.0)
    call = mean(n_pilots=0)
    silence = mean(n_pilots=0, general_call=False)
    assert guided > call > silence, (guided, call, silence)


# --- experiments and the command line --------------------------------------------------

TINY = """
[experiment]
name = "tiny_district"
model = "district"
weeks = 20
replications = 2
seed = 5

[fixed]
n_villages = 3
population = 60

[grid]
n_pilots = [0, 1]
"""


def test_a_district_experiment_runs_each_district_as_simulate_district(tmp_path) -> None:
    from mobilization.experiments.experiment import parse
    from mobilization.experiments.sweep import sweep

    experiment = parse(TINY, "tiny.toml")
    runs = sweep(experiment, tmp_path / "out", workers=1, progress=False).runs
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert "param.n_pilots" in runs and "pilot_recruitment_rate" in runs
    for _, row in runs.iterrows():
        params = {"n_villages": 3, "population": 60, "n_pilots": int(row["param.n_pilots"])}
        direct = simulate_district(20, int(row["seed"]), **params)
        assert row["recruitment_rate"] == pytest.approx(direct["recruitment_rate"])


def test_a_village_experiment_refuses_district_parameters() -> None:
    from mobilization.experiments.experiment import ExperimentError, parse

    with pytest.raises(ExperimentError, match=r"line 9: \[fixed\] n_villages: unknown "
                                              r"parameter of a village"):
        parse(TINY.replace('model = "district"\n', ""), "tiny.toml")
    with pytest.raises(ExperimentError, match="model: must be one of village, district"):
        parse(TINY.replace('"district"', '"province"'), "tiny.toml")


def test_cli_district_prints_means_with_intervals(tmp_path, capsys) -> None:
    import json

    import pandas as pd

    from mobilization.cli import main

    out = tmp_path / "d"
    argv = ["district", "--replications", "3", "--weeks", "12", "--set", "n_villages=3",
            "--set", "population=60", "--set", "n_pilots=1", "--out", str(out), "--json",
            "--workers", "1", "--no-progress"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    runs = pd.concat(pd.read_parquet(p) for p in (out / "parts").glob("*.parquet"))
    rate = summary["outcomes"]["recruitment_rate"]
    assert rate["mean"] == pytest.approx(runs["recruitment_rate"].mean())
    assert rate["ci95"][0] <= rate["mean"] <= rate["ci95"][1]
    assert set(summary["outcomes"]) == set(DISTRICT_OUTCOMES)
    assert main(argv) == 0  # the same command again resumes: nothing new to run
    assert json.loads(capsys.readouterr().out) == summary


@pytest.mark.parametrize(("setting", "message"), [
    ("n_pilots=30", "n_pilots must be at most n_villages (20); got 30"),
    ("n_pilot=3", "unknown parameter: n_pilot"),
    ("adoption=2", "adoption must be in [0, 1]; got 2"),
])
def test_cli_district_refuses_bad_settings_with_one_line(setting, message, tmp_path,
                                                         capsys) -> None:
    from mobilization.cli import main

    assert main(["district", "--set", setting, "--out", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "d").exists()


def test_a_bad_seed_is_refused_naming_rng() -> None:
    """The district seeds as the village does (issue 10): a ValueError naming rng."""
    for bad in ("abc", -1, 1.5, True):
        with pytest.raises(ValueError, match="rng must be"):
            DistrictModel(rng=bad, **SMALL)
