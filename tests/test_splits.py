"""Splits: the course's split reproduced, stratification, validation sets, errors."""
import doctest

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from biochemml import splits
from biochemml.errors import InputError
from biochemml.splits import split_indices


def test_reproduces_the_lecture_split():
    _, expected_test = train_test_split(np.arange(2000), test_size=0.2, random_state=125)
    train, val, test = split_indices(2000, test_size=0.2, seed=125)
    assert np.array_equal(test, np.sort(expected_test))
    assert len(val) == 0 and len(train) == 1600
    assert np.array_equal(np.sort(np.r_[train, test]), np.arange(2000))


def test_validation_is_a_tenth_of_train_and_parts_are_disjoint():
    train, val, test = split_indices(2000, test_size=0.2, val_size=0.1, seed=125)
    assert (len(train), len(val), len(test)) == (1440, 160, 400)
    assert np.array_equal(np.sort(np.r_[train, val, test]), np.arange(2000))
    again = split_indices(2000, test_size=0.2, val_size=0.1, seed=125)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    other = split_indices(2000, test_size=0.2, val_size=0.1, seed=126)
    assert not np.array_equal(test, other[2])
    state = np.random.RandomState(0)
    assert sum(map(len, split_indices(100, 0.2, 0.1, seed=state))) == 100
    # no seed given: the same split each call, as everywhere in biochemml
    assert np.array_equal(split_indices(100)[2], split_indices(100)[2])


def test_stratified_split_keeps_class_proportions():
    labels = np.r_[np.ones(300, int), np.zeros(1700, int)]
    _, expected_test = train_test_split(np.arange(2000), test_size=0.2, random_state=125,
                                        stratify=labels)
    train, val, test = split_indices(2000, test_size=0.2, val_size=0.1, stratify=labels, seed=125)
    assert np.array_equal(test, np.sort(expected_test))
    for part in (train, val, test):
        assert labels[part].mean() == pytest.approx(0.15, abs=0.01)


def test_split_errors():
    with pytest.raises(InputError, match="test_size must be a fraction"):
        split_indices(10, test_size=1.5)
    with pytest.raises(InputError, match="val_size must be a fraction"):
        split_indices(10, val_size=-0.1)
    with pytest.raises(InputError, match="at least 2 rows"):
        split_indices(1)
    with pytest.raises(InputError, match="stratify has 3 labels for 10 rows"):
        split_indices(10, stratify=[0, 1, 0])
    with pytest.raises(InputError, match="cannot split 10 rows"):
        split_indices(10, stratify=[0] * 9 + [1], seed=0)


def test_doctests():
    assert doctest.testmod(splits).failed == 0


def test_a_class_of_two_rows_has_one_on_each_side():
    # scikit-learn's rounding puts both 'b' rows in the training set for these seeds
    labels = np.array(["a"] * 58 + ["b"] * 2)
    for seed in range(5):
        _, expected_test = train_test_split(np.arange(60), test_size=0.2, random_state=seed,
                                            stratify=labels)
        assert "b" not in set(labels[expected_test])
        train, _, test = split_indices(60, test_size=0.2, stratify=labels, seed=seed)
        assert (labels[test] == "b").sum() == 1 and (labels[train] == "b").sum() == 1
        assert (len(train), len(test)) == (48, 12)
        assert np.array_equal(np.sort(np.r_[train, test]), np.arange(60))
        again = split_indices(60, test_size=0.2, stratify=labels, seed=seed)
        assert np.array_equal(test, again[2])
    # three rows: one each in training, validation and test
    labels = np.array(["a"] * 57 + ["b"] * 3)
    parts = split_indices(60, test_size=0.2, val_size=0.1, stratify=labels, seed=0)
    assert [int((labels[p] == "b").sum()) for p in parts] == [1, 1, 1]


def test_a_class_too_small_for_every_part_is_refused_in_words():
    labels = np.array(["a"] * 58 + ["b"] * 2)
    with pytest.raises(InputError, match="the class\\(es\\) 'b' have only one"):
        split_indices(60, test_size=0.2, val_size=0.1, stratify=labels, seed=0)


def test_a_table_or_an_integral_float_counts_as_its_number_of_rows():
    import pandas as pd

    want = split_indices(10, seed=3)
    for n in (10.0, np.float32(10), pd.DataFrame({"a": range(10)}), np.zeros((10, 2))):
        got = split_indices(n, seed=3)
        assert all(np.array_equal(a, b) and a.dtype.kind == "i" for a, b in zip(got, want))
    for bad, words in ((10.5, "whole number"), (True, "number of rows"), ("10", "number of rows")):
        with pytest.raises(InputError, match=words):
            split_indices(bad)


def test_every_split_is_reachable_from_splits():
    import subprocess
    import sys

    from biochemml import evaluation, splits

    for name in ("similarity_split", "group_split", "kfold_indices"):
        assert getattr(splits, name) is getattr(evaluation, name) and name in dir(splits)
    # whichever module is imported first
    code = "import biochemml.evaluation, biochemml.splits as s; print(s.group_split.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "group_split", out.stderr
