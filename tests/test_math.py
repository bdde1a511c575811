"""fastrl._math.exp against 40-digit decimal arithmetic and against libm."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest

from fastrl._jit import jit
from fastrl._math import EXP_SCALE_ERROR, exp, exp_scale


@jit
def _exp_many(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = exp(x[i])
    return out


def _ulp_error(x: float, y: float) -> float:
    # |y - exp(x)| in units of the spacing of doubles at exp(x), exp(x) to 40 digits.
    with localcontext() as ctx:
        ctx.prec = 40
        exact = Decimal(x).exp()
        spacing = Decimal(math.ulp(float(exact)))
        return float(abs(Decimal(y) - exact) / spacing)


def _sample(lo: float, hi: float, num: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(lo, hi, num)


@pytest.mark.parametrize(
    "lo, hi",
    [(-1e-3, 1e-3), (-1.0, 1.0), (-50.0, 0.0), (-700.0, 700.0), (700.0, 709.78)],
)
def test_exp_within_half_ulp_of_exact(lo, hi):
    x = _sample(lo, hi, 3000, seed=int(abs(lo)))
    y = _exp_many(x)
    worst = max(_ulp_error(float(a), float(b)) for a, b in zip(x, y, strict=True))
    assert worst <= 0.51, worst


def test_exp_subnormal_results_within_one_ulp():
    x = _sample(-745.13, -708.4, 2000, seed=3)
    y = _exp_many(x)
    for a, b in zip(x, y, strict=True):
        with localcontext() as ctx:
            ctx.prec = 40
            exact = Decimal(float(a)).exp()
        assert abs(Decimal(float(b)) - exact) <= Decimal(5e-324), a


def test_exp_agrees_with_libm_to_the_last_bit_or_one_ulp():
    x = np.concatenate([_sample(-745.0, 709.7, 500_000, 5), _sample(-20.0, 0.0, 500_000, 6)])
    y = _exp_many(x)
    ref = np.exp(x)
    ulps = np.abs(y - ref) / np.spacing(ref)
    assert ulps.max() <= 1.0
    assert np.mean(y != ref) < 0.01  # both round nearly always the same way


def test_exp_special_values():
    x = np.array(
        [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, 709.78, 709.79, 1e308, -745.13, -745.14, -1e308]
    )
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(_exp_many(x), np.exp(x))
    assert math.isnan(_exp_many(np.array([np.nan]))[0])
    assert _exp_many(np.array([1.0]))[0] == math.e


@jit
def _scale_ratio_error(x):
    worst = 0.0
    for v in x:
        worst = max(worst, abs(exp(v) / exp_scale(v) - 1.0))
    return worst


def test_exp_scale_brackets_exp():
    g = np.random.default_rng(7)
    x = np.concatenate([g.uniform(-708.0, 708.0, 200_000), g.uniform(-1.0, 1.0, 200_000)])
    # the reduced argument's extremes: x * N / ln 2 halfway between integers
    x = np.concatenate([x, (np.arange(-2000, 2000) + 0.5) * math.log(2) / 128, [0.0, -708.0]])
    worst = _scale_ratio_error(x)
    assert worst <= EXP_SCALE_ERROR
    assert worst > 0.9 * math.expm1(math.log(2) / 256)  # the bound is tight, not vacuous
