"""The ``fastrl`` command: bandit comparisons, demo, bench, warm-up and errors."""

from __future__ import annotations

import csv

import pytest

from fastrl.cli import main


def test_bandit_prints_table_and_writes_csv_and_plot(tmp_path, capsys):
    out_csv, out_png = tmp_path / "c.csv", tmp_path / "c.png"
    rc = main(
        [
            "bandit",
            "--runs", "128", "--steps", "50",
            "--agent", "epsilon-greedy epsilon=0.1",
            "--agent", "ucb c=2",
            "--csv", str(out_csv),
            "--plot", str(out_png),
        ]
    )  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "epsilon-greedy epsilon=0.1" in text and "ucb c=2" in text and "final regret" in text
    rows = list(csv.DictReader(out_csv.open()))
    assert len(rows) == 2 * 3 * 50
    assert {r["metric"] for r in rows} == {"mean_reward", "optimal_action", "regret"}
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bandit_bernoulli_probs_set_the_arms(capsys):
    assert main(["bandit", "--problem", "bernoulli", "--probs", "0.7,0.3", "--runs", "64",
                 "--steps", "20", "--agent", "softmax beta=5 alpha=0.1"]) == 0  # fmt: skip
    assert "probs=[0.7, 0.3]" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bandit", "--agent", "ucb c=-1"], "c must be >= 0"),
        (["bandit", "--agent", "nonsense"], "unknown agent"),
        (["bandit", "--agent", "ucb c"], "key=value"),
        (["bandit", "--agent", "ucb beta=2"], "bad option for UCB"),
        (["bandit", "--problem", "bernoulli", "--probs", "0.7,1.3"], "probs must lie in [0, 1]"),
        (["bandit", "--problem", "gaussian"], "needs --means"),
        (["bandit", "--runs", "0"], "runs must be >= 1"),
    ],
)
def test_bandit_errors_name_the_problem(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_demo_quick_runs_every_job(capsys):
    assert main(["demo", "--quick"]) == 0
    text = capsys.readouterr().out
    for part in (
        "tutorial",
        "10-armed testbed",
        "FrozenLake",
        "value-iteration policy",
        "Q-learning",
    ):
        assert part in text


def test_bench_small_scale_reports_every_group(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- bench:begin -->\nold\n<!-- bench:end -->\nrest\n")
    argv = ["bench", "--scale", "0.002", "--group", "bandit-testbed", "--group", "evaluate"]
    argv += ["--json", str(tmp_path / "b.json"), "--update-readme", str(readme)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "bandit-testbed" in out and "evaluate" in out
    text = readme.read_text()
    assert "old" not in text and "| 10-armed testbed" in text and text.endswith("rest\n")
