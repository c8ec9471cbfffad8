"""Progress reporting for long work, silenced by ``--quiet`` or ``set_quiet(True)``.

On a terminal a rich bar; elsewhere (a batch job, a log file, a notebook) a plain line at
most every :data:`PLAIN_EVERY` seconds, and nothing for work shorter than that.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time

#: seconds between the plain progress lines written where stderr is not a terminal
PLAIN_EVERY = 30.0

_QUIET = os.environ.get("BIOCHEMML_QUIET", "") not in ("", "0")


def set_quiet(quiet: bool) -> None:
    """Turn progress bars and chatty messages off (True) or on (False)."""
    global _QUIET
    _QUIET = bool(quiet)


def is_quiet() -> bool:
    return _QUIET


def say(message: str) -> None:
    """Print a status line unless quiet (to stderr, so stdout stays parseable)."""
    if not _QUIET:
        from rich.console import Console

        Console(stderr=True, highlight=False).print(message)


def duration(seconds: float) -> str:
    """``"45 s"``, ``"2 min 10 s"``, ``"1 h 5 min"``.

    Examples
    --------
    >>> duration(130.4), duration(9), duration(3900)
    ('2 min 10 s', '9 s', '1 h 5 min')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


class PlainProgress:
    """Plain progress lines for a log: :meth:`tick` writes one (to stderr, with the time
    since the start) when :data:`PLAIN_EVERY` seconds have passed since the start or the
    last line, so short work writes nothing. Quiet writes nothing either.
    """

    def __init__(self):
        self.start = self.last = time.monotonic()

    def tick(self, text) -> None:
        """``text``: the line (``"Training: epoch 5 of 30"``), or a function giving it (only
        called when a line is due)."""
        now = time.monotonic()
        if _QUIET or now - self.last < PLAIN_EVERY:
            return
        self.last = now
        line = text() if callable(text) else text
        print(f"{line}, {duration(now - self.start)}", file=sys.stderr, flush=True)


def shows_bars() -> bool:
    """Whether stderr shows live bars: a terminal, or a Jupyter notebook's output where
    ipywidgets is installed (without it a live bar shows nothing but a warning to install
    it, once a network, so the notebook gets the plain lines of a log)."""
    if sys.stderr.isatty():
        return True
    if "ipykernel" not in sys.modules:
        return False
    import importlib.util

    return importlib.util.find_spec("ipywidgets") is not None


@contextlib.contextmanager
def progress_bar(total: int | None, description: str, enabled: bool = True):
    """Context manager yielding ``advance(n=1)``: a rich bar on a terminal, plain lines
    (:class:`PlainProgress`: ``"Predicting: 120 of 400, 1 min 0 s"``) elsewhere; nothing
    when quiet or not ``enabled`` (a caller that was asked for no progress). ``total`` may
    be None when unknown (a download without a length)."""
    if _QUIET or not enabled:
        yield lambda n=1: None
        return
    if not sys.stderr.isatty():
        plain, done = PlainProgress(), [0]

        def advance(n=1):
            done[0] += n
            plain.tick(lambda: f"{description}: {done[0]:,}"
                       + (f" of {total:,}" if total else ""))

        yield advance
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
