"""Aliasing of the two-level designs (fractional, ccd corners) and spread of constrained
space-filling designs."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from biochemml.bioprocess import Factor, Factors, design, fractional_factorial
from biochemml.bioprocess.factors import parse_constraint


def equal_up_to_sign(a: np.ndarray, b: np.ndarray) -> bool:
    return bool((a == b).all() or (a == -b).all())


def main_effect_aliases(x: np.ndarray) -> list:
    """Main effects equal (up to sign) to another main effect or a two-factor interaction."""
    k = x.shape[1]
    found = []
    for i in range(k):
        for j in range(k):
            if j != i and equal_up_to_sign(x[:, i], x[:, j]):
                found.append((i, j))
        for a, b in itertools.combinations([j for j in range(k) if j != i], 2):
            if equal_up_to_sign(x[:, i], x[:, a] * x[:, b]):
                found.append((i, a, b))
    return found


def resolution(x: np.ndarray, longest: int = 6) -> int:
    """Length of the shortest word (set of columns whose product is constant), searched up
    to ``longest``; ``longest + 1`` when there is none that short."""
    k, n = x.shape[1], len(x)
    for length in range(1, longest + 1):
        for cols in itertools.combinations(range(k), length):
            if abs(np.prod(x[:, cols], axis=1).sum()) == n:
                return length
    return longest + 1


# (factors, runs, resolution of the textbook minimum-aberration design)
TEXTBOOK = [(6, 16, 4), (7, 16, 4), (8, 16, 4), (7, 32, 4), (9, 32, 4), (5, 16, 5),
            (8, 64, 5), (11, 128, 5)]


@pytest.mark.parametrize("k, n, res", TEXTBOOK)
def test_fraction_keeps_main_effects_clear(k, n, res):
    x = fractional_factorial(k, n)
    assert x.shape == (n, k) and set(np.unique(x)) == {-1.0, 1.0}
    np.testing.assert_array_equal(x.T @ x, n * np.eye(k))  # balanced and orthogonal
    assert main_effect_aliases(x) == []
    assert resolution(x) >= res
    assert len(np.unique(x, axis=0)) == n  # no repeated run


def test_fraction_has_fewest_shortest_words():
    # 2^(6-2) in 16 runs: the minimum-aberration design has 3 words of length 4
    # (E = ABC, F = BCD: I = ABCE = BCDF = ADEF), the 2^(7-2) one a single word of length 4
    def words(x, length):
        return sum(abs(np.prod(x[:, c], axis=1).sum()) == len(x)
                   for c in itertools.combinations(range(x.shape[1]), length))

    assert words(fractional_factorial(6, 16), 4) == 3
    x = fractional_factorial(7, 32)
    assert words(x, 3) == 0 and words(x, 4) == 1


def test_known_small_fractions():
    x = fractional_factorial(3, 4)  # 2^(3-1): C = AB
    np.testing.assert_array_equal(x[:, 2], x[:, 0] * x[:, 1])
    np.testing.assert_array_equal(x[:, :2], [[-1, -1], [1, -1], [-1, 1], [1, 1]])
    x = fractional_factorial(4, 8)  # 2^(4-1): D = ABC
    np.testing.assert_array_equal(x[:, 3], x[:, 0] * x[:, 1] * x[:, 2])
    x = fractional_factorial(5, 16)  # 2^(5-1): E = ABCD
    np.testing.assert_array_equal(x[:, 4], np.prod(x[:, :4], axis=1))


def test_fraction_is_deterministic():
    np.testing.assert_array_equal(fractional_factorial(9, 32), fractional_factorial(9, 32))


def quadratic_model(signs: np.ndarray) -> np.ndarray:
    k = signs.shape[1]
    cols = [np.ones(len(signs))] + [signs[:, i] for i in range(k)]
    cols += [signs[:, i] * signs[:, j] for i, j in itertools.combinations(range(k), 2)]
    cols += [signs[:, i] ** 2 for i in range(k)]
    return np.column_stack(cols)


@pytest.mark.parametrize("k, corners", [(5, 16), (6, 32), (7, 64), (8, 64), (11, 128)])
def test_ccd_estimates_a_full_quadratic_model(k, corners):
    f = Factors([Factor(f"f{i}", "continuous", 0, 2) for i in range(k)])
    d = design(f, method="ccd")
    assert len(d) == corners + 2 * k + 1
    signs = d.to_numpy() - 1.0
    model = quadratic_model(signs)
    assert np.linalg.matrix_rank(model) == model.shape[1] == 1 + 2 * k + k * (k - 1) // 2
    cube = signs[:corners]
    assert (np.abs(cube) == 1).all() and main_effect_aliases(cube) == []
    assert resolution(cube, 4) >= 5


def test_doe_ccd_of_twelve_media_components_is_estimable(tmp_path, capsys):
    # as the flaviolin media bounds: 12 factors used to give 64 corners of resolution III
    # (89 runs for 91 quadratic terms, model rank 64)
    from biochemml.cli import main

    bounds = tmp_path / "bounds.csv"
    bounds.write_text("Variable,Min,Max\n" + "".join(f"c{i},0,{i + 1}\n" for i in range(12)))
    out = tmp_path / "ccd.csv"
    assert main(["doe", "--factors", str(bounds), "--method", "ccd", "--out", str(out)]) == 0
    d = pd.read_csv(out).drop(columns="run")
    assert len(d) == 256 + 24 + 1
    signs = (d.to_numpy() / np.arange(1, 13)) * 2 - 1
    model = quadratic_model(signs)
    assert np.linalg.matrix_rank(model) == model.shape[1] == 91


# ----------------------------------------------------- constrained space-filling designs
def loose_factors() -> Factors:
    names = ["temperature", "feed", "pH"]
    return Factors([Factor("temperature", "continuous", 25, 37), Factor("feed", "continuous", 0, 10),
                    Factor("pH", "continuous", 6, 8)],
                   [parse_constraint("temperature + feed <= 46.9", names)])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lhs_under_a_loose_constraint_is_a_latin_hypercube(seed):
    f = loose_factors()
    d = design(f, 12, "lhs", seed=seed)
    assert len(d) == 12 and (d["temperature"] + d["feed"] <= 46.9).all()
    u = np.column_stack([(d["temperature"] - 25) / 12, d["feed"] / 10, (d["pH"] - 6) / 2])
    for j in range(3):
        assert np.bincount(np.minimum(np.floor(u[:, j] * 4), 3).astype(int), minlength=4).tolist() \
            == [3, 3, 3, 3]
        # one run in each of the 12 strata, up to rounding to 6 digits
        assert sorted(np.floor(u[:, j] * 12 + 1e-9).clip(0, 11).astype(int)) == list(range(12))
    pd.testing.assert_frame_equal(d, design(f, 12, "lhs", seed=seed))


def test_sobol_under_a_loose_constraint_stays_spread():
    d = design(loose_factors(), 12, "sobol", seed=0)
    assert len(d) == 12 and (d["temperature"] + d["feed"] <= 46.9).all()
    u = (d["temperature"] - 25) / 12
    assert np.bincount(np.minimum(np.floor(u * 4), 3).astype(int), minlength=4).max() <= 4


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_strong_constraint_still_gives_feasible_runs(method):
    names = ["T", "feed", "pH"]
    f = Factors([Factor("T", "continuous", 25, 37), Factor("feed", "continuous", 0, 10),
                 Factor("pH", "continuous", 6, 8)],
                [parse_constraint("T + feed <= 27", names), parse_constraint("pH >= 7.8", names)])
    d = design(f, 12, method, seed=0)
    assert len(d) == 12
    assert (d["T"] + d["feed"] <= 27 + 1e-9).all() and (d["pH"] >= 7.8 - 1e-9).all()
    assert len(d.drop_duplicates()) == 12


def test_the_fraction_note_names_resolution_and_generators():
    from biochemml.bioprocess.design import fraction_note

    note = fraction_note(["temp", "feed", "ph"], 4)
    assert note.startswith("a 2^(3-1) fraction of resolution III: each main effect is "
                           "confounded with two-factor interactions")
    assert "generator is ph = temp·feed" in note
    x = fractional_factorial(3, 4)  # the generator the note names is the design's
    assert equal_up_to_sign(x[:, 2], x[:, 0] * x[:, 1])
    assert "resolution IV" in fraction_note(list("ABCDEF"), 16)
    assert "resolution V:" in fraction_note(list("ABCDE"), 16)
    assert fraction_note(list("ABC"), 8) == ""  # the full factorial confounds nothing
    assert "resolution VI:" in fraction_note(list("ABCDEF"), 32)


def test_doe_says_what_a_fraction_confounds(tmp_path, capsys):
    from biochemml.cli import main

    bounds = tmp_path / "b.csv"
    bounds.write_text("Variable,Min,Max\ntemp,25,37\nfeed,0,10\nph,6.5,7.5\n")
    assert main(["doe", "--factors", str(bounds), "--method", "fractional", "--n", "4",
                 "--out", str(tmp_path / "d.csv")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "Note: A 2^(3-1) fraction of resolution III" in err and "ph = temp·feed" in err
    assert main(["doe", "--factors", str(bounds), "--method", "fractional", "--n", "8",
                 "--out", str(tmp_path / "d8.csv")]) == 0
    assert "8 runs are the full 2^3 factorial of the 3 factors" in " ".join(
        capsys.readouterr().err.split())
