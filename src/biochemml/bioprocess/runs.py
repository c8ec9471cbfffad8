"""Read and check a lab's table of bioreactor runs against its declared factors."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError
from .factors import Factors


@dataclass
class Runs:
    """A checked table of runs.

    Attributes
    ----------
    conditions : pandas.DataFrame
        ``(N, n_factors)`` factor columns (fixed factors filled in).
    responses : pandas.DataFrame
        ``(N, n_responses)`` float responses.
    table : pandas.DataFrame
        The table as read, extra columns included.
    ignored : list of str
        Numeric columns that vary from run to run but are neither factors, responses nor
        otherwise used: left out of every model (a factor missing from the bounds file
        ends up here).
    ignored_constant : list of str
        Numeric columns, not used, that hold one value in every run.
    """

    conditions: pd.DataFrame
    responses: pd.DataFrame
    table: pd.DataFrame
    ignored: list = field(default_factory=list)
    ignored_constant: list = field(default_factory=list)

    def ignored_notice(self) -> str:
        """One sentence naming the ignored numeric columns, or ``""`` when there are none.

        Examples
        --------
        ``"ignored numeric columns that are not factors: NaCl, OD600 (and, constant in
        every run: MOPS, Glucose)"``
        """
        if not self.ignored and not self.ignored_constant:
            return ""
        if not self.ignored:
            return ("ignored numeric columns that are not factors, constant in every run: "
                    + ", ".join(self.ignored_constant))
        text = "ignored numeric columns that are not factors: " + ", ".join(self.ignored)
        if self.ignored_constant:
            text += " (and, constant in every run: " + ", ".join(self.ignored_constant) + ")"
        return text


def as_list(names) -> list:
    """``"a"`` -> ``["a"]``; a list stays a list."""
    return [names] if isinstance(names, str) else list(names)


def check_runs(runs, factors: Factors, response, id_column=None, used=()) -> Runs:
    """Check a table of runs: factor columns, bounds and levels, responses, run ids.

    Parameters
    ----------
    runs : str, Path or pandas.DataFrame
        A CSV/TSV/Parquet/Excel file or a DataFrame with one row per run. Columns that are
        neither factors nor named responses (a run name, other measurements) are ignored.
    factors : Factors
    response : str or list of str
        The response column(s) to model; every value must be a number.
    id_column : str, optional
        A run-id column whose values must be unique. Replicates of the same condition are
        fine (they inform the noise level) as long as their ids differ.
    used : sequence of str
        Further columns the caller uses (a cycle column), not reported as ignored.

    Returns
    -------
    Runs

    Raises
    ------
    InputError
        A missing factor or response column, a value outside bounds, an unknown level,
        an empty or non-numeric response, or a repeated run id; the message names the
        file, row and column.
    """
    from ..io import numeric_column, read_table, require_columns
    from ..io.tables import _file_row

    df = runs if isinstance(runs, pd.DataFrame) else read_table(runs)
    path = df.attrs.get("path")
    responses = as_list(response)
    if not responses:
        raise InputError("name at least one response column")
    for i, r in enumerate(responses):
        if r in responses[:i]:
            raise InputError(f"response '{r}' is given twice; name each response once")
    for r in responses:
        if r in factors.names:
            raise InputError(f"'{r}' is declared as a factor; it cannot also be the response")
    require_columns(df, responses, path=path)
    if id_column is not None:
        require_columns(df, [id_column], path=path)
        dup = df[id_column].duplicated(keep="first").to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            first = int(np.flatnonzero((df[id_column] == df[id_column].iloc[i]).to_numpy())[0])
            raise InputError(f"run id '{df[id_column].iloc[i]}' repeats the id of row "
                             f"{_file_row(df, first) + 1}; each run needs its own id "
                             "(replicates are fine under different ids)", path=path,
                             row=_file_row(df, i), column=id_column)
    conditions = factors.check_table(df, path=path)
    y = pd.DataFrame({r: numeric_column(df, r) for r in responses}, index=df.index)
    skip = set(factors.names) | set(responses) | {id_column} | set(used)
    extra = [c for c in df.columns if c not in skip and pd.api.types.is_numeric_dtype(df[c])
             and not pd.api.types.is_bool_dtype(df[c])
             and str(c).strip() and not str(c).startswith("Unnamed:")]
    varying = [str(c) for c in extra if df[c].nunique(dropna=True) > 1]
    constant = [str(c) for c in extra if df[c].nunique(dropna=True) <= 1]
    return Runs(conditions.reset_index(drop=True), y.reset_index(drop=True), df,
                ignored=varying, ignored_constant=constant)
