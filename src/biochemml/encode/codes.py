"""Strings -> integer symbol codes, the step every sequence encoder shares.

The conversion is one byte-level lookup over the whole batch: all sequences are
joined into one ``bytes`` object, viewed as ``uint8`` and mapped through a 256-entry
table. No Python loop runs per base; the only per-sequence work is measuring
lengths (and slicing the few sequences that are truncated).

Codes: ``0 .. C-1`` are the alphabet's symbols in order, ``C`` is an ambiguity
symbol (N, X, IUPAC), ``C + 1`` is padding.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..alphabets import Alphabet, get_alphabet
from ..errors import InputError

INVALID = 255

_TABLE_CACHE: dict[str, np.ndarray] = {}


def code_table(alphabet: Alphabet) -> np.ndarray:
    """Return the ``(256,)`` uint8 table mapping an ASCII byte to its code.

    Upper and lower case map alike; for DNA, ``U`` is accepted as ``T`` and for RNA
    ``T`` as ``U`` (a common mix-up in tables). Bytes outside the alphabet map to
    ``INVALID``.
    """
    cached = _TABLE_CACHE.get(alphabet.name)
    if cached is not None:
        return cached
    table = np.full(256, INVALID, dtype=np.uint8)
    size = alphabet.size
    for i, s in enumerate(alphabet.symbols):
        table[ord(s)] = table[ord(s.lower())] = i
    for s in alphabet.ambiguous:
        table[ord(s)] = table[ord(s.lower())] = size
    if alphabet.name == "dna":
        table[ord("U")] = table[ord("u")] = alphabet.symbols.index("T")
    elif alphabet.name == "rna":
        table[ord("T")] = table[ord("t")] = alphabet.symbols.index("U")
    _TABLE_CACHE[alphabet.name] = table
    return table


#: Biopython's sequence types (by name: Biopython need not be imported to check)
_BIOPYTHON_SEQUENCES = ("Seq", "MutableSeq", "SeqRecord")


def sequence_column_of(table):
    """A one-column pandas DataFrame's column (anything else as it is), or an InputError for a
    table of several columns: the estimators take ``df[["utr"]]`` as ``df["utr"]``."""
    if not hasattr(table, "columns"):
        return table
    if table.shape[1] != 1:
        raise InputError(f"got a table with columns {', '.join(map(str, table.columns))}: "
                         f"pass the sequence column alone, e.g. df['{table.columns[0]}']")
    return table.iloc[:, 0]


def as_sequence_list(seqs) -> tuple[list[str], bool]:
    """Normalise the accepted inputs to a list of ``str``.

    Returns the list and whether the input was a single string. A one-column DataFrame is
    its column (iterating over a DataFrame gives its column names, not its cells).
    """
    seqs = sequence_column_of(seqs)
    if isinstance(seqs, (str, bytes)):
        s = seqs.decode("ascii") if isinstance(seqs, bytes) else seqs
        return [s], True
    if type(seqs).__name__ in _BIOPYTHON_SEQUENCES:  # one Seq or SeqRecord, not its letters
        return [str(getattr(seqs, "seq", seqs))], True
    if hasattr(seqs, "tolist"):  # numpy array, pandas Series/Index
        seqs = seqs.tolist()
    if not isinstance(seqs, list):
        seqs = list(seqs) if isinstance(seqs, Iterable) else [seqs]
    for i, s in enumerate(seqs):
        if not isinstance(s, str):
            if s is None or (isinstance(s, float) and np.isnan(s)) or \
                    type(s).__name__ in ("NAType", "NaTType"):  # pandas' missing values
                raise InputError("sequence is missing (empty cell or NaN)", row=i)
            if isinstance(s, bytes):  # an array of bytes (HDF5, np.load), as one bytes value
                try:
                    seqs = [x.decode("ascii") if isinstance(x, bytes) else x for x in seqs]
                except UnicodeDecodeError:
                    raise InputError("holds bytes that are not ASCII letters", row=i) from None
                return as_sequence_list(seqs)
            if type(s).__name__ in _BIOPYTHON_SEQUENCES:
                seqs = [str(getattr(x, "seq", x)) for x in seqs]
                break
            raise InputError(f"expected a string, got {type(s).__name__}", row=i)
    return seqs, False


def _joined(seqs) -> tuple[list[str], str, bool]:
    """The sequences as a list, all of them joined, and whether the input was one string.

    A list of ``str`` is joined straight away (no Python work per sequence); anything
    else goes through :func:`as_sequence_list`, whose errors name the bad item.
    """
    if isinstance(seqs, (str, bytes)) or not isinstance(seqs, list):
        seq_list, single = as_sequence_list(seqs)
        return seq_list, "".join(seq_list), single
    try:
        return seqs, "".join(seqs), False
    except TypeError:
        seq_list, single = as_sequence_list(seqs)
        return seq_list, "".join(seq_list), single


def _valid_bytes(alpha: Alphabet) -> bytes:
    """Every byte :func:`code_table` accepts for ``alpha``."""
    return bytes(np.flatnonzero(code_table(alpha) != INVALID).astype(np.uint8))


def _bad_symbol(data: bytes, raw: np.ndarray, lengths: np.ndarray,
                alpha: Alphabet) -> InputError | None:
    """The error for the first symbol outside ``alpha``, or None when all are valid."""
    # bytes.translate deleting every valid byte is one C pass (~0.3 ns a byte, 15x
    # faster than a bincount); only when something is left do we look for where.
    if not data.translate(None, _valid_bytes(alpha)):
        return None
    invalid = code_table(alpha) == INVALID
    pos = int(np.flatnonzero(invalid[raw])[0])
    ends = np.cumsum(lengths)
    i = int(np.searchsorted(ends, pos, side="right"))
    start = int(ends[i] - lengths[i])
    letter = chr(raw[pos])
    protein = (alpha.name in ("dna", "rna") and letter.upper() in _AMINO_ACIDS_ONLY)
    return InputError(
        f"has the symbol '{letter}' at position {pos - start + 1}, which is not "
        f"in the {alpha.name} alphabet ({alpha.symbols}, ambiguity {alpha.ambiguous})"
        + (PROTEIN_HINT if protein else ""), row=i)


#: what a DNA/RNA sequence holding an amino-acid-only letter is told (a table's column,
#: which knows its other rows, says more in its place: io.tables.sequence_column)
PROTEIN_HINT = ("; it reads like a protein: pass alphabet='protein' (--alphabet protein on the "
                "command line)")


#: letters of amino acids that no nucleotide code uses: a sequence holding one is a protein
_AMINO_ACIDS_ONLY = set("EFILPQ")


def sequence_bytes(
    seqs,
    alphabet="dna",
    length: int | None = None,
    pad: str = "right",
    truncate: str | None = None,
) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Validate sequences and return their bytes, joined, after any truncation.

    The shared first step of :func:`to_codes` and :func:`biochemml.encode.one_hot`;
    arguments as in :func:`to_codes`.

    Returns
    -------
    raw : ndarray of uint8, shape (sum of lengths,)
        The ASCII bytes of all sequences, one after another (every one checked).
    lengths : ndarray of int64, shape (N,)
        Length of each sequence (after truncation).
    length : int
        The output length ``L``.
    single : bool
        Whether the input was one string.
    """
    alpha = get_alphabet(alphabet)
    if pad not in ("right", "left", "none"):
        raise InputError(f"pad must be 'right', 'left' or 'none', not '{pad}'")
    if truncate not in (None, "right", "left"):
        raise InputError(f"truncate must be None, 'right' or 'left', not '{truncate}'")
    seq_list, joined, single = _joined(seqs)
    if len(seq_list) == 0:
        raise InputError("no sequences were given (the input is empty)")
    lengths = np.fromiter(map(len, seq_list), dtype=np.int64, count=len(seq_list))
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise InputError("sequence is empty", row=int(empty[0]))
    longest = int(lengths.max())
    if length is None:
        length = longest
    if length < 1:
        raise InputError(f"length must be at least 1, not {length}")
    if pad == "none":
        other = np.flatnonzero(lengths != lengths[0])
        if other.size:
            i = int(other[0])
            raise InputError(
                f"has length {lengths[i]} but sequence at index 0 has length {lengths[0]}; "
                "pass pad='left' or pad='right' to pad sequences of different lengths",
                row=i,
            )
    if longest > length:
        too_long = np.flatnonzero(lengths > length)
        if truncate is None:
            i = int(too_long[0])
            raise InputError(
                f"is {lengths[i]} long, longer than length={length}; "
                "pass truncate='right' or truncate='left' to cut long sequences",
                row=i,
            )
        seq_list = list(seq_list)
        for i in too_long:
            s = seq_list[i]
            seq_list[i] = s[:length] if truncate == "right" else s[len(s) - length:]
        lengths = np.minimum(lengths, length)
        joined = "".join(seq_list)
    try:
        data = joined.encode("ascii")
    except UnicodeEncodeError as err:
        ends = np.cumsum(lengths)
        i = int(np.searchsorted(ends, err.start, side="right"))
        raise InputError(
            f"has the symbol '{joined[err.start]}', which is not in the {alpha.name} "
            f"alphabet ({alpha.symbols})", row=i,
        ) from None
    raw = np.frombuffer(data, dtype=np.uint8)
    error = _bad_symbol(data, raw, lengths, alpha)
    if error is not None:
        raise error
    return raw, lengths, int(length), single


def place(flat: np.ndarray, lengths: np.ndarray, length: int, pad: str, fill) -> np.ndarray:
    """Lay ``flat`` (all sequences one after another) into an ``(N, L, ...)`` array."""
    n = lengths.size
    if (lengths == length).all():
        return flat.reshape((n, length) + flat.shape[1:])
    out = np.empty((n, length) + flat.shape[1:], dtype=flat.dtype)
    out[...] = fill
    cols = np.arange(length)
    if pad == "left":
        mask = cols >= (length - lengths)[:, None]
    else:
        mask = cols < lengths[:, None]
    out[mask] = flat
    return out


def to_codes(
    seqs,
    alphabet="dna",
    length: int | None = None,
    pad: str = "right",
    truncate: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Encode sequences as a padded ``(N, L)`` uint8 code matrix.

    Parameters
    ----------
    seqs : str or sequence of str
        The sequences.
    alphabet : str or Alphabet
        ``"dna"``, ``"rna"`` or ``"protein"``.
    length : int, optional
        Output length ``L``. Default: the longest sequence.
    pad : {"right", "left", "none"}
        Where padding goes for shorter sequences. ``"right"`` keeps each sequence's
        start aligned (promoters, proteins); ``"left"`` keeps its end aligned (5' UTRs,
        whose 3' end touches the start codon). ``"none"`` refuses sequences of
        different lengths with an error naming the first one.
    truncate : {None, "right", "left"}
        What to do with sequences longer than ``length``: ``None`` raises an error,
        ``"right"`` cuts the 3' end (keeps the first ``L``), ``"left"`` cuts the 5'
        end (keeps the last ``L``).

    Returns
    -------
    codes : ndarray of uint8, shape (N, L)
        Symbol codes; ``C`` marks an ambiguity symbol and ``C + 1`` padding.
    lengths : ndarray of int64, shape (N,)
        The length of each sequence after truncation.

    Examples
    --------
    >>> codes, lengths = to_codes(["ACGT", "GN"])
    >>> codes.tolist(), lengths.tolist()
    ([[0, 1, 2, 3], [2, 4, 5, 5]], [4, 2])
    """
    alpha = get_alphabet(alphabet)
    raw, lengths, length, _ = sequence_bytes(seqs, alpha, length, pad, truncate)
    codes = place(code_table(alpha)[raw], lengths, length, pad, alpha.size + 1)
    return codes, lengths
