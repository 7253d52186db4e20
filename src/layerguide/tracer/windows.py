"""Where a receptive field lies: the input window of one output position.

:mod:`layerguide.tracer.field` says how *large* one output's field is. This module says
*where* it is. Along one axis, output ``i`` of a sliding window of ``k`` taps ``d`` apart,
moved by ``s`` over an input padded with ``p`` on each side, reads input positions::

    i·s − p  …  i·s − p + d·(k − 1)

Walking a stack of such layers backwards, from the output to the input, and dropping
positions that fall in the padding at every step (padding depends on nothing) gives the
rows and columns of the input the output can see (with dilation the taps leave gaps; the
window is the box around them). Neighbouring outputs' windows are one
effective stride apart and the first one starts in the padding, so near a border the
window is clipped, and a window as large as an object need not contain it.

>>> from torch import nn
>>> stack = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.MaxPool2d(2, ceil_mode=True))
>>> layers = window_layers(stack)
>>> output_size(layers, (28, 28))
(14, 14)
>>> input_window(layers, (28, 28), (0, 5))
Window(rows=(0, 2), cols=(9, 12))
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from layerguide.errors import ArgumentError, ArgumentTypeError

__all__ = [
    "Step",
    "Window",
    "centre_window",
    "input_window",
    "output_size",
    "output_windows",
    "window_layers",
    "window_of",
]


@dataclass(frozen=True)
class Step:
    """One sliding-window layer along one axis (convolution or pooling), as torch counts."""

    kernel: int  # taps of the window
    stride: int = 1  # positions the window moves between outputs
    padding: int = 0  # zeros (or -inf for max pooling) added on each side
    dilation: int = 1  # distance between neighbouring taps
    ceil_mode: bool = False  # pooling: keep a last, partial window

    def __post_init__(self) -> None:
        if min(self.kernel, self.stride, self.dilation) < 1 or self.padding < 0:
            raise ArgumentError(
                f"Step: kernel, stride and dilation must be ≥ 1 and padding ≥ 0, got {self}"
            )

    @property
    def span(self) -> int:
        """How many input positions one output reaches across, d·(k − 1) + 1."""
        return self.dilation * (self.kernel - 1) + 1

    def out_size(self, n: int) -> int:
        """Output length for an input of ``n``: ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1.

        With ``ceil_mode`` the division rounds up, but (as in torch) a last window that
        would start in the right padding is dropped.
        """
        room = n + 2 * self.padding - self.span
        if room < 0:
            raise ArgumentError(
                f"Step: a window reaching across {self.span} does not fit an input of {n} "
                f"padded by {self.padding} on each side"
            )
        out = (math.ceil(room / self.stride) if self.ceil_mode else room // self.stride) + 1
        if self.ceil_mode and (out - 1) * self.stride >= n + self.padding:
            out -= 1
        return out

    def reads(self, outputs: Iterable[int], n: int) -> set[int]:
        """Input positions ``0 … n − 1`` that the given outputs read (padding left out)."""
        taps = [m * self.dilation - self.padding for m in range(self.kernel)]
        return {i * self.stride + t for i in outputs for t in taps} & set(range(n))


@dataclass(frozen=True)
class Window:
    """Input rows and columns one output can see, first and last included."""

    rows: tuple[int, int]
    cols: tuple[int, int]

    @property
    def height(self) -> int:
        return self.rows[1] - self.rows[0] + 1

    @property
    def width(self) -> int:
        return self.cols[1] - self.cols[0] + 1

    def contains(self, rows: tuple[int, int], cols: tuple[int, int]) -> bool:
        """Whether rows ``rows[0] … rows[1]`` and columns ``cols[0] … cols[1]`` all lie inside."""
        return (
            self.rows[0] <= rows[0] <= rows[1] <= self.rows[1]
            and self.cols[0] <= cols[0] <= cols[1] <= self.cols[1]
        )

    def share(self, mask: Any) -> float:
        """Fraction of the ``True`` pixels of a 2-D ``mask`` that lie inside the window."""
        import numpy as np

        mask = np.asarray(mask, dtype=bool)
        total = int(mask.sum())
        if mask.ndim != 2 or total == 0:
            raise ArgumentError(
                f"Window.share: mask must be 2-D with a True pixel, got shape {mask.shape}"
            )
        inside = mask[self.rows[0] : self.rows[1] + 1, self.cols[0] : self.cols[1] + 1]
        return int(inside.sum()) / total


def window_of(mask: Any) -> Window:
    """The smallest window holding every ``True`` pixel of a 2-D ``mask`` (an ink box).

    >>> import numpy as np
    >>> window_of(np.eye(4, dtype=bool)[1:3])
    Window(rows=(0, 1), cols=(1, 2))
    """
    import numpy as np

    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2 or not mask.any():
        raise ArgumentError(f"window_of: mask must be 2-D with a True pixel, got {mask.shape}")
    rows, cols = np.nonzero(mask)
    return Window((int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max())))


Layers = Sequence[tuple[Step, Step]]


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    h, w = (int(v) for v in value)
    return (h, w)


def window_layers(model: Any, upto: str | None = None) -> list[tuple[Step, Step]]:
    """(H, W) steps of the convolutions and poolings of a chain ``model``, in order.

    The modules are read in ``named_modules()`` order, which is the order data flows
    through a chain (``nn.Sequential``, stages called one after the other). Other modules
    (activations, normalisation) keep positions where they are and are skipped. ``upto``
    stops after the module of that name. A model with branches has no single window per
    output along a chain; do not use this for it.
    """
    from torch import nn

    if not isinstance(model, nn.Module):
        raise ArgumentTypeError(
            f"window_layers: model must be a torch.nn.Module, got {type(model).__name__}"
        )
    layers: list[tuple[Step, Step]] = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            if module.padding == "same" or module.padding == "valid":
                raise ArgumentError(f"window_layers: {name} has padding={module.padding!r}")
            k, s, p, d = (
                _pair(v)
                for v in (module.kernel_size, module.stride, module.padding, module.dilation)
            )
            layers.append((Step(k[0], s[0], p[0], d[0]), Step(k[1], s[1], p[1], d[1])))
        elif isinstance(module, nn.MaxPool2d | nn.AvgPool2d):
            k, p = _pair(module.kernel_size), _pair(module.padding)
            s = _pair(module.stride if module.stride else module.kernel_size)
            d = _pair(getattr(module, "dilation", 1))
            c = bool(module.ceil_mode)
            layers.append((Step(k[0], s[0], p[0], d[0], c), Step(k[1], s[1], p[1], d[1], c)))
        if name == upto and upto is not None:
            return layers
    if upto is not None:
        raise ArgumentError(f"window_layers: the model has no module named {upto!r}")
    return layers


def _sizes(layers: Layers, input_size: Sequence[int]) -> list[tuple[int, int]]:
    """Map sizes (H, W) before every layer, then after the last one."""
    h, w = (int(v) for v in input_size[-2:])
    sizes = [(h, w)]
    for sh, sw in layers:
        h, w = sh.out_size(h), sw.out_size(w)
        sizes.append((h, w))
    return sizes


def output_size(layers: Layers, input_size: Sequence[int]) -> tuple[int, int]:
    """(H, W) after the stack, for an input whose last two sizes are ``input_size``."""
    return _sizes(layers, input_size)[-1]


def input_window(layers: Layers, input_size: Sequence[int], position: Sequence[int]) -> Window:
    """The input rows and columns output ``position`` (i, j) after the stack depends on.

    Parameters
    ----------
    layers : sequence of (Step, Step)
        The stack's sliding-window layers, (H, W) each, in data order (:func:`window_layers`).
    input_size : sequence of int
        The input's size; its last two entries are H and W.
    position : (int, int)
        Row and column of one output element after the last layer.

    Returns
    -------
    Window
        First and last row and column the output depends on (padding removed at every
        layer), the bounding box of those pixels.
    """
    sizes = _sizes(layers, input_size)
    if not all(0 <= int(p) < n for p, n in zip(position, sizes[-1], strict=True)):
        raise ArgumentError(
            f"input_window: position {tuple(position)} lies outside the output {sizes[-1]}"
        )
    bounds = []
    for axis in (0, 1):
        seen = {int(position[axis])}
        for (step_h, step_w), size in zip(reversed(layers), reversed(sizes[:-1]), strict=True):
            seen = (step_h, step_w)[axis].reads(seen, size[axis])
        if not seen:
            raise ArgumentError(
                f"input_window: output {tuple(position)} reads only padding (axis {axis})"
            )
        bounds.append((min(seen), max(seen)))
    return Window(bounds[0], bounds[1])


def output_windows(layers: Layers, input_size: Sequence[int]) -> dict[tuple[int, int], Window]:
    """:func:`input_window` of every output position (i, j) after the stack."""
    h, w = output_size(layers, input_size)
    return {(i, j): input_window(layers, input_size, (i, j)) for i in range(h) for j in range(w)}


def centre_window(layers: Layers, input_size: Sequence[int]) -> Window:
    """:func:`input_window` of the centre output (H // 2, W // 2), the one ``probe_field`` measures."""
    h, w = output_size(layers, input_size)
    return input_window(layers, input_size, (h // 2, w // 2))
