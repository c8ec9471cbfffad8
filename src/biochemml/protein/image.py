"""A 2D CNN on distance-map images for variants of one protein (plain PyTorch).

:class:`DistanceMapCNNRegressor` reads each mutation as a small *image*: the C-beta
distance map of the ``patch_size`` residues nearest the mutated one (rows and columns in
sequence order, so helices and strands keep their familiar bands), with channels

* **geometry** (fixed, per patch) - five radial-basis channels of the C-beta distance
  (4-14 A), a backbone-neighbour channel (residues adjacent in the sequence), the
  sequence separation ``log(1 + |i - j|) / log(1 + L)``, and a cross marking the row and
  the column of the mutated residue;
* **residues and mutations** (learned) - every residue's features (amino acid, burial,
  solvent accessibility, secondary structure, B-factor/pLDDT, the training-label channels
  of :class:`~biochemml.protein.graph.GraphVariantRegressor`, and on the mutated residues
  the substitution: wild-type and new amino acid, BLOSUM62, changes of hydropathy, volume,
  charge, polarity, helix and strand propensity) pass through one linear layer and are
  painted along that residue's row and column (pixel ``(i, j)`` gets residue ``i``'s
  vector and residue ``j``'s vector), so the mutated residue's row and column carry its
  substitution and a pixel sees both partners of a contact.

A stem convolution and ``layers - 1`` residual dilated 3x3 convolutions (dilation 2, 4,
...) follow; the read-out is the mean and the maximum of the mutated residue's row of the
last feature map, joined with its input features, through a small MLP: one effect per
mutation, and a variant's prediction is the sum over its mutations (as in the graph
model; mutations inside one patch see each other's substitution channels).

Why crops, not the full ``L x L`` map per variant: a patch of 24-32 residues holds the
residue's whole 3-D neighbourhood (about 10-12 A), costs ``K**2`` pixels instead of
``L**2`` and makes the model cheap enough for a CPU. Training (leave-one-out label
channels, residues hidden at random every epoch, seeds, ``n_models``) is that of
:class:`~biochemml.protein.graph.GraphVariantRegressor`, which this class extends.
"""
from __future__ import annotations

import numpy as np

from .graph import RBF_CENTRES, RBF_WIDTH, GraphVariantRegressor

#: Names of the fixed image channels, in order.
IMAGE_CHANNELS = tuple(f"rbf_{c:g}A" for c in RBF_CENTRES) + (
    "backbone_neighbour", "sequence_separation", "mutated_row", "mutated_column")
_ROW = IMAGE_CHANNELS.index("mutated_row")


def _cnn(n_in: int, n_img: int, hidden: int, layers: int, embed: int, dropout: float):
    import torch
    from torch import nn

    class PatchCNN(nn.Module):
        """x (B, K, F) residue features and img (B, C, K, K) geometry -> (B,) effects."""

        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(n_in, embed)
            self.stem = nn.Conv2d(n_img + 2 * embed, hidden, 3, padding=1)
            self.convs = nn.ModuleList(
                nn.Conv2d(hidden, hidden, 3, padding=2 ** (i + 1), dilation=2 ** (i + 1))
                for i in range(max(layers - 1, 0)))
            self.norms = nn.ModuleList(nn.GroupNorm(1, hidden) for _ in self.convs)
            self.readout = nn.Sequential(nn.Linear(2 * hidden + n_in, hidden), nn.ReLU(),
                                         nn.Dropout(dropout), nn.Linear(hidden, 1))

        def forward(self, x, img):
            k = x.shape[1]
            e = self.embed(x).transpose(1, 2)  # (B, E, K)
            z = torch.cat([img, e[:, :, :, None].expand(-1, -1, k, k),
                           e[:, :, None, :].expand(-1, -1, k, k)], dim=1)
            h = torch.relu(self.stem(z))
            for conv, norm in zip(self.convs, self.norms):
                h = norm(h + torch.relu(conv(h)))
            pick = img[:, _ROW, :, 0]  # (B, K): one-hot of the mutated residue's row
            row = torch.einsum("bchw,bh->bcw", h, pick)
            centre = torch.einsum("bkf,bk->bf", x, pick)
            feat = torch.cat([row.mean(dim=2), row.amax(dim=2), centre], dim=1)
            return self.readout(feat).squeeze(1)

    return PatchCNN()


class DistanceMapCNNRegressor(GraphVariantRegressor):
    """2D CNN on a crop of the distance map around each mutated residue.

    Parameters
    ----------
    wildtype : str
        Wild-type sequence (length ``L``).
    structure : Structure or str or Path, optional
        Wild-type structure whose sequence (of ``chain``) equals ``wildtype``; None gives
        the image of an ideal straight chain (3.8 A per residue; sequence-only).
    offset : int
        Number of the first residue in the variants' numbering.
    chain : str, optional
    patch_size : int
        Image side ``K``: the residues nearest the mutated one (by C-beta distance),
        shown in sequence order.
    channels : int
        Feature maps per convolution.
    layers : int
        Convolutions: a 3x3 stem, then ``layers - 1`` residual dilated 3x3 ones.
    embed : int
        Width of the residue vector painted along rows and columns.
    epochs, batch_size, learning_rate, weight_decay, dropout, hide_fraction,
    label_channels, n_models, n_threads, ss_method, seed
        As in :class:`~biochemml.protein.graph.GraphVariantRegressor`.

    Attributes
    ----------
    networks_ : list of torch.nn.Module
    history_ : list of float
        Mean training loss per epoch (of the first network).

    Examples
    --------
    >>> m = DistanceMapCNNRegressor("MKTAYIAKQR", epochs=3, channels=4, patch_size=6)
    >>> m.fit(["K1R", "T2S", "A3G"], [0.0, 1.0, 0.5]).predict(["K1R:T2S"]).shape
    (1,)
    """

    def __init__(self, wildtype: str, structure=None, offset: int = 0, chain=None,
                 patch_size: int = 24, channels: int = 24, layers: int = 3, embed: int = 12,
                 epochs: int = 10, batch_size: int = 128, learning_rate: float = 3e-3,
                 weight_decay: float = 1e-3, dropout: float = 0.2, hide_fraction: float = 0.3,
                 label_channels: bool = True, n_models: int = 1, n_threads: int | None = 1,
                 ss_method: str = "ca", seed: int = 0):
        super().__init__(wildtype, structure, offset=offset, chain=chain,
                         patch_size=patch_size, hidden=channels, rounds=layers, epochs=epochs,
                         batch_size=batch_size, learning_rate=learning_rate,
                         weight_decay=weight_decay, dropout=dropout,
                         hide_fraction=hide_fraction, label_channels=label_channels,
                         n_models=n_models, n_threads=n_threads, ss_method=ss_method,
                         seed=seed)
        self.channels = channels
        self.layers = layers
        self.embed = embed

    def _patches(self, dist: np.ndarray) -> np.ndarray:
        """The nearest residues of each residue, in sequence order: (L, K) indices."""
        return np.sort(super()._patches(dist), axis=1)

    def _pair_inputs(self, dist: np.ndarray, patch: np.ndarray) -> np.ndarray:
        """Fixed image channels of every patch, shape (L, C, K, K); names in IMAGE_CHANNELS."""
        L, k = patch.shape
        d = dist[patch[:, :, None], patch[:, None, :]]  # (L, K, K)
        centres = np.asarray(RBF_CENTRES)[None, :, None, None]
        rbf = np.exp(-((d[:, None] - centres) / RBF_WIDTH) ** 2)
        sep = np.abs(patch[:, :, None] - patch[:, None, :]).astype(np.float64)
        row = (patch == np.arange(L)[:, None]).astype(np.float64)  # (L, K) the residue itself
        cross_row = np.broadcast_to(row[:, :, None], (L, k, k))
        cross_col = np.broadcast_to(row[:, None, :], (L, k, k))
        img = np.concatenate([rbf, (sep == 1)[:, None], (np.log1p(sep) / np.log1p(L))[:, None],
                              cross_row[:, None], cross_col[:, None]], axis=1)
        return img.astype(np.float32)

    def _make_network(self, n_in: int):
        return _cnn(n_in, len(IMAGE_CHANNELS), self.channels, self.layers, self.embed,
                    self.dropout)

    def images(self, variants) -> np.ndarray:
        """The fixed image channels of every mutation of ``variants`` (after ``fit``).

        Returns
        -------
        ndarray of float32, shape (M, C, K, K)
            One image per mutation, in the order of
            :func:`~biochemml.protein.mutations.variant_table`; channel names in
            :data:`IMAGE_CHANNELS`.
        """
        from ..errors import InputError
        from .features import mutation_codes

        if not hasattr(self, "_adj"):
            raise InputError("this model is not fitted yet; call fit(variants, y) first")
        _, index, _ = mutation_codes(list(variants), self.wildtype, self.offset)
        return self._adj[index]
