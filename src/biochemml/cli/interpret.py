"""``biochemml interpret``: why a trained sequence model predicts what it does."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from . import app


@app.command()
def interpret(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train` (a sequence run)."),
    data: Path = typer.Option(..., "--data", help="Table or FASTA of the sequences to explain (the training table for filter motifs)."),
    out: Path = typer.Option(..., "--out", help="New folder for mutagenesis.csv, figures, filter motifs and report.html."),
    sequence_column: Optional[str] = typer.Option(None, "--sequence-column", help="Default: the training column name."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="Column naming the sequences in the outputs; default the file row (row2, row3, ...)."),
    output: Optional[str] = typer.Option(None, "--output", help="Class to explain (default the run's positive class), or target column of a run with several."),
    limit: int = typer.Option(100, "--limit", help="Mutate the first N sequences (each costs 3 predictions per position); filter motifs read all of them."),
    plots: int = typer.Option(5, "--plots", help="Draw the mutagenesis map of the first N sequences."),
):
    """Explain a trained model: predict every single-letter change of each sequence
    (in-silico mutagenesis) and read the motifs its first-layer filters learnt."""
    from ..interpret.folder import interpret_run

    if not model.is_dir():
        from ..errors import ModelError

        raise ModelError(f"--model {model} is a file, not a run folder: give the folder that "
                         "`biochemml train --out` wrote" if model.exists() else
                         f"the run folder {model} does not exist")
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
