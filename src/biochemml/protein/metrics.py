"""Test-score intervals of a position split: a bootstrap over held-out positions, not variants.

When whole mutated positions are held out (``split="position"``), the test variants of one
position share its unknown effect: they are not independent draws. Resampling the variants
one by one treats 300 variants at 30 positions as 300 independent examples, and its 95 %
intervals come out about half as wide as they should. :func:`position_intervals` resamples
the positions instead (a cluster bootstrap): each resample draws as many held-out positions
as there are, with replacement, and takes all the test variants of each drawn position.
"""
from __future__ import annotations

import numpy as np

from ..errors import InputError


def position_clusters(rows, index, test) -> list[np.ndarray]:
    """The test variants of each held-out position, for :func:`position_intervals`.

    Parameters
    ----------
    rows, index : ndarray of int, shape (M,)
        Variant (row) and 0-based position of each of ``M`` mutations
        (:func:`biochemml.protein.variant_table`).
    test : ndarray of bool, shape (N,)
        Which of the ``N`` variants are test variants.

    Returns
    -------
    list of ndarray of int
        For each held-out position (mutated by a test variant and by no training variant),
        in increasing order, the indices of the test variants that mutate it, counted among
        the test variants (``0..test.sum()-1``). A test double mutant with two held-out
        positions belongs to both; its other positions, which training variants also
        mutate, make no cluster.
    """
    test = np.asarray(test, dtype=bool)
    rows, index = np.asarray(rows), np.asarray(index)
    within = np.cumsum(test) - 1  # row -> its number among the test variants
    in_test = test[rows]
    trained = np.unique(index[~in_test])
    rows, index = rows[in_test], index[in_test]
    held = np.setdiff1d(np.unique(index), trained)
    return [np.unique(within[rows[index == pos]]) for pos in held]


def position_intervals(y_true, y_pred, clusters, n_boot: int = 1000, seed: int = 0,
                       level: float = 0.95) -> dict:
    """Regression metrics of a test set with bootstrap intervals over positions.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,)
        Measured and predicted values of the ``N`` test variants.
    clusters : list of array-like of int
        The test variants (indices into ``y_true``) of each held-out position
        (:func:`position_clusters`); ``P`` positions.
    n_boot : int, default 1000
        Resamples: each draws ``P`` positions with replacement and scores all their
        test variants together.
    seed : int, default 0
    level : float, default 0.95

    Returns
    -------
    dict
        metric name -> ``{"value", "low", "high"}``, as
        :func:`biochemml.metrics.with_intervals` gives it (``r2``, ``pearson``,
        ``spearman``, ``mse``, ``rmse``, ``mae``); the value is that of all test variants.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=60)
    >>> ci = position_intervals(y, y + rng.normal(0, 0.5, 60),
    ...                         [np.arange(i, i + 6) for i in range(0, 60, 6)], n_boot=200)
    >>> ci["r2"]["low"] < ci["r2"]["value"] < ci["r2"]["high"]
    True
    """
    from ..metrics import (_batched_regression, _check_boot, _percentiles, _plain,
                           _regression_arrays, regression_metrics)

    _check_boot(n_boot, level)
    t, p = _regression_arrays(y_true, y_pred)
    clusters = [np.asarray(c, dtype=np.int64) for c in clusters]
    if not clusters:
        raise InputError("position intervals need at least one held-out position")
    point = regression_metrics(t, p)
    rng = np.random.default_rng(seed)
    draws = {name: np.empty(int(n_boot)) for name in ("r2", "pearson", "spearman", "mse",
                                                      "rmse", "mae")}
    for b in range(int(n_boot)):
        drawn = rng.integers(0, len(clusters), size=len(clusters))
        idx = np.concatenate([clusters[c] for c in drawn])[None, :]
        scores = _batched_regression(t, p, idx)
        for name in draws:
            draws[name][b] = scores[name][0]
    out = {}
    for name, values in draws.items():
        low, high = _percentiles(values, level)
        out[name] = {"value": point[name], "low": _plain(low), "high": _plain(high)}
    return out
