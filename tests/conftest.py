"""Suite-wide pytest configuration."""

from __future__ import annotations


def pytest_collection_modifyitems(session, config, items):
    """Run ``fastrl warmup``'s test last.

    warmup compiles every per-kind driver; the rest of the suite compiles most
    of them anyway, and in one process numba reuses them, so running it last
    costs seconds instead of the minute and a half it takes first.
    """
    last = [item for item in items if item.name == "test_warmup"]
    items[:] = [item for item in items if item.name != "test_warmup"] + last
