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
        The user's columns unchanged. An added column whose name the table already uses,
        and the added columns named after it, take the first number free for all of them,
        ``<name>_2`` (``prediction_2`` with ``prediction_std_2``), so columns that belong
        together keep matching names.

    Examples
    --------
    >>> t = pd.DataFrame({"sequence": ["ACG"], "prediction": ["old"]})
    >>> list(join_outputs(t, pd.DataFrame({"prediction": [0.5], "prediction_std": [0.1]})).columns)
    ['sequence', 'prediction', 'prediction_2', 'prediction_std_2']
    """
    user = table.reset_index(drop=True)
    taken = {str(c) for c in user.columns}
    clashes, renamed = [], {}
    parts = []
    for extra in (front, outputs):
        if extra is None:
            parts.append(None)
            continue
        names = [str(c) for c in extra.columns]
        clash = [n for n in names if n in taken]
        # a clashing name and the columns named after it (prediction, prediction_std) take
        # one number together, so prediction_2 goes with prediction_std_2
        family = [n for n in names if any(n == c or n.startswith(c + "_") for c in clash)]
        if family:
            k = 2
            while any(f"{n}_{k}" in taken or f"{n}_{k}" in names for n in family):
                k += 1
            clashes += clash
            renamed.update({n: f"{n}_{k}" for n in family})
            names = [renamed.get(n, n) for n in names]
        taken.update(names)
        parts.append(extra.reset_index(drop=True).set_axis(names, axis=1))
    if clashes:
        olds = ", ".join(f"'{old}'" for old in clashes)
        news = ", ".join(f"'{new}'" for new in renamed.values())
        say(f"[yellow]The table already has {'a column' if len(clashes) == 1 else 'columns'} "
            f"{olds}, kept as {'it is' if len(clashes) == 1 else 'they are'}; the new "
            f"{'column is' if len(renamed) == 1 else 'columns are'} {news}.[/yellow]")
    joined = pd.concat([p for p in (parts[0], user, parts[1]) if p is not None], axis=1)
    joined.index = table.index  # rows keep the user's labels: result["prediction"] aligns
    return joined
