"""Data shapes: layouts, element counts and sizes, computed without allocating.

The lesson describes data by its shape: an RGB image is (C, H, W), a batch of them
(N, C, H, W), and a black-and-white movie (T, C, H, W). These helpers do the
arithmetic on shapes only, so even a 90-minute movie costs no memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.errors import ArgumentError

__all__ = ["Video", "chw_to_hwc", "format_bytes", "hwc_to_chw", "nbytes", "numel"]


def _check_shape(shape: tuple[int, ...], who: str) -> tuple[int, ...]:
    shape = tuple(shape)
    bad = [d for d in shape if not isinstance(d, (int, np.integer)) or isinstance(d, bool) or d < 0]
    if bad:
        raise ArgumentError(f"{who}: shape must hold non-negative ints, got {shape!r}")
    return tuple(int(d) for d in shape)


def numel(shape: tuple[int, ...]) -> int:
    """Number of elements of an array of this shape (exact Python int, never overflows).

    >>> numel((162_000, 1, 1024, 1280))
    212336640000
    """
    return math.prod(_check_shape(shape, "numel"))


def nbytes(shape: tuple[int, ...], dtype: DTypeLike) -> int:
    """Size in bytes of an array of this shape and dtype, without creating it.

    >>> nbytes((3, 1080, 1920), "uint8"), nbytes((3, 1080, 1920), "float32")
    (6220800, 24883200)
    """
    return numel(shape) * np.dtype(dtype).itemsize


def format_bytes(n: int, *, binary: bool = True) -> str:
    """Human-readable size in decimal units (kB = 1000 B) and binary units (GiB = 1024³ B).

    The one byte formatter of the package (the tracer's tables use it too). The units are
    written the same way in Korean and English, so there is no ``lang``.

    >>> format_bytes(849_346_560_000)
    '849.3 GB (791.0 GiB)'
    >>> format_bytes(212_336_640_000)
    '212.3 GB (197.8 GiB)'
    >>> format_bytes(24_900_000, binary=False)
    '24.9 MB'
    """
    if n < 0:
        raise ArgumentError(f"format_bytes: n must be >= 0, got {n}")
    units = ["B", "kB", "MB", "GB", "TB", "PB"]
    bunits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]

    def scale(value: float, base: int, names: list[str]) -> str:
        i = 0
        while value >= base and i < len(names) - 1:
            value /= base
            i += 1
        return f"{value:.0f} {names[i]}" if i == 0 else f"{value:.1f} {names[i]}"

    decimal = scale(n, 1000, units)
    return f"{decimal} ({scale(n, 1024, bunits)})" if binary else decimal


def hwc_to_chw(image: NDArray[Any]) -> NDArray[Any]:
    """Move the channel axis first: (H, W, C) → (C, H, W), as PyTorch expects.

    Returns a view (no copy); use ``np.ascontiguousarray`` when a contiguous array is needed.

    >>> hwc_to_chw(np.zeros((512, 400, 3))).shape
    (3, 512, 400)
    """
    if image.ndim != 3:
        raise ArgumentError(
            f"hwc_to_chw: image must have 3 axes (H, W, C), got shape {image.shape}"
        )
    return np.moveaxis(image, -1, 0)


def chw_to_hwc(image: NDArray[Any]) -> NDArray[Any]:
    """Move the channel axis last: (C, H, W) → (H, W, C), as matplotlib and NumPy images use.

    >>> chw_to_hwc(np.zeros((3, 512, 400))).shape
    (512, 400, 3)
    """
    if image.ndim != 3:
        raise ArgumentError(
            f"chw_to_hwc: image must have 3 axes (C, H, W), got shape {image.shape}"
        )
    return np.moveaxis(image, 0, -1)


@dataclass(frozen=True)
class Video:
    """A movie described by its size, frame rate and length; shapes only, no pixels.

    Parameters
    ----------
    width, height : int
        Frame size in pixels. "1280×1024" conventionally means width × height.
    fps : int
        Frames per second.
    minutes : int
        Running time.
    channels : int
        1 for black and white, 3 for RGB.

    Examples
    --------
    >>> movie = Video(width=1280, height=1024, fps=30, minutes=90, channels=1)
    >>> movie.frames
    162000
    >>> movie.shape()  # (T, C, H, W)
    (162000, 1, 1024, 1280)
    """

    width: int
    height: int
    fps: int
    minutes: int
    channels: int = 1

    def __post_init__(self) -> None:
        for name in ("width", "height", "fps", "minutes", "channels"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ArgumentError(f"Video: {name} must be a positive int, got {value!r}")

    @property
    def frames(self) -> int:
        """T = fps × 60 × minutes."""
        return self.fps * 60 * self.minutes

    def shape(self, layout: str = "TCHW") -> tuple[int, ...]:
        """The shape in a layout spelled with T, C, H, W (e.g. ``"TCHW"``, ``"THWC"``)."""
        sizes = {"T": self.frames, "C": self.channels, "H": self.height, "W": self.width}
        if sorted(layout) != sorted("TCHW"):
            raise ArgumentError(
                f"Video.shape: layout must be a permutation of 'TCHW', got {layout!r}"
            )
        return tuple(sizes[axis] for axis in layout)

    @property
    def numel(self) -> int:
        """Number of values in the whole movie."""
        return numel(self.shape())

    def nbytes(self, dtype: DTypeLike = "uint8") -> int:
        """Size of the whole movie as one array of ``dtype``."""
        return nbytes(self.shape(), dtype)
