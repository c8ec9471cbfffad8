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
    threshold: Optional[float] = typer.Option(None, help="Contact maps: cut-off in Angstrom (default 8)."),
    chain: Optional[str] = typer.Option(None, help="Chain to use; default all protein chains."),
    vmax: Optional[float] = typer.Option(None, help="Distance map images: Å at which the colour is "
                                         "darkest (e.g. 30, so a floppy tail does not wash out "
                                         "the contacts); default the largest distance, or 30 "
                                         "when that is over 60 (as a run's figure)."),
):
    """Draw (or save) the residue-residue distance or contact map of a structure."""
    import numpy as np

    from .. import structure as S
    from ..errors import InputError
    from ..io.writers import atomic_write, not_an_input

    not_an_input(out, "the map", structure=structure)
    if kind not in ("distance", "contact"):
        raise InputError(f"--kind must be 'distance' or 'contact', not '{kind}'")
    suffix = out.suffix.lower()
    if suffix not in (".npy", ".png", ".pdf", ".svg"):
        raise InputError("cannot write this kind of file: name it .png, .pdf or .svg for an "
                         "image, or .npy for the N x N array", path=out)
    if threshold is not None and kind != "contact":
        raise InputError("--threshold is the cut-off of a contact map: add --kind contact "
                         "(a distance map shows every distance)")
    if vmax is not None and (kind != "distance" or suffix == ".npy"):
        raise InputError("--vmax sets the colour scale of a distance map image: "
                         + ("a contact map is black and white" if kind != "distance" else
                            "a .npy file holds the distances themselves"))
    threshold = 8.0 if threshold is None else threshold
    st = S.read(structure)
    if suffix == ".npy":
        arr = (S.distance_map(st, atom=atom, chain=chain) if kind == "distance"
               else S.contact_map(st, threshold=threshold, atom=atom, chain=chain))
        atomic_write(out, lambda tmp: np.save(tmp, arr))
        typer.echo(f"Wrote {kind} map of shape {arr.shape} (N, N) to {out}")
        return
    st.select(chain)  # an unknown chain is refused before a folder or file is made
    capped = ""
    if kind == "distance" and vmax is None:  # a floppy tail (AlphaFold) washes out the rest
        from ..protein_train import DISTANCE_MAP_VMAX

        largest = float(np.nanmax(S.distance_map(st, atom=atom, chain=chain)))
        if largest > 2 * DISTANCE_MAP_VMAX:
            vmax = DISTANCE_MAP_VMAX
            capped = (f" (colours capped at {vmax:g} Å, the largest distance being "
                      f"{largest:.0f} Å: --vmax to change)")
    atomic_write(out, lambda tmp: S.plot_structure_map(st, kind=kind, atom=atom, chain=chain,
                                                       threshold=threshold, vmax=vmax, out=tmp))
    typer.echo(f"Wrote {kind} map of {len(st.select(chain))} residues to {out}{capped}")


@app.command("structure-features")
def structure_features(
    structure: Path = typer.Option(..., "--structure", help="PDB or mmCIF file."),
    out: Path = typer.Option(..., "--out", help="Table (.csv, .tsv or .txt, .xlsx or .parquet): one row per residue (chain, number, insertion code, ...)."),
    chain: Optional[str] = typer.Option(None, help="Chain to describe, on its own (the other chains do not cover its surface); default all protein chains."),
):
    """Per-residue burial, solvent accessibility and secondary structure as a table."""
    from .. import structure as S
    from ..io.writers import not_an_input, table_suffix, write_table

    table_suffix(out)
    not_an_input(out, "the table", structure=structure)
    st = S.read(structure).select(chain)
    table = S.residue_descriptors(st)
    write_table(table, out)
    approximate = S.approximation_note(st)
    if approximate:
        from ..progress import say

        say(f"[yellow]Notice[/yellow]: {approximate}.")
    typer.echo(f"Wrote {len(table)} residues x {table.shape[1]} columns to {out}")
