"""Kullback-Leibler divergences of the arm families, by their means.

``kl(p, q)`` is the divergence from the arm distribution with mean ``p`` to
the one with mean ``q`` in the same one-parameter family: what KL-UCB's index
(Garivier & Cappé 2011) and the Lai-Robbins lower bound (Lai & Robbins 1985)
are made of. All are compiled scalar functions, usable inside kernels and from
Python. Bounded rewards in [0, 1] (the Beta family) use the Bernoulli
divergence, as KL-UCB does for any rewards in [0, 1].
"""

from __future__ import annotations

import math

from fastrl._jit import ijit

__all__ = [
    "EPS",
    "divergence",
    "kl_bernoulli",
    "kl_exponential",
    "kl_gaussian",
    "kl_poisson",
]

#: means are clipped to [EPS, 1 - EPS] (Bernoulli) or [EPS, inf) (Poisson, exponential)
EPS = 1e-15


@ijit
def kl_bernoulli(p, q, sigma2):
    """``p log(p/q) + (1-p) log((1-p)/(1-q))``, means clipped to ``[EPS, 1 - EPS]``."""
    p = min(max(p, EPS), 1.0 - EPS)
    q = min(max(q, EPS), 1.0 - EPS)
    return p * math.log(p / q) + (1.0 - p) * math.log((1.0 - p) / (1.0 - q))


@ijit
def kl_gaussian(p, q, sigma2):
    """``(p - q)^2 / (2 sigma2)``: Gaussians with the known variance ``sigma2``."""
    d = p - q
    return d * d / (2.0 * sigma2)


@ijit
def kl_poisson(p, q, sigma2):
    """``q - p + p log(p/q)``, means clipped to ``[EPS, inf)``."""
    p = max(p, EPS)
    q = max(q, EPS)
    return q - p + p * math.log(p / q)


@ijit
def kl_exponential(p, q, sigma2):
    """``p/q - 1 - log(p/q)``: exponentials by their means, clipped to ``[EPS, inf)``."""
    p = max(p, EPS)
    q = max(q, EPS)
    x = p / q
    return x - 1.0 - math.log(x)


_BY_FAMILY = {
    "bernoulli": kl_bernoulli,
    "beta": kl_bernoulli,
    "gaussian": kl_gaussian,
    "poisson": kl_poisson,
    "exponential": kl_exponential,
}


def divergence(family: str):
    """The compiled ``kl(p, q, sigma2)`` of an arm family (``problem.family``).

    ``sigma2`` is the reward variance for Gaussian arms and ignored otherwise.

    Examples
    --------
    >>> round(divergence("bernoulli")(0.8, 0.9, 0.0), 6)
    0.044403
    """
    try:
        return _BY_FAMILY[family]
    except KeyError:
        raise ValueError(f"family must be one of {sorted(_BY_FAMILY)}, got {family!r}") from None
