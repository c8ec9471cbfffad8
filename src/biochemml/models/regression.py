"""Sequence -> value models: registers ``mlp`` and ``auto`` (``optimus``, ``legnet`` and
``framepool`` live in their own modules).

The scikit-learn baselines (``ridge``, ``ridge-pairs``, ``gbm-kmer``) live in
:mod:`biochemml.baselines`; every name is listed by ``biochemml models``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import nn

from ..errors import InputError
from . import legnet, optimus  # noqa: F401  (registration side effect)
from .registry import register


class FlatMLP(nn.Module):
    """Multilayer perceptron on the flattened one-hot sequence.

    Every position-symbol pair is an input, so the first layer is a position-specific
    weight matrix and the hidden layers combine positions freely: it learns epistasis
    between any positions of short aligned sequences (RBSs, SD cores, fixed 5' UTRs)
    with little compute. Reference: the "fully connected" baselines of deep mutational
    scanning and MPRA papers, e.g. Gelman S et al., Neural networks to learn
    protein sequence-function relationships from deep mutational scanning data,
    *PNAS* 118:e2104878118 (2021).

    Parameters
    ----------
    input_length, n_channels, n_outputs : int
        ``L``, ``C`` and targets ``T``.
    hidden : sequence of int
        Units of each hidden layer.
    dropout : float
    batch_norm : bool
        Batch normalisation after each hidden layer.
    pairs : bool
        Also feed every pair of positions' joint symbol (the outer product of their
        one-hot columns, ``L (L - 1) / 2 x C^2`` inputs): pairwise epistasis becomes a
        first-layer weight instead of something the hidden layers must compose.
        Sequences up to 30 positions.
    additive : bool
        Add a linear path from the inputs to the outputs ("wide and deep": Cheng H-T et
        al., Wide & deep learning for recommender systems, DLRS 2016): the prediction is
        an additive (ridge-like) model of the positions plus the hidden layers' epistasis.
        On small protein DMS tables the MLP alone falls below ridge regression; with
        this path it stays near or above it (benchmarks/RESULTS.md).
    conv_filters : int
        Also feed local motif features: ``conv_filters`` convolution filters of each
        width in ``conv_widths`` slide along the sequence, and their ReLU outputs at
        every position join the flattened one-hot as inputs of the hidden layers
        (``len(conv_widths) * conv_filters * L`` more inputs; 0: none). A filter is
        shared by all positions, so a pairing stretch learnt at one register is known
        at the others, while the hidden layers keep every position's own weights. On
        the 9-nt SD landscape 64 filters of widths 3, 5 and 7 raised test R² from 0.878
        to 0.885 (two seeds, same training; benchmarks/RESULTS.md).
    conv_widths : sequence of int
        Filter widths of the motif features (odd widths keep them centred).

    Input ``(N, C, L)`` one-hot; output ``(N, n_outputs)``.
    """

    def __init__(self, input_length: int, n_channels: int = 4, n_outputs: int = 1,
                 hidden: Sequence[int] = (512, 256, 128), dropout: float = 0.1,
                 batch_norm: bool = True, pairs: bool = False, additive: bool = False,
                 conv_filters: int = 0, conv_widths: Sequence[int] = (3, 5, 7)):
        super().__init__()
        if pairs and input_length > 30:
            raise InputError(f"pairs=True takes sequences up to 30 positions, not {input_length}")
        if conv_filters < 0 or (conv_filters and (not conv_widths or min(conv_widths) < 1)):
            raise InputError("conv_filters must be 0 (no motif features) or a positive number, "
                             f"with positive conv_widths; got {conv_filters} and {conv_widths}")
        self.pairs = pairs
        if pairs:
            i, j = torch.triu_indices(input_length, input_length, offset=1)
            self.register_buffer("pair_i", i, persistent=False)
            self.register_buffer("pair_j", j, persistent=False)
        self.convs = nn.ModuleList(
            nn.Conv1d(n_channels, conv_filters, int(k), padding="same") for k in conv_widths
        ) if conv_filters else None
        c_in = n_channels * input_length + (
            len(self.pair_i) * n_channels ** 2 if pairs else 0)
        layers_in = c_in
        if conv_filters:
            c_in += len(conv_widths) * conv_filters * input_length
        layers: list[nn.Module] = [nn.Flatten()]  # a no-op on flat input; keeps saved runs' keys
        for h in hidden:
            layers.append(nn.Linear(c_in, h))
            if batch_norm:
                layers.append(nn.BatchNorm1d(h))
            layers += [nn.ReLU(), nn.Dropout(dropout)]
            c_in = h
        layers.append(nn.Linear(c_in, n_outputs))
        self.net = nn.Sequential(*layers)
        self.linear = nn.Linear(layers_in, n_outputs) if additive else None

    def forward(self, x):
        flat = x.flatten(1)                                           # (N, C * L)
        if self.pairs:
            xt = x.transpose(1, 2)                                   # (N, L, C)
            joint = xt[:, self.pair_i, :, None] * xt[:, self.pair_j, None, :]  # (N, P, C, C)
            flat = torch.cat([flat, joint.flatten(1)], dim=1)
        hidden_in = flat
        if self.convs is not None:                                   # (N, F, L) each
            hidden_in = torch.cat([flat] + [torch.relu(conv(x)).flatten(1) for conv in self.convs],
                                  dim=1)
        out = self.net(hidden_in)
        return out if self.linear is None else out + self.linear(flat)


@register("mlp", "Multilayer perceptron on the flattened one-hot (position-specific, "
                 "learns epistasis; fast on short aligned sequences).")
def build_mlp(input_length, n_channels, n_outputs, task, **params):
    return FlatMLP(input_length, n_channels, n_outputs, **params)


#: Sequences up to this length go to the MLP in ``auto``; longer ones to FramePool, unless
#: they are a variant library (see :func:`is_variant_library`).
AUTO_MLP_MAX_LENGTH = 20
#: A table is a variant library when all its sequences have one length and, on average, at
#: most this fraction of their positions differ from the per-position consensus.
VARIANT_LIBRARY_MAX_DIFFERENCE = 0.1


def is_variant_library(codes: np.ndarray, n_symbols: int) -> bool:
    """Are these the variants of one parent sequence (a mutant or DMS library)?

    Parameters
    ----------
    codes : ndarray of shape (N, L)
        Symbol codes as from :func:`biochemml.encode.codes.to_codes` (``n_symbols + 1``
        marks padding).
    n_symbols : int
        Letters of the alphabet (padding code = ``n_symbols + 1``).

    Returns
    -------
    bool
        True when no sequence is padded (all have length ``L``) and the mean fraction of
        positions that differ from the column-wise most common letter is at most
        ``VARIANT_LIBRARY_MAX_DIFFERENCE``.
    """
    codes = np.asarray(codes)
    if codes.ndim != 2 or len(codes) < 2 or (codes == n_symbols + 1).any():
        return False
    consensus = np.array([np.bincount(col).argmax() for col in codes.T])
    return float((codes != consensus).mean()) <= VARIANT_LIBRARY_MAX_DIFFERENCE


#: The networks ``auto`` chooses between (:func:`auto_model_name`).
AUTO_MODEL_NAMES = ("mlp", "framepool", "dilated-cnn")


def auto_model_name(input_length: int, variant_library: bool = False,
                    protein: bool = False) -> str:
    """The registered model ``auto`` stands for.

    The MLP for sequences up to ``AUTO_MLP_MAX_LENGTH`` and for variant libraries of any
    length (each position keeps its own weights, which is what a mutation's effect needs:
    on TEM-1 single mutants, 286 aa, test Spearman 0.75 against 0.19 for FramePool; on
    avGFP 0.67 against 0.63, 20 times faster; RESULTS.md). Otherwise FramePool for
    nucleotides and the dilated residual CNN for proteins (``protein``): FramePool pools
    per reading frame counted from a UTR's 3' end, which means nothing for amino acids (on
    1,000 eSOL proteins, 8 epochs, test R² 0.014 against 0.103; a review's measurement, one
    split). On whole proteins a gradient boosting on k-mer counts did better still there
    (0.389): compare with the baselines, as ``biochemml train`` does.
    """
    if input_length <= AUTO_MLP_MAX_LENGTH or variant_library:
        return "mlp"
    return "dilated-cnn" if protein else "framepool"


@register("auto", "Regression default; for classification too when named (there the default "
                  "is cnn): mlp for sequences up to 20 nt (complete short libraries, RBS/SD "
                  "cores) and for variant libraries of one parent sequence (mutant/DMS "
                  "tables), framepool CNN otherwise (5' UTRs, promoters), dilated-cnn for "
                  "other protein sequences.")
def build_auto(input_length, n_channels, n_outputs, task, **params):
    """Pick the model measured best for the sequence length (benchmarks/RESULTS.md).

    The regression default; ``--task classification --model auto`` (or
    ``SequenceClassifier(model="auto")``) makes the same choice, while the classification
    default is ``cnn`` (:data:`biochemml.presets.DEFAULT_MODEL`).

    On the 9-nt SD landscape the flattened-one-hot MLP is fast and learns the
    epistasis between any two positions; on 25-100 nt 5' UTRs it fails (R² ~0.1),
    because it must learn a motif (an upstream AUG) separately at every position.
    There a convolutional network that pools its features over positions wins: on
    utr_sample2019 (first CV fold) FramePool reached R² 0.737 / 0.730 (random /
    human set) against 0.688 / 0.681 for the compact LegNet and 0.701 / 0.667 for
    Optimus 5-Prime, whose flatten heads need a weight per position and over-fit
    7,600 variable-length UTRs. FramePool's pooling is per reading frame from the 3'
    end; the preset adds a learned gate per filter and distance from that end
    (``position_gate``), so a promoter's -10 and -35 boxes count where they sit and not
    elsewhere: on a simulated promoter MPRA (benchmarks/promoters.py, 8,000 sequences),
    R² 0.685 against 0.562 without the gate (and 0.688 for LegNet, whose flatten head
    keeps every position), and +0.01 on the 5' UTRs.
    """
    name = auto_model_name(input_length, protein=n_channels >= 20)
    if name == "mlp":
        return FlatMLP(input_length, n_channels, n_outputs, **params.get("mlp", {}))
    if name == "dilated-cnn":
        from .dilated import build_dilated_cnn

        return build_dilated_cnn(input_length, n_channels, n_outputs, task,
                                 **params.get("dilated-cnn", {}))
    from .cnn import build_framepool

    return build_framepool(input_length, n_channels, n_outputs, task,
                           **params.get("framepool", {}))
