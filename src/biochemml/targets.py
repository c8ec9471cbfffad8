"""The transforms a regression target may take, and their check (one place for the
estimators, the baselines and ``train``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError

#: ``standardize`` (the default): centred and scaled on the training rows; ``log``: the
#: natural log first (values must be above 0); ``none``: as measured.
TARGET_TRANSFORMS = ("standardize", "log", "none")


def check_target_transform(value, name: str = "target_transform") -> None:
    """Refuse a transform that is not one of :data:`TARGET_TRANSFORMS`, naming it as
    ``name`` (``"target_transform (--target-transform)"`` from the command line).

    Examples
    --------
    >>> check_target_transform("log")
    >>> check_target_transform("lg")
    Traceback (most recent call last):
    ...
    biochemml.errors.InputError: target_transform must be standardize, log or none, not 'lg'
    """
    if value not in TARGET_TRANSFORMS:
        raise InputError(f"{name} must be standardize, log or none, not '{value}'")


def value_array(y, what: str = "values") -> np.ndarray:
    """Measured values as a float array of shape (N,) or (N, T); one sentence naming the
    first entry that is not a number."""
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        flat = np.asarray(y, dtype=object).reshape(-1) if not isinstance(y, list) or \
            all(np.ndim(v) == 0 for v in y) else None
        if flat is None:
            raise InputError(f"{what} must be a table of equal-length rows (N,) or (N, T)") \
                from None
        for i, v in enumerate(flat):
            try:
                float(v)
            except (TypeError, ValueError):
                from .io.tables import not_a_number, read_csv_hint

                pandas_hint = read_csv_hint(v)  # 5,327: a decimal comma
                if pandas_hint:
                    raise InputError(
                        f"{what} must be numbers: at index {i}, "
                        f"{not_a_number(v, blank=False, column=pd.Series(flat))}{pandas_hint}"
                    ) from None
                hint = ("" if what != "values" else " (a regressor learns measured values; "
                        "for class labels use SequenceClassifier)")
                raise InputError(f"{what} must be numbers{hint}: the value at index {i} is "
                                 f"{v!r}") from None
        raise
    if values.ndim not in (1, 2):
        raise InputError(f"{what} must be of shape (N,) or (N, T), not {values.shape}")
    return values


def measured_values(y, n_sequences: int, target_transform: str = "standardize"):
    """The measured values of a regression, checked as every regressor checks them.

    Parameters
    ----------
    y : array-like of shape (N,) or (N, T)
    n_sequences : int
        ``N`` of the sequences they belong to.
    target_transform : str
        ``"log"`` also needs every value above 0.

    Returns
    -------
    values : numpy.ndarray of shape (N, T)
    several : bool
        Whether ``y`` was two-dimensional (several targets).

    Raises
    ------
    biochemml.errors.InputError
        Text among the values, a count other than ``n_sequences``, a row without any
        value (NaN), an infinite value, or a value <= 0 for the log.
    """
    values = value_array(y)
    if values.shape[0] != n_sequences:
        raise InputError(f"got {n_sequences} sequences but {values.shape[0]} values")
    vals = values.reshape(len(values), -1)
    empty = np.flatnonzero(np.isnan(vals).all(axis=1))
    if empty.size:
        raise InputError("the measured value is missing (NaN)", row=int(empty[0]))
    if np.isinf(vals).any():
        raise InputError("a measured value is infinite",
                         row=int(np.flatnonzero(np.isinf(vals).any(axis=1))[0]))
    if target_transform == "log" and (vals[~np.isnan(vals)] <= 0).any():
        bad = int(np.flatnonzero((vals <= 0).any(axis=1))[0])
        shown = (f"this one is {vals[bad][0]:g}" if vals.shape[1] == 1 else
                 f"these are {', '.join(f'{v:g}' for v in vals[bad])}")
        already = ("; values below 0 suggest they are logarithms already (log2 ratios, "
                   "say), which need no log transform: keep the default, standardize"
                   if (vals[~np.isnan(vals)] < 0).any() else "")
        raise InputError(f"target_transform='log' needs positive values; {shown}{already}",
                         row=bad)
    return vals, values.ndim == 2
