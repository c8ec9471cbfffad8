"""How often do `recommend`'s 95 % intervals of the mean hold the true titer at its own
proposals? (results in RESULTS.md, "Intervals at the proposals")

insilicho CHO plants (seeds ``START`` to ``STOP - 1``), a 12-run Latin hypercube first round,
one batch of 4 proposals; the noise-free titer of each proposal is compared with its
``[lower_95, upper_95]``, with the titer modelled as it is and on the log scale
(``log_response=True``). Needs the optional simulator (``pip install --no-deps insilicho``
and ``pint``; see the README). ``--plant ecoli`` uses the built-in
:class:`~biochemml.bioprocess.simulators.EColiFedBatch` instead (nothing to install).

Run::

    OMP_NUM_THREADS=1 python benchmarks/proposal_coverage.py 0 30
    OMP_NUM_THREADS=1 python benchmarks/proposal_coverage.py 0 30 --plant ecoli
"""
from __future__ import annotations

import argparse
import warnings


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("start", type=int, nargs="?", default=0)
    parser.add_argument("stop", type=int, nargs="?", default=30)
    parser.add_argument("--plant", choices=("cho", "ecoli"), default="cho")
    args = parser.parse_args(argv)

    from biochemml.bioprocess import design, recommend
    from biochemml.bioprocess.simulators import EColiFedBatch, InsilicoCHO

    plant_of = EColiFedBatch if args.plant == "ecoli" else InsilicoCHO

    warnings.filterwarnings("ignore")  # the few-runs warning is what is measured here
    for log in (False, True):
        inside = total = 0
        for seed in range(args.start, args.stop):
            plant = plant_of(seed=seed)
            f = plant.factors
            runs = design(f, n=12, method="lhs", seed=seed)
            runs["titer"] = plant.run(runs[f.names])
            if log and (runs["titer"] <= 0).any():
                print(f"seed {seed}: a titer <= 0, skipped on the log scale")
                continue
            p = recommend(runs, f, "titer", batch=4, seed=seed, log_response=log)
            plant.run(p[f.names])
            true = plant.last_true_
            k = int(((true >= p["lower_95"]) & (true <= p["upper_95"])).sum())
            inside, total = inside + k, total + len(p)
            print(f"log_response={log} seed {seed}: {k} of {len(p)} inside", flush=True)
        print(f"log_response={log}: {inside} of {total} proposals inside ({inside / total:.0%})")


if __name__ == "__main__":
    main()
