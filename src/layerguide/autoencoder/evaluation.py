"""Scoring a reconstruction: mean per-pixel BCE and MSE, the BCE floor, the summary line."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from layerguide.autoencoder._images import as_images
from layerguide.autoencoder.config import AutoencoderConfig
from layerguide.autoencoder.models import Autoencoder
from layerguide.errors import ArgumentError

__all__ = ["Metrics", "bce_floor", "evaluate", "summary_line"]

#: Images per forward pass in :func:`evaluate`; it bounds memory. The per-batch float32
#: sums are added up as Python floats, so another size changes only the last digits.
EVAL_BATCH = 250


class Metrics(NamedTuple):
    """Mean per-pixel test losses of a reconstruction."""

    bce: float  #: binary cross-entropy of sigmoid(logits) against the pixels
    mse: float  #: squared error of sigmoid(logits) against the pixels


@torch.no_grad()
def evaluate(
    model: Autoencoder,
    images: np.ndarray | torch.Tensor,
    *,
    inputs: np.ndarray | torch.Tensor | None = None,
    batch_size: int = EVAL_BATCH,
) -> Metrics:
    """Mean per-pixel BCE and MSE of ``model``'s reconstructions of ``images``.

    With ``inputs`` (the same shape as ``images``, e.g. noisy copies) the model sees
    ``inputs`` and its output is compared with ``images``.

    Examples
    --------
    >>> import math
    >>> from layerguide.autoencoder import build_autoencoder
    >>> model = build_autoencoder(AutoencoderConfig())
    >>> m = evaluate(model, torch.full((4, 1, 28, 28), 0.5))
    >>> round(m.bce, 4) >= round(math.log(2), 4)
    True
    """
    x_all = as_images(images, "evaluate")
    seen = x_all if inputs is None else as_images(inputs, "evaluate")
    if seen.shape != x_all.shape:
        raise ArgumentError(
            f"evaluate: inputs {tuple(seen.shape)} must have the shape of images "
            f"{tuple(x_all.shape)}"
        )
    was_training = model.training
    model.eval()
    bce = mse = 0.0
    for i in range(0, len(x_all), batch_size):
        x = x_all[i : i + batch_size].contiguous(memory_format=torch.channels_last)
        logits = model(seen[i : i + batch_size].contiguous(memory_format=torch.channels_last))
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
