"""What a notebook user passes to SequenceClassifier / SequenceRegressor: every input either
works or stops with one biochemml sentence (no numpy, torch or Lightning traceback)."""
import numpy as np
import pandas as pd
import pytest

from biochemml import SequenceClassifier, SequenceRegressor
from biochemml.errors import InputError, ModelError

RNG = np.random.default_rng(11)
SEQS = np.array(["".join(RNG.choice(list("ACGT"), 12)) for _ in range(80)], dtype=object)
Y = np.array([s.count("G") for s in SEQS], dtype=float)
LABELS = np.where(Y > np.median(Y), 1, 0)


@pytest.fixture(scope="module")
def regressor():
    return SequenceRegressor(epochs=1, n_models=1, seed=0).fit(SEQS, Y)


@pytest.fixture(scope="module")
def classifier():
    return SequenceClassifier(epochs=1, seed=0).fit(SEQS, LABELS)


def test_a_last_batch_of_one_row_trains():
    # 73 rows leave 65 training rows after the validation split: batches of 64 and 1
    # (batch normalisation cannot train on one row; it crashed in torch before)
    est = SequenceRegressor(epochs=2, n_models=1, seed=0).fit(SEQS[:73], Y[:73])
    assert est.predict(SEQS[:3]).shape == (3,)
    with pytest.raises(InputError, match="at least 2 are needed to train"):
        SequenceRegressor(epochs=1, n_models=1, validation_split=0).fit(SEQS[:1], Y[:1])


def test_tiny_tables_point_at_validation_split():
    with pytest.raises(InputError, match="validation_split=0"):
        SequenceClassifier(epochs=1).fit(SEQS[:4], [0, 1, 0, 1])


@pytest.mark.parametrize("y, message", [
    (1, "one class label per sequence"),
    (np.zeros((80, 2)), "one class label per sequence"),
    (["a"] * 40 + [None] * 40, "the label is missing"),
    (["a", 1] * 40, "mix text and numbers"),
    (LABELS[:70], "80 sequences but 70 labels"),
    # measured values given to a classifier: decimals, or one class per sequence
    (Y + 0.25, r"the label 3\.25 is a number with decimals.*SequenceRegressor"),
    (np.arange(80), "80 classes for 80 sequences.*SequenceRegressor"),
])
def test_classifier_labels_that_cannot_work(y, message):
    with pytest.raises(InputError, match=message):
        SequenceClassifier(epochs=1).fit(SEQS, y)


def test_classifier_reads_a_one_column_table_and_scores_text_labels(classifier):
    table = pd.DataFrame({"sequence": SEQS, "label": LABELS})
    one_d = classifier.score(SEQS, LABELS)
    assert classifier.score(table[["sequence"]], table[["label"]]) == one_d
    assert classifier.score(SEQS, LABELS.astype(str)) == one_d  # "1" is the class 1
    with pytest.raises(InputError, match="80 sequences but 10 labels"):
        classifier.score(SEQS, LABELS[:10])
    with pytest.raises(InputError, match="not one of the model's classes"):
        classifier.score(SEQS[:2], ["yes", "no"])
    with pytest.raises(InputError, match="pass the sequence column alone"):
        classifier.predict(table)


def test_an_unfitted_classifier_says_so():
    with pytest.raises(ModelError, match="not fitted yet"):
        SequenceClassifier().predict(["ACGT"])


def test_regressor_values_and_scores(regressor):
    with pytest.raises(InputError, match=r"^values must be numbers \(a regressor learns "
                                          r"measured values; for class labels use "
                                          r"SequenceClassifier\): the value at index 2 is 'n/a'"):
        SequenceRegressor(epochs=1).fit(SEQS[:5], ["1.0", "2", "n/a", "3", "4"])
    with pytest.raises(InputError, match="equal-length rows"):
        SequenceRegressor(epochs=1).fit(SEQS[:2], [[1.0, 2.0], [3.0]])
    with pytest.raises(InputError, match="80 sequences but values of shape"):
        regressor.score(SEQS, Y[:10])
    with pytest.raises(InputError, match="values of shape"):
        regressor.score(SEQS, np.c_[Y, Y])
    assert np.isnan(regressor.score(SEQS[:5], np.ones(5)))  # R² of constant values
    assert regressor.score(pd.Series(SEQS, index=np.arange(100, 180)), pd.Series(Y)) == \
        pytest.approx(regressor.score(SEQS, Y))


@pytest.mark.parametrize("data, message", [
    ((SEQS[:10],), "must be a pair"),
    ((SEQS[:10], Y[:5]), "validation_data has 10 sequences"),
])
def test_validation_data_that_cannot_work(data, message):
    with pytest.raises(InputError, match=message):
        SequenceRegressor(epochs=1).fit(SEQS, Y, validation_data=data)


def test_validation_values_are_checked_as_the_training_values_are():
    positive = np.abs(Y) + 0.5
    zero = positive[:10].copy()
    zero[3] = 0.0  # log(0): an infinite validation loss stopped training after one epoch
    with pytest.raises(InputError, match=r"^validation_data: sequence at index 3: "
                                         r"target_transform='log' needs positive values"):
        SequenceRegressor(epochs=1, target_transform="log").fit(
            SEQS, positive, validation_data=(SEQS[:10], zero))
    missing = Y[:10].copy()
    missing[2] = np.nan
    with pytest.raises(InputError, match=r"^validation_data: sequence at index 2: the "
                                         r"measured value is missing"):
        SequenceRegressor(epochs=1).fit(SEQS, Y, validation_data=(SEQS[:10], missing))
    with pytest.raises(InputError, match="validation_data: .*infinite"):
        SequenceRegressor(epochs=1).fit(SEQS, Y, validation_data=(SEQS[:10],
                                                                  np.r_[np.inf, Y[1:10]]))


def test_classifier_validation_labels_must_match_the_sequences():
    with pytest.raises(InputError, match="10 sequences but 5 validation labels"):
        SequenceClassifier(epochs=1).fit(SEQS, LABELS, validation_data=(SEQS[:10], LABELS[:5]))


@pytest.mark.parametrize("settings, message", [
    ({"learning_rate": "fast"}, "learning rate must be a positive number"),
    ({"learning_rate": -1}, "learning rate must be a positive number"),
    ({"patience": "never"}, "patience must be a whole number"),
    ({"seed": None}, "seed must be a whole number"),
    ({"batch_size": 32.5}, "batch_size must be a whole number"),
    ({"device": "tpu"}, "device must be one of"),
])
def test_training_settings_that_cannot_work(settings, message):
    with pytest.raises(InputError, match=message):
        SequenceRegressor(epochs=1, n_models=1, **settings).fit(SEQS, Y)


def test_a_gpu_device_without_a_gpu_is_refused_in_words():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(InputError, match="PyTorch sees none"):
        SequenceRegressor(epochs=1, n_models=1, device="gpu").fit(SEQS, Y)


def test_scikit_learn_can_clone_and_set_parameters():
    from sklearn.base import clone

    est = SequenceRegressor(epochs=3, seed=4)
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()
    assert est.set_params(epochs=5) is est and est.epochs == 5
    with pytest.raises(InputError, match="has no parameter 'epoch'"):
        est.set_params(epoch=5)
    from sklearn.model_selection import cross_val_score

    scores = cross_val_score(SequenceRegressor(epochs=1, n_models=1), SEQS, Y, cv=2)
    assert scores.shape == (2,) and np.isfinite(scores).all()


def test_a_plain_import_reaches_every_subpackage():
    import subprocess
    import sys

    code = ("import biochemml; biochemml.datasets.list; biochemml.motifs.PWM; "
            "biochemml.structure.read; biochemml.protein.apply_mutations; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
    # and tab completion (dir) offers them before they are imported
    code = "import biochemml; print(' '.join(dir(biochemml)))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert {"SequenceRegressor", "datasets", "metrics", "bioprocess", "errors",
            "__version__"} <= set(shown.split())


def test_labels_equal_as_numbers_are_one_class():
    from biochemml import SequenceClassifier

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 10)) for _ in range(80)]
    labels = np.array([float("GG" in s) for s in seqs])  # 0.0 / 1.0, as after a dropna
    clf = SequenceClassifier(epochs=1, seed=0).fit(seqs, labels)
    assert clf.classes_.tolist() == [0, 1]
    accuracy = clf.score(seqs, labels.astype(int))
    assert accuracy == clf.score(seqs, labels) == clf.score(seqs, [str(int(v)) for v in labels])
    other = SequenceClassifier(epochs=1, seed=0).fit(seqs, labels.astype(int))
    assert other.score(seqs, labels) == other.score(seqs, labels.astype(int))
    with pytest.raises(InputError, match=r"sequence at index 3: validation label '6' is not one of the "
                                         r"training classes '0', '1'"):
        SequenceClassifier(epochs=1).fit(seqs, labels, validation_data=(
            seqs[:5], [0, 1, 0, 6, 1]))
    mixed = ["bound"] * 79 + [1]
    with pytest.raises(InputError, match=r"sequence at index 79: labels mix text and numbers: this one "
                                         r"is 1, most are text"):
        SequenceClassifier(epochs=1).fit(seqs, mixed)


def test_an_array_of_bytes_reads_as_sequences(regressor):
    from biochemml.encode import one_hot

    as_bytes = SEQS[:5].astype("S")  # what h5py or np.load gives
    np.testing.assert_array_equal(regressor.predict(as_bytes), regressor.predict(SEQS[:5]))
    np.testing.assert_array_equal(one_hot(as_bytes), one_hot(list(SEQS[:5])))


@pytest.mark.parametrize("value", [1.5, "x", True])
def test_a_validation_split_that_is_no_fraction_is_named(value):
    with pytest.raises(InputError, match=r"validation_split must be a fraction in \[0, 1\), "
                                         rf"not {value!r}"):
        SequenceRegressor(n_models=1, epochs=1, validation_split=value).fit(SEQS, Y)


def test_a_constant_target_is_refused_by_fit_as_the_cli_refuses_it():
    """The Python API stops where ``biochemml train`` stops: nothing to learn, score NaN."""
    from biochemml.baselines import BaselineRegressor

    seqs = SEQS[:40]
    for est in (SequenceRegressor(epochs=1, n_models=1), BaselineRegressor("ridge"),
                BaselineRegressor("gbm-kmer")):
        with pytest.raises(InputError, match="^every row has the value 5: a regression needs "
                                             "values that differ$"):
            est.fit(seqs, np.full(40, 5.0))
        assert not hasattr(est, "models_")
    two = np.column_stack([np.arange(40.0), np.full(40, 2.5)])
    two[3, 1] = np.nan  # an unmeasured value does not make the rest differ
    for est in (SequenceRegressor(epochs=1, n_models=1), BaselineRegressor("ridge")):
        with pytest.raises(InputError, match=r"every measured value of target 1 \(y\[:, 1\]\) "
                                             "is 2.5: a regression"):
            est.fit(seqs, two)


def test_predict_names_sequences_with_ambiguous_letters():
    import warnings as _w

    from biochemml import SequenceClassifier
    from biochemml.errors import AmbiguityWarning

    seqs = ["ACGTACGTAC", "TTGACCATGA"] * 20
    clf = SequenceClassifier("lecture-cnn", epochs=1, seed=0).fit(seqs, [0, 1] * 20)
    with pytest.warns(AmbiguityWarning, match=r"1 sequence \(at index 1\) holds N .* all-zero row"):
        clf.predict(["ACGTACGTAC", "ACGTNCGTAC"])
    with _w.catch_warnings():
        _w.simplefilter("error", AmbiguityWarning)
        clf.predict(["ACGTACGTAC"])  # no N: no warning


def test_training_on_sequences_with_n_says_so():
    import warnings as _w

    from biochemml import SequenceRegressor
    from biochemml.errors import AmbiguityWarning

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 16)) for _ in range(60)]
    seqs[7] = seqs[7][:5] + "N" + seqs[7][6:]
    with pytest.warns(AmbiguityWarning, match=r"1 sequence \(at index 7\) holds N"):
        SequenceRegressor("cnn", epochs=1, seed=0).fit(seqs, rng.normal(size=60))
    with _w.catch_warnings():
        _w.simplefilter("error", AmbiguityWarning)  # clean sequences: no word
        SequenceRegressor("cnn", epochs=1, seed=0).fit(seqs[:7] + seqs[8:], rng.normal(size=59))


def test_the_n_warning_names_a_series_by_its_index_labels():
    rng = np.random.default_rng(1)
    seqs = pd.Series(["".join(rng.choice(list("ACGT"), 16)) for _ in range(60)],
                     index=range(100, 160))
    seqs[103] = "ACGTNACGTACGTACG"
    with pytest.warns(Warning, match=r"1 sequence \(at index 103\) holds N"):
        SequenceRegressor("cnn", epochs=1, seed=0).fit(seqs, rng.normal(size=60))


def test_a_parameter_named_as_elsewhere_is_answered_in_words():
    """random_state (scikit-learn's name) or a typo: a sentence naming the parameter meant,
    not Python's 'unexpected keyword argument'."""
    import inspect

    for cls in (SequenceRegressor, SequenceClassifier):
        with pytest.raises(InputError, match=f"{cls.__name__} has no parameter 'random_state' "
                                             r"\(biochemml calls it seed\)"):
            cls(random_state=0)
        with pytest.raises(InputError, match=r"'lerning_rate' \(did you mean 'learning_rate'\?\)"):
            cls(lerning_rate=0.01)
        with pytest.raises(InputError, match=r"\(biochemml calls it seed\)"):  # GridSearchCV
            cls().set_params(random_state=3)
    # every parameter shows in the signature (Jupyter's Shift-Tab), the regressor's too
    shown = inspect.signature(SequenceRegressor).parameters
    assert {"epochs", "seed", "learning_rate", "target_transform"} <= set(shown)
    assert shown["pad"].default == "left" and shown["n_models"].default == "auto"


def test_a_length_shorter_than_the_training_sequences_warns_at_fit():
    from biochemml.errors import LengthWarning

    with pytest.warns(LengthWarning, match=r"80 of the 80 training sequences are longer than "
                                           r"length=10 \(up to 12\): the model learns from "
                                           "their last 10 letters only") as said:
        SequenceRegressor(length=10, epochs=1, n_models=1).fit(SEQS, Y)
    assert said[0].filename == __file__  # the user's line, not biochemml's
    with pytest.warns(LengthWarning, match="1 of the 2 training sequences is longer than "
                                           "length=12 .* its last 12 letters"):
        SequenceRegressor(length=12, epochs=1, n_models=1, validation_split=0).fit(
            [SEQS[0], SEQS[1] + "A"], [1.0, 2.0])


def test_messages_show_values_as_a_person_writes_them(regressor, tmp_path):
    """Numbers without array brackets or numpy types; pandas' own missing value named as
    missing; a single-output model's only output; tabs in YAML named."""
    from biochemml.bioprocess import Factors
    from biochemml.design import fixed_positions
    from biochemml.encode import one_hot
    from biochemml.interpret import mutagenesis

    with pytest.raises(InputError, match=r"needs positive values; this one is -2\.5; values below 0 suggest"):
        SequenceRegressor(target_transform="log", epochs=1, n_models=1).fit(
            SEQS[:3], [1.0, -2.5, 3.0])
    with pytest.raises(InputError, match="index 1: sequence is missing"):
        one_hot(pd.Series(["ACGT", pd.NA], dtype="string"))
    with pytest.raises(InputError, match=r"counted from 1 .*, got 0$"):
        fixed_positions(np.array([0]))
    with pytest.raises(InputError, match=r"output must be 0 \(the model predicts one value\) "
                                         "for this model, got 3"):
        mutagenesis(regressor, SEQS[0], output=3)
    path = tmp_path / "f.yaml"
    path.write_text("factors:\n\t- {name: T, low: 25, high: 37}\n")
    with pytest.raises(InputError, match="indent with spaces, not tabs"):
        Factors.from_file(path)


def test_text_classes_with_a_few_single_rows_are_classes():
    """25 species of 2 sequences and 2 of one: classes, not measured values (the count of
    classes alone had refused them)."""
    labels = [f"species_{i // 2}" for i in range(50)] + ["x", "y"]
    seqs = list(SEQS[:52])
    est = SequenceClassifier(epochs=1, validation_split=0.0).fit(seqs, labels)
    assert len(est.classes_) == 27


def test_the_ambiguity_warning_points_at_the_callers_line():
    import warnings

    from biochemml.errors import AmbiguityWarning

    seqs = ["ACGTNACG"] + ["ACGTACGT", "ACGTACGA", "ACGTACGC"] * 10
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = SequenceRegressor(model="mlp", epochs=1, n_models=1).fit(seqs, range(len(seqs)))
        est.predict(["ACGNACGT"])
    ours = [w for w in caught if issubclass(w.category, AmbiguityWarning)]
    assert len(ours) == 2 and all(w.filename == __file__ for w in ours)


def test_a_sequence_mixing_t_and_u_is_refused_in_python_too():
    with pytest.raises(InputError, match=r"^sequence at index 1: the sequence holds both T and U"):
        SequenceRegressor(model="mlp", epochs=1, n_models=1).fit(
            ["ACGTACGT", "ACGUACGT", "ACGAACGA"] * 4, range(12))


def test_length_warnings_point_at_the_callers_line_through_predict_and_predict_bounds():
    import warnings

    from biochemml.errors import LengthWarning

    seqs = ["ACGTACGT", "ACGTACGA", "ACGTACGC"] * 10
    est = SequenceRegressor(model="mlp", epochs=1, n_models=2).fit(seqs, range(len(seqs)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.predict(["ACG"])
        est.predict_bounds(["ACG"])
    ours = [w for w in caught if issubclass(w.category, LengthWarning)]
    assert len(ours) == 2 and all(w.filename == __file__ for w in ours)
