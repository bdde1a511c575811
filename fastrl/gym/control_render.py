"""CartPole frames drawn with numpy only (no pygame), with Gymnasium's geometry and colours."""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["render_cartpole"]

WIDTH, HEIGHT = 600, 400
_POLE = np.array([202, 152, 101], dtype=np.uint8)
_AXLE = np.array([129, 132, 203], dtype=np.uint8)


@functools.cache
def _grid(width: int, height: int):
    # Pixel centres in Gymnasium's y-up screen coordinates (it flips the
    # surface before returning it).
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    return xs + 0.5, (height - 1 - ys) + 0.5


def render_cartpole(x: float, theta: float, length: float, x_threshold: float) -> np.ndarray:
    """An RGB frame, uint8 of shape ``(400, 600, 3)``: cart, pole, axle and track.

    As Gymnasium's ``CartPoleEnv.render``: the track is ``2 * x_threshold``
    wide, the pole ``2 * length`` long at the same scale, the cart 50 x 30 pixels
    with its top 100 pixels above the bottom edge.
    """
    px, py = _grid(WIDTH, HEIGHT)
    scale = WIDTH / (x_threshold * 2)
    polewidth, polelen = 10.0, scale * (2 * length)
    cartwidth, cartheight = 50.0, 30.0
    cartx, carty = x * scale + WIDTH / 2.0, 100.0
    axle_y = carty + cartheight / 4.0
    img = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    cart = (np.abs(px - cartx) <= cartwidth / 2) & (np.abs(py - carty) <= cartheight / 2)
    img[cart] = 0
    # The pole: a rectangle along the unit vector (sin theta, cos theta) from the axle.
    dx, dy = px - cartx, py - axle_y
    s, c = np.sin(theta), np.cos(theta)
    along = dx * s + dy * c
    across = dx * c - dy * s
    pole = (along >= -polewidth / 2) & (along <= polelen - polewidth / 2)
    img[pole & (np.abs(across) <= polewidth / 2)] = _POLE
    img[dx * dx + dy * dy <= (polewidth / 2) ** 2] = _AXLE
    track = HEIGHT - 1 - int(carty)
    img[track, :] = 0
    return img


def _height(xs):
    return np.sin(3 * xs) * 0.45 + 0.55


def render_mountain_car(
    position: float, min_position: float, max_position: float, goal_position: float
) -> np.ndarray:
    """An RGB frame, uint8 of shape ``(400, 600, 3)``: the valley, the car and the flag.

    Gymnasium's geometry: the track ``sin(3 x) * 0.45 + 0.55`` scaled to the
    width, a 40 x 20 pixel car tilted with the slope, a flag at the goal.
    """
    px, py = _grid(WIDTH, HEIGHT)
    scale = WIDTH / (max_position - min_position)
    img = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    track = _height(px[0] / scale + min_position) * scale
    img[np.abs(py - track[None, :]) <= 1.0] = 0
    angle = np.cos(3 * position)
    cx = (position - min_position) * scale
    cy = 10 + _height(position) * scale
    dx, dy = px - cx, py - cy
    s, c = np.sin(angle), np.cos(angle)
    along, up = dx * c + dy * s, -dx * s + dy * c
    img[(np.abs(along) <= 20) & (up >= 0) & (up <= 20)] = 0
    for off in (10.0, -10.0):
        wx, wy = cx + off * c, cy + off * s
        img[(px - wx) ** 2 + (py - wy) ** 2 <= 8.0**2] = (128, 128, 128)
    fx = (goal_position - min_position) * scale
    fy = _height(goal_position) * scale
    img[(np.abs(px - fx) <= 0.5) & (py >= fy) & (py <= fy + 50)] = 0
    flag = (px >= fx) & (px <= fx + 25) & (np.abs(py - (fy + 45)) <= 5 * (1 - (px - fx) / 25))
    img[flag] = (204, 204, 0)
    return img


def _segment(px, py, x0, y0, x1, y1, half_width):
    # Pixels within half_width of the segment (x0, y0)-(x1, y1).
    vx, vy = x1 - x0, y1 - y0
    length2 = max(vx * vx + vy * vy, 1e-12)
    u = np.clip(((px - x0) * vx + (py - y0) * vy) / length2, 0.0, 1.0)
    dx, dy = px - (x0 + u * vx), py - (y0 + u * vy)
    return dx * dx + dy * dy <= half_width * half_width


def render_acrobot(theta1: float, theta2: float, l1: float, l2: float) -> np.ndarray:
    """An RGB frame, uint8 of shape ``(500, 500, 3)``: the two links, joints and target line.

    Gymnasium's geometry: the pivot at the centre, links ``l1`` and ``l2`` long
    hanging down at angle 0, the target line ``l1`` above the pivot.
    """
    dim = 500
    px, py = _grid(dim, dim)
    scale = dim / ((l1 + l2 + 0.2) * 2)
    offset = dim / 2
    img = np.full((dim, dim, 3), 255, dtype=np.uint8)
    img[np.abs(py - (l1 * scale + offset)) <= 0.5] = 0
    x1 = offset + l1 * scale * np.sin(theta1)
    y1 = offset - l1 * scale * np.cos(theta1)
    x2 = x1 + l2 * scale * np.sin(theta1 + theta2)
    y2 = y1 - l2 * scale * np.cos(theta1 + theta2)
    for (xa, ya), (xb, yb) in (((offset, offset), (x1, y1)), ((x1, y1), (x2, y2))):
        img[_segment(px, py, xa, ya, xb, yb, 0.1 * scale)] = (0, 204, 204)
        img[(px - xa) ** 2 + (py - ya) ** 2 <= (0.1 * scale) ** 2] = (204, 204, 0)
    return img


def render_pendulum(theta: float) -> np.ndarray:
    """An RGB frame, uint8 of shape ``(500, 500, 3)``: the rod from the centre and its axle.

    Gymnasium's geometry: theta 0 points up, positive theta turns counter-clockwise.
    """
    dim = 500
    px, py = _grid(dim, dim)
    scale = dim / (2.2 * 2)
    offset = dim // 2
    img = np.full((dim, dim, 3), 255, dtype=np.uint8)
    x1 = offset - scale * np.sin(theta)
    y1 = offset + scale * np.cos(theta)
    img[_segment(px, py, offset, offset, x1, y1, 0.1 * scale)] = (204, 77, 77)
    img[(px - offset) ** 2 + (py - offset) ** 2 <= (0.05 * scale) ** 2] = 0
    return img
