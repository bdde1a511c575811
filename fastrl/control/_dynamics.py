"""CartPole-v1's equations of motion, shared by every control kernel.

The search kernels and the Gymnasium environments step the cart through these
helpers, so they cannot disagree about dynamics. The arithmetic is Gymnasium's
``CartPoleEnv.step`` operation for operation (the same products in the same
order, float64 throughout), so trajectories agree with Gymnasium's to the
last bits of the sine and cosine. Those come from :func:`small_sin` and
:func:`small_cos` (fdlibm's kernel polynomials, within one ulp of libm's for
the pole's angles): a libm call for each was half of a CartPole step, and
the polynomials inline into the step (measured A/B, 2-core machine: fused
rollouts 48.9 -> 57.8 M env-steps/s).

Physical parameters are one row of ``params[P, NUM_PARAMS]`` (row ``r`` is the
run's, or 0 when all runs share one row); the column indices are the ``P_*``
constants. Initial states draw ``uniform(key, counter(t, k))`` for ``k`` in
0..3 (:data:`SLOT_RESET` + k), ``t`` being the environment's step counter at
the reset: CartPole's steps draw nothing.
"""

from __future__ import annotations

import math

import numpy as np

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

# fdlibm's kernel polynomials (__kernel_sin, __kernel_cos) for |x| <= pi/4, error
# under 1 ulp; CartPole's pole angle stays far inside (|theta| < 0.21 + one step).
_S1 = -1.66666666666666324348e-01
_S2 = 8.33333333332248946124e-03
_S3 = -1.98412698298579493134e-04
_S4 = 2.75573137070700676789e-06
_S5 = -2.50507602534068634195e-08
_S6 = 1.58969099521155010221e-10
_C1 = 4.16666666666666019037e-02
_C2 = -1.38888888888741095749e-03
_C3 = 2.48015872894767294178e-05
_C4 = -2.75573143513906633035e-07
_C5 = 2.08757232129817482790e-09
_C6 = -1.13596475577881948265e-11
_POLY_LIMIT = 0.785


#: the largest |angle| for which :func:`poly_sin` and :func:`poly_cos` are valid
POLY_LIMIT = _POLY_LIMIT


@ijit
def poly_sin(x):
    """fdlibm's kernel polynomial of sin(x), within 1 ulp for |x| <= pi/4; no branch, no call."""
    z = x * x
    r = _S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))
    return x + z * x * (_S1 + z * r)


@ijit
def poly_cos(x):
    """fdlibm's kernel polynomial of cos(x), within 1 ulp for |x| <= pi/4; no branch, no call."""
    z = x * x
    r = z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    hz = 0.5 * z
    w = 1.0 - hz
    return w + (((1.0 - w) - hz) + z * r)


@ijit
def small_sin(x):
    """sin(x) within 1 ulp for |x| <= pi/4 (fdlibm's kernel), libm beyond."""
    if abs(x) > _POLY_LIMIT:
        return math.sin(x)
    return poly_sin(x)


@ijit
def small_cos(x):
    """cos(x) within 1 ulp for |x| <= pi/4 (fdlibm's kernel), libm beyond."""
    if abs(x) > _POLY_LIMIT:
        return math.cos(x)
    return poly_cos(x)


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
def cartpole_advance(
    x, x_dot, theta, theta_dot, force, costheta, sintheta, gravity, masspole, total_mass, length,
    polemass_length, tau, semi,
):  # fmt: skip
    """The state after one step from the given force, cosine and sine of theta.

    Gymnasium's arithmetic; ``semi`` (semi-implicit Euler) is a select, not a
    branch, so a loop of these over lanes or rows vectorizes.
    """
    temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass
    thetaacc = (gravity * sintheta - costheta * temp) / (
        length * (4.0 / 3.0 - masspole * (costheta * costheta) / total_mass)
    )
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    x_dot_new = x_dot + tau * xacc
    theta_dot_new = theta_dot + tau * thetaacc
    # Euler moves with the old velocities, semi-implicit Euler with the new ones
    x = x + tau * (x_dot_new if semi else x_dot)
    theta = theta + tau * (theta_dot_new if semi else theta_dot)
    return x, x_dot_new, theta, theta_dot_new


@ijit
def cartpole_step(params, r, x, x_dot, theta, theta_dot, action):
    """One step of ``CartPoleEnv.step``: returns ``(x, x_dot, theta, theta_dot, terminated)``."""
    force = params[r, P_FORCE_MAG] if action == 1 else -params[r, P_FORCE_MAG]
    x, x_dot, theta, theta_dot = cartpole_advance(
        x, x_dot, theta, theta_dot, force, small_cos(theta), small_sin(theta),
        params[r, P_GRAVITY], params[r, P_MASSPOLE], params[r, P_TOTAL_MASS], params[r, P_LENGTH],
        params[r, P_POLEMASS_LENGTH], params[r, P_TAU], params[r, P_SEMI_IMPLICIT] != 0.0,
    )  # fmt: skip
    ended = cartpole_ended(x, theta, params[r, P_X_THRESHOLD], params[r, P_THETA_THRESHOLD])
    return x, x_dot, theta, theta_dot, ended


@ijit
def cartpole_ended(x, theta, x_lim, theta_lim):
    """Gymnasium's termination: the cart or the pole beyond its threshold (no branch)."""
    return (x < -x_lim) | (x > x_lim) | (theta < -theta_lim) | (theta > theta_lim)


@ijit
def cartpole_constants(params, r):
    """Row ``r``'s ``(force_mag, gravity, masspole, total_mass, length, polemass_length, tau,
    semi, x_lim, theta_lim)``: what :func:`cartpole_advance` and :func:`cartpole_ended` take,
    read once before a loop over lanes or rows."""
    return (
        params[r, P_FORCE_MAG], params[r, P_GRAVITY], params[r, P_MASSPOLE],
        params[r, P_TOTAL_MASS], params[r, P_LENGTH], params[r, P_POLEMASS_LENGTH],
        params[r, P_TAU], params[r, P_SEMI_IMPLICIT] != 0.0, params[r, P_X_THRESHOLD],
        params[r, P_THETA_THRESHOLD],
    )  # fmt: skip


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


# Acrobot-v1 (Sutton 1996; the "book" dynamics of Sutton & Barto 1998):
# columns of its parameter rows.
A_LINK_LENGTH_1 = 0
A_LINK_LENGTH_2 = 1
A_LINK_MASS_1 = 2
A_LINK_MASS_2 = 3
A_LINK_COM_POS_1 = 4
A_LINK_COM_POS_2 = 5
A_LINK_MOI = 6
A_MAX_VEL_1 = 7
A_MAX_VEL_2 = 8
A_DT = 9
NUM_ACROBOT_PARAMS = 10
_G = 9.8


@ijit
def acrobot_reset(key, t, low, high):
    """Gymnasium's reset: ``uniform(low, high, size=4).astype(float32)``, held as float64."""
    width = high - low
    return (
        np.float64(np.float32(low + width * uniform(key, counter(t, SLOT_RESET)))),
        np.float64(np.float32(low + width * uniform(key, counter(t, SLOT_RESET + 1)))),
        np.float64(np.float32(low + width * uniform(key, counter(t, SLOT_RESET + 2)))),
        np.float64(np.float32(low + width * uniform(key, counter(t, SLOT_RESET + 3)))),
    )


@ijit
def _acrobot_dsdt(params, r, theta1, theta2, dtheta1, dtheta2, a):
    # AcrobotEnv._dsdt with book_or_nips = "book", operation for operation.
    m1 = params[r, A_LINK_MASS_1]
    m2 = params[r, A_LINK_MASS_2]
    l1 = params[r, A_LINK_LENGTH_1]
    lc1 = params[r, A_LINK_COM_POS_1]
    lc2 = params[r, A_LINK_COM_POS_2]
    moi = params[r, A_LINK_MOI]
    pi = math.pi
    cos2 = math.cos(theta2)
    sin2 = math.sin(theta2)
    d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + moi + moi
    d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + moi
    phi2 = m2 * lc2 * _G * math.cos(theta1 + theta2 - pi / 2.0)
    phi1 = (
        -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin2
        - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
        + (m1 * lc1 + m2 * l1) * _G * math.cos(theta1 - pi / 2)
        + phi2
    )
    ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin2 - phi2) / (
        m2 * (lc2 * lc2) + moi - (d2 * d2) / d1
    )
    ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return dtheta1, dtheta2, ddtheta1, ddtheta2


@ijit
def _wrap(x, m, big_m):
    diff = big_m - m
    while x > big_m:
        x = x - diff
    while x < m:
        x = x + diff
    return x


@ijit
def acrobot_step(params, r, s0, s1, s2, s3, action):
    """One step of ``AcrobotEnv.step`` (RK4 over ``[0, dt]``, no torque noise).

    Returns ``(theta1, theta2, dtheta1, dtheta2, terminated)``.
    """
    a = action - 1.0  # AVAIL_TORQUE = [-1, 0, 1]
    dt = params[r, A_DT] - 0.0
    dt2 = dt / 2.0
    k10, k11, k12, k13 = _acrobot_dsdt(params, r, s0, s1, s2, s3, a)
    k20, k21, k22, k23 = _acrobot_dsdt(
        params, r, s0 + dt2 * k10, s1 + dt2 * k11, s2 + dt2 * k12, s3 + dt2 * k13, a
    )
    k30, k31, k32, k33 = _acrobot_dsdt(
        params, r, s0 + dt2 * k20, s1 + dt2 * k21, s2 + dt2 * k22, s3 + dt2 * k23, a
    )
    k40, k41, k42, k43 = _acrobot_dsdt(
        params, r, s0 + dt * k30, s1 + dt * k31, s2 + dt * k32, s3 + dt * k33, a
    )
    w = dt / 6.0
    n0 = s0 + w * (k10 + 2 * k20 + 2 * k30 + k40)
    n1 = s1 + w * (k11 + 2 * k21 + 2 * k31 + k41)
    n2 = s2 + w * (k12 + 2 * k22 + 2 * k32 + k42)
    n3 = s3 + w * (k13 + 2 * k23 + 2 * k33 + k43)
    pi = math.pi
    n0 = _wrap(n0, -pi, pi)
    n1 = _wrap(n1, -pi, pi)
    v1 = params[r, A_MAX_VEL_1]
    v2 = params[r, A_MAX_VEL_2]
    n2 = min(max(n2, -v1), v1)
    n3 = min(max(n3, -v2), v2)
    terminated = -math.cos(n0) - math.cos(n1 + n0) > 1.0
    return n0, n1, n2, n3, terminated


# Pendulum-v1: columns of its parameter rows.
D_G = 0
D_M = 1
D_L = 2
D_DT = 3
D_MAX_SPEED = 4
D_MAX_TORQUE = 5
NUM_PENDULUM_PARAMS = 6
_F32_MILLI = np.float32(0.001)


@ijit
def pendulum_reset(key, t, x_init, y_init):
    """Gymnasium's reset: ``uniform(-[x_init, y_init], [x_init, y_init])`` (theta, theta_dot)."""
    return (
        -x_init + (x_init - -x_init) * uniform(key, counter(t, SLOT_RESET)),
        -y_init + (y_init - -y_init) * uniform(key, counter(t, SLOT_RESET + 1)),
    )


@ijit
def pendulum_step(params, r, th, thdot, action):
    """One step of ``PendulumEnv.step`` for a float32 torque: ``(theta, theta_dot, reward)``.

    Gymnasium mixes float32 into the arithmetic: the clipped torque ``u`` stays
    float32, so ``0.001 * u**2`` and ``3 / (m l^2) * u`` are float32 products
    (numpy 2 turns the Python factor into float32), added to float64 terms.
    """
    max_torque = params[r, D_MAX_TORQUE]
    u = np.float32(min(max(np.float64(action), -max_torque), max_torque))
    g = params[r, D_G]
    m = params[r, D_M]
    ell = params[r, D_L]
    dt = params[r, D_DT]
    pi = math.pi
    norm = ((th + pi) % (2 * pi)) - pi
    costs = norm * norm + 0.1 * (thdot * thdot) + np.float64(_F32_MILLI * (u * u))
    torque_acc = np.float64(np.float32(3.0 / (m * (ell * ell))) * u)
    newthdot = thdot + (3 * g / (2 * ell) * math.sin(th) + torque_acc) * dt
    max_speed = params[r, D_MAX_SPEED]
    newthdot = min(max(newthdot, -max_speed), max_speed)
    newth = th + newthdot * dt
    return newth, newthdot, -costs


# MountainCarContinuous-v0: columns of its parameter rows.
C_POWER = 0
C_MIN_POSITION = 1
C_MAX_POSITION = 2
C_MAX_SPEED = 3
C_GOAL_POSITION = 4
C_GOAL_VELOCITY = 5
NUM_CONTINUOUS_MOUNTAIN_CAR_PARAMS = 6


@ijit
def _f32(x):
    return np.float64(np.float32(x))


@ijit
def continuous_mountain_car_step(params, r, position, velocity, action, first):
    """One step of ``Continuous_MountainCarEnv.step``: ``(position, velocity, terminated, reward)``.

    Gymnasium stores the state as float32 after every step (float64 after a
    reset, ``first``) and numpy 2 computes ``float32 op Python float`` in
    float32, comparisons included; so each quantity here carries whether
    Gymnasium holds it as a float32 (``*_32``) and is rounded exactly where
    Gymnasium rounds. ``action`` is the float32 force before clipping.
    """
    p32 = not first
    a = np.float32(action)
    # force = min(max(a, -1.0), 1.0): a stays float32 unless clipped to a Python float.
    if np.float32(-1.0) > a:
        force, f32 = -1.0, False
    elif np.float32(1.0) < a:
        force, f32 = 1.0, False
    else:
        force, f32 = np.float64(a), True
    power = params[r, C_POWER]
    if p32:
        c = 0.0025 * math.cos(_f32(3.0 * position))
    else:
        c = 0.0025 * math.cos(3 * position)
    if f32:
        term = np.float64(np.float32(a * np.float32(power)) - np.float32(c))
    else:
        term = force * power - c
    if p32:  # float32 velocity: float32 + (float32 or Python float) stays float32
        velocity = _f32(np.float32(velocity) + np.float32(term))
        v32 = True
    else:
        velocity = velocity + term
        v32 = False
    max_speed = params[r, C_MAX_SPEED]
    lim = _f32(max_speed) if v32 else max_speed
    if velocity > lim:
        velocity, v32 = max_speed, False
    lim = _f32(-max_speed) if v32 else -max_speed
    if velocity < lim:
        velocity, v32 = -max_speed, False
    if p32:
        position = _f32(np.float32(position) + np.float32(velocity))
    else:
        position = position + velocity
    max_position = params[r, C_MAX_POSITION]
    if position > (_f32(max_position) if p32 else max_position):
        position, p32 = max_position, False
    min_position = params[r, C_MIN_POSITION]
    if position < (_f32(min_position) if p32 else min_position):
        position, p32 = min_position, False
    if position == (_f32(min_position) if p32 else min_position) and velocity < 0:
        velocity, v32 = 0.0, False
    goal_v = params[r, C_GOAL_VELOCITY]
    terminated = position >= (
        _f32(params[r, C_GOAL_POSITION]) if p32 else params[r, C_GOAL_POSITION]
    ) and velocity >= (_f32(goal_v) if v32 else goal_v)
    reward = 100.0 if terminated else 0.0
    reward -= math.pow(np.float64(a), 2) * 0.1
    return _f32(position), _f32(velocity), terminated, reward
