"""Models of production from operating conditions, each with an uncertainty.

Three kinds share one scikit-learn-like face, :class:`ConditionModel`:

``gp`` (default)
    A Gaussian process (BoTorch ``SingleTaskGP`` with its default kernel, in BoTorch 0.18 an
    RBF (squared-exponential) kernel with one length scale per feature under a LogNormal
    prior scaled with the number of features, and no output scale, as the outcome is
    standardised; inferred noise), fitted by maximum marginal likelihood. Inputs are mapped
    to the unit cube by the declared factor bounds, outcomes standardised on the training
    data. Replicate runs inform the noise level: their pure-error variance (the scatter of
    runs at the same conditions, :func:`pure_error`) is a floor the fitted noise cannot go
    below. Without that floor a first round of 13 runs (5 factors, two centre points) was
    fitted with a noise SD of 0.044 g/L against a true 0.15.
``gbt``
    A bootstrap ensemble of gradient-boosted trees; the spread of the members is the
    model uncertainty and the out-of-bag residuals give the noise.
``nn``
    A bootstrap ensemble of small neural nets (two hidden layers), same uncertainty recipe.
"""
from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from ..errors import InputError, ModelError
from ..seeding import seeded
from .factors import Factor, Factors, numeric_cells

KINDS = ("gp", "gbt", "nn")


@contextlib.contextmanager
def small_torch():
    """Run torch on one thread: campaign-sized GPs (tens to hundreds of runs) are many tiny
    matrix operations, where extra threads only add waiting (10x slower on a busy machine)."""
    import warnings

    import torch
    from gpytorch.utils.warnings import NumericalWarning

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            # "added jitter of 1e-08 to the diagonal": routine with replicate runs;
            # "negative variance values ... rounding up to 1e-10": a variance of 0 computed
            # as -1e-17; GPyTorch has already corrected both, the text would only alarm
            warnings.filterwarnings("ignore", message=".*not p.d., added jitter.*")
            warnings.filterwarnings("ignore", category=NumericalWarning)
            yield
    finally:
        torch.set_num_threads(before)


def central_interval(mean, var, level: float = 0.95, log: bool = False, floor=None):
    """The central ``level`` interval of a normal prediction (``mean -+ z * sqrt(var)``) or,
    with ``log``, of a log-normal one given by its mean and variance: ``exp(mu -+ z * sigma)``
    where ``sigma**2 = log(1 + var / mean**2)`` and ``mu = log(mean) - sigma**2 / 2`` are the
    log-scale moments (always above 0).

    ``floor``: the lowest value the response can take (0 for a response that is never
    negative, see :func:`response_floor`); a lower end below it is raised to it. A titer
    cannot be -57 mg/L, whatever a normal approximation says.

    Returns
    -------
    lower, upper : numpy.ndarray
    """
    from scipy.stats import norm

    z = norm.ppf(0.5 + level / 2)
    mean, var = np.asarray(mean, dtype=np.float64), np.clip(np.asarray(var, dtype=np.float64), 0, None)
    if not log:
        lower, upper = mean - z * np.sqrt(var), mean + z * np.sqrt(var)
    else:
        s2 = np.log1p(var / mean ** 2)
        mu = np.log(mean) - s2 / 2
        lower, upper = np.exp(mu - z * np.sqrt(s2)), np.exp(mu + z * np.sqrt(s2))
    if floor is not None:
        lower = np.maximum(lower, float(floor))
    return lower, upper


def response_floor(values):
    """``0.0`` when every measured value of a response is >= 0 (a titer, a concentration,
    an OD: its intervals then stop at 0), else ``None`` (no floor).

    Examples
    --------
    >>> response_floor([0.0, 12.5, 40.1]), response_floor([-0.2, 1.0])
    (0.0, None)
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    return 0.0 if values.size and values.min() >= 0 else None


def response_values(y) -> np.ndarray:
    """``y`` as a ``(N,)`` float array; a cell that is not a number (``'3,45'`` from a file
    read without ``decimal=","``) is an :class:`~biochemml.errors.InputError` naming it:
    for a pandas Series its index label and name (the column), otherwise its position."""
    try:
        return np.asarray(y, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        pass
    from ..io.tables import not_a_number, read_csv_hint
    from .factors import cell_error

    series = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y, dtype=object).reshape(-1))
    numbers = pd.to_numeric(series, errors="coerce")
    bad = np.flatnonzero((numbers.isna() & series.notna()).to_numpy())
    i = int(bad[0]) if bad.size else 0
    value = series.iloc[i]
    message = not_a_number(value, blank=False, column=series) + read_csv_hint(value)
    if isinstance(y, pd.Series):
        raise cell_error(message, series.to_frame(), i, "y" if y.name is None else y.name)
    raise InputError(f"y, position {i}: {message}")


def check_positive(y, response: str = "the response") -> None:
    """``log_response``: refuse a response with a value <= 0 (its logarithm is undefined),
    naming its position (a table of runs read from a file names the file row instead:
    :func:`biochemml.bioprocess.recommend.check_positive_runs`)."""
    y = np.asarray(y, dtype=np.float64)
    bad = np.flatnonzero(y <= 0)
    if bad.size:
        i = int(bad[0])
        raise InputError(f"log_response models the logarithm of {response} and needs every "
                         f"value above 0; position {i} holds {y[i]:g}")


def infer_factors(X: pd.DataFrame) -> Factors:
    """Factors spanning a table: numeric columns continuous over their range, others categorical.

    A text column whose cells are mostly numbers (a typo such as ``n.d.`` in a column of
    temperatures) is refused: the error names the row and column of the first cell that is
    not a number. Blank cells are not levels.
    """
    factors = []
    for name in X.columns:
        col = X[name]
        if not pd.api.types.is_numeric_dtype(col):
            text = col.astype(str).str.strip().where(col.notna(), "")
            filled = text != ""
            numbers = pd.to_numeric(text[filled], errors="coerce").notna()
            if not filled.any() or numbers.mean() > 0.5:  # numbers written as text: read them
                col = pd.Series(numeric_cells(X, name, hint=(
                    f"; {int(numbers.sum())} of the {int(filled.sum())} filled cells of '{name}' "
                    "are numbers, so it is read as a continuous factor: correct the cell, or "
                    "declare the factor as categorical (factors=Factors([...]))"
                    if filled.any() else "")), index=col.index)
        if pd.api.types.is_numeric_dtype(col):
            lo, hi = float(col.min()), float(col.max())
            if lo == hi:
                factors.append(Factor(str(name), "fixed", value=lo))
            else:
                factors.append(Factor(str(name), "continuous", lo, hi))
        else:
            levels = tuple(sorted(text[filled].unique()))
            factors.append(Factor(str(name), "categorical", levels=levels) if len(levels) > 1
                           else Factor(str(name), "fixed", value=levels[0]))
    return Factors(factors)


def pure_error(U, y) -> tuple:
    """The pure-error variance of replicate runs: the scatter of runs at the same
    conditions around their own mean, pooled over every condition measured more than once
    (``sum((y - condition mean)**2) / sum(n_condition - 1)``). It measures run-to-run noise
    with no model in between.

    Parameters
    ----------
    U : array-like
        ``(N, n_features)`` conditions; rows equal in every feature are replicates.
    y : array-like
        ``(N,)`` response.

    Returns
    -------
    variance : float
        The pooled variance, or ``nan`` without replicates.
    df : int
        Its degrees of freedom (0 without replicates).

    Examples
    --------
    >>> variance, df = pure_error([[0.5], [0.5], [0.1]], [3.757, 3.843, 4.0])
    >>> round(variance, 6), df
    (0.003698, 1)
    """
    U = np.asarray(U, dtype=np.float64).reshape(len(y), -1)
    y = np.asarray(y, dtype=np.float64)
    _, groups = np.unique(np.round(U, 12), axis=0, return_inverse=True)
    groups = np.asarray(groups).reshape(-1)
    ss, df = 0.0, 0
    for g in np.unique(groups):
        values = y[groups == g]
        if len(values) > 1:
            ss += float(np.sum((values - values.mean()) ** 2))
            df += len(values) - 1
    return (ss / df if df else float("nan")), df


#: location of the LogNormal prior on the GP's noise variance (standardised response).
#: BoTorch's default, -4 (median noise SD 0.14 of the response's SD), suits near-noiseless
#: benchmark functions; on small noisy campaigns it fitted 1/3 of the true noise and 95 %
#: intervals held 71-77 % of new runs. -2.5 (median noise SD 0.29) held 78-84 %, with a
#: 1-7 % lower prediction error there and a 1-4 % higher one on near-noiseless responses
#: (benchmarks/RESULTS.md, "GP noise prior").
NOISE_PRIOR_LOC = -2.5


def _likelihood_with_floor(floor: float = 0.0):
    """The likelihood of every biochemml ``SingleTaskGP``: BoTorch's, with a LogNormal(
    :data:`NOISE_PRIOR_LOC`, 1) prior on the noise variance of the standardised response,
    the noise kept at or above ``floor`` (a variance on the standardised scale: the
    replicates' pure error) and started at the larger of the prior's mode and 1.5 floor."""
    from botorch.models.utils.gpytorch_modules import MIN_INFERRED_NOISE_LEVEL
    from gpytorch.constraints import GreaterThan
    from gpytorch.likelihoods import GaussianLikelihood
    from gpytorch.priors import LogNormalPrior

    prior = LogNormalPrior(loc=NOISE_PRIOR_LOC, scale=1.0)
    floor = max(float(floor), MIN_INFERRED_NOISE_LEVEL)
    start = max(float(prior.mode), 1.5 * floor)
    return GaussianLikelihood(noise_prior=prior,
                              noise_constraint=GreaterThan(floor, transform=None,
                                                           initial_value=start))


class ConditionModel:
    """Predict a response (titer) from conditions, with a standard deviation.

    Parameters
    ----------
    kind : {"gp", "gbt", "nn"}
        Gaussian process, gradient-boosted tree ensemble or neural-net ensemble.
    factors : Factors, optional
        The declared factors; bounds fix the unit-cube scaling. By default they are inferred
        from the training table (numeric columns continuous over their observed range).
    seed : int
        Seed of every random choice (bootstrap samples, initial weights, GP restarts).
    n_members : int
        Ensemble size for ``gbt`` and ``nn``.
    log_response : bool
        Model the logarithm of the response (every value must be > 0). Titers
        often span orders of magnitude across a design and their noise grows with their
        level; on the log scale both even out. Predictions are returned on the original
        scale: :meth:`predict` gives the mean and standard deviation of the implied
        log-normal, and :meth:`predict_interval` its percentiles, ``exp(mu -+ 1.96 sigma)``
        with ``mu``, ``sigma`` the log-scale prediction: always above 0 and not symmetric
        about the mean (mean -+ 1.96 std would reach below 0). For ``gbt`` and ``nn`` the
        ensemble's members are fitted to the log and ``mu``, ``sigma`` are their mean and
        spread on that scale.

    Attributes
    ----------
    factors_ : Factors
        The factors used (given or inferred).
    n_train_ : int
    X_train_, y_train_ : pandas.DataFrame, numpy.ndarray
        The training conditions (checked, one column per factor) and responses.
    pure_error_, pure_error_df_ : float, int
        ``gp``: the replicates' pure-error variance (of the log response with
        ``log_response``) and its degrees of freedom (``nan`` and 0 without replicates);
        the fitted noise variance is at least ``pure_error_``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> X = pd.DataFrame({"T": np.linspace(25, 37, 8)})
    >>> m = ConditionModel("gp", seed=0).fit(X, np.sin(X["T"] / 3))
    >>> mean, std = m.predict(X, return_std=True)
    >>> bool(np.allclose(mean, np.sin(X["T"] / 3), atol=0.05))
    True
    """

    def __init__(self, kind: str = "gp", factors: Factors | None = None, seed: int = 0,
                 n_members: int = 16, log_response: bool = False):
        if kind not in KINDS:
            raise InputError(f"unknown model kind '{kind}'; choose one of {', '.join(KINDS)}")
        self.log_response = log_response
        self.kind = kind
        self.factors = factors
        self.seed = seed
        self.n_members = n_members

    # ----------------------------------------------------------------- fit
    def __repr__(self) -> str:
        fitted = (f", fitted on {self.n_train_} runs of {', '.join(self.factors_.names)}"
                  if hasattr(self, "n_train_") else ", not fitted")
        return (f"ConditionModel(kind={self.kind!r}"
                + (", log_response=True" if self.log_response else "") + f"{fitted})")

    def fit(self, X: pd.DataFrame, y) -> "ConditionModel":
        """Fit on a table of conditions.

        Parameters
        ----------
        X : pandas.DataFrame
            ``(N, n_factors)`` one column per factor (extra columns are ignored when
            ``factors`` is given).
        y : array-like
            ``(N,)`` the response; finite numbers, paired with the rows of ``X`` by
            position. A pandas Series whose index labels differ from ``X``'s (the same
            labels in another order) is refused rather than paired wrongly.

        Returns
        -------
        ConditionModel
            ``self``, fitted.

        Raises
        ------
        InputError
            For a bad table or response, or a ``y`` whose index disagrees with ``X``'s.
        """
        from ..metrics import check_same_index

        if not isinstance(X, pd.DataFrame):
            raise InputError("X must be a pandas DataFrame with one column per factor")
        check_same_index(X=X, y=y)
        y = response_values(y)
        if len(y) != len(X):
            raise InputError(f"X has {len(X)} rows but y has {len(y)} values")
        if not np.all(np.isfinite(y)):
            raise InputError(f"y has a missing or infinite value at position {int(np.flatnonzero(~np.isfinite(y))[0])}")
        if len(y) < 2:
            raise InputError("a model needs at least 2 runs")
        if self.log_response:
            check_positive(y, "y")
        self.factors_ = self.factors if self.factors is not None else infer_factors(X)
        U = self.factors_.to_unit(self.factors_.check_table(X))
        self.n_train_ = len(y)
        self.X_train_ = self.factors_.check_table(X)
        self.y_train_ = y
        fit = {"gp": self._fit_gp, "gbt": self._fit_trees, "nn": self._fit_nets}[self.kind]
        with small_torch():
            fit(U, y)
        return self

    def _fit_gp(self, U, y):
        import torch
        from botorch.fit import fit_gpytorch_mll
        from botorch.models import SingleTaskGP
        from botorch.models.transforms import Standardize
        from botorch.models.transforms.outcome import ChainedOutcomeTransform, Log
        from gpytorch.mlls import ExactMarginalLogLikelihood

        with seeded(self.seed):  # the caller's random state is left as it was
            train_x = torch.as_tensor(U, dtype=torch.float64)
            train_y = torch.tensor(y, dtype=torch.float64).unsqueeze(-1)
            if np.ptp(y) == 0:  # a constant response: nothing to learn but the mean
                train_y = train_y * (1 + 1e-6 * torch.randn_like(train_y)) if self.log_response \
                    else train_y + 1e-6 * torch.randn_like(train_y)
            transform = (ChainedOutcomeTransform(log=Log(), standardize=Standardize(m=1))
                         if self.log_response else Standardize(m=1))
            self.pure_error_, self.pure_error_df_ = pure_error(
                U, np.log(y) if self.log_response else y)
            # replicates measured the noise: the fit keeps at least it (on the standardised
            # scale, as Standardize divides by the standard deviation, ddof=1)
            scale = float(np.std(np.log(y) if self.log_response else y, ddof=1))
            floor = self.pure_error_ / scale ** 2 if self.pure_error_df_ and scale > 0 else 0.0
            likelihood = _likelihood_with_floor(floor)
            model = SingleTaskGP(train_x, train_y, outcome_transform=transform,
                                 likelihood=likelihood)
            mll = ExactMarginalLogLikelihood(model.likelihood, model)
            try:
                fit_gpytorch_mll(mll)
            except Exception:  # noqa: BLE001  an optimiser failure keeps the prior-initialised fit
                pass
            model.eval()
            self.gp_ = model

    def _fit_trees(self, U, y):
        from sklearn.ensemble import GradientBoostingRegressor

        def make(seed):
            return GradientBoostingRegressor(n_estimators=150, max_depth=2, learning_rate=0.05,
                                             subsample=1.0, random_state=seed)

        self._fit_bagged(U, y, make)

    def _fit_nets(self, U, y):
        from sklearn.neural_network import MLPRegressor

        def make(seed):
            return MLPRegressor(hidden_layer_sizes=(32, 32), alpha=1e-2, max_iter=2000,
                                learning_rate_init=1e-2, random_state=seed)

        self._fit_bagged(U, y, make, standardise=True)

    def _fit_bagged(self, U, y, make, standardise=False):
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        if self.log_response:  # the members learn the log; predict_unit turns it back
            y = np.log(y)
        rng = np.random.default_rng(self.seed)
        self.y_mean_, self.y_scale_ = (float(y.mean()), float(y.std() or 1.0)) if standardise else (0.0, 1.0)
        z = (y - self.y_mean_) / self.y_scale_
        n = len(y)
        self.members_ = []
        oob_sum, oob_count = np.zeros(n), np.zeros(n)
        for i in range(self.n_members):
            idx = rng.integers(0, n, n)
            member = make(int(rng.integers(2 ** 31)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                member.fit(U[idx], z[idx])
            self.members_.append(member)
            out = np.setdiff1d(np.arange(n), idx)
            if out.size:
                oob_sum[out] += member.predict(U[out])
                oob_count[out] += 1
        seen = oob_count > 0
        resid = (oob_sum[seen] / oob_count[seen] - z[seen]) if seen.any() else np.zeros(1)
        self.noise_var_ = float(np.mean(resid ** 2)) * self.y_scale_ ** 2

    # ------------------------------------------------------------- predict
    def predict(self, X: pd.DataFrame, return_std: bool = False, observation_noise: bool = False):
        """Predicted mean (and standard deviation) of the response at conditions ``X``.

        Parameters
        ----------
        X : pandas.DataFrame
            ``(M, n_factors)``; values must lie within the declared factor bounds (without
            declared factors, values beyond the training range extrapolate).
        return_std : bool
            Also return the standard deviation.
        observation_noise : bool
            Include the run-to-run noise: the spread of a new measurement rather than of
            the underlying mean. Use it to judge intervals against measured values.

        Returns
        -------
        mean : numpy.ndarray
            ``(M,)``.
        std : numpy.ndarray
            ``(M,)``, only with ``return_std=True``.
        """
        self._check_fitted()
        if not isinstance(X, pd.DataFrame):
            raise InputError("X must be a pandas DataFrame with one column per factor")
        # declared bounds are a contract; bounds inferred from training runs are not
        table = self.factors_.check_table(X, within_bounds=self.factors is not None)
        U = self.factors_.to_unit(table)
        mean, var = self.predict_unit(U, observation_noise=observation_noise)
        return (mean, np.sqrt(var)) if return_std else mean

    def predict_unit(self, U: np.ndarray, observation_noise: bool = False):
        """Mean and variance, each ``(M,)``, at unit-cube features ``U`` ``(M, n_features)``."""
        self._check_fitted()
        U = np.atleast_2d(np.asarray(U, dtype=np.float64))
        if self.kind == "gp":
            import torch

            with torch.no_grad(), small_torch():
                post = self.gp_.posterior(torch.as_tensor(U, dtype=torch.float64),
                                          observation_noise=observation_noise)
                return (post.mean.squeeze(-1).numpy().copy(),
                        post.variance.squeeze(-1).clamp_min(0).numpy().copy())
        preds = np.stack([m.predict(U) for m in self.members_]) * self.y_scale_ + self.y_mean_
        var = preds.var(axis=0) + (self.noise_var_ if observation_noise else 0.0)
        if self.log_response:  # the log-normal's mean and variance, as BoTorch's Log gives them
            mu = preds.mean(axis=0)
            return np.exp(mu + var / 2), np.expm1(var) * np.exp(2 * mu + var)
        return preds.mean(axis=0), var

    def predict_interval(self, X: pd.DataFrame, level: float = 0.95,
                         observation_noise: bool = False):
        """Lower and upper ends of the central ``level`` interval of the prediction at ``X``.

        Normal predictions: ``mean -+ z * std``. With ``log_response`` the model is normal on
        the log scale, and the interval is ``exp(mu -+ z * sigma)`` (percentiles of the
        log-normal: always above 0, wider above the mean than below). When every training
        value of the response is >= 0 (a titer), a lower end below 0 is raised to 0.

        Returns
        -------
        lower, upper : numpy.ndarray
            ``(M,)`` each.
        """
        mean, std = self.predict(X, return_std=True, observation_noise=observation_noise)
        return central_interval(mean, std ** 2, level, log=self.log_response,
                                floor=response_floor(self.y_train_))

    def noise_std(self) -> float:
        """The estimated run-to-run standard deviation of the response."""
        self._check_fitted()
        if self.kind == "gp":
            noise = self.gp_.likelihood.noise.detach().mean().item()
            tf = self.gp_.outcome_transform
            if self.log_response:  # a relative noise: report it at the geometric-mean level
                sd_log = np.sqrt(noise) * tf["standardize"].stdvs.item()
                return float(sd_log * np.exp(np.mean(np.log(self.y_train_))))
            return float(np.sqrt(noise) * tf.stdvs.item())
        if self.log_response:
            return float(np.sqrt(self.noise_var_) * np.exp(np.mean(np.log(self.y_train_))))
        return float(np.sqrt(self.noise_var_))

    def _check_fitted(self):
        if not hasattr(self, "factors_"):
            # a ModelError, as the sequence estimators raise for the same thing
            raise ModelError("this ConditionModel is not fitted yet; call fit(X, y) first")
