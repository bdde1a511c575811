"""Tabular learning: kernel vs naive reference loops, hand-computed targets, determinism."""

from __future__ import annotations

import dataclasses
import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_learning import train_one
from strategies import tabular_agents

from fastrl import rng
from fastrl.schedules import Schedule
from fastrl.tabular import (
    DoubleQLearning,
    DynaQ,
    ExpectedSarsa,
    QLearning,
    Sarsa,
    TabularMDP,
    compare,
    frozen_lake,
    policy_evaluation,
    random_map,
    stack,
    train,
)
from fastrl.tabular.learners import LEARNERS
from fastrl.tabular.learners.double_q import SLOT_COIN, double_q_update
from fastrl.tabular.learners.explore import expected_epsilon, expected_softmax
from fastrl.tabular.learners.q_learning import q_learning_update
from fastrl.tabular.train import _train, _value_gamma1


def _random_mdp(seed=1, S=5, A=3):
    gen = np.random.default_rng(seed)
    P = gen.dirichlet(np.full(S, 0.5), size=(S, A))
    R = gen.normal(size=(S, A, S)).round(1)
    T = np.zeros(S, bool)
    T[S - 1] = True
    initial = np.zeros(S)
    initial[:2] = 0.5
    return TabularMDP.from_dense(P, R, terminated=T, initial=initial, max_episode_steps=20)


AGENTS = [
    QLearning(alpha=0.5, epsilon=0.2),
    QLearning(alpha=0.3, exploration="softmax", beta=2.0, bonus=0.7),
    Sarsa(alpha=0.3, bonus=0.5, schedule=Schedule("exponential", decay=0.9, floor=0.05)),
    Sarsa(exploration="softmax", beta=0.5, initial_value=1.0),
    ExpectedSarsa(exploration="softmax", beta=2.0, schedule="1/t"),
    ExpectedSarsa(epsilon=0.3, bonus=1.0),
    ExpectedSarsa(exploration="softmax", beta=math.inf),
    DoubleQLearning(alpha=0.4, epsilon=0.2),
    DoubleQLearning(exploration="softmax", beta=1.5, bonus=0.3),
    DynaQ(planning_steps=3, exploration="softmax", beta=math.inf),
    DynaQ(planning_steps=5, epsilon=0.1, bonus=0.2, gamma=0.9),
]


@pytest.mark.parametrize("agent", AGENTS, ids=lambda a: f"{type(a).__name__}-{a.exploration}")
@pytest.mark.parametrize("mdp_kind", ["random", "frozen_lake"])
def test_kernel_matches_reference(agent, mdp_kind):
    mdp = _random_mdp() if mdp_kind == "random" else frozen_lake()
    episodes, runs, seed = 12, 3, 7
    res = train(mdp, agent, runs=runs, episodes=episodes, seed=seed, record_runs=True)
    limit = mdp.max_episode_steps
    ref = [
        train_one(mdp, agent, episodes=episodes, max_steps=limit, seed=seed, i=i) for i in range(3)
    ]
    for i, (q, returns, lengths, _successes) in enumerate(ref):
        np.testing.assert_array_equal(res.lengths[i], lengths)
        np.testing.assert_allclose(res.returns[i], returns, rtol=0, atol=1e-12)
        np.testing.assert_allclose(res.q[i], q, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        res.episode_return, np.mean([r[1] for r in ref], axis=0), rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        res.success_rate, np.mean([r[3] for r in ref], axis=0), rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        res.episode_length_se,
        np.std([r[2] for r in ref], axis=0, ddof=1) / math.sqrt(runs),
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_array_equal(res.policy, np.argmax(res.q, axis=2))


def test_one_action_chain_by_hand():
    # s0 -> s1 (r=1) -> end (r=2); one action, so every algorithm makes the same updates:
    # episode 1: Q0 = 0.5 * 1 = 0.5, Q1 = 0.5 * 2 = 1; episode 2: Q0 = 0.5 + 0.5 * (1 + 0.9 - 0.5)
    P = np.array([[[0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0]], [[0.0, 0.0, 1.0]]])
    R = np.array([[1.0], [2.0], [0.0]])
    T = np.array([False, False, True])
    mdp = TabularMDP.from_dense(P, R, terminated=T, initial=[1.0, 0.0, 0.0], max_episode_steps=5)
    for agent in (QLearning, Sarsa, ExpectedSarsa, DoubleQLearning, DynaQ):
        kw = {"planning_steps": 0} if agent is DynaQ else {}
        res = train(mdp, agent(alpha=0.5, gamma=0.9, **kw), runs=1, episodes=2)
        if agent is DoubleQLearning:  # each table updated about half the time: just bounded
            assert np.all((res.q >= 0.0) & (res.q <= 1.5))
            continue
        np.testing.assert_allclose(res.q[0, :2, 0], [1.2, 1.5], rtol=0, atol=1e-15)
        np.testing.assert_array_equal(res.episode_return, [3.0, 3.0])
        np.testing.assert_array_equal(res.episode_length, [2.0, 2.0])


def test_td_targets_by_hand():
    q = np.array([[0.0, 0.0], [1.0, 3.0]])
    q_learning_update(q, 0, 1, 2.0, 1, False, 0.5, 0.9)
    assert q[0, 1] == pytest.approx(0.5 * (2.0 + 0.9 * 3.0), abs=1e-15)
    q_learning_update(q, 0, 0, 1.0, 1, True, 0.5, 0.9)  # terminated: no bootstrap
    assert q[0, 0] == 0.5
    # Expected SARSA, epsilon-greedy 0.2 on selection values [1, 3, 3] (a tie), of Q [0, 1, 2]:
    # pi = [0.2/3, 0.2/3 + 0.4, 0.2/3 + 0.4] -> 0.2/3 * 3 + 0.4 * 1 + 0.4 * 2 = 1.4
    row, q_next = np.array([[1.0, 3.0, 3.0]]), np.array([0.0, 1.0, 2.0])
    assert expected_epsilon(row, q_next[None], 0, 0.2) == pytest.approx(1.4, abs=1e-14)
    # softmax with beta = ln 2 on [0, 1]: pi = [1/3, 2/3] -> 3/3 + 12/3 = 5
    row, q_next = np.array([[0.0, 1.0]]), np.array([[3.0, 6.0]])
    val = expected_softmax(row, q_next, 0, math.log(2))
    assert val == pytest.approx(5.0, abs=1e-14)
    # Double Q: the coin of step t picks the table; target uses the other table at argmax
    key, t = np.uint64(rng.run_key(np.uint64(99), np.int64(0))), np.int64(3)
    q1 = np.array([[0.0, 0.0], [5.0, 1.0]])
    q2 = np.array([[0.0, 0.0], [2.0, 7.0]])
    heads = rng.uniform(key, np.uint64(rng.counter(t, SLOT_COIN))) < 0.5
    double_q_update(q1, q2, 0, 1, 1.0, 1, False, 0.5, 1.0, key, t)
    if heads:  # update Q1 with Q2[1, argmax Q1[1]] = Q2[1, 0] = 2
        assert q1[0, 1] == 0.5 * (1.0 + 2.0) and q2[0, 1] == 0.0
    else:  # update Q2 with Q1[1, argmax Q2[1]] = Q1[1, 1] = 1
        assert q2[0, 1] == 0.5 * (1.0 + 1.0) and q1[0, 1] == 0.0


def _same(a, b):
    for name in ("episode_return", "episode_length", "success_rate", "episode_return_se", "q"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(a.policy_value, b.policy_value)


def test_threads_chunks_and_prefixes():
    mdp, agent = frozen_lake(), ExpectedSarsa(alpha=0.2, bonus=0.1)
    kw = dict(runs=150, episodes=30, seed=3, record_runs=True)
    base = train(mdp, agent, **kw)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = train(mdp, agent, **kw)
    finally:
        numba.set_num_threads(old)
    _same(base, one)
    chunked = _train(mdp, agent, max_episode_steps=None, progress=False, chunk_blocks=1, **kw)
    _same(base, chunked)
    for runs in (3, 10, 70):
        small = train(mdp, agent, **{**kw, "runs": runs})
        np.testing.assert_array_equal(small.returns, base.returns[:runs])
        np.testing.assert_array_equal(small.lengths, base.lengths[:runs])
        np.testing.assert_array_equal(small.q, base.q[:runs])
    other = train(mdp, agent, **{**kw, "seed": 4})
    assert not np.array_equal(other.returns, base.returns)


def test_progress_bar_identical(capsys):
    mdp, agent = frozen_lake(), QLearning()
    quiet = train(mdp, agent, runs=200, episodes=10)
    loud = train(mdp, agent, runs=200, episodes=10, progress=True)
    assert "200/200 runs" in capsys.readouterr().err
    _same(quiet, loud)
    assert quiet.returns is None and quiet.to_frame().shape == (30, 4)


def test_stack_run_i_uses_map_i():
    maps = stack([frozen_lake(desc=random_map(4, seed=k)) for k in range(3)])
    res = train(maps, Sarsa(), runs=3, episodes=20, record_runs=True)
    for i in range(3):
        alone = train(maps[i], Sarsa(), runs=i + 1, episodes=20, record_runs=True)
        np.testing.assert_array_equal(res.returns[i], alone.returns[i])
        np.testing.assert_array_equal(res.q[i], alone.q[i])
        assert res.policy_value[i] == alone.policy_value[i]
    with pytest.raises(ValueError, match="runs"):
        train(maps, Sarsa(), runs=4, episodes=2)


def test_policy_value_exact():
    mdp = frozen_lake()
    res = train(mdp, QLearning(gamma=0.95), runs=5, episodes=50)
    exact = policy_evaluation(mdp, res.policy, 0.95).values @ mdp.initial
    np.testing.assert_allclose(res.policy_value, exact, rtol=1e-12)
    # gamma = 1: restricted to reachable states; equals the full solve when that is regular
    det = frozen_lake(is_slippery=False)
    right_down = np.array([2, 2, 1, 0, 1, 0, 1, 0, 2, 1, 1, 0, 0, 2, 2, 0])
    full = policy_evaluation(det, right_down, 1.0).values @ det.initial
    assert _value_gamma1(det, right_down) == pytest.approx(full, rel=1e-12) == 1.0
    left = np.zeros(16, dtype=np.int64)  # bumps into the west wall forever from the start
    assert math.isnan(_value_gamma1(det, left))
    res = train(det, QLearning(gamma=1.0), runs=64, episodes=30)
    ok = np.isfinite(res.policy_value)
    assert set(np.unique(res.policy_value[ok])) <= {0.0, 1.0}


def test_compare_outputs():
    pytest.importorskip("pandas")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    agents = {"Q": QLearning(), "SARSA": Sarsa()}
    cmp = compare(agents, frozen_lake(), runs=40, episodes=20)
    summary = cmp.summary()
    assert list(summary.index) == ["Q", "SARSA"]
    assert {"mean_return", "mean_return_se", "final_success", "policy_value"} <= set(summary)
    frame = cmp.to_frame()
    assert frame.shape == (2 * 3 * 20, 5)
    ax = cmp.plot("success_rate", smooth=5)
    assert len(ax.get_lines()) == 2
    # common random numbers: agents with identical configs give identical results
    same = compare({"a": QLearning(), "b": QLearning()}, frozen_lake(), runs=5, episodes=5)
    np.testing.assert_array_equal(same.results["a"].q, same.results["b"].q)


BAD_AGENT_ARGS = [
    ("alpha", 0.0),
    ("alpha", 1.5),
    ("alpha", "x"),
    ("gamma", -0.1),
    ("gamma", 1.01),
    ("epsilon", 2.0),
    ("epsilon", math.nan),
    ("beta", 0.0),
    ("beta", -1.0),
    ("bonus", -0.1),
    ("bonus", math.inf),
    ("initial_value", math.nan),
    ("exploration", "ucb"),
    ("exploration", 3),
    ("schedule", 5),
]


@pytest.mark.parametrize(("name", "value"), BAD_AGENT_ARGS)
@pytest.mark.parametrize("cls", list(LEARNERS.values()), ids=list(LEARNERS))
def test_bad_agent_config(cls, name, value):
    with pytest.raises((ValueError, TypeError), match=name):
        cls(**{name: value})


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(sorted(LEARNERS)),
    st.sampled_from(["alpha", "gamma", "epsilon", "beta", "bonus"]),
    st.one_of(st.floats(allow_nan=True), st.integers(), st.text(max_size=2), st.none()),
)
def test_agent_config_property(learner, name, value):
    try:
        agent = LEARNERS[learner](**{name: value})
    except (ValueError, TypeError) as exc:
        assert name in str(exc)
    else:
        assert isinstance(getattr(agent, name), float)


@settings(max_examples=30, deadline=None)
@given(tabular_agents)
def test_valid_configs_round_trip(agent):
    # every registry learner validates and coerces its options (no kernel call: no compile)
    assert type(agent) in LEARNERS.values() and isinstance(agent.alpha, float)
    assert agent.exploration in ("epsilon_greedy", "softmax")
    assert (
        type(agent)(**{f.name: getattr(agent, f.name) for f in dataclasses.fields(agent)}) == agent
    )


def test_bad_train_args():
    mdp = frozen_lake()
    with pytest.raises(ValueError, match="runs"):
        train(mdp, QLearning(), runs=0, episodes=1)
    with pytest.raises(TypeError, match="episodes"):
        train(mdp, QLearning(), runs=1, episodes=1.5)
    with pytest.raises(TypeError, match="agent"):
        train(mdp, "q", runs=1, episodes=1)
    with pytest.raises(TypeError, match="mdp"):
        train(None, QLearning(), runs=1, episodes=1)
    with pytest.raises(ValueError, match="planning_steps"):
        DynaQ(planning_steps=-1)
    with pytest.raises(ValueError, match="max_episode_steps"):
        train(mdp, QLearning(), runs=1, episodes=1, max_episode_steps=0)
    with pytest.raises(TypeError, match="seed"):
        train(mdp, QLearning(), runs=1, episodes=1, seed=-1.0)
    with pytest.raises(TypeError, match="agents"):
        compare({}, mdp, runs=1, episodes=1)
