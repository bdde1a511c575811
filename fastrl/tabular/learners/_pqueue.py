"""A fixed-size max-priority queue over items ``0 .. N-1``, in plain arrays (a binary heap).

Prioritized sweeping (Sutton & Barto 8.4) keeps one entry per state-action
pair; the queue lives in a learner's tables, so it is four arrays, not an
object:

``heap[N]`` int64
    The items, ``heap[0]`` first; only ``heap[:size[0]]`` is meaningful.
``pos[N]`` int64
    ``pos[x]`` is the place of item ``x`` in ``heap``, or -1 when not queued
    (start: all -1).
``priority[N]`` float64
    ``priority[x]`` of a queued item (read only while it is queued).
``size[1]`` int64
    The number of queued items (start: 0).

Order: the higher priority first; equal priorities by the lower item index, so
the order of pops depends only on the queued ``(item, priority)`` set, never on
the order of insertion. Pushing a queued item keeps the higher of its two
priorities (the book: "insertion results in only the higher priority entry
remaining in the queue").
"""

from __future__ import annotations

from fastrl._jit import ijit

__all__ = ["pq_push", "pq_pop"]


@ijit
def _first(priority, x, y):
    """Whether item ``x`` comes before item ``y``."""
    px = priority[x]
    py = priority[y]
    return px > py or (px == py and x < y)


@ijit
def _sift_up(heap, pos, priority, k):
    x = heap[k]
    while k > 0:
        parent = (k - 1) >> 1
        y = heap[parent]
        if not _first(priority, x, y):
            break
        heap[k] = y
        pos[y] = k
        k = parent
    heap[k] = x
    pos[x] = k


@ijit
def _sift_down(heap, pos, priority, k, n):
    x = heap[k]
    while True:
        child = 2 * k + 1
        if child >= n:
            break
        right = child + 1
        if right < n and _first(priority, heap[right], heap[child]):
            child = right
        y = heap[child]
        if not _first(priority, y, x):
            break
        heap[k] = y
        pos[y] = k
        k = child
    heap[k] = x
    pos[x] = k


@ijit
def pq_push(heap, pos, priority, size, x, p):
    """Queue item ``x`` with priority ``p`` (a queued ``x`` keeps the higher priority)."""
    k = pos[x]
    if k >= 0:
        if p > priority[x]:
            priority[x] = p
            _sift_up(heap, pos, priority, k)
        return
    n = size[0]
    priority[x] = p
    heap[n] = x
    size[0] = n + 1
    _sift_up(heap, pos, priority, n)


@ijit
def pq_pop(heap, pos, priority, size):
    """Remove and return the first item (the queue must not be empty)."""
    top = heap[0]
    n = size[0] - 1
    size[0] = n
    pos[top] = -1
    if n > 0:
        heap[0] = heap[n]
        _sift_down(heap, pos, priority, 0, n)
    return top
