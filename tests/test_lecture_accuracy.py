"""The course's CCGGAA task end to end: simulate, split as the course does, train, score.

benchmarks/lecture.py measures the same thing over 5 seeds against the course's Keras
code; these tests keep one seed of it in the test suite.
"""
import numpy as np
import pytest

from biochemml import SequenceClassifier
from biochemml.simulate import lecture_pwm, motif_dataset
from biochemml.splits import split_indices

SEED = 2  # the Bayes-optimal rule scores 0.98 on this seed's test split


@pytest.fixture(scope="module")
def course_split():
    """The course's data (1,000 + 1,000 sequences of 20 bases) split 80/20."""
    df = motif_dataset(lecture_pwm(), 1000, 1000, seed=SEED)
    train, _, test = split_indices(len(df), test_size=0.2, seed=125)
    seqs, labels = df["sequence"].to_numpy(), df["label"].to_numpy()
    return seqs[train], labels[train], seqs[test], labels[test]


def test_default_classifier_is_near_the_bayes_ceiling(course_split):
    x_train, y_train, x_test, y_test = course_split
    clf = SequenceClassifier(seed=SEED).fit(x_train, y_train)
    # Bayes-optimal accuracy is 0.979; the course's Keras code reaches 0.91-0.96.
    assert clf.score(x_test, y_test) >= 0.96


def test_lecture_cnn_learns_the_motif_in_20_epochs_and_reproduces(course_split):
    x_train, y_train, x_test, y_test = course_split
    first = SequenceClassifier("lecture-cnn", seed=SEED).fit(x_train, y_train)
    second = SequenceClassifier("lecture-cnn", seed=SEED).fit(x_train, y_train)
    assert first.fit_info_[0]["epochs_run"] == 20
    assert first.score(x_test, y_test) >= 0.90
    assert first.history_ == second.history_
    np.testing.assert_array_equal(first.predict_proba(x_test), second.predict_proba(x_test))
