"""Golden hashes of ``train`` for every built-in learner and exploration kind (STYLE T2).

Captured at the commit before tabular learners became plug-ins (the driver with
``ALG_*``/``EXPLORE_*`` branches), so any refactor of the driver must reproduce
every curve, standard error, Q table, policy, per-run summary and recorded run
bit for bit. ``policy_value`` goes through LAPACK, whose last bits may differ
between machines, so it is hashed after rounding to 9 significant digits.

Run this file as a script to print the table anew (only after a deliberate,
documented change of the numbers).
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import pytest

from fastrl.schedules import Schedule
from fastrl.tabular import (
    DoubleQLearning,
    DynaQ,
    ExpectedSarsa,
    QLearning,
    Sarsa,
    cliff_walking,
    frozen_lake,
    random_map,
    stack,
    train,
)

LEARNERS = {
    "q": QLearning,
    "sarsa": Sarsa,
    "expected_sarsa": ExpectedSarsa,
    "double_q": DoubleQLearning,
    "dyna_q": DynaQ,
}
EXPLORATIONS = {
    "egreedy": dict(epsilon=0.2),
    "softmax": dict(exploration="softmax", beta=2.0),
    "bonus": dict(epsilon=0.05, bonus=0.5),
    "schedule": dict(exploration="softmax", beta=1.0, schedule=Schedule("exponential", decay=0.9)),
}
MDPS = ("frozen_lake", "cliff", "stack")
FIELDS = (
    "episode_return", "episode_return_se", "episode_length", "episode_length_se",
    "success_rate", "success_rate_se", "q", "policy", "run_mean_return", "run_final_return",
    "run_final_success", "returns", "lengths",
)  # fmt: skip


def _mdp(kind):
    if kind == "frozen_lake":
        return frozen_lake(), 20
    if kind == "cliff":
        return cliff_walking(max_episode_steps=60), 20
    return stack([frozen_lake(desc=random_map(4, seed=k)) for k in range(5)]), 5


def _digest(res) -> str:
    h = hashlib.sha256()
    for name in FIELDS:
        a = np.ascontiguousarray(getattr(res, name))
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    pv = np.array([float(f"{x:.9g}") for x in res.policy_value])
    h.update(pv.tobytes())
    return h.hexdigest()[:24]


def _run(learner, exploration, mdp_kind) -> str:
    mdp, runs = _mdp(mdp_kind)
    kw = dict(EXPLORATIONS[exploration], alpha=0.3, gamma=0.95)
    if learner == "dyna_q":
        kw["planning_steps"] = 3
    agent = LEARNERS[learner](**kw)
    res = train(mdp, agent, runs=runs, episodes=12, seed=11, record_runs=True)
    return _digest(res)


CASES = [(ln, ex, m) for ln in LEARNERS for ex in EXPLORATIONS for m in MDPS]

GOLDEN: dict[str, str] = {
    "q/egreedy/frozen_lake": "3de90204f74c74a08e82ef28",
    "q/egreedy/cliff": "7ae04c3143e5a5d77d8a33a5",
    "q/egreedy/stack": "38fba6323b9cac00eb3aaae7",
    "q/softmax/frozen_lake": "ad6828c97ac9719832fb93eb",
    "q/softmax/cliff": "cd8a6ae4bd18d58b55c11b81",
    "q/softmax/stack": "cd75b87b2c141a87f69417b4",
    "q/bonus/frozen_lake": "d111e60972a028ac9d1b88a6",
    "q/bonus/cliff": "d19af6eb41279568681644c0",
    "q/bonus/stack": "ef62fea3504967d77e6c46bf",
    "q/schedule/frozen_lake": "ad6828c97ac9719832fb93eb",
    "q/schedule/cliff": "3f77bdf143af699484f7abb7",
    "q/schedule/stack": "1acdb8b0fe5a04836d3bdc9e",
    "sarsa/egreedy/frozen_lake": "3de90204f74c74a08e82ef28",
    "sarsa/egreedy/cliff": "a2cd0457b96b9cbc210def93",
    "sarsa/egreedy/stack": "a54239061895dc76b77733b8",
    "sarsa/softmax/frozen_lake": "ad6828c97ac9719832fb93eb",
    "sarsa/softmax/cliff": "35d25d8b65c03290bdaa9b69",
    "sarsa/softmax/stack": "1248c104a5905ba81525a80c",
    "sarsa/bonus/frozen_lake": "d111e60972a028ac9d1b88a6",
    "sarsa/bonus/cliff": "b65e6706434fd7ac72cbcb12",
    "sarsa/bonus/stack": "6358bc71f415d4a00812b65b",
    "sarsa/schedule/frozen_lake": "ad6828c97ac9719832fb93eb",
    "sarsa/schedule/cliff": "7339bbfe568c558e37cd4503",
    "sarsa/schedule/stack": "1248c104a5905ba81525a80c",
    "expected_sarsa/egreedy/frozen_lake": "3de90204f74c74a08e82ef28",
    "expected_sarsa/egreedy/cliff": "68a3fbef4df4889b44ee8c78",
    "expected_sarsa/egreedy/stack": "079294d351d3884503ea0bb4",
    "expected_sarsa/softmax/frozen_lake": "ad6828c97ac9719832fb93eb",
    "expected_sarsa/softmax/cliff": "4fcc1c11cdb5ded9316c3f5e",
    "expected_sarsa/softmax/stack": "8c60323899fdf037a1141ac5",
    "expected_sarsa/bonus/frozen_lake": "d111e60972a028ac9d1b88a6",
    "expected_sarsa/bonus/cliff": "fb3bcd0daa3ba7e3f3587cc8",
    "expected_sarsa/bonus/stack": "5fc0806c5d0bac1b277453e5",
    "expected_sarsa/schedule/frozen_lake": "ad6828c97ac9719832fb93eb",
    "expected_sarsa/schedule/cliff": "82992f96041fcdb9b287a34f",
    "expected_sarsa/schedule/stack": "e72ff0b3410da51ed5703c08",
    "double_q/egreedy/frozen_lake": "f6173e203cd54244a89fe3f5",
    "double_q/egreedy/cliff": "778464b64a92d90294dff8d9",
    "double_q/egreedy/stack": "8405ecd1ded42f900440d36c",
    "double_q/softmax/frozen_lake": "31499cee2efa73f22eba6140",
    "double_q/softmax/cliff": "f111d2d78d89b071dcc0da86",
    "double_q/softmax/stack": "6b6d2457eadbd1108dd93e0f",
    "double_q/bonus/frozen_lake": "3386ce22154e76affa659938",
    "double_q/bonus/cliff": "0d61f65d40d24f0edee430d1",
    "double_q/bonus/stack": "77a39b97c8107df6a3cb16e0",
    "double_q/schedule/frozen_lake": "31499cee2efa73f22eba6140",
    "double_q/schedule/cliff": "08c97efe1b5123388c3a1ce2",
    "double_q/schedule/stack": "761b0a6ca13bce97ba6f8daa",
    "dyna_q/egreedy/frozen_lake": "bee17098d1af30d5405e7175",
    "dyna_q/egreedy/cliff": "783b3fe9d10f2875f195a183",
    "dyna_q/egreedy/stack": "353ae0d601d60ea80afa932f",
    "dyna_q/softmax/frozen_lake": "2e3a49efd16587db7e8948c3",
    "dyna_q/softmax/cliff": "b59a083e1df339da6d19c9dc",
    "dyna_q/softmax/stack": "787345a44c9e8bcbea8a3ab3",
    "dyna_q/bonus/frozen_lake": "0bf7ad0174825602b8336a21",
    "dyna_q/bonus/cliff": "f72c78dfa50e338d6e26a71a",
    "dyna_q/bonus/stack": "7baecc0f3844212eef431d1e",
    "dyna_q/schedule/frozen_lake": "60e5caec2166658da1c712b4",
    "dyna_q/schedule/cliff": "e4caf0d4097e88db0aebd399",
    "dyna_q/schedule/stack": "0a727dd2fbf5306e4e9dbe82",
}


@pytest.mark.parametrize(("learner", "exploration", "mdp_kind"), CASES)
def test_golden(learner, exploration, mdp_kind):
    assert _run(learner, exploration, mdp_kind) == GOLDEN[f"{learner}/{exploration}/{mdp_kind}"]


if __name__ == "__main__":
    for case in CASES:
        sys.stdout.write(f'    "{"/".join(case)}": "{_run(*case)}",\n')
