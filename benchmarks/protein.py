"""Protein benchmarks: avGFP (TAPE split), TEM-1 (random and by-position splits), eSOL.

Run all (one CPU process):
    BIOCHEMML_DATA=../shared/data python benchmarks/protein.py --section benchmarks/RESULTS.md
or one data set per process, then merge (what the RESULTS.md rows come from):
    python benchmarks/protein.py --only tem1 --rows /tmp/tem1.json   (likewise esol, avgfp)
    python benchmarks/protein.py --merge /tmp/esol.json /tmp/tem1.json /tmp/avgfp.json \
        --section benchmarks/RESULTS.md
``--section`` replaces only the ``## Proteins`` section of the Markdown file (re-read right
before writing; other sections are left as they are).
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

# Graph-network settings: TEM-1 5 networks (seeds 0-4) x 10 epochs; avGFP (26,808 variants,
# ~67,000 mutations per epoch) one smaller network x 3 epochs to stay within minutes on 2 cores.
GRAPH = dict(epochs=10, n_models=5, dropout=0.2, weight_decay=1e-3)
# TEM-1 boosting: mean of 5 seeds (each hides its own positions), as model="ensemble" does.
BOOST = dict(n_models=5)
# Distance-map CNN: the graph network's training settings (10 epochs, dropout 0.2, weight
# decay 1e-3) fixed beforehand, not tuned on the test positions; 3 networks (seeds 0-2).
IMAGE = dict(epochs=10, n_models=3, dropout=0.2, weight_decay=1e-3)
GRAPH_AVGFP = dict(epochs=3, patch_size=16, hidden=32, batch_size=256)
# Distance-map CNN on avGFP: one network, 3 epochs, 16 x 16 crops (cost like the graph's).
IMAGE_AVGFP = dict(epochs=3, patch_size=16, channels=16, batch_size=256)


def _timed(fn):
    t = time.time()
    out = fn()
    return out, time.time() - t


def avgfp(rows, models=("additive", "structure", "graph", "image")):
    from biochemml import datasets as D
    from biochemml.protein.models import build_variant_model

    df = D.load("avgfp")
    wt, pdb = D.wildtype("avgfp"), str(D.structure_path("avgfp"))
    tr, te = df[df.split == "train"], df[df.split == "test"]
    y = te.brightness.to_numpy()
    preds = {}
    for name, params in (("additive", {}), ("structure", {}), ("graph", GRAPH_AVGFP),
                         ("image", IMAGE_AVGFP)):
        if name not in models:
            continue
        pred, sec = _timed(lambda: build_variant_model(name, wt, pdb, offset=0, seed=0, **params)
                           .fit(tr.variant, tr.brightness).predict(te.variant))
        preds[name] = pred
        rows.append(("avGFP", "TAPE test (>= 4 mutations)", name, "Spearman",
                     spearmanr(pred, y)[0], sec))
    if "additive" in preds and "graph" in preds:
        rows.append(("avGFP", "TAPE test (>= 4 mutations)", "mean of additive and graph",
                     "Spearman", spearmanr(preds["additive"] + preds["graph"], y)[0], 0.0))
    if "additive" in preds and "image" in preds:
        rows.append(("avGFP", "TAPE test (>= 4 mutations)", "mean of additive and image",
                     "Spearman", spearmanr(preds["additive"] + preds["image"], y)[0], 0.0))


def tem1(rows, splits=("split_random", "split_position"), save=None):
    from biochemml import datasets as D
    from biochemml import structure as S
    from biochemml.protein.models import build_variant_model

    df = D.load("tem1", predictions=True)
    wt, pdb = D.wildtype("tem1"), str(D.structure_path("tem1"))
    y = df["2500"].to_numpy()
    burial = S.burial(S.read(pdb))[df.position.to_numpy() - 1]
    for split in splits:
        test = (df[split] == "test").to_numpy()
        preds = {}
        for label, name, st, params in (
                ("additive", "additive", pdb, {}),
                ("sequence (boosting, no structure)", "sequence", None, BOOST),
                ("structure (boosting)", "structure", pdb, BOOST),
                ("graph, chain only (no structure)", "graph", None, GRAPH),
                ("graph (message passing on structure)", "graph", pdb, GRAPH),
                ("image (2D CNN on distance-map crops)", "image", pdb, IMAGE)):
            pred, sec = _timed(lambda: build_variant_model(name, wt, st, offset=1, seed=0, **params)
                               .fit(df.mutant[~test], y[~test]).predict(df.mutant[test]))
            preds[label] = pred
            rows.append(("TEM-1 (2500)", split, label, "Spearman", spearmanr(pred, y[test])[0], sec))
        # model="ensemble" (boost_n_models=5 by default, graph_n_models=5 given) is exactly
        # this mean (same members, settings and seeds).
        mean = preds["structure (boosting)"] + preds["graph (message passing on structure)"]
        rows.append(("TEM-1 (2500)", split, "ensemble: mean of structure boosting and graph",
                     "Spearman", spearmanr(mean, y[test])[0], 0.0))
        # model="ensemble" with image_n_models=3 (image_ settings as IMAGE) is this mean
        mean3 = mean + preds["image (2D CNN on distance-map crops)"]
        rows.append(("TEM-1 (2500)", split, "mean of structure boosting, graph and image",
                     "Spearman", spearmanr(mean3, y[test])[0], 0.0))
        if save is not None:
            save[split] = {"test": np.flatnonzero(test), **preds}
        rows.append(("TEM-1 (2500)", split, "burial alone (-CB neighbours)", "Spearman",
                     spearmanr(-burial[test], y[test])[0], 0.0))
        dsq = df["mutation_effect_prediction_vae_ensemble"].to_numpy()
        ok = test & np.isfinite(dsq)
        rows.append(("TEM-1 (2500)", split, f"DeepSequence zero-shot (reference, {ok.sum()} rows)",
                     "Spearman", spearmanr(dsq[ok], y[ok])[0], 0.0))


def esol(rows):
    from sklearn.linear_model import RidgeCV
    from sklearn.metrics import r2_score

    from biochemml import datasets as D
    from biochemml.encode import kmer_counts
    from biochemml.protein import PropertyRegressor

    df = D.load("esol")
    seqs = df.sequence.str.upper().str.replace(r"[^ACDEFGHIKLMNPQRSTVWY]", "", regex=True).tolist()
    test = (df.split == "test").to_numpy()
    y = df.solubility.to_numpy()
    tr_s = [s for s, t in zip(seqs, test) if not t]
    te_s = [s for s, t in zip(seqs, test) if t]
    lengths = np.array([len(s) for s in seqs], dtype=float)
    comp = kmer_counts(seqs, k=1, alphabet="protein") / lengths[:, None]
    dip = kmer_counts(seqs, k=2, alphabet="protein") / np.maximum(lengths - 1, 1)[:, None]
    x = np.hstack([comp, dip, np.log(lengths)[:, None]])
    pred, sec = _timed(lambda: RidgeCV(alphas=np.logspace(-3, 2, 12)).fit(x[~test], y[~test])
                       .predict(x[test]))
    rows.append(("eSOL", "GraphSol test", "ridge: composition + dipeptides + length", "R2",
                 r2_score(y[test], pred), sec))
    preds = {}
    for member in ("ridge", "svr", "boosting"):
        pred, sec = _timed(lambda: PropertyRegressor(members=(member,), seed=0)
                           .fit(tr_s, y[~test]).predict(te_s))
        preds[member] = pred
        rows.append(("eSOL", "GraphSol test", f"{member}: sequence_properties (44 columns)", "R2",
                     r2_score(y[test], pred), sec))
    # PropertyRegressor() with all three members is exactly this mean.
    rows.append(("eSOL", "GraphSol test", "PropertyRegressor: mean of ridge, SVR, boosting", "R2",
                 r2_score(y[test], np.mean(list(preds.values()), axis=0)), 0.0))


def _text(rows, seconds) -> str:
    import biochemml
    import sklearn
    import torch

    lines = ["| data | split | model | metric | value | fit+predict s |", "|---|---|---|---|---|---|"]
    lines += [f"| {d} | {s} | {m} | {k} | {v:.3f} | {t:.0f} |" for d, s, m, k, v, t in rows]
    header = (f"Command: `BIOCHEMML_DATA=../shared/data python benchmarks/protein.py` (one process "
              f"per data set, merged; see the script) - {date.today()} - "
              f"{platform.processor() or platform.machine()} CPU (2 cores shared) - Python "
              f"{platform.python_version()}, biochemml {biochemml.__version__}, scikit-learn "
              f"{sklearn.__version__}, torch {torch.__version__}, numpy {np.__version__} - "
              f"total {seconds:.0f} s of wall time, seed 0. TEM-1 boosting {BOOST}; graph "
              f"networks: TEM-1 {GRAPH}, "
              f"avGFP {GRAPH_AVGFP}; distance-map CNN: TEM-1 {IMAGE}, avGFP {IMAGE_AVGFP}.")
    return header + "\n\n" + "\n".join(lines) + "\n"


def write_section(path, body: str, title: str = "## Proteins") -> None:
    """Replace the ``title`` section of a Markdown file (up to the next ``## ``) by ``body``."""
    path = Path(path)
    text = path.read_text() if path.exists() else ""
    block = f"{title}\n\n{body.rstrip()}\n\n"
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: block, text, count=1) if pattern.search(text) else \
        text.rstrip() + "\n\n" + block
    path.write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["avgfp", "tem1", "esol"], action="append")
    parser.add_argument("--split", choices=["split_random", "split_position"], action="append",
                        help="TEM-1 split(s) to run (default both)")
    parser.add_argument("--rows", help="write the rows (and seconds) to this JSON file")
    parser.add_argument("--merge", nargs="+", help="JSON row files to merge instead of running")
    parser.add_argument("--section", help="replace the '## Proteins' section of this Markdown file")
    parser.add_argument("--notes", help="text file appended below the table in the section")
    parser.add_argument("--avgfp-model", action="append",
                        choices=["additive", "structure", "graph", "image"],
                        help="avGFP model(s) to run (default all)")
    parser.add_argument("--predictions", help="TEM-1: save every model's test predictions "
                        "(and the test rows) of each split to this .npz file")
    args = parser.parse_args(argv)
    rows: list = []
    start = time.time()
    if args.merge:
        seconds = 0.0
        for f in args.merge:
            part = json.loads(Path(f).read_text())
            rows += [tuple(r) for r in part["rows"]]
            seconds = max(seconds, part["seconds"])
    else:
        for name, fn in (("esol", esol), ("tem1", tem1), ("avgfp", avgfp)):
            if args.only and name not in args.only:
                continue
            if name == "tem1":
                saved = {} if args.predictions else None
                tem1(rows, args.split or ("split_random", "split_position"), save=saved)
                if saved:
                    np.savez(args.predictions, **{f"{split}|{k}": v for split, d in saved.items()
                                                  for k, v in d.items()})
            elif name == "avgfp" and args.avgfp_model:
                avgfp(rows, args.avgfp_model)
            else:
                fn(rows)
            print(f"{name} done after {time.time() - start:.0f} s", file=sys.stderr)
        seconds = time.time() - start
    if args.rows:
        Path(args.rows).write_text(json.dumps({"rows": rows, "seconds": seconds}))
    text = _text(rows, seconds)
    print(text)
    if args.section:
        notes = Path(args.notes).read_text() if args.notes else ""
        write_section(args.section, text + ("\n" + notes if notes else ""))
    return rows


if __name__ == "__main__":
    main()
