"""Fixes from a second user review of the protein path (a protein engineer's TEM-1 tables),
each written as a use that went wrong."""
import os

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main


@pytest.fixture(scope="module")
def tem1():
    """(TEM-1 single mutants: variant, score, 0-based position; the wild type)."""
    if not os.environ.get("BIOCHEMML_DATA"):
        pytest.skip("needs BIOCHEMML_DATA (the shared data sets)")
    from biochemml import datasets

    df = datasets.load("tem1")
    table = pd.DataFrame({"variant": df["mutant"], "score": df["2500"]})
    table["position"] = table["variant"].str[1:-1].astype(int) - 1
    return table, datasets.wildtype("tem1")


@pytest.fixture(scope="module")
def halves(tem1, tmp_path_factory):
    """A position-split additive run on the variants at 2/3 of the positions (A), and a table
    of the variants at the other third (B), none of which the run saw."""
    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    positions = np.random.RandomState(0).permutation(np.unique(table["position"]))
    in_b = table["position"].isin(positions[: len(positions) // 3])
    folder = tmp_path_factory.mktemp("halves")
    table.loc[~in_b, ["variant", "score"]].iloc[:1500].to_csv(folder / "a.csv", index=False)
    table.loc[in_b, ["variant", "score"]].iloc[:700].to_csv(folder / "b.csv", index=False)
    train_variant_model(folder / "a.csv", wildtype, offset=1, model="additive",
                        split="position", out=folder / "run", baselines=False)
    return folder


def test_evaluate_of_a_position_split_run_resamples_positions(tem1, halves, tmp_path, capsys):
    """evaluate resampled the variants of another lab's table one by one, though every one
    sat at a position the run never saw: its intervals were about 2.8 times too narrow."""
    from biochemml.metrics import cluster_intervals, regression_metrics, with_intervals
    from biochemml.protein import variant_table

    assert main(["evaluate", "--model", str(halves / "run"), "--data",
                 str(halves / "b.csv"), "--out", str(tmp_path / "ev")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    saved = pd.read_csv(tmp_path / "ev" / "predictions.csv")
    y, pred = saved["score"].to_numpy(), saved["prediction"].to_numpy()
    rows, index, _ = variant_table(saved["variant"].tolist(), tem1[1], 1)
    clusters = [np.unique(rows[index == p]) for p in np.unique(index)]
    expected = cluster_intervals(y, pred, clusters, n_boot=1000, seed=0)
    import json

    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    for name in ("r2", "spearman"):
        assert metrics["intervals"][name]["low"] == pytest.approx(expected[name]["low"])
        assert metrics["intervals"][name]["high"] == pytest.approx(expected[name]["high"])
    narrow = with_intervals(regression_metrics, y, pred, n_boot=1000, seed=0)["r2"]
    assert (expected["r2"]["high"] - expected["r2"]["low"]) > 1.5 * (narrow["high"] - narrow["low"])
    n = len(np.unique(index))
    assert f"The 95 % intervals of the scores are a bootstrap over the {n} mutated positions" in said
    assert metrics["intervals_over"] == f"the {n} mutated positions (all their variants)"
    report = (tmp_path / "ev" / "report.html").read_text()
    assert f"bootstrap 95% confidence interval over the {n} mutated positions" in report


def test_evaluate_of_a_position_split_run_does_not_warn_about_new_positions(halves, tmp_path,
                                                                             capsys):
    """The notice said the model extrapolates at untouched positions, 'less certain than its
    test scores suggest', right before its intervals held 95 %: a position-split run was
    tested at untouched positions."""
    assert main(["evaluate", "--model", str(halves / "run"), "--data",
                 str(halves / "b.csv")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "mutate a position no training variant touches" in said
    assert "so did the run's test variants (it was trained with --split position)" in said
    assert "extrapolates" not in said


def test_train_and_predict_say_why_a_small_run_has_no_intervals(tem1, tmp_path, capsys):
    """A 72-row lab table held out 14 test variants: predict left out lower_95/upper_95
    without a word, and config.yaml said only 'interval_95: []'."""
    table, wildtype = tem1
    table[["variant", "score"]].iloc[:100].to_csv(tmp_path / "small.csv", index=False)
    (tmp_path / "wt.fasta").write_text(f">wt\n{wildtype}\n")
    assert main(["train", "--task", "protein-variant", "--wildtype", str(tmp_path / "wt.fasta"),
                 "--data", str(tmp_path / "small.csv"), "--offset", "1", "--model", "additive",
                 "--split", "position", "--no-baselines", "--out", str(tmp_path / "run")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    import yaml

    n_test = yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())["n_test"]
    assert n_test < 40
    why = (f"No 95 % prediction intervals (lower_95, upper_95): this run held out {n_test} "
           "test variants, and 40 are needed")
    assert why in said
    assert why in " ".join((tmp_path / "run" / "report.html").read_text().split())
    assert main(["predict", "--model", str(tmp_path / "run"), "--data",
                 str(tmp_path / "small.csv"), "--out", str(tmp_path / "p.csv")]) == 0
    assert why in " ".join(capsys.readouterr().err.split())
    assert "lower_95" not in pd.read_csv(tmp_path / "p.csv").columns


@pytest.fixture(scope="module")
def pct_run(tem1, tmp_path_factory):
    """A position-split additive run on 600 TEM-1 single mutants as % of the wild type, 20
    of them measured twice (replicates), and a wild-type row."""
    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    rows = table.iloc[:600]
    data = pd.DataFrame({"variant": rows["variant"], "activity": 100 * 2 ** rows["score"]})
    again = data.iloc[::30].assign(activity=lambda d: d["activity"] * 1.05)
    data = pd.concat([data, again, pd.DataFrame({"variant": ["WT"], "activity": [100.0]})])
    folder = tmp_path_factory.mktemp("pct")
    data.to_csv(folder / "pct.csv", index=False)
    train_variant_model(folder / "pct.csv", wildtype, variant_column="variant",
                        target_column="activity", offset=1, model="additive",
                        split="position", out=folder / "run", baselines=False)
    return folder, wildtype


def _training_counts(folder, wildtype):
    """Distinct training variants per 0-based position and per (position, new residue)."""
    from biochemml.protein import parse_variant

    saved = pd.read_csv(folder / "run" / "predictions.csv", keep_default_na=False)
    kept = set(saved.loc[saved["split"] == "train", "variant"])
    per_position, per_substitution = {}, {}
    for variant in kept:
        for m in parse_variant(variant):
            per_position[m.position - 1] = per_position.get(m.position - 1, 0) + 1
            key = (m.position - 1, m.mt)
            per_substitution[key] = per_substitution.get(key, 0) + 1
    return per_position, per_substitution


def test_measured_variants_count_distinct_variants_not_rows(pct_run, capsys):
    """position_effects.csv said 6 measured variants at R111 where the rows were 2 copies
    of R111F, 2 of R111A and 2 doubles; the split sentence counted rows as variants."""
    folder, wildtype = pct_run
    per_position, _ = _training_counts(folder, wildtype)
    effects = pd.read_csv(folder / "run" / "position_effects.csv")
    expected = [per_position.get(i, 0) for i in range(len(wildtype))]
    assert effects["measured_variants"].tolist() == expected
    config = __import__("yaml").safe_load((folder / "run" / "config.yaml").read_text())
    split_note = next(n for n in config["notes"] if n.startswith("Test set:"))
    saved = pd.read_csv(folder / "run" / "predictions.csv", keep_default_na=False)
    test = saved[saved["split"] == "test"]
    k, n = test["variant"].nunique(), saved["variant"].nunique()
    assert (f"the test set holds {k} of the {n} variants ({k / n:.0%}; {len(test)} of the "
            f"{len(saved)} rows)") in " ".join(split_note.split())
    assert len(saved) > n  # the replicates made rows and variants differ
    k_train = saved.loc[saved["split"] == "train", "variant"].nunique()
    assert (config["n_train_variants"], config["n_test_variants"]) == (k_train, k)
    report = " ".join((folder / "run" / "report.html").read_text().split())
    assert f"{k_train} / {k} ({len(saved) - len(test)} / {len(test)} rows)" in report


def test_substitution_effects_rank_measured_positions_first_and_say_against_what(pct_run):
    """substitution_effects.csv ('best first') put substitutions at positions no variant
    touched on top (25 of the top 50), without saying what the effects are measured
    against or whether that substitution was measured."""
    folder, wildtype = pct_run
    per_position, per_substitution = _training_counts(folder, wildtype)
    ranked = pd.read_csv(folder / "run" / "substitution_effects.csv")
    at = ranked["measured_variants_at_position"].to_numpy()
    first_unmeasured = int(np.argmax(at == 0))
    assert (at[:first_unmeasured] > 0).all() and (at[first_unmeasured:] == 0).all()
    for part in (ranked.iloc[:first_unmeasured], ranked.iloc[first_unmeasured:]):
        assert (np.diff(part["predicted_effect"].to_numpy()) <= 1e-12).all()  # best first
    assert ranked["effect_against"].str.startswith("wild type (").all()
    position = ranked["position"].to_numpy() - 1
    assert at.tolist() == [per_position.get(i, 0) for i in position]
    assert ranked["measured_variants_with_this_substitution"].tolist() == [
        per_substitution.get((i, a), 0) for i, a in zip(position, ranked["new_residue"])]
    assert ranked["measured_variants_with_this_substitution"].max() >= 1
    assert {"lower_95", "upper_95"} <= set(ranked.columns)
    report = " ".join((folder / "run" / "report.html").read_text().split())
    assert "positions training variants touch first, best first; then the" in report
    assert "positions no training variant touches" in report


def test_substitution_effects_without_a_wild_type_row_say_median(tem1, tmp_path):
    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    table[["variant", "score"]].iloc[:300].to_csv(tmp_path / "v.csv", index=False)
    train_variant_model(tmp_path / "v.csv", wildtype, offset=1, model="additive",
                        out=tmp_path / "run", baselines=False)
    ranked = pd.read_csv(tmp_path / "run" / "substitution_effects.csv")
    assert ranked["effect_against"].str.startswith("median substitution (").all()


def test_a_never_negative_target_is_not_predicted_below_zero(pct_run, halves, tmp_path, capsys):
    """Activity as % of wild type got predictions of -2.6 and intervals down to -50."""
    folder, _ = pct_run
    said = " ".join((folder / "run" / "report.html").read_text().split())
    assert "Every measured activity is 0 or more, so the run" in said
    assert "predictions and their 95 % intervals are floored at 0" in said
    assert main(["predict", "--model", str(folder / "run"), "--data", str(folder / "pct.csv"),
                 "--out", str(tmp_path / "p.csv")]) == 0
    out = pd.read_csv(tmp_path / "p.csv")
    assert (out["prediction"] >= 0).all() and (out["lower_95"] >= 0).all()
    assert (out["lower_95"] == 0).any()  # the floor was needed: the intervals are wide
    assert (pd.read_csv(folder / "run" / "predictions.csv")["prediction"] >= 0).all()
    assert (pd.read_csv(folder / "run" / "substitution_effects.csv")["lower_95"] >= 0).all()
    # a target that goes below 0 (log fitness) keeps its negative predictions
    assert main(["predict", "--model", str(halves / "run"), "--data", str(halves / "b.csv"),
                 "--out", str(tmp_path / "q.csv")]) == 0
    assert (pd.read_csv(tmp_path / "q.csv")["lower_95"] < 0).any()


def test_a_network_run_draws_its_training_loss_and_says_whether_it_settled(tem1, tmp_path,
                                                                          capsys):
    """Runs with --model image or graph had no loss curve and no word on convergence: a user
    could not tell whether --epochs 15 was enough."""
    import yaml

    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    table[["variant", "score"]].iloc[:200].to_csv(tmp_path / "v.csv", index=False)
    train_variant_model(tmp_path / "v.csv", wildtype, offset=1, model="graph",
                        out=tmp_path / "run", baselines=False,
                        model_params=dict(hidden=8, rounds=1, patch_size=8, epochs=8,
                                          batch_size=32))
    said = " ".join(capsys.readouterr().err.split())
    assert (tmp_path / "run" / "training_loss.png").exists()
    config = yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())
    assert config["figures"]["training_loss"] == "training_loss.png"
    assert "training_loss.png shows the network's training loss per epoch (8 epochs)" in said
    assert ("still falling over the last quarter" in said) or ("levelled off" in said)
    assert "Training loss of the network per epoch" in (tmp_path / "run" / "report.html").read_text()


def test_convergence_note_says_when_the_loss_was_still_falling():
    from biochemml.protein_train import _convergence_note

    assert "still falling over the last quarter of the epochs (0.5 to 0.3, 40% lower)" in \
        _convergence_note([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3])
    assert "levelled off" in _convergence_note([1.0, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3])
    assert "Too few epochs" in _convergence_note([1.0, 0.5])


@pytest.mark.parametrize("name", ["tem1", "avgfp"])
def test_the_c_alpha_notice_says_how_rough_each_value_is(name, tmp_path):
    """The C-alpha-only notice said the values were approximated, not that rsa keeps only a
    Spearman of 0.35 with the full-atom values while burial keeps 0.93."""
    from scipy.stats import spearmanr

    from biochemml import datasets, structure

    full = datasets.structure_path(name)
    lines = full.read_text().splitlines()
    (tmp_path / "ca.pdb").write_text("\n".join(
        line for line in lines if line.startswith("ATOM") and line[12:16].strip() == "CA")
        + "\nEND\n")
    ca = structure.read(tmp_path / "ca.pdb")
    note = structure.approximation_note(ca)
    a, b = structure.residue_descriptors(structure.read(full)), structure.residue_descriptors(ca)
    rho = {c: spearmanr(a[c], b[c])[0] for c in ("burial", "rsa", "sasa")}
    # the ranges the notice gives hold on both proteins (to their 2 decimals)
    assert 0.835 <= rho["burial"] <= 0.935 and "burial stays close" in note.lower()
    assert 0.195 <= rho["rsa"] <= 0.355 and "rsa: Spearman 0.20-0.35" in note
    assert 0.465 <= rho["sasa"] <= 0.655 and "sasa 0.47-0.65" in note
    agree = (a["secondary_structure"] == b["secondary_structure"]).mean()
    assert 0.65 <= agree <= 0.75 and "about 70 % of the residues" in note


def test_design_on_a_protein_run_points_to_the_ranked_substitutions(pct_run):
    """design refused a protein-variant run naming position_effects.csv, not the ranked
    list of substitutions a user wants to pick from."""
    from biochemml.errors import ModelError
    from biochemml.interpret.folder import load_sequence_run

    folder, _ = pct_run
    with pytest.raises(ModelError, match="ranked .* substitution_effects.csv"):
        load_sequence_run(folder / "run")
