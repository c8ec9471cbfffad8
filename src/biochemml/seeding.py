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
