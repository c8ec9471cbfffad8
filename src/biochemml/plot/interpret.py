"""Figures that explain a prediction: the in-silico mutagenesis map of one sequence."""
from __future__ import annotations

import numpy as np

from ..errors import InputError
from ._base import DPI, finish, new_figure, style
from .logo import _SCHEMES

#: positions per row of a mutagenesis map (longer sequences wrap)
MAP_ROW = 50


def mutagenesis_map(result, path=None, *, index=0, start=1, title=None, formats=None, dpi=DPI):
    """In-silico mutagenesis of one sequence: its letters scaled by importance, over a heat map
    of what every substitution does.

    Top: each letter of the sequence drawn as high as its importance (the prediction with it
    minus the mean over the other letters there; below the line, the letter hurts). Bottom:
    one cell per position and letter, coloured by the change in the prediction when the
    position is changed to that letter (red raises it, blue lowers it); the sequence's own
    letters are dotted; grey cells are positions the model does not read (past its input
    length). Sequences longer than 50 letters wrap onto several rows.

    Parameters
    ----------
    result : biochemml.interpret.Mutagenesis
        From :func:`biochemml.interpret.mutagenesis`.
    path : str or Path, optional
        Save the figure there.
    index : int, default 0
        Which of the result's sequences to draw, by position (0 is the first). The
        default title names it by its id: the index label of the pandas Series or
        DataFrame given to :func:`~biochemml.interpret.mutagenesis` (``result.ids``), else
        this position.
    start : int, default 1
        Number of the first position on the x axis.
    title, formats, dpi :
        As in every biochemml figure; the default title names the sequence's prediction.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import logomaker
    import matplotlib
    import pandas as pd
    from matplotlib.colors import TwoSlopeNorm

    n = len(result.sequences)
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not -n <= index < n:
        raise InputError(f"index must be a sequence number from 0 to {n - 1}, got {index!r}")
    seq, symbols = result.sequences[index], result.symbols
    length, c = len(seq), len(symbols)
    effects = result.effects[index, :length]                      # (L, C)
    importance = result.importance[index, :length]                # (L,)
    heights = pd.DataFrame(0.0, index=np.arange(start, start + length), columns=list(symbols))
    for i, ch in enumerate(seq):
        if ch in symbols and np.isfinite(importance[i]):  # not read by the model: no letter
            heights.iloc[i, symbols.index(ch)] = importance[i]
    limit = (float(np.nanmax(np.abs(effects))) if np.isfinite(effects).any() else 0.0) or 1.0
    top = float(np.nanmax(np.abs(importance))) if np.isfinite(importance).any() else 1.0
    top = top or 1.0
    n_rows = int(np.ceil(length / MAP_ROW))
    per = int(np.ceil(length / n_rows))
    # a heat-map row per letter tall enough for its label: 4 nucleotides or 20 amino acids
    map_height = max(1.6, 0.24 * c)
    with style():
        fig, axes = new_figure(float(np.clip(0.22 * per + 3.0, 6.0, 16.0)),
                               (2.3 + map_height) * n_rows, dpi,
                               nrows=2 * n_rows, squeeze=False,
                               gridspec_kw={"height_ratios": [2.0, map_height] * n_rows})
        for r in range(n_rows):
            lo, hi = r * per, min((r + 1) * per, length)
            ax_logo, ax_map = axes[2 * r, 0], axes[2 * r + 1, 0]
            logomaker.Logo(heights.iloc[lo:hi], ax=ax_logo, color_scheme=_SCHEMES.get(symbols, "dimgray"),
                           font_name="DejaVu Sans", flip_below=False)
            ax_logo.axhline(0, color="0.5", lw=0.8)
            low = float(np.nanmin(importance)) if np.isfinite(importance).any() else 0.0
            high = float(np.nanmax(importance)) if np.isfinite(importance).any() else 0.0
            ax_logo.set_ylim(min(1.05 * low, -0.1 * top), max(1.05 * high, 0.1 * top))
            ax_logo.set_xlim(start + lo - 0.5, start + hi - 0.5)
            ax_logo.set_ylabel("importance")
            ax_logo.set_xticks([])
            cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="0.8")  # grey: not read
            image = ax_map.imshow(effects[lo:hi].T, aspect="auto", cmap=cmap,
                                  norm=TwoSlopeNorm(0.0, -limit, limit),
                                  extent=(start + lo - 0.5, start + hi - 0.5, c - 0.5, -0.5),
                                  interpolation="nearest")
            own = [(start + i, symbols.index(ch)) for i, ch in enumerate(seq[lo:hi], lo)
                   if ch in symbols]
            if own:
                xs, ys = zip(*own)
                ax_map.scatter(xs, ys, s=10, color="black", zorder=3)
            ax_map.set_yticks(range(c), list(symbols))
            ax_map.set_ylabel("changed to")
            step = 1 if per <= 25 else 5
            ax_map.set_xticks([t for t in range(start + lo, start + hi) if (t - start + 1) % step == 0])
            ax_map.set_xlim(start + lo - 0.5, start + hi - 0.5)
            fig.colorbar(image, ax=[ax_logo, ax_map], label=f"change in\n{result.output}", shrink=0.9)
        axes[-1, 0].set_xlabel("position")
        name = index if getattr(result, "ids", None) is None else result.ids[index]
        axes[0, 0].set_title(title or f"In-silico mutagenesis: sequence {name} "
                             f"({result.output} = {result.reference[index]:.3g})")
    return finish(fig, path, formats, dpi)
