"""Sequence logos, drawn by logomaker from a position probability (or count) matrix."""
from __future__ import annotations

import numpy as np

from ..alphabets import get_alphabet
from ..errors import InputError
from ._base import DPI, check_choice, finish, new_figure, style

_SCHEMES = {"ACGT": "classic", "ACGU": "classic", "ACDEFGHIKLMNPQRSTVWY": "weblogo_protein"}


#: names of alphabets that ``alphabet=`` takes instead of its symbols
_ALPHABET_NAMES = ("dna", "rna", "protein", "aa", "prot", "amino")
#: what a second argument that is an alphabet, not a path, looks like
_ALPHABET_WORDS = ("acgt", "acgu") + _ALPHABET_NAMES


def _symbols(alphabet):
    if isinstance(alphabet, str) and alphabet.lower() in _ALPHABET_NAMES:
        return get_alphabet(alphabet).symbols
    symbols = getattr(alphabet, "symbols", alphabet)
    symbols = "".join(symbols) if not isinstance(symbols, str) else symbols
    if len(set(symbols)) != len(symbols) or len(symbols) < 2:
        raise InputError(f"alphabet must be at least 2 distinct symbols, e.g. 'ACGT', got {alphabet!r}")
    return symbols



def sequence_logo(matrix, path=None, *, alphabet="ACGT", kind="information",
                  title="Sequence logo", start=1, formats=None, dpi=DPI):
    """Sequence logo of a motif: letter heights in bits of information, or probabilities.

    Parameters
    ----------
    matrix : array-like of shape (C, W), or a :class:`biochemml.motifs.PWM`
        Position probability matrix, one row per symbol in ``alphabet`` order and one column
        per position (as :mod:`biochemml.motifs` stores a PFM). Counts are fine too: each
        column is divided by its sum. A PWM gives its matrix and its alphabet.
    path : str or Path, optional
        Save the figure here, as every biochemml figure does (the second argument, as in
        :func:`roc_curve` and the others).
    alphabet : str, default "ACGT"
        Keyword only. The symbols of the rows, or ``"dna"``, ``"rna"``, ``"protein"``;
        ignored for a PWM, which knows its own.
    kind : {"information", "probability"}
        ``"information"``: letter height = probability × information content of the position
        (bits, at most log2(C), uniform background); ``"probability"``: letter height =
        probability.
    start : int, default 1
        Number of the first position on the x axis.
    title, formats, dpi :
        As in every biochemml figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import logomaker
    import pandas as pd

    check_choice("kind", kind, ("information", "probability"))
    if isinstance(path, str) and path.strip().lower() in _ALPHABET_WORDS:
        # the alphabet was the second argument before path was: say so rather than save
        # a file named like an alphabet
        raise InputError(f"the second argument of sequence_logo is the path to save to, not "
                         f"the alphabet: pass alphabet={path!r} by name")
    from ..motifs.pwm import PWM

    if isinstance(matrix, PWM):
        matrix, alphabet = matrix.matrix, matrix.alphabet.symbols
    symbols = _symbols(alphabet)
    try:
        m = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        raise InputError("matrix must hold numbers") from None
    if m.ndim != 2 or m.shape[0] != len(symbols):
        hint = " (it looks transposed: pass rows = symbols)" if m.ndim == 2 and m.shape[1] == len(symbols) else ""
        raise InputError(f"matrix must have shape ({len(symbols)}, W), one row per symbol of "
                         f"'{symbols}', got {m.shape}{hint}")
    if m.shape[1] == 0 or not np.isfinite(m).all() or (m < 0).any():
        raise InputError("matrix must hold at least one position of finite, non-negative numbers")
    sums = m.sum(0)
    if (sums <= 0).any():
        raise InputError(f"position {int(np.argmax(sums <= 0)) + start} of the matrix is all zeros")
    probs = pd.DataFrame((m / sums).T, columns=list(symbols), index=np.arange(start, start + m.shape[1]))
    heights = probs if kind == "probability" else logomaker.transform_matrix(
        probs, from_type="probability", to_type="information")
    width = m.shape[1]
    # long motifs wrap onto rows of at most LOGO_ROW positions: a 40-letter logo on one
    # 20-inch row shrank to unreadable letters on a slide
    n_rows = int(np.ceil(width / LOGO_ROW))
    per = int(np.ceil(width / n_rows))
    with style():
        fig, axes = new_figure(float(np.clip(0.45 * per + 2.0, 5.0, 14.0)), 3.2 * n_rows, dpi,
                               nrows=n_rows, squeeze=False)
        for r, ax in enumerate(axes[:, 0]):
            part = heights.iloc[r * per:(r + 1) * per]
            logomaker.Logo(part, ax=ax, color_scheme=_SCHEMES.get(symbols, "dimgray"),
                           font_name="DejaVu Sans")
            ax.set_ylabel("information (bits)" if kind == "information" else "probability")
            ax.set_ylim(0, np.log2(len(symbols)) if kind == "information" else 1)
            ax.set_xticks(part.index.to_numpy())
        axes[-1, 0].set_xlabel("position")
        axes[0, 0].set_title(title)
    return finish(fig, path, formats, dpi)


#: positions per row of a sequence logo (longer motifs wrap)
LOGO_ROW = 25
