"""Sequence alphabets: the symbol order every encoder and motif in biochemml uses.

DNA is A, C, G, T; RNA is A, C, G, U; protein is the 20 standard amino acids in
alphabetical one-letter order; protein-stop adds ``*`` (the stop codon of mutational scans)
as a 21st letter. Ambiguity symbols (N for nucleotides, X for proteins,
IUPAC codes such as R or Y) are *known but unspecific*: encoders turn them into an
all-zero row or a uniform row, by the ``unknown`` flag.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Alphabet:
    """An ordered set of symbols plus the ambiguity symbols it accepts.

    Attributes
    ----------
    name : str
        ``"dna"``, ``"rna"``, ``"protein"`` or ``"protein-stop"``.
    symbols : str
        The channel order, e.g. ``"ACGT"``.
    ambiguous : str
        Symbols that are valid but encode as unknown (zeros or uniform).
    complement : str or None
        Complement of each symbol in ``symbols`` order (nucleotides only).
    """

    name: str
    symbols: str
    ambiguous: str
    complement: str | None = None

    @property
    def size(self) -> int:
        return len(self.symbols)


DNA = Alphabet("dna", "ACGT", "NRYSWKMBDHV", complement="TGCA")
RNA = Alphabet("rna", "ACGU", "NRYSWKMBDHV", complement="UGCA")
PROTEIN = Alphabet("protein", "ACDEFGHIKLMNPQRSTVWY", "XBZJUO*")
#: The 20 amino acids plus ``*``, the stop codon of deep mutational scans, as a letter of
#: its own: a nonsense variant then gets its own effect per position instead of an all-zero
#: row (Abeta42 DMS, 1,600 variants: R2 0.68 -> 0.74; benchmarks/RESULTS.md).
PROTEIN_STOP = Alphabet("protein-stop", "ACDEFGHIKLMNPQRSTVWY*", "XBZJUO")

_ALPHABETS = {a.name: a for a in (DNA, RNA, PROTEIN, PROTEIN_STOP)}


def get_alphabet(alphabet) -> Alphabet:
    """Return the :class:`Alphabet` named ``alphabet`` (``"dna"``, ``"rna"``, ``"protein"``,
    ``"protein-stop"``).

    An :class:`Alphabet` passes through unchanged.
    """
    if isinstance(alphabet, Alphabet):
        return alphabet
    key = str(alphabet).lower()
    if key in ("aa", "amino", "prot"):
        key = "protein"
    if key == "protein*":
        key = "protein-stop"
    if key not in _ALPHABETS:
        raise InputError(
            f"unknown alphabet '{alphabet}': expected one of {', '.join(_ALPHABETS)}"
        )
    return _ALPHABETS[key]


#: Amino acids that no nucleotide code (IUPAC) uses: a sequence holding one is a protein.
AMINO_ONLY = "EFILPQ"


def looks_like_protein(seq: str) -> str | None:
    """The first of E, F, I, L, P, Q (in that order; amino acids that no nucleotide
    code uses) that ``seq`` holds, case-insensitively, or None.

    A sequence that holds one is a protein, not DNA or RNA: the test behind the
    "looks like a protein" hints and the motif scans' alphabet mismatch.
    """
    upper = seq.upper()
    return next((c for c in AMINO_ONLY if c in upper), None)


#: what a sequence mixing T and U is told (a DNA/RNA alphabet reads U as T)
MIXED_T_U = ("the sequence holds both T and U (DNA and RNA letters), which no real sequence "
             "does: a corrupted or pasted-together cell? Write it in one alphabet")


def mixed_t_u(seqs, alphabet) -> int | None:
    """The position of the first of ``seqs`` (upper case) holding both T and U in a DNA
    or RNA alphabet, where U reads as T and a mix is no sequence; else None."""
    if get_alphabet(alphabet).name not in ("dna", "rna"):
        return None
    return next((i for i, q in enumerate(seqs) if "T" in q and "U" in q), None)
