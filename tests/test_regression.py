"""Sequence -> value models: neural models, baselines, transforms, ensembles."""
import numpy as np
import pytest
import torch

from biochemml.baselines import BaselineRegressor, one_hot_features
from biochemml.estimators import SequenceRegressor
from biochemml.models import build
from biochemml.presets import DEFAULT_MODEL
from biochemml.simulate import lecture_pwm, regression_dataset


@pytest.fixture(scope="module")
def motif_data():
    df = regression_dataset(lecture_pwm(), n=1500, length=24, max_copies=2, noise=0.3, seed=1)
    return df.sequence.to_numpy(), df.expression.to_numpy(), df.signal.to_numpy()


def _additive(n, length, seed, pair_effect=0.0):
    """Random sequences with a known additive (and optionally neighbour-pair) signal."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, length))
    effects = rng.normal(size=(length, 4))
    y = effects[np.arange(length), codes].sum(axis=1)
    y += pair_effect * ((codes[:, :-1] == 2) & (codes[:, 1:] == 2)).sum(axis=1)  # "GG" steps
    seqs = np.array(["".join("ACGT"[c] for c in row) for row in codes], dtype=object)
    return seqs, y


@pytest.mark.parametrize("name", ["optimus", "legnet", "framepool", "mlp", "auto"])
@pytest.mark.parametrize("length", [9, 37])
def test_regression_models_map_one_hot_to_one_value_per_target(name, length):
    net = build(name, length, task="regression", n_outputs=3)
    out = net(torch.zeros(5, 4, length))
    assert out.shape == (5, 3)


def test_default_model_recovers_simulated_signal_far_above_shuffled_labels(motif_data):
    seqs, y, signal = motif_data
    tr, te = slice(0, 1200), slice(1200, None)

    def r2(values):
        est = SequenceRegressor(epochs=8, seed=0).fit(seqs[tr], values[tr])
        return est.score(seqs[te], y[te]), est

    real, est = r2(y)
    shuffled, _ = r2(np.random.default_rng(0).permutation(y))
    ceiling = 1 - np.var(y[te] - signal[te]) / np.var(y[te])
    # the default "auto" resolves to FramePool above 20 nt (24 nt here)
    assert DEFAULT_MODEL["regression"] == "auto" and est.model_name_ == "framepool"
    # with the preset's width (64 filters a layer; the published 128 on request)
    assert est.model_params_["filters"] == (64, 64, 64)
    assert est.models_[0].blocks[1].conv.weight.shape == (64, 64, 7)
    wide = SequenceRegressor("framepool", epochs=1, model_params={"filters": (128,) * 3})
    assert wide.fit(seqs[:50], y[:50]).models_[0].blocks[1].conv.weight.shape == (128, 128, 7)
    assert real > 0.5 * ceiling and real > 0.4
    assert shuffled < 0.05
    assert real - shuffled > 0.35


def test_target_transforms_invert_exactly():
    seqs, y = _additive(200, 8, seed=0)
    y = np.exp(y / 4)
    for transform in ("standardize", "log", "none"):
        est = SequenceRegressor(model="mlp", epochs=1, target_transform=transform, seed=0)
        est.fit(seqs, y)
        z = est._transform(y.reshape(-1, 1))
        np.testing.assert_allclose(est._inverse(z)[:, 0], y, rtol=1e-12)
        if transform != "none":  # fitted on the training part: centred there
            assert abs(z[est._split_validation(len(y))[0]].mean()) < 1e-9


def test_ensemble_returns_mean_and_positive_std_and_survives_save_load(tmp_path):
    seqs, y = _additive(300, 10, seed=1)
    est = SequenceRegressor(model="mlp", epochs=2, n_models=2, seed=0).fit(seqs, y)
    mean, std = est.predict(seqs[:50], return_std=True)
    assert mean.shape == std.shape == (50,)
    assert (std > 0).all()
    from biochemml.estimators import load

    again = load(est.save(tmp_path / "m.pt"))
    np.testing.assert_allclose(again.predict(seqs[:50], return_std=True)[1], std, rtol=1e-5)


@pytest.mark.parametrize("n_models", [1, 2])
def test_training_on_every_row_without_validation_rows(n_models, recwarn):
    # validation_split=0: train on all rows for a fixed number of epochs (e.g. a refit after
    # choosing the epochs); the spread is then left uncalibrated (scale 1), not an error
    seqs, y = _additive(200, 8, seed=2)
    est = SequenceRegressor(model="mlp", epochs=2, n_models=n_models, validation_split=0,
                            seed=0).fit(seqs, y)
    mean, std = est.predict(seqs[:20], return_std=True)
    assert mean.shape == std.shape == (20,) and np.isfinite(mean).all()
    assert (std > 0).all() if n_models > 1 else np.isnan(std).all()  # no spread: not 0
    np.testing.assert_array_equal(est.std_scale_, [1.0])
    assert not [w for w in recwarn if "val_dataloader" in str(w.message)]


def test_auto_ensemble_trains_five_mlps_on_small_tables_of_short_sequences(tmp_path, monkeypatch):
    from biochemml import estimators
    from biochemml.estimators import load

    seqs, y = _additive(120, 10, seed=2)
    est = SequenceRegressor(epochs=1, seed=0).fit(seqs, y)  # n_models="auto" by default
    assert est.n_models == "auto" and est.model_name_ == "mlp"
    assert est.n_models_ == len(est.models_) == estimators.AUTO_ENSEMBLE_SIZE == 5
    assert (est.predict(seqs[:20], return_std=True)[1] > 0).all()
    assert load(est.save(tmp_path / "m.pt")).n_models_ == 5
    # above the row limit, or when the network is not the MLP, one network
    monkeypatch.setattr(estimators, "AUTO_ENSEMBLE_MAX_ROWS", 50)
    assert SequenceRegressor(epochs=1).fit(seqs, y).n_models_ == 1
    monkeypatch.undo()
    long_seqs, long_y = _additive(40, 24, seed=3)
    cnn = SequenceRegressor(epochs=1).fit(long_seqs, long_y)  # > 20 nt: framepool
    assert (cnn.model_name_, cnn.n_models_) == ("framepool", 1)
    # with the preset's position gate, which a saved model keeps
    assert cnn.model_params_["position_gate"] is True
    with torch.no_grad():
        cnn.models_[0].end_gate_logits.normal_()
    again = load(cnn.save(tmp_path / "framepool.pt"))
    torch.testing.assert_close(again.models_[0].end_gate_logits, cnn.models_[0].end_gate_logits)
    np.testing.assert_allclose(again.predict(long_seqs), cnn.predict(long_seqs), rtol=1e-6)
    assert SequenceRegressor(model="mlp", epochs=1, n_models=2).fit(seqs, y).n_models_ == 2


def test_auto_takes_the_mlp_for_a_variant_library_of_long_sequences():
    from biochemml.encode.codes import to_codes
    from biochemml.models.regression import is_variant_library

    rng = np.random.default_rng(4)
    parent = "".join(rng.choice(list("ACDEFGHIKLMNPQRSTVWY"), 40))
    variants = []
    for _ in range(60):
        s = list(parent)
        for i in rng.choice(40, 2, replace=False):
            s[i] = rng.choice(list("ACDEFGHIKLMNPQRSTVWY"))
        variants.append("".join(s))
    y = np.array([v.count("W") for v in variants], dtype=float)
    assert is_variant_library(to_codes(variants, "protein")[0], 20)
    est = SequenceRegressor(epochs=1, alphabet="protein").fit(variants, y)
    assert (est.model_name_, est.n_models_) == ("mlp", 5)
    # unrelated sequences, or a library with sequences of several lengths, are no variant library
    unrelated = ["".join(rng.choice(list("ACDEFGHIKLMNPQRSTVWY"), 40)) for _ in range(60)]
    assert not is_variant_library(to_codes(unrelated, "protein")[0], 20)
    assert not is_variant_library(to_codes(variants[:59] + [parent[:30]], "protein")[0], 20)
    # unrelated proteins: the dilated CNN, not FramePool's reading frames of a 5' UTR
    assert SequenceRegressor(epochs=1, alphabet="protein").fit(unrelated, y).model_name_ == \
        "dilated-cnn"
    dna = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(60)]
    assert SequenceRegressor(epochs=1).fit(dna, y).model_name_ == "framepool"


@pytest.mark.parametrize("bad", [0, -1, 2.5, "three", True])
def test_n_models_must_be_a_whole_number_or_auto(bad):
    from biochemml.errors import InputError

    seqs, y = _additive(40, 8, seed=0)
    with pytest.raises(InputError, match="n_models must be a whole number"):
        SequenceRegressor(model="mlp", epochs=1, n_models=bad).fit(seqs, y)


def test_multi_target_with_missing_values_and_weights():
    seqs, y = _additive(300, 10, seed=2)
    ys = np.column_stack([y, -y])
    ys[::3, 1] = np.nan
    est = SequenceRegressor(model="mlp", epochs=2, seed=0).fit(seqs, ys, sample_weight=np.ones(300))
    assert est.predict(seqs[:7]).shape == (7, 2)


def test_left_padding_aligns_utrs_at_their_3_end():
    est = SequenceRegressor(model="mlp", epochs=1, pad="left", seed=0).fit(
        ["ACGTAC", "GTAC", "TTGTAC", "AC"] * 10, np.arange(40.0))
    codes = est._codes(["GTAC"], fitting=False)
    assert codes[0, -4:].tolist() == [2, 3, 0, 1] and (codes[0, :2] == 5).all()


def test_ridge_is_the_additive_model_and_pairs_add_neighbour_epistasis():
    seqs, y = _additive(3000, 12, seed=3, pair_effect=2.0)
    tr, te = slice(0, 2500), slice(2500, None)
    ridge = BaselineRegressor("ridge").fit(seqs[tr], y[tr]).score(seqs[te], y[te])
    pairs = BaselineRegressor("ridge-pairs").fit(seqs[tr], y[tr]).score(seqs[te], y[te])
    assert pairs > 0.98 and ridge < pairs - 0.02


def test_ridge_chooses_its_penalty_on_held_out_rows():
    from biochemml.errors import InputError

    # 150 training rows of 60 nt (240 one-hot columns) and a weak additive signal: a penalty
    # of 1 fits the noise, the chosen one does not
    seqs, y = _additive(400, 60, seed=5)
    y = y + np.random.default_rng(5).normal(0, 3 * y.std(), len(y))
    tr, te = slice(0, 150), slice(150, None)
    fixed = BaselineRegressor("ridge", alpha=1.0).fit(seqs[tr], y[tr])
    auto = BaselineRegressor("ridge").fit(seqs[tr], y[tr])
    assert auto.alphas_[0] > 1.0 and auto.alphas_[0] in BaselineRegressor.ALPHAS
    assert auto.score(seqs[te], y[te]) > fixed.score(seqs[te], y[te]) + 0.1
    assert fixed.alphas_ == [1.0]
    with pytest.raises(InputError, match="alpha must be"):
        BaselineRegressor("ridge", alpha=0).fit(seqs[tr], y[tr])


def test_pair_features_mark_each_neighbouring_pair_once():
    from biochemml.encode import to_codes

    x = one_hot_features(to_codes(["ACG"])[0], 4, pairs=True).toarray()[0]
    assert x.sum() == 3 + 2
    assert x[12 + 0 * 16 + 0 * 4 + 1] == 1 and x[12 + 1 * 16 + 1 * 4 + 2] == 1  # AC, CG


def test_gbm_kmer_baseline_finds_motif_counts_and_round_trips(tmp_path, motif_data):
    seqs, y, _ = motif_data
    est = BaselineRegressor("gbm-kmer").fit(seqs[:800], y[:800])
    assert est.score(seqs[1200:], y[1200:]) > 0.3
    again = BaselineRegressor.load(est.save(tmp_path / "b.joblib"))
    np.testing.assert_array_equal(again.predict(seqs[:5]), est.predict(seqs[:5]))
    mean, std = again.predict(seqs[:5], return_std=True)
    assert np.isnan(std).all() and np.isfinite(mean).all()


def test_unknown_baseline_is_a_clear_error():
    from biochemml.errors import InputError

    with pytest.raises(InputError, match="unknown baseline"):
        BaselineRegressor("lasso").fit(["ACGT", "ACGA"], [1.0, 2.0])


def test_sequence_regressor_points_baseline_names_to_the_baseline_class():
    from biochemml.errors import InputError

    with pytest.raises(InputError, match=r"BaselineRegressor\('ridge-pairs'\)"):
        SequenceRegressor(model="ridge-pairs").fit(["ACGT", "ACGA"], [1.0, 2.0])


def test_mlp_pair_inputs_make_pairwise_epistasis_linear():
    from biochemml import train
    from biochemml.encode import to_codes

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 6)) for _ in range(1500)]
    codes, _ = to_codes(seqs)
    # pure epistasis: A at position 0 together with G at position 3, nothing alone
    y = ((codes[:, 0] == 0) & (codes[:, 3] == 2)).astype(float) * 4 - 0.25
    r2 = {}
    for pairs in (False, True):
        torch.manual_seed(0)
        net = build("mlp", 6, task="regression", n_outputs=1, hidden=(), pairs=pairs)
        info = train.fit(net, codes[:1200], y[:1200], codes[1200:], y[1200:], task="regression",
                         epochs=40, lr=3e-2, batch_size=100, seed=0)
        r2[pairs] = info["history"]["val_r2"][-1]
    assert r2[True] > 0.95 and r2[False] < 0.5
    with pytest.raises(Exception, match="up to 30"):
        build("mlp", 31, task="regression", n_outputs=1, pairs=True)


def test_mlp_motif_features_find_a_motif_at_any_position():
    from biochemml import train
    from biochemml.encode import to_codes

    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(2000)]
    for i in range(0, 2000, 2):  # half carry GGAG at a random place
        at = rng.integers(0, 9)
        seqs[i] = seqs[i][:at] + "GGAG" + seqs[i][at + 4:]
    codes, _ = to_codes(seqs)
    y = np.array([s.count("GGAG") for s in seqs], dtype=float)
    r2 = {}
    for filters in (0, 4):  # no hidden layer: a linear model of the one-hot (+ motif features)
        torch.manual_seed(0)
        net = build("mlp", 12, task="regression", n_outputs=1, hidden=(), conv_filters=filters,
                    conv_widths=(5,))
        info = train.fit(net, codes[:1600], y[:1600], codes[1600:], y[1600:], task="regression",
                         epochs=40, lr=1e-2, batch_size=100, seed=0)
        r2[filters] = max(info["history"]["val_r2"])
    assert r2[4] > 0.9 and r2[0] < 0.5, r2
    with pytest.raises(Exception, match="conv_filters must be 0"):
        build("mlp", 9, task="regression", n_outputs=1, conv_filters=-1)


def test_mlp_additive_path_is_a_linear_model_beside_the_hidden_layers():
    torch.manual_seed(0)
    net = build("mlp", 7, task="regression", n_outputs=2, additive=True).eval()
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (16, 7)), 4).float().transpose(1, 2)
    with torch.no_grad():
        net.net[-1].weight.zero_()
        net.net[-1].bias.zero_()
        expected = x.flatten(1) @ net.linear.weight.T + net.linear.bias
    torch.testing.assert_close(net(x), expected)
    assert build("mlp", 7, task="regression", n_outputs=1).linear is None


def test_small_tables_train_the_mlp_with_smaller_batches():
    from biochemml.presets import mlp_batch_size

    assert [mlp_batch_size(n, 1024) for n in (50, 900, 1600, 4500, 20000, 230000)] == \
        [64, 64, 128, 256, 1024, 1024]
    assert mlp_batch_size(4500, 128) == 128  # never above the preset
    seqs, y = _additive(300, 12, seed=3)
    est = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0).fit(seqs, y)
    assert est.training_["batch_size"] == 64 and est.model_params_["additive"] is True
    mine = SequenceRegressor(model="mlp", epochs=1, n_models=1, batch_size=30, seed=0).fit(seqs, y)
    assert mine.training_["batch_size"] == 30  # the user's choice is kept


def test_small_tables_train_framepool_and_legnet_with_smaller_batches():
    from biochemml.presets import cnn_batch_size

    assert [cnn_batch_size(n, 128) for n in (100, 1600, 2400, 4500, 4600, 6080, 250000)] == \
        [32, 32, 64, 64, 128, 128, 128]
    assert cnn_batch_size(1600, 16) == 16  # never above the preset
    seqs, y = _additive(300, 30, seed=3)  # 30 nt: auto takes FramePool
    est = SequenceRegressor(epochs=1, seed=0).fit(seqs, y)
    assert (est.model_name_, est.training_["batch_size"]) == ("framepool", 32)
    legnet = SequenceRegressor(model="legnet", epochs=1, seed=0).fit(seqs, y)
    assert legnet.training_["batch_size"] == 32
    mine = SequenceRegressor(epochs=1, batch_size=100, seed=0).fit(seqs, y)
    assert mine.training_["batch_size"] == 100  # the user's choice is kept
    optimus = SequenceRegressor(model="optimus", epochs=1, seed=0).fit(seqs, y)
    assert optimus.training_["batch_size"] == 128  # measured for FramePool and LegNet only



def test_stop_codons_in_the_20_letter_protein_alphabet_are_warned_about(recwarn):
    seqs = ["MKLA", "MK*A", "MRLA", "MKLW"] * 10
    y = np.arange(40, dtype=float)
    with pytest.warns(UserWarning, match="alphabet='protein-stop' reads it as a 21st letter"):
        SequenceRegressor(model="mlp", alphabet="protein", epochs=1, n_models=1).fit(seqs, y)
    recwarn.clear()
    est = SequenceRegressor(model="mlp", alphabet="protein-stop", epochs=1, n_models=1).fit(seqs, y)
    assert not [w for w in recwarn if "protein-stop" in str(w.message)]
    assert est.models_[0].linear.in_features == 4 * 21  # the additive path reads the one-hot


def test_framepool_reads_longer_sequences_whole_and_other_models_cut_them():
    rng = np.random.default_rng(6)
    seqs = np.array(["".join(rng.choice(list("ACGT"), rng.integers(20, 31)))
                     for _ in range(120)], dtype=object)
    y = np.array([s.count("GC") for s in seqs], dtype=float)
    long = "GCGCGCGCGCGCGCGCGCGC" + seqs[0]           # 20 more bases on the 5' side
    frame = SequenceRegressor(model="framepool", epochs=1, n_models=1, seed=0).fit(seqs, y)
    assert frame.reads_any_length and frame.input_length_ == 30
    assert frame.predict([long])[0] != pytest.approx(frame.predict([long[-30:]])[0])
    mlp = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0).fit(seqs, y)
    assert not mlp.reads_any_length
    kept = long[-30:] if mlp.pad == "left" else long[:30]  # the end its padding aligns
    assert mlp.predict([long])[0] == pytest.approx(mlp.predict([kept])[0])



def test_framepool_knows_its_padding_side_so_an_end_n_is_a_base(tmp_path):
    from biochemml.estimators import load
    from biochemml.models.cnn import real_positions

    rng = np.random.default_rng(7)
    seqs = ["".join(rng.choice(list("ACGT"), rng.integers(20, 31))) for _ in range(80)]
    frame = SequenceRegressor(model="framepool", epochs=1, n_models=1, seed=0).fit(
        seqs, [s.count("A") for s in seqs])
    again = load(frame.save(tmp_path / "f.pt"))
    for est in (frame, again):
        assert est.models_[0].pad_side == "left"
    # the 3' N (next to the start codon) is a base: the frames upstream do not move
    x = torch.as_tensor(np.zeros((1, 4, 30), dtype=np.float32))
    x[0, 0, 5:29] = 1.0  # 24 bases of A, then an N (all-zero) at the last column
    assert real_positions(x, again.models_[0].pad_side).sum() == 25


def test_the_short_sequence_mlp_preset_takes_motif_features_and_a_plateau_schedule():
    from biochemml.presets import SHORT_MLP_MAX_LENGTH, presets

    params, training = presets("mlp", "regression", SHORT_MLP_MAX_LENGTH)
    assert params["conv_filters"] == 64 and training["schedule"] == "plateau"
    params, training = presets("mlp", "regression", SHORT_MLP_MAX_LENGTH + 1)
    assert "conv_filters" not in params and "schedule" not in training
    assert "conv_filters" not in presets("mlp", "classification", 9)[0]
    seqs, y = _additive(200, 9, seed=4)
    est = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0).fit(seqs, y)
    assert est.models_[0].convs is not None and est.training_["schedule"] == "plateau"
    plain = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0, schedule="constant",
                              model_params={"conv_filters": 0}).fit(seqs, y)
    assert plain.models_[0].convs is None and plain.training_["schedule"] == "constant"


def test_one_short_sequence_mlp_on_a_large_table_averages_its_weights():
    from biochemml.presets import AUTO_ENSEMBLE_MAX_ROWS, SHORT_MLP_AVERAGE_EPOCHS, presets

    large = presets("mlp", "regression", 9, AUTO_ENSEMBLE_MAX_ROWS + 1)[1]
    assert large["average_epochs"] == SHORT_MLP_AVERAGE_EPOCHS == 5
    # small tables get five networks instead; long sequences and other models never average
    for args in [("mlp", "regression", 9, AUTO_ENSEMBLE_MAX_ROWS), ("mlp", "regression", 9),
                 ("mlp", "regression", 21, 10 ** 6), ("framepool", "regression", 9, 10 ** 6)]:
        assert "average_epochs" not in presets(*args)[1], args
    seqs, y = _additive(200, 9, seed=4)
    est = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0).fit(seqs, y)
    assert est.training_["average_epochs"] is None
    est = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0, average_epochs=2).fit(seqs, y)
    assert est.training_["average_epochs"] == 2
    assert SequenceRegressor(average_epochs=0)._resolved(9, np.zeros((30_000, 9), np.uint8))[2][
        "average_epochs"] is None
    assert SequenceRegressor()._resolved(9, np.zeros((30_000, 9), np.uint8))[2][
        "average_epochs"] == 5


def test_one_check_of_the_target_transform_serves_networks_and_baselines():
    import doctest

    from biochemml import targets
    from biochemml.baselines import BaselineRegressor
    from biochemml.errors import InputError

    assert doctest.testmod(targets).failed == 0
    for est in (SequenceRegressor(model="mlp", target_transform="lg"),
                BaselineRegressor("ridge", target_transform="lg")):
        with pytest.raises(InputError, match="target_transform must be standardize, log or none, not 'lg'"):
            est.fit(["ACGT", "ACGA", "ACGC"], [1.0, 2.0, 3.0])


def test_the_regressor_aligns_sequences_at_their_3_end_by_default_as_train_does():
    from biochemml.baselines import BaselineRegressor

    assert SequenceRegressor().get_params()["pad"] == "left" == BaselineRegressor().pad
    seqs, y = _additive(120, 9, seed=5)
    est = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0).fit(seqs, y)
    longer = "GGG" + seqs[0]  # cut on the 5' side: the last 9 letters are read
    with pytest.warns(UserWarning, match="its last 9 nt were used"):
        assert est.predict([longer])[0] == pytest.approx(est.predict([seqs[0]])[0])


def test_predict_warns_when_it_cuts_a_sequence_or_meets_a_shorter_one():
    import warnings

    from biochemml.errors import LengthWarning

    seqs, y = _additive(120, 9, seed=5)
    est = SequenceRegressor(model="mlp", epochs=1, n_models=1, seed=0).fit(seqs, y)
    with pytest.warns(LengthWarning, match=r"1 sequence \(at index 0\) is longer than the 9 nt the model was "
                                           "trained on; its last 9 nt were used "
                                           r"\(the model aligns sequences at their end"):
        est.predict(["GGG" + seqs[0]])
    with pytest.warns(LengthWarning, match=r"2 sequences \(at index 0, 1\) are shorter than every training sequence"):
        est.predict(["ACGT", "ACG", seqs[1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(seqs[:5])  # the training lengths: no warning


def test_framepool_position_gate_learns_where_a_site_sits_from_the_3_prime_end():
    # a promoter-like rule: a site counts only 15-20 bases from the 3' end (the
    # transcription start), the same site further upstream not at all; both lie beyond the
    # convolutions' reach of the sequence's end, so plain FramePool sees one site alike
    rng = np.random.default_rng(0)
    n, length, site = 1600, 50, "TTGACA"
    codes = rng.integers(0, 4, size=(n, length))
    seqs = ["".join("ACGT"[c] for c in row) for row in codes]
    counts = rng.integers(0, 2, size=n)
    for i in range(n):
        at = int(rng.integers(15, 21)) if counts[i] else int(rng.integers(30, 45))
        stop = length - at
        seqs[i] = seqs[i][:stop - len(site)] + site + seqs[i][stop:]
    y = counts + rng.normal(0, 0.2, n)
    seqs = np.array(seqs, dtype=object)
    tr, te = slice(0, 1300), slice(1300, None)

    def r2(params):
        # a sparse signal: at the preset's rate early stopping ends before a filter finds
        # the site, so both train at 1e-2
        est = SequenceRegressor("framepool", epochs=20, learning_rate=1e-2, seed=0, n_models=1,
                                model_params={"filters": (16, 16, 16), **params})
        return est.fit(seqs[tr], y[tr]).score(seqs[te], y[te])

    gated, plain = r2({"position_gate": True}), r2({"position_gate": False})
    assert gated > 0.7                 # the noise ceiling is about 0.86
    assert gated > plain + 0.2
