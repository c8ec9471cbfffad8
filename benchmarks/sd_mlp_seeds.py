"""sd_kuo2020: the regression MLP with given settings, several seeds, and their mean.

Each seed trains ``SequenceRegressor(model="mlp", n_models=1, seed=s, ...)`` on the non-test
rows of a split column (its own seeded 10 % validation rows for early stopping, the same for
every seed) and scores the test rows; the mean of the seeds' predictions is what a deep
ensemble of them gives. Predictions are saved so runs in separate processes can be pooled
(``--pool``), which is how two cores train two seeds at once.

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/sd_mlp_seeds.py \\
        --split split --seeds 0 1 --save /tmp/sd --label motif
    python benchmarks/sd_mlp_seeds.py --split split --pool /tmp/sd --label motif \\
        --json benchmarks/results/sd_mlp_seeds.json

``--label`` names the settings: ``plain`` is the MLP without motif features and with a
constant rate (``model_params={"conv_filters": 0}, schedule="constant"``), ``motif`` the
preset for sequences up to 20 nt (64 motif filters, plateau schedule and, on this table of
more than 20,000 rows, a moving average of the weights over 5 epochs), ``motif-noavg`` the
same without the average (the preset before 2026-11-30 afternoon).
"""
from __future__ import annotations

import argparse
import glob
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _record import write_record  # noqa: E402

SETTINGS = {"plain": dict(model_params={"conv_filters": 0}, schedule="constant"),
            "motif": {}, "motif-noavg": dict(average_epochs=0)}


def _data(split: str):
    from biochemml import datasets
    from biochemml.splits import split_indices

    df = datasets.load("sd_kuo2020")
    train = np.flatnonzero(df[split] != "test")
    fit, _, val = split_indices(len(train), test_size=0.1, seed=0)
    return (df["sequence"].to_numpy(), df["fitness"].to_numpy(), train[fit], train[val],
            np.flatnonzero(df[split] == "test"))


def _r2(y, p) -> float:
    return float(1 - ((y - p) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="split", choices=["split", "split_authors"])
    parser.add_argument("--label", default="motif", choices=list(SETTINGS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[])
    parser.add_argument("--save", help="folder for each seed's test predictions")
    parser.add_argument("--pool", help="folder of saved predictions to score together")
    parser.add_argument("--json", help="write the record here")
    args = parser.parse_args(argv)
    import torch

    from biochemml.estimators import SequenceRegressor

    torch.set_num_threads(1)
    seqs, y, fit, val, test = _data(args.split)
    record = {"split": args.split, "label": args.label, "seeds": {}}
    start = time.time()
    for seed in args.seeds:
        t0 = time.time()
        est = SequenceRegressor(model="mlp", n_models=1, seed=seed, pad="right",
                                **SETTINGS[args.label])
        est.fit(seqs[fit], y[fit], validation_data=(seqs[val], y[val]))
        pred = np.asarray(est.predict(seqs[test]), dtype=float)
        info = est.fit_info_[0]
        record["seeds"][seed] = {"r2": _r2(y[test], pred), "epochs": info["epochs_run"],
                                 "fit_s": round(time.time() - t0, 1)}
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            np.save(Path(args.save) / f"{args.split}_{args.label}_{seed}.npy", pred)
    if args.pool:
        files = sorted(glob.glob(str(Path(args.pool) / f"{args.split}_{args.label}_*.npy")))
        preds = [np.load(f) for f in files]
        record["pooled"] = {"files": [Path(f).name for f in files],
                            "single_r2": [_r2(y[test], p) for p in preds],
                            "mean_r2": _r2(y[test], np.mean(preds, axis=0))}
    write_record(record, args.json, start)


if __name__ == "__main__":
    main()
