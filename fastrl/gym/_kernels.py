"""Vector step and reset kernels of the Gymnasium environments.

One call advances every sub-environment by one step, autoreset included, so a
vector ``step`` costs one numba call and no per-environment Python. State is
struct-of-arrays with the environment axis first: ``s`` (int64), ``t``
(int64, the environment's global step counter, never reset by an episode
reset), ``resets`` (int64, the environment's reset counter: resets since it
was seeded), ``ep_len`` (int64, steps of the current episode), ``keys``
(uint64, one environment-stream key per sub-environment) and ``needs_reset``
(bool, the previous step ended the episode).

Draw addresses: reset number ``r`` of an environment (explicit or automatic)
draws ``uniform(key, counter(r, SLOT_RESET))``, and each step draws
``uniform(key, counter(t, SLOT_TRANSITION))``. Resets have their own counter
so that consecutive ``reset()`` calls with no step in between draw new start
states (Gymnasium's toy-text environments do); the first reset after seeding
(``r = t = 0``) draws what the tabular episode loop of
:mod:`fastrl.tabular._dynamics` draws for its first episode. The bandit
kernels are in :mod:`fastrl.gym._bandit_kernels`.

Autoreset mode codes: :data:`MODE_NEXT_STEP` (a step of a finished
environment resets it and returns reward 0, not terminated, not truncated),
:data:`MODE_SAME_STEP` (a finishing step resets at once; ``final_obs`` keeps
the last observation) and :data:`MODE_DISABLED` (finished environments wait
for ``reset``; the public layer refuses to step them).
"""

from __future__ import annotations

import numpy as np

from fastrl._borrow import borrow
from fastrl._jit import jit
from fastrl.rng import counter, run_key, uniform
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step_cdf, sample_initial

MODE_NEXT_STEP = 0
MODE_SAME_STEP = 1
MODE_DISABLED = 2

# Serial kernels, on purpose. Measured with 4096 FrozenLake sub-environments
# on the 2-core machine: a prange-over-blocks (pjit) kernel matched the serial
# one when the machine was idle (about 55 million steps/s each, the Python side
# of ``step`` dominating), but dropped to 0.5 million whenever another process
# held a core, since every step waits at the thread barrier for a descheduled
# worker; the serial kernel keeps its speed. Moving the per-environment body
# into an inlined helper shared by a serial and a parallel driver made the
# serial kernel 3x slower (10 vs 29 million steps/s side by side), so there is
# one plain loop per family.


@jit
def _step_tabular(
    next_state, cum, last_entry, reward, terminated, initial, keys, s, t, resets, ep_len,
    needs_reset, actions, max_steps, mode, obs, rew, term, trunc, final_obs, draws,
):  # fmt: skip
    """Step every sub-environment once; ``max_steps`` 0 means no episode limit.

    ``cum``, ``last_entry``: the model's successor tables
    (:func:`fastrl.tabular._dynamics.successor_tables`).

    ``draws[i]`` gets the uniform that chose the transition (kept on autoreset
    steps), from which the single environment finds the sampled entry.
    """
    # Borrowed views (fastrl._borrow): the inlined env_step copied the model
    # arrays with atomic reference counting, 75% of a FrozenLake step (perf).
    next_state, cum, last_entry = borrow(next_state), borrow(cum), borrow(last_entry)
    reward, terminated, initial = borrow(reward), borrow(terminated), borrow(initial)
    multi = next_state.shape[0] > 1
    for i in range(s.shape[0]):
        n = i if multi else 0
        key = keys[i]
        ti = t[i]
        if mode == MODE_NEXT_STEP and needs_reset[i]:
            s0 = sample_initial(initial, n, uniform(key, counter(resets[i], SLOT_RESET)))
            resets[i] += 1
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
        draws[i] = u
        s_next, r, done = env_step_cdf(
            next_state, cum, last_entry, reward, terminated, n, s[i], actions[i], u
        )
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
                s_next = sample_initial(initial, n, uniform(key, counter(resets[i], SLOT_RESET)))
                resets[i] += 1
                el = 0
            else:
                needs_reset[i] = True
        s[i] = s_next
        ep_len[i] = el
        obs[i] = s_next


@jit
def _reset_tabular(initial, keys, s, resets, ep_len, needs_reset, mask, obs):
    """Reset the sub-environments where ``mask``; ``obs`` gets every current state."""
    initial = borrow(initial)
    multi = initial.shape[0] > 1
    for i in range(s.shape[0]):
        if mask[i]:
            n = i if multi else 0
            s[i] = sample_initial(initial, n, uniform(keys[i], counter(resets[i], SLOT_RESET)))
            resets[i] += 1
            ep_len[i] = 0
            needs_reset[i] = False
        obs[i] = s[i]


@jit
def _derive_keys(roots, out):
    """Key of run 0 of each root: the key of a sub-environment seeded on its own."""
    for j in range(roots.shape[0]):
        out[j] = run_key(roots[j], np.uint64(0))
