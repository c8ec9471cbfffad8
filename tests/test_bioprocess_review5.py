"""Defects found in a fifth review of the bioprocess workflow (a bioprocess scientist's
campaign of 40 E. coli fed-batch runs over 5 cycles, titers spanning more than 10-fold,
the flaviolin replay). Each test fails before its fix."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import ConditionModel, Factors, cross_validate, recommend, replay
from biochemml.bioprocess.factors import parse_constraint
from biochemml.cli import main

FACTORS_YAML = """\
factors:
  - {name: temperature, low: 25, high: 37}
  - {name: feed, low: 0, high: 10}
"""


@pytest.fixture
def factors_path(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text(FACTORS_YAML, encoding="utf-8")
    return path


def wide_runs(n: int = 16, seed: int = 0) -> pd.DataFrame:
    """``n`` runs over two cycles whose titer spans about 30-fold, noise growing with it."""
    rng = np.random.default_rng(seed)
    t, feed = rng.uniform(25, 37, n), rng.uniform(0, 10, n)
    mu = np.log(5) + 3.4 * np.exp(-((t - 32) / 4) ** 2 - ((feed - 7) / 5) ** 2)
    titer = np.exp(mu + rng.normal(0, 0.15, n))
    return pd.DataFrame({"run": [f"R{i + 1:02d}" for i in range(n)], "temperature": t.round(2),
                         "feed": feed.round(2), "titer": titer.round(2),
                         "cycle": [1] * (n // 2) + [2] * (n - n // 2)})


def factors() -> Factors:
    from biochemml.bioprocess.factors import Factor

    return Factors([Factor("temperature", "continuous", 25, 37),
                    Factor("feed", "continuous", 0, 10)])


# 1. log_response in cross_validate, replay, fit-conditions and replay ----------------------

def test_cross_validate_models_the_log_response_as_recommend_does():
    runs = wide_runs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metrics, preds = cross_validate(runs[["temperature", "feed"]], runs["titer"],
                                        kinds=("gp",), factors=factors(), folds=4,
                                        log_response=True)
        _, plain = cross_validate(runs[["temperature", "feed"]], runs["titer"], kinds=("gp",),
                                  factors=factors(), folds=4)
    assert (preds["lower_95"] > 0).all()
    assert not np.allclose(preds["mean"], plain["mean"])
    # the interval is the log-normal's, not mean -+ 1.96 std
    assert not np.allclose(preds["upper_95"] - preds["mean"], preds["mean"] - preds["lower_95"])
    inside = (preds["observed"] >= preds["lower_95"]) & (preds["observed"] <= preds["upper_95"])
    assert metrics.loc["gp", "coverage"] == pytest.approx(inside.mean())


def test_log_response_for_tree_and_net_ensembles_is_log_normal():
    runs = wide_runs()
    X = runs[["temperature", "feed"]]
    for kind in ("gbt", "nn"):
        m = ConditionModel(kind, factors=factors(), n_members=4, log_response=True).fit(
            X, runs["titer"])
        lower, upper = m.predict_interval(X)
        assert (lower > 0).all() and (upper > lower).all()


def test_cross_validate_log_response_refuses_a_value_at_or_below_zero():
    from biochemml.errors import InputError

    runs = wide_runs()
    runs.loc[3, "titer"] = 0.0
    with pytest.raises(InputError, match="position 3"):
        cross_validate(runs[["temperature", "feed"]], runs["titer"], kinds=("gp",),
                       factors=factors(), folds=4, log_response=True)


def test_replay_models_the_log_response():
    runs = wide_runs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary, preds = replay(runs, factors(), "titer", log_response=True)
        _, plain = replay(runs, factors(), "titer")
    assert (preds["lower_95"] > 0).all()
    assert not np.allclose(preds["mean"], plain["mean"])


def test_fit_conditions_and_replay_commands_take_log_response(tmp_path, factors_path):
    path = tmp_path / "runs.csv"
    wide_runs().to_csv(path, index=False)
    assert main(["--quiet", "fit-conditions", "--runs", str(path), "--factors",
                 str(factors_path), "--response", "titer", "--kinds", "gp", "--folds", "4",
                 "--log-response", "--out-dir", str(tmp_path / "fit")]) == 0
    preds = pd.read_csv(tmp_path / "fit" / "cv_predictions.csv")
    assert (preds["lower_95"] > 0).all()
    assert "logarithm of the response" in (tmp_path / "fit" / "report.html").read_text()
    assert main(["--quiet", "replay", "--runs", str(path), "--factors", str(factors_path),
                 "--response", "titer", "--log-response", "--out",
                 str(tmp_path / "replay.csv")]) == 0


# 2. intervals of a response never below 0 stop at 0 ------------------------------------------

def low_runs(n: int = 14, seed: int = 1) -> pd.DataFrame:
    """A titer near 0 with a large scatter: normal intervals reach well below 0."""
    runs = wide_runs(n, seed)
    runs["titer"] = np.random.default_rng(seed).exponential(3, n).round(2)
    return runs


def test_recommend_intervals_of_a_titer_stop_at_zero():
    runs = wide_runs(6, 0)  # six first runs, titers of a few mg/L: wide intervals
    runs["titer"] = np.round(np.random.default_rng(0).exponential(3, 6), 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = recommend(runs, factors(), "titer", batch=3, seed=0, num_restarts=2,
                        raw_samples=32)
    normal = out["predicted_mean"] - 1.959964 * out["predicted_std"]
    assert (normal < 0).any()  # without the floor these would be the lower ends
    assert (out["lower_95"] >= 0).all()
    assert (out["lower_95"][normal < 0] == 0).all()


def test_cross_validated_and_replayed_intervals_of_a_titer_stop_at_zero():
    runs = low_runs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, preds = cross_validate(runs[["temperature", "feed"]], runs["titer"], kinds=("gp",),
                                  factors=factors(), folds=4)
        _, rp = replay(runs, factors(), "titer")
    assert ((preds["mean"] - 1.959964 * preds["std"]) < 0).any()
    assert (preds["lower_95"] >= 0).all() and (rp["lower_95"] >= 0).all()
    m = ConditionModel("gp", factors=factors()).fit(runs[["temperature", "feed"]], runs["titer"])
    assert (m.predict_interval(runs[["temperature", "feed"]], observation_noise=True)[0] >= 0).all()


def test_parity_axes_of_a_titer_do_not_reach_far_below_zero():
    from biochemml.bioprocess.plots import parity_plot

    preds = pd.DataFrame({"kind": "gp", "observed": [0.0, 5.0, 40.0, 100.0],
                          "mean": [10.0, 8.0, 45.0, 90.0], "std": [40.0, 30.0, 20.0, 25.0]})
    fig = parity_plot(preds, "titer")
    low = fig.axes[0].get_ylim()[0]
    assert low > -0.1 * 150  # the bars alone would reach -68


# 3. a text column that is likely a factor is named when ignored ------------------------------

def test_an_undeclared_categorical_text_column_is_named_but_not_a_run_name_column():
    from biochemml.bioprocess.runs import check_runs

    runs = wide_runs()
    runs["medium"] = ["LB", "TB", "defined", "LB"] * 4
    checked = check_runs(runs, factors(), "titer", used=["cycle"])
    note = checked.ignored_notice()
    assert "medium (LB, TB, defined)" in note and "declare it" in note
    assert "'run'" not in note and "run (" not in note  # R01, R02, ...: unique, an id
    assert checked.ignored_text == {"medium": ["LB", "TB", "defined"]}
    # labels of runs are no factor left out, even where they repeat: a run id entered
    # twice, the well of replicates, who ran it
    runs["run"] = ["R01", "R01"] + [f"R{i:02d}" for i in range(3, 17)]
    runs["well"] = ["A1", "A1", "B2", "B2"] * 4
    runs["operator"] = ["Kim", "Lee"] * 8
    assert set(check_runs(runs, factors(), "titer", used=["cycle"]).ignored_text) == {"medium"}
    runs["Strain ID"] = ["BL21", "K12"] * 8  # an id of few repeated values is a factor
    runs["round"] = ["R1", "R2"] * 8  # the campaign's cycles are not
    assert set(check_runs(runs, factors(), "titer").ignored_text) == {"medium", "Strain ID"}


def test_fit_conditions_command_names_an_ignored_text_column(tmp_path, factors_path, capsys):
    runs = wide_runs(8)
    runs["medium"] = ["LB", "TB"] * 4
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    assert main(["fit-conditions", "--runs", str(path), "--factors", str(factors_path),
                 "--response", "titer", "--kinds", "gp", "--folds", "3", "--out-dir",
                 str(tmp_path / "fit")]) == 0
    assert "medium (LB, TB)" in capsys.readouterr().err


# 4. the no-gain note blames fixed values and constraints only when they exclude the best run --

def test_no_gain_note_does_not_blame_constraints_the_best_run_meets():
    from biochemml.bioprocess.recommend import no_gain_note
    from biochemml.bioprocess.runs import check_runs

    f = factors().with_constraints(["temperature + feed <= 60"])  # every run meets it
    checked = check_runs(wide_runs(), f, "titer")
    best = checked.responses["titer"].max()
    proposals = pd.DataFrame({"temperature": [30.0], "feed": [5.0],
                              "predicted_mean": [best / 2], "upper_95": [best * 0.8],
                              "lower_95": [best * 0.2]})
    note = no_gain_note(proposals, checked, "titer", True, f)
    assert note and "may be the limit" not in note and "are the limit" not in note
    assert "constraints (which the best run meets)" in note
    # a constraint the best run breaks is named as the limit
    row = checked.conditions.iloc[int(checked.responses["titer"].idxmax())]
    tight = factors().with_constraints([f"feed <= {float(row['feed']) - 0.5}"])
    assert "are the limit" in no_gain_note(proposals, checked, "titer", True, tight)


def test_a_negative_titer_among_positive_ones_is_named_by_row(tmp_path, factors_path, capsys):
    from biochemml.bioprocess.runs import check_runs

    runs = wide_runs()
    runs.loc[3, "titer"] = -5.0
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    note = check_runs(path, factors(), "titer").negative_notice()
    assert "'titer' is below 0 in row 5 (-5)" in note
    assert check_runs(wide_runs(), factors(), "titer").negative_notice() == ""
    assert main(["replay", "--runs", str(path), "--factors", str(factors_path), "--response",
                 "titer", "--kind", "gbt", "--out", str(tmp_path / "replay.csv")]) == 0
    assert "below 0 in row 5" in capsys.readouterr().err


# 5. a run entered twice (same run ID, same values) is named --------------------------------

def test_a_run_entered_twice_is_named_without_id_column(tmp_path, factors_path, capsys):
    from biochemml.bioprocess.runs import check_runs

    runs = wide_runs(10)
    runs = pd.concat([runs, runs.iloc[[2]]], ignore_index=True)  # R03 pasted again at the end
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    note = check_runs(path, factors(), "titer").duplicate_notice()
    assert note.startswith("rows 4 and 12 (run 'R03') are identical in every column")
    # true replicates under their own ids are not named
    runs.loc[10, "run"] = "R11"
    assert check_runs(runs, factors(), "titer").duplicate_notice() == ""
    assert main(["recommend", "--runs", str(path), "--factors", str(factors_path),
                 "--response", "titer", "--batch", "1", "--out", str(tmp_path / "n.csv")]) == 0
    assert "rows 4 and 12 (run 'R03') are identical" in capsys.readouterr().err


# 6. replay judges calibration, names empty cycles and levels first seen in a cycle ----------

def test_replay_gives_the_coverage_verdict_fit_conditions_gives():
    runs = wide_runs(42)
    runs["cycle"] = [1] * 12 + [2] * 30
    runs.loc[12:, "titer"] += 60.0  # the second cycle's titers jump: intervals miss them
    with pytest.warns(Warning, match="cycle 2, predicted from the cycles before it"):
        summary, _ = replay(runs, factors(), "titer")
    assert summary.attrs["calibration"].startswith("the gp model's 95% prediction intervals ")
    assert "of the 30 runs of cycle 2, predicted from the cycles before it, not 95%" in \
        summary.attrs["calibration"]
    assert "too narrow" in summary.attrs["calibration"]


def test_replay_names_a_cycle_without_any_measured_response(tmp_path):
    runs = wide_runs(18)
    runs["cycle"] = [1] * 8 + [2] * 6 + [3] * 4
    runs.loc[14:, "titer"] = np.nan  # cycle 3 failed
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary, _ = replay(path, factors(), "titer")
    assert summary["cycle"].tolist() == [2]
    assert summary.attrs["cycles"].startswith("cycle 3 (rows 16, 17, 18, 19) has no measured "
                                              "'titer' in any run")


def test_replay_notes_a_level_first_run_in_a_later_cycle():
    from biochemml.bioprocess.factors import Factor

    f = Factors(factors().factors + [Factor("medium", "categorical", levels=("LB", "TB"))])
    runs = wide_runs(16)
    runs["medium"] = ["LB"] * 8 + ["LB", "TB"] * 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary, _ = replay(runs, f, "titer")
    assert summary.attrs["cycles"].startswith("cycle 2 is predicted for level TB of medium, "
                                              "never run in the cycles before it")


# 7. the report of recommend --log-response says the model was on the log scale --------------

def test_recommend_report_says_the_model_was_on_the_log_scale(tmp_path, factors_path):
    path = tmp_path / "runs.csv"
    wide_runs(8).to_csv(path, index=False)
    args = ["--quiet", "recommend", "--runs", str(path), "--factors", str(factors_path),
            "--response", "titer", "--batch", "1"]
    assert main(args + ["--log-response", "--out", str(tmp_path / "log.csv")]) == 0
    html = (tmp_path / "log.html").read_text()
    assert "fitted to the logarithm of its response" in html
    assert "predicted_mean and predicted_std are the mean and standard deviation" in html
    assert main(args + ["--out", str(tmp_path / "plain.csv")]) == 0
    assert "logarithm" not in (tmp_path / "plain.html").read_text()


# 8. figures: proposal labels apart, no tick label cut off ------------------------------------

def _drawn(fig):
    """Draw ``fig`` as it is saved; return the renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from biochemml.plot._base import DPI, style

    with style():
        fig.set_dpi(DPI)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return canvas.get_renderer()


def test_pareto_plot_labels_of_close_proposals_do_not_overlap():
    from biochemml.bioprocess.plots import pareto_plot

    rng = np.random.default_rng(0)
    observed = pd.DataFrame({"titer": rng.uniform(0, 480, 30),
                             "acetate": rng.uniform(0.3, 2.1, 30)})
    proposals = pd.DataFrame({"predicted_mean_titer": [318.0, 120.0, 99.0],  # as reviewed
                              "predicted_mean_acetate": [0.76, 0.53, 0.40],
                              "predicted_std_titer": 40.0, "predicted_std_acetate": 0.06})
    fig = pareto_plot(observed, proposals, ["titer", "acetate"], [True, False])
    renderer = _drawn(fig)
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_text().startswith("next")]
    assert len(boxes) == 3
    for i in range(3):
        for j in range(i + 1, 3):
            assert not boxes[i].overlaps(boxes[j])


def test_parity_plot_tick_labels_stay_inside_the_figure():
    from biochemml.bioprocess.plots import parity_plot

    # predictions that once put a tick at 500 on the right panel's edge, its label cut in half
    obs = np.r_[np.linspace(10, 150, 12), 476.0]
    mean = obs * 0.5 + 60
    mean[0] = -80
    preds = pd.DataFrame({"cycle": ["C2"] * 6 + ["C3"] * 7, "observed": obs, "mean": mean,
                          "std": np.full(13, 10.0)})
    fig = parity_plot(preds, "titer (mg/L)")
    renderer = _drawn(fig)
    width = fig.bbox.width
    for ax in fig.axes:
        low, high = sorted(ax.get_xlim())
        for label, tick in zip(ax.get_xticklabels(), ax.get_xticks()):
            if low <= tick <= high and label.get_text():
                box = label.get_window_extent(renderer)
                assert -0.5 <= box.x0 and box.x1 <= width + 0.5, label.get_text()


# 9. a batch never proposes the same run twice ------------------------------------------------

def test_coinciding_proposals_are_dropped_and_named():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = recommend(wide_runs(10), factors(), "titer", batch=3, seed=0,
                        fixed={"temperature": 30}, constraints=["feed <= 0.005"],
                        num_restarts=2, raw_samples=32)
    unit = factors().to_unit(out[["temperature", "feed"]])
    assert 1 <= len(out) < 3
    for i in range(len(unit)):
        for j in range(i + 1, len(unit)):
            assert np.abs(unit[i] - unit[j]).max() > 1e-3
    assert "the optimiser proposed the same run more than once" in out.attrs["repeats"]
    assert f"{len(out)} distinct run" in out.attrs["repeats"]


# 10. integer factors ---------------------------------------------------------------------

def test_an_integer_factor_is_declared_in_yaml_and_checked(tmp_path):
    from biochemml.errors import InputError

    path = tmp_path / "f.yaml"
    path.write_text("factors:\n  - {name: temperature, low: 25, high: 37}\n"
                    "  - {name: feeds per day, low: 1, high: 6, integer: true}\n")
    feeds = Factors.from_file(path)["feeds per day"]
    assert feeds.integer and (feeds.low, feeds.high) == (1.0, 6.0)
    assert not Factors.from_file(path)["temperature"].integer
    for entry, message in [
            ("{name: feeds, low: 0.5, high: 6, integer: true}", "needs whole-number bounds, "
                                                                 "got low 0.5 and high 6"),
            ("{name: feeds, low: 1, high: 6, integer: maybe}", "'integer' must be true or false"),
            ("{name: feeds, levels: [1, 2], integer: true}", "only a continuous factor"),
            ("{name: feeds, low: 1, high: 6, discrete: true}", "write integer: true")]:
        path.write_text(f"factors:\n  - {entry}\n")
        with pytest.raises(InputError, match=re.escape(message)):
            Factors.from_file(path)


def integer_factors(constraints=()):
    from biochemml.bioprocess.factors import Factor

    return Factors([Factor("temperature", "continuous", 25, 37),
                    Factor("feeds per day", "continuous", 1, 6, integer=True)],
                   [parse_constraint(c, ["temperature", "feeds per day"]) for c in constraints])


def test_rounding_keeps_whole_numbers_inside_the_constraints():
    table = pd.DataFrame({"temperature": [36.0, 30.0, 25.0], "feeds per day": [4.6, 2.5, 6.0]})
    plain = integer_factors().rounded(table)
    assert plain["feeds per day"].tolist() == [5.0, 2.0, 6.0]   # nearest (half to even)
    # 5 feeds at 36 °C break the constraint (8.6 > 8.2): the whole number below meets it
    held = integer_factors(["feeds per day + 0.1*temperature <= 8.2"]).rounded(table)
    # the last row breaks it as given (6 + 2.5): no whole number nearby meets it, kept as is
    assert held["feeds per day"].tolist() == [4.0, 2.0, 6.0]
    odd = integer_factors(["feeds per day + 0.1*temperature <= 8.2"]).rounded(
        pd.DataFrame({"temperature": [26.0], "feeds per day": [5.7]}))
    assert odd["feeds per day"].tolist() == [5.0]               # 6 + 2.6 > 8.2; 5 + 2.6 fits
    assert all(t["feeds per day"].dtype.kind == "i" for t in (plain, held, odd))
    # a row kept as given off a whole number (no whole number nearby meets the
    # constraint) keeps the column in decimals rather than hide the value
    kept = integer_factors(["feeds per day + 0.1*temperature <= 8.2"]).rounded(
        pd.DataFrame({"temperature": [37.0], "feeds per day": [5.9]}))
    assert kept["feeds per day"].tolist() == [5.9] and kept["feeds per day"].dtype.kind == "f"


def test_recommend_proposes_distinct_whole_numbers():
    runs = wide_runs(12).rename(columns={"feed": "feeds per day"})
    runs["feeds per day"] = (1 + runs["feeds per day"] / 2).round()
    factors_ = integer_factors()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = recommend(runs, factors_, "titer", batch=4, seed=0, num_restarts=2,
                        raw_samples=32)
        model = ConditionModel("gp", factors=factors_, seed=0).fit(
            runs[["temperature", "feeds per day"]], runs["titer"])
    assert len(out) == 4 and (out["feeds per day"] % 1 == 0).all()
    assert out["feeds per day"].between(1, 6).all()
    assert not out.duplicated(["temperature", "feeds per day"]).any()
    # the intervals are those of the runs as proposed, rounded
    np.testing.assert_allclose(out["predicted_mean"],
                               model.predict(out[["temperature", "feeds per day"]]), rtol=1e-6)


def test_a_batch_over_one_integer_factor_is_not_rounded_into_copies():
    """Optimised as numbers and rounded afterwards, a batch of 4 over 1-20 pulses gave
    13, 12, 13, 12: two runs, the copies dropped."""
    from biochemml.bioprocess.factors import Factor

    pulses = Factors([Factor("pulses", "continuous", 1, 20, integer=True)])
    x = np.array([1, 4, 8, 12, 16, 20, 10, 14])
    y = 10 - 0.1 * (x - 13) ** 2 + np.random.default_rng(0).normal(0, 0.3, len(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = recommend(pd.DataFrame({"pulses": x, "titer": y}), pulses, "titer", batch=4,
                        seed=0, num_restarts=2, raw_samples=32)
    assert sorted(out["pulses"]) == [11.0, 12.0, 13.0, 14.0]
    assert "copy" not in out.attrs["repeats"]
    assert out["acquisition"].iloc[0] == out["acquisition"].max()
    from biochemml.errors import InputError

    with pytest.raises(InputError, match="fixed value 2.5 of factor 'pulses' is not a whole"):
        recommend(pd.DataFrame({"pulses": x, "titer": y}), pulses, "titer", fixed={"pulses": 2.5})


def test_a_design_of_an_integer_factor_holds_whole_numbers():
    from biochemml.bioprocess import design

    for method in ("lhs", "ccd"):
        table = design(integer_factors(), 12, method=method, seed=0)
        assert (table["feeds per day"] % 1 == 0).all() and table["feeds per day"].between(1, 6).all()
        assert table["feeds per day"].nunique() >= 3
        # whole numbers are written as 4, not 4.0, in the design table a user opens
        assert table["feeds per day"].dtype.kind == "i"
        written = table.to_csv(index=False).splitlines()[1].split(",")
        assert written[list(table.columns).index("feeds per day")].isdigit()


def test_python_recommend_warns_of_runs_entered_twice_and_negative_titers(tmp_path):
    import warnings

    from biochemml.bioprocess import recommend
    from biochemml.errors import CampaignWarning

    runs = wide_runs(10)
    runs = pd.concat([runs, runs.iloc[[2]]], ignore_index=True)
    runs.loc[4, "titer"] = -5.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = recommend(runs, factors(), "titer", batch=1, seed=0)
    said = " ".join(str(w.message) for w in caught if w.category is CampaignWarning)
    assert "is below 0" in said and "identical in every column" in said
    assert "identical in every column" in out.attrs["runs"]


def test_dropped_copies_are_named_as_the_table_names_the_kept_runs():
    from biochemml.bioprocess.recommend import _distinct

    unit = np.array([[0.1, 0.1], [0.9, 0.9], [0.1, 0.1], [0.5, 0.5], [0.9, 0.9]])
    keep, note = _distinct(unit)
    assert keep.tolist() == [True, True, False, True, False]
    assert "(a copy of next01, a copy of next02," in note and "3 distinct runs" in note


def test_a_log_response_model_is_judged_on_the_log_scale():
    from biochemml.bioprocess.evaluate import interval_metrics, no_skill_note

    rng = np.random.default_rng(0)
    truth = np.exp(rng.normal(0, 1.5, 60))  # titers spanning orders of magnitude
    observed = truth * np.exp(rng.normal(0, 0.2, 60))
    mean = truth * 3.0  # right order everywhere, badly off in raw units at the top
    std = 0.2 * mean
    m = interval_metrics(observed, mean, std, log=True)
    sigma2 = np.log1p(0.04)
    expected = 1 - np.sum((np.log(observed) - (np.log(mean) - sigma2 / 2)) ** 2) / np.sum(
        (np.log(observed) - np.log(observed).mean()) ** 2)
    assert m["r2"] < 0 < m["r2_log"] and m["r2_log"] == pytest.approx(expected)
    table = pd.DataFrame([m], index=["gp"])
    assert no_skill_note(table, "titer") == ""  # skilled where it was fitted
    table["r2_log"] = -0.2
    assert "cross-validated R² of its log, as modelled, is gp -0.20" in no_skill_note(table)


def test_log_response_refuses_a_negative_titer_with_no_note_before(tmp_path, factors_path,
                                                                   capsys):
    runs = wide_runs()
    runs.loc[3, "titer"] = -5.0
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    for command in (["fit-conditions", "--out-dir", str(tmp_path / "fit")],
                    ["replay", "--out", str(tmp_path / "replay.csv")]):
        assert main([command[0], "--runs", str(path), "--factors", str(factors_path),
                     "--response", "titer", "--log-response", *command[1:]]) == 1
        err = " ".join(capsys.readouterr().err.split())
        assert err.startswith("Error:") and "row 5" in err and "below 0" not in err
