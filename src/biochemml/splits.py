"""Train / validation / test splits with a seed.

Random and stratified splits follow scikit-learn's ``train_test_split`` exactly, so the
course's split (test 20 %, ``random_state=125``) gives the same rows here. The
similarity-aware, group and k-fold splits (:func:`similarity_split`, :func:`group_split`,
:func:`kfold_indices`, written in :mod:`biochemml.evaluation`) are reachable here too.
"""
from __future__ import annotations

import numpy as np

from .errors import InputError


def _check_fraction(value: float, what: str, zero: bool = True) -> None:
    """Refuse ``value`` unless it is a number in [0, 1) (in (0, 1) without ``zero``: a
    test set needs rows); ``what`` names it as the user wrote it."""
    from .numeric import is_number

    if not is_number(value) or not 0 <= value < 1:
        raise InputError(f"{what} must be a fraction in [0, 1), not {value!r}")
    if value == 0 and not zero:
        raise InputError(f"{what} must be more than 0 (a fraction such as 0.2): a split "
                         "with no test rows has nothing to evaluate")


def row_count(n, what: str = "n") -> int:
    """The number of rows ``n`` stands for: a whole number, or the length of a table or array.

    An integral float (``10.0``) counts as that integer; a DataFrame, Series, array or
    list counts as its number of rows. Anything else is an :class:`InputError`.
    """
    if isinstance(n, (bool, np.bool_)):
        raise InputError(f"{what} must be a number of rows, not {n!r}")
    if isinstance(n, (int, np.integer)):
        return int(n)
    if isinstance(n, (float, np.floating)):
        if not np.isfinite(n) or n != int(n):
            raise InputError(f"{what} must be a whole number of rows, not {n!r}")
        return int(n)
    if hasattr(n, "__len__") and not isinstance(n, (str, bytes, dict)):
        return len(n)
    raise InputError(f"{what} must be a number of rows (or a table to count the rows of), "
                     f"not a {type(n).__name__}")


def _plain_reason(err: ValueError, labels) -> str:
    """scikit-learn's reason for refusing a split, in words for a biologist."""
    text = str(err)
    if labels is not None and "too few members" in text:
        classes, counts = np.unique(labels, return_counts=True)
        few = ", ".join(f"'{c}'" for c in classes[counts < 2][:5])
        return (f"a stratified split puts every class on each side, so each class needs 2 "
                f"rows there, and the class(es) {few} have only one; add rows of these classes "
                "or remove them")
    if labels is not None and "number of classes" in text:
        k = len(np.unique(labels))
        return (f"a stratified split puts every one of the {k} classes on each side, so "
                f"each side needs at least {k} rows; use more rows, a larger test fraction "
                "or fewer classes")
    return text


def _every_class_on_both_sides(first: np.ndarray, second: np.ndarray, labels: np.ndarray,
                               seed) -> tuple[np.ndarray, np.ndarray]:
    """Swap rows so that every class of 2 rows or more has a row in both parts.

    scikit-learn's stratified split rounds each class's share, so a class of 2 rows can
    end up wholly on one side (a test set without it: an all-zero row in the confusion
    matrix). For each such class one of its rows is swapped with a row of the class with
    the most rows on the other side (which keeps at least one there); the sizes of the two
    parts do not change. Nothing moves when every class is already on both sides.
    """
    from sklearn.utils import check_random_state

    rng = check_random_state(seed)
    first, second = first.copy(), second.copy()
    classes, counts = np.unique(labels[np.r_[first, second]], return_counts=True)
    for c in classes[counts >= 2]:
        for have, lack in ((first, second), (second, first)):
            if (labels[lack] == c).any():
                continue
            there, many = np.unique(labels[lack], return_counts=True)
            if not many.size or many.max() < 2:  # nothing to give back: refused below
                raise ValueError("number of classes")
            donor = there[np.argmax(many)]
            i = int(rng.choice(np.flatnonzero(labels[have] == c)))
            j = int(rng.choice(np.flatnonzero(labels[lack] == donor)))
            have[i], lack[j] = lack[j], have[i]
    return first, second


def split_indices(n: int, test_size: float = 0.2, val_size: float = 0.0, stratify=None,
                  seed=0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ``range(n)`` into train, validation and test index arrays.

    Parameters
    ----------
    n : int, or a table / array
        Number of rows (a DataFrame, Series or array counts as its number of rows).
    test_size : float
        Fraction of all rows held out for the test set.
    val_size : float
        Fraction of the *remaining* (training) rows held out for validation, as
        Keras' ``validation_split`` does (but drawn at random, not the last rows).
    stratify : array-like of shape (n,), optional
        Class labels: keep class proportions equal in every part, with at least one row
        of every class of 2 rows or more in the training and in the test (and the
        validation) part.
    seed : int, default 0
        ``random_state``; the course uses 125. The same seed gives the same split, as in
        every biochemml function (None draws a new one each call).

    Returns
    -------
    train, val, test : ndarray of int
        Sorted index arrays (``val`` or ``test`` empty when its size is 0). Note the order:
        ``train, _, test = split_indices(n)`` for a split without validation rows (the
        k-fold, group and similarity splits of :mod:`biochemml.evaluation` return
        ``train, test``, first).

    Examples
    --------
    >>> tr, va, te = split_indices(2000, test_size=0.2, val_size=0.1, seed=125)
    >>> len(tr), len(va), len(te)
    (1440, 160, 400)
    """
    from sklearn.model_selection import train_test_split

    n = row_count(n)
    _check_fraction(test_size, "test_size")
    _check_fraction(val_size, "val_size")
    if n < 2:
        raise InputError(f"need at least 2 rows to split, got {n}")
    labels = None if stratify is None else np.asarray(stratify)
    if labels is not None and labels.shape[0] != n:
        raise InputError(f"stratify has {labels.shape[0]} labels for {n} rows")
    idx = np.arange(n)
    empty = np.array([], dtype=int)
    strata = labels  # the labels of the split being drawn, for the error message
    try:
        if test_size > 0:
            train, test = train_test_split(idx, test_size=test_size, random_state=seed,
                                           stratify=labels)
            if labels is not None:
                train, test = _every_class_on_both_sides(train, test, labels, seed)
        else:
            train, test = idx, empty
        if val_size > 0:
            sub = strata = None if labels is None else labels[train]
            # an integer seed gives the second split its own stream; a RandomState
            # object simply moves on
            rs = seed + 1 if isinstance(seed, (int, np.integer)) else seed
            train, val = train_test_split(train, test_size=val_size, random_state=rs,
                                          stratify=sub)
            if sub is not None:
                train, val = _every_class_on_both_sides(train, val, labels, rs)
        else:
            val = empty
    except ValueError as err:  # too few rows or too few members of a class
        raise InputError(f"cannot split {n} rows this way: {_plain_reason(err, strata)}") \
            from None
    return np.sort(train), np.sort(val), np.sort(test)


#: words a split column may hold, read trimmed and in any case
TRAIN_WORDS = ("train", "training")
VALIDATION_WORDS = ("val", "valid", "validation")
TEST_WORDS = ("test", "testing")


def column_split(values):
    """Training and test rows from a table's split column.

    Parameters
    ----------
    values : array-like of shape (N,)
        One word per row: ``train`` / ``training``, ``test`` / ``testing``, or ``val`` /
        ``valid`` / ``validation`` (read as training: the networks hold out their own
        validation rows). Spaces around a word and its case are ignored (``"Test "``).

    Returns
    -------
    train, test : ndarray of int64
        Row positions of each side.
    n_validation : int
        Rows marked as validation (counted in ``train``).

    Raises
    ------
    biochemml.errors.InputError
        A row holds something else (an empty cell, ``"hold-out"``): its 0-based position
        is the error's ``row``. Or one side is empty.

    Examples
    --------
    >>> train, test, n_val = column_split(["train", "Test ", "valid", "TRAIN"])
    >>> train.tolist(), test.tolist(), n_val
    ([0, 2, 3], [1], 1)
    """
    import pandas as pd

    raw = pd.Series(list(values), dtype=object)
    words = raw.map(lambda v: str(v).strip().lower() if isinstance(v, str) else "")
    test = words.isin(TEST_WORDS).to_numpy()
    validation = words.isin(VALIDATION_WORDS).to_numpy()
    train = words.isin(TRAIN_WORDS).to_numpy() | validation
    bad = np.flatnonzero(~(train | test))
    if bad.size:
        value = raw.iloc[bad[0]]
        empty = value is None or (isinstance(value, str) and not value.strip()) or (
            not isinstance(value, str) and pd.isna(value))
        shown = "an empty cell" if empty else repr(value.item() if isinstance(value, np.generic)
                                                    else value)
        raise InputError(
            f"the split column holds {shown} ({bad.size} row{'s' if bad.size > 1 else ''} in "
            f"all); mark every row 'train' or 'test' (also read: {', '.join(TRAIN_WORDS[1:] + VALIDATION_WORDS + TEST_WORDS[1:])}, "
            "in any case)", row=int(bad[0]))
    if not test.any() or not train.any():
        raise InputError("the split column needs rows marked 'train' and rows marked 'test'")
    return (np.flatnonzero(train).astype(np.int64), np.flatnonzero(test).astype(np.int64),
            int(validation.sum()))


#: the other splits, written in :mod:`biochemml.evaluation`, reachable here too: one
#: place to look for every way to split a table
_ELSEWHERE = ("similarity_split", "group_split", "kfold_indices")


def __getattr__(name):
    if name in _ELSEWHERE:  # imported on first use: evaluation imports this module
        from . import evaluation

        return getattr(evaluation, name)
    raise AttributeError(f"module 'biochemml.splits' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_ELSEWHERE))
