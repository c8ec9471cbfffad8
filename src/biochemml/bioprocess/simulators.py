"""Virtual bioreactors to test designs and recommendations against.

Each is a function ``conditions -> final titer`` over a small set of :class:`Factors`.

:class:`EColiFedBatch`
    Built in, nothing to install: a teaching model of recombinant protein from an
    IPTG-induced *E. coli* fed batch (temperature, pH, induction OD, IPTG, feed rate ->
    soluble protein, mg/L), about 5-20 ms a run. Written for biochemml; not a validated
    model.

The two published simulators below are adapters, not needed by the core package; install
them with::

    pip install --no-deps pensimpy insilicho && pip install pint   # pint: insilicho's units
    pip install numba                                              # optional: IndPenSim ~10x faster

:class:`InsilicoCHO`
    ``insilicho`` (MIT): a CHO fed-batch growth and antibody-production model, 12 days,
    about 0.2 s a run. Factors: feed rate and start, temperature before and after a shift,
    and the shift time. Titer: final antibody concentration (mg/L).
:class:`IndPenSim`
    ``pensimpy`` (MIT), the Python port of IndPenSim (Goldrick et al. 2015, 2019), an
    industrial-scale 230 h penicillin fed batch. Factors: sugar-feed, oil-feed and aeration
    scales on the default recipe, and the pH and temperature set-points. Titer: final
    penicillin concentration (g/L); a run whose simulation fails yields 0. Runs with the
    pure-scipy solver (``fast=False``); when ``numba`` is installed the ODE right-hand side
    is compiled (~10x faster).

Each reactor takes a ``seed`` that fixes its batch-to-batch parameter variation (one virtual
plant), and adds relative measurement noise (``noise``) to each run from its own stream.
"""
from __future__ import annotations

import sys
import types

import numpy as np
import pandas as pd

from ..errors import InputError
from .factors import Factor, Factors


class _Reactor:
    """Shared face: ``factors`` and ``run(conditions) -> titers``."""

    factors: Factors

    def __init__(self, seed: int = 0, noise: float = 0.02):
        self.seed = seed
        self.noise = noise
        self._rng = np.random.default_rng([seed, 7919])

    def run(self, conditions: pd.DataFrame) -> np.ndarray:
        """Simulate one batch per row of ``conditions`` ``(N, n_factors)``.

        Returns
        -------
        numpy.ndarray
            ``(N,)`` final titers with relative measurement noise; the noise-free titers
            are kept in ``last_true_``.
        """
        checked = self.factors.check_table(conditions, name="conditions")
        out = np.array([self._simulate(row) for _, row in checked.iterrows()], dtype=np.float64)
        self.last_true_ = out
        return out * (1.0 + self.noise * self._rng.standard_normal(len(out)))

    def _simulate(self, row) -> float:
        raise NotImplementedError


def _require(module: str, how: str):
    try:
        return __import__(module)
    except ImportError as err:
        raise InputError(f"the virtual reactor needs '{module}' ({err}); install it with: {how}") from None


# --------------------------------------------------------------------------- E. coli, built in
class EColiFedBatch(_Reactor):
    """A built-in teaching model: recombinant protein from an IPTG-induced *E. coli* fed batch.

    No package to install, about 5-20 ms a run: the course's bioreactor case (operating
    conditions -> protein production) to practise design and Bayesian optimisation on. It is
    a small set of textbook equations written for biochemml, **not a validated model of any
    strain**; its optimum is where the trade-offs below put it, not a recommendation for a
    real process.

    The culture starts at OD600 0.25 with 10 g/L glucose at 37 °C. When that glucose is
    spent, the feed starts and rises over 4 h to ``feed_rate``; the culture is induced
    with ``iptg`` when it reaches ``induction_od`` (at 20 h at the latest), then held at
    ``temperature`` with the feed turned down in step with the slower growth, and is
    harvested at 30 h. Monod growth on glucose, with a
    square-root (Ratkowsky) temperature law, a pH optimum at 7.0 and a biomass ceiling
    (oxygen transfer) of 50 g/L; glucose taken up beyond the respiratory capacity becomes
    acetate, which inhibits growth and expression. After induction, expression rises with
    IPTG (saturating, half at 0.05 mM) and with temperature, while the share that folds
    (soluble) falls above about 30 °C and the metabolic burden of high IPTG slows growth.
    Titer: soluble protein at harvest (mg/L).

    Parameters
    ----------
    seed : int
        Fixes the strain's 5 % variation of its parameters (one virtual plant) and the
        measurement-noise stream.
    noise : float
        Relative standard deviation of the titer measurement (default 5 %, as between
        replicate cultures).

    Examples
    --------
    >>> from biochemml.bioprocess import design
    >>> plant = EColiFedBatch(seed=0)
    >>> runs = design(plant.factors, n=8, method="lhs", seed=0)
    >>> titers = plant.run(runs)      # (8,) mg/L, with 5 % noise; plant.last_true_ without
    """

    factors = Factors([
        Factor("temperature", "continuous", 18.0, 37.0),    # degC after induction
        Factor("pH", "continuous", 6.4, 7.6),
        Factor("induction_od", "continuous", 5.0, 100.0),   # OD600 at induction
        Factor("iptg", "continuous", 0.01, 1.0, log=True),  # mM
        Factor("feed_rate", "continuous", 1.0, 20.0),       # g glucose / L / h
    ])
    #: hours simulated (harvest) and the Euler step (h)
    harvest, step = 30.0, 0.02

    def __init__(self, seed: int = 0, noise: float = 0.05):
        super().__init__(seed, noise)
        spread = np.exp(0.05 * np.random.default_rng([seed, 1]).standard_normal(4))
        # respiratory glucose capacity (g/g/h), expression (mg/g/h), folding midpoint shift,
        # acetate inhibition constant (g/L)
        self._q_ox, self._q_p, self._fold, self._k_a = (0.9 * spread[0], 12.0 * spread[1],
                                                        spread[2], 5.0 * spread[3])

    def _simulate(self, row) -> float:
        temperature, ph = float(row["temperature"]), float(row["pH"])
        induce_at, iptg, feed = (float(row["induction_od"]), float(row["iptg"]),
                                 float(row["feed_rate"]))
        biomass, glucose, acetate, protein = 0.1, 10.0, 0.0, 0.0  # g/L, g/L, g/L, mg/L
        fed_from = induced_at = None
        ph_factor = float(np.exp(-((ph - 7.0) / 0.9) ** 2))
        expression = iptg / (0.05 + iptg)                 # promoter activity, 0-1
        burden = 1.0 - 0.5 * iptg / (0.2 + iptg)          # growth and stamina left, induced
        for i in range(int(round(self.harvest / self.step))):
            t = i * self.step
            temp = 37.0 if induced_at is None else temperature
            rate = (max(temp - 8.0, 0.0) / 29.0) ** 2     # Ratkowsky: 1 at 37 degC
            if fed_from is None and glucose < 0.5:        # the batch glucose is spent
                fed_from = t
            fed = 0.0 if fed_from is None else feed * min((t - fed_from) / 4.0, 1.0)
            if induced_at is not None:  # after the shift the feed follows the slower growth,
                fed *= rate             # as an operator (or a DO-stat) turns it down
            uptake = min(1.4 * rate * glucose / (0.05 + glucose),   # g glucose / g / h,
                         (glucose / self.step + fed) / biomass)     # no more than there is
            respired = min(uptake, self._q_ox * rate)
            inhibition = 1.0 / (1.0 + acetate / self._k_a)
            growth = (0.5 * respired * ph_factor * inhibition * (1.0 - biomass / 50.0)
                      * (1.0 if induced_at is None else burden))
            made = 0.0
            if induced_at is not None:  # productivity fades, faster when warm or burdened
                folded = 1.0 / (1.0 + np.exp((temp - 30.0 * self._fold) / 2.5))
                stamina = 24.0 * burden / (1.0 + ((temp - 18.0) / 10.0) ** 2)
                made = (self._q_p * expression * rate ** 0.5 * folded * ph_factor
                        * inhibition * biomass * np.exp(-(t - induced_at) / stamina))
            acetate_made = 0.3 * (uptake - respired) * biomass
            acetate_used = (0.15 * rate * acetate / (0.5 + acetate) * biomass  # when glucose
                            * 0.2 / (0.2 + glucose))                          # runs short
            glucose = max(glucose + self.step * (fed - uptake * biomass), 0.0)
            biomass += self.step * growth * biomass
            acetate = max(acetate + self.step * (acetate_made - acetate_used), 0.0)
            protein += self.step * made
            # OD600 1 ~ 0.4 g dry cells / L; an operator induces by 20 h at the latest
            if induced_at is None and (biomass / 0.4 >= induce_at or t >= 20.0):
                induced_at = t
        return float(protein)


# --------------------------------------------------------------------------- insilicho
class InsilicoCHO(_Reactor):
    """CHO fed-batch antibody production (``insilicho``), 12 days.

    Parameters
    ----------
    seed : int
        Fixes the cell line's 5% parameter variation (insilicho's ``random_seed``) and the
        measurement-noise stream.
    noise : float
        Relative standard deviation of the titer measurement.
    """

    factors = Factors([
        # L/h into a 40 mL start volume: at most ~6x that volume over the culture
        Factor("feed_rate", "continuous", 0.0, 0.001),
        Factor("feed_start", "continuous", 24.0, 120.0),     # h
        Factor("temp_growth", "continuous", 31.0, 38.0),     # degC before the shift
        Factor("temp_production", "continuous", 30.0, 38.0), # degC after the shift
        Factor("shift_time", "continuous", 48.0, 240.0),     # h
    ])

    def __init__(self, seed: int = 0, noise: float = 0.02):
        super().__init__(seed, noise)
        _require("insilicho", "pip install --no-deps insilicho && pip install pint")

    def _simulate(self, row) -> float:
        from insilicho import run as cho

        rate, start = float(row["feed_rate"]), float(row["feed_start"])
        t_grow, t_prod, shift = (float(row["temp_growth"]), float(row["temp_production"]),
                                 float(row["shift_time"]))
        state = np.random.get_state()  # insilicho seeds numpy's global generator
        try:
            model = cho.GrowCHO(None, feed_fn=lambda t: rate if t >= start else 0.0,
                                temp_fn=lambda t: t_grow if t < shift else t_prod,
                                random_seed=self.seed)
            result = model.execute(sampling_stddev=0.0)
        except RuntimeError:  # the solver failed: a dead culture
            return 0.0
        finally:
            np.random.set_state(state)
        return float(result["Cmab"][-1])


# --------------------------------------------------------------------------- IndPenSim
class _UntilRecipe:
    """Set-points as IndPenSim's MATLAB reads them: each value holds *until* its time.

    ``pensimpy``'s own ``Recipe`` applies each value *from* its time, which shifts every
    step of the default recipe one interval late (the discharges then empty the vessel at
    about 134 h). This object stands in for its ``RecipeCombo``.
    """

    def __init__(self, profiles: dict, scales: dict):
        self.table = {name: (np.array([sp["time"] for sp in prof], dtype=np.float64),
                             np.array([sp["value"] for sp in prof], dtype=np.float64) * scales.get(name, 1.0))
                      for name, prof in profiles.items()}

    def get_values_dict_at(self, time: float) -> dict:
        out = {}
        for name, (times, values) in self.table.items():
            i = int(np.searchsorted(times, time, side="left"))
            out[name] = float(values[min(i, len(values) - 1)])
        return out


_FAST_ODE = None


def _compiled_ode():
    """IndPenSim's ODE right-hand side compiled by numba (or None without numba).

    The function's text is taken from pensimpy at run time; its derivative list
    (``[0] * 33``, integers) becomes a float array so numba types it as floats.
    """
    global _FAST_ODE
    if _FAST_ODE is not None:
        return _FAST_ODE or None
    try:
        import inspect
        import math

        import numba
        from pensimpy.ode import indpensim_ode_py as ode_module

        src = inspect.getsource(ode_module.indpensim_ode_py)
        if src.count("dy = [0] * 33") != 1:
            raise ImportError("unexpected pensimpy ODE source")
        namespace = {"math": math, "np": np}
        exec(src.replace("dy = [0] * 33", "dy = np.zeros(33)"), namespace)  # noqa: S102
        jitted = numba.njit(cache=False)(namespace["indpensim_ode_py"])

        def rhs(t, y, par):
            return jitted(t, y, np.asarray(par, dtype=np.float64))

        _FAST_ODE = rhs
    except ImportError:
        _FAST_ODE = False
    return _FAST_ODE or None


class IndPenSim(_Reactor):
    """Industrial penicillin fed batch (``pensimpy``), 230 h, default recipe rescaled.

    Parameters
    ----------
    seed : int
        pensimpy's batch ``random_seed`` (initial conditions, kinetic variation) and the
        measurement-noise stream.
    noise : float
        Relative standard deviation of the titer measurement.
    """

    factors = Factors([
        Factor("sugar_feed_scale", "continuous", 0.6, 1.4),
        Factor("oil_feed_scale", "continuous", 0.6, 1.4),
        Factor("aeration_scale", "continuous", 0.7, 1.3),
        Factor("pH_setpoint", "continuous", 6.3, 6.7),
        Factor("temperature_setpoint", "continuous", 296.0, 300.0),  # K
    ])

    def __init__(self, seed: int = 0, noise: float = 0.02):
        super().__init__(seed, noise)
        sys.modules.setdefault("fastodeint", types.ModuleType("fastodeint"))  # optional C++ solver, unused with fast=False
        _require("pensimpy", "pip install --no-deps pensimpy")

    def _simulate(self, row) -> float:
        import pensimpy.peni_env_setup as env_module
        from pensimpy.data import constants as c

        fast = _compiled_ode()
        original = env_module.indpensim_ode_py
        if fast is not None:
            env_module.indpensim_ode_py = fast
        try:
            profiles = {c.FS: c.FS_DEFAULT_PROFILE, c.FOIL: c.FOIL_DEFAULT_PROFILE,
                        c.FG: c.FG_DEFAULT_PROFILE, c.PRES: c.PRESS_DEFAULT_PROFILE,
                        c.DISCHARGE: c.DISCHARGE_DEFAULT_PROFILE, c.WATER: c.WATER_DEFAULT_PROFILE,
                        c.PAA: c.PAA_DEFAULT_PROFILE}
            recipe = _UntilRecipe(profiles, {c.FS: float(row["sugar_feed_scale"]),
                                             c.FOIL: float(row["oil_feed_scale"]),
                                             c.FG: float(row["aeration_scale"])})
            env = env_module.PenSimEnv(recipe_combo=recipe, fast=False)
            env.ctrl_flags.pH_sp = float(row["pH_setpoint"])
            env.ctrl_flags.T_sp = float(row["temperature_setpoint"])
            (batch, _), _ = env.get_batches(random_seed=self.seed, include_raman=False)
        except (ZeroDivisionError, FloatingPointError, ValueError, OverflowError):
            return 0.0  # the simulated plant failed (e.g. an emptied vessel): no product
        finally:
            env_module.indpensim_ode_py = original
        return float(batch["Penicillin Concentration"].iloc[-1])
