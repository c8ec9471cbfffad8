"""Protein structures: read PDB/mmCIF, featurise as images (distance and contact maps),
graphs (residues within a radius) and per-residue descriptors; write values back into
the B-factor column for colouring in PyMOL or ChimeraX.

>>> from biochemml import structure
>>> st = structure.read("wt.pdb")                                # doctest: +SKIP
>>> structure.distance_map(st, atom="CA").shape                  # doctest: +SKIP
(237, 237)
"""
from .core import Structure, read, virtual_cb
from .descriptors import (approximation_note, backbone, burial, relative_sasa,
                          residue_descriptors, sasa, secondary_structure)
from .maps import ResidueGraph, contact_map, distance_map, residue_graph
from .output import plot_structure_map, write_bfactors

__all__ = ["Structure", "read", "virtual_cb", "distance_map", "contact_map", "residue_graph",
           "ResidueGraph", "approximation_note", "backbone", "burial", "sasa", "relative_sasa", "secondary_structure",
           "residue_descriptors", "write_bfactors", "plot_structure_map"]
