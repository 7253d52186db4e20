"""An autoencoder's settings: :class:`AutoencoderConfig`, checked when it is built.

The decoder names and their families live here too (:data:`DECODER_FAMILIES`), so a config
can be checked without building any layer; :data:`~layerguide.autoencoder.decoders.DECODERS`
maps the same names to their constructors.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from layerguide.errors import ArgumentError

__all__ = [
    "CODE_HW",
    "DECODER_FAMILIES",
    "TRANSPOSE_CHANNELS",
    "AutoencoderConfig",
]

#: The code's height and width (28 → 14 → 7 → 4).
CODE_HW = 4
#: The transposed-convolution decoder's default widths at 7 × 7 and at 14 × 14.
TRANSPOSE_CHANNELS = (128, 32)

#: Decoder name → the family the lesson puts it in.
DECODER_FAMILIES: dict[str, str] = {
    "nearest": "upsampling",
    "bed_of_nails": "upsampling",
    "max_unpool": "upsampling",
    "transpose": "transposed convolution",
    "fc": "fully connected",
}


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
        if self.decoder not in DECODER_FAMILIES:
            raise ArgumentError(
                f"AutoencoderConfig: unknown decoder {self.decoder!r}; "
                f"valid names are {', '.join(DECODER_FAMILIES)}"
            )
        cells = CODE_HW * CODE_HW
        if (
            not isinstance(self.code_size, int)
            or isinstance(self.code_size, bool)
            or self.code_size < cells
            or self.code_size % cells
        ):
            raise ArgumentError(
                f"AutoencoderConfig: code_size {self.code_size!r} does not fit the encoder: "
                f"its code is C × {CODE_HW} × {CODE_HW}, so code_size must be a positive "
                f"multiple of {cells} ({self.code_size!r} / {cells} = "
                f"{self.code_size / cells if isinstance(self.code_size, int | float) else '?'})"
            )
        channels = tuple(self.channels)
        if len(channels) != 3 or any(not isinstance(c, int) or c < 1 for c in channels):
            raise ArgumentError(
                f"AutoencoderConfig: channels must be 3 positive ints, got {self.channels!r}"
            )
        object.__setattr__(self, "channels", channels)
        if self.decoder_channels is not None:
            dec = tuple(self.decoder_channels)
            if len(dec) != 2 or any(
                not isinstance(c, int) or isinstance(c, bool) or c < 1 for c in dec
            ):
                raise ArgumentError(
                    "AutoencoderConfig: decoder_channels must be 2 positive ints, "
                    f"got {self.decoder_channels!r}"
                )
            mirror = self._mirrored
            if self.decoder == "max_unpool" and dec != mirror:
                raise ArgumentError(
                    f"AutoencoderConfig: max_unpool puts values back into the encoder's "
                    f"channels, so decoder_channels must be {mirror} (channels {channels} "
                    f"mirrored), got {dec}"
                )
            object.__setattr__(self, "decoder_channels", dec)
        if not isinstance(self.fc_hidden, int) or self.fc_hidden < 1:
            raise ArgumentError(
                f"AutoencoderConfig: fc_hidden must be >= 1, got {self.fc_hidden!r}"
            )

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
            raise ArgumentError(f"AutoencoderConfig.from_dict: unknown keys {sorted(unknown)}")
        data = dict(data)
        for key in ("channels", "decoder_channels"):
            if isinstance(data.get(key), list):
                data[key] = tuple(data[key])
        return cls(**data)
