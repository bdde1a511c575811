"""Boltzmann (softmax) selection over action values."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fastrl._jit import ijit
from fastrl.bandits.agents._base import Agent
from fastrl.bandits.agents._values import check_alpha, update_value
from fastrl.policies import softmax
from fastrl.schedules import SCHED_CONSTANT, Schedule, as_schedule, schedule_value
from fastrl.validation import check_real

__all__ = ["Softmax"]


@dataclass(frozen=True)
class Softmax(Agent):
    """Boltzmann (softmax) selection over action values, inverse temperature ``beta``.

    Parameters
    ----------
    beta : float
        Inverse temperature, > 0; larger is greedier.
    alpha : float or None
        Constant step size in (0, 1]; ``None`` for sample averages.
    initial_value : float
        Initial action-value estimate.
    schedule : Schedule, str or None
        Annealing of the temperature ``1 / beta`` with the step (``floor`` is
        the lowest temperature; a temperature of 0 is greedy).
    """

    beta: float = 1.0
    alpha: float | None = None
    initial_value: float = 0.0
    schedule: Schedule | str | None = field(default=None)

    arrays = {"q": "initial_value", "n": 0.0, "w": None}  # w: the selector's scratch row

    def __post_init__(self):
        object.__setattr__(self, "beta", check_real("beta", self.beta, low=0.0, low_open=True))
        object.__setattr__(self, "initial_value", check_real("initial_value", self.initial_value))
        check_alpha(self.alpha)
        object.__setattr__(self, "schedule", as_schedule(self.schedule))

    def params(self, problem):
        return dict(
            beta=self.beta,
            alpha=check_alpha(self.alpha),
            initial_value=self.initial_value,
            **self.schedule.record(),
        )

    def hooks(self, problem):
        constant = self.schedule.code == SCHED_CONSTANT
        return (select if constant else select_annealed), update


@ijit
def _select(code, p, st, j, key, t):
    tau = schedule_value(code, 1.0 / p.beta, p.decay, p.floor, p.duration, t)
    return softmax(st.q, j, 1.0 / tau if tau > 0.0 else math.inf, key, t, st.w)


@ijit
def select(p, st, j, key, t):
    return _select(SCHED_CONSTANT, p, st, j, key, t)


@ijit
def select_annealed(p, st, j, key, t):
    return _select(p.schedule, p, st, j, key, t)


@ijit
def update(p, st, j, a, r, key, t):
    if p.alpha <= 0.0:
        st.n[j, a] += 1.0
    update_value(st.q, st.n, j, a, r, p.alpha)
