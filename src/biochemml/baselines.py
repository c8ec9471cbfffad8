"""Baselines without deep learning: what a careful analyst fits first.

Every neural result should be read next to these (``biochemml train`` reports them in the
run's report; ``benchmarks/expression.py`` in RESULTS.md):

==============  =====================================================================
``ridge``       Ridge regression on the one-hot sequence: the *additive* (independent
                sites) model of a position weight matrix. Its R² measures how much of
                the signal needs no interactions at all.
``ridge-pairs`` Ridge on the one-hot plus one-hot of every neighbouring pair of
                positions (16 features per pair): the nearest-neighbour pairwise model
                (as in the pairwise/epistatic regressions of Otwinowski & Plotkin 2014,
                *PNAS*, and of Kinney & McCandlish 2019, *Annu Rev Genomics Hum Genet*).
``gbm-kmer``    Gradient boosting (scikit-learn ``HistGradientBoostingRegressor``) on the
                counts of all 1-, 2- and 3-mers plus the length: position-free, catches
                upstream AUGs and GC content in 5' UTRs (Sample et al. 2019 use k-mer
                models as their baseline).
``gbm-onehot``  Gradient boosting on the positional one-hot plus the length.
==============  =====================================================================

:class:`BaselineRegressor` has the face of :class:`biochemml.SequenceRegressor`
(``fit(seqs, y, sample_weight)``, ``predict(seqs, return_std=True)``, ``save``/``load``),
and ``biochemml train --model ridge`` works like any neural model name.

>>> from biochemml.baselines import BaselineRegressor
>>> seqs = ["ACGTAC", "ACGTTT", "TTGTAC", "ACCCAC", "GCGTAC", "ACGTAA"] * 5
>>> y = [s.count("A") for s in seqs]
>>> round(BaselineRegressor("ridge", alpha=1e-6).fit(seqs, y).score(seqs, y), 3)
1.0
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin

from .alphabets import get_alphabet
from .errors import InputError, ModelError
from .numeric import is_number
from .targets import check_target_transform, measured_values

BASELINES = {
    "ridge": "Ridge regression on the one-hot sequence (additive model).",
    "ridge-pairs": "Ridge on one-hot plus neighbouring-pair one-hot (pairwise model).",
    "gbm-kmer": "Gradient boosting on 1-3-mer counts plus length (position-free).",
    "gbm-onehot": "Gradient boosting on the positional one-hot plus length.",
}
FORMAT = "biochemml-baseline-model"


def available() -> dict[str, str]:
    """Baseline names with a one-line description each."""
    return dict(BASELINES)


def one_hot_features(codes: np.ndarray, n_channels: int, pairs: bool = False) -> sp.csr_matrix:
    """Sparse positional one-hot (and neighbouring-pair one-hot) features from symbol codes.

    Parameters
    ----------
    codes : ndarray of uint8, shape (N, L)
        From :func:`biochemml.encode.to_codes`; codes ``>= C`` (unknown, padding) give
        all-zero rows.
    n_channels : int
        ``C``.
    pairs : bool
        Add ``C**2`` columns for every pair of neighbouring positions.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (N, L*C [+ (L-1)*C**2])
    """
    n, length = codes.shape
    c = n_channels
    rows = np.broadcast_to(np.arange(n)[:, None], codes.shape)
    ok = codes < c
    cols = (np.arange(length) * c)[None, :] + codes.astype(np.int64)
    blocks = [sp.csr_matrix((np.ones(ok.sum(), np.float32), (rows[ok], cols[ok])),
                            shape=(n, length * c))]
    if pairs and length > 1:
        a, b = codes[:, :-1].astype(np.int64), codes[:, 1:].astype(np.int64)
        okp = (a < c) & (b < c)
        colp = (np.arange(length - 1) * c * c)[None, :] + a * c + b
        blocks.append(sp.csr_matrix((np.ones(okp.sum(), np.float32), (rows[:, 1:][okp], colp[okp])),
                                    shape=(n, (length - 1) * c * c)))
    return sp.hstack(blocks, format="csr")


class BaselineRegressor(RegressorMixin, BaseEstimator):
    """A scikit-learn baseline behind the :class:`~biochemml.SequenceRegressor` face.

    Parameters
    ----------
    model : {"ridge", "ridge-pairs", "gbm-kmer", "gbm-onehot"}
    alpha : float or "auto"
        Ridge penalty (ridge models). ``"auto"`` (default) picks it per target from
        ``ALPHAS`` by R² on a seeded 20 % of the training rows, then refits on all of them:
        a fixed penalty of 1 over-fits small tables of long sequences (1,200 5' UTRs of
        25-100 nt: test R² -0.77 for ridge, -1.66 for ridge-pairs; chosen: -0.01 / 0.01)
        and under-fits none of the data sets in RESULTS.md (7,600 + 7,600 UTRs: ridge-pairs
        0.09 -> 0.16; sd_kuo2020: unchanged).

        Sample weights are divided by their mean (per fit) before the penalty is chosen
        and the model fitted: a ridge fit on weights ``w`` with penalty ``a`` is the fit on
        ``w / c`` with penalty ``a / c``, so raw read counts (mean 2,000) used to push the
        choice to the top of ``ALPHAS`` (test R² -0.14 on 3,000 5' UTRs; 0.015 with the
        counts in thousands). Now only the weights' proportions matter, for every model.
    alphabet : {"dna", "rna", "protein"}
    pad : {"left", "right"}
        Padding side of sequences of different lengths (``"left"``: aligned at the 3'
        end, as 5' UTRs next to the start codon).
    target_transform : {"none", "log", "standardize"}
        ``"log"`` fits ``log(y)`` and predicts ``exp``; ``"standardize"`` is accepted for
        symmetry with SequenceRegressor and changes nothing for these models.
    seed : int
        ``random_state`` of gradient boosting.

    It is a scikit-learn estimator: ``get_params``/``set_params``, ``sklearn.base.clone``,
    ``cross_val_score`` and ``GridSearchCV`` (over ``alpha`` or ``model``, say) work.

    Attributes
    ----------
    models_ : list
        One fitted scikit-learn model per target.
    alphas_ : list of float or None
        The ridge penalty used for each target (None for gradient boosting).
    n_targets_, input_length_ : int
    train_lengths_ : (int, int)
        The shortest and longest training sequence. ``predict`` gives a
        :class:`biochemml.errors.LengthWarning` for sequences shorter than every training
        one or longer than ``input_length_`` (cut, or for ``gbm-kmer`` read whole), as
        SequenceRegressor does.
    """

    n_models = 1
    #: penalties ``alpha="auto"`` chooses from
    ALPHAS = tuple(np.logspace(-2, 5, 15))

    def __init__(self, model: str = "ridge", *, alpha: float | str = "auto", alphabet: str = "dna",
                 pad: str = "left", target_transform: str = "none", seed: int = 0,
                 length: int | None = None):
        self.model = model
        self.alpha = alpha
        self.alphabet = alphabet
        self.pad = pad
        self.target_transform = target_transform
        self.seed = seed
        self.length = length

    def set_params(self, **params):
        """Set parameters by name (scikit-learn convention); returns ``self``. An unknown
        name is an error that lists the parameters, as for SequenceRegressor."""
        from .estimators import _SequenceEstimator

        return _SequenceEstimator.set_params(self, **params)

    @property
    def model_name_(self) -> str:
        return self.model

    @property
    def reads_any_length(self) -> bool:
        """True for ``gbm-kmer``, whose k-mer counts read longer sequences whole; the
        positional models cut them to ``input_length_`` (keeping the end ``pad`` names)."""
        return self.model == "gbm-kmer"

    def _features(self, sequences, fitting: bool):
        from .encode.codes import as_sequence_list, to_codes
        from .encode.kmers import kmer_counts

        seqs, _ = as_sequence_list(sequences)
        if fitting:  # what predict() compares new sequences with
            lengths = [len(q) for q in seqs]
            self.train_lengths_ = (min(lengths), max(lengths)) if lengths else (0, 0)
        else:  # the sentences of SequenceRegressor (and of a run's predict)
            import warnings

            from .errors import LengthWarning
            from .estimators import length_notes

            from .estimators import user_stacklevel

            for flagged, rest in length_notes(seqs, self):
                warnings.warn(flagged + rest, LengthWarning, stacklevel=user_stacklevel())
        length = self.length if fitting else self.input_length_
        truncate = None if fitting and self.length is None else (
            "left" if self.pad == "left" else "right")
        codes, lengths = to_codes(seqs, self.alphabet, length=length, pad=self.pad,
                                  truncate=truncate)
        if fitting:
            self.input_length_ = codes.shape[1]
        c = get_alphabet(self.alphabet).size
        size = lengths.astype(np.float32)[:, None] / max(self.input_length_, 1)
        if self.model == "gbm-kmer":
            ks = (1, 2, 3) if c <= 4 else (1, 2)
            return np.hstack([kmer_counts(seqs, k=ks, alphabet=self.alphabet), size])
        x = one_hot_features(codes, c, pairs=self.model == "ridge-pairs")
        if self.model == "gbm-onehot":
            return np.hstack([x.toarray(), size])
        return sp.hstack([x, sp.csr_matrix(size)], format="csr")

    def fit(self, sequences, y, sample_weight=None, validation_data=None):
        """Fit on sequences ``(N,)`` and values ``(N,)`` or ``(N, T)``.

        NaN in a multi-target ``y`` marks a value that was not measured (that target's model
        leaves the row out); a row with no value at all is an error, as are text values,
        infinite values, a target whose values are all the same, and sample weights of
        another length, negative or all zero (the sentences of
        :meth:`biochemml.SequenceRegressor.fit`).

        ``validation_data`` is accepted and ignored (these models need no early stopping).
        """
        from sklearn.ensemble import HistGradientBoostingRegressor
        from sklearn.linear_model import Ridge

        if self.model not in BASELINES:
            raise InputError(f"unknown baseline '{self.model}': choose one of {', '.join(BASELINES)}")
        from .estimators import _SequenceEstimator, check_values_differ

        from .encode.codes import as_sequence_list

        check_target_transform(self.target_transform)
        if self.alpha != "auto" and not (is_number(self.alpha) and self.alpha > 0):
            raise InputError(f"alpha must be a positive number or 'auto', not {self.alpha!r}")
        seqs, _ = as_sequence_list(sequences)
        # every input checked before any fitted attribute changes: a failed refit keeps
        # the model it had
        vals, multi = measured_values(y, len(seqs), self.target_transform)
        check_values_differ(vals, multi)
        w = _SequenceEstimator._weights(sample_weight, len(vals))
        if w is not None:  # read counts or their thousandths: the same fit (see the class)
            w = w / w.mean()
        x = self._features(seqs, fitting=True)
        if self.target_transform == "log":
            vals = np.log(vals)
        self._multi, self.n_targets_ = multi, vals.shape[1]
        self.models_, self.alphas_ = [], []
        for t in range(self.n_targets_):
            ok = ~np.isnan(vals[:, t])
            wt = None if w is None else w[ok]
            if self.model.startswith("ridge"):
                alpha = (self._choose_alpha(x[ok], vals[ok, t], wt) if self.alpha == "auto"
                         else float(self.alpha))
                m = Ridge(alpha=alpha)
                self.alphas_.append(alpha)
            else:
                m = HistGradientBoostingRegressor(random_state=self.seed)
                self.alphas_.append(None)
            m.fit(x[ok], vals[ok, t], sample_weight=wt)
            self.models_.append(m)
        return self

    def _choose_alpha(self, x, y, weight=None) -> float:
        """The penalty of ``ALPHAS`` with the best R² on a seeded 20 % of the rows."""
        from sklearn.linear_model import Ridge
        from sklearn.metrics import r2_score

        n = x.shape[0]
        if n < 10:  # too few rows to hold any out
            return 1.0
        order = np.random.RandomState(self.seed).permutation(n)
        held, kept = order[:n // 5], order[n // 5:]
        sw = None if weight is None else weight[kept]
        scores = [r2_score(y[held], Ridge(alpha=a).fit(x[kept], y[kept], sample_weight=sw)
                           .predict(x[held]), sample_weight=None if weight is None
                           else weight[held]) for a in self.ALPHAS]
        return float(self.ALPHAS[int(np.argmax(scores))])

    def predict(self, sequences, return_std: bool = False):
        """Predicted values ``(N,)`` (or ``(N, T)``); with ``return_std`` also NaN of that shape
        (one fitted model has no spread to report)."""
        if not hasattr(self, "models_"):
            raise ModelError("this BaselineRegressor is not fitted yet: call fit() first")
        x = self._features(sequences, fitting=False)
        pred = np.column_stack([m.predict(x) for m in self.models_])
        if self.target_transform == "log":
            pred = np.exp(pred)
        if not self._multi:
            pred = pred[:, 0]
        return (pred, np.full_like(pred, np.nan, dtype=float)) if return_std else pred

    def score(self, sequences, y) -> float:
        """Coefficient of determination R² (mean over targets; NaN where the values do not
        vary), computed and checked as :meth:`biochemml.SequenceRegressor.score` does: values
        of another shape than the predictions are an error, not reshaped."""
        from .estimators import SequenceRegressor

        return SequenceRegressor.score(self, sequences, y)

    def save(self, path) -> Path:
        """Pickle the fitted baseline (joblib) to one file, written atomically; ``path`` may
        be an existing folder, which then holds it as ``model.joblib`` (where :meth:`load`
        looks)."""
        import joblib

        from .io.writers import atomic_write

        path = Path(path)
        if path.is_dir():
            path = path / "model.joblib"
        return atomic_write(path, lambda tmp: joblib.dump({"format": FORMAT, "estimator": self},
                                                          tmp))

    @classmethod
    def load(cls, path) -> "BaselineRegressor":
        import joblib

        path = Path(path)
        if path.is_dir():
            path = path / "model.joblib"
        try:
            payload = joblib.load(path)
        except Exception as err:
            raise ModelError(f"{path} is not a readable biochemml baseline model ({err})") from None
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ModelError(f"{path} is not a biochemml baseline model file")
        return payload["estimator"]
