"""The transforms a regression target may take, and their check (one place for the
estimators, the baselines and ``train``)."""
from __future__ import annotations

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
