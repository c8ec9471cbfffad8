"""Designs of experiments for a first round of runs.

Every design is made in the unit cube of the varied factors and mapped to real units through
:class:`~biochemml.bioprocess.Factors` (log scale where declared); fixed factors are written
into every run. Space-filling designs (``lhs``, ``sobol``, ``random``) honour linear
constraints. Where whole designs drawn by the method (a Latin hypercube, a scrambled Sobol
sequence, uniform draws) often meet the constraints, as when a constraint cuts off little of
the box, many are drawn and, of those whose every run is feasible, the best spread one is
kept (largest smallest distance between runs), so an ``lhs`` design is still a Latin
hypercube. Otherwise points are drawn (by the method) until a large pool meets the
constraints (more draws as needed, for tight constraints too), then ``n`` of them are chosen
by maximin (each next run as far as possible from those chosen), so the design still fills
the feasible region evenly; an ``lhs`` design is then no longer a strict Latin hypercube
(the feasible region is not a box) and a ``sobol`` design no longer a Sobol sequence. Under
constraints the levels of categorical factors are balanced (counts differ by at most one).

Two-level fractions (``fractional``, and the corners of ``ccd`` for five factors or more)
take generators found by a search for the highest resolution and, among those, minimum
aberration (fewest shortest words in the defining relation): e.g. ``2^(7-3)`` in 16 runs is
resolution IV (no main effect aliased with another main effect or a two-factor interaction)
and a ``ccd`` uses the smallest fraction of resolution V or more, so a full quadratic model
can be estimated.
"""
from __future__ import annotations

import functools
import itertools
import warnings

import numpy as np
import pandas as pd

from ..errors import CampaignWarning, InputError
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
        linear constraints, the best spread of many Latin hypercubes that meet them, or
        where none does a maximin choice from a feasible pool, see the module notes).
        ``sobol``: scrambled Sobol sequence. ``random``: uniform draws.
        ``factorial``: full factorial with ``levels`` levels per continuous factor, crossed
        with every categorical level. ``fractional``: two-level fractional factorial
        ``2^(k-p)`` with ``n = 2^(k-p)`` runs, of the highest resolution (then minimum
        aberration) that ``n`` allows. ``ccd``: face-centred central composite (full
        factorial corners up to four factors, from five the smallest fraction of resolution
        V or more, plus axial points on the faces and ``center`` centre points), so every
        run is inside the bounds and a full quadratic model can be fitted.
        ``factorial``, ``fractional`` and ``ccd`` keep every run of their grid, also those
        that break a linear constraint (their number is in ``attrs["breaking"]``, and
        ``attrs["breaks"]`` holds one boolean per run, True where it breaks one).
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
    linear constraint and ``attrs["breaks"]`` marks them, one boolean per run (the command
    line writes it as the column ``breaks_constraint``)."""
    if factors.constraints:
        ok = np.all([c.satisfied(table) for c in factors.constraints], axis=0)
        table.attrs["breaking"] = int((~ok).sum())
        table.attrs["breaks"] = [bool(v) for v in ~ok]
        if not ok.all():
            warnings.warn(f"{int((~ok).sum())} of the {len(table)} runs break the constraints "
                          "(grid designs keep every run; attrs['breaks'] marks them): drop "
                          "them before running the design, or use lhs, sobol or random, which "
                          "honour the constraints", CampaignWarning, stacklevel=3)
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
        corners = fractional_factorial(k, _ccd_fraction_size(k))
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
    product of a set of base columns (its generator). The generators are chosen for the
    highest resolution ``n`` allows and, among those, minimum aberration (fewest words of
    the shortest length in the defining relation), by a deterministic branch-and-bound
    search (exhaustive for small designs, bounded for large ones): e.g. 16 runs give
    resolution V for 5 factors and IV for 6 to 8 (main effects not aliased with each other
    or with two-factor interactions), 32 runs IV for 7 to 16 factors, 64 runs V for 8
    factors. Every column is balanced (as many -1 as +1) and every pair of columns is
    orthogonal.

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` of -1.0/+1.0.

    Examples
    --------
    >>> x = fractional_factorial(3, 4)  # 2^(3-1): C = AB
    >>> bool((x[:, 2] == x[:, 0] * x[:, 1]).all())
    True
    """
    m = int(round(np.log2(n))) if n > 0 else -1
    if n < 2 or 2 ** m != n:
        raise InputError(f"a fractional factorial needs n = a power of two, got {n}")
    if n >= 2 ** k:
        if n > 2 ** k:
            raise InputError(f"{n} runs exceed the full factorial of {k} factors ({2 ** k} runs)")
        return full_signs(k)
    if k - m > 2 ** m - 1 - m:
        raise InputError(f"{k} factors do not fit in {n} runs; use at least "
                         f"{2 ** int(np.ceil(np.log2(k + 1)))} runs")
    base = full_signs(m)
    generators, _ = _fraction_generators(k, m)
    extra = [np.prod(base[:, [i for i in range(m) if g >> i & 1]], axis=1) for g in generators]
    return np.column_stack([base] + extra)


#: what a two-level fraction of each resolution cannot tell apart
_ALIASED = {3: "each main effect is confounded with two-factor interactions",
            4: "main effects are clear of two-factor interactions, but two-factor "
               "interactions are confounded with each other",
            5: "main effects and two-factor interactions are clear of each other"}


def fraction_note(names, n: int) -> str:
    """What a ``2^(k-p)`` fractional factorial of ``n`` runs over the factors ``names``
    confounds: its resolution, its generators (``C = A·B``) and what they alias; ``""``
    for a full factorial."""
    k, m = len(names), int(round(np.log2(n)))
    if n >= 2 ** k:
        return ""
    generators, wlp = _fraction_generators(k, m)
    rules = [f"{names[m + j]} = " + "·".join(names[i] for i in range(m) if g >> i & 1)
             for j, g in enumerate(generators)]
    resolution = _resolution(wlp)
    roman = {3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX",
             10: "X"}.get(resolution, str(resolution))
    return (f"a 2^({k}-{k - m}) fraction of resolution {roman}: "
            f"{_ALIASED.get(resolution, _ALIASED[5])}. Its {'generator is' if len(rules) == 1 else 'generators are'} "
            + "; ".join(rules) + " (each such column is set to the product of the others' "
            "-1/+1 levels, so its effect cannot be told from theirs). More runs give a higher "
            "resolution")


# Most factors a resolution-V two-level fraction of 2**m runs can hold (the longest binary
# linear codes of minimum distance 5 with m check bits): 16 runs 5, 32 runs 6, 64 runs 8,
# 128 runs 11, 256 runs 17, 512 runs 23, 1024 runs 33.
_MAX_FACTORS_RES_V = {4: 5, 5: 6, 6: 8, 7: 11, 8: 17, 9: 23, 10: 33}


def _ccd_fraction_size(k: int) -> int:
    """Smallest power-of-two run count whose fraction keeps main effects and two-factor
    interactions apart (resolution V or more) for ``k`` factors; the full factorial
    ``2**k`` up to four factors (no fraction of those is of resolution V)."""
    m = 4
    while m < k:
        fits = k <= _MAX_FACTORS_RES_V[m] if m in _MAX_FACTORS_RES_V else \
            2 ** m >= 1 + k + k * (k - 1) // 2
        if fits and _resolution(_fraction_generators(k, m)[1]) >= 5:
            return 2 ** m
        m += 1
    return 2 ** k


def _resolution(wlp) -> int:
    """Length of the shortest word of a word-length pattern (``wlp[L]`` words of length L)."""
    return next((length for length, count in enumerate(wlp) if count), len(wlp))


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)
_SEARCH_NODES = 20_000  # nodes per phase of the generator search (about 1-2 s at most)


def _popcount(x, bits: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.int64)
    out = np.zeros(x.shape, dtype=np.int64)
    for shift in range(0, bits, 8):
        out += _BYTE_BITS[(x >> shift) & 255]
    return out


def _lex_less(rows: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Rows of ``rows`` lexicographically smaller than ``ref``."""
    diff = rows != ref
    first = np.argmax(diff, axis=1)
    return diff.any(axis=1) & (rows[np.arange(len(rows)), first] < ref[first])


@functools.lru_cache(maxsize=None)
def _fraction_generators(k: int, m: int) -> tuple:
    """Generators of a ``2^(k-m)`` design in ``2**m`` runs: ``(masks, wlp)``, each mask the
    set of base factors (bit i = factor i) whose product is an added factor, ``wlp[L]`` the
    number of words of length ``L`` in the defining relation."""
    search = _GeneratorSearch(k, m, _SEARCH_NODES)
    return search.run()


class _GeneratorSearch:
    """Branch and bound over sets of ``k - m`` generators (interactions of at least two of
    the ``m`` base factors), minimising the word-length pattern lexicographically, which
    maximises the resolution first and then minimises aberration.

    A design is its ``k`` columns as vectors of GF(2)^m (the base factors are the unit
    vectors); ``counts[j, v]`` is the number of sets of ``j`` columns whose product is ``v``,
    so adding generator ``g`` creates ``counts[L - 1, g]`` words of length ``L``. Generators
    are taken in a fixed order (more factors first), as increasing index sets, the first one
    on the lowest base factors (any design can be relabelled so). The resolution is first
    raised step by step with a feasibility search (children ordered by how many later
    candidates stay free of short words), then aberration is minimised from that design.
    The search stops after ``budget`` nodes per phase; it is deterministic.
    """

    def __init__(self, k: int, m: int, budget: int):
        self.k, self.m, self.p, self.budget = k, m, k - m, budget
        masks = sorted((c for c in range(1, 1 << m) if bin(c).count("1") >= 2),
                       key=lambda c: (-bin(c).count("1"), c))
        self.cand = np.array(masks, dtype=np.int64)
        weight = _popcount(self.cand, m)
        self.first_ok = self.cand == (1 << weight) - 1
        self.vectors = np.arange(1 << m, dtype=np.int64)
        bits = _popcount(self.vectors, m)
        self.counts0 = (bits[None, :] == np.arange(k + 1)[:, None]).astype(np.int64)
        self.best, self.best_wlp, self.nodes = None, None, 0

    def _children(self, chosen, counts, wlp, res):
        start = chosen[-1] + 1 if chosen else 0
        idx = np.arange(start, len(self.cand) - (self.p - len(chosen)) + 1)
        if not chosen:
            idx = idx[self.first_ok[idx]]
        new = np.repeat(wlp[None, :], len(idx), axis=0)
        new[:, 1:] += counts[:-1, self.cand[idx]].T
        ok = ~new[:, :res].any(axis=1)
        if self.best_wlp is not None:
            ok &= _lex_less(new, self.best_wlp)
        idx, new = idx[ok], new[ok]
        ahead = np.zeros(len(idx), dtype=np.int64)
        need = self.p - len(chosen) - 1
        if need and len(idx):
            # later candidates that would still make no word shorter than res
            free = np.nonzero(~counts[:res - 1].any(axis=0)[self.cand])[0]
            free = free[free > idx[0]]
            reach = counts[:res - 2].any(axis=0)
            ok = ~reach[self.cand[free][None, :] ^ self.cand[idx][:, None]] \
                & (free[None, :] > idx[:, None])
            ahead = ok.sum(axis=1)
            keep = ahead >= need
            idx, new, ahead = idx[keep], new[keep], ahead[keep]
        return idx, new, ahead

    def _dfs(self, chosen, counts, wlp, res, feasible) -> bool:
        if len(chosen) == self.p:
            if self.best_wlp is None or _lex_less(wlp[None], self.best_wlp)[0]:
                self.best, self.best_wlp = tuple(chosen), wlp.copy()
            return True
        if self.nodes >= self.budget:
            return False
        self.nodes += 1
        idx, new, ahead = self._children(chosen, counts, wlp, res)
        pattern = [new[:, j] for j in range(new.shape[1] - 1, -1, -1)]
        order = np.lexsort([idx] + pattern + [-ahead]) if feasible else \
            np.lexsort([idx, -ahead] + pattern)
        for o in order:
            if self.best_wlp is not None and not _lex_less(new[o][None], self.best_wlp)[0]:
                continue
            g = int(self.cand[idx[o]])
            grown = counts.copy()
            grown[1:] += counts[:-1, self.vectors ^ g]
            if self._dfs(chosen + [int(idx[o])], grown, new[o], res, feasible) and feasible:
                return True
            if self.nodes >= self.budget:
                return False
        return False

    def run(self) -> tuple:
        start = np.zeros(self.k + 1, dtype=np.int64)
        res = 3
        while res <= self.k:  # raise the resolution while a design is found
            kept = self.best, self.best_wlp
            self.best_wlp, self.nodes = None, 0
            if not self._dfs([], self.counts0, start, res, True):
                self.best, self.best_wlp = kept
                break
            res += 1
        self.nodes = 0
        self._dfs([], self.counts0, start, res - 1, False)  # then the least aberration
        return (tuple(int(self.cand[i]) for i in self.best),
                tuple(int(v) for v in self.best_wlp))


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
    """Constraints: the best spread of many whole designs that meet them
    (:func:`_feasible_whole_design`); where none does, a pool of feasible points (draws
    doubled until it holds ``20 n``, at most about two million draws) and ``n`` chosen by
    greedy maximin. Categorical levels balanced."""
    cont = [f for f in factors.varied if f.kind == "continuous"]
    cats = [f for f in factors.varied if f.kind == "categorical"]
    unit = _feasible_whole_design(factors, n, method, rng) if cont else None
    if unit is not None:
        levels = {c.name: rng.permutation(np.resize(np.arange(len(c.levels)), n)) for c in cats}
        rows = [(u, {c.name: c.levels[levels[c.name][i]] for c in cats}) for i, u in enumerate(unit)]
        return _assemble(factors, rows)
    want, size, pool, drawn = 20 * n, max(1024, 50 * n), np.zeros((0, len(cont))), 0
    while len(pool) < want and drawn < 2_000_000:
        unit = _draw(method, len(cont), size, rng)
        drawn += size
        pool = np.vstack([pool, unit[_feasible(factors, unit)]])
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


_WHOLE_DESIGNS = 1000     # whole designs drawn at most under constraints
_WHOLE_FEASIBLE = 64      # feasible ones compared for spread (drawing stops there)
_WHOLE_POINTS = 1_000_000  # bound on the points drawn for whole designs


def _feasible_whole_design(factors: Factors, n: int, method: str, rng):
    """Whole designs of ``n`` runs drawn by ``method`` in the unit cube of the continuous
    factors (batches, up to ``_WHOLE_DESIGNS`` designs) until ``_WHOLE_FEASIBLE`` of them
    meet every constraint in every run; of those, the one whose closest two runs are
    farthest apart. ``None`` when no drawn design is feasible (a tight constraint).

    Each design is a Latin hypercube (``lhs``: one run in each of ``n`` strata of every
    factor), a scrambled Sobol sequence (``sobol``) or uniform draws (``random``), so a
    constraint that cuts off little keeps the method's structure; keeping the best spread
    of several does not pull runs into the corners as a maximin pick from a pool does."""
    d = len([f for f in factors.varied if f.kind == "continuous"])
    total = max(1, min(_WHOLE_DESIGNS, _WHOLE_POINTS // max(1, n * d)))
    best, best_gap, found, tried = None, -1.0, 0, 0
    while tried < total and found < _WHOLE_FEASIBLE:
        batch = min(100, total - tried)
        if method == "lhs":  # random strata order and position within each stratum
            order = np.argsort(rng.random((batch, n, d)), axis=1)
            designs = (order + rng.random((batch, n, d))) / n
        elif method == "sobol":
            designs = np.stack([_draw("sobol", d, n, rng) for _ in range(batch)])
        else:
            designs = rng.random((batch, n, d))
        tried += batch
        ok = _feasible(factors, designs.reshape(-1, d)).reshape(batch, n).all(axis=1)
        for u in designs[ok]:
            found += 1
            gap = _smallest_gap(u)
            if gap > best_gap:
                best, best_gap = u, gap
    return best


def _smallest_gap(u: np.ndarray) -> float:
    """Smallest distance between two rows of ``u`` (infinite for one row)."""
    if len(u) < 2:
        return np.inf
    dist = ((u[:, None, :] - u[None, :, :]) ** 2).sum(axis=-1)
    return float(np.sqrt(dist[np.triu_indices(len(u), 1)].min()))


def _feasible(factors: Factors, unit: np.ndarray) -> np.ndarray:
    """Rows of ``unit`` (unit values of the continuous varied factors) that meet every
    linear constraint, in real units (constraints name continuous factors only)."""
    data, j = {}, 0
    for f in factors.factors:
        if f.kind == "continuous":
            data[f.name] = f.from_unit(unit[:, j])
            j += 1
        elif f.kind != "categorical":
            data[f.name] = np.full(len(unit), f.value)
    table = pd.DataFrame(data)
    return np.all([c.satisfied(table) for c in factors.constraints], axis=0)


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
