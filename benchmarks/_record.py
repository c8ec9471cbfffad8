"""Shared by the small benchmark scripts: stamp a result with time, date and machine,
print it and write it as JSON."""
from __future__ import annotations

import json
import platform
import time
from datetime import date
from pathlib import Path


def write_record(out: dict, path=None, start: float | None = None) -> str:
    """Add ``seconds`` (since ``start``), ``date`` and ``machine`` to ``out``, print it as
    JSON and write it to ``path`` when given; returns the text."""
    if start is not None:
        out["seconds"] = round(time.time() - start, 1)
    out["date"] = str(date.today())
    out["machine"] = f"{platform.machine()}, Python {platform.python_version()}"
    text = json.dumps(out, indent=2)
    print(text)
    if path:
        Path(path).write_text(text + "\n")
    return text
