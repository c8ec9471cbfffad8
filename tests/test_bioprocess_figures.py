"""Bioprocess figures as slide material: the shared style (fonts of at least 11 pt, saved at
the shared DPI), a title on every figure, a grid instead of one long row, proposals at
distinct labelled positions in their own panel, and the Pareto front named in the figure
and in the report's caption."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import ConditionModel, Factor, Factors, feature_importance
from biochemml.bioprocess.plots import (effects_plot, parity_plot, pareto_plot,
                                        recommendation_plot)
from biochemml.cli import main
from biochemml.plot._base import DPI

MIN_PT = 11


def title(fig) -> str:
    """The figure's title as one line (it is wrapped to the figure's width)."""
    return " ".join(fig._suptitle.get_text().split()) if fig._suptitle is not None else ""


def assert_readable(fig):
    """Every text a viewer reads (titles, labels, ticks, legends) is at least MIN_PT."""
    fig.canvas.draw()  # tick labels exist only once drawn
    texts = [fig._suptitle] + [t for leg in fig.legends for t in leg.get_texts()]
    for ax in fig.axes:
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label]
        texts += ax.get_xticklabels() + ax.get_yticklabels()
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
    small = [(t.get_text(), t.get_fontsize()) for t in texts
             if t is not None and t.get_text() and t.get_fontsize() < MIN_PT]
    assert small == []


def rows(axes) -> int:
    """How many rows of panels (distinct top edges)."""
    return len({round(ax.get_position().y1, 3) for ax in axes})


def predictions(key, groups, n=6):
    rng = np.random.default_rng(0)
    obs = rng.uniform(1, 5, n * len(groups))
    return pd.DataFrame({key: np.repeat(groups, n), "observed": obs,
                         "mean": obs + rng.normal(0, 0.3, obs.size), "std": 0.3})


def test_parity_figures_have_a_title_and_a_grid_above_three_panels():
    cv = parity_plot(predictions("kind", ["gp", "gbt", "nn"]), "titer")
    assert title(cv) == "Cross-validation: measured vs predicted titer"
    assert "Gaussian process (gp)" in cv.axes[0].get_title()
    assert_readable(cv)
    given = parity_plot(predictions("kind", ["gp"]), "titer",
                        title="Leave-one-condition-out cross-validation: measured vs predicted titer")
    assert title(given).startswith("Leave-one-condition-out cross-validation")

    replayed = parity_plot(predictions("cycle", [2, 3, 4, 5]), "OD340")
    assert "Trained on cycles before k" in title(replayed)
    replayed.canvas.draw()
    assert len(replayed.axes) == 4 and rows(replayed.axes) == 2  # 2 x 2, not one long row
    five = parity_plot(predictions("cycle", [2, 3, 4, 5, 6]), "OD340")
    assert len(five.axes) == 5  # the grid's empty cell is removed
    assert_readable(replayed)


def test_effects_figure_has_a_title_and_a_two_by_two_grid():
    f = Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10),
                 Factor("IPTG", "continuous", 0.01, 1.0, log=True)])
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"temperature": rng.uniform(25, 37, 16), "feed": rng.uniform(0, 10, 16),
                      "IPTG": 10 ** rng.uniform(-2, 0, 16)})
    y = 50 - ((X["temperature"] - 31) / 3) ** 2 + X["feed"]
    model = ConditionModel("gp", factors=f, seed=0).fit(X, y)
    fig = effects_plot(model, X, feature_importance(model, X), "titer")
    assert title(fig) == "Factor effects on predicted titer (Gaussian process (gp) model)"
    panels = fig.axes[:4]  # the colour bar comes last
    fig.canvas.draw()
    assert rows(panels) == 2
    assert_readable(fig)


def single_proposals(k=4):
    return pd.DataFrame({"predicted_mean": np.linspace(3.0, 3.3, k), "predicted_std": 0.2})


def test_proposals_get_their_own_panel_at_distinct_labelled_positions():
    observed = pd.DataFrame({"titer": [1.0, 2.0, 3.0, 2.5, 2.8]})
    fig = recommendation_plot(observed, single_proposals(4), ["titer"])
    assert title(fig) and "titer (maximised)" in title(fig)
    measured, proposed = fig.axes
    # no star on the measured runs' panel, all of them on the other
    assert measured.containers == [] and len(proposed.containers) == 1
    x = proposed.containers[0].lines[0].get_xdata()
    assert len(set(np.round(x, 6))) == 4
    assert [t.get_text() for t in proposed.get_xticklabels()] == ["next01", "next02", "next03", "next04"]
    assert list(proposed.get_xticks()) == list(x)
    # measured runs keep their own x axis: whole positions labelled 1..n (table order without
    # run labels), and nothing else is drawn there
    assert measured.collections[0].get_offsets()[:, 0].tolist() == list(measured.get_xticks())
    assert [t.get_text() for t in measured.get_xticklabels()] == ["1", "2", "3", "4", "5"]
    # the legend sits outside the panels, so it covers no measured run
    assert measured.get_legend() is None and proposed.get_legend() is None and len(fig.legends) == 1
    assert_readable(fig)


def two_response_case():
    observed = pd.DataFrame({"OD340": [0.2, 0.5, 0.4, 0.7], "OD600": [0.1, 0.6, 0.2, 1.0]})
    proposals = pd.DataFrame({"predicted_mean_OD340": [0.6, 0.65], "predicted_std_OD340": 0.05,
                              "predicted_mean_OD600": [0.3, 0.5], "predicted_std_OD600": 0.05})
    return observed, proposals


def test_pareto_figure_names_the_trade_off_and_the_front():
    observed, proposals = two_response_case()
    fig = recommendation_plot(observed, proposals, ["OD340", "OD600"], [True, False])
    assert title(fig) == "Trade-off OD340 vs OD600: measured Pareto front and proposed runs"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "measured Pareto front" in legend and "measured, Pareto-optimal" in legend
    ax = fig.axes[0]
    assert ax.get_legend() is None
    assert sorted(t.get_text() for t in ax.texts) == ["next01", "next02"]
    assert_readable(fig)
    observed["purity"], proposals["predicted_mean_purity"] = [0.9, 0.8, 0.95, 0.7], 0.9
    proposals["predicted_std_purity"] = 0.01
    fig = pareto_plot(observed, proposals, ["OD340", "OD600", "purity"], [True, False, True])
    assert title(fig).startswith("Trade-offs between OD340, OD600 and purity")




def test_cli_saves_at_the_shared_dpi_and_captions_the_pareto_front(campaign):
    from PIL import Image

    tmp, bounds, runs = campaign
    out = tmp / "pareto.csv"
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--response", "OD600", "--minimize", "OD600", "--batch", "2", "--out", str(out)]) == 0
    with Image.open(tmp / "pareto.png") as png:
        dpi = png.info.get("dpi")
    assert dpi is not None and round(dpi[0]) == DPI
    html = (tmp / "pareto.html").read_text()
    assert "Trade-off OD340 vs OD600" in html and "Pareto front" in html
    assert "next01, next02" in html

    folder = tmp / "model"
    assert main(["fit-conditions", "--runs", str(runs), "--factors", str(bounds), "--response",
                 "OD340", "--out-dir", str(folder), "--kinds", "gp"]) == 0
    html = (folder / "report.html").read_text()
    assert "Leave-one-condition-out cross-validation: measured vs predicted OD340" in html


def test_a_stray_run_does_not_squeeze_the_pareto_front():
    rng = np.random.default_rng(0)
    od340 = rng.uniform(0.2, 0.8, 40)
    od600 = rng.uniform(0.1, 1.0, 40)
    od600[5] = 17.5  # one stray OD600, far above the rest (OD600 is minimised: off the front)
    observed = pd.DataFrame({"OD340": od340, "OD600": od600})
    proposals = pd.DataFrame({"predicted_mean_OD340": [0.6, 0.65], "predicted_std_OD340": 0.05,
                              "predicted_mean_OD600": [0.3, 0.5], "predicted_std_OD600": 0.05})
    ax = pareto_plot(observed, proposals, ["OD340", "OD600"], [True, False]).axes[0]
    assert ax.get_ylim()[1] < 2.0  # not stretched to 17.5
    assert "1 run beyond the axes" in [t.get_text() for t in ax.texts]
    # without a stray run nothing is cut and nothing is said
    observed.loc[5, "OD600"] = 0.5
    ax = pareto_plot(observed, proposals, ["OD340", "OD600"], [True, False]).axes[0]
    assert not any("beyond" in t.get_text() for t in ax.texts)


# ------------------------------------------------------------------------------------------
# Review fixes: the best so far is the best condition's mean over its replicates (proposals
# are predicted means), coverage named with its nominal level and interval kind, and the
# measured runs on the response-surface slice explained.

def replicated_runs():
    """Three conditions of (temperature, feed): the luckiest replicate (10) belongs to a
    condition whose mean (6) is below another condition's mean (7)."""
    conditions = pd.DataFrame({"temperature": [30.0, 30.0, 30.0, 34.0, 34.0, 26.0],
                               "feed": [2.0, 2.0, 2.0, 8.0, 8.0, 5.0]})
    titer = pd.Series([10.0, 4.0, 4.0, 7.0, 7.0, 5.0], name="titer")
    return conditions, titer


def test_best_so_far_line_is_the_best_conditions_mean():
    conditions, titer = replicated_runs()
    fig = recommendation_plot(titer.to_frame(), single_proposals(2), ["titer"],
                              conditions=conditions)
    measured = fig.axes[0]
    line = [ln for ln in measured.get_lines() if ln.get_label().startswith("best so far")][0]
    assert line.get_ydata()[0] == 7.0  # the mean of (34, 8), not the single 10
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "best so far (mean of the best condition's 2 replicates)" in legend


def test_no_gain_note_compares_with_the_best_conditions_mean():
    from biochemml.bioprocess import check_runs
    from biochemml.bioprocess.recommend import no_gain_note

    conditions, titer = replicated_runs()
    f = Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10)])
    checked = check_runs(conditions.assign(titer=titer), f, "titer")
    # the proposals' intervals of the mean reach the best mean (7) but not the lucky 10
    reaching = pd.DataFrame({"predicted_mean": [6.0], "upper_95": [8.0], "lower_95": [4.0]})
    assert no_gain_note(reaching, checked, "titer", True, f) == ""
    short = reaching.assign(upper_95=6.5)
    note = no_gain_note(short, checked, "titer", True, f)
    assert note.startswith("none of the proposed runs is predicted to beat the best run so far "
                           "(7 titer, the mean of the 2 replicates of its condition, rows 4, 5)")


def three_factor_model(n=14, seed=0):
    """A GP on 3 factors, each condition measured twice, and one lucky replicate far above
    its condition's mean; returns (model, X, index of the lucky run)."""
    f = Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10),
                 Factor("IPTG", "continuous", 0.01, 1.0, log=True)])
    rng = np.random.default_rng(seed)
    base = pd.DataFrame({"temperature": rng.uniform(25, 37, n), "feed": rng.uniform(0, 10, n),
                         "IPTG": 10 ** rng.uniform(-2, 0, n)})
    X = pd.concat([base, base], ignore_index=True)
    y = np.array(50 - ((X["temperature"] - 31) / 3) ** 2 + X["feed"], dtype=float)
    y += rng.normal(0, 0.3, len(y))
    lucky = int(np.argmin(y[:n]))  # the worst condition gets one lucky replicate
    y[lucky] = y.max() + 5
    return ConditionModel("gp", factors=f, seed=0).fit(X, y), X, y, lucky


def test_effects_surface_is_sliced_at_the_best_conditions_mean():
    from biochemml.bioprocess.evaluate import best_condition, response_surface

    model, X, y, lucky = three_factor_model()
    assert int(np.argmax(y)) == lucky
    rows, _ = best_condition(X, y)
    assert lucky not in rows
    importance = feature_importance(model, X)
    fig = effects_plot(model, X, importance, "titer")
    surface = fig.axes[3]
    cs = [c for c in surface.collections if hasattr(c, "levels")][0]
    continuous = list(importance.index[:2])
    _, _, expected, _ = response_surface(model, X.iloc[[int(rows[0])]], *continuous)
    assert cs.zmax == pytest.approx(float(expected.max()))
    assert "best condition" in surface.get_title()


def test_effects_surface_says_which_measured_runs_lie_on_its_slice():
    from biochemml.bioprocess.evaluate import best_condition

    model, X, y, _ = three_factor_model()
    importance = feature_importance(model, X)
    fig = effects_plot(model, X, importance, "titer")
    surface, held = fig.axes[3], importance.index[2]  # the third factor is held at the slice
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    far_label = [t for t in legend if t.startswith("measured runs with other factors elsewhere")]
    assert far_label and "not on this slice" in far_label[0]
    assert any(t.startswith("best condition (2 runs") for t in legend)
    dots = {c.get_label(): len(c.get_offsets()) for c in surface.collections
            if c.get_label() and not c.get_label().startswith("_")}
    rows, _ = best_condition(X, y)
    unit = np.log10(X[held].to_numpy() / 0.01) / 2.0  # IPTG is log-scaled on 0.01..1
    n_near = int(np.sum(np.abs(unit - unit[rows[0]]) <= 0.1)) - len(rows)
    assert dots[far_label[0]] == len(X) - n_near - len(rows)
    assert sum(dots.values()) == len(X) - len(rows) + 1  # the best condition: one star
    assert_readable(fig)

    # with two factors the surface is the whole space: every run lies on it
    two = ConditionModel("gp", factors=Factors([model.factors_["temperature"],
                                                model.factors_["feed"]]), seed=0)
    two.fit(X[["temperature", "feed"]], y)
    fig = effects_plot(two, X[["temperature", "feed"]],
                       feature_importance(two, X[["temperature", "feed"]]), "titer")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "measured runs" in legend and not any("elsewhere" in t for t in legend)


def test_parity_panels_name_the_nominal_level_and_the_kind_of_interval():
    fig = parity_plot(predictions("kind", ["gp"]), "OD340")
    ax = fig.axes[0]
    heading = " ".join(ax.get_title().split())
    assert "coverage of the 95% prediction intervals:" in heading and "% of runs" in heading
    assert "95% prediction interval" in " ".join(ax.get_ylabel().split())
    assert_readable(fig)
    # recommend's intervals are of the mean response, and say so
    fig = recommendation_plot(pd.DataFrame({"titer": [1.0, 2.0]}), single_proposals(2), ["titer"])
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "proposed run: predicted mean, 95% interval of the mean" in legend


def test_coverage_note_says_what_narrow_or_wide_intervals_mean():
    from biochemml.bioprocess.evaluate import coverage_note

    narrow = coverage_note(0.796, 240, "gp", proposals=True)
    assert narrow.startswith("the gp model's 95% prediction intervals hold 79.6% of the 240 runs")
    assert "too narrow" in narrow and "recommend's proposals" in narrow
    assert "recommend" not in coverage_note(0.796, 240, "gbt")
    assert "too wide" in coverage_note(1.0, 240, "gp")
    assert coverage_note(0.94, 240, "gp") == ""
    assert coverage_note(0.9, 10, "gp") == ""  # 1 miss of 10: too few runs to judge
    # but 5 of 10 outside is no chance of calibrated intervals (binomial, under 1 %)
    assert "too narrow: 5 of 10 outside, which calibrated intervals give with a chance of " \
        "6e-05" in coverage_note(0.5, 10, "gp")


def test_conditions_report_names_coverage_and_warns_when_it_is_off(campaign):
    from biochemml.cli.bioprocess import _coverage_notes, _write_conditions_report

    tmp, bounds, runs = campaign
    folder = tmp / "model"
    assert main(["fit-conditions", "--runs", str(runs), "--factors", str(bounds), "--response",
                 "OD340", "--out-dir", str(folder), "--kinds", "gp"]) == 0
    html = (folder / "report.html").read_text()
    assert "<th>coverage of the 95% prediction intervals</th>" in html  # the metrics table
    assert "<th>coverage</th>" not in html
    assert "95% prediction intervals (where a single new run should fall" in html

    metrics = pd.DataFrame({"rmse": [0.1, 0.2], "coverage": [0.70, 0.95]}, index=["gbt", "gp"])
    notes = _coverage_notes(metrics, "gbt", 60)
    assert len(notes) == 1 and notes[0].startswith("the gbt model's 95% prediction intervals "
                                                   "hold 70.0% of the 60 runs")
    metrics.loc["gp", "coverage"] = 0.80
    assert len(_coverage_notes(metrics, "gbt", 60)) == 2  # recommend's gp is judged as well
    f = Factors.from_file(bounds)
    _write_conditions_report(folder, runs, "OD340", 60, f, ["gbt", "gp"], "gbt",
                             metrics.reset_index(names="kind"), pd.Series({"feed": 1.0}),
                             calibration=notes)
    html = (folder / "report.html").read_text()
    assert "Warning: the gbt model" in html and "95% prediction intervals hold 70.0%" in html
