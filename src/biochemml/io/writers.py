"""Write files atomically: a failure never leaves a half-written file behind."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import InputError

#: Table suffixes and the pandas options that write them (None = Parquet).
TABLE_WRITERS = {".csv": {}, ".tsv": {"sep": "\t"}, ".txt": {"sep": "\t"}, ".parquet": None,
                 ".pq": None}


def atomic_write(path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it onto ``path``.

    The temporary file keeps ``path``'s suffix (so writers that add one, such as
    ``numpy.save``, leave it alone). A failing ``write`` removes it; an ``OSError``
    (disk full, no permission) becomes an :class:`InputError` naming ``path``.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise InputError(f"could not be written ({err.strerror or err})", path=path) from None
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"could not be written ({err.strerror or err})", path=path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def table_suffix(out) -> str:
    """The table suffix of ``out``; an error before any work if it is not writable."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in TABLE_WRITERS:
        raise InputError(f"cannot write '{suffix or out.name}': use .csv, .tsv or .parquet",
                         path=out)
    return suffix


def write_table(df: pd.DataFrame, out) -> Path:
    """Write ``df`` as CSV, TSV or Parquet (by the suffix of ``out``), atomically."""
    options = TABLE_WRITERS[table_suffix(out)]
    if options is None:
        return atomic_write(out, lambda tmp: df.to_parquet(tmp, index=False))
    return atomic_write(out, lambda tmp: df.to_csv(tmp, index=False, **options))
