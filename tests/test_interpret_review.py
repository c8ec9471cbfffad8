"""Fixes from a user review of `biochemml interpret` and `biochemml design`."""
import numpy as np
import pandas as pd
import pytest

from biochemml import InputError
from biochemml.cli import main


@pytest.fixture(scope="module")
def two_targets(tmp_path_factory):
    """A two-target MLP run (gfp, rfp) on 10-nt sequences, and its training table."""
    folder = tmp_path_factory.mktemp("review_two")
    rng = np.random.default_rng(4)
    seqs = ["".join(rng.choice(list("ACGT"), 10)) for _ in range(300)]
    pd.DataFrame({"seq": seqs, "gfp": [s.count("G") for s in seqs],
                  "rfp": [s.count("A") for s in seqs]}).to_csv(folder / "t.csv", index=False)
    assert main(["--quiet", "train", "--data", str(folder / "t.csv"), "--sequence-column", "seq",
                 "--target-column", "gfp", "--target-column", "rfp", "--task", "regression",
                 "--model", "mlp", "--epochs", "2", "--no-baselines", "--out",
                 str(folder / "run")]) == 0
    return folder, folder / "run", seqs


def test_design_asks_for_the_target_before_any_work(two_targets, capsys, monkeypatch):
    from biochemml import progress
    from biochemml.design import evolve

    monkeypatch.setattr(progress, "_QUIET", False)
    folder, run, seqs = two_targets
    out = folder / "designs.csv"
    code = main(["design", "--model", str(run), "--data", str(folder / "t.csv"), "--out", str(out),
                 "--rounds", "2"])
    err = capsys.readouterr().err
    assert code != 0 and "name the one to design for (gfp or rfp" in err
    assert "explain" not in err and "Round 1" not in err and not out.exists()
    with pytest.raises(InputError, match="name the one to design for"):
        evolve(run, seqs[:2], rounds=1, progress=True)
    assert "Round 1" not in capsys.readouterr().err
    # named, it designs
    assert main(["design", "--model", str(run), "--data", str(folder / "t.csv"), "--out", str(out),
                 "--rounds", "1", "--output", "gfp"]) == 0


def test_interpret_asks_for_the_target_before_reading_the_table(two_targets, capsys,
                                                                 monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    folder, run, _ = two_targets
    code = main(["interpret", "--model", str(run), "--data", str(folder / "t.csv"),
                 "--out", str(folder / "explained"), "--limit", "1"])
    err = capsys.readouterr().err
    assert code != 0 and "name the one to explain (gfp or rfp" in err
    assert "Mutating" not in err and not (folder / "explained").exists()
