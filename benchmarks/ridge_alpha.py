"""Ridge baselines: a fixed penalty of 1 against the penalty chosen on held-out rows.

``BaselineRegressor("ridge" | "ridge-pairs")`` chooses its penalty (``alpha="auto"``) on a
seeded 20 % of the training rows. This compares test R² on a random 80/20 split of
utr_sample2019 (1,200 rows and all 15,200) and sd_kuo2020 (all 257,565).

    BIOCHEMML_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/ridge_alpha.py \\
        --json benchmarks/results/ridge_alpha.json
"""
from __future__ import annotations

import argparse
import json
import time

from _record import write_record
from sklearn.metrics import r2_score

SETS = (("utr_sample2019", "mrl", 1200), ("utr_sample2019", "mrl", None),
        ("sd_kuo2020", "fitness", None))


def main(argv=None):
    from biochemml import datasets as D
    from biochemml.baselines import BaselineRegressor

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="write the rows to this JSON file")
    args = parser.parse_args(argv)
    rows = []
    for name, target, n in SETS:
        df = D.load(name).sample(frac=1, random_state=0)
        if n:
            df = df.head(n)
        k = int(len(df) * 0.8)
        train, test = df.iloc[:k], df.iloc[k:]
        for model in ("ridge", "ridge-pairs"):
            row = {"data": name, "rows": len(df), "model": model}
            for alpha in (1.0, "auto"):
                start = time.time()
                est = BaselineRegressor(model, alpha=alpha, pad="left").fit(
                    train.sequence.tolist(), train[target].to_numpy())
                key = "fixed" if alpha == 1.0 else "chosen"
                row[f"r2_{key}"] = r2_score(test[target], est.predict(test.sequence.tolist()))
                row[f"seconds_{key}"] = round(time.time() - start, 1)
                row[f"alpha_{key}"] = est.alphas_[0]
            rows.append(row)
            print(json.dumps(row), flush=True)
    write_record({"rows": rows}, args.json)


if __name__ == "__main__":
    main()
