"""Motifs: the lecture's numbers, agreement with Biopython, exact p-values, scanning, files."""
import doctest
import itertools
import re

import numpy as np
import pandas as pd
import pytest
from Bio import motifs as bio_motifs
from Bio.Seq import Seq

from biochemml import motifs
from biochemml.encode.codes import to_codes
from biochemml.errors import InputError
from biochemml.motifs import (PWM, ScoreDistribution, best_hits, find_hits, jaspar, load, read,
                              score_threshold, score_windows, write)

LECTURE_SITES = ["TACAA", "TACGA", "TACAA"]


def random_sites(rng, n, width, symbols="ACGT"):
    return ["".join(rng.choice(list(symbols), width)) for _ in range(n)]


def random_pwm(rng, width, name="random", concentration=0.5):
    return PWM(rng.dirichlet(np.full(4, concentration), size=width).T, name=name)


# ----- the lecture ---------------------------------------------------------------------
def test_lecture_pwm_table():
    pwm = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5)
    expected = np.array([
        [0.1, 0.7, 0.1, 0.5, 0.7],   # A
        [0.1, 0.1, 0.7, 0.1, 0.1],   # C
        [0.1, 0.1, 0.1, 0.3, 0.1],   # G
        [0.7, 0.1, 0.1, 0.1, 0.1],   # T
    ])
    assert np.allclose(pwm.matrix, expected, atol=1e-12)
    assert pwm.counts.tolist()[0] == [0, 3, 0, 2, 3]
    assert pwm.consensus == "TACAA"


def test_lecture_window_scores():
    pwm = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5)
    scores = pwm.window_log_prob("ATACAA")
    assert scores.shape == (2,)
    assert abs(scores[0] - -9.567015315914915) < 1e-9  # ATACA
    assert abs(scores[1] - -2.119846956314875) < 1e-9  # TACAA
    many = pwm.window_log_prob(["ATACAA", "TACAAT"])
    assert many.shape == (2, 2) and abs(many[1, 0] - -2.119846956314875) < 1e-9
    conv = score_windows(pwm, "ATACAA", both_strands=False, score="log_prob")
    assert np.allclose(conv[0, 0, 0, :2], scores, atol=1e-5)
    # sequences of different lengths: pointed at what takes them (not a pad= it lacks)
    with pytest.raises(InputError, match=r"different lengths \(6 to 7\).*score_windows"):
        pwm.window_log_prob(["ATACAA", "TTACAAT"])


def test_window_log_prob_of_long_motifs_does_not_underflow():
    pwm = PWM(np.full((4, 600), 0.25))
    assert np.isclose(pwm.window_log_prob("A" * 600)[0], 600 * np.log(0.25))
    with pytest.raises(InputError, match="shorter than the motif"):
        pwm.window_log_prob("ACGT")


# ----- Biopython -----------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_pwm_log_odds_and_scores_match_biopython(seed):
    rng = np.random.default_rng(seed)
    width = int(rng.integers(3, 13))
    sites = random_sites(rng, int(rng.integers(2, 30)), width)
    pc = float(rng.choice([0.0, 0.25, 0.5, 1.0]))
    bio = bio_motifs.create([Seq(s) for s in sites])
    bio_pwm = bio.counts.normalize(pseudocounts=pc)
    ours = PWM.from_instances(sites, pseudocounts=pc)
    assert np.allclose(ours.matrix, [bio_pwm[s] for s in "ACGT"], rtol=0, atol=1e-12)
    if pc == 0:  # zeros: Biopython gives -inf, we floor at a finite score
        return
    background = rng.dirichlet(np.ones(4) * 5)
    bio_pssm = bio_pwm.log_odds(dict(zip("ACGT", background)))
    assert np.allclose(ours.log_odds(background), [bio_pssm[s] for s in "ACGT"], atol=1e-12)
    bio_plain = bio_pwm.log_odds()
    seqs = random_sites(rng, 4, 60)
    got = score_windows(ours, seqs)
    for i, s in enumerate(seqs):
        plus = bio_plain.calculate(Seq(s))
        minus = bio_plain.reverse_complement().calculate(Seq(s))
        assert np.allclose(got[i, 0, 0, :60 - width + 1], plus, atol=1e-4)
        assert np.allclose(got[i, 0, 1, :60 - width + 1], minus, atol=1e-4)
        assert np.isneginf(got[i, 0, :, 60 - width + 1:]).all()
    # information content = expected log-odds score of a site (Biopython's mean)
    assert np.isclose(ours.information_content().sum(), bio_plain.mean(), atol=1e-9)


def test_biopython_round_trip():
    pwm = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5, name="lecture")
    bio = pwm.to_biopython()
    # Biopython scores as we do: its matrix holds the pseudocounts (they had been dropped,
    # and TACAA scored 9.4 bits there against 6.9 here)
    assert np.allclose([bio.pwm[s] for s in "ACGT"], pwm.matrix)
    ours = pwm.log_odds()[[3, 0, 1, 0, 0], np.arange(5)].sum()  # TACAA
    assert bio.pssm.calculate(Seq("TACAA")) == pytest.approx(ours, abs=1e-5)
    assert np.allclose(PWM.from_biopython(bio).matrix, pwm.matrix)
    unsmoothed = PWM.from_instances(LECTURE_SITES, pseudocounts=0)
    assert np.array_equal([unsmoothed.to_biopython().counts[s] for s in "ACGT"],
                          unsmoothed.counts)  # counts that are the matrix stay counts
    spi1 = jaspar("MA0080")
    assert np.allclose(PWM.from_biopython(spi1.to_biopython()).matrix, spi1.matrix)
    # a motif's own pseudocounts and background are kept
    motif = bio_motifs.create(LECTURE_SITES)
    motif.pseudocounts, motif.background = 0.5, {"A": 0.3, "C": 0.2, "G": 0.2, "T": 0.3}
    read = PWM.from_biopython(motif)
    assert np.allclose(read.matrix, [motif.pwm[s] for s in "ACGT"])
    assert np.allclose(read.background, [0.3, 0.2, 0.2, 0.3])
    back = read.to_biopython()
    assert back.background == pytest.approx({"A": 0.3, "C": 0.2, "G": 0.2, "T": 0.3})


def test_reverse_complement_and_sampling():
    rng = np.random.default_rng(0)
    pwm = random_pwm(rng, 7)
    assert np.allclose(pwm.reverse_complement().reverse_complement().matrix, pwm.matrix)
    assert pwm.reverse_complement().consensus == str(Seq(pwm.consensus).reverse_complement())
    sites = pwm.sample(20_000, seed=1)
    freq = PWM.from_instances(sites, pseudocounts=0).matrix
    assert np.abs(freq - pwm.matrix).max() < 0.02


def test_information_content_of_certain_and_uniform_columns():
    pwm = PWM.from_matrix([[1, 1], [0, 1], [0, 1], [0, 1]])
    assert np.allclose(pwm.information_content(), [2.0, 0.0])


# ----- exact p-values ------------------------------------------------------------------
def all_words(width):
    return np.array(list(itertools.product(range(4), repeat=width)))


@pytest.mark.parametrize("width,seed", [(1, 0), (3, 1), (4, 2), (5, 3), (6, 4), (6, 5)])
def test_pvalues_match_exhaustive_enumeration(width, seed):
    rng = np.random.default_rng(seed)
    pwm = random_pwm(rng, width, concentration=0.7)
    background = None if seed % 2 else rng.dirichlet(np.ones(4) * 3)
    dist = ScoreDistribution(pwm, background, resolution=0.01)
    words = all_words(width)
    b = dist.background
    weight = np.prod(b[words], axis=1)  # probability of each word under the background
    grid = dist.integer_pssm[words, np.arange(width)].sum(axis=1)
    for t in np.unique(grid):  # on the integer grid the survival function is exact
        assert np.isclose(dist.pvalue_of_grid(t), weight[grid >= t].sum(), rtol=1e-9, atol=1e-15)
    assert dist.pvalue_of_grid(grid.max() + 1) == 0 and dist.pvalue_of_grid(grid.min()) == 1
    for p in (0.5, 0.1, 0.01, 1 / 4 ** width, 1e-3, 1e-5):
        t = dist.integer_threshold(p)
        assert weight[grid >= t].sum() <= p * (1 + 1e-9)   # P(S >= t) <= p
        # t is the weakest hit a site can score: the next lower site score is not rare enough
        assert t in grid or t == grid.max() + 1
        lower = grid[grid < t]
        assert lower.size == 0 or weight[grid >= lower.max()].sum() > p
        # the threshold in bits separates hits from non-hits by their grid score
        assert dist.threshold(p) == pytest.approx((t - 0.5) * dist.resolution)
    # float scores: p-values of real windows follow their grid scores
    floats = dist.pssm[words, np.arange(width)].sum(axis=1)
    assert np.all(np.diff(dist.pvalue(np.sort(floats))) <= 1e-12)
    # ... and never fall below the exact chance of a site scoring as well (float scores)
    exact = np.array([weight[floats >= f - 1e-9].sum() for f in floats])
    assert np.all(dist.pvalue(floats) >= exact - 1e-12)


def test_pvalue_threshold_of_the_best_word_only():
    pwm = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5)
    dist = ScoreDistribution(pwm)
    grid = {w: dist.integer_pssm[["ACGT".index(c) for c in w], range(5)].sum()
            for w in ("TACAA", "TACGA")}  # the best word and the next best
    t = dist.integer_threshold(1 / 4 ** 5)
    assert t == grid["TACAA"]  # the weakest hit is the best word itself
    # TACGA scores under the threshold in float bits too, with the p-value of 2 words
    tacga = sum(dist.pssm["ACGT".index(c), i] for i, c in enumerate("TACGA"))
    assert tacga < dist.threshold(1 / 4 ** 5)
    assert dist.pvalue(tacga) == pytest.approx(2 / 4 ** 5)
    assert score_threshold(pwm, 1 / 4 ** 5) <= pwm.log_odds().max(axis=0).sum()
    hits = find_hits(pwm, ["GGGTACAAGGG", "GGGTACGAGGG"], pvalue=1 / 4 ** 5, both_strands=False)
    assert hits[["sequence_index", "start"]].values.tolist() == [[0, 3]]
    assert hits["pvalue"].iloc[0] == pytest.approx(1 / 4 ** 5)
    with pytest.raises(InputError, match="p-value must be in"):
        score_threshold(pwm, 0)
    with pytest.raises(InputError, match="resolution must be positive"):
        ScoreDistribution(pwm, resolution=0)


# ----- scanning ------------------------------------------------------------------------
def brute_force_hits(pwms, seqs, pvalue, both_strands=True):
    """Every window scored one at a time on the integer grid."""
    codes, lengths = to_codes(seqs, pwms[0].alphabet)
    size = pwms[0].alphabet.size
    rows = []
    for m, pwm in enumerate(pwms):
        dist = ScoreDistribution(pwm)
        t = dist.integer_threshold(pvalue)
        q = dist.integer_pssm
        mats = [q, q[[3, 2, 1, 0], ::-1]] if both_strands else [q]
        for strand, mat in zip("+-", mats):
            width = mat.shape[1]
            for n in range(len(seqs)):
                for i in range(lengths[n] - width + 1):
                    window = codes[n, i:i + width]
                    if (window >= size).any():  # a window holding an N is never a hit
                        continue
                    score = sum(mat[c, j] for j, c in enumerate(window))
                    if score >= t:
                        rows.append((n, m, i, strand))
    return sorted(rows)


def test_find_hits_match_brute_force_with_ragged_sequences_and_n():
    rng = np.random.default_rng(7)
    pwms = [random_pwm(rng, w, name=f"m{w}", concentration=0.3) for w in (4, 6, 6, 9, 12, 15)]
    pwms.append(PWM.from_instances(LECTURE_SITES, pseudocounts=0.5))
    seqs = ["".join(rng.choice(list("ACGTN"), rng.integers(3, 120), p=[.24] * 4 + [.04]))
            for _ in range(60)]
    # plant a few sites so that there is something to find
    seqs[0] = seqs[0][:2] + pwms[3].consensus + seqs[0][2:]
    seqs[1] = "NN" + str(Seq(pwms[4].consensus).reverse_complement()) + "N"
    for p in (1e-2, 1e-3):
        hits = find_hits(pwms, seqs, pvalue=p)
        got = sorted(zip(hits.sequence_index, hits.motif_index, hits.start, hits.strand))
        assert got == brute_force_hits(pwms, seqs, p)
        assert (hits["pvalue"] <= p).all()
        assert (hits["end"] - hits["start"] == [pwms[m].width for m in hits.motif_index]).all()
    assert (0, 3, 2, "+") in got and (1, 4, 2, "-") in got
    plus = find_hits(pwms, seqs, pvalue=1e-2, both_strands=False)
    assert set(plus.strand) == {"+"}
    assert len(plus) == len(brute_force_hits(pwms, seqs, 1e-2, both_strands=False))


def test_find_hits_scores_and_pvalues_are_exact():
    rng = np.random.default_rng(8)
    pwm = random_pwm(rng, 8, name="x")
    seqs = random_sites(rng, 50, 200)
    hits = find_hits(pwm, seqs, pvalue=1e-2)
    dist = ScoreDistribution(pwm)
    pssm = dist.pssm
    for row in hits.head(30).itertuples():
        window = seqs[row.sequence_index][row.start:row.end]
        if row.strand == "-":
            window = str(Seq(window).reverse_complement())
        codes = ["ACGT".index(c) for c in window]
        assert row.score == pytest.approx(pssm[codes, range(8)].sum(), abs=1e-12)
        grid = dist.integer_pssm[codes, range(8)].sum()
        assert row.pvalue == dist.pvalue_of_grid(grid)


def test_find_hits_on_protein_and_empty_results():
    rng = np.random.default_rng(9)
    pwm = PWM(rng.dirichlet(np.full(20, 0.3), size=3).T, alphabet="protein", name="p")
    seqs = random_sites(rng, 20, 50, "ACDEFGHIKLMNPQRSTVWY")
    hits = find_hits(pwm, seqs, pvalue=1e-3)
    assert set(hits.strand) <= {"+"}
    assert sorted(zip(hits.sequence_index, hits.start)) == [
        (n, i) for n, _, i, _ in brute_force_hits([pwm], seqs, 1e-3, both_strands=False)]
    none = find_hits(PWM.from_instances(LECTURE_SITES), ["AAAAAAA"], pvalue=1e-9)
    assert len(none) == 0 and list(none.columns)[:3] == ["sequence_index", "motif", "motif_index"]


def test_best_hits_agree_with_the_score_matrix():
    rng = np.random.default_rng(10)
    pwms = [random_pwm(rng, 5, "a"), random_pwm(rng, 9, "b")]
    seqs = random_sites(rng, 10, 40) + ["ACG"]
    best = best_hits(pwms, seqs)
    scores = score_windows(pwms, seqs)
    assert len(best) == 11 * 2
    for row in best.itertuples():
        s = scores[row.sequence_index, row.motif_index]
        if row.sequence_index == 10:  # shorter than both motifs: no window
            assert row.score == -np.inf and row.pvalue == 1
            assert pd.isna(row.start) and pd.isna(row.end) and pd.isna(row.strand)
            continue
        assert row.score == pytest.approx(s.max(), abs=1e-4)
        assert s[0 if row.strand == "+" else 1, row.start] == pytest.approx(row.score, abs=1e-4)


def test_score_windows_shapes_and_errors():
    pwm = PWM.from_instances(LECTURE_SITES)
    out = score_windows([pwm, pwm], ["ACGTACGT", "ACG", "TACAATT"])
    assert out.shape == (3, 2, 2, 8) and out.dtype == np.float32
    assert np.isneginf(out[1]).all() and np.isfinite(out[0, :, :, :4]).all()
    with pytest.raises(InputError, match="shorter than the shortest motif"):
        score_windows(pwm, ["ACG"])
    with pytest.raises(InputError, match="no motifs"):
        score_windows([], ["ACGTACGT"])
    with pytest.raises(InputError, match="motif 0 is a ndarray"):
        score_windows([np.eye(4)], ["ACGTACGT"])
    with pytest.raises(InputError, match="score must be"):
        score_windows(pwm, ["ACGTACGT"], score="bits")
    with pytest.raises(InputError, match="sequence at index 1.*'Z'"):
        find_hits(pwm, ["ACGTACGT", "ACZ"])


# ----- matrix errors -------------------------------------------------------------------
def test_pwm_errors_name_the_problem():
    with pytest.raises(InputError, match="column 1 of the PWM sums to 0.9"):
        PWM([[0.25, 0.2], [0.25, 0.2], [0.25, 0.2], [0.25, 0.3]])
    with pytest.raises(InputError, match="transposed"):
        PWM(np.full((5, 4), 0.25))
    with pytest.raises(InputError, match="negative entry -1.0 at row C, column 0"):
        PWM.from_matrix([[1, 1], [-1, 1], [1, 1], [1, 1]])
    with pytest.raises(InputError, match="NaN"):
        PWM.from_matrix([[np.nan], [1], [1], [1]])
    with pytest.raises(InputError, match="the matrix must hold numbers"):
        PWM.from_matrix([["a"], ["b"], ["c"], ["d"]])
    with pytest.raises(InputError, match="column 0 of the matrix is all zeros"):
        PWM.from_matrix(np.zeros((4, 2)))
    with pytest.raises(InputError, match="sequence at index 2: has length 4 but instance 0"):
        PWM.from_instances(["TACAA", "TACGA", "TACA"])
    with pytest.raises(InputError, match="no instances"):
        PWM.from_instances([])
    with pytest.raises(InputError, match="sequence at index 1.*'Q'"):
        PWM.from_instances(["TACAA", "TAQAA"])
    with pytest.raises(InputError, match="background must be 4 positive"):
        PWM.from_instances(LECTURE_SITES).log_odds([0.5, 0.5, 0, 0])


# ----- files and JASPAR ----------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["jaspar", "meme", "transfac"])
def test_motif_files_round_trip(tmp_path, fmt):
    rng = np.random.default_rng(11)
    pwms = [PWM.from_instances(LECTURE_SITES, pseudocounts=0.5, name="LEC1 lecture"),
            jaspar("MA0080"),
            random_pwm(rng, 11, name="R1")]
    path = write(pwms, tmp_path / f"motifs.{fmt}")
    assert not list(tmp_path.glob("*.tmp"))
    back = read(path)
    assert [p.name for p in back] == ["LEC1 lecture", pwms[1].name, "R1"]
    for a, b in zip(back, pwms):
        assert np.abs(a.matrix - b.matrix).max() < 1e-9
    again = read(write(back, tmp_path / f"again.{fmt}"))
    assert all(np.abs(a.matrix - b.matrix).max() < 1e-9 for a, b in zip(again, pwms))


@pytest.mark.parametrize("fmt", ["jaspar", "meme", "transfac"])
def test_load_reads_back_what_biochemml_wrote_and_smooths_only_zero_counts(tmp_path, fmt):
    from biochemml.motifs.formats import load

    course = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5, name="LEC1 lecture")
    path = write([course], tmp_path / f"course.{fmt}")
    # written with its pseudocounts in: 0.2 more (the CLI's default) had scored the site
    # one bit lower
    back = load(str(path))[0]
    assert np.abs(back.matrix - course.matrix).max() < 1e-9
    raw = PWM.from_instances(LECTURE_SITES, pseudocounts=0, name="RAW counts")  # zeros
    smoothed = load(str(write([raw], tmp_path / f"raw.{fmt}")))[0]
    assert (smoothed.matrix > 0).all()
    assert np.allclose(smoothed.matrix, PWM.from_instances(LECTURE_SITES, pseudocounts=0.2).matrix)
    # a number given is added to every motif, zeros or not
    again = load(str(path), pseudocounts=0.5)[0]
    assert np.allclose(again.matrix, PWM.from_matrix(course.matrix * 3, pseudocounts=0.5).matrix)


def test_meme_holds_protein_and_reads_meme_suite_text(tmp_path):
    rng = np.random.default_rng(12)
    protein = PWM(rng.dirichlet(np.ones(20), size=4).T, alphabet="protein", name="P1 kinase")
    back = read(write([protein], tmp_path / "p.meme"))[0]
    assert back.alphabet.name == "protein" and np.allclose(back.matrix, protein.matrix)
    with pytest.raises(InputError, match="jaspar files hold DNA and RNA motifs"):
        write([protein], tmp_path / "p.jaspar")
    text = ("MEME version 4\n\nALPHABET= ACGT\n\nBackground letter frequencies\n"
            "A 0.3 C 0.2 G 0.2 T 0.3\n\nMOTIF M1 SOX\n\n"
            "letter-probability matrix: alength= 4 w= 2 nsites= 7 E= 1e-3\n"
            " 0.1 0.2 0.3 0.4\n 0.7 0.1 0.1 0.1\n\nURL http://example.org\n")
    (tmp_path / "suite.meme").write_text(text)
    m = read(tmp_path / "suite.meme")[0]
    assert m.name == "M1 SOX" and np.allclose(m.matrix[:, 0], [0.1, 0.2, 0.3, 0.4])


def test_jaspar_reader_accepts_plain_pfm(tmp_path):
    (tmp_path / "m.pfm").write_text(">MA0004.1 Arnt\n4 19 0\n16 0 20\n0 1 0\n0 0 0\n")
    m = read(tmp_path / "m.pfm")[0]
    assert m.name == "MA0004.1 Arnt" and np.allclose(m.matrix[:, 0], [0.2, 0.8, 0, 0])


def test_motif_file_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read(tmp_path / "missing.jaspar")
    with pytest.raises(InputError, match="cannot tell the motif format"):
        read(write([PWM.from_instances(LECTURE_SITES)], tmp_path / "x.jaspar").rename(
            tmp_path / "x.xyz"))
    bad = tmp_path / "bad.jaspar"
    bad.write_text(">M1\nA [1 2]\nC [1 2]\nG [1]\nT [1 2]\n")
    with pytest.raises(InputError, match="bad.jaspar.*could not be read as jaspar"):
        read(bad)
    bad.write_text(">M1\nA [1 2]\nC [1 2]\nG [1 2]\n")
    with pytest.raises(InputError, match="3 rows, expected 4"):
        read(bad)
    bad.write_text(">M1\nA [1 0]\nC [0 0]\nG [0 0]\nT [0 0]\n")
    with pytest.raises(InputError, match="column 1 of the matrix is all zeros"):
        read(bad)
    (tmp_path / "empty.meme").write_text("MEME version 4\n")
    with pytest.raises(InputError, match="no motifs found"):
        read(tmp_path / "empty.meme")
    (tmp_path / "bin.transfac").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="could not be read as transfac"):
        read(tmp_path / "bin.transfac")
    with pytest.raises(InputError, match="unknown motif format"):
        read(bad, format="homer")
    with pytest.raises(InputError, match="could not be written"):
        write([PWM.from_instances(LECTURE_SITES)], tmp_path / "no" / "such" / "dir.jaspar")


def test_jaspar_loads_offline_from_pyjaspar():
    spi1 = jaspar("MA0080")
    assert spi1.name.startswith("MA0080.") and "spi1" in spi1.name.lower()
    assert spi1.width >= 6 and np.allclose(spi1.matrix.sum(axis=0), 1)
    counts = spi1.counts
    assert np.allclose(spi1.matrix, (counts + 0.2) / (counts + 0.2).sum(axis=0))
    assert np.allclose(jaspar("MA0080", pseudocounts=0).matrix, counts / counts.sum(axis=0))
    with pytest.raises(InputError, match="JASPAR has no motif 'MA9999.9'"):
        jaspar("MA9999.9")
    both = load("jaspar:MA0080, lecture:CCGGAA")
    assert [m.consensus for m in both][1] == "CCGGAA"
    with pytest.raises(InputError, match="no motifs in"):
        load(" , ")


def test_jaspar_ids_are_case_insensitive_and_lecture_names_are_checked():
    assert load("jaspar:ma0080")[0].name == jaspar("MA0080").name
    assert np.allclose(jaspar("ma0080.1").matrix, jaspar("MA0080.1").matrix)
    assert load("lecture:ccggaa")[0].consensus == "CCGGAA"
    with pytest.raises(InputError, match="no motif 'TTTTTT': 'lecture:' knows CCGGAA"):
        load("lecture:TTTTTT")


def test_find_hits_accept_a_background_dict():
    pwm = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5)
    seqs = ["GGTACAAGG", "TTTACGATT", "CCCCCCCCC"]
    bg = {"A": 0.3, "C": 0.2, "G": 0.2, "T": 0.3}
    hits = find_hits(pwm, seqs, pvalue=0.01, background=bg)
    same = find_hits(pwm, seqs, pvalue=0.01, background=[0.3, 0.2, 0.2, 0.3])
    assert hits.equals(same)
    assert hits[["sequence_index", "start", "strand"]].values.tolist() == [[0, 2, "+"], [1, 2, "+"]]
    # TACAA against the background: log2 of (0.7/0.3, 0.7/0.3, 0.7/0.2, 0.5/0.3, 0.7/0.3)
    want = np.log2([0.7 / 0.3, 0.7 / 0.3, 0.7 / 0.2, 0.5 / 0.3, 0.7 / 0.3]).sum()
    assert hits.score[0] == pytest.approx(want)
    best = best_hits(pwm, seqs, background=bg)
    assert best.score[0] == pytest.approx(want)
    assert score_windows(pwm, seqs[0], background=bg).max() == pytest.approx(want, rel=1e-6)


def test_a_single_string_is_one_instance():
    pwm = PWM.from_instances("TACAA", pseudocounts=0.5)
    assert pwm.width == 5 and pwm.consensus == "TACAA"
    np.testing.assert_allclose(pwm.matrix[:, 0], [0.5 / 3, 0.5 / 3, 0.5 / 3, 1.5 / 3])
    assert np.allclose(PWM.from_instances(Seq("TACAA")).matrix, PWM.from_instances(["TACAA"]).matrix)


def test_hit_tables_say_their_indices_are_positions():
    for func in (find_hits, best_hits):
        assert "iloc" in func.__doc__ and "position" in func.__doc__


def test_doctests():
    for module in (motifs, motifs.pwm, motifs.pvalues, motifs.scan, motifs.formats):
        assert doctest.testmod(module).failed == 0


def test_motif_scan_says_when_a_motif_cannot_reach_the_p_value(tmp_path, capsys, monkeypatch):
    from biochemml import progress
    from biochemml.cli import main

    monkeypatch.setattr(progress, "_QUIET", False)
    (tmp_path / "s.csv").write_text("sequence\nAACCGGAATT\nGGGGCCGGAAGG\n")
    assert main(["motif", "scan", "--motifs", "lecture:CCGGAA", "--seqs",
                 str(tmp_path / "s.csv")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "cannot have a hit at p <= 0.0001" in err and "use --pvalue 0.00025" in err
    assert main(["motif", "scan", "--motifs", "lecture:CCGGAA", "--seqs",
                 str(tmp_path / "s.csv"), "--pvalue", "0.00025"]) == 0
    captured = capsys.readouterr()
    assert "cannot have a hit" not in captured.err and "2 hits" in captured.out


def test_log_prob_scores_n_as_the_column_average_in_both_scorers():
    pwm = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5)
    seq = "TACAANNNNN"
    want = pwm.window_log_prob(seq)
    got = score_windows(pwm, seq, both_strands=False, score="log_prob")[0, 0, 0]
    assert np.allclose(got[:len(want)], want, atol=1e-5)
    assert got[5] == pytest.approx(5 * np.log(0.25), abs=1e-5)  # all N: not a certain match
    # ragged batches and several motif widths agree with window_log_prob too
    other = PWM.from_instances(["TAC"], pseudocounts=0.5)
    seqs = ["NTACNNA", "ACNGTACAANT"]
    both = score_windows([pwm, other], seqs, both_strands=False, score="log_prob")
    for n, s in enumerate(seqs):
        for m, motif in enumerate((pwm, other)):
            if len(s) >= motif.width:
                ref = motif.window_log_prob(s)
                assert np.allclose(both[n, m, 0, :ref.size], ref, atol=1e-5)
    # log-odds: N is 0 bits, as before
    bits = score_windows(pwm, "NNNNN", both_strands=False)[0, 0, 0, 0]
    assert bits == 0


def test_jaspar_rows_are_placed_by_their_letters(tmp_path):
    acgt = ">M1 demo\nA [ 1 0 ]\nC [ 2 0 ]\nG [ 3 0 ]\nT [ 4 10 ]\n"
    tgca = ">M1 demo\nT [ 4 10 ]\nG [ 3 0 ]\nC [ 2 0 ]\nA [ 1 0 ]\n"
    (tmp_path / "acgt.jaspar").write_text(acgt)
    (tmp_path / "tgca.jaspar").write_text(tgca)
    want = read(tmp_path / "acgt.jaspar")[0]
    got = read(tmp_path / "tgca.jaspar")[0]
    assert np.allclose(got.matrix, want.matrix) and got.consensus == "TT"
    assert np.allclose(got.matrix[:, 0], [0.1, 0.2, 0.3, 0.4])
    # lower-case letters, and a U row for an RNA motif (in the place of T)
    (tmp_path / "rna.jaspar").write_text(">R1 rbp\nu [ 4 10 ]\ng [ 3 0 ]\nc [ 2 0 ]\na [ 1 0 ]\n")
    rna = read(tmp_path / "rna.jaspar")[0]
    assert rna.alphabet.name == "rna" and rna.consensus == "UU"
    assert np.allclose(rna.matrix, want.matrix)
    back = read(write([rna], tmp_path / "again.jaspar"))[0]
    assert back.alphabet.name == "rna" and np.allclose(back.matrix, rna.matrix)


@pytest.mark.parametrize("rows,match", [
    ("A [1 2]\nC [1 2]\nT [1 2]\nT [1 2]\n", "motif 'M1 bad' has two rows for T (lines 4 and 5)"),
    ("A [1 2]\nC [1 2]\nT [1 2]\n", "motif 'M1 bad' has 3 rows, expected 4 (A, C, G, T): no row for G"),
    ("A [1 2]\nC [1 2]\nG [1 2]\nT [1 2]\nU [1 2]\n", "motif 'M1 bad' has a T row and a U row"),
    ("A [1 2]\nC [1 2]\n[1 2]\nT [1 2]\n", "motif 'M1 bad': line 4 has no letter"),
])
def test_jaspar_letter_errors_name_the_file_and_motif(tmp_path, rows, match):
    bad = tmp_path / "bad.jaspar"
    bad.write_text(">M1 bad\n" + rows)
    with pytest.raises(InputError, match="bad.jaspar.*" + re.escape(match)):
        read(bad)


def test_jaspar_download_headers_with_a_tab_give_clean_names(tmp_path):
    rows = "A [ 4 19 ]\nC [ 16 0 ]\nG [ 0 1 ]\nT [ 0 0 ]\n"
    (tmp_path / "tab.jaspar").write_text(">MA0004.1\tArnt\n" + rows + ">MA0006.1 \t Ahr::Arnt \t\n"
                                         + rows + ">MA0007.3\n" + rows)
    names = [m.name for m in read(tmp_path / "tab.jaspar")]
    assert names == ["MA0004.1 Arnt", "MA0006.1 Ahr::Arnt", "MA0007.3"]
    hits = best_hits(read(tmp_path / "tab.jaspar"), ["CACG"])
    assert not hits["motif"].str.contains(r"\s\s|\t").any()


def test_windows_holding_n_are_never_hits_in_either_engine():
    lecture = load("lecture:CCGGAA")[0]
    gap = "GGTACAAGGATTTANNNNNNNNNNTTAG"
    hits = find_hits(lecture, [gap], pvalue=0.05)
    assert len(hits) > 0  # the windows of real bases still count
    for row in hits.itertuples():
        assert "N" not in gap[row.start:row.end]
    # a wide motif (the block engine) and a short one (the word tables) alike
    rng = np.random.default_rng(3)
    wide = random_pwm(rng, 14, name="wide")
    seqs = [wide.consensus[:6] + "N" + wide.consensus[7:], "N" * 30, wide.consensus]
    hits = find_hits([wide, lecture], seqs, pvalue=0.5)
    assert set(hits.sequence_index[hits.motif_index == 0]) == {2}
    assert 1 not in set(hits.sequence_index)
    for row in hits.itertuples():
        assert "N" not in seqs[row.sequence_index][row.start:row.end]
    # best_hits passes over windows with N; a sequence of N only has no best window
    best = best_hits(lecture, ["NNNNNNNNNN", "CCGGAANNNN", "NNCCGGANNN"], both_strands=False)
    assert pd.isna(best.start[0]) and best.score[0] == -np.inf and best.pvalue[0] == 1
    assert best.start[1] == 0 and np.isfinite(best.score[1])
    assert pd.isna(best.start[2])
    # score_windows still scores them: N adds 0 bits
    assert score_windows(lecture, "NNNNNN", both_strands=False)[0, 0, 0, 0] == 0


def test_sequences_shorter_than_a_motif_have_no_hits_and_marked_best_rows():
    lecture = PWM.from_instances(["CCGGAA"], pseudocounts=0.1)
    none = find_hits(lecture, ["CCGG", "GGAA"], pvalue=0.5)
    assert len(none) == 0 and "pvalue" in none.columns
    best = best_hits(lecture, ["CCGG", "NNNNNNN", "TCCGGAAT"])
    assert best.note.tolist() == ["shorter than the motif", "every window holds N", ""]
    assert pd.isna(best.start[0]) and best.start[2] == 1
    # sequences of one length shorter than the wider of two motifs: no window runs past
    # the end (a 9-wide motif was found at 0..9 in a 6-long sequence)
    short = PWM.from_instances(["ACGT"], pseudocounts=0.01)
    wide = PWM.from_instances(["ACGTACTTT"], pseudocounts=0.01)
    hits = find_hits([short, wide], ["ACGTAC", "GGGGGG"], pvalue=0.005, both_strands=False)
    assert (hits.end <= 6).all() and set(hits.motif_index) == {0}
    with pytest.raises(InputError, match="shorter than the shortest motif"):
        score_windows(lecture, ["CCGG"])


def test_rna_is_scanned_on_the_given_strand_by_default():
    dna = PWM.from_instances(["CCGGAA"], pseudocounts=0.1)
    rna = PWM.from_instances(["CCGGAA"], pseudocounts=0.1, alphabet="rna")
    mrna = ["GGUUCCGGUCCCGGG"]  # TTCCGG on the '-' strand only
    assert len(find_hits(dna, [s.replace("U", "T") for s in mrna], pvalue=0.001)) == 1
    assert len(find_hits(dna, mrna, pvalue=0.001)) == 0  # U: an mRNA has one strand
    assert len(find_hits(rna, [s.replace("U", "T") for s in mrna], pvalue=0.001)) == 0
    assert len(find_hits(rna, mrna, pvalue=0.001, both_strands=True)) == 1
    assert score_windows(rna, "CCGGAAA").shape == (1, 1, 1, 7)
    assert set(best_hits(dna, ["CCGGAAU", "UUCCGG"]).strand) == {"+"}
    assert score_windows(dna, "CCGGAAA").shape == (1, 1, 2, 7)


def test_protein_motifs_on_dna_and_dna_motifs_on_proteins_are_refused():
    rng = np.random.default_rng(4)
    protein = PWM(rng.dirichlet(np.ones(20), size=4).T, alphabet="protein", name="P1")
    with pytest.raises(InputError, match="alphabet mismatch: the motifs are protein motifs.*DNA"):
        find_hits(protein, ["ACGTACGTACGTAGGATTACGATCGA"])
    with pytest.raises(InputError, match="alphabet mismatch"):
        best_hits(protein, ["ACGUACGUACGUAGGAUUACGAUCGA"])
    assert len(best_hits(protein, ["MKVLAAGIELPQRST", "ACGT"])) == 2  # a short peptide passes
    with pytest.raises(InputError, match="sequence at index 1: alphabet mismatch: the motifs are DNA "
                                         "motifs, but the sequence holds 'E'"):
        find_hits(PWM.from_instances(LECTURE_SITES), ["ACGTACGT", "MKVLEAG"])



def test_looks_like_protein_is_the_one_test_of_scans_and_table_hints():
    from biochemml.alphabets import looks_like_protein
    from biochemml.io.tables import _alphabet_hint

    assert looks_like_protein("mkvlaag") == "L" and looks_like_protein("MKVEF") == "E"
    assert looks_like_protein("ACGTNRYU") is None
    assert "looks like a protein" in _alphabet_hint("MKVLAAG", "dna")
    assert _alphabet_hint("ACGTX", "dna") == ""


MEME_WITH_BACKGROUND = ("MEME version 4\n\nALPHABET= ACGT\n\nBackground letter frequencies\n"
                        "A 0.3 C 0.2 G 0.2 T 0.3\n\nMOTIF M1 lec\n\n"
                        "letter-probability matrix: alength= 4 w= 5 nsites= 3 E= 0\n"
                        " 0.1 0.1 0.1 0.7\n 0.7 0.1 0.1 0.1\n 0.1 0.7 0.1 0.1\n"
                        " 0.5 0.1 0.3 0.1\n 0.7 0.1 0.1 0.1\n")


def test_meme_background_letter_frequencies_are_the_motifs_background(tmp_path):
    path = tmp_path / "bg.meme"
    path.write_text(MEME_WITH_BACKGROUND)
    motif = read(path)[0]
    bg = [0.3, 0.2, 0.2, 0.3]
    assert np.allclose(motif.background, bg)
    plain = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5)
    assert plain.background is None and np.allclose(motif.matrix, plain.matrix)
    seqs = ["GGTACAAGG", "TTTACGATT", "CCCCCCCCC"]
    # scores and p-values use the file's background unless another is given
    own, given = find_hits(motif, seqs, pvalue=0.01), find_hits(plain, seqs, pvalue=0.01, background=bg)
    assert own[["sequence_index", "start", "strand"]].equals(given[["sequence_index", "start", "strand"]])
    assert np.allclose(own.score, given.score) and np.allclose(own.pvalue, given.pvalue)
    assert np.allclose(motif.log_odds(), plain.log_odds(bg))
    assert np.allclose(ScoreDistribution(motif).sf, ScoreDistribution(plain, bg).sf)
    uniform = find_hits(motif, seqs, pvalue=0.01, background=[0.25] * 4)
    assert np.allclose(uniform.score, find_hits(plain, seqs, pvalue=0.01).score)
    assert np.allclose(motif.reverse_complement().background, bg[::-1])
    back = read(write([motif], tmp_path / "again.meme"))[0]
    assert np.allclose(back.background, bg)
    path.write_text(MEME_WITH_BACKGROUND.replace("T 0.3\n", "\n"))
    with pytest.raises(InputError, match="bg.meme.*background letter frequencies give no T"):
        read(path)


def test_meme_files_hold_one_background_and_motifs_with_different_ones_are_refused(tmp_path):
    lecture = PWM.from_instances(LECTURE_SITES, pseudocounts=0.5, name="L1")
    at_rich = PWM(lecture.matrix, name="AT1", background=[0.3, 0.2, 0.2, 0.3])
    also = PWM(lecture.matrix, name="AT2", background={"A": 3, "C": 2, "G": 2, "T": 3})
    back = read(write([at_rich, also], tmp_path / "same.meme"))
    assert all(np.allclose(m.background, [0.3, 0.2, 0.2, 0.3]) for m in back)
    even = PWM(lecture.matrix, name="U1", background=[0.25] * 4)  # uniform, as no background
    assert np.allclose(read(write([lecture, even], tmp_path / "u.meme"))[1].background, 0.25)
    out = tmp_path / "mixed.meme"
    with pytest.raises(InputError, match=r"mixed\.meme: a MEME file holds one background for "
                                         r"all its motifs, but the motifs have different "
                                         r"backgrounds \(L1 uniform; AT1 A 0\.3, C 0\.2, G 0\.2, "
                                         r"T 0\.3\): write them to separate files"):
        write([lecture, at_rich], out)
    assert not out.exists()
    # JASPAR and TRANSFAC hold no background: dropping one is said, a uniform one is not
    for suffix in ("jaspar", "transfac"):
        with pytest.warns(UserWarning, match=rf"{suffix.upper()} files hold no background, so "
                                             r"the background of AT1 is not written"):
            write([lecture, at_rich], tmp_path / f"mixed.{suffix}")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write([lecture, even], tmp_path / "even.jaspar")


def test_minus_strand_pvalues_use_the_complemented_background():
    # under an uneven background (A 0.5, T 0.1) a random window's reverse complement is
    # T-rich: the minus strand's null is the plus matrix's under the complemented
    # background, not the plus strand's null
    rng = np.random.default_rng(7)
    pwm = random_pwm(rng, 5, concentration=0.7)
    bg = np.array([0.5, 0.2, 0.2, 0.1])
    seqs = random_sites(rng, 40, 30)
    dist = ScoreDistribution(pwm, bg)
    words = all_words(5)
    rc = dist.integer_pssm[[3, 2, 1, 0], ::-1]  # the minus-strand filter
    minus = rc[words, np.arange(5)].sum(axis=1)
    weight = np.prod(bg[words], axis=1)  # windows of the given strand drawn from bg

    def exact(site):  # P(a random window scores as well on the minus strand)
        grid = rc[["ACGT".index(c) for c in site], np.arange(5)].sum()
        return weight[minus >= grid].sum()

    hits = find_hits(pwm, seqs, pvalue=0.05, background=bg)
    best = best_hits(pwm, seqs, background=bg)
    for table in (hits, best):
        on_minus = table[table.strand == "-"]
        assert len(on_minus) > 3
        for row in on_minus.itertuples():
            site = seqs[row.sequence_index][row.start:row.end]
            assert row.pvalue == pytest.approx(exact(site), rel=1e-9)
    # the minus-strand threshold is its own: every window with p <= 0.05 is a hit
    expected = sum(exact(s[i:i + 5]) <= 0.05 for s in seqs for i in range(len(s) - 4))
    assert (hits.strand == "-").sum() == expected
    # a complement-symmetric background keeps one shared null distribution
    assert dist.for_minus_strand() is not dist
    even = ScoreDistribution(pwm, [0.3, 0.2, 0.2, 0.3])
    assert even.for_minus_strand() is even


def test_scans_take_generators_and_biopython_records_like_strings():
    from Bio.Seq import Seq
    from Bio.SeqRecord import SeqRecord

    from biochemml.encode.codes import as_sequence_list
    from biochemml.motifs import best_hits, find_hits, score_windows

    pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
    seqs = ["GGTACAAGG", "CCTTGTACC"]  # a '+' site, and a '-' site (TTGTA)
    want = find_hits(pwm, seqs, pvalue=1e-2)
    assert set(want["strand"]) == {"+", "-"}
    cols = ["sequence_index", "start", "strand", "score"]
    for given in ((s for s in seqs), [SeqRecord(Seq(s)) for s in seqs], [Seq(s) for s in seqs]):
        got = find_hits(pwm, given, pvalue=1e-2)  # a record's "<unknown id>" is not RNA
        assert got[cols].equals(want[cols])
    assert best_hits(pwm, (s for s in seqs))["strand"].tolist() == \
        best_hits(pwm, seqs)["strand"].tolist()
    assert score_windows(pwm, (s for s in seqs)).shape == score_windows(pwm, seqs).shape
    # one Seq is one sequence, not one per letter
    assert as_sequence_list(Seq("ACGT")) == (["ACGT"], True)
    assert score_windows(pwm, Seq("GGTACAAGG")).shape[0] == 1


def test_best_hits_gives_tied_windows_to_the_first_whatever_the_batch():
    rng = np.random.default_rng(2)
    motifs = [PWM.from_matrix(rng.gamma(0.3, size=(4, w)) * 20, pseudocounts=0.2, name=f"m{w}")
              for w in (4, 8, 12, 6)]
    seqs = ["".join(rng.choice(list("ACGTN"), p=[.24, .24, .24, .24, .04],
                               size=rng.integers(3, 60))) for _ in range(200)]
    # GCCG at 6 (+) and CGGC at 8 (-) score the same: alone, float32 rounding had picked
    # one, in a batch of 200 the other
    assert seqs[182] == "NNNTCCGCCGGCNAACCTGTGATGT"
    alone = best_hits(motifs[0], [seqs[182]]).iloc[0]
    batch = best_hits(motifs, seqs)
    together = batch[(batch.sequence_index == 182) & (batch.motif_index == 0)].iloc[0]
    assert (alone.start, alone.strand) == (together.start, together.strand) == (6, "+")


def test_best_hits_sequence_pvalue_is_calibrated_on_random_sequences():
    from biochemml.simulate import lecture_pwm

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 100)) for _ in range(500)]
    hits = best_hits(lecture_pwm(), seqs)
    # the best of 2 x 95 windows: a window p-value under 0.01 in most random sequences,
    # a sequence p-value under 0.05 in about 5 % of them
    assert (hits.pvalue < 0.01).mean() > 0.8
    assert 0.03 <= (hits.sequence_pvalue < 0.05).mean() <= 0.08
    windows = 2 * (100 - 6 + 1)
    np.testing.assert_allclose(hits.sequence_pvalue, 1 - (1 - hits.pvalue) ** windows)
    short = best_hits(lecture_pwm(), ["AC"]).iloc[0]
    assert short.sequence_pvalue == 1.0 and short.note == "shorter than the motif"


def test_motif_files_with_small_mistakes_are_read_right_or_refused(tmp_path):
    """Three files that had been read wrongly without a word."""
    two = [PWM.from_instances(LECTURE_SITES, pseudocounts=0.5, name="M1"),
           PWM.from_instances(["CCGGAA", "CCGGAT"], pseudocounts=0.5, name="M2")]
    # TRANSFAC: the last motif without its closing '//' was dropped
    text = write(two, tmp_path / "two.transfac").read_text().rstrip()
    assert text.endswith("//")
    (tmp_path / "open.transfac").write_text(text[:-2].rstrip() + "\n")
    assert [p.name for p in read(tmp_path / "open.transfac")] == ["M1", "M2"]
    # MEME: a matrix shorter than its w= (a file cut short) had been a narrower motif
    meme = write(two, tmp_path / "two.meme").read_text()
    cut = meme[:meme.rindex("\n", 0, len(meme.rstrip()) - 1)] + "\n"  # drop the last row
    (tmp_path / "cut.meme").write_text(cut)
    with pytest.raises(InputError, match=r"motif 'M2': w= 6 but 5 rows of probabilities"):
        read(tmp_path / "cut.meme")
    # JASPAR: a decimal comma had split one count into two columns
    (tmp_path / "comma.jaspar").write_text(">M3\nA [ 1 1 10,5 1 ]\nC [ 1 1 1 1 ]\n"
                                           "G [ 1 1 1 1 ]\nT [ 1 1 1 1 ]\n")
    with pytest.raises(InputError, match=r"line 2: '10,5' has a decimal comma; write decimal "
                                         r"points \(10\.5\)"):
        read(tmp_path / "comma.jaspar")


def test_one_rna_row_does_not_turn_a_dna_table_to_one_strand():
    from biochemml.alphabets import get_alphabet
    from biochemml.motifs.scan import _auto_strands

    dna = get_alphabet("dna")
    seqs = ["ACGTTT", "TTGACA", "GCGUGC", "ATATAT"]
    both, why = _auto_strands(dna, seqs)
    assert both and why.startswith("1 of the 4 sequences hold U (RNA) among 3 with T (DNA), "
                                   "at index 2")
    assert _auto_strands(dna, ["ACGU", "UUGA"]) == (False, "the sequences hold U (RNA)")
    assert _auto_strands(dna, ["ACGT"]) == (True, "")
