"""The speed variants of fastrl.policies choose what the plain selectors choose, bit for bit."""

from __future__ import annotations

import numpy as np

from fastrl import policies
from fastrl._jit import jit

KEY = np.uint64(0x5EED)


@jit
def _both(q, key, steps):
    # Row r of q at step s: both argmaxes and both untried-arm picks.
    out = np.empty((q.shape[0], steps, 4), dtype=np.int64)
    for r in range(q.shape[0]):
        untried = 0
        for a in range(q.shape[1]):
            if q[r, a] == 0.0:
                untried += 1
        for s in range(steps):
            out[r, s, 0] = policies.argmax_random(q, r, key, s)
            out[r, s, 1] = policies.argmax_random_branchless(q, r, key, s)
            if untried > 0:
                out[r, s, 2] = policies.ucb(q, q, r, 1, 1.0, key, s)
                out[r, s, 3] = policies.pick_untried(q, r, untried, key, s)
            else:
                out[r, s, 2] = out[r, s, 3] = 0
    return out


def _rows():
    gen = np.random.default_rng(7)
    # Few distinct values (ties of 2 .. k entries), signed zeros, infinities and NaNs.
    pool = np.array([0.0, -0.0, 1.0, 0.5, -2.0, np.inf, -np.inf, np.nan, 3.0, 1.0])
    rows = [gen.choice(pool, size=k) for k in (1, 2, 3, 5, 10, 17) for _ in range(80)]
    return rows + [gen.random(10) for _ in range(50)]


def test_branchless_argmax_and_pick_untried_agree_with_the_plain_selectors():
    rows = _rows()
    for k in sorted({r.size for r in rows}):  # one table per row length
        q = np.array([r for r in rows if r.size == k])
        out = _both(q, KEY, 12)
        np.testing.assert_array_equal(out[..., 1], out[..., 0])
        np.testing.assert_array_equal(out[..., 3], out[..., 2])
