"""Default models and training settings: the choices a user gets without asking.

Each entry is measured in ``benchmarks/`` (see benchmarks/RESULTS.md); change a default
only with a benchmark run that shows it generalises better.
"""
from __future__ import annotations

import math

#: Default model per task: the best general choice we measured (see benchmarks/).
DEFAULT_MODEL = {"classification": "cnn", "regression": "auto"}

#: ``n_models="auto"`` (the regression default): a deep ensemble of this many MLPs when the
#: network is the MLP (up to 20 letters, or a variant library) and the table has at most
#: this many training rows; one network otherwise. On six public landscapes the network had never
#: been tuned on (benchmarks/landscapes.py), 5 MLPs beat one by 0.01-0.04 R2 at
#: 500-5,000 rows, for seconds of extra training; CNNs and large tables keep one network.
AUTO_ENSEMBLE_SIZE = 5
AUTO_ENSEMBLE_MAX_ROWS = 20_000

#: Model and training defaults per (model, task). Explicit arguments override them.
#: ``lecture-cnn`` trains as the course's Keras code does: Adam, batch 100, 20 epochs,
#: the last epoch's weights. The default ``cnn`` trains longer with weight decay and
#: keeps the best validation epoch (early stopping).
_PRESETS = {
    ("lecture-cnn", "classification"): ({}, dict(epochs=20, batch_size=100, learning_rate=1e-3,
                                                  optimizer="adam", weight_decay=0.0,
                                                  patience=None)),
    # a gated head (see models/cnn.py): as good as "flatten" on the course's fixed-position
    # task (0.966 vs 0.964, 3 seeds) and as good as "global" on a motif anywhere in 100 nt
    # (0.788 vs 0.793; "flatten" fails there at 0.517). benchmarks/lecture.py measures both.
    ("cnn", "classification"): (dict(filters=(32,), kernel_sizes=9, pools=1, hidden=0, dropout=0.2,
                                     head="gated"),
                                dict(epochs=100, batch_size=100, learning_rate=1e-3,
                                     optimizer="adamw", weight_decay=1e-2, patience=10)),
    ("cnn", "regression"): (dict(filters=(64, 64), kernel_sizes=(9, 5), pools=(2, 2), hidden=64,
                                 dropout=0.2, head="flatten"),
                            dict(epochs=100, batch_size=128, learning_rate=1e-3,
                                 optimizer="adamw", weight_decay=1e-3, patience=10)),
    # regression presets: measured in benchmarks/expression.py (RESULTS.md, "Sequence -> expression")
    # mlp: batch 1024 at lr 3e-3 with up to 80 epochs (patience 10) beat batch 256 / lr 1e-3 /
    # 30 epochs on sd_kuo2020: R2 0.881 vs 0.877 (90/10), 0.906 vs 0.896 (authors' split),
    # ~7 min on one thread ("Tuned MLP preset" in RESULTS.md). Dropout 0 was worse (0.872),
    # dropout 0.2 tied (0.881). `auto` (> 20 nt: framepool) keeps its own preset.
    # additive=True (a linear path beside the hidden layers) and the batch of
    # mlp_batch_size(): small protein DMS tables fell below ridge without them (2,000 TDP-43
    # variants: R2 0.01 against ridge 0.77); sd_kuo2020 unchanged (0.881). RESULTS.md,
    # "Small tables".
    ("mlp", "regression"): (dict(hidden=(512, 256, 128), dropout=0.1, batch_norm=True,
                                 additive=True),
                            dict(epochs=80, batch_size=1024, learning_rate=3e-3,
                                 optimizer="adamw", weight_decay=1e-3, patience=10)),
    ("optimus", "regression"): (dict(filters=120, kernel_size=8, n_conv=3, hidden=40, dropout=0.2),
                                dict(epochs=30, batch_size=128, learning_rate=1e-3,
                                     optimizer="adam", weight_decay=0.0, patience=5)),
    # framepool: 64 filters a layer, not the published 128: the same R2 on utr_sample2019
    # (5-fold CV, both sets; single networks and 3-network ensembles) for a 3.5 times
    # shorter epoch ("FramePool width" in RESULTS.md). model_params={"filters": (128,) * 3}
    # gives the published width. position_gate (a gate per filter and distance from the 3'
    # end): +0.01 R2 on both utr_sample2019 sets (5-fold CV) and +0.12 on a simulated
    # promoter MPRA of 8,000 sequences, where plain FramePool cannot tell a -35 box at its
    # place from one elsewhere ("a gate per distance from the 3' end" in RESULTS.md).
    ("framepool", "regression"): (dict(filters=(64, 64, 64), position_gate=True),
                                  dict(epochs=30, batch_size=128, learning_rate=1e-3,
                                       optimizer="adamw", weight_decay=1e-3, patience=5)),
    ("dilated-cnn", "regression"): ({}, dict(epochs=50, batch_size=64, learning_rate=1e-3,
                                              optimizer="adamw", weight_decay=1e-2,
                                              patience=8)),
    ("legnet", "regression"): (dict(channels=(32, 32, 32), expand=2, head="flatten"),
                               dict(epochs=30, batch_size=128, learning_rate=1e-3,
                                    optimizer="adamw", weight_decay=1e-2, patience=5)),
    # default: mlp up to 20 nt and for variant libraries (it then takes the mlp preset),
    # framepool otherwise, with the framepool preset (models/regression.py, build_auto;
    # measured in RESULTS.md)
    ("auto", "regression"): ({}, dict(epochs=30, batch_size=128, learning_rate=1e-3,
                                      optimizer="adamw", weight_decay=1e-3, patience=5)),
}
_FALLBACK_TRAINING = dict(epochs=50, batch_size=128, learning_rate=1e-3, optimizer="adam",
                          weight_decay=0.0, patience=10)


#: The MLP's batch on small tables: about 16 gradient steps an epoch, never below this.
MLP_MIN_BATCH = 64
#: The convolutional regression presets' batch on small tables (FramePool, LegNet): about
#: 50 gradient steps an epoch, never below this.
CNN_MIN_BATCH = 32
#: The models whose batch follows :func:`cnn_batch_size`.
CNN_SMALL_TABLE_MODELS = ("framepool", "legnet")


def _batch_for_steps(n_rows: int, steps: int, smallest: int, preset: int) -> int:
    """A power of two near ``n_rows / steps``, at least ``smallest``, at most ``preset``."""
    near = 2 ** round(math.log2(max(n_rows, 1) / steps))
    return int(min(preset, max(smallest, near)))


def mlp_batch_size(n_rows: int, preset: int) -> int:
    """Batch of the regression MLP for ``n_rows`` training rows: ``preset`` (1024) on large
    tables, a power of two near ``n_rows / 16`` (at least 64) on smaller ones.

    With 1024 a table of 2,000 rows gets two gradient steps an epoch and early stopping
    ends training before it learns (RESULTS.md, "small tables"): 1,000 rows train with 64,
    5,000 with 256, and from about 12,000 rows on with 1024.
    """
    return _batch_for_steps(n_rows, 16, MLP_MIN_BATCH, preset)


def cnn_batch_size(n_rows: int, preset: int) -> int:
    """Batch of the FramePool and LegNet regression presets for ``n_rows`` training rows:
    ``preset`` (128) from about 4,600 rows on, a power of two near ``n_rows / 50`` (at least
    32) on smaller tables.

    The presets were tuned on 5' UTR folds of 6,080 rows, about 50 steps an epoch at 128.
    On 1,600 rows that batch gives 12 steps an epoch, and early stopping (patience 5) may
    end training before the network has learnt: with 32, FramePool's test R² rose by 0.05-0.19
    on 800 5' UTRs and simulated promoters and by up to 0.08 on 1,600; on 3,200 the batch made
    no measurable difference (RESULTS.md, "Small tables for the CNNs").
    """
    return _batch_for_steps(n_rows, 50, CNN_MIN_BATCH, preset)


#: Sequences up to this length (SD cores, RBSs, short combinatorial libraries) give the
#: regression MLP motif features and a plateau schedule (below).
SHORT_MLP_MAX_LENGTH = 20
# On sd_kuo2020 (9 nt, 90/10 split, seed 0) 64 motif filters of widths 3/5/7 beside the
# one-hot and a learning rate divided by 5 when the validation loss stalls raised test R2
# from 0.881 to 0.890 (benchmarks/RESULTS.md, "Motif features"). Longer variant libraries
# (proteins) keep the plain MLP: their feature count would grow with the length.
_SHORT_MLP = (dict(conv_filters=64), dict(schedule="plateau"))
# One network on a large table (above AUTO_ENSEMBLE_MAX_ROWS, where n_models="auto" trains
# one) also keeps a moving average of its weights over 5 epochs (train.fit's
# average_epochs): +0.002 / +0.004 on sd_kuo2020 (seeds 0 / 1). On small tables, where five
# networks are averaged anyway, it lost up to 0.02 (RESULTS.md, "Weight average").
SHORT_MLP_AVERAGE_EPOCHS = 5


def presets(model: str, task: str, input_length: int | None = None,
            n_rows: int | None = None) -> tuple[dict, dict]:
    """Measured model parameters and training settings of ``model`` for ``task``.

    Parameters
    ----------
    model, task : str
    input_length : int, optional
        Sequence length ``L``: the regression MLP of sequences up to
        ``SHORT_MLP_MAX_LENGTH`` also takes motif features and a plateau schedule.
    n_rows : int, optional
        Training rows: above ``AUTO_ENSEMBLE_MAX_ROWS`` that MLP also averages its
        weights over ``SHORT_MLP_AVERAGE_EPOCHS`` epochs; on small regression tables the
        MLP, FramePool and LegNet take smaller batches (:func:`mlp_batch_size`,
        :func:`cnn_batch_size`).

    Returns
    -------
    params, training : dict
        Copies, safe to change.
    """
    params, training = _PRESETS.get((model, task), ({}, _FALLBACK_TRAINING))
    params, training = dict(params), dict(training)
    if (model, task) == ("mlp", "regression") and input_length is not None \
            and input_length <= SHORT_MLP_MAX_LENGTH:
        params.update(_SHORT_MLP[0])
        training.update(_SHORT_MLP[1])
        if n_rows is not None and n_rows > AUTO_ENSEMBLE_MAX_ROWS:
            training["average_epochs"] = SHORT_MLP_AVERAGE_EPOCHS
    if n_rows is not None and task == "regression":  # small tables: smaller batches
        if model == "mlp":
            training["batch_size"] = mlp_batch_size(n_rows, training["batch_size"])
        elif model in CNN_SMALL_TABLE_MODELS:
            training["batch_size"] = cnn_batch_size(n_rows, training["batch_size"])
    return params, training


