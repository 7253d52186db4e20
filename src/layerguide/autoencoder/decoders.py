"""The decoders, one family each: fully connected, upsampling then convolution, transposed
convolution; :data:`DECODERS` builds one by name.

Each takes the encoder's :class:`~layerguide.autoencoder.encoder.Code` and returns
1×28×28 logits.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from layerguide.autoencoder.config import AutoencoderConfig
from layerguide.autoencoder.encoder import Code
from layerguide.autoencoder.upsampling import bed_of_nails, max_unpool, nearest

__all__ = [
    "DECODERS",
    "FullyConnectedDecoder",
    "TransposedConvDecoder",
    "UpsamplingDecoder",
]


def _block(c_in: int, c_out: int) -> nn.Sequential:
    """3×3 convolution (same size) → BatchNorm → GELU."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.GELU()
    )


class FullyConnectedDecoder(nn.Module):
    """Flatten the code, Linear → GELU → Linear to 784 logits, reshape.

    Shape
    -----
    code (N, C, 4, 4) → (N, 16·C) → (N, fc_hidden) → (N, 784) → (N, 1, 28, 28)
    """

    def __init__(self, config: AutoencoderConfig) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(config.code_size, config.fc_hidden),
            nn.GELU(),
            nn.Linear(config.fc_hidden, 28 * 28),
        )

    def forward(self, code: Code) -> torch.Tensor:
        return self.net(code.values).view(-1, 1, 28, 28)


class UpsamplingDecoder(nn.Module):
    """1×1 conv, then three "upsample ×2 → 3×3 conv" stages, mirroring the encoder.

    ``mode`` is ``"nearest"``, ``"bed_of_nails"`` or ``"max_unpool"`` (which puts each value
    back where the encoder's max came from, using the encoder's pooling indices).

    Shape
    -----
    code (N, C, 4, 4) → (N, c3, 4, 4) → (N, d7, 7, 7) → (N, d14, 14, 14) → (N, 1, 28, 28)
    with (d7, d14) = ``config.decoder_widths``, by default the encoder's (c2, c1)
    """

    def __init__(self, config: AutoencoderConfig, mode: str) -> None:
        super().__init__()
        c3 = config.channels[2]
        d7, d14 = config.decoder_widths
        self.mode = mode
        self.from_code = nn.Sequential(nn.Conv2d(config.code_channels, c3, 1), nn.GELU())
        self.stages = nn.ModuleList([_block(c3, d7), _block(d7, d14)])
        self.head = nn.Conv2d(d14, 1, 3, padding=1)

    def _up(self, x: torch.Tensor, size: int, indices: torch.Tensor) -> torch.Tensor:
        if self.mode == "max_unpool":
            return max_unpool(x, indices, size)
        if self.mode == "bed_of_nails":
            return bed_of_nails(x, size)
        return nearest(x, size)

    def forward(self, code: Code) -> torch.Tensor:
        i14, i7, i4 = code.indices
        x = self.from_code(code.values)  # (N, c3, 4, 4)
        x = self.stages[0](self._up(x, 7, i4))  # (N, c2, 7, 7)
        x = self.stages[1](self._up(x, 14, i7))  # (N, c1, 14, 14)
        return self.head(self._up(x, 28, i14))  # (N, 1, 28, 28)


class TransposedConvDecoder(nn.Module):
    """1×1 conv, then three stride-2 transposed convolutions (4 → 7 → 14 → 28).

    The first uses a 3×3 kernel: of the sizes that turn 4 into 7 at stride 2 (2 with
    padding 1 and output_padding 1, 3 with padding 1, 4 with padding 2 and output_padding 1,
    5 with padding 2), it is the smallest whose copies overlap, and it needs neither
    output_padding nor uneven padding. The others are 4×4, a kernel size divisible by the
    stride, so every output pixel gets the same number of contributions (no checkerboard
    pattern from uneven overlap; Odena et al., Distill 2016).

    Shape
    -----
    code (N, C, 4, 4) → (N, c3, 4, 4) → (N, d7, 7, 7) → (N, d14, 14, 14) → (N, 1, 28, 28)
    with (d7, d14) = ``config.decoder_widths``, by default (128, 32)
    """

    def __init__(self, config: AutoencoderConfig) -> None:
        super().__init__()
        c3 = config.channels[2]
        d7, d14 = config.decoder_widths

        def up(c_in: int, c_out: int, k: int) -> list[nn.Module]:
            conv = nn.ConvTranspose2d(c_in, c_out, k, stride=2, padding=1, bias=False)
            return [conv, nn.BatchNorm2d(c_out), nn.GELU()]

        self.net = nn.Sequential(
            nn.Conv2d(config.code_channels, c3, 1),
            nn.GELU(),
            *up(c3, d7, 3),  # 4 → 7: (4 − 1)·2 − 2 + 3
            *up(d7, d14, 4),  # 7 → 14: (7 − 1)·2 − 2 + 4
            nn.ConvTranspose2d(d14, 1, 4, stride=2, padding=1),  # 14 → 28
        )

    def forward(self, code: Code) -> torch.Tensor:
        return self.net(code.values)


#: Decoder name → constructor taking the config.
DECODERS: dict[str, Callable[[AutoencoderConfig], nn.Module]] = {
    "nearest": lambda cfg: UpsamplingDecoder(cfg, "nearest"),
    "bed_of_nails": lambda cfg: UpsamplingDecoder(cfg, "bed_of_nails"),
    "max_unpool": lambda cfg: UpsamplingDecoder(cfg, "max_unpool"),
    "transpose": TransposedConvDecoder,
    "fc": FullyConnectedDecoder,
}
