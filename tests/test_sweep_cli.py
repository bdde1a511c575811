"""``fastrl sweep study.toml``: a study file runs, and a bad one gets one line naming the key."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from fastrl.bandits import EpsilonGreedy, GaussianBandit, simulate
from fastrl.cli import main

STUDY = """
[problem]
kind = "testbed"

[agents.eps]
kind = "epsilon-greedy"
epsilon = [0.0625, 0.25]

[agents.ucb]
kind = "ucb"
c = [0.5, 2]

[run]
runs = 70
steps = 20
seed = 4
checkpoint = "ckpt"

[output]
csv = "s.csv"
plot = "s.png"
"""


def test_study_runs_and_writes(tmp_path, capsys):
    study = tmp_path / "study.toml"
    study.write_text(STUDY)
    assert main(["sweep", str(study)]) == 0
    out = capsys.readouterr().out
    assert "4 grid points x 70 runs" in out
    with (tmp_path / "s.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["agent"] for r in rows] == ["eps", "eps", "ucb", "ucb"]
    want = simulate(GaussianBandit.testbed(), EpsilonGreedy(0.25), runs=70, steps=20, seed=4)
    assert np.float64(rows[1]["mean_reward"]) == pytest.approx(want.average_reward, rel=1e-15)
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"
    assert len(list((tmp_path / "ckpt").glob("p*.npz"))) == 4


def test_study_writes_netcdf_and_zarr_that_read_back(tmp_path, capsys):
    """The curves round-trip through both formats: same values, dimensions and coordinates."""
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    pytest.importorskip("zarr")
    from fastrl.sweep.study import run_study

    study = tmp_path / "study.toml"
    study.write_text(STUDY.replace('plot = "s.png"', 'netcdf = "s.nc"\nzarr = "s.zarr"'))
    res, written = run_study(study)
    assert [p.name for p in written] == ["s.csv", "s.nc", "s.zarr"]
    want = res.to_xarray()
    with xr.open_dataset(tmp_path / "s.nc") as got:
        xr.testing.assert_identical(got.load(), want)
    got = xr.open_zarr(tmp_path / "s.zarr").load()
    xr.testing.assert_identical(got, want)
    ucb = want["regret"].sel(agent="ucb", c=2.0, seed=4).dropna("epsilon", how="all")
    assert np.array_equal(ucb.squeeze("epsilon"), res.results[3].regret)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("[run]", "[runn]"), "runn: unknown section"),
        (('kind = "testbed"', 'kind = "moon"'), "problem.kind: must be one of"),
        (('kind = "ucb"', 'kind = "ucbb"'), "agents.ucb.kind: must be one of"),
        (("seed = 4", "sed = 4"), "run.sed: unknown key"),
        (("runs = 70", ""), "run.runs: missing"),
        (('csv = "s.csv"', "csv = 3"), "output.csv: must be a string"),
        (("c = [0.5, 2]", "c = [0.5, -2]"), "c must be"),
        (("[agents.eps]", "[agents.eps"), "not valid TOML"),
    ],
)
def test_bad_study_gets_one_line_naming_the_key(tmp_path, capsys, edit, message):
    study = tmp_path / "study.toml"
    study.write_text(STUDY.replace(*edit))
    assert main(["sweep", str(study)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fastrl sweep: error: ")
    assert message in err, err
