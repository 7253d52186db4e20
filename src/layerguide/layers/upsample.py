"""Upsampling by an integer factor: nearest neighbour or bed of nails."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.layers._base import Module
from layerguide.layers._checks import Shape, check_rank, pair

__all__ = ["Upsample"]

MODES = ("nearest", "bed_of_nails")


class Upsample(Module):
    """Make feature maps ``scale_factor`` times taller and wider; no parameters.

    - ``mode="nearest"`` (like ``torch.nn.Upsample(scale_factor, mode="nearest")``):
      every value is copied into an s×s block.
    - ``mode="bed_of_nails"``: every value goes to the top-left corner of its s×s block
      and the rest of the block is zero (torch has no such mode; it equals a transposed
      convolution whose s×s kernel is 1 at the top-left and 0 elsewhere).

    See https://pytorch.org/docs/stable/generated/torch.nn.Upsample.html.

    Shape
    -----
    - Input: (N, C, H, W)
    - Output: (N, C, H·s_H, W·s_W)

    Parameters
    ----------
    scale_factor : int or (int, int)
        Integer growth factor for height and width.
    mode : {"nearest", "bed_of_nails"}, default "nearest"

    Attributes
    ----------
    scale_factor : (int, int)
    mode : str

    Examples
    --------
    >>> x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> Upsample(2)(x)[0, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    >>> Upsample(2, mode="bed_of_nails")(x)[0, 0]
    array([[1., 0., 2., 0.],
           [0., 0., 0., 0.],
           [3., 0., 4., 0.],
           [0., 0., 0., 0.]])
    >>> Upsample(2).output_shape((1, 8, 4, 4))
    (1, 8, 8, 8)
    """

    def __init__(self, scale_factor: int | tuple[int, int] = 2, mode: str = "nearest") -> None:
        self.scale_factor = pair(type(self).__name__, "scale_factor", scale_factor, 1)
        if mode not in MODES:
            raise ArgumentError(f"{type(self).__name__}: mode must be one of {MODES}, got {mode!r}")
        self.mode = mode

    torch_class = "Upsample"

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
        if self.mode != "nearest":
            return None  # bed of nails is a transposed convolution in torch, not a layer
        return (), {"scale_factor": tuple(float(s) for s in self.scale_factor), "mode": self.mode}

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import stretch_field

        return stretch_field(f, shape_in, shape_out)

    def extra_repr(self) -> str:
        return f"scale_factor={self.scale_factor}, mode={self.mode!r}"

    def output_shape(self, input_shape: Shape) -> Shape:
        n, c, h, w = check_rank(type(self).__name__, input_shape, 4, "(N, C, H, W)")
        sh, sw = self.scale_factor
        return (n, c, h * sh, w * sw)

    def forward(self, x: Any) -> NDArray[np.floating]:
        out_shape = self.output_shape(x.shape)
        n, c = out_shape[:2]
        sh, sw = self.scale_factor
        h, w = x.shape[2:]
        if self.mode == "nearest":
            blocks = np.broadcast_to(x[:, :, :, None, :, None], (n, c, h, sh, w, sw))
            out = blocks.reshape(out_shape)  # (N, C, H·sH, W·sW), a copy
        else:
            out = np.zeros(out_shape, x.dtype)
            out[:, :, ::sh, ::sw] = x  # top-left corner of every block
        self.save_for_backward(out_shape)
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        n, c, ho, wo = self.saved_for_backward(grad_out)["out_shape"]
        sh, sw = self.scale_factor
        if self.mode == "nearest":
            g = grad_out.reshape(n, c, ho // sh, sh, wo // sw, sw)
            return g.sum(axis=(3, 5))  # every copy sends its gradient back to its source
        return grad_out[:, :, ::sh, ::sw].copy()  # the zeros had no source
