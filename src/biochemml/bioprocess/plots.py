"""Figures of the bioprocess workflow: parity with intervals, factor effects, proposals,
optimisation convergence. Each function returns a matplotlib Figure; nothing is shown.

Every figure is drawn in the shared biochemml style (:func:`biochemml.plot._base.style`:
fonts of at least 11 pt) and carries a figure-level title naming what it shows; more than
three panels are laid out in a grid, not one long row."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..plot._base import finish, new_figure, style
from .evaluate import MEAN_INTERVAL, PREDICTION_INTERVAL
from .recommend import Z95, proposal_names

KIND_NAMES = {"gp": "Gaussian process", "gbt": "gradient-boosted trees", "nn": "neural nets"}


def _kind_name(kind) -> str:
    """``gp`` -> ``Gaussian process (gp)``; an unknown kind as given."""
    return f"{KIND_NAMES[kind]} ({kind})" if kind in KIND_NAMES else str(kind)


def _grid(n: int) -> tuple:
    """(rows, columns) for ``n`` panels: one row up to three, then two or three columns."""
    ncols = n if n <= 3 else (2 if n == 4 else 3)
    return math.ceil(n / ncols), ncols


def _figure(n=1, width=5.0, height=4.2):
    """A figure of ``n`` panels (``width`` x ``height`` inches each, in a grid above three),
    made without pyplot: no backend switch, no window, no double display in notebooks,
    nothing left open (as in :mod:`biochemml.plot`). Call inside :func:`style`.

    Returns the figure and the list of its ``n`` panels (grid cells left over are removed).
    """
    nrows, ncols = _grid(n)
    fig, axes = new_figure(width * ncols, height * nrows + 0.5, nrows=nrows, ncols=ncols,
                           squeeze=False)
    axes = list(axes.ravel())
    for ax in axes[n:]:
        ax.remove()
    return fig, axes[:n]


def _suptitle(fig, text: str) -> None:
    """The figure's title, wrapped to the figure's width (the layout does not shrink it)."""
    import textwrap

    size = fig.get_size_inches()[0] * 72 / (0.55 * 14)  # characters of a 14 pt line
    fig.suptitle("\n".join(textwrap.wrap(text, max(30, int(size * 0.95)), break_on_hyphens=False)))


def _legend(fig, axes, loc="outside lower center", ncols=None):
    """One legend for the whole figure, outside the panels (it covers no data), each label
    once."""
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        fig.legend(handles, labels, loc=loc, ncols=ncols or len(handles), frameon=False)


def parity_plot(predictions: pd.DataFrame, response: str = "response", title: str | None = None):
    """Observed vs predicted with 95% prediction intervals (where a single new run should
    fall: run-to-run noise included), one panel per model kind (or per cycle); each panel's
    title gives the share of runs inside their intervals (coverage; 95% if calibrated).

    Parameters
    ----------
    predictions : pandas.DataFrame
        Columns ``kind``, ``observed``, ``mean``, ``std`` (as from :func:`cross_validate`,
        or ``cycle`` instead of ``kind`` from :func:`replay`); ``std`` of a single run, run-to-run
        noise included. The bars run to ``lower_95`` and ``upper_95`` where the table has
        them (a log-scale model's intervals are not symmetric), else ``mean -+ 1.96 std``;
        when no measured value is below 0 (a titer) the bars stop at 0, and so do the axes
        unless a predicted mean lies below it.
    response : str
        Named in the axis labels and the title.
    title : str, optional
        The figure's title; by default it names the cross-validation (``kind``) or the
        replay (``cycle``: trained on the cycles before each one).
    """
    from .evaluate import interval_metrics

    key = "kind" if "kind" in predictions.columns else "cycle"
    groups = list(pd.unique(predictions[key]))
    if title is None:
        title = (f"Cross-validation: measured vs predicted {response}" if key == "kind" else
                 f"Trained on cycles before k, predicting cycle k: measured vs predicted {response}")
    lower, upper = _parity_interval(predictions)
    # the diagonal spans what is drawn: for a titer, from 0 (or its lowest predicted mean)
    lo = min(predictions["observed"].min(), lower.min(), predictions["mean"].min())
    hi = max(predictions["observed"].max(), upper.max())
    with style():
        fig, axes = _figure(len(groups), width=4.6, height=4.4)
        for ax, g in zip(axes, groups):
            inside = (predictions[key] == g).to_numpy()
            p = predictions[inside]
            mean = p["mean"].to_numpy(dtype=np.float64)
            m = interval_metrics(p["observed"], p["mean"], p["std"])
            m["coverage"] = float(np.mean((p["observed"].to_numpy() >= lower[inside])
                                          & (p["observed"].to_numpy() <= upper[inside])))
            ax.errorbar(p["observed"], mean, yerr=np.clip(np.vstack(
                [mean - lower[inside], upper[inside] - mean]), 0.0, None), fmt="o", ms=4,
                alpha=0.6, elinewidth=0.8, capsize=0)
            ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
            _parity_axes(ax, lo, hi)
            ax.set_xlabel(f"measured {response}")
            ax.set_ylabel(f"predicted {response}\n(bars: {PREDICTION_INTERVAL}\nof a single run)")
            name = _kind_name(g) if key == "kind" else f"cycle {g}"
            ax.set_title(f"{name}\nSpearman {m['spearman']:.2f}\ncoverage of the 95% prediction\n"
                         f"intervals: {m['coverage']:.0%} of runs")
        _suptitle(fig, title)
    return finish(fig)


def _parity_axes(ax, lo: float, hi: float) -> None:
    """Both axes of a parity panel from ``lo`` to ``hi`` (5% margins), with fixed ticks.

    Ticks left to matplotlib are chosen at draw time from the panel's width, which the
    constrained layout changes after making room for the tick labels: a panel laid out with
    ticks 0, 200, 400 was drawn narrower with a tick at 500 on its right edge, whose label
    the figure then cut in half. Fixed ticks are the ones the layout makes room for."""
    from matplotlib.ticker import MaxNLocator

    pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
    limits = (lo - pad, hi + pad)
    ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(*limits)
    ticks = ticks[(ticks >= limits[0]) & (ticks <= limits[1])]
    for set_limits, set_ticks in ((ax.set_xlim, ax.set_xticks), (ax.set_ylim, ax.set_yticks)):
        set_limits(*limits)
        set_ticks(ticks)


def _parity_interval(predictions: pd.DataFrame) -> tuple:
    """``(lower, upper)`` of each prediction's 95% interval: the table's ``lower_95`` and
    ``upper_95`` columns where it has them (a log-scale model's are not symmetric), else
    ``mean -+ 1.96 std``; the lower ends stop at 0 when no measured value is below 0."""
    from .models import response_floor

    if {"lower_95", "upper_95"} <= set(predictions.columns):
        lower = predictions["lower_95"].to_numpy(dtype=np.float64)
        upper = predictions["upper_95"].to_numpy(dtype=np.float64)
    else:
        mean = predictions["mean"].to_numpy(dtype=np.float64)
        half = Z95 * predictions["std"].to_numpy(dtype=np.float64)
        lower, upper = mean - half, mean + half
    floor = response_floor(predictions["observed"])
    return (lower if floor is None else np.maximum(lower, floor)), upper


def effects_plot(model, X: pd.DataFrame, importance: pd.Series, response: str = "response",
                 title: str | None = None):
    """Importance bars, partial dependence of the two most important factors, and the
    response surface over the two most important continuous factors (others at the values of
    the best condition: the highest mean over its replicates, see
    :func:`~biochemml.bioprocess.evaluate.best_condition`); four panels in a 2 x 2 grid.
    On the surface, the best condition is a red star, runs near the slice are white dots and
    runs whose other factors differ more are faint grey dots, each named in the legend below.

    A categorical factor's partial dependence is one bar per level, from zero (one point per
    level when a mean is below zero); a level no run used is labelled "never run". The response axis of each partial-dependence panel,
    and the colour scale of the surface, span at least the measured responses, so that an
    effect small against the scatter of the runs looks small.

    Parameters
    ----------
    model : ConditionModel
        Fitted.
    X : pandas.DataFrame
        The training conditions (partial dependence averages over them).
    importance : pandas.Series
        From :func:`feature_importance`. A factor with NaN importance (the runs never
        varied it) is named "not varied in the runs" on the bars and gets no panel.
    title : str, optional
        The figure's title; by default it names the response and the model.
    """
    from .evaluate import best_condition, partial_dependence, response_surface
    from .runs import unvaried

    # the levels no run used, as feature_importance reads them (level 1 is the run's 1.0)
    table = model.factors_.check_table(X)  # checked once, for the levels and the slice
    _, missing = unvaried(table, model.factors_)
    learned = importance.dropna()  # NaN: a factor the runs never varied, nothing learned
    top = list(learned.index[:2])
    continuous = [n for n in learned.index if model.factors_[n].kind == "continuous"]
    surface = continuous[:2] if len(continuous) >= 2 else []
    if title is None:
        title = f"Factor effects on predicted {response} ({_kind_name(model.kind)} model)"
    with style():
        fig, axes = _figure(1 + len(top) + bool(surface), width=5.2, height=4.0)
        shown = [n if np.isfinite(v) else f"{n} (not varied\nin the runs)"
                 for n, v in importance.items()]
        axes[0].barh(shown[::-1], np.nan_to_num(importance.values[::-1]), color="tab:blue")
        axes[0].set_xlabel("share of effect on prediction")
        axes[0].set_title("factor importance")
        measured = np.asarray(model.y_train_, dtype=np.float64)
        for ax, name in zip(axes[1:], top):
            values, mean = partial_dependence(model, X, name)
            if model.factors_[name].kind == "categorical":
                never = missing.get(name, [])  # a level no run used: nothing learnt there
                _level_means(ax, [f"{v}\n(never run)" if v in never else str(v)
                                  for v in values], mean, measured)
            else:
                ax.plot(values, mean, color="tab:orange", lw=2)
                _scale(ax, "x", model.factors_[name].log)
                _response_axis(ax, mean, measured)
            ax.set_xlabel(name)
            ax.set_ylabel(f"mean predicted {response}")
            ax.set_title(f"partial dependence: {name}")
        if surface:
            ax = axes[1 + len(top)]
            rows, _ = best_condition(table, model.y_train_)
            best = X.iloc[[int(rows[0])]]
            v1, v2, mean, _ = response_surface(model, best, surface[0], surface[1])
            # the colour scale spans the measured responses too: a flat surface looks flat
            span = np.concatenate([mean.ravel(), measured[np.isfinite(measured)]])
            lo, hi = float(span.min()), float(span.max())
            # round levels (0.40, 0.45, ...), so the colour bar's ticks read as numbers
            from matplotlib.ticker import MaxNLocator

            cs = ax.contourf(v1, v2, mean, cmap="viridis", levels=MaxNLocator(
                nbins=15).tick_values(lo, hi) if hi > lo else 15)
            fig.colorbar(cs, ax=ax, label=f"predicted {response}")
            _slice_runs(ax, model.factors_, table, rows, surface)
            _legend(fig, axes, ncols=1)
            _scale(ax, "x", model.factors_[surface[0]].log)
            _scale(ax, "y", model.factors_[surface[1]].log)
            ax.set_xlabel(surface[0])
            ax.set_ylabel(surface[1])
            ax.set_title("response surface, other factors at\nthe best condition (highest mean)")
        _suptitle(fig, title)
    return finish(fig)


def _scale(ax, which: str, log: bool) -> None:
    """A factor's axis (``which``: "x" or "y"): linear, or logarithmic for a factor declared
    ``log`` with its ticks written as plain numbers (0.1, 1 and 0.2, 0.5 between), not
    10^-1."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    (ax.set_xscale if which == "x" else ax.set_yscale)("log" if log else "linear")
    if log:
        axis = ax.xaxis if which == "x" else ax.yaxis
        plain = FuncFormatter(lambda v, _: f"{v:g}")
        axis.set_major_formatter(plain)
        axis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        axis.set_minor_formatter(plain)


#: a measured run lies near a response-surface slice when each of its other continuous
#: factors is within this share of the factor's range (log scale where declared) of the
#: slice's value and each categorical factor has the slice's level
NEAR_SLICE = 0.1


def _slice_runs(ax, factors, table: pd.DataFrame, rows, surface) -> None:
    """The measured runs on a response-surface panel over the factors ``surface``, drawn
    by how far they are from the slice through the best condition (``rows``: its
    replicates): the best condition itself, the runs near the slice (every other factor
    within :data:`NEAR_SLICE` of its range), and, faint, the runs whose other factors differ
    more (the surface does not predict those: it is a slice of a larger space).
    ``table`` is the runs' conditions as ``factors.check_table`` returns them."""
    unit = factors.to_unit(table)
    others = [j for j, name in enumerate(factors.feature_names) if name not in surface]
    away = np.abs(unit[:, others] - unit[int(rows[0]), others]).max(axis=1) if others \
        else np.zeros(len(table))
    on_best = np.zeros(len(table), dtype=bool)
    on_best[rows] = True
    near, far = (away <= NEAR_SLICE) & ~on_best, away > NEAR_SLICE
    a, b = table[surface[0]].to_numpy(), table[surface[1]].to_numpy()
    if far.any():
        ax.scatter(a[far], b[far], s=12, c="0.85", edgecolors="0.3", linewidths=0.5,
                   alpha=0.7, label=f"measured runs with other factors elsewhere "
                                    f"({int(far.sum())}; not on this slice)")
    if near.any():
        ax.scatter(a[near], b[near], s=22, c="white", edgecolors="k", linewidths=0.7,
                   label=(f"measured runs near this slice (other factors within "
                          f"{NEAR_SLICE:.0%} of their range)" if others else "measured runs"))
    ax.scatter(a[rows[:1]], b[rows[:1]], s=160, marker="*", c="tab:red", edgecolors="white",
               linewidths=0.8, clip_on=False, zorder=3, label=f"best condition ({len(rows)} run{'s' if len(rows) > 1 else ''},"
                                     " the slice passes through it)")


def _response_axis(ax, predicted, measured) -> None:
    """A partial-dependence panel's response axis: it spans at least the measured
    responses (``measured``) as well as the curve (``predicted``), so that an effect small
    against the scatter of the runs looks small. Fitted to the curve alone, a 0.08 g/L
    wiggle of a model of pure noise filled the panel and looked like a steep effect."""
    values = np.concatenate([np.asarray(predicted, dtype=np.float64).ravel(),
                             np.asarray(measured, dtype=np.float64).ravel()])
    values = values[np.isfinite(values)]
    if not values.size:
        return
    lo, hi = float(values.min()), float(values.max())
    pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
    ax.set_ylim(lo - pad, hi + pad)


def _level_means(ax, labels, values, measured=None) -> None:
    """The mean prediction at each level of a categorical factor: bars from zero when
    every value is >= 0, so heights compare honestly (a bar twice as tall is twice the
    titer); points otherwise (with values below zero a bar's length means nothing), on an
    axis that spans them and the ``measured`` responses (see :func:`_response_axis`)."""
    values = np.asarray(values, dtype=np.float64)
    if np.all(values >= 0):
        ax.bar(labels, values, color="tab:orange")
        top = max(float(values.max()), float(np.nanmax(measured)) if measured is not None
                  and len(measured) else 0.0)
        ax.set_ylim(0.0, 1.1 * top if top > 0 else 1.0)
    else:
        ax.plot(labels, values, "o", ms=9, color="tab:orange", ls="none")
        ax.set_xlim(-0.5, len(labels) - 0.5)
        if measured is not None:
            _response_axis(ax, values, measured)


def _interval_error(proposals: pd.DataFrame, suffix: str = "") -> np.ndarray:
    """``(2, N)`` error-bar lengths below and above each ``predicted_mean<suffix>``: to
    ``lower_95<suffix>`` and ``upper_95<suffix>`` (not symmetric for a log-scale model), or
    ``1.96 * predicted_std<suffix>`` either side where the table has no interval columns."""
    mean = proposals[f"predicted_mean{suffix}"].to_numpy(dtype=np.float64)
    if f"lower_95{suffix}" in proposals.columns and f"upper_95{suffix}" in proposals.columns:
        lower = proposals[f"lower_95{suffix}"].to_numpy(dtype=np.float64)
        upper = proposals[f"upper_95{suffix}"].to_numpy(dtype=np.float64)
        return np.clip(np.vstack([mean - lower, upper - mean]), 0.0, None)
    half = Z95 * proposals[f"predicted_std{suffix}"].to_numpy(dtype=np.float64)
    return np.vstack([half, half])


def best_label(n_replicates: int) -> str:
    """The legend entry of the best-so-far line: the best condition's mean over its
    replicates (a predicted mean is compared with a measured mean), or, for a condition
    measured once, that run."""
    return ("best so far (mean of the best condition's "
            f"{n_replicates} replicates)" if n_replicates > 1 else "best so far")


def recommendation_plot(observed: pd.DataFrame, proposals: pd.DataFrame, responses, maximize=True,
                        conditions: pd.DataFrame | None = None, run_labels=None,
                        run_label_name: str = "row"):
    """Measured responses of past runs (left panel, in table order, each at a whole-number
    position labelled with its file row or run ID) next to the proposed
    runs' predicted mean and 95% interval of the mean (right panel, one labelled position
    per proposed run: ``next01``, ``next02``, ...); with several responses, the trade-off
    (see :func:`pareto_plot`).

    The dotted "best so far" line is the best condition's mean over its replicates (see
    :func:`~biochemml.bioprocess.evaluate.best_condition`), comparable with the proposals'
    predicted means; without ``conditions`` every run counts as its own condition.

    Parameters
    ----------
    observed : pandas.DataFrame
        ``(N, n_responses)`` measured responses of past runs.
    proposals : pandas.DataFrame
        Output of :func:`recommend`.
    responses : list of str
    maximize : bool or list of bool
        Per response, as given to :func:`recommend`.
    conditions : pandas.DataFrame, optional
        ``(N, n_factors)`` factor settings of the measured runs, row for row with
        ``observed``: runs with identical settings are replicates of one condition.
    run_labels : sequence, optional
        ``(N,)`` what names each measured run on the x axis, row for row with ``observed``:
        its file row (as errors count, header = row 1; failed runs left out leave gaps) or
        its run ID. By default 1, 2, ... in table order.
    run_label_name : str
        What the labels are, for the axis title: ``"row"`` (file rows) or the ID column's
        name.
    """
    from .evaluate import best_condition

    if len(responses) > 1:
        return pareto_plot(observed, proposals, responses, maximize, conditions=conditions)
    r = responses[0]
    up = maximize if isinstance(maximize, bool) else list(maximize)[0]
    k = len(proposals)
    names = proposal_names(k, proposals.attrs.get("first_number", 1))
    with style():
        fig, (ax, right) = new_figure(
            min(10.0 + 0.25 * max(k - 4, 0), 16.0), 5.6, ncols=2, sharey=True,
            gridspec_kw={"width_ratios": [3.0, min(max(1.2, 0.45 * k), 4.0)]})
        n = len(observed)
        each = pd.DataFrame({"run": np.arange(n)})
        rows, best = best_condition(each if conditions is None else conditions, observed[r], up)
        ax.scatter(np.arange(n), observed[r], s=18, c="grey", label="measured runs")
        for a in (ax, right):
            a.axhline(best, color="grey", ls=":", lw=1.2, label=best_label(len(rows)))
        _run_axis(ax, run_labels, run_label_name, n)
        ax.set_ylabel(_goal_label(r, up))
        ax.set_title(f"{n} measured runs")
        x = np.arange(k)
        right.errorbar(x, proposals["predicted_mean"], yerr=_interval_error(proposals),
                       fmt="*", ms=12, capsize=4, color="tab:red",
                       label=f"proposed run: predicted mean, {MEAN_INTERVAL}")
        right.set_xticks(x, names, rotation=0 if k <= 4 else 90)
        right.grid(axis="x", color="0.9", lw=0.8)
        right.set_xlim(-0.6, k - 0.4)
        right.set_xlabel("proposed run")
        right.set_title(f"{k} proposed runs")
        right.tick_params(labelleft=False)
        _legend(fig, (ax, right), ncols=2)
        _suptitle(fig, f"Gaussian process + qLogNEI: proposed next runs vs measured runs, "
                       f"{r} ({'maximised' if up else 'minimised'})")
    return finish(fig)


#: at most this many run labels on the x axis of next.png (a label every k-th run beyond)
MAX_RUN_TICKS = 30


def _run_axis(ax, labels, name: str, n: int) -> None:
    """The x axis of the measured runs: whole-number positions 0..n-1, each tick labelled
    with the run's file row or ID (every k-th run when there are more than
    :data:`MAX_RUN_TICKS`), titled by what the labels are."""
    given = labels is not None
    labels = [str(v) for v in labels] if given else [str(i + 1) for i in range(n)]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} run labels for {n} measured runs")
    step = max(1, math.ceil(n / MAX_RUN_TICKS))
    ticks = np.arange(0, n, step)
    long = max((len(labels[i]) for i in ticks), default=0) > 3
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=90 if long or len(ticks) > 15 else 0)
    ax.set_xlim(-0.6, n - 0.4)
    if not given:
        ax.set_xlabel("measured run (table order)")
    else:
        ax.set_xlabel("measured run (row of the runs file)" if name == "row"
                      else f"measured run ({name})")


def pareto_plot(observed: pd.DataFrame, proposals: pd.DataFrame, responses, maximize=True,
                conditions: pd.DataFrame | None = None):
    """The trade-off between responses: measured runs, their Pareto front, and the proposed
    runs' predicted means with 95% intervals (each labelled ``next01``, ``next02``, ...);
    one panel per pair of responses.

    Pareto-optimal runs (no other run at least as good on every response, all responses
    together) are drawn in black and joined by the front's staircase when there are two
    responses; the others in grey. With ``conditions`` the replicates of a condition are
    one point, their mean (as recommend judges the best run and the proposals' predicted
    means are of a condition's mean): two replicates are not two Pareto-optimal runs.

    Parameters
    ----------
    observed : pandas.DataFrame
        ``(N, n_responses)`` measured responses.
    proposals : pandas.DataFrame
        Output of :func:`recommend` with several responses (``predicted_mean_<response>``).
    responses : list of str
        Two or more response columns.
    maximize : bool or list of bool
    conditions : pandas.DataFrame, optional
        ``(N, n_factors)`` factor settings of the measured runs, row for row with
        ``observed``: runs with identical settings are replicates of one condition.
    """
    from .evaluate import condition_means
    from .recommend import pareto_front

    senses = [maximize] * len(responses) if isinstance(maximize, bool) else list(maximize)
    what = "runs"
    if conditions is not None:
        means = condition_means(conditions, observed[list(responses)]).reset_index(drop=True)
        if len(means) < len(observed):
            observed, what = means, "conditions (means)"
    front = pareto_front(observed, responses, senses)
    pairs = [(a, b) for i, a in enumerate(responses) for b in responses[i + 1:]]
    names = proposal_names(len(proposals), proposals.attrs.get("first_number", 1))
    with style():
        one = len(pairs) == 1
        fig, axes = _figure(len(pairs), width=8.0 if one else 4.8, height=6.0 if one else 4.4)
        for ax, (a, b) in zip(axes, pairs):
            ax.scatter(observed.loc[~front, a], observed.loc[~front, b], s=18, c="lightgrey",
                       label=f"measured {what}")
            ax.scatter(observed.loc[front, a], observed.loc[front, b], s=30, c="k",
                       label="measured, Pareto-optimal")
            if len(responses) == 2:
                pf = observed.loc[front, [a, b]].sort_values(a, ascending=not senses[0])
                # the front's staircase, from the best run on a to the best run on b
                ax.step(pf[a], pf[b], where="post", color="k", lw=1.2,
                        label="measured Pareto front")
            xa, xb = proposals[f"predicted_mean_{a}"], proposals[f"predicted_mean_{b}"]
            ax.errorbar(xa, xb, xerr=_interval_error(proposals, f"_{a}"),
                        yerr=_interval_error(proposals, f"_{b}"), fmt="*", ms=12,
                        color="tab:red", elinewidth=1, alpha=0.9,
                        label=f"proposed run: predicted mean, {MEAN_INTERVAL}")
            ax.set_xlabel(_goal_label(a, senses[responses.index(a)]))
            ax.set_ylabel(_goal_label(b, senses[responses.index(b)]))
            # a stray run far from the rest would squeeze the front into a corner: the axes
            # cover the front, the proposals and the central 96 % of the runs; say what is out
            outside = np.zeros(len(observed), dtype=bool)
            for col, setter, mean in ((a, ax.set_xlim, xa), (b, ax.set_ylim, xb)):
                values = observed[col].to_numpy(dtype=float)
                keep = np.concatenate([values[np.asarray(front, dtype=bool)],
                                       np.asarray(mean, dtype=float),
                                       np.nanquantile(values, [0.02, 0.98], method="nearest")])
                lo, hi = float(np.nanmin(keep)), float(np.nanmax(keep))
                pad = 0.08 * (hi - lo or 1.0)
                if np.nanmin(values) < lo - pad or np.nanmax(values) > hi + pad:
                    setter(lo - pad, hi + pad)
                    outside |= (values < lo - pad) | (values > hi + pad)
            if outside.any():
                ax.text(0.99, 0.01, f"{int(outside.sum())} run{'s' if outside.sum() > 1 else ''} "
                        "beyond the axes", transform=ax.transAxes, ha="right", va="bottom",
                        fontsize=11, color="0.4")
            # each star named as in the table, each name where it covers no other name
            _place_labels(ax, xa.to_numpy(dtype=float), xb.to_numpy(dtype=float), names)
        _legend(fig, axes, ncols=2)
        if len(responses) == 2:
            title = (f"Trade-off {responses[0]} vs {responses[1]}: measured Pareto front and "
                     "proposed runs")
        else:
            title = (f"Trade-offs between {', '.join(responses[:-1])} and {responses[-1]}: "
                     "Pareto-optimal measured runs and proposed runs")
        _suptitle(fig, title)
    return finish(fig)


def _place_labels(ax, x, y, names, fontsize: float = 11.0) -> None:
    """Name each point ``(x[i], y[i])`` with ``names[i]``, each label placed beside its point
    where it overlaps no label placed before it and no other point (right-above first,
    then right-below, left-above, left-below, and further out); where every place is taken,
    the one overlapping least. Two proposals predicted close together (next02 and next03)
    got their names drawn on top of each other with fixed offsets.

    Sizes are estimated in points from the axes' current limits and size (the layout may
    still scale them a little; the margins allow for it)."""
    fig = ax.figure
    ax.get_xlim(), ax.get_ylim()  # settle autoscaled limits before reading positions
    scale = 72.0 / fig.dpi
    at = np.array([ax.transData.transform((a, b)) for a, b in zip(x, y)]) * scale
    height = 1.3 * fontsize
    star = 7.0  # half the size of a star, in points
    taken = [(px - star, py - star, px + star, py + star) for px, py in at]

    def overlap(a, b) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    for i in np.argsort(x, kind="stable"):
        width = 0.62 * fontsize * len(names[i]) + 4.0
        px, py = at[i]
        options = []
        for dy in (4.0, -4.0 - height, 8.0 + height, -8.0 - 2 * height):
            for dx in (7.0, -7.0 - width):
                options.append((dx, dy))
        best, best_cost = options[0], np.inf
        for dx, dy in options:
            box = (px + dx, py + dy, px + dx + width, py + dy + height)
            cost = sum(overlap(box, t) for j, t in enumerate(taken) if j != i)
            if cost < best_cost:
                best, best_cost = (dx, dy), cost
            if cost == 0:
                break
        dx, dy = best
        taken.append((px + dx, py + dy, px + dx + width, py + dy + height))
        ax.annotate(names[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points",
                    ha="left", va="bottom", color="tab:red", fontsize=fontsize,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))


def _goal_label(response: str, maximize: bool) -> str:
    """An axis label naming the response and its goal: ``cost (minimised)``."""
    return f"{response} ({'maximised' if maximize else 'minimised'})"


def convergence_plot(curves: dict, title: str, ylabel: str = "best titer so far"):
    """Median and interquartile band of best-so-far curves, one line per method.

    Parameters
    ----------
    curves : dict
        ``{method: array (n_repeats, n_runs)}`` best response after each run.
    """
    with style():
        fig, axes = _figure(1, width=7.0, height=4.6)
        ax = axes[0]
        for name, c in curves.items():
            c = np.asarray(c, dtype=np.float64)
            x = np.arange(1, c.shape[1] + 1)
            med = np.median(c, axis=0)
            ax.plot(x, med, label=name)
            ax.fill_between(x, np.percentile(c, 25, axis=0), np.percentile(c, 75, axis=0), alpha=0.2)
        ax.set_xlabel("runs")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(loc="best")
    return finish(fig)
