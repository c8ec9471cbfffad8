"""Runs: train on a table and write one folder with everything needed to reuse the model.

A run folder holds::

    config.yaml       what was asked (data, columns, task, model, settings, seed, version)
    model.pt          the fitted estimator (biochemml.estimators.load reads it back;
                      model.joblib for a scikit-learn baseline: runs.load_run_model reads both)
    metrics.json      test-set metrics with bootstrap 95% intervals
    predictions.csv   the test rows with their predictions
    history.csv       loss and metric per epoch
    figures/*.png     training curves, confusion matrix / ROC / PR, or observed vs predicted
    report.html       one self-contained page with all of the above

The folder is written under a temporary name and renamed at the end, so a failure
never leaves a half-written run behind.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import shlex
import tempfile
import warnings
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .errors import InputError, ModelError
from .io import (label_column, numeric_column, read_table, require_columns, row_error,
                 sequence_column)
from .evaluation import group_names
from .numeric import whole_floats_as_int
from .io.outputs import join_outputs
from .io.tables import file_rows, rows_text
from .io.writers import atomic_folder, check_new_folder
from .progress import say

TASKS = ("classification", "regression")


def default_run_dir(task: str, root="runs") -> Path:
    """``runs/<date>-<time>-<task>``, made unique if it exists."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{stamp}-{task}"
    out, k = base, 1
    while out.exists():
        k += 1
        out = base.with_name(f"{base.name}-{k}")
    return out


def _labels(df: pd.DataFrame, column: str, one_class: bool = False) -> np.ndarray:
    """The class labels of ``column``; text labels lose surrounding blanks ("motif " is
    "motif"), and a missing label, or a single class unless ``one_class``, is an error."""
    require_columns(df, [column])
    values = df[column].map(lambda v: (v.strip() or None) if isinstance(v, str) else v)
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise row_error("the label is missing", df, int(missing[0]), column)
    labels = whole_floats_as_int(values.to_numpy())  # 0.0/1.0 are the classes 0/1
    text = [c for c in pd.unique(labels) if isinstance(c, str)]
    by_case = {}
    for c in text:
        by_case.setdefault(c.lower(), []).append(c)
    clash = next((names for names in by_case.values() if len(names) > 1), None)
    if clash:  # name the rows of the rarer spellings: those are the ones to fix
        counts = {c: int((labels == c).sum()) for c in clash}
        clash = sorted(clash, key=lambda c: -counts[c])
        rows = rows_text(df, np.flatnonzero(np.isin(labels, clash[1:])))
        raise InputError(f"the labels {' and '.join(repr(c) for c in clash)} differ only in "
                         f"case ({rows}), so they would be separate classes; write each class "
                         "one way", path=df.attrs.get("path"), column=column)
    if len(np.unique(labels)) < 2 and not one_class:
        raise InputError(f"every row has the label '{labels[0]}': classification needs at "
                         "least two classes", path=df.attrs.get("path"), column=column)
    _note_near_labels(df, column, labels, text)
    return labels


def _near_labels(labels, text) -> list[tuple[str, str, dict]]:
    """(rare, common, counts) for text classes one letter apart (an edit: ``unbund`` and
    ``unbound``) where the rarer has at most a tenth of the other's rows: likely typos;
    ``counts`` gives the rows of every class in ``text``."""
    from rapidfuzz.distance import Levenshtein

    counts = pd.Series(labels).value_counts()  # one pass over the rows
    counts = {c: int(counts.get(c, 0)) for c in text}
    pairs = []
    for rare in sorted(text, key=lambda c: counts[c]):
        common = [c for c in text if c != rare and len(c) >= 4 and abs(len(c) - len(rare)) <= 1
                  and counts[c] >= 10 * counts[rare]
                  and Levenshtein.distance(rare.lower(), c.lower()) == 1]
        if common:
            pairs.append((rare, max(common, key=lambda c: counts[c]), counts))
    return pairs


def _note_near_labels(df, column: str, labels, text) -> None:
    """Say which classes look like misspellings of another (they are kept as classes)."""
    for rare, common, counts in _near_labels(labels, text):
        rows = rows_text(df, np.flatnonzero(labels == rare))
        say(f"[yellow]The class '{rare}' ({rows}) is one letter away from '{common}'[/yellow] "
            f"({counts[common]} rows) in column '{column}': if it is a typo, "
            "correct those rows; as written it is a class of its own")


#: fewest training and test rows a run can fit and score
MIN_ROWS = 2


def _check_classes(df: pd.DataFrame, column: str, labels) -> None:
    """Refuse a class of a single row: a stratified split puts each class on both sides."""
    from .numeric import labels_look_like_values

    classes, counts = np.unique(labels, return_counts=True)
    alone = classes[counts < 2]
    if alone.size:
        at = np.flatnonzero(np.isin(labels, alone))
        alone = np.asarray(labels)[at]  # in file order, as the rows are listed: one each
        rows = rows_text(df, at)
        listed = ", ".join(f"'{c}'" for c in alone[:5]) + (", ..." if alone.size > 5 else "")
        which = (f"the classes {listed} have only one row each" if alone.size > 1 else
                 f"the class {listed} has only one row")
        near = {rare: common for rare, common, _ in
                _near_labels(labels, [c for c in classes if isinstance(c, str)])}
        fix = ("are these measured values? Then use --task regression"
               if labels_look_like_values(labels) else
               f"is '{alone[0]}' a typo for '{near[alone[0]]}'? Otherwise add rows, merge the "
               "class into another, or remove it" if alone[0] in near else
               "add rows, merge the class into another, or remove it")
        raise InputError(f"{which} ({rows}); the training and the test set each need a row "
                         f"of every class: {fix}", path=df.attrs.get("path"), column=column)


def _check_rows(df: pd.DataFrame, n: int, n_train: int | None = None,
                n_test: int | None = None, fix: str = "add rows or change --test-size") -> None:
    """Refuse a table (or split) too small to train on and score: 2 rows each at least;
    ``fix`` says what to change."""
    path = df.attrs.get("path")
    if n_train is None:
        if n < 2 * MIN_ROWS:
            raise InputError(f"the table has {n} row{'s' if n != 1 else ''}: training and "
                             f"testing a model needs at least {2 * MIN_ROWS} (and dozens to "
                             "learn anything)", path=path)
        return
    if n_train < MIN_ROWS or n_test < MIN_ROWS:
        raise InputError(f"the split of the {n} rows leaves {n_train} for training and "
                         f"{n_test} for testing; each side needs at least {MIN_ROWS}: {fix}",
                         path=path)


def _json_ready(obj):
    if isinstance(obj, dict):
        return {str(k): _json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_ready(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return None if not math.isfinite(float(obj)) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.ndarray):
        return _json_ready(obj.tolist())
    if isinstance(obj, Path):
        return str(obj)
    return obj


def write_yaml(path: Path, data: dict) -> None:
    """``data`` as YAML in UTF-8, its text as written (a Greek or accented column name stays
    readable, and a Windows locale cannot refuse it)."""
    import yaml

    path.write_text(yaml.safe_dump(_json_ready(data), sort_keys=False, allow_unicode=True),
                    encoding="utf-8")


SPLITS = ("random", "similarity", "group")
MAX_GROUPS = 200  # a regression report scores each group of the test set apart up to this many


def _check_options(*, task, group_column, split, split_column, test_size, validation_split,
                   target_transform, n_models, model, schedule, epochs, batch_size,
                   learning_rate, seed, time_limit=None, patience=None) -> None:
    """One sentence for a run option that cannot work, named as the CLI and the Python API
    name it, before the table is read."""
    from .baselines import BASELINES
    from .targets import check_target_transform
    from .splits import _check_fraction
    from .train import _check_settings, check_schedule

    if task == "classification" and target_transform != "standardize":
        raise InputError("a target transform (--target-transform) is for measured values "
                         "(--task regression); class labels are not transformed")
    if task == "classification" and group_column is not None and split != "group":
        raise InputError("for classification a group column (--group-column) only keeps "
                         "whole groups on one side with --split group (per-group scores are "
                         "for regression); add --split group or leave it out")

    if split_column is None and split not in SPLITS:
        from .io.tables import _did_you_mean

        raise InputError(f"the split (--split) must be one of {', '.join(SPLITS)}, not "
                         f"'{split}'" + (" (k-fold cross-validation is in Python: "
                                         "biochemml.evaluation.kfold_indices)"
                                         if str(split).lower().replace("-", "") == "kfold"
                                         else _did_you_mean(str(split), SPLITS)))
    for name, flag, value, zero in (("test_size", "--test-size", test_size, False),
                                    ("validation_split", "--validation-split", validation_split, True)):
        _check_fraction(value, f"{name} ({flag})", zero=zero)
    check_target_transform(target_transform, "target_transform (--target-transform)")
    from .estimators import valid_n_models

    if n_models is not None and not valid_n_models(n_models):
        raise InputError(f"n_models (--ensemble) must be a whole number of at least 1, not "
                         f"{n_models!r}")
    if model in BASELINES and n_models not in (None, "auto", 1):
        raise InputError(f"an ensemble (--ensemble, n_models) trains several networks with "
                         f"different seeds; the baseline '{model}' is one fit that gives the "
                         "same model every time: leave the ensemble out, or choose a network")
    if model in BASELINES:
        given = [flag for flag, value in (("--epochs", epochs), ("--batch-size", batch_size),
                                          ("--learning-rate", learning_rate),
                                          ("--schedule", schedule), ("--time-limit", time_limit),
                                          ("--patience", patience))
                 if value is not None]
        if given:
            one = len(given) == 1
            raise InputError(f"{', '.join(given)} set{'s' if one else ''} how a network trains; "
                             f"the baseline '{model}' is fitted in one go (scikit-learn), "
                             f"without epochs: leave {'it' if one else 'them'} out, or choose "
                             "a network")
    if schedule is not None:
        check_schedule(schedule, "the schedule (--schedule)")
    _check_settings(epochs=1 if epochs is None else epochs,
                    batch_size=1 if batch_size is None else batch_size,
                    lr=1e-3 if learning_rate is None else learning_rate, weight_decay=0.0,
                    patience=None, seed=seed, accelerator="auto")


def _measured_per_target(y, rows) -> np.ndarray:
    """``(T,)`` how many of ``rows`` hold a measured (not NaN) value of each target of
    ``y``, ``(N,)`` or ``(N, T)``."""
    return (~np.isnan(np.asarray(y, dtype=float).reshape(len(y), -1)[rows])).sum(axis=0)


def _check_scored_test_rows(df: pd.DataFrame, targets, y, test_idx, weight_column) -> None:
    """Refuse, before training, a split whose test rows hold fewer than 2 measured values
    (of weight above 0) of a target: no score could be computed. A target of several with
    none is predicted only, as the evaluation of a table without it is."""
    counts = _measured_per_target(y, test_idx)
    short = [(t, int(c)) for t, c in zip(targets, counts) if c < 2 and (c or len(targets) == 1)]
    if short:
        t, c = short[0]
        weighted = f" of weight above 0 in '{weight_column}'" if weight_column else ""
        raise InputError(f"the test set holds {c} measured value{'' if c == 1 else 's'} of "
                         f"'{t}'{weighted}: scoring needs at least 2; give a larger "
                         "--test-size, or check the split and the weights",
                         path=df.attrs.get("path"), column=t)


def _scored_values(task: str, y, weights, test_idx, weight_column):
    """The values a regression run scores its test rows on: ``y`` with NaN at the test rows
    of weight 0 (left out of the loss, so out of the scores: predicted, not scored), and
    the sentence saying how many there are (None without any)."""
    if task != "regression" or weights is None:
        return y, None
    weightless = test_idx[np.asarray(weights, dtype=float)[test_idx] == 0]
    if not weightless.size:
        return y, None
    scored = np.array(y, dtype=float)
    scored[weightless] = np.nan
    one = weightless.size == 1
    return scored, (f"{weightless.size} test row{'' if one else 's'} of weight 0 in "
                    f"'{weight_column}' {'is' if one else 'are'} predicted but not scored: "
                    "weight 0 leaves a row out of the loss and out of the test scores.")


def _check_values(df: pd.DataFrame, task: str, targets, y, weight_column, weights,
                  target_transform) -> None:
    """Weights below 0 and, for a log transform, values of 0 or less: named by file row."""
    if weights is not None:
        bad = np.flatnonzero(~(np.asarray(weights, dtype=float) >= 0))
        if bad.size:
            raise row_error(f"the weight {weights[bad[0]]:g} is below 0; weights must be 0 or "
                            "more (read counts, 1 / variance)", df, int(bad[0]), weight_column)
        if not np.any(np.asarray(weights, dtype=float) > 0):
            raise row_error("every weight is 0: at least some rows need a weight above 0 "
                            "(rows of weight 0 are left out of the loss)", df, None, weight_column)
    if task == "regression" and target_transform == "log":
        values = np.asarray(y, dtype=float).reshape(len(df), -1)
        for t, column in enumerate(targets):
            bad = np.flatnonzero(values[:, t] <= 0)
            if bad.size:
                raise row_error(f"the value {values[bad[0], t]:g} is not above 0, and "
                                f"--target-transform log needs values above 0 ({bad.size} "
                                f"row{'s' if bad.size > 1 else ''} in all); use standardize, "
                                "or add an offset before the log", df, int(bad[0]), column)


def read_split_column(df: pd.DataFrame, column: str):
    """(train rows, test rows) of a table's split column, checked row by row; says how
    many rows marked as validation went to training."""
    from .splits import column_split

    require_columns(df, [column])
    try:
        train, test, n_validation = column_split(df[column].to_numpy())
    except InputError as err:
        raise row_error(err.message, df, err.row, column) from None
    if n_validation:
        say(f"{n_validation} row{'s' if n_validation > 1 else ''} marked as validation in "
            f"column '{column}' {'are' if n_validation > 1 else 'is'} used for training (the "
            "networks hold out their own validation rows for early stopping)")
    return train, test


def _distance_words(distance: str) -> str:
    """How the similarity threshold counts: mismatches (Hamming) or edits."""
    return "edits" if distance == "edit" else "mismatches"


def _split(n: int, labels, test_size: float, seed: int, split_values=None, *, kind="random",
           seqs=None, max_distance=None, groups=None, alphabet="dna", pad="right",
           distance="hamming", copies=None):
    """Train and test rows (and rows left out by a similarity-aware split). ``copies``:
    one code per distinct sequence (:func:`_copies`), whose rows a random split keeps
    together, drawing the distinct sequences (stratified by their first row's label)."""
    from .splits import split_indices

    empty = np.array([], dtype=int)
    if split_values is not None:  # read and checked by the caller (splits.column_split)
        return split_values[0], split_values[1], empty
    if kind not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}, not '{kind}'")
    if kind == "similarity":
        from .evaluation import similarity_split

        return similarity_split(seqs, test_size=test_size, max_distance=max_distance, seed=seed,
                                alphabet=alphabet, pad=pad, metric=distance)
    if kind == "group":
        from .evaluation import group_split

        if groups is None:
            raise InputError("split 'group' needs a group column (--group-column)")
        return (*group_split(groups, test_size=test_size, seed=seed), empty)
    if copies is not None:  # test_size is then a share of the distinct sequences
        first = pd.Series(np.arange(n)).groupby(copies).first().to_numpy()
        strata = None if labels is None else np.asarray(labels)[first]
        if strata is not None:
            single = [c for c, k in zip(*np.unique(strata, return_counts=True)) if k == 1]
            if single:
                rows = int(np.isin(np.asarray(labels), single).sum())
                raise InputError(
                    f"the class{'es' if len(single) > 1 else ''} "
                    f"{', '.join(repr(c) for c in single)} {'have' if len(single) > 1 else 'has'} "
                    f"{rows} row{'s' if rows > 1 else ''} but a single distinct sequence "
                    f"(copies of one): the random split keeps copies together, so it cannot "
                    "put every class on both sides; add other sequences of that class, or "
                    "mark the test rows yourself with --split-column")
        train, _, test = split_indices(len(first), test_size=test_size, seed=seed,
                                       stratify=strata)
        return (np.flatnonzero(np.isin(copies, train)), np.flatnonzero(np.isin(copies, test)),
                empty)
    train, _, test = split_indices(n, test_size=test_size, seed=seed, stratify=labels)
    return train, test, empty


def _predictions(est, task: str, seqs) -> tuple:
    """What :func:`_evaluate` scores: ``(proba,)`` of shape (N, classes) for a classifier,
    ``(mean, std, bounds)`` for a regressor: mean and std of shape (N,) or (N, targets),
    bounds (N, 4) or (N, targets, 4), the 68 % and 95 % intervals' ends (see
    :meth:`biochemml.SequenceRegressor.predict_bounds`; NaN without an ensemble)."""
    if task == "classification":
        return (est.predict_proba(seqs),)
    return _bounded(est, seqs)


def _bounded(est, seqs) -> tuple:
    """``(mean, std, bounds)`` of a regressor: a network's :meth:`predict_bounds`, or a
    baseline's prediction with NaN for the spread it has not."""
    if hasattr(est, "predict_bounds"):
        return est.predict_bounds(seqs)
    mean, std = est.predict(seqs, return_std=True)
    mean = np.asarray(mean, dtype=float)
    return mean, np.asarray(std, dtype=float), np.full(mean.shape + (4,), np.nan)


def _log_scale_scores(est, truth, pred) -> dict | None:
    """R², Pearson and Spearman of a log-target model on the log scale it was trained on
    (values spread over orders of magnitude: on the raw scale the largest few decide R²),
    or None for another model or values that are not all above 0."""
    from . import metrics

    truth, pred = np.asarray(truth, dtype=float), np.asarray(pred, dtype=float)
    keep = (truth > 0) & (pred > 0)  # an evaluation table may hold values a log cannot take
    if getattr(est, "target_transform", None) != "log" or keep.sum() < 3:
        return None
    scores = metrics.regression_metrics(np.log(truth[keep]), np.log(pred[keep]))
    out = {k: scores[k] for k in ("r2", "pearson", "spearman")}
    if not keep.all():
        out["left_out"] = int((~keep).sum())
    return out


def _evaluate(est, task: str, seqs, truth, folder: Path, prefix: str = "test",
              positive=None, clusters_of=None,
              predicted: tuple | None = None) -> tuple[dict, pd.DataFrame, list]:
    """Predict, score (with intervals) and draw the figures of one evaluation set.

    ``predicted``: the :func:`_predictions` of ``seqs``, when the caller has them (evaluate
    scores the unseen rows apart from all rows without predicting them again).

    ``positive``: the positive class of a binary classifier (runs pass the one they chose;
    runs saved before that: the last class in sorted order), for precision, recall, the
    confusion-matrix reading and the curves. ``clusters_of``: the held-out group of each
    row (a group split), whose intervals (R², ..., or accuracy) then resample the groups
    (:func:`biochemml.metrics.cluster_intervals`): the rows of one unseen group share its
    unknown effect, so they are not independent tests.
    """
    from . import metrics, plot

    figures = []
    fig_dir = folder / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    which = _figure_subtitle(est, prefix)  # on the PNG: what model, which set, how many
    if predicted is None:
        predicted = _predictions(est, task, seqs)
    if task == "classification":
        (proba,) = predicted
        pred = est.classes_[proba.argmax(axis=1)]
        labels = list(est.classes_)
        positive = labels[-1] if positive is None else positive
        k = labels.index(positive)
        result = metrics.classification_metrics(truth, pred, proba=proba, labels=labels,
                                                positive=positive if len(labels) == 2 else None)
        def accuracy(t, p):
            return {"accuracy": metrics.accuracy(t, p)}

        clusters = [] if clusters_of is None else metrics.label_clusters(clusters_of)
        intervals = (metrics.cluster_intervals(truth, pred, clusters, n_boot=1000, seed=0,
                                               metrics_fn=accuracy) if len(clusters) >= 2 else
                     metrics.with_intervals(accuracy, truth, pred, n_boot=1000, seed=0))
        result["accuracy_interval"] = intervals["accuracy"]
        cm = np.asarray(result["confusion_matrix"])
        result["reading"] = metrics.confusion_reading(cm, positive=positive, labels=labels) \
            if len(labels) == 2 else None
        result["explanation"] = metrics.explain_confusion(cm, labels=labels, positive=positive)
        plot.confusion_matrix(cm, labels=[str(x) for x in labels],
                              path=fig_dir / f"{prefix}_confusion_matrix.png", positive=k,
                              title=f"Confusion matrix\n{which(len(truth))}")
        figures.append((f"Confusion matrix ({prefix} set)", fig_dir / f"{prefix}_confusion_matrix.png"))
        binary = (np.asarray(truth) == positive).astype(int)
        if len(labels) == 2 and 0 < binary.sum() < len(binary):  # curves need both classes
            named = f"positive class: {positive}"
            plot.roc_curve(binary, proba[:, k], path=fig_dir / f"{prefix}_roc.png",
                           title=f"ROC curve ({named})\n{which(len(truth))}")
            plot.pr_curve(binary, proba[:, k], path=fig_dir / f"{prefix}_pr.png",
                          title=f"Precision-recall curve ({named})\n{which(len(truth))}")
            figures += [(f"ROC curve ({prefix} set)", fig_dir / f"{prefix}_roc.png"),
                        (f"Precision-recall curve ({prefix} set)", fig_dir / f"{prefix}_pr.png")]
        table = pd.DataFrame({"prediction": pred})
        for k, c in enumerate(labels):
            table[f"probability_{c}"] = proba[:, k]
    else:
        from .estimators import interval_kind

        mean, std, bounds = predicted
        kind = interval_kind(est)  # baselines and uncalibrated single networks: None
        truth2 = np.asarray(truth, dtype=float).reshape(len(truth), -1)
        mean2 = np.asarray(mean).reshape(len(truth), -1)
        std2 = np.asarray(std).reshape(len(truth), -1)
        bounds2 = np.asarray(bounds).reshape(len(truth), -1, 4)
        result = {}
        names = est.target_names_ if hasattr(est, "target_names_") else [f"target_{t}" for t in range(truth2.shape[1])]
        table = pd.DataFrame()
        for t, name in enumerate(names):
            ok = ~np.isnan(truth2[:, t])
            suffix = _target_suffix(names, t)
            table[f"prediction{suffix}"] = mean2[:, t]
            if kind:
                table = table.assign(**_spread_columns(std2[:, t], bounds2[:, t], suffix))
            if not ok.any():  # a target the evaluation table does not hold: predicted only
                continue
            clusters = [] if clusters_of is None else \
                metrics.label_clusters(np.asarray(clusters_of)[ok])
            res = (metrics.cluster_intervals(truth2[ok, t], mean2[ok, t], clusters, n_boot=1000,
                                             seed=0) if len(clusters) >= 2 else
                   metrics.with_intervals(metrics.regression_metrics, truth2[ok, t],
                                          mean2[ok, t], n_boot=1000, seed=0))
            res["n"] = int(ok.sum())
            logged = _log_scale_scores(est, truth2[ok, t], mean2[ok, t])
            if logged:
                res["log_scale"] = logged
            if kind and np.isfinite(bounds2[ok, t]).all():
                res["coverage"] = metrics.bounds_coverage(
                    truth2[ok, t], {0.68: bounds2[ok, t, :2].T, 0.95: bounds2[ok, t, 2:].T})
                res["intervals"] = kind
                factor = _factor_68(est, mean2[ok, t], std2[ok, t], bounds2[ok, t])
                if factor is not None:
                    res["interval_68_factor"] = factor
            result[name] = res
            f = fig_dir / f"{prefix}_observed_vs_predicted{suffix}.png"
            plot.observed_vs_predicted(truth2[ok, t], mean2[ok, t],
                                       # one width for all: bars would add nothing
                                       interval=bounds2[ok, t, :2].T if kind == "ensemble"
                                       else None,
                                       path=f,
                                       label=name,
                                       title=f"Observed vs predicted\n{which(int(ok.sum()))}")
            g = fig_dir / f"{prefix}_residuals{suffix}.png"
            plot.residuals(truth2[ok, t], mean2[ok, t], path=g, label=name,
                           title=f"Residuals\n{which(int(ok.sum()))}")
            figures += [(f"Observed vs predicted {name} ({prefix} set)", f),
                        (f"Residuals of {name} ({prefix} set)", g)]
        if len(names) == 1:
            result = result[names[0]]
    return result, table, figures


def _factor_68(est, mean, std, bounds) -> float | None:
    """The 68 % interval's half-width in units of ``prediction_std``, read from what
    ``predict_bounds`` gave for one target (``mean``, ``std`` of shape (N,), ``bounds``
    (N, 4)): the same on every row. None for a log target, whose intervals are taken on
    the log scale (no one factor on the values)."""
    spread = np.asarray(std) > 0  # (members that agree exactly, with no floor: no width)
    if getattr(est, "target_transform", None) == "log" or not spread.any():
        return None
    return float(np.median((bounds[spread, 1] - mean[spread]) / std[spread]))


def _figure_subtitle(est, prefix: str):
    """``n -> "framepool ×3 · test set · n = 600"``: the second line of a run's figure
    titles, so a PNG on a slide says what model, which set and how many rows it shows."""
    model = str(getattr(est, "model_name_", "") or "model")
    networks = getattr(est, "n_models_", 1)
    if networks > 1:
        model += f" ×{networks}"
    return lambda n: f"{model} · {prefix} set · n = {n:,}"


def _target_suffix(targets, t: int) -> str:
    """What the output columns of target ``t`` add to ``prediction`` / ``prediction_std``:
    nothing for a run of one target, ``_<name>`` for each of several."""
    return "" if len(targets) == 1 else f"_{targets[t]}"


#: |Spearman| of distance with length above which the error-by-distance figure says that,
#: for sequences of different lengths, it also shows error by length
LENGTH_FOLLOWS = 0.5


def _length_follows(dist, lengths) -> float | None:
    """Spearman of nearest-training distance with test-sequence length when the lengths
    vary and the two go together (|rho| >= ``LENGTH_FOLLOWS``), else None."""
    from scipy.stats import spearmanr

    if len(lengths) < 10 or lengths.min() == lengths.max() or np.ptp(dist) == 0:
        return None
    rho = float(spearmanr(dist, lengths)[0])
    return rho if abs(rho) >= LENGTH_FOLLOWS else None


#: bars of the error-by-distance figure for sequences over 20 letters (ranges of distances)
DISTANCE_BINS = 6


#: share of the test rows with a training sequence within ``near_distance`` above which a
#: random split is said to score near relatives
NEAR_SHARE = 0.5


def near_distance(length: float) -> int:
    """How close a training sequence must be for a test sequence to be its near relative:
    10 % of the length, or 2 mismatches (edits), whichever is larger."""
    return max(2, int(round(0.1 * float(length))))


def _count_copies(test_seqs, train_seqs, alphabet) -> int:
    """How many of ``test_seqs`` equal a training sequence, as the model reads them."""
    seen = set(_as_read(train_seqs, alphabet))
    return sum(q in seen for q in _as_read(test_seqs, alphabet))


def copies_in_test_note(near: dict | None) -> str | None:
    """A sentence when test rows are exact copies of training sequences (a split column or
    groups that part replicates; a random split keeps copies together), else None."""
    if not near or not near.get("n_copies"):
        return None
    k, n = near["n_copies"], near["n_test_rows"]
    return (f"{k:,} of the test rows ({k / n:.0%}"
            + (", in a random sample" if near.get("sampled") else "")
            + ") have their exact sequence among the training rows (replicates, or one "
            "variant measured twice): the model trained on them, so they flatter its score. "
            "The '0' bar of the error-by-distance figure shows them apart.")


def far_rows_note(near: dict | None) -> str | None:
    """A sentence scoring the test rows with no training sequence within
    ``near["max_distance"]`` beside all test rows (``extra["near_relatives"]`` of a random
    split), else None: what to expect of sequences unlike the training set, without a
    second run."""
    if not near or "n_far" not in near:
        return None
    n, d, words = near["n_far"], near["max_distance"], _distance_words(near["distance"])
    return (f"On the {n:,} test rows with no training sequence within {d} {words}"
            + (" (of a random sample)" if near.get("sampled") else "")
            + f", R² is {near['far_r2']:.3f} and Spearman {near['far_spearman']:.3f}, "
            f"against {near['all_r2']:.3f} and {near['all_spearman']:.3f} on "
            f"{'the sampled' if near.get('sampled') else 'all'} test rows: expect the former "
            "for sequences unlike the training set.")


def near_relatives_note(near: dict | None) -> str | None:
    """A sentence when most test rows of a random split have a training sequence within
    ``near["max_distance"]`` (``extra["near_relatives"]`` of a run), else None."""
    if not near or not near["n_test_rows"] or \
            near["n_near"] <= NEAR_SHARE * near["n_test_rows"]:
        return None
    k, n, d = near["n_near"], near["n_test_rows"], near["max_distance"]
    edit, words = near["distance"] == "edit", _distance_words(near["distance"])
    said = (f"{k / n:.0%} of the test rows ({k:,} of {n:,}"
            + (", a random sample" if near.get("sampled") else "")
            + f") have a training sequence within {d} {words}: "
            "with a random split the score measures how well the model fills in near "
            "relatives of sequences it trained on (variants of one parent, say), not how it "
            "predicts new sequences. ")
    typical = near.get("typical_distance")
    if typical is not None and typical <= d:  # one parent: a similarity split is empty
        return said + (
            f"Two sequences of this table drawn at random differ by {typical:g} {words} (the "
            f"median), so they are variants of one parent and a similarity split at {d} "
            "would leave no training rows. To test on unseen changes, train again with "
            "--split group and a column of the mutated position or region; for variants "
            "of one protein, write them as mutations (A108D) of the wild type and use "
            "--task protein-variant --split position.")
    return said + ("To test on those, train again with --split similarity "
                   f"--max-distance {d}" + (" --distance edit" if edit else "")
                   + " (or --split group with a column of families).")


#: the baselines table's scores: metrics.json key -> the report's column header
BASELINE_COLUMNS = {"r2": "R2", "pearson": "Pearson r", "spearman": "Spearman", "mae": "MAE",
                    "fit_seconds": "fit s"}


def _regression_extras(est, seqs, y, train_idx, test_idx, table: pd.DataFrame, folder: Path,
                       baselines=("ridge", "ridge-pairs", "gbm-kmer"), max_distance=None,
                       seed: int = 0, distance: str = "hamming", test_groups=None,
                       group_column: str | None = None, weights=None,
                       fit_seconds: float | None = None) -> tuple[list, dict, dict]:
    """Figures, tables and metrics a regression run adds to its report.

    Residuals against sequence length, error by distance to the nearest training
    sequence, the scikit-learn baselines fitted on the same training rows and, with
    ``test_groups`` (the group of each test row), the test metrics of each group.
    """
    from . import metrics, plot
    from .evaluation import error_by_distance, nearest_distance

    fig_dir = folder / "figures"
    figures, tables, extra = [], {}, {}
    y2 = np.asarray(y, dtype=float).reshape(len(y), -1)
    truth, pred = y2[test_idx, 0], table.iloc[:, 0].to_numpy(dtype=float)
    ok = ~np.isnan(truth)
    test_seqs = seqs[test_idx]
    lengths = np.array([len(q) for q in test_seqs])
    names = getattr(est, "target_names_", None) or ["value"]
    target = names[0]
    # the second title line, as every figure of the run has it (the first target's, when
    # there are several: these figures are drawn for it alone)
    subtitle = _figure_subtitle(est, "test") if len(names) == 1 else (  # its own line:
        lambda n: f"{target} (first target)\n" + _figure_subtitle(est, "test")(n))  # width
    if ok.sum() > 2 and lengths.min() != lengths.max():
        f = fig_dir / "test_residuals_vs_length.png"
        plot.residuals(truth[ok], pred[ok], x=lengths[ok], xlabel="sequence length (nt)", path=f,
                       label=str(target),
                       title=f"Residuals against sequence length\n{subtitle(int(ok.sum()))}")
        figures.append(("Residuals against sequence length (test set)", f))
    rows = np.flatnonzero(ok)
    if len(rows) > 2000 and len(rows) * len(train_idx) * lengths.max() > 2e9:
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=2000, replace=False))
    # Hamming distances are exact (up to the length); edit distances cost more and stay
    # capped. Large tables: a seeded sample of 2,000 test rows stands for the rest.
    cap = max(3, 2 * (max_distance or 1))
    if distance != "edit":  # exact: up to the padded length (training sequences may be longer)
        cap = max(cap, int(lengths.max()), max(len(q) for q in seqs[train_idx]))
    dist = nearest_distance(test_seqs[rows], seqs[train_idx], cap=cap, alphabet=est.alphabet,
                            pad=est.pad, metric=distance)
    by_dist = error_by_distance(truth[rows], pred[rows], dist,
                                max_bins=DISTANCE_BINS if lengths.max() > 20 else None)
    if int(dist.max()) > cap:  # capped (edit distances): the last bin holds "farther"
        last = list(by_dist)[-1]
        low = last.split("-")[0]
        name = f"> {cap}" if last == str(cap + 1) else f">= {low}"
        by_dist = {(name if k == last else k): v for k, v in by_dist.items()}
    if len(by_dist) >= 2:
        f = fig_dir / "test_error_by_distance.png"
        plot.metric_by_group(by_dist, path=f, metric=f"mean absolute error of {target}",
                             group_label=_distance_words(distance)
                             + " to the nearest training sequence",
                             title="Error by distance to the training set\n"
                                   + subtitle(len(rows))
                                   + (f" (a random sample of {int(ok.sum()):,})"
                                      if len(rows) < ok.sum() else ""))
        sampled = (f"; a random {len(rows):,} of the {int(ok.sum()):,} test rows"
                   if len(rows) < ok.sum() else "")
        caption = ("Error by distance to the nearest training sequence (test set" + sampled
                   + "; bars: bootstrap 95 % intervals): does the error grow for sequences unlike "
                   "the training set?")
        rho = _length_follows(dist, lengths[rows])
        if rho is not None:  # padding matches padding: short sequences look close to everything
            caption += (f" Here the distance follows the sequence length (Spearman {rho:.2f}): "
                        "shorter sequences have fewer positions to differ in, so the bars show "
                        "error by length as much as by distance; see the residuals against length.")
            extra["error_by_distance_length_spearman"] = rho
        figures.append((caption, f))
    elif by_dist:  # one bar (a similarity split keeps every test row far): no figure
        only = next(iter(by_dist)).replace(">=", "at least").replace(">", "more than")
        extra["error_by_distance_note"] = (
            f"Every test sequence lies {only} {_distance_words(distance)} from "
            "its nearest training sequence, so the error-by-distance figure would have a "
            "single bar: it is not drawn.")
    extra["error_by_distance"] = by_dist
    extra["error_by_distance_metric"] = f"mean absolute error of {target}"
    near = min(near_distance(np.median(lengths)), cap)  # edit distances: exact up to cap
    # two sequences drawn at random: how far apart? within `near`, the table is variants of
    # one parent, and a similarity split at `near` would leave no training rows
    rng = np.random.default_rng(seed)
    pairs = min(200, len(rows))
    typical = float(np.median([nearest_distance(
        [test_seqs[i]], [seqs[j]], cap=cap, alphabet=est.alphabet, pad=est.pad,
        metric=distance)[0] for i, j in zip(rng.choice(rows, pairs, replace=False),
                                            rng.choice(train_idx, pairs))])) if pairs else None
    extra["near_relatives"] = {"max_distance": near, "distance": distance,
                               "typical_distance": typical,
                               "n_test_rows": int(len(rows)),
                               "n_near": int((dist <= near).sum()),
                               # equal sequences, not distance 0 (a prefix pads to 0)
                               "n_copies": _count_copies(test_seqs[rows], seqs[train_idx],
                                                         est.alphabet),
                               "sampled": bool(len(rows) < ok.sum())}
    far = dist > near
    if FEW_TEST_ROWS <= far.sum() < len(rows):  # a similarity view inside a random split
        scored = {"far": metrics.regression_metrics(truth[rows][far], pred[rows][far]),
                  "all": metrics.regression_metrics(truth[rows], pred[rows])}
        extra["near_relatives"].update({
            "n_far": int(far.sum()),
            **{f"{k}_{m}": float(v[m]) for k, v in scored.items() for m in ("r2", "spearman")}})
    # a log-target run is scored and compared on the log scale it was trained on: on the
    # raw scale a model that is better on most sequences loses to one that guesses the
    # few largest values better
    log_run = getattr(est, "target_transform", None) == "log"
    logged = log_run and ok.sum() >= 3 and bool((truth[ok] > 0).all())  # (predictions are > 0)
    scale_words = (" (on the log scale, as trained)" if logged
                   else " (as measured, not its log)" if log_run else "")
    if test_groups is not None and 2 <= len(set(test_groups[ok])) <= MAX_GROUPS:
        by_group = metrics.regression_metrics_by_group(
            *_as_trained(truth[ok], pred[ok], logged), test_groups[ok])
        extra["by_group"] = by_group.to_dict(orient="records")
        if log_run:
            extra["by_group_scale"] = "log" if logged else "measured"
        shown = by_group.sort_values("n", ascending=False, kind="stable").head(30) \
            .reset_index(drop=True)  # the report shows a non-range index as a column
        drawn = shown[np.isfinite(shown["r2"].to_numpy(dtype=float))]
        if len(drawn):
            f = fig_dir / "test_r2_by_group.png"
            # groups without an interval (under 10 rows) get no error bar
            plot.metric_by_group(pd.DataFrame({"group": drawn["group"], "value": drawn["r2"],
                                               "low": drawn["r2_low"].fillna(drawn["r2"]),
                                               "high": drawn["r2_high"].fillna(drawn["r2"]),
                                               "n": drawn["n"]}),
                                 path=f, metric=f"R² of {target}{scale_words}",
                                 group_label=str(group_column),
                                 reference=float(_scores_as_trained(truth[ok], pred[ok],
                                                                    logged)["r2"]),
                                 reference_label="whole test set",
                                 title=f"Test R² by {group_column}\n{subtitle(int(ok.sum()))}")
            figures.append((f"Test R² of each {group_column} (bars: bootstrap 95 % intervals; "
                            "dashed: the whole test set"
                            + (f"; the {len(shown)} largest of {len(by_group)} groups"
                               if len(by_group) > len(shown) else "") + ")", f))
        title = (f"Test metrics by {group_column} (first target"
                 + (f"; {scale_words[2:]}" if scale_words else ")"))
        if len(by_group) > len(shown):
            title += f": the {len(shown)} largest of {len(by_group)} groups (all in metrics.json)"
        tables[title] = shown  # the report rounds once, as it rounds the metrics
    if baselines:
        from .baselines import BaselineRegressor

        rows_out = []
        for name in baselines:
            t0 = time.perf_counter()
            # the run's target transform too, so the comparison is like for like
            base = BaselineRegressor(name, alphabet=est.alphabet, pad=est.pad, seed=seed,
                                     length=est.input_length_,
                                     target_transform=getattr(est, "target_transform", "none"))
            base.fit(seqs[train_idx], y[train_idx],  # weighted as the model was
                     sample_weight=None if weights is None else weights[train_idx])
            seconds = time.perf_counter() - t0
            bp = np.asarray(base.predict(test_seqs), dtype=float).reshape(len(test_idx), -1)[:, 0]
            m = _scores_as_trained(truth[ok], bp[ok], logged)
            rows_out.append({"model": name, **{k: m[k] for k in BASELINE_COLUMNS if k in m},
                             "fit_seconds": seconds})
        m = _scores_as_trained(truth[ok], pred[ok], logged)
        rows_out.append({"model": f"{est.model_name_} (this run)",
                         **{k: m[k] for k in BASELINE_COLUMNS if k in m},
                         "fit_seconds": fit_seconds})
        # metrics.json keeps the metric names of the test scores (r2, pearson, ...); the
        # report's table has readable headers
        title = "Baselines on the same split (first target" + (
            "; scores on the log scale, as the models were trained)" if logged else ")")
        tables[title] = pd.DataFrame(rows_out).rename(
            columns=BASELINE_COLUMNS)  # rounded once, by the report
        if logged:  # in metrics.json each row says so too: test.r2 there is on the raw scale
            extra["baselines_scale"] = "log"
            for row in rows_out:
                row["scale"] = "log"
        extra["baselines"] = rows_out
    return figures, tables, extra


def _as_trained(truth, pred, logged: bool) -> tuple:
    """``(truth, pred)``, or their logarithms with ``logged`` (predictions at or below 0,
    which a log model cannot make, are floored at a tenth of the smallest value)."""
    if not logged:
        return truth, pred
    return np.log(truth), np.log(np.maximum(pred, np.min(truth) / 10.0))


def _scores_as_trained(truth, pred, logged: bool) -> dict:
    """:func:`biochemml.metrics.regression_metrics` on the scale of :func:`_as_trained`."""
    from . import metrics

    return metrics.regression_metrics(*_as_trained(truth, pred, logged))


def _make_estimator(task: str, model: str | None, **kwargs):
    """SequenceClassifier, SequenceRegressor, or a scikit-learn baseline by name."""
    from .baselines import BASELINES, BaselineRegressor
    from .estimators import SequenceClassifier, SequenceRegressor

    if model in BASELINES:
        if task != "regression":
            raise InputError(f"'{model}' is a regression baseline; use it with --task regression")
        return BaselineRegressor(model, alphabet=kwargs["alphabet"], pad=kwargs["pad"],
                                 seed=kwargs["seed"],
                                 target_transform=kwargs["target_transform"])
    transform = kwargs.pop("target_transform")
    if kwargs.get("n_models") is None:  # the estimator's default ("auto" for regression)
        kwargs.pop("n_models", None)
    if task == "classification":
        return SequenceClassifier(model=model, **kwargs)
    return SequenceRegressor(model=model, target_transform=transform, **kwargs)


def _values(df: pd.DataFrame, task: str, targets: list, one_class: bool = False) -> np.ndarray:
    """The labels (classification) or measured values of ``targets``; ``one_class``: a
    table of one class is allowed (an evaluation: how many binders are recovered)."""
    if task == "classification":
        return _labels(df, targets[0], one_class=one_class)
    cols = []
    for c in targets:
        try:
            cols.append(numeric_column(df, c, allow_missing=len(targets) > 1))
        except InputError as err:
            raise err.extended(_classes_hint(df, c)) from None
    return cols[0] if len(cols) == 1 else np.column_stack(cols)


def _classes_hint(df: pd.DataFrame, column) -> str:
    """For a regression target column of text labels only (``high``, ``low``): a clause
    pointing to classification; else ``""``."""
    if column not in df.columns:
        return ""
    cells = df[column].dropna().astype(str).str.strip()
    cells = cells[cells != ""]
    if not len(cells) or pd.to_numeric(cells, errors="coerce").notna().any():
        return ""
    labels = sorted(cells.unique())
    if len(labels) > 20:
        return ""
    return (f". The column holds text labels only ({', '.join(labels[:5])}"
            f"{', ...' if len(labels) > 5 else ''}): to learn classes, train with "
            "--task classification")


def _blank_value_notes(df: pd.DataFrame, targets: list, y) -> list:
    """A sentence for each target of a multi-target table with blank cells: those rows
    train and test the other targets only (one target: a blank is an error already)."""
    if len(targets) < 2:
        return []
    values = np.asarray(y, dtype=float).reshape(len(df), -1)
    notes = []
    for t, column in enumerate(targets):
        blank = np.flatnonzero(np.isnan(values[:, t]))
        if not blank.size:
            continue
        one = blank.size == 1
        others = "the other target" if len(targets) == 2 else "the other targets"
        notes.append(f"{blank.size} row{'' if one else 's'} {'has' if one else 'have'} no "
                     f"'{column}' value ({rows_text(df, blank)}): {'it trains' if one else 'they train'} "
                     f"and {'tests' if one else 'test'} {others} only")
    return notes


def _check_varies(df: pd.DataFrame, column: str, values: np.ndarray) -> None:
    """Refuse a target column whose measured values are all the same: nothing to learn."""
    measured = np.unique(values[np.isfinite(values)])
    if len(measured) == 1:
        raise InputError(f"every row has the value {measured[0]:g}: a regression needs "
                         "values that differ", path=df.attrs.get("path"), column=column)


#: coverage of the 95 % and 68 % intervals a calibrated model's test values fall within
CALIBRATED = {0.95: (0.90, 0.98), 0.68: (0.60, 0.76)}
#: fewer test values than this are too few to judge calibration (a 95 % interval's
#: coverage then varies by about ±0.04 from chance alone)
MIN_CALIBRATION_ROWS = 30


def _coverage_of(coverage: dict, level: float):
    """The observed coverage at ``level`` whether the keys are floats or JSON strings."""
    for key, value in coverage.items():
        if math.isclose(float(key), level):
            return None if value is None else float(value)
    return None


def calibration_verdict(coverage: dict, n: int) -> str:
    """A few words on the ensemble's intervals judged from their test-set coverage.

    Parameters
    ----------
    coverage : dict
        level -> observed fraction inside the interval (:func:`biochemml.metrics.interval_coverage`;
        string keys as metrics.json stores them also work).
    n : int
        The number of test values behind the fractions.

    Returns
    -------
    str
        "well calibrated ...", "too narrow ...", "too wide ...", "95 % intervals well
        calibrated, 68 % intervals too wide ...", "mixed ..." or, with
        fewer than :data:`MIN_CALIBRATION_ROWS` values, "too few to judge" (the caller's
        sentence says which values: a run's test rows or an evaluated table's).

    Examples
    --------
    >>> calibration_verdict({0.68: 0.70, 0.95: 0.94}, n=200)
    'well calibrated: close to the 68 % and 95 % they stand for'
    >>> calibration_verdict({0.68: 0.40, 0.95: 0.71}, n=200)
    'too narrow: the model is over-confident'
    """
    if n < MIN_CALIBRATION_ROWS:
        return f"too few to judge: {MIN_CALIBRATION_ROWS} or more are needed"
    narrow = wide = False
    for level, (low, high) in CALIBRATED.items():
        observed = _coverage_of(coverage, level)
        if observed is None:
            continue
        narrow |= observed < low
        wide |= observed > high
    if narrow and wide:
        if (_coverage_of(coverage, 0.68) or 0) > CALIBRATED[0.68][1]:
            return ("mixed: too wide near the prediction and too narrow in the tails (the "
                    "errors have heavier tails than the intervals assume)")
        return "mixed: too narrow near the prediction and too wide in the tails"
    if narrow:
        return "too narrow: the model is over-confident"
    c95, (low95, high95) = _coverage_of(coverage, 0.95), CALIBRATED[0.95]
    if wide and c95 is not None and low95 <= c95 <= high95:
        return ("95 % intervals well calibrated, 68 % intervals too wide (the errors have "
                "heavier tails than a normal distribution: most are small, a few large)")
    if wide:
        return "too wide: more cautious than needed"
    return "well calibrated: close to the 68 % and 95 % they stand for"


#: networks from which an ensemble's spread is a usable per-sequence uncertainty
GOOD_ENSEMBLE = 5


def few_networks_note(networks: int, option: str = "--ensemble {n}") -> str | None:
    """A sentence for an ensemble too small to estimate a spread well, else None.
    ``option``: how the caller's user asks for :data:`GOOD_ENSEMBLE` networks (``{n}`` is
    replaced by the number; ``"n_models={n}"`` in Python)."""
    if not 1 < networks < GOOD_ENSEMBLE:
        return None
    return (f"{networks} networks estimate each sequence's spread roughly (where they happen "
            "to agree, the spread is near zero), so the intervals are mostly an error shared "
            "by every sequence, fitted on the validation rows, and tell sequences apart "
            f"little; {option.format(n=GOOD_ENSEMBLE)} or more gives tighter ones that follow "
            "each sequence.")


#: validation rows that size one network's interval well (fewer, from FEW_SCALING_ROWS on:
#: an interval, rougher); the advice after a run with too few names this number
GOOD_WIDTH_ROWS = 100


def no_width_note(n_validation: int, n_rows: int) -> str | None:
    """A sentence for a one-network run whose ``n_validation`` validation rows (of its
    ``n_rows`` training rows) are too few to size an interval, with the
    ``--validation-split`` that would hold out enough; None when there are enough, or none
    at all (``--validation-split 0``: a deliberate choice)."""
    from .estimators import FEW_SCALING_ROWS

    if not 0 < n_validation < FEW_SCALING_ROWS:
        return None
    need = [math.ceil(1000 * k / max(n_rows, 1)) / 1000 for k in (FEW_SCALING_ROWS,
                                                                  GOOD_WIDTH_ROWS)]
    better = (f" ({GOOD_WIDTH_ROWS} rows, --validation-split {need[1]:g}, size it better)"
              if need[1] < 0.5 else "")
    return (f"Only {n_validation} validation row{'s' if n_validation != 1 else ''}: too few "
            f"(under {FEW_SCALING_ROWS}) to size the network's 95 % interval, so its "
            "predictions have no prediction_std, lower_95 or upper_95. Train again with "
            f"--validation-split {need[0]:g} or more to hold out {FEW_SCALING_ROWS}" + better
            + ", or with --ensemble 5 for a width per sequence.")


#: what an ensemble's uncertainty columns are, said once after its calibration
INTERVALS_NOTE = ("prediction_std is the ensemble's calibrated uncertainty: the networks' "
                  "spread plus an error every sequence shares (such as measurement noise), "
                  "sized on the validation rows. The columns lower_95 and upper_95 of a "
                  "predictions table are the 95 % interval, sized to hold about 95 % of new "
                  "measurements (the calibration line says how they did here); the 68 % "
                  "interval (the bars of the observed-vs-predicted figure) is sized on its "
                  "own, so ± 1 prediction_std need not hold 68 %.")


#: what one network's uncertainty columns are (:func:`biochemml.estimators.interval_kind`
#: "one width"), said once after its calibration
ONE_WIDTH_NOTE = ("prediction_std of one network is the same for every sequence: the half-"
                  "width of its 95 % interval over 1.96 (a standard deviation, were the "
                  "errors normal), sized on the validation rows it did not train on (for a "
                  "log target the interval is the same factor up or down). It says how far "
                  "to trust the model on sequences like those it learnt from, not which ones "
                  "are uncertain: an ensemble (biochemml train --ensemble 5) gives each "
                  "sequence its own width. The columns lower_95 and upper_95 of a "
                  "predictions table are sized to hold about 95 % of new measurements (the "
                  "calibration line says how they did here); the 68 % interval is sized on "
                  "its own, so ± 1 prediction_std need not hold 68 %.")


def intervals_note(kind: str | None) -> str | None:
    """What the uncertainty columns of a model whose intervals are ``kind``
    (:func:`biochemml.estimators.interval_kind`) mean, or None without any."""
    return {"ensemble": INTERVALS_NOTE, "one width": ONE_WIDTH_NOTE}.get(kind)


def result_calibration(res: dict, values: str = "test values") -> tuple[str, str]:
    """The :func:`calibration_note` of one target's scores as metrics.json keeps them
    (``coverage``, ``n``, ``intervals``, ``interval_68_factor``), and the kind of its
    intervals (runs saved before 2026-12-02 have no ``intervals``: an ensemble's)."""
    kind = res.get("intervals", "ensemble")
    return calibration_note(res["coverage"], res.get("n", 0), kind,
                            res.get("interval_68_factor"), values), kind


def calibration_note(coverage: dict, n: int, kind: str | None = "ensemble",
                     factor_68: float | None = None, values: str = "test values") -> str:
    """What each interval holds of the scored values, and the verdict; with ``factor_68``
    a second sentence naming the intervals.

    ``kind``: how the intervals were made (:func:`biochemml.estimators.interval_kind`;
    metrics.json keeps it as ``intervals``, absent in runs saved before 2026-12-02:
    an ensemble's). ``factor_68``: the 68 % interval's half-width in ``prediction_std``
    units (metrics.json ``interval_68_factor``), so the sentence names the interval it
    judges, which no predictions table holds. ``values``: what was scored ("values of
    new.csv" for an evaluation)."""
    held = ", ".join(f"{float(k):.0%} intervals hold {float(v):.1%}" for k, v in
                     sorted(coverage.items(), key=lambda kv: float(kv[0])) if v is not None)
    whose = ("one network's intervals, one width for all" if kind == "one width"
             else "the ensemble's standard deviation")
    which = (f" The 68 % interval is prediction ± {factor_68:.2f} prediction_std (no table "
             "holds it); the 95 % interval is lower_95 to upper_95." if factor_68 else "")
    return (f"Calibration of {whose}: {held} of the {n} {values} "
            f"({calibration_verdict(coverage, n)}).{which}")


def _stop_alphabet(seqs, alphabet):
    """``protein-stop`` for a protein table holding ``*`` (stop codons of a mutational scan),
    said in the terminal; ``alphabet`` otherwise."""
    from .alphabets import get_alphabet

    if get_alphabet(alphabet).name != "protein":
        return alphabet
    stops = sum("*" in q for q in seqs)
    if not stops:
        return alphabet
    say(f"{stops} sequence{'' if stops == 1 else 's'} hold{'s' if stops == 1 else ''} * (a stop "
        "codon): the model reads * as a 21st letter (alphabet protein-stop), so each position "
        "gets its own nonsense effect")
    return "protein-stop"


def _note_ambiguous(seqs, df: pd.DataFrame, alphabet, unknown: str = "zeros") -> None:
    """Say how many sequences hold ambiguity letters (N, ...) and how they are encoded."""
    import re

    from .alphabets import get_alphabet

    letters = get_alphabet(alphabet).ambiguous
    if not letters:
        return
    pattern = re.compile("[" + re.escape(letters) + "]")
    hits = [i for i, q in enumerate(seqs) if pattern.search(q)]
    if not hits:
        return
    found = sorted({c for i in hits[:1000] for c in pattern.findall(seqs[i])})
    found = [c + " (a stop codon)" if c == "*" else c for c in found]
    how = ("all-zero positions (no base: the model reads nothing there)"
           if unknown == "zeros" else "uniform rows (each letter gets an equal share)")
    one = len(hits) == 1
    say(f"{len(hits)} sequence{'' if one else 's'} ({rows_text(df, hits)}) "
        f"contain{'s' if one else ''} {', '.join(found)} or other ambiguous letters; "
        f"encoded as {how}")


def _copies(seqs, df: pd.DataFrame, alphabet) -> tuple[np.ndarray | None, str | None]:
    """The copy of each row (one code per distinct sequence) when some sequence occurs more
    than once (replicates, or one variant measured twice), with the note a random split
    says about them; ``(None, None)`` when all differ. DNA and RNA spellings of one
    sequence are copies. A random split keeps each sequence's copies on one side: copies on
    both sides would score the model on sequences it trained on."""
    read = pd.Series(_as_read(seqs, alphabet))
    repeated = read.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return None, None
    distinct = read[repeated].nunique()
    one = distinct == 1
    return pd.factorize(read)[0], (
        f"{distinct} sequence{'' if one else 's'} occur{'s' if one else ''} more than once "
        f"({rows_text(df, np.flatnonzero(repeated))}): the random split keeps each "
        "sequence's copies on one side, so no test sequence was seen in training.")


def _trained_sequence_column(df: pd.DataFrame, cfg: dict) -> str:
    """The column of sequences a run reads by default: the training table's name for it,
    or ``sequence`` in a FASTA file, whose records are the sequences whatever the training
    table called them."""
    column = cfg["sequence_column"]
    if column not in df.columns and df.attrs.get("format") == "fasta" and "sequence" in df:
        return "sequence"
    return column


def sequence_column_hint(df: pd.DataFrame) -> str:
    """The end of a 'has no column' message for the sequence column: the table's columns
    that look like sequences (their first 50 filled cells are words of 5 or more letters
    of the DNA/RNA or the protein alphabet, mostly distinct: not a column of library
    names), named with the option that takes them."""
    letters = set("ACDEFGHIKLMNPQRSTVWYUX*")
    looks = []
    for name in df.columns:
        cells = df[name].dropna().head(50)
        if len(cells) and cells.nunique() > len(cells) / 2 and all(
                isinstance(v, str) and len(v.strip()) >= 5 and set(v.strip().upper()) <= letters
                for v in cells):
            looks.append(str(name))
    if not looks:
        return (". Name the table's column of sequences with --sequence-column "
                "(sequence_column_name= in Python)")
    first = looks[0]
    return (f". {', '.join(repr(n) for n in looks)} "
            f"{'looks' if len(looks) == 1 else 'look'} like sequences: name "
            f"{'it' if len(looks) == 1 else 'the right one'} with --sequence-column "
            f"{shlex.quote(first)} (sequence_column_name={first!r} in Python)")


@contextlib.contextmanager
def notes_said(*also):
    """Hide the estimators' AmbiguityWarning and LengthWarning inside: ``read_for_model``
    (or the same two notes) has already said them, naming the table's rows. ``also``:
    more warning categories the run says in its own words (CalibrationWarning at fit)."""
    from .errors import AmbiguityWarning, LengthWarning

    with warnings.catch_warnings():
        for said in (AmbiguityWarning, LengthWarning, *also):
            warnings.simplefilter("ignore", said)
        yield


def _note_lengths(seqs, est, df=None) -> None:
    """Say how many sequences are longer than the model's input (and which end was kept)
    or shorter than every training sequence (:func:`biochemml.estimators.length_notes`),
    and which rows of ``df`` (the table read) they are."""
    from .estimators import length_notes

    for flagged, rest in length_notes(
            seqs, est, where=lambda index: "" if df is None else f" ({rows_text(df, index)})"):
        say(f"[yellow]{flagged}[/yellow]{rest}")


def train_run(data, *, sequence_column_name: str = "sequence", target_columns=("label",),
              task: str = "classification", out=None, model: str | None = None,
              test_size: float = 0.2, split: str = "random", split_column: str | None = None,
              max_distance: int | None = None, distance: str = "hamming",
              group_column: str | None = None, stratify: bool = True, weight_column: str | None = None, seed: int = 0,
              alphabet: str = "dna", pad: str | None = None, epochs: int | None = None,
              batch_size: int | None = None, learning_rate: float | None = None,
              schedule: str | None = None, time_limit: float | None = None,
              validation_split: float = 0.1, n_models: int | str | None = None,
              target_transform: str = "standardize", model_params: dict | None = None,
              baselines: bool = True, title: str | None = None, positive=None,
              patience: int | None = None,
              command: str | None = None, data_name: str | None = None,
              context: list | None = None) -> Path:
    """Train a sequence model on a table and write a run folder.

    Parameters
    ----------
    data : str, Path or pandas.DataFrame
        CSV/TSV/Parquet/FASTA file, or a DataFrame.
    sequence_column_name : str
    target_columns : str or sequence of str
        The label column (classification) or one or more value columns (regression;
        empty cells mark values not measured when there are several).
    task : {"classification", "regression"}
    out : path, optional
        The run folder; default ``runs/<date>-<time>-<task>``. Must not exist yet.
    model : str, optional
        A registered model name (``biochemml models``) or a baseline (``ridge``,
        ``ridge-pairs``, ``gbm-kmer``, ``gbm-onehot``); default the task's best general
        choice (:data:`biochemml.presets.DEFAULT_MODEL`).
    test_size : float
        Fraction held out for the test set (stratified for classification). A random split
        of a table where some sequence occurs more than once holds out this fraction of
        the distinct sequences, with all their copies (the run says so when the share of
        rows differs by more than 5 points).
    split : {"random", "similarity", "group"}
        How the test set is drawn. ``"similarity"``: no test sequence within
        ``max_distance`` mismatches of a training sequence (some rows may be left out,
        see :func:`biochemml.evaluation.similarity_split`); ``"group"``: whole groups of
        ``group_column`` on one side.
    split_column : str, optional
        Use a column with ``train`` / ``test`` values instead (overrides ``split``).
    max_distance : int, optional
        Threshold of the similarity-aware split (default 10 % of the median length).
    distance : {"hamming", "edit"}
        Distance of the similarity-aware split and of the report's "error by distance
        to the nearest training sequence": mismatches of the aligned sequences, or
        Levenshtein edits (insertions and deletions count once).
    group_column : str, optional
        Column of groups (e.g. the gene a 5' UTR comes from, or the library of a pooled
        table): ``split="group"`` keeps each group on one side, and with any split a
        regression report adds the test metrics of each group (up to 200 groups).
    stratify : bool
        Keep class proportions equal in the training and test sets (classification).
    positive : label, optional
        The positive class of a two-class table (e.g. ``"bound"``), for precision, recall,
        sensitivity and the ROC / PR curves; default the rarer class of the table
        (:func:`biochemml.metrics.default_positive`: ``1`` for 0/1 labels, the last in
        sorted order when both are equally common).
    weight_column : str, optional
        Per-row loss weights (e.g. read counts).
    seed : int
    pad : {"left", "right"}, optional
        Padding side for sequences of different lengths. Default ``"left"`` for
        regression (sequences aligned at their 3' end: a 5' UTR or RBS next to the start
        codon, a promoter next to the TSS) and ``"right"`` for classification.
    alphabet, epochs, batch_size, learning_rate, schedule, time_limit, validation_split,
    n_models, target_transform, model_params, patience
        Passed to :class:`~biochemml.SequenceClassifier` / :class:`~biochemml.SequenceRegressor`
        (``n_models=None``: the estimator's default, ``"auto"`` for regression).
    baselines : bool
        Regression: also fit the scikit-learn baselines on the same split and show them
        in the report.
    title, command : str, optional
        The report's title, and the command line config.yaml records.
    data_name : str, optional
        What the terminal, config.yaml and the report call the data (default the file
        path, or "DataFrame").
    context : list of str, optional
        Sentences the report puts first among its notes: what the caller knows of the
        data (the demo: the best accuracy such data allow).

    Returns
    -------
    Path
        The run folder.
    """
    from . import plot, report
    from .progress import is_quiet

    if task not in TASKS:
        raise InputError(f"task must be one of {', '.join(TASKS)}, not '{task}'")
    targets = [target_columns] if isinstance(target_columns, str) else list(target_columns)
    if not targets:
        raise InputError("name at least one target column")
    if task == "classification" and len(targets) != 1:
        raise InputError("classification takes exactly one label column")
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise InputError(f"the target column {', '.join(map(repr, twice))} is named more than "
                         "once; name each target column once")
    from .evaluation import METRICS

    if distance not in METRICS:
        raise InputError(f"distance must be 'hamming' or 'edit', not '{distance}'")
    if max_distance is not None and (split != "similarity" or split_column is not None):
        raise InputError("a maximum distance (--max-distance) is the threshold of a "
                         "similarity-aware split: add --split similarity" +
                         (", not a split column" if split_column is not None else
                          f" (this run's split is '{split}')"))
    pad = pad or ("left" if task == "regression" else "right")
    if pad not in ("left", "right"):
        raise InputError(f"pad must be 'left' or 'right', not '{pad}'")
    if patience is not None and (isinstance(patience, bool) or not isinstance(
            patience, (int, np.integer)) or patience < 1):
        raise InputError(f"the patience (--patience) must be a whole number of epochs >= 1, "
                         f"not {patience!r}")
    if time_limit is not None and not time_limit > 0:
        raise InputError(f"the time limit must be a positive number of minutes, not {time_limit}")
    _check_options(task=task, group_column=group_column, split=split, split_column=split_column,
                   test_size=test_size,
                   validation_split=validation_split, target_transform=target_transform,
                   n_models=n_models, model=model, schedule=schedule, epochs=epochs,
                   batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                   time_limit=time_limit, patience=patience)
    out = check_new_folder(out if out is not None else default_run_dir(task))
    started = time.time()
    df = data if isinstance(data, pd.DataFrame) else read_table(data)
    from . import provenance

    recorded = provenance.record(data)  # the file as read, not as it may be after training
    data_name = data_name or (str(data) if not isinstance(data, pd.DataFrame) else "DataFrame")
    require_columns(df, [sequence_column_name], what=", the sequence column",
                    hint=sequence_column_hint(df))
    require_columns(df, targets)
    _check_rows(df, len(df))
    seqs = np.asarray(sequence_column(df, sequence_column_name, alphabet), dtype=object)
    alphabet = _stop_alphabet(seqs, alphabet)
    y = _values(df, task, targets)
    blank_notes = []
    if task == "regression":
        for column, values in zip(targets, np.asarray(y).reshape(len(df), -1).T):
            _check_varies(df, column, values)
        blank_notes = _blank_value_notes(df, targets, y)
        for note in blank_notes:
            say(f"[yellow]{note}[/yellow]")
    elif positive is not None:
        positive = _positive_class(df, targets[0], y, positive)
    else:
        positive = _default_positive(y, targets[0])
    if positive is not None and task != "classification":
        raise InputError("a positive class (--positive) is for classification")
    weights = None if weight_column is None else numeric_column(df, weight_column)
    _check_values(df, task, targets, y, weight_column, weights, target_transform)
    split_values = None
    if split_column is not None:
        split_values = read_split_column(df, split_column)
    groups = None
    if group_column is not None:
        groups = label_column(df, group_column)
    copies = copies_note = None
    if split == "random" and split_column is None:
        copies, copies_note = _copies(seqs, df, alphabet)
        if copies_note:
            say(f"[yellow]{copies_note}[/yellow]")
    ceiling = ceiling_note = None
    if task == "regression":  # replicates tell how much of the values is noise
        from . import metrics as _metrics

        first_y = np.asarray(y, dtype=float).reshape(len(df), -1)[:, 0]
        on_log = target_transform == "log"  # values are > 0 then (checked above)
        ceiling = _metrics.replicate_ceiling(pd.factorize(pd.Series(_as_read(seqs, alphabet)))[0],
                                             np.log(first_y) if on_log else first_y)
        if ceiling is not None:
            ceiling["scale"] = "log" if on_log else "values"
            ceiling_note = (
                f"{ceiling['groups']} sequences were measured more than once"
                + (f" (first target, {targets[0]})" if len(targets) > 1 else "")
                + f": their measurements differ by a pooled SD of {ceiling['noise_sd']:.3g}"
                + (" on the log scale" if on_log else "")
                + ", so even a perfect model would reach a test R² of about "
                f"{ceiling['r2_ceiling']:.2f}" + (" on the log scale" if on_log else "")
                + " on single measurements like these (the noise ceiling; lower where the "
                "noise differs between sequences).")
            say(ceiling_note)
    strata = y if task == "classification" and stratify else None
    if strata is not None and split_values is None and split == "random":
        _check_classes(df, targets[0], strata)
    if split == "similarity" and split_column is None and max_distance is None:
        from .evaluation import default_max_distance

        max_distance = default_max_distance(seqs)  # recorded in config.yaml and the report
    apart = (f"no test sequence within {max_distance} {_distance_words(distance)} of a "
             "training one") if split == "similarity" and split_column is None else None
    try:
        train_idx, test_idx, left_out = _split(
            len(df), strata, test_size, seed, split_values, kind=split, seqs=seqs,
            max_distance=max_distance, groups=groups, alphabet=alphabet, pad=pad,
            distance=distance, copies=copies)
    except InputError as err:  # name the file the rows came from
        if err.path is not None or "path" not in df.attrs:
            raise
        raise InputError(err.message, path=df.attrs["path"], column=err.column) from None
    _check_rows(df, len(df), len(train_idx), len(test_idx),
                fix="lower --max-distance (fewer sequences are then left out) or change "
                    "--test-size" if split == "similarity" and split_column is None else
                    "add rows or change --test-size")
    scored_y, unscored = _scored_values(task, y, weights, test_idx, weight_column)
    if unscored:
        say(f"[yellow]{unscored}[/yellow]")
    if task == "regression":
        _check_scored_test_rows(df, targets, scored_y, test_idx, weight_column)
    if task == "classification":
        _check_sides(df, targets[0], y, train_idx, test_idx,
                     how=(f"rows marked 'test' in column '{split_column}'" if split_column else
                          f"whole groups of '{group_column}'" if split == "group" else
                          f"split '{split}'"))
    if copies is not None and abs(len(test_idx) / len(df) - test_size) > 0.05:
        copies_note += (f" The test set holds {test_size:.0%} of the distinct sequences, "
                        f"{len(test_idx) / len(df):.0%} of the rows (some sequences have "
                        "many copies).")
        say(f"[yellow]The test set holds {len(test_idx) / len(df):.0%} of the rows[/yellow] "
            f"({test_size:.0%} of the distinct sequences, copies kept together).")
    if split == "group" and split_column is None and len(set(groups)) < 5:
        say(f"[yellow]Only {len(set(groups))} groups in '{group_column}'[/yellow]: whole groups "
            f"go to the test set (here {group_names(groups[test_idx])}), so it holds "
            f"{len(test_idx) / len(df):.0%} of the rows "
            f"(asked: {test_size:.0%}). With few groups, a random split and --group-column "
            "give per-group scores instead.")
    say(f"[bold]biochemml[/bold] {task}: {len(train_idx)} training and {len(test_idx)} test "
        f"sequences from {data_name}" + (f" ({len(left_out)} left out: too close to the test "
                                          "set)" if len(left_out) else "")
        + (f"; {apart}" if apart else ""))
    est = _make_estimator(task, model, epochs=epochs, batch_size=batch_size,
                          learning_rate=learning_rate, schedule=schedule,
                          time_limit=time_limit, validation_split=validation_split,
                          alphabet=alphabet, pad=pad, n_models=n_models, seed=seed,
                          **({} if patience is None else {"patience": patience}),
                          model_params=model_params, target_transform=target_transform,
                          verbose=not is_quiet())  # a bar, or plain lines in a log
    _note_ambiguous(seqs, df, alphabet, getattr(est, "unknown", "zeros"))
    t_fit = time.perf_counter()
    from .errors import CalibrationWarning

    # _note_ambiguous said it, naming file rows; the intervals' notes are said below
    with notes_said(CalibrationWarning):
        est.fit(seqs[train_idx], y[train_idx],
                sample_weight=None if weights is None else weights[train_idx])
    fit_seconds = time.perf_counter() - t_fit
    networks = int(getattr(est, "n_models_", 1))  # baselines: 1
    spread = ("predictions average their class probabilities" if task == "classification"
              else "predictions are their mean, uncertainty their calibrated spread"
              if validation_split else "predictions are their mean, uncertainty their "
              "spread, not calibrated: no validation rows")
    from .progress import duration

    info = getattr(est, "fit_info_", None) or []
    epochs_said = ""
    if info and all("epochs_run" in i for i in info):  # networks: how far each trained
        cap = (getattr(est, "training_", None) or {}).get("epochs")
        run = "/".join(str(i["epochs_run"]) for i in info)
        best = "/".join(str(i["best_epoch"] + 1) if i.get("best_epoch", -1) >= 0 else "last"
                        for i in info)
        epochs_said = (f", {run} epochs" + (f" of at most {cap}" if isinstance(cap, int) else "")
                       + f" (best {best})")
    say(f"Trained {est.model_name_} in {duration(fit_seconds)}{epochs_said}"
        + (f": {networks} networks, a deep ensemble ({spread})" if networks > 1 else ""))
    from .estimators import scaling_note

    scaled = scaling_note(networks, info[0].get("validation_rows", 0),
                          "a larger --validation-split") \
        if task == "regression" and info else None
    few = " ".join(filter(None, [
        few_networks_note(networks) if task == "regression" else None,
        scaled and scaled[0].upper() + scaled[1:] + ".",
        no_width_note(info[0].get("validation_rows", 0), len(train_idx))
        if task == "regression" and networks == 1 and info and hasattr(est, "models_")
        else None])) or None
    if few:
        say(f"[yellow]{few}[/yellow]")
    if task == "regression":
        est.target_names_ = targets

    with atomic_folder(out) as tmp, notes_said():
        by_group = split == "group" and groups is not None
        result, table, figures = _evaluate(est, task, seqs[test_idx], scored_y[test_idx], tmp,
                                           positive=positive,
                                           clusters_of=groups[test_idx] if by_group else None)
        tables, extra = {}, {}
        if task == "regression":
            more_figures, tables, extra = _regression_extras(
                est, seqs, scored_y, train_idx, test_idx, table, tmp,
                baselines=("ridge", "ridge-pairs", "gbm-kmer") if baselines else (),
                max_distance=max_distance, seed=seed, distance=distance,
                test_groups=None if groups is None else groups[test_idx],
                group_column=group_column, weights=weights, fit_seconds=fit_seconds)
            figures += more_figures
        if hasattr(est, "history_"):
            which = f"network 1 of {networks}" if networks > 1 else ""
            plot.training_curves(est.history_, path=tmp / "figures" / "training_curves.png",
                                 title="Training curves" + (f": {which}" if which else ""),
                                 loss_label=_LOSS_WORDS[task if task == "classification"
                                                        else target_transform])
            figures.insert(0, ("Training curves" + (f" of {which}" if which else "")
                               + " (loss and metric per epoch, counted from 1"
                               + ("; history.csv holds the same network" if which else "")
                               + ")", tmp / "figures" / "training_curves.png"))
            pd.DataFrame(est.history_).rename_axis("epoch").to_csv(tmp / "history.csv")
        if hasattr(est, "verbose"):  # the run showed progress; a loaded model starts quiet
            est.verbose = False
        est.save(tmp / ("model.pt" if hasattr(est, "history_") else "model.joblib"))
        # 8 bytes a training sequence: lets `evaluate` spot tables that repeat them
        np.save(tmp / TRAINING_HASHES, np.unique(_sequence_hashes(seqs[train_idx], alphabet)))
        predictions = join_outputs(df.iloc[test_idx], table, front=pd.DataFrame(
            {"row": file_rows(df, test_idx)}))
        predictions.to_csv(tmp / "predictions.csv", index=False)
        fit_info = getattr(est, "fit_info_", None)
        config = {
            "biochemml_version": __version__,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "command": command, "data": data_name, "sequence_column": sequence_column_name,
            "target_columns": targets, "task": task, "split": {
                "kind": "column" if split_column else split, "test_size": test_size,
                "split_column": split_column, "max_distance": max_distance,
                "distance": distance,
                "group_column": group_column, "seed": seed, "n_train": int(len(train_idx)),
                "n_test": int(len(test_idx)), "n_left_out": int(len(left_out))},
            "weight_column": weight_column, "positive": positive,
            "estimator": type(est).__name__,
            "estimator_params": est.get_params(), "model": est.model_name_,
            "model_params": getattr(est, "model_params_", {}),
            "networks": networks,
            "training": getattr(est, "training_", {}),
            "baselines": bool(baselines) and task == "regression",
            "devices": sorted({str(i.get("device")) for i in (fit_info or [])
                               if i.get("device")}) or None,
            "provenance": recorded,
        }
        write_yaml(tmp / "config.yaml", config)
        summary = {
            "data": data_name, "task": task,
            ("target column" if len(targets) == 1 else "target columns"):
                ", ".join(map(str, targets)),
            "model": est.model_name_,
            "training / test sequences": f"{len(train_idx)} / {len(test_idx)}"
                                         + (f" ({len(left_out)} left out)" if len(left_out) else ""),
            "split": config["split"]["kind"] + (f" ({apart})" if apart else ""),
            "sequence length": _length_words(seqs, est.input_length_, pad),
            "padding": pad, "seed": seed,
        }
        weights_note = None
        if weight_column is not None:
            w = np.asarray(weights, dtype=float)[train_idx]
            effective = float(w.sum() ** 2 / (w ** 2).sum()) if (w > 0).any() else 0.0
            summary["weights"] = (f"column '{weight_column}' weighs each training row in the "
                                  "loss" + (" (baselines too); test metrics count every row "
                                            "of weight above 0 once" if task == "regression"
                                            else "; test metrics count every row once")
                                  + f"; the weights make the {len(w):,} training rows count "
                                  f"as about {effective:,.0f} equal ones (effective sample "
                                  "size, (Σw)²/Σw²)")
            if effective < 0.5 * len(w):
                weights_note = (f"The weights of '{weight_column}' make the {len(w):,} training "
                                f"rows count as about {effective:,.0f} equal ones (effective "
                                "sample size): a few heavy rows dominate the fit.")
                say(f"[yellow]{weights_note}[/yellow]")
        if task == "regression" and target_transform == "log":
            summary["target transform"] = ("log: models fit log(value) and predict "
                                           "exp(predicted log) on the original scale, a "
                                           "geometric mean (the median of a log-normal "
                                           "error), below the arithmetic mean (baselines too)")
        if config["networks"] > 1:
            summary["networks"] = f"{config['networks']} (a deep ensemble: {spread})"
        if fit_info:
            summary["epochs run (best)"] = _epochs_text(fit_info)
            summary["fit time"] = (f"{sum(i['fit_seconds'] for i in fit_info):.1f} s on "
                                   f"{fit_info[0]['device']}")
        summary["total time"] = f"{time.time() - started:.1f} s"
        json_metrics = {"task": task, "test": result, "fit": fit_info, **extra,
                        **({"noise_ceiling": ceiling} if ceiling else {})}
        (tmp / "metrics.json").write_text(json.dumps(_json_ready(json_metrics), indent=2))
        notes, first = [], []  # first: the report's "Read this first" box
        if weights_note:
            notes.append(weights_note)
        constant = constant_prediction_note(table) if task == "regression" else None
        if constant:
            first.append(constant)
            say(f"[yellow]{constant}[/yellow]")
        still = None if constant else _still_improving(fit_info)
        if still:
            first.append(still)
            say(f"[yellow]{still}[/yellow]")
        limited = time_limit_note(fit_info, time_limit,
                                  (getattr(est, "training_", None) or {}).get("patience"))
        if limited:
            first.append(limited)
        if task == "regression" and groups is not None and "by_group" not in extra:
            n_test_groups = len(set(groups[test_idx]))
            notes.append(f"No per-{group_column} table: the test set holds {n_test_groups} "
                         f"group{'s' if n_test_groups != 1 else ''} of '{group_column}' "
                         f"({group_names(groups[test_idx])})"
                         + (" (split 'group' puts each group wholly in training or test)"
                            if split == "group" else "")
                         + f"; scoring groups apart needs 2 to {MAX_GROUPS}.")
        notes += list(context or []) + blank_notes
        if unscored:
            notes.append(unscored)
        if copies_note:
            notes.append(copies_note)
        if ceiling_note:
            notes.append(ceiling_note)
        near = near_relatives_note(extra.get("near_relatives")) \
            if split == "random" and split_column is None else None
        far_note = far_rows_note(extra.get("near_relatives")) \
            if split == "random" and split_column is None else None
        for said_note in (copies_in_test_note(extra.get("near_relatives")), near, far_note):
            if said_note:
                notes.append(said_note)
                say(f"[yellow]{said_note}[/yellow]")
        notes += _evaluation_notes(result, targets)  # confusion matrix; calibration by target
        if task == "classification" and majority_note(result):
            say(f"[yellow]{majority_note(result)}[/yellow]")
        if task != "classification":
            if len(left_out):
                would = len(train_idx) + len(left_out)  # what a random split would train on
                notes.append(f"Similarity-aware split: {len(left_out)} sequences within "
                             "the distance threshold of a test sequence were used for neither "
                             f"training nor testing, so the model trained on {len(train_idx):,} "
                             f"rows, {len(train_idx) / would:.0%} of the {would:,} a random split "
                             "with this test set would give it: part of any drop from a random "
                             "split's score comes from the smaller training set.")
            if few:
                notes.append(few)
            if extra.get("error_by_distance_note"):
                notes.append(extra["error_by_distance_note"])
            if len(test_idx) < FEW_TEST_ROWS:  # no verdict from a handful of values
                better = (f"Only {len(test_idx)} test values: their scores (and which model "
                          "scores best) are mostly chance, whatever their intervals say. "
                          f"Score a model on {FEW_TEST_ROWS} or more held-out values: add rows, "
                          "or measure new sequences and run biochemml evaluate.")
            else:
                better = _better_baseline(extra.get("baselines"), still_improving=bool(still),
                                          log_scale=extra.get("baselines_scale") == "log")
                if better and len(targets) > 1:  # the baselines are fitted to it alone
                    better = f"First target, {targets[0]}: {better}"
            if better:
                first.append(better)
                say(f"[yellow]{better}[/yellow]")
        shown, caption = _prediction_sample(predictions, task, targets[0])
        caption += (f" (all {len(predictions):,} are in predictions.csv; row: each one's row "
                    "in the table the run read, as a spreadsheet counts them)")
        tables[caption] = shown.reset_index(drop=True)  # file rows are in `row`
        over = "test examples"
        n_held = len(set(groups[test_idx])) if by_group else 0
        if n_held == 1:  # _evaluate resampled rows: one group has no group-level spread
            one = (f"Only one group of '{group_column}' is held out, so the 95 % intervals "
                   "resample its test rows: they say how sure the score is for this group, "
                   "not how another unseen group would fare.")
            notes.append(one)
            say(f"[yellow]{one}[/yellow]")
        elif by_group:
            over = f"the {n_held} held-out groups of '{group_column}' (all their test rows)"
            notes.append(f"The 95 % intervals are a bootstrap over the {n_held} held-out groups "
                         f"of '{group_column}': each resample draws groups with replacement and "
                         "takes all their test rows, since sequences of one unseen group are "
                         "not independent tests.")
        report.write_report(tmp / "report.html", title or f"biochemml {task} run", summary=summary,
                            metrics=_report_metrics(task, result, targets), figures=figures,
                            notes=notes, config=config, warnings=first,
                            tables=tables, intervals_over=over)
    return out


#: fewer test values than this: a run warns that its scores are mostly chance and gives
#: no verdict on which model is best
FEW_TEST_ROWS = 20
#: test R² by which a baseline must beat the run's model for the run to say so
BASELINE_MARGIN = 0.05


def run_test_scores(run_dir) -> tuple[str | None, str | None]:
    """What a report built on a trained run (interpret, evaluate) repeats of the run's own
    test: ``(score, warning)``, e.g. ``("R² 0.219 (0.181-0.250), 600 test sequences",
    "In its training run, the baseline gbm-kmer beat ...")``, each target's R² for
    several; None where the run's metrics.json lacks them (older runs)."""
    path = Path(run_dir) / "metrics.json"
    if not path.exists():
        return None, None
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return None, None
    test = saved.get("test") or {}
    first_target = None

    def shown(name, value):
        if isinstance(value, dict) and value.get("value") is not None:
            low, high = value.get("low"), value.get("high")
            return f"{name} {value['value']:.3f}" + (
                f" (95 % CI {low:.3f} to {high:.3f})" if low is not None and high is not None
                else "")
        return f"{name} {value:.3f}" if isinstance(value, (int, float)) else None

    if saved.get("task") == "classification":
        score = shown("accuracy", test.get("accuracy_interval") or test.get("accuracy"))
    elif "r2" in test:
        score = shown("R²", test.get("r2"))
    else:  # several targets: each one's R²
        parts = [shown(f"{t}: R²", r.get("r2")) for t, r in test.items()
                 if t not in ("unseen", "all_rows") and isinstance(r, dict)]
        first_target = next((t for t, r in test.items()
                             if t not in ("unseen", "all_rows") and isinstance(r, dict)), None)
        score = "; ".join(p for p in parts if p) or None
        test = next((r for t, r in test.items() if t not in ("unseen", "all_rows")
                     and isinstance(r, dict)), {})
    if score is None:
        return None, None
    if test.get("n"):
        score += f", {test['n']:,} test rows"
    if saved.get("task") == "regression" and test.get("n") and test["n"] < FEW_TEST_ROWS:
        return score, (f"In its training run, only {test['n']} test values, so its scores "
                       "(and which model scored best) are mostly chance.")
    better = _better_baseline(saved.get("baselines"),  # as the training report said it
                              still_improving=bool(_still_improving(saved.get("fit"))),
                              log_scale=saved.get("baselines_scale") == "log")
    if better and first_target:
        better = f"for its first target, {first_target}, {better[0].lower()}{better[1:]}"
    return score, (f"In its training run, {better[0].lower()}{better[1:]}" if better else None)


def time_limit_note(fit_info, time_limit, patience=None) -> str | None:
    """A sentence when the time limit stopped a network that was still learning, else
    None. Each of ``n`` networks gets ``time_limit / n`` minutes; one stopped ``patience``
    or more epochs after its best epoch would have been stopped by early stopping anyway,
    so a longer limit would not have helped it."""
    if not fit_info or time_limit is None:
        return None
    cut = [k for k, i in enumerate(fit_info) if i.get("time_limit_hit") and not (
        patience and i.get("best_epoch", -1) >= 0
        and i["epochs_run"] - (i["best_epoch"] + 1) >= patience)]
    if not cut:
        return None
    n = len(fit_info)
    who = ("Training" if n == 1 else
           f"Network{'s' if len(cut) > 1 else ''} {', '.join(str(k + 1) for k in cut)} of {n}")
    share = (f"the time limit ({time_limit:g} min)" if n == 1 else
             f"{'their shares' if len(cut) > 1 else 'its share'} of the time limit "
             f"({time_limit / n:.2g} min each of {time_limit:g} min)")
    return (f"{who} stopped at {share} while still learning; the best finished epoch was "
            "kept. A longer --time-limit may give a better model.")


def constant_prediction_note(table: pd.DataFrame) -> str | None:
    """A sentence when a regression run predicts (nearly) one value for every test row
    (``table``: its predictions, columns ``prediction`` or ``prediction_<target>``), else
    None. Such a network learnt nothing from the sequences (a collapsed one: every ReLU
    of its last layer off); "train longer" would be the wrong advice, and its Pearson r
    is undefined."""
    columns = [c for c in table.columns if str(c) == "prediction" or (
        str(c).startswith("prediction_") and not str(c).startswith("prediction_std"))]
    for c in columns:
        values = pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values) >= 2 and np.ptp(values) <= 1e-6 * (1.0 + np.abs(values).max()):
            which = "" if c == "prediction" else f" of {str(c)[len('prediction_'):]}"
            return (f"The model predicts the same value{which} ({values[0]:.3g}) for every "
                    "test sequence: it learnt nothing from the sequences, and its scores are "
                    "those of a constant. Try another model (--model mlp, legnet, or the best "
                    "baseline), a smaller --learning-rate, or check that the values depend "
                    "on the sequences.")
    return None


#: fewest validation rows whose best epoch says the network was still learning
MIN_VALIDATION_ROWS = 10


def _still_improving(fit_info) -> str | None:
    """A sentence when every network's best validation epoch was its last and training
    ran all its epochs (not stopped by the time limit), else None: the networks were
    still learning, and more epochs would likely give a better model."""
    if not fit_info or any(i.get("time_limit_hit") or i.get("best_epoch", -1) < 0
                           for i in fit_info):
        return None
    if any(i["best_epoch"] + 1 != i["epochs_run"] for i in fit_info):
        return None
    if any(i.get("validation_rows", MIN_VALIDATION_ROWS) < MIN_VALIDATION_ROWS
           for i in fit_info):  # a best epoch chosen on a handful of rows says little
        return None
    n = fit_info[0]["epochs_run"]
    return (f"The validation score was still improving at the last epoch ({n} of {n}"
            + (", every network" if len(fit_info) > 1 else "") + "): training ended "
            f"before the model had learnt what it could. Train longer (--epochs {2 * n} with "
            f"biochemml train, epochs={2 * n} in Python).")


def _better_baseline(rows, still_improving: bool = False,
                     log_scale: bool = False) -> str | None:
    """A sentence when a baseline beats the run's model on the test set by more than
    ``BASELINE_MARGIN`` of R² (``rows``: the baselines table, the model last), else None.
    ``still_improving``: the network was still learning at its last epoch, so the advice
    is to train longer before giving up on it. ``log_scale``: the rows score a log-target
    run on the log scale, and the sentence says so."""
    if not rows or len(rows) < 2:
        return None
    *baselines, own = rows
    scored = [r for r in baselines if r["r2"] is not None and np.isfinite(r["r2"])]
    if not scored or own["r2"] is None or not np.isfinite(own["r2"]):
        return None
    best = max(scored, key=lambda r: r["r2"])
    if best["r2"] <= own["r2"] + BASELINE_MARGIN:
        return None
    name = own["model"].removesuffix(" (this run)")
    r2 = "R² on the log scale" if log_scale else "R²"
    if best["r2"] <= 0:  # better than the model, yet no better than the mean: no advice
        return (f"No model predicts the test set better than the mean of the values ({r2} "
                f"{own['r2']:.3f} for {name}, {best['r2']:.3f} at best for the baselines): "
                "check that the values depend on the sequences, or give more data.")
    from .baselines import BASELINES

    if name in BASELINES:  # one baseline against another: neither is the simpler
        return (f"The baseline {best['model']} beat {name} on the test set ({r2} "
                f"{best['r2']:.3f} against {own['r2']:.3f}): train it with --model "
                f"{best['model']}.")
    if still_improving:
        return (f"The baseline {best['model']} beat {name} on the test set ({r2} "
                f"{best['r2']:.3f} against {own['r2']:.3f}), but {name} was still improving "
                "at its last epoch: train it longer before choosing (or use --model "
                f"{best['model']}).")
    said = (f"The baseline {best['model']} beat {name} on the test set ({r2} {best['r2']:.3f} "
            f"against {own['r2']:.3f}): on this table the baseline is the better model; "
            f"train it with --model {best['model']} (or give the network more data).")
    if name == "framepool" and best["model"] in ("ridge", "ridge-pairs"):
        # a positional baseline beating a position-pooling network: place matters here
        said += (f" {best['model']} weighs each base where it sits, and framepool pools its "
                 "features over positions (as suits a 5' UTR's reading frames), weighing them "
                 "by distance from the 3' end only as far as it learnt to: where motifs "
                 "act at fixed places, as a promoter's -35 and -10 boxes do, a network that "
                 "keeps position may do better still: try --model legnet.")
    return said


def _epochs_text(fit_info: list) -> str:
    """Epochs run and best epoch (counted from 1) of each network: ``26 (best 16)``,
    ``26/33/44 (best 16/20/31)``."""
    run = "/".join(str(i["epochs_run"]) for i in fit_info)
    best = "/".join(str(i["best_epoch"] + 1) if i["best_epoch"] >= 0 else "last"
                    for i in fit_info)
    text = f"{run} (best {best}; epochs count from 1, history.csv and metrics.json from 0)"
    if len(fit_info) > 1:
        text = f"{len(fit_info)} networks: " + text
    return text


def load_run_model(run_dir):
    """The fitted estimator of a run folder (neural or baseline)."""
    from .baselines import BaselineRegressor
    from .estimators import load

    run_dir = Path(run_dir)
    cfg = _run_config(run_dir)
    if (run_dir / "model.joblib").exists():
        est = BaselineRegressor.load(run_dir / "model.joblib")
    else:
        est = load(run_dir / "model.pt")
    kind = "classification" if hasattr(est, "predict_proba") else "regression"
    if cfg.get("task") in ("classification", "regression") and kind != cfg["task"]:
        raise ModelError(f"{run_dir}: its model is a {kind} model but config.yaml says "
                         f"{cfg['task']}: the folder mixes files of two runs; copy the run "
                         "folder again, or train anew")
    return est


def _report_metrics(task: str, result: dict, targets) -> dict:
    """The metrics a report shows: the main scores, with bootstrap intervals where computed."""
    if task == "classification":
        macro = " (macro mean over classes)" if result.get("average") == "macro" else ""
        shown = {}
        if "positive" in result:
            shown["positive class"] = str(result["positive"])
        for k in ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "specificity",
                  "roc_auc", "pr_auc", "log_loss"):
            if k in result:
                shown[k + (macro if k in ("precision", "recall", "f1", "roc_auc", "pr_auc")
                           else "")] = result[k]
        shown["accuracy"] = result["accuracy_interval"]
        if "majority_class" in result:
            shown[f"always '{result['majority_class']}' (accuracy)"] = result["majority_accuracy"]
        return shown
    def shown(r: dict) -> dict:  # a log target's log-scale scores after the raw ones
        return {**{k: v for k, v in r.items() if k not in (
            "coverage", "intervals", "interval_68_factor", "unseen", "all_rows", "log_scale")},
                **{f"{k} (log scale)": v for k, v in (r.get("log_scale") or {}).items()
                   if k != "left_out"}}

    if len(targets) > 1:  # the same scores as one target's, each named by its target
        return {f"{t}: {k}": v for t, r in result.items() if t not in ("unseen", "all_rows")
                for k, v in shown(r).items() if k != "n"}
    return shown(result)


#: accuracy within this of always predicting the most common class: the run says so
MAJORITY_MARGIN = 0.02
#: share of the most common class above which a run calls its classes imbalanced
IMBALANCED = 0.6


def majority_note(result: dict) -> str | None:
    """A sentence when a classifier's accuracy is no better (within ``MAJORITY_MARGIN``)
    than always predicting the most common class of the scored rows, else None."""
    if "majority_accuracy" not in result or len(result.get("labels") or []) < 2:
        return None
    acc, bar = result["accuracy"], result["majority_accuracy"]
    if acc > bar + MAJORITY_MARGIN:
        return None
    why = ("on imbalanced classes accuracy hides a model that misses the rare class. "
           if bar > IMBALANCED else "the model has not learnt to tell the classes apart. ")
    return (f"Accuracy {acc:.3f} is no better than always predicting '{result['majority_class']}' "
            f"({bar:.3f}): {why}Balanced accuracy (mean recall of the classes) is "
            f"{result['balanced_accuracy']:.3f}; see the recall of each class in the confusion "
            "matrix.")


def _evaluation_notes(result: dict, targets, values: str = "test values") -> list:
    """The report notes of an evaluation: the confusion matrix explained (and a warning
    when accuracy does not beat the most common class), or calibration."""
    if "explanation" in result:
        return [n for n in (majority_note(result), result["explanation"]) if n]
    per_target = {targets[0]: result} if "r2" in result else \
        {t: r for t, r in result.items() if t not in ("unseen", "all_rows")}
    notes, kinds = [], []
    for name, res in per_target.items():
        if res.get("coverage"):
            note, kind = result_calibration(res, values)
            kinds.append(kind)
            notes.append(note if len(per_target) == 1 else f"{name}: {note}")
    return notes + [intervals_note(kinds[0])] if notes else notes


def _run_config(run_dir) -> dict:
    run_dir = Path(run_dir)
    cfg = run_dir / "config.yaml"
    if not run_dir.is_dir():
        raise ModelError(f"the run folder {run_dir} does not exist")
    if (run_dir / "model.pkl").exists():
        raise ModelError(f"{run_dir} is a protein-variant run folder: use "
                         "biochemml.protein_train.predict_variant_model / evaluate_variant_model "
                         "(the biochemml predict and evaluate commands choose it themselves)")
    has_model = (run_dir / "model.pt").exists() or (run_dir / "model.joblib").exists()
    if not has_model or not cfg.exists():
        if cfg.exists() and read_run_config(cfg).get("task") == "protein-variant":
            raise ModelError(f"{run_dir} is a protein-variant run folder without its model "
                             "(model.pkl): copy the whole folder again")
        raise ModelError(f"{run_dir} is not a biochemml run folder (model.pt and config.yaml "
                         "expected)")
    return read_run_config(cfg, ("task", "sequence_column", "target_columns"))


def read_run_config(path, required=()) -> dict:
    """A run folder's config.yaml as a dict; a file that is not YAML, not a mapping, or
    lacks one of the ``required`` keys is a :class:`~biochemml.errors.ModelError` saying
    the folder was changed since its run wrote it."""
    import yaml

    path = Path(path)
    damaged = (f"{path} is damaged (edited or cut short since its run wrote it)")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        where = getattr(err, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ModelError(f"{damaged}: it is no longer valid YAML{line}; copy the run folder "
                         "again, or train anew") from None
    if not isinstance(config, dict):
        raise ModelError(f"{damaged}: it holds no settings; copy the run folder again, or "
                         "train anew")
    missing = [k for k in required if k not in config]
    if missing:
        raise ModelError(f"{damaged}: it lacks {', '.join(missing)}; copy the run folder "
                         "again, or train anew")
    return config


def read_for_model(est, cfg: dict, data, sequence_column_name: str | None = None):
    """``(table, sequences)`` of a table or FASTA (or a DataFrame) for a run's model, saying
    what ``predict`` says of them: N letters, lengths the model never saw."""
    df = data if isinstance(data, pd.DataFrame) else read_table(data)
    col = sequence_column_name or _trained_sequence_column(df, cfg)
    if sequence_column_name is None:
        require_columns(df, [col], what=", the sequence column the model was trained on",
                        hint=sequence_column_hint(df))
    seqs = sequence_column(df, col, est.alphabet)
    _note_ambiguous(seqs, df, est.alphabet, getattr(est, "unknown", "zeros"))
    _note_lengths(seqs, est, df)
    return df, seqs


def _spread_columns(std, bounds, suffix: str = "") -> dict:
    """An ensemble's spread columns of one target: ``prediction_std``, ``lower_95`` and
    ``upper_95`` (each with ``suffix``), as predict, train and evaluate write them;
    ``bounds`` (N, 4) as :func:`_predictions` gives them."""
    bounds = np.asarray(bounds, dtype=float)
    return {f"prediction_std{suffix}": std, f"lower_95{suffix}": bounds[:, 2],
            f"upper_95{suffix}": bounds[:, 3]}


def predict_run(run_dir, data, out=None, sequence_column_name: str | None = None) -> pd.DataFrame:
    """Predict a table with a trained run; returns the input table plus predictions.

    Adds ``prediction`` (the class label, or the value), one ``probability_<class>``
    column per class for classification, and for regression networks ``prediction_std``
    with the 95 % interval it gives, ``lower_95`` and ``upper_95`` (``prediction`` ± 1.96
    ``prediction_std``; the spread was scaled on the validation rows for that interval, so
    read ±1 std as wider than 68 %; a log-target run's interval is taken on the log scale,
    see :meth:`biochemml.SequenceRegressor.predict_bounds`): an ensemble's width for each
    sequence, one network's the same for all (none for a network trained without
    validation rows; :func:`biochemml.estimators.interval_kind`). Several
    targets add ``_<target>`` to each name. When ``out`` is given the table is written
    there (CSV/TSV/Parquet by suffix).
    """
    from .estimators import interval_kind

    cfg = _run_config(run_dir)
    est = load_run_model(run_dir)
    df, seqs = read_for_model(est, cfg, data, sequence_column_name)
    result = pd.DataFrame(index=range(len(df)))  # the added columns
    if cfg["task"] == "classification":
        with notes_said():
            proba = est.predict_proba(seqs)
        result["prediction"] = est.classes_[proba.argmax(axis=1)]
        for k, c in enumerate(est.classes_):
            result[f"probability_{c}"] = proba[:, k]
    else:
        with notes_said():
            mean, std, bounds = _bounded(est, seqs)
        mean, std = np.asarray(mean).reshape(len(df), -1), np.asarray(std).reshape(len(df), -1)
        bounds = np.asarray(bounds).reshape(len(df), -1, 4)
        names = cfg["target_columns"]
        for t in range(len(names)):
            suffix = _target_suffix(names, t)
            result[f"prediction{suffix}"] = mean[:, t]
            if interval_kind(est):
                result = result.assign(**_spread_columns(std[:, t], bounds[:, t], suffix))
    result = join_outputs(df, result)
    if out is not None:
        from .io.writers import write_table

        write_table(result, out)
    return result


def evaluate_run(run_dir, data, out=None, sequence_column_name: str | None = None,
                 target_columns=None) -> dict:
    """Score a trained run on a new labelled table (same columns as training, unless
    ``sequence_column_name`` / ``target_columns`` name the table's own).

    A classification table may hold one class (how many known binders does the model
    find?): accuracy, recall and the confusion matrix are scored, the curves are not.

    Returns the metrics dict; with ``out`` (a new or empty folder, never the run's own)
    also writes a folder with metrics.json, predictions.csv, figures and report.html.
    Sequences that were in the run's training set are counted and, next to the score on
    every row, scored apart from the unseen ones (``result["unseen"]``): a model is only
    tested on what it did not learn from.
    """
    from . import report

    folder = None if out is None else check_new_folder(out)
    cfg = _run_config(run_dir)
    est = load_run_model(run_dir)
    df = data if isinstance(data, pd.DataFrame) else read_table(data)
    column = sequence_column_name or _trained_sequence_column(df, cfg)
    given = ([target_columns] if isinstance(target_columns, str) else list(target_columns)) \
        if target_columns else None
    require_columns(df, [column], what=", the sequence column"
                    + ("" if sequence_column_name else " the model was trained on"),
                    hint="" if sequence_column_name else sequence_column_hint(df))
    targets, absent = _evaluation_targets(df, cfg, given)
    seqs = np.asarray(sequence_column(df, column, est.alphabet), dtype=object)
    # a target the table lacks is a column without measurements: predicted, not scored
    y = _values(df.assign(**{t: np.nan for t in absent}), cfg["task"], targets, one_class=True)
    _check_scorable(df, cfg["task"], targets, y)
    _note_ambiguous(seqs, df, est.alphabet, getattr(est, "unknown", "zeros"))  # after the
    _note_lengths(seqs, est, df)  # errors: no notes above a refusal
    notes = []
    if cfg["task"] == "classification":
        y = _known_labels(df, targets[0], y, est.classes_)
    else:
        est.target_names_ = targets
        unmeasured = [t for t, col in zip(targets, np.asarray(y, float).reshape(len(df), -1).T)
                      if np.isnan(col).all()]
        if len(unmeasured) == len(targets):
            raise InputError(f"no target column holds a measured value ({', '.join(targets)}): "
                             "there is nothing to score; use biochemml predict",
                             path=df.attrs.get("path"))
        if unmeasured:
            notes.append(_unscored_note(unmeasured, absent))
            say(f"[yellow]{notes[-1]}[/yellow]")
    seen = _seen_in_training(run_dir, seqs, est.alphabet)
    with contextlib.ExitStack() as stack:
        tmp = (stack.enter_context(atomic_folder(folder)) if folder is not None else
               Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="biochemml-eval-"))))
        stack.enter_context(notes_said())
        predicted = _predictions(est, cfg["task"], seqs)
        result, table, figures = _evaluate(est, cfg["task"], seqs, y, tmp, prefix="evaluation",
                                           positive=cfg.get("positive"), predicted=predicted)
        if seen is not None and seen.any():
            apart = _unseen_scorable(cfg["task"], y, seen)
            note = _seen_note(est, cfg["task"], y, table, seen, targets, headline=apart)
            if note["metrics"] is not None and apart:
                # the model learnt the seen rows: the scores, their intervals, the figures
                # and the calibration are the unseen rows' (all rows under "all_rows")
                all_rows = result
                result, _, figures = _evaluate(
                    est, cfg["task"], seqs[~seen], y[~seen], tmp, prefix="evaluation",
                    positive=cfg.get("positive"),
                    predicted=tuple(np.asarray(p)[~seen] for p in predicted))
                result["all_rows"] = all_rows
            if note["metrics"] is not None:
                result["unseen"] = note["metrics"]
            notes.append(note["text"])
            say(f"[yellow]{note['text']}[/yellow]")
        scored = _scored_rows(result, targets)
        if cfg["task"] == "regression" and scored is not None and scored < FEW_TEST_ROWS:
            few = (f"Only {scored} values scored: these scores are mostly chance, whatever "
                   f"their intervals say; {FEW_TEST_ROWS} or more tell more.")
            notes.append(few)
            say(f"[yellow]{few}[/yellow]")
        own, beaten = run_test_scores(run_dir)
        if beaten:  # the terminal says what the report's "Read this first" box says
            say(f"[yellow]{beaten}[/yellow]")
        if folder is not None:
            (tmp / "metrics.json").write_text(json.dumps(_json_ready(result), indent=2))
            from . import provenance

            write_yaml(tmp / "evaluation.yaml", {  # what was scored with what, to trace it
                "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "model": str(Path(run_dir).resolve()), "data": str(data) if not isinstance(
                    data, pd.DataFrame) else "a table given in Python",
                "sequence_column": column, "target_columns": targets,
                "provenance": provenance.record(data)})
            if seen is not None:
                table["in_training_set"] = seen
            join_outputs(df, table, front=pd.DataFrame(  # file rows, as train writes them
                {"row": file_rows(df, np.arange(len(df)))})).to_csv(
                tmp / "predictions.csv", index=False)
            report.write_report(tmp / "report.html", f"Evaluation of {run_dir}",
                                summary={"model": str(run_dir), "data": str(data),
                                         "sequences": len(df),
                                         **({"the run's own test": own} if own else {})},
                                warnings=[beaten] if beaten else None,
                                metrics=_report_metrics(cfg["task"], result, targets),
                                figures=figures, intervals_over=f"the {_values_of(data)}",
                                notes=notes + _evaluation_notes(result, targets,
                                                                _values_of(data)))
    return result


def _values_of(data) -> str:
    """``"values of new.csv"``: what an evaluation of ``data`` (a path or a DataFrame)
    scores, as its calibration sentence names them (a run's own: "test values")."""
    return "values of the table" if isinstance(data, pd.DataFrame) else \
        f"values of {Path(data).name}"


def _scored_rows(result: dict, targets) -> int | None:
    """How many rows an evaluation's headline scores (the fewest of its targets'), or None."""
    if "n" in result:
        return int(result["n"])
    counts = [int(r["n"]) for t, r in result.items()
              if t in targets and isinstance(r, dict) and "n" in r]
    return min(counts) if counts else None


def _target_pairs(trained: list, given: list, df: pd.DataFrame) -> dict | None:
    """``{run target: table column}`` when ``given`` uses the form ``"target=column"``
    (entries that are a run target alone keep its name), else None (plain names)."""
    def pair(entry):
        if entry in df.columns or "=" not in entry:
            return None
        target, column = (part.strip() for part in entry.split("=", 1))
        return (target, column) if target in trained or entry.count("=") == 1 else None

    pairs = [pair(e) for e in given]
    if not any(pairs):
        return None
    mapping = {}
    for entry, p in zip(given, pairs):
        target, column = p if p else (entry, entry)
        if target not in trained:
            raise InputError(f"--target-column '{entry}': '{target}' is not a target of the run; "
                             f"its targets are {', '.join(repr(t) for t in trained)} (write "
                             "'run target=table column')")
        if target in mapping:
            raise InputError(f"--target-column names the run's target '{target}' twice; map "
                             "each target once")
        mapping[target] = column
    return mapping


def _evaluation_targets(df: pd.DataFrame, cfg: dict, given: list | None) -> tuple[list, list]:
    """The table's column for each of the run's targets (in the run's order), and those of
    them the table lacks (predicted, not scored; regression only).

    ``given`` (``--target-column``): None takes the run's names; as many names as the run
    has targets rename them in order; ``"run target=table column"`` entries (with a run's
    target alone for its own name) rename those targets and look up the others by the
    run's names.
    """
    trained = list(cfg["target_columns"])
    mapping = None if given is None else _target_pairs(trained, given, df)
    regression = cfg["task"] != "classification"
    if mapping is not None:
        targets = [mapping.get(t, t) for t in trained]
        require_columns(df, list(mapping.values()))
        absent = [t for t in trained if t not in mapping and t not in df.columns]
        return targets, absent if regression else []
    if given is not None and len(given) != len(trained):
        several = len(trained) > 1
        raise InputError(
            f"the run was trained on {len(trained)} target column{'s' if several else ''} "
            f"({', '.join(trained)}); --target-column names {len(given)}: name as many, in "
            "that order" + (f", or map each target the table measures to its column, e.g. "
                            f"--target-column \"{trained[0]}={given[0]}\" (the others are "
                            "predicted, not scored)" if several else ""))
    targets = given or trained
    absent = [] if given or not regression else [t for t in targets if t not in df.columns]
    if not absent or len(absent) == len(targets):
        absent = []
        require_columns(df, targets, what="" if given else
                        ", a column the model was trained on",
                        hint="" if given else
                        ". Name the table's column with --target-column"
                        + (" (\"run target=column\" for some of the targets)"
                           if len(trained) > 1 else "")
                        + "; a table without measured values is for biochemml predict")
    return targets, absent


def _check_scorable(df: pd.DataFrame, task: str, targets, y) -> None:
    """Refuse an evaluation table with fewer than 2 scored rows (of a target it measures),
    naming the file: no score can be computed from one."""
    path = df.attrs.get("path")
    if len(df) < 2:
        raise InputError(f"the table has {len(df)} row{'' if len(df) == 1 else 's'}: scoring a "
                         "model needs at least 2 measured rows (and dozens for a score to mean "
                         "much); add rows, or use biochemml predict for the prediction of a "
                         "single sequence", path=path)
    if task == "classification":
        return
    values = np.asarray(y, dtype=float).reshape(len(df), -1)
    for t, column in enumerate(targets):
        measured = np.flatnonzero(~np.isnan(values[:, t]))
        if len(measured) == 1:
            raise InputError(f"only {rows_text(df, measured)} has a measured value: scoring "
                             "needs at least 2 (and dozens for a score to mean much); add "
                             "values, or empty the column to predict it without scoring",
                             path=path, column=column)


#: the run-folder file with the hashes of the training sequences (evaluate's overlap check)
TRAINING_HASHES = "training_sequences.npy"


def _as_read(seqs, alphabet) -> list:
    """The sequences as the model reads them: for DNA and RNA, U and T are one letter
    (``ACGU`` and ``ACGT`` are the same sequence); upper case already."""
    from .alphabets import get_alphabet

    if get_alphabet(alphabet).name in ("dna", "rna"):
        return [str(q).replace("U", "T") for q in seqs]
    return [str(q) for q in seqs]


def _sequence_hashes(seqs, alphabet) -> np.ndarray:
    """A 64-bit hash of each sequence as the model reads it (:func:`_as_read`), shape (N,)."""
    import hashlib

    return np.array([int.from_bytes(hashlib.blake2b(q.encode(), digest_size=8).digest(),
                                    "little") for q in _as_read(seqs, alphabet)], dtype=np.uint64)


def _seen_in_training(run_dir, seqs, alphabet) -> np.ndarray | None:
    """Which of ``seqs`` were training sequences of the run; None, said, for a folder
    without the hashes (older versions, or the file deleted)."""
    path = Path(run_dir) / TRAINING_HASHES
    if not path.exists():
        say(f"[yellow]{path.name} is missing from {run_dir}, so which of these sequences "
            "the model trained on cannot be checked: the scores may include them and flatter "
            "the model[/yellow]")
        return None
    try:
        return np.isin(_sequence_hashes(seqs, alphabet), np.load(path))
    except (OSError, ValueError) as err:
        raise ModelError(f"{path} cannot be read ({err}); copy the run folder again") from None


def _unseen_scorable(task: str, y, seen: np.ndarray) -> bool:
    """Whether the unseen rows can be scored as a whole evaluation: 2 or more of them, and
    for regression every target they measure measured at least twice."""
    unseen = ~seen
    if task == "classification":
        return int(unseen.sum()) >= 2
    counts = _measured_per_target(y, unseen)
    return bool(counts.max() >= 2 and np.all((counts == 0) | (counts >= 2)))


def _seen_note(est, task: str, y, table: pd.DataFrame, seen: np.ndarray, targets,
               headline: bool = True) -> dict:
    """The sentence (and the metrics of the unseen rows) for an evaluation table that
    repeats training sequences; ``headline``: the report's scores are the unseen rows'."""
    from . import metrics

    n_seen, n = int(seen.sum()), len(seen)
    text = (f"{n_seen} of the {n} sequences were in the training set: the model learnt their "
            f"{'labels' if task == 'classification' else 'values'}, so the scores on all rows "
            "flatter it")
    unseen = ~seen
    if unseen.sum() < 2:
        return {"text": text + "; no unseen rows are left to score apart.", "metrics": None}
    if task == "classification":
        pred = table["prediction"].to_numpy()[unseen]
        scores = {"n": int(unseen.sum()), "accuracy": metrics.accuracy(y[unseen], pred)}
        shown = f"accuracy {scores['accuracy']:.3f}"
        if len(set(y[unseen])) > 1:  # the bar and the balance, as for all rows
            m = metrics.classification_metrics(y[unseen], pred, labels=list(est.classes_))
            scores.update({k: m[k] for k in ("balanced_accuracy", "majority_class",
                                             "majority_accuracy")})
            shown += (f", balanced accuracy {m['balanced_accuracy']:.3f} (always "
                      f"'{m['majority_class']}': {m['majority_accuracy']:.3f})")
    else:
        y2 = np.asarray(y, dtype=float).reshape(n, -1)
        t = int(np.flatnonzero(~np.isnan(y2).all(axis=0))[0])  # the first target measured
        truth = y2[unseen, t]
        pred = table["prediction" + _target_suffix(targets, t)].to_numpy(dtype=float)[unseen]
        ok = ~np.isnan(truth)
        if ok.sum() < 2:
            return {"text": text + "; too few unseen rows are measured to score apart.",
                    "metrics": None}
        scores = {"n": int(ok.sum()), **metrics.regression_metrics(truth[ok], pred[ok])}
        shown = f"R² {scores['r2']:.3f}, Spearman {scores['spearman']:.3f}"
        if len(targets) > 1:
            shown += f" ({targets[t]})"
            scores = {targets[t]: scores}  # metrics.json names the target they score
    if not headline:
        return {"text": f"{text}. On the {int(unseen.sum())} unseen sequences alone: {shown} "
                        "(too few of them measure every target to score them apart in full).",
                "metrics": scores}
    return {"text": f"{text}. The scores, intervals and figures here are those of the "
                    f"{int(unseen.sum())} unseen sequences alone ({shown}); the scores of all "
                    "rows are under all_rows in metrics.json.",
            "metrics": scores}


def _unscored_note(unmeasured: list, absent: list) -> str:
    """The sentence for targets of a multi-target run that an evaluation table does not
    measure: those it has no column for (``absent``) and those whose column is empty."""
    what = "; ".join(f"the table has no column {t!r}" if t in absent else
                     f"column {t!r} holds no measured value" for t in unmeasured)
    return (f"{what[0].upper()}{what[1:]}: {'it is' if len(unmeasured) == 1 else 'they are'} "
            "predicted but not scored.")


def _length_words(seqs, input_length: int, pad: str) -> str:
    """``"9 nt"``, or ``"25-100 (padded on the left to 100)"`` when lengths differ; the
    model's input when it is shorter than the longest sequence."""
    lengths = [len(q) for q in seqs]
    lo, hi = min(lengths), max(lengths)
    text = str(lo) if lo == hi else f"{lo}-{hi} (padded on the {pad} to {max(hi, input_length)})"
    if input_length < hi:
        text += f"; the model reads {input_length}"
    return text


def _prediction_sample(predictions: pd.DataFrame, task: str, label: str, n: int = 20):
    """Up to ``n`` test rows for the report, and their caption: the first rows, or for a
    classification the first of each (true ``label``, predicted) pair in turn, so every
    class and every kind of error shows (a table sorted by class showed one class only)."""
    if task != "classification" or len(predictions) <= n or label not in predictions:
        return predictions.head(n), "First test-set predictions"
    pairs = predictions.groupby([predictions[label].astype(str),
                                 predictions["prediction"].astype(str)], sort=True).cumcount()
    order = np.lexsort((np.arange(len(predictions)), pairs.to_numpy()))
    shown = predictions.iloc[np.sort(order[:n])]
    return shown, ("Test-set predictions: the first of each true and predicted class in turn "
                   "(errors included), in file order")


#: what the training loss measures, by task (classification) or target transform: the
#: networks learn standardised values, so the loss is not on the scale of the test MSE
_LOSS_WORDS = {"classification": "cross-entropy (lower is better)",
               "standardize": "MSE of the standardised value",
               "log": "MSE of the standardised log value",
               "none": "mean squared error"}


def _default_positive(labels, column: str):
    """The positive class of a two-class run when none is named (metrics.default_positive:
    1/True, else the rarer class), said on the terminal with the reason."""
    from .metrics import default_positive

    positive = default_positive(labels)
    if positive is None:
        return None
    classes, counts = np.unique(labels, return_counts=True)
    n = int(counts[[str(c) for c in classes].index(str(positive))])
    why = ("the labels are 0/1" if str(positive).lower() in ("1", "true") else
           f"the rarer class: {n:,} of {len(labels):,} rows" if counts[0] != counts[1] else
           "both classes are equally common: the last in sorted order")
    say(f"Positive class: '{positive}' ({why}; --positive names the other)")
    return positive


def _check_sides(df: pd.DataFrame, column: str, labels, train_idx, test_idx, how: str) -> None:
    """Before training: the training rows need two classes, the test rows too (curves,
    precision and recall need both), and a class only in the test rows cannot be learnt."""
    train_classes, test_classes = set(labels[train_idx]), set(labels[test_idx])
    for side, classes in (("training", train_classes), ("test", test_classes)):
        if len(classes) < 2:
            raise InputError(f"the {side} rows ({how}) hold only the class "
                             f"'{next(iter(classes))}'; both sides need at least two classes: "
                             "change the split (or --seed), or mark rows of each class for "
                             "each side", path=df.attrs.get("path"), column=column)
    unseen = sorted(map(str, test_classes - train_classes))
    if unseen:
        raise InputError(f"the class{'es' if len(unseen) > 1 else ''} "
                         f"{', '.join(repr(c) for c in unseen)} {'are' if len(unseen) > 1 else 'is'} "
                         f"only in the test rows ({how}), so the model cannot learn "
                         f"{'them' if len(unseen) > 1 else 'it'}; change the split",
                         path=df.attrs.get("path"), column=column)


def _positive_class(df: pd.DataFrame, column: str, labels, positive):
    """``positive`` as one of the two classes of ``labels`` (``"1"`` names the class 1)."""
    from .estimators import as_classes

    classes = np.unique(labels)
    mapped, unknown = as_classes([positive], classes)
    if len(classes) != 2:
        raise InputError(f"a positive class is for two-class tables; this one has "
                         f"{len(classes)} classes", path=df.attrs.get("path"), column=column)
    if unknown.size:
        raise InputError(f"has no class '{positive}' to take as the positive class; its classes "
                         f"are {', '.join(repr(str(c)) for c in classes)}",
                         path=df.attrs.get("path"), column=column)
    return mapped[0].item() if hasattr(mapped[0], "item") else mapped[0]


def _known_labels(df: pd.DataFrame, column: str, labels, classes) -> np.ndarray:
    """``labels`` written as the model's classes (the text ``"1"`` is the class ``1``); a
    class the model never saw is an error naming its row."""
    from .estimators import as_classes

    mapped, bad = as_classes(labels, classes)
    if bad.size:
        shown = ", ".join(repr(str(c)) for c in classes)
        raise InputError(f"holds the class '{labels[bad[0]]}' ({rows_text(df, bad)}), which the "
                         f"model never saw: it was trained on {shown}. Use the same class names "
                         "as the training table", path=df.attrs.get("path"),
                         column=column)
    return mapped
