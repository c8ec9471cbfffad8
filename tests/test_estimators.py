"""SequenceClassifier / SequenceRegressor: the notebook face of the models."""
import numpy as np
import pandas as pd
import pytest
import torch

from biochemml import SequenceClassifier, SequenceRegressor, metrics
from biochemml.errors import InputError, ModelError
from biochemml.estimators import MODEL_FORMAT_VERSION, load
from biochemml.simulate import lecture_pwm, motif_dataset, regression_dataset
from biochemml.splits import split_indices


@pytest.fixture(scope="module")
def motif_data():
    df = motif_dataset(lecture_pwm(), 400, 400, seed=5)
    tr, _, te = split_indices(len(df), 0.25, seed=1, stratify=df.label)
    return df.iloc[tr], df.iloc[te]


@pytest.fixture(scope="module")
def fitted(motif_data):
    train, _ = motif_data
    labels = np.where(train.label == 1, "bound", "unbound")
    return SequenceClassifier("lecture-cnn", epochs=10, seed=0).fit(train.sequence, labels)


def test_classifier_learns_string_labels(fitted, motif_data):
    _, test = motif_data
    truth = np.where(test.label == 1, "bound", "unbound")
    assert list(fitted.classes_) == ["bound", "unbound"]
    proba = fitted.predict_proba(test.sequence)
    assert proba.shape == (len(test), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert set(fitted.predict(test.sequence)) <= {"bound", "unbound"}
    assert fitted.score(test.sequence, truth) > 0.8
    assert len(fitted.history_["loss"]) == 10 and "val_accuracy" in fitted.history_


def test_save_load_gives_identical_predictions(fitted, motif_data, tmp_path):
    _, test = motif_data
    path = fitted.save(tmp_path / "model.pt")
    again = SequenceClassifier.load(path)
    assert np.array_equal(again.predict_proba(test.sequence), fitted.predict_proba(test.sequence))
    assert np.array_equal(load(tmp_path).classes_, fitted.classes_)
    assert again.history_ == fitted.history_


def test_same_seed_same_model(motif_data):
    train, test = motif_data
    a = SequenceClassifier("lecture-cnn", epochs=3, seed=7).fit(train.sequence, train.label)
    b = SequenceClassifier("lecture-cnn", epochs=3, seed=7).fit(train.sequence, train.label)
    assert np.array_equal(a.predict_proba(test.sequence), b.predict_proba(test.sequence))


def test_model_file_from_another_version_is_refused(fitted, tmp_path):
    path = fitted.save(tmp_path / "model.pt")
    payload = torch.load(path, weights_only=False)
    payload["format_version"] = MODEL_FORMAT_VERSION + 1
    payload["biochemml_version"] = "9.9"
    torch.save(payload, path)
    with pytest.raises(ModelError, match="saved by biochemml 9.9"):
        SequenceClassifier.load(path)
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not a readable"):
        load(tmp_path / "junk.pt")
    with pytest.raises(ModelError, match="no model file"):
        load(tmp_path / "missing.pt")


def test_classifier_input_errors(motif_data):
    train, _ = motif_data
    clf = SequenceClassifier("lecture-cnn", epochs=1)
    with pytest.raises(InputError, match="at least two classes"):
        clf.fit(train.sequence, np.ones(len(train)))
    with pytest.raises(InputError, match="labels"):
        clf.fit(train.sequence, train.label[:10])
    with pytest.raises(InputError, match=r"sequence at index 2: .*symbol 'Z'"):
        clf.fit(["ACGT", "ACGT", "ACZT"], [0, 1, 0])
    labels = train.label.to_numpy().astype(float)
    labels[3] = np.nan
    with pytest.raises(InputError, match="missing"):
        clf.fit(train.sequence, labels)
    with pytest.raises(ModelError, match="not fitted"):
        clf.predict(["ACGT"])


def test_protein_alphabet_rejects_dna_only_symbols_and_accepts_proteins():
    seqs = ["MKTAYIAKQR", "MKTAYIAKQW", "GGGGGGGGGG", "GGGGGGGGGA"] * 10
    clf = SequenceClassifier("lecture-cnn", alphabet="protein", epochs=2, validation_split=0)
    clf.fit(seqs, [1, 1, 0, 0] * 10)
    assert clf.predict_proba(seqs).shape == (40, 2)
    with pytest.raises(InputError, match="protein alphabet"):
        clf.predict(["MKTAYIAKQ1"])


# a small CNN keeps these tests fast; the default regressor is tested in test_regression.py
FAST = dict(model="cnn", model_params=dict(filters=(16,), kernel_sizes=7, pools=1, hidden=0))


@pytest.fixture(scope="module")
def regression_data():
    df = regression_dataset(lecture_pwm(), n=1200, length=30, max_copies=2, noise=0.2, seed=2)
    return df.iloc[:1000], df.iloc[1000:]


def test_regressor_recovers_the_simulated_signal(regression_data):
    train, test = regression_data
    reg = SequenceRegressor(epochs=25, seed=0, **FAST).fit(train.sequence, train.expression)
    r2 = reg.score(test.sequence, test.expression)
    shuffled = SequenceRegressor(epochs=5, seed=0, **FAST).fit(
        train.sequence, np.random.default_rng(0).permutation(train.expression.to_numpy()))
    assert r2 > 0.6
    assert shuffled.score(test.sequence, test.expression) < 0.1


def test_regressor_ensemble_std_and_log_transform_inverts(regression_data):
    train, test = regression_data
    y = np.exp(train.expression.to_numpy() / 2)
    reg = SequenceRegressor(epochs=3, n_models=3, target_transform="log", seed=0, **FAST).fit(
        train.sequence, y)
    # the transform fitted on the training part inverts exactly
    z = reg._transform(y[:, None])
    np.testing.assert_allclose(reg._inverse(z)[:, 0], y, rtol=1e-12)
    mean, std = reg.predict(test.sequence, return_std=True)
    assert mean.shape == std.shape == (len(test),)
    assert (std > 0).all() and (mean > 0).all()
    with pytest.raises(InputError, match="positive values"):
        SequenceRegressor(target_transform="log", epochs=1, **FAST).fit(train.sequence, -y)


def test_regressor_multi_target_with_missing_values(regression_data, tmp_path):
    train, test = regression_data
    y = np.c_[train.expression, train.count_0]
    y[::5, 1] = np.nan
    reg = SequenceRegressor(epochs=3, seed=0, **FAST).fit(train.sequence, y)
    pred = reg.predict(test.sequence)
    assert pred.shape == (len(test), 2)
    again = SequenceRegressor.load(reg.save(tmp_path / "m.pt"))
    np.testing.assert_array_equal(again.predict(test.sequence), pred)
    assert not hasattr(reg, "target_names_")  # an array names no target
    # a table of targets names the prediction columns, kept by save and load
    named = SequenceRegressor(epochs=1, seed=0, **FAST).fit(
        train.sequence, pd.DataFrame(y, columns=["gfp", "rfp"]))
    assert named.target_names_ == ["gfp", "rfp"]
    assert SequenceRegressor.load(named.save(tmp_path / "n.pt")).target_names_ == ["gfp", "rfp"]
    bad = y.copy()
    bad[4] = np.nan
    with pytest.raises(InputError, match="sequence at index 4: the measured value is missing"):
        SequenceRegressor(epochs=1, **FAST).fit(train.sequence, bad)


def test_sample_weights_change_the_fit(regression_data):
    train, test = regression_data
    w = np.where(train.expression > train.expression.median(), 10.0, 0.1)
    a = SequenceRegressor(epochs=2, seed=0, **FAST).fit(train.sequence, train.expression)
    b = SequenceRegressor(epochs=2, seed=0, **FAST).fit(train.sequence, train.expression,
                                                       sample_weight=w)
    assert not np.allclose(a.predict(test.sequence), b.predict(test.sequence))
    with pytest.raises(InputError, match="negative"):
        SequenceRegressor(epochs=1, **FAST).fit(train.sequence, train.expression, sample_weight=-w)


def test_ensemble_intervals_are_calibrated_on_validation_rows(tmp_path):
    from biochemml.metrics import interval_coverage

    df = regression_dataset(lecture_pwm(), n=3000, length=30, noise=0.5, seed=1)
    train, test = df.iloc[:2400], df.iloc[2400:]
    reg = SequenceRegressor(n_models=4, epochs=20, seed=0, **FAST).fit(train.sequence, train.expression)
    mean, std = reg.predict(test.sequence, return_std=True)
    # raw member spread is far too narrow; the floor and the factor fitted on the
    # validation rows widen it (4-5.5 times here over seeds 0-2)
    raw = reg._inverse(reg._raw_outputs(test.sequence))[..., 0].std(axis=0, ddof=1)
    assert reg.std_floor_[0] > 0 and np.median(std) > 3 * np.median(raw)
    cover = interval_coverage(test.expression.to_numpy(), mean, std)
    assert 0.88 <= cover[0.95] <= 0.99
    assert 0.55 <= cover[0.68] <= 0.82
    # the reported intervals: each level has its own factor, so the 68 % one holds about 68 %
    _, _, bounds = reg.predict_bounds(test.sequence)
    held = metrics.bounds_coverage(test.expression.to_numpy(),
                                   {0.68: bounds[:, :2].T, 0.95: bounds[:, 2:].T})
    assert 0.60 <= held[0.68] <= 0.76 and 0.88 <= held[0.95] <= 0.99
    again = SequenceRegressor.load(reg.save(tmp_path / "ens.pt"))
    np.testing.assert_allclose(again.predict(test.sequence, return_std=True)[1], std)
    np.testing.assert_allclose(again.predict_bounds(test.sequence)[2], bounds)


def test_two_networks_give_intervals_on_the_scale_of_the_errors():
    from biochemml.metrics import interval_coverage

    df = regression_dataset(lecture_pwm(), n=3000, length=30, noise=0.5, seed=1)
    train, test = df.iloc[:2400], df.iloc[2400:]
    reg = SequenceRegressor(n_models=2, epochs=6, seed=0, **FAST).fit(train.sequence, train.expression)
    mean, std = reg.predict(test.sequence, return_std=True)
    errors = np.abs(test.expression.to_numpy() - mean)
    # two members' spread has a Cauchy-like z: a root-mean-square factor blew the intervals
    # up 100-fold (a median std of 49 against a median error of 0.47 here), the 95th
    # percentile of z alone to 4-7.5 median errors (seeds 0-3); with the floor under the
    # spread the median std is 1.3-1.7 median errors (a Gaussian's is 1.48), and the
    # intervals still hold 95 % of the values
    assert np.median(std) < 2.5 * np.median(errors)
    assert 0.88 <= interval_coverage(test.expression.to_numpy(), mean, std)[0.95] <= 0.99


def test_one_network_gives_one_width_from_its_validation_errors(tmp_path):
    from biochemml.estimators import interval_kind, spread_floor

    df = regression_dataset(lecture_pwm(), n=3000, length=30, noise=0.5, seed=1)
    train, val, test = df.iloc[:2000], df.iloc[2000:2400], df.iloc[2400:]
    reg = SequenceRegressor(n_models=1, epochs=6, seed=0, **FAST).fit(
        train.sequence, train.expression, validation_data=(val.sequence, val.expression))
    assert interval_kind(reg) == "one width"
    # the width: the 95th percentile of the validation errors (split-conformal), the 68 %
    # half-width their 68th percentile, the floor their root-mean-square
    resid = np.abs(val.expression.to_numpy() - reg.predict(val.sequence))
    mean, std, bounds = reg.predict_bounds(test.sequence)
    np.testing.assert_allclose(std, np.quantile(resid, 0.95) / 1.959964, rtol=1e-6)
    np.testing.assert_allclose(bounds[:, 1] - mean, np.quantile(resid, 0.682689), rtol=1e-6)
    np.testing.assert_allclose(bounds[:, 3] - bounds[:, 2], 2 * 1.959964 * std, rtol=1e-6)
    assert reg.std_floor_[0] == pytest.approx(np.sqrt(np.mean(resid ** 2)), rel=1e-6)
    held = metrics.bounds_coverage(test.expression.to_numpy(),
                                   {0.68: bounds[:, :2].T, 0.95: bounds[:, 2:].T})
    assert 0.60 <= held[0.68] <= 0.76 and 0.90 <= held[0.95] <= 0.98
    again = SequenceRegressor.load(reg.save(tmp_path / "one.pt"))
    assert interval_kind(again) == "one width"
    np.testing.assert_allclose(again.predict_bounds(test.sequence)[2], bounds)
    # without a spread the floor is the errors' root-mean-square
    assert spread_floor(np.array([3.0, -4.0]), np.zeros(2)) == pytest.approx(np.sqrt(12.5))
    # fewer than 30 validation rows size no interval: NaN, not zero
    few = SequenceRegressor(n_models=1, epochs=1, seed=0, **FAST).fit(
        train.sequence, train.expression,
        validation_data=(val.sequence[:29], val.expression[:29]))
    assert interval_kind(few) is None and np.isnan(few.predict(test.sequence[:5], True)[1]).all()


def test_one_network_saved_without_a_width_keeps_none_and_a_target_without_one_is_nan(
        monkeypatch):
    from biochemml.estimators import interval_kind

    reg = SequenceRegressor(n_models=1, target_transform="none")
    reg.models_, reg.n_targets_, reg._multi = [None], 2, True
    reg.target_mean_, reg.target_scale_ = np.zeros(2), np.ones(2)
    monkeypatch.setattr(reg, "_raw_outputs", lambda seqs: np.ones((1, 3, 2)))
    for saved in ({}, {"std_floor_": np.zeros(2)}):  # before single-network widths
        reg.__dict__.update(saved)
        assert interval_kind(reg) is None
        assert np.isnan(reg.predict_bounds(["A", "C", "G"])[1]).all()
    # a width for the first target only (the second had too few measured values)
    reg.std_floor_, reg.std_scale_, reg.std_scale_68_ = np.array([0.5, 0.0]), np.full(2, 2.0), \
        np.full(2, 1.5)
    assert interval_kind(reg) == "one width"
    mean, std, bounds = reg.predict_bounds(["A", "C", "G"])
    np.testing.assert_allclose(std[:, 0], 1.0)
    np.testing.assert_allclose(bounds[:, 0], [[0.25, 1.75, 1 - 1.959964, 1 + 1.959964]] * 3)
    assert np.isnan(std[:, 1]).all() and np.isnan(bounds[:, 1]).all()


def test_the_spread_factor_is_the_95th_percentile_of_validation_z(monkeypatch):
    reg = SequenceRegressor(n_models=2, target_transform="none")
    reg.models_, reg.n_targets_ = [None, None], 1
    reg.target_mean_, reg.target_scale_ = np.array([10.0]), np.array([2.0])
    members = np.zeros((2, 200, 1))
    members[0, :, 0], members[1, :, 0] = -0.5, 0.5        # mean 0, member sd 1/sqrt(2)
    monkeypatch.setattr(reg, "_member_outputs", lambda codes: members)
    z_val = np.linspace(-3, 3, 200)[:, None] / np.sqrt(2)  # |z| uniform on [0, 3]
    expected = np.quantile(np.abs(np.linspace(-3, 3, 200)), 0.95) / 1.959964
    expected_68 = np.quantile(np.abs(np.linspace(-3, 3, 200)), 0.682689)  # about 2.05
    # measured on the scale of the values (2 z + 10 here): the same factors
    # (the members' spread is the same on every row, so no floor can fit better: 0)
    scale_95, scale_68, floor = reg._calibrate(np.zeros((200, 4)), 2 * z_val + 10)
    assert scale_95[0] == pytest.approx(expected) and scale_68[0] == pytest.approx(expected_68)
    assert floor[0] == 0
    # |z| uniform on [0, 3] has a lighter tail than a Gaussian's: one factor would have given
    # a 68 % interval of half-width 1.55, holding only 52 % of the rows
    assert scale_68[0] > scale_95[0] * 1.3
    # a log target: the spread of the members' exponentials, as predict reports it
    reg.target_transform = "log"
    reg.target_mean_, reg.target_scale_ = np.array([0.0]), np.array([1.0])
    z = np.linspace(-3, 3, 200)[:, None]
    values = np.exp(members).mean(axis=0) + z * np.exp(members).std(axis=0, ddof=1)
    assert reg._calibrate(np.zeros((200, 4)), values)[0][0] == pytest.approx(expected)


def test_runs_saved_before_the_68_factor_keep_their_intervals(monkeypatch):
    reg = SequenceRegressor(n_models=2, target_transform="none")
    reg.models_, reg.n_targets_, reg._multi = [None, None], 1, False
    reg.target_mean_, reg.target_scale_ = np.array([0.0]), np.array([1.0])
    members = np.zeros((2, 3, 1))
    members[0], members[1] = -1.0, 1.0                     # mean 0, member sd sqrt(2)
    monkeypatch.setattr(reg, "_raw_outputs", lambda seqs: members)
    reg.std_scale_, reg.std_scale_68_ = np.array([2.0]), np.array([1.5])
    _, std, bounds = reg.predict_bounds(["A", "C", "G"])
    np.testing.assert_allclose(std, 2 * np.sqrt(2))
    np.testing.assert_allclose(bounds[0], [-1.5 * np.sqrt(2), 1.5 * np.sqrt(2),
                                           -1.959964 * 2 * np.sqrt(2), 1.959964 * 2 * np.sqrt(2)])
    reg.std_floor_ = np.array([np.sqrt(2)])                # sqrt(2 + 2) = 2 before the factors
    _, std, bounds = reg.predict_bounds(["A", "C", "G"])
    np.testing.assert_allclose(std, 2 * 2)
    np.testing.assert_allclose(bounds[0], [-1.5 * 2, 1.5 * 2, -1.959964 * 4, 1.959964 * 4])
    del reg.std_floor_, reg.std_scale_68_                  # a run saved before: mean ± 1 std
    np.testing.assert_allclose(reg.predict_bounds(["A"])[2][0, :2], [-2 * np.sqrt(2), 2 * np.sqrt(2)])


def test_the_floor_under_the_spread_is_found_from_the_errors():
    from biochemml.estimators import spread_floor

    rng = np.random.default_rng(0)
    spread = rng.lognormal(0.0, 0.7, 20_000)              # median 1
    z = rng.standard_normal(20_000)
    # errors whose sd is 3 * sqrt(spread**2 + 1): the floor is 1 (a grid point), whatever the 3
    c = spread_floor(3 * z * np.sqrt(spread ** 2 + 1.0), spread)
    assert c == pytest.approx(1.0, rel=0.25)
    c = spread_floor(3 * z * np.sqrt(spread ** 2 + 0.3 ** 2), spread)
    assert c == pytest.approx(0.3, rel=0.25)
    # errors proportional to the spread: no floor; errors that ignore it: a floor far above it
    assert spread_floor(z * spread, spread) < 0.05
    assert spread_floor(z, spread) > 30
    # members that agree exactly on some rows: the floor keeps every variance positive
    spread[:100] = 0.0
    assert spread_floor(z * np.sqrt(spread ** 2 + 1.0), spread) > 0


def test_fitting_leaves_the_callers_random_state_alone():
    import random

    import pandas as pd
    import torch

    from biochemml.bioprocess import ConditionModel
    from biochemml.seeding import seeded

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 8)) for _ in range(60)]
    y = np.array([s.count("G") for s in seqs], dtype=float)
    X = pd.DataFrame({"T": np.linspace(25, 37, 8)})

    def draws():
        return np.random.rand(), random.random(), float(torch.rand(1))

    def fits():
        SequenceRegressor(model="mlp", n_models=2, epochs=1, seed=0).fit(seqs, y)
        ConditionModel(kind="gp", seed=0).fit(X, X["T"] ** 2)

    fits()  # first imports (rich draws a random number when imported) happen here
    np.random.seed(123), random.seed(123), torch.manual_seed(123)
    expected = draws()
    np.random.seed(123), random.seed(123), torch.manual_seed(123)
    fits()
    assert draws() == expected  # a bootstrap loop around fit draws new samples
    with seeded(5):
        inside = np.random.rand()
    with seeded(5):
        assert np.random.rand() == inside


def test_model_params_with_the_default_model_go_to_the_network_it_picks():
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 9)) for _ in range(80)]
    y = np.array([s.count("G") for s in seqs], dtype=float)
    plain = SequenceRegressor(epochs=1, n_models=1, seed=0).fit(seqs, y)
    tuned = SequenceRegressor(epochs=1, n_models=1, seed=0,
                              model_params={"dropout": 0.3}).fit(seqs, y)
    assert plain.model_name_ == tuned.model_name_ == "mlp"
    assert tuned.model_params_["dropout"] == 0.3
    assert {k: v for k, v in tuned.model_params_.items() if k != "dropout"} == \
        {k: v for k, v in plain.model_params_.items() if k != "dropout"}  # presets kept
    nested = SequenceRegressor(epochs=1, n_models=1, seed=0,
                               model_params={"mlp": {"dropout": 0.25},
                                             "framepool": {"filters": (8,)}}).fit(seqs, y)
    assert nested.model_name_ == "mlp" and nested.model_params_["dropout"] == 0.25
    auto5 = SequenceRegressor(epochs=1, seed=0, model_params={"dropout": 0.3}).fit(seqs, y)
    assert auto5.n_models_ == 5  # the auto ensemble of a small table stays
    with pytest.raises(InputError):
        SequenceRegressor(epochs=1, n_models=1, model_params={"no_such_option": 1}).fit(seqs, y)


def test_doctests_of_the_seeding_and_number_checks():
    import doctest

    from biochemml import numeric, seeding

    for module in (numeric, seeding):
        assert doctest.testmod(module).failed == 0


def test_graph_networks_leave_the_callers_random_state_alone():
    import torch

    from biochemml.protein import GraphVariantRegressor

    wt = "MKTAYIAKQRQISFVKSHFSRQ"
    variants = [f"{wt[i]}{i}{a}" for i in range(1, 12) for a in "AGL" if a != wt[i]]
    y = np.arange(len(variants), dtype=float)
    model = GraphVariantRegressor(wt, epochs=1, n_models=2)
    model.fit(variants, y)  # first imports
    torch.manual_seed(7)
    expected = float(torch.rand(1))
    torch.manual_seed(7)
    model.fit(variants, y)
    assert float(torch.rand(1)) == expected


def test_numbers_read_from_cells_one_way():
    from biochemml.bioprocess import Factor
    from biochemml.estimators import as_classes

    level = Factor("inducer", "categorical", levels=(0.1, 1)).level_of
    assert level("1.0") == 1 and level(1.0) == 1 and level("0.10") == 0.1 and level("2") is None
    mapped, unknown = as_classes(["1.0", 1, np.float64(0.0), "x"], np.array([0, 1]))
    assert mapped[:3].tolist() == [1, 1, 0] and unknown.tolist() == [3]
