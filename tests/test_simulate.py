"""Simulation: the lecture's data set, its statistics, the Bayes ceiling, the regression set."""
import doctest

import numpy as np
import pytest
from scipy import stats

from biochemml import simulate
from biochemml.errors import InputError
from biochemml.motifs import PWM
from biochemml.simulate import (bayes_optimal_accuracy, lecture_pwm, motif_dataset,
                                regression_dataset)


def column_counts(seqs, start, width, symbols="ACGT"):
    """(C, W) counts of each symbol at positions start .. start + width - 1."""
    arr = np.array([list(s[start:start + width]) for s in seqs])
    return np.array([(arr == s).sum(axis=0) for s in symbols])


def assert_matches(counts, probs):
    """Chi-square goodness of fit of each column (categories of probability 0 must be empty)."""
    for j in range(counts.shape[1]):
        zero = probs[:, j] == 0
        assert counts[zero, j].sum() == 0
        expected = probs[~zero, j] * counts[:, j].sum()
        assert stats.chisquare(counts[~zero, j], expected).pvalue > 0.001, j


def test_lecture_data_set_layout():
    df = motif_dataset(lecture_pwm(), seed=125)
    assert df.shape == (2000, 4)
    assert df["label"].tolist() == [1] * 1000 + [0] * 1000
    assert set(df["sequence"].str.len()) == {20}
    assert set(df.loc[df.label == 1, "motif_start"]) == {7}
    assert set(df.loc[df.label == 0, "motif_start"]) == {-1}
    assert set(df.loc[df.label == 0, "motif"]) == {""}
    assert motif_dataset(lecture_pwm(), 5, 5, seed=1).equals(motif_dataset(lecture_pwm(), 5, 5, seed=1))
    assert not motif_dataset(lecture_pwm(), 5, 5, seed=1).equals(motif_dataset(lecture_pwm(), 5, 5, seed=2))


def test_planted_sites_follow_the_pwm_and_flanks_the_background():
    pwm = lecture_pwm()
    df = motif_dataset(pwm, n_positive=20_000, n_negative=20_000, seed=0)
    pos = df.loc[df.label == 1, "sequence"].tolist()
    neg = df.loc[df.label == 0, "sequence"].tolist()
    assert_matches(column_counts(pos, 7, 6), pwm.matrix)
    uniform = np.full((4, 7), 0.25)
    assert_matches(column_counts(pos, 0, 7), uniform)
    assert_matches(column_counts(pos, 13, 7), uniform)
    assert_matches(column_counts(neg, 0, 20), np.full((4, 20), 0.25))


def test_background_random_positions_and_several_motifs():
    background = [0.1, 0.4, 0.4, 0.1]
    a = PWM.from_instances(["AAAAA"], pseudocounts=0, name="polyA")
    t = PWM.from_instances(["TTT"], pseudocounts=0, name="polyT")
    df = motif_dataset([a, t], 3000, 3000, length=30, position=None, background=background, seed=3)
    neg = df.loc[df.label == 0, "sequence"].tolist()
    assert_matches(column_counts(neg, 0, 30), np.tile(np.array(background)[:, None], 30))
    pos = df[df.label == 1]
    assert set(pos.motif) == {"polyA", "polyT"}
    for row in pos.itertuples():
        site = "AAAAA" if row.motif == "polyA" else "TTT"
        assert row.sequence[row.motif_start:row.motif_start + len(site)] == site
    starts = pos.loc[pos.motif == "polyA", "motif_start"]
    assert starts.min() == 0 and starts.max() == 25  # uniform over 0 .. L - W
    assert stats.chisquare(np.bincount(starts, minlength=26)).pvalue > 0.001


def test_bayes_optimal_accuracy_of_the_lecture_setting():
    n = 40_000
    acc = bayes_optimal_accuracy(lecture_pwm(), n=n, seed=1)
    se = np.sqrt(0.979 * 0.021 / n)
    assert abs(acc - 0.979) < 4 * se + 0.0005
    # a motif that cannot be told from the background gives a coin flip
    flat = PWM(np.full((4, 6), 0.25))
    assert abs(bayes_optimal_accuracy(flat, n=20_000, seed=2) - 0.5) < 0.02
    # a random position makes the task harder
    assert bayes_optimal_accuracy(lecture_pwm(), position=None, n=20_000, seed=3) < acc


def test_regression_signal_is_exactly_the_planted_counts():
    site = PWM.from_instances(["GATTACAG"], pseudocounts=0, name="site")
    other = PWM.from_instances(["CCCGGG"], pseudocounts=0, name="other")
    df = regression_dataset([site, other], n=3000, length=60, effects=[1.0, -0.5],
                            noise=0.3, baseline=2.0, seed=4)
    counts = df[["count_0", "count_1"]].to_numpy()
    assert np.allclose(df["signal"], 2.0 + counts @ [1.0, -0.5])
    found = df["sequence"].str.count("GATTACAG").to_numpy()
    assert (found >= counts[:, 0]).all() and (found == counts[:, 0]).mean() > 0.99
    # least squares on the counts recovers the effects within the noise
    design = np.column_stack([np.ones(len(df)), counts])
    coef = np.linalg.lstsq(design, df["expression"].to_numpy(), rcond=None)[0]
    assert np.allclose(coef, [2.0, 1.0, -0.5], atol=0.05)
    resid = df["expression"] - df["signal"]
    assert abs(resid.std() - 0.3) < 0.02
    assert np.corrcoef(df["signal"], df["expression"])[0, 1] > 0.9


def test_regression_position_slope():
    site = PWM.from_instances(["GATTACAG"], pseudocounts=0)
    df = regression_dataset(site, n=2000, length=40, max_copies=1, position_slope=1.0,
                            noise=0.0, seed=5)
    one = df[df.count_0 == 1]
    start = one["sequence"].str.find("GATTACAG")
    assert np.allclose(one["signal"], 1.0 * (1 + start / (40 - 8)))
    assert np.allclose(df.loc[df.count_0 == 0, "signal"], 0.0)


def test_simulation_errors():
    pwm = lecture_pwm()
    with pytest.raises(InputError, match="position must be between 0 and 14"):
        motif_dataset(pwm, position=15)
    with pytest.raises(InputError, match="shorter than the motif"):
        motif_dataset(pwm, length=5)
    with pytest.raises(InputError, match="n_positive must be a non-negative integer"):
        motif_dataset(pwm, n_positive=-1)
    with pytest.raises(InputError, match="at least 1"):
        motif_dataset(pwm, 0, 0)
    with pytest.raises(InputError, match="background must be 4 positive"):
        motif_dataset(pwm, background=[1, 0, 0, 0])
    with pytest.raises(InputError, match="no PWM"):
        motif_dataset([])
    with pytest.raises(InputError, match="one value per motif"):
        regression_dataset(pwm, effects=[1, 2])
    with pytest.raises(InputError, match="leaves room"):
        regression_dataset(pwm, length=10, max_copies=3)


def test_doctests():
    assert doctest.testmod(simulate).failed == 0


def test_bayes_ceiling_follows_the_class_sizes():
    equal = bayes_optimal_accuracy(lecture_pwm(), n=20_000, seed=4)
    rare = bayes_optimal_accuracy(lecture_pwm(), n=20_000, seed=4, positive_fraction=0.05)
    # the prior shifts the threshold: above both the equal-class ceiling and the 0.95 that
    # always answering "random" scores
    assert rare > max(equal, 0.95) + 0.005
    flat = PWM(np.full((4, 6), 0.25))
    assert abs(bayes_optimal_accuracy(flat, n=20_000, seed=2, positive_fraction=0.2) - 0.8) < 0.01
    for bad in (0, 1, 1.5, True):
        with pytest.raises(InputError, match="positive_fraction"):
            bayes_optimal_accuracy(flat, n=100, positive_fraction=bad)


def test_simulate_reports_the_ceiling_of_its_own_class_sizes(tmp_path, capsys):
    from biochemml.cli import main

    assert main(["simulate", "--out", str(tmp_path / "x.csv"), "--n-positive", "100",
                 "--n-negative", "1900"]) == 0
    said = capsys.readouterr().out
    ceiling = float(said.split("(Bayes-optimal): ")[1].split()[0])
    assert ceiling > 0.98  # not the 0.979 of equal classes
    assert "larger class scores 0.950" in said
    assert main(["simulate", "--out", str(tmp_path / "y.csv"), "--n-negative", "0"]) == 0
    assert "Bayes-optimal" not in capsys.readouterr().out


def test_bayes_rule_calls_what_the_ceiling_counts():
    df = motif_dataset(lecture_pwm(), 3000, 3000, 20, 7, seed=5)
    calls = simulate.bayes_rule(lecture_pwm(), df["sequence"])
    assert set(np.unique(calls)) == {0, 1}
    # the same draw the Monte Carlo estimate makes (n = 6000, seed 5)
    assert np.mean(calls == df["label"]) == bayes_optimal_accuracy(lecture_pwm(), n=6000, seed=5)
    # a planted perfect site is called, a sequence of the least likely letters is not
    site = "AAAAAAACCGGAAAAAAAAA"
    assert simulate.bayes_rule(lecture_pwm(), [site, "A" * 20]).tolist() == [1, 0]
    with pytest.raises(InputError, match="positive_fraction"):
        simulate.bayes_rule(lecture_pwm(), [site], positive_fraction=0)
