"""Defects found in a second review of the bioprocess workflow: each test fails before its fix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import ConditionModel, Factor, Factors, recommend
from biochemml.errors import InputError


def _runs(n=10, seed=0, titer=None):
    """``n`` runs over temperature 25-37 and feed 0-10, titer growing exponentially."""
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame({"temperature": rng.uniform(25, 37, n), "feed": rng.uniform(0, 10, n)})
    runs["titer"] = (np.exp(0.15 * (runs["temperature"] - 25) + 0.2 * runs["feed"]
                            + rng.normal(0, 0.6, n)) if titer is None else titer)
    return runs


CONT = Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10)])


# ------------------------------------------ 1. log-response intervals are log-normal percentiles
def test_log_normal_interval_stays_positive():
    from biochemml.bioprocess.models import central_interval

    # the reviewer's proposal: mean 26.2, std 17.8 gave lower_95 = -8.66
    lower, upper = central_interval([26.2], [17.8 ** 2], log=True)
    assert lower[0] > 0 and upper[0] > 26.2 + 1.96 * 17.8 * 0.9
    s2 = np.log1p(17.8 ** 2 / 26.2 ** 2)
    assert lower[0] == pytest.approx(np.exp(np.log(26.2) - s2 / 2 - 1.959964 * np.sqrt(s2)))
    lower, upper = central_interval([26.2], [17.8 ** 2])  # normal: symmetric, as before
    assert lower[0] == pytest.approx(26.2 - 1.959964 * 17.8)


def test_recommend_log_response_interval_is_exp_of_log_interval():
    runs = _runs(10)
    out = recommend(runs, CONT, "titer", batch=2, log_response=True, num_restarts=2,
                    raw_samples=32)
    mean, lower, upper = (out[c].to_numpy() for c in ("predicted_mean", "lower_95", "upper_95"))
    assert (lower > 0).all() and (lower < mean).all() and (upper > mean).all()
    assert ((upper - mean) > (mean - lower)).all()  # log-normal: longer above the mean
    model = ConditionModel(factors=CONT, log_response=True).fit(runs[["temperature", "feed"]],
                                                                 runs["titer"])
    lo, hi = model.predict_interval(out[["temperature", "feed"]])
    np.testing.assert_allclose(lo, lower, rtol=1e-4)
    np.testing.assert_allclose(hi, upper, rtol=1e-4)


# -------------------------------------------- 2. numeric levels match by number (1 == 1.0)
def test_numeric_levels_match_numerically(tmp_path):
    from biochemml.bioprocess import design
    from biochemml.io import read_table

    factors = Factors([Factor("temperature", "continuous", 25, 37),
                       Factor("inducer_mM", "categorical", levels=(0.1, 1)),
                       Factor("strain", "categorical", levels=("A", "1"))])
    table = design(factors, method="factorial")
    table["titer"] = np.arange(len(table), dtype=float) + 1
    path = tmp_path / "runs.csv"
    table.to_csv(path, index=False)
    runs = read_table(path)
    assert "1.0" in runs["inducer_mM"].astype(str).tolist()  # as the design writes it
    checked = factors.check_table(runs)
    assert set(checked["inducer_mM"]) == {0.1, 1}
    assert factors["inducer_mM"].level_of("1.0") == 1 and factors["inducer_mM"].level_of(1.0) == 1
    # text levels stay exact: "1.0" is not the strain "1", "a" is not "A"
    assert factors["strain"].level_of(1.0) is None and factors["strain"].level_of("a") is None
    assert factors["strain"].level_of(" A ") == "A" and factors["strain"].level_of(1) == "1"
    out = recommend(runs, factors, "titer", batch=1, fixed={"inducer_mM": "1.0"},
                    num_restarts=2, raw_samples=32)
    assert out["inducer_mM"].iloc[0] == 1
    with pytest.raises(InputError, match="levels repeat"):
        Factor("x", "categorical", levels=(1, 1.0))


# ------------------------------------------------ 8. a blank categorical cell is called empty
def test_blank_categorical_cell_is_empty(tmp_path):
    from biochemml.bioprocess import check_runs

    factors = Factors([Factor("temperature", "continuous", 25, 37),
                       Factor("strain", "categorical", levels=("A", "B"))])
    path = tmp_path / "runs.csv"
    path.write_text("temperature,strain,titer\n30,A,1\n31,B,2\n32,,3\n33, ,4\n")
    with pytest.raises(InputError, match=r"row 4, column 'strain': the value is empty") as err:
        check_runs(path, factors, "titer")
    assert "nan" not in str(err.value)
    table = pd.DataFrame({"temperature": [30, 31], "strain": ["A", " "]})
    with pytest.raises(InputError, match=r"row with index 1, column 'strain': the value is empty"):
        factors.check_table(table)


# ------------------------------------------ 3. factor names are stripped, as table headers are
def test_factor_names_are_stripped(tmp_path):
    from biochemml.bioprocess import check_runs

    runs = tmp_path / "runs.csv"
    runs.write_text("temperature ,feed,titer\n30,1,1\n31,2,2\n")
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature ,25,37\n feed,0,10\n")
    yaml = tmp_path / "factors.yaml"
    yaml.write_text("factors:\n  - {name: 'temperature ', low: 25, high: 37}\n"
                    "  - {name: ' feed', low: 0, high: 10}\n"
                    "constraints: ['temperature + feed <= 45']\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("factors:\n  'temperature ': {low: 25, high: 37}\n  feed: {low: 0, high: 10}\n")
    for path in (bounds, yaml, mapping):
        factors = Factors.from_file(path)
        assert factors.names == ["temperature", "feed"]
        assert check_runs(runs, factors, "titer").conditions.shape == (2, 2)
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\ntemperature ,0,10\n")
    with pytest.raises(InputError, match="declared twice, in rows 2 and 3"):
        Factors.from_file(bounds)


# ------------------------------- 4. a typo in a numeric column is an error, not 12 categories
def test_typo_in_numeric_column_is_refused():
    from biochemml.bioprocess.models import infer_factors

    X = pd.DataFrame({"temperature": np.linspace(25, 37, 12).astype(object),
                      "strain": list("AB") * 6})
    X.loc[4, "temperature"] = "n.d."
    with pytest.raises(InputError, match=r"row with index 4, column 'temperature': the value is 'n.d.', "
                                         r"not a number"):
        ConditionModel().fit(X, np.arange(12.0))
    # genuine text factors stay categorical; numbers written as text are read as numbers
    X.loc[4, "temperature"] = "30"
    X["temperature"] = X["temperature"].astype(str)
    factors = infer_factors(X)
    assert factors["temperature"].kind == "continuous" and factors["strain"].levels == ("A", "B")


# ------------------------- 6. replay names the file row of a blank cycle after a skipped run
def test_replay_blank_cycle_names_file_row(tmp_path):
    from biochemml.bioprocess import replay

    runs = _runs(8)
    runs["cycle"] = [1, 1, 1, 1, 2, 2, 2, 2]
    runs["cycle"] = runs["cycle"].astype(object)
    runs.loc[2, "titer"] = np.nan   # file row 4: a failed run, skipped
    runs.loc[6, "cycle"] = None     # file row 8
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 8, column 'cycle': the cycle is empty"):
        replay(path, CONT, "titer", kind="gbt")


# ---------------------------------- 7. cv_predictions.csv names file rows, as the notes do
def test_cv_predictions_rows_are_file_rows(tmp_path):
    from biochemml.cli import main

    runs = _runs(8)
    runs.loc[2, "titer"] = np.nan  # file row 4 skipped
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\nfeed,0,10\n")
    assert main(["fit-conditions", "--runs", str(path), "--factors", str(bounds),
                 "--response", "titer", "--kinds", "gp", "--folds", "3",
                 "--out-dir", str(tmp_path / "cv")]) == 0
    preds = pd.read_csv(tmp_path / "cv" / "cv_predictions.csv")
    assert preds["row"].tolist() == [2, 3, 5, 6, 7, 8, 9]
    file_rows = {r: i for i, r in enumerate(range(2, 10))}
    np.testing.assert_allclose(preds["observed"], runs["titer"].iloc[[file_rows[r] for r in preds["row"]]])


# ------------------------------------------ 9. categorical effect bars start at zero
@pytest.mark.parametrize("offset", [0.0, -20.0])
def test_categorical_effect_bars_start_at_zero(offset):
    from biochemml.bioprocess import feature_importance
    from biochemml.bioprocess.plots import effects_plot

    factors = Factors([Factor("temperature", "continuous", 25, 37),
                       Factor("medium", "categorical", levels=("M9", "TB"))])
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"temperature": rng.uniform(25, 37, 12), "medium": ["M9", "TB"] * 6})
    y = 4.4 + 5.0 * (X["medium"] == "TB") + 0.01 * X["temperature"] + offset
    model = ConditionModel("gbt", factors=factors, n_members=4).fit(X, y)
    fig = effects_plot(model, X, feature_importance(model, X, grid=5))
    ax = next(a for a in fig.axes if a.get_title() == "partial dependence: medium")
    low, high = ax.get_ylim()
    if offset == 0.0:
        bars = [p.get_height() for p in ax.patches]
        assert len(bars) == 2 and low == 0.0 and high >= max(bars)
    else:  # means below zero: points, no bars
        assert not ax.patches and len(ax.lines[0].get_xdata()) == 2


# ------------------------------------------ 10. the flaviolin docstring matches the data
def test_flaviolin_docstring_counts():
    import os
    from pathlib import Path

    from biochemml.bioprocess.flaviolin import load_flaviolin

    doc = " ".join(load_flaviolin.__doc__.split())
    assert "5 cycles x 12 media x 4 replicates" not in doc
    assert "12 media x 4 replicates in cycles 1-2" in doc
    assert "16 media x 3 replicates in cycles 3-5" in doc
    if not (Path(os.environ.get("BIOCHEMML_DATA", "")) / "flaviolin").exists():
        pytest.skip("set BIOCHEMML_DATA to shared/data")
    runs, _ = load_flaviolin()
    per_cycle = runs.groupby("cycle").agg(media=("well", "nunique"), reps=("replicate", "max"))
    assert per_cycle["media"].tolist() == [12, 12, 16, 16, 16]
    assert per_cycle["reps"].tolist() == [4, 4, 3, 3, 3]


# ------------------------- 5a. a response that does not vary is refused, not modelled as normal
def test_constant_response_is_refused(tmp_path):
    import warnings

    from biochemml.bioprocess import cross_validate
    from biochemml.cli import main
    from gpytorch.utils.warnings import NumericalWarning

    runs = _runs(8, titer=5.0)
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"column 'titer': 'titer' is 5 in every one of the 8 "
                                         r"measured runs: the response does not vary"):
        recommend(path, CONT, "titer", batch=2)
    with pytest.raises(InputError, match="does not vary"):
        cross_validate(runs[["temperature", "feed"]], runs["titer"], kinds=["gbt"], factors=CONT)
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\nfeed,0,10\n")
    assert main(["fit-conditions", "--runs", str(path), "--factors", str(bounds),
                 "--response", "titer", "--kinds", "gbt", "--out-dir", str(tmp_path / "cv")]) != 0
    assert not (tmp_path / "cv" / "importance.csv").exists()
    # the Python model still fits a constant (a mean), without GPyTorch's numerical warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalWarning)
        model = ConditionModel(factors=CONT).fit(runs[["temperature", "feed"]], runs["titer"])
        model.predict(runs[["temperature", "feed"]], return_std=True)


def test_top_factors_not_named_when_no_factor_matters():
    from biochemml.cli.bioprocess import _top_factors

    assert _top_factors(pd.Series({"feed": 0.0, "temperature": 0.0})) == \
        "no factor moves its predictions (every importance is 0)"
    assert _top_factors(pd.Series({"feed": 0.7, "temperature": 0.3, "IPTG": 0.0})) == \
        "top factors: feed, temperature"


# ------------------ 5b. proposals that repeat each other or a measured run are named as such
def test_repeated_proposals_are_named(tmp_path, capsys):
    from biochemml.bioprocess import check_runs
    from biochemml.bioprocess.recommend import repeat_note
    from biochemml.cli import main

    runs = _runs(10)
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    checked = check_runs(path, CONT, "titer")
    proposals = pd.DataFrame({"temperature": [37.0, 37.0, runs["temperature"].iloc[3], 30.0],
                              "feed": [9.5, 9.5, runs["feed"].iloc[3], 5.0]})
    note = repeat_note(proposals, checked, CONT)
    assert note.startswith("next02 repeats next01; next03 repeats the measured run in row 5 "
                           "(the same conditions, to 0.1% of each factor's range)")
    assert "next04" not in note and repeat_note(proposals.iloc[[0, 3]], checked, CONT) == ""
    # a constrained region smaller than the repeat tolerance: every run lands in one place
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\nfeed,0,10\n")
    out = tmp_path / "next.csv"
    assert main(["recommend", "--runs", str(path), "--factors", str(bounds), "--response",
                 "titer", "--batch", "3", "--constraint", "temperature + feed >= 46.995",
                 "--out", str(out)]) == 0
    written = pd.read_csv(out)
    assert len(written) < 3  # the same run proposed twice is one run: the copies are dropped
    err = capsys.readouterr().err
    assert "Warning: the optimiser proposed the same run more than once (a copy of next01" \
        in err and "within the fixed values" in err
    assert "proposed the same run more than once" in out.with_suffix(".html").read_text()
