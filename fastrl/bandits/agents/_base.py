"""The bandit agent protocol: what a plug-in agent declares and provides.

Built-in agents and a user's own agents are written the same way, and both
run in the same fused driver (:mod:`fastrl.bandits._driver`), compiled for
their functions alone.
"""

from __future__ import annotations

import dataclasses
import inspect
import keyword
from typing import ClassVar

__all__ = ["Agent"]

_SELECT_ARGS = ("p", "st", "j", "key", "t")
_UPDATE_ARGS = ("p", "st", "j", "a", "r", "key", "t")


class Agent:
    """Base class of bandit agents: subclass it as a frozen dataclass.

    An agent is defined in one module, by four things:

    ``arrays`` : dict, class attribute
        Its per-arm state: name -> initial value. Each name becomes a table
        ``st.<name>`` of shape ``(rows, k)``; a run's arm ``a`` is
        ``st.<name>[j, a]``. The initial value is a float, the name of a
        field of :meth:`params` (e.g. ``"initial_value"``), or ``None`` for
        scratch space that is not reset between runs.
    ``scalars`` : dict, class attribute
        Its per-run scalars, the same way: ``st.<name>[j]``, shape ``(rows,)``.
    ``buffers`` : dict, class attribute, optional
        Per-run arrays whose length is a parameter: name -> ``(field, init)``
        where ``field`` names an integer field of :meth:`params` (e.g. a
        sliding window's length); ``st.<name>[j, i]``, shape ``(rows, length)``.
    ``select(p, st, j, key, t) -> int`` : static method
        The arm to play at step ``t`` (0-based) of the run in row ``j``.
    ``update(p, st, j, a, r, key, t) -> None`` : static method
        Learn from reward ``r`` of arm ``a`` at step ``t``.

    ``p`` is the frozen record of :meth:`params` (``p.epsilon``), and ``key``
    the run's key on the agent stream. Random numbers come only from the
    addressed draws of :mod:`fastrl.rng` with ``counter(t, slot)``: the
    selectors of :mod:`fastrl.policies` use slots 0-3, slots from
    ``fastrl.policies.FIRST_FREE_SLOT`` up are free. Then run ``i`` gives
    the same numbers for any thread count, batch size or chunking.

    ``select`` and ``update`` are plain Python functions in numba's subset
    (fastrl compiles them inline into its driver) or numba-compiled ones; the
    helpers they call must be compiled (``@fastrl.jit``, ``@numba.njit``).
    They must not allocate. Define the agent at module level of an importable
    module and its driver is cached on disk; editing that module recompiles it.

    Override :meth:`params` for the record the kernel reads (by default the
    dataclass fields that are numbers or booleans), :meth:`hooks` to pick
    functions per configuration (e.g. a schedule's variant), and
    :meth:`check_problem` to refuse problems the agent cannot handle.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> from fastrl.bandits import Agent
    >>> from fastrl.policies import argmax_random
    >>> @dataclass(frozen=True)
    ... class EpsilonFirst(Agent):
    ...     n: int = 10
    ...     arrays = {"q": 0.0, "count": 0.0}
    ...
    ...     @staticmethod
    ...     def select(p, st, j, key, t):
    ...         k = st.q.shape[1]
    ...         return t % k if t < p.n * k else argmax_random(st.q, j, key, t)
    ...
    ...     @staticmethod
    ...     def update(p, st, j, a, r, key, t):
    ...         st.count[j, a] += 1.0
    ...         st.q[j, a] += (r - st.q[j, a]) / st.count[j, a]
    """

    arrays: ClassVar[dict[str, float | str | None]] = {}
    scalars: ClassVar[dict[str, float | str | None]] = {}
    buffers: ClassVar[dict[str, tuple[str, float | str | None]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        names = set()
        if not isinstance(cls.buffers, dict) or not all(
            isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str)
            for v in cls.buffers.values()
        ):
            raise TypeError(
                f"{cls.__name__}.buffers must be a dict name -> (length field, initial value)"
            )
        for kind in ("arrays", "scalars", "buffers"):
            decl = getattr(cls, kind)
            if not isinstance(decl, dict):
                raise TypeError(f"{cls.__name__}.{kind} must be a dict name -> initial value")
            for name, init in decl.items():
                if kind == "buffers":
                    init = init[1]
                if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
                    raise TypeError(f"{cls.__name__}.{kind}: {name!r} is not a valid name")
                if name in names:
                    raise TypeError(f"{cls.__name__}: state name {name!r} is declared twice")
                names.add(name)
                if init is not None and not isinstance(init, int | float | str):
                    raise TypeError(
                        f"{cls.__name__}.{kind}[{name!r}] must be a float, a params field "
                        f"name or None, got {init!r}"
                    )

    def params(self, problem) -> dict[str, float | int | bool]:
        """The record the kernel reads as ``p``: name -> number or bool.

        By default the dataclass fields whose values are numbers or booleans.
        A field's type must not change between instances that share a
        driver (use floats for real parameters).
        """
        if not dataclasses.is_dataclass(self):
            raise TypeError(f"{type(self).__name__} is not a dataclass: override params()")
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool | int | float):
                out[f.name] = value
        return out

    def with_horizon(self, steps: int):
        """This agent for a run of ``steps`` steps.

        Agents tuned to the horizon (MOSS, EXP3, Bayes-UCB) have a dataclass
        field ``horizon``; left ``None``, ``simulate`` fills it with its
        ``steps``. Others are returned unchanged.
        """
        if dataclasses.is_dataclass(self) and getattr(self, "horizon", 0) is None:
            return dataclasses.replace(self, horizon=int(steps))
        return self

    def hooks(self, problem):
        """The ``(select, update)`` functions for this configuration and problem."""
        cls = type(self)
        return getattr(cls, "select", None), getattr(cls, "update", None)

    def check_problem(self, problem) -> None:
        """Raise ValueError if the agent cannot run on ``problem`` (default: any problem)."""


def check_hooks(agent, select, update) -> None:
    """TypeError naming the agent and the function when a hook has the wrong shape."""
    name = type(agent).__name__
    for what, func, args in (("select", select, _SELECT_ARGS), ("update", update, _UPDATE_ARGS)):
        if isinstance(func, staticmethod):
            func = func.__func__
        py = getattr(func, "py_func", func)
        if not callable(py) or not inspect.isfunction(py):
            raise TypeError(f"agent {name}: {what} must be a function, got {func!r}")
        try:
            inspect.signature(py).bind(*args)
        except TypeError:
            raise TypeError(
                f"agent {name}: {what}{inspect.signature(py)} must take the arguments "
                f"({', '.join(args)})"
            ) from None
