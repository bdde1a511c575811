"""fastrl as a Gymnasium backend: 4096 FrozenLakes in one native vector env, your own loop.

Importing ``fastrl.gym`` registers ``fastrl/FrozenLake-v1`` (and friends) with
a ``vector_entry_point``, so ``gymnasium.make_vec(..., num_envs=4096)`` builds
one numba-stepped vector environment instead of 4096 Python ones. The
example measures random-action steps/s beside Gymnasium's own
``SyncVectorEnv`` of ``FrozenLake-v1``, then runs a user-written batched
Q-learning loop (plain numpy on the vector env, Gymnasium 1.x's next-step
autoreset handled the usual way) and records a GIF of the learned greedy
policy with ``record_gif``.

Run: ``python examples/gymnasium_backend.py`` (``--help`` for the sizes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import gymnasium as gym
import numpy as np
from _args import arg, parse, save, setup_matplotlib

import fastrl.gym  # noqa: F401  (registers the fastrl/... ids)
from fastrl.tabular import evaluate, frozen_lake


@dataclass(frozen=True)
class Args:
    """fastrl's native vector FrozenLake driven by a user's loop, beside SyncVectorEnv."""

    num_envs: int = arg(4096, "sub-environments of each vector env")
    steps: int = arg(2000, "random-action steps timed on fastrl's vector env")
    gym_steps: int = arg(50, "random-action steps timed on Gymnasium's SyncVectorEnv")
    learn_steps: int = arg(2000, "vector steps of the user's Q-learning loop")
    alpha: float = arg(0.1, "Q-learning step size (applied to the batch-mean TD error)")
    gamma: float = arg(0.99, "discount")
    epsilon: float = arg(0.2, "exploration of the behaviour policy")
    seed: int = arg(0, "seed")
    out: str = arg("examples/out", "directory for the PNG and the GIF")


def steps_per_s(envs, steps: int, seed: int) -> float:
    envs.reset(seed=seed)
    envs.action_space.seed(seed)
    actions = [envs.action_space.sample() for _ in range(steps)]  # not part of the timing
    t0 = time.perf_counter()
    for a in actions:
        envs.step(a)
    return steps * envs.num_envs / (time.perf_counter() - t0)


def q_learning(envs, args: Args):
    """A batched Q-learning loop over ``envs``, written as a user would; returns Q and a curve."""
    S, A = envs.single_observation_space.n, envs.single_action_space.n
    gen = np.random.default_rng(args.seed)
    q = np.zeros((S, A))
    obs, _ = envs.reset(seed=args.seed)
    autoreset = np.zeros(envs.num_envs, dtype=bool)
    curve = []
    for _ in range(args.learn_steps):
        greedy = np.argmax(q[obs] + 1e-9 * gen.random((obs.size, A)), axis=1)  # random ties
        explore = gen.random(obs.size) < args.epsilon
        actions = np.where(explore, gen.integers(A, size=obs.size), greedy)
        next_obs, rewards, term, trunc, _ = envs.step(actions)
        # Next-step autoreset: where the previous step ended, this step was a reset.
        valid = ~autoreset
        s, a, r, s2 = obs[valid], actions[valid], rewards[valid], next_obs[valid]
        target = r + args.gamma * q[s2].max(axis=1) * ~term[valid]
        # Many sub-environments update the same (s, a): average their TD errors.
        flat = s * A + a
        counts = np.bincount(flat, minlength=S * A)
        td = np.bincount(flat, target - q[s, a], minlength=S * A)
        q += (args.alpha * td / np.maximum(counts, 1)).reshape(S, A)
        ended = (term | trunc) & valid
        if ended.any():
            curve.append(float(rewards[ended].mean()))
        obs, autoreset = next_obs, term | trunc
    return q, np.array(curve)


def main(args: Args) -> None:
    plt = setup_matplotlib()
    envs = gym.make_vec("fastrl/FrozenLake-v1", num_envs=args.num_envs)
    print(f"fastrl: {type(envs).__name__} with {envs.num_envs} sub-environments")
    fast = steps_per_s(envs, args.steps, args.seed)
    ref = gym.make_vec("FrozenLake-v1", num_envs=args.num_envs, vectorization_mode="sync")
    slow = steps_per_s(ref, args.gym_steps, args.seed)
    ref.close()
    print(f"  random actions, fastrl native vector env: {fast / 1e6:8.2f} million steps/s")
    print(f"  random actions, Gymnasium SyncVectorEnv:  {slow / 1e6:8.2f} million steps/s")
    print(f"  ratio: {fast / slow:.0f}x")

    t0 = time.perf_counter()
    q, curve = q_learning(envs, args)
    dt = time.perf_counter() - t0
    total = args.learn_steps * args.num_envs
    print(
        f"\nUser's Q-learning loop: {args.learn_steps} x {args.num_envs} = {total} steps "
        f"in {dt:.2f} s ({total / dt / 1e6:.2f} million steps/s, numpy updates included)"
    )
    policy = np.argmax(q, axis=1)
    mdp = frozen_lake("4x4")
    ev = evaluate(mdp, policy, episodes=10_000, seed=args.seed + 1)
    print(f"  greedy policy: success rate {ev.success_rate[0]:.3f} over 10,000 episodes")
    envs.close()

    fig, ax = plt.subplots(figsize=(6, 3.5), constrained_layout=True)
    window = max(1, len(curve) // 50)
    smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
    ax.plot(smooth)
    ax.set(
        title=f"Q-learning on {args.num_envs} vector FrozenLakes",
        xlabel="vector step (with an episode ending)",
        ylabel="success rate of ending episodes",
    )
    save(fig, args.out, "gymnasium_backend.png")

    # An animated GIF of the learned greedy policy on the map (pillow, the ``gif`` extra).
    from fastrl.gym import record_gif

    gif = Path(args.out) / "frozenlake_policy.gif"
    frames = record_gif(mdp, policy, gif, seed=args.seed, episodes=1, max_steps=100)
    print(f"  wrote {gif} ({frames} frames)")


if __name__ == "__main__":
    main(parse(Args))
