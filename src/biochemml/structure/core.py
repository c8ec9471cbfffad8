"""Read a protein structure (PDB or mmCIF, through gemmi) into per-residue arrays.

A :class:`Structure` keeps what the models need, one row per amino-acid residue:
chain, residue number and name, one-letter code, C-alpha and C-beta coordinates
(a *virtual* C-beta, placed from N, CA and C with ideal geometry, for glycine and for
residues whose CB is missing), the mean B-factor, and the heavy atoms (for solvent
accessibility). Waters, ligands, hydrogens, nucleic acids and alternative
conformations (all but the first) are left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError

STRUCTURE_SUFFIXES = (".pdb", ".ent", ".cif", ".mmcif", ".pdb.gz", ".cif.gz", ".ent.gz")


@dataclass
class Structure:
    """Per-residue view of the protein chains of one model of a structure.

    All arrays have one row per kept residue (``N`` of them), in file order, chain by chain.

    Attributes
    ----------
    name : str
        Structure name (file stem unless the file names one).
    path : str or None
        The file read.
    chain : ndarray of str, shape (N,)
        Chain identifier of each residue.
    number : ndarray of int, shape (N,)
        Residue number as in the file (author numbering).
    icode : ndarray of str, shape (N,)
        Insertion code (``""`` when none).
    resname : ndarray of str, shape (N,)
        Three-letter residue name (``MSE`` stays ``MSE``).
    sequence : str
        One-letter code of every residue, all chains joined (``X`` for unknown).
    ca, cb : ndarray of float64, shape (N, 3)
        C-alpha and C-beta coordinates in Angstrom (CB virtual where absent).
    virtual_cb : ndarray of bool, shape (N,)
        True where ``cb`` was placed from the backbone.
    bfactor : ndarray of float64, shape (N,)
        Mean B-factor of the residue's atoms (pLDDT in AlphaFold models).
    atom_xyz : ndarray of float64, shape (A, 3)
        Heavy-atom coordinates.
    atom_element : ndarray of str, shape (A,)
    atom_residue : ndarray of int64, shape (A,)
        Row (0..N-1) of the residue each atom belongs to.
    atom_name : ndarray of str, shape (A,)
        Atom names (``"N"``, ``"CA"``, ``"C"``, ``"O"``, ...); empty in structures built
        by hand without them.
    skipped : list of str
        Residues left out and why (e.g. ``"A:45 GLY: no CA atom"``).
    """

    name: str
    path: str | None
    chain: np.ndarray
    number: np.ndarray
    icode: np.ndarray
    resname: np.ndarray
    sequence: str
    ca: np.ndarray
    cb: np.ndarray
    virtual_cb: np.ndarray
    bfactor: np.ndarray
    atom_xyz: np.ndarray
    atom_element: np.ndarray
    atom_residue: np.ndarray
    skipped: list = field(default_factory=list)
    atom_name: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))

    def __len__(self) -> int:
        return len(self.sequence)

    def __repr__(self) -> str:
        chains = ", ".join(f"{c}: {n}" for c, n in self.chain_lengths().items())
        return f"<Structure {self.name}: {len(self)} residues ({chains})>"

    @property
    def chains(self) -> list[str]:
        """Chain identifiers in file order."""
        return list(dict.fromkeys(self.chain.tolist()))

    def chain_lengths(self) -> dict:
        return {c: int((self.chain == c).sum()) for c in self.chains}

    def sequences(self) -> dict:
        """One-letter sequence of each chain, ``{chain: sequence}``."""
        arr = np.array(list(self.sequence))
        return {c: "".join(arr[self.chain == c]) for c in self.chains}

    @property
    def residue_ids(self) -> list[str]:
        """Labels such as ``"A:108"`` or ``"A:52A"`` (chain, number, insertion code)."""
        return [f"{c}:{n}{i}" for c, n, i in zip(self.chain, self.number, self.icode)]

    def select(self, chain=None) -> "Structure":
        """Return the residues of one chain (or a list of chains); ``None`` returns self.

        Raises
        ------
        biochemml.errors.InputError
            A chain the structure does not have.
        """
        if chain is None:
            return self
        wanted = [chain] if isinstance(chain, str) else list(chain)
        for c in wanted:
            if c not in self.chains:
                raise InputError(f"structure {self.name} has no protein chain '{c}'; "
                                 f"its chains are {', '.join(self.chains)}", path=self.path)
        keep = np.isin(self.chain, wanted)
        rows = np.flatnonzero(keep)
        new_row = np.full(len(self), -1, dtype=np.int64)
        new_row[rows] = np.arange(rows.size)
        atoms = keep[self.atom_residue]
        return Structure(
            name=self.name, path=self.path, chain=self.chain[keep], number=self.number[keep],
            icode=self.icode[keep], resname=self.resname[keep],
            sequence="".join(np.array(list(self.sequence))[keep]), ca=self.ca[keep],
            cb=self.cb[keep], virtual_cb=self.virtual_cb[keep], bfactor=self.bfactor[keep],
            atom_xyz=self.atom_xyz[atoms], atom_element=self.atom_element[atoms],
            atom_residue=new_row[self.atom_residue[atoms]], skipped=list(self.skipped),
            atom_name=self.atom_name[atoms] if len(self.atom_name) else self.atom_name)


def virtual_cb(n: np.ndarray, ca: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Place C-beta atoms from backbone N, CA, C with ideal tetrahedral geometry.

    Parameters
    ----------
    n, ca, c : ndarray, shape (N, 3)

    Returns
    -------
    ndarray, shape (N, 3)
        About 1.52 Angstrom from CA, on the L-amino-acid side.
    """
    b = ca - n
    g = c - ca
    a = np.cross(b, g)
    # Coefficients of the ideal CB in the (a, b, g) frame (a common construction; it
    # reproduces real CB positions to about 0.1 Angstrom).
    return -0.58273431 * a + 0.56802827 * b - 0.54067466 * g + ca


def _check_not_cut_short(path: Path) -> None:
    """Refuse a PDB file whose last line is an atom record shorter than its others (or cut
    before its coordinates end, column 54): a copy or download that stopped midway, which
    would read as a shorter protein and be blamed on the biology."""
    import gzip

    name = path.name.lower().removesuffix(".gz")
    if not name.endswith((".pdb", ".ent")) or not path.is_file():
        return
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", errors="replace") as handle:
            last, widths = "", {}
            for line in handle:
                if line.strip():
                    last = line
                    if line.startswith(("ATOM", "HETATM")):
                        width = len(line.rstrip("\r\n"))
                        widths[width] = widths.get(width, 0) + 1
    except (OSError, EOFError):
        raise InputError("could not be read to its end (a damaged or cut-short file): "
                         "download it again", path=path) from None
    width = len(last.rstrip("\r\n"))
    usual = max(widths, key=widths.get) if widths else 0
    if last.startswith(("ATOM", "HETATM")) and (width < 54 or (
            width < usual and widths.get(width, 0) == 1)):
        raise InputError(f"ends in the middle of an atom record (its last line has {width} "
                         f"characters, its other atom lines {usual}): the file was cut short "
                         "by a copy or a download; download it again", path=path)


def _read_gemmi(path: Path, clean: bool = True):
    """The file as a gemmi structure; ``clean`` keeps the first alternative conformation
    only (what the readers use), ``False`` keeps every atom (what the writers use)."""
    import gemmi

    _check_not_cut_short(path)
    try:
        st = gemmi.read_structure(str(path))
    except IndexError:  # gemmi on an mmCIF file without a data block (empty, comments)
        raise InputError("holds no structure (the file is empty, or holds no mmCIF data "
                         "block): download it again", path=path) from None
    except (RuntimeError, ValueError, OSError) as err:
        raise InputError(f"could not be read as a PDB or mmCIF structure ({err})",
                         path=path) from None
    if len(st) == 0:
        raise InputError("the structure has no models (no ATOM records)", path=path)
    st.setup_entities()
    if clean:
        st.remove_alternative_conformations()
    return st


def read(path, model: int = 0, chains=None, missing_ca: str = "skip") -> Structure:
    """Read the protein chains of a PDB or mmCIF file.

    Parameters
    ----------
    path : str or Path
        ``.pdb``, ``.ent``, ``.cif``/``.mmcif`` (optionally gzipped).
    model : int
        Model index for multi-model files (NMR ensembles); 0 = the first.
    chains : str or list of str, optional
        Keep only these chains.
    missing_ca : {"skip", "error"}
        A residue without a C-alpha atom is left out and listed in ``Structure.skipped``
        (``"skip"``), or is an error (``"error"``).

    Returns
    -------
    Structure

    Raises
    ------
    biochemml.errors.InputError
        Missing or unreadable file, a model index out of range, no protein chain
        (names what the file holds), a requested chain that is absent, or a residue
        without CA when ``missing_ca="error"``.

    Examples
    --------
    >>> st = read("1gfl_cm.pdb")                                  # doctest: +SKIP
    >>> st.sequences()["A"][:10], st.ca.shape                     # doctest: +SKIP
    ('SKGEELFTGV', (237, 3))
    """
    import gemmi

    path = Path(path)
    if not path.exists():
        raise InputError("the structure file does not exist", path=path)
    if missing_ca not in ("skip", "error"):
        raise InputError(f"missing_ca must be 'skip' or 'error', not '{missing_ca}'")
    st = _read_gemmi(path)
    if not 0 <= model < len(st):
        raise InputError(f"model {model} requested but the file has {len(st)} model(s)",
                         path=path)
    rows: dict[str, list] = {k: [] for k in ("chain", "number", "icode", "resname", "letter",
                                             "ca", "n", "c", "cb", "b")}
    atom_xyz, atom_el, atom_res, atom_names = [], [], [], []
    skipped, other = [], set()
    for ch in st[model]:
        for res in ch:
            info = gemmi.find_tabulated_residue(res.name)
            if info is None or not info.is_amino_acid():
                if not res.is_water():
                    other.add(res.name)
                continue
            label = f"{ch.name}:{res.seqid.num}{res.seqid.icode.strip()} {res.name}"
            atoms = {a.name: a for a in res if not a.is_hydrogen()}
            if "CA" not in atoms:
                if missing_ca == "error":
                    raise InputError(f"residue {label} has no CA atom", path=path)
                skipped.append(f"{label}: no CA atom")
                continue
            letter = info.one_letter_code.upper()
            row = len(rows["chain"])
            rows["chain"].append(ch.name)
            rows["number"].append(res.seqid.num)
            rows["icode"].append(res.seqid.icode.strip())
            rows["resname"].append(res.name)
            rows["letter"].append(letter if letter.isalpha() and letter != " " else "X")
            for key, atom in (("ca", "CA"), ("n", "N"), ("c", "C"), ("cb", "CB")):
                a = atoms.get(atom)
                rows[key].append(a.pos.tolist() if a is not None else [np.nan] * 3)
            rows["b"].append(float(np.mean([a.b_iso for a in atoms.values()])))
            for a in atoms.values():
                atom_xyz.append(a.pos.tolist())
                atom_el.append(a.element.name)
                atom_res.append(row)
                atom_names.append(a.name)
    if not rows["chain"]:
        held = f" (it holds: {', '.join(sorted(other)[:8])})" if other else ""
        raise InputError(f"the structure has no protein chain{held}", path=path)
    ca = np.asarray(rows["ca"], dtype=np.float64)
    cb = np.asarray(rows["cb"], dtype=np.float64)
    n_xyz = np.asarray(rows["n"], dtype=np.float64)
    c_xyz = np.asarray(rows["c"], dtype=np.float64)
    no_cb = np.isnan(cb).any(axis=1)
    placed = virtual_cb(n_xyz, ca, c_xyz)
    # Without N or C no CB can be placed: fall back to CA (documented in Structure).
    placed = np.where(np.isnan(placed).any(axis=1, keepdims=True), ca, placed)
    cb[no_cb] = placed[no_cb]
    name = st.name or path.stem
    out = Structure(
        name=name, path=str(path), chain=np.asarray(rows["chain"]),
        number=np.asarray(rows["number"], dtype=np.int64), icode=np.asarray(rows["icode"]),
        resname=np.asarray(rows["resname"]), sequence="".join(rows["letter"]), ca=ca, cb=cb,
        virtual_cb=no_cb, bfactor=np.asarray(rows["b"]),
        atom_xyz=np.asarray(atom_xyz, dtype=np.float64).reshape(-1, 3),
        atom_element=np.asarray(atom_el), atom_residue=np.asarray(atom_res, dtype=np.int64),
        skipped=skipped, atom_name=np.asarray(atom_names))
    return out.select(chains)
