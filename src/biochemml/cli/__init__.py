"""The ``biochemml`` command. Each sub-module registers its commands on :data:`app`;
every command is a thin layer over one Python function."""
from __future__ import annotations

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


def main(argv=None) -> int:
    """Run the command line; a user mistake prints one sentence, not a traceback."""
    try:
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
