"""Leftovers of the bioprocess review: each test fails before its fix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import Factor, Factors, LinearConstraint
from biochemml.cli import main
from biochemml.errors import InputError


# ------------------------------------------- 1. a factor declared twice: file and both rows
def test_factor_declared_twice_names_file_and_both_rows(tmp_path):
    path = tmp_path / "bounds.csv"
    path.write_text("Variable,Min,Max\ntemperature,25,37\nfeed,0,10\ntemperature,20,30\n")
    with pytest.raises(InputError) as err:
        Factors.from_file(path)
    text = str(err.value)
    assert str(path) in text and "'temperature' is declared twice, in rows 2 and 4" in text
    blank = tmp_path / "blank_first.csv"  # rows counted as the table readers count them
    blank.write_text("\n\nVariable,Min,Max\nfeed,0,10\nfeed,0,5\n")
    with pytest.raises(InputError, match="'feed' is declared twice, in rows 4 and 5"):
        Factors.from_file(blank)
    yaml = tmp_path / "f.yaml"
    yaml.write_text("factors:\n  - {name: T, low: 1, high: 2}\n  - {name: feed, low: 0, high: 1}\n"
                    "  - {name: T, low: 1, high: 3}\n")
    with pytest.raises(InputError, match="f.yaml: factor 'T' is declared twice, as entries 1 and 3"):
        Factors.from_file(yaml)
