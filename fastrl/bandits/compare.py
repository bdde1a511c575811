"""``compare``: several bandit agents on one problem with common random numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastrl._table import format_table
from fastrl.bandits.simulate import QUANTILES, BanditResult, simulate
from fastrl.validation import check_int, check_real

__all__ = ["Comparison", "compare"]

_LABELS = {
    "mean_reward": "Average reward",
    "optimal_action": "% optimal action",
    "regret": "Cumulative regret",
    "regret_over_log_t": "Regret / log t",
}
#: the columns of the final-regret quantiles in :meth:`Comparison.rows`
QUANTILE_COLUMNS = tuple(f"final_regret_q{round(100 * q):02d}" for q in QUANTILES)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Results of :func:`compare`: one :class:`BanditResult` per agent name.

    Attributes
    ----------
    results : dict of str to BanditResult
        In the order the agents were given.
    """

    results: dict[str, BanditResult]

    def lai_robbins(self) -> float:
        """The Lai-Robbins constant of the problem (:meth:`BanditProblem.lai_robbins`),
        over the runs and seed simulated; NaN where it is not defined (drift, change points)."""
        r = next(iter(self.results.values()))
        try:
            return r.problem.lai_robbins(runs=r.runs, seed=r.seed)
        except ValueError:
            return float("nan")

    def lower_bound(self) -> np.ndarray | None:
        """Lai & Robbins' regret bound ``C log t`` at ``t = 1 .. steps`` (shape ``(steps,)``),
        or ``None`` for problems without one (drift, change points)."""
        c = self.lai_robbins()
        if np.isnan(c):
            return None
        steps = next(iter(self.results.values())).steps
        return c * np.log(np.arange(1, steps + 1, dtype=np.float64))

    def rows(self) -> list[dict]:
        """One dict per agent: mean reward, final % optimal and final regret, with SEs;
        the final regret's quantiles across runs (``final_regret_q05`` .. ``q95``), the
        final regret over ``log T`` and the Lai-Robbins bound ``C log T`` at the horizon."""
        c = self.lai_robbins()
        out = []
        for name, r in self.results.items():
            row = {
                "agent": name,
                "mean_reward": r.average_reward,
                "mean_reward_se": r.average_reward_se,
                "final_optimal_pct": 100.0 * r.optimal_action[-1],
                "final_optimal_pct_se": 100.0 * r.optimal_action_se[-1],
                "final_regret": r.regret[-1],
                "final_regret_se": r.regret_se[-1],
            }
            row.update(zip(QUANTILE_COLUMNS, r.final_regret_quantiles().tolist(), strict=True))
            row["final_regret_over_log_t"] = r.regret_over_log_t[-1]
            row["final_regret_over_log_t_se"] = r.regret_over_log_t_se[-1]
            row["lower_bound"] = c * np.log(r.steps)
            out.append(row)
        return out

    def summary(self):
        """A :class:`pandas.DataFrame` of :meth:`rows`, indexed by agent."""
        import pandas as pd

        return pd.DataFrame(self.rows()).set_index("agent")

    def table(self) -> str:
        """The summary as plain text (no pandas needed)."""
        header = [
            "agent", "mean reward", "final % optimal", "final regret", "regret 5/50/95%",
        ]  # fmt: skip
        body = [
            [
                row["agent"],
                f"{row['mean_reward']:.4f} ± {row['mean_reward_se']:.4f}",
                f"{row['final_optimal_pct']:.1f} ± {row['final_optimal_pct_se']:.1f}",
                f"{row['final_regret']:.2f} ± {row['final_regret_se']:.2f}",
                "/".join(
                    f"{row[c]:.1f}"
                    for c in (QUANTILE_COLUMNS[0], "final_regret_q50", QUANTILE_COLUMNS[-1])
                ),  # fmt: skip
            ]
            for row in self.rows()
        ]
        return format_table(header, body)

    def to_frame(self, metrics=("mean_reward", "optimal_action", "regret")):
        """Long-format :class:`pandas.DataFrame`: agent, step, metric, mean, se
        (``metrics`` as in :meth:`BanditResult.to_frame`)."""
        import pandas as pd

        frames = []
        for name, r in self.results.items():
            f = r.to_frame(metrics)
            f.insert(0, "agent", name)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def plot(self, metric: str = "mean_reward", ax=None, *, band: float = 1.0, bound=True):
        """Learning curves of ``metric`` with shaded ``band`` x standard-error bands.

        Parameters
        ----------
        metric : {"mean_reward", "optimal_action", "regret", "regret_over_log_t"}
        ax : matplotlib Axes, optional
        band : float
            Half-width of the shaded band in standard errors.
        bound : bool
            Draw the Lai-Robbins bound on the regret plots (``C log t``, or the
            constant ``C`` for regret over ``log t``) where the problem has one.

        Returns
        -------
        matplotlib.axes.Axes
        """
        if not isinstance(metric, str) or metric not in _LABELS:
            raise ValueError(f"metric must be one of {sorted(_LABELS)}, got {metric!r}")
        band = check_real("band", band, low=0.0)
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        scale = 100.0 if metric == "optimal_action" else 1.0
        for name, r in self.results.items():
            steps = np.arange(1, r.steps + 1)
            mean = scale * getattr(r, metric)
            se = scale * getattr(r, metric + "_se")
            (line,) = ax.plot(steps, mean, label=name, lw=1.2)
            ax.fill_between(
                steps, mean - band * se, mean + band * se, color=line.get_color(), alpha=0.25, lw=0
            )
        if bound and metric in ("regret", "regret_over_log_t"):
            from fastrl.plotting import draw_lower_bound

            draw_lower_bound(self, ax, over_log_t=metric == "regret_over_log_t")
        ax.set_xlabel("Steps")
        ax.set_ylabel(_LABELS[metric])
        ax.legend(frameon=False)
        return ax

    def plot_final_regret(self, ax=None, *, kind: str = "box"):
        """The distribution of the final regret across runs, one box (or violin) per agent.

        See :func:`fastrl.plotting.plot_final_regret`.
        """
        from fastrl.plotting import plot_final_regret

        return plot_final_regret(self, ax, kind=kind)


def compare(
    agents: dict, problem, *, runs: int, steps: int, seed: int = 0, progress: bool = False
) -> Comparison:
    """Simulate each agent of ``agents`` (a dict name -> agent) on ``problem``.

    Common random numbers: with one ``seed``, run ``i`` of every agent faces the
    same problem instance and the same reward draw for the same arm at the same
    step, so differences between agents are measured with less noise.

    Examples
    --------
    >>> from fastrl.bandits import EpsilonGreedy, GaussianBandit, UCB, compare
    >>> agents = {"eps": EpsilonGreedy(0.1), "ucb": UCB(2)}
    >>> cmp = compare(agents, GaussianBandit.testbed(), runs=64, steps=20)
    >>> list(cmp.results)
    ['eps', 'ucb']
    """
    if not isinstance(agents, dict) or not agents:
        raise TypeError(f"agents must be a non-empty dict of name -> agent, got {agents!r}")
    for name in agents:
        if not isinstance(name, str):
            raise TypeError(f"agent names must be strings, got {name!r}")
    check_int("runs", runs, low=1)
    results = {
        name: simulate(problem, agent, runs=runs, steps=steps, seed=seed, progress=progress)
        for name, agent in agents.items()
    }
    return Comparison(results)
