"""Defects found in a bioprocess engineer's review: each test fails before its fix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import Factor, Factors, recommend
from biochemml.bioprocess.factors import parse_constraint
from biochemml.errors import InputError


# ------------------------------------------ 1. categorical factor + linear constraint
def _strain_campaign():
    """A simulated truth: strain B is 30 better; optimum at T=32, feed=8, on the feasible
    side of 0.5*T + feed <= 25 (16 + 8 = 24). Seed 2 made optimize_acqf_mixed return the
    corner (37, 6.5) for both strains."""
    factors = Factors([Factor("temperature", "continuous", 25, 37),
                       Factor("feed", "continuous", 0, 10),
                       Factor("strain", "categorical", levels=("A", "B")),
                       Factor("volume", "fixed", value=1.0)],
                      [parse_constraint("0.5*temperature + feed <= 25",
                                        ["temperature", "feed", "strain", "volume"])])
    rng = np.random.default_rng(2)
    n = 14
    runs = pd.DataFrame({"temperature": rng.uniform(25, 37, n), "feed": rng.uniform(0, 10, n),
                         "strain": rng.choice(["A", "B"], n)})
    runs["volume"] = 1.0
    runs["titer"] = (100 + 30 * (runs["strain"] == "B") - (runs["temperature"] - 32) ** 2
                     - 0.5 * (runs["feed"] - 8) ** 2 + rng.normal(0, 1, n))
    return factors, runs


def test_constrained_categorical_proposal_matches_best_fixed_level():
    factors, runs = _strain_campaign()
    free = recommend(runs, factors, "titer", batch=1)
    per_level = [recommend(runs, factors, "titer", batch=1, fixed={"strain": lv}) for lv in "AB"]
    best = max(per_level, key=lambda t: t["acquisition"].iloc[0])
    assert free["strain"].iloc[0] == best["strain"].iloc[0] == "B"
    assert free["acquisition"].iloc[0] == pytest.approx(best["acquisition"].iloc[0], abs=0.05)
    assert free["predicted_mean"].iloc[0] == pytest.approx(best["predicted_mean"].iloc[0], abs=1.0)
    assert free["predicted_mean"].iloc[0] > 125  # not the corner (37, 6.5): about 101
    assert (0.5 * free["temperature"] + free["feed"] <= 25 + 1e-6).all()
    assert abs(free["temperature"].iloc[0] - 32) < 2


def test_constrained_categorical_batch_meets_constraint():
    factors, runs = _strain_campaign()
    out = recommend(runs, factors, "titer", batch=3)
    assert len(out) == 3
    assert (0.5 * out["temperature"] + out["feed"] <= 25 + 1e-6).all()
    assert out["predicted_mean"].max() > 125


# ------------------------------------------------------ 2. replay orders cycles naturally
def test_replay_orders_named_cycles_naturally(capsys, tmp_path):
    from biochemml.bioprocess.replay import cycle_order
    from biochemml.cli import main

    names = [f"R{i}" for i in range(1, 14)]
    assert cycle_order(np.array(sorted(names), dtype=object)) == names
    assert cycle_order(["C10", "c2", "C1"]) == ["C1", "c2", "C10"]
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"cycle": np.repeat(names, 3), "temperature": rng.uniform(25, 37, 39)})
    runs["titer"] = np.sin(runs["temperature"] / 3) + rng.normal(0, 0.01, 39)
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\n")
    assert main(["replay", "--runs", str(path), "--factors", str(bounds), "--response", "titer",
                 "--kind", "gbt", "--out", str(tmp_path / "replay.csv")]) == 0
    summary = pd.read_csv(tmp_path / "replay.csv")
    assert summary["cycle"].tolist() == names[1:]
    assert summary["n_train"].tolist() == [3 * i for i in range(1, 13)]  # R2 trains on R1 only
    out = capsys.readouterr().out
    assert "order used" in out and "R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11" in out


# ------------------------------------------------- 3. a failed run (blank response) is skipped
def test_blank_response_runs_are_skipped_and_named(tmp_path, capsys):
    from biochemml.bioprocess import check_runs
    from biochemml.cli import main

    factors = Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10)])
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"temperature": rng.uniform(25, 37, 8), "feed": rng.uniform(0, 10, 8)})
    runs["titer"] = 2 - ((runs["temperature"] - 31) / 6) ** 2
    runs["cost"] = runs["feed"] * 1.0
    runs.loc[2, "titer"] = np.nan
    runs.loc[5, "cost"] = np.nan
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    checked = check_runs(path, factors, "titer")
    assert len(checked.conditions) == 7 and checked.skipped == [4]  # file row 4 (header is 1)
    assert "row 4" in checked.skipped_notice()
    both = check_runs(path, factors, ["titer", "cost"])
    assert both.skipped == [4, 7] and "every response" in both.skipped_notice()
    assert both.rows == [2, 3, 5, 6, 8, 9]
    bad = runs.copy()
    bad.loc[3, "feed"] = np.nan  # a blank factor cell is still an error
    with pytest.raises(InputError, match="empty"):
        check_runs(bad, factors, "titer")
    text = runs.astype(object)
    text.loc[4, "titer"] = "n.d."
    with pytest.raises(InputError, match="not a number"):
        check_runs(text, factors, "titer")
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\nfeed,0,10\n")
    out = tmp_path / "next.csv"
    assert main(["recommend", "--runs", str(path), "--factors", str(bounds), "--response", "titer",
                 "--batch", "1", "--out", str(out)]) == 0
    assert "skipped 1 run with a blank response: row 4" in capsys.readouterr().err
    assert "row 4" in (tmp_path / "next.html").read_text()


# ------------------------------------------------------------- 11. Python API checks
@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="continuous", low=10, high=5), "low (10) must be smaller than high (5)"),
    (dict(kind="continuous", low=0, high=5, log=True), "needs low > 0"),
    (dict(kind="categorical", levels=()), "at least two 'levels'"),
    (dict(kind="categorical", levels="AB"), "at least two 'levels'"),
    (dict(kind="fixed"), "needs a 'value'"),
    (dict(kind="gradient"), "not one of"),
])
def test_factor_dataclass_validates(kwargs, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Factor("x", **kwargs)


def test_predict_unknown_level_names_table_row():
    from biochemml.bioprocess import ConditionModel

    X = pd.DataFrame({"T": [25.0, 30, 35, 28], "strain": ["A", "B", "A", "B"]})
    model = ConditionModel("gbt", n_members=2).fit(X, [1.0, 2, 3, 2])
    with pytest.raises(InputError) as err:
        model.predict(pd.DataFrame({"T": [30.0, 31.0], "strain": ["A", "C"]}))
    # a DataFrame's row is named by its index label, not a 1-based position (review 4)
    assert "row with index 1, column 'strain'" in str(err.value)
    assert "sequence" not in str(err.value)


# ------------------------------------------------ 4. constraints with names as declared
def test_constraint_names_with_spaces_units_and_numbers():
    names = ["temperature (°C)", "feed rate (mL/h)", "feed", "T"]
    c = parse_constraint("temperature (°C) + feed rate (mL/h) <= 40", names)
    assert c.coefficients == {"temperature (°C)": 1.0, "feed rate (mL/h)": 1.0} and c.rhs == 40
    c = parse_constraint("2*`feed rate (mL/h)` - 0.5 feed >= .5", names)
    assert c.coefficients == {"feed rate (mL/h)": 2.0, "feed": -0.5} and c.rhs == 0.5
    c = parse_constraint(".5*feed + T <= 3", names)
    assert c.coefficients == {"feed": 0.5, "T": 1.0}
    c = parse_constraint("feed - -2*T <= 30", names)
    assert c.coefficients == {"feed": 1.0, "T": 2.0}
    with pytest.raises(InputError, match="the factors are: 'temperature \\(°C\\)'"):
        parse_constraint("temperature + feed <= 40", names)
    with pytest.raises(InputError, match="the factors are"):
        parse_constraint("feed is small", names)


# ------------------------------------------------------------------- 5. YAML strictness
@pytest.mark.parametrize("text, message", [
    ("factors:\n  - {name: T, low: 25, high: 37}\nconstraint: ['T <= 30']",
     "unknown top-level key 'constraint'.*constraints"),
    ("factors:\n  - {name: T, low: 1, high: 2, log: maybe}", "'log' must be true or false"),
])
def test_yaml_refuses_unknown_keys_and_flags(tmp_path, text, message):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        Factors.from_file(path)


def test_yaml_single_constraint_string_and_quoted_log(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("factors:\n  - {name: T, low: 25, high: 37}\n  - {name: feed, low: 0, high: 10}\n"
                    "  - {name: IPTG, low: 0.01, high: 1, log: \"false\"}\n"
                    "  - {name: NaCl, low: 5, high: 500, log: 'yes'}\n"
                    "constraints: \"T + feed <= 30\"\n")
    f = Factors.from_file(path)
    assert len(f.constraints) == 1 and f.constraints[0].coefficients == {"T": 1.0, "feed": 1.0}
    assert not f["IPTG"].log and f["NaCl"].log


# -------------------------------------------- 6. a fixed factor whose column differs
def test_fixed_factor_column_must_hold_its_value():
    from biochemml.bioprocess import check_runs

    factors = Factors([Factor("T", "continuous", 25, 37), Factor("volume", "fixed", value=1.0)])
    runs = pd.DataFrame({"T": [25.0, 30, 35, 28], "volume": [1.0, 2.0, 1.0, 1.0], "titer": [1.0, 2, 3, 2]})
    with pytest.raises(InputError, match="fixed at 1.0 but its column holds 2.0 in the row with index 1;"):
        check_runs(runs, factors, "titer")
    runs["volume"] = [2.0, 2.0, 3.0, 1.0]
    with pytest.raises(InputError, match="not fixed in these runs"):
        check_runs(runs, factors, "titer")
    runs["volume"] = [1.0, 1.0, np.nan, 1.0]
    assert check_runs(runs, factors, "titer").conditions["volume"].tolist() == [1.0] * 4


# ------------------------------------------ 7-8. constrained space-filling designs
@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_tight_constraint_design_is_feasible_balanced_and_spread(method):
    from biochemml.bioprocess import design

    names = ["T", "feed", "strain"]
    factors = Factors([Factor("T", "continuous", 25, 37), Factor("feed", "continuous", 0, 10),
                       Factor("strain", "categorical", levels=("A", "B"))],
                      [parse_constraint("T + feed <= 27", names)])
    d = design(factors, n=12, method=method, seed=0)
    assert len(d) == 12 and (d["T"] + d["feed"] <= 27 + 1e-9).all()
    assert d["strain"].value_counts().tolist() == [6, 6]
    pts = np.column_stack([(d["T"] - 25) / 12, d["feed"] / 10])
    dist = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    assert dist[np.triu_indices(12, 1)].min() > 0.03  # spread: the triangle has area 1/60
    assert d["T"].max() > 26.5 and d["feed"].max() > 1.5  # reaches the corners


# ------------------------------- 9, 12. fit-conditions refuses before the slow work
def test_fit_conditions_refuses_repeated_response_and_unknown_kind(tmp_path, capsys):
    from biochemml.cli import main

    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\n")
    runs = pd.DataFrame({"temperature": np.linspace(25, 37, 6), "titer": np.arange(6.0),
                         "cost": np.arange(6.0)})
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    base = ["fit-conditions", "--runs", str(path), "--factors", str(bounds), "--out-dir", str(tmp_path / "o")]
    assert main(base + ["--response", "titer", "--response", "cost"]) != 0
    assert "one response at a time" in capsys.readouterr().err
    assert main(base + ["--response", "titer", "--kinds", "gp,rf"]) != 0
    err = capsys.readouterr().err
    assert "unknown model kind 'rf'" in err and "Cross-validating" not in err


# ------------------------------------------------- 10. output format follows the suffix
def test_doe_writes_excel_tsv_and_refuses_unknown_suffix(tmp_path, capsys):
    from biochemml.cli import main

    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\nfeed,0,10\n")
    base = ["doe", "--factors", str(bounds), "--n", "5", "--out"]
    assert main(base + [str(tmp_path / "d.xlsx")]) == 0
    assert pd.read_excel(tmp_path / "d.xlsx").shape == (5, 3)
    assert main(base + [str(tmp_path / "d.tsv")]) == 0
    assert pd.read_csv(tmp_path / "d.tsv", sep="\t").shape == (5, 3)
    assert main(base + [str(tmp_path / "d.json")]) != 0
    assert "use .csv, .tsv, .xlsx or .parquet" in capsys.readouterr().err
    assert not (tmp_path / "d.json").exists()


def test_replay_checks_its_output_table_before_the_work(tmp_path, capsys):
    from biochemml.cli import main

    (tmp_path / "b.csv").write_text("Variable,Min,Max\ntemperature,25,37\n")
    rng = np.random.default_rng(1)
    runs = pd.DataFrame({"cycle": np.repeat([1, 2, 3], 4), "temperature": rng.uniform(25, 37, 12)})
    runs["titer"] = runs["temperature"] / 10 + rng.normal(0, 0.05, 12)
    runs.to_csv(tmp_path / "runs.csv", index=False)
    base = ["replay", "--runs", str(tmp_path / "runs.csv"), "--factors", str(tmp_path / "b.csv"),
            "--response", "titer", "--out"]
    assert main(base + [str(tmp_path / "r.json")]) == 1
    assert "use .csv, .tsv, .xlsx or .parquet" in capsys.readouterr().err
    assert not list(tmp_path.glob("r.*"))
    assert main(base + [str(tmp_path / "r.tsv")]) == 0
    assert "\t" in (tmp_path / "r.tsv").read_text().splitlines()[0]
