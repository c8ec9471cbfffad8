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


# ----- scikit-learn conventions ----------------------------------------------------------
def test_clone_get_params_and_set_params():
    from sklearn.base import clone

    est = BaselineRegressor("ridge-pairs", alpha=3.0, pad="right", seed=4)
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()
    assert copy.get_params(deep=True)["alpha"] == 3.0
    assert est.set_params(alpha=0.5, model="ridge") is est
    assert (est.alpha, est.model) == (0.5, "ridge")
    with pytest.raises(InputError, match=r"BaselineRegressor has no parameter 'alpah' \(did "
                                         r"you mean 'alpha'\?\); its parameters are .*alpha"):
        est.set_params(alpah=1.0)


def test_clone_of_a_fitted_baseline_is_unfitted():
    from sklearn.base import clone

    from biochemml.errors import ModelError

    seqs, y = _table(60)
    with pytest.raises(ModelError, match="not fitted yet"):
        clone(BaselineRegressor("ridge").fit(seqs, y)).predict(seqs)


def test_cross_val_score_and_grid_search(data):
    from sklearn.model_selection import GridSearchCV, cross_val_score

    seqs, y = data
    scores = cross_val_score(BaselineRegressor("ridge"), seqs, y, cv=3)
    assert scores.shape == (3,) and (scores > 0.9).all()
    grid = GridSearchCV(BaselineRegressor("ridge"), {"alpha": [0.1, 1e4]}, cv=3).fit(seqs, y)
    assert grid.best_params_ == {"alpha": 0.1}
    grid = GridSearchCV(BaselineRegressor(alpha=1.0), {"model": ["ridge", "gbm-kmer"]},
                        cv=3).fit(seqs, y)
    assert grid.best_params_ == {"model": "ridge"}
    assert grid.predict(seqs[:4]).shape == (4,)


def test_save_and_load_round_trip_keeps_the_parameters(tmp_path, data, fitted):
    seqs, _ = data
    again = BaselineRegressor.load(fitted.save(tmp_path / "model.joblib"))
    assert again.get_params() == fitted.get_params()
    np.testing.assert_array_equal(again.predict(seqs), fitted.predict(seqs))


# ----- fit's input checks: SequenceRegressor's sentences -----------------------------------
def _fit_error(y, **kwargs):
    seqs, _ = _table(40)
    with pytest.raises(InputError) as err:
        BaselineRegressor("ridge").fit(seqs, y, **kwargs)
    return str(err.value)


def test_text_values_name_the_first_one_that_is_no_number():
    y = ["train"] * 30 + ["test"] * 10  # a split column passed as the values
    assert "the value at index 0 is 'train'" in _fit_error(y)


def test_sample_weight_of_another_length():
    _, y = _table(40)
    assert "sample_weight has 5 values for 40 sequences" in _fit_error(y, sample_weight=[1.0] * 5)


def test_negative_or_all_zero_sample_weights():
    _, y = _table(40)
    w = np.ones(40)
    w[3] = -1
    assert "sample weight -1.0 is negative or not a number" in _fit_error(y, sample_weight=w)
    assert "sample weights sum to zero" in _fit_error(y, sample_weight=np.zeros(40))


def test_missing_and_infinite_values_name_the_row():
    _, y = _table(40)
    assert "the measured value is missing (NaN)" in _fit_error(y * np.nan)
    y2 = y.copy()
    y2[7] = np.inf
    assert "a measured value is infinite" in _fit_error(y2)


def test_the_sentences_are_those_of_sequence_regressor():
    from biochemml import SequenceRegressor

    seqs, y = _table(40)
    w = np.ones(40)
    w[3] = -1
    for bad_y, kwargs in [(["x"] * 40, {}), (y, {"sample_weight": [1.0] * 5}),
                          (y, {"sample_weight": w}), (y * np.nan, {})]:
        messages = []
        for est in (BaselineRegressor("ridge"), SequenceRegressor(model="mlp", epochs=1)):
            with pytest.raises(InputError) as err:
                est.fit(seqs, bad_y, **kwargs)
            messages.append(str(err.value))
        assert messages[0] == messages[1]


def test_multi_target_nan_marks_one_unmeasured_value():
    seqs, y = _table(60)
    ys = np.column_stack([y, -y])
    ys[::3, 1] = np.nan
    est = BaselineRegressor("ridge").fit(seqs, ys)
    assert est.predict(seqs[:5]).shape == (5, 2)


# ----- predict: LengthWarning ------------------------------------------------------------
def _warnings(est, seqs):
    import warnings

    from biochemml.errors import LengthWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pred = est.predict(seqs)
    return pred, [str(w.message) for w in caught if issubclass(w.category, LengthWarning)]


def test_longer_sequences_are_cut_on_the_left_with_a_length_warning(data, fitted):
    seqs, _ = data
    long = "TTT" + seqs[0]
    pred, said = _warnings(fitted, [long, seqs[1]])
    assert said == ["1 sequence (at index 0) is longer than the 9 nt the model was trained on; its last 9 nt "
                    "were used (the model aligns sequences at their end: pads and cuts on the left)"]
    assert pred[0] == pytest.approx(fitted.predict([seqs[0]])[0])  # the 3' end was kept


def test_shorter_sequences_than_every_training_one_are_named(fitted):
    _, said = _warnings(fitted, ["ACGTA", "ACG"])
    assert said == ["2 sequences (at index 0, 1) are shorter than every training sequence (all 9 nt): the "
                    "model never saw such lengths, so read their predictions with care"]


def test_no_warning_for_lengths_seen_in_training(data, fitted):
    seqs, _ = data
    assert _warnings(fitted, seqs[:20])[1] == []


def test_gbm_kmer_reads_longer_sequences_whole_and_says_so(data):
    seqs, y = data
    est = BaselineRegressor("gbm-kmer").fit(seqs, y)
    _, said = _warnings(est, ["ACGT" * 5])
    assert said == ["1 sequence (at index 0) is longer than every training sequence (9 nt at most): gbm-kmer "
                    "reads it whole, but never saw such lengths, so read its prediction with care"]


def test_the_length_warning_is_that_of_sequence_regressor(data, fitted):
    from biochemml import SequenceRegressor

    seqs, y = data
    net = SequenceRegressor(model="mlp", epochs=1, n_models=1).fit(seqs[:100], y[:100])
    new = ["TTT" + seqs[0], "ACG"]
    assert _warnings(fitted, new)[1] == _warnings(net, new)[1]


def test_a_refit_that_fails_keeps_the_fitted_model():
    from biochemml.baselines import BaselineRegressor
    from biochemml.errors import InputError

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 8)) for _ in range(60)]
    y = np.array([s.count("G") for s in seqs], dtype=float)
    est = BaselineRegressor("ridge").fit(seqs, y)
    before = est.predict(seqs[:5])
    with pytest.raises(InputError):
        est.fit(["ACGTACGTACGTACGT"] * 60, ["n.d."] * 60)  # longer sequences, bad values
    assert est.input_length_ == 8 and est.train_lengths_ == (8, 8)
    np.testing.assert_array_equal(est.predict(seqs[:5]), before)


# ----- sample weights -------------------------------------------------------------------
@pytest.mark.parametrize("model", ["ridge", "ridge-pairs"])
def test_the_fit_does_not_depend_on_the_units_of_the_weights(data, model):
    """Read counts or their thousandths weigh the rows alike: the same penalty is chosen
    and the same predictions come out (raw counts used to push alpha to the grid's top)."""
    seqs, y = data
    counts = np.random.default_rng(1).integers(500, 5000, len(seqs)).astype(float)
    fits = [BaselineRegressor(model).fit(seqs[:250], y[:250], sample_weight=counts[:250] * scale)
            for scale in (1.0, 1e-3, 1e3)]
    assert fits[0].alphas_ == fits[1].alphas_ == fits[2].alphas_
    assert fits[0].alphas_[0] < max(BaselineRegressor.ALPHAS)
    for other in fits[1:]:
        np.testing.assert_allclose(other.predict(seqs[250:]), fits[0].predict(seqs[250:]),
                                   rtol=1e-6, atol=1e-6)
    # a weight of the same value everywhere is no weight at all
    plain = BaselineRegressor(model).fit(seqs[:250], y[:250])
    same = BaselineRegressor(model).fit(seqs[:250], y[:250], sample_weight=np.full(250, 37.0))
    assert plain.alphas_ == same.alphas_


def test_a_one_column_dataframe_is_its_sequences(data, fitted):
    seqs, y = data
    table = pd.DataFrame({"utr": list(seqs)})
    # iterating over a DataFrame gives its column names: one 'sequence' ('utr') was predicted
    np.testing.assert_allclose(fitted.predict(table.head(10)), fitted.predict(list(seqs[:10])))
    again = BaselineRegressor("ridge").fit(table.head(250), y[:250])
    np.testing.assert_allclose(again.predict(table), fitted.predict(list(seqs)))
    with pytest.raises(InputError, match="pass the sequence column alone, e.g. df\\['utr'\\]"):
        fitted.predict(table.assign(y=y))


def test_shorter_than_training_names_the_training_lengths_as_they_were():
    from types import SimpleNamespace

    from biochemml.estimators import length_notes

    est = SimpleNamespace(input_length_=30, alphabet="dna", train_lengths_=(20, 30),
                          reads_any_length=True)
    assert length_notes(["ACGT"], est)[0][0] == (
        "1 sequence (at index 0) is shorter than every training sequence (20 nt or more)")
    est.train_lengths_ = (30, 30)
    assert "(all 30 nt)" in length_notes(["ACGT"], est)[0][0]
