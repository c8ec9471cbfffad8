"""Sequence toolkit commands: simulate, encode, motif scan."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import typer

from . import app
from ..io import read_table, sequence_column


@app.command()
def encode(
    data: Path = typer.Option(..., "--data", help="CSV/TSV/Parquet table or FASTA file."),
    out: Path = typer.Option(..., "--out", help="Output .npy (one-hot, N x L x C) or .csv (k-mers)."),
    sequence_column_name: str = typer.Option("sequence", "--sequence-column"),
    alphabet: str = typer.Option("dna", help="dna, rna or protein."),
    kmer: Optional[int] = typer.Option(None, "--kmer", help="Write k-mer counts (k=1..6) instead of one-hot."),
    pad: str = typer.Option("right", help="Pad shorter sequences on the 'left' (5' UTRs) or 'right'."),
    length: Optional[int] = typer.Option(None, help="Output length; longer sequences are an error unless --truncate."),
    truncate: Optional[str] = typer.Option(None, help="Cut long sequences at the 'left' or 'right'."),
):
    """One-hot encode (or count k-mers of) the sequences of a table."""
    from ..encode import kmer_counts, kmer_names, one_hot

    df = read_table(data)
    seqs = sequence_column(df, sequence_column_name, alphabet)
    out.parent.mkdir(parents=True, exist_ok=True)
    if kmer is not None:
        import pandas as pd

        counts = kmer_counts(seqs, k=kmer, alphabet=alphabet)
        pd.DataFrame(counts.astype(np.int64), columns=kmer_names(kmer, alphabet)).to_csv(out, index=False)
        typer.echo(f"Wrote {counts.shape[0]} x {counts.shape[1]} {kmer}-mer counts to {out}")
    else:
        x = one_hot(seqs, alphabet, length=length, pad=pad, truncate=truncate, dtype=np.uint8)
        np.save(out, x)
        typer.echo(f"Wrote one-hot array of shape {x.shape} (N, L, C) to {out}")
