"""Atomic writers and run folders: a bad --out is one sentence, files get normal permissions."""
import os
import stat

import numpy as np
import pandas as pd
import pytest

from biochemml.errors import InputError
from biochemml.io.writers import atomic_folder, atomic_write, check_new_folder, write_table


def test_run_folder_that_is_an_existing_file_is_one_sentence(tmp_path):
    existing = tmp_path / "sd.tsv"
    existing.write_text("sequence\tfitness\n")
    with pytest.raises(InputError, match=r"sd.tsv is an existing file, not a folder; choose a "
                                         "new folder name"):
        check_new_folder(existing)
    with pytest.raises(InputError, match="which is a file, not a folder"):
        check_new_folder(existing / "run")
    with pytest.raises(InputError, match="existing file"):
        with atomic_folder(existing):
            pass
    assert existing.read_text() == "sequence\tfitness\n"


def test_run_folder_may_be_new_or_empty(tmp_path):
    assert check_new_folder(tmp_path / "new" / "run") == tmp_path / "new" / "run"
    (tmp_path / "empty").mkdir()
    with atomic_folder(tmp_path / "empty") as tmp:
        (tmp / "a.txt").write_text("x")
    assert (tmp_path / "empty" / "a.txt").read_text() == "x"
    with pytest.raises(InputError, match="already exists and is not empty"):
        check_new_folder(tmp_path / "empty")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("name", ["p.csv", "p.tsv", "p.parquet"])
def test_tables_get_the_permissions_of_the_umask(tmp_path, umask_022, name):
    out = write_table(pd.DataFrame({"sequence": ["ACGT"], "prediction": [0.5]}), tmp_path / name)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_atomic_write_gets_the_permissions_of_the_umask(tmp_path, umask_022):
    out = atomic_write(tmp_path / "x.npy", lambda tmp: np.save(tmp, np.zeros(3)))
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    os.umask(0o077)
    again = atomic_write(tmp_path / "y.txt", lambda tmp: tmp.write_text("private"))
    assert stat.S_IMODE(again.stat().st_mode) == 0o600


def test_atomic_write_failure_leaves_nothing(tmp_path):
    def fail(tmp):
        tmp.write_text("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "z.csv", fail)
    assert list(tmp_path.iterdir()) == []


def test_two_runs_to_one_folder_do_not_mix_and_killed_leftovers_go(tmp_path):
    import os
    import subprocess
    import sys

    from biochemml.io.writers import atomic_folder

    out = tmp_path / "run"
    with pytest.raises(InputError, match=r"was filled while this run worked \(by another run "
                                         r"to the same --out, or by hand\), so this run's "
                                         r"results are in .*run_2"):
        with atomic_folder(out) as first:
            with atomic_folder(out) as second:  # started while the first was at work
                assert first != second
                (second / "config.yaml").write_text("seed: 1\n")
            (first / "config.yaml").write_text("seed: 0\n")
    assert (out / "config.yaml").read_text() == "seed: 1\n" and not first.exists()
    assert (tmp_path / "run_2" / "config.yaml").read_text() == "seed: 0\n"  # kept, not lost
    # a run folder is as readable as any new folder (not private to its maker)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    # a killed run's temporary folder (its process gone) is removed by the next run
    from biochemml.io.writers import _HOST

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    left = tmp_path / f".other.{_HOST}-{dead}.abc.partial"
    left.mkdir()
    (tmp_path / ".other.partial").mkdir()  # the name earlier versions used
    alive = tmp_path / f".other.{_HOST}-{os.getpid()}.xyz.partial"
    elsewhere = tmp_path / f".other.node17-{dead}.xyz.partial"  # another machine's run
    for folder in (alive, elsewhere):
        folder.mkdir()
    with atomic_folder(tmp_path / "other") as tmp:
        (tmp / "a.txt").write_text("a")
    assert not left.exists() and not (tmp_path / ".other.partial").exists()
    assert alive.exists() and elsewhere.exists()


def test_one_set_moves_its_files_together_or_not_at_all(tmp_path):
    from biochemml.io.writers import one_set, staged

    table, page = tmp_path / "next.csv", tmp_path / "next.html"
    table.write_text("old table\n")
    page.write_text("old page\n")
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C after the table was written
        with one_set():
            atomic_write(table, lambda tmp: tmp.write_text("new table\n"))
            assert table.read_text() == "old table\n"  # not yet in place
            assert staged(table).read_text() == "new table\n"  # but readable where it is
            raise KeyboardInterrupt
    assert table.read_text() == "old table\n" and page.read_text() == "old page\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next.csv", "next.html"]
    with one_set():
        atomic_write(table, lambda tmp: tmp.write_text("new table\n"))
        atomic_write(page, lambda tmp: tmp.write_text(staged(table).read_text()))
    assert table.read_text() == page.read_text() == "new table\n"
    assert staged(table) == table


def test_recommend_replaces_its_table_plot_and_report_together(campaign, monkeypatch):
    import importlib

    from biochemml.cli import main

    bioprocess = importlib.import_module("biochemml.cli.bioprocess")

    tmp, bounds, runs = campaign
    out = tmp / "next.csv"
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response",
                 "OD340", "--batch", "2", "--out", str(out)]) == 0
    before = {p: p.read_bytes() for p in (out, out.with_suffix(".png"), out.with_suffix(".html"))}

    def failed(*args, **kwargs):  # the report fails after the table and plot were written
        raise InputError("disk full")

    monkeypatch.setattr(bioprocess, "_write_recommend_report", failed)
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response",
                 "OD340", "--batch", "3", "--seed", "2", "--out", str(out)]) == 1
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp.iterdir() if p.name.startswith(".")) == []
