"""Maps that change during learning: Sutton & Barto's blocking and shortcut mazes (8.3).

A :class:`ChangingMDP` is two maps over the same states and actions and the
step at which the first gives way to the second. :func:`~fastrl.tabular.train`
takes one like any MDP: step ``t`` of a run (counted across episodes, from 0,
as in the learners' hooks) is taken on ``before`` while ``t < at_step`` and on
``after`` from then on, in the middle of an episode if need be; a reset at
step ``t`` draws its start state from the map in force at ``t``. The kernel's
cost for ordinary MDPs is one integer comparison per step.

:func:`cumulative_reward` turns the per-run traces of ``train(...,
record_runs=True)`` into the mean cumulative reward against time steps, the
y-axis of the book's figures 8.4 and 8.5.

Example
-------
>>> from fastrl.tabular import DynaQ, blocking_maze, cumulative_reward, train
>>> maze = blocking_maze()
>>> res = train(maze, DynaQ(alpha=1.0, gamma=0.95, planning_steps=10), runs=4,
...             episodes=300, max_episode_steps=3000, record_runs=True)
>>> mean, se = cumulative_reward(res, 3000)
>>> mean.shape
(3001,)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fastrl.tabular.gridworld import gridworld
from fastrl.tabular.mdp import MDPStack, TabularMDP, stack
from fastrl.validation import check_int, check_memory, check_size

__all__ = [
    "ChangingMDP",
    "changing_gridworld",
    "blocking_maze",
    "shortcut_maze",
    "cumulative_reward",
]


@dataclass(frozen=True, eq=False)
class ChangingMDP:
    """A map that changes once, at a given step of every run (Sutton & Barto 8.3).

    Parameters
    ----------
    before, after : TabularMDP
        The maps before and from step ``at_step`` on; same numbers of states
        and actions (the learner's tables carry over the switch).
    at_step : int
        The first step (counted across episodes from 0) taken on ``after``;
        ``0`` means ``after`` from the start.
    name : str or None
        Defaults to ``"<before.name>-><after.name>"``.
    max_episode_steps : int or None
        Default episode limit; None takes the maps' common limit (which may be
        None), as :func:`~fastrl.tabular.mdp.stack` does.

    Notes
    -----
    ``train(...).policy_value`` of a changing map is the value of each greedy
    policy on ``after``, the final map (also for a run that ended before the
    switch). ``compare`` works as for any MDP; ``client=`` (Dask) does not
    take a changing map.
    """

    before: TabularMDP
    after: TabularMDP
    at_step: int
    name: str | None = None
    max_episode_steps: int | None = None

    def __post_init__(self):
        for label in ("before", "after"):
            value = getattr(self, label)
            if not isinstance(value, TabularMDP):
                raise TypeError(f"{label} must be a TabularMDP, got {type(value).__name__}")
        b, a = self.before, self.after
        if (b.num_states, b.num_actions) != (a.num_states, a.num_actions):
            raise ValueError(
                "before and after must have the same states and actions; got "
                f"{b.num_states} x {b.num_actions} and {a.num_states} x {a.num_actions}"
            )
        put = object.__setattr__
        put(self, "at_step", check_int("at_step", self.at_step, low=0, high=2**62))
        if self.name is None:
            put(self, "name", f"{b.name}->{a.name}")
        elif not isinstance(self.name, str):
            raise TypeError(f"name must be a str or None, got {self.name!r}")
        # stack() pads K and settles the episode limit (common, or given).
        pair = stack([b, a], max_episode_steps=self.max_episode_steps)
        put(self, "max_episode_steps", pair.max_episode_steps)
        put(self, "_pair", pair)

    @property
    def num_states(self) -> int:
        """Number of states ``S`` (both maps)."""
        return self.before.num_states

    @property
    def num_actions(self) -> int:
        """Number of actions ``A`` (both maps)."""
        return self.before.num_actions

    @property
    def num_successors(self) -> int:
        """Entries per ``(s, a)`` of the two maps stacked (the larger ``K``)."""
        return self._pair.num_successors

    def map_at(self, step: int) -> TabularMDP:
        """The map in force at step ``step`` of a run."""
        step = check_int("step", step, low=0)
        return self.before if step < self.at_step else self.after

    def arrays(self) -> tuple:
        """The kernel view: :func:`~fastrl.tabular.mdp.batched_arrays` of ``[before, after]``."""
        pair: MDPStack = self._pair
        return pair.next_state, pair.prob, pair.reward, pair.terminated, pair.initial

    def __deepcopy__(self, memo):
        return self  # immutable after validation, like TabularMDP

    def __repr__(self) -> str:
        return (
            f"ChangingMDP(name={self.name!r}, at_step={self.at_step}, "
            f"num_states={self.num_states}, num_actions={self.num_actions}, "
            f"max_episode_steps={self.max_episode_steps})"
        )


def changing_gridworld(
    before: Sequence[str],
    after: Sequence[str],
    *,
    at_step: int,
    name: str = "ChangingGridworld",
    max_episode_steps: int | None = None,
    **kwargs,
) -> ChangingMDP:
    """Two ASCII maps of the same size as a :class:`ChangingMDP` (see :func:`gridworld`).

    A cell that is a wall only in ``after`` may hold the agent at the switch:
    in ``after`` it cannot be entered, but its own moves are those of a floor
    cell, so an agent caught there steps out (a wall cell of
    :func:`~fastrl.tabular.gridworld.gridworld` is otherwise a self-loop it
    would never leave). ``kwargs`` (rewards, ``slip``) go to both maps.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {name!r}")
    maps = []
    for label, desc in (("before", before), ("after", after)):
        try:
            maps.append(gridworld(desc, name=f"{name}-{label}",
                                  max_episode_steps=max_episode_steps, **kwargs))  # fmt: skip
        except (TypeError, ValueError) as exc:  # gridworld names its own argument, desc
            raise type(exc)(f"{label}: {exc}") from None
    first, second = maps
    if first.desc is None or second.desc is None or len(first.desc) != len(second.desc):
        raise ValueError("before and after must be maps of the same size")
    cells_b, cells_a = "".join(first.desc), "".join(second.desc)
    if len(cells_b) != len(cells_a):
        raise ValueError("before and after must be maps of the same size")
    new_walls = [s for s, (x, y) in enumerate(zip(cells_b, cells_a, strict=True)) if y == "W" != x]
    if new_walls:
        floor = list(cells_a)
        for s in new_walls:
            floor[s] = "F"
        ncol = len(second.desc[0])
        rows = ["".join(floor[r : r + ncol]) for r in range(0, len(floor), ncol)]
        exits = gridworld(rows, max_episode_steps=max_episode_steps, **kwargs)
        fields = {}
        for label in ("next_state", "prob", "reward", "terminated"):
            arr = getattr(second, label).copy()
            arr[new_walls] = getattr(exits, label)[new_walls]
            fields[label] = arr
        second = TabularMDP(
            **fields,
            initial=second.initial,
            name=second.name,
            desc=second.desc,
            max_episode_steps=second.max_episode_steps,
        )
    return ChangingMDP(first, second, at_step, name=name, max_episode_steps=max_episode_steps)


_ROWS = ("FFFFFFFFG", "FFFFFFFFF", "FFFFFFFFF", None, "FFFFFFFFF", "FFFSFFFFF")


def _maze(row3: str) -> tuple[str, ...]:
    return tuple(row3 if r is None else r for r in _ROWS)


def blocking_maze(*, at_step: int = 1000, max_episode_steps: int | None = None) -> ChangingMDP:
    """Sutton & Barto's blocking maze (example 8.2, figure 8.4).

    A 6x9 grid, start (5, 3), goal (0, 8), reward +1 on reaching the goal,
    else 0; actions 0 left, 1 down, 2 right, 3 up. A wall along row 3 leaves a
    gap at its right end (column 8: shortest path 10 steps); from step
    ``at_step`` (the book: 1000) the gap moves to its left end (column 0: 16
    steps). The book uses gamma 0.95. No episode limit unless given.
    """
    return changing_gridworld(
        _maze("WWWWWWWWF"),
        _maze("FWWWWWWWW"),
        at_step=at_step,
        goal_reward=1.0,
        name="BlockingMaze",
        max_episode_steps=max_episode_steps,
    )


def shortcut_maze(*, at_step: int = 3000, max_episode_steps: int | None = None) -> ChangingMDP:
    """Sutton & Barto's shortcut maze (example 8.3, figure 8.5).

    The grid of :func:`blocking_maze`; the wall along row 3 first leaves a gap
    at column 0 only (shortest path 16 steps); from step ``at_step`` (the
    book: 3000) a second gap opens at column 8 (10 steps), the long path
    staying open. No episode limit unless given.
    """
    return changing_gridworld(
        _maze("FWWWWWWWW"),
        _maze("FWWWWWWWF"),
        at_step=at_step,
        goal_reward=1.0,
        name="ShortcutMaze",
        max_episode_steps=max_episode_steps,
    )


def cumulative_reward(result, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean cumulative reward against time steps, and its standard error over runs.

    Parameters
    ----------
    result : TrainResult
        Of ``train(..., record_runs=True)``; every run must have taken at least
        ``steps`` steps (give enough ``episodes``: each episode is at least as
        long as the shortest path).
    steps : int
        Length of the curve, >= 1.

    Returns
    -------
    mean, se : numpy.ndarray
        float64 ``(steps + 1,)``: entry ``k`` is the mean over runs of the reward
        collected in the run's first ``k`` steps (``mean[0] == 0``), and its
        standard error (NaN for one run). An episode's return is counted at its
        last step: exact when rewards come on the last step of an episode only
        (the mazes of chapter 8), otherwise the curve lags within episodes.

    Memory is ``O(steps)`` beyond the traces: runs are added one at a time
    (Welford's update, in run order).
    """
    returns, lengths = getattr(result, "returns", None), getattr(result, "lengths", None)
    if returns is None or lengths is None:
        raise ValueError("cumulative_reward needs a result of train(..., record_runs=True)")
    steps = check_size("steps", steps)
    check_memory({"steps": 4 * 8 * (steps + 1)})
    ends = np.cumsum(lengths, axis=1)
    total = ends[:, -1]
    if total.min() < steps:
        short = int(np.count_nonzero(total < steps))
        raise ValueError(
            f"steps={steps}: {short} of {total.size} runs took fewer steps "
            f"(the shortest {int(total.min())}); train with more episodes"
        )
    mean = np.zeros(steps + 1)
    m2 = np.zeros(steps + 1)
    curve = np.empty(steps + 1)
    for i in range(returns.shape[0]):
        keep = ends[i] <= steps
        curve[:] = 0.0
        np.add.at(curve, ends[i][keep], returns[i][keep])
        np.cumsum(curve, out=curve)
        delta = curve - mean
        mean += delta / (i + 1)
        m2 += delta * (curve - mean)
    runs = returns.shape[0]
    se = np.sqrt(m2 / (runs - 1) / runs) if runs > 1 else np.full(steps + 1, np.nan)
    return mean, se
