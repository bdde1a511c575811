"""The KL-UCB index of each arm family: ``max{q >= p : kl(p, q) <= d}``, compiled.

``p`` is an arm's empirical mean and ``d = f / n`` its exploration level
(Garivier & Cappé 2011); ``kl`` is the family's divergence of
:mod:`fastrl.bandits.divergences`. Each solver returns ``q`` within
``[root, root + tol]`` (as far as the rounding of ``kl`` allows; ``tol`` is
absolute on ``q``), found the same way in a coordinate where the divergence
is convex and increasing:

* Bernoulli (and rewards in [0, 1]): the logit ``z`` of ``q``, where
  ``kl(p, sigmoid(z)) = log(1 + e^z) - p z + p log p + (1-p) log(1-p)``
  (asymptotically linear);
* Poisson: ``q`` itself (``kl`` is convex in ``q`` and asymptotically linear);
* exponential: ``theta = log(q / p)``, where ``kl = e^-theta - 1 + theta``;
* Gaussian: the closed form ``p + sqrt(2 sigma2 d)``.

Convexity makes every point evaluated below the root give an upper bound
for free, its Newton point; Halley's steps (the second derivative costs
nothing more) move the bracket's ends, a step outside the bracket bisects,
a tiny step from above probes ``0.75 tol`` below, and the iteration stops
when the bracket is at most ``tol`` wide, returning its upper end. The
result is a pure function of ``(p, d)``: no warm start from an earlier step,
so an index computed lazily and one computed at every step agree bit for bit.
"""

from __future__ import annotations

import math

from fastrl._jit import jit
from fastrl._special import sigmoid_parts

__all__ = ["kl_ucb_bernoulli", "kl_ucb_poisson", "kl_ucb_exponential", "kl_ucb_gaussian"]

#: absolute tolerance of every KL-UCB and Bayes-UCB index on its value
TOL = 1e-9
_MAXIT = 200


@jit
def kl_ucb_bernoulli(p, d, tol):
    """``max{q in [p, 1] : kl_bernoulli(p, q) <= d}`` for ``p`` in [0, 1], ``d >= 0``."""
    if not d > 0.0:
        return p
    if p >= 1.0:
        return 1.0
    if p <= 0.0:
        return -math.expm1(-d)  # kl(0, q) = -log(1 - q)
    lp = math.log(p)
    l1p = math.log1p(-p)
    c0 = p * lp + (1.0 - p) * l1p
    z_lo, q_lo = lp - l1p, p  # kl = 0 < d at q = p
    z_hi = (d - c0) / (1.0 - p)  # softplus(z) >= z: kl >= (1 - p) z + c0
    q_hi = sigmoid_parts(z_hi)[0]
    z = min(z_lo + math.sqrt(2.0 * d / (p * (1.0 - p))), z_hi)  # quadratic approximation
    for _ in range(_MAXIT):
        q, q1, lq, l1q = sigmoid_parts(z)
        g = -l1q - p * z + c0 - d  # softplus(z) = -log(1 - q)
        g1 = q - p
        if g > 0.0:
            z_hi, q_hi = z, q
        else:
            z_lo, q_lo = z, q
            if g1 > 0.0:
                z_newton = z - g / g1
                if z_newton < z_hi and (z_newton - z) * q * q1 <= 0.5 * tol:
                    z_hi, q_hi = z_newton, sigmoid_parts(z_newton)[0]
        if q_hi - q_lo <= tol:
            return q_hi
        z_new = z - 2.0 * g * g1 / (2.0 * g1 * g1 - g * q * q1)
        if not (z_lo < z_new < z_hi):
            z_new = 0.5 * (z_lo + z_hi)
        elif g > 0.0 and (z - z_new) * q * q1 < 0.5 * tol:
            probe = q_hi - 0.75 * tol
            z_new = math.log(probe) - math.log1p(-probe)
        z = z_new
    return q_hi


@jit
def kl_ucb_poisson(p, d, tol):
    """``max{q >= p : kl_poisson(p, q) <= d}`` for ``p >= 0``, ``d >= 0``."""
    if not d > 0.0:
        return p
    if p <= 0.0:
        return d  # kl(0, q) = q
    q_lo = p
    q_hi = p + d + math.sqrt(d * (2.0 * p + d))  # kl(p, q) >= (q - p)^2 / (2 q)
    q = p + math.sqrt(2.0 * p * d)  # below the root: kl(p, q) <= (q - p)^2 / (2 p)
    for _ in range(_MAXIT):
        r = p / q
        g = q - p - p * math.log(q / p) - d
        g1 = 1.0 - r
        if g > 0.0:
            q_hi = q
        else:
            q_lo = q
            if g1 > 0.0:
                q_newton = q - g / g1
                if q_newton < q_hi and q_newton - q <= 0.5 * tol:
                    q_hi = q_newton
        if q_hi - q_lo <= tol:
            return q_hi
        q_new = q - 2.0 * g * g1 / (2.0 * g1 * g1 - g * r / q)
        if not (q_lo < q_new < q_hi):
            q_new = 0.5 * (q_lo + q_hi)
        elif g > 0.0 and q - q_new < 0.5 * tol:
            q_new = q_hi - 0.75 * tol
        q = q_new
    return q_hi


@jit
def kl_ucb_exponential(p, d, tol):
    """``max{q >= p : kl_exponential(p, q) <= d}`` for ``p > 0``, ``d >= 0``."""
    if not d > 0.0:
        return p
    p = max(p, 1e-15)
    t_lo, q_lo = 0.0, p
    t_hi = d + 1.0  # kl >= theta - 1
    q_hi = p * math.exp(t_hi)
    theta = math.sqrt(2.0 * d)  # below the root: kl <= theta^2 / 2
    for _ in range(_MAXIT):
        em = math.expm1(-theta)
        g = em + theta - d
        g1 = -em
        q = p * math.exp(theta)
        if g > 0.0:
            t_hi, q_hi = theta, q
        else:
            t_lo, q_lo = theta, q
            if g1 > 0.0:
                t_newton = theta - g / g1
                if t_newton < t_hi and (t_newton - theta) * q <= 0.5 * tol:
                    t_hi, q_hi = t_newton, p * math.exp(t_newton)
        if q_hi - q_lo <= tol:
            return q_hi
        t_new = theta - 2.0 * g * g1 / (2.0 * g1 * g1 - g * (1.0 + em))
        if not (t_lo < t_new < t_hi):
            t_new = 0.5 * (t_lo + t_hi)
        elif g > 0.0 and (theta - t_new) * q < 0.5 * tol:
            t_new = math.log((q_hi - 0.75 * tol) / p)
        theta = t_new
    return q_hi


@jit
def kl_ucb_gaussian(p, d, sigma2):
    """``p + sqrt(2 sigma2 d)``: the index for Gaussian arms of known variance ``sigma2``."""
    return p + math.sqrt(2.0 * sigma2 * max(d, 0.0))
