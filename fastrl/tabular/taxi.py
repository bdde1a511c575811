"""Gymnasium's Taxi (Dietterich 2000) built natively, entry for entry.

Example
-------
>>> mdp = taxi()
>>> mdp.num_states, mdp.num_actions, mdp.max_episode_steps
(500, 6, 200)
"""

from __future__ import annotations

import numpy as np

from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import check_bool, check_real

__all__ = ["TAXI_MAP", "taxi"]

#: Gymnasium's Taxi map: ``|`` is a wall between two cells, ``:`` none.
TAXI_MAP: tuple[str, ...] = (
    "+---------+",
    "|R: | : :G|",
    "| : | : : |",
    "| : : : : |",
    "| | : | : |",
    "|Y| : |B: |",
    "+---------+",
)
_LOCS = ((0, 0), (0, 4), (4, 0), (4, 3))  # R, G, Y, B
_SIZE = 5
# intended, then the two lateral moves of each direction (Gymnasium's rainy order)
_RAINY_MOVES = {
    0: ((1, 0), (0, 1), (0, -1)),
    1: ((-1, 0), (0, -1), (0, 1)),
    2: ((0, 1), (-1, 0), (1, 0)),
    3: ((0, -1), (1, 0), (-1, 0)),
}


def _encode(row: int, col: int, passenger: int, dest: int) -> int:
    return ((row * _SIZE + col) * 5 + passenger) * 4 + dest


def _open(row: int, col: int, east: bool) -> bool:
    """No wall on the east (west) side of cell ``(row, col)``."""
    return TAXI_MAP[1 + row][2 * col + (2 if east else 0)] == ":"


def _slide(row: int, col: int, move) -> tuple[int, int]:
    """A lateral move of the rainy taxi, clamped to the grid and stopped by walls."""
    dr, dc = move
    r = max(0, min(row + dr, _SIZE - 1))
    c = max(0, min(col + dc, _SIZE - 1))
    if dc == 1 and TAXI_MAP[1 + r][2 * c] != ":":
        return row, col
    if dc == -1 and TAXI_MAP[1 + r][2 * c + 2] != ":":
        return row, col
    return r, c


def _can_move(row: int, col: int, a: int) -> bool:
    return (
        (a == 0 and row < _SIZE - 1)
        or (a == 1 and row > 0)
        or (a == 2 and _open(row, col, True))
        or (a == 3 and _open(row, col, False))
    )


def _pickup_dropoff(row, col, passenger, dest, a):
    """``(passenger, reward, terminated)`` after pickup (4) or dropoff (5)."""
    here = (row, col)
    if a == 4:
        if passenger < 4 and here == _LOCS[passenger]:
            return 4, -1.0, False
        return passenger, -10.0, False
    if passenger == 4 and here == _LOCS[dest]:
        return dest, 20.0, True
    if passenger == 4 and here in _LOCS:
        return _LOCS.index(here), -1.0, False
    return passenger, -10.0, False


def taxi(*, is_rainy: bool = False, rainy_probability: float = 0.8) -> TabularMDP:
    """Gymnasium's Taxi as a :class:`TabularMDP`, equal to ``TaxiEnv``'s table entry for entry.

    Dietterich (2000), "Hierarchical Reinforcement Learning with the MAXQ Value
    Function Decomposition", section 3.1; Gymnasium's ``Taxi-v3`` (dry; v4 in
    Gymnasium 1.3+, whose dry table is unchanged).

    Description
        A 5x5 grid with walls (:data:`TAXI_MAP`) and four stands R, G, Y, B at
        ``(0, 0), (0, 4), (4, 0), (4, 3)``. The taxi picks the passenger up at
        one stand and drops them at the destination stand.
    Observation Space
        500 states ``((taxi_row * 5 + taxi_col) * 5 + passenger) * 4 + destination``;
        passenger 0..3 is a stand, 4 is in the taxi.
    Action Space
        0 south, 1 north, 2 east, 3 west, 4 pickup, 5 dropoff.
    Rewards
        -1 per step, +20 for delivering the passenger, -10 for an illegal
        pickup or dropoff. Dropping the passenger at another stand puts them
        there (-1).
    Episode End
        Termination on delivery; truncation after 200 steps
        (``max_episode_steps=200``). The initial state is uniform over the
        300 states with the passenger at a stand other than the destination.
    Arguments
        ``is_rainy``: moves go in the intended direction with probability
        ``rainy_probability`` and to each lateral side with half the rest,
        three entries in Gymnasium's order (a blocked move keeps all three
        entries, all pointing to the current state); pickup and dropoff stay
        deterministic (Gymnasium 1.3+'s corrected rainy model, ``Taxi-v4``).
        Gymnasium's ``fickle_passenger`` is not offered: it hides a flag
        outside the state, so it is not a tabular MDP.

    Deterministic (dry) models have one successor per ``(s, a)``; rainy ones
    three (pickup and dropoff padded with zero-probability self-loops).
    """
    is_rainy = check_bool("is_rainy", is_rainy)
    rainy_probability = check_real("rainy_probability", rainy_probability, low=0.0, high=1.0)
    lateral = (1.0 - rainy_probability) / 2.0  # Gymnasium's float
    S, A, K = 500, 6, 3 if is_rainy else 1
    next_state = np.repeat(np.arange(S, dtype=np.int64), A * K).reshape(S, A, K)
    prob = np.zeros((S, A, K))
    reward = np.zeros((S, A, K))
    term = np.zeros((S, A, K), dtype=bool)
    initial = np.zeros(S)
    for row in range(_SIZE):
        for col in range(_SIZE):
            for passenger in range(5):
                for dest in range(4):
                    s = _encode(row, col, passenger, dest)
                    if passenger < 4 and passenger != dest:
                        initial[s] = 1.0
                    for a in range(A):
                        if a >= 4:
                            p_new, r, t = _pickup_dropoff(row, col, passenger, dest, a)
                            next_state[s, a, 0] = _encode(row, col, p_new, dest)
                            prob[s, a, 0], reward[s, a, 0], term[s, a, 0] = 1.0, r, t
                            continue
                        if not is_rainy:
                            r_new, c_new = row, col
                            if a == 0:
                                r_new = min(row + 1, _SIZE - 1)
                            elif a == 1:
                                r_new = max(row - 1, 0)
                            elif a == 2 and _open(row, col, True):
                                c_new = col + 1
                            elif a == 3 and _open(row, col, False):
                                c_new = col - 1
                            next_state[s, a, 0] = _encode(r_new, c_new, passenger, dest)
                            prob[s, a, 0], reward[s, a, 0] = 1.0, -1.0
                            continue
                        cells = [(row, col)] * 3
                        if _can_move(row, col, a):
                            dr, dc = _RAINY_MOVES[a][0]
                            cells = [
                                (max(0, min(row + dr, 4)), max(0, min(col + dc, 4))),
                                _slide(row, col, _RAINY_MOVES[a][1]),
                                _slide(row, col, _RAINY_MOVES[a][2]),
                            ]
                        for k, (r_k, c_k) in enumerate(cells):
                            next_state[s, a, k] = _encode(r_k, c_k, passenger, dest)
                            reward[s, a, k] = -1.0
                        prob[s, a] = (rainy_probability, lateral, lateral)
    initial /= initial.sum()
    name = "Taxi-rainy" if is_rainy else "Taxi"
    return TabularMDP(next_state, prob, reward, term, initial, name, TAXI_MAP, 200)
