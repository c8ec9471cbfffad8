"""Variant-effect regressors for one protein: an additive baseline and a structure-aware model.

Both follow the scikit-learn contract on *variant strings*: ``fit(variants, y)``
returns self, ``predict(variants)`` returns ``(N,)`` values.

* :class:`AdditiveRegressor` - ridge regression on :class:`MutationEncoder` columns
  (one weight per (position, new residue); the "independent sites" model) plus one
  column per position and per new residue, so that a mutation never seen in training
  still gets its position's and its residue's shared effect.
* :class:`StructureAwareRegressor` - gradient boosting on per-mutation descriptors
  summed over the mutations of a variant: what the substitution is (wild-type and new
  residue, BLOSUM62, hydropathy and volume change), what the training data say about
  that position and its neighbours along the sequence, and - when a structure is
  given - where the residue sits in 3-D (C-beta burial, relative solvent
  accessibility, secondary structure, contact counts) and what the training data say
  about its *spatial* neighbours (label propagation over the residue graph at 6-12 A:
  one round of message passing with fixed mean aggregation). Without a structure it
  is the sequence-only version of the same model, so the two can be compared.

Position statistics come from training labels only. While fitting, a random
``hide_fraction`` of positions have their own statistics hidden, so one model works
both for variants at positions seen in training and at positions never seen.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..alphabets import PROTEIN
from ..errors import InputError
from .features import MutationEncoder, mutation_codes

AA = PROTEIN.symbols
# Kyte-Doolittle hydropathy and residue volume (A^3, Zamyatnin 1972), alphabetical order.
HYDROPATHY = np.array([1.8, 2.5, -3.5, -3.5, 2.8, -0.4, -3.2, 4.5, -3.9, 3.8, 1.9, -3.5, -1.6,
                       -3.5, -4.5, -0.8, -0.7, 4.2, -0.9, -1.3, 0.0])
VOLUME = np.array([88.6, 108.5, 111.1, 138.4, 189.9, 60.1, 153.2, 166.7, 168.6, 166.7, 162.9,
                   114.1, 112.7, 143.8, 173.4, 89.0, 116.1, 140.0, 227.8, 193.6, 0.0])
# Side-chain charge at pH 7, Grantham (1974) polarity, helix propensity as a free-energy
# penalty relative to Ala (Pace & Scholtz 1998, kcal/mol) and Chou-Fasman strand propensity.
CHARGE = np.array([0, 0, -1, -1, 0, 0, 0.1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0.0])
POLARITY = np.array([8.1, 5.5, 13.0, 12.3, 5.2, 9.0, 10.4, 5.2, 11.3, 4.9, 5.7, 11.6, 8.0, 10.5,
                     10.5, 9.2, 8.6, 5.9, 5.4, 6.2, 0.0])
HELIX_PENALTY = np.array([0.0, 0.68, 0.69, 0.40, 0.54, 1.0, 0.61, 0.41, 0.26, 0.21, 0.24, 0.65,
                          3.16, 0.39, 0.21, 0.50, 0.66, 0.61, 0.49, 0.53, 3.16])
STRAND = np.array([0.83, 1.19, 0.54, 0.37, 1.38, 0.75, 0.87, 1.60, 0.74, 1.30, 1.05, 0.89, 0.55,
                   1.10, 0.93, 0.75, 1.19, 1.70, 1.37, 1.47, 0.0])


def _blosum62() -> np.ndarray:
    """(21, 21) BLOSUM62 over the 20 amino acids + stop (from Biopython)."""
    from Bio.Align import substitution_matrices

    m = substitution_matrices.load("BLOSUM62")
    out = np.zeros((21, 21))
    letters = AA + "*"
    for i, a in enumerate(letters):
        for j, b in enumerate(letters):
            out[i, j] = m[a][b]
    return out


def _sequence_gaps(wildtype: str, structure_sequence: str):
    """``("missing", spans)`` when the structure's sequence is the wild type with stretches
    left out (unmodelled loops, residues without C-alpha), ``("extra", spans)`` when it is the
    wild type with stretches added (a tag, a signal peptide); spans are inclusive 0-based
    (first, last) indices into the wild type or the structure. None otherwise."""
    from difflib import SequenceMatcher

    ops = SequenceMatcher(None, wildtype, structure_sequence, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    kinds = {op[0] for op in changed}
    if kinds == {"delete"}:
        return "missing", [(i1, i2 - 1) for _, i1, i2, _, _ in changed]
    if kinds == {"insert"}:
        return "extra", [(j1, j2 - 1) for _, _, _, j1, j2 in changed]
    return None


def check_structure(structure, wildtype: str, chain=None, offset: int = 0, named_chains=()):
    """The chain of ``structure`` whose sequence is ``wildtype``, or an error saying how to fix it.

    Parameters
    ----------
    structure : Structure or str or Path
    wildtype : str
    chain : str, optional
        Chain to use; default the first.
    offset : int
        Number of the first wild-type residue in the variants' numbering (used to
        name positions in the message).
    named_chains : collection of str
        Chain letters the variants are written with (``A`` in ``AL25P``). When they
        name chains of the structure other than the one used, a warning says so (a
        letter that is no chain of the file, such as avGFP's ``S``, is left alone).

    Returns
    -------
    biochemml.structure.Structure
        The selected chain.

    Raises
    ------
    biochemml.errors.InputError
        The chain's sequence differs from the wild type. The message names the
        structure file, the first differing residues (``structure has A, wild type has
        R at 162``, numbered as the variants) and the fix: another chain that matches
        (``--chain``), or the wild-type stretch the structure covers (trim the wild type
        and shift ``--offset``).
    """
    from .. import structure as S

    st_all = structure if isinstance(structure, S.Structure) else S.read(structure)
    st = st_all.select(chain or st_all.chains[0])
    used = chain or st_all.chains[0]
    other = sorted(set(named_chains) & set(st_all.chains) - {used})
    if other and used not in named_chains:
        from ..progress import say

        where = getattr(st_all, "path", None) or "the structure"
        say(f"[yellow]Warning[/yellow]: the variants are written on chain {', '.join(other)} "
            f"but chain {used} of {where} is used; pass --chain {other[0]} if the mutations "
            "are on that chain")
    wt = wildtype.strip().upper()
    got = st.sequence
    if got == wt:
        return st
    start = wt.find(got) if got else -1
    matching = [c for c, seq in st_all.sequences().items() if seq == wt]
    if start >= 0:
        what = (f"its {len(got)} residues are wild-type positions {start + offset}.."
                f"{start + len(got) - 1 + offset} only (of {len(wt)})")
    else:
        diffs = [i for i, (a, b) in enumerate(zip(got, wt)) if a != b]
        what = ", ".join(f"structure has {got[i]}, wild type has {wt[i]} at {i + offset}"
                         for i in diffs[:3])
        if len(diffs) > 3:
            what += f" (and {len(diffs) - 3} more)"
        if len(got) != len(wt):
            what += ("; " if what else "") + f"lengths {len(got)} and {len(wt)}"
    gaps = _sequence_gaps(wt, got)
    if gaps and not matching and start < 0:
        kind, spans = gaps
        if kind == "missing":
            what = (f"the structure lacks wild-type position{'s' if len(spans) > 1 or spans[0][0] != spans[0][1] else ''} "
                    + ", ".join(f"{a + offset}" if a == b else f"{a + offset}-{b + offset}"
                                for a, b in spans) + " (not in the file)")
            if st.skipped or st_all.skipped:
                what += "; skipped for having no C-alpha: " + "; ".join(
                    (st.skipped or st_all.skipped)[:3])
            fix = ("biochemml needs a residue for every wild-type position: model the missing "
                   "ones (e.g. AlphaFold or MODELLER), or train without --structure.")
        else:
            inside = got.find(wt)
            what = (f"the structure has {sum(b - a + 1 for a, b in spans)} residues the wild "
                    f"type lacks (structure residues " + ", ".join(
                        f"{st.number[a]}" if a == b else f"{st.number[a]}-{st.number[b]}"
                        for a, b in spans) + ")")
            fix = (f"Give the structure's whole sequence as the wild type with --offset "
                   f"{offset - inside} (the variants keep their numbers)." if inside >= 0 else
                   "Trim the structure to the wild type's residues, or give its whole "
                   "sequence as the wild type.")
        raise InputError(f"chain {used} of the structure differs from the wild type: {what}. "
                         f"{fix}", path=getattr(st_all, "path", None))
    if matching:
        fix = f"Chain {matching[0]} matches the wild type: pass --chain {matching[0]}."
    elif start == 0:  # the first residues, then nothing: the end is missing, not a peptide
        fix = (f"The structure stops at wild-type position {len(got) - 1 + offset}: a file cut "
               "short (download it again), or a model of the first domain only (give that "
               "stretch as the wild type).")
    elif start > 0:
        fix = ("If the structure lacks the signal peptide or a tag, give that stretch as the "
               f"wild type and --offset {start + offset}.")
    else:
        several = (f"pass the matching chain with --chain (chains: {', '.join(st_all.chains)}); "
                   if len(st_all.chains) > 1 else "")
        fix = (f"Check that both are the same protein; {several}for a structure without the "
               "signal peptide, trim the wild type to the structure's residues and shift --offset.")
    raise InputError(f"chain {used} of the structure differs from the wild type: {what}. "
                     f"{fix}", path=getattr(st_all, "path", None))


def _as_float_targets(y, n: int) -> np.ndarray:
    """Measured values as floats, shape (n,); one sentence naming the first that is not
    a number or not finite."""
    from ..targets import value_array

    arr = value_array(y, what="target values").reshape(-1)
    if arr.size != n:
        raise InputError(f"got {n} variants but {arr.size} target values")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InputError(f"the target value is {arr[bad[0]]}, not a finite number",
                         row=int(bad[0]))
    return arr


class AdditiveRegressor:
    """Ridge regression on one-hot mutations: every mutation adds its own effect.

    Columns: one per (position, new residue) seen in ``fit``, one per position and one
    per new residue (shared effects for unseen mutations; ridge splits the effect
    between the levels).

    Parameters
    ----------
    wildtype : str
        Wild-type sequence the variants refer to.
    offset : int
        Number of the first residue in the variants' numbering (0 or 1).
    alpha : float
        Ridge penalty.
    pairwise : bool
        Add pair columns (see :class:`MutationEncoder`).
    seed : int
        Unused (ridge is deterministic); kept so every model takes a seed.

    Examples
    --------
    >>> m = AdditiveRegressor("MKTAY", alpha=0.01).fit(["K1R", "T2S", "K1R:T2S", ""], [1, 2, 3, 0])
    >>> round(float(m.predict(["K1R:T2S"])[0]), 1)
    3.0
    """

    def __init__(self, wildtype: str, offset: int = 0, alpha: float = 1.0,
                 pairwise: bool = False, seed: int = 0):
        self.wildtype = wildtype
        self.offset = offset
        self.alpha = alpha
        self.pairwise = pairwise
        self.seed = seed

    def _design(self, variants):
        """Mutation columns, then one column per position and per new residue (shared effects)."""
        import scipy.sparse as sp

        rows, index, res = mutation_codes(variants, self.wildtype, self.offset)
        n, L = len(variants), len(self.wildtype)
        ones = np.ones(rows.size)
        return sp.hstack([self.encoder_.transform(variants),
                          sp.csr_matrix((ones, (rows, index)), shape=(n, L)),
                          sp.csr_matrix((ones, (rows, res)), shape=(n, 21))]).tocsr()

    def fit(self, variants, y):
        from sklearn.linear_model import Ridge

        variants = list(variants)
        y = _as_float_targets(y, len(variants))
        self.encoder_ = MutationEncoder(self.wildtype, self.offset, pairwise=self.pairwise)
        self.encoder_.fit(variants)
        self.model_ = Ridge(alpha=self.alpha).fit(self._design(variants), y)
        return self

    def predict(self, variants) -> np.ndarray:
        """Predicted values, shape (N,)."""
        if not hasattr(self, "model_"):
            raise InputError("this model is not fitted yet; call fit(variants, y) first")
        return self.model_.predict(self._design(list(variants)))


class StructureAwareRegressor:
    """Gradient boosting on substitution, position-statistic and (optional) structure features.

    Parameters
    ----------
    wildtype : str
        Wild-type sequence (length ``L``).
    structure : Structure or str or Path, optional
        The wild-type structure; its protein sequence (of ``chain``) must equal
        ``wildtype``. None gives the sequence-only model.
    offset : int
        Number of the first residue in the variants' numbering.
    chain : str, optional
        Chain of ``structure`` to use; default its first chain.
    hide_fraction : float
        Fraction of positions whose own statistics are hidden while fitting.
    max_iter, learning_rate, max_leaf_nodes : gradient-boosting settings.
    physchem : bool
        Add charge, polarity, helix- and strand-propensity changes, their products
        with burial and secondary structure, and the standardised B-factor (pLDDT in
        AlphaFold models) of the residue. Off by default: on TEM-1 they changed
        nothing (by-position Spearman 0.728 with, 0.729 without; random 0.887 / 0.885).
    ss_method : {"ca", "dssp", "auto"}
        Secondary structure of the residues (see
        :func:`biochemml.structure.secondary_structure`): the C-alpha approximation
        (default), or DSSP from the backbone atoms. DSSP did not help on TEM-1: on 5 folds
        of the training positions (test positions never used) the boosting went 0.747 ->
        0.749 and the graph network 0.713 -> 0.708, their mean 0.751 -> 0.747.
    n_models : int
        Average this many boosting models with seeds ``seed, seed+1, ...`` (each hides its
        own random set of positions). Cheap next to the fit of the features' context and
        lowers the seed-to-seed spread (TEM-1 by-position: single seeds 0.709-0.743,
        mean of 5 seeds 0.747).
    seed : int
        Seeds the hidden positions and the boosting.

    Attributes
    ----------
    feature_names_ : list of str
    """

    def __init__(self, wildtype: str, structure=None, offset: int = 0, chain=None,
                 hide_fraction: float = 0.3, max_iter: int = 300, learning_rate: float = 0.05,
                 max_leaf_nodes: int = 15, physchem: bool = False, n_models: int = 1,
                 ss_method: str = "ca", seed: int = 0):
        self.wildtype = wildtype
        self.ss_method = ss_method
        self.n_models = n_models
        self.structure = structure
        self.physchem = physchem
        self.offset = offset
        self.chain = chain
        self.hide_fraction = hide_fraction
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.seed = seed

    # -- per-residue context ------------------------------------------------------
    def _residue_table(self) -> pd.DataFrame | None:
        if self.structure is None:
            return None
        from .. import structure as S

        st = check_structure(self.structure, self.wildtype, chain=self.chain,
                             offset=self.offset)
        table = S.residue_descriptors(st, ss_method=getattr(self, "ss_method", "ca"))
        self._cb_distance = S.distance_map(st, atom="CB")
        return table

    def _position_stats(self, rows, index, y, n_variants):
        """Sum and count of training labels per position (a variant counts at each of its positions)."""
        L = len(self.wildtype)
        total = np.bincount(index, weights=y[rows], minlength=L)
        count = np.bincount(index, minlength=L).astype(np.float64)
        return total, count

    def _features(self, variants, own_sum, own_count):
        """Per-variant feature table; ``own_sum/own_count`` give each mutation's own-position statistic."""
        rows, index, res = mutation_codes(variants, self.wildtype, self.offset)
        n = len(variants)
        wt_codes = np.array([AA.index(c) for c in self.wildtype.strip().upper()])
        wa = wt_codes[index]
        cols: dict[str, np.ndarray] = {}
        for k, a in enumerate(AA):
            cols[f"wt_{a}"] = (wa == k).astype(float)
            cols[f"mt_{a}"] = (res == k).astype(float)
        cols["mt_stop"] = (res == 20).astype(float)
        cols["blosum62"] = self._blosum[wa, res]
        cols["d_hydropathy"] = HYDROPATHY[res] - HYDROPATHY[wa]
        cols["d_volume"] = VOLUME[res] - VOLUME[wa]
        cols["mt_hydropathy"] = HYDROPATHY[res]
        if getattr(self, "physchem", False):  # absent in older pickles
            cols["d_charge"] = CHARGE[res] - CHARGE[wa]
            cols["d_polarity"] = POLARITY[res] - POLARITY[wa]
            cols["d_helix_penalty"] = HELIX_PENALTY[res] - HELIX_PENALTY[wa]
            cols["d_strand"] = STRAND[res] - STRAND[wa]
        with np.errstate(invalid="ignore", divide="ignore"):
            cols["position_mean"] = np.where(own_count > 0, own_sum / own_count, np.nan)
        cols["position_known"] = (own_count > 0).astype(float)
        cols["relative_position"] = index / max(len(self.wildtype) - 1, 1)
        for name, value in self._context_columns().items():
            cols[name] = value[index]
        if self._table is not None:
            cols["burial_x_d_hydropathy"] = cols["burial"] * cols["d_hydropathy"]
            if getattr(self, "physchem", False):  # absent in older pickles
                cols["burial_x_d_volume"] = cols["burial"] * cols["d_volume"]
                cols["burial_x_d_charge"] = cols["burial"] * np.abs(cols["d_charge"])
                cols["helix_x_d_helix_penalty"] = cols["ss_H"] * cols["d_helix_penalty"]
                cols["strand_x_d_strand"] = cols["ss_E"] * cols["d_strand"]
        mut = pd.DataFrame(cols)
        # A variant is the sum of its mutations (mean for the statistics), plus their count.
        out = pd.DataFrame(index=np.arange(n))
        sums = mut.groupby(rows).sum(min_count=1)
        means = mut.groupby(rows).mean()
        for c in mut.columns:
            stat = means if c.startswith(("position_mean", "seq_nb", "nb_", "rsa", "burial",
                                          "plddt")) \
                else sums
            out[c] = stat[c].reindex(out.index)
        out["n_mutations"] = np.bincount(rows, minlength=n).astype(float)
        onehot = [c for c in out.columns if c.startswith(("wt_", "mt_", "n_mut", "position_k"))]
        out[onehot] = out[onehot].fillna(0.0)
        return out

    def _context_columns(self) -> dict:
        """Per-position columns from training statistics of neighbours (and the structure)."""
        L = len(self.wildtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            pos_mean = np.where(self._count > 0, self._sum / self._count, 0.0)
        known = (self._count > 0).astype(float)
        cols = {}
        idx = np.arange(L)
        for w in (1, 2, 4):
            near = (np.abs(idx[:, None] - idx[None, :]) <= w) & (idx[:, None] != idx[None, :])
            cols[f"seq_nb{w}"] = self._masked_mean(near, pos_mean, known)
        if self._table is not None:
            t = self._table
            cols["burial"] = t["burial"].to_numpy(float)
            cols["rsa"] = t["rsa"].to_numpy(float)
            if getattr(self, "physchem", False):  # absent in older pickles
                b = t["bfactor"].to_numpy(float)
                cols["plddt_or_bfactor"] = (b - b.mean()) / (b.std() or 1.0)
            for k in "HEC":
                cols[f"ss_{k}"] = (t["secondary_structure"].to_numpy() == k).astype(float)
            d = self._cb_distance
            for r in (6, 8, 10, 12):
                near = (d < r) & ~np.eye(L, dtype=bool)
                cols[f"nb_{r}A"] = self._masked_mean(near, pos_mean, known)
                cols[f"contacts_{r}A"] = near.sum(axis=1).astype(float)
            weight = np.exp(-d / 6.0)
            np.fill_diagonal(weight, 0.0)
            cols["nb_weighted"] = self._masked_mean(weight, pos_mean, known)
        return cols

    @staticmethod
    def _masked_mean(weights, values, known):
        num = weights @ (values * known)
        den = weights @ known
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)

    def fit(self, variants, y):
        from sklearn.ensemble import HistGradientBoostingRegressor

        variants = list(variants)
        y = _as_float_targets(y, len(variants))
        if not 0 <= self.hide_fraction < 1:
            raise InputError(f"hide_fraction must be in [0, 1), not {self.hide_fraction}")
        self._blosum = _blosum62()
        self._table = self._residue_table()
        rows, index, _ = mutation_codes(variants, self.wildtype, self.offset)
        self._sum, self._count = self._position_stats(rows, index, y, len(variants))
        # Leave-one-out own statistic for training rows, hidden at a random set of positions.
        own_sum = self._sum[index] - y[rows]
        n_models = int(getattr(self, "n_models", 1))
        if n_models < 1:
            raise InputError(f"n_models must be at least 1, not {self.n_models}")
        self.models_ = []
        for member in range(n_models):
            seed = self.seed + member
            hidden = np.random.RandomState(seed).rand(len(self.wildtype)) < self.hide_fraction
            own_count = np.where(hidden[index], 0.0, self._count[index] - 1)
            x = self._features(variants, own_sum, own_count)
            # a column with no value at all (e.g. the own-position statistic when every
            # position has one variant) breaks the boosting's binning; constant 0 is
            # never split on, so the column is simply unused
            empty = x.columns[x.isna().all().to_numpy()]
            x[empty] = 0.0
            self.feature_names_ = list(x.columns)
            self.models_.append(HistGradientBoostingRegressor(
                max_iter=self.max_iter, learning_rate=self.learning_rate,
                max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=20, l2_regularization=1.0,
                random_state=seed).fit(x.to_numpy(), y))
        self.model_ = self.models_[0]
        return self

    def predict(self, variants) -> np.ndarray:
        """Predicted values, shape (N,)."""
        if not hasattr(self, "model_"):
            raise InputError("this model is not fitted yet; call fit(variants, y) first")
        variants = list(variants)
        _, index, _ = mutation_codes(variants, self.wildtype, self.offset)
        x = self._features(variants, self._sum[index], self._count[index])[self.feature_names_]
        models = getattr(self, "models_", None) or [self.model_]  # older pickles: model_ only
        return np.mean([m.predict(x.to_numpy()) for m in models], axis=0)


class AveragingRegressor:
    """Mean of the predictions of several variant models fitted on the same data.

    Parameters
    ----------
    members : list of estimators
        Unfitted models with ``fit(variants, y)`` / ``predict(variants)``.
    weights : list of float, optional
        Weight of each member (default equal).
    """

    def __init__(self, members, weights=None):
        self.members = members
        self.weights = weights

    def fit(self, variants, y):
        variants = list(variants)
        self.members_ = [m.fit(variants, y) for m in self.members]
        return self

    def predict(self, variants) -> np.ndarray:
        """Weighted mean prediction, shape (N,)."""
        if not hasattr(self, "members_"):
            raise InputError("this model is not fitted yet; call fit(variants, y) first")
        variants = list(variants)
        w = np.ones(len(self.members_)) if self.weights is None else np.asarray(self.weights, float)
        preds = np.stack([m.predict(variants) for m in self.members_])
        return (w[:, None] * preds).sum(axis=0) / w.sum()


class MutantSequenceRegressor:
    """The sequence task's default network on the mutant sequences: the variants are
    applied to the wild type and :class:`biochemml.SequenceRegressor` (``model="auto"``: an
    MLP on the one-hot, a deep ensemble of 5 on up to 20,000 variants) learns from them.

    Its hidden layers learn epistasis, which the additive model cannot, but only from
    variants with several mutations: on deep mutational scans of single and double
    mutants it beats the additive model (TDP-43 R² 0.915 against 0.886, Abeta42 0.766
    against 0.751; benchmarks/RESULTS.md). ``*`` (a stop) is read as a 21st letter.

    Parameters
    ----------
    wildtype, offset, seed
        As :class:`AdditiveRegressor`.
    **settings
        Passed to :class:`~biochemml.SequenceRegressor` (``epochs``, ``n_models``, ...).
    """

    def __init__(self, wildtype: str, offset: int = 0, seed: int = 0, **settings):
        self.wildtype = wildtype
        self.offset = offset
        self.seed = seed
        self.settings = settings

    def _sequences(self, variants) -> list[str]:
        from .mutations import apply_variants

        return apply_variants(self.wildtype, list(variants), self.offset)

    def fit(self, variants, y):
        from ..estimators import SequenceRegressor

        variants = list(variants)
        y = _as_float_targets(y, len(variants))
        self.estimator_ = SequenceRegressor(alphabet="protein-stop", seed=self.seed,
                                            **self.settings)
        self.estimator_.fit(self._sequences(variants), y)
        return self

    def predict(self, variants) -> np.ndarray:
        """Predicted values, shape (N,)."""
        if not hasattr(self, "estimator_"):
            raise InputError("this model is not fitted yet; call fit(variants, y) first")
        return np.asarray(self.estimator_.predict(self._sequences(variants)), dtype=float)


class SelectingRegressor:
    """The additive model, the boosting, or their mean: whichever predicts held-out
    training variants best (the default variant model, ``"auto"``).

    Neither family wins everywhere. On single mutants (TEM-1) the boosting, which shares
    what it learns across positions and residues, beats ridge on the mutations (Spearman
    0.880 against 0.796 on a random split); on deep mutational scans of single and double
    mutants, where every substitution is measured many times over, the additive model wins
    (TDP-43: R² 0.886 against 0.762; Abeta42: 0.751 against 0.673; benchmarks/RESULTS.md).
    When at least ``MIN_MULTI`` of the training variants carry several mutations, the
    MLP on the mutant sequences (:class:`MutantSequenceRegressor`) is a candidate too: it
    learns epistasis from them (TDP-43 0.915). The candidates are fitted on ``1 - holdout``
    of the training variants and scored (R²) on the rest, drawn as the test set was (at
    random, or by whole mutated positions when ``by_position``); the best is fitted again on
    every training variant.

    Parameters
    ----------
    wildtype, structure, offset, chain
        As :class:`StructureAwareRegressor` (the boosting uses the structure when given).
    holdout : float
        Fraction of the training variants (or positions) held out to choose.
    by_position : bool
        Hold out whole mutated positions (for a test set of unseen positions).
    seed : int
    **boosting
        Settings of the boosting (:class:`StructureAwareRegressor`), e.g. ``max_iter``.

    Attributes
    ----------
    choice_ : {"additive", "boosting", "mean", "mlp"}
        ``"mean"`` is the mean of the additive model and the boosting.
    scores_ : dict
        Held-out R² of each candidate.
    """

    #: training variants below which there is nothing to hold out: the boosting is kept
    MIN_VARIANTS = 40
    #: fraction of multi-mutant training variants from which the MLP is a candidate
    MIN_MULTI = 0.25

    def __init__(self, wildtype: str, structure=None, offset: int = 0, chain=None,
                 holdout: float = 0.2, by_position: bool = False, seed: int = 0, **boosting):
        self.wildtype = wildtype
        self.boosting = boosting
        self.structure = structure
        self.offset = offset
        self.chain = chain
        self.holdout = holdout
        self.by_position = by_position
        self.seed = seed

    def _candidates(self, with_mlp: bool) -> dict:
        models = {"additive": AdditiveRegressor(self.wildtype, offset=self.offset, seed=self.seed),
                  "boosting": StructureAwareRegressor(self.wildtype, self.structure,
                                                      offset=self.offset, chain=self.chain,
                                                      seed=self.seed, **self.boosting)}
        if with_mlp:
            models["mlp"] = MutantSequenceRegressor(self.wildtype, offset=self.offset,
                                                    seed=self.seed)
        return models

    def _held_out(self, variants) -> np.ndarray:
        """Boolean mask of the training variants held out to choose.

        Whole variants are held out, as the outer random split draws them: the copies of
        one variant (replicates, or one variant written two ways) stay on one side, else
        a model that memorises each variant's value scores its copies and wins the choice.
        The wild type is always fitted.
        """
        rng = np.random.RandomState(self.seed)
        n = len(variants)
        held = np.zeros(n, dtype=bool)
        rows, index, res = mutation_codes(variants, self.wildtype, self.offset)
        if self.by_position:
            positions = np.unique(index)
            if positions.size >= 5:
                k = max(1, int(round(self.holdout * positions.size)))
                held[rows[np.isin(index, rng.permutation(positions)[:k])]] = True
                return held
        keys = [[] for _ in range(n)]
        for r, i, a in zip(rows.tolist(), index.tolist(), res.tolist()):
            keys[r].append((i, a))
        codes, distinct = pd.factorize(pd.Series([frozenset(k) for k in keys], dtype=object))
        sizes = np.bincount(codes, minlength=len(distinct))
        mutants = np.array([bool(d) for d in distinct])  # the wild type (no mutation) is fitted
        # a share of the mutant rows (wild-type replicates do not count), and never every
        # distinct mutant: the models need one to fit
        wanted, count = max(1, int(round(self.holdout * sizes[mutants].sum()))), 0
        room = int(mutants.sum()) - 1
        chosen = np.zeros(len(distinct), dtype=bool)
        for code in rng.permutation(len(distinct)):
            if count >= wanted or chosen.sum() >= room:
                break
            if mutants[code]:
                chosen[code] = True
                count += sizes[code]
        return chosen[codes]

    def fit(self, variants, y):
        from sklearn.metrics import r2_score

        variants = list(variants)
        y = _as_float_targets(y, len(variants))
        self.scores_ = {}
        rows, _, _ = mutation_codes(variants, self.wildtype, self.offset)
        with_mlp = float(np.mean(np.bincount(rows, minlength=len(variants)) > 1)) \
            >= self.MIN_MULTI
        if len(variants) < self.MIN_VARIANTS:
            self.choice_ = "boosting"
        else:
            if with_mlp:
                from ..progress import say

                say(f"auto compares the additive model, the boosting and an MLP on held-out "
                    f"variants ({len(variants)} variants; the MLP can take minutes)")
            held = self._held_out(variants)
            fit_rows, held_rows = np.flatnonzero(~held), np.flatnonzero(held)
            preds = {}
            for name, model in self._candidates(with_mlp).items():
                model.fit([variants[i] for i in fit_rows], y[fit_rows])
                preds[name] = model.predict([variants[i] for i in held_rows])
            preds["mean"] = (preds["additive"] + preds["boosting"]) / 2
            with warnings.catch_warnings():  # one held-out value: R² undefined, said below
                warnings.simplefilter("ignore")
                self.scores_ = {k: float(r2_score(y[held_rows], v)) if len(held_rows) > 1
                                else float("nan") for k, v in preds.items()}
            if np.isfinite(list(self.scores_.values())).any():
                self.choice_ = max(self.scores_, key=lambda k: np.nan_to_num(
                    self.scores_[k], nan=-np.inf))
            else:  # mostly wild-type rows: too few mutants held out to score
                self.scores_, self.choice_ = {}, "boosting"
        models = self._candidates(self.choice_ == "mlp")
        models["mean"] = AveragingRegressor([models["additive"], models["boosting"]])
        self.model_ = models[self.choice_]
        self.model_.fit(variants, y)
        return self

    def predict(self, variants) -> np.ndarray:
        """Predicted values of the chosen model, shape (N,)."""
        if not hasattr(self, "model_"):
            raise InputError("this model is not fitted yet; call fit(variants, y) first")
        return self.model_.predict(variants)

    def describe(self) -> str:
        """One sentence on what was chosen and why, for the terminal and the report."""
        if not self.scores_:
            return (f"auto kept the boosting: too few training variants to compare models "
                    f"(under {self.MIN_VARIANTS}, or under 2 mutants to hold out)")
        shown = ", ".join(f"{k} {v:.3f}" for k, v in self.scores_.items())
        what = "mutated positions" if self.by_position else "variants"
        return (f"auto chose the {self.choice_} model: R² on held-out training variants "
                f"({self.holdout:.0%} of the {what}): {shown}")


VARIANT_MODELS = ("auto", "additive", "sequence", "structure", "graph", "image", "ensemble",
                  "mlp")

#: One line per variant model, for ``biochemml models``.
VARIANT_MODEL_DESCRIPTIONS = {
    "auto": "The default: additive, boosting (with the structure when given), their mean or, "
            "with many multi-mutants, the MLP: whichever predicts held-out training variants "
            "best.",
    "additive": "Ridge on the mutations (one effect per substitution; the baseline).",
    "sequence": "Gradient boosting on substitution features.",
    "structure": "Gradient boosting on substitution and structure features: burial, RSA, SS.",
    "graph": "Message passing on the residue graph around each mutation (PyTorch).",
    "image": "2D CNN on C-beta distance-map crops around each mutation (PyTorch).",
    "ensemble": "Mean of the structure boosting and the graph network.",
    "mlp": "The sequence task's MLP on the mutant sequences (learns epistasis from variants "
           "with several mutations).",
}


def build_variant_model(name: str, wildtype: str, structure=None, offset: int = 0, seed: int = 0,
                        chain=None, **params):
    """Make a variant model by name.

    ``"auto"`` (:class:`SelectingRegressor`: additive, boosting, their mean or, for scans
    of multi-mutants, the MLP, chosen on held-out training variants), ``"additive"``
    (:class:`AdditiveRegressor`), ``"mlp"`` (:class:`MutantSequenceRegressor`),
    ``"sequence"`` (structure-aware boosting without the structure), ``"structure"`` (needs ``structure``), ``"graph"``
    (:class:`~biochemml.protein.graph.GraphVariantRegressor`; the chain graph without a
    structure), ``"image"`` (:class:`~biochemml.protein.image.DistanceMapCNNRegressor`, a
    2D CNN on distance-map crops with mutation channels; an ideal chain without a
    structure) or ``"ensemble"`` (mean of the boosting and graph models; ``params``
    prefixed ``boost_`` or ``graph_`` go to one member). The ensemble's boosting member
    averages ``boost_n_models=5`` seeds by default (about a second each on TEM-1); give
    ``graph_n_models`` to average several graph networks (the benchmark uses 5). Any
    ``image_`` setting (e.g. ``image_n_models=3``) adds the distance-map CNN as a third
    member with equal weight (about 4 times the graph's CPU time per network). Not by
    default: on 5 folds of TEM-1's training positions it lowered the mean (Spearman 0.755
    with boosting and graph, 0.749 with the CNN added). ``chain`` picks the chain of
    ``structure`` (default its first; see :func:`check_structure`).
    """
    if chain is not None and name in ("structure", "graph", "image", "auto"):
        params["chain"] = chain
    if name == "auto":
        return SelectingRegressor(wildtype, structure, offset=offset, seed=seed, **params)
    if name == "additive":
        return AdditiveRegressor(wildtype, offset=offset, seed=seed, **params)
    if name == "mlp":
        return MutantSequenceRegressor(wildtype, offset=offset, seed=seed, **params)
    if name == "sequence":
        return StructureAwareRegressor(wildtype, None, offset=offset, seed=seed, **params)
    if name == "structure":
        if structure is None:
            raise InputError("model 'structure' needs a structure file (--structure wt.pdb)")
        return StructureAwareRegressor(wildtype, structure, offset=offset, seed=seed, **params)
    if name == "image":
        from .image import DistanceMapCNNRegressor

        return DistanceMapCNNRegressor(wildtype, structure, offset=offset, seed=seed, **params)
    if name in ("graph", "ensemble"):
        from .graph import GraphVariantRegressor

        if name == "graph":
            return GraphVariantRegressor(wildtype, structure, offset=offset, seed=seed, **params)
        member = {p: {k[len(p) + 1:]: v for k, v in params.items() if k.startswith(p + "_")}
                  for p in ("boost", "graph", "image")}
        other = sorted(k for k in params if k.split("_")[0] not in member)
        if other:
            raise InputError("ensemble settings must start with boost_, graph_ or image_, "
                             f"not {other[0]}")
        member["boost"].setdefault("n_models", 5)
        members = [
            StructureAwareRegressor(wildtype, structure, offset=offset, seed=seed, chain=chain,
                                    **member["boost"]),
            GraphVariantRegressor(wildtype, structure, offset=offset, seed=seed, chain=chain,
                                  **member["graph"])]
        if member["image"]:
            from .image import DistanceMapCNNRegressor

            members.append(DistanceMapCNNRegressor(wildtype, structure, offset=offset, seed=seed,
                                                   chain=chain, **member["image"]))
        return AveragingRegressor(members)
    raise InputError(f"unknown variant model '{name}': expected {', '.join(VARIANT_MODELS)}")
