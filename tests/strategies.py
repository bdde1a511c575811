"""Hypothesis strategies for bandit and tabular configurations, valid and invalid (T3)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from fastrl.bandits import (
    EXP3,
    EXP3IX,
    KLUCB,
    MOSS,
    UCB,
    UCBV,
    BayesUCB,
    BernoulliBandit,
    DiscountedThompsonSampling,
    DiscountedUCB,
    EpsilonGreedy,
    ExploreThenCommit,
    GaussianBandit,
    GradientBandit,
    KLUCBPlus,
    MOSSAnytime,
    SlidingWindowUCB,
    Softmax,
    ThompsonSampling,
    UCB1Tuned,
)
from fastrl.bandits.agents import AGENTS
from fastrl.schedules import Schedule
from fastrl.tabular.learners import LEARNERS

MAX_ARMS = 6


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in [low, high], boundaries included."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def positive(high: float) -> st.SearchStrategy[float]:
    """Floats in [1e-3, high] (small enough values that 1 / x**2 stays finite)."""
    return reals(1e-3, high)


step_sizes = st.none() | st.floats(1e-3, 1.0, allow_nan=False) | st.just(1.0)

schedules = st.one_of(
    st.none(),
    st.sampled_from(["constant", "1/t"]),
    st.builds(Schedule, st.just("exponential"), decay=reals(1e-3, 1.0), floor=reals(0.0, 0.5)),
    st.builds(
        Schedule,
        st.just("linear"),
        floor=reals(0.0, 1.0),
        duration=st.integers(1, 50),
    ),
)

# Field strategies of every agent in the registry (fastrl.bandits.agents.AGENTS);
# a registered agent without an entry here fails at import, not silently untested.
AGENT_FIELDS = {
    EpsilonGreedy: dict(
        epsilon=reals(0.0, 1.0),
        alpha=step_sizes,
        initial_value=reals(-10.0, 10.0),
        schedule=schedules,
    ),
    Softmax: dict(
        beta=positive(1e3),
        alpha=step_sizes,
        initial_value=reals(-10.0, 10.0),
        schedule=schedules,
    ),
    UCB: dict(c=reals(0.0, 10.0), alpha=step_sizes),
    GradientBandit: dict(alpha=positive(10.0), baseline=st.booleans()),
    ThompsonSampling: dict(prior_mean=reals(-10.0, 10.0), prior_std=positive(100.0)),
    SlidingWindowUCB: dict(window=st.integers(1, 20), xi=positive(10.0), bound=positive(10.0)),
    # issue 12, index policies (tests/test_bandits_idx.py)
    MOSS: dict(horizon=st.none() | st.integers(1, 10**6)),
    MOSSAnytime: dict(alpha=reals(0.0, 10.0)),
    UCBV: dict(zeta=positive(10.0), c=reals(0.0, 10.0), b=positive(10.0)),
    UCB1Tuned: dict(),
    ExploreThenCommit: dict(m=st.integers(1, 20)),
    DiscountedUCB: dict(gamma=reals(1e-3, 1.0), xi=positive(10.0), b=positive(10.0)),
    # lazy=False draws a second driver per problem kind: its choices equal lazy's
    # (tests/test_bandits_kl.py), so the suite compiles the default only.
    KLUCB: dict(c=reals(0.0, 5.0)),
    KLUCBPlus: dict(c=reals(0.0, 5.0)),
    BayesUCB: dict(
        c=reals(0.0, 5.0),
        horizon=st.none() | st.integers(1, 10**6),
        prior_mean=reals(-10.0, 10.0),
        prior_std=positive(100.0),
    ),
    # issue 12, Thompson and exponential weights (tests/test_bandits_ts.py)
    DiscountedThompsonSampling: dict(
        gamma=reals(1e-3, 1.0), alpha0=positive(10.0), beta0=positive(10.0)
    ),
    EXP3: dict(gamma=st.none() | reals(1e-3, 1.0), horizon=st.none() | st.integers(1, 10**6)),
    EXP3IX: dict(
        eta=st.none() | positive(10.0),
        gamma=st.none() | reals(0.0, 1.0),
        horizon=st.none() | st.integers(1, 10**6),
    ),
}
_missing = [name for name, cls in AGENTS.items() if cls not in AGENT_FIELDS]
assert not _missing, f"no hypothesis strategy for the registered agents {_missing}"

agents = st.one_of([st.builds(cls, **AGENT_FIELDS[cls]) for cls in AGENTS.values()])


@st.composite
def problems(draw, runs: int):
    """A problem for ``runs`` runs: given values (shared or one row per run) or drawn ones."""
    k = draw(st.integers(1, MAX_ARMS))
    drift = draw(st.just(0.0) | reals(0.0, 0.5))
    kind = draw(st.sampled_from(["bernoulli", "bernoulli-random", "gaussian", "testbed"]))
    rows = draw(st.sampled_from([0, 1, runs]))  # 0: 1-D values
    shape = (k,) if rows == 0 else (rows, k)
    if kind == "bernoulli":
        probs = draw(
            st.lists(reals(0.0, 1.0), min_size=math.prod(shape), max_size=math.prod(shape))
        )
        return BernoulliBandit(np.reshape(probs, shape), drift_std=drift)
    if kind == "bernoulli-random":
        return BernoulliBandit.random(k, drift_std=drift)
    if kind == "gaussian":
        means = draw(
            st.lists(reals(-100.0, 100.0), min_size=math.prod(shape), max_size=math.prod(shape))
        )
        return GaussianBandit(
            np.reshape(means, shape), reward_std=draw(positive(10.0)), drift_std=drift
        )
    return GaussianBandit.testbed(
        num_arms=k,
        mean_offset=draw(reals(-10.0, 10.0)),
        mean_std=draw(reals(0.0, 5.0)),
        reward_std=draw(positive(10.0)),
        drift_std=drift,
    )


@st.composite
def configs(draw):
    """``(problem, agent, runs, steps, seed)`` of a small valid simulation."""
    runs = draw(st.integers(1, 5))
    steps = draw(st.integers(1, 8))
    seed = draw(st.integers(0, 2**64))
    problem, agent = draw(problems(runs)), draw(agents)
    try:
        agent.check_problem(problem)
    except ValueError:  # e.g. EXP3 on Gaussian arms: play Bernoulli arms instead
        problem = BernoulliBandit.random(problem.num_arms)
    return problem, agent, runs, steps, seed


# --- invalid values ------------------------------------------------------------------------

nan_or_inf = st.sampled_from([math.nan, math.inf, -math.inf])
not_a_number = st.one_of(
    st.text(max_size=3),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.just(True),
    st.just(False),
)


def outside(low: float, high: float, *, low_open: bool = False) -> st.SearchStrategy[float]:
    """Floats (incl. NaN and inf) not in [low, high] (or (low, high] with ``low_open``)."""
    below = st.floats(max_value=low, allow_nan=False).filter(
        lambda x: x < low or (low_open and x == low)
    )
    above = st.floats(min_value=high, allow_nan=False).filter(lambda x: x > high)
    return st.one_of(below, above, nan_or_inf)


non_integers = st.one_of(
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=3),
    st.none(),
    st.just(np.float64(3.0)),
)
negative_integers = st.integers(max_value=0)


#: every built-in tabular learner (the registry), with valid options of all kinds
tabular_agents = st.sampled_from(sorted(LEARNERS)).flatmap(
    lambda name: st.builds(
        LEARNERS[name],
        alpha=reals(1e-3, 1.0),
        gamma=reals(0.0, 1.0),
        epsilon=reals(0.0, 1.0),
        exploration=st.sampled_from(["epsilon_greedy", "softmax"]),
        beta=positive(1e3),
        schedule=schedules,
        bonus=reals(0.0, 2.0),
        initial_value=reals(-10.0, 10.0),
    )
)
