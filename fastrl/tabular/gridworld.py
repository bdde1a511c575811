"""Gridworld builders: FrozenLake, CliffWalking, the textbook grids and any ASCII map.

Every builder returns a :class:`~fastrl.tabular.mdp.TabularMDP` with ``desc``
(the map rows), ``name`` and ``max_episode_steps`` set. State ``s`` is the cell
``(row, col)`` with ``s = row * ncol + col``. Map letters: ``S`` start (exactly
one), ``G`` goal (at least one; entering it ends the episode), ``H`` hole
(entering it ends the episode), ``W`` wall (cannot be entered), ``F`` floor.

Actions are FrozenLake's: 0 left, 1 down, 2 right, 3 up, except
:func:`cliff_walking`, which keeps Gymnasium CliffWalking's 0 up, 1 right,
2 down, 3 left so that its table equals Gymnasium's. Moves off the grid or
into a wall leave the agent in place. Goal and hole cells are absorbing
self-loops with ``terminated=True`` and reward 0, as in Gymnasium's tables.

Example
-------
>>> mdp = frozen_lake("4x4", is_slippery=True)
>>> mdp.num_states, mdp.num_actions, mdp.max_episode_steps
(16, 4, 100)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fastrl.rng import check_seed
from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import check_memory, check_real, check_size

__all__ = [
    "MAPS",
    "frozen_lake",
    "random_map",
    "cliff_walking",
    "windy_gridworld",
    "dyna_maze",
    "gridworld",
]

#: Gymnasium's FrozenLake maps.
MAPS: dict[str, tuple[str, ...]] = {
    "4x4": ("SFFF", "FHFH", "FFFH", "HFFG"),
    "8x8": (
        "SFFFFFFF",
        "FFFFFFFF",
        "FFFHFFFF",
        "FFFFFHFF",
        "FFFHFFFF",
        "FHHFFFHF",
        "FHFFHFHF",
        "FFFHFFFG",
    ),
}
_LETTERS = frozenset("SFHGW")
# (d_row, d_col) of FrozenLake's actions 0 left, 1 down, 2 right, 3 up.
_MOVES = np.array([[0, -1], [1, 0], [0, 1], [-1, 0]])


def _check_map(desc, letters=_LETTERS) -> tuple[str, ...]:
    if (
        isinstance(desc, str)
        or not isinstance(desc, Sequence | np.ndarray)
        or (isinstance(desc, np.ndarray) and desc.ndim == 0)
    ):
        raise TypeError(f"desc must be a sequence of strings (map rows), got {desc!r}")
    rows = []
    for row in desc:
        try:
            if isinstance(row, bytes | np.bytes_):
                row = row.decode()
            elif isinstance(row, np.ndarray):
                row = "".join(x.decode() if isinstance(x, bytes) else str(x) for x in row.tolist())
        except (UnicodeDecodeError, TypeError, IndexError) as exc:
            raise ValueError(f"desc rows must be text of map letters, got {row!r}") from exc
        if not isinstance(row, str):
            raise TypeError(f"desc rows must be strings, got {row!r}")
        rows.append(row)
    if not rows or not rows[0]:
        raise ValueError("desc must have at least one non-empty row")
    if any(len(r) != len(rows[0]) for r in rows):
        raise ValueError(f"desc must be rectangular, got row lengths {[len(r) for r in rows]}")
    bad = set("".join(rows)) - letters
    if bad:
        raise ValueError(
            f"desc may only contain {''.join(sorted(letters))}, got {''.join(sorted(bad))}"
        )
    text = "".join(rows)
    if text.count("S") != 1:
        raise ValueError(f"desc must contain exactly one S (start), got {text.count('S')}")
    if "G" not in text:
        raise ValueError("desc must contain at least one G (goal)")
    return tuple(rows)


def _build_grid(
    desc: tuple[str, ...],
    probs: tuple[float, ...],
    *,
    step_reward: float,
    goal_reward: float,
    hole_reward: float,
    wall_reward: float,
    wind=None,
    name: str,
    max_episode_steps: int | None,
) -> TabularMDP:
    """Vectorized grid model: action ``a`` moves in direction ``(a - 1 + j) % 4``
    with probability ``probs[j]`` (one entry: straight only)."""
    grid = np.array([list(r) for r in desc])
    nrow, ncol = grid.shape
    S = nrow * ncol
    rows, cols = np.divmod(np.arange(S), ncol)
    # target of moving in direction d from every cell, after wind and clipping
    r_new = rows[:, None] + _MOVES[None, :, 0]
    c_new = cols[:, None] + _MOVES[None, :, 1]
    if wind is not None:
        r_new = r_new - np.asarray(wind)[cols][:, None]
    r_new = np.clip(r_new, 0, nrow - 1)
    c_new = np.clip(c_new, 0, ncol - 1)
    target = grid[r_new, c_new]
    blocked = (target == "W") | (
        (r_new == rows[:, None]) & (c_new == cols[:, None]) & (wind is None)
    )
    dest = np.where(target == "W", np.arange(S)[:, None], r_new * ncol + c_new)
    letter = np.where(target == "W", grid.ravel()[:, None], target)
    dir_reward = np.where(
        letter == "G", goal_reward, np.where(letter == "H", hole_reward, step_reward)
    )
    dir_reward = np.where(blocked & (letter != "G") & (letter != "H"), wall_reward, dir_reward)
    dir_term = (letter == "G") | (letter == "H")
    K = len(probs)
    offsets = [0] if K == 1 else [-1, 0, 1]
    dirs = (np.arange(4)[:, None] + np.array(offsets)[None, :]) % 4  # (A, K)
    next_state = dest[:, dirs]
    reward = dir_reward[:, dirs]
    term = dir_term[:, dirs]
    prob = np.broadcast_to(np.asarray(probs, dtype=np.float64), (S, 4, K)).copy()
    # goal, hole and wall cells: one self-loop entry (terminated except for walls), then padding
    flat = grid.ravel()
    absorbing = np.isin(flat, ["G", "H", "W"])
    next_state[absorbing] = np.arange(S)[absorbing, None, None]
    prob[absorbing] = 0.0
    prob[absorbing, :, 0] = 1.0
    reward[absorbing] = 0.0
    term[absorbing] = False
    term[np.isin(flat, ["G", "H"]), :, 0] = True
    initial = (flat == "S").astype(np.float64)
    return TabularMDP(next_state, prob, reward, term, initial, name, desc, max_episode_steps)


def frozen_lake(
    map_name: str = "4x4", desc: Sequence[str] | None = None, is_slippery: bool = True
) -> TabularMDP:
    """Gymnasium's ``FrozenLake-v1`` as a :class:`TabularMDP`, entry for entry.

    Reward 1 on entering ``G``, else 0; entering ``G`` or ``H`` terminates.
    Slippery: the intended direction and each perpendicular one with
    probability 1/3 each, entries in Gymnasium's order ``(a-1)%4, a, (a+1)%4``.
    ``max_episode_steps`` follows Gymnasium's registrations: 100 for 4x4
    (``FrozenLake-v1``), 200 for 8x8 (``FrozenLake8x8-v1``); a custom ``desc``
    gets 100 if both sides are <= 4, else 200.

    Parameters
    ----------
    map_name : {"4x4", "8x8"}
        Used when ``desc`` is None.
    desc : sequence of str, optional
        A custom map of ``S F H G`` (see :func:`random_map`).
    is_slippery : bool
    """
    if desc is None:
        if not isinstance(map_name, str) or map_name not in MAPS:
            raise ValueError(f"map_name must be one of {sorted(MAPS)}, got {map_name!r}")
        desc = MAPS[map_name]
        name = f"FrozenLake-{map_name}"
    else:
        name = "FrozenLake"
    desc = _check_map(desc, frozenset("SFHG"))
    if not isinstance(is_slippery, bool | np.bool_):
        raise TypeError(f"is_slippery must be a bool, got {is_slippery!r}")
    success_rate = 1.0 / 3.0
    fail_rate = (1.0 - success_rate) / 2.0  # Gymnasium's exact floats
    probs = (fail_rate, success_rate, fail_rate) if is_slippery else (1.0,)
    limit = 100 if max(len(desc), len(desc[0])) <= 4 else 200
    return _build_grid(
        desc,
        probs,
        step_reward=0.0,
        goal_reward=1.0,
        hole_reward=0.0,
        wall_reward=0.0,
        name=name + ("" if is_slippery else "-not-slippery"),
        max_episode_steps=limit,
    )


def _solvable(board: np.ndarray) -> bool:
    # Gymnasium's check: a path from (0, 0) to a G through non-hole cells.
    size_r, size_c = board.shape
    frontier, seen = [(0, 0)], set()
    while frontier:
        r, c = frontier.pop()
        if (r, c) in seen:
            continue
        seen.add((r, c))
        for dr, dc in ((1, 0), (0, 1), (-1, 0), (0, -1)):
            rn, cn = r + dr, c + dc
            if 0 <= rn < size_r and 0 <= cn < size_c:
                if board[rn, cn] == "G":
                    return True
                if board[rn, cn] != "H":
                    frontier.append((rn, cn))
    return False


def random_map(size: int = 8, p: float = 0.8, seed: int = 0) -> tuple[str, ...]:
    """A random solvable FrozenLake map, identical to Gymnasium's ``generate_random_map``.

    Cells are frozen with probability ``p`` (holes otherwise), ``S`` at the
    top left, ``G`` at the bottom right; maps are redrawn until a path from
    start to goal exists. Uses its own ``numpy.random.default_rng(seed)``
    (never the global state), which is what Gymnasium's seeding does, so
    ``random_map(size, p, seed) == tuple(generate_random_map(size, p, seed))``.

    Unlike Gymnasium, the search is bounded: after ``max(1000, min(2**14, 2**24 // size**2))``
    unsolvable draws (a second or so; each draw costs tens of microseconds even on a
    tiny map) it raises ``ValueError``. Below the
    percolation threshold (``p`` under about 0.6) large maps are almost never
    solvable.
    """
    size = check_size("size", size, low=2)
    check_memory({"size": 16 * size * size})
    p = check_real("p", p, low=0.0, high=1.0, low_open=True)
    gen = np.random.default_rng(check_seed(seed))
    attempts = max(1000, min(2**14, 2**24 // size**2))
    for _ in range(attempts):
        board = gen.choice(["F", "H"], (size, size), p=[p, 1 - p])
        board[0][0] = "S"
        board[-1][-1] = "G"
        if _solvable(board):
            return tuple("".join(row) for row in board)
    raise ValueError(
        f"random_map found no solvable map with size={size} and p={p} in {attempts} draws: "
        "raise p (the chance of a frozen cell) or lower size"
    )


def cliff_walking(*, is_slippery: bool = False, max_episode_steps: int | None = None) -> TabularMDP:
    """Gymnasium's ``CliffWalking-v1`` (Sutton & Barto example 6.6), entry for entry.

    A 4x12 grid, start (3, 0), goal (3, 11). Actions 0 up, 1 right, 2 down,
    3 left (Gymnasium's order). Every move pays -1; stepping onto the cliff
    (row 3, columns 1..10, marked ``H`` in ``desc``) pays -100 and returns to
    the start without ending the episode; entering the goal terminates.
    Slippery: the intended and the two perpendicular moves, 1/3 each. As in
    Gymnasium, cliff and goal cells have ordinary outgoing moves and no
    episode limit is registered (``max_episode_steps=None`` unless given).
    """
    if not isinstance(is_slippery, bool | np.bool_):
        raise TypeError(f"is_slippery must be a bool, got {is_slippery!r}")
    nrow, ncol = 4, 12
    moves = {0: (-1, 0), 1: (0, 1), 2: (1, 0), 3: (0, -1)}
    start = 3 * ncol
    K = 3 if is_slippery else 1
    S = nrow * ncol
    next_state = np.zeros((S, 4, K), dtype=np.int64)
    reward = np.zeros((S, 4, K))
    term = np.zeros((S, 4, K), dtype=bool)
    for s in range(S):
        row, col = divmod(s, ncol)
        for a in range(4):
            outcomes = [(a - 1) % 4, a, (a + 1) % 4] if is_slippery else [a]
            for k, b in enumerate(outcomes):
                r = min(max(row + moves[b][0], 0), nrow - 1)
                c = min(max(col + moves[b][1], 0), ncol - 1)
                if r == 3 and 1 <= c <= ncol - 2:
                    next_state[s, a, k], reward[s, a, k] = start, -100.0
                else:
                    next_state[s, a, k], reward[s, a, k] = r * ncol + c, -1.0
                    term[s, a, k] = (r, c) == (nrow - 1, ncol - 1)
    prob = np.full((S, 4, K), 1.0 / K)
    initial = np.zeros(S)
    initial[start] = 1.0
    desc = ("F" * ncol,) * 3 + ("S" + "H" * (ncol - 2) + "G",)
    name = "CliffWalking" + ("-slippery" if is_slippery else "")
    return TabularMDP(next_state, prob, reward, term, initial, name, desc, max_episode_steps)


def windy_gridworld(*, max_episode_steps: int | None = None) -> TabularMDP:
    """Sutton & Barto's windy gridworld (example 6.5).

    A 7x10 grid, start (3, 0), goal (3, 7); the wind of the current column
    (0 0 0 1 1 1 2 2 1 0) pushes the agent up that many rows in addition to
    its move (0 left, 1 down, 2 right, 3 up); positions are clipped to the
    grid. Reward -1 per step until the goal; the shortest episode has 15
    steps. No episode limit unless given.
    """
    desc = ("FFFFFFFFFF",) * 3 + ("SFFFFFFGFF",) + ("FFFFFFFFFF",) * 3
    wind = np.array([0, 0, 0, 1, 1, 1, 2, 2, 1, 0])
    return _build_grid(
        desc,
        (1.0,),
        step_reward=-1.0,
        goal_reward=-1.0,
        hole_reward=-1.0,
        wall_reward=-1.0,
        wind=wind,
        name="WindyGridworld",
        max_episode_steps=max_episode_steps,
    )


def dyna_maze(*, max_episode_steps: int | None = None) -> TabularMDP:
    """Sutton & Barto's Dyna maze (example 8.1, figure 8.2); the book uses gamma 0.95.

    A 6x9 maze with walls (``W``), start (2, 0), goal (0, 8); reward +1 on
    reaching the goal, else 0; the shortest path has 14 steps. No episode
    limit unless given.
    """
    desc = (
        "FFFFFFFWG",
        "FFWFFFFWF",
        "SFWFFFFWF",
        "FFWFFFFFF",
        "FFFFFWFFF",
        "FFFFFFFFF",
    )
    return gridworld(desc, goal_reward=1.0, name="DynaMaze", max_episode_steps=max_episode_steps)


def gridworld(
    desc: Sequence[str],
    *,
    step_reward: float = 0.0,
    goal_reward: float = 1.0,
    hole_reward: float = 0.0,
    wall_reward: float | None = None,
    slip: float = 0.0,
    name: str = "Gridworld",
    max_episode_steps: int | None = None,
) -> TabularMDP:
    """Any ASCII map of ``S F H G W`` as a :class:`TabularMDP`.

    Parameters
    ----------
    desc : sequence of str
        Rectangular map rows.
    step_reward : float
        Reward of a move onto ``S`` or ``F``.
    goal_reward, hole_reward : float
        Reward of entering ``G`` / ``H`` (both end the episode).
    wall_reward : float or None
        Reward of bumping into a wall or the border (the agent stays);
        None means ``step_reward``.
    slip : float in [0, 1]
        Probability of moving perpendicular to the intended direction
        (``slip / 2`` each side); 0 is deterministic.
    max_episode_steps : int or None
        Default episode limit.
    """
    desc = _check_map(desc)
    step_reward = check_real("step_reward", step_reward)
    goal_reward = check_real("goal_reward", goal_reward)
    hole_reward = check_real("hole_reward", hole_reward)
    wall_reward = step_reward if wall_reward is None else check_real("wall_reward", wall_reward)
    slip = check_real("slip", slip, low=0.0, high=1.0)
    probs = (1.0,) if slip == 0.0 else (slip / 2.0, 1.0 - slip, slip / 2.0)
    return _build_grid(
        desc,
        probs,
        step_reward=step_reward,
        goal_reward=goal_reward,
        hole_reward=hole_reward,
        wall_reward=wall_reward,
        name=name,
        max_episode_steps=max_episode_steps,
    )
