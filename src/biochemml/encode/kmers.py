"""k-mer count features: position-free counts of every word of length k."""
from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from ..alphabets import get_alphabet
from ..errors import InputError
from .codes import to_codes


def _word_lengths(k) -> list:
    """``k`` as a list of word lengths; none at all is an :class:`InputError`."""
    ks = [k] if np.isscalar(k) else list(k)
    if not ks:
        raise InputError("k must be a word length or a list of them, e.g. k=3 or k=[1, 2, 3]; "
                         "got an empty list")
    return ks


def kmer_names(k, alphabet="dna") -> list[str]:
    """Column names of :func:`kmer_counts`, e.g. ``["A", "C", ..., "TT"]`` for ``k=(1, 2)``."""
    alpha = get_alphabet(alphabet)
    ks = _word_lengths(k)
    return ["".join(p) for kk in ks for p in itertools.product(alpha.symbols, repeat=int(kk))]


def kmer_counts(seqs, k=3, alphabet="dna", sparse: bool = False, normalize: bool = False):
    """Count every k-mer in each sequence.

    Parameters
    ----------
    seqs : sequence of str
        Sequences of any lengths.
    k : int or sequence of int
        Word length(s), each from 1 to 6 (nucleotides) or 1 to 3 (protein). Several
        values give the blocks side by side, in the order given.
    alphabet : {"dna", "rna", "protein"}
    sparse : bool
        Return a ``scipy.sparse.csr_matrix`` instead of a dense array.
    normalize : bool
        Divide each block's counts by the number of windows counted in the sequence
        (those without an ambiguity symbol): frequencies instead of counts.

    Returns
    -------
    ndarray or csr_matrix, shape (N, sum(C ** k))
        Columns follow :func:`kmer_names`. Windows touching an ambiguity symbol are
        not counted.

    Examples
    --------
    >>> kmer_counts(["AACA"], k=2)[0, :4]
    array([1., 1., 0., 0.], dtype=float32)
    """
    alpha = get_alphabet(alphabet)
    ks = _word_lengths(k)
    max_k = 3 if alpha.name.startswith("protein") else 6
    for kk in ks:
        if isinstance(kk, (bool, np.bool_)) or not isinstance(kk, (int, float, np.number)) \
                or not np.isfinite(kk) or int(kk) != kk or not 1 <= kk <= max_k:
            raise InputError(f"k must be an integer from 1 to {max_k} for {alpha.name}, not {kk}")
    codes, lengths = to_codes(seqs, alpha, pad="right")
    n, length = codes.shape
    c = alpha.size
    valid = codes < c
    blocks = []
    for kk in ks:
        kk = int(kk)
        n_windows = max(length - kk + 1, 0)
        if n_windows == 0:
            blocks.append(sp.csr_matrix((n, c ** kk), dtype=np.float32))
            continue
        index = np.zeros((n, n_windows), dtype=np.int64)
        ok = np.ones((n, n_windows), dtype=bool)
        for j in range(kk):
            index = index * c + np.minimum(codes[:, j:j + n_windows], c - 1)
            ok &= valid[:, j:j + n_windows]
        rows = np.broadcast_to(np.arange(n)[:, None], index.shape)[ok]
        cols = index[ok]
        data = np.ones(cols.size, dtype=np.float32)
        mat = sp.csr_matrix((data, (rows, cols)), shape=(n, c ** kk), dtype=np.float32)
        mat.sum_duplicates()
        if normalize:  # the windows counted: those without N
            windows = np.maximum(ok.sum(axis=1), 1).astype(np.float32)
            mat = sp.diags(1.0 / windows) @ mat
        blocks.append(mat.tocsr())
    out = sp.hstack(blocks, format="csr") if len(blocks) > 1 else blocks[0]
    return out if sparse else out.toarray()
