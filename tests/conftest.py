"""Fixtures shared by several test modules."""
import numpy as np
import pandas as pd
import pytest

from protein_helpers import GFP_PDB


@pytest.fixture(scope="session")
def gfp():
    """The GFP structure of the avgfp data set (skips without BIOCHEMML_DATA)."""
    if not GFP_PDB.exists():
        pytest.skip("set BIOCHEMML_DATA to shared/data")
    from biochemml import structure

    return structure.read(GFP_PDB)


@pytest.fixture(autouse=True)
def _seeded_globals():
    """Each test starts from the same global random state: biochemml no longer reseeds
    the caller's generators, so a network built without a seed in a test would otherwise
    depend on the tests run before it."""
    import random

    import torch

    np.random.seed(0)
    random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(autouse=True)
def _spoken(monkeypatch):
    """Each test starts with status lines on: a test running the CLI with --quiet would
    otherwise silence every later test's messages."""
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)


BOUNDS = "Variable,Min,Max\ntemperature,25,37\nfeed,0,10\n"


@pytest.fixture
def campaign(tmp_path):
    """A 10-run bioreactor campaign (2 cycles) with its bounds CSV: (folder, bounds, runs)."""
    bounds = tmp_path / "bounds.csv"
    bounds.write_text(BOUNDS)
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"Line Name": [f"r{i}" for i in range(10)],
                         "temperature": rng.uniform(25, 37, 10), "feed": rng.uniform(0, 10, 10)})
    runs["OD340"] = 2 - ((runs["temperature"] - 31) / 6) ** 2 - ((runs["feed"] - 7) / 10) ** 2
    runs["OD600"] = runs["feed"] * 0.2
    runs["cycle"] = [1] * 5 + [2] * 5
    path = tmp_path / "runs.csv"
    runs.to_csv(path, index=False)
    return tmp_path, bounds, path


@pytest.fixture(scope="session")
def two_target_run(tmp_path_factory):
    """A two-target MLP run (gfp counts G, rfp counts A) on 300 random 10-nt sequences:
    ``(run folder, sequences)``; its training table is ``t.csv`` beside the run."""
    from biochemml.cli import main

    folder = tmp_path_factory.mktemp("two")
    rng = np.random.default_rng(4)
    seqs = ["".join(rng.choice(list("ACGT"), 10)) for _ in range(300)]
    pd.DataFrame({"seq": seqs, "gfp": [s.count("G") for s in seqs],
                  "rfp": [s.count("A") for s in seqs]}).to_csv(folder / "t.csv", index=False)
    assert main(["--quiet", "train", "--data", str(folder / "t.csv"), "--sequence-column", "seq",
                 "--target-column", "gfp", "--target-column", "rfp", "--task", "regression",
                 "--model", "mlp", "--epochs", "2", "--no-baselines", "--out",
                 str(folder / "run")]) == 0
    return folder / "run", seqs


def _notebooks_to_run(items) -> list:
    """Paths of the course notebooks whose test is selected and will not skip."""
    import importlib.util
    import os

    from notebook_runner import needs_data

    if not all(importlib.util.find_spec(m) for m in ("nbformat", "nbclient")):
        return []
    paths = [item.callspec.params["path"] for item in items
             if item.nodeid.split("::")[-1].startswith("test_notebook_runs[")]
    return [p for p in paths if os.environ.get("BIOCHEMML_DATA") or not needs_data(p)]


def pytest_collection_finish(session):
    """Start the selected notebooks in a background process (tests/notebook_runner.py):
    they take about six of the suite's minutes and run on the second core meanwhile.
    The environment is copied now, before any test changes it with monkeypatch."""
    import os
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    if hasattr(session.config, "workerinput"):
        return  # pytest-xdist: the workers share the notebooks out like the other tests
    paths = _notebooks_to_run(session.items)
    if not paths:
        return
    out = Path(tempfile.mkdtemp(prefix="biochemml-notebooks-"))
    env = dict(os.environ, MPLBACKEND="Agg")
    log = open(out / "runner.log", "w")
    proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "notebook_runner.py"),
                             str(out), *map(str, paths)], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    session.config._biochemml_notebooks = (proc, out, log)


def pytest_sessionfinish(session):
    """Stop the notebook process and its kernel if the session ends first (-x, Ctrl-C),
    and clean up."""
    import os
    import shutil
    import signal

    started = getattr(session.config, "_biochemml_notebooks", None)
    if started is None:
        return
    proc, out, log = started
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)   # the runner's own group: its kernel too
        proc.wait()
    log.close()
    shutil.rmtree(out, ignore_errors=True)
