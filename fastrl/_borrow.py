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
:func:`borrow_flat` is the same view of a C-contiguous array as one dimension.
"""

from __future__ import annotations

from numba import types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.extending import intrinsic

from fastrl._jit import jit

__all__ = ["borrow", "borrow_flat", "keep_alive"]


def _view(context, builder, sig, value, flat):
    """The array struct of a view of ``value`` with no meminfo (1-D over all items if ``flat``)."""
    src = context.make_array(sig.args[0])(context, builder, value=value)
    out = context.make_array(sig.return_type)(context, builder)
    out.meminfo = cgutils.get_null_value(out.meminfo.type)
    out.parent = cgutils.get_null_value(out.parent.type)
    out.nitems = src.nitems
    out.itemsize = src.itemsize
    out.data = src.data
    if flat:
        out.shape = cgutils.pack_array(builder, [src.nitems])
        out.strides = cgutils.pack_array(builder, [src.itemsize])
    else:
        out.shape = src.shape
        out.strides = src.strides
    return out._getvalue()


@intrinsic
def borrow(typingctx, arr):
    """The array ``arr`` as a view without ownership (see the module docstring)."""

    def codegen(context, builder, sig, args):
        return _view(context, builder, sig, args[0], flat=False)

    return arr(arr), codegen


@intrinsic
def borrow_flat(typingctx, arr):
    """The C-contiguous array ``arr`` as a borrowed 1-D view of all its items, in order.

    Element ``k`` of the view is ``arr.flat[k]``: for ``q[S, A]``, ``q[s, a]`` is
    element ``s * A + a``. Made with a few register moves; numba's ``reshape``
    calls a C helper each time (measured: a flat view made with it inside the
    eligibility-trace sweep made SARSA(lambda) 35% slower). Not owning, as
    :func:`borrow`: the caller keeps ``arr`` alive while the view is used.
    """
    if not isinstance(arr, types.Array) or arr.layout != "C":
        raise TypingError(f"borrow_flat needs a C-contiguous array, got {arr}")

    def codegen(context, builder, sig, args):
        return _view(context, builder, sig, args[0], flat=True)

    return types.Array(arr.dtype, 1, "C")(arr), codegen


@jit
def keep_alive(*owners):
    """A call numba cannot drop: the owners of the borrowed views live until here."""
    return len(owners)
