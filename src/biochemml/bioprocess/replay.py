"""Replay a past campaign cycle by cycle: train on cycles before k, predict cycle k.

This is the honest test of a condition model for sequential design: each new round of runs
lies where the previous model (or a person) chose to go, often outside the data seen so far.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import CampaignWarning, InputError
from .evaluate import interval_columns, interval_metrics
from .factors import Factors, cell_error
from .models import ConditionModel, central_interval, response_floor
from .runs import check_runs, require_variation


def replay(runs, factors: Factors, response: str, cycle="cycle", kind: str = "gp",
           seed: int = 0, level: float = 0.95, log_response: bool = False):
    """Train on cycles ``< k`` and predict cycle ``k``, for every cycle after the first.

    Parameters
    ----------
    runs : str, Path or pandas.DataFrame
        Runs with factor columns, the response and a cycle column.
    factors : Factors
    response : str
    cycle : str
        Column of the design cycle: numbers (1, 2, 3) or names ordered naturally, numbers
        inside a name compared as numbers (``C1 < C2 < C10``, ``R2 < R11``; see
        :func:`cycle_order`).
    kind : str
        Model kind (see :class:`ConditionModel`).
    seed : int
    level : float
        Nominal coverage of the prediction intervals (which include run-to-run noise).
    log_response : bool
        Model the logarithm of the response (every value > 0), as
        ``recommend(log_response=True)`` does, to replay the model that recommend uses with
        ``--log-response``: ``mean`` and ``std`` are then those of the implied log-normal,
        on the response's own scale, and the intervals its percentiles
        ``exp(mu -+ z * sigma)`` (see :class:`~biochemml.bioprocess.ConditionModel`). A value
        <= 0 is an error naming the file, row and column.

    Returns
    -------
    summary : pandas.DataFrame
        One row per predicted cycle: ``cycle``, ``n_train``, ``n_test``, ``rmse``, ``r2``,
        ``spearman`` (over runs), ``spearman_conditions`` (over the replicate means of each
        condition), ``coverage``, ``interval_width``, ``best_before`` (best measured in
        earlier cycles) and ``best_in_cycle``.
    predictions : pandas.DataFrame
        ``cycle``, ``observed``, ``mean``, ``std`` and the ends of the ``level`` prediction
        interval (``lower_95``, ``upper_95`` for ``level=0.95``) for every run of every
        predicted cycle. When every measured value of the response is >= 0 (a titer), the
        lower ends stop at 0.
        ``summary.attrs["order"]`` holds the cycles in the order used;
        ``summary.attrs["intervals"]`` a sentence when a cycle is predicted from fewer than
        30 runs, whose intervals are likely too narrow (see
        :func:`~biochemml.bioprocess.evaluate.few_runs_interval_note`), else ``""``;
        ``summary.attrs["calibration"]`` the verdict on the intervals' coverage where it
        lies outside the band of a calibrated model (0.90-0.98), as ``fit-conditions``
        gives it (see :func:`~biochemml.bioprocess.evaluate.coverage_note`): for each cycle
        of at least 30 runs, and for all predicted runs together when no cycle is that
        large, else ``""``; ``summary.attrs["cycles"]`` a sentence naming the cycles left
        out because none of their runs has a measured response, and the cycles predicted
        for a categorical level never run in the cycles before them, else ``""``.
        Every such sentence is also issued as a
        :class:`~biochemml.errors.CampaignWarning`.
    """
    from scipy.stats import spearmanr

    from .evaluate import condition_groups

    from ..io import read_table

    raw = runs if isinstance(runs, pd.DataFrame) else read_table(runs)
    checked = check_runs(raw, factors, response)
    require_cycle_column(checked.table, cycle)
    require_variation(checked.responses[response], response, checked.table.attrs.get("path"))
    if log_response:
        from .recommend import check_positive_runs

        check_positive_runs(checked, [response])
    table = checked.table.reset_index(drop=True)
    cycles = table[cycle].to_numpy()
    blank = np.flatnonzero(pd.isna(table[cycle]).to_numpy())
    if blank.size:  # kept run i is file row checked.rows[i] (runs with a blank response left out)
        raise cell_error("the cycle is empty; every run needs its design cycle", checked.table,
                         int(blank[0]), cycle, table.attrs.get("path"),
                         row=checked.file_row(int(blank[0])) - 1)
    order = cycle_order(cycles)
    rank = {c: i for i, c in enumerate(order)}
    position = np.array([rank[c] for c in cycles])
    if len(order) < 2:
        raise InputError(f"a replay needs at least two cycles in column '{cycle}', found "
                         f"{len(order)} ({', '.join(map(str, order))}): it trains on the "
                         "earlier cycles to predict each later one", path=table.attrs.get("path"),
                         column=cycle)
    X, y = checked.conditions, checked.responses[response].to_numpy()
    unseen = []  # categorical levels a cycle is predicted for, never run before it
    for i, k in enumerate(order[1:], start=1):
        for f in factors.varied:
            if f.kind != "categorical":
                continue
            before = {f.level_of(v) for v in X.loc[position < i, f.name]}
            new = [lv for lv in f.levels if lv not in before
                   and lv in {f.level_of(v) for v in X.loc[position == i, f.name]}]
            if new:
                unseen.append(f"cycle {k} is predicted for level{'s' if len(new) > 1 else ''} "
                              f"{', '.join(map(str, new))} of {f.name}, never run in the "
                              "cycles before it")
    floor = response_floor(y)  # a response never below 0: intervals stop at 0
    summaries, preds = [], []
    for i, k in enumerate(order[1:], start=1):
        train, test = position < i, position == i
        model = ConditionModel(kind, factors=factors, seed=seed,
                               log_response=log_response).fit(X[train], y[train])
        mean, std = model.predict(X[test], return_std=True, observation_noise=True)
        row = {"cycle": k, "n_train": int(train.sum()), "n_test": int(test.sum())}
        row.update(interval_metrics(y[test], mean, std, level, log=log_response, floor=floor))
        groups = condition_groups(X[test])
        obs_c = pd.Series(y[test]).groupby(groups).mean()
        pred_c = pd.Series(mean).groupby(groups).mean()
        row["spearman_conditions"] = (float(spearmanr(obs_c, pred_c).statistic)
                                      if len(obs_c) > 2 else np.nan)
        row["best_before"], row["best_in_cycle"] = float(y[train].max()), float(y[test].max())
        summaries.append(row)
        lower, upper = central_interval(mean, std ** 2, level, log=log_response, floor=floor)
        low_name, high_name = interval_columns(level)
        preds.append(pd.DataFrame({"cycle": k, "observed": y[test], "mean": mean, "std": std,
                                   low_name: lower, high_name: upper}))
    summary = pd.DataFrame(summaries)
    summary.attrs["order"] = list(order)
    summary.attrs["intervals"] = _few_runs_note(summary, X, y, position, factors)
    predictions = pd.concat(preds, ignore_index=True)
    summary.attrs["calibration"] = _calibration_note(summary, predictions, kind, level)
    cycles = [_empty_cycles_note(raw, checked, cycle, response)]
    if unseen:
        cycles.append("; ".join(unseen) + ": the model had learned nothing about "
                      + ("that level" if len(unseen) == 1 and " levels " not in unseen[0]
                         else "those levels") + ", so its predictions for those runs are "
                      "guesses from its assumptions")
    summary.attrs["cycles"] = "; ".join(filter(None, cycles))
    for key in ("intervals", "calibration", "cycles"):  # attrs are easily lost
        if summary.attrs[key]:
            warnings.warn(summary.attrs[key], CampaignWarning, stacklevel=2)
    return summary, predictions


def _calibration_note(summary: pd.DataFrame, predictions: pd.DataFrame, kind: str,
                      level: float) -> str:
    """The coverage verdicts of :func:`~biochemml.bioprocess.evaluate.coverage_note` for
    each cycle of at least 30 predicted runs (or, when none is that large, for all the
    predicted runs together), joined; ``""`` when every one is calibrated, or for a
    ``level`` other than 0.95, which that verdict does not judge."""
    from ..runs import MIN_CALIBRATION_ROWS
    from .evaluate import coverage_note

    if abs(level - 0.95) > 1e-9:  # the verdict's band (0.90-0.98) is a 95 % interval's
        return ""
    # every cycle: one of few runs is judged by its count of misses (coverage_note)
    notes = [coverage_note(float(cov), int(n), kind,
                           where=f"of cycle {k}, predicted from the cycles before it")
             for k, n, cov in zip(summary["cycle"], summary["n_test"], summary["coverage"])
             if n > 0 and np.isfinite(cov)]
    if not any(r >= MIN_CALIBRATION_ROWS for r in summary["n_test"]):
        low, high = interval_columns(level)
        observed = predictions["observed"]
        inside = float(((observed >= predictions[low]) & (observed <= predictions[high])).mean())
        notes.append(coverage_note(inside, len(predictions), kind,
                                   where="of every predicted cycle together, each predicted "
                                         "from the cycles before it"))
    return "; ".join(filter(None, notes))


def _empty_cycles_note(raw: pd.DataFrame, checked, cycle: str, response: str) -> str:
    """A sentence naming the cycles of the table none of whose runs has a measured
    response (left out of the replay whole), with their rows, or ``""``."""
    from ..io.tables import _file_row

    if cycle not in raw.columns:
        return ""
    kept = set(pd.unique(checked.table[cycle].dropna()))
    gone = [c for c in cycle_order(raw[cycle].dropna().to_numpy()) if c not in kept]
    if not gone:
        return ""
    parts = []
    for c in gone:
        rows = [_file_row(raw, i) + 1 for i in np.flatnonzero((raw[cycle] == c).to_numpy())]
        shown = ", ".join(map(str, rows[:8])) + (" ..." if len(rows) > 8 else "")
        parts.append(f"cycle {c} (row{'s' if len(rows) > 1 else ''} {shown})")
    return (f"{' and '.join(parts)} ha{'ve' if len(parts) > 1 else 's'} no measured "
            f"'{response}' in any run, so {'they are' if len(parts) > 1 else 'it is'} left "
            "out of the replay: fill in the responses, or check the response column")


def _few_runs_note(summary: pd.DataFrame, X: pd.DataFrame, y, position, factors) -> str:
    """The sentence on intervals from few runs, naming the cycles predicted from fewer than
    30 runs (the replicates among the fewest runs counted), or ``""``."""
    from ..runs import MIN_CALIBRATION_ROWS
    from .evaluate import few_runs_interval_note
    from .models import pure_error

    few = summary[summary["n_train"] < MIN_CALIBRATION_ROWS]
    if few.empty:
        return ""
    first = int(few["n_train"].idxmin())  # the cycles are in order: the fewest runs come first
    train = position < first + 1
    _, df = pure_error(factors.to_unit(X[train]), np.asarray(y)[train])
    cycles = [str(c) for c in few["cycle"]]
    what = (f"the 95% prediction intervals of cycle {cycles[0]}" if len(cycles) == 1 else
            f"the 95% prediction intervals of cycles {', '.join(cycles[:-1])} and {cycles[-1]}")
    return few_runs_interval_note(int(few["n_train"].min()), df, what, several=len(cycles) > 1)


def cycle_order(values) -> list:
    """The distinct cycles in campaign order: numbers by value; names naturally, the numbers
    inside a name compared as numbers and the text case-insensitively (``C1 < C2 < C10``,
    ``R1 < R2 < R11``, ``DBTL2 < DBTL10``)."""
    import re

    unique = list(pd.unique(pd.Series(values).dropna()))
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
           for v in unique):
        return sorted(unique)

    def key(v):
        parts = re.split(r"(\d+)", str(v).strip())
        return [int(t) if i % 2 else t.lower() for i, t in enumerate(parts)], str(v)

    return sorted(unique, key=key)


def require_cycle_column(table: pd.DataFrame, cycle: str, shown: int = 8) -> None:
    """Refuse a table without the cycle column, with one sentence that lists its first
    ``shown`` columns, names the option to choose another (``--cycle NAME``, ``cycle=``)
    and, where the cycle is only written inside a run name (``C1_WA1_A4-R1``), says so.

    The raw JBEI flaviolin file (``DBTL1-5.csv``) is such a table: the message points to
    ``biochemml.datasets.load("flaviolin")``, which adds the ``cycle`` column.
    """
    from ..io.tables import _did_you_mean

    if cycle in table.columns:
        return
    names = [str(c) for c in table.columns if not str(c).startswith("Unnamed:")]
    listed = ", ".join(names[:shown]) + (f" ... ({len(names)} in all)" if len(names) > shown else "")
    raise InputError(f"has no cycle column '{cycle}'{_did_you_mean(cycle, names)}; its columns "
                     f"are: {listed}; name the column that holds each run's design cycle with "
                     f"--cycle NAME (cycle= in Python)" + _cycle_in_names_hint(table),
                     path=table.attrs.get("path"))


def _cycle_in_names_hint(table: pd.DataFrame) -> str:
    """Where a text column holds run names that start with the cycle (``C1_...``), a hint
    saying so, and, for the flaviolin campaign's raw file, where its prepared table is."""
    for col in table.columns:
        values = table[col]
        if values.dtype.kind != "O" or not len(values):
            continue
        text = values.astype(str)
        if text.str.match(r"^C\d+[_-]").all():
            hint = (f"; the cycle seems to be written in the run names of '{col}' "
                    f"(e.g. '{text.iloc[0]}'): put it in a column of its own")
            if str(col) == "Line Name" and "OD340" in table.columns:
                hint += (", or, for the shipped flaviolin campaign, use the prepared table "
                         "biochemml.datasets.load(\"flaviolin\"), which has a 'cycle' column")
            return hint
    return ""
