"""The public API as a table for the argument fuzz (tests/test_fuzz_api.py, issue 16).

Covered: every callable in ``__all__`` of fastrl, fastrl.bandits (each agent of
``AGENTS``; ``BernoulliBandit.random``, ``GaussianBandit.testbed``), fastrl.tabular (each
learner of ``LEARNERS``; ``TabularMDP.from_dense``/``from_gymnasium``), fastrl.control,
fastrl.sweep and fastrl.gym, except: the abstract bases (``Agent``, ``BanditProblem``,
``TabularAgent``: the learners stand for it), the result containers (``BanditResult``,
``Comparison``, ``TrainResult``, ``PlanningResult``, ...: built by the library, not by
users), the exception ``SweepError``, and what takes no argument (``Encoder()``,
``register_envs()``, ``UCB1Tuned()``).

Each :class:`Target` is one public constructor or function with, for every argument, a
valid value and its *domain*: a predicate saying whether a value must be accepted
(``True``), must be refused with a ``ValueError``/``TypeError`` naming the argument
(``False``), or may go either way (``None``: a value whose validity depends on the other
arguments in a way the table does not model; only "no crash, finite result" is checked).

Sizes are tiny (2 runs, 3 steps, a 4x4 map, one agent kind per family), so that the few
calls that reach a kernel compile the same handful of drivers the rest of the suite does.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import fastrl.bandits as fb
import fastrl.control as fc
import fastrl.tabular as ft
from fastrl.bandits.agents import AGENTS
from fastrl.control import acrobot, cartpole, continuous_mountain_car, mountain_car, pendulum
from fastrl.schedules import Schedule
from fastrl.sweep import sweep
from fastrl.tabular.learners import LEARNERS
from fastrl.validation import MAX_MAGNITUDE, MAX_SIZE

# --- domains -------------------------------------------------------------------------------

Domain = Callable[[object], "bool | None"]


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)


def _is_real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)


def ints(low: int | None = None, high: int | None = None) -> Domain:
    """Integers (Python or numpy, not bool) in ``[low, high]``."""

    def accepts(v):
        return _is_int(v) and (low is None or v >= low) and (high is None or v <= high)

    return accepts


def sizes(low: int = 1, high: int = MAX_SIZE) -> Domain:
    """A size argument: must accept small ints >= low, refuse ints above ``high``.

    Large but legal sizes (up to ``MAX_SIZE``) may be refused for memory, so they are
    ``None``; the bad-value pool holds none of them anyway (they would run for ever).
    """

    def accepts(v):
        if not _is_int(v) or v < low or v > high:
            return False
        return True if v <= 64 else None

    return accepts


def reals(low=None, high=None, *, low_open=False, high_open=False, finite=True) -> Domain:
    """Real numbers (not bool) in the given interval, finite unless ``finite=False``."""

    def accepts(v):
        if not _is_real(v):
            return False
        x = float(v)
        if math.isnan(x) or (finite and math.isinf(x)):
            return False
        if low is not None and (x < low or (low_open and x == low)):
            return False
        return not (high is not None and (x > high or (high_open and x == high)))

    return accepts


def bools(v) -> bool:
    return isinstance(v, bool | np.bool_)


def optional(dom: Domain) -> Domain:
    return lambda v: True if v is None else dom(v)


def choice(*values: str) -> Domain:
    return lambda v: isinstance(v, str) and v in values


def never(v) -> bool:
    """Only objects of a kind the pool never holds (a problem, an agent, an MDP) are valid."""
    return False


def unknown(v) -> None:
    return None


def either(*doms: Domain) -> Domain:
    """Accepted when one domain accepts, refused when all refuse, else unknown."""

    def accepts(v):
        got = [d(v) for d in doms]
        return True if True in got else (None if None in got else False)

    return accepts


def arrays(pred: Callable[[np.ndarray], bool]) -> Domain:
    """Array-likes of real numbers (no bool, no NaN/inf) whose float64 array satisfies ``pred``.

    Scalars count as 0-d arrays; whether those are refused is up to ``pred``.
    """

    def accepts(v):
        if isinstance(v, str | bytes | dict | set) or v is None:
            return False
        try:
            a = np.asarray(v)
        except Exception:
            return False
        if a.dtype.kind not in "biuf":  # bool arrays count as 0/1, as check_array has it
            return False
        if not np.all(np.isfinite(a)):
            return False
        return bool(pred(a.astype(np.float64)))

    return accepts


def _kind(v) -> str:
    try:
        return np.asarray(v).dtype.kind
    except Exception:
        return "O"


def physics(low, low_open, *, below=None, above=None) -> Domain:
    """A control task's physical parameter: a finite real or a non-empty 1-D array of them,
    ``> low`` (``low_open``) or ``>= low``; ``below``/``above``: bounds set by another field
    (MountainCar's ``min_position < max_position``)."""

    def ok(a):
        if low is not None and not np.all(a > low if low_open else a >= low):
            return False
        if below is not None and not np.all(a < below):
            return False
        return above is None or bool(np.all(a > above))

    def accepts(v):
        if _is_real(v):
            return reals()(v) and ok(np.float64(v))
        if isinstance(v, np.ndarray | list | tuple):
            if _kind(v) == "b":  # check_param wants numbers, not flags
                return False
            return arrays(lambda a: a.ndim == 1 and a.size > 0 and ok(a))(v)
        return False

    return accepts


# --- the table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    """One argument: its name, a valid value (or a factory of one) and its domain."""

    name: str
    valid: object
    accepts: Domain
    positional: bool = False
    #: other words an error about this argument may use instead of its name
    aliases: tuple[str, ...] = ()
    factory: bool = False

    def value(self):
        return self.valid() if self.factory else self.valid


@dataclass(frozen=True)
class Target:
    """A public callable and its arguments; ``after`` runs on the result (e.g. an env reset)."""

    name: str
    fn: Callable
    args: tuple[Arg, ...]
    after: Callable | None = None
    notes: str = ""
    kw: dict = field(default_factory=dict)

    def call(self, **override):
        pos, kw = [], dict(self.kw)
        for a in self.args:
            v = override[a.name] if a.name in override else a.value()
            if a.positional:
                pos.append(v)
            else:
                kw[a.name] = v
        out = self.fn(*pos, **kw)
        return self.after(out) if self.after is not None else out


def P(name, valid, accepts, **kw) -> Arg:
    return Arg(name, valid, accepts, positional=True, **kw)


def K(name, valid, accepts, **kw) -> Arg:
    return Arg(name, valid, accepts, **kw)


# tiny shared objects (built once: valid values of the arguments that take them)
BANDIT = fb.BernoulliBandit([0.2, 0.8])
AGENT = fb.EpsilonGreedy(0.1)
LAKE = ft.frozen_lake("4x4")
LEARNER = ft.QLearning()
TWO_BY_TWO = ("SG", "FF")  # a 2x2 map (gridworld) for the cheapest tabular calls
POLICY = np.zeros(LAKE.num_states, dtype=np.int64)
PROB_DOM = reals(0.0, 1.0)
SIZE = sizes()
SEED = ints(0)
MAG = reals(-MAX_MAGNITUDE, MAX_MAGNITUDE)
FINITE = reals()
#: random_map's p: a small p may find no solvable map (refused naming p)
P_MAP = lambda v: None if reals(0.0, 1.0, low_open=True)(v) else False  # noqa: E731
STEPS_LIMIT = optional(sizes())


def _means_1d(low=-MAX_MAGNITUDE, high=MAX_MAGNITUDE):
    return arrays(lambda a: a.ndim in (1, 2) and a.size > 0 and a.min() >= low and a.max() <= high)


def _problem_args(values: str, valid, values_dom, extra=()):
    return (
        # None draws the means: then num_arms (0 here) is the argument at fault
        P(values, valid, lambda v: False if v is None else values_dom(v), aliases=("num_arms",)),
        *extra,
        K("drift_std", 0.0, reals(0.0, MAX_MAGNITUDE)),
        K("change_rate", 0.0, lambda v: reals(0.0, 1.0)(v) and (None if v > 0 else True)),
        K("change_points", None, lambda v: None if v is not None else True),
    )


PROBLEMS = [
    Target(
        "BernoulliBandit",
        fb.BernoulliBandit,
        _problem_args("probs", [0.2, 0.8], _means_1d(0.0, 1.0)),
    ),
    Target(
        "GaussianBandit",
        fb.GaussianBandit,
        _problem_args(
            "means",
            [0.0, 1.0],
            _means_1d(),
            (K("reward_std", 1.0, reals(0.0, MAX_MAGNITUDE, low_open=True)),),
        ),
    ),
    Target("PoissonBandit", fb.PoissonBandit, _problem_args("means", [0.5, 2.0], _means_1d(0.0))),
    Target(
        "ExponentialBandit",
        fb.ExponentialBandit,
        _problem_args(
            "means",
            [0.5, 2.0],
            arrays(lambda a: a.ndim in (1, 2) and a.size > 0 and a.min() > 0 and a.max() <= 1e100),
        ),
        notes="an exponential arm needs a mean > 0",
    ),
    Target(
        "BetaBandit",
        fb.BetaBandit,
        _problem_args(
            "means",
            [0.2, 0.7],
            arrays(lambda a: a.ndim in (1, 2) and a.size > 0 and a.min() >= 0 and a.max() <= 1),
            (K("concentration", 2.0, reals(0.0, low_open=True)),),
        ),
    ),
    Target(
        "BernoulliBandit.random",
        fb.BernoulliBandit.random,
        (
            P("num_arms", 3, sizes()),
            K("drift_std", 0.0, reals(0.0, MAX_MAGNITUDE)),
        ),
    ),
    Target(
        "GaussianBandit.testbed",
        fb.GaussianBandit.testbed,
        (
            K("num_arms", 3, sizes()),
            K("mean_offset", 0.0, MAG),
            K("mean_std", 1.0, reals(0.0, MAX_MAGNITUDE)),
            K("reward_std", 1.0, reals(0.0, MAX_MAGNITUDE, low_open=True)),
        ),
    ),
]

STEP = optional(reals(0.0, 1.0, low_open=True))  # alpha of the sample-average agents
SCHEDULE = either(
    lambda v: v is None, choice("constant", "1/t", "exponential", "linear", "inverse", "exp")
)
POS = reals(0.0, low_open=True)
NONNEG = reals(0.0)
OPT_SIZE = optional(sizes())

#: the domain of every field of every registered bandit agent
AGENT_ARGS = {
    fb.EpsilonGreedy: dict(
        epsilon=(0.1, PROB_DOM),
        alpha=(None, STEP),
        initial_value=(0.0, FINITE),
        schedule=(None, SCHEDULE),
    ),
    fb.Softmax: dict(
        beta=(1.0, POS), alpha=(None, STEP), initial_value=(0.0, FINITE), schedule=(None, SCHEDULE)
    ),
    fb.UCB: dict(c=(2.0, NONNEG), alpha=(None, STEP)),
    fb.GradientBandit: dict(alpha=(0.1, POS), baseline=(True, bools)),
    fb.ThompsonSampling: dict(prior_mean=(0.0, FINITE), prior_std=(1.0, POS)),
    fb.SlidingWindowUCB: dict(window=(10, sizes()), xi=(0.6, POS), bound=(1.0, POS)),
    fb.MOSS: dict(horizon=(None, OPT_SIZE)),
    fb.MOSSAnytime: dict(alpha=(1.0, NONNEG)),
    fb.UCBV: dict(zeta=(1.2, POS), c=(1.0, NONNEG), b=(1.0, POS)),
    fb.UCB1Tuned: dict(),
    fb.ExploreThenCommit: dict(m=(10, sizes())),
    fb.DiscountedUCB: dict(gamma=(0.99, reals(1e-3, 1.0)), xi=(0.6, POS), b=(1.0, POS)),
    fb.KLUCB: dict(c=(0.0, NONNEG), lazy=(True, bools)),
    fb.KLUCBPlus: dict(c=(0.0, NONNEG), lazy=(True, bools)),
    fb.BayesUCB: dict(
        c=(0.0, NONNEG),
        horizon=(None, OPT_SIZE),
        prior_mean=(0.0, FINITE),
        prior_std=(1.0, POS),
        lazy=(True, bools),
    ),
    fb.DiscountedThompsonSampling: dict(
        gamma=(0.99, reals(0.0, 1.0, low_open=True)), alpha0=(1.0, POS), beta0=(1.0, POS)
    ),
    fb.EXP3: dict(gamma=(None, optional(reals(0.0, 1.0, low_open=True))), horizon=(None, OPT_SIZE)),
    fb.EXP3IX: dict(
        eta=(None, optional(reals(0.0, 100.0, low_open=True))),
        gamma=(None, optional(NONNEG)),
        horizon=(None, OPT_SIZE),
    ),
}
_missing = [n for n, cls in AGENTS.items() if cls not in AGENT_ARGS]
assert not _missing, f"no fuzz table for the registered agents {_missing}"

AGENT_TARGETS = [
    Target(cls.__name__, cls, tuple(K(n, v, d) for n, (v, d) in fields.items()))
    for cls, fields in AGENT_ARGS.items()
]

LEARNER_ARGS = dict(
    alpha=(0.1, reals(0.0, 1.0, low_open=True)),
    gamma=(0.99, reals(0.0, 1.0)),
    epsilon=(0.1, PROB_DOM),
    exploration=("epsilon_greedy", choice("epsilon_greedy", "softmax")),
    beta=(1.0, reals(0.0, low_open=True, finite=False)),  # inf: greedy
    schedule=(None, SCHEDULE),
    bonus=(0.0, NONNEG),
    initial_value=(0.0, FINITE),
)
#: fields some learners add to the common ones
LEARNER_EXTRA = dict(
    planning_steps=(5, sizes(0)),
    kappa=(1e-3, NONNEG),
    theta=(1e-4, NONNEG),
    first_visit=(True, bools),
    average=(True, bools),
    weighted=(True, bools),
    n=(3, sizes(1)),
    lam=(0.9, PROB_DOM),
    replacing=(False, bools),
)


def _learner_target(cls):
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    unknown = [f for f in fields if f not in LEARNER_ARGS and f not in LEARNER_EXTRA]
    assert not unknown, f"no fuzz domain for {cls.__name__} fields {unknown}"
    table = {**LEARNER_ARGS, **LEARNER_EXTRA}
    return Target(cls.__name__, cls, tuple(K(n, table[n][0], table[n][1]) for n in fields))


LEARNER_TARGETS = [_learner_target(cls) for cls in LEARNERS.values()]

BANDIT_CALLS = [
    Target(
        "bandits.simulate",
        fb.simulate,
        (
            P("problem", BANDIT, never),
            P("agent", AGENT, never),
            K("runs", 2, SIZE),
            K("steps", 3, SIZE),
            K("seed", 0, SEED),
            K("record_runs", False, bools),
            K("progress", False, lambda v: False if not bools(v) else None),
        ),
        notes="progress=True needs tqdm and draws a bar: unknown",
    ),
    Target(
        "bandits.compare",
        fb.compare,
        (
            P("agents", {"eps": AGENT}, never, aliases=("agent",)),
            P("problem", BANDIT, never),
            K("runs", 2, SIZE),
            K("steps", 3, SIZE),
            K("seed", 0, SEED),
            K("progress", False, lambda v: False if not bools(v) else None),
        ),
    ),
]

# --- tabular ---------------------------------------------------------------------------------

_ns = np.array(LAKE.next_state)
_pr = np.array(LAKE.prob)
_rw = np.array(LAKE.reward)
_te = np.array(LAKE.terminated)
_in = np.array(LAKE.initial)
_P, _R = LAKE.to_dense()


def _like(ref: np.ndarray, *, integer=False, check=None) -> Domain:
    """Arrays of ``ref``'s shape (a valid stand-in must equal ``ref`` to be sure it is valid)."""

    def pred(a):
        if a.shape != ref.shape:
            return False
        if np.array_equal(a, ref):
            return True
        return None

    return arrays(pred)


MDP_ARGS = (
    P("next_state", _ns, _like(_ns)),
    P("prob", _pr, _like(_pr)),
    P("reward", _rw, _like(_rw)),
    P("terminated", _te, lambda v: None if bools(v) else _like(_te)(v)),
    P("initial", _in, _like(_in)),
    K("name", "m", lambda v: isinstance(v, str) or None),
    K("desc", None, lambda v: True if v is None else None),
    K("max_episode_steps", None, STEPS_LIMIT),
)

TABULAR_BUILD = [
    Target(
        "TabularMDP",
        ft.TabularMDP,
        MDP_ARGS,
        notes="arrays of the right shape but other values: unknown (the table cannot tell)",
    ),
    Target(
        "TabularMDP.from_dense",
        ft.TabularMDP.from_dense,
        (
            P("P", _P, _like(_P)),
            P("R", _R, arrays(lambda a: None if a.ndim in (2, 3) else False)),
            K("terminated", None, lambda v: True if v is None else _like(_te)(v)),
            K("initial", None, lambda v: True if v is None else _like(_in)(v)),
            K("name", "m", lambda v: isinstance(v, str) or None),
            K("desc", None, lambda v: True if v is None else None),
            K("max_episode_steps", None, STEPS_LIMIT),
        ),
    ),
    Target(
        "MDPStack",
        ft.MDPStack,
        (
            P("next_state", _ns[None], _like(_ns[None])),
            P("prob", _pr[None], _like(_pr[None])),
            P("reward", _rw[None], _like(_rw[None])),
            P("terminated", _te[None], _like(_te[None])),
            P("initial", _in[None], _like(_in[None])),
            P("names", ("m",), lambda v: None),
            P("descs", (None,), lambda v: None),
            P("max_episode_steps", 100, STEPS_LIMIT),
        ),
    ),
    Target(
        "stack",
        ft.stack,
        (P("mdps", [LAKE, LAKE], never), K("max_episode_steps", None, STEPS_LIMIT)),
    ),
    Target("batched_arrays", ft.batched_arrays, (P("mdp", LAKE, never),)),
    Target(
        "frozen_lake",
        ft.frozen_lake,
        (
            K("map_name", "4x4", choice("4x4", "8x8")),
            K("desc", None, lambda v: True if v is None else None),
            K("is_slippery", True, bools),
        ),
    ),
    Target(
        "random_map",
        ft.random_map,
        (K("size", 4, sizes(2, 2**31 - 1)), K("p", 0.8, P_MAP), K("seed", 0, SEED)),
        notes="a small p may find no solvable map (refused naming p): any p unknown",
    ),
    Target(
        "cliff_walking",
        ft.cliff_walking,
        (K("is_slippery", False, bools), K("max_episode_steps", None, STEPS_LIMIT)),
    ),
    Target("windy_gridworld", ft.windy_gridworld, (K("max_episode_steps", None, STEPS_LIMIT),)),
    Target("dyna_maze", ft.dyna_maze, (K("max_episode_steps", None, STEPS_LIMIT),)),
    Target(
        "gridworld",
        ft.gridworld,
        (
            P("desc", TWO_BY_TWO, lambda v: None),
            K("step_reward", 0.0, FINITE),
            K("goal_reward", 1.0, FINITE),
            K("hole_reward", 0.0, FINITE),
            K("wall_reward", None, optional(FINITE)),
            K("slip", 0.0, reals(0.0, 1.0)),
            K("name", "g", lambda v: isinstance(v, str) or None),
            K("max_episode_steps", None, STEPS_LIMIT),
        ),
    ),
]

MAX_ITER = lambda v: None if ints(2**31 + 1, 2**63 - 1)(v) else sizes()(v)  # noqa: E731


def _num(v):
    """A number the table cannot place (valid or not depends on the builder): unknown."""
    return None if _is_real(v) else False


#: the step at which a ChangingMDP switches: a counter of the kernels' int64 steps
AT_STEP = lambda v: None if ints(65, 2**63 - 1)(v) else ints(0, 64)(v)  # noqa: E731

TABULAR_TASKS = [
    Target(
        "gamblers_problem",
        ft.gamblers_problem,
        (
            K(
                "goal",
                4,
                lambda v: None if _is_int(v) and 2 <= v <= 64 else sizes(2, 10**6)(v) and None,
            ),
            K("p_heads", 0.4, reals(0.0, 1.0, low_open=True, high_open=True)),
        ),
    ),
    Target(
        "jacks_car_rental",
        ft.jacks_car_rental,
        (
            K("max_cars", 2, lambda v: None if _is_int(v) and 1 <= v <= 5 else False),
            K("max_move", 1, lambda v: None if _is_int(v) and 0 <= v <= 2 else False),
            K("request_rates", (3.0, 4.0), lambda v: None),
            K("return_rates", (3.0, 2.0), lambda v: None),
            K("rent_reward", 10.0, lambda v: None if _is_real(v) and math.isfinite(v) else False),
            K("move_cost", 2.0, lambda v: None if _is_real(v) and math.isfinite(v) else False),
        ),
    ),
    Target(
        "taxi", ft.taxi, (K("is_rainy", False, bools), K("rainy_probability", 0.8, reals(0.0, 1.0)))
    ),
    Target(
        "random_walk",
        ft.random_walk,
        (
            K("n_states", 5, lambda v: None if _is_int(v) and 1 <= v <= 64 else False),
            K("left_reward", 0.0, lambda v: None if _is_real(v) and math.isfinite(v) else False),
            K("right_reward", 1.0, lambda v: None if _is_real(v) and math.isfinite(v) else False),
        ),
    ),
    Target("blackjack", ft.blackjack, (K("natural", False, bools), K("sab", False, bools))),
    Target(
        "maximization_bias",
        ft.maximization_bias,
        (
            K("n_actions_b", 4, lambda v: None if _is_int(v) and 1 <= v <= 64 else False),
            K("mean", -0.1, lambda v: None if _is_real(v) and math.isfinite(v) else False),
            K("std", 1.0, lambda v: None if _is_real(v) and math.isfinite(v) and v >= 0 else False),
            K("reward_points", 4, lambda v: None if _is_int(v) and 1 <= v <= 64 else False),
        ),
    ),
    Target(
        "blocking_maze",
        ft.blocking_maze,
        (K("at_step", 10, AT_STEP), K("max_episode_steps", None, STEPS_LIMIT)),
    ),
    Target(
        "shortcut_maze",
        ft.shortcut_maze,
        (K("at_step", 10, AT_STEP), K("max_episode_steps", None, STEPS_LIMIT)),
    ),
    Target(
        "changing_gridworld",
        ft.changing_gridworld,
        (
            P("before", TWO_BY_TWO, lambda v: None),
            P("after", ("SF", "FG"), lambda v: None),
            K("at_step", 10, AT_STEP),
            K("name", "c", lambda v: isinstance(v, str) or None),
            K("max_episode_steps", None, STEPS_LIMIT),
        ),
    ),
    Target(
        "ChangingMDP",
        ft.ChangingMDP,
        (
            P("before", LAKE, never),
            P("after", LAKE, never),
            P("at_step", 10, AT_STEP),
            K("name", None, lambda v: True if v is None or isinstance(v, str) else None),
            K("max_episode_steps", None, STEPS_LIMIT),
        ),
    ),
    Target(
        "exploring_starts",
        ft.exploring_starts,
        (P("mdp", LAKE, never), K("states", None, lambda v: True if v is None else None)),
    ),
]

TABULAR_CALLS = [
    Target(
        "value_iteration",
        ft.value_iteration,
        (
            P("mdp", LAKE, never),
            P("gamma", 0.9, reals(0.0, 1.0)),
            K("tol", 1e-8, reals(0.0, low_open=True)),
            K("max_iter", 1000, MAX_ITER),
        ),
        notes="gamma = 1 is allowed on episodic tasks",
    ),
    Target(
        "policy_evaluation",
        ft.policy_evaluation,
        (
            P("mdp", LAKE, never),
            P("policy", POLICY, lambda v: None),
            P("gamma", 0.9, lambda v: None if reals(0.0, 1.0)(v) else False),
        ),
        notes="gamma = 1 may be singular (refused naming gamma): unknown",
    ),
    Target(
        "policy_iteration",
        ft.policy_iteration,
        (
            P("mdp", LAKE, never),
            P("gamma", 0.9, lambda v: None if reals(0.0, 1.0)(v) else False),
            K("max_iter", 100, MAX_ITER),
        ),
    ),
    Target(
        "modified_policy_iteration",
        ft.modified_policy_iteration,
        (
            P("mdp", LAKE, never),
            P("gamma", 0.9, lambda v: None if reals(0.0, 1.0)(v) else False),
            K("k", 5, lambda v: None if ints(0)(v) else False),
            K("epsilon", 1e-6, lambda v: None if reals(0.0, low_open=True)(v) else False),
            K("max_iter", 100, MAX_ITER),
        ),
        notes="gamma = 1 and the k / epsilon ranges are refused or accepted by the solver",
    ),
    Target(
        "backward_induction",
        ft.backward_induction,
        (
            P("mdp", LAKE, never),
            P("horizon", 3, lambda v: None if ints(0)(v) else False),
            K("gamma", 1.0, lambda v: None if reals(0.0, 1.0)(v) else False),
        ),
    ),
    Target(
        "predict",
        ft.predict,
        (
            P("mdp", LAKE, never),
            P("policy", POLICY, lambda v: None),
            P(
                "method",
                "td",
                lambda v: isinstance(v, str) and v in ft.predict.__globals__["METHODS"],
            ),
            K("runs", 2, SIZE),
            K("episodes", 2, SIZE),
            K("alpha", 0.1, lambda v: None),
            K("gamma", 0.9, lambda v: None if reals(0.0, 1.0)(v) else False),
            K("n", 1, lambda v: None if ints(1)(v) else False),
            K("lam", 0.9, lambda v: None if reals(0.0, 1.0)(v) else False),
            K("seed", 0, SEED),
            K("max_episode_steps", None, STEPS_LIMIT),
            K("initial_value", 0.0, lambda v: None),
        ),
        notes="alpha also takes 'average' for the Monte Carlo methods",
    ),
    Target(
        "evaluate",
        ft.evaluate,
        (
            P("mdp", LAKE, never),
            P("policies", POLICY, lambda v: None),
            K("episodes", 2, SIZE),
            K("seed", 0, SEED),
            K("max_episode_steps", None, STEPS_LIMIT),
        ),
    ),
    Target(
        "random_policies",
        ft.random_policies,
        (
            P("num_states", 3, SIZE),
            P("num_actions", 2, SIZE),
            P("num_policies", 2, SIZE),
            K("seed", 0, SEED),
        ),
    ),
    Target(
        "random_search",
        ft.random_search,
        (
            P("mdp", LAKE, never),
            P("num_policies", 2, SIZE),
            K("episodes", 2, SIZE),
            K("seed", 0, SEED),
            K("max_episode_steps", None, STEPS_LIMIT),
        ),
    ),
    Target(
        "estimate_model",
        ft.estimate_model,
        (
            P("states", [0, 1], lambda v: None),
            P("actions", [0, 1], lambda v: None),
            P("next_states", [1, 2], lambda v: None),
            P("rewards", [0.0, 1.0], lambda v: None),
            P("terminated", None, lambda v: None),
            K("num_states", None, lambda v: None if v is None or sizes()(v) else False),
            K("num_actions", None, lambda v: None if v is None or sizes()(v) else False),
            K("unvisited", "self-loop", lambda v: None if isinstance(v, str) else False),
            K("reward_model", "transition", lambda v: None if isinstance(v, str) else False),
            K("unvisited_reward", 0.0, FINITE),
            K("initial", None, lambda v: None),
            K("name", "e", lambda v: isinstance(v, str) or None),
            K("max_episode_steps", None, STEPS_LIMIT),
        ),
    ),
    Target(
        "estimate_model_from_episodes",
        ft.estimate_model_from_episodes,
        (
            P(
                "episodes",
                [[{"state": 0, "action": 1, "state_": 1, "reward": 1.0, "terminated": True}]],
                lambda v: None,
                aliases=("episode",),  # "episode 3 step 2 ...": the item of episodes at fault
            ),
            K("state_key", "state", lambda v: None),
            K("action_key", "action", lambda v: None),
            K("next_key", "state_", lambda v: None),
            K("reward_key", "reward", lambda v: None),
            K("terminated_key", "terminated", lambda v: None),
            K("last_terminates", True, bools),
            K("encoder", None, lambda v: True if v is None else False),
        ),
    ),
    Target(
        "tabular.train",
        ft.train,
        (
            P("mdp", LAKE, never),
            P("agent", LEARNER, never),
            K("runs", 2, SIZE),
            K("episodes", 2, SIZE),
            K("max_episode_steps", 20, STEPS_LIMIT),
            K("seed", 0, SEED),
            K("progress", False, lambda v: False if not bools(v) else None),
            K("record_runs", False, bools),
        ),
    ),
    Target(
        "tabular.compare",
        ft.compare,
        (
            P("agents", {"q": LEARNER}, never),
            P("mdp", LAKE, never),
            K("runs", 2, SIZE),
            K("episodes", 2, SIZE),
            K("seed", 0, SEED),
            K("max_episode_steps", 20, STEPS_LIMIT),
            K("progress", False, lambda v: False if not bools(v) else None),
        ),
    ),
]

# --- control -----------------------------------------------------------------------------------


def _physics_target(name, cls, fields, extra=()):
    args = tuple(
        K(f[0], getattr(cls(), f[0]), physics(f[-2], f[-1], **_CROSS.get(f[0], {}))) for f in fields
    )
    return Target(name, cls, args + (K("max_episode_steps", 50, sizes()),) + tuple(extra))


#: bounds one field's default value sets on another
_CROSS = {"min_position": dict(below=0.6), "max_position": dict(above=-1.2)}

CONTROL = [
    _physics_target(
        "CartPole",
        fc.CartPole,
        cartpole._BOUNDS,
        (K("kinematics_integrator", "euler", choice("euler", "semi-implicit euler")),),
    ),
    _physics_target("MountainCar", fc.MountainCar, mountain_car._FIELDS),
    _physics_target(
        "ContinuousMountainCar", fc.ContinuousMountainCar, continuous_mountain_car._FIELDS
    ),
    _physics_target("Acrobot", fc.Acrobot, acrobot._FIELDS),
    _physics_target("Pendulum", fc.Pendulum, pendulum._FIELDS),
    Target(
        "control.search",
        fc.search,
        (
            P("task", "CartPole-v1", choice("CartPole-v1")),
            P("method", "random", lambda v: isinstance(v, str) and v in fc.METHODS),
            K("population", 4, SIZE),
            K("generations", 1, SIZE),
            K("episodes", 1, SIZE),
            K("eval_episodes", 2, sizes(2)),
            K("scale", 1.0, POS),
            K("elite_frac", 0.5, reals(0.0, 1.0, low_open=True)),
            K("noise", 0.0, NONNEG),
            K("seed", 0, SEED),
            K("policy", "linear", choice("linear", "softmax")),
        ),
        notes="elite_frac * population < 1 is rounded up to one elite",
    ),
    Target(
        "tile_sarsa",
        fc.tile_sarsa,
        (
            P("task", "MountainCar-v0", lambda v: None if isinstance(v, str) else False),
            K("runs", 1, SIZE),
            K("episodes", 1, SIZE),
            K("alpha", 0.5, lambda v: None if reals(0.0, low_open=True)(v) else False),
            K("epsilon", 0.0, lambda v: None if PROB_DOM(v) else False),
            K("gamma", 1.0, lambda v: None if PROB_DOM(v) else False),
            K("tilings", 8, lambda v: None if ints(1)(v) else False),
            K("tiles", 8, lambda v: None if ints(1)(v) else False),
            K("seed", 0, SEED),
            K("max_episode_steps", 300, lambda v: None if v is None or ints(1)(v) else False),
            K("record_runs", False, bools),
        ),
    ),
    Target(
        "control.evaluate_linear",
        fc.evaluate_linear,
        (
            P("task", "CartPole-v1", lambda v: None if isinstance(v, str) else False),
            P(
                "weights",
                np.zeros(4),
                arrays(lambda a: a.ndim in (1, 2) and a.shape[-1] == 4 and a.size > 0 or None),
            ),
            K("episodes", 2, SIZE),
            K("seed", 0, SEED),
            K("policy", "linear", choice("linear", "softmax")),
        ),
    ),
]

CONTROL.append(
    Target(
        "TileCoder",
        fc.TileCoder,
        (
            P("low", (-1.2, -0.07), lambda v: None if _kind(v) in "biuf" else False),
            P("high", (0.6, 0.07), lambda v: None if _kind(v) in "biuf" else False),
            K("tilings", 2, sizes(1, 1 << 16)),
            K("tiles", 2, sizes(1, 1 << 16)),
            K("displacement", None, lambda v: True if v is None else None),
        ),
    )
)

# --- sweep ------------------------------------------------------------------------------------


def SWEEP_SEED(v):
    """An int seed, or a 1-D list or array of them (an axis of the grid)."""
    if isinstance(v, list | tuple) or (isinstance(v, np.ndarray) and v.ndim == 1):
        return None
    return SEED(v)


SWEEP = [
    Target(
        "sweep",
        sweep,
        (
            P("agents", {"eps": AGENT}, never, aliases=("agent",)),
            P("problem", BANDIT, never),
            K("runs", 2, SIZE),
            K("steps", 3, SIZE),
            K("seed", 0, SWEEP_SEED),
            K("retries", 1, ints(0)),
            K("progress", False, lambda v: False if not bools(v) else None),
        ),
        notes="client=None (local threads); a list seed is an axis of the grid",
    ),
    Target(
        "Schedule",
        Schedule,
        (
            K(
                "kind",
                "linear",
                choice("constant", "1/t", "exponential", "linear", "inverse", "exp"),
            ),
            K("decay", 0.99, reals(0.0, 1.0, low_open=True)),
            K("floor", 0.0, NONNEG),
            K("duration", 10, ints(1)),
        ),
    ),
]

# --- gym --------------------------------------------------------------------------------------


def _reset(env):
    """Construct then reset (where a bad argument that only a reset reads would show)."""
    try:
        obs, info = env.reset(seed=0)
        return obs
    finally:
        env.close()


def gym_targets():
    """The Gymnasium environment constructors (imports Gymnasium)."""
    import fastrl.gym as fg

    render = optional(choice("ansi", "rgb_array", "human"))
    render_none = lambda v: True if v is None else (None if isinstance(v, str) else False)  # noqa: E731
    vec = (
        K("num_envs", 2, sizes()),
        K("autoreset_mode", "NextStep", lambda v: None if isinstance(v, str) else False),
    )
    # Gymnasium's convention: -1 is no limit; the kernels count in int64
    lim = K("max_episode_steps", None, optional(either(ints(-1, -1), sizes(1, 2**63 - 1))))
    out = [
        Target(
            "TabularEnv",
            fg.TabularEnv,
            (P("mdp", LAKE, never), lim, K("render_mode", None, render_none)),
            after=_reset,
        ),
        Target(
            "FrozenLakeEnv",
            fg.FrozenLakeEnv,
            (
                K("map_name", "4x4", lambda v: None if v is None else choice("4x4", "8x8")(v)),
                K("is_slippery", True, bools),
                K("success_rate", 1 / 3, PROB_DOM),
                K("reward_schedule", (1, 0, 0), lambda v: None),
                lim,
                K("render_mode", None, render_none),
            ),
            after=_reset,
        ),
        Target(
            "CliffWalkingEnv",
            fg.CliffWalkingEnv,
            (K("is_slippery", False, bools), lim, K("render_mode", None, render_none)),
            after=_reset,
        ),
        Target(
            "TabularVectorEnv",
            fg.TabularVectorEnv,
            (P("mdp", LAKE, never), *vec, lim),
            after=_reset,
        ),
        Target(
            "FrozenLakeVectorEnv",
            fg.FrozenLakeVectorEnv,
            (
                *vec,
                K("map_name", "4x4", lambda v: None if v is None else choice("4x4", "8x8")(v)),
                K("is_slippery", True, bools),
                K("success_rate", 1 / 3, PROB_DOM),
                lim,
            ),
            after=_reset,
        ),
        Target(
            "CliffWalkingVectorEnv",
            fg.CliffWalkingVectorEnv,
            (*vec, K("is_slippery", False, bools), lim),
            after=_reset,
        ),
        Target(
            "BanditEnv",
            fg.BanditEnv,
            (K("problem", BANDIT, lambda v: None if v is None else False), lim),
            after=_reset,
        ),
        Target(
            "BanditVectorEnv",
            fg.BanditVectorEnv,
            (*vec, K("problem", BANDIT, lambda v: None if v is None else False), lim),
            after=_reset,
        ),
    ]
    for name, fields in (
        ("CartPole", [(b[0], b[1], b[2]) for b in cartpole._BOUNDS]),
        ("MountainCar", [(f[0], f[2], f[3]) for f in mountain_car._FIELDS]),
        ("ContinuousMountainCar", [(f[0], f[2], f[3]) for f in continuous_mountain_car._FIELDS]),
        ("Acrobot", [(f[0], f[2], f[3]) for f in acrobot._FIELDS]),
        ("Pendulum", [(f[0], f[2], f[3]) for f in pendulum._FIELDS]),
    ):
        task = getattr(fc, name)()
        phys = tuple(
            K(
                f[0],
                getattr(task, f[0]),
                lambda v, f=f: (
                    None
                    if isinstance(v, np.ndarray | list | tuple)
                    else physics(f[1], f[2], **_CROSS.get(f[0], {}))(v)
                ),
            )
            for f in fields[:3]
        )
        out.append(
            Target(
                f"{name}Env",
                getattr(fg, f"{name}Env"),
                (lim, K("render_mode", None, render), *phys),
                after=_reset,
            )
        )
        out.append(
            Target(
                f"{name}VectorEnv",
                getattr(fg, f"{name}VectorEnv"),
                (*vec, lim, *phys),
                after=_reset,
            )
        )
    out.append(
        Target(
            "TabularMDP.from_gymnasium",
            ft.TabularMDP.from_gymnasium,
            (
                P("env", fg.FrozenLakeEnv(), never),
                K("name", None, lambda v: True if v is None or isinstance(v, str) else None),
                K("max_episode_steps", None, STEPS_LIMIT),
            ),
        )
    )
    out.append(
        Target(
            "check_vector_env",
            lambda env, **kw: fg.check_vector_env(env() if callable(env) else env, **kw),
            (
                P("env", lambda: fg.FrozenLakeVectorEnv(2), never, factory=True),
                K("seed", 0, SEED),
                K("steps", 5, SIZE),
            ),
        )
    )
    out.append(
        Target(
            "record_gif",
            _record_gif,
            (
                P("mdp_or_env", LAKE, never),
                P("policy", POLICY, lambda v: None),
                K("seed", 0, optional(SEED)),
                K("episodes", 1, sizes()),
                K("max_steps", 5, sizes()),
                K("fps", 4.0, lambda v: None if reals(0.0, low_open=True)(v) else False),
            ),
        )
    )
    return out


def _record_gif(mdp_or_env, policy, **kw):
    """record_gif into a fresh temporary directory (the path is not fuzzed)."""
    from fastrl.gym import record_gif

    with tempfile.TemporaryDirectory() as tmp:
        return record_gif(mdp_or_env, policy, os.path.join(tmp, "x.gif"), **kw)


def all_targets() -> list[Target]:
    return (
        PROBLEMS
        + AGENT_TARGETS
        + BANDIT_CALLS
        + LEARNER_TARGETS
        + TABULAR_BUILD
        + TABULAR_TASKS
        + TABULAR_CALLS
        + CONTROL
        + SWEEP
        + gym_targets()
    )
