"""`biochemml motif scan`: what its table means, and what it says about odd input."""
import numpy as np
import pandas as pd
import pytest

from biochemml import progress
from biochemml.cli import main


@pytest.fixture(autouse=True)
def _not_quiet(monkeypatch):
    monkeypatch.setattr(progress, "_QUIET", False)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def scan(capsys, *argv):
    return run(capsys, "motif", "scan", "--motifs", "lecture:CCGGAA", *argv)


def test_help_says_start_is_0_based_and_end_exclusive(capsys):
    code, out, _ = run(capsys, "motif", "scan", "--help")
    text = " ".join(out.split())
    assert code == 0 and "start is 0-based and end exclusive" in text
    assert "--id-column" in text


def test_a_table_without_id_names_hits_by_file_row_or_by_id_column(capsys, tmp_path):
    table = tmp_path / "s.csv"
    table.write_text("name,sequence\nfirst,AACCGGAATT\nsecond,GGGGCCGGAAGG\n")
    out = tmp_path / "hits.csv"
    code, _, err = scan(capsys, "--seqs", str(table), "--pvalue", "0.001", "--out", str(out))
    assert code == 0 and "no 'id' column" in err and "--id-column" in err
    hits = pd.read_csv(out)
    assert hits.sequence_row.tolist() == [2, 3]  # the rows a spreadsheet shows
    assert "start is 0-based and end exclusive" in err
    assert hits.start.tolist() == [2, 4] and hits.end.tolist() == [8, 10]
    code, _, err = scan(capsys, "--seqs", str(table), "--pvalue", "0.001", "--out", str(out),
                        "--id-column", "name")
    assert code == 0 and "no 'id' column" not in err
    assert pd.read_csv(out).sequence_id.tolist() == ["first", "second"]
    code, _, err = scan(capsys, "--seqs", str(table), "--id-column", "nam")
    assert code == 1 and f"file {table}: has no column 'nam'" in err and "did you mean 'name'" in err


def test_fasta_hits_keep_the_record_names(capsys, tmp_path):
    fasta = tmp_path / "s.fa"
    fasta.write_text(">one\nAACCGGAATT\n>two\nGGGGCCGGAAGG\n")
    code, out, err = scan(capsys, "--seqs", str(fasta), "--pvalue", "0.001")
    assert code == 0 and "sequence_id" in out and "one" in out and "no 'id' column" not in err


def test_sequences_shorter_than_the_motif_give_0_hits_and_a_note_naming_the_file(capsys, tmp_path):
    fasta = tmp_path / "short.fa"
    fasta.write_text(">a\nCCGG\n>b\nGGA\n")
    code, out, err = scan(capsys, "--seqs", str(fasta), "--pvalue", "0.001")
    assert code == 0 and out.strip().splitlines()[-1].startswith("0 hits of 1 motif(s)")
    assert f"Every sequence in {fasta} is shorter than the motif" in err and "Error" not in err
    code, out, err = scan(capsys, "--seqs", str(fasta), "--best", "--out", str(tmp_path / "b.csv"))
    best = pd.read_csv(tmp_path / "b.csv")
    assert code == 0 and best.note.tolist() == ["shorter than the motif"] * 2
    assert best.start.isna().all() and "column note" in err
    fasta.write_text(">a\nCCGG\n>b\nGGACCGGAA\n")
    code, out, err = scan(capsys, "--seqs", str(fasta), "--best", "--out", str(tmp_path / "b.csv"))
    best = pd.read_csv(tmp_path / "b.csv", keep_default_na=False)
    assert code == 0 and best.note.tolist() == ["shorter than the motif", ""]
    assert f"1 of 2 sequences in {fasta} are shorter than the motif" in err


def test_rna_scans_the_given_strand_and_says_so(capsys, tmp_path):
    fasta = tmp_path / "mrna.fa"
    fasta.write_text(">m1\nGGGACCGGAAGGG\n>m2\nGGUUCCGGUCCCGGG\n")
    code, out, err = scan(capsys, "--seqs", str(fasta), "--pvalue", "0.001", "--out",
                          str(tmp_path / "h.csv"))
    hits = pd.read_csv(tmp_path / "h.csv")
    assert code == 0 and hits.sequence_id.tolist() == ["m1"] and set(hits.strand) == {"+"}
    assert "given strand only: the sequences hold U (RNA)" in err and "--both-strands" in err
    code, out, err = scan(capsys, "--seqs", str(fasta), "--pvalue", "0.001", "--out",
                          str(tmp_path / "h.csv"), "--both-strands")
    assert code == 0 and len(pd.read_csv(tmp_path / "h.csv")) == 2 and "given strand" not in err
    rbp = tmp_path / "rbp.jaspar"
    rbp.write_text(">R1 rbp\nA [0 0 0 0 9 9]\nC [9 9 0 0 0 0]\nG [0 0 9 9 0 0]\nU [0 0 0 0 0 0]\n")
    dna = tmp_path / "dna.fa"
    dna.write_text(">d\nGGTTCCGGTCCCGGG\n")
    code, out, err = run(capsys, "motif", "scan", "--motifs", str(rbp), "--seqs", str(dna),
                         "--pvalue", "0.001")
    assert code == 0 and "0 hits" in out and "the motifs are RNA motifs" in err


def test_an_alphabet_mismatch_is_an_error_naming_the_file(capsys, tmp_path):
    protein = tmp_path / "p.fa"
    protein.write_text(">p1\nMKVLAAGIELPQRST\n")
    code, out, err = scan(capsys, "--seqs", str(protein))
    assert code == 1 and f"file {protein}, record 1 (line 1)" in err
    assert "alphabet mismatch: the motifs are DNA motifs" in err and "--alphabet" not in err
    meme = tmp_path / "kinase.meme"
    meme.write_text("MEME version 4\n\nALPHABET= ACDEFGHIKLMNPQRSTVWY\n\nMOTIF K1 kinase\n"
                    "letter-probability matrix: alength= 20 w= 2 nsites= 20 E= 0\n"
                    + (" " + " ".join(["0.05"] * 20) + "\n") * 2)
    dna = tmp_path / "dna.fa"
    dna.write_text(">d\nGGTTCCGGTCCCGGGACGTACGT\n")
    code, out, err = run(capsys, "motif", "scan", "--motifs", str(meme), "--seqs", str(dna))
    assert code == 1 and f"file {dna}: alphabet mismatch: the motifs are protein motifs" in err
    code, out, err = run(capsys, "motif", "scan", "--motifs", str(meme), "--seqs", str(dna),
                         "--best")  # the scan's own check, with the file named
    assert code == 1 and f"file {dna}: alphabet mismatch: the motifs are protein motifs" in err


def test_a_meme_files_background_is_used_and_said_and_background_overrides_it(capsys, tmp_path):
    meme = tmp_path / "at.meme"
    meme.write_text("MEME version 4\n\nALPHABET= ACGT\n\nBackground letter frequencies\n"
                    "A 0.4 C 0.1 G 0.1 T 0.4\n\nMOTIF M1 gc\n\n"
                    "letter-probability matrix: alength= 4 w= 4 nsites= 10 E= 0\n"
                    " 0.05 0.85 0.05 0.05\n 0.05 0.05 0.85 0.05\n 0.05 0.85 0.05 0.05\n"
                    " 0.05 0.05 0.85 0.05\n")
    fasta = tmp_path / "s.fa"
    fasta.write_text(">s\nAAAACGCGAAAA\n")

    def best_score(*extra):
        code, out, err = run(capsys, "motif", "scan", "--motifs", str(meme), "--seqs", str(fasta),
                             "--best", "--out", str(tmp_path / "b.csv"), *extra)
        assert code == 0, err
        return pd.read_csv(tmp_path / "b.csv").score[0], err

    p = 0.85  # a matrix without zeros is read as written (0.2 pseudocounts fill zeros only)
    own, err = best_score()
    assert "background letter frequencies of the motif file (A 0.4, C 0.1, G 0.1, T 0.4)" in err
    assert own == pytest.approx(4 * np.log2(p / 0.1))
    uniform, err = best_score("--background", "uniform")
    assert uniform == pytest.approx(4 * np.log2(p / 0.25)) and "motif file" not in err
    given, _ = best_score("--background", "A=0.3,C=0.2,G=0.2,T=0.3")
    assert given == pytest.approx(4 * np.log2(p / 0.2))
    code, _, err = run(capsys, "motif", "scan", "--motifs", str(meme), "--seqs", str(fasta),
                       "--background", "A=0.3,C=0.2")
    assert code == 1 and "--background 'A=0.3,C=0.2' gives no frequency for G, T" in err
    for bad in ("A=0,C=0.2,G=0.2,T=0.3", "A=x,C=0.2,G=0.2,T=0.3", "A=nan,C=1,G=1,T=1",
                "X=0.1,A=0.3,C=0.2,G=0.2,T=0.3", "A0.3,C=0.2,G=0.2,T=0.3"):
        code, _, err = run(capsys, "motif", "scan", "--motifs", str(meme), "--seqs", str(fasta),
                           "--background", bad)
        assert code == 1 and f"--background '{bad}' is not 'uniform' or letter=frequency " \
            "pairs such as 'A=0.3,C=0.2,G=0.2,T=0.3' (positive numbers for A, C, G, T)" in err
    # U stands for T (and T for U with RNA motifs)
    as_u, _ = best_score("--background", "a=0.3, c=0.2, g=0.2, u=0.3")
    assert as_u == pytest.approx(given)
