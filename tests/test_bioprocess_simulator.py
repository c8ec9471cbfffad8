"""The built-in virtual E. coli fed batch: deterministic, checked inputs, textbook trends."""
import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import design, recommend
from biochemml.bioprocess.simulators import EColiFedBatch
from biochemml.errors import InputError

BASE = {"temperature": 28.0, "pH": 7.0, "induction_od": 20.0, "iptg": 0.1, "feed_rate": 6.0}


def _titers(plant, name, values):
    rows = pd.DataFrame([{**BASE, name: v} for v in values])
    plant.run(rows)
    return plant.last_true_


def test_runs_are_reproducible_and_noisy_around_the_true_titer():
    runs = design(EColiFedBatch.factors, n=6, method="lhs", seed=0)
    a, b = EColiFedBatch(seed=0), EColiFedBatch(seed=0)
    first, again = a.run(runs), b.run(runs)
    np.testing.assert_array_equal(first, again)
    assert np.all(a.last_true_ > 0)
    noise = first / a.last_true_ - 1.0
    assert 0 < np.abs(noise).max() < 0.25  # 5 % relative measurement noise
    assert not np.allclose(EColiFedBatch(seed=1).run(runs), first)  # another plant
    quiet = EColiFedBatch(seed=0, noise=0.0)
    np.testing.assert_allclose(quiet.run(runs), a.last_true_)


def test_textbook_trends_of_recombinant_expression():
    plant = EColiFedBatch(seed=0, noise=0.0)
    t18, t28, t37 = _titers(plant, "temperature", [18.0, 28.0, 37.0])
    assert t37 < 0.1 * t28 and t18 < t28  # warm: inclusion bodies; cold: slow
    low, neutral, high = _titers(plant, "pH", [6.4, 7.0, 7.6])
    assert neutral > 2 * max(low, high)
    none, some, more = _titers(plant, "iptg", [0.01, 0.1, 1.0])
    assert none < some and more < some  # too little IPTG: weak; too much: burden
    starved, fed, flooded = _titers(plant, "feed_rate", [1.0, 10.0, 20.0])
    assert starved < fed and flooded < fed  # overfeeding makes acetate


def test_conditions_outside_the_factors_are_refused():
    with pytest.raises(InputError, match="temperature"):
        EColiFedBatch(seed=0).run(pd.DataFrame([{**BASE, "temperature": 45.0}]))


def test_three_cycles_of_recommendations_come_near_the_best_of_a_wide_search():
    plant = EColiFedBatch(seed=0)
    wide = EColiFedBatch(seed=0, noise=0.0)
    wide.run(design(plant.factors, n=256, method="sobol", seed=1))
    runs = design(plant.factors, n=12, method="lhs", seed=0)
    runs["titer"] = plant.run(runs)
    best = [plant.last_true_.max()]
    for cycle in range(3):
        with pytest.warns(Warning):  # few runs: the campaign's warnings are expected
            proposed = recommend(runs, plant.factors, "titer", batch=4, seed=cycle)
        proposed = proposed[plant.factors.names].copy()
        proposed["titer"] = plant.run(proposed)
        best.append(max(best[-1], plant.last_true_.max()))
        runs = pd.concat([runs, proposed], ignore_index=True)
    # 24 runs chosen by the model against 256 spread evenly
    assert best[-1] > best[0] and best[-1] > 0.9 * wide.last_true_.max()
