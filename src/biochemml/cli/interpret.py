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
    id_column: Optional[str] = typer.Option(None, "--id-column", help="Column naming the sequences in the outputs; default the file row (row2, row3, ...)."),
    output: Optional[str] = typer.Option(None, "--output", help="Class to explain (default the run's positive class), or target column of a run with several."),
    limit: int = typer.Option(100, "--limit", help="Mutate the first N sequences (each costs 3 predictions per position); filter motifs read all of them (20,000 of a larger table)."),
    plots: int = typer.Option(5, "--plots", help="Draw the mutagenesis map of the first N sequences."),
):
    """Explain a trained model: predict every single-letter change of each sequence
    (in-silico mutagenesis) and read the motifs its first-layer filters learnt."""
    from ..interpret.folder import interpret_run

    check_run_folder(model)
    result = interpret_run(model, data, out, sequence_column_name=sequence_column,
                           id_column=id_column, output=output, limit=limit, plots=plots)
    typer.echo(f"Mutated {result['sequences']} sequences; the numbers are the {result['output']}.")
    for t in result["top"]:
        where = ", ".join(f"{p}{ch} ({v:+.3g})" for p, ch, v in t["positions"])
        typer.echo(f"  {t['id']}: {t['prediction']:.3g}; most important positions {where}")
    if result["filters"]:
        best = ", ".join(f"{f['filter']} {f['consensus']}" for f in result["filters"][:5])
        typer.echo(f"{len(result['filters'])} filter motifs, most influential first: {best}")
    else:
        typer.echo("The model has no convolution on the sequence: no filter motifs.")
    typer.echo(f"Report: {out / 'report.html'}")


@app.command()
def design(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train` (a sequence run)."),
    data: Path = typer.Option(..., "--data", help="Table or FASTA of the starting sequences (say your best measured ones)."),
    out: Path = typer.Option(..., "--out", help="Output table (CSV/TSV/Parquet): the starting rows plus design, mutations and predictions."),
    sequence_column: Optional[str] = typer.Option(None, "--sequence-column", help="Default: the training column name."),
    rounds: int = typer.Option(10, "--rounds", help="Substitutions tried at most per sequence (one per round)."),
    max_mutations: int = typer.Option(3, "--max-mutations", help="Positions a design may differ at from its start (0: no limit). The model is trusted near what it learnt from."),
    minimise: bool = typer.Option(False, "--minimise", help="Lower the prediction instead of raising it."),
    fixed: Optional[str] = typer.Option(None, "--fixed", help="1-based positions never changed, e.g. 1-3,20 (a start codon, a cloning site)."),
    output: Optional[str] = typer.Option(None, "--output", help="Class to raise (default the run's positive class), or target column of a run with several."),
):
    """Design better sequences: from each starting sequence, make the single substitution the
    model predicts best, round after round (in-silico directed evolution)."""
    from ..design import evolve, parse_positions
    check_run_folder(model)
    from ..errors import InputError
    from ..interpret.folder import _output_choice
    from ..io import read_table, sequence_column as read_sequences
    from ..io.outputs import join_outputs
    from ..io.tables import require_columns
    from ..io.writers import table_suffix, write_table
    from ..runs import _run_config, _trained_sequence_column, load_run_model

    if (model / "model.pkl").exists():
        raise InputError(f"{model} is a protein-variant run: design works on sequence runs")
    table_suffix(out)
    if out.resolve() == data.resolve():
        raise InputError("is also the --data table: name a new file for the designs", path=out)
    cfg = _run_config(model)
    est = load_run_model(model)
    df = read_table(data)
    column = sequence_column or _trained_sequence_column(df, cfg)
    require_columns(df, [column], path=data, hint=". Name the column of sequences with --sequence-column")
    seqs = read_sequences(df, column, est.alphabet)
    designs = evolve(est, seqs, rounds=rounds, max_mutations=max_mutations or None,
                     maximise=not minimise, fixed=parse_positions(fixed) if fixed else None,
                     output=_output_choice(est, cfg, output), progress=True)
    added = designs.drop(columns=["start"]).set_index(df.index)
    write_table(join_outputs(df, added), out)
    improved = int((designs.n_mutations > 0).sum())
    typer.echo(f"Designed {len(designs)} sequences ({improved} changed); the numbers are the "
               f"{designs.attrs['output']}. Wrote {out}")
    for _, row in designs.head(10).iterrows():
        spread = f" ± {row.prediction_std:.3g}" if "prediction_std" in designs else ""
        typer.echo(f"  {row.start_prediction:.3g} -> {row.prediction:.3g}{spread}  "
                   f"{row.mutations or 'no change improves it'}")
    typer.echo("These are the model's predictions: measure the designs before you trust them, "
               "and read a large prediction_std as a design far from what the model learnt.")
