"""The lesson's convolution examples (chapters 3 and 4), defined once.

Pages, tests and benchmarks import these instead of writing their own copies:

* :data:`MOVIE_SHAPE` and :func:`movie_convnet`: the 90-minute black-and-white movie as one
  batch, (T, C, H, W) with frames 1280 wide and 1024 high (chapter 1's order), and the small
  convolutional network chapter 4 traces on it.
* :data:`HD_FRAME` and :func:`hd_convnet`: the lesson's 16 filters of 5 × 5 at stride 5 on a
  Full-HD colour frame, then Flatten and one output.
* :data:`KERNELS`: the hand-set 3 × 3 kernels of chapter 3's kernel gallery.
* :func:`window_counts`: in how many windows of a convolution each input pixel takes part.
* :func:`kernel_cosines` and :func:`nearest_kernels`: how much, and which, hand-set kernel
  each learned filter looks most like.

>>> movie_convnet()[0]
Conv2d(1, 16, kernel_size=(5, 5), stride=(5, 5))
>>> window_counts(5, 3).astype(int)[0]
array([1, 2, 3, 2, 1])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from torch import nn

from layerguide.errors import ArgumentError
from layerguide.kernels import KERNELS as _KERNELS
from layerguide.layers import Conv2d, Flatten, Linear, Sequential

__all__ = [
    "HD_FRAME",
    "KERNELS",
    "MOVIE_SHAPE",
    "field_stack",
    "hd_convnet",
    "kernel_cosines",
    "movie_convnet",
    "nearest_kernels",
    "window_counts",
]


#: 90 min × 60 s × 30 frames/s = 162,000 black-and-white frames, 1024 high and 1280 wide,
#: in the (T, C, H, W) order chapter 1 teaches. 849 GB as float32.
MOVIE_SHAPE = (162_000, 1, 1024, 1280)

#: One Full-HD colour frame in (N, C, H, W) order, 1080 high and 1920 wide.
HD_FRAME = (1, 3, 1080, 1920)


def field_stack() -> nn.Module:
    """The small stack chapter 4 grows a receptive field with (torch), on a 32 × 32 image.

    Two 3 × 3 convolutions, 2 × 2 max pooling, a convolution, pooling, a convolution: the
    fields of its convolution and pooling rows are 3, 5, 6, 10, 12 and 20 pixels.
    """
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 16, 3, padding=1),
    )


def movie_convnet() -> nn.Module:
    """The small convolutional network chapter 4 traces on the movie (torch).

    Shape
    -----
    (N, 1, 1024, 1280) → (N, 16, 204, 256) → pool (N, 16, 102, 128) → (N, 32, 102, 128)
    → pool (N, 32, 51, 64) → flatten (N, 104448) → (N, 10)
    """
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, stride=5),  # (N, 16, 204, 256)
        nn.ReLU(),
        nn.MaxPool2d(2),  # (N, 16, 102, 128)
        nn.Conv2d(16, 32, 3, padding=1),  # (N, 32, 102, 128)
        nn.ReLU(),
        nn.MaxPool2d(2),  # (N, 32, 51, 64)
        nn.Flatten(),  # (N, 104448)
        nn.Linear(32 * 51 * 64, 10),
    )


def hd_convnet() -> Sequential:
    """The lesson's 16 filters 5 × 5 at stride 5, then Flatten and Linear(→1) (NumPy layers).

    Shape
    -----
    (1, 3, 1080, 1920) → (1, 16, 216, 384) → (1, 1327104) → (1, 1)

    >>> hd_convnet().output_shape(HD_FRAME)
    (1, 1)
    """
    return Sequential(Conv2d(3, 16, kernel_size=5, stride=5), Flatten(), Linear(16 * 216 * 384, 1))


#: The hand-set 3 × 3 kernels of the kernel gallery (the same mapping the playground uses).
KERNELS = _KERNELS


def window_counts(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> NDArray[Any]:
    """How many windows of a ``kernel_size`` convolution each pixel of a size × size input is in.

    Computed with the layer itself: a convolution whose kernel is all ones, run forward on
    the input, then backward with a gradient of ones. Each input pixel's gradient is the
    number of windows that used it.

    >>> window_counts(4, 3, padding=1).astype(int)
    array([[4, 6, 6, 4],
           [6, 9, 9, 6],
           [6, 9, 9, 6],
           [4, 6, 6, 4]])
    """
    if size < 1 or kernel_size < 1 or kernel_size > size + 2 * padding:
        raise ArgumentError(
            f"window_counts: kernel_size={kernel_size} does not fit size={size} "
            f"with padding={padding} (need 1 ≤ kernel_size ≤ size + 2·padding)"
        )
    conv = Conv2d(1, 1, kernel_size, stride=stride, padding=padding, bias=False)
    conv.weight.data[...] = 1
    out = conv(np.ones((1, 1, size, size)))  # (1, 1, H_out, W_out)
    return conv.backward(np.ones_like(out))[0, 0]  # (size, size)


def kernel_cosines(
    filters: NDArray[Any],
    kernels: Mapping[str, NDArray[Any]] = KERNELS,
    *,
    where: str = "kernel_cosines",
) -> NDArray[np.float64]:
    """Cosine similarity of each (3, 3) filter with each hand-set kernel, (n, len(kernels)).

    The cosine compares patterns and ignores scale: 1 is the same pattern, −1 the same
    pattern with its signs reversed, 0 nothing in common.

    >>> kernel_cosines(2 * KERNELS["sobel_x"][None], {"x": KERNELS["sobel_x"]})
    array([[1.]])

    ``where`` names the caller in the error message.
    """
    filters = np.asarray(filters, dtype=np.float64)
    if filters.ndim != 3 or filters.shape[1:] != (3, 3):
        raise ArgumentError(f"{where}: filters must have the shape (n, 3, 3), got {filters.shape}")
    bank = np.stack([np.asarray(k, dtype=np.float64).ravel() for k in kernels.values()])
    bank /= np.linalg.norm(bank, axis=1, keepdims=True)
    flat = filters.reshape(len(filters), -1)
    flat = flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-12)
    return flat @ bank.T  # (n, len(kernels))


def nearest_kernels(
    filters: NDArray[Any], kernels: Mapping[str, NDArray[Any]] = KERNELS
) -> list[tuple[str, float]]:
    """For each (3, 3) filter, the hand-set kernel with the largest \\|cosine similarity\\|.

    The sign is kept in the returned similarity: a filter that is a Sobel kernel upside down
    is still an edge detector, and its similarity is negative.

    >>> nearest_kernels(-KERNELS["sobel_y"][None])
    [('sobel_y', -1.0)]
    """
    names = list(kernels)
    cos = kernel_cosines(filters, kernels, where="nearest_kernels")  # (n, len(names))
    best = np.abs(cos).argmax(axis=1)
    return [(names[b], round(float(cos[i, b]), 2)) for i, b in enumerate(best)]
