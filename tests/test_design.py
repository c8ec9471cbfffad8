"""In-silico directed evolution (`biochemml.design.evolve`) and `biochemml design`."""
import numpy as np
import pandas as pd
import pytest

from biochemml import InputError, SequenceClassifier, SequenceRegressor
from biochemml.cli import main
from biochemml.design import evolve, parse_positions
from biochemml.simulate import lecture_pwm, motif_dataset


@pytest.fixture(scope="module")
def additive():
    """12-nt sequences: value = 1 (G at 5) + 0.5 (A at 9) + 0.25 (C at 2), 1-based; 2 networks."""
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(1500)]
    y = np.array([(s[4] == "G") + 0.5 * (s[8] == "A") + 0.25 * (s[1] == "C") for s in seqs])
    reg = SequenceRegressor("mlp", n_models=2, epochs=30, seed=0,
                            model_params={"conv_filters": 0}).fit(seqs, y + rng.normal(0, 0.05, len(y)))
    return reg


def test_evolve_makes_the_best_changes_first(additive):
    table = evolve(additive, ["TTTTTTTTTTTT"], max_mutations=2)
    row = table.iloc[0]
    assert row.design == "TTTTGTTTATTT" and row.mutations == "T5G T9A" and row.n_mutations == 2
    assert row.start_prediction == pytest.approx(0.0, abs=0.15)
    assert row.prediction == pytest.approx(1.5, abs=0.15)
    np.testing.assert_allclose(row.prediction, additive.predict([row.design])[0], rtol=1e-6)
    assert row.prediction_std > 0 and table.attrs["output"] == "predicted value"
    _, _, bounds = additive.predict_bounds([row.design])  # as predict writes the interval
    assert (row.lower_95, row.upper_95) == pytest.approx((bounds[0, 2], bounds[0, 3]))


def test_evolve_respects_fixed_positions_rounds_and_direction(additive):
    kept = evolve(additive, ["TTTTTTTTTTTT"], fixed=[5], max_mutations=2).iloc[0]
    assert kept.design[4] == "T" and kept.mutations.split()[0] == "T9A"
    one = evolve(additive, ["TTTTTTTTTTTT"], rounds=1).iloc[0]
    assert one.mutations == "T5G" and one.n_mutations == 1
    down = evolve(additive, ["TCTTGTTTATTT"], maximise=False, max_mutations=3).iloc[0]
    assert down.prediction < down.start_prediction - 1.4
    assert {m[:-1] for m in down.mutations.split()} == {"C2", "G5", "A9"}
    # the changes from the start, one per position, whatever path the rounds took
    assert down.n_mutations == len(down.mutations.split()) == 3
    assert all(down.start[int(m[1:-1]) - 1] == m[0] and down.design[int(m[1:-1]) - 1] == m[-1]
               for m in down.mutations.split())


def test_the_trust_region_caps_the_distance(additive):
    free = evolve(additive, ["TTTTTTTTTTTT"], max_mutations=None, rounds=8).iloc[0]
    capped = evolve(additive, ["TTTTTTTTTTTT"], max_mutations=1, rounds=8).iloc[0]
    assert capped.n_mutations == 1 and free.n_mutations >= 3


def test_a_classifier_designs_the_motif():
    df = motif_dataset(lecture_pwm(), 1000, 1000, seed=2)
    clf = SequenceClassifier(seed=2).fit(df.sequence, df.label)
    starts = df[df.label == 0].sequence.head(10).tolist()
    table = evolve(clf, starts, max_mutations=6)
    # a classifier's numbers are the log-odds of the class, and are named so
    assert (table.log_odds_1 > table.start_log_odds_1).all()
    assert table.attrs["output"] == "log-odds of class 1" and "prediction_std" not in table
    # 9 or 10 of 10 designs are called motif carriers (seeds 0-3), at most 1 of the starts
    assert clf.predict(starts).tolist().count(1) <= 1
    assert clf.predict(table.design.tolist()).tolist().count(1) >= 9
    # six changes write the motif's core into random sequences that lacked it (the CNN's
    # pooling accepts it a few bases from where the data put it)
    assert not any("CGGAA" in s for s in starts)
    assert sum("CGGAA" in d for d in table.design) >= 9


def test_parse_positions():
    assert parse_positions("1-3, 20") == [1, 2, 3, 20]
    assert parse_positions("-3,-2,-1") == [-3, -2, -1]
    for bad in ("0-2", "a", "5-3"):
        with pytest.raises(InputError):
            parse_positions(bad)


def test_fixed_positions_past_every_sequence_are_refused(additive):
    with pytest.raises(InputError, match=r"fixed positions 13, -20 lie past the end of every "
                                         r"sequence \(at most 12 letters\), so they fix nothing"):
        evolve(additive, ["TTTTTTTTTTTT"], fixed=[5, 13, -20])
    # a one-column DataFrame keeps its index, as a Series does
    starts = pd.DataFrame({"utr": ["TTTTTTTTTTTT", "TTTTTTTTTTTA"]}, index=["a", "b"])
    assert list(evolve(additive, starts, rounds=1).index) == ["a", "b"]
    # past the end of some sequences only: it fixes a letter in the others
    table = evolve(additive, ["TTTTTTTTTTTT", "TTTT"], fixed=[5], max_mutations=1)
    assert table.design[0][4] == "T"


def test_bad_settings_are_refused(additive):
    with pytest.raises(InputError, match="rounds"):
        evolve(additive, ["ACGT"], rounds=0)
    with pytest.raises(InputError, match="max_mutations"):
        evolve(additive, ["ACGT"], max_mutations=0)


def test_cli_design_writes_the_table(tmp_path, capsys):
    df = motif_dataset(lecture_pwm(), 200, 200, seed=3)
    df.to_csv(tmp_path / "train.csv", index=False)
    run = tmp_path / "run"
    assert main(["--quiet", "train", "--data", str(tmp_path / "train.csv"), "--task",
                 "classification", "--model", "lecture-cnn", "--epochs", "5", "--out", str(run)]) == 0
    starts = df[df.label == 0].head(4)
    starts.to_csv(tmp_path / "starts.csv", index=False)
    out = tmp_path / "designs.csv"
    assert main(["design", "--model", str(run), "--data", str(tmp_path / "starts.csv"),
                 "--out", str(out), "--rounds", "2", "--fixed", "1-7"]) == 0
    printed = capsys.readouterr().out
    assert "Designed 4 sequences" in printed and "log-odds of class 1" in printed
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns[:len(starts.columns)]) == list(starts.columns)
    assert {"design", "mutations", "n_mutations", "start_log_odds_1", "log_odds_1"} <= set(table.columns)
    assert "columns start_log_odds_1 and log_odds_1" in printed
    assert (table.n_mutations <= 2).all()
    assert all(d[:7] == s[:7] for d, s in zip(table.design, table.sequence))
    code = main(["design", "--model", str(run), "--data", str(out), "--out", str(out)])
    assert code != 0 and "is also the --data file" in capsys.readouterr().err
    lowered = tmp_path / "lowered.csv"  # spelled as recommend spells it
    assert main(["design", "--model", str(run), "--data", str(tmp_path / "starts.csv"),
                 "--out", str(lowered), "--rounds", "1", "--minimize"]) == 0
    low = pd.read_csv(lowered, keep_default_na=False)
    assert (low.log_odds_1 <= low.start_log_odds_1 + 1e-9).all()


def test_rna_tables_keep_their_letters_and_fixed_takes_any_form(additive):
    table = evolve(additive, ["UUUUUUUUUUUU"], max_mutations=2)
    assert table.design.iloc[0] == "UUUUGUUUAUUU" and table.mutations.iloc[0] == "U5G U9A"
    for fixed in (5, np.array([5]), "5", [5]):
        kept = evolve(additive, ["TTTTTTTTTTTT"], fixed=fixed, rounds=1).iloc[0]
        assert kept.mutations == "T9A"
    with pytest.raises(InputError, match="counted from 1"):
        evolve(additive, ["TTTTTTTTTTTT"], fixed=[0])
    series = pd.Series(["TTTTTTTTTTTT", "AAAAAAAAAAAA"], index=["s1", "s2"])
    assert list(evolve(additive, series, rounds=1).index) == ["s1", "s2"]


def test_cli_design_refuses_bad_numbers_first(tmp_path, capsys):
    pd.DataFrame({"sequence": ["ACGT"]}).to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "run").mkdir()
    code = main(["design", "--model", str(tmp_path / "run"), "--data", str(tmp_path / "s.csv"),
                 "--out", str(tmp_path / "d.csv"), "--rounds", "0"])
    assert code != 0 and "--rounds must be 1 or more" in capsys.readouterr().err


def test_negative_fixed_positions_count_from_the_3_end(additive):
    # the 12-nt model: position 9 (A best) is -4 from the end; keep it and 5 (-8) fixed
    kept = evolve(additive, ["TTTTTTTTTTTT"], fixed=[-4, -8], max_mutations=1).iloc[0]
    assert kept.design[4] == "T" and kept.design[8] == "T" and kept.mutations == "T2C"
    with pytest.raises(InputError, match="from -1 at the 3' end"):
        evolve(additive, ["TTTTTTTTTTTT"], fixed=[0])


def test_cli_design_repeats_a_beaten_runs_warning_and_a_lone_networks_missing_spread(
        tmp_path, capsys):
    import json

    from biochemml.simulate import regression_dataset

    df = regression_dataset(lecture_pwm(), n=200, length=20, noise=0.5, seed=3)
    df.to_csv(tmp_path / "train.csv", index=False)
    run = tmp_path / "run"
    assert main(["--quiet", "train", "--data", str(tmp_path / "train.csv"), "--target-column",
                 "expression", "--task", "regression", "--model", "cnn", "--epochs", "2",
                 "--ensemble", "1", "--out", str(run)]) == 0
    metrics = json.loads((run / "metrics.json").read_text())  # as if a baseline had won
    metrics["baselines"] = [{"model": "ridge-pairs", "r2": 0.74},
                            {"model": "cnn (this run)", "r2": 0.20}]
    (run / "metrics.json").write_text(json.dumps(metrics))
    df.head(3).to_csv(tmp_path / "starts.csv", index=False)
    capsys.readouterr()
    assert main(["design", "--model", str(run), "--data", str(tmp_path / "starts.csv"),
                 "--out", str(tmp_path / "designs.csv"), "--rounds", "1"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "One network gives no spread" in printed and "--ensemble 5" in printed
    assert ("In its training run, the baseline ridge-pairs beat cnn on the test set (R² 0.740 "
            "against 0.200)") in printed
    assert "Its designs are no better than its predictions." in printed
