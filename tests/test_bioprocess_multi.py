"""Several responses (trade-off, Pareto front) and the log-scale response option."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import ConditionModel, Factor, Factors, design, pareto_front, recommend
from biochemml.bioprocess.plots import pareto_plot
from biochemml.errors import InputError


def factors():
    return Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10),
                    Factor("medium", "categorical", levels=("LB", "TB"))])


def campaign(n=12, seed=0):
    """Titer rises with feed, cost rises with feed too: a real trade-off."""
    runs = design(factors(), n, "lhs", seed=seed)
    runs["titer"] = (2.0 - ((runs["temperature"] - 31) / 6) ** 2 + 0.15 * runs["feed"]
                     + 0.3 * (runs["medium"] == "TB"))
    runs["cost"] = 1.0 + 0.4 * runs["feed"] + 0.5 * (runs["medium"] == "TB")
    return runs


def test_pareto_front_by_hand():
    table = pd.DataFrame({"titer": [1.0, 2.0, 3.0, 2.0, 0.5], "cost": [1.0, 2.0, 5.0, 3.0, 1.0]})
    # titer up, cost down: run 3 (2.0 at cost 3) loses to run 1 (2.0 at cost 2), and run 4
    # (0.5 at cost 1) to run 0 (1.0 at cost 1)
    assert pareto_front(table, ["titer", "cost"], [True, False]).tolist() == [True, True, True, False, False]
    # both maximised: run 2 beats every other run
    assert pareto_front(table, ["titer", "cost"]).tolist() == [False, False, True, False, False]
    with pytest.raises(InputError, match="2 responses but 1 maximize flags"):
        pareto_front(table, ["titer", "cost"], [True])
    with pytest.raises(InputError, match="no column 'yield'"):
        pareto_front(table, ["titer", "yield"])


def test_nehvi_is_the_default_and_respects_bounds_constraints_and_fixed():
    runs = campaign()
    out = recommend(runs, factors(), ["titer", "cost"], batch=3, maximize=[True, False], seed=0,
                    constraints=["temperature + feed <= 40"], fixed={"medium": "TB"},
                    num_restarts=2, raw_samples=64)
    assert len(out) == 3
    for _, row in out.iterrows():  # every proposal
        assert 25 <= row["temperature"] <= 37 and 0 <= row["feed"] <= 10
        assert row["temperature"] + row["feed"] <= 40 + 1e-6
        assert row["medium"] == "TB"
    assert {"predicted_mean_titer", "predicted_std_cost", "lower_95_titer", "acquisition",
            "non_dominated"} <= set(out.columns)
    assert np.isfinite(out["acquisition"]).all()


def test_non_dominated_marks_proposals_that_would_extend_the_front():
    runs = campaign(seed=1)
    out = recommend(runs, factors(), ["titer", "cost"], batch=4, maximize=[True, False], seed=0,
                    num_restarts=2, raw_samples=64)
    measured = np.column_stack([runs["titer"], -runs["cost"]])
    for _, row in out.iterrows():
        p = np.array([row["predicted_mean_titer"], -row["predicted_mean_cost"]])
        beaten = bool(np.any(np.all(measured >= p, axis=1)))
        assert row["non_dominated"] == (not beaten)
    # the hypervolume criterion aims past the measured front: most proposals would extend it
    assert out["non_dominated"].sum() >= 2


def test_parego_stays_available():
    runs = campaign()
    out = recommend(runs, factors(), ["titer", "cost"], batch=2, maximize=[True, False], seed=0,
                    multi="parego", num_restarts=2, raw_samples=64)
    assert len(out) == 2 and out["feed"].between(0, 10).all() and "non_dominated" in out


def test_explicit_reference_point_and_errors():
    runs = campaign()
    out = recommend(runs, factors(), ["titer", "cost"], batch=1, maximize=[True, False], seed=0,
                    reference=[0.0, 10.0], num_restarts=2, raw_samples=32)
    assert len(out) == 1
    with pytest.raises(InputError, match="2 responses but 1 reference values"):
        recommend(runs, factors(), ["titer", "cost"], reference=[0.0])
    with pytest.raises(InputError, match="unknown multi-response strategy 'weighted'"):
        recommend(runs, factors(), ["titer", "cost"], multi="weighted")


def test_pareto_plot_has_one_panel_per_pair():
    import matplotlib.pyplot as plt

    runs = campaign()
    runs["purity"] = 1.0 - 0.02 * runs["feed"]
    out = recommend(runs, factors(), ["titer", "cost", "purity"], batch=2,
                    maximize=[True, False, True], seed=0, num_restarts=2, raw_samples=32)
    fig = pareto_plot(runs, out, ["titer", "cost", "purity"], [True, False, True])
    assert len(fig.axes) == 3
    assert fig.axes[0].get_xlabel() == "titer (maximised)" and fig.axes[0].get_ylabel() == "cost (minimised)"
    plt.close(fig)


def test_log_response_model_stays_positive_and_interpolates():
    f = Factors([Factor("feed", "continuous", 0, 1)])
    X = pd.DataFrame({"feed": np.linspace(0, 1, 9)})
    y = 10.0 ** (1 + 2 * X["feed"].to_numpy())  # 10 to 1000
    m = ConditionModel("gp", factors=f, seed=0, log_response=True).fit(X, y)
    mean, std = m.predict(pd.DataFrame({"feed": np.linspace(0, 1, 41)}), return_std=True)
    assert (mean > 0).all() and (std > 0).all()
    # the noise prior expects run-to-run scatter, so 9 exact values are smoothed a little
    # (9 % at the ends, where 5 % held with BoTorch's near-noiseless prior)
    assert np.allclose(m.predict(X), y, rtol=0.1)
    with pytest.raises(InputError, match=r"log_response models the logarithm of y and needs every "
                                         r"value above 0; position 0 holds"):
        ConditionModel("gp", factors=f, log_response=True).fit(X, y - 20)
    # tree ensembles model the log too (as cross_validate and replay need for every kind)
    gbt = ConditionModel("gbt", factors=f, n_members=4, log_response=True).fit(X, y)
    assert (gbt.predict_interval(X)[0] > 0).all()
