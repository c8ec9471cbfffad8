"""The sequence commands: simulate, encode, motif scan; user mistakes are one line, exit 1."""
import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main
from biochemml.encode import kmer_counts, one_hot
from biochemml.motifs import find_hits, jaspar


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(capsys, *argv, match):
    code, out, err = run(capsys, *argv)
    assert code == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert match in lines[0], lines[0]
    assert "Traceback" not in out + err


@pytest.fixture
def seq_table(tmp_path):
    path = tmp_path / "seqs.csv"
    pd.DataFrame({"sequence": ["ACGTAC", "ttgaca", "CCGGAA"], "y": [1, 2, 3]}).to_csv(path, index=False)
    return path


def test_help_lists_the_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("simulate", "encode", "motif"):
        assert command in out


def test_simulate_writes_the_lecture_data(capsys, tmp_path):
    out = tmp_path / "sim" / "data.csv"
    code, text, _ = run(capsys, "simulate", "--out", str(out), "--n-positive", "50",
                        "--n-negative", "30", "--seed", "3")
    assert code == 0
    df = pd.read_csv(out)
    assert len(df) == 80 and df.label.sum() == 50 and set(df.sequence.str.len()) == {20}
    assert "Bayes-optimal" in text
    code, _, _ = run(capsys, "simulate", "--out", str(tmp_path / "d.parquet"), "--n-positive", "5",
                     "--n-negative", "5", "--position", "-1", "--length", "30")
    assert code == 0 and pd.read_parquet(tmp_path / "d.parquet").sequence.str.len().eq(30).all()


def test_encode_one_hot_and_kmers(capsys, tmp_path, seq_table):
    npy = tmp_path / "x.npy"
    code, text, _ = run(capsys, "encode", "--data", str(seq_table), "--out", str(npy))
    assert code == 0 and "(3, 6, 4)" in text
    x = np.load(npy)
    assert x.dtype == np.uint8 and np.array_equal(x, one_hot(["ACGTAC", "TTGACA", "CCGGAA"]))
    left = tmp_path / "left.npy"
    run(capsys, "encode", "--data", str(seq_table), "--out", str(left), "--length", "8", "--pad", "left")
    assert np.load(left).shape == (3, 8, 4) and not np.load(left)[:, :2].any()
    kmers = tmp_path / "k.csv"
    code, _, _ = run(capsys, "encode", "--data", str(seq_table), "--out", str(kmers), "--kmer", "2")
    df = pd.read_csv(kmers)
    assert code == 0 and list(df.columns[:3]) == ["sequence", "AA", "AC"]
    assert list(df.sequence) == ["ACGTAC", "ttgaca", "CCGGAA"]
    assert np.array_equal(df.iloc[:, 1:].to_numpy(), kmer_counts(["ACGTAC", "TTGACA", "CCGGAA"], 2))


def test_motif_scan_finds_a_planted_site(capsys, tmp_path):
    spi1 = jaspar("MA0080")
    rng = np.random.default_rng(0)
    background = "".join(rng.choice(list("ACGT"), 60))
    fasta = tmp_path / "s.fa"
    fasta.write_text(f">plain\n{background}\n>planted\n{background[:20]}{spi1.consensus}{background[20:]}\n")
    out = tmp_path / "hits.csv"
    code, text, _ = run(capsys, "motif", "scan", "--motifs", "jaspar:MA0080", "--seqs", str(fasta),
                        "--out", str(out))
    assert code == 0 and "hits of 1 motif(s) in 2 sequences" in text
    hits = pd.read_csv(out)
    expected = find_hits(spi1, [background, background[:20] + spi1.consensus + background[20:]])
    assert len(hits) == len(expected)
    planted = hits[(hits.sequence_id == "planted") & (hits.start == 20) & (hits.strand == "+")]
    assert len(planted) == 1 and planted.pvalue.iloc[0] < 1e-4
    code, text, _ = run(capsys, "motif", "scan", "--motifs", "jaspar:MA0080", "--seqs", str(fasta),
                        "--best")
    assert code == 0 and "planted" in text and "2 best windows" in text
    plain = tmp_path / "plain.fa"
    plain.write_text(f">plain\n{'A' * 40}\n")
    code, text, _ = run(capsys, "motif", "scan", "--motifs", "jaspar:MA0080", "--seqs", str(plain))
    assert code == 0 and "Empty DataFrame" not in text
    assert text.strip().splitlines()[-1].startswith("0 hits of 1 motif(s) in 1 sequences (p <= ")


def test_user_mistakes_are_one_line_errors(capsys, tmp_path, seq_table):
    missing = str(tmp_path / "missing.csv")
    assert_user_error(capsys, "encode", "--data", missing, "--out", str(tmp_path / "x.npy"),
                      match="does not exist")
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"sequence": ["ACGT", "ACQT"]}).to_csv(bad, index=False)
    assert_user_error(capsys, "encode", "--data", str(bad), "--out", str(tmp_path / "x.npy"),
                      match="row 3, column 'sequence'")
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "x.npy"),
                      "--sequence-column", "seq", match="has no column 'seq'")
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "x.npy"),
                      "--length", "4", match=f"file {seq_table}, row 2, column 'sequence': the "
                      "sequence is 6 long, longer than --length 4 (3 sequences in all): add "
                      "--truncate right (keep the start) or --truncate left")
    fasta = tmp_path / "new.fa"
    fasta.write_text(">a\nACG\n>b\nACGTACGT\n")
    assert_user_error(capsys, "encode", "--data", str(fasta), "--out", str(tmp_path / "x.npy"),
                      "--length", "4", match=f"file {fasta}, record 2 (line 3), column "
                      "'sequence': the sequence is 8 long, longer than --length 4: add")
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "x.npy"),
                      "--pad", "middle", match="pad must be")
    # options that would do nothing are refused, not ignored
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "x.npy"),
                      "--truncate", "left", match="--truncate cuts sequences longer than "
                      "--length: give --length too")
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "x.npy"),
                      "--length", "0", match="--length must be at least 1, not 0")
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "k.csv"),
                      "--kmer", "2", "--length", "4", match="--length shapes one-hot arrays")
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "k.csv"),
                      "--kmer", "2", "--pad", "left", match="--pad shapes one-hot arrays")
    assert not (tmp_path / "x.npy").exists() and not (tmp_path / "k.csv").exists()
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "x.csv"),
                      match=".npy")
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "k.csv"),
                      "--kmer", "9", match="k must be an integer from 1 to 6")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert_user_error(capsys, "encode", "--data", str(empty), "--out", str(tmp_path / "x.npy"),
                      match="the file is empty")
    assert_user_error(capsys, "simulate", "--out", str(tmp_path / "x.json"), match="cannot write")
    assert_user_error(capsys, "simulate", "--out", str(tmp_path / "x.csv"), "--position", "30",
                      match="position must be between")
    assert not (tmp_path / "x.csv").exists()
    assert_user_error(capsys, "motif", "scan", "--motifs", "jaspar:MA9999.9", "--seqs",
                      str(seq_table), match="JASPAR has no motif")
    assert_user_error(capsys, "motif", "scan", "--motifs", str(tmp_path / "none.meme"), "--seqs",
                      str(seq_table), match="the motif file does not exist")
    assert_user_error(capsys, "motif", "scan", "--motifs", "lecture:CCGGAA", "--seqs",
                      str(seq_table), "--pvalue", "2", match="p-value must be in")
    dup = tmp_path / "dup.csv"
    dup.write_text("rbs,te,te\nACGT,1,2\nGGCA,3,4\n")
    code, out, err = run(capsys, "train", "--data", str(dup), "--sequence-column", "rbs",
                         "--target-column", "te", "--task", "regression",
                         "--out", str(tmp_path / "r"))
    assert code == 1 and err == f"Error: file {dup}: column 'te' appears twice (columns 2 " \
                                "and 3); give each column its own name\n"
    fasta = tmp_path / "x.fasta"
    fasta.write_text(">a\nACGT\n>b\nGGCA\n")
    assert_user_error(capsys, "train", "--data", str(fasta), "--target-column", "te", "--task",
                      "regression", "--out", str(tmp_path / "r"),
                      match="its columns are: id, sequence. A FASTA file carries values in its "
                            "headers: '>seq1 te=0.53' gives a column 'te'")
    assert not (tmp_path / "r").exists()
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert_user_error(capsys, "simulate", "--out", str(blocked / "x.csv"), "--n-positive", "2",
                      "--n-negative", "2", match="could not be written")


def test_motif_help_names_only_the_commands_that_exist(capsys):
    code, out, _ = run(capsys, "motif", "--help")
    assert code == 0 and "scan" in out
    assert "convert" not in out


def test_a_typo_in_the_sequence_column_gets_a_did_you_mean(capsys, seq_table, tmp_path):
    assert_user_error(capsys, "encode", "--data", str(seq_table), "--out", str(tmp_path / "x.npy"),
                      "--sequence-column", "seq", match="(did you mean 'sequence'?)")


def test_kmer_table_keeps_the_id_and_sequence_to_join_back(capsys, tmp_path):
    fasta = tmp_path / "s.fa"
    fasta.write_text(">a gfp=1\nACGT\n>b gfp=2\nGGCA\n")
    out = tmp_path / "k.tsv"
    code, _, _ = run(capsys, "encode", "--data", str(fasta), "--out", str(out), "--kmer", "1")
    df = pd.read_csv(out, sep="\t")
    assert code == 0 and list(df.columns) == ["id", "sequence", "A", "C", "G", "T"]
    assert list(df.id) == ["a", "b"] and list(df.sequence) == ["ACGT", "GGCA"]
    assert df[["A", "C", "G", "T"]].to_numpy().tolist() == [[1, 1, 1, 1], [1, 1, 2, 0]]
