"""Model commands: train, evaluate, predict, demo."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import app


@app.command()
def train(
    data: Path = typer.Option(..., "--data", help="Table (CSV/TSV/Parquet) or FASTA with values."),
    task: str = typer.Option("classification", "--task", help="classification, regression, or protein-variant (variants of one protein -> activity)."),
    sequence_column: str = typer.Option("sequence", "--sequence-column", help="Column holding the sequences."),
    target_column: Optional[List[str]] = typer.Option(None, "--target-column", help="Label column (classification, default 'label'), value column(s) (regression; repeat for several) or activity column (protein-variant, default 'score')."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder to create (default runs/<date>-<time>-<task>)."),
    model: Optional[str] = typer.Option(None, "--model", help="Model name (see `biochemml models`; regression also takes the baselines ridge, ridge-pairs, gbm-kmer, gbm-onehot); default the best general choice."),
    epochs: Optional[int] = typer.Option(None, help="Training epochs (default: the model's preset)."),
    batch_size: Optional[int] = typer.Option(None, help="Sequences per training step."),
    learning_rate: Optional[float] = typer.Option(None, help="Optimizer learning rate."),
    schedule: Optional[str] = typer.Option(None, help="Learning-rate schedule: constant, plateau (divide by 5 when the validation loss stalls) or cosine (decay over --epochs); default the model's preset."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", help="Minutes of training at most (shared by --ensemble models); the best finished epoch is kept. For large tables on a laptop."),
    test_size: float = typer.Option(0.2, help="Fraction held out as the test set."),
    validation_split: float = typer.Option(0.1, help="Fraction of the training set used to watch for over-fitting."),
    split: str = typer.Option("random", "--split", help="Test set: random, similarity (no test sequence within --max-distance mismatches of a training one) or group (whole groups of --group-column)."),
    max_distance: Optional[int] = typer.Option(None, "--max-distance", help="Distance threshold of --split similarity (default 10% of the median length)."),
    distance: str = typer.Option("hamming", "--distance", help="Distance for --split similarity and the report's error-by-distance: hamming (mismatches of the aligned sequences) or edit (Levenshtein: an insertion or deletion counts once; for libraries with indels)."),
    group_column: Optional[str] = typer.Option(None, "--group-column", help="Column of groups (e.g. gene, library): kept on one side by --split group; with any split, a regression report scores each group apart."),
    split_column: Optional[str] = typer.Option(None, help="Column with train/test values to use instead of --split."),
    weight_column: Optional[str] = typer.Option(None, help="Column of per-row weights (e.g. read counts)."),
    alphabet: str = typer.Option("dna", help="dna, rna or protein."),
    pad: Optional[str] = typer.Option(None, help="Pad shorter sequences on the 'left' (align 3' ends: 5' UTRs at the start codon; default for regression) or 'right' (default for classification)."),
    target_transform: str = typer.Option("standardize", "--target-transform", help="Regression: standardize, log (then standardize) or none; fitted on the training rows, inverted for predictions."),
    baselines: bool = typer.Option(True, "--baselines/--no-baselines", help="Regression: also fit ridge and gradient-boosting baselines on the same split for the report."),
    ensemble: int = typer.Option(1, "--ensemble", help="Train this many models (seeds) and report mean and spread."),
    seed: int = typer.Option(0, help="Random seed (same seed, same numbers)."),
    wildtype: Optional[str] = typer.Option(None, "--wildtype", help="protein-variant: FASTA file (first record) or sequence of the wild type."),
    structure: Optional[Path] = typer.Option(None, "--structure", help="protein-variant: PDB/mmCIF of the wild type (structure-aware model, maps, B-factor PDB)."),
    variant_column: str = typer.Option("variant", "--variant-column", help="protein-variant: column of mutations such as A108D:N144D or M0I,S1G."),
    offset: int = typer.Option(0, "--offset", help="protein-variant: number of the first wild-type residue in the mutation names (0 or 1)."),
):
    """Train a model on a table of sequences and write a run folder with a report."""
    from ..errors import InputError
    from ..runs import default_run_dir, train_run

    if task == "protein-variant":
        from ..protein_train import train_variant_model

        if wildtype is None:
            raise InputError("--task protein-variant needs --wildtype (a FASTA file or the sequence)")
        out = out if out is not None else default_run_dir(task)
        train_variant_model(data, wildtype, variant_column=variant_column,
                            target_column=(target_column or ["score"])[0], structure=structure,
                            offset=offset, out=out, seed=seed, model=model, test_size=test_size,
                            split_column=split_column)
        _print_metrics(out)
        typer.echo(f"Run folder: {out}")
        typer.echo(f"Report: {out / 'report.html'}")
        return
    if not target_column:
        if task != "classification":
            raise InputError("name the measured value with --target-column")
        target_column = ["label"]
    run = train_run(data, sequence_column_name=sequence_column, target_columns=target_column,
                    task=task, out=out, model=model, test_size=test_size,
                    split=split, max_distance=max_distance, distance=distance,
                    group_column=group_column,
                    split_column=split_column, weight_column=weight_column, seed=seed,
                    alphabet=alphabet, pad=pad, epochs=epochs, batch_size=batch_size,
                    learning_rate=learning_rate, schedule=schedule, time_limit=time_limit,
                    validation_split=validation_split,
                    n_models=ensemble, target_transform=target_transform, baselines=baselines,
                    command=shlex.join(["biochemml"] + sys.argv[1:]))
    _print_metrics(run)
    typer.echo(f"Run folder: {run}")
    typer.echo(f"Report: {run / 'report.html'}")


def _print_metrics(run: Path) -> None:
    import json

    saved = json.loads((run / "metrics.json").read_text())
    typer.echo(_metrics_text(saved["test"]))
    if saved.get("by_group"):
        typer.echo("test rows of each group (n, R2, Spearman):")
        def num(v):
            return "  n/a" if v is None else f"{v:.3f}"  # None: too few rows to score

        for g in saved["by_group"]:
            ci = "" if g.get("r2_low") is None else \
                f" (95% CI {g['r2_low']:.3f} to {g['r2_high']:.3f})"
            typer.echo(f"  {g['group']:>12}: n {g['n']:>5}, R2 {num(g['r2'])}{ci}, "
                       f"Spearman {num(g['spearman'])}")
    if any(f.get("time_limit_hit") for f in saved.get("fit") or []):
        typer.echo("training stopped at --time-limit (the best finished epoch was kept)")


def _metrics_text(result: dict) -> str:
    keys = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss",
            "r2", "pearson", "spearman", "mse", "mae")
    lines = []

    def fmt(v):
        if isinstance(v, dict) and "value" in v:
            return f"{v['value']:.3f} (95% CI {v['low']:.3f} to {v['high']:.3f})"
        return f"{v:.3f}" if isinstance(v, (int, float)) and v is not None else str(v)

    flat = result if any(k in result for k in keys) else None
    if flat is None:  # several regression targets
        for name, res in result.items():
            lines.append(f"{name}:")
            lines += [f"  {k:>9}: {fmt(res[k])}" for k in keys if k in res]
        return "\n".join(lines)
    lines += [f"{k:>9}: {fmt(flat[k])}" for k in keys if k in flat and flat[k] is not None]
    if "confusion_matrix" in flat:
        lines.append("confusion matrix (rows = true, columns = predicted):")
        lines += ["  " + "  ".join(f"{v:>6}" for v in row) for row in flat["confusion_matrix"]]
    return "\n".join(lines)


@app.command()
def evaluate(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train`."),
    data: Path = typer.Option(..., "--data", help="A labelled table with the training columns."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for metrics, predictions, figures and a report."),
):
    """Score a trained model on another labelled table."""
    from ..runs import evaluate_run

    result = evaluate_run(model, data, out)
    typer.echo(_metrics_text(result))
    if out is not None:
        typer.echo(f"Report: {out / 'report.html'}")


@app.command()
def predict(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train`."),
    data: Path = typer.Option(..., "--data", help="Table or FASTA of sequences to predict."),
    out: Path = typer.Option(..., "--out", help="Output table: the input plus prediction columns."),
    sequence_column: Optional[str] = typer.Option(None, "--sequence-column", help="Default: the training column name."),
    variant_column: Optional[str] = typer.Option(None, "--variant-column", help="protein-variant runs: default the training column name."),
):
    """Predict new sequences (or protein variants) with a trained model."""
    if (model / "model.pkl").exists():  # a protein-variant run
        from ..protein_train import predict_variant_model

        result = predict_variant_model(model, data, out, variant_column=variant_column)
        typer.echo(f"Wrote {len(result)} predictions to {out}")
        return
    from ..runs import predict_run

    result = predict_run(model, data, out, sequence_column)
    typer.echo(f"Wrote {len(result)} predictions to {out}")


@app.command()
def models():
    """List the available model names."""
    from ..models import available

    from ..baselines import available as baselines

    for name, text in available().items():
        typer.echo(f"{name:<16} {text}")
    for name, text in baselines().items():
        typer.echo(f"{name:<16} (regression baseline) {text}")
    from ..protein.models import VARIANT_MODEL_DESCRIPTIONS

    typer.echo("\nWith --task protein-variant (variants of one protein; --wildtype, --structure):")
    for name, text in VARIANT_MODEL_DESCRIPTIONS.items():
        typer.echo(f"{name:<16} {text}")


@app.command()
def demo(
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default runs/<date>-<time>-lecture)."),
    seed: int = typer.Option(0, help="Seed of the simulated data."),
):
    """Run the course's practical: simulate motif data, train the CNN, evaluate, report."""
    from ..demo import run_lecture

    run_lecture(out=out, seed=seed)
