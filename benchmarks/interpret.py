"""Does `biochemml.interpret` find known biology in models trained on real data?

Two checks with a published answer:

- sd_kuo2020 (9-nt Shine-Dalgarno variants -> translation efficiency): the default model's
  filter motifs should include the SD consensus, AGGAGG, the complement of the 16S rRNA 3' end.
- utr_sample2019 (human 5' UTRs -> mean ribosome load): an upstream AUG lowers ribosome load
  (Sample et al. 2019, Fig. 2): in-silico mutations that create an ATG should lower the
  prediction, and mutations that destroy one should raise it.

Also times mutagenesis (predictions a second). One torch thread; the models train under a
time limit, so the numbers are those of a quick model, not of the benchmarked best.

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/interpret.py \\
        --json benchmarks/results/interpret.json
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
from _record import write_record

SD_PIECES = ("AGGAG", "GGAGG", "GAGGA")


def sd_check(rows: int, minutes: float) -> dict:
    from biochemml import SequenceRegressor
    from biochemml import datasets as D
    from biochemml.interpret import filter_influence, filter_motifs, mutagenesis

    df = D.load("sd_kuo2020").sample(n=rows, random_state=0)
    train, test = df.iloc[: int(0.8 * rows)], df.iloc[int(0.8 * rows):]
    start = time.time()
    reg = SequenceRegressor(n_models=1, seed=0, time_limit=minutes).fit(
        train.sequence.tolist(), train.fitness.to_numpy())
    fit_s = time.time() - start
    r2 = reg.score(test.sequence.tolist(), test.fitness.to_numpy())
    start = time.time()
    motifs = filter_motifs(reg, train.sequence.tolist())
    filters_s = time.time() - start
    start = time.time()
    influence = filter_influence(reg, train.sequence.tolist()[:1000])
    influence_s = time.time() - start
    motifs.sort(key=lambda m: -influence.get(m.name, 0.0))  # as `biochemml interpret` orders them
    top = [{"filter": m.name, "consensus": m.consensus, "sites": int(m.counts[:, 0].sum()),
            "bits": round(float(m.information_content().sum()), 2),
            "influence": round(float(influence[m.name]), 4)} for m in motifs[:10]]
    strongest = test.sort_values("fitness").sequence.tolist()[-500:]
    start = time.time()
    ism = mutagenesis(reg, strongest)
    ism_s = time.time() - start
    # the letter the model prefers at each position, over the strongest sequences: the mean
    # predicted value with letter c at position i (the sequence's own letter: its own value)
    with_letter = ism.reference[:, None, None] + ism.effects          # (N, 9, 4)
    preferred = "".join(ism.symbols[c] for c in np.nanmean(with_letter, axis=0).argmax(axis=1))
    return {"data": "sd_kuo2020", "rows": rows, "ism_preferred_letters_strongest500": preferred, "model": reg.model_name_, "test_r2": round(r2, 3),
            "fit_seconds": round(fit_s), "filters_seconds": round(filters_s, 1),
            "influence_seconds": round(influence_s, 1), "filters": len(influence),
            "top_filters_by_influence": top,
            "sd_filters_in_top5": sum(any(p in t["consensus"] for p in SD_PIECES) for t in top[:5]),
            "sd_filters_in_top10": sum(any(p in t["consensus"] for p in SD_PIECES) for t in top),
            "importance_by_position_strongest500": np.round(np.nanmean(ism.importance, axis=0), 3).tolist(),
            "ism_sequences": len(strongest), "ism_seconds": round(ism_s, 2),
            "ism_predictions_per_second": round(ism.effects.shape[1] * 3 * len(strongest) / ism_s)}


def uaug_check(n_test: int, minutes: float) -> dict:
    from biochemml import SequenceRegressor
    from biochemml import datasets as D
    from biochemml.interpret import mutagenesis

    df = D.load("utr_sample2019")
    df = df[df.library == "random"].sample(frac=1, random_state=0) if "library" in df else \
        df.sample(frac=1, random_state=0)
    k = int(0.8 * len(df))
    train, test = df.iloc[:k], df.iloc[k:k + n_test]
    start = time.time()
    reg = SequenceRegressor(n_models=1, seed=0, time_limit=minutes).fit(
        train.sequence.tolist(), train.mrl.to_numpy())
    fit_s = time.time() - start
    r2 = reg.score(df.iloc[k:].sequence.tolist(), df.iloc[k:].mrl.to_numpy())
    start = time.time()
    ism = mutagenesis(reg, test.sequence.tolist())
    ism_s = time.time() - start
    frame = ism.to_frame()
    seqs = ism.sequences

    def atg_at(seq: str, i: int) -> bool:  # an ATG covering 0-based position i
        return any(seq[j:j + 3] == "ATG" for j in range(max(0, i - 2), i + 1))

    created, destroyed, other = [], [], []
    for n, pos, alt, change in zip(frame.sequence, frame.position - 1, frame.alternative,
                                   frame.change):
        seq = seqs[n]
        mutant = seq[:pos] + alt + seq[pos + 1:]
        before, after = atg_at(seq, pos), atg_at(mutant, pos)
        (created if after and not before else destroyed if before and not after else other).append(change)
    return {"data": "utr_sample2019 random", "train_rows": k, "model": reg.model_name_,
            "test_r2": round(r2, 3), "fit_seconds": round(fit_s),
            "ism_sequences": len(seqs), "ism_seconds": round(ism_s, 2),
            "ism_predictions_per_second": round(len(frame) / ism_s),
            "mean_change_creating_atg": round(float(np.mean(created)), 3), "n_creating": len(created),
            "mean_change_destroying_atg": round(float(np.mean(destroyed)), 3) if destroyed else None,
            "n_destroying": len(destroyed),
            "mean_change_other": round(float(np.mean(other)), 3), "n_other": len(other),
            "share_of_atg_creations_that_lower": round(float(np.mean(np.asarray(created) < 0)), 3)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sd-rows", type=int, default=40_000)
    parser.add_argument("--utr-test", type=int, default=200, help="UTRs mutated")
    parser.add_argument("--minutes", type=float, default=4.0, help="training time limit per model")
    parser.add_argument("--only", action="append", choices=("sd", "utr"),
                        help="run only this check (repeat for both; default both)")
    parser.add_argument("--json", help="write the rows to this JSON file")
    args = parser.parse_args(argv)
    rows = []
    checks = {"sd": lambda: sd_check(args.sd_rows, args.minutes),
              "utr": lambda: uaug_check(args.utr_test, args.minutes)}
    for name in args.only or list(checks):
        row = checks[name]()
        print(json.dumps(row), flush=True)
        rows.append(row)
    write_record({"rows": rows}, args.json)


if __name__ == "__main__":
    main()
