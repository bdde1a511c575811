"""Naive tile-coding Sarsa on Mountain Car, written from the book, for tests/test_tile_coding.py.

Plain Python, one run, no numba and none of fastrl's tile coder: episodic
semi-gradient Sarsa as in the box of Sutton & Barto (2018) section 10.2, the
features of section 9.5.4 computed the way Sutton's ``tiles3`` does (offsets
``tiling * (1 + 2 j)`` added in units of ``1 / tilings`` of a tile, the
coordinates hashed by a dictionary that numbers tiles in the order they are
first met, like ``tiles3``'s index hash table, with the action appended as in
the book's code), and Gymnasium's MountainCar-v0 step written out.

The random draws come from a *draw source* with four methods, so the same
loop runs on fastrl's addressed draws (:class:`FastrlDraws`: the kernel's
trajectory, bit for bit) or on numpy's generator (:class:`NumpyDraws`:
independent numbers for a statistical comparison).
"""

from __future__ import annotations

import math

import numpy as np

from fastrl.policies import SLOT_ACTION, SLOT_EXPLORE, SLOT_TIE
from fastrl.rng import STREAM_AGENT, STREAM_ENV, counter, randint, run_key, stream_roots, uniform

POSITION_MIN, GOAL, MAX_POSITION, MAX_SPEED = -1.2, 0.5, 0.6, 0.07
FORCE, GRAVITY = 0.001, 0.0025


class FastrlDraws:
    """Run ``run`` of seed ``seed`` as :func:`fastrl.control.tile_sarsa` draws it."""

    def __init__(self, seed: int, run: int):
        roots = stream_roots(seed)
        self.env = np.uint64(run_key(roots[STREAM_ENV], np.uint64(run)))
        self.agent = np.uint64(run_key(roots[STREAM_AGENT], np.uint64(run)))

    def start(self, t):
        low, high = -0.6, -0.4
        return low + (high - low) * uniform(self.env, counter(t, 0))

    def explore(self, t, epsilon):
        return epsilon > 0.0 and uniform(self.agent, counter(t, SLOT_EXPLORE)) < epsilon

    def action(self, t):
        return int(randint(self.agent, counter(t, SLOT_ACTION), 3))

    def tie(self, t, n):
        return int(randint(self.agent, counter(t, SLOT_TIE), n))


class NumpyDraws:
    """Independent draws from ``numpy.random.default_rng(seed)``."""

    def __init__(self, seed: int):
        self.gen = np.random.default_rng(seed)

    def start(self, t):
        return float(self.gen.uniform(-0.6, -0.4))

    def explore(self, t, epsilon):
        return epsilon > 0.0 and self.gen.random() < epsilon

    def action(self, t):
        return int(self.gen.integers(3))

    def tie(self, t, n):
        return int(self.gen.integers(n))


class IndexTable:
    """``tiles3``'s index hash table without collisions: coordinates -> 0, 1, 2, ..."""

    def __init__(self):
        self.index = {}

    def __call__(self, coords):
        if coords not in self.index:
            self.index[coords] = len(self.index)
        return self.index[coords]


def tile_coords(position, velocity, tilings, tiles):
    """The ``tilings`` coordinate tuples ``(tiling, c_position, c_velocity)`` of a state.

    Both variables measured from the bottom of their range in tile widths
    (``tiles`` tiles across ``[-1.2, 0.5]`` and ``[-0.07, 0.07]``), then
    ``tiles3``: ``q = floor(f * tilings)``, coordinate ``(q + b) // tilings``
    with ``b = tiling`` for the position and ``3 * tiling`` for the velocity.
    """
    floats = (
        (position - POSITION_MIN) * (tiles * tilings / (GOAL - POSITION_MIN)),
        (velocity - -MAX_SPEED) * (tiles * tilings / (MAX_SPEED - -MAX_SPEED)),
    )
    qs = [min(max(math.floor(f), 0), tiles * tilings) for f in floats]
    out = []
    for tiling in range(tilings):
        coords = [tiling]
        b = tiling
        for q in qs:
            coords.append((q + b) // tilings)
            b += 2 * tiling
        out.append(tuple(coords))
    return out


def step(position, velocity, action):
    """``MountainCarEnv.step``'s arithmetic: ``(position, velocity, terminated)``."""
    velocity += (action - 1) * FORCE + math.cos(3 * position) * (-GRAVITY)
    velocity = min(max(velocity, -MAX_SPEED), MAX_SPEED)
    position += velocity
    position = min(max(position, POSITION_MIN), MAX_POSITION)
    if position == POSITION_MIN and velocity < 0:
        velocity = 0.0
    return position, velocity, position >= GOAL and velocity >= 0.0


def tile_sarsa_run(draws, *, episodes, alpha, epsilon=0.0, gamma=1.0, tilings=8, tiles=8,
                   max_steps=10_000):  # fmt: skip
    """One run: ``(steps per episode, {(tiling, c0, c1, action): weight})``.

    ``alpha`` is the book's step size; each active weight moves by ``alpha /
    tilings``. Greedy ties go to the ``draws.tie``-th maximal action in index order.
    """
    step_size = alpha / tilings
    table = IndexTable()
    w = {}

    def features(coords, a):
        return [table(c + (a,)) for c in coords]

    def q(coords, a):
        v = 0.0
        for f in features(coords, a):
            v += w.get(f, 0.0)
        return v

    def policy(coords, t):
        if draws.explore(t, epsilon):
            return draws.action(t)
        values = [q(coords, a) for a in range(3)]
        best = max(values)
        tied = [a for a in range(3) if values[a] == best]
        return tied[draws.tie(t, len(tied))] if len(tied) > 1 else tied[0]

    lengths = []
    t = 0
    for _ in range(episodes):
        pos, vel = draws.start(t), 0.0
        coords = tile_coords(pos, vel, tilings, tiles)
        a = policy(coords, t)
        n = 0
        while True:
            pos, vel, done = step(pos, vel, a)
            n += 1
            t += 1
            q_sa = q(coords, a)
            if done:
                target = -1.0
            else:
                coords_next = tile_coords(pos, vel, tilings, tiles)
                a_next = policy(coords_next, t)
                target = -1.0 + gamma * q(coords_next, a_next)
            delta = step_size * (target - q_sa)
            for f in features(coords, a):
                w[f] = w.get(f, 0.0) + delta
            if done or n >= max_steps:
                break
            coords, a = coords_next, a_next
        lengths.append(n)
    weights = {key: w.get(i, 0.0) for key, i in table.index.items()}
    return np.array(lengths), weights
