"""Train tabular learners on many independent runs at once.

:func:`train` runs ``runs`` independent learners of one agent configuration on
one MDP (or run ``i`` on map ``i`` of an :class:`~fastrl.tabular.mdp.MDPStack`)
in one parallel kernel, and returns per-episode learning curves averaged over
runs (with standard errors), the final Q tables, their greedy policies and the
exact value of each greedy policy. :func:`compare` trains several agents with
common random numbers: run ``i`` of every agent sees the same map and the same
environment stream.
"""

from __future__ import annotations

import functools
import math
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from fastrl import _chunks
from fastrl._jit import get_num_threads
from fastrl._table import format_table
from fastrl.rng import STREAM_AGENT, STREAM_ENV, check_seed, stream_roots
from fastrl.stats import Accumulator
from fastrl.tabular import _learn_driver as K
from fastrl.tabular._dynamics import successor_tables
from fastrl.tabular._learn_plan import plan_for, run_blocks
from fastrl.tabular.changing import ChangingMDP
from fastrl.tabular.learners import TabularAgent
from fastrl.tabular.mdp import MDPStack, TabularMDP, batched_arrays
from fastrl.tabular.planning import _policy_evaluation
from fastrl.validation import OutputTooLargeError, check_bool, check_int, check_memory, check_size

__all__ = ["TrainResult", "TabularComparison", "train", "compare"]

_METRICS = ("episode_return", "episode_length", "success_rate")

#: episode limit when neither ``max_episode_steps`` nor the MDP gives one: large enough
#: for the book's tasks (an epsilon-soft policy ends its episodes), small enough that a
#: policy that never reaches a terminal state stops
SAFETY_CAP = 100_000


@dataclass(frozen=True, eq=False)
class TrainResult:
    """Outcome of :func:`train` (``E`` episodes, ``R`` runs, ``S`` states, ``A`` actions).

    Attributes
    ----------
    episode_return, episode_length, success_rate : numpy.ndarray
        float64 ``(E,)``: mean over runs of each episode's undiscounted return,
        number of steps, and success (terminated, not truncated, with a positive
        reward on the last transition).
    episode_return_se, episode_length_se, success_rate_se : numpy.ndarray
        float64 ``(E,)``: their standard errors over runs (NaN for one run).
    q : numpy.ndarray
        float64 ``(R, S, A)``: final Q tables (Double Q: ``(Q1 + Q2) / 2``).
    policy : numpy.ndarray
        int64 ``(R, S)``: greedy policies ``argmax_a q[i, s, a]``, lowest index on ties.
    policy_value : numpy.ndarray
        float64 ``(R,)``: exact expected discounted return (the agent's gamma) of
        each greedy policy from the start-state distribution. With ``gamma == 1``
        it is NaN where the policy fails to terminate with probability one.
        Computed on first access and kept (thousands of distinct greedy policies
        cost more to value than to learn: 1024 Blackjack runs learn 2000 games
        each in 0.25 s and their policies took 3 to 20 s to value).
    valued_on : TabularMDP or MDPStack
        The model ``policy_value`` is computed on (a changing map's final one).
    run_mean_return, run_final_return, run_final_success : numpy.ndarray
        float64 ``(R,)``: per run, the mean return over all episodes, and the mean
        return and success rate over the last ``max(1, ceil(E / 10))`` episodes.
    truncated_episodes : int
        Episodes, over all runs, that the step limit cut short (the limit given,
        the MDP's own, or :data:`SAFETY_CAP` when neither exists; a warning names
        the cap when it is hit).
    max_episode_steps : int
        The step limit the episodes ran under.
    returns, lengths : numpy.ndarray or None
        ``(R, E)`` float64 / int64 per-run curves when ``record_runs=True``.
    """

    agent: TabularAgent
    runs: int
    episodes: int
    episode_return: np.ndarray
    episode_return_se: np.ndarray
    episode_length: np.ndarray
    episode_length_se: np.ndarray
    success_rate: np.ndarray
    success_rate_se: np.ndarray
    q: np.ndarray
    policy: np.ndarray
    valued_on: TabularMDP | MDPStack | None = field(repr=False)
    run_mean_return: np.ndarray
    run_final_return: np.ndarray
    run_final_success: np.ndarray
    truncated_episodes: int = 0
    max_episode_steps: int = 0
    returns: np.ndarray | None = field(default=None, repr=False)
    lengths: np.ndarray | None = field(default=None, repr=False)

    @functools.cached_property
    def policy_value(self) -> np.ndarray:  # noqa: D102 (documented in the class)
        return _greedy_values(self.valued_on, self.policy, self.agent.gamma)

    @property
    def total_steps(self) -> int:
        """Environment steps taken over all runs and episodes."""
        return int(round(float(self.episode_length.sum()) * self.runs))

    def to_frame(self):
        """Long-format :class:`pandas.DataFrame`: ``episode, metric, mean, se``."""
        import pandas as pd

        frames = []
        for name in _METRICS:
            frames.append(
                pd.DataFrame(
                    {
                        "episode": np.arange(self.episodes),
                        "metric": name,
                        "mean": getattr(self, name),
                        "se": getattr(self, name + "_se"),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


def _check_mdp(mdp) -> None:
    if not isinstance(mdp, TabularMDP | MDPStack | ChangingMDP):
        raise TypeError(
            f"mdp must be a TabularMDP, an MDPStack or a ChangingMDP, got {type(mdp).__name__}"
        )


def _episode_limit(mdp, max_episode_steps) -> int:
    """The step limit: the one given, else the MDP's own, else :data:`SAFETY_CAP`."""
    if max_episode_steps is None:
        if mdp.max_episode_steps is None:
            return SAFETY_CAP
        return int(mdp.max_episode_steps)
    return check_size("max_episode_steps", max_episode_steps)


def _warn_if_capped(mdp, max_episode_steps, truncated: int, label: str) -> None:
    """Name the safety cap when it cut episodes short (it is not the user's limit)."""
    if truncated and max_episode_steps is None and mdp.max_episode_steps is None:
        warnings.warn(
            f"{label}: {truncated} episodes hit the safety cap of {SAFETY_CAP} steps "
            "(no max_episode_steps was given and the MDP has no episode limit); the "
            "policy may never reach a terminal state. Pass max_episode_steps to set "
            "the limit.",
            RuntimeWarning,
            stacklevel=4,
        )


def _value_gamma1(mdp: TabularMDP, policy: np.ndarray) -> float:
    """Undiscounted value of ``policy`` from the start distribution, NaN if it can loop forever.

    Only states reachable from the start matter, so the system is solved on those
    (``policy_evaluation`` would call it singular if an unreachable state loops).
    """
    idx = np.arange(mdp.num_states)
    p = mdp.prob[idx, policy]
    succ = mdp.next_state[idx, policy]
    live = (p > 0.0) & ~mdp.terminated[idx, policy]
    can_end = ((p > 0.0) & mdp.terminated[idx, policy]).any(axis=1)
    while True:  # states from which a terminating transition is reachable
        grow = can_end | (live & can_end[succ]).any(axis=1)
        if np.array_equal(grow, can_end):
            break
        can_end = grow
    reach = mdp.initial > 0.0
    while True:  # states reachable from the start before termination
        grow = reach.copy()
        grow[succ[reach][live[reach]]] = True
        if np.array_equal(grow, reach):
            break
        reach = grow
    if not np.all(can_end[reach]):
        return math.nan
    states = np.flatnonzero(reach)
    pos = np.full(mdp.num_states, -1)
    pos[states] = np.arange(states.size)
    m = np.eye(states.size)
    for row, s in enumerate(states):
        for k in np.flatnonzero(live[s]):
            m[row, pos[succ[s, k]]] -= p[s, k]
    r = (p * mdp.reward[idx, policy]).sum(axis=1)[states]
    return float(mdp.initial[states] @ np.linalg.solve(m, r))


def _greedy_values(mdp, policy: np.ndarray, gamma: float) -> np.ndarray:
    """Exact value of each greedy policy from its MDP's start distribution."""
    is_stack = isinstance(mdp, MDPStack)
    if is_stack:
        unique, inverse = policy, np.arange(policy.shape[0])
    else:  # many runs share a greedy policy: evaluate each distinct one once
        # Rows viewed as opaque byte strings: np.unique(axis=0) took 24 ms on
        # 10,000 FrozenLake policies, this 3 ms (the row order differs, the
        # inverse map does not).
        policy = np.ascontiguousarray(policy)
        rows = policy.view(np.dtype((np.void, policy.dtype.itemsize * policy.shape[1])))
        _, first, inverse = np.unique(rows.ravel(), return_index=True, return_inverse=True)
        unique, inverse = policy[first], inverse.reshape(-1)
    try:  # gamma = 1 solves densely on the reachable states (gamma < 1 may go sparse)
        if gamma >= 1.0:
            check_memory({"mdp.num_states": 8 * mdp.num_states**2})
    except OutputTooLargeError as exc:  # report no value, not a crash
        warnings.warn(f"policy_value is NaN: {exc}", RuntimeWarning, stacklevel=3)
        return np.full(policy.shape[0], math.nan)
    if gamma < 1.0:
        res = _policy_evaluation(mdp, unique, gamma)
        values = np.asarray(res.values).reshape(unique.shape)
        initial = mdp.initial if is_stack else mdp.initial[None]
        per_unique = (values * initial).sum(axis=1)
    else:
        per_unique = np.array(
            [_value_gamma1(mdp[i] if is_stack else mdp, pi) for i, pi in enumerate(unique)]
        )
    return per_unique[inverse]


def _progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} runs")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def train(
    mdp: TabularMDP | MDPStack,
    agent: TabularAgent,
    *,
    runs: int,
    episodes: int,
    max_episode_steps: int | None = None,
    seed: int = 0,
    progress: bool = False,
    record_runs: bool = False,
    client=None,
) -> TrainResult:
    """Train ``runs`` independent copies of ``agent`` for ``episodes`` episodes each.

    Parameters
    ----------
    mdp : TabularMDP, MDPStack or ChangingMDP
        The environment; with a stack, run ``i`` learns on map ``i`` and ``runs``
        must equal ``len(mdp)``; a changing map switches at its ``at_step``-th step
        of each run and ``policy_value`` is then valued on its final map.
    agent : TabularAgent
        A :class:`QLearning`, :class:`Sarsa`, :class:`ExpectedSarsa`,
        :class:`DoubleQLearning` or :class:`DynaQ` configuration.
    runs, episodes : int
        Independent runs (>= 1) and episodes per run (>= 1).
    max_episode_steps : int, optional
        Truncation limit; defaults to the MDP's own limit, or, if it has none, to
        the safety cap :data:`SAFETY_CAP` (100,000 steps), with a warning when an
        episode hits it.
    seed : int
        Seed of every stream; run ``i`` depends only on ``seed`` and ``i``.
    progress : bool
        Show a progress bar on stderr (the kernel is called in chunks of whole
        blocks of runs; results are identical either way).
    record_runs : bool
        Also keep per-run returns and lengths ``(runs, episodes)``.
    client : None, "local", int, str or distributed.Client
        Run the chunks of one huge job on a Dask cluster, with the same bits
        (see :func:`fastrl.sweep.sweep`); each chunk sends its runs' Q tables
        back, so ``q`` is the local call's, bit for bit. Not with ``record_runs``.

    Returns
    -------
    TrainResult

    Examples
    --------
    >>> from fastrl.tabular import QLearning, frozen_lake, train
    >>> res = train(frozen_lake(), QLearning(epsilon=0.1), runs=64, episodes=200)
    >>> res.q.shape, res.policy.shape, res.episode_return.shape
    ((64, 16, 4), (64, 16), (200,))
    """
    if client is not None:
        if record_runs:
            raise ValueError("record_runs=True needs client=None (per-run traces stay local)")
        from fastrl.sweep import sweep

        return sweep(
            {type(agent).__name__: agent}, mdp, runs=runs, episodes=episodes,
            max_episode_steps=max_episode_steps, seed=seed, client=client, progress=progress,
            _keep_q=True,
        ).results[0]  # fmt: skip
    return _train(
        mdp,
        agent,
        runs=runs,
        episodes=episodes,
        max_episode_steps=max_episode_steps,
        seed=seed,
        progress=progress,
        record_runs=record_runs,
    )


def _train(
    mdp, agent, *, runs, episodes, max_episode_steps, seed, progress, record_runs, chunk_blocks=None
) -> TrainResult:
    _check_mdp(mdp)
    if not isinstance(agent, TabularAgent):
        raise TypeError(f"agent must be a TabularAgent (QLearning, Sarsa, ...), got {agent!r}")
    runs = check_size("runs", runs)
    episodes = check_size("episodes", episodes)
    record_runs = check_bool("record_runs", record_runs)
    check_memory(
        {
            "runs": 8 * runs * (mdp.num_states * mdp.num_actions + K.NUM_SUMMARY)
            + 16 * runs * episodes * record_runs,
            "episodes": 2 * 8 * K.NUM_METRICS * episodes * (-(-runs // K.BLOCK) + 1),
        }
    )
    if isinstance(mdp, MDPStack) and runs != len(mdp):
        raise ValueError(f"runs must equal len(mdp) = {len(mdp)} for an MDPStack, got {runs}")
    max_steps = _episode_limit(mdp, max_episode_steps)
    roots = stream_roots(check_seed(seed))
    progress = check_bool("progress", progress)
    record_runs = check_bool("record_runs", record_runs)

    # A changing map is its two maps stacked and the step of the switch (-1: none);
    # greedy policies are valued on the final map.
    changing = isinstance(mdp, ChangingMDP)
    arrays = mdp.arrays() if changing else batched_arrays(mdp)
    switch_at = mdp.at_step if changing else -1
    num_states, num_actions = arrays[0].shape[1], arrays[0].shape[2]
    num_blocks = -(-runs // K.BLOCK)
    if chunk_blocks is None:  # chunks of about 0.25 s: Ctrl-C is honoured between them
        chunk_blocks = max(1, -(-num_blocks // 50)) if progress else num_blocks
    tail = max(1, -(-episodes // 10))
    q = np.empty((runs, num_states, num_actions))
    summary = np.empty((runs, K.NUM_SUMMARY))
    rec_shape = (runs, episodes) if record_runs else (0, episodes)
    returns = np.zeros(rec_shape)
    lengths = np.zeros(rec_shape, dtype=np.int64)
    acc = Accumulator(K.NUM_METRICS, episodes)
    label = type(agent).__name__
    kernel = train_kernel_for(agent)
    successors = successor_tables(arrays[1])  # once for every chunk
    for first, blocks in _chunks.chunk_blocks(num_blocks, chunk_blocks, get_num_threads()):
        run_start = first * K.BLOCK
        chunk_runs = min(blocks * K.BLOCK, runs - run_start)
        block_n, block_mean, block_m2 = _train_blocks(
            kernel, agent, arrays, max_steps, episodes, roots, run_start, chunk_runs,
            record_runs, tail, q, summary, returns, lengths, switch_at, successors,
        )  # fmt: skip
        acc.add_blocks(block_n, block_mean, block_m2)
        if progress:
            _progress(run_start + chunk_runs, runs, label)

    policy = np.argmax(q, axis=2).astype(np.int64)
    mean, se = acc.mean(), acc.sem()
    truncated = int(summary[:, 3].sum())
    _warn_if_capped(mdp, max_episode_steps, truncated, label)
    return TrainResult(
        agent=agent,
        runs=runs,
        episodes=episodes,
        episode_return=mean[0],
        episode_return_se=se[0],
        episode_length=mean[1],
        episode_length_se=se[1],
        success_rate=mean[2],
        success_rate_se=se[2],
        q=q,
        policy=policy,
        valued_on=mdp.after if changing else mdp,
        run_mean_return=summary[:, 0].copy(),
        run_final_return=summary[:, 1].copy(),
        run_final_success=summary[:, 2].copy(),
        truncated_episodes=truncated,
        max_episode_steps=max_steps,
        returns=returns if record_runs else None,
        lengths=lengths if record_runs else None,
    )


def train_kernel_for(agent: TabularAgent):
    """The driver compiled for ``agent``'s learner and exploration rule (a ``LearnerPlan``)."""
    return plan_for(agent)


def _train_blocks(
    kernel, agent, arrays, max_steps, episodes, roots, run_start, chunk_runs,
    record_runs, tail, q, summary, returns, lengths, switch_at=-1, successors=None,
):  # fmt: skip
    """Train runs ``run_start .. run_start + chunk_runs - 1`` (``run_start`` a multiple of BLOCK).

    ``successors``: the model's :func:`~fastrl.tabular._dynamics.successor_tables`
    (made per call when not given).

    Writes rows ``run_start + j`` of ``q``, ``summary`` (and ``returns``/``lengths``
    when recording) and returns the chunk's per-block episode statistics
    ``block_n[B]``, ``block_mean``/``block_m2[NUM_METRICS, B, episodes]`` in block
    order. Block ``b``'s numbers depend only on its runs, so merging blocks in
    order gives the same curves for any chunking (``fastrl.sweep`` relies on it).
    """
    # The kernel does not check bounds: outputs of another shape would be overrun.
    end = run_start + chunk_runs
    if (
        q.shape[0] < end
        or summary.shape != (summary.shape[0], K.NUM_SUMMARY)
        or (summary.shape[0] < end)
    ):
        raise ValueError(
            f"q and summary need {end} rows and summary {K.NUM_SUMMARY} columns, got "
            f"{q.shape} and {summary.shape}"
        )
    return run_blocks(
        kernel, agent, arrays, max_steps, episodes, roots, run_start, chunk_runs, record_runs,
        tail, q, summary, returns, lengths, STREAM_ENV, STREAM_AGENT, K.BLOCK, K.NUM_METRICS,
        switch_at, successors,
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class TabularComparison:
    """Outcome of :func:`compare`: one :class:`TrainResult` per agent, same seed and maps.

    Attributes
    ----------
    results : dict[str, TrainResult]
        Keyed by the names given to :func:`compare`, in their order.
    """

    results: dict[str, TrainResult]

    def rows(self) -> list[dict]:
        """The rows of :meth:`summary` as plain dicts (no pandas needed), ``agent`` first."""
        rows = []
        for name, res in self.results.items():
            row = {"agent": name}
            for col, x in (
                ("mean_return", res.run_mean_return),
                ("final_return", res.run_final_return),
                ("final_success", res.run_final_success),
                ("policy_value", res.policy_value[np.isfinite(res.policy_value)]),
            ):
                row[col] = float(x.mean()) if x.size else math.nan
                row[col + "_se"] = (
                    float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan
                )
            row["policy_value_runs"] = int(np.isfinite(res.policy_value).sum())
            row["truncated_episodes"] = res.truncated_episodes
            rows.append(row)
        return rows

    def summary(self):
        """One row per agent (:class:`pandas.DataFrame`, indexed by agent name).

        Columns, each with a ``*_se`` standard error over runs: ``mean_return``
        (online return averaged over all episodes), ``final_return`` and
        ``final_success`` (averaged over the last ``max(1, ceil(E / 10))``
        episodes), ``policy_value`` (exact value of the final greedy policy;
        NaN-free runs only, ``policy_value_runs`` of them); and
        ``truncated_episodes``, the episodes the step limit cut short.
        """
        import pandas as pd

        return pd.DataFrame(self.rows()).set_index("agent").rename_axis(None)

    def table(self) -> str:
        """The summary as plain text (no pandas needed)."""
        header = ["agent", "mean return", "final return", "final success", "greedy value",
                  "truncated"]  # fmt: skip
        body = [
            [
                row["agent"],
                f"{row['mean_return']:.4g} ± {row['mean_return_se']:.2g}",
                f"{row['final_return']:.4g} ± {row['final_return_se']:.2g}",
                f"{row['final_success']:.3f} ± {row['final_success_se']:.3f}",
                f"{row['policy_value']:.4g} ± {row['policy_value_se']:.2g}",
                str(row["truncated_episodes"]),
            ]
            for row in self.rows()
        ]
        return format_table(header, body)

    def to_frame(self):
        """Long format: ``agent, episode, metric, mean, se`` (:class:`pandas.DataFrame`)."""
        import pandas as pd

        frames = [res.to_frame().assign(agent=name) for name, res in self.results.items()]
        out = pd.concat(frames, ignore_index=True)
        return out[["agent", "episode", "metric", "mean", "se"]]

    def plot(self, metric: str = "episode_return", ax=None, smooth: int = 1):
        """Learning curves with shaded +-1 standard-error bands; returns the Axes.

        ``smooth`` is the width of a moving average over episodes (1: none).
        """
        if metric not in _METRICS:
            raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}")
        smooth = check_int("smooth", smooth, low=1)
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        kernel = np.ones(smooth) / smooth
        for name, res in self.results.items():
            mean = np.convolve(getattr(res, metric), kernel, mode="valid")
            se = np.convolve(np.nan_to_num(getattr(res, metric + "_se")), kernel, mode="valid")
            x = np.arange(mean.size) + (smooth - 1)
            (line,) = ax.plot(x, mean, label=name)
            ax.fill_between(x, mean - se, mean + se, color=line.get_color(), alpha=0.25)
        ax.set_xlabel("episode")
        ax.set_ylabel(metric.replace("_", " "))
        ax.legend()
        return ax


def compare(
    agents: dict[str, TabularAgent],
    mdp: TabularMDP | MDPStack,
    *,
    runs: int,
    episodes: int,
    seed: int = 0,
    max_episode_steps: int | None = None,
    progress: bool = False,
) -> TabularComparison:
    """Train several agents with common random numbers (Sutton & Barto style comparisons).

    Run ``i`` of every agent sees the same map and the same environment stream
    (the same ``seed``), so differences between agents are not map luck. The
    arguments are those of :func:`train`; ``progress`` shows one bar per agent.

    Examples
    --------
    >>> from fastrl.tabular import QLearning, Sarsa, cliff_walking, compare
    >>> cmp = compare({"Q": QLearning(alpha=0.5, gamma=1.0), "SARSA": Sarsa(alpha=0.5, gamma=1.0)},
    ...               cliff_walking(), runs=64, episodes=50, max_episode_steps=1000)
    >>> list(cmp.summary().index)
    ['Q', 'SARSA']
    """
    if not isinstance(agents, dict) or not agents:
        raise TypeError(f"agents must be a non-empty dict of name -> agent, got {agents!r}")
    for name, agent in agents.items():
        if not isinstance(name, str):
            raise TypeError(f"agents keys must be strings, got {name!r}")
        if not isinstance(agent, TabularAgent):
            raise TypeError(f"agents[{name!r}] must be a TabularAgent, got {agent!r}")
    results = {
        name: train(
            mdp,
            agent,
            runs=runs,
            episodes=episodes,
            max_episode_steps=max_episode_steps,
            seed=seed,
            progress=progress,
        )
        for name, agent in agents.items()
    }
    return TabularComparison(results)
