"""CartPole-v1's equations of motion, shared by every control kernel.

The search kernels and the Gymnasium environments step the cart through these
helpers, so they cannot disagree about dynamics. The arithmetic is Gymnasium's
``CartPoleEnv.step`` operation for operation (the same products in the same
order, float64 throughout), so trajectories agree with Gymnasium's to the
last bits of the sine and cosine.

Physical parameters are one row of ``params[P, NUM_PARAMS]`` (row ``r`` is the
run's, or 0 when all runs share one row); the column indices are the ``P_*``
constants. Initial states draw ``uniform(key, counter(t, k))`` for ``k`` in
0..3 (:data:`SLOT_RESET` + k), ``t`` being the environment's step counter at
the reset: CartPole's steps draw nothing.
"""

from __future__ import annotations

import math

from fastrl._jit import ijit
from fastrl.rng import counter, uniform

P_GRAVITY = 0
P_MASSCART = 1
P_MASSPOLE = 2
P_TOTAL_MASS = 3
P_LENGTH = 4
P_POLEMASS_LENGTH = 5
P_FORCE_MAG = 6
P_TAU = 7
P_THETA_THRESHOLD = 8
P_X_THRESHOLD = 9
P_SEMI_IMPLICIT = 10
NUM_PARAMS = 11

SLOT_RESET = 0


@ijit
def cartpole_reset(key, t, low, high):
    """Gymnasium's reset, ``uniform(low, high, size=4)``, from the addressed draws at step ``t``."""
    width = high - low
    return (
        low + width * uniform(key, counter(t, SLOT_RESET)),
        low + width * uniform(key, counter(t, SLOT_RESET + 1)),
        low + width * uniform(key, counter(t, SLOT_RESET + 2)),
        low + width * uniform(key, counter(t, SLOT_RESET + 3)),
    )


@ijit
def cartpole_step(params, r, x, x_dot, theta, theta_dot, action):
    """One step of ``CartPoleEnv.step``: returns ``(x, x_dot, theta, theta_dot, terminated)``."""
    force = params[r, P_FORCE_MAG] if action == 1 else -params[r, P_FORCE_MAG]
    costheta = math.cos(theta)
    sintheta = math.sin(theta)
    total_mass = params[r, P_TOTAL_MASS]
    polemass_length = params[r, P_POLEMASS_LENGTH]
    temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass
    thetaacc = (params[r, P_GRAVITY] * sintheta - costheta * temp) / (
        params[r, P_LENGTH]
        * (4.0 / 3.0 - params[r, P_MASSPOLE] * (costheta * costheta) / total_mass)
    )
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    tau = params[r, P_TAU]
    if params[r, P_SEMI_IMPLICIT] == 0.0:
        x = x + tau * x_dot
        x_dot = x_dot + tau * xacc
        theta = theta + tau * theta_dot
        theta_dot = theta_dot + tau * thetaacc
    else:
        x_dot = x_dot + tau * xacc
        x = x + tau * x_dot
        theta_dot = theta_dot + tau * thetaacc
        theta = theta + tau * theta_dot
    x_lim = params[r, P_X_THRESHOLD]
    theta_lim = params[r, P_THETA_THRESHOLD]
    terminated = x < -x_lim or x > x_lim or theta < -theta_lim or theta > theta_lim
    return x, x_dot, theta, theta_dot, terminated


# MountainCar-v0 (Moore 1990): columns of its parameter rows.
M_FORCE = 0
M_GRAVITY = 1
M_MIN_POSITION = 2
M_MAX_POSITION = 3
M_MAX_SPEED = 4
M_GOAL_POSITION = 5
M_GOAL_VELOCITY = 6
NUM_MOUNTAIN_CAR_PARAMS = 7


@ijit
def mountain_car_reset(key, t, low, high):
    """Gymnasium's reset: position ``uniform(low, high)`` (draw ``counter(t, 0)``), velocity 0."""
    return low + (high - low) * uniform(key, counter(t, SLOT_RESET)), 0.0


@ijit
def mountain_car_step(params, r, position, velocity, action):
    """One step of ``MountainCarEnv.step``: returns ``(position, velocity, terminated)``."""
    velocity += (action - 1) * params[r, M_FORCE] + math.cos(3 * position) * (-params[r, M_GRAVITY])
    max_speed = params[r, M_MAX_SPEED]
    velocity = min(max(velocity, -max_speed), max_speed)
    position += velocity
    min_position = params[r, M_MIN_POSITION]
    position = min(max(position, min_position), params[r, M_MAX_POSITION])
    if position == min_position and velocity < 0:
        velocity = 0.0
    terminated = position >= params[r, M_GOAL_POSITION] and velocity >= params[r, M_GOAL_VELOCITY]
    return position, velocity, terminated
