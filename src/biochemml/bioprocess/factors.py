"""Factors of a bioreactor campaign: what can be set, within which bounds, on which scale.

A :class:`Factors` object is the contract between a lab's table of runs and every model or
design: it names the factor columns, checks a table against them, and maps conditions to the
unit cube the models work in (and back).

Three kinds of factor:

``continuous``
    a number between ``low`` and ``high``; ``log: true`` spaces it on a log scale (media
    components spanning 100-fold, inducer concentrations).
``categorical``
    one of a list of ``levels`` (a medium name, a strain); encoded one-hot.
``fixed``
    held at one ``value`` in every run; not modelled, written into every design.

The YAML file looks like::

    factors:
      - {name: temperature, type: continuous, low: 25, high: 37}
      - {name: IPTG, type: continuous, low: 0.01, high: 1.0, log: true}
      - {name: medium, type: categorical, levels: [LB, TB]}
      - {name: volume, type: fixed, value: 1.0}
    constraints:
      - "feed_glucose + feed_glycerol <= 30"

A CSV of bounds with columns ``Variable,Min,Max`` (and optionally ``Scale`` = linear/log)
declares continuous factors only.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

KINDS = ("continuous", "categorical", "fixed")


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
    """

    name: str
    kind: str = "continuous"
    low: float | None = None
    high: float | None = None
    levels: tuple = ()
    value: object = None
    log: bool = False

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


@dataclass(frozen=True)
class LinearConstraint:
    """``sum(coefficients[name] * x[name]) <= rhs`` (``sense="<="``) or ``>= rhs``."""

    coefficients: dict
    sense: str
    rhs: float
    text: str = ""

    def satisfied(self, df: pd.DataFrame, tol: float = 1e-6) -> np.ndarray:
        """Boolean array, one per row of ``df``: does the row meet the constraint?"""
        lhs = sum(c * df[n].to_numpy(dtype=np.float64) for n, c in self.coefficients.items())
        scale = tol * max(1.0, abs(self.rhs))
        return lhs <= self.rhs + scale if self.sense == "<=" else lhs >= self.rhs - scale


_TERM = re.compile(r"\s*([+-]?)\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*\*?\s*)?([A-Za-z_][\w().\[\]]*)\s*")


def parse_constraint(text: str, names) -> LinearConstraint:
    """Parse ``"a + 2*b - c <= 10"`` into a :class:`LinearConstraint`.

    Raises
    ------
    InputError
        Not of the form ``terms <= number`` / ``terms >= number``, or a name that is not a factor.
    """
    match = re.fullmatch(r"(.+?)(<=|>=)\s*([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*", text)
    if not match:
        raise InputError(f"constraint '{text}' is not of the form 'a + 2*b <= 10' "
                         "(a sum of factors, then <= or >=, then a number)")
    lhs, sense, rhs = match.groups()
    coefficients: dict = {}
    pos = 0
    while pos < len(lhs):
        term = _TERM.match(lhs, pos)
        if not term or term.end() == pos:
            raise InputError(f"constraint '{text}': cannot read '{lhs[pos:].strip()}'")
        sign, coef, name = term.groups()
        if name not in names:
            raise InputError(f"constraint '{text}' names an unknown factor '{name}'; "
                             f"the factors are: {', '.join(names)}")
        value = float(coef) if coef else 1.0
        coefficients[name] = coefficients.get(name, 0.0) + (-value if sign == "-" else value)
        pos = term.end()
    return LinearConstraint(coefficients, sense, float(rhs), text.strip())


@dataclass
class Factors:
    """The declared factors of a campaign, and linear constraints among them.

    Parameters
    ----------
    factors : list of Factor
    constraints : list of LinearConstraint, optional
    """

    factors: list
    constraints: list = field(default_factory=list)

    def __post_init__(self):
        seen = set()
        for f in self.factors:
            if f.name in seen:
                raise InputError(f"factor '{f.name}' is declared twice")
            seen.add(f.name)
        for c in self.constraints:
            for name in c.coefficients:
                f = self[name]
                if f.kind != "continuous":
                    raise InputError(f"constraint '{c.text}': factor '{name}' is {f.kind}; "
                                     "linear constraints apply to continuous factors")
                if f.log:
                    raise InputError(f"constraint '{c.text}': factor '{name}' is on a log "
                                     "scale; a linear constraint needs a linear factor")

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
        require_columns(df, ["Variable", "Min", "Max"], path=path)
        return cls.from_bounds(df, path=path)

    @classmethod
    def from_bounds(cls, df: pd.DataFrame, log=(), path=None) -> "Factors":
        """Continuous factors from a table with ``Variable, Min, Max`` (optional ``Scale``).

        ``log`` names factors to put on a log scale in addition to those with ``Scale=log``.
        """
        from ..io import numeric_column

        lows, highs = numeric_column(df, "Min"), numeric_column(df, "Max")
        factors = []
        for i, name in enumerate(df["Variable"].astype(str)):
            scale = str(df["Scale"].iloc[i]).strip().lower() if "Scale" in df.columns else "linear"
            if scale not in ("linear", "log", "nan"):
                raise InputError(f"scale '{scale}' is not 'linear' or 'log'", path=path,
                                 row=i + df.attrs.get("first_row", 1) - 1, column="Scale")
            spec = {"name": name, "type": "continuous", "low": lows[i], "high": highs[i],
                    "log": scale == "log" or name in log}
            factors.append(_factor_from_spec(spec, path=path, row=i + df.attrs.get("first_row", 1) - 1))
        return cls(factors)

    @classmethod
    def _from_yaml(cls, path: Path) -> "Factors":
        import yaml

        if not path.exists():
            raise InputError("the file does not exist", path=path)
        try:
            doc = yaml.safe_load(path.read_text())
        except yaml.YAMLError as err:
            raise InputError(f"is not valid YAML ({err})", path=path) from None
        if isinstance(doc, list):
            doc = {"factors": doc}
        if not isinstance(doc, dict) or not isinstance(doc.get("factors"), list) or not doc["factors"]:
            raise InputError("expected a list under 'factors:' (one entry per factor with "
                             "name, type and low/high, levels or value)", path=path)
        factors = [_factor_from_spec(spec, path=path, index=i) for i, spec in enumerate(doc["factors"])]
        names = [f.name for f in factors]
        try:
            constraints = [parse_constraint(str(t), names) for t in doc.get("constraints") or []]
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

    def category_combinations(self) -> list:
        """Every combination of categorical levels, as dicts name -> level."""
        cats = [f for f in self.varied if f.kind == "categorical"]
        return [dict(zip([f.name for f in cats], combo))
                for combo in itertools.product(*[f.levels for f in cats])]

    # ---------------------------------------------------------------- encoding
    def check_table(self, df: pd.DataFrame, path=None, within_bounds: bool = True) -> pd.DataFrame:
        """Check that ``df`` has every varied factor with values inside bounds or levels.

        Extra columns are ignored. Fixed factors are filled in with their value.
        ``within_bounds=False`` lets continuous values lie outside the bounds (to
        extrapolate with a model whose bounds were only inferred from its training runs).

        Returns
        -------
        pandas.DataFrame
            ``(N, n_factors)`` the factor columns, numeric where continuous.

        Raises
        ------
        InputError
            Naming the file, the spreadsheet row and the column of the first bad cell.
        """
        from ..io import numeric_column, require_columns
        from ..io.tables import _file_row

        path = path if path is not None else df.attrs.get("path")
        require_columns(df, [f.name for f in self.varied], path=path)
        out = pd.DataFrame(index=df.index)
        for f in self.factors:
            if f.kind == "continuous":
                values = numeric_column(df, f.name)
                span = f.high - f.low
                bad = np.flatnonzero((values < f.low - 1e-9 * span) | (values > f.high + 1e-9 * span))
                if not within_bounds:
                    out[f.name] = values
                    continue
                if bad.size:
                    i = int(bad[0])
                    raise InputError(f"the value {values[i]:g} is outside the bounds "
                                     f"[{f.low:g}, {f.high:g}] of factor '{f.name}'", path=path,
                                     row=_file_row(df, i), column=f.name)
                out[f.name] = np.clip(values, f.low, f.high)
            elif f.kind == "categorical":
                values = df[f.name].astype(str).str.strip()
                allowed = [str(lv) for lv in f.levels]
                bad = np.flatnonzero(~values.isin(allowed).to_numpy())
                if bad.size:
                    i = int(bad[0])
                    raise InputError(f"'{values.iloc[i]}' is not a level of factor '{f.name}' "
                                     f"(levels: {', '.join(allowed)})", path=path,
                                     row=_file_row(df, i), column=f.name)
                out[f.name] = [f.levels[allowed.index(v)] for v in values]
            else:
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


def _factor_from_spec(spec, path=None, index=None, row=None) -> Factor:
    """One YAML/CSV entry -> Factor, with errors naming the entry."""
    where = f"factor {index + 1}" if index is not None else "factor"

    def fail(msg):
        label = spec.get("name", where) if isinstance(spec, dict) else where
        raise InputError(f"factor '{label}': {msg}", path=path, row=row)

    if not isinstance(spec, dict) or "name" not in spec:
        fail("each factor needs at least a 'name' and a 'type'")
    known = {"name", "type", "kind", "low", "high", "min", "max", "bounds", "levels", "value", "log", "scale", "unit", "units"}
    unknown = set(spec) - known
    if unknown:
        fail(f"unknown key(s) {', '.join(sorted(unknown))}; allowed: name, type, low, high, "
             "levels, value, log")
    kind = str(spec.get("type", spec.get("kind", "continuous"))).lower()
    if kind not in KINDS:
        fail(f"type '{kind}' is not one of {', '.join(KINDS)}")
    name = str(spec["name"])
    if kind == "continuous":
        low = spec.get("low", spec.get("min"))
        high = spec.get("high", spec.get("max"))
        if "bounds" in spec:
            low, high = spec["bounds"]
        try:
            low, high = float(low), float(high)
        except (TypeError, ValueError):
            fail("a continuous factor needs numeric 'low' and 'high'")
        if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
            fail(f"low ({low:g}) must be smaller than high ({high:g})")
        log = bool(spec.get("log", False)) or str(spec.get("scale", "")).lower() == "log"
        if log and low <= 0:
            fail(f"a log-scale factor needs low > 0, got {low:g}")
        return Factor(name, "continuous", low, high, log=log)
    if kind == "categorical":
        levels = spec.get("levels")
        if not isinstance(levels, (list, tuple)) or len(levels) < 2:
            fail("a categorical factor needs a list of at least two 'levels'")
        if len(set(map(str, levels))) != len(levels):
            fail("its levels repeat")
        return Factor(name, "categorical", levels=tuple(levels))
    if "value" not in spec:
        fail("a fixed factor needs a 'value'")
    return Factor(name, "fixed", value=spec["value"])
