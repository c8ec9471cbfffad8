"""Encoding: one-hot round trips, padding and truncation, unknown symbols, k-mer counts."""
import doctest
import itertools

import numpy as np
import pytest

from biochemml import alphabets, encode
from biochemml.encode import decode, kmer_counts, kmer_names, one_hot, to_codes
from biochemml.errors import InputError


def random_seqs(rng, symbols, n, low, high):
    return ["".join(rng.choice(list(symbols), rng.integers(low, high + 1))) for _ in range(n)]


@pytest.mark.parametrize("name", ["dna", "rna", "protein", "protein-stop"])
def test_round_trip_on_random_sequences(name):
    alpha = alphabets.get_alphabet(name)
    rng = np.random.default_rng(1)
    seqs = random_seqs(rng, alpha.symbols, 200, 20, 20)
    x = one_hot(seqs, name)
    assert x.shape == (200, 20, alpha.size) and x.dtype == np.float32
    assert (x.sum(axis=-1) == 1).all()
    assert decode(x, name) == seqs
    # each channel is the symbol at that position, in the alphabet's order
    i, j = 7, 11
    assert alpha.symbols[int(x[i, j].argmax())] == seqs[i][j]


@pytest.mark.parametrize("name", ["dna", "rna", "protein", "protein-stop"])
def test_ragged_round_trip_with_padding_on_either_side(name):
    alpha = alphabets.get_alphabet(name)
    rng = np.random.default_rng(2)
    seqs = random_seqs(rng, alpha.symbols, 100, 1, 30)
    longest = max(map(len, seqs))
    for pad in ("right", "left"):
        x = one_hot(seqs, name, pad=pad, dtype=np.uint8)
        assert x.shape == (100, longest, alpha.size) and x.dtype == np.uint8
        assert decode(x, name) == seqs
    short = min(range(100), key=lambda i: len(seqs[i]))
    n = len(seqs[short])
    right = one_hot(seqs, name, pad="right")[short]
    left = one_hot(seqs, name, pad="left")[short]
    assert right[:n].any(axis=-1).all() and not right[n:].any()
    assert left[longest - n:].any(axis=-1).all() and not left[:longest - n].any()


def test_single_string_gives_two_dimensions_and_lower_case_is_accepted():
    x = one_hot("acgTN")
    assert x.shape == (5, 4)
    assert np.array_equal(x[:4], np.eye(4))
    assert not x[4].any()  # N -> zeros by default
    assert np.array_equal(one_hot("acgt"), one_hot("ACGT"))


def test_unknown_symbols_as_zeros_or_uniform():
    zeros = one_hot(["ANT"], unknown="zeros")[0]
    uniform = one_hot(["ANT"], unknown="uniform")[0]
    assert zeros[1].tolist() == [0, 0, 0, 0]
    assert uniform[1].tolist() == [0.25] * 4
    protein = one_hot("AXY", "protein", unknown="uniform")
    assert np.allclose(protein[1], 1 / 20)
    assert decode(uniform, "dna") == "ANT"  # a tie decodes as N
    assert decode(one_hot("MXK", "protein", unknown="uniform"), "protein") == "MXK"
    with pytest.raises(InputError, match="uniform"):
        one_hot("ANT", unknown="uniform", dtype=np.uint8)
    with pytest.raises(InputError, match="unknown must be"):
        one_hot("ANT", unknown="half")


def test_dtypes_agree():
    rng = np.random.default_rng(3)
    seqs = random_seqs(rng, "ACGTN", 50, 5, 40)
    ref = one_hot(seqs, dtype=np.float64)
    for dtype in (np.float32, np.uint8, np.int64, bool, np.float16):
        got = one_hot(seqs, dtype=dtype)
        assert got.dtype == dtype and np.array_equal(got.astype(np.float64), ref)
    assert np.allclose(one_hot(seqs, unknown="uniform", dtype=np.float64),
                       one_hot(seqs, unknown="uniform", dtype=np.float32))


def test_length_and_truncation():
    seqs = ["ACGTAC", "GG"]
    with pytest.raises(InputError, match="sequence at index 0.*truncate"):
        one_hot(seqs, length=4)
    right = one_hot(seqs, length=4, truncate="right")
    left = one_hot(seqs, length=4, truncate="left")
    assert decode(right) == ["ACGT", "GG"]
    assert decode(left) == ["GTAC", "GG"]
    assert decode(one_hot(seqs, length=8, pad="left")) == seqs
    assert one_hot(seqs, length=8).shape == (2, 8, 4)


def test_equal_lengths_required_when_pad_is_none():
    with pytest.raises(InputError, match="sequence at index 2: has length 3 but sequence at index 0 has length 2"):
        to_codes(["AC", "GT", "ACG"], pad="none")


def test_inputs_of_several_kinds():
    import pandas as pd
    from Bio.Seq import Seq

    expected = one_hot(["ACG", "TTA"])
    assert np.array_equal(one_hot(("ACG", "TTA")), expected)
    assert np.array_equal(one_hot(np.array(["ACG", "TTA"])), expected)
    assert np.array_equal(one_hot(pd.Series(["ACG", "TTA"])), expected)
    assert np.array_equal(one_hot([Seq("ACG"), Seq("TTA")]), expected)
    assert np.array_equal(one_hot(b"ACG"), expected[0])


def test_rna_and_dna_accept_each_others_t_and_u():
    assert np.array_equal(one_hot("ACGU", "dna"), one_hot("ACGT", "dna"))
    assert np.array_equal(one_hot("ACGT", "rna"), one_hot("ACGU", "rna"))
    assert decode(one_hot("ACGU", "rna"), "rna") == "ACGU"


def test_invalid_symbol_names_sequence_symbol_and_position():
    with pytest.raises(InputError) as err:
        one_hot(["ACGT", "ACGT", "ACZT"])
    text = str(err.value)
    assert "sequence at index 2" in text and "'Z'" in text and "position 3" in text
    assert err.value.row == 2
    with pytest.raises(InputError, match="sequence at index 1.*'é'"):
        one_hot(["ACGT", "AéGT"])
    with pytest.raises(InputError, match="sequence at index 0.*'1'.*protein"):
        one_hot("MK1", "protein")
    assert not one_hot("ABC")[1].any()  # B is an IUPAC ambiguity code, not an error


def test_empty_inputs_are_errors():
    with pytest.raises(InputError, match="empty"):
        one_hot([])
    with pytest.raises(InputError, match="sequence at index 1: .*empty"):
        one_hot(["AC", ""])
    with pytest.raises(InputError, match="sequence at index 0: .*missing"):
        one_hot([None, "AC"])
    with pytest.raises(InputError, match="sequence at index 1: expected a string"):
        one_hot(["AC", 5])
    with pytest.raises(InputError, match="unknown alphabet"):
        one_hot("AC", alphabet="klingon")
    with pytest.raises(InputError, match="pad must be"):
        one_hot("AC", pad="middle")
    with pytest.raises(InputError, match="truncate must be"):
        one_hot("AC", truncate="both")


def test_decode_checks_shapes():
    with pytest.raises(InputError, match=r"\(L, 4\)"):
        decode(np.zeros((3, 5)))
    assert decode(np.zeros((2, 3, 4)), strip_padding=False) == ["NNN", "NNN"]


def naive_kmer_counts(seqs, k, symbols="ACGT"):
    names = ["".join(p) for p in itertools.product(symbols, repeat=k)]
    col = {w: i for i, w in enumerate(names)}
    out = np.zeros((len(seqs), len(names)))
    for i, s in enumerate(seqs):
        for j in range(len(s) - k + 1):
            if s[j:j + k] in col:  # words with N are not counted
                out[i, col[s[j:j + k]]] += 1
    return out


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_kmer_counts_match_a_naive_count(k):
    rng = np.random.default_rng(k)
    seqs = random_seqs(rng, "ACGTN", 30, 1, 60)
    dense = kmer_counts(seqs, k=k)
    assert np.array_equal(dense, naive_kmer_counts([s.upper() for s in seqs], k))
    sparse = kmer_counts(seqs, k=k, sparse=True)
    assert sparse.format == "csr" and np.array_equal(sparse.toarray(), dense)
    assert len(kmer_names(k)) == dense.shape[1] == 4 ** k


def test_kmer_blocks_names_and_frequencies():
    seqs = ["AACA", "acgtacgt"]
    both = kmer_counts(seqs, k=(1, 2))
    assert kmer_names((1, 2))[:6] == ["A", "C", "G", "T", "AA", "AC"]
    assert np.array_equal(both, np.hstack([kmer_counts(seqs, 1), kmer_counts(seqs, 2)]))
    freq = kmer_counts(seqs, k=2, normalize=True)
    assert np.allclose(freq.sum(axis=1), 1.0)
    # windows with N are not counted, and not in the denominator either (6 of 8 windows)
    with_n = kmer_counts(["ACGTNACGT"], k=2, normalize=True)
    assert with_n.sum() == pytest.approx(1.0)
    assert with_n[0, kmer_names(2).index("AC")] == pytest.approx(2 / 6)
    protein = kmer_counts(["MKV"], k=2, alphabet="protein")
    assert protein.shape == (1, 400) and protein.sum() == 2
    with pytest.raises(InputError, match="k must be an integer from 1 to 6"):
        kmer_counts(seqs, k=7)
    with pytest.raises(InputError, match="1 to 3 for protein"):
        kmer_counts(["MKV"], k=4, alphabet="protein")


def test_doctests():
    for module in (encode.onehot, encode.kmers):
        assert doctest.testmod(module).failed == 0


def test_protein_stop_reads_the_stop_codon_as_a_21st_letter():
    stop = one_hot(["MK*", "MKX"], "protein*")
    assert stop.shape == (2, 3, 21)
    assert stop[0, 2].argmax() == 20 and stop[0, 2].sum() == 1  # * is its own channel
    assert stop[1, 2].sum() == 0  # X is still unknown
    assert one_hot(["MK*"], "protein")[0, 2].sum() == 0  # in the 20-letter alphabet * is unknown
    assert kmer_counts(["MK*"], k=1, alphabet="protein-stop").shape == (1, 21)


@pytest.mark.parametrize("k", [[], (), ["a"], 2.5, float("nan"), [2, 0]])
def test_kmer_counts_refuse_bad_word_lengths_in_words(k):
    with pytest.raises(InputError, match="k must be"):
        kmer_counts(["ACGT"], k=k)


def test_decode_keeps_an_n_at_either_end_when_lengths_are_given():
    assert decode(one_hot("ACGN")) == "ACG"  # documented: read as padding
    assert decode(one_hot("ACGN"), lengths=4) == "ACGN"
    assert decode(one_hot("ACGN", unknown="uniform")) == "ACGN"
    seqs = ["NACGN", "TN", "GGA"]
    for pad in ("right", "left"):
        x = one_hot(seqs, pad=pad)
        assert decode(x, pad=pad, lengths=[len(s) for s in seqs]) == seqs
    with pytest.raises(InputError, match="one length per sequence"):
        decode(one_hot(seqs), lengths=[5, 2])
    with pytest.raises(InputError, match="outside 0 to the 5 positions"):
        decode(one_hot(seqs), lengths=[5, 2, 9])
