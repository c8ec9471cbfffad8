"""Messages a new user reads: each says what was used, what is accepted, and agrees with the files."""
import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main

WILDTYPE = "MSKGEELFTGVVPILVELDGDVNGHKFSVSGEG"


def _said(capsys):
    """stderr and stdout, line wrapping undone (rich wraps long lines)."""
    captured = capsys.readouterr()
    return " ".join(captured.err.split()), " ".join(captured.out.split())


def _error(capsys, argv) -> str:
    """The one-sentence error of a command that fails on a user mistake."""
    assert main(argv) == 1
    err, _ = _said(capsys)
    assert err.startswith("Error: ") and "Traceback" not in err
    return err


@pytest.fixture
def table(tmp_path):
    rng = np.random.RandomState(0)
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(60)]
    path = tmp_path / "t.csv"
    pd.DataFrame({"sequence": seqs, "value": rng.randn(60), "label": ["a"] * 58 + ["b"] * 2,
                  "library": ["L1"] * 30 + ["L2"] * 30}).to_csv(path, index=False)
    return path


@pytest.fixture
def variants(tmp_path):
    rng = np.random.RandomState(0)
    names = [f"{WILDTYPE[p]}{p + 1}{a}" for p in range(len(WILDTYPE)) for a in "AGW"
             if a != WILDTYPE[p]]
    path = tmp_path / "variants.csv"
    pd.DataFrame({"variant": names, "score": rng.randn(len(names)),
                  "lib": (["x", "y"] * len(names))[:len(names)]}).to_csv(path, index=False)
    return path


def test_a_wildtype_with_a_stop_counts_the_residues_without_it(variants, tmp_path, capsys):
    fasta = tmp_path / "wt2.fasta"
    fasta.write_text(f">TEM-1\n{WILDTYPE}*\n>homologue\n{WILDTYPE[4:]}\n")
    assert main(["train", "--task", "protein-variant", "--wildtype", str(fasta), "--data",
                 str(variants), "--offset", "1", "--model", "additive", "--out",
                 str(tmp_path / "run")]) == 0
    err, _ = _said(capsys)
    assert (f"holds 2 sequences: the wild type is the first, 'TEM-1' ({len(WILDTYPE)} "
            "residues)") in err


def test_an_unknown_task_lists_all_three_with_a_guess(table, tmp_path, capsys):
    err = _error(capsys, ["train", "--data", str(table), "--task", "regresion",
                          "--target-column", "value", "--out", str(tmp_path / "run")])
    assert ("--task must be one of classification, regression, protein-variant, not "
            "'regresion' (did you mean 'regression'?)") in err
    err = _error(capsys, ["train", "--data", str(table), "--task", "protein",
                          "--out", str(tmp_path / "run")])
    assert "protein-variant, not 'protein' (did you mean 'protein-variant'?)" in err
    assert not (tmp_path / "run").exists()


def test_an_unknown_model_lists_every_name_model_takes_for_the_task(table, tmp_path, capsys):
    from biochemml.baselines import BASELINES
    from biochemml.models import available, build
    from biochemml.errors import InputError

    networks = ", ".join(available())
    err = _error(capsys, ["train", "--data", str(table), "--task", "regression",
                          "--target-column", "value", "--model", "transformer",
                          "--out", str(tmp_path / "run")])
    assert f"--model takes {networks}, {', '.join(BASELINES)}" in err
    assert {"ridge", "ridge-pairs", "gbm-kmer", "gbm-onehot"} <= set(BASELINES)
    err = _error(capsys, ["train", "--data", str(table), "--target-column", "label",
                          "--model", "transformer", "--out", str(tmp_path / "run")])
    assert f"with --task classification, --model takes {networks} (" in err and "ridge" not in err
    err = _error(capsys, ["train", "--data", str(table), "--task", "regression",
                          "--target-column", "value", "--model", "rige",
                          "--out", str(tmp_path / "run")])
    assert "unknown model 'rige' (did you mean 'ridge'?)" in err
    assert not (tmp_path / "run").exists()
    # the Python API's error names the baselines too (they are fitted by another class)
    with pytest.raises(InputError, match="baselines ridge, ridge-pairs, gbm-kmer, gbm-onehot "
                                         "are fitted by biochemml.baselines.BaselineRegressor"):
        build("transformer", 20, task="regression")


def test_a_fasta_without_target_column_names_its_header_keys(tmp_path, capsys):
    rng = np.random.RandomState(0)
    fasta = tmp_path / "v.fasta"
    fasta.write_text("".join(f">seq{i} gfp={rng.rand():.3f} rep=1\n"
                             + "".join(rng.choice(list("ACGT"), 20)) + "\n"
                             for i in range(30)))
    err = _error(capsys, ["train", "--data", str(fasta), "--task", "regression",
                          "--out", str(tmp_path / "run")])
    assert "name the measured value with --target-column (this file's headers carry: gfp, rep)" \
        in err
    bare = tmp_path / "bare.fasta"
    bare.write_text(">seq1\nACGT\n>seq2\nACGA\n")
    err = _error(capsys, ["train", "--data", str(bare), "--task", "regression"])
    assert "this file's headers carry no values: write each as '>seq1 gfp=1.2'" in err
    assert "record names" not in err  # names without a '|value' get no such hint


def test_a_fasta_with_values_after_a_pipe_is_told_to_put_them_after_a_blank(tmp_path, capsys):
    piped = tmp_path / "piped.fasta"
    piped.write_text(">seq1|3.2\nACGTACGT\n>seq2|1.5\nACGTTCGT\n>seq3|-0.5\nTCGTACGA\n")
    hint = ("The record names end in a number after '|' ('seq1|3.2'): a value is read only "
            "after a blank, so write '>seq1 3.2' (a column 'value') or '>seq1 gfp=3.2'")
    err = _error(capsys, ["train", "--data", str(piped), "--task", "regression",
                          "--out", str(tmp_path / "run")])
    assert hint in " ".join(err.split())
    err = _error(capsys, ["train", "--data", str(piped), "--task", "regression",
                          "--target-column", "value", "--out", str(tmp_path / "run")])
    assert "has no column 'value'" in err and hint in " ".join(err.split())
    assert not (tmp_path / "run").exists()
    # UniProt-style names ('sp|P69905|HBA_HUMAN') end in no number: no hint
    uniprot = tmp_path / "uniprot.fasta"
    uniprot.write_text(">sp|P69905|HBA_HUMAN\nMVLSPADK\n>sp|P68871|HBB_HUMAN\nMVHLTPEE\n")
    err = _error(capsys, ["train", "--data", str(uniprot), "--task", "regression",
                          "--target-column", "value", "--out", str(tmp_path / "run")])
    assert "has no column 'value'" in err and "record names" not in err


def test_the_ensemble_refusal_names_the_models_that_take_it(variants, tmp_path, capsys):
    from biochemml.protein.models import VARIANT_MODELS

    takers = [m for m in VARIANT_MODELS if m != "additive"]
    err = _error(capsys, ["train", "--task", "protein-variant", "--wildtype", WILDTYPE,
                          "--data", str(variants), "--offset", "1", "--model", "additive",
                          "--ensemble", "3", "--out", str(tmp_path / "run")])
    assert (f"(--ensemble only with the models {', '.join(takers)}, not with 'additive')"
            in err)
    assert f"--ensemble with the models {', '.join(takers)}" in err
    assert "graph/image/ensemble/mlp" not in err and "other than additive" not in err
    # what the message says is what train does: sequence takes --ensemble
    assert "sequence" in takers
    assert main(["train", "--task", "protein-variant", "--wildtype", WILDTYPE, "--data",
                 str(variants), "--offset", "1", "--model", "sequence", "--ensemble", "2",
                 "--no-baselines", "--out", str(tmp_path / "seq")]) == 0
    capsys.readouterr()
    err = _error(capsys, ["train", "--task", "protein-variant", "--wildtype", WILDTYPE,
                          "--data", str(variants), "--offset", "1", "--model", "sequence",
                          "--epochs", "2", "--out", str(tmp_path / "run")])
    assert "(--epochs only with the models graph, image, ensemble, mlp, not with 'sequence')" \
        in err


def test_a_stratified_run_tests_every_class(table, tmp_path, capsys):
    import json

    run = tmp_path / "run"
    assert main(["--quiet", "train", "--data", str(table), "--target-column", "label",
                 "--model", "lecture-cnn", "--epochs", "1", "--out", str(run)]) == 0
    cm = np.asarray(json.loads((run / "metrics.json").read_text())["test"]["confusion_matrix"])
    assert cm.shape == (2, 2) and (cm.sum(axis=1) > 0).all()
    assert set(pd.read_csv(run / "predictions.csv")["label"]) == {"a", "b"}


def test_a_protein_group_split_names_the_test_groups(variants, tmp_path, capsys):
    import yaml

    run = tmp_path / "run"
    assert main(["train", "--task", "protein-variant", "--wildtype", WILDTYPE, "--data",
                 str(variants), "--offset", "1", "--model", "additive", "--split", "group",
                 "--group-column", "lib", "--out", str(run)]) == 0
    err, _ = _said(capsys)
    table = pd.read_csv(variants)
    test = pd.read_csv(run / "predictions.csv")["split"] == "test"
    held = sorted(set(table.loc[test, "lib"]))
    assert len(held) == 1
    said = f"whole groups of column 'lib' (1 of 2 groups: '{held[0]}')"
    assert said in err
    assert f"Test set: {said}." in yaml.safe_load((run / "config.yaml").read_text())["notes"]


def test_the_demo_says_how_it_counts_the_motif_position(tmp_path, capsys):
    from biochemml.demo import run_lecture

    run = run_lecture(out=tmp_path / "lecture", epochs=1)
    err, _ = _said(capsys)
    start = set(pd.read_csv(run / "predictions.csv").query("label == 1")["motif_start"])
    assert start == {7}
    assert ("CCGGAA motif at bases 8-13 (counted from 1; the column motif_start of "
            "predictions.csv counts from 0, so 7)") in err
