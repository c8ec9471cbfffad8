"""Seeded blocks that leave the caller's random state as they found it.

Training and Bayesian optimisation seed torch, numpy and Python's ``random`` so that a
result repeats with its ``seed``. Seeding the global generators would also reset the
user's own draws: a notebook that bootstraps with ``np.random.choice`` around ``fit``
would draw the same sample every time. :func:`seeded` seeds them for the block only.
"""
from __future__ import annotations

import contextlib
import random
from typing import Iterator

import numpy as np


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed torch (CPU and any CUDA device), numpy and ``random`` with ``seed`` for the
    block, then restore the states they had before it.

    Examples
    --------
    >>> np.random.seed(1); before = np.random.rand()
    >>> np.random.seed(1)
    >>> with seeded(7):
    ...     inside = np.random.rand()
    >>> np.random.rand() == before
    True
    """
    import torch

    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    numpy_state, python_state = np.random.get_state(), random.getstate()
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        np.random.seed(seed % (2 ** 32))
        random.seed(seed)
        try:
            yield
        finally:
            np.random.set_state(numpy_state)
            random.setstate(python_state)


def keeps_random_state(method):
    """Decorate ``method`` to restore numpy's and Python's global random states after it,
    whatever it did to them: a library imported inside may draw from them (scikit-learn's
    first import of rich takes bits from ``random``), and a fit must leave a notebook's
    own draws as they were."""
    import functools

    @functools.wraps(method)
    def kept(*args, **kwargs):
        numpy_state, python_state = np.random.get_state(), random.getstate()
        try:
            return method(*args, **kwargs)
        finally:
            np.random.set_state(numpy_state)
            random.setstate(python_state)
    return kept
