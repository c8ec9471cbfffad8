"""Optimus 5-Prime: the CNN of Sample et al. 2019 for 5' UTR -> mean ribosome load.

Reference: Sample PJ, Wang B, Reid DW, Presnyak V, McFadyen IJ, Morris DR, Seelig G.
Human 5' UTR design and variant effect prediction from a massively parallel translation
assay. *Nature Biotechnology* 37:803-809 (2019). doi:10.1038/s41587-019-0164-5.

The published network: three Conv1D layers of 120 filters of width 8 ('same' padding,
ReLU, no pooling), a flatten, a dense layer of 40 ReLU units, dropout, one linear output.
Flattening keeps *where* each feature occurs, which matters for 5' UTRs aligned at the
start codon (left padding): an upstream AUG in frame with the start codon reads
differently from one out of frame.
"""
from __future__ import annotations

from torch import nn

from .registry import register


class Optimus(nn.Module):
    """Optimus 5-Prime (Sample et al. 2019).

    Parameters
    ----------
    input_length : int
        ``L`` (the published model used 50 or 100 nt, left-padded).
    n_channels : int
        ``C`` (4 for DNA/RNA).
    n_outputs : int
        Regression targets ``T``.
    filters : int
        Filters per convolution (published: 120).
    kernel_size : int
        Convolution width (published: 8).
    n_conv : int
        Convolution layers (published: 3).
    hidden : int
        Dense units (published: 40).
    dropout : float
        Dropout after the first two convolutions and the dense layer (published
        0.0 / 0.0 / 0.2 for the 50-nt model; 0.2 everywhere here trains more stably on
        small tables).

    Input ``(N, C, L)`` one-hot; output ``(N, n_outputs)``.
    """

    def __init__(self, input_length: int, n_channels: int = 4, n_outputs: int = 1,
                 filters: int = 120, kernel_size: int = 8, n_conv: int = 3, hidden: int = 40,
                 dropout: float = 0.2):
        super().__init__()
        layers: list[nn.Module] = []
        c_in = n_channels
        for k in range(n_conv):
            # Keras' 'same' padding for an even width: one more zero on the right
            layers += [nn.ConstantPad1d(((kernel_size - 1) // 2, kernel_size // 2), 0.0),
                       nn.Conv1d(c_in, filters, kernel_size), nn.ReLU()]
            if k < n_conv - 1:
                layers.append(nn.Dropout(dropout))
            c_in = filters
        self.convs = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(filters * input_length, hidden),
                                  nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, n_outputs))

    def forward(self, x):
        return self.head(self.convs(x))


@register("optimus", "Optimus 5-Prime (Sample et al. 2019): 3 conv x 120 filters of width 8, "
                     "dense 40; the published 5' UTR model.")
def build_optimus(input_length, n_channels, n_outputs, task, **params):
    return Optimus(input_length, n_channels, n_outputs, **params)
