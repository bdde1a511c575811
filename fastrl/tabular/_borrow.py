"""Borrowed array views: no reference counting where a driver owns the memory.

The learning driver hands its tables to inlined hooks inside records
(namedtuples). numba copies every argument of an inlined function, and a copy
of a record increments and decrements the reference count of each of its
arrays: atomic operations that its reference-count pruning removes only in
straight-line code. Measured: a hook with one branch on a record of three
arrays made a Q-learning step 2.7x slower (FrozenLake, one thread).

:func:`borrow` returns the same array without its memory-info pointer, so
numba's reference counting sees NULL and does nothing. The caller must keep
the owning array alive for as long as the view is used: the driver makes the
views from arrays it allocated and keeps for the whole block.
"""

from __future__ import annotations

from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["borrow"]


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
