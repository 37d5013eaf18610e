"""Parameter table and validation: every parameter is documented and has a default inside
its range; every bad value is refused with a message that names the parameter and what it
may be."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobilization import PARAMETERS, PRESETS, VillageModel, simulate
from mobilization.village.parameters import METHODS, resolve

NUMERIC = [name for name, p in PARAMETERS.items() if p.kind in (int, float)]
INTEGER = [name for name, p in PARAMETERS.items() if p.kind is int]
FLOATS = [name for name, p in PARAMETERS.items() if p.kind is float]
NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")

# A valid village small enough to build instantly; the parameter under test overrides it.
SMALL = {"population": 40}


def build(**params):
    """Build a small village with ``params`` (population kept small unless given)."""
    return VillageModel(rng=0, **(SMALL | params))


def assert_names_range(message: str, name: str) -> None:
    """The message names the parameter and both ends of its allowed range."""
    p = PARAMETERS[name]
    assert name in message, message
    numbers = {float(x) for x in NUMBER.findall(message)}
    for bound in (p.low, p.high):
        assert float(bound) in numbers, f"bound {bound} of {name} not in {message!r}"


# --- the table --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_every_parameter_has_doc_basis_and_a_default_in_range(name):
    p = PARAMETERS[name]
    assert p.name == name
    assert p.doc and len(p.doc.strip()) > 10, f"{name} has no doc"
    assert p.basis in ("source", "assumption", "calibrated"), f"{name}: basis {p.basis!r}"
    resolved = resolve({})[name]
    for method in METHODS:
        value = resolve({"branch_method": method})[name]
        # A default of None means "from the preset"; the preset value is the default then.
        assert value is not None, f"{name} has no default for {method}"
    if p.kind is str:
        assert resolved in p.choices
    elif p.kind is bool:
        assert isinstance(resolved, bool)
    else:
        assert p.low is not None and p.high is not None and p.low <= p.high
        for method in METHODS:
            value = resolve({"branch_method": method})[name]
            assert isinstance(value, int | float) and not isinstance(value, bool)
            assert p.low <= value <= p.high, f"default {name}={value} outside [{p.low}, {p.high}]"
        if p.kind is int:
            assert isinstance(p.default, int) and not isinstance(p.default, bool)


def test_default_parameter_set_builds_a_village():
    model = VillageModel(rng=1)
    assert model.population == PARAMETERS["population"].default
    assert set(model.p) == set(PARAMETERS)


def test_resolved_defaults_satisfy_the_joint_constraint():
    d = resolve({})
    assert d["share_hired"] + d["share_poor"] <= 1.0


# --- numeric ranges -----------------------------------------------------------------


def _just_outside(name: str) -> list:
    p = PARAMETERS[name]
    if p.kind is int:
        return [int(p.low) - 1, int(p.high) + 1]
    return [
        float(np.nextafter(p.low, -np.inf)),
        float(np.nextafter(p.high, np.inf)),
        p.low - 1e-6,
        p.high + 1e-6,
    ]


@pytest.mark.parametrize(("name", "value"), [(n, v) for n in NUMERIC for v in _just_outside(n)])
def test_values_just_outside_the_range_are_refused(name, value):
    with pytest.raises(ValueError) as err:
        build(**{name: value})
    assert_names_range(str(err.value), name)


@pytest.mark.parametrize("name", NUMERIC)
def test_values_at_the_ends_of_the_range_are_accepted(name):
    p = PARAMETERS[name]
    for value in (p.low, p.high):
        value = int(value) if p.kind is int else float(value)
        # Respect the joint constraint on the household classes.
        other = {"share_hired": "share_poor", "share_poor": "share_hired"}.get(name)
        extra = {other: 0.0} if other else {}
        resolved = resolve({name: value, **extra})
        assert resolved[name] == value
        assert type(resolved[name]) is p.kind


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), np.nan, np.inf])
@pytest.mark.parametrize("name", NUMERIC)
def test_nan_and_inf_are_refused(name, bad):
    with pytest.raises(ValueError) as err:
        build(**{name: bad})
    assert_names_range(str(err.value), name)


@pytest.mark.parametrize(
    "bad", ["abc", "", "0.5x", [0.5], {"x": 1}, (1,), object(), 1j, True, False]
)
@pytest.mark.parametrize("name", NUMERIC)
def test_non_numbers_are_refused(name, bad):
    with pytest.raises(ValueError) as err:
        build(**{name: bad})
    assert_names_range(str(err.value), name)


@pytest.mark.parametrize("name", INTEGER)
def test_non_integers_are_refused_for_integer_parameters(name):
    p = PARAMETERS[name]
    middle = (p.low + p.high) / 2
    for value in (math.floor(middle) + 0.5, p.low + 0.25, np.float64(p.low + 0.5)):
        with pytest.raises(ValueError) as err:
            build(**{name: value})
        message = str(err.value)
        assert_names_range(message, name)
        assert "whole" in message or "integer" in message, message


@pytest.mark.parametrize("name", INTEGER)
def test_integer_parameters_are_stored_as_int(name):
    p = PARAMETERS[name]
    for value in (np.int64(p.low), float(p.low)):
        resolved = resolve({name: value})[name]
        assert type(resolved) is int and resolved == int(p.low)


@pytest.mark.parametrize("name", FLOATS)
def test_numpy_and_integer_values_are_accepted_for_float_parameters(name):
    p = PARAMETERS[name]
    other = {"share_hired": "share_poor", "share_poor": "share_hired"}.get(name)
    extra = {other: 0.0} if other else {}
    assert resolve({name: np.float64(p.high), **extra})[name] == p.high
    whole = math.ceil(p.low)
    if whole <= p.high:
        assert resolve({name: whole, **extra})[name] == whole


def test_none_is_refused_or_means_the_default():
    """``None`` is never passed through to crash deep inside the model: either it is
    refused with a ValueError naming the parameter, or it means the default. (Only the
    preset-dependent parameters have ``None`` as their documented default.)"""
    wrong = {}
    for name, p in PARAMETERS.items():
        if p.default is None:
            continue
        try:
            resolved = resolve({name: None})
        except ValueError as err:
            if name not in str(err):
                wrong[name] = f"message does not name it: {err}"
            continue
        except Exception as err:  # any other exception is the failure
            wrong[name] = f"{type(err).__name__}: {err}"
            continue
        if resolved[name] != resolve({})[name]:
            wrong[name] = f"accepted as {resolved[name]!r}"
    assert not wrong, f"{len(wrong)} parameters mishandle None: {wrong}"


# --- other kinds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["welfare", "Quota-Only", "", "quota_only", 0, 0.6, True, ["quota-only"]]
)
def test_bad_branch_method_is_refused(bad):
    with pytest.raises(ValueError) as err:
        build(branch_method=bad)
    message = str(err.value)
    assert "branch_method" in message
    for method in METHODS:
        assert method in message


@pytest.mark.parametrize("bad", ["yes", "maybe", 2, 0.5, -1, float("nan"), [True]])
def test_bad_learn_from_masses_is_refused(bad):
    with pytest.raises(ValueError) as err:
        build(learn_from_masses=bad)
    assert "learn_from_masses" in str(err.value)


@pytest.mark.parametrize("good", [True, False, 0, 1])
def test_learn_from_masses_accepts_booleans(good):
    assert resolve({"learn_from_masses": good})["learn_from_masses"] is bool(good)


@pytest.mark.parametrize(
    "names", [["no_such_parameter"], ["seed"], ["Population"], ["alpha", "beta"]]
)
def test_unknown_parameters_are_refused_and_named(names):
    with pytest.raises(ValueError) as err:
        build(**dict.fromkeys(names, 1))
    message = str(err.value)
    for name in names:
        assert name in message, message


def test_unknown_parameter_is_refused_by_simulate():
    with pytest.raises(ValueError, match="popluation"):
        simulate(weeks=1, rng=0, popluation=100)


@pytest.mark.parametrize(("hired", "poor"), [(0.5, 0.51), (0.15, 0.9), (1.0, 0.01), (0.6, 0.6)])
def test_share_hired_plus_share_poor_above_one_is_refused(hired, poor):
    with pytest.raises(ValueError) as err:
        build(share_hired=hired, share_poor=poor)
    message = str(err.value)
    assert "share_hired" in message and "share_poor" in message


@pytest.mark.parametrize(("hired", "poor"), [(0.5, 0.5), (0.0, 1.0), (1.0, 0.0), (0.3, 0.7)])
def test_share_hired_plus_share_poor_equal_to_one_is_accepted(hired, poor):
    model = build(share_hired=hired, share_poor=poor, typical_village=True)
    assert model.p["share_hired"] == hired and model.p["share_poor"] == poor
    drawn = build(share_hired=hired, share_poor=poor)  # drawn around them: still no middle
    assert drawn.p["share_hired"] + drawn.p["share_poor"] == pytest.approx(1.0)


# --- presets --------------------------------------------------------------------------


def test_presets_set_the_dose():
    assert PRESETS["quota-only"]["vital_interest_share"] == 0.0
    assert PRESETS["welfare-first"]["vital_interest_share"] == 0.6
    assert set(PRESETS) == set(METHODS)
    for preset in PRESETS.values():
        assert set(preset) <= set(PARAMETERS)


@pytest.mark.parametrize(("method", "share"), [("quota-only", 0.0), ("welfare-first", 0.6)])
def test_branch_method_resolves_to_its_preset(method, share):
    model = build(branch_method=method)
    assert model.p["vital_interest_share"] == share
    assert model.branch.vital_interest_share == share
    for key, value in PRESETS[method].items():
        assert model.p[key] == value


def test_presets_differ_only_in_their_keys():
    a = resolve({"branch_method": "quota-only"})
    b = resolve({"branch_method": "welfare-first"})
    differing = {k for k in PARAMETERS if a[k] != b[k]}
    assert differing <= {"branch_method"} | set(PRESETS["quota-only"]) | set(
        PRESETS["welfare-first"]
    )


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("share", [0.0, 0.3, 0.6, 1.0])
def test_explicit_vital_interest_share_overrides_the_preset(method, share):
    model = build(branch_method=method, vital_interest_share=share)
    assert model.p["vital_interest_share"] == share
    assert model.branch.vital_interest_share == share
    # The other preset key is still taken from the preset.
    assert model.p["learn_from_masses"] == PRESETS[method]["learn_from_masses"]


@pytest.mark.parametrize("method", METHODS)
def test_explicit_learn_from_masses_overrides_the_preset(method):
    for value in (True, False):
        model = build(branch_method=method, learn_from_masses=value)
        assert model.p["learn_from_masses"] is value
        assert model.branch.learn_from_masses is value


# --- weeks ----------------------------------------------------------------------------


@pytest.mark.parametrize("weeks", [0, -1, 1.5, 2.0, "3", None, True, float("nan")])
def test_simulate_refuses_bad_weeks(weeks):
    with pytest.raises(ValueError, match="weeks"):
        simulate(weeks=weeks, rng=0, population=40)


def test_simulate_accepts_one_week():
    out = simulate(weeks=1, rng=0, population=40)
    assert out["present"] + out["mobilized"] == 40


# --- one rule: scalars of the right kind, plain values back (issue 10) ----------------

BOOLEAN = [name for name, p in PARAMETERS.items() if p.kind is bool]
CHOICE = [name for name, p in PARAMETERS.items() if p.kind is str]
ARRAYS = [np.array(0.5), np.array(1), np.array(True), np.array([0.5]), np.array([[1]]),
          np.array("quota-only"), np.array([])]


def _inside(name: str) -> float:
    p = PARAMETERS[name]
    return p.low if p.kind is int else (p.low + p.high) / 2


@pytest.mark.parametrize("huge", [10**400, -(10**400), 10**40])
@pytest.mark.parametrize("name", NUMERIC)
def test_huge_integers_are_refused_with_a_value_error(name, huge):
    """Python ints beyond a float's range (10**400 raised OverflowError before)."""
    with pytest.raises(ValueError) as err:
        build(**{name: huge})
    assert_names_range(str(err.value), name)


@pytest.mark.parametrize("array", ARRAYS, ids=repr)
@pytest.mark.parametrize("name", list(PARAMETERS))
def test_arrays_of_any_shape_are_refused(name, array):
    """A 0-d array is not a number (``float(np.array(0.5))`` works, so it was accepted)."""
    with pytest.raises(ValueError) as err:
        resolve({name: array})
    message = str(err.value)
    assert name in message and "array" in message, message
    if name in NUMERIC:
        assert_names_range(message, name)


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint16, np.float16,
                                   np.float32, np.float64])
def test_numpy_scalars_are_accepted_and_returned_plain(name, dtype):
    p = PARAMETERS[name]
    value = dtype(p.high if np.issubdtype(dtype, np.floating) else math.ceil(p.low))
    if not p.low <= float(value) <= p.high:
        return  # no whole number in range, or (float32 0.1 > 0.1) not inside in this dtype
    other = {"share_hired": "share_poor", "share_poor": "share_hired"}.get(name)
    got = resolve({name: value, **({other: 0.0} if other else {})})[name]
    assert type(got) is p.kind and got == value


@pytest.mark.parametrize("name", BOOLEAN)
@pytest.mark.parametrize("value", [True, False, np.True_, np.False_, 0, 1, np.int64(1)])
def test_boolean_parameters_accept_numpy_booleans_as_plain_bool(name, value):
    got = resolve({name: value})[name]
    assert type(got) is bool and got == bool(value)


@pytest.mark.parametrize("name", BOOLEAN)
@pytest.mark.parametrize("bad", ["no", "True", "", 2, -1, 0.5, np.float64(0.5), None,
                                 np.array(True), [True], object()])
def test_boolean_parameters_refuse_everything_else(name, bad):
    if bad is None and PARAMETERS[name].default is None:
        return  # None means "from the preset" for the preset-dependent ones
    with pytest.raises(ValueError, match=f"{name} must be"):
        resolve({name: bad})


@pytest.mark.parametrize("name", CHOICE)
def test_choices_accept_numpy_strings_as_plain_str(name):
    choice = PARAMETERS[name].choices[-1]
    got = resolve({name: np.str_(choice)})[name]
    assert type(got) is str and got == choice


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("bad", [np.True_, np.False_, np.str_("1"), b"1", 1 + 0j,
                                 np.complex128(1), np.datetime64(1, "D")], ids=repr)
def test_numbers_refuse_numpy_booleans_strings_and_others(name, bad):
    with pytest.raises(ValueError) as err:
        resolve({name: bad})
    assert_names_range(str(err.value), name)


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(FLOATS),
       value=st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.integers(min_value=-(10**500), max_value=10**500)),
       numpy=st.booleans())
def test_a_float_parameter_is_accepted_exactly_when_finite_and_in_range(name, value, numpy):
    p = PARAMETERS[name]
    if numpy:
        value = np.float64(value) if isinstance(value, float) else value
    other = {"share_hired": "share_poor", "share_poor": "share_hired"}.get(name)
    extra = {other: 0.0} if other else {}
    inside = (not isinstance(value, float) or math.isfinite(value)) and p.low <= value <= p.high
    if inside:
        got = resolve({name: value, **extra})[name]
        assert type(got) is float and got == value
    else:
        with pytest.raises(ValueError) as err:
            resolve({name: value, **extra})
        assert_names_range(str(err.value), name)


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(INTEGER), value=st.integers(min_value=-(10**500),
                                                         max_value=10**500),
       numpy=st.booleans())
def test_an_integer_parameter_is_accepted_exactly_when_in_range(name, value, numpy):
    p = PARAMETERS[name]
    if numpy and -(2**63) <= value < 2**63:
        value = np.int64(value)
    if p.low <= value <= p.high:
        got = resolve({name: value})[name]
        assert type(got) is int and got == value
    else:
        with pytest.raises(ValueError) as err:
            resolve({name: value})
        assert_names_range(str(err.value), name)


# --- record and rng -------------------------------------------------------------------


@pytest.mark.parametrize("good", [True, False, np.True_, np.False_])
def test_record_accepts_booleans(good):
    model = build(record=good)
    assert type(model.record) is bool and model.record == bool(good)


@pytest.mark.parametrize("bad", ["no", "yes", "", 0, 1, None, 0.0, np.array(True), [True]])
def test_record_refuses_everything_but_a_boolean(bad):
    with pytest.raises(ValueError, match="record must be true or false"):
        build(record=bad)


@pytest.mark.parametrize("good", [None, 0, 7, 2**70, np.int64(7), np.uint32(7),
                                  np.random.default_rng(7), np.random.SeedSequence(7),
                                  np.random.PCG64(7)],
                         ids=lambda v: type(v).__name__ if " at 0x" in repr(v) else repr(v))
def test_rng_accepts_what_mesa_takes(good):
    model = VillageModel(rng=good, population=40)
    model.step()


def test_a_numpy_integer_seed_is_the_same_seed():
    a = VillageModel(rng=np.int64(12), population=40)
    b = VillageModel(rng=12, population=40)
    for _ in range(5):
        a.step()
        b.step()
    assert a.outcomes() == b.outcomes()


@pytest.mark.parametrize("bad", ["abc", "1", -1, np.int64(-1), 1.5, 2.0, True, np.True_,
                                 [1, 2], np.array(3), object()],
                         ids=lambda v: type(v).__name__ if " at 0x" in repr(v) else repr(v))
def test_rng_refuses_everything_else_naming_rng(bad):
    with pytest.raises(ValueError, match="rng must be None, a whole number >= 0"):
        VillageModel(rng=bad, population=40)
    with pytest.raises(ValueError, match="rng must be"):
        simulate(weeks=1, rng=bad, population=40)


# --- district parameters follow the same rule ----------------------------------------


def test_district_parameters_follow_the_same_rule():
    from mobilization.district.parameters import DISTRICT_PARAMETERS, resolve_district

    with pytest.raises(ValueError, match="n_villages"):
        resolve_district({"n_villages": np.array(5)})
    with pytest.raises(ValueError, match="n_villages"):
        resolve_district({"n_villages": 10**400})
    booleans = [n for n, p in DISTRICT_PARAMETERS.items() if p.kind is bool]
    d, _ = resolve_district({"n_villages": np.int64(5)} | dict.fromkeys(booleans, np.True_))
    assert type(d["n_villages"]) is int and all(d[n] is True for n in booleans)
