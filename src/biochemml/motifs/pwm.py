"""Position frequency / weight matrices (PFM, PWM) and log-odds PSSMs.

Two scores are offered, named for what they are:

- :meth:`PWM.window_log_prob` is the course's score: the natural log of the product of
  the PWM probabilities of the observed bases, ``ln prod_j p_j(x_j)``. It is 0 for a
  perfect match of a motif made of certain columns and negative otherwise
  (``ln(0.1**4 * 0.7) = -9.567`` for ATACA under the lecture's matrix).
- :meth:`PWM.log_odds` is the bioinformatics score (what Biopython's PSSM, FIMO and
  MOODS use): ``log2 p_j(x_j) / b(x_j)`` in bits against a background ``b``. It is
  what :mod:`biochemml.motifs.scan` and p-values use, because it compares a motif
  with chance.
"""
from __future__ import annotations

import numpy as np

from ..alphabets import Alphabet, get_alphabet
from ..errors import InputError

_SUM_TOLERANCE = 1e-3


def _as_matrix(m, alphabet: Alphabet, what: str) -> np.ndarray:
    try:
        arr = np.asarray(m, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InputError(f"{what} must hold numbers ({err})") from None
    size = alphabet.size
    if arr.ndim != 2:
        raise InputError(f"{what} must be a 2-D ({size}, width) matrix, got shape {arr.shape}")
    if arr.shape[0] != size:
        hint = " (it looks transposed: pass matrix.T)" if arr.shape[1] == size else ""
        raise InputError(
            f"{what} must have {size} rows, one per symbol of {alphabet.symbols} "
            f"({alphabet.name}), got shape {arr.shape}{hint}")
    if arr.shape[1] < 1:
        raise InputError(f"{what} has no columns")
    if not np.isfinite(arr).all():
        raise InputError(f"{what} contains NaN or infinite values")
    neg = np.argwhere(arr < 0)
    if neg.size:
        r, c = neg[0]
        raise InputError(f"{what} has a negative entry {arr[r, c]} at row "
                         f"{alphabet.symbols[r]}, column {c}")
    return arr


def background_vector(background, alphabet: Alphabet) -> np.ndarray:
    """Return a ``(C,)`` background distribution (uniform when ``None``)."""
    size = alphabet.size
    if background is None:
        return np.full(size, 1.0 / size)
    if isinstance(background, dict):
        background = [background.get(s, 0.0) for s in alphabet.symbols]
    try:
        b = np.asarray(background, dtype=np.float64)
    except (TypeError, ValueError):  # not numbers: the message below
        b = np.full(size, np.nan)
    if b.shape != (size,) or (b <= 0).any() or not np.isfinite(b).all():
        raise InputError(f"background must be {size} positive numbers in the order "
                         f"{alphabet.symbols}, got {background!r}")
    return b / b.sum()



def _letter_values(values, symbols) -> np.ndarray | None:
    """A Biopython per-letter dict (or a number) as an array in ``symbols`` order, or None."""
    if values is None:
        return None
    if isinstance(values, dict):
        if not all(k in values for k in symbols):
            return None
        return np.array([float(values[k]) for k in symbols])
    return np.full(len(symbols), float(values))

class PWM:
    """A position weight matrix: per-position probabilities of each symbol.

    Parameters
    ----------
    matrix : array-like, shape (C, W)
        Probabilities, one row per symbol in alphabet order (A, C, G, T for DNA), one
        column per motif position. Each column must sum to 1; use
        :meth:`from_matrix` to normalise counts.
    alphabet : {"dna", "rna", "protein"}
    name : str, optional
    counts : array-like, shape (C, W), optional
        The frequency matrix (PFM) the probabilities came from, kept for export.
    background : array-like of shape (C,) or dict, optional
        The letter frequencies of the sequences the motif was found in, such as a MEME
        file's "Background letter frequencies". :meth:`log_odds`,
        :meth:`information_content`, the p-values and the scans use it whenever they
        are given no background of their own; uniform when None.

    Attributes
    ----------
    matrix : ndarray, shape (C, W)
    counts : ndarray, shape (C, W) or None
    background : ndarray, shape (C,) or None
    width : int
    """

    def __init__(self, matrix, alphabet="dna", name: str | None = None, counts=None,
                 background=None):
        self.alphabet = get_alphabet(alphabet)
        arr = _as_matrix(matrix, self.alphabet, "a PWM")
        sums = arr.sum(axis=0)
        off = np.flatnonzero(np.abs(sums - 1.0) > _SUM_TOLERANCE)
        if off.size:
            j = int(off[0])
            raise InputError(
                f"column {j} of the PWM sums to {sums[j]:.4g}, not 1: a PWM holds "
                "probabilities; use PWM.from_matrix(...) to normalise counts")
        self.matrix = arr / sums
        self.counts = None if counts is None else _as_matrix(counts, self.alphabet, "counts")
        self.name = name or "motif"
        self.background = None if background is None else \
            background_vector(background, self.alphabet)

    # ----- construction -------------------------------------------------------------
    @classmethod
    def from_instances(cls, instances, pseudocounts=0.5, alphabet="dna", name=None) -> "PWM":
        """Build a PWM from aligned instances (equal-length sites).

        Parameters
        ----------
        instances : sequence of str (or Bio.Seq)
            Aligned binding sites, all of one length ``W``. A single string is one
            instance (a PWM of certainties, plus pseudocounts), not one per letter.
        pseudocounts : float or array-like of shape (C,)
            Added to every count before normalising (Biopython's
            ``counts.normalize(pseudocounts=...)``, identical numbers).

        Examples
        --------
        >>> pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
        >>> pwm.matrix[:, 0].round(2).tolist()   # A, C, G, T at position 0
        [0.1, 0.1, 0.1, 0.7]
        """
        from ..encode import one_hot

        if isinstance(instances, (str, bytes)) or type(instances).__name__ in ("Seq", "MutableSeq"):
            instances = [instances]
        seqs = [s.decode("latin-1") if isinstance(s, bytes) else str(s) for s in instances]
        if not seqs:
            raise InputError("no instances were given to build a PWM from")
        width = len(seqs[0])
        for i, s in enumerate(seqs):
            if len(s) != width:
                raise InputError(f"has length {len(s)} but instance 0 has length {width}; "
                                 "instances must be aligned (equal length)", row=i)
        counts = one_hot(seqs, alphabet, pad="none", dtype=np.float64).sum(axis=0).T
        return cls.from_matrix(counts, pseudocounts=pseudocounts, alphabet=alphabet,
                               name=name, _counts=counts)

    @classmethod
    def from_matrix(cls, m, pseudocounts=0.0, alphabet="dna", name=None, _counts=None,
                    background=None) -> "PWM":
        """Build a PWM from a ``(C, W)`` count or probability matrix; columns are normalised.

        Parameters
        ----------
        m : array-like, shape (C, W)
            Counts (PFM) or unnormalised weights, rows in alphabet order.
        pseudocounts : float or array-like of shape (C,)
            Added to each entry before normalising.
        background : array-like of shape (C,) or dict, optional
            The motif's own background (see :class:`PWM`).

        Examples
        --------
        >>> PWM.from_matrix([[2, 0], [0, 1], [0, 1], [2, 2]]).matrix[:, 0].tolist()
        [0.5, 0.0, 0.0, 0.5]
        """
        alpha = get_alphabet(alphabet)
        counts = _as_matrix(m, alpha, "the matrix")
        pc = np.broadcast_to(np.asarray(pseudocounts, dtype=np.float64), (alpha.size,))
        if (pc < 0).any():
            raise InputError("pseudocounts must not be negative")
        total = counts + pc[:, None]
        sums = total.sum(axis=0)
        empty = np.flatnonzero(sums <= 0)
        if empty.size:
            raise InputError(f"column {int(empty[0])} of the matrix is all zeros; "
                             "add pseudocounts or remove the column")
        return cls(total / sums, alphabet=alpha, name=name,
                   counts=counts if _counts is None else _counts, background=background)

    @classmethod
    def from_biopython(cls, motif, pseudocounts=0.0) -> "PWM":
        """Convert a ``Bio.motifs.Motif`` (e.g. from JASPAR) into a :class:`PWM`.

        The motif's own ``pseudocounts`` are used when ``pseudocounts`` is 0, and its
        ``background`` when it is not uniform, so that the PWM scores as the motif does.
        """
        letters = "".join(sorted(motif.alphabet))
        alphabet = {"ACGT": "dna", "ACGU": "rna"}.get(letters, "protein")
        alpha = get_alphabet(alphabet)
        counts = np.array([motif.counts[s] for s in alpha.symbols], dtype=np.float64)
        own = _letter_values(getattr(motif, "pseudocounts", None), alpha.symbols)
        if not np.any(pseudocounts) and own is not None and own.any():
            pseudocounts = own
        background = _letter_values(getattr(motif, "background", None), alpha.symbols)
        if background is not None and np.allclose(background, background[0]):
            background = None  # uniform: scored as without one
        name = getattr(motif, "matrix_id", None) or getattr(motif, "name", None)
        motif_name = getattr(motif, "name", None)
        if name and motif_name and motif_name != name:
            name = f"{name} {motif_name}"
        name = " ".join(str(name).split()) if name else None  # no tabs or newlines in names
        return cls.from_matrix(counts, pseudocounts=pseudocounts, alphabet=alpha, name=name,
                               background=background)

    def to_biopython(self):
        """Return a ``Bio.motifs.Motif`` that scores as this PWM does: its counts when they
        are exactly the matrix, else the probabilities times the number of sites
        (pseudocounts included; x 100 without counts), and its background."""
        from Bio import motifs

        from .formats import _site_counts

        counts = _site_counts(self)
        data = {s: counts[i].tolist() for i, s in enumerate(self.alphabet.symbols)}
        motif = motifs.Motif(alphabet=self.alphabet.symbols, counts=data)
        motif.name = self.name
        if self.background is not None:
            motif.background = dict(zip(self.alphabet.symbols,
                                        np.asarray(self.background, dtype=float).tolist()))
        return motif

    # ----- properties ----------------------------------------------------------------
    @property
    def width(self) -> int:
        return self.matrix.shape[1]

    def __len__(self) -> int:
        return self.width

    def __repr__(self) -> str:
        return f"PWM(name={self.name!r}, alphabet={self.alphabet.name!r}, width={self.width})"

    def to_frame(self):
        """The matrix as a pandas DataFrame (rows = symbols, columns = positions)."""
        import pandas as pd

        return pd.DataFrame(self.matrix, index=list(self.alphabet.symbols))

    @property
    def consensus(self) -> str:
        """Most probable symbol at each position (ties go to the first in alphabet order)."""
        return "".join(self.alphabet.symbols[i] for i in self.matrix.argmax(axis=0))

    def background_of(self, background=None) -> np.ndarray:
        """The ``(C,)`` background to score against: ``background`` when given, else the
        motif's own (:attr:`background`, from its file), else uniform."""
        return background_vector(self.background if background is None else background,
                                 self.alphabet)

    def information_content(self, background=None) -> np.ndarray:
        """Information content in bits per position, shape ``(W,)``.

        ``IC_j = sum_c p_jc log2(p_jc / b_c)`` (relative entropy to the background;
        ``log2 C - H_j`` for a uniform background). Sum it for the motif's total.
        ``background`` defaults to the motif's own, else uniform.
        """
        b = self.background_of(background)
        p = self.matrix
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, p * np.log2(p / b[:, None]), 0.0)
        return terms.sum(axis=0)

    def log_odds(self, background=None, floor: float = 1e-9) -> np.ndarray:
        """Log-odds PSSM in bits, ``log2(p / b)``, shape ``(C, W)``.

        Zero probabilities are floored at ``floor`` (a very negative, finite score);
        build the PWM with pseudocounts to avoid them. ``background`` defaults to the
        motif's own (:attr:`background`), else uniform.
        """
        b = self.background_of(background)
        return np.log2(np.maximum(self.matrix, floor) / b[:, None])

    def reverse_complement(self) -> "PWM":
        """The motif on the other strand (DNA/RNA only)."""
        if self.alphabet.complement is None:
            raise InputError("reverse complement is defined for DNA and RNA motifs only")
        order = [self.alphabet.symbols.index(c) for c in self.alphabet.complement]
        counts = None if self.counts is None else self.counts[order, ::-1]
        background = None if self.background is None else self.background[order]
        return PWM(self.matrix[order, ::-1], self.alphabet, name=f"{self.name} (rc)", counts=counts,
                   background=background)

    # ----- scoring -------------------------------------------------------------------
    def window_log_prob(self, seq) -> np.ndarray:
        """The course's window score: ``ln prod_j p_j(x_{i+j})`` for every window ``i``.

        Parameters
        ----------
        seq : str or sequence of str
            One sequence (returns shape ``(L - W + 1,)``) or several of one length
            (returns ``(N, L - W + 1)``).

        Notes
        -----
        An ambiguity symbol (N, or an IUPAC code such as R) counts as the column's
        average probability, ``1/C`` (``ln 0.25 = -1.386`` per N for DNA): the
        probability a uniform background gives any one base, so an N is no evidence for
        or against the motif. :func:`~biochemml.motifs.score_windows` with
        ``score="log_prob"`` scores it alike.

        Examples
        --------
        >>> pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
        >>> pwm.window_log_prob("ATACAA").round(6).tolist()
        [-9.567015, -2.119847]
        """
        from ..encode import one_hot

        if not isinstance(seq, str):
            lengths = {len(q) for q in seq if isinstance(q, str)}
            if len(lengths) > 1:
                raise InputError(f"the sequences have different lengths ({min(lengths)} to "
                                 f"{max(lengths)}); window_log_prob scores sequences of one "
                                 "length as a matrix: score each alone, or use "
                                 "biochemml.motifs.score_windows(pwm, sequences, "
                                 "score='log_prob'), which takes any lengths")
        x = one_hot(seq, self.alphabet, pad="none", unknown="uniform", dtype=np.float64)
        single = x.ndim == 2
        x = x[None] if single else x
        length = x.shape[1]
        if length < self.width:
            raise InputError(f"the sequence ({length} nt) is shorter than the motif ({self.width})")
        # ln p_j(x) summed over positions j (a sum of logs does not underflow as a
        # product of many small probabilities would); an ambiguity symbol (N) counts
        # as the column's average probability
        n_windows = length - self.width + 1
        out = np.zeros((x.shape[0], n_windows))
        with np.errstate(divide="ignore"):
            for j in range(self.width):
                out += np.log(x[:, j:n_windows + j] @ self.matrix[:, j])
        return out[0] if single else out

    def sample(self, n: int, seed=None) -> list[str]:
        """Draw ``n`` sites from the PWM (each position independently)."""
        rng = np.random.default_rng(seed)
        cum = np.cumsum(self.matrix, axis=0)
        u = rng.random((n, self.width))
        idx = (u[:, :, None] > cum.T[None]).sum(axis=-1)
        idx = np.minimum(idx, self.alphabet.size - 1)
        letters = np.frombuffer(self.alphabet.symbols.encode("ascii"), dtype=np.uint8)[idx]
        return [row.tobytes().decode("ascii") for row in letters]
