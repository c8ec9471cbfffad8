"""Scan many sequences with many motifs at once: window scores, best hits, p-value hits.

All motifs (and their reverse complements) become the filters of one 1-D convolution
over the one-hot sequences, run by PyTorch in chunks of sequences, so the cost is a
few matrix products instead of a Python loop per window. Motif widths may differ:
shorter motifs are padded with zero-score columns, and windows that run past a
sequence's end are masked out.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .pvalues import DEFAULT_RESOLUTION, ScoreDistribution
from .pwm import PWM

_CHUNK_WINDOWS = 4_000_000  # windows x filters per chunk; bounds memory to ~100 MB


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


class _Scanner:
    """Filters and masks shared by every scanning function."""

    def __init__(self, motifs, background=None, both_strands=True, score="log_odds"):
        self.motifs = _as_pwm_list(motifs)
        self.alphabet = self.motifs[0].alphabet
        if both_strands and self.alphabet.complement is None:
            both_strands = False  # proteins have one strand
        self.strands = ["+", "-"] if both_strands else ["+"]
        if score not in ("log_odds", "log_prob"):
            raise InputError(f"score must be 'log_odds' or 'log_prob', not '{score}'")
        self.score = score
        self.background = background
        self.widths = np.array([m.width for m in self.motifs])
        self.max_width = int(self.widths.max())
        mats = []
        for m in self.motifs:
            for strand in self.strands:
                pwm = m if strand == "+" else m.reverse_complement()
                mat = pwm.log_odds(background) if score == "log_odds" else np.log(
                    np.maximum(pwm.matrix, 1e-300))
                padded = np.zeros((self.alphabet.size, self.max_width))
                padded[:, :pwm.width] = mat
                mats.append(padded)
        import torch

        self.weight = torch.from_numpy(np.stack(mats).astype(np.float32))  # (M*S, C, Wmax)

    def chunks(self, seqs) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """Yield ``(start, scores, valid)`` per chunk of sequences.

        ``scores`` has shape ``(n, M, S, L)`` (float32; window starting at each
        position) and ``valid`` is a boolean ``(n, M, L)`` mask of windows inside the
        sequence.
        """
        import torch

        from ..encode.codes import to_codes

        codes, lengths = to_codes(seqs, self.alphabet, pad="right")
        n, length = codes.shape
        if length < self.widths.min():
            raise InputError(f"every sequence is shorter than the shortest motif "
                             f"({self.widths.min()})")
        size = self.alphabet.size
        table = np.zeros((size + 2, size), dtype=np.float32)
        table[:size] = np.eye(size, dtype=np.float32)
        n_filters = self.weight.shape[0]
        per_chunk = max(1, _CHUNK_WINDOWS // max(1, length * n_filters))
        starts = np.arange(length)
        with torch.inference_mode():
            for lo in range(0, n, per_chunk):
                hi = min(n, lo + per_chunk)
                x = torch.from_numpy(table[codes[lo:hi]]).transpose(1, 2)  # (n, C, L)
                x = torch.nn.functional.pad(x, (0, self.max_width - 1))
                s = torch.nn.functional.conv1d(x, self.weight)  # (n, M*S, L)
                s = s.numpy().reshape(hi - lo, len(self.motifs), len(self.strands), length)
                valid = starts[None, None, :] + self.widths[None, :, None] <= lengths[lo:hi, None, None]
                yield lo, s, valid


def _pvalues(dists, table: pd.DataFrame) -> np.ndarray:
    """p-value of each row's ``score`` under the null of its ``motif_index``."""
    pvals = np.ones(len(table))
    scores = table["score"].to_numpy()
    for i, idx in table.groupby("motif_index").indices.items():
        pvals[idx] = dists[i].pvalue(scores[idx])
    return pvals


def score_windows(motifs, seqs, both_strands=True, background=None, score="log_odds"):
    """Score every window of every sequence with every motif.

    Parameters
    ----------
    motifs : PWM or list of PWM
    seqs : str or sequence of str
        Sequences of any lengths (shorter ones are padded internally).
    both_strands : bool
        Also score the reverse complement of each motif (DNA/RNA).
    background : array-like, optional
        Background for log-odds; uniform by default.
    score : {"log_odds", "log_prob"}
        Bits against the background, or the course's natural-log probability.

    Returns
    -------
    ndarray of float32, shape (N, M, S, L)
        ``[n, m, s, i]`` is the score of the window starting at ``i`` (0-based) of
        sequence ``n`` for motif ``m`` on strand ``s`` (0 = +, 1 = -). Windows past a
        sequence's end are ``-inf``. A single string and a single motif still give
        the 4-D array.
    """
    scanner = _Scanner(motifs, background, both_strands, score)
    parts = []
    for _, s, valid in scanner.chunks(seqs):
        parts.append(np.where(valid[:, :, None, :], s, -np.inf).astype(np.float32))
    return np.concatenate(parts, axis=0)


def best_hits(motifs, seqs, both_strands=True, background=None) -> pd.DataFrame:
    """The best-scoring window of each motif in each sequence.

    Returns
    -------
    pandas.DataFrame
        One row per (sequence, motif): ``sequence_index``, ``motif``, ``start``
        (0-based), ``strand``, ``score`` (bits) and ``pvalue`` of that window.
    """
    scanner = _Scanner(motifs, background, both_strands)
    rows = []
    for lo, s, valid in scanner.chunks(seqs):
        s = np.where(valid[:, :, None, :], s, -np.inf)
        n, m, n_strands, length = s.shape
        flat = s.reshape(n, m, n_strands * length)
        arg = flat.argmax(axis=-1)
        best = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
        rows.append(pd.DataFrame({
            "sequence_index": np.repeat(np.arange(lo, lo + n), m),
            "motif_index": np.tile(np.arange(m), n),
            "start": (arg % length).ravel(),
            "strand": np.array(scanner.strands)[(arg // length).ravel()],
            "score": best.ravel().astype(np.float64),
        }))
    out = pd.concat(rows, ignore_index=True)
    dists = [ScoreDistribution(mm, background) for mm in scanner.motifs]
    out["pvalue"] = _pvalues(dists, out)
    out.insert(1, "motif", [scanner.motifs[i].name for i in out["motif_index"]])
    return out


def find_hits(motifs, seqs, pvalue: float = 1e-4, both_strands=True, background=None,
              resolution: float = DEFAULT_RESOLUTION) -> pd.DataFrame:
    """Every window whose score passes the p-value threshold of its motif.

    Parameters
    ----------
    motifs : PWM or list of PWM
    seqs : sequence of str
    pvalue : float
        Hits have a p-value (exact, on a ``resolution``-bit grid) at most this.

    Returns
    -------
    pandas.DataFrame
        Columns ``sequence_index``, ``motif``, ``motif_index``, ``start`` (0-based),
        ``end`` (exclusive), ``strand``, ``score`` (bits), ``pvalue``; sorted by
        sequence, motif and start.
    """
    scanner = _Scanner(motifs, background, both_strands)
    dists = [ScoreDistribution(m, background, resolution) for m in scanner.motifs]
    thresholds = np.array([d.threshold(pvalue) for d in dists], dtype=np.float32)
    frames = []
    for lo, s, valid in scanner.chunks(seqs):
        passed = (s >= thresholds[None, :, None, None]) & valid[:, :, None, :]
        seq_i, mot_i, str_i, pos_i = np.nonzero(passed)
        frames.append(pd.DataFrame({
            "sequence_index": seq_i + lo, "motif_index": mot_i, "start": pos_i,
            "strand_index": str_i, "score": s[seq_i, mot_i, str_i, pos_i].astype(np.float64)}))
    hits = pd.concat(frames, ignore_index=True)
    hits["pvalue"] = _pvalues(dists, hits)
    hits["strand"] = np.array(scanner.strands)[hits.pop("strand_index").to_numpy()]
    hits["end"] = hits["start"] + scanner.widths[hits["motif_index"].to_numpy()]
    hits.insert(1, "motif", [scanner.motifs[i].name for i in hits["motif_index"]])
    hits = hits[["sequence_index", "motif", "motif_index", "start", "end", "strand",
                 "score", "pvalue"]]
    return hits.sort_values(["sequence_index", "motif_index", "start", "strand"],
                            ignore_index=True)
