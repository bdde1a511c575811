"""``fastrl.plotting.plot_pulls``: the bars are the comparison's pulls and their standard errors.

One driver: EpsilonGreedy on four Bernoulli arms, the one the rest of the suite compiles.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastrl.bandits import BernoulliBandit, EpsilonGreedy, compare
from fastrl.bandits.compare import Comparison
from fastrl.plotting import plot_pulls

PROBLEM = BernoulliBandit([0.9, 0.8, 0.5, 0.5])


@pytest.fixture
def plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_plot_pulls_draws_one_bar_per_agent_and_arm(plt):
    agents = {"eps": EpsilonGreedy(0.1), "greedy": EpsilonGreedy(0.0)}
    cmp = compare(agents, PROBLEM, runs=64, steps=40)
    ax = plot_pulls(cmp, log=True)
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3"]
    bars = [c for c in ax.containers if hasattr(c, "patches")]
    assert [b.get_label() for b in bars] == ["eps", "greedy"]
    for b, name in zip(bars, agents, strict=True):
        heights = [p.get_height() for p in b.patches]
        np.testing.assert_allclose(heights, cmp.results[name].pulls)
        np.testing.assert_allclose(sum(heights), 40)
        # the whiskers: one segment per arm, from pulls - se to pulls + se
        segments = b.errorbar.lines[2][0].get_segments()
        np.testing.assert_allclose(
            [s[1, 1] - s[0, 1] for s in segments], 2 * cmp.results[name].pulls_se
        )
    # the groups do not overlap: agent j's bar of arm a sits left of agent j+1's
    x = [[p.get_x() for p in b.patches] for b in bars]
    assert np.all(np.diff(np.array(x), axis=0) > 0)


def test_plot_pulls_refuses_results_without_pulls(plt):
    cmp = compare({"eps": EpsilonGreedy(0.1)}, PROBLEM, runs=4, steps=10)
    from dataclasses import replace

    stripped = Comparison({"eps": replace(cmp.results["eps"], pulls=None, pulls_se=None)})
    with pytest.raises(ValueError, match="no pulls"):
        plot_pulls(stripped)
