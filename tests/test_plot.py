"""Figures: each one saves a readable PNG of the expected size; bad input is refused in a sentence."""
import matplotlib
import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure

from biochemml import plot
from biochemml.errors import InputError

matplotlib.use("Agg")

RNG = np.random.default_rng(0)
Y_CLASS = RNG.integers(0, 2, 200)
PROBA = np.clip(0.3 * Y_CLASS + RNG.uniform(0, 0.7, 200), 0, 1)
Y_REG = RNG.normal(size=300)
PRED = Y_REG + RNG.normal(0, 0.5, 300)
HISTORY = {"loss": [1.0, 0.7, 0.5, 0.4], "val_loss": [1.1, 0.8, 0.75, 0.9],
           "r2": [0.1, 0.4, 0.6, 0.7], "val_r2": [0.0, 0.3, 0.45, 0.4]}

FIGURES = {
    "training_curves": lambda path: plot.training_curves(HISTORY, path),
    "confusion_matrix": lambda path: plot.confusion_matrix([[188, 6], [5, 201]], ["no", "yes"], path),
    "confusion_matrix_multiclass": lambda path: plot.confusion_matrix(
        RNG.integers(0, 30, (4, 4)), list("ABCD"), path, normalize=True),
    "roc_curve": lambda path: plot.roc_curve(Y_CLASS, PROBA, path),
    "pr_curve": lambda path: plot.pr_curve(Y_CLASS, PROBA, path),
    "observed_vs_predicted": lambda path: plot.observed_vs_predicted(
        Y_REG, PRED, std=np.full(300, 0.5), path=path, label="GFP", units="a.u."),
    "residuals": lambda path: plot.residuals(Y_REG, PRED, x=np.arange(300), xlabel="length (nt)", path=path),
    "sequence_logo": lambda path: plot.sequence_logo(RNG.dirichlet(np.ones(4), 8).T, path),
    "metric_by_group": lambda path: plot.metric_by_group(
        {"0-2": {"value": 0.8, "low": 0.7, "high": 0.9, "n": 50}, "3+": {"value": 0.3, "low": 0.1, "high": 0.5, "n": 9}},
        path, group_label="distance to nearest training sequence"),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_figure_saves_a_png_of_its_size(tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig = FIGURES[name](path)
    assert isinstance(fig, Figure)
    assert path.stat().st_size > 5000
    image = matplotlib.image.imread(path)
    width, height = fig.get_size_inches() * 150
    assert image.shape[:2] == (round(height), round(width))
    assert all(ax.get_title() or fig._suptitle for ax in fig.axes if ax.get_label() != "<colorbar>")


def test_figures_use_slide_sized_fonts():
    fig = plot.observed_vs_predicted(Y_REG, PRED)
    ax = fig.axes[0]
    fig.draw_without_rendering()
    assert ax.xaxis.label.get_size() >= 11 and ax.title.get_size() >= 11
    assert min(t.get_size() for t in ax.get_xticklabels()) >= 11


def test_svg_saved_next_to_png_on_request(tmp_path):
    plot.roc_curve(Y_CLASS, PROBA, tmp_path / "roc.png", formats=("png", "svg"))
    assert (tmp_path / "roc.png").stat().st_size > 0
    assert (tmp_path / "roc.svg").read_text().lstrip().startswith("<?xml")


def test_path_without_suffix_gets_png(tmp_path):
    plot.pr_curve(Y_CLASS, PROBA, tmp_path / "sub" / "pr")
    assert (tmp_path / "sub" / "pr.png").exists()


def test_large_data_switches_from_scatter_to_hexbin():
    rng = np.random.default_rng(1)
    small = plot.observed_vs_predicted(Y_REG, PRED)
    assert any(isinstance(c, PathCollection) for c in small.axes[0].collections)
    y = rng.normal(size=6000)
    big = plot.observed_vs_predicted(y, y + rng.normal(0, 0.3, 6000))
    assert any(isinstance(c, PolyCollection) for c in big.axes[0].collections)
    assert not any(isinstance(c, PathCollection) for c in big.axes[0].collections)


def test_binary_confusion_matrix_tags_cells_and_reads_out_errors():
    fig = plot.confusion_matrix([[188, 6], [5, 201]])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "TP\n201\n97.6%" in texts and "FP\n6\n3.1%" in texts
    assert "type I errors (6)" in fig._supxlabel.get_text()


def test_error_bars_get_room_but_do_not_squeeze_the_points_and_have_a_visible_legend_sample():
    y = np.array([0.0, 1.0, 2.0, 3.0])
    fig = plot.observed_vs_predicted(y, y, std=[0.2, 0.1, 0.1, 0.2])
    ax = fig.axes[0]
    assert ax.get_ylim()[1] >= 3.0 + 0.2 and ax.get_ylim()[0] <= -0.2  # short bars fit
    # one very wide bar: the axes grow by at most a tenth of the data's range (0.3 here)
    wide = plot.observed_vs_predicted(y, y, std=[0.2, 0.1, 0.1, 6.0]).axes[0]
    assert 3.3 <= wide.get_ylim()[1] <= 3.3 + 0.03 * 3.6 + 1e-9
    assert "on every point" in wide.figure.legends[0].texts[0].get_text()
    legend = fig.legends[0]
    handle = legend.legend_handles[0]
    assert handle.get_alpha() in (None, 1.0) and "±1 std" in legend.texts[0].get_text()
    # under the axes, where it covers no point (inside, it sat over the lower corner)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    assert legend.get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y0
    assert ax.get_legend() is None


def test_stats_box_shows_r2_of_the_data():
    fig = plot.observed_vs_predicted([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0])
    assert "R² = 1.000" in fig.axes[0].texts[0].get_text()


def test_training_curves_mark_best_validation_epoch_and_read_dataframes():
    fig = plot.training_curves(pd.DataFrame({"epoch": [0, 1, 2, 3], "train_loss": HISTORY["loss"],
                                             "val_loss": HISTORY["val_loss"]}))
    assert len(fig.axes) == 1
    assert fig.axes[0].get_legend_handles_labels()[1] == ["training", "validation", "lowest validation loss (epoch 3)"]
    assert len(plot.training_curves(HISTORY).axes) == 2


def test_multiclass_roc_draws_one_curve_per_class():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 150)
    proba = rng.dirichlet(np.ones(3), 150)
    labels = plot.roc_curve(y, proba).axes[0].get_legend_handles_labels()[1]
    assert sum(label.startswith(("0:", "1:", "2:")) for label in labels) == 3


def test_logo_information_is_at_most_two_bits_and_probability_mode_reaches_one():
    pfm = np.array([[1.0, 0.25], [0.0, 0.25], [0.0, 0.25], [0.0, 0.25]])
    assert plot.sequence_logo(pfm).axes[0].get_ylim() == (0, 2)
    assert plot.sequence_logo(pfm * 10, kind="probability").axes[0].get_ylabel() == "probability"


@pytest.mark.parametrize("call", [
    lambda: plot.training_curves({}),
    lambda: plot.training_curves({"loss": ["a", "b"]}),
    lambda: plot.confusion_matrix([[1, 2, 3]]),
    lambda: plot.confusion_matrix([[1, 2], [3, 4]], labels=["a", "b", "c"]),
    lambda: plot.roc_curve([1, 1, 1], [0.2, 0.5, 0.9]),
    lambda: plot.pr_curve([0, 1], [0.2]),
    lambda: plot.observed_vs_predicted([1.0, 2.0], [1.0, np.nan]),
    lambda: plot.observed_vs_predicted([1.0, 2.0], [1.0, 2.0], std=[-1.0, 1.0]),
    lambda: plot.residuals([1.0, 2.0, 3.0], [1.0, 2.0]),
    lambda: plot.sequence_logo(np.ones((8, 4))),
    lambda: plot.sequence_logo(np.ones((4, 3)), kind="bits"),
    lambda: plot.sequence_logo(np.zeros((4, 3))),
    lambda: plot.metric_by_group({}),
    lambda: plot.metric_by_group({"a": 1.0}, kind="pie"),
    lambda: plot.roc_curve(Y_CLASS, PROBA, "x.gif", formats=("gif",)),
])
def test_bad_input_raises_input_error(call):
    with pytest.raises(InputError):
        call()


def test_logo_of_a_pwm_object_uses_its_matrix_and_alphabet():
    from biochemml.motifs import PWM

    pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0.5)
    fig = plot.sequence_logo(pwm, kind="probability")
    assert fig.axes[0].get_xticks().tolist() == [1, 2, 3, 4, 5]
    protein = PWM.from_instances(["MKV", "MKL"], alphabet="protein", pseudocounts=0.1)
    assert plot.sequence_logo(protein).axes[0].get_ylim() == (0, pytest.approx(np.log2(20)))


@pytest.mark.parametrize("suffix,magic", [(".jpg", b"\xff\xd8\xff"), (".jpeg", b"\xff\xd8\xff"),
                                          (".tiff", b"II*\x00")])
def test_a_jpeg_or_tiff_path_is_saved_in_that_format(tmp_path, suffix, magic):
    path = tmp_path / f"roc{suffix}"
    plot.roc_curve(Y_CLASS, PROBA, path)
    assert path.read_bytes()[:len(magic)] == magic
    assert not (tmp_path / f"roc{suffix}.png").exists()


def test_an_unsupported_image_suffix_is_refused_in_words(tmp_path):
    with pytest.raises(InputError, match=r"cannot save figures as \.gif .*\.png, \.svg"):
        plot.roc_curve(Y_CLASS, PROBA, tmp_path / "roc.gif")
    plot.roc_curve(Y_CLASS, PROBA, tmp_path / "roc.v2")  # not an image suffix: PNG added
    assert (tmp_path / "roc.v2.png").exists()


def test_density_colour_bar_reads_counts_as_plain_numbers():
    rng = np.random.default_rng(0)
    t = rng.normal(size=8000)
    fig = plot.observed_vs_predicted(t, t + rng.normal(0, 0.5, 8000))
    bar = fig.axes[-1]
    labels = [tick.get_text() for tick in bar.get_yticklabels() if tick.get_text()]
    assert labels[:3] == ["1", "2", "5"] and all("10^" not in x and "$" not in x for x in labels)


def test_a_long_logo_wraps_onto_rows():
    rng = np.random.default_rng(0)
    fig = plot.sequence_logo(rng.dirichlet(np.ones(4), size=40).T)
    assert len(fig.axes) == 2 and fig.get_size_inches()[0] <= 14
    first, second = (ax.get_xticks() for ax in fig.axes)
    assert first[0] == 1 and first[-1] == 20 and second[0] == 21 and second[-1] == 40


def test_a_multiclass_pr_curve_draws_each_class_chance_and_says_one_vs_rest():
    rng = np.random.default_rng(0)
    y = np.array(["high"] * 20 + ["low"] * 200 + ["mid"] * 60)
    proba = rng.dirichlet(np.ones(3), size=len(y))
    fig = plot.pr_curve(y, proba, labels=["high", "low", "mid"])
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    for label, rate in (("high", 20 / 280), ("low", 200 / 280), ("mid", 60 / 280)):
        assert f"{label}: chance (positive rate {rate:.3g})" in names
    assert "each class against the rest" in ax.get_title()


def test_group_counts_sit_under_the_group_names_and_the_dashed_line_is_named():
    fig = plot.metric_by_group({"0-10": {"value": 0.4, "low": 0.2, "high": 0.5, "n": 50},
                                "11-20": {"value": -0.6, "low": -1.2, "high": -0.2, "n": 1200}},
                               metric="R²", reference=0.01, reference_label="whole test set")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0-10\n(n=50)", "11-20\n(n=1,200)"]
    assert not ax.texts  # nothing drawn over the bars, their error bars or the dashed line
    assert ax.get_legend().get_texts()[0].get_text() == "whole test set: 0.01"


def test_long_error_bars_are_grey_behind_the_points_and_their_cut_is_said():
    rng = np.random.default_rng(0)
    t = rng.normal(5, 1, 200)
    p = t + rng.normal(0, 0.2, 200)
    s = np.full(200, 0.1)
    s[:7] = 50.0  # far longer than the data's range
    fig = plot.observed_vs_predicted(t, p, std=s, max_errorbars=200)
    ax = fig.axes[0]
    text = fig.legends[0].get_texts()[0].get_text()
    assert "±1 std (predicted), on every point" in text
    assert "(7 longer than the axes, cut at the edge)" in text
    bars = [c for c in ax.collections if c.get_zorder() == 1]
    assert bars and all(c.get_zorder() < 2 for c in bars)
    # by default 60 bars show the spread; 300 had made a grey curtain over the points
    default = plot.observed_vs_predicted(t, p, std=s).axes[0]
    assert "on a random 60 of 200 points" in default.figure.legends[0].get_texts()[0].get_text()


def test_a_figure_shows_as_a_png_in_a_fresh_notebook():
    """IPython displays a biochemml figure as an image without %matplotlib inline (it
    showed '<Figure size ...>' as text), and once: a formatter registered for matplotlib
    figures, as the inline backend does, takes the place of the figure's own PNG."""
    formatters = pytest.importorskip("IPython.core.formatters")
    fig = plot.observed_vs_predicted(Y_REG, PRED)
    shown = formatters.DisplayFormatter().format(fig)[0]
    assert shown["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    png = formatters.PNGFormatter()
    png.for_type(Figure, lambda f: b"inline backend")
    assert png(fig) == b"inline backend"


def test_density_hexagons_stay_regular_when_the_ranges_differ():
    """Measured values over 1.3-4.1 and predictions over -7-9: the hexagons were laid out
    over each axis's own range, then drawn on square axes with equal ranges: slivers."""
    rng = np.random.default_rng(0)
    t = np.r_[rng.normal(1.5, 0.1, 20000), rng.normal(3.6, 0.2, 7000)]
    p = t + rng.normal(0, 1.5, len(t)) * (t < 2)
    ax = plot.observed_vs_predicted(t, p).axes[0]
    hexagon = ax.collections[0].get_paths()[0].vertices
    # a regular pointy-top hexagon is sqrt(3)/2 as wide as it is high
    assert np.ptp(hexagon[:, 0]) / np.ptp(hexagon[:, 1]) == pytest.approx(np.sqrt(3) / 2, rel=0.05)
    assert ax.get_xlim() == ax.get_ylim()


def test_many_small_groups_stay_readable():
    """30 families of about 10 rows: level names ran together, and intervals down to -4
    squashed every bar near 0."""
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"group": [f"fam{i}" for i in range(30)],
                          "value": rng.uniform(0.2, 0.8, 30), "n": 10})
    table["low"], table["high"] = table["value"] - rng.uniform(0.1, 4.5, 30), table["value"] + 0.1
    ax = plot.metric_by_group(table).axes[0]
    assert ax.get_xticklabels()[0].get_rotation() == 60
    assert ax.get_xticklabels()[0].get_text() == "fam0 (n=10)"
    assert ax.get_ylim()[0] > table["low"].min() and ax.get_ylim()[0] >= -1.0
    assert "longer than the axis, cut at it" in ax.get_xlabel()
