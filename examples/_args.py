"""Tiny shared helpers of the examples: argparse from a documented dataclass, figures, timers.

Each example declares ``@dataclass class Args`` whose fields carry their help
text in ``field(metadata={"help": ...})`` (CleanRL keeps it in docstrings and
uses tyro; plain argparse keeps the examples dependency-free). ``--flag`` /
``--no-flag`` for booleans, ``nargs="+"`` for tuples.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from contextlib import contextmanager


def arg(default, help: str):
    """A dataclass field with a default and its ``--help`` text."""
    if isinstance(default, list | dict | set):
        raise TypeError("use a tuple for sequence defaults")
    return dataclasses.field(default=default, metadata={"help": help})


def parse(cls, argv=None):
    """Parse the command line into ``cls`` (a dataclass whose fields come from :func:`arg`)."""
    parser = argparse.ArgumentParser(description=(cls.__doc__ or "").strip().splitlines()[0])
    for f in dataclasses.fields(cls):
        name = "--" + f.name.replace("_", "-")
        help_text = f"{f.metadata.get('help', '')} (default: {f.default})"
        if isinstance(f.default, bool):
            parser.add_argument(name, action=argparse.BooleanOptionalAction, default=f.default)
        elif isinstance(f.default, tuple):
            kind = type(f.default[0]) if f.default else str
            parser.add_argument(name, type=kind, nargs="+", default=f.default, help=help_text)
            continue
        else:
            parser.add_argument(name, type=type(f.default), default=f.default, help=help_text)
        parser._actions[-1].help = help_text
    ns = parser.parse_args(argv)
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in vars(ns).items()}
    return cls(**values)


def setup_matplotlib():
    """pyplot with the file-only Agg backend (examples run headless in tests)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, out: str, name: str, dpi: int = 80) -> str:
    """Save ``fig`` as ``out/name``, close it and return the path."""
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    fig.savefig(path, dpi=dpi)
    import matplotlib.pyplot as plt

    plt.close(fig)
    print(f"saved {path}")
    return path


@contextmanager
def timed(label: str):
    """Print how long the block took: ``label: 0.123 s``."""
    t0 = time.perf_counter()
    yield
    print(f"  [{label}: {time.perf_counter() - t0:.3f} s]")
