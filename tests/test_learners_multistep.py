"""Multi-step and trace learners: kernel vs naive loops, one-step equivalences, hand targets.

The kernel must equal ``tests/reference_multistep.py`` exactly (``array_equal``:
same addressed draws, same floating-point order) on FrozenLake 4x4 with a step
limit of 8 (many truncated episodes) and on cliff walking limited to 30 steps
(most early episodes truncated, revisits). Compile cost: one epsilon-greedy
driver per learner and the one-step learners they reduce to (which
``test_learning.py`` compiles too); every other difference between the configs
below is a run-time parameter. No softmax driver: the expectation under softmax
is :func:`fastrl.tabular.learners.explore.expected`, shared with one-step
Expected SARSA and tested with it; the reference's copy is checked against it
below without a driver.
The hand-computed numbers are our own arithmetic, not the book's.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from reference_multistep import expected_value, train_multistep

import fastrl.tabular as tabular
from fastrl.schedules import Schedule
from fastrl.tabular import (
    ExpectedSarsa,
    NStepExpectedSarsa,
    NStepSarsa,
    QLearning,
    Sarsa,
    SarsaLambda,
    TabularMDP,
    TreeBackup,
    WatkinsQLambda,
    cliff_walking,
    frozen_lake,
    train,
)
from fastrl.tabular.learners import LEARNERS
from fastrl.tabular.learners.explore import expected_epsilon, expected_softmax
from fastrl.tabular.learners.tree_backup import greedy_mass
from fastrl.tabular.train import _train

DECAY = Schedule("exponential", decay=0.8, floor=0.05)
AGENTS = [
    NStepSarsa(n=3, alpha=0.4, epsilon=0.2),
    NStepSarsa(n=6, alpha=0.3, gamma=0.9, bonus=0.5, schedule=DECAY),
    NStepExpectedSarsa(n=2, alpha=0.4, epsilon=0.3),
    NStepExpectedSarsa(n=4, alpha=0.3, bonus=0.4, initial_value=0.5),
    TreeBackup(n=3, alpha=0.4, epsilon=0.3),
    TreeBackup(n=5, alpha=0.3, gamma=0.9, bonus=0.5, initial_value=1.0),
    SarsaLambda(lam=0.8, alpha=0.3, epsilon=0.2),
    SarsaLambda(lam=0.95, alpha=0.2, replacing=True, bonus=0.3, schedule=DECAY),
    WatkinsQLambda(lam=0.8, alpha=0.3, epsilon=0.3),
    WatkinsQLambda(lam=1.0, alpha=0.2, gamma=0.9, replacing=True, bonus=0.5),
]


def _mdp(kind):
    if kind == "frozen_lake":
        return frozen_lake(), 8
    return cliff_walking(max_episode_steps=30), 30


def _label(agent):
    extra = agent.n if hasattr(agent, "n") else ("r" if agent.replacing else "a")
    return f"{type(agent).__name__}-{extra}-{agent.exploration}-{agent.bonus}"


@pytest.mark.parametrize("agent", AGENTS, ids=_label)
@pytest.mark.parametrize("mdp_kind", ["frozen_lake", "cliff"])
def test_kernel_matches_reference(agent, mdp_kind):
    mdp, limit = _mdp(mdp_kind)
    runs, episodes, seed = 3, 10, 7
    res = train(mdp, agent, runs=runs, episodes=episodes, seed=seed, record_runs=True,
                max_episode_steps=limit)  # fmt: skip
    truncated, stats = 0, {"cuts": 0}
    for i in range(runs):
        q, returns, lengths = train_multistep(
            mdp, agent, episodes=episodes, max_steps=limit, seed=seed, i=i, stats=stats
        )
        np.testing.assert_array_equal(res.lengths[i], lengths)
        np.testing.assert_array_equal(res.returns[i], returns)
        np.testing.assert_array_equal(res.q[i], q)
        truncated += int(np.sum(lengths == limit))
    assert truncated > 0  # the end-of-episode flush of truncated episodes is exercised
    if isinstance(agent, WatkinsQLambda) and mdp_kind == "cliff":
        assert stats["cuts"] > 0  # exploratory actions cut non-zero traces (FrozenLake's
        # Q stays mostly tied at 0 in 10 episodes: every action is greedy there)


ONE_STEP = [
    (NStepSarsa(n=1, alpha=0.5, epsilon=0.2, bonus=0.3), Sarsa),
    (NStepExpectedSarsa(n=1, alpha=0.5, epsilon=0.2, bonus=0.3), ExpectedSarsa),
    (TreeBackup(n=1, alpha=0.5, epsilon=0.2, bonus=0.3), QLearning),
    (SarsaLambda(lam=0.0, alpha=0.5, epsilon=0.2, bonus=0.3), Sarsa),
    (SarsaLambda(lam=0.0, alpha=0.5, epsilon=0.2, bonus=0.3, replacing=True), Sarsa),
    (WatkinsQLambda(lam=0.0, alpha=0.5, epsilon=0.2, bonus=0.3), QLearning),
]


@pytest.mark.parametrize(("agent", "one_step"), ONE_STEP, ids=lambda x: getattr(x, "__name__", ""))
def test_reduces_to_the_one_step_learner_bit_for_bit(agent, one_step):
    # n = 1 / lam = 0: the same selections (the same Q at the same draws) and the same
    # arithmetic as the one-step update, so every number is identical, truncated
    # episodes (cliff walking, 40 steps) included.
    mdp = cliff_walking(max_episode_steps=40)
    kw = dict(alpha=agent.alpha, epsilon=agent.epsilon, bonus=agent.bonus)
    ours = train(mdp, agent, runs=70, episodes=12, seed=1, record_runs=True)
    ref = train(mdp, one_step(**kw), runs=70, episodes=12, seed=1, record_runs=True)
    assert np.any(ref.lengths == 40)
    for name in ("returns", "lengths", "q", "episode_return_se", "policy"):
        np.testing.assert_array_equal(getattr(ours, name), getattr(ref, name))


def _chain():
    # s0 -(r=1)-> s1 -(r=2)-> s2 -(r=3)-> s3 (terminal); one action
    P = np.zeros((4, 1, 4))
    for s in range(3):
        P[s, 0, s + 1] = 1.0
    P[3, 0, 3] = 1.0
    R = np.array([[1.0], [2.0], [3.0], [0.0]])
    T = np.array([False, False, False, True])
    return TabularMDP.from_dense(P, R, terminated=T, initial=[1, 0, 0, 0], max_episode_steps=10)


@pytest.mark.parametrize("cls", [NStepSarsa, NStepExpectedSarsa, TreeBackup])
def test_nstep_chain_by_hand(cls):
    # One action: the three n-step returns coincide. n = 2, alpha 0.5, gamma 0.9.
    # Episode 1: Q0 <- .5 (1 + .9*2 + .81*0) = 1.4; Q1 <- .5 (2 + .9*3) = 2.35; Q2 <- .5*3 = 1.5
    # Episode 2: Q0 += .5 (1 + 1.8 + .81*1.5 - 1.4) -> 2.7075; Q1 -> 3.525; Q2 -> 2.25
    agent = cls(n=2, alpha=0.5, gamma=0.9)
    res = train(_chain(), agent, runs=1, episodes=2)
    np.testing.assert_allclose(res.q[0, :3, 0], [2.7075, 3.525, 2.25], rtol=0, atol=1e-14)
    # Truncated after 2 steps, Q starting at 1: both pending targets bootstrap on Q(s2) = 1:
    # Q0 <- 1 + .5 (1 + 1.8 + .81 - 1) = 2.305; Q1 <- 1 + .5 (2 + .9 - 1) = 1.95; Q2 stays 1
    agent = cls(n=2, alpha=0.5, gamma=0.9, initial_value=1.0)
    res = train(_chain(), agent, runs=1, episodes=1, max_episode_steps=2)
    np.testing.assert_allclose(res.q[0, :3, 0], [2.305, 1.95, 1.0], rtol=0, atol=1e-14)
    # n larger than the episode: every update is made by the flush, toward the full return
    res = train(_chain(), cls(n=7, alpha=1.0, gamma=0.5), runs=1, episodes=1)
    np.testing.assert_allclose(res.q[0, :3, 0], [1 + 1 + 0.75, 2 + 1.5, 3], rtol=0, atol=1e-15)


@pytest.mark.parametrize("cls", [SarsaLambda, WatkinsQLambda])
def test_traces_chain_by_hand(cls):
    # One action (always greedy: Watkins never cuts). lam 0.5, alpha 0.5, gamma 0.9:
    # step 1: delta 1, z0 1 -> Q0 .5, z0 .45; step 2: delta 2, z1 1 -> Q0 .95, Q1 1,
    # z (.2025, .45); step 3 (terminal): delta 3, z2 1 -> Q0 1.25375, Q1 1.675, Q2 1.5
    for replacing in (False, True):  # no pair is revisited: the same numbers
        agent = cls(lam=0.5, alpha=0.5, gamma=0.9, replacing=replacing)
        res = train(_chain(), agent, runs=1, episodes=1)
        np.testing.assert_allclose(res.q[0, :3, 0], [1.25375, 1.675, 1.5], rtol=0, atol=1e-15)


def test_replacing_differs_from_accumulating():
    # s0: action 0 loops (r = 0), action 1 exits (r = 1); epsilon 0.5 revisits (s0, 0),
    # where the two kinds of trace differ (kernel and naive loop agree on both).
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = P[0, 1, 1] = P[1, :, 1] = 1.0
    R = np.array([[0.0, 1.0], [0.0, 0.0]])
    mdp = TabularMDP.from_dense(P, R, terminated=[False, True], initial=[1, 0],
                                max_episode_steps=10)  # fmt: skip
    out = []
    for replacing in (False, True):
        agent = SarsaLambda(lam=1.0, alpha=0.5, gamma=0.5, epsilon=0.5, replacing=replacing)
        res = train(mdp, agent, runs=4, episodes=5, seed=2, record_runs=True)
        for i in range(4):
            q, _, lengths = train_multistep(mdp, agent, episodes=5, max_steps=10, seed=2, i=i)
            np.testing.assert_array_equal(res.q[i], q)
            np.testing.assert_array_equal(res.lengths[i], lengths)
        out.append(res)
    assert np.any(out[0].lengths > 2)  # a revisit
    assert not np.array_equal(out[0].q, out[1].q)


def test_threads_chunks_and_prefixes():
    mdp = frozen_lake()
    for agent in (TreeBackup(n=3, alpha=0.2, bonus=0.1), SarsaLambda(lam=0.9, alpha=0.2)):
        kw = dict(runs=150, episodes=20, seed=3, record_runs=True)
        base = train(mdp, agent, **kw)
        old = numba.get_num_threads()
        try:
            numba.set_num_threads(1)
            one = train(mdp, agent, **kw)
        finally:
            numba.set_num_threads(old)
        chunked = _train(mdp, agent, max_episode_steps=None, progress=False, chunk_blocks=1, **kw)
        for other in (one, chunked):
            for name in ("returns", "lengths", "q", "episode_return_se", "episode_length"):
                np.testing.assert_array_equal(getattr(base, name), getattr(other, name))
        for runs in (3, 70):
            small = train(mdp, agent, **{**kw, "runs": runs})
            np.testing.assert_array_equal(small.returns, base.returns[:runs])
            np.testing.assert_array_equal(small.q, base.q[:runs])
        assert not np.array_equal(train(mdp, agent, **{**kw, "seed": 4}).returns, base.returns)


NAMES = {
    "n-step-sarsa": NStepSarsa,
    "n-step-expected-sarsa": NStepExpectedSarsa,
    "tree-backup": TreeBackup,
    "sarsa-lambda": SarsaLambda,
    "watkins-q-lambda": WatkinsQLambda,
}


def test_registered_and_exported():
    for name, cls in NAMES.items():
        assert LEARNERS[name] is cls
        assert getattr(tabular, cls.__name__) is cls and cls.__name__ in tabular.__all__
    assert NStepSarsa().n == 4 and SarsaLambda().lam == 0.9 and not SarsaLambda().replacing


BAD = [
    (NStepSarsa, "n", 0, ValueError),
    (NStepExpectedSarsa, "n", -3, ValueError),
    (TreeBackup, "n", 1.5, TypeError),
    (NStepSarsa, "n", True, TypeError),
    (TreeBackup, "n", "4", TypeError),
    (SarsaLambda, "lam", -0.1, ValueError),
    (WatkinsQLambda, "lam", 1.01, ValueError),
    (SarsaLambda, "lam", math.nan, ValueError),
    (WatkinsQLambda, "lam", "x", TypeError),
    (SarsaLambda, "replacing", "yes", TypeError),
    (WatkinsQLambda, "replacing", 1, TypeError),
]


@pytest.mark.parametrize(("cls", "name", "value", "error"), BAD)
def test_bad_config(cls, name, value, error):
    with pytest.raises(error, match=name):
        cls(**{name: value})


def test_valid_config_coerced():
    assert type(NStepSarsa(n=np.int64(3)).n) is int
    assert type(SarsaLambda(lam=1).lam) is float
    assert WatkinsQLambda(replacing=np.bool_(True)).replacing is True


def test_reference_expectations_match_the_kernel_functions():
    # the reference's expected value and greedy mass are the kernel's, bit for bit
    gen = np.random.default_rng(0)
    soft, eps = NStepExpectedSarsa(exploration="softmax", beta=1.7), NStepExpectedSarsa(epsilon=0.3)
    for _ in range(50):
        v = gen.integers(-2, 3, size=5).astype(float) / 3.0  # ties included
        q_row = gen.normal(size=5)
        assert expected_value(soft, v, q_row, 1.7) == expected_softmax(v[None], q_row[None], 0, 1.7)
        assert expected_value(soft, v, q_row, math.inf) == expected_epsilon(
            v[None], q_row[None], 0, 0.0
        )
        assert expected_value(eps, v, q_row, 0.3) == expected_epsilon(v[None], q_row[None], 0, 0.3)
        a = int(gen.integers(5))
        vmax, w = greedy_mass(v[None], 0, a)
        ties = int(np.sum(v == v.max()))
        assert vmax == v.max() and w == (1.0 / ties if v[a] == v.max() else 0.0)
