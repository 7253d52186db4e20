"""The convolutional autoencoder: one encoder, decoders from three families.

The encoder squeezes a 1×28×28 digit into a small code, three times "convolution, then
2×2 max pooling" (28 → 14 → 7 → 4; the last pooling rounds up) and a 1×1 convolution down
to ``code_size / 16`` channels: the code is C × 4 × 4 values (8 × 4 × 4 = 128 by default,
as in the Keras blog's convolutional autoencoder). Each stage normalises and activates
*after* pooling, which costs a quarter of doing it before.

The decoders restore 1×28×28 *logits* (apply a sigmoid for pixels) in the three ways the
lesson names:

- **fully connected** (``fc``): flatten the code, two Linear layers, reshape;
- **upsampling** then convolution, mirroring the encoder: ``nearest`` (repeat each value
  2×2), ``bed_of_nails`` (the value at the top-left corner, zeros elsewhere) and
  ``max_unpool`` (the value goes back where the encoder's max came from);
- **transposed convolution** (``transpose``): stride-2 transposed convolutions that upsample
  and filter in one step. They work at the smaller size of each step, so they can afford
  to be wider than the encoder (128 and 32 channels at 7×7 and 14×14 by default).

The only path from encoder to decoder is the code, with one declared exception:
``max_unpool`` also receives the encoder's pooling indices (which of the 4 pixels in each
window was the largest — 2 bits for each pooled value), so it sees more than the code.

The pieces live in their own modules (every public name is also importable from
``layerguide.autoencoder``):
:mod:`~layerguide.autoencoder.config` (settings and their checks),
:mod:`~layerguide.autoencoder.encoder`, :mod:`~layerguide.autoencoder.upsampling` (the three
×2 upsamplings), :mod:`~layerguide.autoencoder.decoders` (the decoders and
:data:`~layerguide.autoencoder.decoders.DECODERS`); this module puts an encoder and a decoder together.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from layerguide.autoencoder.config import (
    AutoencoderConfig,
)
from layerguide.autoencoder.decoders import (
    DECODERS,
)
from layerguide.autoencoder.encoder import Code, Encoder
from layerguide.errors import ArgumentTypeError

__all__ = ["Autoencoder", "build_autoencoder"]


class Autoencoder(nn.Module):
    """Encoder + decoder; ``forward`` returns logits (apply a sigmoid for pixels).

    Shape
    -----
    (N, 1, 28, 28) → code (N, code_size/16, 4, 4) → logits (N, 1, 28, 28)

    Examples
    --------
    >>> model = build_autoencoder(AutoencoderConfig(decoder="transpose"))
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 1, 28, 28])
    """

    def __init__(self, config: AutoencoderConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.decoder = DECODERS[config.decoder](config)

    def encode(self, x: torch.Tensor) -> Code:
        """The code (and pooling indices) for a batch of digits."""
        return self.encoder(x)

    def decode(self, code: Code) -> torch.Tensor:
        """Logits of the reconstruction."""
        return self.decoder(code)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))

    def n_params(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)


def build_autoencoder(config: AutoencoderConfig | None = None, **kwargs: Any) -> Autoencoder:
    """Build an autoencoder from a config, or from keyword settings.

    Examples
    --------
    >>> build_autoencoder(decoder="fc").config.decoder
    'fc'
    """
    if config is None:
        config = AutoencoderConfig(**kwargs)
    elif kwargs:
        raise ArgumentTypeError("build_autoencoder: pass a config or keyword settings, not both")
    return Autoencoder(config)
