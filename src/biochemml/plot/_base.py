"""What every biochemml figure shares: slide-sized fonts, one way to create and save a figure,
and the scatter-or-density choice for point clouds."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure

from ..errors import InputError

DPI = 150
HEXBIN_ABOVE = 5000  # points; above this a scatter turns into a blot, so show density instead
TICK_SIZE = 11
_STYLE = {
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.labelsize": 12,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "legend.fontsize": 11,
    "figure.titlesize": 14,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "svg.fonttype": "none",  # text stays text in SVG, editable on a slide
}
_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "tif", "tiff")


@contextmanager
def style():
    """rcParams of every biochemml figure (fonts of at least 11 pt)."""
    with rc_context(_STYLE):
        yield


class SlideFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in Jupyter.

    Figures made without pyplot have no display of their own until a notebook has run
    ``%matplotlib inline`` or drawn a pyplot figure: a fresh notebook showed
    ``<Figure size 840x810 with 1 Axes>`` instead of the plot. ``_repr_png_`` is what
    IPython asks for; where the inline backend has registered its own printer for
    figures, that one is used, so a figure is never shown twice.
    """

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def new_figure(width, height, dpi=DPI, ax=None, **subplots):
    """A figure that does not go through pyplot (no window, no double display in notebooks).

    Returns (fig, axes) like ``plt.subplots``; call inside :func:`style`. The figure is a
    :class:`SlideFigure`, shown as a PNG by Jupyter. ``ax``: a matplotlib Axes of the
    caller's to draw into instead (one panel of ``plt.subplots(1, 2)``); its figure is
    returned and keeps its own size.
    """
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes) or subplots:
            raise InputError(f"ax must be one matplotlib Axes (such as plt.gca() or one of "
                             f"plt.subplots(1, 2)[1]), not {type(ax).__name__}")
        return ax.figure, ax
    fig = SlideFigure(figsize=(width, height), dpi=dpi, layout="constrained")
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


def _save_paths(path, formats=None) -> list:
    """The files :func:`finish` writes ``path`` to, as ``(path, format)`` pairs, or an
    InputError for a suffix or format it cannot write (checked before anything is saved)."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    # a suffix of letters names a file type (.gif, .docx); any other (roc.v2, cutoff_0.5)
    # is part of the name, and PNG is added as to a path without a suffix
    file_type = suffix.isascii() and suffix.isalpha()
    if file_type and suffix not in _FORMATS and formats is None:
        raise InputError(f"cannot save figures as .{suffix} ({path.name}): use a path ending "
                         f"in {', '.join('.' + f for f in _FORMATS)}")
    if formats is None:
        return [(path if file_type else path.with_name(path.name + ".png"),
                 suffix if file_type else "png")]
    if isinstance(formats, str):
        formats = (formats,)
    formats = tuple(str(f).lower().lstrip(".") for f in formats)
    unknown = [f for f in formats if f not in _FORMATS]
    if unknown:
        raise InputError(f"cannot save figures as {unknown}: choose from {', '.join(_FORMATS)}")
    stem = path.with_suffix("") if file_type else path  # the suffix is replaced, per format
    return [(stem.with_name(stem.name + "." + fmt), fmt) for fmt in formats]


def finish(fig, path=None, formats=None, dpi=DPI):
    """Fix the tick font size, and save ``fig`` to ``path`` if given; return ``fig``.

    ``path`` is saved in the format its suffix names: ``.png``, ``.svg``, ``.pdf``,
    ``.jpg`` / ``.jpeg`` or ``.tif`` / ``.tiff``. Another suffix of letters, such as
    ``.gif`` or ``.docx``, is refused; ``.png`` is added to a path without a suffix, or
    whose suffix is not letters alone (``fig`` becomes ``fig.png``, ``roc.v2`` becomes
    ``roc.v2.png``). ``formats`` (e.g. ``("png", "svg")``) saves one file per format
    instead, next to each other, named after ``path`` with its suffix of letters replaced
    (``fig.docx`` gives ``fig.png`` and ``fig.svg``).
    """
    saves = [] if path is None else _save_paths(path, formats)
    for ax in fig.axes:
        # tick labels are made at draw time, so set their size on the axes, not only in rcParams
        ax.tick_params(labelsize=TICK_SIZE)
    if not saves:
        return fig
    saves[0][0].parent.mkdir(parents=True, exist_ok=True)
    with style():
        for file, fmt in saves:
            fig.savefig(file, format=fmt, dpi=dpi)
    return fig


def points(ax, x, y, *, hexbin_above=HEXBIN_ABOVE, color="C0", label=None, extent=None):
    """Scatter ``y`` against ``x``, or a hexagonal density map (log count) when there are many points.

    ``extent`` ``(xmin, xmax, ymin, ymax)``: the axes' limits, when the caller sets them
    (equal ranges on square axes, as observed against predicted): the hexagons are laid
    out over them, so they stay regular. Laid out over the data's own ranges (1.3-4.1 on x,
    -7.4-4.2 on y) and then drawn on square axes, they were thin slivers.

    Returns the artist (a PathCollection for a scatter, a PolyCollection for a hexbin).
    """
    n = len(x)
    if n > hexbin_above:
        from matplotlib.ticker import FixedLocator, FuncFormatter

        # few distinct x values (a length in nt): one hexagon column per value, no stripes
        distinct = np.unique(np.asarray(x)).size
        gridsize = int(np.clip(distinct - 1, 10, 60)) if distinct <= 60 else 60
        art = ax.hexbin(x, y, gridsize=gridsize, bins="log", cmap="viridis", mincnt=1,
                        linewidths=0, extent=extent)
        bar = ax.figure.colorbar(art, ax=ax, label="points per hexagon")
        # counts as plain numbers on a 1-2-5 ladder (the log colour scale showed only 10^0, 10^1)
        top = max(float(np.max(art.get_array())), 1.0)
        ticks = [v * 10 ** k for k in range(int(np.log10(top)) + 1) for v in (1, 2, 5)
                 if v * 10 ** k <= top]
        bar.ax.yaxis.set_major_locator(FixedLocator(ticks))
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        bar.ax.yaxis.set_minor_locator(FixedLocator([]))
        return art
    alpha = float(np.clip(300 / max(n, 1), 0.25, 0.85))
    size = float(np.clip(4000 / max(n, 1), 6, 40))
    return ax.scatter(x, y, s=size, alpha=alpha, color=color, edgecolors="none", label=label)


def check_choice(name, value, options):
    """InputError unless ``value`` is one of ``options``."""
    if value not in options:
        listed = " or ".join(repr(o) for o in options)
        raise InputError(f"{name} must be {listed}, got {value!r}")


def as_values(name, values, ndim=(1,), all_nan_is_none=False):
    """Finite numeric array, or InputError naming ``name``; with ``all_nan_is_none``, None
    for values that are all NaN (see :func:`biochemml.metrics._as_array`)."""
    from ..metrics import _as_array

    return _as_array(name, values, ndim=ndim, all_nan_is_none=all_nan_is_none)


def same_length(**arrays):
    from ..metrics import _same_length

    _same_length(**arrays)
