"""Blackjack as a TabularMDP: equal to Gymnasium's Blackjack-v1 in distribution.

Gymnasium's dynamics are random (an infinite deck), so equality is checked
statistically on seeded Gymnasium episodes with tolerances of 5 standard
errors computed from the exact variances of our MDP (STYLE T5), plus values
worked out by hand.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from fastrl.tabular.blackjack import (
    HIT,
    NUM_STATES,
    STICK,
    TERMINAL,
    blackjack,
    blackjack_state,
    decode,
    value_grid,
)

gymnasium = pytest.importorskip("gymnasium")
from gymnasium.envs.toy_text.blackjack import BlackjackEnv  # noqa: E402

RULES = [(False, False), (True, False), (False, True)]


def _first_state(obs) -> int:
    total, dealer, ace = (int(x) for x in obs)
    # the first observation (21, d, 1) is always ace and ten: a natural
    return blackjack_state(total, dealer, bool(ace), natural=total == 21 and bool(ace))


def _later_state(obs) -> int:
    total, dealer, ace = (int(x) for x in obs)
    return blackjack_state(total, dealer, bool(ace))


def _stick_on_20() -> np.ndarray:
    return np.array(
        [HIT if s < TERMINAL and decode(s)[0] < 20 else STICK for s in range(NUM_STATES)]
    )


def test_encoding_round_trips_and_rejects():
    for s in range(TERMINAL):
        total, dealer, ace, natural = decode(s)
        assert blackjack_state(total, dealer, ace, natural) == s
    for bad in ((3, 1, False), (11, 1, True), (22, 1, False), (12, 0, False), (12, 11, False)):
        with pytest.raises(ValueError):
            blackjack_state(*bad)
    with pytest.raises(ValueError, match="natural"):
        blackjack_state(20, 5, True, natural=True)
    with pytest.raises(TypeError, match="player_sum"):
        blackjack_state(12.0, 5, False)
    with pytest.raises(ValueError, match="state"):
        decode(TERMINAL)
    with pytest.raises(TypeError, match="natural"):
        blackjack(natural=1)
    grid = value_grid(np.arange(NUM_STATES), usable_ace=False)
    assert grid.shape == (10, 10) and grid[0, 0] == blackjack_state(12, 1, False)


def test_hits_raise_the_raw_total_so_games_end_within_20_steps():
    # raw total = sum with every ace counted 1: >= 2, <= 21 while alive, +1 at least per hit
    mdp = blackjack()
    raw = np.array([decode(s)[0] - 10 * decode(s)[2] for s in range(TERMINAL)])
    assert raw.min() == 2 and raw.max() == 21
    for s in range(TERMINAL):
        live = (mdp.prob[s, HIT] > 0) & ~mdp.terminated[s, HIT]
        assert np.all(raw[mdp.next_state[s, HIT][live]] > raw[s])
        assert np.all(mdp.terminated[s, STICK][mdp.prob[s, STICK] > 0])
    assert mdp.max_episode_steps == 20 == 22 - raw.min()


def test_naturals_by_hand():
    # Sutton & Barto's rules: a natural wins unless the dealer has one too (showing 10: an ace
    # hidden, 1/13); Gymnasium's default: a natural is a plain 21, so a dealer's 21 draws.
    ten, five = blackjack_state(21, 10, True, natural=True), blackjack_state(21, 5, True, True)
    sab = blackjack(sab=True).expected_reward()
    assert sab[ten, STICK] == pytest.approx(12 / 13, abs=1e-12)
    assert sab[five, STICK] == pytest.approx(1.0, abs=1e-12)
    plain, paid = blackjack().expected_reward(), blackjack(natural=True).expected_reward()
    p_win = plain[five, STICK] + 0.0  # ties pay 0, so the mean is P(win) when no loss is possible
    assert paid[five, STICK] == pytest.approx(1.5 * p_win, abs=1e-12)
    # the dealer's 5 then makes 21 with probability 0.1223 (hand-checked by enumeration)
    assert 0.85 < p_win < 0.9
    assert plain[blackjack_state(21, 5, True), STICK] == pytest.approx(p_win, abs=1e-12)
    # hitting a hard 20 survives only on an ace: 1/13
    p_alive = blackjack().prob[blackjack_state(20, 7, False), HIT]
    live = ~blackjack().terminated[blackjack_state(20, 7, False), HIT]
    assert float(p_alive[live].sum()) == pytest.approx(float(Fraction(1, 13)), abs=1e-15)


def _play_first_steps(episodes: int, seed: int, natural: bool, sab: bool):
    env = BlackjackEnv(natural=natural, sab=sab)
    env.reset(seed=seed)
    coin = np.random.default_rng(seed + 1).integers(2, size=episodes)
    out = np.empty((episodes, 4))  # s, a, r, s_next
    for j in range(episodes):
        obs, _ = env.reset()
        s, a = _first_state(obs), int(coin[j])
        obs, r, term, trunc, _ = env.step(a)
        out[j] = s, a, r, TERMINAL if term else _later_state(obs)
    return out


@pytest.mark.parametrize(("natural", "sab"), RULES)
def test_first_steps_match_gymnasium(natural, sab):
    """First observation, reward and successor of 20,000 seeded Gymnasium games per rule set."""
    mdp = blackjack(natural=natural, sab=sab)
    n = 20_000
    data = _play_first_steps(n, seed=11, natural=natural, sab=sab)
    s, a = data[:, 0].astype(int), data[:, 1].astype(int)
    # 1. first observations: multinomial counts within 5 SE, and only states that can be dealt
    counts = np.bincount(s, minlength=NUM_STATES)
    p = mdp.initial
    assert np.all(counts[p == 0] == 0)
    assert np.all(np.abs(counts - n * p) <= 5 * np.sqrt(n * p * (1 - p)) + 1e-9)
    # 2. mean reward of each first (state, action) within 5 SE of the exact mean
    mean_r = mdp.expected_reward()
    second = (mdp.prob * mdp.reward**2).sum(axis=2)
    var_r = np.maximum(second - mean_r**2, 0.0)
    tested = 0
    for state in np.flatnonzero(counts):
        for action in (STICK, HIT):
            rows = (s == state) & (a == action)
            k = int(rows.sum())
            if k == 0:
                continue
            tested += 1
            err = abs(data[rows, 2].mean() - mean_r[state, action])
            assert err <= 5 * math.sqrt(var_r[state, action] / k) + 1e-12, (state, action)
    assert tested > 450
    # 3. successors: chi-square over the (s, a, s', r) cells with >= 5 expected counts,
    # against its mean df plus 5 standard deviations sqrt(2 df)
    observed, expected = {}, {}
    for state, action, r, s_next in data:
        key = (int(state), int(action), int(s_next), float(r))
        observed[key] = observed.get(key, 0) + 1
    pair_counts = np.zeros((NUM_STATES, 2))
    np.add.at(pair_counts, (s, a), 1)
    for state, action in zip(*np.nonzero(pair_counts), strict=True):
        for k in np.flatnonzero(mdp.prob[state, action] > 0):
            key = (int(state), int(action), int(mdp.next_state[state, action, k]),
                   float(mdp.reward[state, action, k]))  # fmt: skip
            expected[key] = (
                expected.get(key, 0.0) + pair_counts[state, action] * mdp.prob[state, action, k]
            )
    assert set(observed) <= set(expected)  # nothing Gymnasium did is impossible here
    big = [key for key, e in expected.items() if e >= 5]
    chi2 = sum((observed.get(key, 0) - expected[key]) ** 2 / expected[key] for key in big)
    df = len(big)
    assert df > 200
    assert chi2 <= df + 5 * math.sqrt(2 * df)


@pytest.mark.parametrize(("natural", "sab"), [(False, True)])  # the rules differ in first steps
def test_policy_value_matches_gymnasium_returns(natural, sab):
    """Exact value of 'stick on 20 or 21' vs the mean return of 15,000 Gymnasium games."""
    mdp = blackjack(natural=natural, sab=sab)
    pi = _stick_on_20()
    # exact values by a dense solve (numpy: no planning kernel to compile)
    idx = np.arange(NUM_STATES)
    p_pi = np.zeros((NUM_STATES, NUM_STATES))
    for k in range(mdp.num_successors):
        live = ~mdp.terminated[idx, pi, k]
        np.add.at(p_pi, (idx[live], mdp.next_state[idx, pi, k][live]), mdp.prob[idx, pi, k][live])
    exact = np.linalg.solve(np.eye(NUM_STATES) - p_pi, mdp.expected_reward()[idx, pi])
    env = BlackjackEnv(natural=natural, sab=sab)
    env.reset(seed=5)
    n = 15_000
    returns = np.empty(n)
    for j in range(n):
        obs, _ = env.reset()
        done, ret = False, 0.0
        while not done:
            obs, r, done, _, _ = env.step(int(obs[0] < 20))
            ret += r
        returns[j] = ret
    v0 = float(mdp.initial @ exact)
    assert abs(returns.mean() - v0) <= 5 * math.sqrt(returns.var(ddof=1) / n)
