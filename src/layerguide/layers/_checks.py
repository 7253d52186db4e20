"""Argument and shape checks shared by the layers, and the errors they raise.

Every message names the layer, the argument and the value (or the arithmetic) that failed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError, ArgumentTypeError

Shape = tuple[int, ...]
Pair = tuple[int, int]


def check_int(name: str, arg: str, value: Any, minimum: int) -> int:
    """An int >= minimum, or an ArgumentError/ArgumentTypeError naming ``name`` and ``arg``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"{name}: {arg} must be an int, got {value!r}")
    if value < minimum:
        rule = "> 0" if minimum == 1 else f">= {minimum}"
        raise ArgumentError(f"{name}: {arg} must be {rule}, got {value}")
    return int(value)


def pair(name: str, arg: str, value: Any, minimum: int) -> Pair:
    """Turn an int or a pair of ints into a checked pair, like torch's ``_pair``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ArgumentError(
                f"{name}: {arg} must be an int or a pair of ints, got {tuple(value)!r}"
            )
        return (check_int(name, arg, value[0], minimum), check_int(name, arg, value[1], minimum))
    v = check_int(name, arg, value, minimum)
    return (v, v)


def check_array(name: str, x: Any, arg: str = "input") -> NDArray[np.floating]:
    """The input must be a floating-point ndarray (float32 and float64 are kept as given)."""
    if not isinstance(x, np.ndarray):
        raise ArgumentTypeError(f"{name}: {arg} must be a numpy.ndarray, got {type(x).__name__}")
    if x.dtype not in (np.float16, np.float32, np.float64):
        raise ArgumentTypeError(
            f"{name}: {arg} must be floating point (float32 or float64), got dtype {x.dtype}; "
            f"convert it with {arg}.astype(np.float32)"
        )
    return x


def check_rank(name: str, shape: Shape, rank: int, layout: str) -> Shape:
    """Check that ``shape`` has ``rank`` axes; the message names the expected layout."""
    shape = tuple(int(d) for d in shape)
    if len(shape) != rank:
        hint = " (add a batch axis with x[None])" if len(shape) == rank - 1 else ""
        raise ArgumentError(
            f"{name}: input must be {rank}-D {layout}, got {len(shape)}-D shape {shape}{hint}"
        )
    if any(d < 0 for d in shape):
        raise ArgumentError(f"{name}: input shape {shape} has a negative size")
    return shape


def check_channels(name: str, shape: Shape, expected: int, arg: str) -> None:
    if shape[1] != expected:
        raise ArgumentError(
            f"{name}: input has {shape[1]} channels (shape {shape}) but {arg}={expected}"
        )


def conv_out_size(
    name: str, axis: str, n: int, k: int, s: int, p: int, d: int, what: str = "kernel_size"
) -> int:
    """PyTorch's output size along one axis: floor((n + 2p - d(k-1) - 1) / s) + 1."""
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        dil = f", dilation={d} so it spans {span}" if d != 1 else ""
        raise ArgumentError(
            f"{name}: {what} {k}{dil} is larger than padded input {n + 2 * p} "
            f"({axis}={n}, padding={p})"
        )
    return (n + 2 * p - span) // s + 1


def window_out_hw(
    name: str, hw: Pair, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair
) -> Pair:
    """:func:`conv_out_size` along H and W: the output height and width of a sliding window."""
    h = conv_out_size(name, "H", hw[0], kernel[0], stride[0], padding[0], dilation[0])
    w = conv_out_size(name, "W", hw[1], kernel[1], stride[1], padding[1], dilation[1])
    return (h, w)
