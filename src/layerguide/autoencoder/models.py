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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from layerguide import LayerguideError, LayerguideTypeError

__all__ = [
    "DECODERS",
    "DECODER_FAMILIES",
    "Autoencoder",
    "AutoencoderConfig",
    "Code",
    "ConfigError",
    "Encoder",
    "EncoderStage",
    "build_autoencoder",
]

CODE_HW = 4  # the code's height and width: 28 → 14 → 7 → 4
TRANSPOSE_CHANNELS = (128, 32)  # the transposed-convolution decoder's widths at 7×7, 14×14


class ConfigError(LayerguideError, ValueError):
    """An autoencoder setting that cannot work."""


@dataclass(frozen=True)
class AutoencoderConfig:
    """Every setting of an autoencoder; two equal configs build identical architectures.

    Examples
    --------
    >>> AutoencoderConfig(decoder="fc").code_channels
    8
    """

    decoder: str = "transpose"  # decoder by name, one of DECODERS
    code_size: int = 128  # values in the code = code_channels × 4 × 4
    channels: tuple[int, int, int] = (16, 64, 96)  # encoder widths at 28×28, 14×14, 7×7
    #: Widths of a convolutional decoder at 7×7 and 14×14, or None for the decoder's default
    #: (see decoder_widths); max_unpool must mirror the encoder
    decoder_channels: tuple[int, int] | None = None
    fc_hidden: int = 512  # hidden width of the fully connected decoder

    def __post_init__(self) -> None:
        if self.decoder not in DECODERS:
            raise ConfigError(
                f"AutoencoderConfig: unknown decoder {self.decoder!r}; "
                f"valid names are {', '.join(DECODERS)}"
            )
        cells = CODE_HW * CODE_HW
        if (
            not isinstance(self.code_size, int)
            or isinstance(self.code_size, bool)
            or self.code_size < cells
            or self.code_size % cells
        ):
            raise ConfigError(
                f"AutoencoderConfig: code_size {self.code_size!r} does not fit the encoder: "
                f"its code is C × {CODE_HW} × {CODE_HW}, so code_size must be a positive "
                f"multiple of {cells} ({self.code_size!r} / {cells} = "
                f"{self.code_size / cells if isinstance(self.code_size, int | float) else '?'})"
            )
        channels = tuple(self.channels)
        if len(channels) != 3 or any(not isinstance(c, int) or c < 1 for c in channels):
            raise ConfigError(
                f"AutoencoderConfig: channels must be 3 positive ints, got {self.channels!r}"
            )
        object.__setattr__(self, "channels", channels)
        if self.decoder_channels is not None:
            dec = tuple(self.decoder_channels)
            if len(dec) != 2 or any(
                not isinstance(c, int) or isinstance(c, bool) or c < 1 for c in dec
            ):
                raise ConfigError(
                    "AutoencoderConfig: decoder_channels must be 2 positive ints, "
                    f"got {self.decoder_channels!r}"
                )
            mirror = self._mirrored
            if self.decoder == "max_unpool" and dec != mirror:
                raise ConfigError(
                    f"AutoencoderConfig: max_unpool puts values back into the encoder's "
                    f"channels, so decoder_channels must be {mirror} (channels {channels} "
                    f"mirrored), got {dec}"
                )
            object.__setattr__(self, "decoder_channels", dec)
        if not isinstance(self.fc_hidden, int) or self.fc_hidden < 1:
            raise ConfigError(f"AutoencoderConfig: fc_hidden must be >= 1, got {self.fc_hidden!r}")

    @property
    def decoder_widths(self) -> tuple[int, int]:
        """A convolutional decoder's widths at 7×7 and 14×14, defaults resolved.

        Examples
        --------
        >>> AutoencoderConfig().decoder_widths, AutoencoderConfig(decoder="nearest").decoder_widths
        ((128, 32), (64, 16))
        """
        if self.decoder_channels is not None:
            return self.decoder_channels
        if self.decoder == "transpose":
            return TRANSPOSE_CHANNELS
        return self._mirrored

    @property
    def _mirrored(self) -> tuple[int, int]:
        """The encoder's (c2, c1): a mirroring decoder's widths at 7×7 and 14×14."""
        return self.channels[1], self.channels[0]

    @property
    def code_channels(self) -> int:
        """Channels of the C × 4 × 4 code."""
        return self.code_size // (CODE_HW * CODE_HW)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form, stored in checkpoints."""
        out = asdict(self)
        out["channels"] = list(self.channels)
        if self.decoder_channels is not None:
            out["decoder_channels"] = list(self.decoder_channels)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AutoencoderConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        known = {"decoder", "code_size", "channels", "decoder_channels", "fc_hidden"}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"AutoencoderConfig.from_dict: unknown keys {sorted(unknown)}")
        data = dict(data)
        for key in ("channels", "decoder_channels"):
            if isinstance(data.get(key), list):
                data[key] = tuple(data[key])
        return cls(**data)


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


def _block(c_in: int, c_out: int) -> nn.Sequential:
    """3×3 convolution (same size) → BatchNorm → GELU."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.GELU()
    )


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


def bed_of_nails(x: torch.Tensor, size: int) -> torch.Tensor:
    """Upsample ×2: each value to the top-left of its 2×2 cell, zeros elsewhere; crop to size.

    Shape
    -----
    (N, C, H, W) → (N, C, size, size) with size ≤ 2H

    Examples
    --------
    >>> bed_of_nails(torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), 4)[0, 0]
    tensor([[1., 0., 2., 0.],
            [0., 0., 0., 0.],
            [3., 0., 4., 0.],
            [0., 0., 0., 0.]])
    """
    n, c, h, w = x.shape
    out = x.new_zeros(n, c, h, 2, w, 2)  # (N, C, H, 2, W, 2)
    out[:, :, :, 0, :, 0] = x
    return out.view(n, c, 2 * h, 2 * w)[:, :, :size, :size]


def nearest(x: torch.Tensor, size: int) -> torch.Tensor:
    """Upsample ×2 by repeating each value over its 2×2 cell; crop to size.

    Shape
    -----
    (N, C, H, W) → (N, C, size, size) with size ≤ 2H
    """
    return F.interpolate(x, scale_factor=2, mode="nearest")[:, :, :size, :size]


def max_unpool(x: torch.Tensor, indices: torch.Tensor, size: int) -> torch.Tensor:
    """Upsample ×2: each value back where the 2×2 max pooling found it, zeros elsewhere.

    ``indices`` are ``nn.MaxPool2d(2, return_indices=True)``'s: flat positions in the
    size × size input of the pooling. This computes what ``F.max_unpool2d`` computes, as a
    scatter into zeros: torch refuses ``max_unpool2d`` under deterministic algorithms (two
    values sent to one position would race), but indices from non-overlapping 2×2 windows
    are all different, and the scatter needs no global switch that other threads could see.

    Shape
    -----
    x, indices (N, C, H, W) → (N, C, size, size) with size ≤ 2H

    Examples
    --------
    >>> x = torch.tensor([[[[1.0, 5.0], [2.0, 0.0]]]])
    >>> pooled, idx = nn.MaxPool2d(2, return_indices=True)(x)
    >>> max_unpool(pooled, idx, 2)
    tensor([[[[0., 5.],
              [0., 0.]]]])
    """
    n, c = x.shape[:2]
    flat = x.new_zeros(n, c, size * size).scatter(2, indices.flatten(2), x.flatten(2))
    return flat.view(n, c, size, size)


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

#: Decoder name → the family the lesson puts it in.
DECODER_FAMILIES: dict[str, str] = {
    "nearest": "upsampling",
    "bed_of_nails": "upsampling",
    "max_unpool": "upsampling",
    "transpose": "transposed convolution",
    "fc": "fully connected",
}


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
        raise LayerguideTypeError("build_autoencoder: pass a config or keyword settings, not both")
    return Autoencoder(config)
