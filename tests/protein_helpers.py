"""Shared inputs of the protein variant-model tests: a short wild type, random single
mutants, and the GFP structure of the avgfp data set."""
import os
from pathlib import Path

import numpy as np

DATA = Path(os.environ.get("BIOCHEMML_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
GFP_PDB = DATA / "avgfp" / "1gfl_cm.pdb"
AA = "ACDEFGHIKLMNPQRSTVWY"
WT = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ"
# small, fast settings of the two neural variant models
GRAPH_SMALL = dict(hidden=8, rounds=2, patch_size=8, epochs=4, batch_size=32)
IMAGE_SMALL = dict(patch_size=8, channels=6, layers=2, embed=4, epochs=3, batch_size=32)


def singles(wildtype, per_position, seed, offset=0):
    """``per_position`` random substitutions at every position, e.g. ``K1R`` (numbered from
    ``offset``), seeded."""
    rng = np.random.RandomState(seed)
    return [f"{wildtype[p]}{p + offset}{a}" for p in range(len(wildtype))
            for a in rng.choice([a for a in AA if a != wildtype[p]], per_position, replace=False)]
