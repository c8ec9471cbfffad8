"""Seconds per training epoch of the sequence regressors on random DNA (CPU).

    OMP_NUM_THREADS=2 python benchmarks/training_speed.py --n 10000 --length 200 \
        --models framepool legnet optimus

Each model trains one epoch (its preset batch size, no early stopping) on ``n`` random
sequences of ``length`` nt whose value is the GG count plus noise, and the wall time of
``SequenceRegressor.fit`` is printed. Multiply by ``N / n`` and by the epochs a preset runs
(up to 30, usually 10-25 with early stopping) to plan a large table, or pass
``--time-limit`` to ``biochemml train``.
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--length", type=int, default=200)
    p.add_argument("--models", nargs="*", default=["framepool", "legnet", "optimus"])
    args = p.parse_args(argv)
    import torch

    from biochemml.estimators import SequenceRegressor

    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), args.length)) for _ in range(args.n)]
    y = np.array([s.count("GG") for s in seqs], float) + rng.normal(0, 1, args.n)
    print(f"{args.n} sequences of {args.length} nt, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    for model in args.models:
        t0 = time.perf_counter()
        SequenceRegressor(model=model, epochs=1, seed=0, pad="left").fit(seqs, y)
        print(f"| {model} | {time.perf_counter() - t0:.1f} s |", flush=True)


if __name__ == "__main__":
    main()
