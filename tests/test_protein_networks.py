"""The contract every neural variant model keeps (graph network, distance-map CNN):
shapes, seeds, pickling, the wild type, mutation order and its errors."""
import pickle

import numpy as np
import pytest

from biochemml.errors import InputError
from biochemml.protein import DistanceMapCNNRegressor, GraphVariantRegressor
from protein_helpers import GRAPH_SMALL, IMAGE_SMALL, WT, singles

NETWORKS = {"graph": (GraphVariantRegressor, GRAPH_SMALL),
            "image": (DistanceMapCNNRegressor, IMAGE_SMALL)}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_shapes_seed_pickle_wildtype_and_order(name):
    cls, small = NETWORKS[name]
    variants = singles(WT, 3, seed=0) + ["K1R:T2S", "A3G:Y4F:I5V", ""]
    y = np.random.RandomState(1).normal(size=len(variants))
    model = cls(WT, seed=0, **small).fit(variants, y)
    pred = model.predict(variants)
    assert pred.shape == (len(variants),) and np.isfinite(pred).all()
    assert len(model.history_) == small["epochs"]
    again = cls(WT, seed=0, **small).fit(variants, y).predict(variants)
    np.testing.assert_array_equal(pred, again)  # same seed, same numbers
    other = cls(WT, seed=1, **small).fit(variants, y).predict(variants)
    assert not np.allclose(pred, other)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(loaded.predict(variants), pred, rtol=1e-6)
    # The wild type has no mutation to read out: it is its own measurement (the last row)
    assert pred[-1] == pytest.approx(y[-1])
    a, b = model.predict(["K1R:T2S", "T2S:K1R"])
    assert a == pytest.approx(b, rel=1e-5)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_errors(name):
    cls, small = NETWORKS[name]
    variants = singles(WT, 2, seed=0)
    y = np.arange(len(variants), dtype=float)
    with pytest.raises(InputError, match="not fitted"):
        cls(WT).predict(["K1R"])
    with pytest.raises(InputError, match="hide_fraction"):
        cls(WT, hide_fraction=1.0).fit(variants, y)
    model = cls(WT, **small).fit(variants, y)
    with pytest.raises(InputError, match="position 1 is 'K'"):
        model.predict(["Q1R"])
