"""Choose TEM-1 model settings on training positions only (inner folds of the by-position split).

The test positions of ``split_position`` are never used: the training rows are cut into
``--folds`` folds *by position* (every variant of a position in one fold), each fold is
predicted by models fitted on the others, and the pooled Spearman over the training rows
is printed for every setting. Used for the secondary-structure choice (DSSP or the
C-alpha approximation):

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/protein_inner_cv.py \
        --ss ca dssp --graph-networks 2
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
from scipy.stats import spearmanr

GRAPH = dict(epochs=10, dropout=0.2, weight_decay=1e-3)


def main(argv=None):
    from biochemml import datasets as D
    from biochemml.protein.models import build_variant_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ss", nargs="+", default=["ca", "dssp"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--boost-models", type=int, default=5)
    parser.add_argument("--graph-networks", type=int, default=2)
    parser.add_argument("--image-networks", type=int, default=0)
    parser.add_argument("--boost-hide", type=float, default=None,
                        help="hide_fraction of the structure boosting (default: the model's)")
    parser.add_argument("--out", help="JSON file for the pooled predictions' Spearman values")
    args = parser.parse_args(argv)
    df = D.load("tem1")
    wt, pdb = D.wildtype("tem1"), str(D.structure_path("tem1"))
    train = df[df.split_position == "train"].reset_index(drop=True)
    y = train["2500"].to_numpy()
    positions = np.unique(train.position)
    fold_of = dict(zip(np.random.RandomState(0).permutation(positions),
                       np.arange(positions.size) % args.folds))
    fold = train.position.map(fold_of).to_numpy()
    results = {}
    for ss in args.ss:
        boost = dict(n_models=args.boost_models)
        if args.boost_hide is not None:
            boost["hide_fraction"] = args.boost_hide
        members = {"boosting": ("structure", boost)}
        if args.graph_networks:
            members["graph"] = ("graph", dict(GRAPH, n_models=args.graph_networks))
        if args.image_networks:
            members["image"] = ("image", dict(GRAPH, n_models=args.image_networks))
        pred = {k: np.zeros(len(train)) for k in members}
        start = time.time()
        for f in range(args.folds):
            test = fold == f
            for key, (name, params) in members.items():
                model = build_variant_model(name, wt, pdb, offset=1, seed=0, ss_method=ss, **params)
                pred[key][test] = model.fit(train.mutant[~test], y[~test]).predict(
                    train.mutant[test])
            print(f"ss={ss} fold {f} done after {time.time() - start:.0f} s", flush=True)
        scores = {k: float(spearmanr(v, y)[0]) for k, v in pred.items()}
        if len(pred) > 1:
            scores["mean of " + " + ".join(pred)] = float(spearmanr(sum(pred.values()), y)[0])
            if "image" in pred:
                scores["mean of boosting + graph"] = float(
                    spearmanr(pred["boosting"] + pred["graph"], y)[0])
        results[ss] = scores
        print(ss, json.dumps(scores), flush=True)
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()
