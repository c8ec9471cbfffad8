"""One training entry point for every neural sequence model: :func:`fit`.

Built on PyTorch Lightning, so the same call runs on a laptop CPU or a GPU
(``accelerator="auto"``), and scales with ``devices`` / ``strategy``. What it adds to
a bare Lightning loop, for small biological data sets:

- sequences are held as ``uint8`` symbol codes (one byte per base) and one-hot encoded
  per batch on the device, so 250k sequences never sit in memory as float one-hot;
- batches are sliced from in-memory tensors (no DataLoader workers or per-item
  collation): small models are dominated by framework overhead otherwise;
- torch uses one thread for small models (thread contention costs more than it
  gains below ~100k parameters) and all cores for larger ones;
- early stopping on validation loss restores the best epoch's weights, and a per-epoch
  ``history`` dict mirrors Keras' ``history.history``.
"""
from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import logging
import os
import time
import warnings

import numpy as np
import torch
from torch import nn

from .encode.onehot import row_table
from .errors import InputError
from .numeric import is_number, is_whole
from .seeding import seeded

SMALL_MODEL_PARAMETERS = 100_000


def batch_starts(n: int, batch_size: int, training: bool) -> list:
    """Start offsets of the batches of ``n`` rows. In training (shuffled batches), a last
    batch of one row joins the batch before it: batch normalisation cannot train on a
    single row."""
    starts = list(range(0, n, max(1, int(batch_size))))
    if training and len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()
    return starts


#: seeds of the batch orders are seed * this + epoch (a prime above any epoch count)
_ORDER_STRIDE = 1_000_003


class CodeBatches:
    """Iterable of ``(x, y, w)`` batches from symbol codes.

    Parameters
    ----------
    codes : torch.Tensor of uint8, shape (N, L)
        Symbol codes from :func:`biochemml.encode.to_codes`; ``C`` and ``C + 1`` mean
        unknown and padding.
    y : torch.Tensor, shape (N,) or (N, T)
    weights : torch.Tensor of float32, shape (N,), optional
    n_channels : int
        ``C``.
    batch_size : int
    shuffle : bool
    seed : int
        Shuffling is seeded per epoch (``seed * 1,000,003 + epoch``) for reproducible runs.
    unknown : {"zeros", "uniform"}

    Yields ``x`` of shape ``(B, C, L)`` float32.
    """

    def __init__(self, codes, y, weights, n_channels: int, batch_size: int, shuffle: bool,
                 seed: int = 0, unknown: str = "zeros"):
        self.codes, self.y, self.w = codes, y, weights
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = 0
        self.table = torch.from_numpy(row_table(n_channels, unknown, np.float32))

    def _starts(self) -> list:
        return batch_starts(len(self.codes), self.batch_size, training=self.shuffle)

    def __len__(self) -> int:
        return len(self._starts())

    def __iter__(self):
        n = len(self.codes)
        if self.shuffle:
            # seed * a prime + epoch: the networks of an ensemble (seeds s, s + 1, ...) never
            # share an order (seed + epoch had given network k in epoch e the order of
            # network 0 in epoch e + k)
            gen = torch.Generator().manual_seed(
                (self.seed * _ORDER_STRIDE + self.epoch) % 2 ** 63)  # any seed fits
            order = torch.randperm(n, generator=gen)
        else:
            order = torch.arange(n)
        self.epoch += 1
        starts = self._starts()
        for k, lo in enumerate(starts):
            idx = order[lo:starts[k + 1] if k + 1 < len(starts) else n]
            x = self.table[self.codes[idx].long()].transpose(1, 2)
            w = None if self.w is None else self.w[idx]
            yield x, self.y[idx], w


def one_hot_batch(codes: torch.Tensor, n_channels: int, unknown: str = "zeros") -> torch.Tensor:
    """``(N, L)`` codes -> ``(N, C, L)`` float32 one-hot (for prediction)."""
    table = torch.from_numpy(row_table(n_channels, unknown, np.float32))
    return table[codes.long()].transpose(1, 2)


def _r2(pred: torch.Tensor, y: torch.Tensor) -> float:
    """Mean over targets of the coefficient of determination (NaN targets ignored)."""
    if y.ndim == 1:
        y, pred = y[:, None], pred[:, None]
    vals = []
    for t in range(y.shape[1]):
        ok = ~torch.isnan(y[:, t])
        yt, pt = y[ok, t], pred[ok, t]
        ss_tot = ((yt - yt.mean()) ** 2).sum()
        if yt.numel() > 1 and ss_tot > 0:
            vals.append(float(1 - ((yt - pt) ** 2).sum() / ss_tot))
    return float(np.mean(vals)) if vals else float("nan")


SCHEDULES = ("constant", "plateau", "cosine")


def _make_lightning_module(model: nn.Module, task: str, lr: float, weight_decay: float,
                           optimizer: str, schedule: str = "constant", epochs: int = 1,
                           plateau_patience: int = 3, ema: float | None = None):
    import pytorch_lightning as pl

    class SequenceTask(pl.LightningModule):
        """Loss, optimiser and epoch metrics around any sequence model."""

        def __init__(self):
            super().__init__()
            # Manual optimisation: one backward and one step per batch without
            # Lightning's closure machinery, which costs more than the maths for
            # course-size models.
            self.automatic_optimization = False
            self.model = model
            self.history: dict[str, list[float]] = {}
            self._train, self._val = [], []
            self._ema = None  # moving average of the weights, evaluated and kept
            self._live = None  # the trained weights while the average is swapped in

        def on_train_start(self):
            if ema is not None:  # the average starts at the initial weights
                live = self.model.state_dict()  # views of the weights: made once, not per batch
                self._ema = {k: v.detach().clone() for k, v in live.items()}
                self._pairs = [(self._ema[k], v) for k, v in live.items()]

        def _update_ema(self):
            for avg, v in self._pairs:
                if v.dtype.is_floating_point:
                    avg.lerp_(v, 1.0 - ema)
                else:
                    avg.copy_(v)

        def swap_in_average(self):
            if self._ema is not None and self._live is None:
                self._live = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
                self.model.load_state_dict(self._ema)

        def swap_out_average(self):
            if self._live is not None:
                self.model.load_state_dict(self._live)
                self._live = None

        def forward(self, x):
            return self.model(x)

        def _loss(self, out, y, w):
            if task == "classification":
                per = nn.functional.cross_entropy(out, y, reduction="none")
            else:
                pred = out if y.ndim == 2 else out[:, 0]
                mask = ~torch.isnan(y)  # multi-task tables may miss some targets
                diff = torch.where(mask, pred - torch.nan_to_num(y), torch.zeros_like(pred))
                per = diff.pow(2)
                if per.ndim == 2:
                    per = per.sum(dim=1) / mask.sum(dim=1).clamp(min=1)
            if w is not None:
                return (per * w).sum() / w.sum()
            return per.mean()

        def training_step(self, batch, _):
            x, y, w = batch
            opt = self.optimizers()
            out = self.model(x)
            loss = self._loss(out, y, w)
            opt.zero_grad()
            self.manual_backward(loss)
            opt.step()
            if ema is not None:
                self._update_ema()
            self._train.append((loss.detach() * len(y), out.detach(), y))
            return loss

        def validation_step(self, batch, _):
            x, y, w = batch
            out = self.model(x)
            self._val.append((self._loss(out, y, w) * len(y), out, y))

        def _summarise(self, parts, prefix):
            if not parts:
                return
            n = sum(len(p[2]) for p in parts)
            loss = float(sum(p[0] for p in parts) / n)
            out = torch.cat([p[1] for p in parts])
            y = torch.cat([p[2] for p in parts])
            self.history.setdefault(prefix + "loss", []).append(loss)
            if task == "classification":
                acc = float((out.argmax(dim=1) == y).float().mean())
                self.history.setdefault(prefix + "accuracy", []).append(acc)
            else:
                pred = out if y.ndim == 2 else out[:, 0]
                self.history.setdefault(prefix + "r2", []).append(_r2(pred, y))
            if prefix == "val_":
                self.log("val_loss", loss, prog_bar=True)

        def on_validation_start(self):
            self.swap_in_average()

        def on_validation_end(self):  # after the callbacks: BestWeights saw the average
            self.swap_out_average()

        def on_validation_epoch_end(self):
            if self.trainer.sanity_checking:
                self._val = []
                return
            self._summarise(self._val, "val_")
            self._val = []
            if schedule == "plateau":
                self.lr_schedulers().step(self.history["val_loss"][-1])

        def on_train_epoch_start(self):
            if schedule != "constant":  # the rate this epoch trains with
                rate = float(self.optimizers().param_groups[0]["lr"])
                self.history.setdefault("lr", []).append(rate)

        def on_train_epoch_end(self):
            self._summarise(self._train, "")
            self._train = []
            if schedule == "cosine":
                self.lr_schedulers().step()
            elif schedule == "plateau" and "val_loss" not in self.history:
                self.lr_schedulers().step(self.history["loss"][-1])

        def configure_optimizers(self):
            opts = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
                    "sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop}
            # no weight decay on biases, norms and position gates: decaying them
            # only pulls them towards an arbitrary value
            decay, keep = [], []
            for name, p in self.model.named_parameters():
                (decay if p.ndim >= 2 and "gate" not in name else keep).append(p)
            groups = [{"params": decay, "weight_decay": weight_decay},
                      {"params": keep, "weight_decay": 0.0}]
            opt = opts[optimizer]([g for g in groups if g["params"]], lr=lr)
            if schedule == "cosine":  # one cosine decay over the planned epochs
                return [opt], [torch.optim.lr_scheduler.CosineAnnealingLR(
                    opt, T_max=max(epochs, 1), eta_min=lr * 1e-2)]
            if schedule == "plateau":  # divide by 5 when the validation loss stalls
                return [opt], [torch.optim.lr_scheduler.ReduceLROnPlateau(
                    opt, factor=0.2, patience=plateau_patience, min_lr=lr * 1e-3)]
            return opt

    return SequenceTask()


def _epoch_bar():
    """Lightning's progress bar with epochs counted from 1, as every report and message of
    biochemml counts them ("Epoch 3 of 20"; Lightning writes "Epoch 2/19")."""
    from pytorch_lightning.callbacks import RichProgressBar, TQDMProgressBar
    from pytorch_lightning.utilities.imports import _RICH_AVAILABLE

    if _RICH_AVAILABLE:
        class EpochBar(RichProgressBar):
            def _get_train_description(self, current_epoch: int) -> str:
                text = f"Epoch {current_epoch + 1}" + (
                    f" of {self.trainer.max_epochs}" if self.trainer.max_epochs else "")
                return f"{text:{len(self.validation_description)}}"
    else:
        class EpochBar(TQDMProgressBar):
            def on_train_epoch_start(self, trainer, *args, **kwargs):
                super().on_train_epoch_start(trainer, *args, **kwargs)
                self.train_progress_bar.set_description(
                    f"Epoch {trainer.current_epoch + 1} of {trainer.max_epochs}")
    return EpochBar()


class _BestWeights:
    """Lightning callback keeping the weights of the epoch with the lowest val_loss."""

    def __new__(cls):
        import pytorch_lightning as pl

        class BestWeights(pl.Callback):
            def __init__(self):
                self.best = float("inf")
                self.state = None
                self.epoch = -1

            # on_validation_end runs after the module's epoch-end hook has logged
            # this epoch's val_loss (callbacks' epoch-end hooks run before it).
            def on_validation_end(self, trainer, module):
                if trainer.sanity_checking:
                    return
                loss = trainer.callback_metrics.get("val_loss")
                if loss is not None and float(loss) < self.best:
                    self.best = float(loss)
                    self.epoch = trainer.current_epoch
                    self.state = copy.deepcopy(module.model.state_dict())

        return BestWeights()


@contextlib.contextmanager
def _threads_for(model: nn.Module, accelerator: str):
    """Use one thread for small models on CPU; restore the setting afterwards."""
    before = torch.get_num_threads()
    n_params = sum(p.numel() for p in model.parameters())
    if accelerator in ("cpu", "auto") and n_params < SMALL_MODEL_PARAMETERS:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


#: what ``accelerator`` takes (Lightning's names); "gpu"/"cuda" need a GPU
ACCELERATORS = ("auto", "cpu", "gpu", "cuda", "mps")




def check_schedule(schedule, name: str = "schedule") -> None:
    """Refuse a learning-rate schedule that is not one of ``SCHEDULES``, naming it as ``name``."""
    if schedule not in SCHEDULES:
        raise InputError(f"{name} must be one of {', '.join(SCHEDULES)}, not '{schedule}'")


def check_seed(seed) -> None:
    """One sentence for a seed that cannot seed anything (None, negative, 1.5, True)."""
    if not is_whole(seed, 0):
        raise InputError(f"seed must be a whole number of at least 0, not {seed!r}")


def _check_settings(*, epochs, batch_size, lr, weight_decay, patience, seed, accelerator):
    """One sentence for a training setting that cannot work, before any training."""
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not is_whole(value, 1):
            raise InputError(f"{name} must be a whole number of at least 1, not {value!r}")
    for name, value, least in (("learning rate", lr, 0.0), ("weight_decay", weight_decay, 0.0)):
        if not is_number(value) or not np.isfinite(value) or value < least or (name == "learning rate"
                                                                     and value == 0):
            raise InputError(f"{name} must be a positive number (e.g. 0.001), not {value!r}"
                             if name == "learning rate" else
                             f"{name} must be a number of at least 0, not {value!r}")
    if patience is not None and not is_whole(patience, 1):
        raise InputError(f"patience must be a whole number of epochs (at least 1) or None "
                         f"(train every epoch), not {patience!r}")
    check_seed(seed)
    if accelerator not in ACCELERATORS:
        raise InputError(f"device must be one of {', '.join(ACCELERATORS)}, not "
                         f"{accelerator!r}")
    if accelerator in ("gpu", "cuda") and not torch.cuda.is_available():
        raise InputError(f"device {accelerator!r} asks for a GPU, but PyTorch sees none on "
                         "this machine: use 'auto' or 'cpu'")


def fit(model: nn.Module, codes_train, y_train, codes_val=None, y_val=None, *,
        task: str = "classification", n_channels: int = 4, weights_train=None,
        epochs: int = 20, batch_size: int = 100, lr: float = 1e-3, weight_decay: float = 0.0,
        optimizer: str = "adam", patience: int | None = None, schedule: str = "constant",
        seed: int = 0, accelerator: str = "auto", devices="auto", strategy="auto", unknown: str = "zeros",
        progress: bool = False, time_limit: float | None = None,
        average_epochs: float | None = None) -> dict:
    """Train a sequence model and return its per-epoch history.

    Parameters
    ----------
    model : torch.nn.Module
        Takes ``(N, C, L)`` one-hot, returns ``(N, K)`` logits (classification) or
        ``(N, T)`` values (regression). Trained in place; on return it holds the
        weights of the best validation epoch when early stopping is on.
    codes_train : ndarray of uint8, shape (N, L)
        Symbol codes (:func:`biochemml.encode.to_codes`).
    y_train : ndarray, shape (N,) or (N, T)
        Class indices ``0..K-1`` (classification) or values (regression; NaN marks
        a missing target in multi-task tables).
    codes_val, y_val : optional
        Validation data; without it there is no early stopping and no ``val_*``
        history.
    task : {"classification", "regression"}
    n_channels : int
        ``C``.
    weights_train : ndarray of shape (N,), optional
        Per-sequence loss weights (e.g. read counts).
    epochs, batch_size, lr, weight_decay : training settings
    optimizer : {"adam", "adamw", "sgd", "rmsprop"}
    patience : int, optional
        Stop after this many epochs without a lower validation loss and restore the
        best epoch's weights. ``None``: train all epochs, keep the last weights
        (as Keras does by default).
    schedule : {"constant", "plateau", "cosine"}
        Learning-rate schedule. ``"plateau"`` divides the rate by 5 once the
        validation loss (training loss without validation data) has not improved for
        more than ``max(2, patience // 3)`` epochs, down to ``lr / 1000``; ``"cosine"`` decays it from
        ``lr`` to ``lr / 100`` over ``epochs``. With a schedule, the rate of each
        epoch is in ``history["lr"]``.
    seed : int
    accelerator, devices, strategy
        Passed to ``pytorch_lightning.Trainer`` (``"auto"`` picks a GPU if present).
    progress : bool
        Show Lightning's progress bar.
    time_limit : float, optional
        Stop training after this many minutes (checked after every batch); with early
        stopping the best finished epoch's weights are kept. For large tables on a CPU.

    Returns
    -------
    dict
        ``history``: dict of per-epoch lists (``loss``, ``val_loss``, ``accuracy`` /
        ``r2`` and their ``val_`` twins); ``best_epoch`` (0-based; -1 without
        validation); ``epochs_run``; ``fit_seconds``; ``device``; ``time_limit_hit``
        (True when ``time_limit`` ended training).
    average_epochs : float, optional
        Keep an exponential moving average of the weights over about this many
        epochs (decay ``1 - 1 / (average_epochs * batches per epoch)``, updated after
        every batch). Validation, early stopping, the schedule and the returned model
        all use the averaged weights, which are smoother than the last batch's: on
        sd_kuo2020 an average over 5 epochs added about 0.002 test R² (see
        ``benchmarks/RESULTS.md``). ``None``: the trained weights themselves.
    """
    import pytorch_lightning as pl

    if task not in ("classification", "regression"):
        raise InputError(f"task must be 'classification' or 'regression', not '{task}'")
    if optimizer not in ("adam", "adamw", "sgd", "rmsprop"):
        raise InputError(f"optimizer must be adam, adamw, sgd or rmsprop, not '{optimizer}'")
    _check_settings(epochs=epochs, batch_size=batch_size, lr=lr, weight_decay=weight_decay,
                    patience=patience, seed=seed, accelerator=accelerator)
    if len(codes_train) < 2:
        raise InputError(f"{len(codes_train)} training sequence{'' if len(codes_train) == 1 else 's'}: "
                         "at least 2 are needed to train (more rows, or a smaller "
                         "validation_split)")
    check_schedule(schedule)
    if average_epochs is not None and not (is_number(average_epochs) and average_epochs > 0):
        raise InputError(f"average_epochs must be a positive number of epochs or None, "
                         f"not {average_epochs!r}")
    if time_limit is not None and not time_limit > 0:
        raise InputError(f"time_limit must be a positive number of minutes, not {time_limit}")
    ydtype = torch.long if task == "classification" else torch.float32

    def tensors(codes, y, w=None):
        c = torch.as_tensor(np.ascontiguousarray(codes), dtype=torch.uint8)
        yt = torch.as_tensor(np.array(y), dtype=ydtype)
        wt = None if w is None else torch.as_tensor(np.asarray(w), dtype=torch.float32)
        return c, yt, wt

    with seeded(seed):  # dropout and batches repeat with the seed; the caller's state is kept
        train = CodeBatches(*tensors(codes_train, y_train, weights_train), n_channels, batch_size,
                            shuffle=True, seed=seed, unknown=unknown)
        has_val = codes_val is not None and len(codes_val) > 0
        val = CodeBatches(*tensors(codes_val, y_val), n_channels, max(batch_size, 1024),
                          shuffle=False, unknown=unknown) if has_val else None
        module = _make_lightning_module(model, task, lr, weight_decay, optimizer, schedule, epochs,
                                        max(2, (patience or 6) // 3),
                                        None if average_epochs is None
                                        else 1.0 - 1.0 / max(1.0, average_epochs * len(train)))
        callbacks = []
        best = None
        if has_val and patience is not None:
            best = _BestWeights()
            callbacks = [best, pl.callbacks.EarlyStopping("val_loss", patience=patience, mode="min")]
        if progress:
            callbacks.append(_epoch_bar())
        for name in ("pytorch_lightning", "lightning.pytorch", "lightning_fabric"):
            logging.getLogger(name).setLevel(logging.ERROR)
        trainer = pl.Trainer(
            max_epochs=epochs, accelerator=accelerator, devices=devices, strategy=strategy,
            logger=False, enable_checkpointing=False, enable_model_summary=False,
            enable_progress_bar=progress, num_sanity_val_steps=0, callbacks=callbacks,
            deterministic=False, limit_val_batches=1.0 if has_val else 0,
            max_time=None if time_limit is None else _dt.timedelta(minutes=time_limit))
        start = time.perf_counter()
        with _threads_for(model, accelerator), warnings.catch_warnings():
            warnings.filterwarnings("ignore", ".*does not have many workers.*")
            warnings.filterwarnings("ignore", ".*IterableDataset.*")
            warnings.filterwarnings("ignore", ".*LeafSpec.*")
            warnings.filterwarnings("ignore", ".*is an invalid.*")
            warnings.filterwarnings("ignore", ".*no `val_dataloader`.*")
            os.environ.setdefault("PL_DISABLE_FORK", "1")
            trainer.fit(module, train_dataloaders=train, val_dataloaders=val)
    seconds = time.perf_counter() - start
    best_epoch = -1
    if average_epochs is not None:  # the averaged weights are the model
        module.swap_in_average()
        module._live = None
    if best is not None and best.state is not None:
        model.load_state_dict(best.state)
        best_epoch = best.epoch
    elif has_val and module.history.get("val_loss"):
        best_epoch = int(np.argmin(module.history["val_loss"]))
    model.cpu().eval()
    return {"history": module.history, "best_epoch": best_epoch,
            "epochs_run": len(module.history.get("loss", [])), "fit_seconds": seconds,
            "device": str(trainer.strategy.root_device),
            "time_limit_hit": time_limit is not None and seconds >= 60 * time_limit}


def predict(model: nn.Module, codes, n_channels: int, batch_size: int = 2048,
            unknown: str = "zeros", progress: bool = False) -> np.ndarray:
    """Run a model on ``(N, L)`` codes in batches; returns ``(N, K)`` raw outputs (float32)."""
    from .progress import progress_bar

    model.eval()
    codes_t = torch.as_tensor(np.ascontiguousarray(codes), dtype=torch.uint8)
    batches = CodeBatches(codes_t, codes_t, None, n_channels, batch_size, False, unknown=unknown)
    outs = []
    device = next(model.parameters()).device
    with torch.inference_mode(), _threads_for(model, "cpu"), \
            progress_bar(len(batches), "Predicting", enabled=progress) as advance:
        for x, _, _ in batches:
            outs.append(model(x.to(device)).float().cpu())
            advance()
    return torch.cat(outs).numpy()
