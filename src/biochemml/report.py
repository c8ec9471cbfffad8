"""One self-contained HTML report per run: summary, metrics, figures, tables, notes, config.

The file needs nothing else to open (figures are embedded as base64 data URIs, the style is
inline, nothing is fetched from the network), so it can be e-mailed or attached to a lab
notebook as it is.
"""
from __future__ import annotations

import base64
import html
import io
import math
import os
from datetime import datetime
from pathlib import Path

import numpy as np

from .errors import InputError

__all__ = ["write_report"]

_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".gif": "image/gif"}

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 1000px; margin: 2em auto; padding: 0 1em; line-height: 1.5; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.8em; }
.meta { color: #777; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.95em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { background: #f4f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.95em; margin-top: 0.3em; }
ul.notes li { margin-bottom: 0.4em; }
.first { background: #fff4e0; border-left: 4px solid #e69500; padding: 0.4em 1em; margin: 1em 0; }
.first ul { margin: 0.3em 0; padding-left: 1.2em; }
table { display: block; overflow-x: auto; max-width: 100%; }
details pre { background: #f6f8fa; padding: 0.8em; overflow-x: auto; font-size: 0.9em; }
.more { color: #777; font-size: 0.9em; }
"""


#: what each metric of a report means, for readers who are not ML engineers
GLOSSARY = {
    "r2": "R²: the share of the variation in the measured values that the predictions "
          "explain (1 perfect, 0 no better than predicting the mean, below 0 worse).",
    "pearson": "Pearson r: how closely measured and predicted values lie on a straight line "
               "(1 perfect, 0 none).",
    "spearman": "Spearman ρ: how well the predictions rank what was measured (sequences, "
                "variants, runs) in the measured order (1 the same order, 0 none).",
    "mse": "MSE: the mean squared difference between measured and predicted values "
           "(in squared units of the values; lower is better).",
    "rmse": "RMSE: the square root of the MSE, a typical error in the units of the values.",
    "mae": "MAE: the mean absolute difference between measured and predicted values, in "
           "their units.",
    "accuracy": "Accuracy: the share of test sequences given the right class.",
    "balanced_accuracy": "Balanced accuracy: the mean over classes of the share found, so "
                         "a rare class counts as much as a common one.",
    "precision": "Precision: of the sequences called positive, the share that are.",
    "recall": "Recall (sensitivity): of the positive sequences, the share found.",
    "f1": "F1: the harmonic mean of precision and recall.",
    "specificity": "Specificity: of the negative sequences, the share called negative.",
    "roc_auc": "ROC AUC: the chance that a random positive scores above a random negative "
               "(0.5 chance, 1 perfect).",
    "pr_auc": "PR AUC (average precision): precision averaged over recall; chance is the "
              "share of positives.",
    "log_loss": "Log loss (cross-entropy): how sure the model was of the right class, "
                "averaged (0 perfect; lower is better).",
}


def _glossary(metrics: dict) -> str:
    """A list explaining the metrics shown (by their base names: ``gfp: r2`` is ``r2``)."""
    names = []
    for key in metrics:
        base = str(key).split(": ")[-1].split(" (")[0].strip().lower()
        if base in GLOSSARY and base not in names:
            names.append(base)
    if not names:
        return ""
    return ('<details><summary>How to read these numbers</summary><ul class="notes">'
            + "".join(f"<li>{_esc(GLOSSARY[n])}</li>" for n in names) + "</ul></details>")


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _number(x, zeros: bool = True) -> str:
    """A number as a person reads it: integers whole, others to 3 significant digits;
    ``zeros`` keeps trailing zeros under 1 (a metric's 0.240, as the terminal prints it),
    which tables leave out (a column of 0.5, 1.5, 0.25 reads as written)."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}" if abs(int(x)) >= 10000 else str(int(x))
    x = float(x)
    if math.isnan(x):
        return "n/a"
    if 1 <= abs(x) < 1000:
        return f"{x:.4g}"
    if 1000 <= abs(x) < 1e7:
        return f"{x:,.0f}"
    if x == 0:
        return "0"
    return f"{x:#.3g}" if zeros else f"{x:.3g}"


def format_value(value) -> str:
    """Text of one metric: a number, ``{"value", "low", "high"}`` as "0.912 (0.901–0.923)", or a list."""
    if isinstance(value, dict) and "value" in value:
        v, low, high = value["value"], value.get("low"), value.get("high")
        if isinstance(v, (list, tuple)):
            return "; ".join(format_value({"value": a, "low": b, "high": c})
                             for a, b, c in zip(v, low or [None] * len(v), high or [None] * len(v)))
        text = format_value(v)
        if low is not None and high is not None:
            text += f" ({format_value(low)}–{format_value(high)})"
        return text
    if isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_)):
        return _number(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(format_value(v) for v in value) if np.ndim(value) == 1 else str(np.asarray(value).tolist())
    return str(value)


def _key_value_table(rows: dict) -> str:
    body = []
    for key, value in rows.items():
        text = format_value(value)
        numeric = isinstance(value, (int, float, np.number, dict)) and not isinstance(value, bool)
        cell = '<td class="num">' if numeric else "<td>"
        body.append(f"<tr><th>{_esc(key)}</th>{cell}{_esc(text)}</td></tr>")
    return "<table>\n" + "\n".join(body) + "\n</table>"


def _image_data(figure) -> tuple[str, bytes]:
    """(MIME type, bytes) of a figure given as a file path or a matplotlib Figure."""
    if hasattr(figure, "savefig"):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=150)
        return "image/png", buffer.getvalue()
    from .io.writers import staged

    path = staged(Path(figure))  # inside one_set(): the new file, not yet in its place
    mime = _MIME.get(path.suffix.lower())
    if mime is None:
        raise InputError(f"cannot embed {path.name}: figures must be PNG, SVG, JPEG or GIF files", path=path)
    if not path.is_file():
        raise InputError("figure file not found", path=path)
    return mime, path.read_bytes()


def _figures(figures) -> str:
    parts = []
    for item in figures:
        caption, figure = item if isinstance(item, tuple) else (None, item)
        if caption is None:
            caption = Path(figure).stem.replace("_", " ") if not hasattr(figure, "savefig") else ""
        mime, data = _image_data(figure)
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        parts.append(f'<figure><img src="{uri}" alt="{_esc(caption)}">'
                     f"<figcaption>{_esc(caption)}</figcaption></figure>")
    return "\n".join(parts)


def _tables(tables, max_rows) -> str:
    import pandas as pd

    parts = []
    for caption, table in tables.items():
        df = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
        shown = df.head(max_rows)
        parts.append(f"<h3>{_esc(caption)}</h3>")
        parts.append(shown.to_html(escape=True, border=0, index=not isinstance(df.index, pd.RangeIndex),
                                   float_format=lambda v: _number(v, zeros=False),
                                   na_rep="n/a"))
        if len(df) > max_rows:
            parts.append(f'<p class="more">Showing the first {max_rows} of {len(df):,} rows.</p>')
    return "\n".join(parts)


def _plain(value):
    """Config values -> types YAML writes plainly (paths, numpy numbers, tuples)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _made() -> str:
    """A collapsible block: the command line (or that Python called biochemml), the time,
    the working folder and the software (:func:`biochemml.provenance.record`)."""
    import datetime

    import yaml

    from . import provenance

    made = {"created": datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds"), **provenance.record()}
    text = yaml.safe_dump(_plain(made), sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=10 ** 6)  # a command on one line
    return ("<details><summary>Command, time and software (YAML)</summary>"
            f"<pre>{_esc(text)}</pre></details>")


def _config(config) -> str:
    import yaml

    text = yaml.safe_dump(_plain(config), sort_keys=False, allow_unicode=True, default_flow_style=False)
    return ("<details><summary>Configuration (YAML): everything needed to run this again</summary>"
            f"<pre>{_esc(text)}</pre></details>")


def write_report(path, title, *, summary=None, metrics=None, figures=None, tables=None, notes=None,
                 config=None, max_rows=50, intervals_over="test examples", warnings=None):
    """Write one self-contained HTML report and return its path.

    Parameters
    ----------
    path : str or Path
        The HTML file to write (folders are created). Written to a temporary file first and
        then renamed, so a failure never leaves half a report.
    title : str
    summary : dict, optional
        What was done, key -> value: data file, task, model, n train/test, seed, time.
    metrics : dict, optional
        name -> number, or ``{"value", "low", "high"}`` (shown as "0.912 (0.901–0.923)"), or a
        list (one value per target). Output of :func:`biochemml.metrics.with_intervals` or
        :func:`biochemml.metrics.regression_metrics` fits as it is.
    figures : list, optional
        Paths of PNG/SVG files, ``(caption, path)`` pairs, or matplotlib Figures (or
        ``(caption, Figure)``); embedded as base64 data URIs. Default caption: the file name.
    tables : dict, optional
        caption -> pandas DataFrame (or anything DataFrame accepts); the first ``max_rows``
        rows are shown.
    notes : list of str, optional
        Plain sentences, e.g. :func:`biochemml.metrics.explain_confusion`.
    config : dict, optional
        The run configuration, shown as YAML in a collapsible block.
    max_rows : int, default 50
    intervals_over : str, default "test examples"
        What the bootstrap of the intervals resampled, for the line under the metrics
        (a position split of protein variants: "the 12 held-out positions").
    warnings : list of str, optional
        Sentences to read before any number (a baseline beat the model, training stopped
        while still improving): a highlighted box at the top.

    Returns
    -------
    pathlib.Path
        The report file.
    """
    from . import __version__

    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"the report is an HTML file: give a path ending in .html, got {path.name}")
    for name, value, kind in (("summary", summary, dict), ("metrics", metrics, dict),
                              ("tables", tables, dict), ("config", config, dict)):
        if value is not None and not isinstance(value, kind):
            raise InputError(f"{name} must be a dict, got {type(value).__name__}")
    if isinstance(notes, str):
        notes = [notes]
    if isinstance(warnings, str):
        warnings = [warnings]
    if isinstance(figures, (str, os.PathLike)) or hasattr(figures, "savefig"):
        figures = [figures]

    sections = [f"<h1>{_esc(title)}</h1>",
                f'<p class="meta">biochemml {_esc(__version__)} · written '
                f"{_esc(datetime.now().strftime('%Y-%m-%d %H:%M'))}</p>"]
    if warnings:
        sections.append('<div class="first"><strong>Read this first</strong><ul>'
                        + "".join(f"<li>{_esc(w)}</li>" for w in warnings) + "</ul></div>")
    if summary:
        sections += ["<h2>Summary</h2>", _key_value_table(summary)]
    if metrics:
        sections += ["<h2>Metrics</h2>", _key_value_table(metrics)]
        if any(isinstance(v, dict) and "low" in v for v in metrics.values()):
            sections.append('<p class="more">In brackets: bootstrap 95% confidence interval over '
                            f'{_esc(intervals_over)}.</p>')
        sections.append(_glossary(metrics))
    if notes:
        sections += ["<h2>What this means</h2>",
                     '<ul class="notes">' + "".join(f"<li>{_esc(n)}</li>" for n in notes) + "</ul>"]
    if figures:
        sections += ["<h2>Figures</h2>", _figures(figures)]
    if tables:
        sections += ["<h2>Tables</h2>", _tables(tables, max_rows)]
    if config:
        sections += ["<h2>Configuration</h2>", _config(config)]
    else:  # what made this page, so that it can be traced and made again
        sections += ["<h2>How this was made</h2>", _made()]
    document = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
                + "\n".join(sections) + "\n</body>\n</html>\n")

    from .io.writers import atomic_write  # the user's umask, like every other file

    return atomic_write(path, lambda tmp: tmp.write_text(document, encoding="utf-8"))
