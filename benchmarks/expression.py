"""Sequence -> expression benchmark: baselines and neural models on sd_kuo2020 and utr_sample2019.

    BIOCHEMML_DATA=/work/shared/data python benchmarks/expression.py --data sd --out sd.json
    BIOCHEMML_DATA=/work/shared/data python benchmarks/expression.py --data utr --out utr.json
    python benchmarks/expression.py --write-results sd.json utr.json   # -> RESULTS.md section

For each data set and split: R², Pearson r, Spearman of every baseline and neural model,
train seconds, the process's peak memory so far, and for ensembles the coverage of the
68 / 95 % intervals. sd_kuo2020: the published 90/10 ``split``, the authors' ``split_authors``
and a similarity-aware split (no test sequence within 1 mismatch of a training one).
utr_sample2019: 5-fold CV within each set (``KFold(5, shuffle=True, random_state=0)``, as
in the data README) and a similarity-aware split. ``--folds`` runs only the first folds
(a documented reduced configuration when the machine is short of time).
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "## Sequence -> expression"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fit_and_score(name, train_seqs, train_y, tests, *, pad, seed, epochs=None,
                  n_models=1, model_params=None, batch_size=None, schedule=None, weights=None):
    """Fit one model and score it on each ``(label, seqs, y)`` of ``tests``; one row per test set."""
    from biochemml import metrics
    from biochemml.baselines import BASELINES, BaselineRegressor
    from biochemml.estimators import SequenceRegressor

    t0 = time.perf_counter()
    if name in BASELINES:
        est = BaselineRegressor(name, pad=pad, seed=seed)
    else:
        est = SequenceRegressor(model=name, epochs=epochs, n_models=n_models, pad=pad, seed=seed,
                                model_params=model_params, batch_size=batch_size,
                                schedule=schedule, patience=epochs if schedule == "cosine" else "auto")
    est.fit(train_seqs, train_y, sample_weight=weights)
    seconds = time.perf_counter() - t0
    label = name + (f" {model_params}" if model_params else "") + \
        (f", {schedule} lr" if schedule else "") + (", weighted" if weights is not None else "")
    rows = []
    for data, test_seqs, test_y in tests:
        mean, std = est.predict(test_seqs, return_std=True)
        m = metrics.regression_metrics(test_y, mean)
        row = {"data": data, "model": label + (f" x{n_models}" if n_models > 1 else ""),
               "r2": m["r2"], "pearson_r2": m["pearson"] ** 2, "spearman": m["spearman"],
               "fit_s": seconds, "peak_mb": peak_mb(), "n_train": len(train_y),
               "n_test": len(test_y)}
        if hasattr(est, "fit_info_"):
            row["epochs"] = [i["epochs_run"] for i in est.fit_info_]
        if n_models > 1:
            cov = metrics.interval_coverage(test_y, mean, std)
            row["coverage68"], row["coverage95"] = cov[0.68], cov[0.95]
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def run_sets(args):
    from biochemml import datasets
    from biochemml.evaluation import kfold_indices, similarity_split

    rows, weights = [], None
    neural = [dict(name=m, epochs=args.epochs) for m in args.neural]
    if args.ensemble > 1:
        neural.append(dict(name=args.ensemble_model, epochs=args.epochs, n_models=args.ensemble))
    if args.data == "sd":
        df = datasets.load("sd_kuo2020")
        seqs, y = df.sequence.to_numpy(), df.fitness.to_numpy()
        if args.weight_column:
            weights = df[args.weight_column].to_numpy(dtype=float)
        splits = [(col, np.flatnonzero(df[col] != "test"),
                   [("sd_kuo2020", np.flatnonzero(df[col] == "test"))])
                  for col in ("split", "split_authors")]
        if not args.no_similarity:
            tr, te, ex = similarity_split(seqs, 0.1, max_distance=1, seed=0, n_regions=1, pad="right")
            splits.append((f"similarity (d<=1, {len(ex)} left out)", tr, [("sd_kuo2020", te)]))
        sets, pad = [("sd_kuo2020", seqs, y, splits)], "right"
    else:
        sets, pad = [], "left"
        if args.pooled:
            # one model per fold, trained on both sets' training folds; each set's test fold is
            # the same as in the per-set CV (KFold(5, seed 0) within each set) and scored apart
            parts = [datasets.load("utr_sample2019", library=lib) for lib in args.library]
            seqs = np.concatenate([d.sequence.to_numpy() for d in parts])
            y = np.concatenate([d.mrl.to_numpy() for d in parts])
            offsets = np.cumsum([0] + [len(d) for d in parts])
            per_set = [kfold_indices(len(d), 5, seed=0)[:args.folds] for d in parts]
            splits = []
            for k in range(len(per_set[0])):
                tr = np.concatenate([o + f[k][0] for o, f in zip(offsets, per_set)])
                tests = [(f"utr_sample2019 {lib}", o + f[k][1])
                         for lib, o, f in zip(args.library, offsets, per_set)]
                splits.append((f"5-fold CV, both sets pooled, fold {k + 1}", tr, tests))
            sets.append(("utr_sample2019 pooled", seqs, y, splits))
        for lib in args.library if not args.pooled else []:
            df = datasets.load("utr_sample2019", library=lib)
            seqs, y = df.sequence.to_numpy(), df.mrl.to_numpy()
            set_name = f"utr_sample2019 {lib}"
            splits = [(f"5-fold CV fold {k + 1}", tr, [(set_name, te)])
                      for k, (tr, te) in enumerate(kfold_indices(len(df), 5, seed=0)[:args.folds])]
            if not args.no_similarity:
                tr, te, ex = similarity_split(seqs, 0.2, max_distance=10, seed=0)
                splits.append((f"similarity (d<=10, {len(ex)} left out)", tr, [(set_name, te)]))
            sets.append((set_name, seqs, y, splits))
    for set_name, seqs, y, splits in sets:
        for k, (split_name, tr, tests) in enumerate(splits):
            if args.splits and not any(split_name.startswith(w) for w in args.splits):
                continue
            for spec in [dict(name=b) for b in args.baselines] + neural:
                is_neural = spec["name"] not in args.baselines
                if is_neural and spec.get("n_models", 1) > 1 and k > 0 and not args.ensemble_all_folds:
                    continue  # ensembles on the first split only (time)
                if is_neural and args.neural_splits is not None and k >= args.neural_splits \
                        and not (split_name.startswith("similarity") and spec["name"] in args.similarity_models):
                    continue
                w = None if weights is None or not is_neural else weights[tr]
                new = fit_and_score(spec["name"], seqs[tr], y[tr],
                                    [(data, seqs[te], y[te]) for data, te in tests], pad=pad,
                                    seed=args.seed, epochs=spec.get("epochs"),
                                    n_models=spec.get("n_models", 1),
                                    batch_size=args.batch_size if is_neural else None,
                                    model_params=args.model_params if is_neural else None,
                                    schedule=args.schedule if is_neural else None, weights=w)
                for row in new:
                    row["split"] = split_name
                rows.extend(new)
                Path(args.out).write_text(json.dumps(rows, indent=1))
    return rows


def _fmt(v, digits=3):
    return "" if v is None else (f"{v:.{digits}f}" if isinstance(v, float) else str(v))


def results_section(rows: list, note: str) -> str:
    import pandas as pd

    df = pd.DataFrame(rows).drop_duplicates(subset=["data", "split", "model"], keep="last")
    df["split_kind"] = df.split.str.replace(r" fold \d+", "", regex=True)
    lines = [SECTION, "", note, ""]
    for (data, split), g in df.groupby(["data", "split_kind"], sort=False):
        cv = g.split.nunique() > 1
        lines += [f"### {data}, {split}" + (" (mean ± sd over the folds run)" if cv else ""),
                  "", "| model | " + ("folds | " if cv else "") + "R² | Pearson r² | Spearman | "
                  "68% / 95% cover | fit s | epochs | peak MB |",
                  "| --- | " + ("--- | " if cv else "") + "--- | --- | --- | --- | --- | --- | --- |"]
        for model, h in g.groupby("model", sort=False):
            def ms(col):
                if col not in h or h[col].isna().all():
                    return ""
                vals = h[col].dropna()
                return _fmt(vals.mean()) + (f" ± {vals.std():.3f}" if len(vals) > 1 else "")
            cover = "" if "coverage95" not in h or h.coverage95.isna().all() else \
                f"{h.coverage68.mean():.3f} / {h.coverage95.mean():.3f}"
            epochs = "" if "epochs" not in h or h.epochs.isna().all() else \
                ", ".join(str(e) for e in h.epochs.dropna().iloc[0])
            lines.append(f"| {model} | " + (f"{len(h)} | " if cv else "") +
                         f"{ms('r2')} | {ms('pearson_r2')} | {ms('spearman')} | {cover} | "
                         f"{h.fit_s.mean():.0f} | {epochs} | {h.peak_mb.max():.0f} |")
        lines.append("")
    return "\n".join(lines)


def write_results(paths, note_file=None):
    rows = [r for p in paths for r in json.loads(Path(p).read_text())]
    note = Path(note_file).read_text().strip() if note_file else ""
    section = results_section(rows, note)
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if SECTION in text:  # replace only this section (up to the next "## ")
        start = text.index(SECTION)
        nxt = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + ("\n" + text[nxt + 1:] if nxt != -1 else "\n")
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", choices=("sd", "utr"))
    p.add_argument("--out", default="expression.json")
    p.add_argument("--baselines", nargs="*", default=["ridge", "ridge-pairs", "gbm-kmer", "gbm-onehot"])
    p.add_argument("--neural", nargs="*", default=["mlp", "optimus", "legnet"])
    p.add_argument("--epochs", type=int, default=None, help="Default: each model's preset.")
    p.add_argument("--ensemble", type=int, default=5)
    p.add_argument("--ensemble-model", default=None)
    p.add_argument("--ensemble-all-folds", action="store_true",
                   help="Fit the ensemble on every split, not only the first.")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--library", nargs="*", default=["random", "human"])
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--neural-splits", type=int, default=None,
                   help="Fit the neural models on the first this-many splits only (time).")
    p.add_argument("--threads", type=int, default=None,
                   help="torch threads (1 avoids thread contention on a shared machine)")
    p.add_argument("--no-similarity", action="store_true")
    p.add_argument("--splits", nargs="*", default=None,
                   help="Run only the splits whose names start with these words.")
    p.add_argument("--similarity-models", nargs="*", default=[],
                   help="Neural models also fitted on the similarity-aware split.")
    p.add_argument("--schedule", default=None, choices=("constant", "plateau", "cosine"),
                   help="Learning-rate schedule of the neural models (cosine: all --epochs, "
                        "best validation epoch kept). Default: each model's preset.")
    p.add_argument("--model-params", type=json.loads, default=None,
                   help='JSON of model parameters for the neural models, e.g. \'{"pairs": true}\'.')
    p.add_argument("--weight-column", default=None,
                   help="sd_kuo2020: weight the neural models' loss by this column (n_replicates).")
    p.add_argument("--pooled", action="store_true",
                   help="utr_sample2019: one model per fold trained on the training folds of both "
                        "sets; each set's test fold (the same as without --pooled) scored apart.")
    p.add_argument("--seed", type=int, default=0, help="Seed of every model (ensembles: the first).")
    p.add_argument("--write-results", nargs="*", default=None)
    p.add_argument("--note", default=None, help="File with the text put above the tables.")
    args = p.parse_args(argv)
    if args.write_results:
        write_results(args.write_results, args.note)
        return
    if args.pooled and not args.no_similarity:
        p.error("--pooled needs --no-similarity (the similarity split is within one set)")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    if args.ensemble_model is None:
        from biochemml.presets import DEFAULT_MODEL

        args.ensemble_model = DEFAULT_MODEL["regression"]
    run_sets(args)


if __name__ == "__main__":
    sys.exit(main())
