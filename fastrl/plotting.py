"""Figures (needs the ``plot`` extra: matplotlib, imported only when called)."""

from __future__ import annotations


def save_bandit_figure(comparison, path: str, *, dpi: int = 100) -> None:
    """Average reward, % optimal action and regret of a bandit comparison, side by side."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4), constrained_layout=True)
    for ax, metric in zip(axes, ("mean_reward", "optimal_action", "regret"), strict=True):
        comparison.plot(metric, ax=ax)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
