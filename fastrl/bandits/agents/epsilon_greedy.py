"""Epsilon-greedy action values (Sutton & Barto 2.2-2.5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents._values import check_alpha, update_value
from fastrl.policies import epsilon_greedy
from fastrl.schedules import SCHED_CONSTANT, Schedule, as_schedule, schedule_value
from fastrl.validation import check_real

__all__ = ["EpsilonGreedy"]


@dataclass(frozen=True)
class EpsilonGreedy(Agent):
    """Epsilon-greedy action values (Sutton & Barto 2.2-2.5).

    Parameters
    ----------
    epsilon : float
        Exploration probability in [0, 1] (the start value under a schedule).
    alpha : float or None
        Constant step size in (0, 1]; ``None`` for sample averages.
    initial_value : float
        Initial action-value estimate (optimistic values encourage exploration).
    schedule : Schedule, str or None
        How epsilon changes with the step: ``"constant"``, ``"1/t"``,
        ``Schedule("exponential", decay=...)``, ``Schedule("linear", floor=..., duration=...)``.

    Ties between greedy arms are broken uniformly at random.
    """

    epsilon: float = 0.1
    alpha: float | None = None
    initial_value: float = 0.0
    schedule: Schedule | str | None = field(default=None)

    arrays = {"q": "initial_value", "n": 0.0}

    def __post_init__(self):
        object.__setattr__(self, "epsilon", check_real("epsilon", self.epsilon, low=0.0, high=1.0))
        object.__setattr__(self, "initial_value", check_real("initial_value", self.initial_value))
        check_alpha(self.alpha)
        object.__setattr__(self, "schedule", as_schedule(self.schedule))
        if self.schedule.floor > 1.0:
            raise ValueError(f"schedule floor must be <= 1 for epsilon, got {self.schedule.floor}")

    def params(self, problem):
        return dict(
            epsilon=self.epsilon,
            alpha=check_alpha(self.alpha),
            initial_value=self.initial_value,
            **self.schedule.record(),
        )

    def hooks(self, problem):
        constant = self.schedule.code == SCHED_CONSTANT
        return (select if constant else select_annealed), update


@ijit
def select(p, st, j, key, t):
    eps = schedule_value(SCHED_CONSTANT, p.epsilon, p.decay, p.floor, p.duration, t)
    return epsilon_greedy(st.q, j, eps, key, t)


@ijit
def select_annealed(p, st, j, key, t):
    eps = schedule_value(p.schedule, p.epsilon, p.decay, p.floor, p.duration, t)
    return epsilon_greedy(st.q, j, eps, key, t)


@ijit
def update(p, st, j, a, r, key, t):
    # n is counted only where it is read (sample averages).
    if p.alpha <= 0.0:
        st.n[j, a] += 1.0
    update_value(st.q, st.n, j, a, r, p.alpha)
