"""A dilated residual CNN (ByteNet-style) for protein and DNA sequences of any length.

Reference: Yang KK, Fusi N, Lu AX. Convolutions are competitive with transformers for
protein sequence pretraining. *Cell Systems* 15:286-294 (2024), whose CARP models are
stacks of ByteNet blocks (Kalchbrenner et al. 2016, "Neural machine translation in linear
time"): a 1x1 convolution halves the channels, a dilated convolution mixes neighbours at
distance ``dilation``, a 1x1 convolution restores the channels, and the block's input is
added back. Dilations doubling from block to block let a handful of blocks see a whole
protein domain (receptive field ``1 + (k - 1) * sum(dilations)``), at linear cost in the
length, where a transformer is quadratic: the right "small model" for a few thousand
variants on a CPU. Here it is small (64 channels, 5 blocks, ~55k parameters), pools
over real residues only (padding masked), and predicts any number of targets or classes.
"""
from __future__ import annotations

import torch
from torch import nn

from ..errors import InputError
from .cnn import masked_max_mean, real_positions
from .registry import register


class ByteNetBlock(nn.Module):
    """Norm -> ReLU -> 1x1 (C -> C/2) -> norm -> ReLU -> dilated conv -> norm -> ReLU -> 1x1, plus the input.

    ``(N, C, L)`` -> ``(N, C, L)``.
    """

    def __init__(self, channels: int, kernel_size: int, dilation: int, dropout: float):
        super().__init__()
        half = max(channels // 2, 1)
        self.reduce = nn.Sequential(nn.BatchNorm1d(channels), nn.ReLU(),
                                    nn.Conv1d(channels, half, 1), nn.BatchNorm1d(half), nn.ReLU())
        self.mix = nn.Conv1d(half, half, kernel_size, padding="same", dilation=dilation)
        self.expand = nn.Sequential(nn.BatchNorm1d(half), nn.ReLU(), nn.Conv1d(half, channels, 1),
                                    nn.Dropout(dropout))

    def forward(self, x, real):
        """``real`` ``(N, 1, L)``: 1 on residues, 0 on padding, which the dilated
        convolution must see as zeros (as at the chain's ends)."""
        return x + self.expand(self.mix(self.reduce(x) * real))


class DilatedResNet(nn.Module):
    """Embedding convolution, ByteNet blocks with doubling dilation, masked max/mean pooling.

    Parameters
    ----------
    input_length, n_channels, n_outputs : int
        ``L``, ``C`` (20 amino acids, 4 bases) and classes / targets.
    channels : int
        Width of every block.
    n_blocks : int
        Blocks; block ``i`` has dilation ``2 ** (i % 5)`` (1, 2, 4, 8, 16, 1, ...).
    kernel_size : int
    dropout : float

    Input ``(N, C, L)`` one-hot (all-zero columns are padding and are left out of the
    pooling); output ``(N, n_outputs)``.
    """

    def __init__(self, input_length: int, n_channels: int = 20, n_outputs: int = 1,
                 channels: int = 64, n_blocks: int = 5, kernel_size: int = 5,
                 dropout: float = 0.1):
        super().__init__()
        if n_blocks < 1 or channels < 2:
            raise InputError("the dilated CNN needs at least 1 block and 2 channels")
        self.embed = nn.Conv1d(n_channels, channels, kernel_size, padding="same")
        self.blocks = nn.ModuleList(
            ByteNetBlock(channels, kernel_size, 2 ** (i % 5), dropout) for i in range(n_blocks))
        self.head = nn.Sequential(nn.BatchNorm1d(2 * channels), nn.ReLU(), nn.Dropout(dropout),
                                  nn.Linear(2 * channels, n_outputs))

    def forward(self, x):
        real = real_positions(x, getattr(self, "pad_side", None))       # (N, L)
        h = self.embed(x) * real[:, None]
        for block in self.blocks:
            h = block(h, real[:, None]) * real[:, None]
        return self.head(torch.cat(masked_max_mean(h, real), dim=1))


@register("dilated-cnn", "Dilated residual CNN (ByteNet blocks as in CARP, Yang et al. 2024): "
                         "wide context at linear cost; for proteins and long DNA.")
def build_dilated_cnn(input_length, n_channels, n_outputs, task, **params):
    return DilatedResNet(input_length, n_channels, n_outputs, **params)
