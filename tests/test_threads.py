"""fastrl._threads: every block runs exactly once, on any thread count, and errors surface."""

from __future__ import annotations

import numpy as np
import pytest

from fastrl._jit import get_num_threads, jit, set_num_threads
from fastrl._threads import run_blocks


@jit
def _mark(first, stride, hits):
    for b in range(first, hits.shape[0], stride):
        hits[b] += 1
    return 0


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("num_blocks", [1, 2, 7])
def test_every_block_once(threads, num_blocks):
    before = get_num_threads()
    set_num_threads(min(threads, before))
    try:
        hits = np.zeros(num_blocks, dtype=np.int64)
        run_blocks(_mark, num_blocks, (hits,))
        np.testing.assert_array_equal(hits, 1)
    finally:
        set_num_threads(before)


def test_a_worker_error_is_raised_after_every_share_finished():
    calls = []

    def kernel(first, stride, log):
        log.append(first)
        if first == 1:
            raise RuntimeError("share 1 failed")

    before = get_num_threads()
    if before < 2:
        pytest.skip("needs two numba threads")
    with pytest.raises(RuntimeError, match="share 1"):
        run_blocks(kernel, 4, (calls,))
    assert sorted(calls) == [0, 1]
