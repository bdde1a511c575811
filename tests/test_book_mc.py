"""Sutton & Barto's figures 5.1, 5.2, 6.2, 7.2 and 12.8 at the book's sizes (STYLE T5).

Each test says where its reference numbers come from: the book (a figure
transcribed, or a claim of its text) or our own independent code (exact
values of the MDP by linear algebra). Tolerances are 5 standard errors from
the sample sizes.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl.tabular import (
    MCExploringStarts,
    blackjack,
    exploring_starts,
    predict,
    random_walk,
    train,
)
from fastrl.tabular.blackjack import HIT, NUM_STATES, STICK, TERMINAL, decode, value_grid

RUNS = 100  # the book's runs in figures 6.2, 7.2 and 12.8


def uniform_policy(mdp) -> np.ndarray:
    """Every action with probability 1 / A (the walk has one: the book's walk)."""
    return np.full((mdp.num_states, mdp.num_actions), 1.0 / mdp.num_actions)


def _stick_on_20() -> np.ndarray:
    return np.array(
        [HIT if s < TERMINAL and decode(s)[0] < 20 else STICK for s in range(NUM_STATES)]
    )


def _figure_states() -> np.ndarray:
    idx = np.arange(NUM_STATES)
    return np.concatenate([value_grid(idx, True).ravel(), value_grid(idx, False).ravel()])


def test_figure_5_1_first_visit_mc_after_500k_episodes():
    """Reference: exact values of the stick-on-20 policy from our MDP (our code, linear algebra).

    First-visit MC with sample averages on the book's rules; each state's estimate
    is the mean of its first-visit returns, so its SE is sqrt(Var(G | s) / N(s))
    with Var(G | s) exact (one non-zero reward per game: E[G^2 | s] is the value
    of the squared rewards) and N(s) the expected number of visits (occupancy).
    """
    mdp = blackjack(sab=True)
    pi = _stick_on_20()
    episodes = 500_000
    res = predict(mdp, pi, "mc-first-visit", runs=1, episodes=episodes, alpha="average", seed=2)
    idx = np.arange(NUM_STATES)
    p_pi = np.zeros((NUM_STATES, NUM_STATES))
    r2 = np.zeros(NUM_STATES)
    for k in range(mdp.num_successors):
        live = ~mdp.terminated[idx, pi, k]
        np.add.at(p_pi, (idx[live], mdp.next_state[idx, pi, k][live]), mdp.prob[idx, pi, k][live])
        r2 += mdp.prob[idx, pi, k] * mdp.reward[idx, pi, k] ** 2
    v = np.linalg.solve(np.eye(NUM_STATES) - p_pi, (mdp.prob * mdp.reward).sum(2)[idx, pi])
    second = np.linalg.solve(np.eye(NUM_STATES) - p_pi, r2)
    visits = episodes * np.linalg.solve(np.eye(NUM_STATES) - p_pi.T, mdp.initial)
    np.testing.assert_allclose(res.true_values, v, atol=1e-12)
    figure = _figure_states()  # the 200 states drawn in figure 5.1
    se = np.sqrt((second - v**2)[figure] / visits[figure])
    assert visits[figure].min() > 200
    err = np.abs(res.values[0, figure] - v[figure])
    assert np.all(err <= 5 * se + 1e-12)
    # and the estimates improve: the RMS error over all states after 10,000 games (the
    # figure's left column) is well above the one after 500,000 (a 22-fold smaller SE)
    assert res.rms_error[9_999] > 3 * res.rms_error[-1]


def test_figure_5_2_exploring_starts_finds_the_optimal_policy():
    """References: the book's figure 5.2 policy (transcribed), and our value iteration.

    Value iteration on our MDP gives exactly the book's pi*: with a usable ace,
    stick on 19 or more, and on 18 unless the dealer shows 9, 10 or an ace; without,
    stick on 17 or more, on 13..16 against 2..6, on 12 against 4..6. Monte Carlo ES
    (500,000 games from uniformly random states and first actions) must find the
    same action wherever the optimal actions differ in value by at least 0.1.
    """
    mdp = blackjack(sab=True)
    # value iteration in numpy (no planning kernel to compile): games end within 20 steps,
    # so 25 sweeps are exact
    q_star = np.zeros((NUM_STATES, 2))
    for _ in range(25):
        v_star = q_star.max(axis=1)
        q_star = (mdp.prob * (mdp.reward + ~mdp.terminated * v_star[mdp.next_state])).sum(axis=2)
    greedy = np.argmax(q_star, axis=1)
    book = {}
    for total in range(12, 22):
        for dealer in range(1, 11):
            soft_stick = total >= 19 or (total == 18 and dealer not in (1, 9, 10))
            hard_stick = total >= 17 or (
                (13 <= total <= 16 and 2 <= dealer <= 6) or (total == 12 and 4 <= dealer <= 6)
            )
            book[(total, dealer, True)] = STICK if soft_stick else HIT
            book[(total, dealer, False)] = STICK if hard_stick else HIT
    for (total, dealer, ace), action in book.items():
        assert greedy[value_grid(np.arange(NUM_STATES), ace)[total - 12, dealer - 1]] == action
    res = train(exploring_starts(mdp), MCExploringStarts(gamma=1.0), runs=1, episodes=500_000)
    gap = np.abs(q_star[:, STICK] - q_star[:, HIT])
    clear = gap >= 0.1
    clear[TERMINAL] = False
    assert clear.sum() > 250
    np.testing.assert_array_equal(res.policy[0, clear], greedy[clear])


def _dense_values(mdp, probs) -> np.ndarray:
    """``v_pi`` by a dense numpy solve, terminated transitions not bootstrapped (our code)."""
    p = np.einsum("sa,sak->sak", probs, mdp.prob * ~mdp.terminated)
    p_pi = np.zeros((mdp.num_states, mdp.num_states))
    rows = np.broadcast_to(np.arange(mdp.num_states)[:, None, None], p.shape)
    np.add.at(p_pi, (rows, mdp.next_state), p)
    r_pi = (probs * mdp.expected_reward()).sum(axis=1)
    return np.linalg.solve(np.eye(mdp.num_states) - p_pi, r_pi)


def _walk_runs(mdp, method, **kw):
    return predict(mdp, uniform_policy(mdp), method, runs=RUNS, seed=0, **kw)


def test_figure_6_2_td_beats_constant_alpha_mc():
    """References: the book (example 6.2's claims) and our exact true values 1/6 .. 5/6.

    Initial estimates 0.5, 100 episodes, 100 runs. The book: TD was consistently
    better than MC (every TD curve of alpha 0.05, 0.1, 0.15 lies below every MC
    curve of alpha 0.01 .. 0.04: here their means over the 100 episodes, by 5 SE
    of the difference; the curves' last points alone are too close at 100 runs
    for some pairs), and with the largest alpha TD's error goes down and then up
    again.
    """
    mdp = random_walk(5)
    td = {a: _walk_runs(mdp, "td", episodes=100, alpha=a, initial_value=0.5)
          for a in (0.05, 0.1, 0.15)}  # fmt: skip
    mc = {a: _walk_runs(mdp, "mc-every-visit", episodes=100, alpha=a, initial_value=0.5)
          for a in (0.01, 0.02, 0.03, 0.04)}  # fmt: skip
    np.testing.assert_allclose(td[0.1].true_values[1:-1], np.arange(1, 6) / 6, atol=1e-12)
    for t in td.values():  # the whole curves: each run's RMS error averaged over 100 episodes
        for m in mc.values():
            x, y = m.run_mean_rms, t.run_mean_rms
            diff = x.mean() - y.mean()
            assert diff > 5 * math.sqrt(x.var(ddof=1) / RUNS + y.var(ddof=1) / RUNS)
    # after 100 episodes the best TD curve is below the best MC curve
    t_end = min(td.values(), key=lambda r: r.rms_error[-1])
    m_end = min(mc.values(), key=lambda r: r.rms_error[-1])
    gap = m_end.rms_error[-1] - t_end.rms_error[-1]
    assert gap > 5 * math.hypot(m_end.rms_error_se[-1], t_end.rms_error_se[-1])
    fast = td[0.15]
    low = int(np.argmin(fast.rms_error))
    assert low < 60
    assert fast.rms_error[-1] - fast.rms_error[low] > 5 * fast.rms_error_se[-1]


def _first10(mdp, method, **kw):
    res = _walk_runs(mdp, method, episodes=10, **kw)
    x = res.run_mean_rms
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))


def test_figure_7_2_intermediate_n_is_best():
    """References: the book (figure 7.2's claim and its range) and our exact true values.

    19-state walk (-1 on the left), V = 0 initially, RMS error averaged over the
    first 10 episodes and 100 runs, alpha on a grid of 0.1 .. 1. The book: an
    intermediate n works best; n = 4's best is below both n = 1's and n = 64's
    best (by 5 SE), and the best curves lie between 0.25 and 0.55 as in the figure.
    """
    mdp = random_walk(19, left_reward=-1.0)
    np.testing.assert_allclose(random_walk(19, left_reward=-1.0).reward[1, 0, 0], -1.0)
    alphas = np.round(np.arange(0.1, 1.01, 0.1), 1)
    best = {}
    for n in (1, 4, 64):
        curve = [_first10(mdp, "n-step-td", n=n, alpha=a) for a in alphas]
        best[n] = min(curve)
    m4, se4 = best[4]
    for n in (1, 64):
        m, se = best[n]
        assert m - m4 > 5 * math.hypot(se, se4)
    assert 0.25 < m4 < 0.35 and best[1][0] < 0.55


def test_figure_12_8_true_online_td_lambda():
    """References: our code (true online TD(0) is TD(0), exactly) and the book's claim.

    The book (figure 12.8, 19-state walk, first 10 episodes, 100 runs): intermediate
    lambda works best. lambda = 0.8 at its best alpha beats lambda = 0 and lambda = 1
    at theirs by 5 SE.
    """
    mdp = random_walk(19, left_reward=-1.0)
    a = _walk_runs(mdp, "true-online-td", episodes=10, alpha=0.4, lam=0.0)
    b = _walk_runs(mdp, "td", episodes=10, alpha=0.4)
    np.testing.assert_allclose(a.values, b.values, rtol=0, atol=1e-14)
    best = {}
    for lam, alphas in (
        (0.0, (0.4, 0.6, 0.8)),
        (0.8, (0.2, 0.3, 0.4, 0.5)),
        (1.0, (0.05, 0.1, 0.2)),
    ):
        best[lam] = min(_first10(mdp, "true-online-td", lam=lam, alpha=x) for x in alphas)
    m8, se8 = best[0.8]
    for lam in (0.0, 1.0):
        m, se = best[lam]
        assert m - m8 > 5 * math.hypot(se, se8)


def test_exact_values_of_the_walks():
    """Reference: the book (example 6.2: 1/6 .. 5/6; 19 states: -0.9 .. 0.9 by 0.1)."""
    walk5, walk19 = random_walk(5), random_walk(19, left_reward=-1.0)
    v5 = _dense_values(walk5, uniform_policy(walk5))
    v19 = _dense_values(walk19, uniform_policy(walk19))
    np.testing.assert_allclose(v5[1:-1], np.arange(1, 6) / 6, atol=1e-12)
    np.testing.assert_allclose(v19[1:-1], np.round(np.arange(-0.9, 0.91, 0.1), 1), atol=1e-12)
