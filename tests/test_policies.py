"""Action selectors on row ``i`` of a table of values: addresses, distributions (5 SE)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fastrl import policies, rng
from fastrl._jit import jit

KEY = np.uint64(0xC0FFEE)
DRAWS = 60_000

ARGMAX, EPSILON, SOFTMAX, UCB = range(4)


@jit
def _counts(kind, q, n, i, t, param, key, num):
    # Frequencies of each action over steps 0 .. num - 1 (one compile for all selectors).
    counts = np.zeros(q.shape[1], dtype=np.int64)
    w = np.empty((1, q.shape[1]))
    for step in range(num):
        if kind == 0:
            a = policies.argmax_random(q, i, key, step)
        elif kind == 1:
            a = policies.epsilon_greedy(q, i, param, key, step)
        elif kind == 2:
            a = policies.softmax(q, i, param, key, step, w)
        else:
            a = policies.ucb(q, n, i, t, param, key, step)
        counts[a] += 1
    return counts


def table(row, i=1):
    """A 3-row table whose row ``i`` is ``row`` and whose other rows would mislead."""
    row = np.asarray(row, dtype=np.float64)
    q = np.empty((3, row.size))
    q[:] = -np.arange(row.size, dtype=np.float64) + 1e9  # argmax 0, never tied
    q[i] = row
    return q


def frequencies(kind, q, param=0.0, n=None, t=1, num=DRAWS, key=KEY):
    q = table(q)
    n = np.ones_like(q) if n is None else table(n)
    return _counts(kind, q, n, 1, t, float(param), key, num)


def assert_distribution(counts, probs):
    """Every count within 5 binomial standard errors of its expectation (exact for p = 0, 1)."""
    num = counts.sum()
    probs = np.asarray(probs, dtype=np.float64)
    se = np.sqrt(num * probs * (1 - probs))
    assert np.all(np.abs(counts - num * probs) <= 5 * se + 1e-9), (counts, num * probs)


# --- argmax_random -------------------------------------------------------------------------


def test_argmax_without_ties_is_argmax():
    for q in ([0.1, 0.5, 0.2], [3.0], [-1.0, -2.0, -0.5, -7.0], [np.inf, 1.0, 2.0]):
        assert policies.argmax_random(table(q), 1, KEY, 0) == int(np.argmax(q))
        assert_distribution(frequencies(ARGMAX, q, num=500), np.eye(len(q))[np.argmax(q)])


def test_argmax_ties_uniform():
    assert_distribution(frequencies(ARGMAX, np.zeros(4)), [0.25] * 4)
    assert_distribution(frequencies(ARGMAX, [1.0, 3.0, 3.0, 0.0, 3.0]), [0, 1 / 3, 1 / 3, 0, 1 / 3])
    assert_distribution(frequencies(ARGMAX, [5.0, 5.0]), [0.5, 0.5])


def test_argmax_tie_uses_documented_address():
    q = np.array([2.0, 0.0, 2.0, 2.0])
    for step in range(50):
        pick = rng.randint(KEY, np.uint64(step * 16 + policies.SLOT_TIE), 3)
        assert policies.argmax_random(table(q, 0), 0, KEY, step) == [0, 2, 3][pick]


# --- epsilon_greedy ------------------------------------------------------------------------


@pytest.mark.parametrize("epsilon", [0.0, 0.2, 1.0])
def test_epsilon_greedy_distribution(epsilon):
    q = [0.0, 1.0, 0.0, 0.0]
    probs = np.full(4, epsilon / 4)
    probs[1] += 1 - epsilon
    assert_distribution(frequencies(EPSILON, q, epsilon), probs)


def test_epsilon_greedy_addresses():
    q = np.array([0.0, 1.0, 0.5])
    for step in range(200):
        explore = rng.uniform(KEY, np.uint64(step * 16 + policies.SLOT_EXPLORE)) < 0.3
        expected = (
            rng.randint(KEY, np.uint64(step * 16 + policies.SLOT_ACTION), 3) if explore else 1
        )
        assert policies.epsilon_greedy(table(q, 2), 2, 0.3, KEY, step) == expected


# --- softmax -------------------------------------------------------------------------------


def boltzmann(q, beta):
    w = np.exp(beta * (np.asarray(q) - np.max(q)))
    return w / w.sum()


@pytest.mark.parametrize("beta", [0.5, 2.0, 10.0])
def test_softmax_frequencies(beta):
    q = [0.0, 0.5, 1.0, -1.0]
    assert_distribution(frequencies(SOFTMAX, q, beta), boltzmann(q, beta))


def test_softmax_huge_values_do_not_overflow():
    q = [1000.0, 999.0, 0.0]
    counts = frequencies(SOFTMAX, q, 1.0)
    assert_distribution(counts, boltzmann(q, 1.0))
    q = [1e300, -1e300, 1e300]
    assert_distribution(frequencies(SOFTMAX, q, 1e10), [0.5, 0.0, 0.5])


def test_softmax_infinite_beta_is_greedy():
    assert_distribution(frequencies(SOFTMAX, [0.0, 1.0, 0.9], math.inf, num=1000), [0, 1, 0])
    # ties still broken at random, with argmax_random's address
    q = np.array([1.0, 1.0, 0.0])
    for step in range(20):
        tq = table(q)
        assert policies.softmax(
            tq, 1, math.inf, KEY, step, np.empty((1, 3))
        ) == policies.argmax_random(tq, 1, KEY, step)
    assert_distribution(frequencies(SOFTMAX, q, math.inf), [0.5, 0.5, 0.0])


def test_softmax_address():
    q = np.array([0.0, 1.0, 2.0])
    p = np.cumsum(boltzmann(q, 1.0))
    for step in range(200):
        u = rng.uniform(KEY, np.uint64(step * 16 + policies.SLOT_ACTION))
        assert policies.softmax(table(q), 1, 1.0, KEY, step, np.empty((1, 3))) == int(
            np.searchsorted(p, u, side="right")
        )


@jit
def _pick_mismatches(rows, betas, us):
    # softmax_pick (bounds first) against softmax_exact on every row, beta and u,
    # and on the u at each boundary of the exact sampler and 1-3 floats either side.
    k = rows.shape[1]
    w = np.empty((1, k))
    bad = 0
    for i in range(rows.shape[0]):
        qmax = rows[i].max()
        for beta in betas:
            probes = list(us)
            softmax_exact_weights = np.empty((1, k))
            policies.softmax_exact(rows, i, qmax, beta, 0.0, softmax_exact_weights)
            total = softmax_exact_weights[0, 0]
            for a in range(1, k):
                total += softmax_exact_weights[0, a]
            acc = 0.0
            for a in range(k):
                acc += softmax_exact_weights[0, a]
                edge = acc / total
                for d in (0.0, 1.0, 2.0, 3.0):
                    for sign in (-1.0, 1.0):
                        u = edge
                        for _ in range(int(d)):
                            u = np.nextafter(u, sign * 2.0)
                        if 0.0 <= u < 1.0:
                            probes.append(u)
            for u in probes:
                got = policies.softmax_pick(rows, i, beta, u, w)
                want = policies.softmax_exact(rows, i, qmax, beta, u, w)
                if got != want:
                    bad += 1
    return bad


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_softmax_bounds_decide_as_the_exact_sampler(k):
    g = np.random.default_rng(k)
    rows = np.concatenate(
        [
            g.normal(size=(300, k)),
            np.round(g.normal(size=(100, k)), 1),  # ties with the maximum
            g.normal(scale=300.0, size=(50, k)),  # weights far below exp_scale's range
            np.full((1, k), 0.25),
        ]
    )
    betas = np.array([1e-3, 0.5, 5.0, 40.0])
    us = g.uniform(size=40)
    assert _pick_mismatches(rows, betas, us) == 0


# --- ucb -----------------------------------------------------------------------------------


def test_ucb_untried_first_uniformly():
    q = np.array([9.0, 0.0, 9.0, -5.0])
    n = np.array([1.0, 0.0, 2.0, 0.0])
    assert_distribution(frequencies(UCB, q, 2.0, n=n, t=5), [0, 0.5, 0, 0.5])
    n_one = np.array([3.0, 3.0, 0.0, 3.0])
    assert_distribution(frequencies(UCB, q, 2.0, n=n_one, t=5, num=500), [0, 0, 1, 0])


def test_ucb_formula():
    q = np.array([0.5, 0.4, 0.1])
    n = np.array([10.0, 2.0, 5.0])
    t, c = 20, 1.0
    values = q + c * np.sqrt(np.log(t) / n)
    assert int(np.argmax(values)) == 1
    assert policies.ucb(table(q), table(n), 1, t, c, KEY, 0) == 1
    # c = 0 is greedy on q; a large c prefers the least-tried arm.
    assert policies.ucb(table(q), table(n), 1, t, 0.0, KEY, 0) == 0
    assert policies.ucb(table(q), table(n), 1, t, 100.0, KEY, 0) == 1
    assert policies.ucb(table(q), table([10.0, 50.0, 40.0]), 1, t, 100.0, KEY, 0) == 0
    # At t = 1, ln t = 0: ties of q are broken at random.
    assert_distribution(
        frequencies(UCB, [1.0, 1.0, 0.0], 2.0, n=[1.0, 1.0, 1.0], t=1), [0.5, 0.5, 0]
    )


# --- categorical ---------------------------------------------------------------------------


def test_categorical():
    w = table([0.2, 0.0, 0.5, 0.3])
    assert policies.categorical(w, 1, 1.0, 0.0) == 0
    assert policies.categorical(w, 1, 1.0, 0.1999) == 0
    assert policies.categorical(w, 1, 1.0, 0.2) == 2
    assert policies.categorical(w, 1, 1.0, 0.69) == 2
    assert policies.categorical(w, 1, 1.0, 0.71) == 3
    assert policies.categorical(w, 1, 1.0, 1.0 - 2.0**-53) == 3
    # A total slightly above the sum (rounding) falls back to the last positive weight.
    assert policies.categorical(table([0.5, 0.5, 0.0]), 1, 1.0 + 1e-9, 1.0 - 2.0**-53) == 1
    # Unnormalised weights; a grid of u gives the weights' proportions exactly.
    w = table([0.0, 3.0, 1.0, 0.0, 4.0], i=2)
    grid = (np.arange(8000) + 0.5) / 8000
    picks = np.array([policies.categorical(w, 2, 8.0, u) for u in grid])
    np.testing.assert_array_equal(np.bincount(picks, minlength=5), [0, 3000, 1000, 0, 4000])


# --- untried_arm (issue 12: untried arms first in index policies) --------------------------


@jit
def _untried_and_ucb(n, i, key, num):
    # untried_arm at steps 0 .. num - 1 with the row's k - step zeros, beside ucb's choice.
    out = np.empty((num, 2), dtype=np.int64)
    k = n.shape[1]
    q = np.zeros_like(n)
    for s in range(num):
        step = k - 1 - s % k  # k - step untried arms: 1 .. k of them
        row = n.copy()
        for a in range(k):
            row[i, a] = 0.0 if a * 7 % k < k - step else 1.0  # k - step zeros, spread out
        out[s, 0] = policies.untried_arm(row, i, key, step)
        out[s, 1] = policies.ucb(q, row, i, step + 1, 1.0, key, step)
    return out


def test_untried_arm_is_ucbs_untried_choice():
    n = table(np.ones(5))
    picks = _untried_and_ucb(n, 1, KEY, 5000)
    np.testing.assert_array_equal(picks[:, 0], picks[:, 1])


def test_untried_arm_uniform_over_untried():
    n = table([0.0, 2.0, 0.0, 1.0, 0.0])  # step 2 of five arms: three untried
    picks = [policies.untried_arm(n, 1, np.uint64(key), 2) for key in range(6000)]
    counts = np.bincount(picks, minlength=5)
    assert_distribution(counts, [1 / 3, 0, 1 / 3, 0, 1 / 3])
