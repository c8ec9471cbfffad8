"""How well do the bioprocess GP's 95 % intervals hold new runs of a small campaign, and how
does the prior on its noise change that? (results in RESULTS.md, "GP noise prior")

A known titer function of 5 factors (4 continuous, one strain; the third bioprocess
review's), Latin hypercube campaigns of 10, 20 and 30 runs with normal run-to-run noise of
SD 0.15 or 0.03 g/L (the function spans about 2.5 g/L), 12 campaigns each; every model
predicts 300 new random runs, measured with the same noise. For each prior location the
table gives the share of new runs inside the 95 % prediction interval (observation noise
included), the fitted noise SD and the RMSE.

Run::

    OMP_NUM_THREADS=1 python benchmarks/gp_noise_prior.py            # -4 (BoTorch) and -2.5
    OMP_NUM_THREADS=1 python benchmarks/gp_noise_prior.py --locs=-4,-2.5,-1.5
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from biochemml.bioprocess import ConditionModel, Factors, models
from biochemml.bioprocess.design import design

FACTORS = """\
factors:
  - {name: T, low: 28, high: 37}
  - {name: pH, low: 6.4, high: 7.4}
  - {name: Feed, low: 0.5, high: 4.0}
  - {name: IPTG, low: 0.05, high: 1.0, log: true}
  - {name: Strain, levels: [BL21, W3110]}
"""


def titer(t: pd.DataFrame) -> np.ndarray:
    """The true mean titer (g/L)."""
    return (3.0 - 0.04 * (t["T"] - 31) ** 2 - 2.0 * (t["pH"] - 7.0) ** 2
            + 0.6 * t["Feed"] - 0.12 * t["Feed"] ** 2
            + 0.4 * np.log10(t["IPTG"] / 0.05) + 0.5 * (t["Strain"] == "W3110")).to_numpy()


def run(locs, sizes=(10, 20, 30), noises=(0.15, 0.03), campaigns=12) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "factors.yaml"
        path.write_text(FACTORS)
        f = Factors.from_file(path)
    rows = []
    for loc in locs:
        models.NOISE_PRIOR_LOC = loc
        for noise in noises:
            rng = np.random.default_rng(0)
            for n in sizes:
                for seed in range(campaigns):
                    X = design(f, n=n, method="lhs", seed=seed)[f.names]
                    y = titer(X) + rng.normal(0, noise, n)
                    new = design(f, n=300, method="random", seed=1000 + seed)[f.names]
                    y_new = titer(new) + rng.normal(0, noise, 300)
                    m = ConditionModel("gp", factors=f, seed=0).fit(X, y)
                    mean, std = m.predict(new, return_std=True, observation_noise=True)
                    rows.append({"prior loc": loc, "noise SD": noise, "runs": n,
                                 "95% coverage": np.mean(np.abs(y_new - mean) <= 1.96 * std),
                                 "fitted noise SD": m.noise_std(),
                                 "RMSE": np.sqrt(np.mean((y_new - mean) ** 2))})
    return pd.DataFrame(rows).groupby(["noise SD", "runs", "prior loc"]).mean().round(3)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--locs", default="-4,-2.5", help="Prior locations to compare.")
    args = p.parse_args(argv)
    table = run([float(v) for v in args.locs.split(",")]).reset_index()
    print("| " + " | ".join(table.columns) + " |")
    print("|" + " --- |" * len(table.columns))
    for row in table.itertuples(index=False):
        print("| " + " | ".join(f"{v:g}" for v in row) + " |")


if __name__ == "__main__":
    main()
