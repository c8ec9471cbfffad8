"""Does the >20 nt default keep where a promoter's boxes sit? A simulated promoter MPRA.

Each sequence (150-230 nt, random bases) ends at its transcription start (the 3' end, so
sequences are aligned there, as ``SequenceRegressor`` pads them on the left). In 75 % of
them a -10 box (``TATAAT`` with 0-3 mismatches) ends 6 bases before the end; in 75 % a -35
box (``TTGACA``, 0-3 mismatches) sits 14-20 bases upstream of it; half get a decoy box
70-140 bases upstream, and 40 % an activator site (``TGTGATCA``), 60 % of those at 55
bases from the end (where it acts) and the others further upstream (where it does not).
The truth is read back from each sequence: the best -10 match near its place, the best
-35 match at spacings 14-20 less 0.6 per base away from the optimal 17, their product, and
the activator where it acts; Gaussian noise takes 15 % of the variance (ceiling R² 0.85).

It compares, on one random 80/20 split, the FramePool preset with and without its gate per
distance from the 3' end (``position_gate``), LegNet (a position-keeping flatten head) and
the ridge-pairs baseline.

    OMP_NUM_THREADS=1 python benchmarks/promoters.py --json benchmarks/results/promoters.json
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _record import write_record
from sklearn.metrics import r2_score

MODELS = {"framepool, position gate (the preset)": ("framepool", {"position_gate": True}),
          "framepool, no gate": ("framepool", {"position_gate": False}),
          "legnet": ("legnet", {}),
          "ridge-pairs": ("ridge-pairs", None)}
_BOX10, _BOX35, _ACTIVATOR = "TATAAT", "TTGACA", "TGTGATCA"


def _codes(text: str) -> np.ndarray:
    return np.array(["ACGT".index(c) for c in text])


def simulate(n: int = 8000, shortest: int = 150, longest: int = 230, noise_share: float = 0.15,
             seed: int = 0) -> pd.DataFrame:
    """``n`` promoters: ``sequence``, ``expression`` (noisy) and ``signal`` (the truth)."""
    rng = np.random.default_rng(seed)
    box10, box35, activator = _codes(_BOX10), _codes(_BOX35), _codes(_ACTIVATOR)

    def mutated(box, k):
        out = box.copy()
        for p in rng.choice(len(out), int(k), replace=False):
            out[p] = (out[p] + rng.integers(1, 4)) % 4
        return out

    sequences, signal = [], []
    for _ in range(n):
        length = int(rng.integers(shortest, longest + 1))
        c = rng.integers(0, 4, length)

        def put(site, to_end):  # the site's last base lies to_end bases before the 3' end
            c[length - to_end - len(site):length - to_end] = site

        def matches(site, to_end):
            return int((c[length - to_end - len(site):length - to_end] == site).sum())

        if rng.random() < 0.75:
            put(mutated(box10, rng.integers(0, 4)), 6)
        if rng.random() < 0.75:
            put(mutated(box35, rng.integers(0, 4)), 12 + int(rng.integers(14, 21)))
        if rng.random() < 0.5:
            put(mutated((box10, box35)[rng.integers(2)], rng.integers(0, 2)),
                int(rng.integers(70, 140)))
        if rng.random() < 0.4:
            put(mutated(activator, rng.integers(0, 2)),
                55 if rng.random() < 0.6 else int(rng.integers(80, 140)))
        at10 = max(range(4, 9), key=lambda d: matches(box10, d))
        m10 = matches(box10, at10)
        m35 = max(max(matches(box35, at10 + 6 + s) - 0.6 * abs(s - 17) for s in range(14, 21)), 0)
        acts = max(matches(activator, d) for d in range(54, 57)) >= 7 and m10 >= 4
        signal.append(0.5 * m10 + 0.35 * m35 + 0.08 * m10 * m35 + 1.2 * acts)
        sequences.append("".join("ACGT"[i] for i in c))
    signal = np.array(signal)
    noise = np.sqrt(noise_share / (1 - noise_share)) * signal.std()
    return pd.DataFrame({"sequence": sequences,
                         "expression": signal + rng.normal(0.0, noise, n), "signal": signal})


def main(argv=None):
    import torch

    from biochemml import SequenceRegressor
    from biochemml.baselines import BaselineRegressor

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=0, help="simulation seed")
    parser.add_argument("--models", nargs="*", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="write the rows to this JSON file")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    start = time.time()
    data = simulate(args.n, seed=args.seed)
    order = np.random.default_rng(1).permutation(len(data))
    cut = int(0.8 * len(data))
    train, test = data.iloc[order[:cut]], data.iloc[order[cut:]]
    ceiling = r2_score(test.expression, test.signal)
    rows = []
    for label in args.models:
        name, params = MODELS[label]
        began = time.time()
        if params is None:
            model = BaselineRegressor(name).fit(train.sequence.tolist(), train.expression.values)
        else:
            model = SequenceRegressor(name, n_models=1, seed=0, model_params=params)
            model.fit(train.sequence.tolist(), train.expression.values)
        pred = np.asarray(model.predict(test.sequence.tolist())).ravel()
        rows.append({"model": label, "r2": round(r2_score(test.expression, pred), 4),
                     "r2_vs_truth": round(r2_score(test.signal, pred), 4),
                     "fit_s": round(time.time() - began)})
        print(rows[-1], flush=True)
    write_record({"n": args.n, "seed": args.seed, "noise_ceiling_r2": round(ceiling, 4),
                  "rows": rows}, args.json, start)


if __name__ == "__main__":
    main()
