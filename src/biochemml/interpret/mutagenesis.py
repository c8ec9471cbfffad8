"""In-silico mutagenesis: what every single-letter change of a sequence does to a prediction.

The model predicts the sequence and each of its ``L x (C - 1)`` single substitutions; the
change of each substitution against the sequence itself is its effect. It needs nothing but
``predict`` (or ``predict_proba``), so it works the same for every trained biochemml
sequence model: CNN, MLP, FramePool, an ensemble or a scikit-learn baseline. It is exact for
the model, unlike gradient saliency, which is a first-order guess of the same numbers (Zhou &
Troyanskaya 2015, DeepSEA; Alipanahi et al. 2015, DeepBind, Fig. 2 "mutation maps").
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..alphabets import get_alphabet
from ..errors import AmbiguityWarning, InputError, LengthWarning, ModelError

#: substitutions predicted per call of the model (memory stays at a few MB of one-hot)
CHUNK = 8192
#: probabilities are clipped here before the log-odds, so a certain call stays finite
_P_CLIP = 1e-6


@dataclass
class Mutagenesis:
    """The result of :func:`mutagenesis`.

    Attributes
    ----------
    sequences : list of str
        The sequences, upper case, as the model read them.
    symbols : str
        The letters of the model's alphabet, in channel order (``"ACGT"`` for DNA).
    reference : ndarray of shape (N,)
        The model's output for each sequence as given.
    effects : ndarray of shape (N, L, C)
        Output of the sequence with position ``i`` changed to letter ``c``, minus
        ``reference``; 0 at the letter the sequence holds, NaN past the end of a sequence
        shorter than the longest (``L``).
    output : str
        What the numbers are, e.g. ``"log-odds of class 1"`` or ``"predicted mrl"``.
    column : str
        The name of those numbers in a table: ``"prediction"``, or ``"log_odds_1"`` for a
        classifier (whose ``prediction`` elsewhere is a class label).
    ids : list, optional
        A name for each sequence: the index labels of a pandas Series or DataFrame given
        to :func:`mutagenesis` (as :func:`biochemml.design.evolve` keeps them), so that
        :meth:`to_frame` merges back on that index; ``None`` for a list (then 0, 1, ...).

    Positions the model does not read (past its input length, for a model that cuts longer
    sequences) have NaN effects: changing them changes nothing because the model never sees
    them, not because they do not matter.
    """

    sequences: list
    symbols: str
    reference: np.ndarray
    effects: np.ndarray
    output: str
    column: str = "prediction"
    ids: list | None = None

    def __repr__(self) -> str:  # not the arrays: a notebook cell shows what the result is
        n, length = self.effects.shape[:2]
        own = np.zeros(self.effects.shape, dtype=bool)  # each sequence's own letters
        for k, seq in enumerate(self.sequences):
            for i, ch in enumerate(seq[:length]):
                if ch in self.symbols:
                    own[k, i, self.symbols.index(ch)] = True
        made = int((np.isfinite(self.effects) & ~own).sum())  # as to_frame lists them
        return (f"Mutagenesis({n} sequence{'s' if n != 1 else ''} of up to {length} letters, "
                f"{made} substitutions, output={self.output!r}; .to_frame() for the table)")

    @property
    def importance(self) -> np.ndarray:
        """``(N, L)``: how much each letter of each sequence raises the output against the
        mean of the other letters there (the reference minus the mean of its substitutions).

        Positive: the letter the sequence holds helps the output; negative: it hurts. NaN
        at an unknown letter (N): the model reads it as no letter at all, so there is no
        letter of its own to compare with the others (the effects of each letter there are
        in :attr:`effects`); NaN past the end.
        """
        width = self.effects.shape[1]
        own = np.array([[ch in self.symbols for ch in s.ljust(width)] for s in self.sequences],
                       dtype=bool).reshape(len(self.sequences), width)
        n_sub = len(self.symbols) - 1
        with np.errstate(invalid="ignore"):
            return np.where(own, -self.effects.sum(axis=-1) / n_sub, np.nan)

    def to_frame(self, ids=None) -> pd.DataFrame:
        """One row per substitution, the columns of ``mutagenesis.csv``.

        Parameters
        ----------
        ids : sequence of str, optional
            A name for each of the N sequences; by default :attr:`ids`: the index labels
            of a pandas Series or DataFrame given to :func:`mutagenesis` (so the table
            merges back on that index), else the number (0, 1, ...) in the input.

        Returns
        -------
        DataFrame
            ``id`` (from ``ids``), ``position`` (1-based), ``reference`` and ``alternative``
            letters, the mutant's prediction (the column named :attr:`column`), ``change``
            (that minus the sequence's own) and ``importance`` (of the reference letter at
            that position, :attr:`importance`).
        """
        if ids is None:  # the input's index labels, else positions
            ids = list(range(len(self.sequences))) if self.ids is None else list(self.ids)
        ids = list(ids)
        if len(ids) != len(self.sequences):
            raise InputError(f"{len(ids)} ids given for {len(self.sequences)} sequences: give "
                             "one id a sequence")
        importance = self.importance
        rows = []
        for n, seq in enumerate(self.sequences):
            for i, ref in enumerate(seq):
                for c, alt in enumerate(self.symbols):
                    if alt == ref:
                        continue
                    change = float(self.effects[n, i, c])
                    rows.append((ids[n], i + 1, ref, alt, float(self.reference[n]) + change,
                                 change, float(importance[n, i])))
        return pd.DataFrame(rows, columns=["id", "position", "reference", "alternative",
                                           self.column, "change", "importance"])


def _scorer(model, output, purpose: str = "explain"):
    """``(score(list of str) -> (N,) array, description, column name, index)`` for a fitted
    model; ``index`` is the class's column of ``predict_proba`` or the target's column.

    ``output``: a class label (classifiers), or a target number or name (regressors; names
    from ``target_names_``, which run folders record). ``purpose`` completes "name the one
    to ..." when a model of several classes or targets is given none ("explain",
    "design for")."""
    if hasattr(model, "predict_proba") and hasattr(model, "classes_"):
        classes = list(model.classes_)
        keys = [str(c) for c in classes]
        if output is None:
            if len(classes) != 2:
                raise InputError(f"the model has {len(classes)} classes ({', '.join(keys)}): "
                                 f"name the one to {purpose} (output= in Python, --output on "
                                 "the command line)")
            # a run folder's positive class (load_sequence_run), else the second class
            positive = getattr(model, "positive_class_", None)
            output = positive if str(positive) in keys else classes[1]
        if str(output) not in keys:
            raise InputError(f"output {output!r} is not one of the model's classes "
                             f"{', '.join(map(repr, keys))}")
        k = keys.index(str(output))

        def score(seqs):
            p = np.clip(model.predict_proba(seqs)[:, k], _P_CLIP, 1 - _P_CLIP)
            return np.log(p / (1 - p))
        return score, f"log-odds of class {output}", f"log_odds_{output}", k
    n_targets = int(getattr(model, "n_targets_", 1) or 1)
    names = [str(t) for t in (getattr(model, "target_names_", None) or [])]
    if len(names) != n_targets:
        names = []
    if output is None:
        if n_targets > 1:
            listed = " or ".join(names) if names else f"0 to {n_targets - 1}"
            raise InputError(f"the model predicts {n_targets} targets: name the one to "
                             f"{purpose} ({listed}; output= in Python, --output on the command line)")
        output = 0
    if isinstance(output, str) and output in names:
        output = names.index(output)
    if isinstance(output, bool) or not isinstance(output, (int, np.integer)) \
            or not 0 <= output < n_targets:
        listed = " or ".join(names) if names else (
            "0 (the model predicts one value)" if n_targets == 1 else
            f"a number from 0 to {n_targets - 1}")
        raise InputError(f"output must be {listed} for this model, got {output!r}")
    output = int(output)

    def score(seqs):
        pred = np.asarray(model.predict(seqs), dtype=float)
        return pred.reshape(len(seqs), -1)[:, output]
    what = names[output] if names else ("value" if n_targets == 1 else f"target {output}")
    return score, f"predicted {what}", "prediction", output


def as_model(model):
    """A fitted model, the one of a model file written by ``save()``, or the one of a run
    folder (knowing its target names)."""
    if isinstance(model, (str, bytes)) or hasattr(model, "__fspath__"):
        import os
        from pathlib import Path

        path = Path(os.fsdecode(model))
        if path.is_file():  # what SequenceClassifier.save / SequenceRegressor.save write
            from ..estimators import load

            return load(path)
        if not path.exists():
            raise ModelError(f"{path} does not exist: pass a fitted model, a model file "
                             "written by its save() method, or a run folder written by "
                             "biochemml train")
        from .folder import load_sequence_run

        return load_sequence_run(path)[1]
    return model


def sequence_list(sequences, what: str = "mutate") -> list:
    """The sequences as a list of str: strings, Biopython records, a pandas Series or a
    one-column DataFrame (as the estimators take), or a generator."""
    from ..encode.codes import as_sequence_list

    seqs, _ = as_sequence_list(sequences)  # a one-column DataFrame is its column
    if not seqs:
        raise InputError(f"no sequences were given to {what}")
    return seqs


def display_symbols(model, seqs: list) -> tuple[str, list]:
    """The model's letters as the user writes them, and the sequences upper case.

    A DNA model reads U as T (an RNA model T as U): a table written wholly in the other
    nucleotide letter keeps its own letter in every output (``ACGU`` for an RNA table on a
    DNA model); a mixed table is written in the model's letters."""
    symbols = get_alphabet(model.alphabet).symbols
    seqs = [s.upper() for s in seqs]
    own = next((x for x in "TU" if x in symbols), None)
    if own is None:  # protein
        return symbols, seqs
    other = "U" if own == "T" else "T"
    if any(other in s for s in seqs) and not any(own in s for s in seqs):
        return symbols.replace(own, other), seqs
    return symbols, [s.replace(other, own) for s in seqs]


def _unread(model, seqs: list, width: int) -> np.ndarray:
    """``(N, width)`` True where a model that cuts long sequences never reads the position."""
    mask = np.zeros((len(seqs), width), dtype=bool)
    length = getattr(model, "input_length_", None)
    if length is None or getattr(model, "reads_any_length", False):
        return mask
    keeps_end = getattr(model, "pad", "right") == "left"  # 3'-aligned: the 5' end is cut
    for n, s in enumerate(seqs):
        if len(s) > length:
            if keeps_end:
                mask[n, :len(s) - length] = True
            else:
                mask[n, length:len(s)] = True
    return mask


def mutagenesis(model, sequences, *, output=None, progress: bool = False) -> Mutagenesis:
    """Predict every single substitution of each sequence (in-silico mutagenesis).

    Parameters
    ----------
    model : fitted estimator or str or Path
        A :class:`biochemml.SequenceClassifier`, :class:`biochemml.SequenceRegressor`, a
        baseline, a model file written by its ``save()`` method, or a run folder written
        by ``biochemml train`` (its model is loaded).
    sequences : str, sequence of str, pandas Series or one-column DataFrame
        The sequences to mutate; ``N`` letters stay (every letter is tried there, and the
        importance there is NaN). An RNA table on a DNA model (or the reverse) keeps its
        own letters in the result. A Series or DataFrame's index labels become the
        result's ``ids`` (the ``id`` column of ``to_frame()``, the map titles).
    output : optional
        What to explain. Classifiers: a class label (default the positive class of a run
        folder, as ``biochemml interpret`` explains, else the second of two classes, e.g.
        ``1``); the effect is on its log-odds, ``log(p / (1 - p))``, which does not
        saturate as a probability does. Regressors: a target number, or its name for a
        model loaded from a run folder (default the only target of a single-target model).
    progress : bool
        Show a progress bar.

    Returns
    -------
    Mutagenesis
        ``effects`` of shape ``(N, L, C)`` and ``importance`` of shape ``(N, L)``; one
        sequence gives ``N = 1``. ``ids``: the input's index labels, or ``None``.

    Examples
    --------
    >>> from biochemml import SequenceClassifier                 # doctest: +SKIP
    >>> m = mutagenesis(clf, "ATTGCCGGAAGTCAGTCCAT")           # doctest: +SKIP
    >>> m.importance[0].argmax() + 1   # the 1-based position that matters most  # doctest: +SKIP
    """
    from ..progress import progress_bar

    model = as_model(model)
    if not (hasattr(model, "predict") and hasattr(model, "alphabet")):
        raise ModelError(f"{type(model).__name__} is not a biochemml sequence model; "
                         "pass a fitted SequenceClassifier or SequenceRegressor, or a run folder")
    symbols, seqs = display_symbols(model, sequence_list(sequences))
    score, described, column, _ = _scorer(model, output)
    reference = score(seqs)  # warns once here about lengths the model did not see
    width, c = max(map(len, seqs)), len(symbols)
    effects = np.full((len(seqs), width, c), np.nan)
    letters = np.frombuffer(symbols.encode("ascii"), dtype=np.uint8)
    pending: list = []  # (sequence index, positions, letter indices, mutant strings)
    waiting = 0  # mutants in pending

    def flush():
        mutants = [m for *_, batch in pending for m in batch]
        with warnings.catch_warnings():  # said once for the sequences themselves
            warnings.simplefilter("ignore", LengthWarning)
            warnings.simplefilter("ignore", AmbiguityWarning)
            values = score(mutants)
        at = 0
        for n, pos, let, batch in pending:
            effects[n, pos, let] = values[at:at + len(batch)] - reference[n]
            at += len(batch)
        pending.clear()

    with progress_bar(len(seqs), "Mutating", enabled=progress) as advance:
        for n, seq in enumerate(seqs):
            base = np.frombuffer(seq.encode("ascii", "replace"), dtype=np.uint8)
            grid = np.repeat(base[None, :], len(seq) * c, axis=0)  # (L * C, L)
            pos, let = np.divmod(np.arange(len(seq) * c), c)
            grid[np.arange(len(grid)), pos] = letters[let]
            keep = letters[let] != base[pos]
            effects[n, pos[~keep], let[~keep]] = 0.0
            pending.append((n, pos[keep], let[keep],
                            [row.tobytes().decode("ascii") for row in grid[keep]]))
            waiting += int(keep.sum())
            if waiting >= CHUNK:
                flush()
                waiting = 0
            advance()
        if pending:
            flush()
    effects[_unread(model, seqs, width)] = np.nan
    ids = list(sequences.index) if isinstance(sequences, (pd.Series, pd.DataFrame)) else None
    return Mutagenesis(seqs, symbols, reference, effects, described, column, ids)
