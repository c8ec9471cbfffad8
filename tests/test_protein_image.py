"""The distance-map CNN variant model: image crops, a structural signal, ensembles, run folders
(its shapes, seeds and errors: test_protein_networks.py)."""
import numpy as np
import pytest
from scipy.stats import spearmanr

from biochemml.errors import InputError
from biochemml.protein import DistanceMapCNNRegressor, build_variant_model
from biochemml.protein.image import IMAGE_CHANNELS
from protein_helpers import AA, WT, singles
from protein_helpers import IMAGE_SMALL as SMALL


def test_images_are_crops_of_the_distance_map(gfp):
    from biochemml import structure

    wt = gfp.sequence
    variants = [f"{wt[1]}1A", f"{wt[2]}2R:{wt[6]}6W", f"{wt[65]}65A"]  # 0-based numbering
    model = DistanceMapCNNRegressor(wt, gfp, **SMALL).fit(variants, [0.0, 1.0, 2.0])
    img = model.images(variants)
    k = SMALL["patch_size"]
    assert img.shape == (4, len(IMAGE_CHANNELS), k, k) and img.dtype == np.float32
    # channels 0-4 are radial basis functions of the C-beta distance: symmetric images
    np.testing.assert_allclose(img[:, :5], img[:, :5].transpose(0, 1, 3, 2))
    dist = structure.distance_map(gfp, atom="CB")
    for m, residue in enumerate([1, 2, 6, 65]):
        patch = model._patch[residue]
        assert np.all(np.diff(patch) > 0)  # rows and columns in sequence order
        # the patch holds the residue and its k - 1 nearest residues
        assert np.sort(dist[residue, patch])[-1] <= np.sort(dist[residue])[k - 1] + 1e-9
        s = int(np.flatnonzero(patch == residue)[0])
        row = img[m, IMAGE_CHANNELS.index("mutated_row")]
        assert row[s].all() and row.sum() == k  # a full row at the mutated residue only
        np.testing.assert_array_equal(img[m, IMAGE_CHANNELS.index("mutated_column")], row.T)
        d = dist[patch[:, None], patch[None, :]]
        np.testing.assert_allclose(img[m, 0], np.exp(-((d - 4.0) / 2.0) ** 2), rtol=1e-5,
                                   atol=1e-7)
        bonded = img[m, IMAGE_CHANNELS.index("backbone_neighbour")]
        np.testing.assert_array_equal(bonded, np.abs(patch[:, None] - patch[None, :]) == 1)
    with pytest.raises(InputError, match="not fitted"):
        DistanceMapCNNRegressor(wt).images(["S1A"])


def test_build_variant_model_names_the_image_model():
    assert isinstance(build_variant_model("image", WT, channels=4), DistanceMapCNNRegressor)


def test_learns_burial_from_the_image_at_unseen_positions(gfp):
    """Effect = the number of C-beta contacts within 10 A (read off the image: no label
    channels, no burial feature) times the hydropathy gain, plus noise. Held-out residues
    are never seen. The structure's image learns it; with shuffled labels, or on the image
    of a straight chain (no structure), the test ranking is lost."""
    from biochemml import structure
    from biochemml.protein.models import HYDROPATHY

    wt = gfp.sequence
    rng = np.random.RandomState(0)
    contacts = structure.contact_map(gfp, threshold=10.0, atom="CB").sum(axis=1)
    variants = singles(wt, 3, seed=2)
    pos = np.array([int(v[1:-1]) for v in variants])
    gain = np.array([HYDROPATHY[AA.index(v[-1])] - HYDROPATHY[AA.index(v[0])] for v in variants])
    z = (contacts - contacts.mean()) / contacts.std()
    y = z[pos] * (1.0 + gain / 4.0) + 0.2 * rng.normal(size=len(variants))
    test = np.isin(pos, rng.permutation(len(wt))[:60])
    train_v = [v for v, t in zip(variants, test) if not t]
    test_v = [v for v, t in zip(variants, test) if t]
    kw = dict(patch_size=16, channels=12, layers=2, embed=6, epochs=12, batch_size=64,
              label_channels=False, dropout=0.0, seed=0)
    model = DistanceMapCNNRegressor(wt, gfp, **kw).fit(train_v, y[~test])
    rho = spearmanr(model.predict(test_v), y[test])[0]
    assert rho > 0.6
    shuffled = DistanceMapCNNRegressor(wt, gfp, **kw).fit(train_v, rng.permutation(y[~test]))
    assert spearmanr(shuffled.predict(test_v), y[test])[0] < 0.3  # no better than chance
    chain = DistanceMapCNNRegressor(wt, None, **kw).fit(train_v, y[~test])
    assert spearmanr(chain.predict(test_v), y[test])[0] < rho - 0.3
    with pytest.raises(InputError, match="differs from the wild type"):
        DistanceMapCNNRegressor(WT, gfp).fit(["K1R", "T2S"], [0.0, 1.0])


def test_ensemble_with_an_image_member():
    from biochemml.protein import AveragingRegressor

    variants = singles(WT, 3, seed=0)
    y = np.random.RandomState(0).normal(size=len(variants))
    two = build_variant_model("ensemble", WT, boost_max_iter=10, graph_epochs=2, graph_hidden=4)
    assert len(two.members) == 2  # no image_ setting: boosting and graph only
    ens = build_variant_model("ensemble", WT, boost_max_iter=10, graph_epochs=2, graph_hidden=4,
                              **{f"image_{k}": v for k, v in SMALL.items()})
    assert isinstance(ens, AveragingRegressor) and len(ens.members) == 3
    assert isinstance(ens.members[2], DistanceMapCNNRegressor)
    ens.fit(variants, y)
    members = [m.predict(variants) for m in ens.members_]
    np.testing.assert_allclose(ens.predict(variants), np.mean(members, axis=0))
    with pytest.raises(InputError, match="image_"):
        build_variant_model("ensemble", WT, channels=4)


def test_image_run_folder_round_trip(tmp_path):
    import pandas as pd

    from biochemml.protein_train import predict_variant_model, train_variant_model

    variants = singles(WT, 4, seed=0, offset=1)
    y = [len(v) + 0.1 * i % 3 for i, v in enumerate(variants)]
    pd.DataFrame({"mutant": variants, "fitness": y}).to_csv(tmp_path / "dms.csv", index=False)
    train_variant_model(tmp_path / "dms.csv", WT, "mutant", "fitness", offset=1,
                        out=tmp_path / "run", model="image", model_params=SMALL)
    pred = predict_variant_model(tmp_path / "run", tmp_path / "dms.csv")
    saved = pd.read_csv(tmp_path / "run" / "predictions.csv")["prediction"].to_numpy()
    np.testing.assert_allclose(pred["prediction"].to_numpy(), saved, rtol=1e-5)
