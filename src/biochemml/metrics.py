"""Classification and regression metrics, bootstrap intervals and calibration checks.

Every function takes plain arrays (lists, numpy arrays, pandas Series) and returns plain
Python numbers, lists and dicts, so a result can go straight into a JSON file or a report.
Rows are paired by position; two pandas Series whose index labels differ (the same labels
in another order, or other labels) are refused rather than paired wrongly: align them, or
pass ``.to_numpy()``.
Undefined values (the correlation of a constant prediction, the ROC AUC of a test set with
one class) are ``nan``, never an exception.

Conventions
-----------
- Confusion matrices follow scikit-learn: rows are the true class, columns the predicted
  class, classes in ``labels`` order (sorted by default).
- Binary problems report precision, recall and F1 of the *positive* class: by default the
  label ``1`` of 0/1 labels, else the rarer class of ``y_true`` (:func:`default_positive`,
  as ``biochemml train`` picks it). Functions given only a confusion matrix take row 1 (the
  class ``1`` of 0/1 labels), since ``labels`` there may be display names: name the
  positive class for text classes. Problems with more classes report the unweighted
  (macro) mean over classes.
- A false positive is a **type I error**, a false negative a **type II error**.
- Bootstrap intervals are percentile intervals over resampled test examples; all resamples
  are drawn at once and the common metrics are computed for all of them in one array
  operation. A metric undefined in more than 5 % of the resamples (R² when one value is
  drawn, ROC AUC when one class is) gets a NaN interval rather than one over the rest.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from .errors import InputError

__all__ = [
    "accuracy",
    "confusion_matrix",
    "confusion_reading",
    "explain_confusion",
    "classification_metrics",
    "regression_metrics",
    "bootstrap_ci",
    "with_intervals",
    "interval_coverage",
    "bounds_coverage",
    "replicate_ceiling",
]


# --------------------------------------------------------------------------- validation
#: why an all-NaN std cannot be scored: what a single network predicts as its spread
NO_SPREAD = ("std is missing (NaN) for every row: a single network has no spread; train an "
             "ensemble (n_models=5, --ensemble 5 on the command line; 2 to 4 networks give "
             "rough spreads) for a standard deviation")


def _as_array(name, values, *, numeric=True, ndim=(1,), all_nan_is_none=False):
    """Return ``values`` as a numpy array after checking it is non-empty (and finite if numeric).

    With ``all_nan_is_none``, numbers that are all NaN come back as ``None`` (no values at
    all, such as the std of a single network, which has no spread) instead of being
    refused; a NaN or inf among other numbers is refused all the same.
    """
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged lists and the like
        raise InputError(f"{name} could not be read as an array ({exc})") from None
    if arr.ndim == 0:
        raise InputError(f"{name} must be a list or array of values, not a single value")
    if arr.ndim == 2 and arr.shape[1] == 1 and 1 in ndim:
        arr = arr[:, 0]
    if arr.ndim not in ndim:
        want = " or ".join(f"{d}-D" for d in ndim)
        raise InputError(f"{name} must be {want}, got an array of shape {arr.shape}")
    if arr.shape[0] == 0:
        raise InputError(f"{name} is empty: there is nothing to evaluate")
    if numeric:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise InputError(f"{name} must hold numbers") from None
        bad = ~np.isfinite(arr)
        if all_nan_is_none and np.isnan(arr).all():
            return None
        if bad.any():
            where = int(np.argwhere(bad)[0][0])
            raise InputError(
                f"{name} holds a missing or infinite value (NaN/inf) at position {where}; "
                "drop or fill those rows before evaluating"
            )
    elif arr.dtype.kind == "f" and np.isnan(arr).any():
        where = int(np.argwhere(np.isnan(arr))[0][0])
        raise InputError(f"{name} holds a missing value (NaN) at position {where}")
    elif arr.dtype.kind == "O" and any(v is None for v in arr.ravel()):
        raise InputError(f"{name} holds a missing value (None)")
    return arr


def _labelled(values):
    """The pandas index of a Series or DataFrame, else None (lists and arrays have none)."""
    index = getattr(values, "index", None)
    return index if index is not None and hasattr(values, "iloc") else None


def _default_index(index):
    """True for the 0, 1, 2, ... index pandas gives a fresh Series or DataFrame."""
    import pandas as pd

    return (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1)


def check_same_index(**named):
    """Refuse pandas inputs whose index labels disagree.

    Every biochemml function pairs the rows of its inputs by position, as numpy does. Two
    pandas objects that share index labels but not their order (the same labels in
    another order after a ``sort_index`` or a ``sample``, or partly other labels) would be
    paired row by row all the same, silently giving a wrong number, where pandas itself
    would align them by label. Inputs that are not pandas objects (lists, arrays), pandas
    objects with identical indexes, indexes with no label in common, and a fresh
    object's default index 0, 1, 2, ... beside other labels (a test table's rows, say
    12, 40, 41, ..., and ``pd.Series(model.predict(test))``: the fresh index carries no
    labels to align by) pass, paired by position. The same labels in another order are
    refused even then.

    Parameters
    ----------
    **named : array-like or None
        The inputs by the names the user knows them by (``y_true=..., y_pred=...``);
        ``None`` is skipped.

    Raises
    ------
    InputError
        When two of them are pandas objects with different index labels or order.
    """
    def show(label):  # 10, not np.int64(10)
        return repr(label.item() if isinstance(label, np.generic) else label)

    labelled = [(name, _labelled(v)) for name, v in named.items() if v is not None]
    labelled = [(name, index) for name, index in labelled if index is not None]
    for (first, a), (other, b) in zip(labelled, labelled[1:]):
        if len(a) != len(b) or a.equals(b) or not len(a.intersection(b)):
            continue  # a length mismatch gets its own message; no shared label: positions
        same_set = set(a) == set(b)
        if not same_set and (_default_index(a) or _default_index(b)):
            continue  # a fresh 0, 1, 2, ... index names no rows: positions
        if same_set:
            i = int(np.flatnonzero(np.asarray(a) != np.asarray(b))[0])
            how = (f"hold the same index labels in a different order (position {i} is "
                   f"label {show(a[i])} in {first} but {show(b[i])} in {other})")
        else:
            extra = next(v for v in b if v not in set(a))
            how = f"have different index labels ({other} has {show(extra)}, which {first} lacks)"
        raise InputError(
            f"{first} and {other} are pandas objects that {how}; rows are paired by "
            f"position, so they would be matched wrongly. Align them first (for example "
            f"{other}.loc[{first}.index], or take both columns from one DataFrame), or pass "
            f"{other}.to_numpy() if the positions do match"
        )


def _same_length(**arrays):
    lengths = {name: len(a) for name, a in arrays.items() if a is not None}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise InputError(f"inputs differ in length: {listed}; they must describe the same examples")


def _one_kind(**arrays):
    """Refuse class labels that mix text with numbers (``"1"`` never equals ``1``)."""
    kinds = {name: ("text" if a.dtype.kind in "USO" and any(isinstance(v, str) for v in a.ravel()[:1000])
                    else "numbers") for name, a in arrays.items() if a is not None}
    if len(set(kinds.values())) > 1:
        text = next(name for name, kind in kinds.items() if kind == "text")
        numbers = next(name for name, kind in kinds.items() if kind == "numbers")
        example = np.asarray(arrays[text]).ravel()[0]
        raise InputError(
            f"{text} holds class labels as text (such as {str(example)!r}) but {numbers} holds "
            "numbers, so no label could ever match; give both as text or both as numbers "
            "(for example with .astype(str))"
        )


def _plain(values):
    """Numpy scalars and arrays -> Python numbers and lists (JSON-ready)."""
    return np.asarray(values).tolist()


def _div(num, den, empty):
    """num / den elementwise, ``empty`` where den is 0."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)


# --------------------------------------------------------------------------- labels
def _encode_labels(y_true, y_pred=None, labels=None):
    """Return (labels, true codes, predicted codes); codes index into ``labels``."""
    present = [y_true] if y_pred is None else [y_true, y_pred]
    _one_kind(y_true=np.asarray(y_true), y_pred=None if y_pred is None else np.asarray(y_pred),
              labels=None if labels is None else np.asarray(labels))
    if labels is None:
        labels = np.unique(np.concatenate([np.asarray(a) for a in present]))
    else:
        labels = np.asarray(labels)
        if labels.ndim != 1 or len(labels) == 0:
            raise InputError("labels must be a non-empty list of class labels")
        if len(np.unique(labels)) != len(labels):
            raise InputError("labels must not repeat a class")
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    codes = []
    for name, a in zip(("y_true", "y_pred"), present):
        try:
            pos = np.clip(np.searchsorted(sorted_labels, a), 0, len(labels) - 1)
            unknown = sorted_labels[pos] != a
        except TypeError:
            raise InputError(f"{name} and labels mix kinds of class labels (numbers and text)") from None
        if unknown.any():
            raise InputError(
                f"{name} holds the class {a[unknown][0]!r}, which is not among labels "
                f"{_plain(labels)}"
            )
        codes.append(order[pos])
    return labels, codes[0], (codes[1] if y_pred is not None else None)


def default_positive(labels):
    """The positive class of two-class labels when none is named.

    ``1`` (or ``True``) when the labels are 0/1 (False/True); otherwise the rarer class,
    which is usually the one of interest (binders among non-binders, hits among
    inactives), and the last in sorted order when both are equally common.

    Parameters
    ----------
    labels : array-like of shape (N,)
        Class labels with exactly two classes.

    Returns
    -------
    label or None
        The positive class; None unless there are two classes.

    Examples
    --------
    >>> default_positive(["unbound"] * 9 + ["bound"])
    'bound'
    >>> default_positive([1, 0, 0, 0])
    1
    """
    classes, counts = np.unique(np.asarray(labels), return_counts=True)
    if len(classes) != 2:
        return None
    if {str(c).strip().lower() for c in classes} in ({"0", "1"}, {"false", "true"}):
        chosen = classes[1]  # sorted: 1 after 0, True after False
    else:
        chosen = classes[int(np.argmin(counts))] if counts[0] != counts[1] else classes[-1]
    return _plain(chosen)


def _default_row(labels, counts) -> int:
    """Index (0 or 1) of the default positive class of two classes, the rule of
    :func:`default_positive`: the label 1 (or True) of 0/1 (False/True) labels, else the
    rarer class by ``counts`` (its true examples), the second when both are as common.
    ``labels`` None: the classes are 0 and 1, so 1."""
    names = [0, 1] if labels is None else list(_plain(labels))
    lowered = [str(c).strip().lower() for c in names]
    for one in ("1", "true"):
        if set(lowered) in ({"0", "1"}, {"false", "true"}) and one in lowered:
            return lowered.index(one)
    counts = np.asarray(counts)
    return int(np.argmin(counts)) if counts[0] != counts[1] else 1


def _positive_index(labels, positive, codes=None):
    """Index of the positive class: ``positive`` if given; else, with the true class
    ``codes``, the rule of :func:`default_positive` (label 1 of 0/1 labels, else the rarer
    class); without them the label 1 (or True), else the last."""
    labels = list(_plain(labels))
    if positive is None and codes is not None and len(labels) == 2:
        return _default_row(labels, np.bincount(np.asarray(codes), minlength=2)[:2])
    if positive is None:
        for candidate in (1, True, "1"):
            if candidate in labels:
                return labels.index(candidate)
        return len(labels) - 1
    if positive not in labels:
        raise InputError(f"the positive class {positive!r} is not among the labels {labels}")
    return labels.index(positive)


# --------------------------------------------------------------------------- core formulas
# Each formula works on the last axis, so the same code gives one value for (N,) inputs,
# one per target for (T, N) and one per bootstrap resample for (B, N).
def _accuracy(t, p):
    return np.mean(t == p, axis=-1)


def _mse(t, p):
    return np.mean((t - p) ** 2, axis=-1)


def _rmse(t, p):
    return np.sqrt(_mse(t, p))


def _mae(t, p):
    return np.mean(np.abs(t - p), axis=-1)


def _r2(t, p):
    ss_res = np.sum((t - p) ** 2, axis=-1)
    ss_tot = np.sum((t - t.mean(axis=-1, keepdims=True)) ** 2, axis=-1)
    return 1.0 - _div(ss_res, ss_tot, np.nan)


def _pearson(t, p):
    tc = t - t.mean(axis=-1, keepdims=True)
    pc = p - p.mean(axis=-1, keepdims=True)
    den = np.sqrt(np.sum(tc**2, axis=-1) * np.sum(pc**2, axis=-1))
    return np.clip(_div(np.sum(tc * pc, axis=-1), den, np.nan), -1.0, 1.0)


def _spearman(t, p):
    return _pearson(stats.rankdata(t, axis=-1), stats.rankdata(p, axis=-1))


_REGRESSION = {"r2": _r2, "pearson": _pearson, "spearman": _spearman,
               "mse": _mse, "rmse": _rmse, "mae": _mae}


def _class_counts(t, p, n_classes):
    """True positives, predicted and actual counts per class: arrays of shape (..., K)."""
    k = np.arange(n_classes)
    is_t = t[..., None, :] == k[:, None]
    is_p = p[..., None, :] == k[:, None]
    return (is_t & is_p).sum(-1), is_p.sum(-1), is_t.sum(-1)


def _precision_recall_f1(t, p, n_classes, positive):
    """Precision, recall and F1 of class ``positive`` (binary) or their macro mean (positive=None).

    Like scikit-learn, a class never predicted (or never present) scores 0 rather than NaN.
    """
    tp, n_pred, n_true = _class_counts(t, p, n_classes)
    precision = _div(tp, n_pred, 0.0)
    recall = _div(tp, n_true, 0.0)
    f1 = _div(2 * tp, n_pred + n_true, 0.0)
    if positive is None:
        return precision.mean(-1), recall.mean(-1), f1.mean(-1)
    return precision[..., positive], recall[..., positive], f1[..., positive]


# --------------------------------------------------------------------------- classification
def accuracy(y_true, y_pred):
    """Fraction of examples whose predicted class equals the true class.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,)
        True and predicted class labels (numbers or strings).

    Returns
    -------
    float

    Examples
    --------
    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    check_same_index(y_true=y_true, y_pred=y_pred)
    t = _as_array("y_true", y_true, numeric=False)
    p = _as_array("y_pred", y_pred, numeric=False)
    _same_length(y_true=t, y_pred=p)
    _one_kind(y_true=t, y_pred=p)
    return float(_accuracy(t, p))


def confusion_matrix(y_true, y_pred, labels=None):
    """Count examples by (true class, predicted class).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,)
        True and predicted class labels.
    labels : list, optional
        Class order of rows and columns; default: every class seen, sorted. A class in the
        data but not in ``labels`` raises :class:`~biochemml.errors.InputError`.

    Returns
    -------
    numpy.ndarray of int, shape (K, K)
        ``cm[i, j]`` = number of examples of true class ``labels[i]`` predicted as
        ``labels[j]`` (rows true, columns predicted, as in scikit-learn).

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]).tolist()
    [[1, 1], [1, 2]]
    """
    check_same_index(y_true=y_true, y_pred=y_pred)
    t = _as_array("y_true", y_true, numeric=False)
    p = _as_array("y_pred", y_pred, numeric=False)
    _same_length(y_true=t, y_pred=p)
    labels, tc, pc = _encode_labels(t, p, labels)
    k = len(labels)
    return np.bincount(tc * k + pc, minlength=k * k).reshape(k, k)


def _as_confusion(cm):
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] < 2:
        raise InputError(f"a confusion matrix must be square with at least 2 classes, got shape {cm.shape}")
    if not np.isfinite(cm.astype(float)).all() or (cm < 0).any():
        raise InputError("a confusion matrix holds counts: no negative or missing values")
    return cm


def confusion_reading(cm, positive=None, labels=None):
    """Read a confusion matrix the way the lecture does: TP, FP, FN, TN and the rates.

    Parameters
    ----------
    cm : array-like of shape (K, K)
        Rows true class, columns predicted class (as :func:`confusion_matrix` returns).
    positive : int or label, optional
        The positive class: a label in ``labels``, or else a row index of ``cm``.
        With more than two classes the reading is one-vs-rest for that class. Default row
        1: the class ``1`` of 0/1 labels, as :func:`classification_metrics` takes it. A
        matrix alone does not say whether ``labels`` are the classes or display names of
        0 and 1, so for text classes name the positive one (the functions given the labels
        themselves, :func:`classification_metrics` and the ROC / PR figures, take the rarer
        class, :func:`default_positive`).
    labels : list, optional
        Class labels in row order, to name ``positive`` by label.

    Returns
    -------
    dict
        ``TP``, ``FP``, ``FN``, ``TN`` (counts); ``type_I_error`` (= FP, the count of false
        positives) and ``type_II_error`` (= FN); ``type_I_error_rate`` (false positive rate,
        FP / (FP + TN)) and ``type_II_error_rate`` (false negative rate, FN / (FN + TP));
        ``sensitivity`` (= ``recall``, TP / (TP + FN)), ``specificity`` (TN / (TN + FP)),
        ``precision`` (TP / (TP + FP)), ``accuracy`` and ``n``. A rate with an empty
        denominator is ``nan``.

    Examples
    --------
    >>> r = confusion_reading([[188, 6], [5, 201]])
    >>> r["TP"], r["FP"], r["FN"], r["TN"], r["accuracy"]
    (201, 6, 5, 188, 0.9725)
    """
    cm = _as_confusion(cm)
    p = _row_of(positive, labels, len(cm))
    tp = int(cm[p, p])
    fn = int(cm[p].sum()) - tp
    fp = int(cm[:, p].sum()) - tp
    n = int(cm.sum())
    tn = n - tp - fn - fp
    sens, spec, prec, acc = (float(v) for v in _div([tp, tn, tp, np.trace(cm)],
                                                     [tp + fn, tn + fp, tp + fp, n], np.nan))
    return {
        "TP": tp, "FP": fp, "FN": fn, "TN": tn,
        "type_I_error": fp, "type_II_error": fn,
        "type_I_error_rate": 1.0 - spec, "type_II_error_rate": 1.0 - sens,
        "sensitivity": sens, "recall": sens, "specificity": spec, "precision": prec,
        "accuracy": acc, "n": n,
    }


def _row_of(positive, labels, k):
    """Row of the positive class: by label when ``labels`` holds it, else as a row index;
    ``None``: row 1 (a matrix alone cannot tell class labels from display names)."""
    if positive is None:
        if labels is not None and len(labels) != k:
            raise InputError(f"{len(labels)} labels given for a {k}-class confusion matrix")
        return 1
    if labels is not None:
        if len(labels) != k:
            raise InputError(f"{len(labels)} labels given for a {k}-class confusion matrix")
        names = list(_plain(labels))
        if positive in names:
            return names.index(positive)
    if isinstance(positive, (int, np.integer)) and not isinstance(positive, bool) and 0 <= positive < k:
        return int(positive)
    raise InputError(f"positive must be a class label or a row index 0..{k - 1}, got {positive!r}")


def _pct(x):
    return "undefined" if np.isnan(x) else f"{100 * x:.1f}%"


def explain_confusion(cm, labels=None, positive=None):
    """Say in 2-4 plain sentences what a confusion matrix shows.

    Parameters
    ----------
    cm : array-like of shape (K, K)
        Rows true class, columns predicted class.
    labels : list of str, optional
        Class names in row order; default ``class 0``, ``class 1``, ...
    positive : int or label, optional
        The positive class of a binary matrix: a label in ``labels``, or else a row index;
        default row 1, as in :func:`confusion_reading` (for text classes, name it).

    Returns
    -------
    str

    Examples
    --------
    The course's matrix, whose first row is the motif (binding) class:

    >>> print(explain_confusion([[188, 6], [5, 201]], ["binding", "no binding"],
    ...                         positive="binding"))  # doctest: +NORMALIZE_WHITESPACE
    Of 400 examples, 389 (97.2%) were classified correctly. 5 'no binding' examples were
    predicted as 'binding': these false positives are type I errors. 6 'binding' examples
    were predicted as 'no binding': these false negatives (missed positives) are type II
    errors. Sensitivity is 96.9% (188 of 194 'binding' examples found) and specificity is
    97.6% (201 of 206 'no binding' examples correctly rejected).
    """
    cm = _as_confusion(cm)
    k = len(cm)
    names = [f"class {i}" for i in range(k)] if labels is None else [str(v) for v in labels]
    if len(names) != k:
        raise InputError(f"{len(names)} labels given for a {k}-class confusion matrix")
    n, right = int(cm.sum()), int(np.trace(cm))
    first = f"Of {n} examples, {right} ({_pct(right / n if n else np.nan)}) were classified correctly."
    if k == 2:
        r = confusion_reading(cm, positive, labels)
        p = _row_of(positive, labels, k)
        pos, neg = f"'{names[p]}'", f"'{names[1 - p]}'"
        return " ".join([
            first,
            f"{r['FP']} {neg} examples were predicted as {pos}: these false positives are type I errors.",
            f"{r['FN']} {pos} examples were predicted as {neg}: these false negatives "
            "(missed positives) are type II errors.",
            f"Sensitivity is {_pct(r['sensitivity'])} ({r['TP']} of {r['TP'] + r['FN']} {pos} "
            f"examples found) and specificity is {_pct(r['specificity'])} ({r['TN']} of "
            f"{r['TN'] + r['FP']} {neg} examples correctly rejected).",
        ])
    off = cm.astype(float).copy()
    np.fill_diagonal(off, -1)
    i, j = np.unravel_index(np.argmax(off), off.shape)
    recall = _div(np.diag(cm), cm.sum(1), np.nan)
    worst = int(np.nanargmin(recall)) if not np.isnan(recall).all() else 0
    sentences = [first]
    if off[i, j] > 0:
        sentences.append(f"The most common mistake is predicting '{names[j]}' for a true "
                         f"'{names[i]}' ({int(off[i, j])} times).")
    sentences.append(f"The class found least often is '{names[worst]}': {int(cm[worst, worst])} "
                     f"of {int(cm[worst].sum())} ({_pct(recall[worst])}) were recognised.")
    return " ".join(sentences)


def _prepare_proba(proba, n_classes, positive):
    """Return proba as (N, K) rows that are probabilities of the classes in label order."""
    P = _as_array("proba", proba, ndim=(1, 2))
    if (P < 0).any() or (P > 1).any():
        raise InputError("proba must hold probabilities between 0 and 1")
    if P.ndim == 1:
        if n_classes != 2:
            raise InputError(
                f"proba is 1-D (the probability of the positive class), but there are {n_classes} "
                "classes; pass an (N, K) array with one column per class"
            )
        full = np.empty((len(P), 2))
        full[:, positive] = P
        full[:, 1 - positive] = 1.0 - P
        return full
    if P.shape[1] != n_classes:
        raise InputError(f"proba has {P.shape[1]} columns but there are {n_classes} classes; "
                         "give one column per class, in label order")
    return P


def _resolve_classes(t, p, proba, labels):
    """Labels for y_true/y_pred/proba: if proba has K columns and the data are integer codes, 0..K-1."""
    if labels is None and proba is not None and np.ndim(proba) == 2:
        k = np.shape(proba)[1]
        seen = np.unique(t if p is None else np.concatenate([t, p]))
        if seen.dtype.kind in "iub" and seen.min() >= 0 and seen.max() < k:
            labels = np.arange(k)
    return _encode_labels(t, p, labels)


def classification_metrics(y_true, y_pred=None, proba=None, labels=None, positive=None, threshold=0.5):
    """The usual classification metrics in one dict.

    Parameters
    ----------
    y_true : array-like of shape (N,)
        True class labels.
    y_pred : array-like of shape (N,), optional
        Predicted labels. If omitted, taken from ``proba``: the most probable class, or for a
        1-D ``proba`` the positive class where ``proba >= threshold``.
    proba : array-like of shape (N,) or (N, K), optional
        Predicted probabilities: of the positive class (N,), or of each class in label order
        (N, K). Needed for ``roc_auc``, ``pr_auc`` and ``log_loss``.
    labels : list, optional
        Class order; default every class seen, sorted (or 0..K-1 for integer labels and an
        (N, K) ``proba``).
    positive : label, optional
        Positive class of a binary problem; default as :func:`default_positive` picks it
        (and ``biochemml train``, and the figures): the label ``1`` (or ``True``) of 0/1
        labels, else the rarer class in ``y_true``, the last label when both are as common.
        The result's ``positive`` says which it took.
    threshold : float, default 0.5
        Decision threshold used when ``y_pred`` is derived from a 1-D ``proba``.

    Returns
    -------
    dict
        ``accuracy``, ``precision``, ``recall``, ``f1`` (binary: of the positive class;
        more classes: the macro mean), ``roc_auc`` and ``pr_auc`` (average precision; macro
        one-vs-rest for more classes) and ``log_loss`` when ``proba`` is given,
        ``confusion_matrix`` (nested list, rows true), ``labels``, ``positive`` (binary only),
        ``average`` (``"binary"`` or ``"macro"``) and ``n``. For binary problems also
        ``specificity``. ``balanced_accuracy`` is the mean recall of the classes in
        ``y_true``; ``majority_class`` and ``majority_accuracy`` are the most common true
        class and the accuracy of always predicting it (the bar a model must clear on
        imbalanced data).

    Examples
    --------
    >>> m = classification_metrics([0, 1, 1, 0], proba=[0.2, 0.9, 0.4, 0.1])
    >>> m["accuracy"], m["roc_auc"]
    (0.75, 1.0)
    """
    if y_pred is None and proba is None:
        raise InputError("give the predicted classes (y_pred), the probabilities (proba), or both")
    check_same_index(y_true=y_true, y_pred=y_pred, proba=proba)
    t = _as_array("y_true", y_true, numeric=False)
    p = None if y_pred is None else _as_array("y_pred", y_pred, numeric=False)
    _same_length(y_true=t, y_pred=p, proba=None if proba is None else np.asarray(proba))
    labels, tc, pc = _resolve_classes(t, p, proba, labels)
    k = max(len(labels), 2)
    pos = _positive_index(labels, positive, tc) if len(labels) == 2 else None
    P = None
    if proba is not None:
        if len(labels) < 2:
            raise InputError("only one class is present; give labels with every class proba covers")
        P = _prepare_proba(proba, len(labels), pos)
        if pc is None:
            pc = np.where(P[:, pos] >= threshold, pos, 1 - pos) if np.ndim(proba) == 1 else P.argmax(1)
    precision, recall, f1 = _precision_recall_f1(tc, pc, k, pos)
    cm = np.bincount(tc * len(labels) + pc, minlength=len(labels) ** 2).reshape(len(labels), -1)
    out = {"accuracy": float(_accuracy(tc, pc)), "precision": float(precision),
           "recall": float(recall), "f1": float(f1)}
    if pos is not None:
        out["specificity"] = confusion_reading(cm, pos)["specificity"]
    if P is not None:
        out.update(_probability_metrics(tc, P, pos))
    present = cm.sum(axis=1) > 0  # classes of y_true: recall is defined for them
    out["balanced_accuracy"] = float(np.mean(np.diag(cm)[present] / cm.sum(axis=1)[present]))
    common = int(np.argmax(cm.sum(axis=1)))  # always predicting it: the bar to clear
    out["majority_class"] = _plain(labels[common])
    out["majority_accuracy"] = float(cm.sum(axis=1)[common] / cm.sum())
    out.update({"confusion_matrix": cm.tolist(), "labels": _plain(labels),
                "average": "binary" if pos is not None else "macro", "n": int(len(t))})
    if pos is not None:
        out["positive"] = _plain(labels[pos])
    return out


def _probability_metrics(codes, P, pos):
    """ROC AUC, average precision and log loss from class codes and (N, K) probabilities."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    k = P.shape[1]
    onehot = codes[:, None] == np.arange(k)
    eps = np.finfo(float).eps
    log_loss = float(-np.mean(np.log(np.clip(P[np.arange(len(codes)), codes], eps, 1 - eps))))
    classes = [pos] if pos is not None else range(k)
    aucs, aps = [], []
    for c in classes:
        if onehot[:, c].all() or not onehot[:, c].any():
            aucs.append(np.nan)  # a class absent (or alone) in the test set: no ranking to judge
            aps.append(np.nan)
            continue
        aucs.append(roc_auc_score(onehot[:, c], P[:, c]))
        aps.append(average_precision_score(onehot[:, c], P[:, c]))
    return {"roc_auc": float(np.mean(aucs)), "pr_auc": float(np.mean(aps)), "log_loss": log_loss}


# --------------------------------------------------------------------------- regression
def _regression_arrays(y_true, y_pred):
    check_same_index(y_true=y_true, y_pred=y_pred)
    t = _as_array("y_true", y_true, ndim=(1, 2))
    p = _as_array("y_pred", y_pred, ndim=(1, 2))
    if t.shape != p.shape:
        if len(t) != len(p):
            _same_length(y_true=t, y_pred=p)
        raise InputError(f"y_true has shape {t.shape} but y_pred has shape {p.shape}")
    if len(t) < 2:
        raise InputError("at least 2 examples are needed to compute regression metrics")
    return t, p


def regression_metrics(y_true, y_pred):
    """R², correlations and errors of predicted against measured values.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,) or (N, T)
        Measured and predicted values; (N, T) for T targets.

    Returns
    -------
    dict
        ``r2`` (coefficient of determination, 1 - SS_res / SS_tot), ``pearson`` (r),
        ``spearman`` (rho), ``mse``, ``rmse``, ``mae`` and ``n``. For one target each value is
        a float; for T targets each is a list of T floats (target order kept) and ``n`` is N.
        A correlation or R² that is undefined (constant values) is ``nan``.

    Examples
    --------
    >>> m = regression_metrics([1.0, 2.0, 3.0, 4.0], [1.1, 1.9, 3.2, 3.8])
    >>> round(m["r2"], 3), round(m["mae"], 3)
    (0.98, 0.15)
    """
    t, p = _regression_arrays(y_true, y_pred)
    out = {name: _plain(f(t.T, p.T)) for name, f in _REGRESSION.items()}
    out["n"] = int(len(t))
    return out


def regression_metrics_by_group(y_true, y_pred, groups, min_rows: int = 3, n_boot: int = 1000,
                                seed: int = 0, min_ci_rows: int = 10):
    """:func:`regression_metrics` of one target computed apart for each group.

    For a table that pools several libraries (or genes, or plates), this says how the
    model does on each one: a pooled R² can hide a library it fails on.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,)
        Measured and predicted values.
    groups : array-like of shape (N,)
        The group of each row (any hashable values; NaN counts as the group "nan").
    min_rows : int
        Groups with fewer rows get ``n`` only (their metrics are ``nan``).
    n_boot, seed
        Resamples and seed of the percentile bootstrap 95 % interval of each group's R²
        (:func:`bootstrap_ci`); ``n_boot=0`` skips it (``nan``).
    min_ci_rows : int
        Groups with fewer rows get no interval (``nan``): resampling 3 rows often draws
        one value three times, whose R² is minus infinity, so the interval says nothing.

    Returns
    -------
    pandas.DataFrame
        One row per group, in order of first appearance: ``group``, ``n``, ``r2``,
        ``r2_low``, ``r2_high`` (the interval), ``pearson``, ``spearman``, ``mae``.

    Examples
    --------
    >>> t = regression_metrics_by_group([1, 2, 3, 1, 2, 3], [1, 2, 3, 3, 2, 1],
    ...                                 ["a", "a", "a", "b", "b", "b"])
    >>> t.group.tolist(), t.r2.round(2).tolist()
    (['a', 'b'], [1.0, -3.0])
    """
    import pandas as pd

    check_same_index(y_true=y_true, y_pred=y_pred, groups=groups)
    t, p = _regression_arrays(y_true, y_pred)
    if t.ndim == 2 and t.shape[1] != 1:
        raise InputError("regression_metrics_by_group takes one target: pass y of shape (N,)")
    t, p = t.reshape(len(t)), p.reshape(len(p))
    g = np.asarray(groups, dtype=object).astype(str)
    if g.shape != (len(t),):
        raise InputError(f"groups has {g.size} values for {len(t)} measured values")
    columns = ["r2", "r2_low", "r2_high", "pearson", "spearman", "mae"]
    rows = []
    for name in pd.unique(g):
        rows_g = g == name
        m = dict.fromkeys(columns, np.nan)
        if rows_g.sum() >= min_rows:
            full = regression_metrics(t[rows_g], p[rows_g])
            m.update({k: full[k] for k in ("r2", "pearson", "spearman", "mae")})
            if n_boot and rows_g.sum() >= min_ci_rows:
                m["r2_low"], m["r2_high"] = bootstrap_ci("r2", t[rows_g], p[rows_g],
                                                         n_boot=n_boot, seed=seed)
        rows.append({"group": name, "n": int(rows_g.sum()), **m})
    return pd.DataFrame(rows, columns=["group", "n", *columns])


# --------------------------------------------------------------------------- bootstrap
_MAX_CELLS = 4_000_000  # resampled values held at once: bounds memory for large test sets


def _resample_chunks(n, n_boot, seed):
    """Yield index arrays of shape (b, n), n_boot rows in all, drawn from one generator."""
    rng = np.random.default_rng(seed)
    rows = max(1, _MAX_CELLS // max(n, 1))
    for start in range(0, n_boot, rows):
        yield rng.integers(0, n, size=(min(rows, n_boot - start), n))


#: share of resamples in which a metric may be undefined (one value or one class drawn)
#: before its interval is NaN
MAX_UNDEFINED = 0.05


def _percentiles(draws, level):
    """Percentile interval of ``draws`` ``(n_boot, ...)``; NaN where the metric was undefined
    in more than :data:`MAX_UNDEFINED` of the resamples: an interval over the others only
    would be conditional on drawing a usable sample, and narrower than the truth."""
    draws = np.asarray(draws, dtype=float)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices -> NaN, quietly
            low, high = np.nanpercentile(draws, [50 * (1 - level), 50 * (1 + level)], axis=0)
    undefined = np.isnan(draws).mean(axis=0) > MAX_UNDEFINED
    return np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)


def _check_boot(n_boot, level):
    if int(n_boot) < 10:
        raise InputError(f"n_boot must be at least 10 resamples, got {n_boot}")
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1 (e.g. 0.95), got {level}")


_NAMED = {"accuracy": _accuracy, **_REGRESSION}


def bootstrap_ci(metric, y_true, y_pred, n_boot=1000, level=0.95, seed=0):
    """Percentile bootstrap confidence interval of one metric over resampled test examples.

    Parameters
    ----------
    metric : str or callable
        A name (``"accuracy"``, ``"r2"``, ``"pearson"``, ``"spearman"``, ``"mse"``, ``"rmse"``,
        ``"mae"``) or :func:`accuracy`, computed for all resamples in one array operation;
        or any ``f(y_true, y_pred) -> float``, called once per resample. A function that
        returns a dict of metrics (:func:`regression_metrics`) is refused: use
        :func:`with_intervals` for it.
    y_true, y_pred : array-like of shape (N,)
    n_boot : int, default 1000
        Number of resamples (examples drawn with replacement, N per resample).
    level : float, default 0.95
        Coverage of the interval.
    seed : int, default 0

    Returns
    -------
    tuple of float
        ``(low, high)``.

    Examples
    --------
    >>> low, high = bootstrap_ci("accuracy", [0, 1] * 50, [0, 1] * 45 + [1, 0] * 5)
    >>> low < 0.9 < high
    True
    """
    _check_boot(n_boot, level)
    check_same_index(y_true=y_true, y_pred=y_pred)
    if metric is accuracy:
        metric = "accuracy"
    if isinstance(metric, str):
        if metric not in _NAMED:
            raise InputError(f"unknown metric '{metric}': expected one of {', '.join(_NAMED)} or a function")
        numeric = metric != "accuracy"
        t = _as_array("y_true", y_true, numeric=numeric)
        p = _as_array("y_pred", y_pred, numeric=numeric)
        _same_length(y_true=t, y_pred=p)
        draws = np.concatenate([_NAMED[metric](t[idx], p[idx])
                                for idx in _resample_chunks(len(t), int(n_boot), seed)])
    else:
        t, p = np.asarray(y_true), np.asarray(y_pred)
        if len(t) == 0:
            raise InputError("y_true is empty: there is nothing to evaluate")
        _same_length(y_true=t, y_pred=p)
        _one_number(metric, metric(t, p))
        draws = [metric(t[idx], p[idx]) for chunk in _resample_chunks(len(t), int(n_boot), seed)
                 for idx in chunk]
    low, high = _percentiles(draws, level)
    return float(low), float(high)


def _one_number(metric, value) -> None:
    """Refuse a metric function that does not return one number (a dict of metrics, an
    array), naming the function to use instead."""
    name = getattr(metric, "__name__", type(metric).__name__)
    if isinstance(value, dict):
        raise InputError(
            f"bootstrap_ci takes a metric that returns one number, but {name} returns a dict "
            f"of metrics ({', '.join(map(str, list(value)[:4]))}, ...); for an interval on "
            f"each of them use with_intervals({name}, y_true, y_pred)")
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0 or not _is_numeric(
            value.item() if isinstance(value, np.generic) else value):
        raise InputError(f"bootstrap_ci takes a metric that returns one number, but {name} "
                         f"returned {type(value).__name__} {str(value)[:60]!r}")


def _batched_regression(t, p, idx):
    # (N, T) data -> (T, b, N) resamples, so one formula call covers every target and resample
    tt, pp = t.T[..., idx], p.T[..., idx]
    return {name: np.moveaxis(f(tt, pp), 0, -1) if t.ndim == 2 else f(tt, pp)
            for name, f in _REGRESSION.items()}


def with_intervals(metrics_fn, y_true, y_pred, n_boot=1000, seed=0, level=0.95, **arrays):
    """Every metric of ``metrics_fn`` with a percentile bootstrap interval.

    Parameters
    ----------
    metrics_fn : callable
        :func:`regression_metrics`, :func:`classification_metrics`, or any
        ``f(y_true, y_pred, **arrays) -> dict``. :func:`regression_metrics` is computed for all
        resamples at once; others are called once per resample.
    y_true, y_pred : array-like of shape (N,) or (N, T)
    n_boot : int, default 1000
    seed : int, default 0
    level : float, default 0.95
    **arrays : array-like of length N
        Further per-example inputs resampled with the same rows, e.g. ``proba=...`` for
        :func:`classification_metrics`.

    Returns
    -------
    dict
        metric name -> ``{"value": v, "low": l, "high": h}`` for every numeric metric (lists
        for multi-target metrics); non-numeric entries (``confusion_matrix``, ``labels``) and
        ``n`` are left out.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=200)
    >>> ci = with_intervals(regression_metrics, y, y + rng.normal(0, 0.5, 200), n_boot=200)
    >>> ci["r2"]["low"] < ci["r2"]["value"] < ci["r2"]["high"]
    True
    """
    _check_boot(n_boot, level)
    check_same_index(y_true=y_true, y_pred=y_pred, **arrays)
    point = metrics_fn(y_true, y_pred, **arrays)
    keep = [k for k, v in point.items() if k != "n" and _is_numeric(v)]
    if metrics_fn is regression_metrics and not arrays:
        t, p = _regression_arrays(y_true, y_pred)
        parts = [_batched_regression(t, p, idx) for idx in _resample_chunks(len(t), int(n_boot), seed)]
        draws = {k: np.concatenate([part[k] for part in parts]) for k in keep}
    else:
        t, p = np.asarray(y_true), None if y_pred is None else np.asarray(y_pred)
        extra = {k: np.asarray(v) for k, v in arrays.items() if v is not None}
        _same_length(y_true=t, y_pred=p, **extra)
        draws = {k: [] for k in keep}
        fixed = {}
        if metrics_fn is classification_metrics and point.get("positive") is not None:
            # the default positive class (the rarer) could change in a resample of two
            # classes about as common: every resample scores the class the value scores
            fixed["positive"] = point["positive"]
        for chunk in _resample_chunks(len(t), int(n_boot), seed):
            for idx in chunk:
                m = metrics_fn(t[idx], None if p is None else p[idx],
                               **{k: v[idx] for k, v in extra.items()}, **fixed)
                for k in keep:
                    draws[k].append(m[k])
    out = {}
    for k in keep:
        low, high = _percentiles(draws[k], level)
        out[k] = {"value": point[k], "low": _plain(low), "high": _plain(high)}
    return out


def label_clusters(labels) -> list:
    """The row indices of each distinct label, in order of first appearance: the clusters
    of :func:`cluster_intervals` for rows grouped by a column (held-out groups).

    Examples
    --------
    >>> [c.tolist() for c in label_clusters(["b", "a", "b"])]
    [[0, 2], [1]]
    """
    import pandas as pd

    labels = np.asarray(labels)
    return [np.flatnonzero(labels == g) for g in pd.unique(labels)]


def cluster_intervals(y_true, y_pred, clusters, n_boot: int = 1000, seed: int = 0,
                       level: float = 0.95, metrics_fn=None) -> dict:
    """Metrics of a test set with bootstrap intervals over clusters of rows.

    When the test rows come in clusters that share an unknown effect (the variants of a
    held-out position, the sequences of a held-out group), they are not independent draws,
    and resampling rows one by one gives intervals too narrow. Each resample here draws as
    many clusters as there are, with replacement, and scores all their rows together.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,)
        Measured and predicted values of the ``N`` test rows.
    clusters : list of array-like of int
        The rows (indices into ``y_true``) of each of ``P`` clusters, e.g.
        :func:`biochemml.protein.metrics.position_clusters`.
    n_boot : int, default 1000
        Resamples: each draws ``P`` clusters with replacement and scores all their rows
        together.
    seed : int, default 0
    level : float, default 0.95
    metrics_fn : callable, optional
        ``f(y_true, y_pred) -> dict`` of numbers, called once per resample, e.g.
        ``lambda t, p: {"accuracy": accuracy(t, p)}`` for class labels. By default the
        regression metrics, computed for all resamples at once.

    Returns
    -------
    dict
        metric name -> ``{"value", "low", "high"}``, as
        :func:`biochemml.metrics.with_intervals` gives it (by default ``r2``, ``pearson``,
        ``spearman``, ``mse``, ``rmse``, ``mae``); the value is that of all test rows.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=60)
    >>> ci = cluster_intervals(y, y + rng.normal(0, 0.5, 60),
    ...                        [np.arange(i, i + 6) for i in range(0, 60, 6)], n_boot=200)
    >>> ci["r2"]["low"] < ci["r2"]["value"] < ci["r2"]["high"]
    True
    """
    _check_boot(n_boot, level)
    check_same_index(y_true=y_true, y_pred=y_pred)
    clusters = [np.asarray(c, dtype=np.int64) for c in clusters]
    if not clusters:
        raise InputError("cluster intervals need at least one cluster of rows")
    if metrics_fn is None:
        t, p = _regression_arrays(y_true, y_pred)
        point = regression_metrics(t, p)
        names = ("r2", "pearson", "spearman", "mse", "rmse", "mae")

        def score(idx):
            scores = _batched_regression(t, p, idx[None, :])
            return {name: scores[name][0] for name in names}
    else:
        t, p = np.asarray(y_true), np.asarray(y_pred)
        _same_length(y_true=t, y_pred=p)
        point = metrics_fn(t, p)
        names = [k for k, v in point.items() if k != "n" and _is_numeric(v)]

        def score(idx):
            return metrics_fn(t[idx], p[idx])
    rng = np.random.default_rng(seed)
    draws = {name: np.empty(int(n_boot)) for name in names}
    for b in range(int(n_boot)):
        drawn = rng.integers(0, len(clusters), size=len(clusters))
        scores = score(np.concatenate([clusters[c] for c in drawn]))
        for name in draws:
            draws[name][b] = scores[name]
    out = {}
    for name, values in draws.items():
        low, high = _percentiles(values, level)
        out[name] = {"value": point[name], "low": _plain(low), "high": _plain(high)}
    return out


def _is_numeric(v):
    if isinstance(v, (bool, np.bool_)):
        return False
    if isinstance(v, (int, float, np.number)):
        return True
    return isinstance(v, list) and len(v) > 0 and all(isinstance(x, (int, float)) for x in v)


# --------------------------------------------------------------------------- calibration
def interval_coverage(y_true, mean, std, levels=(0.68, 0.95)):
    """Fraction of measured values inside the Gaussian predictive interval mean ± z·std.

    A calibrated model (an ensemble, a Gaussian process) should give fractions close to the
    levels: about 0.68 inside ±1 std and 0.95 inside ±1.96 std. Much less means the model is
    over-confident; much more, under-confident.

    Parameters
    ----------
    y_true, mean, std : array-like of shape (N,) or (N, T)
        Measured values, predicted means and predicted standard deviations (std >= 0). A
        std that is NaN everywhere (a single network's: it has no spread) is refused with
        that reason.
    levels : float or sequence of float, default (0.68, 0.95)
        Nominal coverages, each above 0 and below 1 (a single number is one level); z is
        the two-sided Gaussian quantile, e.g. 1.96 for 0.95.

    Returns
    -------
    dict
        level -> observed fraction (float) of values inside its interval.

    Examples
    --------
    >>> interval_coverage([0.0, 1.0, 5.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], levels=(0.95,))
    {0.95: 0.6666666666666666}
    """
    check_same_index(y_true=y_true, mean=mean, std=std)
    t = _as_array("y_true", y_true, ndim=(1, 2))
    m = _as_array("mean", mean, ndim=(1, 2))
    s = _as_array("std", std, ndim=(1, 2), all_nan_is_none=True)
    if s is None:
        raise InputError(NO_SPREAD)
    if not (t.shape == m.shape == s.shape):
        _same_length(y_true=t, mean=m, std=s)
        raise InputError(f"y_true, mean and std differ in shape: {t.shape}, {m.shape}, {s.shape}")
    if (s < 0).any():
        raise InputError("std must not be negative")
    out = {}
    for level in (levels,) if np.ndim(levels) == 0 else levels:
        if not _is_numeric(level) or np.ndim(level) or not 0 < level < 1:
            raise InputError(f"each of levels must be a number between 0 and 1 (such as "
                             f"0.95), not {level!r}")
        z = stats.norm.ppf(0.5 + level / 2)
        out[level] = float(np.mean(np.abs(t - m) <= z * s))
    return out


def bounds_coverage(y_true, bounds: dict) -> dict:
    """Fraction of measured values inside given intervals, one per nominal level.

    The intervals need not be symmetric around the prediction: a log target's are taken
    on the log scale (:meth:`biochemml.SequenceRegressor.predict_bounds`).

    Parameters
    ----------
    y_true : array-like of shape (N,)
    bounds : dict
        level -> ``(lower, upper)``, each of shape (N,).

    Returns
    -------
    dict
        level -> observed fraction (float) of values inside its interval (ends included).

    Examples
    --------
    >>> bounds_coverage([1.0, 2.0, 9.0], {0.95: ([0.5, 1.0, 1.0], [1.5, 3.0, 4.0])})
    {0.95: 0.6666666666666666}
    """
    t = _as_array("y_true", y_true, ndim=(1,))
    out = {}
    for level, (low, high) in bounds.items():
        if not _is_numeric(level) or np.ndim(level) or not 0 < level < 1:
            raise InputError(f"each level must be a number between 0 and 1 (such as 0.95), "
                             f"not {level!r}")
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        if (low > high).any():
            i = int(np.flatnonzero(low > high)[0])
            raise InputError(f"the {level} interval's lower end lies above its upper end at "
                             f"position {i} ({low[i]:g} > {high[i]:g}): pass (lower, upper)")
        if not (low.shape == high.shape == t.shape):
            raise InputError(f"y_true and the {level} interval's ends differ in shape: "
                             f"{t.shape}, {low.shape}, {high.shape}")
        if np.isnan(low).all():
            raise InputError(NO_SPREAD)
        out[level] = float(np.mean((t >= low) & (t <= high)))
    return out


# --------------------------------------------------------------------------- replicates
def replicate_ceiling(groups, y, min_groups: int = 10) -> dict | None:
    """How well any model could predict single measurements, read from replicates.

    Rows of one group (one sequence measured several times) differ by measurement noise
    alone; their pooled within-group variance ``s²`` is noise no model can predict, so a
    perfect model would reach about ``R² = 1 - s² / var(y)`` on single measurements like
    these (less where the noise differs between sequences).

    Parameters
    ----------
    groups : array-like of shape (N,)
        The group (distinct sequence) of each row.
    y : array-like of shape (N,)
        Its measured value; NaN rows are left out.
    min_groups : int, default 10
        Fewest groups measured twice or more to give an estimate from.

    Returns
    -------
    dict or None
        ``{"groups": k, "rows": n, "noise_sd": s, "r2_ceiling": c}`` (``rows``: the rows of
        those ``k`` groups), or None with fewer than ``min_groups`` such groups.

    Examples
    --------
    >>> g = np.repeat(np.arange(20), 2)
    >>> y = np.repeat(np.arange(20.0), 2) + np.tile([-0.5, 0.5], 20)
    >>> round(replicate_ceiling(g, y)["r2_ceiling"], 3)
    0.985
    """
    y = np.asarray(y, dtype=np.float64)
    groups = np.asarray(groups)
    ok = np.isfinite(y)
    y, groups = y[ok], groups[ok]
    if len(y) < 3:
        return None
    codes, _ = _factorize(groups)
    counts = np.bincount(codes)
    rep = counts[codes] >= 2
    k = int((counts >= 2).sum())
    if k < min_groups:
        return None
    means = np.bincount(codes, weights=y) / np.maximum(counts, 1)
    within = float(((y[rep] - means[codes[rep]]) ** 2).sum() / (rep.sum() - k))
    total = float(np.var(y, ddof=1))
    if total <= 0:
        return None
    return {"groups": k, "rows": int(rep.sum()), "noise_sd": within ** 0.5,
            "r2_ceiling": 1.0 - within / total}


def _factorize(values) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` of any 1-D array (numbers or text), as pandas.factorize."""
    uniques, codes = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return codes.reshape(-1), uniques
