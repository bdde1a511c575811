"""Action-value estimates shared by the value-based agents (Sutton & Barto 2.4-2.5)."""

from __future__ import annotations

from fastrl._jit import ijit
from fastrl.validation import check_real


def check_alpha(alpha) -> float:
    """A constant step size in (0, 1], or 0.0 for ``None`` (sample averages)."""
    if alpha is None:
        return 0.0
    return check_real("alpha", alpha, low=0.0, high=1.0, low_open=True)


@ijit
def update_value(q, n, j, a, r, alpha):
    """``Q(a) += step (r - Q(a))``: ``step = alpha``, or ``1 / N(a)`` for ``alpha = 0``."""
    q[j, a] += (alpha if alpha > 0.0 else 1.0 / n[j, a]) * (r - q[j, a])


@ijit
def update_moments(q, n, m2, v, j, a, r):
    """Welford's update of arm ``a``'s count, mean and variance after reward ``r``.

    ``d = r - q; q += d / n; m2 += d * (r - q); v = m2 / n`` (the population
    variance), in this order: UCB-V and UCB1-tuned document it.
    """
    n[j, a] += 1.0
    count = n[j, a]
    d = r - q[j, a]
    q[j, a] += d / count
    m2[j, a] += d * (r - q[j, a])
    v[j, a] = m2[j, a] / count
