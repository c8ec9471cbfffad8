"""The convolutional regression presets on small tables: which batch?

FramePool (the default above 20 nt) and LegNet were tuned on 5' UTR folds of about 6,000
training rows, where batch 128 gives about 50 gradient steps an epoch. A user's table of
1,000-3,000 sequences gets 8-25 steps an epoch at that batch, and early stopping (patience
5) may end training before the network has learnt. This script trains one network of a
preset with the preset's batch and with fixed smaller ones, on disjoint random subsets of
utr_sample2019 (each library) and on simulated promoters (``promoters.simulate``), and
scores 400 held-out rows of each subset.

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/small_tables_cnn.py \\
        --rows 1600 --reps 3 --configs preset batch32 --json out.json

``preset`` now means the batch of ``presets.cnn_batch_size`` (32 on 1,600 rows); pass
``--configs batch128`` for the batch used before it.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
from _record import write_record
from sklearn.metrics import r2_score

TEST_ROWS = 400


def subsets(n_train: int, reps: int, kinds=("utr random", "utr human", "promoters")):
    """``(name, train sequences, train values, test sequences, test values)`` for each
    kind and repeat: disjoint random subsets of ``n_train + 400`` rows."""
    from biochemml import datasets
    from promoters import simulate

    out = []
    for lib in ("random", "human"):
        if f"utr {lib}" not in kinds:
            continue
        d = datasets.load("utr_sample2019", library=lib).reset_index(drop=True)
        perm = np.random.default_rng(0).permutation(len(d))
        for r in range(reps):
            part = d.iloc[perm[r * (n_train + TEST_ROWS):(r + 1) * (n_train + TEST_ROWS)]]
            if len(part) < n_train + TEST_ROWS:
                raise SystemExit(f"utr_sample2019 {lib} has too few rows for {reps} repeats")
            seqs, y = part.sequence.tolist(), part.mrl.to_numpy()
            out.append((f"utr {lib} rep{r}", seqs[:n_train], y[:n_train], seqs[n_train:], y[n_train:]))
    if "promoters" in kinds:
        for r in range(reps):
            p = simulate(n_train + TEST_ROWS, seed=r)
            seqs, y = p.sequence.tolist(), p.expression.to_numpy()
            out.append((f"promoters rep{r}", seqs[:n_train], y[:n_train], seqs[n_train:], y[n_train:]))
    return out


def settings(config: str) -> dict:
    """``preset`` -> {}; ``batchN`` -> batch N; ``epochs100_pat10`` -> those two."""
    if config == "preset":
        return {}
    if config.startswith("batch"):
        return {"batch_size": int(config[5:])}
    if config == "epochs100_pat10":
        return {"epochs": 100, "patience": 10}
    raise SystemExit(f"unknown config {config!r}")


def main(argv=None):
    import torch
    from biochemml.estimators import SequenceRegressor

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1600, help="training rows a subset")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--model", default="framepool")
    p.add_argument("--configs", nargs="+", default=["preset", "batch128"])
    p.add_argument("--kinds", nargs="+", default=["utr random", "utr human", "promoters"])
    p.add_argument("--json")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    start, rows = time.time(), []
    for name, xs, ys, xt, yt in subsets(args.rows, args.reps, args.kinds):
        for config in args.configs:
            t = time.time()
            est = SequenceRegressor(model=args.model, seed=0, **settings(config)).fit(xs, ys)
            rows.append(dict(set=name, config=config, model=args.model, n_train=args.rows,
                             batch_size=est.training_["batch_size"],
                             r2=float(r2_score(yt, est.predict(xt))), fit_s=time.time() - t,
                             epochs=len(est.history_["loss"]),
                             best=int(est.fit_info_[0]["best_epoch"]) + 1))
            print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    frame["kind"] = frame.set.str.replace(r" rep\d+$", "", regex=True)
    summary = frame.groupby(["kind", "config"]).r2.mean().round(3).unstack().to_dict("index")
    write_record({"command": " ".join(["small_tables_cnn.py"] + list(sys.argv[1:] if argv is None else argv)),
                  "rows": rows, "mean_r2": summary}, args.json, start)


if __name__ == "__main__":
    main()
