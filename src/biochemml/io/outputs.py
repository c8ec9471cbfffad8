"""The user's table with the columns a command adds (predictions, row numbers, flags).

A user's column is never overwritten: when the table already holds a column of the name
an output would take (a ``prediction`` column from an earlier run, a plate ``row``), the
output takes the first free name ``<name>_2``, ``<name>_3``, ... and the terminal says so.
"""
from __future__ import annotations

import pandas as pd

from ..progress import say


def join_outputs(table: pd.DataFrame, outputs: pd.DataFrame,
                 front: pd.DataFrame | None = None) -> pd.DataFrame:
    """``front`` columns, then the user's ``table``, then ``outputs``, names kept apart.

    Parameters
    ----------
    table : pandas.DataFrame of shape (N, K)
        The user's rows, in their order; the result keeps their index, so a column of it
        assigned back to ``table`` lands on the right rows.
    outputs : pandas.DataFrame of shape (N, M)
        Columns to add after the user's (``prediction``, ``prediction_std``, ...).
    front : pandas.DataFrame of shape (N, F), optional
        Columns to add before the user's (``row``).

    Returns
    -------
    pandas.DataFrame of shape (N, F + K + M)
        The user's columns unchanged; an added column whose name the table (or an earlier
        added column) already uses is renamed ``<name>_2`` (or the next free number).

    Examples
    --------
    >>> t = pd.DataFrame({"sequence": ["ACG"], "prediction": ["old"]})
    >>> list(join_outputs(t, pd.DataFrame({"prediction": [0.5]})).columns)
    ['sequence', 'prediction', 'prediction_2']
    """
    user = table.reset_index(drop=True)
    taken = {str(c) for c in user.columns}
    renamed = {}
    parts = []
    for extra in (front, outputs):
        if extra is None:
            parts.append(None)
            continue
        names = []
        for name in map(str, extra.columns):
            new, k = name, 1
            while new in taken:
                k += 1
                new = f"{name}_{k}"
            if new != name:
                renamed[name] = new
            taken.add(new)
            names.append(new)
        parts.append(extra.reset_index(drop=True).set_axis(names, axis=1))
    if renamed:
        olds = ", ".join(f"'{old}'" for old in renamed)
        news = ", ".join(f"'{new}'" for new in renamed.values())
        say(f"[yellow]The table already has {'a column' if len(renamed) == 1 else 'columns'} "
            f"{olds}, kept as {'it is' if len(renamed) == 1 else 'they are'}; the new "
            f"{'column is' if len(renamed) == 1 else 'columns are'} {news}.[/yellow]")
    joined = pd.concat([p for p in (parts[0], user, parts[1]) if p is not None], axis=1)
    joined.index = table.index  # rows keep the user's labels: result["prediction"] aligns
    return joined
