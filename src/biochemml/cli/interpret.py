"""``biochemml interpret`` (why a trained sequence model predicts what it does) and
``biochemml design`` (what it predicts would be better)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import app
from .train import check_run_folder


@app.command()
def interpret(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train` (a sequence run)."),
    data: Path = typer.Option(..., "--data", help="Table or FASTA of the sequences to explain (the training table for filter motifs)."),
    out: Path = typer.Option(..., "--out", help="New folder for mutagenesis.csv, figures, filter motifs and report.html."),
    sequence_column: Optional[str] = typer.Option(None, "--sequence-column", help="Default: the training column name."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="Column naming the sequences in the outputs; default the file row (row2, row3, ...). A repeated name is numbered (random, random_2, ...)."),
    output: Optional[str] = typer.Option(None, "--output", help="Class to explain (default the run's positive class), or target column of a run with several."),
    limit: int = typer.Option(100, "--limit", help="Mutate the first N sequences (each costs 3 predictions per position); filter motifs read all of them (20,000 of a larger table)."),
    plots: int = typer.Option(5, "--plots", help="Draw the mutagenesis map of the first N sequences."),
):
    """Explain a trained model: predict every single-letter change of each sequence
    (in-silico mutagenesis) and read the motifs its first-layer filters learnt."""
    from ..errors import InputError
    from ..interpret.folder import interpret_run

    check_run_folder(model)
    for name, value, least in (("--limit", limit, 1), ("--plots", plots, 0)):
        if value < least:
            raise InputError(f"{name} must be {least} or more, got {value}")
    result = interpret_run(model, data, out, sequence_column_name=sequence_column,
                           id_column=id_column, output=output, limit=limit, plots=plots)
    n = result["sequences"]
    typer.echo(f"Mutated {n} sequence{'' if n == 1 else 's'}; the numbers are the "
               f"{result['output']}.")
    for t in result["top"]:
        where = ", ".join(f"{p}{ch} ({v:+.3g})" for p, ch, v in t["positions"])
        typer.echo(f"  {t['id']}: {t['prediction']:.3g}; most important positions {where}")
    if result["filters"]:
        best = ", ".join(f"{f['filter']} {f['consensus']}" for f in result["filters"][:5])
        typer.echo(f"{len(result['filters'])} filter motifs, most influential first: {best}. "
                   "A first-layer filter is often a piece of a motif, or of several, not the "
                   "motif itself: the mutagenesis maps of the report show what the model reads.")
    else:
        typer.echo(result["no_filters"])
    typer.echo(f"Report: {out / 'report.html'}")


@app.command()
def design(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train` (a sequence run)."),
    data: Path = typer.Option(..., "--data", help="Table or FASTA of the starting sequences (say your best measured ones)."),
    out: Path = typer.Option(..., "--out", help="Output table (.csv, .tsv or .txt, .xlsx or .parquet): the starting rows plus design, mutations and predictions."),
    sequence_column: Optional[str] = typer.Option(None, "--sequence-column", help="Default: the training column name."),
    rounds: int = typer.Option(10, "--rounds", help="Substitutions tried at most per sequence (one per round)."),
    max_mutations: int = typer.Option(3, "--max-mutations", help="Positions a design may differ at from its start (0: no limit). The model is trusted near what it learnt from."),
    minimise: bool = typer.Option(False, "--minimise", "--minimize", help="Lower the prediction instead of raising it."),
    fixed: Optional[str] = typer.Option(None, "--fixed", help="Positions never changed, 1-based from the 5' end (1-3,20) or negative from the 3' end (--fixed=-3,-2,-1: the last three, e.g. next to a start codon)."),
    output: Optional[str] = typer.Option(None, "--output", help="Class to raise (default the run's positive class), or target column of a run with several."),
):
    """Design better sequences: from each starting sequence, make the single substitution the
    model predicts best, round after round (in-silico directed evolution)."""
    from ..design import evolve, parse_positions
    from ..errors import InputError
    from ..interpret.folder import as_written, load_sequence_run, read_sequences
    from ..interpret.mutagenesis import _scorer
    from ..io.outputs import join_outputs
    from ..io.writers import not_an_input, table_suffix, write_table

    check_run_folder(model)
    for name, value, least in (("--rounds", rounds, 1), ("--max-mutations", max_mutations, 0)):
        if value < least:
            raise InputError(f"{name} must be {least} or more" + (" (0: no limit)" if least == 0
                                                                  else "") + f", got {value}")
    table_suffix(out)
    not_an_input(out, "the designs", data=data)
    positions = parse_positions(fixed) if fixed else None
    cfg, est = load_sequence_run(model)
    _scorer(est, output, "design for")  # before the table is read and its notes said
    df, seqs, _ = read_sequences(est, cfg, data, sequence_column)
    replaced = out.exists()
    designs = evolve(est, as_written(df, cfg, seqs, sequence_column), rounds=rounds, max_mutations=max_mutations or None,
                     maximise=not minimise, fixed=positions,
                     output=output, progress=True)
    added = designs.drop(columns=["start"]).set_index(df.index)
    write_table(join_outputs(df, added), out)
    improved = int((designs.n_mutations > 0).sum())
    column = [c for c in designs.columns if c.startswith("start_")][0][len("start_"):]
    typer.echo(f"Designed {len(designs)} sequences ({improved} changed); the numbers are the "
               f"{designs.attrs['output']} (columns start_{column} and {column}). Wrote {out}"
               + (" (it replaced the file of that name)" if replaced else ""))
    everything_fixed = positions is not None and all(
        set(range(1, len(q) + 1)) <= set(positions) for q in seqs)
    for _, row in designs.head(10).iterrows():
        spread = (f" (95 % interval {row.lower_95:.3g} to {row.upper_95:.3g})"
                  if "lower_95" in designs else
                  f" ± {row.prediction_std:.3g}" if "prediction_std" in designs else "")
        typer.echo(f"  {row['start_' + column]:.3g} -> {row[column]:.3g}{spread}  "
                   + (row.mutations or ("every position is --fixed" if everything_fixed
                                        else "no allowed change improves it")))
    typer.echo("These are the model's predictions: measure the designs before you trust them"
               + (", and read a large prediction_std as a design far from what the model "
                  "learnt." if "prediction_std" in designs else "."
                  if column.startswith("log_odds_") else
                  ". One network gives no spread to tell a design far from what it learnt: "
                  "train with --ensemble 5 for intervals on the designs."))
    from ..runs import run_test_scores

    own, warning = run_test_scores(model)  # a weak model's designs are its guesses
    if warning:
        typer.secho(warning + " Its designs are no better than its predictions.",
                    fg=typer.colors.YELLOW)
