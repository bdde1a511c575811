"""fastrl.tabular.predict: the kernel vs naive loops exactly, determinism, validation."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from reference_predict import predict_one

from fastrl.tabular import TabularMDP, blackjack, predict, random_walk
from fastrl.tabular.blackjack import HIT, NUM_STATES, STICK, TERMINAL, decode
from fastrl.tabular.predict import METHODS, non_terminal


def uniform_policy(mdp) -> np.ndarray:
    """Every action with probability 1 / A (the walk has one: the book's walk)."""
    return np.full((mdp.num_states, mdp.num_actions), 1.0 / mdp.num_actions)


def _loopy_mdp(seed=4, S=6, A=2):
    gen = np.random.default_rng(seed)
    P = gen.dirichlet(np.full(S, 0.6), size=(S, A))
    R = gen.normal(size=(S, A, S)).round(2)
    T = np.zeros(S, bool)
    T[S - 1] = True
    P[S - 1] = np.eye(S)[S - 1]  # an absorbing end, so states 0 .. S-2 are non-terminal
    return TabularMDP.from_dense(P, R, terminated=T, initial=np.r_[np.full(S - 1, 1 / (S - 1)), 0],
                                 max_episode_steps=12)  # fmt: skip


LOOPY_PI = np.array([[0.3, 0.7], [0.5, 0.5], [0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
LOOPY_B = np.array([[0.5, 0.5], [0.4, 0.6], [0.7, 0.3], [0.5, 0.5], [0.3, 0.7], [0.5, 0.5]])
CASES = [
    ("td", {"alpha": 0.2}),
    ("n-step-td", {"alpha": 0.3, "n": 3}),
    ("n-step-td", {"alpha": 0.1, "n": 20}),
    ("true-online-td", {"alpha": 0.2, "lam": 0.8}),
    ("mc-first-visit", {"alpha": "average"}),
    ("mc-every-visit", {"alpha": 0.1}),
    ("mc-ordinary-is", {}),
    ("mc-weighted-is", {}),
]


@pytest.mark.parametrize(("method", "kw"), CASES, ids=lambda c: str(c))
@pytest.mark.parametrize("mdp_kind", ["walk", "loopy"])
def test_kernel_matches_reference(method, kw, mdp_kind):
    if mdp_kind == "walk":
        mdp, gamma = random_walk(5), 1.0
        pi = uniform_policy(mdp)
        b = uniform_policy(mdp)  # one action: the ratios are 1 (the loopy MDP tests them)
    else:  # loops and a step limit: first visits and truncations happen
        mdp, gamma, pi, b = _loopy_mdp(), 0.9, LOOPY_PI, LOOPY_B
    if method in ("mc-ordinary-is", "mc-weighted-is"):
        kw = {**kw, "behaviour": b}
    episodes = 15
    res = predict(mdp, pi, method, runs=3, episodes=episodes, gamma=gamma, seed=9,
                  initial_value=0.3, **kw)  # fmt: skip
    curves = []
    for i in range(3):
        limit = res.params["max_episode_steps"]
        v, rms = predict_one(mdp, pi, method, episodes=episodes, gamma=gamma, seed=9, i=i,
                             max_steps=limit, initial_value=0.3, **kw)  # fmt: skip
        np.testing.assert_allclose(res.values[i], v, rtol=0, atol=1e-12)
        curves.append(rms)
    curves = np.array(curves)
    np.testing.assert_allclose(res.rms_error, curves.mean(axis=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.rms_error_se, curves.std(axis=0, ddof=1) / math.sqrt(3),
                               rtol=1e-9, atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(res.run_mean_rms, curves.mean(axis=1), rtol=0, atol=1e-12)


def test_deterministic_policy_on_blackjack_matches_reference():
    mdp = blackjack(sab=True)
    pi = np.array([HIT if s < TERMINAL and decode(s)[0] < 20 else STICK for s in range(NUM_STATES)])
    res = predict(mdp, pi, "mc-first-visit", runs=2, episodes=300, alpha="average", seed=1)
    for i in range(2):
        v, rms = predict_one(mdp, pi, "mc-first-visit", episodes=300, alpha="average", seed=1, i=i,
                             max_steps=20)  # fmt: skip
        np.testing.assert_allclose(res.values[i], v, rtol=0, atol=1e-12)
    assert res.states.sum() == NUM_STATES - 1 and not res.states[TERMINAL]


def test_run_i_independent_of_batch_size_and_threads():
    mdp, pi = random_walk(5), uniform_policy(random_walk(5))
    kw = {"episodes": 20, "alpha": 0.3, "n": 2, "seed": 3}
    small = predict(mdp, pi, "n-step-td", runs=3, **kw)
    big = predict(mdp, pi, "n-step-td", runs=130, **kw)  # three blocks
    np.testing.assert_array_equal(small.values, big.values[:3])
    np.testing.assert_array_equal(small.run_mean_rms, big.run_mean_rms[:3])
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = predict(mdp, pi, "n-step-td", runs=130, **kw)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.values, big.values)
    np.testing.assert_array_equal(one.rms_error, big.rms_error)
    np.testing.assert_array_equal(one.rms_error_se, big.rms_error_se)
    other = predict(mdp, pi, "n-step-td", runs=3, **{**kw, "seed": 4})
    assert not np.array_equal(other.values, small.values)


def test_same_seed_same_episodes_across_methods():
    # common random numbers: alpha = 1 every-visit MC leaves V(s) = the last return from s,
    # and the episodes do not depend on the method
    mdp, pi = random_walk(5), uniform_policy(random_walk(5))
    mc = predict(mdp, pi, "mc-every-visit", runs=2, episodes=1, alpha=1.0, initial_value=-5.0)
    walk = predict(mdp, pi, "n-step-td", runs=2, episodes=1, alpha=1.0, n=10_000,
                   initial_value=-5.0)  # fmt: skip
    # n-step with n beyond the episode is every-visit MC with the visits in forward order
    visited = mc.values != -5.0
    np.testing.assert_array_equal(visited, walk.values != -5.0)
    assert set(np.unique(mc.values[visited])) <= {0.0, 1.0}


def test_result_frame_plot_and_true_values():
    import matplotlib

    matplotlib.use("Agg")
    mdp = random_walk(5)
    res = predict(mdp, uniform_policy(mdp), "td", runs=4, episodes=6)
    np.testing.assert_allclose(res.true_values[1:-1], np.arange(1, 6) / 6, atol=1e-12)
    assert res.states.tolist() == [False] + [True] * 5 + [False]
    frame = res.to_frame()
    assert list(frame.columns) == ["episode", "rms_error", "se"] and len(frame) == 6
    assert res.plot().get_xlabel() == "episode"
    assert res.values.shape == (4, 7) and res.rms_error.shape == (6,)
    assert set(METHODS) == {m for m, _ in CASES}
    assert non_terminal(mdp).sum() == 5


@pytest.mark.parametrize(
    ("kw", "exc", "match"),
    [
        ({"method": "sarsa"}, ValueError, "method"),
        ({"method": 3}, ValueError, "method"),
        ({"runs": 0}, ValueError, "runs"),
        ({"episodes": 1.5}, TypeError, "episodes"),
        ({"alpha": 0.0}, ValueError, "alpha"),
        ({"alpha": "average"}, ValueError, "alpha"),  # TD needs a step size
        ({"gamma": 1.5}, ValueError, "gamma"),
        ({"n": 0}, ValueError, "n"),
        ({"lam": -0.1}, ValueError, "lam"),
        ({"seed": -1}, ValueError, "seed"),
        ({"max_episode_steps": 0}, ValueError, "max_episode_steps"),
        ({"initial_value": math.nan}, ValueError, "initial_value"),
        ({"behaviour": np.full((6, 2), 0.5)}, ValueError, "behaviour"),
        ({"method": "mc-weighted-is"}, ValueError, "behaviour"),
        ({"method": "mc-weighted-is", "behaviour": np.tile([1.0, 0.0], (6, 1))}, ValueError,
         "cover"),
        ({"policy": np.zeros(5, int)}, ValueError, "policy"),
        ({"policy": np.full((6, 2), 0.7)}, ValueError, "policy"),
        ({"states": np.zeros(6, bool)}, ValueError, "states"),
        ({"states": [1, 2]}, TypeError, "states"),
        ({"mdp": "walk"}, TypeError, "mdp"),
    ],
)  # fmt: skip
def test_bad_arguments(kw, exc, match):
    args = {"mdp": _loopy_mdp(), "policy": LOOPY_PI, "method": "td", "runs": 2, "episodes": 2}
    args.update(kw)
    with pytest.raises(exc, match=match):
        predict(args.pop("mdp"), args.pop("policy"), args.pop("method"), **args)
