"""The tabular model: validated arrays in a sparse successor form.

Every tabular component (planning, learning, Monte Carlo evaluation, the
Gymnasium wrappers) reads the same :class:`TabularMDP`, so they cannot
disagree about dynamics. Taking action ``a`` in state ``s`` leads with
probability ``prob[s, a, k]`` to ``next_state[s, a, k]``, pays
``reward[s, a, k]`` and ends the episode when ``terminated[s, a, k]``. Entries
with probability 0 are padding (by convention they point to ``s`` itself), so
``K`` is the largest number of successors of any ``(s, a)``.

A terminated transition's successor is never bootstrapped: planning and TD
targets count its value as 0. Absorbing states keep whatever the source says
(Gymnasium's FrozenLake holes and goal are self-loops with
``terminated=True``).

Example
-------
>>> import numpy as np
>>> P = np.array([[[0.5, 0.5], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]])
>>> mdp = TabularMDP.from_dense(P, np.array([[0.0, 1.0], [0.0, 0.0]]))
>>> mdp.num_states, mdp.num_actions, mdp.num_successors
(2, 2, 2)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from fastrl.validation import check_size, frozen_copy

__all__ = ["TabularMDP", "MDPStack", "stack", "batched_arrays", "PROB_TOL"]

#: tolerance on ``|sum_k prob[s, a, k] - 1|`` and on the initial distribution's sum
PROB_TOL = 1e-9


def _numeric(name: str, value, ndim: int, dtype) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"{name} must be array-like, got {type(value).__name__}") from exc
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {arr.shape}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if np.dtype(dtype).kind == "i" and arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold integers")
    if np.dtype(dtype).kind == "b" and arr.dtype.kind != "b":
        if not np.all((arr == 0) | (arr == 1)):
            raise ValueError(f"{name} must hold booleans (or 0/1)")
    return frozen_copy(np.asarray(arr, dtype=dtype))


def _tolerance(dtype, n: int) -> float:
    """``PROB_TOL``, or the rounding error of summing ``n`` numbers of a coarser dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f" or dtype.itemsize >= 8:
        return PROB_TOL
    return max(PROB_TOL, 4.0 * max(n, 1) * float(np.finfo(dtype).eps))


def _check_distribution(name: str, arr: np.ndarray, axis: int = -1, tol: float = PROB_TOL) -> None:
    if arr.size and arr.min() < 0.0:
        idx = tuple(int(i) for i in np.argwhere(arr < 0.0)[0])
        raise ValueError(f"{name} must be non-negative, got {arr[idx]} at index {idx}")
    total = arr.sum(axis=axis)
    bad = np.abs(total - 1.0) > tol
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(np.atleast_1d(bad))[0])
        got = np.atleast_1d(total)[idx]
        raise ValueError(f"{name} must sum to 1 (within {tol:g}); sum is {got!r} at {idx}")


def _check_model(next_state, prob, reward, terminated, initial, lead: int):
    """Validated private copies of a model's arrays; ``lead`` leading batch axes (0 or 1)."""
    next_state = _numeric("next_state", next_state, 3 + lead, np.int64)
    shape = next_state.shape
    if min(shape, default=0) < 1:
        dims = "(N, S, A, K)" if lead else "(S, A, K)"
        raise ValueError(f"next_state must have shape {dims} with every size >= 1, got {shape}")
    S = shape[lead]
    prob = _numeric("prob", prob, 3 + lead, np.float64)
    reward = _numeric("reward", reward, 3 + lead, np.float64)
    terminated = _numeric("terminated", terminated, 3 + lead, np.bool_)
    for label, arr in (("prob", prob), ("reward", reward), ("terminated", terminated)):
        if arr.shape != shape:
            raise ValueError(f"{label} must have the shape of next_state {shape}, got {arr.shape}")
    if next_state.min() < 0 or next_state.max() >= S:
        raise ValueError(
            f"next_state must lie in [0, {S}), got values from "
            f"{next_state.min()} to {next_state.max()}"
        )
    _check_distribution("prob", prob)
    initial = _numeric("initial", initial, 1 + lead, np.float64)
    if initial.shape != shape[:lead] + (S,):
        raise ValueError(f"initial must have shape {shape[:lead] + (S,)}, got {initial.shape}")
    _check_distribution("initial", initial)
    return next_state, prob, reward, terminated, initial


def _asarray(name: str, value) -> np.ndarray:
    try:
        return np.asarray(value)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"{name} must be array-like, got {type(value).__name__}") from exc


def _check_desc(desc, name: str = "desc") -> tuple[str, ...] | None:
    if desc is None:
        return None
    if (
        isinstance(desc, str)
        or not isinstance(desc, Iterable)
        or (isinstance(desc, np.ndarray) and desc.ndim == 0)
    ):
        raise TypeError(f"{name} must be a sequence of strings or None, got {desc!r}")
    rows = []
    for row in desc:
        try:
            if isinstance(row, bytes | np.bytes_):
                row = row.decode()
            elif isinstance(row, np.ndarray):  # a row of single characters, as Gymnasium has it
                row = b"".join(row.tolist()).decode() if row.dtype.kind == "S" else "".join(row)
        except (UnicodeDecodeError, TypeError) as exc:
            raise ValueError(f"desc rows must be text (ASCII map letters), got {row!r}") from exc
        if not isinstance(row, str):
            raise TypeError(f"desc rows must be strings, got {row!r}")
        rows.append(str(row))
    return tuple(rows)


def _gym_entries(table: dict, s: int, a: int) -> list[tuple]:
    """``P[s][a]`` of a toy-text table as checked ``(prob, next_state, reward, terminated)``."""
    where = f"env.unwrapped.P[{s}][{a}]"
    try:
        entries = table[s][a]
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"{where} is missing: P must map every state to every action") from exc
    if isinstance(entries, str | bytes) or not isinstance(entries, Iterable):
        raise TypeError(f"{where} must be a list of (prob, next_state, reward, terminated)")
    out = []
    for k, entry in enumerate(entries):
        try:
            p, s_next, r, t = entry
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{where}[{k}] must be (prob, next_state, reward, terminated), got {entry!r}"
            ) from exc
        if isinstance(s_next, bool) or not isinstance(s_next, numbers.Real):
            raise TypeError(f"{where}[{k}]: next_state must be an integer, got {s_next!r}")
        if not math.isfinite(s_next) or s_next != int(s_next):
            raise ValueError(f"{where}[{k}]: next_state must be an integer, got {s_next!r}")
        for label, value in (("prob", p), ("reward", r)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{where}[{k}]: {label} must be a real number, got {value!r}")
        if not isinstance(t, bool | np.bool_) and t not in (0, 1):
            raise TypeError(f"{where}[{k}]: terminated must be a bool, got {t!r}")
        out.append((p, int(s_next), r, bool(t)))
    if not out:
        raise ValueError(f"{where} must hold at least one transition")
    return out


@dataclass(frozen=True, eq=False)
class TabularMDP:
    """A finite MDP in sparse successor form; arrays are validated and read-only.

    Parameters
    ----------
    next_state : array of int, shape (S, A, K)
        Successor index of entry ``k`` of ``(s, a)``, in ``[0, S)``.
    prob : array of float, shape (S, A, K)
        Its probability: non-negative, summing to 1 over ``k`` within ``PROB_TOL``.
    reward : array of float, shape (S, A, K)
        Reward of that transition (finite).
    terminated : array of bool, shape (S, A, K)
        Whether that transition ends the episode.
    initial : array of float, shape (S,)
        Initial-state distribution (non-negative, sums to 1).
    name : str
        A label for tables and plots.
    desc : tuple of str or None
        Grid map rows for gridworlds (``("SFFF", "FHFH", ...)``), else None.
    max_episode_steps : int or None
        Default episode limit (FrozenLake 4x4: 100, 8x8: 200); None means none.

    Raises
    ------
    ValueError, TypeError
        Naming the array and what is wrong with it (shape, range, NaN, sums).
    """

    next_state: np.ndarray
    prob: np.ndarray
    reward: np.ndarray
    terminated: np.ndarray
    initial: np.ndarray
    name: str = "TabularMDP"
    desc: tuple[str, ...] | None = None
    max_episode_steps: int | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        next_state, prob, reward, terminated, initial = _check_model(
            self.next_state, self.prob, self.reward, self.terminated, self.initial, 0
        )
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {self.name!r}")
        set_(self, "next_state", next_state)
        set_(self, "prob", prob)
        set_(self, "reward", reward)
        set_(self, "terminated", terminated)
        set_(self, "initial", initial)
        set_(self, "desc", _check_desc(self.desc))
        if self.max_episode_steps is not None:
            set_(
                self,
                "max_episode_steps",
                check_size("max_episode_steps", self.max_episode_steps),
            )

    @property
    def num_states(self) -> int:
        """Number of states ``S``."""
        return self.next_state.shape[0]

    @property
    def num_actions(self) -> int:
        """Number of actions ``A``."""
        return self.next_state.shape[1]

    @property
    def num_successors(self) -> int:
        """Entries per ``(s, a)``, ``K`` (some may be zero-probability padding)."""
        return self.next_state.shape[2]

    def __deepcopy__(self, memo):
        # Immutable after validation, so a copy may share it; Gymnasium deep-copies
        # spec kwargs (make(env.spec)), and specs holding the model then compare equal.
        return self

    def __repr__(self) -> str:
        return (
            f"TabularMDP(name={self.name!r}, num_states={self.num_states}, "
            f"num_actions={self.num_actions}, num_successors={self.num_successors}, "
            f"max_episode_steps={self.max_episode_steps})"
        )

    @classmethod
    def from_dense(
        cls,
        P,
        R,
        terminated=None,
        initial=None,
        *,
        name: str = "TabularMDP",
        desc: Sequence[str] | None = None,
        max_episode_steps: int | None = None,
    ) -> TabularMDP:
        """Build from dense arrays.

        Parameters
        ----------
        P : array, shape (S, A, S)
            ``P[s, a, s']``, rows summing to 1.
        R : array, shape (S, A) or (S, A, S)
            Reward of ``(s, a)`` or of the transition ``(s, a, s')``.
        terminated : None or bool array of shape (S,) or (S, A, S)
            None: no transition terminates; ``(S,)``: entering ``s'`` ends the
            episode (terminal states); ``(S, A, S)``: per transition.
        initial : None or array, shape (S,)
            Initial-state distribution; None means uniform over all states.

        Only successors with positive probability are stored, in increasing
        order of ``s'``; ``K`` is the largest count over ``(s, a)``.
        """
        in_dtype = getattr(P, "dtype", np.float64)
        P = _numeric("P", P, 3, np.float64)
        S, A, S2 = P.shape
        if S2 != S or S < 1 or A < 1:
            raise ValueError(f"P must have shape (S, A, S) with S, A >= 1, got {P.shape}")
        tol = _tolerance(in_dtype, S)
        _check_distribution("P", P, tol=tol)
        if tol > PROB_TOL:  # float32/float16 input: sums are off by its rounding; renormalise
            P = P / P.sum(axis=-1, keepdims=True)
        R = _asarray("R", R)
        if R.ndim == 2:
            R = _numeric("R", R, 2, np.float64)
            if R.shape != (S, A):
                raise ValueError(f"R must have shape ({S}, {A}) or ({S}, {A}, {S}), got {R.shape}")
            R = np.broadcast_to(R[:, :, None], P.shape)
        else:
            R = _numeric("R", R, 3, np.float64)
            if R.shape != P.shape:
                raise ValueError(f"R must have shape ({S}, {A}) or ({S}, {A}, {S}), got {R.shape}")
        if terminated is None:
            T = np.zeros(P.shape, dtype=bool)
        else:
            T = _asarray("terminated", terminated)
            T = _numeric("terminated", T, T.ndim if T.ndim in (1, 3) else 3, np.bool_)
            if T.shape == (S,):
                T = np.broadcast_to(T[None, None, :], P.shape)
            elif T.shape != P.shape:
                raise ValueError(f"terminated must have shape ({S},) or {P.shape}, got {T.shape}")
        initial = np.full(S, 1.0 / S) if initial is None else initial
        positive = P > 0.0
        K = max(int(positive.sum(axis=-1).max()), 1)
        order = np.argsort(~positive, axis=-1, kind="stable")[..., :K]
        prob = np.take_along_axis(P, order, axis=-1)
        pad = prob == 0.0
        next_state = np.where(pad, np.arange(S)[:, None, None], order)
        reward = np.where(pad, 0.0, np.take_along_axis(R, order, axis=-1))
        term = np.where(pad, False, np.take_along_axis(T, order, axis=-1))
        return cls(next_state, prob, reward, term, initial, name, desc, max_episode_steps)

    @classmethod
    def from_gymnasium(
        cls, env, *, name: str | None = None, max_episode_steps: int | None = None
    ) -> TabularMDP:
        """Build from a toy-text environment exposing ``env.unwrapped.P``.

        ``P[s][a]`` is a list of ``(prob, next_state, reward, terminated)``;
        entries are kept in order, duplicates included, so sampling entry by
        entry reproduces Gymnasium's ``categorical_sample``. The initial
        distribution is ``unwrapped.initial_state_distrib`` (uniform if
        absent); the episode limit is ``env.spec.max_episode_steps`` unless
        given; ``desc`` is copied when the environment has one.
        """
        u = getattr(env, "unwrapped", env)
        table = getattr(u, "P", None)
        if not isinstance(table, dict):
            raise TypeError("env.unwrapped must expose a toy-text transition table P (a dict)")
        S = int(u.observation_space.n)
        A = int(u.action_space.n)
        if len(table) != S:
            raise ValueError(f"env.unwrapped.P has {len(table)} states, observation space has {S}")
        rows = [[_gym_entries(table, s, a) for a in range(A)] for s in range(S)]
        K = max(len(entries) for row in rows for entries in row)
        next_state = np.repeat(np.arange(S, dtype=np.int64), A * K).reshape(S, A, K)
        prob = np.zeros((S, A, K))
        reward = np.zeros((S, A, K))
        term = np.zeros((S, A, K), dtype=bool)
        for s in range(S):
            for a in range(A):
                for k, (p, s_next, r, t) in enumerate(rows[s][a]):
                    prob[s, a, k], next_state[s, a, k] = p, s_next
                    reward[s, a, k], term[s, a, k] = r, t
        initial = getattr(u, "initial_state_distrib", None)
        initial = np.full(S, 1.0 / S) if initial is None else np.asarray(initial, dtype=np.float64)
        if max_episode_steps is None and getattr(env, "spec", None) is not None:
            max_episode_steps = env.spec.max_episode_steps
        if name is None:
            name = env.spec.id if getattr(env, "spec", None) is not None else type(u).__name__
        desc = getattr(u, "desc", None)
        return cls(next_state, prob, reward, term, initial, name, desc, max_episode_steps)

    def to_dense(self, *, with_terminated: bool = False):
        """Dense arrays, duplicate successors merged.

        Returns
        -------
        P : float64 array, shape (S, A, S)
        R : float64 array, shape (S, A, S)
            Expected reward of the transition ``(s, a, s')`` (0 where ``P`` is 0).
        T : float64 array, shape (S, A, S), only with ``with_terminated=True``
            Probability of moving to ``s'`` on a terminating transition.
        """
        S, A, _ = self.next_state.shape
        idx = np.arange(S * A)[:, None] * S + self.next_state.reshape(S * A, -1)
        flat = idx.ravel()
        P = np.bincount(flat, self.prob.ravel(), S * A * S).reshape(S, A, S)
        PR = np.bincount(flat, (self.prob * self.reward).ravel(), S * A * S).reshape(S, A, S)
        R = np.divide(PR, P, out=np.zeros_like(P), where=P > 0)
        if not with_terminated:
            return P, R
        T = np.bincount(flat, (self.prob * self.terminated).ravel(), S * A * S).reshape(S, A, S)
        return P, R, T

    def expected_reward(self) -> np.ndarray:
        """``r(s, a) = sum_k prob * reward``, float64 array of shape (S, A)."""
        return (self.prob * self.reward).sum(axis=-1)


_FIELDS = ("next_state", "prob", "reward", "terminated", "initial")


@dataclass(frozen=True, eq=False)
class MDPStack:
    """``N`` MDPs of identical shape ``(S, A, K)``, stacked along a leading axis.

    Planning, training and evaluation accept a stack and use MDP ``i`` for run
    ``i``. Build one with :func:`stack`. Arrays are read-only:
    ``next_state (N, S, A, K)`` int64, ``prob``/``reward`` float64,
    ``terminated`` bool and ``initial (N, S)`` float64.
    """

    next_state: np.ndarray
    prob: np.ndarray
    reward: np.ndarray
    terminated: np.ndarray
    initial: np.ndarray
    names: tuple[str, ...]
    descs: tuple[tuple[str, ...] | None, ...]
    max_episode_steps: int | None

    def __post_init__(self):
        # Built directly (not by stack) the arrays are as unchecked as any user input.
        arrays = _check_model(
            self.next_state, self.prob, self.reward, self.terminated, self.initial, 1
        )
        for label, arr in zip(_FIELDS, arrays, strict=True):
            object.__setattr__(self, label, arr)
        N = arrays[0].shape[0]
        for label in ("names", "descs"):
            value = getattr(self, label)
            if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != N:
                raise ValueError(f"{label} must be a sequence of {N} entries (one per MDP)")
        if not all(isinstance(n, str) for n in self.names):
            raise TypeError(f"names must hold strings, got {self.names!r}")
        object.__setattr__(self, "names", tuple(self.names))
        descs = tuple(_check_desc(d, f"descs[{j}]") for j, d in enumerate(self.descs))
        object.__setattr__(self, "descs", descs)
        if self.max_episode_steps is not None:
            limit = check_size("max_episode_steps", self.max_episode_steps)
            object.__setattr__(self, "max_episode_steps", limit)

    @property
    def num_mdps(self) -> int:
        """Number of MDPs ``N``."""
        return self.next_state.shape[0]

    @property
    def num_states(self) -> int:
        return self.next_state.shape[1]

    @property
    def num_actions(self) -> int:
        return self.next_state.shape[2]

    @property
    def num_successors(self) -> int:
        return self.next_state.shape[3]

    def __len__(self) -> int:
        return self.num_mdps

    def __getitem__(self, i) -> TabularMDP:
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"MDPStack index must be an integer, got {i!r}")
        n = self.num_mdps
        i = int(i)
        if not -n <= i < n:
            raise IndexError(f"MDPStack index {i} out of range for {n} MDPs")
        i %= n
        return TabularMDP(
            self.next_state[i],
            self.prob[i],
            self.reward[i],
            self.terminated[i],
            self.initial[i],
            self.names[i],
            self.descs[i],
            self.max_episode_steps,
        )

    def __deepcopy__(self, memo):
        # Immutable after validation, so a copy may share it; Gymnasium deep-copies
        # spec kwargs (make(env.spec)), and specs holding the model then compare equal.
        return self

    def __repr__(self) -> str:
        return (
            f"MDPStack(num_mdps={self.num_mdps}, num_states={self.num_states}, "
            f"num_actions={self.num_actions}, num_successors={self.num_successors}, "
            f"max_episode_steps={self.max_episode_steps})"
        )


def stack(mdps: Iterable[TabularMDP], *, max_episode_steps: int | None = None) -> MDPStack:
    """Stack MDPs with the same numbers of states and actions into an :class:`MDPStack`.

    ``K`` is padded to the largest ``num_successors`` with zero-probability
    entries pointing to ``s`` itself. The stack's episode limit is
    ``max_episode_steps`` if given, else the MDPs' common limit; MDPs with
    different limits need an explicit ``max_episode_steps``.
    """
    if isinstance(mdps, TabularMDP | str) or not isinstance(mdps, Iterable):
        raise TypeError(f"mdps must be an iterable of TabularMDP, got {type(mdps).__name__}")
    try:
        mdps = list(mdps)
    except TypeError as exc:  # a 0-d array and the like
        raise TypeError(f"mdps must be an iterable of TabularMDP, got {mdps!r}") from exc
    if not mdps:
        raise ValueError("mdps must hold at least one TabularMDP, got none")
    for j, m in enumerate(mdps):
        if not isinstance(m, TabularMDP):
            raise TypeError(f"mdps[{j}] must be a TabularMDP, got {type(m).__name__}")
    S, A = mdps[0].num_states, mdps[0].num_actions
    for j, m in enumerate(mdps):
        if (m.num_states, m.num_actions) != (S, A):
            raise ValueError(
                f"all MDPs must have {S} states and {A} actions; mdps[{j}] has "
                f"{m.num_states} and {m.num_actions}"
            )
    if max_episode_steps is None:
        limits = {m.max_episode_steps for m in mdps}
        if len(limits) > 1:
            raise ValueError(
                f"MDPs have different max_episode_steps {limits}; pass max_episode_steps"
            )
        max_episode_steps = limits.pop()
    else:
        max_episode_steps = check_size("max_episode_steps", max_episode_steps)
    N = len(mdps)
    K = max(m.num_successors for m in mdps)
    next_state = np.empty((N, S, A, K), dtype=np.int64)
    next_state[...] = np.arange(S)[None, :, None, None]
    prob = np.zeros((N, S, A, K))
    reward = np.zeros((N, S, A, K))
    term = np.zeros((N, S, A, K), dtype=bool)
    initial = np.empty((N, S))
    for j, m in enumerate(mdps):
        k = m.num_successors
        next_state[j, :, :, :k] = m.next_state
        prob[j, :, :, :k] = m.prob
        reward[j, :, :, :k] = m.reward
        term[j, :, :, :k] = m.terminated
        initial[j] = m.initial
    names = tuple(m.name for m in mdps)
    descs = tuple(m.desc for m in mdps)
    return MDPStack(next_state, prob, reward, term, initial, names, descs, max_episode_steps)


def batched_arrays(mdp: TabularMDP | MDPStack):
    """The kernel view of a model: arrays with a leading MDP axis.

    Returns
    -------
    tuple
        ``(next_state (N,S,A,K) int64, prob (N,S,A,K) float64,
        reward (N,S,A,K) float64, terminated (N,S,A,K) bool, initial (N,S) float64)``,
        C-contiguous and read-only (so every kernel compiles one read-only
        specialization); ``N = 1`` for a single :class:`TabularMDP`. Kernels use
        MDP ``n = i if N > 1 else 0`` for run ``i``; for a stack the public
        layer must check that the number of runs equals ``N``.
    """
    if isinstance(mdp, TabularMDP):
        return (
            mdp.next_state[None],
            mdp.prob[None],
            mdp.reward[None],
            mdp.terminated[None],
            mdp.initial[None],
        )
    if isinstance(mdp, MDPStack):
        return mdp.next_state, mdp.prob, mdp.reward, mdp.terminated, mdp.initial
    raise TypeError(f"mdp must be a TabularMDP or MDPStack, got {type(mdp).__name__}")
