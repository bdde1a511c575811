"""Streaming per-step mean and variance, merged across blocks in a fixed order.

Kernels process runs in fixed-size blocks. Inside block ``b`` runs are taken one
after another and each run adds its value at step ``t`` to the block's running
mean and sum of squared deviations (Welford 1962). Because every run of a block
reaches every step, the count after ``j`` runs is ``j`` at all steps, so a
kernel passes ``inv_n = 1 / j`` once per run and the update needs no division.

Kernels that advance a block's runs in lockstep instead collect the block's
values at one step in a buffer and use :func:`block_moments` (two passes).

Blocks are merged afterwards with Chan, Golub & LeVeque's pairwise formula in
block order, never in the order threads finish, so the result does not depend
on the thread count. A learning curve of ``M`` metrics costs
``O(M x blocks x steps)`` memory, never ``O(runs x steps)``; the public layers
merge chunk by chunk, so only one chunk of blocks is alive at a time.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import ijit, jit

__all__ = [
    "welford_add",
    "counts_to_moments",
    "block_moments",
    "merge_block",
    "merge_blocks",
    "Accumulator",
]


@ijit
def welford_add(mean, m2, t, x, inv_n):
    """Add value ``x`` at step ``t`` to a block's row; ``inv_n`` is 1 / (runs so far)."""
    delta = x - mean[t]
    mean[t] += delta * inv_n
    m2[t] += delta * (x - mean[t])


@ijit
def counts_to_moments(mean, m2, n):
    """Turn a block's row of counts of a 0/1 metric into its mean and M2, in place.

    A kernel may count a metric that only takes the values 0 and 1 (an
    indicator, a Bernoulli reward) into ``mean[t]`` over the block's ``n``
    runs instead of calling :func:`welford_add`; then ``mean = c / n`` and
    ``M2 = sum (x - mean)**2 = c (n - c) / n`` exactly, from integers.
    """
    for t in range(mean.shape[0]):
        c = mean[t]
        mean[t] = c / n
        m2[t] = c * (n - c) / n


@jit
def block_moments(x, m, n):
    """Two-pass mean and sum of squared deviations of ``x[m, :n]``: ``(mean, m2)``.

    For kernels that advance a block's runs in lockstep and hold the block's
    values of one step in a small buffer: exact within the block, and the
    additions form short independent chains instead of one long Welford chain.
    """
    total = 0.0
    for j in range(n):
        total += x[m, j]
    mean = total / n
    m2 = 0.0
    for j in range(n):
        d = x[m, j] - mean
        m2 += d * d
    return mean, m2


@jit
def merge_block(acc_n, acc_mean, acc_m2, n_b, mean_b, m2_b):
    """Merge one block (``n_b`` runs; rows ``mean_b``, ``m2_b``) into the accumulator.

    ``acc_n`` is the accumulator's run count before the merge; returns the new
    count. Rows are merged elementwise over steps (Chan et al. 1979).
    """
    if n_b == 0:
        return acc_n
    n = acc_n + n_b
    w = n_b / n
    cross = acc_n * w
    for t in range(acc_mean.shape[0]):
        delta = mean_b[t] - acc_mean[t]
        acc_mean[t] += delta * w
        acc_m2[t] += m2_b[t] + delta * delta * cross
    return n


@jit
def merge_blocks(acc_n, acc_mean, acc_m2, block_n, block_mean, block_m2):
    """Merge blocks ``0, 1, ...`` of ``block_mean[M, B, T]`` into ``acc_*[M, T]`` in order."""
    for b in range(block_n.shape[0]):
        n_new = acc_n
        for m in range(acc_mean.shape[0]):
            n_new = merge_block(
                acc_n, acc_mean[m], acc_m2[m], block_n[b], block_mean[m, b], block_m2[m, b]
            )
        acc_n = n_new
    return acc_n


class Accumulator:
    """Running (count, mean, M2) of ``num_metrics`` curves of length ``num_steps``.

    The public layers call a kernel chunk by chunk and :meth:`add_blocks` each
    chunk's block statistics in block order; :meth:`mean` and :meth:`sem` give
    the curves over all runs so far.
    """

    def __init__(self, num_metrics: int, num_steps: int):
        self.n = 0
        self.mean_ = np.zeros((num_metrics, num_steps))
        self.m2 = np.zeros((num_metrics, num_steps))

    def add_blocks(self, block_n: np.ndarray, block_mean: np.ndarray, block_m2: np.ndarray) -> None:
        """Merge blocks in order: ``block_n[B]``, ``block_mean``/``block_m2[M, B, T]``."""
        self.n = int(merge_blocks(self.n, self.mean_, self.m2, block_n, block_mean, block_m2))

    def mean(self) -> np.ndarray:
        """Per-step means, shape ``(M, T)``."""
        return self.mean_.copy()

    def sem(self) -> np.ndarray:
        """Per-step standard errors ``sqrt(s^2 / n)`` with the unbiased ``s^2``; NaN for n < 2."""
        if self.n < 2:
            return np.full_like(self.mean_, np.nan)
        var = np.maximum(self.m2, 0.0) / (self.n - 1)
        return np.sqrt(var / self.n)
