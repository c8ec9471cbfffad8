"""A floor under the deep ensemble's spread: narrower intervals at the same coverage?

``SequenceRegressor`` turns the members' spread ``s`` into intervals fitted on the
validation rows. Before 2026-12-02 they were ``k * s`` (``k`` from the 95th percentile of
``|y - mean| / s``); now they are ``k * sqrt(s**2 + c**2)`` with a floor ``c`` chosen by
Gaussian likelihood (``biochemml.estimators.spread_floor``). This script trains one
ensemble of 5 networks per data set (the default model, one torch thread, explicit
validation rows), then scores, for the first 2, 3 and 5 members, both rules (and intervals
of one width for every sequence, split-conformal style; for the first member alone only
those, which is what one network gives since 2026-12-02: ``--members 1`` scores the
package's own ``predict_bounds`` and checks it against the rule) on held-out test rows: coverage of
the 68 % and 95 % intervals, mean width of the 95 % interval and its interval score
(width + 40 * the distance by which a value falls outside; lower is better).

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/ensemble_floor.py \\
        --sets utr_human_6000 utr_random_2000 --json out.json

Sets: ``utr_<library>_<rows>`` (utr_sample2019, random rows, 10 % of them for validation),
``sd`` (sd_kuo2020's 90/10 split; 10 % of the training rows for validation, 6 epochs),
``avgfp_<rows>`` and ``tem1_<rows>`` (protein variants: brightness; ampicillin 2500 ug/mL
fitness), ``promoters_<rows>`` (``promoters.simulate``). Each test set is 1,500 rows (the
sd test split: 25,756).
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from _record import write_record
from scipy.stats import spearmanr

Z95 = 1.959964
TEST_ROWS = 1500


def load_set(name: str, rng):
    """``(train, validation, test)`` as (sequences, values) pairs, the alphabet, epochs."""
    from biochemml import datasets

    def pick(seqs, y, n):
        perm = rng.permutation(len(y))
        a, b = int(0.9 * n), n
        return [(seqs[perm[i:j]], y[perm[i:j]]) for i, j in ((0, a), (a, b), (b, b + TEST_ROWS))]

    kind, _, rows = name.rpartition("_")
    if name == "sd":
        d = datasets.load("sd_kuo2020")
        s, y = d.sequence.to_numpy(), d.fitness.to_numpy()
        test, train = np.flatnonzero(d.split == "test"), rng.permutation(
            np.flatnonzero(d.split != "test"))
        nv = len(train) // 10
        return [(s[train[nv:]], y[train[nv:]]), (s[train[:nv]], y[train[:nv]]),
                (s[test], y[test])], "dna", 6
    if kind.startswith("utr_"):
        d = datasets.load("utr_sample2019", library=kind[4:])
        return pick(d.sequence.to_numpy(), d.mrl.to_numpy(), int(rows)), "dna", \
            10 if int(rows) > 4000 else None
    if kind in ("avgfp", "tem1"):
        column = "brightness" if kind == "avgfp" else "2500"
        d = datasets.load(kind).dropna(subset=[column])
        return pick(d.sequence.to_numpy(), d[column].to_numpy(), int(rows)), "protein", None
    if kind == "promoters":
        from promoters import simulate

        p = simulate(int(rows) + TEST_ROWS, seed=0)
        return pick(p.sequence.to_numpy(), p.expression.to_numpy(), int(rows)), "dna", None
    raise SystemExit(f"unknown set {name!r}")


def intervals(resid, spread, rule: str):
    """A function of the test spread giving ``(std_95, std_68)`` fitted on validation
    ``resid`` and ``spread`` by ``rule``: ``scale`` (k * s), ``floor`` (k * sqrt(s² + c²)),
    ``constant`` (one width for all)."""
    from biochemml.estimators import spread_floor

    if rule == "constant":
        k95, k68 = np.quantile(np.abs(resid), 0.95) / Z95, np.quantile(np.abs(resid), 0.682689)
        return lambda s: (np.full_like(s, k95), np.full_like(s, k68)), None
    c = spread_floor(resid, spread) if rule == "floor" else 0.0
    z = np.abs(resid) / np.sqrt(spread ** 2 + c ** 2)
    k95, k68 = np.quantile(z, 0.95) / Z95, np.quantile(z, 0.682689)
    return lambda s: (k95 * np.sqrt(s ** 2 + c ** 2), k68 * np.sqrt(s ** 2 + c ** 2)), \
        c / np.median(spread)


def score(y, mean, s95, s68) -> dict:
    err = np.abs(y - mean)
    outside = np.maximum(err - Z95 * s95, 0)
    return {"coverage_68": float(np.mean(err <= s68)), "coverage_95": float(np.mean(err <= Z95 * s95)),
            "width_95": float(np.mean(2 * Z95 * s95)),
            "interval_score_95": float(np.mean(2 * Z95 * s95 + 40 * outside)),
            "spearman_std_error": float(spearmanr(err, s95)[0]) if np.ptp(s95) > 0 else None}


def main(argv=None):
    import torch

    from biochemml import SequenceRegressor

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", nargs="+", default=["utr_human_6000", "utr_random_2000", "sd",
                                                 "avgfp_5000", "tem1_3000", "promoters_3000"])
    p.add_argument("--members", type=int, default=5)
    p.add_argument("--json")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    start, rows = time.time(), []
    for name in args.sets:
        (tr, va, te), alphabet, epochs = load_set(name, np.random.default_rng(0))
        t = time.time()
        reg = SequenceRegressor(n_models=args.members, seed=0, alphabet=alphabet,
                                **({} if epochs is None else {"epochs": epochs}))
        reg.fit(list(tr[0]), tr[1], validation_data=(list(va[0]), va[1]))
        fit_s = time.time() - t
        val = reg._inverse(reg._raw_outputs(list(va[0])).astype(np.float64))[..., 0]
        test = reg._inverse(reg._raw_outputs(list(te[0])).astype(np.float64))[..., 0]
        for m in sorted({1, 2, 3, args.members} & set(range(1, args.members + 1))):
            mv, mt = val[:m], test[:m]
            for rule in ("scale", "floor", "constant") if m > 1 else ("constant",):
                if m == 1 and reg.n_models_ == 1:  # the package's own intervals
                    _, s95, bounds = reg.predict_bounds(list(te[0]))
                    s68, floor = (bounds[:, 1] - bounds[:, 0]) / 2, None
                    fn, _ = intervals(va[1] - mv[0], np.zeros(len(va[1])), rule)
                    assert np.allclose(fn(np.zeros(1))[0], s95[0], rtol=1e-6), \
                        "the package's one width differs from the split-conformal rule"
                else:
                    fn, floor = intervals(va[1] - mv.mean(0), mv.std(0, ddof=1), rule)
                    s95, s68 = fn(mt.std(0, ddof=1))
                row = {"set": name, "model": reg.model_name_, "members": m, "rule": rule,
                       "floor_over_median_spread": floor, "validation_rows": len(va[1]),
                       "test_rows": len(te[1]), "fit_seconds": round(fit_s, 1),
                       **score(te[1], mt.mean(0), s95, s68)}
                rows.append(row)
                print(f"{name} {m} {rule:8s} cov68 {row['coverage_68']:.3f} cov95 "
                      f"{row['coverage_95']:.3f} width95 {row['width_95']:.3f} score95 "
                      f"{row['interval_score_95']:.3f}", file=sys.stderr, flush=True)
    write_record({"command": " ".join(["python", "benchmarks/ensemble_floor.py", *(argv or sys.argv[1:])]),
                  "rows": rows}, args.json, start)


if __name__ == "__main__":
    main()
