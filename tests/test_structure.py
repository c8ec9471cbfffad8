"""Reading structures, distance/contact maps, residue graphs, descriptors and B-factor output."""
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from biochemml import structure
from biochemml.errors import InputError

DATA = Path(os.environ.get("BIOCHEMML_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
GFP_PDB = DATA / "avgfp" / "1gfl_cm.pdb"
TEM1_PDB = DATA / "tem1" / "AF-Q6SJ61-F1-model_v4_p.pdb"

pytestmark = pytest.mark.skipif(not GFP_PDB.exists(), reason="set BIOCHEMML_DATA to shared/data")

# A hand-written three-residue chain plus a water: small enough to check by eye.
MINI_PDB = """\
ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00 10.00           N
ATOM      2  CA  ALA A   1      11.639   6.071  -5.147  1.00 10.00           C
ATOM      3  C   ALA A   1      13.159   5.996  -5.216  1.00 10.00           C
ATOM      4  O   ALA A   1      13.740   5.219  -5.971  1.00 10.00           O
ATOM      5  CB  ALA A   1      11.176   4.848  -4.364  1.00 10.00           C
ATOM      6  N   GLY A   2      13.794   6.808  -4.378  1.00 10.00           N
ATOM      7  CA  GLY A   2      15.250   6.850  -4.342  1.00 10.00           C
ATOM      8  C   GLY A   2      15.804   7.967  -5.213  1.00 10.00           C
ATOM      9  O   GLY A   2      15.115   8.900  -5.620  1.00 10.00           O
ATOM     10  N   SER A   3      17.100   7.866  -5.494  1.00 10.00           N
ATOM     11  C   SER A   3      19.161   8.710  -6.601  1.00 10.00           C
ATOM     12  O   SER A   3      19.779   7.750  -7.065  1.00 10.00           O
HETATM   13  O   HOH A 101      20.000  20.000  20.000  1.00 10.00           O
END
"""


@pytest.fixture(scope="module")
def gfp():
    return structure.read(GFP_PDB)


def test_read_gfp_matches_the_dataset_sequence(gfp):
    assert len(gfp) == 237 and gfp.chains == ["A"]
    assert gfp.sequences()["A"].startswith("SKGEELFTGV")
    assert gfp.ca.shape == gfp.cb.shape == (237, 3)
    assert gfp.virtual_cb.sum() == (np.array(list(gfp.sequence)) == "G").sum()
    assert gfp.residue_ids[0] == "A:1"


def test_virtual_cb_is_close_to_real_cb(gfp):
    # Recompute the real alanine CBs from the virtual construction: within 0.3 A.
    import gemmi

    g = gemmi.read_structure(str(GFP_PDB))[0]["A"]
    res = [r for r in g if r.name == "ALA"]
    xyz = {k: np.array([r[k][0].pos.tolist() for r in res]) for k in ("N", "CA", "C", "CB")}
    placed = structure.virtual_cb(xyz["N"], xyz["CA"], xyz["C"])
    assert np.linalg.norm(placed - xyz["CB"], axis=1).max() < 0.3


def test_mmcif_reads_like_pdb(gfp, tmp_path):
    import gemmi

    cif = tmp_path / "gfp.cif"
    gemmi.read_structure(str(GFP_PDB)).make_mmcif_document().write_file(str(cif))
    st = structure.read(cif)
    assert st.sequence == gfp.sequence
    np.testing.assert_allclose(st.ca, gfp.ca, atol=1e-3)


def test_missing_ca_is_skipped_and_listed_or_an_error(tmp_path):
    path = tmp_path / "mini.pdb"
    path.write_text(MINI_PDB)
    st = structure.read(path)
    assert st.sequence == "AG" and len(st.skipped) == 1 and "A:3" in st.skipped[0]
    assert st.virtual_cb.tolist() == [False, True]
    with pytest.raises(InputError, match="A:3 SER has no CA"):
        structure.read(path, missing_ca="error")


def test_error_paths(tmp_path):
    water = tmp_path / "water.pdb"
    water.write_text("HETATM    1  O   HOH A 101      20.000  20.000  20.000  1.00 10.00           O\n"
                     "HETATM    2 ZN    ZN A 102      21.000  20.000  20.000  1.00 10.00          ZN\nEND\n")
    with pytest.raises(InputError, match="no protein chain.*ZN"):
        structure.read(water)
    with pytest.raises(InputError, match="does not exist"):
        structure.read(tmp_path / "absent.pdb")
    with pytest.raises(InputError, match="model 3"):
        structure.read(GFP_PDB, model=3)
    with pytest.raises(InputError, match="no protein chain 'B'"):
        structure.read(GFP_PDB, chains="B")
    with pytest.raises(InputError, match="missing_ca"):
        structure.read(GFP_PDB, missing_ca="maybe")
    st = structure.read(GFP_PDB)
    with pytest.raises(InputError, match="atom must be"):
        structure.distance_map(st, atom="N")
    with pytest.raises(InputError, match="expected a Structure"):
        structure.distance_map(np.zeros((3, 3)))
    with pytest.raises(InputError, match="threshold"):
        structure.contact_map(st, threshold=0)
    with pytest.raises(InputError, match="radius"):
        structure.residue_graph(st, radius=-1)


@pytest.mark.parametrize("atom", ["CA", "CB"])
def test_distance_map_symmetric_zero_diagonal_and_direct(gfp, atom):
    d = structure.distance_map(gfp, atom=atom)
    assert d.shape == (237, 237)
    np.testing.assert_array_equal(d, d.T)
    assert (np.diag(d) == 0).all()
    xyz = gfp.ca if atom == "CA" else gfp.cb
    i, j = 10, 150
    assert d[i, j] == pytest.approx(np.sqrt(((xyz[i] - xyz[j]) ** 2).sum()))
    from scipy.spatial.distance import cdist

    np.testing.assert_allclose(d, cdist(xyz, xyz), atol=1e-9)
    # consecutive C-alphas sit 3.8 A apart (2.9-3.1 A before a cis-proline)
    step = np.diag(structure.distance_map(gfp, atom="CA"), 1)
    assert ((np.abs(step - 3.8) < 0.15) | (np.abs(step - 3.0) < 0.15)).all()


def test_contact_map_symmetric_and_consistent(gfp):
    c = structure.contact_map(gfp, threshold=8.0, atom="CB")
    d = structure.distance_map(gfp, atom="CB")
    np.testing.assert_array_equal(c, c.T)
    assert not c.diagonal().any()
    np.testing.assert_array_equal(c, (d < 8.0) & ~np.eye(237, dtype=bool))
    far = structure.contact_map(gfp, min_separation=6)
    assert not far[np.abs(np.subtract.outer(np.arange(237), np.arange(237))) < 6].any()


def test_residue_graph_edges_both_directions_with_distances(gfp):
    graph = structure.residue_graph(gfp, radius=8.0)
    nodes, edges, dist = graph
    assert nodes.shape == (237, len(graph.feature_names)) and edges.shape[0] == 2
    pairs = set(map(tuple, edges.T.tolist()))
    assert all((j, i) in pairs for i, j in pairs)
    assert (edges[0] != edges[1]).all() and (dist < 8.0).all()
    d = structure.distance_map(gfp, atom="CA")  # residue_graph's default atom
    np.testing.assert_allclose(dist, d[edges[0], edges[1]], rtol=1e-6)
    assert edges.shape[1] == int(((d < 8.0).sum() - 237))
    col = graph.feature_names.index("neighbours")
    np.testing.assert_array_equal(nodes[:, col], np.bincount(edges[0], minlength=237))
    aa = nodes[:, :20]
    assert (aa.sum(axis=1) == 1).all() and aa[0].argmax() == "ACDEFGHIKLMNPQRSTVWY".index("S")


def test_descriptors_behave_like_burial_and_exposure(gfp):
    table = structure.residue_descriptors(gfp)
    assert len(table) == 237
    # buried residues (many CB neighbours) are less solvent exposed
    rho = np.corrcoef(table["burial"], table["rsa"])[0, 1]
    assert rho < -0.5
    assert table["rsa"].between(0, 1.2).all()
    # GFP is a beta barrel: strands dominate
    assert (table["secondary_structure"] == "E").mean() > 0.4


def test_sasa_of_an_isolated_atom_is_the_sphere(tmp_path):
    path = tmp_path / "mini.pdb"
    path.write_text(MINI_PDB)
    st = structure.read(path)
    one = st.select("A")
    total = structure.sasa(one, n_points=400).sum()
    # three tiny residues: area between one free carbon sphere and all atoms free
    free = 4 * np.pi * (1.7 + 1.4) ** 2
    assert free < total < 9 * 4 * np.pi * (1.8 + 1.4) ** 2


def test_tem1_helices_and_strands():
    st = structure.read(TEM1_PDB)
    ss = structure.secondary_structure(st)
    assert (ss == "H").sum() > 60 and (ss == "E").sum() > 40


def test_bfactor_round_trip(gfp, tmp_path):
    values = np.round(np.linspace(-5, 95, len(gfp)), 2)
    out = structure.write_bfactors(gfp, values, tmp_path / "coloured.pdb")
    back = structure.read(out)
    np.testing.assert_allclose(back.bfactor, values, atol=0.006)
    assert back.sequence == gfp.sequence
    # by path, with NaN filled
    values[3] = np.nan
    out = structure.write_bfactors(GFP_PDB, values, tmp_path / "nan.pdb", fill=-1)
    assert structure.read(out).bfactor[3] == pytest.approx(-1)
    with pytest.raises(InputError, match="237 residues"):
        structure.write_bfactors(gfp, values[:10], tmp_path / "x.pdb")
    with pytest.raises(InputError, match="rescale"):
        structure.write_bfactors(gfp, np.full(237, 5000.0), tmp_path / "x.pdb")


def test_structure_map_image(gfp, tmp_path):
    import matplotlib.pyplot as plt

    plt.close("all")
    fig = structure.plot_structure_map(gfp, out=tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 1000
    assert fig.axes[0].get_title().endswith("distance map")
    structure.plot_structure_map(gfp, kind="contact", out=tmp_path / "c.png")
    # made without pyplot: a notebook shows it once, and nothing is left open
    assert plt.get_fignums() == []
    with pytest.raises(InputError):
        structure.plot_structure_map(gfp, kind="photo")
    assert fig is not None


# two residues of chain A, the second with alternative conformations, and a water numbered
# like the first residue
ALTLOC_PDB = "".join(MINI_PDB.splitlines(keepends=True)[:5]) + """\
ATOM      6  N   SER A   2      13.794   6.808  -4.378  1.00 10.00           N
ATOM      7  CA  SER A   2      15.250   6.850  -4.342  1.00 10.00           C
ATOM      8  C   SER A   2      15.804   7.967  -5.213  1.00 10.00           C
ATOM      9  O   SER A   2      15.115   8.900  -5.620  1.00 10.00           O
ATOM     10  CB ASER A   2      15.800   5.500  -3.900  0.60 10.00           C
ATOM     11  OG ASER A   2      17.200   5.400  -3.700  0.60 10.00           O
ATOM     12  CB BSER A   2      15.700   5.600  -3.800  0.40 10.00           C
ATOM     13  OG BSER A   2      15.100   4.400  -3.300  0.40 10.00           O
HETATM   14  O   HOH A   1      20.000  20.000  20.000  1.00 10.00           O
END
"""


def test_bfactors_keep_every_atom_and_long_chain_names_go_to_mmcif(tmp_path):
    import gemmi

    path = tmp_path / "alt.pdb"
    path.write_text(ALTLOC_PDB)
    out = structure.write_bfactors(structure.read(path), [7.0, 8.0], tmp_path / "b.pdb",
                                   fill=-1.0)
    atoms = [(a.name, a.altloc, r.name, a.b_iso) for r in gemmi.read_structure(str(out))[0]["A"]
             for a in r]
    assert len(atoms) == 14  # both conformers and the water are kept
    assert {b for n, alt, res, b in atoms if res == "SER"} == {8.0}
    assert [b for n, alt, res, b in atoms if res == "HOH"] == [-1.0]  # not residue 1's value
    # an mmCIF whose chain is named 'AAA' cannot be a PDB: written as mmCIF beside it
    st = gemmi.read_structure(str(path))
    st[0]["A"].name = "AAA"
    st.setup_entities()
    cif = tmp_path / "long.cif"
    st.make_mmcif_document().write_file(str(cif))
    out = structure.write_bfactors(structure.read(cif), [1.0, 2.0], tmp_path / "long_b.pdb")
    assert out.name == "long_b.cif" and structure.read(out).bfactor.tolist() == [1.0, 2.0]


def test_structure_map_cli_refuses_an_unknown_kind_or_file_type(tmp_path, capsys):
    from biochemml.cli import main

    new = tmp_path / "new" / "sub"
    for extra, message in ((["--out", str(tmp_path / "m.npy"), "--kind", "foo"],
                            "--kind must be 'distance' or 'contact'"),
                           (["--out", str(tmp_path / "m.txt")], "name it .png, .pdf or .svg"),
                           (["--out", str(tmp_path / "m.png"), "--threshold", "5"],
                            "--threshold is the cut-off of a contact map: add --kind contact"),
                           (["--out", str(tmp_path / "m.png"), "--kind", "contact", "--vmax",
                             "20"], "--vmax sets the colour scale of a distance map image"),
                           (["--out", str(tmp_path / "m.npy"), "--vmax", "20"],
                            "a .npy file holds the distances themselves"),
                           (["--out", str(new / "m.png"), "--chain", "Z"], "chain 'Z'"),
                           (["--out", str(new / "m.npy"), "--chain", "Z"], "chain 'Z'")):
        assert main(["structure-map", "--structure", str(GFP_PDB), *extra]) == 1
        assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # no file, and no folder made for one
    assert main(["structure-map", "--structure", str(GFP_PDB), "--kind", "contact",
                 "--threshold", "5", "--out", str(new / "c5.npy")]) == 0
    np.testing.assert_array_equal(np.load(new / "c5.npy"),
                                  structure.contact_map(structure.read(GFP_PDB), threshold=5))


def test_a_failed_write_leaves_no_folder_it_made(tmp_path):
    from biochemml.io.writers import atomic_write

    (tmp_path / "kept").mkdir()

    def fail(tmp):
        raise RuntimeError("the writer failed")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "kept" / "a" / "b" / "x.csv", fail)
    assert [p.name for p in tmp_path.rglob("*")] == ["kept"]


def test_contact_separation_counts_residue_numbers_across_a_missing_loop(gfp, tmp_path):
    import gemmi

    st = gemmi.read_structure(str(GFP_PDB))
    chain = st[0][0]
    numbers = [r.seqid.num for r in chain]
    lo = numbers[100]
    for i in range(len(chain) - 1, -1, -1):  # drop 5 residues after residue `lo`
        if lo < chain[i].seqid.num <= lo + 5:
            del chain[i]
    st.write_pdb(str(tmp_path / "gap.pdb"))
    gapped = structure.read(tmp_path / "gap.pdb")
    i = int(np.flatnonzero(gapped.number == lo)[0])  # i + 1 is residue lo + 6
    near = structure.contact_map(gapped, threshold=60.0, min_separation=6)
    assert near[i, i + 1] and near[i + 1, i]          # 6 apart along the chain: counts
    assert not structure.contact_map(gapped, threshold=60.0, min_separation=7)[i, i + 1]
    full = structure.contact_map(gfp, min_separation=3)
    idx = np.arange(len(gfp))
    assert not full[np.abs(idx[:, None] - idx[None, :]) < 3].any()  # unchanged without gaps


def test_distance_map_image_is_capped_and_numbered_as_the_file(gfp, tmp_path):
    fig = structure.plot_structure_map(gfp, vmax=25)
    ax = fig.axes[0]
    assert ax.images[0].get_clim() == (0, 25)
    assert ax.get_xlabel().startswith("residue number (as in the file")
    first, last = int(gfp.number[0]), int(gfp.number[-1])
    assert ax.images[0].get_extent() == [first - 0.5, last + 0.5, last + 0.5, first - 0.5]
    from biochemml.cli import main

    assert main(["structure-map", "--structure", str(GFP_PDB), "--vmax", "30",
                 "--out", str(tmp_path / "m.png")]) == 0
    contact = structure.plot_structure_map(gfp, kind="contact").axes[0]
    assert contact.get_title().endswith("CB-CB contacts < 8 Å")  # which atom, said


def test_structure_map_caps_the_colours_of_a_floppy_tail(tmp_path, capsys):
    """An AlphaFold model with a disordered signal peptide spans 121 Å: the contacts were
    washed out unless the user knew --vmax."""
    from biochemml import datasets
    from biochemml.cli import main

    pdb = datasets.structure_path("tem1")
    largest = structure.distance_map(structure.read(pdb), atom="CB").max()
    assert largest > 60
    assert main(["structure-map", "--structure", str(pdb), "--out", str(tmp_path / "m.png")]) == 0
    assert f"colours capped at 30 Å, the largest distance being {largest:.0f} Å" in \
        capsys.readouterr().out
    # a compact protein keeps its whole scale
    assert main(["structure-map", "--structure", str(GFP_PDB), "--out",
                 str(tmp_path / "g.png")]) == 0
    assert "capped" not in capsys.readouterr().out


def test_structure_features_cli_writes_one_row_per_residue(gfp, tmp_path, capsys):
    from biochemml.cli import main

    assert main(["structure-features", "--structure", str(GFP_PDB), "--out",
                 str(tmp_path / "f.json")]) == 1
    assert "cannot write '.json'" in capsys.readouterr().err and not list(tmp_path.iterdir())
    assert main(["structure-features", "--structure", str(GFP_PDB), "--out",
                 str(tmp_path / "out" / "f.tsv")]) == 0
    table = pd.read_csv(tmp_path / "out" / "f.tsv", sep="\t")
    assert len(table) == len(gfp) and {"rsa", "secondary_structure"} <= set(table.columns)


def test_the_distance_map_is_drawn_in_the_slide_style(gfp, tmp_path):
    from biochemml.plot._base import DPI

    fig = structure.plot_structure_map(gfp, out=tmp_path / "m.png")
    ax = fig.axes[0]
    assert ax.xaxis.label.get_size() >= 11 and ax.title.get_size() >= 12
    from PIL import Image

    assert round(Image.open(tmp_path / "m.png").info["dpi"][0]) == DPI


def test_distance_map_defaults_to_c_beta_as_the_contact_map_and_the_cli(gfp, tmp_path):
    """The Python distance map measured C-alpha by default while contact_map, the CLI's
    structure-map and the run figures used C-beta: up to 3 Å apart, 992 contacts differed."""
    from biochemml.cli import main

    d = structure.distance_map(gfp)
    np.testing.assert_array_equal(d, structure.distance_map(gfp, atom="CB"))
    assert not np.array_equal(d, structure.distance_map(gfp, atom="CA"))  # still offered
    np.testing.assert_array_equal(structure.contact_map(gfp),
                                  (d < 8.0) & ~np.eye(len(gfp), dtype=bool))
    assert main(["structure-map", "--structure", str(GFP_PDB),
                 "--out", str(tmp_path / "m.npy")]) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "m.npy"), d)


def test_a_map_of_a_file_numbered_with_gaps_keeps_the_files_numbers(tmp_path):
    """A structure with an unmodelled loop (or Ambler numbering, or insertion codes) got
    axes 'counted from 0, in file order': S70 and E166 could not be found on the map, and
    the residues either side of the loop became adjacent pixels without a mark."""
    lines = [line for line in TEM1_PDB.read_text().splitlines()
             if not (line.startswith(("ATOM", "HETATM")) and 100 <= int(line[22:26]) <= 105)]
    (tmp_path / "loop.pdb").write_text("\n".join(lines) + "\n")
    st = structure.read(tmp_path / "loop.pdb")
    ax = structure.plot_structure_map(st).axes[0]
    numbers = np.asarray(st.number)
    ticks = ax.get_xticks()
    assert len(ticks) >= 4
    labels = [ax.xaxis.get_major_formatter()(t) for t in ticks]
    assert labels == [str(numbers[int(t)]) for t in ticks]
    assert all(int(label) % 50 == 0 for label in labels)  # round numbers of the file
    gap = int(np.flatnonzero(numbers == 106)[0])
    assert any(line.get_xdata()[0] == gap - 0.5 for line in ax.lines)  # the loop, marked
    assert ax.get_xlabel().startswith("residue number (as in the file, chain A)")
    assert "dotted: numbers skipped" in ax.get_xlabel()
