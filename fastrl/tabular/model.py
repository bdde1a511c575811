"""Model estimation from logged transitions (the tutorials' "Markov agent").

:func:`estimate_model` turns logged ``(s, a, s', r)`` transitions into a
maximum-likelihood :class:`~fastrl.tabular.mdp.TabularMDP`:
``P(s' | s, a) = N(s, a, s') / N(s, a)``. The result, an
:class:`EstimatedModel`, *is* a ``TabularMDP`` (planning, evaluation and
learning take it directly) that also carries the counts. :class:`Encoder`
maps hashable labels (``'low'``, ``'climb'``) to indices and back, and
:func:`estimate_model_from_episodes` takes logged episodes as lists of dicts.

Example
-------
>>> episodes = [[{"state": "low", "action": "climb", "state_": "high", "reward": 1.0}]]
>>> model, enc = estimate_model_from_episodes(episodes)
>>> model.counts.sum(), enc.decode_state(1)
(np.int64(1), 'high')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import (
    check_array,
    check_bool,
    check_int,
    check_memory,
    check_real,
    check_size,
)

__all__ = ["EstimatedModel", "Encoder", "estimate_model", "estimate_model_from_episodes"]


@dataclass(frozen=True, eq=False, repr=False)
class EstimatedModel(TabularMDP):
    """A :class:`TabularMDP` estimated from data, with its counts.

    Attributes
    ----------
    counts : int64 array, shape (S, A, S)
        Logged transitions ``N(s, a, s')``.
    visits : int64 array, shape (S, A)
        ``N(s, a) = sum_s' N(s, a, s')``; rows with 0 visits were filled in by
        the ``unvisited`` rule of :func:`estimate_model`.
    """

    counts: np.ndarray | None = None
    visits: np.ndarray | None = None

    def __post_init__(self):
        super().__post_init__()
        S, A = self.num_states, self.num_actions
        counts = np.array(self.counts, dtype=np.int64)
        if counts.shape != (S, A, S):
            raise ValueError(f"counts must have shape ({S}, {A}, {S}), got {counts.shape}")
        counts.setflags(write=False)
        visits = counts.sum(axis=-1)
        visits.setflags(write=False)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "visits", visits)


def estimate_model(
    states,
    actions,
    next_states,
    rewards,
    terminated=None,
    *,
    num_states: int | None = None,
    num_actions: int | None = None,
    unvisited: str = "self-loop",
    reward_model: str = "transition",
    unvisited_reward: float = 0.0,
    initial=None,
    name: str = "EstimatedModel",
    max_episode_steps: int | None = None,
) -> EstimatedModel:
    """Maximum-likelihood tabular model from logged transitions.

    Parameters
    ----------
    states, actions, next_states : int arrays, shape (T,)
        Logged transitions (indices; see :class:`Encoder` for labels).
    rewards : float array, shape (T,)
    terminated : bool array, shape (T,), optional
        Whether each logged transition ended its episode (default: none did).
        The model's ``terminated[s, a, s']`` is True if *any* logged
        ``(s, a, s')`` transition terminated.
    num_states, num_actions : int, optional
        Default: one more than the largest index seen.
    unvisited : {"self-loop", "uniform", "error"}
        Never-tried ``(s, a)``: stay in ``s``; move to a uniformly random
        state; or raise ``ValueError`` naming them. Such transitions do not
        terminate.
    reward_model : {"transition", "state"}
        ``"transition"``: ``reward[s, a, s']`` is the mean logged reward of
        ``(s, a, s')`` (0 for unvisited pairs); ``"state"``: the reward is a
        function of the state reached, the mean logged reward over all
        transitions into ``s'`` (0 for states never reached), as in the
        tutorial's Markov agent.
    unvisited_reward : float
        Reward of the made-up transitions of never-tried ``(s, a)`` pairs under
        either reward model (default 0). A pessimistic value keeps a planner
        from preferring untried actions when logged rewards are negative.
    initial : float array (S,), optional
        Initial distribution; default uniform over all states.

    Returns
    -------
    EstimatedModel
    """
    s = check_array("states", states, ndim=1, dtype=np.int64)
    a = check_array("actions", actions, ndim=1, dtype=np.int64)
    s2 = check_array("next_states", next_states, ndim=1, dtype=np.int64)
    r = check_array("rewards", rewards, ndim=1)
    T = s.shape[0]
    if T < 1:
        raise ValueError("states must hold at least one transition, got none")
    for label, arr in (("actions", a), ("next_states", s2), ("rewards", r)):
        if arr.shape[0] != T:
            raise ValueError(f"{label} must have length {T} (like states), got {arr.shape[0]}")
    if terminated is None:
        term = np.zeros(T, dtype=bool)
    else:
        try:
            term = np.asarray(terminated)
        except Exception as exc:  # ragged lists and the like
            raise TypeError(f"terminated must be a bool array, got {terminated!r}") from exc
        if (
            term.shape != (T,)
            or term.dtype.kind not in "bi"
            or not np.all((term == 0) | (term == 1))
        ):
            raise ValueError(f"terminated must be a bool array of shape ({T},)")
        term = term.astype(bool)
    if min(s.min(), a.min(), s2.min()) < 0:
        raise ValueError("states, actions and next_states must be non-negative indices")
    S = (
        int(max(s.max(), s2.max())) + 1
        if num_states is None
        else check_size("num_states", num_states)
    )
    A = int(a.max()) + 1 if num_actions is None else check_size("num_actions", num_actions)
    # dense (S, A, S) counts, probabilities, rewards and flags, several of them at once
    check_memory({"num_states": 5 * 8 * S * A * S})
    if max(s.max(), s2.max()) >= S:
        raise ValueError(f"state indices must be < num_states={S}")
    if a.max() >= A:
        raise ValueError(f"action indices must be < num_actions={A}")
    if not isinstance(unvisited, str) or unvisited not in ("self-loop", "uniform", "error"):
        raise ValueError(f"unvisited must be 'self-loop', 'uniform' or 'error', got {unvisited!r}")
    unvisited_reward = check_real("unvisited_reward", unvisited_reward)
    if not isinstance(reward_model, str) or reward_model not in ("transition", "state"):
        raise ValueError(f"reward_model must be 'transition' or 'state', got {reward_model!r}")

    flat = (s * A + a) * S + s2
    counts = np.bincount(flat, minlength=S * A * S).reshape(S, A, S)
    visits = counts.sum(axis=-1)
    never = visits == 0
    if unvisited == "error" and never.any():
        pairs = [tuple(int(x) for x in p) for p in np.argwhere(never)[:5]]
        raise ValueError(f"{int(never.sum())} (state, action) pairs were never tried, e.g. {pairs}")
    P = counts / np.maximum(visits, 1)[:, :, None]
    if unvisited == "self-loop":
        idx = np.argwhere(never)
        P[idx[:, 0], idx[:, 1], idx[:, 0]] = 1.0
    elif unvisited == "uniform":
        P[never] = 1.0 / S
    if reward_model == "transition":
        total = np.bincount(flat, weights=r, minlength=S * A * S).reshape(S, A, S)
        R = total / np.maximum(counts, 1)
    else:
        arrivals = np.bincount(s2, minlength=S)
        r_state = np.bincount(s2, weights=r, minlength=S) / np.maximum(arrivals, 1)
        R = np.broadcast_to(r_state[None, None, :], (S, A, S)).copy()
    # Made-up transitions never pay a logged reward: with reward_model="state" a
    # self-loop on a rewarding terminal state would otherwise pay it forever.
    R[never] = unvisited_reward
    Tm = np.bincount(flat, weights=term, minlength=S * A * S).reshape(S, A, S) > 0
    base = TabularMDP.from_dense(P, R, Tm, initial, name=name, max_episode_steps=max_episode_steps)
    return EstimatedModel(
        base.next_state,
        base.prob,
        base.reward,
        base.terminated,
        base.initial,
        name,
        None,
        base.max_episode_steps,
        counts,
    )


class Encoder:
    """Two-way maps between hashable labels and indices, for states and actions.

    Indices follow the order in which labels are first added. Build one with
    :meth:`fit` or incrementally with :meth:`add_state` / :meth:`add_action`
    (an ``Encoder`` is mutable on purpose).

    Example
    -------
    >>> enc = Encoder.fit(states=["low", "high"], actions=["climb", "sink"])
    >>> enc.encode_state("high"), enc.decode_action(0)
    (1, 'climb')
    """

    def __init__(self) -> None:
        self._states: list[Hashable] = []
        self._actions: list[Hashable] = []
        self._state_index: dict[Hashable, int] = {}
        self._action_index: dict[Hashable, int] = {}

    @classmethod
    def fit(cls, states: Iterable[Hashable] = (), actions: Iterable[Hashable] = ()) -> Encoder:
        """An encoder knowing these labels (duplicates are ignored)."""
        enc = cls()
        for x in states:
            enc.add_state(x)
        for x in actions:
            enc.add_action(x)
        return enc

    @staticmethod
    def _add(label, labels, index) -> int:
        try:
            hash(label)
        except TypeError as exc:
            raise TypeError(f"labels must be hashable, got {label!r}") from exc
        if label not in index:
            index[label] = len(labels)
            labels.append(label)
        return index[label]

    def add_state(self, label: Hashable) -> int:
        """Index of ``label``, adding it if new."""
        return self._add(label, self._states, self._state_index)

    def add_action(self, label: Hashable) -> int:
        """Index of ``label``, adding it if new."""
        return self._add(label, self._actions, self._action_index)

    @property
    def states(self) -> tuple:
        return tuple(self._states)

    @property
    def actions(self) -> tuple:
        return tuple(self._actions)

    @property
    def num_states(self) -> int:
        return len(self._states)

    @property
    def num_actions(self) -> int:
        return len(self._actions)

    def encode_state(self, label: Hashable) -> int:
        if label not in self._state_index:
            raise KeyError(f"unknown state label {label!r}")
        return self._state_index[label]

    def encode_action(self, label: Hashable) -> int:
        if label not in self._action_index:
            raise KeyError(f"unknown action label {label!r}")
        return self._action_index[label]

    def decode_state(self, i: int) -> Hashable:
        return self._states[check_int("state index", i, low=0, high=self.num_states - 1)]

    def decode_action(self, i: int) -> Hashable:
        return self._actions[check_int("action index", i, low=0, high=self.num_actions - 1)]

    def decode_policy(self, policy) -> dict:
        """``{state label: action label}`` for a deterministic policy of shape (S,)."""
        pol = check_array("policy", policy, ndim=1, dtype=np.int64)
        if pol.shape[0] != self.num_states:
            raise ValueError(f"policy must have length {self.num_states}, got {pol.shape[0]}")
        return {self._states[s]: self.decode_action(int(a)) for s, a in enumerate(pol)}

    def decode_values(self, values) -> dict:
        """``{state label: value}`` for an array of shape (S,)."""
        v = check_array("values", values, ndim=1)
        if v.shape[0] != self.num_states:
            raise ValueError(f"values must have length {self.num_states}, got {v.shape[0]}")
        return {self._states[s]: float(x) for s, x in enumerate(v)}

    def __repr__(self) -> str:
        return f"Encoder(states={self._states!r}, actions={self._actions!r})"


def _log_real(value, where: str) -> float:
    """A logged reward: a finite real number, or a string of one (a log read from CSV)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | str):
        raise TypeError(f"{where} must be a real number, got {value!r}")
    try:
        value = float(value)
    except ValueError as exc:
        raise ValueError(f"{where} must be a real number, got {value!r}") from exc
    if not math.isfinite(value):
        raise ValueError(f"{where} must be finite, got {value}")
    return value


def _log_bool(value, where: str) -> bool:
    """A logged flag: a bool or the integer 0/1; ``bool()`` would read "False" and NaN as True."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Real) and value in (0, 1):  # 0/1, also as 0.0/1.0
        return bool(value)
    raise ValueError(f"{where} must be a bool (or 0/1), got {value!r}")


def estimate_model_from_episodes(
    episodes: Iterable,
    *,
    state_key: str = "state",
    action_key: str = "action",
    next_key: str = "state_",
    reward_key: str = "reward",
    terminated_key: str = "terminated",
    last_terminates: bool = True,
    encoder: Encoder | None = None,
    **kwargs,
) -> tuple[EstimatedModel, Encoder]:
    """:func:`estimate_model` from logged episodes with hashable labels.

    Parameters
    ----------
    episodes : iterable
        Each episode is a list of step dicts such as
        ``{'state': 'low', 'action': 'climb', 'state_': 'mid', 'reward': 0}``,
        or a mapping ``{'steps': [...], 'reward': R}`` whose episode reward
        ``R`` is added to the reward of its last step. A step without
        ``reward_key`` has reward 0.
    terminated_key : str
        Read from a step dict when present; otherwise a step terminates iff
        it is the last of its episode and ``last_terminates``.
    encoder : Encoder, optional
        Extended with new labels (in order of first appearance: state, then
        next state; actions likewise); a new one by default.
    **kwargs
        Passed to :func:`estimate_model` (``unvisited``, ``reward_model``,
        ``initial`` ...). Default ``initial``: the empirical distribution of
        the episodes' first states.

    Returns
    -------
    (EstimatedModel, Encoder)
        Plans come back as labels with :meth:`Encoder.decode_policy`.
    """
    if encoder is not None and not isinstance(encoder, Encoder):
        raise TypeError(f"encoder must be an Encoder or None, got {encoder!r}")
    keys = dict(
        state_key=state_key,
        action_key=action_key,
        next_key=next_key,
        reward_key=reward_key,
        terminated_key=terminated_key,
    )
    for name, key in keys.items():
        if not isinstance(key, Hashable):
            raise TypeError(f"{name} must be a hashable dict key, got {key!r}")
    last_terminates = check_bool("last_terminates", last_terminates)
    enc = Encoder() if encoder is None else encoder
    cols: dict[str, list] = {"s": [], "a": [], "s2": [], "r": [], "t": [], "first": []}
    if (
        isinstance(episodes, str | bytes | Mapping)
        or not isinstance(episodes, Iterable)
        or (isinstance(episodes, np.ndarray) and episodes.ndim == 0)
    ):
        raise TypeError(f"episodes must be an iterable of episodes, got {type(episodes).__name__}")
    for e, episode in enumerate(episodes):
        bonus = 0.0
        if isinstance(episode, Mapping):
            if "steps" not in episode:
                raise ValueError(f"episode {e} is a mapping without 'steps'")
            bonus = _log_real(episode.get("reward", 0.0), f"episode {e}: key 'reward'")
            episode = episode["steps"]
        if isinstance(episode, str | bytes) or not isinstance(episode, Iterable):
            raise TypeError(f"episode {e} must be a list of step dicts, got {episode!r}")
        steps = list(episode)
        if not steps:
            raise ValueError(f"episode {e} has no steps")
        for j, step in enumerate(steps):
            if not isinstance(step, Mapping):
                raise ValueError(
                    f"episode {e} step {j} must be a dict with keys {state_key!r}, "
                    f"{action_key!r}, {next_key!r}, got {step!r}"
                )
            missing = [n for n in ("state_key", "action_key", "next_key") if keys[n] not in step]
            if missing:
                raise ValueError(
                    f"episode {e} step {j} has no key {keys[missing[0]]!r} ({missing[0]}), "
                    f"got {step!r}"
                )
            s, a, s2 = step[state_key], step[action_key], step[next_key]
            last = j == len(steps) - 1
            where = f"episode {e} step {j}"
            cols["s"].append(enc.add_state(s))
            cols["s2"].append(enc.add_state(s2))
            cols["a"].append(enc.add_action(a))
            r = _log_real(step.get(reward_key, 0.0), f"{where}: key {reward_key!r}")
            cols["r"].append(r + (bonus if last else 0.0))
            t = step.get(terminated_key, last and last_terminates)
            cols["t"].append(_log_bool(t, f"{where}: key {terminated_key!r}"))
            if j == 0:
                cols["first"].append(cols["s"][-1])
    if not cols["s"]:
        raise ValueError("episodes must contain at least one step")
    kwargs.setdefault("num_states", enc.num_states)
    kwargs.setdefault("num_actions", enc.num_actions)
    if kwargs.get("initial") is None:
        first = np.bincount(cols["first"], minlength=kwargs["num_states"])
        kwargs["initial"] = first / first.sum()
    model = estimate_model(
        cols["s"], cols["a"], cols["s2"], cols["r"], np.array(cols["t"]), **kwargs
    )
    return model, enc
