"""A sweep described in a TOML file: ``fastrl sweep study.toml``.

Example (Sutton & Barto's figure 2.6, two of its four kinds)::

    [problem]
    kind = "testbed"          # testbed, bernoulli, gaussian; frozen_lake, cliff_walking, ...
    num_arms = 10             # a list here is a grid axis, e.g. num_arms = [5, 10]

    [agents.epsilon-greedy]
    kind = "epsilon-greedy"   # a bandit agent name of `fastrl bandit`, or q-learning, sarsa, ...
    epsilon = [0.0078125, 0.015625, 0.03125, 0.0625, 0.125, 0.25]

    [agents.ucb]
    kind = "ucb"
    c = [0.0625, 0.125, 0.25, 0.5, 1, 2, 4]

    [run]
    runs = 2000
    steps = 1000              # tabular problems: episodes (and max_episode_steps)
    seed = 0                  # or a list
    client = "local"          # omit for this process; or a worker count, an address
    checkpoint = "study.ckpt" # optional

    [output]
    csv = "study.csv"         # one row per grid point
    netcdf = "study.nc"       # the curves (the `netcdf` extra: xarray, h5netcdf)
    zarr = "study.zarr"       # the curves (the `zarr` extra; zarr format 2)
    plot = "study.png"        # figure 2.6's picture
    metric = "mean_reward"    # the plotted summary column

Read the curves back with ``xarray.open_dataset("study.nc")`` or
``xarray.open_zarr("study.zarr")``. Output and checkpoint paths are relative
to the study file. Every error names the key at fault, as ``study.toml:
agents.ucb.kind: ...``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

__all__ = ["StudyError", "load_study", "run_study"]

_SECTIONS = {"problem", "agents", "run", "output"}
_RUN_KEYS = {
    "runs", "steps", "episodes", "max_episode_steps", "seed", "client", "retries",
    "checkpoint", "progress",
}  # fmt: skip
_OUTPUT_KEYS = {"csv", "netcdf", "zarr", "plot", "metric"}


class StudyError(ValueError):
    """An invalid study file; the message is one line naming the file and the key."""


def _problems():
    from fastrl.bandits import BernoulliBandit, GaussianBandit
    from fastrl.tabular import cliff_walking, dyna_maze, frozen_lake, windy_gridworld

    return {
        "testbed": GaussianBandit.testbed,
        "bernoulli": BernoulliBandit,
        "gaussian": GaussianBandit,
        "frozen_lake": frozen_lake,
        "cliff_walking": cliff_walking,
        "windy_gridworld": windy_gridworld,
        "dyna_maze": dyna_maze,
    }


def _agents():
    from fastrl.bandits.spec import AGENT_NAMES
    from fastrl.tabular.spec import LEARNER_NAMES

    return {**AGENT_NAMES, **LEARNER_NAMES}


def _table(doc: dict, key: str, err) -> dict:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise err(key, "missing table" if value is None else "must be a table")
    return value


def _fixed_arrays(factory, kwargs: dict, names=("probs", "means", "desc")):
    """Keep list-valued arguments that are data (arm values, a map) out of the grid axes."""
    data = {k: kwargs.pop(k) for k in names if k in kwargs}
    if not data:
        return factory
    return lambda **kw: factory(**data, **kw)


def load_study(path) -> dict:
    """Parse and check ``path``; returns the keyword arguments of :func:`~fastrl.sweep.sweep`
    (with ``agents`` and ``problem``) plus ``"output"`` (a dict)."""
    path = Path(path)

    def err(key, what):
        return StudyError(f"{path}: {key}: {what}")

    try:
        doc = tomllib.loads(path.read_text())
    except OSError as exc:
        raise StudyError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StudyError(f"{path}: not valid TOML: {exc}") from None
    for key in doc:
        if key not in _SECTIONS:
            raise err(key, f"unknown section; expected {', '.join(sorted(_SECTIONS))}")
    problem = dict(_table(doc, "problem", err))
    kind = problem.pop("kind", None)
    problems = _problems()
    if kind not in problems:
        raise err("problem.kind", f"must be one of {', '.join(problems)}, got {kind!r}")
    factory = _fixed_arrays(problems[kind], problem)
    agents_doc = _table(doc, "agents", err)
    if not agents_doc:
        raise err("agents", "needs at least one [agents.NAME] table")
    names = _agents()
    agents = {}
    for name, spec in agents_doc.items():
        if not isinstance(spec, dict):
            raise err(f"agents.{name}", "must be a table")
        spec = dict(spec)
        agent_kind = spec.pop("kind", None)
        if agent_kind not in names:
            raise err(
                f"agents.{name}.kind", f"must be one of {', '.join(names)}, got {agent_kind!r}"
            )
        if agent_kind == "greedy":
            spec.setdefault("epsilon", 0.0)
        agents[name] = (names[agent_kind], spec)
    run = dict(_table(doc, "run", err))
    for key in run:
        if key not in _RUN_KEYS:
            raise err(f"run.{key}", f"unknown key; expected {', '.join(sorted(_RUN_KEYS))}")
    if "runs" not in run:
        raise err("run.runs", "missing")
    output = dict(doc.get("output", {}))
    for key, value in output.items():
        if key not in _OUTPUT_KEYS:
            raise err(f"output.{key}", f"unknown key; expected {', '.join(sorted(_OUTPUT_KEYS))}")
        if not isinstance(value, str):
            raise err(f"output.{key}", f"must be a string, got {value!r}")
    return {"agents": agents, "problem": (factory, problem), **run, "output": output, "path": path}


def run_study(path) -> tuple:
    """Run the study in ``path`` and write its outputs; returns ``(result, written paths)``."""
    from fastrl.sweep import sweep

    kwargs = load_study(path)
    output, path = kwargs.pop("output"), kwargs.pop("path")
    base = path.parent
    if "checkpoint" in kwargs:
        kwargs["checkpoint"] = base / str(kwargs["checkpoint"])
    try:
        res = sweep(**kwargs)
    except (TypeError, ValueError) as exc:
        raise StudyError(f"{path}: {' '.join(str(exc).split())}") from None
    written = []
    if "csv" in output:
        target = base / output["csv"]
        res.to_frame().to_csv(target, index=False)
        written.append(target)
    for key in ("netcdf", "zarr"):
        if key in output:
            target = base / output[key]
            ds = res.to_xarray()
            try:
                if key == "netcdf":
                    ds.to_netcdf(target)
                else:  # format 2: zarr 3's own has no spec yet for the label strings
                    ds.to_zarr(target, mode="w", zarr_format=2)
            except (ImportError, ValueError) as exc:
                raise StudyError(f"{path}: output.{key}: cannot write: {exc}") from None
            written.append(target)
    if "plot" in output:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        try:
            ax = res.plot(output.get("metric"))
        except ValueError as exc:
            raise StudyError(f"{path}: output.plot: {exc}") from None
        target = base / output["plot"]
        ax.figure.tight_layout()
        ax.figure.savefig(target, dpi=100)
        plt.close(ax.figure)
        written.append(target)
    return res, written
