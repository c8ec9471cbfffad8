"""Bioprocess commands: doe, recommend, fit-conditions, replay.

Every output is written to a temporary file beside its target and renamed into place once
complete, so a failed command leaves nothing half-written.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from . import app
from ..errors import InputError
from ..io.writers import atomic_write, not_an_input, one_set, table_suffix, write_table


def _write_png(fig, path: Path) -> None:
    """Save ``fig`` as PNG in the shared biochemml style and resolution."""
    from ..plot._base import DPI, style

    def write(tmp):
        with style():
            fig.savefig(tmp, dpi=DPI, format="png")

    atomic_write(path, write)


#: terminal headers of the prediction columns that carry a response's name as a suffix
_SHORT_HEADERS = {"predicted_mean": "mean", "predicted_std": "std", "lower_95": "lower_95",
                  "upper_95": "upper_95"}


def _header(col) -> str:
    """A column's header on the terminal: ``predicted_mean_Titer (g/L)`` becomes ``mean``
    over ``Titer (g/L)`` (two lines), so the columns of several responses stay apart."""
    import re

    m = re.match(r"^(predicted_mean|predicted_std|lower_95|upper_95)_(.+)$", str(col))
    return f"{_SHORT_HEADERS[m.group(1)]}\n{m.group(2)}" if m else str(col)


def _print_table(df, title: str, digits: int = 4) -> None:
    """A readable table on stdout (rich), every header and cell in full: the console is as
    wide as the table needs (at least 120 characters)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    headers = [_header(c) for c in df.columns]
    rows = [[f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in row]
            for _, row in df.iterrows()]
    width = 1
    for j, h in enumerate(headers):
        table.add_column(h, justify="right", no_wrap=True)
        width += 3 + max([len(line) for line in h.split("\n")] + [len(r[j]) for r in rows])
    for row in rows:
        table.add_row(*row)
    Console(width=max(120, width)).print(table)


def _notice(message: str) -> None:
    """One 'Note:' line on stderr (silenced by --quiet), for choices the user should know of."""
    from ..progress import is_quiet

    if message and not is_quiet():
        typer.echo(f"Note: {message}", err=True)


def _warning(message: str) -> None:
    """One 'Warning:' line on stderr (silenced by --quiet; the HTML report keeps it), for
    results the user should take with care."""
    from ..progress import is_quiet

    if message and not is_quiet():
        first, *rest = _clauses(message)
        typer.echo("\n".join([f"Warning: {first}"] + [f"  - {c}" for c in rest]), err=True)


def _clauses(message: str) -> list:
    """``message`` cut at each '; ' outside parentheses: a long warning of several
    sentences, each on its own line, so the advice in it is not lost in one paragraph."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(message):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and message.startswith("; ", i):
            out.append(message[start:i])
            start = i + 2
    return out + [message[start:]]


def _count(n: int, word: str) -> str:
    """``1 run``, ``3 runs``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _parse_fixed(items) -> dict:
    fixed = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(f"--fix '{item}' is not of the form NAME=VALUE")
        name, value = item.split("=", 1)
        if name.strip() in fixed:
            raise InputError(f"--fix '{name.strip()}' is given twice; fix each factor once")
        fixed[name.strip()] = value.strip()
    return fixed


def _check_fixed_names(fixed: dict, factors, path: Path) -> None:
    """--fix: each name must be a declared factor (checked before any slow work)."""
    from ..io.tables import _did_you_mean

    for name, value in fixed.items():
        if name not in factors.names:
            raise InputError(f"--fix '{name}={value}' names no factor of {path}; its factors are: "
                             f"{', '.join(factors.names)}" + _did_you_mean(name, factors.names))


def _report_note(message: str) -> list:
    """``message`` as a sentence for a report's notes (an empty list when there is none)."""
    return [message[0].upper() + message[1:] + "."] if message else []


def _report_warning(message: str) -> list:
    """``message`` as a 'Warning: ...' sentence for a report's notes (or an empty list)."""
    return _report_note(f"Warning: {message}") if message else []


def _parse_folds(folds: str):
    """--folds: 'loo' or a whole number (checked against the runs by cross_validate)."""
    text = folds.strip().lower()
    if text == "loo":
        return "loo"
    try:
        return int(text)
    except ValueError:
        raise InputError(f"--folds must be 'loo' or a whole number, got '{folds}'") from None


def _parse_kinds(kinds: str) -> list:
    """--kinds: comma-separated model kinds, each once."""
    kind_list = [k.strip() for k in kinds.split(",") if k.strip()]
    if not kind_list:
        raise InputError(f"--kinds '{kinds}' names no model kind; use e.g. 'gp,gbt,nn'")
    for i, k in enumerate(kind_list):
        if k in kind_list[:i]:
            raise InputError(f"--kinds names '{k}' twice; name each model kind once")
    return kind_list


@app.command()
def doe(
    factors: Path = typer.Option(..., "--factors", help="Factors YAML, or a CSV of bounds (Variable,Min,Max)."),
    n: Optional[int] = typer.Option(None, "--n", help="Number of runs (lhs, sobol, random, fractional); factorial and ccd set their own size."),
    method: str = typer.Option("lhs", help="lhs, sobol, random, factorial, fractional or ccd."),
    out: Path = typer.Option(Path("design.csv"), "--out", help="Where to write the design (.csv, .tsv or .txt, .xlsx or .parquet)."),
    seed: int = typer.Option(0, help="Random seed (lhs, sobol, random)."),
    levels: Optional[int] = typer.Option(None, help="Levels per continuous factor in a full factorial (default 2)."),
    center: Optional[int] = typer.Option(None, help="Centre points of a central composite design (default 1)."),
):
    """Design a first round of runs (design of experiments)."""
    from ..bioprocess import Factors, design

    from ..bioprocess.runs import few_design_runs_notice

    table_suffix(out)
    not_an_input(out, "the design", factors=factors)
    f = Factors.from_file(factors)
    _not_a_measured_design(out, f)
    table = design(f, n=n, method=method, seed=seed,
                   levels=2 if levels is None else levels, center=1 if center is None else center)
    _warning(few_design_runs_notice(len(table), f))
    if method == "fractional":
        from ..bioprocess.design import fraction_note

        names = [x.name for x in f.varied if x.kind == "continuous"]
        note = fraction_note(names, len(table))
        _notice(note[0].upper() + note[1:] + "." if note else
                f"{len(table)} runs are the full 2^{len(names)} factorial of the "
                f"{len(names)} factors: every combination, nothing confounded.")
    if n is not None and method in ("factorial", "ccd"):
        _notice(f"--n {n} is not used by method '{method}', whose size follows from the "
                f"factors; the design has {len(table)} runs")
    if levels is not None and method != "factorial":
        _notice(f"--levels is used by method 'factorial' only, not '{method}'")
    if center is not None and method != "ccd":
        _notice(f"--center is used by method 'ccd' only, not '{method}'")
    breaks = table.attrs.get("breaks") if table.attrs.get("breaking") else None
    table.insert(0, "run", [f"run{i + 1:02d}" for i in range(len(table))])
    n_factors = table.shape[1] - 1
    if breaks:
        table["breaks_constraint"] = breaks
        names = table.loc[table["breaks_constraint"], "run"].tolist()
        shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
        _notice(f"{len(names)} of the {len(table)} runs of the {method} design break the "
                f"constraints (grid designs keep every run): {shown}, marked True in the "
                "column breaks_constraint; drop them before running the design, or use lhs, "
                "sobol or random, which honour the constraints")
    write_table(table, out)
    _print_table(table, f"{method} design: {_count(len(table), 'run')}")
    typer.echo(f"Wrote {_count(len(table), 'run')} x {_count(n_factors, 'factor')} to {out}")


def _not_a_measured_design(out: Path, factors) -> None:
    """Refuse to write a design over a file that holds more than a design: the README's
    workflow fills design.csv in with the measurements, and a second ``doe`` with the
    default --out would replace them."""
    if not out.exists():
        return
    from ..io import read_table

    try:
        existing = read_table(out)
    except InputError:
        return  # not a table this reads: the design replaces it, as any output would
    ours = set(factors.names) | {"run", "breaks_constraint"}
    extra = [str(c) for c in existing.columns if str(c) not in ours]
    if extra:
        raise InputError(f"already holds runs with other columns ({', '.join(extra[:5])}"
                         f"{', ...' if len(extra) > 5 else ''}): measurements, perhaps; a new "
                         f"design would replace them. Name a new --out, such as "
                         f"{out.with_stem(out.stem + '_2').name}", path=out)


@app.command()
def recommend(
    runs: Path = typer.Option(..., "--runs", help="Table of past runs (CSV/TSV/Parquet/Excel)."),
    factors: Path = typer.Option(..., "--factors", help="Factors YAML, or a CSV of bounds (Variable,Min,Max)."),
    response: List[str] = typer.Option(..., "--response", help="Response column; repeat for a trade-off."),
    batch: int = typer.Option(4, help="Number of runs to propose."),
    out: Path = typer.Option(Path("next_runs.csv"), "--out", help="Proposed runs (.csv, .tsv or .txt, .xlsx or .parquet); a PNG plot and an HTML report are written beside it."),
    minimize: List[str] = typer.Option([], "--minimize", help="A response to minimise instead of maximise (repeatable)."),
    fix: List[str] = typer.Option([], "--fix", help="Hold a factor fixed: NAME=VALUE (repeatable)."),
    constraint: List[str] = typer.Option([], "--constraint", help="Linear constraint, e.g. 'glucose + glycerol <= 30' (repeatable)."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="Run-id column that must be unique."),
    multi: str = typer.Option("nehvi", "--multi", help="Several responses: 'nehvi' (expected hypervolume improvement) or 'parego'."),
    reference: Optional[str] = typer.Option(None, "--reference", help="Several responses, nehvi: the worst acceptable value of each response, comma-separated in --response order (default: from the runs' Pareto front)."),
    log_response: bool = typer.Option(False, "--log-response", help="Model the logarithm of the response(s), maximised or minimised (every value > 0): for titers spanning orders of magnitude or by-products whose noise grows with their level."),
    seed: int = typer.Option(0, help="Random seed."),
):
    """Recommend the next batch of runs by Bayesian optimisation (Gaussian process + qLogNEI;
    qLogNEHVI for several responses). Writes the CSV, a PNG plot and an HTML report beside it."""
    from ..bioprocess import Factors
    from ..bioprocess import recommend as _recommend
    from ..bioprocess.plots import recommendation_plot
    from ..bioprocess.recommend import check_request, proposal_names
    from ..bioprocess.runs import batch_notice, few_runs_notice
    from ..io.tables import _did_you_mean
    from ..progress import say

    table_suffix(out)
    for beside in (out, out.with_suffix(".png"), out.with_suffix(".html")):
        not_an_input(beside, "the proposals", runs=runs, factors=factors)
    for name in minimize:
        if name not in response:
            raise InputError(f"--minimize '{name}' is not one of the --response columns"
                             + _did_you_mean(name, response) + f"; they are: {', '.join(response)}")
    ref = None
    if reference is not None:
        try:
            ref = [float(v) for v in reference.split(",")]
        except ValueError:
            raise InputError(f"--reference '{reference}' is not a comma-separated list of numbers") from None
    if ref is not None and (len(response) == 1 or multi != "nehvi"):
        _notice("--reference is used only with several responses and --multi nehvi; ignored")
    fixed = _parse_fixed(fix)
    f = Factors.from_file(factors)
    _check_fixed_names(fixed, f, factors)
    request = dict(batch=batch, maximize=[r not in minimize for r in response], fixed=fixed,
                   constraints=list(constraint), id_column=id_column, multi=multi,
                   reference=ref, log_response=log_response)
    # every option is checked before the slow work (and its progress message) starts
    checked_factors, checked, _ = check_request(runs, f, list(response), **request)
    _notice(checked.skipped_notice())
    _notice(checked.ignored_notice())
    _notice(checked.negative_notice())
    _warning(checked.duplicate_notice())
    few = few_runs_notice(len(checked.conditions), checked_factors, "recommend")
    _warning(few)
    _warning(batch_notice(batch, len(checked.conditions)))
    say(f"Fitting a Gaussian process to {runs} and optimising a batch of {batch} ...")
    proposals = _recommend(runs, f, list(response), seed=seed, **request)
    note = proposals.attrs.get("note", "")
    repeats = proposals.attrs.get("repeats", "")
    unvaried = proposals.attrs.get("unvaried", "")
    used_reference = _reference_text(proposals.attrs.get("reference"), given=ref is not None)
    intervals = proposals.attrs.get("intervals", "")
    observed = checked.responses
    labels, label_name = checked.run_labels(id_column)
    fig = recommendation_plot(observed, proposals, list(response),
                              maximize=[r not in minimize for r in response],
                              conditions=checked.conditions, run_labels=labels,
                              run_label_name=label_name)
    for col in proposals.columns[len(f.names):]:  # predictions: 6 significant digits
        if proposals[col].dtype.kind == "f":
            proposals[col] = [float(f"{v:.6g}") for v in proposals[col]]
    proposals.insert(0, "run", proposal_names(len(proposals),
                                              proposals.attrs.get("first_number", 1)))
    plot_path, report_path = out.with_suffix(".png"), out.with_suffix(".html")
    with one_set():  # the table, its plot and its report replace the earlier ones together
        write_table(proposals, out)
        _write_png(fig, plot_path)
        _write_recommend_report(report_path, plot_path, runs, list(response), minimize,
                                len(observed), f, proposals, multi, constraint, fix,
                                "; ".join(filter(None, [checked.ignored_notice(),
                                                        checked.negative_notice(),
                                                        checked.duplicate_notice()])), note,
                                checked.skipped_notice(), few, repeats, intervals, unvaried,
                                used_reference, log_response=log_response)
    _print_table(proposals, f"{_count(len(proposals), 'proposed run')} (predicted mean, 95% "
                 "interval of the mean)")
    if used_reference:
        typer.echo(f"Reference point of the hypervolume: {used_reference}")
    _notice(note)
    _notice(unvaried)
    _warning(repeats)
    _warning(intervals)
    typer.echo(f"Wrote {_count(len(proposals), 'proposed run')} to {out}, a plot to {plot_path} and a "
               f"report to {report_path}")


#: the recommend report's summary line with --log-response
RECOMMEND_LOG_TEXT = (
    "log (--log-response): each Gaussian process was fitted to the logarithm of its response; "
    "the predictions are back on the response's own scale: predicted_mean and predicted_std "
    "are the mean and standard deviation of the implied log-normal, and lower_95, upper_95 "
    "its percentiles exp(mu -+ 1.96 sigma) (mu, sigma: the log-scale prediction), always "
    "above 0 and wider above the mean than below")


def _reference_text(reference, given: bool) -> str:
    """The reference point used, for the terminal and the report: ``titer 2.16, lactate 3.79
    (derived from the runs: ...)``; ``""`` without one (one response, or ParEGO)."""
    if not reference:
        return ""
    values = ", ".join(f"{r} {v:.4g}" for r, v in reference.items())
    how = ("given by --reference" if given else "derived from the runs: the worst value of "
           "each response among the Pareto-optimal conditions, moved back by 10% of its range "
           "over them; set it with --reference")
    return (f"{values} ({how}; only outcomes better than it on every response count as "
            "improvement)")


def _write_recommend_report(path: Path, plot_path: Path, runs: Path, responses, minimize, n_runs,
                            factors, proposals, multi, constraints, fixed, ignored="",
                            no_gain="", skipped="", few="", repeats="", intervals="",
                            unvaried="", reference="", log_response: bool = False) -> None:
    """A self-contained HTML page beside the proposals: what was asked, the plot, the table
    (``few``: the warning that there are too few runs, first; then ``repeats``: the warning
    that proposed runs repeat each other or measured runs; then ``intervals``: the warning
    that intervals from few runs are likely too narrow; then ``no_gain``: the note that
    no proposed run is expected to beat the best run; then ``unvaried``: the note naming
    the factors and levels the runs never varied). ``reference``: the hypervolume's
    reference point, in the summary. ``log_response``: the summary says the model was fitted
    to the log of the response and what predicted_mean, predicted_std and the interval then
    are."""
    from ..report import write_report

    several = len(responses) > 1
    method = ("Gaussian process per response + " + ("qLogNEHVI (expected hypervolume improvement)"
              if multi == "nehvi" else "qLogNParEGO (random weightings)")) if several \
        else "Gaussian process + qLogNEI (noisy expected improvement)"
    goals = ", ".join(f"{r} ({'minimise' if r in minimize else 'maximise'})" for r in responses)
    notes = (_report_warning(few) + _report_warning(repeats) + _report_warning(intervals)
             + _report_note(no_gain) + _report_note(unvaried)) + [
        "Each proposed run comes with the model's predicted mean and 95% interval of the "
        "underlying mean response; a single measurement scatters further by the run-to-run noise.",
        "The acquisition value ranks how much each run alone is expected to improve on the "
        "runs so far (log scale; higher is better)."]
    if several:
        notes.append("non_dominated = True: the run's predicted means would join the Pareto front "
                     "(no measured condition, its replicates averaged, is at least as good on "
                     "every response).")
    notes += _report_note(skipped) + _report_note(ignored)
    write_report(
        path, f"biochemml: next {len(proposals)} runs",
        summary={"runs": str(runs), "runs used": n_runs, "responses": goals,
                 "factors": ", ".join(factors.names), "method": method,
                 "constraints": "; ".join(list(constraints) + [c.text for c in factors.constraints]) or "none",
                 "fixed": ", ".join(fixed) or "none",
                 **({"reference point": reference} if reference else {}),
                 **({"scale": RECOMMEND_LOG_TEXT} if log_response else {})},
        figures=[(_recommend_caption(responses, list(proposals["run"])), plot_path)],
        tables={"Proposed runs": proposals}, notes=notes)


def _recommend_caption(responses, proposed: list) -> str:
    """The caption of next.png in the report: the single-response panels, or the trade-off
    with its Pareto front."""
    names = ", ".join(proposed)
    if len(responses) == 1:
        return (f"Measured runs (left, in table order, each labelled with its run ID or "
                f"file row; dotted line: the best so far, the mean "
                f"of the best condition's replicates, comparable with the predicted means) and "
                f"the proposed runs {names} (right: predicted mean, 95% interval of the mean "
                f"response)")
    pair = " vs ".join(responses) if len(responses) == 2 else ", ".join(responses)
    front = ("measured Pareto front (black points joined by the staircase: the runs that "
             "no other run matches or beats on every response)" if len(responses) == 2 else
             "measured Pareto-optimal runs (black: no other run matches or beats them on every "
             "response), one panel per pair of responses")
    return (f"Trade-off {pair}: measured runs (grey; the replicates of a condition as one "
            f"point, their mean), the {front}, and the proposed runs "
            f"{names} (red stars: predicted mean, 95% interval of the mean on each response)")


def _cv_title(folds, response: str) -> str:
    """The title of parity.png: which cross-validation, what is compared."""
    how = ("Leave-one-condition-out cross-validation" if folds == "loo"
           else f"{folds}-fold cross-validation (by condition)")
    return f"{how}: measured vs predicted {response}"


@app.command("fit-conditions")
def fit_conditions(
    runs: Path = typer.Option(..., "--runs", help="Table of runs."),
    factors: Path = typer.Option(..., "--factors", help="Factors YAML, or a CSV of bounds."),
    response: List[str] = typer.Option(..., "--response", metavar="<str>", help="Response column (one; run the command once per response)."),
    out_dir: Path = typer.Option(Path("conditions_model"), "--out-dir", help="Folder for tables and figures."),
    kinds: str = typer.Option("gp,gbt,nn", help="Model kinds to compare, comma-separated."),
    folds: str = typer.Option("loo", help="'loo' (leave one condition out) or a number of folds."),
    log_response: bool = typer.Option(False, "--log-response", help="Model the logarithm of the response (every value > 0), as recommend --log-response does; predictions and intervals stay on the response's scale."),
    seed: int = typer.Option(0, help="Random seed."),
):
    """Compare condition models by cross-validation; parity, effect and importance outputs
    (importance and effects from the model with the lowest cross-validated error)."""
    from ..bioprocess import ConditionModel, Factors, cross_validate, feature_importance
    from ..bioprocess.evaluate import cv_folds, no_skill_note
    from ..bioprocess.plots import effects_plot, parity_plot
    from ..bioprocess.runs import check_runs, few_runs_notice, require_variation, unvaried_note
    from ..progress import say

    from ..bioprocess.models import KINDS

    if len(response) > 1:
        raise InputError(f"fit-conditions fits one response at a time; --response was given "
                         f"{len(response)} times ({', '.join(response)}): run the command once "
                         "per response, each with its own --out-dir")
    response = response[0]
    fold_spec, kind_list = _parse_folds(folds), _parse_kinds(kinds)
    for k in kind_list:  # before any slow work
        if k not in KINDS:
            raise InputError(f"unknown model kind '{k}' in --kinds; choose from {', '.join(KINDS)}")
    _check_conditions_folder(out_dir)
    f = Factors.from_file(factors)
    checked = check_runs(runs, f, response)
    if log_response:  # refused before any note on the runs
        from ..bioprocess.recommend import check_positive_runs

        check_positive_runs(checked, [response])
    _notice(checked.skipped_notice())
    _notice(checked.ignored_notice())
    _notice(checked.negative_notice())
    _warning(checked.duplicate_notice())
    X, y = checked.conditions, checked.responses[response].to_numpy()
    require_variation(y, response, checked.table.attrs.get("path"))
    try:  # before the notices about the runs: a table too small says so first
        cv_folds(X, f, fold_spec, seed)
    except InputError as err:
        raise InputError(f"{len(y)} measured {'run' if len(y) == 1 else 'runs'}: {err.message}",
                         path=checked.table.attrs.get("path")) from None
    few = few_runs_notice(len(y), f, "cross-validate")
    _warning(few)
    unvaried = unvaried_note(X, f, "fit")
    _notice(unvaried)
    say(f"Cross-validating {', '.join(kind_list)} on {_count(len(y), 'run')} ...")
    metrics, preds = cross_validate(X, y, kinds=kind_list, factors=f, folds=fold_spec, seed=seed,
                                    progress=True, log_response=log_response)
    best = metrics["rmse"].idxmin()
    # no model beats the mean: the ranking below is of noise, and is labelled so everywhere
    no_skill = no_skill_note(metrics, response)
    # importance and effects from the model the cross-validation trusts most, fitted to all runs
    model = ConditionModel(best, factors=f, seed=seed, log_response=log_response).fit(X, y)
    importance = feature_importance(model, X)
    parity = parity_plot(preds, response, title=_cv_title(fold_spec, response))
    effects = effects_plot(model, X, importance, response,
                           title=f"Factor effects on {response}: {best} model (the lowest "
                                 "cross-validated error), fitted to all runs"
                                 + (NOT_MEANINGFUL if no_skill else ""))
    metrics_out = metrics.reset_index(names="kind")
    # 'row': the file row of each run (as spreadsheets count, header = row 1), as every note says
    preds["row"] = [checked.file_row(int(i)) for i in preds["row"]]
    calibration = _coverage_notes(metrics, best, len(y))
    with _conditions_folder(out_dir) as tmp:  # complete, or not there at all
        write_table(metrics_out, tmp / "cv_metrics.csv")
        write_table(preds, tmp / "cv_predictions.csv")
        write_table(importance.rename_axis("factor").rename("importance").reset_index(),
                    tmp / "importance.csv")
        _write_png(parity, tmp / "parity.png")
        _write_png(effects, tmp / "effects.png")
        _write_conditions_report(tmp, runs, response, len(y), f, kind_list, best, metrics_out,
                                 importance, "; ".join(filter(None, [
                                     checked.ignored_notice(), checked.negative_notice(),
                                     checked.duplicate_notice()])),
                                 checked.skipped_notice(),
                                 few, parity_caption=_cv_title(fold_spec, response),
                                 calibration=calibration, no_skill=no_skill, unvaried=unvaried,
                                 log_response=log_response)
    _print_table(metrics_out, "cross-validation (coverage: share of runs inside their 95% "
                              "prediction intervals, 0.95 if calibrated)")
    _warning(no_skill)
    for note in calibration:
        _warning(note)
    ranking = (f"factor ranking not meaningful (no model predicts {response} better than its "
               "mean: every cross-validated R² is 0 or below)" if no_skill
               else _top_factors(importance))
    typer.echo(f"Lowest error: {best}. Importance and effects from {best} (the lowest-error "
               f"model, fitted to all runs); {ranking}. "
               f"Wrote tables and figures to {out_dir}/")
    typer.echo(f"Report: {out_dir / 'report.html'}")


#: the report's summary line of a model fitted to the log of the response
LOG_SCALE_TEXT = ("the models learned the logarithm of the response (--log-response); "
                  "predictions are back on its own scale: mean and std are those of the "
                  "implied log-normal, and the 95% intervals its percentiles exp(mu -+ 1.96 "
                  "sigma), always above 0 and wider above the mean than below")


#: added to the titles of the factor ranking and effects when no model beats the mean
NOT_MEANINGFUL = " (not meaningful: no model predicts better than the mean)"


#: names of the cross-validation metrics in reports (the tables keep the short names)
METRIC_NAMES = {"coverage": "coverage of the 95% prediction intervals",
                "interval_width": "mean width of the 95% prediction intervals"}


def _coverage_notes(metrics, best: str, n: int) -> list:
    """Warnings on interval coverage outside the calibrated band: the ``best`` model's (its
    metrics are reported), and the Gaussian process's when it is another (recommend uses it)."""
    from ..bioprocess.evaluate import coverage_note

    kinds = [best] + (["gp"] if "gp" in metrics.index and best != "gp" else [])
    return [note for k in kinds if (note := coverage_note(float(metrics.loc[k, "coverage"]), n,
                                                          k, proposals=k == "gp"))]


def _top_factors(importance) -> str:
    """``top factors: a, b, c`` (at most three, each with an importance above 0), or, when
    no factor moves the predictions, a sentence saying so."""
    moving = importance[importance > 0]
    if importance.isna().all():
        return "no factor was varied in the runs, so no importance was learned"
    if moving.empty:
        return "no factor moves its predictions (every importance is 0)"
    return f"top factor{'s' if len(moving) > 1 else ''}: {', '.join(moving.index[:3])}"


#: what fit-conditions writes in its --out-dir (a folder of these alone it may replace)
CONDITIONS_FILES = {"cv_metrics.csv", "cv_predictions.csv", "importance.csv", "parity.png",
                    "effects.png", "report.html"}


def _check_conditions_folder(out_dir: Path) -> None:
    """Before the cross-validation: --out-dir must be a new folder, or one that an earlier
    fit-conditions wrote (its files alone, which the new ones replace), never a file or a
    folder of other files (a sequence run, the user's data)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is a file, not a folder: give --out-dir a folder name, such as "
                         f"{out_dir.with_suffix('').name}_model", path=out_dir)
    if out_dir.is_dir():
        other = sorted(p.name for p in out_dir.iterdir()  # .DS_Store, .ipynb_checkpoints
                       if p.name not in CONDITIONS_FILES and not p.name.startswith("."))
        if other:
            raise InputError(f"already holds other files ({', '.join(other[:4])}"
                             f"{', ...' if len(other) > 4 else ''}); fit-conditions replaces "
                             "only a folder it wrote itself: name a new --out-dir",
                             path=out_dir)


def _conditions_folder(out_dir: Path):
    """A temporary folder beside ``out_dir``, put in its place at the end (an earlier
    fit-conditions folder is replaced whole); removed on any failure."""
    import contextlib
    import shutil

    @contextlib.contextmanager
    def folder():
        tmp = out_dir.with_name(f".{out_dir.name}.partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            yield tmp
            _check_conditions_folder(out_dir)  # nothing else came in meanwhile
            if out_dir.exists():
                shutil.rmtree(out_dir)
            tmp.rename(out_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    return folder()


def _recommend_model_note(metrics, best: str) -> str:
    """When the lowest-error model is not the GP: recommend proposes with the GP anyway, so
    say how the GP did here (its cross-validated R² and coverage), else ``""``."""
    rows = metrics.set_index("kind")
    if best == "gp" or "gp" not in rows.index:
        return ("" if "gp" in rows.index else
                "recommend proposes runs with a Gaussian process (gp), which was not "
                "compared here (--kinds): add gp to see how it predicts these runs")
    import math

    gp = rows.loc["gp"]
    r2 = (f"cross-validated R² here is {float(gp['r2']):.2f}"
          if "r2" in gp and math.isfinite(float(gp["r2"])) else "")
    held = (f"95% intervals held {float(gp['coverage']):.0%} of the runs"
            if "coverage" in gp and math.isfinite(float(gp["coverage"])) else "")
    said = f"{r2} and its {held}" if r2 and held else (r2 or held)
    return (f"recommend proposes runs with the Gaussian process (gp), not with {best}"
            + (f": the gp's {said}" if said else ""))


def _write_conditions_report(out_dir: Path, runs: Path, response: str, n_runs: int, factors,
                             kinds, best: str, metrics, importance, ignored: str = "",
                             skipped: str = "", few: str = "",
                             parity_caption: str = "Cross-validated predictions",
                             calibration=(), no_skill: str = "",
                             unvaried: str = "", log_response: bool = False) -> None:
    """One self-contained report.html beside the tables and figures of fit-conditions
    (``no_skill``: the warning that no model predicts better than the mean, first among the
    notes, and the ranking's and effects' titles then say they are not meaningful;
    ``few``: the warning that there are too few runs; then the ``calibration`` warnings, on
    interval coverage). The metrics, the importance and the effects are all those of the
    ``best`` model."""
    from ..report import write_report

    caveat = NOT_MEANINGFUL if no_skill else ""
    best_row = metrics.set_index("kind").loc[best]
    shown = {METRIC_NAMES.get(k, k): float(v) for k, v in best_row.items()
             if isinstance(v, (int, float))}
    write_report(
        out_dir / "report.html", f"biochemml: conditions -> {response}",
        summary={"runs": str(runs), "response": response, "runs used": n_runs,
                 "factors": ", ".join(factors.names), "models compared": ", ".join(kinds),
                 "lowest cross-validated error": best,
                 "importance and effects from": f"{best} (fitted to all runs)",
                 **({"scale": LOG_SCALE_TEXT} if log_response else {})},
        metrics=shown,
        figures=[(f"{parity_caption}, with 95% prediction intervals (where a single new run "
                  "should fall: run-to-run noise included; the share of runs inside them is the "
                  "coverage, 95% if calibrated), one panel per model",
                  out_dir / "parity.png"),
                 (f"Importance and effects of the most important factors ({best} model, the "
                  f"lowest cross-validated error){caveat}", out_dir / "effects.png")],
        tables={"Cross-validation of every model": metrics.rename(columns=METRIC_NAMES),
                f"Factor importance ({best} model, the lowest cross-validated error){caveat}":
                    importance.rename_axis("factor").rename("importance").reset_index()},
        notes=_report_warning(no_skill) + _report_warning(few)
        + [n for c in calibration for n in _report_warning(c)]
        + [f"Metrics are those of the {best} model, measured on runs it did not train on "
           "(replicates of one condition are left out together).",
           f"Factor importance and effects are those of the same {best} model, fitted to all "
           "runs: how much its predictions move as each factor alone changes."]
        + _report_note("" if (importance > 0).any() else
                       f"the {best} model's " + _top_factors(importance))
        + _report_note(_recommend_model_note(metrics, best))
        + _report_note(unvaried) + _report_note(skipped) + _report_note(ignored))


@app.command()
def replay(
    runs: Path = typer.Option(..., "--runs", help="Table of runs with a cycle column."),
    factors: Path = typer.Option(..., "--factors", help="Factors YAML, or a CSV of bounds."),
    response: str = typer.Option(..., "--response", help="Response column."),
    cycle: str = typer.Option("cycle", help="Column holding the design cycle."),
    kind: str = typer.Option("gp", help="Model kind: gp, gbt or nn."),
    out: Path = typer.Option(Path("replay.csv"), "--out", help="Per-cycle summary (.csv, .tsv or .txt, .xlsx or .parquet); a parity PNG beside it."),
    log_response: bool = typer.Option(False, "--log-response", help="Model the logarithm of the response (every value > 0), as recommend --log-response does; predictions and intervals stay on the response's scale."),
    seed: int = typer.Option(0, help="Random seed."),
):
    """Replay a campaign: train on cycles before k, predict cycle k, report interval coverage."""
    from ..bioprocess import Factors
    from ..bioprocess import replay as _replay
    from ..bioprocess.plots import parity_plot
    from ..bioprocess.replay import require_cycle_column
    from ..bioprocess.runs import check_runs

    from ..bioprocess.models import KINDS

    if kind not in KINDS:  # before any note or slow work
        raise InputError(f"unknown model kind '{kind}'; choose one of {', '.join(KINDS)}")
    table_suffix(out)
    for beside in (out, out.with_suffix(".png")):
        not_an_input(beside, "the per-cycle summary", runs=runs, factors=factors)
    f = Factors.from_file(factors)
    checked = check_runs(runs, f, response, used=[cycle])
    require_cycle_column(checked.table, cycle)
    if log_response:  # refused before any note on the runs
        from ..bioprocess.recommend import check_positive_runs

        check_positive_runs(checked, [response])
    _notice(checked.skipped_notice())
    _notice(checked.ignored_notice())
    _notice(checked.negative_notice())
    _warning(checked.duplicate_notice())
    summary, preds = _replay(runs, f, response, cycle=cycle, kind=kind, seed=seed,
                             log_response=log_response)
    scale = ", on the log scale" if log_response else ""
    fig = parity_plot(preds, response,
                      title=f"Trained on cycles before k ({kind} model{scale}), predicting cycle "
                            f"k: measured vs predicted {response}")
    with one_set():  # the summary and its figure replace the earlier ones together
        write_table(summary, out)
        _write_png(fig, out.with_suffix(".png"))
    _print_table(summary, f"replay of {runs} ({kind}{scale})", digits=3)
    _warning(summary.attrs.get("intervals", ""))
    _warning(summary.attrs.get("calibration", ""))
    _notice(summary.attrs.get("cycles", ""))
    typer.echo("Cycles in the order used (numbers inside names compared as numbers): "
               + ", ".join(str(c) for c in summary.attrs.get("order", [])))
    typer.echo(f"Wrote {out} and {out.with_suffix('.png')}")
