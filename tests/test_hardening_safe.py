"""Issue 16, the "safe" part: models stay valid, sizes are bounded, nothing hangs or lies.

Each test names the issue item it guards. Crashes of old are run in a subprocess,
hangs of old under a timeout; nothing here compiles a kernel signature the rest of
the suite does not already use (the size checks refuse before compiling).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from fastrl.bandits import (
    BernoulliBandit,
    EpsilonGreedy,
    ExponentialBandit,
    GaussianBandit,
    simulate,
)
from fastrl.cli import main
from fastrl.schedules import Schedule
from fastrl.tabular import (
    ExpectedSarsa,
    MDPStack,
    QLearning,
    TabularMDP,
    estimate_model,
    estimate_model_from_episodes,
    evaluate,
    frozen_lake,
    random_map,
    random_search,
    stack,
    train,
    value_iteration,
)
from fastrl.validation import MAX_SIZE, OutputTooLargeError, check_memory

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _python(code: str, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


# -- Models are immutable after validation --------------------------------------------------
def test_mdp_arrays_cannot_be_made_writable_subprocess():
    # Old: setflags(write=True) then an out-of-range successor segfaulted value_iteration.
    out = _python(
        """
        import numpy as np
        from fastrl.tabular import frozen_lake, stack, value_iteration, batched_arrays
        m = frozen_lake()
        st = stack([m, m])
        arrays = [m.next_state, m.prob, m.initial, st.next_state, *batched_arrays(m)]
        arrays += [a.base for a in arrays if isinstance(a.base, np.ndarray)]
        for arr in arrays:
            try:
                arr.setflags(write=True)
                arr.flat[0] = 10**9
            except ValueError:
                continue
            raise SystemExit(f"writable: {arr.dtype} {arr.shape}")
        print("values", value_iteration(m, 0.9).values[0])
        """,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr + out.stdout
    assert "values 0.068" in out.stdout


def test_mdp_copies_its_inputs():
    P = np.zeros((2, 1, 2))
    P[:, :, 1] = 1.0
    m = TabularMDP.from_dense(P, np.zeros((2, 1)))
    P[:, :, 1], P[:, :, 0] = 0.0, 1.0
    assert m.next_state.tolist() == [[[1]], [[1]]]


def test_mdp_stack_built_directly_validates():
    st = stack([frozen_lake(), frozen_lake()])
    fields = [st.next_state, st.prob, st.reward, st.terminated, st.initial]
    bad = st.next_state + 100
    with pytest.raises(ValueError, match="next_state must lie in"):
        MDPStack(bad, *fields[1:], st.names, st.descs, 100)
    with pytest.raises(ValueError, match="prob must sum to 1"):
        MDPStack(st.next_state, st.prob * 2, *fields[2:], st.names, st.descs, 100)
    with pytest.raises(ValueError, match="names must be a sequence of 2"):
        MDPStack(*fields, ("a",), st.descs, 100)
    with pytest.raises(ValueError, match="max_episode_steps"):
        MDPStack(*fields, st.names, st.descs, 0)
    ok = MDPStack(*fields, st.names, st.descs, 100)
    assert len(ok) == 2 and not ok.next_state.flags.writeable


@pytest.mark.parametrize("cls", [BernoulliBandit, GaussianBandit])
def test_bandit_problems_copy_their_inputs(cls):
    base = np.array([[0.1, 0.5, 0.9]])
    problem = cls(base[0])
    base[0, 0] = 0.99
    assert base.flags.writeable  # the caller's array is left alone
    values = problem.probs if cls is BernoulliBandit else problem.means
    assert values.tolist() == [0.1, 0.5, 0.9]
    with pytest.raises(ValueError):
        values.setflags(write=True)


# -- Sizes are bounded -----------------------------------------------------------------------
P3 = BernoulliBandit([0.1, 0.5, 0.9])


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: simulate(P3, EpsilonGreedy(), runs=2**63, steps=10), "runs"),
        (lambda: simulate(P3, EpsilonGreedy(), runs=10, steps=10**11), "steps"),
        (lambda: train(frozen_lake(), QLearning(), runs=2, episodes=2**63), "episodes"),
        (lambda: train(frozen_lake(), QLearning(), runs=2**63, episodes=2), "runs"),
        (lambda: evaluate(frozen_lake(), np.zeros(16, int), episodes=2**63), "episodes"),
        (
            lambda: evaluate(frozen_lake(), np.zeros(16, int), episodes=2, max_episode_steps=2**63),
            "max_episode_steps",
        ),
        (lambda: random_search(frozen_lake(), 2**63), "num_policies"),
        (lambda: BernoulliBandit.random(2**40), "num_arms"),
    ],
)
def test_size_arguments_have_an_upper_bound(call, name):
    with pytest.raises(ValueError, match=rf"{name} must be <= {MAX_SIZE}|num_arms must be <= "):
        call()


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: simulate(P3, EpsilonGreedy(), runs=10**6, steps=10**6, record_runs=True), "runs"),
        (
            lambda: simulate(BernoulliBandit.random(2 * 10**9), EpsilonGreedy(), runs=1, steps=1),
            "num_arms",
        ),
        (lambda: train(frozen_lake(), QLearning(), runs=2**31, episodes=2), "runs"),
        (lambda: random_search(frozen_lake(), 2**31), "num_policies"),
        (lambda: estimate_model([0], [0], [0], [0.0], num_states=10**6), "num_states"),
    ],
)
def test_outputs_that_cannot_fit_raise_memory_error_before_allocating(call, name):
    with pytest.raises(MemoryError, match=rf"{name} is too large: .* bytes"):
        call()


def test_check_memory_names_the_costliest_argument():
    with pytest.raises(OutputTooLargeError, match="steps is too large: the outputs need at least"):
        check_memory({"runs": 1, "steps": 2**50})
    check_memory({"runs": 1, "steps": 1})
    assert issubclass(OutputTooLargeError, MemoryError) and issubclass(
        OutputTooLargeError, ValueError
    )


# -- No unbounded searches -------------------------------------------------------------------
def test_random_map_below_percolation_gives_up_subprocess():
    # Old: random_map(size=100, p=0.5) looped for ever.
    out = _python(
        """
        from fastrl.tabular import random_map
        try:
            random_map(size=100, p=0.5)
        except ValueError as exc:
            print("error:", exc)
        """,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "size=100" in out.stdout and "p=0.5" in out.stdout


def test_random_map_still_matches_gymnasium_when_solvable():
    assert random_map(4, 0.8, seed=3) == random_map(4, 0.8, seed=3)
    assert len(random_map(8, 0.8, seed=1)) == 8


# -- No silent non-finite numbers ------------------------------------------------------------
@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: GaussianBandit([0, 1], reward_std=1e308), "reward_std"),
        (lambda: GaussianBandit([0, 1], drift_std=1e308), "drift_std"),
        (lambda: GaussianBandit.testbed(mean_std=1e308), "mean_std"),
        (lambda: GaussianBandit.testbed(mean_offset=-1e308), "mean_offset"),
        (lambda: GaussianBandit([-1e308, 1e308]), "means"),
        (lambda: ExponentialBandit([1e308]), "means"),
    ],
)
def test_overflowing_bandit_magnitudes_are_rejected_with_the_bound(call, name):
    with pytest.raises(ValueError, match=rf"{name} must .*1e\+100"):
        call()


# -- Silent wrong answers from accepted inputs -----------------------------------------------
def test_tabular_epsilon_schedule_floor_above_one_is_refused():
    with pytest.raises(ValueError, match="floor must be <= 1 for epsilon"):
        ExpectedSarsa(epsilon=0.5, schedule=Schedule("constant", floor=2.0))
    # a softmax temperature may exceed 1
    QLearning(exploration="softmax", schedule=Schedule("constant", floor=2.0))


@pytest.mark.parametrize("flag", ["False", float("nan"), 2, "yes", None])
def test_logged_terminated_must_be_a_bool(flag):
    episodes = [[{"state": 0, "action": 0, "state_": 1, "terminated": False}]]
    episodes.append([{"state": 1, "action": 0, "state_": 0, "terminated": flag}])
    with pytest.raises(ValueError, match="episode 1 step 0: key 'terminated' must be a bool"):
        estimate_model_from_episodes(episodes)


def test_logged_flags_accept_bools_and_zero_one():
    episodes = [[{"state": "a", "action": 0, "state_": "b", "terminated": 0, "reward": "1.5"}]]
    episodes.append([{"state": "b", "action": 0, "state_": "a", "terminated": np.True_}])
    model, enc = estimate_model_from_episodes(episodes)
    assert enc.num_states == 2


def _toy_env(entry):
    class Space:
        n = 2

    class Env:
        observation_space = action_space = Space()
        P = {0: {0: [entry], 1: [(1.0, 0, 0.0, False)]}, 1: {0: [(1.0, 1, 0.0, True)]}}

    return Env()


def test_from_gymnasium_refuses_fractional_successors_and_names_missing_entries():
    with pytest.raises(ValueError, match=r"P\[0\]\[0\]\[0\]: next_state must be an integer"):
        TabularMDP.from_gymnasium(_toy_env((1.0, 1.9, 0.0, False)))
    with pytest.raises(ValueError, match=r"env.unwrapped.P\[1\]\[1\] is missing"):
        TabularMDP.from_gymnasium(_toy_env((1.0, 1, 0.0, False)))


def test_value_iteration_overflow_is_not_convergence():
    m = TabularMDP.from_dense(np.ones((1, 1, 1)), np.array([[1e306]]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = value_iteration(m, 0.999)
    assert not res.converged
    assert any("overflowed" in str(w.message) for w in caught)


def test_from_dense_accepts_float32_probabilities():
    rng = np.random.default_rng(0)
    P = rng.random((5, 2, 5)).astype(np.float32)
    P /= P.sum(axis=-1, keepdims=True)
    assert np.abs(P.astype(np.float64).sum(-1) - 1).max() > 1e-9  # the old tolerance fails
    m = TabularMDP.from_dense(P, np.zeros((5, 2)))
    assert np.allclose(m.to_dense()[0], P, atol=1e-6)
    with pytest.raises(ValueError, match="P must sum to 1"):
        TabularMDP.from_dense(P.astype(np.float64) * 1.01, np.zeros((5, 2)))


# -- Every error names its argument ----------------------------------------------------------
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: Schedule(["constant"]), "schedule kind"),
        (lambda: frozen_lake(map_name=["4x4"]), "map_name"),
        (lambda: frozen_lake(desc=[b"\xff\xfe"]), "desc rows"),
        (lambda: frozen_lake(desc=np.array([[b"\xff"]])), "desc rows"),
        (lambda: frozen_lake(desc=np.array("SG")), "desc must be"),
        (lambda: stack(None), "mdps must be"),
        (lambda: random_search(stack([frozen_lake()] * 2), 3), "num_policies"),
        (lambda: estimate_model_from_episodes(None), "episodes must be"),
        (lambda: estimate_model_from_episodes([[["s", "a", "s2"]]]), "episode 0 step 0"),
        (
            lambda: estimate_model_from_episodes(
                [[{"state": 0, "action": 0, "state_": 0, "reward": "x"}]]
            ),  # fmt: skip
            "episode 0 step 0: key 'reward'",
        ),
        (
            lambda: estimate_model_from_episodes([{"steps": [], "reward": object()}]),
            "episode 0: key 'reward'",
        ),
    ],
)
def test_errors_name_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_plot_band_is_checked():
    from fastrl.bandits.compare import Comparison

    cmp = Comparison.__new__(Comparison)
    object.__setattr__(cmp, "results", {})
    with pytest.raises(TypeError, match="band must be a real number"):
        cmp.plot(band="x")


# -- The CLI never shows a traceback ---------------------------------------------------------
@pytest.mark.parametrize(
    "argv, match",
    [
        (["bandit", "--plot", "/nonexistent/dir/x.png"], "--plot"),
        (["bandit", "--csv", "/nonexistent/dir/x.csv"], "--csv"),
        (["bandit", "--csv", "."], "is a directory"),
        (["bandit", "--plot", "x.unknownext"], "unknown image type"),
        (["bandit", "--steps", "100000000000"], "steps must be <="),
        (["bandit", "--runs", "99999999999999999999999"], "runs must be <="),
        (["bandit", "--arms", "2000000000", "--runs", "1", "--steps", "1"], "num_arms is too"),
        (["bandit", "--problem", "testbed", "--probs", "0.5,0.5"], "--probs is for"),
        (["bandit", "--problem", "bernoulli", "--means", "0,1"], "--means does not apply"),
        (["bandit", "--problem", "bernoulli", "--reward-std", "5"], "--reward-std is for"),
        (["bandit", "--problem", "bernoulli", "--probs", "0.5,,0.5"], "no empty entries"),
        (["bandit", "--problem", "bernoulli", "--probs", "0.5,x"], "--probs: expected"),
        (["bandit", "--change-points", "5,,9"], "--change-points: expected"),
        (["bandit", "--agent", "ucb c=1 c=2"], "'c' is given twice"),
        (["bandit", "--agent", "ucb", "--agent", "ucb"], "given twice"),
        (["bench", "--scale", "nan"], "--scale must be"),
        (["bench", "--scale", "inf"], "--scale must be"),
        (["bench", "--group", "bogus"], "--group must be one of"),
        (["bench", "--update-readme", "/nonexistent/README.md"], "--update-readme"),
    ],
)
def test_cli_refuses_bad_requests_with_one_line(argv, match, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# -- Solvers on large state spaces (dense exact evaluation) ----------------------------------
def _chain(S: int) -> TabularMDP:
    nxt = np.minimum(np.arange(S) + 1, S - 1).reshape(S, 1, 1)
    ones = np.ones((S, 1, 1))
    initial = np.zeros(S)
    initial[0] = 1.0
    return TabularMDP(nxt, ones, ones * 0.0, nxt == S - 1, initial, max_episode_steps=5)


def test_large_state_spaces_evaluate_sparsely_and_match_the_dense_solve(monkeypatch):
    from fastrl.tabular import _sparse_eval, policy_evaluation, policy_iteration

    m = frozen_lake("8x8")
    pol = np.random.default_rng(0).integers(0, 4, m.num_states)
    dense_pe, dense_pi = policy_evaluation(m, pol, 0.95), policy_iteration(m, 0.95)
    monkeypatch.setattr(_sparse_eval, "DENSE_MAX_STATES", 0)
    sparse_pe, sparse_pi = policy_evaluation(m, pol, 0.95), policy_iteration(m, 0.95)
    assert np.abs(sparse_pe.values - dense_pe.values).max() < 1e-9
    assert np.array_equal(sparse_pe.policy, dense_pe.policy)
    assert np.abs(sparse_pi.values - dense_pi.values).max() < 1e-9
    assert np.array_equal(sparse_pi.policy, dense_pi.policy) and sparse_pi.converged


def test_large_exact_evaluation_is_sparse_or_names_the_state_count():
    # Old: a 90,000-state evaluation died with numba's SystemError (a dense S x S solve).
    from fastrl.tabular import policy_evaluation, policy_iteration

    m = _chain(5000)  # above DENSE_MAX_STATES: sparse
    res = policy_evaluation(m, np.zeros(m.num_states, dtype=np.int64), 0.9)
    assert res.values[-2] == 0.0 and np.isfinite(res.values).all()
    res = train(m, QLearning(), runs=1, episodes=1)
    assert np.isfinite(res.policy_value).all()
    m = _chain(200_000)
    with pytest.raises(MemoryError, match="mdp.num_states is too large"):
        policy_evaluation(m, np.zeros(m.num_states, dtype=np.int64), 1.0)  # gamma 1: dense
    with pytest.raises(MemoryError, match="mdp.num_states is too large"):
        policy_iteration(m, 1.0)
