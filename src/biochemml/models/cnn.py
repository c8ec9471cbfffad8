"""A configurable convolutional network for sequence classification and regression."""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from ..errors import InputError
from .registry import register


def real_positions(x: torch.Tensor, pad: str | None = None) -> torch.Tensor:
    """``(N, L)`` float mask: 1 on the sequence, 0 on the padding of the one-hot ``(N, C, L)``.

    An N (an all-zero column under the default ``unknown="zeros"``) is a base of unknown
    identity, not padding: counting it as padding would drop a base and put every base
    before it in another reading frame. With ``pad="left"`` (sequences end at the last
    column) the sequence runs from its first symbol to the end; with ``"right"`` from the
    first column to its last symbol; with ``"none"`` it fills every column. Without
    ``pad`` it runs from the first to the last symbol, so there an N at either end still
    counts as padding.
    """
    if pad == "none":
        return torch.ones(x.shape[0], x.shape[2], dtype=x.dtype, device=x.device)
    has = x.sum(dim=1) > 0
    after_first = has.cumsum(dim=-1) > 0
    before_last = has.flip(-1).cumsum(dim=-1).flip(-1) > 0
    if pad == "left":
        before_last = torch.ones_like(has)
    elif pad == "right":
        after_first = torch.ones_like(has)
    return (after_first & before_last).float()


def masked_max_mean(h: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Max and mean of ``(N, C, L)`` features over the positions where ``mask`` ``(N, L)`` is 1.

    Returns two ``(N, C)`` tensors; a row with no such position gets zeros.
    """
    m = mask[:, None]
    mean = (h * m).sum(dim=-1) / m.sum(dim=-1).clamp(min=1)
    top = h.masked_fill(m == 0, float("-inf")).amax(dim=-1)
    return torch.where(torch.isfinite(top), top, torch.zeros_like(top)), mean


#: The position gate's logits are multiplied by this, so that they move this many times
#: faster than the other weights at one learning rate: at 1 the gates of a few thousand
#: training rows hardly left 0.5 in 30 epochs (a simulated promoter MPRA of 1,600 training
#: rows: test R² 0.43 at 1, 0.52 at 10, 0.44 without the gate; RESULTS.md, "The gate's
#: speed").
END_GATE_SCALE = 10.0


class ConvBlock(nn.Module):
    """Conv1d -> BatchNorm -> ReLU -> Dropout -> MaxPool (pool 1 = no pooling).

    Input ``(N, C_in, L)``, output ``(N, C_out, L // pool)`` ('same' padding).
    """

    def __init__(self, c_in: int, c_out: int, kernel_size: int, pool: int = 1,
                 dropout: float = 0.0, dilation: int = 1):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, kernel_size, padding="same", dilation=dilation)
        self.norm = nn.BatchNorm1d(c_out)
        self.drop = nn.Dropout(dropout)
        self.pool = nn.MaxPool1d(pool) if pool > 1 else nn.Identity()

    def forward(self, x):
        return self.pool(self.drop(torch.relu(self.norm(self.conv(x)))))


class SequenceCNN(nn.Module):
    """Stacked convolution blocks and a dense head.

    Parameters
    ----------
    input_length : int
        ``L``.
    n_channels : int
        ``C`` (4 nucleotides, 20 amino acids).
    n_outputs : int
        Classes (logits) or regression targets.
    filters : sequence of int
        Filters of each conv block (its length sets the depth).
    kernel_sizes : int or sequence of int
        Kernel of each block; the first should cover a motif (7-12 for DNA).
    pools : int or sequence of int
        Max-pooling after each block (1 = none).
    dilations : int or sequence of int
    dropout : float
        Dropout after each block and in the head.
    head : {"gated", "flatten", "global", "frame"}
        How the per-position features become one vector. ``"global"`` takes the max
        and mean over positions (position-free: a motif anywhere counts the same).
        ``"flatten"`` keeps every position's features (one weight per position and
        filter: right for short aligned libraries, but it over-fits long sequences
        with motifs anywhere). ``"gated"`` (default) is global max/mean pooling after
        a learned per-position, per-filter gate in (0, 1) that starts open
        everywhere: it behaves like ``"global"`` until the data show that position
        matters (a motif at a fixed place, a uAUG near the cap), and costs only
        ``filters x length`` parameters. ``"frame"`` is FramePool (Karollus, Avsec and
        Gagneur 2021, *BMC Bioinformatics* 22:133): max and mean over the positions of
        each of the three reading frames counted from each sequence's own 3' end (for
        a 5' UTR, the start codon), over real bases only, plus the length: a uAUG in
        frame with the CDS reads differently from one out of frame, at any UTR length
        and with either padding side. Padding is recognised as all-zero columns, so
        encode N as ``unknown="uniform"`` for it to count as a base. Needs ``pools=1``.
    hidden : int
        Units of the dense layer before the output (0 = none).
    position_gate : bool
        With ``head="frame"`` only: a learned gate in (0, 1) per filter and distance from
        the sequence's 3' end, applied before the frame pooling (as ``"gated"`` does per
        column). It starts at 0.5 everywhere, so the network begins as plain FramePool,
        and lets a filter count only at some distances from the 3' end: a promoter's -10
        box next to the transcription start, a -35 box 17 bases upstream of it. Costs
        ``filters x length`` parameters.

    Input ``(N, C, L)``; output ``(N, n_outputs)``.
    """

    def __init__(self, input_length: int, n_channels: int = 4, n_outputs: int = 2,
                 filters: Sequence[int] = (64, 64), kernel_sizes=(9, 5), pools=(2, 2),
                 dilations=1, dropout: float = 0.2, head: str = "gated", hidden: int = 64,
                 position_gate: bool = False):
        super().__init__()
        filters = list(filters)
        depth = len(filters)

        def per_block(v, what):
            vals = [v] * depth if isinstance(v, int) else list(v)
            if len(vals) != depth:
                raise InputError(f"{what} needs one value per block ({depth}), got {vals}")
            return vals

        kernels, pools_, dils = (per_block(kernel_sizes, "kernel_sizes"),
                                 per_block(pools, "pools"), per_block(dilations, "dilations"))
        if head not in ("gated", "flatten", "global", "frame"):
            raise InputError(f"head must be 'gated', 'flatten', 'global' or 'frame', not '{head}'")
        if head == "frame" and any(p > 1 for p in pools_):
            raise InputError("head 'frame' needs pools=1: pooling mixes the reading frames")
        if position_gate and head != "frame":
            raise InputError("position_gate works with head 'frame' only (head 'gated' gates "
                             "every column already)")
        blocks, c_in, length = [], n_channels, input_length
        shortest = math.prod(pools_)  # each block keeps length // pool ('same' convolutions)
        if input_length < shortest:
            raise InputError(f"sequences of length {input_length} are too short for pooling "
                             f"{pools_}, which needs at least {shortest} positions; use smaller "
                             "pools or, for short sequences, a model without pooling such as "
                             "mlp (--model mlp)")
        for f, k, p, d in zip(filters, kernels, pools_, dils):
            blocks.append(ConvBlock(c_in, f, k, p, dropout, d))
            c_in, length = f, length // p
        self.blocks = nn.Sequential(*blocks)
        self.head_kind = head
        if head == "gated":
            # logit 0 -> gate 0.5 everywhere: uniform at the start, where the sigmoid
            # is steepest so that position-specific gates are learned quickly
            self.gate_logits = nn.Parameter(torch.zeros(c_in, length))
        # per filter and distance from the 3' end (index 0 = the last base); see position_gate
        self.end_gate_logits = nn.Parameter(torch.zeros(c_in, length)) if position_gate else None
        features = {"flatten": c_in * length, "frame": 6 * c_in + 1}.get(head, 2 * c_in)
        layers: list[nn.Module] = [nn.Flatten()] if head == "flatten" else []
        if hidden:
            layers += [nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(dropout)]
            features = hidden
        layers.append(nn.Linear(features, n_outputs))
        self.head = nn.Sequential(*layers)

    def _frame_pool(self, real, h):
        """``(N, 6 C + 1)``: per-frame masked max and mean, and the length (in 100 nt)."""
        # distance of each real base to the sequence's last real base, in bases
        to_end = real.flip(-1).cumsum(-1).flip(-1) - real               # (N, L)
        if self.end_gate_logits is not None:
            index = to_end.long().clamp(0, self.end_gate_logits.shape[1] - 1)
            gate = torch.sigmoid(END_GATE_SCALE * self.end_gate_logits[:, index])  # (F, N, L)
            h = h * gate.permute(1, 0, 2)
        feats = []
        for f in range(3):
            top, mean = masked_max_mean(h, real * (to_end % 3 == f))
            feats += [mean, top]
        feats.append(real.sum(dim=1, keepdim=True) / 100.0)  # length in 100s of bases
        return torch.cat(feats, dim=1)

    def forward(self, x):
        if self.head_kind == "frame":
            # padding (all-zero columns) is zeroed after every block, so it acts like the
            # end of the sequence and the output does not depend on how much there is
            real = real_positions(x, getattr(self, "pad_side", None))   # (N, L)
            h = x
            for block in self.blocks:
                h = block(h) * real[:, None]
            return self.head(self._frame_pool(real, h))
        h = self.blocks(x)
        if self.head_kind == "gated":
            h = h * torch.sigmoid(self.gate_logits)
        if self.head_kind != "flatten":
            h = torch.cat([h.amax(dim=-1), h.mean(dim=-1)], dim=1)
        return self.head(h)


@register("cnn", "Configurable CNN: conv blocks (batch norm, dropout, pooling) and a dense head.")
def build_cnn(input_length, n_channels, n_outputs, task, **params):
    return SequenceCNN(input_length, n_channels, n_outputs, **params)


@register("framepool", "FramePool CNN (Karollus et al. 2021): 3 conv (kernel 7; 64 filters as "
          "trained by default, 128 published) and per-reading-frame masked pooling: "
          "length-agnostic, for 5' UTRs of any length; as trained by default, with a gate "
          "per distance from the 3' end (promoter boxes count where they sit).")
def build_framepool(input_length, n_channels, n_outputs, task, **params):
    """FramePool as published (128 filters, no position gate) unless ``params`` say
    otherwise; :class:`~biochemml.SequenceRegressor` passes its measured preset (64
    filters and ``position_gate=True``, presets.py)."""
    settings = dict(filters=(128, 128, 128), kernel_sizes=7, pools=1, dropout=0.2, head="frame",
                    hidden=64)
    settings.update(params)
    return SequenceCNN(input_length, n_channels, n_outputs, **settings)
