"""Vector step and reset kernels of the Gymnasium environments.

One call advances every sub-environment by one step, autoreset included, so a
vector ``step`` costs one numba call and no per-environment Python. State is
struct-of-arrays with the environment axis first: ``s`` (int64), ``t``
(int64, the environment's global step counter, never reset by an episode
reset), ``ep_len`` (int64, steps of the current episode), ``keys`` (uint64,
one environment-stream key per sub-environment) and ``needs_reset`` (bool,
the previous step ended the episode).

Draw addresses follow the episode loop convention of
:mod:`fastrl.tabular._dynamics`: the reset of an episode draws
``uniform(key, counter(t, SLOT_RESET))`` with the ``t`` of the episode's first
step, and each step draws ``uniform(key, counter(t, SLOT_TRANSITION))``.
Bandit rewards and drifts use the addresses of fastrl.bandits' driver
(counter ``t * k + a`` of the environment and extra streams), and drawn arm
values counter ``a`` of the problem stream.

Autoreset mode codes: :data:`MODE_NEXT_STEP` (a step of a finished
environment resets it and returns reward 0, not terminated, not truncated),
:data:`MODE_SAME_STEP` (a finishing step resets at once; ``final_obs`` keeps
the last observation) and :data:`MODE_DISABLED` (finished environments wait
for ``reset``; the public layer refuses to step them).
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import ijit, jit, pjit, prange
from fastrl.bandits.problems import MEANS_GIVEN, MEANS_UNIFORM, REWARD_BERNOULLI
from fastrl.rng import counter, normal, run_key, uniform
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial

MODE_NEXT_STEP = 0
MODE_SAME_STEP = 1
MODE_DISABLED = 2

#: sub-environments per parallel block. Measured at 4096 FrozenLake envs on 2
#: cores: parallel and serial kernels both reach about 57 million steps/s (the
#: Python side of ``step`` dominates); the parallel one scales with more cores.
BLOCK = 256


# The bandit helpers below draw from the same addresses as fastrl.bandits'
# driver (its private helpers are not a stable interface, so they are not
# imported): arm value a from counter a of the problem stream, the reward of
# arm a at step t from counter t * k + a of the environment stream, and its
# drift from the same counter of the extra stream.


@ijit
def _init_means(means_code, means_in, row, loc, scale, key, out):
    for a in range(out.shape[0]):
        if means_code == MEANS_GIVEN:
            out[a] = means_in[row, a]
        elif means_code == MEANS_UNIFORM:
            out[a] = uniform(key, np.uint64(a))
        else:
            out[a] = loc + scale * normal(key, np.uint64(a))


@ijit
def _reward(reward_code, mean, reward_std, key, t, a, k):
    c = np.uint64(t) * np.uint64(k) + np.uint64(a)
    if reward_code == REWARD_BERNOULLI:
        return 1.0 if uniform(key, c) < mean else 0.0
    return mean + reward_std * normal(key, c)


@ijit
def _drift(reward_code, means, drift_std, key, t):
    k = means.shape[0]
    for a in range(k):
        m = means[a] + drift_std * normal(key, np.uint64(t) * np.uint64(k) + np.uint64(a))
        if reward_code == REWARD_BERNOULLI:
            m = min(max(m, 0.0), 1.0)
        means[a] = m


@pjit
def _step_tabular(
    next_state, prob, reward, terminated, initial, keys, s, t, ep_len, needs_reset,
    actions, max_steps, mode, obs, rew, term, trunc, final_obs,
):  # fmt: skip
    """Step every sub-environment once; ``max_steps`` 0 means no episode limit."""
    num_envs = s.shape[0]
    multi = next_state.shape[0] > 1
    num_blocks = (num_envs + BLOCK - 1) // BLOCK
    for b in prange(num_blocks):
        for i in range(b * BLOCK, min((b + 1) * BLOCK, num_envs)):
            n = i if multi else 0
            key = keys[i]
            ti = t[i]
            if mode == MODE_NEXT_STEP and needs_reset[i]:
                s0 = sample_initial(initial, n, uniform(key, counter(ti, SLOT_RESET)))
                s[i] = s0
                ep_len[i] = 0
                needs_reset[i] = False
                obs[i] = s0
                final_obs[i] = s0
                rew[i] = 0.0
                term[i] = False
                trunc[i] = False
                continue
            u = uniform(key, counter(ti, SLOT_TRANSITION))
            s_next, r, done = env_step(next_state, prob, reward, terminated, n, s[i], actions[i], u)
            ti += 1
            el = ep_len[i] + 1
            cut = max_steps > 0 and el >= max_steps
            t[i] = ti
            rew[i] = r
            term[i] = done
            trunc[i] = cut
            final_obs[i] = s_next
            if done or cut:
                if mode == MODE_SAME_STEP:
                    s_next = sample_initial(initial, n, uniform(key, counter(ti, SLOT_RESET)))
                    el = 0
                else:
                    needs_reset[i] = True
            s[i] = s_next
            ep_len[i] = el
            obs[i] = s_next


@jit
def _reset_tabular(initial, keys, s, t, ep_len, needs_reset, mask, obs):
    """Reset the sub-environments where ``mask``; ``obs`` gets every current state."""
    multi = initial.shape[0] > 1
    for i in range(s.shape[0]):
        if mask[i]:
            n = i if multi else 0
            s[i] = sample_initial(initial, n, uniform(keys[i], counter(t[i], SLOT_RESET)))
            ep_len[i] = 0
            needs_reset[i] = False
        obs[i] = s[i]


@pjit
def _step_bandit(
    reward_code, means_code, means_in, loc, scale, reward_std, drift_std, problem_keys,
    env_keys, extra_keys, means, t, ep_len, needs_reset, actions, max_steps, mode, rew, trunc,
):  # fmt: skip
    """Pull one arm in every sub-environment; the episode ends only by truncation."""
    num_envs = t.shape[0]
    k = means.shape[1]
    multi = means_in.shape[0] > 1
    num_blocks = (num_envs + BLOCK - 1) // BLOCK
    for b in prange(num_blocks):
        for i in range(b * BLOCK, min((b + 1) * BLOCK, num_envs)):
            row = i if multi else 0
            if mode == MODE_NEXT_STEP and needs_reset[i]:
                _init_means(means_code, means_in, row, loc, scale, problem_keys[i], means[i])
                ep_len[i] = 0
                needs_reset[i] = False
                rew[i] = 0.0
                trunc[i] = False
                continue
            ti = t[i]
            a = actions[i]
            rew[i] = _reward(reward_code, means[i, a], reward_std, env_keys[i], ti, a, k)
            if drift_std > 0.0:
                _drift(reward_code, means[i], drift_std, extra_keys[i], ti)
            t[i] = ti + 1
            el = ep_len[i] + 1
            cut = max_steps > 0 and el >= max_steps
            trunc[i] = cut
            if cut:
                if mode == MODE_SAME_STEP:
                    _init_means(means_code, means_in, row, loc, scale, problem_keys[i], means[i])
                    el = 0
                else:
                    needs_reset[i] = True
            ep_len[i] = el


@jit
def _reset_bandit(means_code, means_in, loc, scale, problem_keys, means, ep_len, needs_reset, mask):
    """Restore the arm values and episode length of the sub-environments where ``mask``."""
    multi = means_in.shape[0] > 1
    for i in range(means.shape[0]):
        if mask[i]:
            row = i if multi else 0
            _init_means(means_code, means_in, row, loc, scale, problem_keys[i], means[i])
            ep_len[i] = 0
            needs_reset[i] = False


@jit
def _derive_keys(roots, out):
    """Key of run 0 of each root: the key of a sub-environment seeded on its own."""
    for j in range(roots.shape[0]):
        out[j] = run_key(roots[j], np.uint64(0))
