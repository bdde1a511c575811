"""Dyna-Q+, prioritized sweeping and changing maps (Sutton & Barto 8.2-8.4).

The kernel against the naive loops of ``tests/reference_dyna.py`` (STYLE T1),
the switch of a changing map at exactly its step, the book's mazes, the
priority queue against a dict, the cumulative-reward helper, bad arguments.

Compile budget: three drivers, all epsilon-greedy (DynaQ, DynaQPlus,
PrioritizedSweeping), shared with ``tests/test_book_dyna.py``.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pytest
from reference_dyna import train_one

from fastrl.tabular import (
    ChangingMDP,
    DynaQ,
    DynaQPlus,
    PrioritizedSweeping,
    blocking_maze,
    changing_gridworld,
    cumulative_reward,
    dyna_maze,
    frozen_lake,
    gridworld,
    shortcut_maze,
    train,
)
from fastrl.tabular.learners import LEARNERS
from fastrl.tabular.learners._pqueue import pq_pop, pq_push

AGENTS = {
    "dyna-q": DynaQ(alpha=0.5, gamma=0.95, epsilon=0.1, planning_steps=5),
    "dyna-q+": DynaQPlus(alpha=0.5, gamma=0.95, epsilon=0.1, planning_steps=5, kappa=1e-2),
    "sweeping": PrioritizedSweeping(alpha=0.5, gamma=0.95, epsilon=0.1, planning_steps=5),
}


def _maze(kind):
    if kind == "dyna":
        return dyna_maze()
    return blocking_maze(at_step=150)  # the switch inside the traces compared


@pytest.mark.parametrize("kind", ["dyna", "blocking"])
@pytest.mark.parametrize("name", sorted(AGENTS))
def test_kernel_matches_reference(name, kind):
    mdp, agent = _maze(kind), AGENTS[name]
    episodes, limit, seed, runs = 6, 120, 11, 3
    res = train(
        mdp, agent, runs=runs, episodes=episodes, max_episode_steps=limit, seed=seed,
        record_runs=True,
    )  # fmt: skip
    for i in range(runs):
        q, ret, length, success, _ = train_one(
            mdp, agent, episodes=episodes, max_steps=limit, seed=seed, i=i
        )
        np.testing.assert_array_equal(res.lengths[i], length)
        np.testing.assert_array_equal(res.returns[i], ret)
        np.testing.assert_allclose(res.q[i], q, rtol=0, atol=1e-12)
    assert res.total_steps > 150  # the blocking maze's switch happened in the runs compared


def test_changing_map_in_chunks_and_late_runs():
    # The switch step reaches every chunk of blocks; run 129 (block 2) is still the
    # reference's run 129.
    from fastrl.tabular.train import _train

    mdp, agent = blocking_maze(at_step=40), AGENTS["sweeping"]
    kw = dict(runs=130, episodes=3, max_episode_steps=60, seed=4, record_runs=True)
    whole = train(mdp, agent, **kw)
    parts = _train(mdp, agent, progress=False, chunk_blocks=1, **kw)
    for field in ("q", "returns", "lengths", "episode_return", "policy_value"):
        np.testing.assert_array_equal(getattr(whole, field), getattr(parts, field))
    q, ret, length, _, _ = train_one(mdp, agent, episodes=3, max_steps=60, seed=4, i=129)
    np.testing.assert_array_equal(whole.lengths[129], length)
    np.testing.assert_allclose(whole.q[129], q, rtol=0, atol=1e-12)


def test_switch_at_zero_is_the_final_map_and_values_use_it():
    from fastrl.tabular.train import _greedy_values

    block, agent = blocking_maze(at_step=0), AGENTS["dyna-q+"]
    kw = dict(runs=4, episodes=4, max_episode_steps=200, seed=9)
    changing, plain = train(block, agent, **kw), train(block.after, agent, **kw)
    np.testing.assert_array_equal(changing.q, plain.q)
    np.testing.assert_array_equal(changing.policy_value, plain.policy_value)
    never = train(blocking_maze(at_step=10**6), agent, **kw)  # valued on `after` all the same
    np.testing.assert_array_equal(never.policy_value, _greedy_values(block.after, never.policy,
                                                                     agent.gamma))  # fmt: skip


def test_sweeping_on_a_stochastic_map_matches_reference():
    # Not what it is for (deterministic models), but the same code on a slippery lake:
    # the model keeps the last outcome, the predecessor lists move pairs between states.
    mdp, agent = frozen_lake(), AGENTS["sweeping"]
    res = train(mdp, agent, runs=2, episodes=30, seed=3, record_runs=True)
    for i in range(2):
        q, ret, length, _, _ = train_one(mdp, agent, episodes=30, max_steps=100, seed=3, i=i)
        np.testing.assert_array_equal(res.lengths[i], length)
        np.testing.assert_allclose(res.q[i], q, rtol=0, atol=1e-12)


def _corridor(before_reward, after_reward, at_step):
    # "SFFWG": the goal sits behind a wall, so every episode runs to the step limit.
    before = gridworld(["SFFWG"], step_reward=before_reward)
    after = gridworld(["SFFWG"], step_reward=after_reward)
    return ChangingMDP(before, after, at_step)


@pytest.mark.parametrize(
    ("at_step", "expected"),
    [(17, [0, 3, 10, 10]), (0, [10, 10, 10, 10]), (10, [0, 10, 10, 10]), (40, [0, 0, 0, 0])],
)
def test_switch_happens_at_exactly_the_step(at_step, expected):
    # Reward 1 per step on the second map only: an episode's return counts its steps
    # taken at t >= at_step (steps counted across episodes of 10 steps).
    agent = DynaQ(planning_steps=0, epsilon=1.0)
    res = train(_corridor(0.0, 1.0, at_step), agent, runs=3, episodes=4, max_episode_steps=10,
                record_runs=True)  # fmt: skip
    np.testing.assert_array_equal(res.returns, np.tile(expected, (3, 1)))


@pytest.mark.parametrize(("at_step", "reachable"), [(10, True), (11, False)])
def test_reset_uses_the_map_in_force(at_step, reachable):
    # Before: the start is walled off from the goal; after: the start is next to it.
    # Episode 1 starts at step 10: from the new start if the switch is at step 10,
    # from the old (still walled off) one if it comes a step later; episode 2
    # starts on the new map either way.
    mdp = ChangingMDP(gridworld(["SWFG"]), gridworld(["FWSG"]), at_step)
    res = train(mdp, DynaQ(planning_steps=0, epsilon=1.0), runs=64, episodes=3,
                max_episode_steps=10, record_runs=True)  # fmt: skip
    assert np.all(res.returns[:, 0] == 0.0)
    assert np.all(res.lengths[:, 0] == 10)
    # random moves from the new start miss the goal for 10 steps with probability 0.056
    assert res.returns[:, 1].mean() > 0.8 if reachable else np.all(res.returns[:, 1] == 0.0)
    assert res.returns[:, 2].mean() > 0.8


def _shortest(mdp):
    start = int(np.flatnonzero(mdp.initial)[0])
    dist, todo = {start: 0}, deque([start])
    while todo:
        s = todo.popleft()
        for a in range(mdp.num_actions):
            if mdp.terminated[s, a, 0]:
                return dist[s] + 1
            s_next = int(mdp.next_state[s, a, 0])
            if s_next not in dist:
                dist[s_next] = dist[s] + 1
                todo.append(s_next)
    return None


def test_book_mazes():
    # Figures 8.4 and 8.5: 6 x 9, start (5, 3), goal (0, 8), the wall along row 3.
    block, short = blocking_maze(), shortcut_maze()
    assert (block.at_step, short.at_step) == (1000, 3000)
    assert block.before.desc[3] == "WWWWWWWWF" and block.after.desc[3] == "FWWWWWWWW"
    assert short.before.desc[3] == "FWWWWWWWW" and short.after.desc[3] == "FWWWWWWWF"
    for m in (block.before, block.after, short.before, short.after):
        assert m.desc[5][3] == "S" and m.desc[0][8] == "G" and len(m.desc) == 6
        assert (m.num_states, m.num_actions) == (54, 4)
    assert [_shortest(m) for m in (block.before, block.after)] == [10, 16]
    assert [_shortest(m) for m in (short.before, short.after)] == [16, 10]
    # An agent in the gap cell (3, 8) when it closes can step out, never back in.
    gap = 3 * 9 + 8
    assert block.after.next_state[gap, 3, 0] == gap - 9  # up, out of the new wall
    assert block.after.next_state[gap - 9, 1, 0] == gap - 9  # down from (2, 8): blocked
    assert block.map_at(999) is block.before and block.map_at(1000) is block.after


def test_cumulative_reward_matches_step_rewards():
    mdp, agent = blocking_maze(at_step=100), AGENTS["dyna-q"]
    res = train(mdp, agent, runs=3, episodes=30, max_episode_steps=300, seed=5,
                record_runs=True)  # fmt: skip
    steps = int(res.lengths.sum(axis=1).min())
    mean, se = cumulative_reward(res, steps)
    curves = []
    for i in range(3):
        rewards = train_one(mdp, agent, episodes=30, max_steps=300, seed=5, i=i)[4]
        curves.append(np.concatenate([[0.0], np.cumsum(rewards)])[: steps + 1])
    curves = np.array(curves)
    np.testing.assert_allclose(mean, curves.mean(axis=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(se, curves.std(axis=0, ddof=1) / math.sqrt(3), atol=1e-12)
    assert mean[0] == 0.0 and mean[-1] > 0.0
    with pytest.raises(ValueError, match="3 runs took fewer steps"):
        cumulative_reward(res, int(res.lengths.sum(axis=1).max()) + 1)
    with pytest.raises(ValueError, match="steps"):
        cumulative_reward(res, 0)
    with pytest.raises(TypeError, match="steps"):
        cumulative_reward(res, 2.5)
    plain = train(mdp, agent, runs=1, episodes=2, max_episode_steps=50)
    with pytest.raises(ValueError, match="record_runs=True"):
        cumulative_reward(plain, 10)
    single = train(mdp, agent, runs=1, episodes=2, max_episode_steps=50, record_runs=True)
    assert np.isnan(cumulative_reward(single, 20)[1]).all()


def test_sweeping_without_planning_learns_nothing():
    # The box of 8.4 changes Q only through the queue.
    agent = PrioritizedSweeping(planning_steps=0, initial_value=0.5)
    res = train(dyna_maze(), agent, runs=2, episodes=2, max_episode_steps=50)
    assert np.all(res.q == 0.5)


def test_priority_queue_against_a_dict():
    gen = np.random.default_rng(0)
    n = 40
    heap, pos = np.zeros(n, np.int64), np.full(n, -1, np.int64)
    priority, size = np.zeros(n), np.zeros(1, np.int64)
    model = {}
    for _ in range(2000):
        if model and gen.random() < 0.4:
            want = max(model, key=lambda x: (model[x], -x))
            del model[want]
            assert pq_pop(heap, pos, priority, size) == want
        else:
            x, p = int(gen.integers(n)), float(gen.integers(5))  # many ties
            pq_push(heap, pos, priority, size, x, p)
            model[x] = max(p, model.get(x, -math.inf))
        assert size[0] == len(model)
        assert sorted(heap[: size[0]].tolist()) == sorted(model)
        assert all(pos[x] >= 0 for x in model) and (pos >= 0).sum() == len(model)


def test_registry():
    assert LEARNERS["dyna-q+"] is DynaQPlus
    assert LEARNERS["prioritized-sweeping"] is PrioritizedSweeping
    assert DynaQPlus(kappa=1).kappa == 1.0 and isinstance(DynaQPlus().kappa, float)


@pytest.mark.parametrize(
    ("cls", "name", "value", "error"),
    [
        (DynaQPlus, "kappa", -1e-3, ValueError),
        (DynaQPlus, "kappa", math.nan, ValueError),
        (DynaQPlus, "kappa", math.inf, ValueError),
        (DynaQPlus, "kappa", "0.1", TypeError),
        (DynaQPlus, "planning_steps", -1, ValueError),
        (DynaQPlus, "planning_steps", 2.0, TypeError),
        (PrioritizedSweeping, "theta", -1.0, ValueError),
        (PrioritizedSweeping, "theta", math.nan, ValueError),
        (PrioritizedSweeping, "theta", None, TypeError),
        (PrioritizedSweeping, "planning_steps", -1, ValueError),
        (PrioritizedSweeping, "planning_steps", True, TypeError),
    ],
)
def test_bad_learner_arguments(cls, name, value, error):
    with pytest.raises(error, match=name):
        cls(**{name: value})


def test_bad_changing_maps():
    m, lake = dyna_maze(), frozen_lake()
    with pytest.raises(TypeError, match="before"):
        ChangingMDP("map", m, 5)
    with pytest.raises(TypeError, match="after"):
        ChangingMDP(m, None, 5)
    with pytest.raises(ValueError, match="same states and actions"):
        ChangingMDP(m, lake, 5)
    for bad, error in ((-1, ValueError), (1.5, TypeError), (True, TypeError), (None, TypeError)):
        with pytest.raises(error, match="at_step"):
            ChangingMDP(m, m, bad)
    with pytest.raises(TypeError, match="name"):
        ChangingMDP(m, m, 5, name=3)
    with pytest.raises(ValueError, match="max_episode_steps"):
        ChangingMDP(m, gridworld(m.desc, max_episode_steps=7), 5)
    assert ChangingMDP(m, gridworld(m.desc, max_episode_steps=7), 5, max_episode_steps=9)
    with pytest.raises(ValueError, match="at_step"):
        blocking_maze(at_step=-1)
    with pytest.raises(TypeError, match="at_step"):
        shortcut_maze(at_step="3000")
    with pytest.raises(ValueError, match="same"):
        changing_gridworld(["SFG"], ["SFFG"], at_step=3)
    with pytest.raises(ValueError, match="step"):
        blocking_maze().map_at(-1)
    with pytest.raises(TypeError, match="ChangingMDP"):
        train("maze", DynaQ(), runs=1, episodes=1)
