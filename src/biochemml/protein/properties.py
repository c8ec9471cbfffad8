"""Whole-protein descriptors for sequence -> property models (solubility, expression).

:func:`sequence_properties` gives one row per protein: amino-acid composition, grouped
composition (charged, hydrophobic, aromatic, ...), Biopython ProtParam values
(isoelectric point, GRAVY, aromaticity, instability index, mean flexibility, helix /
turn / sheet propensity fractions, net charge at pH 7 per residue, mean residue mass)
and length transforms. :class:`PropertyRegressor` averages a ridge, an RBF support
vector machine and gradient boosting on those columns (on eSOL this average beats each
of its members; see ``benchmarks/RESULTS.md``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..alphabets import PROTEIN
from ..errors import InputError

AA = PROTEIN.symbols
GROUPS = {"acidic": "DE", "basic": "KR", "basic_h": "KRH", "hydrophobic": "AILMFVW",
          "small": "AGST", "aromatic": "FWY", "sulfur": "CM", "amide": "NQ", "proline": "P",
          "glycine": "G", "charged": "DEKR"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or \
        type(value).__name__ in ("NAType", "NaTType")


def _clean(sequences) -> list[str]:
    out = []
    for i, s in enumerate(sequences):
        if not isinstance(s, str):  # NaN would read as the protein "NAN", None as "NNE"
            raise InputError(f"the sequence is {'missing' if _missing(s) else 'not text'} "
                             f"({s!r}): give one protein sequence per row", row=i)
        s = "".join(c for c in s.upper() if c in AA)
        if len(s) < 2:
            raise InputError("the sequence has fewer than 2 standard amino acids", row=i)
        out.append(s)
    return out


def sequence_properties(sequences) -> pd.DataFrame:
    """Descriptors of whole proteins.

    Parameters
    ----------
    sequences : sequence of str
        Protein sequences; symbols other than the 20 amino acids are dropped.

    Returns
    -------
    pandas.DataFrame, shape (N, 44)
        ``comp_A`` ... ``comp_Y`` (fractions), ``group_*`` (fractions), ``pI``, ``gravy``,
        ``aromaticity``, ``instability``, ``flexibility``, ``helix``, ``turn``, ``sheet``,
        ``charge_per_residue``, ``mass_per_residue``, ``log_length``, ``length_k``
        (length / 1000), ``inverse_length``.

    Examples
    --------
    >>> t = sequence_properties(["MKTAYIAKQRQISFVKSHFSRQ", "MSTNPKPQRKTKRNTNRRPQDVKFPGG"])
    >>> t.shape, round(float(t["comp_K"][0]), 3)
    ((2, 44), 0.136)
    """
    from Bio.SeqUtils.ProtParam import ProteinAnalysis

    seqs = _clean(sequences)
    length = np.array([len(s) for s in seqs], dtype=float)
    counts = np.array([[s.count(a) for a in AA] for s in seqs], dtype=float)
    comp = counts / length[:, None]
    cols = {f"comp_{a}": comp[:, i] for i, a in enumerate(AA)}
    for name, letters in GROUPS.items():
        cols[f"group_{name}"] = comp[:, [AA.index(c) for c in letters]].sum(axis=1)
    rows = []
    for s in seqs:
        pa = ProteinAnalysis(s)
        helix, turn, sheet = pa.secondary_structure_fraction()
        # ProtParam's flexibility needs a 9-residue window.
        flex = float(np.mean(pa.flexibility())) if len(s) > 9 else 1.0
        rows.append([pa.isoelectric_point(), pa.gravy(), pa.aromaticity(),
                     pa.instability_index(), flex, helix, turn, sheet,
                     pa.charge_at_pH(7.0) / len(s), pa.molecular_weight() / len(s)])
    names = ["pI", "gravy", "aromaticity", "instability", "flexibility", "helix", "turn",
             "sheet", "charge_per_residue", "mass_per_residue"]
    for j, name in enumerate(names):
        cols[name] = np.array([r[j] for r in rows])
    cols["log_length"] = np.log(length)
    cols["length_k"] = length / 1000.0
    cols["inverse_length"] = 1.0 / length
    return pd.DataFrame(cols)


class PropertyRegressor:
    """Mean of ridge, RBF-SVR and gradient boosting on :func:`sequence_properties`.

    Parameters
    ----------
    members : tuple of str
        Any of ``"ridge"``, ``"svr"``, ``"boosting"``.
    seed : int
        Seeds the boosting.

    Examples
    --------
    >>> seqs = ["MKTAYIAKQR" * (i % 5 + 1) + "W" * (i % 3) for i in range(30)]
    >>> m = PropertyRegressor(members=("ridge",)).fit(seqs, [len(s) for s in seqs])
    >>> m.predict(seqs[:2]).shape
    (2,)
    """

    def __init__(self, members=("ridge", "svr", "boosting"), seed: int = 0):
        self.members = members
        self.seed = seed

    def _make(self, name):
        from sklearn.ensemble import HistGradientBoostingRegressor
        from sklearn.linear_model import RidgeCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVR

        if name == "ridge":
            return make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 4, 20)))
        if name == "svr":
            return make_pipeline(StandardScaler(), SVR(C=1.0, epsilon=0.05, gamma="scale"))
        if name == "boosting":
            return HistGradientBoostingRegressor(max_iter=500, learning_rate=0.03,
                                                 max_leaf_nodes=15, min_samples_leaf=20,
                                                 l2_regularization=1.0, random_state=self.seed)
        raise InputError(f"unknown member '{name}': expected ridge, svr or boosting")

    def fit(self, sequences, y):
        from .models import _as_float_targets

        x = sequence_properties(sequences).to_numpy()
        y = _as_float_targets(y, x.shape[0])
        self.models_ = [self._make(name).fit(x, y) for name in self.members]
        return self

    def predict(self, sequences) -> np.ndarray:
        """Mean prediction of the members, shape (N,)."""
        if not hasattr(self, "models_"):
            raise InputError("this model is not fitted yet; call fit(sequences, y) first")
        x = sequence_properties(sequences).to_numpy()
        return np.mean([m.predict(x) for m in self.models_], axis=0)
