"""Every example runs, with a tiny budget, in its own process (CleanRL style), so none can rot.

Numba compiles each kernel in each process unless it finds it in its on-disk
cache. The subprocesses share one cache directory for the session: the
caller's ``NUMBA_CACHE_DIR`` when set, else numba's default (``__pycache__``
next to fastrl's sources, the same cache the in-process tests fill), so
compilation is paid at most once per kernel. The examples run last
(``run_last``): they use the kernels the other tests compile, and a subprocess
that ran first compiled them itself, often while a test worker compiled the same
ones (measured: the Sutton & Barto example took 75 s cold, 7.6 s warm).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# example -> (tiny arguments, PNGs it must write, lines its report must contain)
NUM = r"-?\d+\.\d+"
CASES = {
    "tune_optuna": (
        "--trials 8 --runs 16 --steps 30",
        ["tune_optuna.png"],
        [
            rf"8 trials of 16 runs x 30 steps in {NUM} s \({NUM} trials/s",
            rf"best: epsilon = {NUM}, alpha = {NUM}, average reward {NUM}",
            rf"grid sweep over epsilon .*best epsilon = {NUM}",
        ],
    ),
    "parameter_study": (
        "--runs 16 --steps 30 --workers 2",
        ["parameter_study.png"],
        [
            rf"local: \d+ grid points x 16 runs x 30 steps in {NUM} s",
            r"local and cluster results identical bit for bit: True",
        ],
    ),
    "two_armed_bandit": (
        "--runs 20 --steps 50",
        ["two_armed_bandit.png"],
        [
            rf"one run of epsilon-greedy .*: final Q = \[{NUM}, {NUM}\]",
            rf"20 runs x 50 steps per agent: {NUM} s \(tutorial: 79 s\)",
            rf"^  +2 arms: epsilon-greedy {NUM} +softmax {NUM}$",
        ],
    ),
    "custom_agent": (
        "--runs 20 --steps 50 --c 0.2",
        ["custom_agent.png"],
        [
            rf"first call {NUM} s .*again {NUM} s \({NUM} million agent-steps/s\)",
            rf"^epsilon_n-greedy \(c=0.2\) +{NUM} +{NUM} ± {NUM}$",
            rf"^successive elimination \(delta=0.05\) +{NUM} +{NUM} ± {NUM}$",
        ],
    ),
    "bandit_zoo": (
        "--runs 16 --steps 200",
        ["bandit_zoo.png"],
        [
            rf"7 agents x 16 runs x 200 steps, 10 arms: {NUM} s \({NUM} million agent-steps/s\)",
            rf"Lai-Robbins bound at T = 200: C log T = {NUM}",
            rf"^KL-UCB +{NUM} ± {NUM} +{NUM} ± {NUM} +{NUM} ± {NUM} ",
            rf"^  Thompson +{NUM} ± {NUM} +regret( \d+ /){{4}} \d+$",
        ],
    ),
    "multi_armed_bandits": (
        "--runs 20 --steps 50 --arms 5",
        ["multi_armed_bandits.png"],
        [
            r"strategies x 20 runs x 50 steps, 5 arms:",
            rf"{NUM} s \({NUM} million pulls/s\)",
        ],
    ),
    "sutton_barto_chapter2": (
        "--runs 16 --steps 30",
        [f"fig2_{k}.png" for k in range(2, 7)],
        [
            r"Figure 2\.6: average reward over the first 30 steps",
            rf"^  UCB.* best at 2\^-?\d+: {NUM}",
            rf"Whole chapter \(16 runs x 30 steps per curve\): {NUM} s",
        ],
    ),
    "frozenlake_policy_search": (
        "--policies 50 --episodes 5 --check-batches 4 --q-runs 4 --q-episodes 50",
        ["frozenlake_policy_search.png"],
        [r"value iteration's policy:", rf"^  value iteration.* {NUM} ± {NUM} ", rf"Total: {NUM} s"],
    ),
    "markov_agent": (
        "--toy-episodes 200 --log-episodes 200 --searches 50 --size 32",
        ["markov_agent.png"],
        [
            r"Part 1: 200 random episodes logged in",
            r"estimated P\(next \| state, climb\)",
            rf"{NUM} ± {NUM} probes on average",
        ],
    ),
    "td_control": (
        "--runs 4 --frozen-episodes 50 --cliff-episodes 10 --windy-episodes 5 --maze-episodes 3",
        ["td_control.png"],
        [
            rf"Windy gridworld \(shortest path: 15 steps\): {NUM} s",
            rf"last episode {NUM} steps, \d+ in all",
            rf"^Total: {NUM} s",
        ],
    ),
    "custom_learner": (
        "--runs 4 --episodes 5 --n 1 3 --plot",
        ["custom_learner.png"],
        [
            rf"Windy gridworld, 4 runs x 5 episodes: {NUM} s",
            r"^  1-step SARSA +\d+ ",
            r"^  3-step SARSA +\d+ ",
        ],
    ),
    "cartpole_policy_search": (
        "--population 50 --generations 2 --episodes 2 --gif-steps 5",
        ["cartpole_policy_search.png", "cartpole_winner.gif"],
        [
            rf"^ +random +{NUM} ± {NUM} .* [\d,]+ +{NUM} s$",
            rf"^ +cem +{NUM} ± {NUM} ",
            r"saved .*cartpole_winner\.gif \(\d+ frames",
        ],
    ),
    "sutton_barto_tabular": (
        "--runs 4 --bias-runs 64 --bias-episodes 10 --games 2000 --walk-episodes 10 "
        "--maze-steps 60",
        ["sutton_barto_tabular.png"],
        [
            r"policy iteration: \d+ steps, V\(0,0\) = 421\.4, V\(20,20\) = 637\.0",
            r"V\(25\), V\(50\), V\(75\) = 0\.160, 0\.400, 0\.640",
            rf"^figure 12\.8 \(8 lambdas x 10 alphas x 4 runs\): {NUM} s$",
            rf"^  8\.5 shortcut maze Dyna-Q\+: cumulative reward {NUM} ± {NUM} after 120 steps$",
            rf"^Total: {NUM} s",
        ],
    ),
    "mountain_car_tile_coding": (
        "--runs 4 --episodes 3",
        ["mountain_car_tile_coding.png"],
        [
            rf"^  alpha = {a}/8: episode 1 {NUM} ± {NUM}, episode 3 {NUM} ± {NUM} steps; "
            rf"[\d,]+ env-steps in {NUM} s \({NUM} M steps/s\), \d+ episodes truncated$"
            for a in (r"0\.1", r"0\.2", r"0\.5")
        ]
        + [r"saved .*mountain_car_tile_coding\.png", rf"total time: {NUM} s"],
    ),
    "gymnasium_backend": (
        "--num-envs 16 --steps 5 --gym-steps 3 --learn-steps 30",
        ["gymnasium_backend.png", "frozenlake_policy.gif"],
        [
            r"ratio: \d+x",
            r"greedy policy: success rate [01]\.\d{3} over 10,000 episodes",
            r"wrote .*frozenlake_policy\.gif \(\d+ frames\)",
        ],
    ),
}


@pytest.fixture(scope="session")
def example_env():
    """Environment of the example subprocesses: headless, one shared numba cache."""
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    env.pop("FASTRL_NUMBA_CACHE", None)  # the cache must be on, or every process compiles
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_every_example_is_tested():
    scripts = {p.stem for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(CASES)


# After the other tests every example mostly loads numba's cache: bandit_zoo plays seven
# agents whose Bernoulli drivers the agent tests compile (40 s from a cold cache, 5 s warm).
@pytest.mark.run_last
@pytest.mark.parametrize("name", sorted(CASES))
def test_example_runs(name, tmp_path, example_env):
    args, pngs, lines = CASES[name]
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args.split(), "--out", str(tmp_path)],
        cwd=ROOT,
        env=example_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for png in pngs:
        assert (tmp_path / png).stat().st_size > 1000, png
    # Each example reports its results and how long it took: the lines a reader needs.
    for pattern in lines:
        assert re.search(pattern, proc.stdout, re.MULTILINE), (pattern, proc.stdout[-3000:])
