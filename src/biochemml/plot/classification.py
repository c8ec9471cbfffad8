"""Figures of a classifier: confusion matrix, ROC curve, precision-recall curve."""
from __future__ import annotations

import numpy as np

from .. import metrics as _m
from ..errors import InputError
from ._base import DPI, finish, new_figure, style


def confusion_matrix(cm, labels=None, path=None, *, normalize=False, positive=None,
                     title="Confusion matrix", formats=None, dpi=DPI, ax=None):
    """Heat map of a confusion matrix with counts and the percentage of each true class.

    Parameters
    ----------
    cm : array-like of shape (K, K)
        Rows true class, columns predicted class (:func:`biochemml.metrics.confusion_matrix`).
    labels : list of str, optional
        Class names in row order.
    path : str or Path, optional
        Save the figure there.
    normalize : bool, default False
        Show the row percentage first (and the count below) instead of the count first.
        Colours always show the row percentage, so a rare class is as visible as a common one.
    positive : int or label, optional
        Positive class of a binary matrix: a label in ``labels``, or else a row index. Binary
        matrices get TP/FP/FN/TN tags in the cells and sensitivity, specificity, precision and
        the type I/II errors written below, with the positive class named. Default row 1:
        the class ``1`` of 0/1 labels (``labels`` may be display names for them, such as
        ``["random", "motif"]``). For text classes, name it: ``positive="bound"``;
        :func:`biochemml.metrics.classification_metrics` and ``biochemml train`` take the
        rarer class when none is named (the result's ``positive`` says which).
    title, formats, dpi :
        As in every biochemml figure.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes of your own figure (``fig, axes = plt.subplots(1, 2)``, then
        ``ax=axes[0]``) instead of a new figure; its figure is returned (and saved to
        ``path`` when given, whole). A binary matrix's reading is then written under the
        axes, as its x label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    cm = _m._as_confusion(cm)
    k = len(cm)
    names = [str(v) for v in labels] if labels is not None else [str(i) for i in range(k)]
    if len(names) != k:
        raise InputError(f"{len(names)} labels given for a {k}-class confusion matrix")
    frac = _m._div(cm, cm.sum(1, keepdims=True), 0.0)
    side = float(np.clip(0.7 * k + 3.2, 5.2, 16))
    tags = {}
    if k == 2:
        p = _m._row_of(positive, labels, 2)
        tags = {(p, p): "TP", (p, 1 - p): "FN", (1 - p, p): "FP", (1 - p, 1 - p): "TN"}
    with style():
        own = ax is not None
        fig, ax = new_figure(side + 1.0, side + (0.8 if k == 2 else 0.0), dpi, ax=ax)
        image = ax.imshow(frac, cmap="Blues", vmin=0, vmax=1)
        fig.colorbar(image, ax=ax, label="fraction of the true class", shrink=0.8)
        small = k > 8
        for i in range(k):
            for j in range(k):
                count, pct = int(cm[i, j]), f"{100 * frac[i, j]:.1f}%"
                lines = [pct, f"n={count}"] if normalize else [str(count), pct]
                if small:
                    lines = lines[:1]
                if (i, j) in tags:
                    lines.insert(0, tags[(i, j)])
                ax.text(j, i, "\n".join(lines), ha="center", va="center",
                        fontsize=11 if k <= 6 else 9,
                        color="white" if frac[i, j] > 0.55 else "black")
        ax.set_xticks(range(k), names, rotation=45 if max(map(len, names)) > 6 else 0,
                      ha="right" if max(map(len, names)) > 6 else "center")
        ax.set_yticks(range(k), names)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        ax.spines[:].set_visible(False)
        ax.set_title(title)
        if k == 2:
            r = _m.confusion_reading(cm, p)
            (ax.set_xlabel if own else fig.supxlabel)(
                ("predicted class\n" if own else "") +
                f"accuracy {_m._pct(r['accuracy'])} · sensitivity {_m._pct(r['sensitivity'])} · "
                f"specificity {_m._pct(r['specificity'])} · precision {_m._pct(r['precision'])}\n"
                f"positive class: {names[p]} · "
                f"FP = type I errors ({r['FP']}) · FN = type II errors ({r['FN']})",
                fontsize=11 if not own else 9)
    return finish(fig, path, formats, dpi)


def _curves(y_true, proba, labels, positive):
    """[(class name, binary truth, score)] for each curve: the positive class, or one per class."""
    _m.check_same_index(y_true=y_true, proba=proba)
    t = _m._as_array("y_true", y_true, numeric=False)
    _m._same_length(y_true=t, proba=np.asarray(proba))
    labels, codes, _ = _m._resolve_classes(t, None, proba, labels)
    if len(labels) < 2:
        raise InputError("y_true holds a single class: a curve needs both positives and negatives")
    pos = _m._positive_index(labels, positive, codes) if len(labels) == 2 else None
    P = _m._prepare_proba(proba, len(labels), pos)
    classes = [pos] if pos is not None else range(len(labels))
    out = []
    for c in classes:
        truth = codes == c
        if truth.all() or not truth.any():
            raise InputError(f"class {labels[c]!r} has no {'negatives' if truth.all() else 'examples'} "
                             "in y_true, so its curve is undefined")
        out.append((str(_m._plain(labels[c])), truth, P[:, c]))
    return out


def _curve_figure(kind, y_true, proba, path, labels, positive, title, formats, dpi, ax=None):
    from sklearn import metrics as skm

    curves = _curves(y_true, proba, labels, positive)
    with style():
        fig, ax = new_figure(5.6, 5.2, dpi, ax=ax)
        for i, (name, truth, score) in enumerate(curves):
            who = "" if len(curves) == 1 else f"{name}: "
            if kind == "roc":
                fpr, tpr, _ = skm.roc_curve(truth, score)
                ax.plot(fpr, tpr, color=f"C{i}", linewidth=2,
                        label=f"{who}AUC = {skm.roc_auc_score(truth, score):.3f}")
            else:
                precision, recall, _ = skm.precision_recall_curve(truth, score)
                ax.step(recall, precision, where="post", color=f"C{i}", linewidth=2,
                        label=f"{who}AP = {skm.average_precision_score(truth, score):.3f}")
                # chance is the class's share of the rows: one line per class (one-vs-rest)
                ax.axhline(truth.mean(), color="grey" if len(curves) == 1 else f"C{i}",
                           linestyle="--", linewidth=1.2, alpha=1 if len(curves) == 1 else 0.6,
                           label=f"{who}chance (positive rate {truth.mean():.3g})")
        if kind == "roc":
            ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1.2, label="chance (AUC = 0.5)")
            ax.set_xlabel("false positive rate (1 − specificity)")
            ax.set_ylabel("true positive rate (sensitivity)")
            loc = "lower right"
        else:
            ax.set_xlabel("recall (sensitivity)")
            ax.set_ylabel("precision")
            loc = "lower left"
        ax.set_xlim(-0.01, 1.01)
        ax.set_ylim(-0.01, 1.02)
        ax.set_aspect("equal")
        ax.legend(loc=loc, frameon=False, fontsize=10 if len(curves) > 2 else None)
        ax.set_title(title + ("\n(each class against the rest)" if len(curves) > 1 else ""))
    return finish(fig, path, formats, dpi)


def roc_curve(y_true, proba, path=None, *, labels=None, positive=None, title="ROC curve",
              formats=None, dpi=DPI, ax=None):
    """Receiver operating characteristic: sensitivity against 1 − specificity, AUC in the legend.

    Parameters
    ----------
    y_true : array-like of shape (N,)
        True classes.
    proba : array-like of shape (N,) or (N, K)
        Probability of the positive class, or of every class in label order. With more than
        two classes one curve is drawn per class (that class against the rest).
    path : str or Path, optional
    labels, positive :
        As in :func:`biochemml.metrics.classification_metrics`.
    title, formats, dpi :
        As in every biochemml figure.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes of your own figure (``fig, axes = plt.subplots(1, 2)``, then
        ``ax=axes[0]``) instead of a new figure; its figure is returned (and saved to
        ``path`` when given, whole).

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _curve_figure("roc", y_true, proba, path, labels, positive, title, formats, dpi, ax)


def pr_curve(y_true, proba, path=None, *, labels=None, positive=None, title="Precision-recall curve",
             formats=None, dpi=DPI, ax=None):
    """Precision against recall, average precision (AP) in the legend, chance = positive rate.

    Parameters are those of :func:`roc_curve`. Prefer this curve to ROC when positives are rare.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _curve_figure("pr", y_true, proba, path, labels, positive, title, formats, dpi, ax)
