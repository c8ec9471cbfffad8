"""In-silico mutagenesis, filter motifs, the mutagenesis map and `biochemml interpret`."""
import warnings

import numpy as np
import pandas as pd
import pytest

from biochemml import InputError, ModelError, SequenceClassifier, SequenceRegressor
from biochemml.cli import main
from biochemml.errors import LengthWarning
from biochemml.interpret import Mutagenesis, filter_influence, filter_motifs, mutagenesis
from biochemml.plot import mutagenesis_map
from biochemml.simulate import lecture_pwm, motif_dataset

SEED = 2


@pytest.fixture(scope="module")
def course():
    """The course's CCGGAA data (motif at 0-based position 7) and the default CNN on it."""
    df = motif_dataset(lecture_pwm(), 1000, 1000, seed=SEED)
    clf = SequenceClassifier(seed=SEED).fit(df.sequence, df.label)
    return df, clf


@pytest.fixture(scope="module")
def position_model():
    """An MLP on 12-nt sequences whose value is 1 when position 5 (1-based) is G."""
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 12)) for _ in range(1500)]
    y = np.array([1.0 if s[4] == "G" else 0.0 for s in seqs]) + rng.normal(0, 0.05, len(seqs))
    reg = SequenceRegressor("mlp", n_models=1, epochs=30, seed=0,
                            model_params={"conv_filters": 0}).fit(seqs, y)
    return seqs, reg


def test_mutagenesis_finds_the_planted_motif(course):
    df, clf = course
    positives = df[df.label == 1].sequence.tolist()[:10]
    result = mutagenesis(clf, positives)
    assert result.effects.shape == (10, 20, 4)
    assert result.output == "log-odds of class 1"
    # the four most important positions lie in the motif (1-based 8-13) in every sequence (a
    # sampled site may hold a weak letter at one or two of its positions)
    top4 = [set(np.argsort(row)[-4:] + 1) for row in result.importance]
    assert all(t <= set(range(8, 14)) for t in top4)
    # changing a motif letter lowers the log-odds; changing a flank letter barely matters
    assert np.nanmean(result.importance[:, 7:13]) > 10 * abs(np.nanmean(result.importance[:, :6]))


def test_effects_are_the_model_own_differences(course):
    df, clf = course
    seq = df.sequence.iloc[0]
    result = mutagenesis(clf, seq)
    p = clf.predict_proba([seq, seq[:9] + "T" + seq[10:]])[:, 1]
    logit = np.log(p / (1 - p))
    assert result.reference[0] == pytest.approx(logit[0], abs=1e-5)
    expected = logit[1] - logit[0] if seq[9] != "T" else 0.0
    assert result.effects[0, 9, 3] == pytest.approx(expected, abs=1e-5)
    own = ["ACGT".index(ch) for ch in seq]
    assert (result.effects[0, np.arange(20), own] == 0).all()
    frame = result.to_frame()
    assert len(frame) == 20 * 3
    assert list(frame.columns) == ["id", "position", "reference", "alternative", "log_odds_1",
                                   "change", "importance"]
    assert (frame.id == 0).all()
    # the importance column is the position's, as result.importance has it
    np.testing.assert_allclose(frame.importance.to_numpy(),
                               np.repeat(result.importance[0], 3), atol=1e-12)
    assert repr(result) == ("Mutagenesis(1 sequence of up to 20 letters, 60 substitutions, "
                            "output='log-odds of class 1'; .to_frame() for the table)")
    named = result.to_frame(ids=["my_utr"])
    assert (named.id == "my_utr").all()
    with_n = mutagenesis(clf, [seq[:19] + "N", seq[:12]])  # an N: four substitutions there
    assert f"{len(with_n.to_frame())} substitutions" in repr(with_n)
    # a filtered Series of names is read by position, not by its index labels
    assert (result.to_frame(ids=pd.Series(["kept"], index=[10])).id == "kept").all()
    with pytest.raises(InputError, match="2 ids given for 1 sequences"):
        result.to_frame(ids=["a", "b"])
    row = frame[(frame.position == 10) & (frame.alternative == "T")]
    if seq[9] != "T":
        assert row.change.iloc[0] == pytest.approx(expected, abs=1e-5)


def test_output_names_a_class(course):
    df, clf = course
    seq = df.sequence.iloc[0]
    other = mutagenesis(clf, seq, output=0)
    default = mutagenesis(clf, seq)
    # two classes: the log-odds of one is minus the other's
    np.testing.assert_allclose(other.effects, -default.effects, atol=1e-4)
    with pytest.raises(InputError, match="not one of the model's classes"):
        mutagenesis(clf, seq, output="bound")


def test_regression_effects_and_ragged_lengths(position_model):
    seqs, reg = position_model
    with_g = next(s for s in seqs if s[4] == "G")
    with pytest.warns(LengthWarning, match="shorter than every training sequence"):
        result = mutagenesis(reg, [with_g, with_g[:8]])
    assert result.output == "predicted value"
    assert int(np.nanargmax(result.importance[0])) == 4
    # changing the G lowers the value by about 1 whatever it becomes
    others = [c for c in range(4) if c != 2]
    np.testing.assert_allclose(result.effects[0, 4, others], -1.0, atol=0.25)
    # the 8-nt sequence has no positions 9-12
    assert np.isnan(result.effects[1, 8:]).all() and np.isfinite(result.effects[1, :8]).all()
    assert np.isnan(result.importance[1, 8:]).all()


def test_u_is_mutated_as_the_t_the_model_reads(position_model):
    seqs, reg = position_model
    seq = next(s for s in seqs if "T" in s)
    as_dna = mutagenesis(reg, seq)
    as_rna = mutagenesis(reg, seq.replace("T", "U"))
    np.testing.assert_allclose(as_rna.effects, as_dna.effects, atol=1e-6)
    # an RNA table keeps its own letters in the result, as the user wrote them
    assert as_rna.sequences == [seq.replace("T", "U")] and as_rna.symbols == "ACGU"
    assert set(as_rna.to_frame().reference) <= set("ACGU")
    mixed = mutagenesis(reg, [seq, seq.replace("T", "U")])  # both letters: the model's
    assert mixed.symbols == "ACGT" and mixed.sequences == [seq, seq]


def test_filter_motifs_read_the_motif_from_the_cnn(course):
    df, clf = course
    motifs = filter_motifs(clf, df[df.label == 1].sequence, order="information")
    assert motifs, "no filter fired"
    # the most informative filters are pieces of CCGGAA (or its reverse complement TTCCGG)
    pieces = ("CCGGA", "CGGAA", "TTCCG", "TCCGG")
    assert sum(any(p in m.consensus for p in pieces) for m in motifs[:5]) >= 3
    for m in motifs:
        sites = m.counts.sum(axis=0)
        assert (sites == sites[0]).all() and sites[0] >= 10  # every column counts each site once
        np.testing.assert_allclose(m.matrix.sum(axis=0), 1.0)
    info = [float(m.information_content().sum()) for m in motifs]
    assert info == sorted(info, reverse=True)


def test_filter_influence_ranks_the_motif_filters_first(course):
    import copy

    import torch

    df, clf = course
    sample = df.sequence.sample(500, random_state=0)
    influence = filter_influence(clf, sample)
    motifs = {m.name: m.consensus for m in filter_motifs(clf, df[df.label == 1].sequence,
                                                         order="information")}
    assert len(influence) == 32 and (influence >= 0).all()
    assert list(influence) == sorted(influence, reverse=True)
    pieces = ("CCGGA", "CGGAA", "TTCCG", "TCCGG")
    assert all(any(p in motifs.get(name, "") for p in pieces) for name in influence.index[:3])
    # a filter whose output is the same everywhere (weights zeroed) cannot matter: exactly 0
    dead = copy.deepcopy(clf)
    with torch.no_grad():
        dead.models_[0].blocks[0].conv.weight[5] = 0.0
    assert filter_influence(dead, sample)["filter_5"] == 0.0


def test_filter_motifs_need_convolutions(position_model, course):
    seqs, reg = position_model
    with pytest.raises(ModelError, match="no convolution"):
        filter_motifs(reg, seqs)
    df, clf = course
    with pytest.raises(InputError, match="threshold"):
        filter_motifs(clf, df.sequence, threshold=1.5)
    with pytest.raises(InputError, match="member"):
        filter_motifs(clf, df.sequence, member=3)


def test_a_baseline_is_mutated_but_has_no_filters(position_model):
    from biochemml.baselines import BaselineRegressor

    seqs, _ = position_model
    y = np.array([1.0 if s[4] == "G" else 0.0 for s in seqs])
    ridge = BaselineRegressor("ridge").fit(seqs, y)
    with_g = next(s for s in seqs if s[4] == "G")
    result = mutagenesis(ridge, with_g)
    assert int(np.nanargmax(result.importance[0])) == 4  # an additive model of position 5
    with pytest.raises(ModelError, match="no trained network"):
        filter_motifs(ridge, seqs)


def test_mlp_motif_features_are_filters(position_model):
    seqs, _ = position_model
    y = np.array([1.0 if s[4] == "G" else 0.0 for s in seqs])
    reg = SequenceRegressor("mlp", n_models=1, epochs=2, seed=0,
                            model_params={"conv_filters": 4, "conv_widths": (3, 5)}).fit(seqs, y)
    motifs = filter_motifs(reg, seqs, min_sites=1)
    widths = {m.width for m in motifs}
    assert widths <= {3, 5} and all("_width" in m.name for m in motifs)


def _toy_result(length=20, n=1):
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    effects = rng.normal(size=(n, length, 4))
    for k, s in enumerate(seqs):
        effects[k, np.arange(length), ["ACGT".index(c) for c in s]] = 0
    return Mutagenesis(seqs, "ACGT", np.zeros(n), effects, "predicted value")


def test_mutagenesis_map_draws_and_wraps(tmp_path):
    fig = mutagenesis_map(_toy_result(20), tmp_path / "short.png")
    assert (tmp_path / "short.png").stat().st_size > 0
    plotted = [ax for ax in fig.axes if ax.get_ylabel() in ("importance", "changed to")]
    assert len(plotted) == 2
    fig = mutagenesis_map(_toy_result(120))
    plotted = [ax for ax in fig.axes if ax.get_ylabel() in ("importance", "changed to")]
    assert len(plotted) == 6  # 120 positions wrap onto 3 rows of 40
    with pytest.raises(InputError, match="index"):
        mutagenesis_map(_toy_result(20), index=1)


def test_importance_is_the_letter_against_the_others():
    result = _toy_result(10)
    own = ["ACGT".index(c) for c in result.sequences[0]]
    expected = [-(result.effects[0, i].sum()) / 3 for i in range(10)]
    np.testing.assert_allclose(result.importance[0], expected)
    assert all(result.effects[0, i, own[i]] == 0 for i in range(10))


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("interpret")
    df = motif_dataset(lecture_pwm(), 250, 250, seed=11).rename(columns={"sequence": "utr"})
    df["name"] = [f"v{i}" for i in range(len(df))]
    df.to_csv(folder / "train.csv", index=False)
    run = folder / "run"
    assert main(["--quiet", "train", "--data", str(folder / "train.csv"), "--sequence-column", "utr",
                 "--target-column", "label", "--task", "classification", "--model", "lecture-cnn",
                 "--epochs", "5", "--out", str(run)]) == 0
    return folder, run


def test_cli_interpret_writes_a_complete_folder(cli_run, capsys):
    folder, run = cli_run
    out = folder / "explained"
    code = main(["interpret", "--model", str(run), "--data", str(folder / "train.csv"),
                 "--out", str(out), "--limit", "4", "--plots", "2", "--id-column", "name"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Mutated 4 sequences" in printed and "log-odds of class 1" in printed
    table = pd.read_csv(out / "mutagenesis.csv")
    assert len(table) == 4 * 20 * 3
    # a classifier's numbers are log-odds, named so (its 'prediction' elsewhere is a label)
    assert list(table.columns) == ["id", "position", "reference", "alternative", "log_odds_1",
                                   "change", "importance"]
    assert table.id.unique().tolist() == ["v0", "v1", "v2", "v3"]
    for name in ("report.html", "figures/mutagenesis_v0.png", "figures/mutagenesis_v1.png",
                 "filter_motifs.csv", "filter_motifs.meme"):
        assert (out / name).exists(), name
    assert not (out / "figures" / "mutagenesis_v2.png").exists()
    from biochemml.motifs import read

    motifs = read(out / "filter_motifs.meme")
    summary = pd.read_csv(out / "filter_motifs.csv")
    assert len(motifs) == len(summary)
    assert [m.name for m in motifs] == summary["filter"].tolist()
    assert summary["influence"].is_monotonic_decreasing and (summary["influence"] >= 0).all()
    assert "most influential first" in printed
    # a filter is read as what it is: often a piece of a motif
    assert "A first-layer filter is often a piece of a motif" in " ".join(printed.split())


def test_cli_interpret_refuses_bad_choices_before_writing(cli_run, capsys):
    folder, run = cli_run
    out = folder / "never"
    code = main(["interpret", "--model", str(run), "--data", str(folder / "train.csv"),
                 "--out", str(out), "--output", "bound"])
    assert code != 0 and "not one of the model's classes" in capsys.readouterr().err
    assert not out.exists() and not list(folder.glob(".never.*partial"))
    code = main(["interpret", "--model", str(run), "--data", str(folder / "train.csv"),
                 "--out", str(out), "--sequence-column", "seq"])
    assert code != 0 and "seq" in capsys.readouterr().err
    assert not out.exists()


def test_positions_the_model_cuts_off_are_not_zero_effects(course):
    df, clf = course  # trained on 20-nt sequences, right-padded: a longer one is cut at 20
    seq = df.sequence.iloc[0] + "ACGTACGTAC"
    with pytest.warns(LengthWarning):
        result = mutagenesis(clf, seq)
    assert np.isfinite(result.effects[0, :20]).all()
    assert np.isnan(result.effects[0, 20:]).all() and np.isnan(result.importance[0, 20:]).all()


def test_a_left_padded_model_cuts_the_5_end(position_model):
    seqs, reg = position_model  # 12 nt, pad="left": a 15-nt sequence keeps its last 12
    with pytest.warns(LengthWarning):
        result = mutagenesis(reg, "AAA" + seqs[0])
    assert np.isnan(result.effects[0, :3]).all() and np.isfinite(result.effects[0, 3:]).all()


def test_a_one_column_table_and_target_names(position_model):
    seqs, reg = position_model
    frame = pd.DataFrame({"utr": seqs[:3]})
    result = mutagenesis(reg, frame)
    assert result.sequences == seqs[:3]
    with pytest.raises(InputError, match="pass the sequence column alone"):
        mutagenesis(reg, pd.DataFrame({"utr": seqs[:3], "x": 1}))
    reg.target_names_ = ["gfp"]
    try:
        named = mutagenesis(reg, seqs[0], output="gfp")
        assert named.output == "predicted gfp"
        with pytest.raises(InputError, match="output must be gfp"):
            mutagenesis(reg, seqs[0], output="rfp")
    finally:
        del reg.target_names_


def test_readable_consensus_marks_uncertain_positions():
    from biochemml.interpret.folder import readable_consensus
    from biochemml.motifs import PWM

    pwm = PWM.from_matrix([[1.0, 0.7, 0.25], [0, 0.1, 0.25], [0, 0.1, 0.25], [0, 0.1, 0.25]])
    assert readable_consensus(pwm) == "AaN"  # 2 bits, 0.64 bits, 0 bits


def test_figure_names_stay_distinct():
    from biochemml.interpret.folder import _file_names

    assert _file_names(["a/b", "a_b", "a b", "A_B"]) == ["a_b", "a_b_2", "a_b_3", "A_B_4"]


def test_cli_ranks_positions_by_size(cli_run, capsys):
    folder, run = cli_run
    out = folder / "ranked"
    assert main(["interpret", "--model", str(run), "--data", str(folder / "train.csv"),
                 "--out", str(out), "--limit", "1", "--plots", "1"]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "mutagenesis.csv")
    per_position = table.groupby("position")["importance"].first()
    top = per_position.abs().sort_values(ascending=False).index[:3]
    line = next(t for t in printed.splitlines() if "most important positions" in t)
    assert [int("".join(ch for ch in part.split()[0] if ch.isdigit()))
            for part in line.split("positions ")[1].split(", ")] == list(top)
    assert main(["interpret", "--model", str(run), "--data", str(folder / "train.csv"),
                 "--out", str(folder / "none"), "--limit", "0"]) != 0
    assert "--limit must be 1 or more" in capsys.readouterr().err


def test_a_map_and_a_folder_with_cut_and_tiny_sequences(course, cli_run, tmp_path):
    from biochemml.interpret import interpret_run

    df, clf = course
    with pytest.warns(LengthWarning):
        result = mutagenesis(clf, [df.sequence.iloc[0] + "ACGTACGTAC", "AC"])
    mutagenesis_map(result, tmp_path / "cut.png", index=0)  # NaN importance: no letter there
    assert (tmp_path / "cut.png").exists()
    _, run = cli_run
    with warnings.catch_warnings():  # the folder says it once, as predict does; no warning too
        warnings.simplefilter("error", LengthWarning)
        summary = interpret_run(run, pd.DataFrame({"utr": [df.sequence.iloc[0] + "ACGTACGTAC",
                                                           "AC"]}), tmp_path / "explained", plots=2)
    assert [len(t["positions"]) for t in summary["top"]] == [3, 2]
    assert all(p <= 20 for p, _, _ in summary["top"][0]["positions"])
    # a CNN read on two sequences: too few windows, not "no convolution"
    assert summary["filters"] == [] and "give more sequences" in summary["no_filters"]


def test_a_run_folder_knows_its_target_names(two_target_run):
    from biochemml.design import evolve

    run, seqs = two_target_run
    assert mutagenesis(run, seqs[0], output="rfp").output == "predicted rfp"
    with pytest.raises(InputError, match="gfp or rfp"):
        mutagenesis(run, seqs[0])
    assert evolve(run, [seqs[0]], output="gfp", rounds=1).attrs["output"] == "predicted gfp"


def test_design_says_every_round(position_model, capsys, monkeypatch):
    from biochemml import progress
    from biochemml.design import evolve

    monkeypatch.setattr(progress, "_QUIET", False)
    seqs, reg = position_model
    table = evolve(reg, (s for s in seqs[:2]), rounds=2, progress=True)  # a generator, read once
    err = capsys.readouterr().err
    assert "Round 1 of 2: every single substitution of 2 sequences" in err and "Round 2 of 2" in err
    assert table.start.tolist() == seqs[:2]


def test_weak_filter_motifs_are_said_to_be_weak():
    from biochemml.interpret.folder import _weak_filters_note
    from biochemml.motifs import PWM

    flat = PWM.from_matrix(np.array([[30, 25, 25, 20]] * 6).T, name="f1")
    sharp = PWM.from_instances(["CCGGAA"] * 20, pseudocounts=0.1, name="f2")
    assert "No filter motif drawn has a position of 1 bit or more" in _weak_filters_note([flat])
    assert _weak_filters_note([flat, sharp]) is None
    assert _weak_filters_note([]) is None


def test_a_sequence_without_a_name_is_named_by_its_row(cli_run, tmp_path):
    from biochemml.interpret.folder import interpret_run

    folder, run = cli_run
    table = pd.read_csv(folder / "train.csv").head(3)
    table.loc[1, "name"] = None
    table.to_csv(tmp_path / "named.csv", index=False)
    interpret_run(run, tmp_path / "named.csv", tmp_path / "out", sequence_column_name="utr",
                  id_column="name", limit=3, plots=3)
    ids = pd.read_csv(tmp_path / "out" / "mutagenesis.csv").id.unique().tolist()
    assert ids == ["v0", "row3", "v2"]  # not 'nan'
    assert (tmp_path / "out" / "figures" / "mutagenesis_row3.png").exists()
