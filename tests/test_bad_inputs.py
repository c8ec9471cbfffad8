"""`biochemml train` and `predict` on the messy tables biologists bring: each case either
works as meant or stops with one sentence naming the file, row and column, and leaves no
half-written output behind."""
import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main


def _sequences(n, length=24, seed=0):
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]


@pytest.fixture
def values():
    """60 random 24-nt sequences with a value that depends on their GC content."""
    seqs = _sequences(60)
    gc = np.array([(s.count("G") + s.count("C")) / len(s) for s in seqs])
    return pd.DataFrame({"utr": seqs, "mrl": np.round(2 + 3 * gc, 3)})


def _train_regression(path, out, *more):
    return main(["--quiet", "train", "--data", str(path), "--sequence-column", "utr",
                 "--target-column", "mrl", "--task", "regression", "--model", "ridge",
                 "--no-baselines", "--out", str(out), *more])


def _error(capsys) -> str:
    """The error sentence the command printed (one line, no traceback)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return " ".join(err.split())


def test_identical_values_are_refused_before_training(tmp_path, values, capsys):
    path = tmp_path / "same.csv"
    values.assign(mrl=5.0).to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "run") == 1
    said = _error(capsys)
    assert f"file {path}, column 'mrl'" in said and "every row has the value 5" in said
    assert not (tmp_path / "run").exists()


def test_a_test_set_of_identical_values_prints_n_a_not_a_traceback(tmp_path, values, capsys):
    path = tmp_path / "data.csv"
    values.to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "first") == 0
    test_rows = pd.read_csv(tmp_path / "first" / "predictions.csv")["row"] - 2
    values.loc[test_rows, "mrl"] = 4.0  # the same split, now without spread in the test set
    values.to_csv(path, index=False)
    capsys.readouterr()
    assert _train_regression(path, tmp_path / "second") == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "n/a" in out.out
    assert (tmp_path / "second" / "report.html").exists()
