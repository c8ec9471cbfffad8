"""What the bioreactor commands tell a biologist: categorical factors in the importance
ranking, a note when no proposed run can beat the best, options checked before slow work,
axis labels that say the goal, and a missing cycle column explained."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import (ConditionModel, Factor, Factors, design, feature_importance,
                                  recommend, replay)
from biochemml.bioprocess.plots import effects_plot, recommendation_plot
from biochemml.cli import main
from biochemml.errors import InputError

YAML = """
factors:
  - {name: temperature, type: continuous, low: 25, high: 37}
  - {name: IPTG, type: continuous, low: 0.01, high: 1.0, log: true}
  - {name: feed, type: continuous, low: 0, high: 10}
  - {name: strain, type: categorical, levels: [A, B]}
"""


def strain_factors():
    return Factors([Factor("temperature", "continuous", 25, 37),
                    Factor("IPTG", "continuous", 0.01, 1.0, log=True),
                    Factor("feed", "continuous", 0, 10),
                    Factor("strain", "categorical", levels=("A", "B"))])


def strain_runs(strain_effect=8.0, n=24):
    """A simulated campaign: titer peaks at 31 C, rises with IPTG, barely with feed, and
    strain B adds ``strain_effect``. Spans over the bounds: temperature 20, IPTG 12, feed 3."""
    runs = design(strain_factors(), n, "lhs", seed=0)
    rng = np.random.default_rng(1)
    runs["titer"] = (60 - 20 * ((runs["temperature"] - 31) / 6) ** 2 + 6 * np.log10(runs["IPTG"])
                     + 0.3 * runs["feed"] + strain_effect * (runs["strain"] == "B")
                     + rng.normal(0, 1, len(runs)))
    return runs


@pytest.fixture
def strain_campaign(tmp_path):
    factors = tmp_path / "factors.yaml"
    factors.write_text(YAML)
    runs = tmp_path / "runs.csv"
    strain_runs().to_csv(runs, index=False)
    return tmp_path, factors, runs


# ------------------------------------------------- 1. categorical factors in the importance
def test_feature_importance_ranks_a_categorical_factor():
    f, runs = strain_factors(), strain_runs()
    model = ConditionModel("gp", factors=f, seed=0).fit(runs[f.names], runs["titer"])
    imp = feature_importance(model, runs[f.names])
    assert set(imp.index) == {"temperature", "IPTG", "feed", "strain"}
    assert imp.sum() == pytest.approx(1.0)
    # true spans 20, 12, 8 (strain B - A), 3: shares 0.47, 0.28, 0.19, 0.07
    assert list(imp.index) == ["temperature", "IPTG", "strain", "feed"]
    assert imp["strain"] == pytest.approx(8 / 43, abs=0.05)


def test_effects_plot_draws_a_categorical_factor_as_bars():
    f, runs = strain_factors(), strain_runs(strain_effect=40.0)
    model = ConditionModel("gp", factors=f, seed=0).fit(runs[f.names], runs["titer"])
    imp = feature_importance(model, runs[f.names])
    assert imp.index[0] == "strain"
    fig = effects_plot(model, runs[f.names], imp, "titer")
    axes = fig.axes
    assert axes[1].get_xlabel() == "strain"
    assert len(axes[1].patches) == 2  # one bar per level
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["A", "B"]
    # the response surface takes the two most important continuous factors
    assert (axes[3].get_xlabel(), axes[3].get_ylabel()) == ("temperature", "IPTG")


def test_fit_conditions_lists_the_categorical_factor(strain_campaign, capsys):
    tmp, factors, runs = strain_campaign
    folder = tmp / "model"
    assert main(["fit-conditions", "--runs", str(runs), "--factors", str(factors), "--response",
                 "titer", "--kinds", "gp", "--folds", "3", "--out-dir", str(folder)]) == 0
    importance = pd.read_csv(folder / "importance.csv")
    assert "strain" in importance["factor"].tolist()
    assert importance["importance"].sum() == pytest.approx(1.0)
    assert "top factors: temperature, IPTG, strain" in capsys.readouterr().out
    assert (folder / "effects.png").stat().st_size > 1000


# ------------------------------------------- 2. a note when no proposal can beat the best run
def test_recommend_notes_when_no_proposal_can_beat_the_best_run():
    f, runs = strain_factors(), strain_runs(strain_effect=30.0)
    out = recommend(runs, f, "titer", batch=2, seed=0, fixed={"strain": "A"},
                    constraints=["temperature + feed <= 30"], num_restarts=2, raw_samples=32)
    # the proposals are kept (here the optimiser finds one point twice: one copy is dropped)
    assert len(out) == 1 and (out["strain"] == "A").all()
    assert "proposed the same run more than once" in out.attrs["repeats"]
    note = out.attrs["note"]
    best = runs["titer"].max()
    assert (out["upper_95"] < best).all()
    assert note.startswith("none of the proposed runs is predicted to beat the best run so far "
                           f"({best:.4g} titer")
    assert "strain is B, fixed at A" in note and "breaks 'temperature + feed <= 30'" in note
    free = recommend(runs, f, "titer", batch=2, seed=0, num_restarts=2, raw_samples=32)
    assert free.attrs["note"] == "" and free["upper_95"].max() > best


def test_recommend_command_prints_and_reports_the_note(strain_campaign, capsys):
    tmp, factors, _ = strain_campaign
    runs = tmp / "runs_b.csv"
    strain_runs(strain_effect=30.0).to_csv(runs, index=False)
    out = tmp / "n2.csv"
    assert main(["recommend", "--runs", str(runs), "--factors", str(factors), "--response", "titer",
                 "--batch", "2", "--fix", "strain=A", "--constraint", "temperature + feed <= 30",
                 "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 1  # the same run twice: one copy dropped
    err = capsys.readouterr().err
    assert "Note: none of the proposed runs is predicted to beat the best run so far" in err
    assert "None of the proposed runs is predicted to beat" in (tmp / "n2.html").read_text()


# ----------------------------------------- 3. --fix and --constraint checked before the work
@pytest.mark.parametrize("args, message", [
    (["--fix", "pH=7.0"], "--fix 'pH=7.0' names no factor of"),
    (["--fix", "Feed=3"], "(did you mean 'feed'?)"),
    (["--fix", "feed=99"], "fixed value 99 of factor 'feed' is outside its bounds [0, 10]"),
    (["--fix", "strain=C"], "fixed value 'C' is not a level of factor 'strain' (levels: A, B)"),
    (["--constraint", "temperature + pH <= 30"], "names an unknown factor 'pH'"),
    (["--fix", "temperature=36", "--constraint", "temperature + feed <= 30"],
     "cannot be met within the bounds"),
])
def test_recommend_options_are_checked_before_any_slow_work(strain_campaign, capsys, args, message):
    tmp, factors, runs = strain_campaign
    out = tmp / "n2.csv"
    assert main(["recommend", "--runs", str(runs), "--factors", str(factors), "--response", "titer",
                 "--batch", "2", *args, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert "Fitting" not in err and not out.exists()


# ------------------------------------------------------------ 4. axis labels name the goal
def test_plots_say_maximised_and_minimised():
    observed = pd.DataFrame({"cost": [5.0, 3.0, 4.0]})
    proposals = pd.DataFrame({"predicted_mean": [2.5], "predicted_std": [0.2]})
    fig = recommendation_plot(observed, proposals, ["cost"], maximize=False)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "cost (minimised)"
    best_line = [ln for ln in ax.get_lines() if ln.get_label() == "best so far"][0]
    assert best_line.get_ydata()[0] == 3.0  # the lowest cost, not the highest
    fig = recommendation_plot(observed.rename(columns={"cost": "titer"}), proposals, ["titer"])
    assert fig.axes[0].get_ylabel() == "titer (maximised)"


# ------------------------------------------------------- 5. a missing cycle column explained
def flaviolin_like(n=8):
    """The shape of the raw JBEI file: an index column, run names carrying the cycle."""
    rng = np.random.default_rng(0)
    return pd.DataFrame({"Unnamed: 0": range(n),
                         "Line Name": [f"C{1 + i // 4}_WA{i}_A4-R1" for i in range(n)],
                         "OD340": rng.random(n), "OD600": rng.random(n),
                         "NaCl": rng.uniform(5, 500, n), "Glucose": 20.0})


def test_missing_cycle_column_lists_columns_and_hints(tmp_path, capsys):
    path = tmp_path / "DBTL.csv"
    flaviolin_like().to_csv(path, index=False)
    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\nNaCl,5,500\n")
    assert main(["replay", "--runs", str(path), "--factors", str(bounds), "--response", "OD340",
                 "--out", str(tmp_path / "replay.csv")]) == 1
    err = capsys.readouterr().err
    assert "has no cycle column 'cycle'; its columns are: Line Name, OD340, OD600, NaCl" in err
    assert "--cycle NAME" in err and "'Line Name' (e.g. 'C1_WA0_A4-R1')" in err
    assert 'biochemml.datasets.load("flaviolin")' in err
    assert "Note:" not in err  # the error comes first, alone
    factors = Factors.from_file(bounds)
    runs = flaviolin_like().assign(Round=[1, 1, 1, 1, 2, 2, 2, 2]).drop(columns="Line Name")
    with pytest.raises(InputError) as err:
        replay(runs, factors, "OD340", cycle="round")
    text = str(err.value)
    assert "(did you mean 'Round'?)" in text and "cycle= in Python" in text
    assert "flaviolin" not in text  # no run names with cycles: no hint about them


@pytest.mark.skipif(
    not os.path.isdir(os.path.join(os.environ.get("BIOCHEMML_DATA", "/nonexistent"), "flaviolin")),
    reason="set BIOCHEMML_DATA to the shared data folder")
def test_raw_flaviolin_file_points_to_the_prepared_table(capsys):
    folder = os.path.join(os.environ["BIOCHEMML_DATA"], "flaviolin")
    assert main(["replay", "--runs", os.path.join(folder, "DBTL1-5.csv"), "--factors",
                 os.path.join(folder, "media_bounds.csv"), "--response", "OD340"]) == 1
    err = capsys.readouterr().err
    assert "its columns are: Line Name, OD340, OD600" in err and "(18 in all)" in err
    assert 'biochemml.datasets.load("flaviolin")' in err and "--cycle NAME" in err
