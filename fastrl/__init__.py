"""fastrl: batched bandit and tabular reinforcement-learning simulation in numba.

Subpackages: :mod:`fastrl.bandits` (k-armed bandits: ``simulate``, ``compare``),
:mod:`fastrl.tabular` (MDPs, planning, learning, evaluation, model estimation),
:mod:`fastrl.control` (classic-control dynamics, linear-policy ``search``) and
:mod:`fastrl.gym` (Gymnasium environments; imported only on request, so
``import fastrl`` never imports Gymnasium). :mod:`fastrl.sweep` runs parameter
studies, locally or on Dask (imported on request; it imports Dask, xarray and
tqdm only when asked to use them).
"""

from fastrl import bandits, control, tabular
from fastrl.schedules import Schedule

__version__ = "0.1.0"

__all__ = ["bandits", "control", "tabular", "Schedule", "__version__"]
