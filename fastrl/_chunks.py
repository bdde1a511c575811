"""Plan the blocks and chunks of a batched run.

Runs are processed in blocks of ``block_size`` (fixed, independent of the
thread count) and kernels are called on chunks of whole blocks, so that the
statistics buffers stay small, a progress bar can advance, and Ctrl-C is
honoured between chunks: a kernel call cannot be interrupted, so chunks are
sized to take about :data:`CHUNK_SECONDS` each (measured on the chunks
already run). Neither the block size nor the statistics merge order nor
anything a run computes depends on the chunking, so results are identical for
any chunk sizes.
"""

from __future__ import annotations

import time

import numba
import numpy as np

BLOCK_SIZE = 64
#: Memory budget for one chunk's per-block statistics buffers, in bytes.
CHUNK_BYTES = 64 * 2**20
#: Target wall time of one chunk: Ctrl-C waits for the chunk that is running.
CHUNK_SECONDS = 0.25


def chunk_blocks(num_blocks: int, max_blocks: int, first: int):
    """Yield ``(start_block, blocks)`` chunks covering ``num_blocks`` blocks.

    The first chunk has ``first`` blocks; each later one is sized from the wall
    time the caller spent on the chunks before it (between two ``next`` calls)
    to take about :data:`CHUNK_SECONDS`, within ``[first, max_blocks]`` and at
    most four times the previous chunk (a first chunk's time includes compiling).
    """
    lo = max(1, min(first, max_blocks))
    blocks, start, per_block = lo, 0, None
    while start < num_blocks:
        n = min(blocks, num_blocks - start)
        tic = time.perf_counter()
        yield start, n
        elapsed = time.perf_counter() - tic
        start += n
        rate = elapsed / n
        per_block = rate if per_block is None else min(per_block, rate)
        want = int(CHUNK_SECONDS / per_block) if per_block > 0.0 else max_blocks
        blocks = max(lo, min(want, max_blocks, 4 * n))


def chunk_runs(
    num_runs: int, bytes_per_block: int, block_size: int = BLOCK_SIZE, max_blocks: int | None = None
):
    """Yield ``(start, count)`` chunks of whole blocks covering ``num_runs`` runs."""
    threads = numba.get_num_threads()
    blocks = max(threads, CHUNK_BYTES // max(bytes_per_block, 1))
    blocks = min(blocks, 16 * max(threads, 4))
    if max_blocks is not None:
        blocks = max(1, min(blocks, max_blocks))
    num_blocks = -(-num_runs // block_size)
    for first, n in chunk_blocks(num_blocks, blocks, threads):
        start = first * block_size
        yield start, min(n * block_size, num_runs - start)


def block_counts(num_runs: int, block_size: int = BLOCK_SIZE) -> np.ndarray:
    """Runs in each block of a chunk of ``num_runs`` runs (int64, the last may be short)."""
    num_blocks = -(-num_runs // block_size)
    counts = np.full(num_blocks, block_size, dtype=np.int64)
    counts[-1] = num_runs - block_size * (num_blocks - 1)
    return counts
