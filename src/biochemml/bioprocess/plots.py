"""Figures of the bioprocess workflow: parity with intervals, factor effects, proposals,
optimisation convergence. Each function returns a matplotlib Figure; nothing is shown."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .recommend import Z95


def _figure(ncols=1, width=5.0, height=4.2):
    """A figure made without pyplot: no backend switch, no window, no double display in
    notebooks, nothing left open (as in :mod:`biochemml.plot`)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height))
    axes = fig.subplots(1, ncols, squeeze=False)
    return fig, axes[0]


def parity_plot(predictions: pd.DataFrame, response: str = "response"):
    """Observed vs predicted with 95% intervals, one panel per model kind.

    Parameters
    ----------
    predictions : pandas.DataFrame
        Columns ``kind``, ``observed``, ``mean``, ``std`` (as from :func:`cross_validate`,
        or ``cycle`` instead of ``kind`` from :func:`replay`).
    """
    from .evaluate import interval_metrics

    key = "kind" if "kind" in predictions.columns else "cycle"
    groups = list(pd.unique(predictions[key]))
    fig, axes = _figure(len(groups), width=4.2, height=4.2)
    lo = min(predictions["observed"].min(), (predictions["mean"] - Z95 * predictions["std"]).min())
    hi = max(predictions["observed"].max(), (predictions["mean"] + Z95 * predictions["std"]).max())
    for ax, g in zip(axes, groups):
        p = predictions[predictions[key] == g]
        m = interval_metrics(p["observed"], p["mean"], p["std"])
        ax.errorbar(p["observed"], p["mean"], yerr=Z95 * p["std"], fmt="o", ms=3, alpha=0.6,
                    elinewidth=0.8, capsize=0)
        ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
        ax.set_xlabel(f"measured {response}")
        ax.set_ylabel(f"predicted {response} (95% interval)")
        ax.set_title(f"{key} {g}: Spearman {m['spearman']:.2f}, coverage {m['coverage']:.0%}",
                     fontsize=9)
    fig.tight_layout()
    return fig


def effects_plot(model, X: pd.DataFrame, importance: pd.Series, response: str = "response"):
    """Importance bars, partial dependence of the two most important factors, and the
    response surface over the two most important continuous factors (others at the best
    run's values).

    A categorical factor's partial dependence is one bar per level.

    Parameters
    ----------
    model : ConditionModel
        Fitted.
    X : pandas.DataFrame
        The training conditions (partial dependence averages over them).
    importance : pandas.Series
        From :func:`feature_importance`.
    """
    from .evaluate import partial_dependence, response_surface

    top = list(importance.index[:2])
    continuous = [n for n in importance.index if model.factors_[n].kind == "continuous"]
    surface = continuous[:2] if len(continuous) >= 2 else []
    fig, axes = _figure(1 + len(top) + bool(surface), width=4.0, height=3.6)
    axes[0].barh(importance.index[::-1], importance.values[::-1], color="tab:blue")
    axes[0].set_xlabel("share of effect on prediction")
    axes[0].set_title("factor importance", fontsize=9)
    for ax, name in zip(axes[1:], top):
        values, mean = partial_dependence(model, X, name)
        if model.factors_[name].kind == "categorical":
            ax.bar([str(v) for v in values], mean, color="tab:orange")
            ax.set_ylim(*_bar_limits(mean))
        else:
            ax.plot(values, mean, color="tab:orange")
            ax.set_xscale("log" if model.factors_[name].log else "linear")
        ax.set_xlabel(name)
        ax.set_ylabel(f"mean predicted {response}")
        ax.set_title(f"partial dependence: {name}", fontsize=9)
    if surface:
        ax = axes[1 + len(top)]
        best = X.iloc[[int(np.argmax(model.y_train_))]]
        v1, v2, mean, _ = response_surface(model, best, surface[0], surface[1])
        cs = ax.contourf(v1, v2, mean, levels=15, cmap="viridis")
        fig.colorbar(cs, ax=ax, label=f"predicted {response}")
        ax.scatter(X[surface[0]], X[surface[1]], s=8, c="white", edgecolors="k", linewidths=0.4)
        ax.set_xscale("log" if model.factors_[surface[0]].log else "linear")
        ax.set_yscale("log" if model.factors_[surface[1]].log else "linear")
        ax.set_xlabel(surface[0])
        ax.set_ylabel(surface[1])
        ax.set_title("response surface (others at best run)", fontsize=9)
    fig.tight_layout()
    return fig


def _bar_limits(values) -> tuple:
    """y limits for bars of predicted means: the differences between levels stay visible
    (a titer of 80 against 88 would look alike from 0), with a margin either side."""
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.25 * (hi - lo) if hi > lo else 0.05 * max(abs(hi), 1.0)
    return lo - pad, hi + pad


def recommendation_plot(observed: pd.DataFrame, proposals: pd.DataFrame, responses, maximize=True):
    """Measured responses of past runs next to the proposed runs' predicted mean and 95%
    interval; with several responses, the trade-off (see :func:`pareto_plot`).

    Parameters
    ----------
    observed : pandas.DataFrame
        ``(N, n_responses)`` measured responses of past runs.
    proposals : pandas.DataFrame
        Output of :func:`recommend`.
    responses : list of str
    maximize : bool or list of bool
        Per response, as given to :func:`recommend`.
    """
    if len(responses) > 1:
        return pareto_plot(observed, proposals, responses, maximize)
    senses = [maximize] * len(responses) if isinstance(maximize, bool) else list(maximize)
    fig, axes = _figure(len(responses), width=5.5)
    for ax, r, up in zip(axes, responses, senses):
        sfx = "" if len(responses) == 1 else f"_{r}"
        n = len(observed)
        ax.scatter(np.arange(1, n + 1), observed[r], s=12, c="grey", label="measured runs")
        ax.axhline(observed[r].max() if up else observed[r].min(), color="grey", ls=":", lw=1,
                   label="best so far")
        x = np.arange(n + 1, n + 1 + len(proposals))
        ax.errorbar(x, proposals[f"predicted_mean{sfx}"], yerr=Z95 * proposals[f"predicted_std{sfx}"],
                    fmt="*", ms=10, color="tab:red", label="proposed (95% interval)")
        ax.set_xlabel("run")
        ax.set_ylabel(_goal_label(r, up))
        ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def pareto_plot(observed: pd.DataFrame, proposals: pd.DataFrame, responses, maximize=True):
    """The trade-off between responses: measured runs, their Pareto front, and the proposed
    runs' predicted means with 95% intervals; one panel per pair of responses.

    Pareto-optimal runs (no other run at least as good on every response, all responses
    together) are drawn in black and joined by the front's staircase when there are two
    responses; the others in grey.

    Parameters
    ----------
    observed : pandas.DataFrame
        ``(N, n_responses)`` measured responses.
    proposals : pandas.DataFrame
        Output of :func:`recommend` with several responses (``predicted_mean_<response>``).
    responses : list of str
        Two or more response columns.
    maximize : bool or list of bool
    """
    from .recommend import pareto_front

    senses = [maximize] * len(responses) if isinstance(maximize, bool) else list(maximize)
    front = pareto_front(observed, responses, senses)
    pairs = [(a, b) for i, a in enumerate(responses) for b in responses[i + 1:]]
    fig, axes = _figure(len(pairs), width=5.5)
    for ax, (a, b) in zip(axes, pairs):
        ax.scatter(observed.loc[~front, a], observed.loc[~front, b], s=14, c="lightgrey",
                   label="measured runs")
        ax.scatter(observed.loc[front, a], observed.loc[front, b], s=22, c="k",
                   label="measured, Pareto-optimal")
        if len(responses) == 2:
            pf = observed.loc[front, [a, b]].sort_values(a, ascending=not senses[0])
            # the front's staircase, from the best run on a to the best run on b
            ax.step(pf[a], pf[b], where="post", color="k", lw=1)
        ax.errorbar(proposals[f"predicted_mean_{a}"], proposals[f"predicted_mean_{b}"],
                    xerr=Z95 * proposals[f"predicted_std_{a}"], yerr=Z95 * proposals[f"predicted_std_{b}"],
                    fmt="*", ms=10, color="tab:red", label="proposed (95% interval)")
        ax.set_xlabel(_goal_label(a, senses[responses.index(a)]))
        ax.set_ylabel(_goal_label(b, senses[responses.index(b)]))
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


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
    fig, axes = _figure(1, width=6.0)
    ax = axes[0]
    for name, c in curves.items():
        c = np.asarray(c, dtype=np.float64)
        x = np.arange(1, c.shape[1] + 1)
        med = np.median(c, axis=0)
        ax.plot(x, med, label=name)
        ax.fill_between(x, np.percentile(c, 25, axis=0), np.percentile(c, 75, axis=0), alpha=0.2)
    ax.set_xlabel("runs")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
