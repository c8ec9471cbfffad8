"""biochemml: machine learning for biochemical lab measurements.

Sequences -> expression, protein structures -> activity, bioreactor conditions ->
production; from a table of measurements to a model you can trust and the next
experiment to run.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import BiochemmlError, DataError, InputError, ModelError  # noqa: E402

_LAZY = {
    "SequenceClassifier": ("biochemml.estimators", "SequenceClassifier"),
    "SequenceRegressor": ("biochemml.estimators", "SequenceRegressor"),
}


#: subpackages reachable as ``biochemml.<name>`` after a plain ``import biochemml``
SUBMODULES = ("alphabets", "baselines", "bioprocess", "datasets", "design", "encode",
              "evaluation", "interpret", "metrics", "models", "motifs", "plot", "protein",
              "simulate", "splits", "structure", "train")


def __getattr__(name):
    # torch is heavy: import the estimators and subpackages only when they are asked for.
    import importlib

    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    if name in SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'biochemml' has no attribute '{name}'")


__all__ = ["BiochemmlError", "InputError", "DataError", "ModelError", "__version__",
           "SequenceClassifier", "SequenceRegressor"]


def __dir__():
    # tab completion offers what __getattr__ reaches, not only what is imported so far
    return sorted(set(globals()) | set(__all__) | set(SUBMODULES))
