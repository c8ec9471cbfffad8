"""Read and check a lab's table of bioreactor runs against its declared factors."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .factors import Factors, cell_error, numeric_cells


@dataclass
class Runs:
    """A checked table of runs.

    Attributes
    ----------
    conditions : pandas.DataFrame
        ``(N, n_factors)`` factor columns (fixed factors filled in).
    responses : pandas.DataFrame
        ``(N, n_responses)`` float responses.
    table : pandas.DataFrame
        The table as read, extra columns included.
    ignored : list of str
        Numeric columns that vary from run to run but are neither factors, responses nor
        otherwise used: left out of every model (a factor missing from the bounds file
        ends up here).
    ignored_constant : list of str
        Numeric columns, not used, that hold one value in every run.
    ignored_text : dict
        ``{column: [its values]}``: text columns, not used, whose values repeat from run to
        run (``medium``: LB, TB, defined), likely a categorical factor missing from the
        factors file. Text columns of unique values (run names) are not listed.
    rows : list of int
        The file row number (as errors show it) of each kept run, in order.
    skipped : list of int
        File row numbers of the runs left out because a response is blank (a failed run).
    n_responses : int
        How many responses were asked for.
    """

    conditions: pd.DataFrame
    responses: pd.DataFrame
    table: pd.DataFrame
    ignored: list = field(default_factory=list)
    ignored_constant: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    n_responses: int = 1
    ignored_text: dict = field(default_factory=dict)

    def file_row(self, i: int) -> int:
        """The file row number (as errors show it) of kept run ``i`` (0-based)."""
        return self.rows[i] if self.rows else i + 1

    def run_labels(self, id_column=None) -> tuple:
        """What names each kept run in a figure: its run ID, or else its file row.

        The ID column is ``id_column`` or, without it, the first column of text whose name
        says it holds run names (``Run ID``, ``run``, ``sample name``: a word ``run``,
        ``id``, ``name`` or ``sample``) and whose cells are filled and all different.

        Returns
        -------
        labels : list of str
            One per kept run, in order.
        name : str
            The ID column's name, or ``"row"`` for file rows.
        """
        candidates = [id_column] if id_column is not None else self.id_like_columns()
        for col in candidates:
            values = self.table[col]
            text = values.astype(str).str.strip()
            if values.notna().all() and (text != "").all() and text.is_unique:
                return text.tolist(), str(col)
        return [str(self.file_row(i)) for i in range(len(self.conditions))], "row"

    def skipped_notice(self) -> str:
        """One sentence naming the runs left out for a blank response, or ``""``."""
        if not self.skipped:
            return ""
        shown = ", ".join(map(str, self.skipped[:20])) + (" ..." if len(self.skipped) > 20 else "")
        what = ("a blank response" if self.n_responses == 1 else
                "a blank value in one of the responses (a run is used only when every response "
                "is measured)")
        return (f"skipped {len(self.skipped)} run{'s' if len(self.skipped) > 1 else ''} with "
                f"{what}: row{'s' if len(self.skipped) > 1 else ''} {shown}")

    def id_like_columns(self) -> list:
        """The text columns whose name says they hold run names (``Run ID``, ``run``,
        ``sample name``: a word ``run``, ``id``, ``name`` or ``sample``)."""
        return [c for c in self.table.columns
                if re.search(r"(^|[^a-z])(run|id|name|sample)s?($|[^a-z])", str(c).lower())
                and not pd.api.types.is_numeric_dtype(self.table[c])]

    def duplicate_notice(self) -> str:
        """One sentence naming the runs that repeat another run in every column, run ID
        included (an id-like column, see :meth:`id_like_columns`), or ``""``.

        Such rows are most likely one run entered twice (two sheets pasted together); kept,
        they count as two replicates of one condition that agree exactly, a scatter of 0
        that makes the model surer of the run-to-run noise than the runs justify. Without
        an id-like column identical rows may be true replicates, and nothing is said.
        """
        ids = self.id_like_columns()
        if not ids or self.table.empty:
            return ""
        table = self.table.reset_index(drop=True)
        filled = table[ids].notna().all(axis=1).to_numpy()
        same = table.astype(str).duplicated(keep=False).to_numpy() & filled
        if not same.any():
            return ""
        groups = table[same].astype(str).groupby(list(table.columns), sort=False).groups
        parts = []
        for members in list(groups.values())[:10]:
            rows = [self.file_row(int(i)) for i in members]
            run = table.loc[int(members[0]), ids[0]]
            parts.append(f"rows {', '.join(map(str, rows[:-1]))} and {rows[-1]} ({ids[0]} "
                         f"'{run}')")
        more = " ..." if len(groups) > 10 else ""
        return ("; ".join(parts) + more + " are identical in "
                "every column, run ID included: the same run entered twice? They are used as "
                "replicates of one condition that agree exactly (no scatter), which makes the "
                "model surer of the run-to-run noise than the runs justify; delete the copies, "
                "or give a true replicate its own run ID")

    def negative_notice(self) -> str:
        """One sentence naming the runs whose response is below 0 while most runs' are 0 or
        more (a titer of -5 mg/L among positive ones: a sign or a blank subtraction gone
        wrong?), or ``""``. Such a value is used as measured, and it keeps the response's
        intervals from stopping at 0."""
        parts = []
        for name in self.responses.columns:
            values = self.responses[name].to_numpy(dtype=np.float64)
            below = np.flatnonzero(values < 0)
            if not below.size or 2 * below.size >= len(values):
                continue
            shown = ", ".join(f"row {self.file_row(int(i))} ({values[i]:g})" for i in below[:10])
            parts.append(f"'{name}' is below 0 in {shown}{' ...' if below.size > 10 else ''}, "
                         f"while the other {len(values) - below.size} runs are 0 or more")
        if not parts:
            return ""
        return ("; ".join(parts) + ": a titer or a concentration cannot be negative; check the "
                "entry (a sign, a blank subtracted twice?). It is used as measured, and the "
                "95% intervals are not held at 0")

    def ignored_notice(self) -> str:
        """One sentence naming the ignored numeric columns and the ignored text columns
        whose values repeat (likely categorical factors), or ``""`` when there are none.

        Examples
        --------
        ``"ignored numeric columns that are not factors: NaCl, OD600 (and, constant in
        every run: MOPS, Glucose)"``; ``"ignored text columns that are not factors: medium
        (LB, TB, defined): if one is a factor, declare it (levels: [...] in the factors
        YAML)"``
        """
        parts = []
        if self.ignored:
            text = "ignored numeric columns that are not factors: " + ", ".join(self.ignored)
            if self.ignored_constant:
                text += " (and, constant in every run: " + ", ".join(self.ignored_constant) + ")"
            parts.append(text)
        elif self.ignored_constant:
            parts.append("ignored numeric columns that are not factors, constant in every run: "
                         + ", ".join(self.ignored_constant))
        if self.ignored_text:
            shown = ", ".join(
                f"{name} ({', '.join(map(str, values[:6]))}{', ...' if len(values) > 6 else ''})"
                for name, values in self.ignored_text.items())
            parts.append(f"ignored text column{'s' if len(self.ignored_text) > 1 else ''} that "
                         f"{'are not factors' if len(self.ignored_text) > 1 else 'is not a factor'}, with "
                         f"values that repeat from run to run: {shown}; if "
                         f"{'one' if len(self.ignored_text) > 1 else 'it'} is a categorical "
                         "factor (a medium, a strain), declare it in the factors YAML "
                         "(levels: [...]), or the model cannot tell its levels apart")
        return "; ".join(parts)


def few_runs_notice(n_runs: int, factors: Factors, use: str) -> str:
    """A warning when there are fewer measured runs than varied factors + 2, or ``""``.

    With so few runs a model cannot learn how every factor acts; the work goes on, but the
    user should know what the results are worth.

    Parameters
    ----------
    n_runs : int
        Runs with a measured response.
    factors : Factors
        The declared factors; continuous and categorical ones count (fixed ones do not).
    use : {"recommend", "cross-validate"}
        What the runs are for; picks the consequence the sentence names.

    Examples
    --------
    ``"only 2 measured runs for 5 varied factors: too few for the model to learn every
    factor (aim for at least 7, the number of varied factors + 2), so the proposed runs are
    mostly exploration ..."``
    """
    n_varied = len(factors.varied)
    need = n_varied + 2
    if n_runs >= need:
        return ""
    consequence = {
        "recommend": "so the proposed runs are mostly exploration and their predictions rough; "
                     "run them (or a first design with 'doe') and recommend again",
        "cross-validate": "so the cross-validation is fragile: every model trains on even fewer "
                          "runs, and its metrics and factor importance can change a lot with one "
                          "run more or less",
    }[use]
    return (f"only {n_runs} measured run{'s' if n_runs != 1 else ''} for {n_varied} varied "
            f"factor{'s' if n_varied != 1 else ''}: too few for the model to learn every factor "
            f"(aim for at least {need}, the number of varied factors + 2), {consequence}")


def few_design_runs_notice(n_runs: int, factors: Factors) -> str:
    """A warning when a design has fewer runs than varied factors + 1, or ``""``.

    A model with a straight-line effect per factor and an intercept already needs that
    many runs; fewer cannot tell the factors' effects apart at all.

    Examples
    --------
    ``"the design has only 3 runs for 5 varied factors: too few to tell their effects apart
    (a straight line per factor needs at least 6 runs, the number of varied factors + 1; a
    first round usually takes 2-3 runs per factor)"``
    """
    n_varied = len(factors.varied)
    if n_runs >= n_varied + 1:
        return ""
    return (f"the design has only {n_runs} run{'s' if n_runs != 1 else ''} for {n_varied} "
            f"varied factor{'s' if n_varied != 1 else ''}: too few to tell their effects apart "
            f"(a straight line per factor needs at least {n_varied + 1} runs, the number of "
            "varied factors + 1; a first round usually takes 2-3 runs per factor)")


def batch_notice(batch: int, n_runs: int) -> str:
    """A warning when more runs are proposed at once than have been measured, or ``""``.

    A batch is chosen greedily: each proposal assumes the model's guesses for the ones
    before it, so in a batch larger than the measured runs most proposals rest on guesses
    about guesses; a smaller batch, run and fed back, learns from real results first.
    """
    if batch <= n_runs:
        return ""
    return (f"a batch of {batch} from {n_runs} measured run{'s' if n_runs != 1 else ''}: each "
            "proposal is chosen assuming the model's guesses for the ones before it, so much of "
            "this batch rests on guesses rather than measurements; consider a batch of at most "
            f"{n_runs}, then recommend again with its results")


def unvaried(conditions: pd.DataFrame, factors: Factors, fixed: dict | None = None) -> tuple:
    """What the runs never varied: the declared continuous factors that hold one value in
    every run, and the levels of categorical factors that no run has.

    Parameters
    ----------
    conditions : pandas.DataFrame
        ``(N, n_factors)`` checked conditions (as :attr:`Runs.conditions`).
    factors : Factors
    fixed : dict, optional
        ``{factor: value}`` held in proposals: a factor held at the value (or a level) the
        runs have is left out, as nothing is predicted away from them there.

    Returns
    -------
    constant : dict
        ``{factor: the one value}`` of the continuous factors never varied.
    missing : dict
        ``{factor: [levels never run]}`` of the categorical factors.
    """
    fixed = fixed or {}
    constant, missing = {}, {}
    for f in factors.varied:
        if f.name not in conditions.columns or not len(conditions):
            continue
        if f.kind == "continuous":
            values = conditions[f.name].to_numpy(dtype=np.float64)
            if np.ptp(values) <= 1e-12 * (f.high - f.low):
                held = fixed.get(f.name)
                if held is not None and np.isclose(float(held), values[0]):
                    continue
                constant[f.name] = float(values[0])
        else:
            seen = {f.level_of(v) for v in conditions[f.name]}
            never = [lv for lv in f.levels if lv not in seen]
            held = f.level_of(fixed[f.name]) if f.name in fixed else None
            if never and (held is None or held not in seen):
                missing[f.name] = never
    return constant, missing


def unvaried_note(conditions: pd.DataFrame, factors: Factors, use: str = "recommend",
                  fixed: dict | None = None) -> str:
    """A sentence naming the declared factors the runs never varied (see :func:`unvaried`),
    or ``""``.

    A model learns a factor's effect only from runs that differ in it. A continuous factor
    held at one value in every run (pH 7.0 throughout, though declared 6.7-7.3), or a
    categorical level never run (medium B), is declared but not learned: predictions away
    from what was run come from the model's assumptions alone, and a factor importance or a
    proposed value for it is not a finding.

    Parameters
    ----------
    conditions : pandas.DataFrame
        ``(N, n_factors)`` checked conditions.
    factors : Factors
    use : {"recommend", "fit"}
        What the runs are for; picks the consequence the sentence names.
    fixed : dict, optional
        ``{factor: value}`` held in the proposals (see :func:`unvaried`).

    Examples
    --------
    ``"the runs never vary pH (7 in every run, declared 6.7..7.3) and never use level B of
    medium (levels A, B): they say nothing about their effect, so ..."``
    """
    constant, missing = unvaried(conditions, factors, fixed)
    if not constant and not missing:
        return ""
    parts = [f"never vary {name} ({value:g} in every run, declared {factors[name].low:g}.."
             f"{factors[name].high:g})" for name, value in constant.items()]
    for name, never in missing.items():
        levels = ", ".join(str(lv) for lv in factors[name].levels)
        shown = ", ".join(str(lv) for lv in never)
        parts.append(f"never use level{'s' if len(never) > 1 else ''} {shown} of {name} "
                     f"(levels {levels})")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    text = (f"the runs {listed}: they say nothing about "
            f"{'its' if len(parts) == 1 else 'their'} effect, so the model's predictions away "
            "from what was run are guesses from its assumptions, not learned")
    if use == "recommend":
        return text + ("; a proposal that sets "
                       f"{'it' if len(parts) == 1 else 'them'} elsewhere explores blind: hold "
                       f"{'it' if len(parts) == 1 else 'them'} fixed at what was run (--fix, or "
                       "fixed= in Python) to stay within what the runs cover, or run a few "
                       "runs that vary it to learn its effect")
    return text + ("; the factor importance leaves out a factor never varied (n/a) and "
                   "compares a categorical factor's levels that were run only")


def require_variation(values, response: str = "the response", path=None) -> None:
    """Refuse a response that holds the same value in every measured run.

    No model can tell better conditions from worse from it: a Gaussian process would predict
    that value everywhere with no uncertainty, a recommendation would repeat measured runs,
    and every factor would seem to matter equally little. The sentence names the value and,
    with ``path``, the file and column.

    Raises
    ------
    InputError
        Two or more values, all equal.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 2 or np.ptp(values) > 0:
        return
    named = f"'{response}'" if response != "the response" else response
    raise InputError(f"{named} is {values[0]:g} in every one of the {len(values)} measured runs: "
                     "the response does not vary, so no model can tell better conditions from "
                     "worse; check that this is the column you meant and that its values were "
                     "entered; if every run truly gave this value, the conditions tried made no "
                     "difference: widen the bounds and start again from a 'doe' design",
                     path=path, column=None if path is None else response)


def as_list(names) -> list:
    """``"a"`` -> ``["a"]``; a list stays a list."""
    return [names] if isinstance(names, str) else list(names)


def _require_responses(df: pd.DataFrame, responses, factors: Factors, path) -> None:
    """Refuse a missing response column with one sentence listing the table's columns; the
    "did you mean" suggestion looks among the columns that are not factors (a misspelt
    titer is not 'Feed (g/L/h)')."""
    from ..io.tables import _did_you_mean, _header_below_hint, _sheets_hint

    others = [c for c in df.columns if c not in factors.names]
    for r in responses:
        if r in df.columns:
            continue
        hint = (_sheets_hint(df.attrs.get("sheets", []))
                if df.attrs.get("format") in ("xlsx", "xls") else "")
        raise InputError(f"has no column '{r}'; its columns are: "
                         f"{', '.join(map(str, df.columns))}" + _did_you_mean(r, others)
                         + _header_below_hint(df, r) + hint, path=path)


#: names of text columns that label runs rather than set a condition (a run's name or id,
#: its well or plate position, when or by whom it ran, a comment): never called a factor
#: left out
_LABEL_NAME = re.compile(
    r"(^|[^a-z])(run|sample|well|plate|position|pos|date|time|day|operator|user|note|"
    r"comment|remark|file|barcode|label|cycle|round|iteration|dbtl)s?($|[^a-z])")
#: names that label runs only when their values are mostly distinct: a 'Strain ID' of
#: BL21 / K12 is a factor, a 'sample name' of one value a run is a label
_ID_NAME = re.compile(r"(^|[^a-z])(id|name)s?($|[^a-z])")


def check_runs(runs, factors: Factors, response, id_column=None, used=()) -> Runs:
    """Check a table of runs: factor columns, bounds and levels, responses, run ids.

    Parameters
    ----------
    runs : str, Path or pandas.DataFrame
        A CSV/TSV/Parquet/Excel file or a DataFrame with one row per run. Columns that are
        neither factors nor named responses (a run name, other measurements) are ignored.
    factors : Factors
    response : str or list of str
        The response column(s) to model. A run whose response is blank (a failed run) is
        left out and named in :meth:`Runs.skipped_notice`; with several responses a run is
        kept only when every response is measured. Any other value must be a number, and
        the factor cells of every run, failed or not, must be filled.
    id_column : str, optional
        A run-id column whose values must be unique. Replicates of the same condition are
        fine (they inform the noise level) as long as their ids differ.
    used : sequence of str
        Further columns the caller uses (a cycle column), not reported as ignored.

    Returns
    -------
    Runs

    Raises
    ------
    InputError
        A missing factor or response column, a value outside bounds, an unknown level,
        an empty factor cell, a non-numeric response, or a repeated run id; the message
        names the file, row and column.
    """
    from ..io import read_table, require_columns
    from ..io.tables import _file_row

    if not isinstance(runs, pd.DataFrame) and Path(runs).suffix.lower() in (".yaml", ".yml"):
        raise InputError("is a YAML file, which describes factors: --runs takes the table of "
                         "runs (CSV, TSV, Excel or Parquet) and the YAML goes to --factors",
                         path=runs)
    df = runs if isinstance(runs, pd.DataFrame) else read_table(runs)
    path = df.attrs.get("path")
    responses = as_list(response)
    if not responses:
        raise InputError("name at least one response column")
    for i, r in enumerate(responses):
        if r in responses[:i]:
            raise InputError(f"response '{r}' is given twice; name each response once")
    for r in responses:
        if r in factors.names:
            raise InputError(f"'{r}' is declared as a factor; it cannot also be the response")
    _require_responses(df, responses, factors, path)
    if id_column is not None:
        require_columns(df, [id_column], path=path)
        dup = df[id_column].duplicated(keep="first").to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            first = int(np.flatnonzero((df[id_column] == df[id_column].iloc[i]).to_numpy())[0])
            label = df.index[first]
            other = (f"row {_file_row(df, first) + 1}" if path is not None else
                     f"the row with index {label!r}" if isinstance(label, str) else
                     f"the row with index {label}")
            raise cell_error(f"run id '{df[id_column].iloc[i]}' repeats the id of {other}; each "
                             "run needs its own id (replicates are fine under different ids)",
                             df, i, id_column, path)
    conditions = factors.check_table(df, path=path, name="the table of runs")
    blank = np.zeros(len(df), dtype=bool)
    values = {}
    for r in responses:
        values[r] = numeric_cells(df, r, path, allow_blank=True)
        blank |= np.isnan(values[r])
    keep = ~blank
    y = pd.DataFrame({r: values[r][keep] for r in responses})
    file_rows = [_file_row(df, i) + 1 for i in range(len(df))]
    skip = set(factors.names) | set(responses) | {id_column} | set(used)
    extra = [c for c in df.columns if c not in skip and pd.api.types.is_numeric_dtype(df[c])
             and not pd.api.types.is_bool_dtype(df[c]) and df[c].notna().any()  # an empty
             # column (a Comment column never filled reads as numbers) holds nothing to ignore
             and str(c).strip() and not str(c).startswith("Unnamed:")]
    varying = [str(c) for c in extra if df[c].nunique(dropna=True) > 1]
    constant = [str(c) for c in extra if df[c].nunique(dropna=True) <= 1]
    text = {}  # text columns whose values repeat: a factor left out, perhaps (ids are unique)
    for c in df.columns:
        if (c in skip or c in extra or pd.api.types.is_numeric_dtype(df[c])
                or pd.api.types.is_bool_dtype(df[c]) or not str(c).strip()
                or str(c).startswith("Unnamed:") or _LABEL_NAME.search(str(c).lower())):
            continue
        cells = df[c].dropna().astype(str).str.strip()
        cells = cells[cells != ""]
        levels = list(pd.unique(cells))
        if _ID_NAME.search(str(c).lower()) and len(levels) > len(cells) / 2:
            continue  # run names, one repeated by mistake at most
        if 1 < len(levels) < len(cells):
            text[str(c)] = sorted(levels, key=str)
    table = df[keep]
    table.attrs = dict(df.attrs)
    return Runs(conditions[keep].reset_index(drop=True), y.reset_index(drop=True), table,
                ignored=varying, ignored_constant=constant,
                rows=[file_rows[i] for i in np.flatnonzero(keep)],
                skipped=[file_rows[i] for i in np.flatnonzero(blank)],
                n_responses=len(responses), ignored_text=text)
