"""Progress reporting for long work (rich), silenced by ``--quiet`` or ``set_quiet(True)``."""
from __future__ import annotations

import contextlib
import os
import sys

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


@contextlib.contextmanager
def progress_bar(total: int | None, description: str):
    """Context manager yielding ``advance(n=1)``; draws a rich bar unless quiet or not a TTY."""
    if _QUIET or not sys.stderr.isatty():
        yield lambda n=1: None
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
