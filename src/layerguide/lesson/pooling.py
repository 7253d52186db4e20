"""Chapter 8's examples: where pooling sends the gradient, its alternatives, what it saves.

Pure functions and small model factories, defined once for the page, its tests and the
exercises:

* :data:`POOL_INPUT` and :data:`UPSTREAM`: the 4 × 4 map of chapter 3's pooling figure and
  a gradient for its 2 × 2 pooled output.
* :func:`average_pool` and :func:`average_pool_backward`: 2-D average pooling and its
  backward pass (the package's layers have max pooling only).
* :func:`alternatives`: ways to shrink a map or widen the receptive field, as torch modules.
* :func:`pooled_head`: a convolution and a classifier head, with or without a pooling first.

VGG-16, where the chapter ends, is :func:`layerguide.lesson.vgg.vgg16`.

>>> average_pool(POOL_INPUT, 2)[0, 0]
array([[2.5 , 2.  ],
       [2.25, 1.75]])
>>> average_pool_backward(UPSTREAM, 2)[0, 0, :2]
array([[0.25, 0.25, 0.5 , 0.5 ],
       [0.25, 0.25, 0.5 , 0.5 ]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from torch import nn

from layerguide.errors import ArgumentError

__all__ = [
    "ALTERNATIVES",
    "HEADS",
    "POOL_INPUT",
    "UPSTREAM",
    "alternatives",
    "average_pool",
    "average_pool_backward",
    "pooled_head",
]

#: The 4 × 4 map of chapter 3's max-pooling figure, (N, C, H, W) = (1, 1, 4, 4).
POOL_INPUT = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], dtype=np.float64)[
    None, None
]

#: A gradient arriving at the 2 × 2 pooled output (one value per window), (1, 1, 2, 2).
UPSTREAM = np.array([[1, 2], [3, 4]], dtype=np.float64)[None, None]

#: The keys of :func:`alternatives`, in the order the page shows them.
ALTERNATIVES = ("max_pool", "strided", "dilated", "three_3x3", "one_7x7")

#: The heads of :func:`pooled_head`.
HEADS = ("flatten", "pool", "global")


def _check_kernel(name: str, shape: tuple[int, ...], k: int) -> None:
    if k < 1 or len(shape) != 4 or shape[2] % k or shape[3] % k:
        raise ArgumentError(
            f"{name}: kernel_size={k} must be ≥ 1 and divide H and W of an (N, C, H, W) "
            f"array, got the shape {shape}"
        )


def average_pool(x: NDArray[Any], kernel_size: int) -> NDArray[Any]:
    """Mean of each non-overlapping k × k window, like ``F.avg_pool2d(x, k)``.

    Shape: (N, C, H, W) → (N, C, H / k, W / k); k must divide H and W.
    """
    x = np.asarray(x)
    _check_kernel("average_pool", x.shape, kernel_size)
    n, c, h, w = x.shape
    k = kernel_size
    return x.reshape(n, c, h // k, k, w // k, k).mean(axis=(3, 5))  # (N, C, H/k, W/k)


def average_pool_backward(grad_out: NDArray[Any], kernel_size: int) -> NDArray[Any]:
    """The input gradient of :func:`average_pool`: each window's gradient, shared evenly.

    Every input took part in one mean of k² values, so it receives 1/k² of its window's
    gradient. Shape: (N, C, H_out, W_out) → (N, C, k·H_out, k·W_out).
    """
    grad_out = np.asarray(grad_out)
    if kernel_size < 1 or grad_out.ndim != 4:
        raise ArgumentError(
            f"average_pool_backward: need kernel_size ≥ 1 and an (N, C, H_out, W_out) "
            f"gradient, got kernel_size={kernel_size} and the shape {grad_out.shape}"
        )
    k = kernel_size
    spread = np.repeat(np.repeat(grad_out, k, axis=2), k, axis=3)  # (N, C, k·H_out, k·W_out)
    return spread / (k * k)


def _conv(c: int, k: int, **kw: Any) -> nn.Conv2d:
    return nn.Conv2d(c, c, k, bias=False, **kw)


def alternatives(channels: int) -> dict[str, nn.Module]:
    """Max pooling and what real networks use beside it, on C channels (torch, no biases).

    ``max_pool``: 2 × 2 max pooling; ``strided``: a 3 × 3 convolution at stride 2 (the same
    halved output, with learned weights); ``dilated``: a 3 × 3 convolution with dilation 2
    (a 5 × 5 field from 9 taps, size kept); ``three_3x3``: three 3 × 3 convolutions with
    ReLUs between (a 7 × 7 field, 27·C² weights); ``one_7x7``: one 7 × 7 convolution
    (the same field, 49·C² weights).
    """
    if channels < 1:
        raise ArgumentError(f"alternatives: channels must be ≥ 1, got {channels}")
    c = channels
    three: list[nn.Module] = []
    for i in range(3):
        three += [_conv(c, 3, padding=1)] + ([nn.ReLU()] if i < 2 else [])
    return {
        "max_pool": nn.MaxPool2d(2),
        "strided": _conv(c, 3, stride=2, padding=1),
        "dilated": _conv(c, 3, padding=2, dilation=2),
        "three_3x3": nn.Sequential(*three),
        "one_7x7": _conv(c, 7, padding=3),
    }


def pooled_head(channels: int, size: int, head: str, classes: int = 10) -> nn.Sequential:
    """A 3 × 3 convolution (C → 2C) and a Linear classifier, on a C × size × size map.

    ``head="flatten"``: no pooling, Flatten + Linear; ``"pool"``: a 2 × 2 max pooling
    first, so the convolution and the Linear see a quarter of the values; ``"global"``: no
    pooling before the convolution, then global average pooling (one mean per channel)
    before the Linear.
    """
    if head not in HEADS:
        raise ArgumentError(f"pooled_head: head must be one of {HEADS}, got {head!r}")
    if channels < 1 or size < 2 or size % 2:
        raise ArgumentError(
            f"pooled_head: need channels ≥ 1 and an even size ≥ 2, got channels={channels}, "
            f"size={size}"
        )
    side = size // 2 if head == "pool" else size
    layers: list[nn.Module] = [nn.MaxPool2d(2)] if head == "pool" else []
    layers += [nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.ReLU()]
    if head == "global":
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * channels, classes)]
    else:
        layers += [nn.Flatten(), nn.Linear(2 * channels * side * side, classes)]
    return nn.Sequential(*layers)
