"""A user's agent on the public protocol: clear errors, the CLI and ``compare``.

Its numbers (reference loops, determinism) are checked with the built-ins' tests,
parametrised over ``tests/user_agents.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from user_agents import UserEpsilonGreedy

from fastrl.bandits import Agent, BernoulliBandit, EpsilonGreedy, compare, simulate
from fastrl.bandits.spec import parse_agent

PROBLEM = BernoulliBandit([0.2, 0.5, 0.9])


@dataclass(frozen=True)
class WrongSignature(Agent):
    arrays = {"q": 0.0}

    @staticmethod
    def select(p, st, key, t):
        return 0

    @staticmethod
    def update(p, st, j, a, r, key, t):
        pass


@dataclass(frozen=True)
class UndeclaredState(Agent):
    arrays = {"q": 0.0}

    @staticmethod
    def select(p, st, j, key, t):
        return 0

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.counts[j, a] += 1.0  # not declared


@dataclass(frozen=True)
class FloatArm(Agent):
    arrays = {"q": 0.0}

    @staticmethod
    def select(p, st, j, key, t):
        return 0.5

    @staticmethod
    def update(p, st, j, a, r, key, t):
        pass


@dataclass(frozen=True)
class OutOfRange(Agent):
    arrays = {"q": 0.0}

    @staticmethod
    def select(p, st, j, key, t):
        return t  # arm t: out of range from step k on

    @staticmethod
    def update(p, st, j, a, r, key, t):
        st.q[j, a] += r


def test_wrong_signature_names_the_agent_and_function():
    with pytest.raises(TypeError, match=r"agent WrongSignature: select\(p, st, key, t\) must"):
        simulate(PROBLEM, WrongSignature(), runs=2, steps=3)


def test_uncompilable_body_names_the_function_and_keeps_numba_message():
    with pytest.raises(TypeError, match=r"agent UndeclaredState: numba cannot compile update\(\)"
                       ) as info:  # fmt: skip
        simulate(PROBLEM, UndeclaredState(), runs=2, steps=3)
    assert "counts" in str(info.value)  # numba's own message is attached
    assert info.value.__cause__ is not None


def test_select_must_return_an_integer():
    with pytest.raises(TypeError, match="agent FloatArm: select.. must return an integer"):
        simulate(PROBLEM, FloatArm(), runs=2, steps=3)


def test_arm_out_of_range_raises_after_the_kernel():
    with pytest.raises(ValueError, match=r"agent OutOfRange: select\(\) returned arm 3 at step 3"):
        simulate(PROBLEM, OutOfRange(), runs=130, steps=8)


def test_state_declarations_are_checked():
    with pytest.raises(TypeError, match="not a valid name"):

        class Bad(Agent):
            arrays = {"not-a-name": 0.0}

    with pytest.raises(TypeError, match="initial value of 'q' names 'q0'"):

        @dataclass(frozen=True)
        class Missing(Agent):
            arrays = {"q": "q0"}
            select = staticmethod(lambda p, st, j, key, t: 0)
            update = staticmethod(lambda p, st, j, a, r, key, t: None)

        simulate(PROBLEM, Missing(), runs=1, steps=1)
    with pytest.raises(TypeError, match="must be a fastrl.bandits.Agent"):
        simulate(PROBLEM, object(), runs=1, steps=1)


def test_user_agent_from_the_command_line_spec_and_in_compare():
    agent = parse_agent("user_agents:UserEpsilonGreedy epsilon=0.25")
    assert agent == UserEpsilonGreedy(0.25)
    with pytest.raises(ValueError, match="not a fastrl.bandits.Agent"):
        parse_agent("user_agents:PROBLEM")
    with pytest.raises(ValueError, match="cannot import"):
        parse_agent("no_such_module_here:Agent")
    both = compare({"user": agent, "built-in": EpsilonGreedy(0.25)}, PROBLEM, runs=70,
                   steps=30, seed=4)  # fmt: skip
    user, builtin = both.results["user"], both.results["built-in"]
    for name in ("mean_reward", "regret_se", "optimal_action"):  # the same bits
        np.testing.assert_array_equal(getattr(user, name), getattr(builtin, name))


def test_readme_agent_table_is_generated_from_the_registry():
    from pathlib import Path

    from fastrl.bandits.agents import table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    inside = readme.split("<!-- agents:begin -->\n")[1].split("\n<!-- agents:end -->")[0]
    assert inside == table()
