"""Defects found in a fourth review of the bioprocess workflow (a user's first round of 14
runs with 5 factors: a response of pure noise, factors never varied, two responses with a
reference point, decimal commas, a bounds table with a Log column). Each test fails before
its fix."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import ConditionModel, Factors, feature_importance, recommend
from biochemml.cli import main
from biochemml.errors import InputError

FACTORS_YAML = """\
factors:
  - {name: temperature, low: 30, high: 37}
  - {name: pH, low: 6.7, high: 7.3}
  - {name: feed, low: 0, high: 10}
  - {name: inducer, low: 0.01, high: 1.0, log: true}
  - {name: medium, levels: [A, B]}
"""

# the reviewer's 14 runs (12 Latin-hypercube runs and two centre points); 'titer' here is
# pure noise: no factor acts on it
NOISE = """\
run,temperature,pH,feed,inducer,medium,titer,lactate
run01,31.7833,7.18418,7.73138,0.0205305,B,2.6,2.47
run02,36.622,6.84717,0.984236,0.132399,B,2.34,2.53
run03,34.7514,6.9955,3.40761,0.151281,B,2.88,2.47
run04,30.8699,7.11658,3.32749,0.843478,A,3.21,1.64
run05,36.2999,6.76777,8.77094,0.387468,A,3.57,3.5
run06,30.0746,7.26184,0.53146,0.053047,A,3.05,1.07
run07,33.6206,6.88039,6.32316,0.57964,B,2.72,2.67
run08,33.3049,7.09828,5.3331,0.0374441,A,2.61,2.43
run09,31.2129,6.71201,6.71514,0.0306114,A,3.37,2.38
run10,34.546,7.24918,4.79307,0.22066,B,3.82,2.73
run11,32.8115,7.02877,9.67514,0.0110922,B,3.14,2.74
run12,35.4703,6.93447,1.95624,0.0750659,A,2.38,2.2
C1,33.5,7.0,5.0,0.1,A,2.52,2.43
C2,33.5,7.0,5.0,0.1,A,3.8,2.41
"""


@pytest.fixture
def factors_path(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text(FACTORS_YAML, encoding="utf-8")
    return path


def noise_runs() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(NOISE))


def write(table: pd.DataFrame, tmp_path, name="runs.csv"):
    path = tmp_path / name
    table.to_csv(path, index=False)
    return path


# ------------------------------------ 1. a factor ranking from a model that predicts nothing
def test_no_skill_note_when_no_model_beats_the_mean():
    from biochemml.bioprocess.evaluate import no_skill_note

    metrics = pd.DataFrame({"r2": [-0.30, -0.47, -0.83]}, index=["gp", "gbt", "nn"])
    note = no_skill_note(metrics, "titer")
    assert "gp -0.30, gbt -0.47, nn -0.83" in note
    assert "not meaningful" in note
    assert no_skill_note(pd.DataFrame({"r2": [0.0]}, index=["gp"]))  # 0 is the mean itself
    assert no_skill_note(pd.DataFrame({"r2": [0.05, -0.5]}, index=["gp", "nn"])) == ""


def test_cross_validate_warns_in_python_when_no_model_beats_the_mean(factors_path):
    from biochemml.bioprocess import cross_validate
    from biochemml.errors import CampaignWarning

    f, runs = Factors.from_file(factors_path), noise_runs()
    with pytest.warns(CampaignWarning, match="no model predicts titer better than its mean"):
        metrics, _ = cross_validate(runs[f.names], runs["titer"], kinds=("gp",), factors=f)
    assert metrics.loc["gp", "r2"] < 0


def test_effect_plots_span_the_measured_response(factors_path):
    from biochemml.bioprocess.plots import effects_plot

    f, runs = Factors.from_file(factors_path), noise_runs()
    model = ConditionModel("gp", factors=f, seed=0).fit(runs[f.names], runs["titer"])
    importance = feature_importance(model, runs[f.names], grid=5)
    fig = effects_plot(model, runs[f.names], importance, "titer")
    for ax in fig.axes[1:3]:  # the two partial-dependence panels
        lo, hi = ax.get_ylim()
        # the measured titers run from 2.34 to 3.82: a flat effect must look flat
        assert lo <= 2.34 and hi >= 3.82
    # the surface's colour levels are round numbers (0.5957 had been a tick), spanning the
    # measured titers too
    surface = next(ax for ax in fig.axes if ax.collections and hasattr(
        ax.collections[0], "levels") and len(getattr(ax.collections[0], "levels", [])) > 2)
    levels = np.asarray(surface.collections[0].levels)
    assert np.allclose(levels * 20, np.round(levels * 20)) or np.allclose(
        levels * 100, np.round(levels * 100))
    assert levels.min() <= 2.34 and levels.max() >= 3.82


def test_fit_conditions_says_the_ranking_of_a_model_of_noise_is_not_meaningful(
        tmp_path, factors_path, capsys):
    runs = write(noise_runs(), tmp_path)
    folder = tmp_path / "model"
    assert main(["fit-conditions", "--runs", str(runs), "--factors", str(factors_path),
                 "--response", "titer", "--kinds", "gp", "--out-dir", str(folder)]) == 0
    r2 = pd.read_csv(folder / "cv_metrics.csv").set_index("kind").loc["gp", "r2"]
    assert r2 < 0
    out, err = capsys.readouterr()
    assert err.count("no model predicts titer better than its mean") == 1  # not twice
    assert "top factors" not in out and "factor ranking not meaningful" in out
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Warning: no model predicts titer better than its mean" in report
    assert "not meaningful: no model predicts better than the mean" in report


def true_titer(t: pd.DataFrame) -> np.ndarray:
    """The reviewer's true mean titer (g/L): medium B adds 0.4."""
    return (3.0 - 0.06 * (t["temperature"] - 33) ** 2 - 8 * (t["pH"] - 7.0) ** 2
            + 0.25 * t["feed"] - 0.015 * t["feed"] ** 2 + 0.4 * np.log10(t["inducer"])
            + np.where(t["medium"] == "B", 0.4, 0.0)).to_numpy()


def clean_runs() -> pd.DataFrame:
    runs = noise_runs()
    runs["titer"] = np.round(true_titer(runs), 3)
    return runs


# ------------------------------------------------------------ 2. factors never varied
def test_unvaried_note_names_a_constant_factor_and_a_level_never_run(factors_path):
    from biochemml.bioprocess.runs import unvaried_note

    f, runs = Factors.from_file(factors_path), clean_runs()
    assert unvaried_note(runs[f.names], f) == ""
    runs["pH"], runs["medium"] = 7.0, "A"
    note = unvaried_note(runs[f.names], f, "recommend")
    assert note.startswith("the runs never vary pH (7 in every run, declared 6.7..7.3) and never "
                           "use level B of medium (levels A, B): they say nothing about their "
                           "effect")
    assert "fixed" in note
    # held at what was run, nothing is predicted away from it
    assert unvaried_note(runs[f.names], f, fixed={"pH": 7.0, "medium": "A"}) == ""
    assert "never vary pH" in unvaried_note(runs[f.names], f, fixed={"pH": 7.2, "medium": "A"})


def test_importance_of_a_factor_never_varied_is_not_presented_as_learned(factors_path):
    f, runs = Factors.from_file(factors_path), clean_runs()
    runs["pH"] = 7.0
    model = ConditionModel("gp", factors=f, seed=0).fit(runs[f.names], runs["titer"])
    importance = feature_importance(model, runs[f.names], grid=5)
    assert np.isnan(importance["pH"]) and importance.index[-1] == "pH"
    assert importance.drop("pH").sum() == pytest.approx(1.0)


def test_importance_of_a_categorical_factor_run_at_one_level_is_not_learned():
    from biochemml.bioprocess import Factor

    factors = Factors([Factor("T", "continuous", 25, 37),
                       Factor("medium", "categorical", levels=("A", "B", "C"))])
    X = pd.DataFrame({"T": np.linspace(25, 37, 8), "medium": "A"})
    model = ConditionModel("gp", factors=factors, seed=0).fit(X, np.sin(X["T"] / 3))
    importance = feature_importance(model, X, grid=5)
    # B and C were never run: the gap between A and them is the model's guess
    assert np.isnan(importance["medium"]) and importance["T"] == pytest.approx(1.0)


def test_recommend_notes_a_level_never_run(factors_path):
    f, runs = Factors.from_file(factors_path), clean_runs()
    runs["medium"] = "A"
    out = recommend(runs, f, "titer", batch=1, seed=0, num_restarts=2, raw_samples=32)
    assert out.attrs["unvaried"].startswith("the runs never use level B of medium (levels A, B)")
    out = recommend(clean_runs(), f, "titer", batch=1, seed=0, num_restarts=2, raw_samples=32)
    assert out.attrs["unvaried"] == ""


def test_recommend_command_reports_a_factor_never_varied(tmp_path, factors_path, capsys):
    runs = clean_runs()
    runs["pH"] = 7.0
    out = tmp_path / "next.csv"
    assert main(["recommend", "--runs", str(write(runs, tmp_path)), "--factors",
                 str(factors_path), "--response", "titer", "--batch", "1", "--out",
                 str(out)]) == 0
    assert "Note: the runs never vary pH (7 in every run" in capsys.readouterr().err
    assert "The runs never vary pH" in out.with_suffix(".html").read_text(encoding="utf-8")


def test_fit_conditions_reports_a_factor_never_varied(tmp_path, factors_path, capsys):
    runs = clean_runs()
    runs["pH"] = 7.0
    folder = tmp_path / "model"
    assert main(["fit-conditions", "--runs", str(write(runs, tmp_path)), "--factors",
                 str(factors_path), "--response", "titer", "--kinds", "gp", "--folds", "3",
                 "--out-dir", str(folder)]) == 0
    assert "Note: the runs never vary pH" in capsys.readouterr().err
    importance = pd.read_csv(folder / "importance.csv").set_index("factor")["importance"]
    assert np.isnan(importance["pH"])
    assert "The runs never vary pH" in (folder / "report.html").read_text(encoding="utf-8")


# ------------------------------------------------ 4. the reference point of two responses
def two_responses() -> pd.DataFrame:
    runs = clean_runs()  # titer as measured on the true function, lactate as the reviewer's
    return runs


def test_a_reference_point_no_run_beats_is_refused(factors_path):
    f = Factors.from_file(factors_path)
    with pytest.raises(InputError) as err:
        recommend(two_responses(), f, ["titer", "lactate"], maximize=[True, False],
                  reference=[4.5, 1.0], batch=1)
    text = str(err.value)
    assert text.startswith("no measured run beats the reference point (titer 4.5, lactate 1) "
                           "on every response: none has titer above 4.5 and lactate below 1")
    assert "not a target" in text and "leave the reference point out" in text


def test_the_reference_point_used_is_kept_and_reported(tmp_path, factors_path, capsys):
    f = Factors.from_file(factors_path)
    out = recommend(two_responses(), f, ["titer", "lactate"], maximize=[True, False],
                    reference=[2.0, 3.0], batch=1, num_restarts=2, raw_samples=32)
    assert out.attrs["reference"] == {"titer": 2.0, "lactate": 3.0}
    path = tmp_path / "next.csv"
    assert main(["recommend", "--runs", str(write(two_responses(), tmp_path)), "--factors",
                 str(factors_path), "--response", "titer", "--response", "lactate",
                 "--minimize", "lactate", "--batch", "1", "--out", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "Reference point of the hypervolume: titer " in shown and "derived from the runs" in shown
    assert "reference point" in path.with_suffix(".html").read_text(encoding="utf-8")


def test_near_identical_proposals_are_named(factors_path):
    from biochemml.bioprocess import check_runs
    from biochemml.bioprocess.recommend import repeat_note

    f = Factors.from_file(factors_path)
    checked = check_runs(two_responses(), f, ["titer", "lactate"])
    # the reviewer's batch with a reference point beyond every run: 1-4% apart in pH
    proposals = pd.DataFrame({"temperature": 30.0, "pH": [6.78242, 6.77658, 6.76466, 6.78745],
                              "feed": 0.0, "inducer": 1.0, "medium": "A"})
    note = repeat_note(proposals, checked, f)
    assert note.startswith("next02 nearly repeats next01; next03 nearly repeats next01; "
                           "next04 nearly repeats next01 (every factor within 5% of its range")
    proposals.loc[1, "medium"] = "B"  # another level: another condition
    proposals.loc[2:, "pH"] = [7.0, 7.3]
    assert repeat_note(proposals, checked, f) == ""


# ------------------------------------------------ 5. decimal commas in the factors YAML
def test_decimal_commas_in_a_flow_mapping_are_explained(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text("factors:\n  - {name: temperature, low: 30, high: 37}\n"
                    "  - {name: pH, low: 6,7, high: 7,3}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        Factors.from_file(path)
    assert str(err.value) == (
        f"file {path}: factor 'pH': unknown key(s) 3, 7: numbers written with a decimal "
        "comma? Inside {...} YAML reads 'low: 6,7' as low 6 and a further key 7; write "
        "numbers with a decimal point (low: 6.7, high: 7.3)")


def test_decimal_commas_in_block_form_are_explained(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text("factors:\n  - name: pH\n    low: 6,7\n    high: 7,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"needs numeric 'low' and 'high'; '6,7' is written "
                                         r"with a decimal comma: write 6\.7"):
        Factors.from_file(path)
    from biochemml.bioprocess import Factor

    with pytest.raises(InputError, match="'7,3' is written with a decimal comma: write 7.3"):
        Factor("pH", "continuous", 6.7, "7,3")


def test_doe_with_decimal_commas_ends_in_one_sentence(tmp_path, capsys):
    path = tmp_path / "factors.yaml"
    path.write_text("factors:\n  - {name: pH, low: 6,7, high: 7,3}\n", encoding="utf-8")
    assert main(["doe", "--factors", str(path), "--out", str(tmp_path / "d.csv")]) == 1
    assert "write numbers with a decimal point (low: 6.7, high: 7.3)" in capsys.readouterr().err


# ------------------------------------------------ 6. the columns of a bounds table
def test_a_bounds_table_refuses_a_column_it_does_not_use(tmp_path):
    path = tmp_path / "bounds.csv"
    path.write_text("Variable,Min,Max,Log\ntemperature,30,37,no\ninducer,0.01,1,yes\n")
    with pytest.raises(InputError) as err:
        Factors.from_file(path)
    assert str(err.value).startswith(f"file {path}: has a column 'Log' that a bounds table does "
                                     "not use; for a log-scale factor write log in a column Scale")
    assert str(err.value).endswith("its columns are Variable, Min, Max and optionally Scale "
                                   "(linear or log) and Unit")
    path.write_text("Variable,Min,Max,scale\ninducer,0.01,1,log\n")
    with pytest.raises(InputError, match=r"'scale' .* \(did you mean 'Scale'\?\)"):
        Factors.from_file(path)
    # the accepted columns, and an empty column left by a trailing comma
    path.write_text("Variable,Min,Max,Scale,Unit,\ninducer,0.01,1,log,mM,\nT,30,37,,°C,\n")
    f = Factors.from_file(path)
    assert f["inducer"].log and not f["T"].log


def test_a_bounds_table_row_with_levels_points_to_the_yaml(tmp_path):
    path = tmp_path / "bounds.csv"
    path.write_text("Variable,Min,Max\ntemperature,30,37\npH,6.7,7.3\nmedium,A,B\n")
    with pytest.raises(InputError) as err:
        Factors.from_file(path)
    assert str(err.value).startswith(
        f"file {path}, row 4: factor 'medium' has the levels A and B, not numeric bounds: a "
        "bounds table declares continuous factors only; declare the factors in a YAML file "
        "instead, this one as '- {name: medium, levels: [A, B]}' under 'factors:'")


# ------------------------------------- 3. what the intervals from few runs are worth, measured
def test_few_runs_interval_note_quotes_what_was_measured():
    from biochemml.bioprocess.evaluate import few_runs_interval_note

    text = few_runs_interval_note(12, 0)
    assert "held 78-84% of new runs at random conditions" in text and "42%" not in text
    text = few_runs_interval_note(12, 0, proposals=True)
    assert "chosen where the model is most optimistic, are covered less" in text
    assert "lay inside 31-42% of the proposals' 95% intervals of the mean (49-82% with the log" in text
    assert "70%" not in text


def test_log_response_hint_for_a_response_spanning_more_than_tenfold():
    from biochemml.bioprocess.evaluate import log_response_hint

    wide = pd.DataFrame({"titer": [120.0, 900.0, 2400.0], "lactate": [1.0, 2.0, 3.0]})
    assert log_response_hint(wide).startswith(
        "'titer' spans 20-fold (120 to 2.4e+03): model its log (--log-response, or "
        "log_response=True in Python)")
    assert log_response_hint(wide, log_response=True) == ""
    assert log_response_hint(wide[["lactate"]]) == ""  # 3-fold
    assert log_response_hint(pd.DataFrame({"titer": [0.0, 5.0, 300.0]})) == ""  # no log of 0


def test_recommend_suggests_the_log_scale_for_a_wide_response(factors_path):
    f, runs = Factors.from_file(factors_path), clean_runs()
    runs["titer"] = np.exp(2 * runs["titer"])  # 6.8 to 2150: about 300-fold
    out = recommend(runs, f, "titer", batch=1, seed=0, num_restarts=2, raw_samples=32)
    assert "most optimistic" in out.attrs["intervals"]
    assert "model its log (--log-response" in out.attrs["intervals"]
    out = recommend(runs, f, "titer", batch=1, seed=0, num_restarts=2, raw_samples=32,
                    log_response=True)
    assert "most optimistic" in out.attrs["intervals"] and "--log-response" not in out.attrs["intervals"]


# --------------------------------- 8. errors of the Python API: decimal commas, index labels
SEMICOLON = """\
Run ID;temperature;pH;feed;inducer;medium;Titer (g/L)
R01;31,78;7,18;7,73;0,0205;B;3,45
R02;36,62;6,85;0,98;0,132;B;2,43
R03;34,75;7,00;3,41;0,151;B;3,61
"""


def test_fit_names_a_decimal_comma_response_with_its_index_label(factors_path):
    f = Factors.from_file(factors_path)
    runs = pd.read_csv(io.StringIO(SEMICOLON), sep=";")  # no decimal=","
    runs["Titer (g/L)"] = runs["Titer (g/L)"].astype(object)
    X = pd.DataFrame({"temperature": [31.78, 36.62, 34.75], "pH": [7.18, 6.85, 7.0],
                      "feed": [7.73, 0.98, 3.41], "inducer": [0.0205, 0.132, 0.151],
                      "medium": "B"}, index=["v1", "v2", "v3"])
    y = runs["Titer (g/L)"].set_axis(X.index)
    with pytest.raises(InputError) as err:
        ConditionModel("gp", factors=f).fit(X, y)
    assert type(err.value) is InputError  # a public class in tracebacks
    assert str(err.value) == (
        "row with index 'v1', column 'Titer (g/L)': the value is '3,45', not a number (for a "
        "decimal comma, write 3.45); a file written with decimal commas reads with "
        "pandas.read_csv(path, sep=';', decimal=',')")
    with pytest.raises(InputError, match=r"^y, position 1: the value is '2,43', not a number"):
        ConditionModel("gp", factors=f).fit(X, [3.45, "2,43", 3.61])


def test_a_table_cell_error_names_the_index_label_and_a_public_class(factors_path):
    f = Factors.from_file(factors_path)
    runs = pd.read_csv(io.StringIO(SEMICOLON), sep=";")
    with pytest.raises(InputError) as err:
        ConditionModel("gp", factors=f).fit(runs[f.names], [3.45, 2.43, 3.61])
    assert type(err.value) is InputError
    assert str(err.value).startswith("row with index 0, column 'temperature': the value is "
                                     "'31,78', not a number (for a decimal comma, write 31.78); "
                                     "a file written with decimal commas reads with")
    table = runs[f.names].set_axis(["v1", "v2", "v3"])
    with pytest.raises(InputError, match=r"^row with index 'v1', column 'temperature'"):
        f.check_table(table)


def test_a_repeated_run_id_in_a_dataframe_is_named_by_index(factors_path):
    from biochemml.bioprocess import check_runs

    runs = clean_runs().iloc[:4].copy()
    runs.loc[3, "run"] = "run02"
    with pytest.raises(InputError) as err:
        check_runs(runs, Factors.from_file(factors_path), "titer", id_column="run")
    assert str(err.value).startswith("row with index 3, column 'run': run id 'run02' repeats "
                                     "the id of the row with index 1")


# --------------------------------------------- 9. the Pareto front of condition means
def test_pareto_plot_draws_replicates_as_their_condition_mean():
    from biochemml.bioprocess.plots import pareto_plot

    conditions = pd.DataFrame({"T": [30.0, 37.0, 33.5, 33.5], "pH": [6.8, 7.2, 7.0, 7.0]})
    # C2 (3.44, 2.41) and C3 (3.29, 2.38): one condition, neither replicate beats the other
    observed = pd.DataFrame({"titer": [2.0, 4.0, 3.44, 3.29], "lactate": [1.0, 3.5, 2.41, 2.38]})
    proposals = pd.DataFrame({"predicted_mean_titer": [3.8], "predicted_std_titer": [0.2],
                              "predicted_mean_lactate": [2.0], "predicted_std_lactate": [0.1]})
    fig = pareto_plot(observed, proposals, ["titer", "lactate"], [True, False],
                      conditions=conditions)
    ax = fig.axes[0]
    front = ax.collections[1].get_offsets()  # the Pareto-optimal points, in black
    assert len(front) == 3
    assert [3.365, 2.395] in np.round(np.asarray(front), 3).tolist()
    assert "measured conditions (means)" in [t.get_text() for t in
                                                           fig.legends[0].get_texts()]


# ------------------------------------------------ 10. the kernel the docstring names
def test_models_docstring_names_the_kernel_the_gp_uses():
    from gpytorch.kernels import RBFKernel

    from biochemml.bioprocess import models

    X = pd.DataFrame({"T": np.linspace(25, 37, 6)})
    model = ConditionModel("gp", seed=0).fit(X, np.sin(X["T"] / 3))
    assert isinstance(model.gp_.covar_module, RBFKernel)
    assert "RBF" in models.__doc__ and "Matern" not in models.__doc__


# ------------------------------------------------------------------ 11. cosmetic
def test_doe_warns_of_too_few_runs_and_counts_in_the_singular(tmp_path, factors_path, capsys):
    out = tmp_path / "design.csv"
    assert main(["doe", "--factors", str(factors_path), "--n", "1", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Warning: the design has only 1 run for 5 varied factors" in captured.err
    assert "at least 6 runs" in captured.err
    assert f"Wrote 1 run x 5 factors to {out}" in captured.out
    assert main(["doe", "--factors", str(factors_path), "--n", "6", "--out", str(out)]) == 0
    assert "Warning" not in capsys.readouterr().err


def test_doe_help_shows_the_defaults_of_levels_and_center(capsys):
    assert main(["doe", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "full factorial (default 2)." in text.replace("│ ", "").replace(" │", "")
    assert "factorial ." not in text


def test_recommend_warns_of_a_batch_larger_than_the_runs(tmp_path, factors_path, capsys):
    from biochemml.bioprocess.runs import batch_notice

    assert batch_notice(14, 14) == ""
    assert batch_notice(40, 14).startswith("a batch of 40 from 14 measured runs")
    runs = write(clean_runs().iloc[:6], tmp_path)
    assert main(["recommend", "--runs", str(runs), "--factors", str(factors_path), "--response",
                 "titer", "--batch", "7", "--out", str(tmp_path / "next.csv")]) == 0
    assert "Warning: a batch of 7 from 6 measured runs" in capsys.readouterr().err


def test_minimize_names_the_response_meant(tmp_path, factors_path, capsys):
    runs = write(clean_runs(), tmp_path)
    assert main(["recommend", "--runs", str(runs), "--factors", str(factors_path), "--response",
                 "titer", "--response", "lactate", "--minimize", "Lactate"]) == 1
    assert ("--minimize 'Lactate' is not one of the --response columns (did you mean "
            "'lactate'?); they are: titer, lactate") in capsys.readouterr().err


def test_the_response_surface_colours_span_the_measured_response(factors_path):
    from biochemml.bioprocess.plots import effects_plot

    f, runs = Factors.from_file(factors_path), noise_runs()
    model = ConditionModel("gp", factors=f, seed=0).fit(runs[f.names], runs["titer"])
    importance = feature_importance(model, runs[f.names], grid=5)
    fig = effects_plot(model, runs[f.names], importance, "titer")
    colorbar = fig.axes[-1]  # the surface's colour bar
    lo, hi = sorted(colorbar.get_ylim())
    assert lo <= 2.34 + 1e-9 and hi >= 3.82 - 1e-9


def test_a_level_never_run_is_labelled_on_its_effect_bar(tmp_path):
    from biochemml.bioprocess.plots import effects_plot

    path = tmp_path / "f.yaml"
    path.write_text("factors:\n  - {name: T, low: 30, high: 37}\n"
                    "  - {name: medium, levels: [A, B, C]}\n", encoding="utf-8")
    f = Factors.from_file(path)
    runs = pd.DataFrame({"T": np.linspace(30, 37, 12), "medium": ["A", "B"] * 6})
    titer = 1.0 + 3.0 * (runs["medium"] == "B") + 0.01 * runs["T"]
    model = ConditionModel("gp", factors=f, seed=0).fit(runs, titer)
    importance = feature_importance(model, runs, grid=5)
    assert importance.index[0] == "medium"
    fig = effects_plot(model, runs, importance, "titer")
    labels = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert labels == ["A", "B", "C\n(never run)"]


def test_a_numeric_level_run_as_1_0_is_not_called_never_run(tmp_path):
    from biochemml.bioprocess.plots import effects_plot

    path = tmp_path / "f.yaml"  # levels 1 and 1.0 are one level, as the README says
    path.write_text("factors:\n  - {name: T, low: 30, high: 37}\n"
                    "  - {name: dose, levels: [0.1, 1, 10]}\n", encoding="utf-8")
    f = Factors.from_file(path)
    runs = pd.DataFrame({"T": np.linspace(30, 37, 12), "dose": [0.1, 1.0] * 6})
    model = ConditionModel("gp", factors=f, seed=0).fit(runs, 1.0 + 3.0 * (runs["dose"] == 1.0))
    fig = effects_plot(model, runs, feature_importance(model, runs, grid=5), "titer")
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["0.1", "1", "10\n(never run)"]


def test_fit_conditions_says_which_model_recommend_proposes_with():
    from biochemml.cli.bioprocess import _recommend_model_note

    metrics = pd.DataFrame({"kind": ["gp", "gbt"], "r2": [0.61, 0.70],
                            "coverage": [0.85, 0.48]})
    assert _recommend_model_note(metrics, "gbt") == (
        "recommend proposes runs with the Gaussian process (gp), not with gbt: the gp's "
        "cross-validated R² here is 0.61 and its 95% intervals held 85% of the runs")
    assert _recommend_model_note(metrics, "gp") == ""
    assert "was not compared here" in _recommend_model_note(metrics.iloc[1:], "gbt")
    assert _recommend_model_note(metrics.drop(columns="r2"), "gbt").endswith(
        "not with gbt: the gp's 95% intervals held 85% of the runs")
