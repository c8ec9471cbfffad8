"""Metrics: agree with scikit-learn and scipy, read confusion matrices as the lecture does."""
import doctest

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

from biochemml import metrics
from biochemml.errors import InputError
from biochemml.metrics import (
    accuracy,
    bootstrap_ci,
    classification_metrics,
    confusion_matrix,
    confusion_reading,
    explain_confusion,
    interval_coverage,
    regression_metrics,
    with_intervals,
)

LECTURE_CM = [[188, 6], [5, 201]]


def _binary(seed=0, n=300):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    proba = np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1)
    return y, proba, (proba >= 0.5).astype(int)


def _multiclass(seed=0, n=300, k=4):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    proba = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return y, proba


def test_docstring_examples_run():
    assert doctest.testmod(metrics).failed == 0


# ---------------------------------------------------------------- lecture example
def test_lecture_confusion_matrix_reading():
    r = confusion_reading(LECTURE_CM)
    assert (r["TP"], r["FP"], r["FN"], r["TN"]) == (201, 6, 5, 188)
    assert r["type_I_error"] == 6 and r["type_II_error"] == 5
    assert r["accuracy"] == pytest.approx((188 + 201) / 400) == pytest.approx(0.9725)
    assert r["sensitivity"] == r["recall"] == pytest.approx(201 / 206)
    assert r["specificity"] == pytest.approx(188 / 194)
    assert r["precision"] == pytest.approx(201 / 207)
    assert r["type_I_error_rate"] == pytest.approx(6 / 194)


def test_lecture_matrix_rebuilt_from_labels():
    y_true = [0] * 194 + [1] * 206
    y_pred = [0] * 188 + [1] * 6 + [0] * 5 + [1] * 201
    assert confusion_matrix(y_true, y_pred).tolist() == LECTURE_CM
    assert accuracy(y_true, y_pred) == pytest.approx(0.9725)


def test_reading_by_label_and_other_positive():
    r = confusion_reading(LECTURE_CM, positive="dead", labels=["dead", "alive"])
    assert (r["TP"], r["FP"], r["FN"], r["TN"]) == (188, 5, 6, 201)


def test_explanation_names_both_error_types_in_a_few_sentences():
    text = explain_confusion(LECTURE_CM, ["no binding", "binding"])
    assert "type I" in text and "type II" in text and "97.2%" in text
    assert 2 <= text.count(". ") + 1 <= 4
    multi = explain_confusion([[5, 3, 0], [0, 8, 1], [0, 0, 9]], ["a", "b", "c"])
    assert "predicting 'b' for a true 'a' (3 times)" in multi


# ---------------------------------------------------------------- agreement with sklearn
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binary_metrics_agree_with_sklearn(seed):
    y, proba, pred = _binary(seed)
    m = classification_metrics(y, pred, proba=proba)
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert m["precision"] == pytest.approx(skm.precision_score(y, pred))
    assert m["recall"] == pytest.approx(skm.recall_score(y, pred))
    assert m["f1"] == pytest.approx(skm.f1_score(y, pred))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba))
    assert m["pr_auc"] == pytest.approx(skm.average_precision_score(y, proba))
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, proba))
    assert m["confusion_matrix"] == skm.confusion_matrix(y, pred).tolist()
    assert m["n"] == len(y) and m["average"] == "binary" and m["positive"] == 1


def test_multiclass_metrics_agree_with_sklearn_macro():
    y, proba = _multiclass()
    pred = proba.argmax(1)
    m = classification_metrics(y, proba=proba)  # predictions derived from proba
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    for name, fn in [("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)]:
        assert m[name] == pytest.approx(fn(y, pred, average="macro"))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba, multi_class="ovr"))
    onehot = np.eye(4)[y]
    assert m["pr_auc"] == pytest.approx(skm.average_precision_score(onehot, proba, average="macro"))
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, proba))
    assert m["average"] == "macro"


def test_string_labels_and_confusion_matrix_agree_with_sklearn():
    rng = np.random.default_rng(3)
    names = np.array(["low", "mid", "high"])
    y, p = names[rng.integers(0, 3, 100)], names[rng.integers(0, 3, 100)]
    order = ["low", "mid", "high"]
    assert confusion_matrix(y, p, labels=order).tolist() == skm.confusion_matrix(y, p, labels=order).tolist()
    assert confusion_matrix(y, p).tolist() == skm.confusion_matrix(y, p).tolist()


def test_text_labels_against_number_labels_are_refused_not_scored_zero():
    # "1" never equals 1: accuracy used to report 0.0 for a perfect prediction
    with pytest.raises(InputError, match="y_true holds class labels as text .*'1'.* y_pred holds numbers"):
        metrics.accuracy(["1", "0"], [1, 0])
    with pytest.raises(InputError, match="y_pred holds class labels as text"):
        confusion_matrix([1, 0], ["1", "0"])
    with pytest.raises(InputError, match="labels holds numbers"):
        confusion_matrix(["a", "b"], ["a", "a"], labels=[0, 1])
    assert metrics.accuracy([True, False], [1, 0]) == 1.0  # booleans and numbers do compare
    assert metrics.accuracy(["1", "0"], ["1", "1"]) == 0.5


def test_one_dimensional_proba_gives_predictions_at_threshold():
    m = classification_metrics([0, 0, 1, 1], proba=[0.1, 0.6, 0.7, 0.4])
    assert m["confusion_matrix"] == [[1, 1], [1, 1]]
    assert classification_metrics([0, 0, 1, 1], proba=[0.1, 0.6, 0.7, 0.4], threshold=0.65)["accuracy"] == 0.75


def test_single_class_test_set_gives_nan_auc_not_an_error():
    m = classification_metrics([1, 1, 1], [1, 0, 1], proba=[0.9, 0.4, 0.8])
    assert np.isnan(m["roc_auc"]) and m["recall"] == pytest.approx(2 / 3)


@pytest.mark.parametrize("seed", [0, 1])
def test_regression_metrics_agree_with_sklearn_and_scipy(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=200)
    pred = y + rng.normal(0, 0.7, 200)
    m = regression_metrics(y, pred)
    assert m["r2"] == pytest.approx(skm.r2_score(y, pred))
    assert m["mse"] == pytest.approx(skm.mean_squared_error(y, pred))
    assert m["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, pred)))
    assert m["mae"] == pytest.approx(skm.mean_absolute_error(y, pred))
    assert m["pearson"] == pytest.approx(stats.pearsonr(y, pred)[0])
    assert m["spearman"] == pytest.approx(stats.spearmanr(y, pred)[0])
    assert m["n"] == 200


def test_multi_target_regression_gives_one_value_per_target():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(100, 3))
    pred = y + rng.normal(0, [0.1, 0.5, 2.0], (100, 3))
    m = regression_metrics(y, pred)
    assert len(m["r2"]) == 3 and m["n"] == 100
    assert m["r2"] == pytest.approx(skm.r2_score(y, pred, multioutput="raw_values").tolist())
    assert m["spearman"][1] == pytest.approx(stats.spearmanr(y[:, 1], pred[:, 1])[0])
    assert m["r2"][0] > m["r2"][1] > m["r2"][2]


def test_constant_prediction_has_undefined_correlation():
    m = regression_metrics([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    assert np.isnan(m["pearson"]) and m["mse"] == pytest.approx(2 / 3)


def test_metrics_by_group_match_each_group_alone():
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    groups = np.repeat(["lib1", "lib2", "lib3"], 100)
    noise = np.repeat([0.1, 1.0, 3.0], 100)  # lib1 predicted well, lib3 badly
    pred = y + rng.normal(0, noise)
    table = metrics.regression_metrics_by_group(y, pred, groups)
    assert table.group.tolist() == ["lib1", "lib2", "lib3"] and table.n.tolist() == [100] * 3
    for _, row in table.iterrows():
        rows = groups == row.group
        assert row.r2 == pytest.approx(skm.r2_score(y[rows], pred[rows]))
        assert row.spearman == pytest.approx(stats.spearmanr(y[rows], pred[rows])[0])
        low, high = metrics.bootstrap_ci("r2", y[rows], pred[rows])
        assert (row.r2_low, row.r2_high) == pytest.approx((low, high))
        assert row.r2_low < row.r2 < row.r2_high
    assert table.r2.is_monotonic_decreasing
    small = metrics.regression_metrics_by_group([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0],
                                                ["a", "a", "a", "b"])
    assert small.n.tolist() == [3, 1] and np.isnan(small.r2[1])  # too few rows: n only
    with pytest.raises(InputError, match="3 values for 4"):
        metrics.regression_metrics_by_group([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [1, 2, 3])
    with pytest.raises(InputError, match="one target"):
        metrics.regression_metrics_by_group(np.ones((4, 2)), np.ones((4, 2)), [1, 1, 2, 2])


# ---------------------------------------------------------------- bootstrap and coverage
def test_bootstrap_interval_contains_estimate_and_narrows_with_n():
    rng = np.random.default_rng(0)
    widths = []
    for n in (100, 2000):
        y = rng.normal(size=n)
        pred = y + rng.normal(0, 0.8, n)
        low, high = bootstrap_ci("r2", y, pred, n_boot=300)
        assert low < regression_metrics(y, pred)["r2"] < high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2


def test_an_interval_of_a_metric_often_undefined_in_resamples_is_nan():
    # one of 8 values differs: a third of the resamples draw no 1 and have no R²; an
    # interval over the other two thirds was (0.78, 0.97), conditional on drawing the 1
    t, p = [0, 0, 0, 0, 0, 0, 0, 1.0], [0.1, 0, 0.2, 0.1, 0, 0.1, 0.2, 0.9]
    low, high = bootstrap_ci("r2", t, p, n_boot=500)
    assert np.isnan(low) and np.isnan(high)
    ci = with_intervals(regression_metrics, t, p, n_boot=500)
    assert np.isnan(ci["r2"]["low"]) and np.isnan(ci["spearman"]["high"])
    assert ci["mae"]["low"] < ci["mae"]["value"] < ci["mae"]["high"]  # defined in every draw
    # undefined in a few resamples only (at most 5 %): the interval stands
    t = np.r_[np.zeros(30), np.ones(10)]
    low, high = bootstrap_ci("r2", t, t + 0.1, n_boot=500)
    assert np.isfinite(low) and np.isfinite(high)


def test_bootstrap_is_reproducible_and_callable_metric_matches_named():
    y, _, pred = _binary()
    named = bootstrap_ci(accuracy, y, pred, n_boot=200, seed=5)
    assert named == bootstrap_ci("accuracy", y, pred, n_boot=200, seed=5)
    assert named == pytest.approx(bootstrap_ci(skm.accuracy_score, y, pred, n_boot=200, seed=5))
    assert named != bootstrap_ci("accuracy", y, pred, n_boot=200, seed=6)


def test_with_intervals_regression_batched_matches_per_resample_loop():
    rng = np.random.default_rng(1)
    y = rng.normal(size=150)
    pred = y + rng.normal(0, 0.5, 150)
    fast = with_intervals(regression_metrics, y, pred, n_boot=100, seed=2)
    slow = with_intervals(lambda t, p: regression_metrics(t, p), y, pred, n_boot=100, seed=2)
    assert set(fast) == {"r2", "pearson", "spearman", "mse", "rmse", "mae"}
    for k in fast:
        assert fast[k]["low"] == pytest.approx(slow[k]["low"])
        assert fast[k]["low"] <= fast[k]["value"] <= fast[k]["high"]


def test_with_intervals_multi_target_and_classification_with_proba():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(120, 2))
    ci = with_intervals(regression_metrics, y, y + rng.normal(0, 0.5, (120, 2)), n_boot=50)
    assert len(ci["r2"]["low"]) == 2 and ci["r2"]["low"][0] < ci["r2"]["high"][0]
    yc, proba, pred = _binary(n=120)
    cci = with_intervals(classification_metrics, yc, pred, n_boot=30, proba=proba)
    assert "confusion_matrix" not in cci and "n" not in cci
    assert cci["roc_auc"]["low"] <= cci["roc_auc"]["value"] <= cci["roc_auc"]["high"]


def test_coverage_of_calibrated_gaussian_is_nominal():
    rng = np.random.default_rng(0)
    n = 20000
    mean, std = rng.normal(size=n), rng.uniform(0.5, 2.0, n)
    y = rng.normal(mean, std)
    cov = interval_coverage(y, mean, std)
    assert cov[0.68] == pytest.approx(0.68, abs=0.015)
    assert cov[0.95] == pytest.approx(0.95, abs=0.01)
    assert interval_coverage(y, mean, std / 2)[0.95] < 0.8  # over-confident model


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("call", [
    lambda: accuracy([0, 1, 1], [0, 1]),
    lambda: regression_metrics([], []),
    lambda: regression_metrics([1.0, np.nan, 2.0], [1.0, 2.0, 3.0]),
    lambda: regression_metrics([1.0, 2.0, 3.0], [[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]),
    lambda: classification_metrics([0, 1]),
    lambda: classification_metrics([0, 1, 2], proba=[0.1, 0.5, 0.9]),
    lambda: classification_metrics([0, 1], proba=[0.1, 1.5]),
    lambda: confusion_matrix([0, 1, 2], [0, 1, 1], labels=[0, 1]),
    lambda: confusion_reading([[1, 2, 3]]),
    lambda: confusion_reading(LECTURE_CM, positive=2),
    lambda: bootstrap_ci("r2", [1.0, 2.0], [1.0, 2.0], n_boot=5),
    lambda: bootstrap_ci("auroc", [1.0, 2.0], [1.0, 2.0]),
    lambda: interval_coverage([1.0, 2.0], [1.0, 2.0], [1.0, -1.0]),
])
def test_bad_input_raises_input_error(call):
    with pytest.raises(InputError):
        call()


def test_nan_error_names_the_position():
    with pytest.raises(InputError, match="position 1"):
        regression_metrics([1.0, np.nan, 2.0], [1.0, 2.0, 3.0])


def test_bounds_coverage_refuses_swapped_ends_and_odd_levels():
    from biochemml.metrics import bounds_coverage

    assert bounds_coverage([1.0, 2.0], {0.95: ([0.0, 1.0], [1.5, 1.5])}) == {0.95: 0.5}
    with pytest.raises(InputError, match=r"lower end lies above its upper end at position 1"):
        bounds_coverage([1.0, 2.0, 3.0], {0.95: ([0, 3, 0], [5, 1, 5])})
    with pytest.raises(InputError, match="between 0 and 1"):
        bounds_coverage([1.0], {95: ([0.0], [2.0])})
