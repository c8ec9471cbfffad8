"""95 % prediction intervals of protein-variant runs, from their held-out errors."""
import os

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main
from biochemml.protein_train import INTERVAL_MIN_VARIANTS, interval_widths


def test_interval_is_the_conformal_quantile_of_the_held_out_errors():
    errors = np.arange(1.0, 101.0) * np.where(np.arange(100) % 2, 1, -1)  # |e| = 1 ... 100
    widths = interval_widths(np.ones(100, dtype=int), errors)
    # ceil((100 + 1) 0.95) = 96: the 96th smallest absolute error
    assert widths == [{"fewest_mutations": 1, "most_mutations": None, "half_width": 96.0,
                       "variants": 100}]
    assert interval_widths(np.ones(INTERVAL_MIN_VARIANTS - 1, dtype=int),
                           np.ones(INTERVAL_MIN_VARIANTS - 1)) == []


def test_intervals_widen_with_the_number_of_mutations():
    rng = np.random.default_rng(0)
    counts = np.r_[np.ones(200, dtype=int), np.full(100, 2), np.full(60, 3), np.full(10, 6)]
    widths = interval_widths(counts, rng.normal(0.0, 1.0, counts.size) * counts)
    assert [(w["fewest_mutations"], w["most_mutations"], w["variants"]) for w in widths] == \
        [(1, 1, 200), (2, 2, 100), (3, None, 70)]  # the 10 sextuple mutants join the last
    half = [w["half_width"] for w in widths]
    assert half[0] < half[1] < half[2]
    assert 1.7 < half[0] < 2.4  # about 1.96 sd for the single mutants


@pytest.fixture(scope="module")
def tem1_split(tmp_path_factory):
    """A TEM-1 additive run on 600 single mutants (120 held out) and 600 other variants."""
    if not os.environ.get("BIOCHEMML_DATA"):
        pytest.skip("needs BIOCHEMML_DATA (the shared data sets)")
    from biochemml import datasets
    from biochemml.protein_train import train_variant_model

    df = datasets.load("tem1")
    table = pd.DataFrame({"variant": df["mutant"], "score": df["2500"]})
    table = table[~table["variant"].str.contains(r"\*")].sample(1200, random_state=0)
    folder = tmp_path_factory.mktemp("intervals")
    table.iloc[:600].to_csv(folder / "train.csv", index=False)
    table.iloc[600:].to_csv(folder / "other.csv", index=False)
    train_variant_model(folder / "train.csv", datasets.wildtype("tem1"), offset=1,
                        model="additive", out=folder / "run", baselines=False)
    return folder


def test_predict_and_evaluate_give_intervals_that_hold_new_variants(tem1_split, capsys):
    import yaml

    folder = tem1_split
    config = yaml.safe_load((folder / "run" / "config.yaml").read_text())
    assert len(config["interval_95"]) == 1 and config["interval_95"][0]["variants"] == 120
    assert "predict adds a 95 % interval" in (folder / "run" / "report.html").read_text()
    assert main(["predict", "--model", str(folder / "run"), "--data",
                 str(folder / "other.csv"), "--out", str(folder / "pred.csv")]) == 0
    pred = pd.read_csv(folder / "pred.csv")
    half = config["interval_95"][0]["half_width"]
    assert np.allclose(pred["upper_95"] - pred["prediction"], half)
    assert np.allclose(pred["prediction"] - pred["lower_95"], half)
    inside = ((pred["score"] >= pred["lower_95"]) & (pred["score"] <= pred["upper_95"])).mean()
    assert 0.88 <= inside <= 1.0  # new variants like the held-out ones
    capsys.readouterr()
    assert main(["evaluate", "--model", str(folder / "run"), "--data",
                 str(folder / "other.csv"), "--out", str(folder / "ev")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert f"The run's 95 % prediction intervals hold {inside:.0%} of the 600" in said
    scored = pd.read_csv(folder / "ev" / "predictions.csv")
    assert {"lower_95", "upper_95"} <= set(scored.columns)
    record = yaml.safe_load((folder / "ev" / "evaluation.yaml").read_text())
    assert record["model"] == str((folder / "run").resolve()) and record["target_column"] == \
        "score"
    assert record["provenance"]["data_file"]["path"] == str((folder / "other.csv").resolve())
