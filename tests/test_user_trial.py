"""What a new user met on a fresh clone (a trial of 2026-12-02): run names that repeat
from one round of proposals to the next, missing-value words, a stray protein row, an
unquoted decimal comma, a sequence column under another name, predictions without --out,
warnings of one paragraph."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main


def test_proposals_of_a_later_round_continue_the_names(campaign, capsys):
    from biochemml.bioprocess.recommend import first_proposal_number

    tmp, bounds, runs = campaign
    first = tmp / "next.csv"
    args = ["--factors", str(bounds), "--response", "OD340", "--batch", "2"]
    assert main(["recommend", "--runs", str(runs), *args, "--out", str(first)]) == 0
    proposed = pd.read_csv(first)
    assert proposed["run"].tolist() == ["next01", "next02"]
    # the user runs them, adds them to the runs table under their names, asks again
    table = pd.read_csv(runs)
    done = proposed[["run", "temperature", "feed"]].rename(columns={"run": "Line Name"})
    done["OD340"], done["OD600"], done["cycle"] = [1.9, 1.8], [1.0, 1.2], 3
    table = pd.concat([table, done], ignore_index=True)
    table.to_csv(runs, index=False)
    assert first_proposal_number(table) == 3
    second = tmp / "next2.csv"
    assert main(["recommend", "--runs", str(runs), *args, "--id-column", "Line Name",
                 "--out", str(second)]) == 0
    assert pd.read_csv(second)["run"].tolist() == ["next03", "next04"]
    html = (tmp / "next2.html").read_text()
    assert "next03, next04" in html and "next01, next02" not in html
    # names in any text column count, in any case; numbers and other text do not
    assert first_proposal_number(pd.DataFrame({"id": ["R1", " NEXT07 ", None],
                                               "x": [1.0, 2.0, 3.0]})) == 8
    assert first_proposal_number(pd.DataFrame({"id": ["next", "nextA", "R3"]})) == 1


def test_train_names_the_column_that_looks_like_sequences(tmp_path, capsys):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"utr_seq": ["".join(rng.choice(list("ACGT"), 30)) for _ in range(40)],
                          "MRL": rng.normal(5, 1, 40), "library": ["random", "human"] * 20})
    path = tmp_path / "small.csv"
    table.to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["train", "--data", str(path), "--target-column", "MRL", "--task",
                 "regression", "--out", str(out)]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert ("has no column 'sequence', the sequence column; its columns are: utr_seq, MRL, "
            "library. 'utr_seq' looks like sequences: name it with --sequence-column utr_seq "
            "(sequence_column_name='utr_seq' in Python)") in said
    assert not out.exists()
    # no column of sequences at all: the option is named, no guess
    from biochemml.runs import sequence_column_hint

    assert sequence_column_hint(table[["MRL", "library"]]) == (
        ". Name the table's column of sequences with --sequence-column "
        "(sequence_column_name= in Python)")
    # a protein column counts; two candidates are both named
    both = table.assign(protein=["".join(rng.choice(list("ACDEFGHIKLMNPQRSTVWY"), 12))
                                 for _ in range(40)])
    assert "'utr_seq', 'protein' look like sequences: name the right one" in \
        sequence_column_hint(both)


def test_python_fit_on_decimal_comma_text_says_how_to_read_the_file():
    from biochemml import SequenceRegressor
    from biochemml.errors import InputError

    seqs = ["ACGTACGTAC", "CCGGAATTAC", "TTTTACGACG"]
    with pytest.raises(InputError, match=re.escape(
            "values must be numbers: at index 0, the value is '5,327', not a number (for a "
            "decimal comma, write 5.327); a file written with decimal commas reads with "
            "pandas.read_csv(path, sep=';', decimal=',')")):
        SequenceRegressor(n_models=1, epochs=1).fit(seqs, ["5,327", "4,1", "3,9"])  # 4,1: decimal
    # words are still class labels, most likely
    with pytest.raises(InputError, match="for class labels use SequenceClassifier"):
        SequenceRegressor(n_models=1, epochs=1).fit(seqs, ["high", "low", "high"])


def test_an_unquoted_decimal_comma_is_named_with_its_row(tmp_path):
    from biochemml.errors import InputError
    from biochemml.io import read_table

    path = tmp_path / "t.csv"
    path.write_text("utr,MRL,library\nACGTACGT,5.1,random\nCCGGAATT,5,25,human\n")
    with pytest.raises(InputError, match=re.escape(
            "row 3 has 4 cells where the header has 3: CCGGAATT,5,25,human. A number written "
            "with a decimal comma (5,25) splits into two cells: write 5.25, or save the table "
            "with semicolons")) as err:
        read_table(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    # a comma in a word, not a number: quoting is the fix
    path.write_text("utr,MRL,note\nACGTACGT,5.1,ok\nCCGGAATT,5.2,low, redo\n")
    with pytest.raises(InputError, match=re.escape(
            'row 3 has 4 cells where the header has 3: CCGGAATT,5.2,low, redo. A value holding '
            'a comma must be in double quotes ("a, b")')):
        read_table(path)


def _refused(path, out, capsys) -> str:
    """What train says, on one line, when it refuses the table ``path`` (column utr ->
    MRL)."""
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--target-column",
                 "MRL", "--task", "regression", "--out", str(out)]) == 1
    return " ".join(capsys.readouterr().err.split())


def test_one_protein_row_in_a_dna_table_is_named_as_a_stray_row(tmp_path, capsys):
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(30)]
    seqs[3] = "MKVLAAGIVEEPLQRS"
    path = tmp_path / "t.csv"
    pd.DataFrame({"utr": seqs, "MRL": rng.normal(5, 1, 30)}).to_csv(path, index=False)
    said = _refused(path, tmp_path / "run", capsys)
    assert ("row 5, column 'utr': has the symbol 'L' at position 4, which is not in the dna "
            "alphabet (ACGT, ambiguity NRYSWKMBDHV). This row looks like a protein, but 29 of "
            "the 30 sequences are DNA: check it, or remove it") in said
    assert "--alphabet protein" not in said and not (tmp_path / "run").exists()
    # a whole column of proteins: the advice to train on proteins, said once
    pd.DataFrame({"utr": ["MKVLAAGIVEEPLQRS"] * 30, "MRL": rng.normal(5, 1, 30)}).to_csv(
        path, index=False)
    said = _refused(path, tmp_path / "run", capsys)
    assert "reads like a protein" not in said and "This looks like a protein: train with --alphabet " \
        "protein (a model trained on DNA or RNA cannot read it)" in said


def test_predict_without_out_writes_beside_the_data_and_shows_the_first_rows(tmp_path, capsys):
    rng = np.random.default_rng(2)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(60)]
    table = pd.DataFrame({"utr": seqs, "MRL": [s.count("G") + rng.normal(0, 0.1) for s in seqs]})
    table.to_csv(tmp_path / "train.csv", index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(tmp_path / "train.csv"), "--sequence-column", "utr",
                 "--target-column", "MRL", "--task", "regression", "--model", "ridge",
                 "--out", str(run)]) == 0
    new = tmp_path / "new.csv"
    pd.DataFrame({"utr": ["GGGGGGGGGGGG", "AAAAAAAAAAAA"] + seqs[:12]}).to_csv(new, index=False)
    capsys.readouterr()
    assert main(["predict", "--model", str(run), "--data", str(new)]) == 0
    said = capsys.readouterr().out
    written = pd.read_csv(tmp_path / "new_predictions.csv")
    assert len(written) == 14 and written["prediction"].iloc[0] > written["prediction"].iloc[1] + 5
    lines = said.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split() == ["utr", "prediction"])
    assert lines[header + 1].split() == ["GGGGGGGGGGGG", f"{written['prediction'].iloc[0]:.4g}"]
    assert "... 4 more rows in the table" in said
    assert f"Wrote 14 predictions to {tmp_path / 'new_predictions.csv'}" in said


def test_a_long_campaign_warning_puts_each_piece_of_advice_on_its_own_line(campaign, capsys):
    tmp, bounds, runs = campaign
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response",
                 "OD340", "--batch", "2", "--out", str(tmp / "next.csv")]) == 0
    lines = capsys.readouterr().err.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith("Warning: the 95% intervals come from only 10 runs"))
    assert lines[start + 1].startswith("  - replicate a few runs (run the same conditions")
    # a '; ' inside parentheses stays in its clause
    from biochemml.cli.bioprocess import _clauses

    assert _clauses("a (b; c); d; e (f)") == ["a (b; c)", "d", "e (f)"]
