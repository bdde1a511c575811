"""``tile_sarsa``: semi-gradient Sarsa with tile coding on Mountain Car (Sutton & Barto 10.1).

Many independent runs of the book's Example 10.1 in one parallel kernel
(:mod:`fastrl.control._tile_kernels`): Gymnasium's exact MountainCar-v0
dynamics, a :class:`~fastrl.control.tiles.TileCoder` over position and
velocity, and the linear action values ``q(s, a, w) = sum of w[a, tile]``
over the ``tilings`` active tiles, learned by episodic semi-gradient Sarsa
from all-zero (optimistic) weights. Only the per-episode statistics come back
(O(episodes) memory), unless the per-run curves and weights are asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fastrl._chunks import chunk_runs
from fastrl._threads import run_each_block
from fastrl.control import _tile_kernels as K
from fastrl.control._params import single_task
from fastrl.control.mountain_car import MountainCar
from fastrl.control.tiles import TileCoder
from fastrl.rng import STREAM_AGENT, STREAM_ENV, check_seed, stream_roots
from fastrl.stats import Accumulator
from fastrl.validation import check_bool, check_memory, check_real, check_size

__all__ = ["TileSarsaResult", "tile_sarsa", "mountain_car_coder"]

#: the episode cap of :func:`tile_sarsa` by default: the book runs every episode to the
#: goal; the cap only stops a diverging learner (the book's settings never reach it)
BOOK_MAX_STEPS = 10_000


def _task(task) -> MountainCar:
    return single_task(task, MountainCar, "MountainCar-v0")


def mountain_car_coder(task="MountainCar-v0", tilings: int = 8, tiles: int = 8) -> TileCoder:
    """The book's tile coder for Mountain Car: ``[min_position, goal_position] x [-max_speed,
    max_speed]`` (``[-1.2, 0.5] x [-0.07, 0.07]``), displacement ``(1, 3)``.

    Non-terminal states never reach the goal position, so the tiles cover exactly
    the states whose values are learned (Gymnasium's ``max_position`` 0.6 is only
    met at the goal).
    """
    task = _task(task)
    low = (float(task.min_position), -float(task.max_speed))
    high = (float(task.goal_position), float(task.max_speed))
    return TileCoder(low=low, high=high, tilings=tilings, tiles=tiles, displacement=(1, 3))


@dataclass(frozen=True, eq=False)
class TileSarsaResult:
    """Outcome of :func:`tile_sarsa` (``E`` episodes, ``R`` runs, ``F`` features).

    Attributes
    ----------
    steps, steps_se : numpy.ndarray
        float64 ``(E,)``: steps per episode, mean over runs and its standard error
        (NaN for one run). The book's figure 10.2 plots ``steps``.
    truncated : numpy.ndarray
        float64 ``(E,)``: fraction of runs whose episode hit ``max_episode_steps``.
    env_steps : int
        Environment steps over all runs and episodes.
    lengths : numpy.ndarray or None
        int64 ``(R, E)`` per-run steps, with ``record_runs``.
    weights : numpy.ndarray or None
        float64 ``(R, 3, F)`` final weights, with ``record_runs``: ``q(s, a) =
        weights[i, a, coder.encode(s)].sum()``.
    coder : TileCoder
    alpha : float
        The step size as given (each weight moves by ``alpha / tilings``).
    """

    steps: np.ndarray
    steps_se: np.ndarray
    truncated: np.ndarray
    env_steps: int
    runs: int
    episodes: int
    alpha: float
    epsilon: float
    gamma: float
    max_episode_steps: int
    seed: int
    coder: TileCoder
    lengths: np.ndarray | None = field(default=None, repr=False)
    weights: np.ndarray | None = field(default=None, repr=False)

    def to_frame(self):
        """:class:`pandas.DataFrame` with one row per episode: ``episode, steps, steps_se,
        truncated`` (episodes counted from 1, as in the book)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "episode": np.arange(1, self.episodes + 1),
                "steps": self.steps,
                "steps_se": self.steps_se,
                "truncated": self.truncated,
            }
        )

    def plot(self, ax=None, *, label: str | None = None, log: bool = True):
        """Steps per episode with a +-1 standard-error band (log scale as in figure 10.2)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        x = np.arange(1, self.episodes + 1)
        se = np.nan_to_num(self.steps_se)
        if label is None:
            label = f"alpha = {self.alpha:g}/{self.coder.tilings}"
        (line,) = ax.plot(x, self.steps, label=label)
        ax.fill_between(x, self.steps - se, self.steps + se, color=line.get_color(), alpha=0.25)
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("episode")
        ax.set_ylabel(f"steps per episode (mean of {self.runs} runs)")
        ax.legend()
        return ax


def tile_sarsa(
    task="MountainCar-v0",
    *,
    runs: int = 100,
    episodes: int = 500,
    alpha: float = 0.5,
    epsilon: float = 0.0,
    gamma: float = 1.0,
    tilings: int = 8,
    tiles: int = 8,
    seed: int = 0,
    max_episode_steps: int | None = BOOK_MAX_STEPS,
    record_runs: bool = False,
) -> TileSarsaResult:
    """Episodic semi-gradient Sarsa with tile coding on Mountain Car, ``runs`` runs at once.

    Sutton & Barto (2018), section 10.1 and figure 10.2: ``tilings`` tilings of
    ``tiles x tiles`` tiles over position and velocity (:func:`mountain_car_coder`),
    weights starting at 0 (optimistic: every true value is negative, so even a
    greedy learner explores), epsilon-greedy actions with ties broken uniformly
    at random, each active weight moving by ``alpha / tilings`` per update.

    Parameters
    ----------
    task : "MountainCar-v0" or MountainCar
        Gymnasium's exact dynamics (3 actions, reward -1 per step, goal at 0.5).
    runs, episodes : int, >= 1
    alpha : float, > 0
        The book's step size before the division by ``tilings`` (figure 10.2:
        0.1, 0.2 and 0.5).
    epsilon : float in [0, 1]
        The book uses 0.
    gamma : float in [0, 1]
    tilings, tiles : int, >= 1
    seed : int
        Run ``i`` depends only on ``seed`` and ``i`` (not on ``runs`` or threads).
    max_episode_steps : int or None
        Truncation: the episode ends after this many steps, its last update still
        bootstrapping. Default :data:`BOOK_MAX_STEPS` (10,000): the book runs
        episodes to the goal, which every run of its settings reaches far sooner
        (``result.truncated`` says if not). ``None`` takes the task's own limit
        (Gymnasium's 200 for MountainCar-v0).
    record_runs : bool
        Also return the per-run steps ``(runs, episodes)`` and final weights.

    Returns
    -------
    TileSarsaResult

    Examples
    --------
    >>> from fastrl.control import tile_sarsa
    >>> res = tile_sarsa("MountainCar-v0", runs=8, episodes=20, alpha=0.5)
    >>> res.steps.shape
    (20,)
    """
    task = _task(task)
    runs = check_size("runs", runs)
    episodes = check_size("episodes", episodes)
    alpha = check_real("alpha", alpha, low=0.0, low_open=True)
    epsilon = check_real("epsilon", epsilon, low=0.0, high=1.0)
    gamma = check_real("gamma", gamma, low=0.0, high=1.0)
    seed = check_seed(seed)
    if max_episode_steps is None:
        max_steps = task.max_episode_steps
    else:
        max_steps = check_size("max_episode_steps", max_episode_steps)
    record_runs = check_bool("record_runs", record_runs)
    coder = mountain_car_coder(task, tilings, tiles)
    num_features = coder.num_features
    check_memory(
        {
            "tiles": 8 * K.NUM_ACTIONS * num_features * (min(runs, 64) + runs * record_runs),
            "runs": 8 * runs * episodes * record_runs,
        }
    )
    row = np.array(
        [
            coder.low[0], coder.scale[0], coder.low[1], coder.scale[1],
            coder.tilings, coder.tiles, *coder.displacement,
        ],
        dtype=np.float64,
    )  # fmt: skip
    params = task.params()
    roots = stream_roots(seed)
    lengths = np.zeros((runs if record_runs else 0, episodes), dtype=np.int64)
    weights = np.zeros((runs if record_runs else 0, K.NUM_ACTIONS, num_features))
    acc = Accumulator(K.NUM_METRICS, episodes)
    total = 0
    per_block = 2 * 8 * K.NUM_METRICS * episodes
    for start, count in chunk_runs(runs, per_block, K.BLOCK):
        blocks = -(-count // K.BLOCK)
        block_n = np.zeros(blocks, dtype=np.int64)
        block_steps = np.zeros(blocks, dtype=np.int64)
        block_mean = np.zeros((K.NUM_METRICS, blocks, episodes))
        block_m2 = np.zeros((K.NUM_METRICS, blocks, episodes))
        run_each_block(K._tile_sarsa_block, blocks, (
            params, row, alpha / coder.tilings, epsilon, gamma, np.int64(max_steps),
            np.int64(episodes), roots[STREAM_ENV], roots[STREAM_AGENT], np.int64(start),
            np.int64(count), record_runs, lengths, weights, block_n, block_steps, block_mean,
            block_m2,
        ))  # fmt: skip
        acc.add_blocks(block_n, block_mean, block_m2)
        total += int(block_steps.sum())
    mean, se = acc.mean(), acc.sem()
    return TileSarsaResult(
        steps=mean[0],
        steps_se=se[0],
        truncated=mean[1],
        env_steps=total,
        runs=runs,
        episodes=episodes,
        alpha=alpha,
        epsilon=epsilon,
        gamma=gamma,
        max_episode_steps=max_steps,
        seed=seed,
        coder=coder,
        lengths=lengths if record_runs else None,
        weights=weights if record_runs else None,
    )
