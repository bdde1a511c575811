"""Agents written the way a user writes them: outside the package, on the public protocol.

``UserEpsilonGreedy`` is the built-in epsilon-greedy with sample averages, in user code:
it must give the built-in's bits (and its speed, in ``fastrl bench``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastrl.bandits import Agent
from fastrl.policies import epsilon_greedy


@dataclass(frozen=True)
class UserEpsilonGreedy(Agent):
    """Epsilon-greedy with sample-average values."""

    epsilon: float = 0.1
    arrays = {"q": 0.0, "n": 0.0}

    @staticmethod
    def select(p, st, j, key, t):
        return epsilon_greedy(st.q, j, p.epsilon, key, t)

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]
