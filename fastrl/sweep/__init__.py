"""Parameter studies in one call: a grid of agents, parameters, problems and seeds.

:func:`sweep` runs every grid point as the ``simulate`` (bandits) or ``train``
(tabular) call with the same arguments would, bit for bit, in this process or
on a Dask cluster, optionally checkpointing each finished chunk so that a rerun
computes only what is missing. Importing this module never imports Dask,
xarray or tqdm.
"""

from __future__ import annotations

import numpy as np

import fastrl
from fastrl.rng import check_seed
from fastrl.sweep._exec import Checkpoint, SweepError, run_tasks
from fastrl.sweep._grid import chunk_plan, expand, token
from fastrl.sweep._tasks import ChunkTask, Merger
from fastrl.sweep.result import SweepResult
from fastrl.validation import check_bool, check_int, check_size

__all__ = ["sweep", "SweepResult", "SweepError"]


def _validate(family, points, runs, steps, episodes, max_episode_steps):
    """Check every point as its single call would, before any work; returns the length."""
    if family == "bandit":
        if steps is None or episodes is not None:
            raise TypeError("a bandit sweep takes steps= (and no episodes=)")
        from fastrl.bandits.simulate import _check_problem_agent, _plan

        length = check_size("steps", steps)
        for p in points:
            _check_problem_agent(p.problem, p.agent)
            _plan(p.problem, p.agent, runs, length)
        return length
    if episodes is None or steps is not None:
        raise TypeError("a tabular sweep takes episodes= (and no steps=)")
    from fastrl.tabular.agents import TabularAgent
    from fastrl.tabular.mdp import MDPStack
    from fastrl.tabular.train import _episode_limit

    length = check_size("episodes", episodes)
    for p in points:
        if not isinstance(p.agent, TabularAgent):
            raise TypeError(f"agents[{p.kind!r}] must be a TabularAgent, got {p.agent!r}")
        if isinstance(p.problem, MDPStack) and runs != len(p.problem):
            raise ValueError(f"runs must equal len(mdp) = {len(p.problem)} for an MDPStack")
        _episode_limit(p.problem, max_episode_steps)
    return length


def _finish(family, points, merger, runs, length, max_episode_steps=None):
    """Each point's result from the merged chunks, as its single call builds it."""
    results = []
    for p in points:
        if family == "bandit":
            from fastrl.bandits.simulate import bandit_result

            results.append(
                bandit_result(
                    merger.curves[p.index],
                    merger.per_run[p.index],
                    runs,
                    length,
                    p.seed,
                    p.agent,
                    p.problem,
                )  # fmt: skip
            )
            continue
        from fastrl.tabular.train import (
            TrainResult,
            _episode_limit,
            _warn_if_capped,
        )

        mean, se = merger.curves[p.index].mean(), merger.curves[p.index].sem()

        summary, policy = merger.summary[p.index], merger.policy[p.index]
        q = None if merger.q is None else merger.q[p.index]
        truncated = int(summary[:, 3].sum())
        _warn_if_capped(p.problem, max_episode_steps, truncated, p.label)
        results.append(
            TrainResult(
                agent=p.agent,
                runs=runs,
                episodes=length,
                episode_return=mean[0],
                episode_return_se=se[0],
                episode_length=mean[1],
                episode_length_se=se[1],
                success_rate=mean[2],
                success_rate_se=se[2],
                q=q,
                policy=policy,
                valued_on=p.problem,
                run_mean_return=summary[:, 0].copy(),
                run_final_return=summary[:, 1].copy(),
                run_final_success=summary[:, 2].copy(),
                truncated_episodes=truncated,
                max_episode_steps=_episode_limit(p.problem, max_episode_steps),
            )  # fmt: skip
        )
    return results


def sweep(
    agents: dict,
    problem,
    *,
    runs: int,
    steps: int | None = None,
    episodes: int | None = None,
    max_episode_steps: int | None = None,
    seed=0,
    client=None,
    retries: int = 1,
    checkpoint=None,
    progress: bool = False,
    _chunk_blocks: int | None = None,
    _keep_q: bool = False,
) -> SweepResult:
    """Run a grid of agent kinds x their parameters x problem parameters x seeds.

    Every grid point is the single call ``simulate(problem, agent, runs=runs,
    steps=steps, seed=seed)`` (bandits) or ``train(mdp, agent, runs=runs,
    episodes=episodes, max_episode_steps=..., seed=seed)`` (tabular), bit for bit,
    wherever it runs. All points with one seed share common random numbers:
    run ``i`` faces the same problem instance and draws. Each agent kind
    compiles once.

    Parameters
    ----------
    agents : dict
        Kind name -> an agent, or ``(AgentClass, {param: value or list of values})``.
        A list, tuple or array is an axis of the grid (e.g.
        ``{"epsilon": [1/128, 1/64]}``); any other value is fixed.
    problem
        A bandit problem or a ``TabularMDP``/``MDPStack``, or
        ``(factory, {param: value or values})`` such as
        ``(GaussianBandit.testbed, {"num_arms": [5, 10]})``.
    runs : int
        Runs per grid point.
    steps : int
        Steps per run (bandits).
    episodes, max_episode_steps : int
        Episodes per run and their step limit (tabular; the limit defaults to the MDP's).
    seed : int or list of int
        A list makes the seed an axis of the grid.
    client : None, "local", int, str or distributed.Client
        Where chunks run. ``None``: this process, on numba threads (Dask is not
        imported). ``"local"`` or ``n``: a ``distributed.LocalCluster`` of ``n``
        single-threaded worker processes, started and closed here. A string: a
        scheduler address or scheduler file. A ``Client``: used as is. Needs the
        ``dask`` extra.
    retries : int
        Times Dask retries a failed chunk (a lost worker) before the sweep fails
        with a :class:`SweepError` naming the grid point.
    checkpoint : str or path, optional
        Directory of finished chunks (each written atomically). A rerun of the
        same sweep computes only the missing chunks; a directory holding another
        sweep (seed, grid, sizes or versions) is refused with ``ValueError``.
    progress : bool
        Show a ``tqdm.auto`` bar (a widget in notebooks; needs ``tqdm``).

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> from fastrl.bandits import UCB, EpsilonGreedy, GaussianBandit
    >>> from fastrl.sweep import sweep
    >>> res = sweep({"eps": (EpsilonGreedy, {"epsilon": [0.01, 0.1]}), "ucb": UCB(2.0)},
    ...             GaussianBandit.testbed(), runs=64, steps=20)
    >>> res.to_frame()[["agent", "epsilon"]].values.tolist()
    [['eps', 0.01], ['eps', 0.1], ['ucb', nan]]
    """
    runs = check_size("runs", runs)
    retries = check_int("retries", retries, low=0)
    progress = check_bool("progress", progress)
    if isinstance(seed, np.ndarray) and seed.ndim != 1:  # neither an int nor an axis
        raise TypeError(f"seed must be an int or a list of ints, got {seed!r}")
    if isinstance(seed, list | tuple):  # each entry checked before numpy sees a ragged list
        for s in seed:
            check_seed(s)
    points, params, problem_params, family = expand(agents, problem, seed)
    length = _validate(family, points, runs, steps, episodes, max_episode_steps)
    plan = chunk_plan(runs, _chunk_blocks)
    keep_q = bool(_keep_q) and family == "tabular"
    tasks = []
    for p in points:
        max_steps = 0
        if family == "tabular":
            from fastrl.tabular.train import _episode_limit

            max_steps = _episode_limit(p.problem, max_episode_steps)
        for c, (start, count) in enumerate(plan):
            tasks.append(
                ChunkTask(
                    family,
                    p.index,
                    c,
                    p.label,
                    p.problem,
                    p.agent,
                    p.seed,
                    runs,
                    start,
                    count,
                    length,
                    max_steps,
                    keep_q=keep_q,
                )  # fmt: skip
            )
    store = None
    if checkpoint is not None:
        import numba

        store = Checkpoint(
            checkpoint,
            {
                "version": f"fastrl {fastrl.__version__}, numba {numba.__version__}",
                "seed": token([p.seed for p in points]),
                "grid": token([(p.coords, p.agent, p.problem) for p in points]),
                "sizes": token([runs, length, [t.max_steps for t in tasks], plan, keep_q]),
            },
        )
    merger = Merger(points, family, runs, length, len(plan), keep_q=keep_q)
    computed = run_tasks(
        tasks, merger, client=client, retries=retries, checkpoint=store, progress=progress
    )
    assert merger.done()
    return SweepResult(
        family=family,
        params=params,
        points=tuple(p.coords for p in points),
        results=tuple(_finish(family, points, merger, runs, length, max_episode_steps)),
        runs=runs,
        length=length,
        problem_params=problem_params,
        chunks_computed=computed,
        chunks_total=len(tasks),
    )
