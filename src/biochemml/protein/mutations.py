"""Mutation notation: parse ``A108D`` / ``SA108D:SN144D``, check it against a wild type, apply it.

A *mutation* is one substitution written ``<wild-type residue><position><new residue>``,
optionally after a one-letter chain prefix (``SA108D`` is ``A108D`` on chain ``S``, the
avGFP convention). A *variant* is one or more mutations joined by ``,`` ``:`` ``;`` ``/``
``+`` or spaces (``A108D:N144D``, ``A108D N144D``). Residue letters are read in either case
(``H24c`` is ``H24C``), and three-letter names with or without ``p.`` (``His24Cys``). An empty cell, ``WT``, ``wt``, ``_wt``, ``wildtype`` or ``wild type`` is the wild type,
and so is a synonymous variant (``_sy``, ``syn``, HGVS ``p.=``). The stop symbol ``*`` is
allowed as the new residue.

HGVS protein notation, as MaveDB and Enrich2 write it, is read too: ``p.Ala108Asp``,
``p.[Ala108Asp;Asn144Asp]``, ``p.Tyr39Ter`` or ``p.Tyr39*`` (stop); a synonymous
``p.Ala108=`` inside a variant changes nothing.

Positions are numbered as the table numbers them; ``offset`` is the number the *first*
residue of the wild-type string carries in that numbering: ``0`` for 0-based tables
(avGFP), ``1`` for 1-based ones (TEM-1, most deep mutational scans). The index into
the wild-type string is ``position - offset``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..alphabets import PROTEIN
from ..errors import InputError

SEPARATORS = ",:;/+ "
#: the separators as a message names them
SEPARATOR_TEXT = "',' ':' ';' '/' '+' or a space"
WILDTYPE_WORDS = frozenset({"", "wt", "_wt", "wildtype", "wild-type", "wild_type", "wild type",
                            "none",
                            "_sy", "sy", "syn", "synonymous", "p.=", "p.(=)", "="})
_RESIDUES = PROTEIN.symbols + "*"
_TOKEN = re.compile(r"^(?:([A-Za-z]))??([A-Za-z*])(-?\d+)([A-Za-z*])$")
_SPLIT = re.compile(r"\s*[,:;/+]\s*|\s+")
_THREE = {"Ala": "A", "Cys": "C", "Asp": "D", "Glu": "E", "Phe": "F", "Gly": "G", "His": "H",
          "Ile": "I", "Lys": "K", "Leu": "L", "Met": "M", "Asn": "N", "Pro": "P", "Gln": "Q",
          "Arg": "R", "Ser": "S", "Thr": "T", "Val": "V", "Trp": "W", "Tyr": "Y", "Ter": "*",
          "*": "*", "=": "="}
_HGVS = re.compile(r"^([A-Za-z]{3})(-?\d+)([A-Za-z]{3}|\*|=)$")


def _one_letter(token: str) -> str | None:
    """``Ala108Asp`` -> ``A108D`` (``Ter`` / ``*`` = stop); None for a synonymous ``Ala108=``;
    anything else unchanged."""
    match = _HGVS.match(token.strip())
    if match is None:
        return token
    wt, pos, mt = match.group(1).capitalize(), match.group(2), match.group(3).capitalize()
    if wt not in _THREE or mt not in _THREE:
        return token
    return None if mt == "=" else f"{_THREE[wt]}{pos}{_THREE[mt]}"


@dataclass(frozen=True)
class Mutation:
    """One substitution.

    Attributes
    ----------
    wt : str
        Wild-type residue as written (one letter).
    position : int
        Position as written in the table's numbering.
    mt : str
        New residue (one letter, ``*`` for a stop).
    chain : str or None
        Chain prefix as written (``"S"`` in ``SA108D``), or None.
    """

    wt: str
    position: int
    mt: str
    chain: str | None = None

    def index(self, offset: int = 0) -> int:
        """0-based index into the wild-type string: ``position - offset``."""
        return self.position - offset

    def __str__(self) -> str:
        return f"{self.chain or ''}{self.wt}{self.position}{self.mt}"


#: how insertions and deletions are written (H24del, H24_P25insA, p.His24del, A108-,
#: H24delinsKL, K10dup, A108fs)
_INDEL = re.compile(r"(del|ins|dup|fs)|\d-$|^[A-Za-z]\d+\s*-$", re.IGNORECASE)


#: a mutation at a residue with a PDB insertion code: N49AK, A42aV (residue 49A, 42a)
_INSERTION_CODE = re.compile(r"^([A-Za-z])(\d+)([A-Za-z])([A-Za-z*])$")


@lru_cache(maxsize=65536)
def parse_mutation(token: str) -> Mutation:
    """Parse one mutation such as ``A108D``, ``SA108D`` or ``Y39*``.

    Parameters
    ----------
    token : str
        The mutation; surrounding spaces are ignored. Residue letters are read in either
        case (``h24c``, ``H24c``); a chain prefix keeps its case unless the whole token
        is lower case.

    Returns
    -------
    Mutation

    Raises
    ------
    biochemml.errors.InputError
        The token is not ``[chain]<residue><number><residue>`` with residues among
        the 20 amino acids (and ``*`` for a stop).

    Examples
    --------
    >>> parse_mutation("SA108D")
    Mutation(wt='A', position=108, mt='D', chain='S')
    >>> str(parse_mutation("H24C"))
    'H24C'
    """
    text = token.strip()
    match = _TOKEN.match(text.upper() if text.islower() else text)
    if match is None:
        if _INDEL.search(text):
            raise InputError(
                f"'{text}' is an insertion or deletion: variant models read substitutions "
                "only (A108D), one residue for another at a wild-type position. Leave "
                "indel variants out, or train on full sequences (--task regression, a "
                "column of sequences), where a model reads each sequence as it is")
        coded = _INSERTION_CODE.match(text)
        if coded:
            raise InputError(
                f"'{text}' is not a mutation of the form A108D; if it means residue "
                f"{coded.group(2)}{coded.group(3)}, a residue with an insertion code as PDB "
                "files number them, renumber such variants: positions count along the "
                "wild-type sequence, without insertion codes or gaps (49A is the residue "
                "after 49)")
        raise InputError(
            f"'{text}' is not a mutation: expected the form A108D (wild-type residue, "
            "position, new residue), optionally after a chain letter as in SA108D, or "
            f"HGVS p.Ala108Asp; the mutations of one variant are separated by {SEPARATOR_TEXT}")
    chain, wt, pos, mt = match.groups()
    wt, mt = wt.upper(), mt.upper()
    for letter in (wt, mt):
        if letter not in _RESIDUES:
            raise InputError(f"'{text}' has '{letter}', which is not one of the 20 amino acids "
                             f"({PROTEIN.symbols}) or '*' (stop)")
    return Mutation(wt, int(pos), mt, chain)


def parse_variant(variant) -> tuple[Mutation, ...]:
    """Parse a variant: mutations joined by ``,`` ``:`` ``;`` ``/`` ``+`` or spaces; empty or
    ``WT`` is the wild type.

    Parameters
    ----------
    variant : str or None
        E.g. ``"SA108D:SN144D"``, ``"M0I,S1G"``, ``""``. NaN/None is the wild type.

    Returns
    -------
    tuple of Mutation
        In the order written; empty for the wild type.

    Examples
    --------
    >>> [str(m) for m in parse_variant("M0I,S1G")]
    ['M0I', 'S1G']
    >>> parse_variant("WT")
    ()
    >>> [str(m) for m in parse_variant("p.[Ala108Asp;Tyr109Ter]")]
    ['A108D', 'Y109*']
    >>> [str(m) for m in parse_variant("His24Cys / E26a")]
    ['H24C', 'E26A']
    >>> [str(m) for m in parse_variant("p.His24Lys;p.Glu26Ala")]
    ['H24K', 'E26A']
    """
    if variant is None or (isinstance(variant, float) and np.isnan(variant)):
        return ()
    text = str(variant).strip()
    if text.lower() in WILDTYPE_WORDS:
        return ()
    if re.match(r"^[cgnmr]\.", text):  # HGVS of the DNA or RNA: c.70C>T
        raise InputError(f"'{text}' is a change of the DNA or RNA (HGVS "
                         f"{text[:2]}): variant models read protein substitutions, such as "
                         "R24C or p.Arg24Cys; translate the codon change first")
    # HGVS: p.Ala108Asp or p.[Ala108Asp;Asn144Asp]; p.His24Lys;p.(Glu26Ala), one p. per
    # mutation, is read token by token below
    if text.startswith("p.") and "p." not in text[2:]:
        body = text[2:].strip()
        if body[:1] in "[(" and body[-1:] in "])":
            body = body[1:-1]
        text = body.strip()
    # a separator left at the end or doubled (A108D; or A108D,,N144D) separates nothing;
    # each mutation may carry its own p. (p.His24Lys;p.Glu26Ala, as spreadsheets join them)
    tokens = [_one_letter(_without_p(tok)) for tok in _SPLIT.split(text) if tok]
    if text and not tokens:
        raise InputError(f"'{str(variant).strip()}' holds separators but no mutation; write the "
                         "wild type as an empty cell or WT")
    return tuple(parse_mutation(tok) for tok in tokens if tok is not None)


def _without_p(token: str) -> str:
    """``p.His24Lys`` or ``p.(His24Lys)`` -> ``His24Lys``; other tokens unchanged."""
    if not token.startswith("p."):
        return token
    body = token[2:]
    return body[1:-1] if body[:1] == "(" and body[-1:] == ")" else body


def format_variant(mutations, sep: str = ":", chain: str | None = None) -> str:
    """Write mutations back as a variant string (the inverse of :func:`parse_variant`).

    Parameters
    ----------
    mutations : iterable of Mutation
    sep : str
        Separator between mutations.
    chain : str, optional
        Chain prefix to put on every mutation (``"S"`` writes avGFP style); by default
        each mutation keeps the prefix it was parsed with.

    Examples
    --------
    >>> format_variant(parse_variant("SA108D:SN144D"), chain="")
    'A108D:N144D'
    """
    out = []
    for m in mutations:
        prefix = (m.chain or "") if chain is None else chain
        out.append(f"{prefix}{m.wt}{m.position}{m.mt}")
    return sep.join(out)


def _check_wildtype(wildtype: str) -> str:
    if not isinstance(wildtype, str) or not wildtype:
        raise InputError("the wild-type sequence must be a non-empty string of amino acids")
    wt = wildtype.strip().upper()
    bad = [c for c in wt if c not in PROTEIN.symbols]
    if bad:
        raise InputError(f"the wild-type sequence has '{bad[0]}' at position "
                         f"{wt.index(bad[0]) + 1}, which is not one of the 20 amino acids")
    return wt


#: listed positions from which the hint looks at offsets far from the one in use: with
#: fewer, a far offset matches by chance (one residue in 20 does), so only the
#: neighbouring offsets (0- against 1-based numbering) are named
MIN_HINT_POSITIONS = 3
#: share of the listed wild-type residues that must match for a partial hint
MOST_MATCH = 0.8


def _offset_hint(seq, index, wt_codes, offset: int) -> str:
    """``"; all residues match with offset 23 (--offset 23)"`` when another offset fits.

    Every offset that keeps a listed position inside the wild type is tried (a table
    numbered 0- instead of 1-based, or from a precursor with a signal peptide): the hint
    names the one under which every listed wild-type residue matches or, failing that,
    under which most (``MOST_MATCH``) do. It is empty when none does, when two offsets fit
    equally well, or when fewer than ``MIN_HINT_POSITIONS`` positions are listed and the
    fit is not a neighbouring offset; never the offset already in use.
    """
    # every (position, listed wild-type letter) pair: a position listed with two letters
    # (E28A and a typo Q28A) cannot match both
    pairs = np.unique(np.stack([np.asarray(index, dtype=np.int64),
                                np.asarray(wt_codes, dtype=np.int64)]), axis=1)
    n, length = pairs.shape[1], len(seq)
    if not n:
        return ""
    seq = np.asarray(seq, dtype=np.int64)
    if n < MIN_HINT_POSITIONS:
        shifts = np.array([1, -1])
        j = pairs[0][None, :] + shifts[:, None]
        inside = (j >= 0) & (j < length)
        count = (inside & (seq[np.clip(j, 0, length - 1)] == pairs[1][None, :])).sum(axis=1)
    else:  # the shifts that put a listed letter on the same wild-type letter, counted
        found = [(np.flatnonzero(seq == a)[None, :] - pairs[0][pairs[1] == a][:, None]).ravel()
                 for a in np.unique(pairs[1])]
        shifts, count = np.unique(np.concatenate(found), return_counts=True)
        if not shifts.size:
            return ""
    count = np.where(shifts == 0, -1, count)
    best = int(count.max())
    winners = shifts[count == best]
    if best < n and (best < MOST_MATCH * n or n < MIN_HINT_POSITIONS):
        return ""
    if len(winners) > 1 and n >= MIN_HINT_POSITIONS:
        return ""  # two offsets fit as well: naming one would be a guess
    fit = offset - int(winners[0])
    if best == n:
        return f"; all residues match with offset {fit} (--offset {fit})"
    return (f"; {best} of the {n} listed wild-type residues match with offset {fit} "
            f"(--offset {fit}): check the others")


#: largest jump in the numbering :func:`_gap_hint` looks for
MAX_GAP = 50
#: most stretches of one offset a numbering with gaps is read as
MAX_GAP_STRETCHES = 6


def _gap_hint(seq, index, wt_codes, offset: int) -> str:
    """A hint when the variants match the wild type only if their numbering jumps: one
    offset up to a position, another after it (Ambler numbering of beta-lactamases, or a
    structure's residue numbers, skip numbers). Empty when no such reading fits every
    listed residue in at most ``MAX_GAP_STRETCHES`` stretches of two or more positions.
    """
    pairs = np.unique(np.stack([np.asarray(index, dtype=np.int64),
                                np.asarray(wt_codes, dtype=np.int64)]), axis=1)
    positions, letters = pairs
    if len(np.unique(positions)) < 2 * MIN_HINT_POSITIONS:
        return ""
    seq = np.asarray(seq, dtype=np.int64)
    shifts = np.arange(-MAX_GAP, MAX_GAP + 1)
    j = positions[:, None] - shifts[None, :]  # the wild-type index under each shift
    ok = (j >= 0) & (j < len(seq))
    match = ok & (seq[np.clip(j, 0, len(seq) - 1)] == letters[:, None])
    run = np.zeros(match.shape, dtype=np.int64)  # positions in a row that each shift fits
    run[-1] = match[-1]
    for i in range(len(positions) - 2, -1, -1):
        run[i] = match[i] * (1 + run[i + 1])
    stretches, i = [], 0
    while i < len(positions):
        best = int(run[i].max())
        if best < 2:
            return ""  # a residue no jump explains: a typo, not a numbering
        fits = np.flatnonzero(run[i] == best)
        s = int(shifts[fits[np.argmin(np.abs(shifts[fits]))]])
        stretches.append((int(positions[i]), int(positions[i + best - 1]), s))
        i += best
    shifts_used = [s for _, _, s in stretches]
    if len(stretches) < 2 or len(stretches) > MAX_GAP_STRETCHES or len(set(shifts_used)) < 2:
        return ""
    parts = ", ".join(f"offset {offset + s} for {a + offset}-{b + offset}"
                      for a, b, s in stretches)
    return (f"; the residues all match if the numbering skips numbers: {parts}. The table "
            "numbers residues with gaps (as Ambler numbering or a structure file's residue "
            "numbers can), but variant positions are read as counting along the wild-type "
            "sequence without gaps: renumber the variants that way")


def _variant_error(message: str, row: int) -> InputError:
    """An InputError on the variant at ``row`` of a list: ``variant at index 16: ...`` (not
    the generic ``sequence at index 16``); a table's caller re-raises it with the file's
    row and column from ``message`` and ``row``."""
    err = InputError(message, row=row)
    err.args = (f"variant at index {row}: {message}",) + err.args[1:]
    return err


def variant_table(variants, wildtype: str, offset: int = 0):
    """Parse and check many variants at once.

    Parameters
    ----------
    variants : sequence of str
        Variant strings (``N`` of them).
    wildtype : str
        Wild-type protein sequence (length ``L``).
    offset : int
        Number of the first wild-type residue in the variants' numbering (0 or 1 usually).

    Returns
    -------
    rows : ndarray of int64, shape (M,)
        Variant index of each of the ``M`` mutations in total. Synonymous substitutions
        (``H24H``) are checked against the wild type, then left out: they change nothing,
        so ``H24H`` is the wild type and ``H24C:E26E`` is ``H24C``.
    index : ndarray of int64, shape (M,)
        0-based index of each mutation into ``wildtype``.
    mt : ndarray of uint8, shape (M,)
        New residue of each mutation (ASCII code).

    Raises
    ------
    biochemml.errors.InputError
        A malformed mutation, a position outside the sequence, a wild-type residue
        that does not match, or the same position mutated twice in one variant. The
        message names the variant (its 0-based ``row``), the mutation and the residue
        actually found.
    """
    wt = _check_wildtype(wildtype)
    variants = list(variants)  # positions, not labels, of a filtered pandas Series
    seq = np.frombuffer(wt.encode("ascii"), dtype=np.uint8)
    rows, index, wt_letters, mt_letters = [], [], [], []
    for i, variant in enumerate(variants):
        try:
            muts = parse_variant(variant)
        except InputError as err:
            text = str(variant).strip()
            if err.message.startswith(f"'{text}' "):  # a single mutation: quote it once
                message = f"variant {err.message}"
            else:
                message = f"variant '{text}': {err.message}"
            raise _variant_error(message, i) from None
        for m in muts:
            rows.append(i)
            index.append(m.position - offset)
            wt_letters.append(m.wt)
            mt_letters.append(m.mt)
    rows = np.asarray(rows, dtype=np.int64)
    index = np.asarray(index, dtype=np.int64)
    wt_codes = np.frombuffer("".join(wt_letters).encode("ascii"), dtype=np.uint8)
    mt_codes = np.frombuffer("".join(mt_letters).encode("ascii"), dtype=np.uint8)
    inside = (index >= 0) & (index < len(wt))
    misfit = ~inside
    misfit[inside] = seq[index[inside]] != wt_codes[inside]
    if misfit.any():
        k = int(np.flatnonzero(~inside)[0]) if (~inside).any() else int(np.flatnonzero(misfit)[0])
        if not inside[k]:
            said = (f"variant '{variants[rows[k]]}': position {index[k] + offset} is outside "
                    f"the wild type, which is numbered {offset}..{len(wt) - 1 + offset} with "
                    f"offset {offset}")
        else:
            said = (f"variant '{variants[rows[k]]}': position {index[k] + offset} is "
                    f"'{chr(seq[index[k]])}' in the wild type, not '{chr(wt_codes[k])}' "
                    f"(read with offset {offset})")
        n_rows = len(np.unique(rows[misfit]))
        if n_rows > 1:
            said += f" ({n_rows} rows in all do not fit)"
        hint = _offset_hint(seq, index, wt_codes, offset) or \
            _gap_hint(seq, index, wt_codes, offset)
        raise _variant_error(said + hint, int(rows[k]))
    if rows.size:
        key = rows * (len(wt) + 1) + index
        uniq, counts = np.unique(key, return_counts=True)
        if (counts > 1).any():
            dup = int(uniq[counts > 1][0])
            r, j = divmod(dup, len(wt) + 1)
            raise _variant_error(f"variant '{variants[r]}' mutates position {j + offset} "
                                 "twice", r)
    # a synonymous substitution (H24H) changes nothing: the variant is read without it
    changed = mt_codes != wt_codes
    return rows[changed], index[changed], mt_codes[changed].copy()


def apply_variants(wildtype: str, variants, offset: int = 0, stop: str = "keep") -> list[str]:
    """Apply many variants to one wild type (vectorised; 54,000 variants take well under a second).

    Parameters
    ----------
    wildtype : str
        Wild-type protein sequence, length ``L``.
    variants : sequence of str
        ``N`` variant strings.
    offset : int
        Number of the first wild-type residue in the variants' numbering.
    stop : {"keep", "truncate"}
        ``"keep"`` leaves ``*`` in the sequence (length stays ``L``; :func:`one_hot`
        encodes ``*`` as an unknown row); ``"truncate"`` cuts the protein before the
        first stop.

    Returns
    -------
    list of str
        ``N`` mutant sequences.

    Raises
    ------
    biochemml.errors.InputError
        See :func:`variant_table`.
    """
    if stop not in ("keep", "truncate"):
        raise InputError(f"stop must be 'keep' or 'truncate', not '{stop}'")
    variants = list(variants)
    rows, index, mt = variant_table(variants, wildtype, offset)
    wt = wildtype.strip().upper()
    seq = np.frombuffer(wt.encode("ascii"), dtype=np.uint8)
    codes = np.tile(seq, (len(variants), 1))
    codes[rows, index] = mt
    flat = codes.tobytes().decode("ascii")
    L = len(wt)
    out = [flat[i * L:(i + 1) * L] for i in range(len(variants))]
    if stop == "truncate":
        for r in np.unique(rows[mt == ord("*")]):
            out[r] = out[r].split("*", 1)[0]
    return out


def apply_mutations(wildtype: str, variant: str, offset: int = 0, stop: str = "keep") -> str:
    """Apply one variant to the wild type, checking every wild-type residue.

    Parameters
    ----------
    wildtype : str
        Wild-type protein sequence.
    variant : str
        E.g. ``"A108D:N144D"`` or ``"SA108D:SN144D"``; ``""``/``"WT"`` gives the wild type.
    offset : int
        Number of the first wild-type residue in the variant's numbering: 0 for
        0-based positions, 1 for 1-based.
    stop : {"keep", "truncate"}
        Keep ``*`` in the sequence or cut the protein at the first stop.

    Returns
    -------
    str
        The mutant sequence.

    Raises
    ------
    biochemml.errors.InputError
        A malformed mutation, a position outside the sequence, or a wild-type residue
        that does not match (the message names the variant, position and the residue
        actually there).

    Examples
    --------
    >>> apply_mutations("MKTAYIA", "K1R:A3G")
    'MRTGYIA'
    >>> apply_mutations("MKTAYIA", "K2R", offset=1)
    'MRTAYIA'
    """
    try:
        return apply_variants(wildtype, [variant], offset=offset, stop=stop)[0]
    except InputError as err:  # one variant: no "sequence at index 0" to point at
        raise InputError(err.message, path=err.path, column=err.column) from None


def mutation_positions(variants, wildtype: str, offset: int = 0) -> list[tuple[int, ...]]:
    """0-based indices of the mutated positions of each variant (checked against the wild type)."""
    variants = list(variants)
    rows, index, _ = variant_table(variants, wildtype, offset)
    out: list[list[int]] = [[] for _ in variants]
    for r, j in zip(rows.tolist(), index.tolist()):
        out[r].append(j)
    return [tuple(x) for x in out]
