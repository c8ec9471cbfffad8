"""Variant encodings: full-sequence one-hot, and sparse mutation-only features for additive models.

* :func:`variant_one_hot` -> ``(N, L, 20)`` one-hot of every mutant sequence (the input of
  the sequence CNNs).
* :class:`MutationEncoder` -> a sparse ``(N, K)`` matrix with one column per
  (position, new residue) seen when fitting (an additive, "independent sites" model is a
  linear model on it), optionally with pairwise columns for pairs of mutations seen
  together often enough (a first step beyond additivity).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..alphabets import PROTEIN
from ..encode import one_hot
from ..errors import InputError
from .mutations import apply_variants, variant_table

_CODE = {ord(a): i for i, a in enumerate(PROTEIN.symbols + "*")}
N_RESIDUES = 21  # 20 amino acids + stop


def variant_one_hot(variants, wildtype: str, offset: int = 0, dtype=np.float32) -> np.ndarray:
    """One-hot encode the mutant sequences of ``variants``.

    Parameters
    ----------
    variants : sequence of str
        ``N`` variant strings such as ``"A108D:N144D"``.
    wildtype : str
        Wild-type sequence of length ``L``.
    offset : int
        Number of the first residue in the variants' numbering.
    dtype : numpy dtype

    Returns
    -------
    ndarray, shape (N, L, 20)
        Channels in alphabetical amino-acid order; a stop (``*``) is an all-zero row.
    """
    seqs = apply_variants(wildtype, variants, offset=offset, stop="keep")
    return one_hot(seqs, alphabet="protein", dtype=dtype)


def mutation_codes(variants, wildtype: str, offset: int = 0):
    """Variant rows, 0-based positions and residue codes (0-19 amino acids, 20 stop) of every mutation.

    Returns
    -------
    rows, index, residue : ndarray of int64, each shape (M,)
    """
    rows, index, mt = variant_table(list(variants), wildtype, offset)
    lut = np.zeros(256, dtype=np.int64)
    for byte, code in _CODE.items():
        lut[byte] = code
    return rows, index, lut[mt]


class MutationEncoder:
    """Sparse mutation-only features: one column per (position, new residue) seen in ``fit``.

    Parameters
    ----------
    wildtype : str
        Wild-type sequence (length ``L``).
    offset : int
        Number of the first residue in the variants' numbering (0 or 1 usually).
    pairwise : bool
        Add one column per *pair* of mutations seen together in at least
        ``min_pair_count`` fitted variants (epistasis terms).
    min_pair_count : int
        Support needed for a pair column.

    Attributes
    ----------
    columns_ : list of str
        Column names such as ``"A108D"`` (0-based or 1-based as ``offset`` says) and
        ``"A108D+N144D"`` for pairs.
    n_features_ : int

    Notes
    -----
    Mutations never seen during ``fit`` get no column: they add nothing (an additive
    model predicts the wild-type effect for them). The wild type is the all-zero row.

    Examples
    --------
    >>> enc = MutationEncoder("MKTAYIA").fit(["K1R", "K1R:A3G"])
    >>> enc.columns_
    ['K1R', 'A3G']
    >>> enc.transform(["A3G", "T2S"]).toarray()
    array([[0., 1.],
           [0., 0.]], dtype=float32)
    """

    def __init__(self, wildtype: str, offset: int = 0, pairwise: bool = False,
                 min_pair_count: int = 5):
        self.wildtype = wildtype
        self.offset = offset
        self.pairwise = pairwise
        self.min_pair_count = min_pair_count

    def _keys(self, variants):
        rows, index, res = mutation_codes(variants, self.wildtype, self.offset)
        return rows, index * N_RESIDUES + res

    def fit(self, variants, y=None):
        """Learn the columns from ``variants`` (sequence of str); returns self."""
        variants = list(variants)
        rows, keys = self._keys(variants)
        single = np.unique(keys)
        self._single = {int(k): i for i, k in enumerate(single)}
        names = [self._name(int(k)) for k in single]
        self._pairs: dict[int, int] = {}
        if self.pairwise:
            pair_keys = self._pair_keys(rows, keys)[1]
            uniq, counts = np.unique(pair_keys, return_counts=True)
            for k in uniq[counts >= self.min_pair_count]:
                self._pairs[int(k)] = len(names)
                a, b = divmod(int(k), self._n_keys)
                names.append(self._name(a) + "+" + self._name(b))
        self.columns_ = names
        self.n_features_ = len(names)
        return self

    @property
    def _n_keys(self) -> int:
        return len(self.wildtype) * N_RESIDUES

    def _name(self, key: int) -> str:
        j, r = divmod(key, N_RESIDUES)
        return f"{self.wildtype[j]}{j + self.offset}{(PROTEIN.symbols + '*')[r]}"

    def _pair_keys(self, rows, keys):
        """All within-variant pairs (a < b) as one integer key each."""
        order = np.lexsort((keys, rows))
        rows, keys = rows[order], keys[order]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        counts = np.diff(np.r_[starts, rows.size])
        pr, pk = [], []
        for s, c in zip(starts.tolist(), counts.tolist()):
            if c < 2:
                continue
            a, b = np.triu_indices(c, 1)
            pr.append(np.full(a.size, rows[s]))
            pk.append(keys[s + a] * self._n_keys + keys[s + b])
        if not pr:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(pr), np.concatenate(pk)

    def transform(self, variants) -> sp.csr_matrix:
        """Encode ``variants`` as a sparse float32 matrix of shape ``(N, n_features_)``."""
        if not hasattr(self, "columns_"):
            raise InputError("this MutationEncoder is not fitted yet; call fit(variants) first")
        variants = list(variants)
        rows, keys = self._keys(variants)
        cols = np.array([self._single.get(int(k), -1) for k in keys], dtype=np.int64)
        r_all, c_all = [rows[cols >= 0]], [cols[cols >= 0]]
        if self._pairs:
            pr, pk = self._pair_keys(rows, keys)
            pc = np.array([self._pairs.get(int(k), -1) for k in pk], dtype=np.int64)
            r_all.append(pr[pc >= 0])
            c_all.append(pc[pc >= 0])
        r = np.concatenate(r_all)
        c = np.concatenate(c_all)
        data = np.ones(r.size, dtype=np.float32)
        return sp.csr_matrix((data, (r, c)), shape=(len(variants), self.n_features_))

    def fit_transform(self, variants, y=None) -> sp.csr_matrix:
        return self.fit(variants).transform(variants)
