"""The images training and evaluation accept: float32 MNIST digits, (N, 1, 28, 28)."""

from __future__ import annotations

import numpy as np
import torch

from layerguide.errors import ArgumentError

#: One MNIST digit as the models take it: (channels, height, width).
IMAGE_SHAPE = (1, 28, 28)


def as_images(images: np.ndarray | torch.Tensor, where: str) -> torch.Tensor:
    """``images`` as a float32 (N, 1, 28, 28) tensor (no copy), or an error naming ``where``."""
    x = torch.as_tensor(images)
    if x.dtype != torch.float32 or x.ndim != 4 or tuple(x.shape[1:]) != IMAGE_SHAPE:
        raise ArgumentError(
            f"{where}: images must be float32 (N, 1, 28, 28), got {x.dtype} {tuple(x.shape)}"
        )
    if len(x) == 0:
        raise ArgumentError(f"{where}: no images")
    return x
