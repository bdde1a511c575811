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
