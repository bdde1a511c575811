"""Linear-policy search on CartPole: it solves the task, deterministically, and validates."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from fastrl.control import CartPole, evaluate_linear, search
from fastrl.gym import CartPoleEnv


@pytest.fixture(scope="module")
def results():
    return {m: search("CartPole-v1", m, seed=0) for m in ("random", "hill_climbing", "cem")}


@pytest.mark.parametrize("method", ["random", "hill_climbing", "cem"])
def test_search_solves_cartpole(results, method):
    res = results[method]
    assert res.solved and res.mean_return >= 475.0
    assert res.eval_episodes == 100 and res.weights.shape == (4,)
    assert res.best_so_far.shape == (res.generations,)
    assert np.all(np.diff(res.best_so_far) >= 0)
    frame = res.to_frame()
    assert list(frame.columns) == ["generation", "best_return", "generation_mean", "best_so_far"]
    assert len(frame) == res.generations


def test_reported_return_is_the_gymnasium_env_return(results):
    # The winner's weights, run through the Gymnasium face with float32
    # observations, keep CartPole up as the kernel said (up to 500 steps).
    w = results["random"].weights
    env = CartPoleEnv(max_episode_steps=500)
    obs, _ = env.reset(seed=0)
    total, done = 0.0, False
    while not done:
        obs, r, term, trunc, _ = env.step(int(w @ obs > 0))
        total += r
        done = term or trunc
    assert total >= 400


def test_same_seed_same_result_other_seed_other(results):
    again = search("CartPole-v1", "cem", seed=0)
    np.testing.assert_array_equal(again.weights, results["cem"].weights)
    np.testing.assert_array_equal(again.generation_mean, results["cem"].generation_mean)
    other = search("CartPole-v1", "cem", seed=1)
    assert not np.array_equal(other.generation_mean, results["cem"].generation_mean)


def test_thread_count_does_not_matter():
    threads = numba.get_num_threads()
    out = []
    try:
        for n in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(n)
            res = search("CartPole-v1", "hill_climbing", population=300, generations=2, seed=3)
            out.append(res)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(out[0].weights, out[1].weights)
    np.testing.assert_array_equal(out[0].generation_mean, out[1].generation_mean)
    assert out[0].mean_return == out[1].mean_return


def test_policy_i_does_not_depend_on_the_batch():
    w = np.random.default_rng(0).uniform(-1, 1, size=(100, 4))
    full = evaluate_linear("CartPole-v1", w, episodes=7, seed=5)
    part = evaluate_linear("CartPole-v1", w[37:41], episodes=7, seed=5)
    np.testing.assert_array_equal(full.mean[37:41], part.mean)
    np.testing.assert_array_equal(full.se[37:41], part.se)
    assert full.env_steps == int(round(full.mean.sum() * 7))


def test_constant_policies_fall_fast():
    # w = 0 always pushes left, a tiny positive w[0] pushes right from most
    # states: the pole falls within a few dozen steps either way.
    res = evaluate_linear(CartPole(), [[0, 0, 0, 0], [1e-9, 0, 0, 0]], episodes=20, seed=0)
    assert np.all(res.mean < 30) and np.all(res.mean >= 8)


def test_validation():
    with pytest.raises(ValueError, match="method"):
        search("CartPole-v1", "ppo")
    with pytest.raises(ValueError, match="task"):
        search("MountainCar-v0")
    with pytest.raises(TypeError, match="task"):
        search(3)
    with pytest.raises(ValueError, match="task"):
        search(CartPole(length=[0.5, 1.0]))
    with pytest.raises(ValueError, match="population"):
        search(population=0)
    with pytest.raises(TypeError, match="generations"):
        search(generations=2.5)
    with pytest.raises(ValueError, match="eval_episodes"):
        search(eval_episodes=1)
    with pytest.raises(ValueError, match="scale"):
        search(scale=0.0)
    with pytest.raises(ValueError, match="elite_frac"):
        search(method="cem", elite_frac=1.5)
    with pytest.raises(ValueError, match="noise"):
        search(method="cem", noise=-1.0)
    with pytest.raises(ValueError, match="seed"):
        search(seed=-1)
    with pytest.raises(ValueError, match="weights"):
        evaluate_linear("CartPole-v1", [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="weights"):
        evaluate_linear("CartPole-v1", [[np.nan, 0, 0, 0]])
    with pytest.raises(ValueError, match="episodes"):
        evaluate_linear("CartPole-v1", [0, 0, 1, 1], episodes=0)


def test_softmax_policy_search_solves_cartpole():
    res = search("CartPole-v1", "hill_climbing", policy="softmax", seed=0)
    assert res.solved and res.mean_return >= 475.0


def test_sharp_softmax_is_the_deterministic_policy():
    # With weights scaled by 1e9 the push-right probability is 0 or 1 (to
    # within 1e-300), so the stochastic policy acts as the deterministic one.
    w = np.random.default_rng(1).uniform(-1, 1, size=(50, 4))
    hard = evaluate_linear("CartPole-v1", w, episodes=5, seed=2)
    soft = evaluate_linear("CartPole-v1", w * 1e9, episodes=5, seed=2, policy="softmax")
    np.testing.assert_array_equal(hard.mean, soft.mean)
    flat = evaluate_linear("CartPole-v1", np.zeros((1, 4)), episodes=200, seed=2, policy="softmax")
    assert 15 < flat.mean[0] < 30  # a coin flip each step balances for ~22 steps


def test_softmax_is_deterministic_and_batch_independent():
    w = np.random.default_rng(3).normal(size=(40, 4)) * 5
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = evaluate_linear("CartPole-v1", w, episodes=6, seed=4, policy="softmax")
    finally:
        numba.set_num_threads(threads)
    two = evaluate_linear("CartPole-v1", w, episodes=6, seed=4, policy="softmax")
    part = evaluate_linear("CartPole-v1", w[5:9], episodes=6, seed=4, policy="softmax")
    np.testing.assert_array_equal(one.mean, two.mean)
    np.testing.assert_array_equal(two.mean[5:9], part.mean)
    other = evaluate_linear("CartPole-v1", w, episodes=6, seed=5, policy="softmax")
    assert not np.array_equal(other.mean, two.mean)
    with pytest.raises(ValueError, match="policy"):
        evaluate_linear("CartPole-v1", w, policy="greedy")
    with pytest.raises(ValueError, match="policy"):
        search(policy="gaussian")
