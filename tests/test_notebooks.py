"""The course notebooks run from the first cell to the last."""
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch, request):
    import os

    from notebook_runner import needs_data, run

    if needs_data(path) and not os.environ.get("BIOCHEMML_DATA"):
        pytest.skip("needs BIOCHEMML_DATA (the real data sets; a user's copy downloads them)")
    pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    started = getattr(request.config, "_biochemml_notebooks", None)
    if started is not None:   # conftest.py started it at collection: wait for its result
        nb = _wait_for(path, *started[:2])
    else:
        monkeypatch.setenv("MPLBACKEND", "Agg")
        run(path, tmp_path)
        nb = _executed(path, tmp_path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    _assert_figures_render(nb, path.name)


def _wait_for(path, proc, out, limit=2400):
    """The notebook as tests/notebook_runner.py executed it, once it is done."""
    import time

    done = out / f"{path.name}.done"
    waited = 0.0
    while not done.exists():
        if proc.poll() is not None and not done.exists():
            log = (out / "runner.log").read_text()
            pytest.fail(f"the notebook process ended (exit {proc.returncode}) before "
                        f"{path.name}:\n{log[-3000:]}")
        assert waited < limit, f"{path.name} not done after {limit} s"
        time.sleep(0.5)
        waited += 0.5
    return _executed(path, out)


def _executed(path, out):
    """The executed notebook that notebook_runner.run wrote to ``out`` (a failing cell
    fails the test with the cell's traceback)."""
    import nbformat

    error = out / f"{path.name}.error"
    if error.exists():
        pytest.fail(f"{path.name} stopped at a cell:\n{error.read_text()[-5000:]}")
    return nbformat.read(out / path.name, as_version=4)


def _assert_figures_render(nb, name):
    """Every figure comes out as a PNG, once: no '<Figure size ...>' text in its place (a
    fresh kernel has no PNG formatter for pyplot-free figures without %matplotlib inline)."""
    images = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        pngs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = out.get("data", {})
            if "image/png" in data:
                pngs.append(data["image/png"])
            else:
                assert not str(data.get("text/plain", "")).startswith("<Figure"), \
                    f"{name} cell {i}: a figure shown as text only: {data.get('text/plain')}"
        assert len(pngs) == len(set(pngs)), f"{name} cell {i}: the same figure is shown twice"
        images += len(pngs)
    # every course notebook draws at least one figure
    assert images >= 1, f"{name}: no image/png output"


def test_notebooks_exist_and_are_current():
    import json
    import runpy

    # the .ipynb files are generated from make_notebooks.py: they must match it
    script = Path(__file__).parent.parent / "notebooks" / "make_notebooks.py"
    expected = runpy.run_path(str(script))["NOTEBOOKS"]
    assert sorted(expected) == [p.name for p in NOTEBOOKS]
    for name, cells in expected.items():
        on_disk = json.loads((script.parent / name).read_text())
        assert ["".join(c["source"]) for c in on_disk["cells"]] == \
            ["".join(c["source"]) for c in cells]
