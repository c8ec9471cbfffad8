"""Downloads from the canonical public sources, for real (opt-in: ``pytest -m network``).

CI and the default ``make test`` have no internet, so these tests are deselected there. Run
them on a connected machine to check that every address in the catalogue still serves the
file with the published SHA256, and that the table built from it equals the one read from
``BIOCHEMML_DATA`` when that folder is set.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from biochemml import datasets
from biochemml.datasets._catalog import CATALOG

pytestmark = pytest.mark.network


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_download_verifies_and_matches_the_shared_table(name, tmp_path, monkeypatch):
    shared = os.environ.get("BIOCHEMML_DATA", "")
    monkeypatch.setenv("BIOCHEMML_CACHE", str(tmp_path / "cache"))
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("BIOCHEMML_DATA", str(tmp_path / "empty"))  # nothing local: download
    folder = datasets.download(name)
    assert any(Path(folder).iterdir())
    table = datasets.load(name)
    if shared and Path(shared, name).is_dir():
        monkeypatch.setenv("BIOCHEMML_DATA", shared)
        reference = datasets.load(name)
        assert table.equals(reference)
