"""`biochemml evaluate` on sequence runs: it never overwrites a folder, it counts the
training sequences a table repeats and scores the unseen ones apart, and a class the model
never saw is named with its rows."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main
from biochemml.errors import InputError
from biochemml.runs import evaluate_run, train_run


@pytest.fixture(scope="module")
def regression_run(tmp_path_factory):
    """A ridge run on 200 random 24-nt sequences whose value counts 'GG'."""
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 24)) for _ in range(200)]
    y = [s.count("GG") + rng.normal(0, 0.3) for s in seqs]
    folder = tmp_path_factory.mktemp("reg")
    table = pd.DataFrame({"utr": seqs, "gfp": y})
    table.to_csv(folder / "train.csv", index=False)
    run = train_run(folder / "train.csv", sequence_column_name="utr", target_columns=["gfp"],
                    task="regression", model="ridge", baselines=False, out=folder / "run")
    return run, table


def test_an_existing_folder_is_refused_and_the_run_is_left_whole(regression_run, tmp_path):
    run, table = regression_run
    table.head(30).to_csv(tmp_path / "more.csv", index=False)
    before = sorted(p.name for p in run.iterdir())
    assert "model.joblib" in before
    with pytest.raises(InputError, match="already exists"):
        evaluate_run(run, tmp_path / "more.csv", out=run)
    assert sorted(p.name for p in run.iterdir()) == before
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    assert main(["--quiet", "evaluate", "--model", str(run), "--data",
                 str(tmp_path / "more.csv"), "--out", str(other)]) != 0
    assert (other / "notes.txt").read_text() == "keep me"


def test_training_sequences_are_counted_and_the_unseen_scored_apart(regression_run, tmp_path):
    run, table = regression_run
    test_rows = pd.read_csv(run / "predictions.csv")["row"].to_numpy() - 2  # file rows -> index
    unseen = table.iloc[test_rows]
    seen = table.drop(index=table.index[test_rows]).head(40)
    mixed = pd.concat([seen, unseen]).reset_index(drop=True)
    mixed.to_csv(tmp_path / "mixed.csv", index=False)
    result = evaluate_run(run, tmp_path / "mixed.csv", out=tmp_path / "ev")
    assert result["unseen"]["n"] == len(unseen)
    # the headline, its interval and the figures are the unseen rows'; all rows kept apart
    assert result["n"] == len(unseen) and result["r2"]["value"] == pytest.approx(result["unseen"]["r2"])
    assert result["all_rows"]["n"] == len(mixed)
    assert result["all_rows"]["r2"]["value"] > result["r2"]["value"]  # the seen rows flatter
    from biochemml.runs import _report_metrics

    assert not {"all_rows", "unseen"} & set(_report_metrics("regression", result, ["gfp"]))
    import json
    assert json.loads((tmp_path / "ev" / "metrics.json").read_text())["n"] == len(unseen)
    alone = evaluate_run(run, tmp_path / "mixed.csv")  # no folder written
    assert alone["unseen"]["r2"] == pytest.approx(result["unseen"]["r2"])
    written = pd.read_csv(tmp_path / "ev" / "predictions.csv")
    assert written["in_training_set"].tolist() == [True] * len(seen) + [False] * len(unseen)
    assert written["row"].tolist() == list(range(2, 2 + len(mixed)))  # file rows, as train's
    # the unseen rows alone score as an evaluation of them alone does
    unseen.to_csv(tmp_path / "unseen.csv", index=False)
    only = evaluate_run(run, tmp_path / "unseen.csv")
    assert "unseen" not in only
    assert only["r2"]["value"] == pytest.approx(result["unseen"]["r2"])
    report = " ".join((tmp_path / "ev" / "report.html").read_text().split())
    assert "in the training set" in report
    # the bootstrap line names the evaluated table's values, not the run's test examples
    assert "bootstrap 95% confidence interval over the values of mixed.csv" in report


def test_evaluate_predicts_each_row_once(regression_run, tmp_path, monkeypatch):
    """Scoring the unseen rows apart reuses the predictions of all rows: a large table is
    not predicted twice."""
    import biochemml.runs as runs

    run, table = regression_run
    table.to_csv(tmp_path / "all.csv", index=False)  # training rows and test rows
    loaded = runs.load_run_model(run)
    predicted = []
    real = loaded.predict

    def counting(seqs, *args, **kwargs):
        predicted.append(len(seqs))
        return real(seqs, *args, **kwargs)

    loaded.predict = counting
    monkeypatch.setattr(runs, "load_run_model", lambda run_dir: loaded)
    result = evaluate_run(run, tmp_path / "all.csv")
    assert "all_rows" in result and result["n"] < len(table)
    assert predicted == [len(table)]


def test_a_class_the_model_never_saw_is_named_with_its_rows(tmp_path):
    rng = np.random.default_rng(2)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(120)]
    labels = ["yes" if s.count("GG") > 1 else "no" for s in seqs]
    pd.DataFrame({"utr": seqs, "bound": labels}).to_csv(tmp_path / "c.csv", index=False)
    run = train_run(tmp_path / "c.csv", sequence_column_name="utr", target_columns=["bound"],
                    epochs=1, n_models=1, out=tmp_path / "run")
    coded = pd.DataFrame({"utr": seqs[:10], "bound": [int(v == "yes") for v in labels[:10]]})
    coded.to_csv(tmp_path / "coded.csv", index=False)
    with pytest.raises(InputError) as err:
        evaluate_run(run, tmp_path / "coded.csv")
    text = str(err.value)
    assert "coded.csv" in text and "'bound'" in text and "row 2" in text.replace("rows", "row")
    assert "'no', 'yes'" in text


def test_a_run_says_when_a_baseline_beats_its_model(tmp_path, capsys, monkeypatch):
    from biochemml import progress
    from biochemml.runs import _better_baseline

    monkeypatch.setattr(progress, "_QUIET", False)
    # the value counts 'GGG' anywhere: position-free k-mer boosting finds it, the
    # positional one-hot ridge cannot
    rng = np.random.default_rng(3)
    seqs = ["".join(rng.choice(list("ACGT"), 40, p=[0.2, 0.2, 0.4, 0.2])) for _ in range(300)]
    y = [sum(s[i:i + 3] == "GGG" for i in range(38)) for s in seqs]
    pd.DataFrame({"utr": seqs, "gfp": y}).to_csv(tmp_path / "t.csv", index=False)
    run = train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["gfp"],
                    task="regression", model="ridge", out=tmp_path / "run")
    said = " ".join(capsys.readouterr().err.split())
    assert "The baseline gbm-kmer beat ridge on the test set" in said
    assert "--model gbm-kmer." in said and "give the network more data" not in said  # no network
    html = " ".join((run / "report.html").read_text().split())
    assert "<th>target column</th><td>gfp</td>" in html
    # in the box read before any number, not a bullet among the notes below the metrics
    box = html.split('<div class="first"><strong>Read this first</strong>')[1].split("</div>")[0]
    assert "The baseline gbm-kmer beat ridge" in box and "--model gbm-kmer" in box
    assert html.index("Read this first") < html.index("<h2>Metrics</h2>")
    # the baselines table rounds once, as the report and the terminal do (to 4 places
    # first, 0.14752 had printed as 0.147)
    from biochemml.report import format_value

    saved = json.loads((run / "metrics.json").read_text())["baselines"]
    for row in saved:
        assert f"<td>{format_value(row['r2'])}</td>" in html
    # what is built on the run repeats its test score and the warning
    from biochemml.interpret.folder import interpret_run

    evaluate_run(run, tmp_path / "t.csv", out=tmp_path / "ev")
    interpret_run(run, tmp_path / "t.csv", tmp_path / "why", limit=2, plots=1)
    for folder in ("ev", "why"):
        built = " ".join((tmp_path / folder / "report.html").read_text().split())
        assert "In its training run, the baseline gbm-kmer beat ridge" in built.split(
            "Read this first")[1].split("</div>")[0]
        assert re.search(r"own test.*R² -?0\.\d{3} \(95 % CI -?0\.\d{3} to -?0\.\d{3}\), "
                         r"60 test rows", built)
    rows = [{"model": "ridge", "r2": 0.30}, {"model": "gbm-kmer", "r2": 0.34},
            {"model": "framepool (this run)", "r2": 0.31}]
    assert _better_baseline(rows) is None  # within the margin
    rows[1]["r2"] = 0.60
    assert "gbm-kmer beat framepool" in _better_baseline(rows)
    assert "give the network more data" in _better_baseline(rows)
    assert "the baseline is the better model" in _better_baseline(rows)
    assert "legnet" not in _better_baseline(rows)  # k-mer counts know no position either
    # a positional baseline beating the position-pooling FramePool: place matters, say so
    positional = [{"model": "ridge-pairs", "r2": 0.737}, {"model": "framepool (this run)",
                                                          "r2": 0.627}]
    assert "framepool pools its features over positions" in _better_baseline(positional)
    assert _better_baseline(positional).endswith("try --model legnet.")
    # a network still improving at its last epoch is sent to train longer first
    assert "was still improving at its last epoch: train it longer before choosing" in \
        _better_baseline(rows, still_improving=True)
    # a baseline beating the model while both do worse than the mean gives no advice
    worse = [{"model": "gbm-kmer", "r2": -0.103}, {"model": "ridge (this run)", "r2": -0.248}]
    assert _better_baseline(worse).startswith("No model predicts the test set better than the "
                                              "mean of the values")
    rows[2]["model"] = "ridge (this run)"  # a baseline beaten by another is not "simpler"
    assert _better_baseline(rows) == ("The baseline gbm-kmer beat ridge on the test set (R² "
                                      "0.600 against 0.310): train it with --model gbm-kmer.")


def test_a_run_still_improving_at_its_last_epoch_says_train_longer():
    from biochemml.runs import _still_improving

    done = {"epochs_run": 20, "best_epoch": 19, "time_limit_hit": False}
    assert _still_improving([done]) == (
        "The validation score was still improving at the last epoch (20 of 20): training "
        "ended before the model had learnt what it could. Train longer (--epochs 40 with "
        "biochemml train, epochs=40 in Python).")
    assert "every network" in _still_improving([done, done])
    # one network that stopped early, the time limit, or no validation: nothing to say
    assert _still_improving([done, {**done, "best_epoch": 12}]) is None
    assert _still_improving([{**done, "time_limit_hit": True}]) is None
    assert _still_improving([{**done, "best_epoch": -1}]) is None
    assert _still_improving([]) is None
    # a best epoch picked on one validation row says nothing; on 160 it does
    assert _still_improving([{**done, "validation_rows": 1}]) is None
    assert _still_improving([{**done, "validation_rows": 160}]) is not None


def test_weighted_runs_weigh_their_baselines_too_and_say_so(tmp_path):
    import json

    rng = np.random.default_rng(4)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(400)]
    y = np.array([s.count("G") + 3.0 * (s[0] == "A") for s in seqs]) + rng.normal(0, 0.3, 400)
    w = np.where(y > 4, 100.0, 1.0)
    pd.DataFrame({"s": seqs, "y": y, "w": w}).to_csv(tmp_path / "t.csv", index=False)
    run = train_run(tmp_path / "t.csv", sequence_column_name="s", target_columns=["y"],
                    task="regression", model="ridge", weight_column="w", out=tmp_path / "run")
    rows = {r["model"]: r["r2"] for r in json.loads((run / "metrics.json").read_text())["baselines"]}
    assert rows["ridge"] == pytest.approx(rows["ridge (this run)"])  # the same weighted fit
    assert "weighs each training row in the loss (baselines too)" in (run / "report.html").read_text()


def test_curves_name_the_positive_class_and_length_residuals_the_target(tmp_path, monkeypatch):
    from biochemml import plot

    titles, labels = [], []
    for name in ("roc_curve", "pr_curve"):
        draw = getattr(plot, name)
        monkeypatch.setattr(plot, name, lambda *a, _d=draw, **k: titles.append(k["title"]) or
                            _d(*a, **k))
    draw_res = plot.residuals
    monkeypatch.setattr(plot, "residuals", lambda *a, **k: labels.append(
        (k.get("label"), k.get("title"))) or draw_res(*a, **k))
    rng = np.random.default_rng(5)
    seqs = ["".join(rng.choice(list("ACGT"), rng.integers(20, 30))) for _ in range(120)]
    pd.DataFrame({"utr": seqs, "bound": ["yes" if s.count("GG") > 1 else "no" for s in seqs],
                  "gfp": [s.count("G") + rng.normal(0, 0.3) for s in seqs]}).to_csv(
        tmp_path / "t.csv", index=False)
    train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["bound"],
              epochs=1, n_models=1, out=tmp_path / "c")
    assert [t.split("\n")[0] for t in titles] == ["ROC curve (positive class: yes)",
                                                  "Precision-recall curve (positive class: yes)"]
    assert titles[0].split("\n")[1] == "cnn · test set · n = 24"  # model, set, size
    train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["gfp"],
              task="regression", model="ridge", baselines=False, out=tmp_path / "r")
    n_test = len(pd.read_csv(tmp_path / "r" / "predictions.csv"))
    assert ("gfp", f"Residuals against sequence length\nridge · test set · n = {n_test}") \
        in labels


def test_the_positive_class_can_be_chosen_and_evaluate_keeps_it(tmp_path, capsys):
    import json

    from biochemml.cli import main

    rng = np.random.default_rng(8)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(160)]
    labels = ["bound" if s.count("GG") > 1 else "unbound" for s in seqs]
    pd.DataFrame({"utr": seqs, "label": labels}).to_csv(tmp_path / "b.csv", index=False)
    args = ["--quiet", "train", "--data", str(tmp_path / "b.csv"), "--sequence-column", "utr",
            "--epochs", "2"]
    assert main(args + ["--positive", "bound", "--out", str(tmp_path / "run")]) == 0
    result = json.loads((tmp_path / "run" / "metrics.json").read_text())["test"]
    assert result["positive"] == "bound"
    cm = np.asarray(result["confusion_matrix"])  # rows and columns in sorted order: bound first
    assert result["recall"] == pytest.approx(cm[0, 0] / cm[0].sum())
    evaluated = evaluate_run(tmp_path / "run", tmp_path / "b.csv")
    assert evaluated["positive"] == "bound"
    capsys.readouterr()
    assert main(args + ["--positive", "Bound", "--out", str(tmp_path / "x")]) == 1
    assert "has no class 'Bound'" in capsys.readouterr().err
    assert main(["--quiet", "train", "--data", str(tmp_path / "b.csv"), "--task", "regression",
                 "--target-column", "label", "--positive", "bound", "--out",
                 str(tmp_path / "y")]) == 1
    assert "--positive names the positive class of a classification" in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_a_two_target_run_scores_the_one_target_a_table_holds(tmp_path):
    rng = np.random.default_rng(9)
    seqs = ["".join(rng.choice(list("ACGT"), 16)) for _ in range(240)]
    gfp = np.array([s.count("GG") for s in seqs]) + rng.normal(0, 0.3, 240)
    rl = np.array([s.count("A") for s in seqs]) + rng.normal(0, 0.3, 240)
    pd.DataFrame({"utr": seqs, "gfp": gfp, "rl": rl}).to_csv(tmp_path / "t.csv", index=False)
    run = train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["gfp", "rl"],
                    task="regression", model="ridge", baselines=False, out=tmp_path / "run")
    rng2 = np.random.default_rng(10)
    new = ["".join(rng2.choice(list("ACGT"), 16)) for _ in range(60)]
    pd.DataFrame({"utr": new, "rl": [s.count("A") for s in new]}).to_csv(
        tmp_path / "rl_only.csv", index=False)
    result = evaluate_run(run, tmp_path / "rl_only.csv", out=tmp_path / "ev")
    assert list(result) == ["rl"] and result["rl"]["n"] == 60
    assert result["rl"]["r2"]["value"] > 0.8  # the A count is additive: ridge finds it
    written = pd.read_csv(tmp_path / "ev" / "predictions.csv")
    assert {"prediction_gfp", "prediction_rl"} <= set(written.columns)  # both predicted
    report = (tmp_path / "ev" / "report.html").read_text()
    assert "The table has no column &#x27;gfp&#x27;" in report or "no column 'gfp'" in report
    figures = sorted(p.name for p in (tmp_path / "ev" / "figures").iterdir())
    assert not any("gfp" in f for f in figures) and any("rl" in f for f in figures)
    # a table holding neither target is still refused, naming the run's columns
    pd.DataFrame({"utr": new}).to_csv(tmp_path / "none.csv", index=False)
    with pytest.raises(InputError, match="gfp"):
        evaluate_run(run, tmp_path / "none.csv")
    # unseen-row scoring uses the measured target when the first one is absent
    seen = pd.read_csv(tmp_path / "t.csv").head(30)[["utr", "rl"]]
    pd.concat([seen, pd.read_csv(tmp_path / "rl_only.csv")]).to_csv(tmp_path / "mix.csv",
                                                                     index=False)
    mixed = evaluate_run(run, tmp_path / "mix.csv")
    assert list(mixed["unseen"]) == ["rl"]  # named by the target it scores
    assert mixed["unseen"]["rl"]["n"] > 0 and np.isfinite(mixed["unseen"]["rl"]["r2"])
    # a blank cell in the target the table holds is one unmeasured row, as with both targets
    blank = pd.read_csv(tmp_path / "rl_only.csv")
    blank.loc[3, "rl"] = np.nan
    blank.to_csv(tmp_path / "blank.csv", index=False)
    assert evaluate_run(run, tmp_path / "blank.csv")["rl"]["n"] == 59
    # an empty column of a target is named as such; no measured target at all is refused
    blank.assign(gfp=np.nan).to_csv(tmp_path / "empty_gfp.csv", index=False)
    evaluate_run(run, tmp_path / "empty_gfp.csv", out=tmp_path / "ev2")
    assert "Column &#x27;gfp&#x27; holds no measured value" in \
        (tmp_path / "ev2" / "report.html").read_text()
    blank.assign(gfp=np.nan, rl=np.nan).to_csv(tmp_path / "empty.csv", index=False)
    with pytest.raises(InputError, match="no target column holds a measured value"):
        evaluate_run(run, tmp_path / "empty.csv")


def test_a_one_row_table_is_refused_naming_the_file(regression_run, tmp_path, capsys):
    run, table = regression_run
    table.head(1).to_csv(tmp_path / "one.csv", index=False)
    with pytest.raises(InputError, match=r"^file .*one\.csv: the table has 1 row: scoring a "
                                         "model needs at least 2 measured rows.*biochemml "
                                         "predict"):
        evaluate_run(run, tmp_path / "one.csv")
    assert main(["--quiet", "evaluate", "--model", str(run), "--data",
                 str(tmp_path / "one.csv")]) != 0
    assert "one.csv" in capsys.readouterr().err


@pytest.fixture(scope="module")
def two_target_run(tmp_path_factory):
    """A ridge run on two targets named as a lab names them, and a table of another lab
    that measured only the first, under its own names."""
    rng = np.random.default_rng(9)
    folder = tmp_path_factory.mktemp("two")
    seqs = ["".join(rng.choice(list("ACGT"), 16)) for _ in range(200)]
    pd.DataFrame({"UTR seq (5'->3')": seqs,
                  "MRL (polysome)": [s.count("A") + rng.normal(0, 0.3) for s in seqs],
                  "eGFP log2 FC": [s.count("GG") + rng.normal(0, 0.3) for s in seqs]}
                 ).to_csv(folder / "lab.csv", index=False)
    run = train_run(folder / "lab.csv", sequence_column_name="UTR seq (5'->3')",
                    target_columns=["MRL (polysome)", "eGFP log2 FC"], task="regression",
                    model="ridge", baselines=False, out=folder / "run")
    new = ["".join(rng.choice(list("ACGT"), 16)) for _ in range(50)]
    other = pd.DataFrame({"seq": new, "mrl_measured": [s.count("A") for s in new]})
    other.to_csv(folder / "other_lab.csv", index=False)
    return run, folder / "other_lab.csv"


def test_a_target_named_differently_is_mapped_by_run_target_equals_column(two_target_run,
                                                                          tmp_path, capsys):
    run, other = two_target_run
    result = evaluate_run(run, other, sequence_column_name="seq",
                          target_columns=["MRL (polysome)=mrl_measured"])
    assert list(result) == ["mrl_measured"] and result["mrl_measured"]["n"] == 50
    assert result["mrl_measured"]["r2"]["value"] > 0.8
    assert main(["--quiet", "evaluate", "--model", str(run), "--data", str(other),
                 "--sequence-column", "seq", "--target-column",
                 "MRL (polysome)=mrl_measured", "--out", str(tmp_path / "ev")]) == 0
    written = pd.read_csv(tmp_path / "ev" / "predictions.csv")
    assert {"prediction_mrl_measured", "prediction_eGFP log2 FC"} <= set(written.columns)
    assert "no column &#x27;eGFP log2 FC&#x27;" in (tmp_path / "ev" / "report.html").read_text()
    # one plain name for two targets: the error shows the form that works
    with pytest.raises(InputError, match=r"names 1: name as many, in that order, or map each "
                                         r"target .* --target-column \"MRL \(polysome\)="
                                         r"mrl_measured\""):
        evaluate_run(run, other, sequence_column_name="seq", target_columns=["mrl_measured"])
    # a mapped target the run does not have, or a column the table lacks, is named
    with pytest.raises(InputError, match="'MRL' is not a target of the run; its targets are "
                                         r"'MRL \(polysome\)', 'eGFP log2 FC'"):
        evaluate_run(run, other, sequence_column_name="seq", target_columns=["MRL=mrl_measured"])
    with pytest.raises(InputError, match="has no column 'mrl'"):
        evaluate_run(run, other, sequence_column_name="seq",
                     target_columns=["MRL (polysome)=mrl"])


def test_unseen_rows_that_measure_a_target_once_keep_the_all_rows_headline(tmp_path):
    rng = np.random.default_rng(3)
    seqs = ["".join(rng.choice(list("ACGT"), 16)) for _ in range(80)]
    table = pd.DataFrame({"utr": seqs, "a": [s.count("G") for s in seqs],
                          "b": [s.count("A") for s in seqs]})
    table.to_csv(tmp_path / "t.csv", index=False)
    run = train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["a", "b"],
                    task="regression", model="ridge", baselines=False, out=tmp_path / "run")
    test_rows = pd.read_csv(run / "predictions.csv")["row"].to_numpy() - 2
    new = table.iloc[test_rows].copy()
    new.loc[new.index[1:], "b"] = np.nan  # b measured once among the unseen rows
    mixed = pd.concat([table.drop(index=table.index[test_rows]).head(16), new])
    result = evaluate_run(run, mixed)  # it raised "at least 2 examples" after the change
    assert "all_rows" not in result and result["a"]["n"] == len(mixed)
    assert result["unseen"]["a"]["n"] == len(new)


def test_figure_titles_say_model_set_and_size(regression_run, tmp_path, monkeypatch):
    """A PNG on a slide has lost its report caption: its title says what it shows."""
    from biochemml import plot

    run, table = regression_run
    table.head(50).to_csv(tmp_path / "some.csv", index=False)
    titles, draw = [], plot.observed_vs_predicted
    monkeypatch.setattr(plot, "observed_vs_predicted",
                        lambda *a, title=None, **k: titles.append(title) or draw(*a, title=title, **k))
    evaluate_run(run, tmp_path / "some.csv", out=tmp_path / "ev")
    n = evaluate_run(run, tmp_path / "some.csv")["n"]  # the unseen rows' figures
    assert titles[-1] == f"Observed vs predicted\nridge · evaluation set · n = {n}"


def test_what_is_built_on_a_run_repeats_its_baseline_advice_as_training_gave_it(tmp_path):
    from biochemml.runs import run_test_scores

    saved = {"task": "regression", "test": {"r2": {"value": 0.30, "low": 0.2, "high": 0.4},
                                            "n": 60},
             "baselines": [{"model": "gbm-kmer", "r2": 0.45},
                           {"model": "framepool (this run)", "r2": 0.30}],
             "fit": [{"epochs_run": 20, "best_epoch": 19, "time_limit_hit": False}]}
    (tmp_path / "metrics.json").write_text(json.dumps(saved))
    score, warning = run_test_scores(tmp_path)
    assert score == "R² 0.300 (95 % CI 0.200 to 0.400), 60 test rows"
    assert "framepool was still improving at its last epoch" in warning
    saved["fit"][0]["best_epoch"] = 12  # stopped early: the baseline is the better model
    (tmp_path / "metrics.json").write_text(json.dumps(saved))
    assert "the baseline is the better model" in run_test_scores(tmp_path)[1]
    saved["test"]["n"] = 8  # as training said: no verdict from a handful of test values
    (tmp_path / "metrics.json").write_text(json.dumps(saved))
    assert run_test_scores(tmp_path)[1] == ("In its training run, only 8 test values, so its "
                                            "scores (and which model scored best) are mostly "
                                            "chance.")


def test_a_multi_target_run_repeats_each_targets_score_and_its_baseline_advice(tmp_path):
    from biochemml.runs import run_test_scores

    scores = {"r2": {"value": 0.25, "low": 0.2, "high": 0.3}, "n": 600}
    saved = {"task": "regression",
             "test": {"GFP": scores, "RFP": {**scores, "r2": {"value": 0.5, "low": None,
                                                              "high": None}},
                      "unseen": {"GFP": scores}},
             "baselines": [{"model": "gbm-kmer", "r2": 0.45},
                           {"model": "framepool (this run)", "r2": 0.25}],
             "baselines_scale": "log",
             "fit": [{"epochs_run": 20, "best_epoch": 12, "time_limit_hit": False}]}
    (tmp_path / "metrics.json").write_text(json.dumps(saved))
    score, warning = run_test_scores(tmp_path)
    assert score == "GFP: R² 0.250 (95 % CI 0.200 to 0.300); RFP: R² 0.500, 600 test rows"
    assert "(R² on the log scale 0.450 against 0.250)" in warning
    assert warning.startswith("In its training run, for its first target, GFP, the baseline")


def test_a_table_evaluate_refuses_gets_no_notes_above_the_error(tmp_path, capsys):
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 9)) for _ in range(120)]
    pd.DataFrame({"utr": seqs, "rl": [s.count("G") for s in seqs]}).to_csv(
        tmp_path / "t.csv", index=False)
    assert main(["--quiet", "train", "--data", str(tmp_path / "t.csv"), "--sequence-column",
                 "utr", "--target-column", "rl", "--task", "regression", "--model", "ridge",
                 "--out", str(tmp_path / "run")]) == 0
    from biochemml import progress

    progress._QUIET = False
    bad = pd.DataFrame({"utr": ["ACGTNACGT", "ACGTACGTACGTA", "ACGTACGTT"],
                        "rl": ["1.0", "high", "2.0"]})
    bad.to_csv(tmp_path / "bad.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "--model", str(tmp_path / "run"), "--data",
                 str(tmp_path / "bad.csv")]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("Error:") and "row 3, column 'rl'" in err and "contains N" not in err


def test_distance_and_group_figures_name_model_set_size_and_target(tmp_path, monkeypatch):
    from biochemml import plot

    titles = []
    draw = plot.metric_by_group
    monkeypatch.setattr(plot, "metric_by_group",
                        lambda *a, **k: titles.append(k["title"]) or draw(*a, **k))
    rng = np.random.default_rng(6)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(160)]
    pd.DataFrame({"utr": seqs, "a": [s.count("G") + rng.normal(0, 0.3) for s in seqs],
                  "b": [s.count("A") + rng.normal(0, 0.3) for s in seqs],
                  "batch": [f"b{i % 4}" for i in range(160)]}).to_csv(tmp_path / "t.csv",
                                                                       index=False)
    train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["a", "b"],
              task="regression", model="ridge", baselines=False, split="group",
              group_column="batch", test_size=0.5, out=tmp_path / "r")
    n = len(pd.read_csv(tmp_path / "r" / "predictions.csv"))
    assert f"Error by distance to the training set\na (first target)\nridge · test set · n = {n}" \
        in titles
    assert f"Test R² by batch\na (first target)\nridge · test set · n = {n}" in titles


@pytest.mark.parametrize("damage, message", [
    (lambda c: c.write_text(c.read_text() + "\nthis: is: not yaml\n"),
     r"config.yaml is damaged \(edited or cut short since its run wrote it\): it is no longer "
     r"valid YAML at line \d+"),
    (lambda c: c.write_text("hello\n"), r"config.yaml is damaged .*: it holds no settings"),
    (lambda c: c.write_text("\n".join(line for line in c.read_text().splitlines()
                                      if not line.startswith("sequence_column:"))),
     r"config.yaml is damaged .*: it lacks sequence_column"),
    (lambda c: c.write_text(c.read_text().replace("task: regression", "task: classification")),
     r"its model is a regression model but config.yaml says classification: the folder mixes "
     r"files of two runs"),
])
def test_a_damaged_run_folder_is_one_sentence_not_a_traceback(regression_run, tmp_path,
                                                              capsys, damage, message):
    import shutil

    from biochemml.errors import ModelError
    from biochemml.runs import predict_run

    run, table = regression_run
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    damage(copy / "config.yaml")
    table.head(5).to_csv(tmp_path / "new.csv", index=False)
    with pytest.raises(ModelError, match=message):
        predict_run(copy, tmp_path / "new.csv")
    assert main(["predict", "--model", str(copy), "--data", str(tmp_path / "new.csv"),
                 "--out", str(tmp_path / "p.csv")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error:" in err


def test_a_run_without_its_training_fingerprints_says_overlap_cannot_be_checked(
        regression_run, tmp_path, capsys):
    import shutil

    run, table = regression_run
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    (copy / "training_sequences.npy").unlink()
    table.head(40).to_csv(tmp_path / "some.csv", index=False)
    result = evaluate_run(copy, tmp_path / "some.csv")
    assert "unseen" not in result
    err = " ".join(capsys.readouterr().err.split())
    assert ("training_sequences.npy is missing from " in err
            and "which of these sequences the model trained on cannot be checked" in err)


def test_run_and_evaluation_folders_record_software_and_data(regression_run, tmp_path):
    import hashlib

    import yaml

    run, table = regression_run
    config = yaml.safe_load((run / "config.yaml").read_text())
    data = run.parent / "train.csv"
    block = config["provenance"]
    assert block["data_file"] == {"path": str(data.resolve()), "bytes": data.stat().st_size,
                                  "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}
    assert {"torch", "numpy", "scikit-learn"} <= set(block["software"]["packages"])
    assert config["created"].endswith("+00:00") and config["baselines"] is False
    table.head(30).to_csv(tmp_path / "some.csv", index=False)
    evaluate_run(run, tmp_path / "some.csv", out=tmp_path / "ev")
    record = yaml.safe_load((tmp_path / "ev" / "evaluation.yaml").read_text())
    assert record["model"] == str(run.resolve()) and record["target_columns"] == ["gfp"]
    assert record["provenance"]["data_file"]["sha256"] == hashlib.sha256(
        (tmp_path / "some.csv").read_bytes()).hexdigest()


def test_evaluate_says_a_handful_of_values_and_the_runs_own_warning(regression_run, tmp_path,
                                                                     capsys, monkeypatch):
    import biochemml.runs as runs

    run, table = regression_run
    monkeypatch.setattr(runs, "run_test_scores", lambda run_dir: (
        "R² 0.3", "In its training run, the baseline gbm-kmer beat ridge (R² 0.5 against 0.3)."))
    unseen = table.iloc[pd.read_csv(run / "predictions.csv")["row"].to_numpy() - 2].head(12)
    unseen.to_csv(tmp_path / "few.csv", index=False)
    capsys.readouterr()
    result = evaluate_run(run, tmp_path / "few.csv")
    err = " ".join(capsys.readouterr().err.split())
    assert result["n"] == 12 and "Only 12 values scored: these scores are mostly chance" in err
    assert "In its training run, the baseline gbm-kmer beat ridge" in err


def test_a_run_that_predicts_one_value_says_so_not_train_longer():
    from biochemml.runs import constant_prediction_note

    flat = pd.DataFrame({"prediction": [0.4123] * 30, "prediction_std": np.linspace(0, 1, 30)})
    note = constant_prediction_note(flat)
    assert note.startswith("The model predicts the same value (0.412) for every test sequence")
    assert constant_prediction_note(flat.assign(prediction=np.linspace(0, 1, 30))) is None
    two = pd.DataFrame({"prediction_gfp": np.linspace(0, 1, 5), "prediction_rfp": [2.0] * 5})
    assert "the same value of rfp (2)" in constant_prediction_note(two)


def test_a_collapsed_run_says_it_in_the_terminal_and_report(tmp_path, capsys, monkeypatch):
    from biochemml import SequenceRegressor, progress
    from biochemml.simulate import lecture_pwm, regression_dataset

    monkeypatch.setattr(progress, "_QUIET", False)
    df = regression_dataset(lecture_pwm(), n=200, length=20, noise=0.5, seed=3)
    df.to_csv(tmp_path / "t.csv", index=False)

    def flat(self, sequences):  # what a network whose last ReLUs all died predicts
        n = len(list(sequences))
        return np.full(n, 0.25), np.full(n, np.nan), np.full((n, 4), np.nan)

    monkeypatch.setattr(SequenceRegressor, "predict_bounds", flat)
    run = train_run(tmp_path / "t.csv", target_columns="expression", task="regression",
                    model="mlp", epochs=1, n_models=1, baselines=False, out=tmp_path / "run")
    said = " ".join(capsys.readouterr().err.split())
    assert "The model predicts the same value (0.25) for every test sequence" in said
    assert "still improving" not in said
    assert "predicts the same value" in (run / "report.html").read_text()


def test_the_time_limit_is_blamed_only_for_networks_still_learning():
    from biochemml.runs import time_limit_note

    cut = {"epochs_run": 12, "best_epoch": 11, "time_limit_hit": True}
    done = {"epochs_run": 30, "best_epoch": 19, "time_limit_hit": False}
    stale = {"epochs_run": 22, "best_epoch": 11, "time_limit_hit": True}  # 10 epochs past best
    assert time_limit_note([cut], 6, patience=5) == (
        "Training stopped at the time limit (6 min) while still learning; the best finished "
        "epoch was kept. A longer --time-limit may give a better model.")
    assert time_limit_note([done, cut, done], 6, patience=5).startswith(
        "Network 2 of 3 stopped at its share of the time limit (2 min each of 6 min)")
    # stopped as early stopping would have stopped it anyway: a longer limit changes nothing
    assert time_limit_note([done, stale], 6, patience=5) is None
    assert time_limit_note([done, done], 6, patience=5) is None
