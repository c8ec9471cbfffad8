"""Recommend the next batch of runs by Bayesian optimisation (BoTorch).

One response: a Gaussian process per :class:`~biochemml.bioprocess.ConditionModel` and the
batch noisy expected improvement on a log scale (qLogNEI), which handles replicate and noisy
runs. Several responses: one GP each and ParEGO (qLogNParEGO): every run of the batch
improves its own random weighting of the responses, so together they push the Pareto front
(the trade-off) outward at several places.
Proposals stay inside the factor bounds, meet every linear constraint, hold fixed factors at
their values, and take categorical factors at one of their levels.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .factors import Factors
from .models import ConditionModel, small_torch
from .runs import as_list, check_runs

Z95 = 1.959963984540054


def recommend(runs, factors: Factors, response, batch: int = 4, seed: int = 0,
              maximize=True, fixed: dict | None = None, constraints=(), id_column=None,
              num_restarts: int = 8, raw_samples: int = 256) -> pd.DataFrame:
    """Propose the next ``batch`` runs that most likely improve the response(s).

    Parameters
    ----------
    runs : str, Path or pandas.DataFrame
        The runs so far: factor columns and the response column(s); other columns are ignored.
    factors : Factors
        Declared factors (bounds, levels, fixed values, linear constraints).
    response : str or list of str
        One response, or several for a trade-off (Pareto) recommendation.
    batch : int
        Number of runs to propose (``q``).
    seed : int
        Seed of the GP fit, the Monte-Carlo samples and the optimiser's starting points.
    maximize : bool or list of bool
        Maximise (True, titer) or minimise (False, cost, by-product) each response.
    fixed : dict, optional
        ``{factor: value}`` held in every proposal (a continuous factor at a value inside
        its bounds, or a categorical factor at one level).
    constraints : list of str
        Extra linear constraints such as ``"glucose + glycerol <= 30"``.
    id_column : str, optional
        Run-id column checked for duplicates.
    num_restarts, raw_samples : int
        Effort of the acquisition optimiser.

    Returns
    -------
    pandas.DataFrame
        ``(batch, n_factors + 5)``: one column per factor, then for one response
        ``predicted_mean``, ``predicted_std`` (of the mean), ``lower_95``, ``upper_95`` and
        ``acquisition`` (the log expected improvement of that run alone). With several
        responses the prediction columns carry the response name as a suffix
        (``predicted_mean_<response>``); each run of the batch then maximises the expected
        improvement of its own random weighting of the responses (ParEGO), so the batch
        spreads along the trade-off, and ``acquisition`` is that value.
    """
    import torch

    responses = as_list(response)
    if batch < 1:
        raise InputError(f"batch must be at least 1, got {batch}")
    senses = [maximize] * len(responses) if isinstance(maximize, bool) else list(maximize)
    if len(senses) != len(responses):
        raise InputError(f"{len(responses)} responses but {len(senses)} maximize flags")
    if constraints:
        factors = factors.with_constraints(constraints)
    fixed_features = _fixed_features(factors, fixed or {})
    checked = check_runs(runs, factors, responses, id_column=id_column)
    if len(checked.conditions) < 2:
        raise InputError("recommendations need at least 2 runs with measured responses")
    models = []
    for r, up in zip(responses, senses):
        y = checked.responses[r].to_numpy() * (1.0 if up else -1.0)
        models.append(ConditionModel("gp", factors=factors, seed=seed).fit(checked.conditions, y))
    train_x = torch.as_tensor(factors.to_unit(checked.conditions), dtype=torch.float64)
    d = train_x.shape[1]
    bounds = torch.stack([torch.zeros(d), torch.ones(d)]).to(torch.float64)
    inequality = [(torch.as_tensor(i, dtype=torch.long), torch.as_tensor(c, dtype=torch.float64), float(r))
                  for i, c, r in factors.unit_constraints()]
    torch.manual_seed(seed)
    with small_torch():
        u, point_acq = _propose(models, train_x, bounds, batch, fixed_features, factors,
                                inequality or None, num_restarts, raw_samples, seed)
    out = factors.from_unit(u.numpy())
    for r, up, model in zip(responses, senses, models):
        mean, var = model.predict_unit(u.numpy())
        sign = 1.0 if up else -1.0
        sfx = "" if len(responses) == 1 else f"_{r}"
        out[f"predicted_mean{sfx}"] = sign * mean
        out[f"predicted_std{sfx}"] = np.sqrt(var)
        out[f"lower_95{sfx}"] = sign * mean - Z95 * np.sqrt(var)
        out[f"upper_95{sfx}"] = sign * mean + Z95 * np.sqrt(var)
    out["acquisition"] = point_acq
    return out


def _propose(models, train_x, bounds, batch, fixed_features, factors, inequality,
             num_restarts, raw_samples, seed):
    """The batch ``(batch, n_features)`` in the unit cube and each run's acquisition value."""
    import torch

    if len(models) == 1:
        acqf = _acquisition(models, train_x, seed)
        u = _optimise(acqf, bounds, batch, fixed_features, factors, inequality,
                      num_restarts, raw_samples)
        with torch.no_grad():
            point_acq = [float(acqf(u[i:i + 1].unsqueeze(0))) for i in range(len(u))]
    else:  # ParEGO: each run of the batch maximises a random weighting of the responses
        weights = np.random.default_rng(seed).dirichlet(np.ones(len(models)), size=batch)
        chosen, point_acq = [], []
        for i in range(batch):
            pending = torch.cat(chosen) if chosen else None
            acqf = _acquisition(models, train_x, seed + i, weights[i], pending)
            ui = _optimise(acqf, bounds, 1, fixed_features, factors, inequality,
                           num_restarts, raw_samples)
            chosen.append(ui)
            with torch.no_grad():
                point_acq.append(float(acqf(ui.unsqueeze(0))))
        u = torch.cat(chosen)
    return u, point_acq


def _fixed_features(factors: Factors, fixed: dict) -> dict:
    """``{factor: value}`` -> ``{feature index: unit value}`` (checked)."""
    feats = factors.feature_names
    out = {}
    for name, value in fixed.items():
        f = factors[name]
        if f.kind == "continuous":
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise InputError(f"fixed value '{value}' of factor '{name}' is not a number") from None
            if not f.low <= v <= f.high:
                raise InputError(f"fixed value {v:g} of factor '{name}' is outside its bounds "
                                 f"[{f.low:g}, {f.high:g}]")
            out[feats.index(name)] = float(f.to_unit(v))
        elif f.kind == "categorical":
            levels = [str(lv) for lv in f.levels]
            if str(value) not in levels:
                raise InputError(f"fixed value '{value}' is not a level of factor '{name}' "
                                 f"(levels: {', '.join(levels)})")
            for lv in levels:
                out[feats.index(f"{name}={lv}")] = 1.0 if lv == str(value) else 0.0
        else:
            raise InputError(f"factor '{name}' is already fixed at {f.value}")
    return out


def _acquisition(models, train_x, seed, weights=None, pending=None):
    """qLogNEI for one response; qLogNParEGO (random Chebyshev weighting) for several."""
    import torch
    from botorch.sampling import SobolQMCNormalSampler

    sampler = SobolQMCNormalSampler(sample_shape=torch.Size([128]), seed=seed)
    if len(models) == 1:
        from botorch.acquisition.logei import qLogNoisyExpectedImprovement

        return qLogNoisyExpectedImprovement(models[0].gp_, X_baseline=train_x, sampler=sampler,
                                            prune_baseline=True)
    from botorch.acquisition.multi_objective.parego import qLogNParEGO
    from botorch.models import ModelListGP

    return qLogNParEGO(ModelListGP(*[m.gp_ for m in models]), X_baseline=train_x,
                       scalarization_weights=torch.as_tensor(weights, dtype=torch.float64),
                       sampler=sampler, X_pending=pending, prune_baseline=True)


def _optimise(acqf, bounds, q, fixed_features, factors, inequality, num_restarts, raw_samples):
    """Maximise the acquisition over the unit cube; categorical levels are enumerated."""
    import warnings

    from botorch.optim import optimize_acqf, optimize_acqf_mixed

    combos = factors.category_combinations()
    feats = factors.feature_names
    fixed_list = []
    for combo in combos or [{}]:
        ff = dict(fixed_features)
        for name, level in combo.items():
            for lv in factors[name].levels:
                ff.setdefault(feats.index(f"{name}={lv}"), 1.0 if lv == level else 0.0)
        if ff not in fixed_list:
            fixed_list.append(ff)
    if len(fixed_list) > 64:
        raise InputError(f"{len(fixed_list)} combinations of categorical levels are too many to "
                         "search; fix some categorical factors with 'fixed'")
    options = {"maxiter": 200, "batch_limit": 16}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimiser restarts and numerical notes
        if len(fixed_list) == 1:
            u, _ = optimize_acqf(acqf, bounds=bounds, q=q, num_restarts=num_restarts,
                                 raw_samples=raw_samples, fixed_features=fixed_list[0] or None,
                                 inequality_constraints=inequality, options=options,
                                 sequential=q > 8)
        else:
            u, _ = optimize_acqf_mixed(acqf, bounds=bounds, q=q, num_restarts=num_restarts,
                                       raw_samples=raw_samples, fixed_features_list=fixed_list,
                                       inequality_constraints=inequality, options=options)
    return u.detach().clamp(0.0, 1.0)
