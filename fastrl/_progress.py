"""A dependency-free progress bar for long runs (written to stderr)."""

from __future__ import annotations

import sys
import time


class Progress:
    """Progress over ``total`` units; a no-op when ``enabled`` is false.

    Kernels run in chunks of whole blocks of runs, so the bar advances once per
    chunk; chunking never changes results.
    """

    def __init__(self, total: int, enabled: bool, label: str = "runs", stream=None):
        self.total = max(int(total), 1)
        self.enabled = bool(enabled)
        self.label = label
        self.done = 0
        self.start = time.perf_counter()
        self.stream = stream if stream is not None else sys.stderr

    def update(self, n: int) -> None:
        """Advance by ``n`` units and redraw."""
        self.done += n
        if not self.enabled:
            return
        frac = min(self.done / self.total, 1.0)
        width = 30
        filled = int(round(frac * width))
        elapsed = time.perf_counter() - self.start
        eta = elapsed / frac - elapsed if frac > 0 else float("nan")
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {frac:6.1%} "
            f"{self.done}/{self.total} {self.label}  {elapsed:6.1f}s elapsed, {eta:6.1f}s left"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
