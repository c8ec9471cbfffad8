"""Calibration of deep-ensemble intervals on real expression data (issue 5).

Trains ``SequenceRegressor(n_models=N)`` with the default model on one data set, predicts
the test rows with ``return_std=True`` and prints one JSON line: R², Spearman, the
validation-fitted ``std_floor_``, ``std_scale_`` (and ``std_scale_68_``), the coverage of
the 68 % and 95 % Gaussian intervals with the calibrated spread and with the raw member
spread, the mean width of the 95 % interval, and the coverage of the intervals a run
reports (``predict_bounds``: one factor per level).

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/ensemble_calibration.py utr --epochs 10
    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/ensemble_calibration.py sd --epochs 8

``utr``: utr_sample2019 human library, random 80/20 split (seed 0); ``sd``: sd_kuo2020 with
its fixed 90/10 ``split`` column.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", choices=("utr", "sd"))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--members", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch

    from biochemml import SequenceRegressor, datasets
    from biochemml.metrics import bounds_coverage, interval_coverage, regression_metrics
    from biochemml.splits import split_indices

    torch.set_num_threads(args.threads)
    if args.data == "utr":
        df = datasets.load("utr_sample2019", library="human")
        train, _, test = split_indices(len(df), 0.2, seed=0)
        y, seqs = df.mrl.to_numpy(), df.sequence.to_numpy()
    else:
        df = datasets.load("sd_kuo2020")
        test = np.flatnonzero(df.split == "test")
        train = np.flatnonzero(df.split != "test")
        y, seqs = df.fitness.to_numpy(), df.sequence.to_numpy()
    start = time.time()
    reg = SequenceRegressor(n_models=args.members, seed=0, epochs=args.epochs)
    reg.fit(seqs[train], y[train])
    mean, std, bounds = reg.predict_bounds(seqs[test])
    spread = reg._inverse(reg._raw_outputs(seqs[test]))[..., 0].std(axis=0, ddof=1)
    scores = regression_metrics(y[test], mean)
    print(json.dumps({
        "data": args.data, "model": reg.model_name_, "epochs": args.epochs,
        "members": args.members, "std_scale": float(reg.std_scale_[0]),
        "std_floor": float(reg.std_floor_[0]),
        "coverage": interval_coverage(y[test], mean, std),
        "raw_coverage": interval_coverage(y[test], mean, spread),
        "width_95": float(np.mean(2 * 1.959964 * std)),
        "std_scale_68": float(reg.std_scale_68_[0]),
        "reported_coverage": bounds_coverage(y[test], {0.68: bounds[:, :2].T,
                                                       0.95: bounds[:, 2:].T}),
        "r2": scores["r2"], "spearman": scores["spearman"],
        "seconds": round(time.time() - start, 1)}, default=float))


if __name__ == "__main__":
    main()
