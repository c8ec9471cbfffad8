"""Read and write motif files (JASPAR, MEME, TRANSFAC) and fetch motifs from JASPAR.

JASPAR and minimal MEME text are read and written here (Biopython's MEME reader rounds
probabilities to whole counts and knows only DNA); TRANSFAC is parsed by Biopython
(``Bio.motifs.parse``). Writers store each motif's probabilities scaled by its number
of sites with enough digits that reading the file back gives the same matrix (to
1e-9), pseudocounts included.

The JASPAR database comes from the ``pyjaspar`` package, which ships an SQLite copy:
no network is needed.
"""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

import numpy as np

from ..alphabets import get_alphabet
from ..errors import InputError
from .pwm import PWM

FORMATS = ("jaspar", "meme", "transfac")
_SUFFIX_FORMAT = {".jaspar": "jaspar", ".pfm": "jaspar", ".meme": "meme", ".txt": "meme",
                  ".transfac": "transfac", ".dat": "transfac"}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise InputError(f"unknown motif format '{fmt}': expected one of {', '.join(FORMATS)}")
        return fmt
    guess = _SUFFIX_FORMAT.get(path.suffix.lower())
    if guess is None:
        raise InputError(f"cannot tell the motif format from the suffix '{path.suffix}'; "
                         f"pass format= one of {', '.join(FORMATS)}", path=path)
    return guess


def _parse_jaspar(text: str, pseudocounts: float) -> list[PWM]:
    """JASPAR text: ``>ID name`` then four rows ``A [ 1 2 ... ]``.

    The header is split on any whitespace (JASPAR downloads put a tab between the ID
    and the name): the motif is named ``"ID name"`` with single spaces.

    Rows that start with a letter are placed by it, in any order (``T``, ``G``, ``C``,
    ``A`` is read right); a ``U`` row takes the place of ``T`` and makes the motif an RNA
    motif. Rows without letters (a plain ``.pfm``) are read as A, C, G, T in that order.
    A letter given twice, a missing letter, or letters on some rows only are errors
    naming the motif.
    """
    motifs, header, rows = [], None, []

    def finish():
        if header is None and not rows:
            return
        # JASPAR downloads separate the ID and the name by a tab (">MA0004.1\tArnt"):
        # split on any whitespace, so that no tab ends up in a motif's name
        label = " ".join((header or "").split()) or "motif"
        letters = [letter for letter, _, _ in rows]
        if all(letter is None for letter in letters):
            if len(rows) != 4:
                raise ValueError(f"motif '{label}' has {len(rows)} rows, expected 4 (A, C, G, T)")
            matrix, alphabet = [values for _, values, _ in rows], "dna"
        elif any(letter is None for letter in letters):
            line_no = next(n for letter, _, n in rows if letter is None)
            raise ValueError(f"motif '{label}': line {line_no} has no letter (A, C, G or T) "
                             "while other rows of the motif have one; label every row")
        else:
            if "T" in letters and "U" in letters:
                raise ValueError(f"motif '{label}' has a T row and a U row; give one of them")
            alphabet = "rna" if "U" in letters else "dna"
            symbols = get_alphabet(alphabet).symbols
            seen: dict[str, int] = {}
            for letter, _, line_no in rows:
                if letter in seen:
                    raise ValueError(f"motif '{label}' has two rows for {letter} (lines "
                                     f"{seen[letter]} and {line_no})")
                seen[letter] = line_no
            missing = [c for c in symbols if c not in seen]
            if missing:
                raise ValueError(f"motif '{label}' has {len(rows)} rows, expected 4 "
                                 f"({', '.join(symbols)}): no row for {', '.join(missing)}")
            by_letter = {letter: values for letter, values, _ in rows}
            matrix = [by_letter[c] for c in symbols]
        ident, _, name = label.partition(" ")
        full = f"{ident} {name}" if name and name != ident else ident
        motifs.append(PWM.from_matrix(np.array(matrix), pseudocounts=pseudocounts,
                                      alphabet=alphabet, name=full))

    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith(">"):
            finish()
            header, rows = line[1:].strip(), []
            continue
        letter = None
        if line[0].isalpha():
            letter = line[0].upper()
            if letter not in "ACGTU" or (len(line) > 1 and line[1].isalpha()):
                raise ValueError(f"line {line_no}: expected a row of counts, got '{line[:40]}'")
            line = line[1:]
        tokens = line.replace("[", " ").replace("]", " ").split()
        comma = next((t for t in tokens if re.fullmatch(r"-?\d+,\d+", t)), None)
        if comma is not None and len(tokens) > 1:  # '10,5' would read as two counts
            raise ValueError(f"line {line_no}: '{comma}' has a decimal comma; write decimal "
                             f"points ({comma.replace(',', '.')})")
        values = [float(x) for x in _NUMBER.findall(line)]
        if not values:
            raise ValueError(f"line {line_no}: no numbers in '{line[:40]}'")
        if rows and len(values) != len(rows[0][1]):
            raise ValueError(f"line {line_no}: {len(values)} values, the row above has "
                             f"{len(rows[0][1])}")
        rows.append((letter, values, line_no))
    finish()
    return motifs


def _parse_meme(text: str, pseudocounts: float) -> list[PWM]:
    """Minimal MEME text: ``ALPHABET=``, ``Background letter frequencies``, ``MOTIF id
    [name]`` and letter-probability matrices.

    The background letter frequencies become each motif's :attr:`PWM.background`, which
    the scores and p-values use unless they are given another.
    """
    alphabet = "dna"
    background = None
    motifs, name, lines = [], None, iter(text.splitlines())
    for line in lines:
        line = line.strip()
        if line.startswith("Background letter frequencies"):
            background = _meme_background(lines, get_alphabet(alphabet))
        elif line.startswith("ALPHABET"):
            letters = line.split("=", 1)[1].strip().upper()
            alphabet = {"ACGT": "dna", "ACGU": "rna"}.get(letters, "protein")
            if alphabet == "protein" and letters != get_alphabet("protein").symbols:
                raise ValueError(f"unsupported alphabet '{letters}'")
        elif line.startswith("MOTIF"):
            parts = line.split()
            if len(parts) < 2:
                raise ValueError("a MOTIF line without an identifier")
            name = " ".join(parts[1:3])
        elif line.startswith("letter-probability matrix"):
            if name is None:
                raise ValueError("a letter-probability matrix before any MOTIF line")
            match = re.search(r"w=\s*(\d+)", line)
            width = int(match.group(1)) if match else None
            match = re.search(r"nsites=\s*([0-9.eE+-]+)", line)
            nsites = float(match.group(1)) if match else 20.0
            rows = []
            for row in lines:
                values = [float(x) for x in _NUMBER.findall(row)]
                if not values:
                    if rows:
                        break
                    continue
                rows.append(values)
                if width is not None and len(rows) == width:
                    break
            size = get_alphabet(alphabet).size
            if not rows or any(len(r) != size for r in rows):
                raise ValueError(f"motif '{name}': rows must have {size} probabilities")
            if width is not None and len(rows) != width:
                raise ValueError(f"motif '{name}': w= {width} but {len(rows)} rows of "
                                 "probabilities (a file cut short?)")
            probs = np.array(rows).T
            motifs.append(PWM.from_matrix(probs * nsites, pseudocounts=pseudocounts,
                                          alphabet=alphabet, name=name, background=background))
            name = None
    return motifs


def _meme_background(lines, alphabet) -> list[float]:
    """Read the ``A 0.3 C 0.2 ...`` pairs after a MEME "Background letter frequencies"
    line (over one or more lines), in ``alphabet`` order."""
    tokens: list[str] = []
    for row in lines:
        row = row.strip()
        if not row:
            if tokens:
                break
            continue
        tokens += row.split()
        if len(tokens) >= 2 * alphabet.size:
            break
    freq = {}
    for letter, value in zip(tokens[0::2], tokens[1::2]):
        try:
            freq[letter.upper()] = float(value)
        except ValueError:
            raise ValueError(f"background letter frequencies: '{value}' after '{letter}' is "
                             "not a number") from None
    missing = [c for c in alphabet.symbols if c not in freq]
    if missing:
        raise ValueError(f"the background letter frequencies give no {', '.join(missing)} "
                         f"(expected pairs such as 'A 0.3' for each of {alphabet.symbols})")
    return [freq[c] for c in alphabet.symbols]


def _parse_transfac(path: Path, pseudocounts: float) -> list[PWM]:
    import io

    from Bio import motifs as bio_motifs

    text = path.read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[-1] != "//":  # Biopython drops a last motif without its '//'
        text = text.rstrip("\n") + "\n//\n"
    parsed = list(bio_motifs.parse(io.StringIO(text), "transfac"))
    out = []
    for m in parsed:
        ident = " ".join(str(m.get("AC") or m.get("ID") or "motif").split())
        name = " ".join(str(m.get("NA") or m.get("ID") or "").split())
        pwm = PWM.from_biopython(m, pseudocounts=pseudocounts)
        pwm.name = f"{ident} {name}" if name and name != ident else ident
        out.append(pwm)
    return out


def read(path, format: str | None = None, pseudocounts: float = 0.0) -> list[PWM]:
    """Read every motif in a JASPAR, MEME or TRANSFAC file.

    Parameters
    ----------
    path : str or Path
    format : {"jaspar", "meme", "transfac"}, optional
        Guessed from the suffix when omitted (.jaspar/.pfm, .meme/.txt, .transfac/.dat).
    pseudocounts : float
        Added to every count before normalising (MEME probabilities count as
        probability x nsites).

    Returns
    -------
    list of PWM
        Names are ``"<ID> <name>"`` as the file gives them. MEME motifs carry the
        file's "Background letter frequencies" as :attr:`PWM.background`, which scores
        and p-values then use unless they are given another background.

    Raises
    ------
    biochemml.errors.InputError
        The file is missing, unreadable, malformed or holds no motif.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("the motif file does not exist", path=path)
    fmt = _format_of(path, format)
    try:
        if fmt == "transfac":
            parsed = _parse_transfac(path, pseudocounts)
        else:
            text = path.read_text()
            parsed = (_parse_jaspar if fmt == "jaspar" else _parse_meme)(text, pseudocounts)
    except InputError as err:
        raise InputError(f"could not be read as {fmt} motifs ({err})", path=path) from None
    except Exception as err:  # malformed text: ValueError, KeyError, UnicodeDecodeError, ...
        raise InputError(f"could not be read as {fmt} motifs ({err})", path=path) from None
    if not parsed:
        raise InputError(f"no motifs found in this {fmt} file", path=path)
    return parsed


def _site_counts(pwm: PWM) -> np.ndarray:
    """``(C, W)`` numbers to write: the counts when they are exactly the matrix, else
    the probabilities times the number of sites (pseudocounts included)."""
    if pwm.counts is not None:
        sums = pwm.counts.sum(axis=0)
        if (sums > 0).all() and np.allclose(pwm.counts / sums, pwm.matrix, rtol=0, atol=1e-12):
            return pwm.counts
        return pwm.matrix * max(float(sums.max()), 1.0)
    return pwm.matrix * 100.0


def _number(v: float) -> str:
    return f"{v:.12g}"


def _split_name(pwm: PWM) -> tuple[str, str]:
    ident, _, rest = re.sub(r"\s+", " ", pwm.name).strip().partition(" ")
    return ident or "motif", rest or ident or "motif"


def _jaspar_text(pwms: list[PWM]) -> str:
    lines = []
    for pwm in pwms:
        ident, name = _split_name(pwm)
        lines.append(f">{ident} {name}")
        for s, row in zip(pwm.alphabet.symbols, _site_counts(pwm)):
            lines.append(f"{s} [ " + " ".join(_number(v) for v in row) + " ]")
    return "\n".join(lines) + "\n"


def _transfac_text(pwms: list[PWM]) -> str:
    lines = []
    for pwm in pwms:
        ident, name = _split_name(pwm)
        lines += [f"AC  {ident}", "XX", f"ID  {ident}", "XX", f"NA  {name}", "XX",
                  "P0      " + "      ".join(pwm.alphabet.symbols)]
        for j, col in enumerate(_site_counts(pwm).T, start=1):
            lines.append(f"{j:02d} " + " ".join(_number(v) for v in col)
                         + "      " + pwm.consensus[j - 1])
        lines += ["XX", "//"]
    return "\n".join(lines) + "\n"


def _shared_background(pwms: list[PWM], path) -> np.ndarray:
    """The one background of ``pwms`` (uniform for a motif without one), for a MEME
    file, which holds one for all its motifs; motifs with different backgrounds are an
    error, as writing one for all would change the others' scores and p-values."""
    backgrounds = [p.background_of() for p in pwms]
    for pwm, b in zip(pwms[1:], backgrounds[1:]):
        if not np.allclose(b, backgrounds[0], rtol=0, atol=1e-12):  # as written: 12 digits
            def says(p, v):
                return f"{p.name} " + ("uniform" if p.background is None else
                                       ", ".join(f"{s} {x:.3g}" for s, x in
                                                 zip(p.alphabet.symbols, v)))
            raise InputError("a MEME file holds one background for all its motifs, but the "
                             f"motifs have different backgrounds ({says(pwms[0], backgrounds[0])};"
                             f" {says(pwm, b)}): write them to separate files, or give them "
                             "one background (PWM(..., background=...))", path=path)
    return backgrounds[0]


def _meme_text(pwms: list[PWM], background: np.ndarray) -> str:
    alpha = pwms[0].alphabet
    lines = ["MEME version 4", "", f"ALPHABET= {alpha.symbols}", ""]
    if alpha.name == "rna":  # an RNA (an mRNA, a reporter transcript) has one strand
        lines += ["strands: +", ""]
    elif alpha.complement is not None:
        lines += ["strands: + -", ""]
    lines += ["Background letter frequencies",
              " ".join(f"{s} {_number(b)}" for s, b in zip(alpha.symbols, background)), ""]
    for pwm in pwms:
        ident, name = _split_name(pwm)
        nsites = _site_counts(pwm).sum(axis=0).max()
        lines.append(f"MOTIF {ident} {name}" if name != ident else f"MOTIF {ident}")
        lines.append(f"letter-probability matrix: alength= {alpha.size} w= {pwm.width} "
                     f"nsites= {_number(nsites)} E= 0")
        for row in pwm.matrix.T:
            lines.append(" " + " ".join(_number(v) for v in row))
        lines.append("")
    return "\n".join(lines)


def write(pwms, path, format: str | None = None) -> Path:
    """Write motifs to a JASPAR, MEME or TRANSFAC file (format from suffix or argument).

    JASPAR holds DNA and RNA motifs (an RNA motif's last row is ``U``), TRANSFAC DNA
    motifs; MEME holds DNA, RNA or protein motifs, and one background for all of them:
    the motifs' own (:attr:`PWM.background`; uniform for a motif without one), so motifs
    with different backgrounds are refused (write them to separate files). JASPAR and
    TRANSFAC hold no background: a motif's own is dropped with a ``UserWarning``. The file
    is written whole or not at all.

    Examples
    --------
    >>> import tempfile, os
    >>> pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5, name="MY1 demo")
    >>> path = write([pwm], os.path.join(tempfile.mkdtemp(), "demo.jaspar"))
    >>> back = read(path)[0]
    >>> back.name, bool(abs(back.matrix - pwm.matrix).max() < 1e-9)
    ('MY1 demo', True)
    """
    from .scan import _as_pwm_list

    pwms = _as_pwm_list(pwms)
    path = Path(path)
    fmt = _format_of(path, format)
    holds = {"jaspar": ("dna", "rna"), "transfac": ("dna",)}.get(fmt)
    if holds is not None and pwms[0].alphabet.name not in holds:
        kinds = " and ".join(a.upper() for a in holds)
        raise InputError(f"{fmt} files hold {kinds} motifs; write {pwms[0].alphabet.name} "
                         "motifs as MEME (.meme)", path=path)
    if fmt == "meme":
        text = _meme_text(pwms, _shared_background(pwms, path))
    else:
        text = {"jaspar": _jaspar_text, "transfac": _transfac_text}[fmt](pwms)
        uneven = [p.name or f"motif {i + 1}" for i, p in enumerate(pwms)
                  if p.background is not None
                  and not np.allclose(p.background_of(), 1.0 / len(p.alphabet.symbols))]
        if uneven:
            import warnings

            warnings.warn(f"{path}: {fmt.upper()} files hold no background, so the background of "
                          f"{', '.join(uneven[:3])}{', ...' if len(uneven) > 3 else ''} is not "
                          "written; scans of the file use a uniform one unless given another "
                          "(write MEME to keep it)", UserWarning, stacklevel=2)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text)
        tmp.replace(path)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InputError(f"could not be written ({err.strerror})", path=path) from None
    return path


def jaspar(matrix_id: str | None = None, *, name: str | None = None, collection="CORE",
           tax_group=None, release: str | None = None, pseudocounts: float = 0.2):
    """Fetch motifs from the JASPAR database shipped with ``pyjaspar`` (offline).

    Parameters
    ----------
    matrix_id : str, optional
        A JASPAR ID such as ``"MA0080"`` (newest version) or ``"MA0080.7"``, in any case
        (``"ma0080"`` too).
        Without it, all motifs of ``collection`` / ``tax_group`` are returned.
    name : str, optional
        A transcription factor name (``"SPI1"``), case-insensitive.
    collection, tax_group : str
        JASPAR filters, e.g. ``tax_group="vertebrates"``.
    release : str, optional
        Database release (default: the newest pyjaspar ships).
    pseudocounts : float
        Added to every count (each base); the default 0.2 is 0.8 per position spread
        evenly over the four bases.

    Returns
    -------
    PWM (when ``matrix_id`` is given) or list of PWM
    """
    from pyjaspar import jaspardb

    db = jaspardb(release=release) if release else jaspardb()
    if matrix_id is not None:
        import warnings

        matrix_id = str(matrix_id).strip().upper()  # JASPAR IDs are upper case: MA0080.1

        with warnings.catch_warnings():  # pyjaspar warns before returning None
            warnings.simplefilter("ignore")
            motif = db.fetch_motif_by_id(matrix_id)
        if motif is None:
            raise InputError(f"JASPAR has no motif '{matrix_id}' in {db.release}")
        return PWM.from_biopython(motif, pseudocounts=pseudocounts)
    found = db.fetch_motifs(collection=collection, tax_group=tax_group) if name is None else \
        db.fetch_motifs_by_name(name)
    if not found:
        raise InputError(f"JASPAR {db.release} has no motifs for name={name!r}, "
                         f"collection={collection!r}, tax_group={tax_group!r}")
    return [PWM.from_biopython(m, pseudocounts=pseudocounts) for m in found]


LECTURE_MOTIFS = ("CCGGAA",)  # the names ``lecture:`` knows


def _has_zero(pwm: PWM) -> bool:
    """Whether a motif as read holds a zero count (or probability)."""
    values = pwm.counts if pwm.counts is not None else pwm.matrix
    return bool((np.asarray(values) == 0).any())


#: pseudocounts :func:`load` adds to JASPAR motifs and to file matrices holding a zero
DEFAULT_PSEUDOCOUNTS = 0.2


def load(spec, pseudocounts: float | None = None) -> list[PWM]:
    """Motifs from a short spec: ``"jaspar:MA0080"``, ``"jaspar:name=SPI1"``, a file path,
    or a comma-separated list of these.

    Also ``"lecture:CCGGAA"`` for the course's simulated-data motif (the only name
    ``lecture:`` knows; any other is refused). JASPAR IDs and ``lecture:`` names may be
    in any case.

    Parameters
    ----------
    spec : str
    pseudocounts : float, optional
        Added to every count of every motif when given. By default (None),
        :data:`DEFAULT_PSEUDOCOUNTS` (0.2) are added to a JASPAR database motif and to a
        motif in a file whose matrix holds a zero (a count matrix as JASPAR serves it: a
        zero would score -inf), and a file matrix without zeros is read as written:
        biochemml writes its motifs with their pseudocounts in, and adding more would
        change their scores (a course PWM read back with 0.2 more scored a site 1 bit
        lower).

    Returns
    -------
    list of PWM
    """
    out: list[PWM] = []
    given = pseudocounts is not None
    pseudocounts = pseudocounts if given else DEFAULT_PSEUDOCOUNTS
    for part in [p.strip() for p in str(spec).split(",") if p.strip()]:
        kind, sep, value = part.partition(":")
        if sep and kind.lower() == "jaspar":
            if value.lower().startswith("name="):
                out.extend(jaspar(name=value[5:], pseudocounts=pseudocounts))
            else:
                out.append(jaspar(value, pseudocounts=pseudocounts))
        elif sep and kind.lower() == "lecture":
            from ..simulate import lecture_pwm

            if value.strip().upper() not in LECTURE_MOTIFS:
                raise InputError(f"the course has no motif '{value.strip()}': 'lecture:' "
                                 f"knows {', '.join(LECTURE_MOTIFS)}")

            out.append(lecture_pwm())
        else:
            smoothed = read(part, pseudocounts=pseudocounts)
            if given:
                out.extend(smoothed)
            else:
                written = read(part)
                out.extend(sm if _has_zero(w) else w for w, sm in zip(written, smoothed))
    if not out:
        raise InputError(f"no motifs in '{spec}'")
    return out


__all__ = ["read", "write", "jaspar", "load", "FORMATS"]
