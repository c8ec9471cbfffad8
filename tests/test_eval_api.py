"""Evaluation helpers (splits, metrics, figures) refuse what they cannot do in one sentence."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from biochemml.errors import InputError
from biochemml.evaluation import similarity_split

KMERS = ["".join(p) for p in itertools.product("ACGT", repeat=4)]  # a complete landscape


def test_a_similarity_split_with_no_training_rows_left_is_refused():
    # every 4-mer lies within 2 mismatches of the test clusters: nothing is left to train on
    with pytest.raises(InputError, match=r"at max_distance=2 no training rows remain: .*256 "
                                         r"sequences.* use a smaller max_distance"):
        similarity_split(KMERS, test_size=0.2, max_distance=2, seed=0)
    train, test, _ = similarity_split(KMERS, test_size=0.2, max_distance=1, seed=0)
    assert len(train) and len(test)


def test_the_cli_says_to_lower_max_distance(tmp_path, capsys):
    from biochemml.cli import main

    table = tmp_path / "kmers.csv"
    pd.DataFrame({"seq": KMERS, "y": np.arange(len(KMERS), dtype=float)}).to_csv(table,
                                                                                index=False)
    code = main(["--quiet", "train", "--data", str(table), "--sequence-column", "seq",
                 "--target-column", "y", "--task", "regression", "--model", "ridge",
                 "--split", "similarity", "--max-distance", "2", "--no-baselines",
                 "--out", str(tmp_path / "run")])
    err = " ".join(capsys.readouterr().err.split())
    assert code != 0
    assert "no training rows remain" in err and "--max-distance" in err, err
    assert "--test-size" not in err


def test_an_all_nan_std_draws_no_error_bars():
    from biochemml import plot

    y = np.linspace(0, 1, 50)
    fig = plot.observed_vs_predicted(y, y + 0.1, std=np.full(50, np.nan))
    assert not fig.axes[0].containers and fig.axes[0].get_legend() is None
    assert plot.observed_vs_predicted(y, y, std=np.ones(50)).axes[0].containers
    with pytest.raises(InputError, match="std holds a missing .* at position 3"):
        plot.observed_vs_predicted(y, y, std=np.r_[np.ones(3), np.nan, np.ones(46)])


def test_interval_coverage_of_an_all_nan_std_says_the_spread_is_missing():
    from biochemml.metrics import interval_coverage

    with pytest.raises(InputError, match=r"std is missing \(NaN\) for every row: a single "
                                         r"network has no spread; train an ensemble \(n_models"):
        interval_coverage([1.0, 2.0], [1.0, 2.0], [np.nan, np.nan])
    with pytest.raises(InputError, match="std holds a missing .* at position 1; drop or fill"):
        interval_coverage([1.0, 2.0], [1.0, 2.0], [1.0, np.nan])


@pytest.mark.parametrize("test_size,words", [
    (0, "test_size must be more than 0"),
    (1.5, r"test_size must be a fraction in \[0, 1\), not 1.5"),
    (20, r"test_size must be a fraction in \[0, 1\), not 20"),  # not 20 groups
    ("0.2", r"test_size must be a fraction in \[0, 1\), not '0.2'"),
])
def test_split_helpers_refuse_a_test_size_that_is_no_fraction(test_size, words):
    from biochemml.evaluation import group_split

    groups = np.repeat(np.arange(30), 2)
    with pytest.raises(InputError, match=words):
        group_split(groups, test_size=test_size)
    with pytest.raises(InputError, match=words):
        similarity_split(KMERS, test_size=test_size, max_distance=1)


@pytest.mark.parametrize("n_splits", [5.0, 1, 101, True, "5"])
def test_kfold_indices_refuses_a_fold_count_that_is_no_whole_number(n_splits):
    from biochemml.evaluation import kfold_indices

    with pytest.raises(InputError, match=r"n_splits must be a whole number of folds from 2 to "
                                         r"the number of rows \(100\), not "):
        kfold_indices(100, n_splits=n_splits)
    assert len(kfold_indices(100, n_splits=np.int64(5))) == 5


def test_interval_coverage_takes_a_single_level():
    from biochemml.metrics import interval_coverage

    one = interval_coverage([1.0, 2.0, 5.0], [1.0, 2.0, 2.0], [1.0, 1.0, 1.0], levels=0.95)
    assert one == {0.95: pytest.approx(2 / 3)}
    for bad in (1.5, "0.95", [[0.9]], [0.68, None]):
        with pytest.raises(InputError, match="each of levels must be a number between 0 and 1"):
            interval_coverage([1.0, 2.0], [1.0, 2.0], [1.0, 1.0], levels=bad)


def test_a_figure_path_with_an_unknown_suffix_is_refused(tmp_path):
    from biochemml import plot

    y = np.linspace(0, 1, 30)
    with pytest.raises(InputError, match=r"cannot save figures as \.docx \(x\.docx\): use a "
                                         r"path ending in \.png, \.svg"):
        plot.residuals(y, y + 0.1, path=tmp_path / "x.docx")
    assert not list(tmp_path.iterdir())  # nothing written, no x.docx.png
    plot.residuals(y, y, path=tmp_path / "x")  # no suffix, or one that is no file type:
    plot.residuals(y, y, path=tmp_path / "x.v2")  # PNG added, as documented
    plot.residuals(y, y, path=tmp_path / "cut_0.5")
    plot.residuals(y, y, path=tmp_path / "y.docx", formats=("png", "svg"))  # suffix replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cut_0.5.png", "x.png", "x.v2.png", "y.png", "y.svg"]
