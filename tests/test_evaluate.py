import numpy as np
import pytest
from reference_tabular import naive_evaluate

from fastrl._jit import get_num_threads, set_num_threads
from fastrl.tabular import (
    evaluate,
    frozen_lake,
    policy_evaluation,
    random_map,
    random_policies,
    random_search,
    stack,
    value_iteration,
    windy_gridworld,
)

M4 = frozen_lake("4x4")


def _check_against_naive(res, mdp, policies, j, episodes, seed, limit, mdp_index=0):
    g, ok, n = naive_evaluate(
        mdp,
        policies[j],
        j,
        episodes=episodes,
        seed=seed,
        max_episode_steps=limit,
        mdp_index=mdp_index,
    )
    assert res.success_rate[j] == np.mean(ok)
    assert res.mean_length[j] == np.mean(n)
    np.testing.assert_allclose(res.mean_return[j], np.mean(g), rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        res.sem[j], np.std(g, ddof=1) / np.sqrt(episodes), rtol=0, atol=1e-12
    )


def test_deterministic_policies_match_naive_loop():
    pols = random_policies(16, 4, 5, seed=3)
    res = evaluate(M4, pols, episodes=30, seed=11)
    assert res.mean_return.shape == (5,) and res.max_episode_steps == 100
    for j in range(5):
        _check_against_naive(res, M4, pols, j, 30, 11, 100)


def test_stochastic_policies_and_truncation_match_naive_loop():
    gen = np.random.default_rng(0)
    pols = gen.dirichlet(np.ones(4), size=(4, 16))
    res = evaluate(M4, pols, episodes=20, seed=5, max_episode_steps=6)
    assert res.mean_length.max() <= 6
    for j in range(4):
        _check_against_naive(res, M4, pols, j, 20, 5, 6)


def test_stack_uses_map_j_for_policy_j():
    mdps = [frozen_lake(desc=random_map(4, 0.8, s)) for s in range(3)]
    s = stack(mdps)
    pols = random_policies(16, 4, 3, seed=0)
    res = evaluate(s, pols, episodes=15, seed=2)
    for j in range(3):
        _check_against_naive(res, s, pols, j, 15, 2, 100, mdp_index=j)


def test_threads_and_batch_prefixes():
    pols = random_policies(16, 4, 300, seed=1)
    n = get_num_threads()
    try:
        set_num_threads(1)
        a = evaluate(M4, pols, episodes=20, seed=4)
    finally:
        set_num_threads(n)
    b = evaluate(M4, pols, episodes=20, seed=4)
    c = evaluate(M4, pols[:7], episodes=20, seed=4)
    for f in ("mean_return", "sem", "success_rate", "mean_length"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
        np.testing.assert_array_equal(getattr(c, f), getattr(b, f)[:7])
    d = evaluate(M4, pols, episodes=20, seed=5)
    assert not np.array_equal(d.mean_return, b.mean_return)


def test_optimal_success_rate_matches_exact_value():
    pol = value_iteration(M4, 0.99).policy
    # gamma = 1 value of the start = probability of reaching the goal (no truncation)
    exact = policy_evaluation(M4, pol, 1.0).values[0]
    episodes = 20_000
    res = evaluate(M4, pol, episodes=episodes, seed=0, max_episode_steps=100_000)
    se = np.sqrt(exact * (1 - exact) / episodes)
    assert abs(res.success_rate[0] - exact) < 5 * se
    assert res.mean_return[0] == pytest.approx(res.success_rate[0], abs=1e-12)


def test_random_search():
    res = random_search(M4, 500, episodes=50, seed=0)
    assert res.policies.shape == (500, 16) and res.scores.shape == (500,)
    assert res.best_score == res.scores.max() == res.scores[res.best_index]
    np.testing.assert_array_equal(res.best_policy, res.policies[res.best_index])
    np.testing.assert_array_equal(res.policies, random_policies(16, 4, 500, seed=0))
    np.testing.assert_array_equal(res.policies[:20], random_policies(16, 4, 20, seed=0))
    assert res.policies.min() == 0 and res.policies.max() == 3
    df = res.to_frame()
    assert len(df) == 500 and df["best"].sum() == 1


def test_bad_arguments_raise():
    pols = random_policies(16, 4, 2)
    with pytest.raises(ValueError):
        evaluate(M4, pols, episodes=0)
    with pytest.raises(TypeError):
        evaluate(M4, pols, episodes=10, seed=-1.5)
    with pytest.raises(ValueError):
        evaluate(M4, pols, episodes=10, seed=-1)
    with pytest.raises(ValueError, match="max_episode_steps"):
        evaluate(windy_gridworld(), np.zeros(70, dtype=np.int64), episodes=1)
    with pytest.raises(ValueError):
        evaluate(M4, pols + 4, episodes=10)
    with pytest.raises(ValueError):
        evaluate(stack([M4] * 3), pols, episodes=10)
    with pytest.raises(TypeError):
        random_search(None, 10)
    with pytest.raises(ValueError):
        random_search(M4, 0)
