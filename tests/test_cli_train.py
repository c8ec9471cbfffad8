"""`biochemml train / evaluate / predict / demo` on files in a temp folder, as a user runs them."""
import json
import time

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main
from biochemml.simulate import lecture_pwm, motif_dataset


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    df = motif_dataset(lecture_pwm(), 250, 250, seed=11).sample(frac=1, random_state=0)
    df = df.rename(columns={"sequence": "utr"})
    df["label"] = np.where(df.label == 1, "motif", "random")
    path = folder / "train.csv"
    df.iloc[:400].to_csv(path, index=False)
    df.iloc[400:].to_csv(folder / "new.csv", index=False)
    return path, folder


@pytest.fixture(scope="module")
def run(table):
    path, folder = table
    out = folder / "run"
    code = main(["--quiet", "train", "--data", str(path), "--sequence-column", "utr",
                 "--target-column", "label", "--task", "classification", "--model", "lecture-cnn",
                 "--epochs", "5", "--out", str(out)])
    assert code == 0
    return out


def test_train_writes_a_complete_run_folder(run):
    for name in ("config.yaml", "model.pt", "metrics.json", "predictions.csv", "history.csv",
                 "report.html", "figures/training_curves.png", "figures/test_confusion_matrix.png"):
        assert (run / name).exists(), name
    metrics = json.loads((run / "metrics.json").read_text())["test"]
    assert 0 <= metrics["accuracy"] <= 1
    assert np.asarray(metrics["confusion_matrix"]).sum() == 80
    html = (run / "report.html").read_text()
    assert "data:image/png;base64," in html
    history = pd.read_csv(run / "history.csv")
    assert len(history) == 5


def test_predict_adds_prediction_and_probability_columns(run, table, tmp_path):
    _, folder = table
    out = tmp_path / "pred.csv"
    assert main(["predict", "--model", str(run), "--data", str(folder / "new.csv"), "--out", str(out)]) == 0
    pred = pd.read_csv(out)
    new = pd.read_csv(folder / "new.csv")
    assert list(pred.columns[:len(new.columns)]) == list(new.columns)
    assert set(pred.prediction) <= {"motif", "random"}
    np.testing.assert_allclose(pred.probability_motif + pred.probability_random, 1, rtol=1e-5)


def test_evaluate_scores_a_new_table(run, table, tmp_path, capsys):
    _, folder = table
    assert main(["evaluate", "--model", str(run), "--data", str(folder / "new.csv"),
                 "--out", str(tmp_path / "eval")]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out
    assert (tmp_path / "eval" / "report.html").exists()
    # the confusion matrix names its classes: a header of predicted, a label per true row
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    lines = out.splitlines()
    at = lines.index("confusion matrix (rows = true class, columns = predicted class):")
    assert lines[at + 1].split() == ["motif", "random"]
    for k, label in enumerate(["motif", "random"]):
        assert lines[at + 2 + k].split() == [label] + [str(v) for v in
                                                       metrics["confusion_matrix"][k]]


def test_predict_reads_and_writes_excel_tables(run, table, tmp_path):
    _, folder = table
    new = pd.read_csv(folder / "new.csv").head(10)
    new.to_excel(tmp_path / "new.xlsx", index=False)
    for name in ("pred.csv", "pred.xlsx"):
        assert main(["--quiet", "predict", "--model", str(run), "--data",
                     str(tmp_path / "new.xlsx"), "--out", str(tmp_path / name)]) == 0
    pred = pd.read_csv(tmp_path / "pred.csv")
    assert pred.utr.tolist() == new.utr.tolist() and set(pred.prediction) <= {"motif", "random"}
    pd.testing.assert_frame_equal(pd.read_excel(tmp_path / "pred.xlsx"), pred)


#: runs the CLI and says on stderr when Lightning's fit has put in its signal handlers
_CLI_SAYING_WHEN_FIT_STARTS = """
import sys
from pytorch_lightning.trainer.connectors.signal_connector import _SignalConnector

register = _SignalConnector.register_signal_handlers

def register_and_say(self):
    register(self)
    print("fit has started", file=sys.stderr, flush=True)

_SignalConnector.register_signal_handlers = register_and_say
from biochemml.cli import main
sys.exit(main())
"""


def test_sigterm_inside_lightning_fit_stops_train(table, tmp_path, capsys, monkeypatch):
    """Lightning's own SIGTERM handler used to swallow the signal: train went on, exit 0."""
    import os
    import signal

    from pytorch_lightning.trainer.connectors.signal_connector import _SignalConnector

    register = _SignalConnector.register_signal_handlers

    def register_then_terminate(self):
        register(self)  # Lightning's handlers are in place: the signal arrives inside fit
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(_SignalConnector, "register_signal_handlers", register_then_terminate)
    before = signal.getsignal(signal.SIGTERM)
    path, _ = table
    code = main(["--quiet", "train", "--data", str(path), "--sequence-column", "utr",
                 "--target-column", "label", "--model", "lecture-cnn", "--epochs", "2",
                 "--out", str(tmp_path / "run")])
    assert code == 128 + signal.SIGTERM
    assert capsys.readouterr().err.strip() == "interrupted: no run folder was written"
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.slow
def test_sigterm_stops_train_with_a_failure_status_and_no_run_folder(table, tmp_path):
    import signal
    import subprocess
    import sys

    path, _ = table
    out = tmp_path / "run"
    # no validation rows: no early stopping, so the network trains until stopped
    proc = subprocess.Popen(
        [sys.executable, "-c", _CLI_SAYING_WHEN_FIT_STARTS, "--quiet", "train", "--data",
         str(path), "--sequence-column", "utr", "--target-column", "label", "--model",
         "lecture-cnn", "--epochs", "100000", "--validation-split", "0", "--out", str(out)],
        stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:
            if "fit has started" in line:
                break
        # inside Lightning's fit, whose own SIGTERM handler used to swallow the signal
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err.strip().splitlines()[-1] == "interrupted: no run folder was written"
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_prints_one_line_and_restores_the_handlers(table, tmp_path, capsys, monkeypatch):
    import os
    import signal

    import biochemml.runs

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(10)  # the handler raises during the sleep
        raise AssertionError("SIGINT did not stop the command")

    monkeypatch.setattr(biochemml.runs, "train_run", interrupted)
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    path, _ = table
    assert main(["train", "--data", str(path), "--out", str(tmp_path / "run")]) == 130
    assert capsys.readouterr().err.strip() == "interrupted: no run folder was written"
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def _error(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Error: ") and "Traceback" not in err
    return err


def test_user_mistakes_give_one_line_errors(table, tmp_path, capsys):
    path, _ = table
    base = ["train", "--data", str(path), "--sequence-column", "utr", "--epochs", "1"]
    err = _error(capsys, base + ["--target-column", "lable", "--out", str(tmp_path / "a")])
    assert "no column 'lable'" in err and "train.csv" in err
    df = pd.read_csv(path)
    df.loc[5, "label"] = None
    df.to_csv(tmp_path / "nan.csv", index=False)
    err = _error(capsys, ["train", "--data", str(tmp_path / "nan.csv"), "--sequence-column", "utr",
                          "--target-column", "label", "--out", str(tmp_path / "b")])
    assert "row 7" in err and "label" in err  # header is row 1, data starts at row 2
    df = pd.read_csv(path)
    df["value"] = "high"
    df.to_csv(tmp_path / "text.csv", index=False)
    err = _error(capsys, ["train", "--data", str(tmp_path / "text.csv"), "--sequence-column", "utr",
                          "--target-column", "value", "--task", "regression", "--out", str(tmp_path / "c")])
    assert "'high', not a number" in err and "row 2" in err
    df["one"] = "x"
    df.to_csv(tmp_path / "one.csv", index=False)
    err = _error(capsys, ["train", "--data", str(tmp_path / "one.csv"), "--sequence-column", "utr",
                          "--target-column", "one", "--out", str(tmp_path / "d")])
    assert "at least two classes" in err
    df = pd.read_csv(path)
    df.loc[3, "utr"] = "ACGUXACGT"
    df.to_csv(tmp_path / "alpha.csv", index=False)
    err = _error(capsys, ["train", "--data", str(tmp_path / "alpha.csv"), "--sequence-column", "utr",
                          "--target-column", "label", "--out", str(tmp_path / "e")])
    assert "row 5" in err and "'X'" in err
    err = _error(capsys, base + ["--target-column", "label", "--data", str(tmp_path / "nope.csv")])
    assert "does not exist" in err
    for name in "abcde":
        assert not (tmp_path / name).exists()


def test_failure_while_writing_leaves_no_partial_run(table, tmp_path, monkeypatch):
    import biochemml.report

    path, _ = table

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(biochemml.report, "write_report", broken)
    with pytest.raises(RuntimeError):
        main(["--quiet", "train", "--data", str(path), "--sequence-column", "utr", "--target-column",
              "label", "--model", "lecture-cnn", "--epochs", "1", "--out", str(tmp_path / "run")])
    assert list(tmp_path.iterdir()) == []


def test_predict_with_a_model_from_another_version(run, table, tmp_path, capsys):
    import shutil

    import torch

    _, folder = table
    copy = tmp_path / "old"
    shutil.copytree(run, copy)
    payload = torch.load(copy / "model.pt", weights_only=False)
    payload["format_version"] = 0
    torch.save(payload, copy / "model.pt")
    err = _error(capsys, ["predict", "--model", str(copy), "--data", str(folder / "new.csv"),
                          "--out", str(tmp_path / "p.csv")])
    assert "Retrain" in err
    assert not (tmp_path / "p.csv").exists()


def test_demo_runs_the_lecture(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "lecture")]) == 0
    out = capsys.readouterr().out
    assert "Test accuracy:" in out and "Confusion matrix" in out
    assert (tmp_path / "lecture" / "report.html").exists()
    # next to the average ceiling, what the Bayes rule scores on this very test split
    from biochemml.simulate import bayes_rule

    test = pd.read_csv(tmp_path / "lecture" / "predictions.csv")
    bayes = np.mean(bayes_rule(lecture_pwm(), test["sequence"]) == test["label"])
    assert f"the Bayes rule itself scores {bayes:.3f} on these {len(test)} sequences" in out
    # step 5: what the CNN learnt, counted from the interpretation it wrote
    explained = tmp_path / "lecture" / "interpretation"
    table = pd.read_csv(explained / "mutagenesis.csv")
    carriers = int((test["label"] == 1).sum())
    assert table["id"].nunique() == carriers
    importance = table.groupby(["id", "position"], sort=False)["importance"].first().unstack()
    top = importance.to_numpy().argsort(axis=1)[:, -4:] + 1
    inside = int(((top >= 8) & (top <= 13)).all(axis=1).sum())
    assert f"for {inside} of {carriers} test sequences with the motif" in out
    assert inside >= 0.8 * carriers  # the CNN looks at the motif
    motifs = pd.read_csv(explained / "filter_motifs.csv")
    assert any(piece in c.upper() for c in motifs.consensus[:4] for piece in ("CGGA", "CCGG", "GGAA"))
    assert (explained / "report.html").exists() and (explained / "filter_motifs.meme").exists()


def test_models_lists_sequence_baseline_and_protein_variant_models(capsys):
    from biochemml.models import available
    from biochemml.protein.models import VARIANT_MODEL_DESCRIPTIONS, VARIANT_MODELS

    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = {line.split()[0] for line in lines if line and not line.startswith("With ")}
    assert set(available()) | {"ridge", "gbm-kmer"} | set(VARIANT_MODELS) <= names
    assert set(VARIANT_MODEL_DESCRIPTIONS) == set(VARIANT_MODELS)
    assert {"framepool", "dilated-cnn"} <= names


def test_evaluate_lists_targets_only_not_the_unseen_or_all_rows_scores():
    from biochemml.cli.train import _metrics_text

    scores = {"r2": 0.5, "spearman": 0.6, "n": 40}
    text = _metrics_text({"gfp": scores, "rfp": scores, "unseen": {"gfp": scores},
                          "all_rows": {"gfp": scores, "rfp": scores}})
    assert [line for line in text.splitlines() if not line.startswith(" ")] == ["gfp:", "rfp:"]


def test_a_regression_on_text_labels_points_to_classification(tmp_path, capsys):
    from biochemml.cli import main

    path = tmp_path / "lab.csv"
    path.write_text("seq,level\n" + "".join(f"ACGTACG{b},{lv}\n" for b, lv in
                                             zip("ACGTAC", ["high", "low"] * 3)))
    assert main(["train", "--data", str(path), "--sequence-column", "seq", "--target-column",
                 "level", "--task", "regression", "--out", str(tmp_path / "run")]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert ("row 2, column 'level': the value is 'high', not a number (6 rows in all: rows 2, 3, "
            "4, 5, 6, ...). The "
            "column holds text labels only (high, low): to learn classes, train with --task "
            "classification") in err
    path.write_text("seq,level\nACGTACGA,1.5\nACGTACGC,n.d.\nACGTACGG,2.5\n")  # a typo only
    assert main(["train", "--data", str(path), "--sequence-column", "seq", "--target-column",
                 "level", "--task", "regression", "--out", str(tmp_path / "run2")]) == 1
    assert "classification" not in capsys.readouterr().err


def test_predict_says_what_a_regression_run_gives_and_points_to_evaluate(tmp_path, capsys):
    from biochemml.runs import INTERVALS_NOTE, ONE_WIDTH_NOTE

    rng = np.random.default_rng(3)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(160)]
    df = pd.DataFrame({"utr": seqs, "rl": [s.count("G") + rng.normal(0, 0.3) for s in seqs]})
    df.iloc[:120].to_csv(tmp_path / "train.csv", index=False)
    df.iloc[120:].to_csv(tmp_path / "measured.csv", index=False)
    df.iloc[120:, :1].to_csv(tmp_path / "new.csv", index=False)
    said = {}
    # one network with 10 validation rows (too few to size an interval), one with 39, and
    # an ensemble
    for n, split in (("1", "0.1"), ("1w", "0.4"), ("2", "0.1")):
        run = tmp_path / f"run{n}"
        assert main(["train", "--data", str(tmp_path / "train.csv"), "--sequence-column", "utr",
                     "--target-column", "rl", "--task", "regression", "--ensemble", n[0],
                     "--validation-split", split, "--epochs", "2", "--no-baselines",
                     "--out", str(run)]) == 0
        printed = capsys.readouterr()
        trained, said_err = " ".join(printed.out.split()), " ".join(printed.err.split())
        assert "Scores on the 24 test rows r2: " in trained  # a heading over the scores
        # a run says once what its uncertainty columns are
        assert (" ".join(INTERVALS_NOTE.split()) in trained) == (n == "2")
        assert (" ".join(ONE_WIDTH_NOTE.split()) in trained) == (n == "1w")
        assert ("Calibration of one network's intervals, one width for all: 68% intervals "
                "hold" in trained) == (n == "1w")
        assert ("The 68 % interval is prediction ± " in trained) == (n != "1")
        # too few validation rows: the run says so, and what split would hold out enough
        assert ("Only 10 validation rows: too few (under 30) to size the network's 95 % "
                "interval" in said_err) == (n == "1")
        assert ("--validation-split 0.313 or more to hold out 30" in said_err) == (n == "1")
        for table in ("new", "measured"):
            assert main(["predict", "--model", str(run), "--data", str(tmp_path / f"{table}.csv"),
                         "--out", str(tmp_path / f"p{n}{table}.csv")]) == 0
            said[n, table] = " ".join(capsys.readouterr().out.split())
    none = "One network, without validation rows enough to size an interval by"
    one = "One network: prediction_std and the 95 % interval are the same for every sequence"
    assert none in said["1", "new"] and one not in said["1", "new"]
    assert one in said["1w", "new"] and none not in said["1w", "new"]
    assert none not in said["2", "new"] and one not in said["2", "new"]
    assert "prediction_std" not in pd.read_csv(tmp_path / "p1new.csv").columns
    widths = pd.read_csv(tmp_path / "p1wnew.csv")
    assert widths.prediction_std.nunique() == 1 and (widths.prediction_std > 0).all()
    np.testing.assert_allclose(widths.upper_95 - widths.lower_95,
                               2 * 1.959964 * widths.prediction_std, rtol=1e-5)
    assert pd.read_csv(tmp_path / "p2new.csv").prediction_std.nunique() > 1
    # the run's record and report say how its intervals were made
    for n, kind in (("1", None), ("1w", "one width"), ("2", "ensemble")):
        metrics = json.loads((tmp_path / f"run{n}" / "metrics.json").read_text())
        assert metrics["test"].get("intervals") == kind
        report = " ".join((tmp_path / f"run{n}" / "report.html").read_text().split())
        assert ("intervals, one width for all" in report) == (n == "1w")
    evaluate = "The table holds the run's target 'rl', left as it was: `biochemml evaluate --model"
    assert evaluate in said["2", "measured"] and evaluate not in said["2", "new"]
    # the command it names works as written
    command = said["2", "measured"].split("`")[1].split()
    assert command[:2] == ["biochemml", "evaluate"] and main(command[1:]) == 0
    # an evaluation names what it scored: the rows of the table, not the run's test set
    evaluated = " ".join(capsys.readouterr().out.split())
    assert "the 95 % interval is lower_95 to upper_95" in evaluated
    assert "of the 40 values of measured.csv" in evaluated and "test values" not in evaluated
    assert evaluated.startswith("Scores on measured.csv r2: ")
    # a table without the measured column points to predict
    assert main(["evaluate", "--model", str(tmp_path / "run2"), "--data",
                 str(tmp_path / "new.csv")]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "no column 'rl'" in err and "a table without measured values is for biochemml " \
        "predict" in err
