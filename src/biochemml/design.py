"""Sequence design: in-silico directed evolution with a trained model.

Each round predicts every single substitution of each sequence (:func:`biochemml.interpret.mutagenesis`)
and keeps the one that improves the prediction most, as a greedy walk uphill (the "in-silico
evolution" of Vaishnav et al. 2022, Nature 603:455, for promoters). The walk stays within
``max_mutations`` of the starting sequence: a model is trusted near the sequences it learnt
from, and a design 20 mutations away is the model's extrapolation, not a measurement to bet on.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError

#: mutations a design may carry by default (a trust region around the starting sequence)
DEFAULT_MAX_MUTATIONS = 3


def fixed_positions(fixed) -> list:
    """The positions of ``fixed``: 1-based from the 5' end, or negative from the 3' end
    (``-1`` is the last letter); one number, a list or array of them, or text such as
    ``"1-3,20"`` or ``"-3,-2,-1"``."""
    if fixed is None:
        return []
    if isinstance(fixed, str):
        return parse_positions(fixed)
    items = [fixed] if np.ndim(fixed) == 0 else list(np.asarray(fixed).ravel())
    out = []
    for p in items:
        if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, np.integer)) or p == 0:
            shown = p.item() if isinstance(p, np.generic) else p
            raise InputError(f"fixed positions are whole numbers counted from 1 (or from -1 at "
                             f"the 3' end), got {shown!r}")
        out.append(int(p))
    return out


def _positions(fixed: list, length: int) -> np.ndarray:
    """Boolean ``(length,)`` mask of the positions in ``fixed`` (1-based, or negative from
    the end)."""
    mask = np.zeros(length, dtype=bool)
    for p in fixed:
        if 0 < p <= length:
            mask[p - 1] = True
        elif -length <= p < 0:
            mask[length + p] = True
    return mask


def parse_positions(text: str) -> list:
    """``"1-5,20"`` -> ``[1, 2, 3, 4, 5, 20]`` (1-based positions, ranges inclusive);
    negative numbers count from the 3' end: ``"-3,-2,-1"`` are the last three letters."""
    out = []
    for part in str(text).replace(" ", "").split(","):
        if not part:
            continue
        if part.startswith("-") and part[1:].isdigit() and int(part[1:]) > 0:
            out.append(int(part))
            continue
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise InputError(f"positions are written as 1-5,20 (counted from 1) or -3,-2,-1 "
                             f"(from the 3' end), got {text!r}")
        lo_i, hi_i = int(lo), int(hi or lo)
        if lo_i < 1 or hi_i < lo_i:
            raise InputError(f"position range {part} must count up from 1")
        out.extend(range(lo_i, hi_i + 1))
    return out


def _in_case_of(seq: str, written: str) -> str:
    """``seq`` (upper case) in the case of ``written`` position by position: a lower-case
    table keeps lower-case designs, and a soft-masked (lower-case) stretch stays so."""
    if len(seq) != len(written):
        return seq
    return "".join(c.lower() if w.islower() else c for c, w in zip(seq, written))


def evolve(model, sequences, *, rounds: int = 10, max_mutations: int | None = DEFAULT_MAX_MUTATIONS,
           maximise: bool = True, fixed=None, output=None, progress: bool = False) -> pd.DataFrame:
    """Improve sequences one substitution at a time, as the model predicts.

    Parameters
    ----------
    model : fitted estimator or str or Path
        Any biochemml sequence model, a model file written by its ``save()`` method, or a
        run folder (as for
        :func:`biochemml.interpret.mutagenesis`).
    sequences : str or sequence of str
        Starting sequences (say the best measured ones).
    rounds : int, default 10
        Substitutions tried at most; a sequence stops early when no substitution improves it
        (or none is allowed).
    max_mutations : int or None, default 3
        Positions a design may differ at from its starting sequence (``None``: no limit).
    maximise : bool, default True
        ``False`` lowers the prediction instead.
    fixed : int, sequence of int or str, optional
        Positions never changed (a start codon, a restriction site, a primer): 1-based from
        the 5' end of each sequence, or negative from its 3' end (``-1`` is the last letter:
        for 5' UTRs of different lengths, the bases next to the start codon); text such as
        ``"1-3,20"`` or ``"-3,-2,-1"`` works too.
    output : optional
        As for :func:`biochemml.interpret.mutagenesis`: the class (its log-odds) or target.
    progress : bool
        Show a progress bar per round.

    Returns
    -------
    pandas.DataFrame
        One row per starting sequence (a Series or one-column DataFrame keeps its index):
        ``start`` and ``design`` in the letters and case the sequences are written in (an
        RNA sequence keeps U, a lower-case one stays lower case), ``mutations`` (``G5A
        T9C``: how the design differs from the start, as start letter, 1-based position,
        design letter, in the order the positions were first changed; a position changed
        twice (G5C, then C5A) is one mutation, G5A; capital letters, U for RNA), ``n_mutations`` (their number), ``start_prediction`` and ``prediction`` (for a classifier
        ``start_log_odds_<class>`` and ``log_odds_<class>``) and, for a regressor ensemble,
        ``prediction_std`` of the design and its 95 % interval, ``lower_95`` and ``upper_95``
        (a large spread warns of a design far from what the
        model learnt). ``attrs["output"]`` says what the numbers are.
    """
    from .interpret import mutagenesis
    from .interpret.mutagenesis import _scorer, as_model, sequence_list
    from .progress import say

    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or rounds < 1:
        raise InputError(f"rounds must be a whole number >= 1, got {rounds!r}")
    if max_mutations is not None and (isinstance(max_mutations, bool) or not isinstance(
            max_mutations, (int, np.integer)) or max_mutations < 1):
        raise InputError(f"max_mutations must be a whole number >= 1 or None, got {max_mutations!r}")
    model = as_model(model)
    fixed = fixed_positions(fixed)
    seqs = sequence_list(sequences, "design from")  # once: a generator is read only once
    longest = max((len(q) for q in seqs), default=0)
    beyond = [p for p in fixed if abs(p) > longest]
    if beyond:
        raise InputError(f"fixed position{'s' if len(beyond) > 1 else ''} "
                         f"{', '.join(map(str, beyond))} lie{'' if len(beyond) > 1 else 's'} "
                         f"past the end of every sequence (at most {longest} letters), so "
                         f"{'they fix' if len(beyond) > 1 else 'it fixes'} nothing; positions "
                         "count from 1 at the 5' end, or from -1 at the 3' end")
    _scorer(model, output, "design for")  # a run of several targets needs one named first
    if progress:
        say(f"Round 1 of {rounds}: every single substitution of {len(seqs)} sequences")
    first = mutagenesis(model, seqs, output=output, progress=progress)  # checks the model
    starts = list(first.sequences)
    current = list(starts)
    made: list = [[] for _ in starts]
    sign = 1.0 if maximise else -1.0
    symbols = first.symbols
    active = list(range(len(starts)))
    result = first
    for step in range(rounds):
        if step:
            if progress:
                say(f"Round {step + 1} of {rounds}: {len(active)} of {len(starts)} sequences "
                    "still improving")
            result = mutagenesis(model, [current[i] for i in active], output=output,
                                 progress=progress)
        still = []
        for k, i in enumerate(active):
            seq, start = current[i], starts[i]
            gain = sign * result.effects[k, :len(seq)].copy()               # (L, C)
            gain[_positions(fixed, len(seq))] = -np.inf
            if max_mutations is not None:
                differs = np.fromiter((a != b for a, b in zip(seq, start)), bool, len(seq))
                if differs.sum() >= max_mutations:  # only positions already changed may move
                    gain[~differs] = -np.inf
            for p, ch in enumerate(seq):  # the letter already there is no change
                if ch in symbols:
                    gain[p, symbols.index(ch)] = -np.inf
            if not np.isfinite(gain).any() or np.nanmax(gain) <= 0:
                continue
            p, c = np.unravel_index(np.nanargmax(np.where(np.isfinite(gain), gain, -np.inf)),
                                    gain.shape)
            made[i].append(int(p))
            current[i] = seq[:p] + symbols[c] + seq[p + 1:]
            still.append(i)
        active = still
        if not active:
            break
    column = first.column
    score, _, _, k = _scorer(model, output)
    spread = getattr(model, "n_models_", 1) > 1 and not hasattr(model, "classes_")
    if spread:  # a regression ensemble: mean, spread and 95 % interval from one prediction
        if hasattr(model, "predict_bounds"):
            mean, std, bounds = model.predict_bounds(current)
            bounds = np.asarray(bounds, dtype=float).reshape(len(current), -1, 4)[:, k]
        else:
            mean, std = model.predict(current, return_std=True)
            bounds = None
        values = np.asarray(mean, dtype=float).reshape(len(current), -1)[:, k]
    else:
        values = score(current)
    table = pd.DataFrame({
        "start": [_in_case_of(q, w) for q, w in zip(starts, seqs)],
        "design": [_in_case_of(q, w) for q, w in zip(current, seqs)],
        "mutations": [" ".join(f"{s[p]}{p + 1}{d[p]}" for p in dict.fromkeys(m) if d[p] != s[p])
                      for m, s, d in zip(made, starts, current)],
        "n_mutations": [sum(a != b for a, b in zip(d, s)) for d, s in zip(current, starts)],
        f"start_{column}": first.reference.astype(float), column: values},
        index=sequences.index if isinstance(sequences, (pd.Series, pd.DataFrame)) else None)
    if spread:
        table["prediction_std"] = np.asarray(std).reshape(len(current), -1)[:, k]
        if bounds is not None:  # as predict writes them (a log target's are asymmetric)
            table["lower_95"], table["upper_95"] = bounds[:, 2], bounds[:, 3]
    table.attrs["output"] = first.output
    return table
