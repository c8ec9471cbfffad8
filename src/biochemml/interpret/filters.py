"""The motifs a network's first-layer convolution filters learnt.

Each filter of a convolution that reads the one-hot directly is a motif detector of its
width. Its motif is read from the data, as in DeepBind (Alipanahi et al. 2015) and Basset
(Kelley et al. 2016): every window of the given sequences where the filter's output reaches
``threshold`` times its largest output is an instance, and the instances' letter counts make a
position frequency matrix. The result is an ordinary :class:`biochemml.motifs.PWM`, to draw as
a logo, scan with, or write to a MEME file for Tomtom.
"""
from __future__ import annotations

import numpy as np

from ..alphabets import DNA, RNA, get_alphabet
from ..errors import InputError, ModelError


def _first_convs(net, n_channels: int) -> list:
    import torch.nn as nn

    return [m for m in net.modules() if isinstance(m, nn.Conv1d)
            and m.in_channels == n_channels and m.groups == 1]


def _left_pad(conv) -> int:
    """Positions of padding before the sequence in the convolution's input."""
    k, d = conv.kernel_size[0], conv.dilation[0]
    if conv.padding == "same":
        return d * (k - 1) // 2
    if conv.padding == "valid":
        return 0
    return int(conv.padding[0])


class _FirstLayer:
    """A fitted model's network, its convolutions on the one-hot, and ``sequences`` as it
    reads them, with a forward pass that lets hooks see (or replace) those convolutions'
    outputs."""

    def __init__(self, model, sequences, member: int, purpose: str):
        import torch

        from .mutagenesis import as_model, display_symbols, sequence_list

        model = as_model(model)
        nets = getattr(model, "models_", None)
        if not nets or not isinstance(nets[0], torch.nn.Module):
            raise ModelError(f"{type(model).__name__} has no trained network to {purpose} "
                             "(a baseline or an unfitted model): use mutagenesis() instead")
        if isinstance(member, bool) or not isinstance(member, (int, np.integer)) \
                or not 0 <= member < len(nets):
            raise InputError(f"member must be 0 to {len(nets) - 1} for this ensemble, got {member!r}")
        self.alphabet = get_alphabet(model.alphabet)
        self.n_channels = self.alphabet.size
        self.net = nets[member]
        self.convs = _first_convs(self.net, self.n_channels)
        if not self.convs:
            raise ModelError(f"the {getattr(model, 'model_name_', 'model')} network has no "
                             "convolution on the sequence (an MLP without motif features): "
                             "use mutagenesis() instead")
        seqs = sequence_list(sequences, purpose)
        # the letters the sequences are written in: an RNA table on a DNA model reads its
        # motifs in U, as its mutagenesis maps do
        letters = display_symbols(model, seqs)[0]
        self.letters = next((a for a in (DNA, RNA) if a.symbols == letters), self.alphabet)
        self.unknown = model.unknown
        self.codes = model._codes(seqs, fitting=False)  # (N, L) as the model reads them

    def run(self, visit=None, replace=None) -> np.ndarray:
        """Forward every sequence (:func:`biochemml.train.predict`); return the network's raw
        outputs ``(N, K)``.

        ``visit(conv index, rows, outputs)`` sees each first-layer convolution's output
        ``(B, F, L_out)`` (numpy) batch by batch; ``replace(conv index, output)`` may return
        a tensor to use instead.
        """
        from ..train import predict

        state = {"next": 0}

        def batch_in(module, args):  # the one-hot batch, and which rows of codes it holds
            state["x"] = args[0]
            state["rows"] = slice(state["next"], state["next"] + len(args[0]))
            state["next"] += len(args[0])

        def hook(j):
            def on_output(module, inputs, output):
                if inputs[0] is not state["x"]:  # a deeper convolution of the same width
                    return None
                if visit is not None:
                    visit(j, state["rows"], output.float().cpu().numpy())
                return replace(j, output) if replace is not None else None
            return on_output

        hooks = [self.net.register_forward_pre_hook(batch_in)]
        hooks += [conv.register_forward_hook(hook(j)) for j, conv in enumerate(self.convs)]
        try:  # batches of 1024: a visit holds one batch's (B, F, L_out) outputs in memory
            return predict(self.net, self.codes, self.n_channels, batch_size=1024,
                           unknown=self.unknown)
        finally:
            for h in hooks:
                h.remove()

    def names(self) -> list:
        """``(conv index, filter index, name)`` of every filter."""
        widths = {conv.kernel_size[0] for conv in self.convs}
        return [(j, f, f"filter_{f}" + (f"_width{conv.kernel_size[0]}" if len(widths) > 1 else ""))
                for j, conv in enumerate(self.convs) for f in range(conv.out_channels)]


#: sequences (a seeded sample of larger inputs) on which filter_motifs measures each
#: filter's influence to order its motifs, as ``biochemml interpret`` does
INFLUENCE_SEQUENCES = 1000
#: the orders filter_motifs can give its motifs in
ORDERS = ("influence", "information")


def filter_motifs(model, sequences, *, threshold: float = 0.5, min_sites: int = 10,
                  pseudocounts: float = 0.5, member: int = 0, order: str = "influence",
                  influence=None) -> list:
    """Motifs of the first-layer convolution filters, read from the windows that excite them.

    Parameters
    ----------
    model : fitted estimator or str or Path
        A :class:`biochemml.SequenceClassifier` or :class:`biochemml.SequenceRegressor`
        whose network has convolutions on the one-hot (``cnn``, ``lecture-cnn``,
        ``optimus``, ``legnet``, ``dilated-cnn``, FramePool, or the ``mlp`` with motif
        features), a model file written by its ``save()`` method, or a run folder written
        by ``biochemml train``.
    sequences : str or sequence of str
        Sequences to read the motifs from, typically the training or test sequences
        (their positives for a classifier).
    threshold : float, default 0.5
        A window is an instance of a filter when the filter's output there is at least this
        fraction of its largest output over all windows (DeepBind and Basset use 0.5).
    min_sites : int, default 10
        Filters with fewer instances are left out (they fire on too little to say).
    pseudocounts : float, default 0.5
        Added to each count of the frequency matrix (see :meth:`biochemml.motifs.PWM.from_matrix`).
    member : int, default 0
        Which network of an ensemble to read; each member learns its own filters.
    order : {"influence", "information"}, default "influence"
        How the motifs are sorted. ``"influence"``: the most influential filter first, as
        ``biochemml interpret`` lists them in ``filter_motifs.csv``; the influence is
        :func:`filter_influence` on ``sequences`` (a seeded sample of 1,000 of them when
        there are more), unless given in ``influence``. So ``motifs[0]`` is the filter
        the predictions rest on most. ``"information"``: the highest information content
        first (no extra passes over the sequences); beware that a filter read from few
        windows looks sharp by chance, so the first of this order can be noise.
    influence : pandas.Series, optional
        The output of :func:`filter_influence` for this model and member, to order by
        without measuring it again.

    Returns
    -------
    list of biochemml.motifs.PWM
        One PWM per filter with at least ``min_sites`` instances, named ``"filter_7"`` (and,
        for models with filters of several widths, ``"filter_7_width5"``), its instance
        counts in ``counts`` (shape ``(C, W)``), in the ``order`` asked for (ties keep the
        information-content order). The motifs are in the letters the sequences are
        written in: RNA motifs (U) from an RNA table, whichever of T or U the model reads.
        Windows that run past either end of a sequence or hold an ``N`` are not used.

    Examples
    --------
    >>> motifs = filter_motifs(clf, train.sequence)             # doctest: +SKIP
    >>> motifs[0].name, motifs[0].consensus   # the most influential filter  # doctest: +SKIP
    """
    from ..motifs.pwm import PWM

    if not 0 < threshold <= 1:
        raise InputError(f"threshold must be above 0 and at most 1, got {threshold}")
    if order not in ORDERS:
        raise InputError(f"order must be {' or '.join(map(repr, ORDERS))}, got {order!r}")
    if influence is not None and not hasattr(influence, "get"):
        raise InputError("influence must be the pandas Series filter_influence() returns "
                         f"(filter name -> influence), not a {type(influence).__name__}")
    from .mutagenesis import as_model

    model = as_model(model)  # loaded once, should influence be measured too
    layer = _FirstLayer(model, sequences, member, "read filter motifs from")
    convs, codes, c, run = layer.convs, layer.codes, layer.n_channels, layer.run
    best = [np.full(conv.out_channels, -np.inf) for conv in convs]

    def find_max(j, rows, out):
        np.maximum(best[j], out.max(axis=(0, 2)), out=best[j])

    run(find_max)
    counts = [np.zeros((conv.out_channels, conv.kernel_size[0], c)) for conv in convs]

    def count(j, rows, out):
        conv = convs[j]
        k, d = conv.kernel_size[0], conv.dilation[0]
        cut = np.where(best[j] > 0, threshold * best[j], np.inf)  # a filter never positive: none
        n, f, i = np.nonzero(out >= cut[None, :, None])
        if not n.size:
            return
        starts = i - _left_pad(conv)
        block = codes[rows]
        offsets = starts[:, None] + d * np.arange(k)[None, :]          # (hits, k)
        inside = (offsets >= 0) & (offsets < block.shape[1])
        letters = np.where(inside, block[n[:, None], np.clip(offsets, 0, block.shape[1] - 1)], 255)
        whole = (letters < c).all(axis=1)  # no padding, no N, no end of the sequence
        f, letters = f[whole], letters[whole]
        flat = (f[:, None] * k + np.arange(k)[None, :]) * c + letters
        counts[j] += np.bincount(flat.ravel(), minlength=counts[j].size).reshape(counts[j].shape) \
            if flat.size else 0

    run(count)
    motifs = []
    for j, f, name in layer.names():
        m = counts[j][f].T  # (C, W)
        if int(m[:, 0].sum()) < min_sites:
            continue
        motifs.append(PWM.from_matrix(m, pseudocounts=pseudocounts, alphabet=layer.letters,
                                      name=name))
    motifs.sort(key=lambda p: -float(p.information_content().sum()))
    if order == "influence" and motifs:
        if influence is None:
            seqs = _seeded_sample(_sequence_list(sequences), INFLUENCE_SEQUENCES)
            influence = filter_influence(model, seqs, member=member)
        motifs.sort(key=lambda p: -float(influence.get(p.name, 0.0)))  # stable: ties by IC
    return motifs


def _sequence_list(sequences) -> list:
    from .mutagenesis import sequence_list

    return sequence_list(sequences, "read filter motifs from")


def _seeded_sample(items: list, n: int) -> list:
    """``items`` when there are at most ``n``, else ``n`` of them drawn with seed 0, in order."""
    if len(items) <= n:
        return items
    keep = np.sort(np.random.default_rng(0).permutation(len(items))[:n])
    return [items[i] for i in keep]


def filter_influence(model, sequences, *, member: int = 0, progress: bool = False):
    """How much each first-layer filter matters to the predictions.

    Each filter in turn is silenced (its output replaced by its mean over every position of
    every sequence, as Basset does; Kelley et al. 2016) and the sequences predicted again.
    A filter that reads a motif the model relies on moves the predictions; a filter the
    model ignores does not, however sharp its motif looks.

    Parameters
    ----------
    model : fitted estimator or str or Path
        As for :func:`filter_motifs`.
    sequences : sequence of str
        The sequences to predict; a few hundred to a few thousand are enough (each filter
        costs one pass over them).
    member : int, default 0
        Which network of an ensemble.
    progress : bool
        Show a progress bar over the filters.

    Returns
    -------
    pandas.Series
        Indexed by filter name (as :func:`filter_motifs` names them), sorted from the most
        influential: the root mean square change of the network's raw output (logits for a
        classifier, the standardised target for a regressor) over the sequences and outputs.
    """
    import pandas as pd

    from ..progress import progress_bar

    layer = _FirstLayer(model, sequences, member, "measure filter influence on")
    sums = [np.zeros(conv.out_channels) for conv in layer.convs]
    n_values = [0] * len(layer.convs)

    def add(j, rows, out):
        sums[j] += out.sum(axis=(0, 2))
        n_values[j] += out.shape[0] * out.shape[2]

    base = layer.run(visit=add)
    means = [s / max(n, 1) for s, n in zip(sums, n_values)]
    influence = {}
    names = layer.names()
    with progress_bar(len(names), "Silencing filters", enabled=progress) as advance:
        for j, f, name in names:
            def silence(k, output, j=j, f=f):
                if k != j:
                    return None
                output = output.clone()
                output[:, f] = float(means[j][f])
                return output
            changed = layer.run(replace=silence)
            influence[name] = float(np.sqrt(np.mean((changed - base) ** 2)))
            advance()
    return pd.Series(influence, name="influence").sort_values(ascending=False)
