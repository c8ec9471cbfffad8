"""Structure as an image (distance and contact maps) and as a graph (residues and their neighbours)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..alphabets import PROTEIN
from ..errors import InputError
from .core import Structure


def _coords(structure: Structure, atom: str, chain) -> np.ndarray:
    if not isinstance(structure, Structure):
        raise InputError(f"expected a Structure from biochemml.structure.read, "
                         f"got {type(structure).__name__}")
    key = str(atom).upper()
    if key not in ("CA", "CB"):
        raise InputError(f"atom must be 'CA' or 'CB', not '{atom}'")
    st = structure.select(chain)
    return st.ca if key == "CA" else st.cb


def distance_map(structure: Structure, atom: str = "CB", chain=None) -> np.ndarray:
    """Residue-residue distances, between C-beta atoms unless ``atom="CA"``.

    Parameters
    ----------
    structure : Structure
        From :func:`biochemml.structure.read`.
    atom : {"CB", "CA"}, default "CB"
        C-beta (virtual for glycine), as :func:`contact_map`, :func:`plot_structure_map`,
        ``biochemml structure-map`` and the distance-map CNN use it; ``"CA"`` for the
        C-alpha atoms of the backbone (consecutive residues 3.8 Å apart).
    chain : str or list of str, optional
        Restrict to these chains; default all protein chains.

    Returns
    -------
    ndarray of float64, shape (N, N)
        Distances in Angstrom; symmetric with a zero diagonal. Usable as a one-channel
        image (``(1, N, N)``) for a 2D CNN.
    """
    xyz = _coords(structure, atom, chain)
    diff = xyz[:, None, :] - xyz[None, :, :]
    d = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    np.fill_diagonal(d, 0.0)
    return d


def contact_map(structure: Structure, threshold: float = 8.0, atom: str = "CB", chain=None,
                min_separation: int = 1) -> np.ndarray:
    """Residue pairs closer than ``threshold``.

    Parameters
    ----------
    structure : Structure
    threshold : float
        Contact cut-off in Angstrom (8 A between C-beta atoms is the CASP convention).
    atom : {"CA", "CB"}
    chain : str or list of str, optional
    min_separation : int
        Only pairs at least this far apart along the chain count (1 excludes the
        diagonal; 6 keeps only non-local contacts). Separation is counted in residue
        numbers, so residues 100 and 107 on either side of an unmodelled loop are 7 apart;
        residues of different chains always count.

    Returns
    -------
    ndarray of bool, shape (N, N)
        Symmetric; False on the diagonal.
    """
    if threshold <= 0:
        raise InputError(f"threshold must be a positive distance in Angstrom, not {threshold}")
    d = distance_map(structure, atom=atom, chain=chain)
    st = structure.select(chain)
    number = np.asarray(st.number, dtype=np.int64)
    idx = np.arange(d.shape[0])
    # along the chain by residue number; insertion codes (73, 73A) are 1 apart, not 0
    apart = np.maximum(np.abs(number[:, None] - number[None, :]),
                       (idx[:, None] != idx[None, :]).astype(np.int64))
    same_chain = np.asarray(st.chain)[:, None] == np.asarray(st.chain)[None, :]
    far_enough = ~same_chain | (apart >= max(int(min_separation), 1))
    np.fill_diagonal(far_enough, False)
    return (d < threshold) & far_enough


@dataclass
class ResidueGraph:
    """A structure as a graph; unpacks as ``nodes, edges, distances``.

    Attributes
    ----------
    nodes : ndarray of float32, shape (N, F)
        Node features; names in ``feature_names``.
    edges : ndarray of int64, shape (2, E)
        Source and target residue of every edge; both directions are present.
    distances : ndarray of float32, shape (E,)
        Length of every edge in Angstrom.
    feature_names : list of str
    residue_ids : list of str
        ``"chain:number"`` of each node.
    """

    nodes: np.ndarray
    edges: np.ndarray
    distances: np.ndarray
    feature_names: list
    residue_ids: list

    def __iter__(self):
        return iter((self.nodes, self.edges, self.distances))


def residue_graph(structure: Structure, radius: float = 8.0, atom: str = "CA", chain=None,
                  descriptors: bool = True) -> ResidueGraph:
    """Residues as nodes, neighbours within ``radius`` as edges.

    Parameters
    ----------
    structure : Structure
    radius : float
        Edge cut-off in Angstrom between ``atom`` coordinates.
    atom : {"CA", "CB"}
    chain : str or list of str, optional
    descriptors : bool
        Add per-residue geometry to the node features (see Returns); False gives only
        the amino-acid one-hot and neighbour count.

    Returns
    -------
    ResidueGraph
        ``nodes`` (N, F): amino-acid one-hot (20, alphabetical; X is all zeros),
        ``neighbours`` (edges per node), and with ``descriptors``: ``burial``
        (C-beta atoms within 10 A), ``rsa`` (relative solvent accessibility, 0-1+),
        ``helix`` / ``strand`` / ``coil`` (DSSP from the backbone atoms; the C-alpha
        approximation where they are missing, see
        :func:`~biochemml.structure.secondary_structure`). ``edges`` (2, E) int64 both directions, ``distances`` (E,).
    """
    if radius <= 0:
        raise InputError(f"radius must be a positive distance in Angstrom, not {radius}")
    st = structure.select(chain)
    d = distance_map(st, atom=atom)
    adj = d < radius
    np.fill_diagonal(adj, False)
    src, dst = np.nonzero(adj)
    onehot = np.zeros((len(st), 20), dtype=np.float32)
    codes = np.array([PROTEIN.symbols.find(c) for c in st.sequence])
    known = codes >= 0
    onehot[np.flatnonzero(known), codes[known]] = 1.0
    cols = [onehot, adj.sum(axis=1, keepdims=True).astype(np.float32)]
    names = [f"aa_{a}" for a in PROTEIN.symbols] + ["neighbours"]
    if descriptors:
        from .descriptors import burial, relative_sasa, secondary_structure

        ss = secondary_structure(st)
        cols += [burial(st)[:, None], relative_sasa(st)[:, None],
                 np.stack([ss == "H", ss == "E", ss == "C"], axis=1)]
        names += ["burial", "rsa", "helix", "strand", "coil"]
    nodes = np.concatenate([np.asarray(c, dtype=np.float32) for c in cols], axis=1)
    return ResidueGraph(nodes=nodes, edges=np.stack([src, dst]).astype(np.int64),
                        distances=d[src, dst].astype(np.float32), feature_names=names,
                        residue_ids=st.residue_ids)
