"""Classification runs on imbalanced and messy label tables, as a user's binding assay."""
import json

import numpy as np
import pandas as pd
import pytest

from biochemml import progress
from biochemml.cli import main
from biochemml.metrics import classification_metrics, default_positive


def said(err: str) -> str:
    return " ".join(err.split())


@pytest.fixture
def loud(monkeypatch):
    monkeypatch.setattr(progress, "_QUIET", False)


@pytest.fixture(scope="module")
def rare(tmp_path_factory):
    """1,000 random 12-mers; 'bound' (about 3 %) when they carry GGAG."""
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(1000)]
    labels = np.where(["GGAG" in s for s in seqs], "bound", "unbound")
    path = tmp_path_factory.mktemp("data") / "assay.csv"
    pd.DataFrame({"seq": seqs, "label": labels, "plate": [f"p{i % 4}" for i in range(1000)]}
                 ).to_csv(path, index=False)
    return path


def train(path, out, *options):
    return main(["train", "--data", str(path), "--sequence-column", "seq", "--task",
                 "classification", "--model", "mlp", "--epochs", "3", *options, "--out", str(out)])


def test_the_rarer_class_is_positive_and_accuracy_is_set_against_the_majority(rare, tmp_path, capsys,
                                                                              loud):
    assert train(rare, tmp_path / "run") == 0
    captured = capsys.readouterr()
    n_bound = int((pd.read_csv(rare)["label"] == "bound").sum())
    assert f"Positive class: 'bound' (the rarer class: {n_bound} of 1,000 rows" in said(captured.err)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())["test"]
    assert metrics["positive"] == "bound" and metrics["majority_class"] == "unbound"
    assert "positive class: bound" in captured.out
    assert f"always predicting 'unbound' would give accuracy {metrics['majority_accuracy']:.3f}" \
        in captured.out
    html = said((tmp_path / "run" / "report.html").read_text())
    assert "positive class" in html and "balanced_accuracy" in html
    if metrics["accuracy"] <= metrics["majority_accuracy"] + 0.02:  # 3 epochs: it usually is
        assert "is no better than always predicting 'unbound'" in said(captured.err)
        assert "is no better than always predicting" in html


def test_default_positive_and_the_majority_bar():
    assert default_positive(["unbound"] * 9 + ["bound"]) == "bound"
    assert default_positive([0, 0, 0, 1, 1, 1, 1]) == 1  # 0/1: 1, even when common
    assert default_positive(["b", "a", "b", "a"]) == "b"  # a tie: the last in sorted order
    assert default_positive(["a", "b", "c"]) is None
    m = classification_metrics(["n"] * 8 + ["y"] * 2, ["n"] * 10)
    assert m["majority_class"] == "n" and m["majority_accuracy"] == 0.8 == m["accuracy"]
    assert m["balanced_accuracy"] == 0.5


def test_labels_differing_only_in_case_are_refused(rare, tmp_path, capsys):
    table = pd.read_csv(rare)
    table.loc[[5, 9], "label"] = table.loc[[5, 9], "label"].str.capitalize()
    table.to_csv(tmp_path / "case.csv", index=False)
    assert train(tmp_path / "case.csv", tmp_path / "run") == 1
    err = said(capsys.readouterr().err)
    word = table.loc[5, "label"]
    assert "differ only in case (rows 7, 11)" in err and repr(word) in err
    assert not (tmp_path / "run").exists()


def test_a_test_side_with_one_class_is_refused_before_training(rare, tmp_path, capsys):
    table = pd.read_csv(rare)
    table["set"] = np.where(table["label"] == "bound", "train", "train")
    table.loc[table.index[table["label"] == "unbound"][:100], "set"] = "test"
    table.to_csv(tmp_path / "one.csv", index=False)
    assert train(tmp_path / "one.csv", tmp_path / "run", "--split-column", "set") == 1
    err = said(capsys.readouterr().err)
    assert "the test rows (rows marked 'test' in column 'set') hold only the class 'unbound'" in err
    assert "Trained" not in err and not (tmp_path / "run").exists()


@pytest.mark.parametrize("options, message", [
    (["--target-transform", "log"], "a target transform (--target-transform) is for measured values"),
    (["--group-column", "plate"], "only keeps whole groups on one side with --split group"),
])
def test_regression_only_options_are_refused_for_classification(rare, tmp_path, capsys, options,
                                                                 message):
    assert train(rare, tmp_path / "run", *options) == 1
    assert message in said(capsys.readouterr().err)


def test_measured_values_given_as_labels_get_the_regression_hint(tmp_path, capsys):
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 9)) for _ in range(60)]
    values = np.round(rng.normal(1, 0.3, 60), 3)
    values[:30] = values[30:]  # each value twice: no class of one row alone for half of them
    values[0] = 9.999
    pd.DataFrame({"seq": seqs, "label": values}).to_csv(tmp_path / "v.csv", index=False)
    assert train(tmp_path / "v.csv", tmp_path / "run") == 1
    assert "are these measured values? Then use --task regression" in said(capsys.readouterr().err)


def test_evaluate_takes_other_column_names_and_a_table_of_one_class(rare, tmp_path, capsys):
    assert train(rare, tmp_path / "run") == 0
    table = pd.read_csv(rare).rename(columns={"seq": "utr", "label": "class"})
    table[table["class"] == "bound"].to_csv(tmp_path / "binders.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "binders.csv"),
                 "--sequence-column", "utr", "--target-column", "class", "--out",
                 str(tmp_path / "ev")]) == 0
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    # the binders the run trained on are kept apart: the headline is the unseen binders'
    assert metrics["all_rows"]["n"] == int((table["class"] == "bound").sum())
    assert metrics["n"] == metrics["unseen"]["n"] < metrics["all_rows"]["n"]
    assert metrics["recall"] == pytest.approx(np.asarray(metrics["confusion_matrix"])[0, 0] / metrics["n"])
    assert not (tmp_path / "ev" / "figures" / "evaluation_roc.png").exists()  # one class: no curve
    assert main(["evaluate", "--model", str(tmp_path / "run"), "--data",
                 str(tmp_path / "binders.csv")]) == 1
    assert "has no column 'seq', the sequence column the model was trained on" in \
        said(capsys.readouterr().err)


def test_labels_saved_as_0_0_and_1_0_are_the_classes_0_and_1(rare, tmp_path, capsys, loud):
    table = pd.read_csv(rare)
    table["label"] = (table["label"] == "bound").astype(float)  # 1.0 for bound: rarer
    table["label"] = np.where(table["label"] == 1.0, 0.0, 1.0)  # 1.0 now the common class
    table.to_csv(tmp_path / "float.csv", index=False)
    assert "1.0" in (tmp_path / "float.csv").read_text()
    assert train(tmp_path / "float.csv", tmp_path / "run") == 0
    err = said(capsys.readouterr().err)
    assert "Positive class: '1' (the labels are 0/1" in err  # not the rarer '0.0'
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())["test"]
    assert metrics["positive"] == 1
    assert main(["evaluate", "--model", str(tmp_path / "run"), "--data",
                 str(tmp_path / "float.csv"), "--sequence-column", "seq"]) == 0


def test_a_class_one_letter_from_a_common_one_is_pointed_out(rare, tmp_path, capsys, loud):
    table = pd.read_csv(rare)
    unbound = table.index[table["label"] == "unbound"]
    table.loc[unbound[[3, 8, 20]], "label"] = "unbund"
    table.to_csv(tmp_path / "typo.csv", index=False)
    assert train(tmp_path / "typo.csv", tmp_path / "run") == 0
    rows = ", ".join(str(i + 2) for i in unbound[[3, 8, 20]])
    assert (f"The class 'unbund' (rows {rows}) is one letter away from 'unbound' "
            in said(capsys.readouterr().err))
    table.loc[unbound[[8, 20]], "label"] = "unbound"  # one row left: the error suggests it
    table.to_csv(tmp_path / "typo1.csv", index=False)
    assert train(tmp_path / "typo1.csv", tmp_path / "run1") == 1
    assert "is 'unbund' a typo for 'unbound'?" in said(capsys.readouterr().err)
    # classes that merely look alike and are both common are left alone
    table["label"] = np.where(np.arange(len(table)) % 2, "rep1", "rep2")
    table.to_csv(tmp_path / "alike.csv", index=False)
    assert train(tmp_path / "alike.csv", tmp_path / "run2") == 0
    assert "one letter away" not in said(capsys.readouterr().err)


def test_the_report_shows_test_rows_of_every_class_and_error(rare, tmp_path):
    table = pd.read_csv(rare).sort_values("label")  # one class first, as the demo's data
    table.to_csv(tmp_path / "sorted.csv", index=False)
    assert train(tmp_path / "sorted.csv", tmp_path / "run") == 0
    html = (tmp_path / "run" / "report.html").read_text()
    assert "Test-set predictions: the first of each true and predicted class in turn" in html
    predictions = pd.read_csv(tmp_path / "run" / "predictions.csv")
    start = html.index("Test-set predictions: the first of each")
    shown = html[start:html.index("</table>", start)]
    for label in set(predictions["label"]):  # both classes in the shown rows
        assert f"<td>{label}</td>" in shown
    assert "<th></th>" not in shown  # no column of pandas positions beside the file rows


def test_a_balanced_table_is_not_called_imbalanced():
    from biochemml.runs import majority_note

    result = {"labels": ["bound", "unbound"], "accuracy": 0.444, "majority_accuracy": 0.506,
              "majority_class": "unbound", "balanced_accuracy": 0.45}
    note = majority_note(result)
    assert "has not learnt to tell the classes apart" in note and "imbalanced" not in note
    result["majority_accuracy"], result["accuracy"] = 0.9, 0.9
    assert "on imbalanced classes accuracy hides" in majority_note(result)
