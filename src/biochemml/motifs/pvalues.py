"""Exact p-values of log-odds motif scores (the method of FIMO and MOODS).

Scores are rounded to a grid of ``resolution`` bits; the distribution of the total
score of a random site (each position drawn from the background) is then computed
exactly by dynamic programming over positions. On the grid the p-value is exact; the
only approximation is the rounding of each matrix entry (at most ``resolution / 2``
bits per position).
"""
from __future__ import annotations

import numpy as np

from ..errors import InputError
from .pwm import PWM, background_vector

DEFAULT_RESOLUTION = 0.001


class ScoreDistribution:
    """The null distribution of a PSSM's window score.

    Parameters
    ----------
    pwm : PWM
    background : array-like of shape (C,), optional
        Symbol probabilities of random sequence; by default the motif's own
        (:attr:`PWM.background`, from its file), else uniform.
    resolution : float
        Grid step in bits.
    null : array-like of shape (C,), optional
        Symbol probabilities of the random sites, when they are not ``background``
        (the default): the minus strand of a scan is scored with this motif's matrix
        read on the reverse complement, whose letters are drawn from the complemented
        background (:meth:`for_minus_strand`).

    Attributes
    ----------
    pssm : ndarray, shape (C, W)
        Log-odds matrix in bits.
    integer_pssm : ndarray of int64, shape (C, W)
        ``round(pssm / resolution)``.
    offset : int
        Integer score of the first entry of ``sf``.
    sf : ndarray, shape (S,)
        ``P(score >= offset + k)`` for ``k = 0 .. S-1`` (survival function).
    null : ndarray, shape (C,)
        The symbol probabilities of random sites (``background`` unless given).
    """

    def __init__(self, pwm: PWM, background=None, resolution: float = DEFAULT_RESOLUTION,
                 null=None):
        if resolution <= 0:
            raise InputError("resolution must be positive")
        self.pwm = pwm
        self.resolution = float(resolution)
        self.background = pwm.background_of(background)
        self.null = self.background if null is None else background_vector(null, pwm.alphabet)
        self.pssm = pwm.log_odds(self.background)
        q = np.rint(self.pssm / self.resolution).astype(np.int64)
        self.integer_pssm = q
        col_min = q.min(axis=0)
        span = int((q.max(axis=0) - col_min).sum())
        pmf = np.zeros(span + 1)
        pmf[0] = 1.0
        top = 0
        for j in range(q.shape[1]):
            shifted = q[:, j] - col_min[j]
            new = np.zeros_like(pmf)
            for c, s in enumerate(shifted):
                new[s:s + top + 1] += pmf[:top + 1] * self.null[c]
            pmf = new
            top += int(shifted.max())
        self.offset = int(col_min.sum())
        self.pmf = pmf
        self.sf = np.clip(np.cumsum(pmf[::-1])[::-1], 0.0, 1.0)

    def for_minus_strand(self) -> "ScoreDistribution":
        """The null distribution of the motif's minus-strand scores.

        A scan scores the minus strand with the reverse complement of :attr:`pssm`
        (Biopython's ``pssm.reverse_complement()``), i.e. the plus matrix read on the
        reverse complement of the window. Its letters are drawn from the complemented
        background, so the minus strand's null is this matrix's null under that
        background. It is this distribution itself when the background is
        complement-symmetric (equal A/T and C/G frequencies, such as uniform).
        """
        alphabet = self.pwm.alphabet
        if alphabet.complement is None:
            raise InputError("the minus strand is defined for DNA and RNA motifs only")
        order = [alphabet.symbols.index(c) for c in alphabet.complement]
        flipped = self.null[order]
        if np.array_equal(flipped, self.null):
            return self
        return ScoreDistribution(self.pwm, self.background, self.resolution, null=flipped)

    def integer_score(self, scores) -> np.ndarray:
        """Map float log-odds scores to the integer grid (nearest grid point)."""
        return np.rint(np.asarray(scores, dtype=np.float64) / self.resolution).astype(np.int64)

    def pvalue(self, scores) -> np.ndarray:
        """``P(S >= score)`` for a random site, for each float score (array or scalar).

        A window's grid score (the sum of its rounded entries) can lie up to ``W / 2`` grid
        steps from its float score divided by the resolution, so the float score is
        lowered by that much before the grid is read: the p-value of a window's own score
        is never underestimated (a window scoring 6.2047 bits whose grid score is 6.203
        gets the p-value of 6.203 and of every site scoring as well). Windows found by
        :func:`~biochemml.motifs.find_hits` carry the exact grid p-value.
        """
        slack = self.integer_pssm.shape[1] / 2
        grid = np.ceil(np.asarray(scores, dtype=np.float64) / self.resolution - slack - 1e-9)
        out = self.pvalue_of_grid(grid.astype(np.int64))
        return out if np.ndim(scores) else float(out)

    def pvalue_of_grid(self, integer_scores) -> np.ndarray:
        """``P(S_int >= t)`` for integer grid scores ``t`` (exact on the grid)."""
        k = np.asarray(integer_scores, dtype=np.int64) - self.offset
        return np.where(k <= 0, 1.0,
                        np.where(k >= self.sf.size, 0.0, self.sf[np.clip(k, 0, self.sf.size - 1)]))

    def integer_threshold(self, pvalue: float) -> int:
        """The lowest grid score a site can have with ``P(S_int >= t) <= pvalue``.

        ``S_int`` is a window's score on the grid (the sum of :attr:`integer_pssm`
        entries), so a window is a hit exactly when its grid score is at least ``t``;
        the chance that a random site is a hit is then at most ``pvalue``, exactly. ``t``
        is a score some site reaches (the weakest possible hit), so every window below it
        scores clearly lower, also in float bits. When no score is that rare, ``t`` is one
        above the best possible score.
        """
        if not 0 < pvalue <= 1:
            raise InputError(f"a p-value must be in (0, 1], not {pvalue}")
        ok = np.flatnonzero((self.sf <= pvalue) & (self.pmf > 0))
        return int(self.offset + (ok[0] if ok.size else self.sf.size))

    def threshold(self, pvalue: float) -> float:
        """The hit threshold of :meth:`integer_threshold` in bits (grid score x resolution):
        the score of the weakest site that is a hit.

        Half a grid step is taken off, so that a score exactly on the grid point counts
        as a hit despite floating-point rounding.
        """
        return float(self.integer_threshold(pvalue) * self.resolution - self.resolution / 2)


def score_threshold(pwm: PWM, pvalue: float = 1e-4, background=None,
                    resolution: float = DEFAULT_RESOLUTION) -> float:
    """Log-odds score (bits) above which a window is a hit at ``pvalue``.

    Examples
    --------
    >>> pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
    >>> t = score_threshold(pwm, 1 / 4 ** 5)   # only the best 5-mer passes
    >>> bool(t <= pwm.log_odds().max(axis=0).sum())
    True
    """
    return ScoreDistribution(pwm, background, resolution).threshold(pvalue)
