"""Write files atomically: a failure never leaves a half-written file behind."""
from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import secrets
import shutil
import socket
import stat
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from ..errors import InputError

#: Table suffixes and the pandas options of ``to_csv`` that write them ("parquet" and "excel"
#: name the other writers).
TABLE_WRITERS = {".csv": {}, ".tsv": {"sep": "\t"}, ".txt": {"sep": "\t"}, ".parquet": "parquet",
                 ".pq": "parquet", ".xlsx": "excel"}


def atomic_write(path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it onto ``path``.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is created when missing.
    write : callable
        Called with the temporary file's path; writes the content there.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    biochemml.errors.InputError
        The file cannot be written (disk full, no permission); the error names ``path``.

    Notes
    -----
    The temporary file keeps ``path``'s suffix (so writers that add one, such as
    ``numpy.save``, leave it alone) and ends with the permissions any new file gets
    under the user's umask (``-rw-r--r--`` with umask 022), not the private ones of
    :func:`tempfile.mkstemp`. A failing ``write`` removes it.
    """
    path = Path(path)
    made = [p for p in path.parents if not p.exists()]  # the folders this call creates
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp, mode = new_file_beside(path)
    except OSError as err:
        _remove_empty(made)
        raise InputError(f"could not be written ({err.strerror or err})", path=path) from None
    try:
        write(tmp)
        os.chmod(tmp, mode)  # a writer may have replaced the file it was given
        pending = _SET.get()
        if pending is None:
            os.replace(tmp, path)
        else:  # one_set(): moved with the others at its end
            pending.append((tmp, path))
    except OSError as err:
        tmp.unlink(missing_ok=True)
        _remove_empty(made)
        raise InputError(f"could not be written ({err.strerror or err})", path=path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        _remove_empty(made)
        raise
    return path


#: the files one_set() holds back: (temporary file, final path)
_SET = contextvars.ContextVar("biochemml_file_set", default=None)


@contextlib.contextmanager
def one_set() -> Iterator[None]:
    """Write several files as one set: every :func:`atomic_write` inside the block writes
    its temporary file, and all of them are moved onto their paths only when the block
    ends without error (a failure or Ctrl-C removes them all, leaving the earlier files).
    So a table, its plot and its report never come from two different runs.

    The moves at the end are one ``os.replace`` a file (microseconds each): only a crash
    in that instant, or two runs writing the same files at once, could still mix a set.
    """
    pending: list = []
    token = _SET.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        _SET.reset(token)
    try:
        for tmp, path in pending:
            os.replace(tmp, path)
    except OSError as err:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise InputError(f"could not be written ({err.strerror or err})",
                         path=err.filename) from None


def staged(path: Path) -> Path:
    """Where the content of ``path`` is now: inside :func:`one_set`, the temporary file of a
    write not yet moved onto it; else ``path``."""
    for tmp, final in _SET.get() or ():
        if final == Path(path):
            return tmp
    return Path(path)


def _remove_empty(folders) -> None:
    """Remove ``folders`` (deepest first) where they are still empty: a failed write
    leaves no folder it made behind."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def new_file_beside(path: Path) -> tuple[Path, int]:
    """Create an empty hidden file of a new name beside ``path``; return it and its mode.

    The file is created with mode 0o666, which the system reduces by the umask (and any
    default ACL of the folder), so its mode is the one every new file of the user gets;
    reading it back avoids ``os.umask``, which changes the umask of every thread while
    it reads it.
    """
    for _ in range(100):
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}{path.suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            return tmp, stat.S_IMODE(os.fstat(fd).st_mode)
        finally:
            os.close(fd)
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


def table_suffix(out) -> str:
    """The table suffix of ``out``; an error before any work if it is not writable."""
    out = Path(out)
    suffix = out.suffix.lower()
    if out.is_dir():
        raise InputError("cannot be written over: give the output table a file name, such as "
                         f"{out / 'predictions.csv'}", path=out)
    if not suffix:
        raise InputError(f"has no file ending: name the output table {out.name}.csv (or "
                         ".tsv, .xlsx, .parquet)", path=out)
    if suffix not in TABLE_WRITERS:
        raise InputError(f"cannot write '{suffix}': use .csv, .tsv, .xlsx or .parquet", path=out)
    if suffix == ".xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise InputError("writing Excel needs the Python package openpyxl ('pip install "
                             "openpyxl'); or use .csv or .tsv", path=out) from None
    return suffix


#: the files that make a folder a biochemml run folder (with config.yaml)
RUN_FILES = ("model.pt", "model.joblib", "model.pkl", "metrics.json")


def _run_folder_above(out: Path) -> Path | None:
    """The biochemml run folder ``out`` would be written into (at any depth), or None."""
    for folder in Path(os.path.abspath(out)).parents:
        if (folder / "config.yaml").is_file() and any((folder / f).exists() for f in RUN_FILES):
            return folder
    return None


def not_an_input(out, what: str, **inputs) -> None:
    """Refuse an output that is one of the command's input files, or that lies inside a
    run folder, before any work.

    ``what``: what the output is ("the proposals"); ``inputs``: option name (``data`` for
    ``--data``) -> path, None where not given. The message says what would be lost and
    names a new file. A run's files must stay as biochemml wrote them: evaluate and predict
    read them (a replaced training_sequences.npy had switched off evaluate's overlap check).
    """
    out = Path(out)
    run = _run_folder_above(out)
    if run is not None:
        raise InputError(f"is inside the run folder {run}: a run's files must stay as "
                         "biochemml wrote them (evaluate and predict read them); name a file "
                         f"outside it, such as {out.name}", path=out)
    for option, path in inputs.items():
        # samefile: one file under two names (a case-insensitive disk, a link) is one file
        if path is not None and Path(path).exists() and out.exists() and \
                os.path.samefile(out, path):
            flag = "--" + option.replace("_", "-")
            raise InputError(f"is also the {flag} file: writing {what} there would replace it "
                             f"(and what it holds); name a new file, such as "
                             f"{out.with_stem(out.stem + '_out').name}", path=out)


def write_table(df: pd.DataFrame, out) -> Path:
    """Write ``df`` as CSV, TSV, Excel or Parquet (by the suffix of ``out``), atomically."""
    options = TABLE_WRITERS[table_suffix(out)]
    if options == "parquet":
        return atomic_write(out, lambda tmp: df.to_parquet(tmp, index=False))
    if options == "excel":
        return atomic_write(out, lambda tmp: df.to_excel(tmp, index=False, engine="openpyxl"))
    return atomic_write(out, lambda tmp: df.to_csv(tmp, index=False, **options))


def check_new_folder(out) -> Path:
    """Check that a run folder can be created at ``out`` (before any long work).

    Parameters
    ----------
    out : str or Path
        The run folder: it must not exist, or be an empty folder.

    Returns
    -------
    Path
        ``out`` as a Path.

    Raises
    ------
    biochemml.errors.InputError
        ``out`` (or a folder above it) is an existing file, or ``out`` is a folder that
        holds files.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is an existing file, not a folder; choose a new "
                         "folder name")
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise InputError(f"--out {out} lies inside {above}, which is a file, not a folder; "
                         "choose a new folder name")
    if out.exists() and any(out.iterdir()):
        raise InputError(f"the run folder {out} already exists and is not empty; "
                         "choose another --out")
    return out


@contextlib.contextmanager
def atomic_folder(out) -> Iterator[Path]:
    """Yield a temporary folder beside ``out`` and rename it to ``out`` at the end.

    On any failure inside the ``with`` block the temporary folder is removed, so a run
    folder either appears complete or not at all.
    """
    final = check_new_folder(out)
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(final)
    # a name of this process's own: two runs given the same --out at once must not write
    # into one folder (the first to finish keeps --out, the other says where its went)
    for _ in range(100):
        tmp = final.with_name(f".{final.name}.{_HOST}-{os.getpid()}.{secrets.token_hex(4)}"
                              ".partial")
        try:
            tmp.mkdir(0o777)  # the user's umask, as any new folder (not mkdtemp's 0700)
            break
        except FileExistsError:
            continue
    try:
        yield tmp
        try:
            if final.exists():
                final.rmdir()  # the empty folder check_new_folder accepted
            tmp.rename(final)
        except OSError:
            kept = next(final.with_name(f"{final.name}_{k}") for k in range(2, 10 ** 6)
                        if not final.with_name(f"{final.name}_{k}").exists())
            tmp.rename(kept)
            raise InputError(f"{final} was filled while this run worked (by another run to the "
                             f"same --out, or by hand), so this run's results are in {kept}") \
                from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


#: this machine's name as temporary folders carry it (a shared disk is seen by several)
_HOST = "".join(c if c.isalnum() else "_" for c in
                socket.gethostname().split(".")[0]) or "host"


def _remove_stale_partials(final: Path) -> None:
    """Remove the temporary folders of earlier runs to ``final`` on this machine that were
    killed before they could clean up (``.NAME.<host>-<pid>.*.partial`` of a process that
    no longer runs, and the ``.NAME.partial`` of earlier versions). Another live run's
    folder, and any folder of another machine sharing the disk, is left alone."""
    for old in final.parent.glob(f".{final.name}.*partial"):
        parts = old.name[len(final.name) + 2:].split(".")
        if parts != ["partial"]:
            host, _, pid = parts[0].rpartition("-")
            if len(parts) != 3 or host != _HOST or not pid.isdigit():
                continue  # another --out's ('r.v2' for 'r') or another machine's
            try:
                os.kill(int(pid), 0)
                continue  # a process of that id runs: perhaps a run to the same --out
            except ProcessLookupError:
                pass
            except (PermissionError, OverflowError):
                continue
        shutil.rmtree(old, ignore_errors=True)
