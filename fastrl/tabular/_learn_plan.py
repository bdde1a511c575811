"""Compile the learning driver for one learner: checks, generated records, clear errors.

:func:`plan_for` checks a learner's declaration (tables, scratch, hook
signatures), generates the footer of :mod:`fastrl.tabular._learn_driver` for it
(the ``Params``/``Tables``/``Scratch`` namedtuples, their allocation and refill,
the hooks wrapped to be inlined) and imports the specialised driver through
:func:`fastrl._plugin.driver_module`, which names the file by a hash of every
source it depends on, so numba's disk cache serves it and is never stale.
The namedtuple classes live in the generated module, so numba's cache index
unpickles them by that module's name.

A driver that numba cannot compile is diagnosed by compiling each hook alone
with the argument types the driver passes: the error names the learner and
the hook, with numba's message in the text and as ``__cause__``.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import keyword
from dataclasses import dataclass
from types import FunctionType

import numba
import numpy as np
from numba.core.dispatcher import Dispatcher
from numba.core.errors import NumbaError

from fastrl import _threads
from fastrl._jit import ijit
from fastrl._plugin import driver_module
from fastrl.tabular._dynamics import successor_tables
from fastrl.tabular.learners import explore
from fastrl.tabular.learners._base import (
    _DTYPES,
    HOOK_ARITY,
    Table,
    TabularAgent,
    copy_q,
    explore_kind,
    no_end,
    no_start,
)

__all__ = ["plan_for", "LearnerPlan", "specialise"]

_TEMPLATE = "fastrl.tabular._learn_driver"
_HOOK_GLOBALS = {
    "act": "learner_act",
    "update": "learner_update",
    "start_episode": "learner_start",
    "end_episode": "learner_end",
    "finish": "learner_finish",
}
_DEFAULTS = {"start_episode": no_start, "end_episode": no_end, "finish": copy_q}
_NUMERIC = {"float": float, "int": np.int64, "bool": bool}


def _rebound(fn, rule: int, memo: dict):
    py = getattr(fn, "py_func", fn)
    if py in memo:
        return memo[py]
    memo[py] = None  # a cycle leaves the function as it is
    module, mapping = explore.specialised(rule)
    names = set(py.__code__.co_names)
    for const in py.__code__.co_consts:  # nested functions and comprehensions
        if hasattr(const, "co_names"):
            names.update(const.co_names)
    changes = {}
    for name in names:
        value = py.__globals__.get(name)
        if value is explore:
            changes[name] = module
        elif isinstance(value, Dispatcher) and value in mapping:
            changes[name] = mapping[value]
        elif isinstance(value, Dispatcher) or inspect.isfunction(value):
            new = _rebound(value, rule, memo)
            if new is not None:
                changes[name] = ijit(new)
    if changes:
        globals_ = {**py.__globals__, **changes}
        memo[py] = FunctionType(py.__code__, globals_, py.__name__, py.__defaults__, py.__closure__)
    return memo[py]


def specialise(fn, rule: int):
    """``fn``'s Python function compiled against the exploration rule ``rule`` only.

    Every use of :mod:`~fastrl.tabular.learners.explore` (the module or its public
    functions) in ``fn``, and in the functions it calls, is bound to that rule's
    versions (``explore.specialised``), so the driver compiles no other rule.
    """
    if fn is None:  # a binding of a module imported only for its classes (fastrl._plugin)
        return None
    py = getattr(fn, "py_func", fn)
    return _rebound(py, rule, {}) or py


def _label(cls) -> str:
    return cls.__qualname__


def _numeric_fields(cls) -> list[tuple[str, type]]:
    """Config fields annotated ``float``, ``int`` or ``bool``: the record ``p``."""
    out = []
    for f in dataclasses.fields(cls):
        ann = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        if ann in _NUMERIC:
            out.append((f.name, _NUMERIC[ann]))
    return out


def _check_tables(cls, kind: str, tables) -> list[tuple[str, Table]]:
    label = _label(cls)
    if not isinstance(tables, dict):
        raise TypeError(f"{label}.{kind} must be a dict of name -> Table, got {tables!r}")
    for name, table in tables.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise TypeError(f"{label}.{kind}: {name!r} is not a valid table name")
        if name.startswith("_"):
            raise TypeError(f"{label}.{kind}: table names may not start with '_' ({name!r})")
        if not isinstance(table, Table):
            raise TypeError(f"{label}.{kind}[{name!r}] must be a Table, got {table!r}")
        if not table.shape:
            raise TypeError(f"{label}.{kind}[{name!r}]: a table needs at least one axis")
    return list(tables.items())


def _hooks(cls) -> dict[str, object]:
    label = _label(cls)
    hooks = cls.hooks
    out = {}
    for hook, arity in HOOK_ARITY.items():
        fn = getattr(hooks, hook, None)
        if fn is None:
            if hook not in _DEFAULTS:
                raise TypeError(f"{label}.hooks.{hook} is required")
            fn = _DEFAULTS[hook]
        py = getattr(fn, "py_func", fn)
        if not inspect.isfunction(py):
            raise TypeError(f"{label}.hooks.{hook} must be a function, got {fn!r}")
        params = list(inspect.signature(py).parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(params) != arity or len(positional) != arity:
            names = ", ".join(p.name for p in params)
            raise TypeError(
                f"{label}.hooks.{hook} must take {arity} positional arguments, takes ({names}); "
                f"see fastrl.tabular.learners.Hooks for the signatures"
            )
        out[hook] = fn
    return out


def _shape_code(shape, first: int) -> str:
    entries = [f"dims[{first + k}]" for k in range(len(shape))]
    return "(" + ", ".join(entries) + ("," if len(entries) == 1 else "") + ")"


def _fill_code(var: str, name: str, table: Table, fields: set[str], label: str) -> str | None:
    init = table.init
    if init is None:
        return None
    cast = {"float64": "_np.float64", "int64": "_np.int64", "bool": "_np.bool_"}[table.dtype]
    if isinstance(init, str):
        if init not in fields:
            raise TypeError(
                f"{label}: table {name!r} starts from {init!r}, which is not a numeric config field"
            )
        value = f"p.{init}"
    else:
        value = repr(init)
    return f"    {var}.{name}.fill({cast}({value}))\n"


def _generate(cls, tables, scratch, fields) -> str:
    label = _label(cls)
    names = {f for f, _ in fields}
    lines = [
        "import numpy as _np\n",
        "from collections import namedtuple as _namedtuple\n",
        "from fastrl._jit import ijit as _ijit\n",
        "from fastrl._borrow import borrow as _borrow\n",
        "from fastrl.tabular._learn_plan import specialise as _specialise\n\n",
        f"Params = _namedtuple('Params', {[f for f, _ in fields]!r})\n",
    ]
    first = 0
    for rec, var, decl in (("Tables", "tab", tables), ("Scratch", "scr", scratch)):
        # numba has no empty records: a learner without scratch gets one unused array
        items = decl or [("unused_", Table((1,), "int64", init=None))]
        lines.append(f"{rec} = _namedtuple({rec!r}, {[n for n, _ in items]!r})\n\n")
        make = [f"@_ijit\ndef make_{var}(dims):\n    return {rec}(\n"]
        fill = [f"@_ijit\ndef reset_{var}(p, {var}):\n"]
        for name, table in items:
            dtype = {"float64": "_np.float64", "int64": "_np.int64", "bool": "_np.bool_"}
            make.append(
                f"        _np.zeros({_shape_code(table.shape, first)}, {dtype[table.dtype]}),\n"
            )
            first += len(table.shape)
            code = _fill_code(var, name, table, names, label)
            if code:
                fill.append(code)
        make.append("    )\n\n")
        fill.append("    pass\n\n")
        views = ", ".join(f"_borrow({var}.{n})" for n, _ in items)
        view = [f"@_ijit\ndef borrow_{var}({var}):\n    return {rec}({views},)\n\n"]
        lines += make + fill + view
    lines.append("make_tables, reset_tables, borrow_tables = make_tab, reset_tab, borrow_tab\n")
    lines.append("make_scratch, reset_scratch, borrow_scratch = make_scr, reset_scr, borrow_scr\n")
    for glob in _HOOK_GLOBALS.values():
        # Inlined into the driver whatever the user decorated them with.
        lines.append(f"{glob} = _ijit(_specialise({glob}, EXPLORE))\n")
    return "".join(lines)


@dataclass(eq=False)
class LearnerPlan:
    """The driver compiled for one learner class and one exploration rule."""

    cls: type
    explore: int
    module: object
    fields: list
    tables: list
    scratch: list
    hooks: dict

    @property
    def kernel(self):
        return self.module.train_block

    @property
    def label(self) -> str:
        return _label(self.cls)

    def params(self, agent: TabularAgent):
        """The config record ``p`` of ``agent``."""
        return self.module.Params(*(conv(getattr(agent, f)) for f, conv in self.fields))

    def dims(self, agent: TabularAgent, num_states: int, num_actions: int, max_steps: int):
        """The int64 sizes of every table and scratch axis, in declaration order."""
        env = {f: getattr(agent, f) for f, _ in self.fields}
        env.update(S=num_states, A=num_actions, T=max_steps)
        out = []
        for kind, decl in (("tables", self.tables), ("scratch", self.scratch)):
            items = decl or [("unused_", Table((1,), "int64", init=None))]
            for name, table in items:
                for d in table.shape:
                    try:
                        size = d if isinstance(d, int) else eval(d, {"__builtins__": {}}, env)  # noqa: S307
                    except Exception as exc:
                        raise TypeError(
                            f"{self.label}.{kind}[{name!r}]: cannot evaluate the size {d!r} "
                            f"(names: S, A, T and the numeric config fields): {exc}"
                        ) from exc
                    if isinstance(size, bool) or not isinstance(size, int | np.integer):
                        raise TypeError(
                            f"{self.label}.{kind}[{name!r}]: size {d!r} is {size!r}, not an int"
                        )
                    if size < 0:
                        raise ValueError(f"{self.label}.{kind}[{name!r}]: size {d!r} is {size} < 0")
                    out.append(int(size))
        return np.array(out, dtype=np.int64)

    def diagnose(self, exc: Exception, p, dims: np.ndarray, num_states: int, num_actions: int):
        """The TypeError naming the hook that numba cannot compile (``exc`` the driver's error)."""
        sizes = iter(dims.tolist())

        def record(cls, decl):
            items = decl or [("unused_", Table((1,), "int64", init=None))]
            arrays = []
            for _, table in items:
                shape = tuple(next(sizes) for _ in table.shape)
                arrays.append(np.zeros(shape, dtype=_DTYPES[table.dtype]))
            return cls(*arrays)

        tab = record(self.module.Tables, self.tables)
        scr = record(self.module.Scratch, self.scratch)
        row = np.empty((1, num_actions))
        ctx = explore.ExploreContext(
            np.int64(self.explore), np.uint64(0), np.int64(0), 0.0, 0.0,
            np.zeros((num_states, num_actions), dtype=np.int64), row, row.copy(),
        )  # fmt: skip
        i64, f64, b = numba.int64, numba.float64, numba.boolean
        base = tuple(numba.typeof(v) for v in (p, tab, scr, ctx))
        q_out = numba.typeof(np.empty((1, num_states, num_actions))[0])
        signatures = {
            "start_episode": (*base, i64, i64),
            "act": (*base, i64, i64),
            "update": (*base, i64, i64, f64, i64, b, b, i64),
            "end_episode": (*base, i64),
            "finish": (base[0], base[1], q_out),
        }
        for hook, sig in signatures.items():
            fn = self.hooks[hook]
            disp = numba.njit(specialise(fn, self.explore))
            try:
                disp.compile(sig)
            except NumbaError as err:
                return TypeError(
                    f"{self.label}.hooks.{hook} cannot be compiled with the arguments the driver "
                    f"passes {sig}: check it against its tables and scratch "
                    f"({', '.join(tab._fields)}; {', '.join(scr._fields)}).\n"
                    f"numba says: {err}"
                )
            if hook == "act":
                ret = disp.overloads[disp.signatures[0]].signature.return_type
                if not isinstance(ret, numba.types.Integer):
                    return TypeError(f"{self.label}.hooks.act must return an int action, not {ret}")
        return TypeError(
            f"the learning driver of {self.label} failed to compile.\nnumba says: {exc}"
        )


@functools.cache
def _plan(cls, explore: int, template: str = _TEMPLATE) -> LearnerPlan:
    """The driver ``template`` (a module name) specialised to ``cls`` and rule ``explore``.

    ``fastrl.control.binned`` passes its CartPole driver: the same checks of the
    declaration, the same generated records and inlined hooks.
    """
    tables = _check_tables(cls, "tables", cls.tables)
    scratch = _check_tables(cls, "scratch", cls.scratch)
    hooks = _hooks(cls)
    if cls.hooks.finish is None and "q" not in dict(tables):
        raise TypeError(f"{_label(cls)} declares no table 'q' and no hooks.finish writing Q")
    fields = _numeric_fields(cls)
    bindings = {_HOOK_GLOBALS[h]: fn for h, fn in hooks.items()}
    bindings["EXPLORE"] = int(explore)
    module = driver_module(template, bindings, source=_generate(cls, tables, scratch, fields))
    return LearnerPlan(cls, explore, module, fields, tables, scratch, hooks)


def plan_for(agent: TabularAgent) -> LearnerPlan:
    """The driver of ``agent``'s class and exploration rule (one per process, cached on disk)."""
    return _plan(type(agent), explore_kind(agent))


def run_blocks(plan, agent, arrays, max_steps, episodes, roots, run_start, chunk_runs,
               record_runs, tail, q, summary, returns, lengths, stream_env, stream_agent,
               block_size, num_metrics, switch_at=-1, successors=None):  # fmt: skip
    """Call the driver on one chunk; returns ``block_n, block_mean, block_m2``.

    ``switch_at``: the step at which a changing map switches from map 0 to map 1
    of ``arrays`` (:class:`~fastrl.tabular.changing.ChangingMDP`), -1 for none.
    ``successors``: :func:`~fastrl.tabular._dynamics.successor_tables` of the
    model, made here when not given (a caller with several chunks makes it once).
    """
    from fastrl.tabular.learners._base import exploration_settings

    next_state, prob, reward, terminated, initial = arrays
    cum, last_entry = successor_tables(prob) if successors is None else successors
    num_states, num_actions = next_state.shape[1], next_state.shape[2]
    p = plan.params(agent)
    dims = plan.dims(agent, num_states, num_actions, max_steps)
    blocks = -(-chunk_runs // block_size)
    block_n = np.zeros(blocks, dtype=np.int64)
    block_mean = np.zeros((num_metrics, blocks, episodes))
    block_m2 = np.zeros((num_metrics, blocks, episodes))
    block_bad = np.full((blocks, 2), -1, dtype=np.int64)
    try:
        _threads.run_each_block(plan.kernel, blocks, (
            p, exploration_settings(agent), dims, next_state, cum, last_entry, reward, terminated,
            initial,
            np.int64(switch_at), np.int64(max_steps), np.int64(episodes), roots[stream_env],
            roots[stream_agent], np.int64(run_start), np.int64(chunk_runs), record_runs,
            np.int64(tail),
            q, summary, returns, lengths, block_n, block_mean, block_m2, block_bad,
        ))  # fmt: skip
    except NumbaError as exc:
        raise plan.diagnose(exc, p, dims, num_states, num_actions) from exc
    bad = np.flatnonzero(block_bad[:, 0] >= 0)
    if bad.size:
        run, action = block_bad[bad[0]]
        raise ValueError(
            f"{plan.label}.hooks.act returned action {action} in run {run}, "
            f"outside [0, {num_actions}): the run was stopped before using it"
        )
    return block_n, block_mean, block_m2
