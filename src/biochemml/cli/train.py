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
    ctx: typer.Context,
    data: Path = typer.Option(..., "--data", help="Table (CSV/TSV/Parquet/Excel) or FASTA with values in the headers (>name te=0.53)."),
    task: str = typer.Option("classification", "--task", help="classification, regression, or protein-variant (variants of one protein -> activity)."),
    sequence_column: str = typer.Option("sequence", "--sequence-column", help="Column holding the sequences."),
    target_column: Optional[List[str]] = typer.Option(None, "--target-column", help="Label column (classification, default 'label'), value column(s) (regression; repeat for several) or activity column (protein-variant, default 'score')."),
    out: Optional[Path] = typer.Option(None, "--out", help="Run folder to create (default runs/<date>-<time>-<task>)."),
    model: Optional[str] = typer.Option(None, "--model", help="Model name (see `biochemml models`; regression also takes the baselines ridge, ridge-pairs, gbm-kmer, gbm-onehot); default the best general choice."),
    epochs: Optional[int] = typer.Option(None, help="Training epochs (default: the model's preset)."),
    batch_size: Optional[int] = typer.Option(None, help="Sequences per training step."),
    learning_rate: Optional[float] = typer.Option(None, help="Optimizer learning rate."),
    schedule: Optional[str] = typer.Option(None, help="Learning-rate schedule: constant, plateau (divide by 5 when the validation loss stalls) or cosine (decay over --epochs); default the model's preset."),
    patience: Optional[int] = typer.Option(None, "--patience", help="Epochs without a better validation loss before training stops (default: the model's preset, e.g. 5 for framepool); raise it when the validation loss is noisy."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", help="Minutes of training at most (shared by --ensemble models); the best finished epoch is kept. For large tables on a laptop."),
    test_size: float = typer.Option(0.2, help="Fraction held out as the test set (protein-variant: of the variants; with --split position, of the mutated positions; with --split group, of the groups)."),
    validation_split: float = typer.Option(0.1, help="Fraction of the training set held out to watch for over-fitting and to size the intervals of the predictions."),
    split: str = typer.Option("random", "--split", help="Test set: random, similarity (no test sequence within --max-distance mismatches of a training one) or group (whole groups of --group-column); protein-variant: random, group or position (whole mutated positions held out)."),
    max_distance: Optional[int] = typer.Option(None, "--max-distance", help="Distance threshold of --split similarity (default 10% of the median length)."),
    distance: str = typer.Option("hamming", "--distance", help="Distance for --split similarity and the report's error-by-distance: hamming (mismatches of the aligned sequences) or edit (Levenshtein: an insertion or deletion counts once; for libraries with indels)."),
    group_column: Optional[str] = typer.Option(None, "--group-column", help="Column of groups (e.g. gene, library): kept on one side by --split group; with any split, a regression report scores each group apart."),
    split_column: Optional[str] = typer.Option(None, help="Column with train/test values to use instead of --split."),
    weight_column: Optional[str] = typer.Option(None, help="Column of per-row weights (e.g. read counts)."),
    alphabet: str = typer.Option("dna", help="dna, rna, protein, or protein-stop (20 amino acids and * as a 21st letter; chosen by itself when a protein table holds *)."),
    pad: Optional[str] = typer.Option(None, help="Pad shorter sequences on the 'left' (align 3' ends: 5' UTRs at the start codon; default for regression) or 'right' (default for classification)."),
    target_transform: str = typer.Option("standardize", "--target-transform", help="Regression: standardize, log (then standardize) or none; fitted on the training rows, inverted for predictions (with log: exp of the predicted log, a geometric mean)."),
    baselines: bool = typer.Option(True, "--baselines/--no-baselines", help="Regression: also fit ridge and gradient-boosting baselines on the same split for the report."),
    ensemble: Optional[int] = typer.Option(None, "--ensemble", help="Train this many models (seeds) and report mean and spread. Default: a regression that goes to the MLP (sequences of up to 20 letters, or a variant library: one length, few positions differing) trains 5 MLPs on up to 20,000 sequences; everything else 1 model."),
    seed: int = typer.Option(0, help="Random seed (same seed, same numbers)."),
    wildtype: Optional[str] = typer.Option(None, "--wildtype", help="protein-variant: FASTA file (first record) or sequence of the wild type."),
    structure: Optional[Path] = typer.Option(None, "--structure", help="protein-variant: PDB/mmCIF of the wild type (structure-aware model, maps, B-factor PDB)."),
    variant_column: str = typer.Option("variant", "--variant-column", help="protein-variant: column of mutations such as A108D:N144D or M0I,S1G."),
    offset: int = typer.Option(0, "--offset", help="protein-variant: number of the first wild-type residue in the mutation names (0 or 1)."),
    chain: Optional[str] = typer.Option(None, "--chain", help="protein-variant: chain of --structure that is the wild type (default the first)."),
    positive: Optional[str] = typer.Option(None, "--positive", help="Classification with two classes: the positive class (e.g. bound) for precision, recall, sensitivity and the ROC/PR curves; default the rarer class (1 for 0/1 labels)."),
):
    """Train a model on a table of sequences and write a run folder with a report."""
    from ..errors import InputError
    from ..runs import train_run

    _check_task(task)
    if positive is not None and task != "classification":
        raise InputError(f"--positive names the positive class of a classification; --task {task} "
                         "has no classes")
    if task == "protein-variant":
        _train_protein(ctx, data=data, target_column=target_column, out=out, model=model,
                       epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                       ensemble=ensemble, test_size=test_size, split=split,
                       group_column=group_column, split_column=split_column,
                       baselines=baselines, seed=seed, wildtype=wildtype, structure=structure,
                       variant_column=variant_column, offset=offset, chain=chain)
        return
    protein_only = [_option(n) for n in ("wildtype", "structure", "variant_column", "offset",
                                         "chain") if _given(ctx, n)]
    if protein_only:
        raise InputError(f"{', '.join(protein_only)} {'is' if len(protein_only) == 1 else 'are'} "
                         "only used with --task protein-variant (variants of one protein, named "
                         f"as mutations of --wildtype); --task {task} reads whole sequences "
                         "from --sequence-column")
    if not target_column:
        if task != "classification":
            raise InputError("name the measured value with --target-column"
                             + _target_hint(data, sequence_column))
        target_column = ["label"]
    _check_model(model, task)
    run = train_run(data, sequence_column_name=sequence_column, target_columns=target_column,
                    task=task, out=out, model=model, test_size=test_size,
                    split=split, max_distance=max_distance, distance=distance,
                    group_column=group_column,
                    split_column=split_column, weight_column=weight_column, seed=seed,
                    alphabet=alphabet, pad=pad, epochs=epochs, batch_size=batch_size,
                    learning_rate=learning_rate, schedule=schedule, time_limit=time_limit,
                    validation_split=validation_split, patience=patience,
                    n_models=ensemble, target_transform=target_transform, baselines=baselines,
                    positive=positive, command=shlex.join(["biochemml"] + sys.argv[1:]))
    _print_metrics(run)
    typer.echo(f"Run folder: {run}")
    typer.echo(f"Report: {run / 'report.html'}")


def _tasks() -> tuple:
    """Every --task train takes: the sequence tasks of runs.train_run, then protein-variant."""
    from ..runs import TASKS

    return (*TASKS, "protein-variant")


def _check_task(task: str) -> None:
    """Refuse an unknown --task, naming the three train takes (and the nearest one)."""
    from ..errors import InputError
    from ..io.tables import _did_you_mean

    tasks = _tasks()
    if task not in tasks:
        raise InputError(f"--task must be one of {', '.join(tasks)}, not '{task}'"
                         + _did_you_mean(task, tasks))


def _model_names(task: str) -> list:
    """Every --model name train takes for a sequence task: the registered networks, and
    for regression the scikit-learn baselines too (runs._make_estimator's choice)."""
    from ..baselines import BASELINES
    from ..models import available

    names = list(available())
    return names + list(BASELINES) if task == "regression" else names


def _check_model(model: Optional[str], task: str) -> None:
    """Refuse an unknown --model of a sequence task before the data is read, naming all
    the names --model takes for that task."""
    from ..baselines import BASELINES
    from ..errors import InputError
    from ..io.tables import _did_you_mean

    if model is None:
        return
    names = _model_names(task)
    if model in names:
        return
    if task == "classification" and model in BASELINES:
        raise InputError(f"'{model}' is a regression baseline; use it with --task regression "
                         f"(for classification --model takes {', '.join(names)})")
    raise InputError(f"unknown model '{model}'{_did_you_mean(model, names)}: with --task "
                     f"{task}, --model takes {', '.join(names)} (`biochemml models` "
                     "describes each)")


def _target_hint(data: Path, sequence_column: str) -> str:
    """`` (this file's headers carry: gfp)``: the values the --data file holds, to name
    with --target-column; empty when the file cannot be read (its own error comes later)."""
    from ..errors import BiochemmlError
    from ..io import read_table
    from ..io.tables import fasta_pipe_hint

    try:
        df = read_table(data)
    except (BiochemmlError, OSError, ValueError):
        return ""
    if df.attrs.get("format") == "fasta":
        keys = [str(c) for c in df.columns if c not in ("id", "sequence")]
        if not keys:
            return (" (this file's headers carry no values: write each as '>seq1 gfp=1.2' "
                    "and name the key, here --target-column gfp" + fasta_pipe_hint(df) + ")")
        return f" (this file's headers carry: {', '.join(keys)})"
    columns = [str(c) for c in df.columns if c != sequence_column]
    return f" (this table's other columns: {', '.join(columns)})" if columns else ""


#: train options with no meaning for protein variants (refused when given)
_NOT_FOR_PROTEINS = ("sequence_column", "schedule", "time_limit", "patience", "validation_split",
                     "max_distance", "distance", "weight_column", "alphabet", "pad",
                     "target_transform")
#: what the protein models do with the network options
_NEURAL_PROTEIN_MODELS = ("graph", "image", "ensemble", "mlp")
#: protein models with no seeds to average (refuse --ensemble)
_SINGLE_PROTEIN_MODELS = ("additive",)
#: the protein-variant options that only some models take
_NETWORK_OPTIONS = ("epochs", "batch_size", "learning_rate")


def _protein_model_takes(name: str, option: str) -> bool:
    """Whether protein model ``name`` takes ``option`` (epochs, batch_size, learning_rate:
    the networks; ensemble: every model with seeds to average)."""
    if option == "ensemble":
        return name not in _SINGLE_PROTEIN_MODELS
    return name in _NEURAL_PROTEIN_MODELS


def _protein_models_taking(option: str) -> list:
    """The protein-variant models that take ``option``, as the check in train decides."""
    from ..protein.models import VARIANT_MODELS

    return [m for m in VARIANT_MODELS if _protein_model_takes(m, option)]


def _which_models_take(options, only: str = "only ") -> str:
    """``--epochs, --batch-size only with the models graph, image; ...`` for ``options``."""
    parts = {}
    for option in options:
        models = ", ".join(_protein_models_taking(option))
        parts.setdefault(models, []).append(_option(option))
    return "; ".join(f"{', '.join(opts)} {only}with the models {models}"
                     for models, opts in parts.items())


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the user typed option ``name`` (not its default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and getattr(source, "name", "") not in ("DEFAULT", "DEFAULT_MAP")


def _command_line(ctx: typer.Context) -> str:
    """The train command as typed, rebuilt from the options given (for config.yaml)."""
    words = ["biochemml", "train"]
    for param in ctx.command.params:
        if not _given(ctx, param.name):
            continue
        value = ctx.params[param.name]
        if isinstance(value, bool):
            flags = param.opts if value else (param.secondary_opts or param.opts)
            words.append(flags[0])
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            words += [param.opts[0], str(v)]
    return shlex.join(words)


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _train_protein(ctx, *, data, target_column, out, model, epochs, batch_size, learning_rate,
                   ensemble, test_size, split, group_column, split_column, baselines, seed,
                   wildtype, structure, variant_column, offset, chain) -> None:
    """``train --task protein-variant``: map the options that apply, refuse the others."""
    from ..errors import InputError
    from ..protein_train import train_variant_model
    from ..runs import default_run_dir

    if wildtype is None:
        raise InputError("--task protein-variant needs --wildtype (a FASTA file or the sequence)")
    if target_column and len(target_column) > 1:
        raise InputError("--task protein-variant takes one --target-column (the measured "
                         f"activity), not {len(target_column)}: {', '.join(target_column)}")
    name = model or "auto"
    refused = [_option(n) for n in _NOT_FOR_PROTEINS if _given(ctx, n)]
    neural = {"epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate}
    params = {}
    refused_here = []  # options this model does not take (others do)
    for key, value in neural.items():
        if value is None:
            continue
        if not _protein_model_takes(name, key):
            refused_here.append(key)
        else:  # the network of graph/image; the graph member of the ensemble
            params[("graph_" if name == "ensemble" else "") + key] = value
    if _given(ctx, "ensemble"):
        if ensemble < 1:
            raise InputError(f"--ensemble must be at least 1, not {ensemble}")
        if not _protein_model_takes(name, "ensemble"):
            refused_here.append("ensemble")
        else:  # average this many seeds (the ensemble model: this many graph networks)
            params["graph_n_models" if name == "ensemble" else "n_models"] = ensemble
    refused += [_option(k) for k in refused_here]
    if refused:
        hint = (f" ({_which_models_take(refused_here)}, not with '{name}')"
                if refused_here else "")
        raise InputError(f"{', '.join(refused)} {'is' if len(refused) == 1 else 'are'} not used "
                         f"with --task protein-variant{hint}; with it train takes --wildtype, "
                         "--variant-column, --target-column, --offset, --structure, --chain, "
                         "--model, --split (random, group, position), --test-size, "
                         "--group-column, --split-column, --seed, --no-baselines; "
                         f"{_which_models_take(_NETWORK_OPTIONS, only='')}; "
                         f"{_which_models_take(['ensemble'], only='')}")
    out = out if out is not None else default_run_dir("protein-variant")
    target = (target_column or ["score"])[0]
    metrics = train_variant_model(
        data, wildtype, variant_column=variant_column, target_column=target,
        structure=structure, offset=offset, out=out, seed=seed, model=model,
        test_size=test_size, split_column=split_column, model_params=params or None,
        split=split if _given(ctx, "split") else None, group_column=group_column, chain=chain,
        baselines=baselines, command=_command_line(ctx))
    # the scores with their 95 % intervals, as a sequence run prints them
    typer.echo(_metrics_text(metrics.get("test_intervals") or metrics["test"]))
    if metrics.get("test_intervals") and metrics.get("intervals_over"):
        typer.echo(f"(95% CI: bootstrap over {metrics['intervals_over']})")
    for base, scores in (metrics.get("baselines") or {}).items():
        typer.echo(f"{base} baseline on the same split: r2 {scores['r2']:.3f}, "
                   f"spearman {scores['spearman']:.3f}")
    typer.echo(f"Run folder: {out}")
    typer.echo(f"Report: {Path(out) / 'report.html'}")


def _print_metrics(run: Path) -> None:
    import json

    saved = json.loads((run / "metrics.json").read_text())
    n = saved["test"].get("n") if isinstance(saved["test"].get("n"), int) else None
    typer.echo(f"Scores on the {n} test rows" if n else "Scores on the test set")
    typer.echo(_metrics_text(saved["test"]))
    baselines = [b for b in saved.get("baselines") or []
                 if not str(b["model"]).endswith("(this run)")]
    if baselines:
        several = isinstance(saved["test"], dict) and "r2" not in saved["test"]
        typer.echo("baselines on the same split" + (" (first target)" if several else "")
                   + (", on the log scale as trained" if saved.get("baselines_scale") == "log"
                      else "") + ":")
        def score(v):
            return "n/a" if v is None else f"{v:.3f}"

        width = max(len(str(b["model"])) for b in baselines)
        for b in baselines:
            typer.echo(f"  {b['model']:>{width}}: R2 {score(b.get('r2'))}, "
                       f"Spearman {score(b.get('spearman'))}")
    if saved.get("by_group"):
        groups = sorted(saved["by_group"], key=lambda g: -g["n"])  # stable: ties keep order
        shown = groups[:TERMINAL_GROUPS]
        more = (f"; the {len(shown)} largest of {len(groups)} groups, all in metrics.json"
                if len(groups) > len(shown) else "")
        scale = {"log": ", on the log scale as trained",
                 "measured": ", of the values as measured, not their log"}.get(
                     saved.get("by_group_scale"), "")
        typer.echo(f"test rows of each group (n, R2, Spearman{scale}{more}):")
        def num(v):
            return "  n/a" if v is None else f"{v:.3f}"  # None: too few rows to score

        for g in shown:
            ci = "" if g.get("r2_low") is None else \
                f" (95% CI {g['r2_low']:.3f} to {g['r2_high']:.3f})"
            typer.echo(f"  {g['group']:>12}: n {g['n']:>5}, R2 {num(g['r2'])}{ci}, "
                       f"Spearman {num(g['spearman'])}")
    if any(f.get("time_limit_hit") for f in saved.get("fit") or []):
        typer.echo("training stopped at --time-limit (the best finished epoch was kept)")


#: groups whose test scores the terminal lists after training (the largest ones)
TERMINAL_GROUPS = 10


def _metrics_text(result: dict, values: str = "test values") -> str:
    from ..runs import intervals_note, result_calibration

    keys = ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc", "log_loss",
            "r2", "pearson", "spearman", "mse", "mae")
    lines = []

    def undefined(v):  # None in metrics.json, NaN fresh: e.g. R2 of identical values
        return v is None or (isinstance(v, float) and v != v)

    def num(v):  # 3 decimals; 3 significant digits for small values (an MSE of 0.00012)
        return f"{v:.3g}" if v != 0 and abs(v) < 0.01 else f"{v:.3f}"

    def fmt(v):
        if isinstance(v, dict) and "value" in v:
            if undefined(v["value"]) or undefined(v["low"]) or undefined(v["high"]):
                return fmt(v["value"])
            return f"{num(v['value'])} (95% CI {num(v['low'])} to {num(v['high'])})"
        if undefined(v):
            return "n/a"
        return num(v) if isinstance(v, (int, float)) else str(v)

    def logged(scores):  # a log target's scores on the scale it was trained on
        left = scores.get("left_out")
        return ("on the log scale, as trained: " + ", ".join(
            f"{k} {num(v)}" for k, v in scores.items() if k != "left_out" and not undefined(v))
            + (f" ({left} value{'s' if left != 1 else ''} at or below 0 left out: no "
               "logarithm)" if left else ""))

    flat = result if any(k in result for k in keys) else None
    if flat is None:  # several regression targets
        kind = None
        for name, res in result.items():
            if name in ("all_rows", "unseen"):  # not targets: in metrics.json and the
                continue                          # terminal's note on the training rows
            lines.append(f"{name}:")
            lines += [f"  {k:>9}: {fmt(res[k])}" for k in keys if k in res]
            if isinstance(res.get("log_scale"), dict):
                lines.append("  " + logged(res["log_scale"]))
            if isinstance(res.get("coverage"), dict):
                note, kind = result_calibration(res, values)
                lines.append("  " + note)
        if kind:  # said once for all targets
            lines.append(intervals_note(kind))
        return "\n".join(lines)
    if flat.get("positive") is not None:
        lines.append(f"positive class: {flat['positive']}")
    lines += [f"{k:>9}: {fmt(flat[k])}" for k in keys if k in flat and flat[k] is not None]
    if isinstance(flat.get("log_scale"), dict):
        lines.append(logged(flat["log_scale"]))
    if flat.get("average") == "macro":
        lines.append("(precision, recall, f1 and roc_auc: macro means over the classes)")
    if "majority_class" in flat:
        lines.append(f"always predicting '{flat['majority_class']}' would give accuracy "
                     f"{num(flat['majority_accuracy'])}")
    if isinstance(flat.get("coverage"), dict):
        note, kind = result_calibration(flat, values)
        lines += [note, intervals_note(kind)]
    if "confusion_matrix" in flat:
        matrix = flat["confusion_matrix"]
        labels = [str(x) for x in flat.get("labels") or range(len(matrix))]
        width = max(6, *(len(x) for x in labels), *(len(str(v)) for r in matrix for v in r))
        lines.append("confusion matrix (rows = true class, columns = predicted class):")
        lines.append("  " + " " * width + "".join(f"  {x:>{width}}" for x in labels))
        lines += ["  " + f"{label:>{width}}" + "".join(f"  {v:>{width}}" for v in row)
                  for label, row in zip(labels, matrix)]
    return "\n".join(lines)


def _column_option(sequence_column, variant_column, offset, protein: bool):
    """The column of sequences or variants that predict and evaluate read (None: the
    training name). A protein-variant run takes either option; a sequence run refuses
    the protein-only ones."""
    from ..errors import InputError

    if not protein:
        given = [name for name, value in (("--variant-column", variant_column),
                                          ("--offset", offset)) if value is not None]
        if given:
            raise InputError(f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for "
                             "protein-variant runs; this run reads sequences"
                             + (": name their column with --sequence-column"
                                if variant_column is not None else ""))
        return sequence_column
    if sequence_column and variant_column and sequence_column != variant_column:
        raise InputError(f"--sequence-column {sequence_column} and --variant-column "
                         f"{variant_column} name two columns: a protein-variant run reads one, "
                         "its variants (give --variant-column)")
    return variant_column or sequence_column


@app.command()
def evaluate(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train`."),
    data: Path = typer.Option(..., "--data", help="A labelled table with the training columns."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for metrics, predictions, figures and a report; without it only the metrics are printed."),
    sequence_column: Optional[str] = typer.Option(None, "--sequence-column", help="Column of sequences (protein-variant runs: of variants); default the training column name."),
    target_column: Optional[List[str]] = typer.Option(None, "--target-column", help="Column of labels or measured values; default the training column name (repeat for several targets, in the run's order). To score some targets under other names, map each: \"RUN TARGET=COLUMN\", e.g. \"MRL (polysome)=mrl_measured\" (the others are predicted, not scored)."),
    variant_column: Optional[str] = typer.Option(None, "--variant-column", help="protein-variant runs: column of mutations; default the training column name."),
    offset: Optional[int] = typer.Option(None, "--offset", help="protein-variant runs: number of the first wild-type residue in this table's mutation names; default the run's."),
):
    """Score a trained model (sequence or protein-variant run) on another labelled table."""
    protein = (model / "model.pkl").exists()  # a protein-variant run
    column = _column_option(sequence_column, variant_column, offset, protein)
    if protein:
        from ..errors import InputError
        from ..protein_train import evaluate_variant_model

        if target_column and len(target_column) > 1:
            raise InputError("a protein-variant run scores one --target-column")
        result = evaluate_variant_model(model, data, out, variant_column=column, offset=offset,
                                        target_column=target_column[0] if target_column else None)
        if "intervals" in result:  # the scores with their 95 % intervals, as training prints
            result = {**{k: v for k, v in result.items() if k != "intervals"},
                      **result["intervals"]}
    else:
        from ..runs import evaluate_run

        result = evaluate_run(model, data, out, sequence_column_name=sequence_column,
                              target_columns=target_column or None)
    typer.echo(f"Scores on {data.name}")
    typer.echo(_metrics_text(result, values=f"values of {data.name}"))
    if out is not None:
        typer.echo(f"Report: {out / 'report.html'}")
    else:
        typer.echo("Nothing was written: give --out FOLDER to keep the predictions, figures "
                   "and report.")


def check_run_folder(model: Path) -> None:
    """ModelError unless ``--model`` names an existing run folder."""
    if not model.is_dir():
        from ..errors import ModelError

        raise ModelError(f"--model {model} is a file, not a run folder: give the folder that "
                         "`biochemml train --out` wrote" if model.exists() else
                         f"the run folder {model} does not exist")


@app.command()
def predict(
    model: Path = typer.Option(..., "--model", help="A run folder written by `biochemml train`."),
    data: Path = typer.Option(..., "--data", help="Table or FASTA of sequences to predict."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output table (.csv, .tsv or .txt, .xlsx or .parquet): the input plus prediction columns. Default: <data>_predictions.csv beside the data file."),
    sequence_column: Optional[str] = typer.Option(None, "--sequence-column", help="Default: the training column name."),
    variant_column: Optional[str] = typer.Option(None, "--variant-column", help="protein-variant runs: column of mutations; default the training column name."),
    offset: Optional[int] = typer.Option(None, "--offset", help="protein-variant runs: number of the first wild-type residue in this table's mutation names; default the run's."),
):
    """Predict new sequences (or protein variants) with a trained model."""
    from ..io.writers import not_an_input, table_suffix

    check_run_folder(model)
    if out is None:  # beside the data: new_utrs.csv -> new_utrs_predictions.csv
        out = data.with_name(f"{data.stem}_predictions.csv")
    table_suffix(out)  # before the work: a name that cannot be written is refused now
    not_an_input(out, "the predictions", data=data)  # nor inside a run folder, its own too
    replaced = out.exists()
    protein = (model / "model.pkl").exists()  # a protein-variant run
    column = _column_option(sequence_column, variant_column, offset, protein)
    if protein:
        from ..protein_train import predict_variant_model

        result = predict_variant_model(model, data, out, variant_column=column, offset=offset)
    else:
        from ..runs import predict_run

        result = predict_run(model, data, out, sequence_column)
    _show_predictions(result)
    typer.echo(f"Wrote {len(result)} predictions to {out}"
               + (" (it replaced the file of that name)" if replaced else ""))
    from ..progress import is_quiet

    if not protein and not is_quiet():
        for note in _predict_notes(model, data, result):
            typer.echo(note)


def _predict_notes(run: Path, data: Path, table) -> list:
    """Sentences after a sequence run's predictions: what a regression run of one network
    gives as its interval (one width for all, or none and how to get one); the table holds
    a measured column the run was trained on (and the command that scores the run on it)."""
    from ..estimators import FEW_SCALING_ROWS
    from ..runs import GOOD_WIDTH_ROWS, read_run_config

    cfg = read_run_config(run / "config.yaml")
    notes = []
    if cfg.get("estimator") == "SequenceRegressor" and cfg.get("networks", 1) == 1:
        if any(str(c).startswith("prediction_std") for c in table.columns):
            notes.append("One network: prediction_std and the 95 % interval are the same for "
                         "every sequence (sized on its validation rows); a run trained with "
                         "`biochemml train ... --ensemble 5` gives each sequence its own.")
        else:
            notes.append("One network, without validation rows enough to size an interval "
                         "by: no prediction_std or 95 % interval. Train the run again "
                         "(`biochemml train`) with a --validation-split that holds out at "
                         f"least {FEW_SCALING_ROWS} rows ({GOOD_WIDTH_ROWS} or more size it "
                         "better) for one width for all sequences, or with --ensemble 5 for a "
                         "width per sequence.")
    measured = [c for c in cfg.get("target_columns") or [] if c in table.columns]
    if measured:
        names = ", ".join(f"'{c}'" for c in measured)
        notes.append(f"The table holds the run's target {names}, left as it was: `biochemml "
                     f"evaluate --model {shlex.quote(str(run))} --data "
                     f"{shlex.quote(str(data))}` scores the run on it.")
    return notes


def _show_predictions(table, rows: int = 10) -> None:
    """Print the first ``rows`` predictions (the sequence or variant column and the
    prediction columns), so a handful of sequences needs no spreadsheet."""
    import pandas as pd

    if not isinstance(table, pd.DataFrame) or not len(table):
        return
    shown = [c for c in table.columns if str(c).startswith("prediction")]
    if not shown:
        return
    first = [c for c in table.columns if c not in shown][:1]
    head = table[first + shown].head(rows).copy()
    for c in first:  # long sequences: their ends (a blank cell, the wild type say: blank)
        text = ["" if pd.isna(v) else str(v) for v in head[c]]
        head[c] = [v if len(v) <= 40 else f"{v[:18]}...{v[-18:]}" for v in text]
    typer.echo(head.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if len(table) > rows:
        typer.echo(f"... {len(table) - rows} more rows in the table")


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
