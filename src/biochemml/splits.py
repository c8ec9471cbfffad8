"""Train / validation / test splits with a seed.

Random and stratified splits follow scikit-learn's ``train_test_split`` exactly, so the
course's split (test 20 %, ``random_state=125``) gives the same rows here.
"""
from __future__ import annotations

import numpy as np

from .errors import InputError


def _check_fraction(value: float, what: str) -> None:
    if not 0 <= value < 1:
        raise InputError(f"{what} must be a fraction in [0, 1), not {value}")


def _plain_reason(err: ValueError, labels) -> str:
    """scikit-learn's reason for refusing a split, in words for a biologist."""
    text = str(err)
    if labels is not None and "number of classes" in text:
        k = len(np.unique(labels))
        return (f"a stratified split puts every one of the {k} classes on each side, so "
                f"each side needs at least {k} rows; use more rows, a larger test fraction "
                "or fewer classes")
    return text


def split_indices(n: int, test_size: float = 0.2, val_size: float = 0.0, stratify=None,
                  seed=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ``range(n)`` into train, validation and test index arrays.

    Parameters
    ----------
    n : int
        Number of rows.
    test_size : float
        Fraction of all rows held out for the test set.
    val_size : float
        Fraction of the *remaining* (training) rows held out for validation, as
        Keras' ``validation_split`` does (but drawn at random, not the last rows).
    stratify : array-like of shape (n,), optional
        Class labels: keep class proportions equal in every part.
    seed : int, optional
        ``random_state``; the course uses 125.

    Returns
    -------
    train, val, test : ndarray of int
        Sorted index arrays (``val`` or ``test`` empty when its size is 0).

    Examples
    --------
    >>> tr, va, te = split_indices(2000, test_size=0.2, val_size=0.1, seed=125)
    >>> len(tr), len(va), len(te)
    (1440, 160, 400)
    """
    from sklearn.model_selection import train_test_split

    _check_fraction(test_size, "test_size")
    _check_fraction(val_size, "val_size")
    if n < 2:
        raise InputError(f"need at least 2 rows to split, got {n}")
    labels = None if stratify is None else np.asarray(stratify)
    if labels is not None and labels.shape[0] != n:
        raise InputError(f"stratify has {labels.shape[0]} labels for {n} rows")
    idx = np.arange(n)
    empty = np.array([], dtype=int)
    try:
        if test_size > 0:
            train, test = train_test_split(idx, test_size=test_size, random_state=seed,
                                           stratify=labels)
        else:
            train, test = idx, empty
        if val_size > 0:
            sub = None if labels is None else labels[train]
            # an integer seed gives the second split its own stream; a RandomState
            # object simply moves on
            rs = seed + 1 if isinstance(seed, (int, np.integer)) else seed
            train, val = train_test_split(train, test_size=val_size, random_state=rs,
                                          stratify=sub)
        else:
            val = empty
    except ValueError as err:  # too few rows or too few members of a class
        raise InputError(f"cannot split {n} rows this way: {_plain_reason(err, labels)}") \
            from None
    return np.sort(train), np.sort(val), np.sort(test)
