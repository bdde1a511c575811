"""Exploration schedules: values of each kind, the floor, aliases and validation."""

from __future__ import annotations

import dataclasses
import math

import pytest

from fastrl.schedules import Schedule, as_schedule, schedule_value


def test_constant():
    s = Schedule()
    assert s.kind == "constant" and s.code == 0
    assert [s.value(0.3, t) for t in (0, 1, 1000)] == [0.3, 0.3, 0.3]
    assert Schedule("constant", floor=0.5).value(0.3, 0) == 0.5


def test_inverse_t():
    s = Schedule("1/t")
    assert s.code == 1
    assert [s.value(1.0, t) for t in range(4)] == [1.0, 0.5, 1 / 3, 0.25]
    assert Schedule("1/t", floor=0.1).value(1.0, 99) == 0.1
    assert Schedule("inverse").kind == "1/t"


def test_exponential():
    s = Schedule("exponential", decay=0.9)
    assert s.code == 2
    for t in (0, 1, 5, 50):
        assert s.value(2.0, t) == pytest.approx(2.0 * 0.9**t, rel=1e-15)
    assert Schedule("exp", decay=0.5, floor=0.2).value(1.0, 3) == 0.2
    assert Schedule("exponential", decay=1.0).value(0.7, 10**6) == 0.7
    assert Schedule("exponential", decay=0.995, floor=0.01).value(0.5, 100) == pytest.approx(
        0.5 * 0.995**100
    )


def test_linear():
    s = Schedule("linear", floor=0.1, duration=10)
    assert s.code == 3
    assert s.value(1.0, 0) == 1.0
    assert s.value(1.0, 5) == pytest.approx(0.55)
    assert s.value(1.0, 10) == 0.1
    assert s.value(1.0, 10**6) == 0.1
    assert Schedule("linear", duration=4).value(1.0, 2) == 0.5
    # Starting below the floor: clipped to the floor throughout.
    assert s.value(0.05, 3) == 0.1


def test_kernel_function_matches_value():
    for s in (Schedule(), Schedule("1/t"), Schedule("exp", decay=0.97), Schedule("linear")):
        for t in (0, 3, 999, 5000):
            expected = s.value(0.8, t)
            got = schedule_value(s.code, 0.8, s.decay, s.floor, float(s.duration), t)
            assert got == expected


def test_as_schedule():
    assert as_schedule(None) == Schedule()
    assert as_schedule("1/t") == Schedule("1/t")
    s = Schedule("linear", floor=0.2, duration=7)
    assert as_schedule(s) is s
    for bad in (3, 0.5, ["1/t"]):
        with pytest.raises(TypeError, match="schedule"):
            as_schedule(bad)


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Schedule().kind = "1/t"


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        (dict(kind="bogus"), ValueError, "kind"),
        (dict(kind="exponential", decay=0.0), ValueError, "decay"),
        (dict(kind="exponential", decay=1.5), ValueError, "decay"),
        (dict(kind="exponential", decay=-0.1), ValueError, "decay"),
        (dict(decay=math.nan), ValueError, "decay"),
        (dict(decay="0.9"), TypeError, "decay"),
        (dict(floor=-0.01), ValueError, "floor"),
        (dict(floor=math.inf), ValueError, "floor"),
        (dict(floor=math.nan), ValueError, "floor"),
        (dict(duration=0), ValueError, "duration"),
        (dict(duration=-5), ValueError, "duration"),
        (dict(duration=1.5), TypeError, "duration"),
        (dict(duration=True), TypeError, "duration"),
    ],
)
def test_validation(kwargs, error, name):
    with pytest.raises(error, match=name):
        Schedule(**kwargs)
