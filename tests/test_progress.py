"""Progress where stderr is not a terminal (a batch job's log): plain lines at most every
PLAIN_EVERY seconds, none for short work, none when quiet."""
import re

import numpy as np
import pytest

from biochemml import SequenceRegressor, progress

RNG = np.random.default_rng(3)
SEQS = ["".join(RNG.choice(list("ACGT"), 12)) for _ in range(60)]
Y = np.array([s.count("G") for s in SEQS], dtype=float)


@pytest.fixture
def loud(monkeypatch):
    monkeypatch.setattr(progress, "_QUIET", False)
    # a log, whatever ran before: the notebook tests leave ipykernel imported, which reads
    # as a Jupyter notebook (Lightning's bar, no plain lines)
    monkeypatch.setattr(progress, "shows_bars", lambda: False)


def test_a_bar_in_a_log_writes_plain_lines_only_when_they_are_due(loud, capsys, monkeypatch):
    with progress.progress_bar(3, "Counting") as advance:
        for _ in range(3):
            advance()
    assert capsys.readouterr().err == ""  # short work: nothing
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)
    with progress.progress_bar(3, "Counting") as advance:
        for _ in range(3):
            advance()
    assert capsys.readouterr().err.splitlines() == [f"Counting: {k} of 3, 0 s" for k in (1, 2, 3)]
    monkeypatch.setattr(progress, "_QUIET", True)
    with progress.progress_bar(3, "Counting") as advance:
        advance()
    assert capsys.readouterr().err == ""


def test_durations_read_as_minutes_and_seconds():
    assert progress.duration(130.4) == "2 min 10 s"
    assert progress.duration(59.6) == "1 min 0 s"
    assert progress.duration(7322) == "2 h 2 min"


def test_training_in_a_log_says_its_epoch(loud, capsys, monkeypatch):
    est = SequenceRegressor(epochs=2, n_models=2, verbose=True, seed=0)
    est.fit(SEQS, Y)
    err = capsys.readouterr().err
    assert "Training:" not in err  # seconds of work: no line
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)
    est.fit(SEQS, Y)
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("Training:")]
    assert "Training: epoch 1 of 2 (network 1 of 2), 0 s" in lines
    assert "Training: epoch 2 of 2 (network 2 of 2), 0 s" in lines
    assert all(re.fullmatch(r"Training: epoch [12] of 2 \(network [12] of 2\), \d+ s", x)
               for x in lines)
    assert all(not m._forward_pre_hooks for m in est.models_)  # the counters are gone
    SequenceRegressor(epochs=1, n_models=1, seed=0).fit(SEQS, Y)  # not verbose: silent
    assert "Training:" not in capsys.readouterr().err


def test_a_run_in_a_log_reports_progress_unless_quiet(loud, tmp_path, capsys, monkeypatch):
    import pandas as pd

    from biochemml.cli import main

    pd.DataFrame({"sequence": SEQS, "value": Y}).to_csv(tmp_path / "t.csv", index=False)
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)
    args = ["train", "--data", str(tmp_path / "t.csv"), "--target-column", "value", "--task",
            "regression", "--model", "mlp", "--epochs", "1", "--ensemble", "1",
            "--no-baselines"]
    assert main([*args, "--out", str(tmp_path / "run")]) == 0
    assert "Training: epoch 1 of 1, " in capsys.readouterr().err
    assert main(["--quiet", *args, "--out", str(tmp_path / "quiet")]) == 0
    assert "Training:" not in capsys.readouterr().err


def test_a_caller_that_asked_for_no_progress_gets_none(loud, capsys, monkeypatch):
    from biochemml.interpret import mutagenesis

    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)
    with progress.progress_bar(3, "Counting", enabled=False) as advance:
        advance()
    est = SequenceRegressor("mlp", n_models=1, epochs=1, seed=0).fit(SEQS, Y)
    capsys.readouterr()
    est.predict(SEQS)                      # verbose=False: silent in a log too
    mutagenesis(est, SEQS[:2], progress=False)
    assert capsys.readouterr().err == ""
    mutagenesis(est, SEQS[:2], progress=True)
    assert "Mutating: 2 of 2" in capsys.readouterr().err


def test_a_notebook_without_ipywidgets_gets_plain_lines(monkeypatch):
    """A live bar in Jupyter needs ipywidgets; without it, it printed only a warning."""
    import importlib.util
    import io
    import sys

    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    monkeypatch.setitem(sys.modules, "ipykernel", sys)  # inside a notebook's kernel
    real = importlib.util.find_spec
    for installed in (False, True):
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: (
            (real("json") if installed else None) if name == "ipywidgets" else real(name, *a)))
        assert progress.shows_bars() is installed
    monkeypatch.delitem(sys.modules, "ipykernel")
    assert progress.shows_bars() is False  # a log
