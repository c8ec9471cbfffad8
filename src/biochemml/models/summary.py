"""A Keras-like text summary of a model: layers, output shapes, parameter counts."""
from __future__ import annotations

import torch
from torch import nn


def summary(model: nn.Module, input_length: int | None = None, n_channels: int | None = None) -> str:
    """Return a table of the model's layers, their output shapes and parameters.

    Shapes are shown Keras-style as ``(None, length, channels)`` for sequence layers
    and ``(None, units)`` for dense layers, so the course's printout can be compared
    line by line. The input size comes from the model's build spec when omitted.

    Parameters
    ----------
    model : torch.nn.Module
        A model from :func:`biochemml.models.build` (or any module taking ``(N, C, L)``).
    input_length, n_channels : int, optional

    Returns
    -------
    str
    """
    spec = getattr(model, "biochemml_spec", {})
    if input_length is None:
        input_length = spec.get("input_length")
    if n_channels is None:
        from ..alphabets import get_alphabet

        n_channels = get_alphabet(spec.get("alphabet", "dna")).size
    rows = []
    hooks = []

    def hook(mod, _inp, out):
        if isinstance(out, torch.Tensor):
            shape = tuple(out.shape[1:])
            if len(shape) == 2:  # (C, L) -> Keras order (L, C)
                shape = (shape[1], shape[0])
            own = sum(p.numel() for p in mod.parameters(recurse=False))
            rows.append((f"{mod._biochemml_name} ({type(mod).__name__})", "(None, " +
                         ", ".join(map(str, shape)) + ")", own))

    for name, mod in model.named_modules():
        if mod is model or isinstance(mod, (nn.Sequential, nn.ModuleList)):
            continue
        if any(True for _ in mod.children()) and not any(
                p for p in mod.parameters(recurse=False)):
            continue  # containers: their leaves are listed
        mod._biochemml_name = name
        hooks.append(mod.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, n_channels, input_length))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    width = max([34] + [len(r[0]) + 2 for r in rows])
    line = "=" * (width + 36)
    out = [f"Model: {spec.get('name', type(model).__name__)}", line,
           f"{'Layer (type)':<{width}}{'Output Shape':<24}{'Param #':>12}", line]
    out += [f"{n:<{width}}{s:<24}{p:>12,}" for n, s, p in rows]
    out += [line, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
            f"Non-trainable params: {total - trainable:,}", line]
    return "\n".join(out)
