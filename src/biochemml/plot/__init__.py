"""Every biochemml figure, ready for a slide.

Each function draws one figure (fonts of at least 11 pt, labelled axes, a title), returns the
:class:`matplotlib.figure.Figure`, and when ``path`` is given saves it there in the format its
suffix names (.png, .svg, .pdf, .jpg, .tif; PNG when it names none), at 150 dpi;
``formats=("png", "svg")`` for an SVG next to the PNG. Figures are made without pyplot,
so nothing opens a window and nothing needs closing.

=====================================  ==============================================
:func:`training_curves`                loss and metrics per epoch, best epoch marked
:func:`confusion_matrix`               counts and row percentages, TP/FP/FN/TN read-out
:func:`roc_curve`, :func:`pr_curve`    with AUC / average precision and the chance line
:func:`observed_vs_predicted`          scatter (density above 5,000 points), R², r, ρ
:func:`residuals`                      measured − predicted against prediction or any x
:func:`metric_by_group`                e.g. R² by distance to the nearest training sequence
:func:`sequence_logo`                  logomaker logo in bits or probability
:func:`mutagenesis_map`                in-silico mutagenesis: importance logo over the effect of every substitution
=====================================  ==============================================
"""
from .classification import confusion_matrix, pr_curve, roc_curve
from .interpret import mutagenesis_map
from .logo import sequence_logo
from .regression import metric_by_group, observed_vs_predicted, residuals
from .training import training_curves

__all__ = ["training_curves", "confusion_matrix", "roc_curve", "pr_curve", "observed_vs_predicted",
           "residuals", "metric_by_group", "sequence_logo", "mutagenesis_map"]
