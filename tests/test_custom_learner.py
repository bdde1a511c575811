"""A user's learner on the public protocol: examples/custom_learner.py's n-step SARSA.

Checked against a naive loop (STYLE T1) with the same addressed draws, against
one-step SARSA (``n = 1``, bit for bit), for determinism (T4), and for the
errors a user's learner gets instead of a numba traceback. One driver compile
serves every passing test (``n`` and the bonus are run-time parameters).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numba
import numpy as np
import pytest
from reference_learning import _c, _explore_param, _select, _selection_values

from fastrl import rng
from fastrl.tabular import Sarsa, cliff_walking, frozen_lake, train
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial
from fastrl.tabular.learners import Hooks, Table, TabularAgent, explore, ijit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from custom_learner import NStepSarsa  # noqa: E402


def nstep_one(mdp, agent, *, episodes, max_steps, seed, i):
    """Run ``i`` of n-step SARSA, straight from Sutton & Barto 7.2: (q, returns, lengths)."""
    roots = rng.stream_roots(seed)
    env_key = np.uint64(rng.run_key(roots[rng.STREAM_ENV], np.int64(i)))
    key = np.uint64(rng.run_key(roots[rng.STREAM_AGENT], np.int64(i)))
    arrays = [np.ascontiguousarray(x[None]) for x in (mdp.next_state, mdp.prob, mdp.reward)]
    arrays.append(np.ascontiguousarray(mdp.terminated[None]))
    initial = np.ascontiguousarray(mdp.initial[None])
    n, gamma, alpha = agent.n, agent.gamma, agent.alpha
    q = np.full((mdp.num_states, mdp.num_actions), agent.initial_value)
    counts = np.zeros(q.shape, dtype=np.int64)
    returns, lengths = [], []

    def choose(s, param, t):
        return _select(agent, _selection_values(q, None, counts, s, agent.bonus), param, key, t)

    def backup(S, A, R, tau, end, bootstrap):
        g, discount = 0.0, 1.0
        for k in range(tau + 1, end + 1):
            g += discount * R[k]
            discount *= gamma
        if bootstrap:
            g += discount * q[S[end], A[end]]
        q[S[tau], A[tau]] += alpha * (g - q[S[tau], A[tau]])

    t = 0
    for e in range(episodes):
        param = _explore_param(agent, e)
        s = int(sample_initial(initial, 0, rng.uniform(env_key, _c(t, SLOT_RESET))))
        S, A, R = [s], [choose(s, param, np.int64(t))], [0.0]
        k, ret, term = 0, 0.0, False
        while True:
            a = A[k]
            u = rng.uniform(env_key, _c(t, SLOT_TRANSITION))
            s_next, r, term = env_step(*arrays, 0, S[k], a, u)
            s_next, r, term = int(s_next), float(r), bool(term)
            counts[S[k], a] += 1
            ret += r
            R.append(r)
            S.append(s_next)
            if not term:
                A.append(choose(s_next, param, np.int64(t + 1)))
            k += 1
            if k - n >= 0:
                backup(S, A, R, k - n, k, not term)
            t += 1
            if term or k >= max_steps:
                break
        for tau in range(max(k - n + 1, 0), k):
            backup(S, A, R, tau, k, not term)
        returns.append(ret)
        lengths.append(k)
    return q, np.array(returns), np.array(lengths)


@pytest.mark.parametrize(
    "agent",
    [NStepSarsa(n=3, alpha=0.4, epsilon=0.2), NStepSarsa(n=5, alpha=0.3, bonus=0.5, gamma=0.9)],
    ids=["n3", "n5-bonus"],
)
@pytest.mark.parametrize("mdp_kind", ["frozen_lake", "cliff"])
def test_nstep_sarsa_matches_naive_loop(agent, mdp_kind):
    mdp = frozen_lake() if mdp_kind == "frozen_lake" else cliff_walking(max_episode_steps=30)
    res = train(mdp, agent, runs=3, episodes=8, seed=5, record_runs=True)
    for i in range(3):
        q, returns, lengths = nstep_one(
            mdp, agent, episodes=8, max_steps=mdp.max_episode_steps, seed=5, i=i
        )
        np.testing.assert_array_equal(res.lengths[i], lengths)
        np.testing.assert_allclose(res.returns[i], returns, rtol=0, atol=1e-12)
        np.testing.assert_allclose(res.q[i], q, rtol=0, atol=1e-12)


def test_one_step_is_sarsa_bit_for_bit():
    mdp = cliff_walking(max_episode_steps=40)
    kw = dict(alpha=0.5, gamma=1.0, epsilon=0.1, bonus=0.2)
    ours = train(mdp, NStepSarsa(n=1, **kw), runs=70, episodes=10, record_runs=True)
    ref = train(mdp, Sarsa(**kw), runs=70, episodes=10, record_runs=True)
    for name in ("returns", "lengths", "q", "episode_return_se", "policy"):
        np.testing.assert_array_equal(getattr(ours, name), getattr(ref, name))


def test_threads_and_prefixes():
    mdp, agent = frozen_lake(), NStepSarsa(n=4, alpha=0.2)
    kw = dict(runs=130, episodes=12, seed=2, record_runs=True)
    base = train(mdp, agent, **kw)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = train(mdp, agent, **kw)
    finally:
        numba.set_num_threads(old)
    for name in ("returns", "lengths", "q", "episode_return", "episode_length_se"):
        np.testing.assert_array_equal(getattr(base, name), getattr(one, name))
    small = train(mdp, agent, **{**kw, "runs": 65})
    np.testing.assert_array_equal(small.returns, base.returns[:65])
    np.testing.assert_array_equal(small.q, base.q[:65])


# ---- errors: named after the learner and the hook, numba's message attached ----
@ijit
def _act(p, tab, scr, ctx, s, t):
    return explore.select(ctx, tab.q, s, t)


@ijit
def _update(p, tab, scr, ctx, s, a, r, s_next, terminated, truncated, t):
    tab.q[s, a] += p.alpha * (r - tab.q[s, a])


def _three_args(p, tab, s):
    return 0


@ijit
def _act_undeclared(p, tab, scr, ctx, s, t):
    return explore.select(ctx, tab.q2, s, t)  # no table q2


@ijit
def _act_bad_body(p, tab, scr, ctx, s, t):
    return len(object())  # numba cannot type this


@ijit
def _act_out_of_range(p, tab, scr, ctx, s, t):
    return np.int64(p.action if t >= 3 else 0)


def _learner(name, act, fields=()):
    ns = {
        "tables": {"q": Table(("S", "A"))},
        "hooks": Hooks(act=act, update=_update),
        "__annotations__": {"tables": ClassVar, "hooks": ClassVar, **dict(fields)},
    }
    ns.update({f: 7 for f, _ in fields})
    cls = type(name, (TabularAgent,), ns)
    cls.__qualname__ = name
    return dataclass(frozen=True, kw_only=True)(cls)


def test_wrong_hook_signature():
    with pytest.raises(TypeError, match=r"ThreeArgs\.hooks\.act must take 6 positional"):
        train(frozen_lake(), _learner("ThreeArgs", _three_args)(), runs=1, episodes=1)


@pytest.mark.parametrize(
    ("act", "what"), [(_act_undeclared, "q2"), (_act_bad_body, "object")], ids=["table", "body"]
)
def test_hook_numba_cannot_compile(act, what):
    with pytest.raises(TypeError, match=r"Broken\.hooks\.act cannot be compiled") as info:
        train(frozen_lake(), _learner("Broken", act)(), runs=1, episodes=1)
    assert isinstance(info.value.__cause__, numba.core.errors.NumbaError)
    assert what in str(info.value) and "numba says" in str(info.value)


def test_action_out_of_range_is_caught_in_the_kernel():
    agent = _learner("Wild", _act_out_of_range, [("action", "int")])()
    with pytest.raises(ValueError, match=r"Wild\.hooks\.act returned action 7 in run \d+"):
        train(frozen_lake(), agent, runs=70, episodes=3)


def test_bad_declarations():
    with pytest.raises(TypeError, match="shape"):
        Table(["S", "A"])
    with pytest.raises(TypeError, match="dtype"):
        Table(("S",), "float32")
    with pytest.raises(TypeError, match="declares no hooks"):
        TabularAgent()
    bad = _learner("BadSize", _act)
    bad.scratch = {"buf": Table(("S + nonsense",))}
    with pytest.raises(TypeError, match=r"BadSize\.scratch\['buf'\]"):
        train(frozen_lake(), bad(), runs=1, episodes=1)
    assert math.isfinite(NStepSarsa().alpha)
