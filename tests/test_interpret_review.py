"""Fixes from a user review of `biochemml interpret` and `biochemml design`."""
import numpy as np
import pandas as pd
import pytest

from biochemml import InputError
from biochemml.cli import main


@pytest.fixture(scope="module")
def two_targets(two_target_run):
    """The shared two-target run (conftest), with the folder of its training table."""
    run, seqs = two_target_run
    return run.parent, run, seqs


def test_design_asks_for_the_target_before_any_work(two_targets, capsys, monkeypatch):
    from biochemml import progress
    from biochemml.design import evolve

    monkeypatch.setattr(progress, "_QUIET", False)
    folder, run, seqs = two_targets
    out = folder / "designs.csv"
    code = main(["design", "--model", str(run), "--data", str(folder / "t.csv"), "--out", str(out),
                 "--rounds", "2"])
    err = capsys.readouterr().err
    assert code != 0 and "name the one to design for (gfp or rfp" in err
    assert "explain" not in err and "Round 1" not in err and not out.exists()
    with pytest.raises(InputError, match="name the one to design for"):
        evolve(run, seqs[:2], rounds=1, progress=True)
    assert "Round 1" not in capsys.readouterr().err
    # named, it designs
    assert main(["design", "--model", str(run), "--data", str(folder / "t.csv"), "--out", str(out),
                 "--rounds", "1", "--output", "gfp"]) == 0


def test_interpret_asks_for_the_target_before_reading_the_table(two_targets, capsys,
                                                                 monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    folder, run, _ = two_targets
    code = main(["interpret", "--model", str(run), "--data", str(folder / "t.csv"),
                 "--out", str(folder / "explained"), "--limit", "1"])
    err = capsys.readouterr().err
    assert code != 0 and "name the one to explain (gfp or rfp" in err
    assert "Mutating" not in err and not (folder / "explained").exists()


@pytest.fixture(scope="module")
def rna_run(tmp_path_factory):
    """The course's CCGGAA data written as lower-case RNA (u), with a `library` column whose
    names repeat, and a lecture CNN trained on it."""
    from biochemml.simulate import lecture_pwm, motif_dataset

    folder = tmp_path_factory.mktemp("review_rna")
    df = motif_dataset(lecture_pwm(), 250, 250, seed=11)
    df["sequence"] = df.sequence.str.replace("T", "U").str.lower()
    df["library"] = ["random", "random", "human", "random"] * (len(df) // 4)
    df.to_csv(folder / "train.csv", index=False)
    run = folder / "run"
    assert main(["--quiet", "train", "--data", str(folder / "train.csv"), "--target-column",
                 "label", "--task", "classification", "--model", "lecture-cnn", "--epochs", "5",
                 "--out", str(run)]) == 0
    return folder, run, df


def test_repeated_ids_are_numbered_as_the_figures_are(rna_run, capsys, monkeypatch):
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    folder, run, df = rna_run
    out = folder / "dup"
    assert main(["interpret", "--model", str(run), "--data", str(folder / "train.csv"),
                 "--out", str(out), "--id-column", "library", "--limit", "4",
                 "--plots", "4"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(out / "mutagenesis.csv")
    ids = ["random", "random_2", "human", "random_3"]
    assert table.id.unique().tolist() == ids
    assert table.groupby("id", sort=False).size().tolist() == [20 * 3] * 4
    for name in ids:
        assert (out / "figures" / f"mutagenesis_{name}.png").exists()
    # the terminal says it once, and its lines name each sequence apart
    err = " ".join(captured.err.split())  # the note is wrapped to the terminal
    assert err.count("the same name to several sequences") == 1
    assert "Column 'library'" in err and "(random, random_2, random_3)" in err
    printed = [line.split(":")[0].strip() for line in captured.out.splitlines()
               if "most important positions" in line]
    assert printed == ids


def test_distinct_ids_skip_names_the_table_holds():
    from biochemml.interpret.folder import _distinct_ids

    assert _distinct_ids(["a", "a_2", "a", "b", "a"]).tolist() == ["a", "a_2", "a_3", "b", "a_4"]
    assert _distinct_ids(["x", "y"]).tolist() == ["x", "y"]


def test_design_keeps_the_letters_and_case_of_the_table(rna_run, capsys):
    import re

    from biochemml.design import evolve

    folder, run, df = rna_run
    starts = df[df.label == 0].head(4)
    starts.to_csv(folder / "starts.csv", index=False)
    out = folder / "designs.csv"
    assert main(["design", "--model", str(run), "--data", str(folder / "starts.csv"),
                 "--out", str(out), "--rounds", "2"]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    assert table.sequence.tolist() == starts.sequence.tolist()
    assert (table.n_mutations > 0).any()
    for start, design, mutations in zip(table.sequence, table.design, table.mutations):
        assert design == design.lower() and "t" not in design and len(design) == len(start)
        changed = [i for i, (a, b) in enumerate(zip(start, design)) if a != b]
        # mutations name the changes in capitals, with U (A16U), as biologists write them
        assert sorted(int(m[1:-1]) - 1 for m in mutations.split()) == changed
        assert all(re.fullmatch(r"[ACGU]\d+[ACGU]", m) for m in mutations.split())
    # in Python too; a soft-masked (lower-case) stretch stays lower case
    mixed = "ACGU" + starts.sequence.iloc[0][4:]
    row = evolve(run, [mixed], rounds=2, max_mutations=2).iloc[0]
    assert row.start == mixed
    assert [c.islower() for c in row.design] == [c.islower() for c in mixed]
    assert row.design.upper().replace("T", "U") == row.design.upper()


def test_an_rna_table_gives_rna_filter_motifs(rna_run):
    from biochemml.interpret import filter_motifs
    from biochemml.motifs import read

    folder, run, df = rna_run
    out = folder / "motifs"
    assert main(["--quiet", "interpret", "--model", str(run), "--data",
                 str(folder / "train.csv"), "--out", str(out), "--limit", "1"]) == 0
    summary = pd.read_csv(out / "filter_motifs.csv")
    assert len(summary) and not summary.consensus.str.contains("[Tt]").any()
    assert summary.consensus.str.contains("[Uu]").any()
    meme = (out / "filter_motifs.meme").read_text()
    # MEME's RNA alphabet, and one strand: a reporter mRNA has no reverse complement
    assert "ALPHABET= ACGU" in meme and "strands: +\n" in meme and "strands: + -" not in meme
    assert "A 0.25 C 0.25 G 0.25 U 0.25" in meme
    motifs = read(out / "filter_motifs.meme")
    assert {m.alphabet.name for m in motifs} == {"rna"}
    assert [m.name for m in motifs] == summary["filter"].tolist()
    # in Python: the letters of the sequences given, U or T, from the same model
    assert filter_motifs(run, df.sequence)[0].alphabet.name == "rna"
    dna = filter_motifs(run, df.sequence.str.upper().str.replace("U", "T"))
    assert dna[0].alphabet.name == "dna"


def test_meme_files_give_rna_motifs_one_strand(tmp_path):
    from biochemml.motifs import PWM, read, write

    rna = PWM.from_instances(["CCGGAA", "CCGGAU"], alphabet="rna", name="r1")
    text = write([rna], tmp_path / "r.meme").read_text()
    assert "ALPHABET= ACGU\n\nstrands: +\n" in text
    assert read(tmp_path / "r.meme")[0].alphabet.name == "rna"
    dna = PWM.from_instances(["CCGGAA"], alphabet="dna", name="d1")
    assert "strands: + -" in write([dna], tmp_path / "d.meme").read_text()


def test_python_mutagenesis_of_a_run_folder_explains_its_positive_class(rna_run, tmp_path):
    """The CLI explains a run's positive class; Python, given the same run folder, explained
    the second class whatever the run had chosen."""
    import shutil

    import yaml

    from biochemml.design import evolve
    from biochemml.interpret import mutagenesis

    _, run, df = rna_run
    seqs = df.sequence.tolist()[:2]
    assert mutagenesis(run, seqs).output == "log-odds of class 1"  # the run's positive
    flipped = tmp_path / "run"
    shutil.copytree(run, flipped)
    cfg = yaml.safe_load((flipped / "config.yaml").read_text())
    cfg["positive"] = 0
    (flipped / "config.yaml").write_text(yaml.safe_dump(cfg))
    by_folder = mutagenesis(flipped, seqs)
    assert by_folder.output == "log-odds of class 0"
    # the effects on class 0's log-odds are those on class 1's, negated
    np.testing.assert_allclose(by_folder.effects, -mutagenesis(run, seqs).effects, atol=1e-4)
    # a fitted estimator knows no run: the second class, as documented; an explicit output wins
    from biochemml.runs import load_run_model

    assert mutagenesis(load_run_model(flipped), seqs).output == "log-odds of class 1"
    assert mutagenesis(flipped, seqs, output=1).output == "log-odds of class 1"
    # design raises the positive class too
    start = evolve(flipped, seqs[:1], rounds=1)
    assert start.filter(like="start_").columns[0] == "start_log_odds_0"
