"""Public API review: metrics and condition models given pandas objects, and their messages."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biochemml import metrics
from biochemml.bioprocess import ConditionModel, Factor, Factors
from biochemml.errors import InputError, ModelError


def _pair():
    y = pd.Series([1.0, 2, 3, 4, 5], index=[10, 11, 12, 13, 14])
    p = pd.Series([1.1, 2.1, 2.9, 4.2, 4.8], index=[10, 11, 12, 13, 14])
    return y, p


# ------------------------------------------------------------ item 2: index labels
def test_regression_metrics_refuses_reordered_series():
    y, p = _pair()
    with pytest.raises(InputError, match="same index labels in a different order.*to_numpy"):
        metrics.regression_metrics(y, p.iloc[::-1])


def test_regression_metrics_refuses_partly_other_labels_and_pairs_unrelated_ones():
    y, p = _pair()
    with pytest.raises(InputError, match="different index labels"):
        metrics.regression_metrics(y, p.set_axis([10, 11, 12, 99, 98]))
    # no label in common (predictions as a fresh Series): nothing to align, by position
    assert metrics.regression_metrics(y, p.reset_index(drop=True))["r2"] == \
        metrics.regression_metrics(y, p)["r2"]


def test_a_fresh_default_index_pairs_by_position_even_when_labels_overlap():
    # a test split keeps its table's labels (some of 0..n); predictions wrapped in a fresh
    # Series count 0, 1, 2, ...: the labels overlap by chance, not by meaning
    y = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=[1, 3, 4, 7, 9])
    p = pd.Series([1.1, 2.1, 2.9, 4.2, 4.8])
    expected = metrics.regression_metrics(y.to_numpy(), p.to_numpy())["r2"]
    assert metrics.regression_metrics(y, p)["r2"] == expected
    assert metrics.regression_metrics(p, y)["r2"] == \
        metrics.regression_metrics(p.to_numpy(), y.to_numpy())["r2"]
    # but the same labels 0..n-1 in another order are still refused
    with pytest.raises(InputError, match="in a different order"):
        metrics.regression_metrics(p.sample(frac=1, random_state=1), p)
    # and a partial overlap where neither index is a fresh one stays refused
    with pytest.raises(InputError, match="different index labels"):
        metrics.regression_metrics(y, p.set_axis([1, 3, 4, 70, 90]))


def test_same_index_and_plain_arrays_still_pair():
    y, p = _pair()
    aligned = metrics.regression_metrics(y, p)["r2"]
    assert aligned > 0.95
    assert metrics.regression_metrics(y, p.to_numpy())["r2"] == aligned
    assert metrics.regression_metrics(y.to_numpy(), list(p))["r2"] == aligned
    # aligning as the message says gives the right number
    shuffled = p.iloc[::-1]
    assert metrics.regression_metrics(y, shuffled.loc[y.index])["r2"] == aligned


@pytest.mark.parametrize("call", [
    lambda t, q: metrics.accuracy(t, q),
    lambda t, q: metrics.confusion_matrix(t, q),
    lambda t, q: metrics.classification_metrics(t, q),
    lambda t, q: metrics.bootstrap_ci("accuracy", t, q, n_boot=20),
    lambda t, q: metrics.with_intervals(metrics.classification_metrics, t, q, n_boot=20),
])
def test_classification_metrics_refuse_reordered_series(call):
    t = pd.Series(["a", "b", "a", "b", "b"], index=list("vwxyz"))
    q = pd.Series(["a", "b", "b", "b", "a"], index=list("vwxyz"))
    call(t, q)  # same index: fine
    with pytest.raises(InputError, match="y_true and y_pred are pandas objects"):
        call(t, q.sort_index(ascending=False))


def test_interval_coverage_and_groups_refuse_reordered_series():
    y, p = _pair()
    std = pd.Series(0.3, index=y.index)
    with pytest.raises(InputError, match=r"mean and std .*position 0 is label 10 in mean but 14"):
        metrics.interval_coverage(y, p, std.iloc[::-1])
    groups = pd.Series(list("aabbb"), index=y.index)
    with pytest.raises(InputError, match="y_pred and groups"):
        metrics.regression_metrics_by_group(y, p, groups.iloc[::-1], n_boot=0)


def _factors():
    return Factors([Factor("temperature", "continuous", 25, 37),
                    Factor("feed", "continuous", 0, 10)])


def _runs(n=12, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"temperature": rng.uniform(25, 37, n), "feed": rng.uniform(0, 10, n)},
                     index=[f"run{i}" for i in range(n)])
    y = pd.Series(2 - ((X.temperature - 31) / 6) ** 2 - ((X.feed - 7) / 10) ** 2, name="titer")
    return X, y


def test_condition_model_refuses_y_in_another_order():
    X, y = _runs()
    with pytest.raises(InputError, match="X and y are pandas objects.*different order"):
        ConditionModel("gbt", factors=_factors(), n_members=2).fit(X, y.sample(frac=1, random_state=0))
    # the same index, or a plain array, fit as before
    ConditionModel("gbt", factors=_factors(), n_members=2).fit(X, y)
    ConditionModel("gbt", factors=_factors(), n_members=2).fit(X, y.to_numpy())


# ------------------------------------------------------------ item 20: messages
def test_unfitted_condition_model_is_a_model_error():
    X, _ = _runs()
    with pytest.raises(ModelError, match="not fitted yet"):
        ConditionModel("gp", factors=_factors()).predict(X)


def test_missing_factor_column_names_x_and_no_other_factor():
    factors = Factors([Factor("MnSO4", "continuous", 0, 1), Factor("ZnSO4", "continuous", 0, 1)])
    X = pd.DataFrame({"MnSO4": [0.1, 0.5, 0.9], "glucose": [1, 2, 3]})
    with pytest.raises(InputError) as err:
        ConditionModel("gbt", factors=factors, n_members=2).fit(X, [1.0, 2.0, 3.0])
    message = str(err.value)
    assert message.startswith("X has no column 'ZnSO4'")
    assert "did you mean 'MnSO4'" not in message
    # a genuine misspelling is still suggested
    X = pd.DataFrame({"MnSO4": [0.1, 0.5, 0.9], "ZnSO4 ": [0.2, 0.3, 0.4]})
    with pytest.raises(InputError, match="did you mean 'ZnSO4 '"):
        ConditionModel("gbt", factors=factors, n_members=2).fit(X, [1.0, 2.0, 3.0])


def test_figures_refuse_reordered_series_too():
    from biochemml import plot

    y, p = _pair()
    with pytest.raises(InputError, match="y_true and y_pred are pandas objects"):
        plot.observed_vs_predicted(y, p.iloc[::-1])
    with pytest.raises(InputError, match="y_true and y_pred are pandas objects"):
        plot.residuals(y, p.sort_values(ascending=False))
    labels = pd.Series([0, 1, 0, 1, 1], index=y.index)
    proba = pd.Series([0.2, 0.7, 0.4, 0.9, 0.6], index=y.index)
    plot.roc_curve(labels, proba)
    with pytest.raises(InputError, match="y_true and proba are pandas objects"):
        plot.roc_curve(labels, proba.iloc[::-1])
