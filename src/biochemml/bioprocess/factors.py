"""Factors of a bioreactor campaign: what can be set, within which bounds, on which scale.

A :class:`Factors` object is the contract between a lab's table of runs and every model or
design: it names the factor columns, checks a table against them, and maps conditions to the
unit cube the models work in (and back).

Three kinds of factor:

``continuous``
    a number between ``low`` and ``high``; ``log: true`` spaces it on a log scale (media
    components spanning 100-fold, inducer concentrations); ``integer: true`` makes it a
    whole number (feeds per day, pulses), with whole-number bounds.
``categorical``
    one of a list of ``levels`` (a medium name, a strain); encoded one-hot.
``fixed``
    held at one ``value`` in every run; not modelled, written into every design.

The YAML file looks like::

    factors:
      - {name: temperature, low: 25, high: 37}
      - {name: feed, low: 0, high: 10}
      - {name: IPTG, low: 0.01, high: 1.0, log: true}
      - {name: feeds per day, low: 1, high: 6, integer: true}
      - {name: medium, levels: [LB, TB]}
      - {name: volume, value: 1.0}
    constraints:
      - "0.5*temperature + feed <= 25"

The kind follows from the keys (``low``/``high``: continuous, ``levels``: categorical,
``value``: fixed); an explicit ``type: continuous|categorical|fixed`` is allowed and must agree
with them. The factors may also be a mapping from name to entry::

    factors:
      NaCl: {low: 5, high: 500}
      medium: {levels: [LB, TB]}

The only top-level keys are ``factors`` and ``constraints`` (a list, or one constraint as a
single string). In a constraint, write factor names exactly as declared, spaces and units
included (``"temperature (°C) + feed rate (mL/h) <= 40"``; the longest declared name that
fits is taken), or in backticks; numbers may be ``2``, ``0.5``, ``.5`` or ``-2``.
``log`` and ``integer`` take true/false (or yes/no); anything else is refused.

An integer factor is modelled as a number, so 3 feeds a day is learnt from 2 and 4 (unlike
``levels: [1, 2, 3]``, which learns each value on its own); designs and proposals are rounded
to whole numbers (see :meth:`Factors.rounded`).

Linear constraints apply to linear continuous factors and must leave room for runs inside the
bounds; one that cannot be met is an error naming it and the bounds of its factors.

A CSV of bounds with columns ``Variable,Min,Max`` (and optionally ``Scale`` = linear/log, and
``Unit``, not used) declares continuous factors only; any other column is refused.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..numeric import as_number

KINDS = ("continuous", "categorical", "fixed")


def cell_error(message: str, df: pd.DataFrame, i: int, column, path=None,
               row: int | None = None) -> InputError:
    """An InputError for cell (``i``-th row of ``df``, ``column``): with a file it names the
    file's row (``row``: its 0-based number, by default the ``i``-th row's); for an
    in-memory table the row's index label (``row with index 3``, as
    :func:`biochemml.io.tables.row_error` names it; never "sequence", nor a 1-based
    position that would read as label 1)."""
    from ..io.tables import _file_row, located_error

    path = path if path is not None else df.attrs.get("path")
    if path is not None:
        return InputError(message, path=path, row=_file_row(df, i) if row is None else row,
                          column=column)
    label = df.index[i]
    label = repr(label) if isinstance(label, str) else str(label)
    return located_error(f"row with index {label}" + ("" if column is None else
                                                       f", column '{column}'") + f": {message}",
                         message, row=i, column=column)


def numeric_cells(df: pd.DataFrame, column, path=None, allow_blank: bool = False,
                  hint: str = "") -> np.ndarray:
    """A column as float64; a blank cell (unless ``allow_blank``: NaN) or text is an error
    naming its row and column (``hint``: a clause added to its sentence)."""
    from ..io.tables import numbers_as_written

    raw = df[column]
    values = pd.to_numeric(numbers_as_written(df, column), errors="coerce").to_numpy(
        dtype=np.float64, copy=True)
    blank = (raw.isna() | raw.astype(str).str.strip().eq("")).to_numpy()
    bad = np.flatnonzero(~np.isfinite(values) & (~blank | (not allow_blank)))
    if bad.size:
        from ..io.tables import not_a_number, read_csv_hint, units_row_hint

        i = int(bad[0])
        where = path if path is not None else df.attrs.get("path")
        raise cell_error(not_a_number(raw.iloc[i], blank=bool(blank[i]), column=raw,
                                      decimal=df.attrs.get("decimal", "."))
                         + units_row_hint(df, column, bad) + hint
                         + read_csv_hint(raw.iloc[i], where), df, i, column, path)
    values[blank] = np.nan
    return values


@dataclass(frozen=True)
class Factor:
    """One operating condition.

    Parameters
    ----------
    name : str
        Column name in the table of runs.
    kind : {"continuous", "categorical", "fixed"}
    low, high : float, optional
        Bounds of a continuous factor (``low < high``; both > 0 when ``log``).
    levels : tuple, optional
        Allowed values of a categorical factor.
    value : object, optional
        The value of a fixed factor.
    log : bool
        Space a continuous factor on a log10 scale.
    integer : bool
        A continuous factor that takes whole numbers only (``low`` and ``high`` whole).
    """

    name: str
    kind: str = "continuous"
    low: float | None = None
    high: float | None = None
    levels: tuple = ()
    value: object = None
    log: bool = False
    integer: bool = False

    def __post_init__(self):
        def fail(msg):
            raise InputError(f"factor '{self.name}': {msg}")

        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"a factor needs a name (the column of the runs, as text), got "
                             f"{self.name!r}")
        if self.kind not in KINDS:
            fail(f"kind '{self.kind}' is not one of {', '.join(KINDS)}")
        if self.kind == "continuous":
            try:
                low, high = float(self.low), float(self.high)
            except (TypeError, ValueError):
                fail("a continuous factor needs numeric 'low' and 'high'"
                     + decimal_comma_hint(self.low, self.high))
            if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
                fail(f"low ({low:g}) must be smaller than high ({high:g})")
            if not isinstance(self.log, (bool, np.bool_)):
                fail(f"log must be True or False, got {self.log!r}")
            if self.log and low <= 0:
                fail(f"a log-scale factor needs low > 0, got {low:g}")
            if not isinstance(self.integer, (bool, np.bool_)):
                fail(f"integer must be True or False, got {self.integer!r}")
            if self.integer and not (low.is_integer() and high.is_integer()):
                fail(f"an integer factor needs whole-number bounds, got low {low:g} and "
                     f"high {high:g}")
            object.__setattr__(self, "low", low)
            object.__setattr__(self, "high", high)
        elif self.kind == "categorical":
            levels = self.levels
            if isinstance(levels, str) or not isinstance(levels, (list, tuple)) or len(levels) < 2:
                fail("a categorical factor needs a list of at least two 'levels'")
            if len(set(map(_level_key, levels))) != len(levels):
                fail("its levels repeat")
            object.__setattr__(self, "levels", tuple(levels))
        elif self.value is None:
            fail("a fixed factor needs a 'value'")
        if self.integer and self.kind != "continuous":
            fail("only a continuous factor (low, high) can be integer")

    def level_of(self, value):
        """The level of this categorical factor that a cell ``value`` holds, or ``None``.

        Text levels match exactly (spaces around the cell ignored); a numeric level
        (``levels: [0.1, 1]``) matches any cell with the same number, so ``1``, ``1.0`` and
        ``"1.0"`` are all the level ``1``.
        """
        text = str(value).strip()
        for lv in self.levels:
            if str(lv) == text:
                return lv
        number = as_number(value)
        if number is not None:
            for lv in self.levels:
                if as_number(lv, text=False) == number:
                    return lv
        return None

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        """Map values of a continuous factor to [0, 1] (log scale where declared); values
        outside the bounds map outside [0, 1]."""
        x = np.asarray(x, dtype=np.float64)
        if self.log:
            return (np.log10(x) - np.log10(self.low)) / (np.log10(self.high) - np.log10(self.low))
        return (x - self.low) / (self.high - self.low)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_unit`; ``u`` is clipped to [0, 1] so results stay in bounds."""
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        if self.log:
            lo, hi = np.log10(self.low), np.log10(self.high)
            return np.clip(10.0 ** (lo + u * (hi - lo)), self.low, self.high)
        return np.clip(self.low + u * (self.high - self.low), self.low, self.high)


def decimal_comma_hint(*values) -> str:
    """``"; '6,7' is written with a decimal comma: write 6.7 (a decimal point)"`` for the
    first value written as a number with a decimal comma, else ``""``."""
    from ..io.tables import _COMMA_NUMBER  # a number written with a comma, as io reads it

    for value in values:
        if isinstance(value, str) and _COMMA_NUMBER.fullmatch(value):
            return (f"; '{value.strip()}' is written with a decimal comma: write "
                    f"{value.strip().replace(',', '.')} (YAML and Python read numbers with a "
                    "decimal point)")
    return ""


def _level_key(level):
    """What makes two declared levels the same: the number of a numeric level (``1`` and
    ``1.0``), the text of any other."""
    number = as_number(level, text=False)
    return ("number", number) if number is not None else ("text", str(level))


@dataclass(frozen=True)
class LinearConstraint:
    """``sum(coefficients[name] * x[name]) <= rhs`` (``sense="<="``) or ``>= rhs``."""

    coefficients: dict
    sense: str
    rhs: float
    text: str = ""

    def __post_init__(self):
        """Refuse what :func:`parse_constraint` could not produce: another sense, no factor,
        a coefficient or right side that is not a finite number. Without ``text`` the
        constraint is written out (``"0.5*T + feed <= 25"``) for messages."""
        shown = self.text or f"{self.coefficients!r} {self.sense} {self.rhs!r}"
        if self.sense not in ("<=", ">="):
            raise InputError(f"constraint '{shown}': the sense must be '<=' or '>=', got "
                             f"{self.sense!r}")
        if not isinstance(self.coefficients, dict) or not self.coefficients:
            raise InputError(f"constraint '{shown}' names no factor; give coefficients as "
                             "{factor: number}")
        def finite(value, what):
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = np.nan
            if isinstance(value, (bool, np.bool_)) or not np.isfinite(number):
                raise InputError(f"constraint '{shown}': {what} must be a finite number, got "
                                 f"{value!r}")
            return number

        numbers = {n: finite(a, f"the coefficient of '{n}'") for n, a in self.coefficients.items()}
        object.__setattr__(self, "coefficients", numbers)
        object.__setattr__(self, "rhs", finite(self.rhs, "the right side"))
        if not self.text:
            terms = ""
            for i, (n, a) in enumerate(numbers.items()):
                sign = ("-" if a < 0 else "") if i == 0 else (" - " if a < 0 else " + ")
                terms += sign + (n if abs(a) == 1 else f"{abs(a):g}*{n}")
            object.__setattr__(self, "text", f"{terms} {self.sense} {self.rhs:g}")

    def satisfied(self, df: pd.DataFrame, tol: float = 1e-6) -> np.ndarray:
        """Boolean array, one per row of ``df``: does the row meet the constraint?"""
        lhs = sum(c * df[n].to_numpy(dtype=np.float64) for n, c in self.coefficients.items())
        scale = tol * max(1.0, abs(self.rhs))
        return lhs <= self.rhs + scale if self.sense == "<=" else lhs >= self.rhs - scale


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


def parse_constraint(text: str, names) -> LinearConstraint:
    """Parse ``"a + 2*b - c <= 10"`` into a :class:`LinearConstraint`.

    The left side is a sum of terms ``[+|-] [number [*]] factor``; the right side a number.
    Numbers may be written ``2``, ``0.5``, ``.5``, ``-2`` or ``1e-3`` (``feed - -2*T``).
    Factor names are written exactly as declared, spaces and units included
    (``temperature (°C) + feed rate (mL/h) <= 40``): at each term the longest declared name
    that fits is taken. A name may also be put in backticks (```feed rate (mL/h)` <= 8``).

    Raises
    ------
    InputError
        Not of the form ``terms <= number`` / ``terms >= number``, or a name that is not a
        factor; the message lists the factor names.
    """
    text = str(text)
    listed = ", ".join(f"'{n}'" for n in names)
    match = re.fullmatch(rf"(.+?)(<=|>=)\s*({_NUMBER})\s*", text, flags=re.S)
    if not match:
        raise InputError(f"constraint '{text}' is not of the form 'a + 2*b <= 10' "
                         "(a sum of factors, each with an optional number before it, then <= or "
                         f">=, then a number); the factors are: {listed}")
    lhs, sense, rhs = match.groups()
    by_length = sorted(map(str, names), key=len, reverse=True)
    coefficients: dict = {}
    pos, n = 0, len(lhs)

    def skip(p):
        while p < n and lhs[p].isspace():
            p += 1
        return p

    first = True
    while True:
        pos = skip(pos)
        if pos >= n:
            break
        sign = 1.0
        if lhs[pos] in "+-":
            sign = -1.0 if lhs[pos] == "-" else 1.0
            pos = skip(pos + 1)
        elif not first:
            raise InputError(f"constraint '{text}': expected + or - before "
                             f"'{lhs[pos:].strip()}'; the factors are: {listed}")
        coef = 1.0
        name = next((nm for nm in by_length if lhs.startswith(nm, pos)), None)
        if name is None:  # a number first (unless a declared name starts with one)
            number = re.match(_NUMBER, lhs[pos:])
            if number:
                coef = float(number.group())
                pos = skip(pos + number.end())
                if pos < n and lhs[pos] == "*":
                    pos = skip(pos + 1)
        if lhs.startswith("`", pos):
            close = lhs.find("`", pos + 1)
            if close < 0:
                raise InputError(f"constraint '{text}': a backtick-quoted name is not closed")
            name = lhs[pos + 1:close]
            if name not in names:
                raise InputError(f"constraint '{text}' names an unknown factor '{name}'; "
                                 f"the factors are: {listed}")
            pos = close + 1
        else:
            name = next((nm for nm in by_length if lhs.startswith(nm, pos)), None)
            if name is None:
                word = re.match(r"[^\s+*]+", lhs[pos:])
                shown = word.group() if word else lhs[pos:].strip()
                raise InputError(f"constraint '{text}' names an unknown factor '{shown}' (or "
                                 f"cannot read '{lhs[pos:].strip()}'); the factors are: "
                                 f"{listed}; write each name exactly as declared, or in "
                                 "backticks")
            pos += len(name)
        coefficients[name] = coefficients.get(name, 0.0) + sign * coef
        first = False
    if not coefficients:
        raise InputError(f"constraint '{text}' names no factor; the factors are: {listed}")
    return LinearConstraint(coefficients, sense, float(rhs), text.strip())


@dataclass
class Factors:
    """The declared factors of a campaign, and linear constraints among them.

    Built in Python it is checked as a YAML file is: at least one factor, each a
    :class:`Factor` with its own name, and constraints naming declared continuous, linear
    factors and leaving room for runs inside the bounds.

    Parameters
    ----------
    factors : list of Factor
    constraints : list of LinearConstraint or str, optional
        Text such as ``"0.5*temperature + feed <= 25"`` is read by :func:`parse_constraint`.
    """

    factors: list
    constraints: list = field(default_factory=list)

    def __post_init__(self):
        # the checks of the YAML path, for factors and constraints built in Python
        if isinstance(self.factors, Factor) or not isinstance(self.factors, (list, tuple)):
            raise InputError("Factors takes a list of Factor objects, e.g. "
                             "Factors([Factor('T', 'continuous', 25, 37)]), got "
                             f"{type(self.factors).__name__}")
        self.factors = list(self.factors)
        if not self.factors:
            raise InputError("Factors needs at least one factor")
        for i, f in enumerate(self.factors):
            if not isinstance(f, Factor):
                raise InputError(f"item {i + 1} of the factors is a {type(f).__name__}, not a "
                                 "Factor; build it with Factor(name, kind, low, high, ...)")
        _refuse_repeats(self.names, range(1, len(self.factors) + 1),
                        "as items {} and {} of the list")
        if isinstance(self.constraints, (str, LinearConstraint)):
            self.constraints = [self.constraints]
        constraints = []
        for c in self.constraints:
            if isinstance(c, str):  # text, as in the YAML file
                c = parse_constraint(c, self.names)
            elif not isinstance(c, LinearConstraint):
                raise InputError(f"a constraint must be text such as 'a + 2*b <= 10' or a "
                                 f"LinearConstraint, got {type(c).__name__} {c!r}")
            constraints.append(c)
        self.constraints = constraints
        listed = ", ".join(f"'{n}'" for n in self.names)
        for c in self.constraints:
            for name in c.coefficients:
                if name not in self.names:
                    raise InputError(f"constraint '{c.text}' names an unknown factor '{name}'; "
                                     f"the factors are: {listed}")
                f = self[name]
                if f.kind != "continuous":
                    raise InputError(f"constraint '{c.text}': factor '{name}' is {f.kind}; "
                                     "linear constraints apply to continuous factors")
                if f.log:
                    raise InputError(f"constraint '{c.text}': factor '{name}' is on a log "
                                     "scale; a linear constraint needs a linear factor")
        self.check_feasible()

    def check_feasible(self, fixed: dict | None = None) -> None:
        """Check that the linear constraints leave room for runs inside the bounds.

        Each constraint alone is checked against the smallest and largest value its left
        side takes over the bounds; all of them together by a small linear program that
        looks for the point farthest inside every bound and constraint (in the unit cube).

        Parameters
        ----------
        fixed : dict, optional
            ``{factor: number}`` continuous factors held at a value (``--fix``).

        Raises
        ------
        InputError
            Naming the constraint(s) that cannot be met and the bounds of their factors,
            e.g. "constraint 'NaCl >= 600' cannot be met within the bounds (NaCl is 5..500)".
        """
        if not self.constraints:
            return
        fixed = {k: float(v) for k, v in (fixed or {}).items()
                 if k in self.names and self[k].kind == "continuous"}
        box = {f.name: (fixed[f.name], fixed[f.name]) if f.name in fixed else (f.low, f.high)
               for f in self.factors if f.kind == "continuous"}

        for c in self.constraints:
            lo = sum(a * box[n][0 if a > 0 else 1] for n, a in c.coefficients.items())
            hi = sum(a * box[n][1 if a > 0 else 0] for n, a in c.coefficients.items())
            tol = 1e-9 * max(1.0, abs(c.rhs), abs(lo), abs(hi))
            if (c.sense == "<=" and lo > c.rhs + tol) or (c.sense == ">=" and hi < c.rhs - tol):
                side = ("" if len(c.coefficients) == 1 and not fixed else
                        f"; its left side is at {'least' if c.sense == '<=' else 'most'} "
                        f"{lo if c.sense == '<=' else hi:g}")
                raise InputError(f"constraint '{c.text}' cannot be met within the bounds "
                                 f"({self.bounds_text([c], fixed)}){side}")
        depth = self._interior_depth(fixed)
        texts = self.constraints_text()
        what = "constraint" if len(self.constraints) == 1 else "constraints"
        if depth < -1e-7:
            raise InputError(f"the {what} {texts} cannot all be met together within the "
                             f"bounds ({self.bounds_text(fixed=fixed)})")
        if depth < 1e-7:
            raise InputError(f"the {what} {texts} can be met only on the edge of the bounds "
                             f"({self.bounds_text(fixed=fixed)}); loosen the number so that some "
                             "runs fit strictly inside, or hold the factor at one value instead")

    def constraints_text(self) -> str:
        """The constraints quoted for a sentence: ``'a <= 1', 'b >= 2' and 'a + b <= 3'``."""
        quoted = [f"'{c.text}'" for c in self.constraints] or ["(none)"]
        return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]

    def bounds_text(self, constraints=None, fixed: dict | None = None) -> str:
        """The bounds of the factors the constraints name: ``NaCl is 5..500, KCl is fixed
        at 2`` (``constraints`` default all; ``fixed``: ``{factor: value}`` held values)."""
        constraints = self.constraints if constraints is None else constraints
        fixed = fixed or {}
        names = list(dict.fromkeys(n for c in constraints for n in c.coefficients))
        return ", ".join(f"{n} is fixed at {float(fixed[n]):g}" if n in fixed
                         else f"{n} is {self[n].low:g}..{self[n].high:g}" for n in names)

    def _interior_depth(self, fixed: dict) -> float:
        """Largest ``s`` such that a point lies ``s`` inside every bound and constraint, in
        the unit cube of the free continuous factors (negative: no point meets them all)."""
        from scipy.optimize import linprog

        free = [f for f in self.factors if f.kind == "continuous" and f.name not in fixed]
        col = {f.name: j for j, f in enumerate(free)}
        n = len(free)
        rows, rhs = [], []
        for c in self.constraints:
            a, b = np.zeros(n + 1), c.rhs
            for name, coef in c.coefficients.items():
                f = self[name]
                if name in fixed:
                    b -= coef * fixed[name]
                else:  # x = low + u * (high - low)
                    a[col[name]] += coef * (f.high - f.low)
                    b -= coef * f.low
            if c.sense == ">=":
                a, b = -a, -b
            norm = np.linalg.norm(a[:n])
            if norm == 0.0:  # only fixed factors: met or not, with no room to move
                rows.append(np.r_[np.zeros(n), 0.0])
                rhs.append(b)
                continue
            a[n] = norm
            rows.append(a / norm)
            rhs.append(b / norm)
        for j in range(n):  # s <= u_j and u_j + s <= 1
            lower, upper = np.zeros(n + 1), np.zeros(n + 1)
            lower[j], lower[n] = -1.0, 1.0
            upper[j], upper[n] = 1.0, 1.0
            rows.extend([lower, upper])
            rhs.extend([0.0, 1.0])
        cost = np.zeros(n + 1)
        cost[n] = -1.0
        res = linprog(cost, A_ub=np.array(rows), b_ub=np.array(rhs),
                      bounds=[(None, None)] * n + [(None, 1.0)], method="highs")
        if res.status == 2:
            return -np.inf
        if res.status != 0:
            return 1.0  # the solver gave up: let the optimiser decide
        return float(res.x[n])

    # ----------------------------------------------------------------- reading
    @classmethod
    def from_file(cls, path) -> "Factors":
        """Read factors from a YAML file or a CSV/TSV/Excel table of bounds.

        Parameters
        ----------
        path : str or Path
            ``.yaml``/``.yml`` (see the module docstring) or a table with columns
            ``Variable, Min, Max`` and optionally ``Scale`` (``linear`` or ``log``).

        Returns
        -------
        Factors
        """
        path = Path(path)
        if path.suffix.lower() in (".yaml", ".yml"):
            return cls._from_yaml(path)
        from ..io import read_table, require_columns

        df = read_table(path)
        require_columns(df, ["Variable", "Min", "Max"], path=path,
                        hint=". A factors file is the YAML of the factors or a table of bounds "
                             "(Variable, Min, Max); is this the table of runs? It goes to "
                             "--runs, the factors file to --factors")
        return cls.from_bounds(df, path=path)

    @classmethod
    def from_bounds(cls, df: pd.DataFrame, log=(), path=None) -> "Factors":
        """Continuous factors from a table with ``Variable, Min, Max`` (optional ``Scale``:
        ``linear`` or ``log``; optional ``Unit``, not used).

        ``log`` names factors to put on a log scale in addition to those with ``Scale=log``.
        Any other column is refused (a ``Log`` column of yes/no would otherwise be ignored,
        and its factors put on a linear scale), and so is a row whose ``Min`` and ``Max``
        are levels (``medium,A,B``): categorical factors are declared in a factors YAML.
        """
        from ..io import numeric_column

        from ..io.tables import _file_row

        _check_bounds_columns(df, path)
        names = df["Variable"].astype(str).str.strip().tolist()  # as table headers are read
        _refuse_repeats(names, [_file_row(df, i) + 1 for i in range(len(names))],
                        "in rows {} and {}", path)
        _refuse_levels_in_bounds(df, names, path)
        lows, highs = numeric_column(df, "Min"), numeric_column(df, "Max")
        log = {str(n).strip() for n in ([log] if isinstance(log, str) else log)}
        factors = []
        for i, name in enumerate(names):
            scale = str(df["Scale"].iloc[i]).strip().lower() if "Scale" in df.columns else "linear"
            if scale not in ("linear", "log", "nan"):
                raise cell_error(f"scale '{scale}' is not 'linear' or 'log'", df, i, "Scale",
                                 path)
            spec = {"name": name, "type": "continuous", "low": lows[i], "high": highs[i],
                    "log": scale == "log" or name in log}
            # a table given in Python: the factor's name locates the row
            factors.append(_factor_from_spec(spec, path=path, row=None if path is None
                                             else _file_row(df, i)))
        return cls(factors)

    @classmethod
    def _from_yaml(cls, path: Path) -> "Factors":
        import yaml

        if not path.exists():
            raise InputError("the file does not exist", path=path)
        try:
            doc = yaml.safe_load(path.read_text())
        except yaml.YAMLError as err:
            tabs = "\t" in path.read_text()
            raise InputError(f"is not valid YAML ({err})"
                             + ("; indent with spaces, not tabs" if tabs else ""),
                             path=path) from None
        if isinstance(doc, list):
            doc = {"factors": doc}
        if isinstance(doc, dict):
            from ..io.tables import _did_you_mean

            allowed = ["factors", "constraints"]
            for key in doc:
                if key not in allowed:
                    raise InputError(f"unknown top-level key '{key}'"
                                     f"{_did_you_mean(str(key), allowed)}; the keys are: "
                                     "factors, constraints", path=path)
        if isinstance(doc, dict) and isinstance(doc.get("factors"), dict):
            doc = {**doc, "factors": _specs_from_mapping(doc["factors"], path)}
        if not isinstance(doc, dict) or not isinstance(doc.get("factors"), list) or not doc["factors"]:
            raise InputError("expected a list under 'factors:' (one entry per factor with a "
                             "name and low/high, levels or value) or a mapping "
                             "'factors: {NaCl: {low: 5, high: 500}}'", path=path)
        factors = [_factor_from_spec(spec, path=path, index=i) for i, spec in enumerate(doc["factors"])]
        names = [f.name for f in factors]
        _refuse_repeats(names, range(1, len(names) + 1), "as entries {} and {} under "
                        "'factors:'", path)
        try:
            texts = doc.get("constraints") or []
            if isinstance(texts, str):  # one constraint written as a single string
                texts = [texts]
            if not isinstance(texts, (list, tuple)):
                raise InputError(f"'constraints:' must be a list of constraints such as "
                                 f"['a + b <= 10'] (or one as a string), got {texts!r}")
            constraints = [parse_constraint(str(t), names) for t in texts]
            return cls(factors, constraints)
        except InputError as err:
            raise InputError(err.message, path=path) from None

    # -------------------------------------------------------------- properties
    def __getitem__(self, name: str) -> Factor:
        for f in self.factors:
            if f.name == name:
                return f
        raise InputError(f"unknown factor '{name}'; the factors are: {', '.join(self.names)}")

    def __len__(self) -> int:
        return len(self.factors)

    @property
    def names(self) -> list:
        """Every factor name, in declaration order."""
        return [f.name for f in self.factors]

    @property
    def varied(self) -> list:
        """The factors that a design or a model varies (continuous and categorical)."""
        return [f for f in self.factors if f.kind != "fixed"]

    @property
    def feature_names(self) -> list:
        """Names of the model features: one per continuous factor, one per categorical level."""
        out = []
        for f in self.varied:
            out.extend([f.name] if f.kind == "continuous" else [f"{f.name}={lv}" for lv in f.levels])
        return out

    def with_constraints(self, texts) -> "Factors":
        """A copy with extra linear constraints given as text (``"a + b <= 10"``)."""
        extra = [parse_constraint(t, self.names) for t in texts]
        return Factors(list(self.factors), list(self.constraints) + extra)

    def rounded(self, df: pd.DataFrame, digits: int = 6, exact: dict | None = None) -> pd.DataFrame:
        """A copy of a table of conditions with continuous values rounded for reading.

        An integer factor's value is rounded to the nearest whole number. Each other
        continuous value is rounded to ``digits`` significant digits (``0.029000000285``
        -> ``0.029``), and a value within ``10**-digits`` of the range from a bound is that
        bound (``2.1e-10`` on ``0..30`` -> ``0``); where rounding would leave the factor's
        bounds it is rounded toward the inside instead (bound ``0.0029999999999999996``:
        ``0.00299999``), so a rounded value never leaves ``low..high``. A row whose rounded
        values would break a linear constraint keeps more digits (8, 10, 12, then the values
        as given); its integer factors take, of the whole numbers just below and above each
        value, the combination nearest the row that meets the constraints (where none does,
        the values as given).

        Parameters
        ----------
        df : pandas.DataFrame
            ``(N, n_factors)`` conditions, as :meth:`from_unit` returns them.
        digits : int
            Significant digits.
        exact : dict, optional
            ``{factor: value}`` written as given, unrounded (values the user fixed).

        Returns
        -------
        pandas.DataFrame
            Same shape and columns as ``df``; an integer factor whose values all came out
            whole is an integer column.
        """
        cont = [f for f in self.factors if f.kind == "continuous" and f.name in df.columns]
        out = df.copy()
        if not cont or not len(df):
            return out
        raw = {f.name: df[f.name].to_numpy(dtype=np.float64) for f in cont}
        done = np.zeros(len(df), dtype=bool)
        whole = [f for f in cont if f.integer and f.name not in (exact or {})]

        def meets(trial):
            for name, value in (exact or {}).items():
                if name in trial.columns and self[name].kind == "continuous":
                    trial[name] = float(value)
            return np.all([c.satisfied(trial, tol=0.0) for c in self.constraints], axis=0) \
                if self.constraints else np.ones(len(df), dtype=bool)

        def take(trial, rows):
            for f in cont:
                column = np.array(out[f.name], dtype=np.float64)
                column[rows] = trial[f.name].to_numpy()[rows]
                out[f.name] = column

        for d in (digits, digits + 2, digits + 4, digits + 6):
            trial = df.copy()
            for f in cont:
                trial[f.name] = (np.clip(np.rint(raw[f.name]), f.low, f.high) if f.integer else
                                 [_round_within(v, d, f.low, f.high) for v in raw[f.name]])
            ok = meets(trial)
            take(trial, ok & ~done)
            done |= ok
            if done.all():
                break
        if whole and not done.all():  # the whole numbers on either side, nearest first
            best = np.full(len(df), np.inf)
            for sides in itertools.product((np.floor, np.ceil), repeat=len(whole)):
                trial = df.copy()
                for f, side in zip(whole, sides):
                    trial[f.name] = np.clip(side(raw[f.name]), f.low, f.high)
                moved = sum(np.abs(f.to_unit(trial[f.name]) - f.to_unit(raw[f.name]))
                            for f in whole)
                better = meets(trial) & ~done & (moved < best)
                take(trial, better)
                best[better] = moved[better]
        for name, value in (exact or {}).items():
            if name in out.columns and self[name].kind == "continuous":
                out[name] = float(value)
        for f in cont:  # whole numbers read as 6, not 6.0, in a table or a CSV file
            values = np.asarray(out[f.name], dtype=np.float64)
            if f.integer and np.isfinite(values).all() and (values == np.rint(values)).all():
                out[f.name] = values.astype(np.int64)
        return out

    def category_combinations(self) -> list:
        """Every combination of categorical levels, as dicts name -> level."""
        cats = [f for f in self.varied if f.kind == "categorical"]
        return [dict(zip([f.name for f in cats], combo))
                for combo in itertools.product(*[f.levels for f in cats])]

    # ---------------------------------------------------------------- encoding
    def check_table(self, df: pd.DataFrame, path=None, within_bounds: bool = True,
                    name: str = "X") -> pd.DataFrame:
        """Check that ``df`` has every varied factor with values inside bounds or levels.

        Extra columns are ignored. Fixed factors are filled in with their value.
        ``within_bounds=False`` lets continuous values lie outside the bounds (to
        extrapolate with a model whose bounds were only inferred from its training runs).
        ``name`` is what a missing column's message calls a table read from no file
        (``"X has no column 'ZnSO4'"``); a file's is named by its path.

        Returns
        -------
        pandas.DataFrame
            ``(N, n_factors)`` the factor columns, numeric where continuous.

        Raises
        ------
        InputError
            Naming the file, the spreadsheet row and the column of the first bad cell.
        """
        from ..io import require_columns
        from ..io.tables import _did_you_mean

        path = path if path is not None else df.attrs.get("path")
        names = [f.name for f in self.varied]
        missing = [n for n in names if n not in df.columns]
        if missing and path is None:
            # a column that is itself a factor is no misspelling of another ('MnSO4' is
            # not 'ZnSO4'): the suggestion looks among the other columns only
            others = [c for c in df.columns if c not in names]
            raise InputError(
                f"{name} has no column '{missing[0]}', a factor of the model; its columns "
                f"are: {', '.join(map(str, df.columns))}" + _did_you_mean(missing[0], others))
        require_columns(df, names, path=path)
        out = pd.DataFrame(index=df.index)
        for f in self.factors:
            if f.kind == "continuous":
                values = numeric_cells(df, f.name, path)
                span = f.high - f.low
                bad = np.flatnonzero((values < f.low - 1e-9 * span) | (values > f.high + 1e-9 * span))
                if not within_bounds:
                    out[f.name] = values
                    continue
                if bad.size:
                    i = int(bad[0])
                    raise cell_error(f"the value {values[i]:g} is outside the bounds "
                                     f"[{f.low:g}, {f.high:g}] of factor '{f.name}'", df, i,
                                     f.name, path)
                out[f.name] = np.clip(values, f.low, f.high)
            elif f.kind == "categorical":
                raw = df[f.name]
                codes, distinct = pd.factorize(raw)  # a blank cell: code -1
                found = [f.level_of(v) for v in distinct]
                matched = [found[c] if c >= 0 else None for c in codes]
                bad = [i for i, v in enumerate(matched) if v is None]
                if bad:
                    from ..io.tables import not_a_number

                    i = bad[0]
                    allowed = ", ".join(str(lv) for lv in f.levels)
                    text = "" if codes[i] < 0 else str(raw.iloc[i]).strip()
                    raise cell_error(f"{not_a_number(text, blank=True)}; every run needs a level "
                                     f"of factor '{f.name}' (levels: {allowed})" if not text else
                                     f"'{text}' is not a level of factor '{f.name}' (levels: "
                                     f"{allowed})", df, i, f.name, path)
                out[f.name] = matched
            else:
                if f.name in df.columns:
                    _check_fixed_column(f, df, path)
                out[f.name] = f.value
        return out

    def to_unit(self, df: pd.DataFrame) -> np.ndarray:
        """Encode a checked table as model features.

        Returns
        -------
        numpy.ndarray
            ``(N, len(feature_names))``: continuous factors in [0, 1], categoricals one-hot.
        """
        cols = []
        for f in self.varied:
            if f.kind == "continuous":
                cols.append(f.to_unit(df[f.name].to_numpy(dtype=np.float64))[:, None])
            else:
                values = df[f.name].astype(str).to_numpy()
                cols.append(np.stack([values == str(lv) for lv in f.levels], axis=1).astype(np.float64))
        return np.concatenate(cols, axis=1) if cols else np.zeros((len(df), 0))

    def from_unit(self, u: np.ndarray) -> pd.DataFrame:
        """Decode model features ``(N, len(feature_names))`` into a table of conditions.

        Categoricals take the level with the largest one-hot entry; fixed factors their value.
        """
        u = np.atleast_2d(np.asarray(u, dtype=np.float64))
        if u.shape[1] != len(self.feature_names):
            raise InputError(f"expected {len(self.feature_names)} feature columns, got {u.shape[1]}")
        data, j = {}, 0
        for f in self.factors:
            if f.kind == "continuous":
                data[f.name] = f.from_unit(u[:, j])
                j += 1
            elif f.kind == "categorical":
                k = len(f.levels)
                data[f.name] = [f.levels[i] for i in np.argmax(u[:, j:j + k], axis=1)]
                j += k
            else:
                data[f.name] = [f.value] * len(u)
        return pd.DataFrame(data)

    def unit_constraints(self):
        """Linear constraints in feature space for BoTorch: ``(indices, coefficients, rhs)``
        with ``sum(coefficients * u[indices]) >= rhs``."""
        feats = self.feature_names
        out = []
        for c in self.constraints:
            idx, coef, rhs = [], [], c.rhs
            for name, a in c.coefficients.items():
                f = self[name]
                idx.append(feats.index(name))
                coef.append(a * (f.high - f.low))
                rhs -= a * f.low
            sign = -1.0 if c.sense == "<=" else 1.0
            out.append((idx, [sign * v for v in coef], sign * rhs))
        return out


def _round_within(value: float, digits: int, low: float, high: float) -> float:
    """``value`` rounded to ``digits`` significant digits, to the nearest or, where that
    leaves ``low..high``, toward the inside; ``value`` itself when no rounding fits.

    A value within ``10**-digits`` of the range from a bound is taken as that bound first:
    an optimiser's ``2.1e-10`` on ``0..30`` is ``0``, its ``29.9999999997`` is ``30``."""
    from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

    value = float(value)
    near = (high - low) * 10.0 ** -digits
    for bound in (low, high):
        if np.isfinite(value) and abs(value - bound) <= near:
            value = float(bound)
    if not np.isfinite(value) or value == 0.0:
        return value
    exact = Decimal(repr(value))
    quantum = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    for mode in (ROUND_HALF_EVEN, ROUND_FLOOR, ROUND_CEILING):
        candidate = float(exact.quantize(quantum, rounding=mode))
        if low <= candidate <= high:
            return candidate
    return min(max(value, low), high)


def _factor_from_spec(spec, path=None, index=None, row=None) -> Factor:
    """One YAML/CSV entry -> Factor, with errors naming the entry.

    The kind is the explicit ``type`` (or ``kind``) when given; otherwise it follows from
    the keys: ``levels`` -> categorical, ``value`` -> fixed, ``low``/``high`` (or
    ``min``/``max``, ``bounds``) -> continuous. An explicit type that contradicts the keys
    is an error.
    """
    where = f"factor {index + 1}" if index is not None else "factor"

    def fail(msg):
        label = spec.get("name", where) if isinstance(spec, dict) else where
        raise InputError(f"factor '{label}': {msg}", path=path, row=row)

    if not isinstance(spec, dict) or "name" not in spec:
        fail("each factor needs at least a 'name' and one of low/high, levels or value")
    if spec["name"] is None or not str(spec["name"]).strip():
        raise InputError(f"{where}: its 'name' is empty; give the column of the runs it sets",
                         path=path, row=row)
    known = {"name", "type", "kind", "low", "high", "min", "max", "bounds", "levels", "value", "log", "integer", "scale", "unit", "units"}
    unknown = set(spec) - known
    if unknown:
        numbers = [k for k in unknown if isinstance(k, (int, float)) and not isinstance(k, bool)]
        if numbers:  # {low: 6,7, high: 7,3} reads as low: 6, 7: null, high: 7, 3: null
            meant, previous = [], None
            for key, value in spec.items():
                if key in numbers and previous is not None and value is None:
                    meant.append(f"{previous[0]}: {previous[1]}.{key}")
                previous = (key, value) if isinstance(value, int) and key not in numbers \
                    and not isinstance(value, bool) else None
            fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}: numbers written "
                 "with a decimal comma? Inside {...} YAML reads 'low: 6,7' as low 6 and a "
                 "further key 7; write numbers with a decimal point"
                 + (f" ({', '.join(meant)})" if meant else " (low: 6.7)"))
        whole = [k for k in unknown if str(k).lower() in ("int", "discrete", "step", "whole")]
        fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; allowed: name, type, low, "
             "high, levels, value, log, integer" + (
                 "; for a whole-number factor write integer: true (with whole-number low and "
                 "high)" if whole else ""))
    keys_of = {"continuous": [k for k in ("low", "high", "min", "max", "bounds") if k in spec],
               "categorical": [k for k in ("levels",) if k in spec],
               "fixed": [k for k in ("value",) if k in spec]}
    implied = [k for k, keys in keys_of.items() if keys]
    if "type" in spec or "kind" in spec:
        kind = str(spec.get("type", spec.get("kind"))).lower()
        if kind not in KINDS:
            fail(f"type '{kind}' is not one of {', '.join(KINDS)}")
        clash = [k for k in implied if k != kind]
        if clash:
            fail(f"type '{kind}' does not go with '{keys_of[clash[0]][0]}' "
                 f"(that key belongs to a {clash[0]} factor)")
    elif len(implied) > 1:
        fail(f"has both '{keys_of[implied[0]][0]}' and '{keys_of[implied[1]][0]}'; give "
             "low/high (continuous), levels (categorical) or value (fixed), not several")
    elif implied:
        kind = implied[0]
    else:
        fail("needs 'low' and 'high' (continuous), 'levels' (categorical) or 'value' (fixed)")
    name = str(spec["name"]).strip()  # table headers are read stripped: "temperature " is "temperature"
    if kind != "continuous" and _yes_no(spec.get("integer", False), fail, "integer"):
        fail("only a continuous factor (low, high) can be integer; levels are taken as given")
    if kind == "continuous":
        low = spec.get("low", spec.get("min"))
        high = spec.get("high", spec.get("max"))
        if "bounds" in spec:
            if not isinstance(spec["bounds"], (list, tuple)) or len(spec["bounds"]) != 2:
                fail("'bounds' must be a list of two numbers [low, high]")
            low, high = spec["bounds"]
        try:
            low, high = float(low), float(high)
        except (TypeError, ValueError):
            fail("a continuous factor needs numeric 'low' and 'high'" + decimal_comma_hint(low, high))
        if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
            fail(f"low ({low:g}) must be smaller than high ({high:g})")
        log = _yes_no(spec.get("log", False), fail, "log") \
            or str(spec.get("scale", "")).lower() == "log"
        if log and low <= 0:
            fail(f"a log-scale factor needs low > 0, got {low:g}")
        integer = _yes_no(spec.get("integer", False), fail, "integer")
        if integer and not (low.is_integer() and high.is_integer()):
            fail(f"an integer factor needs whole-number bounds, got low {low:g} and high {high:g}")
        return Factor(name, "continuous", low, high, log=log, integer=integer)
    if kind == "categorical":
        levels = spec.get("levels")
        if not isinstance(levels, (list, tuple)) or len(levels) < 2:
            fail("a categorical factor needs a list of at least two 'levels'")
        if len(set(map(_level_key, levels))) != len(levels):
            fail("its levels repeat")
        return Factor(name, "categorical", levels=tuple(levels))
    if "value" not in spec:
        fail("a fixed factor needs a 'value'")
    return Factor(name, "fixed", value=spec["value"])


#: the columns of a bounds table (``Unit``/``Units``: for the reader, not used)
BOUNDS_COLUMNS = ("Variable", "Min", "Max", "Scale", "Unit", "Units")


def _check_bounds_columns(df: pd.DataFrame, path=None) -> None:
    """Refuse a bounds-table column that is not one of :data:`BOUNDS_COLUMNS` (an empty
    column left by a trailing separator is fine), naming the accepted ones."""
    from ..io.tables import _did_you_mean

    for col in df.columns:
        name = str(col).strip()
        if name in BOUNDS_COLUMNS or (name.startswith("Unnamed:") and df[col].isna().all()):
            continue
        hint = _did_you_mean(name, BOUNDS_COLUMNS)
        if not hint and "log" in name.lower():
            hint = ("; for a log-scale factor write log in a column Scale (e.g. "
                    "'Variable,Min,Max,Scale' and 'inducer,0.01,1,log'), linear or blank for "
                    "the others")
        raise InputError(f"has a column '{name}' that a bounds table does not use{hint}; its "
                         "columns are Variable, Min, Max and optionally Scale (linear or log) "
                         "and Unit", path=path)


def _refuse_levels_in_bounds(df: pd.DataFrame, names, path=None) -> None:
    """Refuse a bounds-table row whose Min and Max are both text that is not a number
    (``medium,A,B``: levels of a categorical factor), saying how to declare it."""
    from ..io.tables import _file_row, numbers_as_written

    def text_cells(column):
        raw = df[column]
        filled = raw.notna() & raw.astype(str).str.strip().ne("")
        numbers = pd.to_numeric(numbers_as_written(df, column), errors="coerce").notna()
        return (filled & ~numbers).to_numpy(dtype=bool)

    levels = np.flatnonzero(text_cells("Min") & text_cells("Max"))
    if levels.size:
        i = int(levels[0])
        a, b = (str(df[c].iloc[i]).strip() for c in ("Min", "Max"))
        raise InputError(f"factor '{names[i]}' has the levels {a} and {b}, not numeric bounds: "
                         "a bounds table declares continuous factors only; declare the factors "
                         "in a YAML file instead, this one as '- {name: "
                         f"{names[i]}, levels: [{a}, {b}]}}' under 'factors:' (continuous ones "
                         "as '- {name: temperature, low: 30, high: 37}')", path=path,
                         row=None if path is None else _file_row(df, i))


def _refuse_repeats(names, numbers, where: str, path=None) -> None:
    """Refuse a factor name declared twice, saying where both declarations are:
    ``numbers[i]`` is the row or entry number of ``names[i]``, ``where`` a template such as
    ``"in rows {} and {}"``."""
    numbers, first = list(numbers), {}
    for i, name in enumerate(names):
        if name in first:
            raise InputError(f"factor '{name}' is declared twice, "
                             + where.format(numbers[first[name]], numbers[i])
                             + "; declare each factor once", path=path)
        first[name] = i


def _check_fixed_column(f: Factor, df: pd.DataFrame, path) -> None:
    """A fixed factor's column in the runs must hold its value (blank cells allowed)."""
    from ..io.tables import _file_row

    raw = df[f.name]
    blank = (raw.isna() | raw.astype(str).str.strip().eq("")).to_numpy()
    try:
        target = float(f.value)
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
        same = np.isclose(values, target, rtol=1e-9, atol=0.0)
    except (TypeError, ValueError):
        same = (raw.astype(str).str.strip() == str(f.value).strip()).to_numpy()
    bad = np.flatnonzero(~same & ~blank)
    if not bad.size:
        return
    if path is not None:
        rows = [_file_row(df, int(i)) + 1 for i in bad]
    else:  # a table given in Python: its index labels
        rows = [repr(v) if isinstance(v, str) else str(v) for v in df.index[bad]]
    shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
    others = ", ".join(dict.fromkeys(str(v) for v in raw.iloc[bad][:5]))
    where = f"file {path}: " if path is not None else ""
    rows_are = ("row" if path is not None else "the row with index") if len(rows) == 1 else (
        "rows" if path is not None else "the rows with index")
    raise InputError(f"{where}factor '{f.name}' is declared fixed at {f.value} but its column "
                     f"holds {others} in {rows_are} {shown}; "
                     + ("it is not fixed in these runs: declare it with low/high (or levels)"
                        if len(bad) > len(df) / 2 else
                        "correct those rows, or declare the factor with low/high (or levels)"))


def _yes_no(value, fail, key: str = "log") -> bool:
    """A YAML flag: true/false, yes/no, on/off, 1/0 (also quoted); anything else refused."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0", ""):
        return False
    fail(f"'{key}' must be true or false, got {value!r}")


def _specs_from_mapping(mapping: dict, path) -> list:
    """``{NaCl: {low: 5, high: 500}, ...}`` -> ``[{name: NaCl, low: 5, high: 500}, ...]``."""
    specs = []
    for name, spec in mapping.items():
        if not isinstance(spec, dict):
            raise InputError(f"factor '{name}': expected a mapping such as "
                             "{low: 5, high: 500}, {levels: [A, B]} or {value: 1.0}, "
                             f"got {spec!r}", path=path)
        if "name" in spec and str(spec["name"]).strip() != str(name).strip():
            raise InputError(f"factor '{name}': its 'name' is '{spec['name']}'; under the "
                             "mapping form the key is the name", path=path)
        specs.append({"name": name, **spec})
    return specs
