"""fastrl._math.exp against 40-digit decimal arithmetic and against libm."""

from __future__ import annotations

import math
import os
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


def _libm_exp(x: float) -> float:
    # glibc's exp through Python's math module, one element at a time. Never np.exp as a
    # last-bit reference: on AVX-512 CPUs numpy dispatches to its own SIMD exponential,
    # which differs from libm in the last bit for about 4.5% of arguments.
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def test_exp_agrees_with_libm_to_the_last_bit_or_one_ulp():
    x = np.concatenate([_sample(-745.0, 709.7, 500_000, 5), _sample(-20.0, 0.0, 500_000, 6)])
    y = _exp_many(x)
    ref = np.array([_libm_exp(v) for v in x.tolist()])
    ulps = np.abs(y - ref) / np.spacing(ref)
    assert ulps.max() <= 1.0
    assert np.mean(y != ref) < 0.01  # both round nearly always the same way


def test_exp_special_values():
    x = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, 709.78, 709.79, 1e308, -745.13, -745.14]
    x += [-1e308]
    expected = [1.0, 1.0, math.e, 1 / math.e, math.inf, 0.0, 1.79282279e308, math.inf, math.inf]
    expected += [5e-324, 0.0, 0.0]
    got = _exp_many(np.array(x))
    for a, b, e in zip(x, got, expected, strict=True):
        assert b == _libm_exp(a), a
        assert b == e or math.isclose(b, e, rel_tol=1e-8), a
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


def test_numpy_avx512_dispatch_is_off_when_ci_turns_it_off():
    # CI runs the numeric tests twice, the second time with numpy's AVX-512 paths
    # disabled; this proves that the second run really took the other path.
    requested = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split()
    if not requested:
        pytest.skip("numpy's CPU dispatch is as detected (first run)")
    from numpy._core._multiarray_umath import __cpu_features__

    assert not any(__cpu_features__.get(name, False) for name in requested), requested
    assert not __cpu_features__.get("AVX512_SKX", False)
