"""Suite-wide pytest configuration.

* A fixed hypothesis profile: ``derandomize=True`` and no example database, so
  every run draws the same examples, compiles the same numba drivers and takes
  the same time (a random draw could compile a driver nothing else uses).
  Another profile can still be chosen with ``--hypothesis-profile``.
* ``@pytest.mark.run_last`` moves a test to the end of the run.
* The report header says which numpy SIMD paths are live: the numeric tests run
  a second time in CI with numpy's AVX-512 dispatch turned off
  (``NPY_DISABLE_CPU_FEATURES``), and the header shows which run is which.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fastrl",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("fastrl")


def numpy_avx512() -> dict[str, bool]:
    """numpy's runtime-dispatch flags for its AVX-512 code paths on this machine."""
    from numpy._core._multiarray_umath import __cpu_features__

    return {k: v for k, v in __cpu_features__.items() if k.startswith(("AVX512", "X86_V4"))}


def pytest_report_header(config):
    on = sorted(k for k, v in numpy_avx512().items() if v)
    disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "")
    return [
        f"numpy AVX-512 paths enabled: {', '.join(on) or 'none'}"
        + (f" (NPY_DISABLE_CPU_FEATURES={disabled!r})" if disabled else "")
    ]


def pytest_collection_modifyitems(session, config, items):
    """Run the tests marked ``run_last`` last.

    ``run_last`` is for ``fastrl warmup``'s test: warmup compiles every per-kind
    driver, the rest of the suite compiles most of them anyway and numba then loads
    them from its cache, so running it last costs seconds instead of a minute.
    """
    last = [item for item in items if item.get_closest_marker("run_last")]
    items[:] = [item for item in items if not item.get_closest_marker("run_last")] + last
