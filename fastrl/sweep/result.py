"""The outcome of :func:`fastrl.sweep.sweep`: one single-call result per grid point."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

__all__ = ["SweepResult"]

_CURVES = {
    "bandit": ("step", ("mean_reward", "optimal_action", "regret")),
    "tabular": ("episode", ("episode_return", "episode_length", "success_rate")),
}
_DEFAULT = {"bandit": "mean_reward", "tabular": "mean_return"}
_YLABEL = {
    "mean_reward": "Average reward over all steps",
    "final_optimal_pct": "% optimal action at the last step",
    "final_regret": "Cumulative regret at the last step",
    "mean_return": "Return averaged over all episodes",
    "final_return": "Return over the last 10% of episodes",
    "final_success": "Success rate over the last 10% of episodes",
    "policy_value": "Value of the greedy policy",
}
#: Summary columns named like a curve get their result's field name in the Dataset.
_RENAME = {"mean_reward": "average_reward", "mean_reward_se": "average_reward_se"}
#: Largest Dataset :meth:`SweepResult.to_xarray` builds (elements of all variables).
MAX_XARRAY_ELEMENTS = 50_000_000


def _summary_row(family: str, kind: str, res) -> dict:
    """The summary metrics of one point, computed by the family's ``compare`` result."""
    if family == "bandit":
        from fastrl.bandits.compare import Comparison

        row = Comparison({kind: res}).rows()[0]
        row.pop("agent")
        return row
    from fastrl.tabular.train import TabularComparison

    return TabularComparison({kind: res}).summary().iloc[0].to_dict()


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Results of a sweep over ``G`` grid points, each ``runs`` runs long.

    Attributes
    ----------
    family : {"bandit", "tabular"}
    params : tuple of str
        The grid's parameter names (agent parameters, problem parameters, ``"seed"``).
    points : tuple of dict, length G
        Each point's coordinates: ``"agent"`` (the kind's name), its parameter
        values and its seed.
    results : tuple, length G
        Point ``g``'s :class:`~fastrl.bandits.BanditResult`, bit-identical to
        ``simulate`` with the same arguments, or :class:`~fastrl.tabular.TrainResult`,
        identical to ``train`` except that ``q`` is None (Q tables are not
        kept: ``policy``, ``policy_value`` and the per-run summaries are).
    problem_params : tuple of str
        The names in ``params`` that are the problem's.
    runs, length : int
        Runs per point and steps (bandits) or episodes (tabular) per run.
    chunks_computed, chunks_total : int
        Chunks this call computed, and all chunks (the rest came from a checkpoint).
    """

    family: str
    params: tuple
    points: tuple
    results: tuple
    runs: int
    length: int
    problem_params: tuple = ()
    chunks_computed: int = 0
    chunks_total: int = 0

    @property
    def kinds(self) -> tuple[str, ...]:
        """The agent kinds' names, in the order given."""
        return tuple(dict.fromkeys(p["agent"] for p in self.points))

    def select(self, **coords) -> SweepResult:
        """The points whose coordinates equal ``coords`` (e.g. ``seed=0, agent="ucb"``)."""
        keep = [
            g for g, p in enumerate(self.points) if all(p.get(k) == v for k, v in coords.items())
        ]
        if not keep:
            raise ValueError(f"no grid point has {coords}")
        return replace(
            self,
            points=tuple(self.points[g] for g in keep),
            results=tuple(self.results[g] for g in keep),
        )

    def to_frame(self):
        """One row per grid point (:class:`pandas.DataFrame`).

        Columns: ``agent``, the grid parameters (NaN where a kind has no such
        parameter) and the summary metrics of the family's ``compare`` with
        their ``*_se`` standard errors: bandits ``mean_reward`` (reward per
        step over the run), ``final_optimal_pct``, ``final_regret``; tabular
        ``mean_return``, ``final_return``, ``final_success``, ``policy_value``.
        """
        import pandas as pd

        rows = [
            {**p, **_summary_row(self.family, p["agent"], r)}
            for p, r in zip(self.points, self.results, strict=True)
        ]
        frame = pd.DataFrame(rows)
        first = ["agent", *(k for k in self.params if k in frame.columns)]
        return frame[first + [c for c in frame.columns if c not in first]]

    def to_xarray(self, agent: str | None = None):
        """The curves and summaries as an :class:`xarray.Dataset` (the ``xarray`` extra).

        Dimensions: ``agent`` (dropped when one ``agent`` kind is selected), one
        per grid parameter that the selected kinds have, and ``step`` (bandits,
        from 1) or ``episode`` (tabular, from 0) for the curves. Variables: each
        curve and summary metric and its ``*_se``; NaN where a combination of
        coordinates is not a grid point. A kind without some parameter sits at
        coordinate NaN of that parameter's dimension (``sel(c=np.nan)``).
        """
        import xarray as xr

        res = self if agent is None else self.select(agent=agent)
        dims = ["agent"] + [k for k in self.params if any(k in p for p in res.points)]
        coords = {d: _sorted_unique([p.get(d) for p in res.points]) for d in dims}
        shape = tuple(len(coords[d]) for d in dims)
        axis, curves = _CURVES[self.family]
        frame = res.to_frame()
        summaries = [c for c in frame.columns if c not in dims and c not in self.params]
        size = math.prod(shape) * (2 * len(curves) * self.length + len(summaries))
        if size > MAX_XARRAY_ELEMENTS:
            raise ValueError(
                f"the Dataset would hold {size:,} values; select one agent kind "
                "(to_xarray(agent=...)) or fewer points (select(...))"
            )
        where = [tuple(_position(coords[d], p.get(d)) for d in dims) for p in res.points]
        data = {}
        for name in curves:
            for suffix in ("", "_se"):
                arr = np.full(shape + (self.length,), np.nan)
                for idx, r in zip(where, res.results, strict=True):
                    arr[idx] = getattr(r, name + suffix)
                data[name + suffix] = (dims + [axis], arr)
        for name in summaries:
            arr = np.full(shape, np.nan)
            for idx, value in zip(where, frame[name].to_numpy(dtype=float), strict=True):
                arr[idx] = value
            data[_RENAME.get(name, name)] = (dims, arr)
        start = 1 if axis == "step" else 0
        coords[axis] = np.arange(start, start + self.length)
        ds = xr.Dataset(data, coords=coords, attrs={"runs": self.runs, "family": self.family})
        return ds.squeeze("agent", drop=True) if agent is not None else ds

    def plot(self, metric: str | None = None, ax=None):
        """Figure 2.6's picture: ``metric`` against each kind's parameter, log2 x axis.

        One line per agent kind with +-1 standard-error bars. Each kind must
        vary exactly one parameter, and the other grid parameters (seed,
        problem parameters) must have one value: :meth:`select` one first.

        Parameters
        ----------
        metric : str, optional
            A summary column of :meth:`to_frame`; default ``mean_reward``
            (bandits) or ``mean_return`` (tabular).
        ax : matplotlib Axes, optional

        Returns
        -------
        matplotlib.axes.Axes
        """
        frame = self.to_frame()
        metric = _DEFAULT[self.family] if metric is None else metric
        if metric not in frame.columns or metric in self.params or metric == "agent":
            raise ValueError(f"metric must be a summary column of to_frame(), got {metric!r}")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4.5))
        names = []
        for kind in self.kinds:
            rows = frame[frame["agent"] == kind].dropna(axis=1, how="all")
            varying = [k for k in self.params if k in rows and rows[k].nunique() > 1]
            axes = [k for k in varying if k != "seed" and k in self._agent_params(kind)]
            others = [k for k in varying if k not in axes]
            if len(axes) != 1 or others:
                raise ValueError(
                    f"plot needs one varying parameter per kind; {kind!r} varies "
                    f"{varying}: select(...) one value of the others first"
                )
            x = axes[0]
            rows = rows.sort_values(x)
            ax.errorbar(
                rows[x], rows[metric], yerr=rows.get(metric + "_se"),
                marker="o", ms=3, capsize=2, lw=1.2, label=f"{kind} ({x})",
            )  # fmt: skip
            names.append(x)
        ax.set_xscale("log", base=2)
        ax.set_xlabel(", ".join(dict.fromkeys(names)) + " (log2 scale)")
        ax.set_ylabel(_YLABEL.get(metric, metric))
        ax.legend(frameon=False, fontsize=8)
        return ax

    def _agent_params(self, kind: str) -> set:
        keys = set()
        for p in self.points:
            if p["agent"] == kind:
                keys |= set(p)
        return keys - {"agent", "seed"} - set(self.problem_params)


def _sorted_unique(values: list) -> list:
    """Sorted distinct values, then NaN if some point lacks the parameter."""
    unique = list(dict.fromkeys(v for v in values if v is not None))
    try:
        unique = sorted(unique)
    except TypeError:
        pass
    return unique + [math.nan] if None in values else unique


def _position(coord: list, value) -> int:
    return len(coord) - 1 if value is None else coord.index(value)
