"""Public API review: campaign notes in Python, splits, bootstrap, and the figures' inputs."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from biochemml import metrics, plot
from biochemml.bioprocess import Factor, Factors, cross_validate, recommend
from biochemml.errors import CampaignWarning, InputError
from biochemml.evaluation import SplitWarning, group_split


def _factors():
    return Factors([Factor("temperature", "continuous", 25, 37),
                    Factor("feed", "continuous", 0, 10)])


def _runs(n=10, seed=0):
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame({"temperature": rng.uniform(25, 37, n), "feed": rng.uniform(0, 10, n)})
    runs["titer"] = 2 - ((runs.temperature - 31) / 6) ** 2 - ((runs.feed - 7) / 10) ** 2
    return runs


# ------------------------------------------------------------ item 10: blank responses
def test_recommend_names_the_runs_left_out_for_a_blank_response():
    runs = _runs().set_axis([f"r{i}" for i in range(10)])
    runs.loc["r3", "titer"] = np.nan
    with pytest.warns(CampaignWarning, match="skipped 1 run with a blank response: the row "
                                             "with index label 'r3'"):
        out = recommend(runs, _factors(), "titer", batch=1, seed=0, num_restarts=2,
                        raw_samples=32)
    assert "'r3'" in out.attrs["runs"]
    # every run measured: nothing said about skipped runs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = recommend(_runs(), _factors(), "titer", batch=1, seed=0, num_restarts=2,
                        raw_samples=32)
    assert "skipped" not in out.attrs["runs"]
    assert not any("skipped" in str(w.message) for w in caught)


# ------------------------------------------------------------ item 20: cross_validate coverage
def test_cross_validate_warns_on_poor_coverage_as_replay_does(monkeypatch):
    from biochemml.bioprocess import evaluate

    runs = _runs(12)
    # a model whose intervals are far too narrow: coverage well below the calibrated band
    monkeypatch.setattr(evaluate, "interval_metrics",
                        lambda *a, **k: {"rmse": 0.1, "r2": 0.9, "spearman": 0.9,
                                         "coverage": 0.5, "interval_width": 0.01})
    with pytest.warns(CampaignWarning, match="hold 50.0% of the 12 runs left out"):
        table, _ = cross_validate(runs[["temperature", "feed"]], runs.titer, kinds=("gbt",),
                                  factors=_factors(), folds=3)
    assert "too narrow" in table.attrs["calibration"]


# ------------------------------------------------------------ item 15: few groups
def test_group_split_warns_when_whole_groups_miss_test_size():
    groups = np.repeat(["lib1", "lib2"], 50)
    with pytest.warns(SplitWarning, match="only 2 groups.*50 of 100 rows \\(50%\\), not the 20%"):
        train, test = group_split(groups, test_size=0.2)
    assert len(test) == 50
    with warnings.catch_warnings():
        warnings.simplefilter("error", SplitWarning)
        group_split(np.repeat(np.arange(20), 5), test_size=0.2)  # 4 of 20 groups: as asked


# ------------------------------------------------------------ item 14: bootstrap of a dict
def test_bootstrap_ci_refuses_a_metric_that_returns_a_dict():
    y, p = np.arange(10.0), np.arange(10.0) + 0.5
    with pytest.raises(InputError, match="returns a dict of metrics.*with_intervals"
                                         "\\(regression_metrics"):
        metrics.bootstrap_ci(metrics.regression_metrics, y, p, n_boot=20)
    low, high = metrics.bootstrap_ci(lambda a, b: float(np.mean(a - b)), y, p, n_boot=20)
    assert low == high == -0.5


# ------------------------------------------------------------ item 12: positive class
def test_text_labels_default_to_the_rarer_class_in_metrics_and_curves():
    y = ["bound", "unbound", "bound", "unbound", "unbound"]
    p = ["bound", "bound", "bound", "unbound", "unbound"]
    assert metrics.classification_metrics(y, p)["positive"] == "bound"
    assert metrics.classification_metrics([0, 1, 1, 1], [0, 1, 0, 1])["positive"] == 1
    fig = plot.roc_curve(y, [0.9, 0.6, 0.8, 0.3, 0.2])
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "AUC = 1.000"  # of 'bound'


def test_confusion_matrix_figure_names_its_positive_class():
    cm = metrics.confusion_matrix(["bound", "unbound", "bound", "unbound", "unbound"],
                                  ["bound", "bound", "bound", "unbound", "unbound"])
    fig = plot.confusion_matrix(cm, labels=["bound", "unbound"])
    assert "positive class: unbound" in fig._supxlabel.get_text()  # row 1, said on the figure
    fig = plot.confusion_matrix(cm, labels=["bound", "unbound"], positive="bound")
    assert "positive class: bound" in fig._supxlabel.get_text()
    assert "sensitivity 100.0%" in fig._supxlabel.get_text()


# ------------------------------------------------------------ item 17: metric_by_group
def test_metric_by_group_takes_the_table_of_regression_metrics_by_group():
    rng = np.random.default_rng(0)
    y = rng.normal(size=60)
    groups = ["a"] * 25 + ["b"] * 25 + ["c"] * 10
    table = metrics.regression_metrics_by_group(y, y + rng.normal(0, 0.5, 60), groups,
                                                n_boot=50, min_rows=20)
    with pytest.warns(UserWarning, match="group without a R² \\(too few rows\\) left out: c "
                                         "\\(n=10\\)"):
        fig = plot.metric_by_group(table)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "R²"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a\n(n=25)", "b\n(n=25)"]
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, table.r2[:2])
    fig = plot.metric_by_group(table.iloc[:2], metric="spearman")
    assert fig.axes[0].get_ylabel() == "Spearman ρ"
    # a Series indexed by group
    fig = plot.metric_by_group(table.iloc[:2].set_index("group")["r2"], metric="R²")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b"]
    with pytest.raises(InputError, match="choose one of r2, pearson, spearman, mae"):
        plot.metric_by_group(table, metric="accuracy")


# ------------------------------------------------------------ item 20: interval shapes
def test_observed_vs_predicted_takes_an_n_by_2_interval():
    rng = np.random.default_rng(0)
    y = rng.normal(size=40)
    m = y + rng.normal(0, 0.3, 40)
    bounds = np.column_stack([m - 0.3, m + 0.3, m - 0.6, m + 0.6])  # as predict_bounds
    plot.observed_vs_predicted(y, m, interval=bounds[:, :2])
    plot.observed_vs_predicted(y, m, interval=(bounds[:, 0], bounds[:, 1]))
    with pytest.raises(InputError, match="4 columns.*bounds\\[:, :2\\]"):
        plot.observed_vs_predicted(y, m, interval=bounds)


# ------------------------------------------------------------ item 19: the caller's Axes
def test_main_figures_draw_into_the_callers_axes(tmp_path):
    from matplotlib.figure import Figure

    rng = np.random.default_rng(0)
    y = rng.normal(size=40)
    m = y + rng.normal(0, 0.3, 40)
    fig = Figure(figsize=(12, 4), layout="constrained")
    axes = fig.subplots(1, 4)
    assert plot.observed_vs_predicted(y, m, std=np.full(40, 0.3), ax=axes[0]) is fig
    assert plot.residuals(y, m, ax=axes[1]) is fig
    assert plot.confusion_matrix([[5, 1], [2, 7]], ax=axes[2]) is fig
    assert plot.roc_curve([0, 1, 0, 1, 1], [0.1, 0.8, 0.3, 0.6, 0.9], ax=axes[3],
                          path=tmp_path / "panels.png") is fig
    assert (tmp_path / "panels.png").stat().st_size > 0
    assert axes[0].get_xlabel() == "measured value" and not fig.legends  # legend in its panel
    assert "positive class: 1" in axes[2].get_xlabel()
    assert len([a for a in fig.axes if a.get_label() != "<colorbar>"]) == 4
    with pytest.raises(InputError, match="ax must be one matplotlib Axes"):
        plot.metric_by_group({"a": 0.5}, ax=axes)
