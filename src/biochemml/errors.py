"""Exceptions raised by biochemml.

Every error a user can cause (a bad file, a wrong symbol, a missing column) is a
:class:`BiochemmlError` with a sentence that says what was wrong and where: the file,
the row (1-based, as a spreadsheet shows it) or sequence index, and the column.
The command line prints these sentences without a traceback.
"""
from __future__ import annotations


class BiochemmlError(Exception):
    """Base class of every error biochemml raises on purpose."""


class InputError(BiochemmlError, ValueError):
    """User input (a sequence, a table, a matrix, an argument) is not what was expected.

    Parameters
    ----------
    message : str
        What was wrong, as a sentence.
    path : str, optional
        The file the input came from.
    row : int, optional
        The 0-based index of the offending sequence or table row; shown 1-based for files
        (``row 8``) and as the index it is otherwise (``sequence at index 7``).
    column : str, optional
        The offending column of a table.
    label : optional
        The row's label in a pandas input's index, named instead of ``row`` (which stays
        the 0-based position): ``sequence with index label 485``.
    """

    def __init__(self, message: str, *, path=None, row=None, column=None, label=None):
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.label = label
        where = []
        if self.path is not None:
            import os

            kind = "folder" if os.path.isdir(self.path) else "file"
            where.append(f"{kind} {self.path}")
        if row is not None:
            # a file's rows count as a spreadsheet does; a Python list's items from 0
            where.append(f"row {row + 1}" if self.path is not None else
                         f"sequence with index label {label!r}" if label is not None else
                         f"sequence at index {row}")
        if column is not None:
            where.append(f"column '{column}'")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)
        self.message = message

    def at_label(self, label) -> "InputError":
        """The same error, its row named by ``label`` (a pandas index label)."""
        label = label.item() if hasattr(label, "item") else label  # np.int64(5) -> 5
        new = InputError(self.message, path=self.path, row=self.row, column=self.column,
                         label=label)
        new.__cause__, new.__traceback__ = self.__cause__, self.__traceback__
        return new

    def extended(self, more: str) -> "InputError":
        """The same error (same file, row and column, however they were named) with
        ``more`` added to its sentence."""
        import copy

        new = copy.copy(self)
        new.message = self.message + more
        new.args = (self.args[0] + more,) + self.args[1:]
        return new


class DataError(BiochemmlError):
    """A data set could not be found, downloaded or verified."""


class ModelError(BiochemmlError):
    """A saved model or run folder cannot be used (missing, corrupted, another version)."""


class TrainingWarning(UserWarning):
    """Training ended before the networks had learnt what they could: still improving at
    the last epoch, or stopped by the time limit. The command line says so itself."""


class CalibrationWarning(UserWarning):
    """An ensemble's spread was scaled to its errors on few validation rows, or on none:
    its intervals are rough or too narrow. The command line says so itself."""


class AmbiguityWarning(UserWarning):
    """Sequences given to a trained model hold N or another ambiguous letter, which it reads
    as an all-zero (or uniform) row: no base at all, not an average one.

    The command line says so itself, so it hides this warning; in Python it is the notice.
    """


class LengthWarning(UserWarning):
    """Sequences given to a trained model were cut to its input length, or are shorter
    than every sequence it was trained on.

    The command line says the same sentences itself (:func:`biochemml.estimators.length_notes`),
    so it hides this warning; in Python it is the only notice.
    """


class CampaignWarning(UserWarning):
    """A caveat about a bioprocess design or recommendation: intervals likely too narrow
    for so few runs, no proposal expected to beat the best run, a proposal that repeats a
    run, factors never varied, grid runs that break a constraint.

    The sentence is also kept in the returned table's ``attrs`` (which many pandas
    operations drop). The command line prints the same sentences itself, so it hides this
    warning; in Python it is the notice.
    """
