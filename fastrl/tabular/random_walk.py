"""The random walk of Sutton & Barto (example 6.2, figure 7.2) as a :class:`TabularMDP`.

Example
-------
>>> from fastrl.tabular import policy_evaluation
>>> import numpy as np
>>> mdp = random_walk(5)
>>> v = policy_evaluation(mdp, np.zeros(mdp.num_states, dtype=np.int64), 1.0).values
>>> np.round(v[1:-1] * 6, 6).tolist()
[1.0, 2.0, 3.0, 4.0, 5.0]
"""

from __future__ import annotations

import numpy as np

from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import check_memory, check_real, check_size

__all__ = ["random_walk"]


def random_walk(
    n_states: int = 5, left_reward: float = 0.0, right_reward: float = 1.0
) -> TabularMDP:
    """A random walk over ``n_states`` states between two terminal ends.

    Sutton & Barto (2018), example 6.2 (``random_walk(5)``: A..E, +1 on the
    right end, true values 1/6..5/6) and the 19-state walk of figure 7.2
    (``random_walk(19, left_reward=-1.0)``: true values ``-1 + 2 i / 20``).

    States ``0`` and ``n_states + 1`` are the terminal ends (absorbing
    self-loops with ``terminated=True`` and reward 0, like FrozenLake's holes);
    the walk's states are ``1 .. n_states``. There is one action (the walk is a
    Markov reward process): it moves left or right with probability 1/2 each,
    entries in that order. Entering state 0 pays ``left_reward``, entering
    ``n_states + 1`` pays ``right_reward`` (both terminate); every other move
    pays 0. Episodes start in the middle, state ``(n_states + 1) // 2`` (C of
    A..E; for an even ``n_states`` the right one of the two middle states). No
    episode limit (``max_episode_steps=None``).

    Parameters
    ----------
    n_states : int >= 1
        Number of non-terminal states.
    left_reward, right_reward : float
        Rewards of terminating on the left and on the right.

    Returns
    -------
    TabularMDP
        ``n_states + 2`` states, 1 action, 2 successors per ``(s, a)``.
    """
    n = check_size("n_states", n_states, low=1, high=2**26)
    check_memory({"n_states": 50 * (n + 2)})
    left_reward = check_real("left_reward", left_reward)
    right_reward = check_real("right_reward", right_reward)
    S = n + 2
    s = np.arange(S)
    next_state = np.stack([s - 1, s + 1], axis=-1)[:, None, :]
    prob = np.full((S, 1, 2), 0.5)
    reward = np.zeros((S, 1, 2))
    term = np.zeros((S, 1, 2), dtype=bool)
    reward[1, 0, 0], term[1, 0, 0] = left_reward, True
    reward[n, 0, 1], term[n, 0, 1] = right_reward, True
    for end in (0, S - 1):  # absorbing ends: one terminated self-loop, then padding
        next_state[end] = end
        prob[end, 0] = (1.0, 0.0)
        reward[end] = 0.0
        term[end, 0] = (True, False)
    initial = np.zeros(S)
    initial[(n + 1) // 2] = 1.0
    return TabularMDP(next_state, prob, reward, term, initial, f"RandomWalk-{n}")
