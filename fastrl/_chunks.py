"""Plan the blocks and chunks of a batched run.

Runs are processed in blocks of ``block_size`` (fixed, independent of the
thread count) and kernels are called on chunks of whole blocks so that the
statistics buffers stay small and a progress bar can advance. Neither the
block size of the statistics merge order nor anything a run computes depends
on the chunking, so results are identical for any chunk size.
"""

from __future__ import annotations

import numba
import numpy as np

BLOCK_SIZE = 64
#: Memory budget for one chunk's per-block statistics buffers, in bytes.
CHUNK_BYTES = 64 * 2**20


def chunk_runs(
    num_runs: int, bytes_per_block: int, block_size: int = BLOCK_SIZE, max_blocks: int | None = None
):
    """Yield ``(start, count)`` chunks of whole blocks covering ``num_runs`` runs."""
    threads = numba.get_num_threads()
    blocks = max(threads, CHUNK_BYTES // max(bytes_per_block, 1))
    blocks = min(blocks, 16 * max(threads, 4))
    if max_blocks is not None:
        blocks = max(1, min(blocks, max_blocks))
    step = blocks * block_size
    for start in range(0, num_runs, step):
        yield start, min(step, num_runs - start)


def block_counts(num_runs: int, block_size: int = BLOCK_SIZE) -> np.ndarray:
    """Runs in each block of a chunk of ``num_runs`` runs (int64, the last may be short)."""
    num_blocks = -(-num_runs // block_size)
    counts = np.full(num_blocks, block_size, dtype=np.int64)
    counts[-1] = num_runs - block_size * (num_blocks - 1)
    return counts
