"""Protein benchmarks: avGFP (TAPE split), TEM-1 (random and by-position splits), eSOL.

Run:  BIOCHEMML_DATA=../shared/data python benchmarks/protein.py [--append benchmarks/RESULTS.md]
One CPU run; prints a Markdown table and, with --append, adds it to RESULTS.md.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import date

import numpy as np
from scipy.stats import spearmanr


def avgfp(rows):
    from biochemml import datasets as D
    from biochemml.protein.models import build_variant_model

    df = D.load("avgfp")
    wt, pdb = D.wildtype("avgfp"), str(D.structure_path("avgfp"))
    tr, te = df[df.split == "train"], df[df.split == "test"]
    for name in ("additive", "sequence", "structure"):
        t = time.time()
        m = build_variant_model(name, wt, pdb, offset=0, seed=0).fit(tr.variant, tr.brightness)
        rho = spearmanr(m.predict(te.variant), te.brightness)[0]
        rows.append(("avGFP", "TAPE test (>= 4 mutations)", name, "Spearman", rho, time.time() - t))


def tem1(rows):
    from biochemml import datasets as D
    from biochemml.protein.models import build_variant_model

    df = D.load("tem1", predictions=True)
    wt, pdb = D.wildtype("tem1"), str(D.structure_path("tem1"))
    y = df["2500"].to_numpy()
    from biochemml import structure as S

    burial = S.burial(S.read(pdb))[df.position.to_numpy() - 1]
    for split in ("split_random", "split_position"):
        test = (df[split] == "test").to_numpy()
        for name in ("additive", "sequence", "structure"):
            t = time.time()
            m = build_variant_model(name, wt, pdb, offset=1, seed=0).fit(df.mutant[~test], y[~test])
            rho = spearmanr(m.predict(df.mutant[test]), y[test])[0]
            rows.append(("TEM-1 (2500)", split, name, "Spearman", rho, time.time() - t))
        rows.append(("TEM-1 (2500)", split, "burial alone (-CB neighbours)", "Spearman",
                     spearmanr(-burial[test], y[test])[0], 0.0))
        dsq = df["mutation_effect_prediction_vae_ensemble"].to_numpy()
        ok = test & np.isfinite(dsq)
        rows.append(("TEM-1 (2500)", split, f"DeepSequence zero-shot (reference, {ok.sum()} rows)",
                     "Spearman", spearmanr(dsq[ok], y[ok])[0], 0.0))


def esol(rows):
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import RidgeCV
    from sklearn.metrics import r2_score

    from biochemml import datasets as D
    from biochemml.encode import kmer_counts

    df = D.load("esol")
    seqs = df.sequence.str.upper().str.replace(r"[^ACDEFGHIKLMNPQRSTVWY]", "", regex=True).tolist()
    lengths = np.array([len(s) for s in seqs], dtype=float)
    comp = kmer_counts(seqs, k=1, alphabet="protein") / lengths[:, None]
    dip = kmer_counts(seqs, k=2, alphabet="protein") / np.maximum(lengths - 1, 1)[:, None]
    x = np.hstack([comp, dip, np.log(lengths)[:, None]])
    test = (df.split == "test").to_numpy()
    y = df.solubility.to_numpy()
    t = time.time()
    ridge = RidgeCV(alphas=np.logspace(-3, 2, 12)).fit(x[~test], y[~test])
    rows.append(("eSOL", "GraphSol test", "ridge: composition + dipeptides + length", "R2",
                 r2_score(y[test], ridge.predict(x[test])), time.time() - t))
    t = time.time()
    gb = HistGradientBoostingRegressor(max_iter=400, learning_rate=0.04, max_leaf_nodes=15,
                                       l2_regularization=1.0, random_state=0).fit(x[~test], y[~test])
    rows.append(("eSOL", "GraphSol test", "boosting: composition + dipeptides + length", "R2",
                 r2_score(y[test], gb.predict(x[test])), time.time() - t))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--append", help="append the results to this Markdown file")
    parser.add_argument("--only", choices=["avgfp", "tem1", "esol"], action="append")
    args = parser.parse_args(argv)
    rows: list = []
    start = time.time()
    for name, fn in (("esol", esol), ("tem1", tem1), ("avgfp", avgfp)):
        if args.only and name not in args.only:
            continue
        fn(rows)
        print(f"{name} done after {time.time() - start:.0f} s", file=sys.stderr)
    import biochemml
    import sklearn
    import torch

    lines = ["| data | split | model | metric | value | fit+predict s |", "|---|---|---|---|---|---|"]
    lines += [f"| {d} | {s} | {m} | {k} | {v:.3f} | {t:.0f} |" for d, s, m, k, v, t in rows]
    header = (f"Command: `BIOCHEMML_DATA=../shared/data python benchmarks/protein.py` - {date.today()} - "
              f"{platform.processor() or platform.machine()} CPU (2 cores shared) - Python "
              f"{platform.python_version()}, biochemml {biochemml.__version__}, scikit-learn "
              f"{sklearn.__version__}, torch {torch.__version__}, numpy {np.__version__} - "
              f"total {time.time() - start:.0f} s, seed 0.")
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.append:
        with open(args.append, "a") as handle:
            handle.write("\n" + text)
    return rows


if __name__ == "__main__":
    main()
