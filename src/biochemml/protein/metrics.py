"""Test-score intervals of a position split: a bootstrap over held-out positions, not variants.

When whole mutated positions are held out (``split="position"``), the test variants of one
position share its unknown effect: they are not independent draws. Resampling the variants
one by one treats 300 variants at 30 positions as 300 independent examples, and its 95 %
intervals come out about half as wide as they should. :func:`biochemml.metrics.cluster_intervals` over them resamples
the positions instead (a cluster bootstrap): each resample draws as many held-out positions
as there are, with replacement, and takes all the test variants of each drawn position.
"""
from __future__ import annotations

import numpy as np


def position_clusters(rows, index, test) -> list[np.ndarray]:
    """The test variants of each held-out position, for :func:`biochemml.metrics.cluster_intervals`.

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


def variant_position_clusters(rows, index, n_variants: int) -> list[np.ndarray]:
    """Variants grouped by the positions they mutate, for scoring a table of new variants.

    Scoring a position-split run on another table, the variants at one position share that
    position's effect just as the run's test variants did: the bootstrap of
    :func:`biochemml.metrics.cluster_intervals` over these clusters resamples positions.

    Parameters
    ----------
    rows, index : ndarray of int, shape (M,)
        Variant (row) and 0-based position of each of ``M`` mutations
        (:func:`biochemml.protein.variant_table`).
    n_variants : int
        Number of variants ``N`` (rows ``0..N-1``).

    Returns
    -------
    list of ndarray of int
        For each mutated position, in increasing order, the variants that mutate it (a
        double mutant belongs to both its positions); then each variant without a
        mutation (the wild type) as a cluster of its own.
    """
    rows, index = np.asarray(rows, dtype=np.int64), np.asarray(index, dtype=np.int64)
    clusters = [np.unique(rows[index == pos]) for pos in np.unique(index)]
    unmutated = np.setdiff1d(np.arange(int(n_variants)), rows)
    return clusters + [np.array([r]) for r in unmutated]
