"""Monte Carlo control learners: the kernel vs the naive loops of reference_mc, exactly.

One driver per learner class (epsilon-greedy), reused by every test here and
by tests/test_book_mc.py: the options below are run-time values of one driver.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference_learning import _policy_probs
from reference_mc import mc_control_one

from fastrl.tabular import (
    MCControl,
    MCExploringStarts,
    MCOffPolicy,
    TabularMDP,
    blackjack,
    exploring_starts,
    train,
)
from fastrl.tabular.learners import LEARNERS
from fastrl.tabular.learners.explore import EXPLORE_EPSILON, EXPLORE_SOFTMAX, ExploreContext
from fastrl.tabular.learners.monte_carlo import behaviour_prob


def _loopy_mdp(seed=3, S=6, A=3):
    # dense random transitions: states and pairs repeat inside episodes (first visit matters)
    gen = np.random.default_rng(seed)
    P = gen.dirichlet(np.full(S, 0.7), size=(S, A))
    R = gen.normal(size=(S, A, S)).round(2)
    T = np.zeros(S, bool)
    T[S - 1] = True
    return TabularMDP.from_dense(
        P, R, terminated=T, initial=np.full(S, 1 / S), max_episode_steps=15
    )


AGENTS = [
    MCControl(gamma=0.9, epsilon=0.2),
    MCControl(gamma=0.95, epsilon=0.3, first_visit=False, initial_value=0.5),
    MCControl(alpha=0.2, gamma=1.0, epsilon=0.1, average=False, bonus=0.5),
    MCExploringStarts(gamma=0.9),
    MCExploringStarts(gamma=0.9, epsilon=0.1, first_visit=False),
    MCOffPolicy(gamma=0.9, epsilon=0.4),
    MCOffPolicy(gamma=0.9, epsilon=0.5, weighted=False, first_visit=True),
    MCOffPolicy(gamma=1.0, epsilon=0.3, weighted=False, bonus=0.3),
]


@pytest.mark.parametrize("agent", AGENTS, ids=lambda a: f"{type(a).__name__}-{a.first_visit}")
@pytest.mark.parametrize("mdp_kind", ["loopy", "blackjack"])
def test_kernel_matches_reference(agent, mdp_kind):
    mdp = _loopy_mdp() if mdp_kind == "loopy" else blackjack()
    episodes = 30 if mdp_kind == "loopy" else 400
    res = train(mdp, agent, runs=3, episodes=episodes, seed=5, record_runs=True)
    for i in range(3):
        q, returns, lengths = mc_control_one(
            mdp, agent, episodes=episodes, max_steps=mdp.max_episode_steps, seed=5, i=i
        )
        np.testing.assert_array_equal(res.lengths[i], lengths)
        np.testing.assert_allclose(res.returns[i], returns, rtol=0, atol=1e-12)
        np.testing.assert_allclose(res.q[i], q, rtol=0, atol=1e-12)
    if mdp_kind == "loopy":  # truncation is exercised: some episodes hit the limit of 15
        assert res.lengths.max() == 15


def test_first_visit_and_averages_by_hand():
    # one state, one action, a self-loop with reward 1 until the limit of 3 steps:
    # gamma = 0.5, returns from steps 0, 1, 2 are 1.75, 1.5, 1
    mdp = TabularMDP.from_dense(np.ones((1, 1, 1)), np.ones((1, 1)), max_episode_steps=3)
    first = train(mdp, MCControl(gamma=0.5), runs=1, episodes=1)
    every = train(mdp, MCControl(gamma=0.5, first_visit=False), runs=1, episodes=1)
    assert first.q[0, 0, 0] == 1.75
    assert every.q[0, 0, 0] == pytest.approx((1.75 + 1.5 + 1.0) / 3, abs=1e-15)


def test_behaviour_prob_matches_the_policy():
    # the probability recorded for IS is the behaviour's (tested outside the driver, both rules)
    class Agent:
        exploration = "epsilon_greedy"

    q = np.array([[0.5, 1.0, 1.0, -2.0]])
    for rule, param in (
        (EXPLORE_EPSILON, 0.3),
        (EXPLORE_SOFTMAX, 1.7),
        (EXPLORE_SOFTMAX, math.inf),
    ):
        Agent.exploration = "softmax" if rule == EXPLORE_SOFTMAX else "epsilon_greedy"
        row = np.empty((1, 4))
        ctx = ExploreContext(np.int64(rule), np.uint64(1), np.int64(0), param, 0.0,
                             np.zeros((1, 4), np.int64), row, row.copy())  # fmt: skip
        want = _policy_probs(Agent, q[0], param)
        got = [behaviour_prob(ctx, q, 0, a) for a in range(4)]
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)


def test_exploring_starts_and_registry():
    mdp = exploring_starts(blackjack())
    assert mdp.initial[-1] == 0.0 and np.all(mdp.initial[:-1] == 1 / 290)
    only = exploring_starts(blackjack(), states=np.array([3, 7]))
    assert np.flatnonzero(only.initial).tolist() == [3, 7]
    with pytest.raises(TypeError, match="mdp"):
        exploring_starts("blackjack")
    with pytest.raises(ValueError, match="states"):
        exploring_starts(blackjack(), states=np.array([291]))
    with pytest.raises(ValueError, match="states"):
        exploring_starts(blackjack(), states=np.zeros(291, bool))
    for name in ("mc-control", "mc-exploring-starts", "mc-off-policy"):
        assert name in LEARNERS
    for cls, flag in (
        (MCControl, "first_visit"),
        (MCControl, "average"),
        (MCOffPolicy, "weighted"),
    ):
        with pytest.raises(TypeError, match=flag):
            cls(**{flag: 1})


def test_successor_tables_pick_env_steps_entry_bit_for_bit():
    # the learning driver samples successors by counting running sums at or below u
    # (env_step_cdf): the entry env_step's scan picks, for any u, at the sums' own
    # values and next to them, past the total too, with zero entries anywhere
    from fastrl._jit import jit
    from fastrl.tabular._dynamics import env_step, env_step_cdf, successor_tables

    @jit
    def both(next_state, prob, cum, last, reward, terminated, us):
        out = np.empty((2, 3, us.shape[0], prob.shape[1], prob.shape[2]))
        for j in range(us.shape[0]):
            for s in range(prob.shape[1]):
                for a in range(prob.shape[2]):
                    x = env_step(next_state, prob, reward, terminated, 0, s, a, us[j])
                    y = env_step_cdf(next_state, cum, last, reward, terminated, 0, s, a, us[j])
                    out[0, 0, j, s, a], out[0, 1, j, s, a], out[0, 2, j, s, a] = x
                    out[1, 0, j, s, a], out[1, 1, j, s, a], out[1, 2, j, s, a] = y
        return out

    gen = np.random.default_rng(1)
    for entries in (1, 3, 4, 5, 10, 33):
        rows = gen.random((6, 2, entries)) * (gen.random((6, 2, entries)) < 0.6)
        rows[:, :, gen.integers(entries)] += 0.3
        rows[0, 0] = 0.0
        rows[0, 0, -1] = 1.0  # only the last entry
        rows[1, 0] = 1.0 / entries  # sums that may end above or below 1
        rows[1, 1, 0] = 1e-17  # positive, and too small to move the sum
        prob = (rows / rows.sum(axis=2, keepdims=True))[None]
        prob[0, 1, 1, 0] = 1e-17
        next_state = np.arange(prob.size, dtype=np.int64).reshape(prob.shape) % 6
        reward = gen.random(prob.shape)
        terminated = gen.random(prob.shape) < 0.5
        cum, last = successor_tables(prob)
        edges = np.unique(cum)
        near = [np.nextafter(edges, 0), np.nextafter(edges, 2)]
        us = np.concatenate([gen.random(500), edges, *near, [0.0, 1.0 - 2.0**-53, 1.0, 1.5]])
        got = both(next_state, prob, cum, last, reward, terminated, us)
        np.testing.assert_array_equal(got[0], got[1])


def test_binary_search_reset_is_the_linear_scan_bit_for_bit():
    # the learning driver samples initial states with a guide table on running sums: the same
    # state as the linear scan for any u, at the sums' own values and past the total too
    from fastrl._jit import jit
    from fastrl.tabular._dynamics import (
        guide_buckets,
        initial_cdf,
        sample_initial,
        sample_initial_cdf,
    )

    @jit
    def both(initial, us):
        cdf = np.empty(initial.shape[1])
        guide = np.empty(guide_buckets(initial.shape[1]), dtype=np.int64)
        out = np.empty((2, us.shape[0]), dtype=np.int64)
        last = initial_cdf(initial, 0, cdf, guide)
        for j in range(us.shape[0]):
            out[0, j] = sample_initial(initial, 0, us[j])
            out[1, j] = sample_initial_cdf(cdf, guide, last, us[j])
        return out

    gen = np.random.default_rng(0)
    weights = []
    for size in (1, 2, 3, 7, 64, 291, 20_000):
        w = gen.random(size) * (gen.random(size) < 0.6)
        w[gen.integers(size)] = 0.3
        weights.append(w / w.sum())
    # sums on bucket edges, zero entries at both ends, totals below 1 and (1 / 9) above
    weights += [np.array([0.0, 0.5, 0.25, 0.0, 0.25, 0.0]), np.full(8, 0.125)]
    weights += [np.full(10, 0.1), np.full(9, 1.0 / 9.0), np.array([0.7, 0.2, 0.1])]
    weights.append(np.append(np.full(9, 1.0 / 9.0), 1e-17))  # the total reached before `last`
    for w in weights:
        size = w.shape[0]
        w = w[None]
        edges = np.cumsum(w[0])
        grid = np.arange(guide_buckets(size) + 1) / guide_buckets(size)  # bucket edges
        near = [np.nextafter(edges, 0), np.nextafter(grid, 0), np.nextafter(grid, 2)]
        us = np.concatenate([gen.random(2000), edges, grid, *near, [0.0, 1.0, 1.5]])
        got = both(w, us)
        np.testing.assert_array_equal(got[0], got[1])
        assert np.all(w[0, got[1]] > 0)
