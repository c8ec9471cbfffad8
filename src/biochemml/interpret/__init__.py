"""Why a trained sequence model predicts what it does.

- :func:`mutagenesis`: predict every single-letter substitution of a sequence (in-silico
  mutagenesis); the result's ``effects`` ``(N, L, C)`` and ``importance`` ``(N, L)`` show
  which letters the prediction rests on. Works for every biochemml sequence model.
- :func:`filter_motifs`: the motifs the first-layer convolution filters learnt, as
  :class:`biochemml.motifs.PWM` objects (logos, scans, MEME files for Tomtom), and
  :func:`filter_influence`: how much the predictions move when each filter is silenced.

Figures: :func:`biochemml.plot.mutagenesis_map`, :func:`biochemml.plot.sequence_logo`.
:func:`interpret_run` writes all of it for a run folder (``biochemml interpret``).
"""
from .filters import filter_influence, filter_motifs
from .folder import interpret_run
from .mutagenesis import Mutagenesis, mutagenesis

__all__ = ["mutagenesis", "Mutagenesis", "filter_motifs", "filter_influence", "interpret_run"]
