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
