"""Addressed random numbers: every draw is a pure function of (key, counter).

A *key* is a ``uint64`` that names one independent stream (one run of one
stream kind); a *counter* is a ``uint64`` address inside it, usually built from
``(step, slot)`` by :func:`counter`. Because a draw depends only on its address,
run ``i`` gives the same numbers whatever the batch size, thread count or
chunking, and adding a draw in one place never shifts any other.

The building block is SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference
``splitmix64.c``): its finaliser :func:`mix64` is a bijection of ``uint64``
with excellent avalanche, and SplitMix64's ``c``-th output is
``mix64((c + 1) * GOLDEN)``. A draw applies the finaliser once to the key
XOR-ed with that Weyl state:

    random_u64(key, counter) = mix64(key ^ ((counter + 1) * GOLDEN))

For ``key = 0`` this is SplitMix64 itself. Combining key and counter with XOR
rather than addition matters: with ``key + (counter + 1) * GOLDEN`` two runs
whose keys differ by a multiple of GOLDEN would draw the same numbers shifted
by a few steps; with XOR two streams can only meet at isolated addresses, like
any two 64-bit random numbers. Run keys are themselves hashes, so streams of
different runs share no structure. One finaliser per draw (four multiplies in
the previous two-finaliser form, two now) made the bandit and tabular kernels
about a third faster, measured.

Every function here is a scalar ``@jit`` function on ``uint64`` with no
allocation, so numba kernels (and later numba-cuda kernels) call them
unchanged. Never mix signed integers into this arithmetic: numba promotes
``int64 op uint64`` to ``float64``.

Per-run keys come from :class:`numpy.random.SeedSequence`: ``stream_roots(seed)``
gives one root key per stream kind, and ``run_key(root, i)`` the key of run
``i``, which depends only on ``seed``, the stream kind and ``i``.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal, localcontext

import numpy as np

from fastrl._jit import ijit, jit
from fastrl._math import _as_bits, _as_float
from fastrl._math import exp as _exp

__all__ = [
    "GOLDEN",
    "SLOTS",
    "NUM_STREAMS",
    "STREAM_PROBLEM",
    "STREAM_ENV",
    "STREAM_AGENT",
    "STREAM_EXTRA",
    "mix64",
    "splitmix64_next",
    "address_hash",
    "random_u64",
    "counter",
    "run_key",
    "uniform",
    "below",
    "uniform_open",
    "randint",
    "normal",
    "gamma",
    "beta",
    "normal_try",
    "gamma_constants",
    "gamma_try",
    "gamma_mt",
    "beta_mt",
    "exponential",
    "poisson",
    "POISSON_PTRS_MIN",
    "stream_roots",
    "check_seed",
]

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_ONE = np.uint64(1)
_LOW32 = np.uint64(0xFFFFFFFF)
_TWO32 = np.uint64(1 << 32)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53
_TWO53 = 9007199254740992.0  # 2**53
# Distinct constants that separate the sub-streams of one address.
_SUB_INT = np.uint64(0xD1B54A32D192ED03)
_SUB_NORMAL = np.uint64(0xA0761D6478BD642F)
_SUB_GAMMA = np.uint64(0xE7037ED1A0B428DB)
_SUB_BETA_X = np.uint64(0x8EBC6AF09C88C6E3)
_SUB_BETA_Y = np.uint64(0x589965CC75374CC3)
_SUB_MT = np.uint64(0xF1357AEA2E62A9C5)
_SUB_POISSON = np.uint64(0xC2B2AE3D27D4EB4F)

#: Draws addressed inside one step: ``counter(step, slot)`` with ``0 <= slot < SLOTS``.
SLOTS = np.uint64(16)

#: Stream kinds: the problem instance (arm means, map), the environment's
#: randomness (rewards, transitions), the agent's randomness, and a spare.
STREAM_PROBLEM = 0
STREAM_ENV = 1
STREAM_AGENT = 2
STREAM_EXTRA = 3
NUM_STREAMS = 4


@jit
def mix64(z):
    """SplitMix64 finaliser: a bijection of uint64 with full avalanche."""
    # np.uint64 is free on uint64 and makes a Python int from a previous call
    # safe: numba would type it int64 and promote the arithmetic to float64.
    z = np.uint64(z)
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@jit
def splitmix64_next(state):
    """One step of the reference SplitMix64 generator: ``(new_state, output)``."""
    state = np.uint64(state) + GOLDEN
    return state, mix64(state)


@jit
def address_hash(c):
    """``mix64((c + 1) * GOLDEN)``: the ``c``-th output of SplitMix64 seeded with 0."""
    return mix64((np.uint64(c) + _ONE) * GOLDEN)


@jit
def random_u64(key, c):
    """The uint64 at address ``c`` of stream ``key``: ``mix64(key ^ ((c + 1) * GOLDEN))``."""
    return mix64(np.uint64(key) ^ ((np.uint64(c) + _ONE) * GOLDEN))


@jit
def counter(step, slot):
    """Address of draw ``slot`` (``0 <= slot < SLOTS``) of step ``step`` (both >= 0)."""
    return np.uint64(step) * SLOTS + np.uint64(slot)


@jit
def run_key(root, i):
    """Key of run ``i`` (``i >= 0``) in the stream kind whose root key is ``root``."""
    return random_u64(root, np.uint64(i))


@jit
def _to_unit(x):
    return np.float64(x >> _S11) * _INV53


@jit
def uniform(key, c):
    """A float64 in [0, 1) with 53 random bits."""
    return _to_unit(random_u64(key, c))


@jit
def below(key, c, p):
    """``uniform(key, c) < p``, decided on the integer draw: the same boolean, bit for bit.

    With ``m = draw >> 11`` (so ``uniform = m * 2**-53`` exactly), ``u < p``
    holds exactly when ``m < ceil(p * 2**53)``; for a ``p`` that does not
    change between calls the threshold is computed once, out of the loop, and
    each call skips the int-to-float conversion and the multiplication.
    Measured: epsilon-greedy on two arms 10% faster per step.
    """
    if not p > 0.0:  # also NaN
        return False
    if p >= 1.0:
        return True
    return (random_u64(key, c) >> _S11) < np.uint64(math.ceil(p * _TWO53))


@jit
def uniform_open(key, c):
    """A float64 in (0, 1): safe to take the logarithm of."""
    return (np.float64(random_u64(key, c) >> _S11) + 0.5) * _INV53


@jit
def _lemire32(x, n):
    # Lemire (2019), "Fast random integer generation in an interval", 32-bit form.
    m = (x >> _S32) * n
    return m >> _S32, m & _LOW32


@jit
def randint(key, c, n):
    """An unbiased integer in [0, n) for ``1 <= n < 2**32``, returned as int64.

    Lemire's multiply-and-reject on the top 32 bits of the draw; a rejection
    (probability below ``n / 2**32``) re-draws from a sub-stream of the same
    address, so the result is still a pure function of ``(key, c)``.
    """
    nn = np.uint64(n)
    out, low = _lemire32(random_u64(key, c), nn)
    if low < nn:
        threshold = (_TWO32 - nn) % nn
        sub = mix64(random_u64(key, c) ^ _SUB_INT)
        j = np.uint64(0)
        while low < threshold:
            out, low = _lemire32(random_u64(sub, j), nn)
            j += _ONE
    return np.int64(out)


def _correctly_rounded(f, x: float) -> float:
    # f(x) to 40 digits, then rounded to the nearest double. libm and numpy
    # round elementary functions differently from machine to machine (numpy's
    # AVX-512 exp differs from glibc's in the last bit for 4.5% of arguments), and
    # one table entry a bit off changes a few normal draws: the tables must be
    # the same on every CPU.
    with localcontext() as ctx:
        ctx.prec = 40
        return float(f(Decimal(x)))


# The ziggurat's common box area for R below, as the float formula
# R exp(-R^2/2) + sqrt(pi/2) erfc(R/sqrt 2) evaluates (3 ulp above the exact value;
# the layers are defined by this number). Spelled out because erfc is libm's.
_ZIG_V = 0.004928673233974658


def _ziggurat_tables(n: int = 256, r: float = 3.6541528853610088, v: float = _ZIG_V):
    # Marsaglia & Tsang (2000) layers for the unnormalised density exp(-x^2 / 2):
    # box i covers x in [0, X[i]], heights F[i] .. F[i + 1]; every box has area v
    # (box 0 is the base strip with the tail). r is the usual 256-layer value; the
    # top box closes to 1.4e-13 relative. Each exp and log is correctly rounded
    # and the rest is IEEE arithmetic, so the tables are the same on every machine.
    def exp(t):
        return _correctly_rounded(Decimal.exp, t)

    def log(t):
        return _correctly_rounded(Decimal.ln, t)

    x = np.zeros(n + 1)
    x[0], x[1] = v / exp(-0.5 * r * r), r
    for i in range(1, n - 1):
        x[i + 1] = math.sqrt(-2.0 * log(exp(-0.5 * x[i] * x[i]) + v / x[i]))
    return x, np.array([exp(-0.5 * t * t) for t in x])


_ZIG_X, _ZIG_F = _ziggurat_tables()
_ZIG_R = 3.6541528853610088
_B8 = np.uint64(8)
_MASK8 = np.uint64(0xFF)


@jit
def _normal_slow(r, i, x, sign):
    # The ~1% of draws outside the inner rectangle: resolve with a sub-stream of
    # the same address, retrying the whole ziggurat step on rejection.
    sub = mix64(r ^ _SUB_NORMAL)
    j = np.uint64(0)
    while True:
        if i == 0:  # tail beyond R (Marsaglia 1964)
            a = -math.log(uniform_open(sub, j)) / _ZIG_R
            b = -math.log(uniform_open(sub, j + _ONE))
            j += np.uint64(2)
            if b + b > a * a:
                return sign * (_ZIG_R + a)
        else:
            y = _ZIG_F[i] + uniform(sub, j) * (_ZIG_F[i + 1] - _ZIG_F[i])
            j += _ONE
            if y < math.exp(-0.5 * x * x):
                return sign * x
        r = random_u64(sub, j)
        j += _ONE
        i = np.int64(r & _MASK8)
        sign = -1.0 if (r >> _B8) & _ONE else 1.0
        x = _to_unit(r) * _ZIG_X[i]
        if x < _ZIG_X[i + 1]:
            return sign * x


@jit
def normal(key, c):
    """A standard normal float64 (256-layer ziggurat; 99% of draws cost one uint64).

    Bits 0-7 of the draw choose the layer, bit 8 the sign and bits 11-63 the
    abscissa; the rare rejections draw from a sub-stream of the same address.
    """
    r = random_u64(key, c)
    i = np.int64(r & _MASK8)
    sign = -1.0 if (r >> _B8) & _ONE else 1.0
    x = _to_unit(r) * _ZIG_X[i]
    if x < _ZIG_X[i + 1]:
        return sign * x
    return _normal_slow(r, i, x, sign)


@jit
def _gamma_stream(sub, shape):
    # Marsaglia & Tsang (2000) for shape >= 1; Stuart's boost U**(1/shape) below 1.
    # Draw j of the rejection loop comes from address j of the sub-stream.
    boost = 1.0
    a = shape
    j = np.uint64(0)
    if shape < 1.0:
        boost = uniform_open(sub, j) ** (1.0 / shape)
        j += _ONE
        a = shape + 1.0
    d = a - 1.0 / 3.0
    cc = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(sub, j)
        u = uniform_open(sub, j + _ONE)
        j += np.uint64(2)
        v = 1.0 + cc * x
        if v <= 0.0:
            continue
        v = v * v * v
        if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v * boost


@jit
def gamma(key, c, shape):
    """A Gamma(shape, 1) float64 for ``shape > 0``."""
    return _gamma_stream(mix64(random_u64(key, c) ^ _SUB_GAMMA), shape)


@jit
def beta(key, c, a, b):
    """A Beta(a, b) float64 for ``a, b > 0``, as X / (X + Y) of two gamma draws."""
    base = random_u64(key, c)
    x = _gamma_stream(mix64(base ^ _SUB_BETA_X), a)
    y = _gamma_stream(mix64(base ^ _SUB_BETA_Y), b)
    return x / (x + y)


# --- Gamma and Beta with precomputed constants (the samplers of Thompson sampling) ---------
#
# gamma/beta above derive a sub-key per draw and recompute the Marsaglia-Tsang constants
# on every call. The samplers below are the same algorithm (Marsaglia & Tsang 2000) laid
# out for a posterior sampler's inner loop:
# * the constants d, c of a shape are computed once, where the shape changes
#   (gamma_constants);
# * the first try of a draw reads two uint64 at fixed counters of the caller's stream
#   (no sub-key per draw; retries use one);
# * a tighter squeeze (_squeeze) accepts nearly every acceptable try without a logarithm,
#   so that a loop over arms (gamma_try) is branch-free and compiles to vector code. M-T's
#   own squeeze u < 1 - 0.0331 x^4 fails for 10% of the tries at any shape (measured);
#   this one for 8% at shape 1, 2.2% at 5, 1.5% (the ziggurat's share) for large shapes.
#   Only those take the scalar path, which gives the same bits.
# * the logarithms of the log test are _log's, plain IEEE arithmetic: the same bits on
#   every machine, unlike libm's.
# Both draws of a try are full 64-bit hashes: one hash split into a normal and a uniform
# would leave the ziggurat or the acceptance test with fewer than 32 bits, a distribution
# exact to 2^-32 rather than 2^-53.

_LN2_HI = 6.93147180369123816490e-01  # fdlibm's split of ln 2
_LN2_LO = 1.90821492927058770002e-10
_LG1 = 6.666666666666735130e-01  # fdlibm's minimax coefficients of log(1 + f)
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
_SQRT_HALF_BITS = np.int64(0x3FE6A09E667F3BCD)
_MANT52 = np.int64(0x000FFFFFFFFFFFFF)
_TINY = 2.0**-1000  # tries with (1 + c x)^3 below it are rejected (acceptance < e^-460)


@ijit
def _log(x):
    # The natural log of a positive normal float64, branch-free (fdlibm's e_log.c
    # algorithm, Sun 1993: x = 2^k m with m in [sqrt(1/2), sqrt(2)), f = m - 1,
    # s = f / (2 + f), log(1 + f) = f - s (f - R(s^2)) with R minimax; error below 1 ulp).
    # Only IEEE-754 operations, so the same bits on every machine and in vector code.
    ix = np.int64(_as_bits(x)) - _SQRT_HALF_BITS
    k = ix >> np.int64(52)
    f = _as_float(np.uint64((ix & _MANT52) + _SQRT_HALF_BITS)) - 1.0
    dk = np.float64(k)
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    r = w * (_LG2 + w * (_LG4 + w * _LG6)) + z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    hfsq = 0.5 * f * f
    return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)


@ijit
def normal_try(r):
    """The ziggurat's first try on the uint64 ``r``: ``(x, ok)``; when ``ok``, ``x`` is
    ``normal``'s value for a draw ``r`` (98.5% of draws). Branch-free."""
    i = np.int64(r & _MASK8)
    sign = 1.0 - 2.0 * np.float64((r >> _B8) & _ONE)
    x = _to_unit(r) * _ZIG_X[i]
    return sign * x, x < _ZIG_X[i + 1]


@jit
def gamma_constants(shape):
    """Marsaglia-Tsang's ``(d, c)`` for ``shape > 0``: ``d = s - 1/3``, ``c = 1 / sqrt(9 d)``
    with ``s = shape`` (``shape >= 1``) or ``shape + 1`` (below 1, boosted)."""
    s = shape if shape >= 1.0 else shape + 1.0
    d = s - 1.0 / 3.0
    return d, 1.0 / math.sqrt(9.0 * d)


@ijit
def _squeeze(x, u, d, c):
    # (v, accepted by the squeeze?) for a Marsaglia-Tsang try, branch-free and log-free.
    # With y = c x, the log test's right side is h = d g(y), g(y) = 3 (log(1 + y) - y +
    # y^2/2 - y^3/3), and log(1 + y) >= y - y^2/2 + y^3/3 - y^4/4 - max(-y, 0)^5 / (5 (1 + y))
    # for y > -1 (Taylor's remainder), so h >= H = -3 d (y^4/4 + max(-y, 0)^5 / (5 (1 + y)))
    # and exp(h) >= 1 + H: u < 1 + H accepts only what the log test accepts. Multiplied
    # through by 1 + y > 0, no division. It fails for about 1/(36 d) of the tries, near the
    # rejection rate itself; M-T's own squeeze u < 1 - 0.0331 x^4 fails for 10% at any d.
    y = c * x
    v1 = 1.0 + y
    y2 = y * y
    dy4 = d * (y2 * y2)
    m = max(-y, 0.0)
    return v1 * v1 * v1, (v1 > 0.0) & ((1.0 - u - 0.75 * dy4) * v1 > 0.6 * dy4 * m)


@ijit
def gamma_try(rn, ru, d, c):
    """The squeeze of a Marsaglia-Tsang try on the uint64 draws ``rn`` (the normal) and
    ``ru`` (the uniform): ``(g, ok)``, branch-free and without logarithms.

    ``ok`` means the normal's first ziggurat try holds and the squeeze accepts
    (92% of tries at shape 1, 98.5% for large shapes); then ``g`` is :func:`gamma_mt`'s value for a
    shape >= 1 whose first try reads ``rn``, ``ru``. Otherwise ``g`` is meaningless and
    :func:`gamma_mt` decides.
    """
    x, ok = normal_try(rn)
    u = (np.float64(ru >> _S11) + 0.5) * _INV53
    v, accept = _squeeze(x, u, d, c)
    return d * v, ok & accept & (v > _TINY)


@jit
def _gamma_accept(x, u, d, c):
    # One Marsaglia-Tsang try: d v if accepted, else -1. Accepted: v = (1 + c x)^3 > _TINY
    # and (the squeeze or log u < x^2/2 + d (1 - v + log v)); the log test decides.
    v, squeeze = _squeeze(x, u, d, c)
    if not v > _TINY:
        return -1.0
    if squeeze:
        return d * v
    if _log(u) < 0.5 * (x * x) + d * (1.0 - v + _log(v)):
        return d * v
    return -1.0


@jit
def gamma_mt(key, c, shape, d, cc):
    """A Gamma(shape, 1) float64 from counters ``c`` and ``c + 1`` of stream ``key``.

    ``shape > 0`` and ``(d, cc) = gamma_constants(shape)``. The first try is
    ``normal(key, c)``, ``uniform_open(key, c + 1)``; rejected tries continue on the
    sub-key ``mix64(random_u64(key, c + 1) ^ K)`` (try ``j >= 1`` at its counters
    ``2j - 1``, ``2j``), and a shape below 1 is boosted: Gamma(shape + 1) times
    ``U^(1/shape)``, ``U`` at counter 0 of that sub-key (Stuart 1962). ``c < 2**64 - 1``.

    A try with ``x`` normal and ``u`` uniform is accepted when ``v = (1 + cc x)^3``
    exceeds ``2**-1000`` and (a log-free squeeze or) ``log u < x^2/2 + d (1 - v +
    log v)``, and gives ``d v``.
    """
    g = _gamma_accept(normal(key, c), uniform_open(key, c + _ONE), d, cc)
    if g >= 0.0 and shape >= 1.0:
        return g
    return _gamma_mt_rest(key, c, shape, d, cc, g)


@jit
def _gamma_mt_rest(key, c, shape, d, cc, g):
    sub = mix64(random_u64(key, c + _ONE) ^ _SUB_MT)
    j = _ONE
    while not g >= 0.0:
        g = _gamma_accept(normal(sub, j), uniform_open(sub, j + _ONE), d, cc)
        j += np.uint64(2)
    if shape < 1.0:  # U^(1/shape) from fastrl's exp and log: the same bits everywhere
        g *= _exp(_log(uniform_open(sub, np.uint64(0))) / shape)
    return g


@jit
def beta_mt(key, c, a, b, dx, cx, dy, cy):
    """A Beta(a, b) float64 ``X / (X + Y)`` from counters ``4c .. 4c + 3`` of ``key``.

    ``X = gamma_mt(key, 4c, a, dx, cx)``, ``Y = gamma_mt(key, 4c + 2, b, dy, cy)``,
    with ``(dx, cx) = gamma_constants(a)`` and ``(dy, cy) = gamma_constants(b)``;
    ``c < 2**62``.
    """
    c4 = np.uint64(c) * np.uint64(4)
    x = gamma_mt(key, c4, a, dx, cx)
    y = gamma_mt(key, c4 + np.uint64(2), b, dy, cy)
    return x / (x + y)


@jit
def exponential(key, c):
    """A standard exponential float64 (mean 1): ``-log(U)`` of ``U = uniform_open(key, c)``.

    Inversion: one draw, no rejection, so the result is a monotone function of
    the uniform at the address (larger means pay larger rewards at the same
    address: common random numbers across arms and agents).
    """
    return -math.log(uniform_open(key, c))


#: means from which :func:`poisson` uses Hormann's PTRS instead of inversion
POISSON_PTRS_MIN = 10.0


@jit
def _poisson_ptrs(sub, lam):
    # Hormann (1993), "The transformed rejection method for generating Poisson
    # random variables", algorithm PTRS (the constants of the paper's table 1;
    # numpy's random_poisson_ptrs is the same algorithm). Draws 2j and 2j + 1 of
    # the sub-stream are the j-th trial's U and V; both open so that us > 0 and
    # log(v) is finite. Most trials end at the cheap squeeze test (us, vr).
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    log_inv_alpha = math.log(1.1239 + 1.1328 / (b - 3.4))
    vr = 0.9277 - 3.6224 / (b - 2.0)
    j = np.uint64(0)
    while True:
        u = uniform_open(sub, j) - 0.5
        v = uniform_open(sub, j + _ONE)
        j += np.uint64(2)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return np.int64(k)
        if k < 0.0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + log_inv_alpha - math.log(a / (us * us) + b) <= (
            -lam + k * loglam - math.lgamma(k + 1.0)
        ):
            return np.int64(k)


@jit
def poisson(key, c, lam):
    """A Poisson(``lam``) count as int64, for ``lam >= 0`` (finite).

    Below :data:`POISSON_PTRS_MIN`: inversion of ``uniform(key, c)`` by
    sequential search (about ``lam + 1`` comparisons). From there on:
    Hormann's PTRS (1993), an exact transformed-rejection method whose
    uniforms come from the sub-stream ``mix64(random_u64(key, c) ^ SUB)`` of
    the same address (draws ``2j``, ``2j + 1`` for trial ``j``), so the count
    is still a pure function of ``(key, c)``.
    """
    if lam >= POISSON_PTRS_MIN:
        return _poisson_ptrs(mix64(random_u64(key, c) ^ _SUB_POISSON), lam)
    u = uniform(key, c)
    p = math.exp(-lam)
    f = p
    k = 0
    # p underflows to 0 long before k reaches 1000 for lam < 10, which ends the
    # search even if rounding leaves the summed CDF just below u.
    while u >= f and p > 0.0:
        k += 1
        p *= lam / k
        f += p
    return np.int64(k)


def check_seed(seed) -> int:
    """Validate a user seed: a non-negative Python or numpy integer."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return int(seed)


def stream_roots(seed: int) -> np.ndarray:
    """Root keys of the ``NUM_STREAMS`` stream kinds for ``seed``.

    Returns
    -------
    numpy.ndarray
        ``uint64`` array of shape ``(NUM_STREAMS,)`` from
        ``SeedSequence(seed).generate_state``; pass ``roots[STREAM_...]`` to a
        kernel, which derives run ``i``'s key with :func:`run_key`.
    """
    seed = check_seed(seed)
    return np.random.SeedSequence(seed).generate_state(NUM_STREAMS, dtype=np.uint64)
