"""The Lightning training entry point on symbol codes."""
import numpy as np
import pytest
import torch

from biochemml import train
from biochemml.encode import to_codes
from biochemml.errors import InputError
from biochemml.models import build
from biochemml.simulate import lecture_pwm, motif_dataset


@pytest.fixture(scope="module")
def motif_codes():
    df = motif_dataset(lecture_pwm(), 300, 300, seed=3).sample(frac=1.0, random_state=0)
    codes, _ = to_codes(df.sequence.tolist())
    return codes, df.label.to_numpy()


def test_one_hot_batch_matches_the_encoder():
    from biochemml.encode import one_hot

    seqs = ["ACGTN", "TTG"]
    codes, _ = to_codes(seqs, pad="left")
    x = train.one_hot_batch(torch.as_tensor(codes), 4).numpy()
    assert np.array_equal(x, one_hot(seqs, pad="left").transpose(0, 2, 1))


def test_fit_returns_keras_like_history_and_learns(motif_codes):
    codes, y = motif_codes
    model = build("lecture-cnn", 20)
    info = train.fit(model, codes[:500], y[:500], codes[500:], y[500:], epochs=8, seed=0)
    hist = info["history"]
    assert set(hist) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 8 for v in hist.values())
    assert hist["loss"][-1] < hist["loss"][0]
    assert info["epochs_run"] == 8 and info["device"] == "cpu"
    pred = train.predict(model, codes[500:], 4).argmax(1)
    assert (pred == y[500:]).mean() > 0.75


def test_same_seed_same_history(motif_codes):
    codes, y = motif_codes
    runs = []
    for _ in range(2):
        torch.manual_seed(1)
        runs.append(train.fit(build("lecture-cnn", 20), codes[:400], y[:400], codes[400:], y[400:],
                              epochs=3, seed=1)["history"])
    assert runs[0] == runs[1]


def test_early_stopping_restores_the_best_epoch(motif_codes):
    codes, y = motif_codes
    model = build("cnn", 20)
    # a huge learning rate makes validation loss bounce; patience 2 stops early
    info = train.fit(model, codes[:400], y[:400], codes[400:], y[400:], epochs=30, lr=0.05,
                     patience=2, seed=0)
    hist = info["history"]
    assert info["epochs_run"] <= 30
    best = int(np.argmin(hist["val_loss"]))
    assert info["best_epoch"] == best
    # the restored weights give the best epoch's validation loss
    out = torch.as_tensor(train.predict(model, codes[400:], 4))
    loss = torch.nn.functional.cross_entropy(out, torch.tensor(np.array(y[400:]))).item()
    assert loss == pytest.approx(hist["val_loss"][best], rel=1e-4)


def test_regression_with_missing_targets_and_weights():
    rng = np.random.default_rng(0)
    codes, _ = to_codes(["".join(rng.choice(list("ACGT"), 12)) for _ in range(200)])
    y = np.c_[(codes == 0).sum(1), (codes == 3).sum(1)].astype(float)
    y[::7, 1] = np.nan  # not measured
    model = build("cnn", 12, task="regression", n_outputs=2, head="global")
    info = train.fit(model, codes, (y - 3) / 2, task="regression", epochs=15, lr=3e-3,
                     weights_train=np.ones(200), seed=0)
    assert np.isfinite(info["history"]["loss"]).all()
    assert info["history"]["r2"][-1] > 0.5


def test_fit_rejects_bad_settings(motif_codes):
    codes, y = motif_codes
    with pytest.raises(InputError, match="task"):
        train.fit(build("cnn", 20), codes, y, task="ranking")
    with pytest.raises(InputError, match="optimizer"):
        train.fit(build("cnn", 20), codes, y, optimizer="lbfgs")
    with pytest.raises(InputError, match="at least 1"):
        train.fit(build("cnn", 20), codes, y, epochs=0)
    with pytest.raises(InputError, match="schedule"):
        train.fit(build("cnn", 20), codes, y, schedule="step")
    with pytest.raises(InputError, match="positive number of minutes"):
        train.fit(build("cnn", 20), codes, y, time_limit=0)


def test_time_limit_ends_training_and_keeps_the_best_finished_epoch(motif_codes):
    codes, y = motif_codes
    model = build("cnn", 20)
    # 5000 epochs would take minutes; 2 seconds allow a few
    info = train.fit(model, codes[:400], y[:400], codes[400:], y[400:], epochs=5000, lr=3e-3,
                     patience=5000, seed=0, time_limit=2 / 60)
    assert info["time_limit_hit"] and 1 <= info["epochs_run"] < 5000
    assert 2.0 <= info["fit_seconds"] < 30.0
    hist = info["history"]
    best = int(np.argmin(hist["val_loss"]))
    assert info["best_epoch"] == best
    out = torch.as_tensor(train.predict(model, codes[400:], 4))
    loss = torch.nn.functional.cross_entropy(out, torch.tensor(np.array(y[400:]))).item()
    assert loss == pytest.approx(hist["val_loss"][best], rel=1e-4)
    # without a limit the flag stays down
    info = train.fit(build("cnn", 20), codes[:100], y[:100], epochs=1, seed=0)
    assert info["time_limit_hit"] is False


def test_cosine_schedule_decays_the_rate_over_the_planned_epochs(motif_codes):
    codes, y = motif_codes
    info = train.fit(build("lecture-cnn", 20), codes[:400], y[:400], epochs=5, lr=1e-2,
                     schedule="cosine", seed=0)
    rates = info["history"]["lr"]
    expected = [1e-4 + (1e-2 - 1e-4) * (1 + np.cos(np.pi * e / 5)) / 2 for e in range(5)]
    assert rates == pytest.approx(expected, rel=1e-6)


def test_plateau_schedule_cuts_the_rate_when_validation_stalls(motif_codes):
    codes, y = motif_codes
    # lr 0.05 makes the validation loss bounce, so it stalls within a few epochs
    torch.manual_seed(0)  # the network's initial weights: the test does not hang on test order
    info = train.fit(build("cnn", 20), codes[:400], y[:400], codes[400:], y[400:], epochs=12,
                     lr=0.05, patience=6, schedule="plateau", seed=0)
    hist = info["history"]
    rates = np.array(hist["lr"])
    assert rates[0] == pytest.approx(0.05) and rates.min() < 0.05
    cut = int(np.flatnonzero(rates < 0.05)[0])
    # the cut follows max(2, 6 // 3) = 2 epochs without a new best validation loss
    best_before = int(np.argmin(hist["val_loss"][:cut]))
    assert cut - 1 - best_before >= 2
    # without a schedule, no rate is recorded (Keras-like history)
    plain = train.fit(build("lecture-cnn", 20), codes[:400], y[:400], epochs=1, seed=0)
    assert "lr" not in plain["history"]


def test_weight_average_limits_and_the_kept_model(motif_codes):
    import copy

    codes, y = motif_codes
    kw = dict(epochs=3, lr=3e-3, batch_size=50, seed=0)
    # an average over an endless window never leaves the initial weights
    torch.manual_seed(0)
    net = build("cnn", 20)
    start = copy.deepcopy(net.state_dict())
    train.fit(net, codes[:400], y[:400], average_epochs=1e9, **kw)
    for k, v in net.state_dict().items():
        if v.dtype.is_floating_point:
            assert torch.allclose(v, start[k], atol=1e-5), k
    # an average over less than one batch is the trained weights themselves
    torch.manual_seed(0)
    plain = build("cnn", 20)
    train.fit(plain, codes[:400], y[:400], **kw)
    torch.manual_seed(0)
    short = build("cnn", 20)
    train.fit(short, codes[:400], y[:400], average_epochs=1e-9, **kw)
    for k, v in plain.state_dict().items():
        assert torch.equal(v, short.state_dict()[k]), k
    # in between: validation and early stopping see the average, and it is what is kept
    torch.manual_seed(0)
    avg = build("cnn", 20)
    info = train.fit(avg, codes[:400], y[:400], codes[400:], y[400:], patience=2,
                     average_epochs=1, **kw)
    out = torch.as_tensor(train.predict(avg, codes[400:], 4))
    loss = torch.nn.functional.cross_entropy(out, torch.tensor(np.array(y[400:]))).item()
    assert loss == pytest.approx(info["history"]["val_loss"][info["best_epoch"]], rel=1e-4)


@pytest.mark.parametrize("bad", [0, -1, "5", True])
def test_weight_average_refuses_a_bad_window(motif_codes, bad):
    codes, y = motif_codes
    with pytest.raises(InputError, match="average_epochs"):
        train.fit(build("cnn", 20), codes[:100], y[:100], epochs=1, average_epochs=bad)


def test_networks_of_an_ensemble_never_share_a_batch_order():
    from biochemml.train import CodeBatches

    codes = torch.arange(64, dtype=torch.uint8).reshape(64, 1) % 4
    y = torch.arange(64, dtype=torch.float32)

    def orders(seed, epochs=4):
        batches = CodeBatches(codes, y, None, 4, batch_size=64, shuffle=True, seed=seed)
        return [tuple(next(iter(batches))[1].tolist()) for _ in range(epochs)]

    first, second = orders(0), orders(1)
    # seed + epoch had given network 1 in epoch 0 the order of network 0 in epoch 1
    assert not set(first) & set(second)
    assert orders(0) == first  # and a seed still repeats its orders
    assert len(set(first)) == 4
    assert len(orders(1_700_000_000_000_000_000)) == 4  # a time-stamp seed fits a torch seed


def test_the_training_bar_counts_epochs_from_one():
    import types

    from biochemml.train import _epoch_bar

    bar = _epoch_bar()
    bar._trainer = types.SimpleNamespace(max_epochs=3)
    # rich (a dependency): the bar Lightning shows on a terminal
    assert bar._get_train_description(0).strip() == "Epoch 1 of 3"
    assert bar._get_train_description(2).strip() == "Epoch 3 of 3"
