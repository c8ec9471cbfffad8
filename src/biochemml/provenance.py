"""What a run folder records so that its result can be traced a year later: the software
(versions of biochemml and the libraries that decide its numbers, the git commit of a
source checkout), the machine, and the data file (absolute path, size, SHA256)."""
from __future__ import annotations

import functools
import hashlib
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

#: the command line being run (``["biochemml", "recommend", ...]``), set by
#: :func:`biochemml.cli.main` for the length of a command; None when Python calls biochemml
_COMMAND: list | None = None


def set_command(words) -> None:
    """Record (or, with None, forget) the command line :func:`record` and reports give."""
    global _COMMAND
    _COMMAND = None if words is None else ["biochemml", *map(str, words)]


def command() -> str:
    """The command being run, as a shell line, or ``"called from Python"``."""
    import shlex

    return shlex.join(_COMMAND) if _COMMAND else "called from Python"


#: the distributions whose versions can change a run's numbers
PACKAGES = ("torch", "numpy", "pandas", "scikit-learn", "scipy", "pytorch-lightning",
            "botorch", "gpytorch")


def software() -> dict:
    """A copy of :func:`_software`, which is read once a process (it starts git)."""
    import copy

    return copy.deepcopy(_software())


@functools.lru_cache(maxsize=1)
def _software() -> dict:
    """Versions of Python, biochemml (with its git commit when run from a checkout) and
    :data:`PACKAGES` that are installed; the platform and processor.

    Returns
    -------
    dict
        ``{"python": "3.11.7", "biochemml": "0.1.0", "git_commit": "1a2b3c4" (or with
        "-dirty"), "packages": {...}, "platform": ..., "processor": ...}``.
    """
    from . import __version__

    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    record = {"python": platform.python_version(), "biochemml": __version__,
              "packages": packages, "platform": platform.platform(),
              "processor": platform.processor() or platform.machine(),
              "cpus": os.cpu_count()}
    commit = _git_commit(Path(__file__).resolve().parent)
    if commit:
        record["git_commit"] = commit
    return record


def _git_commit(folder: Path) -> str | None:
    """The short commit of the biochemml source checkout ``folder`` (the package) lies in
    (``-dirty`` with uncommitted changes), or None for an installed package, without git,
    or when the repository around it is another project's (a package installed into a
    project's .venv lies inside that project's repository)."""
    top = next((p for p in folder.parents if (p / ".git").exists()), None)
    if top is None or (top / "src" / "biochemml").resolve() != folder.resolve():
        return None  # no checkout of biochemml: git is not even started
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # a status must not lock the index
    try:
        def git(*args):
            return subprocess.run(["git", "-C", str(top), *args], capture_output=True,
                                  timeout=5, env=env)

        head = git("rev-parse", "--short", "HEAD")
        if head.returncode != 0:
            return None
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
        return head.stdout.decode("ascii", "replace").strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def file_record(path) -> dict:
    """``{"path": absolute path, "bytes": size, "sha256": hex digest}`` of a data file,
    so that a run can tell whether the file it names is still the one it read."""
    path = Path(path).resolve()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def record(data=None) -> dict:
    """The provenance block of a run folder: :func:`software`, the working folder and the
    :func:`command`, and the data file's :func:`file_record` (``data`` a path; a table
    given in Python has none)."""
    block = {"software": software(), "working_folder": os.getcwd(), "command": command()}
    if data is not None and not hasattr(data, "columns"):
        try:
            block["data_file"] = file_record(data)
        except OSError:
            pass
    return block
