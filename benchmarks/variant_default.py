"""The protein-variant default (``model="auto"``) against the models it chooses between.

``biochemml train --task protein-variant`` without ``--model`` fits the additive ridge, the
gradient boosting and, when a quarter of the variants carry several mutations, the MLP on
the mutant sequences on 80 % of the training variants, scores them (and the mean of the
first two) on the other 20 %, and keeps the best
(:class:`biochemml.protein.models.SelectingRegressor`).
This script shows, per data set, the test score of each candidate and what ``auto``
chose, on data of different kinds:

- TEM-1 single mutants with the AlphaFold structure (``BIOCHEMML_DATA``), random and
  by-position splits (the boosting uses the structure);
- the mutational scans of the ``mavenn==1.1.4`` wheel (see ``landscapes.py``): Abeta42
  and TDP-43 singles and doubles (their own test rows), GB1 single-mutant stability
  (Nisthal 2019; a random 20 % test set, seed 0). Their wild type is the most common
  letter at each position.

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/variant_default.py \\
        --wheel /tmp/wheels --out variant_default.json
"""
from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np

from landscapes import read_landscape, wheel_path

SCANS = ("amyloid", "tdp43", "nisthal")


def _scan(name: str, wheel: Path):
    """Variants (1-based, against the consensus), values and test mask of a MAVE-NN scan."""
    stem = "nisthal" if name == "nisthal" else name
    seqs, y, test = read_landscape(wheel, "mavenn", stem)
    wt = "".join(Counter(col).most_common(1)[0][0] for col in zip(*seqs))
    variants = [":".join(f"{w}{i + 1}{a}" for i, (w, a) in enumerate(zip(wt, s)) if a != w)
                for s in seqs]
    if test is None:
        test = np.random.RandomState(0).rand(len(y)) < 0.2
    return wt, np.array(variants, dtype=object), y, test


def _tem1():
    from biochemml import datasets as D

    df = D.load("tem1")
    wt, pdb = D.wildtype("tem1"), str(D.structure_path("tem1"))
    for split in ("split_random", "split_position"):
        yield (f"TEM-1 {split}", wt, pdb, df.mutant.to_numpy(dtype=object),
               df["2500"].to_numpy(float), (df[split] == "test").to_numpy(),
               split == "split_position")


def evaluate(label, wt, structure, variants, y, test, by_position, rows):
    from biochemml import metrics
    from biochemml.protein.models import build_variant_model

    train = ~test
    preds, start = {}, time.perf_counter()
    auto = build_variant_model("auto", wt, structure, offset=1, seed=0,
                               by_position=by_position).fit(list(variants[train]), y[train])
    preds["auto"] = auto.predict(list(variants[test]))
    seconds = time.perf_counter() - start
    boosting = "structure" if structure else "sequence"
    for name in ("additive", boosting) + (("mlp",) if "mlp" in auto.scores_ else ()):
        model = build_variant_model(name, wt, structure, offset=1, seed=0)
        preds[name] = model.fit(list(variants[train]), y[train]).predict(list(variants[test]))
    preds["mean"] = (preds["additive"] + preds[boosting]) / 2
    row = {"data": label, "n_train": int(train.sum()), "n_test": int(test.sum()),
           "auto_choice": auto.choice_, "held_out_r2": auto.scores_, "auto_fit_s": seconds}
    for name, p in preds.items():
        m = metrics.regression_metrics(y[test], p)
        row[name] = {"r2": m["r2"], "spearman": m["spearman"]}
    print(json.dumps(row), flush=True)
    rows.append(row)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wheel", help="folder or file of the mavenn wheel (else pip downloads it)")
    p.add_argument("--out", default="variant_default.json")
    args = p.parse_args(argv)
    rows: list = []
    if os.environ.get("BIOCHEMML_DATA"):
        for label, wt, pdb, variants, y, test, by_position in _tem1():
            evaluate(label, wt, pdb, variants, y, test, by_position, rows)
    wheel = wheel_path("mavenn", args.wheel)
    for name in SCANS:
        wt, variants, y, test = _scan(name, wheel)
        evaluate(name, wt, None, variants, y, test, False, rows)
    Path(args.out).write_text(json.dumps(rows, indent=1))
    print("| data | train / test | additive | boosting | mean | mlp | auto (choice) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        boost = r.get("structure") or r.get("sequence")
        cell = lambda m: f"{m['r2']:.3f} / {m['spearman']:.3f}" if m else "-"  # noqa: E731
        print(f"| {r['data']} | {r['n_train']} / {r['n_test']} | {cell(r['additive'])} | "
              f"{cell(boost)} | {cell(r['mean'])} | {cell(r.get('mlp'))} | "
              f"{cell(r['auto'])} ({r['auto_choice']}) |")


if __name__ == "__main__":
    main()
