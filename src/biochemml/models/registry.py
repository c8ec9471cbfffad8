"""Name -> model builder registry, and :func:`build`."""
from __future__ import annotations

from typing import Callable

from ..alphabets import get_alphabet
from ..errors import InputError

_BUILDERS: dict[str, Callable] = {}
_DESCRIPTIONS: dict[str, str] = {}
TASKS = ("classification", "regression")


def register(name: str, description: str = ""):
    """Decorator: register a builder ``f(input_length, n_channels, n_outputs, task, **params)``."""
    def wrap(fn):
        _BUILDERS[name] = fn
        _DESCRIPTIONS[name] = description or (fn.__doc__ or "").strip().splitlines()[0]
        return fn
    return wrap


def available() -> dict[str, str]:
    """Registered model names with a one-line description each."""
    _load_builtin()
    return dict(sorted(_DESCRIPTIONS.items()))


def _load_builtin() -> None:
    from . import cnn, dilated, lecture_cnn  # noqa: F401  (registration side effect)
    try:  # models added by later modules register themselves on import
        from . import regression  # noqa: F401
    except ImportError:
        pass


def _baselines_too() -> str:
    """What an unknown regression model's error adds: the names that are not networks."""
    from ..baselines import BASELINES

    return (f"; the scikit-learn baselines {', '.join(BASELINES)} are fitted by "
            "biochemml.baselines.BaselineRegressor (`biochemml train --task regression "
            "--model` takes them too)")


def build(name: str, input_length: int, alphabet="dna", task: str = "classification",
          n_outputs: int = 2, **params):
    """Build a registered sequence model.

    Parameters
    ----------
    name : str
        A name from :func:`available` (``"lecture-cnn"``, ``"cnn"``, ...).
    input_length : int
        Sequence length ``L`` the model will see.
    alphabet : {"dna", "rna", "protein"}
        Sets the number of input channels ``C`` (4 or 20).
    task : {"classification", "regression"}
    n_outputs : int
        Classes (classification: the model returns ``(N, n_outputs)`` logits) or
        targets (regression: ``(N, n_outputs)`` values).
    **params
        Model hyper-parameters (see each model's docstring).

    Returns
    -------
    torch.nn.Module
        Takes one-hot input of shape ``(N, C, L)`` (channels first, as PyTorch's
        Conv1d wants; :func:`biochemml.encode.one_hot` gives ``(N, L, C)``, transpose it).
    """
    _load_builtin()
    if name not in _BUILDERS:
        raise InputError(f"unknown model '{name}': choose one of {', '.join(sorted(_BUILDERS))}"
                         + (_baselines_too() if task == "regression" else ""))
    if task not in TASKS:
        raise InputError(f"task must be one of {', '.join(TASKS)}, not '{task}'")
    if int(input_length) < 1:
        raise InputError(f"input_length must be a positive integer, not {input_length}")
    if int(n_outputs) < 1 or (task == "classification" and n_outputs < 2):
        raise InputError(f"n_outputs must be >= 2 for classification and >= 1 for regression, "
                         f"not {n_outputs}")
    channels = get_alphabet(alphabet).size
    try:
        model = _BUILDERS[name](input_length=int(input_length), n_channels=channels,
                                n_outputs=int(n_outputs), task=task, **params)
    except TypeError as err:
        raise InputError(f"model '{name}' does not take these parameters: {err}") from None
    model.biochemml_spec = dict(name=name, input_length=int(input_length),
                                alphabet=get_alphabet(alphabet).name, task=task,
                                n_outputs=int(n_outputs), params=dict(params))
    return model
