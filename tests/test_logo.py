"""Sequence logos: the data first, then the path, as in every biochemml figure."""
import numpy as np
import pytest

from biochemml import plot
from biochemml.errors import InputError
from biochemml.motifs import PWM


def test_the_second_argument_is_the_path(tmp_path):
    pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
    plot.sequence_logo(pwm, tmp_path / "logo.png")
    assert (tmp_path / "logo.png").read_bytes()[:4] == b"\x89PNG"
    plot.sequence_logo(pwm.matrix, str(tmp_path / "matrix.png"), alphabet="ACGT")
    assert (tmp_path / "matrix.png").exists()
    fig = plot.sequence_logo(np.full((4, 3), 0.25), alphabet="dna", kind="probability")
    assert fig.axes[0].get_ylim() == (0, 1)


def test_an_alphabet_given_where_the_path_goes_is_refused_in_words(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="second argument of sequence_logo is the path.*"
                                         "alphabet='ACGT'"):
        plot.sequence_logo(np.full((4, 3), 0.25), "ACGT")
    assert not list(tmp_path.iterdir())
