"""The course's CNN, exactly: Conv1D(10, 5, ReLU) -> MaxPool(4) -> Flatten -> Dense(2)."""
from __future__ import annotations

import torch
from torch import nn

from ..errors import InputError
from .registry import register


class LectureCNN(nn.Module):
    """The course's small CNN for the CCGGAA motif task.

    Conv1D(``filters`` filters, kernel ``kernel_size``, ReLU) -> MaxPool(``pool_size``)
    -> Flatten -> Dense(``n_outputs``).

    The course's code writes ``padding='same'`` but the summary it prints (conv output
    (16, 10), 210 + 82 = 292 parameters for length 20) is what ``padding='valid'``
    gives, so ``"valid"`` is the default here; ``"same"`` gives 312 parameters. The
    course's output layer is a sigmoid trained with categorical cross-entropy; here the
    output is logits trained with softmax cross-entropy, the pairing that makes the two
    class probabilities sum to one.

    Parameters
    ----------
    input_length : int
        ``L``.
    n_channels : int
        ``C`` (4 for DNA).
    n_outputs : int
        Classes (2 for motif / no motif) or regression targets.
    filters, kernel_size, pool_size : int
    padding : {"valid", "same"}

    Input ``(N, C, L)``; output ``(N, n_outputs)``.
    """

    def __init__(self, input_length: int, n_channels: int = 4, n_outputs: int = 2,
                 filters: int = 10, kernel_size: int = 5, pool_size: int = 4,
                 padding: str = "valid"):
        super().__init__()
        if padding not in ("valid", "same"):
            raise InputError(f"padding must be 'valid' or 'same', not '{padding}'")
        conv_len = input_length if padding == "same" else input_length - kernel_size + 1
        if conv_len < pool_size:
            raise InputError(
                f"sequences of length {input_length} are too short for this CNN: "
                + (f"pooling {pool_size} needs" if padding == "same" else
                   f"kernel {kernel_size} and pooling {pool_size} need")
                + f" at least {self.min_length(kernel_size, pool_size, padding)} "
                "positions; for shorter sequences use a model without that limit, such as "
                "mlp (--model mlp)")
        self.conv = nn.Conv1d(n_channels, filters, kernel_size, padding=padding)
        self.pool = nn.MaxPool1d(pool_size)  # floor, as Keras' 'valid' pooling
        self.dense = nn.Linear(filters * (conv_len // pool_size), n_outputs)

    @staticmethod
    def min_length(kernel_size: int = 5, pool_size: int = 4, padding: str = "valid") -> int:
        """The shortest sequence these layers take.

        Parameters
        ----------
        kernel_size, pool_size : int
        padding : {"valid", "same"}

        Returns
        -------
        int
            ``pool_size`` with ``"same"`` padding; ``kernel_size + pool_size - 1`` with
            ``"valid"`` (the convolution must leave one full pooling window: 8 for the
            course's 5 and 4).
        """
        return pool_size if padding == "same" else kernel_size + pool_size - 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv(x)))
        # Keras flattens (length, filters) row-major; the order only permutes weights.
        return self.dense(x.transpose(1, 2).flatten(1))


@register("lecture-cnn", "The course's CNN: Conv1D(10, 5) -> MaxPool(4) -> Dense (292 parameters at length 20).")
def build_lecture_cnn(input_length, n_channels, n_outputs, task, **params):
    return LectureCNN(input_length, n_channels, n_outputs, **params)
