"""Execute course notebooks one after another, outside the pytest process.

``python notebook_runner.py OUTDIR NOTEBOOK...`` runs each notebook from its first cell to
its last in a fresh kernel whose working folder is ``OUTDIR/<notebook stem>``, then writes
the executed notebook to ``OUTDIR/<name>``, the error (if a cell failed) to
``OUTDIR/<name>.error`` and, last, ``OUTDIR/<name>.done``. tests/conftest.py starts it when
the session collects the notebook tests, so the notebooks (about six minutes) run on the
second core while the rest of the suite runs on the first; test_notebooks.py waits for
each notebook's ``.done`` and checks its outputs.
"""
import sys
import traceback
from pathlib import Path


def needs_data(path: Path) -> bool:
    """Whether a notebook reads the real data sets (BIOCHEMML_DATA): 03, 04 and 05 do."""
    return Path(path).name.startswith(("03", "04", "05"))


def run(path: Path, out: Path) -> None:
    import nbclient
    import nbformat

    workdir = out / path.stem
    workdir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute()
    except Exception:  # a failing cell: keep its traceback for the test to show
        (out / f"{path.name}.error").write_text(traceback.format_exc())
    nbformat.write(nb, out / path.name)
    (out / f"{path.name}.done").write_text("")


def main(argv: list) -> None:
    out = Path(argv[0])
    for name in argv[1:]:
        run(Path(name), out)


if __name__ == "__main__":
    main(sys.argv[1:])
