"""Diagnostics of a bandit run: pulls per arm, final-regret distribution, regret / log t and
the Lai-Robbins bound (against hand computations and numpy on recorded runs).

One driver: EpsilonGreedy on several Bernoulli arms, the one the rest of the suite
compiles; other families' bounds need no simulation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference

from fastrl.bandits import (
    BernoulliBandit,
    BetaBandit,
    EpsilonGreedy,
    ExponentialBandit,
    GaussianBandit,
    PoissonBandit,
    compare,
    simulate,
)
from fastrl.bandits.compare import QUANTILE_COLUMNS
from fastrl.bandits.divergences import divergence
from fastrl.bandits.simulate import _simulate

PROBLEM = BernoulliBandit([0.9, 0.8, 0.5, 0.5])
AGENT = EpsilonGreedy(0.1)


def _kl_bern(p, q):
    return p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))


@pytest.fixture(scope="module")
def recorded():
    return simulate(PROBLEM, AGENT, runs=150, steps=120, seed=3, record_runs=True)


def test_pulls_sum_to_steps_and_match_the_recorded_actions(recorded):
    res = recorded
    assert res.pulls.shape == res.pulls_se.shape == (4,)
    np.testing.assert_allclose(res.pulls.sum(), res.steps, rtol=1e-12)
    counts = np.stack([np.bincount(a, minlength=4) for a in res.actions])
    np.testing.assert_allclose(res.pulls, counts.mean(axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        res.pulls_se, counts.std(axis=0, ddof=1) / np.sqrt(res.runs), rtol=1e-9, atol=1e-12
    )


def test_final_regret_and_its_quantiles(recorded):
    res = recorded
    gaps = PROBLEM.probs.max() - PROBLEM.probs
    final = gaps[res.actions].sum(axis=1)
    np.testing.assert_allclose(res.final_regret, final, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.final_regret.mean(), res.regret[-1], rtol=1e-12)
    q = np.quantile(final, [0.05, 0.25, 0.5, 0.75, 0.95])
    np.testing.assert_allclose(res.final_regret_quantiles(), q, rtol=1e-12, atol=1e-12)
    row = compare({"eps": AGENT}, PROBLEM, runs=150, steps=120, seed=3).rows()[0]
    np.testing.assert_allclose([row[c] for c in QUANTILE_COLUMNS], q, rtol=1e-12, atol=1e-12)
    # the reference's regret of run 0 ends at the kernel's final regret
    ref = reference.run(PROBLEM, AGENT, seed=3, i=0, steps=120)
    assert ref["regret"][-1] == pytest.approx(res.final_regret[0], abs=1e-12)


def test_diagnostics_do_not_depend_on_the_chunking():
    a = _simulate(PROBLEM, AGENT, 200, 30, seed=5)
    b = _simulate(PROBLEM, AGENT, 200, 30, seed=5, chunk_blocks=1)
    for name in ("pulls", "pulls_se", "final_regret", "regret"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_regret_over_log_t(recorded):
    res = recorded
    r = res.regret_over_log_t
    assert np.isnan(r[0]) and np.isnan(res.regret_over_log_t_se[0])
    t = np.arange(2, res.steps + 1)
    np.testing.assert_allclose(r[1:], res.regret[1:] / np.log(t), rtol=1e-12)
    np.testing.assert_allclose(res.regret_over_log_t_se[1:], res.regret_se[1:] / np.log(t))
    frame = res.to_frame(["regret", "regret_over_log_t"])
    assert set(frame.metric) == {"regret", "regret_over_log_t"} and len(frame) == 2 * res.steps
    assert len(res.to_frame()) == 3 * res.steps  # the default: the three streamed curves
    with pytest.raises(ValueError, match="metrics"):
        res.to_frame(["nonsense"])


def test_lai_robbins_against_hand_computation():
    # Bernoulli: 0.1 / kl(0.8, 0.9) + 2 * 0.4 / kl(0.5, 0.9)
    want = 0.1 / _kl_bern(0.8, 0.9) + 2 * 0.4 / _kl_bern(0.5, 0.9)
    assert PROBLEM.lai_robbins() == pytest.approx(want, rel=1e-12)
    np.testing.assert_allclose(PROBLEM.lower_bound(3), want * np.log([1.0, 2.0, 3.0]))
    # Gaussian, sigma = 2: gap / (gap^2 / (2 sigma^2)) = 8 / gap
    assert GaussianBandit([0.0, 0.5, 1.0], reward_std=2.0).lai_robbins() == pytest.approx(24.0)
    # Poisson: KL(p, q) = q - p + p log(p / q)
    want = 2 / (2 + math.log(1 / 3)) + 1 / (1 + 2 * math.log(2 / 3))
    assert PoissonBandit([1.0, 2.0, 3.0]).lai_robbins() == pytest.approx(want, rel=1e-12)
    # exponential: KL = p/q - 1 - log(p/q)
    want = 1.5 / (0.25 - 1 - math.log(0.25)) + 1 / (0.5 - 1 - math.log(0.5))
    assert ExponentialBandit([0.5, 1.0, 2.0]).lai_robbins() == pytest.approx(want, rel=1e-12)
    # Beta arms: the Bernoulli divergence of their means; tied best arms add nothing
    want = 0.4 / _kl_bern(0.3, 0.7)
    assert BetaBandit([0.3, 0.7, 0.7], 5.0).lai_robbins() == pytest.approx(want, rel=1e-12)
    assert BernoulliBandit([0.5, 0.5]).lai_robbins() == 0.0
    # the same numbers as divergences.divergence(family)
    kl = divergence("poisson")
    assert PoissonBandit([1.0, 4.0]).lai_robbins() == pytest.approx(3 / kl(1.0, 4.0, 0.0))


def test_lai_robbins_of_per_run_means_is_the_mean_over_runs():
    rows = BernoulliBandit([[0.9, 0.8], [0.5, 0.7], [0.6, 0.6]])
    want = (0.1 / _kl_bern(0.8, 0.9) + 0.2 / _kl_bern(0.5, 0.7) + 0.0) / 3
    assert rows.lai_robbins(runs=3) == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="runs"):
        rows.lai_robbins()
    with pytest.raises(ValueError, match="runs"):
        rows.lai_robbins(runs=4)
    drawn = PoissonBandit.random(3, low=1.0, high=5.0)
    per_run = []
    for i in range(40):
        m = np.array(reference.initial_means(drawn, 9, i))
        best = m.max()
        per_run.append(sum((best - x) / divergence("poisson")(x, best, 0.0) for x in m if x < best))
    assert drawn.lai_robbins(runs=40, seed=9) == pytest.approx(np.mean(per_run), rel=1e-12)
    with pytest.raises(ValueError, match="stationary"):
        BernoulliBandit([0.2, 0.8], drift_std=0.1).lai_robbins()
    with pytest.raises(ValueError, match="stationary"):
        BernoulliBandit.random(2, change_rate=0.1).lower_bound(10, runs=2)


def test_comparison_draws_the_bound_and_the_final_regret():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cmp = compare({"eps": AGENT, "greedy": EpsilonGreedy(0.0)}, PROBLEM, runs=64, steps=40)
    np.testing.assert_allclose(cmp.lower_bound(), PROBLEM.lower_bound(40))
    row = cmp.rows()[0]
    assert row["lower_bound"] == pytest.approx(PROBLEM.lai_robbins() * math.log(40))
    assert row["final_regret_over_log_t"] == pytest.approx(row["final_regret"] / math.log(40))
    ax = cmp.plot("regret")
    assert any("Lai-Robbins" in line.get_label() for line in ax.get_lines())
    ax = cmp.plot("regret_over_log_t")
    bound = [line for line in ax.get_lines() if "Lai-Robbins" in line.get_label()][0]
    np.testing.assert_allclose(bound.get_ydata(), PROBLEM.lai_robbins())
    for kind in ("box", "violin"):
        ax = cmp.plot_final_regret(kind=kind)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["eps", "greedy"]
    with pytest.raises(ValueError, match="kind"):
        cmp.plot_final_regret(kind="pie")
    plt.close("all")
    assert "regret 5/50/95%" in cmp.table()
