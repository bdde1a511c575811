"""fastrl.sweep in this process: grid points equal single calls bit for bit; results; checkpoints.

Only kernels other tests compile anyway (epsilon-greedy and UCB on the testbed,
Q-learning on FrozenLake), with tiny sizes, so these tests cost seconds.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

from fastrl.bandits import UCB, EpsilonGreedy, GaussianBandit, simulate
from fastrl.sweep import SweepError, _exec, _tasks, sweep
from fastrl.sweep._grid import chunk_plan
from fastrl.tabular import QLearning, frozen_lake, train

TESTBED = GaussianBandit.testbed()
BANDIT_GRID = {
    "eps": (EpsilonGreedy, {"epsilon": [1 / 64, 1 / 8], "alpha": 0.1}),
    "ucb": (UCB, {"c": [0.5, 2.0]}),
}
# 150 runs in chunks of one 64-run block: three chunks, the last one short.
BANDIT_KW = dict(runs=150, steps=40, seed=[0, 5], _chunk_blocks=1)


def _bandit_agent(point):
    if point["agent"] == "eps":
        return EpsilonGreedy(point["epsilon"], alpha=0.1)
    return UCB(point["c"])


def assert_bandit_equal(a, b):
    for name in ("mean_reward", "optimal_action", "regret"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert np.array_equal(getattr(a, name + "_se"), getattr(b, name + "_se")), name
    assert a.average_reward == b.average_reward
    assert a.average_reward_se == b.average_reward_se


def assert_train_equal(a, b):
    for name in ("episode_return", "episode_length", "success_rate"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert np.array_equal(getattr(a, name + "_se"), getattr(b, name + "_se"), equal_nan=True)
    for name in ("policy", "policy_value", "run_mean_return", "run_final_return"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@pytest.fixture(scope="module")
def bandit_sweep():
    return sweep(BANDIT_GRID, TESTBED, **BANDIT_KW)


def test_bandit_points_equal_single_calls(bandit_sweep):
    res = bandit_sweep
    assert len(res.points) == 8 and res.chunks_computed == res.chunks_total == 24
    for point, got in zip(res.points, res.results, strict=True):
        want = simulate(TESTBED, _bandit_agent(point), runs=150, steps=40, seed=point["seed"])
        assert_bandit_equal(got, want)


def test_chunk_size_does_not_change_bits(bandit_sweep):
    # The default plan (one chunk of 150 runs) gives the bits of chunks of 64.
    one = sweep(BANDIT_GRID, TESTBED, runs=150, steps=40, seed=[0, 5])
    assert one.chunks_total == 8
    for a, b in zip(one.results, bandit_sweep.results, strict=True):
        assert_bandit_equal(a, b)


def test_merge_is_independent_of_arrival_order():
    tasks = [
        _tasks.ChunkTask("bandit", 0, c, "eps", TESTBED, EpsilonGreedy(0.1), 3, 200, s, n, 30)
        for c, (s, n) in enumerate(chunk_plan(200, 1))
    ]
    outs = [_tasks.run_chunk(t) for t in tasks]
    merged = []
    for order in itertools.islice(itertools.permutations(range(len(tasks))), 0, 24, 5):
        m = _tasks.Merger([None], "bandit", 200, 30, len(tasks))
        for c in order:
            m.add(0, c, tasks[c].start, outs[c])
        assert m.done()
        merged.append((m.curves[0].mean(), m.curves[0].sem(), m.per_run[0].mean()))
    want = simulate(TESTBED, EpsilonGreedy(0.1), runs=200, steps=30, seed=3)
    for mean, sem, per_run in merged:
        assert np.array_equal(mean[0], want.mean_reward)
        assert np.array_equal(sem[2], want.regret_se)
        assert per_run[0, 0] == want.average_reward


def test_tabular_points_equal_single_calls():
    mdp = frozen_lake()
    res = sweep(
        {"q": (QLearning, {"alpha": [0.1, 0.5], "epsilon": 0.2})},
        mdp,
        runs=70,
        episodes=15,
        _chunk_blocks=1,
    )
    assert res.family == "tabular" and res.chunks_total == 4
    for point, got in zip(res.points, res.results, strict=True):
        agent = QLearning(alpha=point["alpha"], epsilon=0.2)
        assert_train_equal(got, train(mdp, agent, runs=70, episodes=15, seed=0))
        assert got.q is None  # a sweep sends policies back, not Q tables
    frame = res.to_frame()
    assert list(frame["alpha"]) == [0.1, 0.5]
    assert {"mean_return", "final_success_se", "policy_value"} <= set(frame.columns)
    ds = res.to_xarray(agent="q")
    assert ds["episode_return"].dims == ("alpha", "seed", "episode")
    assert np.array_equal(
        ds["episode_return"].sel(alpha=0.5, seed=0), res.results[1].episode_return
    )


def test_tabular_chunks_can_send_q_tables_back():
    """``train(client=...)`` asks for Q tables; two chunks assemble the local call's."""
    agent = QLearning(alpha=0.5, epsilon=0.2)
    res = sweep({"q": agent}, frozen_lake(), runs=70, episodes=15, _chunk_blocks=1, _keep_q=True)
    assert res.chunks_total == 2
    want = train(frozen_lake(), agent, runs=70, episodes=15)
    assert np.array_equal(res.results[0].q, want.q)
    assert_train_equal(res.results[0], want)


def test_frame_xarray_and_plot(bandit_sweep, tmp_path):
    frame = bandit_sweep.to_frame()
    assert list(frame.columns[:5]) == ["agent", "epsilon", "c", "seed", "mean_reward"]
    assert frame["epsilon"].isna().sum() == 4 and frame["c"].isna().sum() == 4
    assert frame.loc[0, "mean_reward"] == bandit_sweep.results[0].average_reward
    ds = bandit_sweep.to_xarray()
    ucb = bandit_sweep.to_xarray(agent="ucb")
    assert ucb["regret"].dims == ("c", "seed", "step")
    assert np.array_equal(ucb["regret"].sel(c=0.5, seed=5), bandit_sweep.results[5].regret)
    assert ds["regret"].dims == ("agent", "epsilon", "c", "seed", "step")
    assert ds.sizes["step"] == 40
    assert np.isnan(ds["epsilon"][-1]) and ds.sizes["epsilon"] == 3  # UCB has no epsilon
    got = ds["mean_reward"].sel(agent="ucb", c=2.0, seed=5, epsilon=np.nan)
    assert np.array_equal(got, bandit_sweep.results[7].mean_reward)
    got = ds["average_reward"].sel(agent="eps", epsilon=1 / 8, seed=0, c=np.nan)
    assert float(got) == bandit_sweep.results[2].average_reward
    import matplotlib

    matplotlib.use("Agg")
    with pytest.raises(ValueError, match="select"):
        bandit_sweep.plot()  # two seeds
    ax = bandit_sweep.select(seed=0).plot()
    assert ax.get_xscale() == "log" and len(ax.get_legend().get_texts()) == 2
    ax.figure.savefig(tmp_path / "fig.png")


def test_problem_axis_and_validation():
    res = sweep(
        {"eps": EpsilonGreedy(0.1)},
        (GaussianBandit.testbed, {"mean_offset": [0.0, 4.0]}),
        runs=20,
        steps=5,
    )
    assert [p["mean_offset"] for p in res.points] == [0.0, 4.0]
    assert res.problem_params == ("mean_offset",)
    want = simulate(GaussianBandit.testbed(mean_offset=4.0), EpsilonGreedy(0.1), runs=20, steps=5)
    assert_bandit_equal(res.results[1], want)
    with pytest.raises(TypeError, match="steps"):
        sweep({"eps": EpsilonGreedy(0.1)}, TESTBED, runs=4, episodes=3)
    with pytest.raises(ValueError, match="epsilon"):
        sweep({"eps": (EpsilonGreedy, {"epsilon": [0.1, 2.0]})}, TESTBED, runs=4, steps=3)
    with pytest.raises(TypeError, match="agents"):
        sweep({}, TESTBED, runs=4, steps=3)


def test_failing_chunk_names_the_grid_point():
    task = _tasks.ChunkTask("bandit", 0, 0, "eps epsilon=0.5 seed=0", TESTBED, None, 0, 8, 0, 8, 3)
    merger = _tasks.Merger([None], "bandit", 8, 3, 1)
    with pytest.raises(SweepError, match=r"grid point eps epsilon=0\.5 seed=0"):
        _exec.run_tasks([task], merger)


def test_checkpoint_resume_and_refusal(bandit_sweep, tmp_path, monkeypatch):
    ckpt = tmp_path / "ckpt"
    first = sweep(BANDIT_GRID, TESTBED, checkpoint=ckpt, **BANDIT_KW)
    files = sorted(ckpt.glob("p*.npz"))
    assert len(files) == 24 and not list(ckpt.glob(".*tmp"))
    for f in files[3:9]:
        f.unlink()
    calls = []
    real = _tasks.run_chunk
    monkeypatch.setattr(_tasks, "run_chunk", lambda t: calls.append(t.chunk) or real(t))
    again = sweep(BANDIT_GRID, TESTBED, checkpoint=ckpt, **BANDIT_KW)
    assert len(calls) == 6 and again.chunks_computed == 6
    for a, b, c in zip(first.results, again.results, bandit_sweep.results, strict=True):
        assert_bandit_equal(a, b)
        assert_bandit_equal(a, c)
    calls.clear()
    sweep(BANDIT_GRID, TESTBED, checkpoint=ckpt, **BANDIT_KW)
    assert calls == []
    for change, word in (
        (dict(seed=[0, 6]), "seed"),
        (dict(steps=41), "sizes"),
    ):
        with pytest.raises(ValueError, match=f"another sweep.*{word}"):
            sweep(BANDIT_GRID, TESTBED, checkpoint=ckpt, **{**BANDIT_KW, **change})
    other = {"eps": (EpsilonGreedy, {"epsilon": [1 / 64, 1 / 4], "alpha": 0.1})}
    with pytest.raises(ValueError, match="grid"):
        sweep(other, TESTBED, checkpoint=ckpt, **BANDIT_KW)
    manifest = ckpt / "manifest.json"
    manifest.write_text(manifest.read_text().replace("fastrl ", "fastrl 0.0.0+"))
    with pytest.raises(ValueError, match="version"):
        sweep(BANDIT_GRID, TESTBED, checkpoint=ckpt, **BANDIT_KW)


def test_import_fastrl_imports_no_dask_xarray_tqdm():
    code = (
        "import sys, fastrl, fastrl.sweep, fastrl.bandits, fastrl.tabular\n"
        "bad = [m for m in ('dask', 'distributed', 'xarray', 'tqdm') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_progress_bar_counts_runs(capsys):
    pytest.importorskip("tqdm")
    sweep({"eps": EpsilonGreedy(0.1)}, TESTBED, runs=130, steps=5, progress=True, _chunk_blocks=1)
    err = capsys.readouterr().err
    assert "130/130" in err and "sweep" in err


def test_workers_with_other_versions_are_refused():
    here = {"fastrl": "0.1.0", "numba": "0.60.0", "numpy": "2.0.0"}
    ok = {"client": {"packages": here}, "workers": {"tcp://a:1": {"packages": dict(here)}}}
    _exec.check_versions(ok)
    bad = {
        "client": {"packages": here},
        "workers": {"tcp://b:2": {"packages": {**here, "numba": "0.59.0"}}},
    }
    with pytest.raises(SweepError, match=r"worker tcp://b:2 runs numba 0\.59\.0 \(here 0\.60\.0\)"):
        _exec.check_versions(bad)
