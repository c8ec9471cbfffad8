"""Fixtures shared by several test modules."""
import pytest

from protein_helpers import GFP_PDB


@pytest.fixture(scope="session")
def gfp():
    """The GFP structure of the avgfp data set (skips without BIOCHEMML_DATA)."""
    if not GFP_PDB.exists():
        pytest.skip("set BIOCHEMML_DATA to shared/data")
    from biochemml import structure

    return structure.read(GFP_PDB)
