"""Vector step and reset kernels of the Gymnasium bandit environments.

One call pulls an arm in every sub-environment. The problem's side (true
values, rewards, drift, change points) is :mod:`fastrl.bandits._dynamics`,
shared with ``simulate``, at the same draw addresses: a sub-environment
seeded with ``s`` is run 0 of ``simulate(seed=s)`` for its first episode.
Change points count the steps of an episode, so every episode of a seed
replays the same piecewise problem (as every episode starts from the same
drawn values); drift and rewards run on the global step ``t``.

State, environment axis first: ``means[n, k]`` (current values), ``seg`` and
``change_at`` (int64: the current segment and the episode step of the next
change point), ``t`` (global step), ``ep_len`` and ``needs_reset``. Autoreset
modes as in :mod:`fastrl.gym._kernels`.
"""

from __future__ import annotations

import numpy as np

from fastrl._jit import jit
from fastrl.bandits._dynamics import (
    NEVER,
    change_key,
    draw_reward,
    drift_means,
    init_means,
    next_change,
    segment_means,
)
from fastrl.gym._kernels import MODE_NEXT_STEP, MODE_SAME_STEP


@jit
def _restart(means_code, means_in, params, change_points, piecewise, key, means, seg, change_at, i):
    # Sub-environment i back at its first step: segment 0's values, the first change point.
    row = 0 if piecewise or means_in.shape[0] == 1 else i
    init_means(means_code, means_in, row, params[0], params[1], key, means, i)
    seg[i] = 0
    change_at[i] = NEVER
    if piecewise:
        change_at[i] = next_change(change_points, params[3], 0, np.int64(0), change_key(key))


@jit
def _step_bandit(
    reward_code, means_code, means_in, params, drift_std, change_points, piecewise,
    problem_keys, env_keys, extra_keys, means, seg, change_at, t, ep_len, needs_reset, actions,
    max_steps, mode, rew, trunc,
):  # fmt: skip
    """Pull one arm in every sub-environment; the episode ends only by truncation."""
    k = means.shape[1]
    for i in range(t.shape[0]):
        if mode == MODE_NEXT_STEP and needs_reset[i]:
            _restart(
                means_code, means_in, params, change_points, piecewise, problem_keys[i], means,
                seg, change_at, i,
            )  # fmt: skip
            ep_len[i] = 0
            needs_reset[i] = False
            rew[i] = 0.0
            trunc[i] = False
            continue
        el = ep_len[i]
        if piecewise and el == change_at[i]:
            s = seg[i] + 1
            seg[i] = s
            segment_means(
                means_code, means_in, s, s, params[0], params[1], problem_keys[i], means, i
            )
            change_at[i] = next_change(
                change_points, params[3], s, np.int64(el), change_key(problem_keys[i])
            )
        ti = t[i]
        a = actions[i]
        rew[i] = draw_reward(reward_code, means[i, a], params[2], env_keys[i], ti, a, k)
        if drift_std > 0.0:
            drift_means(reward_code, means, i, drift_std, extra_keys[i], ti)
        t[i] = ti + 1
        el += 1
        cut = max_steps > 0 and el >= max_steps
        trunc[i] = cut
        if cut:
            if mode == MODE_SAME_STEP:
                _restart(
                    means_code, means_in, params, change_points, piecewise, problem_keys[i],
                    means, seg, change_at, i,
                )  # fmt: skip
                el = 0
            else:
                needs_reset[i] = True
        ep_len[i] = el


@jit
def _reset_bandit(
    means_code, means_in, params, change_points, piecewise, problem_keys, means, seg, change_at,
    ep_len, needs_reset, mask,
):  # fmt: skip
    """Restore the arm values and episode length of the sub-environments where ``mask``."""
    for i in range(means.shape[0]):
        if mask[i]:
            _restart(
                means_code, means_in, params, change_points, piecewise, problem_keys[i], means,
                seg, change_at, i,
            )  # fmt: skip
            ep_len[i] = 0
            needs_reset[i] = False
