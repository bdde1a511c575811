"""``simulate``: many independent runs of one bandit agent on one problem."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from fastrl._chunks import BLOCK_SIZE, block_counts, chunk_runs
from fastrl._progress import Progress
from fastrl.bandits._driver import NUM_METRICS
from fastrl.bandits._engine import compile_agent, run_kernel
from fastrl.bandits.agents import Agent
from fastrl.bandits.problems import BanditProblem
from fastrl.rng import check_seed, stream_roots
from fastrl.stats import Accumulator
from fastrl.validation import check_bool, check_int, check_memory, check_size

__all__ = ["BanditResult", "simulate"]

_METRICS = ("mean_reward", "optimal_action", "regret")
#: the curves ``to_frame`` can write: the three streamed ones and regret / log t
METRICS = (*_METRICS, "regret_over_log_t")
#: the quantiles of the final regret in ``Comparison.summary``
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, eq=False)
class BanditResult:
    """Learning curves of one agent averaged over ``runs`` independent runs.

    Attributes
    ----------
    mean_reward, mean_reward_se : ndarray, shape (steps,)
        Average reward at each step and its standard error.
    optimal_action, optimal_action_se : ndarray, shape (steps,)
        Fraction of runs choosing an optimal arm at each step, and its standard error.
    regret, regret_se : ndarray, shape (steps,)
        Mean cumulative expected regret ``sum_t (max_a q*(a) - q*(A_t))`` and its standard error.
    average_reward, average_reward_se : float
        Reward per step over the whole run, averaged over runs, and its standard error
        (computed from each run's own average, so correlation across steps is accounted for).
    runs, steps, seed : int
    agent, problem
        The configurations simulated.
    actions : ndarray of int64, shape (runs, steps), or None
        Per-run actions, only with ``record_runs=True``.
    rewards : ndarray of float64, shape (runs, steps), or None
        Per-run rewards, only with ``record_runs=True``.
    pulls, pulls_se : ndarray, shape (k,), or None
        Pulls of each arm over a run (they sum to ``steps``), averaged over
        runs, and their standard errors.
    final_regret : ndarray of float64, shape (runs,), or None
        Each run's cumulative regret at the horizon (its distribution across
        runs: :meth:`final_regret_quantiles`). ``fastrl.sweep`` results leave
        these diagnostics ``None``.
    """

    mean_reward: np.ndarray
    mean_reward_se: np.ndarray
    optimal_action: np.ndarray
    optimal_action_se: np.ndarray
    regret: np.ndarray
    regret_se: np.ndarray
    average_reward: float
    average_reward_se: float
    runs: int
    steps: int
    seed: int
    agent: object
    problem: object
    actions: np.ndarray | None = None
    rewards: np.ndarray | None = None
    pulls: np.ndarray | None = None
    pulls_se: np.ndarray | None = None
    final_regret: np.ndarray | None = None

    @property
    def regret_over_log_t(self) -> np.ndarray:
        """``regret[t] / log t`` at ``t = 1 .. steps``; NaN at ``t = 1`` (``log 1 = 0``).

        The quantity Lai & Robbins bound from below (:meth:`BanditProblem.lai_robbins`):
        it levels off for an agent with logarithmic regret.
        """
        return self.regret / _log_t(self.steps)

    @property
    def regret_over_log_t_se(self) -> np.ndarray:
        """Standard error of :attr:`regret_over_log_t` (NaN at ``t = 1``)."""
        return self.regret_se / _log_t(self.steps)

    def final_regret_quantiles(self, q=QUANTILES) -> np.ndarray:
        """Quantiles ``q`` of the final regret across runs (``numpy.quantile``, linear);
        NaN where the result has no per-run final regrets."""
        q = np.asarray(q, dtype=np.float64)
        if self.final_regret is None:
            return np.full(q.shape, np.nan)
        return np.quantile(self.final_regret, q)

    def to_frame(self, metrics=_METRICS):
        """Long-format :class:`pandas.DataFrame` with columns step, metric, mean, se.

        ``metrics`` are names of :data:`METRICS` (default: the three streamed curves).
        """
        import pandas as pd

        metrics = _check_metrics(metrics)
        steps = np.arange(1, self.steps + 1)
        parts = [
            pd.DataFrame(
                {
                    "step": steps,
                    "metric": name,
                    "mean": getattr(self, name),
                    "se": getattr(self, name + "_se"),
                }
            )
            for name in metrics
        ]
        return pd.concat(parts, ignore_index=True)


def _log_t(steps: int) -> np.ndarray:
    with np.errstate(divide="ignore"):
        log_t = np.log(np.arange(1, steps + 1, dtype=np.float64))
    log_t[0] = np.nan
    return log_t


def _check_metrics(metrics) -> tuple[str, ...]:
    metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    for name in metrics:
        if name not in METRICS:
            raise ValueError(f"metrics must be names of {METRICS}, got {name!r}")
    return metrics


def _check_problem_agent(problem, agent):
    if not isinstance(problem, BanditProblem):
        raise TypeError(
            "problem must be a bandit problem (BernoulliBandit, GaussianBandit, PoissonBandit, "
            f"ExponentialBandit, BetaBandit), got {problem!r}"
        )
    if not isinstance(agent, Agent):
        raise TypeError(
            "agent must be a fastrl.bandits.Agent (a built-in such as EpsilonGreedy, or a "
            f"subclass of your own), got {agent!r}"
        )


def simulate(
    problem: BanditProblem,
    agent: Agent,
    *,
    runs: int,
    steps: int,
    seed: int = 0,
    record_runs: bool = False,
    progress: bool = False,
    client=None,
) -> BanditResult:
    """Run ``runs`` independent copies of ``agent`` on ``problem`` for ``steps`` steps.

    Problem, agent and statistics are fused in one numba pass per block of
    runs. Run ``i`` depends only on ``seed`` and ``i``: not on the thread count,
    the batch size or the chunking. Memory is ``O(steps + k)`` for the curves
    and pull counts and ``O(runs)`` for the final regrets; ``record_runs=True``
    adds ``O(runs x steps)`` per-run traces.

    Parameters
    ----------
    problem : BernoulliBandit, GaussianBandit, PoissonBandit, ExponentialBandit or BetaBandit
    agent : Agent
        A built-in agent (``EpsilonGreedy``, ``Softmax``, ``UCB``, ``GradientBandit``,
        ``ThompsonSampling``) or one of your own (see :class:`fastrl.bandits.Agent`).
    runs, steps : int
        Number of independent runs and steps per run, >= 1.
    seed : int
        Non-negative seed; run ``i`` of any agent with the same seed faces the
        same problem instance and the same reward draws.
    record_runs : bool
        Also return per-run actions and rewards.
    progress : bool
        Show a progress bar on stderr.
    client : None, "local", int, str or distributed.Client
        Run the chunks of one huge job on a Dask cluster, with the same bits
        (see :func:`fastrl.sweep.sweep`; not with ``record_runs``; the
        result then has no ``pulls`` or ``final_regret``).

    Returns
    -------
    BanditResult

    Examples
    --------
    >>> from fastrl.bandits import BernoulliBandit, EpsilonGreedy, simulate
    >>> res = simulate(BernoulliBandit([0.7, 0.3]), EpsilonGreedy(0.1), runs=100, steps=50)
    >>> res.mean_reward.shape
    (50,)
    """
    return _simulate(problem, agent, runs, steps, seed, record_runs, progress, client)


def _check_memory(problem, runs: int, steps: int, record_runs: bool) -> None:
    """Refuse before allocating what cannot fit: results, the chunks' statistics, run state."""
    blocks = numba.get_num_threads() + 1  # a chunk holds at least one block per thread
    k = problem.num_arms
    check_memory(
        {
            "runs": 8 * runs * (1 + 2 * steps * record_runs),
            "steps": 2 * 8 * NUM_METRICS * steps * (blocks + 1),
            "problem.num_arms": 8 * k * (2 * blocks + BLOCK_SIZE * blocks),
        }
    )


def _simulate(
    problem, agent, runs, steps, seed=0, record_runs=False, progress=False, client=None,
    block_size=BLOCK_SIZE, chunk_blocks=None,
):  # fmt: skip
    """:func:`simulate` with the plan's knobs (block size, blocks per chunk) for the tests."""
    _check_problem_agent(problem, agent)
    runs = check_size("runs", runs)
    steps = check_size("steps", steps)
    seed = check_seed(seed)
    record_runs = check_bool("record_runs", record_runs)
    _check_memory(problem, runs, steps, record_runs)
    check_bool("progress", progress)
    block_size = check_int("block_size", block_size, low=1)
    if client is not None:
        if record_runs or block_size != BLOCK_SIZE:
            raise ValueError("record_runs=True needs client=None")
        from fastrl.sweep import sweep

        one = {type(agent).__name__: agent}
        return sweep(
            one, problem, runs=runs, steps=steps, seed=seed, client=client, progress=progress
        ).results[0]
    plan = _plan(problem, agent, runs, steps)
    roots = stream_roots(seed)
    actions = (
        np.zeros((runs, steps), dtype=np.int64) if record_runs else np.zeros((0, 0), dtype=np.int64)
    )
    rewards = np.zeros((runs, steps)) if record_runs else np.zeros((0, 0))
    k = problem.num_arms
    curves = Accumulator(NUM_METRICS, steps)
    per_run = Accumulator(1, 1)
    pulls = Accumulator(1, k)
    final_regret = np.empty(runs)
    bytes_per_block = 2 * 8 * (NUM_METRICS * steps + k + 1)
    with Progress(runs, progress) as bar:
        for start, count in chunk_runs(runs, bytes_per_block, block_size, chunk_blocks):
            out = _run_chunk(
                plan, roots, start, count, steps, block_size, record_runs, actions, rewards
            )
            curves.add_blocks(out.counts, out.block_mean, out.block_m2)
            per_run.add_blocks(out.counts, out.run_mean, out.run_m2)
            pulls.add_blocks(out.counts, out.pulls_mean, out.pulls_m2)
            final_regret[start : start + count] = out.final_regret
            bar.update(count)
    return bandit_result(
        curves, per_run, runs, steps, seed, agent, problem,
        actions if record_runs else None, rewards if record_runs else None, pulls, final_regret,
    )  # fmt: skip


def bandit_result(
    curves, per_run, runs, steps, seed, agent, problem, actions=None, rewards=None, pulls=None,
    final_regret=None,
):  # fmt: skip
    """The result of merged per-block statistics: ``curves`` (the three per-step
    metrics), ``per_run`` (each run's average reward) and ``pulls`` (each run's
    pulls per arm, optional) are ``Accumulator``s; ``final_regret`` the runs'
    final regrets. ``simulate`` and ``fastrl.sweep`` both build their results here."""
    mean, se = curves.mean(), curves.sem()
    if pulls is not None:
        pulls_mean, pulls_se = pulls.mean()[0], pulls.sem()[0]
    else:
        pulls_mean = pulls_se = None
    return BanditResult(
        mean_reward=mean[0],
        mean_reward_se=se[0],
        optimal_action=mean[1],
        optimal_action_se=se[1],
        regret=mean[2],
        regret_se=se[2],
        average_reward=float(per_run.mean()[0, 0]),
        average_reward_se=float(per_run.sem()[0, 0]),
        runs=runs,
        steps=steps,
        seed=seed,
        agent=agent,
        problem=problem,
        actions=actions,
        rewards=rewards,
        pulls=pulls_mean,
        pulls_se=pulls_se,
        final_regret=final_regret,
    )


def _plan(problem, agent, runs: int, steps: int):
    """The driver and its problem/agent arguments for ``runs`` runs of ``steps`` steps.

    Inputs are validated; an agent tuned to the horizon gets ``steps``
    (:meth:`Agent.with_horizon`).
    """
    agent = agent.with_horizon(steps)
    # Writable copies: the problem's arrays are read-only, and numba compiles a
    # separate specialization of the kernel for read-only arrays (K5).
    spec = problem.kernel_spec()
    means_in = spec.means_in
    if not spec.piecewise and means_in.shape[0] > 1 and means_in.shape[0] != runs:
        raise ValueError(
            f"runs must equal the number of per-run rows of the problem "
            f"({means_in.shape[0]}), got {runs}"
        )
    two_arms = means_in.shape[1] == 2 and not problem.drift_std > 0.0
    module, p = compile_agent(
        agent, problem, int(spec.reward_code), bool(two_arms), bool(spec.piecewise)
    )
    args = (
        int(spec.reward_code), bool(spec.piecewise), spec.means_code, means_in, spec.params,
        problem.drift_std, spec.change_points,
    )  # fmt: skip
    return module, args, p, agent


class Chunk(NamedTuple):
    """The per-block statistics of one chunk of runs (see :func:`_run_chunk`)."""

    counts: np.ndarray
    block_mean: np.ndarray
    block_m2: np.ndarray
    run_mean: np.ndarray
    run_m2: np.ndarray
    pulls_mean: np.ndarray
    pulls_m2: np.ndarray
    final_regret: np.ndarray


def _run_blocks(plan, roots, start, count, steps, block_size, record_runs, actions, rewards):
    """The first five fields of :func:`_run_chunk` (what ``fastrl.sweep`` merges)."""
    return _run_chunk(plan, roots, start, count, steps, block_size, record_runs, actions, rewards)[
        :5
    ]


def _run_chunk(plan, roots, start, count, steps, block_size, record_runs, actions, rewards):
    """Simulate runs ``start .. start + count - 1`` (``start`` a multiple of ``block_size``).

    Returns the :class:`Chunk` of per-block statistics, in block order:
    ``counts[B]``, ``block_mean``/``block_m2[NUM_METRICS, B, steps]``,
    ``run_mean``/``run_m2[1, B, 1]`` (each run's average reward),
    ``pulls_mean``/``pulls_m2[1, B, k]`` (each run's pulls per arm) and
    ``final_regret[count]`` (each run's, in run order). Block ``b``'s
    numbers depend only on its runs, so any chunking gives the same blocks, and
    merging them in block order gives the same result (``fastrl.sweep`` relies on it).
    Raises ValueError naming the agent if it selected an arm outside ``[0, k)``.
    """
    module, problem_args, p, agent = plan
    counts = block_counts(count, block_size)
    nb = counts.shape[0]
    block_mean = np.zeros((NUM_METRICS, nb, steps))
    block_m2 = np.zeros((NUM_METRICS, nb, steps))
    run_mean = np.zeros((1, nb, 1))
    run_m2 = np.zeros((1, nb, 1))
    k = problem_args[3].shape[1]
    pulls_mean = np.zeros((1, nb, k))
    pulls_m2 = np.zeros((1, nb, k))
    final_regret = np.zeros(count)
    bad = np.full((nb, 3), -1, dtype=np.int64)
    args = (*problem_args, p, roots, start, count, steps, block_size, block_mean, block_m2,
            run_mean, run_m2, pulls_mean, pulls_m2, final_regret, record_runs, actions, rewards,
            bad)  # fmt: skip
    run_kernel(agent, module, p, k, nb, args)
    wrong = np.flatnonzero(bad[:, 0] >= 0)
    if wrong.size:
        i, t, a = bad[wrong[0]]
        raise ValueError(
            f"agent {type(agent).__name__}: select() returned arm {a} at step {t} of run {i}; "
            f"arms are 0 .. {k - 1}"
        )
    return Chunk(counts, block_mean, block_m2, run_mean, run_m2, pulls_mean, pulls_m2, final_regret)
