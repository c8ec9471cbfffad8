"""Type checks of numeric arguments, shared by the modules that refuse bad ones in words.

Light on purpose (numpy only): the split helpers use them without importing torch.
"""
from __future__ import annotations

import numpy as np


def is_whole(value, least: int | None = None) -> bool:
    """``value`` is an integer (Python or numpy; not a bool, nor a float such as 5.0), and
    at least ``least`` when given.

    Examples
    --------
    >>> is_whole(5), is_whole(np.int64(5), least=6), is_whole(5.0), is_whole(True)
    (True, False, False, False)
    """
    whole = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    return bool(whole and (least is None or value >= least))


def is_number(value) -> bool:
    """``value`` is a real number (int, float or numpy scalar), not a bool.

    Examples
    --------
    >>> is_number(0.5), is_number(np.float32(2)), is_number(True), is_number("1")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def whole_floats_as_int(values) -> np.ndarray:
    """Labels such as ``0.0`` / ``1.0`` (a float column, as pandas reads a column with a
    blank cell) as the integers they are, shape kept; any other array unchanged.

    Examples
    --------
    >>> whole_floats_as_int(np.array([0.0, 1.0])).tolist(), whole_floats_as_int([0.5, 1.0])
    ([0, 1], array([0.5, 1. ]))
    """
    values = np.asarray(values)
    if values.dtype.kind == "f" and np.isfinite(values).all() and \
            (values == np.round(values)).all():
        return values.astype(np.int64)
    return values


def as_number(value, text: bool = True) -> float | None:
    """``value`` as a float when it is a finite number (or, with ``text``, text that reads
    as one: ``" 1.0"``), else ``None``; booleans and NaN are not numbers.

    Examples
    --------
    >>> as_number(1), as_number("1.0"), as_number("1.0", text=False), as_number(True)
    (1.0, 1.0, None, None)
    """
    if isinstance(value, (bool, np.bool_)):
        return None
    if is_number(value):
        number = float(value)
    elif text and isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if np.isfinite(number) else None


def labels_look_like_values(labels) -> bool:
    """Whether class labels are more likely measured values: numbers with decimals, more
    classes of a single row than half the rows, or numbers in more than 10 classes some of
    which have a single row. The estimators refuse them; a run says so in its error."""
    labels = np.asarray(labels)
    if labels.dtype.kind == "f":
        return True
    classes, counts = np.unique(labels, return_counts=True)
    alone = int((counts < 2).sum())
    numbers = labels.dtype.kind in "iu" or all(as_number(c) is not None for c in classes)
    return alone > len(labels) / 2 or bool(numbers and len(classes) > 10 and alone)
