"""Regression runs: the CLI train -> predict round trip on a small user table."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from biochemml.cli import main
from biochemml.errors import AmbiguityWarning, CalibrationWarning, InputError, LengthWarning
from biochemml.runs import (calibration_note, calibration_verdict, load_run_model, predict_run,
                            train_run)


def said(err: str) -> str:
    """Status lines as one string (rich wraps long lines at the console width)."""
    return " ".join(err.split())


@pytest.fixture(scope="module")
def utr_table(tmp_path_factory):
    """A small 5' UTR-like table: variable lengths, value set by an upstream 'ATG' and GC."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(360):
        s = "".join(rng.choice(list("ACGT"), rng.integers(14, 25)))
        rl = 5.0 - 2.0 * ("ATG" in s) + 3.0 * (s.count("G") + s.count("C")) / len(s)
        rows.append({"utr": s, "rl": rl + rng.normal(0, 0.1), "reads": rng.integers(10, 100),
                     "gene": f"g{i // 4}"})
    path = tmp_path_factory.mktemp("data") / "utrs.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def train_cli(table, out, *options):
    """``biochemml --quiet train`` on the UTR table (regression of rl on utr) into ``out``."""
    return main(["--quiet", "train", "--data", str(table), "--sequence-column", "utr",
                 "--target-column", "rl", "--task", "regression", *options, "--out", str(out)])


def test_cli_train_then_predict_round_trip(utr_table, tmp_path, capsys):
    run = tmp_path / "run"
    code = train_cli(utr_table, run, "--model", "mlp", "--epochs", "3", "--ensemble", "2",
                     "--weight-column", "reads", "--schedule", "cosine")
    assert code == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    # the model's scores, its calibration, then one line per baseline
    assert any(line.startswith("Calibration of the ensemble's standard deviation: 68% "
                               "intervals hold") for line in lines)
    for name in ("ridge", "ridge-pairs", "gbm-kmer"):
        assert any(line.strip().startswith(f"{name}: R2 ") and "Spearman" in line
                   for line in lines), printed
    assert printed.index("spearman:") < printed.index("baselines on the same split")
    rates = pd.read_csv(run / "history.csv").lr.to_numpy()
    assert len(rates) == 3 and (np.diff(rates) < 0).all()   # cosine decay over --epochs
    for name in ("model.pt", "config.yaml", "metrics.json", "predictions.csv", "report.html"):
        assert (run / name).exists()
    metrics = json.loads((run / "metrics.json").read_text())
    assert {"r2", "pearson", "spearman", "mse", "mae", "coverage"} <= set(metrics["test"])
    assert yaml.safe_load((run / "config.yaml").read_text())["networks"] == 2
    assert [b["model"] for b in metrics["baselines"]][:3] == ["ridge", "ridge-pairs", "gbm-kmer"]
    assert metrics["error_by_distance"]
    assert metrics["error_by_distance_metric"] == "mean absolute error of rl"
    html = (run / "report.html").read_text()
    assert "Baselines on the same split" in html and "nearest training sequence" in html
    n_test = len(pd.read_csv(run / "predictions.csv"))
    assert (f"First test-set predictions (all {n_test:,} are in predictions.csv; row: each "
            "one&#x27;s row in the table the run read") in html
    # every network's epochs, numbered from 1 as the figure numbers them; the curves say whose
    fits = metrics["fit"]
    best = "/".join(str(f["best_epoch"] + 1) for f in fits)
    assert f"2 networks: 3/3 (best {best}; epochs count from 1" in html
    assert "network 1 of 2" in html
    cov = metrics["test"]["coverage"]
    assert calibration_verdict(cov, metrics["test"]["n"]) in html

    new = tmp_path / "new.csv"
    pd.read_csv(utr_table).head(25).drop(columns=["rl"]).to_csv(new, index=False)
    out = tmp_path / "pred.csv"
    assert main(["--quiet", "predict", "--model", str(run), "--data", str(new),
                 "--out", str(out)]) == 0
    pred = pd.read_csv(out)
    assert len(pred) == 25 and list(pred.columns[:4]) == ["utr", "reads", "gene", "prediction"]
    assert (pred.prediction_std > 0).all()
    # the 95 % interval the spread was scaled for, written out
    np.testing.assert_allclose(pred.lower_95, pred.prediction - 1.96 * pred.prediction_std,
                               atol=1e-3)
    np.testing.assert_allclose(pred.upper_95, pred.prediction + 1.96 * pred.prediction_std,
                               atol=1e-3)
    capsys.readouterr()
    # a second prediction into the same file says it replaced it
    assert main(["predict", "--model", str(run), "--data", str(new), "--out", str(out)]) == 0
    assert f"Wrote 25 predictions to {out} (it replaced the file of that name)" in \
        capsys.readouterr().out
    # the run's own files are never overwritten
    before = (run / "predictions.csv").read_bytes()
    assert main(["--quiet", "predict", "--model", str(run), "--data", str(new),
                 "--out", str(run / "predictions.csv")]) == 1
    assert "is inside the run folder" in said(capsys.readouterr().err)
    assert (run / "predictions.csv").read_bytes() == before


def test_cli_default_is_five_mlps_on_a_small_table_of_short_sequences(tmp_path):
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 9)) for _ in range(150)]
    table = tmp_path / "sd.csv"
    pd.DataFrame({"utr": seqs, "rl": [s.count("G") + rng.normal(0, 0.2) for s in seqs]}).to_csv(
        table, index=False)
    for options, networks in (((), 5), (("--ensemble", "1"), 1)):
        run = tmp_path / f"run{networks}"
        assert train_cli(table, run, "--epochs", "1", "--no-baselines", *options) == 0
        assert yaml.safe_load((run / "config.yaml").read_text())["networks"] == networks
        written = pd.read_csv(run / "predictions.csv")
        for column in ("prediction_std", "lower_95", "upper_95"):
            assert (column in written) == (networks > 1)


def test_a_log_target_has_intervals_taken_on_the_log_scale(tmp_path):
    from biochemml import SequenceRegressor, metrics

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(600)]
    # log-normal values: their spread grows with their level
    y = np.exp(np.array([s.count("G") * 0.4 for s in seqs]) + rng.normal(0, 0.3, len(seqs)))
    est = SequenceRegressor(model="mlp", n_models=3, epochs=8, target_transform="log",
                            seed=0).fit(seqs[:500], y[:500])
    mean, std, bounds = est.predict_bounds(seqs[500:])
    low68, high68, low95, high95 = bounds.T
    assert (low95 > 0).all() and (low95 < low68).all() and (high68 < high95).all()
    # the interval is geometric around the members' log mean: wider above than below
    assert np.median((high95 - mean) / (mean - low95)) > 1.2
    np.testing.assert_allclose(np.log(high95) - np.log(high68), np.log(low68) - np.log(low95),
                               rtol=1e-6, atol=0)
    np.testing.assert_allclose(mean, est.predict(seqs[500:]))
    cover = metrics.bounds_coverage(y[500:], {0.95: (low95, high95)})[0.95]
    assert 0.8 <= cover <= 1.0
    est.save(tmp_path / "m")  # the log-scale calibration survives a round trip
    again = SequenceRegressor.load(tmp_path / "m").predict_bounds(seqs[500:])[2]
    np.testing.assert_allclose(again, bounds, rtol=1e-5)
    plain = SequenceRegressor(model="mlp", n_models=3, epochs=4, seed=0).fit(seqs[:500],
                                                                              np.log(y[:500]))
    m, s, b = plain.predict_bounds(seqs[500:])  # a plain target: mean ± z std
    np.testing.assert_allclose(b[:, 3] - m, 1.959964 * s, rtol=1e-6)
    # the 68 % interval has its own factor: mean ± (68 % factor / 95 % factor) std
    np.testing.assert_allclose(m - b[:, 0], s * plain.std_scale_68_ / plain.std_scale_, rtol=1e-6)


def test_an_ensemble_without_validation_rows_says_its_spread_is_not_calibrated(tmp_path, capsys):
    rng = np.random.default_rng(2)
    seqs = ["".join(rng.choice(list("ACGT"), 9)) for _ in range(120)]
    table = tmp_path / "sd.csv"
    pd.DataFrame({"utr": seqs, "rl": [s.count("G") + rng.normal(0, 0.2) for s in seqs]}).to_csv(
        table, index=False)
    for split, words in (("0", "spread, not calibrated: no validation rows"),
                         ("0.1", "calibrated spread")):
        run = tmp_path / f"run{split}"
        assert main(["train", "--data", str(table), "--sequence-column", "utr",
                     "--target-column", "rl", "--task", "regression", "--ensemble", "2",
                     "--epochs", "1", "--no-baselines", "--validation-split", split,
                     "--out", str(run)]) == 0
        err = said(capsys.readouterr().err)
        assert (f"2 networks, a deep ensemble (predictions are their mean, uncertainty their "
                f"{words})") in err
        report = (run / "report.html").read_text()
        assert words in report
        # two networks: the spread is rough, and the run says how to get a better one
        assert "2 networks estimate each sequence's spread roughly" in err
        assert "--ensemble 5 or more gives tighter ones" in report


def test_few_networks_note():
    from biochemml.runs import few_networks_note

    assert few_networks_note(1) is None and few_networks_note(5) is None
    assert "3 networks" in few_networks_note(3)


def test_a_classification_ensemble_claims_no_spread(tmp_path, capsys):
    rng = np.random.default_rng(2)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(120)]
    table = tmp_path / "b.csv"
    pd.DataFrame({"utr": seqs, "label": [("bound" if s.count("G") > 3 else "free")
                                         for s in seqs]}).to_csv(table, index=False)
    assert main(["train", "--data", str(table), "--sequence-column", "utr", "--ensemble", "2",
                 "--epochs", "1", "--no-baselines", "--out", str(tmp_path / "run")]) == 0
    err = said(capsys.readouterr().err)
    assert "2 networks, a deep ensemble (predictions average their class probabilities)" in err
    report = (tmp_path / "run" / "report.html").read_text()
    assert "uncertainty" not in err and "uncertainty" not in report
    assert "predictions average their class probabilities" in report


def test_a_fasta_file_is_predicted_and_evaluated_whatever_the_training_column(utr_table,
                                                                             tmp_path):
    from biochemml.runs import evaluate_run

    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="ridge", out=tmp_path / "ridge", baselines=False)
    table = pd.read_csv(utr_table).head(40)
    fasta = tmp_path / "new.fasta"
    fasta.write_text("".join(f">u{i} rl={r.rl}\n{r.utr}\n" for i, r in table.iterrows()))
    pred = predict_run(run, fasta)
    expected = predict_run(run, table.drop(columns="rl"))
    assert np.allclose(pred.prediction, expected.prediction)
    result = evaluate_run(run, fasta)
    assert result["all_rows"]["n"] == 40  # the headline scores the rows it did not train on


def test_predictions_of_a_filtered_dataframe_keep_its_index(utr_table, tmp_path):
    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="ridge", out=tmp_path / "ridge", baselines=False)
    table = pd.read_csv(utr_table)
    picked = table[table.rl > table.rl.median()].copy()  # labels 3, 7, ...: not 0..n-1
    pred = predict_run(run, picked)
    assert pred.index.equals(picked.index)
    picked["prediction"] = pred["prediction"]  # what a notebook user writes
    each = [predict_run(run, picked.loc[[i]])["prediction"].iloc[0] for i in picked.index[:5]]
    np.testing.assert_allclose(picked["prediction"].iloc[:5], each)
    assert picked["prediction"].notna().all()


def test_notes_and_errors_on_a_dataframe_name_its_index_labels(utr_table, tmp_path, capsys):
    from biochemml.runs import evaluate_run

    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="ridge", out=tmp_path / "ridge", baselines=False)
    table = pd.read_csv(utr_table).head(6)
    table.index = [f"v{i}" for i in range(6)]
    capsys.readouterr()
    predict_run(run, table.assign(utr=table.utr.where(table.index != "v3",
                                                       "N" + table.utr.iloc[3][1:])))
    # a DataFrame has no file rows: its index labels, not 'row 4'
    assert "1 sequence (index v3) contains N" in said(capsys.readouterr().err)
    with pytest.raises(InputError, match=r"^row with index 'v2', column 'rl': the value is "
                                         r"'x', not a number"):
        evaluate_run(run, table.assign(rl=table.rl.astype(object).where(table.index != "v2",
                                                                           "x")))
    # a network warns of N in Python (AmbiguityWarning); predict_run has said it already
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                        task="regression", epochs=1, n_models=2, out=tmp_path / "net",
                        baselines=False)
        # the run says the two-network note itself: not a second time as a warning
        assert "2 networks estimate each sequence's spread roughly" in said(
            capsys.readouterr().err)
        predict_run(net, table.assign(utr="N" + table.utr.str[1:]))
    assert "6 sequences (index v0, v1, v2, v3, v4, ...) contain N" in said(capsys.readouterr().err)
    assert not [w for w in caught if issubclass(w.category, (AmbiguityWarning, LengthWarning,
                                                             CalibrationWarning))]
    with pytest.warns(AmbiguityWarning, match="at index 0"):  # the estimator alone does warn
        load_run_model(net).predict(["N" + table.utr.iloc[0][1:]])
    # a plain 0..n-1 index keeps the Python wording
    with pytest.raises(InputError, match=r"^sequence at index 2, column 'rl'"):
        evaluate_run(run, table.reset_index(drop=True).assign(
            rl=lambda d: d.rl.astype(object).where(d.index != 2, "x")))


def test_baseline_run_predicts_like_a_neural_run(utr_table, tmp_path):
    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="ridge-pairs", out=tmp_path / "ridge",
                    baselines=False)
    assert (run / "model.joblib").exists()
    pred = predict_run(run, utr_table)
    ok = np.corrcoef(pred.prediction, pred.rl)[0, 1]
    assert ok > 0.5 and "prediction_std" not in pred


def test_baselines_take_the_runs_target_transform_and_the_run_its_fit_time(utr_table, tmp_path):
    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="gbm-kmer", target_transform="log",
                    out=tmp_path / "log")
    rows = {r["model"]: r for r in json.loads((run / "metrics.json").read_text())["baselines"]}
    # the gbm-kmer baseline is the run's own model, fitted the same way: the same scores
    assert rows["gbm-kmer"]["r2"] == pytest.approx(rows["gbm-kmer (this run)"]["r2"], abs=1e-9)
    assert rows["gbm-kmer (this run)"]["fit_seconds"] > 0
    assert "log: models fit log(value)" in (run / "report.html").read_text()


def test_the_default_similarity_threshold_is_recorded_and_said(utr_table, tmp_path, capsys,
                                                              monkeypatch):
    from biochemml import progress
    from biochemml.evaluation import default_max_distance

    monkeypatch.setattr(progress, "_QUIET", False)  # an earlier --quiet run may have set it
    run = tmp_path / "sim"
    assert main(["train", "--data", str(utr_table), "--sequence-column", "utr", "--target-column",
                 "rl", "--task", "regression", "--model", "ridge", "--split", "similarity",
                 "--no-baselines", "--out", str(run)]) == 0
    limit = default_max_distance(pd.read_csv(utr_table).utr.tolist())
    assert limit == 2  # 10 % of the median length (19-20 nt)
    assert yaml.safe_load((run / "config.yaml").read_text())["split"]["max_distance"] == limit
    words = "no test sequence within 2 mismatches of a training one"
    assert words in said(capsys.readouterr().err) and words in (run / "report.html").read_text()


def test_a_similarity_split_says_how_much_smaller_its_training_set_is(tmp_path):
    import itertools

    seqs = ["".join(p) for p in itertools.product("ACGT", repeat=5)]  # a dense library
    rng = np.random.default_rng(0)
    pd.DataFrame({"sequence": seqs, "y": [s.count("G") + rng.normal(0, 0.3) for s in seqs]}
                 ).to_csv(tmp_path / "all.csv", index=False)
    run = train_run(tmp_path / "all.csv", target_columns="y", task="regression",
                    model="ridge", baselines=False, split="similarity", max_distance=1,
                    out=tmp_path / "run")
    left_out = yaml.safe_load((run / "config.yaml").read_text())["split"]["n_left_out"]
    n_test = len(pd.read_csv(run / "predictions.csv"))
    n_train = 1024 - n_test - left_out
    assert left_out > 0
    html = " ".join((run / "report.html").read_text().split())
    assert (f"the model trained on {n_train:,} rows, {n_train / (1024 - n_test):.0%} of the "
            f"{1024 - n_test:,} a random split with this test set would give it") in html


def test_similarity_and_group_splits_keep_test_rows_apart(utr_table, tmp_path):
    from biochemml.evaluation import hamming_within

    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="ridge", split="similarity", max_distance=2,
                    out=tmp_path / "sim", baselines=False)
    df = pd.read_csv(utr_table)
    test_rows = pd.read_csv(run / "predictions.csv").row.to_numpy() - 2
    train_rows = np.setdiff1d(np.arange(len(df)), test_rows)

    left_out = yaml.safe_load((run / "config.yaml").read_text())["split"]["n_left_out"]
    # rows left out are neither train nor test; the rest must be far from every test row
    near = hamming_within(df.utr.tolist(), train_rows, test_rows, 2)
    assert near.sum() == left_out

    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="ridge", split="group", group_column="gene",
                    out=tmp_path / "grp", baselines=False)
    test_genes = set(pd.read_csv(run / "predictions.csv").gene)
    assert not test_genes & set(df.gene[~df.index.isin(pd.read_csv(run / "predictions.csv").row - 2)])
    # the test intervals resample the held-out genes, not their rows
    from biochemml.metrics import cluster_intervals

    pred = pd.read_csv(run / "predictions.csv")
    genes = pred.gene.to_numpy()
    by_gene = cluster_intervals(pred.rl, pred.prediction,
                                [np.flatnonzero(genes == g) for g in pd.unique(genes)],
                                n_boot=1000, seed=0)
    html = " ".join((run / "report.html").read_text().split())
    assert f"over the {len(test_genes)} held-out groups of &#x27;gene&#x27;" in html
    metrics_json = json.loads((run / "metrics.json").read_text())
    assert metrics_json["test"]["r2"]["low"] == pytest.approx(by_gene["r2"]["low"])


def test_report_scores_each_library_of_a_pooled_table(utr_table, tmp_path):
    from biochemml.metrics import regression_metrics

    df = pd.read_csv(utr_table)
    df["library"] = np.where(np.arange(len(df)) % 3 == 0, "human", "random")
    run = train_run(df, sequence_column_name="utr", target_columns="rl", task="regression",
                    model="ridge-pairs", group_column="library", out=tmp_path / "pooled",
                    baselines=False)
    by_group = json.loads((run / "metrics.json").read_text())["by_group"]
    pred = pd.read_csv(run / "predictions.csv")
    assert sorted(g["group"] for g in by_group) == ["human", "random"]
    assert sum(g["n"] for g in by_group) == len(pred)
    for g in by_group:  # each library's numbers are those of its own test rows
        rows = pred[pred.library == g["group"]]
        m = regression_metrics(rows.rl, rows.prediction)
        assert g["n"] == len(rows) and g["r2"] == pytest.approx(m["r2"], abs=1e-6)
        assert g["spearman"] == pytest.approx(m["spearman"], abs=1e-6)
    html = (run / "report.html").read_text()
    table = html[html.index("Test metrics by library"):]
    assert "<th></th>" not in table[:table.index("</table>")]  # no pandas positions column
    assert (run / "figures" / "test_r2_by_group.png").stat().st_size > 1000
    assert "Test R² of each library (bars: bootstrap 95 % intervals" in \
        (run / "report.html").read_text()
    # whole libraries on one side: one test group, nothing to compare; the report says why
    run = train_run(df, sequence_column_name="utr", target_columns="rl", task="regression",
                    model="ridge", split="group", group_column="library", out=tmp_path / "one",
                    baselines=False)
    assert "by_group" not in json.loads((run / "metrics.json").read_text())
    assert "No per-library table: the test set holds 1 group of" in (run / "report.html").read_text()
    # an empty group cell is refused with its row, not scored as a group called "nan"
    df.loc[7, "library"] = None
    df.to_csv(tmp_path / "blank.csv", index=False)
    with pytest.raises(InputError, match="blank.csv, row 9, column 'library': the group is missing"):
        train_run(tmp_path / "blank.csv", sequence_column_name="utr", target_columns="rl",
                  task="regression", model="ridge", group_column="library", out=tmp_path / "nan")
    assert not (tmp_path / "nan").exists()


def test_cli_prints_the_scores_of_each_group(utr_table, tmp_path, capsys):
    df = pd.read_csv(utr_table)
    df["library"] = np.where(np.arange(len(df)) % 3 == 0, "human", "random")
    df.to_csv(tmp_path / "pooled.csv", index=False)
    assert train_cli(tmp_path / "pooled.csv", tmp_path / "run", "--model", "ridge",
                     "--group-column", "library", "--no-baselines") == 0
    out = capsys.readouterr().out
    assert "test rows of each group" in out and "human: n" in out and "random: n" in out


def test_time_limit_from_the_cli_is_shared_and_reported(utr_table, tmp_path):
    run = tmp_path / "limited"
    assert train_cli(utr_table, run, "--model", "mlp", "--epochs", "5000", "--ensemble", "2",
                     "--time-limit", "0.001", "--no-baselines") == 0
    fits = json.loads((run / "metrics.json").read_text())["fit"]
    assert len(fits) == 2 and all(f["time_limit_hit"] for f in fits)
    # 0.03 s each: stopped by the clock, well before early stopping (patience 10) could
    assert all(0.03 <= f["fit_seconds"] < 20 for f in fits)
    assert ("Networks 1, 2 of 2 stopped at their shares of the time limit (0.0005 min each "
            "of 0.001 min) while still learning") in \
        " ".join((run / "report.html").read_text().split())
    with pytest.raises(InputError, match="positive number of minutes"):
        train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                  task="regression", time_limit=-1, out=tmp_path / "never")
    assert not (tmp_path / "never").exists()


def test_edit_distance_split_from_the_cli(utr_table, tmp_path):
    from rapidfuzz.distance import Levenshtein

    run = tmp_path / "edit"
    assert train_cli(utr_table, run, "--model", "ridge", "--split", "similarity",
                     "--max-distance", "3", "--distance", "edit", "--no-baselines") == 0

    split = yaml.safe_load((run / "config.yaml").read_text())["split"]
    assert split["distance"] == "edit"
    df = pd.read_csv(utr_table)
    test_rows = pd.read_csv(run / "predictions.csv").row.to_numpy() - 2
    other_rows = np.setdiff1d(np.arange(len(df)), test_rows)
    nearest = np.array([min(Levenshtein.distance(df.utr[i], df.utr[j]) for j in test_rows)
                        for i in other_rows])
    # rows within 3 edits of a test row are left out; every row trained on is farther
    assert (nearest <= 3).sum() == split["n_left_out"]
    assert (nearest > 3).sum() == split["n_train"] and split["n_test"] == len(test_rows)


def test_an_unknown_distance_is_refused_before_training(utr_table, tmp_path):
    with pytest.raises(InputError, match="distance must be"):
        train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                  task="regression", model="ridge", distance="jaccard", out=tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_a_missing_target_column_is_named(utr_table, tmp_path):
    with pytest.raises(InputError, match="no column 'mrl'"):
        train_run(utr_table, sequence_column_name="utr", target_columns="mrl",
                  task="regression", out=tmp_path / "x")


@pytest.mark.parametrize("c68, c95, n, verdict", [
    (0.69, 0.94, 200, "well calibrated"),
    (0.45, 0.80, 200, "too narrow: the model is over-confident"),
    (0.66, 0.85, 200, "too narrow"),            # fine at 68 %, too few inside 95 %
    (0.90, 1.00, 200, "too wide: more cautious than needed"),
    (0.83, 0.96, 200, "95 % intervals well calibrated, 68 % intervals too wide (the errors have "
                      "heavier tails"),
    (0.70, 0.99, 200, "too wide: more cautious than needed"),
    (0.85, 0.80, 200, "mixed: too wide near the prediction and too narrow in the tails"),
    (0.40, 0.99, 200, "mixed: too narrow near the prediction"),
    (0.45, 0.80, 20, "too few to judge: 30 or more are needed"),
])
def test_the_calibration_verdict_follows_the_coverage(c68, c95, n, verdict):
    assert calibration_verdict({0.68: c68, 0.95: c95}, n).startswith(verdict)
    # metrics.json stores the levels as strings
    assert calibration_verdict({"0.68": c68, "0.95": c95}, n).startswith(verdict)
    note = calibration_note({0.68: c68, 0.95: c95}, n)
    assert f"68% intervals hold {c68:.1%}, 95% intervals hold {c95:.1%} of the {n} test " \
           f"values ({verdict}" in note


def test_short_model_notes_ambiguous_and_longer_sequences(tmp_path, capsys, monkeypatch):
    import biochemml.metrics

    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 9)) for _ in range(150)]
    seqs[6] = "ACGNNACGT"  # file row 8
    table = tmp_path / "sd.csv"
    pd.DataFrame({"utr": seqs, "rl": [s.count("G") + rng.normal(0, 0.2) for s in seqs]}).to_csv(
        table, index=False)
    # an over-confident ensemble: the report must not call it well calibrated
    monkeypatch.setattr(biochemml.metrics, "bounds_coverage",  # what the run scores
                        lambda *args, **kwargs: {0.68: 0.41, 0.95: 0.72})
    run = tmp_path / "run"
    assert main(["train", "--data", str(table), "--sequence-column", "utr", "--target-column",
                 "rl", "--task", "regression", "--epochs", "1", "--no-baselines",
                 "--out", str(run)]) == 0
    out, err = capsys.readouterr()
    assert "1 sequence (row 8) contains N or other ambiguous letters; encoded as all-zero " \
           "positions (no base: the model reads nothing there)" in said(err)
    assert "unknown=" not in err and "AmbiguityWarning" not in err  # said once, in CLI words
    html = (run / "report.html").read_text()
    assert "too narrow: the model is over-confident" in html and "well calibrated" not in html
    assert "too narrow: the model is over-confident" in out

    longer = pd.DataFrame({"utr": ["TTTTTTTTTTT" + s for s in seqs[:20]],
                           "rl": [s.count("G") for s in seqs[:20]]})
    longer.to_csv(tmp_path / "long.csv", index=False)
    assert main(["predict", "--model", str(run), "--data", str(tmp_path / "long.csv"),
                 "--out", str(tmp_path / "pred.csv")]) == 0
    err = said(capsys.readouterr().err)
    assert ("20 sequences (rows 2, 3, 4, 5, 6, ...) are longer than the 9 nt the model was "
            "trained on; their last 9 nt were used (the model aligns sequences at their end"
            in err)
    assert "1 sequence (row 8) contains N" in err  # row 8 of long.csv holds seqs[6]
    # a FASTA file's sequences are records, as its errors count them
    (tmp_path / "new.fa").write_text("".join(f">s{i}\n{q}\n" for i, q in enumerate(seqs[:8])))
    assert main(["predict", "--model", str(run), "--data", str(tmp_path / "new.fa"),
                 "--out", str(tmp_path / "pred_fa.csv")]) == 0
    assert "1 sequence (record 7) contains N" in said(capsys.readouterr().err)
    # cut on the left, the longer sequences are predicted as their last 9 nt
    pred = pd.read_csv(tmp_path / "pred.csv")
    same = predict_run(run, pd.DataFrame({"utr": seqs[:20]}))
    np.testing.assert_allclose(pred.prediction, same.prediction, rtol=1e-5, atol=1e-6)

    assert main(["evaluate", "--model", str(run), "--data", str(tmp_path / "long.csv"),
                 "--out", str(tmp_path / "eval")]) == 0
    out, err = capsys.readouterr()
    assert "20 sequences (rows 2, 3, 4, 5, 6, ...) are longer" in said(err)
    # 20 measured values: too few to judge, in the terminal and in the evaluation's report
    assert "of the 20 values of long.csv (too few to judge: 30 or more are needed)" in out
    assert "too few to judge" in (tmp_path / "eval" / "report.html").read_text()
    assert main(["--quiet", "predict", "--model", str(run), "--data",
                 str(tmp_path / "long.csv"), "--out", str(tmp_path / "quiet.csv")]) == 0
    assert capsys.readouterr().err == ""


def test_a_stop_codon_in_protein_variants_is_named(capsys, monkeypatch):
    from biochemml import progress
    from biochemml.runs import _note_ambiguous

    monkeypatch.setattr(progress, "_QUIET", False)  # an earlier --quiet run may have set it

    seqs = ["MKV*", "MKVL", "MXV*"]
    _note_ambiguous(seqs, pd.DataFrame({"seq": seqs}), "protein")
    err = said(capsys.readouterr().err)  # a DataFrame's index labels (a file's rows: 1, 3)
    assert "2 sequences (index 0, 2) contain * (a stop codon), X or other ambiguous letters" in err


def test_a_protein_table_with_stop_codons_trains_on_21_letters(tmp_path, capsys):
    # a small DMS-like table: single and double mutants of one 30-residue protein, some
    # of them nonsense (*), which are far less active
    rng = np.random.default_rng(5)
    wt = list("MKTAYIAKQRQISFVKSHFSRQLEERLGLM")
    rows = []
    for _ in range(160):
        s = wt.copy()
        for pos in rng.choice(30, rng.integers(1, 3), replace=False):
            s[pos] = rng.choice(list("ACDEFGHIKLMNPQRSTVWY*"), p=[0.045] * 20 + [0.1])
        rows.append({"seq": "".join(s), "activity": -3.0 * ("*" in s) + rng.normal(0, 0.3)})
    table = tmp_path / "dms.csv"
    pd.DataFrame(rows).to_csv(table, index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(table), "--sequence-column", "seq", "--target-column",
                 "activity", "--task", "regression", "--alphabet", "protein", "--epochs", "2",
                 "--ensemble", "1", "--no-baselines", "--out", str(run)]) == 0
    err = said(capsys.readouterr().err)
    assert "hold * (a stop codon): the model reads * as a 21st letter (alphabet protein-stop)" \
        in err
    assert "ambiguous" not in err  # * is a letter now, not an unknown symbol
    assert "alphabet: protein-stop" in (run / "config.yaml").read_text()
    new = pd.DataFrame({"seq": ["".join(wt), "".join(wt[:5]) + "*" + "".join(wt[6:])]})
    pred = predict_run(run, new)
    assert np.isfinite(pred.prediction).all()


def test_a_group_split_with_few_groups_names_the_test_group(utr_table, tmp_path, capsys,
                                                           monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    table = pd.read_csv(utr_table)
    table["library"] = np.where(np.arange(len(table)) < 240, "pool1", "pool2")
    table.to_csv(tmp_path / "two.csv", index=False)
    run = train_run(tmp_path / "two.csv", sequence_column_name="utr", target_columns=["rl"],
                    task="regression", model="ridge", split="group", group_column="library",
                    out=tmp_path / "run")
    said_ = said(capsys.readouterr().err)
    test_groups = set(pd.read_csv(run / "predictions.csv")["library"])
    assert len(test_groups) == 1
    assert f"go to the test set (here '{test_groups.pop()}')" in said_


def test_a_users_row_and_prediction_columns_are_kept_and_ours_renamed(utr_table, tmp_path, capsys,
                                                                      monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    table = pd.read_csv(utr_table)
    table["row"] = "B7"  # a plate row, as lab tables have
    table["prediction"] = "old"  # an earlier model's column
    path = tmp_path / "plate.csv"
    table.to_csv(path, index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--target-column", "rl",
                 "--task", "regression", "--model", "ridge", "--no-baselines", "--out", str(run)]) == 0
    pred = pd.read_csv(run / "predictions.csv")
    assert list(pred.columns[:2]) == ["row_2", "utr"]
    assert (pred["row"] == "B7").all() and (pred["prediction"] == "old").all()
    assert pred["prediction_2"].dtype == float
    assert "already has columns 'row', 'prediction', kept as they are; the new columns are " \
           "'row_2', 'prediction_2'" in said(capsys.readouterr().err)
    out = predict_run(run, path, out=tmp_path / "p.csv")
    assert (out["prediction"] == "old").all() and out["prediction_2"].notna().all()
    assert list(pd.read_csv(tmp_path / "p.csv").columns) == list(table.columns) + ["prediction_2"]
    assert main(["evaluate", "--model", str(run), "--data", str(path), "--out", str(tmp_path / "e")]) == 0
    header = pd.read_csv(tmp_path / "e" / "predictions.csv").columns
    assert list(header[-3:]) == ["prediction", "prediction_2", "in_training_set"]


def test_a_split_column_is_read_trimmed_and_other_values_are_named(utr_table, tmp_path, capsys,
                                                                    monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    table = pd.read_csv(utr_table)
    table["set"] = ["Test " if i % 5 == 0 else ("valid" if i % 7 == 0 else "train")
                    for i in range(len(table))]
    path = tmp_path / "split.csv"
    table.to_csv(path, index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--target-column", "rl",
                 "--task", "regression", "--model", "ridge", "--no-baselines",
                 "--split-column", "set", "--out", str(run)]) == 0
    n_test = int((table["set"] == "Test ").sum())
    split = yaml.safe_load((run / "config.yaml").read_text())["split"]
    assert split["n_test"] == n_test and split["n_train"] == len(table) - n_test
    n_valid = int((table["set"] == "valid").sum())
    assert f"{n_valid} rows marked as validation in column 'set' are used for training" \
        in said(capsys.readouterr().err)
    table.loc[40, "set"] = "hold-out"
    table.to_csv(path, index=False)
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--target-column", "rl",
                 "--task", "regression", "--model", "ridge", "--split-column", "set",
                 "--out", str(tmp_path / "bad")]) == 1
    err = said(capsys.readouterr().err)
    assert f"file {path}, row 42, column 'set': the split column holds 'hold-out'" in err
    assert not (tmp_path / "bad").exists()


def test_rna_spelling_of_training_sequences_counts_as_seen(utr_table, tmp_path, capsys, monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    run = tmp_path / "run"
    assert train_cli(utr_table, run, "--model", "ridge", "--no-baselines") == 0
    table = pd.read_csv(utr_table)
    rna = table.assign(utr=table["utr"].str.replace("T", "U").str.lower())
    rna.to_csv(tmp_path / "rna.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "--model", str(run), "--data", str(tmp_path / "rna.csv"),
                 "--out", str(tmp_path / "e")]) == 0
    seen = pd.read_csv(tmp_path / "e" / "predictions.csv")["in_training_set"]
    n_train = yaml.safe_load((run / "config.yaml").read_text())["split"]["n_train"]
    assert seen.sum() == n_train
    # and a DNA and an RNA spelling of one sequence in one table are copies
    both = pd.concat([table.iloc[:50], rna.iloc[:1]])
    both.to_csv(tmp_path / "both.csv", index=False)
    capsys.readouterr()
    monkeypatch.setattr(progress, "_QUIET", False)  # train_cli ran with --quiet
    assert main(["train", "--data", str(tmp_path / "both.csv"), "--sequence-column", "utr",
                 "--target-column", "rl", "--task", "regression", "--model", "ridge",
                 "--no-baselines", "--out", str(tmp_path / "run2")]) == 0
    assert "1 sequence occurs more than once (rows 2, 52)" in said(capsys.readouterr().err)


@pytest.mark.parametrize("options, message", [
    (["--split", "kfold"], "the split (--split) must be one of random, similarity, group, not 'kfold' (k-fold"),
    (["--test-size", "1.5"], "test_size (--test-size) must be a fraction in [0, 1), not 1.5"),
    (["--ensemble", "0"], "n_models (--ensemble) must be a whole number of at least 1, not 0"),
    (["--target-transform", "lg"], "target_transform (--target-transform) must be standardize, log or none"),
    (["--model", "ridge", "--ensemble", "3"], "the baseline 'ridge' is one fit that gives the same model"),
    (["--schedule", "fast"], "the schedule (--schedule) must be one of constant, plateau, cosine"),
    (["--split", "simlarity"], "not 'simlarity' (did you mean 'similarity'?)"),
    (["--model", "ridge", "--epochs", "3"], "--epochs sets how a network trains; the baseline "
                                            "'ridge' is fitted in one go"),
    (["--model", "gbm-kmer", "--epochs", "3", "--time-limit", "2"], "--epochs, --time-limit set how"),
])
def test_run_options_are_refused_before_the_table_is_read(options, message, tmp_path, capsys):
    missing = tmp_path / "not_read.csv"  # never opened: the option error comes first
    assert main(["train", "--data", str(missing), "--sequence-column", "utr", "--target-column",
                 "rl", "--task", "regression", *options, "--out", str(tmp_path / "r")]) == 1
    err = said(capsys.readouterr().err)
    assert message in err and "not_read.csv" not in err


def test_negative_weights_and_log_of_values_below_zero_name_the_file_row(utr_table, tmp_path, capsys):
    table = pd.read_csv(utr_table)
    table.loc[120, "reads"] = -2
    table.loc[150, "rl"] = -0.1
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    assert train_cli(path, tmp_path / "a", "--weight-column", "reads", "--model", "ridge") == 1
    assert f"file {path}, row 122, column 'reads': the weight -2 is below 0" in said(capsys.readouterr().err)
    assert train_cli(path, tmp_path / "b", "--target-transform", "log", "--model", "ridge") == 1
    assert (f"file {path}, row 152, column 'rl': the value -0.1 is not above 0, and "
            "--target-transform log needs values above 0") in said(capsys.readouterr().err)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    table["reads"], table.loc[150, "rl"] = 0, 1.0
    table.to_csv(path, index=False)
    assert train_cli(path, tmp_path / "c", "--weight-column", "reads", "--model", "ridge") == 1
    assert f"file {path}, column 'reads': every weight is 0" in said(capsys.readouterr().err)
    assert not (tmp_path / "c").exists()


def test_evaluate_without_out_says_nothing_was_written(utr_table, tmp_path, capsys):
    run = tmp_path / "run"
    assert train_cli(utr_table, run, "--model", "ridge", "--no-baselines") == 0
    capsys.readouterr()
    assert main(["evaluate", "--model", str(run), "--data", str(utr_table)]) == 0
    assert "Nothing was written: give --out FOLDER" in said(capsys.readouterr().out)
    assert main(["predict", "--model", str(utr_table), "--data", str(utr_table),
                 "--out", str(tmp_path / "p.csv")]) == 1
    assert "is a file, not a run folder" in said(capsys.readouterr().err)


def test_error_by_distance_says_when_distance_follows_length(tmp_path):
    rng = np.random.default_rng(5)
    seqs = ["".join(rng.choice(list("ACGT"), n)) for n in rng.integers(20, 81, 300)]
    y = [len(s) / 10 + s.count("G") / len(s) + rng.normal(0, 0.1) for s in seqs]
    pd.DataFrame({"utr": seqs, "rl": y}).to_csv(tmp_path / "v.csv", index=False)
    run = train_run(tmp_path / "v.csv", sequence_column_name="utr", target_columns=["rl"],
                    task="regression", model="ridge", baselines=False, out=tmp_path / "run")
    rho = json.loads((run / "metrics.json").read_text())["error_by_distance_length_spearman"]
    assert rho > 0.5
    assert f"Here the distance follows the sequence length (Spearman {rho:.2f})" in \
        " ".join((run / "report.html").read_text().split())
    fixed = pd.DataFrame({"utr": [s[:20] for s in seqs], "rl": y})
    fixed.to_csv(tmp_path / "f.csv", index=False)
    run = train_run(tmp_path / "f.csv", sequence_column_name="utr", target_columns=["rl"],
                    task="regression", model="ridge", baselines=False, out=tmp_path / "run2")
    assert "error_by_distance_length_spearman" not in json.loads((run / "metrics.json").read_text())


def test_distances_to_longer_training_sequences_are_not_cut_at_the_test_length(tmp_path):
    rng = np.random.default_rng(6)
    train = ["".join(rng.choice(list("ACGT"), 40)) for _ in range(200)]
    test = ["".join(rng.choice(list("ACGT"), 22)) for _ in range(40)]
    seqs = train + test
    pd.DataFrame({"utr": seqs, "rl": [s.count("G") + rng.normal(0, 0.1) for s in seqs],
                  "part": ["train"] * 200 + ["test"] * 40}).to_csv(tmp_path / "t.csv", index=False)
    run = train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["rl"],
                    task="regression", model="ridge", baselines=False, split_column="part",
                    out=tmp_path / "run")
    bins = json.loads((run / "metrics.json").read_text())["error_by_distance"]
    # aligned at their 3' ends, a 22-nt UTR differs from a 40-nt one at its 18 missing bases
    # and at about 3/4 of the 22 others: around 34, not capped at 22 as they had been
    farthest = max(int(k.split("-")[-1]) for k in bins)
    assert 30 <= farthest <= 40 and min(int(k.split("-")[0]) for k in bins) >= 18


def test_two_targets_get_every_score_and_their_calibration_by_name(utr_table, tmp_path, capsys):
    table = pd.read_csv(utr_table)
    table["small"] = table["rl"] / 1000  # a target on a small scale (an MSE of ~1e-7)
    table.to_csv(tmp_path / "two.csv", index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(tmp_path / "two.csv"), "--sequence-column", "utr",
                 "--target-column", "rl", "--target-column", "small", "--task", "regression",
                 "--model", "mlp", "--epochs", "3", "--ensemble", "2", "--no-baselines",
                 "--out", str(run)]) == 0
    out = capsys.readouterr().out
    assert "mse: 0.000" not in out and "mse: " in out
    html = " ".join((run / "report.html").read_text().split())
    for target in ("rl", "small"):
        for score in ("r2", "mse", "mae"):
            assert f"{target}: {score}" in html
        assert f"{target}: Calibration of the ensemble&#x27;s standard deviation" in html or \
            f"{target}: Calibration of the ensemble's standard deviation" in html


def test_a_maximum_distance_without_the_similarity_split_is_refused(tmp_path, capsys):
    table = tmp_path / "t.csv"
    pd.DataFrame({"utr": ["ACGTAC", "ACGTAA", "TTGTAC", "GCGTAC"] * 5,
                  "rl": np.arange(20.0)}).to_csv(table, index=False)
    assert main(["train", "--data", str(table), "--sequence-column", "utr", "--target-column",
                 "rl", "--task", "regression", "--max-distance", "2", "--distance", "edit",
                 "--out", str(tmp_path / "run")]) == 1
    assert ("a maximum distance (--max-distance) is the threshold of a similarity-aware split: "
            "add --split similarity (this run's split is 'random')"
            in said(capsys.readouterr().err))
    assert not (tmp_path / "run").exists()


def test_the_training_curve_says_what_its_loss_measures(utr_table, tmp_path, monkeypatch):
    from biochemml import plot

    labels, draw = [], plot.training_curves
    monkeypatch.setattr(plot, "training_curves", lambda *a, **k: labels.append(
        k.get("loss_label")) or draw(*a, **k))
    for transform in ("standardize", "log"):
        assert train_cli(utr_table, tmp_path / transform, "--epochs", "1", "--no-baselines",
                         "--ensemble", "1", "--target-transform", transform) == 0
    assert labels == ["MSE of the standardised value", "MSE of the standardised log value"]
    fig = draw({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, loss_label=labels[0])
    assert fig.axes[0].get_ylabel() == "MSE of the standardised value"


def test_the_summary_gives_the_range_of_sequence_lengths(utr_table, tmp_path):
    run = train_run(utr_table, sequence_column_name="utr", target_columns="rl",
                    task="regression", model="ridge", out=tmp_path / "ridge", baselines=False)
    lengths = pd.read_csv(utr_table)["utr"].str.len()
    assert (f"{lengths.min()}-{lengths.max()} (padded on the left to {lengths.max()})"
            in (run / "report.html").read_text())


def test_a_similarity_split_too_small_to_train_says_to_lower_the_distance(tmp_path, capsys):
    near = ["A" * 10] + ["A" * i + "T" + "A" * (9 - i) for i in range(9)]  # one cluster
    seqs = near + ["C" * 10, "G" * 10]
    pd.DataFrame({"s": seqs, "y": np.arange(12.0)}).to_csv(tmp_path / "sim.csv", index=False)
    assert main(["train", "--data", str(tmp_path / "sim.csv"), "--sequence-column", "s",
                 "--target-column", "y", "--task", "regression", "--model", "ridge",
                 "--split", "similarity", "--max-distance", "2", "--out",
                 str(tmp_path / "run")]) == 1
    assert ("leaves 1 for training and 2 for testing; each side needs at least 2: lower "
            "--max-distance" in said(capsys.readouterr().err))


def test_a_renamed_prediction_keeps_its_spread_beside_it(capsys, monkeypatch):
    from biochemml import progress
    from biochemml.io.outputs import join_outputs

    monkeypatch.setattr(progress, "_QUIET", False)
    table = pd.DataFrame({"sequence": ["ACG"], "prediction": [1.0], "prediction_std_2": [0]})
    out = join_outputs(table, pd.DataFrame({"prediction": [0.5], "prediction_std": [0.1],
                                            "in_training_set": [True]}))
    assert list(out.columns) == ["sequence", "prediction", "prediction_std_2", "prediction_3",
                                 "prediction_std_3", "in_training_set"]
    assert ("already has a column 'prediction', kept as it is; the new columns are "
            "'prediction_3', 'prediction_std_3'" in said(capsys.readouterr().err))


def test_a_blank_value_of_one_of_two_targets_is_said_with_its_row(utr_table, tmp_path, capsys,
                                                                  monkeypatch):
    """With one target a blank cell is an error; with two the row trains the other target,
    and the terminal and the report say so, counting rows as a spreadsheet does."""
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    table = pd.read_csv(utr_table)
    table["gfp"] = table["rl"] * 2 + 1
    table.loc[9, "gfp"] = np.nan  # file row 11 (the header is row 1)
    table.to_csv(tmp_path / "blank.csv", index=False)
    run = train_run(tmp_path / "blank.csv", sequence_column_name="utr",
                    target_columns=["rl", "gfp"], task="regression", model="ridge",
                    baselines=False, out=tmp_path / "run")
    words = "1 row has no 'gfp' value (row 11): it trains and tests the other target only"
    assert words in said(capsys.readouterr().err)
    assert words.replace("'", "&#x27;") in " ".join((run / "report.html").read_text().split())
    table.loc[[20, 30], "rl"] = np.nan
    table.to_csv(tmp_path / "blank2.csv", index=False)
    train_run(tmp_path / "blank2.csv", sequence_column_name="utr", target_columns=["rl", "gfp"],
              task="regression", model="ridge", baselines=False, out=tmp_path / "run2")
    assert ("2 rows have no 'rl' value (rows 22, 32): they train and test the other target "
            "only") in said(capsys.readouterr().err)
    # a cell of blanks only is not measured, as an empty one
    spaced = table.assign(gfp=table["gfp"].astype(object))
    spaced.loc[9, "gfp"] = "  "
    spaced.to_csv(tmp_path / "spaced.csv", index=False)
    train_run(tmp_path / "spaced.csv", sequence_column_name="utr", target_columns=["rl", "gfp"],
              task="regression", model="ridge", baselines=False, out=tmp_path / "run_spaced")
    assert "1 row has no 'gfp' value (row 11)" in said(capsys.readouterr().err)
    # a word where a number belongs is an error with two targets as with one, not a blank
    table["gfp"] = table["gfp"].astype(object)
    table.loc[14, "gfp"] = "n.d."
    table.to_csv(tmp_path / "word.csv", index=False)
    with pytest.raises(InputError, match=r"word.csv, row 16, column 'gfp': .*'n.d.'"):
        train_run(tmp_path / "word.csv", sequence_column_name="utr",
                  target_columns=["rl", "gfp"], task="regression", model="ridge",
                  baselines=False, out=tmp_path / "run3")
    assert not (tmp_path / "run3").exists()


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    """12 random 40-nt parents with 25 variants each (1-3 substitutions), value set by the
    parent: a random split tests on siblings of training rows."""
    rng = np.random.default_rng(5)
    rows = []
    for p in range(12):
        parent = rng.choice(list("ACGT"), 40)
        level = rng.normal(0, 1)
        for _ in range(25):
            s = parent.copy()
            for i in rng.choice(40, rng.integers(1, 4), replace=False):
                s[i] = rng.choice([c for c in "ACGT" if c != s[i]])
            rows.append({"sequence": "".join(s), "mrl": level + rng.normal(0, 0.1),
                         "parent": f"p{p}"})
    path = tmp_path_factory.mktemp("families") / "families.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_a_random_split_of_variant_families_says_it_scores_near_relatives(families, tmp_path,
                                                                         capsys, monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    run = train_run(families, target_columns="mrl", task="regression", model="ridge",
                    baselines=False, out=tmp_path / "random")
    err = said(capsys.readouterr().err)
    assert "% of the test rows (" in err and "have a training sequence within 4 mismatches" in err
    assert "fills in near relatives" in err and "--split similarity --max-distance 4" in err
    html = " ".join((run / "report.html").read_text().split())
    assert "fills in near relatives" in html and "--split similarity --max-distance 4" in html
    near = json.loads((run / "metrics.json").read_text())["near_relatives"]
    assert near["max_distance"] == 4 and near["n_near"] > near["n_test_rows"] / 2
    # a split that already keeps relatives apart says nothing of the kind
    for name, options in (("sim", {"split": "similarity", "max_distance": 4}),
                          ("group", {"split": "group", "group_column": "parent"})):
        run = train_run(families, target_columns="mrl", task="regression", model="ridge",
                        baselines=False, out=tmp_path / name, **options)
        assert "near relatives" not in said(capsys.readouterr().err)
        assert "near relatives" not in (run / "report.html").read_text()


def test_a_random_split_scores_its_test_rows_unlike_the_training_set_apart(tmp_path, capsys,
                                                                           monkeypatch):
    """Families of variants beside unrelated sequences: one run gives the score of the
    test rows far from every training sequence next to that of all test rows."""
    from biochemml import metrics, progress

    monkeypatch.setattr(progress, "_QUIET", False)
    rng = np.random.default_rng(7)
    weights = rng.normal(0, 1, (40, 4))

    def value(s):
        return float(sum(weights[i, "ACGT".index(c)] for i, c in enumerate(s)))

    rows = []
    for p in range(8):
        parent = rng.choice(list("ACGT"), 40)
        for _ in range(30):
            s = parent.copy()
            for i in rng.choice(40, rng.integers(1, 3), replace=False):
                s[i] = rng.choice([c for c in "ACGT" if c != s[i]])
            rows.append("".join(s))
    rows += ["".join(rng.choice(list("ACGT"), 40)) for _ in range(260)]
    df = pd.DataFrame({"sequence": rows, "mrl": [value(q) + rng.normal(0, 0.5) for q in rows]})
    df = df.drop_duplicates("sequence")
    df.to_csv(tmp_path / "mixed.csv", index=False)
    run = train_run(tmp_path / "mixed.csv", target_columns="mrl", task="regression",
                    model="ridge", baselines=False, out=tmp_path / "run")
    err = said(capsys.readouterr().err)
    near = json.loads((run / "metrics.json").read_text())["near_relatives"]
    # the far rows by hand: Hamming distance > 4 to every training sequence
    test = pd.read_csv(run / "predictions.csv")
    train = sorted(set(df.sequence) - set(test.sequence))
    codes = np.array([list(q) for q in train])
    far = np.array([(np.array(list(q)) != codes).sum(axis=1).min() > 4 for q in test.sequence])
    assert near["n_far"] == far.sum() and 20 <= far.sum() < len(test)
    expected = metrics.regression_metrics(test.mrl[far], test.prediction[far])
    assert near["far_r2"] == pytest.approx(expected["r2"])
    assert (f"On the {far.sum()} test rows with no training sequence within 4 mismatches, R² is "
            f"{expected['r2']:.3f}") in err
    assert "for sequences unlike the training set" in " ".join(
        (run / "report.html").read_text().split())


def test_variants_of_one_parent_are_not_sent_to_a_similarity_split_that_would_be_empty(
        tmp_path, capsys, monkeypatch):
    """300 variants (1-2 substitutions) of one 40-nt parent: any two are within 4
    mismatches, so '--split similarity --max-distance 4' would leave no training rows."""
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    rng = np.random.default_rng(6)
    parent, rows = rng.choice(list("ACGT"), 40), []
    for _ in range(300):
        s = parent.copy()
        for i in rng.choice(40, rng.integers(1, 3), replace=False):
            s[i] = rng.choice([c for c in "ACGT" if c != s[i]])
        rows.append({"sequence": "".join(s), "mrl": rng.normal()})
    pd.DataFrame(rows).to_csv(tmp_path / "one.csv", index=False)
    run = train_run(tmp_path / "one.csv", target_columns="mrl", task="regression",
                    model="ridge", baselines=False, out=tmp_path / "run")
    err = said(capsys.readouterr().err)
    assert "fills in near relatives" in err and "--split similarity" not in err
    assert "they are variants of one parent and a similarity split at 4 would leave no " \
        "training rows" in err and "--task protein-variant --split position" in err
    near = json.loads((run / "metrics.json").read_text())["near_relatives"]
    assert near["typical_distance"] <= 4


def test_a_single_bar_of_error_by_distance_is_said_not_drawn(tmp_path):
    """Training sequences start AA, test sequences CC, with the same 3-nt ends: each test
    sequence's nearest training sequence is exactly 2 mismatches away, so the figure
    would be one bar."""
    import itertools

    ends = ["".join(p) for p in itertools.product("ACGT", repeat=3)]
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"sequence": ["AA" + e for e in ends] + ["CC" + e for e in ends],
                          "part": ["train"] * 64 + ["test"] * 64})
    table["y"] = [s.count("G") + rng.normal(0, 0.3) for s in table.sequence]
    table.to_csv(tmp_path / "two.csv", index=False)
    run = train_run(tmp_path / "two.csv", target_columns="y", task="regression",
                    model="ridge", baselines=False, split_column="part", out=tmp_path / "run")
    assert not (run / "figures" / "test_error_by_distance.png").exists()
    saved = json.loads((run / "metrics.json").read_text())
    assert list(saved["error_by_distance"]) == ["2"]
    assert ("Every test sequence lies 2 mismatches from its nearest training sequence" in
            " ".join((run / "report.html").read_text().split()))


def test_a_random_split_of_unrelated_sequences_says_nothing_of_near_relatives(utr_table, tmp_path,
                                                                              capsys, monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    train_run(utr_table, sequence_column_name="utr", target_columns="rl", task="regression",
              model="ridge", baselines=False, out=tmp_path / "run")
    assert "near relatives" not in said(capsys.readouterr().err)


def test_a_classification_group_split_resamples_its_held_out_groups(tmp_path):
    from biochemml.metrics import accuracy, cluster_intervals, with_intervals

    rng = np.random.default_rng(5)
    seqs, families = [], []
    for f in range(30):  # 30 families of 8 near-copies of one random 14-mer
        root = rng.choice(list("ACGT"), 14)
        for _ in range(8):
            s = root.copy()
            s[rng.integers(14)] = rng.choice(list("ACGT"))
            seqs.append("".join(s))
            families.append(f"fam{f}")
    labels = ["bound" if "GG" in s else "free" for s in seqs]
    df = pd.DataFrame({"utr": seqs, "family": families, "label": labels})
    run = train_run(df, sequence_column_name="utr", target_columns="label",
                    task="classification", model="cnn", split="group", group_column="family",
                    epochs=8, out=tmp_path / "grp", baselines=False)
    pred = pd.read_csv(run / "predictions.csv")
    fams = pred.family.to_numpy()
    clusters = [np.flatnonzero(fams == g) for g in pd.unique(fams)]

    def acc(t, p):
        return {"accuracy": accuracy(t, p)}

    by_family = cluster_intervals(pred.label, pred.prediction, clusters, n_boot=1000, seed=0,
                                  metrics_fn=acc)["accuracy"]
    by_row = with_intervals(acc, pred.label, pred.prediction, n_boot=1000, seed=0)["accuracy"]
    got = json.loads((run / "metrics.json").read_text())["test"]["accuracy_interval"]
    assert got["low"] == pytest.approx(by_family["low"])
    assert got["high"] == pytest.approx(by_family["high"])
    # near-copies in one family are right or wrong together: resampling families widens it
    assert by_family["high"] - by_family["low"] > 1.5 * (by_row["high"] - by_row["low"])
    html = " ".join((run / "report.html").read_text().split())
    assert f"over the {len(clusters)} held-out groups of &#x27;family&#x27;" in html


def test_cluster_intervals_of_labels_match_a_hand_resample():
    from biochemml.metrics import accuracy, cluster_intervals

    truth = np.array(["a", "a", "b", "b", "a", "b"])
    pred = np.array(["a", "b", "b", "b", "a", "a"])
    clusters = [np.array([0, 1]), np.array([2, 3]), np.array([4, 5])]
    ci = cluster_intervals(truth, pred, clusters, n_boot=50, seed=3,
                           metrics_fn=lambda t, p: {"accuracy": accuracy(t, p)})
    rng = np.random.default_rng(3)
    draws = []
    for _ in range(50):
        idx = np.concatenate([clusters[c] for c in rng.integers(0, 3, size=3)])
        draws.append(np.mean(truth[idx] == pred[idx]))
    assert ci["accuracy"]["value"] == pytest.approx(4 / 6)
    assert ci["accuracy"]["low"] == pytest.approx(np.percentile(draws, 2.5))
    assert ci["accuracy"]["high"] == pytest.approx(np.percentile(draws, 97.5))


def test_one_held_out_group_is_not_called_a_group_bootstrap(utr_table, tmp_path):
    df = pd.read_csv(utr_table)
    df["library"] = np.array(["a", "b", "c"])[np.arange(len(df)) % 3]
    run = train_run(df, sequence_column_name="utr", target_columns="rl", task="regression",
                    model="ridge", split="group", group_column="library",
                    out=tmp_path / "one", baselines=False)
    assert pd.read_csv(run / "predictions.csv").library.nunique() == 1
    html = " ".join((run / "report.html").read_text().split())
    assert "Only one group of &#x27;library&#x27; is held out" in html
    assert "held-out groups" not in html


def test_replicates_parted_by_a_split_column_are_named_in_the_report(utr_table, tmp_path):
    df = pd.read_csv(utr_table).head(120)
    twice = pd.concat([df, df.assign(rl=df.rl + 0.05)], ignore_index=True)
    # the second copy of the first 20 sequences is tested, their first copy trained on
    twice["part"] = ["test" if i >= 120 and i < 140 else "train" for i in range(len(twice))]
    twice.loc[100:119, "part"] = "test"  # and 20 sequences whose copies are all tested
    twice.loc[220:239, "part"] = "test"
    run = train_run(twice, sequence_column_name="utr", target_columns="rl", task="regression",
                    model="ridge", split_column="part", out=tmp_path / "col", baselines=False)
    html = " ".join((run / "report.html").read_text().split())
    assert "20 of the test rows (33%) have their exact sequence among the training rows" in html
    by_dist = json.loads((run / "metrics.json").read_text())["error_by_distance"]
    assert list(by_dist)[0] == "0" and by_dist["0"]["n"] == 20


def test_test_rows_of_weight_0_are_predicted_but_not_scored(utr_table, tmp_path):
    from biochemml.metrics import regression_metrics

    df = pd.read_csv(utr_table)
    rng = np.random.default_rng(3)
    zero = rng.random(len(df)) < 0.3  # failed measurements: weight 0 and a random value
    df.loc[zero, "reads"] = 0
    df.loc[zero, "rl"] = rng.normal(6, 2, zero.sum())
    run = train_run(df, sequence_column_name="utr", target_columns="rl", task="regression",
                    model="ridge", weight_column="reads", out=tmp_path / "w", baselines=False)
    pred = pd.read_csv(run / "predictions.csv")
    kept = pred[pred.reads > 0]
    assert len(kept) < len(pred)  # some test rows have weight 0, and are still predicted
    got = json.loads((run / "metrics.json").read_text())["test"]
    assert got["n"] == len(kept)
    assert got["r2"]["value"] == pytest.approx(regression_metrics(kept.rl, kept.prediction)["r2"])
    html = " ".join((run / "report.html").read_text().split())
    assert f"{len(pred) - len(kept)} test rows of weight 0 in &#x27;reads&#x27; are predicted" in html


def test_a_test_set_without_two_weighted_values_is_refused_before_training(utr_table, tmp_path):
    df = pd.read_csv(utr_table)
    from biochemml.splits import split_indices

    _, _, test = split_indices(len(df), test_size=0.2, seed=0)
    df.loc[test, "reads"] = 0  # every test row failed
    with pytest.raises(InputError, match=r"the test set holds 0 measured values of 'rl' of "
                                         r"weight above 0 in 'reads': scoring needs at least 2"):
        train_run(df, sequence_column_name="utr", target_columns="rl", task="regression",
                  model="ridge", weight_column="reads", out=tmp_path / "w", baselines=False)
    assert not (tmp_path / "w").exists()


def test_copies_kept_together_say_the_share_of_rows_they_test(utr_table, tmp_path, capsys,
                                                              monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    df = pd.read_csv(utr_table).head(60)
    many = pd.concat([df] + [df.iloc[:1]] * 59, ignore_index=True)  # one sequence 60 times
    run = train_run(many, sequence_column_name="utr", target_columns="rl", task="regression",
                    model="ridge", out=tmp_path / "c", baselines=False, seed=2)
    n_test = len(pd.read_csv(run / "predictions.csv"))
    assert abs(n_test / len(many) - 0.2) > 0.05
    assert f"The test set holds {n_test / len(many):.0%} of the rows" in said(capsys.readouterr().err)


def test_a_class_of_one_sequence_in_copies_is_named_as_such(tmp_path):
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(30)] + ["ACGTACGTACGT"] * 2
    df = pd.DataFrame({"utr": seqs, "label": ["A"] * 30 + ["B"] * 2})
    with pytest.raises(InputError, match=r"the class 'B' has 2 rows but a single distinct "
                                         r"sequence \(copies of one\)"):
        train_run(df, sequence_column_name="utr", target_columns="label", task="classification",
                  model="cnn", epochs=1, out=tmp_path / "b", baselines=False)


def test_a_log_target_run_is_scored_on_the_log_scale_too(tmp_path, capsys):
    from biochemml import metrics

    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(500)]
    gfp = np.exp(np.array([s.count("TA") * 0.8 for s in seqs]) + rng.normal(0, 0.4, 500))
    pd.DataFrame({"seq": seqs, "gfp": gfp}).to_csv(tmp_path / "t.csv", index=False)
    run = tmp_path / "run"
    assert main(["train", "--data", str(tmp_path / "t.csv"), "--sequence-column", "seq",
                 "--target-column", "gfp", "--task", "regression", "--model", "mlp",
                 "--target-transform", "log", "--ensemble", "2", "--epochs", "3",
                 "--out", str(run)]) == 0
    out = said(capsys.readouterr().out)
    saved = json.loads((run / "metrics.json").read_text())
    table = pd.read_csv(run / "predictions.csv")
    logged = metrics.regression_metrics(np.log(table.gfp), np.log(table.prediction))
    assert saved["test"]["log_scale"]["r2"] == pytest.approx(logged["r2"])
    assert f"on the log scale, as trained: r2 {logged['r2']:.3f}" in out
    # the baselines and this run compared on the scale they were trained on
    assert saved["baselines_scale"] == "log" and "on the log scale as trained:" in out
    assert saved["baselines"][-1]["r2"] == pytest.approx(logged["r2"])
    assert {row["scale"] for row in saved["baselines"]} == {"log"}
    assert (table.lower_95 > 0).all() and (table.lower_95 < table.prediction).all()
    assert "r2 (log scale)" in (run / "report.html").read_text()
    # its per-group table says which scale it scores
    grouped = tmp_path / "g.csv"
    pd.DataFrame({"seq": seqs, "gfp": gfp, "batch": [f"b{i % 5}" for i in range(500)]}).to_csv(
        grouped, index=False)
    assert main(["train", "--data", str(grouped), "--sequence-column", "seq", "--target-column",
                 "gfp", "--task", "regression", "--model", "ridge", "--target-transform", "log",
                 "--group-column", "batch", "--no-baselines", "--out", str(tmp_path / "g")]) == 0
    assert "test rows of each group (n, R2, Spearman, on the log scale as trained)" in \
        said(capsys.readouterr().out)
    report = (tmp_path / "g" / "report.html").read_text()
    assert "Test metrics by batch (first target; on the log scale, as trained)" in report
    # each group's R² is that of the logarithms, as the run's own scores and its baselines
    saved = json.loads((tmp_path / "g" / "metrics.json").read_text())
    grouped_pred = pd.read_csv(tmp_path / "g" / "predictions.csv")
    first = saved["by_group"][0]
    rows = grouped_pred[grouped_pred.batch == first["group"]]
    assert first["r2"] == pytest.approx(metrics.regression_metrics(
        np.log(rows.gfp), np.log(rows.prediction))["r2"])
    # an evaluation table with values a log cannot take: scored on the others, and said
    table.loc[table.index[:2], "gfp"] = [0.0, -1.0]
    table[["seq", "gfp"]].to_csv(tmp_path / "with_zero.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "--model", str(run), "--data", str(tmp_path / "with_zero.csv")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "on the log scale, as trained: r2" in out and "(2 values at or below 0 left out" in out


def test_a_handful_of_test_values_gets_a_warning_not_a_model_verdict(tmp_path, capsys):
    rng = np.random.default_rng(3)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(40)]
    pd.DataFrame({"seq": seqs, "v": [s.count("G") + rng.normal(0, 0.3) for s in seqs]}).to_csv(
        tmp_path / "t.csv", index=False)
    assert main(["train", "--data", str(tmp_path / "t.csv"), "--sequence-column", "seq",
                 "--target-column", "v", "--task", "regression", "--model", "mlp",
                 "--epochs", "2", "--out", str(tmp_path / "run")]) == 0
    err = said(capsys.readouterr().err)
    assert "Only 8 test values: their scores (and which model scores best) are mostly chance" \
        in err
    assert "beat" not in err
    assert "Only 8 test values" in (tmp_path / "run" / "report.html").read_text()


def test_training_says_what_it_will_run_and_how_far_each_network_went(tmp_path, capsys):
    rng = np.random.default_rng(4)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(200)]
    pd.DataFrame({"seq": seqs, "v": [s.count("G") + rng.normal(0, 0.3) for s in seqs]}).to_csv(
        tmp_path / "t.csv", index=False)
    assert main(["train", "--data", str(tmp_path / "t.csv"), "--sequence-column", "seq",
                 "--target-column", "v", "--task", "regression", "--model", "mlp",
                 "--ensemble", "2", "--epochs", "3", "--no-baselines",
                 "--out", str(tmp_path / "run")]) == 0
    err = said(capsys.readouterr().err)
    assert "Training mlp: 2 networks, at most 3 epochs each, 16 rows held out for validation" \
        in err
    fit = json.loads((tmp_path / "run" / "metrics.json").read_text())["fit"]
    run = "/".join(str(i["epochs_run"]) for i in fit)
    best = "/".join(str(i["best_epoch"] + 1) for i in fit)
    assert f", {run} epochs of at most 3 (best {best}): 2 networks" in err


def test_replicated_sequences_give_the_noise_ceiling(tmp_path, capsys):
    from biochemml.metrics import replicate_ceiling

    rng = np.random.default_rng(5)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(150)]
    signal = np.array([s.count("G") for s in seqs], dtype=float)
    # every sequence measured twice, with noise of SD 1
    table = pd.DataFrame({"seq": seqs * 2, "v": np.r_[signal, signal] + rng.normal(0, 1, 300)})
    table.to_csv(tmp_path / "t.csv", index=False)
    expected = replicate_ceiling(np.r_[np.arange(150), np.arange(150)], table.v)
    assert 0.6 < expected["noise_sd"] / 1.0 < 1.4 and expected["groups"] == 150
    assert main(["train", "--data", str(tmp_path / "t.csv"), "--sequence-column", "seq",
                 "--target-column", "v", "--task", "regression", "--model", "ridge",
                 "--out", str(tmp_path / "run")]) == 0
    err = said(capsys.readouterr().err)
    assert (f"150 sequences were measured more than once: their measurements differ by a "
            f"pooled SD of {expected['noise_sd']:.3g}, so even a perfect model would reach a "
            f"test R² of about {expected['r2_ceiling']:.2f}") in err
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert saved["noise_ceiling"]["r2_ceiling"] == pytest.approx(expected["r2_ceiling"])
    assert "the noise ceiling" in (tmp_path / "run" / "report.html").read_text()
    assert replicate_ceiling(np.arange(100), rng.normal(size=100)) is None  # no replicates


def test_uneven_weights_say_their_effective_sample_size(tmp_path, capsys):
    rng = np.random.default_rng(6)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(200)]
    reads = np.where(np.arange(200) < 10, 1000.0, 1.0)  # ten rows carry the weight
    pd.DataFrame({"seq": seqs, "v": [s.count("G") + rng.normal(0, 0.3) for s in seqs],
                  "reads": reads}).to_csv(tmp_path / "t.csv", index=False)
    assert main(["train", "--data", str(tmp_path / "t.csv"), "--sequence-column", "seq",
                 "--target-column", "v", "--task", "regression", "--model", "ridge",
                 "--weight-column", "reads", "--out", str(tmp_path / "run")]) == 0
    err = said(capsys.readouterr().err)
    test_rows = pd.read_csv(tmp_path / "run" / "predictions.csv")["row"].to_numpy() - 2
    w = np.delete(reads, test_rows)
    effective = w.sum() ** 2 / (w ** 2).sum()  # about 10: the heavy rows of training
    assert (f"The weights of 'reads' make the {len(w)} training rows count as about "
            f"{effective:,.0f} equal ones (effective sample size)") in err
    assert "effective sample size" in (tmp_path / "run" / "report.html").read_text()


def test_patience_from_the_cli_reaches_the_networks(utr_table, tmp_path, capsys):
    run = tmp_path / "patient"
    assert train_cli(utr_table, run, "--model", "mlp", "--epochs", "3", "--ensemble", "1",
                     "--patience", "17", "--no-baselines") == 0
    config = yaml.safe_load((run / "config.yaml").read_text())
    assert config["estimator_params"]["patience"] == 17
    for bad in ("0", "2.5"):
        code = train_cli(utr_table, tmp_path / f"never{bad}", "--model", "mlp", "--patience", bad)
        assert code != 0
    assert "must be a whole number of epochs >= 1, not 0" in capsys.readouterr().err
    assert train_cli(utr_table, tmp_path / "ridge", "--model", "ridge", "--patience", "5") != 0
    assert "--patience sets how a network trains" in " ".join(capsys.readouterr().err.split())


def test_classes_of_one_row_are_named_with_their_own_rows(tmp_path):
    # measured values trained as classes: each value is a class of one row; the classes
    # named must be those at the rows named (the first in file order, not in sorted order)
    values = [5.5, 1.25, 1.25, 3.75, 3.75, 0.5]
    path = tmp_path / "t.csv"
    pd.DataFrame({"utr": ["ACGTACGTAC"] * 6, "level": values}).to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        train_run(path, sequence_column_name="utr", target_columns="level",
                  task="classification", out=tmp_path / "run")
    text = " ".join(str(err.value).split())
    assert "the classes '5.5', '0.5' have only one row each (rows 2, 7)" in text
    assert "use --task regression" in text
