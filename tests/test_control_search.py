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


def _gymnasium_returns(task, weights, episodes, seed, max_steps=500):
    """Reference: each policy's returns from Gymnasium's CartPoleEnv (float64 state),
    started from fastrl's addressed initial states, one Python step at a time."""
    from gymnasium.envs.classic_control.cartpole import CartPoleEnv as GymCartPole

    from fastrl.control._dynamics import cartpole_reset
    from fastrl.rng import STREAM_EXTRA, run_key, stream_roots

    root = stream_roots(seed)[STREAM_EXTRA]
    keys = [np.uint64(run_key(root, np.uint64(e))) for e in range(episodes)]
    starts = [cartpole_reset(key, 0, -0.05, 0.05) for key in keys]
    env = GymCartPole(sutton_barto_reward=False)
    env.theta_threshold_radians = task.theta_threshold_radians
    env.kinematics_integrator = task.kinematics_integrator
    env.reset(seed=0)
    out = np.zeros((len(weights), episodes))
    for c, w in enumerate(weights):
        for e, start in enumerate(starts):
            env.state = np.array(start)
            env.steps_beyond_terminated = None
            length, terminated = 0, False
            while not terminated and length < max_steps:
                x, x_dot, theta, theta_dot = env.state
                z = w[0] * x + w[1] * x_dot + w[2] * theta + w[3] * theta_dot
                _, _, terminated, _, _ = env.step(1 if z > 0.0 else 0)
                length += 1
            out[c, e] = length
    return out


@pytest.mark.parametrize(
    "task",
    [CartPole(), CartPole(kinematics_integrator="semi-implicit euler"),
     CartPole(theta_threshold_radians=1.2)],  # the last: beyond the lane kernel's polynomials
    ids=["euler", "semi-implicit", "wide-angle"],
)  # fmt: skip
def test_evaluate_linear_equals_gymnasium_episodes(task):
    # Random policies (mostly short episodes) and scaled-up balancing ones (up to 500
    # steps): the fused kernel's returns are Gymnasium's, episode by episode.
    rng = np.random.default_rng(7)
    balancing = [[0.0, 0.5, 10.0, 2.0], [0.1, 1.0, 20.0, 3.0]]
    w = np.vstack([rng.uniform(-1, 1, size=(24, 4)), balancing])
    ref = _gymnasium_returns(task, w, episodes=5, seed=11)
    res = evaluate_linear(task, w, episodes=5, seed=11)
    np.testing.assert_array_equal(res.mean, ref.mean(axis=1))
    np.testing.assert_allclose(res.se, ref.std(axis=1, ddof=1) / np.sqrt(5), rtol=1e-12)
    assert ref.max() == 500  # the balancing policies reach the limit


def test_lane_kernel_equals_the_scalar_kernel():
    # Same candidates' mean and m2 bit for bit, for both integrators, the step limit
    # (short, so that it cuts episodes) and block sizes that split the candidates
    # unevenly: the lane kernel only lays the scalar kernel's work out differently.
    from fastrl.control._kernels import evaluate_kernel
    from fastrl.control._lane_kernels import _evaluate_linear_lanes

    rng = np.random.default_rng(5)
    w = np.vstack([rng.uniform(-1, 1, size=(70, 4)), rng.normal(size=(30, 4)) * [0.1, 1, 20, 3]])
    root = np.uint64(987654321)
    for integrator in ("euler", "semi-implicit euler"):
        params = CartPole(kinematics_integrator=integrator).params()
        for episodes, max_steps, block in ((7, 500, 32), (3, 37, 5), (1, 500, 1)):
            want = np.zeros((2, len(w)))
            evaluate_kernel(False)(params, w, root, 4, episodes, max_steps, -0.05, 0.05, 16, *want)
            got = np.full((2, len(w)), np.nan)
            _evaluate_linear_lanes(
                params, w, root, 4, episodes, max_steps, -0.05, 0.05, block, *got
            )
            np.testing.assert_array_equal(got, want)
        assert want[0].max() == max_steps  # some episodes reach the limit
