"""Textbook tasks of Sutton & Barto (2018) as :class:`TabularMDP` builders.

* :func:`gamblers_problem`: example 4.3, figure 4.3.
* :func:`jacks_car_rental`: example 4.2, figure 4.2.
* :func:`maximization_bias`: example 6.7, figure 6.5.

(The random walk of example 6.2 is :func:`fastrl.tabular.random_walk.random_walk`.)

Example
-------
>>> from fastrl.tabular import gamblers_problem, value_iteration
>>> res = value_iteration(gamblers_problem(goal=100, p_heads=0.4), gamma=1.0, tol=1e-12)
>>> round(float(res.values[50]), 6)
0.4
"""

from __future__ import annotations

import math

import numpy as np

from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import MAX_MAGNITUDE, check_int, check_memory, check_real, check_size

__all__ = ["gamblers_problem", "jacks_car_rental", "maximization_bias"]


def gamblers_problem(goal: int = 100, p_heads: float = 0.4) -> TabularMDP:
    """The gambler's problem (Sutton & Barto example 4.3, figure 4.3).

    States are the capital ``s = 0 .. goal``; ``0`` and ``goal`` are terminal
    (absorbing self-loops with ``terminated=True`` and reward 0). Action ``a``
    stakes ``a + 1``, ``a = 0 .. goal // 2 - 1``. The book also allows stake
    0, which would tie with the optimum everywhere (a self-loop worth ``V(s)``
    at ``gamma = 1``), so the lowest-index greedy policy would never bet; it
    is left out. A stake above ``min(s, goal - s)`` is clipped to that
    maximum, so it ties with the largest legal stake, which has the lower
    index and therefore wins the solvers' lowest-index tie-break. The
    lowest-index greedy policy is thus the smallest optimal stake, which is
    the policy the book plots (figure 4.3), up to ties that rounding decides.
    Entry 0 is a win (heads, probability ``p_heads``, to ``s + stake``),
    entry 1 a loss (to ``s - stake``). Reaching ``goal`` pays +1 and
    terminates; reaching 0 terminates with 0; every other transition pays 0,
    so with ``gamma = 1`` the value of ``s`` is the probability of reaching
    the goal. The initial distribution is uniform over ``1 .. goal - 1``; no
    episode limit.

    Parameters
    ----------
    goal : int >= 2
        The capital that wins (the book: 100).
    p_heads : float in (0, 1)
        Probability of heads (the book: 0.4, also 0.25 and 0.55 in exercise 4.9).

    Returns
    -------
    TabularMDP
        ``goal + 1`` states, ``goal // 2`` actions, 2 successors.
    """
    goal = check_size("goal", goal, low=2, high=2**20)
    p_heads = check_real("p_heads", p_heads, low=0.0, high=1.0, low_open=True, high_open=True)
    S, A = goal + 1, goal // 2
    check_memory({"goal": 25 * 2 * S * A})
    s = np.arange(S)[:, None]
    stake = np.minimum(np.arange(1, A + 1)[None, :], np.minimum(s, goal - s))
    win, lose = s + stake, s - stake
    next_state = np.stack([win, lose], axis=-1).astype(np.int64)
    prob = np.broadcast_to(np.array([p_heads, 1.0 - p_heads]), (S, A, 2)).copy()
    reward = (next_state == goal).astype(np.float64)
    term = (next_state == goal) | (next_state == 0)
    for end in (0, goal):  # terminal capital: one terminated self-loop, then padding
        next_state[end] = end
        prob[end] = (1.0, 0.0)
        reward[end] = 0.0
        term[end] = (True, False)
    initial = np.zeros(S)
    initial[1:goal] = 1.0 / (goal - 1)
    return TabularMDP(next_state, prob, reward, term, initial, f"Gambler-{goal}-{p_heads:g}")


def _poisson(lam: float, n: int) -> np.ndarray:
    """``P(X = 0 .. n - 1)`` of a Poisson(``lam``) variable, by ``math`` (same bits anywhere)."""
    return np.array([math.exp(-lam + j * math.log(lam) - math.lgamma(j + 1)) for j in range(n)])


def _location(capacity: int, lam_request: float, lam_return: float):
    """One location's day: ``P[n, m]`` of ending with ``m`` cars when ``n`` were there in
    the morning, and ``E[n, m] = E[rentals * 1{m}]``.

    Rentals are ``min(requests, n)`` (requests beyond the cars on hand are lost
    business: the tail ``P(requests >= n)`` rents all ``n``); the day's
    returns join the remaining cars and anything above ``capacity`` is lost
    (the tail ``P(returns >= capacity - left)`` ends at ``capacity``). Both
    tails are taken exactly (``1 - cdf``), so no probability is truncated.
    """
    size = capacity + 1
    req = _poisson(lam_request, size)
    ret = _poisson(lam_return, size)
    ret_tail = np.maximum(1.0 - np.cumsum(ret) + ret, 0.0)  # P(returns >= j)
    P = np.zeros((size, size))
    E = np.zeros((size, size))
    for n in range(size):
        rent = req[:n].copy()
        rent = np.append(rent, max(1.0 - rent.sum(), 0.0))  # P(rentals = 0 .. n)
        for k in range(n + 1):
            left = n - k
            room = capacity - left
            move = np.zeros(size)
            move[left:capacity] = ret[:room]
            move[capacity] = ret_tail[room]
            P[n] += rent[k] * move
            E[n] += k * rent[k] * move
    return P, E


def jacks_car_rental(
    *,
    max_cars: int = 20,
    max_move: int = 5,
    request_rates: tuple[float, float] = (3.0, 4.0),
    return_rates: tuple[float, float] = (3.0, 2.0),
    rent_reward: float = 10.0,
    move_cost: float = 2.0,
) -> TabularMDP:
    """Jack's car rental (Sutton & Barto example 4.2, figure 4.2; the book uses gamma 0.9).

    State ``s = n1 * (max_cars + 1) + n2`` holds the cars at the two
    locations at the end of a day (441 states for ``max_cars=20``). Action
    ``a = 0 .. 2 * max_move`` moves ``a - max_move`` cars overnight from the
    first location to the second (negative: the other way), for
    ``move_cost`` each. After the move a location keeps at most ``max_cars``
    (extras are returned to the nationwide company and disappear). Next day
    each location rents ``min(requests, cars)`` for ``rent_reward`` each,
    requests Poisson with ``request_rates``; returns, Poisson with
    ``return_rates``, join the lot, and cars beyond ``max_cars`` are lost. The
    Poisson tails are taken exactly as the book words it: requests beyond the
    cars on hand are lost business and returns beyond the capacity vanish,
    so ``P(requests >= n)`` rents all ``n`` cars and ``P(returns >= room)``
    fills the lot; nothing is truncated or renormalised.

    A move of more cars than the location has moves all of them and still
    pays for the number asked, so it is strictly worse than the legal move
    with the same effect and no optimal policy uses it.

    Every state is reachable from every ``(s, a)``, so each has
    ``(max_cars + 1) ** 2`` successors. The reward of an entry is the expected
    rent given its successor (plus the move's cost): the expected reward of
    every ``(s, a)``, hence every value and optimal policy, is the book's,
    while a sampled reward has less variance than the book's daily rent. A
    continuing task: uniform initial distribution, no episode limit.

    Parameters
    ----------
    max_cars : int >= 1
    max_move : int, 0 <= max_move <= max_cars
    request_rates, return_rates : pair of float > 0
        Poisson means at the first and second location.
    rent_reward, move_cost : float
    """
    max_cars = check_size("max_cars", max_cars, low=1, high=200)
    max_move = check_int("max_move", max_move, low=0, high=max_cars)
    rates = []
    for label, pair in (("request_rates", request_rates), ("return_rates", return_rates)):
        try:
            ok = not isinstance(pair, str) and np.ndim(pair) == 1 and len(pair) == 2
        except ValueError:  # ragged
            ok = False
        if not ok:
            raise TypeError(f"{label} must be a pair of Poisson means, got {pair!r}")
        rates.append([check_real(f"{label}[{j}]", x, low=0.0, low_open=True, high=1e3)
                      for j, x in enumerate(pair)])  # fmt: skip
    rent_reward = check_real("rent_reward", rent_reward, low=-MAX_MAGNITUDE, high=MAX_MAGNITUDE)
    move_cost = check_real("move_cost", move_cost, low=-MAX_MAGNITUDE, high=MAX_MAGNITUDE)
    size = max_cars + 1
    S, A, K = size * size, 2 * max_move + 1, size * size
    check_memory({"max_cars": 25 * S * A * K})
    P1, E1 = _location(max_cars, rates[0][0], rates[1][0])
    P2, E2 = _location(max_cars, rates[0][1], rates[1][1])
    n1, n2 = np.divmod(np.arange(S), size)
    moves = np.arange(A) - max_move
    asked = np.abs(moves).astype(np.float64)
    moved = np.clip(moves[None, :], -n2[:, None], n1[:, None])  # (S, A) cars actually moved
    m1 = np.minimum(n1[:, None] - moved, max_cars)
    m2 = np.minimum(n2[:, None] + moved, max_cars)
    prob = P1[m1][:, :, :, None] * P2[m2][:, :, None, :]  # (S, A, size, size)
    rent = (
        E1[m1][:, :, :, None] * P2[m2][:, :, None, :]
        + P1[m1][:, :, :, None] * E2[m2][:, :, None, :]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        reward = np.where(prob > 0.0, rent_reward * rent / prob, 0.0)
    reward = reward.reshape(S, A, K) - move_cost * asked[None, :, None]
    prob = prob.reshape(S, A, K)
    next_state = np.broadcast_to(np.arange(K), (S, A, K))
    term = np.zeros((S, A, K), dtype=bool)
    initial = np.full(S, 1.0 / S)
    return TabularMDP(next_state, prob, reward, term, initial, "JacksCarRental")


def maximization_bias(
    n_actions_b: int = 10, mean: float = -0.1, std: float = 1.0, reward_points: int = 8
) -> TabularMDP:
    """The maximization-bias MDP (Sutton & Barto example 6.7, figure 6.5).

    States: 0 is A (the start), 1 is B, 2 the terminal state (an absorbing
    self-loop with ``terminated=True``). From A, "right" terminates with
    reward 0 and "left" moves to B with reward 0; every action of B
    terminates with a reward of mean ``mean`` and standard deviation ``std``
    (the book: N(-0.1, 1)), so left is worse than right.

    Rewards: a :class:`TabularMDP` has discrete outcomes, so the normal
    reward is its ``reward_points``-point Gauss-Hermite quadrature: entries
    ``mean + std * x_j`` with probabilities ``w_j / sqrt(2 pi)``
    (probabilists' nodes and weights, :func:`numpy.polynomial.hermite_e.hermegauss`).
    That distribution has exactly the normal's mean and variance (for
    ``reward_points >= 2``) and its moments up to order ``2 * reward_points - 1``;
    ``reward_points = 1`` pays ``mean`` deterministically.

    Actions: a :class:`TabularMDP` has one action count, so A also has
    ``n_actions_b`` actions: even actions go right and odd ones left (action
    0 right and 1 left, as in the book's code, and copies of that pair).
    Uniform exploration therefore picks left with the book's probability 1/2,
    the equal starting values tie among all actions (left half the time, as
    in the book), and an epsilon-greedy optimal learner still goes left
    ``epsilon / 2`` of the time (5% for epsilon 0.1). What differs from the
    book's two-action A: each copy of left keeps its own estimate, so a
    greedy choice in A maximises over ``n_actions_b / 2`` estimates of
    left, which adds to the bias the example shows. That is why
    ``n_actions_b`` must be even; ``n_actions_b = 2`` gives the book's A
    exactly (with two actions in B).

    The fraction of episodes that go left is ``mean episode length - 1``
    (left: 2 steps, right: 1), which is how figure 6.5's curve reads off
    :func:`fastrl.tabular.train`. No episode limit (every episode ends
    within 2 steps).

    Parameters
    ----------
    n_actions_b : even int >= 2
        Actions of B (the book's code: 10).
    mean, std : float
        Mean and standard deviation (>= 0) of B's rewards.
    reward_points : int >= 1
        Quadrature points of B's reward distribution.
    """
    n = check_size("n_actions_b", n_actions_b, low=2, high=2**20)
    if n % 2:
        raise ValueError(
            f"n_actions_b must be even (A's actions split evenly into left and right), got {n}"
        )
    mean = check_real("mean", mean)
    std = check_real("std", std, low=0.0, high=MAX_MAGNITUDE)
    K = check_size("reward_points", reward_points, low=1, high=100)
    check_memory({"n_actions_b": 25 * 3 * n * K})
    x, w = np.polynomial.hermite_e.hermegauss(K)
    p = w / w.sum()
    A_, B, T = 0, 1, 2
    next_state = np.empty((3, n, K), dtype=np.int64)
    next_state[...] = np.arange(3)[:, None, None]
    prob = np.zeros((3, n, K))
    reward = np.zeros((3, n, K))
    term = np.zeros((3, n, K), dtype=bool)
    prob[:, :, 0] = 1.0
    left = np.arange(n) % 2 == 1
    next_state[A_, left, 0] = B
    next_state[A_, ~left, 0] = T
    term[A_, ~left, 0] = True
    next_state[B] = T
    prob[B] = p
    reward[B] = mean + std * x
    term[B] = True
    term[T, :, 0] = True
    initial = np.array([1.0, 0.0, 0.0])
    return TabularMDP(next_state, prob, reward, term, initial, "MaximizationBias")
