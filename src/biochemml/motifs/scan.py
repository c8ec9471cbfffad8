"""Scan many sequences with many motifs at once: window scores, best hits, p-value hits.

Two engines, neither with a Python loop per window:

- **Dense scores** (:func:`score_windows`, :func:`best_hits`): the motifs and their
  reverse complements are the filters of 1-D convolutions over the one-hot sequences
  (PyTorch), one convolution per motif width, so no work is spent on padding short
  motifs to the widest.
- **Word tables** (:func:`find_hits`): for a motif of at most ``4**W <= 2**20`` words
  (DNA up to 10 wide) every word that reaches the p-value threshold is listed once by
  branch and bound; a window is a hit when its word is in the table (one lookup per
  window and motif width, shared by all motifs of that width). A wider motif looks up
  its most informative 10-column block among the block words that could still reach
  the threshold (motifs sharing the block's offset share one lookup), and the few
  candidates are scored exactly. Hits are rare, so the cost is a handful of passes
  over the sequences rather than one per motif.

Hits are decided on the integer score grid of :class:`~.pvalues.ScoreDistribution`, so
the p-value of every hit is exact on that grid and never above the requested one. A
window that holds an ambiguity symbol (N) is never a hit in either engine
(:func:`find_hits`, :func:`best_hits`): an assembly gap of N is not a site.
Ambiguity symbols (N) contribute 0 bits to a window's log-odds score and ``ln(1/C)`` to
its ``log_prob`` score (the column's average probability, as
:meth:`~.pwm.PWM.window_log_prob` scores them).
"""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..alphabets import looks_like_protein
from ..encode.codes import as_sequence_list, to_codes
from ..encode.onehot import row_table
from ..errors import InputError
from .pvalues import DEFAULT_RESOLUTION, ScoreDistribution
from .pwm import PWM, background_vector

_CHUNK_SCORES = 1 << 24  # window scores per convolution chunk (64 MB of float32)
_MAX_WORDS = 1 << 20  # motifs with at most this many words use the word-table engine


def _as_pwm_list(motifs) -> list[PWM]:
    if isinstance(motifs, PWM):
        return [motifs]
    out = list(motifs)
    if not out:
        raise InputError("no motifs were given")
    for i, m in enumerate(out):
        if not isinstance(m, PWM):
            raise InputError(f"motif {i} is a {type(m).__name__}, expected a biochemml PWM "
                             "(use PWM.from_matrix or motifs.load)")
    alphabets = {m.alphabet.name for m in out}
    if len(alphabets) > 1:
        raise InputError(f"motifs mix alphabets: {sorted(alphabets)}")
    return out


_NUCLEOTIDE_LETTERS = "ACGTUN"


def _auto_strands(alphabet, seqs: list) -> tuple[bool, str]:
    """Whether to scan both strands of ``seqs`` (a list of str) when the caller did not
    say, and why not.

    Both strands for DNA; the given strand only for RNA (an RNA motif, or sequences that
    hold a U: an mRNA is one strand, so a hit on the '-' strand would be on a molecule
    that is not there) and for proteins. Sequences with U among more with T are DNA with
    a few typos: both strands, and the reason names them. Returns ``(both, reason)``,
    ``reason`` empty when both strands are scanned for DNA alone.
    """
    if alphabet.complement is None:
        return False, "protein motifs have one strand"
    if alphabet.name == "rna":
        return False, "the motifs are RNA motifs"
    with_u = [i for i, s in enumerate(seqs) if "U" in s or "u" in s]
    if not with_u:
        return True, ""
    with_t = sum("T" in s or "t" in s for s in seqs)
    if with_t > len(with_u):  # one RNA row must not turn a DNA table to one strand
        shown = ", ".join(str(i) for i in with_u[:5]) + (", ..." if len(with_u) > 5 else "")
        return True, (f"{len(with_u)} of the {len(seqs)} sequences hold U (RNA) among "
                      f"{with_t} with T (DNA), at index {shown}: scanning both strands as "
                      "DNA; check those rows")
    return False, "the sequences hold U (RNA)"


class AlphabetMismatch(InputError):
    """The sequences are plainly of another kind than the motifs (protein motifs on DNA,
    DNA motifs on proteins). ``row`` is the index of the offending sequence, or None
    when the sequences as a whole are the evidence; a caller that read them from a file
    adds its path."""


def _alphabet_mismatch(alphabet, seq_list) -> tuple[str, int | None] | None:
    """``(message, sequence index or None)`` when the sequences are plainly of another
    kind than the motifs (protein motifs on DNA or RNA, nucleotide motifs on proteins),
    else None.

    Protein motifs: the sequences hold at least 20 letters, all of them A, C, G, T, U or
    N (a real protein of 20 residues made of Ala, Cys, Gly and Thr alone is vanishingly
    rare). Nucleotide motifs: a sequence holds E, F, I, L, P or Q, amino acids that no
    nucleotide code uses.
    """
    if alphabet.complement is None:
        joined = "".join(seq_list).upper()
        if len(joined) >= 20 and not joined.translate(str.maketrans("", "", _NUCLEOTIDE_LETTERS)):
            kind = "RNA" if "U" in joined else "DNA"
            return (f"alphabet mismatch: the motifs are protein motifs, but the sequences hold "
                    f"only the letters of {kind} (A, C, G, {'U' if kind == 'RNA' else 'T'}, N); "
                    f"scan {kind} with DNA or RNA motifs, and proteins with protein motifs",
                    None)
        return None
    for i, s in enumerate(seq_list):
        found = looks_like_protein(s)
        if found:
            return (f"alphabet mismatch: the motifs are {alphabet.name.upper()} motifs, but the "
                    f"sequence holds '{found}', an amino acid that no nucleotide code uses: "
                    "it is a protein; scan proteins with protein motifs", i)
    return None


class _Scanner:
    """Motifs, strands and per-filter matrices shared by every scanning function.

    Filter ``f = m * S + s`` is motif ``m`` on strand ``s``. The minus-strand matrix is
    the reverse complement of the plus-strand score matrix (as Biopython's
    ``pssm.reverse_complement()``). Its null distribution is the plus matrix's under the
    complemented background (:meth:`ScoreDistribution.for_minus_strand`): the same one
    when the background is complement-symmetric (uniform, or equal A/T and C/G), a
    second one otherwise (:meth:`distributions`).
    ``both_strands=None`` decides by :func:`_auto_strands` from the motifs and ``seqs``,
    which are read once (a generator such as ``SeqIO.parse`` is fine) and kept for
    :meth:`encode`.
    """

    def __init__(self, motifs, background=None, both_strands=None, score="log_odds",
                 seqs=()):
        self.motifs = _as_pwm_list(motifs)
        self.alphabet = self.motifs[0].alphabet
        self.seqs = as_sequence_list(seqs)[0]
        if both_strands is None:
            both_strands = _auto_strands(self.alphabet, self.seqs)[0]
        if both_strands and self.alphabet.complement is None:
            both_strands = False  # proteins have one strand
        self.strands = ["+", "-"] if both_strands else ["+"]
        if score not in ("log_odds", "log_prob"):
            raise InputError(f"score must be 'log_odds' or 'log_prob', not '{score}'")
        self.score = score
        # a dict ({"A": 0.3, ...}) or a list, as one normalised (C,) vector: the same
        # background always gives the same cached tables
        self.background = None if background is None else \
            background_vector(background, self.alphabet)
        self.widths = np.array([m.width for m in self.motifs])
        self.filter_widths = np.repeat(self.widths, len(self.strands))
        self.max_width = int(self.widths.max())
        self.size = self.alphabet.size

    def per_strand(self, mats: list[np.ndarray]) -> list[np.ndarray]:
        """``(C, W)`` matrices per motif -> per filter (adding reverse complements)."""
        out = []
        for mat in mats:
            out.append(mat)
            if len(self.strands) == 2:
                out.append(self.reverse_complement(mat))
        return out

    def reverse_complement(self, mat: np.ndarray) -> np.ndarray:
        alpha = self.alphabet
        order = [alpha.symbols.index(c) for c in alpha.complement]
        return mat[order, ::-1]

    def distributions(self, resolution: float) -> list[ScoreDistribution]:
        """The null distribution of each filter's grid scores.

        The plus strand's is the motif's under its background; the minus strand's is
        the same object for a complement-symmetric background, else the plus matrix's
        under the complemented background (the letters of the reverse complement of a
        random window). ``[d.integer_pssm for d in dists[::S]]`` are the motifs' plus
        matrices.
        """
        out = []
        for m in self.motifs:
            plus = ScoreDistribution(m, self.background, resolution)
            out.append(plus)
            if len(self.strands) == 2:
                out.append(plus.for_minus_strand())
        return out

    def float_matrices(self) -> list[np.ndarray]:
        if self.score == "log_odds":
            mats = [m.log_odds(self.background) for m in self.motifs]
        else:
            mats = [np.log(np.maximum(m.matrix, 1e-300)) for m in self.motifs]
        return self.per_strand(mats)

    def encode(self) -> tuple[np.ndarray, np.ndarray]:
        """Codes and lengths of the scanner's sequences; a sequence shorter than a motif
        simply has no window.

        Sequences of another kind than the motifs (protein motifs on DNA, DNA motifs on
        proteins) are an ``alphabet mismatch`` error (:class:`AlphabetMismatch`).
        """
        if self.alphabet.complement is None:  # protein motifs: DNA passes the alphabet
            mismatch = _alphabet_mismatch(self.alphabet, self.seqs)
            if mismatch is not None:
                raise AlphabetMismatch(mismatch[0], row=mismatch[1])
        try:
            return to_codes(self.seqs, self.alphabet, pad="right")
        except InputError:
            mismatch = _alphabet_mismatch(self.alphabet, self.seqs)
            if mismatch is not None:
                raise AlphabetMismatch(mismatch[0], row=mismatch[1]) from None
            raise

    def padded_codes(self, codes: np.ndarray) -> np.ndarray:
        """Codes with ``max_width`` padding symbols on the right (no window runs off)."""
        return np.pad(codes, ((0, 0), (0, self.max_width)), constant_values=self.size + 1)


def _with_zero_rows(mat: np.ndarray, size: int) -> np.ndarray:
    """``(C, W)`` -> ``(C + 2, W)``: ambiguity and padding symbols score 0."""
    return np.vstack([mat, np.zeros((2, mat.shape[1]), dtype=mat.dtype)])


def _gather_scores(padded: np.ndarray, seq: np.ndarray, start: np.ndarray,
                   table: np.ndarray) -> np.ndarray:
    """Scores of the windows ``(seq[i], start[i])`` under one ``(C + 2, W)`` table."""
    width = table.shape[1]
    cols = np.arange(width)
    symbols = padded[seq[:, None], start[:, None] + cols]
    return table[symbols, cols].sum(axis=1)


def _conv_scores(codes: np.ndarray, mats: list[np.ndarray], size: int,
                 dtype=np.float32) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """Convolve one-hot ``codes`` with the ``(C, W)`` filters ``mats``, grouped by width.

    Yields ``(lo, hi, filter_indices, scores)`` with ``scores`` of shape
    ``(hi - lo, len(filter_indices), L)``: the window starting at each position, windows
    running past ``L`` scored as if padded with zero rows.
    """
    import torch

    n, length = codes.shape
    widths = np.array([m.shape[1] for m in mats])
    top = int(widths.max())
    groups = [(w, np.flatnonzero(widths == w)) for w in np.unique(widths)]
    weights = [torch.from_numpy(np.stack([mats[f] for f in idx]).astype(dtype))
               for _, idx in groups]
    table = row_table(size, "zeros", dtype)
    per_chunk = max(1, _CHUNK_SCORES // max(1, length * len(mats)))
    # convolutions with 4 input channels are too small to split across threads: one
    # thread is several times faster than two on a busy 2-core machine
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield from _conv_loop(codes, groups, weights, table, per_chunk, top)
    finally:
        torch.set_num_threads(threads)


def _conv_loop(codes, groups, weights, table, per_chunk, top):
    import torch

    n, length = codes.shape
    size = table.shape[1]
    with torch.inference_mode():
        for lo in range(0, n, per_chunk):
            hi = min(n, lo + per_chunk)
            # padding symbols one-hot to zero rows, so windows may run past the end
            padded = np.pad(codes[lo:hi], ((0, 0), (0, top - 1)), constant_values=size + 1)
            x = torch.from_numpy(np.ascontiguousarray(table[padded].transpose(0, 2, 1)))
            for (w, idx), weight in zip(groups, weights):
                s = torch.nn.functional.conv1d(x[:, :, :length + int(w) - 1], weight)
                yield lo, hi, idx, s.numpy()


def _ambiguity_cumsum(codes: np.ndarray, size: int, top: int) -> np.ndarray | None:
    """``(n, L + top + 1)`` cumulative number of ambiguity symbols in each row of
    ``codes`` (0 first, constant past the end), for :func:`_ambiguous_counts` of windows
    up to ``top`` wide; None when ``codes`` holds none. Both engines use it."""
    ambiguous = codes == size
    if not ambiguous.any():
        return None
    n, length = codes.shape
    cum = np.zeros((n, length + top + 1), dtype=np.int32)
    np.cumsum(ambiguous, axis=1, dtype=np.int32, out=cum[:, 1:length + 1])
    cum[:, length + 1:] = cum[:, length:length + 1]
    return cum


def _ambiguous_counts(cum: np.ndarray, width: int, length: int) -> np.ndarray:
    """``(n, length)`` number of ambiguity symbols in the window of ``width`` starting at
    each position (windows running past the end count only their symbols), from the
    :func:`_ambiguity_cumsum` of the codes."""
    return cum[:, width:width + length] - cum[:, :length]


def _dense_chunks(scanner: _Scanner, codes, lengths, skip_ambiguous=False):
    """Yield ``(lo, hi, scores)`` with scores ``(n, F, L)`` float32, ``-inf`` for windows
    that run past their sequence's end (and, with ``skip_ambiguous``, for windows that
    hold an ambiguity symbol: they are never hits).

    An ambiguity symbol scores 0 in every filter (its one-hot row is all zeros); for the
    ``log_prob`` score it then gets ``ln(1/C)`` added, the column's average probability,
    as :meth:`PWM.window_log_prob` gives it.
    """
    mats = scanner.float_matrices()
    n, length = codes.shape
    n_filters = len(mats)
    starts = np.arange(length)
    unknown = float(np.log(1.0 / scanner.size)) if scanner.score == "log_prob" else 0.0
    current, buf, cum = None, None, None
    for lo, hi, idx, s in _conv_scores(codes, mats, scanner.size):
        if current != lo:
            if buf is not None:
                yield current, current + buf.shape[0], buf
            current, buf = lo, np.empty((hi - lo, n_filters, length), dtype=np.float32)
            cum = _ambiguity_cumsum(codes[lo:hi], scanner.size, scanner.max_width) \
                if unknown or skip_ambiguous else None
        width = mats[idx[0]].shape[1]
        counts = None if cum is None else _ambiguous_counts(cum, width, length)
        if counts is not None and unknown:
            s += (counts * unknown).astype(np.float32)[:, None, :]
        outside = starts[None, :] + width > lengths[lo:hi, None]  # (n, L)
        if counts is not None and skip_ambiguous:
            outside |= counts > 0
        np.copyto(s, -np.inf, where=outside[:, None, :])
        if idx.size == n_filters:
            buf[...] = s
        else:
            buf[:, idx, :] = s
    if buf is not None:
        yield current, current + buf.shape[0], buf


def score_windows(motifs, seqs, both_strands=None, background=None, score="log_odds"):
    """Score every window of every sequence with every motif.

    Parameters
    ----------
    motifs : PWM or list of PWM
    seqs : str or sequence of str
        Sequences of any lengths (shorter ones are padded internally).
    both_strands : bool, optional
        Also score the reverse complement of each motif. By default (None) both strands
        of DNA, and the given strand only of RNA (an RNA motif, or sequences that hold a
        U: an mRNA is one strand, so a '-' hit would be on a molecule that is not there)
        and of proteins.
    background : array-like of shape (C,) or dict, optional
        Background for log-odds (``[0.3, 0.2, 0.2, 0.3]`` or
        ``{"A": 0.3, "C": 0.2, "G": 0.2, "T": 0.3}``); by default each motif's own
        (:attr:`PWM.background`, from its file), else uniform.
    score : {"log_odds", "log_prob"}
        Bits against the background, or the course's natural-log probability.

    Notes
    -----
    An ambiguity symbol (N, or an IUPAC code such as R) is no evidence for or against
    the motif: it scores what the motif and a uniform background agree on. Under
    ``"log_odds"`` it adds 0 bits; under ``"log_prob"`` it adds ``ln(1/C)``
    (``ln 0.25 = -1.386`` for DNA), the column's average probability, exactly as
    :meth:`PWM.window_log_prob` scores it. So an all-N window of a 5-wide DNA motif
    scores ``5 ln 0.25 = -6.93`` in ``log_prob``, never the 0 of a certain match.

    A letter the motif gives probability 0 (a matrix without pseudocounts) scores
    ``ln 1e-300 = -690.8`` in ``log_prob``, where :meth:`PWM.window_log_prob` gives
    ``-inf``: any such window is far below every other, and the scores stay finite for
    the sums of the scan.

    Returns
    -------
    ndarray of float32, shape (N, M, S, L)
        ``[n, m, s, i]`` is the score of the window starting at ``i`` (0-based) of
        sequence ``n`` for motif ``m`` on strand ``s`` (0 = +, 1 = -; ``S`` is 1 when
        one strand is scanned). Windows past a sequence's end are ``-inf``. A single
        string and a single motif still give the 4-D array.

    Examples
    --------
    >>> pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
    >>> score_windows(pwm, "ATACAA", both_strands=False, score="log_prob")[0, 0, 0, :2].round(4)
    array([-9.567 , -2.1198], dtype=float32)
    """
    scanner = _Scanner(motifs, background, both_strands, score, seqs=seqs)
    codes, lengths = scanner.encode()
    n, length = codes.shape
    if length < scanner.widths.min():
        raise InputError(f"every sequence is shorter than the shortest motif "
                         f"({scanner.widths.min()}), so no window can be scored")
    out = np.empty((n, len(scanner.filter_widths), length), dtype=np.float32)
    for lo, hi, buf in _dense_chunks(scanner, codes, lengths):
        out[lo:hi] = buf
    return out.reshape(n, len(scanner.motifs), len(scanner.strands), length)


def _pvalue_columns(scanner, dists, padded, seq, mot, strand, start) -> tuple[np.ndarray, np.ndarray]:
    """Exact float64 score (bits) and grid p-value of each window ``(seq, start)``, with
    the per-filter null distributions ``dists`` of :meth:`_Scanner.distributions`."""
    n_strands = len(scanner.strands)
    filt = mot * n_strands + strand
    scores = np.zeros(seq.size)
    pvals = np.ones(seq.size)
    float_mats = scanner.per_strand([d.pssm for d in dists[::n_strands]])
    int_mats = scanner.per_strand([d.integer_pssm for d in dists[::n_strands]])
    for f in np.unique(filt):
        rows = np.flatnonzero(filt == f)
        scores[rows] = _gather_scores(padded, seq[rows], start[rows],
                                      _with_zero_rows(float_mats[f], scanner.size))
        grid = _gather_scores(padded, seq[rows], start[rows],
                              _with_zero_rows(int_mats[f], scanner.size))
        pvals[rows] = dists[f].pvalue_of_grid(grid)
    return scores, pvals


def _best_of_windows(pvalue, windows):
    """``1 - (1 - pvalue) ** windows``, accurately for small p-values: the chance that the
    best of ``windows`` independent windows scores at least as well."""
    p = np.clip(np.asarray(pvalue, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        return -np.expm1(np.asarray(windows, dtype=float) * np.log1p(-p))


#: windows scoring within this many bits of a sequence's best are ties for best_hits
TIE_BITS = 1e-4


def best_hits(motifs, seqs, both_strands=None, background=None,
              resolution: float = DEFAULT_RESOLUTION) -> pd.DataFrame:
    """The best-scoring window of each motif in each sequence.

    Windows holding an ambiguity symbol (N) are passed over, as in :func:`find_hits`.

    Parameters
    ----------
    motifs : PWM or list of PWM
    seqs : str or sequence of str
    both_strands : bool, optional
        Also score the reverse complement of each motif. By default (None) both strands
        of DNA, and the given strand only of RNA (an RNA motif, or sequences that hold a
        U: an mRNA is one strand, so a '-' hit would be on a molecule that is not there)
        and of proteins.
    background : array-like of shape (C,) or dict, optional
        As in :func:`find_hits`.
    resolution : float
        Grid step in bits of the p-values.

    Returns
    -------
    pandas.DataFrame
        One row per (sequence, motif): ``sequence_index``, ``motif``, ``motif_index``,
        ``start`` (0-based), ``end`` (exclusive), ``strand``, ``score`` (bits) and the
        exact grid ``pvalue`` of that window (of equal best windows, within
        :data:`TIE_BITS`, the first: + strand, then the lowest start), and
        ``sequence_pvalue``: the chance that a random sequence of that length holds a
        window as good, ``1 - (1 - pvalue) ** windows`` over its windows and strands. The
        best of 200 windows has a small ``pvalue`` by chance (p < 0.01 in most random
        100-nt sequences); read ``sequence_pvalue`` to ask whether a sequence holds a site; for a sequence shorter than the motif, or
        one whose every window holds an ambiguity symbol, ``start``, ``end`` and
        ``strand`` are empty (NA), ``score`` is ``-inf`` and ``pvalue`` 1, and the
        column ``note`` says why (``"shorter than the motif"`` or ``"every window holds
        N"``; empty on every other row). ``sequence_index`` is the position of the
        sequence in ``seqs`` (0-based), not a pandas index label: look rows up with
        ``table.iloc[hits.sequence_index]``.
    """
    scanner = _Scanner(motifs, background, both_strands, seqs=seqs)
    codes, lengths = scanner.encode()
    n_motifs, n_strands = len(scanner.motifs), len(scanner.strands)
    parts = []
    for lo, hi, buf in _dense_chunks(scanner, codes, lengths, skip_ambiguous=True):
        s = buf
        length = s.shape[2]
        flat = s.reshape(hi - lo, n_motifs, n_strands * length)
        # ties go to the first window (+ strand, then the lowest start): an exact argmax of
        # float32 sums picks among equal windows by rounding, which depends on the batch
        top = flat.max(axis=-1, keepdims=True)
        arg = (flat >= top - TIE_BITS).argmax(axis=-1)
        found = np.isfinite(np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0])
        parts.append((np.repeat(np.arange(lo, hi), n_motifs), arg.ravel(), found.ravel()))
    seq = np.concatenate([p[0] for p in parts])
    arg = np.concatenate([p[1] for p in parts])
    # False: the sequence is shorter than the motif, or every window holds an N
    inside = np.concatenate([p[2] for p in parts])
    length = codes.shape[1]
    mot = np.tile(np.arange(n_motifs), len(seq) // n_motifs)
    strand, start = arg // length, arg % length
    dists = scanner.distributions(resolution)
    score, pval = _pvalue_columns(scanner, dists, scanner.padded_codes(codes), seq, mot,
                                  strand, start)
    def window(values):  # no window to report (too short, or N everywhere): empty cells
        column = pd.array(values, dtype="Int64")
        column[~inside] = pd.NA
        return column

    out = pd.DataFrame({
        "sequence_index": seq, "motif": [scanner.motifs[i].name for i in mot],
        "motif_index": mot, "start": window(start), "end": window(start + scanner.widths[mot]),
        "strand": np.where(inside, np.array(scanner.strands, dtype=object)[strand], None),
        "score": np.where(inside, score, -np.inf), "pvalue": np.where(inside, pval, 1.0),
        "sequence_pvalue": np.where(inside, _best_of_windows(
            pval, np.maximum(lengths[seq] - scanner.widths[mot] + 1, 1) * n_strands), 1.0),
        "note": np.where(inside, "", np.where(lengths[seq] < scanner.widths[mot],
                                              "shorter than the motif", "every window holds N"))})
    return out


def _words_reaching(q: np.ndarray, threshold: int) -> np.ndarray:
    """Codes (base ``C``, first position most significant) of every word with
    ``sum_j q[word_j, j] >= threshold``, by branch and bound over positions."""
    size, width = q.shape
    best_rest = np.r_[np.cumsum(q.max(axis=0)[::-1])[::-1], 0]
    words = np.zeros(1, dtype=np.int64)
    scores = np.zeros(1, dtype=np.int64)
    symbols = np.arange(size)
    for j in range(width):
        words = (words[:, None] * size + symbols).ravel()
        scores = (scores[:, None] + q[:, j]).ravel()
        keep = scores + best_rest[j + 1] >= threshold
        words, scores = words[keep], scores[keep]
    return words


def _block_of(q: np.ndarray, block: int) -> int:
    """Start of the ``block`` consecutive columns of ``q`` that discriminate most."""
    spread = q.max(axis=0) - q.min(axis=0)
    return int(np.argmax(np.convolve(spread, np.ones(block), mode="valid")))


_PIECE = 5  # wide motifs are confirmed from tables of 5-column pieces (4**5 entries each)


def _all_word_scores(q: np.ndarray) -> np.ndarray:
    """Score of every word over the columns of ``q`` (``C ** W`` entries, word-code order)."""
    scores = q[:, 0].astype(np.int64)
    for j in range(1, q.shape[1]):
        scores = (scores[:, None] + q[:, j]).ravel()
    return scores


def _word_plan(q_by_filter, thresholds, size):
    """Tables for finding the hits ``(seq, start, filter)`` of every filter by words.

    A filter of width ``W`` with ``size ** W <= 2**20`` (DNA up to 10) has a table of
    exactly the words that reach its threshold; filters of one width share one flag
    table, so a window costs one lookup per width. A wider filter looks up its most
    discriminating block of columns in a table of the block words that could reach
    the threshold (given the best possible other columns); those candidates are then
    scored exactly from tables of 5-column pieces. Windows with an ambiguity symbol
    are never hits (see :func:`find_hits`).
    """
    short_max = int(np.log(_MAX_WORDS) // np.log(size) + 1e-9)
    piece = min(_PIECE, short_max)
    groups: dict[int, list] = {}
    wide = []
    for f, q in enumerate(q_by_filter):
        if q.shape[1] <= short_max:
            groups.setdefault(q.shape[1], []).append(f)
        else:
            wide.append(f)
    short = {}
    for w, members in groups.items():
        tables = [_words_reaching(q_by_filter[f], thresholds[f]) for f in members]
        flag = np.zeros(size ** w, dtype=bool)
        for t in tables:
            flag[t] = True
        words = np.concatenate(tables)
        owners = np.repeat(members, [t.size for t in tables])
        order = np.argsort(words, kind="stable")
        short[w] = (members, flag, words[order], owners[order])
    # wide filters whose most discriminating block starts at the same column share one
    # lookup: a table of bit masks, bit k set when the word may start a hit of filter k
    by_start: dict[int, list] = {}
    pieces = {}  # filter -> [(piece start, width, scores of every piece word)]
    for f in wide:
        q = q_by_filter[f]
        by_start.setdefault(_block_of(q, short_max), []).append(f)
        pieces[f] = [(j, min(piece, q.shape[1] - j), _all_word_scores(q[:, j:j + piece]))
                     for j in range(0, q.shape[1], piece)]
    blocks = []  # (block start, filters, bit table)
    for a, members in by_start.items():
        for k0 in range(0, len(members), 64):
            group = members[k0:k0 + 64]
            # the narrowest mask type that holds the group keeps the table in cache
            kind = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64)
                        if np.dtype(t).itemsize * 8 >= len(group))
            bits = np.zeros(size ** short_max, dtype=kind)
            for k, f in enumerate(group):
                q = q_by_filter[f]
                rest = int(np.delete(q, np.s_[a:a + short_max], axis=1).max(axis=0).sum())
                bits[_words_reaching(q[:, a:a + short_max], thresholds[f] - rest)] |= kind(1 << k)
            blocks.append((a, group, bits))
    return short, blocks, pieces


def _word_hits(codes, lengths, q_by_filter, thresholds, size, plan):
    """Run the word-table engine of :func:`_word_plan` over ``codes``, in chunks."""
    short, blocks, pieces = plan
    n, length = codes.shape
    top = max(q.shape[1] for q in q_by_filter)
    per_chunk = max(1, _CHUNK_SCORES // 4 // (length + top))
    found = []
    for lo in range(0, n, per_chunk):
        hi = min(n, lo + per_chunk)
        found += _word_hits_chunk(codes[lo:hi], lengths[lo:hi], q_by_filter, thresholds,
                                  short, blocks, pieces, top, size, lo)
    return found


def _word_hits_chunk(codes, lengths, q_by_filter, thresholds, short, blocks, pieces, top,
                     size, offset):
    n, length = codes.shape
    padded = np.pad(codes, ((0, 0), (0, top)), constant_values=size + 1)
    clipped = np.minimum(padded, size - 1).astype(np.int32)
    # cumulative count of ambiguity symbols, to test any window at once
    n_amb = _ambiguity_cumsum(codes, size, top)
    any_ambiguous = n_amb is not None
    ragged = bool((lengths != length).any())
    starts = np.arange(length)
    short_max = int(np.log(_MAX_WORDS) // np.log(size) + 1e-9)
    pieces_needed = {b for parts in pieces.values() for _, b, _ in parts}
    longest = short_max if blocks else max(short)
    found = []

    def inside(hit, w):
        """Keep starts whose window of width ``w`` lies inside its sequence."""
        if ragged:
            return hit & (starts[None, :] + w <= lengths[:, None])
        hit[:, max(0, length - w + 1):] = False  # sequences shorter than w: no window
        return hit

    def with_ambiguity(w):
        """Starts whose window of width ``w`` holds an ambiguity symbol."""
        return _ambiguous_counts(n_amb, w, length) > 0

    kept = {}
    # word codes of width w at every position, built from those of width w - 1
    word = np.zeros((n, length + top), dtype=np.int32)
    for w in range(1, longest + 1):
        span = length + top - w + 1
        word = word[:, :span] * size + clipped[:, w - 1:w - 1 + span]
        if w in pieces_needed:
            kept[w] = word
        if w not in short:
            continue
        members, flag, table_words, table_filters = short[w]
        hit = flag[word[:, :length]]
        if any_ambiguous:  # a window holding an N is never a hit
            hit &= ~with_ambiguity(w)
        seq, pos = np.nonzero(inside(hit, w))
        words_at = word[seq, pos]
        # which members list each candidate word: one sorted search per width
        first = np.searchsorted(table_words, words_at, side="left")
        n_match = np.searchsorted(table_words, words_at, side="right") - first
        cand = np.repeat(np.arange(words_at.size), n_match)
        match = np.repeat(first - np.cumsum(n_match) + n_match, n_match) + np.arange(cand.size)
        found.append((seq[cand] + offset, pos[cand], table_filters[match]))
    for a, group, bits in blocks:  # ``word`` now holds the block-wide words
        masks = bits[word[:, a:a + length]]
        narrowest = min(q_by_filter[f].shape[1] for f in group)
        hit = inside(masks != 0, narrowest)
        seq_all, pos_all = np.nonzero(hit)
        mask_all = masks[seq_all, pos_all]
        kind = bits.dtype.type
        for k, f in enumerate(group):
            width = q_by_filter[f].shape[1]
            mine = (mask_all >> kind(k)) & kind(1) == 1
            seq, pos = seq_all[mine], pos_all[mine]
            keep = pos + width <= lengths[seq]
            seq, pos = seq[keep], pos[keep]
            if any_ambiguous:  # a window holding an N is never a hit
                clear = ~with_ambiguity(width)[seq, pos]
                seq, pos = seq[clear], pos[clear]
            score = np.zeros(seq.size, dtype=np.int64)
            for j, b, table in pieces[f]:
                words_b = kept[b]
                score += table[words_b.ravel()[seq * words_b.shape[1] + pos + j]]
            ok = score >= thresholds[f]
            found.append((seq[ok] + offset, pos[ok], np.full(int(ok.sum()), f)))
    return found


_PREPARED: dict = {}  # the tables of the last few motif sets, so that scanning batch after
_PREPARED_KEEP = 4   # batch of sequences with the same motifs builds them once


def _prepared(scanner: _Scanner, resolution: float, pvalue: float):
    """Null distributions, grid matrices, thresholds and word tables of ``scanner``'s motifs."""
    background = scanner.background
    key = (tuple((m.alphabet.name, m.matrix.tobytes(), m.matrix.shape,
                  None if m.background is None else m.background.tobytes())
                 for m in scanner.motifs),
           None if background is None else background.tobytes(),
           float(resolution), float(pvalue), len(scanner.strands))
    if key in _PREPARED:
        return _PREPARED[key]
    if not 0 < pvalue <= 1:
        raise InputError(f"a p-value must be in (0, 1], not {pvalue}")
    dists = scanner.distributions(resolution)  # per filter: strands differ under an uneven background
    q_by_filter = scanner.per_strand([d.integer_pssm for d in dists[::len(scanner.strands)]])
    thresholds = np.array([d.integer_threshold(pvalue) for d in dists])
    plan = _word_plan(q_by_filter, thresholds, scanner.size)
    while len(_PREPARED) >= _PREPARED_KEEP:
        _PREPARED.pop(next(iter(_PREPARED)))
    _PREPARED[key] = (dists, q_by_filter, thresholds, plan)
    return _PREPARED[key]


def find_hits(motifs, seqs, pvalue: float = 1e-4, both_strands=None, background=None,
              resolution: float = DEFAULT_RESOLUTION) -> pd.DataFrame:
    """Every window whose p-value under its motif is at most ``pvalue``.

    A window is a hit when its score on the ``resolution``-bit grid reaches the grid
    threshold of :meth:`ScoreDistribution.integer_threshold`, so the chance that a
    random window of background sequence is a hit is at most ``pvalue`` (exactly, on
    the grid). On the minus strand the null is that of the complemented background
    (the reverse complement of a random window), so under an uneven background (more A
    than T, as a MEME file's may be) each strand has its own threshold and p-values.

    A window that holds an ambiguity symbol (N, or an IUPAC code such as R) is never a
    hit. Its p-value is not defined (the null distribution is over real bases), and
    scoring an unknown base as "no evidence" (0 bits) lets a run of N, such as an
    assembly gap, pass a permissive threshold by chance: an all-N window of a 6-letter
    motif scores 0 bits, which has p = 0.025. Biopython's PSSM search and MOODS skip
    such windows alike. :func:`score_windows` still scores them (N adds 0 bits).

    Parameters
    ----------
    motifs : PWM or list of PWM
    seqs : str or sequence of str
    pvalue : float
        Hits have a p-value (exact, on a ``resolution``-bit grid) at most this.
    both_strands : bool, optional
        Also score the reverse complement of each motif. By default (None) both strands
        of DNA, and the given strand only of RNA (an RNA motif, or sequences that hold a
        U: an mRNA is one strand, so a '-' hit would be on a molecule that is not there)
        and of proteins.
    background : array-like of shape (C,) or dict, optional
        Background for the log-odds scores and the null distribution (a list in alphabet
        order or a dict such as ``{"A": 0.3, "C": 0.2, "G": 0.2, "T": 0.3}``). By
        default each motif's own (:attr:`PWM.background`: a MEME file's "Background
        letter frequencies"), else uniform.
    resolution : float
        Grid step in bits.

    Returns
    -------
    pandas.DataFrame
        Columns ``sequence_index``, ``motif``, ``motif_index``, ``start`` (0-based),
        ``end`` (exclusive), ``strand``, ``score`` (bits, exact float64) and
        ``pvalue``; sorted by sequence, motif, start and strand. A sequence shorter
        than a motif has no window, hence no hit of it (not an error).
        ``sequence_index`` is the position of the sequence in ``seqs`` (0-based), not a
        pandas index label: look rows up with ``table.iloc[hits.sequence_index]``.

    Examples
    --------
    >>> pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
    >>> find_hits(pwm, ["GGTACAAGG"], pvalue=0.001)[["start", "strand"]].values.tolist()
    [[2, '+']]

    The motif tables (null distributions, word tables) of the last few motif sets
    are kept, so scanning batch after batch with the same motifs builds them once.
    """
    scanner = _Scanner(motifs, background, both_strands, seqs=seqs)
    codes, lengths = scanner.encode()
    n_strands = len(scanner.strands)
    dists, q_by_filter, thresholds, plan = _prepared(scanner, resolution, pvalue)
    found = _word_hits(codes, lengths, q_by_filter, thresholds, scanner.size, plan)
    seq = np.concatenate([f[0] for f in found]).astype(np.int64) if found else np.zeros(0, int)
    start = np.concatenate([f[1] for f in found]).astype(np.int64) if found else np.zeros(0, int)
    filt = np.concatenate([f[2] for f in found]).astype(np.int64) if found else np.zeros(0, int)
    mot, strand = filt // n_strands, filt % n_strands
    score, pval = _pvalue_columns(scanner, dists, scanner.padded_codes(codes), seq, mot,
                                  strand, start)
    hits = pd.DataFrame({
        "sequence_index": seq, "motif": [scanner.motifs[i].name for i in mot],
        "motif_index": mot, "start": start, "end": start + scanner.widths[mot],
        "strand": np.array(scanner.strands)[strand], "score": score, "pvalue": pval})
    return hits.sort_values(["sequence_index", "motif_index", "start", "strand"],
                            ignore_index=True)
