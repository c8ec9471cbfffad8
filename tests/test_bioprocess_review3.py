"""Defects found in a third review of the bioprocess workflow (a realistic first and second
round: 5 varied factors, a constraint, replicate centre points, a failed run, titer and
acetate). Each test fails before its fix."""
from __future__ import annotations

import io

import warnings

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import ConditionModel, Factors, recommend
from biochemml.errors import InputError

FACTORS_YAML = """\
factors:
  - {name: "Temp (°C)", low: 28, high: 37}
  - {name: pH, low: 6.4, high: 7.4}
  - {name: "Feed (g/L/h)", low: 0.5, high: 4.0}
  - {name: "IPTG (mM)", low: 0.05, high: 1.0, log: true}
  - {name: Strain, levels: [BL21, W3110]}
  - {name: "Volume (L)", value: 2.0}
constraints:
  - "Temp (°C) + 5*Feed (g/L/h) <= 50"
"""

# the reviewer's round 1 (a 12-run design, two centre points C1, C2, run06 failed) and
# round 2 (8 runs proposed from round 1), measured on a known titer function with noise
# SD 0.15 g/L (titer) and 0.05 g/L (acetate)
ROUNDS = """\
Run ID,Temp (°C),pH,Feed (g/L/h),IPTG (mM),Strain,Volume (L),Titer (g/L),Acetate (g/L),Comment,cycle
run01,34.5424,6.78589,2.341,0.238905,BL21,2.0,3.477,1.188,,1
run02,33.4061,7.31877,3.23441,0.0504977,BL21,2.0,3.375,1.409,,1
run03,36.4389,7.29053,2.15168,0.202321,BL21,2.0,2.676,1.262,,1
run04,29.2927,6.44976,3.9686,0.681799,W3110,2.0,3.527,1.342,,1
run05,32.1255,6.90235,2.7485,0.0840167,W3110,2.0,4.399,1.154,,1
run06,35.7075,6.56669,1.23513,0.080702,W3110,2.0,,,"foaming, run aborted at 20 h",1
run07,32.7569,7.06353,0.530608,0.971723,W3110,2.0,4.088,0.671,,1
run08,35.0444,7.07408,2.8616,0.424988,W3110,2.0,4.028,1.354,,1
run09,30.1103,6.6775,1.73209,0.113836,BL21,2.0,3.637,0.903,,1
run10,30.6035,7.21033,1.43937,0.547868,BL21,2.0,3.98,0.84,,1
run11,31.5989,6.55755,0.913256,0.348193,W3110,2.0,3.883,0.573,,1
run12,28.2635,6.8541,3.43205,0.142849,BL21,2.0,3.568,1.077,,1
C1,32.5,6.9,2.0,0.22,BL21,2.0,3.757,1.016,centre point,1
C2,32.5,6.9,2.0,0.22,BL21,2.0,3.843,1.004,"centre point, repeat",1
R2-01,32.2614,7.10136,3.54772,0.05,W3110,2.0,4.062,1.414,,2
R2-02,32.9655,6.95989,0.5,0.05,W3110,2.0,3.534,0.646,,2
R2-03,33.176,6.82507,3.36479,0.05,W3110,2.0,3.848,1.449,,2
R2-04,30.4865,7.1241,2.09336,0.05,W3110,2.0,3.823,0.932,,2
R2-05,31.8821,7.03343,3.62358,0.184132,W3110,2.0,4.562,1.384,,2
R2-06,35.7157,6.60554,0.5,0.05,W3110,2.0,2.741,0.771,,2
R2-07,32.8273,7.36198,0.704481,0.05,W3110,2.0,3.419,0.74,,2
R2-08,31.2006,7.13834,0.5,0.05,W3110,2.0,3.846,0.58,,2
"""
TITER, ACETATE = "Titer (g/L)", "Acetate (g/L)"


def titer(t):
    """The reviewer's true mean titer (g/L) of a table of conditions."""
    return (3.0 - 0.04 * (t["Temp (°C)"] - 31) ** 2 - 2.0 * (t["pH"] - 7.0) ** 2
            + 0.6 * t["Feed (g/L/h)"] - 0.12 * t["Feed (g/L/h)"] ** 2
            + 0.4 * np.log10(t["IPTG (mM)"] / 0.05) + 0.5 * (t["Strain"] == "W3110"))


@pytest.fixture
def factors(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text(FACTORS_YAML, encoding="utf-8")
    return Factors.from_file(path)


def rounds(cycle=None) -> pd.DataFrame:
    table = pd.read_csv(io.StringIO(ROUNDS))
    return table if cycle is None else table[table["cycle"] <= cycle].reset_index(drop=True)


def write(table: pd.DataFrame, tmp_path, name="runs.csv"):
    path = tmp_path / name
    table.to_csv(path, index=False)
    return path


# ------------------------------- 1. two responses, batch > 1: each run's value is its own
def test_two_response_acquisition_is_each_runs_own_value(factors):
    kw = dict(maximize=[True, False], seed=0, reference=[4.0, 1.0], num_restarts=2,
              raw_samples=32)
    one = recommend(rounds(), factors, [TITER, ACETATE], batch=1, **kw)
    two = recommend(rounds(), factors, [TITER, ACETATE], batch=2, **kw)
    # sequential greedy: the first run of the batch is the batch-1 run; its value alone is
    # the same (it was scored with itself pending: -14.6 against -2.36)
    np.testing.assert_allclose(two[factors.names].iloc[0].to_numpy(dtype=object)[:4].astype(float),
                               one[factors.names].iloc[0].to_numpy(dtype=object)[:4].astype(float))
    assert two["acquisition"].iloc[0] == pytest.approx(one["acquisition"].iloc[0], abs=1e-6)
    # the second run alone: scored as a batch of one would score it
    alone = recommend(rounds(), factors, [TITER, ACETATE], batch=1,
                      fixed={n: two[n].iloc[1] for n in factors.names
                             if factors[n].kind != "fixed"}, **kw)
    assert two["acquisition"].iloc[1] == pytest.approx(alone["acquisition"].iloc[0], abs=1e-3)


def test_parego_acquisition_is_each_runs_own_value(factors):
    kw = dict(maximize=[True, False], seed=0, multi="parego", num_restarts=2, raw_samples=32)
    one = recommend(rounds(), factors, [TITER, ACETATE], batch=1, **kw)
    three = recommend(rounds(), factors, [TITER, ACETATE], batch=3, **kw)
    assert three["acquisition"].iloc[0] == pytest.approx(one["acquisition"].iloc[0], abs=1e-6)
    assert np.isfinite(three["acquisition"]).all()


# ------------------------- 2a. replicates measure the noise: the GP's noise stays above it
def test_pure_error_of_replicates():
    from biochemml.bioprocess.models import pure_error

    variance, df = pure_error([[0.5, 1], [0.5, 1], [0.1, 0], [0.1, 0], [0.1, 0], [0.9, 0]],
                              [3.757, 3.843, 1.0, 2.0, 3.0, 7.0])
    assert df == 1 + 2
    assert variance == pytest.approx(((3.843 - 3.757) ** 2 / 2 + 2.0) / 3)
    variance, df = pure_error([[0.1], [0.2]], [1.0, 2.0])
    assert df == 0 and np.isnan(variance)


def test_gp_noise_does_not_fall_below_the_replicates_scatter(factors):
    first = rounds(1).dropna(subset=[TITER])
    model = ConditionModel("gp", factors=factors, seed=0).fit(first[factors.names], first[TITER])
    replicates_sd = abs(3.843 - 3.757) / np.sqrt(2)  # C1 and C2
    assert model.pure_error_df_ == 1
    assert np.sqrt(model.pure_error_) == pytest.approx(replicates_sd)
    # the fit alone settled at 0.044 g/L (the true SD is 0.15)
    assert model.noise_std() >= replicates_sd * (1 - 1e-6)
    # on the log scale the floor is the log response's scatter
    logged = ConditionModel("gp", factors=factors, seed=0, log_response=True).fit(
        first[factors.names], first[TITER])
    assert logged.pure_error_ == pytest.approx((np.log(3.843) - np.log(3.757)) ** 2 / 2)
    # without replicates the fit is as before
    single = first[first["Run ID"] != "C2"]
    alone = ConditionModel("gp", factors=factors, seed=0).fit(single[factors.names], single[TITER])
    assert alone.pure_error_df_ == 0


# ---------------------------------- 2b. intervals from few runs are said to be likely too narrow
def test_few_runs_interval_note():
    from biochemml.bioprocess.evaluate import few_runs_interval_note

    text = few_runs_interval_note(13, 1)
    assert text.startswith("the 95% intervals come from only 13 runs")
    assert "likely too narrow" in text and "1 degree of freedom" in text
    assert "replicate a few runs" in few_runs_interval_note(13, 0)
    assert few_runs_interval_note(30, 0) == ""


def test_recommend_and_replay_say_intervals_from_few_runs_are_too_narrow(factors, tmp_path, capsys):
    from biochemml.bioprocess import replay
    from biochemml.cli import main

    from biochemml.errors import CampaignWarning

    with pytest.warns(CampaignWarning, match="come from only 13 runs") as said:
        out = recommend(rounds(1), factors, TITER, batch=1, seed=0, num_restarts=2,
                        raw_samples=32)
    # in Python the caveat is a warning too (attrs are lost by many pandas operations)
    assert out.attrs["intervals"] in [str(w.message) for w in said]
    assert "come from only 13 runs" in out.attrs["intervals"]
    assert "1 degree of freedom" in out.attrs["intervals"]  # C1 and C2
    with pytest.warns(CampaignWarning, match="cycle 2 come from only 13 runs"):
        summary, _ = replay(rounds(), factors, TITER)
    assert summary.attrs["intervals"].startswith(
        "the 95% prediction intervals of cycle 2 come from only 13 runs")
    runs = write(rounds(), tmp_path)
    factors_path = tmp_path / "factors.yaml"
    assert main(["replay", "--runs", str(runs), "--factors", str(factors_path), "--response",
                 TITER, "--out", str(tmp_path / "replay.csv")]) == 0
    assert "Warning: the 95% prediction intervals of cycle 2" in capsys.readouterr().err
    assert main(["recommend", "--runs", str(runs), "--factors", str(factors_path), "--response",
                 TITER, "--batch", "1", "--out", str(tmp_path / "next.csv")]) == 0
    assert "Warning: the 95% intervals come from only 21 runs" in capsys.readouterr().err
    assert "Warning: the 95% intervals come from only 21 runs" in (tmp_path / "next.html").read_text()


def test_many_runs_carry_no_interval_note():
    from biochemml.bioprocess import Factor

    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"T": rng.uniform(25, 37, 30)})
    runs["titer"] = np.sin(runs["T"] / 3) + rng.normal(0, 0.1, 30)
    from biochemml.errors import CampaignWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", CampaignWarning)  # nothing to say: no warning
        out = recommend(runs, Factors([Factor("T", "continuous", 25, 37)]), "titer", batch=1,
                        num_restarts=2, raw_samples=32)
    assert out.attrs["intervals"] == ""


# --------------------- 3. next.png: each measured run at a whole position, named as in the file
def test_measured_runs_are_labelled_with_their_run_id_or_file_row(factors, tmp_path):
    from biochemml.bioprocess import check_runs
    from biochemml.bioprocess.plots import recommendation_plot

    checked = check_runs(rounds(1), factors, TITER)
    labels, name = checked.run_labels()
    assert name == "Run ID" and "run06" not in labels  # the failed run is left out
    assert labels[:6] == ["run01", "run02", "run03", "run04", "run05", "run07"]
    no_id = write(rounds(1).drop(columns="Run ID"), tmp_path)
    rows, name = check_runs(no_id, factors, TITER).run_labels()
    assert name == "row" and rows[:6] == ["2", "3", "4", "5", "6", "8"]  # header = row 1
    proposals = pd.DataFrame({"predicted_mean": [4.0], "predicted_std": [0.1],
                              "lower_95": [3.8], "upper_95": [4.2]})
    fig = recommendation_plot(checked.responses, proposals, [TITER],
                              conditions=checked.conditions, run_labels=rows,
                              run_label_name="row")
    ax = fig.axes[0]
    ticks = ax.get_xticks()
    assert np.allclose(ticks, np.round(ticks)) and len(ticks) == 13
    assert [t.get_text() for t in ax.get_xticklabels()][:6] == rows[:6]
    assert "file" in ax.get_xlabel() or "row" in ax.get_xlabel()
    offsets = ax.collections[0].get_offsets()[:, 0]  # each dot sits on its run's tick
    np.testing.assert_array_equal(offsets, ticks)


# ------------------- 5. two responses: the terminal table's headers stay apart and whole
def test_terminal_table_headers_of_two_responses_are_distinct(capsys):
    from biochemml.cli.bioprocess import _print_table

    table = pd.DataFrame({"run": ["next01"], "Temp (°C)": [32.5], "pH": [6.9],
                          "Feed (g/L/h)": [2.0], "IPTG (mM)": [0.22], "Strain": ["W3110"],
                          "Volume (L)": [2.0]})
    for r in (TITER, ACETATE):
        for stat in ("predicted_mean", "predicted_std", "lower_95", "upper_95"):
            table[f"{stat}_{r}"] = [1.234567]
    table["acquisition"], table["non_dominated"] = [-2.36], [True]
    _print_table(table, "2 proposed runs")
    out = capsys.readouterr().out
    assert "…" not in out
    assert out.count(TITER) == 4 and out.count(ACETATE) == 4
    assert "mean" in out and "upper_95" in out and "non_dominated" in out


# --------------------------- 4. --log-response also for minimised responses (a log keeps order)
def test_log_response_for_a_minimised_response(factors, tmp_path, capsys):
    from biochemml.cli import main

    first = rounds(1)
    out = recommend(first, factors, ACETATE, maximize=False, log_response=True, batch=2,
                    seed=0, num_restarts=2, raw_samples=32)
    mean, lower, upper = (out[c].to_numpy() for c in ("predicted_mean", "lower_95", "upper_95"))
    assert (lower > 0).all() and (lower < mean).all() and (mean < upper).all()
    assert ((upper - mean) > (mean - lower)).all()  # log-normal
    # acetate rises with feed and temperature: a minimising search goes low on both
    assert (out["Feed (g/L/h)"] < 1.5).all()
    assert np.isfinite(out["acquisition"]).all()
    # the same with titer maximised: a trade-off on the log scale
    both = recommend(first, factors, [TITER, ACETATE], maximize=[True, False],
                     log_response=True, batch=1, seed=0, num_restarts=2, raw_samples=32)
    assert (both[f"lower_95_{ACETATE}"] > 0).all()
    runs, factors_path = write(first, tmp_path), tmp_path / "factors.yaml"
    assert main(["recommend", "--runs", str(runs), "--factors", str(factors_path), "--response",
                 ACETATE, "--minimize", ACETATE, "--log-response", "--batch", "1",
                 "--out", str(tmp_path / "next.csv")]) == 0
    capsys.readouterr()
    zero = first.copy()
    zero.loc[2, ACETATE] = 0.0
    assert main(["recommend", "--runs", str(write(zero, tmp_path, "zero.csv")), "--factors",
                 str(factors_path), "--response", ACETATE, "--minimize", ACETATE,
                 "--log-response", "--out", str(tmp_path / "z.csv")]) == 1
    err = capsys.readouterr().err
    assert "--log-response" in err and "row 4" in err


def test_minimised_response_predictions_as_before(factors):
    """Minimised without a log: the GP on the response as measured gives the predictions
    the GP on its negative gave (a zero-mean GP is symmetric in sign)."""
    out = recommend(rounds(1), factors, ACETATE, maximize=False, batch=1, seed=0,
                    num_restarts=2, raw_samples=32)
    first = rounds(1).dropna(subset=[ACETATE])
    model = ConditionModel("gp", factors=factors, seed=0).fit(first[factors.names],
                                                              -first[ACETATE])
    mean, std = model.predict(out[factors.names], return_std=True)
    np.testing.assert_allclose(out["predicted_mean"], -mean, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(out["predicted_std"], std, rtol=1e-2, atol=1e-4)


# ------------------------- 6. a factorial with a constraint marks the runs that break it
def test_factorial_marks_the_runs_that_break_the_constraint(tmp_path, capsys):
    from biochemml.cli import main

    (tmp_path / "factors.yaml").write_text(FACTORS_YAML, encoding="utf-8")
    out = tmp_path / "design.csv"
    assert main(["doe", "--factors", str(tmp_path / "factors.yaml"), "--method", "factorial",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    table = pd.read_csv(out)
    breaks = table["Temp (°C)"] + 5 * table["Feed (g/L/h)"] > 50
    assert len(table) == 32 and int(breaks.sum()) == 8
    assert table["breaks_constraint"].tolist() == breaks.tolist()
    assert "8 of the 32 runs" in err and ", ".join(table.loc[breaks, "run"][:3]) in err
    assert err.count("8 of the 32 runs") == 1  # the Python warning is hidden on the CLI
    from biochemml.bioprocess import design
    from biochemml.errors import CampaignWarning

    with pytest.warns(CampaignWarning, match="8 of the 32 runs break the constraints"):
        in_python = design(Factors.from_file(tmp_path / "factors.yaml"), method="factorial")
    assert in_python.attrs["breaks"] == breaks.tolist()
    # read back as runs, the column is neither a factor nor reported as ignored
    from biochemml.bioprocess import check_runs

    table["Titer (g/L)"] = 1.0 + np.arange(32)
    assert check_runs(table, Factors.from_file(tmp_path / "factors.yaml"),
                      TITER).ignored_notice() == ""


# ------------------------------------------------------------------------ smaller defects
def test_missing_response_suggests_a_response_like_column_not_a_factor(factors, tmp_path):
    from biochemml.bioprocess import check_runs

    path = write(rounds(1), tmp_path)
    with pytest.raises(InputError) as e:
        check_runs(path, factors, "Feed")
    assert "did you mean 'Feed (g/L/h)'" not in str(e.value)  # a factor is no response
    with pytest.raises(InputError, match=r"did you mean 'Titer \(g/L\)'"):
        check_runs(path, factors, "Titer (g/l)")


def test_replay_of_one_cycle_names_the_file(factors, tmp_path):
    from biochemml.bioprocess import replay

    path = write(rounds(1), tmp_path)
    with pytest.raises(InputError, match="runs.csv.*at least two cycles"):
        replay(path, factors, TITER)


def test_an_empty_text_column_is_not_an_ignored_numeric_column(factors):
    from biochemml.bioprocess import check_runs

    table = rounds(1)
    table["Comment"] = np.nan  # never filled: pandas reads it as numbers
    checked = check_runs(table, factors, TITER)
    assert "Comment" not in checked.ignored_notice()
    assert "Acetate (g/L)" in checked.ignored_notice()


def test_cross_validation_says_which_model_it_is_on(factors, capsys):
    from biochemml.bioprocess import cross_validate

    first = rounds(1).dropna(subset=[TITER])
    cross_validate(first[factors.names], first[TITER], kinds=("gp", "gbt"), factors=factors,
                   folds=3, progress=True)
    err = capsys.readouterr().err
    assert "Model 1 of 2: gp, 3 folds" in err and "Model 2 of 2: gbt" in err


def test_log_factor_axes_read_in_plain_numbers(factors):
    from biochemml.bioprocess.plots import effects_plot

    first = rounds(1).dropna(subset=[TITER])
    X = first[factors.names]
    model = ConditionModel("gp", factors=factors, seed=0).fit(X, first[TITER])
    importance = pd.Series({"IPTG (mM)": 0.5, "Temp (°C)": 0.3, "pH": 0.1, "Feed (g/L/h)": 0.05,
                            "Strain": 0.05})
    fig = effects_plot(model, X, importance, TITER)
    ax = fig.axes[1]  # partial dependence of IPTG, a log-scale factor
    assert ax.get_xscale() == "log"
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_xticklabels(minor=True)
              if t.get_text()]
    assert "0.1" in labels and not any("10^" in t or "10^{" in t or "$" in t for t in labels)
