"""Training curves: loss and metrics per epoch, training against validation."""
from __future__ import annotations

import math

import numpy as np

from ..errors import InputError
from ._base import DPI, finish, new_figure, style

_PRETTY = {"loss": "Loss", "accuracy": "Accuracy", "acc": "Accuracy", "r2": "R²", "auc": "ROC AUC",
           "roc_auc": "ROC AUC", "pr_auc": "PR AUC", "mse": "MSE", "rmse": "RMSE", "mae": "MAE",
           "f1": "F1", "pearson": "Pearson r", "spearman": "Spearman ρ", "lr": "Learning rate"}
_TRAIN = ("train_",)
_VAL = ("val_", "valid_", "validation_")
_SKIP = {"epoch", "step", "time", "epoch_time"}


def _split(key):
    """('val' or 'train', base metric name) for a history key such as 'val_r2' or 'train_loss'."""
    for prefix in _VAL:
        if key.startswith(prefix):
            return "val", key[len(prefix):]
    for prefix in _TRAIN:
        if key.startswith(prefix):
            return "train", key[len(prefix):]
    return "train", key


def _series(history):
    """{base name: {"train": array, "val": array}}, loss first, in the order keys appear."""
    if hasattr(history, "to_dict") and hasattr(history, "columns"):  # a pandas DataFrame
        history = {c: history[c].to_numpy() for c in history.columns}
    if not isinstance(history, dict) or not history:
        raise InputError("history must be a non-empty dict of lists, e.g. {'loss': [...], 'val_loss': [...]}")
    panels = {}
    for key, values in history.items():
        if str(key) in _SKIP:
            continue
        try:
            arr = np.asarray(values, dtype=float).ravel()
        except (TypeError, ValueError):
            raise InputError(f"history['{key}'] must be a list of numbers, one per epoch") from None
        if arr.size == 0 or np.isnan(arr).all():
            continue
        split, base = _split(str(key))
        panels.setdefault(base, {})[split] = arr
    if not panels:
        raise InputError("history holds no numbers to plot")
    order = sorted(panels, key=lambda b: b != "loss")  # stable: loss first, others as given
    return {b: panels[b] for b in order}


def training_curves(history, path=None, *, title="Training curves", formats=None, dpi=DPI,
                    loss_label: str = "loss"):
    """Loss and every metric per epoch, training against validation, best epoch marked.

    Parameters
    ----------
    history : dict of lists, or pandas.DataFrame
        One list per quantity, one value per epoch, as Keras ``history.history`` gives:
        ``loss``, ``val_loss`` and any metrics (``accuracy``/``val_accuracy``, ``r2``/``val_r2``).
        ``train_``-prefixed names (Lightning) are read as training values; ``epoch`` and
        ``step`` columns are ignored; NaN entries (epochs without validation) are skipped.
    path : str or Path, optional
        Save the figure there (see ``formats``).
    title : str
    formats : sequence of str, optional
        Formats to save, e.g. ``("png", "svg")``; default the suffix of ``path`` (PNG).
    dpi : int, default 150
    loss_label : str
        The loss panel's y-axis: say what the loss measures and on which scale (a run
        writes ``"mean squared error of the standardised value"``: it is not the test MSE).

    Returns
    -------
    matplotlib.figure.Figure
        One panel for the loss and one per metric. The epoch of the lowest ``val_loss``
        is marked on every panel with a dashed line (the weights a run keeps when it
        restores the best epoch; without early stopping it keeps the last ones).
    """
    panels = _series(history)
    n = len(panels)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    with style():
        fig, axes = new_figure(4.6 * ncols, 3.8 * nrows, dpi, nrows=nrows, ncols=ncols, squeeze=False)
        val_loss = panels.get("loss", {}).get("val")
        best = int(np.nanargmin(val_loss)) + 1 if val_loss is not None else None
        for ax, (base, parts) in zip(axes.flat, panels.items()):
            for split, color, label in (("train", "C0", "training"), ("val", "C1", "validation")):
                if split not in parts:
                    continue
                y = parts[split]
                epochs = np.arange(1, len(y) + 1)
                ok = ~np.isnan(y)
                ax.plot(epochs[ok], y[ok], color=color, marker="o" if ok.sum() <= 30 else None,
                        markersize=4, linewidth=2, label=label)
                if split == "val" and best is not None and best <= len(y) and ok[best - 1]:
                    ax.plot([best], [y[best - 1]], marker="*", markersize=14, color="C3", zorder=3)
            if best is not None:
                ax.axvline(best, color="C3", linestyle="--", linewidth=1.2, label=f"lowest validation loss (epoch {best})")
            pretty = _PRETTY.get(base.lower(), base.replace("_", " "))
            ax.set_title(pretty)
            ax.set_xlabel("epoch")
            ax.set_ylabel(pretty if base.lower() != "loss" else loss_label)
            ax.xaxis.get_major_locator().set_params(integer=True)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        # one legend for every panel, below them: inside a panel it lay over the curves
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncol=len(names), frameon=False)
        fig.suptitle(title)
    return finish(fig, path, formats, dpi)
