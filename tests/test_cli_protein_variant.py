"""`biochemml train --task protein-variant` and `predict` on a TEM-1 subset, as a user runs them."""
import json
import os

import pandas as pd
import pytest

from biochemml.cli import main

pytestmark = pytest.mark.skipif(not os.environ.get("BIOCHEMML_DATA"),
                                reason="needs BIOCHEMML_DATA (the shared data sets)")


@pytest.fixture(scope="module")
def tem1_files(tmp_path_factory):
    from biochemml import datasets

    folder = tmp_path_factory.mktemp("tem1")
    df = datasets.load("tem1")
    table = pd.DataFrame({"variant": df["mutant"], "score": df["2500"]}).iloc[:400]
    table.iloc[:300].to_csv(folder / "variants.tsv", sep="\t", index=False)
    table.iloc[300:][["variant"]].to_csv(folder / "new.csv", index=False)
    (folder / "wt.fasta").write_text(">TEM-1\n" + datasets.wildtype("tem1") + "\n")
    return folder, datasets.structure_path("tem1")


def test_train_and_predict_protein_variants(tem1_files, tmp_path, capsys):
    folder, pdb = tem1_files
    run = tmp_path / "run"
    code = main(["train", "--task", "protein-variant", "--wildtype", str(folder / "wt.fasta"),
                 "--data", str(folder / "variants.tsv"), "--variant-column", "variant",
                 "--target-column", "score", "--structure", str(pdb), "--offset", "1",
                 "--out", str(run)])
    assert code == 0, capsys.readouterr().err
    for name in ("model.pkl", "config.yaml", "metrics.json", "predictions.csv", "report.html",
                 "effects_bfactor.pdb", "distance_map.png"):
        assert (run / name).exists(), name
    metrics = json.loads((run / "metrics.json").read_text())
    assert -1 <= metrics["test"]["spearman"] <= 1
    assert "data:image/png;base64," in (run / "report.html").read_text()
    out = tmp_path / "pred.csv"
    assert main(["predict", "--model", str(run), "--data", str(folder / "new.csv"), "--out", str(out)]) == 0
    pred = pd.read_csv(out)
    assert len(pred) == 100 and pred["prediction"].notna().all()


def test_protein_variant_mistakes(tem1_files, tmp_path, capsys):
    folder, _ = tem1_files
    code = main(["train", "--task", "protein-variant", "--data", str(folder / "variants.tsv"),
                 "--out", str(tmp_path / "a")])
    assert code == 1 and "needs --wildtype" in capsys.readouterr().err
    # the wrong numbering (0-based instead of 1-based) names the variant and the row
    code = main(["train", "--task", "protein-variant", "--wildtype", str(folder / "wt.fasta"),
                 "--data", str(folder / "variants.tsv"), "--offset", "0", "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 1 and "row 2" in err and "variant" in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    assert not any(p.name.endswith(".partial") for p in tmp_path.iterdir())
