"""Vector step and reset kernels of the classic-control environments.

The same layout and autoreset conventions as :mod:`fastrl.gym._kernels`
(``resets``: the environment's reset counter, explicit and automatic resets
since it was seeded; ``ep_len``; ``keys``: one environment-stream key per
sub-environment; ``needs_reset``), with the float64 physical state
``state[N, 4]`` and float32 observations written as Gymnasium casts them. The
dynamics are :mod:`fastrl.control._dynamics`, shared with the search kernels;
they draw nothing, so reset number ``r`` draws the initial state at
``counter(r, 0..3)``: consecutive resets draw new states, and the first one
after seeding (``r = 0``) draws what it drew when the address was the step
counter.

Serial, like the tabular environment kernels (with the Python side of ``step``
dominating, a parallel kernel only adds a thread barrier that stalls whenever
another process holds a core), except CartPole's step from
:data:`PARALLEL_MIN_ENVS` sub-environments on: there the physics was 90% of a
``step`` of 4096 environments (measured, 2-core machine), and
:func:`_step_cartpole_parallel` runs shares of :data:`PARALLEL_CHUNK` rows on
numba's threads. Every row depends only on its own inputs, so both kernels give
the same bits. Within a share, the CartPole rows whose step ends no episode
take one vectorized pass (:func:`_step_cartpole_common`), the others the
scalar step.
"""

from __future__ import annotations

import math

import numpy as np

from fastrl._borrow import borrow
from fastrl._jit import ijit, jit, pjit, prange
from fastrl.control._dynamics import (
    POLY_LIMIT,
    acrobot_reset,
    acrobot_step,
    cartpole_advance,
    cartpole_constants,
    cartpole_ended,
    cartpole_reset,
    cartpole_step,
    continuous_mountain_car_step,
    mountain_car_reset,
    mountain_car_step,
    pendulum_reset,
    pendulum_step,
    poly_cos,
    poly_sin,
)
from fastrl.gym._kernels import MODE_NEXT_STEP, MODE_SAME_STEP


@ijit
def _write_obs(state, i, obs):
    for k in range(state.shape[1]):
        obs[i, k] = np.float32(state[i, k])


#: rows per share of the parallel CartPole step
PARALLEL_CHUNK = 1024
#: sub-environments from which the vector environment steps CartPole in parallel
PARALLEL_MIN_ENVS = 2 * PARALLEL_CHUNK


@jit
def _step_cartpole(
    params, keys, state, resets, ep_len, needs_reset, terminated, actions, max_steps, mode, low,
    high, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """Step every sub-environment once; ``max_steps`` 0 means no episode limit.

    ``terminated[i]`` remembers that the episode already terminated: stepping on
    (only the single environment allows it, as Gymnasium's ``CartPoleEnv`` does)
    returns reward 0.
    """
    _step_cartpole_rows(
        0, state.shape[0], params, keys, state, resets, ep_len, needs_reset, terminated, actions,
        max_steps, mode, low, high, obs, rew, term, trunc, final_obs,
    )  # fmt: skip


@pjit
def _step_cartpole_parallel(
    params, keys, state, resets, ep_len, needs_reset, terminated, actions, max_steps, mode, low,
    high, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """:func:`_step_cartpole` in shares of ``PARALLEL_CHUNK`` rows on numba's threads."""
    n = state.shape[0]
    for c in prange((n + PARALLEL_CHUNK - 1) // PARALLEL_CHUNK):
        lo = c * PARALLEL_CHUNK
        _step_cartpole_rows(
            lo, min(lo + PARALLEL_CHUNK, n), params, keys, state, resets, ep_len, needs_reset,
            terminated, actions, max_steps, mode, low, high, obs, rew, term, trunc, final_obs,
        )  # fmt: skip


@jit
def _step_cartpole_common(
    lo, hi, params, flat, ep_len, needs_reset, actions, max_steps, mode, flat_obs, flat_final,
    special,
):  # fmt: skip
    """The common case of rows ``lo .. hi - 1`` in one vectorized pass; ``special`` marks the rest.

    ``flat``, ``flat_obs``, ``flat_final`` are the ``[N, 4]`` state and
    observations raveled; one row of ``params`` for all. A row is common when its
    step neither resets, ends nor truncates an episode and its pole angle is within
    the polynomials (``|theta| <= POLY_LIMIT``): this pass writes its new state,
    episode length and both observations. Every other row keeps its state and
    length (selects, not branches) and gets ``special[i - lo]``, for the caller's
    scalar step. No call and no branch in the loop, so LLVM vectorizes it;
    unsigned indices spare it numba's negative-index wraparound, which had kept
    the loop scalar.
    """
    (force_mag, gravity, masspole, total_mass, length, polemass_length, tau, semi, x_lim,
     theta_lim) = cartpole_constants(params, 0)  # fmt: skip
    next_mode = mode == MODE_NEXT_STEP
    limited = max_steps > 0
    one, two, three = np.uint64(1), np.uint64(2), np.uint64(3)
    for i in range(lo, hi):
        u = np.uint64(i)
        k = np.uint64(4 * i)
        x0, x_dot0, theta0, theta_dot0 = flat[k], flat[k + one], flat[k + two], flat[k + three]
        force = force_mag if actions[u] == 1 else -force_mag
        x, x_dot, theta, theta_dot = cartpole_advance(
            x0, x_dot0, theta0, theta_dot0, force, poly_cos(theta0), poly_sin(theta0), gravity,
            masspole, total_mass, length, polemass_length, tau, semi,
        )  # fmt: skip
        ended = cartpole_ended(x, theta, x_lim, theta_lim)
        el = ep_len[u]
        cut = limited & (el + 1 >= max_steps)
        rare = (next_mode & needs_reset[u]) | ended | cut | (abs(theta0) > POLY_LIMIT)
        special[u - np.uint64(lo)] = rare
        flat[k] = x0 if rare else x
        flat[k + one] = x_dot0 if rare else x_dot
        flat[k + two] = theta0 if rare else theta
        flat[k + three] = theta_dot0 if rare else theta_dot
        ep_len[u] = el if rare else el + 1
        # both observations as Gymnasium casts them (a special row's are rewritten)
        fx, fx_dot = np.float32(x), np.float32(x_dot)
        ftheta, ftheta_dot = np.float32(theta), np.float32(theta_dot)
        flat_obs[k], flat_obs[k + one] = fx, fx_dot
        flat_obs[k + two], flat_obs[k + three] = ftheta, ftheta_dot
        flat_final[k], flat_final[k + one] = fx, fx_dot
        flat_final[k + two], flat_final[k + three] = ftheta, ftheta_dot


@jit
def _step_cartpole_rows(
    lo, hi, params, keys, state, resets, ep_len, needs_reset, terminated, actions, max_steps,
    mode, low, high, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """Rows ``lo .. hi - 1`` of :func:`_step_cartpole` (a called function: in a parfor
    body numba has dropped in-place writes of inlined code).

    With one row of physics, a vectorized pass (:func:`_step_cartpole_common`)
    steps every row whose step ends nothing; this loop finishes those rows and
    steps the others one by one, as before (measured, 4096 rows, one thread:
    85-90 -> 43-46 us a step, the same bits; before the pass 118-125 us). With
    physics per row, every row steps here.
    """
    multi = params.shape[0] > 1
    special = np.ones(hi - lo, dtype=np.bool_)
    if not multi:
        _step_cartpole_common(
            lo, hi, params, state.reshape(-1), ep_len, needs_reset, actions, max_steps, mode,
            obs.reshape(-1), final_obs.reshape(-1), special,
        )  # fmt: skip
    for i in range(lo, hi):
        if not special[i - lo]:
            rew[i] = 0.0 if terminated[i] else 1.0
            term[i] = False
            trunc[i] = False
            continue
        r = i if multi else 0
        if mode == MODE_NEXT_STEP and needs_reset[i]:
            nr = resets[i]
            resets[i] = nr + 1
            state[i, 0], state[i, 1], state[i, 2], state[i, 3] = cartpole_reset(
                keys[i], nr, low, high
            )
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
            _write_obs(state, i, obs)
            _write_obs(state, i, final_obs)
            rew[i] = 0.0
            term[i] = False
            trunc[i] = False
            continue
        x, x_dot, theta, theta_dot, done = cartpole_step(
            params, r, state[i, 0], state[i, 1], state[i, 2], state[i, 3], actions[i]
        )
        state[i, 0] = x
        state[i, 1] = x_dot
        state[i, 2] = theta
        state[i, 3] = theta_dot
        rew[i] = 0.0 if terminated[i] else 1.0
        terminated[i] = terminated[i] or done
        el = ep_len[i] + 1
        cut = max_steps > 0 and el >= max_steps
        term[i] = done
        trunc[i] = cut
        _write_obs(state, i, final_obs)
        if done or cut:
            if mode == MODE_SAME_STEP:
                nr = resets[i]
                resets[i] = nr + 1
                state[i, 0], state[i, 1], state[i, 2], state[i, 3] = cartpole_reset(
                    keys[i], nr, low, high
                )
                terminated[i] = False
                el = 0
            else:
                needs_reset[i] = True
        ep_len[i] = el
        _write_obs(state, i, obs)


@jit
def _reset_cartpole(keys, state, resets, ep_len, needs_reset, terminated, mask, low, high, obs):
    """Reset the sub-environments where ``mask``; ``obs`` gets every current observation."""
    for i in range(state.shape[0]):
        if mask[i]:
            nr = resets[i]
            resets[i] = nr + 1
            state[i, 0], state[i, 1], state[i, 2], state[i, 3] = cartpole_reset(
                keys[i], nr, low, high
            )
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
        _write_obs(state, i, obs)


@jit
def _step_mountain_car(
    params, keys, state, resets, ep_len, needs_reset, terminated, actions, max_steps, mode, low,
    high, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """Step every MountainCar sub-environment once (the layout of :func:`_step_cartpole`)."""
    # Borrowed (fastrl._borrow): the inlined mountain_car_step copied params with
    # atomic reference counting, 65% of a step (perf; numba pruned it elsewhere).
    params = borrow(params)
    multi = params.shape[0] > 1
    for i in range(state.shape[0]):
        r = i if multi else 0
        if mode == MODE_NEXT_STEP and needs_reset[i]:
            nr = resets[i]
            resets[i] = nr + 1
            state[i, 0], state[i, 1] = mountain_car_reset(keys[i], nr, low, high)
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
            _write_obs(state, i, obs)
            _write_obs(state, i, final_obs)
            rew[i] = 0.0
            term[i] = False
            trunc[i] = False
            continue
        position, velocity, done = mountain_car_step(
            params, r, state[i, 0], state[i, 1], actions[i]
        )
        state[i, 0] = position
        state[i, 1] = velocity
        rew[i] = -1.0
        terminated[i] = terminated[i] or done
        el = ep_len[i] + 1
        cut = max_steps > 0 and el >= max_steps
        term[i] = done
        trunc[i] = cut
        _write_obs(state, i, final_obs)
        if done or cut:
            if mode == MODE_SAME_STEP:
                nr = resets[i]
                resets[i] = nr + 1
                state[i, 0], state[i, 1] = mountain_car_reset(keys[i], nr, low, high)
                terminated[i] = False
                el = 0
            else:
                needs_reset[i] = True
        ep_len[i] = el
        _write_obs(state, i, obs)


@jit
def _reset_mountain_car(keys, state, resets, ep_len, needs_reset, terminated, mask, low, high, obs):
    """Reset the MountainCar sub-environments where ``mask``; ``obs`` gets every observation."""
    for i in range(state.shape[0]):
        if mask[i]:
            nr = resets[i]
            resets[i] = nr + 1
            state[i, 0], state[i, 1] = mountain_car_reset(keys[i], nr, low, high)
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
        _write_obs(state, i, obs)


@ijit
def _acrobot_obs(state, i, obs):
    # AcrobotEnv._get_ob: [cos t1, sin t1, cos t2, sin t2, dt1, dt2] as float32.
    obs[i, 0] = np.float32(math.cos(state[i, 0]))
    obs[i, 1] = np.float32(math.sin(state[i, 0]))
    obs[i, 2] = np.float32(math.cos(state[i, 1]))
    obs[i, 3] = np.float32(math.sin(state[i, 1]))
    obs[i, 4] = np.float32(state[i, 2])
    obs[i, 5] = np.float32(state[i, 3])


@ijit
def _acrobot_reset_row(keys, state, i, resets, low, high):
    nr = resets[i]
    resets[i] = nr + 1
    state[i, 0], state[i, 1], state[i, 2], state[i, 3] = acrobot_reset(keys[i], nr, low, high)


@jit
def _step_acrobot(
    params, keys, state, resets, ep_len, needs_reset, terminated, actions, max_steps, mode, low,
    high, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """Step every Acrobot sub-environment once (the layout of :func:`_step_cartpole`)."""
    multi = params.shape[0] > 1
    for i in range(state.shape[0]):
        r = i if multi else 0
        if mode == MODE_NEXT_STEP and needs_reset[i]:
            _acrobot_reset_row(keys, state, i, resets, low, high)
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
            _acrobot_obs(state, i, obs)
            _acrobot_obs(state, i, final_obs)
            rew[i] = 0.0
            term[i] = False
            trunc[i] = False
            continue
        n0, n1, n2, n3, done = acrobot_step(
            params, r, state[i, 0], state[i, 1], state[i, 2], state[i, 3], actions[i]
        )
        state[i, 0] = n0
        state[i, 1] = n1
        state[i, 2] = n2
        state[i, 3] = n3
        rew[i] = 0.0 if done else -1.0
        terminated[i] = terminated[i] or done
        el = ep_len[i] + 1
        cut = max_steps > 0 and el >= max_steps
        term[i] = done
        trunc[i] = cut
        _acrobot_obs(state, i, final_obs)
        if done or cut:
            if mode == MODE_SAME_STEP:
                _acrobot_reset_row(keys, state, i, resets, low, high)
                terminated[i] = False
                el = 0
            else:
                needs_reset[i] = True
        ep_len[i] = el
        _acrobot_obs(state, i, obs)


@jit
def _reset_acrobot(keys, state, resets, ep_len, needs_reset, terminated, mask, low, high, obs):
    """Reset the Acrobot sub-environments where ``mask``; ``obs`` gets every observation."""
    for i in range(state.shape[0]):
        if mask[i]:
            _acrobot_reset_row(keys, state, i, resets, low, high)
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
        _acrobot_obs(state, i, obs)


@ijit
def _pendulum_obs(state, i, obs):
    # PendulumEnv._get_obs: [cos theta, sin theta, theta_dot] as float32.
    obs[i, 0] = np.float32(math.cos(state[i, 0]))
    obs[i, 1] = np.float32(math.sin(state[i, 0]))
    obs[i, 2] = np.float32(state[i, 1])


@jit
def _step_pendulum(
    params, keys, state, resets, ep_len, needs_reset, terminated, actions, max_steps, mode, low,
    high, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """Step every Pendulum sub-environment once; ``actions`` float32 torques, ``low``/``high``
    the reset's ``x_init``/``y_init``. The episode ends only by truncation."""
    multi = params.shape[0] > 1
    for i in range(state.shape[0]):
        r = i if multi else 0
        if mode == MODE_NEXT_STEP and needs_reset[i]:
            nr = resets[i]
            resets[i] = nr + 1
            state[i, 0], state[i, 1] = pendulum_reset(keys[i], nr, low, high)
            ep_len[i] = 0
            needs_reset[i] = False
            _pendulum_obs(state, i, obs)
            _pendulum_obs(state, i, final_obs)
            rew[i] = 0.0
            term[i] = False
            trunc[i] = False
            continue
        th, thdot, reward = pendulum_step(params, r, state[i, 0], state[i, 1], actions[i])
        state[i, 0] = th
        state[i, 1] = thdot
        rew[i] = reward
        el = ep_len[i] + 1
        cut = max_steps > 0 and el >= max_steps
        term[i] = False
        trunc[i] = cut
        _pendulum_obs(state, i, final_obs)
        if cut:
            if mode == MODE_SAME_STEP:
                nr = resets[i]
                resets[i] = nr + 1
                state[i, 0], state[i, 1] = pendulum_reset(keys[i], nr, low, high)
                el = 0
            else:
                needs_reset[i] = True
        ep_len[i] = el
        _pendulum_obs(state, i, obs)


@jit
def _reset_pendulum(keys, state, resets, ep_len, needs_reset, terminated, mask, low, high, obs):
    """Reset the Pendulum sub-environments where ``mask``; ``obs`` gets every observation."""
    for i in range(state.shape[0]):
        if mask[i]:
            nr = resets[i]
            resets[i] = nr + 1
            state[i, 0], state[i, 1] = pendulum_reset(keys[i], nr, low, high)
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
        _pendulum_obs(state, i, obs)


@jit
def _step_continuous_mountain_car(
    params, keys, state, resets, ep_len, needs_reset, terminated, actions, max_steps, mode, low,
    high, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """Step every MountainCarContinuous sub-environment once; ``actions`` float32 forces."""
    multi = params.shape[0] > 1
    for i in range(state.shape[0]):
        r = i if multi else 0
        if mode == MODE_NEXT_STEP and needs_reset[i]:
            nr = resets[i]
            resets[i] = nr + 1
            state[i, 0], state[i, 1] = mountain_car_reset(keys[i], nr, low, high)
            ep_len[i] = 0
            needs_reset[i] = False
            terminated[i] = False
            _write_obs(state, i, obs)
            _write_obs(state, i, final_obs)
            rew[i] = 0.0
            term[i] = False
            trunc[i] = False
            continue
        # A state straight from a reset is float64 in Gymnasium, float32 after any step.
        position, velocity, done, reward = continuous_mountain_car_step(
            params, r, state[i, 0], state[i, 1], actions[i], ep_len[i] == 0
        )
        state[i, 0] = position
        state[i, 1] = velocity
        rew[i] = reward
        terminated[i] = terminated[i] or done
        el = ep_len[i] + 1
        cut = max_steps > 0 and el >= max_steps
        term[i] = done
        trunc[i] = cut
        _write_obs(state, i, final_obs)
        if done or cut:
            if mode == MODE_SAME_STEP:
                nr = resets[i]
                resets[i] = nr + 1
                state[i, 0], state[i, 1] = mountain_car_reset(keys[i], nr, low, high)
                terminated[i] = False
                el = 0
            else:
                needs_reset[i] = True
        ep_len[i] = el
        _write_obs(state, i, obs)
