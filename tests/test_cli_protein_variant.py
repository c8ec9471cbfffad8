"""`biochemml train --task protein-variant` and `predict` on a TEM-1 subset, as a user runs them."""
import json
import os
import re

import pandas as pd
import pytest

from biochemml.cli import main

pytestmark = pytest.mark.skipif(not os.environ.get("BIOCHEMML_DATA"),
                                reason="needs BIOCHEMML_DATA (the shared data sets)")


@pytest.fixture(scope="module")
def tem1_files(tmp_path_factory):
    from biochemml import datasets

    folder = tmp_path_factory.mktemp("tem1")
    df = datasets.load("tem1")
    table = pd.DataFrame({"variant": df["mutant"], "score": df["2500"]}).iloc[:400]
    table.iloc[:300].to_csv(folder / "variants.tsv", sep="\t", index=False)
    table.iloc[300:][["variant"]].to_csv(folder / "new.csv", index=False)
    (folder / "wt.fasta").write_text(">TEM-1\n" + datasets.wildtype("tem1") + "\n")
    return folder, datasets.structure_path("tem1")


def test_train_and_predict_protein_variants(tem1_files, tmp_path, capsys, monkeypatch):
    from biochemml import plot

    folder, pdb = tem1_files
    labels, draw = [], plot.observed_vs_predicted
    monkeypatch.setattr(plot, "observed_vs_predicted",
                        lambda *a, label="value", **k: labels.append(label) or draw(*a, label=label, **k))
    run = tmp_path / "run"
    code = main(["train", "--task", "protein-variant", "--wildtype", str(folder / "wt.fasta"),
                 "--data", str(folder / "variants.tsv"), "--variant-column", "variant",
                 "--target-column", "score", "--structure", str(pdb), "--offset", "1",
                 "--out", str(run)])
    assert code == 0, capsys.readouterr().err
    for name in ("model.pkl", "config.yaml", "metrics.json", "predictions.csv", "report.html",
                 "effects_bfactor.pdb", "distance_map.png"):
        assert (run / name).exists(), name
    # the heat map's numbers: every single substitution, best first (those at measured
    # positions before the others), as position_effects averages them
    singles = pd.read_csv(run / "substitution_effects.csv")
    wt = (folder / "wt.fasta").read_text().split("\n", 1)[1].replace("\n", "")
    assert len(singles) == 19 * len(wt)
    measured = singles.measured_variants_at_position > 0
    assert measured.is_monotonic_decreasing
    assert singles[measured].predicted_effect.is_monotonic_decreasing
    assert singles[~measured].predicted_effect.is_monotonic_decreasing
    first = singles.iloc[0]
    assert first.variant == f"{first.wildtype_residue}{first.position}{first.new_residue}"
    per_position = pd.read_csv(run / "position_effects.csv").set_index("position")
    mean = singles.groupby("position").predicted_effect.mean()
    assert mean.to_numpy() == pytest.approx(
        per_position.loc[mean.index, "mean_predicted_effect"].to_numpy())
    metrics = json.loads((run / "metrics.json").read_text())
    assert -1 <= metrics["test"]["spearman"] <= 1
    report = (run / "report.html").read_text()
    assert "data:image/png;base64," in report
    # heat map and distance map both numbered as the variants (from 1), and say so
    assert "C-beta distance map of the structure (positions numbered as in the variants, from 1;" \
        in report and "by new residue (y)" in report
    out = tmp_path / "pred.csv"
    assert main(["predict", "--model", str(run), "--data", str(folder / "new.csv"), "--out", str(out)]) == 0
    pred = pd.read_csv(out)
    assert len(pred) == 100 and pred["prediction"].notna().all()
    said = " ".join(capsys.readouterr().err.split())
    assert "auto model on 240 training variants and 60 test variants" in said
    # the default chose among additive, boosting and their mean on held-out training variants
    assert re.search(r"auto chose the (additive|boosting|mean) model: R² on held-out training "
                     r"variants \(20% of the variants\): additive -?[0-9.]+, boosting", said)
    assert "Auto chose the" in report
    # a deep scan split at random tests new substitutions at measured positions: said
    assert re.search(r"\d+ of the 60 mutated test variants \(\d+%\) change only positions "
                     r"that training variants also change", said)
    assert "train again with --split position" in " ".join(report.split())
    assert labels == ["score"]  # axis labels "measured score" / "predicted score"
    assert "additive" in metrics["baselines"]
    # evaluate works on a protein-variant run folder
    (folder / "labelled.csv").write_text(
        pd.read_csv(folder / "variants.tsv", sep="\t").head(50).to_csv(index=False))
    assert main(["evaluate", "--model", str(run), "--data", str(folder / "labelled.csv"),
                 "--out", str(tmp_path / "ev")]) == 0
    assert "spearman" in capsys.readouterr().out
    for name in ("metrics.json", "predictions.csv", "report.html"):
        assert (tmp_path / "ev" / name).exists(), name
    for command in ("predict", "evaluate"):
        assert main([command, "--model", str(tmp_path / "nope"), "--data",
                     str(folder / "new.csv"), "--out", str(tmp_path / "x.csv")]) == 1
        assert "nope does not exist" in capsys.readouterr().err


def test_measured_positions_note_counts_test_variants_at_trained_positions():
    import numpy as np

    from biochemml.protein_train import _measured_positions_note

    # variants 0-3; their mutations (variant, position): 0@5, 1@5, 1@9, 2@7, 3@5
    rows, index = np.array([0, 1, 1, 2, 3]), np.array([5, 5, 9, 7, 5])
    test = np.array([False, True, False, True])  # variant 1 (5 and 9) and 2 (7) tested
    # 5 is trained (variants 0, 3), 9 and 7 are not: neither test variant qualifies
    assert _measured_positions_note(rows, index, test) is None
    test = np.array([False, False, True, True])  # 2 (7, untrained) and 3 (5, trained)
    assert _measured_positions_note(rows, index, test) is None  # 1 of 2 is not most
    rows, index = np.append(rows, 4), np.append(index, 9)  # variant 4 at 9, tested
    test = np.array([False, False, True, True, True])  # 9 is trained by variant 1 now
    assert _measured_positions_note(rows, index, test).startswith(
        "2 of the 3 mutated test variants (67%) change only positions")


def test_protein_variant_mistakes(tem1_files, tmp_path, capsys):
    folder, _ = tem1_files
    code = main(["train", "--task", "protein-variant", "--data", str(folder / "variants.tsv"),
                 "--out", str(tmp_path / "a")])
    assert code == 1 and "needs --wildtype" in capsys.readouterr().err
    # the wrong numbering (0-based instead of 1-based) names the variant and the row
    code = main(["train", "--task", "protein-variant", "--wildtype", str(folder / "wt.fasta"),
                 "--data", str(folder / "variants.tsv"), "--offset", "0", "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 1 and "row 2" in err and "variant" in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    assert not any(p.name.endswith(".partial") for p in tmp_path.iterdir())


def _train(folder, out, *extra, wildtype=None, data="variants.tsv"):
    return main(["train", "--task", "protein-variant", "--wildtype",
                 str(wildtype or folder / "wt.fasta"), "--data", str(folder / data),
                 "--target-column", "score", "--offset", "1", "--out", str(out), *extra])


def _said(capsys):
    """stderr and stdout with line wrapping undone (rich wraps long lines)."""
    captured = capsys.readouterr()
    return " ".join(captured.err.split()), " ".join(captured.out.split())


@pytest.mark.parametrize("extra, expected", [
    (["--epochs", "3", "--time-limit", "2"],
     "--time-limit, --epochs are not used with --task protein-variant"),
    (["--weight-column", "score"], "--weight-column is not used with --task protein-variant"),
    (["--model", "additive", "--ensemble", "3"], "--ensemble is not used"),
    (["--target-column", "other"], "takes one --target-column"),
    (["--split", "group", "--group-column", "nope"],
     "variants.tsv: has no column 'nope'; its columns are: variant, score"),
    (["--group-column", "variant"], "add --split group"),
    (["--split", "similarity"], "use position"),
    (["--chain", "A"], "give --structure too"),
])
def test_protein_train_refuses_options_it_does_not_use(tem1_files, tmp_path, capsys, extra,
                                                       expected):
    folder, _ = tem1_files
    assert _train(folder, tmp_path / "run", *extra) == 1
    err, _ = _said(capsys)
    assert expected in err
    assert not (tmp_path / "run").exists()


def test_protein_split_by_position_notice_and_options_in_config(tem1_files, tmp_path, capsys):
    import yaml

    folder, _ = tem1_files
    run = tmp_path / "run"
    assert _train(folder, run, "--model", "graph", "--split", "position", "--test-size", "0.25",
                  "--epochs", "1", "--batch-size", "64", "--learning-rate", "0.01") == 0
    err, out = _said(capsys)
    assert "no structure given: the graph network sees the sequence chain only" in err
    table = pd.read_csv(run / "predictions.csv")
    pos = table["variant"].str[1:-1].astype(int)
    assert not set(pos[table.split == "test"]) & set(pos[table.split == "train"])
    config = yaml.safe_load((run / "config.yaml").read_text())
    assert config["split"] == "position" and config["test_size"] == 0.25
    assert config["model_params"] == {"epochs": 1, "batch_size": 64, "learning_rate": 0.01}
    assert "--test-size 0.25 --split position" in config["command"]
    assert config["command"].startswith("biochemml train --data")
    assert any("no structure given" in n for n in config["notes"])
    n_train, n_test = config["n_train"], config["n_test"]
    # distinct variants, with the rows when copies make them more
    k_train = table.loc[table.split == "train", "variant"].nunique()
    k_test = table.loc[table.split == "test", "variant"].nunique()
    rows = (lambda k, n: "" if k == n else f" ({n} rows)")
    assert (f"graph model on {k_train} training variants{rows(k_train, n_train)} and {k_test} "
            f"test variants{rows(k_test, n_test)}") in err
    assert "additive baseline on the same split" in out
    saved = json.loads((run / "metrics.json").read_text())
    assert "additive" in saved["baselines"]
    # the terminal gives the intervals the report gives, and what they resample
    r2 = saved["test_intervals"]["r2"]
    assert f"(95% CI {r2['low']:.3f} to {r2['high']:.3f})" in out
    assert f"(95% CI: bootstrap over {saved['intervals_over']})" in out
    report = (run / "report.html").read_text()
    assert "no structure given" in report and "by new residue" in report


def test_protein_split_by_group_column(tem1_files, tmp_path):
    folder, _ = tem1_files
    table = pd.read_csv(folder / "variants.tsv", sep="\t")
    table["site"] = table["variant"].str[1:-1]
    table.to_csv(tmp_path / "sites.tsv", sep="\t", index=False)
    run = tmp_path / "run"
    code = main(["train", "--task", "protein-variant", "--wildtype", str(folder / "wt.fasta"),
                 "--data", str(tmp_path / "sites.tsv"), "--target-column", "score", "--offset",
                 "1", "--model", "additive", "--split", "group", "--group-column", "site",
                 "--out", str(run)])
    assert code == 0
    pred = pd.read_csv(run / "predictions.csv").assign(site=table["site"])
    assert not set(pred.site[pred.split == "test"]) & set(pred.site[pred.split == "train"])
    # the test scores' intervals resample the held-out groups, not their variants
    metrics = json.loads((run / "metrics.json").read_text())
    n_groups = pred.site[pred.split == "test"].nunique()
    assert metrics["intervals_over"] == f"the {n_groups} held-out groups (all their test variants)"
    assert f"bootstrap over the {n_groups} held-out groups of &#x27;site&#x27;" in \
        " ".join((run / "report.html").read_text().split())


def test_bad_wild_type_is_reported_against_its_own_file(tem1_files, tmp_path, capsys,
                                                        monkeypatch):
    folder, _ = tem1_files
    (tmp_path / "odd.fasta").write_text(">x\nMSIQHFRVBZ\n")
    assert _train(folder, tmp_path / "a", wildtype=tmp_path / "odd.fasta") == 1
    err, _ = _said(capsys)
    assert "odd.fasta: the wild-type sequence has 'B' at position 9" in err
    assert "variants.tsv" not in err
    assert _train(folder, tmp_path / "b", wildtype="wt_file") == 1
    err, _ = _said(capsys)
    assert "'wt_file' is neither an existing FASTA file nor a protein sequence" in err
    # a file name without its ending is not the protein "WT"
    (tmp_path / "wt.fasta").write_text((folder / "wt.fasta").read_text())
    monkeypatch.chdir(tmp_path)
    assert _train(folder, tmp_path / "c", wildtype="wt") == 1
    err, _ = _said(capsys)
    assert ("the wild type 'wt' is not a file, and read as a sequence it would be a protein of "
            "2 residues: did you mean the file wt.fasta?") in err
    assert _train(folder, tmp_path / "d", wildtype="wildtype") == 1
    err, _ = _said(capsys)
    assert ("the wild type 'wildtype' is not a file, and read as a sequence it would be a "
            "protein of 8 residues: give the FASTA file's name with its ending") in err


def test_structure_mismatch_names_the_file_and_residues(tem1_files, tmp_path, capsys):
    from biochemml import datasets

    folder, pdb = tem1_files
    wt = datasets.wildtype("tem1")
    (tmp_path / "r162a.fasta").write_text(">m\n" + wt[:161] + "A" + wt[162:] + "\n")
    assert _train(folder, tmp_path / "a", "--structure", str(pdb),
                  wildtype=tmp_path / "r162a.fasta") == 1
    err, _ = _said(capsys)
    assert f"{pdb}: chain A of the structure differs from the wild type" in err
    assert "structure has R, wild type has A at 162" in err and "--offset" in err
    # a structure without the signal peptide (residues 1-23): says which stretch it covers
    lines = [x for x in open(pdb) if not (x.startswith(("ATOM", "HETATM"))
                                          and int(x[22:26]) <= 23)]
    (tmp_path / "mature.pdb").write_text("".join(lines))
    assert _train(folder, tmp_path / "b", "--structure", str(tmp_path / "mature.pdb")) == 1
    err, _ = _said(capsys)
    assert "mature.pdb" in err and "positions 24..286" in err and "--offset 24" in err
    assert _train(folder, tmp_path / "c", "--structure", str(pdb), "--chain", "B") == 1
    err, _ = _said(capsys)
    assert "no protein chain 'B'" in err


def test_empty_variant_notice_and_too_few_rows(tem1_files, tmp_path, capsys):
    folder, _ = tem1_files
    table = pd.read_csv(folder / "variants.tsv", sep="\t")
    table.loc[5, "variant"] = None
    table.to_csv(tmp_path / "with_wt.tsv", sep="\t", index=False)
    table.head(3).to_csv(tmp_path / "three.tsv", sep="\t", index=False)
    code = main(["train", "--task", "protein-variant", "--wildtype", str(folder / "wt.fasta"),
                 "--data", str(tmp_path / "with_wt.tsv"), "--target-column", "score",
                 "--offset", "1", "--model", "additive", "--out", str(tmp_path / "a")])
    assert code == 0
    err, _ = _said(capsys)
    assert "1 row with an empty variant is taken as the wild type" in err
    code = main(["train", "--task", "protein-variant", "--wildtype", str(folder / "wt.fasta"),
                 "--data", str(tmp_path / "three.tsv"), "--target-column", "score",
                 "--offset", "1", "--model", "additive", "--out", str(tmp_path / "b")])
    err, _ = _said(capsys)
    assert code == 1 and "only 1 test variant" in err and "--test-size" in err
    assert not (tmp_path / "b").exists()


def test_protein_mlp_by_name_takes_the_network_options(tem1_files, tmp_path, capsys):
    import pickle

    from biochemml.protein.models import MutantSequenceRegressor

    folder, _ = tem1_files
    assert _train(folder, tmp_path / "run", "--model", "mlp", "--epochs", "2",
                  "--ensemble", "2") == 0, capsys.readouterr().err
    with open(tmp_path / "run" / "model.pkl", "rb") as handle:
        model = pickle.load(handle)
    assert isinstance(model, MutantSequenceRegressor)
    assert model.estimator_.n_models_ == 2
    assert all(info["epochs_run"] <= 2 for info in model.estimator_.fit_info_)


def test_evaluate_counts_training_variants_and_scores_the_unseen_apart(tem1_files, tmp_path,
                                                                      capsys):
    from biochemml import datasets

    folder, _ = tem1_files
    run = tmp_path / "run"
    assert _train(folder, run, "--model", "additive") == 0
    saved = pd.read_csv(run / "predictions.csv")
    seen = saved[saved["split"] == "train"].head(20)[["variant", "score"]]
    df = datasets.load("tem1")
    unseen = pd.DataFrame({"variant": df["mutant"], "score": df["2500"]}).iloc[300:330]
    table = pd.concat([seen, unseen]).reset_index(drop=True)
    table.to_csv(tmp_path / "mixed.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "--model", str(run), "--data", str(tmp_path / "mixed.csv"),
                 "--out", str(tmp_path / "ev")]) == 0
    err, _ = _said(capsys)
    assert "20 of the 50 variants were in the training set" in err
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    written = pd.read_csv(tmp_path / "ev" / "predictions.csv")
    assert written["in_training_set"].sum() == 20 and metrics["unseen"]["n"] == 30
    # the headline is the unseen rows'; all rows are kept apart
    assert metrics["n"] == 30 and metrics["r2"] == pytest.approx(metrics["unseen"]["r2"])
    assert metrics["all_rows"]["n"] == 50
    # the unseen rows alone score what an evaluation of them alone gives
    unseen.to_csv(tmp_path / "unseen.csv", index=False)
    assert main(["evaluate", "--model", str(run), "--data", str(tmp_path / "unseen.csv")]) == 0
    err, out = _said(capsys)
    assert "in the training set" not in err
    # the scores come with their 95 % intervals, as training prints them
    ci = metrics["intervals"]["r2"]
    assert ci["low"] < metrics["r2"] < ci["high"]
    assert "r2: " in out and "(95% CI " in out


def test_a_table_without_the_wild_type_centres_effects_on_the_median_substitution(
        tem1_files, tmp_path, capsys):
    import pickle

    import numpy as np
    import yaml

    from biochemml import datasets

    folder, pdb = tem1_files
    run = tmp_path / "run"
    assert _train(folder, run, "--model", "additive", "--structure", str(pdb)) == 0
    err, _ = _said(capsys)
    assert "has no wild-type row" in err
    config = yaml.safe_load((run / "config.yaml").read_text())
    assert any("median predicted substitution" in n for n in config["notes"])
    effects = pd.read_csv(run / "position_effects.csv")
    train = pd.read_csv(run / "predictions.csv").query("split == 'train'")["variant"]
    positions = train.str.extract(r"(\d+)")[0].astype(int)
    counts = positions.value_counts()
    measured = effects.set_index("position")["measured_variants"]
    assert (measured[counts.index] == counts).all() and measured.sum() == len(train)
    # the reference: the median predicted single substitution at measured positions
    with open(run / "model.pkl", "rb") as handle:
        model = pickle.load(handle)
    wt = datasets.wildtype("tem1")
    scan = [f"{wt[p - 1]}{p}{a}" for p in sorted(counts.index) for a in "ACDEFGHIKLMNPQRSTVWY"
            if a != wt[p - 1]]
    reference = float(np.median(model.predict(scan)))
    one = int(counts.index[0])
    row = [f"{wt[one - 1]}{one}{a}" for a in "ACDEFGHIKLMNPQRSTVWY" if a != wt[one - 1]]
    assert effects.set_index("position").loc[one, "mean_predicted_effect"] == pytest.approx(
        float(np.mean(model.predict(row))) - reference, abs=1e-6)


def test_a_structure_with_a_missing_loop_or_extra_residues_is_named_as_such(tem1_files,
                                                                            tmp_path):
    import gemmi

    from biochemml import datasets
    from biochemml.errors import InputError
    from biochemml.protein.models import check_structure

    _, pdb = tem1_files
    wt = datasets.wildtype("tem1")
    st = gemmi.read_structure(str(pdb))
    chain = st[0]["A"]
    for i in range(len(chain) - 1, -1, -1):
        if 101 <= chain[i].seqid.num <= 106:
            del chain[i]
    st.write_pdb(str(tmp_path / "gap.pdb"))
    with pytest.raises(InputError, match=r"lacks wild-type positions 101-106 \(not in the file\)"):
        check_structure(tmp_path / "gap.pdb", wt, offset=1)
    # the mature protein (from residue 24) as the wild type, the full-length model as the
    # structure: the fix keeps the variants' numbers
    with pytest.raises(InputError, match=r"23 residues the wild type lacks \(structure "
                                         r"residues 1-23\).*--offset 1 "):
        check_structure(pdb, wt[23:], offset=24)


def test_variants_written_on_another_chain_are_warned_about(tem1_files, tmp_path, capsys, monkeypatch):
    from biochemml import datasets, progress
    from biochemml.protein.models import check_structure

    monkeypatch.setattr(progress, "_QUIET", False)
    _, pdb = tem1_files
    atoms = [x for x in open(pdb) if x.startswith("ATOM")]
    dimer = tmp_path / "dimer.pdb"  # chain A and an identical chain B
    dimer.write_text("".join(atoms) + "TER\n" + "".join(x[:21] + "B" + x[22:] for x in atoms) + "END\n")
    wt = datasets.wildtype("tem1")
    st = check_structure(dimer, wt, chain="B", offset=1, named_chains={"A"})
    assert st.chains == ["B"]
    err = " ".join(capsys.readouterr().err.split())
    assert "the variants are written on chain A but chain B of" in err and "pass --chain A" in err
    for named, chain in (({"S"}, "B"), ({"B"}, "B"), (set(), "B"), ({"A"}, None)):
        check_structure(dimer, wt, chain=chain, offset=1, named_chains=named)
        assert "Warning" not in capsys.readouterr().err, (named, chain)


def test_random_split_keeps_copies_of_a_variant_together_and_the_wild_type_in_training(
        tem1_files, tmp_path, capsys):
    folder, _ = tem1_files
    table = pd.read_csv(folder / "variants.tsv", sep="\t").iloc[:60]
    # replicates, one written in HGVS (p.His24Cys is H24C), and the wild type
    hgvs = table.iloc[:1].assign(variant=lambda t: t.variant.str.replace(
        r"^([A-Z])(\d+)([A-Z])$", lambda m: f"p.{_THREE[m[1]]}{m[2]}{_THREE[m[3]]}", regex=True))
    wild = pd.DataFrame({"variant": ["WT"], "score": [0.0]})
    data = pd.concat([wild, table, table, hgvs], ignore_index=True)
    data.to_csv(tmp_path / "dup.tsv", sep="\t", index=False)
    for seed in range(4):
        run = tmp_path / f"run{seed}"
        assert _train(tmp_path, run, "--model", "additive", "--no-baselines", "--seed",
                      str(seed), data="dup.tsv", wildtype=folder / "wt.fasta") == 0
        err, _ = _said(capsys)
        assert ("60 variants occur more than once (rows 3, 4, 5, 6, 7, ...; the same mutations, "
                "however written): each variant's copies were kept on one side of the split"
                in err)
        split = pd.read_csv(run / "predictions.csv", keep_default_na=False)
        assert split.loc[0, "split"] == "train"  # the wild type
        key = split.variant.replace(hgvs.variant.iloc[0], table.variant.iloc[0])
        assert split.groupby(key)["split"].nunique().max() == 1
        assert (split.split == "test").sum() in (24, 25)  # 20 % of 122 rows, by whole variants


def test_a_given_split_that_tests_copies_of_training_variants_says_so(tem1_files, tmp_path,
                                                                      capsys):
    folder, _ = tem1_files
    table = pd.read_csv(folder / "variants.tsv", sep="\t").iloc[:40]
    data = pd.concat([table.assign(part="train"), table.iloc[:10].assign(part="test")])
    data.to_csv(tmp_path / "given.tsv", sep="\t", index=False)
    assert _train(tmp_path, tmp_path / "run", "--model", "additive", "--no-baselines",
                  "--split-column", "part", data="given.tsv", wildtype=folder / "wt.fasta") == 0
    err, _ = _said(capsys)
    assert "10 of them are in both the training and the test set, which flatters" in err


_THREE = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
          "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
          "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter"}


def test_predict_and_evaluate_read_a_table_numbered_from_another_offset(tem1_files, tmp_path,
                                                                        capsys):
    folder, _ = tem1_files
    run = tmp_path / "run"
    assert _train(folder, run, "--model", "additive", "--no-baselines") == 0  # offset 1
    table = pd.read_csv(folder / "variants.tsv", sep="\t").iloc[:30]
    table.to_csv(tmp_path / "one.csv", index=False)
    zero = table.assign(variant=table.variant.str.replace(  # the same variants, from 0
        r"(\d+)", lambda m: str(int(m[1]) - 1), regex=True)).rename(columns={"variant": "mut"})
    zero.to_csv(tmp_path / "zero.csv", index=False)
    assert main(["predict", "--model", str(run), "--data", str(tmp_path / "zero.csv"),
                 "--out", str(tmp_path / "p0.csv"), "--variant-column", "mut"]) == 1
    err, _ = _said(capsys)
    assert "all residues match with offset 0 (--offset 0)" in err
    assert main(["predict", "--model", str(run), "--data", str(tmp_path / "one.csv"),
                 "--out", str(tmp_path / "p1.csv")]) == 0
    for column in ("--variant-column", "--sequence-column"):  # either names the variants
        assert main(["predict", "--model", str(run), "--data", str(tmp_path / "zero.csv"),
                     "--out", str(tmp_path / "p0.csv"), column, "mut", "--offset", "0"]) == 0
        assert (pd.read_csv(tmp_path / "p0.csv").prediction.to_numpy() ==
                pd.read_csv(tmp_path / "p1.csv").prediction.to_numpy()).all()
    assert main(["evaluate", "--model", str(run), "--data", str(tmp_path / "zero.csv"),
                 "--variant-column", "mut", "--offset", "0"]) == 0
    capsys.readouterr()
    # the training variants are recognised in the other numbering too
    assert main(["evaluate", "--model", str(run), "--data", str(tmp_path / "zero.csv"),
                 "--variant-column", "mut", "--offset", "0", "--out", str(tmp_path / "ev")]) == 0
    seen = pd.read_csv(tmp_path / "ev" / "predictions.csv")["in_training_set"]
    split = pd.read_csv(run / "predictions.csv").iloc[:30]["split"]
    assert (seen.to_numpy() == (split == "train").to_numpy()).all()
    assert main(["predict", "--model", str(run), "--data", str(tmp_path / "zero.csv"),
                 "--out", str(tmp_path / "p.csv"), "--variant-column", "mut",
                 "--sequence-column", "variant"]) == 1
    assert "name two columns" in _said(capsys)[0]


def test_protein_options_are_refused_by_the_sequence_tasks(tem1_files, tmp_path, capsys):
    folder, pdb = tem1_files
    wt = (folder / "wt.fasta").read_text().split()[-1]
    table = pd.DataFrame({"sequence": [wt[:40]] * 3 + [wt[1:41]] * 3, "score": range(6)})
    table.to_csv(tmp_path / "seqs.csv", index=False)
    base = ["train", "--task", "regression", "--alphabet", "protein", "--data",
            str(tmp_path / "seqs.csv"), "--target-column", "score", "--model", "ridge", "--out"]
    assert main(base + [str(tmp_path / "r"), "--wildtype", str(folder / "wt.fasta"),
                        "--structure", str(pdb), "--offset", "1"]) == 1
    err, _ = _said(capsys)
    assert ("--wildtype, --structure, --offset are only used with --task protein-variant"
            in err)
    assert not (tmp_path / "r").exists()
    assert main(base + [str(tmp_path / "r")]) == 0
    for extra, said in ((["--offset", "1"], "--offset is for protein-variant runs"),
                        (["--variant-column", "v"], "name their column with --sequence-column")):
        assert main(["predict", "--model", str(tmp_path / "r"), "--data",
                     str(tmp_path / "seqs.csv"), "--out", str(tmp_path / "p.csv"), *extra]) == 1
        assert said in _said(capsys)[0]


def test_the_protein_report_gives_bootstrap_intervals_and_the_mse(tem1_files, tmp_path):
    folder, _ = tem1_files
    run = tmp_path / "run"
    assert _train(folder, run, "--model", "additive", "--no-baselines") == 0
    metrics = json.loads((run / "metrics.json").read_text())
    r2 = metrics["test_intervals"]["r2"]
    assert r2["low"] < r2["value"] < r2["high"] and r2["value"] == metrics["test"]["r2"]
    html = (run / "report.html").read_text()
    assert "mse" in html and "test variants" in html
    from biochemml.report import format_value

    assert format_value(r2) in html  # "0.43 (0.28–0.55)": the interval, not only the value


def test_a_test_size_that_is_no_fraction_is_named(tem1_files, tmp_path):
    from biochemml.errors import InputError
    from biochemml.protein_train import train_variant_model

    folder, _ = tem1_files
    for bad, said in (("0.2", "not '0.2'"), (0, "must be more than 0")):
        with pytest.raises(InputError, match=f"the test size \\(--test-size\\) .*{said}"):
            train_variant_model(folder / "variants.tsv", folder / "wt.fasta", offset=1,
                                out=tmp_path / "run", test_size=bad)
