"""Agent -> compiled driver: the bandit family's side of :mod:`fastrl._plugin`.

:func:`compile_agent` turns an agent (built-in or a user's, see
:class:`fastrl.bandits.Agent`) and a problem into the driver compiled for its
functions, and the record ``p`` it reads. Errors name the agent: a hook of
the wrong shape, or one numba cannot compile, raises TypeError before a numba
traceback reaches the user (numba's message stays attached).
"""

from __future__ import annotations

import functools

import numpy as np

from fastrl._plugin import driver_module
from fastrl._threads import run_blocks
from fastrl.bandits.agents._base import Agent, check_hooks

__all__ = ["compile_agent", "run_kernel"]

_TEMPLATE = "fastrl.bandits._driver"


def _state_source(arrays, scalars, buffers, param_names) -> str:
    lines = [
        "from collections import namedtuple as _namedtuple",
        "import numpy as _np",
        "from fastrl._jit import ijit as _ijit",
        "from fastrl._plugin import inline as _inline",
        f"Params = _namedtuple('Params', {tuple(param_names)!r})",
        f"State = _namedtuple('State', {tuple(n for n, *_ in arrays + scalars + buffers)!r})",
        "agent_select = _inline(agent_select)",
        "agent_update = _inline(agent_update)",
        "",
        f"NUM_TABLES = {max(len(arrays), 1)}",
        f"NUM_SCALARS = {max(len(scalars), 1)}",
        f"NUM_BUFFERS = {max(len(buffers), 1)}",
        "",
        "@_ijit",
        "def buffer_length(p):",
        "    return max(" + ", ".join([f"p.{size}" for _, size, _ in buffers] + ["1"]) + ")",
        "",
        "@_ijit",
        "def new_state(tables, scalars, buffers):",
        "    return State("
        + ", ".join(
            [f"tables[{n}]" for n in range(len(arrays))]
            + [f"scalars[{n}]" for n in range(len(scalars))]
            + [f"buffers[{n}]" for n in range(len(buffers))]
        )
        + ")",
        "",
        "@_ijit",
        "def reset_state(p, st):",
    ]
    body = []
    for names, index in ((arrays, "0, :"), (scalars, "0"), (buffers, "0, :")):
        for name, *_, init in names:
            if init is None:
                continue
            value = f"p.{init}" if isinstance(init, str) else repr(float(init))
            body.append(f"    st.{name}[{index}] = {value}")
    lines += body or ["    pass"]
    return "\n".join(lines) + "\n"


@functools.cache
def _module(
    select, update, arrays, scalars, buffers, param_names, reward_code, two_arms, piecewise
):
    bindings = {
        "agent_select": select,
        "agent_update": update,
        "REWARD_CODE": int(reward_code),
        "TWO_ARMS": bool(two_arms),
        "PIECEWISE": int(piecewise),
    }
    return driver_module(_TEMPLATE, bindings, _state_source(arrays, scalars, buffers, param_names))


def _record_value(agent, name, value):
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    raise TypeError(
        f"agent {type(agent).__name__}: params()[{name!r}] must be a number or a bool, "
        f"got {value!r}"
    )


def compile_agent(agent: Agent, problem, reward_code: int, two_arms: bool, piecewise=False):
    """``(module, p)``: the driver module for ``agent`` on ``problem`` and its record.

    Only the two-arm driver is specialised to ``reward_code`` and ``piecewise``;
    the general one takes them as arguments, so one compile per agent serves
    every problem kind (each driver compiles in 4-7 s on the 2-core machine).
    """
    name = type(agent).__name__
    agent.check_problem(problem)
    select, update = agent.hooks(problem)
    check_hooks(agent, select, update)
    values = agent.params(problem)
    if not isinstance(values, dict):
        raise TypeError(f"agent {name}: params() must return a dict, got {type(values).__name__}")
    values = {k: _record_value(agent, k, v) for k, v in values.items()}
    if not values:
        values = {"unused": 0.0}  # numba needs a non-empty record
    arrays = tuple(type(agent).arrays.items())
    scalars = tuple(type(agent).scalars.items())
    buffers = tuple((name, size, init) for name, (size, init) in type(agent).buffers.items())
    if not arrays:
        raise TypeError(f"agent {name}: declare at least one per-arm array in `arrays`")
    for state, size, _ in buffers:
        if not isinstance(values.get(size), int) or values[size] < 1:
            raise TypeError(
                f"agent {name}: the length of buffer {state!r} names {size!r}, which must "
                f"be an integer field >= 1 of params(): {values}"
            )
    for state, *_, init in arrays + scalars + buffers:
        if isinstance(init, str) and init not in values:
            raise TypeError(
                f"agent {name}: the initial value of {state!r} names {init!r}, "
                f"which is not a field of params(): {sorted(values)}"
            )
    if not two_arms:
        reward_code, piecewise = -1, -1  # run-time arguments of the general driver
    module = _module(
        select, update, arrays, scalars, buffers, tuple(values), reward_code, two_arms,
        int(piecewise),
    )  # fmt: skip
    return module, module.Params(**values)


def run_kernel(agent, module, p, k, num_blocks, args):
    """Call the driver on threads; a failed compile is a TypeError naming the agent's function."""
    from numba.core.errors import NumbaError

    try:
        run_blocks(module.simulate_blocks, num_blocks, args)
    except NumbaError as exc:
        _diagnose(agent, module, p, k, exc)


def _diagnose(agent, module, p, k, exc):
    # The failure path only: compile each hook alone with the driver's argument
    # types to find the one at fault (no cost when everything compiles).
    import numba
    from numba import types
    from numba.core.errors import NumbaError

    name = type(agent).__name__
    tables = [np.zeros((1, k)) for _ in type(agent).arrays]
    buffers = [np.zeros((1, 1)) for _ in type(agent).buffers]
    st = module.State(*tables, *[np.zeros(1) for _ in type(agent).scalars], *buffers)
    pt, stt = numba.typeof(p), numba.typeof(st)
    i64, u64 = types.int64, types.uint64
    hooks = (
        ("select", module.agent_select, (pt, stt, i64, u64, i64)),
        ("update", module.agent_update, (pt, stt, i64, i64, types.float64, u64, i64)),
    )
    for what, func, sig in hooks:
        try:
            compiled = numba.njit(sig)(func.py_func)
        except NumbaError as inner:
            raise TypeError(
                f"agent {name}: numba cannot compile {what}() with the declared state "
                f"{module.State._fields} and params {module.Params._fields}:\n{inner}"
            ) from inner
        ret = compiled.nopython_signatures[0].return_type
        if what == "select" and not isinstance(ret, types.Integer):
            raise TypeError(
                f"agent {name}: select() must return an integer arm index, got {ret}"
            ) from exc
    raise TypeError(f"agent {name} cannot be compiled into the bandit driver:\n{exc}") from exc
