"""Honest evaluation splits: random, k-fold, by group, and similarity-aware.

A random split of an MPRA table puts near-copies of most test sequences in the training
set, so its R² says how well a model interpolates between close relatives. A
*similarity-aware* split keeps every pair of sequences within ``max_distance`` mismatches
on one side, so it measures how the model does on sequences unlike its training set.
Report both; the gap between them is the part of the score that came from near-copies.

Distance is the Hamming distance between the padded sequences by default (padding on
the side the model uses, so 5' UTRs are compared aligned at the start codon); a padded
position against a base counts as a mismatch, so two sequences differ by at least their
length difference. ``metric="edit"`` uses the Levenshtein (edit) distance instead, so a
sequence with one inserted or deleted base is a 1-edit neighbour however the rest shifts:
use it for libraries with indels and variable lengths (it compares every pair, with
rapidfuzz's bit-parallel C++ code: fine up to some 10^4-10^5 sequences).

>>> from biochemml.evaluation import similarity_split, hamming_within
>>> seqs = ["AAAA", "AAAT", "CCCC", "CCCG", "GGGG", "TTTT"]
>>> tr, te, ex = similarity_split(seqs, test_size=0.3, max_distance=1, seed=0)
>>> bool(hamming_within(seqs, tr, te, 1).any())
False
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from .alphabets import get_alphabet
from .errors import InputError
from .numeric import is_whole
from .splits import _check_fraction

METRICS = ("hamming", "edit")
_ENUMERATE_MAX = 12000       # variants per sequence up to which neighbours are enumerated
_BRUTE_WORDS = 500_000       # query x reference x packed-word cells compared at once
_POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _codes(sequences, alphabet="dna", pad="left") -> np.ndarray:
    from .encode.codes import as_sequence_list, to_codes

    if isinstance(sequences, np.ndarray) and sequences.dtype == np.uint8 and sequences.ndim == 2:
        return sequences
    seqs, _ = as_sequence_list(sequences)
    return to_codes(seqs, alphabet, pad=pad)[0]


def _symbols(codes: np.ndarray, alphabet) -> int:
    # codes use C symbols, C = unknown, C + 1 = padding
    return get_alphabet(alphabet).size + 2


def _n_variants(length: int, symbols: int, d: int) -> int:
    return sum(math.comb(length, k) * (symbols - 1) ** k for k in range(d + 1))


def _popcount(x: np.ndarray) -> np.ndarray:
    """Number of set bits of each uint64 in ``x`` (numpy < 2 has no ``bitwise_count``)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    return _POP8[x.view(np.uint8)].reshape(*x.shape, 8).sum(axis=-1, dtype=np.uint8)


class _Packed:
    """Reference codes packed ``64 // bits`` symbols to a uint64 word for brute-force
    Hamming distances: XOR two words, fold each symbol's bits onto its lowest one and
    count them, so a pair costs a few operations per word rather than per position."""

    def __init__(self, codes: np.ndarray, symbols: int):
        self.bits = max(1, int(symbols - 1).bit_length())
        self.per = 64 // self.bits
        self.low = np.uint64(sum(1 << (self.bits * i) for i in range(self.per)))
        self.shifts = np.arange(self.per, dtype=np.uint64) * np.uint64(self.bits)
        self.ref = self.pack(codes)

    def pack(self, codes: np.ndarray) -> np.ndarray:
        """``(N, L)`` codes -> ``(N, ceil(L / per))`` uint64 words (extra slots hold 0)."""
        n, length = codes.shape
        words = max(1, -(-length // self.per))
        full = np.zeros((n, words * self.per), dtype=np.uint64)
        full[:, :length] = codes
        return np.bitwise_or.reduce(full.reshape(n, words, self.per) << self.shifts, axis=2)

    def distances(self, query: np.ndarray):
        """Yield ``(row offset, (q, R) int32 Hamming distances)`` chunk by chunk."""
        q = self.pack(query)
        n_ref, words = self.ref.shape
        step = max(1, _BRUTE_WORDS // max(n_ref * words, 1))
        for lo in range(0, len(q), step):
            x = q[lo:lo + step, None, :] ^ self.ref[None]
            y = x.copy()
            for s in range(1, self.bits):
                y |= x >> np.uint64(s)
            y &= self.low
            count = _popcount(y)
            yield lo, (count[..., 0] if words == 1 else count.sum(axis=2)).astype(np.int32)


class _Index:
    """Finds, for query rows, the reference rows within Hamming distance ``d``.

    Short sequences: every variant within ``d`` is enumerated as an integer key and
    looked up in the sorted reference keys. Longer ones: chunked brute-force comparison
    (:class:`_Packed`).
    """

    def __init__(self, codes: np.ndarray, symbols: int, d: int):
        self.codes, self.d, self.s = codes, int(d), symbols
        n, length = codes.shape
        self.enumerate = (length * math.log2(symbols) < 62
                          and _n_variants(length, symbols, d) <= _ENUMERATE_MAX)
        if self.enumerate:
            self.weights = symbols ** np.arange(length - 1, -1, -1, dtype=np.int64)
            self.keys = codes.astype(np.int64) @ self.weights
            self.order = np.argsort(self.keys, kind="stable")
            self.sorted = self.keys[self.order]
        self._packed = None

    @property
    def packed(self) -> _Packed:
        if self._packed is None:
            self._packed = _Packed(self.codes, self.s)
        return self._packed

    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        lo = np.searchsorted(self.sorted, keys, side="left")
        hi = np.searchsorted(self.sorted, keys, side="right")
        cnt = hi - lo
        total = int(cnt.sum())
        within = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        return self.order[np.repeat(lo, cnt) + within]

    def neighbours(self, query: np.ndarray) -> np.ndarray:
        """Sorted unique reference rows within ``d`` of any of the query codes ``(Q, L)``."""
        if len(query) == 0:
            return np.array([], dtype=np.int64)
        if self.enumerate:
            return np.unique(self._lookup(self._variant_keys(query)[0].ravel()))
        hits = np.zeros(len(self.codes), dtype=bool)
        for _, dist in self.packed.distances(query):
            hits |= (dist <= self.d).any(axis=0)
        return np.flatnonzero(hits)

    def _variant_keys(self, query: np.ndarray, d: int | None = None, lowest: int = 0):
        """``(Q, V)`` keys of every variant at distance ``lowest..d`` of each query, and their distances ``(V,)``."""
        d = self.d if d is None else d
        base = query.astype(np.int64) @ self.weights
        cols, dist = ([base[:, None]], [0]) if lowest == 0 else ([], [])
        for k in range(max(lowest, 1), d + 1):
            for pos in itertools.combinations(range(query.shape[1]), k):
                pos = list(pos)
                shifts = np.array(list(itertools.product(range(1, self.s), repeat=k)))  # (S', k)
                old = query[:, pos].astype(np.int64)                                     # (Q, k)
                new = (old[:, None, :] + shifts[None]) % self.s                          # (Q, S', k)
                delta = ((new - old[:, None, :]) * self.weights[pos]).sum(axis=2)
                cols.append(base[:, None] + delta)
                dist += [k] * len(shifts)
        return np.hstack(cols), np.asarray(dist)

    def nearest(self, query: np.ndarray, cap: int) -> np.ndarray:
        """Distance from each query row to its nearest reference row, capped at ``cap + 1``.

        Variants are enumerated up to ``min(cap, d)`` mismatches; the rows with no
        reference row that close (none when ``cap <= d``) are compared with every
        reference row, so every distance up to ``cap`` is exact.
        """
        out = np.full(len(query), cap + 1, dtype=np.int64)
        length = self.codes.shape[1]
        todo = np.arange(len(query))
        if self.enumerate:
            depth = min(cap, self.d)
            for k in range(depth + 1):  # rows found at distance k need no farther variants
                todo = np.flatnonzero(out > cap)
                step = max(1, 4_000_000 // _n_variants(length, self.s, k))
                for lo in range(0, len(todo), step):
                    rows = todo[lo:lo + step]
                    keys, _ = self._variant_keys(query[rows], k, lowest=k)
                    pos = np.searchsorted(self.sorted, keys).clip(max=len(self.sorted) - 1)
                    out[rows[(self.sorted[pos] == keys).any(axis=1)]] = k
            if depth == cap:
                return out
            todo = np.flatnonzero(out > cap)  # farther than ``depth``: compare them all
        for lo, dist in self.packed.distances(query[todo]):
            rows = todo[lo:lo + len(dist)]
            out[rows] = np.minimum(dist.min(axis=1), cap + 1)
        return out


class _EditIndex:
    """Finds, for query rows, the reference rows within edit (Levenshtein) distance ``d``.

    Same interface as :class:`_Index`. Codes are turned back into strings without their
    padding, then compared pairwise in blocks by ``rapidfuzz.process.cdist`` with a score
    cutoff (distances above it come back as ``d + 1``).
    """

    _BLOCK = 4_000_000  # query x reference pairs per cdist call

    def __init__(self, codes: np.ndarray, symbols: int, d: int):
        self.d, self.pad = int(d), symbols - 1
        self.strings = self._strings(codes)

    def _strings(self, codes: np.ndarray) -> list[str]:
        table = np.array([chr(65 + c) for c in range(self.pad)] + [""], dtype=object)
        return ["".join(table[row]) for row in codes]

    def _distances(self, query: np.ndarray, cutoff: int):
        """Yield ``(row offset, (q, R) distances capped at cutoff + 1)`` block by block."""
        from rapidfuzz.distance import Levenshtein
        from rapidfuzz.process import cdist

        q = self._strings(query)
        step = max(1, self._BLOCK // max(len(self.strings), 1))
        for lo in range(0, len(q), step):
            yield lo, cdist(q[lo:lo + step], self.strings, scorer=Levenshtein.distance,
                            score_cutoff=cutoff, dtype=np.int32, workers=1)

    def neighbours(self, query: np.ndarray) -> np.ndarray:
        """Sorted unique reference rows within ``d`` edits of any of the query codes."""
        hits = np.zeros(len(self.strings), dtype=bool)
        for _, dist in self._distances(query, self.d):
            hits |= (dist <= self.d).any(axis=0)
        return np.flatnonzero(hits)

    def nearest(self, query: np.ndarray, cap: int) -> np.ndarray:
        """Edit distance from each query row to its nearest reference row, capped at ``cap + 1``."""
        out = np.full(len(query), cap + 1, dtype=np.int64)
        for lo, dist in self._distances(query, cap):
            out[lo:lo + len(dist)] = np.minimum(dist.min(axis=1), cap + 1)
        return out


def _index(codes: np.ndarray, alphabet: str, d: int, metric: str):
    if metric not in METRICS:
        raise InputError(f"metric must be 'hamming' or 'edit', not '{metric}'")
    return (_Index if metric == "hamming" else _EditIndex)(codes, _symbols(codes, alphabet), d)


def default_max_distance(sequences) -> int:
    """Default threshold: 10 % of the median length (at least 1 mismatch)."""
    from .encode.codes import as_sequence_list

    seqs, _ = as_sequence_list(sequences)
    return max(1, int(round(0.1 * float(np.median([len(s) for s in seqs])))))


def similarity_split(sequences, test_size: float = 0.2, max_distance: int | None = None,
                     seed: int = 0, n_regions: int = 5, alphabet: str = "dna",
                     pad: str = "left", metric: str = "hamming"):
    """Split so that no training and test sequence are within ``max_distance`` of each other.

    Test sequences are drawn as whole clusters: from a random seed sequence, every
    sequence within ``max_distance`` is added, then their neighbours, and so on, until the
    cluster is complete or holds ``test_size / n_regions`` of the table. Sequences still
    within ``max_distance`` of the test set are then *excluded* (used for neither side):
    on sparse libraries (random 5' UTRs) there are none and the split is random; on
    complete landscapes (all 4^9 SD sequences) the excluded shell is large, and the test
    set is a set of regions of sequence space the model never saw.

    Parameters
    ----------
    sequences : sequence of str, shape (N,), or ndarray of uint8 codes (N, L)
    test_size : float
        Fraction of the rows to put in the test set.
    max_distance : int, optional
        Distance threshold; default :func:`default_max_distance` (10 % of the median length).
    seed : int
    n_regions : int
        Number of test clusters a dense landscape is cut into (more regions: a more
        representative test set, but more sequences excluded).
    alphabet : {"dna", "rna", "protein"}
    pad : {"left", "right"}
        Alignment of sequences of different lengths (Hamming distance).
    metric : {"hamming", "edit"}
        Mismatches between the aligned sequences, or insertions, deletions and
        substitutions (Levenshtein).

    Returns
    -------
    train, test, excluded : ndarray of int
        Sorted row positions in ``sequences`` (0-based), not pandas index labels (use
        ``table.iloc[test]``); together they cover every row once. The test set can hold
        fewer rows than ``test_size`` asks when the rest all lie near it.

    Raises
    ------
    InputError
        When no training row remains (on a dense landscape at a large ``max_distance``
        every sequence can lie within reach of the test set): use a smaller
        ``max_distance``.
    """
    _check_fraction(test_size, "test_size", zero=False)
    codes = _codes(sequences, alphabet, pad)
    n = len(codes)
    if n < 2:
        raise InputError(f"need at least 2 sequences to split, got {n}")
    d = default_max_distance([" " * codes.shape[1]]) if max_distance is None and \
        isinstance(sequences, np.ndarray) and sequences.dtype == np.uint8 else (
        default_max_distance(sequences) if max_distance is None else int(max_distance))
    if d < 0:
        raise InputError(f"max_distance must be 0 or more, got {d}")
    index = _index(codes, alphabet, d, metric)
    rng = np.random.default_rng(seed)
    target = max(1, int(round(test_size * n)))
    cap = max(1, math.ceil(target / max(int(n_regions), 1)))
    state = np.zeros(n, dtype=np.int8)  # 0 free, 1 test, 2 excluded
    n_test = 0
    for start in rng.permutation(n):
        if n_test >= target:
            break
        if state[start] != 0:
            continue
        cluster = [np.array([start])]
        state[start] = 1
        n_test += 1
        size, frontier = 1, cluster[0]
        while len(frontier) and size < cap and n_test < target:
            nb = index.neighbours(codes[frontier])
            nb = nb[state[nb] == 0]
            room = min(cap - size, target - n_test)
            if len(nb) > room:
                nb = np.sort(rng.choice(nb, size=room, replace=False))
            state[nb] = 1
            n_test += len(nb)
            size += len(nb)
            cluster.append(nb)
            frontier = nb
        members = np.concatenate(cluster)
        shell = index.neighbours(codes[members])
        state[shell[state[shell] == 0]] = 2
    train, test, excluded = (np.flatnonzero(state == k) for k in (0, 1, 2))
    if not len(train):  # the test set always holds its first seed, so only training can be empty
        raise InputError(
            f"at max_distance={d} no training rows remain: every one of the {n} sequences is "
            f"in the test set ({len(test)}) or within distance {d} of a test sequence "
            f"({len(excluded)} left out); " + (f"use a smaller max_distance (--max-distance on the command "
                             f"line), such as {d - 1}" if d > 0 else
                             "the sequences are copies of each other, which no split can "
                             "keep apart"))
    return train, test, excluded


def hamming_within(sequences, rows_a, rows_b, max_distance: int, alphabet: str = "dna",
                   pad: str = "left") -> np.ndarray:
    """Which rows of ``rows_a`` have a row of ``rows_b`` within ``max_distance`` mismatches.

    Returns
    -------
    ndarray of bool, shape (len(rows_a),)
    """
    codes = _codes(sequences, alphabet, pad)
    a, b = np.asarray(rows_a, dtype=int), np.asarray(rows_b, dtype=int)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(len(a), dtype=bool)
    index = _Index(codes[b], _symbols(codes, alphabet), max_distance)
    return index.nearest(codes[a], int(max_distance)) <= max_distance


def nearest_distance(query, reference, cap: int = 5, alphabet: str = "dna",
                     pad: str = "left", metric: str = "hamming") -> np.ndarray:
    """Distance from each query sequence to its nearest reference sequence.

    Parameters
    ----------
    query, reference : sequence of str
        E.g. test and training sequences. Both are padded to one common length.
    cap : int
        Distances up to ``cap`` are exact; larger ones are reported as ``cap + 1``
        ("farther").
    metric : {"hamming", "edit"}
        See :func:`similarity_split`.

    Returns
    -------
    ndarray of int, shape (len(query),)

    Examples
    --------
    >>> nearest_distance(["AAAAAAAAA", "AAAAAAAAC", "CCCCCCCCC"], ["AAAAAAAAA"], cap=5).tolist()
    [0, 1, 6]
    """
    from .encode.codes import as_sequence_list

    if metric not in METRICS:
        raise InputError(f"metric must be 'hamming' or 'edit', not '{metric}'")
    if not is_whole(cap) or cap < 0:
        raise InputError(f"cap must be a whole number of 0 or more, not {cap!r}")
    cap = int(cap)
    q, _ = as_sequence_list(query)
    r, _ = as_sequence_list(reference)
    codes = _codes(list(q) + list(r), alphabet, pad)
    if metric == "edit":
        return _index(codes[len(q):], alphabet, cap, metric).nearest(codes[:len(q)], cap)
    symbols = _symbols(codes, alphabet)
    # short sequences: enumerate variants up to the largest distance that stays cheap;
    # the rows with no reference that close are then compared with every reference row
    d = cap
    while d > 0 and _n_variants(codes.shape[1], symbols, d) > _ENUMERATE_MAX:
        d -= 1
    return _Index(codes[len(q):], symbols, d).nearest(codes[:len(q)], cap)


def _group_codes(groups, n: int | None = None) -> tuple[np.ndarray, int]:
    """``(N,)`` integer codes of ``groups`` (any labels, mixed types too) and the number
    of groups; rows without a group (NaN, None) are refused."""
    import pandas as pd

    g = np.asarray(groups, dtype=object) if not isinstance(groups, np.ndarray) else groups
    if g.ndim != 1:
        raise InputError(f"groups must be one label per row, got an array of shape {g.shape}")
    if n is not None and len(g) != n:
        raise InputError(f"groups has {len(g)} values for {n} rows")
    series = pd.Series(g, dtype=object)
    try:  # sorted labels: the same codes (and splits) as sklearn's own np.unique gives
        codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    except TypeError:  # labels of several types that do not sort together
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    missing = int((codes < 0).sum())
    if missing:
        raise InputError(f"{missing} of {len(g)} rows have no group (NaN or None): fill in "
                         "their group or drop those rows")
    return codes, len(uniques)


def kfold_indices(n, n_splits: int = 5, seed: int = 0, groups=None):
    """k-fold cross-validation indices, shuffled and seeded; by group when ``groups`` is given.

    Parameters
    ----------
    n : int, or a table / array
        Number of rows (a DataFrame, Series or array counts as its number of rows).
    n_splits : int
        Number of folds, a whole number from 2 to ``n``.
    seed : int
        Shuffles the rows, or with ``groups`` the order in which groups are dealt out,
        so another seed gives other folds.
    groups : array-like, shape (n,), optional
        Group of each row; every group lies wholly in one fold. Groups are taken in a
        seeded random order and each goes to the fold with the fewest rows so far, so
        fold sizes differ by at most the largest group. Rows without a group (NaN,
        None) are refused.

    Returns
    -------
    list of (train, test) ndarray pairs
        Sorted row indices (positions, 0-based); every row is in exactly one test fold.
    """
    from sklearn.model_selection import KFold

    from .splits import row_count

    n = row_count(n)
    if not is_whole(n_splits) or not 2 <= n_splits <= n:
        raise InputError(f"n_splits must be a whole number of folds from 2 to the number of "
                         f"rows ({n}), not {n_splits!r}")
    idx = np.arange(n)
    if groups is None:
        return [(np.sort(tr), np.sort(te))
                for tr, te in KFold(n_splits, shuffle=True, random_state=seed).split(idx)]
    codes, n_groups = _group_codes(groups, n)
    if n_groups < n_splits:
        raise InputError(f"{n_groups} groups cannot fill {n_splits} folds")
    sizes = np.bincount(codes, minlength=n_groups)
    fold_of_group = np.empty(n_groups, dtype=np.int64)
    rows_in_fold = np.zeros(n_splits, dtype=np.int64)
    for g in np.random.default_rng(seed).permutation(n_groups):
        f = int(np.argmin(rows_in_fold))  # ties: the lowest fold, so no fold stays empty
        fold_of_group[g] = f
        rows_in_fold[f] += sizes[g]
    fold = fold_of_group[codes]
    return [(idx[fold != f], idx[fold == f]) for f in range(n_splits)]


def group_names(groups, limit: int = 10) -> str:
    """The distinct values of ``groups`` for a sentence: ``'lib2'``, or ``'a', 'b', ...
    (12 groups)`` beyond ``limit``."""
    names = sorted({str(g) for g in groups})
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", ... ({len(names)} groups)" if len(names) > limit else "")


class SplitWarning(UserWarning):
    """A split came out other than asked: :func:`group_split` with too few groups for
    ``test_size`` holds out a whole group, a larger (or smaller) share of the rows."""


def group_split(groups, test_size: float = 0.2, seed: int = 0):
    """Train/test rows with every group wholly on one side (``GroupShuffleSplit``).

    Parameters
    ----------
    groups : array-like, shape (N,)
        Group of each row (any labels). Rows without a group (NaN, None) are refused:
        give them a group of their own or drop them.
    test_size : float
        Fraction of the groups (not rows) held out, above 0 and below 1 (not a number of
        groups).
    seed : int

    Returns
    -------
    train, test : ndarray of int
        Sorted row positions (0-based), not pandas index labels: use ``.iloc``.

    Warns
    -----
    SplitWarning
        When the test set holds a share of the rows far from ``test_size`` (more than 5
        points and a quarter of ``test_size`` away): with few groups, whole groups go to
        the test set, so 2 groups and ``test_size=0.2`` hold out half the rows. The
        sentence names the groups held out. (``biochemml train`` says the same itself.)
    """
    import sys
    import warnings

    from sklearn.model_selection import GroupShuffleSplit

    _check_fraction(test_size, "test_size", zero=False)
    codes, n_groups = _group_codes(groups)
    if n_groups < 2:
        raise InputError("the group column has a single value: it cannot split the table")
    tr, te = next(GroupShuffleSplit(1, test_size=test_size, random_state=seed)
                  .split(codes, groups=codes))
    share = len(te) / len(codes)
    caller = sys._getframe(1).f_globals.get("__name__", "")
    if abs(share - test_size) > max(0.05, test_size / 4) and not caller.startswith("biochemml."):
        held = np.unique(codes[te])
        values = np.asarray(groups, dtype=object)
        warnings.warn(
            f"only {n_groups} groups: whole groups go to one side, so the test set is "
            f"{len(held)} of them ({group_names(values[te])}), {len(te)} of {len(codes)} rows "
            f"({share:.0%}), not the {test_size:.0%} asked for. With so few groups, a random "
            "split scored per group (metrics.regression_metrics_by_group) says more, or hold "
            "out each group in turn", SplitWarning, stacklevel=2)
    return np.sort(tr), np.sort(te)


def error_by_distance(y_true, y_pred, distance, n_boot: int = 500, seed: int = 0,
                      max_bins: int | None = None) -> dict:
    """Mean absolute error per distance to the nearest training sequence, with 95% intervals.

    Parameters
    ----------
    y_true, y_pred, distance : array-like, shape (N,)
        Rows where any of the three is NaN (a missing measurement) are left out; the
        ``"n"`` of each bin counts the rows used.
    max_bins : int, optional
        Group the distances into at most ``max_bins`` ranges of about equal counts, keyed
        ``"lo-hi"`` (inclusive; ``"d"`` for a range of one value), for long sequences: a
        test UTR is often 20-40 mismatches from its nearest training UTR, and one bar per
        distance would hold a row or two; exact copies of a training sequence (distance 0)
        always keep a bin of their own. Default: one bin per distance.

    Returns
    -------
    dict
        ``"<d>"`` (or ``"<lo>-<hi>"``) -> ``{"value", "low", "high", "n"}``, from near to
        far (the last bin ``"> cap"`` when distances were capped), in
        :func:`biochemml.plot.metric_by_group` form.
    """
    from .metrics import bootstrap_ci

    try:
        t, p, dist = (np.asarray(v, dtype=float) for v in (y_true, y_pred, distance))
    except (TypeError, ValueError):
        raise InputError("y_true, y_pred and distance must hold numbers") from None
    if not t.ndim == p.ndim == dist.ndim == 1 or not len(t) == len(p) == len(dist):
        raise InputError(f"y_true, y_pred and distance must be one value per row, got "
                         f"shapes {t.shape}, {p.shape} and {dist.shape}")
    ok = ~(np.isnan(t) | np.isnan(p) | np.isnan(dist))
    if not ok.any():
        raise InputError("no row has a true value, a prediction and a distance (all NaN)")
    t, p, dist = t[ok], p[ok], dist[ok]
    values = np.unique(dist)
    if max_bins is not None and values.size > 1:  # (at least one distance above 0 then)
        # exact copies of training sequences (replicates) get their own bar: inside "0-15"
        # they would pass for near relatives
        copies = dist == 0
        groups = [("0", copies)] if copies.any() else []
        rest = dist[~copies]
        bins = max(1, max_bins - len(groups))
        edges = np.unique(np.quantile(rest, np.linspace(0, 1, bins + 1))[1:-1].round())
        codes = np.full(len(dist), -1)
        codes[~copies] = np.searchsorted(edges, rest, side="right")
        for c in np.unique(codes[~copies]):
            ok = codes == c
            lo, hi = dist[ok].min(), dist[ok].max()
            groups.append((f"{int(lo)}" if lo == hi else f"{int(lo)}-{int(hi)}", ok))
    else:
        groups = [(str(int(d)), dist == d) for d in values]
    out = {}
    for key, ok in groups:
        err = np.abs(t[ok] - p[ok])
        low, high = bootstrap_ci("mae", t[ok], p[ok], n_boot=n_boot, seed=seed) if ok.sum() > 1 \
            else (float(err[0]), float(err[0]))
        out[key] = {"value": float(err.mean()), "low": low, "high": high, "n": int(ok.sum())}
    return out
