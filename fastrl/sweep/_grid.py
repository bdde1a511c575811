"""Expand a sweep's grid into points, split each point's runs into chunks, fingerprint it.

A grid point is one agent configuration on one problem with one seed. Every
list, tuple or array value in an agent's or a problem's parameter dict is an
axis of the grid; every other value is fixed. The points of one agent kind are
the product of its axes (in the order given), times the problem axes, times
the seeds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import pickle
from dataclasses import dataclass

import numpy as np

from fastrl._chunks import BLOCK_SIZE
from fastrl.bandits.problems import BernoulliBandit, GaussianBandit
from fastrl.rng import check_seed
from fastrl.tabular._learn_driver import BLOCK as _LEARN_BLOCK
from fastrl.tabular.mdp import MDPStack, TabularMDP

#: Blocks of 64 runs per chunk of work: 8192 runs. The chunk size depends on
#: ``runs`` only (never on the worker or thread count), so a chunk holds the
#: same blocks wherever it runs, and merging blocks in order gives the same
#: bits as one ``simulate``/``train`` call.
CHUNK_BLOCKS = 128
BLOCK = BLOCK_SIZE
assert BLOCK == _LEARN_BLOCK, "bandit and tabular kernels must use one block size"


@dataclass(frozen=True, eq=False)
class Point:
    """One grid point: ``coords`` (kind name, its parameter values, seed) and the objects."""

    index: int
    kind: str
    agent: object
    problem: object
    seed: int
    coords: dict

    @property
    def label(self) -> str:
        """``"kind epsilon=0.125 seed=0"``: how errors and progress name the point."""
        rest = " ".join(f"{k}={v!r}" for k, v in self.coords.items() if k != "agent")
        return f"{self.kind} {rest}".strip()


def _is_axis(value) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _axes(params: dict, where: str):
    if not isinstance(params, dict):
        raise TypeError(f"{where} parameters must be a dict, got {params!r}")
    fixed, axes = {}, {}
    for name, value in params.items():
        if not isinstance(name, str):
            raise TypeError(f"{where} parameter names must be strings, got {name!r}")
        if _is_axis(value):
            values = [v.item() if isinstance(v, np.generic) else v for v in value]
            if not values:
                raise ValueError(f"{where} parameter {name!r} has an empty list of values")
            axes[name] = values
        else:
            fixed[name] = value
    return fixed, axes


def _build(factory, kwargs: dict, where: str):
    try:
        return factory(**kwargs)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where} with {kwargs}: {exc}") from None


def _configs(spec, where: str):
    """``[(coords, object)]`` for an instance or a ``(factory, {param: value or values})``."""
    if isinstance(spec, tuple) and len(spec) == 2 and callable(spec[0]):
        factory, params = spec
        fixed, axes = _axes(params, where)
        out = []
        for values in itertools.product(*axes.values()):
            coords = dict(zip(axes, values, strict=True))
            out.append((coords, _build(factory, {**fixed, **coords}, where)))
        return out
    if isinstance(spec, tuple | list | dict):
        raise TypeError(f"{where} must be an instance or a (class, {{param: values}}) pair")
    return [({}, spec)]


def family_of(problem) -> str:
    """``"bandit"`` or ``"tabular"``, from the problem's type."""
    if isinstance(problem, BernoulliBandit | GaussianBandit):
        return "bandit"
    if isinstance(problem, TabularMDP | MDPStack):
        return "tabular"
    raise TypeError(
        "problem must be a bandit problem (GaussianBandit, BernoulliBandit) or a "
        f"TabularMDP/MDPStack, got {type(problem).__name__}"
    )


def expand(agents: dict, problem, seed):
    """``(points, names, problem_names, family)``: the grid points, all parameter names
    in column order (agents', problem's, ``"seed"``), the problem's, and the family."""
    if not isinstance(agents, dict) or not agents:
        raise TypeError(f"agents must be a non-empty dict of name -> agent spec, got {agents!r}")
    problems = _configs(problem, "problem")
    families = {family_of(p) for _, p in problems}
    if len(families) != 1:
        raise ValueError("all problems of a sweep must be of one family (bandit or tabular)")
    seeds = [check_seed(s) for s in seed] if _is_axis(seed) else [check_seed(seed)]
    if not seeds:
        raise ValueError("seed must be an int or a non-empty list of ints")
    problem_names = list(problems[0][0])
    names: list[str] = []
    points: list[Point] = []
    for kind, spec in agents.items():
        if not isinstance(kind, str):
            raise TypeError(f"agent names must be strings, got {kind!r}")
        for agent_coords, agent in _configs(spec, f"agents[{kind!r}]"):
            clash = set(agent_coords) & set(problem_names) | ({"agent", "seed"} & set(agent_coords))
            if clash:
                raise ValueError(f"grid parameter names clash: {sorted(clash)}")
            for name in agent_coords:
                if name not in names:
                    names.append(name)
            for problem_coords, prob in problems:
                for s in seeds:
                    coords = {"agent": kind, **agent_coords, **problem_coords, "seed": s}
                    points.append(Point(len(points), kind, agent, prob, s, coords))
    return points, (*names, *problem_names, "seed"), tuple(problem_names), families.pop()


def chunk_plan(runs: int, chunk_blocks: int | None = None) -> list[tuple[int, int]]:
    """``[(start, count)]`` chunks of whole blocks of runs; a function of ``runs`` only."""
    blocks = CHUNK_BLOCKS if chunk_blocks is None else max(1, int(chunk_blocks))
    step = blocks * BLOCK
    return [(start, min(step, runs - start)) for start in range(0, runs, step)]


def _feed(h, obj) -> None:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"<{type(obj).__module__}.{type(obj).__qualname__}".encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode())
            _feed(h, getattr(obj, f.name))
    elif isinstance(obj, np.ndarray):
        h.update(f"<array {obj.dtype.str} {obj.shape}".encode())
        h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, dict):
        h.update(b"<dict")
        for k, v in obj.items():
            _feed(h, k)
            _feed(h, v)
    elif isinstance(obj, list | tuple):
        h.update(f"<{type(obj).__name__} {len(obj)}".encode())
        for v in obj:
            _feed(h, v)
    elif isinstance(obj, float):
        h.update(b"<f" + (obj.hex() if math.isfinite(obj) else repr(obj)).encode())
    elif obj is None or isinstance(obj, bool | int | str | np.generic):
        h.update(f"<{type(obj).__name__} {obj!r}".encode())
    else:
        h.update(pickle.dumps(obj))
    h.update(b">")


def token(obj) -> str:
    """A stable hex digest of ``obj`` (dataclasses field by field, arrays by their bytes)."""
    h = hashlib.sha256()
    _feed(h, obj)
    return h.hexdigest()[:32]
