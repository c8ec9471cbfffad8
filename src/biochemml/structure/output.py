"""Write per-residue values into a PDB file's B-factor column, and draw distance/contact maps."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError
from .core import Structure, _read_gemmi, read


def write_bfactors(structure, values, out_path, fill: float = 0.0) -> Path:
    """Write a PDB whose B-factor column holds one value per residue (for PyMOL/ChimeraX colouring).

    Parameters
    ----------
    structure : Structure or str or Path
        A structure from :func:`read` (its file is re-read to keep every atom) or a path.
    values : array-like, shape (N,)
        One value per residue of ``structure`` (same order as ``structure.residue_ids``);
        NaN residues get ``fill``. The PDB column holds -99.99..999.99 with 2 decimals:
        scale values (e.g. x100) that need more precision.
    out_path : str or Path
        Output ``.pdb`` (``.cif`` writes mmCIF). Every atom of the file is kept (waters,
        ligands, alternative conformations). A structure whose chain names do not fit the
        PDB format (mmCIF chains of more than one letter) is written as mmCIF, to
        ``out_path`` with the suffix ``.cif``.
    fill : float
        B-factor for residues without a value and for non-protein atoms.

    Returns
    -------
    Path
        The file written (``out_path``, or its ``.cif`` twin). In PyMOL:
        ``spectrum b, blue_white_red`` (low values blue); in ChimeraX:
        ``color bfactor palette bluered``.

    Raises
    ------
    biochemml.errors.InputError
        Wrong number of values, values outside the PDB column range, or a structure
        with no file behind it.
    """
    st = structure if isinstance(structure, Structure) else read(structure)
    if st.path is None:
        raise InputError("the structure has no file behind it; pass the path of the file")
    vals = np.asarray(values, dtype=np.float64).reshape(-1)
    if vals.size != len(st):
        raise InputError(f"got {vals.size} values but structure {st.name} has {len(st)} "
                         f"residues (one value per residue, in structure order)")
    finite = vals[np.isfinite(vals)]
    if finite.size and (finite.min() < -99.99 or finite.max() > 999.99):
        raise InputError(f"values span {finite.min():.4g}..{finite.max():.4g}; the PDB B-factor "
                         "column holds -99.99..999.99: rescale them first")
    # keyed by residue name too: a water or ligand numbered like a protein residue of the
    # same chain keeps ``fill``
    lookup = {(c, int(n), i, r): v
              for c, n, i, r, v in zip(st.chain, st.number, st.icode, st.resname, vals)}
    gst = _read_gemmi(Path(st.path), clean=False)
    for ch in gst[0]:
        for res in ch:
            v = lookup.get((ch.name, res.seqid.num, res.seqid.icode.strip(), res.name))
            b = fill if v is None or not np.isfinite(v) else float(v)
            for atom in res:
                atom.b_iso = b
    for extra in range(len(gst) - 1, 0, -1):
        del gst[extra]
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if out_path.suffix.lower() not in (".cif", ".mmcif") and \
            any(len(ch.name) > 1 for ch in gst[0]):
        out_path = out_path.with_suffix(".cif")  # PDB chain IDs are one character
    if out_path.suffix.lower() in (".cif", ".mmcif"):
        gst.make_mmcif_document().write_file(str(out_path))
    else:
        gst.write_pdb(str(out_path))
    return out_path


def plot_structure_map(structure: Structure, kind: str = "distance", atom: str = "CB",
                       threshold: float = 8.0, chain=None, ax=None, out=None,
                       vmax: float | None = None):
    """Draw a distance map (colour = Ångström; bright = close) or contact map (black =
    contact) as an image.

    Parameters
    ----------
    structure : Structure
    kind : {"distance", "contact"}
    atom : {"CA", "CB"}
    threshold : float
        Contact cut-off (contact maps only).
    chain : str, optional
    ax : matplotlib Axes, optional
    out : str or Path, optional
        Save the figure here (PNG/PDF/SVG by suffix).
    vmax : float, optional
        Distances at or beyond this many Å share the darkest colour (e.g. 25, so that a
        long disordered tail does not wash out the contacts); default the largest.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..plot._base import DPI, new_figure, style
    from .maps import contact_map, distance_map

    if kind not in ("distance", "contact"):
        raise InputError(f"kind must be 'distance' or 'contact', not '{kind}'")
    with style():  # the fonts and resolution of every biochemml figure
        if ax is None:  # a figure made without pyplot: shown once in a notebook, never left open
            fig, ax = new_figure(5.5, 4.8)
        else:
            fig = ax.figure
        if kind == "distance":
            image = ax.imshow(distance_map(structure, atom=atom, chain=chain), cmap="viridis_r",
                              origin="upper", interpolation="nearest", vmin=0, vmax=vmax)
            fig.colorbar(image, ax=ax, label=f"{atom.upper()}-{atom.upper()} distance (Å)",
                         extend="max" if vmax is not None else "neither")
        else:
            ax.imshow(contact_map(structure, threshold=threshold, atom=atom, chain=chain),
                      cmap="Greys", origin="upper", interpolation="nearest")
        st = structure.select(chain)
        numbers = np.asarray(st.number, dtype=np.int64)
        plain = len(set(st.chain)) == 1 and len(numbers) > 1 and np.all(np.diff(numbers) == 1) \
            and not any(str(i).strip() for i in st.icode)
        if plain:  # one chain numbered without gaps: label the axes with the file's numbers
            ax.images[0].set_extent((numbers[0] - 0.5, numbers[-1] + 0.5,
                                     numbers[-1] + 0.5, numbers[0] - 0.5))
            label = f"residue number (as in the file, chain {st.chain[0]})"
            label = (label, label)
        else:  # gaps, insertion codes or several chains: one pixel per residue, ticks
            label = _label_residues(ax, st, numbers)  # labelled with the file's numbers
        ax.set_xlabel(label[0])
        ax.set_ylabel(label[1])
        label = ("distance map" if kind == "distance" else
                 f"{atom.upper()}-{atom.upper()} contacts < {threshold:g} Å")
        ax.set_title(f"{structure.name}: {label}")
    if out is not None:
        fig.savefig(out, dpi=DPI, bbox_inches="tight")
    return fig


def _label_residues(ax, st, numbers) -> tuple[str, str]:
    """Ticks of a map whose residues are not numbered 1, 2, 3... in one chain: the file's
    numbers (``chain:number`` for several chains) at round numbers, and a dotted line where
    the numbers skip (an unmodelled loop, Ambler-style gaps) or a new chain starts. Returns
    the x and y axis labels."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    chains = [str(c) for c in st.chain]
    icodes = [str(i).strip() for i in st.icode]
    several = len(set(chains)) > 1
    names = [f"{c + ':' if several else ''}{n}{i}"
             for c, n, i in zip(chains, numbers.tolist(), icodes)]
    per_chain = max(chains.count(c) for c in set(chains))
    step = next((k for k in (10, 20, 25, 50, 100, 200, 500, 1000)
                 if per_chain * (len(set(chains)) if several else 1) / k <= 8), 1000)
    ticks = [k for k in range(len(names))
             if (numbers[k] % step == 0 and not icodes[k])
             or (several and (k == 0 or chains[k] != chains[k - 1]))]
    starts = [k for k in ticks if several and (k == 0 or chains[k] != chains[k - 1])]
    ticks = [k for k in ticks if k in starts  # no label crowding the next chain's first
             or not any(0 < j - k < len(names) / 15 for j in starts)]
    if len(ticks) < 2:  # a short chain: a few residues spread along it
        ticks = sorted(set(np.linspace(0, len(names) - 1, min(6, len(names))).round()
                           .astype(int).tolist()))

    def name(x, _pos=None):
        k = int(round(x))
        return names[k] if 0 <= k < len(names) else ""

    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(FuncFormatter(name))
    breaks = [k for k in range(1, len(names))
              if chains[k] != chains[k - 1] or numbers[k] - numbers[k - 1] > 1]
    for k in breaks:
        ax.axvline(k - 0.5, color="0.5", linewidth=0.6, linestyle=":")
        ax.axhline(k - 0.5, color="0.5", linewidth=0.6, linestyle=":")
    label = "residue number (as in the file" + (")" if several else f", chain {chains[0]})")
    return (label + ("\ndotted: numbers skipped" + (" or a new chain" if several else "")
                     if breaks else ""), label)
