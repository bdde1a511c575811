"""Borrowed array views: no reference counting where a driver owns the memory.

The drivers hand their per-run state to inlined plug-in functions inside
records (namedtuples). numba copies every argument of an inlined function, and
a copy of a record increments and decrements the reference count of each of
its arrays: atomic operations that its reference-count pruning removes only in
straight-line code. Measured: a tabular hook with one branch on a record of
three arrays made a Q-learning step 2.7x slower, and the bandit driver's
epsilon-greedy step 5x slower (FrozenLake and two arms, one thread).

:func:`borrow` returns the same array without its memory-info pointer, so
numba's reference counting sees NULL and does nothing. The caller must keep the
owning array alive for as long as the view is used: the drivers make the views
from arrays they allocated, and pass the owners to :func:`keep_alive` at the end.
"""

from __future__ import annotations

from numba.core import cgutils
from numba.extending import intrinsic

from fastrl._jit import jit

__all__ = ["borrow", "keep_alive"]


@intrinsic
def borrow(typingctx, arr):
    """The array ``arr`` as a view without ownership (see the module docstring)."""

    def codegen(context, builder, sig, args):
        src = context.make_array(sig.args[0])(context, builder, value=args[0])
        out = context.make_array(sig.return_type)(context, builder)
        out.meminfo = cgutils.get_null_value(out.meminfo.type)
        out.parent = cgutils.get_null_value(out.parent.type)
        out.nitems = src.nitems
        out.itemsize = src.itemsize
        out.data = src.data
        out.shape = src.shape
        out.strides = src.strides
        return out._getvalue()

    return arr(arr), codegen


@jit
def keep_alive(*owners):
    """A call numba cannot drop: the owners of the borrowed views live until here."""
    return len(owners)
