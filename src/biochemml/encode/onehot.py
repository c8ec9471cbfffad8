"""One-hot encoding of DNA, RNA and protein sequences, and decoding back to strings."""
from __future__ import annotations

import numpy as np

from ..alphabets import get_alphabet
from ..errors import InputError
from .codes import INVALID, code_table, place, sequence_bytes

# A row of C values of one dtype is read in one go as a single wider integer (or
# complex) word: gathering words is several times faster than gathering 2-D rows.
_WORDS = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64, 16: np.complex128}


def row_table(size: int, unknown: str = "zeros", dtype=np.float32) -> np.ndarray:
    """``(C + 2, C)`` table from symbol codes to rows: identity rows, the unknown row
    (zeros or ``1/C``), then the all-zero padding row. Shared by :func:`one_hot`, the
    training batches and the motif scanner, so every path encodes codes alike."""
    if unknown not in ("zeros", "uniform"):
        raise InputError(f"unknown must be 'zeros' or 'uniform', not '{unknown}'")
    table = np.zeros((size + 2, size), dtype=dtype)
    table[:size] = np.eye(size, dtype=dtype)
    if unknown == "uniform":
        if np.issubdtype(np.dtype(dtype), np.integer):
            raise InputError("unknown='uniform' needs a floating dtype such as float32")
        table[size] = 1.0 / size
    return table


def one_hot(
    seqs,
    alphabet="dna",
    length: int | None = None,
    pad: str = "right",
    truncate: str | None = None,
    unknown: str = "zeros",
    dtype=np.float32,
) -> np.ndarray:
    """One-hot encode one sequence or many.

    Parameters
    ----------
    seqs : str or sequence of str
        One sequence (returns ``(L, C)``) or many (returns ``(N, L, C)``). Lower case
        is accepted. A list, tuple, numpy array or pandas Series all work.
    alphabet : {"dna", "rna", "protein", "protein-stop"}
        Channel order A, C, G, T (DNA); A, C, G, U (RNA); the 20 amino acids in
        alphabetical one-letter order (protein), and ``*`` (a stop) as a 21st channel
        (protein-stop). DNA reads U as T and RNA reads T as U: one molecule, two spellings.
    length : int, optional
        Output length ``L``; default the longest sequence.
    pad : {"right", "left", "none"}
        Side on which shorter sequences are padded with all-zero rows. Use
        ``"left"`` for 5' UTRs so that every sequence ends at the start codon.
    truncate : {None, "right", "left"}
        Cut sequences longer than ``length`` at their 3' end (``"right"``) or 5' end
        (``"left"``); ``None`` raises an error naming the first one.
    unknown : {"zeros", "uniform"}
        Row for ambiguity symbols (N, X, IUPAC codes): all zeros, or ``1/C`` in every
        channel (0.25 for nucleotides).
    dtype : numpy dtype
        Output dtype; ``float32`` by default (ready for a neural network), ``uint8``
        for the most compact array.

    Returns
    -------
    ndarray, shape (L, C) or (N, L, C)

    Raises
    ------
    biochemml.errors.InputError
        Empty input, an empty sequence, a symbol outside the alphabet (names the
        sequence, the symbol and its position), or lengths that need ``pad`` /
        ``truncate``.

    Examples
    --------
    >>> one_hot("ATACAA", dtype=int)
    array([[1, 0, 0, 0],
           [0, 0, 0, 1],
           [1, 0, 0, 0],
           [0, 1, 0, 0],
           [1, 0, 0, 0],
           [1, 0, 0, 0]])
    >>> one_hot(["ACG", "T"], pad="left").shape
    (2, 3, 4)
    """
    alpha = get_alphabet(alphabet)
    table = row_table(alpha.size, unknown, dtype)
    raw, lengths, length, single = sequence_bytes(seqs, alpha, length, pad, truncate)
    # one gather from a 256-row table indexed by the ASCII byte itself
    rows = np.zeros((256, alpha.size), dtype=table.dtype)
    byte_codes = code_table(alpha)
    known = byte_codes != INVALID
    rows[known] = table[byte_codes[known]]
    word = _WORDS.get(alpha.size * table.itemsize)
    if word is not None:
        flat = rows.view(word).reshape(-1)[raw]
        out = place(flat, lengths, length, pad, 0).view(table.dtype)
        out = out.reshape(lengths.size, length, alpha.size)
    else:
        out = place(rows[raw], lengths, length, pad, 0)
    return out[0] if single else out


def decode(x, alphabet="dna", unknown_symbol: str | None = None, strip_padding: bool = True,
           lengths=None, pad: str = "right"):
    """Turn one-hot arrays back into strings.

    With ``unknown="zeros"`` (the :func:`one_hot` default) an ambiguity symbol (N) is an
    all-zero row, exactly like padding, so by default an N at either end of a sequence
    is dropped with the padding: ``decode(one_hot("ACGN"))`` gives ``"ACG"``. To keep
    it, pass the sequence ``lengths`` (and the ``pad`` side), or encode with
    ``unknown="uniform"`` (an N row is then 0.25 everywhere, never taken for padding).

    Parameters
    ----------
    x : array-like, shape (L, C) or (N, L, C)
        One-hot (or any score) matrix; each position takes the symbol of its largest
        channel.
    alphabet : {"dna", "rna", "protein"}
    unknown_symbol : str, optional
        Symbol for rows with no single maximum (all zeros, uniform); default ``N``
        for nucleotides and ``X`` for protein.
    strip_padding : bool
        Drop all-zero rows at both ends (padding added by :func:`one_hot`, and any N
        there); ``False`` keeps every row. Not used when ``lengths`` is given.
    lengths : int or array-like of int, shape (N,), optional
        Length of each sequence (an int for a single one): exactly that many positions
        are kept on the side away from ``pad``, all-zero rows among them read as
        ``unknown_symbol``.
    pad : {"right", "left"}
        Side the padding is on, as given to :func:`one_hot` (used with ``lengths``).

    Returns
    -------
    str or list of str

    Examples
    --------
    >>> decode(one_hot("ACGN"))
    'ACG'
    >>> decode(one_hot("ACGN"), lengths=4)
    'ACGN'
    >>> decode(one_hot(["NAC", "T"], pad="left"), lengths=[3, 1], pad="left")
    ['NAC', 'T']
    """
    alpha = get_alphabet(alphabet)
    arr = np.asarray(x)
    single = arr.ndim == 2
    if single:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[-1] != alpha.size:
        raise InputError(
            f"expected an array of shape (L, {alpha.size}) or (N, L, {alpha.size}) "
            f"for the {alpha.name} alphabet, got {arr.shape}"
        )
    keep_lengths = None
    if lengths is not None:
        if pad not in ("right", "left"):
            raise InputError(f"pad must be 'right' or 'left', not '{pad}'")
        try:
            keep_lengths = np.broadcast_to(np.asarray(lengths), (arr.shape[0],))
        except ValueError:
            raise InputError(f"lengths must give one length per sequence ({arr.shape[0]}), "
                             f"got {np.shape(lengths)}") from None
        if keep_lengths.dtype.kind not in "iu" and not (
                keep_lengths.dtype.kind == "f" and np.isfinite(keep_lengths).all()
                and (keep_lengths == np.round(keep_lengths)).all()):
            raise InputError("lengths must be whole numbers of positions")
        keep_lengths = keep_lengths.astype(np.int64)
        bad = np.flatnonzero((keep_lengths < 0) | (keep_lengths > arr.shape[1]))
        if bad.size:
            raise InputError(f"length {keep_lengths[bad[0]]} is outside 0 to the "
                             f"{arr.shape[1]} positions of the array", row=int(bad[0]))
    if unknown_symbol is None:
        unknown_symbol = "X" if alpha.name.startswith("protein") else "N"
    symbols = np.frombuffer((alpha.symbols + unknown_symbol).encode("ascii"), dtype=np.uint8)
    idx = arr.argmax(axis=-1)
    top = np.take_along_axis(arr, idx[..., None], axis=-1)[..., 0]
    ties = (arr == top[..., None]).sum(axis=-1) > 1
    idx = np.where(ties, alpha.size, idx)
    letters = symbols[idx]
    zero_rows = ~arr.any(axis=-1)
    out = []
    for i, (row_letters, zeros) in enumerate(zip(letters, zero_rows)):
        s = row_letters.tobytes().decode("ascii")
        if keep_lengths is not None:
            n = int(keep_lengths[i])
            s = s[:n] if pad == "right" else s[len(s) - n:]
        elif strip_padding and zeros.any():
            keep = np.flatnonzero(~zeros)
            s = s[keep[0]:keep[-1] + 1] if keep.size else ""
        out.append(s)
    return out[0] if single else out
