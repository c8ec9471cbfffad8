"""Bioprocess: factors, validation, designs of experiments, condition models, recommendations."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import (ConditionModel, Factor, Factors, check_runs, cross_validate,
                                  design, feature_importance, fractional_factorial, recommend)
from biochemml.errors import InputError, ModelError

YAML = """
factors:
  - {name: temperature, type: continuous, low: 25, high: 37}
  - {name: pH, type: continuous, low: 6.5, high: 7.5}
  - {name: IPTG, type: continuous, low: 0.01, high: 1.0, log: true}
  - {name: medium, type: categorical, levels: [LB, TB]}
  - {name: volume, type: fixed, value: 1.0}
constraints:
  - "temperature + 10*pH <= 105"
"""


@pytest.fixture
def yaml_factors(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text(YAML)
    return Factors.from_file(path)


def two_factors():
    return Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10)])


def titer(df):
    """A smooth production surface with an optimum inside the box (T=31, feed=7)."""
    return 2.0 - ((df["temperature"] - 31) / 6) ** 2 - ((df["feed"] - 7) / 10) ** 2


# ---------------------------------------------------------------- factors
def test_factors_from_yaml(yaml_factors):
    f = yaml_factors
    assert f.names == ["temperature", "pH", "IPTG", "medium", "volume"]
    assert f["IPTG"].log and f["medium"].levels == ("LB", "TB") and f["volume"].value == 1.0
    assert f.feature_names == ["temperature", "pH", "IPTG", "medium=LB", "medium=TB"]
    assert len(f.constraints) == 1 and f.constraints[0].coefficients == {"temperature": 1.0, "pH": 10.0}


def test_factors_from_bounds_csv(tmp_path):
    path = tmp_path / "bounds.csv"
    path.write_text("Variable,Min,Max\nNaCl,5,500\nGlucose,1,20\n")
    f = Factors.from_file(path)
    assert f.names == ["NaCl", "Glucose"] and f["NaCl"].low == 5 and f["NaCl"].high == 500


def test_unit_round_trip_and_log_scale(yaml_factors):
    table = pd.DataFrame({"temperature": [25, 31, 37], "pH": [6.5, 7.0, 7.5], "IPTG": [0.01, 0.1, 1.0],
                          "medium": ["LB", "TB", "LB"]})
    u = yaml_factors.to_unit(yaml_factors.check_table(table))
    assert u.shape == (3, 5)
    np.testing.assert_allclose(u[:, 2], [0.0, 0.5, 1.0])  # 0.1 is half way on a log scale
    back = yaml_factors.from_unit(u)
    np.testing.assert_allclose(back["IPTG"], table["IPTG"])
    assert back["medium"].tolist() == ["LB", "TB", "LB"] and back["volume"].tolist() == [1.0] * 3


@pytest.mark.parametrize("text, message", [
    ("factors: []", "expected a list under 'factors:'"),
    ("factors:\n  - {name: T, type: continuous, low: 40, high: 30}", "low (40) must be smaller than high (30)"),
    ("factors:\n  - {name: T, type: gradient}", "type 'gradient' is not one of"),
    ("factors:\n  - {name: T, type: continuous, low: 0, high: 1, log: true}", "log-scale factor needs low > 0"),
    ("factors:\n  - {name: m, type: categorical, levels: [LB]}", "at least two 'levels'"),
    ("factors:\n  - {name: v, type: fixed}", "needs a 'value'"),
    ("factors:\n  - {name: T, type: continuous, low: 1, high: 2, colour: red}", "unknown key(s) colour"),
    ("factors:\n  - {name: T, low: 1, high: 2}\n  - {name: T, low: 1, high: 2}", "declared twice"),
    ("factors:\n  - {name: T, low: 1, high: 2}\nconstraints: ['T + speed <= 3']", "unknown factor 'speed'"),
    ("factors:\n  - {name: T, low: 1, high: 2}\nconstraints: ['T is small']", "is not of the form"),
    ("factors: [\n", "is not valid YAML"),
    # keys that contradict each other or the declared type
    ("factors:\n  - {name: s, type: continuous, levels: [A, B]}", "factor 's': type 'continuous' does not go with 'levels'"),
    ("factors:\n  - {name: s, low: 1, high: 2, levels: [A, B]}", "factor 's': has both 'low' and 'levels'"),
    ("factors:\n  - {name: s}", "factor 's': needs 'low' and 'high' (continuous), 'levels' (categorical) or 'value' (fixed)"),
    ("factors:\n  NaCl: [5, 500]", "factor 'NaCl': expected a mapping such as {low: 5, high: 500}"),
    ("factors:\n  NaCl: {name: KCl, low: 5, high: 500}", "factor 'NaCl': its 'name' is 'KCl'"),
])
def test_bad_factor_files(tmp_path, text, message):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        Factors.from_file(path)
    assert message in str(err.value) and "f.yaml" in str(err.value)


def test_constraint_on_log_factor_is_refused():
    with pytest.raises(InputError, match="log scale"):
        Factors([Factor("a", "continuous", 1, 10, log=True)]).with_constraints(["a <= 5"])


def test_bad_bounds_csv(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("Variable,Min\nNaCl,5\n")
    with pytest.raises(InputError, match="has no column 'Max'"):
        Factors.from_file(path)
    path.write_text("Variable,Min,Max\nNaCl,5,abc\n")
    with pytest.raises(InputError, match="row 2, column 'Max'"):
        Factors.from_file(path)


# ------------------------------------------------------------ validation
def write_runs(tmp_path, df):
    path = tmp_path / "runs.csv"
    df.to_csv(path, index=False)
    return path


def good_runs():
    return pd.DataFrame({"run": ["r1", "r2", "r3"], "temperature": [25.0, 30.0, 37.0],
                         "feed": [0.0, 5.0, 10.0], "titer": [1.0, 2.0, 1.5], "note": ["a", "b", "c"]})


def test_check_runs_ignores_extra_columns(tmp_path):
    checked = check_runs(write_runs(tmp_path, good_runs()), two_factors(), "titer", id_column="run")
    assert list(checked.conditions.columns) == ["temperature", "feed"]
    assert checked.responses["titer"].tolist() == [1.0, 2.0, 1.5]


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.drop(columns="feed"), "has no column 'feed'"),
    (lambda d: d.assign(feed=[0.0, 12.0, 5.0]), "row 3, column 'feed': the value 12 is outside the bounds [0, 10]"),
    # a blank response is a failed run, skipped with a note; a blank factor is an error
    (lambda d: d.assign(temperature=[25.0, None, 30.0]), "row 3, column 'temperature': the value is empty"),
    (lambda d: d.drop(columns="titer"), "has no column 'titer'"),
    (lambda d: d.assign(run=["r1", "r2", "r1"]), "row 4, column 'run': run id 'r1' repeats the id of row 2"),
    (lambda d: d.assign(temperature=["25", "warm", "30"]), "column 'temperature': the value is 'warm', not a number"),
])
def test_check_runs_errors(tmp_path, edit, message):
    path = write_runs(tmp_path, edit(good_runs()))
    with pytest.raises(InputError) as err:
        check_runs(path, two_factors(), "titer", id_column="run")
    assert message in str(err.value) and "runs.csv" in str(err.value)


def test_unknown_level_and_unknown_factor(yaml_factors):
    table = pd.DataFrame({"temperature": [30.0], "pH": [7.0], "IPTG": [0.1], "medium": ["M9"], "y": [1.0]})
    with pytest.raises(InputError, match="'M9' is not a level of factor 'medium'"):
        check_runs(table, yaml_factors, "y")
    with pytest.raises(InputError, match="unknown factor 'speed'"):
        yaml_factors["speed"]
    with pytest.raises(InputError, match="declared as a factor"):
        check_runs(table, yaml_factors, "pH")


# -------------------------------------------------------------------- DOE
def test_lhs_has_one_run_per_stratum(yaml_factors):
    n = 12
    free = Factors(yaml_factors.factors)  # no constraints: nothing is filtered out
    d = design(free, n, "lhs", seed=3)
    u = free.to_unit(d)
    assert d.shape == (n, 5) and (d["volume"] == 1.0).all()
    for j in range(3):  # continuous factors: every stratum [i/n, (i+1)/n) holds one run
        assert sorted(np.floor(u[:, j] * n).astype(int)) == list(range(n))
    assert (d["medium"] == "LB").sum() == (d["medium"] == "TB").sum() == 6


def test_space_filling_designs_are_seeded_and_in_bounds():
    f = two_factors()
    for method in ("lhs", "sobol", "random"):
        a, b = design(f, 8, method, seed=1), design(f, 8, method, seed=1)
        pd.testing.assert_frame_equal(a, b)
        assert not a.equals(design(f, 8, method, seed=2))
        assert a["temperature"].between(25, 37).all() and a["feed"].between(0, 10).all()


def test_space_filling_design_meets_constraints():
    f = two_factors().with_constraints(["temperature + feed <= 35"])
    d = design(f, 20, "sobol", seed=0)
    assert len(d) == 20 and (d["temperature"] + d["feed"] <= 35 + 1e-9).all()


def test_full_factorial_is_balanced(yaml_factors):
    d = design(yaml_factors, method="factorial", levels=3)
    assert len(d) == 3 ** 3 * 2
    for name in ("temperature", "pH", "IPTG", "medium"):
        counts = d[name].value_counts()
        assert counts.nunique() == 1  # every level equally often
    assert sorted(d["IPTG"].round(6).unique()) == [0.01, 0.1, 1.0]
    assert len(d.drop_duplicates()) == len(d)


def test_fractional_factorial_is_balanced_and_orthogonal():
    x = fractional_factorial(7, 16)
    assert x.shape == (16, 7)
    np.testing.assert_array_equal(x.sum(axis=0), 0)
    np.testing.assert_array_equal(x.T @ x, 16 * np.eye(7))
    f = Factors([Factor(f"f{i}", "continuous", 0, 1) for i in range(5)])
    d = design(f, 8, "fractional")
    assert set(np.unique(d.to_numpy())) == {0.0, 1.0}


def test_central_composite_design():
    f = Factors([Factor(f"f{i}", "continuous", 0, 2) for i in range(3)])
    d = design(f, method="ccd", center=2)
    assert len(d) == 8 + 6 + 2
    assert (d.to_numpy() >= 0).all() and (d.to_numpy() <= 2).all()
    assert (d == 1.0).all(axis=1).sum() == 2  # centre points
    assert set(np.unique(d.to_numpy())) == {0.0, 1.0, 2.0}


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "taguchi", "n": 4}, "unknown design method"),
    ({"method": "lhs"}, "needs the number of runs"),
    ({"method": "fractional", "n": 6}, "power of two"),
    ({"method": "fractional", "n": 2}, "do not fit in 2 runs"),
    ({"method": "factorial", "levels": 1}, "at least 2 levels"),
])
def test_design_errors(kwargs, message):
    f = Factors([Factor(f"f{i}", "continuous", 0, 1) for i in range(3)])
    with pytest.raises(InputError, match=message):
        design(f, **kwargs)


def test_ccd_refuses_categorical(yaml_factors):
    with pytest.raises(InputError, match="'medium' is categorical"):
        design(yaml_factors, method="ccd")


# ----------------------------------------------------------------- models
def grid_runs(n=5):
    t, fd = np.meshgrid(np.linspace(25, 37, n), np.linspace(0, 10, n))
    df = pd.DataFrame({"temperature": t.ravel(), "feed": fd.ravel()})
    return df, titer(df).to_numpy()


def test_gp_interpolates_and_widens_away_from_data():
    f = two_factors()
    X = pd.DataFrame({"temperature": [25, 28, 31, 34, 37, 25, 37, 31.0],
                      "feed": [0, 2.5, 5, 7.5, 10, 10, 0, 0.0]}).iloc[:6]
    X = X.iloc[[0, 1, 2, 3, 4]]  # points on the diagonal only
    y = titer(X).to_numpy()
    m = ConditionModel("gp", factors=f, seed=0).fit(X, y)
    mean, std = m.predict(X, return_std=True)
    # within 0.04 of 5 exact values spanning 1.2 (the noise prior expects some scatter)
    np.testing.assert_allclose(mean, y, atol=0.05)
    far = pd.DataFrame({"temperature": [37.0], "feed": [0.0]})  # the corner away from the diagonal
    _, std_far = m.predict(far, return_std=True)
    assert std_far[0] > 3 * std.max()


def test_replicates_inform_noise():
    f = two_factors()
    X = pd.concat([grid_runs(3)[0]] * 3, ignore_index=True)
    rng = np.random.default_rng(0)
    y_quiet = titer(X).to_numpy() + rng.normal(0, 0.01, len(X))
    y_noisy = titer(X).to_numpy() + rng.normal(0, 0.3, len(X))
    quiet = ConditionModel("gp", factors=f).fit(X, y_quiet).noise_std()
    noisy = ConditionModel("gp", factors=f).fit(X, y_noisy).noise_std()
    assert quiet < 0.05 and 0.15 < noisy < 0.5


@pytest.mark.parametrize("kind", ["gbt", "nn"])
def test_ensembles_fit_and_give_spread(kind):
    X, y = grid_runs(4)
    m = ConditionModel(kind, factors=two_factors(), seed=0, n_members=6).fit(X, y)
    mean, std = m.predict(X, return_std=True)
    assert np.corrcoef(mean, y)[0, 1] > 0.8 and (std >= 0).all() and std.max() > 0
    again = ConditionModel(kind, factors=two_factors(), seed=0, n_members=6).fit(X, y).predict(X)
    np.testing.assert_allclose(mean, again)


def test_model_errors():
    with pytest.raises(InputError, match="unknown model kind"):
        ConditionModel("svm")
    m = ConditionModel("gp", factors=two_factors())
    X, y = grid_runs(2)
    with pytest.raises(ModelError, match="not fitted"):
        m.predict(X)
    with pytest.raises(InputError, match="4 rows but y has 3"):
        m.fit(X, y[:3])
    with pytest.raises(InputError, match="must be a pandas DataFrame"):
        m.fit(X.to_numpy(), y)
    with pytest.raises(InputError, match="missing or infinite value at position 1"):
        m.fit(X, [1.0, np.nan, 2.0, 3.0])
    m.fit(X, y)
    with pytest.raises(InputError, match="outside the bounds"):
        m.predict(pd.DataFrame({"temperature": [50.0], "feed": [1.0]}))


def test_cross_validation_leaves_replicates_out_together():
    X, y = grid_runs(3)
    X = pd.concat([X, X], ignore_index=True)
    y = np.concatenate([y, y])
    metrics, preds = cross_validate(X, y, kinds=("gp",), factors=two_factors())
    # had a twin stayed in training the GP would predict almost exactly
    assert metrics.loc["gp", "rmse"] > 0.01
    assert set(metrics.columns) == {"rmse", "r2", "spearman", "coverage", "interval_width"}
    assert len(preds) == len(y) and metrics.loc["gp", "spearman"] > 0.5


def test_cross_validation_keeps_replicates_together_beside_a_fixed_factor_and_a_well_column():
    X, y = grid_runs(3)
    X = pd.concat([X, X], ignore_index=True).assign(well=np.arange(2 * len(X)))
    y = np.concatenate([y, y])
    fixed = Factors(list(two_factors().factors) + [Factor("medium", "fixed", value="M9")])
    alone, _ = cross_validate(X, y, kinds=("gbt",), factors=two_factors(), folds="loo")
    # the fixed factor has no column: replicates were grouped by every column, 'well'
    # included, and each twin predicted the other
    beside, _ = cross_validate(X, y, kinds=("gbt",), factors=fixed, folds="loo")
    assert beside.loc["gbt", "rmse"] == pytest.approx(alone.loc["gbt", "rmse"])


def test_feature_importance_finds_the_active_factor():
    X, _ = grid_runs(4)
    y = np.sin(X["temperature"] / 4).to_numpy()  # feed does nothing
    m = ConditionModel("gp", factors=two_factors()).fit(X, y)
    imp = feature_importance(m, X)
    assert imp.index[0] == "temperature" and imp["temperature"] > 0.9
    assert imp.sum() == pytest.approx(1.0)


# ------------------------------------------------------------ recommend
def test_recommend_respects_bounds_constraints_and_fixed(yaml_factors):
    runs = design(yaml_factors, 10, "lhs", seed=0)
    runs["titer"] = (-(runs["temperature"] - 30) ** 2 / 10 - (runs["pH"] - 7) ** 2
                     + np.log10(runs["IPTG"]) * 0.1 + (runs["medium"] == "TB") * 0.5)
    out = recommend(runs, yaml_factors, "titer", batch=2, seed=0, fixed={"pH": 7.2},
                    constraints=["temperature <= 33"], num_restarts=2, raw_samples=32)
    assert len(out) == 2
    assert list(out.columns[:5]) == yaml_factors.names
    for _, row in out.iterrows():  # every proposal
        assert 25 <= row["temperature"] <= 33 + 1e-9
        assert row["pH"] == pytest.approx(7.2)
        assert 0.01 <= row["IPTG"] <= 1.0 and row["medium"] in ("LB", "TB") and row["volume"] == 1.0
        assert row["temperature"] + 10 * row["pH"] <= 105 + 1e-6
    assert (out["lower_95"] < out["predicted_mean"]).all() and (out["upper_95"] > out["predicted_mean"]).all()
    assert np.isfinite(out["acquisition"]).all()


def test_recommend_moves_toward_the_optimum():
    f = two_factors()
    X = design(f, 10, "lhs", seed=0)
    X["titer"] = titer(X)
    out = recommend(X, f, "titer", batch=2, seed=0, num_restarts=4, raw_samples=128)
    assert (out["predicted_mean"] > X["titer"].median()).all()
    best = out.iloc[int(np.argmax(out["predicted_mean"]))]
    assert abs(best["temperature"] - 31) < 3 and abs(best["feed"] - 7) < 3.5


def test_recommend_two_responses_and_minimise(monkeypatch):
    from botorch.acquisition.multi_objective import logei
    from torch.utils import cpp_extension

    # BoTorch's first multi-objective call would compile a C++ kernel (and wait forever on
    # the lock of a compile that was stopped): recommend keeps to the Python path
    monkeypatch.setattr(logei, "_load_attempted", False)
    monkeypatch.setattr(logei, "_C", None)
    monkeypatch.setattr(cpp_extension, "load",
                        lambda *a, **k: pytest.fail("recommend compiled a C++ extension"))
    f = two_factors()
    X = design(f, 10, "lhs", seed=1)
    X["titer"] = titer(X)
    X["cost"] = X["feed"] * 0.3 + 1
    out = recommend(X, f, ["titer", "cost"], batch=2, maximize=[True, False], seed=0,
                    num_restarts=2, raw_samples=64)
    assert {"predicted_mean_titer", "predicted_std_cost", "acquisition"} <= set(out.columns)
    assert out["feed"].between(0, 10).all()


@pytest.mark.parametrize("kwargs, message", [
    ({"batch": 0}, "batch must be at least 1"),
    ({"fixed": {"feed": 20}}, "outside its bounds"),
    ({"fixed": {"speed": 1}}, "unknown factor 'speed'"),
    ({"constraints": ["feed + speed <= 3"]}, "unknown factor 'speed'"),
    ({"maximize": [True, False]}, "1 responses but 2 maximize flags"),
])
def test_recommend_errors(kwargs, message):
    X, y = grid_runs(2)
    X["titer"] = y
    with pytest.raises(InputError, match=message):
        recommend(X, two_factors(), "titer", **kwargs)


def test_every_combination_of_categoricals_is_listed(yaml_factors):
    combos = yaml_factors.category_combinations()
    assert combos == [{"medium": "LB"}, {"medium": "TB"}]
    assert list(itertools.chain(*[c.values() for c in combos])) == ["LB", "TB"]


def test_model_without_declared_factors_infers_bounds_and_extrapolates():
    X = pd.DataFrame({"T": np.linspace(25, 37, 8)})
    m = ConditionModel("gp", seed=0).fit(X, np.sin(X["T"] / 3))
    assert (m.factors_["T"].low, m.factors_["T"].high) == (25.0, 37.0)
    _, inside = m.predict(X, return_std=True)
    _, beyond = m.predict(pd.DataFrame({"T": [45.0]}), return_std=True)
    assert beyond[0] > 3 * inside.max()


# ------------------------------------------- walkthrough fixes: factors, feasibility, rounding
def salt_factors():
    return Factors([Factor("NaCl", "continuous", 5, 500), Factor("K2SO4", "continuous", 0.029, 2.9)])


@pytest.mark.parametrize("constraints, message", [
    (["NaCl >= 600"], "constraint 'NaCl >= 600' cannot be met within the bounds (NaCl is 5..500)"),
    (["NaCl + K2SO4 >= 600"], "constraint 'NaCl + K2SO4 >= 600' cannot be met within the bounds "
                              "(NaCl is 5..500, K2SO4 is 0.029..2.9); its left side is at most 502.9"),
    (["NaCl - K2SO4 >= 100", "NaCl <= 50"], "the constraints 'NaCl - K2SO4 >= 100' and 'NaCl <= 50' "
                                            "cannot all be met together within the bounds"),
    (["NaCl >= 500"], "the constraint 'NaCl >= 500' can be met only on the edge of the bounds"),
])
def test_unsatisfiable_constraints_are_named(constraints, message):
    with pytest.raises(InputError) as err:
        salt_factors().with_constraints(constraints)
    assert str(err.value).startswith(message)
    salt_factors().with_constraints(["NaCl + K2SO4 >= 400"])  # feasible: no error


def test_recommend_checks_constraints_against_fixed_values():
    runs = pd.DataFrame({"NaCl": [10.0, 200.0, 400.0], "K2SO4": [0.1, 1.0, 2.0], "y": [1.0, 2.0, 1.5]})
    with pytest.raises(InputError, match=r"NaCl is fixed at 100, K2SO4 is 0.029..2.9\); its left "
                                         r"side is at most 102.9"):
        recommend(runs, salt_factors(), "y", fixed={"NaCl": 100},
                  constraints=["NaCl + K2SO4 >= 400"])


def test_botorch_infeasibility_becomes_a_sentence(monkeypatch):
    import botorch.optim
    from botorch.exceptions.errors import InfeasibilityError

    def no_point(*args, **kwargs):
        raise InfeasibilityError("No feasible point found. Constraint polytope appears empty.")

    monkeypatch.setattr(botorch.optim, "optimize_acqf", no_point)
    runs = pd.DataFrame({"NaCl": [10.0, 200.0, 400.0], "K2SO4": [0.1, 1.0, 2.0], "y": [1.0, 2.0, 1.5]})
    with pytest.raises(InputError, match=r"the constraints 'NaCl \+ K2SO4 <= 300' cannot be met "
                                         r"within the bounds \(NaCl is 5..500, K2SO4 is 0.029..2.9\)"):
        recommend(runs, salt_factors(), "y", constraints=["NaCl + K2SO4 <= 300"], num_restarts=1,
                  raw_samples=8)


def test_factor_type_follows_from_its_keys(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("factors:\n  - {name: T, low: 25, high: 37}\n  - {name: IPTG, low: 0.01, high: 1, log: true}\n"
                    "  - {name: strain, levels: [A, B]}\n  - {name: volume, value: 1.0}\n")
    f = Factors.from_file(path)
    assert [x.kind for x in f.factors] == ["continuous", "continuous", "categorical", "fixed"]
    assert f["IPTG"].log and f["strain"].levels == ("A", "B") and f["volume"].value == 1.0
    path.write_text("factors:\n  NaCl: {low: 5, high: 500}\n  strain: {levels: [A, B]}\n"
                    "constraints: ['NaCl <= 400']\n")
    f = Factors.from_file(path)
    assert f.names == ["NaCl", "strain"] and f["NaCl"].high == 500 and len(f.constraints) == 1



def test_rounded_conditions_stay_within_bounds_and_constraints():
    f = Factors([Factor("a", "continuous", 0.029, 0.0029999999999999996 * 1000),
                 Factor("b", "continuous", 3e-05, 0.0029999999999999996)])
    table = pd.DataFrame({"a": [0.029000000285246803, 1.1000000000477979],
                          "b": [0.0029999999999999996, 3e-05 + 1e-17]})
    out = f.rounded(table)
    assert out["a"].tolist() == [0.029, 1.1]
    assert out["b"].tolist() == [0.00299999, 3e-05]  # rounded toward the inside at the upper bound
    tight = f.with_constraints(["a + b <= 1.10299999999"])
    row = pd.DataFrame({"a": [1.1000000000477979], "b": [0.00299999999]})
    assert tight.constraints[0].satisfied(tight.rounded(row), tol=0.0).all()


def test_rounding_puts_optimiser_noise_at_a_bound_on_the_bound():
    # BoTorch proposals on a constraint face: 29.9999999997 and 2.1e-10 on 0..30 are 30 and 0,
    # and the rounded row still meets glucose + glycerol <= 30
    f = Factors([Factor("glucose", "continuous", 0, 30),
                 Factor("glycerol", "continuous", 0, 30)]).with_constraints(["glucose + glycerol <= 30"])
    row = pd.DataFrame({"glucose": [29.9999999997, 12.3456789], "glycerol": [2.07654378231e-10, 0.5]})
    out = f.rounded(row)
    assert out["glucose"].tolist() == [30.0, 12.3457]
    assert out["glycerol"].tolist() == [0.0, 0.5]
    assert f.constraints[0].satisfied(out, tol=0.0).all()


def test_designs_and_recommendations_have_no_float_noise():
    f = Factors([Factor("K2SO4", "continuous", 0.029, 2.9, log=True), Factor("feed", "continuous", 0, 10)])
    d = design(f, method="factorial", levels=3)
    assert sorted(set(d["K2SO4"])) == [0.029, 0.29, 2.9]
    runs = design(f, 8, "lhs", seed=0)
    assert all(v == float(f"{v:.6g}") for v in runs.to_numpy().ravel())
    runs["y"] = np.log10(runs["K2SO4"]) + runs["feed"] / 10
    out = recommend(runs, f, "y", batch=2, seed=0, num_restarts=2, raw_samples=32)
    for name in ("K2SO4", "feed"):
        assert all(v == float(f"{v:.6g}") for v in out[name])
        assert out[name].between(f[name].low, f[name].high).all()


def test_log_response_error_names_file_row_and_column(tmp_path):
    df = good_runs()
    df.loc[1, "titer"] = 0.0
    with pytest.raises(InputError) as err:
        recommend(write_runs(tmp_path, df), two_factors(), "titer", log_response=True)
    assert "runs.csv, row 3, column 'titer': the value 0 is not above 0" in str(err.value)


def test_check_runs_names_ignored_columns_and_repeated_responses(tmp_path):
    df = good_runs().assign(OD600=[0.1, 0.2, 0.3], MOPS=[40.0] * 3)
    path = write_runs(tmp_path, df)
    checked = check_runs(path, Factors([Factor("temperature", "continuous", 25, 37)]), "titer")
    assert checked.ignored == ["feed", "OD600"] and checked.ignored_constant == ["MOPS"]
    assert checked.ignored_notice() == ("ignored numeric columns that are not factors: feed, OD600 "
                                        "(and, constant in every run: MOPS)")
    assert check_runs(path, two_factors(), "titer", used=["OD600"]).ignored == []
    with pytest.raises(InputError, match="response 'titer' is given twice"):
        check_runs(path, two_factors(), ["titer", "titer"])


def test_bioprocess_figures_leave_pyplot_and_its_backend_alone():
    import matplotlib
    import matplotlib.pyplot as plt

    from biochemml.bioprocess.plots import convergence_plot, parity_plot

    plt.close("all")
    backend = matplotlib.get_backend()
    table = pd.DataFrame({"kind": ["gp"] * 4, "observed": [1.0, 2.0, 3.0, 4.0],
                          "mean": [1.1, 1.9, 3.2, 3.8], "std": [0.2] * 4})
    fig = parity_plot(table)
    convergence_plot({"random": np.array([[1.0, 2.0, 3.0]])}, "best so far")
    assert len(fig.axes) >= 1 and plt.get_fignums() == [] and matplotlib.get_backend() == backend


def test_a_condition_model_says_what_it_is_in_a_notebook():
    from biochemml.bioprocess import ConditionModel

    model = ConditionModel("gbt", seed=0)
    assert repr(model) == "ConditionModel(kind='gbt', not fitted)"
    X = pd.DataFrame({"T": np.linspace(25, 37, 8)})
    model.fit(X, np.sin(X["T"] / 3))
    assert repr(model) == "ConditionModel(kind='gbt', fitted on 8 runs of T)"
