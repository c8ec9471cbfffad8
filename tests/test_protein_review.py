"""Fixes from a user review of the protein-variant path, each written as a use that failed."""
import json
import os

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main
from biochemml.errors import InputError

needs_data = pytest.mark.skipif(not os.environ.get("BIOCHEMML_DATA"),
                                reason="needs BIOCHEMML_DATA (the shared data sets)")


@pytest.fixture(scope="module")
def tem1():
    """(table of 300 TEM-1 single mutants: variant, score; the 286-residue wild type)."""
    if not os.environ.get("BIOCHEMML_DATA"):
        pytest.skip("needs BIOCHEMML_DATA (the shared data sets)")
    from biochemml import datasets

    df = datasets.load("tem1")
    table = pd.DataFrame({"variant": df["mutant"], "score": df["2500"]}).iloc[:300]
    return table, datasets.wildtype("tem1")


def test_wildtype_given_as_the_whole_sequence_is_read_as_a_sequence(tem1, tmp_path):
    from biochemml.protein_train import read_wildtype, train_variant_model

    table, wildtype = tem1
    # 286 letters: too long a file name for the system (OSError), so it is a sequence
    assert read_wildtype(wildtype) == wildtype
    assert read_wildtype(wildtype * 20) == wildtype * 20
    data = tmp_path / "v.csv"
    table.iloc[:60].to_csv(data, index=False)
    metrics = train_variant_model(data, wildtype, offset=1, model="additive",
                                  out=tmp_path / "run", baselines=False)
    assert metrics["test"]["n"] == 12
    code = main(["train", "--task", "protein-variant", "--wildtype", wildtype, "--data",
                 str(data), "--offset", "1", "--model", "additive", "--out",
                 str(tmp_path / "run2")])
    assert code == 0
