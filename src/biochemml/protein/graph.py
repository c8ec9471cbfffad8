"""A message-passing network over the residue graph for variants of one protein (plain PyTorch).

:class:`GraphVariantRegressor` reads a variant as the wild-type structure with its
mutated residues marked:

* **nodes** - every residue: amino-acid one-hot, C-beta burial, relative solvent
  accessibility, secondary structure, relative position, the B-factor
  (pLDDT in AlphaFold models) standardised within the structure, and two *label*
  channels: the mean training effect of the variants mutated at that residue and
  whether there is any (so messages carry what the data say about spatial
  neighbours). A mutated residue's node also carries the substitution: from and to
  amino-acid one-hot (the stop ``*`` as its own channel), BLOSUM62, the changes of
  hydropathy, volume, charge, polarity, helix and strand propensity, and a "mutated" flag.
* **edges** - residue pairs inside one *patch*: the ``patch_size`` residues nearest (by
  C-beta distance) to a mutated residue. The edge length enters through radial basis
  functions (4-13 A), one weight matrix per basis (a continuous-filter convolution).
* ``rounds`` rounds of residual message passing, then a read-out at the mutated residue
  (its final embedding plus its input features) gives one effect per mutation; a
  variant's prediction is the sum over its mutations. Mutations close enough to share
  a patch see each other's substitution channels, so the model is not purely additive.

Why patches, not the whole graph for each variant: after ``rounds`` rounds, the read-out
at a residue depends only on residues at most ``rounds`` edges away, so one patch per
mutation holds all that matters (exactly so when the patch covers that neighbourhood,
nearly so otherwise) and a batch costs ``patch_size**2`` per mutation instead of
``L**2`` per variant. TEM-1's 4,996 single mutants take well under a second per epoch.

Why a plain PyTorch loop, not :func:`biochemml.train.fit`: the inputs are not arrays of a
fixed shape per example but variable sets of mutations on one shared graph, and the
label channels are re-drawn every epoch (leave-one-out and hidden positions, below);
the Lightning entry point takes fixed tensors.

Label channels never leak: a training variant's own label is removed from the
statistics of the residues it mutates (leave-one-out), and every epoch a random
``hide_fraction`` of residues have their statistics hidden, so the network learns both
the case of residues seen in training and of residues never seen (a by-position split).
Without a structure the graph is the chain (residues 3.8 A apart per sequence step):
the sequence-only version of the same model.
"""
from __future__ import annotations

import numpy as np

from ..alphabets import PROTEIN
from ..errors import InputError
from ..seeding import seeded
from .features import mutation_codes

AA = PROTEIN.symbols
RBF_CENTRES = (4.0, 6.5, 9.0, 11.5, 14.0)
RBF_WIDTH = 2.0


def substitution_features(wt_codes: np.ndarray, mt_codes: np.ndarray) -> np.ndarray:
    """Per-mutation substitution channels, shape (M, 50).

    From one-hot (20), to one-hot (21, stop last), then BLOSUM62 / 4 and the changes of
    hydropathy / 4, volume / 50, charge, polarity / 5, helix penalty and strand
    propensity (scales in :mod:`biochemml.protein.models`), a mutated flag and a to-stop
    flag.
    """
    from .models import (CHARGE, HELIX_PENALTY, HYDROPATHY, POLARITY, STRAND, VOLUME,
                         _blosum62)

    m = wt_codes.size
    out = np.zeros((m, 50), dtype=np.float32)
    out[np.arange(m), wt_codes] = 1.0
    out[np.arange(m), 20 + mt_codes] = 1.0
    out[:, 41] = _blosum62()[wt_codes, mt_codes] / 4.0
    for j, (scale, unit) in enumerate(((HYDROPATHY, 4.0), (VOLUME, 50.0), (CHARGE, 1.0),
                                       (POLARITY, 5.0), (HELIX_PENALTY, 1.0), (STRAND, 1.0))):
        out[:, 42 + j] = (scale[mt_codes] - scale[wt_codes]) / unit
    out[:, 48] = 1.0
    out[:, 49] = (mt_codes == 20).astype(np.float32)
    return out


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, e)`` for every pair, vectorised."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return np.arange(total, dtype=np.int64) + offsets


def _network(n_in: int, hidden: int, rounds: int, n_rbf: int, dropout: float):
    import torch
    from torch import nn

    class PatchMessagePassing(nn.Module):
        """Residual message passing on patches: x (B, K, F), adjacency (B, R, K, K) -> (B,)."""

        def __init__(self):
            super().__init__()
            self.embed = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU())
            self.message = nn.ModuleList(nn.Linear(hidden, n_rbf * hidden, bias=False)
                                         for _ in range(rounds))
            self.update = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(rounds))
            self.norm = nn.ModuleList(nn.LayerNorm(hidden) for _ in range(rounds))
            self.readout = nn.Sequential(nn.Linear(hidden + n_in, hidden), nn.ReLU(),
                                         nn.Dropout(dropout), nn.Linear(hidden, 1))

        def forward(self, x, adj):
            b, k, _ = x.shape
            r = adj.shape[1]
            # (B, R, K, K) -> (B, K, R*K): one bmm sums messages over neighbours and bases.
            a = adj.permute(0, 2, 1, 3).reshape(b, k, r * k)
            h = self.embed(x)
            for msg, upd, norm in zip(self.message, self.update, self.norm):
                hw = msg(h).view(b, k, r, -1).permute(0, 2, 1, 3).reshape(b, r * k, -1)
                h = norm(h + torch.relu(upd(h) + torch.bmm(a, hw)))
            return self.readout(torch.cat([h[:, 0], x[:, 0]], dim=1)).squeeze(1)

    return PatchMessagePassing()


class GraphVariantRegressor:
    """Message passing over the wild-type residue graph with the mutated residues marked.

    Parameters
    ----------
    wildtype : str
        Wild-type sequence (length ``L``).
    structure : Structure or str or Path, optional
        Wild-type structure whose sequence (of ``chain``) equals ``wildtype``; None gives
        the chain graph (sequence-only).
    offset : int
        Number of the first residue in the variants' numbering.
    chain : str, optional
    patch_size : int
        Residues per patch (nearest by C-beta distance, the mutated one first).
    hidden : int
        Embedding width.
    rounds : int
        Rounds of message passing.
    epochs, batch_size, learning_rate, weight_decay, dropout : training settings
        (Adam, cosine-decayed learning rate, ``batch_size`` variants per step).
    hide_fraction : float
        Fraction of residues whose label channels are hidden in each epoch.
    label_channels : bool
        Give nodes the training-label statistics (off: structure and substitution only).
    n_models : int
        Average this many networks trained with seeds ``seed, seed+1, ...``.
    ss_method : {"ca", "dssp", "auto"}
        Secondary structure of the nodes (see :func:`biochemml.structure.secondary_structure`):
        the C-alpha approximation (default; DSSP was no better on TEM-1's training
        positions, see :class:`~biochemml.protein.models.StructureAwareRegressor`) or DSSP.
    n_threads : int or None
        Torch threads while fitting and predicting (restored afterwards); None keeps
        torch's setting. The per-patch products are small: more threads gain little and,
        on a busy machine, cost several-fold.
    seed : int
        Seeds initialisation, batches and hidden residues; same seed, same model.

    Attributes
    ----------
    networks_ : list of torch.nn.Module
    y_mean_, y_scale_ : float
        Targets are standardised for training.
    wildtype_z_ : float
        The wild type's prediction (standardised): the mean of its training rows (variants
        without a mutation), or 0 (the mean of all) when none was measured. Each mutant is
        predicted from its mutations; the wild type has none, so it is its measurement.
    history_ : list of float
        Mean training loss per epoch (of the first network).

    Examples
    --------
    >>> m = GraphVariantRegressor("MKTAYIAKQR", epochs=5, hidden=8).fit(["K1R", "T2S"], [0.0, 1.0])
    >>> m.predict(["K1R", "T2S:A3G"]).shape
    (2,)
    """

    def __init__(self, wildtype: str, structure=None, offset: int = 0, chain=None,
                 patch_size: int = 32, hidden: int = 48, rounds: int = 3, epochs: int = 60,
                 batch_size: int = 128, learning_rate: float = 3e-3, weight_decay: float = 1e-4,
                 dropout: float = 0.1, hide_fraction: float = 0.3, label_channels: bool = True,
                 n_models: int = 1, n_threads: int | None = 1, ss_method: str = "ca",
                 seed: int = 0):
        self.wildtype = wildtype
        self.ss_method = ss_method
        self.structure = structure
        self.offset = offset
        self.chain = chain
        self.patch_size = patch_size
        self.hidden = hidden
        self.rounds = rounds
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.hide_fraction = hide_fraction
        self.label_channels = label_channels
        self.n_models = n_models
        self.n_threads = n_threads
        self.seed = seed

    # -- the graph ------------------------------------------------------------------
    def _residues(self):
        """Static node features (L, F) and C-beta distances (L, L)."""
        wt = self.wildtype.strip().upper()
        L = len(wt)
        codes = np.array([AA.find(c) for c in wt])
        if (codes < 0).any():
            raise InputError(f"the wild type has a non-standard residue "
                             f"'{wt[int(np.flatnonzero(codes < 0)[0])]}'")
        cols = [np.eye(20, dtype=np.float32)[codes],
                (np.arange(L) / max(L - 1, 1))[:, None]]
        if self.structure is None:
            idx = np.arange(L, dtype=np.float64)
            return np.hstack(cols).astype(np.float32), 3.8 * np.abs(idx[:, None] - idx[None])
        from .models import StructureAwareRegressor

        probe = StructureAwareRegressor(wt, self.structure, offset=self.offset, chain=self.chain,
                                        ss_method=getattr(self, "ss_method", "ca"))
        table = probe._residue_table()  # checks the structure against the wild type
        ss = table["secondary_structure"].to_numpy()
        b = table["bfactor"].to_numpy(float)
        cols += [table["burial"].to_numpy(float)[:, None] / 20.0,
                 table["rsa"].to_numpy(float)[:, None],
                 np.stack([ss == "H", ss == "E", ss == "C"], axis=1),
                 ((b - b.mean()) / (b.std() or 1.0))[:, None]]
        return np.hstack(cols).astype(np.float32), probe._cb_distance

    def _build_graph(self):
        static, dist = self._residues()
        L = static.shape[0]
        patch = self._patches(dist)
        k = patch.shape[1]
        slot = np.full((L, L), -1, dtype=np.int64)
        slot[np.repeat(np.arange(L), k), patch.ravel()] = np.tile(np.arange(k), L)
        self._static, self._patch, self._slot = static, patch, slot
        self._adj = self._pair_inputs(dist, patch)

    def _patches(self, dist: np.ndarray) -> np.ndarray:
        """The ``patch_size`` residues nearest each residue, itself first: (L, K) indices."""
        L = dist.shape[0]
        k = min(self.patch_size, L)
        # Stable sort on (distance, index) keeps the residue itself in slot 0.
        return np.argsort(dist + np.eye(L) * -1.0, axis=1, kind="stable")[:, :k]

    def _pair_inputs(self, dist: np.ndarray, patch: np.ndarray) -> np.ndarray:
        """Edge weights of every patch: radial basis functions of the distance, (L, R, K, K)."""
        k = patch.shape[1]
        d = dist[patch[:, :, None], patch[:, None, :]]  # (L, K, K)
        centres = np.asarray(RBF_CENTRES)[None, :, None, None]
        adj = np.exp(-((d[:, None] - centres) / RBF_WIDTH) ** 2)
        adj *= ~np.eye(k, dtype=bool)
        return (adj / k).astype(np.float32)

    def _make_network(self, n_in: int):
        """A fresh (untrained) network for ``n_in`` node features."""
        return _network(n_in, self.hidden, self.rounds, len(RBF_CENTRES), self.dropout)

    # -- encoding variants ----------------------------------------------------------
    def _encode(self, variants):
        """Mutation rows grouped by variant, and the (mutation, slot, other mutation) pairs."""
        rows, index, res = mutation_codes(variants, self.wildtype, self.offset)
        order = np.argsort(rows, kind="stable")
        rows, index, res = rows[order], index[order], res[order]
        n = len(variants)
        starts = np.searchsorted(rows, np.arange(n))
        ends = np.searchsorted(rows, np.arange(n), side="right")
        wt_codes = np.array([AA.index(c) for c in self.wildtype.strip().upper()])
        feat = substitution_features(wt_codes[index], res)
        # Ordered pairs of mutations of one variant (a mutation pairs with itself too).
        counts = ends - starts
        pm, po = [], []
        for c in np.unique(counts[counts > 0]):
            s = starts[counts == c]
            a, b = np.meshgrid(np.arange(c), np.arange(c), indexing="ij")
            pm.append((s[:, None] + a.ravel()[None]).ravel())
            po.append((s[:, None] + b.ravel()[None]).ravel())
        pm = np.concatenate(pm) if pm else np.zeros(0, np.int64)
        po = np.concatenate(po) if po else np.zeros(0, np.int64)
        slot = self._slot[index[pm], index[po]]
        keep = slot >= 0
        pm, po, slot = pm[keep], po[keep], slot[keep]
        order = np.argsort(pm, kind="stable")
        pm, po, slot = pm[order], po[order], slot[order]
        return {"rows": rows, "index": index, "feat": feat, "starts": starts, "ends": ends,
                "pair_m": pm, "pair_o": po, "pair_slot": slot,
                "pair_start": np.searchsorted(pm, np.arange(rows.size)),
                "pair_end": np.searchsorted(pm, np.arange(rows.size), side="right")}

    def _batch(self, enc, var_ids, label_sum, label_count, y_var=None, hidden=None):
        """Inputs of one batch: x (B_m, K, F), adjacency (B_m, R, K, K), variant of each mutation."""
        import torch

        m_ids = _ranges(enc["starts"][var_ids], enc["ends"][var_ids])
        p_ids = _ranges(enc["pair_start"][m_ids], enc["pair_end"][m_ids])
        local = np.empty(enc["rows"].size, dtype=np.int64)
        local[m_ids] = np.arange(m_ids.size)
        centre = enc["index"][m_ids]
        nodes = self._patch[centre]  # (B_m, K)
        k = nodes.shape[1]
        parts = [self._static[nodes]]
        chan = np.zeros((m_ids.size, k, enc["feat"].shape[1]), dtype=np.float32)
        pl, ps, po = local[enc["pair_m"][p_ids]], enc["pair_slot"][p_ids], enc["pair_o"][p_ids]
        chan[pl, ps] = enc["feat"][po]
        parts.append(chan)
        if self.label_channels:
            s = label_sum[nodes].copy()
            c = label_count[nodes].copy()
            if y_var is not None:  # leave the variant's own label out of its own residues
                s[pl, ps] -= y_var[enc["rows"][po]]
                c[pl, ps] -= 1.0
            if hidden is not None:
                c = np.where(hidden[nodes], 0.0, c)
            known = c > 0
            mean = np.where(known, s / np.maximum(c, 1.0), 0.0)
            parts.append(np.stack([mean, known], axis=2).astype(np.float32))
        x = torch.from_numpy(np.concatenate(parts, axis=2))
        adj = torch.from_numpy(self._adj[centre])
        return x, adj, torch.from_numpy(enc["rows"][m_ids])

    def _forward(self, net, enc, var_ids, stats, y_var=None, hidden=None):
        import torch

        x, adj, owner = self._batch(enc, var_ids, *stats, y_var=y_var, hidden=hidden)
        per_mutation = net(x, adj)
        lookup = torch.from_numpy(np.searchsorted(var_ids, owner.numpy()))
        out = torch.zeros(var_ids.size, dtype=per_mutation.dtype)
        return out.index_add(0, lookup, per_mutation)

    # -- scikit-learn face --------------------------------------------------------------
    def _threads(self):
        """Context manager: run with ``n_threads`` torch threads, then restore the setting."""
        from contextlib import contextmanager

        import torch

        @contextmanager
        def scope():
            before = torch.get_num_threads()
            if self.n_threads:
                torch.set_num_threads(int(self.n_threads))
            try:
                yield
            finally:
                torch.set_num_threads(before)

        return scope()

    def fit(self, variants, y):
        with self._threads():
            return self._fit(variants, y)

    def predict(self, variants) -> np.ndarray:
        """Predicted values, shape (N,)."""
        with self._threads():
            return self._predict(variants)

    def _fit(self, variants, y):
        import torch

        from .models import _as_float_targets

        variants = list(variants)
        y = _as_float_targets(y, len(variants))
        if not 0 <= self.hide_fraction < 1:
            raise InputError(f"hide_fraction must be in [0, 1), not {self.hide_fraction}")
        if len(variants) < 2:
            raise InputError("need at least two variants to fit")
        self._build_graph()
        self.y_mean_ = float(y.mean())
        self.y_scale_ = float(y.std()) or 1.0
        ys = (y - self.y_mean_) / self.y_scale_
        enc = self._encode(variants)
        # the wild type's own measurement (rows without a mutation), or the mean when the
        # table has none: the networks output each mutant's value, so a wild type predicted
        # as the mean made every effect "against the wild type" an effect against the mean
        wild = enc["ends"] == enc["starts"]
        self.wildtype_z_ = float(ys[wild].mean()) if wild.any() else 0.0
        L = len(self.wildtype.strip())
        self._label_sum = np.bincount(enc["index"], weights=ys[enc["rows"]], minlength=L)
        self._label_count = np.bincount(enc["index"], minlength=L).astype(np.float64)
        stats = (self._label_sum, self._label_count)
        n_in = self._static.shape[1] + enc["feat"].shape[1] + (2 if self.label_channels else 0)
        self.networks_, self.history_ = [], []
        target = torch.from_numpy(ys.astype(np.float32))
        with seeded(self.seed):  # each member reseeds; the caller's state is restored
            for member in range(self.n_models):
                seed = self.seed + member
                torch.manual_seed(seed)
                rng = np.random.RandomState(seed)
                net = self._make_network(n_in)
                opt = torch.optim.AdamW(net.parameters(), lr=self.learning_rate,
                                        weight_decay=self.weight_decay)
                steps = self.epochs * int(np.ceil(len(variants) / self.batch_size))
                sched = torch.optim.lr_scheduler.OneCycleLR(opt, self.learning_rate,
                                                            total_steps=max(steps, 1))
                net.train()
                for _ in range(self.epochs):
                    hidden = rng.rand(L) < self.hide_fraction
                    perm = rng.permutation(len(variants))
                    losses = []
                    for start in range(0, perm.size, self.batch_size):
                        ids = np.sort(perm[start:start + self.batch_size])
                        pred = self._forward(net, enc, ids, stats, y_var=ys, hidden=hidden)
                        loss = torch.mean((pred - target[ids]) ** 2)
                        opt.zero_grad()
                        loss.backward()
                        opt.step()
                        sched.step()
                        losses.append(float(loss.detach()))
                    if member == 0:
                        self.history_.append(float(np.mean(losses)))
                net.eval()
                self.networks_.append(net)
        self._n_in = n_in
        return self

    def __getstate__(self):
        # The network class is made inside a function (torch is imported lazily), so a
        # pickle keeps the weights and rebuilds the networks on loading.
        state = self.__dict__.copy()
        if "networks_" in state:
            state["networks_"] = [net.state_dict() for net in state["networks_"]]
        return state

    def __setstate__(self, state):
        nets = state.get("networks_")
        self.__dict__.update(state)
        if nets is not None:
            self.networks_ = []
            for weights in nets:
                net = self._make_network(self._n_in)
                net.load_state_dict(weights)
                self.networks_.append(net.eval())

    def _predict(self, variants) -> np.ndarray:
        import torch

        if not hasattr(self, "networks_"):
            raise InputError("this model is not fitted yet; call fit(variants, y) first")
        variants = list(variants)
        enc = self._encode(variants)
        stats = (self._label_sum, self._label_count)
        # a variant is the sum of its mutations' outputs; the wild type (no mutation) is its
        # measured value in training (runs saved before it was kept: the mean, 0)
        mutated = np.flatnonzero(enc["ends"] > enc["starts"])
        out = np.full(len(variants), getattr(self, "wildtype_z_", 0.0))
        with torch.no_grad():
            for start in range(0, mutated.size, 1024):
                ids = mutated[start:start + 1024]
                out[ids] = np.mean([self._forward(net, enc, ids, stats).numpy()
                                    for net in self.networks_], axis=0)
        return out * self.y_scale_ + self.y_mean_
