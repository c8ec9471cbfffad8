"""BaselineRegressor has the face of SequenceRegressor: the same checks and sentences,
scikit-learn's conventions (clone, cross_val_score, GridSearchCV), the same LengthWarning."""
import numpy as np
import pandas as pd
import pytest

from biochemml.baselines import BaselineRegressor
from biochemml.errors import InputError


def _table(n=300, length=9, seed=0):
    """Sequences of one length with an additive value (a small sd_kuo2020-like table)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, (n, length))
    seqs = pd.Series(["".join("ACGT"[c] for c in row) for row in codes])
    effects = rng.normal(0, 1, (length, 4))
    y = pd.Series(effects[np.arange(length), codes].sum(axis=1) + rng.normal(0, 0.1, n))
    return seqs, y


@pytest.fixture(scope="module")
def data():
    return _table()


@pytest.fixture(scope="module")
def fitted(data):
    seqs, y = data
    return BaselineRegressor("ridge").fit(seqs[:250], y[:250])


# ----- score ----------------------------------------------------------------------------
def test_score_refuses_values_of_another_length_instead_of_reshaping(data, fitted):
    seqs, y = data
    with pytest.raises(InputError, match=r"got 50 sequences but values of shape \(10,\)"):
        fitted.score(seqs[250:], y[250:260])


def test_score_refuses_values_of_another_number_of_targets(data, fitted):
    seqs, y = data
    with pytest.raises(InputError, match=r"expected 50 rows of 1 value"):
        fitted.score(seqs[250:], np.column_stack([y[250:], y[250:]]))


def test_score_is_r2_as_before(data, fitted):
    from biochemml.metrics import regression_metrics

    seqs, y = data
    r2 = regression_metrics(y[250:], fitted.predict(seqs[250:]))["r2"]
    assert fitted.score(seqs[250:], y[250:]) == pytest.approx(r2) and r2 > 0.9
