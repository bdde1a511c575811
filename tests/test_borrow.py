"""Borrowed views (``fastrl._borrow``): the same memory, read and written through."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from fastrl._borrow import borrow, borrow_flat


@numba.njit
def _flat_write(arr, k, value):
    view = borrow_flat(arr)
    view[k] = value
    return view.shape[0], view[0], view[view.shape[0] - 1]


@numba.njit
def _flat_copy(arr, out):
    view = borrow_flat(arr)
    for k in range(view.shape[0]):
        out[k] = view[k]


@numba.njit
def _borrow_add(arr, i, j, value):
    view = borrow(arr)
    view[i, j] += value
    return view.shape[0], view.shape[1]


@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4), (1, 1), (7,)])
def test_borrow_flat_is_the_flat_items_in_order_and_writes_through(shape):
    arr = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) * 1.5
    out = np.empty(arr.size)
    _flat_copy(arr, out)
    np.testing.assert_array_equal(out, arr.ravel())
    k = arr.size // 2
    n, first, last = _flat_write(arr, k, -9.0)
    assert (n, first, last) == (arr.size, arr.flat[0], arr.flat[-1])
    assert arr.flat[k] == -9.0


def test_borrow_flat_of_a_row_of_a_stack_is_that_row():
    q = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4)
    out = np.empty(12)

    @numba.njit
    def row(q, out):
        _flat_copy(q[1], out)

    row(q, out)
    np.testing.assert_array_equal(out, q[1].ravel())


def test_borrow_flat_refuses_an_array_that_is_not_c_contiguous():
    arr = np.zeros((4, 3)).T  # Fortran order
    with pytest.raises(numba.core.errors.TypingError, match="borrow_flat needs a C-contiguous"):
        _flat_copy(arr, np.empty(12))


def test_borrow_writes_through_to_the_owner():
    arr = np.zeros((3, 2))
    assert _borrow_add(arr, 2, 1, 4.0) == (3, 2)
    assert arr[2, 1] == 4.0 and arr.sum() == 4.0
