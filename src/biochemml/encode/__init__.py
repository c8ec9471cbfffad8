"""Turn sequences into arrays: one-hot matrices and k-mer counts.

Arrays at the edge of the API are ``(N, L, C)`` (sequences, positions, channels), as
the course writes them; PyTorch models transpose to ``(N, C, L)`` inside.
"""
from .codes import to_codes
from .kmers import kmer_counts, kmer_names
from .onehot import decode, one_hot

__all__ = ["one_hot", "decode", "kmer_counts", "kmer_names", "to_codes"]
