"""Leftovers of the bioprocess review: each test fails before its fix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import Factor, Factors, LinearConstraint
from biochemml.cli import main
from biochemml.errors import InputError


# ------------------------------------------- 1. a factor declared twice: file and both rows
def test_factor_declared_twice_names_file_and_both_rows(tmp_path):
    path = tmp_path / "bounds.csv"
    path.write_text("Variable,Min,Max\ntemperature,25,37\nfeed,0,10\ntemperature,20,30\n")
    with pytest.raises(InputError) as err:
        Factors.from_file(path)
    text = str(err.value)
    assert str(path) in text and "'temperature' is declared twice, in rows 2 and 4" in text
    blank = tmp_path / "blank_first.csv"  # rows counted as the table readers count them
    blank.write_text("\n\nVariable,Min,Max\nfeed,0,10\nfeed,0,5\n")
    with pytest.raises(InputError, match="'feed' is declared twice, in rows 4 and 5"):
        Factors.from_file(blank)
    yaml = tmp_path / "f.yaml"
    yaml.write_text("factors:\n  - {name: T, low: 1, high: 2}\n  - {name: feed, low: 0, high: 1}\n"
                    "  - {name: T, low: 1, high: 3}\n")
    with pytest.raises(InputError, match="f.yaml: factor 'T' is declared twice, as entries 1 and 3"):
        Factors.from_file(yaml)


# ------------------------------------------------ 2. too few runs for the varied factors
def _runs(tmp_path, n, names):
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({name: rng.uniform(0, 10, n) for name in names})
    runs["titer"] = runs[names[0]] * 0.3 + rng.normal(0, 0.1, n)
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\n" + "".join(f"{name},0,10\n" for name in names))
    return path, bounds


def test_few_runs_notice_counts_varied_factors():
    from biochemml.bioprocess.runs import few_runs_notice

    f = Factors([Factor("a", "continuous", 0, 1), Factor("s", "categorical", levels=("A", "B")),
                 Factor("v", "fixed", value=1.0)])
    assert few_runs_notice(4, f, "recommend") == ""  # 2 varied factors + 2
    text = few_runs_notice(3, f, "recommend")
    assert "only 3 measured runs for 2 varied factors" in text and "at least 4" in text
    assert "mostly exploration" in text
    assert "fragile" in few_runs_notice(3, f, "cross-validate")


def test_recommend_warns_when_runs_are_too_few(tmp_path, capsys):
    path, bounds = _runs(tmp_path, 2, ["a", "b", "c", "d", "e"])
    out = tmp_path / "next.csv"
    assert main(["recommend", "--runs", str(path), "--factors", str(bounds), "--response", "titer",
                 "--batch", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Warning: only 2 measured runs for 5 varied factors" in err
    assert "too few for the model to learn every factor" in err and "mostly exploration" in err
    assert "Warning: Only 2 measured runs" not in err
    html = (tmp_path / "next.html").read_text()
    assert "Warning: only 2 measured runs for 5 varied factors" in html
    assert out.exists()


def test_fit_conditions_warns_when_runs_are_too_few(tmp_path, capsys):
    path, bounds = _runs(tmp_path, 3, ["a", "b"])
    out_dir = tmp_path / "model"
    assert main(["fit-conditions", "--runs", str(path), "--factors", str(bounds), "--response",
                 "titer", "--kinds", "gp,gbt", "--out-dir", str(out_dir)]) == 0
    err = capsys.readouterr().err
    assert "Warning: only 3 measured runs for 2 varied factors" in err and "fragile" in err
    assert "cross-validation is fragile" in (out_dir / "report.html").read_text()
    # enough runs: no warning of too few runs (4 runs give gbt a cross-validated R² below
    # 0, which has its own warning)
    path, bounds = _runs(tmp_path, 4, ["a", "b"])
    assert main(["fit-conditions", "--runs", str(path), "--factors", str(bounds), "--response",
                 "titer", "--kinds", "gbt", "--out-dir", str(out_dir)]) == 0
    err = capsys.readouterr().err
    assert "Warning: only" not in err and "fragile" not in err


# ------------------------- 3. importance and effects from the lowest-error model, and said so
def test_fit_conditions_takes_importance_from_the_lowest_error_model(tmp_path, capsys):
    from biochemml.bioprocess import ConditionModel, feature_importance

    rng = np.random.default_rng(3)
    runs = pd.DataFrame({"a": rng.uniform(0, 10, 10), "b": rng.uniform(0, 10, 10)})
    runs["titer"] = 0.5 * runs["a"] + 0.1 * runs["b"]  # smooth: the GP beats the trees
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\na,0,10\nb,0,10\n")
    folder = tmp_path / "model"
    assert main(["fit-conditions", "--runs", str(path), "--factors", str(bounds), "--response",
                 "titer", "--kinds", "gbt,gp", "--out-dir", str(folder)]) == 0
    metrics = pd.read_csv(folder / "cv_metrics.csv").set_index("kind")
    assert metrics["rmse"].idxmin() == "gp"  # the second listed kind
    out = capsys.readouterr().out
    assert "Lowest error: gp. Importance and effects from gp" in out
    f = Factors.from_file(bounds)
    expected = feature_importance(ConditionModel("gp", factors=f, seed=0).fit(runs[["a", "b"]],
                                                                             runs["titer"]),
                                  runs[["a", "b"]])
    written = pd.read_csv(folder / "importance.csv").set_index("factor")["importance"]
    np.testing.assert_allclose(written[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-6)
    html = (folder / "report.html").read_text()
    assert "Factor importance (gp model, the lowest cross-validated error)" in html
    assert "effects of the most important factors (gp model" in html.lower()


# ------------------------------------- 4. Factors built in Python are checked like the YAML
T, FEED = Factor("T", "continuous", 25, 37), Factor("feed", "continuous", 0, 10)


@pytest.mark.parametrize("make, message", [
    (lambda: Factors([T, FEED, Factor("T", "continuous", 1, 2)]),
     "factor 'T' is declared twice, as items 1 and 3 of the list"),
    (lambda: Factors([T, FEED], [LinearConstraint({"speed": 1.0, "T": 1.0}, "<=", 50,
                                                  "speed + T <= 50")]),
     "constraint 'speed + T <= 50' names an unknown factor 'speed'; the factors are: 'T', 'feed'"),
    (lambda: Factors([T, FEED], ["T + speed <= 50"]), "unknown factor 'speed'"),
    (lambda: Factors([T, FEED], [42]), "a constraint must be text such as 'a + 2*b <= 10'"),
    (lambda: Factors([]), "at least one factor"),
    (lambda: Factors(T), "Factors takes a list of Factor objects"),
    (lambda: Factors([{"name": "T", "low": 25, "high": 37}]), "item 1 of the factors is a dict"),
    (lambda: Factors([T], [LinearConstraint({"T": 1.0}, "<", 30)]), "sense must be '<=' or '>='"),
    (lambda: Factors([T], [LinearConstraint({"T": 1.0}, "<=", float("nan"))]),
     "the right side must be a finite number"),
    (lambda: Factors([T], [LinearConstraint({"T": "a"}, "<=", 30)]),
     "the coefficient of 'T' must be a finite number"),
    (lambda: Factors([T], [LinearConstraint({}, "<=", 30)]), "names no factor"),
    (lambda: Factor("", "continuous", 1, 2), "a factor needs a name"),
    (lambda: Factor(None, "continuous", 1, 2), "a factor needs a name"),
])
def test_factors_in_python_are_checked_like_the_yaml(make, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("*", r"\*").replace("+", r"\+")):
        make()


def test_factors_in_python_take_constraints_as_text():
    f = Factors([T, FEED], ["0.5*T + feed <= 25"])
    assert f.constraints[0].coefficients == {"T": 0.5, "feed": 1.0}
    c = Factors([T, FEED], [LinearConstraint({"T": -0.5, "feed": -1}, ">=", -25)]).constraints[0]
    assert c.text == "-0.5*T - feed >= -25"  # written out for messages
    with pytest.raises(InputError, match="constraint '-0.5\\*T - feed >= -5' cannot be met"):
        Factors([T, FEED], [LinearConstraint({"T": -0.5, "feed": -1}, ">=", -5)])


def test_yaml_refuses_an_empty_factor_name(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("factors:\n  - {name: , low: 1, high: 2}\n")
    with pytest.raises(InputError, match="f.yaml: factor 1: its 'name' is empty"):
        Factors.from_file(path)
