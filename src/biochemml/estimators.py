"""scikit-learn style faces for the sequence models: fit, predict, score, save, load.

>>> from biochemml import SequenceClassifier                        # doctest: +SKIP
>>> clf = SequenceClassifier(seed=0).fit(train.sequence, train.label)  # doctest: +SKIP
>>> clf.predict(test.sequence), clf.score(test.sequence, test.label)  # doctest: +SKIP

Hyper-parameters live in ``__init__`` only; what is learned ends in ``_`` (``classes_``,
``models_``, ``history_``), as in scikit-learn.
"""
from __future__ import annotations

import inspect
import warnings
from contextlib import contextmanager

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from . import __version__
from .alphabets import get_alphabet
from .errors import InputError, ModelError
from .numeric import as_number, labels_look_like_values, whole_floats_as_int
from .seeding import keeps_random_state, seeded
from .targets import check_target_transform, measured_values, value_array

MODEL_FORMAT = "biochemml-sequence-model"
MODEL_FORMAT_VERSION = 1

from .presets import (AUTO_ENSEMBLE_MAX_ROWS, AUTO_ENSEMBLE_SIZE, DEFAULT_MODEL,
                      presets as _presets)


def valid_n_models(value) -> bool:
    """Whether ``value`` can be a number of ensemble members: ``"auto"`` or a whole number
    of at least 1 (not a bool)."""
    return value == "auto" or (isinstance(value, (int, np.integer))
                               and not isinstance(value, bool) and value >= 1)


def _length_unit(alphabet) -> str:
    return "residues" if str(getattr(alphabet, "name", alphabet)).lower().startswith(
        ("prot", "aa", "amino")) else "nt"


def length_notes(seqs, est, where=None) -> list[tuple[str, str]]:
    """Sentences on sequences of lengths a fitted model did not train on.

    Parameters
    ----------
    seqs : list of str
    est : fitted estimator
        A sequence estimator or baseline (``input_length_``, ``train_lengths_``, ``pad``,
        ``alphabet``, ``reads_any_length``, ``model_name_``).
    where : callable, optional
        ``where(positions) -> str``: which sequences they are (``" (rows 3, 7)"``), given
        the 0-based positions in ``seqs``; written after the count. Default: 0-based index.

    Returns
    -------
    list of (str, str)
        Each sentence in two parts, the finding and what it means: sequences shorter
        than every training sequence; longer than the model's input (which end was
        kept), or, for a model that reads any length, longer than every training one.
        Empty when every length was seen in training.
    """
    length = getattr(est, "input_length_", None)
    if length is None:
        return []
    where = where or _at_index
    notes = []
    unit = _length_unit(est.alphabet)
    shortest, longest = getattr(est, "train_lengths_", (0, 0))
    lengths = np.array([len(q) for q in seqs])

    def counted(index) -> str:  # "2 sequences (at index 0, 1) are"
        one = index.size == 1
        return f"{index.size} sequence{'' if one else 's'}{where(index)} {'is' if one else 'are'}"

    short = np.flatnonzero(lengths < shortest)
    if short.size:
        seen = (f"all {shortest} {unit}" if shortest == longest else
                f"{shortest} {unit} or more")
        notes.append((f"{counted(short)} shorter than every training sequence ({seen})",
                      f": the model never saw such lengths, so read "
                      f"{'its prediction' if short.size == 1 else 'their predictions'} with care"))
    long = np.flatnonzero(lengths > length)
    one = long.size == 1
    if long.size and getattr(est, "reads_any_length", False):
        notes.append((f"{counted(long)} longer than every training sequence ({length} {unit} "
                      "at most)",
                      f": {est.model_name_} reads {'it' if one else 'them'} whole, but never "
                      f"saw such lengths, so read {'its prediction' if one else 'their predictions'}"
                      " with care"))
    elif long.size:
        kept, side = (("last", "aligns sequences at their end: pads and cuts on the left")
                      if est.pad == "left" else
                      ("first", "aligns sequences at their start: pads and cuts on the right"))
        notes.append((f"{counted(long)} longer than the {length} {unit} the model was trained "
                      "on",
                      f"; {'its' if one else 'their'} {kept} {length} {unit} were used (the "
                      f"model {side})"))
    return notes


def check_values_differ(values: np.ndarray, several: bool = False) -> None:
    """Refuse measured values that are all the same (per target): nothing to learn.

    Parameters
    ----------
    values : ndarray of shape (N, T)
        From :func:`biochemml.targets.measured_values` (NaN: not measured).
    several : bool
        Whether ``y`` had several targets (the sentence then names the target by its
        column of ``y``).

    Raises
    ------
    biochemml.errors.InputError
        With the sentence ``biochemml train`` gives for such a column.

    Examples
    --------
    >>> check_values_differ(np.array([[5.0], [5.0], [5.0]]))
    Traceback (most recent call last):
    ...
    biochemml.errors.InputError: every row has the value 5: a regression needs values that differ
    """
    for t in range(values.shape[1]):
        finite = values[np.isfinite(values[:, t]), t]
        measured = np.unique(finite)
        if len(measured) == 1 and len(finite) > 1:  # one row: "at least 2" says it better
            what = (f"every measured value of target {t} (y[:, {t}]) is {measured[0]:g}"
                    if several else f"every row has the value {measured[0]:g}")
            raise InputError(f"{what}: a regression needs values that differ")


def _epoch_ticker(plain, n_rows: int, batch_size: int, epochs: int, member: int,
                  n_members: int):
    """A forward pre-hook for a network in training that tells ``plain``
    (:class:`biochemml.progress.PlainProgress`) the epoch it is in, from the training
    batches it has seen (as :func:`biochemml.train.batch_starts` forms them)."""
    from .train import batch_starts

    per_epoch = max(1, len(batch_starts(n_rows, batch_size, training=True)))
    seen = [0]

    def hook(module, _inputs):
        if not module.training:  # validation and prediction batches
            return
        seen[0] += 1
        epoch = min(epochs, (seen[0] - 1) // per_epoch + 1)
        plain.tick(lambda: f"Training: epoch {epoch} of {epochs}"
                   + (f" (network {member + 1} of {n_members})" if n_members > 1 else ""))

    return hook


def _at_index(rows, labels=None) -> str:
    """`` (at index 3, 7, 12, ...)``: the first five of ``rows`` (0-based positions), by
    their ``labels`` (a pandas input's index) when given."""
    rows = np.asarray(rows, dtype=int)
    named = rows[:5] if labels is None else [labels[r] for r in rows[:5]]
    return " (at index " + ", ".join(map(str, named)) + (", ..." if rows.size > 5 else "") + ")"


def _pandas_index(data):
    """The index of a pandas input (a Series, or a DataFrame's rows), else None."""
    return data.index if isinstance(data, (pd.Series, pd.DataFrame)) else None


@contextmanager
def _rows_named(*inputs):
    """Name the row of an :class:`InputError` raised inside by its label in the index of
    the first pandas object among ``inputs``: the warnings name rows so, and a user fixes
    a row with ``df.loc[label]``. A range index from 0 already counts as positions do."""
    index = next((i for i in map(_pandas_index, inputs) if i is not None), None)
    try:
        yield
    except InputError as err:
        plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
        if index is None or plain or err.row is None or err.path is not None \
                or err.label is not None or not 0 <= err.row < len(index):
            raise
        raise err.at_label(index[err.row]) from None


def _check_paired(sequences, y, sample_weight=None, validation: bool = False) -> None:
    """Refuse pandas inputs that share index labels with the sequences but not in the same
    order (:func:`biochemml.metrics.check_same_index`): they would be paired by position,
    a row's sequence with another row's value (R² 0.66 -> -0.09 for values sorted by their
    index)."""
    from .encode.codes import sequence_column_of
    from .metrics import check_same_index

    names = ("validation sequences", "validation y") if validation else ("sequences", "y")
    check_same_index(**{names[0]: sequence_column_of(sequences), names[1]: y,
                        "sample_weight": sample_weight})


def user_stacklevel() -> int:
    """The ``stacklevel`` of ``warnings.warn`` that points at the first caller outside
    biochemml, from the function that calls ``warn``: the user's line, however many of the
    package's own calls lie between (``predict`` -> ``predict_bounds`` -> ...)."""
    import os
    import sys

    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    level, frame = 1, sys._getframe(1)  # level 1: the function that calls warn
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _warn_ambiguous(codes: np.ndarray, n_symbols: int, unknown: str, labels=None) -> None:
    """An :class:`~biochemml.errors.AmbiguityWarning` naming the sequences (by index, or by
    the ``labels`` of a pandas input's index) that hold an ambiguous letter (code
    ``n_symbols`` in ``(N, L)`` codes)."""
    from .errors import AmbiguityWarning

    rows = np.flatnonzero((codes == n_symbols).any(axis=1))
    if not rows.size:
        return
    how = "an all-zero row (no base at all)" if unknown == "zeros" else \
        "a uniform row (each letter an equal share)"
    warnings.warn(f"{rows.size} sequence{'s' if rows.size != 1 else ''}{_at_index(rows, labels)} "
                  f"hold{'s' if rows.size == 1 else ''} N or another ambiguous letter, which "
                  f"the model reads as {how}", AmbiguityWarning, stacklevel=user_stacklevel())


#: the two-sided Gaussian quantile of a 95 % interval
Z_95 = 1.959964
#: the share of a Gaussian within one standard deviation: the "68 %" interval's level
Z_68_LEVEL = 0.682689
#: validation rows an ensemble's spread is scaled on at the least (fewer: factor 1); with
#: 80 training rows (8 validation rows) the unscaled "95 %" intervals held 69 % of new values
MIN_SCALING_ROWS = 5
#: the floors :func:`spread_floor` tries: 0, then this many values log-spaced from 1/100
#: to 1000 times the members' median spread (at the top the intervals are nearly constant)
FLOOR_GRID = 61


def spread_floor(residuals: np.ndarray, spread: np.ndarray) -> float:
    """The floor ``c`` of an ensemble's uncertainty ``a * sqrt(spread**2 + c**2)`` that fits
    validation errors best, by Gaussian likelihood.

    A deep ensemble's spread measures how much its networks disagree, not the noise in the
    measurements nor the error all networks share, and a few networks estimate it badly
    (where two happen to agree it is near zero). Intervals proportional to the spread alone
    must then be wide everywhere to hold 95 % of the values. The floor adds an error common
    to every sequence. For each ``c`` of a grid (0, then :data:`FLOOR_GRID` values from 1/100
    to 1000 times the median spread), the best ``a`` is ``sqrt(mean(r**2 / v))`` with
    ``v = spread**2 + c**2``, which leaves ``log(mean(r**2 / v)) + mean(log v)`` to minimise.

    Parameters
    ----------
    residuals, spread : ndarray, shape (N,)
        Validation errors ``y - mean`` and the members' standard deviation on those rows
        (finite values).

    With no spread at all (one network) ``c`` is the root-mean-square of the residuals,
    the Gaussian maximum likelihood: every sequence gets the same width.

    Returns
    -------
    float
        ``c`` on the scale of ``spread``; 0 keeps the spread alone.
    """
    r2, s2 = np.asarray(residuals, float) ** 2, np.asarray(spread, float) ** 2
    if len(r2) and not s2.any():
        return float(np.sqrt(np.mean(r2)))
    median = float(np.median(np.sqrt(s2))) if len(s2) else 0.0
    if median <= 0:
        median = float(np.sqrt(np.mean(r2))) or 1.0
    grid = np.concatenate([[0.0], median * np.logspace(-2, 3, FLOOR_GRID)])
    best, best_nll = 0.0, np.inf
    for c in grid:
        v = s2 + c * c
        if not (v > 0).all():
            continue
        nll = np.log(np.mean(r2 / v)) + np.mean(np.log(v))
        if nll < best_nll - 1e-9:  # of equal ones (up to rounding) the smallest floor
            best, best_nll = float(c), nll
    return best


def _spread(members: np.ndarray) -> np.ndarray:
    """The members' standard deviation over axis 0, shape ``members.shape[1:]``; zeros for
    one network (which has no spread, only the floor its validation errors set)."""
    if len(members) < 2:
        return np.zeros(members.shape[1:])
    return members.std(axis=0, ddof=1)


def interval_kind(est) -> str | None:
    """How a fitted regressor's ``prediction_std`` and intervals are made.

    Returns
    -------
    str or None
        ``"ensemble"``: the members' spread with a floor, calibrated on the validation rows,
        so each sequence has its own width; ``"one width"``: one network's errors on the
        validation rows (at least :data:`FEW_SCALING_ROWS`), the same width for every
        sequence (on the log scale for a log target); None: no interval (a baseline, a
        classifier, one network trained with fewer validation rows or saved before
        2026-12-02's single-network intervals).
    """
    if getattr(est, "_task", "") != "regression" or not getattr(est, "models_", None):
        return None
    if len(est.models_) > 1:
        return "ensemble"
    floor = np.asarray(getattr(est, "std_floor_", 0.0), dtype=float)
    return "one width" if (floor > 0).any() else None


#: the calibration of an ensemble's spread a saved regressor keeps besides ``std_scale``
_SPREAD_KEYS = ("std_scale_68", "std_floor", "log_std_scale", "log_std_scale_68",
                "log_std_floor")
#: validation rows under which fit warns that the spread's scaling is rough or missing
#: (the number of test values :func:`biochemml.runs.calibration_verdict` judges from)
FEW_SCALING_ROWS = 30


def scaling_note(n_models: int, n_validation: int, option: str = "a larger validation_split "
                 "or validation_data") -> str | None:
    """A sentence when an ensemble's spread was scaled on fewer than
    :data:`FEW_SCALING_ROWS` validation rows (rough intervals) or not at all (under
    :data:`MIN_SCALING_ROWS`: likely too narrow), else None. None for one network and for
    training without validation rows (``validation_split=0``, a deliberate refit).
    ``option``: how to hold out more rows, as the caller's user writes it."""
    n = n_validation
    if n_models < 2 or not 0 < n < FEW_SCALING_ROWS:
        return None
    return ((f"the ensemble's spread was scaled to its errors on only {n} validation rows "
             f"(fewer than {FEW_SCALING_ROWS}): its intervals are rough" if n >= MIN_SCALING_ROWS
             else f"only {n} validation row{'s' if n != 1 else ''}: the ensemble's spread is "
             "not scaled to its errors, and its intervals are likely too narrow")
            + f"; more rows, or {option}, would firm them up")


class _SequenceEstimator(BaseEstimator):
    _task = ""

    def __init__(self, model: str | None = None, *, epochs: int | None = None,
                 batch_size: int | None = None, learning_rate: float | None = None,
                 optimizer: str | None = None, weight_decay: float | None = None,
                 patience: int | None | str = "auto", schedule: str | None = None,
                 average_epochs: float | None = None,
                 time_limit: float | None = None, validation_split: float = 0.1,
                 model_params: dict | None = None, alphabet: str = "dna",
                 length: int | None = None, pad: str = "right", unknown: str = "zeros",
                 n_models: int = 1, seed: int = 0, device: str = "auto",
                 verbose: bool = False, **other):
        if other:  # a sentence, not Python's "unexpected keyword argument"
            raise InputError(_unknown_parameter(type(self), next(iter(other))))
        self.model = model
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.patience = patience
        self.schedule = schedule
        self.average_epochs = average_epochs
        self.time_limit = time_limit
        self.validation_split = validation_split
        self.model_params = model_params
        self.alphabet = alphabet
        self.length = length
        self.pad = pad
        self.unknown = unknown
        self.n_models = n_models
        self.seed = seed
        self.device = device
        self.verbose = verbose

    # ----- helpers -------------------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        """Hyper-parameters as a dict (scikit-learn convention: ``sklearn.base.clone``,
        ``GridSearchCV`` and ``cross_val_score`` work; ``deep`` changes nothing, as no
        parameter is itself an estimator)."""
        import inspect

        names: list[str] = []
        for klass in type(self).__mro__:  # subclasses add parameters and pass **kwargs on
            if "__init__" in vars(klass) and klass is not object:
                for p in inspect.signature(klass.__init__).parameters.values():
                    if p.name != "self" and p.kind is not p.VAR_KEYWORD and p.name not in names:
                        names.append(p.name)
        return {n: getattr(self, n) for n in names}

    def set_params(self, **params):
        """Set hyper-parameters by name (scikit-learn convention); returns ``self``."""
        known = self.get_params()
        for name, value in params.items():
            if name not in known:
                raise InputError(_unknown_parameter(type(self), name))
            setattr(self, name, value)
        return self

    def _resolved(self, input_length: int | None = None,
                  codes: np.ndarray | None = None) -> tuple[str, dict, dict]:
        """Model name, model parameters and training settings after presets.

        The regression default ``auto`` is an MLP for short sequences and for libraries of
        variants of one sequence (``codes`` tells), FramePool otherwise: it then takes that
        model's name and measured presets (presets.py), so a saved model names the network
        it holds. The presets follow the number of rows in ``codes`` (smaller batches for
        the regression MLP, FramePool and LegNet on small tables, :func:`biochemml.presets.presets`);
        ``batch_size`` and the other settings given override them.
        """
        name = self.model or DEFAULT_MODEL[self._task]
        chosen = dict(self.model_params or {})
        if name == "auto" and input_length is not None:
            from .models.regression import (AUTO_MLP_MAX_LENGTH, AUTO_MODEL_NAMES,
                                             auto_model_name, is_variant_library)

            variants = (codes is not None and input_length > AUTO_MLP_MAX_LENGTH
                        and is_variant_library(codes, get_alphabet(self.alphabet).size))
            name = auto_model_name(input_length, variant_library=variants,
                                   protein=get_alphabet(self.alphabet).size >= 20)
            if chosen and set(chosen) <= set(AUTO_MODEL_NAMES):  # {"mlp": {...}, ...}
                chosen = dict(chosen.get(name) or {})
        params, training = _presets(name, self._task, input_length,
                                    None if codes is None else len(codes))
        params.update(chosen)
        overrides = dict(epochs=self.epochs, batch_size=self.batch_size,
                         learning_rate=self.learning_rate, optimizer=self.optimizer,
                         weight_decay=self.weight_decay, schedule=self.schedule)
        training.setdefault("schedule", "constant")
        training.setdefault("average_epochs", None)
        training.update({k: v for k, v in overrides.items() if v is not None})
        if self.average_epochs is not None:  # 0: no averaging, whatever the preset says
            training["average_epochs"] = self.average_epochs or None
        if self.patience != "auto":
            training["patience"] = self.patience
        return name, params, training

    def _n_members(self, name: str, n_rows: int) -> int:
        """Number of networks to train: ``n_models``, or the ``"auto"`` rule (presets.py)."""
        if self.n_models == "auto":
            small_mlp = (self._task == "regression" and name == "mlp"
                         and n_rows <= AUTO_ENSEMBLE_MAX_ROWS)
            return AUTO_ENSEMBLE_SIZE if small_mlp else 1
        if not valid_n_models(self.n_models):
            raise InputError(f"n_models must be a whole number >= 1 or 'auto', not {self.n_models!r}")
        return int(self.n_models)

    def _codes(self, sequences, fitting: bool, warn: bool = False):
        from .encode.codes import as_sequence_list, sequence_column_of, to_codes

        column = sequence_column_of(sequences)  # a one-column DataFrame is its column
        seqs, _ = as_sequence_list(column)
        index = column.index if isinstance(column, pd.Series) else None  # its labels
        from .alphabets import MIXED_T_U, mixed_t_u

        mixed = mixed_t_u([q.upper() for q in seqs], self.alphabet)
        if mixed is not None:
            raise InputError(MIXED_T_U, row=mixed)
        if fitting and get_alphabet(self.alphabet).name == "protein" \
                and any("*" in q for q in seqs):
            warnings.warn("some sequences hold '*' (a stop codon), which the 20-letter "
                          "'protein' alphabet encodes as an all-zero row; "
                          "alphabet='protein-stop' reads it as a 21st letter (better for "
                          "mutational scans)", UserWarning, stacklevel=user_stacklevel())
        length = self.length if fitting else self.input_length_
        # Longer sequences than the model saw are cut on the padded side's opposite
        # end's partner: with left padding (3'-aligned UTRs) keep the 3' end.
        truncate = None if fitting and self.length is None else (
            "left" if self.pad == "left" else "right")
        if not fitting and self.reads_any_length:  # FramePool: nothing is cut
            length = max([self.input_length_] + [len(q) for q in seqs])
            truncate = None
        if warn:  # the same sentences a run says (runs._note_lengths)
            from .errors import LengthWarning

            for flagged, rest in length_notes(
                    seqs, self, where=lambda rows: _at_index(rows, None if index is None
                                                             else list(index))):
                warnings.warn(flagged + rest, LengthWarning, stacklevel=user_stacklevel())
        codes, _ = to_codes(seqs, self.alphabet, length=length, pad=self.pad, truncate=truncate)
        if warn or fitting:  # training on N is worth a word too
            _warn_ambiguous(codes, get_alphabet(self.alphabet).size, self.unknown,
                            labels=None if index is None else list(index))
        if fitting:  # what predict() can compare new sequences with
            lengths = [len(q) for q in seqs]
            self.train_lengths_ = (min(lengths), max(lengths))
            if self.length is not None and max(lengths) > self.length:
                from .errors import LengthWarning

                cut = sum(n > self.length for n in lengths)
                kept = "last" if self.pad == "left" else "first"
                warnings.warn(f"{cut} of the {len(lengths)} training sequences "
                              f"{'is' if cut == 1 else 'are'} longer than length="
                              f"{self.length} (up to {max(lengths)}): the model learns from "
                              f"{'its' if cut == 1 else 'their'} {kept} {self.length} letters "
                              "only (length=None reads the longest whole)", LengthWarning,
                              stacklevel=user_stacklevel())
        return codes

    @property
    def reads_any_length(self) -> bool:
        """True when the fitted networks read sequences of any length whole (FramePool's
        masked per-frame pooling); other models cut longer sequences to ``input_length_``."""
        return bool(getattr(self, "models_", None)) and all(
            getattr(m, "head_kind", None) == "frame" for m in self.models_)

    def _check_fitted(self):
        if not hasattr(self, "models_"):
            raise ModelError(f"this {type(self).__name__} is not fitted yet: call fit() first")

    def _split_validation(self, n: int, stratify=None):
        from .splits import _check_fraction, split_indices
        from .train import check_seed

        check_seed(self.seed)
        if not self.validation_split:
            return np.arange(n), np.array([], dtype=int)
        _check_fraction(self.validation_split, "validation_split")  # 1.5 is no fraction
        strat = stratify
        if strat is not None and np.min(np.unique(strat, return_counts=True)[1]) < 2:
            strat = None
        try:
            tr, _, va = split_indices(n, test_size=self.validation_split, seed=self.seed,
                                      stratify=strat)
        except InputError as err:
            raise InputError(f"{n} sequences are too few to hold out validation_split="
                             f"{self.validation_split:g} of them for early stopping ({err.message}): "
                             "give more sequences, validation_split=0 (no early stopping) or "
                             "validation_data=(sequences, y)") from None
        return tr, va

    @staticmethod
    def _validation_pair(validation_data):
        """``(sequences, y)`` of ``validation_data``, checked to be a pair."""
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise InputError("validation_data must be a pair (sequences, y)")
        return validation_data

    def _fit_models(self, codes, y, weights, val_codes, val_y, n_outputs: int):
        from . import train
        from .models import build

        train.check_seed(self.seed)
        name, params, training = self._resolved(codes.shape[1], codes)
        n_members = self._n_members(name, len(codes))
        n_channels = get_alphabet(self.alphabet).size
        self.models_, self.histories_, self.fit_info_ = [], [], []
        from .progress import PlainProgress, shows_bars

        bar = bool(self.verbose) and shows_bars()  # Lightning's bar; plain lines in a log
        plain = PlainProgress() if self.verbose and not bar else None
        if self.verbose:  # what is about to run, before the bars
            from .progress import say

            held = 0 if val_codes is None else len(val_codes)
            epochs = training["epochs"]
            each = f"{epochs} epoch{'' if epochs == 1 else 's'}" + (
                " each" if n_members > 1 else "")
            say(f"Training {name}: {n_members} network{'' if n_members == 1 else 's'}, "
                + (f"at most {each}, {held:,} row{'' if held == 1 else 's'} held out for "
                   "validation" if held else each))
        for k in range(n_members):
            if self.verbose and n_members > 1:
                from .progress import say

                say(f"Network {k + 1} of {n_members} (a deep ensemble of {name} networks)")
            seed = int(self.seed) + k
            with seeded(seed):  # the user's own random draws are left as they were
                net = build(name, codes.shape[1], self.alphabet, self._task, n_outputs,
                            **params)
            net.pad_side = self.pad  # where padding lies: masks of FramePool, dilated CNN
            hook = None if plain is None else net.register_forward_pre_hook(_epoch_ticker(
                plain, len(codes), training["batch_size"], training["epochs"], k, n_members))
            try:
                info = self._fit_one(train, net, codes, y, val_codes, val_y, weights, training,
                                     n_channels, seed, bar, n_members)
            finally:
                if hook is not None:
                    hook.remove()
            self.models_.append(net)
            self.histories_.append(info["history"])
            self.fit_info_.append({**{k2: v for k2, v in info.items() if k2 != "history"},
                                   "validation_rows": 0 if val_codes is None
                                   else int(len(val_codes))})
        self.history_ = self.histories_[0]
        self.n_models_ = n_members
        self.model_name_ = name
        self.model_params_ = params
        self.training_ = training
        self.input_length_ = codes.shape[1]
        from .runs import _still_improving, time_limit_note

        for note in (_still_improving(self.fit_info_),  # what a run says, in Python too
                     time_limit_note(self.fit_info_, self.time_limit, training.get("patience"))):
            if note:
                from .errors import TrainingWarning

                warnings.warn(note.replace("--time-limit", "time_limit"), TrainingWarning,
                              stacklevel=user_stacklevel())
        return self

    def _fit_one(self, train, net, codes, y, val_codes, val_y, weights, training, n_channels,
                 seed, bar, n_members) -> dict:
        """Train one network (:func:`biochemml.train.fit`) with the resolved settings."""
        return train.fit(
            net, codes, y, val_codes, val_y, task=self._task, n_channels=n_channels,
            weights_train=weights, epochs=training["epochs"],
            batch_size=training["batch_size"], lr=training["learning_rate"],
            weight_decay=training["weight_decay"], optimizer=training["optimizer"],
            patience=training["patience"] if len(val_codes) else None,
            schedule=training["schedule"], average_epochs=training["average_epochs"],
            seed=seed,
            accelerator=self.device, unknown=self.unknown, progress=bar,
            time_limit=None if self.time_limit is None else self.time_limit / n_members)

    def _raw_outputs(self, sequences) -> np.ndarray:
        """``(n_models, N, K)`` raw model outputs."""
        self._check_fitted()
        with _rows_named(sequences):
            codes = self._codes(sequences, fitting=False, warn=True)
        return self._member_outputs(codes, progress=self.verbose)

    def _member_outputs(self, codes, progress: bool = False) -> np.ndarray:
        """``(n_models, N, K)`` raw outputs of every member on ``(N, L)`` codes."""
        from . import train

        c = get_alphabet(self.alphabet).size
        return np.stack([train.predict(m, codes, c, unknown=self.unknown, progress=progress)
                         for m in self.models_])

    @staticmethod
    def _weights(sample_weight, n):
        if sample_weight is None:
            return None
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != (n,):
            raise InputError(f"sample_weight has {w.size} values for {n} sequences")
        bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
        if bad.size:
            raise InputError(f"sample weight {w[bad[0]]} is negative or not a number",
                             row=int(bad[0]))
        if w.sum() <= 0:
            raise InputError("sample weights sum to zero")
        return w

    # ----- persistence ---------------------------------------------------------------
    def _extra_state(self) -> dict:
        return {}

    def _load_extra_state(self, state: dict) -> None:
        pass

    def save(self, path) -> Path:
        """Save the fitted model (weights, settings, classes, scalers) to one file.

        ``path`` is the file, or an existing folder to hold it as ``model.pt`` (where
        :meth:`load` looks in a folder). The file is written whole or not at all; returns
        its path."""
        import torch

        from .io.writers import atomic_write

        self._check_fitted()
        path = Path(path)
        if path.is_dir():  # as load() reads a folder
            path = path / "model.pt"
        payload = {
            "format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION,
            "biochemml_version": __version__, "estimator": type(self).__name__,
            "params": self.get_params(), "model_name": self.model_name_,
            "model_params": self.model_params_, "training": self.training_,
            "input_length": self.input_length_,
            "states": [m.state_dict() for m in self.models_],
            "histories": self.histories_, "fit_info": self.fit_info_,
            "train_lengths": getattr(self, "train_lengths_", None),
            "extra": self._extra_state(),
        }
        return atomic_write(path, lambda tmp: torch.save(payload, tmp))

    @classmethod
    def load(cls, path):
        """Load a model saved by :meth:`save` (a model file or a run folder).

        Raises
        ------
        biochemml.errors.ModelError
            The file is missing, not a biochemml model, of another format version, or
            of another estimator type.
        """
        path, payload = _read_payload(path)
        if payload.get("estimator") != cls.__name__:
            raise ModelError(f"{path} holds a {payload.get('estimator')}, not a {cls.__name__}")
        return cls._from_payload(payload)

    @classmethod
    def _from_payload(cls, payload: dict):
        from .models import build

        est = cls(**payload["params"])
        est._load_extra_state(payload["extra"])
        n_outputs = est._n_outputs()
        est.models_ = []
        for state in payload["states"]:
            net = build(payload["model_name"], payload["input_length"], est.alphabet, est._task,
                        n_outputs, **payload["model_params"])
            net.pad_side = est.pad
            net.load_state_dict(state)
            net.eval()
            est.models_.append(net)
        est.n_models_ = len(est.models_)
        est.histories_ = payload["histories"]
        est.history_ = est.histories_[0]
        est.fit_info_ = payload["fit_info"]
        est.model_name_ = payload["model_name"]
        est.model_params_ = payload["model_params"]
        est.training_ = payload["training"]
        est.input_length_ = payload["input_length"]
        if payload.get("train_lengths"):  # saved since 0.1.0's later builds
            est.train_lengths_ = tuple(payload["train_lengths"])
        return est


#: what other libraries call some of the estimators' parameters
_OTHER_NAMES = {"random_state": "seed", "n_estimators": "n_models", "lr": "learning_rate",
                "max_epochs": "epochs", "n_epochs": "epochs", "num_epochs": "epochs",
                "architecture": "model", "sample_weight": "sample_weight= of fit"}


def _unknown_parameter(cls, name: str) -> str:
    """The sentence for a parameter ``cls`` does not take, with the one meant."""
    from .io.tables import _did_you_mean

    known = [p for p in inspect.signature(cls).parameters
             if p not in ("self", "other", "kwargs")]
    hint = (f" (biochemml calls it {_OTHER_NAMES[name]})" if name in _OTHER_NAMES
            else _did_you_mean(name, known))
    return (f"{cls.__name__} has no parameter '{name}'{hint}; its parameters are "
            f"{', '.join(known)}")


class SequenceClassifier(ClassifierMixin, _SequenceEstimator):
    """Classify sequences (e.g. binds / does not bind) with a CNN.

    Parameters
    ----------
    model : str, optional
        A name from :func:`biochemml.models.available`. Default ``"cnn"`` with
        settings tuned for motif-like signals (reaches the Bayes ceiling of the
        course's data set within noise); ``"lecture-cnn"`` is the course's network,
        trained as the course does (Adam, batch 100, 20 epochs).
    epochs, batch_size, learning_rate, optimizer, weight_decay : optional
        Training settings; ``None`` takes the model's preset.
    patience : int, None or "auto"
        Early stopping on validation loss, restoring the best epoch. ``None``
        trains every epoch and keeps the last weights.
    schedule : {"constant", "plateau", "cosine"}, optional
        Learning-rate schedule (:func:`biochemml.train.fit`); ``None`` takes the
        model's preset.
    average_epochs : float, optional
        Validate and keep a moving average of the weights over about this many
        epochs (:func:`biochemml.train.fit`); ``None`` takes the model's preset
        (5 for the regression MLP of sequences up to 20 letters trained on more
        than 20,000 rows, else off), ``0`` turns it off.
    time_limit : float, optional
        Minutes of training at most, shared by the members of an ensemble; each
        stops there and keeps its best finished epoch (``fit_info_[k]["time_limit_hit"]``).
    validation_split : float
        Fraction of the training sequences held out (stratified, seeded) to
        monitor training.
    model_params : dict, optional
        Hyper-parameters of the model (e.g. ``{"filters": (64,), "kernel_sizes": 7}``),
        on top of its presets. With ``model="auto"`` they go to the network it picks (an
        unknown name is an error, as for that model by name); ``{"mlp": {...},
        "framepool": {...}}`` gives each of the two its own.
    alphabet : {"dna", "rna", "protein", "protein-stop"}
        ``protein-stop`` reads ``*`` (a stop codon in mutational scans) as a 21st letter;
        in ``protein`` it is an unknown symbol (all-zero row). ``biochemml train`` picks
        ``protein-stop`` by itself when a protein table holds ``*``.
    length : int, optional
        Sequence length for the model; default the longest training sequence. Longer
        sequences at prediction time are cut (on the 5' side when ``pad="left"``).
    pad : {"right", "left", "none"}
        Padding side for sequences of different lengths; ``"none"`` refuses sequences of
        different lengths.
    unknown : {"zeros", "uniform"}
        Encoding of N/X.
    n_models : int or "auto"
        Train an ensemble of this many seeds (seed, seed + 1, ...) and average them
        (probabilities for classifiers). :class:`SequenceRegressor` defaults to
        ``"auto"``: 5 networks when the network is the MLP (sequences up to 20 letters,
        or a variant library) and there are at most 20,000 training rows, else 1
        (``n_models_`` after fit).
    seed : int
    device : str
        ``"auto"``, ``"cpu"`` or ``"gpu"``.
    verbose : bool
        Show progress while training and predicting: a bar on a terminal (or in a
        notebook), otherwise (a batch job's log) a plain line such as ``Training: epoch 5
        of 30, 2 min 10 s`` at most every 30 s, and nothing for shorter work.

    Attributes
    ----------
    classes_ : ndarray
        The class labels, sorted; ``predict_proba`` columns follow this order.
    history_ : dict of lists
        Per-epoch ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``.
    models_ : list of torch.nn.Module
    """

    _task = "classification"

    def _n_outputs(self) -> int:
        return len(self.classes_)

    @keeps_random_state
    def fit(self, sequences, y, sample_weight=None, validation_data=None):
        """Train on sequences and their class labels (any labels: 0/1, strings, ...).

        Parameters
        ----------
        sequences : sequence of str, shape (N,)
        y : array-like, shape (N,)
        sample_weight : array-like, shape (N,), optional
        validation_data : (sequences, y), optional
            Explicit validation set instead of ``validation_split``.

        Returns
        -------
        self
        """
        _check_paired(sequences, y, sample_weight)
        with _rows_named(sequences, y):
            codes = self._codes(sequences, fitting=True)
            labels = _label_array(y, codes.shape[0])
            self.classes_ = np.unique(labels)
            if len(self.classes_) < 2:
                raise InputError(f"every label is '{self.classes_[0]}': a classifier needs at "
                                 "least two classes")
            _check_classes_not_values(labels, self.classes_)
            idx = np.searchsorted(self.classes_, labels)
            weights = self._weights(sample_weight, len(idx))
        if validation_data is not None:
            self.input_length_ = codes.shape[1]
            val_seqs, val_y = self._validation_pair(validation_data)
            _check_paired(val_seqs, val_y, validation=True)
            with _rows_named(val_seqs, val_y):
                val_codes = self._codes(val_seqs, fitting=False)
                val_labels = _label_array(val_y, len(val_codes), what="validation labels")
                mapped, unknown = as_classes(val_labels, self.classes_)
                if unknown.size:
                    raise InputError(f"validation label '{val_labels[unknown[0]]}' is not one "
                                     "of the training classes "
                                     f"{', '.join(repr(str(c)) for c in self.classes_)}",
                                     row=int(unknown[0]))
            tr = np.arange(len(idx))
            val_y = np.searchsorted(self.classes_, np.asarray(mapped.tolist()))
        else:
            tr, va = self._split_validation(len(idx), stratify=idx)
            val_codes, val_y = codes[va], idx[va]
        w = None if weights is None else weights[tr]
        return self._fit_models(codes[tr], idx[tr], w, val_codes, val_y, len(self.classes_))

    def predict_proba(self, sequences) -> np.ndarray:
        """Class probabilities, shape ``(N, K)``, columns in ``classes_`` order."""
        # in float64: a probability near 1 keeps its distance from 1 (its log-odds, which
        # biochemml.interpret reads, stays exact)
        raw = self._raw_outputs(sequences).astype(np.float64)
        z = raw - raw.max(axis=-1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=-1, keepdims=True)
        return p.mean(axis=0)

    def predict(self, sequences) -> np.ndarray:
        """Predicted class label of each sequence, shape ``(N,)``."""
        self._check_fitted()
        return self.classes_[self.predict_proba(sequences).argmax(axis=1)]

    def score(self, sequences, y) -> float:
        """Accuracy on the given sequences and labels (labels written as text, such as
        ``"1"`` for a class ``1``, are read as the class)."""
        _check_paired(sequences, y)
        pred = self.predict(sequences)
        with _rows_named(sequences, y):
            labels = _label_array(y, len(pred))
            truth, unknown = as_classes(labels, self.classes_)
            if unknown.size:
                raise InputError(f"label '{labels[unknown[0]]}' is not one of the model's "
                                 f"classes {', '.join(repr(str(c)) for c in self.classes_)}",
                                 row=int(unknown[0]))
        return float(np.mean(truth == pred))

    def _extra_state(self) -> dict:
        return {"classes": self.classes_.tolist()}

    def _load_extra_state(self, state: dict) -> None:
        self.classes_ = np.asarray(state["classes"])


class SequenceRegressor(RegressorMixin, _SequenceEstimator):
    """Predict a measured value (expression, ribosome load, fluorescence) from sequence.

    Parameters
    ----------
    model : str, optional
        A registered model name (``biochemml models``). ``None`` means ``"auto"``: an MLP
        on the one-hot for sequences up to 20 letters and for variant libraries of one
        parent sequence, otherwise the FramePool CNN for DNA/RNA and the dilated CNN for
        proteins.
    target_transform : {"standardize", "log", "none"}
        ``"standardize"`` centres and scales each target on the training part;
        ``"log"`` takes ``log(y)`` first (all values must be positive), then
        standardises. Predictions are mapped back to the original scale.
    n_models : int or "auto"
        Networks of a deep ensemble (different seeds); ``"auto"``: 5 MLPs on tables of at
        most 20,000 rows that go to the MLP, else 1.
    pad : {"left", "right"}
        ``"left"`` aligns sequences of different lengths at their 3' end, as
        ``biochemml train`` does for regression (5' UTRs at the start codon).
    **kwargs
        The other parameters of :class:`SequenceClassifier`: ``alphabet``, ``epochs``,
        ``batch_size``, ``learning_rate``, ``optimizer``, ``weight_decay``, ``schedule``,
        ``patience``, ``validation_split``, ``time_limit``, ``seed``, ``model_params``,
        ``length``, ``unknown``, ``verbose``, ...

    With more than one network (``n_models > 1``, or ``"auto"`` on a table of at most
    20,000 rows that goes to the MLP) it is a deep ensemble: ``predict(..., return_std=True)`` gives the
    mean and the (calibrated) standard deviation across members, a width per sequence. One
    network gives the spread of its validation errors, the same for every sequence
    (:func:`interval_kind`; NaN without :data:`FEW_SCALING_ROWS` validation rows).

    Attributes
    ----------
    n_models_ : int
        Networks trained (what ``n_models="auto"`` chose).
    n_targets_ : int
    target_names_ : list of str
        The columns of a DataFrame of targets given to ``fit``, in the order of the
        prediction columns (absent for a single array or Series).
    target_mean_, target_scale_ : ndarray of shape (T,)
    history_ : dict of lists
        Per-epoch ``loss``, ``r2``, ``val_loss``, ``val_r2`` (on the transformed scale) and
        ``lr`` (the learning rate of that epoch), of the first network.
    std_floor_ : ndarray of shape (T,)
        The error every sequence shares, added to the members' spread ``s`` as
        ``sqrt(s**2 + floor**2)``, fitted on the validation rows (0 without them;
        :func:`spread_floor`); for one network the root-mean-square of its validation
        errors.
    std_scale_, std_scale_68_ : ndarray of shape (T,)
        Factors on that spread for the 95 % interval (and ``prediction_std``) and
        for the 68 % interval, fitted on the validation rows (1 without them).
    """

    _task = "regression"

    def __init__(self, model: str | None = None, *, target_transform: str = "standardize",
                 n_models: int | str = "auto", pad: str = "left", **kwargs):
        super().__init__(model, n_models=n_models, pad=pad, **kwargs)
        self.target_transform = target_transform

    def _n_outputs(self) -> int:
        return self.n_targets_

    def _transform(self, y: np.ndarray) -> np.ndarray:
        out = np.log(y) if self.target_transform == "log" else y
        return (out - self.target_mean_) / self.target_scale_

    def _inverse(self, z: np.ndarray) -> np.ndarray:
        out = z * self.target_scale_ + self.target_mean_
        return np.exp(out) if self.target_transform == "log" else out

    @keeps_random_state
    def fit(self, sequences, y, sample_weight=None, validation_data=None):
        """Train on sequences and measured values ``y`` of shape ``(N,)`` or ``(N, T)``.

        NaN in a multi-target ``y`` marks a value that was not measured (ignored in
        the loss); a row with no value at all is an error, and so is a target whose
        values are all the same (there is nothing to learn; ``score`` would be NaN).

        Parameters
        ----------
        sequences : sequence of str, shape (N,)
            A list, array, pandas Series or one-column DataFrame.
        y : array-like, shape (N,) or (N, T)
            Measured values; a DataFrame's columns name the targets.
        sample_weight : array-like, shape (N,), optional
            Weight of each row in the loss (read counts, say); >= 0, not all 0.
        validation_data : (sequences, y), optional
            Rows to watch for over-fitting (early stopping) and to scale the ensemble's
            spread on, instead of ``validation_split`` of the training rows.

        Returns
        -------
        self
        """
        from .baselines import BASELINES

        if self.model in BASELINES:
            raise InputError(f"'{self.model}' is a scikit-learn baseline, not a neural network: "
                             f"use biochemml.baselines.BaselineRegressor('{self.model}') "
                             "(same fit/predict/save) or `biochemml train --model "
                             f"{self.model}`")
        check_target_transform(self.target_transform)
        _check_paired(sequences, y, sample_weight)
        with _rows_named(sequences, y):
            codes = self._codes(sequences, fitting=True)
            vals2, multi = measured_values(y, codes.shape[0], self.target_transform)
            check_values_differ(vals2, multi)
            weights = self._weights(sample_weight, len(vals2))
        self._multi = multi
        self.n_targets_ = vals2.shape[1]
        if isinstance(y, pd.DataFrame):  # a table of targets: its columns name the outputs
            self.target_names_ = [str(c) for c in y.columns]
        elif hasattr(self, "target_names_"):  # refitted on other targets
            del self.target_names_
        if validation_data is not None:
            self.input_length_ = codes.shape[1]
            val_seqs, val_y = self._validation_pair(validation_data)
            _check_paired(val_seqs, val_y, validation=True)
            val_codes = self._codes(val_seqs, fitting=False)
            val_vals = value_array(val_y, what="validation values")
            if val_vals.shape[0] != len(val_codes) or \
                    val_vals.reshape(len(val_vals), -1).shape[1] != self.n_targets_:
                raise InputError(f"validation_data has {len(val_codes)} sequences and values of "
                                 f"shape {val_vals.shape}; expected {len(val_codes)} rows of "
                                 f"{self.n_targets_} value{'s' if self.n_targets_ > 1 else ''}")
            try:  # the checks of the training values: NaN rows, infinity, <= 0 for the log
                val_vals, _ = measured_values(val_vals.reshape(len(val_codes), -1),
                                              len(val_codes), self.target_transform)
            except InputError as err:
                raise InputError(f"validation_data: {err}") from None
            tr = np.arange(len(vals2))
        else:
            tr, va = self._split_validation(len(vals2))
            val_codes, val_vals = codes[va], vals2[va]
        base = np.log(vals2[tr]) if self.target_transform == "log" else vals2[tr]
        if self.target_transform == "none":
            self.target_mean_ = np.zeros(self.n_targets_)
            self.target_scale_ = np.ones(self.n_targets_)
        else:
            self.target_mean_ = np.nanmean(base, axis=0)
            sd = np.nanstd(base, axis=0)
            self.target_scale_ = np.where(sd > 0, sd, 1.0)
        z_tr = self._transform(vals2[tr])
        z_va = self._transform(val_vals)
        if not self._multi:
            z_tr, z_va = z_tr[:, 0], z_va[:, 0]
        w = None if weights is None else weights[tr]
        self._fit_models(codes[tr], z_tr, w, val_codes, z_va, self.n_targets_)
        val_vals = val_vals.reshape(len(val_codes), self.n_targets_)
        raw = (self._member_outputs(val_codes).astype(np.float64)  # one pass for both scales
               if len(val_vals) >= self._min_calibration_rows() else None)
        self.std_scale_, self.std_scale_68_, self.std_floor_ = self._calibrate(
            val_codes, val_vals, raw=raw)
        if self.target_transform == "log":
            self.log_std_scale_, self.log_std_scale_68_, self.log_std_floor_ = self._calibrate(
                val_codes, val_vals, log=True, raw=raw)
        from .errors import CalibrationWarning
        from .runs import few_networks_note  # what a run says, in Python too

        for note in (scaling_note(len(self.models_), len(val_vals)),
                     few_networks_note(len(self.models_), "n_models={n}")):
            if note:
                warnings.warn(note, CalibrationWarning, stacklevel=user_stacklevel())
        return self

    def _min_calibration_rows(self) -> int:
        """Validation rows the uncertainty is fitted on at the least: :data:`MIN_SCALING_ROWS`
        for an ensemble (whose spread carries the width; fewer rows: a warning), and
        :data:`FEW_SCALING_ROWS` for one network, whose width comes from the rows alone."""
        return MIN_SCALING_ROWS if len(self.models_) > 1 else FEW_SCALING_ROWS

    def _calibrate(self, val_codes, val_vals, log: bool = False,
                   raw=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fit the ensemble's uncertainty to its validation errors, per target: a floor
        ``c`` added to the members' spread ``s`` (``sqrt(s**2 + c**2)``, :func:`spread_floor`)
        and two factors on it, one for the 95 % interval (and the reported standard
        deviation), one for the 68 %.

        Members of a deep ensemble agree more than their errors warrant (they share the
        data and none sees the measurement noise), so their raw standard deviation gives
        intervals that are too narrow, and with few members it is a poor estimate per
        sequence. The floor is the error every sequence shares; with it, intervals are wide
        where the members disagree without having to be wide everywhere. On 5' UTRs, the SD
        landscape, simulated promoters and protein variants it narrowed the calibrated 95 %
        intervals of 2 networks 3-5 times, of 3 networks 1.4-2.2 times and of 5 up to 1.4
        times at the same coverage (benchmarks/RESULTS.md, "A floor under the ensemble's
        spread").

        The 95 % factor is the 95th percentile of the validation rows'
        ``|z| = |y - mean| / sqrt(s**2 + c**2)`` divided by 1.96: with it, the Gaussian 95 %
        interval holds 95 % of the validation rows, which the models did not train on. The
        68 % factor is the 68th percentile of ``|z|``: errors have heavier tails than a
        Gaussian, so one factor for both made the 68 % intervals too wide. Quantiles, not
        the root-mean-square z-score, which a few rows with a tiny spread dominate. All is
        measured on the scale of the values, as :meth:`predict` reports them (for a log
        target: the spread of the members' exponentials).

        One network has no spread (``s = 0``): its floor is the root-mean-square of its
        validation errors and the factors their quantiles, so every sequence gets the same
        width, as in split-conformal prediction (on six sets such intervals held 93-97 % of
        test values, benchmarks/RESULTS.md).

        ``log``: the same for the spread of the members' logarithms (a log target's
        intervals, :meth:`predict_bounds`), measured against the logarithms of the values.
        ``raw``: the members' outputs on ``val_codes`` when the caller has them.

        Returns
        -------
        scale_95, scale_68, floor : ndarray, shape (T,)
            Factors 1 and floor 0 (the raw spread; no interval for one network) under
            :meth:`_min_calibration_rows` validation rows.
        """
        ones, zeros = np.ones(self.n_targets_), np.zeros(self.n_targets_)
        if len(val_vals) < self._min_calibration_rows():
            return ones, ones, zeros
        if raw is None:
            raw = self._member_outputs(val_codes).astype(np.float64)
        if log:
            members = raw * self.target_scale_ + self.target_mean_
            with np.errstate(divide="ignore", invalid="ignore"):
                val_vals = np.log(val_vals)
        else:
            members = self._inverse(raw)
        mean, std = members.mean(axis=0), _spread(members)
        scales, floors = np.ones((2, self.n_targets_)), np.zeros(self.n_targets_)
        for t in range(self.n_targets_):
            resid, spread = val_vals[:, t] - mean[:, t], std[:, t]
            ok = np.isfinite(resid) & np.isfinite(spread)
            if ok.sum() < self._min_calibration_rows():
                continue
            floors[t] = spread_floor(resid[ok], spread[ok])  # > 0 where a spread is 0
            z = np.abs(resid[ok]) / np.hypot(spread[ok], floors[t])
            scales[:, t] = np.quantile(z, [0.95, Z_68_LEVEL]) / np.array([Z_95, 1.0])
        scales = np.where(np.isfinite(scales) & (scales > 0), scales, 1.0)
        return scales[0], scales[1], floors

    def predict(self, sequences, return_std: bool = False):
        """Predicted values, shape ``(N,)`` (or ``(N, T)`` for several targets).

        With ``return_std=True`` also the standard deviation on the original scale,
        calibrated on the validation rows (see :meth:`_calibrate`): an ensemble's for each
        sequence; one network's the same for every sequence, from its validation errors
        (:func:`interval_kind` says which). NaN (not zero, which would read as certainty)
        where there is none: one network trained with fewer than :data:`FEW_SCALING_ROWS`
        validation rows or without any (``validation_split=0``).
        """
        mean, std, _ = self.predict_bounds(sequences)  # one way to the mean and its spread
        return (mean, std) if return_std else mean

    def predict_bounds(self, sequences):
        """Predicted values with their spread and their 68 % and 95 % intervals, from one
        pass of the networks.

        The 95 % interval is mean ± 1.96 std; the 68 % interval has its own factor
        (``std_scale_68_ / std_scale_`` std, often under 1 std, as errors have heavier tails
        than a Gaussian). Both are calibrated on the validation rows (the members' spread
        with a floor and a factor per level, see :meth:`_calibrate`; one network: the same
        width for every sequence, from its validation errors);
        for a log target (``target_transform="log"``) they are taken on the log scale,
        ``exp(m ± z s)`` with ``m`` and ``s`` the mean and the calibrated spread of the
        members' logarithms: asymmetric around the prediction and never below 0, as the
        spread of values measured on a log-normal scale is.

        Returns
        -------
        mean, std : ndarray, shape (N,) or (N, T)
            As :meth:`predict` with ``return_std=True``.
        bounds : ndarray, shape (N, 4) or (N, T, 4)
            Columns ``lower_68, upper_68, lower_95, upper_95``; NaN where ``std`` is.
        """
        raw = self._raw_outputs(sequences).astype(np.float64)  # (M, N, T)
        members = self._inverse(raw)
        mean = members.mean(axis=0)
        bounds = np.full(mean.shape + (4,), np.nan)
        kind = interval_kind(self)
        if kind is not None:

            def floor_of(name):
                """An ensemble's floor (0 in runs saved before it); one network's width,
                NaN for a target it could not fit one for (too few measured values)."""
                floor = np.asarray(getattr(self, name, 0.0), dtype=float)
                return floor if kind == "ensemble" else np.where(floor > 0, floor, np.nan)

            raw_std = np.hypot(_spread(members), floor_of("std_floor_"))
            scale_95 = getattr(self, "std_scale_", 1.0)
            std = raw_std * scale_95
            # half-widths: 1.96 std for 95 %, the 68 % factor (runs saved before it: 1 std)
            widths = (getattr(self, "std_scale_68_", scale_95), Z_95 * scale_95)
            if self.target_transform == "log" and hasattr(self, "log_std_scale_"):
                logs = raw * self.target_scale_ + self.target_mean_
                centre = logs.mean(axis=0)
                log_std = np.hypot(_spread(logs), floor_of("log_std_floor_"))
                log_widths = (getattr(self, "log_std_scale_68_", self.log_std_scale_),
                              Z_95 * self.log_std_scale_)
                for k, w in enumerate(log_widths):
                    bounds[..., 2 * k] = np.exp(centre - w * log_std)
                    bounds[..., 2 * k + 1] = np.exp(centre + w * log_std)
            else:  # runs saved before log-scale intervals: the lower end stops at 0
                floor = 0.0 if self.target_transform == "log" else -np.inf
                for k, w in enumerate(widths):
                    bounds[..., 2 * k] = np.maximum(mean - w * raw_std, floor)
                    bounds[..., 2 * k + 1] = mean + w * raw_std
        else:
            std = np.full_like(mean, np.nan)
        if not getattr(self, "_multi", False):
            mean, std, bounds = mean[:, 0], std[:, 0], bounds[:, 0]
        return mean, std, bounds

    def score(self, sequences, y) -> float:
        """Coefficient of determination R² (mean over targets; NaN where the values do
        not vary, as :func:`biochemml.metrics.regression_metrics` gives). A missing value
        (NaN) is an error for one target and left out for several (not measured); fewer
        than 2 rows is an error."""
        _check_paired(sequences, y)
        pred = np.asarray(self.predict(sequences))
        pred = pred.reshape(len(pred), -1)
        truth = value_array(y)
        if truth.shape[0] != pred.shape[0] or truth.reshape(len(truth), -1).shape[1] != pred.shape[1]:
            raise InputError(f"got {pred.shape[0]} sequences but values of shape {truth.shape}; "
                             f"expected {pred.shape[0]} rows of {pred.shape[1]} "
                             f"value{'s' if pred.shape[1] > 1 else ''}")
        truth = truth.reshape(len(truth), -1)
        if truth.shape[1] == 1 and np.isnan(truth).any():  # as metrics.regression_metrics
            raise InputError("the measured value is missing (NaN); a value not measured is "
                             "left out of a multi-target table only: drop the row",
                             row=int(np.flatnonzero(np.isnan(truth[:, 0]))[0]))
        if len(truth) < 2:
            raise InputError(f"R² needs at least 2 values to compare, got {len(truth)}")
        r2 = []
        for t in range(truth.shape[1]):
            ok = ~np.isnan(truth[:, t])
            ss = ((truth[ok, t] - truth[ok, t].mean()) ** 2).sum()
            r2.append(1 - ((truth[ok, t] - pred[ok, t]) ** 2).sum() / ss if ss > 0 else np.nan)
        return float(np.mean(r2))

    def _extra_state(self) -> dict:
        return {"n_targets": self.n_targets_, "multi": self._multi,
                "mean": self.target_mean_.tolist(), "scale": self.target_scale_.tolist(),
                "std_scale": np.asarray(getattr(self, "std_scale_", np.ones(self.n_targets_))).tolist(),
                **{key: np.asarray(getattr(self, f"{key}_")).tolist()
                   for key in _SPREAD_KEYS if hasattr(self, f"{key}_")},
                "target_names": getattr(self, "target_names_", None)}

    def _load_extra_state(self, state: dict) -> None:
        self.n_targets_ = state["n_targets"]
        self._multi = state["multi"]
        self.target_mean_ = np.asarray(state["mean"])
        self.target_scale_ = np.asarray(state["scale"])
        self.std_scale_ = np.asarray(state.get("std_scale", np.ones(self.n_targets_)))
        for key in _SPREAD_KEYS:
            if key in state:  # runs saved before the 68 % factor or the floor lack them:
                # see predict_bounds
                setattr(self, f"{key}_", np.asarray(state[key]))
        if state.get("target_names"):
            self.target_names_ = list(state["target_names"])



def as_classes(labels, classes) -> tuple[np.ndarray, np.ndarray]:
    """``labels`` written as the model's ``classes`` (the text ``"1"`` and the number
    ``1.0`` are the class ``1``).

    Returns
    -------
    mapped : ndarray of object, shape (N,)
    unknown : ndarray of int
        0-based indices of labels that are no class (``mapped`` holds None there).
    """
    lookup = {_class_key(c): c for c in classes}
    text = [_class_key(v) for v in np.asarray(labels, dtype=object).reshape(-1)]
    mapped = np.array([lookup.get(t) for t in text], dtype=object)
    return mapped, np.array([i for i, t in enumerate(text) if t not in lookup], dtype=np.int64)


def _class_key(value) -> str:
    """How a label is matched to a class: as text, numbers by value (``1``, ``1.0`` and
    ``"1"`` are one class; ``"bound"`` is only ``"bound"``)."""
    number = as_number(value.item() if isinstance(value, np.generic) else value)
    if number is None:
        return str(value).strip()
    return str(int(number)) if number.is_integer() else repr(number)


def _check_classes_not_values(labels: np.ndarray, classes: np.ndarray) -> None:
    """Refuse labels that are measured values, not classes (:func:`labels_look_like_values`)."""
    if labels.dtype.kind == "f":
        odd = int(np.flatnonzero(~np.isfinite(labels) | (labels != np.round(labels)))[0])
        raise InputError(f"the label {labels[odd]:g} is a number with decimals, a measured "
                         "value rather than a class: predict values with SequenceRegressor "
                         "(--task regression); if these are classes, write them as text",
                         row=odd)
    if labels_look_like_values(labels):
        alone = int((np.unique(labels, return_counts=True)[1] < 2).sum())
        raise InputError(f"{len(classes)} classes for {len(labels)} sequences, {alone} of them "
                         "a single sequence, so there is nothing to learn of each: these look "
                         "like measured values; predict them with SequenceRegressor (--task "
                         "regression), or group them into a few classes")


def _label_array(y, n: int, what: str = "labels") -> np.ndarray:
    """Class labels as a 1-D array of ``n``; one sentence for anything else."""
    labels = np.asarray(y, dtype=object if isinstance(y, (list, tuple)) else None)
    if labels.ndim == 2 and labels.shape[1] == 1:  # a one-column table or (N, 1) array
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise InputError(f"{what} must hold one class label per sequence (shape ({n},)), "
                         f"not shape {labels.shape}")
    if labels.shape[0] != n:
        raise InputError(f"got {n} sequences but {labels.shape[0]} {what}")
    missing = [i for i, v in enumerate(labels) if v is None or (isinstance(v, float) and v != v)
               or type(v).__name__ in ("NAType", "NaTType")]  # pandas' missing values
    if missing:
        raise InputError("the label is missing (empty or NaN)", row=missing[0])
    if labels.dtype == object:
        text = np.array([isinstance(v, str) for v in labels])
        if 0 < text.sum() < len(labels):  # name a label of the rarer kind, and its row
            odd = int(np.flatnonzero(text if text.sum() < len(labels) / 2 else ~text)[0])
            raise InputError(f"{what} mix text and numbers: this one is {labels[odd]!r}, most "
                             f"are {'numbers' if text[odd] else 'text'}; write every class the "
                             "same way", row=odd)
        labels = np.asarray(labels.tolist())
    return whole_floats_as_int(labels)  # 0.0/1.0 (a float column) are the classes 0/1


def _read_payload(path) -> tuple[Path, dict]:
    """Read and check a saved model file; returns its path and contents."""
    import torch

    path = Path(path)
    if path.is_dir():
        path = path / "model.pt"
    if not path.exists():
        raise ModelError(f"no model file at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:
        raise ModelError(f"{path} is not a readable biochemml model ({err})") from None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path} is not a biochemml sequence model file")
    if payload.get("format_version") != MODEL_FORMAT_VERSION:
        raise ModelError(
            f"{path} was saved by biochemml {payload.get('biochemml_version')} in model format "
            f"{payload.get('format_version')}; this is biochemml {__version__} (format "
            f"{MODEL_FORMAT_VERSION}). Retrain the model with this version.")
    return path, payload


def load(path):
    """Load a saved :class:`SequenceClassifier` or :class:`SequenceRegressor` (file or run folder)."""
    path, payload = _read_payload(path)
    classes = {"SequenceClassifier": SequenceClassifier, "SequenceRegressor": SequenceRegressor}
    if payload.get("estimator") not in classes:
        raise ModelError(f"{path} holds an unknown estimator '{payload.get('estimator')}'")
    return classes[payload["estimator"]]._from_payload(payload)


def _full_signature(cls) -> None:
    """Show every parameter in ``cls``'s signature (Jupyter's Shift-Tab, ``help``): its own,
    then those it passes on to :class:`_SequenceEstimator` in ``**kwargs``."""
    own = inspect.signature(cls.__init__)
    params = [p for p in own.parameters.values() if p.kind is not p.VAR_KEYWORD]
    names = {p.name for p in params}
    params += [p for p in inspect.signature(_SequenceEstimator.__init__).parameters.values()
               if p.name not in names and p.kind is not p.VAR_KEYWORD]
    cls.__init__.__signature__ = own.replace(parameters=params)


_full_signature(SequenceRegressor)
