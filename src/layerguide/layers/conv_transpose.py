"""Transposed convolution (``torch.nn.ConvTranspose2d``): one matrix product + col2im.

The stamps come from :class:`~layerguide.layers._fast.Stamps`, which hides the buffers
(the uncropped result, reused between calls).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.errors import ArgumentError
from layerguide.layers._checks import Shape, check_channels, check_rank, pair
from layerguide.layers._conv_base import ConvBase
from layerguide.layers._fast import Stamps, Workspace

__all__ = ["ConvTranspose2d"]


class ConvTranspose2d(ConvBase):
    """Transposed 2-D convolution, like ``torch.nn.ConvTranspose2d``.

    Each input value *stamps* a scaled copy of a kH×kW kernel onto the output, the stamps
    ``stride`` apart; where they overlap they add up. It is the backward (adjoint) of a
    :class:`~layerguide.layers.Conv2d` with the same arguments, which is why it can grow a
    feature map: ``stride=2`` roughly doubles H and W. ``padding`` *crops* that many rows
    and columns from each side of the result; ``output_padding`` adds some back at the
    bottom and right, to undo the rounding down of a strided convolution.

    See https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html.

    Shape
    -----
    - Input: (N, C_in, H, W)
    - Output: (N, C_out, H_out, W_out) with
      ``H_out = (H - 1)·stride - 2·padding + dilation·(kH - 1) + output_padding + 1``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : int or (int, int), default 0
    output_padding : int or (int, int), default 0
        Must be smaller than ``stride`` or ``dilation``.
    groups : int, default 1
        Only 1 is supported (kept so positional arguments match torch).
    bias : bool, default True
    dilation : int or (int, int), default 1
    dtype : dtype, default float32
    rng : numpy.random.Generator or int, optional

    Attributes
    ----------
    weight : Parameter
        Shape (C_in, C_out, kH, kW) — note: *in* first, as in torch — initialised
        U(-1/sqrt(C_out·kH·kW), +1/sqrt(C_out·kH·kW)).
    bias : Parameter or None
        Shape (C_out,).
    kernel_size, stride, padding, output_padding, dilation : (int, int)

    Examples
    --------
    >>> up = ConvTranspose2d(16, 8, kernel_size=2, stride=2)
    >>> up.weight.shape
    (16, 8, 2, 2)
    >>> up(np.zeros((4, 16, 7, 7), dtype=np.float32)).shape
    (4, 8, 14, 14)
    >>> ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1).output_shape((4, 16, 7, 7))
    (4, 8, 14, 14)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        output_padding: int | tuple[int, int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, int] = 1,
        *,
        dtype: DTypeLike = np.float32,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self._setup(in_channels, out_channels, kernel_size, stride, padding, dilation, groups)
        name = type(self).__name__
        self.output_padding = pair(name, "output_padding", output_padding, 0)
        for axis, op, s, d in zip(
            "HW", self.output_padding, self.stride, self.dilation, strict=True
        ):
            if op >= s and op >= d:
                raise ArgumentError(
                    f"{name}: output_padding {op} must be smaller than stride {s} or dilation {d} "
                    f"(axis {axis})"
                )
        c_out, (kh, kw) = self.out_channels, self.kernel_size
        # torch computes fan_in from weight.size(1), which is C_out here
        self._init_parameters((self.in_channels, c_out), c_out * kh * kw, bias, dtype, rng)
        self._work = Workspace()

    torch_class = "ConvTranspose2d"

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import transposed_field

        return transposed_field(f, shape_in, self.kernel_size, self.stride, self.dilation)

    def macs(self, shape_in: Shape, shape_out: Shape) -> int:
        """Every input value stamps C_out·kH·kW products."""
        return math.prod(shape_in) * self.out_channels * math.prod(self.kernel_size)

    def output_shape(self, input_shape: Shape) -> Shape:
        name = type(self).__name__
        n, c, h, w = check_rank(name, input_shape, 4, "(N, C, H, W)")
        check_channels(name, (n, c, h, w), self.in_channels, "in_channels")
        size = []
        for axis, m, k, s, p, op, d in zip(
            "HW",
            (h, w),
            self.kernel_size,
            self.stride,
            self.padding,
            self.output_padding,
            self.dilation,
            strict=True,
        ):
            out = (m - 1) * s - 2 * p + d * (k - 1) + op + 1
            if out <= 0 or m == 0:
                raise ArgumentError(
                    f"{name}: output {axis} would be {out} = ({axis}={m} - 1)·stride {s} "
                    f"- 2·padding {p} + dilation {d}·(kernel_size {k} - 1) "
                    f"+ output_padding {op} + 1; it must be > 0"
                )
            size.append(out)
        return (n, self.out_channels, size[0], size[1])

    def forward(self, x: Any) -> NDArray[np.floating]:
        # K = C_out·kH·kW: the size of one stamp
        _, _, ho, wo = out_shape = self.output_shape(x.shape)
        stamps = Stamps(self, x.shape, (ho, wo))  # where this layer's stamps land
        x_cn = stamps.inputs(x)  # (C_in, N·H·W): one column per input value
        w2 = self.weight.data.reshape(x.shape[1], -1).astype(x.dtype, copy=False)  # (C_in, K)
        cols = self._work.matmul("cols", w2.T, x_cn)  # (K, N·H·W): one stamp per input value
        bias = None if self.bias is None else self.bias.data.astype(x.dtype, copy=False)
        out = stamps.to_output(cols, bias)  # add up, crop: (N, C_out, H_out, W_out)
        self.save_for_backward(out_shape, x_cn=x_cn, stamps=stamps)
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        x_cn, stamps = saved["x_cn"], saved["stamps"]  # (C_in, N·H·W)
        g = grad_out.astype(x_cn.dtype, copy=False)  # (N, C_out, H_out, W_out)
        if self.bias is not None:
            self.bias.accumulate(g.sum(axis=(0, 2, 3)))  # (C_out,)
        gcols = stamps.from_output(g)  # (K, N·H·W): what each stamp's values received
        self.weight.accumulate((x_cn @ gcols.T).reshape(self.weight.shape))  # (C_in, K)
        w2 = self.weight.data.reshape(x_cn.shape[0], -1).astype(g.dtype, copy=False)  # (C_in, K)
        return stamps.to_input(w2 @ gcols)  # (C_in, N·H·W) → (N, C_in, H, W)
