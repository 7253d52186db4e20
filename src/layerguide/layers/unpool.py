"""Max unpooling (``torch.nn.MaxUnpool2d``): the partial inverse of max pooling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.layers._base import Module
from layerguide.layers._checks import Shape, check_rank, pair
from layerguide.layers.pool import MaxPool2d  # noqa: F401  (the doctest uses it)

__all__ = ["MaxUnpool2d"]


class MaxUnpool2d(Module):
    """Put each value back where its maximum came from; zeros elsewhere.

    The partial inverse of :class:`MaxPool2d`, like ``torch.nn.MaxUnpool2d``. Call it as
    ``unpool(x, indices, output_size=None)`` with the indices the pooling layer returned.

    See https://pytorch.org/docs/stable/generated/torch.nn.MaxUnpool2d.html.

    Shape
    -----
    - Input and indices: (N, C, H, W)
    - Output: (N, C, H_out, W_out) with ``H_out = (H - 1)·stride - 2·padding + kernel_size``,
      or ``output_size`` when given (needed when the pooled size was rounded down).

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Default ``kernel_size``.
    padding : int or (int, int), default 0

    Examples
    --------
    >>> pool, unpool = MaxPool2d(2, return_indices=True), MaxUnpool2d(2)
    >>> x = np.array([[[[1.0, 5.0, 2.0, 0.0],
    ...                 [3.0, 4.0, 8.0, 1.0]]]])
    >>> unpool(*pool(x))
    array([[[[0., 5., 0., 0.],
             [0., 0., 8., 0.]]]])
    >>> unpool.output_shape((8, 16, 14, 14))
    (8, 16, 28, 28)
    """

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
    ) -> None:
        name = type(self).__name__
        self.kernel_size = pair(name, "kernel_size", kernel_size, 1)
        self.stride = self.kernel_size if stride is None else pair(name, "stride", stride, 1)
        self.padding = pair(name, "padding", padding, 0)

    torch_class = "MaxUnpool2d"

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (self.kernel_size, self.stride, self.padding), {}

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import stretch_field

        return stretch_field(f, shape_in, shape_out)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def output_shape(self, input_shape: Shape, output_size: Sequence[int] | None = None) -> Shape:
        name = type(self).__name__
        n, c, h, w = check_rank(name, input_shape, 4, "(N, C, H, W)")
        default: list[int] = []
        for axis, size, k, s, p in zip(
            "HW", (h, w), self.kernel_size, self.stride, self.padding, strict=True
        ):
            d = (size - 1) * s - 2 * p + k
            if d <= 0:
                raise ArgumentError(
                    f"{name}: output {axis} would be {d} = ({size} - 1)·{s} - 2·{p} + {k}; "
                    "it must be > 0"
                )
            default.append(d)
        if output_size is None:
            return (n, c, default[0], default[1])
        want_hw = tuple(output_size)
        if len(want_hw) == 4:
            want_hw = want_hw[2:]
        if len(want_hw) != 2 or not all(isinstance(v, (int, np.integer)) for v in want_hw):
            raise ArgumentError(
                f"{name}: output_size must be (H, W) or (N, C, H, W), got {tuple(output_size)!r}"
            )
        for axis, want, d, s in zip("HW", want_hw, default, self.stride, strict=True):
            if not d - s < want < d + s:
                raise ArgumentError(
                    f"{name}: output_size {axis}={want} must lie strictly between "
                    f"{d - s} and {d + s} (default {d} ± stride {s})"
                )
        return (n, c, int(want_hw[0]), int(want_hw[1]))

    def forward(
        self, x: Any, indices: Any, output_size: Sequence[int] | None = None
    ) -> NDArray[np.floating]:
        name = type(self).__name__
        n, c, ho, wo = out_shape = self.output_shape(x.shape, output_size)
        if not isinstance(indices, np.ndarray) or not np.issubdtype(indices.dtype, np.integer):
            got = indices.dtype if isinstance(indices, np.ndarray) else type(indices).__name__
            raise ArgumentTypeError(f"{name}: indices must be an integer ndarray, got {got}")
        if indices.shape != x.shape:
            raise ArgumentError(
                f"{name}: indices have shape {indices.shape} but the input has shape {x.shape}; "
                "pass the indices that MaxPool2d returned for this input"
            )
        if indices.size and (indices.min() < 0 or indices.max() >= ho * wo):
            raise ArgumentError(
                f"{name}: indices must lie in [0, {ho * wo}) = [0, H_out·W_out) for output "
                f"{ho}×{wo}, got min {indices.min()} and max {indices.max()}"
            )
        idx = indices.reshape(n, c, -1).astype(np.intp, copy=False)  # (N, C, H·W)
        out = np.zeros((n, c, ho * wo), x.dtype)  # (N, C, H_out·W_out)
        np.put_along_axis(out, idx, x.reshape(n, c, -1), axis=2)
        self.save_for_backward(out_shape, idx=idx, in_shape=x.shape)
        return out.reshape(out_shape)

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        n, c = saved["in_shape"][:2]
        g = grad_out.reshape(n, c, -1)  # (N, C, H_out·W_out)
        return np.take_along_axis(g, saved["idx"], axis=2).reshape(saved["in_shape"])
