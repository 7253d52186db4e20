"""The training loop: AdamW on per-pixel BCE, one-cycle learning rate, within a budget.

The loss is per-pixel binary cross-entropy on the logits. With ``train_config.noise`` > 0
the model sees each batch with fresh Gaussian noise (:mod:`~layerguide.autoencoder.noise`)
and is scored against the clean digits: a denoising autoencoder. The schedule
(:mod:`~layerguide.autoencoder.schedule`) runs on the fraction of the budget used so far:
steps for ``epochs``/``steps`` budgets, wall-clock seconds for ``max_seconds``. Step budgets
are reproducible: same seed, same device, same threads → same numbers. A time budget
depends on how fast the machine is at that moment. On the CPU the batch is split between
model copies (:mod:`~layerguide.autoencoder.parallel`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import torch
from tqdm.auto import tqdm

from layerguide.autoencoder._images import as_images
from layerguide.autoencoder.config import AutoencoderConfig
from layerguide.autoencoder.models import Autoencoder, build_autoencoder
from layerguide.autoencoder.noise import add_noise
from layerguide.autoencoder.parallel import Copies, torch_settings
from layerguide.autoencoder.schedule import lr_at
from layerguide.autoencoder.train_config import TrainConfig
from layerguide.errors import ArgumentError

__all__ = ["TrainResult", "resolve_device", "train"]

#: AdamW's (β1, β2). β2 = 0.99 instead of torch's 0.999: the average of squared gradients
#: then forgets over ~100 steps rather than ~1000, short enough for runs of a few hundred
#: steps (nanoGPT's small configurations make the same choice).
ADAM_BETAS = (0.9, 0.99)
#: Seconds between two redraws of the progress bar.
PROGRESS_REFRESH = 0.5


class TrainResult(NamedTuple):
    """A trained model and what the training cost."""

    model: Autoencoder
    steps: int
    images_seen: int
    seconds: float
    final_loss: float


def resolve_device(device: str) -> torch.device:
    """``"auto"`` → cuda if available, else cpu; ``"cpu"``/``"cuda"`` as given (checked)."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in ("cpu", "cuda"):
        raise ArgumentError(f"device must be auto, cpu or cuda, got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ArgumentError("device 'cuda' requested but torch.cuda.is_available() is False")
    return torch.device(device)


class _Budget:
    """How much of the budget is used: a fraction of the steps, or of the seconds."""

    def __init__(self, train_config: TrainConfig, per_epoch: int) -> None:
        self.total_steps: int | None = None
        self.seconds = 0.0
        if train_config.steps is not None:
            self.total_steps = train_config.steps
        elif train_config.epochs is not None:
            self.total_steps = max(1, round(train_config.epochs * per_epoch))
        elif train_config.max_seconds is not None:
            self.seconds = train_config.max_seconds

    def fraction(self, step: int, elapsed: float) -> float | None:
        """The fraction used before ``step``, or ``None`` once the budget is spent."""
        if self.total_steps is not None:
            return None if step >= self.total_steps else step / self.total_steps
        if step and elapsed >= self.seconds:  # at least one step
            return None
        return elapsed / self.seconds

    def progress_bar(self, enabled: bool) -> Any:
        """A tqdm bar on stderr counting steps, or seconds for a time budget."""
        by_steps = self.total_steps is not None
        return tqdm(
            total=self.total_steps if by_steps else self.seconds,
            unit="step" if by_steps else "s",
            disable=not enabled,
            file=sys.stderr,
            mininterval=PROGRESS_REFRESH,
            dynamic_ncols=True,
            bar_format=None if by_steps else "{l_bar}{bar}| {n:.0f}/{total:.0f}s {postfix}",
        )


def train(
    config: AutoencoderConfig,
    train_config: TrainConfig,
    images: np.ndarray | torch.Tensor,
    *,
    device: str = "cpu",
    progress: bool = False,
    on_step: Callable[[int, float], object] | None = None,
) -> TrainResult:
    """Train a fresh autoencoder on ``images`` within ``train_config``'s budget.

    Parameters
    ----------
    config : ~layerguide.autoencoder.config.AutoencoderConfig
    train_config : ~layerguide.autoencoder.train_config.TrainConfig
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
    x_all = as_images(images, "train")
    dev = resolve_device(device)
    bs = min(train_config.batch_size, len(x_all))
    n_copies = min(train_config.threads, bs) if dev.type == "cpu" else 1
    torch_threads = 1 if n_copies > 1 else train_config.threads
    with torch_settings(torch_threads, deterministic=dev.type == "cpu"):
        torch.manual_seed(train_config.seed)
        model = build_autoencoder(config).to(dev).to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        model.train()
        copies = Copies(model, n_copies)
        try:
            step, seconds, loss = _loop(copies, x_all.to(dev), bs, train_config, progress, on_step)
        finally:
            model = copies.close()
    model.eval().to("cpu").to(memory_format=torch.contiguous_format)  # type: ignore[call-overload]
    return TrainResult(model, step, step * bs, seconds, loss)


def _loop(
    copies: Copies,
    x_all: torch.Tensor,
    bs: int,
    train_config: TrainConfig,
    progress: bool,
    on_step: Callable[[int, float], object] | None = None,
) -> tuple[int, float, float]:
    """Optimiser steps until the budget is spent; returns (steps, seconds, last loss)."""
    dev, n = x_all.device, len(x_all)
    opt = torch.optim.AdamW(
        copies.params[0],
        lr=train_config.lr,
        weight_decay=train_config.weight_decay,
        betas=ADAM_BETAS,
        fused=dev.type == "cpu" or None,
    )
    gen = torch.Generator().manual_seed(train_config.seed)
    noise_gen = torch.Generator().manual_seed(train_config.seed)  # its own: same batch order
    order = torch.randperm(n, generator=gen)
    budget = _Budget(train_config, per_epoch=max(1, n // bs))
    pos = step = 0
    bar = budget.progress_bar(progress)
    start = time.perf_counter()
    try:
        while (fraction := budget.fraction(step, time.perf_counter() - start)) is not None:
            for group in opt.param_groups:
                group["lr"] = lr_at(fraction, train_config)
            if pos + bs > n:
                order, pos = torch.randperm(n, generator=gen), 0
            batch = x_all[order[pos : pos + bs].to(dev)]  # (B, 1, 28, 28)
            pos += bs
            target = batch.contiguous(memory_format=torch.channels_last)
            if train_config.noise:  # denoising: a noisy input, the clean digit as target
                noisy = add_noise(batch, train_config.noise, generator=noise_gen)
                loss = copies.gradients(noisy.contiguous(memory_format=torch.channels_last), target)
            else:
                loss = copies.gradients(target)
            opt.step()
            copies.sync()
            step += 1
            if on_step is not None:
                on_step(step, float(loss))
            if progress:
                now = time.perf_counter() - start
                img_s = f"{step * bs / max(now, 1e-3):.0f}"
                bar.set_postfix(loss=f"{loss.item():.4f}", img_s=img_s, refresh=False)
                bar.update(1 if budget.total_steps is not None else now - bar.n)
        seconds = time.perf_counter() - start
    finally:
        bar.close()
    return step, seconds, float(loss.detach())
