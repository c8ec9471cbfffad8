"""Sequence models (PyTorch), built by name.

>>> from biochemml.models import build, count_parameters
>>> count_parameters(build("lecture-cnn", input_length=20))
292
"""
from .registry import available, build, register
from .summary import summary


def count_parameters(model) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


__all__ = ["build", "available", "register", "summary", "count_parameters"]
