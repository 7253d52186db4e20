"""The encoder: three "convolution, then 2×2 max pooling" stages and a 1×1 convolution.

It squeezes a 1×28×28 digit into a C × 4 × 4 :class:`Code` (28 → 14 → 7 → 4; the last
pooling rounds up) and keeps each pooling's indices for the ``max_unpool`` decoder.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from layerguide.autoencoder.config import AutoencoderConfig

__all__ = ["Code", "Encoder", "EncoderStage"]


class EncoderStage(nn.Module):
    """3×3 convolution → 2×2 max pooling → BatchNorm → GELU; also returns the pooling indices.

    Normalising and activating after the pooling costs a quarter of doing it before (the
    BatchNorm statistics are those of the pooled values); the indices say where each
    maximum of the convolution's output was.

    Shape
    -----
    (N, c_in, H, W) → (N, c_out, ⌈H/2⌉, ⌈W/2⌉), indices of the same shape
    """

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.pool = nn.MaxPool2d(2, ceil_mode=True, return_indices=True)
        self.norm = nn.BatchNorm2d(c_out)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pooled, indices = self.pool(self.conv(x))
        return self.act(self.norm(pooled)), indices


class Code(NamedTuple):
    """What the encoder hands to the decoder."""

    values: torch.Tensor  #: (N, C, 4, 4), the code itself
    indices: tuple[torch.Tensor, ...]  #: max-pooling indices at 14×14, 7×7, 4×4 (max_unpool only)


class Encoder(nn.Module):
    """Three "conv → 2×2 max pool" stages (:class:`EncoderStage`) and a 1×1 convolution.

    Shape
    -----
    input (N, 1, 28, 28) → code (N, code_size/16, 4, 4)

    Examples
    --------
    >>> enc = Encoder(AutoencoderConfig())
    >>> enc(torch.zeros(2, 1, 28, 28)).values.shape
    torch.Size([2, 8, 4, 4])
    """

    def __init__(self, config: AutoencoderConfig) -> None:
        super().__init__()
        c1, c2, c3 = config.channels
        # 28 → 14 → 7 → 4
        self.stages = nn.ModuleList(
            [EncoderStage(1, c1), EncoderStage(c1, c2), EncoderStage(c2, c3)]
        )
        self.to_code = nn.Conv2d(c3, config.code_channels, 1)

    def forward(self, x: torch.Tensor) -> Code:
        indices = []
        for stage in self.stages:
            x, idx = stage(x)  # (N, C, H, W) → (N, C', ⌈H/2⌉, ⌈W/2⌉)
            indices.append(idx)
        return Code(self.to_code(x), tuple(indices))  # (N, code_size/16, 4, 4)
