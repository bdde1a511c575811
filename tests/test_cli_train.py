"""``fastrl train``: tabular learners on a task from the command line."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from fastrl.cli import main
from fastrl.tabular import QLearning, Sarsa, frozen_lake, random_walk, train
from fastrl.tabular.spec import make_task, parse_learner


def test_train_prints_table_and_writes_csv_and_plot(tmp_path, capsys):
    out_csv, out_png = tmp_path / "c.csv", tmp_path / "c.png"
    rc = main(
        [
            "train", "--env", "frozenlake:8x8",
            "--agent", "q-learning alpha=0.1 epsilon=0.1",
            "--agent", "sarsa alpha=0.1 epsilon=0.1",
            "--runs", "64", "--episodes", "20", "--seed", "3",
            "--csv", str(out_csv), "--plot", str(out_png),
        ]
    )  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "FrozenLake-8x8 (64 states, 4 actions): 64 runs x 20 episodes" in text
    assert "q-learning alpha=0.1 epsilon=0.1" in text and "greedy value" in text
    rows = list(csv.DictReader(out_csv.open()))
    assert len(rows) == 2 * 3 * 20
    # the CSV holds the numbers of the library call with the same arguments
    ref = train(frozen_lake("8x8"), QLearning(alpha=0.1, epsilon=0.1), runs=64, episodes=20,
                seed=3)  # fmt: skip
    got = [float(r["mean"]) for r in rows
           if r["agent"].startswith("q-learning") and r["metric"] == "episode_return"]  # fmt: skip
    np.testing.assert_array_equal(got, ref.episode_return)
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_gymnasium_id_and_options(capsys):
    rc = main(["train", "--env", "FrozenLake-v1 is_slippery=false", "--agent", "q",
               "--runs", "64", "--episodes", "5"])  # fmt: skip
    assert rc == 0
    assert "(16 states, 4 actions)" in capsys.readouterr().out


def test_specs_build_the_library_objects():
    assert parse_learner("q-learning alpha=0.2 epsilon=0.05") == QLearning(alpha=0.2, epsilon=0.05)
    assert parse_learner("SARSA schedule=1/t floor=0.01") == Sarsa(
        schedule=parse_learner("sarsa schedule=1/t floor=0.01").schedule
    )
    mdp = make_task("frozenlake:8x8 is_slippery=false")
    ref = frozen_lake("8x8", is_slippery=False)
    np.testing.assert_array_equal(mdp.prob, ref.prob)
    np.testing.assert_array_equal(mdp.next_state, ref.next_state)
    assert make_task("cliff").num_states == 48
    walk = make_task("random-walk:19 left_reward=-1")
    ref = random_walk(19, left_reward=-1.0)
    assert walk.num_states == 21
    np.testing.assert_array_equal(walk.reward, ref.reward)
    assert make_task("taxi").num_states == 500 and make_task("gambler").num_actions == 50


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--env", "nowhere"], "unknown env 'nowhere'"),
        (["--env", "cliff:8x8"], "takes no ':variant'"),
        (["--env", "frozenlake colour=red"], "bad option for env 'frozenlake'"),
        (["--env", "NoSuchEnv-v9"], "gymnasium.make('NoSuchEnv-v9') failed"),
        (["--env", "CartPole-v1"], "is not a toy-text environment"),
        (["--agent", "nope"], "unknown learner 'nope'"),
        (["--agent", "q-learning alpha"], "must look like key=value"),
        (["--agent", "q-learning alpha=2"], "alpha"),
        (["--agent", "sarsa beta=1 beta=2"], "given twice"),
        (["--agent", "q", "--agent", "q"], "is given twice"),
        (["--agent", "q", "--runs", "0"], "runs"),
        (["--agent", "q", "--max-episode-steps", "0"], "max_episode_steps"),
        (["--agent", "os:path"], "is not a fastrl.tabular.TabularAgent subclass"),
        (["--csv", "/no/such/dir/x.csv"], "does not exist"),
    ],
)
def test_train_errors_are_one_line_with_exit_code_2(argv, message, capsys):
    assert main(["train", "--runs", "8", "--episodes", "2", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("fastrl train: error:") and err.count("\n") == 1
