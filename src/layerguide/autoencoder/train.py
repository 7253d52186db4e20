"""Training, evaluation, checkpoints and a training cache for the autoencoder.

The loss is per-pixel binary cross-entropy on the logits; the optimiser is AdamW with a
one-cycle learning rate (linear warm-up, cosine decay). The schedule runs on the fraction of
the budget used so far: steps for ``epochs``/``steps`` budgets, wall-clock seconds for
``max_seconds``. Step budgets are reproducible: same seed, same device, same threads →
same numbers. A time budget depends on how fast the machine is at that moment.

On the CPU the batch is split between ``threads`` copies of the model, one thread each
(data parallelism): a model this small keeps one core busy with many short operations, so
two copies on two cores train about 1.7 times faster than one copy using both cores. The
copies' gradients are summed into the first copy, which takes the optimiser step and hands
its weights back to the others.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from layerguide import LayerguideError
from layerguide.autoencoder._files import atomic_write, cache_dir
from layerguide.autoencoder.models import Autoencoder, AutoencoderConfig, build_autoencoder

__all__ = [
    "PAGE_BUDGET",
    "CheckpointError",
    "Metrics",
    "TrainConfig",
    "TrainConfigError",
    "TrainResult",
    "bce_floor",
    "evaluate",
    "load_checkpoint",
    "pretrained",
    "save_checkpoint",
    "summary_line",
    "train",
]

FORMAT = "layerguide.autoencoder/2"  # /2: BatchNorm after pooling, decoder_channels


class TrainConfigError(LayerguideError, ValueError):
    """A training setting that cannot work."""


class CheckpointError(LayerguideError):
    """A checkpoint is missing, unreadable, or belongs to another configuration."""


@dataclass(frozen=True)
class TrainConfig:
    """How long and how to train. Give exactly one of ``epochs``, ``steps``, ``max_seconds``.

    Examples
    --------
    >>> TrainConfig(steps=10).budget
    'steps=10'
    """

    epochs: float | None = None  # passes over the training images
    steps: int | None = None  # optimiser steps
    max_seconds: float | None = None  # wall-clock seconds of training (evaluation excluded)
    batch_size: int = 24  # images per step (small batches learn more per image)
    lr: float = 1.2e-2  # peak learning rate of the one-cycle schedule
    weight_decay: float = 1e-4  # AdamW's decoupled weight decay
    warmup: float = 0.1  # fraction of the budget spent warming up
    seed: int = 0  # initial weights and batch order
    threads: int = 2  # CPU threads, one model copy each; results depend on it

    def __post_init__(self) -> None:
        given = {k: v for k, v in self._budgets().items() if v is not None}
        if len(given) != 1:
            raise TrainConfigError(
                "TrainConfig: give exactly one of epochs, steps, max_seconds; "
                f"got {given or 'none'}"
            )
        ((name, value),) = given.items()
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise TrainConfigError(f"TrainConfig: {name} must be > 0, got {value!r}")
        if name == "steps" and not isinstance(value, int):
            raise TrainConfigError(f"TrainConfig: steps must be an int, got {value!r}")
        if not math.isfinite(value):
            raise TrainConfigError(f"TrainConfig: {name} must be finite, got {value!r}")
        for field_name in ("batch_size", "threads"):
            v = getattr(self, field_name)
            if not isinstance(v, int) or v < 1:
                raise TrainConfigError(f"TrainConfig: {field_name} must be an int >= 1, got {v!r}")
        if not self.lr > 0 or not 0 <= self.warmup < 1 or self.weight_decay < 0:
            raise TrainConfigError(
                f"TrainConfig: need lr > 0, 0 <= warmup < 1, weight_decay >= 0; got lr={self.lr}, "
                f"warmup={self.warmup}, weight_decay={self.weight_decay}"
            )

    def _budgets(self) -> dict[str, float | int | None]:
        return {"epochs": self.epochs, "steps": self.steps, "max_seconds": self.max_seconds}

    @property
    def budget(self) -> str:
        """The budget as text, e.g. ``'max_seconds=60'``."""
        return next(f"{k}={v}" for k, v in self._budgets().items() if v is not None)


#: The reduced budget the gallery pages train with (the benchmark uses 60 s per decoder).
#: Step-based, so both language builds get the same numbers and share one cached model.
PAGE_BUDGET = TrainConfig(steps=320)


class Metrics(NamedTuple):
    """Mean per-pixel test losses of a reconstruction."""

    bce: float  #: binary cross-entropy of sigmoid(logits) against the pixels
    mse: float  #: squared error of sigmoid(logits) against the pixels


class TrainResult(NamedTuple):
    """A trained model and what the training cost."""

    model: Autoencoder
    steps: int
    images_seen: int
    seconds: float
    final_loss: float


@contextmanager
def _torch_settings(threads: int, deterministic: bool) -> Iterator[None]:
    old_threads = torch.get_num_threads()
    old_det = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(deterministic)
    try:
        yield
    finally:
        torch.set_num_threads(old_threads)
        torch.use_deterministic_algorithms(old_det)


def resolve_device(device: str) -> torch.device:
    """``"auto"`` → cuda if available, else cpu; ``"cpu"``/``"cuda"`` as given (checked)."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in ("cpu", "cuda"):
        raise TrainConfigError(f"device must be auto, cpu or cuda, got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise TrainConfigError("device 'cuda' requested but torch.cuda.is_available() is False")
    return torch.device(device)


def _as_tensor(images: np.ndarray | torch.Tensor, where: str) -> torch.Tensor:
    x = torch.as_tensor(images)
    if x.dtype != torch.float32 or x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
        raise TrainConfigError(
            f"{where}: images must be float32 (N, 1, 28, 28), got {x.dtype} {tuple(x.shape)}"
        )
    if len(x) == 0:
        raise TrainConfigError(f"{where}: no images")
    return x


def _lr_at(fraction: float, cfg: TrainConfig) -> float:
    """One cycle: linear warm-up to ``lr``, cosine decay to 0."""
    if fraction < cfg.warmup:
        return cfg.lr * (fraction + 1e-3) / cfg.warmup
    rest = (fraction - cfg.warmup) / (1 - cfg.warmup)
    return cfg.lr * 0.5 * (1 + math.cos(math.pi * min(rest, 1.0)))


class _Copies:
    """The model and one copy per extra CPU thread; a step splits the batch between them.

    Each part's loss is its BCE *sum* divided by the whole batch's pixel count, so the
    summed gradients are exactly the gradient of the batch mean (up to float rounding).
    BatchNorm normalises each part with its own statistics.
    """

    def __init__(self, model: Autoencoder, n: int) -> None:
        self.models = [model] + [copy.deepcopy(model) for _ in range(n - 1)]
        self.params: list[list[torch.Tensor]] = [list(m.parameters()) for m in self.models]
        self.pool = ThreadPoolExecutor(n - 1, thread_name_prefix="layerguide") if n > 1 else None

    def _part(self, k: int, part: torch.Tensor, scale: float) -> torch.Tensor:
        with torch.enable_grad():  # grad mode is per thread
            for p in self.params[k]:
                p.grad = None
            loss = F.binary_cross_entropy_with_logits(
                self.models[k](part), part, reduction="sum"
            ).mul(scale)
            loss.backward()
        return loss.detach()

    def gradients(self, batch: torch.Tensor) -> torch.Tensor:
        """Gradients of the batch's mean BCE in the first copy; returns that loss."""
        scale = 1.0 / batch.numel()
        parts = batch.tensor_split(len(self.models))
        if self.pool is None:
            return self._part(0, batch, scale)
        others = [self.pool.submit(self._part, k, parts[k], scale) for k in range(1, len(parts))]
        loss = self._part(0, parts[0], scale)  # the calling thread does the first part
        losses = [f.result() for f in others]
        grads = self._grads(0)
        for k, part_loss in enumerate(losses, start=1):
            torch._foreach_add_(grads, self._grads(k))
            loss = loss + part_loss
        return loss

    def _grads(self, k: int) -> list[torch.Tensor]:
        grads = [p.grad for p in self.params[k]]
        if any(g is None for g in grads):  # every parameter takes part in the loss
            raise RuntimeError(f"_Copies: copy {k} has parameters without a gradient")
        return [g for g in grads if g is not None]

    @torch.no_grad()
    def sync(self) -> None:
        """Hand the first copy's weights to the others."""
        for params in self.params[1:]:
            torch._foreach_copy_(params, self.params[0])

    @torch.no_grad()
    def close(self) -> Autoencoder:
        """Average the BatchNorm running statistics of all copies into the first; return it."""
        if self.pool is not None:
            self.pool.shutdown()
            stats = [
                [
                    b
                    for name, b in m.named_buffers()
                    if name.endswith(("running_mean", "running_var"))
                ]
                for m in self.models
            ]
            for others in stats[1:]:
                torch._foreach_add_(stats[0], others)
            torch._foreach_div_(stats[0], len(self.models))
        return self.models[0]


def train(
    config: AutoencoderConfig,
    budget: TrainConfig,
    images: np.ndarray | torch.Tensor,
    *,
    device: str = "cpu",
    progress: bool = False,
    on_step: Callable[[int, float], object] | None = None,
) -> TrainResult:
    """Train a fresh autoencoder on ``images`` within ``budget``.

    Parameters
    ----------
    config : ~layerguide.autoencoder.models.AutoencoderConfig
    budget : TrainConfig
    images : ndarray or Tensor
        float32 (N, 1, 28, 28) training digits in [0, 1].
    device : {"cpu", "cuda", "auto"}
    progress : bool
        Show a tqdm bar on stderr (loss, images per second).
    on_step : callable, optional
        Called after every step with (step, batch loss); it only observes the training.

    Returns
    -------
    TrainResult
        The model in eval mode, on the CPU, and the cost of training it.
    """
    x_all = _as_tensor(images, "train")
    dev = resolve_device(device)
    n = len(x_all)
    bs = min(budget.batch_size, n)
    per_epoch = max(1, n // bs)
    if budget.steps is not None:
        total_steps: int | None = budget.steps
    elif budget.epochs is not None:
        total_steps = max(1, round(budget.epochs * per_epoch))
    else:
        total_steps = None
    fmt = torch.channels_last
    n_copies = min(budget.threads, bs) if dev.type == "cpu" else 1
    torch_threads = 1 if n_copies > 1 else budget.threads
    with _torch_settings(torch_threads, deterministic=dev.type == "cpu"):
        torch.manual_seed(budget.seed)
        model = build_autoencoder(config).to(dev).to(memory_format=fmt)  # type: ignore[call-overload]
        model.train()
        copies = _Copies(model, n_copies)
        opt = torch.optim.AdamW(
            copies.params[0],
            lr=budget.lr,
            weight_decay=budget.weight_decay,
            betas=(0.9, 0.99),
            fused=dev.type == "cpu" or None,
        )
        gen = torch.Generator().manual_seed(budget.seed)
        x_all = x_all.to(dev)
        order = torch.randperm(n, generator=gen)
        pos = step = 0
        bar = tqdm(
            total=total_steps if total_steps is not None else budget.max_seconds,
            unit="step" if total_steps is not None else "s",
            disable=not progress,
            file=sys.stderr,
            mininterval=0.5,
            dynamic_ncols=True,
            bar_format=None
            if total_steps is not None
            else "{l_bar}{bar}| {n:.0f}/{total:.0f}s {postfix}",
        )
        start = time.perf_counter()
        try:
            while True:
                elapsed = time.perf_counter() - start
                if total_steps is not None:
                    if step >= total_steps:
                        break
                    fraction = step / total_steps
                else:
                    assert budget.max_seconds is not None
                    if step and elapsed >= budget.max_seconds:  # at least one step
                        break
                    fraction = elapsed / budget.max_seconds
                for group in opt.param_groups:
                    group["lr"] = _lr_at(fraction, budget)
                if pos + bs > n:
                    order, pos = torch.randperm(n, generator=gen), 0
                batch = x_all[order[pos : pos + bs].to(dev)]  # (B, 1, 28, 28)
                pos += bs
                loss = copies.gradients(batch.contiguous(memory_format=fmt))
                opt.step()
                copies.sync()
                step += 1
                if on_step is not None:
                    on_step(step, float(loss))
                if progress:
                    now = time.perf_counter() - start
                    bar.set_postfix(
                        loss=f"{loss.item():.4f}",
                        img_s=f"{step * bs / max(now, 1e-3):.0f}",
                        refresh=False,
                    )
                    bar.update(1 if total_steps is not None else now - bar.n)
            seconds = time.perf_counter() - start
        finally:
            bar.close()
            model = copies.close()
        loss_value = float(loss.detach())
    model.eval().to("cpu").to(memory_format=torch.contiguous_format)  # type: ignore[call-overload]
    return TrainResult(model, step, step * bs, seconds, loss_value)


@torch.no_grad()
def evaluate(
    model: Autoencoder, images: np.ndarray | torch.Tensor, *, batch_size: int = 250
) -> Metrics:
    """Mean per-pixel BCE and MSE of ``model``'s reconstructions of ``images``.

    Examples
    --------
    >>> model = build_autoencoder(AutoencoderConfig())
    >>> m = evaluate(model, torch.full((4, 1, 28, 28), 0.5))
    >>> round(m.bce, 4) >= round(math.log(2), 4)
    True
    """
    x_all = _as_tensor(images, "evaluate")
    was_training = model.training
    model.eval()
    bce = mse = 0.0
    for i in range(0, len(x_all), batch_size):
        x = x_all[i : i + batch_size].contiguous(memory_format=torch.channels_last)
        logits = model(x)
        # float32 sums over one batch, accumulated across batches as Python floats (float64)
        bce += float(F.binary_cross_entropy_with_logits(logits, x, reduction="sum"))
        mse += float(F.mse_loss(torch.sigmoid(logits), x, reduction="sum"))
    model.train(was_training)
    count = x_all.numel()
    return Metrics(bce / count, mse / count)


def bce_floor(images: np.ndarray | torch.Tensor) -> float:
    """The lowest possible mean BCE: the entropy of the pixels themselves.

    MNIST's pixels are grey, not 0/1, so even a perfect reconstruction (output = input)
    pays ``-[x log x + (1 - x) log(1 - x)]`` per pixel.

    Examples
    --------
    >>> round(bce_floor(np.array([0.0, 0.5, 1.0])), 4)  # log(2) / 3
    0.231
    """
    x = np.asarray(images, dtype=np.float64)
    inside = x[(x > 0) & (x < 1)]
    entropy = -(inside * np.log(inside) + (1 - inside) * np.log1p(-inside)).sum()
    return float(entropy / x.size)


def summary_line(metrics: Metrics, config: AutoencoderConfig, params: int, seconds: float) -> str:
    """The last line of ``train`` and ``eval``.

    Examples
    --------
    >>> summary_line(Metrics(0.07, 0.003), AutoencoderConfig(), 1000, 59.95)
    'test_bce=0.070000 test_mse=0.003000 code_size=128 params=1000 seconds=60.0'
    """
    return (
        f"test_bce={metrics.bce:.6f} test_mse={metrics.mse:.6f} "
        f"code_size={config.code_size} params={params} seconds={seconds:.1f}"
    )


# --------------------------------------------------------------------------- checkpoints


def save_checkpoint(path: str | Path, model: Autoencoder, info: dict[str, Any]) -> Path:
    """Write the model, its config and ``info`` (plain Python values) atomically."""
    payload = {
        "format": FORMAT,
        "config": model.config.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "info": info,
    }
    return atomic_write(path, lambda f: torch.save(payload, f))


def load_checkpoint(
    path: str | Path, expect: AutoencoderConfig | None = None
) -> tuple[Autoencoder, dict[str, Any]]:
    """Read a checkpoint written by :func:`save_checkpoint`; the model is in eval mode.

    Raises
    ------
    CheckpointError
        The file is missing or not a layerguide checkpoint, its weights do not fit its
        config, or its config differs from ``expect``.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"load_checkpoint: no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a damaged file
        raise CheckpointError(
            f"load_checkpoint: {path} is not a readable checkpoint ({exc})"
        ) from exc
    found = payload.get("format") if isinstance(payload, dict) else None
    if isinstance(found, str) and found.startswith("layerguide.autoencoder/") and found != FORMAT:
        raise CheckpointError(
            f"load_checkpoint: {path} is a {found} checkpoint from an older layerguide; "
            f"this version reads {FORMAT} (the architecture changed): train it again"
        )
    if not isinstance(payload, dict) or found != FORMAT:
        raise CheckpointError(f"load_checkpoint: {path} is not a {FORMAT} checkpoint")
    try:
        config = AutoencoderConfig.from_dict(payload["config"])
    except (LayerguideError, TypeError, KeyError) as exc:
        raise CheckpointError(f"load_checkpoint: {path} has a bad config ({exc})") from exc
    if expect is not None and expect != config:
        diff = ", ".join(
            f"{k}={v!r} (expected {getattr(expect, k)!r})"
            for k, v in vars(config).items()
            if getattr(expect, k) != v
        )
        raise CheckpointError(f"load_checkpoint: {path} is from another config: {diff}")
    model = build_autoencoder(config)
    try:
        model.load_state_dict(payload["state_dict"])
    except (RuntimeError, KeyError, TypeError) as exc:
        raise CheckpointError(
            f"load_checkpoint: {path} weights do not fit its config ({exc})"
        ) from exc
    return model.eval(), dict(payload.get("info") or {})


# --------------------------------------------------------------------------- training cache


def cache_key(config: AutoencoderConfig, budget: TrainConfig, data: str) -> str:
    """Hash of everything that determines a trained model (config, budget, seed, data)."""
    blob = json.dumps(
        {"format": FORMAT, "config": config.to_dict(), "train": asdict(budget), "data": data},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def pretrained(
    config: AutoencoderConfig,
    budget: TrainConfig,
    *,
    train_images: np.ndarray | torch.Tensor | None = None,
    test_images: np.ndarray | torch.Tensor | None = None,
    data: str = "mnist-train",
    cache: str | Path | None = None,
    progress: bool = False,
) -> tuple[Autoencoder, dict[str, Any]]:
    """Train once, then reuse: the model for ``(config, budget, data)`` from the cache.

    The checkpoint lives in ``<cache>/models/<decoder>-<key>.pt``, ``<cache>`` being
    ``$LAYERGUIDE_CACHE`` or ``~/.cache/layerguide``. On a miss the model is trained on
    ``train_images`` (default: all of MNIST's training set), evaluated on ``test_images``
    (default: MNIST's test set) and saved atomically. ``data`` names the training images
    in the key: change it when you pass other images.

    Returns the model and its info dict (``test_bce``, ``test_mse``, ``params``,
    ``seconds``, ``steps``, ...).
    """
    root = Path(cache) if cache is not None else cache_dir()
    path = root / "models" / f"{config.decoder}-{cache_key(config, budget, data)}.pt"
    if path.is_file():
        try:
            return load_checkpoint(path, expect=config)
        except CheckpointError:
            pass  # damaged cache entry: train again and replace it atomically
    if train_images is None or test_images is None:
        from layerguide.autoencoder.data import load_mnist

        if train_images is None:
            train_images = load_mnist("train").images
        if test_images is None:
            test_images = load_mnist("test").images
    result = train(config, budget, train_images, progress=progress)
    metrics = evaluate(result.model, test_images)
    info = make_info(result, metrics, budget)
    save_checkpoint(path, result.model, info)
    return result.model, info


def make_info(result: TrainResult, metrics: Metrics, budget: TrainConfig) -> dict[str, Any]:
    """What a checkpoint records about its training."""
    return {
        "test_bce": metrics.bce,
        "test_mse": metrics.mse,
        "params": result.model.n_params(),
        "seconds": result.seconds,
        "steps": result.steps,
        "images_seen": result.images_seen,
        "train": asdict(budget),
        "torch": str(torch.__version__),
    }
