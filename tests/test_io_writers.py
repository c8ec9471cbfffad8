"""Atomic writers and run folders: a bad --out is one sentence, files get normal permissions."""
import pytest

from biochemml.errors import InputError
from biochemml.io.writers import atomic_folder, check_new_folder


def test_run_folder_that_is_an_existing_file_is_one_sentence(tmp_path):
    existing = tmp_path / "sd.tsv"
    existing.write_text("sequence\tfitness\n")
    with pytest.raises(InputError, match=r"sd.tsv is an existing file, not a folder; choose a "
                                         "folder name for the run"):
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
