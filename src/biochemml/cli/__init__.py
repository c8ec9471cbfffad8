"""The ``biochemml`` command. Each sub-module registers its commands on :data:`app`;
every command is a thin layer over one Python function."""
from __future__ import annotations

import signal
import sys

import typer

from ..errors import BiochemmlError

app = typer.Typer(
    name="biochemml",
    help="Machine learning for biochemical lab measurements: sequences -> expression, "
         "protein structures -> activity, bioreactor conditions -> production.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

@app.callback()
def _root(
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only results and errors."),
) -> None:
    """biochemml: models from lab measurements, and the next experiment to run."""
    from .. import progress

    progress.set_quiet(quiet)


# Sub-modules add their commands to `app` on import.
from . import sequence  # noqa: E402,F401
from . import bioprocess  # noqa: E402,F401
from . import protein  # noqa: E402,F401
from . import train  # noqa: E402,F401
from . import datasets  # noqa: E402,F401
from . import interpret  # noqa: E402,F401


class Interrupted(BaseException):
    """Raised by the signal handlers of :func:`main` on Ctrl-C (SIGINT) or SIGTERM.

    A ``BaseException`` (as ``KeyboardInterrupt``), so ``except Exception`` clauses let it
    through while the ``finally`` and ``except BaseException`` clean-ups of atomic writes
    (:func:`biochemml.io.writers.atomic_folder`) remove what was half-written.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = int(signum)


def _interrupt(signum, frame) -> None:
    """Signal handler: ignore further SIGINT/SIGTERM (clean-up runs), then raise Interrupted."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


def _interrupted_text(argv) -> str:
    """The one line printed on an interruption: what was (not) written."""
    words = [w for w in (sys.argv[1:] if argv is None else argv) if not w.startswith("-")]
    command = words[0] if words else ""
    if command == "train":
        return "interrupted: no run folder was written"
    if command in ("predict", "evaluate", "interpret", "design"):  # their outputs appear whole or not at all
        return "interrupted: no output was written"
    return "interrupted"


def main(argv=None) -> int:
    """Run the command line; a user mistake prints one sentence, not a traceback.

    Ctrl-C and SIGTERM (a batch system's kill) stop the command with one line and the
    shell's status for the signal (130 and 143), never 0; the previous handlers are put
    back on return.
    """
    handlers = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            handlers[sig] = signal.signal(sig, _interrupt)
    except ValueError:  # not the main thread: leave signals alone
        pass
    from .. import provenance

    provenance.set_command(sys.argv[1:] if argv is None else argv)  # for the records
    try:
        return _main(argv)
    except Interrupted as stop:
        typer.secho(_interrupted_text(argv), fg=typer.colors.RED, err=True)
        return 128 + stop.signum
    finally:
        provenance.set_command(None)
        for sig, handler in handlers.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _main(argv=None) -> int:
    import warnings

    from ..errors import (AmbiguityWarning, CalibrationWarning, CampaignWarning, LengthWarning,
                          TrainingWarning)

    try:
        with warnings.catch_warnings():  # the runs say the same sentences themselves
            for said in (LengthWarning, AmbiguityWarning, CampaignWarning, CalibrationWarning,
                         TrainingWarning):
                warnings.simplefilter("ignore", said)
            app(args=argv, standalone_mode=False)
    except BiochemmlError as err:
        typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
        return 1
    except typer.Abort:
        typer.secho("Aborted.", err=True)
        return 1
    except SystemExit as exc:  # --help and click usage errors
        return int(exc.code or 0)
    except Exception as err:
        # usage errors (unknown option, missing value) of the click layer inside Typer
        if hasattr(err, "show") and hasattr(err, "exit_code"):
            err.show()
            return err.exit_code
        raise
    return 0


def _entry() -> None:
    sys.exit(main())
