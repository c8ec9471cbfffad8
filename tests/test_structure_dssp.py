"""DSSP secondary structure (PyDSSP) against known folds: the GFP barrel and TEM-1."""
import dataclasses
import os
import re
from pathlib import Path

import numpy as np
import pytest

from biochemml import structure
from biochemml.errors import InputError

DATA = Path(os.environ.get("BIOCHEMML_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
GFP_PDB = DATA / "avgfp" / "1gfl_cm.pdb"
TEM1_PDB = DATA / "tem1" / "AF-Q6SJ61-F1-model_v4_p.pdb"

pytestmark = pytest.mark.skipif(not GFP_PDB.exists(), reason="set BIOCHEMML_DATA to shared/data")
pytest.importorskip("pydssp")


def runs(ss, letter, at_least):
    return [m.span() for m in re.finditer(f"{letter}{{{at_least},}}", "".join(ss))]


def test_backbone_atoms():
    st = structure.read(GFP_PDB)
    bb = structure.backbone(st)
    assert bb.shape == (len(st), 4, 3) and not np.isnan(bb).any()
    np.testing.assert_array_equal(bb[:, 1], st.ca)
    # N-CA and CA-C bonds are about 1.46 and 1.52 A; C=O about 1.23 A
    assert np.median(np.linalg.norm(bb[:, 1] - bb[:, 0], axis=1)) == pytest.approx(1.46, abs=0.03)
    assert np.median(np.linalg.norm(bb[:, 2] - bb[:, 1], axis=1)) == pytest.approx(1.52, abs=0.03)
    assert np.median(np.linalg.norm(bb[:, 3] - bb[:, 2], axis=1)) == pytest.approx(1.23, abs=0.03)


def test_gfp_is_an_eleven_strand_barrel():
    st = structure.read(GFP_PDB)
    ss = structure.secondary_structure(st, method="dssp")
    assert ss.shape == (len(st),) and set(ss) <= {"H", "E", "C"}
    # the beta-can: eleven strands, half the residues, and the short central helix
    assert len(runs(ss, "E", 5)) == 11
    assert 0.45 < (ss == "E").mean() < 0.55
    assert 0.05 < (ss == "H").mean() < 0.2
    np.testing.assert_array_equal(structure.secondary_structure(st), ss)  # "auto" is DSSP
    # a chain selection gives the same answer for the chain
    np.testing.assert_array_equal(structure.secondary_structure(st.select("A")), ss)


def test_tem1_helices_sheet_and_active_site_helix():
    st = structure.read(TEM1_PDB)
    ss = structure.secondary_structure(st, method="dssp")
    # class A beta-lactamase: an all-alpha domain and an alpha/beta domain
    assert 0.35 < (ss == "H").mean() < 0.5 and 0.1 < (ss == "E").mean() < 0.25
    assert len(runs(ss, "H", 7)) >= 8
    # the catalytic Ser70 (Ambler) of the S-x-x-K motif opens helix H2
    ser = st.sequence.find("STFK")
    assert "".join(ss[ser:ser + 12]) == "H" * 12
    # the signal peptide (residues 1-23 of the precursor) is no secondary structure here
    assert (ss[:20] == "C").all()


def test_fallbacks_and_errors():
    st = structure.read(GFP_PDB)
    bare = dataclasses.replace(st, atom_name=np.zeros(0, dtype=str))  # no atom names
    approx = structure.secondary_structure(st, method="ca")
    np.testing.assert_array_equal(structure.secondary_structure(bare), approx)
    with pytest.raises(InputError, match="no residue with all backbone atoms"):
        structure.secondary_structure(bare, method="dssp")
    with pytest.raises(InputError, match="method must be"):
        structure.secondary_structure(st, method="stride")
    # DSSP and the C-alpha approximation agree on most residues
    assert (approx == structure.secondary_structure(st)).mean() > 0.65
    table = structure.residue_descriptors(st, ss_method="ca")
    np.testing.assert_array_equal(table["secondary_structure"].to_numpy(), approx)


def test_chain_break_and_missing_oxygen(tmp_path):
    """Cutting a residue out of a helix (a chain break) leaves the rest assigned; a residue
    without its O is left out (C) and its neighbours still get an assignment."""
    lines = TEM1_PDB.read_text().splitlines()
    atoms = [ln for ln in lines if ln.startswith("ATOM")]
    st = structure.read(TEM1_PDB)
    full = structure.secondary_structure(st)
    ser = st.sequence.find("STFK") + 1  # residue numbers start at 1 in this model
    cut = [ln for ln in atoms if int(ln[22:26]) != ser + 6]
    no_o = [ln for ln in cut if not (int(ln[22:26]) == ser + 3 and ln[12:16].strip() == "O")]
    path = tmp_path / "broken.pdb"
    path.write_text("\n".join(no_o) + "\nEND\n")
    broken = structure.read(path)
    assert len(broken) == len(st) - 1
    ss = structure.secondary_structure(broken)
    assert ss[ser + 2] == "C"  # the residue without O (0-based ser + 3 - 1)
    keep = np.arange(len(st)) != ser + 5
    far = np.abs(np.arange(len(st))[keep] - (ser + 4)) > 8
    assert (ss[far] == full[keep][far]).mean() > 0.97


def test_variant_models_choose_the_secondary_structure():
    """The structure models keep the C-alpha approximation by default (DSSP was no better on
    TEM-1's training positions) and take ss_method="dssp"."""
    from biochemml.protein import StructureAwareRegressor

    st = structure.read(GFP_PDB)
    default = StructureAwareRegressor(st.sequence, st)._residue_table()
    dssp = StructureAwareRegressor(st.sequence, st, ss_method="dssp")._residue_table()
    np.testing.assert_array_equal(default["secondary_structure"],
                                  structure.secondary_structure(st, method="ca"))
    np.testing.assert_array_equal(dssp["secondary_structure"],
                                  structure.secondary_structure(st, method="dssp"))
