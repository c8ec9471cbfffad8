"""Fixes from a review of the Python API as a notebook user meets it (pandas inputs,
small tables). Each test fails before its fix."""

import numpy as np
import pandas as pd
import pytest

from biochemml import SequenceClassifier, SequenceRegressor
from biochemml.errors import CalibrationWarning, InputError
from biochemml.simulate import lecture_pwm, regression_dataset

FAST = dict(model="mlp", epochs=2, batch_size=64, verbose=False)


@pytest.fixture(scope="module")
def table():
    """300 simulated 30-nt sequences, shuffled: the index labels are not positions."""
    df = regression_dataset(lecture_pwm(), n=300, length=30, noise=0.5, seed=3)
    return df.sample(frac=1, random_state=1)


def test_errors_name_a_pandas_row_by_its_index_label_as_warnings_do(table):
    y = table.expression.copy()
    y.iloc[5] = np.nan
    label = table.index[5]
    with pytest.raises(InputError, match=f"^sequence with index label {label}: the measured "
                                         "value is missing"):
        SequenceRegressor(n_models=1, **FAST).fit(table.sequence, y)
    seqs = table.sequence.copy()
    seqs.iloc[7] = "ACGTXACGT" + seqs.iloc[7][9:]
    with pytest.raises(InputError, match=f"^sequence with index label {table.index[7]}: has "
                                         "the symbol 'X'") as err:
        SequenceRegressor(n_models=1, **FAST).fit(seqs, table.expression)
    assert err.value.row == 7  # the position stays readable
    model = SequenceRegressor(n_models=1, **FAST).fit(table.sequence, table.expression)
    with pytest.raises(InputError, match=f"^sequence with index label {table.index[7]}:"):
        model.predict(seqs)
    # plain lists and a 0..N-1 index count by position, as before
    with pytest.raises(InputError, match="^sequence at index 7:"):
        model.predict(seqs.tolist())
    with pytest.raises(InputError, match="^sequence at index 7:"):
        model.predict(seqs.reset_index(drop=True))
    # a label given as text is quoted
    named = seqs.copy()
    named.index = [f"v{i}" for i in range(len(named))]
    with pytest.raises(InputError, match="^sequence with index label 'v7':"):
        model.predict(named)


def test_pandas_inputs_whose_labels_disagree_are_refused_not_paired_by_position(table):
    with pytest.raises(InputError, match="sequences and y are pandas objects that hold the same "
                                         "index labels in a different order .* paired by "
                                         "position"):
        SequenceRegressor(n_models=1, **FAST).fit(table.sequence, table.expression.sort_index())
    labels = (table.expression > table.expression.median()).astype(int)
    with pytest.raises(InputError, match="sequences and y are pandas objects"):
        SequenceClassifier(**FAST).fit(table.sequence, labels.sort_index())
    with pytest.raises(InputError, match="y and sample_weight are pandas objects"):
        SequenceRegressor(n_models=1, **FAST).fit(table.sequence, table.expression,
                                                  sample_weight=pd.Series(1.0, index=range(300)))
    model = SequenceRegressor(n_models=1, **FAST).fit(table.sequence, table.expression)
    with pytest.raises(InputError, match="in a different order"):
        model.score(table.sequence, table.expression.sort_index())
    # labels in common in another order are refused; none in common pair by position
    half = table.expression.set_axis(list(table.index[150:]) + list(range(5000, 5150)))
    with pytest.raises(InputError, match="different index labels"):
        model.score(table.sequence, half)
    fresh = pd.Series(table.expression.to_numpy())            # 0, 1, 2, ...: no label shared
    shifted = table.sequence.set_axis(range(1000, 1300))
    assert model.score(shifted, fresh) == model.score(table.sequence.tolist(), fresh.to_numpy())
    # a test split's labels (a subset of 0..) beside a fresh Series: by position too
    test = table.iloc[::2]
    assert model.score(test.sequence, pd.Series(test.expression.to_numpy())) == \
        model.score(test.sequence.tolist(), test.expression.to_numpy())
    # aligned, or as arrays, they are fine
    aligned = table.expression.sort_index().loc[table.sequence.index]
    assert model.score(table.sequence, aligned) == model.score(table.sequence,
                                                               table.expression.to_numpy())


def test_a_missing_pandas_na_label_is_called_missing(table):
    labels = pd.Series(np.where(np.arange(300) % 2, "a", "b"), dtype="string")
    labels[5] = pd.NA
    with pytest.raises(InputError, match="^sequence at index 5: the label is missing"):
        SequenceClassifier(**FAST).fit(table.sequence.reset_index(drop=True), labels)


def test_an_ensemble_on_few_validation_rows_is_scaled_and_says_so(table):
    small = table.iloc[:80]                                     # 8 validation rows
    with pytest.warns(CalibrationWarning, match="scaled to its errors on only 8 validation "
                                                "rows .*: its intervals are rough"):
        model = SequenceRegressor(n_models=3, **FAST).fit(small.sequence, small.expression)
    assert model.std_scale_[0] != 1.0                         # was left at 1 under 10 rows
    with pytest.warns(CalibrationWarning, match="only 4 validation rows: the ensemble's spread "
                                                "is not scaled"):
        model = SequenceRegressor(n_models=3, **FAST).fit(small.sequence[:40],
                                                          small.expression[:40])
    assert model.std_scale_[0] == 1.0
    with pytest.warns(CalibrationWarning) as said:
        SequenceRegressor(n_models=2, **FAST).fit(table.sequence, table.expression)
    # enough rows: no word on them; two networks: the note the command line prints, in
    # Python words
    assert [str(w.message) for w in said if w.category is CalibrationWarning] == [
        "2 networks estimate each sequence's spread roughly (where they happen to agree, the "
        "spread is near zero), so the intervals are mostly an error shared by every sequence, "
        "fitted on the validation rows, and tell sequences apart little; n_models=5 or more "
        "gives tighter ones that follow each sequence."]


def test_saving_into_a_folder_writes_model_pt_there_and_leaves_nothing_beside(table, tmp_path):
    from biochemml.baselines import BaselineRegressor

    model = SequenceRegressor(n_models=1, **FAST).fit(table.sequence, table.expression)
    folder = tmp_path / "models"
    folder.mkdir()
    assert model.save(folder) == folder / "model.pt"
    np.testing.assert_allclose(SequenceRegressor.load(folder).predict(table.sequence[:5]),
                               model.predict(table.sequence[:5]))
    base = BaselineRegressor("ridge").fit(table.sequence, table.expression)
    assert base.save(folder) == folder / "model.joblib"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models"]       # no stray .part
    assert sorted(p.name for p in folder.iterdir()) == ["model.joblib", "model.pt"]
    # a place that cannot be written (under a file): a biochemml error naming it
    with pytest.raises(InputError, match="again.pt: could not be written"):
        model.save(folder / "model.pt" / "again.pt")
    assert sorted(p.name for p in folder.iterdir()) == ["model.joblib", "model.pt"]


def test_a_run_on_a_small_table_says_its_intervals_are_rough(table, tmp_path, capsys,
                                                              monkeypatch):
    from biochemml import progress
    from biochemml.cli import main

    monkeypatch.setattr(progress, "_QUIET", False)
    table.iloc[:90].to_csv(tmp_path / "t.csv", index=False)  # 72 training rows, 8 validation
    assert main(["train", "--data", str(tmp_path / "t.csv"), "--target-column", "expression",
                 "--task", "regression", "--model", "mlp", "--ensemble", "3", "--epochs", "2",
                 "--no-baselines", "--out", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    said = " ".join((captured.out + captured.err).split())
    assert "The ensemble's spread was scaled to its errors on only 8 validation rows" in said
    assert "a larger --validation-split" in said and "CalibrationWarning" not in said
    assert "only 8 validation rows" in (tmp_path / "run" / "report.html").read_text()


def test_a_log_of_values_that_are_logarithms_already_is_refused_with_the_reason(table):
    with pytest.raises(InputError, match="suggest they are logarithms already .* keep the "
                                         "default, standardize"):
        SequenceRegressor(n_models=1, target_transform="log", **FAST).fit(
            table.sequence, table.expression - table.expression.mean())


def test_a_fasta_record_without_the_value_says_its_header_lacks_it(tmp_path):
    from biochemml.io import read_table
    from biochemml.io.tables import numeric_column

    (tmp_path / "v.fasta").write_text(">a expr=0.5 barcodes=3\nACGT\n>b barcodes=33\nACGA\n")
    df = read_table(tmp_path / "v.fasta")
    with pytest.raises(InputError, match=r"record 2 \(line 3\), column 'expr': the record's "
                                         "header gives no expr= value"):
        numeric_column(df, "expr")


def test_a_protein_given_to_a_dna_model_is_told_the_alphabet_to_use():
    with pytest.raises(InputError, match="symbol 'L' at position 6, which is not in the dna "
                                         "alphabet .*; it reads like a protein: pass "
                                         "alphabet='protein'"):
        SequenceRegressor(n_models=1, **FAST).fit(["MKTAYLAKQR", "MKTAYIAKQR"] * 10,
                                                  np.arange(20.0))
    with pytest.raises(InputError) as err:  # a stray X in DNA is no protein
        SequenceRegressor(n_models=1, **FAST).fit(["ACGTXACGTA"] * 20, np.arange(20.0))
    assert "protein" not in str(err.value)


def test_a_first_fit_in_a_fresh_python_leaves_random_as_it_was():
    """The first fit imports libraries that draw from Python's ``random`` (rich): a
    notebook seeding ``random`` before it saw other numbers after it."""
    import subprocess
    import sys

    code = ("import random, numpy as np\n"
            "from biochemml import SequenceRegressor\n"
            "random.seed(5); np.random.seed(5); a = (random.random(), np.random.rand())\n"
            "random.seed(5); np.random.seed(5)\n"
            "SequenceRegressor(model='mlp', epochs=1, n_models=1, verbose=False).fit(\n"
            "    ['ACGTACGT', 'ACGTACGA', 'TCGTACGT', 'ACGAACGT'] * 5, list(range(20)))\n"
            "print((random.random(), np.random.rand()) == a)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "True", done.stderr[-2000:]


def test_score_refuses_what_the_metrics_refuse(table):
    model = SequenceRegressor(n_models=1, **FAST).fit(table.sequence, table.expression)
    with pytest.raises(InputError, match="R² needs at least 2 values to compare, got 1"):
        model.score(table.sequence[:1], table.expression[:1])
    y = table.expression.to_numpy().copy()
    y[2] = np.nan
    with pytest.raises(InputError, match="sequence at index 2: the measured value is missing"):
        model.score(table.sequence.tolist(), y)


def test_python_says_when_training_ended_while_still_improving(table):
    from biochemml.errors import TrainingWarning

    with pytest.warns(TrainingWarning, match=r"still improving at the last epoch \(1 of 1\).* "
                                             "epochs=2 in Python"):
        SequenceRegressor(n_models=1, **{**FAST, "epochs": 1}).fit(table.sequence,
                                                                   table.expression)
