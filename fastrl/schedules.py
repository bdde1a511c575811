"""Schedules for exploration parameters (epsilon, softmax temperature).

A schedule maps a 0-based counter ``t`` (the step for bandits, the episode for
tabular learners) and a start value ``v0`` to the value in force:

================  =====================================================
``"constant"``    ``v0``
``"1/t"``         ``v0 / (t + 1)`` (Sutton & Barto's annealed 1/t)
``"exponential"`` ``v0 * decay ** t``
``"linear"``      ``v0`` falling linearly to ``floor`` over ``duration``
================  =====================================================

Every kind is clipped below at ``floor``. Kernels call :func:`schedule_value`
with the integer code of :attr:`Schedule.code`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastrl._jit import ijit
from fastrl.validation import check_int, check_real

__all__ = ["Schedule", "as_schedule", "schedule_value", "SCHED_CONSTANT"]

_CODES = {"constant": 0, "1/t": 1, "exponential": 2, "linear": 3}
#: the code of the constant schedule (kernels compile it apart from the annealed ones)
SCHED_CONSTANT = 0
_ALIASES = {"inverse": "1/t", "exp": "exponential"}


@dataclass(frozen=True)
class Schedule:
    """How an exploration parameter changes with the step (or episode) counter.

    Parameters
    ----------
    kind : {"constant", "1/t", "exponential", "linear"}
    decay : float
        Factor per step of the exponential kind, in (0, 1].
    floor : float
        Lower bound of the value, >= 0; the target of the linear kind.
    duration : int
        Steps the linear kind takes to reach ``floor``, >= 1.

    Examples
    --------
    >>> Schedule("exponential", decay=0.995, floor=0.01).value(0.5, 100)  # doctest: +ELLIPSIS
    0.3029...
    """

    kind: str = "constant"
    decay: float = 0.99
    floor: float = 0.0
    duration: int = 1000

    def __post_init__(self):
        if not isinstance(self.kind, str):
            raise TypeError(f"schedule kind must be one of {sorted(_CODES)}, got {self.kind!r}")
        kind = _ALIASES.get(self.kind, self.kind)
        if kind not in _CODES:
            raise ValueError(f"schedule kind must be one of {sorted(_CODES)}, got {self.kind!r}")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(
            self, "decay", check_real("decay", self.decay, low=0.0, high=1.0, low_open=True)
        )
        object.__setattr__(self, "floor", check_real("floor", self.floor, low=0.0))
        object.__setattr__(self, "duration", check_int("duration", self.duration, low=1))

    @property
    def code(self) -> int:
        """Integer code passed to kernels."""
        return _CODES[self.kind]

    def record(self) -> dict[str, float | int]:
        """What a kernel reads: ``schedule`` (the code), ``decay``, ``floor``, ``duration``."""
        return dict(
            schedule=self.code, decay=self.decay, floor=self.floor, duration=float(self.duration)
        )

    def value(self, v0: float, t: int) -> float:
        """The value at counter ``t`` starting from ``v0`` (same formula as the kernels)."""
        return float(
            schedule_value(self.code, float(v0), self.decay, self.floor, self.duration, int(t))
        )


def as_schedule(schedule) -> Schedule:
    """Coerce ``None``, a kind name or a :class:`Schedule` to a :class:`Schedule`."""
    if schedule is None:
        return Schedule()
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, str):
        return Schedule(schedule)
    raise TypeError(f"schedule must be None, a kind name or a Schedule, got {schedule!r}")


@ijit
def schedule_value(code, v0, decay, floor, duration, t):
    """Value of schedule ``code`` at 0-based counter ``t``, clipped below at ``floor``."""
    if code == 0:
        v = v0
    elif code == 1:
        v = v0 / (t + 1.0)
    elif code == 2:
        v = v0 * math.pow(decay, t)
    else:
        frac = min(t / duration, 1.0)
        v = v0 + (floor - v0) * frac
    return max(v, floor)
