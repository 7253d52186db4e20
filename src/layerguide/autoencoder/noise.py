"""Noisy inputs for a denoising autoencoder: Gaussian noise added to each pixel, clipped.

A denoising autoencoder sees a damaged digit and is scored against the clean one, so it
cannot learn to copy its input; it has to learn what digits look like (Vincent et al.,
2008). The damage here is the Keras blog's: every pixel gets ``std`` times a standard
normal number added, and the result is clipped back to [0, 1].

>>> x = torch.full((2, 1, 28, 28), 0.5)
>>> noisy = add_noise(x, 0.5, generator=torch.Generator().manual_seed(0))
>>> noisy.shape, bool(noisy.min() >= 0), bool(noisy.max() <= 1), bool((noisy != x).any())
(torch.Size([2, 1, 28, 28]), True, True, True)
"""

from __future__ import annotations

import numpy as np
import torch

from layerguide.autoencoder._images import as_images
from layerguide.autoencoder.train_config import check_noise

__all__ = ["add_noise"]


def add_noise(
    images: np.ndarray | torch.Tensor, std: float, *, generator: torch.Generator
) -> torch.Tensor:
    """``clip(images + std · N(0, 1), 0, 1)``, a new float32 (N, 1, 28, 28) tensor.

    The noise is drawn on the CPU from ``generator``, so the same generator state gives
    the same noisy images on every machine and device.
    """
    std = check_noise("add_noise", std)
    x = as_images(images, "add_noise")
    noise = torch.randn(x.shape, generator=generator, dtype=torch.float32)  # (N, 1, 28, 28)
    return (x + std * noise.to(x.device)).clamp_(0.0, 1.0)
