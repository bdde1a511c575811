"""A kernel compiles once across processes: a second process waits for the first's compile.

:func:`fastrl._once.compile_once` holds a file lock named by the kernel while
it compiles; another process that needs the same kernel meanwhile waits, then
loads the machine code from the shared disk cache instead of compiling it again.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from fastrl._jit import CACHE
from fastrl._once import _locked, compile_once

KERNEL = """
from fastrl._jit import jit


@jit
def fill(first, stride, out):
    for b in range(first, out.shape[0], stride):
        out[b] = 2.0 * b
"""

CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    from fastrl._threads import run_blocks
    from once_kernel import fill
    print("calling", flush=True)
    out = np.zeros(4)
    run_blocks(fill, 4, (out,))
    print(*out, sum(fill.stats.cache_hits.values()), sum(fill.stats.cache_misses.values()))
""")


def _load(tmp_path, monkeypatch):
    (tmp_path / "once_kernel.py").write_text(KERNEL)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "once_kernel", raising=False)
    module = importlib.import_module("once_kernel")
    monkeypatch.setitem(sys.modules, "once_kernel", module)  # removed after the test
    return module


@pytest.mark.skipif(not CACHE, reason="FASTRL_NUMBA_CACHE turns the on-disk cache off")
@pytest.mark.skipif(sys.platform == "win32", reason="no fcntl: each process compiles")
def test_a_second_process_waits_for_the_compile_and_loads_it(tmp_path, monkeypatch):
    fill = _load(tmp_path, monkeypatch).fill
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    name = f"{fill.py_func.__module__}.{fill.py_func.__qualname__}"
    with _locked(name):  # as if another process were compiling the kernel now
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout.readline().strip() == "calling"
        time.sleep(1.0)
        assert child.poll() is None, "the child did not wait for the lock"
        fill(0, 1, np.zeros(4))  # compile (and cache) here, holding the lock
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 0, stderr
    *values, hits, misses = stdout.split()
    assert [float(v) for v in values] == [0.0, 2.0, 4.0, 6.0]
    assert (int(hits), int(misses)) == (1, 0)  # loaded from the cache, not compiled


def test_anything_but_a_caching_dispatcher_is_left_to_the_call():
    calls = []
    compile_once(lambda *a: calls.append(a), (0, 1))  # a Python function: nothing to do
    assert calls == []
