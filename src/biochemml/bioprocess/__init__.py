"""Bioreactor runs: operating conditions -> production, with uncertainty, and the next runs.

The road: declare :class:`Factors` (bounds, levels, constraints), make a first-round
:func:`design`, fit a :class:`ConditionModel` with uncertainty (Gaussian process by default),
compare models by :func:`cross_validate`, and :func:`recommend` the next batch of runs.
:func:`replay` re-plays a past campaign cycle by cycle to show how well the model would have
predicted each new round.
"""
from .design import design, fractional_factorial
from .evaluate import cross_validate, feature_importance
from .factors import Factor, Factors, LinearConstraint, parse_constraint
from .models import ConditionModel
from .recommend import pareto_front, recommend
from .replay import replay
from .runs import Runs, check_runs

__all__ = ["Factor", "Factors", "LinearConstraint", "parse_constraint", "design",
           "fractional_factorial", "ConditionModel", "cross_validate", "feature_importance",
           "recommend", "pareto_front", "replay", "Runs", "check_runs"]
