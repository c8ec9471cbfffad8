"""A compact LegNet: EfficientNetV2-style convolution blocks for MPRA-size data.

Reference: Penzar D, Nogina D, Noskova E, Zinkevich A, Meshcheryakov G, Lando A,
Rafi AM, de Boer C, Kulakovskiy IV. LegNet: a best-in-class deep learning model for
short DNA regulatory regions. *Bioinformatics* 39(8):btad457 (2023).
doi:10.1093/bioinformatics/btad457. Winner of the DREAM 2022 promoter-expression
challenge (Rafi et al. 2024, *Nature Biotechnology*).

Why this model for "a table of 1k-250k sequences of 9-200 nt on a CPU": LegNet reached
the top of a blind challenge on millions of ~100-nt MPRA sequences with a network of
about one million parameters, because each block is cheap (1x1 expansion, grouped
convolution, squeeze-and-excitation, 1x1 projection) yet sees a wide context, and batch
norm with residual connections make it train fast and stably without tuning. The
version here keeps those blocks and shrinks the width (64 channels instead of 256-64) so
an epoch over 250k short sequences takes seconds on a laptop CPU. It differs from the
published model in three documented ways:

- regression head (linear output, mean-squared error) instead of the soft-classification
  over expression bins used in the challenge;
- ``head="flatten"`` (default) keeps the position of each feature, as sequences in an
  MPRA table are aligned (the RBS / 5' UTR next to the start codon, a promoter next to
  the TSS); ``head="global"`` is LegNet's global average pool for unaligned sequences;
- no reverse-complement or singleton-flag input channels (not meaningful for 5' UTRs).
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .registry import register


class SqueezeExcite(nn.Module):
    """Channel re-weighting from the sequence-wide mean (Hu et al. 2018). ``(N, C, L)`` -> same."""

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        inner = max(channels // reduction, 4)
        self.fc = nn.Sequential(nn.Linear(channels, inner), nn.SiLU(), nn.Linear(inner, channels),
                                nn.Sigmoid())

    def forward(self, x):
        return x * self.fc(x.mean(dim=-1)).unsqueeze(-1)


def _local(c_in: int, c_out: int, kernel: int) -> nn.Sequential:
    """Conv -> BatchNorm -> SiLU (LegNet's LocalBlock)."""
    return nn.Sequential(nn.Conv1d(c_in, c_out, kernel, padding="same", bias=False),
                         nn.BatchNorm1d(c_out), nn.SiLU())


class EffBlock(nn.Module):
    """1x1 expand -> grouped conv -> squeeze-excite -> 1x1 project, with a residual add.

    ``(N, C, L)`` -> ``(N, C, L)``.
    """

    def __init__(self, channels: int, kernel: int, expand: int = 4, channels_per_group: int = 16):
        super().__init__()
        inner = channels * expand
        self.body = nn.Sequential(
            nn.Conv1d(channels, inner, 1, bias=False), nn.BatchNorm1d(inner), nn.SiLU(),
            nn.Conv1d(inner, inner, kernel, padding="same", groups=max(inner // channels_per_group, 1),
                      bias=False),
            nn.BatchNorm1d(inner), nn.SiLU(),
            SqueezeExcite(inner),
            nn.Conv1d(inner, channels, 1, bias=False), nn.BatchNorm1d(channels))

    def forward(self, x):
        return torch.nn.functional.silu(x + self.body(x))


class LegNet(nn.Module):
    """Compact LegNet for sequence -> value regression.

    Parameters
    ----------
    input_length : int
        ``L``.
    n_channels : int
        ``C``.
    n_outputs : int
        Targets ``T``.
    channels : sequence of int
        Width of each stage (one EffBlock + one local conv per stage).
    stem_kernel, kernel : int
        Widths of the first convolution and of the block convolutions (LegNet: 7 and 9).
    expand : int
        Expansion factor of the blocks (LegNet: 4).
    head : {"flatten", "global"}
        ``"flatten"``: a 1x1 convolution to ``head_channels`` per position, flattened, then a
        dense layer (position-aware; for aligned sequences). ``"global"``: average over
        positions (LegNet's published head; position-free).
    head_channels, hidden : int
        Size of the head.
    dropout : float
        Dropout in the head.

    Input ``(N, C, L)`` one-hot; output ``(N, n_outputs)``.
    """

    def __init__(self, input_length: int, n_channels: int = 4, n_outputs: int = 1,
                 channels: Sequence[int] = (64, 64, 64), stem_kernel: int = 7, kernel: int = 9,
                 expand: int = 4, head: str = "flatten", head_channels: int = 16,
                 hidden: int = 128, dropout: float = 0.2):
        super().__init__()
        from ..errors import InputError

        if head not in ("flatten", "global"):
            raise InputError(f"head must be 'flatten' or 'global', not '{head}'")
        channels = list(channels)
        stages: list[nn.Module] = [_local(n_channels, channels[0], stem_kernel)]
        c_in = channels[0]
        for c in channels:
            if c != c_in:
                stages.append(_local(c_in, c, 1))
            stages += [EffBlock(c, kernel, expand), _local(c, c, kernel)]
            c_in = c
        self.trunk = nn.Sequential(*stages)
        self.head_kind = head
        if head == "flatten":
            self.head = nn.Sequential(_local(c_in, head_channels, 1), nn.Flatten(),
                                      nn.Dropout(dropout),
                                      nn.Linear(head_channels * input_length, hidden), nn.SiLU(),
                                      nn.Dropout(dropout), nn.Linear(hidden, n_outputs))
        else:
            self.head = nn.Sequential(nn.Linear(c_in, hidden), nn.SiLU(), nn.Dropout(dropout),
                                      nn.Linear(hidden, n_outputs))

    def forward(self, x):
        h = self.trunk(x)
        if self.head_kind == "global":
            h = h.mean(dim=-1)
        return self.head(h)


@register("legnet", "Compact LegNet (Penzar et al. 2023, DREAM 2022 winner): EfficientNet-style "
                    "blocks with squeeze-excite; position-aware head.")
def build_legnet(input_length, n_channels, n_outputs, task, **params):
    return LegNet(input_length, n_channels, n_outputs, **params)
