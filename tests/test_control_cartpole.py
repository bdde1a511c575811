"""CartPole dynamics: fastrl's trajectories equal Gymnasium's, and parameters are validated.

Gymnasium's single ``CartPoleEnv`` is driven directly (its state set to
fastrl's initial state, then stepped with the same actions), over more than a
thousand episodes, episode ends included. The comparison tolerance is 1e-12:
fastrl's sine and cosine are within one ulp of libm's (fdlibm's polynomials),
and Gymnasium takes ``np.cos``/``np.sin`` of numpy scalars, whose last bit may
differ from libm's by CPU (numpy's SIMD paths). A pole balanced for hundreds of
steps and replayed open loop (the same actions, no feedback) is unstable and
amplifies a last-bit difference about 1e6-fold over 500 steps (measured worst:
1.3e-8), so those episodes are compared to 1e-7, their ends exactly.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from gymnasium.envs.classic_control.cartpole import CartPoleEnv as GymCartPole

from fastrl.control import CartPole
from fastrl.control._dynamics import small_cos, small_sin
from fastrl.gym import CartPoleVectorEnv
from fastrl.gym._control_kernels import PARALLEL_MIN_ENVS

LIMIT = 500
GOOD = np.array([0.0, 0.0, 1.0, 1.0])  # balances for hundreds of steps, often all 500


def _gym_episodes(init, physics, seed, policy_eps):
    """Gymnasium's episodes from ``init[j]``; actions random (eps=1) or GOOD with eps noise.

    Returns per-episode (actions, states after each step, terminated, truncated)."""
    gen = np.random.default_rng(seed)
    env = GymCartPole()
    out = []
    for j in range(init.shape[0]):
        for name, value in physics.items():
            setattr(env, name, value[j] if np.ndim(value) else value)
        env.total_mass = env.masspole + env.masscart
        env.polemass_length = env.masspole * env.length
        env.state = init[j].copy()
        env.steps_beyond_terminated = None
        actions, states, terms, observations = [], [], [], []
        explore = (gen.random(LIMIT) < policy_eps).tolist()
        noise = gen.integers(2, size=LIMIT).tolist()
        for t in range(LIMIT):
            if explore[t]:
                a = noise[t]
            else:
                x, x_dot, theta, theta_dot = env.state
                a = int(GOOD[2] * theta + GOOD[3] * theta_dot > 0)
            obs, rew, term, _, _ = env.step(a)
            assert rew == 1.0
            actions.append(a)
            states.append(tuple(env.state))
            terms.append(term)
            observations.append(obs)
            if term:
                break
        truncs = [False] * len(terms)
        truncs[-1] = len(terms) == LIMIT
        states = np.array(states, dtype=np.float64)
        np.testing.assert_array_equal(np.array(observations), states.astype(np.float32))
        out.append((np.array(actions), states, np.array(terms), np.array(truncs)))
    return out


def _compare(num_envs, physics, seed, policy_eps, atol=1e-12):
    env = CartPoleVectorEnv(num_envs, max_episode_steps=LIMIT, **physics)
    obs, _ = env.reset(seed=seed)
    init = env.state
    np.testing.assert_array_equal(obs, init.astype(np.float32))
    assert np.all(np.abs(init) < 0.05)
    gym_physics = {k: v for k, v in physics.items() if k != "kinematics_integrator"}
    if "kinematics_integrator" in physics:
        gym_physics["kinematics_integrator"] = physics["kinematics_integrator"]
    episodes = _gym_episodes(init, gym_physics, seed, policy_eps)
    longest = max(len(e[0]) for e in episodes)
    actions = np.zeros((longest, num_envs), dtype=np.int64)
    for j, (a, *_rest) in enumerate(episodes):
        actions[: len(a), j] = a
    states = np.empty((longest, num_envs, 4))
    terms = np.empty((longest, num_envs), dtype=bool)
    truncs = np.empty((longest, num_envs), dtype=bool)
    for t in range(longest):
        obs, rew, terms[t], truncs[t], _ = env.step(actions[t])
        states[t] = env.state
        np.testing.assert_array_equal(obs, states[t].astype(np.float32))
    for j, (a, s, term, trunc) in enumerate(episodes):
        n = len(a)
        np.testing.assert_allclose(states[:n, j], s, rtol=0, atol=atol)
        np.testing.assert_array_equal(terms[:n, j], term)
        np.testing.assert_array_equal(truncs[:n, j], trunc)
    return episodes


def test_random_actions_match_gymnasium_over_1000_episodes():
    episodes = _compare(1000, {}, seed=0, policy_eps=1.0)
    assert all(e[2][-1] for e in episodes)  # random actions end every episode by termination


def test_long_episodes_match_gymnasium_including_truncation():
    episodes = _compare(40, {}, seed=1, policy_eps=0.05, atol=1e-7)
    ends = [bool(e[3][-1]) for e in episodes]
    assert any(ends) and not all(ends)  # both kinds of episode end are compared


def test_pole_angles_beyond_the_polynomials_match_gymnasium():
    # A 69-degree threshold: the pole passes pi/4, where the vector step's
    # polynomial pass hands the row to libm's sine and cosine (the polynomials there
    # are off by ~4e-13 after a few dozen steps: checked with the hand-off removed).
    episodes = _compare(200, {"theta_threshold_radians": 1.2}, seed=3, policy_eps=1.0, atol=1e-13)
    assert max(np.abs(e[1][:, 2]).max() for e in episodes) > 0.785
    assert all(e[2][-1] for e in episodes)


def test_per_run_parameters_and_semi_implicit_match_gymnasium():
    gen = np.random.default_rng(2)
    n = 200
    physics = dict(
        gravity=gen.uniform(5.0, 15.0, n),
        masscart=gen.uniform(0.5, 2.0, n),
        masspole=gen.uniform(0.05, 0.5, n),
        length=gen.uniform(0.25, 1.0, n),
        force_mag=gen.uniform(5.0, 15.0, n),
        tau=0.01,
        kinematics_integrator="semi-implicit euler",
    )
    _compare(n, physics, seed=2, policy_eps=1.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("masscart", -1.0),
        ("masscart", 0.0),
        ("masspole", -0.1),
        ("length", 0.0),
        ("length", [0.5, -0.5]),
        ("tau", 0.0),
        ("gravity", float("nan")),
        ("force_mag", -10.0),
        ("x_threshold", 0.0),
        ("theta_threshold_radians", -0.2),
    ],
)
def test_bad_parameters_name_themselves(name, value):
    with pytest.raises(ValueError, match=name):
        CartPole(**{name: value})


def test_bad_parameter_types_and_shapes():
    with pytest.raises(TypeError, match="length"):
        CartPole(length=True)
    with pytest.raises(TypeError, match="gravity"):
        CartPole(gravity=[[9.8]])
    with pytest.raises(TypeError, match="gravity"):
        CartPole(gravity="9.8")
    with pytest.raises(ValueError, match="one length"):
        CartPole(length=[0.5, 1.0], gravity=[9.8, 9.8, 9.8])
    with pytest.raises(ValueError, match="kinematics_integrator"):
        CartPole(kinematics_integrator="rk4")
    with pytest.raises(ValueError, match="max_episode_steps"):
        CartPole(max_episode_steps=0)


def test_parameter_table():
    p = CartPole(length=[0.5, 1.0]).params()
    assert p.shape[0] == 2 and p.dtype == np.float64
    assert CartPole().num_rows == 1


def test_sine_and_cosine_within_one_ulp_of_libm():
    """fdlibm's kernel polynomials on |x| <= 0.785 (the pole's angles); libm beyond."""
    gen = np.random.default_rng(5)
    xs = np.concatenate([gen.uniform(-0.785, 0.785, 20_000), [0.0, -0.0, 1e-300, 0.785, -0.785]])
    for x in xs.tolist():
        for mine, ref in ((small_sin(x), math.sin(x)), (small_cos(x), math.cos(x))):
            assert abs(mine - ref) <= np.spacing(abs(ref)), (x, mine, ref)
    for x in (0.786, -1.0, 3.0, 1e6):
        assert small_sin(x) == math.sin(x) and small_cos(x) == math.cos(x)


@pytest.mark.parametrize("mode", ["NextStep", "SameStep"])
def test_parallel_step_equals_the_serial_one(mode):
    """From PARALLEL_MIN_ENVS sub-environments on, the step runs on numba's threads."""
    n = PARALLEL_MIN_ENVS + 100
    envs = [CartPoleVectorEnv(n, autoreset_mode=mode) for _ in range(2)]
    serial = envs[1]._sim
    serial.task = dataclasses.replace(serial.task, parallel_step=None)
    outs = [env.reset(seed=3)[0] for env in envs]
    np.testing.assert_array_equal(outs[0], outs[1])
    gen = np.random.default_rng(4)
    ends = 0
    for _ in range(60):
        actions = gen.integers(0, 2, n)
        a, b = (env.step(actions) for env in envs)
        for x, y in zip(a[:4], b[:4], strict=True):
            np.testing.assert_array_equal(x, y)
        ends += int(a[2].sum())
    assert ends > n  # random actions end each episode after about 20 steps
