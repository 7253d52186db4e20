"""Why convolution works (chapter 7): the bridges between a convolution and a Linear layer.

Pure functions that return numbers or arrays; the page calls them and draws what they return.

* :func:`channel_patch` and :func:`channel_sums`: one output value of a multi-channel
  convolution, split into one sum per input channel (plus the bias).
* :func:`pointwise_linear` and :func:`linear_at_every_pixel`: a 1 × 1 convolution is a
  ``Linear`` applied at every pixel.
* :func:`linear_as_conv`: ``Flatten`` + ``Linear`` is one convolution whose kernel covers the
  whole map.
* :func:`equivariance`: translation equivariance, measured — move the input, the output moves.
* :func:`parameter_bill`: what locality, weight sharing, the stride and global average
  pooling each save, for the lesson's full-HD layer.

>>> bill = parameter_bill()
>>> bill["conv"]
Cost(weights=1200, biases=16)
>>> f"{bill['local'].weights:,}"
'99,532,800'
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.layers import Conv2d, Linear

__all__ = [
    "Cost",
    "Shift",
    "channel_patch",
    "channel_sums",
    "equivariance",
    "linear_as_conv",
    "linear_at_every_pixel",
    "parameter_bill",
    "pointwise_linear",
]


def _plain(conv: Conv2d, where: str) -> tuple[int, int]:
    """(kernel size, stride) of a square, unpadded, undilated convolution."""
    k, s = conv.kernel_size[0], conv.stride[0]
    if (
        conv.kernel_size != (k, k)
        or conv.stride != (s, s)
        or conv.padding != (0, 0)
        or conv.dilation != (1, 1)
    ):
        raise ArgumentError(
            f"{where}: conv must have a square kernel and stride, padding 0 and dilation 1; "
            f"got kernel_size={conv.kernel_size}, stride={conv.stride}, "
            f"padding={conv.padding}, dilation={conv.dilation}"
        )
    return k, s


def channel_patch(conv: Conv2d, x: NDArray[Any], row: int, col: int) -> NDArray[Any]:
    """The (C_in, k, k) patch of ``x`` (1, C_in, H, W) that output (row, col) of ``conv`` reads.

    >>> conv = Conv2d(3, 4, 5, stride=5)
    >>> channel_patch(conv, np.zeros((1, 3, 20, 20)), 1, 2).shape
    (3, 5, 5)
    """
    k, s = _plain(conv, "channel_patch")
    x = np.asarray(x)
    out_h, out_w = conv.output_shape(x.shape)[2:]
    if x.shape[0] != 1 or not (0 <= row < out_h and 0 <= col < out_w):
        raise ArgumentError(
            f"channel_patch: x must be one image (1, C, H, W) and (row, col) inside the "
            f"{out_h} × {out_w} output; got x {x.shape}, (row, col) = ({row}, {col})"
        )
    return x[0, :, row * s : row * s + k, col * s : col * s + k]


def channel_sums(
    conv: Conv2d, x: NDArray[Any], out_channel: int, row: int, col: int
) -> NDArray[np.float64]:
    """One sum per input channel: that channel's k × k kernel slice times its patch.

    Output ``(out_channel, row, col)`` of ``conv(x)`` is ``channel_sums(...).sum()`` plus the
    filter's bias: a filter is applied to every channel, and the results are added.

    >>> conv = Conv2d(3, 2, 3, bias=False, rng=0, dtype=np.float64)
    >>> x = np.random.default_rng(0).random((1, 3, 5, 5))
    >>> bool(np.isclose(channel_sums(conv, x, 1, 2, 0).sum(), conv(x)[0, 1, 2, 0]))
    True
    """
    if not 0 <= out_channel < conv.out_channels:
        raise ArgumentError(
            f"channel_sums: out_channel must be in 0 … {conv.out_channels - 1}, got {out_channel}"
        )
    patch = channel_patch(conv, x, row, col).astype(np.float64)  # (C_in, k, k)
    kernel = conv.weight.data[out_channel].astype(np.float64)  # (C_in, k, k)
    return (patch * kernel).sum(axis=(1, 2))  # (C_in,)


def pointwise_linear(weight: NDArray[Any], bias: NDArray[Any] | None = None) -> Linear:
    """The ``Linear(C_in, C_out)`` holding a 1 × 1 convolution's weight (C_out, C_in, 1, 1).

    >>> pointwise_linear(np.zeros((8, 96, 1, 1)))
    Linear(in_features=96, out_features=8, bias=False)
    """
    weight = np.asarray(weight)
    if weight.ndim != 4 or weight.shape[2:] != (1, 1):
        raise ArgumentError(
            f"pointwise_linear: weight must be (C_out, C_in, 1, 1), got {weight.shape}"
        )
    c_out, c_in = weight.shape[:2]
    linear = Linear(c_in, c_out, bias=bias is not None, dtype=weight.dtype)
    linear.weight.data[...] = weight[:, :, 0, 0]
    if bias is not None and linear.bias is not None:
        linear.bias.data[...] = np.asarray(bias)
    return linear


def linear_at_every_pixel(linear: Linear, x: NDArray[Any]) -> NDArray[Any]:
    """Apply ``linear`` to the channel vector of every pixel of ``x`` (N, C, H, W).

    Shape
    -----
    (N, C_in, H, W) → (N, H, W, C_in) → linear → (N, H, W, C_out) → (N, C_out, H, W)
    """
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[1] != linear.in_features:
        raise ArgumentError(
            f"linear_at_every_pixel: x must be (N, {linear.in_features}, H, W), got {x.shape}"
        )
    pixels = np.moveaxis(x, 1, -1)  # (N, H, W, C_in)
    return np.moveaxis(linear(pixels), -1, 1)  # (N, C_out, H, W)


def linear_as_conv(linear: Linear, map_shape: tuple[int, int, int]) -> Conv2d:
    """The convolution that computes ``Linear(Flatten(x))`` on a (C, H, W) map: kernel H × W.

    Its weight is the Linear's (out, C·H·W) matrix read as (out, C, H, W); it fits the map
    exactly once, so its output is (N, out, 1, 1).

    >>> linear_as_conv(Linear(2 * 3 * 4, 5), (2, 3, 4))
    Conv2d(2, 5, kernel_size=(3, 4), stride=(1, 1))
    """
    c, h, w = map_shape
    if c * h * w != linear.in_features:
        raise ArgumentError(
            f"linear_as_conv: map_shape {map_shape} holds {c * h * w} values but the Linear "
            f"takes in_features={linear.in_features}"
        )
    dtype = linear.weight.data.dtype
    conv = Conv2d(c, linear.out_features, (h, w), bias=linear.bias is not None, dtype=dtype)
    conv.weight.data[...] = linear.weight.data.reshape(linear.out_features, c, h, w)
    if linear.bias is not None and conv.bias is not None:
        conv.bias.data[...] = linear.bias.data
    return conv


class Shift(NamedTuple):
    """Inputs, outputs and the measured difference of :func:`equivariance`."""

    inputs: tuple[NDArray[Any], NDArray[Any]]  #: the crop and the moved crop, (1, C, size, size)
    outputs: tuple[NDArray[Any], NDArray[Any]]  #: the convolution of each, (1, C_out, H, W)
    overlap: tuple[NDArray[Any], NDArray[Any]]  #: moved input's output, output moved — same part
    difference: float  #: largest absolute difference between the two parts of ``overlap``


def equivariance(conv: Conv2d, image: NDArray[Any], dy: int, dx: int, size: int) -> Shift:
    """Translation equivariance, measured: move the input, and the output moves with it.

    The input is the size × size top-left crop of ``image`` (1, C, H, W); the moved input is
    the crop starting (dy, dx) further, so the picture moves dy up and dx left. For a stride s
    that divides dy and dx, the convolution's output moves by (dy/s, dx/s); ``overlap`` holds
    the part of the two outputs that should agree and ``difference`` how far apart they are.

    >>> conv = Conv2d(1, 2, 3, rng=0)
    >>> image = np.random.default_rng(0).random((1, 1, 12, 12), dtype=np.float32)
    >>> equivariance(conv, image, 2, 1, 10).difference < 1e-6
    True
    """
    _, s = _plain(conv, "equivariance")
    image = np.asarray(image)
    if (
        min(dy, dx) < 0
        or dy % s
        or dx % s
        or image.ndim != 4
        or image.shape[2] < size + dy
        or image.shape[3] < size + dx
    ):
        raise ArgumentError(
            f"equivariance: dy={dy} and dx={dx} must be ≥ 0 and multiples of the stride {s}, "
            f"and a {size} × {size} crop moved by them must fit the image {image.shape}"
        )
    x = image[:, :, :size, :size]
    moved = image[:, :, dy : dy + size, dx : dx + size]
    out, out_moved = conv(x), conv(moved)  # (1, C_out, H_out, W_out) each
    h, w = out.shape[2] - dy // s, out.shape[3] - dx // s
    overlap = (out_moved[:, :, :h, :w], out[:, :, dy // s :, dx // s :])
    difference = float(np.abs(overlap[0] - overlap[1]).max())
    return Shift((x, moved), (out, out_moved), overlap, difference)


class Cost(NamedTuple):
    """Parameters of one way to compute an output: weights and biases."""

    weights: int
    biases: int

    @property
    def total(self) -> int:
        return self.weights + self.biases


def parameter_bill(
    in_shape: tuple[int, int, int] = (3, 1080, 1920),
    out_channels: int = 16,
    kernel_size: int = 5,
    stride: int = 5,
) -> dict[str, Cost]:
    """What each idea saves, for a convolution ``Conv2d(C, out_channels, k, stride)``.

    The first three produce the same (out_channels, H_out, W_out) output:

    * ``dense``: a weight from every input value to every output value;
    * ``local``: locality alone — each output its own C·k·k weights and bias, nothing shared;
    * ``conv``: locality and weight sharing — one C·k·k kernel and bias per output channel.

    The rest end in a single output, as the lesson's model does:

    * ``linear``: Linear on the flattened input (the lesson's brute force);
    * ``conv_linear``: the convolution, Flatten, Linear(→1) (the lesson's model);
    * ``stride1_linear``: the same with stride 1;
    * ``gap_linear``: the convolution, global average pooling, Linear(out_channels → 1).
    """
    c, h, w = in_shape
    conv = Conv2d(c, out_channels, kernel_size, stride)  # the layer itself gives the sizes
    _, c_out, h_out, w_out = conv.output_shape((1, *in_shape))
    _, _, h1, w1 = Conv2d(c, out_channels, kernel_size).output_shape((1, *in_shape))
    n_in, n_out = c * h * w, c_out * h_out * w_out
    fan_in = c * kernel_size * kernel_size
    one_conv = Cost(conv.weight.numel(), 0 if conv.bias is None else conv.bias.numel())

    def head(features: int) -> Cost:
        return Cost(one_conv.weights + features, one_conv.biases + 1)

    return {
        "dense": Cost(n_in * n_out, n_out),
        "local": Cost(n_out * fan_in, n_out),
        "conv": one_conv,
        "linear": Cost(n_in, 1),
        "conv_linear": head(n_out),
        "stride1_linear": head(c_out * h1 * w1),
        "gap_linear": head(c_out),
    }
