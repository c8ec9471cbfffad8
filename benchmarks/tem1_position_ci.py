"""How sure is the TEM-1 by-position Spearman? A bootstrap over the test positions.

Fits the chosen by-position model (the mean of the structure boosting, 5 seeds with
``hide_fraction=0.7``, and the graph network, 5 networks x 10 epochs; see RESULTS.md) and the
sequence-only boosting on the training positions of ``split_position``, then resamples the
*test positions* (all variants of a drawn position together, 1,000 draws) for a 95 % interval of
the ensemble's Spearman and of its gain over the sequence-only model.

Run (about 2 minutes on 2 idle cores):
    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/tem1_position_ci.py \
        --json benchmarks/results/tem1_position_ci.json
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from _record import write_record
from scipy.stats import spearmanr

BOOST = dict(n_models=5, hide_fraction=0.7)
GRAPH = dict(epochs=10, n_models=5, dropout=0.2, weight_decay=1e-3)


def position_bootstrap(y, preds: dict, positions, draws: int = 1000, seed: int = 0) -> dict:
    """95 % intervals of each prediction's Spearman, resampling whole positions.

    Parameters
    ----------
    y : ndarray, shape (N,)
    preds : dict of str -> ndarray, shape (N,)
    positions : ndarray, shape (N,)
        The position of each row; a draw takes all rows of the drawn positions.

    Returns
    -------
    dict of str -> (low, high, values) with ``values`` shape (draws,)
    """
    rng = np.random.default_rng(seed)
    unique = np.unique(positions)
    rows = {p: np.flatnonzero(positions == p) for p in unique}
    values = {k: np.empty(draws) for k in preds}
    for i in range(draws):
        pick = np.concatenate([rows[p] for p in rng.choice(unique, size=unique.size)])
        for k, pred in preds.items():
            values[k][i] = spearmanr(pred[pick], y[pick])[0]
    return {k: (*np.percentile(v, [2.5, 97.5]), v) for k, v in values.items()}


def main(argv=None):
    from biochemml import datasets as D
    from biochemml.protein.models import build_variant_model

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="write the numbers to this JSON file")
    args = parser.parse_args(argv)
    start = time.time()
    df = D.load("tem1")
    wt, pdb = D.wildtype("tem1"), str(D.structure_path("tem1"))
    y = df["2500"].to_numpy()
    test = (df.split_position == "test").to_numpy()

    def fit_predict(name, structure, params):
        model = build_variant_model(name, wt, structure, offset=1, seed=0, **params)
        return model.fit(df.mutant[~test], y[~test]).predict(df.mutant[test])

    boost = fit_predict("structure", pdb, BOOST)
    graph = fit_predict("graph", pdb, GRAPH)
    sequence = fit_predict("sequence", None, BOOST)
    ensemble = boost + graph
    yt, positions = y[test], df.position.to_numpy()[test]
    ci = position_bootstrap(yt, {"ensemble": ensemble, "sequence": sequence}, positions)
    gain = ci["ensemble"][2] - ci["sequence"][2]
    out = {
        "test_rows": int(test.sum()), "test_positions": int(np.unique(positions).size),
        "spearman": {"structure boosting": float(spearmanr(boost, yt)[0]),
                     "graph": float(spearmanr(graph, yt)[0]),
                     "ensemble (mean of the two)": float(spearmanr(ensemble, yt)[0]),
                     "sequence-only boosting": float(spearmanr(sequence, yt)[0])},
        "ensemble_ci95": [float(ci["ensemble"][0]), float(ci["ensemble"][1])],
        "ensemble_draws_at_or_above_0.78": float(np.mean(ci["ensemble"][2] >= 0.78)),
        "gain_over_sequence_only_ci95": [float(q) for q in np.percentile(gain, [2.5, 97.5])],
    }
    write_record(out, args.json, start)


if __name__ == "__main__":
    main()
