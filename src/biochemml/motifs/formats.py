"""Read and write motif files (JASPAR, MEME, TRANSFAC) and fetch motifs from JASPAR.

Parsing uses Biopython's readers (``Bio.motifs.parse``) for JASPAR, TRANSFAC and the
minimal MEME format, and Biopython's writers for JASPAR and TRANSFAC. Biopython has no
MEME writer, so :func:`write` produces minimal MEME text itself.

The JASPAR database comes from the ``pyjaspar`` package, which ships an SQLite copy:
no network is needed.
"""
from __future__ import annotations

import re
from pathlib import Path


from ..errors import InputError
from .pwm import PWM

FORMATS = ("jaspar", "meme", "transfac")
_SUFFIX_FORMAT = {".jaspar": "jaspar", ".pfm": "jaspar", ".meme": "meme", ".txt": "meme",
                  ".transfac": "transfac", ".dat": "transfac"}


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


def read(path, format: str | None = None, pseudocounts: float = 0.0) -> list[PWM]:
    """Read every motif in a JASPAR, MEME or TRANSFAC file.

    Parameters
    ----------
    path : str or Path
    format : {"jaspar", "meme", "transfac"}, optional
        Guessed from the suffix when omitted (.jaspar/.pfm, .meme/.txt, .transfac/.dat).
    pseudocounts : float
        Added to counts before normalising.

    Returns
    -------
    list of PWM
    """
    from Bio import motifs as bio_motifs

    path = Path(path)
    if not path.exists():
        raise InputError("the motif file does not exist", path=path)
    fmt = _format_of(path, format)
    bio_fmt = {"jaspar": "jaspar", "meme": "minimal", "transfac": "transfac"}[fmt]
    try:
        with open(path) as handle:
            parsed = list(bio_motifs.parse(handle, bio_fmt))
    except Exception as err:  # Biopython raises ValueError/KeyError/... on malformed files
        raise InputError(f"could not be read as {fmt} motifs ({err})", path=path) from None
    if not parsed:
        raise InputError(f"no motifs found in this {fmt} file", path=path)
    return [PWM.from_biopython(m, pseudocounts=pseudocounts) for m in parsed]


def _meme_text(pwms: list[PWM]) -> str:
    alpha = pwms[0].alphabet
    lines = ["MEME version 4", "", f"ALPHABET= {alpha.symbols}", ""]
    if alpha.complement is not None:
        lines += ["strands: + -", ""]
    lines += ["Background letter frequencies",
              " ".join(f"{s} {1 / alpha.size:.3f}" for s in alpha.symbols), ""]
    for pwm in pwms:
        ident = re.sub(r"\s+", " ", pwm.name).strip() or "motif"
        nsites = int(round(pwm.counts[:, 0].sum())) if pwm.counts is not None else 20
        lines.append(f"MOTIF {ident}")
        lines.append(f"letter-probability matrix: alength= {alpha.size} w= {pwm.width} "
                     f"nsites= {nsites} E= 0")
        for row in pwm.matrix.T:
            lines.append(" " + " ".join(f"{v:.6f}" for v in row))
        lines.append("")
    return "\n".join(lines)


def write(pwms, path, format: str | None = None) -> Path:
    """Write motifs to a JASPAR, MEME or TRANSFAC file (format from suffix or argument)."""
    from Bio import motifs as bio_motifs

    from .scan import _as_pwm_list

    pwms = _as_pwm_list(pwms)
    path = Path(path)
    fmt = _format_of(path, format)
    if fmt == "meme":
        text = _meme_text(pwms)
    else:
        bio = []
        for p in pwms:
            m = p.to_biopython()
            ident, _, rest = p.name.partition(" ")
            m.matrix_id, m.name = ident, rest or ident
            m.id = ident
            bio.append(m)
        text = bio_motifs.write(bio, fmt)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return path


def jaspar(matrix_id: str | None = None, *, name: str | None = None, collection="CORE",
           tax_group=None, release: str | None = None, pseudocounts: float = 0.8):
    """Fetch motifs from the JASPAR database shipped with ``pyjaspar`` (offline).

    Parameters
    ----------
    matrix_id : str, optional
        A JASPAR ID such as ``"MA0080"`` (newest version) or ``"MA0080.7"``.
        Without it, all motifs of ``collection`` / ``tax_group`` are returned.
    name : str, optional
        A transcription factor name (``"SPI1"``), case-insensitive.
    collection, tax_group : str
        JASPAR filters, e.g. ``tax_group="vertebrates"``.
    release : str, optional
        Database release (default: the newest pyjaspar ships).
    pseudocounts : float
        Added to the counts (JASPAR's own tools use 0.8 spread over the bases).

    Returns
    -------
    PWM (when ``matrix_id`` is given) or list of PWM
    """
    from pyjaspar import jaspardb

    db = jaspardb(release=release) if release else jaspardb()
    if matrix_id is not None:
        import warnings

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


def load(spec, pseudocounts: float = 0.8) -> list[PWM]:
    """Motifs from a short spec: ``"jaspar:MA0080"``, ``"jaspar:name=SPI1"``, a file path,
    or a comma-separated list of these.

    Also ``"lecture:CCGGAA"`` for the course's simulated-data motif.
    """
    out: list[PWM] = []
    for part in [p.strip() for p in str(spec).split(",") if p.strip()]:
        kind, sep, value = part.partition(":")
        if sep and kind.lower() == "jaspar":
            if value.lower().startswith("name="):
                out.extend(jaspar(name=value[5:], pseudocounts=pseudocounts))
            else:
                out.append(jaspar(value, pseudocounts=pseudocounts))
        elif sep and kind.lower() == "lecture":
            from ..simulate import lecture_pwm

            out.append(lecture_pwm())
        else:
            out.extend(read(part, pseudocounts=pseudocounts))
    if not out:
        raise InputError(f"no motifs in '{spec}'")
    return out


__all__ = ["read", "write", "jaspar", "load", "FORMATS"]
