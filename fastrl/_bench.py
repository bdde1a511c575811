"""Throughput workloads shared by ``fastrl bench`` and the pytest-benchmark suite.

Each workload is a function ``f(scale)`` returning ``(work, call)``: ``call()``
runs the job once and ``work`` is the number of agent- or env-steps it does.
Baselines (the tutorial's per-step Python loop, plain vectorized numpy,
Gymnasium stepped from Python) are workloads too, so a ratio is measured in
the same run on the same machine. ``scale`` shrinks the jobs for smoke runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from fastrl._baselines import (
    dense_numpy_value_iteration,
    gymnasium_evaluate_loop,
    gymnasium_mc_blackjack,
    gymnasium_q_learning,
    numpy_testbed,
    tutorial_python_loop,
)
from fastrl._bench_catalogue import groups as _catalogue_groups
from fastrl.bandits import (
    Agent,
    BernoulliBandit,
    EpsilonGreedy,
    GaussianBandit,
    Softmax,
    simulate,
)
from fastrl.policies import epsilon_greedy

TUTORIAL_PROBS = (0.7, 0.3)
TUTORIAL_EPSILON = EpsilonGreedy(epsilon=0.1, alpha=0.1, initial_value=0.5)
TUTORIAL_SOFTMAX = Softmax(beta=5.0, alpha=0.1, initial_value=0.5)


def tutorial_fastrl(scale: float = 1.0):
    """The tutorial job: both agents, 1000 runs x 1000 steps each, statistics included."""
    runs, steps = max(int(1000 * scale), 64), 1000
    problem = BernoulliBandit(TUTORIAL_PROBS)

    def call():
        return [
            simulate(problem, a, runs=runs, steps=steps)
            for a in (TUTORIAL_EPSILON, TUTORIAL_SOFTMAX)
        ]

    return 2 * runs * steps, call


def tutorial_baseline(scale: float = 1.0):
    """The tutorial loop on a shortened job (its per-step cost does not depend on the size)."""
    runs, steps = 2, max(int(1000 * scale), 50)
    return 2 * runs * steps, lambda: tutorial_python_loop(runs, steps)


def testbed_fastrl(scale: float = 1.0):
    """10-armed testbed, sample-average epsilon-greedy (0.1), 100,000 runs x 1000 steps."""
    runs, steps = max(int(100_000 * scale), 64), 1000
    problem, agent = GaussianBandit.testbed(), EpsilonGreedy(0.1)
    return runs * steps, lambda: simulate(problem, agent, runs=runs, steps=steps)


@dataclass(frozen=True)
class UserEpsilonGreedy(Agent):
    """Sample-average epsilon-greedy written as a user writes an agent: the public
    protocol only (``fastrl.bandits.Agent``, ``fastrl.policies``), no fastrl internals."""

    epsilon: float = 0.1
    arrays = {"q": 0.0, "n": 0.0}

    @staticmethod
    def select(p, st, j, key, t):
        return epsilon_greedy(st.q, j, p.epsilon, key, t)

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.n[j, a] += 1.0
        st.q[j, a] += (r - st.q[j, a]) / st.n[j, a]


def user_agent_fastrl(scale: float = 1.0):
    """The testbed job of :func:`testbed_fastrl` with the user-written epsilon-greedy."""
    runs, steps = max(int(100_000 * scale), 64), 1000
    problem, agent = GaussianBandit.testbed(), UserEpsilonGreedy(0.1)
    return runs * steps, lambda: simulate(problem, agent, runs=runs, steps=steps)


def testbed_numpy(scale: float = 1.0):
    """The numpy baseline at the full batch width, fewer steps (cost per step is constant)."""
    runs, steps = max(int(100_000 * scale), 64), max(int(50 * scale), 5)
    return runs * steps, lambda: numpy_testbed(runs, steps)


def qlearning_fastrl(scale: float = 1.0):
    """FrozenLake 4x4 slippery, Q-learning epsilon 0.1, 10,000 runs x 200 episodes (env-steps)."""
    from fastrl.tabular import QLearning, frozen_lake, train

    runs, episodes = max(int(10_000 * scale), 64), 200
    mdp, agent = frozen_lake(), QLearning(alpha=0.1, gamma=0.99, epsilon=0.1)
    return None, lambda: train(mdp, agent, runs=runs, episodes=episodes).total_steps


def qlearning_gymnasium(scale: float = 1.0):
    """The same learner stepping Gymnasium's FrozenLake-v1 from Python."""
    steps = max(int(20_000 * scale), 500)
    return steps, lambda: gymnasium_q_learning(steps)


def qlearning_handwritten(scale: float = 1.0):
    """The same job as :func:`qlearning_fastrl` by a hand-written numba kernel (env-steps)."""
    from fastrl._handwritten import q_learning_handwritten
    from fastrl.tabular import frozen_lake

    runs, episodes = max(int(10_000 * scale), 64), 200
    mdp = frozen_lake()

    def call():
        _, curves = q_learning_handwritten(mdp, alpha=0.1, gamma=0.99, epsilon=0.1, runs=runs,
                                           episodes=episodes)  # fmt: skip
        return int(round(curves[1].sum() * runs))

    return None, call


def mc_blackjack_fastrl(scale: float = 1.0):
    """Blackjack, first-visit MC control epsilon 0.1, 1024 runs x 20,000 episodes (episodes).

    At least one block of 64 runs per thread: 64 runs (one block) ran on one core.
    """
    from fastrl.tabular import MCControl, blackjack, train

    runs, episodes = 1024, max(int(20_000 * scale), 100)
    mdp, agent = blackjack(), MCControl(gamma=1.0, epsilon=0.1)
    return runs * episodes, lambda: train(mdp, agent, runs=runs, episodes=episodes)


def mc_blackjack_gymnasium(scale: float = 1.0):
    """The same learner, the tutorial's Python loop on Gymnasium's Blackjack-v1 (episodes)."""
    episodes = max(int(20_000 * scale), 200)
    return episodes, lambda: gymnasium_mc_blackjack(episodes)


def _random_maps(n: int):
    from fastrl.tabular import frozen_lake, random_map

    return [frozen_lake(desc=random_map(8, 0.8, seed)) for seed in range(n)]


def planning_fastrl(scale: float = 1.0):
    """Value iteration on 10,000 random 8x8 FrozenLake maps, gamma 0.99, tol 1e-8 (maps)."""
    from fastrl.tabular import stack, value_iteration

    maps = stack(_random_maps(max(int(10_000 * scale), 16)))
    return len(maps), lambda: value_iteration(maps, 0.99, tol=1e-8)


def planning_numpy(scale: float = 1.0):
    """Vectorized dense-numpy value iteration (all maps in lockstep) on 500 maps."""
    maps = _random_maps(max(int(500 * scale), 8))
    return len(maps), lambda: dense_numpy_value_iteration(maps, 0.99, 1e-8)


def evaluate_fastrl(scale: float = 1.0):
    """10,000 random deterministic policies x 100 episodes on FrozenLake 4x4 (episodes)."""
    from fastrl.tabular import evaluate, frozen_lake, random_policies

    policies = random_policies(16, 4, max(int(10_000 * scale), 16), seed=0)
    mdp = frozen_lake()
    return policies.shape[0] * 100, lambda: evaluate(mdp, policies, episodes=100)


def evaluate_gymnasium(scale: float = 1.0):
    """The same evaluation stepping Gymnasium's FrozenLake-v1 from Python (20 policies)."""
    from fastrl.tabular import random_policies

    policies = random_policies(16, 4, max(int(20 * scale), 2), seed=0)
    return policies.shape[0] * 100, lambda: gymnasium_evaluate_loop(policies, 100)


def _stepping(env, num_envs: int, steps: int, num_actions: int = 4):
    """Reset ``env`` and return (env-steps, a call that steps it with fixed random actions)."""
    gen = np.random.default_rng(0)
    actions = [gen.integers(0, num_actions, size=num_envs) for _ in range(16)]
    env.reset(seed=0)

    def call():
        for i in range(steps):
            env.step(actions[i % 16])

    return num_envs * steps, call


def gym_fastrl(scale: float = 1.0):
    """make_vec("fastrl/FrozenLake-v1", num_envs=4096), random numpy actions (env-steps)."""
    import gymnasium as gym

    import fastrl.gym  # noqa: F401  (registers the ids)

    num_envs, steps = 4096, max(int(500 * scale), 5)
    env = gym.make_vec(
        "fastrl/FrozenLake-v1", num_envs=num_envs, vectorization_mode="vector_entry_point"
    )
    return _stepping(env, num_envs, steps)


def gym_sync(scale: float = 1.0):
    """Gymnasium's SyncVectorEnv of FrozenLake-v1 at the same num_envs (a few steps)."""
    import gymnasium as gym

    num_envs, steps = 4096, max(int(10 * scale), 2)
    env = gym.make_vec("FrozenLake-v1", num_envs=num_envs, vectorization_mode="sync")
    return _stepping(env, num_envs, steps)


def _fig26(scale: float):
    from fastrl.bandits import UCB, GradientBandit

    powers = lambda lo, hi: [2.0**k for k in range(lo, hi + 1)]  # noqa: E731
    agents = {
        "epsilon-greedy": (EpsilonGreedy, {"epsilon": powers(-7, -2)}),
        "gradient": (GradientBandit, {"alpha": powers(-5, 1)}),
        "ucb": (UCB, {"c": powers(-4, 2)}),
        "optimistic": (
            EpsilonGreedy,
            {"epsilon": 0.0, "alpha": 0.1, "initial_value": powers(-2, 2)},
        ),
    }
    runs, steps = max(int(2000 * scale), 64), 1000
    return agents, GaussianBandit.testbed(), runs, steps, 25 * runs * steps


def fig26_sweep(scale: float = 1.0):
    """Sutton & Barto figure 2.6 (4 kinds, 25 points, 2000 runs x 1000 steps) in one sweep."""
    from fastrl.sweep import sweep

    agents, problem, runs, steps, work = _fig26(scale)
    return work, lambda: sweep(agents, problem, runs=runs, steps=steps)


def fig26_simulate(scale: float = 1.0):
    """The same 25 points as 25 ``simulate`` calls."""
    from fastrl.sweep import sweep

    agents, problem, runs, steps, work = _fig26(scale)
    configs = sweep(agents, problem, runs=1, steps=1).results

    def call():
        for r in configs:
            simulate(problem, r.agent, runs=runs, steps=steps)

    return work, call


_CLUSTER = {}


def _client(workers: int | None):
    """None, or a client of a ``workers``-process LocalCluster started once, outside the timing."""
    if not workers:
        return None
    if workers not in _CLUSTER:
        import atexit

        import distributed

        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        _CLUSTER[workers] = distributed.Client(cluster)
        atexit.register(cluster.close)
        atexit.register(_CLUSTER[workers].close)
    return _CLUSTER[workers]


_EPSILONS = {"eps": (EpsilonGreedy, {"epsilon": [2.0**k for k in range(-8, 0)]})}


def _cluster_sweep(scale: float, workers: int | None):
    """Epsilon-greedy over 8 epsilons on the testbed, 100,000 runs x 1000 steps each."""
    from fastrl.sweep import sweep

    runs, steps = max(int(100_000 * scale), 64), 1000
    client, problem = _client(workers), GaussianBandit.testbed()
    work = 8 * runs * steps
    return work, lambda: sweep(_EPSILONS, problem, runs=runs, steps=steps, client=client)


def _chunk_overhead(scale: float, workers: int | None):
    """The same 8 points, one block (64 runs) x 1 step per chunk: 800 chunks of no work.

    Chunks per second measure what the sweep itself costs per chunk (scheduling,
    shipping the spec and the block statistics, the ordered merge): a real chunk
    is 128 blocks, 8192 runs x ``steps``.
    """
    from fastrl.sweep import sweep

    runs = 64 * max(int(100 * scale), 2)
    client, problem = _client(workers), GaussianBandit.testbed()
    return 8 * (runs // 64), lambda: sweep(
        _EPSILONS, problem, runs=runs, steps=1, client=client, _chunk_blocks=1
    )


def cluster_chunks(scale: float = 1.0):
    """Chunks of no work on a 2-worker Dask LocalCluster (started before timing)."""
    return _chunk_overhead(scale, 2)


def local_chunks(scale: float = 1.0):
    """The same chunks in this process."""
    return _chunk_overhead(scale, None)


def cluster_sweep(scale: float = 1.0):
    """The sweep on a 2-worker Dask LocalCluster (started before timing)."""
    return _cluster_sweep(scale, 2)


def local_sweep(scale: float = 1.0):
    """The same sweep on this process's numba threads."""
    return _cluster_sweep(scale, None)


def _cartpole_weights(n: int) -> np.ndarray:
    # The random-search distribution: most candidates fall within a few dozen
    # steps, some balance for all 500.
    return np.random.default_rng(0).uniform(-1.0, 1.0, size=(n, 4))


def cartpole_fastrl(scale: float = 1.0):
    """4096 linear CartPole policies x 10 episodes in one fused kernel (env-steps)."""
    from fastrl.control import evaluate_linear

    weights = _cartpole_weights(max(int(4096 * scale), 64))
    return None, lambda: evaluate_linear("CartPole-v1", weights, episodes=10).env_steps


def cartpole_gymnasium(scale: float = 1.0):
    """Gymnasium's numpy CartPoleVectorEnv, 65,536 envs, one linear policy per env."""
    from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

    num_envs, steps = max(int(65_536 * scale), 64), max(int(100 * scale), 5)
    env = CartPoleVectorEnv(num_envs=num_envs)
    weights = _cartpole_weights(num_envs)
    env.reset(seed=0)

    def call():
        obs, _ = env.reset(seed=0)
        for _ in range(steps):
            actions = (np.einsum("ij,ij->i", obs, weights) > 0).astype(np.int64)
            obs = env.step(actions)[0]

    return num_envs * steps, call


def gym_cartpole_fastrl(scale: float = 1.0):
    """make_vec("fastrl/CartPole-v1", num_envs=4096), random numpy actions (env-steps)."""
    import gymnasium as gym

    import fastrl.gym  # noqa: F401  (registers the ids)

    num_envs, steps = 4096, max(int(500 * scale), 5)
    env = gym.make_vec("fastrl/CartPole-v1", num_envs=num_envs)
    return _stepping(env, num_envs, steps, 2)


def gym_cartpole_gymnasium(scale: float = 1.0):
    """Gymnasium's numpy CartPoleVectorEnv at the same num_envs."""
    from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

    num_envs, steps = 4096, max(int(500 * scale), 5)
    return _stepping(CartPoleVectorEnv(num_envs=num_envs), num_envs, steps, 2)


#: the other classic-control tasks: fastrl's make_vec against Gymnasium's own env from Python
CLASSIC_IDS = ("MountainCar-v0", "MountainCarContinuous-v0", "Acrobot-v1", "Pendulum-v1")


def _classic_actions(space, num_envs: int):
    space.seed(0)
    return [np.stack([space.sample() for _ in range(num_envs)]) for _ in range(16)]


def classic_fastrl(env_id: str):
    """make_vec(f"fastrl/{env_id}", num_envs=4096), random actions drawn beforehand."""

    def make(scale: float = 1.0):
        import gymnasium as gym

        import fastrl.gym  # noqa: F401  (registers the ids)

        num_envs, steps = 4096, max(int(200 * scale), 5)
        env = gym.make_vec(f"fastrl/{env_id}", num_envs=num_envs)
        actions = _classic_actions(env.single_action_space, num_envs)
        env.reset(seed=0)

        def call():
            for i in range(steps):
                env.step(actions[i % 16])

        return num_envs * steps, call

    return make


def classic_gymnasium(env_id: str):
    """Gymnasium's own ``gym.make(env_id)`` stepped from Python, resets included."""

    def make(scale: float = 1.0):
        import gymnasium as gym

        steps = max(int(20_000 * scale), 200)
        env = gym.make(env_id)
        actions = _classic_actions(env.action_space, 16)[0]
        env.reset(seed=0)

        def call():
            for i in range(steps):
                _, _, term, trunc, _ = env.step(actions[i % 16])
                if term or trunc:
                    env.reset()

        return steps, call

    return make


def machine_info() -> dict:
    """Threads and numba's threading layer (None before any parallel kernel has run)."""
    import numba

    try:
        layer = numba.threading_layer()
    except ValueError:
        layer = None
    return {"threads": numba.get_num_threads(), "threading_layer": layer}


@dataclass(frozen=True)
class Timing:
    """Best-of-``repeat`` wall time of a workload and its throughput."""

    name: str
    work: int
    seconds: float

    @property
    def steps_per_s(self) -> float:
        return self.work / self.seconds


def time_workload(name: str, make, scale: float = 1.0, repeat: int = 3) -> Timing:
    """Warm up (compile) once, then take the best of ``repeat`` timed calls.

    A workload whose ``work`` is None returns its amount of work from ``call()``.
    """
    work, call = make(scale)
    call()
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = call()
        best = min(best, time.perf_counter() - start)
    if work is None:  # the workload reports its own amount of work (e.g. env-steps)
        work = int(out)
    return Timing(name, work, best)


@dataclass(frozen=True)
class Group:
    """A benchmark group: fastrl's workload, the baseline's, and the issue's targets."""

    name: str
    description: str
    fastrl: object
    baseline: object
    baseline_label: str
    target_per_s: float | None = None
    target_ratio: float | None = None
    unit: str = "steps"
    repeat: int = 3  # timed calls of fastrl's workload, after one warm-up call


GROUPS = [
    Group(
        "bandit-tutorial",
        "2-armed tutorial job, eps-greedy + softmax, 1000 runs x 1000 steps",
        tutorial_fastrl,
        tutorial_baseline,
        "tutorial Python loop",
        100e6,
        2000.0,
        "agent-steps",
    ),
    Group(
        "bandit-testbed",
        "10-armed testbed, eps-greedy, 100,000 runs x 1000 steps",
        testbed_fastrl,
        testbed_numpy,
        "vectorized numpy",
        50e6,
        10.0,
        "agent-steps",
    ),
    Group(
        "bandit-user-agent",
        "10-armed testbed, eps-greedy written as a user's agent, 100,000 runs x 1000 steps",
        user_agent_fastrl,
        testbed_fastrl,
        "the built-in EpsilonGreedy",
        None,
        0.9,
        "agent-steps",
    ),
    Group(
        "tabular-qlearning",
        "FrozenLake 4x4 Q-learning, 10,000 runs x 200 episodes, statistics included",
        qlearning_fastrl,
        qlearning_gymnasium,
        "Gymnasium FrozenLake-v1 from Python",
        50e6,
        500.0,
        "env-steps",
    ),
    Group(
        "tabular-handwritten",
        "the tabular-qlearning job against a hand-written numba kernel of it",
        qlearning_fastrl,
        qlearning_handwritten,
        "hand-written numba Q-learning",
        None,
        0.9,
        "env-steps",
    ),
    Group(
        "planning-vi",
        "value iteration, 10,000 random 8x8 maps, gamma 0.99, tol 1e-8",
        planning_fastrl,
        planning_numpy,
        "dense numpy (lockstep)",
        None,
        10.0,
        "maps",
    ),
    Group(
        "evaluate",
        "evaluate 10,000 policies x 100 episodes, FrozenLake 4x4 (target: < 2 s)",
        evaluate_fastrl,
        evaluate_gymnasium,
        "Gymnasium FrozenLake-v1 from Python",
        0.5e6,
        None,
        "episodes",
    ),
    Group(
        "gym-vector",
        "make_vec fastrl/FrozenLake-v1, 4096 envs, random numpy actions",
        gym_fastrl,
        gym_sync,
        "Gymnasium SyncVectorEnv",
        20e6,
        200.0,
        "env-steps",
    ),
    Group(
        "sweep-fig26",
        "figure 2.6 parameter study, 25 points x 2000 runs x 1000 steps, one sweep (target: < 2 s)",
        fig26_sweep,
        fig26_simulate,
        "25 simulate calls",
        25e6,
        None,
        "agent-steps",
    ),
    Group(
        "sweep-cluster",
        "8-point sweep, 100,000 runs x 1000 steps each, 2-worker Dask LocalCluster",
        cluster_sweep,
        local_sweep,
        "the same sweep on local numba threads",
        None,
        0.9,
        "agent-steps",
        repeat=1,  # --scale 25 is issue 14's 2e10 agent-steps: 9 minutes a call here
    ),
    Group(
        "sweep-chunk-overhead",
        "800 chunks of one block x 1 step (no work): what a chunk costs, 2-worker LocalCluster",
        cluster_chunks,
        local_chunks,
        "the same chunks in this process",
        None,
        None,
        "chunks",
    ),
    Group(
        "control-cartpole",
        "CartPole-v1 linear policies, 4096 x 10 episodes, fused rollouts",
        cartpole_fastrl,
        cartpole_gymnasium,
        "Gymnasium CartPoleVectorEnv (numpy, 65,536 envs)",
        100e6,
        5.0,
        "env-steps",
    ),
    Group(
        "gym-cartpole",
        "make_vec fastrl/CartPole-v1, 4096 envs, random numpy actions",
        gym_cartpole_fastrl,
        gym_cartpole_gymnasium,
        "Gymnasium CartPoleVectorEnv (4096 envs)",
        None,
        3.0,
        "env-steps",
    ),
] + [
    Group(
        f"gym-{env_id.split('-')[0].lower()}",
        f"make_vec fastrl/{env_id}, 4096 envs, random actions",
        classic_fastrl(env_id),
        classic_gymnasium(env_id),
        f"Gymnasium {env_id} from Python",
        None,
        20.0,
        "env-steps",
    )
    for env_id in CLASSIC_IDS
]

GROUPS += _catalogue_groups(Group)

GROUPS.append(
    Group(
        "learn-mc",
        "Blackjack first-visit MC control, eps 0.1, 1024 runs x 20,000 episodes, statistics in",
        mc_blackjack_fastrl,
        mc_blackjack_gymnasium,
        "Gymnasium Blackjack-v1 MC control from Python",
        20e6,
        None,
        "episodes",
    )
)
from fastrl._bench_learners import groups as _learner_groups  # noqa: E402

GROUPS += _learner_groups(Group)
