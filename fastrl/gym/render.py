"""Text and image renderings of a tabular state, in numpy only (no pygame).

Gridworlds (an MDP whose ``desc`` has one cell per state) are drawn as their
map; any other MDP (Taxi, a random MDP) as a near-square grid of numbered
states. Colours: floor light blue, start sand, hole dark blue, goal green,
wall grey; the agent is a red square.
"""

from __future__ import annotations

import math

import numpy as np
from gymnasium.utils import colorize

__all__ = ["grid_layout", "render_ansi", "render_rgb", "COLORS"]

#: RGB colour of each map letter (``.`` marks an unused cell of a generic layout)
COLORS: dict[str, tuple[int, int, int]] = {
    "F": (180, 215, 240),
    "S": (235, 215, 160),
    "H": (40, 70, 140),
    "G": (90, 190, 90),
    "W": (120, 120, 120),
    ".": (255, 255, 255),
}
_AGENT = np.array([210, 40, 40], dtype=np.uint8)
_LINE = np.array([60, 60, 60], dtype=np.uint8)


def grid_layout(desc: tuple[str, ...] | None, num_states: int) -> tuple[str, ...]:
    """Map rows with one cell per state: ``desc`` when it fits, else a generic grid.

    State ``s`` sits at row ``s // ncol``, column ``s % ncol``.
    """
    if desc is not None and len(desc) * len(desc[0]) == num_states:
        if set("".join(desc)) <= set(COLORS):
            return tuple(desc)
    ncol = max(1, math.ceil(math.sqrt(num_states)))
    nrow = math.ceil(num_states / ncol)
    cells = "F" * num_states + "." * (nrow * ncol - num_states)
    return tuple(cells[r * ncol : (r + 1) * ncol] for r in range(nrow))


def render_ansi(
    layout: tuple[str, ...], s: int, last_action: int | None, action_names: tuple[str, ...]
) -> str:
    """Gymnasium FrozenLake's text rendering: the last action, then the map, agent highlighted."""
    ncol = len(layout[0])
    rows = [list(row) for row in layout]
    r, c = divmod(int(s), ncol)
    rows[r][c] = colorize(rows[r][c], "red", highlight=True)
    head = "\n" if last_action is None else f"  ({action_names[last_action]})\n"
    return head + "\n".join("".join(row) for row in rows) + "\n"


def render_rgb(layout: tuple[str, ...], s: int, cell: int = 32) -> np.ndarray:
    """An RGB image (uint8, shape ``(rows * cell, cols * cell, 3)``) of the map and the agent."""
    ncol = len(layout[0])
    lut = {ch: j for j, ch in enumerate(COLORS)}
    palette = np.array(list(COLORS.values()), dtype=np.uint8)
    index = np.array([[lut[ch] for ch in row] for row in layout])
    img = np.repeat(np.repeat(palette[index], cell, axis=0), cell, axis=1)
    img[::cell, :] = _LINE
    img[:, ::cell] = _LINE
    img[-1, :] = _LINE
    img[:, -1] = _LINE
    r, c = divmod(int(s), ncol)
    pad = max(1, cell // 4)
    img[r * cell + pad : (r + 1) * cell - pad, c * cell + pad : (c + 1) * cell - pad] = _AGENT
    return img
