"""Figures (needs the ``plot`` extra: matplotlib, imported only when called)."""

from __future__ import annotations

import numpy as np

__all__ = ["save_bandit_figure", "plot_final_regret", "plot_pulls", "draw_lower_bound"]


def draw_lower_bound(comparison, ax, *, over_log_t: bool = False):
    """Draw the Lai-Robbins bound of the comparison's problem on ``ax`` (dashed black).

    ``C log t`` on a regret plot; the constant ``C`` with ``over_log_t``
    (regret over ``log t``). Nothing is drawn for problems without a bound
    (drift, change points). Returns the line, or ``None``.
    """
    bound = comparison.lower_bound()
    if bound is None:
        return None
    steps = np.arange(1, bound.shape[0] + 1)
    c = comparison.lai_robbins()
    y = np.full(bound.shape, c) if over_log_t else bound
    (line,) = ax.plot(steps, y, "k--", lw=1.0, label=f"Lai-Robbins bound (C = {c:.3g})")
    return line


def plot_final_regret(comparison, ax=None, *, kind: str = "box"):
    """Box or violin plot of each agent's final regret across runs.

    Parameters
    ----------
    comparison : Comparison
        Its results need per-run final regrets (``simulate`` and ``compare``
        give them; ``fastrl.sweep`` results do not).
    ax : matplotlib Axes, optional
    kind : {"box", "violin"}
        Boxes show the quartiles, whiskers at 1.5 interquartile ranges, and the
        mean as a marker; violins a kernel density estimate with the median.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if kind not in ("box", "violin"):
        raise ValueError(f"kind must be 'box' or 'violin', got {kind!r}")
    names = list(comparison.results)
    data = [comparison.results[n].final_regret for n in names]
    missing = [n for n, d in zip(names, data, strict=True) if d is None]
    if missing:
        raise ValueError(f"results {missing} have no per-run final regrets (fastrl.sweep results)")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    positions = np.arange(1, len(names) + 1)
    if kind == "box":
        ax.boxplot(data, positions=positions, showmeans=True, showfliers=False)
    else:
        ax.violinplot(data, positions=positions, showmedians=True)
    ax.set_xticks(positions, names, rotation=15)
    ax.set_ylabel("Final regret")
    return ax


def plot_pulls(comparison, ax=None, *, log: bool = False):
    """Grouped bar chart of how often each agent pulled each arm over a run.

    One group of bars per arm, one bar per agent (in the comparison's order),
    of the mean pulls over runs (:attr:`BanditResult.pulls`), with whiskers of
    one standard error (:attr:`BanditResult.pulls_se`).

    Parameters
    ----------
    comparison : Comparison
        Its results need pulls (``simulate`` and ``compare`` give them;
        ``fastrl.sweep`` results do not).
    ax : matplotlib Axes, optional
    log : bool
        A logarithmic count axis, where the best arm's pulls dwarf the others'.

    Returns
    -------
    matplotlib.axes.Axes
    """
    names = list(comparison.results)
    missing = [n for n in names if comparison.results[n].pulls is None]
    if missing:
        raise ValueError(f"results {missing} have no pulls per arm (fastrl.sweep results)")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    num_arms = comparison.results[names[0]].pulls.shape[0]
    arms = np.arange(num_arms)
    width = 0.8 / len(names)
    for j, name in enumerate(names):
        r = comparison.results[name]
        offset = (j - (len(names) - 1) / 2) * width
        ax.bar(arms + offset, r.pulls, width, yerr=r.pulls_se, label=name, capsize=0)
    if log:
        ax.set_yscale("log")
    ax.set_xticks(arms, [str(a) for a in arms])
    ax.set_xlabel("Arm")
    ax.set_ylabel("Pulls per run")
    ax.legend(frameon=False)
    return ax


def save_bandit_figure(comparison, path: str, *, dpi: int = 100) -> None:
    """Average reward, % optimal action, regret (with the Lai-Robbins bound where the
    problem has one) and the final regret across runs of a bandit comparison."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(20, 4), constrained_layout=True)
    for ax, metric in zip(axes, ("mean_reward", "optimal_action", "regret"), strict=False):
        comparison.plot(metric, ax=ax)
    plot_final_regret(comparison, axes[3])
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
