"""Write tables atomically: a failure never leaves a half-written file."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError

WRITABLE = (".csv", ".tsv", ".txt", ".parquet", ".pq")


def write_table(df: pd.DataFrame, out) -> Path:
    """Write ``df`` as CSV, TSV or Parquet (by the suffix of ``out``), atomically."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in WRITABLE:
        raise InputError(f"cannot write '{suffix or out.name}': use .csv, .tsv or .parquet",
                         path=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        if suffix == ".csv":
            df.to_csv(tmp, index=False)
        elif suffix in (".tsv", ".txt"):
            df.to_csv(tmp, sep="\t", index=False)
        else:
            df.to_parquet(tmp, index=False)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
