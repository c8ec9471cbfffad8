"""Replay a past campaign cycle by cycle: train on cycles before k, predict cycle k.

This is the honest test of a condition model for sequential design: each new round of runs
lies where the previous model (or a person) chose to go, often outside the data seen so far.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .evaluate import interval_metrics
from .factors import Factors
from .models import ConditionModel
from .runs import check_runs


def replay(runs, factors: Factors, response: str, cycle="cycle", kind: str = "gp",
           seed: int = 0, level: float = 0.95):
    """Train on cycles ``< k`` and predict cycle ``k``, for every cycle after the first.

    Parameters
    ----------
    runs : str, Path or pandas.DataFrame
        Runs with factor columns, the response and a cycle column.
    factors : Factors
    response : str
    cycle : str
        Column of the design cycle (sortable: 1, 2, 3 or "C1", "C2").
    kind : str
        Model kind (see :class:`ConditionModel`).
    seed : int
    level : float
        Nominal coverage of the prediction intervals (which include run-to-run noise).

    Returns
    -------
    summary : pandas.DataFrame
        One row per predicted cycle: ``cycle``, ``n_train``, ``n_test``, ``rmse``, ``r2``,
        ``spearman`` (over runs), ``spearman_conditions`` (over the replicate means of each
        condition), ``coverage``, ``interval_width``, ``best_before`` (best measured in
        earlier cycles) and ``best_in_cycle``.
    predictions : pandas.DataFrame
        ``cycle``, ``observed``, ``mean``, ``std`` for every run of every predicted cycle.
    """
    from scipy.stats import spearmanr

    from .evaluate import condition_groups

    checked = check_runs(runs, factors, response)
    table = checked.table.reset_index(drop=True)
    if cycle not in table.columns:
        raise InputError(f"has no cycle column '{cycle}'", path=table.attrs.get("path"))
    cycles = table[cycle].to_numpy()
    order = sorted(pd.unique(cycles))
    if len(order) < 2:
        raise InputError(f"a replay needs at least two cycles in column '{cycle}', found {len(order)}")
    X, y = checked.conditions, checked.responses[response].to_numpy()
    summaries, preds = [], []
    for k in order[1:]:
        train, test = cycles < k, cycles == k
        model = ConditionModel(kind, factors=factors, seed=seed).fit(X[train], y[train])
        mean, std = model.predict(X[test], return_std=True, observation_noise=True)
        row = {"cycle": k, "n_train": int(train.sum()), "n_test": int(test.sum())}
        row.update(interval_metrics(y[test], mean, std, level))
        groups = condition_groups(X[test])
        obs_c = pd.Series(y[test]).groupby(groups).mean()
        pred_c = pd.Series(mean).groupby(groups).mean()
        row["spearman_conditions"] = (float(spearmanr(obs_c, pred_c).statistic)
                                      if len(obs_c) > 2 else np.nan)
        row["best_before"], row["best_in_cycle"] = float(y[train].max()), float(y[test].max())
        summaries.append(row)
        preds.append(pd.DataFrame({"cycle": k, "observed": y[test], "mean": mean, "std": std}))
    return pd.DataFrame(summaries), pd.concat(preds, ignore_index=True)
