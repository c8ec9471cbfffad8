"""The message-passing variant model: a signal that lives on the graph, ensembles, run folders
(its shapes, seeds and errors: test_protein_networks.py)."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from biochemml.errors import InputError
from biochemml.protein import GraphVariantRegressor, build_variant_model
from protein_helpers import AA, WT, singles
from protein_helpers import GRAPH_SMALL as SMALL


def test_learns_a_signal_defined_on_the_graph_at_unseen_positions(gfp):
    """Effect = a random field averaged over spatial neighbours (8 A) + the substitution's volume
    change. Held-out residues are never seen: the network has to read the field from the
    labels of their spatial neighbours and the substitution from its own channels. With
    shuffled labels there is nothing to learn."""
    from biochemml import structure
    from biochemml.protein.models import VOLUME

    wt = gfp.sequence
    rng = np.random.RandomState(0)
    near = structure.contact_map(gfp, threshold=8.0, atom="CB")
    field = near @ rng.normal(size=len(wt)) / np.maximum(near.sum(1), 1)
    variants = singles(wt, 3, seed=2)
    pos = np.array([int(v[1:-1]) for v in variants])
    dvol = np.array([VOLUME[AA.index(v[-1])] - VOLUME[AA.index(v[0])] for v in variants]) / 50
    y = field[pos] / field.std() + 0.5 * dvol + 0.2 * rng.normal(size=len(variants))
    test = np.isin(pos, rng.permutation(len(wt))[:50])
    train_v = [v for v, t in zip(variants, test) if not t]
    test_v = [v for v, t in zip(variants, test) if t]
    kw = dict(hidden=16, rounds=2, patch_size=16, epochs=25, batch_size=64, seed=0)
    model = GraphVariantRegressor(wt, gfp, **kw).fit(train_v, y[~test])
    rho = spearmanr(model.predict(test_v), y[test])[0]
    assert rho > 0.6
    shuffled = GraphVariantRegressor(wt, gfp, **kw).fit(train_v, rng.permutation(y[~test]))
    assert abs(spearmanr(shuffled.predict(test_v), y[test])[0]) < 0.3
    with pytest.raises(InputError, match="differs from the wild type"):
        GraphVariantRegressor(WT, gfp).fit(["K1R", "T2S"], [0.0, 1.0])


def test_build_graph_and_ensemble_models():
    assert isinstance(build_variant_model("graph", WT, hidden=4), GraphVariantRegressor)
    variants = singles(WT, 3, seed=0)
    y = np.random.RandomState(0).normal(size=len(variants))
    ens = build_variant_model("ensemble", WT, boost_max_iter=10, graph_epochs=2,
                              graph_hidden=4, graph_patch_size=6).fit(variants, y)
    members = [m.predict(variants) for m in ens.members_]
    np.testing.assert_allclose(ens.predict(variants), np.mean(members, axis=0))
    # the wild type (no mutation) is the graph's baseline, beside mutated variants too
    graph = ens.members_[1]
    assert graph.predict([""])[0] == pytest.approx(graph.y_mean_)
    np.testing.assert_allclose(graph.predict(["", variants[0]]),
                               [graph.y_mean_, graph.predict([variants[0]])[0]], rtol=1e-6)
    with pytest.raises(InputError, match="must start with boost_, graph_ or image_"):
        build_variant_model("ensemble", WT, epochs=3)


def test_the_wild_type_is_predicted_as_measured_not_as_the_mean():
    """A scan of mostly harmful singles: the mean of all variants lies far below the wild
    type. Predicted as that mean, the wild type made every effect 'against the wild type'
    an effect against the mean, and dead positions looked beneficial."""
    variants = singles(WT, 3, seed=0)
    rng = np.random.RandomState(1)
    y = -2.0 + 0.3 * rng.normal(size=len(variants))  # every substitution hurts
    with_wt = ["", ""] + variants
    y_wt = np.concatenate([[0.1, -0.1], y])  # the wild type measured twice, about 0
    graph = build_variant_model("graph", WT, hidden=4, epochs=2, patch_size=6)
    graph.fit(with_wt, y_wt)
    assert graph.predict([""])[0] == pytest.approx(0.0, abs=1e-9)
    effects = graph.predict(variants) - graph.predict([""])[0]
    assert np.mean(effects < 0) > 0.9  # harmful, as measured
    image = build_variant_model("image", WT, epochs=1).fit(with_wt, y_wt)
    assert image.predict([""])[0] == pytest.approx(0.0, abs=1e-9)


def test_sequence_properties_and_property_regressor():
    from biochemml.protein import PropertyRegressor, sequence_properties

    table = sequence_properties(["MKKKKDDDD", "MWWFFYLLIV"])
    assert table.shape == (2, 44)
    np.testing.assert_allclose(table.filter(like="comp_").sum(axis=1), 1.0)
    assert table["group_charged"][0] == pytest.approx(8 / 9)
    assert table["gravy"][1] > table["gravy"][0]  # hydrophobic protein, higher GRAVY
    rng = np.random.RandomState(0)
    seqs = ["".join(rng.choice(list(AA), rng.randint(30, 200))) for _ in range(80)]
    y = [s.count("K") / len(s) for s in seqs]
    model = PropertyRegressor(members=("ridge", "svr")).fit(seqs[:60], y[:60])
    assert spearmanr(model.predict(seqs[60:]), y[60:])[0] > 0.8
    with pytest.raises(InputError, match="sequence at index 1: the sequence has fewer than 2"):
        sequence_properties(["MKV", "X"])
    # a missing cell is not the protein "NAN" (or None the protein "NNE")
    for missing in (np.nan, None, pd.NA):
        with pytest.raises(InputError, match=r"sequence at index 1: the sequence is missing \("):
            sequence_properties(["MKV", missing])
    with pytest.raises(InputError, match="^target values must be numbers: the value at index 2 "
                                         "is 'n.d.'"):
        PropertyRegressor().fit(seqs[:3], [0.5, 0.2, "n.d."])


def test_graph_run_folder_round_trip(tmp_path):
    import pandas as pd

    from biochemml.protein_train import predict_variant_model, train_variant_model

    variants = singles(WT, 4, seed=0, offset=1)
    y = [len(v) + 0.1 * i % 3 for i, v in enumerate(variants)]
    pd.DataFrame({"mutant": variants, "fitness": y}).to_csv(tmp_path / "dms.csv", index=False)
    metrics = train_variant_model(tmp_path / "dms.csv", WT, "mutant", "fitness", offset=1,
                                  out=tmp_path / "run", model="graph", model_params=SMALL)
    assert metrics["test"]["n"] == round(0.2 * len(variants))
    pred = predict_variant_model(tmp_path / "run", tmp_path / "dms.csv")
    saved = pd.read_csv(tmp_path / "run" / "predictions.csv")["prediction"].to_numpy()
    np.testing.assert_allclose(pred["prediction"].to_numpy(), saved, rtol=1e-5)
