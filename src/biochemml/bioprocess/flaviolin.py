"""The JBEI flaviolin medium-optimisation campaign as runs plus declared factors."""
from __future__ import annotations

from .factors import Factors


def load_flaviolin(log: bool = False):
    """The 240 cultures and their 12 varied factors.

    Five cycles of 48 cultures each: 12 media x 4 replicates in cycles 1-2 (Latin hypercube
    designs), 16 media x 3 replicates in cycles 3-5 (ART recommendations).

    Reads through the dataset registry (:func:`biochemml.datasets.load`), which looks in
    ``$BIOCHEMML_DATA/flaviolin`` and the user cache before downloading.

    Parameters
    ----------
    log : bool
        Declare every medium component on a log scale (their bounds span 100-fold).

    Returns
    -------
    runs : pandas.DataFrame
        ``(240, 21)``: ``Line Name``, ``OD340`` (titer proxy), ``OD600``, 15 components (mM)
        and ``cycle`` (1-5), ``well``, ``replicate``.
    factors : Factors
        The 12 varied components with the bounds of ``media_bounds.csv``.
    """
    from .. import datasets

    runs = datasets.load("flaviolin")
    bounds = datasets.load("flaviolin_bounds")
    return runs, Factors.from_bounds(bounds, log=tuple(bounds["Variable"]) if log else ())
