"""Streaming per-step statistics: Welford per block, Chan merge in block order."""

from __future__ import annotations

import numpy as np
import pytest

from fastrl.stats import Accumulator, block_moments, counts_to_moments, merge_blocks, welford_add


def block_stats(x: np.ndarray, sizes: list[int]):
    """Per-block (n, mean, M2) of ``x[runs, metrics, steps]`` the way kernels build them."""
    num_runs, num_metrics, num_steps = x.shape
    assert sum(sizes) == num_runs
    nb = len(sizes)
    mean = np.zeros((num_metrics, nb, num_steps))
    m2 = np.zeros((num_metrics, nb, num_steps))
    lo = 0
    for b, size in enumerate(sizes):
        for j in range(size):
            inv_n = 1.0 / (j + 1)
            for m in range(num_metrics):
                for t in range(num_steps):
                    welford_add(mean[m, b], m2[m, b], t, float(x[lo + j, m, t]), inv_n)
        lo += size
    return np.array(sizes, dtype=np.int64), mean, m2


def data(num_runs=97, num_metrics=2, num_steps=4, seed=0):
    gen = np.random.default_rng(seed)
    x = gen.normal(size=(num_runs, num_metrics, num_steps))
    # Large offsets and scales test numerical stability (naive sums of squares lose it).
    return x * np.array([1.0, 1e-3])[:, None] + np.array([1e6, -3.0])[:, None]


@pytest.mark.parametrize(
    "sizes", [[97], [1] * 97, [64, 33], [7] * 13 + [6], [30, 0, 40, 27], [2, 95]]
)
def test_blocks_reproduce_numpy(sizes):
    x = data()
    acc = Accumulator(2, 4)
    acc.add_blocks(*block_stats(x, sizes))
    assert acc.n == 97
    mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
    np.testing.assert_allclose(acc.mean(), mean, rtol=1e-12)
    # Metric 1 is well conditioned: 1e-12. Metric 0 has mean/sd = 1e6, whose variance no
    # streaming method gets better than about 1e6 * eps; a naive sum of squares would be off
    # by far more than 1e-9.
    var_est = acc.m2 / (acc.n - 1)
    np.testing.assert_allclose(var_est[1], var[1], rtol=1e-12)
    np.testing.assert_allclose(var_est[0], var[0], rtol=1e-9)
    np.testing.assert_allclose(acc.sem()[1], np.sqrt(var[1] / 97), rtol=1e-12)


def test_welford_add_single_block_matches_numpy():
    x = data(num_runs=50, num_metrics=1, num_steps=3, seed=3)
    n, mean, m2 = block_stats(x, [50])
    np.testing.assert_allclose(mean[:, 0], x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(m2[:, 0], x.var(axis=0) * 50, rtol=1e-9)


def test_merge_is_in_block_order_and_chunking_free():
    x = data(num_runs=100, seed=1)
    sizes = [10] * 10
    block_n, mean, m2 = block_stats(x, sizes)
    one = Accumulator(2, 4)
    one.add_blocks(block_n, mean, m2)
    # Adding the same blocks in chunks (as the public layers do) is bit-identical.
    chunked = Accumulator(2, 4)
    for lo, hi in ((0, 3), (3, 4), (4, 10)):
        chunked.add_blocks(block_n[lo:hi], mean[:, lo:hi], m2[:, lo:hi])
    assert chunked.n == one.n == 100
    np.testing.assert_array_equal(chunked.mean_, one.mean_)
    np.testing.assert_array_equal(chunked.m2, one.m2)
    # The merge function itself, called directly, gives the same.
    acc_mean, acc_m2 = np.zeros((2, 4)), np.zeros((2, 4))
    assert merge_blocks(0, acc_mean, acc_m2, block_n, mean, m2) == 100
    np.testing.assert_array_equal(acc_mean, one.mean_)
    # Repeating the computation gives the same bits (no dependence on anything but order).
    again = Accumulator(2, 4)
    again.add_blocks(*block_stats(x, sizes))
    np.testing.assert_array_equal(again.m2, one.m2)


def test_accumulator_sem_and_small_counts():
    acc = Accumulator(1, 3)
    assert np.all(np.isnan(acc.sem()))
    x = np.array([[[1.0, 2.0, 3.0]]])
    acc.add_blocks(*block_stats(x, [1]))
    assert acc.n == 1
    np.testing.assert_array_equal(acc.mean(), [[1.0, 2.0, 3.0]])
    assert np.all(np.isnan(acc.sem()))
    acc.add_blocks(*block_stats(np.array([[[3.0, 2.0, 0.0]]]), [1]))
    # Two values a, b: s^2 = (a - b)^2 / 2, sem = |a - b| / 2.
    np.testing.assert_allclose(acc.mean(), [[2.0, 2.0, 1.5]])
    np.testing.assert_allclose(acc.sem(), [[1.0, 0.0, 1.5]])
    # mean() is a copy.
    acc.mean()[0, 0] = 99.0
    assert acc.mean_[0, 0] == 2.0


def test_block_moments_two_pass():
    x = np.random.default_rng(4).normal(size=(2, 40)) * 1e-2 + 5.0
    for n in (1, 2, 17, 40):
        mean, m2 = block_moments(x, 1, n)
        np.testing.assert_allclose(mean, x[1, :n].mean(), rtol=1e-14)
        np.testing.assert_allclose(m2, x[1, :n].var() * n, rtol=1e-10, atol=1e-300)
    # Merging two-pass blocks gives the same statistics as Welford blocks.
    values = data(num_runs=30, num_metrics=1, num_steps=1, seed=8)[:, 0, 0]
    blocks = np.zeros((2, 20))
    blocks[0, :10], blocks[1, :] = values[:10], values[10:]
    block_n = np.array([10, 20], dtype=np.int64)
    mean = np.zeros((1, 2, 1))
    m2 = np.zeros((1, 2, 1))
    mean[0, 0, 0], m2[0, 0, 0] = block_moments(blocks, 0, 10)
    mean[0, 1, 0], m2[0, 1, 0] = block_moments(blocks, 1, 20)
    acc = Accumulator(1, 1)
    acc.add_blocks(block_n, mean, m2)
    np.testing.assert_allclose(acc.mean()[0, 0], values.mean(), rtol=1e-12)
    np.testing.assert_allclose(acc.m2[0, 0] / 29, values.var(ddof=1), rtol=1e-9)


@pytest.mark.parametrize("n", [1, 2, 64, 1000])
def test_counts_of_indicators_give_exact_moments(n):
    # A 0/1 metric counted per step gives the block's mean and M2 as Welford would.
    x = (np.random.default_rng(n).random((n, 50)) < np.linspace(0.0, 1.0, 50)).astype(float)
    mean, m2 = x.sum(axis=0), np.zeros(50)
    counts_to_moments(mean, m2, n)
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-15, atol=0)
    np.testing.assert_allclose(m2, ((x - x.mean(axis=0)) ** 2).sum(axis=0), rtol=1e-12, atol=1e-12)
    assert mean[0] == 0.0 and m2[0] == 0.0 and mean[-1] == 1.0 and m2[-1] == 0.0
