"""Variant models and the protein-variant run folder."""
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from biochemml.errors import InputError, ModelError
from biochemml.protein import AdditiveRegressor, StructureAwareRegressor, build_variant_model

DATA = Path(os.environ.get("BIOCHEMML_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
GFP_PDB = DATA / "avgfp" / "1gfl_cm.pdb"
AA = "ACDEFGHIKLMNPQRSTVWY"


@pytest.fixture(scope="module")
def gfp():
    if not GFP_PDB.exists():
        pytest.skip("set BIOCHEMML_DATA to shared/data")
    from biochemml import structure

    return structure.read(GFP_PDB)


def random_variants(wildtype, n, max_mut, seed, offset=0):
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        k = rng.randint(1, max_mut + 1)
        pos = np.sort(rng.choice(len(wildtype), k, replace=False))
        out.append(":".join(f"{wildtype[p]}{p + offset}{rng.choice([a for a in AA if a != wildtype[p]])}"
                            for p in pos))
    return out


def test_additive_model_recovers_additive_effects():
    wt = "MKTAYIAKQRQISFVKSHFSRQ"
    rng = np.random.RandomState(0)
    effect = rng.normal(size=(len(wt), 21))
    variants = random_variants(wt, 1500, 3, seed=1, offset=1)
    from biochemml.protein import mutation_codes

    rows, index, res = mutation_codes(variants, wt, offset=1)
    y = np.bincount(rows, weights=effect[index, res], minlength=len(variants))
    model = AdditiveRegressor(wt, offset=1, alpha=0.1).fit(variants[:1200], y[:1200])
    assert spearmanr(model.predict(variants[1200:]), y[1200:])[0] > 0.95
    with pytest.raises(InputError, match="not fitted"):
        AdditiveRegressor(wt).predict(["K1R"])
    with pytest.raises(InputError, match="target values"):
        AdditiveRegressor(wt, offset=1).fit(variants[:3], [1.0, 2.0])
    with pytest.raises(InputError, match="not a finite"):
        AdditiveRegressor(wt, offset=1).fit(variants[:2], [1.0, np.nan])


def test_text_in_the_targets_is_one_sentence_naming_its_row():
    wt = "MKTAYIAKQR"
    with pytest.raises(InputError, match="^target values must be numbers: the value at index 1 "
                                         "is 'n.d.'"):
        AdditiveRegressor(wt, offset=1).fit(["K2R", "T3A", "A4G"], [0.5, "n.d.", 0.3])
    with pytest.raises(InputError, match="sequence at index 2: the target value is nan, not a finite number"):
        AdditiveRegressor(wt, offset=1).fit(["K2R", "T3A", "A4G"], [0.5, 0.1, np.nan])


def test_structure_beats_sequence_at_unseen_positions(gfp):
    """A burial-driven effect: only the structure-aware model can carry it to new positions."""
    from biochemml import structure

    wt = gfp.sequence
    bur = structure.burial(gfp)
    rng = np.random.RandomState(0)
    positions = rng.permutation(len(wt))
    test_pos = set(positions[:60].tolist())
    variants, y = [], []
    for p in range(len(wt)):
        for a in rng.choice([a for a in AA if a != wt[p]], 3, replace=False):
            variants.append(f"{wt[p]}{p}{a}")
            y.append(-bur[p] / 10 + 0.3 * rng.normal())
    y = np.array(y)
    test = np.array([int(v[1:-1]) in test_pos for v in variants])
    train_v = [v for v, t in zip(variants, test) if not t]
    test_v = [v for v, t in zip(variants, test) if t]
    kw = dict(max_iter=50, seed=0)
    seq = StructureAwareRegressor(wt, None, **kw).fit(train_v, y[~test])
    st = StructureAwareRegressor(wt, gfp, **kw).fit(train_v, y[~test])
    rho_seq = spearmanr(seq.predict(test_v), y[test])[0]
    rho_st = spearmanr(st.predict(test_v), y[test])[0]
    assert rho_st > 0.6 and rho_st > rho_seq + 0.2
    again = StructureAwareRegressor(wt, gfp, **kw).fit(train_v, y[~test])
    np.testing.assert_array_equal(again.predict(test_v), st.predict(test_v))  # same seed, same model


def test_structure_model_errors(gfp):
    with pytest.raises(InputError, match="differs from the wild type"):
        StructureAwareRegressor("MKTAYIAKQR", gfp).fit(["K1R", "T2S"], [0.0, 1.0])
    with pytest.raises(InputError, match="hide_fraction"):
        StructureAwareRegressor(gfp.sequence, hide_fraction=1.0).fit(["K2R"], [0.0])
    with pytest.raises(InputError, match="not fitted"):
        StructureAwareRegressor(gfp.sequence).predict(["K2R"])
    with pytest.raises(InputError, match="needs a structure"):
        build_variant_model("structure", gfp.sequence)
    with pytest.raises(InputError, match="unknown variant model"):
        build_variant_model("transformer", gfp.sequence)


def test_bfactor_scale_brings_tiny_and_huge_effects_into_the_pdb_column():
    from biochemml.protein_train import _bfactor_scale

    assert _bfactor_scale(np.array([0.5, -2.0, np.nan])) == 1.0
    assert _bfactor_scale(np.array([0.002, -0.001])) == pytest.approx(99 / 0.002)
    assert _bfactor_scale(np.array([-1725.0, 852.0])) == pytest.approx(99 / 1725)
    assert _bfactor_scale(np.array([0.0, np.nan])) == 1.0


def test_train_and_predict_run_folder(gfp, tmp_path):
    from biochemml import structure
    from biochemml.protein_train import predict_variant_model, train_variant_model

    wt = gfp.sequence
    (tmp_path / "wt.fasta").write_text(f">gfp\n{wt}\n")
    variants = random_variants(wt, 400, 2, seed=3)
    bur = structure.burial(gfp)
    y = [-sum(bur[int(m[1:-1])] for m in v.split(":")) / 10 for v in variants]
    table = pd.DataFrame({"variant": ["S" + v.replace(":", ":S") for v in variants], "score": y,
                          "num_mutations": [v.count(":") + 1 for v in variants]})
    # the measured wild type (an empty variant) centres the effects on it
    table = pd.concat([pd.DataFrame({"variant": [""], "score": [0.0], "num_mutations": [0]}),
                       table], ignore_index=True)
    table.to_csv(tmp_path / "variants.tsv", sep="\t", index=False)
    run = tmp_path / "run"
    metrics = train_variant_model(tmp_path / "variants.tsv", tmp_path / "wt.fasta", "variant",
                                  "score", structure=GFP_PDB, offset=0, out=run, seed=0,
                                  model_params={"max_iter": 40})
    assert metrics["test"]["n"] == 80 and metrics["test"]["spearman"] > 0.5
    for name in ("model.pkl", "config.yaml", "metrics.json", "predictions.csv",
                 "observed_vs_predicted.png", "position_effects.png", "distance_map.png",
                 "effects_bfactor.pdb"):
        assert (run / name).exists(), name
    from biochemml.protein_train import _bfactor_scale

    table_effects = pd.read_csv(run / "position_effects.csv")
    effects = table_effects["mean_predicted_effect"].to_numpy()
    # the file holds the residues training variants touch; the others stay 0 (white)
    measured = table_effects["measured_variants"].to_numpy() > 0
    assert 0 < (~measured).sum() < len(wt)
    scale = _bfactor_scale(effects[measured])
    written = np.where(measured, effects * scale, 0.0)
    np.testing.assert_allclose(structure.read(run / "effects_bfactor.pdb").bfactor, written,
                               atol=0.006)
    import yaml

    import pickle

    with open(run / "model.pkl", "rb") as handle:
        model = pickle.load(handle)
    notes = " ".join(yaml.safe_load((run / "config.yaml").read_text())["notes"])
    scan = [f"{wt[i]}{i}{a}" for i in range(len(wt)) for a in AA if a != wt[i]]
    scan_effects = model.predict(scan) - model.predict([""])[0]
    span = f"{np.abs(scan_effects).max() * scale:.3g}"  # the heat map's limit, in file units
    assert ("residues that no training variant touches hold 0 (white)" in notes and
            f"`spectrum b, red_white_blue, minimum=-{span}, maximum={span}`" in notes)
    # an effect is the change against the wild type: the mean over a residue's 19
    # substitutions of prediction minus the wild type's prediction
    scan = [f"{wt[5]}5{a}" for a in AA if a != wt[5]]
    assert effects[5] == pytest.approx(
        float(np.mean(model.predict(scan)) - model.predict([""])[0]), abs=1e-6)
    pred = predict_variant_model(run, tmp_path / "variants.tsv", tmp_path / "pred.csv")
    assert list(pred.columns) == ["variant", "score", "num_mutations", "prediction", "lower_95",
                                  "upper_95"]
    saved = pd.read_csv(run / "predictions.csv")["prediction"].to_numpy()
    np.testing.assert_allclose(pred["prediction"].to_numpy(), saved, rtol=1e-6)
    bad = table.head(3).copy()
    bad.loc[2, "variant"] = "SQ3D"
    bad.to_csv(tmp_path / "bad.tsv", sep="\t", index=False)
    with pytest.raises(InputError, match=r"row 4.*'SQ3D'.*position 3 is 'E'"):
        predict_variant_model(run, tmp_path / "bad.tsv")
    with pytest.raises(InputError, match="row 4"):
        train_variant_model(tmp_path / "bad.tsv", tmp_path / "wt.fasta", "variant", "score",
                            out=tmp_path / "r2")
    with pytest.raises(ModelError):
        predict_variant_model(tmp_path, tmp_path / "variants.tsv")
    with pytest.raises(InputError, match="does not exist"):
        train_variant_model(tmp_path / "variants.tsv", tmp_path / "absent.fasta", "variant",
                            "score", out=tmp_path / "r3")


def test_physchem_columns_are_optional():
    wt = "MKTAYIAKQRQISFVKSHFSRQ"
    variants = random_variants(wt, 60, 1, seed=0, offset=1)
    y = np.arange(len(variants), dtype=float)
    plain = StructureAwareRegressor(wt, offset=1, max_iter=5).fit(variants, y)
    extra = StructureAwareRegressor(wt, offset=1, max_iter=5, physchem=True).fit(variants, y)
    added = set(extra.feature_names_) - set(plain.feature_names_)
    assert added == {"d_charge", "d_polarity", "d_helix_penalty", "d_strand"}


def test_boosting_seed_ensemble_is_the_mean_of_its_members(gfp):
    rng = np.random.RandomState(1)
    wt = gfp.sequence
    variants = [f"{wt[p]}{p}{rng.choice([a for a in AA if a != wt[p]])}" for p in range(0, len(wt), 2)]
    y = rng.normal(size=len(variants))
    kw = dict(max_iter=20)
    both = StructureAwareRegressor(wt, gfp, n_models=2, seed=0, **kw).fit(variants, y)
    one = StructureAwareRegressor(wt, gfp, n_models=1, seed=0, **kw).fit(variants, y)
    two = StructureAwareRegressor(wt, gfp, n_models=1, seed=1, **kw).fit(variants, y)
    np.testing.assert_allclose(both.predict(variants),
                               (one.predict(variants) + two.predict(variants)) / 2, rtol=1e-10)
    with pytest.raises(InputError, match="n_models"):
        StructureAwareRegressor(wt, gfp, n_models=0).fit(variants, y)


def _additive_library(wt, n, seed):
    """Variants of 1-3 mutations whose value is the sum of per-substitution effects, plus noise."""
    from biochemml.protein import mutation_codes

    rng = np.random.RandomState(seed)
    effect = rng.normal(size=(len(wt), 21))
    variants = random_variants(wt, n, 3, seed=seed + 1, offset=1)
    rows, index, res = mutation_codes(variants, wt, offset=1)
    y = np.bincount(rows, weights=effect[index, res], minlength=n) + rng.normal(0, 0.1, n)
    return variants, y


def test_auto_picks_the_additive_model_for_an_additive_library_and_says_why():
    from biochemml.protein.models import SelectingRegressor

    wt = "MKTAYIAKQRQISFVKSHFSRQ"
    variants, y = _additive_library(wt, 1200, seed=0)
    model = build_variant_model("auto", wt, offset=1, seed=0).fit(variants[:1000], y[:1000])
    assert isinstance(model, SelectingRegressor)
    # 1-3 mutations a variant: the MLP on the mutant sequences is a candidate too
    assert set(model.scores_) == {"additive", "boosting", "mean", "mlp"}
    # an exactly additive library: ridge on the mutations wins on the held-out variants
    assert model.choice_ == "additive" and model.scores_["additive"] > 0.7
    assert model.scores_["additive"] > model.scores_["boosting"]
    assert isinstance(model.model_, AdditiveRegressor)
    test = AdditiveRegressor(wt, offset=1).fit(variants[:1000], y[:1000])
    np.testing.assert_allclose(model.predict(variants[1000:]), test.predict(variants[1000:]))
    assert model.describe().startswith("auto chose the additive model: R² on held-out "
                                       "training variants (20% of the variants): additive 0.")


def test_auto_holds_out_whole_positions_when_the_test_set_does():
    from biochemml.protein import mutation_codes
    from biochemml.protein.models import SelectingRegressor

    wt = "MKTAYIAKQRQISFVKSHFSRQ"
    variants, _ = _additive_library(wt, 400, seed=3)
    held = SelectingRegressor(wt, offset=1, by_position=True)._held_out(variants)
    rows, index, _ = mutation_codes(variants, wt, offset=1)
    fit_positions = set(index[~held[rows]])
    unseen = ~np.isin(index, list(fit_positions))
    # every held-out variant mutates a position that no variant used to fit touches
    assert set(rows[unseen]) == set(np.flatnonzero(held))
    assert 0.1 < held.mean() < 0.6


def test_auto_keeps_the_boosting_on_a_tiny_table():
    wt = "MKTAYIAKQRQISFVKSHFSRQ"
    variants, y = _additive_library(wt, 30, seed=5)
    model = build_variant_model("auto", wt, offset=1, max_iter=20).fit(variants, y)
    assert model.choice_ == "boosting" and model.scores_ == {}
    assert model.model_.max_iter == 20  # boosting settings reach the boosting
    assert "too few training variants to compare models" in model.describe()


def test_auto_leaves_the_mlp_out_for_single_mutants_and_it_round_trips_in_a_pickle():
    import pickle

    from biochemml.protein.models import MutantSequenceRegressor
    from protein_helpers import singles

    wt = "MKTAYIAKQRQISFVKSHFSRQ"
    variants = singles(wt, 4, seed=0, offset=1)
    y = np.random.RandomState(0).normal(size=len(variants))
    model = build_variant_model("auto", wt, offset=1, max_iter=20).fit(variants, y)
    assert set(model.scores_) == {"additive", "boosting", "mean"}
    # the MLP by name: the sequence task's network on the mutant sequences, '*' a letter
    variants, y = _additive_library(wt, 300, seed=2)
    variants[0] = variants[0] + ":Q22*" if "22" not in variants[0] else variants[0]
    mlp = build_variant_model("mlp", wt, offset=1, epochs=2, n_models=1).fit(variants, y)
    assert isinstance(mlp, MutantSequenceRegressor)
    assert mlp.estimator_.alphabet == "protein-stop" and mlp.estimator_.model_name_ == "mlp"
    again = pickle.loads(pickle.dumps(mlp))
    np.testing.assert_allclose(again.predict(variants[:20]), mlp.predict(variants[:20]),
                               rtol=1e-5)
