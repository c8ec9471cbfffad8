"""Fixes from a user review of the protein-variant path, each written as a use that failed."""
import json
import os
import re

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main
from biochemml.errors import InputError

needs_data = pytest.mark.skipif(not os.environ.get("BIOCHEMML_DATA"),
                                reason="needs BIOCHEMML_DATA (the shared data sets)")


@pytest.fixture(scope="module")
def tem1():
    """(table of 300 TEM-1 single mutants: variant, score; the 286-residue wild type)."""
    if not os.environ.get("BIOCHEMML_DATA"):
        pytest.skip("needs BIOCHEMML_DATA (the shared data sets)")
    from biochemml import datasets

    df = datasets.load("tem1")
    table = pd.DataFrame({"variant": df["mutant"], "score": df["2500"]}).iloc[:300]
    return table, datasets.wildtype("tem1")


def test_wildtype_given_as_the_whole_sequence_is_read_as_a_sequence(tem1, tmp_path):
    from biochemml.protein_train import read_wildtype, train_variant_model

    table, wildtype = tem1
    # 286 letters: too long a file name for the system (OSError), so it is a sequence
    assert read_wildtype(wildtype) == wildtype
    assert read_wildtype(wildtype * 20) == wildtype * 20
    data = tmp_path / "v.csv"
    table.iloc[:60].to_csv(data, index=False)
    metrics = train_variant_model(data, wildtype, offset=1, model="additive",
                                  out=tmp_path / "run", baselines=False)
    assert metrics["test"]["n"] == 12
    code = main(["train", "--task", "protein-variant", "--wildtype", wildtype, "--data",
                 str(data), "--offset", "1", "--model", "additive", "--out",
                 str(tmp_path / "run2")])
    assert code == 0


def test_position_intervals_resample_positions_not_variants():
    from biochemml.metrics import cluster_intervals, regression_metrics, with_intervals

    # 20 positions x 15 variants; each position's effect is shared by its variants, and
    # the model misses it at some positions: the variants of one position err together
    rng = np.random.default_rng(1)
    effect = np.repeat(rng.normal(size=20), 15)
    miss = np.repeat(rng.normal(0, 0.8, 20), 15)
    y = effect + rng.normal(0, 0.3, 300)
    pred = effect + miss
    clusters = [np.arange(i * 15, (i + 1) * 15) for i in range(20)]
    by_position = cluster_intervals(y, pred, clusters, n_boot=500)
    by_variant = with_intervals(regression_metrics, y, pred, n_boot=500)
    width = lambda ci: ci["r2"]["high"] - ci["r2"]["low"]  # noqa: E731
    assert by_position["r2"]["value"] == pytest.approx(by_variant["r2"]["value"])
    assert width(by_position) > 2 * width(by_variant)


def test_position_split_reports_a_bootstrap_over_held_out_positions(tem1, tmp_path):
    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    data = tmp_path / "v.csv"
    table.to_csv(data, index=False)
    metrics = train_variant_model(data, wildtype, offset=1, model="additive", split="position",
                                  out=tmp_path / "run", baselines=False)
    report = (tmp_path / "run" / "report.html").read_text()
    held = re.search(r"(\d+) of \d+ mutated positions held out", report).group(1)
    assert metrics["intervals_over"] == f"the {held} held-out positions (all their test variants)"
    assert f"bootstrap 95% confidence interval over the {held} held-out positions" in report
    assert f"bootstrap over the {held} held-out positions" in report


def test_position_clusters_are_the_held_out_positions_of_double_mutants(tmp_path):
    from biochemml.protein.metrics import position_clusters
    from biochemml.protein_train import train_variant_model

    # variant 0 mutates 3 and 7, variant 1 mutates 3 and 9, variant 2 mutates 7 and 9:
    # test = {0, 1}; position 3 is held out, 7 and 9 are trained (variant 2)
    rows, index = np.array([0, 0, 1, 1, 2, 2]), np.array([3, 7, 3, 9, 7, 9])
    clusters = position_clusters(rows, index, np.array([True, True, False]))
    assert [c.tolist() for c in clusters] == [[0, 1]]
    # a library of double mutants: as many clusters as held-out positions (the test
    # variants' other positions had made clusters too, 36 for 8 held out)
    rng = np.random.default_rng(0)
    wt = "MSKGEELFTGVVPILVELDGDVNGHKFSVSGEGEGDATYGKLTLKFICTTGKLPVPWPTLVTTFSYGVQ"
    aa = "ACDEFGHIKLMNPQRSTVWY"
    variants = []
    for _ in range(200):
        positions = sorted(rng.choice(np.arange(1, 41), size=2, replace=False))
        variants.append(":".join(f"{wt[q - 1]}{q}{rng.choice([a for a in aa if a != wt[q - 1]])}"
                                 for q in positions))
    pd.DataFrame({"variant": variants, "score": rng.normal(size=200)}).to_csv(
        tmp_path / "v.csv", index=False)
    metrics = train_variant_model(tmp_path / "v.csv", wt, offset=1, model="additive",
                                  split="position", out=tmp_path / "run", baselines=False)
    report = (tmp_path / "run" / "report.html").read_text()
    held = re.search(r"(\d+) of 40 mutated positions held out", report).group(1)
    assert metrics["intervals_over"] == f"the {held} held-out positions (all their test variants)"


def test_auto_holds_out_whole_variants_when_choosing():
    from biochemml.protein import SelectingRegressor

    from protein_helpers import WT, singles

    once = singles(WT, 3, seed=0)
    # three copies of every variant, written three ways (replicate measurements)
    variants = once + [f"S{v}" for v in once] + once
    variants += ["", "WT"]
    auto = SelectingRegressor(WT, seed=3)
    held = auto._held_out(variants)
    n = len(once)
    copies = held[:n], held[n:2 * n], held[2 * n:3 * n]
    assert (copies[0] == copies[1]).all() and (copies[0] == copies[2]).all()
    assert not held[-2:].any()  # the wild type is fitted
    assert abs(held.mean() - 0.2) < 0.02


@pytest.fixture(scope="module")
def tem1_run(tem1, tmp_path_factory):
    """A small additive run on 100 TEM-1 single mutants (no stop), numbered from 1."""
    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    folder = tmp_path_factory.mktemp("run")
    data = folder / "v.csv"
    table.iloc[:100][~table["variant"].iloc[:100].str.contains(r"\*")].to_csv(data, index=False)
    train_variant_model(data, wildtype, offset=1, model="additive", out=folder / "run",
                        baselines=False)
    return folder / "run", table, wildtype


def _unseen_position(run, wildtype):
    """A 1-based position no training variant of ``run`` touches, and its residue."""
    from biochemml.protein import mutation_positions

    saved = pd.read_csv(run / "predictions.csv", keep_default_na=False)
    trained = {i for v in mutation_positions(saved.loc[saved.split == "train", "variant"],
                                             wildtype, 1) for i in v}
    i = min(set(range(len(wildtype))) - trained)
    return i + 1, wildtype[i]


def test_predict_says_which_variants_lie_beyond_the_training_data(tem1_run, tmp_path, capsys):
    run, table, wildtype = tem1_run
    pos, res = _unseen_position(run, wildtype)
    known = table["variant"].iloc[0]
    other = next(v for v in table["variant"].iloc[1:100] if v[1:-1] != known[1:-1])
    new = pd.DataFrame({"variant": [known, f"{res}{pos}*", f"{res}{pos}A", "",
                                    f"{known}:{other}"]})
    new.to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", "--model", str(run), "--data", str(tmp_path / "new.csv"),
                 "--out", str(tmp_path / "pred.csv")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "1 row with an empty variant (row 5) is predicted as the wild type" in said
    assert "1 of the 5 variants carries a stop (*), and no training variant did (row 3)" in said
    assert ("2 of the 5 variants mutate a position no training variant touches (rows 3, 4)"
            in said)
    assert ("1 of the 5 variants carries more mutations than any training variant (at most 1) "
            "(row 6)" in said)


def test_evaluate_report_says_which_variants_lie_beyond_the_training_data(tem1_run, tmp_path):
    from biochemml.protein_train import evaluate_variant_model

    run, table, wildtype = tem1_run
    pos, res = _unseen_position(run, wildtype)
    new = pd.DataFrame({"variant": table["variant"].iloc[100:120].tolist() + [f"{res}{pos}A"],
                        "score": table["score"].iloc[100:121].tolist()})
    new.to_csv(tmp_path / "new.csv", index=False)
    evaluate_variant_model(run, tmp_path / "new.csv", out=tmp_path / "ev")
    report = (tmp_path / "ev" / "report.html").read_text()
    assert "variants mutate a position no training variant touches" in report


def test_evaluate_maps_the_runs_target_to_another_column(tem1_run, tmp_path):
    from biochemml.protein_train import evaluate_variant_model

    run, table, _ = tem1_run
    new = pd.DataFrame({"variant": table["variant"].iloc[100:140],
                        "measured": table["score"].iloc[100:140]})
    new.to_csv(tmp_path / "new.csv", index=False)
    mapped = evaluate_variant_model(run, tmp_path / "new.csv", target_column="score=measured")
    renamed = evaluate_variant_model(run, tmp_path / "new.csv", target_column="measured")
    assert mapped["r2"] == renamed["r2"] and mapped["n"] == 40
    with pytest.raises(InputError, match=r"'fitness' is not a target of the run; its targets "
                                         r"are 'score'"):
        evaluate_variant_model(run, tmp_path / "new.csv", target_column="fitness=measured")


@pytest.fixture(scope="module")
def ca_only_pdb(tmp_path_factory):
    """The TEM-1 AlphaFold model reduced to its C-alpha atoms (a C-alpha trace)."""
    if not os.environ.get("BIOCHEMML_DATA"):
        pytest.skip("needs BIOCHEMML_DATA (the shared data sets)")
    from biochemml import datasets

    lines = datasets.structure_path("tem1").read_text().splitlines()
    path = tmp_path_factory.mktemp("ca") / "ca_only.pdb"
    path.write_text("\n".join(line for line in lines if line.startswith("ATOM")
                              and line[12:16].strip() == "CA") + "\nEND\n")
    return path


def test_a_ca_only_structure_is_said_to_be_approximated(ca_only_pdb, tem1, tmp_path, capsys):
    from biochemml.protein_train import train_variant_model

    assert main(["structure-features", "--structure", str(ca_only_pdb), "--out",
                 str(tmp_path / "f.csv")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "holds only C-alpha atoms: solvent accessibility is approximated" in said
    assert "secondary structure is estimated from C-alpha geometry" in said
    table, wildtype = tem1
    table.iloc[:60].to_csv(tmp_path / "v.csv", index=False)
    train_variant_model(tmp_path / "v.csv", wildtype, offset=1, model="additive",
                        structure=ca_only_pdb, out=tmp_path / "run", baselines=False)
    assert "holds only C-alpha atoms" in (tmp_path / "run" / "report.html").read_text()
    # a full-atom model: no such notice
    from biochemml import datasets

    capsys.readouterr()
    assert main(["structure-features", "--structure", str(datasets.structure_path("tem1")),
                 "--out", str(tmp_path / "g.csv")]) == 0
    assert "C-alpha atoms" not in capsys.readouterr().err


def test_position_split_of_multi_mutants_says_how_many_variants_it_tests(tmp_path, capsys):
    from biochemml.protein_train import train_variant_model

    from protein_helpers import WT

    rng = np.random.RandomState(0)
    variants = []
    for _ in range(200):  # triple mutants: most touch one of the held-out positions
        pos = sorted(rng.choice(len(WT), 3, replace=False))
        variants.append(":".join(f"{WT[p]}{p}{'A' if WT[p] != 'A' else 'G'}" for p in pos))
    pd.DataFrame({"variant": variants, "score": rng.normal(size=200)}).to_csv(
        tmp_path / "v.csv", index=False)
    metrics = train_variant_model(tmp_path / "v.csv", WT, model="additive", split="position",
                                  out=tmp_path / "run", baselines=False)
    n_test = metrics["test"]["n"]
    said = " ".join(capsys.readouterr().err.split())
    expected = ("(--test-size 0.2 is a fraction of the positions, not of the variants)")
    assert expected in said
    # variants counted once however often drawn (a few triples repeat), the rows beside
    saved = pd.read_csv(tmp_path / "run" / "predictions.csv")
    k, n = saved.loc[saved.split == "test", "variant"].nunique(), saved["variant"].nunique()
    rows = "" if (k, n) == (n_test, 200) else f"; {n_test} of the 200 rows"
    assert f"the test set holds {k} of the {n} variants ({k / n:.0%}{rows})" in said
    assert n_test / 200 > 0.4
    report = (tmp_path / "run" / "report.html").read_text()
    assert f"the test set holds {k} of the {n} variants" in report


def test_auto_fits_a_mutant_and_keeps_boosting_when_too_few_are_held_out():
    from biochemml.protein import SelectingRegressor

    from protein_helpers import WT

    # 34 wild-type replicates and 6 singles: 20 % of the rows had been every mutant
    variants = ["WT"] * 34 + [f"{WT[p]}{p + 1}A" for p in (3, 7, 11, 15, 19, 23)
                              if WT[p] != "A"]
    auto = SelectingRegressor(WT, offset=1, seed=0)
    held = auto._held_out(variants)
    assert not held[:34].any() and 1 <= held[34:].sum() < len(variants) - 34
    auto.fit(variants, np.random.default_rng(0).normal(size=len(variants)))
    # one held-out value has no R²: no choice by tie-break among NaN scores
    assert auto.choice_ == "boosting" and "too few training variants" in auto.describe()


def test_offset_hint_searches_every_offset():
    from biochemml.protein import apply_variants

    from protein_helpers import WT

    # numbered from 23 (a precursor with a signal peptide), read as 1-based
    named = [f"{WT[i]}{i + 23}A" for i in (3, 9, 17, 25)]
    with pytest.raises(InputError, match=r"all residues match with offset 23 \(--offset 23\)"):
        apply_variants(WT, named, offset=1)
    # one residue mistyped: most still match, and the hint says so
    wrong = named + [f"{'W' if WT[30] != 'W' else 'Y'}{30 + 23}A"]
    with pytest.raises(InputError, match=r"4 of the 5 listed wild-type residues match with "
                                         r"offset 23 \(--offset 23\): check the others"):
        apply_variants(WT, wrong, offset=1)
    # a position listed with two letters (a typo) cannot match both: not "all"
    clash = named + [f"{'W' if WT[9] != 'W' else 'Y'}{9 + 23}A"]
    with pytest.raises(InputError, match=r"4 of the 5 listed wild-type residues match"):
        apply_variants(WT, clash, offset=1)
    # a position far past the protein (a typo of several digits) costs no memory: the
    # search had allocated (positions x span) numbers, 16 GB here
    with pytest.raises(InputError, match="4 of the 5 listed wild-type residues match with "
                                         "offset 23"):
        apply_variants(WT, named + ["K4200000000A"], offset=1)


def test_split_with_a_split_column_is_refused(tem1, tmp_path, capsys):
    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    table = table.iloc[:60].assign(part=["test"] * 12 + ["train"] * 48)
    table.to_csv(tmp_path / "v.csv", index=False)
    with pytest.raises(InputError, match=r"the split column 'part' gives the test set itself, "
                                         r"so split 'position' \(--split\) would be ignored"):
        train_variant_model(tmp_path / "v.csv", wildtype, offset=1, split="position",
                            split_column="part", out=tmp_path / "run")
    base = ["train", "--task", "protein-variant", "--wildtype", wildtype, "--data",
            str(tmp_path / "v.csv"), "--offset", "1", "--model", "additive",
            "--split-column", "part"]
    assert main(base + ["--split", "random", "--out", str(tmp_path / "a")]) != 0
    assert "split 'random' (--split) would be ignored" in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "a").exists()
    # the split column alone is the test set
    assert main(base + ["--out", str(tmp_path / "b")]) == 0
    assert json.loads((tmp_path / "b" / "metrics.json").read_text())["test"]["n"] == 12


@pytest.mark.parametrize("written", ["H24C:E26A", "H24C E26A", "H24C/E26A", "H24C+E26A",
                                     "H24C, E26A", "His24Cys;Glu26Ala", "H24c:E26a",
                                     "h24C e26A", "p.[His24Cys;Glu26Ala]", "HIS24CYS/e26a"])
def test_variant_notations_are_read_alike(written):
    from biochemml.protein import parse_variant

    assert [str(m) for m in parse_variant(written)] == ["H24C", "E26A"]


def test_an_unreadable_variant_names_the_separators(tmp_path):
    from biochemml.protein import apply_variants

    with pytest.raises(InputError) as info:
        apply_variants("MSIQHFRVALIPFFAAFCLPVFAHPETLVKV", ["H5C|F6A"], offset=1)
    assert "separated by ',' ':' ';' '/' '+' or a space" in info.value.message


def _strict_json(path):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(path.read_text(), parse_constant=refuse)


def test_a_constant_target_says_why_scores_are_undefined_and_writes_strict_json(tem1, tmp_path,
                                                                                capsys):
    from biochemml.protein_train import evaluate_variant_model, train_variant_model

    table, wildtype = tem1
    table.iloc[:60].assign(score=1.0).to_csv(tmp_path / "v.csv", index=False)
    train_variant_model(tmp_path / "v.csv", wildtype, offset=1, model="additive",
                        out=tmp_path / "run", baselines=False)
    metrics = _strict_json(tmp_path / "run" / "metrics.json")
    assert metrics["test"]["r2"] is None and metrics["test"]["mae"] == pytest.approx(0, abs=1e-6)
    reason = "R², Pearson and Spearman are undefined (n/a) because the measured values do not vary"
    assert reason in (tmp_path / "run" / "report.html").read_text()
    assert reason in " ".join(capsys.readouterr().err.split())
    evaluate_variant_model(tmp_path / "run", tmp_path / "v.csv", out=tmp_path / "ev")
    assert _strict_json(tmp_path / "ev" / "metrics.json")["r2"] is None
    assert reason in (tmp_path / "ev" / "report.html").read_text()


def test_config_keeps_unicode_and_absolute_paths(tem1, tmp_path, monkeypatch):
    import yaml

    from biochemml import datasets
    from biochemml.protein_train import train_variant_model

    table, wildtype = tem1
    table.iloc[:60].rename(columns={"score": "Δfitness"}).to_csv(tmp_path / "v.csv",
                                                                  index=False)
    pdb = datasets.structure_path("tem1")
    (tmp_path / "wt.pdb").write_bytes(pdb.read_bytes())
    monkeypatch.chdir(tmp_path)  # relative paths, as typed in a terminal
    train_variant_model("v.csv", wildtype, target_column="Δfitness", structure="wt.pdb",
                        offset=1, model="additive", out="run", baselines=False)
    text = (tmp_path / "run" / "config.yaml").read_text(encoding="utf-8")
    assert "target_column: Δfitness" in text
    config = yaml.safe_load(text)
    assert config["data"] == str(tmp_path.resolve() / "v.csv")
    assert config["structure"] == str(tmp_path.resolve() / "wt.pdb")


@pytest.fixture(scope="module")
def tem1_atoms():
    """The ATOM lines of the TEM-1 AlphaFold model (chain A, residues 1..286)."""
    if not os.environ.get("BIOCHEMML_DATA"):
        pytest.skip("needs BIOCHEMML_DATA (the shared data sets)")
    from biochemml import datasets

    return [line for line in datasets.structure_path("tem1").read_text().splitlines()
            if line.startswith("ATOM")]


def test_structure_features_keeps_insertion_codes(tem1_atoms, tmp_path):
    # residue 60 renumbered 59A, as a structure numbered after a homologue writes it
    lines = [line[:22] + "  59A" + line[27:] if int(line[22:26]) == 60 else line
             for line in tem1_atoms]
    (tmp_path / "icode.pdb").write_text("\n".join(lines) + "\nEND\n")
    assert main(["structure-features", "--structure", str(tmp_path / "icode.pdb"), "--out",
                 str(tmp_path / "f.csv")]) == 0
    table = pd.read_csv(tmp_path / "f.csv", keep_default_na=False, dtype={"insertion": str})
    at59 = table[table["number"] == 59]
    assert at59["insertion"].tolist() == ["", "A"]
    assert not table.duplicated(["chain", "number", "insertion"]).any()


def test_structure_features_takes_a_chain(tem1_atoms, tmp_path, capsys):
    chain_b = [line[:21] + "B" + line[22:] for line in tem1_atoms]
    (tmp_path / "two.pdb").write_text("\n".join(tem1_atoms + ["TER"] + chain_b) + "\nEND\n")
    assert main(["structure-features", "--structure", str(tmp_path / "two.pdb"), "--chain",
                 "B", "--out", str(tmp_path / "b.csv")]) == 0
    table = pd.read_csv(tmp_path / "b.csv")
    assert len(table) == 286 and set(table["chain"]) == {"B"}
    assert main(["structure-features", "--structure", str(tmp_path / "two.pdb"), "--chain",
                 "C", "--out", str(tmp_path / "c.csv")]) != 0
    assert "has no protein chain 'C'; its chains are A, B" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()


def test_a_damaged_protein_run_folder_is_one_sentence(tem1_run, tmp_path):
    import shutil

    from biochemml.errors import ModelError
    from biochemml.protein_train import predict_variant_model

    run, table, _ = tem1_run
    table.head(3).to_csv(tmp_path / "new.csv", index=False)
    cut = tmp_path / "cut"
    shutil.copytree(run, cut)
    data = (cut / "model.pkl").read_bytes()
    (cut / "model.pkl").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match=r"model.pkl cannot be read \(UnpicklingError: cut "
                                         r"short, or written by another version"):
        predict_variant_model(cut, tmp_path / "new.csv")
    lacking = tmp_path / "lacking"
    shutil.copytree(run, lacking)
    text = (lacking / "config.yaml").read_text()
    (lacking / "config.yaml").write_text("\n".join(line for line in text.splitlines()
                                                   if not line.startswith("wildtype:")))
    with pytest.raises(ModelError, match="config.yaml is damaged .*: it lacks wildtype"):
        predict_variant_model(lacking, tmp_path / "new.csv")
    (lacking / "model.pkl").unlink()
    assert main(["predict", "--model", str(lacking), "--data", str(tmp_path / "new.csv"),
                 "--out", str(tmp_path / "p.csv")]) == 1
