"""Protein commands: ``structure-map`` (distance/contact map image) and ``structure-features``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import app


@app.command("structure-map")
def structure_map(
    structure: Path = typer.Option(..., "--structure", help="PDB or mmCIF file."),
    out: Path = typer.Option(..., "--out", help="Image (.png/.pdf/.svg); a .npy gets the raw N x N array."),
    kind: str = typer.Option("distance", help="'distance' or 'contact'."),
    atom: str = typer.Option("CB", help="CA or CB (virtual CB for glycine)."),
    threshold: float = typer.Option(8.0, help="Contact cut-off in Angstrom (contact maps)."),
    chain: Optional[str] = typer.Option(None, help="Chain to use; default all protein chains."),
    vmax: Optional[float] = typer.Option(None, help="Distance maps: Å at which the colour is "
                                         "darkest (e.g. 30, so a floppy tail does not wash out "
                                         "the contacts); default the largest distance."),
):
    """Draw (or save) the residue-residue distance or contact map of a structure."""
    import numpy as np

    from .. import structure as S
    from ..errors import InputError

    if kind not in ("distance", "contact"):
        raise InputError(f"--kind must be 'distance' or 'contact', not '{kind}'")
    if out.suffix.lower() not in (".npy", ".png", ".pdf", ".svg"):
        raise InputError("cannot write this kind of file: name it .png, .pdf or .svg for an "
                         "image, or .npy for the N x N array", path=out)
    st = S.read(structure)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".npy":
        arr = (S.distance_map(st, atom=atom, chain=chain) if kind == "distance"
               else S.contact_map(st, threshold=threshold, atom=atom, chain=chain))
        np.save(out, arr)
        typer.echo(f"Wrote {kind} map of shape {arr.shape} (N, N) to {out}")
        return
    S.plot_structure_map(st, kind=kind, atom=atom, threshold=threshold, chain=chain, out=out,
                         vmax=vmax)
    typer.echo(f"Wrote {kind} map of {len(st.select(chain))} residues to {out}")


@app.command("structure-features")
def structure_features(
    structure: Path = typer.Option(..., "--structure", help="PDB or mmCIF file."),
    out: Path = typer.Option(..., "--out", help="CSV: one row per residue."),
):
    """Per-residue burial, solvent accessibility and secondary structure as a table."""
    from .. import structure as S

    table = S.residue_descriptors(S.read(structure))
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    typer.echo(f"Wrote {len(table)} residues x {table.shape[1]} columns to {out}")
