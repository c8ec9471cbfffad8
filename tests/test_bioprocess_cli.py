"""The bioprocess commands: doe, recommend, fit-conditions, replay."""
from __future__ import annotations

import pandas as pd
import pytest

from biochemml.cli import main



def test_doe_writes_design(campaign, capsys):
    tmp, bounds, _ = campaign
    out = tmp / "design.csv"
    assert main(["doe", "--factors", str(bounds), "--n", "16", "--method", "lhs", "--out", str(out)]) == 0
    d = pd.read_csv(out)
    assert list(d.columns) == ["run", "temperature", "feed"] and len(d) == 16
    assert d["temperature"].between(25, 37).all()
    assert "Wrote 16 runs" in capsys.readouterr().out


def test_recommend_writes_csv_and_plot(campaign, capsys):
    tmp, bounds, runs = campaign
    out = tmp / "next.csv"
    code = main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--batch", "2", "--out", str(out), "--constraint", "temperature + feed <= 40"])
    assert code == 0
    proposals = pd.read_csv(out)
    assert len(proposals) == 2 and (tmp / "next.png").stat().st_size > 1000
    assert {"temperature", "feed", "predicted_mean", "predicted_std", "acquisition"} <= set(proposals.columns)
    assert (proposals["temperature"] + proposals["feed"] <= 40 + 1e-6).all()
    assert "proposed runs" in capsys.readouterr().out
    html = (tmp / "next.html").read_text()
    assert html.count("data:image/png;base64,") == 1 and "Proposed runs" in html and "qLogNEI" in html


def test_recommend_two_responses_writes_trade_off(campaign, capsys):
    tmp, bounds, runs = campaign
    out = tmp / "pareto.csv"
    code = main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--response", "OD600", "--minimize", "OD600", "--batch", "2", "--out", str(out)])
    assert code == 0
    proposals = pd.read_csv(out)
    assert {"predicted_mean_OD340", "predicted_mean_OD600", "non_dominated"} <= set(proposals.columns)
    assert proposals["feed"].between(0, 10).all() and proposals["temperature"].between(25, 37).all()
    assert (tmp / "pareto.png").stat().st_size > 1000
    assert "qLogNEHVI" in (tmp / "pareto.html").read_text()
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--response", "OD600", "--reference", "1,x"]) == 1
    assert "not a comma-separated list of numbers" in capsys.readouterr().err


def test_recommend_errors_leave_nothing_behind(campaign, capsys):
    tmp, bounds, runs = campaign
    df = pd.read_csv(runs)
    df.loc[3, "feed"] = 11.0
    bad = tmp / "bad.csv"
    df.to_csv(bad, index=False)
    out = tmp / "next.csv"
    assert main(["recommend", "--runs", str(bad), "--factors", str(bounds), "--response", "OD340",
                 "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv, row 5, column 'feed'" in err and "outside the bounds" in err
    assert not out.exists() and not list(tmp.glob(".next*"))
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "titer"]) == 1
    assert "has no column 'titer'" in capsys.readouterr().err
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--fix", "feed"]) == 1
    assert "NAME=VALUE" in capsys.readouterr().err
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--minimize", "OD600"]) == 1
    assert "--minimize 'OD600' is not one of" in capsys.readouterr().err


def test_fit_conditions_and_replay(campaign):
    tmp, bounds, runs = campaign
    folder = tmp / "model"
    assert main(["fit-conditions", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--out-dir", str(folder), "--kinds", "gp,gbt", "--folds", "5"]) == 0
    metrics = pd.read_csv(folder / "cv_metrics.csv")
    assert metrics["kind"].tolist() == ["gp", "gbt"] and metrics["rmse"].notna().all()
    assert (folder / "parity.png").exists() and (folder / "effects.png").exists()
    html = (folder / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2 and "Factor importance" in html
    out = tmp / "replay.csv"
    assert main(["replay", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--out", str(out)]) == 0
    summary = pd.read_csv(out)
    assert summary["cycle"].tolist() == [2] and summary["n_train"].tolist() == [5]


def test_unsatisfiable_constraint_is_one_sentence(campaign, capsys):
    tmp, bounds, runs = campaign
    out = tmp / "next.csv"
    for text, message in [("feed >= 20", "(feed is 0..10)"),
                          ("temperature + feed >= 60", "its left side is at most 47")]:
        assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                     "--constraint", text, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"Error: constraint '{text}' cannot be met within the bounds" in err and message in err
        assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("args, message", [
    (["fit-conditions", "--folds", "abc"], "--folds must be 'loo' or a whole number, got 'abc'"),
    (["fit-conditions", "--kinds", " , "], "--kinds ' , ' names no model kind"),
    (["fit-conditions", "--kinds", "gp,gp"], "--kinds names 'gp' twice"),
    (["recommend", "--response", "OD340"], "response 'OD340' is given twice"),
    (["recommend", "--fix", "feed=1", "--fix", "feed=2"], "--fix 'feed' is given twice"),
])
def test_bad_options_are_one_sentence(campaign, capsys, args, message):
    tmp, bounds, runs = campaign
    argv = [args[0], "--runs", str(runs), "--factors", str(bounds), "--response", "OD340", *args[1:]]
    if args[0] == "fit-conditions":
        argv += ["--out-dir", str(tmp / "model")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_columns_left_out_of_the_bounds_are_named(campaign, capsys):
    tmp, _, runs = campaign
    bounds = tmp / "only_temperature.csv"
    bounds.write_text("Variable,Min,Max\ntemperature,25,37\n")
    notice = "Note: ignored numeric columns that are not factors: feed, OD600"
    out = tmp / "next.csv"
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--batch", "1", "--out", str(out)]) == 0
    assert notice + ", cycle" in capsys.readouterr().err
    assert "Ignored numeric columns that are not factors: feed, OD600" in (tmp / "next.html").read_text()
    assert main(["fit-conditions", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--kinds", "gbt", "--folds", "2", "--out-dir", str(tmp / "model")]) == 0
    assert notice in capsys.readouterr().err
    assert "feed, OD600" in (tmp / "model" / "report.html").read_text()
    assert main(["replay", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--kind", "gbt", "--out", str(tmp / "replay.csv")]) == 0
    err = capsys.readouterr().err
    # the cycle column is used by replay, not ignored
    assert notice in err and "ignored numeric columns that are not factors: feed, OD600, cycle" \
        not in err and notice + " (and" not in err


def test_doe_says_when_n_is_not_used(campaign, capsys):
    tmp, bounds, _ = campaign
    out = tmp / "design.csv"
    assert main(["doe", "--factors", str(bounds), "--method", "factorial", "--n", "16", "--out", str(out)]) == 0
    assert "Note: --n 16 is not used by method 'factorial', whose size follows from the factors; " \
           "the design has 4 runs" in capsys.readouterr().err
    assert main(["doe", "--factors", str(bounds), "--method", "ccd", "--n", "16", "--out", str(out)]) == 0
    assert "the design has 9 runs" in capsys.readouterr().err
    assert main(["doe", "--factors", str(bounds), "--method", "lhs", "--n", "5", "--levels", "3",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "--levels is used by method 'factorial' only" in err and "--n" not in err


def test_recommend_csv_is_rounded(campaign):
    tmp, bounds, runs = campaign
    out = tmp / "next.csv"
    assert main(["recommend", "--runs", str(runs), "--factors", str(bounds), "--response", "OD340",
                 "--batch", "2", "--out", str(out)]) == 0
    for line in out.read_text().splitlines()[1:]:
        for cell in line.split(",")[1:]:
            digits = cell.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
            assert len(digits) <= 6, line


def test_too_few_conditions_are_refused_before_any_cross_validation(campaign, capsys):
    tmp, bounds, _ = campaign
    runs = tmp / "two.csv"
    runs.write_text("temperature,feed,OD340\n30,5,1.0\n30,5,1.2\n32,6,0.8\n")
    assert main(["fit-conditions", "--runs", str(runs), "--factors", str(bounds), "--response",
                 "OD340", "--out-dir", str(tmp / "model")]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert (f"Error: file {runs}: 3 measured runs: cross-validation needs at least 3 distinct "
            "conditions (runs that differ in a factor), got 2") in err
    assert "Cross-validating" not in err and "measured run" not in err.split("Error")[0]
    one = tmp / "one.csv"
    one.write_text("temperature,feed,OD340\n30,5,1.0\n32,6,\n")
    assert main(["recommend", "--runs", str(one), "--factors", str(bounds), "--response",
                 "OD340", "--batch", "1", "--out", str(tmp / "next.csv")]) == 1
    assert f"file {one}: recommendations need at least 2 runs with measured responses, got 1" \
        in " ".join(capsys.readouterr().err.split())
