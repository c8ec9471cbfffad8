"""Motifs: PFM / PWM / log-odds PSSM, scanning, exact p-values, JASPAR/MEME/TRANSFAC files.

>>> from biochemml.motifs import PWM
>>> pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
>>> pwm.consensus
'TACAA'
"""
from .formats import jaspar, load, read, write
from .pvalues import ScoreDistribution, score_threshold
from .pwm import PWM
from .scan import best_hits, find_hits, score_windows

__all__ = ["PWM", "ScoreDistribution", "score_threshold", "score_windows", "best_hits",
           "find_hits", "read", "write", "jaspar", "load"]
