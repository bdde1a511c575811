"""Independent plain-numpy references for the textbook checks (tests/test_book_planning.py).

Nothing here imports fastrl: each model is rebuilt from the book's wording by
direct enumeration of events, and solved by the textbook loops.
"""

from __future__ import annotations

import math

import numpy as np


def poisson_pmf(lam: float, j: int) -> float:
    return math.exp(-lam) * lam**j / math.factorial(j)


def jack_location(capacity, lam_req, lam_ret, bound):
    """One location's day by enumerating requests and returns up to ``bound - 1``.

    Returns ``P[n, m]`` (``n`` cars in the morning, ``m`` at night) and
    ``R[n] = E[rentals]``. With ``bound`` well past the Poisson means (40) the
    mass left out is below 1e-15 and the rows are renormalised; a small bound
    (11, as in the widely used reimplementation of the figure) drops the mass
    without renormalising, so rows sum to less than 1.
    """
    P = np.zeros((capacity + 1, capacity + 1))
    R = np.zeros(capacity + 1)
    for n in range(capacity + 1):
        for req in range(bound):
            p_req = poisson_pmf(lam_req, req)
            rented = min(req, n)
            R[n] += p_req * rented
            for ret in range(bound):
                m = min(n - rented + ret, capacity)
                P[n, m] += p_req * poisson_pmf(lam_ret, ret)
    return P, R


def jack_policy_iteration(gamma=0.9, bound=40, renormalise=True, max_cars=20, max_move=5):
    """Sutton & Barto's policy iteration (figure 4.2) on Jack's car rental, legal moves only.

    Evaluation is exact (``numpy.linalg.solve``); improvement takes the best
    legal move and keeps the current one unless another is better by 1e-9.
    Returns ``(V, policy)`` of shape (21, 21), ``policy`` in cars moved from
    the first location to the second.
    """
    size = max_cars + 1
    P1, R1 = jack_location(max_cars, 3.0, 3.0, bound)
    P2, R2 = jack_location(max_cars, 4.0, 2.0, bound)
    if renormalise:
        P1 /= P1.sum(axis=1, keepdims=True)
        P2 /= P2.sum(axis=1, keepdims=True)
    moves = range(-max_move, max_move + 1)
    S = size * size
    trans = {}  # (n1, n2, move) -> (P row over next states (S,), expected reward)
    for n1 in range(size):
        for n2 in range(size):
            for a in moves:
                if a > n1 or -a > n2:
                    continue
                m1 = min(n1 - a, max_cars)
                m2 = min(n2 + a, max_cars)
                row = np.outer(P1[m1], P2[m2]).ravel()
                trans[n1, n2, a] = (row, 10.0 * (R1[m1] + R2[m2]) - 2.0 * abs(a))
    policy = np.zeros((size, size), dtype=np.int64)
    while True:
        M = np.eye(S)
        r = np.zeros(S)
        for n1 in range(size):
            for n2 in range(size):
                row, rew = trans[n1, n2, policy[n1, n2]]
                M[n1 * size + n2] -= gamma * row
                r[n1 * size + n2] = rew
        V = np.linalg.solve(M, r)
        stable = True
        for n1 in range(size):
            for n2 in range(size):
                q = {a: trans[n1, n2, a][1] + gamma * trans[n1, n2, a][0] @ V
                     for a in moves if (n1, n2, a) in trans}  # fmt: skip
                cur = policy[n1, n2]
                best = max(q, key=lambda a: (q[a], -a))
                if q[best] > q[cur] + 1e-9:
                    policy[n1, n2] = best
                    stable = False
        if stable:
            return V.reshape(size, size), policy


def gambler_value_iteration(goal=100, p_heads=0.4, tol=1e-12):
    """Sutton & Barto's value iteration for the gambler (figure 4.3), synchronous sweeps.

    ``V[goal] = 1`` as the book's dummy terminal value, ``V[0] = 0``; stakes
    ``1 .. min(s, goal - s)``. Returns ``V`` of shape (goal + 1,) with the
    book's convention (``V[goal] = 1``).
    """
    V = [0.0] * (goal + 1)
    V[goal] = 1.0
    while True:
        new = list(V)
        for s in range(1, goal):
            new[s] = max(
                p_heads * V[s + a] + (1 - p_heads) * V[s - a]
                for a in range(1, min(s, goal - s) + 1)
            )
        delta = max(abs(x - y) for x, y in zip(new, V, strict=True))
        V = new
        if delta < tol:
            return np.array(V)


def _pick(q, explore, gen):
    """Epsilon-greedy rows: uniform where ``explore``, else argmax with random ties."""
    R, A = q.shape
    uniform = gen.integers(0, A, size=R)
    best = q == q.max(axis=1, keepdims=True)
    scores = np.where(best, gen.random((R, A)), -1.0)
    greedy = scores.argmax(axis=1)
    return np.where(explore, uniform, greedy)


def maximization_bias_left(double, runs, episodes, n_b=10, n_a=None, epsilon=0.1, alpha=0.1,
                           rewards=None, seed=0):  # fmt: skip
    """Figure 6.5 by plain numpy over runs: ``left[i, e]``, whether episode ``e`` of run
    ``i`` went left from A (Q-learning, or Double Q-learning if ``double``; gamma 1).

    ``n_a`` actions in A, odd ones left (``None``: ``n_b``, fastrl's layout; 2: the
    book's). ``rewards = (values, probs)`` draws B's rewards from that discrete
    distribution; None draws N(-0.1, 1).
    """
    gen = np.random.default_rng(seed)
    n_a = n_b if n_a is None else n_a
    rows = np.arange(runs)
    qa = np.zeros((2, runs, n_a))
    qb = np.zeros((2, runs, n_b))
    left = np.zeros((runs, episodes), dtype=bool)
    for e in range(episodes):
        sel_a = qa[0] + qa[1] if double else qa[0]
        a = _pick(sel_a, gen.random(runs) < epsilon, gen)
        go = a % 2 == 1
        left[:, e] = go
        # the update of (A, a): target 0 (right) or max over B (left), before B's update
        upd = (gen.random(runs) < 0.5).astype(np.int64) if double else np.zeros(runs, np.int64)
        oth = 1 - upd if double else upd
        qb_upd, qb_oth = qb[upd, rows], qb[oth, rows]
        if double:
            best = qb_upd == qb_upd.max(axis=1, keepdims=True)
            a_star = np.where(best, gen.random((runs, n_b)), -1.0).argmax(axis=1)
            boot = qb_oth[rows, a_star]
        else:
            boot = qb_upd.max(axis=1)
        target = np.where(go, boot, 0.0)
        qa[upd, rows, a] += alpha * (target - qa[upd, rows, a])
        # B: act, draw the reward, update towards it (terminal)
        sel_b = qb[0] + qb[1] if double else qb[0]
        b = _pick(sel_b, gen.random(runs) < epsilon, gen)
        if rewards is None:
            r = gen.normal(-0.1, 1.0, size=runs)
        else:
            r = rewards[0][gen.choice(len(rewards[0]), size=runs, p=rewards[1])]
        upd_b = (gen.random(runs) < 0.5).astype(np.int64) if double else np.zeros(runs, np.int64)
        i = rows[go]
        qb[upd_b[i], i, b[i]] += alpha * (r[i] - qb[upd_b[i], i, b[i]])
    return left
