"""Designs of experiments for a first round of runs.

Every design is made in the unit cube of the varied factors and mapped to real units through
:class:`~biochemml.bioprocess.Factors` (log scale where declared); fixed factors are written
into every run. Space-filling designs (``lhs``, ``sobol``, ``random``) honour linear
constraints: points are drawn (by the method) until a large pool meets the constraints (more
draws as needed, for tight constraints too), then ``n`` of them are chosen by maximin (each
next run as far as possible from those chosen), so the design still fills the feasible region
evenly; the levels of categorical factors are balanced (counts differ by at most one).
Under constraints an ``lhs`` design is no longer a strict Latin hypercube (the feasible
region is not a box) and a ``sobol`` design no longer a Sobol sequence.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd

from ..errors import InputError
from .factors import Factors

METHODS = ("lhs", "sobol", "random", "factorial", "fractional", "ccd")


def design(factors: Factors, n: int | None = None, method: str = "lhs", seed: int = 0,
           levels: int = 2, center: int = 1) -> pd.DataFrame:
    """Make a design of experiments.

    Parameters
    ----------
    factors : Factors
    n : int, optional
        Number of runs for ``lhs``, ``sobol``, ``random`` and ``fractional`` (a power of two
        for ``fractional``). Ignored by ``factorial`` and ``ccd`` whose size follows from the
        factors.
    method : {"lhs", "sobol", "random", "factorial", "fractional", "ccd"}
        ``lhs``: Latin hypercube (one run in each of ``n`` strata of every factor; with
        linear constraints, a maximin choice from a feasible pool instead, see the module
        notes).
        ``sobol``: scrambled Sobol sequence. ``random``: uniform draws.
        ``factorial``: full factorial with ``levels`` levels per continuous factor, crossed
        with every categorical level. ``fractional``: two-level fractional factorial
        ``2^(k-p)`` with ``n = 2^(k-p)`` runs, extra factors aliased to the highest-order
        interactions. ``ccd``: face-centred central composite (factorial corners, or a
        resolution-V fraction for many factors, plus axial points on the faces and
        ``center`` centre points), so every run is inside the bounds.
        ``factorial``, ``fractional`` and ``ccd`` keep every run of their grid, also those
        that break a linear constraint (their number is in ``attrs["breaking"]``).
        Continuous values are rounded to 6 significant digits, within their bounds.
    seed : int
        Seed of the random designs (and of the run order of none: designs are listed in
        standard order; randomise the order at the bench).
    levels : int
        Levels per continuous factor in a full factorial (2 or more).
    center : int
        Centre points added to a central composite design.

    Returns
    -------
    pandas.DataFrame
        ``(n_runs, n_factors)`` one row per run, one column per factor.

    Examples
    --------
    >>> from biochemml.bioprocess import Factor, Factors, design
    >>> f = Factors([Factor("T", "continuous", 25, 37), Factor("pH", "continuous", 6.5, 7.5)])
    >>> design(f, method="factorial").shape
    (4, 2)
    """
    if method not in METHODS:
        raise InputError(f"unknown design method '{method}'; choose one of {', '.join(METHODS)}")
    if not factors.varied:
        raise InputError("every factor is fixed; there is nothing to design")
    if method in ("lhs", "sobol", "random", "fractional"):
        if n is None or int(n) < 1:
            raise InputError(f"method '{method}' needs the number of runs n >= 1")
        n = int(n)
    if method in ("lhs", "sobol", "random"):
        return factors.rounded(_space_filling(factors, n, method, seed))
    return _mark_infeasible(factors, factors.rounded(_grid_design(factors, n, method, levels, center)))


def _mark_infeasible(factors: Factors, table: pd.DataFrame) -> pd.DataFrame:
    """Grid designs keep every run; ``attrs["breaking"]`` counts the runs that break a
    linear constraint (the command line says so)."""
    if factors.constraints:
        ok = np.all([c.satisfied(table) for c in factors.constraints], axis=0)
        table.attrs["breaking"] = int((~ok).sum())
    return table


def _grid_design(factors: Factors, n, method: str, levels: int, center: int) -> pd.DataFrame:
    """factorial, fractional and ccd designs (before constraints are applied)."""
    cont = [f for f in factors.varied if f.kind == "continuous"]
    cats = [f for f in factors.varied if f.kind == "categorical"]
    if method == "factorial":
        if levels < 2:
            raise InputError("a factorial design needs at least 2 levels per factor")
        grid = np.linspace(0.0, 1.0, levels)
        cont_rows = list(itertools.product(grid, repeat=len(cont))) or [()]
        rows = [(np.array(c), combo) for c in cont_rows for combo in (factors.category_combinations() or [{}])]
        return _assemble(factors, rows)
    if cats:
        raise InputError(f"method '{method}' takes continuous factors only; "
                         f"'{cats[0].name}' is categorical (use 'factorial' or 'lhs')")
    k = len(cont)
    if method == "fractional":
        signs = fractional_factorial(k, n)
    else:
        if k < 2:
            raise InputError("a central composite design needs at least 2 continuous factors")
        corners = full_signs(k) if k <= 5 else fractional_factorial(k, _ccd_fraction_size(k))
        axial = np.zeros((2 * k, k))
        for i in range(k):
            axial[2 * i, i], axial[2 * i + 1, i] = -1.0, 1.0
        signs = np.vstack([corners, axial, np.zeros((max(0, int(center)), k))])
    unit = (signs + 1.0) / 2.0
    return _assemble(factors, [(u, {}) for u in unit])


def full_signs(k: int) -> np.ndarray:
    """Full two-level factorial in ``k`` factors, ``(2**k, k)`` of -1/+1, standard order."""
    return np.array(list(itertools.product([-1.0, 1.0], repeat=k)))[:, ::-1]


def fractional_factorial(k: int, n: int) -> np.ndarray:
    """Two-level fractional factorial ``2^(k-p)`` with ``n = 2^(k-p)`` runs.

    The first ``m = log2(n)`` factors form a full factorial; each further factor is the
    product of a distinct set of base columns, highest-order interactions first, which
    keeps the resolution as high as this simple construction allows. Every column is
    balanced (as many -1 as +1) and every pair of columns is orthogonal.

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` of -1.0/+1.0.
    """
    m = int(round(np.log2(n))) if n > 0 else -1
    if n < 2 or 2 ** m != n:
        raise InputError(f"a fractional factorial needs n = a power of two, got {n}")
    if n >= 2 ** k:
        if n > 2 ** k:
            raise InputError(f"{n} runs exceed the full factorial of {k} factors ({2 ** k} runs)")
        return full_signs(k)
    base = full_signs(m)
    generators = [c for size in range(m, 1, -1) for c in itertools.combinations(range(m), size)]
    if k - m > len(generators):
        raise InputError(f"{k} factors do not fit in {n} runs; use at least "
                         f"{2 ** int(np.ceil(np.log2(k + 1)))} runs")
    extra = [np.prod(base[:, list(g)], axis=1) for g in generators[:k - m]]
    return np.column_stack([base] + extra)


def _ccd_fraction_size(k: int) -> int:
    """Smallest power-of-two run count whose fraction keeps main effects and two-factor
    interactions apart (resolution V) for ``k`` factors, with this construction."""
    n = 2 ** int(np.ceil(np.log2(k + 1)))
    while True:
        m = int(np.log2(n))
        gens = [c for size in range(m, 1, -1) for c in itertools.combinations(range(m), size)]
        if k - m <= sum(1 for g in gens if len(g) >= 4) or n >= 2 ** k:
            return min(n, 2 ** k)
        n *= 2


def _space_filling(factors: Factors, n: int, method: str, seed: int) -> pd.DataFrame:
    from scipy.stats import qmc

    d = len(factors.varied)
    rng = np.random.default_rng(seed)
    if factors.constraints:
        return _constrained_space_filling(factors, n, method, rng)
    draws = n
    if method == "lhs":
        unit = qmc.LatinHypercube(d=d, seed=rng).random(draws)
    elif method == "sobol":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # balance warning for n not a power of two
            unit = qmc.Sobol(d=d, scramble=True, seed=rng).random(draws)
    else:
        unit = rng.random((draws, d))
    rows = []
    for u in unit:
        vals, combo, j = [], {}, 0
        for f in factors.varied:
            if f.kind == "continuous":
                vals.append(u[j])
            else:  # stratified over levels: u in [i/L, (i+1)/L) -> level i
                combo[f.name] = f.levels[min(int(u[j] * len(f.levels)), len(f.levels) - 1)]
            j += 1
        rows.append((np.array(vals), combo))
    return _assemble(factors, rows)


def _draw(method: str, d: int, size: int, rng) -> np.ndarray:
    from scipy.stats import qmc

    if method == "lhs":
        return qmc.LatinHypercube(d=d, seed=rng).random(size)
    if method == "sobol":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return qmc.Sobol(d=d, scramble=True, seed=rng).random(size)
    return rng.random((size, d))


def _constrained_space_filling(factors: Factors, n: int, method: str, rng) -> pd.DataFrame:
    """Constraints: a pool of feasible points (draws doubled until it holds ``20 n``, at most
    about two million draws), ``n`` chosen by greedy maximin, categorical levels balanced."""
    cont = [f for f in factors.varied if f.kind == "continuous"]
    cats = [f for f in factors.varied if f.kind == "categorical"]
    want, size, pool, drawn = 20 * n, max(1024, 50 * n), np.zeros((0, len(cont))), 0
    while len(pool) < want and drawn < 2_000_000:
        unit = _draw(method, len(cont), size, rng)
        drawn += size
        df = _assemble(factors, [(u, {c.name: c.levels[0] for c in cats}) for u in unit])
        ok = np.all([c.satisfied(df) for c in factors.constraints], axis=0)
        pool = np.vstack([pool, unit[ok]])
        size *= 2
    if len(pool) < n:
        raise InputError(f"only {len(pool)} of {drawn} random points satisfy the constraints "
                         f"{factors.constraints_text()} ({factors.bounds_text()}); the feasible "
                         f"region is too small for {n} runs: loosen a constraint")
    chosen = [int(np.argmin(((pool - pool.mean(axis=0)) ** 2).sum(axis=1)))]
    nearest = ((pool - pool[chosen[0]]) ** 2).sum(axis=1)
    while len(chosen) < n:
        nxt = int(np.argmax(nearest))
        chosen.append(nxt)
        nearest = np.minimum(nearest, ((pool - pool[nxt]) ** 2).sum(axis=1))
    levels = {c.name: rng.permutation(np.resize(np.arange(len(c.levels)), n)) for c in cats}
    rows = [(pool[j], {c.name: c.levels[levels[c.name][i]] for c in cats})
            for i, j in enumerate(chosen)]
    return _assemble(factors, rows)


def _assemble(factors: Factors, rows) -> pd.DataFrame:
    """Rows of (unit values of continuous factors, {categorical: level}) -> table."""
    data = {f.name: [] for f in factors.factors}
    for cont_u, combo in rows:
        j = 0
        for f in factors.factors:
            if f.kind == "continuous":
                data[f.name].append(float(f.from_unit(cont_u[j])))
                j += 1
            elif f.kind == "categorical":
                data[f.name].append(combo[f.name])
            else:
                data[f.name].append(f.value)
    return pd.DataFrame(data)
