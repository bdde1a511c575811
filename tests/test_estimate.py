import numpy as np
import pytest

from fastrl.tabular import (
    Encoder,
    EstimatedModel,
    TabularMDP,
    estimate_model,
    estimate_model_from_episodes,
    frozen_lake,
    value_iteration,
)

LEVELS = ["bottom", "low", "mid", "high", "top"]


def _sample_transitions(mdp, n, seed):
    """n transitions from uniformly random (s, a), numpy-sampled (test data only)."""
    gen = np.random.default_rng(seed)
    P, R, T = mdp.to_dense(with_terminated=True)
    s = gen.integers(0, mdp.num_states, n)
    a = gen.integers(0, mdp.num_actions, n)
    cum = P[s, a].cumsum(-1)
    s2 = np.minimum((gen.random(n)[:, None] > cum).sum(-1), mdp.num_states - 1)
    return s, a, s2, R[s, a, s2], T[s, a, s2] > 0


def test_recovers_a_known_mdp():
    mdp = frozen_lake("4x4")
    n = 400_000
    s, a, s2, r, t = _sample_transitions(mdp, n, 0)
    est = estimate_model(s, a, s2, r, t, num_states=16, num_actions=4)
    assert isinstance(est, EstimatedModel) and isinstance(est, TabularMDP)
    assert est.counts.shape == (16, 4, 16) and est.counts.sum() == n
    np.testing.assert_array_equal(est.visits, est.counts.sum(-1))
    P, R, T = mdp.to_dense(with_terminated=True)
    P2, R2, T2 = est.to_dense(with_terminated=True)
    # each row's estimate has binomial standard error <= sqrt(0.25 / visits); allow 5 of them
    tol = 5 * np.sqrt(0.25 / est.visits.min())
    assert np.abs(P2 - P).max() < tol
    np.testing.assert_array_equal(R2, R)  # rewards are deterministic per transition
    np.testing.assert_array_equal(T2 > 0, T > 0)
    v_true = value_iteration(mdp, 0.9).values
    v_est = value_iteration(est, 0.9).values
    assert np.abs(v_true - v_est).max() < 0.02


def test_unvisited_rules_and_reward_models():
    s, a, s2, r = [0, 0, 1], [0, 0, 1], [1, 2, 2], [1.0, 3.0, 5.0]
    loop = estimate_model(s, a, s2, r, num_states=3, num_actions=2)
    P, R = loop.to_dense()
    np.testing.assert_array_equal(P[0, 0], [0.0, 0.5, 0.5])
    assert R[0, 0, 1] == 1.0 and R[0, 0, 2] == 3.0
    assert P[0, 1, 0] == 1.0 and P[2, 0, 2] == 1.0 and R[0, 1, 0] == 0.0
    np.testing.assert_array_equal(loop.initial, np.full(3, 1 / 3))
    uni = estimate_model(s, a, s2, r, unvisited="uniform", initial=[1.0, 0.0, 0.0])
    np.testing.assert_allclose(uni.to_dense()[0][2, 1], np.full(3, 1 / 3))
    assert uni.initial[0] == 1.0
    with pytest.raises(ValueError, match="never tried"):
        estimate_model(s, a, s2, r, unvisited="error")
    state = estimate_model(s, a, s2, r, reward_model="state")
    _, R = state.to_dense()
    assert R[0, 0, 2] == 4.0 and R[1, 1, 2] == 4.0 and R[0, 0, 1] == 1.0
    term = estimate_model(s, a, s2, r, [False, True, False])
    assert term.to_dense(with_terminated=True)[2][0, 0, 2] == 0.5


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        estimate_model([0, 1], [0], [1, 0], [0.0, 0.0])
    with pytest.raises(ValueError):
        estimate_model([0, -1], [0, 0], [1, 0], [0.0, 0.0])
    with pytest.raises(ValueError):
        estimate_model([0, 1], [0, 0], [1, 0], [0.0, np.nan])
    with pytest.raises(ValueError):
        estimate_model([0, 5], [0, 0], [1, 0], [0.0, 0.0], num_states=3)
    with pytest.raises(ValueError):
        estimate_model([0], [0], [0], [0.0], unvisited="skip")
    with pytest.raises(ValueError):
        estimate_model([0], [0], [0], [0.0], reward_model="episode")
    with pytest.raises(ValueError):
        estimate_model([], [], [], [])
    with pytest.raises(ValueError):
        estimate_model_from_episodes([[{"state": 0, "action": 1}]])


def test_encoder_round_trip():
    enc = Encoder.fit(states=LEVELS, actions=["climb", "sink", "climb"])
    assert enc.num_states == 5 and enc.actions == ("climb", "sink")
    for i, label in enumerate(LEVELS):
        assert enc.encode_state(label) == i and enc.decode_state(i) == label
    assert enc.decode_action(enc.encode_action("sink")) == "sink"
    assert enc.add_state(("x", 1)) == 5 and enc.decode_state(5) == ("x", 1)
    assert enc.decode_policy([0, 1, 0, 1, 0, 1]) == dict(
        zip(LEVELS + [("x", 1)], ["climb", "sink"] * 3, strict=True)
    )
    with pytest.raises(KeyError):
        enc.encode_state("nowhere")
    with pytest.raises(ValueError):
        enc.decode_state(9)
    with pytest.raises(TypeError):
        enc.add_state(["unhashable"])


def _climb_sink_episodes(num_episodes, seed):
    """Logged episodes of a random walker: climb goes up w.p. 0.8, sink goes down w.p. 0.8."""
    gen = np.random.default_rng(seed)
    episodes = []
    for _ in range(num_episodes):
        i, steps = 0, []
        for _ in range(12):
            action = "climb" if gen.random() < 0.5 else "sink"
            up = (gen.random() < 0.8) == (action == "climb")
            j = min(i + 1, 4) if up else max(i - 1, 0)
            steps.append({"state": LEVELS[i], "action": action, "state_": LEVELS[j]})
            i = j
        # the tutorial's episode reward: how high the walker ended
        episodes.append({"steps": steps, "reward": float(i == 4)})
    return episodes


def test_climb_sink_world_from_logged_episodes():
    episodes = _climb_sink_episodes(400, 0)
    # reward modelled per state reached: each step into `top` is worth 1
    for ep in episodes:
        for step in ep["steps"]:
            step["reward"] = 1.0 if step["state_"] == "top" else 0.0
        ep["reward"] = 0.0
    model, enc = estimate_model_from_episodes(episodes, last_terminates=False, reward_model="state")
    assert set(enc.states) == set(LEVELS) and set(enc.actions) == {"climb", "sink"}
    assert model.initial[enc.encode_state("bottom")] == 1.0 and not model.terminated.any()
    plan = enc.decode_policy(value_iteration(model, 0.9).policy)
    assert plan == {label: "climb" for label in LEVELS}
    values = enc.decode_values(value_iteration(model, 0.9).values)
    assert values["top"] > values["high"] > values["mid"] > values["low"] > values["bottom"]


def test_episode_reward_goes_to_last_step():
    episodes = _climb_sink_episodes(50, 1)
    model, enc = estimate_model_from_episodes(episodes)
    total = sum(ep["reward"] for ep in episodes)
    assert total > 0
    assert model.terminated.any()
    assert (model.counts.sum(), enc.num_states) == (50 * 12, 5)


def test_state_rewards_are_not_paid_by_made_up_self_loops():
    # A terminal state that is never left must not pay its arrival reward forever.
    from fastrl.tabular import estimate_model, value_iteration

    m = estimate_model([0], [0], [1], [5.0], [True], reward_model="state")
    assert m.to_dense()[1][1, 0, 1] == 0.0
    res = value_iteration(m, 1.0, max_iter=1000)
    assert res.converged and res.values.tolist() == [5.0, 0.0]


def test_unvisited_reward_is_applied_to_never_tried_pairs():
    from fastrl.tabular import estimate_model

    m = estimate_model([0], [0], [1], [5.0], [True], num_actions=2, unvisited_reward=-1.0)
    _, R = m.to_dense()
    assert R[0, 0, 1] == 5.0 and R[0, 1, 0] == -1.0 and R[1, 0, 1] == -1.0
    with pytest.raises(ValueError, match="unvisited_reward"):
        estimate_model([0], [0], [1], [5.0], unvisited_reward=float("nan"))
