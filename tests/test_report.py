"""The HTML report: one file, figures embedded, text escaped, numbers shown as a person reads them."""
import base64
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from biochemml import plot
from biochemml.errors import InputError
from biochemml.metrics import explain_confusion, regression_metrics, with_intervals
from biochemml.report import format_value, write_report


class _Page(HTMLParser):
    """Collects image sources, external references and visible text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.images, self.external, self.text, self.tags = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(attrs["src"])
        for key in ("href", "src"):
            if attrs.get(key) and not attrs[key].startswith("data:"):
                self.external.append(attrs[key])

    def handle_data(self, data):
        self.text.append(data)


def _parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def figure_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    rng = np.random.default_rng(0)
    y = rng.normal(size=100)
    ovp = folder / "observed_vs_predicted.png"
    plot.observed_vs_predicted(y, y + rng.normal(0, 0.5, 100), path=ovp)
    cm = folder / "confusion.png"
    plot.confusion_matrix([[188, 6], [5, 201]], path=cm)
    return ovp, cm


def test_report_is_one_self_contained_page(tmp_path, figure_files):
    ovp, cm = figure_files
    rng = np.random.default_rng(1)
    y = rng.normal(size=200)
    metrics = with_intervals(regression_metrics, y, y + rng.normal(0, 0.4, 200), n_boot=100)
    out = write_report(
        tmp_path / "run" / "report.html", "GFP expression from 5' UTR",
        summary={"data file": "utr.csv", "task": "regression", "n test": 200, "seed": 0},
        metrics=metrics,
        figures=[ovp, ("Confusion matrix of the binder classifier", cm)],
        tables={"Top predictions": pd.DataFrame({"sequence": ["ACGT"] * 80, "pred": np.arange(80.0)})},
        notes=[explain_confusion([[188, 6], [5, 201]], ["no binding", "binding"])],
        config={"model": {"name": "cnn", "filters": 32}, "seed": np.int64(0), "data": tmp_path / "utr.csv"},
    )
    assert out == tmp_path / "run" / "report.html"
    page = _parse(out)
    assert page.external == []  # nothing outside the file
    assert [src.split(",")[0] for src in page.images] == ["data:image/png;base64"] * 2
    for src, original in zip(page.images, (ovp, cm)):
        assert base64.b64decode(src.split(",", 1)[1]) == original.read_bytes()
    text = "".join(page.text)
    r2 = metrics["r2"]
    assert f"{r2['value']:.3g} ({r2['low']:.3g}–{r2['high']:.3g})" in text
    assert "Confusion matrix of the binder classifier" in text and "observed vs predicted" in text
    assert "type I errors" in text and "utr.csv" in text
    assert "Showing the first 50 of 80 rows." in text
    assert "filters: 32" in text and "details" in page.tags
    assert list(tmp_path.joinpath("run").iterdir()) == [out]  # the temporary file is gone


def test_text_is_escaped(tmp_path):
    out = write_report(tmp_path / "r.html", "<script>alert('x')</script>",
                       summary={"<b>key</b>": "a & b"}, notes=["x < y"], config={"note": "</pre><script>"})
    raw = out.read_text()
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert "&lt;b&gt;key&lt;/b&gt;" in raw and "a &amp; b" in raw
    assert "script" not in _parse(out).tags


def test_matplotlib_figure_is_embedded_directly(tmp_path):
    fig = plot.metric_by_group({"a": 0.5, "b": 0.7})
    page = _parse(write_report(tmp_path / "r.html", "t", figures=[("R² by group", fig)]))
    png = base64.b64decode(page.images[0].split(",", 1)[1])
    assert png.startswith(b"\x89PNG")


def test_numbers_are_formatted_for_people():
    assert format_value({"value": 0.91234, "low": 0.9012, "high": 0.9234}) == "0.912 (0.901–0.923)"
    assert format_value(400) == "400"
    assert format_value(12.3456) == "12.35"
    assert format_value(float("nan")) == "n/a"
    assert format_value([0.5, 0.25]) == "0.500, 0.250"  # as the terminal's 0.240, not 0.24
    assert format_value(0.0) == "0"


def test_failure_leaves_no_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        write_report(tmp_path / "r.html", "t", figures=[tmp_path / "missing.png"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs", [
    {"path_name": "report.txt"},
    {"metrics": [1, 2]},
    {"figures": ["plot.pdf"]},
])
def test_bad_input_raises_input_error(tmp_path, kwargs):
    name = kwargs.pop("path_name", "r.html")
    with pytest.raises(InputError):
        write_report(tmp_path / name, "t", **kwargs)


def test_report_validates_as_html_structure(tmp_path):
    raw = write_report(tmp_path / "r.html", "t", metrics={"accuracy": 0.9725}).read_text()
    assert raw.startswith("<!DOCTYPE html>") and re.search(r"<td class=\"num\">0\.973</td>", raw)


def test_the_report_file_gets_the_users_umask(tmp_path):
    import os

    old = os.umask(0o027)
    try:
        path = write_report(tmp_path / "report.html", "Run", summary={"model": "mlp"})
    finally:
        os.umask(old)
    assert (path.stat().st_mode & 0o777) == 0o640  # not mkstemp's private 0o600


def test_the_metrics_are_explained_for_a_reader_who_is_not_an_ml_engineer(tmp_path):
    page = write_report(tmp_path / "r.html", "t",
                        metrics={"gfp: r2": 0.5, "spearman": 0.7, "n": 40}).read_text()
    assert "How to read these numbers" in page
    assert "R²: the share of the variation" in page and "Spearman ρ: how well" in page
    assert "MAE" not in page  # only the metrics shown
    assert "How to read" not in write_report(tmp_path / "s.html", "t",
                                             metrics={"n": 40}).read_text()


def test_table_columns_read_as_written_while_metrics_keep_their_zeros(tmp_path):
    import pandas as pd

    page = write_report(tmp_path / "r.html", "t", metrics={"r2": 0.24},
                        tables={"runs": pd.DataFrame({"IPTG": [0.5, 1.5, 0.25]})}).read_text()
    assert "0.240" in page  # the metric, as the terminal prints it
    assert ">0.5<" in page and ">1.5<" in page and ">0.25<" in page and "0.500" not in page


def test_a_report_without_a_config_says_how_it_was_made(tmp_path, campaign):
    from biochemml.cli import main
    from biochemml.report import write_report

    write_report(tmp_path / "r.html", "t", summary={"a": 1})
    page = (tmp_path / "r.html").read_text()
    assert "How this was made" in page and "command: called from Python" in page
    assert "biochemml: " in page and "torch: " in page
    folder, bounds, runs = campaign
    out = folder / "next.csv"
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response",
                 "OD340", "--batch", "1", "--seed", "3", "--out", str(out)]) == 0
    page = out.with_suffix(".html").read_text()
    assert f"command: biochemml recommend --runs {runs} --factors {bounds}" in page
    assert "--seed 3" in page
