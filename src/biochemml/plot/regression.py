"""Figures of a regression model: observed against predicted, residuals, a metric by group."""
from __future__ import annotations

import numpy as np

from .. import metrics as _m
from ..errors import InputError
from ._base import DPI, HEXBIN_ABOVE, as_values, check_choice, finish, new_figure, points, same_length, style


def _with_units(label, units):
    return f"{label} ({units})" if units else label


def observed_vs_predicted(y_true, y_pred, std=None, path=None, label="value", *, units=None,
                          title="Observed vs predicted", hexbin_above=HEXBIN_ABOVE,
                          max_errorbars=60, seed=0, formats=None, dpi=DPI, interval=None, ax=None):
    """Predicted against measured values, the y = x line, and R², Pearson r and Spearman ρ in a box.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,)
        Measured and predicted values of one target.
    std : array-like of shape (N,), optional
        Predictive standard deviation (an ensemble's spread); drawn as ±1 std error bars on a
        random subset of ``max_errorbars`` points. A std that is NaN everywhere (a single
        network has no spread) draws no error bars, like ``None``.
    path : str or Path, optional
    label : str, default "value"
        What is measured, e.g. ``"GFP expression"``; used in the axis labels.
    units : str, optional
        Units of the value, e.g. ``"a.u."`` or ``"log2 fold change"``.
    hexbin_above : int, default 5000
        Above this many points, a hexagonal density map replaces the scatter.
    max_errorbars : int, default 60
        More bars than this make a grey curtain over the points; 60 show the spread.
    seed : int, default 0
        Chooses the points that get error bars.
    title, formats, dpi :
        As in every biochemml figure.
    interval : (lower, upper) of arrays of shape (N,), or array of shape (N, 2), optional
        Instead of ``std``: the ends of each prediction's 68 % interval, which need not be
        symmetric (a log target's), drawn as error bars like ``std``: a pair of arrays, or
        an ``(N, 2)`` array of lower and upper ends, such as ``bounds[:, :2]`` from
        :meth:`biochemml.SequenceRegressor.predict_bounds`. The error bars' legend sits
        under the axes (``fig.legends[0]``), where it hides no point (in the axes, at the
        lower right, when drawn into ``ax``).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes of your own figure (``fig, axes = plt.subplots(1, 2)``, then
        ``ax=axes[0]``) instead of a new figure; its figure is returned (and saved to
        ``path`` when given, whole).

    Returns
    -------
    matplotlib.figure.Figure
        Measured values on x, predictions on y.
    """
    _m.check_same_index(y_true=y_true, y_pred=y_pred, std=std)
    t = as_values("y_true", y_true)
    p = as_values("y_pred", y_pred)
    s = None if std is None else as_values("std", std, all_nan_is_none=True)
    same_length(y_true=t, y_pred=p, std=s)
    if s is not None and (s < 0).any():
        raise InputError("std must not be negative")
    if s is None and interval is not None:
        interval = _interval_ends(interval, len(t))
    if s is not None:
        below, above, bars = s, s, "±1 std (predicted)"
    elif interval is not None and not np.isnan(np.asarray(interval[0], dtype=float)).all():
        below = np.maximum(p - as_values("interval", interval[0]), 0.0)
        above = np.maximum(as_values("interval", interval[1]) - p, 0.0)
        same_length(y_true=t, interval=below)
        s, bars = below, "68 % interval (predicted)"
    m = _m.regression_metrics(t, p)
    with style():
        own = ax is not None
        fig, ax = new_figure(6.2 if len(t) > hexbin_above else 5.6, 5.4, dpi, ax=ax)
        lo = min(t.min(), p.min())
        hi = max(t.max(), p.max())
        edge = 0.03 * (hi - lo or 1.0)  # the axes' pad, below: equal ranges on both axes
        points(ax, t, p, hexbin_above=hexbin_above, extent=(lo - edge, hi + edge) * 2)
        if s is not None:
            from matplotlib.lines import Line2D

            rng = np.random.default_rng(seed)
            pick = rng.choice(len(t), size=min(max_errorbars, len(t)), replace=False)
            # grey and behind the points: the bars must not hide the predictions
            ax.errorbar(t[pick], p[pick], yerr=[below[pick], above[pick]], fmt="none",
                        ecolor="0.45", alpha=0.35, elinewidth=1, zorder=1)
            # the axes make room for the bars, but at most a tenth of the data's range on
            # each side: a few wide bars would squeeze the points into a band, and push the
            # axes past values that cannot be (below 0); longer bars are clipped at the edge
            room = 0.1 * (hi - lo or 1.0)
            lo = min(lo, max((p[pick] - below[pick]).min(), lo - room))
            hi = max(hi, min((p[pick] + above[pick]).max(), hi + room))
            # the bars are faint on purpose; the legend's sample is drawn solid to be seen
            which = (f"on a random {len(pick):,} of {len(t):,} points" if len(pick) < len(t)
                     else "on every point")
            pad = 0.03 * (hi - lo or 1.0)
            cut = int(((p[pick] - below[pick] < lo - pad)
                       | (p[pick] + above[pick] > hi + pad)).sum())
            if cut:
                which += f"\n({cut:,} longer than the axes, cut at the edge)"
            # under the axes, not in them: inside, it sat over points wherever it was put
            # (in a panel of the caller's figure, the figure's foot belongs to every panel)
            handle = Line2D([], [], color="0.45", linewidth=1.5, label=f"{bars}, {which}")
            if own:
                ax.legend(handles=[handle], loc="lower right", frameon=False, fontsize=9)
            else:
                fig.legend(handles=[handle], loc="outside lower center", frameon=False)
        pad = 0.03 * (hi - lo or 1.0)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="grey", linestyle="--", linewidth=1.2)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_xlabel(_with_units(f"measured {label}", units))
        ax.set_ylabel(_with_units(f"predicted {label}", units))
        ax.text(0.04, 0.96, f"R² = {m['r2']:.3f}\nPearson r = {m['pearson']:.3f}\n"
                f"Spearman ρ = {m['spearman']:.3f}\nn = {m['n']:,}",
                transform=ax.transAxes, va="top", ha="left", fontsize=11,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7", "alpha": 0.9})
        ax.set_title(title)
    return finish(fig, path, formats, dpi)


def _interval_ends(interval, n):
    """``(lower, upper)`` of ``n`` values each, from a pair of arrays or an ``(n, 2)`` (or
    ``(2, n)``) array; an InputError naming the shapes otherwise."""
    try:
        arr = np.asarray(interval, dtype=float)
    except (TypeError, ValueError):
        arr = None  # ragged: judged below, end by end
    if arr is not None and arr.ndim == 2:
        if isinstance(interval, (tuple, list)) and arr.shape == (2, n):  # (lower, upper)
            return arr[0], arr[1]
        if arr.shape == (n, 2):
            return arr[:, 0], arr[:, 1]
        if arr.shape == (2, n):
            return arr[0], arr[1]
    shapes = (arr.shape if arr is not None else
              tuple(np.shape(end) for end in interval) if isinstance(interval, (tuple, list)) else "?")
    if arr is not None and arr.ndim == 2 and arr.shape[0] == n:
        got = (f"an array of shape {arr.shape}: {arr.shape[1]} columns; bounds from "
               "predict_bounds hold 4 (68 % then 95 % ends), so pass bounds[:, :2]")
    else:
        got = f"shape {shapes}"
    raise InputError(f"interval must be (lower, upper), two arrays of {n} values each, or an "
                     f"array of shape ({n}, 2); got {got}")


def _running_median(x, y, bins=20):
    """Median of y in equal-count bins of x: (bin median x, bin median y)."""
    order = np.argsort(x, kind="stable")
    n_bins = int(np.clip(len(x) // 10, 1, bins))
    chunks = np.array_split(order, n_bins)
    return (np.array([np.median(x[c]) for c in chunks]), np.array([np.median(y[c]) for c in chunks]))


def residuals(y_true, y_pred, x=None, xlabel="predicted", path=None, *, label="value", units=None,
              title="Residuals", hexbin_above=HEXBIN_ABOVE, formats=None, dpi=DPI, ax=None):
    """Residual (measured − predicted) against the prediction or another x, with a running median.

    A flat running median near zero means no systematic error; a trend shows where the model
    is biased (e.g. it under-predicts long sequences, or sequences far from the training set).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,)
    x : array-like of shape (N,), optional
        What to plot the residuals against: default the prediction; e.g. sequence length or the
        distance to the nearest training sequence.
    xlabel : str, default "predicted"
        Label of the x axis (name the quantity passed as ``x``).
    path : str or Path, optional
    label, units : str, optional
        The measured quantity and its units, for the y axis.
    hexbin_above : int, default 5000
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
    _m.check_same_index(y_true=y_true, y_pred=y_pred, x=x)
    t = as_values("y_true", y_true)
    p = as_values("y_pred", y_pred)
    xs = p if x is None else as_values("x", x)
    same_length(y_true=t, y_pred=p, x=xs)
    r = t - p
    with style():
        fig, ax = new_figure(7.0, 4.6, dpi, ax=ax)
        points(ax, xs, r, hexbin_above=hexbin_above)
        ax.axhline(0, color="grey", linestyle="--", linewidth=1.2)
        mx, my = _running_median(xs, r)
        ax.plot(mx, my, color="C3", linewidth=2.2, marker="o", markersize=4, label="running median")
        ax.legend(loc="upper right", frameon=False)
        ax.set_xlabel(_with_units(f"predicted {label}", units) if x is None and xlabel == "predicted" else xlabel)
        ax.set_ylabel(_with_units(f"residual {label}\n(measured − predicted)", units))
        ax.set_title(title)
    return finish(fig, path, formats, dpi)


#: axis names of the metric columns of metrics.regression_metrics_by_group
_METRIC_NAMES = {"r2": "R²", "pearson": "Pearson r", "spearman": "Spearman ρ", "mae": "MAE",
                 "rmse": "RMSE", "mse": "MSE"}


def _metric_column(df, metric):
    """The column of a metrics table (:func:`biochemml.metrics.regression_metrics_by_group`)
    that ``metric`` names (``"r2"`` or its axis name ``"R²"``), as a table of ``value``,
    ``low``, ``high``, ``n`` and ``group``, and the metric's axis name."""
    import pandas as pd

    wanted = {v: k for k, v in _METRIC_NAMES.items()}.get(metric, metric)
    if wanted not in df.columns:
        numeric = [str(c) for c in df.columns if c not in ("group", "n")
                   and pd.api.types.is_numeric_dtype(df[c])
                   and not str(c).endswith(("_low", "_high"))]
        raise InputError(
            "the table needs a 'value' column (and optionally 'group', 'low', 'high', 'n'), or "
            "a column named by metric=" + (f": choose one of {', '.join(numeric)}, such as "
                                           f"metric={numeric[0]!r}" if numeric else ""))
    out = pd.DataFrame({"value": df[wanted]}, index=df.index)
    for end in ("low", "high"):
        if f"{wanted}_{end}" in df.columns:
            out[end] = df[f"{wanted}_{end}"]
    for c in ("group", "n"):
        if c in df.columns:
            out[c] = df[c]
    return out, _METRIC_NAMES.get(wanted, metric)


def _group_table(values_by_group, metric="R²"):
    """(groups, values, low or None, high or None, n or None, metric's axis name, groups left
    out for a missing value) from a dict, Series or DataFrame."""
    import pandas as pd

    if isinstance(values_by_group, pd.Series):  # group -> value, as .set_index("group")["r2"]
        values_by_group = values_by_group.to_dict()
    left_out = []
    if hasattr(values_by_group, "columns"):  # DataFrame: columns value[, low, high, n][, group]
        df = values_by_group
        if "value" not in df.columns:
            df, metric = _metric_column(df, metric)
        groups = df["group"].tolist() if "group" in df.columns else df.index.tolist()
        rows = [{c: df[c].iloc[i] for c in ("value", "low", "high", "n") if c in df.columns}
                for i in range(len(df))]
        # a group too small for the metric (regression_metrics_by_group gives it NaN)
        missing = [i for i, row in enumerate(rows) if pd.isna(row["value"])]
        left_out = [f"{groups[i]}" + (f" (n={int(rows[i]['n'])})" if "n" in rows[i] else "")
                    for i in missing]
        groups = [g for i, g in enumerate(groups) if i not in missing]
        rows = [r for i, r in enumerate(rows) if i not in missing]
    elif isinstance(values_by_group, dict):
        groups = list(values_by_group)
        rows = [v if isinstance(v, dict) else {"value": v} for v in values_by_group.values()]
    else:
        raise InputError("values_by_group must be a dict (group -> value), a pandas Series "
                         "indexed by group, or a DataFrame (such as the table "
                         "metrics.regression_metrics_by_group returns)")
    if not groups:
        raise InputError("values_by_group is empty: there is nothing to plot"
                         + (f" (no group has a value: {', '.join(left_out)})" if left_out else ""))

    def column(key, missing_ok=False):
        if not all(key in row for row in rows):
            return None
        if missing_ok:  # an interval the bootstrap could not give (a small group): no bar
            return np.asarray([row[key] for row in rows], dtype=float)
        return as_values(f"{key} of the groups", [row[key] for row in rows])

    values = column("value")
    if values is None:
        raise InputError("each group needs a number, or a dict with a 'value'")
    return ([str(g) for g in groups], values, column("low", True), column("high", True),
            column("n"), metric, left_out)


def metric_by_group(values_by_group, path=None, *, metric="R²", group_label="group", kind="bar",
                    reference=None, reference_label="all data", title=None, formats=None,
                    dpi=DPI, ax=None):
    """A metric per group as bars (or a line), with intervals and group sizes when known.

    Used for "error by distance to the nearest training sequence": one bar per distance bin.

    Parameters
    ----------
    values_by_group : dict, pandas.Series or pandas.DataFrame
        ``{group: value}``, ``{group: {"value": v, "low": l, "high": h, "n": count}}`` (the
        interval and count optional, e.g. from :func:`biochemml.metrics.with_intervals`), a
        Series indexed by group, or a DataFrame with a ``value`` column and optional
        ``group`` (else the index), ``low``, ``high`` and ``n`` columns. The table
        :func:`biochemml.metrics.regression_metrics_by_group` returns is taken as it is:
        ``metric`` names its column (``"r2"``, the default ``"R²"``, ``"spearman"``...),
        with that column's ``_low`` / ``_high`` interval; groups too small for a value
        (NaN) are left out with a warning, and a NaN interval draws no bar. Groups are
        drawn in the order given.
    path : str or Path, optional
    metric : str, default "R²"
        Name of the metric, for the y axis; for a metrics table without a ``value``
        column, also the column to draw (``"r2"`` or ``"R²"`` for ``r2``).
    group_label : str, default "group"
        Name of the grouping, for the x axis (e.g. "distance to nearest training sequence").
    kind : {"bar", "line"}
        Bars for categories; a line for ordered bins.
    reference : float, optional
        A dashed horizontal line, e.g. the metric over the whole test set.
    reference_label : str, default "all data"
        What the dashed line stands for, in its legend entry (``"<label>: <value>"``).
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
    import warnings

    check_choice("kind", kind, ("bar", "line"))
    groups, values, low, high, n, metric, left_out = _group_table(values_by_group, metric)
    if left_out:
        warnings.warn(f"metric_by_group: {len(left_out)} group{'s' if len(left_out) > 1 else ''} "
                      f"without a {metric} (too few rows) left out: {', '.join(left_out)}",
                      UserWarning, stacklevel=2)
    pos = np.arange(len(groups))
    yerr = None if low is None or high is None else \
        np.nan_to_num(np.vstack([values - low, high - values]), nan=0.0).clip(0)
    with style():
        fig, ax = new_figure(float(np.clip(0.7 * len(groups) + 3.0, 5.5, 14)), 4.6, dpi, ax=ax)
        if kind == "bar":
            ax.bar(pos, values, color="C0", alpha=0.85, yerr=yerr, capsize=4, error_kw={"elinewidth": 1.2})
        else:
            ax.plot(pos, values, color="C0", marker="o", linewidth=2)
            if yerr is not None:
                ax.fill_between(pos, low, high, color="C0", alpha=0.2, label="interval")
        if reference is not None:
            ax.axhline(float(reference), color="C3", linestyle="--", linewidth=1.2,
                       label=f"{reference_label}: {float(reference):.3g}")
        if reference is not None or (kind == "line" and yerr is not None):
            ax.legend(frameon=False)
        ax.axhline(0, color="black", linewidth=0.8)
        # long names, or many groups side by side, slant: level, 30 of them ran together
        slant = max(map(len, groups)) > 8 or len(groups) > 12
        # counts under the group names: above a bar they met error bars and the dashed line
        # (on the same slanted line when there are many groups)
        many = len(groups) > 12
        names = groups if n is None else [f"{g}{' ' if many else chr(10)}(n={int(k):,})"
                                          for g, k in zip(groups, n)]
        ax.set_xticks(pos, names, rotation=60 if many else 30 if slant else 0,
                      ha="right" if slant else "center", rotation_mode="anchor" if slant else "default")
        ax.set_xlabel(group_label)
        ax.set_ylabel(metric)
        ax.margins(y=0.12)
        if low is not None and np.isfinite(low).any():
            # a few groups of ~10 rows have intervals down to -4 and squash every bar near
            # 0: the axis stops at the bars' span below them, and says so
            span = max(float(np.nanmax(values)), 0.0) - min(float(np.nanmin(values)), 0.0)
            floor = min(float(np.nanmin(values)), 0.0) - (span or 1.0)
            if np.nanmin(low) < floor:
                ax.set_ylim(bottom=floor)
                cut = int(np.sum(low < floor))
                ax.set_xlabel(f"{group_label}\n({cut} interval{'s' if cut > 1 else ''} "
                              "longer than the axis, cut at it)")
        ax.set_title(title or f"{metric} by {group_label}")
    return finish(fig, path, formats, dpi)
