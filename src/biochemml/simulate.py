"""Synthetic sequence data with a known ground truth.

- :func:`motif_dataset`: the course's classification set (positives carry a motif
  drawn from a PWM, negatives are random), for any PWM(s), length, position and
  background.
- :func:`bayes_optimal_accuracy`: the best accuracy any classifier can reach on that
  set (Monte Carlo over the exact likelihood ratio) — the ceiling to judge models by;
  :func:`bayes_rule`: the calls of that classifier on given sequences (what it scores on
  one finite test set).
- :func:`regression_dataset`: expression as a known function of motif occurrences and
  their positions plus noise, for testing regression models.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .alphabets import get_alphabet
from .errors import InputError
from .motifs.pwm import PWM, background_vector

#: The course's CCGGAA motif matrix (rows A, C, G, T; columns are positions; the
#: entries are percentages, normalised per column by :func:`lecture_pwm`).
LECTURE_MOTIF_MATRIX = np.array([
    [10.41, 22.86, 1.92, 1.55, 98.60, 86.66],
    [68.20, 65.25, 0.50, 0.35, 0.25, 2.57],
    [17.27, 8.30, 94.77, 97.32, 0.87, 0.00],
    [4.13, 3.59, 2.81, 0.78, 0.28, 10.77],
])


def lecture_pwm() -> PWM:
    """The course's CCGGAA PWM (columns of :data:`LECTURE_MOTIF_MATRIX` normalised)."""
    return PWM.from_matrix(LECTURE_MOTIF_MATRIX, name="CCGGAA (lecture)")


def _as_pwms(pwm) -> list[PWM]:
    if isinstance(pwm, PWM):
        return [pwm]
    if isinstance(pwm, np.ndarray) and pwm.ndim == 2:
        return [PWM.from_matrix(pwm)]
    pwms = [p if isinstance(p, PWM) else PWM.from_matrix(p) for p in pwm]
    if not pwms:
        raise InputError("no PWM was given")
    return pwms


def _random_codes(rng, n: int, length: int, background: np.ndarray) -> np.ndarray:
    return rng.choice(background.size, size=(n, length), p=background).astype(np.uint8)


def _sample_codes(rng, pwm: PWM, n: int) -> np.ndarray:
    """``(n, W)`` symbol codes drawn column by column from the PWM."""
    cum = np.cumsum(pwm.matrix, axis=0)  # (C, W)
    u = rng.random((n, pwm.width))
    return np.minimum((u[:, :, None] > cum.T[None]).sum(axis=-1), pwm.alphabet.size - 1)


def _to_strings(codes: np.ndarray, symbols: str) -> list[str]:
    letters = np.frombuffer(symbols.encode("ascii"), dtype=np.uint8)[codes]
    joined = letters.tobytes().decode("ascii")
    length = codes.shape[1]
    return [joined[i:i + length] for i in range(0, len(joined), length)]


def motif_dataset(pwm, n_positive: int = 1000, n_negative: int = 1000, length: int = 20,
                  position: int | None = 7, background=None, seed=None) -> pd.DataFrame:
    """Simulate the course's motif classification data set.

    Positives are random sequences with one motif site drawn from ``pwm`` planted at
    ``position``; negatives are random throughout. With the defaults (the lecture's
    CCGGAA PWM from :func:`lecture_pwm`) this is the course's set: 7 random bases,
    6 motif bases, 7 random bases, 1,000 of each class.

    Parameters
    ----------
    pwm : PWM, (C, W) array, or list of these
        With several motifs each positive carries one, chosen uniformly.
    n_positive, n_negative : int
    length : int
        Sequence length ``L``.
    position : int or None
        0-based start of the planted site; ``None`` draws a start uniformly from
        ``0 .. L - W`` for each positive.
    background : array-like of shape (C,), optional
        Symbol frequencies of the random bases (uniform by default).
    seed : int, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``sequence`` (str of length L), ``label`` (1 = carries the motif,
        0 = random), ``motif_start`` (-1 for negatives) and ``motif`` (name of the
        planted PWM, "" for negatives). Positives come first, then negatives, as in the
        course; shuffle or split before training.

    Examples
    --------
    >>> df = motif_dataset(lecture_pwm(), 5, 5, seed=0)
    >>> df.shape, int(df.label.sum()), df.sequence.str.len().unique().tolist()
    ((10, 4), 5, [20])
    """
    pwms = _as_pwms(pwm)
    alpha = pwms[0].alphabet
    for n, what in ((n_positive, "n_positive"), (n_negative, "n_negative")):
        if int(n) != n or n < 0:
            raise InputError(f"{what} must be a non-negative integer, not {n}")
    if n_positive + n_negative == 0:
        raise InputError("n_positive + n_negative must be at least 1")
    widest = max(p.width for p in pwms)
    if length < widest:
        raise InputError(f"length {length} is shorter than the motif ({widest})")
    if position is not None and not 0 <= position <= length - widest:
        raise InputError(f"position must be between 0 and {length - widest} for length "
                         f"{length} and a motif of width {widest}, not {position}")
    b = background_vector(background, alpha)
    rng = np.random.default_rng(seed)
    pos = _random_codes(rng, n_positive, length, b)
    neg = _random_codes(rng, n_negative, length, b)
    which = rng.integers(len(pwms), size=n_positive)
    starts = np.full(n_positive, -1)
    for k, p in enumerate(pwms):
        rows = np.flatnonzero(which == k)
        if rows.size == 0:
            continue
        sites = _sample_codes(rng, p, rows.size)
        if position is None:
            s = rng.integers(0, length - p.width + 1, size=rows.size)
        else:
            s = np.full(rows.size, position)
        cols = s[:, None] + np.arange(p.width)
        pos[rows[:, None], cols] = sites
        starts[rows] = s
    return pd.DataFrame({
        "sequence": _to_strings(pos, alpha.symbols) + _to_strings(neg, alpha.symbols),
        "label": np.r_[np.ones(n_positive, int), np.zeros(n_negative, int)],
        "motif_start": np.r_[starts, np.full(n_negative, -1)],
        "motif": [pwms[k].name for k in which] + [""] * n_negative,
    })


def _log_likelihood_ratio(codes: np.ndarray, pwms: list[PWM], b: np.ndarray,
                          position: int | None) -> np.ndarray:
    """ln P(x | positive) - ln P(x | negative) for ``(N, L)`` codes."""
    n, length = codes.shape
    per_motif = []
    for p in pwms:
        ratio = np.log(np.maximum(p.matrix, 1e-300)) - np.log(b)[:, None]  # (C, W)
        starts = [position] if position is not None else range(length - p.width + 1)
        window = np.stack([ratio[codes[:, s:s + p.width], np.arange(p.width)].sum(axis=1)
                           for s in starts], axis=1)  # (N, n_starts)
        per_motif.append(_logmeanexp(window, axis=1))
    return _logmeanexp(np.stack(per_motif, axis=1), axis=1)


def _logmeanexp(a: np.ndarray, axis: int) -> np.ndarray:
    top = a.max(axis=axis, keepdims=True)
    return (top + np.log(np.mean(np.exp(a - top), axis=axis, keepdims=True))).squeeze(axis)


def _check_share(positive_fraction) -> None:
    """Refuse a share of positives that is not a number strictly between 0 and 1."""
    from .numeric import is_number

    if not is_number(positive_fraction) or not 0 < positive_fraction < 1:
        raise InputError(f"positive_fraction must lie strictly between 0 and 1, not "
                         f"{positive_fraction!r}")


def bayes_rule(pwm, sequences, position: int | None = 7, background=None,
               positive_fraction: float = 0.5) -> np.ndarray:
    """The Bayes-optimal calls (1 = carries the motif) for sequences of :func:`motif_dataset`.

    A sequence is called positive when its posterior odds favour the motif: the
    log-likelihood ratio of motif against background beats ``log((1 - f) / f)`` for a
    fraction ``f`` of positives. Knowing how the data were made, no classifier does better
    on average; on one finite test set it scores what chance leaves (about 0.96-0.98 on
    the course's 400 sequences, against 0.979 on average).

    Parameters
    ----------
    pwm, position, background
        As in :func:`motif_dataset`.
    sequences : sequence of str, shape (N,)
        Sequences of equal length.
    positive_fraction : float
        Share of sequences carrying the motif, strictly between 0 and 1.

    Returns
    -------
    ndarray of int, shape (N,)
    """
    _check_share(positive_fraction)
    pwms = _as_pwms(pwm)
    alpha = pwms[0].alphabet
    from .encode.codes import to_codes

    codes, _ = to_codes(list(sequences), alpha, pad="none")
    llr = _log_likelihood_ratio(codes, pwms, background_vector(background, alpha), position)
    return (llr > np.log((1 - positive_fraction) / positive_fraction)).astype(int)


def bayes_optimal_accuracy(pwm, length: int = 20, position: int | None = 7, n: int = 200_000,
                           seed=0, background=None, positive_fraction: float = 0.5) -> float:
    """Monte Carlo estimate of the best possible accuracy on :func:`motif_dataset`.

    The Bayes-optimal classifier calls a sequence positive when its posterior odds
    favour the motif: the log-likelihood ratio of motif against background beats
    ``log((1 - f) / f)`` for a fraction ``f`` of positives (0 for equal class sizes).
    Its accuracy is the ceiling that no model trained on such data can beat; for the
    course's setting (equal classes) it is about 0.979. With unequal classes it is at
    least the share of the larger class, what always answering that class scores.

    Parameters
    ----------
    pwm, length, position, background
        As in :func:`motif_dataset`.
    n : int
        Simulated sequences; the standard error is about ``sqrt(0.02 / n)``, 0.0003 for
        the default.
    seed : int
    positive_fraction : float
        Share of sequences carrying the motif, strictly between 0 and 1
        (``n_positive / (n_positive + n_negative)`` of the data set).

    Returns
    -------
    float
    """
    _check_share(positive_fraction)
    pwms = _as_pwms(pwm)
    n_pos = min(max(int(round(n * positive_fraction)), 1), n - 1)
    df = motif_dataset(pwms, n_pos, n - n_pos, length, position, background, seed)
    called = bayes_rule(pwms, df["sequence"], position, background, positive_fraction)
    return float(np.mean(called == df["label"].to_numpy()))


def regression_dataset(pwm, n: int = 2000, length: int = 50, effects=None,
                       max_copies: int = 3, position_slope: float = 0.0, noise: float = 0.3,
                       baseline: float = 0.0, background=None, seed=None) -> pd.DataFrame:
    """Simulate expression as a function of motif occurrences, with known ground truth.

    Each sequence gets, for every motif, 0 to ``max_copies`` sites (uniform count) at
    random non-overlapping places. Its expression is::

        baseline + sum over sites of effect[motif] * (1 + position_slope * (start / (L - W)))
                 + Normal(0, noise)

    so ``position_slope > 0`` makes sites near the 3' end count more (as a site near
    the start codon of a 5' UTR would).

    Parameters
    ----------
    pwm : PWM, (C, W) array, or list of these
    n : int
        Number of sequences.
    length : int
    effects : sequence of float, optional
        Effect of one site of each motif (default 1.0 for the first, then -0.5, 0.5, ...).
    max_copies : int
    position_slope : float
    noise : float
        Standard deviation of the Gaussian noise.
    baseline : float
    background : array-like, optional
    seed : int, optional

    Returns
    -------
    pandas.DataFrame
        ``sequence``, ``expression`` (noisy), ``signal`` (noise-free truth), and one
        ``count_<k>`` column per motif with the number of planted sites.
    """
    pwms = _as_pwms(pwm)
    alpha = get_alphabet(pwms[0].alphabet)
    if effects is None:
        defaults = [1.0, -0.5, 0.5, -0.25]
        effects = [defaults[k % 4] for k in range(len(pwms))]
    effects = np.asarray(effects, dtype=float)
    if effects.shape != (len(pwms),):
        raise InputError(f"effects must have one value per motif ({len(pwms)}), got {effects.size}")
    width = max(p.width for p in pwms)
    n_slots = length // width
    if n_slots < max_copies * len(pwms):
        raise InputError(f"length {length} leaves room for {n_slots} sites of width {width}; "
                         f"need {max_copies * len(pwms)} (max_copies x motifs)")
    rng = np.random.default_rng(seed)
    codes = _random_codes(rng, n, length, background_vector(background, alpha))
    counts = rng.integers(0, max_copies + 1, size=(n, len(pwms)))
    slot_order = np.argsort(rng.random((n, n_slots)), axis=1)
    signal = np.full(n, float(baseline))
    slot_cursor = np.zeros(n, dtype=int)
    for k, p in enumerate(pwms):
        for copy in range(max_copies):
            rows = np.flatnonzero(counts[:, k] > copy)
            if rows.size == 0:
                continue
            slots = slot_order[rows, slot_cursor[rows]]
            slot_cursor[rows] += 1
            starts = slots * width + rng.integers(0, width - p.width + 1, size=rows.size)
            codes[rows[:, None], starts[:, None] + np.arange(p.width)] = _sample_codes(rng, p, rows.size)
            rel = starts / max(length - p.width, 1)
            signal[rows] += effects[k] * (1.0 + position_slope * rel)
    out = pd.DataFrame({"sequence": _to_strings(codes, alpha.symbols),
                        "expression": signal + rng.normal(0.0, noise, size=n),
                        "signal": signal})
    for k in range(len(pwms)):
        out[f"count_{k}"] = counts[:, k]
    return out
