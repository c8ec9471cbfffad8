"""Bioprocess on real and virtual data: the flaviolin campaign, replay, the reactor adapters."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import Factor, Factors, replay
from biochemml.bioprocess.simulators import _UntilRecipe
from biochemml.errors import InputError

needs_data = pytest.mark.skipif(
    not os.path.isdir(os.path.join(os.environ.get("BIOCHEMML_DATA", "/nonexistent"), "flaviolin")),
    reason="set BIOCHEMML_DATA to the shared data folder")


@needs_data
def test_flaviolin_loads_with_cycles_and_bounds():
    from biochemml.bioprocess.flaviolin import load_flaviolin

    runs, factors = load_flaviolin(log=True)
    assert len(runs) == 240 and sorted(runs["cycle"].unique()) == [1, 2, 3, 4, 5]
    assert len(factors) == 12 and "MOPS" not in factors.names and all(f.log for f in factors.factors)
    checked = factors.check_table(runs)  # every culture lies inside the published bounds
    assert checked.shape == (240, 12)


@needs_data
def test_flaviolin_bounds_csv_reads_as_factors():
    path = os.path.join(os.environ["BIOCHEMML_DATA"], "flaviolin", "media_bounds.csv")
    f = Factors.from_file(path)
    assert f["NaCl"].low == 5.0 and f["NaCl"].high == 500.0


def test_replay_trains_on_earlier_cycles_only():
    rng = np.random.default_rng(0)
    factors = Factors([Factor("a", "continuous", 0, 1), Factor("b", "continuous", 0, 1)])
    runs = pd.DataFrame({"a": rng.random(30), "b": rng.random(30), "cycle": np.repeat([1, 2, 3], 10)})
    runs["y"] = np.sin(3 * runs["a"]) + runs["b"] + rng.normal(0, 0.02, 30)
    summary, preds = replay(runs, factors, "y", cycle="cycle")
    assert summary["cycle"].tolist() == [2, 3]
    assert summary["n_train"].tolist() == [10, 20] and summary["n_test"].tolist() == [10, 10]
    assert len(preds) == 20 and (summary["spearman"] > 0.7).all()
    assert summary["coverage"].between(0, 1).all()
    with pytest.raises(InputError, match="no cycle column 'round'"):
        replay(runs, factors, "y", cycle="round")
    with pytest.raises(InputError, match="at least two cycles"):
        replay(runs.assign(cycle=1), factors, "y")


def test_until_recipe_holds_each_value_until_its_time():
    # IndPenSim's MATLAB recipe: {"time": 3, "value": 8} means 8 until hour 3
    recipe = _UntilRecipe({"Fs": [{"time": 3, "value": 8}, {"time": 12, "value": 15}]}, {"Fs": 2.0})
    assert recipe.get_values_dict_at(0.2)["Fs"] == 16.0
    assert recipe.get_values_dict_at(3.0)["Fs"] == 16.0
    assert recipe.get_values_dict_at(3.2)["Fs"] == 30.0
    assert recipe.get_values_dict_at(200.0)["Fs"] == 30.0  # the last value holds to the end


def test_insilicho_reactor_is_seeded():
    pytest.importorskip("insilicho")
    pytest.importorskip("pint")
    from biochemml.bioprocess.simulators import InsilicoCHO

    conditions = pd.DataFrame({"feed_rate": [0.001, 0.0], "feed_start": [48.0, 48.0],
                               "temp_growth": [36.5, 36.5], "temp_production": [36.5, 36.5],
                               "shift_time": [240.0, 240.0]})
    a = InsilicoCHO(seed=1).run(conditions)
    b = InsilicoCHO(seed=1).run(conditions)
    np.testing.assert_allclose(a, b)
    assert a[0] > a[1] > 0  # feeding beats no feed
    with pytest.raises(InputError, match="outside the bounds"):
        InsilicoCHO(seed=1).run(conditions.assign(feed_rate=1.0))


@pytest.mark.slow
def test_indpensim_default_recipe_reaches_industrial_titer():
    pytest.importorskip("pensimpy")
    from biochemml.bioprocess.simulators import IndPenSim

    default = pd.DataFrame([{"sugar_feed_scale": 1.0, "oil_feed_scale": 1.0, "aeration_scale": 1.0,
                             "pH_setpoint": 6.5, "temperature_setpoint": 298.0}])
    titer = IndPenSim(seed=1, noise=0.0).run(default)[0]
    assert 20 < titer < 40  # g/L after 230 h: the vessel is not emptied at 134 h


@needs_data
def test_no_proposal_of_a_batch_is_a_wasted_run():
    """A batch of 4 from the flaviolin cycles 1-2 (the course's chapter 4): optimised jointly,
    one of the four was predicted at 0.24 OD340 against a best of 0.63, with a log expected
    improvement of -41.7 (nothing to gain). Built one run at a time, each is worth a run."""
    from biochemml import datasets
    from biochemml.bioprocess import recommend

    runs = datasets.load("flaviolin")
    factors = Factors.from_file(datasets.flaviolin_bounds(return_path=True))
    first = runs[runs.cycle <= 2]
    for seed in (0, 1):
        proposals = recommend(first, factors, "OD340", batch=4, seed=seed)
        acq = proposals["acquisition"].to_numpy()
        assert acq.min() > acq.max() - 5, acq  # e^-5: within a factor 150 of the best gain
        assert proposals["predicted_mean"].min() > 0.5 * first["OD340"].max()
