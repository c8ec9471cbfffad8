"""Sequence toolkit commands: simulate, encode, motif scan."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import typer

from . import app
from ..errors import InputError
from ..io import read_table, sequence_column
from ..io.writers import atomic_write, not_an_input, table_suffix, write_table


@app.command()
def encode(
    data: Path = typer.Option(..., "--data", help="Table (CSV/TSV/Parquet/Excel) or FASTA file."),
    out: Path = typer.Option(..., "--out", help="Output .npy (one-hot, N x L x C), or with --kmer a table (.csv, .tsv or .txt, .xlsx or .parquet: k-mer counts after the id and sequence columns of --data)."),
    sequence_column_name: str = typer.Option("sequence", "--sequence-column"),
    alphabet: str = typer.Option("dna", help="dna, rna, protein or protein-stop (with * as a 21st letter)."),
    kmer: Optional[int] = typer.Option(None, "--kmer", help="Write k-mer counts (k=1..6) instead of one-hot."),
    pad: Optional[str] = typer.Option(None, help="Pad shorter sequences on the 'left' (5' UTRs) or 'right' (the default)."),
    length: Optional[int] = typer.Option(None, help="Output length; longer sequences are an error unless --truncate."),
    truncate: Optional[str] = typer.Option(None, help="Cut long sequences at the 'left' or 'right'."),
):
    """One-hot encode (or count k-mers of) the sequences of a table.

    The k-mer table starts with the input's id column (a FASTA file's record names) when
    it has one and its sequence column, as written there, so it joins back to the input.
    """
    from ..encode import kmer_counts, kmer_names, one_hot

    not_an_input(out, "the encoding", data=data)
    if kmer is None and out.suffix.lower() != ".npy":
        raise InputError("one-hot arrays are written as .npy; use an --out ending in .npy "
                         "(or --kmer K for a .csv/.tsv/.xlsx/.parquet table)", path=out)
    if kmer is not None:
        table_suffix(out)
        ignored = [o for o, v in (("--length", length), ("--truncate", truncate), ("--pad", pad))
                   if v is not None]
        if ignored:
            raise InputError(f"{', '.join(ignored)} shape{'s' if len(ignored) == 1 else ''} "
                             "one-hot arrays, and k-mer counts do not depend on "
                             f"{'it' if len(ignored) == 1 else 'them'}: leave "
                             f"{'it' if len(ignored) == 1 else 'them'} out with --kmer")
    elif length is not None and length < 1:
        raise InputError(f"--length must be at least 1, not {length}")
    elif truncate is not None and truncate not in ("left", "right"):
        raise InputError(f"--truncate must be 'left' (keep the 3' end) or 'right' (keep the 5' "
                         f"end), not '{truncate}'")
    elif truncate is not None and length is None:
        raise InputError("--truncate cuts sequences longer than --length: give --length too "
                         "(without it the longest sequence sets the length and none is cut)")
    df = read_table(data)
    seqs = sequence_column(df, sequence_column_name, alphabet)
    if kmer is not None:
        import pandas as pd

        counts = kmer_counts(seqs, k=kmer, alphabet=alphabet)
        table = pd.DataFrame(counts.astype(np.int64), columns=kmer_names(kmer, alphabet))
        # the input's id (FASTA) and sequence columns first, to join the counts back to it
        keys = [c for c in dict.fromkeys(["id", sequence_column_name]) if c in df.columns]
        for position, column in enumerate(keys):
            table.insert(position, column, df[column].to_numpy(), allow_duplicates=True)
        write_table(table, out)
        typer.echo(f"Wrote {counts.shape[0]} x {counts.shape[1]} {kmer}-mer counts to {out}")
    else:
        if length is not None and truncate is None:  # said with the file's rows and options
            longer = np.flatnonzero(np.array([len(q) for q in seqs]) > length)
            if longer.size:
                from ..io import row_error

                i = int(longer[0])
                raise row_error(f"the sequence is {len(seqs[i])} long, longer than --length "
                                f"{length}" + (f" ({longer.size} sequences in all)"
                                               if longer.size > 1 else "")
                                + ": add --truncate right (keep the start) or --truncate left "
                                "(keep the end), or a larger --length", df, i,
                                sequence_column_name if sequence_column_name in df else None)
        x = one_hot(seqs, alphabet, length=length, pad=pad or "right", truncate=truncate,
                    dtype=np.uint8)
        atomic_write(out, lambda tmp: np.save(tmp, x))
        typer.echo(f"Wrote one-hot array of shape {x.shape} (N, L, C) to {out}")


@app.command()
def simulate(
    out: Path = typer.Option(..., "--out", help="Output table (.csv, .tsv or .txt, .xlsx or .parquet)."),
    motif: str = typer.Option("lecture:CCGGAA", help="Motif(s) to plant: lecture:CCGGAA, jaspar:MA0080, or a motif file."),
    n_positive: int = typer.Option(1000, help="Sequences carrying the motif."),
    n_negative: int = typer.Option(1000, help="Random sequences."),
    length: int = typer.Option(20, help="Sequence length."),
    position: Optional[int] = typer.Option(7, help="0-based start of the motif; -1 for a random place."),
    seed: int = typer.Option(0, help="Random seed."),
):
    """Simulate the course's motif data set: positives carry the motif, negatives are random."""
    from ..motifs import load
    from ..simulate import bayes_optimal_accuracy, motif_dataset

    table_suffix(out)
    pwms = load(motif)
    pos = None if position is not None and position < 0 else position
    df = motif_dataset(pwms, n_positive, n_negative, length, pos, seed=seed)
    write_table(df, out)
    typer.echo(f"Wrote {len(df)} sequences ({n_positive} with the motif, {n_negative} random) to {out}")
    if n_positive and n_negative:  # with one class there is nothing to classify
        share = n_positive / (n_positive + n_negative)
        # the same estimate as demo and README for equal classes
        ceiling = bayes_optimal_accuracy(pwms, length, pos, seed=seed, positive_fraction=share)
        typer.echo(f"Best accuracy any classifier can reach on such data (Bayes-optimal): "
                   f"{ceiling:.3f}")
        if n_positive != n_negative:
            typer.echo(f"Always answering the larger class scores {max(share, 1 - share):.3f}: "
                       "with unequal classes, judge a model by balanced accuracy too.")


motif_app = typer.Typer(help="Motifs: scan sequences for motif hits.",
                        no_args_is_help=True)
app.add_typer(motif_app, name="motif")


def _background_option(text, pwms):
    """The background for ``--background`` (None: each motif's own, else uniform), and a
    note saying which one the scores use when a motif file gave one."""
    from ..motifs.pwm import background_vector
    from ..progress import say

    alphabet = pwms[0].alphabet
    symbols = alphabet.symbols
    if text is None:
        own = [p.background for p in pwms if p.background is not None]
        if own:
            if len({b.tobytes() for b in own}) == 1 and len(own) == len(pwms):
                which = "the background letter frequencies of the motif file (" + ", ".join(
                    f"{s} {b:.3g}" for s, b in zip(symbols, own[0])) + ")"
            else:
                which = "each motif's own background (from its file; uniform when none)"
            say(f"Scoring against {which}; --background uniform (or A=...,C=...) sets another")
        return None
    if text.strip().lower() == "uniform":
        return np.full(len(symbols), 1.0 / len(symbols))
    not_pairs = (f"--background '{text}' is not 'uniform' or letter=frequency pairs such as "
                 f"'A=0.3,C=0.2,G=0.2,T=0.3' (positive numbers for {', '.join(symbols)})")
    freq = {}
    for part in text.split(","):
        letter, sep, value = part.partition("=")
        letter = letter.strip().upper()
        # T and U are one letter: T=0.3 for RNA motifs, U=0.3 for DNA motifs
        letter = {"T": "U", "U": "T"}.get(letter, letter) if letter not in symbols else letter
        if not sep or letter not in symbols:
            raise InputError(not_pairs)
        freq[letter] = value.strip()
    missing = [c for c in symbols if c not in freq]
    if missing:
        raise InputError(f"--background '{text}' gives no frequency for {', '.join(missing)}")
    try:  # numbers, positive and finite
        return background_vector(freq, alphabet)
    except InputError:
        raise InputError(not_pairs) from None


def _note_unreachable(pwms, pvalue: float, background=None, both_strands=False) -> None:
    """Say which motifs cannot have a hit at ``pvalue``: a short motif's best site is not
    that rare (a 6-letter motif's best word has p >= 4^-6 = 2.4e-4). With both strands
    the rarer of the two best sites counts (they differ under an uneven background)."""
    import numpy as np

    from ..motifs import ScoreDistribution
    from ..progress import say

    for pwm in pwms:
        dist = ScoreDistribution(pwm, background)
        dists = [dist, dist.for_minus_strand()] if both_strands and pwm.alphabet.complement \
            else [dist]
        top = int(dist.integer_pssm.max(axis=0).sum())  # the minus strand's best is the same
        best = min(float(d.pvalue_of_grid(top)) for d in dists)
        if best > pvalue:
            name = getattr(pwm, "name", None) or "a motif"
            step = 10.0 ** (np.floor(np.log10(best)) - 1)  # round up to 2 significant digits
            enough = float(np.ceil(best / step) * step)
            say(f"[yellow]{name} cannot have a hit at p <= {pvalue:g}[/yellow]: even its best "
                f"site has p = {best:.3g} ({pwm.width} letters); use --pvalue {enough:.2g} or "
                "higher, or --best for the best window of each sequence")


def _motif_sequences(df, column, pwms) -> list[str]:
    """The sequences of ``df[column]``, checked against the motifs' alphabet: DNA/RNA
    motifs on proteins are an alphabet mismatch naming the file and the row of the first
    protein. (Protein motifs on DNA pass this alphabet check; the scan refuses them, and
    :func:`_scan` names the file.)"""
    from ..io import row_error
    from ..motifs.scan import _alphabet_mismatch

    alphabet = pwms[0].alphabet
    try:
        return sequence_column(df, column, alphabet)
    except InputError:
        if column in df.columns:
            raw = [str(v).strip() for v in df[column].dropna().tolist()]
            mismatch = _alphabet_mismatch(alphabet, raw)
            if mismatch is not None:
                rows = np.flatnonzero(df[column].notna().to_numpy())
                raise row_error(mismatch[0], df, int(rows[mismatch[1]]), column) from None
        raise


def _scan(engine, pwms, sequences, df, column, path, **options):
    """``engine(pwms, sequences, **options)`` (find_hits or best_hits), its alphabet
    mismatch naming the file ``path`` of the sequences (and the row, when one sequence
    is the evidence)."""
    from ..io import row_error
    from ..motifs.scan import AlphabetMismatch

    try:
        return engine(pwms, sequences, **options)
    except AlphabetMismatch as err:
        if err.row is None:
            raise InputError(err.message, path=path) from None
        raise row_error(err.message, df, err.row, column) from None


def _note_short(pwms, sequences, path, best: bool) -> None:
    """Say how many sequences of ``path`` are shorter than a motif: they have no window
    for it, hence no hit (and an empty best window, marked in the column ``note``)."""
    from ..progress import say

    outcome = ("their best-window rows are empty, marked 'shorter than the motif' in the "
               "column note") if best else "they have no window to scan and no hits"

    lengths = np.array([len(q) for q in sequences])
    widths = np.array([p.width for p in pwms])
    if lengths.size == 0 or lengths.min() >= widths.max():
        return
    if len(pwms) == 1:
        what = f"the motif {pwms[0].name} ({widths[0]} letters)"
    elif lengths.max() < widths.min():
        what = f"every motif (the shortest has {widths.min()} letters)"
    else:
        what = f"some of the {len(pwms)} motifs (the longest has {widths.max()} letters)"
    if lengths.max() < widths.min():
        say(f"[yellow]Every sequence in {path} is shorter than {what}[/yellow]: {outcome}")
        return
    short = int((lengths < widths.max()).sum())
    say(f"[yellow]{short} of {lengths.size} sequences in {path} are shorter than {what}"
        f"[/yellow]: {'' if len(pwms) == 1 else 'for the motifs longer than them, '}{outcome}")


@motif_app.command("scan")
def motif_scan(
    motifs: str = typer.Option(..., "--motifs", help="jaspar:MA0080, jaspar:name=SPI1, lecture:CCGGAA, or a JASPAR/MEME/TRANSFAC file; comma-separate several."),
    seqs: Path = typer.Option(..., "--seqs", help="FASTA file or table with a sequence column."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write hits to this table (.csv, .tsv or .txt, .xlsx or .parquet)."),
    pvalue: float = typer.Option(1e-4, help="Report windows with a p-value at most this."),
    sequence_column_name: str = typer.Option("sequence", "--sequence-column"),
    single_strand: Optional[bool] = typer.Option(None, "--single-strand/--both-strands", help="Scan the given strand only, or both. Default: both strands of DNA; the given strand only of RNA (an RNA motif, or sequences with U), as an mRNA is one strand."),
    best: bool = typer.Option(False, "--best", help="Report the best window per sequence and motif instead."),
    background: Optional[str] = typer.Option(None, "--background", help="Letter frequencies to score against: 'uniform', or 'A=0.3,C=0.2,G=0.2,T=0.3'. Default: the background a MEME motif file gives, else uniform."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="Column of --seqs that names each sequence (default: 'id', a FASTA file's record names). A table with neither names its sequences by file row (column sequence_row)."),
):
    """Scan sequences for motif hits (log-odds scores, exact p-values; both strands of DNA, the given strand of RNA).

    Output columns: sequence_index (0-based position in the file), sequence_id (or sequence_row), motif, motif_index, start, end, strand, score (bits), pvalue; with --best also sequence_pvalue (the chance that a random sequence of that length holds a window as good: read it, not pvalue, to ask whether a sequence holds a site) and note.

    start is 0-based and end exclusive, as in Python and BED files: a site with start 2 and end 8 covers the 3rd to the 8th letter (FIMO and genome browsers count from 1 and would print start 3). A window holding an N is never a hit.
    """
    from ..motifs import best_hits, find_hits, load
    from ..motifs.scan import _auto_strands
    from ..progress import say

    if out is not None:
        table_suffix(out)
        not_an_input(out, "the hits", seqs=seqs, motifs=motifs if Path(motifs).exists() else None)
    pwms = load(motifs)
    df = read_table(seqs)
    sequences = _motif_sequences(df, sequence_column_name, pwms)
    names_column, names, names_note = _sequence_names(df, id_column, sequence_column_name)
    bg = _background_option(background, pwms)
    _note_short(pwms, sequences, seqs, best)
    both_strands = None if single_strand is None else not single_strand
    if both_strands is None:
        both_strands, why = _auto_strands(pwms[0].alphabet, sequences)
        if not both_strands and pwms[0].alphabet.complement is not None:
            say(f"Scanning the given strand only: {why}, and an RNA is one strand "
                "(add --both-strands to scan the reverse complement too)")
        elif why:  # a few RNA rows among DNA ones
            say(f"[yellow]Notice[/yellow]: {why} (0-based, as sequence_index)")
    if best and pvalue != 1e-4:  # --best reports every sequence's best window, hit or not
        say(f"[yellow]Notice[/yellow]: --pvalue {pvalue:g} is not used with --best, which "
            "reports each sequence's best window and its p-value whatever they are")
    if best:
        hits = _scan(best_hits, pwms, sequences, df, sequence_column_name, seqs,
                     both_strands=both_strands, background=bg)
    else:
        _note_unreachable(pwms, pvalue, bg, both_strands)
        hits = _scan(find_hits, pwms, sequences, df, sequence_column_name, seqs,
                     pvalue=pvalue, both_strands=both_strands, background=bg)
    hits.insert(1, names_column, names[hits["sequence_index"].to_numpy()])
    if names_note:
        say(names_note)
    what = (f"best windows ({len(pwms)} motif(s) x {len(sequences)} sequences)" if best else
            f"hits of {len(pwms)} motif(s) in {len(sequences)} sequences (p <= {pvalue:g})")
    if out is not None:
        write_table(hits, out)
        typer.echo(f"Wrote {len(hits)} {what} to {out}")
    else:
        if len(hits):
            typer.echo(hits.to_string(index=False, max_rows=50))
        typer.echo(f"{len(hits)} {what}")
    if len(hits) and hits["start"].notna().any():
        say("start is 0-based and end exclusive: start 2, end 8 is the 3rd to the 8th "
            "letter (FIMO counts from 1 and prints start + 1)")


def _sequence_names(df, id_column, sequence_column_name):
    """The column the hit table names its sequences by, one name per row of ``df``, and
    a note to print (or None).

    ``--id-column`` when given, else the table's ``id`` column (a FASTA file's record
    names), else the file row of each sequence (as biochemml's error messages number
    rows: the header of a CSV file is row 1), with a note saying so.
    """
    from ..io import require_columns

    if id_column is not None:
        require_columns(df, [id_column], hint=". Name the column of sequence names with "
                        "--id-column")
        if id_column == sequence_column_name:
            raise InputError(f"--id-column '{id_column}' is the sequence column; name the "
                             "column that holds each sequence's name", path=df.attrs.get("path"))
        return "sequence_id", df[id_column].to_numpy(), None
    if "id" in df.columns:
        return "sequence_id", df["id"].to_numpy(), None
    rows = np.arange(len(df)) + int(df.attrs.get("first_row", 1))
    return "sequence_row", rows, (
        f"The table has no 'id' column: hits name their sequence by its row in "
        f"{df.attrs.get('path', 'the file')} (column sequence_row); name a column with "
        "--id-column")
