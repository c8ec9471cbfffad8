"""Two-level fractional factorials: biochemml's generator search against pyDOE3's.

``biochemml doe --method fractional`` (and the corners of ``ccd``) choose generators by
the branch-and-bound search of ``bioprocess.design``: highest resolution, then minimum
aberration. pyDOE3's ``fracfact_opt`` does the same by exhaustive search. For each
(factors, runs) this prints the word-length pattern (words of length 3, 4, 5, 6 in the
defining relation, counted from the design matrix) and the seconds each takes; pyDOE3 is
skipped for sizes where its search would run for minutes.

    pip install --no-deps --target /tmp/pydoe3 pyDOE3==1.6.2
    OMP_NUM_THREADS=1 python benchmarks/doe_generators.py --pydoe3 /tmp/pydoe3 \\
        --json benchmarks/results/doe_generators.json
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time

import numpy as np
from _record import write_record

#: (factors, runs); pyDOE3 is run up to PYDOE3_MAX_SECONDS_CASE (its 9-factor 32-run search
#: already takes about a minute)
CASES = ((6, 16), (7, 16), (8, 16), (7, 32), (9, 32), (10, 32), (8, 64), (11, 128), (12, 256))
PYDOE3_CASES = {(6, 16), (7, 16), (8, 16), (7, 32), (9, 32)}


def word_lengths(x: np.ndarray) -> list[int]:
    """Words of length 3..6 of the defining relation of the +-1 design ``x``: column sets
    whose product is constant."""
    k = x.shape[1]
    return [sum(1 for s in itertools.combinations(range(k), n)
                if abs(np.prod(x[:, s], axis=1).mean()) == 1) for n in range(3, 7)]


def main(argv=None) -> None:
    from biochemml.bioprocess.design import fractional_factorial

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pydoe3", help="folder holding the pyDOE3 package (pip --target)")
    parser.add_argument("--json", help="write the rows to this JSON file")
    args = parser.parse_args(argv)
    pydoe3 = None
    if args.pydoe3:
        sys.path.insert(0, args.pydoe3)
        import pyDOE3 as pydoe3
    start, rows = time.time(), []
    for k, n in CASES:
        t0 = time.perf_counter()
        ours = fractional_factorial(k, n)
        row = {"factors": k, "runs": n, "biochemml_words_3_to_6": word_lengths(ours),
               "biochemml_s": round(time.perf_counter() - t0, 3)}
        if pydoe3 is not None and (k, n) in PYDOE3_CASES:
            t0 = time.perf_counter()
            generator = pydoe3.fracfact_opt(k, k - int(np.log2(n)))[0]
            row["pydoe3_words_3_to_6"] = word_lengths(pydoe3.fracfact(generator))
            row["pydoe3_s"] = round(time.perf_counter() - t0, 3)
        print(row, flush=True)
        rows.append(row)
    write_record({"rows": rows}, args.json, start)


if __name__ == "__main__":
    main()
