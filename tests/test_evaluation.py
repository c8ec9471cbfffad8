"""Honest evaluation splits: similarity-aware, k-fold, group; distance to training set."""
import itertools

import numpy as np
import pytest

from biochemml.encode import to_codes
from biochemml.errors import InputError
from biochemml.evaluation import (error_by_distance, group_split, hamming_within, kfold_indices,
                                  nearest_distance, similarity_split)


def _brute_distance(seqs, pad="left"):
    codes = to_codes(list(seqs), pad=pad)[0]
    return (codes[:, None, :] != codes[None, :, :]).sum(axis=2)


def _library(n=600, length=12, seed=0, varlen=False):
    """Random sequences plus near-copies (1-2 mismatches) of some of them."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), rng.integers(length - 3, length + 1) if varlen
                               else length)) for _ in range(n)]
    for s in list(seqs[:150]):
        pos = rng.choice(len(s), size=rng.integers(1, 3), replace=False)
        t = list(s)
        for p in pos:
            t[p] = "ACGT"[("ACGT".index(t[p]) + 1) % 4]
        seqs.append("".join(t))
    return seqs


@pytest.mark.parametrize("max_distance", [1, 2, 3])
@pytest.mark.parametrize("varlen", [False, True])
def test_similarity_split_never_puts_close_pairs_on_both_sides(max_distance, varlen):
    seqs = _library(varlen=varlen)
    tr, te, ex = similarity_split(seqs, test_size=0.2, max_distance=max_distance, seed=4)
    assert sorted(np.concatenate([tr, te, ex]).tolist()) == list(range(len(seqs)))
    dist = _brute_distance(seqs)
    assert dist[np.ix_(tr, te)].min() > max_distance
    assert len(te) == round(0.2 * len(seqs)) and len(tr) > 0.5 * len(seqs)


def test_similarity_split_on_a_complete_landscape_leaves_a_shell_out():
    seqs = ["".join(p) for p in itertools.product("ACGT", repeat=5)]  # every 5-mer
    tr, te, ex = similarity_split(seqs, test_size=0.1, max_distance=1, seed=0, n_regions=1)
    assert len(ex) > 0 and len(tr) > 0
    assert _brute_distance(seqs)[np.ix_(tr, te)].min() >= 2
    assert not hamming_within(seqs, tr, te, 1).any()


def test_similarity_split_is_seeded():
    seqs = _library(seed=1)
    a = similarity_split(seqs, 0.2, 1, seed=7)
    b = similarity_split(seqs, 0.2, 1, seed=7)
    c = similarity_split(seqs, 0.2, 1, seed=8)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[1], c[1])


def _levenshtein(a: str, b: str) -> int:
    """Textbook dynamic programme, independent of rapidfuzz."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _indel_library(n=250, seed=5):
    """Random 10-14 nt sequences plus copies with one base inserted or deleted."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), rng.integers(10, 15))) for _ in range(n)]
    for s in list(seqs[:60]):
        p = int(rng.integers(0, len(s)))
        seqs.append(s[:p] + s[p + 1:] if rng.random() < 0.5 else s[:p] + "ACGT"[p % 4] + s[p:])
    return seqs


@pytest.mark.parametrize("max_distance", [1, 2])
def test_edit_distance_split_keeps_indel_copies_on_one_side(max_distance):
    seqs = _indel_library()
    tr, te, ex = similarity_split(seqs, test_size=0.2, max_distance=max_distance, seed=1,
                                  metric="edit")
    assert sorted(np.concatenate([tr, te, ex]).tolist()) == list(range(len(seqs)))
    closest = min(_levenshtein(seqs[i], seqs[j]) for i in tr for j in te)
    assert closest > max_distance and len(te) == round(0.2 * len(seqs))
    # a 5' deletion shifts every base, so Hamming alone misses such pairs
    a, b = "ACGTACGTAC", "CGTACGTAC"
    assert nearest_distance([a], [b], cap=3, pad="right")[0] > 2
    assert nearest_distance([a], [b], cap=3, pad="right", metric="edit")[0] == 1


def test_edit_nearest_distance_matches_dynamic_programming():
    seqs = _indel_library(n=120, seed=9)
    q, r = seqs[:30], seqs[30:]
    want = [min(min(_levenshtein(a, b) for b in r), 4) for a in q]
    np.testing.assert_array_equal(nearest_distance(q, r, cap=3, metric="edit"), want)
    with pytest.raises(Exception, match="metric"):
        similarity_split(seqs, 0.2, 1, metric="jaccard")


@pytest.mark.parametrize("length,cap", [(8, 3), (40, 6)])  # enumerated and brute-force paths
def test_nearest_distance_matches_brute_force(length, cap):
    seqs = _library(n=300, length=length, seed=2)
    q, r = seqs[:60], seqs[60:]
    got = nearest_distance(q, r, cap=cap)
    want = np.minimum(_brute_distance(seqs)[:60, 60:].min(axis=1), min(cap, 3 if length < 20 else cap) + 1)
    np.testing.assert_array_equal(got, want)


def test_nearest_distance_reports_farther_rows_as_cap_plus_one():
    # 9 nt: variants are enumerated to 3 mismatches only; CCCCCCCCC is 9 away
    got = nearest_distance(["AAAAAAAAA", "AAAAAAAAC", "CCCCCCCCC"], ["AAAAAAAAA"], cap=5)
    np.testing.assert_array_equal(got, [0, 1, 6])
    np.testing.assert_array_equal(
        nearest_distance(["AAAAAAAAA", "CCCCCCCCC", "CCCCCAAAA"], ["AAAAAAAAA"], cap=9), [0, 9, 5])


@pytest.mark.parametrize("length,cap", [(9, 9), (12, 6), (30, 30)])
def test_nearest_distance_is_exact_up_to_cap_beyond_the_enumeration_depth(length, cap):
    rng = np.random.default_rng(3)
    seqs = _library(n=300, length=length, seed=4)
    seqs += ["".join(rng.choice(list("ACGTN"), length)) for _ in range(40)]  # far, with N
    q, r = seqs[-100:], seqs[:-100]
    got = nearest_distance(q, r, cap=cap)
    want = np.minimum(_brute_distance(seqs)[-100:, :-100].min(axis=1), cap + 1)
    np.testing.assert_array_equal(got, want)
    assert want.max() > 3  # some rows lie beyond the enumerated depth


def test_nearest_distance_packs_protein_symbols_exactly():
    rng = np.random.default_rng(5)
    aa = list("ACDEFGHIKLMNPQRSTVWY")
    seqs = ["".join(rng.choice(aa, rng.integers(14, 31))) for _ in range(120)]
    codes = to_codes(seqs, "protein", pad="left")[0]
    want = (codes[:30, None, :] != codes[None, 30:, :]).sum(axis=2).min(axis=1)
    got = nearest_distance(seqs[:30], seqs[30:], cap=30, alphabet="protein")
    np.testing.assert_array_equal(got, np.minimum(want, 31))


def test_nearest_distance_refuses_an_unknown_metric():
    with pytest.raises(InputError, match="metric must be 'hamming' or 'edit'"):
        nearest_distance(["ACGT"], ["ACGA"], metric="levenshtein")
    with pytest.raises(InputError, match="cap"):
        nearest_distance(["ACGT"], ["ACGA"], cap=-1)


def test_kfold_puts_every_row_in_one_test_fold_and_keeps_groups_together():
    folds = kfold_indices(103, 5, seed=0)
    tests = np.concatenate([te for _, te in folds])
    assert sorted(tests.tolist()) == list(range(103))
    groups = np.repeat(np.arange(20), 5)
    for tr, te in kfold_indices(100, 4, groups=groups):
        assert not set(groups[tr]) & set(groups[te])


def test_group_split_keeps_each_group_on_one_side():
    groups = np.repeat(list("abcdefghij"), 7)
    tr, te = group_split(groups, test_size=0.3, seed=0)
    assert not set(groups[tr]) & set(groups[te]) and len(te) > 0


def test_kfold_groups_are_seeded_and_each_group_stays_in_one_fold():
    groups = np.repeat(np.arange(20), 5)
    a = kfold_indices(100, 4, seed=0, groups=groups)
    b = kfold_indices(100, 4, seed=0, groups=groups)
    c = kfold_indices(100, 4, seed=1, groups=groups)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b))
    assert any(not np.array_equal(x[1], y[1]) for x, y in zip(a, c))
    for folds in (a, c):
        tests = np.concatenate([te for _, te in folds])
        assert sorted(tests.tolist()) == list(range(100))
        assert [len(te) for _, te in folds] == [25, 25, 25, 25]  # 5 groups of 5 rows each
        for tr, te in folds:
            assert not set(groups[tr]) & set(groups[te])
            assert len(tr) + len(te) == 100


def test_kfold_counts_the_rows_of_a_table():
    import pandas as pd

    folds = kfold_indices(pd.DataFrame({"x": range(12)}), 3, seed=2)
    assert [te.tolist() for _, te in folds] == [te.tolist() for _, te in kfold_indices(12, 3, seed=2)]
    with pytest.raises(InputError, match="whole number"):
        kfold_indices(12.5, 3)


def test_rows_without_a_group_are_refused_in_words():
    groups = ["a", None, "b", np.nan, "a", "c"]
    with pytest.raises(InputError, match="2 of 6 rows have no group"):
        group_split(groups)
    with pytest.raises(InputError, match="2 of 6 rows have no group"):
        kfold_indices(6, 2, groups=groups)
    with pytest.raises(InputError, match="1 of 3 rows have no group"):
        group_split(np.array([1.0, np.nan, 2.0]))


def test_group_split_is_sklearns_on_any_labels():
    from sklearn.model_selection import GroupShuffleSplit

    groups = np.repeat(list("jihgfedcba"), 7)
    _, want = next(GroupShuffleSplit(1, test_size=0.3, random_state=5).split(groups, groups=groups))
    np.testing.assert_array_equal(group_split(groups, test_size=0.3, seed=5)[1], np.sort(want))
    tr, te = group_split([1, "a", 1, "a", 2, 2, "b", "b"], test_size=0.5, seed=0)  # mixed types
    assert len(tr) + len(te) == 8 and len(te) > 0


def test_error_by_distance_skips_missing_values_and_checks_lengths():
    out = error_by_distance([1.0, 2.0, np.nan, 4.0, 5.0], [1.0, 2.5, 3.0, np.nan, 6.0],
                            [1, 1, 2, 2, 3], n_boot=20)
    assert list(out) == ["1", "3"]
    assert out["1"]["value"] == pytest.approx(0.25) and out["1"]["n"] == 2
    assert out["3"]["value"] == pytest.approx(1.0)
    with pytest.raises(InputError, match="one value per row"):
        error_by_distance([1.0, 2.0], [1.0, 2.0, 3.0], [1, 1, 1])
    with pytest.raises(InputError, match="all NaN"):
        error_by_distance([np.nan], [1.0], [1])


def test_error_by_distance_gives_one_bin_per_distance():
    out = error_by_distance([1.0, 2.0, 3.0, 4.0], [1.0, 2.5, 3.0, 5.0], [1, 1, 2, 2], n_boot=50)
    assert list(out) == ["1", "2"]
    assert out["1"]["value"] == pytest.approx(0.25) and out["2"]["n"] == 2


def test_error_by_distance_groups_many_distances_into_ranges():
    dist = np.repeat(np.arange(10, 40), 4)  # 30 distinct distances, 120 rows
    truth = np.zeros(dist.size)
    pred = dist / 10.0  # error grows with distance
    out = error_by_distance(truth, pred, dist, n_boot=20, max_bins=5)
    assert 2 <= len(out) <= 5
    assert sum(v["n"] for v in out.values()) == dist.size
    bounds = [tuple(int(x) for x in k.split("-")) for k in out]
    assert bounds[0][0] == 10 and bounds[-1][-1] == 39
    assert all(a[-1] < b[0] for a, b in zip(bounds, bounds[1:]))  # ordered, no overlap
    errors = [v["value"] for v in out.values()]
    assert errors == sorted(errors)
    # few distinct distances keep one bin each
    assert list(error_by_distance(truth[:8], pred[:8], dist[:8], max_bins=5)) == ["10", "11"]


def test_exact_copies_of_training_sequences_keep_their_own_distance_bin():
    dist = np.concatenate([np.zeros(30), np.repeat(np.arange(1, 40), 4)])
    truth = np.zeros(dist.size)
    pred = np.where(dist == 0, 0.1, 1.0)
    out = error_by_distance(truth, pred, dist, n_boot=20, max_bins=4)
    assert list(out)[0] == "0" and out["0"]["n"] == 30 and out["0"]["value"] == pytest.approx(0.1)
    assert len(out) == 4 and sum(v["n"] for v in out.values()) == dist.size
    assert list(out)[1].startswith("1-")


def test_a_run_of_long_sequences_bins_its_error_by_distance(tmp_path):
    from biochemml.runs import train_run

    rng = np.random.default_rng(4)
    seqs = ["".join(rng.choice(list("ACGT"), 60)) for _ in range(200)]
    y = [s.count("G") + rng.normal(0, 0.5) for s in seqs]
    import pandas as pd

    pd.DataFrame({"utr": seqs, "gfp": y}).to_csv(tmp_path / "t.csv", index=False)
    run = train_run(tmp_path / "t.csv", sequence_column_name="utr", target_columns=["gfp"],
                    task="regression", model="ridge", baselines=False, out=tmp_path / "run")
    import json

    bins = json.loads((run / "metrics.json").read_text())["error_by_distance"]
    assert len(bins) >= 3  # random 60-nt sequences are 20-40 mismatches apart: not one "> 3" bar
    assert sum(v["n"] for v in bins.values()) == 40
