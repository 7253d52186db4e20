"""Chapter 6's one picture of the transposed convolution, as code.

A :class:`~layerguide.layers.ConvTranspose2d` is computed here three more ways, each with
our own layers, so that a page can show that the outputs are equal:

- :func:`as_convolution`: insert ``stride − 1`` zeros between the input values (bed of
  nails), pad ``k − p − 1`` on every side (plus ``output_padding`` at the bottom and
  right), then run an ordinary :class:`~layerguide.layers.Conv2d` whose kernel is the
  layer's kernel flipped, with input and output channels swapped.
- :func:`as_backward`: the backward pass of the :class:`~layerguide.layers.Conv2d` with the
  same arguments, with respect to its input (chapter 3's window counts are this with
  all-ones kernels and gradients).
- :func:`conv_matrix`: the convolution as a matrix C; the transposed convolution is Cᵀ.

:func:`round_trip` shows that Cᵀ is not an inverse, and :func:`conv_sizes` why
``output_padding`` exists: a strided convolution maps two sizes to one.

>>> conv_sizes(range(3, 9), kernel_size=3, stride=2, padding=1)
{3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4}
>>> conv_matrix(np.ones((3, 3)), 4, stride=2, padding=1).shape
(4, 16)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray

from layerguide.errors import ArgumentError
from layerguide.layers import Conv2d, ConvTranspose2d

__all__ = [
    "AsConvolution",
    "RoundTrip",
    "as_backward",
    "as_convolution",
    "conv_matrix",
    "conv_sizes",
    "max_differences",
    "round_trip",
    "transposed_layer",
    "zero_insert",
]


def _check_layer(where: str, layer: ConvTranspose2d) -> None:
    if not isinstance(layer, ConvTranspose2d):
        raise ArgumentError(f"{where}: layer must be a ConvTranspose2d, got {type(layer).__name__}")
    if layer.dilation != (1, 1):
        raise ArgumentError(f"{where}: only dilation 1 is shown here, got {layer.dilation}")
    for k, p in zip(layer.kernel_size, layer.padding, strict=True):
        if p > k - 1:
            raise ArgumentError(
                f"{where}: padding {p} > kernel_size {k} − 1 would need a negative padding "
                f"k − p − 1 = {k - p - 1} for the convolution"
            )


def _input(where: str, layer: ConvTranspose2d, x: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(x, dtype=np.float64)
    if array.ndim != 4 or array.shape[1] != layer.in_channels:
        raise ArgumentError(
            f"{where}: x must be (N, {layer.in_channels}, H, W) for this layer, got {array.shape}"
        )
    return array


def transposed_layer(
    kernel: ArrayLike, stride: int = 1, padding: int = 0, output_padding: int = 0
) -> ConvTranspose2d:
    """A 1-channel float64 :class:`~layerguide.layers.ConvTranspose2d` (no bias) with ``kernel``."""
    weight = np.asarray(kernel, dtype=np.float64)
    if weight.ndim != 2 or weight.shape[0] != weight.shape[1]:
        raise ArgumentError(f"transposed_layer: kernel must be square 2-D, got {weight.shape}")
    layer = ConvTranspose2d(
        1, 1, weight.shape[0], stride, padding, output_padding, bias=False, dtype=np.float64
    )
    layer.weight.data[...] = weight
    return layer


def zero_insert(x: ArrayLike, stride: int) -> NDArray[np.float64]:
    """Put ``stride − 1`` zeros between neighbouring values of an (N, C, H, W) array.

    >>> zero_insert(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), 2)[0, 0]
    array([[1., 0., 2.],
           [0., 0., 0.],
           [3., 0., 4.]])
    """
    array = np.asarray(x, dtype=np.float64)
    if array.ndim != 4 or stride < 1:
        raise ArgumentError(
            f"zero_insert: need an (N, C, H, W) array and stride >= 1, got {array.shape}, {stride}"
        )
    n, c, h, w = array.shape
    out = np.zeros((n, c, (h - 1) * stride + 1, (w - 1) * stride + 1))
    out[:, :, ::stride, ::stride] = array
    return out


class AsConvolution(NamedTuple):
    """The steps of a transposed convolution written as an ordinary convolution."""

    input: NDArray[np.float64]  #: (N, C_in, H, W) — what the transposed convolution receives
    inserted: NDArray[np.float64]  #: (N, C_in, (H−1)·s + 1, (W−1)·s + 1) — zeros between values
    padded: NDArray[np.float64]  #: ``inserted`` padded k − p − 1 (+ output_padding bottom/right)
    kernel: NDArray[np.float64]  #: (C_out, C_in, k, k) — flipped, channels swapped
    pad: tuple[int, int]  #: rows/columns added (top and left, bottom and right)
    output: NDArray[np.float64]  #: :class:`~layerguide.layers.Conv2d` (stride 1) of ``padded``
    stride: int  #: the transposed convolution's stride, padding and output_padding
    padding: int
    output_padding: int


def as_convolution(layer: ConvTranspose2d, x: ArrayLike) -> AsConvolution:
    """Compute ``layer(x)`` as zero insertion, padding and a stride-1 convolution.

    The convolution's kernel is the layer's, flipped in both spatial axes and with its
    first two axes swapped: the layer's weight is (C_in, C_out, k, k), a
    :class:`~layerguide.layers.Conv2d` from C_in to C_out channels wants (C_out, C_in, k, k).
    """
    _check_layer("as_convolution", layer)
    array = _input("as_convolution", layer, x)
    (kh, kw), (ph, pw) = layer.kernel_size, layer.padding
    (oh, ow), (sh, sw) = layer.output_padding, layer.stride
    if sh != sw or ph != pw or oh != ow:
        raise ArgumentError(
            "as_convolution: only square settings are shown here, got stride "
            f"{layer.stride}, padding {layer.padding}, output_padding {layer.output_padding}"
        )
    inserted = zero_insert(array, sh)
    top, left = kh - ph - 1, kw - pw - 1
    padded = np.pad(inserted, ((0, 0), (0, 0), (top, top + oh), (left, left + ow)))
    kernel = layer.weight.data.astype(np.float64).transpose(1, 0, 2, 3)[:, :, ::-1, ::-1]
    conv = Conv2d(layer.in_channels, layer.out_channels, (kh, kw), bias=layer.bias is not None,
                  dtype=np.float64)  # fmt: skip
    conv.weight.data[...] = kernel
    if layer.bias is not None and conv.bias is not None:
        conv.bias.data[...] = layer.bias.data
    output = np.asarray(conv(padded), dtype=np.float64)
    return AsConvolution(
        array, inserted, padded, kernel.copy(), (top, top + oh), output, sh, ph, oh
    )


def as_backward(layer: ConvTranspose2d, x: ArrayLike) -> NDArray[np.float64]:
    """``layer(x)`` as the input gradient of the :class:`~layerguide.layers.Conv2d` it transposes.

    That convolution goes from C_out to C_in channels with the same kernel size, stride and
    padding, and the *same* weight array: (C_in, C_out, k, k) is its (out, in, k, k). It is
    run forward on an input of the layer's output size, then backward with ``x`` as the
    gradient of its output. The layer's bias, if any, is added afterwards (a gradient has
    none).
    """
    _check_layer("as_backward", layer)
    array = _input("as_backward", layer, x)
    conv = Conv2d(layer.out_channels, layer.in_channels, layer.kernel_size, layer.stride,
                  layer.padding, bias=False, dtype=np.float64)  # fmt: skip
    conv.weight.data[...] = layer.weight.data
    n, _, h, w = layer.output_shape(array.shape)
    out = conv(np.zeros((n, layer.out_channels, h, w)))  # (N, C_in, H', W')
    if out.shape != array.shape:
        raise ArgumentError(
            f"as_backward: the convolution maps {(h, w)} to {out.shape[2:]}, not {array.shape[2:]}"
        )
    grad = np.asarray(conv.backward(array), dtype=np.float64)  # (N, C_out, H_out, W_out)
    if layer.bias is not None:
        grad = grad + layer.bias.data.astype(np.float64)[None, :, None, None]
    return grad


def max_differences(layer: ConvTranspose2d, x: ArrayLike) -> dict[str, float]:
    """Largest absolute difference between ``layer(x)`` and each other way of computing it.

    Keys: ``"convolution"`` (:func:`as_convolution`), ``"backward"`` (:func:`as_backward`)
    and ``"torch"`` (``torch.nn.functional.conv_transpose2d`` with the same weights).
    """
    _check_layer("max_differences", layer)
    array = _input("max_differences", layer, x)
    out = np.asarray(layer(array), dtype=np.float64)
    bias = None if layer.bias is None else torch.from_numpy(layer.bias.data.astype(np.float64))
    by_torch = torch.nn.functional.conv_transpose2d(
        torch.from_numpy(array),
        torch.from_numpy(layer.weight.data.astype(np.float64)),
        bias,
        stride=layer.stride,
        padding=layer.padding,
        output_padding=layer.output_padding,
    ).numpy()
    others = {
        "convolution": as_convolution(layer, array).output,
        "backward": as_backward(layer, array),
        "torch": by_torch,
    }
    return {key: float(np.abs(value - out).max()) for key, value in others.items()}


def conv_matrix(
    kernel: ArrayLike, size: int, stride: int = 1, padding: int = 0
) -> NDArray[np.float64]:
    """The matrix C of a 1-channel convolution (no bias) on a size × size input.

    Column j is the convolution of the j-th unit image, so ``C @ x.ravel()`` equals the
    convolution of ``x``, flattened. Shape: (H_out·W_out, size²).
    """
    weight = np.asarray(kernel, dtype=np.float64)
    if (
        weight.ndim != 2
        or weight.shape[0] != weight.shape[1]
        or weight.shape[0] > size + 2 * padding
    ):
        raise ArgumentError(
            f"conv_matrix: kernel must be square and at most {size} + 2·{padding} wide, "
            f"got {weight.shape}"
        )
    conv = Conv2d(1, 1, weight.shape[0], stride, padding, bias=False, dtype=np.float64)
    conv.weight.data[...] = weight
    units = np.eye(size * size).reshape(size * size, 1, size, size)  # one unit image each
    return np.asarray(conv(units)).reshape(size * size, -1).T  # (H_out·W_out, size²)


class RoundTrip(NamedTuple):
    """A patch sent through C and back."""

    rank: int  #: rank of C — how many independent numbers survive the convolution
    back: NDArray[np.float64]  #: Cᵀ(Cx), shaped like x
    best: NDArray[np.float64]  #: C⁺(Cx) — the smallest input with the same Cx
    error_back: float  #: ‖Cᵀ(Cx) − x‖
    error_best: float  #: ‖C⁺(Cx) − x‖
    norm: float  #: ‖x‖


def round_trip(matrix: ArrayLike, x: ArrayLike) -> RoundTrip:
    """Send ``x`` through the convolution C and back, with Cᵀ and with the pseudo-inverse C⁺.

    C⁺(Cx) is the projection of x onto the row space of C, the least-norm input with the
    same convolution: what C forgot (x's part in its null space) Cx cannot tell apart.
    """
    c = np.asarray(matrix, dtype=np.float64)
    patch = np.asarray(x, dtype=np.float64)
    if c.ndim != 2 or patch.size != c.shape[1]:
        raise ArgumentError(
            f"round_trip: x has {patch.size} values, the matrix wants {c.shape[1] if c.ndim == 2 else '?'}"
        )
    y = c @ patch.ravel()
    back = (c.T @ y).reshape(patch.shape)
    best = (np.linalg.pinv(c) @ y).reshape(patch.shape)
    return RoundTrip(
        int(np.linalg.matrix_rank(c)),
        back,
        best,
        float(np.linalg.norm(back - patch)),
        float(np.linalg.norm(best - patch)),
        float(np.linalg.norm(patch)),
    )


def conv_sizes(
    sizes: Iterable[int], kernel_size: int, stride: int = 1, padding: int = 0
) -> dict[int, int]:
    """Output height of a :class:`~layerguide.layers.Conv2d` for each input size (measured)."""
    conv = Conv2d(1, 1, kernel_size, stride, padding, bias=False)
    return {int(n): int(conv.output_shape((1, 1, int(n), int(n)))[2]) for n in sizes}
